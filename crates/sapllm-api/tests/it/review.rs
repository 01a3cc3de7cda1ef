//! The review use cases on real samples: the document view, page words and images, a
//! correction by clicking words (re-validated, stored with its audit event), typed values
//! refused with a reason, line item edits, settings.

use std::path::{Path, PathBuf};

use sapllm_api::review::check_value;
use sapllm_api::{
    Api, CorrectionRequest, CorrectionSourceDto, CorrectionTargetDto, QueueQuery, Settings,
};
use sapllm_store::AuditAction;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

async fn api_with(dir: &Path, sample: &str) -> (Api, String) {
    let api = Api::open(&Settings::new(dir.to_path_buf())).await.unwrap();
    let summary = api
        .process_files(&[samples().join(sample)], &|_| {})
        .await
        .unwrap();
    assert_eq!(summary.processed, 1, "{summary:?}");
    let id = summary.ids[0].clone();
    (api, id)
}

fn header(field: &str) -> CorrectionTargetDto {
    CorrectionTargetDto::Header {
        field: field.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_word_clicked_on_the_page_replaces_a_field_and_everything_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let (api, id) = api_with(tmp.path(), "invoice-de-din.pdf").await;

    let doc = api.review_document(&id).await.unwrap();
    assert_eq!(doc.pages.len(), 1);
    assert!(
        doc.pages[0].width > 500.0 && doc.pages[0].width < 620.0,
        "A4 in points"
    );
    let gross = doc.fields.iter().find(|f| f.key == "gross_total").unwrap();
    let gross_value = gross.value.clone().expect("gross total read");
    assert_eq!(gross.kind, "amount");
    assert_eq!(gross.source, "text_layer");
    assert!(gross.bbox.is_some() && !gross.words.is_empty());
    assert!(!gross.producer.is_empty() && !gross.explanation.is_empty());

    // Every word of the field's provenance is a word of the page as the app shows it.
    let words = api.page_words(&id, 0).await.unwrap();
    for w in &gross.words {
        assert!((*w as usize) < words.len());
    }
    let png = api.page_image(&id, 0, 600).await.unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!(img.width(), 600);

    // The clerk takes the invoice number from the words the extractor used for the gross
    // total: the number becomes that amount's text, with the user as its source.
    let number_before = doc
        .fields
        .iter()
        .find(|f| f.key == "invoice_number")
        .and_then(|f| f.value.clone());
    let clicked: Vec<u32> = gross.words.clone();
    let expected_text: Vec<&str> = clicked
        .iter()
        .map(|w| words[*w as usize].text.as_str())
        .collect();
    let after = api
        .correct(
            &id,
            &CorrectionRequest {
                target: header("invoice_number"),
                value: None,
                source: CorrectionSourceDto::Words {
                    page: 0,
                    words: clicked.clone(),
                },
            },
            "anna",
        )
        .await
        .unwrap();
    let number = after
        .fields
        .iter()
        .find(|f| f.key == "invoice_number")
        .unwrap();
    assert_eq!(
        number.value.as_deref(),
        Some(expected_text.join(" ").as_str())
    );
    assert_eq!(number.source, "user");
    assert_eq!(number.confidence, 1.0);
    assert_eq!(number.words, clicked);
    if let Some(before) = &number_before {
        assert_eq!(&number.alternatives[0].value, before, "old winner kept");
    }
    assert_eq!(after.result_version, Some(2));
    assert_eq!(after.corrections.len(), 1);
    assert_eq!(after.corrections[0].user, "anna");

    // Stored: the correction row with its version, and the audit event with old → new.
    let hash = api.store().find_by_prefix(&id).await.unwrap();
    let stored = api.store().corrections(&hash).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].result_version, 2);
    assert_eq!(stored[0].correction.old, number_before);
    assert!(matches!(
        stored[0].correction.source,
        sapllm_core::CorrectionSource::Words { page: 0, .. }
    ));
    let audit = api.store().audit_trail(&hash).await.unwrap();
    let ev = audit
        .iter()
        .find(|e| e.action == AuditAction::Corrected)
        .expect("corrected event");
    assert_eq!(ev.actor, "anna");
    assert_eq!(ev.detail["field"], "invoice_number");
    assert_eq!(ev.detail["new"], expected_text.join(" ").as_str());
    assert!(ev.detail["source"]["bbox"].is_object(), "{}", ev.detail);

    // A typed gross total that breaks net + VAT = gross is kept (the clerk's word) and the
    // re-run quality check sends the document to review with a finding on the total.
    let wrong = api
        .correct(
            &id,
            &CorrectionRequest {
                target: header("gross_total"),
                value: Some("1.000.000,00".into()),
                source: CorrectionSourceDto::Typed,
            },
            "anna",
        )
        .await
        .unwrap();
    let g = wrong
        .fields
        .iter()
        .find(|f| f.key == "gross_total")
        .unwrap();
    assert_eq!(g.value.as_deref(), Some("1000000.00"));
    assert_eq!(g.alternatives[0].value, gross_value);
    assert_eq!(wrong.status, "to_review");
    assert!(
        wrong
            .findings
            .iter()
            .any(|f| f.stage == "quality_check" && f.fields.contains(&"gross_total".to_owned())),
        "{:?}",
        wrong.findings
    );

    // Not a date: refused, nothing stored.
    let err = api
        .correct(
            &id,
            &CorrectionRequest {
                target: header("issue_date"),
                value: Some("next tuesday".into()),
                source: CorrectionSourceDto::Typed,
            },
            "anna",
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, "invalid_value");
    assert!(err.message.contains("not a date"), "{}", err.message);
    assert_eq!(api.store().corrections(&hash).await.unwrap().len(), 2);

    // Confirming records old = new.
    let confirmed = api
        .correct(
            &id,
            &CorrectionRequest {
                target: header("currency"),
                value: None,
                source: CorrectionSourceDto::Confirmed,
            },
            "anna",
        )
        .await
        .unwrap();
    let c = confirmed.corrections.last().unwrap();
    assert_eq!(c.source, "confirmed");
    assert_eq!(c.old, c.new);
    assert!(c.old.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn line_items_are_added_split_and_deleted_and_the_queue_lists_and_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let (api, id) = api_with(tmp.path(), "invoice-de-din.pdf").await;
    let before = api.review_document(&id).await.unwrap();
    let n = before.line_items.len();
    assert!(n >= 1, "the sample has line items");

    let split = api
        .correct(
            &id,
            &CorrectionRequest {
                target: CorrectionTargetDto::LineSplit { line: 0 },
                value: None,
                source: CorrectionSourceDto::Typed,
            },
            "ben",
        )
        .await
        .unwrap();
    assert_eq!(split.line_items.len(), n + 1);
    let qty = api
        .correct(
            &id,
            &CorrectionRequest {
                target: CorrectionTargetDto::LineCell {
                    line: 1,
                    key: "quantity".into(),
                },
                value: Some("2,5".into()),
                source: CorrectionSourceDto::Typed,
            },
            "ben",
        )
        .await
        .unwrap();
    let cell = qty.line_items[1]
        .cells
        .iter()
        .find(|c| c.key == "quantity")
        .unwrap();
    assert_eq!(cell.value.as_deref(), Some("2.5"));
    let deleted = api
        .correct(
            &id,
            &CorrectionRequest {
                target: CorrectionTargetDto::LineDelete { line: 1 },
                value: None,
                source: CorrectionSourceDto::Typed,
            },
            "ben",
        )
        .await
        .unwrap();
    assert_eq!(deleted.line_items.len(), n);
    assert_eq!(deleted.corrections.len(), 3);
    assert_eq!(deleted.corrections[2].target, "line 2 deleted");

    let rows = api
        .review_queue(&QueueQuery {
            sort: "supplier".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, id);
    assert!(rows[0].issue_date.is_some());
    assert!(rows[0].min_confidence.is_some());
    let none = api
        .review_queue(&QueueQuery {
            search: Some("no such supplier anywhere".into()),
            sort: "received".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.is_empty());
    let counts = api.queue_counts().await.unwrap();
    assert_eq!(counts.all, 1);
    assert_eq!(counts.to_review + counts.ready_to_post + counts.rejected, 1);

    // A line that does not exist is refused.
    let err = api
        .correct(
            &id,
            &CorrectionRequest {
                target: CorrectionTargetDto::LineDelete { line: 7 },
                value: None,
                source: CorrectionSourceDto::Typed,
            },
            "ben",
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, "invalid_value");
}

#[test]
fn values_are_checked_as_they_are_typed() {
    assert!(check_value("iban", "DE89 3704 0044 0532 0130 00").ok);
    assert!(!check_value("iban", "DE89 3704 0044 0532 0130 99").ok);
    assert_eq!(
        check_value("gross_total", "1.234,50").normalized.as_deref(),
        Some("1234.50")
    );
    assert_eq!(
        check_value("issue_date", "5 mars 2024")
            .normalized
            .as_deref(),
        Some("2024-03-05")
    );
    assert!(!check_value("seller_vat_id", "DE12").ok);
}
