//! The posting outbox: approval and rejection, one entry per document, claims and leases,
//! conditional writes, posting and failure with their audit events, re-arming, reopening.

use chrono::Duration;
use sapllm_core::{ContentHash, FileKind, Route};
use sapllm_store::{
    AuditAction, DocumentStatus, EnqueueOutcome, FixedClock, NewPosting, OutboxFilter, OutboxState,
    PostedHow, PostingError, PostingTarget, SapDocument, Store, StoreError, idempotency_key_for,
};
use serde_json::json;
use std::sync::Arc;

use crate::support::{Inv, memory_store, pdf_bytes, result, t0, tick};

/// A processed document (route `route`), returned with its hash.
async fn document(store: &Store, n: u32, route: Route) -> ContentHash {
    let hash = store
        .put_original(&pdf_bytes(n), &format!("{n}.pdf"), FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    let inv = Inv {
        route,
        ..Inv::default()
    };
    store
        .save_result(&hash, &result(&hash, &inv))
        .await
        .unwrap();
    hash
}

fn posting(reference: &str) -> NewPosting {
    NewPosting {
        target: PostingTarget::Odata,
        payload: json!({ "CompanyCode": "1010", "SupplierInvoiceIDByInvcgParty": reference }),
        invoice_key: json!({
            "company_code": "1010",
            "invoicing_party": "17300001",
            "reference": reference,
        }),
    }
}

fn sap(number: &str) -> SapDocument {
    SapDocument {
        number: number.into(),
        fiscal_year: "2024".into(),
    }
}

#[tokio::test]
async fn approving_creates_one_entry_with_a_stable_key_in_one_step_with_the_audit_event() {
    let (store, _clock) = memory_store().await;
    let hash = document(&store, 1, Route::Review).await;

    let done = store
        .approve(
            &hash,
            "anna",
            Some("checked against the PO"),
            &posting("RE-1"),
        )
        .await
        .unwrap();
    assert_eq!(done.outcome, EnqueueOutcome::Created);
    assert_eq!(done.previous_status, DocumentStatus::ToReview);
    let e = &done.entry;
    assert_eq!(e.state, OutboxState::Pending);
    assert_eq!(e.idempotency_key, idempotency_key_for(&hash));
    assert_eq!((e.attempts, e.sends), (0, 0));
    assert_eq!(e.next_attempt_at, t0());
    assert_eq!(e.payload["SupplierInvoiceIDByInvcgParty"], "RE-1");
    assert_eq!(
        store.document(&hash).await.unwrap().status,
        DocumentStatus::Approved
    );
    let last = store.audit_trail(&hash).await.unwrap().pop().unwrap();
    assert_eq!(last.action, AuditAction::StatusChanged);
    assert_eq!(last.actor, "anna");
    assert_eq!(last.detail["to"], "approved");
    assert_eq!(last.detail["comment"], "checked against the PO");
    assert_eq!(last.detail["posting"]["outbox_id"], e.id);

    // Approving again is refused with the reason; enqueuing again returns the same entry.
    let err = store
        .approve(&hash, "anna", None, &posting("RE-1"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("is approved"), "{err}");
    let again = store
        .enqueue_posting(&hash, &posting("RE-1"), "anna")
        .await
        .unwrap();
    assert_eq!(again.outcome, EnqueueOutcome::Existing);
    assert_eq!(again.entry, *e);
    assert_eq!(
        store
            .outbox_entries(&OutboxFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(store.outbox_entry_for(&hash).await.unwrap().unwrap(), *e);
}

#[tokio::test]
async fn only_documents_to_review_or_ready_to_post_can_be_approved() {
    let (store, _clock) = memory_store().await;
    let ready = document(&store, 1, Route::AutoApprove).await;
    assert!(
        store
            .approve(&ready, "anna", None, &posting("A"))
            .await
            .is_ok()
    );

    let rejected = document(&store, 2, Route::Reject).await;
    let received = store
        .put_original(&pdf_bytes(3), "3.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    for hash in [&rejected, &received] {
        let before = store.document(hash).await.unwrap().status;
        let trail = store.audit_trail(hash).await.unwrap().len();
        let err = store
            .approve(hash, "anna", None, &posting("B"))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::InvalidInput(_)), "{err}");
        assert!(
            err.to_string()
                .contains("only documents to review or ready to post")
        );
        assert_eq!(store.document(hash).await.unwrap().status, before);
        assert_eq!(store.audit_trail(hash).await.unwrap().len(), trail);
        assert!(store.outbox_entry_for(hash).await.unwrap().is_none());
    }
    let unknown = ContentHash::from_hex(&"0".repeat(64)).unwrap();
    assert!(
        store
            .approve(&unknown, "anna", None, &posting("C"))
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn claims_take_due_entries_once_and_a_dead_workers_entry_after_its_lease() {
    let (store, clock) = memory_store().await;
    let a = document(&store, 1, Route::Review).await;
    let b = document(&store, 2, Route::Review).await;
    store
        .approve(&a, "anna", None, &posting("A"))
        .await
        .unwrap();
    tick(&clock);
    store
        .approve(&b, "anna", None, &posting("B"))
        .await
        .unwrap();
    let now = clock.now_for_test();
    let lease = now + Duration::seconds(60);

    let first = store
        .claim_due(PostingTarget::Odata, now, 1, lease)
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].document_hash, a, "oldest due first");
    assert_eq!(first[0].state, OutboxState::InFlight);
    assert_eq!(first[0].attempts, 1);
    assert_eq!(first[0].next_attempt_at, lease);
    // IDoc entries are another worker's business.
    assert!(
        store
            .claim_due(PostingTarget::Idoc, now, 10, lease)
            .await
            .unwrap()
            .is_empty()
    );
    let second = store
        .claim_due(PostingTarget::Odata, now, 10, lease)
        .await
        .unwrap();
    assert_eq!(second.len(), 1, "a held entry is not claimed twice");
    assert_eq!(second[0].document_hash, b);
    assert_eq!(
        store.next_outbox_due(PostingTarget::Odata).await.unwrap(),
        Some(lease)
    );

    // The worker dies; after the lease the entry is claimable again, with the next attempt
    // number, and the dead worker's claim no longer counts.
    let stale = first[0].claim();
    assert!(
        store
            .claim_due(
                PostingTarget::Odata,
                lease - Duration::microseconds(1),
                10,
                lease
            )
            .await
            .unwrap()
            .is_empty()
    );
    let later = lease + Duration::seconds(60);
    let again = store
        .claim_due(PostingTarget::Odata, lease, 10, later)
        .await
        .unwrap();
    assert_eq!(again.len(), 2);
    let a_again = again.iter().find(|e| e.document_hash == a).unwrap();
    assert_eq!(a_again.attempts, 2);
    let err = PostingError::new("timeout", "no answer");
    assert!(!store.begin_send(stale, later).await.unwrap());
    assert!(!store.schedule_retry(stale, later, &err).await.unwrap());
    assert!(!store.mark_failed(stale, &err).await.unwrap());
    assert_eq!(store.outbox_entry(a_again.id).await.unwrap(), *a_again);
    // The live claim works.
    assert!(store.begin_send(a_again.claim(), later).await.unwrap());
    assert_eq!(store.outbox_entry(a_again.id).await.unwrap().sends, 1);
}

#[tokio::test]
async fn posting_records_the_sap_number_on_the_entry_the_document_and_the_audit_log() {
    let (store, clock) = memory_store().await;
    let hash = document(&store, 1, Route::Review).await;
    store
        .approve(&hash, "anna", None, &posting("A"))
        .await
        .unwrap();
    let now = clock.now_for_test();
    let e = store
        .claim_due(PostingTarget::Odata, now, 1, now + Duration::seconds(30))
        .await
        .unwrap()
        .remove(0);
    assert!(
        store
            .begin_send(e.claim(), now + Duration::seconds(30))
            .await
            .unwrap()
    );
    tick(&clock);
    let posted = store
        .mark_posted(e.id, &sap("5105600001"), PostedHow::Created)
        .await
        .unwrap();
    assert_eq!(posted.state, OutboxState::Posted);
    assert_eq!(posted.sap_document, Some(sap("5105600001")));
    let doc = store.document(&hash).await.unwrap();
    assert_eq!(doc.status, DocumentStatus::Posted);
    let last = store.audit_trail(&hash).await.unwrap().pop().unwrap();
    assert_eq!(last.actor, "sap-outbox");
    assert_eq!(last.detail["from"], "approved");
    assert_eq!(last.detail["to"], "posted");
    assert_eq!(last.detail["sap_document"], "5105600001");
    assert_eq!(last.detail["sap_fiscal_year"], "2024");
    assert_eq!(last.detail["found_existing"], false);

    // The same answer again changes nothing; another number would be a second posting.
    let trail = store.audit_trail(&hash).await.unwrap().len();
    assert_eq!(
        store
            .mark_posted(e.id, &sap("5105600001"), PostedHow::FoundExisting)
            .await
            .unwrap(),
        posted
    );
    assert_eq!(store.audit_trail(&hash).await.unwrap().len(), trail);
    assert!(matches!(
        store
            .mark_posted(e.id, &sap("5105600002"), PostedHow::Created)
            .await,
        Err(StoreError::Corrupt(_))
    ));
    // Posted is final: no claim, no rejection, no re-approval.
    assert!(
        store
            .claim_due(
                PostingTarget::Odata,
                now + Duration::days(1),
                10,
                now + Duration::days(2)
            )
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.reject(&hash, "anna", "wrong").await.is_err());
    assert_eq!(
        store.next_outbox_due(PostingTarget::Odata).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn a_failed_posting_keeps_the_document_approved_and_is_rearmed_with_the_old_key_kept() {
    let (store, clock) = memory_store().await;
    let hash = document(&store, 1, Route::Review).await;
    store
        .approve(&hash, "anna", None, &posting("A"))
        .await
        .unwrap();
    let now = clock.now_for_test();
    let e = store
        .claim_due(PostingTarget::Odata, now, 1, now + Duration::seconds(30))
        .await
        .unwrap()
        .remove(0);
    // A transient error first: back to pending, due later, error shown.
    let retry_at = now + Duration::seconds(4);
    let timeout = PostingError::new("timeout", "SAP did not answer within 30 s");
    assert!(
        store
            .schedule_retry(e.claim(), retry_at, &timeout)
            .await
            .unwrap()
    );
    let e = store.outbox_entry(e.id).await.unwrap();
    assert_eq!(e.state, OutboxState::Pending);
    assert_eq!(e.next_attempt_at, retry_at);
    assert_eq!(e.last_error, Some(timeout));
    assert!(
        store
            .claim_due(PostingTarget::Odata, now, 1, now)
            .await
            .unwrap()
            .is_empty(),
        "not due before its time"
    );
    // "Post now" makes it due at once.
    let due = store.make_due_now(&hash).await.unwrap().unwrap();
    assert_eq!(due.next_attempt_at, now);

    let e = store
        .claim_due(PostingTarget::Odata, now, 1, now + Duration::seconds(30))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(e.attempts, 2);
    let refused = PostingError::new(
        "M8/108",
        "Check if invoice already entered under 5105600001",
    );
    assert!(store.mark_failed(e.claim(), &refused).await.unwrap());
    let failed = store.outbox_entry(e.id).await.unwrap();
    assert_eq!(failed.state, OutboxState::Failed);
    assert_eq!(failed.last_error, Some(refused.clone()));
    assert_eq!(
        store.document(&hash).await.unwrap().status,
        DocumentStatus::Approved
    );
    let last = store.audit_trail(&hash).await.unwrap().pop().unwrap();
    assert_eq!(last.action, AuditAction::Failed);
    assert_eq!(last.detail["stage"], "sap_posting");
    assert_eq!(last.detail["code"], "M8/108");
    assert_eq!(
        store.next_outbox_due(PostingTarget::Odata).await.unwrap(),
        None
    );
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!(counts[&OutboxState::Failed], 1);
    assert_eq!(counts[&OutboxState::Pending], 0);

    // The clerk corrects the reference and posts again: the same entry, armed again; the old
    // key stays to be asked.
    tick(&clock);
    let re = store
        .enqueue_posting(&hash, &posting("A-corrected"), "anna")
        .await
        .unwrap();
    assert_eq!(re.outcome, EnqueueOutcome::Rearmed);
    assert_eq!(re.entry.id, failed.id);
    assert_eq!(re.entry.idempotency_key, failed.idempotency_key);
    assert_eq!(re.entry.state, OutboxState::Pending);
    assert_eq!((re.entry.attempts, re.entry.sends), (0, 0));
    assert_eq!(re.entry.last_error, None);
    assert_eq!(re.entry.invoice_key["reference"], "A-corrected");
    assert_eq!(re.entry.previous_keys, vec![failed.invoice_key.clone()]);
    assert_eq!(
        re.entry
            .all_keys()
            .map(|k| k["reference"].clone())
            .collect::<Vec<_>>(),
        [json!("A-corrected"), json!("A")]
    );
    let last = store.audit_trail(&hash).await.unwrap().pop().unwrap();
    assert_eq!(last.detail["reason"], "posting re-queued");
    assert_eq!(last.detail["posting"]["outcome"], "rearmed");
    assert_eq!(
        store
            .outbox_entries(&OutboxFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn rejection_needs_a_reason_and_waits_for_a_posting_under_way() {
    let (store, clock) = memory_store().await;
    let hash = document(&store, 1, Route::Review).await;
    assert!(store.reject(&hash, "anna", "  ").await.is_err());
    assert_eq!(
        store.document(&hash).await.unwrap().status,
        DocumentStatus::ToReview
    );

    store
        .approve(&hash, "anna", None, &posting("A"))
        .await
        .unwrap();
    let err = store.reject(&hash, "anna", "duplicate").await.unwrap_err();
    assert!(err.to_string().contains("posting"), "{err}");
    let now = clock.now_for_test();
    let e = store
        .claim_due(PostingTarget::Odata, now, 1, now + Duration::seconds(30))
        .await
        .unwrap()
        .remove(0);
    assert!(
        store.reject(&hash, "anna", "duplicate").await.is_err(),
        "in flight"
    );
    store
        .mark_failed(e.claim(), &PostingError::new("M8/872", "vendor blocked"))
        .await
        .unwrap();
    let from = store
        .reject(&hash, "bob", "vendor blocked for posting")
        .await
        .unwrap();
    assert_eq!(from, DocumentStatus::Approved);
    assert_eq!(
        store.document(&hash).await.unwrap().status,
        DocumentStatus::Rejected
    );
    let last = store.audit_trail(&hash).await.unwrap().pop().unwrap();
    assert_eq!(last.actor, "bob");
    assert_eq!(last.detail["reason"], "vendor blocked for posting");
    assert_eq!(last.detail["to"], "rejected");
    // Rejected documents are not approvable.
    assert!(
        store
            .approve(&hash, "anna", None, &posting("A"))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_reprocessed_document_can_be_approved_again_only_if_nothing_was_sent() {
    let (store, clock) = memory_store().await;
    let hash = document(&store, 1, Route::Review).await;
    let first = store
        .approve(&hash, "anna", None, &posting("A"))
        .await
        .unwrap();
    // Re-processing sends the document back to review; its posting never left.
    store
        .save_result(&hash, &result(&hash, &Inv::default()))
        .await
        .unwrap();
    let again = store
        .approve(&hash, "anna", Some("re-checked"), &posting("A2"))
        .await
        .unwrap();
    assert_eq!(again.outcome, EnqueueOutcome::Replaced);
    assert_eq!(again.entry.id, first.entry.id);
    assert_eq!(again.entry.payload["SupplierInvoiceIDByInvcgParty"], "A2");

    // Once a create was sent, a re-approval must wait for the outcome.
    let now = clock.now_for_test();
    let e = store
        .claim_due(PostingTarget::Odata, now, 1, now + Duration::seconds(30))
        .await
        .unwrap()
        .remove(0);
    assert!(
        store
            .begin_send(e.claim(), now + Duration::seconds(30))
            .await
            .unwrap()
    );
    store
        .schedule_retry(e.claim(), now, &PostingError::new("timeout", "no answer"))
        .await
        .unwrap();
    store
        .save_result(&hash, &result(&hash, &Inv::default()))
        .await
        .unwrap();
    let err = store
        .approve(&hash, "anna", None, &posting("A3"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("still pending"), "{err}");
    assert_eq!(
        store.outbox_entry(e.id).await.unwrap().payload["SupplierInvoiceIDByInvcgParty"],
        "A2"
    );
}

#[tokio::test]
async fn the_outbox_survives_reopening_with_its_leases() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t0()));
    let store = Store::open_with_clock(dir.path(), clock.clone())
        .await
        .unwrap();
    let a = document(&store, 1, Route::Review).await;
    let b = document(&store, 2, Route::AutoApprove).await;
    store
        .approve(&a, "anna", None, &posting("A"))
        .await
        .unwrap();
    store
        .approve(&b, "anna", None, &posting("B"))
        .await
        .unwrap();
    let lease = t0() + Duration::seconds(30);
    let held = store
        .claim_due(PostingTarget::Odata, t0(), 1, lease)
        .await
        .unwrap()
        .remove(0);
    store.close().await;

    // "Killed" while holding `held`: after reopening it stays held until the lease ends.
    let store = Store::open_with_clock(dir.path(), clock.clone())
        .await
        .unwrap();
    assert_eq!(store.outbox_entry(held.id).await.unwrap(), held);
    let now_due = store
        .claim_due(
            PostingTarget::Odata,
            t0(),
            10,
            lease + Duration::seconds(60),
        )
        .await
        .unwrap();
    assert_eq!(now_due.len(), 1);
    assert_ne!(now_due[0].id, held.id);
    let after = store
        .claim_due(
            PostingTarget::Odata,
            lease,
            10,
            lease + Duration::seconds(30),
        )
        .await
        .unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].id, held.id);
    assert_eq!(after[0].attempts, 2);
    let filter = OutboxFilter::default()
        .state(OutboxState::InFlight)
        .limit(10);
    assert_eq!(store.outbox_entries(&filter).await.unwrap().len(), 2);
    store.close().await;
}

/// `FixedClock::now` through the trait, without importing it everywhere.
trait NowForTest {
    fn now_for_test(&self) -> chrono::DateTime<chrono::Utc>;
}

impl NowForTest for FixedClock {
    fn now_for_test(&self) -> chrono::DateTime<chrono::Utc> {
        sapllm_store::Clock::now(self)
    }
}
