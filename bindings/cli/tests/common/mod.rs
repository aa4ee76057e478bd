//! Helpers for driving the real `waymark` binary.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const PIN: &str = "246810";

pub fn waymark() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_waymark"));
    c.env_remove("WAYMARK_VAULT").env("RUST_BACKTRACE", "1");
    c
}

/// Runs `waymark` with `--vault dir --pin-stdin`, feeding `stdin` lines.
pub fn run(dir: &Path, args: &[&str], stdin: &str) -> Output {
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
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args, &format!("{PIN}\n"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn init(dir: &Path) {
    let out = run(dir, &["init", "--insecure-fast-kdf"], &format!("{PIN}\n"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn new_vault() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    init(&dir);
    (tmp, dir)
}

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
