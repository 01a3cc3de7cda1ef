//! The `A_SupplierInvoice` deep-insert body (`POST A_SupplierInvoice`) of a mapped invoice.
//!
//! Decimals go out as strings at the currency's scale and dates as `/Date(ms)/`, as SAP's
//! OData V2 JSON format wants them; items are numbered 1, 2, ... in their navigation property.

use chrono::Local;
use sapllm_core::DocumentResult;
use serde_json::{Map, Value, json};

use crate::mapping::{
    ItemKind, MappedInvoice, MappingConfig, MappingContext, MappingIssue, currency_scale,
    map_invoice,
};
use crate::odata::{format_date, format_decimal};

/// Maps a result and builds the deep-insert body, posting date "today" from the local clock
/// and no purchase order read (see [`map_supplier_invoice_with`]).
pub fn map_supplier_invoice(
    result: &DocumentResult,
    cfg: &MappingConfig,
) -> Result<Value, Vec<MappingIssue>> {
    let ctx = MappingContext {
        today: Local::now().date_naive(),
        purchase_order: None,
    };
    map_supplier_invoice_with(result, cfg, &ctx)
}

/// Maps a result and builds the deep-insert body with an explicit context.
pub fn map_supplier_invoice_with(
    result: &DocumentResult,
    cfg: &MappingConfig,
    ctx: &MappingContext<'_>,
) -> Result<Value, Vec<MappingIssue>> {
    map_invoice(result, cfg, ctx).map(|m| to_odata(&m))
}

/// The JSON body SAP accepts for this invoice.
pub fn to_odata(m: &MappedInvoice) -> Value {
    let scale = currency_scale(&m.currency);
    let amount = |d| Value::String(format_decimal(d, scale));
    let mut header = Map::new();
    header.insert("CompanyCode".into(), json!(m.company_code));
    header.insert("DocumentDate".into(), json!(format_date(m.document_date)));
    header.insert("PostingDate".into(), json!(format_date(m.posting_date)));
    header.insert("SupplierInvoiceIDByInvcgParty".into(), json!(m.reference));
    header.insert("InvoicingParty".into(), json!(m.supplier));
    header.insert("DocumentCurrency".into(), json!(m.currency));
    header.insert("InvoiceGrossAmount".into(), amount(m.gross));
    header.insert(
        "TaxIsCalculatedAutomatically".into(),
        json!(m.tax_is_calculated_automatically),
    );
    if m.credit_memo {
        header.insert("SupplierInvoiceIsCreditMemo".into(), json!("X"));
    }
    let mut po_items = Vec::new();
    let mut gl_items = Vec::new();
    for (i, item) in m.items.iter().enumerate() {
        let no = (i + 1).to_string();
        match &item.kind {
            ItemKind::PurchaseOrder {
                purchase_order,
                item: po_item,
                quantity,
                unit,
            } => po_items.push(json!({
                "SupplierInvoiceItem": no,
                "PurchaseOrder": purchase_order,
                "PurchaseOrderItem": po_item,
                "TaxCode": item.tax_code,
                "DocumentCurrency": m.currency,
                "SupplierInvoiceItemAmount": amount(item.amount),
                "QuantityInPurchaseOrderUnit": format_decimal(*quantity, 3),
                "PurchaseOrderQuantityUnit": unit,
            })),
            ItemKind::GlAccount { account } => gl_items.push(json!({
                "SupplierInvoiceItem": no,
                "CompanyCode": m.company_code,
                "GLAccount": account,
                "TaxCode": item.tax_code,
                "DocumentCurrency": m.currency,
                "SupplierInvoiceItemAmount": amount(item.amount),
                // A credit memo credits the expense account.
                "DebitCreditCode": if m.credit_memo { "H" } else { "S" },
                "SupplierInvoiceItemText": item.text,
            })),
        }
    }
    if !po_items.is_empty() {
        header.insert(
            "to_SuplrInvcItemPurOrdRef".into(),
            json!({ "results": po_items }),
        );
    }
    if !gl_items.is_empty() {
        header.insert(
            "to_SupplierInvoiceItemGLAcct".into(),
            json!({ "results": gl_items }),
        );
    }
    if !m.tax_is_calculated_automatically {
        let taxes: Vec<Value> = m
            .taxes
            .iter()
            .map(|t| {
                json!({
                    "TaxCode": t.tax_code,
                    "DocumentCurrency": m.currency,
                    "TaxAmount": amount(t.amount),
                    "TaxBaseAmountInTransCrcy": amount(t.base),
                })
            })
            .collect();
        header.insert("to_SupplierInvoiceTax".into(), json!({ "results": taxes }));
    }
    Value::Object(header)
}
