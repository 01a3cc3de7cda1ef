//! Operations on page rasters shared by OCR (deskew) and the corpus's scanned variants, so the
//! skew a scan is given and the skew OCR takes out are the same geometry.

use image::{ImageBuffer, Pixel};

/// Rotates by `degrees` counter-clockwise about the centre, bilinear, `background` outside;
/// the result has the same size.
pub fn rotate<P>(
    img: &ImageBuffer<P, Vec<u8>>,
    degrees: f32,
    background: P,
) -> ImageBuffer<P, Vec<u8>>
where
    P: Pixel<Subpixel = u8>,
{
    let (w, h) = img.dimensions();
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut out = ImageBuffer::from_pixel(w, h, background);
    let channels = usize::from(P::CHANNEL_COUNT);
    let raw = img.as_raw();
    let stride = w as usize * channels;
    for (y, row) in out.rows_mut().enumerate() {
        let dy = y as f32 + 0.5 - cy;
        for (x, px) in row.enumerate() {
            let dx = x as f32 + 0.5 - cx;
            // Source point of the inverse rotation (y down: ccw on screen is −angle in maths).
            let sx = c * dx - s * dy + cx - 0.5;
            let sy = s * dx + c * dy + cy - 0.5;
            if sx < 0.0 || sy < 0.0 || sx > (w - 1) as f32 || sy > (h - 1) as f32 {
                continue;
            }
            let (x0, y0) = (sx as usize, sy as usize);
            let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
            let x1 = (x0 + 1).min(w as usize - 1);
            let y1 = (y0 + 1).min(h as usize - 1);
            for (k, v) in px.channels_mut().iter_mut().enumerate() {
                let p = |xx: usize, yy: usize| f32::from(raw[yy * stride + xx * channels + k]);
                let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
                let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
                *v = (top * (1.0 - fy) + bottom * fy).round() as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma, Rgb, RgbImage};

    #[test]
    fn a_quarter_turn_moves_a_pixel_and_fills_the_rest() {
        // A dark dot right of the centre goes above it after 90° counter-clockwise.
        let mut g = GrayImage::from_pixel(21, 21, Luma([255]));
        g.put_pixel(15, 10, Luma([0]));
        let r = rotate(&g, 90.0, Luma([255]));
        assert!(r.get_pixel(10, 5).0[0] < 60, "{:?}", r.get_pixel(10, 5));
        assert_eq!(r.get_pixel(15, 10).0[0], 255);
        // Colour images keep every channel; outside the source the background shows.
        let rgb = RgbImage::from_pixel(20, 10, Rgb([10, 200, 30]));
        let r = rotate(&rgb, 45.0, Rgb([255, 255, 255]));
        assert_eq!(*r.get_pixel(10, 5), Rgb([10, 200, 30]));
        assert_eq!(*r.get_pixel(0, 0), Rgb([255, 255, 255]));
    }
}
