//! The use cases against a real SQLite store in a temporary folder and real documents.

mod learning;
mod review;

use std::path::{Path, PathBuf};

use sapllm_api::{Api, DocumentFilter, DocumentStatus, ItemStatus, RunOptions, Settings};
use sapllm_core::Route;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

fn settings(dir: &Path) -> Settings {
    Settings::new(dir.to_path_buf())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_with_bad_files_finishes_and_the_store_stays_consistent() {
    let tmp = tempfile::tempdir().unwrap();
    let api = Api::open(&settings(tmp.path())).await.unwrap();
    let summary = api
        .process_paths(&[samples()], RunOptions::default(), &|_| {})
        .await
        .unwrap();

    let bad: Vec<_> = summary
        .items
        .iter()
        .filter(|i| i.file.starts_with(samples().join("bad")))
        .collect();
    assert_eq!(bad.len(), 6);
    assert!(bad.iter().all(|i| i.failed()), "every bad file fails");
    let good = summary.items.len() - bad.len();
    assert_eq!(summary.failed, 6);
    assert_eq!(summary.processed, good);
    for item in &summary.items {
        if let ItemStatus::Failed { code, message } = &item.status {
            assert!(!code.is_empty() && !message.is_empty());
        }
    }

    // The store has every processed document with its result, and the failed ones that got
    // past the inbox (encrypted, truncated, hostile XML) as failed documents.
    let counts = api.store().counts_by_status().await.unwrap();
    let failed = counts[&DocumentStatus::Failed];
    assert_eq!(failed, 4, "{counts:?}");
    let all = api.queue(&DocumentFilter::default()).await.unwrap();
    assert_eq!(all.len(), good + 4);

    // The ZUGFeRD sample: its view has the exact values, the audit trail and the original.
    let zugferd = summary
        .items
        .iter()
        .find(|i| i.file.ends_with("zugferd-invoice-de.pdf"))
        .unwrap();
    let hash = zugferd.hash.clone().unwrap();
    let view = api.show(&hash.as_str()[..10]).await.unwrap();
    assert!(view.result.as_ref().unwrap().from_einvoice);
    assert!(
        view.audit.len() >= 3,
        "intake, result, status change: {:?}",
        view.audit
    );
    let original = api.store().original_bytes(&hash).await.unwrap();
    assert_eq!(
        original,
        std::fs::read(samples().join("zugferd-invoice-de.pdf")).unwrap()
    );

    // A second run: same bytes are known; nothing is processed twice.
    let again = api
        .process_paths(
            &[samples().join("invoice-de-din.pdf")],
            RunOptions::default(),
            &|_| {},
        )
        .await
        .unwrap();
    assert!(matches!(
        again.items[0].status,
        ItemStatus::AlreadyKnown { .. }
    ));
    // --reprocess makes a new result version and keeps the old one.
    let re = api
        .process_paths(
            &[samples().join("invoice-de-din.pdf")],
            RunOptions {
                reprocess: true,
                ..Default::default()
            },
            &|_| {},
        )
        .await
        .unwrap();
    let h = re.items[0].hash.clone().unwrap();
    assert_eq!(api.show(h.as_str()).await.unwrap().versions, vec![1, 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_invoice_in_other_bytes_is_rejected_as_a_duplicate_with_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let api = Api::open(&settings(tmp.path())).await.unwrap();
    let first = api
        .process_paths(
            &[samples().join("zugferd-invoice-de.pdf")],
            RunOptions::default(),
            &|_| {},
        )
        .await
        .unwrap();
    let first_hash = first.items[0].hash.clone().unwrap();

    // The same invoice arriving again as different bytes (e.g. re-sent, re-saved): a comment
    // appended after %%EOF changes the hash, not the content.
    let mut bytes = std::fs::read(samples().join("zugferd-invoice-de.pdf")).unwrap();
    bytes.extend_from_slice(b"\n% re-sent by mail gateway\n");
    let copy = tmp.path().join("resent.pdf");
    std::fs::write(&copy, &bytes).unwrap();
    let second = api
        .process_paths(&[copy], RunOptions::default(), &|_| {})
        .await
        .unwrap();
    match &second.items[0].status {
        ItemStatus::Processed { route, reasons, .. } => {
            assert_eq!(*route, Route::Reject);
            let dup = reasons
                .iter()
                .find(|(c, _)| c == "duplicate")
                .expect("duplicate reason");
            assert!(dup.1.contains(first_hash.short()), "{dup:?}");
        }
        other => panic!("expected a processed duplicate, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eval_on_the_samples_reads_the_ground_truth_format() {
    let tmp = tempfile::tempdir().unwrap();
    let engine = sapllm_api::Engine::new(&settings(tmp.path())).unwrap();
    let report = sapllm_api::eval::evaluate(&engine, &samples(), false, &|_| {}).unwrap();
    assert_eq!(report.schema, "sapllm-eval/1");
    // 20 documents with ground truth; the bad files have none and are not scored.
    assert_eq!(
        report.documents as usize,
        sapllm_api::eval::documents_with_truth(&samples()).len()
    );
    assert_eq!(report.failed_documents, 0);
    assert_eq!(
        report.einvoice_documents, report.einvoice_exact,
        "e-invoices are exact"
    );
    assert!(
        report.doc_type.accuracy.unwrap() >= 0.9,
        "{:?}",
        report.doc_type
    );
    // Evaluation never writes to the data folder.
    assert!(!tmp.path().join("sapllm.db").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_sap_configured_validation_checks_supplier_and_purchase_order_master_data() {
    use sapllm_sap::mapping::SupplierRef;
    use sapllm_sap::test_server::TestServer;

    let server = TestServer::start().expect("the SAP test server (Node 20+ and npm)");
    let tmp = tempfile::tempdir().unwrap();
    // The seller of this sample is mapped to the test system's supplier that is blocked for
    // posting and has no bank account; the sample's PO number does not exist in SAP.
    let mut sap = sapllm_api::SapSettings::basic(&server.base_url(), "1010", &server.user);
    sap.mapping.suppliers.push(SupplierRef {
        supplier: "17300003".into(),
        vat_id: Some("DE247224635".into()),
        iban: None,
        gl_account: None,
    });
    sap.save(tmp.path()).unwrap();
    let api = Api::open(&settings(tmp.path())).await.unwrap();
    api.set_session_secret(sapllm_sap::Secret::new(server.password.clone()));

    let summary = api
        .process_paths(
            &[samples().join("invoice-de-din.pdf")],
            RunOptions::default(),
            &|_| {},
        )
        .await
        .unwrap();
    let hash = summary.items[0].hash.clone().unwrap();
    let result = api.show(hash.as_str()).await.unwrap().result.unwrap();
    let codes: Vec<&str> = result.findings.iter().map(|f| f.code.as_str()).collect();
    for want in [
        "supplier_posting_blocked",
        "iban_not_in_master_data",
        "po_not_found",
    ] {
        assert!(codes.contains(&want), "{want} missing in {codes:?}");
    }
    assert!(!codes.contains(&"po_not_checked"), "{codes:?}");
    assert_ne!(result.route, Route::AutoApprove);
    // The IBAN is masked in the message.
    let iban = result
        .findings
        .iter()
        .find(|f| f.code == "iban_not_in_master_data")
        .unwrap();
    assert!(
        !iban.message.contains("DE55712923684025040127"),
        "{}",
        iban.message
    );

    // SAP unreachable (the laptop is offline): documents are still processed, with a note.
    drop(server);
    let offline = api
        .process_paths(
            &[samples().join("invoice-en-banner.pdf")],
            RunOptions::default(),
            &|_| {},
        )
        .await
        .unwrap();
    let h = offline.items[0].hash.clone().unwrap();
    let r = api.show(h.as_str()).await.unwrap().result.unwrap();
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "master_data_unavailable"),
        "{:?}",
        r.findings
    );
}
