//! Driving the real `waymark` binary, as a script would: `--vault DIR --pin-stdin`.

use crate::PIN;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `waymark` binary cargo built for these tests: `WAYMARK_BIN` if set, else the one beside
/// the test executable's `deps` folder (where cargo puts a package's binaries).
pub fn bin() -> PathBuf {
    if let Some(p) = std::env::var_os("WAYMARK_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("tests run from target/<profile>/deps");
    profile_dir.join(format!("waymark{}", std::env::consts::EXE_SUFFIX))
}

/// `waymark` without any vault from the environment.
pub fn waymark() -> Command {
    let mut c = Command::new(bin());
    c.env_remove("WAYMARK_VAULT").env("RUST_BACKTRACE", "1");
    c
}

/// Spawns `waymark ARGS --vault DIR --pin-stdin`, fed `stdin`; not waited for.
pub fn spawn(dir: &Path, args: &[&str], stdin: &str) -> std::process::Child {
    let mut child = waymark()
        .args(args)
        .arg("--vault")
        .arg(dir)
        .arg("--pin-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn waymark");
    // The command may exit before reading (a usage error): a broken pipe is fine.
    let _ = child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes());
    child
}

/// Runs `waymark ARGS --vault DIR --pin-stdin`, feeding `stdin` lines.
pub fn run(dir: &Path, args: &[&str], stdin: &str) -> Output {
    spawn(dir, args, stdin)
        .wait_with_output()
        .expect("wait for waymark")
}

/// Runs with the test PIN and expects exit 0; returns standard output.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args, &format!("{PIN}\n"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// `ok` with `--json`, parsed.
pub fn json(dir: &Path, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    serde_json::from_str(&ok(dir, &a)).expect("JSON output")
}

/// Runs with the test PIN; returns the exit code (-1 for a signal) and standard error.
pub fn fail(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = run(dir, args, &format!("{PIN}\n"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// `waymark init` with the test PIN and the fast test key derivation.
pub fn init(dir: &Path) {
    let out = run(dir, &["init", "--insecure-fast-kdf"], &format!("{PIN}\n"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A new vault in a fresh temporary folder (kept while the `TempDir` lives).
pub fn new_vault() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let dir = tmp.path().join("vault");
    init(&dir);
    (tmp, dir)
}

/// Asserts a failure with exit `code` that speaks plainly (no panic, no backtrace); returns
/// standard error.
pub fn assert_clean_failure(out: &Output, code: i32) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(
        !err.contains("panicked")
            && !err.contains("RUST_BACKTRACE")
            && !err.contains("stack backtrace"),
        "{err}"
    );
    assert!(
        err.starts_with("waymark: ") || err.starts_with("error:"),
        "{err}"
    );
    err
}
