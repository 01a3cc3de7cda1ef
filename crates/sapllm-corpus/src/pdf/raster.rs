//! Rasterises a [`Page`] display list into a grayscale bitmap that looks scanned.
//!
//! We have no PDF renderer (and want none as a dependency of a test-data generator), but the
//! pages are display lists we built ourselves, so drawing them is simple: rectangles and lines
//! directly, text with a built-in 5x7 bitmap font placed with the real AFM advance widths (so
//! columns stay where the vector page has them). A slight rotation, paper tone and noise give
//! the scanned look. The result carries no text layer at all, which is the point: the pipeline
//! must route such pages to OCR.

use super::fonts::{encode_win_ansi, win_ansi_char};
use super::{Color, Op, Page};
use crate::rng::Rng;

/// A grayscale bitmap, row-major, one byte per pixel (0 = black).
#[derive(Debug, Clone, PartialEq)]
pub struct GrayBitmap {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl GrayBitmap {
    fn new(width: u32, height: u32, value: u8) -> Self {
        Self {
            width,
            height,
            pixels: vec![value; (width * height) as usize],
        }
    }

    /// Sets the pixel rectangle [x0, x1) x [y0, y1) to `value`.
    fn set(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, value: u8) {
        let clamp_x = |v: f32| (v.round().max(0.0) as u32).min(self.width);
        let clamp_y = |v: f32| (v.round().max(0.0) as u32).min(self.height);
        let (xa, xb) = (clamp_x(x0.min(x1)), clamp_x(x0.max(x1)));
        let (ya, yb) = (clamp_y(y0.min(y1)), clamp_y(y0.max(y1)));
        for y in ya..yb {
            let row = (y * self.width) as usize;
            for x in xa..xb {
                self.pixels[row + x as usize] = value;
            }
        }
    }

    /// Darkens the pixel rectangle [x0, x1) x [y0, y1) to `value` (multiply-like: never lighter).
    fn fill(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, value: u8) {
        let clamp_x = |v: f32| (v.round().max(0.0) as u32).min(self.width);
        let clamp_y = |v: f32| (v.round().max(0.0) as u32).min(self.height);
        let (xa, xb) = (clamp_x(x0.min(x1)), clamp_x(x0.max(x1)));
        let (ya, yb) = (clamp_y(y0.min(y1)), clamp_y(y0.max(y1)));
        // Always at least one pixel, so thin rules do not vanish.
        let xb = if xb == xa && xa < self.width {
            xa + 1
        } else {
            xb
        };
        let yb = if yb == ya && ya < self.height {
            ya + 1
        } else {
            yb
        };
        for y in ya..yb {
            let row = (y * self.width) as usize;
            for x in xa..xb {
                let p = &mut self.pixels[row + x as usize];
                *p = (*p).min(value);
            }
        }
    }
}

/// How the scan is degraded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanLook {
    pub dpi: f32,
    /// Rotation of the sheet on the scanner glass, degrees.
    pub skew_deg: f32,
    /// Amplitude of per-pixel noise (0..255).
    pub noise: u8,
    /// Gray level of the paper.
    pub paper: u8,
}

impl Default for ScanLook {
    fn default() -> Self {
        Self {
            dpi: 150.0,
            skew_deg: 0.6,
            noise: 10,
            paper: 244,
        }
    }
}

/// Renders `page` and applies the scan look.
pub fn rasterise(page: &Page, look: &ScanLook, rng: &mut Rng) -> GrayBitmap {
    let scale = look.dpi / 72.0;
    let width = (page.width * scale).round() as u32;
    let height = (page.height * scale).round() as u32;
    let mut bmp = GrayBitmap::new(width, height, 255);
    // Page y grows upwards, bitmap rows downwards.
    let px = |x: f32| x * scale;
    let py = |y: f32| (page.height - y) * scale;
    let level = |c: Color| (c.luma().clamp(0.0, 1.0) * 255.0).round() as u8;

    for op in &page.ops {
        match op {
            Op::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => {
                if let Some(c) = fill {
                    bmp.fill(px(*x), py(*y), px(x + w), py(y + h), level(*c));
                }
                if let Some((lw, c)) = stroke {
                    let t = (lw * scale).max(1.0);
                    let v = level(*c);
                    let (x0, x1, y0, y1) = (px(*x), px(x + w), py(y + h), py(*y));
                    bmp.fill(x0, y0, x1, y0 + t, v);
                    bmp.fill(x0, y1 - t, x1, y1, v);
                    bmp.fill(x0, y0, x0 + t, y1, v);
                    bmp.fill(x1 - t, y0, x1, y1, v);
                }
            }
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                width: lw,
                color,
                dashed,
            } => {
                let t = (lw * scale).max(1.0);
                draw_line(
                    &mut bmp,
                    (px(*x1), py(*y1)),
                    (px(*x2), py(*y2)),
                    t,
                    level(*color),
                    *dashed,
                    scale,
                );
            }
            Op::Text(t) => {
                let bold = t.font.is_bold();
                let (sin, cos) = super::sin_cos_deg(t.angle_deg);
                // One font dot is a tenth of the font size: 7 dots make the cap height.
                let dot = t.size * 0.1;
                let mut advance = 0.0f32;
                for byte in encode_win_ansi(&super::fonts::ce_to_base(&t.text)) {
                    let w = f32::from(t.font.glyph_width(byte)) * t.size / 1000.0;
                    let (rows, drop) = glyph(win_ansi_char(byte));
                    // Stretch or squeeze the glyph's ink to about 80 % of the real advance
                    // width and centre it, so narrow glyphs (i, :) do not run into their
                    // neighbours and wide ones (m, W) do not leave gaps.
                    let ink = rows.iter().fold(0u8, |a, r| a | r);
                    let first = (0..5).find(|c| ink & (0x10 >> c) != 0).unwrap_or(0);
                    let last = (0..5).rev().find(|c| ink & (0x10 >> c) != 0).unwrap_or(4);
                    let ink_cols = (last - first + 1) as f32;
                    let dot_w = (w * 0.8 / ink_cols.max(2.0)).clamp(dot * 0.6, dot * 1.5);
                    let left = advance + (w - ink_cols * dot_w) / 2.0 - first as f32 * dot_w;
                    for (r, bits) in rows.iter().enumerate() {
                        for c in 0..5 {
                            if bits & (0x10 >> c) == 0 {
                                continue;
                            }
                            // Dot centre in text space (baseline at 0, y up).
                            let tx = left + (c as f32 + 0.5) * dot_w;
                            let ty = (6.0 - r as f32 - f32::from(drop) + 0.5) * dot;
                            let gx = t.x + tx * cos - ty * sin;
                            let gy = t.y + tx * sin + ty * cos;
                            let half_w = dot_w * if bold { 0.62 } else { 0.45 };
                            let half_h = dot * 0.5;
                            let (x0, y0, x1, y1) = (
                                px(gx - half_w),
                                py(gy + half_h),
                                px(gx + half_w),
                                py(gy - half_h),
                            );
                            // Light text (white on a coloured band) replaces the pixels.
                            if level(t.color) > 160 {
                                bmp.set(x0, y0, x1, y1, level(t.color));
                            } else {
                                bmp.fill(x0, y0, x1, y1, level(t.color));
                            }
                        }
                    }
                    advance += w;
                }
            }
            // Embedded images are not re-rasterised; scanned pages are built from vector pages.
            Op::Image { .. } => {}
        }
    }
    degrade(&bmp, look, rng)
}

fn draw_line(
    bmp: &mut GrayBitmap,
    a: (f32, f32),
    b: (f32, f32),
    t: f32,
    v: u8,
    dashed: bool,
    scale: f32,
) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let steps = len.ceil() as u32;
    let dash = 2.0 * scale;
    for i in 0..=steps {
        let f = i as f32 / steps as f32;
        if dashed && ((f * len / dash) as u32) % 2 == 1 {
            continue;
        }
        let x = a.0 + (b.0 - a.0) * f;
        let y = a.1 + (b.1 - a.1) * f;
        bmp.fill(x - t / 2.0, y - t / 2.0, x + t / 2.0, y + t / 2.0, v);
    }
}

/// Rotates the sheet slightly (bilinear), tones the paper and adds noise and a few specks.
fn degrade(src: &GrayBitmap, look: &ScanLook, rng: &mut Rng) -> GrayBitmap {
    let (w, h) = (src.width as f32, src.height as f32);
    let (sin, cos) = super::sin_cos_deg(look.skew_deg);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let mut out = GrayBitmap::new(src.width, src.height, 255);
    let ink_range = f32::from(look.paper) / 255.0;
    for y in 0..src.height {
        for x in 0..src.width {
            // Inverse rotation: where in the source does this output pixel come from?
            let dx = x as f32 - cx;
            let dy = y as f32 - cy;
            let sx = cx + dx * cos + dy * sin;
            let sy = cy - dx * sin + dy * cos;
            let v = sample(src, sx, sy);
            let noise = (rng.unit_f32() - 0.5) * 2.0 * f32::from(look.noise);
            let toned = v * ink_range + noise;
            out.pixels[(y * src.width + x) as usize] = toned.round().clamp(0.0, 255.0) as u8;
        }
    }
    // Dust specks, as on a glass that was not cleaned.
    for _ in 0..(src.width * src.height / 40_000) {
        let x = rng.below(u64::from(src.width)) as f32;
        let y = rng.below(u64::from(src.height)) as f32;
        let r = 0.5 + rng.unit_f32() * 1.5;
        out.fill(x - r, y - r, x + r, y + r, 60 + rng.below(80) as u8);
    }
    out
}

fn sample(src: &GrayBitmap, x: f32, y: f32) -> f32 {
    let x0 = x.floor();
    let y0 = y.floor();
    let fx = x - x0;
    let fy = y - y0;
    let get = |xi: f32, yi: f32| -> f32 {
        if xi < 0.0 || yi < 0.0 || xi >= src.width as f32 || yi >= src.height as f32 {
            255.0
        } else {
            f32::from(src.pixels[(yi as u32 * src.width + xi as u32) as usize])
        }
    };
    let top = get(x0, y0) * (1.0 - fx) + get(x0 + 1.0, y0) * fx;
    let bottom = get(x0, y0 + 1.0) * (1.0 - fx) + get(x0 + 1.0, y0 + 1.0) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// Encodes a bitmap as a baseline grayscale JPEG.
pub fn to_jpeg(bmp: &GrayBitmap, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    enc.encode(
        &bmp.pixels,
        bmp.width,
        bmp.height,
        image::ExtendedColorType::L8,
    )?;
    Ok(out)
}

/// The 5x7 glyph of a character: seven rows (bit 4 is the leftmost column) and how many rows
/// it drops below the baseline (descenders). Row 6 sits on the baseline; x-height is rows 2..=6.
fn glyph(c: char) -> ([u8; 7], u8) {
    let rows: [u8; 7] = match c {
        ' ' => [0; 7],
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        'A' => [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'B' => [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'D' => [0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'M' => [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'P' => [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        'Q' => [0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A],
        'X' => [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04],
        'Z' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F],
        'a' => [0x00, 0x00, 0x0E, 0x01, 0x0F, 0x11, 0x0F],
        'b' => [0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1E],
        'c' => [0x00, 0x00, 0x0E, 0x10, 0x10, 0x11, 0x0E],
        'd' => [0x01, 0x01, 0x0D, 0x13, 0x11, 0x11, 0x0F],
        'e' => [0x00, 0x00, 0x0E, 0x11, 0x1F, 0x10, 0x0E],
        'f' => [0x06, 0x09, 0x08, 0x1C, 0x08, 0x08, 0x08],
        'g' => return ([0x0F, 0x11, 0x11, 0x0F, 0x01, 0x11, 0x0E], 2),
        'h' => [0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11],
        'i' => [0x04, 0x00, 0x0C, 0x04, 0x04, 0x04, 0x0E],
        'j' => [0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0C],
        'k' => [0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12],
        'l' => [0x0C, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'm' => [0x00, 0x00, 0x1A, 0x15, 0x15, 0x15, 0x15],
        'n' => [0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11],
        'o' => [0x00, 0x00, 0x0E, 0x11, 0x11, 0x11, 0x0E],
        'p' => return ([0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10], 2),
        'q' => return ([0x0F, 0x11, 0x11, 0x0F, 0x01, 0x01, 0x01], 2),
        'r' => [0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10],
        's' => [0x00, 0x00, 0x0F, 0x10, 0x0E, 0x01, 0x1E],
        't' => [0x08, 0x08, 0x1C, 0x08, 0x08, 0x09, 0x06],
        'u' => [0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0D],
        'v' => [0x00, 0x00, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'w' => [0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0A],
        'x' => [0x00, 0x00, 0x11, 0x0A, 0x04, 0x0A, 0x11],
        'y' => return ([0x11, 0x11, 0x11, 0x0F, 0x01, 0x11, 0x0E], 2),
        'z' => [0x00, 0x00, 0x1F, 0x02, 0x04, 0x08, 0x1F],
        'ä' => [0x0A, 0x00, 0x0E, 0x01, 0x0F, 0x11, 0x0F],
        'ö' => [0x0A, 0x00, 0x0E, 0x11, 0x11, 0x11, 0x0E],
        'ü' => [0x0A, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0D],
        'Ä' => [0x0A, 0x04, 0x0A, 0x11, 0x1F, 0x11, 0x11],
        'Ö' => [0x0A, 0x0E, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'Ü' => [0x0A, 0x00, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'ß' => [0x0E, 0x11, 0x11, 0x16, 0x11, 0x11, 0x16],
        'é' => [0x02, 0x04, 0x0E, 0x11, 0x1F, 0x10, 0x0E],
        'è' => [0x08, 0x04, 0x0E, 0x11, 0x1F, 0x10, 0x0E],
        'ê' => [0x04, 0x0A, 0x0E, 0x11, 0x1F, 0x10, 0x0E],
        'ë' => [0x0A, 0x00, 0x0E, 0x11, 0x1F, 0x10, 0x0E],
        'É' => [0x02, 0x04, 0x1F, 0x10, 0x1E, 0x10, 0x1F],
        'à' => [0x08, 0x04, 0x0E, 0x01, 0x0F, 0x11, 0x0F],
        'â' => [0x04, 0x0A, 0x0E, 0x01, 0x0F, 0x11, 0x0F],
        'ô' => [0x04, 0x0A, 0x0E, 0x11, 0x11, 0x11, 0x0E],
        'û' => [0x04, 0x0A, 0x11, 0x11, 0x11, 0x13, 0x0D],
        'ù' => [0x08, 0x04, 0x11, 0x11, 0x11, 0x13, 0x0D],
        'î' => [0x04, 0x0A, 0x00, 0x0C, 0x04, 0x04, 0x0E],
        'ï' => [0x0A, 0x00, 0x0C, 0x04, 0x04, 0x04, 0x0E],
        'ç' => return ([0x00, 0x0E, 0x10, 0x10, 0x11, 0x0E, 0x04], 1),
        '€' => [0x07, 0x08, 0x1E, 0x08, 0x1E, 0x08, 0x07],
        '²' => [0x0C, 0x02, 0x04, 0x08, 0x0E, 0x00, 0x00],
        '°' => [0x0C, 0x12, 0x12, 0x0C, 0x00, 0x00, 0x00],
        '!' => [0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04],
        '"' => [0x0A, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00],
        '#' => [0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A],
        '$' => [0x04, 0x0F, 0x14, 0x0E, 0x05, 0x1E, 0x04],
        '%' => [0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03],
        '&' => [0x0C, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0D],
        '\'' | '\u{2019}' => [0x04, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00],
        '(' => [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02],
        ')' => [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08],
        '*' => [0x00, 0x04, 0x15, 0x0E, 0x15, 0x04, 0x00],
        '+' => [0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00],
        ',' => return ([0x00, 0x00, 0x00, 0x00, 0x06, 0x06, 0x0C], 1),
        '-' | '–' | '—' => [0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C],
        '/' => [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00],
        ':' => [0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00],
        ';' => [0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x04, 0x08],
        '<' => [0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02],
        '=' => [0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00],
        '>' => [0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08],
        '@' => [0x0E, 0x11, 0x01, 0x0D, 0x15, 0x15, 0x0E],
        '[' => [0x0E, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0E],
        '\\' => [0x00, 0x10, 0x08, 0x04, 0x02, 0x01, 0x00],
        ']' => [0x0E, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0E],
        '_' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F],
        '|' => [0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        '·' | '•' => [0x00, 0x00, 0x00, 0x0C, 0x0C, 0x00, 0x00],
        // Everything else: a question mark, as a cheap scanner font would show.
        _ => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04],
    };
    (rows, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::Font;

    #[test]
    fn text_is_drawn_dark_on_light_paper() {
        let mut page = Page {
            width: 200.0,
            height: 100.0,
            ops: Vec::new(),
        };
        page.text(
            Font::Helvetica,
            20.0,
            10.0,
            50.0,
            Color::BLACK,
            "Größe 12,50 €",
        );
        let look = ScanLook {
            skew_deg: 0.0,
            noise: 0,
            ..ScanLook::default()
        };
        let bmp = rasterise(&page, &look, &mut Rng::new(1));
        let dark = bmp.pixels.iter().filter(|p| **p < 100).count();
        assert!(dark > 500, "{dark} dark pixels");
        assert!(bmp.pixels[0] > 200);
        let jpeg = to_jpeg(&bmp, 60).unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    }
}
