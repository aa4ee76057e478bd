//! SMS length arithmetic: which encoding a text needs and how many segments it costs.
//!
//! GSM 03.38 (3GPP TS 23.038): 7-bit default alphabet, 160 septets in a single message,
//! 153 per segment once concatenated (the user data header takes 7). Characters of the
//! extension table cost two septets (escape + char) and are never split across segments.
//! Anything outside GSM-7 forces UCS-2: 70 UTF-16 units single, 67 per segment, and a
//! surrogate pair (emoji) is never split.

use serde::Serialize;

/// The 7-bit default alphabet, in code order (0x1B, the escape, is left out).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each costs an escape septet plus itself.
const GSM7_EXTENSION: &str = "\u{000C}^{}\\[~]|€";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

/// How a text goes over SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SmsLength {
    pub encoding: SmsEncoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub segments: usize,
}

/// Septets a character costs in GSM-7, or None if GSM-7 cannot carry it.
fn gsm7_cost(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

pub fn is_gsm7(text: &str) -> bool {
    text.chars().all(|c| gsm7_cost(c).is_some())
}

/// Greedy packing of indivisible items (costs) into segments of `multi` units, or one of `single`.
fn pack(costs: impl Iterator<Item = usize> + Clone, single: usize, multi: usize) -> (usize, usize) {
    let total: usize = costs.clone().sum();
    if total == 0 {
        return (0, 1);
    }
    if total <= single {
        return (total, 1);
    }
    let mut segments = 1;
    let mut used = 0;
    for cost in costs {
        if used + cost > multi {
            segments += 1;
            used = 0;
        }
        used += cost;
    }
    (total, segments)
}

/// Length in GSM-7, or None if the text has a character GSM-7 cannot carry.
pub fn gsm7_length(text: &str) -> Option<SmsLength> {
    let costs: Vec<usize> = text.chars().map(gsm7_cost).collect::<Option<_>>()?;
    let (units, segments) = pack(costs.iter().copied(), 160, 153);
    Some(SmsLength {
        encoding: SmsEncoding::Gsm7,
        units,
        segments,
    })
}

/// Length in UCS-2 (UTF-16): any text can be sent this way.
pub fn ucs2_length(text: &str) -> SmsLength {
    let (units, segments) = pack(text.chars().map(char::len_utf16), 70, 67);
    SmsLength {
        encoding: SmsEncoding::Ucs2,
        units,
        segments,
    }
}

/// What a phone will actually do: GSM-7 when every character allows it, else UCS-2.
pub fn sms_length(text: &str) -> SmsLength {
    gsm7_length(text).unwrap_or_else(|| ucs2_length(text))
}

/// Replace typographic characters that phones insert automatically (curly quotes, dashes,
/// ellipsis, non-breaking spaces) with GSM-7 equivalents: one curly apostrophe would
/// otherwise halve the room in every segment.
pub fn gsm_friendly(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' | '`' | '\u{00B4}' => out.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => out.push('"'),
            '\u{2013}' | '\u{2014}' | '\u{2212}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\u{00A0}' | '\u{2009}' | '\u{202F}' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ascii_is_gsm7_with_160_and_153_boundaries() {
        let l = sms_length(&"a".repeat(160));
        assert_eq!(
            (l.encoding, l.units, l.segments),
            (SmsEncoding::Gsm7, 160, 1)
        );
        let l = sms_length(&"a".repeat(161));
        assert_eq!((l.units, l.segments), (161, 2));
        assert_eq!(sms_length(&"a".repeat(306)).segments, 2);
        assert_eq!(sms_length(&"a".repeat(307)).segments, 3);
        assert_eq!(sms_length("").segments, 1);
    }

    #[test]
    fn extension_characters_cost_two_and_are_not_split() {
        let l = sms_length("€");
        assert_eq!((l.encoding, l.units), (SmsEncoding::Gsm7, 2));
        assert_eq!(sms_length(&"{".repeat(80)).segments, 1); // 160 septets
        assert_eq!(sms_length(&"{".repeat(81)).segments, 2); // 162 septets
                                                             // 152 plain + one extension char: 154 septets, the escape pair cannot straddle 153.
        let text = format!("{}[{}", "a".repeat(152), "a".repeat(10));
        let l = gsm7_length(&text).unwrap();
        assert_eq!(l.units, 164);
        assert_eq!(l.segments, 2);
        let text = format!("{}[{}", "a".repeat(152), "a".repeat(151));
        // 152 + 2 + 151 = 305 septets fits 2*153=306 by count, but the pair moves to segment 2:
        // segment 1 holds 152, segment 2 holds 2+151 = 153.
        assert_eq!(gsm7_length(&text).unwrap().segments, 2);
        let text = format!("{}[{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(gsm7_length(&text).unwrap().units, 306);
        assert_eq!(gsm7_length(&text).unwrap().segments, 3);
    }

    #[test]
    fn gsm_accents_stay_gsm7_but_others_force_ucs2() {
        assert_eq!(sms_length("Café Müller, Niño").encoding, SmsEncoding::Gsm7);
        assert_eq!(sms_length("Ñandú").encoding, SmsEncoding::Ucs2); // ú is not in GSM-7 (ù is)
        let l = sms_length("Łódź");
        assert_eq!((l.encoding, l.units, l.segments), (SmsEncoding::Ucs2, 4, 1));
        assert_eq!(sms_length(&"ł".repeat(70)).segments, 1);
        assert_eq!(sms_length(&"ł".repeat(71)).segments, 2);
        assert_eq!(sms_length(&"ł".repeat(134)).segments, 2);
        assert_eq!(sms_length(&"ł".repeat(135)).segments, 3);
    }

    #[test]
    fn emoji_are_two_units_and_never_split() {
        let l = sms_length("😀");
        assert_eq!((l.encoding, l.units), (SmsEncoding::Ucs2, 2));
        assert_eq!(sms_length(&"😀".repeat(35)).segments, 1);
        // 66 units then a pair: 68 units > 67, so the pair opens segment 2.
        let text = format!("{}😀{}", "ł".repeat(66), "ł".repeat(65));
        let l = ucs2_length(&text);
        assert_eq!(l.units, 133);
        assert_eq!(l.segments, 2);
        let text = format!("{}😀{}", "ł".repeat(66), "ł".repeat(66));
        assert_eq!(ucs2_length(&text).segments, 3);
    }

    #[test]
    fn typographic_punctuation_is_made_gsm_friendly() {
        let s =
            gsm_friendly("I\u{2019}m at \u{201C}Joe\u{2019}s\u{201D} \u{2013} back soon\u{2026}");
        assert_eq!(s, "I'm at \"Joe's\" - back soon...");
        assert!(is_gsm7(&s));
    }
}
