//! Domain types of SAP_LLM Desktop.
//!
//! Everything the pipeline, the store, the API and the UI agree on lives here: documents as
//! read (pages, words and lines with boxes in one coordinate convention, see [`geometry`]),
//! field keys of the ground-truth format with their EN 16931 terms, typed values (money is
//! `Decimal`, dates are `NaiveDate`), provenance of every value, and the decisions of the
//! stages with their reasons. No IO, no SQL, no transport.

pub mod correction;
pub mod document;
pub mod field;
pub mod geometry;
pub mod identity;
pub mod provenance;
pub mod result;
pub mod value;

pub use correction::{Correction, CorrectionSource, CorrectionTarget};
pub use document::{ContentHash, FileKind, Line, Page, TextLayerStatus, Word, WordIndex};
pub use field::{DocType, FieldKey, InvoiceSubtype, LineKey, ValueKind};
pub use geometry::BBox;
pub use provenance::{Producer, Provenance, SourceKind};
pub use result::{
    Candidate, Cell, Classified, Confidence, DocumentResult, ExtractedField, Finding, LineItem,
    Route, Severity, Stage, StageTimings, VatBreakdown, Versions,
};
pub use value::{DecimalExt, FieldValue, Normalisation};

/// Errors of the domain layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    #[error("unknown {kind} name '{name}'")]
    UnknownName { kind: &'static str, name: String },
}
