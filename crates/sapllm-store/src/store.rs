//! [`Store`]: the public face of the store. Hashing, files, normalisation and JSON happen here;
//! SQL happens in [`crate::sqlite`].

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sapllm_core::{ContentHash, DecimalExt, DocumentResult, FileKind};
use serde_json::json;
use sqlx::SqlitePool;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::keys::invoice_key_of;
use crate::model::{
    AuditAction, AuditEvent, DocumentFilter, DocumentRow, DocumentStatus, DocumentSummary,
    DuplicateHit, FieldRow, FindingRow, Intake, ResultVersion, RoutingReason, SourceName,
    StoreDiagnostics,
};
use crate::originals::{ORIGINALS_DIR, Originals, hash_bytes};
use crate::sqlite::{self, Latest};
use crate::{DB_FILE_NAME, StoreError};
use sapllm_core::identity::normalise_invoice_number;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Actor of the audit events written by intake.
pub const ACTOR_SYSTEM: &str = "system";
/// Actor of the audit events written for results and failures.
pub const ACTOR_PIPELINE: &str = "pipeline";

/// Shortest hash prefix [`Store::find_by_prefix`] accepts.
pub const MIN_PREFIX_LEN: usize = 4;

/// The store. Cheap to clone (a connection pool and a few `Arc`s); every clone sees the same
/// database. All methods are safe to call from concurrent tasks.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
    originals: Originals,
    clock: Arc<dyn Clock>,
    data_dir: Option<PathBuf>,
}

impl Store {
    /// Opens the store in `data_dir` (created if missing) with the system clock.
    pub async fn open(data_dir: &Path) -> Result<Store> {
        Self::open_with_clock(data_dir, Arc::new(SystemClock)).await
    }

    /// Opens the store in `data_dir` (created if missing): `sapllm.db` in WAL mode with foreign
    /// keys, busy timeout and `synchronous=NORMAL`, migrated to the current schema; originals
    /// under `originals/`.
    pub async fn open_with_clock(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        let originals_dir = data_dir.join(ORIGINALS_DIR);
        std::fs::create_dir_all(&originals_dir)
            .map_err(|e| StoreError::io("create data folder", &originals_dir, e))?;
        let db_path = data_dir.join(DB_FILE_NAME);
        let pool = sqlite::connect_file(&db_path).await?;
        sqlite::migrate(&pool).await?;
        tracing::debug!(db = %db_path.display(), "store opened");
        Ok(Store {
            pool,
            originals: Originals::Dir(originals_dir),
            clock,
            data_dir: Some(data_dir.to_path_buf()),
        })
    }

    /// A throw-away store in memory (database and originals), with the system clock.
    pub async fn open_in_memory() -> Result<Store> {
        Self::open_in_memory_with_clock(Arc::new(SystemClock)).await
    }

    /// A throw-away store in memory with the given clock.
    pub async fn open_in_memory_with_clock(clock: Arc<dyn Clock>) -> Result<Store> {
        let pool = sqlite::connect_memory().await?;
        sqlite::migrate(&pool).await?;
        Ok(Store {
            pool,
            originals: Originals::memory(),
            clock,
            data_dir: None,
        })
    }

    /// Closes every connection (checkpointing the WAL). Other clones stop working too.
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// The data folder (`None` in memory).
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// Settings and size of the database, for `sapllm doctor`.
    pub async fn diagnostics(&self) -> Result<StoreDiagnostics> {
        let (journal_mode, foreign_keys, busy_timeout_ms, schema_version, documents) =
            sqlite::diagnostics(&self.pool).await?;
        Ok(StoreDiagnostics {
            data_dir: self.data_dir.clone(),
            journal_mode,
            foreign_keys,
            busy_timeout_ms,
            schema_version,
            documents,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Originals and intake

    /// Takes in an original: stores the bytes under their SHA-256 (once; the file is complete
    /// on disk before the row is committed) and records the document (status `received`) or,
    /// for known bytes, only the extra file name. Audit: `intake` or `intake_repeat`.
    pub async fn put_original(
        &self,
        bytes: &[u8],
        file_name: &str,
        kind: FileKind,
    ) -> Result<Intake> {
        let hash = hash_bytes(bytes);
        let wrote = self.originals.put(&hash, bytes).await?;
        let now = self.clock.now();
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let is_new = sqlite::document(&mut tx, &hash).await?.is_none();
        if is_new {
            sqlite::insert_document(&mut tx, &hash, file_name, kind, bytes.len() as u64, now)
                .await?;
            sqlite::upsert_source(&mut tx, &hash, file_name, now).await?;
            let detail = json!({
                "file_name": file_name,
                "file_kind": kind,
                "size_bytes": bytes.len(),
                "status": DocumentStatus::Received,
            });
            sqlite::insert_audit(
                &mut tx,
                Some(&hash),
                now,
                ACTOR_SYSTEM,
                AuditAction::Intake,
                &detail,
            )
            .await?;
            sqlite::refresh_search_text(&mut tx, &hash).await?;
        } else {
            let new_name = sqlite::upsert_source(&mut tx, &hash, file_name, now).await?;
            let detail = json!({ "file_name": file_name, "new_name": new_name });
            sqlite::insert_audit(
                &mut tx,
                Some(&hash),
                now,
                ACTOR_SYSTEM,
                AuditAction::IntakeRepeat,
                &detail,
            )
            .await?;
            if new_name {
                sqlite::refresh_search_text(&mut tx, &hash).await?;
            }
        }
        let document = sqlite::document(&mut tx, &hash)
            .await?
            .ok_or_else(|| StoreError::not_found("document", hash.as_str()))?;
        tx.commit().await?;
        tracing::debug!(%hash, is_new, wrote_file = wrote, file_name, "original taken in");
        Ok(Intake {
            hash,
            is_new,
            document,
        })
    }

    /// The bytes of an original, checked against their hash.
    pub async fn original_bytes(&self, hash: &ContentHash) -> Result<Vec<u8>> {
        self.originals.get(hash).await
    }

    /// Where an original lives on disk: `<data>/originals/ab/cdef….bin` (`None` in memory).
    /// The file exists once [`Store::put_original`] has returned.
    pub fn original_path(&self, hash: &ContentHash) -> Option<PathBuf> {
        self.originals.path_of(hash)
    }

    /// The document whose hash starts with `prefix` (hex, at least [`MIN_PREFIX_LEN`]
    /// characters, any case; a full hash works too). Errors: `InvalidInput` for a malformed
    /// prefix, `NotFound` when nothing matches, `AmbiguousPrefix` (with the candidates) when
    /// more than one document does.
    pub async fn find_by_prefix(&self, prefix: &str) -> Result<ContentHash> {
        let p = prefix.trim().to_ascii_lowercase();
        if p.len() < MIN_PREFIX_LEN || p.len() > 64 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::InvalidInput(format!(
                "'{prefix}' is not a hash prefix: type {MIN_PREFIX_LEN} to 64 hex characters"
            )));
        }
        let mut found = sqlite::hashes_with_prefix(&self.pool, &p, 6).await?;
        match found.len() {
            0 => Err(StoreError::not_found("document with hash prefix", p)),
            1 => Ok(found.remove(0)),
            _ => Err(StoreError::AmbiguousPrefix {
                prefix: p,
                candidates: found.iter().map(|h| h.short().to_owned()).collect(),
            }),
        }
    }

    /// A document row.
    pub async fn document(&self, hash: &ContentHash) -> Result<DocumentRow> {
        sqlite::document_in_pool(&self.pool, hash)
            .await?
            .ok_or_else(|| StoreError::not_found("document", hash.as_str()))
    }

    /// Every file name a document arrived under, first seen first.
    pub async fn file_names(&self, hash: &ContentHash) -> Result<Vec<SourceName>> {
        self.document(hash).await?;
        sqlite::file_names(&self.pool, hash).await
    }

    // -----------------------------------------------------------------------------------------
    // Status

    /// Sets a document's status and writes a `status_changed` audit event (from, to, reason)
    /// in the same transaction. Returns the previous status. Setting the current status again
    /// changes nothing and writes no event. A `posted` document cannot change status
    /// (`InvalidTransition`).
    pub async fn set_status(
        &self,
        hash: &ContentHash,
        status: DocumentStatus,
        actor: &str,
        reason: Option<&str>,
    ) -> Result<DocumentStatus> {
        let now = self.clock.now();
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let doc = sqlite::document(&mut tx, hash)
            .await?
            .ok_or_else(|| StoreError::not_found("document", hash.as_str()))?;
        if doc.status == status {
            return Ok(status);
        }
        if doc.status == DocumentStatus::Posted {
            return Err(StoreError::InvalidTransition {
                from: doc.status.to_string(),
                to: status.to_string(),
            });
        }
        sqlite::set_status(&mut tx, hash, status, now).await?;
        let detail = json!({ "from": doc.status, "to": status, "reason": reason });
        sqlite::insert_audit(
            &mut tx,
            Some(hash),
            now,
            actor,
            AuditAction::StatusChanged,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(doc.status)
    }

    /// Records that a document could not be read or processed: failure code and message on the
    /// row, status `failed` (a `posted` document stays posted), audit events `failed` and
    /// `status_changed`, one transaction.
    pub async fn record_failure(
        &self,
        hash: &ContentHash,
        code: &str,
        message: &str,
    ) -> Result<()> {
        let now = self.clock.now();
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let doc = sqlite::document(&mut tx, hash)
            .await?
            .ok_or_else(|| StoreError::not_found("document", hash.as_str()))?;
        sqlite::set_failure(&mut tx, hash, code, message).await?;
        let detail = json!({ "code": code, "message": message });
        sqlite::insert_audit(
            &mut tx,
            Some(hash),
            now,
            ACTOR_PIPELINE,
            AuditAction::Failed,
            &detail,
        )
        .await?;
        let to = DocumentStatus::Failed;
        if doc.status != to && doc.status != DocumentStatus::Posted {
            sqlite::set_status(&mut tx, hash, to, now).await?;
            let detail =
                json!({ "from": doc.status, "to": to, "reason": format!("failure {code}") });
            sqlite::insert_audit(
                &mut tx,
                Some(hash),
                now,
                ACTOR_PIPELINE,
                AuditAction::StatusChanged,
                &detail,
            )
            .await?;
        }
        tx.commit().await?;
        tracing::debug!(%hash, code, "failure recorded");
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Results

    /// Saves a result as the next version (1, 2, …; older versions are kept): the full result
    /// as JSON, its fields and findings as rows, the queue columns and the duplicate index of
    /// the document, and the status the route leads to (auto_approve → ready_to_post, review →
    /// to_review, reject → rejected; a `posted` document stays posted, while an earlier
    /// approval or rejection by a person is replaced: the new result must be looked at
    /// again). Audit: `result_saved`
    /// and, when the status changes, `status_changed`. One transaction. Returns the version.
    pub async fn save_result(&self, hash: &ContentHash, result: &DocumentResult) -> Result<u32> {
        if result.hash != *hash {
            return Err(StoreError::InvalidInput(format!(
                "result of document {} saved for document {}",
                result.hash.short(),
                hash.short()
            )));
        }
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let version = self
            .write_result(&mut tx, hash, result, ACTOR_PIPELINE)
            .await?;
        tx.commit().await?;
        tracing::debug!(%hash, version, route = result.route.as_str(), "result saved");
        Ok(version)
    }

    /// The writes of [`Store::save_result`] inside a caller's transaction; `actor` is who the
    /// audit events name (the pipeline, or the user whose correction produced the result).
    pub(crate) async fn write_result(
        &self,
        tx: &mut sqlx::SqliteConnection,
        hash: &ContentHash,
        result: &DocumentResult,
        actor: &str,
    ) -> Result<u32> {
        let result_json = serde_json::to_string(result)?;
        let versions_json = serde_json::to_string(&result.versions)?;
        let reasons: Vec<RoutingReason> = result
            .routing_reasons()
            .into_iter()
            .map(|f| RoutingReason {
                code: f.code.clone(),
                severity: f.severity,
                message: f.message.clone(),
            })
            .collect();
        let invoice_key = invoice_key_of(result);

        let now = self.clock.now();
        let doc = sqlite::document(&mut *tx, hash)
            .await?
            .ok_or_else(|| StoreError::not_found("document", hash.as_str()))?;
        let version = sqlite::next_version(&mut *tx, hash).await?;
        sqlite::insert_result(
            &mut *tx,
            hash,
            version,
            now,
            result,
            &result_json,
            &versions_json,
        )
        .await?;
        sqlite::update_latest(
            &mut *tx,
            hash,
            &Latest {
                version,
                result,
                reasons: &reasons,
            },
        )
        .await?;
        sqlite::refresh_search_text(&mut *tx, hash).await?;
        sqlite::replace_invoice_key(&mut *tx, hash, version, invoice_key.as_ref()).await?;
        let detail = json!({
            "version": version,
            "route": result.route,
            "doc_type": result.doc_type.value,
            "findings": result.findings.len(),
            "reasons": reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            "versions": result.versions,
        });
        sqlite::insert_audit(
            &mut *tx,
            Some(hash),
            now,
            actor,
            AuditAction::ResultSaved,
            &detail,
        )
        .await?;
        let to = if doc.status == DocumentStatus::Posted {
            DocumentStatus::Posted
        } else {
            DocumentStatus::from_route(result.route)
        };
        if to != doc.status {
            sqlite::set_status(&mut *tx, hash, to, now).await?;
            let detail = json!({
                "from": doc.status,
                "to": to,
                "reason": format!("route {} of result v{version}", result.route.as_str()),
            });
            sqlite::insert_audit(
                &mut *tx,
                Some(hash),
                now,
                actor,
                AuditAction::StatusChanged,
                &detail,
            )
            .await?;
        }
        Ok(version)
    }

    /// The latest result and its version; `None` when the document has none yet.
    pub async fn latest_result(&self, hash: &ContentHash) -> Result<Option<(u32, DocumentResult)>> {
        match sqlite::result_json(&self.pool, hash, None).await? {
            Some((v, json)) => Ok(Some((v, serde_json::from_str(&json)?))),
            None => {
                self.document(hash).await?;
                Ok(None)
            }
        }
    }

    /// One result version.
    pub async fn result(&self, hash: &ContentHash, version: u32) -> Result<DocumentResult> {
        let (_, json) = sqlite::result_json(&self.pool, hash, Some(version))
            .await?
            .ok_or_else(|| StoreError::not_found("result", format!("{hash} v{version}")))?;
        Ok(serde_json::from_str(&json)?)
    }

    /// All result versions of a document, oldest first.
    pub async fn result_versions(&self, hash: &ContentHash) -> Result<Vec<ResultVersion>> {
        sqlite::result_versions(&self.pool, hash).await
    }

    /// The `fields` rows of a result version, in field-key order.
    pub async fn field_rows(&self, hash: &ContentHash, version: u32) -> Result<Vec<FieldRow>> {
        sqlite::field_rows(&self.pool, hash, version).await
    }

    /// The `findings` rows of a result version, in the pipeline's order.
    pub async fn finding_rows(&self, hash: &ContentHash, version: u32) -> Result<Vec<FindingRow>> {
        sqlite::finding_rows(&self.pool, hash, version).await
    }

    // -----------------------------------------------------------------------------------------
    // Audit, queue, duplicates

    /// Every audit event of a document, in the order they were written.
    pub async fn audit_trail(&self, hash: &ContentHash) -> Result<Vec<AuditEvent>> {
        sqlite::audit_trail(&self.pool, hash).await
    }

    /// The queue: documents by status and text, sorted, limited.
    pub async fn list_documents(&self, filter: &DocumentFilter) -> Result<Vec<DocumentSummary>> {
        sqlite::list_documents(&self.pool, filter).await
    }

    /// Number of documents in every status (zero included), in status order.
    pub async fn counts_by_status(&self) -> Result<BTreeMap<DocumentStatus, u64>> {
        let mut counts: BTreeMap<DocumentStatus, u64> =
            DocumentStatus::ALL.iter().map(|s| (*s, 0)).collect();
        counts.extend(sqlite::counts_by_status(&self.pool).await?);
        Ok(counts)
    }

    /// Earlier documents that look like the same invoice: same `seller_key` (see
    /// [`crate::seller_key`]) and the same invoice number (compared with
    /// [`normalise_invoice_number`]), or the same gross total (at two places) and issue date.
    /// `exclude` (the document being validated) is never reported. Oldest first; each hit once,
    /// `SameNumber` winning over `SameAmountAndDate`. Indexed are the latest results of
    /// invoices, credit notes and debit notes.
    pub async fn find_duplicates(
        &self,
        seller_key: &str,
        invoice_number: Option<&str>,
        gross: Option<Decimal>,
        issue_date: Option<NaiveDate>,
        exclude: &ContentHash,
    ) -> Result<Vec<DuplicateHit>> {
        let number_norm = invoice_number.and_then(normalise_invoice_number);
        let gross = gross.map(|g| g.to_string_fixed2());
        let date = issue_date.map(|d| d.format("%Y-%m-%d").to_string());
        let gross_and_date = gross.as_deref().zip(date.as_deref());
        sqlite::find_duplicates(
            &self.pool,
            seller_key,
            number_norm.as_deref(),
            gross_and_date,
            exclude,
        )
        .await
    }

    /// The current time of the store's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
