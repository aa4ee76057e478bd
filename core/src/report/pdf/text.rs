//! Fonts, text measurement and line wrapping. DejaVu Sans is embedded (subset by krilla) so
//! names and notes in any Latin, Greek or Cyrillic script print correctly; characters the font
//! cannot draw are removed (emoji) or replaced with "?" rather than printed as empty boxes.

use krilla::text::Font;

static REGULAR: &[u8] = include_bytes!("../../../data/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../data/fonts/DejaVuSans-Bold.ttf");

pub(crate) struct FontFace {
    pub pdf: Font,
    shaper: rustybuzz::Face<'static>,
    units_per_em: f32,
}

pub(crate) struct Fonts {
    pub regular: FontFace,
    pub bold: FontFace,
}

impl FontFace {
    fn load(data: &'static [u8]) -> Option<FontFace> {
        let shaper = rustybuzz::Face::from_slice(data, 0)?;
        let units_per_em = shaper.units_per_em() as f32;
        let pdf = Font::new(data.to_vec().into(), 0)?;
        Some(FontFace {
            pdf,
            shaper,
            units_per_em,
        })
    }

    /// Width of `text` at `size` points, shaped exactly as krilla will draw it.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        if text.is_empty() {
            return 0.0;
        }
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let out = rustybuzz::shape(&self.shaper, &[], buffer);
        let units: i32 = out.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 / self.units_per_em * size
    }

    fn has_glyph(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }

    /// Text the font can draw: emoji and their joiners dropped, other unknown characters as "?".
    pub fn printable(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c == '\t' {
                out.push(' ');
            } else if c.is_control() || is_invisible_modifier(c) {
                continue;
            } else if self.has_glyph(c) {
                out.push(c);
            } else if !is_emoji_like(c) {
                out.push('?');
            }
        }
        out
    }
}

/// Emoji and pictographs (including flags and skin tones).
fn is_emoji_like(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x20E3)
}

/// Variation selectors, zero-width joiners and tag characters: they only modify emoji.
fn is_invisible_modifier(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0F | 0x200B..=0x200D | 0xE0020..=0xE007F)
}

impl Fonts {
    pub fn load() -> Option<Fonts> {
        Some(Fonts {
            regular: FontFace::load(REGULAR)?,
            bold: FontFace::load(BOLD)?,
        })
    }
    pub fn face(&self, bold: bool) -> &FontFace {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

/// Greedy word wrap to `max_width` points. Paragraph breaks ("\n") are kept; a word longer than
/// a line is broken between characters.
pub(crate) fn wrap(face: &FontFace, text: &str, size: f32, max_width: f32) -> Vec<String> {
    let text = face.printable_keep_newlines(text);
    let space = face.width(" ", size);
    let mut lines = vec![];
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in paragraph.split_whitespace() {
            let w = face.width(word, size);
            if w > max_width {
                // Flush, then hard-break the long word.
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if face.width(&piece, size) > max_width && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line_w = face.width(&piece, size);
                line = piece;
                continue;
            }
            if line.is_empty() {
                line.push_str(word);
                line_w = w;
            } else if line_w + space + w <= max_width {
                line.push(' ');
                line.push_str(word);
                line_w += space + w;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_string()));
                line_w = w;
            }
        }
        lines.push(line);
    }
    lines
}

impl FontFace {
    fn printable_keep_newlines(&self, text: &str) -> String {
        text.split('\n')
            .map(|l| self.printable(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_are_dropped_and_accents_kept() {
        let f = Fonts::load().unwrap();
        // DejaVu draws some emoji (😡, ❤) in black and white: those are kept; colour-only ones
        // (👋🏽, 🫠) are dropped with their modifiers; other scripts it lacks become "?".
        assert_eq!(
            f.regular.printable("Zoë 👋🏽 Łódź ❤\u{fe0f} 😡 🫠 你"),
            "Zoë  Łódź ❤ 😡  ?"
        );
    }

    #[test]
    fn wrapping_respects_width_and_paragraphs() {
        let f = Fonts::load().unwrap();
        let text = "He waited outside the station again and followed me to the bus stop.\nSecond paragraph.";
        let lines = wrap(&f.regular, text, 10.0, 150.0);
        assert!(lines.len() >= 3, "{lines:?}");
        assert_eq!(lines.last().unwrap(), "Second paragraph.");
        for l in &lines {
            assert!(f.regular.width(l, 10.0) <= 150.0, "{l}");
        }
        assert_eq!(lines.join(" ").replace("  ", " "), text.replace('\n', " "));
        let long = "a".repeat(200);
        let lines = wrap(&f.regular, &long, 10.0, 100.0);
        assert!(lines.len() > 1 && lines.iter().all(|l| f.regular.width(l, 10.0) <= 100.0));
        assert_eq!(lines.concat(), long);
    }
}
