//! Faults injected by the test server map to retryable errors; a timeout after the commit
//! leaves an invoice that find_posted finds (why the outbox checks before every retry).

use chrono::NaiveDate;
use sapllm_sap::fixtures::{config, po_invoice};
use sapllm_sap::{
    InvoiceKey, MappingContext, SapClient, SupplierInvoiceApi, map_supplier_invoice_with,
};
use serde_json::json;

use crate::server;

fn body() -> serde_json::Value {
    let ctx = MappingContext {
        today: NaiveDate::from_ymd_opt(2024, 5, 2).unwrap(),
        purchase_order: None,
    };
    map_supplier_invoice_with(&po_invoice().build(), &config(), &ctx).unwrap()
}

fn key() -> InvoiceKey {
    InvoiceKey {
        company_code: "1010".into(),
        invoicing_party: "17300001".into(),
        reference: "RE-2024-0815".into(),
    }
}

async fn fault(srv: &sapllm_sap::test_server::TestServer, kinds: serde_json::Value) {
    srv.set_faults(
        json!({"rules": [{"method": "POST", "path": "A_SupplierInvoice", "sequence": kinds}]}),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn server_errors_rate_limits_and_dropped_connections_are_retryable() {
    let srv = server();
    let client = srv.basic_client();
    fault(&srv, json!([{"kind": "http_503"}, {"kind": "http_500"}, {"kind": "http_429", "retryAfter": 7}, {"kind": "drop_connection"}])).await;

    let e = client.create(&body()).await.unwrap_err();
    assert_eq!((e.code.as_str(), e.retryable), ("http_503", true), "{e:?}");
    assert!(
        e.message.contains("503 Service Unavailable"),
        "{}",
        e.message
    );
    let e = client.create(&body()).await.unwrap_err();
    assert_eq!((e.code.as_str(), e.retryable), ("http_500", true), "{e:?}");
    assert!(e.message.contains("/IWBEP/CM_MGW_RT/000"), "{}", e.message);
    let e = client.create(&body()).await.unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.retryable, e.retry_after_secs),
        ("rate_limited", true, Some(7)),
        "{e:?}"
    );
    let e = client.create(&body()).await.unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.retryable),
        ("connection", true),
        "{e:?}"
    );

    assert!(
        srv.invoices().await.unwrap().is_empty(),
        "none of these created anything"
    );
    client.create(&body()).await.unwrap();
    assert_eq!(
        srv.faults().await.unwrap()["fired"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[tokio::test]
async fn timeout_after_commit_leaves_an_invoice_that_find_posted_finds() {
    let srv = server();
    let (mut conn, secret) = srv.basic_connection();
    conn.timeout_secs = 2;
    let client = SapClient::new(conn, secret).unwrap();
    fault(&srv, json!([{"kind": "timeout_before_commit", "ms": 4000}, {"kind": "timeout_after_commit", "ms": 4000}])).await;

    let e = client.create(&body()).await.unwrap_err();
    assert_eq!((e.code.as_str(), e.retryable), ("timeout", true), "{e:?}");
    assert_eq!(
        client.find_posted(&key()).await.unwrap(),
        None,
        "nothing committed before the timeout"
    );

    let e = client.create(&body()).await.unwrap_err();
    assert_eq!((e.code.as_str(), e.retryable), ("timeout", true), "{e:?}");
    let found = client
        .find_posted(&key())
        .await
        .unwrap()
        .expect("committed although the answer was lost");
    assert_eq!(found.supplier_invoice, "5105600001");
    // a blind retry would be refused as a duplicate
    assert_eq!(client.create(&body()).await.unwrap_err().code, "M8/108");
    assert_eq!(srv.invoices().await.unwrap().len(), 1);
}

#[tokio::test]
async fn random_faults_are_seeded_and_reads_stay_retryable() {
    let srv = server();
    let client = srv.basic_client();
    srv.set_faults(json!({"seed": 42, "rules": [{"method": "GET", "path": "A_PurchaseOrder",
        "random": [{"kind": "http_503", "p": 0.3}, {"kind": "http_429", "p": 0.2, "retryAfter": 1}]}]}))
        .await
        .unwrap();
    let (mut ok, mut failed) = (0, 0);
    for _ in 0..30 {
        match client.purchase_order("4500000001").await {
            Ok(Some(_)) => ok += 1,
            Ok(None) => panic!("seeded PO not found"),
            Err(e) => {
                assert!(e.is_retryable(), "{e:?}");
                failed += 1;
            }
        }
    }
    assert!(
        ok > 5 && failed > 5,
        "about half fail: ok {ok}, failed {failed}"
    );
    let fired = srv.faults().await.unwrap()["fired"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(fired, failed);
    let bad = srv
        .set_faults(json!({"rules": [{"sequence": [{"kind": "meteor_strike"}]}]}))
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("unknown fault kind"), "{bad}");
}
