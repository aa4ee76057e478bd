//! A "sharing copy" of a photo without the details that can identify or locate the person:
//! GPS position, camera maker notes, serial numbers and owner name, XMP and IPTC blocks,
//! comments, embedded thumbnails (which may show the uncropped original) and data hidden after
//! the image (motion-photo videos, extra pictures). Pixels are never decoded or re-encoded: the
//! image data is copied byte for byte, so the copy is exactly as sharp as the original.
//!
//! Only the orientation survives (rewritten into a fresh one-tag Exif block) so the picture is
//! not shown sideways. Everything is kept by allow-list, and what is kept is checked to be
//! exactly its fixed structure (no spare bytes after a table, no free-form field), so a crafted
//! file cannot carry text into a copy meant to be shared:
//! - JPEG: SOI, DQT, SOF*, DHT, DAC, DRI, SOS with its entropy-coded data and RSTn, DNL, EOI;
//!   APP0 JFIF cut to its 14 fixed bytes without thumbnail; APP14 "Adobe" rebuilt from its
//!   colour-transform byte alone. Everything else goes: every other APPn (ICC profiles too),
//!   COM, the reserved and extension markers (0x02-0xBF, JPG, JPG0-13 = 0xF0-0xFD, TEM).
//! - PNG: IHDR, PLTE, IDAT, IEND, plus the fixed-size chunks that change how pixels look: tRNS
//!   (transparency), gAMA, cHRM, sRGB (colour). Every chunk kept must have a correct CRC (a
//!   wrong one would be four free bytes). No iCCP (its profile name is text), sPLT (named),
//!   text, time, physical size, animation or unknown chunks, critical or not.
//!
//! Not removed: anything hidden inside the compressed pixel data itself (the entropy-coded JPEG
//! scan, the zlib stream in IDAT), which is copied byte for byte; see docs/ARCHITECTURE.md.
//! Both formats are processed as streams with memory bounded by one JPEG segment (64 KiB) or one
//! small PNG chunk.

use super::sniff::MediaType;
use std::io::{self, BufRead, BufReader, Read, Write};

/// A kind of detail that was removed, for telling the person what the copy no longer carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Removed {
    Location,
    SerialNumbersOrOwner,
    MakerNote,
    Thumbnail,
    CameraDetails,
    Xmp,
    Iptc,
    Comments,
    HiddenTrailingData,
    ColourProfile,
    OtherMetadata,
}

impl Removed {
    pub fn describe(self) -> &'static str {
        match self {
            Removed::Location => "where the photo was taken (GPS)",
            Removed::SerialNumbersOrOwner => "serial numbers and owner name",
            Removed::MakerNote => "the camera maker's private notes",
            Removed::Thumbnail => "a small hidden preview picture",
            Removed::CameraDetails => "camera, software and date details",
            Removed::Xmp => "editing history and other details (XMP)",
            Removed::Iptc => "captions, names and keywords (IPTC)",
            Removed::Comments => "text comments",
            Removed::HiddenTrailingData => "extra data hidden after the picture",
            Removed::ColourProfile => "a colour profile (which can carry names and text)",
            Removed::OtherMetadata => "other hidden details",
        }
    }
}

/// What the sharing copy lost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StripReport {
    /// Sorted, without repeats.
    pub removed: Vec<Removed>,
    /// The orientation tag was carried over so the picture shows the right way up.
    pub kept_orientation: bool,
}

impl StripReport {
    fn add(&mut self, r: Removed) {
        if let Err(i) = self.removed.binary_search(&r) {
            self.removed.insert(i, r);
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StripError {
    #[error("a sharing copy can only be made of JPEG or PNG pictures, not a {0}")]
    Unsupported(&'static str),
    #[error("the picture's structure is damaged ({0}), so no sharing copy was made")]
    Malformed(&'static str),
    #[error("could not read the original: {0}")]
    Read(io::Error),
    #[error("could not write the sharing copy: {0}")]
    Write(io::Error),
}

/// Writes a metadata-free copy of `input` (of the given sniffed type) to `out`.
pub fn strip_metadata<R: Read, W: Write>(
    media: MediaType,
    input: R,
    out: &mut W,
) -> Result<StripReport, StripError> {
    let mut r = BufReader::with_capacity(64 * 1024, input);
    let report = match media {
        MediaType::Jpeg => strip_jpeg(&mut r, out)?,
        MediaType::Png => strip_png(&mut r, out)?,
        other => return Err(StripError::Unsupported(other.describe())),
    };
    out.flush().map_err(StripError::Write)?;
    Ok(report)
}

// ---------------------------------------------------------------- reading helpers

fn read_u8<R: BufRead>(r: &mut R) -> Result<Option<u8>, StripError> {
    let buf = r.fill_buf().map_err(StripError::Read)?;
    let Some(&b) = buf.first() else {
        return Ok(None);
    };
    r.consume(1);
    Ok(Some(b))
}

fn need_u8<R: BufRead>(r: &mut R, what: &'static str) -> Result<u8, StripError> {
    read_u8(r)?.ok_or(StripError::Malformed(what))
}

fn read_exact<R: Read>(r: &mut R, buf: &mut [u8], what: &'static str) -> Result<(), StripError> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => StripError::Malformed(what),
        _ => StripError::Read(e),
    })
}

fn has_more<R: BufRead>(r: &mut R) -> Result<bool, StripError> {
    Ok(!r.fill_buf().map_err(StripError::Read)?.is_empty())
}

fn put<W: Write>(out: &mut W, bytes: &[u8]) -> Result<(), StripError> {
    out.write_all(bytes).map_err(StripError::Write)
}

/// Copies (or with `out = None`, skips) exactly `n` bytes.
fn pass<R: BufRead, W: Write>(
    r: &mut R,
    mut out: Option<&mut W>,
    mut n: u64,
) -> Result<(), StripError> {
    while n > 0 {
        let buf = r.fill_buf().map_err(StripError::Read)?;
        if buf.is_empty() {
            return Err(StripError::Malformed("the file ends too early"));
        }
        let take = buf.len().min(usize::try_from(n).unwrap_or(usize::MAX));
        if let Some(o) = out.as_deref_mut() {
            o.write_all(&buf[..take]).map_err(StripError::Write)?;
        }
        r.consume(take);
        n -= take as u64;
    }
    Ok(())
}

// ---------------------------------------------------------------- JPEG

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;

fn strip_jpeg<R: BufRead, W: Write>(r: &mut R, out: &mut W) -> Result<StripReport, StripError> {
    let mut report = StripReport::default();
    let mut sig = [0u8; 2];
    read_exact(r, &mut sig, "not a JPEG")?;
    if sig != [0xFF, SOI] {
        return Err(StripError::Malformed("not a JPEG"));
    }
    put(out, &sig)?;
    let mut pending: Option<u8> = None;
    loop {
        let marker = match pending.take() {
            Some(m) => m,
            None => next_marker(r)?,
        };
        match marker {
            EOI => {
                put(out, &[0xFF, EOI])?;
                break;
            }
            // Markers without a length: restart markers belong to the image; TEM does not.
            0xD0..=0xD7 => put(out, &[0xFF, marker])?,
            0x01 => report.add(Removed::OtherMetadata),
            SOI => return Err(StripError::Malformed("a second start-of-image marker")),
            _ => {
                let mut len = [0u8; 2];
                read_exact(r, &mut len, "a segment is cut short")?;
                let len = usize::from(u16::from_be_bytes(len));
                if len < 2 {
                    return Err(StripError::Malformed("a segment has an impossible length"));
                }
                let mut payload = vec![0u8; len - 2];
                read_exact(r, &mut payload, "a segment is cut short")?;
                if let Some(kept) = jpeg_segment_filter(marker, payload, &mut report)? {
                    let seg_len = u16::try_from(kept.len() + 2)
                        .map_err(|_| StripError::Malformed("a segment is too long"))?;
                    put(out, &[0xFF, marker])?;
                    put(out, &seg_len.to_be_bytes())?;
                    put(out, &kept)?;
                }
                if marker == SOS {
                    pending = Some(copy_entropy_coded(r, out)?);
                }
            }
        }
    }
    if has_more(r)? {
        report.add(Removed::HiddenTrailingData);
    }
    Ok(report)
}

/// Reads a marker, skipping fill bytes (0xFF repeated).
fn next_marker<R: BufRead>(r: &mut R) -> Result<u8, StripError> {
    let what = "the picture ends before its end marker";
    if need_u8(r, what)? != 0xFF {
        return Err(StripError::Malformed("expected a segment marker"));
    }
    loop {
        let m = need_u8(r, what)?;
        if m != 0xFF {
            return Ok(m);
        }
    }
}

/// Copies the compressed image data after a start-of-scan header up to the next real marker
/// (byte-stuffed 0xFF00 and restart markers belong to the data), which it returns.
fn copy_entropy_coded<R: BufRead, W: Write>(r: &mut R, out: &mut W) -> Result<u8, StripError> {
    let what = "the picture data is cut short";
    loop {
        let buf = r.fill_buf().map_err(StripError::Read)?;
        if buf.is_empty() {
            return Err(StripError::Malformed(what));
        }
        match buf.iter().position(|&b| b == 0xFF) {
            None => {
                let n = buf.len();
                put(out, buf)?;
                r.consume(n);
            }
            Some(i) => {
                put(out, &buf[..i])?;
                r.consume(i + 1);
                let mut next = need_u8(r, what)?;
                while next == 0xFF {
                    next = need_u8(r, what)?;
                }
                match next {
                    0x00 | 0xD0..=0xD7 => put(out, &[0xFF, next])?,
                    marker => return Ok(marker),
                }
            }
        }
    }
}

/// Decides what happens to one marker segment: kept (checked to be exactly its structure),
/// rewritten, or dropped (`None`). A segment the image needs that has spare or missing bytes is
/// an error: dropping it would change the picture, keeping it would keep the spare bytes.
fn jpeg_segment_filter(
    marker: u8,
    payload: Vec<u8>,
    report: &mut StripReport,
) -> Result<Option<Vec<u8>>, StripError> {
    let starts = |p: &[u8]| payload.starts_with(p);
    let exact = |ok: bool, what: &'static str| {
        if ok {
            Ok(())
        } else {
            Err(StripError::Malformed(what))
        }
    };
    Ok(match marker {
        // Frame headers (baseline, extended, progressive, lossless, arithmetic; and the
        // hierarchical DHP): precision, height, width, components, 3 bytes per component.
        0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDE => {
            exact(
                payload.len() >= 6 && payload.len() == 6 + 3 * usize::from(payload[5]),
                "a frame header has the wrong length",
            )?;
            Some(payload)
        }
        0xC4 => {
            exact(
                huffman_tables_exact(&payload),
                "a Huffman table has the wrong length",
            )?;
            Some(payload)
        }
        0xCC => {
            exact(
                arithmetic_tables_valid(&payload),
                "an arithmetic-coding table is invalid",
            )?;
            Some(payload)
        }
        0xDB => {
            exact(
                quant_tables_exact(&payload),
                "a quantisation table has the wrong length",
            )?;
            Some(payload)
        }
        SOS => {
            exact(
                !payload.is_empty() && payload.len() == 1 + 2 * usize::from(payload[0]) + 3,
                "a scan header has the wrong length",
            )?;
            Some(payload)
        }
        // Restart interval, number of lines.
        0xDD | 0xDC => {
            exact(
                payload.len() == 2,
                "a restart or line-count segment has the wrong length",
            )?;
            Some(payload)
        }
        // Hierarchical expansion: one byte of two flags.
        0xDF => {
            exact(
                payload.len() == 1 && payload[0] & 0xEE == 0,
                "an expansion segment is invalid",
            )?;
            Some(payload)
        }
        0xE0 if starts(b"JFIF\0") && payload.len() >= 12 => {
            // Version, density unit and densities (aspect ratio) are kept; a thumbnail, which
            // may show the uncropped original, and anything after the fixed 14 bytes are not.
            if payload.len() > 14 || payload.get(12..14).is_some_and(|d| d != [0, 0]) {
                report.add(Removed::Thumbnail);
            }
            let mut p = payload;
            p.truncate(14);
            p.resize(14, 0);
            p[12] = 0;
            p[13] = 0;
            Some(p)
        }
        0xE0 if starts(b"JFXX\0") => {
            report.add(Removed::Thumbnail);
            None
        }
        0xE1 if starts(b"Exif\0\0") => {
            let found = inspect_exif(&payload[6..]);
            found.report_into(report);
            found.orientation.filter(|&o| o != 1).map(|o| {
                report.kept_orientation = true;
                let mut p = b"Exif\0\0".to_vec();
                p.extend_from_slice(&minimal_tiff_with_orientation(o));
                p
            })
        }
        0xE1 if starts(b"http://ns.adobe.com/xap/1.0/\0")
            || starts(b"http://ns.adobe.com/xmp/extension/\0") =>
        {
            report.add(Removed::Xmp);
            None
        }
        0xE2 if starts(b"ICC_PROFILE\0") => {
            report.add(Removed::ColourProfile);
            None
        }
        0xE2 if starts(b"MPF\0") => {
            report.add(Removed::Thumbnail); // index of extra pictures stored after the image
            None
        }
        0xED => {
            report.add(Removed::Iptc);
            None
        }
        // Adobe: "Adobe", version, two flag words, then the colour transform a decoder needs
        // (0 none / CMYK, 1 YCbCr, 2 YCCK). Rebuilt from that one byte.
        0xEE if starts(b"Adobe") && payload.len() >= 12 && payload[11] <= 2 => {
            if payload.len() > 12 {
                report.add(Removed::OtherMetadata);
            }
            let mut p = b"Adobe\x00\x64\0\0\0\0".to_vec();
            p.push(payload[11]);
            Some(p)
        }
        0xFE => {
            report.add(Removed::Comments);
            None
        }
        // Every other APPn, the reserved and extension markers (0x02-0xBF, JPG, 0xF0-0xFD),
        // and an Adobe segment that is cut short or names an unknown transform.
        _ => {
            report.add(Removed::OtherMetadata);
            None
        }
    })
}

/// DQT: one or more tables, each a precision/id byte then 64 one-byte or two-byte values.
fn quant_tables_exact(p: &[u8]) -> bool {
    let mut at = 0;
    while at < p.len() {
        let (precision, id) = (p[at] >> 4, p[at] & 0x0F);
        if precision > 1 || id > 3 {
            return false;
        }
        at += 1 + 64 * (1 + usize::from(precision));
    }
    at == p.len() && !p.is_empty()
}

/// DHT: one or more tables, each a class/id byte, 16 code counts, then that many symbols.
fn huffman_tables_exact(p: &[u8]) -> bool {
    let mut at = 0;
    while at < p.len() {
        let Some(counts) = p.get(at + 1..at + 17) else {
            return false;
        };
        if p[at] >> 4 > 1 || p[at] & 0x0F > 3 {
            return false;
        }
        at += 17 + counts.iter().map(|&c| usize::from(c)).sum::<usize>();
    }
    at == p.len() && !p.is_empty()
}

/// DAC: pairs of (class/id, conditioning value), each value in its class's range.
fn arithmetic_tables_valid(p: &[u8]) -> bool {
    !p.is_empty()
        && p.len() % 2 == 0
        && p.chunks(2).all(|e| {
            let (class, id, v) = (e[0] >> 4, e[0] & 0x0F, e[1]);
            id <= 3
                && match class {
                    0 => v & 0x0F <= v >> 4, // DC: lower bound L (low nibble) <= upper bound U
                    1 => (1..=63).contains(&v), // AC: Kx
                    _ => false,
                }
        })
}

// ---------------------------------------------------------------- Exif (TIFF) inspection

#[derive(Debug, Default)]
struct ExifFindings {
    orientation: Option<u16>,
    gps: bool,
    serial_or_owner: bool,
    maker_note: bool,
    thumbnail: bool,
    other: bool,
}

impl ExifFindings {
    fn report_into(&self, report: &mut StripReport) {
        let pairs = [
            (self.gps, Removed::Location),
            (self.serial_or_owner, Removed::SerialNumbersOrOwner),
            (self.maker_note, Removed::MakerNote),
            (self.thumbnail, Removed::Thumbnail),
            (self.other, Removed::CameraDetails),
        ];
        for (found, what) in pairs {
            if found {
                report.add(what);
            }
        }
    }
}

struct Tiff<'a> {
    data: &'a [u8],
    big_endian: bool,
}

impl Tiff<'_> {
    fn u16_at(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.data.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }
    fn u32_at(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
    /// Entries of the IFD at `offset` as (tag, type, count, value-field offset), plus the offset
    /// of the next IFD. Bounded by the data: a damaged IFD yields what could be read.
    fn ifd(&self, offset: usize) -> (Vec<(u16, u16, u32, usize)>, u32) {
        let Some(n) = self.u16_at(offset) else {
            return (Vec::new(), 0);
        };
        let mut entries = Vec::new();
        for i in 0..usize::from(n) {
            let at = offset + 2 + 12 * i;
            match (self.u16_at(at), self.u16_at(at + 2), self.u32_at(at + 4)) {
                (Some(tag), Some(typ), Some(count)) => entries.push((tag, typ, count, at + 8)),
                _ => return (entries, 0),
            }
        }
        let next = self.u32_at(offset + 2 + 12 * usize::from(n)).unwrap_or(0);
        (entries, next)
    }
}

/// Reads what an Exif block holds, to tell the person what was removed and to keep orientation.
fn inspect_exif(tiff: &[u8]) -> ExifFindings {
    let mut f = ExifFindings::default();
    let big_endian = match tiff.get(0..4) {
        Some(b"MM\0*") => true,
        Some(b"II*\0") => false,
        _ => {
            // Unreadable Exif: still removed, reported as camera details.
            f.other = true;
            return f;
        }
    };
    let t = Tiff {
        data: tiff,
        big_endian,
    };
    let Some(ifd0) = t.u32_at(4) else {
        f.other = true;
        return f;
    };
    let (entries, next) = t.ifd(ifd0 as usize);
    f.thumbnail = next != 0;
    f.other = entries.is_empty(); // unreadable contents are removed all the same
    for &(tag, typ, count, value_at) in &entries {
        match tag {
            0x0112 if typ == 3 && count == 1 => f.orientation = t.u16_at(value_at),
            0x8825 => f.gps = true,
            0xC62F | 0xA431 | 0xA430 => f.serial_or_owner = true, // camera serial (DNG), body serial, owner
            0x927C => f.maker_note = true,
            0x8769 => {
                f.other = true;
                if let Some(exif_ifd) = t.u32_at(value_at) {
                    for &(tag, ..) in &t.ifd(exif_ifd as usize).0 {
                        match tag {
                            0x927C => f.maker_note = true,
                            0xA430 | 0xA431 | 0xA435 => f.serial_or_owner = true,
                            _ => {}
                        }
                    }
                }
            }
            _ => f.other = true,
        }
    }
    f
}

/// A big-endian TIFF with one IFD holding only the orientation.
fn minimal_tiff_with_orientation(orientation: u16) -> Vec<u8> {
    let mut t = b"MM\0*\0\0\0\x08".to_vec();
    t.extend_from_slice(&1u16.to_be_bytes()); // one entry
    t.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    t.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    t.extend_from_slice(&1u32.to_be_bytes()); // count
    t.extend_from_slice(&orientation.to_be_bytes());
    t.extend_from_slice(&[0, 0]); // value field padding
    t.extend_from_slice(&0u32.to_be_bytes()); // no next IFD (no thumbnail)
    t
}

// ---------------------------------------------------------------- PNG

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";
/// Every chunk a sharing copy may hold, with the length it must have (`None`: any). Critical
/// chunks are the image; the others change how its pixels look and are fixed-size numbers.
fn png_allowed(kind: &[u8; 4], len: u32) -> Option<bool> {
    let ok = match kind {
        b"IHDR" => len == 13,
        b"PLTE" => len % 3 == 0 && (3..=768).contains(&len),
        b"IDAT" => true,
        b"IEND" => len == 0,
        b"tRNS" => len <= 256, // grey: 2, truecolour: 6, palette: one byte per entry
        b"gAMA" => len == 4,
        b"cHRM" => len == 32,
        b"sRGB" => len == 1,
        _ => return None,
    };
    Some(ok)
}
/// eXIf chunks larger than this are dropped without being inspected.
const PNG_EXIF_INSPECT_MAX: u32 = 1 << 20;

fn strip_png<R: BufRead, W: Write>(r: &mut R, out: &mut W) -> Result<StripReport, StripError> {
    let mut report = StripReport::default();
    let mut sig = [0u8; 8];
    read_exact(r, &mut sig, "not a PNG")?;
    if &sig != PNG_SIGNATURE {
        return Err(StripError::Malformed("not a PNG"));
    }
    put(out, &sig)?;
    let mut first = true;
    loop {
        let mut head = [0u8; 8];
        read_exact(r, &mut head, "the picture ends before its end chunk")?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        if len > 0x7FFF_FFFF {
            return Err(StripError::Malformed("a chunk has an impossible length"));
        }
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        if first && &kind != b"IHDR" {
            return Err(StripError::Malformed("the header chunk is missing"));
        }
        first = false;
        let with_crc = u64::from(len) + 4;
        match png_allowed(&kind, len) {
            Some(true) => {
                put(out, &head)?;
                copy_png_chunk_checked(r, out, &kind, len)?;
                if &kind == b"IEND" {
                    break;
                }
                continue;
            }
            Some(false) => return Err(StripError::Malformed("a chunk has the wrong length")),
            None => {}
        }
        match &kind {
            b"eXIf" if len <= PNG_EXIF_INSPECT_MAX => {
                let mut body = vec![0u8; len as usize + 4];
                read_exact(r, &mut body, "a chunk is cut short")?;
                let found = inspect_exif(&body[..len as usize]);
                found.report_into(&mut report);
                if let Some(o) = found.orientation.filter(|&o| o != 1) {
                    report.kept_orientation = true;
                    write_png_chunk(out, b"eXIf", &minimal_tiff_with_orientation(o))?;
                }
            }
            b"iTXt" | b"tEXt" | b"zTXt" => {
                // The keyword (up to 79 bytes then NUL) says whether this is XMP.
                let peek = r.fill_buf().map_err(StripError::Read)?;
                let keyword_len = peek.len().min(len as usize).min(80);
                let is_xmp = peek[..keyword_len].starts_with(b"XML:com.adobe.xmp\0");
                report.add(if is_xmp {
                    Removed::Xmp
                } else {
                    Removed::Comments
                });
                pass::<_, W>(r, None, with_crc)?;
            }
            _ => {
                report.add(match &kind {
                    b"eXIf" => Removed::CameraDetails,
                    b"iCCP" => Removed::ColourProfile,
                    _ => Removed::OtherMetadata,
                });
                pass::<_, W>(r, None, with_crc)?;
            }
        }
    }
    if has_more(r)? {
        report.add(Removed::HiddenTrailingData);
    }
    Ok(report)
}

/// Copies a chunk's data and CRC (its length and type are already written), checking the CRC:
/// a wrong one would be four bytes a crafted file could fill freely.
fn copy_png_chunk_checked<R: BufRead, W: Write>(
    r: &mut R,
    out: &mut W,
    kind: &[u8; 4],
    len: u32,
) -> Result<(), StripError> {
    let mut crc = Crc32::new();
    crc.update(kind);
    let mut n = u64::from(len);
    while n > 0 {
        let buf = r.fill_buf().map_err(StripError::Read)?;
        if buf.is_empty() {
            return Err(StripError::Malformed("the file ends too early"));
        }
        let take = buf.len().min(usize::try_from(n).unwrap_or(usize::MAX));
        crc.update(&buf[..take]);
        put(out, &buf[..take])?;
        r.consume(take);
        n -= take as u64;
    }
    let mut stored = [0u8; 4];
    read_exact(r, &mut stored, "the file ends too early")?;
    if u32::from_be_bytes(stored) != crc.finish() {
        return Err(StripError::Malformed("a chunk's checksum is wrong"));
    }
    put(out, &stored)
}

fn write_png_chunk<W: Write>(out: &mut W, kind: &[u8; 4], data: &[u8]) -> Result<(), StripError> {
    let len =
        u32::try_from(data.len()).map_err(|_| StripError::Malformed("a chunk is too long"))?;
    put(out, &len.to_be_bytes())?;
    put(out, kind)?;
    put(out, data)?;
    let crc = crc32(&[kind.as_slice(), data]);
    put(out, &crc.to_be_bytes())
}

/// CRC-32 (ISO 3309) as PNG uses it, over the concatenation of `parts`.
fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = Crc32::new();
    for part in parts {
        crc.update(part);
    }
    crc.finish()
}

/// CRC-32 fed in pieces (a chunk streams through in buffer-sized parts).
struct Crc32(u32);

impl Crc32 {
    fn new() -> Self {
        Crc32(0xFFFF_FFFF)
    }
    fn update(&mut self, bytes: &[u8]) {
        static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
        let table = TABLE.get_or_init(|| {
            let mut t = [0u32; 256];
            for (i, e) in t.iter_mut().enumerate() {
                let mut c = i as u32;
                for _ in 0..8 {
                    c = if c & 1 != 0 {
                        0xEDB8_8320 ^ (c >> 1)
                    } else {
                        c >> 1
                    };
                }
                *e = c;
            }
            t
        });
        for &b in bytes {
            self.0 = table[((self.0 ^ u32::from(b)) & 0xFF) as usize] ^ (self.0 >> 8);
        }
    }
    fn finish(&self) -> u32 {
        !self.0
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use exif::experimental::Writer;
    use exif::{Field, In, Tag, Value};
    use std::io::Cursor;

    /// A real Exif block with location, serial numbers, owner, maker note, a thumbnail and
    /// orientation "rotate 90" (6).
    fn revealing_exif(little_endian: bool) -> Vec<u8> {
        let rational = |n| Value::Rational(vec![exif::Rational { num: n, denom: 1 }; 3]);
        let fields = vec![
            Field {
                tag: Tag::Orientation,
                ifd_num: In::PRIMARY,
                value: Value::Short(vec![6]),
            },
            Field {
                tag: Tag::Make,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"PhoneCo".to_vec()]),
            },
            Field {
                tag: Tag::GPSLatitudeRef,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"N".to_vec()]),
            },
            Field {
                tag: Tag::GPSLatitude,
                ifd_num: In::PRIMARY,
                value: rational(51),
            },
            Field {
                tag: Tag::GPSLongitude,
                ifd_num: In::PRIMARY,
                value: rational(1),
            },
            Field {
                tag: Tag::BodySerialNumber,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"SERIAL-XYZ-123".to_vec()]),
            },
            Field {
                tag: Tag::LensSerialNumber,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"LENS-987".to_vec()]),
            },
            Field {
                tag: Tag::CameraOwnerName,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"OWNER NAME".to_vec()]),
            },
            Field {
                tag: Tag::MakerNote,
                ifd_num: In::PRIMARY,
                value: Value::Undefined(b"MAKERNOTE".to_vec(), 0),
            },
            Field {
                tag: Tag::ImageDescription,
                ifd_num: In::THUMBNAIL,
                value: Value::Ascii(vec![b"t".to_vec()]),
            },
        ];
        let thumb = tiny_jpeg(4, 4, 200);
        let mut w = Writer::new();
        for f in &fields {
            w.push_field(f);
        }
        w.set_jpeg(&thumb, In::THUMBNAIL);
        let mut buf = Cursor::new(Vec::new());
        w.write(&mut buf, little_endian).unwrap();
        buf.into_inner()
    }

    pub(crate) fn tiny_jpeg(w: u16, h: u16, shade: u8) -> Vec<u8> {
        let pixels: Vec<u8> = (0..usize::from(w) * usize::from(h) * 3)
            .map(|i| (i as u8).wrapping_mul(37) ^ shade)
            .collect();
        let mut out = Vec::new();
        let enc = jpeg_encoder::Encoder::new(&mut out, 90);
        enc.encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        out
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    /// A camera-like JPEG: JFIF with thumbnail, Exif, XMP, IPTC, a comment, then the real image,
    /// then a hidden trailer.
    pub(crate) fn revealing_jpeg(little_endian: bool) -> (Vec<u8>, Vec<u8>) {
        let image = tiny_jpeg(33, 17, 0);
        let mut j = vec![0xFF, 0xD8];
        let mut jfif = b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x01\x01".to_vec();
        jfif.extend_from_slice(&[9, 9, 9]); // 1x1 RGB thumbnail
        j.extend(segment(0xE0, &jfif));
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend(revealing_exif(little_endian));
        j.extend(segment(0xE1, &exif));
        j.extend(segment(
            0xE1,
            b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPS 51.5,-0.1 OWNER NAME</x:xmpmeta>",
        ));
        j.extend(segment(0xED, b"Photoshop 3.0\08BIM\x04\x04IPTC OWNER NAME"));
        j.extend(segment(0xFE, b"comment: OWNER NAME"));
        j.extend(segment(0xE2, b"ICC_PROFILE\0\x01\x01fakeprofile"));
        // Skip the encoder's own SOI (and its APP0) and append the rest of the real image.
        let mut at = 2;
        while image[at + 1] >= 0xE0 && image[at + 1] <= 0xEF {
            at += 2 + usize::from(u16::from_be_bytes([image[at + 2], image[at + 3]]));
        }
        j.extend_from_slice(&image[at..]);
        j.extend_from_slice(b"\x00\x00\x00\x18ftypmp42MOTIONPHOTO-VIDEO OWNER NAME");
        (j, image)
    }

    fn decode(jpeg: &[u8]) -> Vec<u8> {
        let mut d = jpeg_decoder::Decoder::new(jpeg);
        d.decode().unwrap()
    }

    #[test]
    fn jpeg_copy_has_no_location_serials_or_thumbnail_and_identical_pixels() {
        for little_endian in [false, true] {
            let (original, plain_image) = revealing_jpeg(little_endian);
            let before = original.clone();
            let mut copy = Vec::new();
            let report = strip_metadata(MediaType::Jpeg, &original[..], &mut copy).unwrap();
            assert_eq!(original, before, "original untouched");

            // Parsed with kamadak-exif: only orientation is left.
            let exif = exif::Reader::new()
                .read_from_container(&mut Cursor::new(&copy))
                .unwrap();
            let tags: Vec<Tag> = exif.fields().map(|f| f.tag).collect();
            assert_eq!(tags, vec![Tag::Orientation]);
            assert_eq!(
                exif.get_field(Tag::Orientation, In::PRIMARY)
                    .unwrap()
                    .value
                    .get_uint(0),
                Some(6)
            );
            for tag in [
                Tag::GPSLatitude,
                Tag::GPSLongitude,
                Tag::BodySerialNumber,
                Tag::LensSerialNumber,
            ] {
                assert!(exif.get_field(tag, In::PRIMARY).is_none());
            }
            assert!(exif
                .get_field(Tag::JPEGInterchangeFormat, In::THUMBNAIL)
                .is_none());
            // The original really had them.
            let orig_exif = exif::Reader::new()
                .read_from_container(&mut Cursor::new(&original))
                .unwrap();
            assert!(orig_exif.get_field(Tag::GPSLatitude, In::PRIMARY).is_some());
            assert!(orig_exif
                .get_field(Tag::BodySerialNumber, In::PRIMARY)
                .is_some());

            for secret in [
                &b"OWNER NAME"[..],
                b"SERIAL-XYZ",
                b"LENS-987",
                b"MAKERNOTE",
                b"MOTIONPHOTO",
                b"xmpmeta",
            ] {
                assert!(
                    !copy.windows(secret.len()).any(|w| w == secret),
                    "{}",
                    String::from_utf8_lossy(secret)
                );
            }
            assert!(
                !copy.windows(11).any(|w| w == b"ICC_PROFILE"),
                "a colour profile can carry text: dropped"
            );
            assert_eq!(
                report.removed,
                vec![
                    Removed::Location,
                    Removed::SerialNumbersOrOwner,
                    Removed::MakerNote,
                    Removed::Thumbnail,
                    Removed::CameraDetails,
                    Removed::Xmp,
                    Removed::Iptc,
                    Removed::Comments,
                    Removed::HiddenTrailingData,
                    Removed::ColourProfile,
                ]
            );
            assert!(report.kept_orientation);
            // Same pixels, not re-encoded: decoded images are equal and the scan bytes too.
            assert_eq!(decode(&copy), decode(&plain_image));
            let sos = |b: &[u8]| b.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
            let scan = &plain_image[sos(&plain_image)..];
            assert_eq!(&copy[sos(&copy)..], scan);
        }
    }

    #[test]
    fn jpeg_without_metadata_is_unchanged_and_upright_orientation_is_dropped() {
        let plain = tiny_jpeg(8, 8, 1);
        let mut copy = Vec::new();
        let report = strip_metadata(MediaType::Jpeg, &plain[..], &mut copy).unwrap();
        assert_eq!(copy, plain);
        assert!(report.removed.is_empty());

        // Orientation 1 (upright) needs no Exif at all.
        let mut j = vec![0xFF, 0xD8];
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend_from_slice(&minimal_tiff_with_orientation(1));
        j.extend(segment(0xE1, &exif));
        j.extend_from_slice(&plain[2..]);
        let mut copy = Vec::new();
        strip_metadata(MediaType::Jpeg, &j[..], &mut copy).unwrap();
        assert_eq!(copy, plain);
    }

    #[test]
    fn damaged_or_unsupported_input_is_a_clear_error_not_a_panic() {
        let (good, _) = revealing_jpeg(false);
        let cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            vec![0xFF],
            good[..good.len() / 2].to_vec(),
            good[..40].to_vec(),
            vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01],
            vec![0xFF, 0xD8, 0x00, 0x00],
            vec![0xFF, 0xD8, 0xFF, 0xD8],
        ];
        for bad in cases {
            let r = strip_metadata(MediaType::Jpeg, &bad[..], &mut Vec::new());
            assert!(matches!(r, Err(StripError::Malformed(_))), "{:?}", r);
        }
        // Garbage Exif contents are dropped, not trusted.
        let mut j = vec![0xFF, 0xD8];
        j.extend(segment(0xE1, b"Exif\0\0MM\0*\xFF\xFF\xFF\xFF"));
        j.extend_from_slice(&tiny_jpeg(2, 2, 0)[2..]);
        let mut copy = Vec::new();
        let report = strip_metadata(MediaType::Jpeg, &j[..], &mut copy).unwrap();
        assert_eq!(report.removed, vec![Removed::CameraDetails]);
        assert!(matches!(
            strip_metadata(MediaType::Mp4, &b"x"[..], &mut Vec::new()),
            Err(StripError::Unsupported(_))
        ));
        let r = strip_metadata(
            MediaType::Png,
            &b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"[..],
            &mut Vec::new(),
        );
        assert!(matches!(r, Err(StripError::Malformed(_))));
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        write_png_chunk(&mut v, kind, data).unwrap();
        v
    }

    /// A valid 2x2 grey PNG whose IDAT is a zlib "stored" block (no compression library needed).
    fn revealing_png() -> (Vec<u8>, Vec<u8>) {
        let raw = [0u8, 10, 20, 0, 30, 40]; // filter byte + 2 pixels per row
        let mut z = vec![
            0x78,
            0x01,
            0x01,
            raw.len() as u8,
            0,
            !(raw.len() as u8),
            0xFF,
        ];
        z.extend_from_slice(&raw);
        let (mut a, mut b) = (1u32, 0u32);
        for &x in &raw {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        z.extend_from_slice(&((b << 16) | a).to_be_bytes());
        let ihdr = [0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0];
        let mut p = PNG_SIGNATURE.to_vec();
        p.extend(png_chunk(b"IHDR", &ihdr));
        p.extend(png_chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]));
        p.extend(png_chunk(b"eXIf", &revealing_exif(false)));
        p.extend(png_chunk(b"tEXt", b"Author\0OWNER NAME"));
        p.extend(png_chunk(
            b"iTXt",
            b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>OWNER NAME</x:xmpmeta>",
        ));
        p.extend(png_chunk(b"zTXt", b"Comment\0\0xx"));
        p.extend(png_chunk(b"tIME", &[7, 0xE9, 1, 2, 3, 4, 5]));
        p.extend(png_chunk(b"IDAT", &z));
        let idat = png_chunk(b"IDAT", &z);
        p.extend(png_chunk(b"IEND", &[]));
        p.extend_from_slice(b"trailer OWNER NAME");
        (p, idat)
    }

    #[test]
    fn png_copy_has_no_exif_text_or_trailer_and_the_same_image_data() {
        let (original, idat) = revealing_png();
        let mut copy = Vec::new();
        let report = strip_metadata(MediaType::Png, &original[..], &mut copy).unwrap();
        let exif = exif::Reader::new()
            .read_from_container(&mut Cursor::new(&copy))
            .unwrap();
        let tags: Vec<Tag> = exif.fields().map(|f| f.tag).collect();
        assert_eq!(tags, vec![Tag::Orientation]);
        assert!(!copy.windows(10).any(|w| w == b"OWNER NAME"));
        assert!(!copy.windows(4).any(|w| w == b"tIME"));
        assert!(
            copy.windows(idat.len()).any(|w| w == idat),
            "image data copied byte for byte"
        );
        assert!(copy.windows(4).any(|w| w == b"gAMA"));
        assert!(copy.ends_with(&png_chunk(b"IEND", &[])));
        assert_eq!(
            report.removed,
            vec![
                Removed::Location,
                Removed::SerialNumbersOrOwner,
                Removed::MakerNote,
                Removed::Thumbnail,
                Removed::CameraDetails,
                Removed::Xmp,
                Removed::Comments,
                Removed::HiddenTrailingData,
                Removed::OtherMetadata,
            ]
        );
    }

    /// Text a crafted file tries to smuggle into a sharing copy, in every place that is neither
    /// metadata a camera writes nor needed for the pixels.
    const SMUGGLED: &[u8] = b"SMUGGLED-TEXT";

    fn assert_nothing_smuggled(copy: &[u8]) {
        assert!(
            !copy.windows(SMUGGLED.len()).any(|w| w == SMUGGLED),
            "text carried into the sharing copy"
        );
    }

    #[test]
    fn jpeg_copy_keeps_only_the_allow_list_and_the_same_pixels() {
        let image = tiny_jpeg(24, 16, 3);
        let mut body_at = 2;
        while image[body_at + 1] >= 0xE0 && image[body_at + 1] <= 0xEF {
            body_at +=
                2 + usize::from(u16::from_be_bytes([image[body_at + 2], image[body_at + 3]]));
        }
        let mut adobe = b"Adobe\x00\x64\x40\x00\x00\x00\x01".to_vec();
        adobe.extend_from_slice(SMUGGLED);
        let mut jfif = b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00".to_vec();
        jfif.extend_from_slice(SMUGGLED);
        let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
        icc.extend_from_slice(SMUGGLED);
        let mut j = vec![0xFF, 0xD8];
        j.extend(segment(0xE0, &jfif));
        j.extend(segment(0xEE, &adobe));
        j.extend(segment(0xE2, &icc));
        for marker in [0xF0, 0xF7, 0xFD, 0xC8, 0xE3, 0xEF, 0x02, 0xBF] {
            j.extend(segment(marker, SMUGGLED));
        }
        j.extend_from_slice(&[0xFF, 0x01]); // TEM
        j.extend_from_slice(&image[body_at..]);
        let mut copy = Vec::new();
        let report = strip_metadata(MediaType::Jpeg, &j[..], &mut copy).unwrap();
        assert_nothing_smuggled(&copy);
        assert!(report.removed.contains(&Removed::ColourProfile));
        assert!(report.removed.contains(&Removed::OtherMetadata));
        // The Adobe colour transform is kept (decoders need it), alone.
        let mut adobe_kept = vec![0xFF, 0xEE, 0, 14];
        adobe_kept.extend_from_slice(b"Adobe\x00\x64\x00\x00\x00\x00\x01");
        assert!(copy.windows(adobe_kept.len()).any(|w| w == adobe_kept));
        assert_eq!(decode(&copy), decode(&image), "the same pixels");
        let sos = |b: &[u8]| b.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        assert_eq!(
            &copy[sos(&copy)..],
            &image[sos(&image)..],
            "the scan byte for byte"
        );

        // A table the image needs, with spare bytes after it, is refused rather than copied.
        let dqt_at = image.windows(2).position(|w| w == [0xFF, 0xDB]).unwrap();
        let dqt_len = usize::from(u16::from_be_bytes([image[dqt_at + 2], image[dqt_at + 3]]));
        let mut padded = image[..dqt_at].to_vec();
        let mut dqt = image[dqt_at + 4..dqt_at + 2 + dqt_len].to_vec();
        dqt.extend_from_slice(SMUGGLED);
        padded.extend(segment(0xDB, &dqt));
        padded.extend_from_slice(&image[dqt_at + 2 + dqt_len..]);
        assert!(matches!(
            strip_metadata(MediaType::Jpeg, &padded[..], &mut Vec::new()),
            Err(StripError::Malformed(_))
        ));
    }

    #[test]
    fn png_copy_keeps_only_the_allow_list_and_the_same_pixels() {
        let (clean, idat) = {
            let (p, idat) = revealing_png();
            let mut copy = Vec::new();
            strip_metadata(MediaType::Png, &p[..], &mut copy).unwrap();
            (copy, idat)
        };
        let iend = png_chunk(b"IEND", &[]);
        let body = &clean[..clean.len() - iend.len()];
        let mut iccp = SMUGGLED.to_vec();
        iccp.extend_from_slice(b"\0\0\x78\x01");
        let mut splt = SMUGGLED.to_vec();
        splt.extend_from_slice(b"\0\x08\x01\x02\x03\x04\x00\x05");
        let mut p = body.to_vec();
        p.extend(png_chunk(b"iCCP", &iccp));
        p.extend(png_chunk(b"sPLT", &splt));
        p.extend(png_chunk(b"CaRD", SMUGGLED)); // unknown, upper-case first letter
        p.extend(png_chunk(b"prVt", SMUGGLED));
        p.extend(png_chunk(b"sBIT", &[8]));
        p.extend(png_chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]));
        p.extend_from_slice(&iend);
        let mut copy = Vec::new();
        let report = strip_metadata(MediaType::Png, &p[..], &mut copy).unwrap();
        assert_nothing_smuggled(&copy);
        for kind in [b"iCCP", b"sPLT", b"CaRD", b"prVt", b"sBIT", b"pHYs"] {
            assert!(
                !copy.windows(4).any(|w| w == kind),
                "{}",
                String::from_utf8_lossy(kind)
            );
        }
        assert!(report.removed.contains(&Removed::ColourProfile));
        assert!(
            copy.windows(idat.len()).any(|w| w == idat),
            "image data byte for byte"
        );
        assert!(
            copy.windows(4).any(|w| w == b"gAMA"),
            "gamma changes the pixels: kept"
        );

        // A kept chunk with a wrong CRC would carry four free bytes: refused.
        let mut bad = clean.clone();
        let at = bad.windows(4).position(|w| w == b"IDAT").unwrap();
        let len = u32::from_be_bytes(bad[at - 4..at].try_into().unwrap()) as usize;
        bad[at + 4 + len] ^= 0x55;
        assert!(matches!(
            strip_metadata(MediaType::Png, &bad[..], &mut Vec::new()),
            Err(StripError::Malformed(_))
        ));
        // So would a fixed-size chunk with spare bytes.
        let mut long = body.to_vec();
        long.extend(png_chunk(b"sRGB", b"\0SMUGGLED"));
        long.extend_from_slice(&iend);
        assert!(matches!(
            strip_metadata(MediaType::Png, &long[..], &mut Vec::new()),
            Err(StripError::Malformed(_))
        ));
    }

    #[test]
    fn png_crc_matches_the_standard_check_value() {
        assert_eq!(crc32(&[b"123456789"]), 0xCBF4_3926);
        // The IEND chunk's well-known CRC.
        assert_eq!(crc32(&[b"IEND"]), 0xAE42_6082);
    }
}
