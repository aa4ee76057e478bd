//! Files the person names on the command line (a map, a receipt): only plain files, read up to
//! a stated size. A device such as /dev/zero never ends and a pipe may never deliver, so
//! neither is read at all; a file over the limit is refused before it is loaded.

use crate::app::CliError;
use std::io::Read;
use std::path::Path;
use waymark_core::evidence::human_size;

/// Reads `path` whole if it is a plain file of at most `max` bytes. `what` names it in messages
/// ("that map file").
pub fn read_plain_file(path: &Path, what: &str, max: u64) -> Result<Vec<u8>, CliError> {
    let meta = std::fs::metadata(path).map_err(|_| {
        CliError::usage(format!(
            "could not read {what}; check the name and try again"
        ))
    })?;
    if !meta.is_file() {
        return Err(CliError::usage(format!(
            "{what} is not a plain file (a folder, a device or a pipe), so it was not read"
        )));
    }
    if meta.len() > max {
        return Err(CliError::usage(format!(
            "{what} is {}, more than the {} Waymark reads; nothing was changed",
            human_size(meta.len()),
            human_size(max)
        )));
    }
    let file = std::fs::File::open(path).map_err(|_| {
        CliError::usage(format!(
            "could not read {what}; check the name and try again"
        ))
    })?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| CliError::usage(format!("could not read {what}")))?;
    if bytes.len() as u64 > max {
        return Err(CliError::usage(format!(
            "{what} grew past {} while it was being read; nothing was changed",
            human_size(max)
        )));
    }
    Ok(bytes)
}

/// "4G", "500M", "64K", "1000": a size a person types (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], t[i..].trim().to_ascii_uppercase()),
        None => (t, String::new()),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size; try 500M or 8G"))?;
    let shift = match unit.trim_end_matches('B') {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("'{s}' is not a size; try 500M or 8G")),
    };
    let bytes = n
        .checked_mul(1u64 << shift)
        .ok_or_else(|| format!("'{s}' is too large"))?;
    if bytes == 0 {
        return Err("the size limit must be more than 0".into());
    }
    Ok(bytes)
}
