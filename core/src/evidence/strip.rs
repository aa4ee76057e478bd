//! A "sharing copy" of a photo without the details that can identify or locate the person:
//! GPS position, camera maker notes, serial numbers and owner name, XMP and IPTC blocks,
//! comments, embedded thumbnails (which may show the uncropped original) and data hidden after
//! the image (motion-photo videos, extra pictures). Pixels are never decoded or re-encoded: the
//! image data is copied byte for byte, so the copy is exactly as sharp as the original.
//!
//! Only the orientation survives (rewritten into a fresh one-tag Exif block) so the picture is
//! not shown sideways. Everything is kept by allow-list: an unknown block is dropped, not kept.
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
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => put(out, &[0xFF, marker])?,
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
                if let Some(kept) = jpeg_segment_filter(marker, payload, &mut report) {
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

/// Decides what happens to one marker segment: kept as is, rewritten, or dropped (`None`).
fn jpeg_segment_filter(marker: u8, payload: Vec<u8>, report: &mut StripReport) -> Option<Vec<u8>> {
    let starts = |p: &[u8]| payload.starts_with(p);
    match marker {
        0xE0 if starts(b"JFIF\0") => {
            // JFIF may carry an uncompressed thumbnail after the 14 fixed bytes.
            if payload.len() > 14 || payload.get(12..14).is_some_and(|d| d != [0, 0]) {
                report.add(Removed::Thumbnail);
                let mut p = payload;
                p.truncate(14);
                p.resize(14, 0);
                p[12] = 0;
                p[13] = 0;
                Some(p)
            } else {
                Some(payload)
            }
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
        0xE2 if starts(b"ICC_PROFILE\0") => Some(payload), // colours; no personal data
        0xE2 if starts(b"MPF\0") => {
            report.add(Removed::Thumbnail); // index of extra pictures stored after the image
            None
        }
        0xED => {
            report.add(Removed::Iptc);
            None
        }
        0xEE if starts(b"Adobe") => Some(payload), // colour transform needed to decode
        0xE0..=0xEF => {
            report.add(Removed::OtherMetadata);
            None
        }
        0xFE => {
            report.add(Removed::Comments);
            None
        }
        _ => Some(payload), // tables, frame and scan headers: the image itself
    }
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
/// Ancillary chunks needed to show the picture correctly; nothing personal in them.
const PNG_KEEP: &[&[u8; 4]] = &[
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs", b"cICP", b"mDCV",
    b"mDCv", b"cLLI", b"cLLi", b"hIST", b"sPLT", b"acTL", b"fcTL", b"fdAT",
];
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
        let critical = kind[0].is_ascii_uppercase();
        let with_crc = u64::from(len) + 4;
        if critical || PNG_KEEP.contains(&&kind) {
            // Critical chunks (IHDR, PLTE, IDAT, IEND, ...) are the image itself.
            put(out, &head)?;
            pass(r, Some(&mut *out), with_crc)?;
            if &kind == b"IEND" {
                break;
            }
            continue;
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
                report.add(if &kind == b"eXIf" {
                    Removed::CameraDetails
                } else {
                    Removed::OtherMetadata
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
    let mut crc = 0xFFFF_FFFFu32;
    for part in parts {
        for &b in *part {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    0xEDB8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
            }
        }
    }
    !crc
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
                copy.windows(11).any(|w| w == b"ICC_PROFILE"),
                "colour profile kept"
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

    #[test]
    fn png_crc_matches_the_standard_check_value() {
        assert_eq!(crc32(&[b"123456789"]), 0xCBF4_3926);
        // The IEND chunk's well-known CRC.
        assert_eq!(crc32(&[b"IEND"]), 0xAE42_6082);
    }
}
