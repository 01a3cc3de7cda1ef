//! The posting outbox: approval, rejection, and the durable queue of SAP postings.
//!
//! SAP is written only through the outbox. Approving a document inserts its one entry (one per
//! document, ever; the idempotency key is derived from the content hash) in the same
//! transaction as the status change to `approved` and its audit event. A worker (crate
//! `sapllm-outbox`) then claims due entries, asks SAP whether the invoice already exists,
//! creates it if not, and records SAP's document number here.
//!
//! # States of an entry
//! ```text
//!  approve ─▶ pending ─claim─▶ in_flight ─┬─ found in SAP / created ─▶ posted   (document: posted)
//!               ▲                         ├─ transient error ───────▶ pending  (next_attempt_at = backoff)
//!               │                         ├─ permanent error / gave up ▶ failed (document stays approved)
//!               │                         └─ worker died ─ lease runs out ─▶ claimable again
//!               └──────── re-arm (approve again / "post again") ◀── failed
//! ```
//! `in_flight` carries a lease in `next_attempt_at`: a worker that crashed between sending and
//! recording leaves its entry `in_flight`, and once the lease has run out the entry can be
//! claimed again — the next try asks SAP first, so the lost response is healed, not repeated.
//!
//! Every write a worker makes after its claim is conditional on the claim ([`Claim`]: entry
//! and attempt number): a worker whose lease ran out and whose entry another worker took can
//! no longer send, retry or fail it. So two workers (the app and `sapllm sap post`) may run at
//! once without ever working on the same entry at the same time.
//!
//! # What the clerk sees
//! - `approved` + entry `pending`/`in_flight`: "waiting to post" (attempts, next try, the last
//!   transient error — e.g. offline).
//! - `posted`: SAP's document number and fiscal year (on the entry; the audit event says
//!   whether this app created it or found it already in SAP).
//! - `approved` + entry `failed`: "posting failed — needs you", with SAP's code and message in
//!   plain words (`last_error_code`, `last_error_message`), also as a `failed` audit event
//!   with `stage = "sap_posting"`. The document deliberately stays `approved` (not `failed`):
//!   `failed` means "could not be read", and the document was read, checked and approved; what
//!   failed is its posting. The clerk fixes the cause (in SAP or by correcting and approving
//!   again) and posts again, which re-arms the same entry; or rejects the document.
//!
//! # Audit events
//! Existing actions, with the posting in their detail: approval, rejection and posting are
//! `status_changed` (posting: `approved → posted` with `sap_document`, `sap_fiscal_year` and
//! `found_existing`); a re-armed posting is `status_changed` `approved → approved` with
//! `reason: "posting re-queued"`; a failed posting is `failed` with `stage: "sap_posting"`.
//! Transient retries are not audit events (they change no state a person decided); the entry
//! shows the last one.

use chrono::{DateTime, Utc};
use sapllm_core::ContentHash;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::model::{AuditAction, DocumentStatus};
use crate::sqlite;
use crate::{Store, StoreError};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Actor of the audit events the outbox worker writes.
pub const ACTOR_OUTBOX: &str = "sap-outbox";

/// Statuses from which a person can approve a document.
pub const APPROVABLE: [DocumentStatus; 2] = [DocumentStatus::ToReview, DocumentStatus::ReadyToPost];

/// Statuses from which a person can reject a document (an `approved` one only while its
/// posting is not under way: see [`Store::reject`]).
pub const REJECTABLE: [DocumentStatus; 4] = [
    DocumentStatus::Processed,
    DocumentStatus::ToReview,
    DocumentStatus::ReadyToPost,
    DocumentStatus::Approved,
];

/// Where a posting goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostingTarget {
    /// SAP S/4HANA OData `API_SUPPLIERINVOICE_PROCESS_SRV`.
    Odata,
    /// An IDoc INVOIC02 file export.
    Idoc,
}

impl PostingTarget {
    pub fn as_str(&self) -> &'static str {
        match self {
            PostingTarget::Odata => "odata",
            PostingTarget::Idoc => "idoc",
        }
    }
}

impl fmt::Display for PostingTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PostingTarget {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "odata" => Ok(PostingTarget::Odata),
            "idoc" => Ok(PostingTarget::Idoc),
            _ => Err(StoreError::InvalidInput(format!(
                "unknown posting target '{s}'"
            ))),
        }
    }
}

/// Where an outbox entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting for its next try (`next_attempt_at`).
    Pending,
    /// A worker holds it until `next_attempt_at` (its lease).
    InFlight,
    /// In SAP; the document number is on the entry. Final.
    Posted,
    /// Needs a person: SAP refused it, or the worker gave up. Re-armed by posting again.
    Failed,
}

impl OutboxState {
    pub const ALL: [OutboxState; 4] = [
        OutboxState::Pending,
        OutboxState::InFlight,
        OutboxState::Posted,
        OutboxState::Failed,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::InFlight => "in_flight",
            OutboxState::Posted => "posted",
            OutboxState::Failed => "failed",
        }
    }

    /// Pending or in flight: the worker still has work with it.
    pub fn is_open(&self) -> bool {
        matches!(self, OutboxState::Pending | OutboxState::InFlight)
    }
}

impl fmt::Display for OutboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutboxState {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self> {
        OutboxState::ALL
            .iter()
            .find(|st| st.as_str() == s)
            .copied()
            .ok_or_else(|| StoreError::InvalidInput(format!("unknown outbox state '{s}'")))
    }
}

/// SAP's key of a posted supplier invoice (the store's own copy of `sapllm_sap::SapDocumentRef`:
/// the store knows no SAP client).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SapDocument {
    /// `SupplierInvoice`, e.g. `5105600001`.
    pub number: String,
    /// `FiscalYear`, e.g. `2024`.
    pub fiscal_year: String,
}

/// Why a try failed: a stable code and plain words (SAP's message where there is one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingError {
    pub code: String,
    pub message: String,
}

impl PostingError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for PostingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// What to post: made by the mapping when a document is approved, frozen in the entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPosting {
    pub target: PostingTarget,
    /// The request body (for OData: the deep insert of `A_SupplierInvoice`).
    pub payload: serde_json::Value,
    /// SAP's duplicate-check key (`sapllm_sap::InvoiceKey` as JSON).
    pub invoice_key: serde_json::Value,
}

/// One outbox entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub document_hash: ContentHash,
    pub idempotency_key: String,
    pub target: PostingTarget,
    pub payload: serde_json::Value,
    pub invoice_key: serde_json::Value,
    /// Keys of earlier payloads of this entry that differ from the current one (see
    /// [`Store::enqueue_posting`]); the worker asks SAP for these too.
    pub previous_keys: Vec<serde_json::Value>,
    pub state: OutboxState,
    /// Claims (tries) since the entry was armed.
    pub attempts: u32,
    /// Creates sent to SAP since the entry was armed.
    pub sends: u32,
    /// Pending: when the next try is due. In flight: when the worker's lease runs out.
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<PostingError>,
    pub sap_document: Option<SapDocument>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OutboxEntry {
    /// The claim a worker holds after [`Store::claim_due`] returned this entry.
    pub fn claim(&self) -> Claim {
        Claim {
            id: self.id,
            attempt: self.attempts,
        }
    }

    /// The current key first, then the earlier ones.
    pub fn all_keys(&self) -> impl Iterator<Item = &serde_json::Value> {
        std::iter::once(&self.invoice_key).chain(self.previous_keys.iter())
    }
}

/// A worker's hold on an entry: its id and the attempt number the claim gave it. Writes made
/// with a claim succeed only while nobody has claimed the entry since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Claim {
    pub id: i64,
    pub attempt: u32,
}

/// How an entry came to be posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostedHow {
    /// This app's create returned SAP's key.
    Created,
    /// SAP already had the invoice (an earlier create whose answer was lost, a crash between
    /// sending and recording, or a posting made outside this app): recorded, not created again.
    FoundExisting,
}

/// What [`Store::enqueue_posting`] and [`Store::approve`] did with the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnqueueOutcome {
    /// A new entry.
    Created,
    /// The existing entry, unchanged (it is pending, in flight or posted).
    Existing,
    /// The failed entry, armed again with the new payload.
    Rearmed,
    /// The pending entry that had never been sent, with the new payload.
    Replaced,
}

/// An approval or an enqueue: the entry and what happened to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enqueued {
    pub entry: OutboxEntry,
    pub outcome: EnqueueOutcome,
    /// The document's status before (it is `approved` after).
    pub previous_status: DocumentStatus,
}

/// Which entries [`Store::outbox_entries`] lists (newest change first).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboxFilter {
    /// Only these states (empty: all).
    pub states: Vec<OutboxState>,
    pub limit: Option<u32>,
}

impl OutboxFilter {
    pub fn state(mut self, state: OutboxState) -> Self {
        self.states.push(state);
        self
    }

    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }
}

/// The idempotency key of a document's posting: a UUID (RFC 9562 version 8, "custom") made
/// from the SHA-256 of the content hash, so it is stable for the document's life, is the same
/// on every machine, and has the shape SAP's `Repeatability-Request-ID` header expects.
pub fn idempotency_key_for(hash: &ContentHash) -> String {
    let digest = Sha256::new()
        .chain_update(b"sapllm/outbox/v1\0")
        .chain_update(hash.as_str().as_bytes())
        .finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // variant 10
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

impl Store {
    // -----------------------------------------------------------------------------------------
    // Decisions of a person

    /// A person approves a document: only from `to_review` or `ready_to_post` (anything else
    /// is refused with the reason, nothing changes). In one transaction: the status becomes
    /// `approved`, a `status_changed` audit event records the user and the comment, and the
    /// document's outbox entry is created (or re-armed, see [`Store::enqueue_posting`]).
    pub async fn approve(
        &self,
        hash: &ContentHash,
        user: &str,
        comment: Option<&str>,
        posting: &NewPosting,
    ) -> Result<Enqueued> {
        self.enqueue_inner(hash, posting, user, comment, true).await
    }

    /// Puts a document's posting in the outbox, one entry per document: the status becomes
    /// `approved` (from `to_review`, `ready_to_post`, or already `approved`), with an audit
    /// event, in the same transaction. Enqueuing again never makes a second entry:
    /// - no entry yet: a new one (`Created`);
    /// - pending, in flight or posted: that entry, unchanged (`Existing`) — except a pending
    ///   entry that was never sent to SAP and has another payload, which takes the new one
    ///   (`Replaced`: e.g. the document was re-processed and approved again before posting);
    /// - failed: the same entry armed again with the new payload, tries counted from zero
    ///   (`Rearmed`). If the new invoice key differs, the old one is kept in `previous_keys`
    ///   and still asked, so a create that may have reached SAP under it is never repeated.
    pub async fn enqueue_posting(
        &self,
        hash: &ContentHash,
        posting: &NewPosting,
        actor: &str,
    ) -> Result<Enqueued> {
        self.enqueue_inner(hash, posting, actor, None, false).await
    }

    async fn enqueue_inner(
        &self,
        hash: &ContentHash,
        posting: &NewPosting,
        actor: &str,
        comment: Option<&str>,
        person_approves: bool,
    ) -> Result<Enqueued> {
        let now = self.now();
        let payload_json = serde_json::to_string(&posting.payload)?;
        let key_json = serde_json::to_string(&posting.invoice_key)?;
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let doc = sqlite::document(&mut tx, hash)
            .await?
            .ok_or_else(|| StoreError::not_found("document", hash.as_str()))?;
        let allowed = APPROVABLE.contains(&doc.status)
            || (!person_approves && doc.status == DocumentStatus::Approved);
        if !allowed {
            return Err(StoreError::InvalidInput(format!(
                "document {} is {}: only documents to review or ready to post can be approved",
                hash.short(),
                doc.status
            )));
        }
        let existing = sql::entry_for(&mut tx, hash).await?;
        let (id, outcome) = match existing {
            None => {
                let id = sql::insert(
                    &mut tx,
                    hash,
                    &idempotency_key_for(hash),
                    posting.target,
                    &payload_json,
                    &key_json,
                    now,
                )
                .await?;
                (id, EnqueueOutcome::Created)
            }
            Some(e) if e.state == OutboxState::Failed => {
                let mut previous = e.previous_keys.clone();
                if e.invoice_key != posting.invoice_key && !previous.contains(&e.invoice_key) {
                    previous.push(e.invoice_key.clone());
                }
                previous.retain(|k| *k != posting.invoice_key);
                sql::rearm(
                    &mut tx,
                    e.id,
                    posting.target,
                    &payload_json,
                    &key_json,
                    &serde_json::to_string(&previous)?,
                    now,
                )
                .await?;
                (e.id, EnqueueOutcome::Rearmed)
            }
            Some(e)
                if e.state == OutboxState::Pending
                    && e.sends == 0
                    && (e.payload != posting.payload || e.invoice_key != posting.invoice_key) =>
            {
                // Nothing of it ever reached SAP: the new payload simply replaces the old one.
                sql::rearm(
                    &mut tx,
                    e.id,
                    posting.target,
                    &payload_json,
                    &key_json,
                    &serde_json::to_string(&e.previous_keys)?,
                    now,
                )
                .await?;
                (e.id, EnqueueOutcome::Replaced)
            }
            Some(e) => {
                if person_approves {
                    // The document went back to review (re-processed) while its posting is
                    // under way: approving it again must wait for that posting's outcome.
                    return Err(StoreError::InvalidInput(format!(
                        "the posting of document {} is still {} (attempt {}); wait until it is \
                         posted or fails",
                        hash.short(),
                        e.state,
                        e.attempts
                    )));
                }
                (e.id, EnqueueOutcome::Existing)
            }
        };
        let entry = sql::entry(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::not_found("outbox entry", id.to_string()))?;
        let to = DocumentStatus::Approved;
        if outcome != EnqueueOutcome::Existing || doc.status != to {
            let reason = match (doc.status == to, comment) {
                (true, _) => "posting re-queued".to_owned(),
                (false, Some(c)) if !c.trim().is_empty() => c.trim().to_owned(),
                (false, _) => "approved".to_owned(),
            };
            if doc.status != to {
                sqlite::set_status(&mut tx, hash, to, now).await?;
            }
            let detail = json!({
                "from": doc.status,
                "to": to,
                "reason": reason,
                "comment": comment.map(str::trim).filter(|c| !c.is_empty()),
                "posting": {
                    "outbox_id": entry.id,
                    "idempotency_key": entry.idempotency_key,
                    "target": entry.target,
                    "outcome": outcome,
                },
            });
            sqlite::insert_audit(
                &mut tx,
                Some(hash),
                now,
                actor,
                AuditAction::StatusChanged,
                &detail,
            )
            .await?;
        }
        tx.commit().await?;
        tracing::debug!(%hash, id, ?outcome, "posting enqueued");
        Ok(Enqueued {
            entry,
            outcome,
            previous_status: doc.status,
        })
    }

    /// A person rejects a document, with a reason (required). Allowed from `processed`,
    /// `to_review`, `ready_to_post`, and from `approved` while its posting is not under way
    /// (no entry, or a failed one: the entry stays failed as history). Refused while a posting
    /// is pending or in flight (it may reach SAP any moment) and for posted documents.
    /// Status `rejected` and a `status_changed` audit event, one transaction. Returns the
    /// previous status.
    pub async fn reject(
        &self,
        hash: &ContentHash,
        user: &str,
        comment: &str,
    ) -> Result<DocumentStatus> {
        let comment = comment.trim();
        if comment.is_empty() {
            return Err(StoreError::InvalidInput(
                "a rejection needs a reason (comment)".into(),
            ));
        }
        let now = self.now();
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let doc = sqlite::document(&mut tx, hash)
            .await?
            .ok_or_else(|| StoreError::not_found("document", hash.as_str()))?;
        if !REJECTABLE.contains(&doc.status) {
            return Err(StoreError::InvalidInput(format!(
                "document {} is {}: it cannot be rejected",
                hash.short(),
                doc.status
            )));
        }
        let entry = sql::entry_for(&mut tx, hash).await?;
        if let Some(e) = entry.as_ref().filter(|e| e.state != OutboxState::Failed) {
            return Err(StoreError::InvalidInput(format!(
                "the posting of document {} is {}: it cannot be rejected now",
                hash.short(),
                e.state
            )));
        }
        let to = DocumentStatus::Rejected;
        sqlite::set_status(&mut tx, hash, to, now).await?;
        let detail = json!({
            "from": doc.status,
            "to": to,
            "reason": comment,
            "comment": comment,
            "outbox_id": entry.as_ref().map(|e| e.id),
        });
        sqlite::insert_audit(
            &mut tx,
            Some(hash),
            now,
            user,
            AuditAction::StatusChanged,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(doc.status)
    }

    // -----------------------------------------------------------------------------------------
    // The worker's side

    /// Claims up to `limit` due entries of `target`, oldest due first: pending ones whose
    /// `next_attempt_at` ≤ `now`, and in-flight ones whose lease ran out (their worker died).
    /// Each becomes `in_flight` with `attempts + 1` and the lease `lease_until` in
    /// `next_attempt_at`, atomically. Returns them (with the new attempt numbers).
    pub async fn claim_due(
        &self,
        target: PostingTarget,
        now: DateTime<Utc>,
        limit: u32,
        lease_until: DateTime<Utc>,
    ) -> Result<Vec<OutboxEntry>> {
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let ids = sql::due_ids(&mut tx, target, now, limit).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            sql::claim(&mut tx, id, lease_until, self.now()).await?;
            if let Some(e) = sql::entry(&mut tx, id).await? {
                out.push(e);
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Claims one document's entry regardless of its schedule ("post this one now"): a
    /// pending entry, or an in-flight one whose lease ran out. `None` when it has no entry or
    /// the entry is posted, failed, or held by a live worker.
    pub async fn claim_document(
        &self,
        hash: &ContentHash,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<OutboxEntry>> {
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let Some(e) = sql::entry_for(&mut tx, hash).await? else {
            return Ok(None);
        };
        let claimable = e.state == OutboxState::Pending
            || (e.state == OutboxState::InFlight && e.next_attempt_at <= now);
        if !claimable {
            return Ok(None);
        }
        sql::claim(&mut tx, e.id, lease_until, self.now()).await?;
        let e = sql::entry(&mut tx, e.id).await?;
        tx.commit().await?;
        Ok(e)
    }

    /// Just before a create is sent: counts the send and renews the lease to `lease_until`.
    /// Returns `false` — and the worker must not send — when the claim was lost (another
    /// worker claimed the entry after this one's lease ran out, or it is no longer in flight).
    pub async fn begin_send(&self, claim: Claim, lease_until: DateTime<Utc>) -> Result<bool> {
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let ok = sql::begin_send(&mut tx, claim, lease_until, self.now()).await?;
        tx.commit().await?;
        Ok(ok)
    }

    /// Records that SAP has the invoice: the entry `posted` with SAP's number and fiscal year,
    /// the document `posted`, and a `status_changed` audit event with the SAP number — one
    /// transaction. Not conditional on a claim: SAP's answer is the truth whoever hears it
    /// (a failed entry that SAP turns out to have is posted too). Recording the same number
    /// again changes nothing; a different number for a posted entry is refused (`Corrupt`:
    /// that would be a second posting).
    pub async fn mark_posted(
        &self,
        id: i64,
        sap: &SapDocument,
        how: PostedHow,
    ) -> Result<OutboxEntry> {
        let now = self.now();
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let e = sql::entry(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::not_found("outbox entry", id.to_string()))?;
        if let Some(have) = &e.sap_document {
            if have == sap {
                return Ok(e);
            }
            return Err(StoreError::Corrupt(format!(
                "outbox entry {id} is posted as {}/{} and now reported as {}/{}",
                have.number, have.fiscal_year, sap.number, sap.fiscal_year
            )));
        }
        sql::set_posted(&mut tx, id, sap, now).await?;
        let doc = sqlite::document(&mut tx, &e.document_hash)
            .await?
            .ok_or_else(|| StoreError::not_found("document", e.document_hash.as_str()))?;
        let to = DocumentStatus::Posted;
        if doc.status != to {
            sqlite::set_status(&mut tx, &e.document_hash, to, now).await?;
        }
        let reason = match how {
            PostedHow::Created => format!("posted to SAP as {} / {}", sap.number, sap.fiscal_year),
            PostedHow::FoundExisting => format!(
                "found in SAP as {} / {} (already posted; not created again)",
                sap.number, sap.fiscal_year
            ),
        };
        let detail = json!({
            "from": doc.status,
            "to": to,
            "reason": reason,
            "sap_document": sap.number,
            "sap_fiscal_year": sap.fiscal_year,
            "found_existing": how == PostedHow::FoundExisting,
            "outbox_id": id,
            "attempts": e.attempts,
            "sends": e.sends,
        });
        sqlite::insert_audit(
            &mut tx,
            Some(&e.document_hash),
            now,
            ACTOR_OUTBOX,
            AuditAction::StatusChanged,
            &detail,
        )
        .await?;
        let e = sql::entry(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::not_found("outbox entry", id.to_string()))?;
        tx.commit().await?;
        tracing::debug!(id, number = %sap.number, ?how, "posting recorded");
        Ok(e)
    }

    /// A transient failure: the entry goes back to `pending`, due at `at`, with the error.
    /// Returns `false` when the claim was lost (nothing changed).
    pub async fn schedule_retry(
        &self,
        claim: Claim,
        at: DateTime<Utc>,
        error: &PostingError,
    ) -> Result<bool> {
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let ok = sql::schedule_retry(&mut tx, claim, at, error, self.now()).await?;
        tx.commit().await?;
        Ok(ok)
    }

    /// A permanent failure (SAP refused it, or the worker gave up): the entry `failed` with the
    /// reason, a `failed` audit event (`stage: "sap_posting"`), the document stays `approved`
    /// (see the module docs). Returns `false` when the claim was lost (nothing changed).
    pub async fn mark_failed(&self, claim: Claim, error: &PostingError) -> Result<bool> {
        let now = self.now();
        let mut tx = sqlite::begin_write(&self.pool).await?;
        if !sql::set_failed(&mut tx, claim, error, now).await? {
            return Ok(false);
        }
        let e = sql::entry(&mut tx, claim.id)
            .await?
            .ok_or_else(|| StoreError::not_found("outbox entry", claim.id.to_string()))?;
        let detail = json!({
            "stage": "sap_posting",
            "code": error.code,
            "message": error.message,
            "outbox_id": e.id,
            "attempts": e.attempts,
            "sends": e.sends,
        });
        sqlite::insert_audit(
            &mut tx,
            Some(&e.document_hash),
            now,
            ACTOR_OUTBOX,
            AuditAction::Failed,
            &detail,
        )
        .await?;
        tx.commit().await?;
        tracing::debug!(id = claim.id, code = %error.code, "posting failed");
        Ok(true)
    }

    /// Makes a pending entry due now (a person asked to post it now). Returns the entry.
    pub async fn make_due_now(&self, hash: &ContentHash) -> Result<Option<OutboxEntry>> {
        let now = self.now();
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let Some(e) = sql::entry_for(&mut tx, hash).await? else {
            return Ok(None);
        };
        if e.state == OutboxState::Pending && e.next_attempt_at > now {
            sql::set_due(&mut tx, e.id, now).await?;
        }
        let e = sql::entry(&mut tx, e.id).await?;
        tx.commit().await?;
        Ok(e)
    }

    // -----------------------------------------------------------------------------------------
    // Reading

    /// Entries by state, most recently changed first.
    pub async fn outbox_entries(&self, filter: &OutboxFilter) -> Result<Vec<OutboxEntry>> {
        let mut conn = self.pool.acquire().await?;
        sql::entries(&mut conn, filter).await
    }

    pub async fn outbox_entry(&self, id: i64) -> Result<OutboxEntry> {
        let mut conn = self.pool.acquire().await?;
        sql::entry(&mut conn, id)
            .await?
            .ok_or_else(|| StoreError::not_found("outbox entry", id.to_string()))
    }

    /// The document's entry, if it was ever approved.
    pub async fn outbox_entry_for(&self, hash: &ContentHash) -> Result<Option<OutboxEntry>> {
        let mut conn = self.pool.acquire().await?;
        sql::entry_for(&mut conn, hash).await
    }

    /// Number of entries in every state (zero included).
    pub async fn outbox_counts(&self) -> Result<BTreeMap<OutboxState, u64>> {
        let mut counts: BTreeMap<OutboxState, u64> =
            OutboxState::ALL.iter().map(|s| (*s, 0)).collect();
        let mut conn = self.pool.acquire().await?;
        counts.extend(sql::counts(&mut conn).await?);
        Ok(counts)
    }

    /// When the earliest open (pending or in-flight) entry of `target` is due; `None` when
    /// the outbox has no open entry (idle).
    pub async fn next_outbox_due(&self, target: PostingTarget) -> Result<Option<DateTime<Utc>>> {
        let mut conn = self.pool.acquire().await?;
        sql::next_due(&mut conn, target).await
    }
}

/// The outbox's SQL (SQLite). Kept beside its types rather than in `sqlite.rs` so the outbox
/// is one module; a PostgreSQL twin mirrors it the same way `postgres.rs` mirrors `sqlite.rs`.
mod sql {
    use super::*;
    use crate::sqlite::{fmt_ts, parse_hash, parse_ts};
    use sqlx::sqlite::SqliteRow;
    use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

    const COLUMNS: &str = "id, document_hash, idempotency_key, target, payload_json, \
        invoice_key_json, previous_keys_json, state, attempts, sends, next_attempt_at, \
        last_error_code, last_error_message, sap_document, sap_fiscal_year, created_at, \
        updated_at";

    fn count(v: i64, what: &str) -> Result<u32> {
        u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("outbox {what} {v}")))
    }

    fn corrupt<E: fmt::Display>(what: &'static str) -> impl Fn(E) -> StoreError {
        move |e| StoreError::Corrupt(format!("outbox {what}: {e}"))
    }

    fn from_row(r: &SqliteRow) -> Result<OutboxEntry> {
        let code: Option<String> = r.try_get("last_error_code")?;
        let message: Option<String> = r.try_get("last_error_message")?;
        let number: Option<String> = r.try_get("sap_document")?;
        let year: Option<String> = r.try_get("sap_fiscal_year")?;
        Ok(OutboxEntry {
            id: r.try_get("id")?,
            document_hash: parse_hash(r.try_get("document_hash")?)?,
            idempotency_key: r.try_get("idempotency_key")?,
            target: r
                .try_get::<&str, _>("target")?
                .parse()
                .map_err(corrupt("target"))?,
            payload: serde_json::from_str(r.try_get("payload_json")?)
                .map_err(corrupt("payload"))?,
            invoice_key: serde_json::from_str(r.try_get("invoice_key_json")?)
                .map_err(corrupt("invoice key"))?,
            previous_keys: serde_json::from_str(r.try_get("previous_keys_json")?)
                .map_err(corrupt("previous keys"))?,
            state: r
                .try_get::<&str, _>("state")?
                .parse()
                .map_err(corrupt("state"))?,
            attempts: count(r.try_get("attempts")?, "attempts")?,
            sends: count(r.try_get("sends")?, "sends")?,
            next_attempt_at: parse_ts(r.try_get("next_attempt_at")?)?,
            last_error: match (code, message) {
                (Some(code), message) => Some(PostingError {
                    code,
                    message: message.unwrap_or_default(),
                }),
                (None, _) => None,
            },
            sap_document: number.zip(year).map(|(number, fiscal_year)| SapDocument {
                number,
                fiscal_year,
            }),
            created_at: parse_ts(r.try_get("created_at")?)?,
            updated_at: parse_ts(r.try_get("updated_at")?)?,
        })
    }

    pub(super) async fn entry(conn: &mut SqliteConnection, id: i64) -> Result<Option<OutboxEntry>> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub(super) async fn entry_for(
        conn: &mut SqliteConnection,
        hash: &ContentHash,
    ) -> Result<Option<OutboxEntry>> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE document_hash = ?");
        let row = sqlx::query(&sql)
            .bind(hash.as_str())
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub(super) async fn insert(
        conn: &mut SqliteConnection,
        hash: &ContentHash,
        idempotency_key: &str,
        target: PostingTarget,
        payload_json: &str,
        key_json: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let now = fmt_ts(now);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (document_hash, idempotency_key, target, payload_json, \
             invoice_key_json, state, next_attempt_at, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id",
        )
        .bind(hash.as_str())
        .bind(idempotency_key)
        .bind(target.as_str())
        .bind(payload_json)
        .bind(key_json)
        .bind(&now)
        .bind(&now)
        .bind(&now)
        .fetch_one(&mut *conn)
        .await?;
        Ok(id)
    }

    /// Arms an entry again: new payload and key, pending and due now, tries from zero, no error.
    pub(super) async fn rearm(
        conn: &mut SqliteConnection,
        id: i64,
        target: PostingTarget,
        payload_json: &str,
        key_json: &str,
        previous_keys_json: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now = fmt_ts(now);
        sqlx::query(
            "UPDATE outbox SET target = ?, payload_json = ?, invoice_key_json = ?, \
             previous_keys_json = ?, state = 'pending', attempts = 0, sends = 0, \
             next_attempt_at = ?, last_error_code = NULL, last_error_message = NULL, \
             updated_at = ? WHERE id = ?",
        )
        .bind(target.as_str())
        .bind(payload_json)
        .bind(key_json)
        .bind(previous_keys_json)
        .bind(&now)
        .bind(&now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub(super) async fn due_ids(
        conn: &mut SqliteConnection,
        target: PostingTarget,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<i64>> {
        let ids = sqlx::query_scalar(
            "SELECT id FROM outbox WHERE state IN ('pending', 'in_flight') AND target = ? \
             AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
        )
        .bind(target.as_str())
        .bind(fmt_ts(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?;
        Ok(ids)
    }

    pub(super) async fn claim(
        conn: &mut SqliteConnection,
        id: i64,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1, \
             next_attempt_at = ?, updated_at = ? WHERE id = ?",
        )
        .bind(fmt_ts(lease_until))
        .bind(fmt_ts(now))
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub(super) async fn begin_send(
        conn: &mut SqliteConnection,
        claim: Claim,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE outbox SET sends = sends + 1, next_attempt_at = ?, updated_at = ? \
             WHERE id = ? AND state = 'in_flight' AND attempts = ?",
        )
        .bind(fmt_ts(lease_until))
        .bind(fmt_ts(now))
        .bind(claim.id)
        .bind(i64::from(claim.attempt))
        .execute(&mut *conn)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    pub(super) async fn set_posted(
        conn: &mut SqliteConnection,
        id: i64,
        sap: &SapDocument,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'posted', sap_document = ?, sap_fiscal_year = ?, \
             updated_at = ? WHERE id = ?",
        )
        .bind(&sap.number)
        .bind(&sap.fiscal_year)
        .bind(fmt_ts(now))
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub(super) async fn schedule_retry(
        conn: &mut SqliteConnection,
        claim: Claim,
        at: DateTime<Utc>,
        error: &PostingError,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error_code = ?, \
             last_error_message = ?, updated_at = ? \
             WHERE id = ? AND state = 'in_flight' AND attempts = ?",
        )
        .bind(fmt_ts(at))
        .bind(&error.code)
        .bind(&error.message)
        .bind(fmt_ts(now))
        .bind(claim.id)
        .bind(i64::from(claim.attempt))
        .execute(&mut *conn)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    pub(super) async fn set_failed(
        conn: &mut SqliteConnection,
        claim: Claim,
        error: &PostingError,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let now = fmt_ts(now);
        let n = sqlx::query(
            "UPDATE outbox SET state = 'failed', next_attempt_at = ?, last_error_code = ?, \
             last_error_message = ?, updated_at = ? \
             WHERE id = ? AND state = 'in_flight' AND attempts = ?",
        )
        .bind(&now)
        .bind(&error.code)
        .bind(&error.message)
        .bind(&now)
        .bind(claim.id)
        .bind(i64::from(claim.attempt))
        .execute(&mut *conn)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    pub(super) async fn set_due(
        conn: &mut SqliteConnection,
        id: i64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let at = fmt_ts(at);
        sqlx::query("UPDATE outbox SET next_attempt_at = ?, updated_at = ? WHERE id = ?")
            .bind(&at)
            .bind(&at)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    pub(super) async fn entries(
        conn: &mut SqliteConnection,
        filter: &OutboxFilter,
    ) -> Result<Vec<OutboxEntry>> {
        let mut qb =
            QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM outbox WHERE 1 = 1"));
        if !filter.states.is_empty() {
            qb.push(" AND state IN (");
            let mut list = qb.separated(", ");
            for s in &filter.states {
                list.push_bind(s.as_str());
            }
            qb.push(")");
        }
        qb.push(" ORDER BY updated_at DESC, id DESC");
        if let Some(limit) = filter.limit {
            qb.push(" LIMIT ");
            qb.push_bind(i64::from(limit));
        }
        let rows = qb.build().fetch_all(&mut *conn).await?;
        rows.iter().map(from_row).collect()
    }

    pub(super) async fn counts(conn: &mut SqliteConnection) -> Result<BTreeMap<OutboxState, u64>> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
            .fetch_all(&mut *conn)
            .await?;
        rows.iter()
            .map(|r| {
                let state: OutboxState = r
                    .try_get::<&str, _>("state")?
                    .parse()
                    .map_err(corrupt("state"))?;
                let n: i64 = r.try_get("n")?;
                Ok((state, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
    }

    pub(super) async fn next_due(
        conn: &mut SqliteConnection,
        target: PostingTarget,
    ) -> Result<Option<DateTime<Utc>>> {
        let at: Option<String> = sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state IN ('pending', 'in_flight') \
             AND target = ?",
        )
        .bind(target.as_str())
        .fetch_one(&mut *conn)
        .await?;
        at.as_deref().map(parse_ts).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_stable_uuids_per_document() {
        let a = ContentHash::from_hex(&"ab".repeat(32)).unwrap();
        let b = ContentHash::from_hex(&"cd".repeat(32)).unwrap();
        let ka = idempotency_key_for(&a);
        assert_eq!(ka, idempotency_key_for(&a));
        assert_ne!(ka, idempotency_key_for(&b));
        let parts: Vec<&str> = ka.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'), "version 8: {ka}");
        assert!(
            matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
            "{ka}"
        );
    }

    #[test]
    fn state_and_target_names_round_trip_and_match_serde() {
        for s in OutboxState::ALL {
            assert_eq!(s.as_str().parse::<OutboxState>().unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.as_str()));
        }
        for t in [PostingTarget::Odata, PostingTarget::Idoc] {
            assert_eq!(t.as_str().parse::<PostingTarget>().unwrap(), t);
            assert_eq!(serde_json::to_value(t).unwrap(), json!(t.as_str()));
        }
        assert!("sent".parse::<OutboxState>().is_err());
    }
}
