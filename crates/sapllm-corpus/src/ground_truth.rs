//! Ground-truth JSON in the `sapllm-groundtruth/1` format (`shared/eval/ground-truth.md`).
//!
//! Values come from the model, never from the page: amounts as plain decimals with a dot and
//! two places, quantities and rates without trailing zeros, dates ISO, IBAN compact. Which keys
//! appear is decided by the renderer's record of what it printed, so the JSON never claims a
//! value the document does not show.

use rust_decimal::Decimal;
use sapllm_core::{DocType, FieldKey, InvoiceSubtype, LineKey};
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::layout::Rendered;
use crate::model::{Document, Language};

pub const SCHEMA: &str = "sapllm-groundtruth/1";

/// The ground truth of one document.
#[derive(Debug, Clone, PartialEq)]
pub struct GroundTruth {
    pub doc_type: DocType,
    pub language: Option<Language>,
    /// Invoice subtype (extension key `subtype`; invoices, credit and debit notes).
    pub subtype: Option<InvoiceSubtype>,
    /// Header fields in [`FieldKey::ALL`] order.
    pub fields: Vec<(FieldKey, String)>,
    /// `None`: line items are not scored for this document.
    pub line_items: Option<Vec<Vec<(LineKey, String)>>>,
}

fn fixed2(d: Decimal) -> String {
    let mut v = d.round_dp(2);
    v.rescale(2);
    v.to_string()
}

fn trimmed(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The canonical value of every header field the document has.
pub fn field_values(doc: &Document) -> Vec<(FieldKey, String)> {
    use FieldKey::*;
    let mut out = Vec::new();
    for key in FieldKey::ALL {
        let value = match key {
            InvoiceNumber => Some(doc.number.clone()),
            IssueDate => Some(doc.issue_date.format("%Y-%m-%d").to_string()),
            DueDate => doc.due_date.map(|d| d.format("%Y-%m-%d").to_string()),
            // A purchase order's date is a requested one, not the actual delivery (BT-72).
            DeliveryDate => doc
                .delivery_date
                .filter(|_| doc.doc_type != DocType::PurchaseOrder)
                .map(|d| d.format("%Y-%m-%d").to_string()),
            Currency => Some(doc.currency.clone()),
            PoNumber => doc.po_number.clone(),
            BuyerReference => doc.buyer_reference.clone(),
            SellerName => Some(doc.seller.name.clone()),
            SellerVatId => doc.seller.vat_id.clone(),
            SellerTaxNumber => doc.seller.tax_number.clone(),
            SellerCountry => Some(doc.seller.address.country.code().to_owned()),
            BuyerName => Some(doc.buyer.name.clone()),
            BuyerVatId => doc.buyer.vat_id.clone(),
            Iban => doc.bank.as_ref().map(|b| b.iban.clone()),
            Bic => doc.bank.as_ref().map(|b| b.bic.clone()),
            PaymentTerms => doc.payment_terms.clone(),
            NetTotal => doc.has_amounts().then(|| fixed2(doc.totals.net)),
            TaxTotal => doc.has_amounts().then(|| fixed2(doc.totals.tax)),
            GrossTotal => doc.has_amounts().then(|| fixed2(doc.totals.gross)),
            AmountDue => doc.has_amounts().then(|| fixed2(doc.totals.amount_due)),
        };
        if let Some(v) = value {
            out.push((*key, v));
        }
    }
    out
}

/// The canonical values of each line, restricted to `keys`.
pub fn line_values(doc: &Document, keys: &[LineKey]) -> Vec<Vec<(LineKey, String)>> {
    doc.lines
        .iter()
        .map(|l| {
            let mut row = Vec::new();
            for key in LineKey::ALL {
                if !keys.contains(key) && *key != LineKey::Description {
                    continue;
                }
                let value = match key {
                    LineKey::Description => Some(l.description.clone()),
                    LineKey::Quantity => Some(trimmed(l.quantity)),
                    LineKey::Unit => Some(l.unit.code().to_owned()),
                    LineKey::UnitPrice => Some(fixed2(l.unit_price)),
                    LineKey::NetAmount => Some(fixed2(l.net_amount)),
                    LineKey::TaxRate => Some(trimmed(l.tax_rate)),
                    LineKey::ItemId => l.item_id.clone(),
                    LineKey::PoLine => None,
                };
                if let Some(v) = value {
                    row.push((*key, v));
                }
            }
            row
        })
        .collect()
}

impl GroundTruth {
    /// Truth for a rendered document: only the fields and line attributes it printed.
    pub fn for_rendered(doc: &Document, rendered: &Rendered) -> Self {
        let fields = field_values(doc)
            .into_iter()
            .filter(|(k, _)| rendered.printed.contains_key(k))
            .collect();
        // Line items are paired by net amount, so without amounts they cannot be scored.
        let keys: Vec<LineKey> = rendered.line_keys.iter().copied().collect();
        let line_items = (doc.has_amounts() && keys.contains(&LineKey::NetAmount))
            .then(|| line_values(doc, &keys));
        Self {
            doc_type: doc.doc_type,
            language: Some(doc.language),
            subtype: doc.subtype,
            fields,
            line_items,
        }
    }

    /// Truth for an e-invoice XML, which carries every field and line attribute.
    pub fn for_xml(doc: &Document) -> Self {
        Self {
            doc_type: doc.doc_type,
            language: Some(doc.language),
            subtype: doc.subtype,
            fields: field_values(doc),
            line_items: Some(line_values(doc, LineKey::ALL)),
        }
    }

    pub fn field(&self, key: FieldKey) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Pretty JSON with keys in the order of the format description, ending with a newline.
    pub fn to_json(&self) -> String {
        let out = Out {
            schema: SCHEMA,
            doc_type: self.doc_type.as_str(),
            subtype: self.subtype.map(|s| s.as_str()),
            language: self.language.map(Language::code),
            fields: Ordered(
                self.fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect(),
            ),
            line_items: self.line_items.as_ref().map(|items| {
                items
                    .iter()
                    .map(|row| Ordered(row.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()))
                    .collect()
            }),
        };
        let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// A JSON object that keeps the given key order (serde_json's map would sort it).
struct Ordered<'a>(Vec<(&'a str, &'a str)>);

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct Out<'a> {
    schema: &'static str,
    doc_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subtype: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'static str>,
    fields: Ordered<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line_items: Option<Vec<Ordered<'a>>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Family, render};
    use crate::model::{DocSpec, generate};
    use crate::rng::Rng;

    #[test]
    fn json_has_the_documented_shape() {
        let doc = generate(
            &DocSpec {
                with_po: true,
                ..DocSpec::invoice(Language::De)
            },
            &mut Rng::new(3),
        );
        let gt = GroundTruth::for_rendered(&doc, &render(&doc, Family::Din));
        let v: serde_json::Value = serde_json::from_str(&gt.to_json()).unwrap();
        assert_eq!(v["schema"], "sapllm-groundtruth/1");
        assert_eq!(v["doc_type"], "invoice");
        assert_eq!(v["language"], "de");
        let fields = v["fields"].as_object().unwrap();
        assert_eq!(fields["invoice_number"], doc.number.as_str());
        assert_eq!(fields["po_number"], doc.po_number.as_deref().unwrap());
        let gross = fields["gross_total"].as_str().unwrap();
        assert!(gross.contains('.') && gross.split('.').nth(1).unwrap().len() == 2);
        for k in fields.keys() {
            assert!(k.parse::<FieldKey>().is_ok(), "{k}");
        }
        let lines = v["line_items"].as_array().unwrap();
        assert_eq!(lines.len(), doc.lines.len());
        assert!(lines[0]["net_amount"].is_string());
        // Key order follows the format description, not the alphabet.
        let json = gt.to_json();
        assert!(json.find("\"invoice_number\"").unwrap() < json.find("\"issue_date\"").unwrap());
        assert!(json.find("\"issue_date\"").unwrap() < json.find("\"currency\"").unwrap());
    }
}
