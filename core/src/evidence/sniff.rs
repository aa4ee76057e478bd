//! The media type of an item, read from its first bytes ("magic numbers"), never from the file
//! name: a renamed file is still recognised, and a misleading name is not believed.

/// How many leading bytes [`sniff`] looks at; callers pass at least this much when they have it.
pub const SNIFF_LEN: usize = 4096;

/// A recognised kind of content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Jpeg,
    Png,
    Gif,
    Webp,
    Heic,
    Heif,
    Avif,
    Mp4,
    QuickTime,
    ThreeGpp,
    M4a,
    Aac,
    Mp3,
    Wav,
    Ogg,
    Opus,
    Amr,
    AmrWb,
    Pdf,
    Zip,
    PlainText,
    /// Not recognised: kept exactly as it is, described as "application/octet-stream".
    Unknown,
}

impl MediaType {
    /// The IANA media type.
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Gif => "image/gif",
            MediaType::Webp => "image/webp",
            MediaType::Heic => "image/heic",
            MediaType::Heif => "image/heif",
            MediaType::Avif => "image/avif",
            MediaType::Mp4 => "video/mp4",
            MediaType::QuickTime => "video/quicktime",
            MediaType::ThreeGpp => "video/3gpp",
            MediaType::M4a => "audio/mp4",
            MediaType::Aac => "audio/aac",
            MediaType::Mp3 => "audio/mpeg",
            MediaType::Wav => "audio/wav",
            MediaType::Ogg => "audio/ogg",
            MediaType::Opus => "audio/ogg; codecs=opus",
            MediaType::Amr => "audio/amr",
            MediaType::AmrWb => "audio/amr-wb",
            MediaType::Pdf => "application/pdf",
            MediaType::Zip => "application/zip",
            MediaType::PlainText => "text/plain; charset=utf-8",
            MediaType::Unknown => "application/octet-stream",
        }
    }

    /// The usual file name extension, without the dot ("" when not recognised), for a name
    /// the recipient of an export can open.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Gif => "gif",
            MediaType::Webp => "webp",
            MediaType::Heic => "heic",
            MediaType::Heif => "heif",
            MediaType::Avif => "avif",
            MediaType::Mp4 => "mp4",
            MediaType::QuickTime => "mov",
            MediaType::ThreeGpp => "3gp",
            MediaType::M4a => "m4a",
            MediaType::Aac => "aac",
            MediaType::Mp3 => "mp3",
            MediaType::Wav => "wav",
            MediaType::Ogg => "ogg",
            MediaType::Opus => "opus",
            MediaType::Amr => "amr",
            MediaType::AmrWb => "awb",
            MediaType::Pdf => "pdf",
            MediaType::Zip => "zip",
            MediaType::PlainText => "txt",
            MediaType::Unknown => "",
        }
    }

    /// Plain words for a person: "photo", "video", ...
    pub fn describe(self) -> &'static str {
        match self {
            MediaType::Jpeg | MediaType::Png | MediaType::Gif | MediaType::Webp => "picture",
            MediaType::Heic | MediaType::Heif | MediaType::Avif => "picture",
            MediaType::Mp4 | MediaType::QuickTime | MediaType::ThreeGpp => "video",
            MediaType::M4a | MediaType::Aac | MediaType::Mp3 | MediaType::Wav => "sound recording",
            MediaType::Ogg | MediaType::Opus | MediaType::Amr | MediaType::AmrWb => {
                "sound recording"
            }
            MediaType::Pdf => "PDF document",
            MediaType::Zip => "document or archive",
            MediaType::PlainText => "text file",
            MediaType::Unknown => "file of unknown kind",
        }
    }

    /// Parses a stored [`MediaType::mime`] value back.
    pub fn from_mime(mime: &str) -> MediaType {
        ALL.iter()
            .copied()
            .find(|m| m.mime() == mime)
            .unwrap_or(MediaType::Unknown)
    }

    /// Said to the person when the kind was not recognised (not an error: the file is kept).
    pub fn note(self) -> Option<&'static str> {
        (self == MediaType::Unknown).then_some(
            "Waymark could not tell what kind of file this is. It has been kept exactly as it was, \
             but it may need the right app to open it later.",
        )
    }
}

const ALL: [MediaType; 22] = [
    MediaType::Jpeg,
    MediaType::Png,
    MediaType::Gif,
    MediaType::Webp,
    MediaType::Heic,
    MediaType::Heif,
    MediaType::Avif,
    MediaType::Mp4,
    MediaType::QuickTime,
    MediaType::ThreeGpp,
    MediaType::M4a,
    MediaType::Aac,
    MediaType::Mp3,
    MediaType::Wav,
    MediaType::Ogg,
    MediaType::Opus,
    MediaType::Amr,
    MediaType::AmrWb,
    MediaType::Pdf,
    MediaType::Zip,
    MediaType::PlainText,
    MediaType::Unknown,
];

/// Recognises the content from its first bytes (pass up to [`SNIFF_LEN`]).
pub fn sniff(head: &[u8]) -> MediaType {
    let h = &head[..head.len().min(SNIFF_LEN)];
    if h.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return MediaType::Jpeg;
    }
    if h.starts_with(b"\x89PNG\r\n\x1a\n") {
        return MediaType::Png;
    }
    if h.starts_with(b"GIF87a") || h.starts_with(b"GIF89a") {
        return MediaType::Gif;
    }
    if h.len() >= 12 && h.starts_with(b"RIFF") {
        match &h[8..12] {
            b"WEBP" => return MediaType::Webp,
            b"WAVE" => return MediaType::Wav,
            _ => {}
        }
    }
    if h.starts_with(b"RF64") && h.get(8..12) == Some(b"WAVE") {
        return MediaType::Wav;
    }
    if let Some(t) = iso_bmff(h) {
        return t;
    }
    if h.starts_with(b"%PDF-") {
        return MediaType::Pdf;
    }
    if h.starts_with(b"#!AMR-WB\n") {
        return MediaType::AmrWb;
    }
    if h.starts_with(b"#!AMR\n") {
        return MediaType::Amr;
    }
    if h.starts_with(b"OggS") {
        // The first page carries the codec's identification header at offset 28.
        return if h.get(28..36) == Some(b"OpusHead") {
            MediaType::Opus
        } else {
            MediaType::Ogg
        };
    }
    if h.starts_with(b"ID3") {
        return MediaType::Mp3;
    }
    if h.starts_with(b"ADIF") {
        return MediaType::Aac;
    }
    if h.len() >= 4 && h[0] == 0xFF && h[1] & 0xF0 == 0xF0 && h[1] & 0x06 == 0 {
        // ADTS: 12-bit sync, layer bits 00.
        return MediaType::Aac;
    }
    if h.len() >= 4 && is_mpeg_audio_frame(h) {
        return MediaType::Mp3;
    }
    if h.starts_with(b"PK\x03\x04") {
        return MediaType::Zip;
    }
    if is_plain_text(h) {
        return MediaType::PlainText;
    }
    MediaType::Unknown
}

/// ISO base media files (MP4, MOV, HEIC, M4A, 3GP) start with an `ftyp` box naming brands.
fn iso_bmff(h: &[u8]) -> Option<MediaType> {
    if h.get(4..8) != Some(b"ftyp") {
        // Old QuickTime files can start straight with these atoms.
        return match h.get(4..8) {
            Some(b"moov") | Some(b"mdat") | Some(b"wide") | Some(b"pnot") => {
                Some(MediaType::QuickTime)
            }
            _ => None,
        };
    }
    let box_len = u32::from_be_bytes(h[0..4].try_into().ok()?) as usize;
    let major: &[u8] = h.get(8..12)?;
    // Brands from byte 16 to the box's end, within what was read. (`clamp(16, len)` panicked
    // on a head shorter than 16 bytes: found by fuzzing.)
    let end = box_len.min(h.len());
    let compatible: Vec<&[u8]> = h
        .get(16..end)
        .map(|c| c.chunks_exact(4).collect())
        .unwrap_or_default();
    let brand = |b: &[u8]| -> Option<MediaType> {
        Some(match b {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" => MediaType::Heic,
            b"avif" | b"avis" => MediaType::Avif,
            b"mif1" | b"msf1" => MediaType::Heif,
            b"M4A " | b"M4B " | b"M4P " => MediaType::M4a,
            b"qt  " => MediaType::QuickTime,
            b"3gp4" | b"3gp5" | b"3gp6" | b"3g2a" | b"3g2b" | b"3g2c" => MediaType::ThreeGpp,
            b"isom" | b"iso2" | b"iso4" | b"iso5" | b"iso6" | b"mp41" | b"mp42" | b"avc1"
            | b"MSNV" | b"dash" => MediaType::Mp4,
            _ => return None,
        })
    };
    // "mif1" as the major brand is often followed by "heic" as a compatible one: prefer specific.
    match brand(major) {
        Some(MediaType::Heif) | None => compatible
            .iter()
            .filter_map(|b| brand(b))
            .find(|t| matches!(t, MediaType::Heic | MediaType::Avif))
            .or(brand(major))
            .or_else(|| compatible.iter().find_map(|b| brand(b)))
            .or(Some(MediaType::Mp4)),
        known => known,
    }
}

fn is_mpeg_audio_frame(h: &[u8]) -> bool {
    // 11-bit sync, version != reserved (01), layer != reserved (00), bitrate != 1111, rate != 11.
    h[0] == 0xFF
        && h[1] & 0xE0 == 0xE0
        && (h[1] >> 3) & 0x03 != 0x01
        && (h[1] >> 1) & 0x03 != 0x00
        && h[2] >> 4 != 0x0F
        && (h[2] >> 2) & 0x03 != 0x03
}

/// UTF-8 (a character cut off by a full sniff window is allowed) with no control characters except
/// tab, newline, carriage return and form feed.
fn is_plain_text(h: &[u8]) -> bool {
    if h.is_empty() {
        return false;
    }
    let window_full = h.len() >= SNIFF_LEN;
    let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
    let text = match std::str::from_utf8(h) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() && window_full => {
            // Only the last character was cut by the sniff window.
            match std::str::from_utf8(&h[..e.valid_up_to()]) {
                Ok(t) => t,
                Err(_) => return false,
            }
        }
        Err(_) => return false,
    };
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0C'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compat: &[&[u8; 4]]) -> Vec<u8> {
        let len = 16 + 4 * compat.len();
        let mut v = (len as u32).to_be_bytes().to_vec();
        v.extend_from_slice(b"ftyp");
        v.extend_from_slice(major);
        v.extend_from_slice(&[0, 0, 0, 0]);
        for c in compat {
            v.extend_from_slice(*c);
        }
        v.extend_from_slice(&[0, 0, 0, 8, b'f', b'r', b'e', b'e']);
        v
    }

    #[test]
    fn recognises_the_formats_people_keep_as_evidence() {
        let mut ogg_opus = b"OggS\x00\x02".to_vec();
        ogg_opus.resize(28, 0);
        ogg_opus.extend_from_slice(b"OpusHead\x01\x02");
        let mut ogg_vorbis = b"OggS\x00\x02".to_vec();
        ogg_vorbis.resize(28, 0);
        ogg_vorbis.extend_from_slice(b"\x01vorbis");
        let cases: Vec<(Vec<u8>, MediaType)> = vec![
            (b"\xFF\xD8\xFF\xE1\x00\x10Exif".to_vec(), MediaType::Jpeg),
            (
                b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec(),
                MediaType::Png,
            ),
            (b"GIF89a\x01\x00".to_vec(), MediaType::Gif),
            (b"RIFF\x24\x00\x00\x00WEBPVP8 ".to_vec(), MediaType::Webp),
            (b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec(), MediaType::Wav),
            (ftyp(b"heic", &[b"mif1", b"heic"]), MediaType::Heic),
            (ftyp(b"mif1", &[b"mif1", b"heic"]), MediaType::Heic),
            (ftyp(b"mif1", &[b"mif1"]), MediaType::Heif),
            (ftyp(b"avif", &[b"mif1"]), MediaType::Avif),
            (ftyp(b"isom", &[b"isom", b"iso2", b"mp41"]), MediaType::Mp4),
            (ftyp(b"mp42", &[b"mp42", b"isom"]), MediaType::Mp4),
            (ftyp(b"qt  ", &[b"qt  "]), MediaType::QuickTime),
            (
                b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat".to_vec(),
                MediaType::QuickTime,
            ),
            (ftyp(b"M4A ", &[b"M4A ", b"mp42", b"isom"]), MediaType::M4a),
            (ftyp(b"3gp4", &[b"3gp4"]), MediaType::ThreeGpp),
            (b"\xFF\xF1\x50\x80\x02\x1F\xFC".to_vec(), MediaType::Aac),
            (b"ID3\x04\x00\x00\x00\x00".to_vec(), MediaType::Mp3),
            (b"\xFF\xFB\x90\x64\x00".to_vec(), MediaType::Mp3),
            (b"\xFF\xF3\x48\xC4\x00".to_vec(), MediaType::Mp3),
            (ogg_opus, MediaType::Opus),
            (ogg_vorbis, MediaType::Ogg),
            (b"#!AMR\n\x3c".to_vec(), MediaType::Amr),
            (b"#!AMR-WB\n\x04".to_vec(), MediaType::AmrWb),
            (b"%PDF-1.7\n%\xE2\xE3\xCF\xD3".to_vec(), MediaType::Pdf),
            (b"PK\x03\x04\x14\x00".to_vec(), MediaType::Zip),
            (
                b"He said he'd be waiting.\r\nTuesday 9pm\n".to_vec(),
                MediaType::PlainText,
            ),
            (
                "Caf\u{e9} \u{2014} \u{1F600}".as_bytes().to_vec(),
                MediaType::PlainText,
            ),
            (b"\xEF\xBB\xBFwith bom".to_vec(), MediaType::PlainText),
        ];
        for (bytes, want) in cases {
            assert_eq!(sniff(&bytes), want, "{bytes:02x?}");
        }
    }

    #[test]
    fn a_file_shorter_than_its_ftyp_box_is_sniffed_without_panicking() {
        // Found by fuzzing: a 13-byte file whose ftyp box claims 24 bytes panicked.
        for len in 8..=16 {
            let head = &b"\0\0\0\x18ftypmisomABCD"[..len];
            let _ = sniff(head);
        }
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42\0\0\0\0"), MediaType::Mp4);
    }

    #[test]
    fn unknown_content_is_octet_stream_with_a_note() {
        for bytes in [
            &b"\x00\x01\x02\x03binary\x00"[..],
            &[0x80, 0x81, 0xfe],
            &[],
            b"RIFF\0\0\0\0AVI ",
        ] {
            let t = sniff(bytes);
            assert_eq!(t, MediaType::Unknown, "{bytes:02x?}");
            assert_eq!(t.mime(), "application/octet-stream");
            assert!(t.note().is_some());
        }
        assert!(sniff(b"%PDF-").note().is_none());
    }

    #[test]
    fn text_cut_mid_character_by_the_window_is_still_text() {
        let mut t = "a".repeat(SNIFF_LEN - 1).into_bytes();
        t.extend_from_slice(&"\u{e9}".as_bytes()[..1]);
        assert_eq!(sniff(&t), MediaType::PlainText);
    }

    #[test]
    fn mime_round_trips() {
        for m in ALL {
            assert_eq!(MediaType::from_mime(m.mime()), m);
        }
    }
}
