//! Reading a bundle that is either a directory or a ZIP, without trusting anything in it:
//! paths are checked, symlinks are not followed, and reads are size-limited where whole files
//! are loaded.

use super::path_is_safe;
use crate::{Error, Result};
use ring::digest::{Context, SHA256};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

pub enum BundleSource {
    Dir(PathBuf),
    /// The archive, and what is wrong with its layout (see `zip_layout_problem`), if anything.
    Zip(Box<zip::ZipArchive<BufReader<File>>>, Option<String>),
}

/// Manifest, incidents and sums are loaded whole; nothing legitimate comes near this.
const MAX_LOADED: u64 = 256 * 1024 * 1024;

impl BundleSource {
    pub fn open(path: &Path) -> Result<BundleSource> {
        let meta =
            std::fs::metadata(path).map_err(|_| Error::not_found("no bundle at that path"))?;
        if meta.is_dir() {
            return Ok(BundleSource::Dir(path.to_path_buf()));
        }
        if !meta.is_file() {
            return Err(Error::invalid(
                "bundle",
                "is neither a folder nor a plain file (a device or a pipe?)",
            ));
        }
        let f = File::open(path)?;
        let mut zip = zip::ZipArchive::new(BufReader::new(f)).map_err(|_| {
            Error::integrity("the bundle is neither a folder nor a readable ZIP file")
        })?;
        let problem = zip_layout_problem(&mut zip, path)?;
        Ok(BundleSource::Zip(Box::new(zip), problem))
    }

    /// Why the container itself cannot be trusted, if it cannot: a ZIP naming a file twice,
    /// or holding bytes its central directory does not account for (a hidden local entry
    /// that some unzip tools extract), or a comment.
    pub fn layout_problem(&self) -> Option<&str> {
        match self {
            BundleSource::Dir(_) => None,
            BundleSource::Zip(_, p) => p.as_deref(),
        }
    }

    /// Every file in the bundle (relative paths with "/"), sorted. Anything that is not a plain
    /// file (a symlink, say) is listed with a "!" prefix so the caller reports it.
    pub fn list(&mut self) -> Result<Vec<String>> {
        let mut out = vec![];
        match self {
            BundleSource::Dir(root) => walk(root, "", &mut out)?,
            BundleSource::Zip(z, _) => {
                for i in 0..z.len() {
                    let f = z
                        .by_index_raw(i)
                        .map_err(|_| Error::integrity("the ZIP file is damaged"))?;
                    if f.is_dir() {
                        continue;
                    }
                    let name = f
                        .name()
                        .map_err(|_| Error::integrity("the ZIP file names a file badly"))?
                        .to_string();
                    out.push(if f.is_symlink() {
                        format!("!{name}")
                    } else {
                        name
                    });
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn reader(&mut self, path: &str) -> Result<Box<dyn Read + '_>> {
        if !path_is_safe(path) {
            return Err(Error::integrity(format!(
                "the bundle names an unsafe path ({})",
                printable(path)
            )));
        }
        let missing = || Error::integrity(format!("{} is missing", printable(path)));
        match self {
            BundleSource::Dir(root) => {
                let full = root.join(path);
                let meta = std::fs::symlink_metadata(&full).map_err(|_| missing())?;
                if !meta.is_file() {
                    return Err(Error::integrity(format!(
                        "{} is not a plain file",
                        printable(path)
                    )));
                }
                Ok(Box::new(BufReader::with_capacity(
                    1 << 20,
                    File::open(full)?,
                )))
            }
            BundleSource::Zip(z, _) => Ok(Box::new(z.by_name(path).map_err(|_| missing())?)),
        }
    }

    pub fn exists(&mut self, path: &str) -> bool {
        self.reader(path).is_ok()
    }

    pub fn read_all(&mut self, path: &str) -> Result<Vec<u8>> {
        let mut buf = vec![];
        self.reader(path)?
            .take(MAX_LOADED + 1)
            .read_to_end(&mut buf)?;
        if buf.len() as u64 > MAX_LOADED {
            return Err(Error::integrity(format!(
                "{} is far too large",
                printable(path)
            )));
        }
        Ok(buf)
    }

    /// (hex SHA-256, size), streamed.
    pub fn hash(&mut self, path: &str) -> Result<(String, u64)> {
        self.hash_tracked(path, &mut |_| true)
    }

    /// As `hash`, telling `read` how many bytes came in after each piece; when it returns false
    /// the hashing stops with `Cancelled`.
    pub fn hash_tracked(
        &mut self,
        path: &str,
        read: &mut dyn FnMut(u64) -> bool,
    ) -> Result<(String, u64)> {
        let mut r = self.reader(path)?;
        let mut ctx = Context::new(&SHA256);
        let mut buf = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = r.read(&mut buf)?;
            if n == 0 {
                break;
            }
            ctx.update(&buf[..n]);
            size += n as u64;
            if !read(n as u64) {
                return Err(Error::Cancelled);
            }
        }
        Ok((hex::encode(ctx.finish().as_ref()), size))
    }
}

/// A ZIP a bundle writer made is exactly: local entries back to back from byte 0, each named
/// once by the central directory (optionally followed by its data descriptor), then the central
/// directory, then its end records with no comment. Anything else is tampering: a name given
/// twice (`unzip -n` keeps the first copy, this reader the other), a local entry the central
/// directory never names, bytes before, between or after the entries.
fn zip_layout_problem(
    z: &mut zip::ZipArchive<BufReader<File>>,
    path: &Path,
) -> Result<Option<String>> {
    if z.offset() != 0 {
        return Ok(Some("the ZIP file has bytes before its first entry".into()));
    }
    if !z.comment().is_empty() {
        return Ok(Some("the ZIP file carries a comment".into()));
    }
    let mut names = std::collections::BTreeSet::new();
    let mut spans = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let f = z
            .by_index_raw(i)
            .map_err(|_| Error::integrity("the ZIP file is damaged"))?;
        let name = String::from_utf8_lossy(f.name_raw()).to_lowercase();
        if !names.insert(name) {
            return Ok(Some(format!(
                "the ZIP file names {} more than once",
                printable(&String::from_utf8_lossy(f.name_raw()))
            )));
        }
        let data = f
            .data_start()
            .ok_or_else(|| Error::integrity("the ZIP file is damaged"))?;
        let end = data
            .checked_add(f.compressed_size())
            .ok_or_else(|| Error::integrity("the ZIP file is damaged"))?;
        spans.push((f.header_start(), end, f.crc32(), f.compressed_size()));
    }
    if z.len() != names.len() || z.has_duplicate_names() {
        return Ok(Some("the ZIP file names a file more than once".into()));
    }
    spans.sort_unstable();
    let mut file = File::open(path)?;
    let mut at = 0u64;
    for (start, end, crc, csize) in spans.iter().copied().chain([(
        z.central_directory_start(),
        z.central_directory_start(),
        0,
        0,
    )]) {
        if start < at {
            return Ok(Some("two ZIP entries overlap".into()));
        }
        if start > at && !is_data_descriptor(&mut file, at, start - at, crc, csize)? {
            return Ok(Some(
                "the ZIP file holds data its central directory does not name".into(),
            ));
        }
        at = end;
    }
    Ok(None)
}

/// Whether the `len` bytes at `at` are exactly the data descriptor of the entry before them.
fn is_data_descriptor(f: &mut File, at: u64, len: u64, crc: u32, csize: u64) -> Result<bool> {
    use std::io::{Seek, SeekFrom};
    if ![12, 16, 20, 24].contains(&len) {
        return Ok(false);
    }
    let mut b = vec![0u8; len as usize];
    f.seek(SeekFrom::Start(at))?;
    f.read_exact(&mut b)?;
    let body = match b.strip_prefix(b"PK\x07\x08") {
        Some(rest) if len == 16 || len == 24 => rest,
        _ if len == 12 || len == 20 => &b[..],
        _ => return Ok(false),
    };
    let le32 = |x: &[u8]| u64::from(u32::from_le_bytes([x[0], x[1], x[2], x[3]]));
    let size_ok = if body.len() == 12 {
        le32(&body[4..8]) == csize
    } else {
        u64::from_le_bytes(body[4..12].try_into().unwrap_or([0; 8])) == csize
    };
    Ok(le32(&body[..4]) == u64::from(crc) && size_ok)
}

fn walk(root: &Path, prefix: &str, out: &mut Vec<String>) -> Result<()> {
    let dir = if prefix.is_empty() {
        root.to_path_buf()
    } else {
        root.join(prefix)
    };
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let ft = entry.file_type()?;
        if ft.is_dir() {
            walk(root, &rel, out)?;
        } else if ft.is_file() {
            out.push(rel);
        } else {
            out.push(format!("!{rel}"));
        }
    }
    Ok(())
}

/// Bundle paths come from outside: show them safely (no control characters, bounded length).
pub(crate) fn printable(p: &str) -> String {
    p.chars().filter(|c| !c.is_control()).take(120).collect()
}
