//! The worker against a scripted fake SAP and a real (in-memory or file) store: exactly one
//! create per document reaches SAP whatever fails, and the states, attempt counts and backoff
//! times are the ones the design promises.

use chrono::{DateTime, Duration as CDuration, TimeZone, Utc};
use sapllm_core::{Classified, ContentHash, DocType, DocumentResult, FileKind, Route};
use sapllm_outbox::fake::{
    CreateStep, FakeSap, FindStep, RandomFaults, key_of_payload, permanent, transient,
};
use sapllm_outbox::{
    EntryOutcome, FixedJitter, Idle, OutboxWorker, Phase, RandomJitter, WorkerConfig, WorkerError,
};
use sapllm_sap::InvoiceKey;
use sapllm_store::{
    AuditAction, Clock, DocumentStatus, FixedClock, NewPosting, OutboxState, PostingTarget, Store,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 5, 8, 0, 0).unwrap()
}

fn secs(s: i64) -> CDuration {
    CDuration::seconds(s)
}

/// Base 2 s, cap 60 s, lease 30 s, give up after 4 failed creates.
fn config() -> WorkerConfig {
    WorkerConfig {
        batch_size: 10,
        lease: Duration::from_secs(30),
        backoff_base: Duration::from_secs(2),
        backoff_cap: Duration::from_secs(60),
        max_sends: 4,
        settle_after_unknown: Duration::ZERO,
        ..WorkerConfig::default()
    }
}

async fn memory_store() -> (Store, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(t0()));
    let store = Store::open_in_memory_with_clock(clock.clone())
        .await
        .unwrap();
    (store, clock)
}

fn result(hash: &ContentHash, route: Route) -> DocumentResult {
    DocumentResult {
        hash: hash.clone(),
        file_kind: FileKind::Pdf,
        page_count: 1,
        from_einvoice: false,
        doc_type: Classified {
            value: DocType::Invoice,
            confidence: 0.9,
            evidence: vec![],
            alternatives: vec![],
        },
        subtype: None,
        fields: BTreeMap::new(),
        line_items: vec![],
        vat_breakdown: vec![],
        findings: vec![],
        route,
        versions: BTreeMap::new(),
        timings_us: BTreeMap::new(),
    }
}

fn key(n: u32) -> InvoiceKey {
    InvoiceKey {
        company_code: "1010".into(),
        invoicing_party: "17300001".into(),
        reference: format!("RE-{n:05}"),
    }
}

fn posting(n: u32) -> NewPosting {
    let k = key(n);
    NewPosting {
        target: PostingTarget::Odata,
        payload: json!({
            "CompanyCode": k.company_code,
            "InvoicingParty": k.invoicing_party,
            "SupplierInvoiceIDByInvcgParty": k.reference,
            "InvoiceGrossAmount": "119.00",
        }),
        invoice_key: serde_json::to_value(&k).unwrap(),
    }
}

/// Document `n`, processed to review and approved by anna.
async fn approved(store: &Store, n: u32) -> ContentHash {
    let bytes = format!("%PDF-1.7\n% invoice {n}\n%%EOF\n").into_bytes();
    let hash = store
        .put_original(&bytes, &format!("{n}.pdf"), FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    store
        .save_result(&hash, &result(&hash, Route::Review))
        .await
        .unwrap();
    store
        .approve(&hash, "anna", Some("ok"), &posting(n))
        .await
        .unwrap();
    hash
}

fn worker(store: &Store, sap: &FakeSap, jitter: f64) -> OutboxWorker<FakeSap> {
    OutboxWorker::with_jitter(
        store.clone(),
        sap.clone(),
        config(),
        Box::new(FixedJitter(jitter)),
    )
    .unwrap()
}

#[tokio::test]
async fn each_approved_document_is_looked_up_then_created_once_and_its_number_recorded() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let hashes = [
        approved(&store, 1).await,
        approved(&store, 2).await,
        approved(&store, 3).await,
    ];
    let mut w = worker(&store, &sap, 1.0);
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!((report.claimed, report.created, report.sends), (3, 3, 3));
    assert_eq!(report.retried(), 0);
    for (i, hash) in hashes.iter().enumerate() {
        let e = store.outbox_entry_for(hash).await.unwrap().unwrap();
        assert_eq!(e.state, OutboxState::Posted);
        assert_eq!((e.attempts, e.sends), (1, 1));
        assert!(e.sap_document.is_some());
        assert_eq!(
            store.document(hash).await.unwrap().status,
            DocumentStatus::Posted
        );
        assert_eq!(sap.documents_for(&key(i as u32 + 1)), 1);
    }
    // Lookup before create, for every document.
    let calls = sap.calls();
    assert_eq!(calls.len(), 6);
    for pair in calls.chunks(2) {
        assert!(matches!(
            pair,
            [
                sapllm_outbox::fake::Call::Find(_),
                sapllm_outbox::fake::Call::Create(_)
            ]
        ));
    }
    // Idle now: nothing more to claim.
    assert_eq!(w.run_once(clock.now()).await.unwrap().claimed, 0);
    assert_eq!(
        store.next_outbox_due(PostingTarget::Odata).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn an_error_before_commit_is_retried_after_exponential_backoff() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let hash = approved(&store, 1).await;
    sap.script_creates([
        CreateStep::FailBeforeCommit(transient("http_503", None)),
        CreateStep::FailBeforeCommit(transient("connection", None)),
        CreateStep::FailBeforeCommit(transient("http_500", None)),
    ]);
    // Full jitter at its upper end: the bounds themselves, 2 s, 4 s, 8 s.
    let mut w = worker(&store, &sap, 1.0);
    let mut expected_at = t0();
    for (attempt, (bound, code)) in [(2, "http_503"), (4, "connection"), (8, "http_500")]
        .into_iter()
        .enumerate()
    {
        let report = w.run_once(clock.now()).await.unwrap();
        assert_eq!(report.retries[&format!("create/{code}")], 1, "{report:?}");
        let e = store.outbox_entry_for(&hash).await.unwrap().unwrap();
        expected_at = clock.now() + secs(bound);
        assert_eq!(e.state, OutboxState::Pending);
        assert_eq!(e.attempts, attempt as u32 + 1);
        assert_eq!(e.next_attempt_at, expected_at);
        assert_eq!(e.last_error.as_ref().unwrap().code, code);
        // Not a moment before.
        clock.set(expected_at - CDuration::milliseconds(1));
        assert_eq!(w.run_once(clock.now()).await.unwrap().claimed, 0);
        clock.set(expected_at);
    }
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!(report.created, 1);
    let e = store.outbox_entry_for(&hash).await.unwrap().unwrap();
    assert_eq!((e.state, e.attempts, e.sends), (OutboxState::Posted, 4, 4));
    assert_eq!(clock.now(), expected_at);
    assert_eq!(sap.documents_for(&key(1)), 1);
    assert_eq!(sap.create_calls(), 4);
}

#[tokio::test]
async fn a_commit_whose_answer_was_lost_is_found_and_recorded_not_created_again() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let hash = approved(&store, 1).await;
    sap.script_creates([CreateStep::CommitThenFail(transient("timeout", None))]);
    let mut w = worker(&store, &sap, 0.5);
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!(report.retries["create/timeout"], 1);
    let e = store.outbox_entry_for(&hash).await.unwrap().unwrap();
    assert_eq!(e.next_attempt_at, t0() + secs(1), "half of the 2 s bound");

    clock.set(e.next_attempt_at);
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!(
        (report.found_existing, report.created, report.sends),
        (1, 0, 0)
    );
    let e = store.outbox_entry_for(&hash).await.unwrap().unwrap();
    assert_eq!((e.state, e.attempts, e.sends), (OutboxState::Posted, 2, 1));
    assert_eq!(sap.create_calls(), 1);
    assert_eq!(sap.documents_for(&key(1)), 1);
    let last = store.audit_trail(&hash).await.unwrap().pop().unwrap();
    assert_eq!(last.detail["found_existing"], true);
    assert_eq!(
        last.detail["sap_document"],
        e.sap_document.unwrap().number.as_str()
    );
}

#[tokio::test]
async fn a_worker_killed_between_sending_and_recording_is_healed_after_its_lease() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t0()));
    let store = Store::open_with_clock(dir.path(), clock.clone())
        .await
        .unwrap();
    let sap = FakeSap::new();
    let hash = approved(&store, 1).await;
    // The dying worker: claims, counts its send, SAP commits — and the process is gone
    // before anything is recorded.
    let lease = t0() + secs(30);
    let e = store
        .claim_due(PostingTarget::Odata, t0(), 1, lease)
        .await
        .unwrap()
        .remove(0);
    assert!(store.begin_send(e.claim(), lease).await.unwrap());
    use sapllm_sap::SupplierInvoiceApi;
    let committed = sap.create(&e.payload).await.unwrap();
    store.close().await;

    // A new process: the entry is someone's until the lease runs out, then healed.
    let store = Store::open_with_clock(dir.path(), clock.clone())
        .await
        .unwrap();
    let mut w = worker(&store, &sap, 1.0);
    assert_eq!(w.run_once(t0() + secs(29)).await.unwrap().claimed, 0);
    clock.set(lease);
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!((report.found_existing, report.sends), (1, 0));
    let e = store.outbox_entry_for(&hash).await.unwrap().unwrap();
    assert_eq!(e.state, OutboxState::Posted);
    assert_eq!(e.sap_document.unwrap().number, committed.supplier_invoice);
    assert_eq!(sap.create_calls(), 1);
    assert_eq!(sap.documents_for(&key(1)), 1);
    store.close().await;
}

#[tokio::test]
async fn too_many_requests_pauses_the_whole_worker_for_retry_after() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    for n in 1..=3 {
        approved(&store, n).await;
    }
    sap.script_creates([CreateStep::FailBeforeCommit(transient(
        "rate_limited",
        Some(30),
    ))]);
    let mut w = worker(&store, &sap, 0.0);
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!(report.claimed, 1, "stops at the 429");
    assert_eq!(report.retries["create/rate_limited"], 1);
    assert_eq!(report.paused_until, Some(t0() + secs(30)));
    let first = &store
        .outbox_entries(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.attempts == 1)
        .unwrap()
        .clone();
    assert_eq!(
        first.next_attempt_at,
        t0() + secs(30),
        "Retry-After honoured"
    );
    assert_eq!(first.last_error.as_ref().unwrap().code, "rate_limited");

    // The other two are due, but SAP asked everyone to wait.
    clock.set(t0() + secs(29));
    assert_eq!(w.run_once(clock.now()).await.unwrap().claimed, 0);
    clock.set(t0() + secs(30));
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!((report.claimed, report.created), (3, 3));
    assert_eq!(sap.document_count(), 3);
    assert_eq!(sap.create_calls(), 4);
}

#[tokio::test]
async fn sap_refusing_the_invoice_fails_the_entry_with_its_message_and_keeps_the_document_approved()
{
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let hash = approved(&store, 1).await;
    let refusal = permanent(
        "M8/108",
        "Check if invoice already entered under accounting doc. no. 5105600731 2024",
    );
    sap.script_creates([CreateStep::FailBeforeCommit(refusal.clone())]);
    let mut w = worker(&store, &sap, 1.0);
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!(report.failed["M8/108"], 1);
    let e = store.outbox_entry_for(&hash).await.unwrap().unwrap();
    assert_eq!(e.state, OutboxState::Failed);
    let err = e.last_error.unwrap();
    assert_eq!(
        (err.code.as_str(), err.message.as_str()),
        ("M8/108", refusal.message.as_str())
    );
    assert_eq!((e.attempts, e.sends), (1, 1));
    assert_eq!(
        store.document(&hash).await.unwrap().status,
        DocumentStatus::Approved
    );
    let last = store.audit_trail(&hash).await.unwrap().pop().unwrap();
    assert_eq!(last.action, AuditAction::Failed);
    assert_eq!(last.detail["stage"], "sap_posting");
    assert_eq!(last.detail["message"], refusal.message.as_str());
    // Looked up twice (before, and after the duplicate message), created once, nothing in SAP.
    assert_eq!(sap.calls().len(), 3);
    assert_eq!(sap.document_count(), 0);
    // Not tried again.
    clock.set(t0() + CDuration::days(1));
    assert_eq!(w.run_once(clock.now()).await.unwrap().claimed, 0);
}

#[tokio::test]
async fn the_duplicate_message_for_our_own_earlier_create_is_healed_by_a_lookup() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new().with_duplicate_check();
    let hash = approved(&store, 1).await;
    // The first create commits and its answer is lost; the next pre-check reads a lagging
    // replica and misses it; SAP's duplicate check then fires on the second create.
    sap.script_creates([CreateStep::CommitThenFail(transient("connection", None))]);
    sap.script_finds([FindStep::Answer, FindStep::Stale]);
    let mut w = worker(&store, &sap, 1.0);
    w.run_once(clock.now()).await.unwrap();
    clock.advance(secs(2));
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!(report.found_existing, 1, "{report:?}");
    assert_eq!(
        sap.create_calls(),
        2,
        "the second create met SAP's duplicate check"
    );
    assert_eq!(report.duplicate_rejections, 1);
    let e = store.outbox_entry_for(&hash).await.unwrap().unwrap();
    assert_eq!(e.state, OutboxState::Posted);
    assert_eq!(sap.documents_for(&key(1)), 1);
}

#[tokio::test]
async fn after_max_sends_failed_creates_the_worker_gives_up_with_the_last_error() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let hash = approved(&store, 1).await;
    sap.script_creates((0..4).map(|_| CreateStep::FailBeforeCommit(transient("http_500", None))));
    let mut w = worker(&store, &sap, 0.0);
    for _ in 0..4 {
        w.run_once(clock.now()).await.unwrap();
    }
    let e = store.outbox_entry_for(&hash).await.unwrap().unwrap();
    assert_eq!((e.state, e.attempts, e.sends), (OutboxState::Failed, 4, 4));
    let err = e.last_error.unwrap();
    assert_eq!(err.code, "gave_up");
    assert!(
        err.message
            .starts_with("gave up after 4 attempts: http_500: simulated http_500"),
        "{}",
        err.message
    );
    assert_eq!(sap.document_count(), 0);
}

#[tokio::test]
async fn offline_tries_back_off_pause_the_worker_and_never_count_toward_giving_up() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let a = approved(&store, 1).await;
    let b = approved(&store, 2).await;
    sap.script_finds((0..12).map(|_| FindStep::Fail(transient("connection", None))));
    let mut w = worker(&store, &sap, 1.0);
    for _ in 0..12 {
        let report = w.run_once(clock.now()).await.unwrap();
        assert_eq!(report.claimed, 1, "one failed lookup pauses the worker");
        assert_eq!(report.retries["check/connection"], 1);
        let until = report.paused_until.unwrap();
        assert_eq!(w.run_once(clock.now()).await.unwrap().claimed, 0);
        clock.set(until);
    }
    let ea = store.outbox_entry_for(&a).await.unwrap().unwrap();
    let eb = store.outbox_entry_for(&b).await.unwrap().unwrap();
    assert_eq!(ea.state, OutboxState::Pending);
    assert_eq!(ea.attempts + eb.attempts, 12);
    assert_eq!(ea.sends + eb.sends, 0, "max_sends is 4, yet no give-up");
    // The capped bound: 60 s after six attempts.
    assert!(ea.next_attempt_at - clock.now() <= secs(60));
    // The network is back.
    clock.advance(secs(60));
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!(report.created, 2);
    assert_eq!(sap.document_count(), 2);
}

#[tokio::test]
async fn a_document_sent_back_to_review_after_approval_is_not_posted_behind_the_clerks_back() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let hash = approved(&store, 1).await;
    // Re-processed: a new result routes it to review again.
    store
        .save_result(&hash, &result(&hash, Route::Review))
        .await
        .unwrap();
    let mut w = worker(&store, &sap, 1.0);
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!(report.failed["not_approved"], 1);
    assert_eq!(sap.create_calls(), 0);
    // Approving again re-arms the same entry, which then posts.
    let again = store
        .approve(&hash, "anna", Some("re-checked"), &posting(1))
        .await
        .unwrap();
    assert_eq!(again.entry.state, OutboxState::Pending);
    assert_eq!(w.run_once(clock.now()).await.unwrap().created, 1);
    assert_eq!(sap.documents_for(&key(1)), 1);
}

#[tokio::test]
async fn refused_credentials_stop_the_run_and_keep_every_entry() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let a = approved(&store, 1).await;
    approved(&store, 2).await;
    sap.script_finds([FindStep::Fail(permanent(
        "auth",
        "SAP refused the user or password (401)",
    ))]);
    let mut w = worker(&store, &sap, 1.0);
    let err = w.run_once(clock.now()).await.unwrap_err();
    assert!(
        matches!(err, WorkerError::Connection(ref e) if e.code == "auth"),
        "{err}"
    );
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!(counts[&OutboxState::Pending], 2);
    assert_eq!(counts[&OutboxState::Failed], 0);
    assert_eq!(
        store.document(&a).await.unwrap().status,
        DocumentStatus::Approved
    );
    assert!(w.paused_until().is_some());
}

#[tokio::test]
async fn a_re_armed_entry_whose_key_changed_still_asks_for_the_old_key() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let hash = approved(&store, 1).await;
    // Gave up after transient failures; the last create had in fact reached SAP.
    sap.script_creates(
        (0..3)
            .map(|_| CreateStep::FailBeforeCommit(transient("http_500", None)))
            .chain([CreateStep::CommitThenFail(transient("http_500", None))]),
    );
    let mut w = worker(&store, &sap, 0.0);
    for _ in 0..4 {
        w.run_once(clock.now()).await.unwrap();
    }
    assert_eq!(
        store.outbox_entry_for(&hash).await.unwrap().unwrap().state,
        OutboxState::Failed
    );
    // The clerk "corrects" the reference and posts again: SAP has it under the old key.
    let re = store
        .enqueue_posting(&hash, &posting(99), "anna")
        .await
        .unwrap();
    assert_eq!(re.entry.previous_keys.len(), 1);
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!(report.found_existing, 1);
    assert_eq!(sap.document_count(), 1);
    assert_eq!(sap.documents_for(&key(99)), 0);
}

#[tokio::test]
async fn post_document_tries_one_entry_now_whatever_its_schedule() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let hash = approved(&store, 1).await;
    approved(&store, 2).await;
    sap.script_creates([CreateStep::FailBeforeCommit(transient("http_503", None))]);
    let mut w = worker(&store, &sap, 1.0);
    let outcome = w.post_document(&hash).await.unwrap().unwrap();
    assert!(matches!(
        outcome,
        EntryOutcome::Retry {
            phase: Phase::Create,
            ..
        }
    ));
    // Due in 2 s, but the clerk asks now.
    let outcome = w.post_document(&hash).await.unwrap().unwrap();
    assert!(matches!(
        outcome,
        EntryOutcome::Posted {
            found_existing: false,
            ..
        }
    ));
    assert!(w.post_document(&hash).await.unwrap().is_none(), "posted");
    assert_eq!(sap.documents_for(&key(2)), 0, "only the one asked for");
    let _ = clock;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_with_random_faults_post_every_document_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    const N: u32 = 120;
    for n in 0..N {
        approved(&store, n).await;
    }
    let sap = FakeSap::new().with_random_faults(RandomFaults {
        seed: 11,
        find_fails: 0.1,
        create_fails_before_commit: 0.15,
        create_fails_after_commit: 0.15,
    });
    let fast = WorkerConfig {
        batch_size: 5,
        lease: Duration::from_secs(2),
        backoff_base: Duration::from_millis(2),
        backoff_cap: Duration::from_millis(20),
        max_sends: 12,
        settle_after_unknown: Duration::from_millis(20),
        ..WorkerConfig::default()
    };
    // Two processes' worth of workers on one database file (two stores, two pools).
    let other = Store::open(dir.path()).await.unwrap();
    let mut w1 = OutboxWorker::with_jitter(
        store.clone(),
        sap.clone(),
        fast.clone(),
        Box::new(RandomJitter::seeded(1)),
    )
    .unwrap();
    let mut w2 = OutboxWorker::with_jitter(
        other.clone(),
        sap.clone(),
        fast,
        Box::new(RandomJitter::seeded(2)),
    )
    .unwrap();
    let max_wait = Duration::from_secs(5);
    let (r1, r2) = tokio::join!(w1.run_until_idle(max_wait), w2.run_until_idle(max_wait));
    let (r1, i1) = r1.unwrap();
    let (r2, i2) = r2.unwrap();
    assert_eq!((i1, i2), (Idle::Empty, Idle::Empty));
    assert!(sap.duplicates().is_empty(), "{:?}", sap.duplicates());
    assert_eq!(sap.document_count(), N as usize);
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!(counts[&OutboxState::Posted], u64::from(N), "{counts:?}");
    assert_eq!(
        r1.posted() + r2.posted(),
        N,
        "every document recorded once: {r1:?} {r2:?}"
    );
    assert!(
        r1.found_existing + r2.found_existing > 0,
        "lost answers were healed"
    );
    assert!(r1.posted() > 0 && r2.posted() > 0, "both worked");
    // Every create the fake received carried a key; none of them was a second one.
    assert!(sap.calls().iter().all(|c| match c {
        sapllm_outbox::fake::Call::Create(k) => k.is_some(),
        _ => true,
    }));
    let _ = key_of_payload(&json!({}));
    store.close().await;
    other.close().await;
}

#[tokio::test]
async fn after_a_create_with_unknown_outcome_the_next_lookup_waits_for_sap_to_settle() {
    let (store, clock) = memory_store().await;
    let sap = FakeSap::new();
    let hash = approved(&store, 1).await;
    sap.script_creates([CreateStep::CommitThenFail(transient("timeout", None))]);
    sap.script_finds([FindStep::Fail(transient("http_503", None))]);
    let settle = WorkerConfig {
        settle_after_unknown: Duration::from_secs(45),
        ..config()
    };
    let mut w = OutboxWorker::with_jitter(
        store.clone(),
        sap.clone(),
        settle,
        Box::new(FixedJitter(1.0)),
    )
    .unwrap();
    // A failed lookup is retried after the plain backoff (2 s) ...
    w.run_once(clock.now()).await.unwrap();
    let e = store.outbox_entry_for(&hash).await.unwrap().unwrap();
    assert_eq!(e.next_attempt_at, t0() + secs(2));
    // ... a create that timed out only after the settle time.
    clock.set(e.next_attempt_at);
    w.run_once(clock.now()).await.unwrap();
    let e = store.outbox_entry_for(&hash).await.unwrap().unwrap();
    assert_eq!(e.next_attempt_at, clock.now() + secs(45));
    clock.set(e.next_attempt_at);
    let report = w.run_once(clock.now()).await.unwrap();
    assert_eq!((report.found_existing, report.duplicate_rejections), (1, 0));
    assert_eq!(sap.create_calls(), 1);
}

#[test]
fn errors_are_classified_by_phase_and_code() {
    use sapllm_outbox::{ErrorClass, classify};
    assert_eq!(
        classify(Phase::Check, &transient("timeout", None)),
        ErrorClass::Retry
    );
    assert_eq!(
        classify(Phase::Create, &transient("csrf", None)),
        ErrorClass::Retry
    );
    assert_eq!(
        classify(Phase::Create, &permanent("M8/108", "dup")),
        ErrorClass::Permanent
    );
    assert_eq!(
        classify(Phase::Check, &permanent("auth", "401")),
        ErrorClass::Systemic
    );
    assert_eq!(
        classify(Phase::Create, &permanent("not_found", "404")),
        ErrorClass::Systemic
    );
    assert_eq!(
        classify(Phase::Check, &permanent("protocol", "html")),
        ErrorClass::Systemic
    );
    assert_eq!(
        classify(Phase::Create, &permanent("protocol", "html")),
        ErrorClass::Retry
    );
}

#[tokio::test]
async fn the_app_loop_posts_what_is_approved_while_it_runs_and_stops_on_shutdown() {
    // The system clock: `run` sleeps for real between passes.
    let store = Store::open_in_memory().await.unwrap();
    let sap = FakeSap::new();
    approved(&store, 1).await;
    sap.script_creates([CreateStep::FailBeforeCommit(transient("http_503", None))]);
    let fast = WorkerConfig {
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_millis(50),
        poll_interval: Duration::from_millis(20),
        ..config()
    };
    let mut w = OutboxWorker::with_jitter(
        store.clone(),
        sap.clone(),
        fast,
        Box::new(RandomJitter::seeded(3)),
    )
    .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let approver = {
        let store = store.clone();
        async move {
            // Approved while the worker runs: picked up by the next poll.
            tokio::time::sleep(Duration::from_millis(60)).await;
            approved(&store, 2).await;
            for _ in 0..200 {
                let counts = store.outbox_counts().await.unwrap();
                if counts[&OutboxState::Posted] == 2 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let _ = stop.send(());
        }
    };
    let (report, ()) = tokio::join!(
        w.run(async {
            let _ = stopped.await;
        }),
        approver
    );
    assert_eq!(report.created, 2, "{report:?}");
    assert_eq!(report.retries["create/http_503"], 1);
    assert_eq!(sap.document_count(), 2);
}
