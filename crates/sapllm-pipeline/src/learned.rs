//! The seam for what was learned from clerks' corrections (implemented by `sapllm-learning`).
//!
//! Two things plug in here: an online re-ranker that adjusts the extractor's scores of
//! candidate groups (all suppliers), and a supplier memory that recalls where a supplier
//! prints a field and proposes the value found there (source kind `learned`). Both are read
//! from an immutable snapshot, so a document is processed against one learned-state version,
//! which is recorded in its result.

use std::sync::Arc;

use sapllm_core::{Candidate, ExtractedField, FieldKey, Page, SourceKind};

use crate::extraction::Extraction;

/// One version of the learned state, as the pipeline uses it.
pub trait LearnedState: Send + Sync + std::fmt::Debug {
    /// `learned/<version>`, recorded in results.
    fn label(&self) -> String;

    /// Additive log-odds adjustments, one per candidate-group row of
    /// [`crate::extraction::GROUP_FEATURES`] features (0 = no opinion).
    fn rerank(&self, features: &[f32], rows: usize) -> Vec<f32>;

    /// Values this state remembers for the supplier of this document.
    fn recall(&self, pages: &[Page], extraction: &Extraction) -> Vec<(FieldKey, Candidate)>;
}

/// Where the pipeline gets the serving learned state from (it changes while the app runs).
pub trait LearnedSource: Send + Sync + std::fmt::Debug {
    fn current(&self) -> Option<Arc<dyn LearnedState>>;
}

/// Recalled values at least this confident win over the extractor's: what a clerk taught
/// about this supplier's layout is more specific than any generic reading of it (and the
/// shadow evaluation keeps memories that do not hold from serving).
pub const LEARNED_TRUST: f32 = 0.85;

/// Combines recalled values with the extractor's: the same value gains the learned
/// confidence; a different value wins when the memory is trusted or more confident than the
/// extractor, and otherwise stays as an alternative the clerk sees in the "why" panel.
pub fn merge_recalled(extraction: &mut Extraction, recalled: Vec<(FieldKey, Candidate)>) {
    for (key, learned) in recalled {
        debug_assert_eq!(learned.provenance.source, SourceKind::Learned);
        match extraction.fields.get_mut(&key) {
            None => {
                if let Some(f) = ExtractedField::from_candidates(vec![learned]) {
                    extraction.fields.insert(key, f);
                }
            }
            Some(f) if f.value == learned.value => {
                if learned.confidence > f.confidence {
                    f.confidence = learned.confidence;
                }
                f.provenance.explanation.push_str(&format!(
                    "; agrees with what was learned for this supplier ({})",
                    learned.provenance.explanation
                ));
            }
            Some(f) if learned.confidence >= LEARNED_TRUST || learned.confidence > f.confidence => {
                f.promote(learned)
            }
            Some(f) => {
                if !f.alternatives.iter().any(|a| a.value == learned.value) {
                    f.alternatives.insert(0, learned);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sapllm_core::{FieldValue, Producer, Provenance};

    fn cand(v: &str, conf: f32, source: SourceKind) -> Candidate {
        Candidate {
            value: FieldValue::Text(v.into()),
            confidence: conf,
            provenance: Provenance {
                source,
                page: Some(0),
                bbox: None,
                words: vec![],
                raw: v.into(),
                producer: Producer::new("t", "1"),
                explanation: format!("found {v}"),
            },
        }
    }

    #[test]
    fn learned_values_win_when_trusted_or_more_confident() {
        let mut x = Extraction::default();
        x.fields.insert(
            FieldKey::InvoiceNumber,
            ExtractedField::from_candidates(vec![cand("A1", 0.6, SourceKind::TextLayer)]).unwrap(),
        );
        x.fields.insert(
            FieldKey::PoNumber,
            ExtractedField::from_candidates(vec![cand("P9", 0.95, SourceKind::TextLayer)]).unwrap(),
        );
        x.fields.insert(
            FieldKey::DueDate,
            ExtractedField::from_candidates(vec![cand("D1", 0.99, SourceKind::TextLayer)]).unwrap(),
        );
        merge_recalled(
            &mut x,
            vec![
                (
                    FieldKey::InvoiceNumber,
                    cand("B2", 0.9, SourceKind::Learned),
                ),
                (FieldKey::PoNumber, cand("P8", 0.6, SourceKind::Learned)),
                (FieldKey::DueDate, cand("D2", 0.9, SourceKind::Learned)),
                (
                    FieldKey::BuyerReference,
                    cand("R1", 0.9, SourceKind::Learned),
                ),
            ],
        );
        let inv = &x.fields[&FieldKey::InvoiceNumber];
        assert_eq!(inv.value, FieldValue::Text("B2".into()));
        assert_eq!(inv.provenance.source, SourceKind::Learned);
        assert_eq!(inv.alternatives[0].value, FieldValue::Text("A1".into()));
        let po = &x.fields[&FieldKey::PoNumber];
        assert_eq!(po.value, FieldValue::Text("P9".into()));
        assert_eq!(po.alternatives[0].value, FieldValue::Text("P8".into()));
        assert!(x.fields.contains_key(&FieldKey::BuyerReference));
        // A trusted memory wins even over a confident extractor.
        assert_eq!(
            x.fields[&FieldKey::DueDate].value,
            FieldValue::Text("D2".into())
        );
    }
}
