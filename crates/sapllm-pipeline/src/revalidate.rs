//! Re-running the checking stages (quality check, validation, routing) on a result that a
//! clerk corrected, so that its findings and route follow the corrected values. The stage
//! functions are the pipeline's own; nothing is read or extracted again.

use chrono::NaiveDate;
use sapllm_core::{DocumentResult, SourceKind, Stage};

use crate::config::PipelineConfig;
use crate::extraction::Extraction;
use crate::prior::PriorDocuments;
use crate::{quality_check, routing, validation};

/// Returns `result` with the quality check, validation and routing run again on its fields
/// and line items: their old findings are replaced (findings of the reading stages stay), the
/// route is decided anew. Values a person entered (source `User`) are kept as they are even
/// when the arithmetic self-correction would pick another candidate: a disagreement then
/// shows as a finding instead of silently undoing the clerk's work.
pub fn revalidate(
    result: &DocumentResult,
    prior: &dyn PriorDocuments,
    today: NaiveDate,
    config: &PipelineConfig,
) -> DocumentResult {
    let mut out = result.clone();
    let exact = result.from_einvoice;
    let mut extraction = Extraction {
        fields: result.fields.clone(),
        line_items: result.line_items.clone(),
        vat_breakdown: result.vat_breakdown.clone(),
        language: None,
    };
    let mut findings: Vec<_> = result
        .findings
        .iter()
        .filter(|f| {
            !matches!(
                f.stage,
                Stage::QualityCheck | Stage::Validation | Stage::Routing
            )
        })
        .cloned()
        .collect();

    findings.extend(quality_check::check(
        &mut extraction,
        result.doc_type.value,
        exact,
        &config.thresholds,
    ));
    for (key, field) in &result.fields {
        if field.provenance.source == SourceKind::User {
            extraction.fields.insert(*key, field.clone());
        }
    }
    findings.extend(validation::validate(
        &extraction,
        result.doc_type.value,
        &result.hash,
        prior,
        today,
        &config.thresholds,
    ));
    out.route = routing::route(
        &result.doc_type,
        &extraction.fields,
        exact,
        &mut findings,
        config,
    );
    out.fields = extraction.fields;
    out.line_items = extraction.line_items;
    out.vat_breakdown = extraction.vat_breakdown;
    out.findings = findings;
    out
}
