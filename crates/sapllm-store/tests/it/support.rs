//! Builders for hand-made results and stores with a fixed clock.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use sapllm_core::{
    BBox, Classified, ContentHash, DocType, DocumentResult, ExtractedField, FieldKey, FieldValue,
    FileKind, Finding, Producer, Provenance, Route, Severity, SourceKind, Stage,
};
use sapllm_store::{FixedClock, Store};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 5, 8, 0, 0).unwrap()
}

/// An in-memory store whose clock starts at [`t0`].
pub async fn memory_store() -> (Store, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(t0()));
    let store = Store::open_in_memory_with_clock(clock.clone())
        .await
        .unwrap();
    (store, clock)
}

pub fn tick(clock: &FixedClock) {
    clock.advance(Duration::seconds(1));
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn field(value: FieldValue, confidence: f32, page: u32, y: f32) -> ExtractedField {
    let raw = value.to_plain();
    ExtractedField {
        value,
        confidence,
        provenance: Provenance {
            source: SourceKind::TextLayer,
            page: Some(page),
            bbox: Some(BBox::new(300.0, y, 400.0, y + 10.0)),
            words: vec![3, 4],
            raw,
            producer: Producer::new("rules.label-value", "0.1.0"),
            explanation: "right of the label".into(),
        },
        alternatives: vec![],
    }
}

/// What a hand-made invoice result says.
#[derive(Debug, Clone)]
pub struct Inv<'a> {
    pub seller: &'a str,
    pub vat: Option<&'a str>,
    pub number: Option<&'a str>,
    pub gross: Option<&'a str>,
    pub issue: Option<NaiveDate>,
    pub route: Route,
    pub doc_type: DocType,
}

impl Default for Inv<'_> {
    fn default() -> Self {
        Inv {
            seller: "Müller & Söhne GmbH",
            vat: Some("DE123456789"),
            number: Some("RE-2024-001"),
            gross: Some("119.00"),
            issue: Some(date(2024, 3, 1)),
            route: Route::Review,
            doc_type: DocType::Invoice,
        }
    }
}

/// A result built by hand from sapllm-core types.
pub fn result(hash: &ContentHash, inv: &Inv<'_>) -> DocumentResult {
    let mut fields = BTreeMap::new();
    fields.insert(
        FieldKey::SellerName,
        field(FieldValue::Text(inv.seller.into()), 0.9, 0, 40.0),
    );
    if let Some(v) = inv.vat {
        fields.insert(
            FieldKey::SellerVatId,
            field(FieldValue::Code(v.into()), 0.95, 0, 60.0),
        );
    }
    if let Some(n) = inv.number {
        fields.insert(
            FieldKey::InvoiceNumber,
            field(FieldValue::Text(n.into()), 0.8, 0, 80.0),
        );
    }
    if let Some(d) = inv.issue {
        fields.insert(
            FieldKey::IssueDate,
            field(FieldValue::Date(d), 0.85, 0, 100.0),
        );
    }
    if let Some(g) = inv.gross {
        fields.insert(
            FieldKey::GrossTotal,
            field(FieldValue::Amount(dec(g)), 0.7, 1, 700.0),
        );
    }
    fields.insert(
        FieldKey::Currency,
        field(FieldValue::Code("EUR".into()), 0.99, 0, 120.0),
    );
    let mut findings = vec![Finding::new(
        Stage::Extraction,
        "extracted",
        Severity::Info,
        "all header fields found",
    )];
    match inv.route {
        Route::AutoApprove => {}
        Route::Review => findings.push(
            Finding::new(
                Stage::QualityCheck,
                "low_confidence",
                Severity::Review,
                "gross total unsure",
            )
            .on(&[FieldKey::GrossTotal]),
        ),
        Route::Reject => findings.push(Finding::new(
            Stage::Validation,
            "duplicate_invoice",
            Severity::Reject,
            "same number as an earlier invoice",
        )),
    }
    let mut versions = BTreeMap::new();
    versions.insert("rules".to_owned(), "0.1.0".to_owned());
    let mut timings = BTreeMap::new();
    timings.insert(Stage::Extraction, 1234);
    DocumentResult {
        hash: hash.clone(),
        file_kind: FileKind::Pdf,
        page_count: 2,
        from_einvoice: false,
        doc_type: Classified {
            value: inv.doc_type,
            confidence: 0.93,
            evidence: vec!["title 'Rechnung' on page 1".into()],
            alternatives: vec![(DocType::CreditNote, 0.05)],
        },
        subtype: None,
        fields,
        line_items: vec![],
        vat_breakdown: vec![],
        findings,
        route: inv.route,
        versions,
        timings_us: timings,
    }
}

/// Distinct PDF-ish bytes for document number `n`.
pub fn pdf_bytes(n: u32) -> Vec<u8> {
    format!("%PDF-1.7\n% test document {n}\n%%EOF\n").into_bytes()
}
