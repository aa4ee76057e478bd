//! Entry points for the fuzz targets in `fuzz/` (and their corpus regression tests): each takes
//! bytes an attacker could hand over and runs them through the same code the app runs on them.
//! Not an API for the app; errors are the expected outcome for most inputs, a panic is a bug.

use crate::clock::ManualClock;
use crate::evidence::sniff::{sniff, MediaType, SNIFF_LEN};
use crate::evidence::strip::strip_metadata;
use crate::vault::{armed_file, keyfile, SoftwarePrfNoHardware, Vault};
use chrono::{TimeZone, Utc};
use std::path::Path;
use std::sync::Arc;

/// Sniffs the content type and, for a picture, makes a sharing copy. A sharing copy must itself
/// be a clean picture of the same type: stripping it again gives the same bytes.
pub fn strip(data: &[u8]) {
    let media = sniff(&data[..data.len().min(SNIFF_LEN)]);
    let _ = media.mime();
    for media in [MediaType::Jpeg, MediaType::Png] {
        let mut out = Vec::new();
        if strip_metadata(media, data, &mut out).is_ok() {
            let mut again = Vec::new();
            strip_metadata(media, out.as_slice(), &mut again)
                .expect("a sharing copy can be stripped again");
            assert_eq!(again, out, "stripping a sharing copy changes nothing");
        }
    }
}

/// Imports bytes as an OpenStreetMap PBF map.
pub fn map_import(data: &[u8]) {
    let _ = crate::routes::import::import_pbf(data);
}

/// Parses a receipt (signature included).
pub fn receipt(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::report::receipt::parse_receipt(text);
    }
}

/// Reads bytes as a vault's key file, as `waymark status` and `checkin tick` do before any PIN
/// (written to `scratch` first: a vault is a folder). A parsed file writes back to the same bytes.
pub fn key_file(data: &[u8], scratch: &Path) {
    if let Ok(kf) = keyfile::KeyFile::from_bytes(data) {
        assert_eq!(kf.to_bytes(), data, "a key file reads back as written");
        for role in keyfile::SlotRole::ALL {
            let _ = kf.open_slot(role, &[7u8; 32]);
        }
    }
    let dir = scratch.join("vault");
    if std::fs::create_dir_all(&dir).is_err()
        || std::fs::write(dir.join("vault.keys"), data).is_err()
    {
        return;
    }
    let now = Utc
        .timestamp_opt(1_800_000_000, 0)
        .single()
        .expect("a fixed time");
    let prf = Arc::new(SoftwarePrfNoHardware::new(b"fuzz"));
    if let Ok(vault) = Vault::open(&dir, prf, Arc::new(ManualClock::new(now))) {
        let _ = vault.status();
        let _ = vault.read_armed();
    }
}

/// Reads bytes as the armed check-in file (no PIN needed for this) and, separately, as the
/// payload sealed inside it, then runs the check-in timer over what was read.
pub fn armed_file(data: &[u8]) {
    let key = [9u8; 32];
    let id = [3u8; 16];
    let _ = armed_file::open(&key, &id, data);
    if data.len() <= crate::vault::ARMED_CAPACITY {
        let sealed = armed_file::seal(&key, &id, data).expect("a payload that fits seals");
        let opened = armed_file::open(&key, &id, &sealed).expect("a sealed payload opens");
        assert_eq!(opened.as_slice(), data);
        if let Ok(mut checkins) = crate::safety::armed::parse(data) {
            let now = Utc
                .timestamp_opt(1_800_000_000, 0)
                .single()
                .expect("a fixed time");
            for c in checkins.iter_mut() {
                let _ = c.next_wake();
                let _ = c.view();
                let _ = c.tick(now);
            }
        }
    }
}

/// Verifies bytes as a ZIP bundle, written to `scratch` first (a bundle is read from a path).
pub fn bundle_zip(data: &[u8], scratch: &Path) {
    let path = scratch.join("bundle.zip");
    if std::fs::write(&path, data).is_ok() {
        let _ = crate::report::bundle::verify_bundle(&path);
    }
}

/// Verifies a folder bundle built from bytes: a sequence of files, each a name line then a
/// length line then that many bytes (so mutations add, drop and change files).
pub fn bundle_dir(data: &[u8], scratch: &Path) {
    let root = scratch.join("bundle");
    let _ = std::fs::remove_dir_all(&root);
    if std::fs::create_dir_all(&root).is_err() {
        return;
    }
    let mut rest = data;
    let mut files = 0;
    while !rest.is_empty() && files < 64 {
        let Some((name, after)) = split_line(rest) else {
            break;
        };
        let Some((len, after)) = split_line(after) else {
            break;
        };
        let Some(len) = std::str::from_utf8(len)
            .ok()
            .and_then(|l| l.parse::<usize>().ok())
        else {
            break;
        };
        let len = len.min(after.len());
        let (content, after) = after.split_at(len);
        rest = after;
        files += 1;
        // Only plain relative names inside the scratch folder: the fuzzer writes files, so it
        // must not be able to write anywhere else.
        let Ok(name) = std::str::from_utf8(name) else {
            continue;
        };
        if name.is_empty()
            || name.starts_with('/')
            || name
                .split('/')
                .any(|p| p.is_empty() || p == "." || p == "..")
            || name.contains('\\')
            || name.contains('\0')
        {
            continue;
        }
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&path, content);
    }
    let _ = crate::report::bundle::verify_bundle(&root);
}

fn split_line(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let i = b.iter().position(|&c| c == b'\n')?;
    Some((&b[..i], &b[i + 1..]))
}
