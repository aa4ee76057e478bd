//! A tiny flow layout: content is laid out into pages of drawing operations first, then rendered
//! with krilla once the page count is known (for "Page 3 of 12").

use super::text::{wrap, Fonts};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;
use krilla::Document;

pub(crate) const PAGE_W: f32 = 595.28; // A4 in points
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const MARGIN: f32 = 56.0;
pub(crate) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const BOTTOM: f32 = PAGE_H - MARGIN - 14.0; // leave room for the footer

pub(crate) type Rgb = (u8, u8, u8);
pub(crate) const BLACK: Rgb = (20, 20, 20);
pub(crate) const GREY: Rgb = (100, 100, 100);
pub(crate) const LIGHT: Rgb = (220, 220, 220);

pub(crate) enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: Image,
    },
}

pub(crate) struct Flow<'f> {
    pub fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    /// Top of the free space on the current page.
    pub y: f32,
}

impl<'f> Flow<'f> {
    pub fn new(fonts: &'f Fonts) -> Self {
        Flow {
            fonts,
            pages: vec![vec![]],
            y: MARGIN,
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(vec![]);
        self.y = MARGIN;
    }

    /// Start a new page unless `h` points still fit on this one.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > MARGIN {
            self.new_page();
        }
    }

    pub fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    pub fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// Wrapped text at `x` (relative to the left margin), breaking pages between lines.
    pub fn paragraph(&mut self, text: &str, size: f32, bold: bool, color: Rgb, indent: f32) {
        let face = self.fonts.face(bold);
        let line_h = size * 1.35;
        for line in wrap(face, text, size, CONTENT_W - indent) {
            self.ensure(line_h);
            self.y += line_h;
            self.push(Op::Text {
                x: MARGIN + indent,
                y: self.y - size * 0.3,
                size,
                bold,
                color,
                text: line,
            });
        }
    }

    /// "Label: value" with the label in bold and the value wrapped beside it.
    pub fn field(&mut self, label: &str, value: &str, size: f32) {
        let label_w = 110.0;
        let face = self.fonts.face(false);
        let line_h = size * 1.35;
        let lines = wrap(face, value, size, CONTENT_W - label_w);
        for (n, line) in lines.into_iter().enumerate() {
            self.ensure(line_h);
            self.y += line_h;
            let baseline = self.y - size * 0.3;
            if n == 0 {
                let label = self.fonts.bold.printable(label);
                self.push(Op::Text {
                    x: MARGIN,
                    y: baseline,
                    size,
                    bold: true,
                    color: GREY,
                    text: label,
                });
            }
            self.push(Op::Text {
                x: MARGIN + label_w,
                y: baseline,
                size,
                bold: false,
                color: BLACK,
                text: line,
            });
        }
    }

    pub fn rule(&mut self) {
        self.ensure(8.0);
        self.y += 4.0;
        self.push(Op::Line {
            x1: MARGIN,
            y1: self.y,
            x2: PAGE_W - MARGIN,
            y2: self.y,
            width: 0.5,
            color: LIGHT,
        });
        self.y += 4.0;
    }

    /// Render every page with a footer; returns the PDF bytes.
    pub fn render(self, footer_left: &str) -> Result<Vec<u8>, String> {
        let mut doc = Document::new();
        let total = self.pages.len();
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("bad page size")?;
        for (n, ops) in self.pages.into_iter().enumerate() {
            let mut page = doc.start_page_with(settings.clone());
            let mut surface = page.surface();
            for op in ops {
                draw(&mut surface, self.fonts, op);
            }
            let footer_y = PAGE_H - MARGIN + 16.0;
            let left = self.fonts.regular.printable(footer_left);
            draw(
                &mut surface,
                self.fonts,
                Op::Text {
                    x: MARGIN,
                    y: footer_y,
                    size: 8.0,
                    bold: false,
                    color: GREY,
                    text: left,
                },
            );
            let label = format!("Page {} of {}", n + 1, total);
            let w = self.fonts.regular.width(&label, 8.0);
            draw(
                &mut surface,
                self.fonts,
                Op::Text {
                    x: PAGE_W - MARGIN - w,
                    y: footer_y,
                    size: 8.0,
                    bold: false,
                    color: GREY,
                    text: label,
                },
            );
            surface.finish();
            page.finish();
        }
        doc.finish().map_err(|e| format!("{e:?}"))
    }
}

fn fill(color: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, op: Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            bold,
            color,
            text,
        } => {
            if text.is_empty() {
                return;
            }
            surface.set_fill(Some(fill(color)));
            surface.set_stroke(None);
            surface.draw_text(
                Point::from_xy(x, y),
                fonts.face(bold).pdf.clone(),
                size,
                &text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Rect { x, y, w, h, color } => {
            let Some(rect) = Rect::from_xywh(x, y, w.max(0.01), h.max(0.01)) else {
                return;
            };
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                surface.set_fill(Some(fill(color)));
                surface.set_stroke(None);
                surface.draw_path(&path);
            }
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            color,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(x1, y1);
            pb.line_to(x2, y2);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(color.0, color.1, color.2).into(),
                    width,
                    ..Default::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Image { x, y, w, h, image } => {
            let Some(size) = Size::from_wh(w, h) else {
                return;
            };
            surface.push_transform(&Transform::from_translate(x, y));
            surface.draw_image(image, size);
            surface.pop();
        }
    }
}
