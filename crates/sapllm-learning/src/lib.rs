//! Learning from every correction.
//!
//! - [`supplier`]: who sent a document — VAT ID, IBAN, normalised name (stored only as
//!   hashes) — and what its first page looks like (a layout fingerprint);
//! - [`memory`]: per supplier and layout, where each checked field sits (its label and the
//!   offset from it, or its place on the page) and what it looks like; recalled values carry
//!   the source kind `learned`;
//! - [`reranker`]: a small logistic model over the extractor's candidate-group features,
//!   updated online with each approved correction, that adjusts candidate scores for every
//!   supplier; with caps on how far one supplier or one session can move it;
//! - [`state`]: one version of all that (serialisable), the pipeline's view of it, and the
//!   export that keeps labels, formats and positions but no values, amounts or names.
//!
//! Versioning, shadow evaluation against the clerk's own approved documents and rollback are
//! orchestrated by the API crate with the store; the scoring used for the decision is
//! [`replay_accuracy`] here.

pub mod memory;
pub mod reranker;
pub mod state;
pub mod supplier;

use std::collections::BTreeMap;

use sapllm_core::{BBox, DocType, FieldKey, FieldValue, Page};

pub use state::{LearnedSnapshot, LearningState, UpdateReport};

/// Errors of the learning crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LearningError {
    #[error("learned state file is not valid: {0}")]
    BadState(String),
}

/// A field the clerk checked on an approved document: its final value and, when it came
/// from the page, where.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedField {
    pub field: FieldKey,
    pub value: FieldValue,
    pub page: Option<u32>,
    pub bbox: Option<BBox>,
    /// Changed by the clerk (a correction), not only confirmed.
    pub corrected: bool,
}

/// What one approved document teaches.
#[derive(Debug, Clone)]
pub struct Example {
    pub pages: Vec<Page>,
    pub doc_type: DocType,
    /// Final header values of the approved result (identify the supplier).
    pub fields: BTreeMap<FieldKey, FieldValue>,
    /// Fields the clerk corrected or confirmed. Empty: the document does not train.
    pub checked: Vec<CheckedField>,
    pub user: String,
    /// Who is teaching in this app session (caps per session).
    pub session: String,
}

/// A document of the replay set: its pages and the approved values.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ReplayDoc {
    pub pages: Vec<Page>,
    pub doc_type: DocType,
    /// Approved values in the ground-truth normalisation, by field.
    pub truth: BTreeMap<FieldKey, String>,
}

/// Right and scored approved values per field over the replay documents.
pub fn replay_by_field(
    docs: &[ReplayDoc],
    predict: &dyn Fn(&ReplayDoc) -> BTreeMap<FieldKey, FieldValue>,
) -> BTreeMap<FieldKey, (usize, usize)> {
    let mut out: BTreeMap<FieldKey, (usize, usize)> = BTreeMap::new();
    for d in docs {
        let pred = predict(d);
        for (k, want) in &d.truth {
            let got = pred
                .get(k)
                .and_then(|v| k.normalisation().apply(&v.to_plain()));
            let e = out.entry(*k).or_default();
            e.0 += usize::from(got.as_deref() == Some(want.as_str()));
            e.1 += 1;
        }
    }
    out
}

/// Share of approved field values a set of predictions gets right (ground-truth
/// normalisation), over all replay documents: the shadow-evaluation score.
pub fn replay_accuracy(
    docs: &[ReplayDoc],
    predict: &dyn Fn(&ReplayDoc) -> BTreeMap<FieldKey, FieldValue>,
) -> Option<f64> {
    let (mut right, mut total) = (0usize, 0usize);
    for d in docs {
        let pred = predict(d);
        for (k, want) in &d.truth {
            total += 1;
            let got = pred
                .get(k)
                .and_then(|v| k.normalisation().apply(&v.to_plain()));
            right += usize::from(got.as_deref() == Some(want.as_str()));
        }
    }
    (total > 0).then(|| right as f64 / total as f64)
}
