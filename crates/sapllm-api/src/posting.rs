//! Approving, rejecting and posting to SAP: the use cases over the store's outbox, the
//! mapping of `sapllm-sap` and the worker of `sapllm-outbox`.
//!
//! - **Approve** maps the latest result to SAP's `A_SupplierInvoice` (with the mapping of the
//!   connection settings) and, in one store transaction, sets the document `approved`, writes
//!   the audit event with the user's comment and creates the document's one outbox entry.
//!   A result that cannot be mapped is not approved: the error lists every mapping issue and
//!   the status stays as it was.
//! - **Post** runs the outbox worker with an SAP client until the outbox is idle (or only
//!   entries due later are left), or tries one document now; a document whose posting failed
//!   is mapped again from its latest result and its entry re-armed before that try.
//! - **Status** lists the entries with state, attempts, next try, last error, SAP number.
//!
//! The connection settings live in `<data dir>/sap.toml` ([`SapSettings`]) and hold no
//! secret: the password (or OAuth client secret) is only in the OS keyring, under the
//! settings' `profile` ([`sapllm_sap::CredentialStore`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sapllm_core::{ContentHash, DocumentResult};
pub use sapllm_outbox::{EntryOutcome, Idle, RunReport};
use sapllm_outbox::{OutboxWorker, WorkerConfig};
use sapllm_sap::mapping::{
    MappedInvoice, MappingConfig, MappingContext, MappingIssue, map_invoice,
};
use sapllm_sap::{
    CredentialStore, InvoiceKey, SapClient, SapConnection, Secret, SupplierInvoiceApi,
};
use sapllm_store::{
    DocumentStatus, EnqueueOutcome, NewPosting, OutboxEntry, OutboxFilter, OutboxState,
    PostingError, PostingTarget, SapDocument, StoreError,
};
use serde::{Deserialize, Serialize};

use crate::{Api, ApiError};

pub use sapllm_sap::{ConnectionCheck, ConnectionReport, Secret as SapSecret};
pub use sapllm_store::{OutboxFilter as PostingFilter, OutboxState as PostingState};

/// File name of the SAP settings inside the data folder.
pub const SAP_SETTINGS_FILE: &str = "sap.toml";

/// Keyring account used when the settings name none.
pub const DEFAULT_PROFILE: &str = "default";

/// The SAP side of the settings: where SAP is, how invoices map to it, how the outbox paces
/// itself. Never a secret (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SapSettings {
    /// Keyring account of this connection's secret.
    #[serde(default = "default_profile")]
    pub profile: String,
    pub connection: SapConnection,
    pub mapping: MappingConfig,
    #[serde(default)]
    pub outbox: OutboxSettings,
}

fn default_profile() -> String {
    DEFAULT_PROFILE.to_owned()
}

/// The worker's pacing as written in `sap.toml` (all optional; defaults suit a real system).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutboxSettings {
    pub lease_secs: u64,
    pub backoff_base_ms: u64,
    pub backoff_cap_ms: u64,
    pub max_sends: u32,
    pub batch_size: u32,
    pub max_retry_after_secs: u64,
    /// After a create whose outcome is unknown, wait at least this long before asking SAP.
    pub settle_after_unknown_ms: u64,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        let d = WorkerConfig::default();
        Self {
            lease_secs: d.lease.as_secs(),
            backoff_base_ms: u64::try_from(d.backoff_base.as_millis()).unwrap_or(u64::MAX),
            backoff_cap_ms: u64::try_from(d.backoff_cap.as_millis()).unwrap_or(u64::MAX),
            max_sends: d.max_sends,
            batch_size: d.batch_size,
            max_retry_after_secs: d.max_retry_after.as_secs(),
            settle_after_unknown_ms: u64::try_from(d.settle_after_unknown.as_millis())
                .unwrap_or(u64::MAX),
        }
    }
}

impl OutboxSettings {
    /// The worker configuration. The lease is raised to at least five request timeouts (a
    /// create may take a token, a CSRF fetch, the post, a CSRF re-fetch and a second post)
    /// so a live worker never loses an entry in the middle of a call.
    pub fn worker_config(&self, request_timeout_secs: u64) -> WorkerConfig {
        let min_lease = request_timeout_secs.saturating_mul(5).saturating_add(5);
        WorkerConfig {
            target: PostingTarget::Odata,
            batch_size: self.batch_size.max(1),
            lease: Duration::from_secs(self.lease_secs.max(min_lease)),
            backoff_base: Duration::from_millis(self.backoff_base_ms.max(1)),
            backoff_cap: Duration::from_millis(self.backoff_cap_ms)
                .max(Duration::from_millis(self.backoff_base_ms.max(1))),
            max_sends: self.max_sends.max(1),
            max_retry_after: Duration::from_secs(self.max_retry_after_secs),
            settle_after_unknown: Duration::from_millis(self.settle_after_unknown_ms),
            ..WorkerConfig::default()
        }
    }
}

impl SapSettings {
    /// A profile with Basic auth for `user`; the mapping knows only the company code (tax
    /// codes, suppliers and G/L accounts are added to `sap.toml` by the administrator).
    pub fn basic(base_url: &str, company_code: &str, user: &str) -> Self {
        Self {
            profile: default_profile(),
            connection: SapConnection::basic(base_url, company_code, user),
            mapping: MappingConfig {
                company_code: company_code.to_owned(),
                tax_codes: Vec::new(),
                default_gl_account: None,
                suppliers: Vec::new(),
                posting_date: Default::default(),
                long_reference: Default::default(),
                tax_is_calculated_automatically: false,
            },
            outbox: OutboxSettings::default(),
        }
    }

    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(SAP_SETTINGS_FILE)
    }

    /// The settings of a data folder; `None` when SAP was never configured.
    pub fn load(data_dir: &Path) -> Result<Option<Self>, ApiError> {
        let path = Self::path(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(ApiError::new(
                    "config",
                    format!("cannot read {}: {e}", path.display()),
                ));
            }
        };
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| ApiError::new("config", format!("{} is not valid: {e}", path.display())))
    }

    /// Writes the settings (atomically: a temporary file renamed over the old one).
    pub fn save(&self, data_dir: &Path) -> Result<PathBuf, ApiError> {
        let path = Self::path(data_dir);
        let body =
            toml::to_string_pretty(self).map_err(|e| ApiError::new("config", e.to_string()))?;
        let text = format!(
            "# SAP connection of SAP_LLM Desktop (written by `sapllm sap configure`).\n\
             # No secret belongs here: the password is kept in the OS keyring under the profile below.\n\
             {body}"
        );
        std::fs::create_dir_all(data_dir).map_err(|e| {
            ApiError::new(
                "config",
                format!("cannot create {}: {e}", data_dir.display()),
            )
        })?;
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                ApiError::new("config", format!("cannot write {}: {e}", path.display()))
            })?;
        Ok(path)
    }
}

/// A document's posting as the document view and the status list show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostingView {
    pub outbox_id: i64,
    pub hash: ContentHash,
    pub state: OutboxState,
    /// What the clerk reads: "waiting to post", "posted", "posting failed — needs you".
    pub summary: String,
    pub idempotency_key: String,
    pub invoice_key: serde_json::Value,
    pub attempts: u32,
    pub sends: u32,
    /// Pending: the next try; in flight: end of the worker's lease.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<PostingError>,
    pub sap_document: Option<String>,
    pub sap_fiscal_year: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<&OutboxEntry> for PostingView {
    fn from(e: &OutboxEntry) -> Self {
        let summary = match e.state {
            OutboxState::Pending if e.last_error.is_some() => {
                "waiting to post (retrying)".to_owned()
            }
            OutboxState::Pending => "waiting to post".to_owned(),
            OutboxState::InFlight => "posting now".to_owned(),
            OutboxState::Posted => match &e.sap_document {
                Some(SapDocument {
                    number,
                    fiscal_year,
                }) => format!("posted: SAP document {number} / {fiscal_year}"),
                None => "posted".to_owned(),
            },
            OutboxState::Failed => "posting failed — needs you".to_owned(),
        };
        Self {
            outbox_id: e.id,
            hash: e.document_hash.clone(),
            state: e.state,
            summary,
            idempotency_key: e.idempotency_key.clone(),
            invoice_key: e.invoice_key.clone(),
            attempts: e.attempts,
            sends: e.sends,
            next_attempt_at: e.state.is_open().then_some(e.next_attempt_at),
            last_error: e.last_error.clone(),
            sap_document: e.sap_document.as_ref().map(|s| s.number.clone()),
            sap_fiscal_year: e.sap_document.as_ref().map(|s| s.fiscal_year.clone()),
            updated_at: e.updated_at,
        }
    }
}

/// What an approval did.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalOutcome {
    pub hash: ContentHash,
    pub previous_status: DocumentStatus,
    pub outcome: EnqueueOutcome,
    pub posting: PostingView,
    /// What the approval taught (its corrections and confirmations); `None` if learning
    /// failed, which never undoes the approval (the reason is logged).
    pub learning: Option<crate::learning::LearnOutcome>,
}

/// One line of the posting status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostingRow {
    #[serde(flatten)]
    pub posting: PostingView,
    pub file_name: Option<String>,
    pub document_status: Option<DocumentStatus>,
}

/// The outbox at a glance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostingStatus {
    pub counts: BTreeMap<OutboxState, u64>,
    pub entries: Vec<PostingRow>,
}

/// What a posting run did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostReport {
    pub run: RunReport,
    pub idle: Idle,
    /// Entries still open afterwards (pending or in flight).
    pub open: u64,
    pub failed: u64,
}

/// What posting one document did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostOneReport {
    /// `None`: nothing was tried (no open entry, or another worker holds it).
    pub outcome: Option<EntryOutcome>,
    /// Whether a failed posting was mapped again and re-armed first.
    pub rearmed: bool,
    pub posting: Option<PostingView>,
}

/// A mapped result: what approving would put in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostingPreview {
    pub hash: ContentHash,
    pub result_version: u32,
    pub invoice_key: InvoiceKey,
    pub payload: serde_json::Value,
}

/// Maps a result to a posting, or lists what stops it.
pub type PayloadBuilder<'a> = dyn Fn(&DocumentResult) -> Result<(serde_json::Value, InvoiceKey), Vec<MappingIssue>>
    + Sync
    + 'a;

/// The OData payload and the duplicate-check key of a result, with the mapping of `cfg` and
/// the posting date policy applied to `today`.
pub fn map_for_odata(
    result: &DocumentResult,
    cfg: &MappingConfig,
    today: chrono::NaiveDate,
) -> Result<(serde_json::Value, InvoiceKey), Vec<MappingIssue>> {
    let ctx = MappingContext {
        today,
        purchase_order: None,
    };
    let mapped: MappedInvoice = map_invoice(result, cfg, &ctx)?;
    let key = InvoiceKey {
        company_code: mapped.company_code.clone(),
        invoicing_party: mapped.supplier.clone(),
        reference: mapped.reference.clone(),
    };
    Ok((sapllm_sap::payload::to_odata(&mapped), key))
}

fn issues_text(issues: &[MappingIssue]) -> String {
    issues
        .iter()
        .map(|i| format!("{}: {}", i.field, i.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Store refusals (approve / reject guards) as the clerk's error codes.
fn refusal(e: StoreError, code: &str) -> ApiError {
    match e {
        StoreError::InvalidInput(m) => ApiError::new(code, m),
        other => ApiError::from(other),
    }
}

impl Api {
    /// The SAP settings of this data folder (`not_configured` when there are none).
    pub fn sap_settings(&self) -> Result<SapSettings, ApiError> {
        SapSettings::load(&self.settings.data_dir)?.ok_or_else(|| {
            ApiError::new(
                "not_configured",
                "SAP is not configured: run `sapllm sap configure --url … --company-code … --user …`",
            )
        })
    }

    /// Writes `sap.toml` and, when a secret is given, stores it in the OS keyring under the
    /// profile. The file is written first: a keyring failure leaves the settings in place
    /// and says so (code `credentials`).
    pub fn configure_sap(
        &self,
        settings: &SapSettings,
        secret: Option<&Secret>,
    ) -> Result<PathBuf, ApiError> {
        let path = settings.save(&self.settings.data_dir)?;
        if let Some(secret) = secret {
            CredentialStore::new()
                .store(&settings.profile, secret)
                .map_err(|e| {
                    ApiError::new(
                        "credentials",
                        format!(
                            "{} was written, but the password could not be stored: {e}",
                            path.display()
                        ),
                    )
                })?;
        }
        Ok(path)
    }

    /// An SAP client from the settings, with the secret from the OS keyring — or `secret`
    /// when given (an unattended run that passes it on standard input; it is never stored).
    pub fn sap_client(&self, secret: Option<Secret>) -> Result<SapClient, ApiError> {
        let settings = self.sap_settings()?;
        let secret = match secret {
            Some(s) => s,
            None => CredentialStore::new()
                .load(&settings.profile)
                .map_err(|e| ApiError::new("credentials", e.to_string()))?
                .ok_or_else(|| {
                    ApiError::new(
                        "credentials",
                        format!(
                            "no password stored for SAP profile '{}': run `sapllm sap configure … --password-stdin`",
                            settings.profile
                        ),
                    )
                })?,
        };
        SapClient::new(settings.connection, secret)
            .map_err(|e| ApiError::new("config", e.to_string()))
    }

    /// Checks the connection step by step without changing anything (credentials, each
    /// service's metadata, a CSRF token).
    pub async fn test_sap(&self, secret: Option<Secret>) -> Result<ConnectionReport, ApiError> {
        let client = self.sap_client(secret)?;
        Ok(client.test_connection().await)
    }

    /// What approving this document would post (or why it cannot be posted).
    pub async fn posting_preview(&self, id: &str) -> Result<PostingPreview, ApiError> {
        let settings = self.sap_settings()?;
        let today = self.store.now().date_naive();
        self.preview_with(id, &|r| map_for_odata(r, &settings.mapping, today))
            .await
    }

    async fn preview_with(
        &self,
        id: &str,
        build: &PayloadBuilder<'_>,
    ) -> Result<PostingPreview, ApiError> {
        let hash = self.store.find_by_prefix(id).await?;
        let (version, result) = self.store.latest_result(&hash).await?.ok_or_else(|| {
            ApiError::new(
                "not_approvable",
                format!("document {} has no result to post", hash.short()),
            )
        })?;
        let (payload, invoice_key) = build(&result).map_err(|issues| {
            ApiError::new(
                "mapping",
                format!("cannot be posted to SAP as it is: {}", issues_text(&issues)),
            )
        })?;
        Ok(PostingPreview {
            hash,
            result_version: version,
            invoice_key,
            payload,
        })
    }

    /// A person approves a document (`to_review` or `ready_to_post` only): its latest result
    /// is mapped with the SAP settings and, in one step, the status becomes `approved`, the
    /// comment goes into the audit log and the outbox entry is created. Refused — status
    /// unchanged — when the result cannot be mapped (code `mapping`, every issue listed) or
    /// the status does not allow it (code `not_approvable`).
    pub async fn approve(
        &self,
        id: &str,
        user: &str,
        comment: Option<&str>,
    ) -> Result<ApprovalOutcome, ApiError> {
        let settings = self.sap_settings()?;
        let today = self.store.now().date_naive();
        self.approve_with(id, user, comment, &|r| {
            map_for_odata(r, &settings.mapping, today)
        })
        .await
    }

    /// [`Api::approve`] with the payload built by `build` (tests, other targets).
    pub async fn approve_with(
        &self,
        id: &str,
        user: &str,
        comment: Option<&str>,
        build: &PayloadBuilder<'_>,
    ) -> Result<ApprovalOutcome, ApiError> {
        let user = user.trim();
        if user.is_empty() {
            return Err(ApiError::new(
                "invalid_input",
                "an approval needs a user name",
            ));
        }
        let hash = self.store.find_by_prefix(id).await?;
        let doc = self.store.document(&hash).await?;
        if !sapllm_store::APPROVABLE.contains(&doc.status) {
            let why = match doc.status {
                DocumentStatus::Approved => {
                    "it is already approved (see `sapllm sap status`)".to_owned()
                }
                DocumentStatus::Posted => "it is already posted to SAP".to_owned(),
                other => format!(
                    "it is {other}; only documents to review or ready to post can be approved"
                ),
            };
            return Err(ApiError::new(
                "not_approvable",
                format!("document {} cannot be approved: {why}", hash.short()),
            ));
        }
        let preview = self.preview_with(hash.as_str(), build).await?;
        let posting = NewPosting {
            target: PostingTarget::Odata,
            payload: preview.payload,
            invoice_key: serde_json::to_value(&preview.invoice_key)
                .map_err(|e| ApiError::new("internal", e.to_string()))?,
        };
        let done = self
            .store
            .approve(&hash, user, comment, &posting)
            .await
            .map_err(|e| refusal(e, "not_approvable"))?;
        // The corrections of an approved document become training signal. Learning runs after
        // the approval is stored: if it fails, the approval stands.
        let learning = match self.learn_from_approved(hash.as_str(), user).await {
            Ok(l) => Some(l),
            Err(e) => {
                tracing::warn!(document = %hash.short(), "learning from the approval failed: {e}");
                None
            }
        };
        Ok(ApprovalOutcome {
            hash,
            previous_status: done.previous_status,
            outcome: done.outcome,
            posting: PostingView::from(&done.entry),
            learning,
        })
    }

    /// A person rejects a document, with a reason. Refused while its posting is under way
    /// (code `posting_in_progress`) or when it is posted (`not_rejectable`).
    pub async fn reject(
        &self,
        id: &str,
        user: &str,
        comment: &str,
    ) -> Result<DocumentStatus, ApiError> {
        let hash = self.store.find_by_prefix(id).await?;
        if let Some(e) = self.store.outbox_entry_for(&hash).await? {
            if e.state.is_open() {
                return Err(ApiError::new(
                    "posting_in_progress",
                    format!(
                        "document {} is being posted to SAP ({}); wait until it is posted or fails",
                        hash.short(),
                        e.state
                    ),
                ));
            }
        }
        self.store
            .reject(&hash, user.trim(), comment)
            .await
            .map_err(|e| refusal(e, "not_rejectable"))
    }

    /// Runs the outbox with `sap` until it is idle, or until only entries due more than
    /// `max_wait` from now are left (offline, or SAP asked to wait).
    pub async fn post_pending<A: SupplierInvoiceApi>(
        &self,
        sap: A,
        max_wait: Duration,
    ) -> Result<PostReport, ApiError> {
        let config = self.worker_config()?;
        let mut worker = OutboxWorker::new(self.store.clone(), sap, config)
            .map_err(|e| ApiError::new("config", e.to_string()))?;
        let (run, idle) = worker
            .run_until_idle(max_wait)
            .await
            .map_err(worker_error)?;
        let counts = self.store.outbox_counts().await?;
        Ok(PostReport {
            run,
            idle,
            open: counts[&OutboxState::Pending] + counts[&OutboxState::InFlight],
            failed: counts[&OutboxState::Failed],
        })
    }

    /// Tries one document's posting now. A failed posting is mapped again from the latest
    /// result and its entry re-armed first (the clerk fixed the cause); a pending one is
    /// tried at once whatever its schedule.
    pub async fn post_document<A: SupplierInvoiceApi>(
        &self,
        id: &str,
        user: &str,
        sap: A,
    ) -> Result<PostOneReport, ApiError> {
        let settings = self.sap_settings()?;
        let today = self.store.now().date_naive();
        self.post_document_with(id, user, sap, &|r| {
            map_for_odata(r, &settings.mapping, today)
        })
        .await
    }

    /// [`Api::post_document`] with the payload built by `build`.
    pub async fn post_document_with<A: SupplierInvoiceApi>(
        &self,
        id: &str,
        user: &str,
        sap: A,
        build: &PayloadBuilder<'_>,
    ) -> Result<PostOneReport, ApiError> {
        let hash = self.store.find_by_prefix(id).await?;
        let entry = self.store.outbox_entry_for(&hash).await?.ok_or_else(|| {
            ApiError::new(
                "not_approved",
                format!(
                    "document {} was never approved: approve it first",
                    hash.short()
                ),
            )
        })?;
        let mut rearmed = false;
        if entry.state == OutboxState::Failed {
            let preview = self.preview_with(hash.as_str(), build).await?;
            let posting = NewPosting {
                target: entry.target,
                payload: preview.payload,
                invoice_key: serde_json::to_value(&preview.invoice_key)
                    .map_err(|e| ApiError::new("internal", e.to_string()))?,
            };
            self.store
                .enqueue_posting(&hash, &posting, user)
                .await
                .map_err(|e| refusal(e, "not_approvable"))?;
            rearmed = true;
        }
        let config = self.worker_config()?;
        let mut worker = OutboxWorker::new(self.store.clone(), sap, config)
            .map_err(|e| ApiError::new("config", e.to_string()))?;
        let outcome = worker.post_document(&hash).await.map_err(worker_error)?;
        let posting = self
            .store
            .outbox_entry_for(&hash)
            .await?
            .as_ref()
            .map(PostingView::from);
        Ok(PostOneReport {
            outcome,
            rearmed,
            posting,
        })
    }

    /// Counts per state and the entries (most recently changed first), with their documents'
    /// file names and statuses.
    pub async fn posting_status(&self, filter: &OutboxFilter) -> Result<PostingStatus, ApiError> {
        let counts = self.store.outbox_counts().await?;
        let mut entries = Vec::new();
        for e in self.store.outbox_entries(filter).await? {
            let doc = self.store.document(&e.document_hash).await.ok();
            entries.push(PostingRow {
                posting: PostingView::from(&e),
                file_name: doc.as_ref().map(|d| d.file_name.clone()),
                document_status: doc.map(|d| d.status),
            });
        }
        Ok(PostingStatus { counts, entries })
    }

    /// The posting of one document, if it was ever approved.
    pub async fn posting_of(&self, hash: &ContentHash) -> Result<Option<PostingView>, ApiError> {
        Ok(self
            .store
            .outbox_entry_for(hash)
            .await?
            .as_ref()
            .map(PostingView::from))
    }

    fn worker_config(&self) -> Result<WorkerConfig, ApiError> {
        let settings = SapSettings::load(&self.settings.data_dir)?;
        Ok(match settings {
            Some(s) => s.outbox.worker_config(s.connection.timeout_secs),
            None => WorkerConfig::default(),
        })
    }
}

fn worker_error(e: sapllm_outbox::WorkerError) -> ApiError {
    match e {
        sapllm_outbox::WorkerError::Connection(p) => {
            ApiError::new("sap_connection", format!("{}: {}", p.code, p.message))
        }
        sapllm_outbox::WorkerError::Store(s) => ApiError::from(s),
        other => ApiError::new("outbox", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;
    use sapllm_core::{FieldKey, FileKind, Route};
    use sapllm_outbox::fake::{CreateStep, FakeSap, permanent};
    use sapllm_sap::fixtures;

    /// An API over a fresh data folder with SAP configured for the fixtures' mapping, and
    /// one G/L invoice (to review) with invoice number `number`.
    async fn api_with_invoice(number: &str) -> (tempfile::TempDir, Api, ContentHash) {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = SapSettings::basic("http://127.0.0.1:9", "1010", "SAPLLM_TEST");
        settings.mapping = fixtures::config();
        settings.save(dir.path()).unwrap();
        let api = Api::open(&Settings::new(dir.path().to_path_buf()))
            .await
            .unwrap();
        let hash = add_invoice(&api, number).await;
        (dir, api, hash)
    }

    async fn add_invoice(api: &Api, number: &str) -> ContentHash {
        let bytes = format!("%PDF-1.7\n% {number}\n%%EOF\n").into_bytes();
        let hash = api
            .store()
            .put_original(&bytes, "inv.pdf", FileKind::Pdf)
            .await
            .unwrap()
            .hash;
        let mut result = fixtures::gl_invoice()
            .field(FieldKey::InvoiceNumber, number)
            .build();
        result.hash = hash.clone();
        result.route = Route::Review;
        api.store().save_result(&hash, &result).await.unwrap();
        hash
    }

    #[tokio::test]
    async fn approval_maps_the_result_and_queues_it_and_posting_shows_sap_s_number() {
        let (_dir, api, hash) = api_with_invoice("2024/117").await;
        let preview = api.posting_preview(hash.short()).await.unwrap();
        assert_eq!(preview.invoice_key.reference, "2024/117");
        assert_eq!(preview.invoice_key.invoicing_party, "17300002");
        assert_eq!(preview.payload["InvoiceGrossAmount"], "333.00");

        let done = api.approve(hash.short(), "anna", Some("ok")).await.unwrap();
        assert_eq!(done.previous_status, DocumentStatus::ToReview);
        assert_eq!(done.outcome, EnqueueOutcome::Created);
        assert_eq!(done.posting.state, OutboxState::Pending);
        assert_eq!(done.posting.summary, "waiting to post");
        let err = api.approve(hash.short(), "anna", None).await.unwrap_err();
        assert_eq!(err.code, "not_approvable");
        assert!(err.message.contains("already approved"), "{err}");
        let err = api.reject(hash.short(), "anna", "no").await.unwrap_err();
        assert_eq!(err.code, "posting_in_progress");

        let sap = FakeSap::new();
        let report = api
            .post_pending(sap.clone(), Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(report.run.created, 1);
        assert_eq!((report.open, report.failed), (0, 0));
        assert_eq!(report.idle, Idle::Empty);
        assert_eq!(sap.document_count(), 1);
        let view = api.show(hash.short()).await.unwrap();
        assert_eq!(view.document.status, DocumentStatus::Posted);
        let posting = view.posting.unwrap();
        assert!(posting.sap_document.is_some() && posting.sap_fiscal_year.is_some());
        assert!(
            posting.summary.starts_with("posted: SAP document"),
            "{posting:?}"
        );
        let status = api.posting_status(&OutboxFilter::default()).await.unwrap();
        assert_eq!(status.counts[&OutboxState::Posted], 1);
        assert_eq!(status.entries[0].file_name.as_deref(), Some("inv.pdf"));
        assert_eq!(
            status.entries[0].document_status,
            Some(DocumentStatus::Posted)
        );
    }

    #[tokio::test]
    async fn an_unmappable_result_is_not_approved_and_the_issues_are_listed() {
        let (_dir, api, hash) = api_with_invoice("2024/118").await;
        // A supplier the mapping does not know, and no date.
        let mut result = api.store().latest_result(&hash).await.unwrap().unwrap().1;
        result.fields.remove(&FieldKey::SellerVatId);
        result.fields.remove(&FieldKey::IssueDate);
        api.store().save_result(&hash, &result).await.unwrap();
        let err = api.approve(hash.short(), "anna", None).await.unwrap_err();
        assert_eq!(err.code, "mapping");
        assert!(err.message.contains("issue_date"), "{err}");
        assert!(err.message.contains("; "), "every issue listed: {err}");
        assert_eq!(
            api.store().document(&hash).await.unwrap().status,
            DocumentStatus::ToReview
        );
        assert!(api.store().outbox_entry_for(&hash).await.unwrap().is_none());
        // A builder that refuses, too.
        let err = api
            .approve_with(hash.short(), "anna", None, &|_| {
                Err(vec![MappingIssue {
                    field: "po_number".into(),
                    message: "no such PO".into(),
                }])
            })
            .await
            .unwrap_err();
        assert_eq!(err.code, "mapping");
        assert!(err.message.contains("po_number: no such PO"));
    }

    #[tokio::test]
    async fn a_failed_posting_is_mapped_again_and_retried_on_request() {
        let (_dir, api, hash) = api_with_invoice("2024/119").await;
        api.approve(hash.short(), "anna", None).await.unwrap();
        let sap = FakeSap::new();
        sap.script_creates([CreateStep::FailBeforeCommit(permanent(
            "M8/872",
            "Posting period 004 2024 is not open",
        ))]);
        let report = api
            .post_pending(sap.clone(), Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(report.failed, 1);
        let view = api.show(hash.short()).await.unwrap();
        assert_eq!(view.document.status, DocumentStatus::Approved);
        let p = view.posting.unwrap();
        assert_eq!(p.summary, "posting failed — needs you");
        assert_eq!(p.last_error.unwrap().code, "M8/872");

        // The period is opened in SAP; the clerk posts again.
        let done = api
            .post_document(hash.short(), "bob", sap.clone())
            .await
            .unwrap();
        assert!(done.rearmed);
        assert!(matches!(
            done.outcome,
            Some(EntryOutcome::Posted {
                found_existing: false,
                ..
            })
        ));
        assert_eq!(sap.document_count(), 1);
        let trail = api.store().audit_trail(&hash).await.unwrap();
        assert!(
            trail
                .iter()
                .any(|e| e.actor == "bob" && e.detail["reason"] == "posting re-queued")
        );
    }

    #[tokio::test]
    async fn rejection_needs_no_sap_and_is_audited() {
        let (_dir, api, hash) = api_with_invoice("2024/120").await;
        let from = api
            .reject(hash.short(), "anna", "not our invoice")
            .await
            .unwrap();
        assert_eq!(from, DocumentStatus::ToReview);
        let err = api.approve(hash.short(), "anna", None).await.unwrap_err();
        assert_eq!(err.code, "not_approvable");
        assert!(err.message.contains("rejected"), "{err}");
        let err = api.reject(hash.short(), "anna", " ").await.unwrap_err();
        assert_eq!(err.code, "not_rejectable");
    }

    #[test]
    fn sap_settings_round_trip_without_a_secret_and_a_safe_lease() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SapSettings::basic("https://s4.example.com", "1010", "COMM_USER");
        s.mapping = fixtures::config();
        let path = s.save(dir.path()).unwrap();
        assert_eq!(SapSettings::load(dir.path()).unwrap(), Some(s.clone()));
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("No secret belongs here"), "{text}");
        assert!(!text.to_lowercase().contains("password ="), "{text}");
        assert_eq!(
            SapSettings::load(&dir.path().join("nothing")).unwrap(),
            None
        );
        std::fs::write(dir.path().join(SAP_SETTINGS_FILE), "connection = 3").unwrap();
        assert_eq!(SapSettings::load(dir.path()).unwrap_err().code, "config");

        let short = OutboxSettings {
            lease_secs: 1,
            ..OutboxSettings::default()
        };
        let c = short.worker_config(30);
        assert_eq!(
            c.lease,
            Duration::from_secs(155),
            "five request timeouts + 5 s"
        );
        assert!(c.validate().is_ok());
    }
}
