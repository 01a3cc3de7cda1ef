//! Where a value came from: page, box, source words, source kind, producer and version.

use serde::{Deserialize, Serialize};

use crate::document::WordIndex;
use crate::geometry::BBox;

/// The kind of evidence a value rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// Words from a PDF's text layer.
    TextLayer,
    /// Words recognised by OCR from a page image.
    Ocr,
    /// A value read from an e-invoice XML (standalone or embedded in a PDF): exact.
    EInvoiceXml,
    /// Typed or chosen by a person.
    User,
    /// Produced from what was learned from earlier corrections.
    Learned,
    /// Derived by arithmetic from other values (e.g. net = gross − VAT).
    Derived,
}

impl SourceKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            SourceKind::TextLayer => "text-layer",
            SourceKind::Ocr => "ocr",
            SourceKind::EInvoiceXml => "e-invoice-xml",
            SourceKind::User => "user",
            SourceKind::Learned => "learned",
            SourceKind::Derived => "derived",
        }
    }
}

/// Who produced a value: a rule set or a model, with its version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Producer {
    /// E.g. `rules.label-value`, `einvoice.cii`, `model.extractor`.
    pub name: String,
    pub version: String,
}

impl Producer {
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
        }
    }
}

/// The full story of one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub source: SourceKind,
    /// Zero-based page; `None` for values without a place on a page (e.g. XML-only).
    pub page: Option<u32>,
    /// Box of the value on the page, in page space.
    pub bbox: Option<BBox>,
    /// Indices of the words on `page` that carry the value.
    pub words: Vec<WordIndex>,
    /// The text as it stood in the source (before parsing), or the XML path for e-invoices.
    pub raw: String,
    pub producer: Producer,
    /// Human explanation: which label, which pattern, which rule.
    pub explanation: String,
}

impl Provenance {
    /// Provenance of a value read from e-invoice XML at `path` (XPath-like, for the "why" panel).
    pub fn xml(path: &str, raw: &str, producer: Producer) -> Self {
        Self {
            source: SourceKind::EInvoiceXml,
            page: None,
            bbox: None,
            words: Vec::new(),
            raw: raw.to_owned(),
            producer,
            explanation: format!("read from e-invoice XML at {path}"),
        }
    }
}
