//! Deterministic generator of synthetic business documents with ground truth, for testing and
//! evaluating the SAP_LLM Desktop pipeline.
//!
//! The crate builds everything itself so that output is byte-identical for a given seed on
//! every machine:
//!
//! - [`rng`]: SplitMix64, the only source of randomness.
//! - [`model`]: the document model (parties, lines, VAT groups, totals with the rounding rules
//!   of accounts payable) and [`model::generate`], which fills it from a [`model::DocSpec`];
//!   [`model::ids`] computes VAT IDs and IBANs with valid check digits for 15 countries.
//! - [`layout`]: fourteen hand-written layout families ([`layout::Family`]) and 28 composed
//!   ones ([`layout::recipes`]) in eight languages, built from shared blocks; rendering records
//!   which fields were printed and which words carry which label.
//! - [`dataset`]: the training/test corpus (`sapllm-corpus generate`): document mix, subtypes,
//!   per-document label synonyms and formats, the family split, scans, manifest.
//! - [`words`]: word-level labels (`<stem>.labels.json`, `sapllm-wordlabels/1`).
//! - [`pdf`]: a small PDF writer (standard-14 fonts with WinAnsi and AFM widths, graphics,
//!   rotation, JPEG images, embedded files as in ZUGFeRD/Factur-X, RC4 encryption with its own
//!   MD5 and RC4).
//! - [`scan`]: scanned variants of the digital PDFs, rendered through PDFium (the product's
//!   renderer) and degraded (skew, blur, noise, low contrast, JPEG), with the digital text
//!   layer as the OCR reference.
//! - [`einvoice`]: CII (Factur-X / ZUGFeRD 2, EN 16931) and UBL 2.1 XML.
//! - [`ground_truth`]: JSON in the `sapllm-groundtruth/1` format, limited to what a page shows.
//! - [`bad`]: broken and hostile inputs (ZIP with a .pdf name, billion laughs, XXE).
//! - [`samples`]: the curated sample set of `samples/` and a gallery of all layouts.
//!
//! To generate a larger corpus: loop over seeds, [`model::generate`] a document from a
//! [`model::DocSpec`], and call [`samples::render_pdf`] (or [`samples::facturx_pdf`],
//! [`samples::scanned_pdf`], [`einvoice::ubl_xml`]) with a [`layout::Family`].

pub mod bad;
pub mod dataset;
pub mod einvoice;
pub mod ground_truth;
pub mod layout;
pub mod model;
pub mod pdf;
pub mod rng;
pub mod samples;
pub mod scan;
pub mod suppliers;
pub mod words;

use std::path::PathBuf;

/// Errors of the generator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CorpusError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("image encoding failed: {0}")]
    Image(#[from] image::ImageError),
    /// PDFium could not be loaded or could not read/render a generated PDF (scans only).
    #[error("cannot render the digital PDF for its scan: {0}")]
    Render(String),
}
