//! Comparison with ground truth (`shared/eval/ground-truth.md`), for the dev harness and the
//! regression test: per-field outcomes with the ground-truth normalisation, and line-item
//! pairing (greedy by equal net amount, then closest description).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use sapllm_core::{FieldKey, LineItem, LineKey, Normalisation, ValueKind};

use super::Extraction;

/// The ground-truth normalisation of a header field.
pub fn normalisation(key: FieldKey) -> Normalisation {
    use FieldKey::*;
    match key {
        InvoiceNumber | PoNumber | BuyerReference => Normalisation::Identifier,
        SellerName | BuyerName => Normalisation::Name,
        PaymentTerms => Normalisation::FreeText,
        _ => match key.value_kind() {
            ValueKind::Amount => Normalisation::Amount,
            ValueKind::Date => Normalisation::Date,
            _ => Normalisation::UpperAlnum,
        },
    }
}

/// One scored header field of one document.
#[derive(Debug, Clone)]
pub struct FieldOutcome {
    pub key: FieldKey,
    /// Normalised truth.
    pub expected: String,
    /// Normalised prediction (`None`: nothing predicted).
    pub got: Option<String>,
    pub correct: bool,
    /// The winner's explanation.
    pub explanation: String,
}

/// Scores the header fields present in `truth` (keys as in the ground-truth file).
pub fn header_outcomes(pred: &Extraction, truth: &BTreeMap<String, String>) -> Vec<FieldOutcome> {
    let mut out = Vec::new();
    for (k, raw) in truth {
        let Ok(key) = k.parse::<FieldKey>() else {
            continue;
        };
        let norm = normalisation(key);
        let Some(expected) = norm.apply(raw) else {
            continue;
        };
        let f = pred.fields.get(&key);
        let got = f.and_then(|f| norm.apply(&f.value.to_plain()));
        out.push(FieldOutcome {
            key,
            correct: got.as_deref() == Some(expected.as_str()),
            expected,
            got,
            explanation: f
                .map(|f| f.provenance.explanation.clone())
                .unwrap_or_default(),
        });
    }
    out
}

/// Line-item tally of one document: matched pairs, predicted lines, true lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineTally {
    pub matched: usize,
    pub predicted: usize,
    pub truth: usize,
}

fn amount2(s: &str) -> Option<Decimal> {
    s.trim().parse::<Decimal>().ok().map(|d| d.round_dp(2))
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Similarity of two descriptions: shared words over all words (0..1).
fn similarity(a: &str, b: &str) -> f32 {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() && wb.is_empty() {
        return 1.0;
    }
    let shared = wa.iter().filter(|w| wb.contains(w)).count();
    2.0 * shared as f32 / (wa.len() + wb.len()).max(1) as f32
}

/// Pairs predicted with true lines greedily (equal net amount, then closest description) and
/// counts a pair as matched when the net amounts agree and, where both have one, the
/// quantities agree.
pub fn line_tally(pred: &[LineItem], truth: &[BTreeMap<String, String>]) -> LineTally {
    let mut used = vec![false; pred.len()];
    let mut matched = 0;
    for t in truth {
        let Some(net) = t.get("net_amount").and_then(|s| amount2(s)) else {
            continue;
        };
        let desc = t.get("description").map(String::as_str).unwrap_or("");
        let best =
            pred.iter()
                .enumerate()
                .filter(|(i, p)| {
                    !used[*i] && p.amount(LineKey::NetAmount).map(|d| d.round_dp(2)) == Some(net)
                })
                .max_by(|(_, a), (_, b)| {
                    similarity(a.text(LineKey::Description).unwrap_or(""), desc).total_cmp(
                        &similarity(b.text(LineKey::Description).unwrap_or(""), desc),
                    )
                })
                .map(|(i, _)| i);
        let Some(i) = best else { continue };
        used[i] = true;
        let q_true = t
            .get("quantity")
            .and_then(|s| s.trim().parse::<Decimal>().ok());
        let q_pred = pred[i].amount(LineKey::Quantity);
        let qty_ok = match (q_true, q_pred) {
            (Some(a), Some(b)) => a.normalize() == b.normalize(),
            _ => true,
        };
        if qty_ok {
            matched += 1;
        }
    }
    LineTally {
        matched,
        predicted: pred.len(),
        truth: truth.len(),
    }
}

/// Precision, recall and F1 from counts (`None` where undefined).
pub fn prf(
    correct: usize,
    predicted: usize,
    support: usize,
) -> (Option<f64>, Option<f64>, Option<f64>) {
    let p = (predicted > 0).then(|| correct as f64 / predicted as f64);
    let r = (support > 0).then(|| correct as f64 / support as f64);
    let f = match (p, r) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    };
    (p, r, f)
}
