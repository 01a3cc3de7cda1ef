//! Pipeline configuration: limits, confidence thresholds, routing policy.
//!
//! Read from a TOML file (`config/pipeline.toml` in the repository is the documented default;
//! the app and CLI look for `pipeline.toml` in the data folder). Every key is optional: an
//! absent key keeps its default.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::path::Path;

use crate::PipelineError;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineConfig {
    pub limits: Limits,
    pub thresholds: Thresholds,
    pub routing: RoutingPolicy,
    pub models: ModelChoice,
}

/// Which extractor and classifiers run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelChoice {
    /// `ranked`: the rule candidates re-scored by the trained ranker (default); `rules`: the
    /// rule extractor alone (for comparison, or when the models are not installed).
    pub extractor: ExtractorKind,
    /// Refine document type and invoice subtype with the trained classifiers.
    pub classifiers: bool,
    /// Intra-op threads per model session.
    pub threads: usize,
}

impl Default for ModelChoice {
    fn default() -> Self {
        Self {
            extractor: ExtractorKind::Ranked,
            classifiers: true,
            threads: 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtractorKind {
    Ranked,
    Rules,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest accepted file, bytes.
    pub max_file_bytes: u64,
    /// Smallest accepted file, bytes (a PDF cannot be smaller than its header and trailer).
    pub min_file_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// A field below this confidence sends the document to review.
    pub field_review_below: f32,
    /// A field below this confidence is not used at all (treated as missing).
    pub field_discard_below: f32,
    /// A document-type classification below this confidence sends it to review.
    pub doc_type_review_below: f32,
    /// Tolerance for arithmetic checks (net + VAT = gross etc.), in currency units.
    pub arithmetic_tolerance: Decimal,
    /// Invoices at or below this gross amount are "small amount" invoices (§ 33 UStDV: 250 €).
    pub small_amount_limit: Decimal,
    /// Issue dates older than this many days are implausible.
    pub max_issue_age_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingPolicy {
    /// Whether clean documents may be auto-approved at all (off: everything goes to review).
    pub allow_auto_approve: bool,
    /// Auto-approval also requires every required field at or above this confidence.
    pub auto_approve_min_confidence: f32,
    /// Gross amounts above this always need a person (four-eyes), whatever the confidence.
    pub auto_approve_max_gross: Decimal,
    /// Document types that are rejected from the AP queue (not payables), e.g. delivery notes.
    pub reject_non_payables: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 50 * 1024 * 1024,
            min_file_bytes: 8,
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            field_review_below: 0.6,
            field_discard_below: 0.15,
            doc_type_review_below: 0.6,
            arithmetic_tolerance: Decimal::new(2, 2),
            small_amount_limit: Decimal::new(250, 0),
            max_issue_age_days: 5 * 366,
        }
    }
}

impl Default for RoutingPolicy {
    fn default() -> Self {
        Self {
            allow_auto_approve: true,
            auto_approve_min_confidence: 0.85,
            auto_approve_max_gross: Decimal::new(10_000, 0),
            reject_non_payables: false,
        }
    }
}

impl PipelineConfig {
    /// Parses a TOML configuration; unknown keys are errors (a typo must not silently keep
    /// the default).
    pub fn from_toml(text: &str) -> Result<Self, PipelineError> {
        toml::from_str(text).map_err(|e| PipelineError::Config(e.to_string()))
    }

    /// Loads `path` if it exists, else the defaults.
    pub fn load_or_default(path: &Path) -> Result<Self, PipelineError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_toml(&text)
                .map_err(|e| PipelineError::Config(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(PipelineError::Config(format!("{}: {e}", path.display()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_files_keep_defaults_and_typos_are_errors() {
        let c =
            PipelineConfig::from_toml("[routing]\nauto_approve_max_gross = \"5000\"\n").unwrap();
        assert_eq!(c.routing.auto_approve_max_gross, Decimal::new(5000, 0));
        assert_eq!(c.thresholds, Thresholds::default());
        assert!(PipelineConfig::from_toml("[routing]\nauto_aprove = true\n").is_err());
    }

    #[test]
    fn the_repository_default_file_parses_and_matches_the_built_in_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/pipeline.toml");
        let c = PipelineConfig::load_or_default(&path).unwrap();
        assert_eq!(c, PipelineConfig::default());
    }
}
