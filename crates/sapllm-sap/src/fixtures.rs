//! Test data: a builder for `DocumentResult`s as the pipeline would produce them, two
//! invoices that match the test server's seed data, and a mapping configuration for them.

use rust_decimal::Decimal;
use sapllm_core::{
    Cell, Classified, ContentHash, DocType, DocumentResult, ExtractedField, FieldKey, FieldValue,
    FileKind, InvoiceSubtype, LineItem, LineKey, Producer, Provenance, Route, SourceKind,
    VatBreakdown,
};
use std::collections::BTreeMap;
use std::str::FromStr;

use crate::mapping::{MappingConfig, PostingDatePolicy, SupplierRef, TaxCodeRule};

/// A decimal literal (panics on a typo: test data only).
pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

fn prov() -> Provenance {
    Provenance {
        source: SourceKind::EInvoiceXml,
        page: None,
        bbox: None,
        words: vec![],
        raw: String::new(),
        producer: Producer::new("test", "1"),
        explanation: String::new(),
    }
}

fn value_for(key: FieldKey, v: &str) -> FieldValue {
    use sapllm_core::field::ValueKind;
    match key.value_kind() {
        ValueKind::Amount => FieldValue::Amount(d(v)),
        ValueKind::Date => {
            FieldValue::Date(chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap())
        }
        ValueKind::Code => FieldValue::Code(v.into()),
        ValueKind::Text => FieldValue::Text(v.into()),
    }
}

#[derive(Debug, Clone)]
pub struct ResultBuilder(pub DocumentResult);

impl ResultBuilder {
    pub fn invoice() -> Self {
        Self(DocumentResult {
            hash: ContentHash::from_hex(&"a".repeat(64)).unwrap(),
            file_kind: FileKind::Pdf,
            page_count: 1,
            from_einvoice: true,
            doc_type: Classified {
                value: DocType::Invoice,
                confidence: 1.0,
                evidence: vec![],
                alternatives: vec![],
            },
            subtype: None,
            fields: BTreeMap::new(),
            line_items: vec![],
            vat_breakdown: vec![],
            findings: vec![],
            route: Route::AutoApprove,
            versions: BTreeMap::new(),
            timings_us: BTreeMap::new(),
        })
    }

    pub fn doc_type(mut self, t: DocType) -> Self {
        self.0.doc_type.value = t;
        self
    }

    pub fn subtype(mut self, s: InvoiceSubtype) -> Self {
        self.0.subtype = Some(Classified {
            value: s,
            confidence: 1.0,
            evidence: vec![],
            alternatives: vec![],
        });
        self
    }

    pub fn field(mut self, key: FieldKey, v: &str) -> Self {
        self.0.fields.insert(
            key,
            ExtractedField {
                value: value_for(key, v),
                confidence: 1.0,
                provenance: prov(),
                alternatives: vec![],
            },
        );
        self
    }

    pub fn without(mut self, key: FieldKey) -> Self {
        self.0.fields.remove(&key);
        self
    }

    pub fn vat(mut self, category: &str, rate: &str, base: &str, tax: &str) -> Self {
        self.0.vat_breakdown.push(VatBreakdown {
            category: Some(category.into()),
            rate: Some(d(rate)),
            taxable_amount: Some(d(base)),
            tax_amount: Some(d(tax)),
            provenance: prov(),
        });
        self
    }

    /// A line: (key, value) pairs.
    pub fn line(mut self, cells: &[(LineKey, &str)]) -> Self {
        let mut li = LineItem::default();
        for (k, v) in cells {
            let value = match k.value_kind() {
                sapllm_core::field::ValueKind::Amount => FieldValue::Amount(d(v)),
                sapllm_core::field::ValueKind::Code => FieldValue::Code((*v).into()),
                _ => FieldValue::Text((*v).into()),
            };
            li.cells.insert(
                *k,
                Cell {
                    value,
                    confidence: 1.0,
                    provenance: prov(),
                },
            );
        }
        self.0.line_items.push(li);
        self
    }

    pub fn build(self) -> DocumentResult {
        self.0
    }
}

/// A German invoice of supplier 17300001 against PO 4500000001: 100 × 2.50 + 5 × 45.00
/// = 475.00 net, 19 % VAT 90.25, gross 565.25.
pub fn po_invoice() -> ResultBuilder {
    ResultBuilder::invoice()
        .field(FieldKey::InvoiceNumber, "RE-2024-0815")
        .field(FieldKey::IssueDate, "2024-03-05")
        .field(FieldKey::Currency, "EUR")
        .field(FieldKey::SellerName, "Mueller Buerobedarf GmbH")
        .field(FieldKey::SellerVatId, "DE 123 456 789")
        .field(FieldKey::Iban, "DE89370400440532013000")
        .field(FieldKey::BuyerName, "Beispiel AG")
        .field(FieldKey::PoNumber, "4500000001")
        .field(FieldKey::NetTotal, "475.00")
        .field(FieldKey::TaxTotal, "90.25")
        .field(FieldKey::GrossTotal, "565.25")
        .vat("S", "19", "475.00", "90.25")
        .line(&[
            (LineKey::Description, "Kopierpapier A4"),
            (LineKey::Quantity, "100"),
            (LineKey::Unit, "PC"),
            (LineKey::UnitPrice, "2.50"),
            (LineKey::NetAmount, "250.00"),
            (LineKey::TaxRate, "19"),
            (LineKey::PoLine, "10"),
        ])
        .line(&[
            (LineKey::Description, "Toner schwarz"),
            (LineKey::Quantity, "5"),
            (LineKey::Unit, "PC"),
            (LineKey::UnitPrice, "45.00"),
            (LineKey::NetAmount, "225.00"),
            (LineKey::TaxRate, "19"),
            (LineKey::PoLine, "20"),
        ])
}

/// A service invoice without PO: 7 % and 19 % VAT.
pub fn gl_invoice() -> ResultBuilder {
    ResultBuilder::invoice()
        .field(FieldKey::InvoiceNumber, "2024/117")
        .field(FieldKey::IssueDate, "2024-04-30")
        .field(FieldKey::Currency, "EUR")
        .field(FieldKey::SellerName, "Schmidt Logistik AG")
        .field(FieldKey::SellerVatId, "DE811907980")
        .field(FieldKey::NetTotal, "300.00")
        .field(FieldKey::TaxTotal, "33.00")
        .field(FieldKey::GrossTotal, "333.00")
        .vat("S", "19", "100.00", "19.00")
        .vat("S", "7", "200.00", "14.00")
        .line(&[
            (LineKey::Description, "Transport Hamburg - Muenchen"),
            (LineKey::NetAmount, "300.00"),
        ])
}

pub fn config() -> MappingConfig {
    MappingConfig {
        company_code: "1010".into(),
        tax_codes: vec![
            TaxCodeRule {
                rate: d("19"),
                category: None,
                tax_code: "V1".into(),
            },
            TaxCodeRule {
                rate: d("7"),
                category: None,
                tax_code: "V2".into(),
            },
            TaxCodeRule {
                rate: d("0"),
                category: None,
                tax_code: "V0".into(),
            },
        ],
        default_gl_account: Some("61000000".into()),
        suppliers: vec![
            SupplierRef {
                supplier: "17300001".into(),
                vat_id: Some("DE123456789".into()),
                iban: None,
                gl_account: None,
            },
            SupplierRef {
                supplier: "17300002".into(),
                vat_id: None,
                iban: Some("DE02 1203 0000 0000 2020 51".into()),
                gl_account: None,
            },
            SupplierRef {
                supplier: "17300002".into(),
                vat_id: Some("DE811907980".into()),
                iban: None,
                gl_account: None,
            },
        ],
        posting_date: PostingDatePolicy::DocumentDate,
        long_reference: Default::default(),
        tax_is_calculated_automatically: false,
    }
}
