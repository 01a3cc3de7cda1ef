//! The single source of truth of SAP_LLM Desktop: documents, their originals, every result
//! version, the audit log and the duplicate-invoice index, on sqlx + SQLite.
//!
//! # What lives where
//! - **Originals** are content-addressed files: `<data>/originals/ab/cdef….bin`, named by the
//!   SHA-256 of their bytes ([`ContentHash`]). They are written atomically (temporary file,
//!   fsync, rename) and only once; a second intake of the same bytes under another name only
//!   records that name (table `document_sources`).
//! - **The database** is `<data>/sapllm.db` (WAL journal, foreign keys on, busy timeout,
//!   `synchronous=NORMAL`), its schema in the embedded migrations (`migrations/`). Tables:
//!   `documents` (one row per original, with its [`DocumentStatus`] and the queue columns
//!   denormalised from the latest result), `document_sources` (every file name),
//!   `results` (versioned full results as JSON), `fields` and `findings` (denormalised rows
//!   of each version), `invoice_keys` (duplicate lookups), `audit_events` (every state change),
//!   `outbox` (one SAP posting per approved document: approval, claims with leases, retries,
//!   SAP's number; see [`OutboxEntry`] and the `approve` / `claim_due` / `mark_posted` methods).
//! - **Time** comes from an injected [`Clock`]; timestamps are RFC 3339 TEXT in UTC.
//!
//! # Consistency
//! Each multi-row write is one transaction (`BEGIN IMMEDIATE`, so read-then-write transactions
//! never fail on a stale snapshot; concurrent writers wait up to the busy timeout). Each
//! transaction that changes state writes its audit event(s) itself. An original is written to
//! disk *before* its row is committed: a crash in between leaves at worst an orphan file,
//! never a row without its file.
//!
//! # A PostgreSQL backend later
//! All SQL is in one private module (`sqlite.rs`); [`Store`]'s methods do the non-SQL work
//! (hashing, files, normalisation, JSON) and call it. PostgreSQL slots in as a sibling module
//! `postgres.rs` with the same functions over a `PgPool`, a `Backend` enum inside [`Store`]
//! (`Sqlite(SqlitePool) | Postgres(PgPool)`) dispatching to one or the other, and a twin
//! migration folder `migrations-postgres/`. The schema is kept portable for that: TEXT,
//! INTEGER and REAL only, money as decimal TEXT, timestamps as RFC 3339 TEXT; the differences
//! are mechanical (`?` → `$n` placeholders, `INTEGER PRIMARY KEY` → identity column,
//! `BEGIN IMMEDIATE` → `BEGIN` plus `SELECT … FOR UPDATE` on the document row). Originals
//! stay content-addressed files (or move to an object store) either way.

mod clock;
mod corrections;
mod error;
mod keys;
mod learning;
mod model;
mod originals;
mod outbox;
mod sqlite;
mod store;

use std::ffi::OsString;
use std::path::PathBuf;

pub use clock::{Clock, FixedClock, SystemClock};
pub use corrections::StoredCorrection;
pub use error::StoreError;
pub use keys::seller_key_of;
pub use learning::{LearnedVersion, NewLearnedVersion};
pub use model::{
    AuditAction, AuditEvent, DocumentFilter, DocumentRow, DocumentSort, DocumentStatus,
    DocumentSummary, DuplicateHit, DuplicateReason, FieldRow, FindingRow, Intake, ResultVersion,
    RoutingReason, SourceName, StoreDiagnostics,
};
pub use outbox::{
    ACTOR_OUTBOX, APPROVABLE, Claim, EnqueueOutcome, Enqueued, NewPosting, OutboxEntry,
    OutboxFilter, OutboxState, PostedHow, PostingError, PostingTarget, REJECTABLE, SapDocument,
    idempotency_key_for,
};
pub use sapllm_core::identity::{normalise_invoice_number, seller_key};
pub use store::{ACTOR_PIPELINE, ACTOR_SYSTEM, MIN_PREFIX_LEN, Store};

// Re-exported so that callers name the same types the store speaks.
pub use sapllm_core::{ContentHash, DocumentResult, FileKind};

/// Environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "SAPLLM_DATA_DIR";

/// File name of the database inside the data folder.
pub const DB_FILE_NAME: &str = "sapllm.db";

/// The data folder: `$SAPLLM_DATA_DIR` when set (and not empty), else the per-user data folder
/// of the OS for the project ("", "SAPLLM", "SAPLLM Desktop"):
///
/// | OS | folder |
/// |---|---|
/// | Linux | `$XDG_DATA_HOME/sapllmdesktop` or `~/.local/share/sapllmdesktop` |
/// | macOS | `~/Library/Application Support/SAPLLM.SAPLLM-Desktop` |
/// | Windows | `%LOCALAPPDATA%\SAPLLM\SAPLLM Desktop\data` (local, not roaming: originals are large) |
///
/// Fails only when neither is available (no home folder).
pub fn default_data_dir() -> Result<PathBuf, StoreError> {
    data_dir_from(std::env::var_os(DATA_DIR_ENV))
}

/// [`default_data_dir`] with the environment value passed in (testable without touching the
/// process environment).
fn data_dir_from(env_value: Option<OsString>) -> Result<PathBuf, StoreError> {
    if let Some(v) = env_value.filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(v));
    }
    directories::ProjectDirs::from("", "SAPLLM", "SAPLLM Desktop")
        .map(|p| p.data_local_dir().to_path_buf())
        .ok_or(StoreError::NoDataDir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_value_overrides_the_os_folder() {
        let p = data_dir_from(Some(OsString::from("/tmp/x y"))).unwrap();
        assert_eq!(p, PathBuf::from("/tmp/x y"));
        // An empty value counts as unset.
        if let Ok(p) = data_dir_from(Some(OsString::new())) {
            assert!(
                p.to_string_lossy().to_lowercase().contains("sapllm"),
                "{p:?}"
            );
        }
        if let Ok(p) = data_dir_from(None) {
            assert!(
                p.to_string_lossy().to_lowercase().contains("sapllm"),
                "{p:?}"
            );
        }
    }
}
