//! Learning from corrections through the API on generated invoices of one supplier (same
//! layout, different values): an approval with nothing checked teaches nothing; checked
//! fields teach, and the next invoice of that supplier is read with what was learned; a wrong
//! correction is caught by the shadow evaluation; rollback serves an earlier version.

use std::path::{Path, PathBuf};

use sapllm_api::{Api, CorrectionRequest, CorrectionSourceDto, CorrectionTargetDto, Settings};
use sapllm_core::{DocumentResult, FieldKey};
use sapllm_corpus::dataset::{Split, write_generated};
use sapllm_corpus::suppliers::supplier_document;

/// Invoices `0..n` of one generated supplier, written into `dir`.
fn supplier_invoices(dir: &Path, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|k| {
            let g = supplier_document(31, Split::Test, 3, k);
            write_generated(dir, &g).unwrap();
            dir.join(format!("{}.pdf", g.stem))
        })
        .collect()
}

async fn process(api: &Api, file: &Path) -> (String, DocumentResult) {
    let s = api
        .process_files(&[file.to_path_buf()], &|_| {})
        .await
        .unwrap();
    assert_eq!(s.processed, 1, "{s:?}");
    let id = s.ids[0].clone();
    let result = api.show(&id).await.unwrap().result.unwrap();
    (id, result)
}

/// Approval without SAP: the payload goes nowhere in a test.
async fn approve(api: &Api, id: &str) -> sapllm_api::learning::LearnOutcome {
    api.approve_with(id, "anna", None, &|r| {
        Ok((
            serde_json::json!({ "test": r.hash.as_str() }),
            sapllm_sap::InvoiceKey {
                company_code: "T".into(),
                invoicing_party: "T".into(),
                reference: r.hash.short().to_owned(),
            },
        ))
    })
    .await
    .unwrap()
    .learning
    .expect("learning ran")
}

fn header(field: FieldKey) -> CorrectionTargetDto {
    CorrectionTargetDto::Header {
        field: field.as_str().into(),
    }
}

/// The clerk checks every field the engine read (Enter on each).
async fn confirm_all(api: &Api, id: &str, result: &DocumentResult) {
    for key in result.fields.keys() {
        api.correct(
            id,
            &CorrectionRequest {
                target: header(*key),
                value: None,
                source: CorrectionSourceDto::Confirmed,
            },
            "anna",
        )
        .await
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checked_fields_teach_and_unchecked_approvals_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let files = supplier_invoices(&tmp.path().join("in"), 2);
    let api = Api::open(&Settings::new(tmp.path().join("data")))
        .await
        .unwrap();

    // Approved with nothing checked: no version, and the reason says so.
    let (id0, r0) = process(&api, &files[0]).await;
    assert!(!r0.versions.contains_key("learned"));
    let nothing = approve(&api, &id0).await;
    assert_eq!(nothing.version, None);
    assert!(
        nothing.reason.contains("nothing is learned"),
        "{}",
        nothing.reason
    );
    assert!(api.learned_versions().await.unwrap().is_empty());

    // A reprocessed copy of the same invoice, every field checked, then approved: version 1.
    let (id1, r1) = process(&api, &files[1]).await;
    confirm_all(&api, &id1, &r1).await;
    let taught = approve(&api, &id1).await;
    assert_eq!(taught.version, Some(1), "{taught:?}");
    assert!(taught.promoted);
    assert!(taught.update.fields_remembered >= 5, "{:?}", taught.update);
    let status = api.learning_status().await.unwrap();
    assert_eq!(status.serving_version, Some(1));
    assert_eq!(status.suppliers, 1);

    // The next invoice of the supplier is read with what was learned: the result names the
    // learned version and several values are backed by the supplier memory.
    let more = supplier_invoices(&tmp.path().join("in2"), 3);
    let (_, r2) = process(&api, &more[2]).await;
    assert_eq!(
        r2.versions.get("learned").map(String::as_str),
        Some("learned/1")
    );
    let backed = r2
        .fields
        .values()
        .filter(|f| {
            f.provenance.source == sapllm_core::SourceKind::Learned
                || f.provenance
                    .explanation
                    .contains("learned for this supplier")
        })
        .count();
    assert!(
        backed >= 5,
        "{backed} fields backed by memory: {:#?}",
        r2.fields
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_correction_is_caught_by_shadow_evaluation_and_rollback_serves_any_version() {
    let tmp = tempfile::tempdir().unwrap();
    let files = supplier_invoices(&tmp.path().join("in"), 4);
    let api = Api::open(&Settings::new(tmp.path().join("data")))
        .await
        .unwrap();
    for f in &files[..2] {
        let (id, r) = process(&api, f).await;
        confirm_all(&api, &id, &r).await;
        let o = approve(&api, &id).await;
        assert!(o.promoted, "{o:?}");
    }

    // On the third invoice the clerk clicks the seller's VAT ID for the invoice number.
    let (id, r) = process(&api, &files[2]).await;
    let true_number = r.fields[&FieldKey::InvoiceNumber].value.to_plain();
    let vat = &r.fields[&FieldKey::SellerVatId];
    let wrong = CorrectionRequest {
        target: header(FieldKey::InvoiceNumber),
        value: None,
        source: CorrectionSourceDto::Words {
            page: vat.provenance.page.unwrap(),
            words: vat.provenance.words.clone(),
        },
    };
    api.correct(&id, &wrong, "anna").await.unwrap();
    let o = approve(&api, &id).await;
    assert!(
        o.update.dropped_fields.contains(&FieldKey::InvoiceNumber) || !o.promoted,
        "the wrong lesson must not serve: {o:?}"
    );
    assert!(
        o.reason.contains("worse on the replay") || o.reason.contains("not promoted"),
        "{}",
        o.reason
    );
    assert_ne!(true_number, vat.value.to_plain());

    // The fourth invoice gets its own number, not a VAT ID.
    let (_, r4) = process(&api, &files[3]).await;
    let n4 = r4.fields[&FieldKey::InvoiceNumber].value.to_plain();
    assert_ne!(n4, r4.fields[&FieldKey::SellerVatId].value.to_plain());

    // Rollback to the first version, then forward again.
    let versions = api.learned_versions().await.unwrap();
    assert!(versions.len() >= 3, "{versions:?}");
    api.rollback_learned(1, "admin").await.unwrap();
    assert_eq!(
        api.learning_status().await.unwrap().serving_version,
        Some(1)
    );
    let newest = versions[0].version;
    api.rollback_learned(newest, "admin").await.unwrap();
    assert_eq!(
        api.learning_status().await.unwrap().serving_version,
        Some(newest)
    );
    assert!(api.rollback_learned(999, "admin").await.is_err());

    // The export holds no IBAN, VAT ID or name of the supplier in clear.
    let out = tmp.path().join("learned.json");
    api.export_learned(&out).await.unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let iban = r.fields[&FieldKey::Iban].value.to_plain();
    for secret in [
        iban.as_str(),
        vat.value.to_plain().as_str(),
        true_number.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret} leaked into the export");
    }
}
