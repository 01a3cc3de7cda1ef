//! Stage 2 — preprocessing: text-layer words and lines, embedded e-invoice XML, standalone
//! e-invoices, and OCR of what has no usable text layer.
//!
//! Pages with a usable text layer are taken as they are; nothing is rendered for them. Pages
//! without one (scans, image-only PDFs, the scanned pages of a hybrid PDF) and image files
//! (PNG, JPEG, TIFF) are read by the reader's OCR engine when it has one: PDF pages are
//! rendered at [`OCR_DPI`], words come back in page space with `text_source = Ocr` and their
//! recogniser confidence. Without an OCR engine, or when OCR fails, such pages are reported
//! with the finding `needs_ocr` (routed to review), as before.

use std::sync::Arc;

use sapllm_core::{FileKind, Finding, Page, Severity, Stage};
use sapllm_document::DocumentError;
use sapllm_document::einvoice::{self, EInvoice};
use sapllm_document::pdf::{PdfContent, PdfEngine};
use sapllm_ml::TextRecognizer;

/// Resolution at which PDF pages without a text layer are rendered for OCR.
pub const OCR_DPI: f32 = 200.0;

/// Reads documents: PDFs (text layer, attachments), page rendering and OCR. The real
/// implementation is PDFium plus the ONNX OCR engine; tests may use fakes. Rendering and OCR
/// have defaults that say "not available", so a reader without them keeps the old behaviour.
pub trait PdfReader: Send + Sync {
    fn read_pdf(&self, bytes: &[u8]) -> Result<PdfContent, DocumentError>;

    /// Renders one page at `dpi` (for OCR).
    fn render_page(
        &self,
        _bytes: &[u8],
        page_index: u32,
        _dpi: f32,
    ) -> Result<image::RgbImage, DocumentError> {
        Err(DocumentError::Engine(format!(
            "this reader cannot render page {}",
            page_index + 1
        )))
    }

    /// The OCR engine for pages without a usable text layer and for image files.
    fn ocr(&self) -> Option<&dyn TextRecognizer> {
        None
    }
}

impl PdfReader for PdfEngine {
    fn read_pdf(&self, bytes: &[u8]) -> Result<PdfContent, DocumentError> {
        self.read(bytes)
    }

    fn render_page(
        &self,
        bytes: &[u8],
        page_index: u32,
        dpi: f32,
    ) -> Result<image::RgbImage, DocumentError> {
        PdfEngine::render_page(self, bytes, page_index, dpi)
    }
}

/// A reader with OCR: reading is delegated to `reader`, rendering to `renderer` (by default
/// the same reader; a worker-process reader that cannot render uses an in-process one).
pub struct WithOcr {
    reader: Arc<dyn PdfReader>,
    renderer: Arc<dyn PdfReader>,
    ocr: Arc<dyn TextRecognizer>,
}

impl std::fmt::Debug for WithOcr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithOcr")
            .field("ocr", &self.ocr.name())
            .finish()
    }
}

impl WithOcr {
    pub fn new(reader: Arc<dyn PdfReader>, ocr: Arc<dyn TextRecognizer>) -> Self {
        Self {
            renderer: reader.clone(),
            reader,
            ocr,
        }
    }

    /// Renders pages with `renderer` instead of the reader.
    pub fn rendering_with(mut self, renderer: Arc<dyn PdfReader>) -> Self {
        self.renderer = renderer;
        self
    }
}

impl PdfReader for WithOcr {
    fn read_pdf(&self, bytes: &[u8]) -> Result<PdfContent, DocumentError> {
        self.reader.read_pdf(bytes)
    }

    fn render_page(
        &self,
        bytes: &[u8],
        page_index: u32,
        dpi: f32,
    ) -> Result<image::RgbImage, DocumentError> {
        self.renderer.render_page(bytes, page_index, dpi)
    }

    fn ocr(&self) -> Option<&dyn TextRecognizer> {
        Some(self.ocr.as_ref())
    }
}

/// Options of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PreprocessOptions {
    /// Ignore e-invoice XML embedded in PDFs and read the printed page only (evaluation of the
    /// visual path on e-invoice PDFs).
    pub ignore_embedded: bool,
}

/// A document ready for classification.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: FileKind,
    pub pages: Vec<Page>,
    /// Zero-based pages whose text layer is missing or unusable.
    pub needs_ocr: Vec<u32>,
    pub einvoice: Option<EInvoice>,
    /// The name of the embedded file the e-invoice came from (PDFs only).
    pub einvoice_source: Option<String>,
    pub findings: Vec<Finding>,
}

impl Prepared {
    pub fn page_count(&self) -> u32 {
        self.pages.len() as u32
    }
}

/// Names under which ZUGFeRD 1/2, Factur-X, XRechnung and Order-X embed their XML; other XML
/// attachments are still tried after these.
const EINVOICE_ATTACHMENT_NAMES: &[&str] = &[
    "factur-x.xml",
    "zugferd-invoice.xml",
    "xrechnung.xml",
    "order-x.xml",
    "zugferd_invoice.xml",
];

pub fn preprocess(
    bytes: &[u8],
    kind: FileKind,
    reader: &dyn PdfReader,
    options: PreprocessOptions,
) -> Result<Prepared, DocumentError> {
    match kind {
        FileKind::Pdf => preprocess_pdf(bytes, reader, options),
        FileKind::Xml => {
            let inv = einvoice::parse_einvoice(bytes)?;
            Ok(Prepared {
                kind,
                pages: Vec::new(),
                needs_ocr: Vec::new(),
                einvoice: Some(inv),
                einvoice_source: None,
                findings: Vec::new(),
            })
        }
        FileKind::Png | FileKind::Jpeg | FileKind::Tiff if reader.ocr().is_some() => {
            preprocess_image(bytes, kind, reader)
        }
        FileKind::Png | FileKind::Jpeg | FileKind::Tiff => {
            image_needs_ocr(bytes, kind)?;
            Ok(Prepared {
                kind,
                pages: Vec::new(),
                needs_ocr: vec![0],
                einvoice: None,
                einvoice_source: None,
                findings: vec![needs_ocr_finding("the document is an image", &[0])],
            })
        }
    }
}

/// An image file: every frame (TIFF pages) is OCR'd. An image that cannot be decoded fails the
/// document (`corrupt_image`); a page that OCR cannot read stays "needs OCR".
fn preprocess_image(
    bytes: &[u8],
    kind: FileKind,
    reader: &dyn PdfReader,
) -> Result<Prepared, DocumentError> {
    let images = sapllm_ml::input::decode(bytes, kind)
        .map_err(|e| DocumentError::CorruptImage(e.to_string()))?;
    let mut pages = Vec::with_capacity(images.len());
    let mut failed = Vec::new();
    for (i, img) in images.iter().enumerate() {
        let index = i as u32;
        match reader
            .ocr()
            .map(|o| o.recognize(&img.image, img.dpi, index))
        {
            Some(Ok(p)) => pages.push(with_label_words(p.into_page(index))),
            other => {
                let why = match other {
                    Some(Err(e)) => e.to_string(),
                    _ => "no OCR engine".to_owned(),
                };
                failed.push((index, why));
                let size = sapllm_ml::pixels_to_points(
                    0.0,
                    0.0,
                    img.image.width() as f32,
                    img.image.height() as f32,
                    img.dpi,
                );
                pages.push(Page {
                    index,
                    width: size.width(),
                    height: size.height(),
                    text_source: sapllm_core::SourceKind::Ocr,
                    words: Vec::new(),
                    lines: Vec::new(),
                });
            }
        }
    }
    let needs_ocr: Vec<u32> = failed.iter().map(|(i, _)| *i).collect();
    let mut findings = vec![ocr_used_finding(&pages, reader)];
    if !failed.is_empty() {
        findings.push(ocr_failed_finding(&failed));
    }
    Ok(Prepared {
        kind,
        pages,
        needs_ocr,
        einvoice: None,
        einvoice_source: None,
        findings,
    })
}

/// The `versions` entry of a document some of whose pages OCR read: component `ocr`, value
/// the recogniser's name (model, package version, short checksums of its files). `None` when
/// no page came from OCR, so digital documents do not depend on the OCR models' version.
pub fn ocr_version(prepared: &Prepared, reader: &dyn PdfReader) -> Option<(String, String)> {
    let ocr = reader.ocr()?;
    prepared
        .pages
        .iter()
        .any(|p| p.text_source == sapllm_core::SourceKind::Ocr && !p.words.is_empty())
        .then(|| ("ocr".to_owned(), ocr.name()))
}

/// OCR of the PDF pages listed in `needs_ocr`; returns the pages that could not be read.
fn ocr_pdf_pages(
    bytes: &[u8],
    pages: &mut [Page],
    needs_ocr: &[u32],
    reader: &dyn PdfReader,
    ocr: &dyn TextRecognizer,
) -> Vec<(u32, String)> {
    let mut failed = Vec::new();
    for &index in needs_ocr {
        let result = reader
            .render_page(bytes, index, OCR_DPI)
            .map_err(|e| e.to_string())
            .and_then(|img| {
                ocr.recognize(&img, OCR_DPI, index)
                    .map_err(|e| e.to_string())
            });
        match (result, pages.get_mut(index as usize)) {
            (Ok(p), Some(page)) => *page = with_label_words(p.into_page(index)),
            (Err(e), _) => failed.push((index, e)),
            (Ok(_), None) => failed.push((index, "no such page".into())),
        }
    }
    failed
}

/// Below this word confidence an OCR word one edit away from a label word is taken to be
/// that label word (a word the recogniser was sure of stays as read).
const LABEL_FIX_BELOW: f32 = 0.9;

/// Words of the extraction's label lexicon (folded: lower case, no diacritics) long enough
/// that one edit does not turn one into another by chance.
static LABEL_WORDS: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| {
        use sapllm_core::DocType;
        let mut words = std::collections::HashSet::new();
        for dt in [
            DocType::Invoice,
            DocType::PurchaseOrder,
            DocType::OrderConfirmation,
            DocType::DeliveryNote,
        ] {
            for label in &crate::extraction::lexicon::lexicon(dt).labels {
                for t in &label.tokens {
                    if t.chars().count() >= 5 && t.chars().all(char::is_alphabetic) {
                        words.insert(t.clone());
                    }
                }
            }
        }
        words
    });

/// Label words the recogniser misread by one character (`Fpcha de operación`, `Numer0 de
/// factura`, `Rechnng`) are put right, so the extraction finds the labels its values hang on.
/// Only unsure words (below [`LABEL_FIX_BELOW`]) of mostly letters, and only when exactly one
/// label word is one substitution or one missing character away; the word keeps its
/// confidence, so a value read from it stays unsure.
fn with_label_words(mut page: Page) -> Page {
    for w in &mut page.words {
        if w.confidence >= LABEL_FIX_BELOW {
            continue;
        }
        if let Some(fixed) = label_word_for(&w.text) {
            w.text = fixed;
        }
    }
    page
}

/// The label word `text` was meant to be, cased like `text`; `None` when it already is one,
/// is not mostly letters, or is not exactly one edit from exactly one label word.
fn label_word_for(text: &str) -> Option<String> {
    // Folded as the extraction folds page tokens; a word it would split is left alone.
    let [folded] = crate::extraction::view::normalise(text).try_into().ok()?;
    let n = folded.chars().count();
    let letters = folded.chars().filter(|c| c.is_alphabetic()).count();
    if n < 5 || letters + 1 < n || LABEL_WORDS.contains(&folded) {
        return None;
    }
    // The recogniser drops and confuses characters far more often than it invents them, and a
    // label word with one letter more is usually another real word (`Fornecimentos`, a name,
    // next to the label word `fornecimento`): only a word as long as a label word or one
    // character shorter is put right.
    // A digit in the word must be the one misread character, read for its look-alike letter
    // (`Numer0`); a word with any other digit (`Rechnung1`) is no misread label.
    let digit_at = folded.chars().position(|c| !c.is_alphabetic());
    let fits = |l: &str| match digit_at {
        None => true,
        Some(i) => {
            let (d, c) = (folded.chars().nth(i), l.chars().nth(i));
            l.chars().count() == n
                && matches!(
                    (d, c),
                    (Some('0'), Some('o')) | (Some('1'), Some('l' | 'i')) | (Some('5'), Some('s'))
                )
        }
    };
    let mut near = LABEL_WORDS.iter().filter(|l| {
        let m = l.chars().count();
        (m == n || m == n + 1) && one_edit(&folded, l) && fits(l)
    });
    let first = near.next()?;
    if near.next().is_some() {
        return None;
    }
    let upper = |c: char| c.is_uppercase();
    let mut out = String::new();
    if text.chars().filter(|c| c.is_alphabetic()).all(upper) {
        out = first.to_uppercase();
    } else if text.chars().next().is_some_and(upper) {
        let mut cs = first.chars();
        if let Some(c) = cs.next() {
            out.extend(c.to_uppercase());
            out.push_str(cs.as_str());
        }
    } else {
        out.clone_from(first);
    }
    Some(out)
}

/// Whether `a` and `b` are exactly one substitution, insertion or deletion apart.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            short
                .iter()
                .zip(long.iter())
                .filter(|(x, y)| x != y)
                .count()
                == 1
        }
        1 => {
            let i = short
                .iter()
                .zip(long.iter())
                .take_while(|(x, y)| x == y)
                .count();
            short[i..] == long[i + 1..]
        }
        _ => false,
    }
}

/// Which pages OCR read, with which model and how sure it was (for the "why" panel).
fn ocr_used_finding(pages: &[Page], reader: &dyn PdfReader) -> Finding {
    let ocr_pages: Vec<&Page> = pages
        .iter()
        .filter(|p| p.text_source == sapllm_core::SourceKind::Ocr && !p.words.is_empty())
        .collect();
    let words: usize = ocr_pages.iter().map(|p| p.words.len()).sum();
    let mean = if words == 0 {
        0.0
    } else {
        ocr_pages
            .iter()
            .flat_map(|p| p.words.iter().map(|w| w.confidence))
            .sum::<f32>()
            / words as f32
    };
    let list: Vec<String> = ocr_pages
        .iter()
        .map(|p| (p.index + 1).to_string())
        .collect();
    Finding::new(
        Stage::Preprocessing,
        "ocr_used",
        Severity::Info,
        format!(
            "page(s) {} read by OCR ({}): {words} words, mean word confidence {:.2}",
            if list.is_empty() {
                "-".to_owned()
            } else {
                list.join(", ")
            },
            reader.ocr().map(|o| o.name()).unwrap_or_default(),
            mean
        ),
    )
}

/// OCR was available but failed on some pages: they need a person (same code as without OCR,
/// so routing treats them alike), with the reason.
fn ocr_failed_finding(failed: &[(u32, String)]) -> Finding {
    let list: Vec<String> = failed.iter().map(|(p, _)| (p + 1).to_string()).collect();
    Finding::new(
        Stage::Preprocessing,
        "needs_ocr",
        Severity::Review,
        format!(
            "OCR failed on page(s) {}: {}",
            list.join(", "),
            failed.first().map(|(_, e)| e.as_str()).unwrap_or_default()
        ),
    )
}

/// Decodes the image header so that a corrupt image fails here with a clear reason, not later.
fn image_needs_ocr(bytes: &[u8], kind: FileKind) -> Result<(), DocumentError> {
    let format = match kind {
        FileKind::Png => image::ImageFormat::Png,
        FileKind::Jpeg => image::ImageFormat::Jpeg,
        _ => return Ok(()),
    };
    image::ImageReader::with_format(std::io::Cursor::new(bytes), format)
        .into_dimensions()
        .map(|_| ())
        .map_err(|e| DocumentError::CorruptImage(e.to_string()))
}

fn preprocess_pdf(
    bytes: &[u8],
    reader: &dyn PdfReader,
    options: PreprocessOptions,
) -> Result<Prepared, DocumentError> {
    let mut content = reader.read_pdf(bytes)?;
    let mut findings = Vec::new();
    let mut needs_ocr: Vec<u32> = content
        .usable_text
        .iter()
        .enumerate()
        .filter(|(_, usable)| !**usable)
        .map(|(i, _)| i as u32)
        .collect();

    let (mut einvoice, mut einvoice_source) = (None, None);
    if !options.ignore_embedded {
        match embedded_einvoice(&content) {
            Some((name, Ok(inv))) => {
                einvoice = Some(inv);
                einvoice_source = Some(name);
            }
            Some((name, Err(e))) => findings.push(Finding::new(
                Stage::Preprocessing,
                "embedded_xml_unreadable",
                Severity::Review,
                format!("the embedded e-invoice '{name}' cannot be used: {e}"),
            )),
            None => {}
        }
    }

    // OCR the pages without a usable text layer (also under an e-invoice: the words place its
    // exact values on the page for the review screen).
    if let (Some(ocr), false) = (reader.ocr(), needs_ocr.is_empty()) {
        let failed = ocr_pdf_pages(bytes, &mut content.pages, &needs_ocr, reader, ocr);
        findings.push(ocr_used_finding(&content.pages, reader));
        needs_ocr = failed.iter().map(|(i, _)| *i).collect();
        if !failed.is_empty() && einvoice.is_none() {
            findings.push(ocr_failed_finding(&failed));
        }
    }

    // A page without text matters only when nothing exact replaces it.
    if !needs_ocr.is_empty() && einvoice.is_none() && reader.ocr().is_none() {
        let what = if needs_ocr.len() == content.pages.len() {
            "no page has a usable text layer (a scan or an image-only PDF)".to_owned()
        } else {
            format!(
                "{} of {} pages have no usable text layer",
                needs_ocr.len(),
                content.pages.len()
            )
        };
        findings.push(needs_ocr_finding(&what, &needs_ocr));
    }
    Ok(Prepared {
        kind: FileKind::Pdf,
        pages: content.pages,
        needs_ocr,
        einvoice,
        einvoice_source,
        findings,
    })
}

fn needs_ocr_finding(what: &str, pages: &[u32]) -> Finding {
    let list: Vec<String> = pages.iter().map(|p| (p + 1).to_string()).collect();
    Finding::new(
        Stage::Preprocessing,
        "needs_ocr",
        Severity::Review,
        format!(
            "{what}; OCR is needed for page(s) {} and no OCR engine is configured \
             (`make setup` installs the OCR models)",
            list.join(", ")
        ),
    )
}

/// The first attachment that parses as an e-invoice: well-known names first, then any XML.
fn embedded_einvoice(content: &PdfContent) -> Option<(String, Result<EInvoice, DocumentError>)> {
    let mut order: Vec<&sapllm_document::pdf::Attachment> = content.attachments.iter().collect();
    order.sort_by_key(|a| {
        let lower = a.name.to_ascii_lowercase();
        !EINVOICE_ATTACHMENT_NAMES.contains(&lower.as_str())
    });
    let mut first_error = None;
    for a in order {
        if !a.name.to_ascii_lowercase().ends_with(".xml")
            && einvoice::sniff_xml_root(&a.bytes).is_none()
        {
            continue;
        }
        match einvoice::parse_einvoice(&a.bytes) {
            Ok(inv) => return Some((a.name.clone(), Ok(inv))),
            Err(e) => {
                if first_error.is_none() {
                    first_error = Some((a.name.clone(), Err(e)));
                }
            }
        }
    }
    // An XML attachment that is not an e-invoice (e.g. a delivery list) is not an error.
    first_error.filter(|(_, e)| !matches!(e, Err(DocumentError::NotAnEInvoice(_))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsure_label_words_one_edit_off_are_put_right() {
        // One substitution, insertion or deletion from a label word of the lexicon.
        assert_eq!(label_word_for("Fpcha").as_deref(), Some("Fecha"));
        assert_eq!(label_word_for("DATUN").as_deref(), Some("DATUM"));
        assert_eq!(label_word_for("rechnng").as_deref(), Some("rechnung"));
        // Already a label word, too short, a number, or nothing near: left as read.
        assert_eq!(label_word_for("Fecha"), None);
        assert_eq!(label_word_for("Dat"), None);
        assert_eq!(label_word_for("4711-2024"), None);
        assert_eq!(label_word_for("Lindgvist"), None);
        // A label word with a letter more is another word (a plural in a name): left.
        assert_eq!(label_word_for("Fornecimentos"), None);
        // A digit only as the look-alike of the letter it replaces.
        assert_eq!(label_word_for("Numer0").as_deref(), Some("Numero"));
        assert_eq!(label_word_for("Rechnung1"), None);
        assert!(one_edit("fecha", "fpcha") && one_edit("datum", "datumm"));
        assert!(!one_edit("fecha", "fecha") && !one_edit("fecha", "fpchb"));
        // Only unsure words change, and they keep their confidence.
        let word = |text: &str, confidence: f32| sapllm_core::Word {
            text: text.into(),
            bbox: sapllm_core::BBox::new(0.0, 0.0, 10.0, 10.0),
            confidence,
        };
        let page = with_label_words(Page {
            index: 0,
            width: 100.0,
            height: 100.0,
            text_source: sapllm_core::SourceKind::Ocr,
            words: vec![word("Fpcha", 0.6), word("Fpcha", 0.97)],
            lines: Vec::new(),
        });
        assert_eq!(page.words[0].text, "Fecha");
        assert_eq!(page.words[0].confidence, 0.6);
        assert_eq!(page.words[1].text, "Fpcha");
    }
    use sapllm_core::{BBox, SourceKind, Word};
    use sapllm_ml::{MlError, OcrPage};

    /// Reads every page as a fixed word; fails on images narrower than 20 px.
    struct FakeOcr;
    impl TextRecognizer for FakeOcr {
        fn name(&self) -> String {
            "ocr.fake/1".into()
        }
        fn recognize(
            &self,
            image: &image::RgbImage,
            dpi: f32,
            page_index: u32,
        ) -> Result<OcrPage, MlError> {
            if image.width() < 20 {
                return Err(MlError::Inference("too small".into()));
            }
            let size = sapllm_ml::pixels_to_points(
                0.0,
                0.0,
                image.width() as f32,
                image.height() as f32,
                dpi,
            );
            Ok(OcrPage {
                words: vec![Word {
                    text: format!("Rechnung{}", page_index + 1),
                    bbox: BBox::new(10.0, 10.0, 60.0, 20.0),
                    confidence: 0.8,
                }],
                width: size.width(),
                height: size.height(),
                orientation: 0,
                skew_degrees: 0.0,
            })
        }
    }

    /// A two-page PDF whose second page has no usable text layer; renders `width`-px pages.
    struct HybridPdf {
        width: u32,
    }
    impl PdfReader for HybridPdf {
        fn read_pdf(&self, _: &[u8]) -> Result<PdfContent, DocumentError> {
            let page = |index: u32, words: Vec<Word>| Page {
                index,
                width: 595.0,
                height: 842.0,
                text_source: SourceKind::TextLayer,
                lines: sapllm_document::layout::lines_from_words(&words),
                words,
            };
            Ok(PdfContent {
                pages: vec![
                    page(
                        0,
                        vec![Word {
                            text: "Digital".into(),
                            bbox: BBox::new(1.0, 1.0, 30.0, 9.0),
                            confidence: 1.0,
                        }],
                    ),
                    page(1, Vec::new()),
                ],
                usable_text: vec![true, false],
                attachments: Vec::new(),
            })
        }
        fn render_page(
            &self,
            _: &[u8],
            _: u32,
            dpi: f32,
        ) -> Result<image::RgbImage, DocumentError> {
            assert_eq!(dpi, OCR_DPI);
            Ok(image::RgbImage::new(self.width, 50))
        }
    }

    fn png() -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(100, 140, image::Rgb([255, 255, 255]))
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn images_are_read_by_ocr_when_an_engine_is_configured() {
        let with = WithOcr::new(Arc::new(HybridPdf { width: 100 }), Arc::new(FakeOcr));
        let p = preprocess(&png(), FileKind::Png, &with, PreprocessOptions::default()).unwrap();
        assert!(p.needs_ocr.is_empty());
        assert_eq!(p.pages.len(), 1);
        assert_eq!(p.pages[0].text_source, SourceKind::Ocr);
        assert_eq!(p.pages[0].text(), "Rechnung1");
        assert_eq!(p.pages[0].words[0].confidence, 0.8);
        assert!(p.findings.iter().all(|f| f.code != "needs_ocr"));
        assert!(
            p.findings
                .iter()
                .any(|f| f.code == "ocr_used" && f.message.contains("ocr.fake/1"))
        );

        // Without an engine: the old behaviour, review with reason needs_ocr.
        let without = HybridPdf { width: 100 };
        let p = preprocess(
            &png(),
            FileKind::Png,
            &without,
            PreprocessOptions::default(),
        )
        .unwrap();
        assert_eq!(p.needs_ocr, [0]);
        assert!(p.findings.iter().any(|f| f.code == "needs_ocr"));

        // A corrupt image fails the document with a clear reason.
        let e = preprocess(
            b"\x89PNG\r\n\x1a\nbroken",
            FileKind::Png,
            &with,
            PreprocessOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "corrupt_image");
    }

    #[test]
    fn only_the_pages_without_a_text_layer_of_a_hybrid_pdf_are_ocrd() {
        let with = WithOcr::new(Arc::new(HybridPdf { width: 100 }), Arc::new(FakeOcr));
        let p = preprocess(b"%PDF", FileKind::Pdf, &with, PreprocessOptions::default()).unwrap();
        assert!(p.needs_ocr.is_empty());
        assert_eq!(p.pages[0].text_source, SourceKind::TextLayer);
        assert_eq!(p.pages[0].text(), "Digital");
        assert_eq!(p.pages[1].text_source, SourceKind::Ocr);
        assert_eq!(p.pages[1].text(), "Rechnung2");
        assert!(p.findings.iter().all(|f| f.code != "needs_ocr"));

        // Without OCR the second page needs it, as before.
        let p = preprocess(
            b"%PDF",
            FileKind::Pdf,
            &HybridPdf { width: 100 },
            PreprocessOptions::default(),
        )
        .unwrap();
        assert_eq!(p.needs_ocr, [1]);
        assert!(p.findings.iter().any(|f| f.code == "needs_ocr"));
    }

    #[test]
    fn an_ocr_failure_keeps_the_page_for_review_with_the_reason() {
        let with = WithOcr::new(Arc::new(HybridPdf { width: 10 }), Arc::new(FakeOcr));
        let p = preprocess(b"%PDF", FileKind::Pdf, &with, PreprocessOptions::default()).unwrap();
        assert_eq!(p.needs_ocr, [1]);
        let f = p.findings.iter().find(|f| f.code == "needs_ocr").unwrap();
        assert!(
            f.message.contains("OCR failed on page(s) 2") && f.message.contains("too small"),
            "{}",
            f.message
        );
        assert_eq!(f.severity, Severity::Review);
    }
}
