//! Normalised identities for duplicate lookups. The key functions themselves live in
//! `sapllm_core::identity` (validation computes the same keys with them); here they are applied
//! to a result to build its row of the duplicate index.

use sapllm_core::identity::{normalise_invoice_number, seller_key};
use sapllm_core::{DecimalExt, DocumentResult, FieldKey};

/// [`seller_key`] of a result's seller VAT ID and seller name: `vat:<VAT ID>` when there is a
/// VAT ID, else `name:<normalised name>`. A seller that shows its VAT ID on one invoice and not
/// on another gets two keys; validation may ask for both.
pub fn seller_key_of(result: &DocumentResult) -> Option<String> {
    seller_key(
        result.text(FieldKey::SellerVatId),
        result.text(FieldKey::SellerName),
    )
}

/// One row of the duplicate index, computed from a result.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InvoiceKey {
    pub seller_key: String,
    pub doc_type: String,
    pub invoice_number: Option<String>,
    pub invoice_number_norm: Option<String>,
    /// Exactly two decimal places.
    pub gross: Option<String>,
    /// ISO date.
    pub issue_date: Option<String>,
}

/// The index row of a result: only postable documents (invoice, credit and debit note) with a
/// seller identity and something to compare.
pub(crate) fn invoice_key_of(result: &DocumentResult) -> Option<InvoiceKey> {
    if !result.doc_type.value.is_postable() {
        return None;
    }
    let seller_key = seller_key_of(result)?;
    let invoice_number = result.text(FieldKey::InvoiceNumber).map(str::to_owned);
    let invoice_number_norm = invoice_number.as_deref().and_then(normalise_invoice_number);
    let gross = result
        .amount(FieldKey::GrossTotal)
        .map(|g| g.to_string_fixed2());
    let issue_date = result
        .fields
        .get(&FieldKey::IssueDate)
        .and_then(|f| f.value.as_date())
        .map(|d| d.format("%Y-%m-%d").to_string());
    if invoice_number_norm.is_none() && (gross.is_none() || issue_date.is_none()) {
        return None;
    }
    Some(InvoiceKey {
        seller_key,
        doc_type: result.doc_type.value.as_str().to_owned(),
        invoice_number,
        invoice_number_norm,
        gross,
        issue_date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sapllm_core::{
        Classified, ContentHash, DocType, ExtractedField, FieldValue, FileKind, Producer,
        Provenance, Route,
    };
    use std::collections::BTreeMap;

    fn doc(doc_type: DocType, fields: &[(FieldKey, FieldValue)]) -> DocumentResult {
        let fields = fields
            .iter()
            .map(|(k, v)| {
                let f = ExtractedField {
                    value: v.clone(),
                    confidence: 1.0,
                    provenance: Provenance::xml("/x", "x", Producer::new("t", "1")),
                    alternatives: vec![],
                };
                (*k, f)
            })
            .collect();
        DocumentResult {
            hash: ContentHash::from_hex(&"0".repeat(64)).unwrap(),
            file_kind: FileKind::Pdf,
            page_count: 1,
            from_einvoice: false,
            doc_type: Classified {
                value: doc_type,
                confidence: 1.0,
                evidence: vec![],
                alternatives: vec![],
            },
            subtype: None,
            fields,
            line_items: vec![],
            vat_breakdown: vec![],
            findings: vec![],
            route: Route::Review,
            versions: BTreeMap::new(),
            timings_us: BTreeMap::new(),
        }
    }

    #[test]
    fn index_rows_only_for_postable_documents_with_a_seller_and_something_to_compare() {
        let seller = (FieldKey::SellerName, FieldValue::Text("ACME GmbH".into()));
        let number = (FieldKey::InvoiceNumber, FieldValue::Text("re-1/24".into()));
        let gross = (
            FieldKey::GrossTotal,
            FieldValue::Amount("119.5".parse().unwrap()),
        );
        let date = (
            FieldKey::IssueDate,
            FieldValue::Date(chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()),
        );

        let k = invoice_key_of(&doc(DocType::Invoice, &[seller.clone(), number.clone()])).unwrap();
        assert_eq!(k.seller_key, "name:acmegmbh");
        assert_eq!(k.invoice_number.as_deref(), Some("re-1/24"));
        assert_eq!(k.invoice_number_norm.as_deref(), Some("RE124"));
        assert_eq!((k.gross, k.issue_date), (None, None));

        let k = invoice_key_of(&doc(
            DocType::CreditNote,
            &[seller.clone(), gross.clone(), date.clone()],
        ))
        .unwrap();
        assert_eq!(k.gross.as_deref(), Some("119.50"));
        assert_eq!(k.issue_date.as_deref(), Some("2024-03-01"));
        assert_eq!(k.doc_type, "credit_note");

        // Not postable, no seller, or nothing to compare: no row.
        assert_eq!(
            invoice_key_of(&doc(
                DocType::DeliveryNote,
                &[seller.clone(), number.clone()]
            )),
            None
        );
        assert_eq!(
            invoice_key_of(&doc(DocType::Invoice, &[number.clone(), gross.clone()])),
            None
        );
        assert_eq!(
            invoice_key_of(&doc(DocType::Invoice, &[seller.clone(), gross])),
            None
        );
    }
}
