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
    Zip(Box<zip::ZipArchive<BufReader<File>>>),
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
        let f = File::open(path)?;
        let zip = zip::ZipArchive::new(BufReader::new(f)).map_err(|_| {
            Error::integrity("the bundle is neither a folder nor a readable ZIP file")
        })?;
        Ok(BundleSource::Zip(Box::new(zip)))
    }

    /// Every file in the bundle (relative paths with "/"), sorted. Anything that is not a plain
    /// file (a symlink, say) is listed with a "!" prefix so the caller reports it.
    pub fn list(&mut self) -> Result<Vec<String>> {
        let mut out = vec![];
        match self {
            BundleSource::Dir(root) => walk(root, "", &mut out)?,
            BundleSource::Zip(z) => {
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
            BundleSource::Zip(z) => Ok(Box::new(z.by_name(path).map_err(|_| missing())?)),
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
