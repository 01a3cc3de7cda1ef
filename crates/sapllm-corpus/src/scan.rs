//! Scanned variants of the digital PDFs the generator writes.
//!
//! Each page of the digital PDF is rendered through PDFium (the renderer the product reads
//! with, so glyph shapes, anti-aliasing and hinting are those of real fonts) at 150–300 dpi,
//! then made to look scanned: skew within ±3°, blur, noise, lowered contrast (grey ink on grey
//! paper), and JPEG artefacts from storing it at quality 35–70. Everything is drawn from the
//! caller's [`Rng`], so a seed gives the same scans on every run of the same PDFium build.
//!
//! A scan keeps the ground truth of its digital original; [`ScanReference`] carries the
//! original's text layer as the reference for character error rates (`X.ocr.txt`: pages in
//! reading order separated by form feeds; `X.ocr.tsv`: the words with their boxes in points).

use image::{GrayImage, Luma, RgbImage, imageops};
use sapllm_document::pdf::PdfEngine;

use crate::CorpusError;
use crate::pdf::{Info, JpegImage, Page, PdfDocument};
use crate::rng::Rng;

/// Resolutions a scanner is set to (dpi).
pub const DPIS: [f32; 3] = [150.0, 200.0, 300.0];

/// How one page is degraded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanLook {
    /// Rotation of the sheet on the glass, degrees counter-clockwise.
    pub skew_degrees: f32,
    /// Gaussian blur sigma in pixels (0: none).
    pub blur_sigma: f32,
    /// Standard deviation of additive noise, grey levels.
    pub noise: f32,
    /// Grey level of black ink and of white paper after the contrast change.
    pub ink: u8,
    pub paper: u8,
    /// JPEG quality the page is stored with.
    pub jpeg_quality: u8,
}

impl ScanLook {
    /// A look drawn from `rng`: skew within ±3°, mild blur on most pages, noise, lowered
    /// contrast, JPEG quality 35–70.
    pub fn random(rng: &mut Rng) -> Self {
        let mut range = |lo: f32, hi: f32| lo + (hi - lo) * rng.unit_f32();
        let skew_degrees = range(-3.0, 3.0);
        let blurred = range(0.0, 1.0) < 0.6;
        let blur_sigma = if blurred { range(0.4, 1.0) } else { 0.0 };
        Self {
            skew_degrees,
            blur_sigma,
            noise: range(3.0, 12.0),
            ink: range(20.0, 80.0) as u8,
            paper: range(200.0, 245.0) as u8,
            jpeg_quality: range(35.0, 70.0) as u8,
        }
    }
}

/// Applies `look` to a clean page render and returns it in grey.
pub fn degrade(page: &RgbImage, look: &ScanLook, rng: &mut Rng) -> GrayImage {
    let mut gray = imageops::grayscale(page);
    if look.skew_degrees.abs() > 0.01 {
        gray = rotate(&gray, look.skew_degrees);
    }
    if look.blur_sigma > 0.0 {
        gray = imageops::blur(&gray, look.blur_sigma);
    }
    let (ink, paper) = (f32::from(look.ink), f32::from(look.paper));
    for p in gray.pixels_mut() {
        let v = f32::from(p.0[0]) / 255.0;
        let g = ink + (paper - ink) * v + normal(rng) * look.noise;
        *p = Luma([g.round().clamp(0.0, 255.0) as u8]);
    }
    gray
}

/// Roughly normal (sum of four uniforms), mean 0, standard deviation 1.
fn normal(rng: &mut Rng) -> f32 {
    ((rng.unit_f32() + rng.unit_f32() + rng.unit_f32() + rng.unit_f32()) - 2.0) * 1.732
}

/// Rotates by `degrees` counter-clockwise about the centre, bilinear, white outside.
pub fn rotate(img: &GrayImage, degrees: f32) -> GrayImage {
    sapllm_document::raster::rotate(img, degrees, Luma([255]))
}

/// Baseline JPEG of a grey image, with its resolution in the JFIF header.
pub fn to_jpeg(img: &GrayImage, quality: u8, dpi: f32) -> Result<Vec<u8>, CorpusError> {
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(dpi.round() as u16));
    enc.encode_image(img)?;
    Ok(out)
}

/// PNG of a grey image with its resolution in a `pHYs` chunk (pixels per metre), so readers
/// size the page right.
pub fn to_png(img: &GrayImage, dpi: f32) -> Result<Vec<u8>, CorpusError> {
    use image::ImageEncoder;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png).write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::L8,
    )?;
    // pHYs goes before the first IDAT; IHDR (8-byte signature + 25-byte chunk) comes first.
    let ppm = (dpi / 0.0254).round() as u32;
    let mut body = b"pHYs".to_vec();
    body.extend_from_slice(&ppm.to_be_bytes());
    body.extend_from_slice(&ppm.to_be_bytes());
    body.push(1); // unit: metre
    let mut chunk = 9u32.to_be_bytes().to_vec();
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc32(&body).to_be_bytes());
    let at = 8 + 25;
    png.splice(at..at, chunk);
    Ok(png)
}

/// CRC-32 (IEEE), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The file format a scan is delivered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    /// Image-only PDF, one JPEG per page (what scanners and multi-function printers send).
    Pdf,
    /// One page as PNG or JPEG (phones, single-page scans).
    Png,
    Jpeg,
}

impl ScanFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ScanFormat::Pdf => "pdf",
            ScanFormat::Png => "png",
            ScanFormat::Jpeg => "jpg",
        }
    }
}

/// One scanned page: how it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct ScannedPage {
    pub look: ScanLook,
}

/// The text layer of the digital original, the reference a scan's OCR is measured against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanReference {
    /// Per page, the text in reading order (the pipeline's line grouping).
    pub pages: Vec<String>,
    /// `page\tx0\ty0\tx1\ty1\ttext` rows (points, top-left origin) with a header line.
    pub tsv: String,
}

impl ScanReference {
    /// `X.ocr.txt`: pages separated by a form feed on its own line.
    pub fn text(&self) -> String {
        self.pages.join("\n\u{c}\n")
    }
}

/// A scanned variant of one digital PDF.
#[derive(Debug, Clone)]
pub struct Scan {
    pub format: ScanFormat,
    pub bytes: Vec<u8>,
    pub dpi: f32,
    pub pages: Vec<ScannedPage>,
    pub reference: ScanReference,
}

/// Scans the digital PDF `pdf`: every page rendered through PDFium at one resolution drawn
/// from [`DPIS`], degraded with its own [`ScanLook`]. A one-page document comes as a PNG or
/// JPEG file when `allow_images` and the draw say so; otherwise as an image-only PDF of the
/// same page sizes. `info` is written into the PDF's information dictionary.
pub fn scan_pdf(
    pdf: &[u8],
    rng: &mut Rng,
    allow_images: bool,
    info: Info,
) -> Result<Scan, CorpusError> {
    let engine = PdfEngine::global(None).map_err(|e| CorpusError::Render(e.to_string()))?;
    let content = engine
        .read(pdf)
        .map_err(|e| CorpusError::Render(e.to_string()))?;
    let dpi = *rng.pick(&DPIS);
    let mut reference = ScanReference {
        tsv: String::from("page\tx0\ty0\tx1\ty1\ttext\n"),
        ..ScanReference::default()
    };
    let mut grays = Vec::new();
    let mut pages = Vec::new();
    for page in &content.pages {
        let clean = engine
            .render_page(pdf, page.index, dpi)
            .map_err(|e| CorpusError::Render(e.to_string()))?;
        let look = ScanLook::random(rng);
        grays.push(degrade(&clean, &look, rng));
        pages.push(ScannedPage { look });
        reference
            .pages
            .push(sapllm_document::layout::reading_text(&page.words));
        for w in &page.words {
            reference.tsv.push_str(&format!(
                "{}\t{:.2}\t{:.2}\t{:.2}\t{:.2}\t{}\n",
                page.index, w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1, w.text
            ));
        }
    }
    let format = match (allow_images && grays.len() == 1, rng.below(3)) {
        (true, 1) => ScanFormat::Png,
        (true, 2) => ScanFormat::Jpeg,
        _ => ScanFormat::Pdf,
    };
    let bytes = match format {
        ScanFormat::Png => to_png(&grays[0], dpi)?,
        ScanFormat::Jpeg => to_jpeg(&grays[0], pages[0].look.jpeg_quality, dpi)?,
        ScanFormat::Pdf => {
            let mut out = Vec::new();
            for ((gray, made), page) in grays.iter().zip(&pages).zip(&content.pages) {
                let mut scanned = Page {
                    width: page.width,
                    height: page.height,
                    ops: Vec::new(),
                };
                scanned.image(
                    JpegImage {
                        width: gray.width(),
                        height: gray.height(),
                        grayscale: true,
                        data: to_jpeg(gray, made.look.jpeg_quality, dpi)?,
                    },
                    0.0,
                    0.0,
                    page.width,
                    page.height,
                );
                out.push(scanned);
            }
            PdfDocument {
                info,
                pages: out,
                ..PdfDocument::default()
            }
            .to_bytes()
        }
    };
    Ok(Scan {
        format,
        bytes,
        dpi,
        pages,
        reference,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripes() -> RgbImage {
        RgbImage::from_fn(120, 80, |x, _| {
            if (x / 10) % 2 == 0 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        })
    }

    #[test]
    fn degradation_is_deterministic_and_changes_the_page() {
        let look = ScanLook::random(&mut Rng::new(7));
        assert!(look.skew_degrees.abs() <= 3.0 && look.paper > look.ink);
        assert!((35..=70).contains(&look.jpeg_quality));
        let a = degrade(&stripes(), &look, &mut Rng::new(1));
        let b = degrade(&stripes(), &look, &mut Rng::new(1));
        assert_eq!(a, b);
        let white = a.get_pixel(15, 40).0[0];
        assert!(white > 150 && white < 255, "paper is greyed: {white}");
    }

    #[test]
    fn images_carry_their_resolution() {
        let g = degrade(
            &stripes(),
            &ScanLook::random(&mut Rng::new(3)),
            &mut Rng::new(3),
        );
        let png = to_png(&g, 200.0).unwrap();
        let decoded = image::load_from_memory(&png).expect("a valid PNG with the pHYs chunk");
        assert_eq!(decoded.width(), 120);
        let at = png.windows(4).position(|w| w == b"pHYs").unwrap();
        let ppm = u32::from_be_bytes(png[at + 4..at + 8].try_into().unwrap());
        assert_eq!(ppm, 7874, "200 dpi in pixels per metre");
        assert_eq!(
            crc32(b"IEND"),
            0xAE42_6082,
            "the CRC every PNG's IEND carries"
        );
        let jpeg = to_jpeg(&g, 50, 300.0).unwrap();
        // JFIF APP0: units 1 (dpi), then x and y density.
        let at = jpeg.windows(5).position(|w| w == b"JFIF\0").unwrap();
        assert_eq!(jpeg[at + 7], 1);
        assert_eq!(u16::from_be_bytes([jpeg[at + 8], jpeg[at + 9]]), 300);
    }

    #[test]
    fn rotation_keeps_the_centre_and_turns_a_bar() {
        // A horizontal bar through the centre turns into a slanted one.
        let img = GrayImage::from_fn(200, 200, |_, y| {
            Luma([if (95..105).contains(&y) { 0 } else { 255 }])
        });
        let r = rotate(&img, 10.0);
        assert!(r.get_pixel(100, 100).0[0] < 60, "centre stays ink");
        // 10° ccw: at x = 180 (80 px right of centre) the bar has risen about 14 px.
        assert!(r.get_pixel(180, 86).0[0] < 100);
        assert!(r.get_pixel(180, 100).0[0] > 150);
    }
}
