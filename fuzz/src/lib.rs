//! One entry function per fuzz target, shared by the libFuzzer binaries (`fuzz_targets/`, built
//! by scripts/fuzz.sh) and the corpus regression test (`tests/corpus.rs`, run by `cargo test`).
//! Each corpus lives in `fuzz/corpus/<target>/`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use waymark_core::fuzzing;

// The CLI's friendly time parser lives in the `waymark` binary crate; it depends on chrono
// alone, so it is compiled here from the same file.
#[path = "../../bindings/cli/src/when.rs"]
#[allow(dead_code)]
mod when;

/// Every target: its name (the binary and the corpus folder) and its entry function.
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("strip", fuzzing::strip),
    ("map_import", fuzzing::map_import),
    ("bundle_zip", bundle_zip),
    ("bundle_dir", bundle_dir),
    ("receipt", fuzzing::receipt),
    ("when", parse_time),
    ("key_file", key_file),
    ("armed_file", fuzzing::armed_file),
];

pub fn bundle_zip(data: &[u8]) {
    fuzzing::bundle_zip(data, scratch());
}

pub fn bundle_dir(data: &[u8]) {
    fuzzing::bundle_dir(data, scratch());
}

pub fn key_file(data: &[u8]) {
    fuzzing::key_file(data, scratch());
}

/// The friendly time parser, at a fixed "now": never panics, and a time it accepts shows.
pub fn parse_time(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("a fixed time");
    if let Ok(t) = when::parse_time(text, now) {
        let _ = when::show(t);
    }
}

/// For targets whose code catches a dependency's panic and turns it into a clear error (map
/// import does, around osmpbf): libFuzzer's panic hook would abort on it even though the app
/// never sees it. Panics inside a dependency (a crates.io source path) are left to be caught;
/// any other panic, and any panic nothing catches, still aborts and is reported.
pub fn tolerate_caught_dependency_panics() {
    let abort_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_dependency = info
            .location()
            .is_some_and(|l| l.file().contains("/registry/src/"));
        if !in_dependency {
            abort_hook(info);
        }
    }));
}

/// A private scratch folder per process (targets that read from a path write the input there).
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("waymark-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch folder in the temp dir");
        dir
    })
}

/// Removes this process's scratch folder (the corpus test calls it when done).
pub fn remove_scratch() {
    let _ = std::fs::remove_dir_all(scratch());
}

/// The corpus folder of a target, in the source tree.
pub fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target)
}
