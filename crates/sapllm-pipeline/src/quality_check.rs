//! Stage 6 — quality check: completeness per document type, confidence thresholds, and
//! arithmetic self-correction with the EN 16931 rules:
//!
//! - BR-CO-15: gross (BT-112) = net (BT-109) + VAT (BT-110);
//! - BR-CO-10 / BR-CO-13: Σ line net amounts = net total (no document-level allowances known);
//! - BR-CO-17: VAT of a breakdown row = base × rate (rounded to 2 places);
//! - BR-CO-16: amount due = gross − prepaid (so amount due ≤ gross for positive invoices).
//!
//! When the chosen totals disagree, every combination of the top candidates of net, VAT and
//! gross is tried; the consistent combination with the highest summed confidence is picked,
//! and what changed is recorded with the reason. A missing total is derived from the other two
//! when they are consistent with the line items or the VAT breakdown.

use rust_decimal::Decimal;
use sapllm_core::identity::mask_iban;
use sapllm_core::{
    Candidate, DecimalExt, DocType, ExtractedField, FieldKey, FieldValue, Finding, LineKey,
    Producer, Provenance, Severity, SourceKind, Stage,
};

use crate::config::Thresholds;
use crate::extraction::Extraction;

pub const QUALITY_VERSION: &str = "rules.quality/1";

/// Fields without which a document of a type cannot be processed further.
pub fn required_fields(doc_type: DocType) -> &'static [FieldKey] {
    use FieldKey::*;
    match doc_type {
        DocType::Invoice | DocType::CreditNote | DocType::DebitNote => {
            &[InvoiceNumber, IssueDate, SellerName, Currency, GrossTotal]
        }
        DocType::PurchaseOrder | DocType::OrderConfirmation => {
            &[InvoiceNumber, IssueDate, SellerName]
        }
        DocType::Receipt => &[IssueDate, GrossTotal],
        DocType::DeliveryNote | DocType::PaymentAdvice | DocType::Statement => &[IssueDate],
        DocType::Other => &[],
    }
}

/// Runs the quality check; may change the extraction (self-correction, derived values).
pub fn check(
    extraction: &mut Extraction,
    doc_type: DocType,
    exact: bool,
    t: &Thresholds,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if !exact {
        drop_weak_fields(extraction, t, &mut findings);
        repair_identifiers(extraction, &mut findings);
        self_correct_totals(extraction, t.arithmetic_tolerance, &mut findings);
    }
    if !exact {
        confirm_by_arithmetic(extraction, t.arithmetic_tolerance, &mut findings);
    }
    check_totals(extraction, t.arithmetic_tolerance, &mut findings);
    check_lines(extraction, t.arithmetic_tolerance, &mut findings);
    check_vat_rows(extraction, t.arithmetic_tolerance, &mut findings);

    let missing: Vec<FieldKey> = required_fields(doc_type)
        .iter()
        .copied()
        .filter(|k| !extraction.fields.contains_key(k))
        .collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(FieldKey::as_str).collect();
        findings.push(
            Finding::new(
                Stage::QualityCheck,
                "missing_required",
                Severity::Review,
                format!(
                    "required fields of document type {doc_type} not found: {}",
                    names.join(", ")
                ),
            )
            .on(&missing),
        );
    }
    let weak: Vec<FieldKey> = extraction
        .fields
        .iter()
        .filter(|(k, f)| {
            required_fields(doc_type).contains(k) && f.confidence < t.field_review_below
        })
        .map(|(k, _)| *k)
        .collect();
    for k in &weak {
        let f = &extraction.fields[k];
        findings.push(
            Finding::new(
                Stage::QualityCheck,
                "low_confidence",
                Severity::Review,
                format!(
                    "{k} = {} has confidence {:.2}, below {:.2}",
                    f.value,
                    shown_below(f.confidence),
                    t.field_review_below
                ),
            )
            .on(&[*k]),
        );
    }
    findings
}

/// A confidence as a reason shows it next to the threshold it fell below: cut, not rounded,
/// to two places, so 0.598 reads "0.59, below 0.60" and not "0.60, below 0.60".
pub(crate) fn shown_below(confidence: f32) -> f32 {
    (confidence * 100.0).floor() / 100.0
}

fn drop_weak_fields(extraction: &mut Extraction, t: &Thresholds, findings: &mut Vec<Finding>) {
    let weak: Vec<FieldKey> = extraction
        .fields
        .iter()
        .filter(|(_, f)| f.confidence < t.field_discard_below)
        .map(|(k, _)| *k)
        .collect();
    for k in weak {
        if let Some(f) = extraction.fields.remove(&k) {
            findings.push(
                Finding::new(
                    Stage::QualityCheck,
                    "discarded_weak_value",
                    Severity::Info,
                    format!(
                        "{k} candidate '{}' discarded: confidence {:.2}",
                        f.value, f.confidence
                    ),
                )
                .on(&[k]),
            );
        }
    }
}

/// Characters OCR confuses by shape, and what each may really be.
const LOOK_ALIKES: &[(char, &str)] = &[
    ('0', "ODQ"),
    ('O', "0DQ"),
    ('D', "0O"),
    ('Q', "0O"),
    ('1', "IL7"),
    ('I', "1L"),
    ('L', "1I"),
    ('7', "1"),
    ('2', "Z"),
    ('Z', "2"),
    ('5', "S6"),
    ('S', "5"),
    ('6', "5G8"),
    ('G', "6"),
    ('8', "B63"),
    ('B', "8"),
    ('3', "8"),
];

/// Confidence of an identifier put right by its check digits: below the trust level, so the
/// clerk sees the change.
const REPAIRED_CONFIDENCE: f32 = 0.75;

/// Identifiers read by OCR that fail their check digits (VAT IDs of countries with a check
/// digit, IBANs) are put right when exactly one change of one character into a look-alike
/// makes them pass (`GB866774584` → `GB866774564`, `ESAD3758919` → `ESA03758919`). With
/// more than one such change the value stays as read: a weak checksum (mod 11) lets some
/// wrong changes pass, and then the page has to decide. Text-layer values are never touched:
/// a wrong number printed is the supplier's mistake, for validation to report.
fn repair_identifiers(extraction: &mut Extraction, findings: &mut Vec<Finding>) {
    use crate::checks::{iban, vat_id};
    for key in [FieldKey::SellerVatId, FieldKey::BuyerVatId, FieldKey::Iban] {
        let Some(f) = extraction.fields.get_mut(&key) else {
            continue;
        };
        if f.provenance.source != SourceKind::Ocr {
            continue;
        }
        let (FieldValue::Code(read) | FieldValue::Text(read)) = &f.value else {
            continue;
        };
        // Ok(whether check digits were verified) for a well-formed value.
        let check = |s: &str| match key {
            FieldKey::Iban => iban::check_iban(s).map(|_| true).map_err(drop),
            _ => vat_id::check_vat_id(s)
                .map(|v| v.checksum_verified)
                .map_err(drop),
        };
        if check(read).is_ok() {
            continue;
        }
        let chars: Vec<char> = read.chars().collect();
        let mut repairs: Vec<String> = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            let Some((_, alts)) = LOOK_ALIKES.iter().find(|(k, _)| k == c) else {
                continue;
            };
            for alt in alts.chars() {
                let mut fixed = chars.clone();
                fixed[i] = alt;
                let fixed: String = fixed.into_iter().collect();
                if check(&fixed) == Ok(true) && !repairs.contains(&fixed) {
                    repairs.push(fixed);
                }
            }
        }
        let [fixed] = repairs.as_slice() else {
            continue;
        };
        // Messages never hold a full IBAN (see `validation`).
        let (shown_read, shown_fixed) = match key {
            FieldKey::Iban => (mask_iban(read), mask_iban(fixed)),
            _ => (read.clone(), fixed.clone()),
        };
        f.value = match &f.value {
            FieldValue::Text(_) => FieldValue::Text(fixed.clone()),
            _ => FieldValue::Code(fixed.clone()),
        };
        f.confidence = f.confidence.min(REPAIRED_CONFIDENCE);
        f.provenance.explanation = format!(
            "{}; read as {shown_read}, which fails its check digits: one look-alike changed ({shown_fixed} passes)",
            f.provenance.explanation
        );
        findings.push(
            Finding::new(
                Stage::QualityCheck,
                "identifier_repaired",
                Severity::Info,
                format!("{key} read by OCR as {shown_read} fails its check digits; {shown_fixed} is the only look-alike reading that passes"),
            )
            .on(&[key]),
        );
    }
}

/// Top candidates (winner first) of an amount field.
fn amount_options(
    extraction: &Extraction,
    key: FieldKey,
) -> Vec<(Decimal, f32, Option<Candidate>)> {
    let Some(f) = extraction.fields.get(&key) else {
        return Vec::new();
    };
    let mut v: Vec<(Decimal, f32, Option<Candidate>)> = Vec::new();
    if let Some(a) = f.value.as_amount() {
        v.push((a, f.confidence, None));
    }
    for c in f.alternatives.iter().take(5) {
        if let Some(a) = c.value.as_amount() {
            v.push((a, c.confidence, Some(c.clone())));
        }
    }
    v
}

fn close(a: Decimal, b: Decimal, tol: Decimal) -> bool {
    (a - b).abs() <= tol
}

fn self_correct_totals(extraction: &mut Extraction, tol: Decimal, findings: &mut Vec<Finding>) {
    let net = amount_options(extraction, FieldKey::NetTotal);
    let vat = amount_options(extraction, FieldKey::TaxTotal);
    let gross = amount_options(extraction, FieldKey::GrossTotal);
    let line_sum = line_net_sum(extraction);

    if !net.is_empty() && !vat.is_empty() && !gross.is_empty() {
        if close(net[0].0 + vat[0].0, gross[0].0, tol) {
            return;
        }
        // Best consistent triple by summed confidence; agreement with the line sum breaks ties.
        let mut best: Option<(f32, usize, usize, usize)> = None;
        for (i, n) in net.iter().enumerate() {
            for (j, v) in vat.iter().enumerate() {
                for (k, g) in gross.iter().enumerate() {
                    if !close(n.0 + v.0, g.0, tol) {
                        continue;
                    }
                    let bonus = if line_sum.is_some_and(|s| close(s, n.0, tol)) {
                        0.5
                    } else {
                        0.0
                    };
                    let score = n.1 + v.1 + g.1 + bonus;
                    if best.is_none_or(|b| score > b.0) {
                        best = Some((score, i, j, k));
                    }
                }
            }
        }
        if let Some((_, i, j, k)) = best {
            let mut changes = Vec::new();
            for (key, opts, idx) in [
                (FieldKey::NetTotal, &net, i),
                (FieldKey::TaxTotal, &vat, j),
                (FieldKey::GrossTotal, &gross, k),
            ] {
                if let Some(c) = opts[idx].2.clone() {
                    let old = extraction.fields[&key]
                        .value
                        .as_amount()
                        .unwrap_or_default();
                    if let Some(f) = extraction.fields.get_mut(&key) {
                        f.promote(c);
                    }
                    changes.push(format!(
                        "{key} {} → {}",
                        old.to_string_fixed2(),
                        opts[idx].0.to_string_fixed2()
                    ));
                }
            }
            if !changes.is_empty() {
                findings.push(
                    Finding::new(
                        Stage::QualityCheck,
                        "self_corrected_totals",
                        Severity::Info,
                        format!(
                            "net + VAT did not equal gross; picked the consistent candidates instead: {}",
                            changes.join(", ")
                        ),
                    )
                    .on(&[FieldKey::NetTotal, FieldKey::TaxTotal, FieldKey::GrossTotal]),
                );
            }
        }
        return;
    }

    // Derive one missing total from the other two, when the pair is trustworthy.
    let derive = |key: FieldKey, value: Decimal, from: &str| ExtractedField {
        value: FieldValue::Amount(value),
        confidence: 0.7,
        provenance: Provenance {
            source: SourceKind::Derived,
            page: None,
            bbox: None,
            words: Vec::new(),
            raw: value.to_string(),
            producer: Producer::new("rules.quality", QUALITY_VERSION),
            explanation: format!("{key} derived as {from}"),
        },
        alternatives: Vec::new(),
    };
    let mut derived = None;
    match (net.first(), vat.first(), gross.first()) {
        (Some(n), Some(v), None) => derived = Some((FieldKey::GrossTotal, n.0 + v.0, "net + VAT")),
        (Some(n), None, Some(g)) if g.0 >= n.0 => {
            derived = Some((FieldKey::TaxTotal, g.0 - n.0, "gross − net"))
        }
        (None, Some(v), Some(g)) => derived = Some((FieldKey::NetTotal, g.0 - v.0, "gross − VAT")),
        _ => {}
    }
    if let Some((key, value, from)) = derived {
        extraction.fields.insert(key, derive(key, value, from));
        findings.push(
            Finding::new(
                Stage::QualityCheck,
                "derived_total",
                Severity::Info,
                format!("{key} = {value} derived as {from}"),
            )
            .on(&[key]),
        );
    }
}

/// Independent evidence agreeing raises confidence: when net + VAT = gross, the three amounts
/// confirm each other (a misread digit in one of them would break the equation); when the
/// line items also add up to the net total, the net total is confirmed twice. The extractor's
/// own score only knows labels and geometry, so this is where arithmetic enters confidence.
fn confirm_by_arithmetic(extraction: &mut Extraction, tol: Decimal, findings: &mut Vec<Finding>) {
    let get = |x: &Extraction, k| {
        x.fields
            .get(&k)
            .and_then(|f: &ExtractedField| f.value.as_amount())
    };
    let (Some(n), Some(v), Some(g)) = (
        get(extraction, FieldKey::NetTotal),
        get(extraction, FieldKey::TaxTotal),
        get(extraction, FieldKey::GrossTotal),
    ) else {
        return;
    };
    if !close(n + v, g, tol) {
        return;
    }
    let lines_agree = line_net_sum(extraction).is_some_and(|s| close(s, n, tol));
    let mut raised = Vec::new();
    for key in [FieldKey::NetTotal, FieldKey::TaxTotal, FieldKey::GrossTotal] {
        let floor = if lines_agree { 0.98 } else { 0.95 };
        if let Some(f) = extraction.fields.get_mut(&key) {
            if f.provenance.source != SourceKind::Derived && f.confidence < floor {
                f.confidence = floor;
                raised.push(key);
            }
        }
    }
    if let Some(f) = extraction.fields.get_mut(&FieldKey::AmountDue) {
        // An amount due equal to the confirmed gross is confirmed too.
        if f.value.as_amount().is_some_and(|d| close(d, g, tol)) && f.confidence < 0.95 {
            f.confidence = 0.95;
            raised.push(FieldKey::AmountDue);
        }
    }
    if !raised.is_empty() {
        findings.push(
            Finding::new(
                Stage::QualityCheck,
                "confirmed_by_arithmetic",
                Severity::Info,
                format!(
                    "net {n} + VAT {v} = gross {g}{}: confidence raised",
                    if lines_agree {
                        ", and the line items add up to the net total"
                    } else {
                        ""
                    }
                ),
            )
            .on(&raised),
        );
    }
}

fn line_net_sum(extraction: &Extraction) -> Option<Decimal> {
    if extraction.line_items.is_empty() {
        return None;
    }
    extraction
        .line_items
        .iter()
        .map(|l| l.amount(LineKey::NetAmount))
        .sum()
}

fn check_totals(extraction: &Extraction, tol: Decimal, findings: &mut Vec<Finding>) {
    let get = |k| {
        extraction
            .fields
            .get(&k)
            .and_then(|f: &ExtractedField| f.value.as_amount())
    };
    if let (Some(n), Some(v), Some(g)) = (
        get(FieldKey::NetTotal),
        get(FieldKey::TaxTotal),
        get(FieldKey::GrossTotal),
    ) {
        if !close(n + v, g, tol) {
            findings.push(
                Finding::new(
                    Stage::QualityCheck,
                    "totals_inconsistent",
                    Severity::Review,
                    format!("net {n} + VAT {v} = {} but gross is {g}", n + v),
                )
                .on(&[
                    FieldKey::NetTotal,
                    FieldKey::TaxTotal,
                    FieldKey::GrossTotal,
                ]),
            );
        }
    }
    if let (Some(g), Some(d)) = (get(FieldKey::GrossTotal), get(FieldKey::AmountDue)) {
        if g > Decimal::ZERO && d > g + tol {
            findings.push(
                Finding::new(
                    Stage::QualityCheck,
                    "amount_due_above_gross",
                    Severity::Review,
                    format!("amount due {d} exceeds the gross total {g}"),
                )
                .on(&[FieldKey::AmountDue, FieldKey::GrossTotal]),
            );
        }
    }
}

fn check_lines(extraction: &Extraction, tol: Decimal, findings: &mut Vec<Finding>) {
    let net = extraction
        .fields
        .get(&FieldKey::NetTotal)
        .and_then(|f| f.value.as_amount());
    if let (Some(sum), Some(net)) = (line_net_sum(extraction), net) {
        // Allowances and charges on document level make the line sum differ legitimately; they
        // are a reason to look, not to reject.
        let lines_tol = tol * Decimal::from(extraction.line_items.len().max(1) as u32);
        if !close(sum, net, lines_tol) {
            findings.push(
                Finding::new(
                    Stage::QualityCheck,
                    "line_sum_mismatch",
                    Severity::Review,
                    format!(
                        "the {} line items add up to {sum}, the net total is {net} (allowances or charges, or a missed line)",
                        extraction.line_items.len()
                    ),
                )
                .on(&[FieldKey::NetTotal]),
            );
        }
    }
    for (i, line) in extraction.line_items.iter().enumerate() {
        let (Some(q), Some(p), Some(n)) = (
            line.amount(LineKey::Quantity),
            line.amount(LineKey::UnitPrice),
            line.amount(LineKey::NetAmount),
        ) else {
            continue;
        };
        let product = (q * p).round_dp(2);
        // Unit prices may be per 10/100/1000 units (price base quantity).
        let per_base = [
            Decimal::ONE,
            Decimal::TEN,
            Decimal::ONE_HUNDRED,
            Decimal::ONE_THOUSAND,
        ]
        .iter()
        .any(|b| close((product / b).round_dp(2), n, tol.max(Decimal::new(1, 2))));
        if !per_base {
            findings.push(Finding::new(
                Stage::QualityCheck,
                "line_arithmetic",
                Severity::Info,
                format!(
                    "line {}: {q} × {p} = {product}, printed net amount {n}",
                    i + 1
                ),
            ));
        }
    }
}

fn check_vat_rows(extraction: &Extraction, tol: Decimal, findings: &mut Vec<Finding>) {
    for row in &extraction.vat_breakdown {
        let (Some(base), Some(rate), Some(amount)) = (row.taxable_amount, row.rate, row.tax_amount)
        else {
            continue;
        };
        let expected = (base * rate / Decimal::ONE_HUNDRED).round_dp(2);
        if !close(expected, amount, tol) {
            findings.push(
                Finding::new(
                    Stage::QualityCheck,
                    "vat_row_inconsistent",
                    Severity::Review,
                    format!("VAT {rate} % of {base} is {expected}, the document says {amount}"),
                )
                .on(&[FieldKey::TaxTotal]),
            );
        }
    }
    let vat_total = extraction
        .fields
        .get(&FieldKey::TaxTotal)
        .and_then(|f| f.value.as_amount());
    let rows: Option<Decimal> = if extraction.vat_breakdown.is_empty() {
        None
    } else {
        extraction.vat_breakdown.iter().map(|r| r.tax_amount).sum()
    };
    if let (Some(total), Some(rows)) = (vat_total, rows) {
        if !close(total, rows, tol) {
            findings.push(
                Finding::new(
                    Stage::QualityCheck,
                    "vat_total_mismatch",
                    Severity::Review,
                    format!("the VAT breakdown adds up to {rows}, the VAT total is {total}"),
                )
                .on(&[FieldKey::TaxTotal]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(v: &str, c: f32) -> Candidate {
        Candidate {
            value: FieldValue::Amount(v.parse().unwrap()),
            confidence: c,
            provenance: Provenance {
                source: SourceKind::TextLayer,
                page: Some(0),
                bbox: None,
                words: vec![],
                raw: v.into(),
                producer: Producer::new("test", "1"),
                explanation: String::new(),
            },
        }
    }

    fn field(cands: Vec<Candidate>) -> ExtractedField {
        ExtractedField::from_candidates(cands).unwrap()
    }

    fn code(v: &str, source: SourceKind) -> ExtractedField {
        let mut c = cand("0", 0.9);
        c.value = FieldValue::Code(v.into());
        c.provenance.source = source;
        field(vec![c])
    }

    #[test]
    fn ocr_identifiers_failing_their_check_digits_are_repaired_by_one_look_alike() {
        let mut x = Extraction::default();
        // GB866774564 is valid (mod 97); OCR read the 6 as an 8.
        x.fields
            .insert(FieldKey::SellerVatId, code("GB866774584", SourceKind::Ocr));
        // A letter where Spain has a digit: ESA03758919 passes, ESAD3758919 is malformed.
        x.fields
            .insert(FieldKey::BuyerVatId, code("ESAD3758919", SourceKind::Ocr));
        // IBAN with a 0 read as O.
        x.fields.insert(
            FieldKey::Iban,
            code("DE89370400440532O13000", SourceKind::Ocr),
        );
        let findings = check(&mut x, DocType::Invoice, false, &Thresholds::default());
        assert_eq!(
            x.fields[&FieldKey::SellerVatId].value,
            FieldValue::Code("GB866774564".into())
        );
        assert_eq!(
            x.fields[&FieldKey::BuyerVatId].value,
            FieldValue::Code("ESA03758919".into())
        );
        assert_eq!(
            x.fields[&FieldKey::Iban].value,
            FieldValue::Code("DE89370400440532013000".into())
        );
        assert!(x.fields[&FieldKey::SellerVatId].confidence <= REPAIRED_CONFIDENCE);
        assert_eq!(
            findings
                .iter()
                .filter(|f| f.code == "identifier_repaired")
                .count(),
            3
        );
    }

    #[test]
    fn a_repaired_iban_is_named_masked_in_the_finding_and_the_explanation() {
        let mut x = Extraction::default();
        x.fields.insert(
            FieldKey::Iban,
            code("DE89370400440532O13000", SourceKind::Ocr),
        );
        let findings = check(&mut x, DocType::Invoice, false, &Thresholds::default());
        let repaired = findings
            .iter()
            .find(|f| f.code == "identifier_repaired")
            .expect("repaired");
        for text in [
            &repaired.message,
            &x.fields[&FieldKey::Iban].provenance.explanation,
        ] {
            assert!(!text.contains("DE89370400440532013000"), "{text}");
            assert!(!text.contains("DE89370400440532O13000"), "{text}");
        }
    }

    #[test]
    fn text_layer_identifiers_and_ambiguous_repairs_are_left_as_read() {
        let mut x = Extraction::default();
        // Printed wrong in the text layer: the supplier's mistake, for validation to report.
        x.fields.insert(
            FieldKey::SellerVatId,
            code("GB866774584", SourceKind::TextLayer),
        );
        // Polish NIP (mod 11): PL2914777762 fails, and both PL2914177762 (7 → 1) and
        // PL2914777752 (6 → 5) pass, so neither is taken.
        x.fields
            .insert(FieldKey::BuyerVatId, code("PL2914777762", SourceKind::Ocr));
        let findings = check(&mut x, DocType::Invoice, false, &Thresholds::default());
        assert_eq!(
            x.fields[&FieldKey::SellerVatId].value,
            FieldValue::Code("GB866774584".into())
        );
        assert_eq!(
            x.fields[&FieldKey::BuyerVatId].value,
            FieldValue::Code("PL2914777762".into())
        );
        assert!(!findings.iter().any(|f| f.code == "identifier_repaired"));
    }

    #[test]
    fn a_confidence_just_below_its_threshold_never_reads_as_equal_to_it() {
        assert_eq!(format!("{:.2}", shown_below(0.598)), "0.59");
        assert_eq!(format!("{:.2}", shown_below(0.6)), "0.60");
        assert_eq!(format!("{:.2}", shown_below(0.849_99)), "0.84");
    }

    #[test]
    fn inconsistent_totals_are_repaired_from_the_alternatives() {
        let mut x = Extraction::default();
        x.fields
            .insert(FieldKey::NetTotal, field(vec![cand("1000.00", 0.9)]));
        x.fields
            .insert(FieldKey::TaxTotal, field(vec![cand("190.00", 0.9)]));
        // The winner for gross is a wrong amount (e.g. a subtotal); the right one is second.
        x.fields.insert(
            FieldKey::GrossTotal,
            field(vec![cand("1100.00", 0.8), cand("1190.00", 0.7)]),
        );
        let findings = check(&mut x, DocType::Invoice, false, &Thresholds::default());
        assert_eq!(
            x.fields[&FieldKey::GrossTotal].value,
            FieldValue::Amount("1190.00".parse().unwrap())
        );
        let f = findings
            .iter()
            .find(|f| f.code == "self_corrected_totals")
            .expect("a recorded correction");
        assert!(f.message.contains("1100.00 → 1190.00"), "{}", f.message);
        assert!(!findings.iter().any(|f| f.code == "totals_inconsistent"));
        // The old winner is kept as the first alternative.
        assert_eq!(
            x.fields[&FieldKey::GrossTotal].alternatives[0].value,
            FieldValue::Amount("1100.00".parse().unwrap())
        );
    }

    #[test]
    fn no_consistent_assignment_goes_to_review_and_missing_fields_are_named() {
        let mut x = Extraction::default();
        x.fields
            .insert(FieldKey::NetTotal, field(vec![cand("1000.00", 0.9)]));
        x.fields
            .insert(FieldKey::TaxTotal, field(vec![cand("190.00", 0.9)]));
        x.fields
            .insert(FieldKey::GrossTotal, field(vec![cand("1250.00", 0.9)]));
        let findings = check(&mut x, DocType::Invoice, false, &Thresholds::default());
        assert!(
            findings
                .iter()
                .any(|f| f.code == "totals_inconsistent" && f.severity == Severity::Review)
        );
        let missing = findings
            .iter()
            .find(|f| f.code == "missing_required")
            .unwrap();
        assert!(missing.fields.contains(&FieldKey::InvoiceNumber));
    }

    #[test]
    fn consistent_totals_confirm_each_other() {
        let mut x = Extraction::default();
        x.fields
            .insert(FieldKey::NetTotal, field(vec![cand("100.00", 0.6)]));
        x.fields
            .insert(FieldKey::TaxTotal, field(vec![cand("19.00", 0.5)]));
        x.fields
            .insert(FieldKey::GrossTotal, field(vec![cand("119.00", 0.7)]));
        x.fields
            .insert(FieldKey::AmountDue, field(vec![cand("119.00", 0.4)]));
        let findings = check(&mut x, DocType::Invoice, false, &Thresholds::default());
        for k in [
            FieldKey::NetTotal,
            FieldKey::TaxTotal,
            FieldKey::GrossTotal,
            FieldKey::AmountDue,
        ] {
            assert!(x.fields[&k].confidence >= 0.95, "{k}");
        }
        assert!(findings.iter().any(|f| f.code == "confirmed_by_arithmetic"));

        // Inconsistent totals confirm nothing.
        let mut y = Extraction::default();
        y.fields
            .insert(FieldKey::NetTotal, field(vec![cand("100.00", 0.6)]));
        y.fields
            .insert(FieldKey::TaxTotal, field(vec![cand("19.00", 0.5)]));
        y.fields
            .insert(FieldKey::GrossTotal, field(vec![cand("120.00", 0.7)]));
        check(&mut y, DocType::Invoice, false, &Thresholds::default());
        assert_eq!(y.fields[&FieldKey::GrossTotal].confidence, 0.7);
    }

    #[test]
    fn a_missing_total_is_derived_and_marked_as_derived() {
        let mut x = Extraction::default();
        x.fields
            .insert(FieldKey::NetTotal, field(vec![cand("100.00", 0.9)]));
        x.fields
            .insert(FieldKey::TaxTotal, field(vec![cand("19.00", 0.9)]));
        let findings = check(&mut x, DocType::Invoice, false, &Thresholds::default());
        let g = &x.fields[&FieldKey::GrossTotal];
        assert_eq!(g.value, FieldValue::Amount("119.00".parse().unwrap()));
        assert_eq!(g.provenance.source, SourceKind::Derived);
        assert!(findings.iter().any(|f| f.code == "derived_total"));
    }
}
