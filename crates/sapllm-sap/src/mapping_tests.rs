//! Mapping of results to the `A_SupplierInvoice` body: PO-based, G/L, credit memo, and the
//! cases that must stop with a reason for the clerk.

use chrono::NaiveDate;
use sapllm_core::{DocType, FieldKey, InvoiceSubtype, LineKey};
use serde_json::json;

use crate::fixtures::{ResultBuilder, config, d, gl_invoice, po_invoice};
use crate::mapping::{LongReference, MappingContext, PostingDatePolicy, invoice_key};
use crate::payload::map_supplier_invoice_with;
use crate::reads::{PurchaseOrder, PurchaseOrderItem};
use crate::{InvoiceKey, MappingIssue};

fn ctx() -> MappingContext<'static> {
    MappingContext {
        today: NaiveDate::from_ymd_opt(2024, 5, 2).unwrap(),
        purchase_order: None,
    }
}

fn fields(issues: &[MappingIssue]) -> Vec<&str> {
    issues.iter().map(|i| i.field.as_str()).collect()
}

#[test]
fn po_based_invoice_becomes_a_deep_insert_with_po_items_and_taxes() {
    let body = map_supplier_invoice_with(&po_invoice().build(), &config(), &ctx()).unwrap();
    assert_eq!(
        body,
        json!({
            "CompanyCode": "1010",
            "DocumentDate": "/Date(1709596800000)/",
            "PostingDate": "/Date(1709596800000)/",
            "SupplierInvoiceIDByInvcgParty": "RE-2024-0815",
            "InvoicingParty": "17300001",
            "DocumentCurrency": "EUR",
            "InvoiceGrossAmount": "565.25",
            "TaxIsCalculatedAutomatically": false,
            "to_SuplrInvcItemPurOrdRef": {"results": [
                {"SupplierInvoiceItem": "1", "PurchaseOrder": "4500000001", "PurchaseOrderItem": "10", "TaxCode": "V1",
                 "DocumentCurrency": "EUR", "SupplierInvoiceItemAmount": "250.00",
                 "QuantityInPurchaseOrderUnit": "100.000", "PurchaseOrderQuantityUnit": "PC"},
                {"SupplierInvoiceItem": "2", "PurchaseOrder": "4500000001", "PurchaseOrderItem": "20", "TaxCode": "V1",
                 "DocumentCurrency": "EUR", "SupplierInvoiceItemAmount": "225.00",
                 "QuantityInPurchaseOrderUnit": "5.000", "PurchaseOrderQuantityUnit": "PC"}
            ]},
            "to_SupplierInvoiceTax": {"results": [
                {"TaxCode": "V1", "DocumentCurrency": "EUR", "TaxAmount": "90.25", "TaxBaseAmountInTransCrcy": "475.00"}
            ]}
        })
    );
}

#[test]
fn po_lines_without_item_numbers_are_matched_through_the_po_read() {
    let mut r = po_invoice().build();
    for l in &mut r.line_items {
        l.cells.remove(&LineKey::PoLine);
        l.cells.remove(&LineKey::Unit);
    }
    // Without the PO: the clerk is told which lines lack an item number.
    let issues = map_supplier_invoice_with(&r, &config(), &ctx()).unwrap_err();
    assert!(
        issues
            .iter()
            .any(|i| i.field == "line_items[0]" && i.message.contains("no PO item number")),
        "{issues:?}"
    );
    // With the PO: positional match over the open items, unit from the PO.
    let item = |no: &str, price: &str| PurchaseOrderItem {
        item: no.into(),
        text: String::new(),
        order_quantity: d("100"),
        unit: "ST".into(),
        net_price: d(price),
        price_quantity: d("1"),
        tax_code: "V1".into(),
        deletion_code: String::new(),
        completely_delivered: false,
        finally_invoiced: false,
    };
    let po = PurchaseOrder {
        purchase_order: "4500000001".into(),
        company_code: "1010".into(),
        supplier: "17300001".into(),
        currency: "EUR".into(),
        deletion_code: String::new(),
        processing_status: "05".into(),
        items: vec![item("10", "2.50"), item("20", "45")],
    };
    let ctx = MappingContext {
        purchase_order: Some(&po),
        ..ctx()
    };
    let body = map_supplier_invoice_with(&r, &config(), &ctx).unwrap();
    let items = &body["to_SuplrInvcItemPurOrdRef"]["results"];
    assert_eq!(items[1]["PurchaseOrderItem"], "20");
    assert_eq!(items[0]["PurchaseOrderQuantityUnit"], "ST");
}

#[test]
fn invoice_without_po_posts_to_the_gl_account_per_tax_code() {
    let body = map_supplier_invoice_with(&gl_invoice().build(), &config(), &ctx()).unwrap();
    assert!(body.get("to_SuplrInvcItemPurOrdRef").is_none());
    assert_eq!(body["InvoicingParty"], "17300002");
    assert_eq!(body["InvoiceGrossAmount"], "333.00");
    let gl = body["to_SupplierInvoiceItemGLAcct"]["results"]
        .as_array()
        .unwrap();
    assert_eq!(gl.len(), 2);
    assert_eq!(gl[0]["GLAccount"], "61000000");
    assert_eq!(
        (
            gl[0]["TaxCode"].as_str(),
            gl[0]["SupplierInvoiceItemAmount"].as_str()
        ),
        (Some("V1"), Some("100.00"))
    );
    assert_eq!(
        (
            gl[1]["TaxCode"].as_str(),
            gl[1]["SupplierInvoiceItemAmount"].as_str()
        ),
        (Some("V2"), Some("200.00"))
    );
    assert_eq!(gl[0]["DebitCreditCode"], "S");
    assert_eq!(
        gl[0]["SupplierInvoiceItemText"],
        "Transport Hamburg - Muenchen"
    );
    let tax = body["to_SupplierInvoiceTax"]["results"].as_array().unwrap();
    assert_eq!(
        tax.iter()
            .map(|t| t["TaxAmount"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["19.00", "14.00"]
    );
}

#[test]
fn credit_note_becomes_a_credit_memo_with_positive_amounts() {
    let r = gl_invoice()
        .doc_type(DocType::CreditNote)
        .field(FieldKey::NetTotal, "-300.00")
        .field(FieldKey::TaxTotal, "-33.00")
        .field(FieldKey::GrossTotal, "-333.00")
        .build();
    let mut r = r;
    for v in &mut r.vat_breakdown {
        v.taxable_amount = v.taxable_amount.map(|a| -a);
        v.tax_amount = v.tax_amount.map(|a| -a);
    }
    let body = map_supplier_invoice_with(&r, &config(), &ctx()).unwrap();
    assert_eq!(body["SupplierInvoiceIsCreditMemo"], "X");
    assert_eq!(body["InvoiceGrossAmount"], "333.00");
    let gl = &body["to_SupplierInvoiceItemGLAcct"]["results"];
    assert_eq!(gl[0]["SupplierInvoiceItemAmount"], "100.00");
    assert_eq!(gl[0]["DebitCreditCode"], "H");
    assert_eq!(
        body["to_SupplierInvoiceTax"]["results"][1]["TaxAmount"],
        "14.00"
    );
    // the subtype alone also makes a credit memo
    let sub = gl_invoice().subtype(InvoiceSubtype::CreditMemo).build();
    assert_eq!(
        map_supplier_invoice_with(&sub, &config(), &ctx()).unwrap()["SupplierInvoiceIsCreditMemo"],
        "X"
    );
}

#[test]
fn unmappable_results_list_every_reason() {
    let r = ResultBuilder::invoice()
        .field(FieldKey::InvoiceNumber, "RE-1")
        .field(FieldKey::SellerName, "Unbekannt GmbH")
        .field(FieldKey::SellerVatId, "DE000000000")
        .field(FieldKey::IssueDate, "2024-03-05")
        .vat("S", "5.5", "100.00", "5.50")
        .build();
    let issues = map_supplier_invoice_with(&r, &config(), &ctx()).unwrap_err();
    assert_eq!(
        fields(&issues),
        ["seller_vat_id", "currency", "gross_total", "vat_breakdown"],
        "{issues:?}"
    );
    assert!(
        issues[0].message.contains("Unbekannt GmbH") && issues[0].message.contains("DE000000000")
    );
    assert!(issues[3].message.contains("VAT 5.5 % (category S)"));
}

#[test]
fn a_7_percent_rate_without_tax_code_blocks() {
    let mut cfg = config();
    cfg.tax_codes.retain(|t| t.tax_code != "V2");
    let issues = map_supplier_invoice_with(&gl_invoice().build(), &cfg, &ctx()).unwrap_err();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0]
            .message
            .contains("no tax code is configured for VAT 7 %"),
        "{issues:?}"
    );
}

#[test]
fn unbalanced_and_non_payable_documents_block() {
    let r = po_invoice().field(FieldKey::GrossTotal, "565.26").build();
    let issues = map_supplier_invoice_with(&r, &config(), &ctx()).unwrap_err();
    assert_eq!(fields(&issues), ["gross_total"]);
    assert!(issues[0].message.contains("565.25") && issues[0].message.contains("565.26"));

    let r = po_invoice().doc_type(DocType::DeliveryNote).build();
    assert_eq!(
        fields(&map_supplier_invoice_with(&r, &config(), &ctx()).unwrap_err()),
        ["doc_type"]
    );
    let r = po_invoice().subtype(InvoiceSubtype::Proforma).build();
    assert_eq!(
        fields(&map_supplier_invoice_with(&r, &config(), &ctx()).unwrap_err()),
        ["doc_type"]
    );
    let r = gl_invoice().field(FieldKey::GrossTotal, "-333.00").build();
    assert!(
        map_supplier_invoice_with(&r, &config(), &ctx()).unwrap_err()[0]
            .message
            .contains("negative")
    );
    let mut cfg = config();
    cfg.default_gl_account = None;
    let issues = map_supplier_invoice_with(&gl_invoice().build(), &cfg, &ctx()).unwrap_err();
    assert!(issues[0].message.contains("no G/L account"), "{issues:?}");
}

#[test]
fn reference_is_validated_to_16_characters() {
    let r = po_invoice()
        .field(FieldKey::InvoiceNumber, "INV-2024-000012345")
        .build();
    let issues = map_supplier_invoice_with(&r, &config(), &ctx()).unwrap_err();
    assert_eq!(fields(&issues), ["invoice_number"]);
    assert!(issues[0].message.contains("18 characters"));
    let mut cfg = config();
    cfg.long_reference = LongReference::KeepLast16;
    let body = map_supplier_invoice_with(&r, &cfg, &ctx()).unwrap();
    assert_eq!(body["SupplierInvoiceIDByInvcgParty"], "V-2024-000012345");
    assert_eq!(invoice_key(&r, &cfg).unwrap().reference, "V-2024-000012345");
    let r = po_invoice().without(FieldKey::InvoiceNumber).build();
    assert_eq!(
        fields(&invoice_key(&r, &config()).unwrap_err()),
        ["invoice_number"]
    );
}

#[test]
fn invoice_key_and_posting_date_policy() {
    let key = invoice_key(&po_invoice().build(), &config()).unwrap();
    assert_eq!(
        key,
        InvoiceKey {
            company_code: "1010".into(),
            invoicing_party: "17300001".into(),
            reference: "RE-2024-0815".into()
        }
    );
    // supplier found by IBAN when there is no VAT ID
    let r = gl_invoice()
        .without(FieldKey::SellerVatId)
        .field(FieldKey::Iban, "DE02120300000000202051")
        .build();
    assert_eq!(
        invoice_key(&r, &config()).unwrap().invoicing_party,
        "17300002"
    );
    let mut cfg = config();
    cfg.posting_date = PostingDatePolicy::Today;
    let body = map_supplier_invoice_with(&po_invoice().build(), &cfg, &ctx()).unwrap();
    assert_eq!(body["PostingDate"], "/Date(1714608000000)/");
    assert_eq!(body["DocumentDate"], "/Date(1709596800000)/");
}

#[test]
fn missing_breakdown_is_derived_from_the_totals_or_blocks() {
    let mut r = gl_invoice()
        .field(FieldKey::NetTotal, "100.00")
        .field(FieldKey::TaxTotal, "7.00")
        .field(FieldKey::GrossTotal, "107.00")
        .build();
    r.vat_breakdown.clear();
    let body = map_supplier_invoice_with(&r, &config(), &ctx()).unwrap();
    assert_eq!(body["to_SupplierInvoiceTax"]["results"][0]["TaxCode"], "V2");
    let mut r = gl_invoice()
        .field(FieldKey::NetTotal, "100.00")
        .field(FieldKey::TaxTotal, "12.00")
        .field(FieldKey::GrossTotal, "112.00")
        .build();
    r.vat_breakdown.clear();
    let issues = map_supplier_invoice_with(&r, &config(), &ctx()).unwrap_err();
    assert!(issues[0].message.contains("12"), "{issues:?}");
}

#[test]
fn tax_calculated_by_sap_sends_no_tax_lines() {
    let mut cfg = config();
    cfg.tax_is_calculated_automatically = true;
    let body = map_supplier_invoice_with(&po_invoice().build(), &cfg, &ctx()).unwrap();
    assert_eq!(body["TaxIsCalculatedAutomatically"], true);
    assert!(body.get("to_SupplierInvoiceTax").is_none());
}
