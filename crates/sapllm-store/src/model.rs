//! The store's own types: document rows, statuses, queue summaries, audit events, duplicates.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sapllm_core::{
    BBox, ContentHash, DocType, FieldKey, FileKind, Route, Severity, SourceKind, Stage, ValueKind,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::StoreError;

/// Where a document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Taken in, not processed yet.
    Received,
    /// A result exists but no routing status was derived from it (set by callers only).
    Processed,
    /// The latest result routes to the review queue.
    ToReview,
    /// The latest result routes to automatic posting.
    ReadyToPost,
    /// A person approved it.
    Approved,
    /// Rejected by routing or by a person.
    Rejected,
    /// Could not be read or processed.
    Failed,
    /// Posted to SAP. Final: the store refuses to move a document out of it.
    Posted,
}

impl DocumentStatus {
    /// Every status, in declaration order.
    pub const ALL: [DocumentStatus; 8] = [
        DocumentStatus::Received,
        DocumentStatus::Processed,
        DocumentStatus::ToReview,
        DocumentStatus::ReadyToPost,
        DocumentStatus::Approved,
        DocumentStatus::Rejected,
        DocumentStatus::Failed,
        DocumentStatus::Posted,
    ];

    /// The stable snake_case name used in the database, the CLI and the UI.
    pub fn as_str(&self) -> &'static str {
        match self {
            DocumentStatus::Received => "received",
            DocumentStatus::Processed => "processed",
            DocumentStatus::ToReview => "to_review",
            DocumentStatus::ReadyToPost => "ready_to_post",
            DocumentStatus::Approved => "approved",
            DocumentStatus::Rejected => "rejected",
            DocumentStatus::Failed => "failed",
            DocumentStatus::Posted => "posted",
        }
    }

    /// The status a route leads to when a result is saved.
    pub fn from_route(route: Route) -> Self {
        match route {
            Route::AutoApprove => DocumentStatus::ReadyToPost,
            Route::Review => DocumentStatus::ToReview,
            Route::Reject => DocumentStatus::Rejected,
        }
    }
}

impl fmt::Display for DocumentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DocumentStatus {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocumentStatus::ALL
            .iter()
            .find(|st| st.as_str() == s)
            .copied()
            .ok_or_else(|| StoreError::InvalidInput(format!("unknown document status '{s}'")))
    }
}

/// A document as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRow {
    pub hash: ContentHash,
    /// The first name it arrived under (all names: [`crate::Store::file_names`]).
    pub file_name: String,
    pub file_kind: FileKind,
    pub size_bytes: u64,
    pub received_at: DateTime<Utc>,
    pub status: DocumentStatus,
    pub status_changed_at: DateTime<Utc>,
    /// Version of the latest result, if any.
    pub latest_version: Option<u32>,
    /// Route of the latest result, if any.
    pub route: Option<Route>,
    pub doc_type: Option<DocType>,
    /// Code and message of the last failure, if the document failed.
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
}

/// The outcome of taking in an original.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intake {
    pub hash: ContentHash,
    /// `false` when the same bytes had been taken in before (under this or another name).
    pub is_new: bool,
    pub document: DocumentRow,
}

/// A file name a document arrived under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceName {
    pub file_name: String,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub times_seen: u32,
}

/// One stored result version (without the result itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultVersion {
    pub version: u32,
    pub created_at: DateTime<Utc>,
    pub route: Route,
    pub doc_type: DocType,
}

/// One row of the `fields` table: a header field of one result version, flattened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldRow {
    pub key: FieldKey,
    /// Plain form: amounts with a dot, ISO dates.
    pub value: String,
    pub value_type: ValueKind,
    pub confidence: f32,
    pub source_kind: SourceKind,
    pub page: Option<u32>,
    pub bbox: Option<BBox>,
    pub producer: String,
    pub producer_version: String,
}

/// One row of the `findings` table, in the order the pipeline produced them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    pub seq: u32,
    pub stage: Stage,
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub fields: Vec<FieldKey>,
}

/// A finding that decided the route (severity review or reject).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutingReason {
    pub code: String,
    pub severity: Severity,
    pub message: String,
}

/// Sort order of [`crate::Store::list_documents`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentSort {
    /// Newest first (the default).
    #[default]
    ReceivedDesc,
    ReceivedAsc,
    /// Largest gross total first; documents without an amount last.
    AmountDesc,
    /// Smallest gross total first; documents without an amount last.
    AmountAsc,
}

/// Which documents [`crate::Store::list_documents`] lists, and in which order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentFilter {
    /// Only these statuses (empty: all).
    pub statuses: Vec<DocumentStatus>,
    /// Case-insensitive substring of a file name, the seller name, the invoice number or the
    /// hash.
    pub text: Option<String>,
    pub sort: DocumentSort,
    pub limit: Option<u32>,
}

impl DocumentFilter {
    pub fn status(mut self, status: DocumentStatus) -> Self {
        self.statuses.push(status);
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    pub fn sort(mut self, sort: DocumentSort) -> Self {
        self.sort = sort;
        self
    }

    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }
}

/// One line of the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub hash: ContentHash,
    pub file_name: String,
    pub status: DocumentStatus,
    pub doc_type: Option<DocType>,
    pub seller_name: Option<String>,
    pub invoice_number: Option<String>,
    pub gross_total: Option<Decimal>,
    pub currency: Option<String>,
    pub received_at: DateTime<Utc>,
    pub latest_version: Option<u32>,
    pub route: Option<Route>,
    /// Findings of the latest result that decided the route, most severe first.
    pub reasons: Vec<RoutingReason>,
    /// Code of the last failure, for `failed` documents.
    pub failure_code: Option<String>,
}

/// Why [`crate::Store::find_duplicates`] reported a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// Same seller, same (normalised) invoice number.
    SameNumber,
    /// Same seller, same gross total and same issue date (different or missing number).
    SameAmountAndDate,
}

/// An earlier document that looks like the same invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateHit {
    pub hash: ContentHash,
    pub reason: DuplicateReason,
    pub doc_type: DocType,
    /// Its invoice number as extracted.
    pub invoice_number: Option<String>,
    pub gross: Option<Decimal>,
    pub issue_date: Option<NaiveDate>,
    /// Its status: validation decides whether e.g. a rejected document still counts.
    pub status: DocumentStatus,
    pub file_name: String,
    pub received_at: DateTime<Utc>,
}

/// What an audit event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditAction {
    /// A new original was taken in.
    Intake,
    /// Known bytes arrived again (maybe under another name).
    IntakeRepeat,
    /// A result version was saved.
    ResultSaved,
    /// The status changed (detail: from, to, reason).
    StatusChanged,
    /// The document could not be read or processed.
    Failed,
    /// A clerk corrected (or confirmed) a value (detail: field, old, new, source, version).
    Corrected,
}

impl AuditAction {
    pub const ALL: [AuditAction; 6] = [
        AuditAction::Intake,
        AuditAction::IntakeRepeat,
        AuditAction::ResultSaved,
        AuditAction::StatusChanged,
        AuditAction::Failed,
        AuditAction::Corrected,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            AuditAction::Intake => "intake",
            AuditAction::IntakeRepeat => "intake_repeat",
            AuditAction::ResultSaved => "result_saved",
            AuditAction::StatusChanged => "status_changed",
            AuditAction::Failed => "failed",
            AuditAction::Corrected => "corrected",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuditAction {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AuditAction::ALL
            .iter()
            .find(|a| a.as_str() == s)
            .copied()
            .ok_or_else(|| StoreError::InvalidInput(format!("unknown audit action '{s}'")))
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Increasing in the order the events were written.
    pub id: i64,
    pub document_hash: Option<ContentHash>,
    pub at: DateTime<Utc>,
    /// Who did it: `system` (intake), `pipeline` (results, failures), or a user name.
    pub actor: String,
    pub action: AuditAction,
    pub detail: serde_json::Value,
}

/// What `sapllm doctor` shows about the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreDiagnostics {
    /// The data folder (`None` in memory).
    pub data_dir: Option<PathBuf>,
    /// `wal` for a file database.
    pub journal_mode: String,
    pub foreign_keys: bool,
    /// Busy timeout in milliseconds.
    pub busy_timeout_ms: i64,
    /// Highest applied migration.
    pub schema_version: Option<i64>,
    pub documents: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_round_trip_and_match_serde() {
        for s in DocumentStatus::ALL {
            assert_eq!(s.as_str().parse::<DocumentStatus>().unwrap(), s);
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        assert!("done".parse::<DocumentStatus>().is_err());
        for a in AuditAction::ALL {
            assert_eq!(a.as_str().parse::<AuditAction>().unwrap(), a);
            assert_eq!(
                serde_json::to_value(a).unwrap(),
                serde_json::json!(a.as_str())
            );
        }
    }

    #[test]
    fn routes_map_to_statuses() {
        assert_eq!(
            DocumentStatus::from_route(Route::AutoApprove),
            DocumentStatus::ReadyToPost
        );
        assert_eq!(
            DocumentStatus::from_route(Route::Review),
            DocumentStatus::ToReview
        );
        assert_eq!(
            DocumentStatus::from_route(Route::Reject),
            DocumentStatus::Rejected
        );
    }
}
