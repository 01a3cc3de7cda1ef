//! Features of a whole document for the trained document-type classifier and invoice-subtype
//! identifier, and how their probabilities are combined with the rules.
//!
//! Words are hashed into buckets (the "hashing trick": no vocabulary file to ship or keep in
//! sync), once for the whole text and once for the head of the first page, where titles
//! live; unigrams and bigrams, case-folded, digits collapsed so that numbers do not become
//! features. The rule classifier's scores are features too, so the model learns when to trust
//! the rules; for subtypes, facts from extraction (zero VAT, negative total, VAT IDs of two
//! countries, a PO number) join them. The same functions write the training tables
//! (`sapllm train-data`).

use rust_decimal::Decimal;
use sapllm_core::{Classified, DocType, FieldKey, FieldValue, InvoiceSubtype, Page, SourceKind};
use sapllm_ml::Model;

use crate::extraction::Extraction;

/// Bump when a feature changes meaning.
pub const DOC_FEATURE_VERSION: u32 = 2;

const BUCKETS: usize = 1024;
/// Width of a document-type feature row.
pub const DOCTYPE_FEATURES: usize = 2 * BUCKETS + 10 + 4;
/// Width of a subtype feature row.
pub const SUBTYPE_FEATURES: usize = DOCTYPE_FEATURES + 16 + 12;

fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A word as a feature token: letters case-folded, digits collapsed to one `0`, other
/// characters dropped; `None` when nothing is left.
fn token(word: &str) -> Option<String> {
    let mut t = String::new();
    for c in word.chars() {
        if c.is_alphabetic() {
            t.extend(c.to_lowercase());
        } else if c.is_ascii_digit() && !t.ends_with('0') {
            t.push('0');
        }
    }
    (!t.is_empty()).then_some(t)
}

fn add_tokens(block: &mut [f32], words: &[String]) {
    for (i, w) in words.iter().enumerate() {
        block[(fnv1a(w) % BUCKETS as u64) as usize] += 1.0;
        if let Some(next) = words.get(i + 1) {
            let bi = format!("{w} {next}");
            block[(fnv1a(&bi) % BUCKETS as u64) as usize] += 1.0;
        }
    }
}

/// `ln(1 + count)`, then unit length: long and short documents look alike.
fn normalise(block: &mut [f32]) {
    for v in block.iter_mut() {
        *v = v.ln_1p();
    }
    let norm = block.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        for v in block.iter_mut() {
            *v /= norm;
        }
    }
}

/// Tokens per line of the first two pages, and those of the head of page 1 (top 30 %).
fn page_tokens(pages: &[Page]) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut all = Vec::new();
    let mut head = Vec::new();
    for page in pages.iter().take(2) {
        for line in &page.lines {
            let toks: Vec<String> = line
                .words
                .iter()
                .filter_map(|&w| page.words.get(w as usize))
                .filter_map(|w| token(&w.text))
                .collect();
            if toks.is_empty() {
                continue;
            }
            if page.index == 0 && line.bbox.y0 < page.height * 0.3 {
                head.push(toks.clone());
            }
            all.push(toks);
        }
    }
    (all, head)
}

/// The document-type feature row.
pub fn doctype_features(pages: &[Page], rule: &Classified<DocType>) -> Vec<f32> {
    let mut f = vec![0.0; DOCTYPE_FEATURES];
    let (all, head) = page_tokens(pages);
    {
        let (body, rest) = f.split_at_mut(BUCKETS);
        for l in &all {
            add_tokens(body, l);
        }
        normalise(body);
        let headb = &mut rest[..BUCKETS];
        for l in &head {
            add_tokens(headb, l);
        }
        normalise(headb);
    }
    let base = 2 * BUCKETS;
    let pos = |t: DocType| {
        DocType::ALL
            .iter()
            .position(|x| *x == t)
            .unwrap_or(0)
            .min(9)
    };
    f[base + pos(rule.value)] = rule.confidence;
    for (t, c) in &rule.alternatives {
        f[base + pos(*t)] = f[base + pos(*t)].max(*c);
    }
    let words: usize = pages.iter().map(|p| p.words.len()).sum();
    f[base + 10] = pages.len().min(5) as f32 / 5.0;
    f[base + 11] = ((1 + words) as f32).ln() / 8.0;
    f[base + 12] = f32::from(u8::from(
        pages.iter().any(|p| p.text_source == SourceKind::Ocr),
    ));
    f[base + 13] = rule.confidence;
    f
}

/// The subtype feature row: the document-type row plus the rule subtype and extraction facts.
pub fn subtype_features(
    pages: &[Page],
    rule_doc: &Classified<DocType>,
    rule_sub: Option<&Classified<InvoiceSubtype>>,
    extraction: &Extraction,
) -> Vec<f32> {
    let mut f = doctype_features(pages, rule_doc);
    f.resize(SUBTYPE_FEATURES, 0.0);
    let base = DOCTYPE_FEATURES;
    let pos = |t: InvoiceSubtype| {
        InvoiceSubtype::ALL
            .iter()
            .position(|x| *x == t)
            .unwrap_or(0)
            .min(15)
    };
    if let Some(r) = rule_sub {
        f[base + pos(r.value)] = r.confidence;
        for (t, c) in &r.alternatives {
            f[base + pos(*t)] = f[base + pos(*t)].max(*c);
        }
    }
    let b = base + 16;
    let amount = |k: FieldKey| extraction.fields.get(&k).and_then(|x| x.value.as_amount());
    let text = |k: FieldKey| {
        extraction.fields.get(&k).and_then(|x| match &x.value {
            FieldValue::Text(t) | FieldValue::Code(t) => Some(t.clone()),
            _ => None,
        })
    };
    f[b] = f32::from(u8::from(
        amount(FieldKey::TaxTotal).is_some_and(|t| t.is_zero()),
    ));
    f[b + 1] = f32::from(u8::from(
        amount(FieldKey::GrossTotal).is_some_and(|t| t.is_sign_negative()),
    ));
    let seller_cc = text(FieldKey::SellerVatId).and_then(|v| v.get(0..2).map(str::to_owned));
    let buyer_cc = text(FieldKey::BuyerVatId).and_then(|v| v.get(0..2).map(str::to_owned));
    f[b + 2] = f32::from(u8::from(buyer_cc.is_some()));
    f[b + 3] = f32::from(u8::from(
        matches!((&seller_cc, &buyer_cc), (Some(a), Some(c)) if a != c),
    ));
    f[b + 4] = f32::from(u8::from(text(FieldKey::PoNumber).is_some()));
    let gross: f64 = amount(FieldKey::GrossTotal)
        .and_then(|g| g.abs().try_into().ok())
        .unwrap_or(0.0);
    f[b + 5] = ((1.0 + gross).log10() / 7.0) as f32;
    f[b + 6] = (extraction.line_items.len().min(60) as f32) / 60.0;
    f[b + 7] = f32::from(u8::from(extraction.vat_breakdown.len() > 1));
    // Version 2: structured evidence a clerk reads off the totals.
    let gross_signed = amount(FieldKey::GrossTotal);
    let due = amount(FieldKey::AmountDue);
    // Something was deducted from the total (prepayments on a final invoice).
    f[b + 8] = f32::from(u8::from(matches!(
        (gross_signed, due),
        (Some(g), Some(d)) if g > Decimal::ZERO && d < g * Decimal::new(99, 2)
    )));
    // Under the default small-amount limit of the configuration.
    f[b + 9] = f32::from(u8::from(
        gross_signed.is_some_and(|g| g > Decimal::ZERO && g <= Decimal::new(250, 0)),
    ));
    // Zero VAT with the buyer's VAT ID printed: the shape of a reverse-charge invoice.
    f[b + 10] = f[b] * f[b + 2];
    // The rules found no printed subtype evidence and fell back to the weak hints.
    f[b + 11] = f32::from(u8::from(rule_sub.is_none_or(|r| {
        matches!(
            r.value,
            InvoiceSubtype::Standard
                | InvoiceSubtype::PoBased
                | InvoiceSubtype::ServiceWithoutPo
                | InvoiceSubtype::SmallAmount
        )
    })));
    f
}

/// Index of the largest probability.
fn argmax(p: &[f32]) -> Option<usize> {
    p.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i)
}

/// Weight of the rule decision's confidence against the model's probabilities in [`combine`].
pub const RULE_VOTE: f32 = 1.0;

/// Combines a trained classifier with the rule decision: the class with the highest model
/// probability plus the rules' vote wins, the model's probability is the confidence; the rule evidence is kept (it says *why*) and
/// the model's verdict is added to it. A model error leaves the rule decision as it is.
pub fn combine<T: Copy + PartialEq>(
    model: &dyn Model,
    features: &[f32],
    rule: Classified<T>,
    parse: impl Fn(&str) -> Option<T>,
    name: impl Fn(T) -> &'static str,
) -> Classified<T> {
    let probs = match model.predict(features, 1) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, model = %model.spec().label(), "classifier failed; rule decision kept");
            return rule;
        }
    };
    let classes: Vec<Option<T>> = model.spec().classes.iter().map(|c| parse(c)).collect();
    // The rules vote with their confidence beside the model's probabilities: an unsure model
    // (a layout unlike its training data) does not overrule a clear printed title, a sure
    // one does.
    let blended: Vec<f32> = classes
        .iter()
        .zip(&probs)
        .map(|(c, &q)| {
            q + if *c == Some(rule.value) {
                RULE_VOTE * rule.confidence
            } else {
                0.0
            }
        })
        .collect();
    let Some(best) = argmax(&blended) else {
        return rule;
    };
    let Some(value) = classes.get(best).copied().flatten() else {
        return rule;
    };
    let model_best = argmax(&probs) == Some(best);
    let p = if model_best {
        probs[best]
    } else {
        (probs[best] + rule.confidence) / 2.0
    };
    let mut alternatives: Vec<(T, f32)> = classes
        .iter()
        .zip(&probs)
        .filter_map(|(c, &q)| c.map(|c| (c, q)))
        .filter(|(c, q)| *c != value && *q >= 0.01)
        .collect();
    alternatives.sort_by(|a, b| b.1.total_cmp(&a.1));
    alternatives.truncate(3);
    let model_pick =
        argmax(&probs).and_then(|i| classes.get(i).copied().flatten().map(|c| (c, probs[i])));
    let mut evidence = vec![if !model_best {
        let (c, q) = model_pick.unwrap_or((value, p));
        format!(
            "model {} says {} (p = {q:.2}), not sure enough to overrule the rules: {} ({:.2})",
            model.spec().label(),
            name(c),
            name(rule.value),
            rule.confidence
        )
    } else if value == rule.value {
        format!(
            "model {} agrees with the rules: {} (p = {p:.2})",
            model.spec().label(),
            name(value)
        )
    } else {
        format!(
            "model {} says {} (p = {p:.2}); the rules said {} ({:.2})",
            model.spec().label(),
            name(value),
            name(rule.value),
            rule.confidence
        )
    }];
    evidence.extend(rule.evidence);
    Classified {
        value,
        confidence: p.clamp(0.01, 0.99),
        evidence,
        alternatives,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sapllm_ml::model::{ConstantModel, ModelSpec};

    fn spec(classes: &[&str]) -> ModelSpec {
        ModelSpec {
            name: "doctype".into(),
            version: "t".into(),
            features: 3,
            classes: classes.iter().map(|s| s.to_string()).collect(),
            sha256: String::new(),
            feature_version: DOC_FEATURE_VERSION,
        }
    }

    fn rule(v: DocType) -> Classified<DocType> {
        Classified {
            value: v,
            confidence: 0.6,
            evidence: vec!["title".into()],
            alternatives: vec![],
        }
    }

    #[test]
    fn tokens_fold_case_and_collapse_digits() {
        assert_eq!(token("Rechnung-Nr.").as_deref(), Some("rechnungnr"));
        assert_eq!(token("2024-03").as_deref(), Some("0"));
        assert_eq!(token("A4").as_deref(), Some("a0"));
        assert_eq!(token("..."), None);
    }

    #[test]
    fn the_model_overrides_the_rules_and_says_so() {
        let m = ConstantModel {
            spec: spec(&["invoice", "credit_note", "other"]),
            probabilities: vec![0.1, 0.85, 0.05],
        };
        let c = combine(
            &m,
            &[0.0; 3],
            rule(DocType::Invoice),
            |s| s.parse().ok(),
            |t: DocType| t.as_str(),
        );
        assert_eq!(c.value, DocType::CreditNote);
        assert!((c.confidence - 0.85).abs() < 1e-6);
        assert!(
            c.evidence[0].contains("the rules said invoice"),
            "{:?}",
            c.evidence
        );
        assert_eq!(c.alternatives[0].0, DocType::Invoice);
    }

    #[test]
    fn an_unsure_model_does_not_overrule_the_rules() {
        let m = ConstantModel {
            spec: spec(&["invoice", "purchase_order", "other"]),
            probabilities: vec![0.3, 0.42, 0.28],
        };
        let mut r = rule(DocType::Invoice);
        r.confidence = 0.36;
        let c = combine(
            &m,
            &[0.0; 3],
            r,
            |s| s.parse().ok(),
            |t: DocType| t.as_str(),
        );
        assert_eq!(c.value, DocType::Invoice);
        assert!(
            c.evidence[0].contains("says purchase_order"),
            "{:?}",
            c.evidence
        );
    }

    #[test]
    fn a_failing_model_keeps_the_rule_decision() {
        let m = ConstantModel {
            spec: spec(&["invoice"]),
            probabilities: vec![1.0],
        };
        // Wrong width: the model refuses, the rule stands.
        let c = combine(
            &m,
            &[0.0; 2],
            rule(DocType::Receipt),
            |s| s.parse().ok(),
            |t: DocType| t.as_str(),
        );
        assert_eq!(c.value, DocType::Receipt);
        assert!((c.confidence - 0.6).abs() < 1e-6);
    }
}
