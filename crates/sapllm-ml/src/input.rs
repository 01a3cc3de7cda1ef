//! Image files as page images: PNG, JPEG (EXIF orientation applied) and multi-page TIFF, each
//! with its resolution.
//!
//! The resolution decides the page size in points (pixels × 72 / dpi). It comes from the file
//! (PNG `pHYs`, JPEG JFIF density, TIFF `XResolution`); when a file has none — phone photos,
//! screenshots — the page is assumed to be A4 wide, which is what an AP inbox receives.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, RgbImage};
use sapllm_core::FileKind;

use crate::MlError;
use crate::recognizer::PageImage;

/// Most pages read from one TIFF; a fax of an invoice has a handful.
pub const MAX_TIFF_PAGES: usize = 500;

/// Largest image side accepted (pixels). A4 at 600 dpi is 4961 × 7016.
pub const MAX_SIDE: u32 = 12_000;

/// Width of A4 in inches, for files without a resolution.
const A4_WIDTH_IN: f32 = 8.27;

/// Decodes an image file into its pages.
pub fn decode(bytes: &[u8], kind: FileKind) -> Result<Vec<PageImage>, MlError> {
    match kind {
        FileKind::Png => {
            let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
                .map_err(|e| MlError::Image(e.to_string()))?;
            let dpi = png_dpi(bytes);
            Ok(vec![page(img.to_rgb8(), dpi)?])
        }
        FileKind::Jpeg => {
            let mut decoder = image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes))
                .map_err(|e| MlError::Image(e.to_string()))?;
            // A phone photo is stored sideways with an EXIF note of how to turn it.
            let orientation = decoder
                .orientation()
                .unwrap_or(image::metadata::Orientation::NoTransforms);
            let mut img =
                DynamicImage::from_decoder(decoder).map_err(|e| MlError::Image(e.to_string()))?;
            img.apply_orientation(orientation);
            Ok(vec![page(img.to_rgb8(), jfif_dpi(bytes))?])
        }
        FileKind::Tiff => decode_tiff(bytes),
        other => Err(MlError::Image(format!(
            "{} is not an image format",
            other.as_str()
        ))),
    }
}

fn page(image: RgbImage, dpi: Option<f32>) -> Result<PageImage, MlError> {
    let (w, h) = image.dimensions();
    if w == 0 || h == 0 {
        return Err(MlError::Image("the image has no pixels".into()));
    }
    if w.max(h) > MAX_SIDE {
        return Err(MlError::Image(format!(
            "the image is {w} × {h} pixels, over the limit of {MAX_SIDE}"
        )));
    }
    let dpi = dpi
        .filter(|d| (50.0..=1200.0).contains(d))
        .unwrap_or_else(|| (w.min(h) as f32 / A4_WIDTH_IN).clamp(72.0, 600.0));
    Ok(PageImage { image, dpi })
}

/// PNG `pHYs` chunk: pixels per metre when the unit byte is 1.
fn png_dpi(bytes: &[u8]) -> Option<f32> {
    let mut i = 8usize;
    while i + 12 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().ok()?) as usize;
        let kind = &bytes[i + 4..i + 8];
        if kind == b"pHYs" && len == 9 {
            let d = bytes.get(i + 8..i + 17)?;
            let ppm_x = u32::from_be_bytes(d[0..4].try_into().ok()?);
            return (d[8] == 1 && ppm_x > 0).then_some(ppm_x as f32 * 0.0254);
        }
        if kind == b"IDAT" || kind == b"IEND" {
            return None;
        }
        i = i.checked_add(12 + len)?;
    }
    None
}

/// JPEG JFIF `APP0` density (unit 1: dots per inch, 2: per centimetre).
fn jfif_dpi(bytes: &[u8]) -> Option<f32> {
    let app0 = bytes.get(2..20)?;
    if app0[0] != 0xFF || app0[1] != 0xE0 || &app0[4..9] != b"JFIF\0" {
        return None;
    }
    let unit = app0[11];
    let x = u16::from_be_bytes([app0[12], app0[13]]) as f32;
    match unit {
        1 if x > 1.0 => Some(x),
        2 if x > 1.0 => Some(x * 2.54),
        _ => None,
    }
}

fn decode_tiff(bytes: &[u8]) -> Result<Vec<PageImage>, MlError> {
    use tiff::decoder::{Decoder, DecodingResult};
    use tiff::tags::Tag;
    let err = |e: tiff::TiffError| MlError::Image(format!("TIFF: {e}"));
    let mut dec = Decoder::new(Cursor::new(bytes)).map_err(err)?;
    let mut pages = Vec::new();
    loop {
        let (w, h) = dec.dimensions().map_err(err)?;
        if w == 0 || h == 0 || w.max(h) > MAX_SIDE {
            return Err(MlError::Image(format!(
                "TIFF page {} is {w} × {h} pixels",
                pages.len() + 1
            )));
        }
        let color = dec.colortype().map_err(err)?;
        // 0 = WhiteIsZero (fax scans): dark is high.
        let white_is_zero = dec
            .find_tag_unsigned::<u16>(Tag::PhotometricInterpretation)
            .ok()
            .flatten()
            == Some(0);
        let dpi = tiff_dpi(&mut dec);
        let data = dec.read_image().map_err(err)?;
        let rgb = match (color, data) {
            (tiff::ColorType::Gray(8), DecodingResult::U8(v)) => {
                gray_to_rgb(w, h, v.iter().copied(), white_is_zero)
            }
            (tiff::ColorType::Gray(16), DecodingResult::U16(v)) => {
                gray_to_rgb(w, h, v.iter().map(|&x| (x >> 8) as u8), white_is_zero)
            }
            (tiff::ColorType::Gray(1), DecodingResult::U8(v)) => {
                // Bilevel rows are packed 8 pixels per byte, each row padded to a whole byte.
                let row_bytes = (w as usize).div_ceil(8);
                let px = (0..h as usize).flat_map(|y| {
                    let v = &v;
                    (0..w as usize).map(move |x| {
                        let bit = v
                            .get(y * row_bytes + x / 8)
                            .map_or(0, |b| (b >> (7 - x % 8)) & 1);
                        if bit == 1 { 255u8 } else { 0 }
                    })
                });
                gray_to_rgb(w, h, px, white_is_zero)
            }
            (tiff::ColorType::RGB(8), DecodingResult::U8(v)) => RgbImage::from_raw(w, h, v),
            (tiff::ColorType::RGBA(8), DecodingResult::U8(v)) => {
                let rgb: Vec<u8> = v
                    .chunks_exact(4)
                    .flat_map(|p| {
                        // Composite on white: a transparent background is paper.
                        let a = f32::from(p[3]) / 255.0;
                        let c = |x: u8| (f32::from(x) * a + 255.0 * (1.0 - a)).round() as u8;
                        [c(p[0]), c(p[1]), c(p[2])]
                    })
                    .collect();
                RgbImage::from_raw(w, h, rgb)
            }
            (c, _) => {
                return Err(MlError::Image(format!(
                    "TIFF page {}: colour type {c:?} is not supported",
                    pages.len() + 1
                )));
            }
        }
        .ok_or_else(|| MlError::Image("TIFF page data is shorter than its size".into()))?;
        pages.push(page(rgb, dpi)?);
        if !dec.more_images() || pages.len() >= MAX_TIFF_PAGES {
            break;
        }
        dec.next_image().map_err(err)?;
    }
    Ok(pages)
}

fn gray_to_rgb(w: u32, h: u32, px: impl Iterator<Item = u8>, invert: bool) -> Option<RgbImage> {
    let v: Vec<u8> = px
        .map(|g| if invert { 255 - g } else { g })
        .flat_map(|g| [g, g, g])
        .collect();
    RgbImage::from_raw(w, h, v)
}

fn tiff_dpi<R: std::io::Read + std::io::Seek>(dec: &mut tiff::decoder::Decoder<R>) -> Option<f32> {
    use tiff::decoder::ifd::Value;
    use tiff::tags::Tag;
    let x = match dec.find_tag(Tag::XResolution).ok()?? {
        Value::Rational(n, d) if d > 0 => n as f32 / d as f32,
        Value::Float(f) => f,
        Value::Double(f) => f as f32,
        Value::Short(v) => f32::from(v),
        Value::Unsigned(v) => v as f32,
        _ => return None,
    };
    // ResolutionUnit: 2 = inch (default), 3 = centimetre, 1 = none.
    match dec
        .find_tag_unsigned::<u16>(Tag::ResolutionUnit)
        .ok()
        .flatten()
    {
        Some(3) => Some(x * 2.54),
        Some(1) => None,
        _ => Some(x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb};

    /// A 40 × 20 image, left half black, right half white.
    fn half_black() -> RgbImage {
        RgbImage::from_fn(40, 20, |x, _| {
            if x < 20 {
                Rgb([0, 0, 0])
            } else {
                Rgb([255, 255, 255])
            }
        })
    }

    fn jpeg(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
            .encode_image(img)
            .unwrap();
        out
    }

    /// Inserts an EXIF APP1 segment with only the Orientation tag right after SOI.
    fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"II*\0");
        tiff.extend_from_slice(&8u32.to_le_bytes()); // IFD0 offset
        tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
        tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
        tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
        tiff.extend_from_slice(&1u32.to_le_bytes()); // count
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    fn dark(p: &Rgb<u8>) -> bool {
        p.0[0] < 128
    }

    #[test]
    fn jpeg_exif_orientation_is_applied() {
        let plain = jpeg(&half_black());
        let p = decode(&plain, FileKind::Jpeg).unwrap();
        assert_eq!(p[0].image.dimensions(), (40, 20));
        // 6 = "rotate 90° clockwise to view": the left (black) half ends up on top.
        let p = decode(&with_exif_orientation(&plain, 6), FileKind::Jpeg).unwrap();
        let img = &p[0].image;
        assert_eq!(img.dimensions(), (20, 40));
        assert!(dark(img.get_pixel(10, 5)) && !dark(img.get_pixel(10, 35)));
        // 3 = 180°: black on the right.
        let p = decode(&with_exif_orientation(&plain, 3), FileKind::Jpeg).unwrap();
        assert!(dark(p[0].image.get_pixel(35, 10)) && !dark(p[0].image.get_pixel(5, 10)));
        // 8 = 90° counter-clockwise: black at the bottom.
        let p = decode(&with_exif_orientation(&plain, 8), FileKind::Jpeg).unwrap();
        assert!(dark(p[0].image.get_pixel(10, 35)) && !dark(p[0].image.get_pixel(10, 5)));
    }

    #[test]
    fn resolution_comes_from_the_file_or_an_a4_assumption() {
        // The encoder writes JFIF with density 1:1 (no unit): assume A4 width.
        let p = decode(&jpeg(&half_black()), FileKind::Jpeg).unwrap();
        assert_eq!(p[0].dpi, 72.0, "tiny images clamp to 72 dpi");
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(
                RgbImage::new(1654, 20).as_raw(),
                1654,
                20,
                image::ExtendedColorType::Rgb8,
            )
            .map(|_| ())
            .unwrap();
        let p = decode(&png, FileKind::Png).unwrap();
        assert!(
            (p[0].dpi - 72.0).abs() < 0.01,
            "short side 20 px: {}",
            p[0].dpi
        );
        // pHYs of 7874 px/m = 200 dpi, inserted before IDAT.
        let mut chunk = Vec::new();
        chunk.extend_from_slice(&9u32.to_be_bytes());
        chunk.extend_from_slice(b"pHYs");
        chunk.extend_from_slice(&7874u32.to_be_bytes());
        chunk.extend_from_slice(&7874u32.to_be_bytes());
        chunk.push(1);
        chunk.extend_from_slice(&[0, 0, 0, 0]); // CRC (not checked by png_dpi)
        let ihdr_end = 8 + 8 + 13 + 4;
        let with = [&png[..ihdr_end], &chunk, &png[ihdr_end..]].concat();
        assert!((png_dpi(&with).unwrap() - 200.0).abs() < 0.1);
    }

    #[test]
    fn multi_page_tiff_gives_every_page_with_its_resolution() {
        use tiff::encoder::{Rational, TiffEncoder, colortype};
        let mut buf = Cursor::new(Vec::new());
        {
            let mut enc = TiffEncoder::new(&mut buf).unwrap();
            for shade in [0u8, 128, 255] {
                let data = vec![shade; 30 * 10];
                let mut im = enc.new_image::<colortype::Gray8>(30, 10).unwrap();
                im.resolution(tiff::tags::ResolutionUnit::Inch, Rational { n: 300, d: 1 });
                im.write_data(&data).unwrap();
            }
        }
        let pages = decode(buf.get_ref(), FileKind::Tiff).unwrap();
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[1].image.get_pixel(3, 3).0, [128, 128, 128]);
        assert!(pages.iter().all(|p| p.dpi == 300.0));
        assert!(decode(&buf.get_ref()[..40], FileKind::Tiff).is_err());
    }

    #[test]
    fn corrupt_images_are_errors_not_panics() {
        for kind in [FileKind::Png, FileKind::Jpeg, FileKind::Tiff] {
            assert!(decode(b"\x89PNG\r\n\x1a\nxx", kind).is_err());
            assert!(decode(&[], kind).is_err());
        }
        assert!(decode(b"<x/>", FileKind::Xml).is_err());
    }
}
