//! The eight pipeline stages, one module each, and the [`pipeline::Pipeline`] that runs them.
//!
//! 1. [`inbox`]: content hash, size limits, type sniffing, dedup against the store;
//! 2. [`preprocessing`]: text-layer words and lines, embedded e-invoice XML, "needs OCR";
//! 3. [`classification`]: document type;
//! 4. [`type_identification`]: invoice subtype with evidence;
//! 5. [`extraction`]: header fields and line items from scored candidates (the
//!    [`extraction::FieldExtractor`] trait is the seam for trained models); exact e-invoice
//!    values are placed on the printed page by [`locate`];
//! 6. [`quality_check`]: completeness, confidence, arithmetic self-correction;
//! 7. [`validation`]: business rules ([`checks`]) and duplicates;
//! 8. [`routing`]: auto-approve candidate, review or reject, with every reason.
//!
//! The store is reached only through [`prior::PriorDocuments`]; PDFs only through
//! [`preprocessing::PdfReader`]. Nothing here knows SQL, Tauri or JSON transport.

pub mod checks;
pub mod classification;
pub mod config;
pub mod doc_features;
pub mod extraction;
pub mod inbox;
pub mod learned;
pub mod locate;
pub mod pipeline;
pub mod preprocessing;
pub mod prior;
pub mod quality_check;
pub mod revalidate;
pub mod routing;
mod text;
pub mod type_identification;
pub mod validation;

#[cfg(test)]
mod test_pages;

/// Errors of the pipeline crate outside a document's processing (those are
/// [`pipeline::Failure`]s).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    #[error("configuration: {0}")]
    Config(String),
}
