//! Purchase order and supplier reads, and the master-data checks over what they return.

use rust_decimal::Decimal;
use sapllm_sap::fixtures::d;
use sapllm_sap::master_data::InvoiceLine;
use sapllm_sap::{PoInvoice, Tolerance, po_check, supplier_check};

use crate::server;

#[tokio::test]
async fn purchase_orders_with_items() {
    let srv = server();
    let client = srv.basic_client();
    let po = client
        .purchase_order("4500000001")
        .await
        .unwrap()
        .expect("seeded PO");
    assert_eq!(
        (
            po.supplier.as_str(),
            po.currency.as_str(),
            po.company_code.as_str()
        ),
        ("17300001", "EUR", "1010")
    );
    assert!(po.is_active());
    assert_eq!(po.items.len(), 2);
    let toner = po.items.iter().find(|i| i.item == "20").unwrap();
    assert_eq!(
        (
            toner.order_quantity,
            toner.unit_price(),
            toner.unit.as_str()
        ),
        (d("10"), d("45"), "PC")
    );
    assert!(toner.is_open());

    let closed = client.purchase_order("4500000002").await.unwrap().unwrap();
    assert!(closed.items[0].finally_invoiced && closed.items[0].completely_delivered);
    let deleted = client.purchase_order("4500000003").await.unwrap().unwrap();
    assert!(!deleted.is_active());
    assert_eq!(client.purchase_order("4599999999").await.unwrap(), None);

    let invoice = PoInvoice {
        po_number: "4500000001".into(),
        supplier: Some("17300001".into()),
        currency: Some("EUR".into()),
        company_code: Some("1010".into()),
        lines: vec![
            InvoiceLine {
                line_no: 1,
                po_item: Some("10".into()),
                quantity: Some(d("100")),
                unit_price: Some(d("2.50")),
                net_amount: None,
            },
            InvoiceLine {
                line_no: 2,
                po_item: Some("20".into()),
                quantity: Some(d("12")),
                unit_price: Some(d("45")),
                net_amount: None,
            },
        ],
    };
    let dev = po_check(Some(&po), &invoice, &Tolerance::default());
    assert_eq!(
        dev.iter().map(|d| d.code()).collect::<Vec<_>>(),
        ["po_quantity_exceeded"]
    );
    let dev = po_check(
        Some(&closed),
        &PoInvoice {
            po_number: "4500000002".into(),
            ..invoice
        },
        &Tolerance::default(),
    );
    assert!(dev.iter().any(|d| d.code() == "po_other_supplier"));
    assert!(
        dev.iter()
            .any(|d| d.code() == "po_item_closed" || d.code() == "po_item_not_found")
    );
}

#[tokio::test]
async fn suppliers_with_bank_accounts_and_blocks() {
    let srv = server();
    let client = srv.basic_client();
    let s = client
        .supplier("17300002")
        .await
        .unwrap()
        .expect("seeded supplier");
    assert_eq!(s.vat_registration, "DE811907980");
    let ibans: Vec<&str> = s.bank_accounts.iter().map(|b| b.iban.as_str()).collect();
    assert_eq!(ibans, ["DE02120300000000202051", "DE12500105170648489890"]);
    assert!(supplier_check(Some(&s), "17300002", Some("DE12 5001 0517 0648 4898 90")).is_empty());
    let issues = supplier_check(Some(&s), "17300002", Some("DE89370400440532013000"));
    assert_eq!(issues[0].code(), "iban_not_in_master_data");

    let blocked = client.supplier("17300003").await.unwrap().unwrap();
    assert!(blocked.posting_blocked && blocked.payment_blocked);
    let codes: Vec<&str> = supplier_check(Some(&blocked), "17300003", None)
        .iter()
        .map(|i| i.code())
        .collect();
    assert_eq!(
        codes,
        ["supplier_posting_blocked", "supplier_payment_blocked"]
    );

    assert_eq!(client.supplier("99999999").await.unwrap(), None);
    assert_eq!(
        supplier_check(None, "99999999", None)[0].code(),
        "supplier_not_found"
    );
    let _ = Decimal::ZERO;
}
