//! What the pipeline produces for one document: fields with candidates, line items, VAT
//! breakdown, classification with evidence, findings and the routing decision.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::document::{ContentHash, FileKind};
use crate::field::{DocType, FieldKey, InvoiceSubtype, LineKey};
use crate::provenance::Provenance;
use crate::value::FieldValue;

/// A confidence in 0..=1. Stored as `f32`: it is a score, never money.
pub type Confidence = f32;

/// One proposed value for a field, with its score and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub value: FieldValue,
    pub confidence: Confidence,
    pub provenance: Provenance,
}

/// A field's chosen value plus the runners-up (best first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractedField {
    pub value: FieldValue,
    pub confidence: Confidence,
    pub provenance: Provenance,
    pub alternatives: Vec<Candidate>,
}

impl ExtractedField {
    /// Picks the best of `candidates` (highest confidence first, stable) and keeps the rest.
    /// Alternatives with the same value as the winner are dropped.
    pub fn from_candidates(mut candidates: Vec<Candidate>) -> Option<Self> {
        candidates.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        let mut it = candidates.into_iter();
        let best = it.next()?;
        let mut alternatives: Vec<Candidate> = Vec::new();
        for c in it {
            if c.value != best.value && !alternatives.iter().any(|a| a.value == c.value) {
                alternatives.push(c);
            }
        }
        alternatives.truncate(5);
        Some(Self {
            value: best.value,
            confidence: best.confidence,
            provenance: best.provenance,
            alternatives,
        })
    }

    /// Replaces the chosen value by a candidate, keeping the old winner as an alternative.
    pub fn promote(&mut self, candidate: Candidate) {
        let old = Candidate {
            value: std::mem::replace(&mut self.value, candidate.value),
            confidence: self.confidence,
            provenance: std::mem::replace(&mut self.provenance, candidate.provenance),
        };
        self.confidence = candidate.confidence;
        self.alternatives.retain(|a| a.value != self.value);
        self.alternatives.insert(0, old);
    }
}

/// One cell of a line item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub value: FieldValue,
    pub confidence: Confidence,
    pub provenance: Provenance,
}

/// A line item (BG-25): its cells by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LineItem {
    pub cells: BTreeMap<LineKey, Cell>,
}

impl LineItem {
    pub fn amount(&self, key: LineKey) -> Option<Decimal> {
        self.cells.get(&key).and_then(|c| c.value.as_amount())
    }

    pub fn text(&self, key: LineKey) -> Option<&str> {
        self.cells.get(&key).and_then(|c| c.value.as_text())
    }

    /// The lowest cell confidence (a line is as trustworthy as its weakest cell).
    pub fn confidence(&self) -> Confidence {
        self.cells
            .values()
            .map(|c| c.confidence)
            .fold(1.0, f32::min)
    }
}

/// One VAT breakdown row (BG-23).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VatBreakdown {
    /// VAT category code (S, Z, E, AE, K, G, O, L, M).
    pub category: Option<String>,
    /// Rate in percent.
    pub rate: Option<Decimal>,
    pub taxable_amount: Option<Decimal>,
    pub tax_amount: Option<Decimal>,
    pub provenance: Provenance,
}

/// The eight pipeline stages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Inbox,
    Preprocessing,
    Classification,
    TypeIdentification,
    Extraction,
    QualityCheck,
    Validation,
    Routing,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::Inbox,
        Stage::Preprocessing,
        Stage::Classification,
        Stage::TypeIdentification,
        Stage::Extraction,
        Stage::QualityCheck,
        Stage::Validation,
        Stage::Routing,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Stage::Inbox => "inbox",
            Stage::Preprocessing => "preprocessing",
            Stage::Classification => "classification",
            Stage::TypeIdentification => "type_identification",
            Stage::Extraction => "extraction",
            Stage::QualityCheck => "quality_check",
            Stage::Validation => "validation",
            Stage::Routing => "routing",
        }
    }
}

/// How serious a finding is for routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Recorded for the audit trail and the "why" panel; does not stop automation.
    Info,
    /// A person must look before posting.
    Review,
    /// The document must not be posted.
    Reject,
}

/// A finding of a stage: a stable code the UI can branch on, a sentence for people, and the
/// fields it touches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub stage: Stage,
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub fields: Vec<FieldKey>,
}

impl Finding {
    pub fn new(stage: Stage, code: &str, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            stage,
            code: code.to_owned(),
            severity,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn on(mut self, fields: &[FieldKey]) -> Self {
        self.fields.extend_from_slice(fields);
        self
    }
}

/// Where a document goes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Clean enough to post without a person (still posted through the outbox).
    AutoApprove,
    /// Needs a clerk.
    Review,
    /// Must not be posted (duplicate, not a payable document, unreadable).
    Reject,
}

impl Route {
    pub fn as_str(&self) -> &'static str {
        match self {
            Route::AutoApprove => "auto_approve",
            Route::Review => "review",
            Route::Reject => "reject",
        }
    }
}

/// A classification with the evidence that decided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classified<T> {
    pub value: T,
    pub confidence: Confidence,
    /// Short statements of the evidence, strongest first ("title 'Gutschrift' on page 1").
    pub evidence: Vec<String>,
    /// Runners-up with their scores.
    pub alternatives: Vec<(T, Confidence)>,
}

/// Versions of every rule set and model that touched a result, by component name.
pub type Versions = BTreeMap<String, String>;

/// Time spent per stage, in microseconds.
pub type StageTimings = BTreeMap<Stage, u64>;

/// The complete result of processing one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentResult {
    pub hash: ContentHash,
    pub file_kind: FileKind,
    pub page_count: u32,
    /// Whether the values came from an e-invoice XML (exact) rather than the printed page.
    pub from_einvoice: bool,
    pub doc_type: Classified<DocType>,
    /// Set for invoices, credit and debit notes.
    pub subtype: Option<Classified<InvoiceSubtype>>,
    pub fields: BTreeMap<FieldKey, ExtractedField>,
    pub line_items: Vec<LineItem>,
    pub vat_breakdown: Vec<VatBreakdown>,
    pub findings: Vec<Finding>,
    pub route: Route,
    pub versions: Versions,
    pub timings_us: StageTimings,
}

impl DocumentResult {
    pub fn amount(&self, key: FieldKey) -> Option<Decimal> {
        self.fields.get(&key).and_then(|f| f.value.as_amount())
    }

    pub fn text(&self, key: FieldKey) -> Option<&str> {
        self.fields.get(&key).and_then(|f| f.value.as_text())
    }

    /// Findings that decide routing (review or reject), most severe first.
    pub fn routing_reasons(&self) -> Vec<&Finding> {
        let mut v: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Review)
            .collect();
        v.sort_by_key(|f| std::cmp::Reverse(f.severity));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provenance::{Producer, SourceKind};

    fn cand(v: &str, c: f32) -> Candidate {
        Candidate {
            value: FieldValue::Text(v.into()),
            confidence: c,
            provenance: Provenance {
                source: SourceKind::TextLayer,
                page: Some(0),
                bbox: None,
                words: vec![],
                raw: v.into(),
                producer: Producer::new("test", "1"),
                explanation: String::new(),
            },
        }
    }

    #[test]
    fn best_candidate_wins_and_duplicates_are_not_alternatives() {
        let f = ExtractedField::from_candidates(vec![
            cand("a", 0.4),
            cand("b", 0.9),
            cand("a", 0.3),
            cand("b", 0.5),
        ])
        .unwrap();
        assert_eq!(f.value, FieldValue::Text("b".into()));
        assert_eq!(f.alternatives.len(), 1);
        assert_eq!(f.alternatives[0].value, FieldValue::Text("a".into()));
        assert!(ExtractedField::from_candidates(vec![]).is_none());
    }

    #[test]
    fn promote_keeps_the_old_winner_as_first_alternative() {
        let mut f = ExtractedField::from_candidates(vec![cand("a", 0.9), cand("b", 0.5)]).unwrap();
        f.promote(cand("b", 0.8));
        assert_eq!(f.value, FieldValue::Text("b".into()));
        assert_eq!(f.alternatives[0].value, FieldValue::Text("a".into()));
        assert_eq!(f.alternatives.len(), 1);
    }
}
