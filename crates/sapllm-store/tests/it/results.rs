//! Versioned results, denormalised rows, statuses and the audit log.

use sapllm_core::{
    BBox, ContentHash, DocType, FieldKey, FileKind, Route, Severity, SourceKind, Stage, ValueKind,
};
use sapllm_store::{ACTOR_PIPELINE, AuditAction, DocumentStatus, StoreError};

use crate::support::{Inv, memory_store, pdf_bytes, result, t0, tick};

#[tokio::test]
async fn results_are_versioned_and_old_versions_are_kept() {
    let (store, clock) = memory_store().await;
    let hash = store
        .put_original(&pdf_bytes(1), "a.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    assert_eq!(store.latest_result(&hash).await.unwrap(), None);
    assert!(store.result_versions(&hash).await.unwrap().is_empty());

    let r1 = result(
        &hash,
        &Inv {
            route: Route::Review,
            ..Inv::default()
        },
    );
    tick(&clock);
    assert_eq!(store.save_result(&hash, &r1).await.unwrap(), 1);
    assert_eq!(
        store.document(&hash).await.unwrap().status,
        DocumentStatus::ToReview
    );

    let r2 = result(
        &hash,
        &Inv {
            route: Route::AutoApprove,
            gross: Some("120.00"),
            ..Inv::default()
        },
    );
    tick(&clock);
    assert_eq!(store.save_result(&hash, &r2).await.unwrap(), 2);

    let (v, latest) = store.latest_result(&hash).await.unwrap().unwrap();
    assert_eq!(v, 2);
    assert_eq!(latest, r2, "the full result round-trips through JSON");
    assert_eq!(store.result(&hash, 1).await.unwrap(), r1);
    assert_eq!(store.result(&hash, 2).await.unwrap(), r2);
    assert!(store.result(&hash, 3).await.unwrap_err().is_not_found());

    let versions = store.result_versions(&hash).await.unwrap();
    let listed: Vec<(u32, Route, DocType)> = versions
        .iter()
        .map(|v| (v.version, v.route, v.doc_type))
        .collect();
    assert_eq!(
        listed,
        vec![
            (1, Route::Review, DocType::Invoice),
            (2, Route::AutoApprove, DocType::Invoice)
        ]
    );
    assert_eq!(versions[0].created_at, t0() + chrono::Duration::seconds(1));
    assert_eq!(versions[1].created_at, t0() + chrono::Duration::seconds(2));

    let doc = store.document(&hash).await.unwrap();
    assert_eq!(doc.status, DocumentStatus::ReadyToPost);
    assert_eq!(doc.latest_version, Some(2));
    assert_eq!(doc.route, Some(Route::AutoApprove));
    assert_eq!(doc.doc_type, Some(DocType::Invoice));

    // Versions are per document.
    let other = store
        .put_original(&pdf_bytes(2), "b.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    assert_eq!(
        store
            .save_result(&other, &result(&other, &Inv::default()))
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn results_must_belong_to_a_known_document() {
    let (store, _) = memory_store().await;
    let hash = store
        .put_original(&pdf_bytes(1), "a.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    let unknown = ContentHash::from_hex(&"a".repeat(64)).unwrap();
    let err = store
        .save_result(&hash, &result(&unknown, &Inv::default()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidInput(_)), "{err}");
    let err = store
        .save_result(&unknown, &result(&unknown, &Inv::default()))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(
        store
            .latest_result(&unknown)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(store.document(&unknown).await.unwrap_err().is_not_found());
    assert!(
        store
            .set_status(&unknown, DocumentStatus::Approved, "anna", None)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        store
            .record_failure(&unknown, "x", "y")
            .await
            .unwrap_err()
            .is_not_found()
    );
    // Nothing was half-written.
    assert!(store.result_versions(&hash).await.unwrap().is_empty());
    assert!(store.result_versions(&unknown).await.unwrap().is_empty());
}

#[tokio::test]
async fn fields_and_findings_are_denormalised_per_version() {
    let (store, _) = memory_store().await;
    let hash = store
        .put_original(&pdf_bytes(1), "a.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    store
        .save_result(&hash, &result(&hash, &Inv::default()))
        .await
        .unwrap();
    store
        .save_result(
            &hash,
            &result(
                &hash,
                &Inv {
                    gross: Some("1190.50"),
                    route: Route::Reject,
                    ..Inv::default()
                },
            ),
        )
        .await
        .unwrap();

    let f1 = store.field_rows(&hash, 1).await.unwrap();
    let keys: Vec<FieldKey> = f1.iter().map(|f| f.key).collect();
    assert_eq!(
        keys,
        vec![
            FieldKey::InvoiceNumber,
            FieldKey::IssueDate,
            FieldKey::Currency,
            FieldKey::SellerName,
            FieldKey::SellerVatId,
            FieldKey::GrossTotal,
        ]
    );
    let gross = f1.iter().find(|f| f.key == FieldKey::GrossTotal).unwrap();
    assert_eq!(gross.value, "119.00");
    assert_eq!(gross.value_type, ValueKind::Amount);
    assert_eq!(gross.confidence, 0.7);
    assert_eq!(gross.source_kind, SourceKind::TextLayer);
    assert_eq!(gross.page, Some(1));
    assert_eq!(gross.bbox, Some(BBox::new(300.0, 700.0, 400.0, 710.0)));
    assert_eq!(gross.producer, "rules.label-value");
    assert_eq!(gross.producer_version, "0.1.0");
    let issue = f1.iter().find(|f| f.key == FieldKey::IssueDate).unwrap();
    assert_eq!(
        (issue.value.as_str(), issue.value_type),
        ("2024-03-01", ValueKind::Date)
    );
    let vat = f1.iter().find(|f| f.key == FieldKey::SellerVatId).unwrap();
    assert_eq!(
        (vat.value.as_str(), vat.value_type),
        ("DE123456789", ValueKind::Code)
    );

    let f2 = store.field_rows(&hash, 2).await.unwrap();
    assert_eq!(
        f2.iter()
            .find(|f| f.key == FieldKey::GrossTotal)
            .unwrap()
            .value,
        "1190.50"
    );
    assert!(store.field_rows(&hash, 3).await.unwrap().is_empty());

    let fi1 = store.finding_rows(&hash, 1).await.unwrap();
    let codes: Vec<(u32, Stage, &str, Severity)> = fi1
        .iter()
        .map(|f| (f.seq, f.stage, f.code.as_str(), f.severity))
        .collect();
    assert_eq!(
        codes,
        vec![
            (0, Stage::Extraction, "extracted", Severity::Info),
            (1, Stage::QualityCheck, "low_confidence", Severity::Review),
        ]
    );
    assert_eq!(fi1[1].fields, vec![FieldKey::GrossTotal]);
    assert_eq!(fi1[1].message, "gross total unsure");
    let fi2 = store.finding_rows(&hash, 2).await.unwrap();
    assert_eq!(fi2[1].code, "duplicate_invoice");
    assert_eq!(fi2[1].severity, Severity::Reject);
}

#[tokio::test]
async fn every_state_change_writes_an_audit_event_in_order() {
    let (store, clock) = memory_store().await;
    let hash = store
        .put_original(&pdf_bytes(1), "a.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    tick(&clock);
    store
        .save_result(&hash, &result(&hash, &Inv::default()))
        .await
        .unwrap(); // → to_review
    tick(&clock);
    let prev = store
        .set_status(
            &hash,
            DocumentStatus::Approved,
            "anna",
            Some("checked against the PO"),
        )
        .await
        .unwrap();
    assert_eq!(prev, DocumentStatus::ToReview);
    // Same status again: no change, no event.
    tick(&clock);
    assert_eq!(
        store
            .set_status(&hash, DocumentStatus::Approved, "anna", None)
            .await
            .unwrap(),
        DocumentStatus::Approved
    );
    tick(&clock);
    store
        .set_status(&hash, DocumentStatus::Posted, "outbox", None)
        .await
        .unwrap();
    // Posted is final.
    let err = store
        .set_status(&hash, DocumentStatus::Rejected, "bob", None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidTransition { .. }), "{err}");
    // A re-run of a posted document keeps it posted.
    tick(&clock);
    store
        .save_result(
            &hash,
            &result(
                &hash,
                &Inv {
                    route: Route::Review,
                    ..Inv::default()
                },
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        store.document(&hash).await.unwrap().status,
        DocumentStatus::Posted
    );

    let trail = store.audit_trail(&hash).await.unwrap();
    let got: Vec<(AuditAction, &str)> =
        trail.iter().map(|e| (e.action, e.actor.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (AuditAction::Intake, "system"),
            (AuditAction::ResultSaved, ACTOR_PIPELINE),
            (AuditAction::StatusChanged, ACTOR_PIPELINE),
            (AuditAction::StatusChanged, "anna"),
            (AuditAction::StatusChanged, "outbox"),
            (AuditAction::ResultSaved, ACTOR_PIPELINE),
        ]
    );
    assert!(
        trail
            .windows(2)
            .all(|w| w[0].id < w[1].id && w[0].at <= w[1].at)
    );
    assert!(
        trail
            .iter()
            .all(|e| e.document_hash.as_ref() == Some(&hash))
    );
    assert_eq!(trail[0].at, t0());
    assert_eq!(trail[2].detail["from"], "received");
    assert_eq!(trail[2].detail["to"], "to_review");
    assert_eq!(trail[3].detail["from"], "to_review");
    assert_eq!(trail[3].detail["to"], "approved");
    assert_eq!(trail[3].detail["reason"], "checked against the PO");
    assert_eq!(trail[3].at, t0() + chrono::Duration::seconds(2));
    assert_eq!(trail[5].detail["version"], 2);
    assert_eq!(trail[5].detail["versions"]["rules"], "0.1.0");
}

#[tokio::test]
async fn failures_set_status_failed_with_code_and_audit() {
    let (store, clock) = memory_store().await;
    let hash = store
        .put_original(b"not a pdf at all", "broken.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    tick(&clock);
    store
        .record_failure(&hash, "pdf_unreadable", "PDFium could not open the file")
        .await
        .unwrap();
    let doc = store.document(&hash).await.unwrap();
    assert_eq!(doc.status, DocumentStatus::Failed);
    assert_eq!(doc.failure_code.as_deref(), Some("pdf_unreadable"));
    assert_eq!(
        doc.failure_message.as_deref(),
        Some("PDFium could not open the file")
    );
    assert_eq!(doc.status_changed_at, t0() + chrono::Duration::seconds(1));

    let trail = store.audit_trail(&hash).await.unwrap();
    let actions: Vec<AuditAction> = trail.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::Intake,
            AuditAction::Failed,
            AuditAction::StatusChanged
        ]
    );
    assert_eq!(trail[1].detail["code"], "pdf_unreadable");

    // A later successful run clears the failure and routes the document.
    store
        .save_result(&hash, &result(&hash, &Inv::default()))
        .await
        .unwrap();
    let doc = store.document(&hash).await.unwrap();
    assert_eq!(doc.status, DocumentStatus::ToReview);
    assert_eq!(doc.failure_code, None);
}
