//! Writing a bundle: every file is hashed as it streams out, the manifest is signed last, and the
//! bundle appears under its final name only when complete (temp name + rename).

use super::*;
use crate::progress::{Progress, ProgressWriter, Stage};
use crate::report::keys::{fingerprint, public_key_pem, Signer};
use crate::{Error, Result};
use ring::digest::{Context, SHA256};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// Where the original bytes of an evidence item come from (the evidence store decrypts them).
pub trait EvidenceSource {
    fn copy_original(&self, evidence_id: &str, out: &mut dyn Write) -> Result<()>;
}

/// An evidence item to include, with the fingerprint recorded when it was captured.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub evidence_id: String,
    pub name: String,
    pub sha256_hex: String,
    pub size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleOutput {
    Directory,
    Zip,
}

impl BundleOutput {
    /// A path ending in ".zip" means a ZIP; anything else a directory.
    pub fn for_path(p: &Path) -> Self {
        match p.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("zip") => BundleOutput::Zip,
            _ => BundleOutput::Directory,
        }
    }
}

/// Everything that goes into a bundle apart from the evidence bytes.
pub struct BundleParts {
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub recipient: Option<String>,
    pub tree_head: crate::log::SignedTreeHead,
    pub incidents: Vec<String>,
    pub incidents_json: Vec<u8>,
    pub entries: Vec<ManifestEntry>,
    pub evidence: Vec<EvidenceFile>,
}

pub fn evidence_path(e: &EvidenceFile) -> String {
    format!(
        "evidence/{}-{}",
        safe_name(&e.evidence_id),
        safe_name(&e.name)
    )
}

/// Writes the bundle to `out` (which must not exist yet) and returns its manifest. Progress runs
/// over `from..1.0` of the whole export; cancelled, it removes everything it wrote and returns
/// `Cancelled`.
pub fn write_bundle(
    out: &Path,
    kind: BundleOutput,
    parts: BundleParts,
    source: &dyn EvidenceSource,
    signer: &dyn Signer,
    progress: Progress,
    from: f64,
) -> Result<Manifest> {
    if out.exists() {
        return Err(Error::invalid(
            "output",
            "already exists; choose a new name",
        ));
    }
    let tmp = temp_sibling(out)?;
    let result = (|| {
        let mut sink = Sink::create(&tmp, kind)?;
        let manifest = fill(&mut sink, parts, source, signer, progress, from)?;
        sink.finish()?;
        // Last chance to stop before the bundle appears under its name.
        progress.check()?;
        Ok(manifest)
    })()
    .map_err(|e| progress.or_cancelled(e));
    match result {
        Ok(m) => {
            fs::rename(&tmp, out)?;
            sync_parent(out);
            Ok(m)
        }
        Err(e) => {
            remove_any(&tmp);
            Err(e)
        }
    }
}

fn fill(
    sink: &mut Sink,
    parts: BundleParts,
    source: &dyn EvidenceSource,
    signer: &dyn Signer,
    progress: Progress,
    from: f64,
) -> Result<Manifest> {
    let key = signer.public_key()?;
    // Evidence bytes dominate; the rest is small and goes in the last tenth.
    let copying = progress.span(Stage::CopyingEvidence, from, from + (1.0 - from) * 0.9);
    let total: u64 = parts.evidence.iter().map(|e| e.size).sum();
    let mut done = 0u64;
    copying.report(0.0)?;
    let mut files = vec![];
    let (sha, size) = sink.add(INCIDENTS, true, &mut |w| {
        Ok(w.write_all(&parts.incidents_json)?)
    })?;
    files.push(ManifestFile {
        path: INCIDENTS.into(),
        sha256: sha,
        size,
        evidence_id: None,
    });
    for e in &parts.evidence {
        let path = evidence_path(e);
        // Photos and videos are already compressed: store them as they are.
        let (sha, size) = sink.add(&path, false, &mut |w| {
            let mut w = ProgressWriter::new(w, copying, done, total);
            source.copy_original(&e.evidence_id, &mut w)
        })?;
        done += size;
        copying.report(done as f64 / total.max(1) as f64)?;
        if sha != e.sha256_hex.to_ascii_lowercase() || size != e.size {
            return Err(Error::integrity(format!(
                "evidence {} does not match the fingerprint recorded when it was captured",
                e.evidence_id.chars().take(8).collect::<String>()
            )));
        }
        files.push(ManifestFile {
            path,
            sha256: sha,
            size,
            evidence_id: Some(e.evidence_id.clone()),
        });
    }
    progress.report(Stage::SigningBundle, copying.to)?;
    let (sha, size) = sink.add(HOW_TO, true, &mut |w| {
        Ok(w.write_all(HOW_TO_VERIFY_TEXT.as_bytes())?)
    })?;
    files.push(ManifestFile {
        path: HOW_TO.into(),
        sha256: sha,
        size,
        evidence_id: None,
    });
    let pem = public_key_pem(&key);
    let (sha, size) = sink.add(PUBLIC_KEY, false, &mut |w| Ok(w.write_all(pem.as_bytes())?))?;
    files.push(ManifestFile {
        path: PUBLIC_KEY.into(),
        sha256: sha,
        size,
        evidence_id: None,
    });

    let th = &parts.tree_head;
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        created_at: parts.created_at,
        recipient: parts.recipient,
        signing_key: KeyInfo {
            algorithm: "Ed25519".into(),
            public_key_hex: hex::encode(key),
            fingerprint: fingerprint(&key),
            file: PUBLIC_KEY.into(),
        },
        tree_head_signed_bytes: hex::encode(crate::log::SignedTreeHead::message(
            th.size,
            &th.root,
            th.signed_at,
        )),
        tree_head: parts.tree_head,
        merkle: MERKLE_RULES.into(),
        incidents: parts.incidents,
        entries: parts.entries,
        files,
    };
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|_| Error::storage("could not encode the manifest"))?;
    manifest_bytes.push(b'\n');
    let signature = signer.sign(&manifest_bytes)?;
    sink.add(MANIFEST, true, &mut |w| Ok(w.write_all(&manifest_bytes)?))?;
    sink.add(SIGNATURE, false, &mut |w| Ok(w.write_all(&signature)?))?;
    let mut sums: Vec<(String, String)> = sink.written.clone();
    sums.sort_by(|a, b| a.0.cmp(&b.0));
    let text: String = sums
        .iter()
        .map(|(path, sha)| format!("{sha}  {path}\n"))
        .collect();
    sink.add(SUMS, false, &mut |w| Ok(w.write_all(text.as_bytes())?))?;
    progress.report(Stage::SigningBundle, 1.0)?;
    Ok(manifest)
}

/// Hashes and counts bytes on their way to the real writer.
struct Hashing<'a> {
    inner: &'a mut dyn Write,
    hash: Context,
    size: u64,
}

impl Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

enum Target {
    Dir(PathBuf),
    Zip(Box<zip::ZipWriter<BufWriter<File>>>),
}

struct Sink {
    target: Target,
    /// (path, sha256) of everything written so far, for SHA256SUMS.
    written: Vec<(String, String)>,
}

type Fill<'a> = dyn FnMut(&mut dyn Write) -> Result<()> + 'a;

impl Sink {
    fn create(path: &Path, kind: BundleOutput) -> Result<Sink> {
        let target = match kind {
            BundleOutput::Directory => {
                fs::create_dir(path)?;
                Target::Dir(path.to_path_buf())
            }
            BundleOutput::Zip => {
                let f = File::options().write(true).create_new(true).open(path)?;
                Target::Zip(Box::new(zip::ZipWriter::new(BufWriter::with_capacity(
                    1 << 20,
                    f,
                ))))
            }
        };
        Ok(Sink {
            target,
            written: vec![],
        })
    }

    fn add(&mut self, path: &str, compress: bool, fill: &mut Fill) -> Result<(String, u64)> {
        let (sha, size) = match &mut self.target {
            Target::Dir(root) => {
                let full = root.join(path);
                if let Some(parent) = full.parent() {
                    fs::create_dir_all(parent)?;
                }
                let file = File::options().write(true).create_new(true).open(&full)?;
                let mut buf = BufWriter::with_capacity(1 << 20, file);
                let r = hashed(&mut buf, fill)?;
                // Flushed now, made durable in finish(): syncing each file here would stop
                // hashing the next one while the disk catches up.
                buf.flush()?;
                r
            }
            Target::Zip(zip) => {
                let options = SimpleFileOptions::default()
                    .compression_method(if compress {
                        CompressionMethod::Deflated
                    } else {
                        CompressionMethod::Stored
                    })
                    .large_file(true)
                    .unix_permissions(0o644);
                zip.start_file(path, options).map_err(zip_error)?;
                hashed(zip.as_mut(), fill)?
            }
        };
        self.written.push((path.to_string(), sha.clone()));
        Ok((sha, size))
    }

    fn finish(self) -> Result<()> {
        match self.target {
            Target::Dir(root) => {
                for (path, _) in &self.written {
                    File::open(root.join(path))?.sync_all()?;
                }
                if root.join("evidence").is_dir() {
                    sync_dir(&root.join("evidence"));
                }
                sync_dir(&root);
                Ok(())
            }
            Target::Zip(zip) => {
                let buf = zip.finish().map_err(zip_error)?;
                let file = buf.into_inner().map_err(|e| Error::from(e.into_error()))?;
                file.sync_all()?;
                Ok(())
            }
        }
    }
}

fn hashed(w: &mut dyn Write, fill: &mut Fill) -> Result<(String, u64)> {
    let mut h = Hashing {
        inner: w,
        hash: Context::new(&SHA256),
        size: 0,
    };
    fill(&mut h)?;
    h.flush()?;
    Ok((hex::encode(h.hash.finish().as_ref()), h.size))
}

pub(crate) fn zip_error(e: zip::result::ZipError) -> Error {
    match e {
        zip::result::ZipError::Io(e) => Error::from(e),
        _ => Error::storage("the ZIP file could not be written"),
    }
}

fn temp_sibling(out: &Path) -> Result<PathBuf> {
    let name = out
        .file_name()
        .ok_or_else(|| Error::invalid("output", "needs a file or folder name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(
        ".partial-{}",
        hex::encode(crate::vault::random_id()?)
    ));
    Ok(out.with_file_name(tmp_name))
}

fn remove_any(p: &Path) {
    let _ = if p.is_dir() {
        fs::remove_dir_all(p)
    } else {
        fs::remove_file(p)
    };
}

fn sync_dir(p: &Path) {
    if let Ok(d) = File::open(p) {
        let _ = d.sync_all();
    }
}

fn sync_parent(p: &Path) {
    if let Some(parent) = p.parent() {
        sync_dir(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        });
    }
}
