//! The seam between the pipeline and OCR: [`TextRecognizer`] turns a page image into words in
//! page space. The ONNX engine implements it; tests use fakes.

use image::RgbImage;
use sapllm_core::{BBox, Line, Page, SourceKind, Word};

use crate::MlError;

/// Points per inch: page space is in PDF points (see `sapllm_core::geometry`).
pub const POINTS_PER_INCH: f32 = 72.0;

/// A page image with its resolution.
#[derive(Debug, Clone)]
pub struct PageImage {
    pub image: RgbImage,
    /// Pixels per inch (from the file, from the renderer, or estimated; see `input`).
    pub dpi: f32,
}

/// What OCR read from one page image.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrPage {
    /// Words in page space: points, origin top-left, y down, in the frame of the upright and
    /// deskewed page (see `orientation` and `skew_degrees`; [`OcrPage::into_page`] maps them
    /// back onto the page as given).
    pub words: Vec<Word>,
    /// Page size in points after turning it upright.
    pub width: f32,
    pub height: f32,
    /// Clockwise rotation (0, 90, 180, 270) that was applied to make the page upright.
    pub orientation: u16,
    /// Rotation in degrees (counter-clockwise positive) that was removed by deskewing.
    pub skew_degrees: f32,
}

impl OcrPage {
    /// The page as the pipeline sees it: words, lines (same grouping as text-layer words),
    /// `text_source = Ocr`, boxes in the upright, deskewed frame.
    ///
    /// Extraction reasons about geometry (a value right of or below its label, table
    /// columns), which holds only where lines are horizontal: with boxes mapped back onto a
    /// scan skewed by 1–3°, header micro-F1 on the scanned gallery fell from 0.95 to 0.89
    /// (fields on pages skewed ≥ 1° wrong 4× as often). Overlays on the original page use
    /// [`OcrPage::into_page_as_given`] / [`OcrPage::box_to_original`].
    pub fn into_page(self, index: u32) -> Page {
        let lines = sapllm_document::layout::lines_from_words(&self.words);
        Page {
            index,
            width: self.width,
            height: self.height,
            text_source: SourceKind::Ocr,
            words: self.words,
            lines,
        }
    }

    /// The page with words and lines in the convention of text-layer words on the page as it
    /// was given — points, top-left, before turning and deskewing — so boxes drawn over the
    /// rendered original land on the ink.
    ///
    /// Lines are grouped in the upright, deskewed frame (where a line is horizontal) and keep
    /// that reading order; only the boxes are mapped back.
    pub fn into_page_as_given(self, index: u32) -> Page {
        let upright = sapllm_document::layout::lines_from_words(&self.words);
        let (width, height) = self.original_size();
        let words: Vec<Word> = self
            .words
            .iter()
            .map(|w| Word {
                text: w.text.clone(),
                bbox: self.box_to_original(&w.bbox),
                confidence: w.confidence,
            })
            .collect();
        let lines = upright
            .into_iter()
            .map(|l| {
                let bbox = l
                    .words
                    .iter()
                    .filter_map(|&i| words.get(i as usize))
                    .map(|w| w.bbox)
                    .reduce(|a, b| a.union(&b))
                    .unwrap_or(l.bbox);
                Line {
                    words: l.words,
                    bbox,
                }
            })
            .collect();
        Page {
            index,
            width,
            height,
            text_source: SourceKind::Ocr,
            words,
            lines,
        }
    }

    /// Size in points of the page as it was given (width and height swap for quarter turns).
    pub fn original_size(&self) -> (f32, f32) {
        match self.orientation {
            90 | 270 => (self.height, self.width),
            _ => (self.width, self.height),
        }
    }

    /// A point of the upright, deskewed frame (points) on the page as it was given.
    pub fn to_original(&self, x: f32, y: f32) -> (f32, f32) {
        // Undo the deskew: the upright frame is the turned page rotated by −skew about its
        // centre (see `deskew::source_point`).
        let (s, c) = (-self.skew_degrees).to_radians().sin_cos();
        let (cx, cy) = (self.width / 2.0, self.height / 2.0);
        let (dx, dy) = (x - cx, y - cy);
        let (tx, ty) = (c * dx - s * dy + cx, s * dx + c * dy + cy);
        // Undo the turn (the inverse of `imageops::rotate270/180/90` for 90/180/270).
        let (w, h) = (self.width, self.height);
        match self.orientation {
            90 => (h - ty, tx),
            180 => (w - tx, h - ty),
            270 => (ty, w - tx),
            _ => (tx, ty),
        }
    }

    /// Axis-aligned bounds of a box of the upright frame on the page as it was given.
    pub fn box_to_original(&self, b: &BBox) -> BBox {
        if self.orientation == 0 && self.skew_degrees == 0.0 {
            return *b;
        }
        let pts = [(b.x0, b.y0), (b.x1, b.y0), (b.x1, b.y1), (b.x0, b.y1)]
            .map(|(x, y)| self.to_original(x, y));
        let xs = pts.map(|p| p.0);
        let ys = pts.map(|p| p.1);
        BBox::new(
            xs.iter().copied().fold(f32::MAX, f32::min),
            ys.iter().copied().fold(f32::MAX, f32::min),
            xs.iter().copied().fold(f32::MIN, f32::max),
            ys.iter().copied().fold(f32::MIN, f32::max),
        )
    }
}

/// Reads the words of a page image.
pub trait TextRecognizer: Send + Sync {
    /// Model identity and version, recorded in results (`DocumentResult::versions`).
    fn name(&self) -> String;

    /// Recognises the words of `image` (a page scanned or rendered at `dpi`). `page_index` is
    /// for logs and errors only.
    fn recognize(&self, image: &RgbImage, dpi: f32, page_index: u32) -> Result<OcrPage, MlError>;
}

/// A pixel box (x right, y down, origin top-left of the image) in page space: ×72/dpi.
pub fn pixels_to_points(x0: f32, y0: f32, x1: f32, y1: f32, dpi: f32) -> BBox {
    let s = POINTS_PER_INCH / dpi.max(1.0);
    BBox::new(x0 * s, y0 * s, x1 * s, y1 * s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_become_points_with_the_origin_kept_top_left() {
        // 200 dpi: 200 px = 1 inch = 72 pt.
        let b = pixels_to_points(200.0, 400.0, 300.0, 450.0, 200.0);
        let want = BBox::new(72.0, 144.0, 108.0, 162.0);
        for (got, want) in [
            (b.x0, want.x0),
            (b.y0, want.y0),
            (b.x1, want.x1),
            (b.y1, want.y1),
        ] {
            assert!((got - want).abs() < 1e-3, "{b:?}");
        }
        // A4 at 200 dpi is 1654 × 2339 px ≈ 595.4 × 842.0 pt.
        let page = pixels_to_points(0.0, 0.0, 1654.0, 2339.0, 200.0);
        assert!((page.width() - 595.44).abs() < 0.1 && (page.height() - 842.04).abs() < 0.1);
    }

    #[test]
    fn an_ocr_page_becomes_a_pipeline_page_with_lines() {
        let w = |t: &str, x: f32, y: f32| Word {
            text: t.into(),
            bbox: BBox::new(x, y, x + 30.0, y + 10.0),
            confidence: 0.9,
        };
        let p = OcrPage {
            words: vec![
                w("Summe", 300.0, 100.0),
                w("Rechnung", 40.0, 50.0),
                w("119,00", 340.0, 101.0),
            ],
            width: 595.0,
            height: 842.0,
            orientation: 0,
            skew_degrees: 0.0,
        }
        .into_page(2);
        assert_eq!(p.index, 2);
        assert_eq!(p.text_source, SourceKind::Ocr);
        assert_eq!(p.text(), "Rechnung\nSumme 119,00");
    }
}
