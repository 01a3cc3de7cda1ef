//! Features of candidate groups for the trained ranker, and the ranked extractor.
//!
//! The rule extractor proposes candidates; candidates of a field with the same value form a
//! group. The ranker (a gradient-boosted tree model trained by `models/train.py` on the
//! generated corpus, run through ONNX Runtime) scores every group with the probability that
//! its value is right, from features that describe *how* the value was found (label or
//! pattern, place, agreement, rank among rivals), *where* (page, position, font size, OCR
//! confidence) and *what* it looks like (length, digits, size of an amount, order of a date).
//! None of them is a word of a particular layout, so the model generalises to unseen ones.
//! Its probability becomes the field's confidence, which is what routing needs: a calibrated
//! number rather than a rule score.
//!
//! The same [`group_features`] writes the training tables (`sapllm train-data`), so training
//! and serving cannot drift; [`FEATURE_VERSION`] is recorded in the model's spec and checked
//! on load.

use std::collections::BTreeMap;
use std::sync::Arc;

use sapllm_core::{DocType, FieldKey, FieldValue, SourceKind};
use sapllm_ml::Model;

use super::candidates::{Cand, Ctx};
use super::{Extraction, ExtractionInput, FieldExtractor, RuleExtractor};

/// Weight of the ranker's probability against the rule confidence in the final score.
pub const RANKER_WEIGHT: f32 = 0.5;

/// Bump when a feature changes meaning; models trained on another version refuse to load.
pub const FEATURE_VERSION: u32 = 1;

/// Which generator proposed a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    LabelValue,
    Title,
    Pattern,
    Party,
    Terms,
    Totals,
    Fallback,
}

const ORIGINS: [Origin; 7] = [
    Origin::LabelValue,
    Origin::Title,
    Origin::Pattern,
    Origin::Party,
    Origin::Terms,
    Origin::Totals,
    Origin::Fallback,
];

/// Candidates of one field that propose the same value.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub field: FieldKey,
    /// Strongest first.
    pub cands: Vec<(Origin, Cand)>,
    /// The rule extractor's combined confidence.
    pub rule_conf: f32,
}

/// Number of features per group.
pub const GROUP_FEATURES: usize = 66;

/// One group as a training row.
#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub field: FieldKey,
    pub value: FieldValue,
    pub rule_confidence: f32,
    pub features: Vec<f32>,
}

/// Every candidate group of a document with its features (for `sapllm train-data`).
pub fn candidate_rows(input: &ExtractionInput<'_>) -> Vec<CandidateRow> {
    let rules = RuleExtractor::default();
    let ctx = Ctx::new(input.pages, input.doc_type);
    let collected = rules.collect(&ctx);
    let groups = super::group_candidates(collected.cands);
    let feats = group_features(&ctx, &groups);
    groups
        .values()
        .flat_map(|gs| gs.iter())
        .zip(feats.chunks(GROUP_FEATURES))
        .map(|(g, f)| CandidateRow {
            field: g.field,
            value: g.cands[0].1.value.clone(),
            rule_confidence: g.rule_conf,
            features: f.to_vec(),
        })
        .collect()
}

fn ratio(n: usize, d: usize) -> f32 {
    if d == 0 { 0.0 } else { n as f32 / d as f32 }
}

fn value_text(v: &FieldValue) -> String {
    v.to_plain()
}

/// Features of every group, in the order of `groups` (fields in key order, groups as given),
/// row-major.
pub(crate) fn group_features(ctx: &Ctx<'_>, groups: &BTreeMap<FieldKey, Vec<Group>>) -> Vec<f32> {
    // Document-wide context: amounts and dates proposed for any field.
    let mut amounts: Vec<f64> = Vec::new();
    let mut dates: Vec<chrono::NaiveDate> = Vec::new();
    for gs in groups.values() {
        for g in gs {
            match &g.cands[0].1.value {
                FieldValue::Amount(a) => {
                    amounts.push(a.abs().try_into().unwrap_or(0.0));
                }
                FieldValue::Date(d) => dates.push(*d),
                _ => {}
            }
        }
    }
    let max_amount = amounts.iter().copied().fold(0.0_f64, f64::max);
    let issue_date = groups.get(&FieldKey::IssueDate).and_then(|gs| {
        gs.iter()
            .max_by(|a, b| a.rule_conf.total_cmp(&b.rule_conf))
            .and_then(|g| g.cands[0].1.value.as_date())
    });
    let pages = ctx.views.len();

    let mut out = Vec::new();
    for (field, gs) in groups {
        let mut confs: Vec<f32> = gs.iter().map(|g| g.rule_conf).collect();
        confs.sort_by(|a, b| b.total_cmp(a));
        for g in gs {
            let start = out.len();
            out.resize(start + GROUP_FEATURES, 0.0);
            let f = &mut out[start..];
            let (origin, best) = &g.cands[0];
            // 0..20 field
            if let Some(i) = FieldKey::ALL.iter().position(|k| k == field) {
                f[i.min(19)] = 1.0;
            }
            // 20..27 origin of the strongest candidate, 27 derived
            if let Some(i) = ORIGINS.iter().position(|o| o == origin) {
                f[20 + i] = 1.0;
            }
            f[27] = f32::from(u8::from(best.derived));
            f[28] = best.score;
            f[29] = g.rule_conf;
            f[30] = (1.0 + g.cands.len() as f32).ln();
            let mut distinct: Vec<Origin> = g.cands.iter().map(|(o, _)| *o).collect();
            distinct.sort_by_key(|o| *o as u8);
            distinct.dedup();
            f[31] = distinct.len() as f32 / ORIGINS.len() as f32;
            let rank = confs.iter().filter(|&&c| c > g.rule_conf).count();
            f[32] = rank.min(4) as f32 / 4.0;
            f[33] = gs.len().min(8) as f32 / 8.0;
            let best_other = if confs.first() == Some(&g.rule_conf) {
                confs.get(1).copied().unwrap_or(0.0)
            } else {
                confs[0]
            };
            f[34] = g.rule_conf - best_other;
            // 35..43 where
            let view = ctx.views.get(best.page);
            f[35] = best.page.min(3) as f32 / 3.0;
            f[36] = f32::from(u8::from(pages > 0 && best.page + 1 == pages));
            f[37] = 0.5;
            f[38] = 0.5;
            f[41] = 1.0;
            if let Some(v) = view {
                let boxes: Vec<_> = best.words.iter().map(|&w| v.word_box(w)).collect();
                if let Some(b) = sapllm_core::BBox::union_all(boxes.iter()) {
                    let (w, h) = (v.page.width.max(1.0), v.page.height.max(1.0));
                    f[37] = ((b.y0 + b.y1) / 2.0 / h).clamp(0.0, 1.0);
                    f[38] = ((b.x0 + b.x1) / 2.0 / w).clamp(0.0, 1.0);
                    let word_h = boxes.iter().map(|b| b.y1 - b.y0).fold(0.0_f32, f32::max);
                    f[39] = (word_h / v.unit.max(0.1)).clamp(0.0, 4.0);
                    f[40] = 1.0;
                }
                f[41] = best
                    .words
                    .iter()
                    .filter_map(|&w| v.page.words.get(w as usize))
                    .map(|w| w.confidence)
                    .fold(1.0_f32, f32::min);
                f[42] = f32::from(u8::from(v.page.text_source == SourceKind::Ocr));
            }
            // 43..48 what the value looks like
            let text = value_text(&best.value);
            let chars = text.chars().count();
            let digits = text.chars().filter(char::is_ascii_digit).count();
            let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
            f[43] = (chars as f32 / 40.0).min(1.5);
            f[44] = ratio(digits, chars);
            f[45] = ratio(letters.len(), chars);
            f[46] = ratio(
                letters.iter().filter(|c| c.is_uppercase()).count(),
                letters.len(),
            );
            f[47] = (text.split_whitespace().count() as f32 / 10.0).min(1.5);
            // 48..51 amounts
            if let FieldValue::Amount(a) = &best.value {
                let x: f64 = a.abs().try_into().unwrap_or(0.0);
                f[48] = ((1.0 + x).log10() / 7.0) as f32;
                let larger = amounts.iter().filter(|&&y| y > x + 0.005).count();
                f[49] = ratio(larger, amounts.len());
                f[50] = f32::from(u8::from(max_amount > 0.0 && (x - max_amount).abs() < 0.005));
            }
            // 51..54 dates
            if let FieldValue::Date(d) = &best.value {
                f[51] = f32::from(u8::from(dates.iter().all(|x| x >= d)));
                f[52] = f32::from(u8::from(dates.iter().all(|x| x <= d)));
                if let Some(issue) = issue_date {
                    f[53] = ((*d - issue).num_days() as f32 / 60.0).clamp(-1.0, 1.0);
                }
            }
            // 54..64 document type, 64 pages, 65 OCR document
            if let Some(i) = DocType::ALL.iter().position(|t| *t == ctx.doc_type) {
                f[54 + i.min(9)] = 1.0;
            }
            f[64] = pages.min(5) as f32 / 5.0;
            f[65] = f32::from(u8::from(
                ctx.views
                    .iter()
                    .any(|v| v.page.text_source == SourceKind::Ocr),
            ));
        }
    }
    out
}

/// The rule extractor's candidates re-scored by a trained ranker: the ranker's probability
/// picks the winner and becomes the confidence. If the model fails on a document (it should
/// not), the rule scores stand and a warning is logged.
#[derive(Debug, Clone)]
pub struct RankedExtractor {
    rules: RuleExtractor,
    ranker: Arc<dyn Model>,
    version: &'static str,
}

impl RankedExtractor {
    pub fn new(ranker: Arc<dyn Model>) -> Self {
        // The version names the model: results record which ranker chose their values.
        let version: &'static str = Box::leak(ranker.spec().label().into_boxed_str());
        Self {
            rules: RuleExtractor::default(),
            ranker,
            version,
        }
    }
}

impl RankedExtractor {
    /// The ranker's probability of the "right" class for each row, or `None` on failure.
    fn probabilities(&self, feats: &[f32], rows: usize) -> Option<Vec<f32>> {
        match self.ranker.predict(feats, rows) {
            Ok(p) => {
                let spec = self.ranker.spec();
                let classes = spec.classes.len().max(1);
                let col = spec
                    .classes
                    .iter()
                    .position(|c| c == "1" || c == "correct")
                    .unwrap_or(classes - 1);
                Some(p.chunks(classes).map(|r| r[col]).collect())
            }
            Err(e) => {
                tracing::warn!(error = %e, "ranker failed on a document; rule scores used");
                None
            }
        }
    }
}

impl FieldExtractor for RankedExtractor {
    fn name(&self) -> &'static str {
        "rules.layout+ranker"
    }

    fn score_rows(&self, rows: &[CandidateRow]) -> Vec<f32> {
        let feats: Vec<f32> = rows
            .iter()
            .flat_map(|r| r.features.iter().copied())
            .collect();
        self.probabilities(&feats, rows.len())
            .unwrap_or_else(|| rows.iter().map(|r| r.rule_confidence).collect())
    }

    fn version(&self) -> &'static str {
        self.version
    }

    fn extract(&self, input: &ExtractionInput<'_>) -> Extraction {
        let ctx = Ctx::new(input.pages, input.doc_type);
        let collected = self.rules.collect(&ctx);
        let groups = super::group_candidates(collected.cands);
        let feats = group_features(&ctx, &groups);
        let rows = feats.len() / GROUP_FEATURES;
        // The ranker was trained on generated documents; on real layouts it is right more
        // often *with* the rule score than without it (measured on the e-invoice dev set's
        // printed pages: alone it lost recall on names and numbers). The blend keeps its
        // calibration where both agree and lets a strong rule reading stand.
        let scores = self.probabilities(&feats, rows).map(|p| {
            p.iter()
                .zip(groups.values().flatten())
                .map(|(p, g)| RANKER_WEIGHT * p + (1.0 - RANKER_WEIGHT) * g.rule_conf)
                .collect::<Vec<f32>>()
        });
        let mut label = self.ranker.spec().label();
        let scores = match (scores, input.learned) {
            (Some(mut s), Some(l)) => {
                adjust(&mut s, l, &feats, rows);
                label = format!("{label} + {}", l.label());
                Some(s)
            }
            (s, _) => s,
        };
        let how = scores.as_ref().map(|s| (s.as_slice(), label));
        Extraction {
            fields: self
                .rules
                .finalize(&ctx, groups, how.as_ref().map(|(s, l)| (*s, l.as_str()))),
            line_items: collected.line_items,
            vat_breakdown: collected.vat_breakdown,
            language: ctx.lang.map(str::to_owned),
        }
    }
}

/// Log-odds of a probability (clamped away from 0 and 1).
pub fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

/// The inverse of [`logit`].
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Applies the learned re-ranker's log-odds adjustments to group scores.
pub(crate) fn adjust(
    scores: &mut [f32],
    learned: &dyn crate::learned::LearnedState,
    feats: &[f32],
    rows: usize,
) {
    let deltas = learned.rerank(feats, rows);
    for (s, d) in scores.iter_mut().zip(deltas) {
        if d != 0.0 {
            *s = sigmoid(logit(*s) + d);
        }
    }
}

/// Rule scores of every group, adjusted by the learned re-ranker (rule extractor path).
pub(crate) fn rule_scores_learned(
    ctx: &Ctx<'_>,
    groups: &BTreeMap<FieldKey, Vec<Group>>,
    learned: &dyn crate::learned::LearnedState,
) -> Vec<f32> {
    let feats = group_features(ctx, groups);
    let rows = feats.len() / GROUP_FEATURES;
    let mut scores: Vec<f32> = groups.values().flatten().map(|g| g.rule_conf).collect();
    adjust(&mut scores, learned, &feats, rows);
    scores
}
