//! Stage 8 — routing: auto-approve candidate, review or reject, always with every reason.
//!
//! The route is the most severe finding of all stages; a document with no objection is an
//! auto-approve *candidate* only if policy allows it, every required field is confident, and
//! the amount is below the four-eyes limit. The reasons are the findings themselves plus the
//! routing's own, so the clerk sees one list.

use rust_decimal::Decimal;
use sapllm_core::{Classified, DocType, ExtractedField, FieldKey, Finding, Route, Severity, Stage};
use std::collections::BTreeMap;

use crate::config::PipelineConfig;
use crate::quality_check::required_fields;

pub const ROUTING_VERSION: &str = "rules.routing/1";

/// Decides the route; appends routing's own findings to `findings`.
pub fn route(
    doc_type: &Classified<DocType>,
    fields: &BTreeMap<FieldKey, ExtractedField>,
    exact: bool,
    findings: &mut Vec<Finding>,
    config: &PipelineConfig,
) -> Route {
    let policy = &config.routing;
    let unreadable = findings.iter().any(|f| f.code == "needs_ocr");
    if !doc_type.value.is_postable() && (!unreadable || doc_type.value != DocType::Other) {
        let severity = if policy.reject_non_payables {
            Severity::Reject
        } else {
            Severity::Review
        };
        findings.push(Finding::new(
            Stage::Routing,
            "not_a_payable",
            severity,
            format!(
                "documents of type '{}' are not posted as supplier invoices",
                doc_type.value
            ),
        ));
    } else if doc_type.confidence < config.thresholds.doc_type_review_below {
        findings.push(Finding::new(
            Stage::Routing,
            "doc_type_uncertain",
            Severity::Review,
            format!(
                "document type {} has confidence {:.2}",
                doc_type.value,
                crate::quality_check::shown_below(doc_type.confidence)
            ),
        ));
    }

    let worst = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Info);
    match worst {
        Severity::Reject => return Route::Reject,
        Severity::Review => return Route::Review,
        Severity::Info => {}
    }

    if !policy.allow_auto_approve {
        findings.push(Finding::new(
            Stage::Routing,
            "auto_approve_disabled",
            Severity::Review,
            "automatic approval is switched off",
        ));
        return Route::Review;
    }
    let weakest = required_fields(doc_type.value)
        .iter()
        .filter_map(|k| fields.get(k).map(|f| (k, f.confidence)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((k, c)) = weakest {
        if !exact && c < policy.auto_approve_min_confidence {
            findings.push(
                Finding::new(
                    Stage::Routing,
                    "below_auto_approve_confidence",
                    Severity::Review,
                    format!(
                        "{k} has confidence {:.2}; automatic approval needs {:.2}",
                        crate::quality_check::shown_below(c),
                        policy.auto_approve_min_confidence
                    ),
                )
                .on(&[*k]),
            );
            return Route::Review;
        }
    }
    let gross = fields
        .get(&FieldKey::GrossTotal)
        .and_then(|f| f.value.as_amount())
        .unwrap_or(Decimal::ZERO);
    if gross.abs() > policy.auto_approve_max_gross {
        findings.push(
            Finding::new(
                Stage::Routing,
                "above_four_eyes_limit",
                Severity::Review,
                format!(
                    "gross {gross} is above the automatic-approval limit {}",
                    policy.auto_approve_max_gross
                ),
            )
            .on(&[FieldKey::GrossTotal]),
        );
        return Route::Review;
    }
    findings.push(Finding::new(
        Stage::Routing,
        "all_checks_passed",
        Severity::Info,
        if exact {
            "exact e-invoice data; every check passed".to_owned()
        } else {
            "every required field is confident and every check passed".to_owned()
        },
    ));
    Route::AutoApprove
}

#[cfg(test)]
mod tests {
    use super::*;
    use sapllm_core::{FieldValue, Producer, Provenance, SourceKind};

    fn f(v: FieldValue, c: f32) -> ExtractedField {
        ExtractedField {
            value: v,
            confidence: c,
            provenance: Provenance {
                source: SourceKind::TextLayer,
                page: Some(0),
                bbox: None,
                words: vec![],
                raw: String::new(),
                producer: Producer::new("t", "1"),
                explanation: String::new(),
            },
            alternatives: vec![],
        }
    }

    fn invoice_fields(conf: f32, gross: &str) -> BTreeMap<FieldKey, ExtractedField> {
        let mut m = BTreeMap::new();
        m.insert(
            FieldKey::InvoiceNumber,
            f(FieldValue::Text("1".into()), conf),
        );
        m.insert(FieldKey::IssueDate, f(FieldValue::Text("x".into()), 0.95));
        m.insert(FieldKey::SellerName, f(FieldValue::Text("A".into()), 0.95));
        m.insert(FieldKey::Currency, f(FieldValue::Code("EUR".into()), 0.95));
        m.insert(
            FieldKey::GrossTotal,
            f(FieldValue::Amount(gross.parse().unwrap()), 0.95),
        );
        m
    }

    fn invoice() -> Classified<DocType> {
        Classified {
            value: DocType::Invoice,
            confidence: 0.95,
            evidence: vec![],
            alternatives: vec![],
        }
    }

    #[test]
    fn clean_confident_invoices_are_auto_approve_candidates_with_a_reason() {
        let mut findings = vec![];
        let r = route(
            &invoice(),
            &invoice_fields(0.95, "119.00"),
            false,
            &mut findings,
            &PipelineConfig::default(),
        );
        assert_eq!(r, Route::AutoApprove);
        assert_eq!(findings.last().unwrap().code, "all_checks_passed");
    }

    #[test]
    fn every_reason_is_listed_and_the_worst_decides() {
        let config = PipelineConfig::default();
        let mut findings = vec![];
        assert_eq!(
            route(
                &invoice(),
                &invoice_fields(0.5, "119.00"),
                false,
                &mut findings,
                &config
            ),
            Route::Review
        );
        assert!(
            findings
                .iter()
                .any(|f| f.code == "below_auto_approve_confidence")
        );

        let mut findings = vec![];
        assert_eq!(
            route(
                &invoice(),
                &invoice_fields(0.95, "25000.00"),
                false,
                &mut findings,
                &config
            ),
            Route::Review
        );
        assert!(findings.iter().any(|f| f.code == "above_four_eyes_limit"));

        let mut findings = vec![Finding::new(
            Stage::Validation,
            "duplicate",
            Severity::Reject,
            "dup",
        )];
        assert_eq!(
            route(
                &invoice(),
                &invoice_fields(0.95, "1"),
                false,
                &mut findings,
                &config
            ),
            Route::Reject
        );

        let note = Classified {
            value: DocType::DeliveryNote,
            confidence: 0.9,
            evidence: vec![],
            alternatives: vec![],
        };
        let mut findings = vec![];
        assert_eq!(
            route(&note, &BTreeMap::new(), false, &mut findings, &config),
            Route::Review
        );
        assert_eq!(findings[0].code, "not_a_payable");
    }
}
