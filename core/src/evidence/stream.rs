//! Streaming authenticated encryption of one evidence item (age-style STREAM).
//!
//! The plaintext is cut into 64 KiB chunks; each chunk is sealed with ChaCha20-Poly1305 under the
//! item's own random key. The 12-byte nonce is an 11-byte big-endian chunk counter followed by a
//! flag byte that is 1 only on the last chunk, so chunks cannot be reordered, dropped, duplicated
//! or cut off at a chunk boundary without failing authentication. Every chunk's associated data
//! binds the format version and the evidence id, so two files swapped on disk do not open.
//!
//! The file holds nothing but sealed chunks: no magic, no header (the version and the wrapped key
//! live in the encrypted database). Only a full final chunk is ever followed by nothing; an empty
//! last chunk exists only for an empty item. Memory use is two chunk buffers whatever the size.

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305};
use ring::digest::{Context, SHA256};
use std::io::{self, Read, Write};
use zeroize::Zeroizing;

/// Version of the on-disk format; part of every chunk's associated data.
pub const FORMAT_VERSION: u8 = 1;
/// Plaintext bytes per chunk.
pub const CHUNK_SIZE: usize = 64 * 1024;
/// Authentication tag appended to every chunk.
pub const TAG_LEN: usize = 16;
/// Size of one full sealed chunk on disk.
pub const SEALED_CHUNK_SIZE: usize = CHUNK_SIZE + TAG_LEN;
/// Length of a per-item key.
pub const KEY_LEN: usize = 32;

/// Why a sealed stream did not open. Never contains plaintext.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Authentication failed: the file was changed, cut short, extended, reordered or belongs to
    /// another item. `chunk` is the zero-based chunk index where it was noticed.
    #[error("chunk {chunk} did not authenticate (changed, cut short, reordered or swapped)")]
    Tampered { chunk: u64 },
    /// Reading the sealed file failed (not a tampering finding).
    #[error("could not read the encrypted file: {0}")]
    Read(io::Error),
    /// Writing the decrypted output failed (e.g. the destination disk is full).
    #[error("could not write the output: {0}")]
    Write(io::Error),
}

/// What a finished encryption or a full decryption saw of the plaintext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamSummary {
    pub sha256: [u8; 32],
    pub size: u64,
}

pub(crate) fn chunk_aad(evidence_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(20 + evidence_id.len());
    aad.extend_from_slice(b"waymark-evidence\0");
    aad.push(FORMAT_VERSION);
    aad.extend_from_slice(evidence_id.as_bytes());
    aad
}

pub(crate) fn chunk_nonce(counter: u64, last: bool) -> Nonce {
    // 11-byte big-endian counter (top 3 bytes stay zero: 2^64 chunks is unreachable) || flag.
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::assume_unique_for_key(n)
}

pub(crate) fn aead_key(key: &[u8; KEY_LEN]) -> LessSafeKey {
    // A 32-byte slice is always a valid ChaCha20-Poly1305 key, so this cannot fail.
    match UnboundKey::new(&CHACHA20_POLY1305, key) {
        Ok(k) => LessSafeKey::new(k),
        Err(_) => unreachable!("32-byte key is valid for ChaCha20-Poly1305"),
    }
}

/// Encrypts a plaintext pushed in pieces of any size, writing sealed chunks to `out`.
/// Also hashes (SHA-256) and counts the plaintext as it passes.
pub struct StreamEncryptor<W: Write> {
    key: LessSafeKey,
    aad: Vec<u8>,
    counter: u64,
    /// Plaintext of the chunk being filled, with room for its tag; wiped when dropped.
    buf: Zeroizing<Vec<u8>>,
    sha: Context,
    size: u64,
    out: W,
}

impl<W: Write> StreamEncryptor<W> {
    pub fn new(key: &[u8; KEY_LEN], evidence_id: &str, out: W) -> Self {
        StreamEncryptor {
            key: aead_key(key),
            aad: chunk_aad(evidence_id),
            counter: 0,
            buf: Zeroizing::new(Vec::with_capacity(SEALED_CHUNK_SIZE)),
            sha: Context::new(&SHA256),
            size: 0,
            out,
        }
    }

    /// Adds plaintext. A full chunk is sealed only once more data arrives, because whether it is
    /// the last chunk is not known before then.
    pub fn push(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            if self.buf.len() == CHUNK_SIZE {
                self.seal(false)?;
            }
            let take = (CHUNK_SIZE - self.buf.len()).min(data.len());
            let (now, rest) = data.split_at(take);
            self.sha.update(now);
            self.buf.extend_from_slice(now);
            self.size += take as u64;
            data = rest;
        }
        Ok(())
    }

    /// Encrypts everything `input` yields. Errors reading `input` are returned as they are.
    pub fn push_from<R: Read>(&mut self, input: &mut R) -> io::Result<()> {
        let mut scratch = vec![0u8; CHUNK_SIZE];
        loop {
            match input.read(&mut scratch) {
                Ok(0) => return Ok(()),
                Ok(n) => self.push(&scratch[..n])?,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Seals the final chunk and returns the writer with the plaintext's hash and size.
    pub fn finish(mut self) -> io::Result<(W, StreamSummary)> {
        self.seal(true)?;
        self.out.flush()?;
        let digest = self.sha.finish();
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(digest.as_ref());
        Ok((
            self.out,
            StreamSummary {
                sha256,
                size: self.size,
            },
        ))
    }

    /// Plaintext bytes accepted so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    fn seal(&mut self, last: bool) -> io::Result<()> {
        let nonce = chunk_nonce(self.counter, last);
        let tag = self
            .key
            .seal_in_place_separate_tag(nonce, Aad::from(&self.aad), &mut self.buf)
            .map_err(|_| io::Error::other("encryption failed"))?;
        self.buf.extend_from_slice(tag.as_ref());
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or_else(|| io::Error::other("item too large"))?;
        Ok(())
    }
}

/// Decrypts a sealed stream as a `Read` of the plaintext. Every chunk is authenticated before
/// any of its bytes are handed out; a cut-off stream is noticed when the end is reached, so a
/// caller must treat output as trustworthy only after reading to the end without error.
pub struct StreamDecryptor<R: Read> {
    key: LessSafeKey,
    aad: Vec<u8>,
    counter: u64,
    input: R,
    /// Sealed chunk being opened; after opening, its plaintext is `buf[pos..plain_len]`.
    buf: Zeroizing<Vec<u8>>,
    pos: usize,
    plain_len: usize,
    /// One byte read past a full chunk to learn that it was not the last.
    carry: Option<u8>,
    done: bool,
    failure: Option<u64>,
    sha: Context,
    size: u64,
}

impl<R: Read> StreamDecryptor<R> {
    pub fn new(key: &[u8; KEY_LEN], evidence_id: &str, input: R) -> Self {
        StreamDecryptor {
            key: aead_key(key),
            aad: chunk_aad(evidence_id),
            counter: 0,
            input,
            buf: Zeroizing::new(Vec::with_capacity(SEALED_CHUNK_SIZE)),
            pos: 0,
            plain_len: 0,
            carry: None,
            done: false,
            failure: None,
            sha: Context::new(&SHA256),
            size: 0,
        }
    }

    /// Opens the next chunk. Returns `Ok(false)` once the authenticated last chunk was consumed.
    fn open_next(&mut self) -> Result<bool, StreamError> {
        if let Some(chunk) = self.failure {
            return Err(StreamError::Tampered { chunk });
        }
        if self.done {
            return Ok(false);
        }
        self.buf.clear();
        if let Some(b) = self.carry.take() {
            self.buf.push(b);
        }
        // Fill up to one sealed chunk.
        let mut len = self.buf.len();
        self.buf.resize(SEALED_CHUNK_SIZE, 0);
        while len < SEALED_CHUNK_SIZE {
            match self.input.read(&mut self.buf[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(StreamError::Read(e)),
            }
        }
        self.buf.truncate(len);
        let last = if len < SEALED_CHUNK_SIZE {
            true
        } else {
            let mut one = [0u8; 1];
            loop {
                match self.input.read(&mut one) {
                    Ok(0) => break true,
                    Ok(_) => {
                        self.carry = Some(one[0]);
                        break false;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(StreamError::Read(e)),
                }
            }
        };
        let chunk = self.counter;
        let opened = if len < TAG_LEN {
            None // nothing (or less than a tag) where a chunk must be: cut short
        } else {
            self.key
                .open_in_place(
                    chunk_nonce(chunk, last),
                    Aad::from(&self.aad),
                    &mut self.buf,
                )
                .ok()
                .map(|p| p.len())
        };
        let plain_len = match opened {
            // Only an empty item has an empty last chunk; anywhere else it means data was cut.
            Some(0) if chunk > 0 => None,
            other => other,
        };
        let Some(plain_len) = plain_len else {
            self.failure = Some(chunk);
            return Err(StreamError::Tampered { chunk });
        };
        self.sha.update(&self.buf[..plain_len]);
        self.size += plain_len as u64;
        self.pos = 0;
        self.plain_len = plain_len;
        self.counter += 1;
        self.done = last;
        Ok(true)
    }

    /// Writes the whole plaintext to `out`, authenticating every chunk and the end of the stream.
    pub fn decrypt_to<W: Write>(mut self, out: &mut W) -> Result<StreamSummary, StreamError> {
        loop {
            if self.pos < self.plain_len {
                out.write_all(&self.buf[self.pos..self.plain_len])
                    .map_err(StreamError::Write)?;
                self.pos = self.plain_len;
            }
            if !self.open_next()? {
                break;
            }
        }
        out.flush().map_err(StreamError::Write)?;
        Ok(self.summary_unchecked())
    }

    /// The chunk index where tampering was found, if any (for callers using the `Read` impl).
    pub fn tampered_at(&self) -> Option<u64> {
        self.failure
    }

    /// Hash and size of the plaintext, once the whole stream was read and authenticated.
    pub fn summary(&self) -> Option<StreamSummary> {
        (self.done && self.failure.is_none() && self.pos >= self.plain_len)
            .then(|| self.summary_unchecked())
    }

    fn summary_unchecked(&self) -> StreamSummary {
        let digest = self.sha.clone().finish();
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(digest.as_ref());
        StreamSummary {
            sha256,
            size: self.size,
        }
    }
}

impl<R: Read> Read for StreamDecryptor<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        while self.pos >= self.plain_len {
            match self.open_next() {
                Ok(true) => {}
                Ok(false) => return Ok(0),
                Err(StreamError::Read(e)) => return Err(e),
                Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
            }
        }
        let n = out.len().min(self.plain_len - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7u8; 32];

    fn pattern(len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1])
            .collect()
    }

    fn seal(id: &str, data: &[u8]) -> (Vec<u8>, StreamSummary) {
        let mut enc = StreamEncryptor::new(&KEY, id, Vec::new());
        // Uneven pushes exercise the chunk boundary logic.
        for piece in data.chunks(7_001) {
            enc.push(piece).unwrap();
        }
        enc.finish().unwrap()
    }

    fn open(id: &str, sealed: &[u8]) -> Result<(Vec<u8>, StreamSummary), StreamError> {
        let mut out = Vec::new();
        let s = StreamDecryptor::new(&KEY, id, sealed).decrypt_to(&mut out)?;
        Ok((out, s))
    }

    fn sha(data: &[u8]) -> [u8; 32] {
        ring::digest::digest(&SHA256, data)
            .as_ref()
            .try_into()
            .unwrap()
    }

    #[test]
    fn round_trips_at_chunk_edges_and_beyond() {
        for len in [
            0,
            1,
            65_535,
            65_536,
            65_537,
            3 * CHUNK_SIZE,
            5 * 1024 * 1024 + 3,
        ] {
            let data = pattern(len);
            let (sealed, s) = seal("ev1", &data);
            assert_eq!(s.size, len as u64);
            assert_eq!(s.sha256, sha(&data));
            let chunks = len.div_ceil(CHUNK_SIZE).max(1);
            assert_eq!(sealed.len(), len + chunks * TAG_LEN, "len {len}");
            let (back, s2) = open("ev1", &sealed).unwrap();
            assert!(back == data, "round trip differs at len {len}");
            assert_eq!(s, s2);
            // The Read interface gives the same bytes.
            let mut r = StreamDecryptor::new(&KEY, "ev1", &sealed[..]);
            let mut via_read = Vec::new();
            r.read_to_end(&mut via_read).unwrap();
            assert!(via_read == data);
            assert_eq!(r.summary(), Some(s));
        }
    }

    #[test]
    fn push_from_reader_equals_push() {
        let data = pattern(200_000);
        let mut enc = StreamEncryptor::new(&KEY, "ev", Vec::new());
        enc.push_from(&mut &data[..]).unwrap();
        let (a, _) = enc.finish().unwrap();
        let (b, _) = seal("ev", &data);
        assert_eq!(a, b);
    }

    #[test]
    fn ciphertext_does_not_contain_plaintext() {
        let data = b"MARKER-1234567890-MARKER".repeat(10_000);
        let (sealed, _) = seal("ev", &data);
        assert!(!sealed.windows(24).any(|w| w == b"MARKER-1234567890-MARKER"));
    }

    fn assert_tampered(r: Result<(Vec<u8>, StreamSummary), StreamError>, chunk: u64) {
        match r {
            Err(StreamError::Tampered { chunk: c }) => assert_eq!(c, chunk),
            other => panic!(
                "expected tampering at chunk {chunk}, got {:?}",
                other.map(|x| x.1)
            ),
        }
    }

    #[test]
    fn detects_every_kind_of_tampering() {
        let data = pattern(3 * CHUNK_SIZE + 100); // 4 chunks
        let (sealed, _) = seal("ev", &data);

        // Modified: one flipped bit anywhere.
        for at in [0, 5, SEALED_CHUNK_SIZE + 9, sealed.len() - 1] {
            let mut t = sealed.clone();
            t[at] ^= 0x01;
            assert_tampered(open("ev", &t), (at / SEALED_CHUNK_SIZE) as u64);
        }
        // Truncated at a chunk boundary: the now-final chunk lacks the last flag.
        assert_tampered(open("ev", &sealed[..2 * SEALED_CHUNK_SIZE]), 1);
        // Truncated mid-chunk.
        assert_tampered(open("ev", &sealed[..2 * SEALED_CHUNK_SIZE + 50]), 2);
        // Last chunk missing entirely / everything missing.
        assert_tampered(open("ev", &sealed[..3 * SEALED_CHUNK_SIZE]), 2);
        assert_tampered(open("ev", &[]), 0);
        assert_tampered(open("ev", &sealed[..10]), 0);
        // Extended: data after the real last chunk.
        let mut ext = sealed.clone();
        ext.extend_from_slice(&[0u8; 16]);
        assert_tampered(open("ev", &ext), 3);
        // Reordered: chunks 0 and 1 exchanged.
        let mut re = sealed.clone();
        let (a, b) = re.split_at_mut(SEALED_CHUNK_SIZE);
        a.swap_with_slice(&mut b[..SEALED_CHUNK_SIZE]);
        assert_tampered(open("ev", &re), 0);
        // Duplicated chunk.
        let mut dup = sealed[..SEALED_CHUNK_SIZE].to_vec();
        dup.extend_from_slice(&sealed);
        assert_tampered(open("ev", &dup), 1);
        // Another item's id (a file swapped onto another item's name).
        assert_tampered(open("ev-other", &sealed), 0);
        // Another key.
        let mut out = Vec::new();
        let r = StreamDecryptor::new(&[8u8; 32], "ev", &sealed[..]).decrypt_to(&mut out);
        assert!(matches!(r, Err(StreamError::Tampered { chunk: 0 })));
    }

    #[test]
    fn empty_item_cannot_be_faked_by_dropping_chunks() {
        // A full final chunk followed by an empty flagged chunk is not something we write; a
        // stream whose last chunk is empty beyond chunk 0 is rejected.
        let key = aead_key(&KEY);
        let aad = chunk_aad("ev");
        let mut c0 = vec![1u8; CHUNK_SIZE];
        let t0 = key
            .seal_in_place_separate_tag(chunk_nonce(0, false), Aad::from(&aad), &mut c0)
            .unwrap();
        c0.extend_from_slice(t0.as_ref());
        let mut c1 = Vec::new();
        let t1 = key
            .seal_in_place_separate_tag(chunk_nonce(1, true), Aad::from(&aad), &mut c1)
            .unwrap();
        c1.extend_from_slice(t1.as_ref());
        c0.extend_from_slice(&c1);
        assert_tampered(open("ev", &c0), 1);
    }

    #[test]
    fn read_interface_reports_tampering_as_invalid_data() {
        let data = pattern(CHUNK_SIZE * 2);
        let (mut sealed, _) = seal("ev", &data);
        sealed.truncate(SEALED_CHUNK_SIZE);
        let mut r = StreamDecryptor::new(&KEY, "ev", &sealed[..]);
        let mut sink = Vec::new();
        let e = r.read_to_end(&mut sink).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert_eq!(r.tampered_at(), Some(0));
        assert!(r.summary().is_none());
    }

    #[test]
    fn read_and_write_errors_are_not_called_tampering() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("gone"))
            }
        }
        impl Write for Failing {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::StorageFull, "full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut out = Vec::new();
        let r = StreamDecryptor::new(&KEY, "ev", Failing).decrypt_to(&mut out);
        assert!(matches!(r, Err(StreamError::Read(_))));
        let (sealed, _) = seal("ev", b"hello");
        let r = StreamDecryptor::new(&KEY, "ev", &sealed[..]).decrypt_to(&mut Failing);
        assert!(matches!(r, Err(StreamError::Write(_))));
    }
}
