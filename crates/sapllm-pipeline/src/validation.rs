//! Stage 7 — validation: business rules on the extracted values.
//!
//! IBAN (ISO 13616 length per country and mod-97), BIC format, VAT IDs (format per EU country
//! and the national checksum where one is defined), ISO 4217 currency, plausible dates against
//! an injected today, VAT rates plausible for the seller's country, and duplicates against the
//! store (same seller and number, or same seller, amount and date). PO matching needs the
//! purchase orders from SAP (a later issue); until then a PO number is recorded as unchecked.
//!
//! Log lines and messages never contain a full IBAN: only its masked form.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sapllm_core::identity::{mask_iban, seller_key};
use sapllm_core::{
    ContentHash, DocType, ExtractedField, FieldKey, Finding, LineKey, Severity, Stage,
};
use std::collections::BTreeMap;

use crate::checks::dates::{DateIssue, check_dates};
use crate::checks::tax_rate::{RateCheck, check_rate};
use crate::checks::{bic, currency, iban, vat_id};
use crate::config::Thresholds;
use crate::extraction::Extraction;
use crate::prior::{DuplicateQuery, DuplicateReason, PriorDocuments};

pub const VALIDATION_VERSION: &str = "rules.validation/1";

pub fn validate(
    x: &Extraction,
    doc_type: DocType,
    hash: &ContentHash,
    prior: &dyn PriorDocuments,
    today: NaiveDate,
    _thresholds: &Thresholds,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let text = |k: FieldKey| {
        x.fields
            .get(&k)
            .and_then(|f| f.value.as_text().map(str::to_owned))
    };
    let date = |k: FieldKey| x.fields.get(&k).and_then(|f| f.value.as_date());
    let review = |code: &str, msg: String, fields: &[FieldKey]| {
        Finding::new(Stage::Validation, code, Severity::Review, msg).on(fields)
    };

    if let Some(raw) = text(FieldKey::Iban) {
        if let Err(e) = iban::check_iban(&raw) {
            out.push(review(
                "iban_invalid",
                format!("IBAN {}: {e}", mask_iban(&raw)),
                &[FieldKey::Iban],
            ));
        }
    }
    if let Some(raw) = text(FieldKey::Bic) {
        if let Err(e) = bic::check_bic(&raw) {
            out.push(review(
                "bic_invalid",
                format!("BIC {raw}: {e}"),
                &[FieldKey::Bic],
            ));
        }
    }
    for key in [FieldKey::SellerVatId, FieldKey::BuyerVatId] {
        if let Some(raw) = text(key) {
            if let Err(e) = vat_id::check_vat_id(&raw) {
                out.push(review(
                    "vat_id_invalid",
                    format!("{key} {raw}: {e}"),
                    &[key],
                ));
            }
        }
    }
    match text(FieldKey::Currency) {
        Some(c) if !currency::is_iso4217(&c) => out.push(review(
            "currency_unknown",
            format!("currency '{c}' is not an ISO 4217 code"),
            &[FieldKey::Currency],
        )),
        None if doc_type.is_postable() => out.push(Finding::new(
            Stage::Validation,
            "currency_missing",
            Severity::Info,
            "no currency printed; the company code currency will be assumed",
        )),
        _ => {}
    }

    for issue in check_dates(
        date(FieldKey::IssueDate),
        date(FieldKey::DueDate),
        date(FieldKey::DeliveryDate),
        today,
    ) {
        let (msg, fields) = describe_date_issue(&issue);
        out.push(review("date_implausible", msg, fields));
    }

    validate_tax_rates(x, &mut out);
    check_duplicates(x, doc_type, hash, prior, &mut out);

    if let Some(po) = text(FieldKey::PoNumber) {
        out.push(
            Finding::new(
                Stage::Validation,
                "po_not_checked",
                Severity::Info,
                format!("PO {po} not matched: no SAP connection configured"),
            )
            .on(&[FieldKey::PoNumber]),
        );
    }
    out
}

fn describe_date_issue(issue: &DateIssue) -> (String, &'static [FieldKey]) {
    use FieldKey::*;
    match issue {
        DateIssue::IssueInFuture { issue, today } => (
            format!("issue date {issue} is after today ({today})"),
            &[IssueDate],
        ),
        DateIssue::IssueTooOld { issue, max_years } => (
            format!("issue date {issue} is more than {max_years} years ago"),
            &[IssueDate],
        ),
        DateIssue::DueBeforeIssue { issue, due } => (
            format!("due date {due} is before the issue date {issue}"),
            &[DueDate, IssueDate],
        ),
        DateIssue::PaymentTermTooLong { days, .. } => (
            format!("payment term of {days} days is implausible"),
            &[DueDate],
        ),
        DateIssue::DeliveryLongAfterIssue { issue, delivery } => (
            format!("delivery date {delivery} is long after the issue date {issue}"),
            &[DeliveryDate],
        ),
        DateIssue::DeliveryLongBeforeIssue { issue, delivery } => (
            format!("delivery date {delivery} is long before the issue date {issue}"),
            &[DeliveryDate],
        ),
    }
}

/// The seller's country: printed country, else the VAT ID prefix, else the IBAN's.
fn seller_country(x: &Extraction) -> Option<String> {
    let text = |k: FieldKey| {
        x.fields
            .get(&k)
            .and_then(|f| f.value.as_text().map(str::to_owned))
    };
    text(FieldKey::SellerCountry)
        .or_else(|| text(FieldKey::SellerVatId).map(|v| v.chars().take(2).collect()))
        .filter(|c: &String| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
        .map(|c| {
            if c.eq_ignore_ascii_case("EL") {
                "GR".to_owned()
            } else {
                c.to_ascii_uppercase()
            }
        })
}

fn validate_tax_rates(x: &Extraction, out: &mut Vec<Finding>) {
    let Some(country) = seller_country(x) else {
        return;
    };
    let mut rates: Vec<Decimal> = x.vat_breakdown.iter().filter_map(|r| r.rate).collect();
    rates.extend(
        x.line_items
            .iter()
            .filter_map(|l| l.amount(LineKey::TaxRate)),
    );
    rates.sort();
    rates.dedup();
    for rate in rates {
        if let RateCheck::Implausible { expected } = check_rate(&country, rate.normalize()) {
            let list: Vec<String> = expected.iter().map(|r| format!("{r} %")).collect();
            out.push(
                Finding::new(
                    Stage::Validation,
                    "tax_rate_implausible",
                    Severity::Review,
                    format!(
                        "VAT rate {} % is not a rate of {country} ({})",
                        rate.normalize(),
                        list.join(", ")
                    ),
                )
                .on(&[FieldKey::TaxTotal]),
            );
        }
    }
}

fn check_duplicates(
    x: &Extraction,
    doc_type: DocType,
    hash: &ContentHash,
    prior: &dyn PriorDocuments,
    out: &mut Vec<Finding>,
) {
    out.extend(duplicate_findings(&x.fields, doc_type, hash, prior));
}

/// Duplicate findings for a document with these fields: earlier documents of the same seller
/// with the same number, or the same amount and date. Also used when a batch commits its
/// results in order, to catch two copies processed concurrently.
pub fn duplicate_findings(
    fields: &BTreeMap<FieldKey, ExtractedField>,
    doc_type: DocType,
    hash: &ContentHash,
    prior: &dyn PriorDocuments,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if !doc_type.is_postable() {
        return out;
    }
    let text = |k: FieldKey| {
        fields
            .get(&k)
            .and_then(|f| f.value.as_text().map(str::to_owned))
    };
    let Some(seller_key) = seller_key(
        text(FieldKey::SellerVatId).as_deref(),
        text(FieldKey::SellerName).as_deref(),
    ) else {
        return out;
    };
    let query = DuplicateQuery {
        seller_key,
        invoice_number: text(FieldKey::InvoiceNumber),
        gross_total: fields
            .get(&FieldKey::GrossTotal)
            .and_then(|f| f.value.as_amount()),
        issue_date: fields
            .get(&FieldKey::IssueDate)
            .and_then(|f| f.value.as_date()),
        exclude: hash.clone(),
    };
    let hits = match prior.duplicates(&query) {
        Ok(hits) => hits,
        Err(e) => {
            out.push(Finding::new(
                Stage::Validation,
                "duplicate_check_failed",
                Severity::Review,
                format!("the duplicate check could not run: {e}"),
            ));
            return out;
        }
    };
    for hit in hits {
        let why = match hit.reason {
            DuplicateReason::SameSellerAndNumber => "same seller and invoice number",
            DuplicateReason::SameSellerAmountAndDate => "same seller, amount and date",
        };
        out.push(
            Finding::new(
                Stage::Validation,
                "duplicate",
                Severity::Reject,
                format!(
                    "possible duplicate of document {} ({why}{})",
                    hit.hash.short(),
                    hit.file_name
                        .map(|n| format!(", file {n}"))
                        .unwrap_or_default()
                ),
            )
            .on(&[FieldKey::InvoiceNumber, FieldKey::GrossTotal]),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::content_hash;
    use crate::prior::tests::FakePrior;
    use sapllm_core::{Candidate, ExtractedField, FieldValue, Producer, Provenance, SourceKind};

    fn put(x: &mut Extraction, k: FieldKey, v: FieldValue) {
        let c = Candidate {
            value: v,
            confidence: 0.9,
            provenance: Provenance {
                source: SourceKind::TextLayer,
                page: Some(0),
                bbox: None,
                words: vec![],
                raw: String::new(),
                producer: Producer::new("t", "1"),
                explanation: String::new(),
            },
        };
        x.fields
            .insert(k, ExtractedField::from_candidates(vec![c]).unwrap());
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn bad_iban_vat_id_currency_and_dates_are_flagged_without_leaking_the_iban() {
        let mut x = Extraction::default();
        put(
            &mut x,
            FieldKey::Iban,
            FieldValue::Code("DE89370400440532013001".into()),
        );
        put(
            &mut x,
            FieldKey::SellerVatId,
            FieldValue::Code("DE136695977".into()),
        );
        put(&mut x, FieldKey::Currency, FieldValue::Code("EUX".into()));
        put(
            &mut x,
            FieldKey::IssueDate,
            FieldValue::Date(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
        );
        put(
            &mut x,
            FieldKey::DueDate,
            FieldValue::Date(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
        );
        let f = validate(
            &x,
            DocType::Invoice,
            &content_hash(b"a"),
            &FakePrior::default(),
            today(),
            &Thresholds::default(),
        );
        let codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
        for c in [
            "iban_invalid",
            "vat_id_invalid",
            "currency_unknown",
            "date_implausible",
        ] {
            assert!(codes.contains(&c), "{c} missing in {codes:?}");
        }
        let iban_msg = &f.iter().find(|f| f.code == "iban_invalid").unwrap().message;
        assert!(
            !iban_msg.contains("0532013001"),
            "full IBAN leaked: {iban_msg}"
        );
    }

    #[test]
    fn valid_values_pass_and_implausible_rates_are_flagged() {
        let mut x = Extraction::default();
        put(
            &mut x,
            FieldKey::Iban,
            FieldValue::Code("DE89370400440532013000".into()),
        );
        put(
            &mut x,
            FieldKey::SellerVatId,
            FieldValue::Code("DE136695976".into()),
        );
        put(&mut x, FieldKey::Currency, FieldValue::Code("EUR".into()));
        x.vat_breakdown.push(sapllm_core::VatBreakdown {
            category: Some("S".into()),
            rate: Some(Decimal::new(21, 0)),
            taxable_amount: None,
            tax_amount: None,
            provenance: x.fields[&FieldKey::Iban].provenance.clone(),
        });
        let f = validate(
            &x,
            DocType::Invoice,
            &content_hash(b"a"),
            &FakePrior::default(),
            today(),
            &Thresholds::default(),
        );
        let codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["tax_rate_implausible"], "{f:?}");
    }

    #[test]
    fn duplicates_by_number_are_rejected_with_a_link() {
        let mut x = Extraction::default();
        put(
            &mut x,
            FieldKey::SellerVatId,
            FieldValue::Code("DE136695976".into()),
        );
        put(
            &mut x,
            FieldKey::InvoiceNumber,
            FieldValue::Text("RE 1001".into()),
        );
        let earlier = content_hash(b"earlier");
        let mut prior = FakePrior::default();
        prior.invoices.push((
            earlier.clone(),
            DuplicateQuery {
                seller_key: "vat:DE136695976".into(),
                invoice_number: Some("RE1001".into()),
                gross_total: None,
                issue_date: None,
                exclude: earlier.clone(),
            },
        ));
        let f = validate(
            &x,
            DocType::Invoice,
            &content_hash(b"new"),
            &prior,
            today(),
            &Thresholds::default(),
        );
        let dup = f
            .iter()
            .find(|f| f.code == "duplicate")
            .expect("duplicate found");
        assert_eq!(dup.severity, Severity::Reject);
        assert!(dup.message.contains(earlier.short()));
        // The same document is never its own duplicate.
        let f = validate(
            &x,
            DocType::Invoice,
            &earlier,
            &prior,
            today(),
            &Thresholds::default(),
        );
        assert!(!f.iter().any(|f| f.code == "duplicate"));
    }
}
