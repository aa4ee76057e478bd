//! Looking through every byte of every file under a folder for strings that must not be there.

use std::path::{Path, PathBuf};

/// Every regular file under `dir`, recursively (symbolic links are not followed).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read the folder") {
            let e = e.expect("folder entry");
            let kind = e.file_type().expect("file type");
            if kind.is_dir() {
                stack.push(e.path());
            } else if kind.is_file() {
                files.push(e.path());
            }
        }
    }
    files
}

/// "MARKER in PATH" for each marker found in any file, as UTF-8 or UTF-16LE (how SQLite may
/// store text).
pub fn find_markers(dir: &Path, markers: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    for p in files_under(dir) {
        let bytes = std::fs::read(&p).expect("read a file");
        for m in markers {
            let utf16: Vec<u8> = m.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            for needle in [m.as_bytes(), &utf16[..]] {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(format!("{m} in {}", p.display()));
                }
            }
        }
    }
    hits
}

/// Copies a vault folder (files and subfolders, keeping each folder's mode), as someone who
/// copies the phone's files would.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    std::fs::set_permissions(
        to,
        std::fs::metadata(from).expect("folder mode").permissions(),
    )
    .expect("set the copy's mode");
    for e in std::fs::read_dir(from).expect("read the folder") {
        let e = e.expect("folder entry");
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy a file");
        }
    }
}
