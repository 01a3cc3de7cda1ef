//! Creating supplier invoices: numbering, duplicate check, balance and type checks, CSRF.

use chrono::NaiveDate;
use sapllm_core::DocType;
use sapllm_sap::fixtures::{config, gl_invoice, po_invoice};
use sapllm_sap::{
    InvoiceKey, MappingContext, SapError, SupplierInvoiceApi, map_supplier_invoice_with,
};
use serde_json::json;

use crate::server;

fn ctx() -> MappingContext<'static> {
    MappingContext {
        today: NaiveDate::from_ymd_opt(2024, 5, 2).unwrap(),
        purchase_order: None,
    }
}

#[tokio::test]
async fn create_find_and_duplicate_rejection() {
    let srv = server();
    let client = srv.basic_client();
    let body = map_supplier_invoice_with(&po_invoice().build(), &config(), &ctx()).unwrap();
    let key = InvoiceKey {
        company_code: "1010".into(),
        invoicing_party: "17300001".into(),
        reference: "RE-2024-0815".into(),
    };

    assert_eq!(client.find_posted(&key).await.unwrap(), None);
    let doc = client.create(&body).await.unwrap();
    assert_eq!(
        (doc.supplier_invoice.as_str(), doc.fiscal_year.as_str()),
        ("5105600001", "2024")
    );
    assert_eq!(client.find_posted(&key).await.unwrap(), Some(doc.clone()));

    let dup = client.create(&body).await.unwrap_err();
    assert_eq!(dup.code, "M8/108");
    assert!(!dup.retryable);
    assert!(dup.message.contains("5105600001"), "{}", dup.message);
    assert_eq!(srv.invoices().await.unwrap().len(), 1);

    // the next invoice gets the next number
    let gl = map_supplier_invoice_with(&gl_invoice().build(), &config(), &ctx()).unwrap();
    assert_eq!(
        client.create(&gl).await.unwrap().supplier_invoice,
        "5105600002"
    );
}

#[tokio::test]
async fn credit_memo_and_gl_invoice_are_accepted() {
    let srv = server();
    let client = srv.basic_client();
    let credit = map_supplier_invoice_with(
        &gl_invoice().doc_type(DocType::CreditNote).build(),
        &config(),
        &ctx(),
    )
    .unwrap();
    client.create(&credit).await.unwrap();
    let invoices = srv.invoices().await.unwrap();
    assert_eq!(invoices[0]["SupplierInvoiceIsCreditMemo"], "X");
    assert_eq!(invoices[0]["InvoiceGrossAmount"], "333.00");
}

#[tokio::test]
async fn balance_and_type_errors_come_back_as_clear_messages() {
    let srv = server();
    let client = srv.basic_client();
    let mut body = map_supplier_invoice_with(&po_invoice().build(), &config(), &ctx()).unwrap();
    body["InvoiceGrossAmount"] = json!("565.35");
    let e = client.create_supplier_invoice(&body).await.unwrap_err();
    assert_eq!(e.code(), "M8/534");
    assert!(!e.is_retryable());
    assert!(e.to_string().contains("Balance not zero: -0.10"), "{e}");

    let mut body = map_supplier_invoice_with(&po_invoice().build(), &config(), &ctx()).unwrap();
    body["SupplierInvoiceIDByInvcgParty"] = json!("RE-2024-0815-EXTRA");
    body["InvoiceGrossAmount"] = json!(565.25);
    let e = client.create_supplier_invoice(&body).await.unwrap_err();
    let SapError::Business {
        status, details, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 400);
    assert!(
        e.to_string()
            .contains("Edm.Decimal expects a decimal string"),
        "{e}"
    );
    assert_eq!(details.len(), 2, "{details:?}");
    let on = |target: &str| {
        details
            .iter()
            .find(|d| d.target == target)
            .map(|d| d.message.clone())
            .unwrap_or_default()
    };
    assert!(on("InvoiceGrossAmount").contains("565.25"), "{details:?}");
    assert!(
        on("SupplierInvoiceIDByInvcgParty").contains("longer than MaxLength 16"),
        "{details:?}"
    );

    body = json!({"CompanyCode": "1010", "DocumentDate": "2024-03-05"});
    let e = client.create_supplier_invoice(&body).await.unwrap_err();
    assert!(e.to_string().contains("/Date(<milliseconds>)/"), "{e}");

    // blocked supplier: SAP refuses, and no retry will change that
    let mut body = map_supplier_invoice_with(&po_invoice().build(), &config(), &ctx()).unwrap();
    body["InvoicingParty"] = json!("17300003");
    let e = client.create_supplier_invoice(&body).await.unwrap_err();
    assert!(
        e.to_string().contains("blocked for posting") && !e.is_retryable(),
        "{e}"
    );
    assert!(srv.invoices().await.unwrap().is_empty());
}

#[tokio::test]
async fn csrf_token_is_fetched_once_and_refreshed_after_expiry() {
    let srv = server();
    let client = srv.basic_client();
    let first = map_supplier_invoice_with(&po_invoice().build(), &config(), &ctx()).unwrap();
    client.create(&first).await.unwrap();
    let second = map_supplier_invoice_with(&gl_invoice().build(), &config(), &ctx()).unwrap();
    let mut third = second.clone();
    third["SupplierInvoiceIDByInvcgParty"] = json!("2024/118");
    client.create(&second).await.unwrap();
    assert_eq!(
        srv.health().await.unwrap()["csrfFetches"],
        1,
        "one token for the session"
    );

    srv.expire_csrf().await.unwrap();
    client.create(&third).await.unwrap();
    assert_eq!(
        srv.health().await.unwrap()["csrfFetches"],
        2,
        "refetched after 403 Required"
    );
    assert_eq!(srv.invoices().await.unwrap().len(), 3);
}

#[tokio::test]
async fn csrf_refused_twice_is_a_retryable_error() {
    let srv = server();
    let client = srv.basic_client();
    srv.set_faults(
        json!({"rules": [{"method": "POST", "path": "A_SupplierInvoice",
        "sequence": [{"kind": "csrf_expired"}, {"kind": "csrf_expired"}]}]}),
    )
    .await
    .unwrap();
    let body = map_supplier_invoice_with(&po_invoice().build(), &config(), &ctx()).unwrap();
    let e = client.create(&body).await.unwrap_err();
    assert_eq!((e.code.as_str(), e.retryable), ("csrf", true));
    // the next attempt (the outbox's retry) goes through
    client.create(&body).await.unwrap();
}
