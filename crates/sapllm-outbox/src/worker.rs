//! [`OutboxWorker`]: claims due entries and brings each to SAP exactly once.

use chrono::{DateTime, Utc};
use sapllm_core::ContentHash;
use sapllm_sap::{InvoiceKey, PostError, SapDocumentRef, SupplierInvoiceApi};
use sapllm_store::{
    Claim, DocumentStatus, OutboxEntry, PostedHow, PostingError, SapDocument, Store, StoreError,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use crate::config::{Jitter, RandomJitter, WorkerConfig};

/// SAP's duplicate-invoice message ("Check if invoice already entered under accounting
/// document …"): after it, the worker looks the invoice up instead of failing blindly.
pub const DUPLICATE_CODES: [&str; 1] = ["M8/108"];

/// Errors that concern the connection, not the entry: the run stops (the entry is kept for
/// later) instead of failing every entry in turn. `auth`: SAP refused the credentials;
/// `config`: the settings are unusable; `not_found`: the service is not where the settings
/// say. (An unreadable answer, `protocol`, is systemic for a lookup; see [`classify`].)
pub const SYSTEMIC_CODES: [&str; 3] = ["auth", "config", "not_found"];

/// What a failed call means for its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Try again later.
    Retry,
    /// The connection is the problem: keep the entry, stop the run.
    Systemic,
    /// SAP refused this invoice: a person must decide.
    Permanent,
}

/// Classifies a failed call.
pub fn classify(phase: Phase, e: &PostError) -> ErrorClass {
    match (phase, e.code.as_str()) {
        (_, c) if SYSTEMIC_CODES.contains(&c) => ErrorClass::Systemic,
        // An unreadable answer to a lookup is the same for every entry.
        (Phase::Check, "protocol") => ErrorClass::Systemic,
        // An unreadable answer to a create: it may exist now. Retrying is safe because the
        // next try asks SAP first; if it keeps happening, the give-up limit ends it.
        (Phase::Create, "protocol") => ErrorClass::Retry,
        _ if e.retryable => ErrorClass::Retry,
        _ => ErrorClass::Permanent,
    }
}

/// Errors of a pre-check that mean SAP could not be reached at all: the worker pauses.
pub const UNREACHABLE_CODES: [&str; 2] = ["connection", "timeout"];

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    #[error("outbox store: {0}")]
    Store(#[from] StoreError),

    /// A problem of the connection rather than of one invoice (e.g. refused credentials):
    /// entries stay pending until it is fixed.
    #[error("SAP connection: {}: {}", .0.code, .0.message)]
    Connection(PostError),

    #[error("worker configuration: {0}")]
    Config(String),
}

/// What happened to one claimed entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum EntryOutcome {
    /// Posted now, or found already posted in SAP.
    Posted {
        sap: SapDocumentRef,
        found_existing: bool,
    },
    /// A transient failure; tried again at `at`.
    Retry {
        at: DateTime<Utc>,
        phase: Phase,
        code: String,
    },
    /// Needs a person.
    Failed { code: String, message: String },
    /// Another worker took the entry over (this one's lease had run out): nothing was done.
    LostClaim,
}

/// Which call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Asking SAP whether the invoice exists.
    Check,
    /// Creating it.
    Create,
}

impl Phase {
    pub fn as_str(&self) -> &'static str {
        match self {
            Phase::Check => "check",
            Phase::Create => "create",
        }
    }
}

/// Counts of a run (or several, merged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// Entries claimed (tries).
    pub claimed: u32,
    /// Posted by this worker's create.
    pub created: u32,
    /// Found already in SAP and recorded (a lost answer or a crash healed, or posted outside).
    pub found_existing: u32,
    /// Creates sent.
    pub sends: u32,
    /// Transient failures, by `phase/code` (e.g. `create/timeout`).
    pub retries: BTreeMap<String, u32>,
    /// Entries that now need a person, by code.
    pub failed: BTreeMap<String, u32>,
    /// Claims another worker took over.
    pub lost_claims: u32,
    /// Creates SAP rejected as duplicates of a document it already had under our key (then
    /// healed by a lookup). Each one is a create that should not have been sent — only a
    /// request SAP finished after our timeout and after our next lookup can cause it; a
    /// system whose duplicate check is only a warning would have posted it twice. Expected 0.
    pub duplicate_rejections: u32,
    /// SAP asked to wait (429 / Retry-After) or could not be reached: no tries before this.
    pub paused_until: Option<DateTime<Utc>>,
}

impl RunReport {
    fn count(&mut self, outcome: &EntryOutcome) {
        match outcome {
            EntryOutcome::Posted {
                found_existing: true,
                ..
            } => self.found_existing += 1,
            EntryOutcome::Posted { .. } => self.created += 1,
            EntryOutcome::Retry { phase, code, .. } => {
                *self
                    .retries
                    .entry(format!("{}/{code}", phase.as_str()))
                    .or_default() += 1
            }
            EntryOutcome::Failed { code, .. } => *self.failed.entry(code.clone()).or_default() += 1,
            EntryOutcome::LostClaim => self.lost_claims += 1,
        }
    }

    /// Adds another report's counts to this one.
    pub fn merge(&mut self, other: &RunReport) {
        self.claimed += other.claimed;
        self.created += other.created;
        self.found_existing += other.found_existing;
        self.sends += other.sends;
        for (k, v) in &other.retries {
            *self.retries.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.failed {
            *self.failed.entry(k.clone()).or_default() += v;
        }
        self.lost_claims += other.lost_claims;
        self.duplicate_rejections += other.duplicate_rejections;
        self.paused_until = other.paused_until.or(self.paused_until);
    }

    /// Posted in this run (created or found).
    pub fn posted(&self) -> u32 {
        self.created + self.found_existing
    }

    /// Transient failures in this run.
    pub fn retried(&self) -> u32 {
        self.retries.values().sum()
    }
}

/// Why [`OutboxWorker::run_until_idle`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "stop", rename_all = "snake_case")]
pub enum Idle {
    /// No pending or in-flight entry is left: everything is posted or failed.
    Empty,
    /// Entries are left, but the next is due later than the caller wanted to wait.
    WaitingUntil { next_due: DateTime<Utc> },
}

/// The posting worker. It only ever calls SAP through [`SupplierInvoiceApi`], and records
/// every outcome in the store before it touches the next entry.
///
/// For each claimed entry it
/// 1. asks SAP for the invoice (`find_posted`, for the entry's key and any earlier key) —
///    before every post and every retry, so a lost answer or a crash between sending and
///    recording is healed by recording what SAP has, never by sending again;
/// 2. checks the document is still approved (a re-processed document waits for a person);
/// 3. renews its lease and counts the send (a worker whose claim was taken over stops here);
/// 4. creates the invoice; SAP's duplicate message leads to another lookup, not a failure;
/// 5. records the outcome: posted (SAP's number, the document `posted`), retry (exponential
///    backoff with full jitter, or SAP's `Retry-After`), or failed (SAP's code and message,
///    or "gave up after N attempts").
#[derive(Debug)]
pub struct OutboxWorker<A: SupplierInvoiceApi> {
    store: Store,
    api: A,
    config: WorkerConfig,
    jitter: Box<dyn Jitter>,
    paused_until: Option<DateTime<Utc>>,
    /// Creates sent since the worker started (for the run reports).
    sent: u32,
    /// Creates rejected as duplicates of our own earlier create (for the run reports).
    duplicate_rejections: u32,
}

fn chrono_of(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

fn posting_error(e: &PostError) -> PostingError {
    PostingError::new(e.code.clone(), e.message.clone())
}

fn sap_document(r: &SapDocumentRef) -> SapDocument {
    SapDocument {
        number: r.supplier_invoice.clone(),
        fiscal_year: r.fiscal_year.clone(),
    }
}

impl<A: SupplierInvoiceApi> OutboxWorker<A> {
    /// A worker with OS-seeded jitter.
    pub fn new(store: Store, api: A, config: WorkerConfig) -> Result<Self, WorkerError> {
        Self::with_jitter(store, api, config, Box::new(RandomJitter::from_os()))
    }

    /// A worker with the given jitter (tests, reproducible runs).
    pub fn with_jitter(
        store: Store,
        api: A,
        config: WorkerConfig,
        jitter: Box<dyn Jitter>,
    ) -> Result<Self, WorkerError> {
        config.validate().map_err(WorkerError::Config)?;
        Ok(Self {
            store,
            api,
            config,
            jitter,
            paused_until: None,
            sent: 0,
            duplicate_rejections: 0,
        })
    }

    pub fn api(&self) -> &A {
        &self.api
    }

    pub fn config(&self) -> &WorkerConfig {
        &self.config
    }

    /// Until when SAP asked the worker to wait, if it did.
    pub fn paused_until(&self) -> Option<DateTime<Utc>> {
        self.paused_until
    }

    /// One pass: claims and handles up to `batch_size` entries due at `now`, one at a time,
    /// stopping early when SAP asks to wait. Returns what happened.
    pub async fn run_once(&mut self, now: DateTime<Utc>) -> Result<RunReport, WorkerError> {
        let mut report = RunReport::default();
        for _ in 0..self.config.batch_size {
            if self.paused_until.is_some_and(|p| now < p) {
                break;
            }
            let lease_until = self.store.now() + chrono_of(self.config.lease);
            let mut claimed = self
                .store
                .claim_due(self.config.target, now, 1, lease_until)
                .await?;
            let Some(entry) = claimed.pop() else {
                break;
            };
            report.claimed += 1;
            let sent_before = self.sent;
            let dup_before = self.duplicate_rejections;
            let outcome = self.handle(&entry).await;
            report.sends += self.sent - sent_before;
            report.duplicate_rejections += self.duplicate_rejections - dup_before;
            report.count(&outcome?);
        }
        report.paused_until = self.paused_until.filter(|p| *p > now);
        Ok(report)
    }

    /// Tries one document's entry now, whatever its schedule (a person asked to post it).
    /// `None` when it has no open entry or a live worker holds it.
    pub async fn post_document(
        &mut self,
        hash: &ContentHash,
    ) -> Result<Option<EntryOutcome>, WorkerError> {
        let now = self.store.now();
        let lease_until = now + chrono_of(self.config.lease);
        let Some(entry) = self.store.claim_document(hash, now, lease_until).await? else {
            return Ok(None);
        };
        Ok(Some(self.handle(&entry).await?))
    }

    /// Runs until the outbox is idle (every entry posted or failed), sleeping until the next
    /// entry is due — or until the next due entry is more than `max_wait` away (offline, or
    /// SAP asked to wait): then it returns, and the entries wait for the next run. Needs a
    /// clock that moves (the system clock); with a fixed clock use [`Self::run_once`].
    pub async fn run_until_idle(
        &mut self,
        max_wait: Duration,
    ) -> Result<(RunReport, Idle), WorkerError> {
        let mut total = RunReport::default();
        loop {
            let now = self.store.now();
            let report = self.run_once(now).await?;
            total.merge(&report);
            if report.claimed > 0 && report.paused_until.is_none() {
                continue;
            }
            let Some(next_due) = self.store.next_outbox_due(self.config.target).await? else {
                total.paused_until = None;
                return Ok((total, Idle::Empty));
            };
            let wake = match self.paused_until {
                Some(p) if p > next_due => p,
                _ => next_due,
            };
            let wait = (wake - self.store.now()).to_std().unwrap_or(Duration::ZERO);
            if wait > max_wait {
                return Ok((total, Idle::WaitingUntil { next_due: wake }));
            }
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }

    /// Runs until `shutdown` completes: handles due entries, sleeps until the next is due
    /// (at most `poll_interval`, so entries approved meanwhile are picked up). A store error
    /// or a connection problem is logged and retried after `poll_interval`, never fatal: the
    /// outbox keeps everything and the next pass resumes.
    pub async fn run(&mut self, shutdown: impl Future<Output = ()>) -> RunReport {
        let mut total = RunReport::default();
        tokio::pin!(shutdown);
        loop {
            let now = self.store.now();
            let wait = match self.run_once(now).await {
                Ok(report) => {
                    total.merge(&report);
                    if report.claimed > 0 && report.paused_until.is_none() {
                        Duration::ZERO
                    } else {
                        self.wait_for_next(now).await
                    }
                }
                Err(e) => {
                    tracing::warn!("outbox pass stopped: {e}");
                    self.config.poll_interval
                }
            };
            tokio::select! {
                _ = &mut shutdown => return total,
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    async fn wait_for_next(&self, now: DateTime<Utc>) -> Duration {
        let next = match self.store.next_outbox_due(self.config.target).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!("outbox: cannot read the next due time: {e}");
                None
            }
        };
        let wake = match (next, self.paused_until) {
            (Some(n), Some(p)) => Some(n.max(p)),
            (n, p) => n.or(p),
        };
        wake.and_then(|w| (w - now).to_std().ok())
            .unwrap_or(self.config.poll_interval)
            .min(self.config.poll_interval)
    }

    async fn handle(&mut self, entry: &OutboxEntry) -> Result<EntryOutcome, WorkerError> {
        let claim = entry.claim();
        let keys: Result<Vec<InvoiceKey>, _> = entry
            .all_keys()
            .map(|k| serde_json::from_value::<InvoiceKey>(k.clone()))
            .collect();
        let keys = match keys {
            Ok(k) => k,
            Err(e) => {
                let err = PostingError::new(
                    "corrupt_entry",
                    format!(
                        "the stored invoice key cannot be read ({e}); approve the document again"
                    ),
                );
                return self.fail(claim, err).await;
            }
        };
        tracing::debug!(id = entry.id, doc = %entry.document_hash.short(), attempt = claim.attempt, "outbox: try");

        // 1. Ask SAP first: the heal for lost answers and for crashes between send and record.
        match self.find_any(&keys).await {
            Ok(Some(found)) => return self.posted(entry, &found, PostedHow::FoundExisting).await,
            Ok(None) => {}
            Err(e) => return self.transient_or_failed(entry, e, Phase::Check, None).await,
        }

        // 2. Still approved? Re-processing sends a document back to review; its old payload
        //    must not be posted behind the clerk's back.
        let doc = self.store.document(&entry.document_hash).await?;
        if doc.status != DocumentStatus::Approved {
            let err = PostingError::new(
                "not_approved",
                format!(
                    "the document is {} since it was approved (re-processed?); approve it again to post",
                    doc.status
                ),
            );
            return self.fail(claim, err).await;
        }

        // 3. Renew the lease and count the send, or stop if another worker has the entry.
        let lease_until = self.store.now() + chrono_of(self.config.lease);
        if !self.store.begin_send(claim, lease_until).await? {
            tracing::info!(
                id = entry.id,
                "outbox: claim taken over by another worker; not sending"
            );
            return Ok(EntryOutcome::LostClaim);
        }
        let sends = entry.sends + 1;
        self.sent += 1;

        // 4. Create.
        match self.api.create(&entry.payload).await {
            Ok(r) => self.posted(entry, &r, PostedHow::Created).await,
            Err(e) if DUPLICATE_CODES.contains(&e.code.as_str()) => {
                // SAP's duplicate check fired. If SAP has it under our key, it is ours (an
                // earlier create whose answer never came): record it. Otherwise it is a real
                // duplicate of another document: a person must look.
                match self.find_any(&keys).await {
                    Ok(Some(found)) => {
                        self.duplicate_rejections += 1;
                        tracing::warn!(
                            id = entry.id,
                            "outbox: SAP rejected a create as a duplicate of its own earlier create"
                        );
                        self.posted(entry, &found, PostedHow::FoundExisting).await
                    }
                    Ok(None) => self.fail(claim, posting_error(&e)).await,
                    Err(e2) => {
                        self.transient_or_failed(entry, e2, Phase::Check, None)
                            .await
                    }
                }
            }
            Err(e) => {
                self.transient_or_failed(entry, e, Phase::Create, Some(sends))
                    .await
            }
        }
    }

    async fn find_any(&self, keys: &[InvoiceKey]) -> Result<Option<SapDocumentRef>, PostError> {
        for key in keys {
            if let Some(found) = self.api.find_posted(key).await? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    async fn posted(
        &mut self,
        entry: &OutboxEntry,
        r: &SapDocumentRef,
        how: PostedHow,
    ) -> Result<EntryOutcome, WorkerError> {
        self.store
            .mark_posted(entry.id, &sap_document(r), how)
            .await?;
        tracing::info!(
            id = entry.id,
            doc = %entry.document_hash.short(),
            sap = %r.supplier_invoice,
            year = %r.fiscal_year,
            found_existing = how == PostedHow::FoundExisting,
            "outbox: posted"
        );
        Ok(EntryOutcome::Posted {
            sap: r.clone(),
            found_existing: how == PostedHow::FoundExisting,
        })
    }

    async fn fail(&mut self, claim: Claim, err: PostingError) -> Result<EntryOutcome, WorkerError> {
        if !self.store.mark_failed(claim, &err).await? {
            return Ok(EntryOutcome::LostClaim);
        }
        tracing::warn!(id = claim.id, code = %err.code, "outbox: posting failed: {}", err.message);
        Ok(EntryOutcome::Failed {
            code: err.code,
            message: err.message,
        })
    }

    /// A failed call: retry later (backoff or `Retry-After`), stop the run (connection
    /// problem), give up (too many failed creates), or fail (SAP refused the invoice).
    async fn transient_or_failed(
        &mut self,
        entry: &OutboxEntry,
        e: PostError,
        phase: Phase,
        sends: Option<u32>,
    ) -> Result<EntryOutcome, WorkerError> {
        let claim = entry.claim();
        let now = self.store.now();
        let class = classify(phase, &e);
        if class == ErrorClass::Permanent {
            return self.fail(claim, posting_error(&e)).await;
        }
        let systemic = class == ErrorClass::Systemic;
        if let Some(n) = sends.filter(|n| *n >= self.config.max_sends && !systemic) {
            let err = PostingError::new(
                "gave_up",
                format!(
                    "gave up after {n} attempts: {}: {} — SAP may or may not have it; posting \
                     again asks SAP first and never posts twice",
                    e.code, e.message
                ),
            );
            return self.fail(claim, err).await;
        }
        let base_delay = match e.retry_after_secs {
            Some(s) => Duration::from_secs(s).min(self.config.max_retry_after),
            None => self.jitter.draw(self.config.backoff_bound(claim.attempt)),
        };
        let unknown_outcome = phase == Phase::Create
            && (UNREACHABLE_CODES.contains(&e.code.as_str()) || e.code == "protocol");
        let base_delay = if unknown_outcome {
            base_delay.max(self.config.settle_after_unknown)
        } else {
            base_delay
        };
        // SAP's Retry-After is a floor; a little jitter on top spreads the entries out.
        let delay = match e.retry_after_secs {
            Some(_) => base_delay + self.jitter.draw(self.config.backoff_base),
            None => base_delay,
        };
        let at = now + chrono_of(delay);
        let unreachable = phase == Phase::Check && UNREACHABLE_CODES.contains(&e.code.as_str());
        if e.retry_after_secs.is_some() || unreachable || systemic {
            // The server, not the invoice, is the problem: pause every entry, not just this one.
            let until = now + chrono_of(base_delay);
            self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
        }
        if !self
            .store
            .schedule_retry(claim, at, &posting_error(&e))
            .await?
        {
            return Ok(EntryOutcome::LostClaim);
        }
        tracing::info!(
            id = entry.id,
            phase = %phase.as_str(),
            code = %e.code,
            %at,
            "outbox: retry scheduled"
        );
        if systemic {
            return Err(WorkerError::Connection(e));
        }
        Ok(EntryOutcome::Retry {
            at,
            phase,
            code: e.code,
        })
    }
}
