//! Deskewing: estimating a scan's small rotation from its text lines and removing it.
//!
//! Projection profiles: rotate the dark pixels by a candidate angle and histogram their rows.
//! When the angle matches the text lines, the ink gathers in few rows and the sum of squared
//! row counts peaks. Coarse-to-fine search over ±`max_degrees`; only dark pixels (a sample of
//! them) are rotated, so the search costs a few milliseconds per page.

use image::{GrayImage, Rgb, RgbImage};

/// Largest skew searched, degrees. Scanners and phones rarely skew more; larger angles are
/// the orientation step's business.
pub const MAX_SKEW_DEGREES: f32 = 5.0;

/// Below this the page is left as it is (rotating costs time and blurs slightly).
pub const MIN_CORRECTION_DEGREES: f32 = 0.15;

/// The skew of the text lines in degrees, counter-clockwise positive (in the image as seen:
/// lines rising to the right). 0 when the page has too little ink to tell.
pub fn estimate_skew(gray: &GrayImage, max_degrees: f32) -> f32 {
    let (w, h) = gray.dimensions();
    if w < 16 || h < 16 {
        return 0.0;
    }
    let threshold = otsu(gray).min(200);
    // A grid sample of dark pixels: at most ~60 000 points whatever the resolution.
    let total = u64::from(w) * u64::from(h);
    let step = ((total as f64 / 600_000.0).sqrt().ceil() as u32).max(1);
    let mut pts: Vec<(f32, f32)> = Vec::new();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    for y in (0..h).step_by(step as usize) {
        for x in (0..w).step_by(step as usize) {
            if gray.get_pixel(x, y).0[0] < threshold {
                pts.push((x as f32 - cx, y as f32 - cy));
            }
        }
    }
    if pts.len() < 200 || pts.len() as u64 * 2 > total / u64::from(step * step) {
        // Blank, or mostly dark (a photo, an inverted page): no line structure to measure.
        return 0.0;
    }
    let bin = step as f32;
    let rows = ((w as f32).hypot(h as f32) / bin) as usize + 2;
    let mut hist = vec![0u32; rows];
    let mut score = |deg: f32| -> f64 {
        let (s, c) = deg.to_radians().sin_cos();
        hist.iter_mut().for_each(|v| *v = 0);
        let off = rows as f32 / 2.0;
        for &(x, y) in &pts {
            // Row of the point after rotating the page by `deg` (undoing a skew of `deg`).
            let yr = y * c + x * s;
            let i = (yr / bin + off) as usize;
            if let Some(v) = hist.get_mut(i) {
                *v += 1;
            }
        }
        hist.iter().map(|&v| f64::from(v) * f64::from(v)).sum()
    };
    let mut best = (0.0f32, score(0.0));
    let base = best.1;
    let mut search = |from: f32, to: f32, step: f32, best: &mut (f32, f64)| {
        let mut a = from;
        while a <= to + 1e-4 {
            let s = score(a);
            if s > best.1 {
                *best = (a, s);
            }
            a += step;
        }
    };
    search(-max_degrees, max_degrees, 0.5, &mut best);
    let c = best.0;
    search(c - 0.5, c + 0.5, 0.1, &mut best);
    let c = best.0;
    search(c - 0.1, c + 0.1, 0.02, &mut best);
    // A tiny gain is noise (e.g. a page of one line): keep the page as it is.
    if best.1 < base * 1.01 { 0.0 } else { best.0 }
}

/// Rotates by `degrees` counter-clockwise about the centre (bilinear, white outside), same size.
pub fn rotate(img: &RgbImage, degrees: f32) -> RgbImage {
    sapllm_document::raster::rotate(img, degrees, Rgb([255, 255, 255]))
}

/// Where the output point (`x`, `y`) of [`rotate`]`(img, degrees)` on a `w × h` image comes
/// from in `img` (pixel coordinates, continuous).
pub fn source_point(x: f32, y: f32, w: u32, h: u32, degrees: f32) -> (f32, f32) {
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (dx, dy) = (x - cx, y - cy);
    (c * dx - s * dy + cx, s * dx + c * dy + cy)
}

/// Otsu's threshold of a grey image.
pub fn otsu(gray: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for p in gray.pixels() {
        hist[p.0[0] as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &n)| i as f64 * n as f64)
        .sum();
    let (mut w_b, mut sum_b, mut best, mut best_t) = (0u64, 0f64, 0f64, 128u8);
    for (t, &n) in hist.iter().enumerate() {
        w_b += n;
        if w_b == 0 {
            continue;
        }
        let w_f = total - w_b;
        if w_f == 0 {
            break;
        }
        sum_b += t as f64 * n as f64;
        let m_b = sum_b / w_b as f64;
        let m_f = (sum_all - sum_b) / w_f as f64;
        let between = w_b as f64 * w_f as f64 * (m_b - m_f).powi(2);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t.saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Luma, imageops};

    /// A page of dark horizontal bars (text lines) on white.
    fn lines_page() -> RgbImage {
        let mut img = RgbImage::from_pixel(800, 1000, Rgb([255, 255, 255]));
        for line in 0..25 {
            let y0 = 100 + line * 32;
            for y in y0..y0 + 12 {
                for x in 100..700 {
                    // Word gaps, so it looks like text rather than one block.
                    if (x / 60) % 5 != 4 {
                        img.put_pixel(x, y, Rgb([20, 20, 20]));
                    }
                }
            }
        }
        img
    }

    #[test]
    fn skew_is_found_and_removed() {
        let page = lines_page();
        let gray = |i: &RgbImage| imageops::grayscale(i);
        assert_eq!(estimate_skew(&gray(&page), MAX_SKEW_DEGREES), 0.0);
        for angle in [2.5f32, -1.2, 4.0] {
            let skewed = rotate(&page, angle);
            let found = estimate_skew(&gray(&skewed), MAX_SKEW_DEGREES);
            assert!(
                (found - angle).abs() < 0.15,
                "rotated {angle}, found {found}"
            );
            let straight = rotate(&skewed, -found);
            let again = estimate_skew(&gray(&straight), MAX_SKEW_DEGREES);
            assert!(again.abs() < 0.15, "after deskew {again}");
        }
    }

    #[test]
    fn blank_or_dark_pages_are_left_alone() {
        let white = GrayImage::from_pixel(300, 300, Luma([255]));
        assert_eq!(estimate_skew(&white, MAX_SKEW_DEGREES), 0.0);
        let black = GrayImage::from_pixel(300, 300, Luma([0]));
        assert_eq!(estimate_skew(&black, MAX_SKEW_DEGREES), 0.0);
    }
}
