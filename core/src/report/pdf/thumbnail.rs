//! Photo thumbnails: decode JPEG or PNG, box-filter down to a small size, embed as raw pixels.
//! Embedding the originals would make a report with 200 photos hundreds of megabytes; the
//! originals belong in the evidence bundle, unmodified.

use krilla::image::Image;

/// Longest side of a thumbnail, in pixels.
pub const THUMB_PX: u32 = 240;
/// Refuse to decode anything larger (decompression bombs).
const MAX_PIXELS: u64 = 64_000_000;

pub struct Thumbnail {
    pub image: Image,
    pub width: u32,
    pub height: u32,
}

/// A thumbnail for JPEG or PNG bytes; None for other formats or undecodable data.
pub fn make_thumbnail(bytes: &[u8]) -> Option<Thumbnail> {
    thumbnail_pixels(bytes).map(Thumbnail::from_pixels)
}

/// Decoded, downscaled RGBA pixels: the slow part, safe to run on any thread.
pub fn thumbnail_pixels(bytes: &[u8]) -> Option<ThumbnailPixels> {
    let (rgb, w, h) = if bytes.starts_with(&[0xFF, 0xD8]) {
        decode_jpeg(bytes)?
    } else if bytes.starts_with(b"\x89PNG") {
        decode_png(bytes)?
    } else {
        return None;
    };
    let (rgba, width, height) = downscale(&rgb, w, h, THUMB_PX);
    Some(ThumbnailPixels {
        rgba,
        width,
        height,
    })
}

pub struct ThumbnailPixels {
    pub rgba: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl Thumbnail {
    pub fn from_pixels(p: ThumbnailPixels) -> Thumbnail {
        Thumbnail {
            image: Image::from_rgba8(p.rgba, p.width, p.height),
            width: p.width,
            height: p.height,
        }
    }
}

fn decode_jpeg(bytes: &[u8]) -> Option<(Vec<u8>, u32, u32)> {
    let mut d = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
    d.read_info().ok()?;
    let info = d.info()?;
    let (w, h) = (info.width as u64, info.height as u64);
    if w * h > MAX_PIXELS || w == 0 || h == 0 {
        return None;
    }
    // Let the decoder skip detail we would average away: decode at the smallest 1/2..1/8 scale
    // that is still at least twice the thumbnail size, then box-filter down.
    let want = (THUMB_PX * 2) as u16;
    let (sw, sh) = d.scale(want, want).ok()?;
    let px = d.decode().ok()?;
    let n = sw as usize * sh as usize;
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => px,
        jpeg_decoder::PixelFormat::L8 => px.iter().flat_map(|&l| [l, l, l]).collect(),
        jpeg_decoder::PixelFormat::L16 => px
            .chunks_exact(2)
            .flat_map(|c| [c[0], c[0], c[0]])
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => px
            .chunks_exact(4)
            .flat_map(|c| {
                let k = 255 - c[3] as u16;
                let f = |v: u8| ((255 - v as u16) * k / 255) as u8;
                [f(c[0]), f(c[1]), f(c[2])]
            })
            .collect(),
    };
    (rgb.len() == n * 3).then_some((rgb, sw as u32, sh as u32))
}

fn decode_png(bytes: &[u8]) -> Option<(Vec<u8>, u32, u32)> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let (w, h) = (reader.info().width, reader.info().height);
    if (w as u64) * (h as u64) > MAX_PIXELS || w == 0 || h == 0 {
        return None;
    }
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    let channels = info.color_type.samples();
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for px in buf[..info.buffer_size()].chunks_exact(channels) {
        match channels {
            1 | 2 => rgb.extend_from_slice(&[px[0], px[0], px[0]]),
            _ => rgb.extend_from_slice(&px[..3]),
        }
    }
    (rgb.len() == (w * h * 3) as usize).then_some((rgb, w, h))
}

/// Box-filter RGB down so the longest side is at most `max`; returns RGBA (opaque).
fn downscale(rgb: &[u8], w: u32, h: u32, max: u32) -> (Vec<u8>, u32, u32) {
    let scale = (max as f64 / w.max(h) as f64).min(1.0);
    let tw = ((w as f64 * scale).round() as u32).max(1);
    let th = ((h as f64 * scale).round() as u32).max(1);
    let mut out = Vec::with_capacity((tw * th * 4) as usize);
    for ty in 0..th {
        let y0 = (ty as u64 * h as u64 / th as u64) as u32;
        let y1 = (((ty + 1) as u64 * h as u64 / th as u64) as u32).max(y0 + 1);
        for tx in 0..tw {
            let x0 = (tx as u64 * w as u64 / tw as u64) as u32;
            let x1 = (((tx + 1) as u64 * w as u64 / tw as u64) as u32).max(x0 + 1);
            let mut sum = [0u64; 3];
            for y in y0..y1 {
                let row = (y * w) as usize * 3;
                for x in x0..x1 {
                    let i = row + x as usize * 3;
                    sum[0] += rgb[i] as u64;
                    sum[1] += rgb[i + 1] as u64;
                    sum[2] += rgb[i + 2] as u64;
                }
            }
            let n = ((y1 - y0) * (x1 - x0)) as u64;
            out.extend_from_slice(&[
                (sum[0] / n) as u8,
                (sum[1] / n) as u8,
                (sum[2] / n) as u8,
                255,
            ]);
        }
    }
    (out, tw, th)
}

#[cfg(test)]
pub(crate) fn test_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = vec![];
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        let data: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i % 256) as u8, 100, 200])
            .collect();
        writer.write_image_data(&data).unwrap();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_jpeg_is_decoded_at_reduced_scale() {
        let (w, h) = (2000u16, 1000u16);
        let px: Vec<u8> = (0..w as usize * h as usize)
            .flat_map(|i| [(i % 251) as u8, 90, 160])
            .collect();
        let mut jpg = vec![];
        jpeg_encoder::Encoder::new(&mut jpg, 80)
            .encode(&px, w, h, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        let t = make_thumbnail(&jpg).unwrap();
        assert_eq!((t.width, t.height), (240, 120));
        let (_, dw, dh) = decode_jpeg(&jpg).unwrap();
        assert!((480..2000).contains(&dw), "decoded at {dw}x{dh}");
    }

    #[test]
    fn png_is_scaled_to_fit_and_garbage_is_refused() {
        let t = make_thumbnail(&test_png(960, 480)).unwrap();
        assert_eq!((t.width, t.height), (240, 120));
        assert!(make_thumbnail(b"not an image").is_none());
        assert!(make_thumbnail(b"\x89PNG broken").is_none());
        assert!(make_thumbnail(&[0xFF, 0xD8, 0, 1, 2]).is_none());
    }

    #[test]
    fn downscale_averages_blocks() {
        let rgb = [0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255];
        let (out, w, h) = downscale(&rgb, 2, 2, 1);
        assert_eq!((w, h), (1, 1));
        assert_eq!(out, [127, 127, 127, 255]);
    }
}
