//! Stage 2 — preprocessing: text-layer words and lines, embedded e-invoice XML, standalone
//! e-invoices, and detection of pages without a usable text layer (they need OCR).
//!
//! Page images are rendered on demand by [`sapllm_document::pdf::PdfEngine::render_page`]
//! (the review screen and OCR ask for them); nothing is rendered here for digital pages.

use sapllm_core::{FileKind, Finding, Page, Severity, Stage};
use sapllm_document::DocumentError;
use sapllm_document::einvoice::{self, EInvoice};
use sapllm_document::pdf::{PdfContent, PdfEngine};

/// Reads PDFs. The real implementation is PDFium; tests may use fakes.
pub trait PdfReader: Send + Sync {
    fn read_pdf(&self, bytes: &[u8]) -> Result<PdfContent, DocumentError>;
}

impl PdfReader for PdfEngine {
    fn read_pdf(&self, bytes: &[u8]) -> Result<PdfContent, DocumentError> {
        self.read(bytes)
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
    let content = reader.read_pdf(bytes)?;
    let mut findings = Vec::new();
    let needs_ocr: Vec<u32> = content
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

    // A page without text matters only when nothing exact replaces it.
    if !needs_ocr.is_empty() && einvoice.is_none() {
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
            "{what}; OCR is needed for page(s) {} and is not available yet",
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
