//! Extraction stage: header fields, line items and VAT breakdown from the words of the pages.
//!
//! The stage is a trait, [`FieldExtractor`], so that trained models can later sit next to the
//! template-free rule extractor [`RuleExtractor`] and be combined with it. The rule extractor
//! works on any layout: it finds labels from a lexicon (EN, DE, FR, and ES/IT/NL where cheap),
//! reads typed values right of or below them, adds label-free pattern candidates (IBAN with
//! checksum, VAT IDs, currency symbols), tells seller from buyer by sections and page geometry,
//! reads totals with the arithmetic relation as a ranking hint, and reads line-item tables from
//! their column headers. Every candidate carries its provenance and an explanation a clerk can
//! follow; runners-up are kept as alternatives for the quality check.
//!
//! Modules: [`parse`] (amounts, dates, codes), `lexicon` (labels per language), `view` (phrases
//! and tokens of a page), `candidates` (label-value and pattern candidates), `parties`
//! (seller/buyer), `totals` (totals and VAT breakdown), `terms` (payment terms), `table`
//! (line items), [`score`] (ground-truth comparison for the dev harness and tests).

use std::collections::BTreeMap;

use sapllm_core::{
    BBox, Candidate, DocType, ExtractedField, FieldKey, FieldValue, LineItem, Page, Producer,
    Provenance, VatBreakdown,
};

mod candidates;
pub(crate) mod lexicon;
pub mod parse;
mod parties;
pub use parties::plausible_name;
pub mod ranking;
pub mod score;
mod table;
mod terms;
mod totals;
pub(crate) mod view;

#[cfg(test)]
mod tests;

use candidates::{Cand, Ctx};
pub use ranking::{CandidateRow, FEATURE_VERSION, GROUP_FEATURES, RankedExtractor, candidate_rows};
use ranking::{Group, Origin};

/// What an extractor reads: the pages (words and lines) and the document type decided by
/// classification (orders name their number differently from invoices).
#[derive(Debug, Clone, Copy)]
pub struct ExtractionInput<'a> {
    pub pages: &'a [Page],
    pub doc_type: DocType,
    /// What was learned from corrections: its re-ranker adjusts the candidate scores.
    pub learned: Option<&'a dyn crate::learned::LearnedState>,
}

/// What an extractor found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    /// Winner and runners-up (alternatives) for every field found.
    pub fields: BTreeMap<FieldKey, ExtractedField>,
    pub line_items: Vec<LineItem>,
    pub vat_breakdown: Vec<VatBreakdown>,
    /// `"de"`, `"en"`, `"fr"`, ... detected from label and stop words; `None` when unclear.
    pub language: Option<String>,
}

/// A field extractor: rules today, trained models later; results are combined per field.
pub trait FieldExtractor: Send + Sync {
    /// Stable producer name recorded in provenance (`rules.layout`).
    fn name(&self) -> &'static str;
    /// Version recorded in provenance; bump when results change.
    fn version(&self) -> &'static str;
    fn extract(&self, input: &ExtractionInput<'_>) -> Extraction;

    /// This extractor's score for candidate-group rows ([`candidate_rows`]): the rule
    /// confidence unless a trained model ranks them.
    fn score_rows(&self, rows: &[CandidateRow]) -> Vec<f32> {
        rows.iter().map(|r| r.rule_confidence).collect()
    }
}

/// The template-free rule-and-scoring extractor.
#[derive(Debug, Clone)]
pub struct RuleExtractor {
    producer: Producer,
}

impl Default for RuleExtractor {
    fn default() -> Self {
        Self {
            producer: Producer::new("rules.layout", "1"),
        }
    }
}

impl FieldExtractor for RuleExtractor {
    fn name(&self) -> &'static str {
        "rules.layout"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn extract(&self, input: &ExtractionInput<'_>) -> Extraction {
        let ctx = Ctx::new(input.pages, input.doc_type);
        let collected = self.collect(&ctx);
        let groups = group_candidates(collected.cands);
        let learned = input
            .learned
            .map(|l| (ranking::rule_scores_learned(&ctx, &groups, l), l.label()));
        Extraction {
            fields: self.finalize(
                &ctx,
                groups,
                learned.as_ref().map(|(s, l)| (s.as_slice(), l.as_str())),
            ),
            line_items: collected.line_items,
            vat_breakdown: collected.vat_breakdown,
            language: ctx.lang.map(str::to_owned),
        }
    }
}

/// Everything the rule generators proposed for one document.
pub(crate) struct Collected {
    pub cands: Vec<(Origin, Cand)>,
    pub line_items: Vec<LineItem>,
    pub vat_breakdown: Vec<VatBreakdown>,
}

/// Groups candidates per field and value (strongest first in each group) with the rule
/// extractor's combined confidence: agreeing candidates reinforce each other (each further
/// one closes 30 % of the remaining gap).
pub(crate) fn group_candidates(cands: Vec<(Origin, Cand)>) -> BTreeMap<FieldKey, Vec<Group>> {
    type ByValue = Vec<(String, Vec<(Origin, Cand)>)>;
    let mut by_field: BTreeMap<FieldKey, ByValue> = BTreeMap::new();
    for (o, c) in cands {
        if !c.score.is_finite() || c.score <= 0.0 {
            continue;
        }
        let key = group_key(c.field, &c.value);
        let groups = by_field.entry(c.field).or_default();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.push((o, c)),
            None => groups.push((key, vec![(o, c)])),
        }
    }
    let mut out: BTreeMap<FieldKey, Vec<Group>> = by_field
        .into_iter()
        .map(|(field, groups)| {
            let groups = groups
                .into_iter()
                .map(|(_, mut g)| {
                    g.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
                    let mut conf = g[0].1.score;
                    for (_, other) in &g[1..] {
                        conf += (1.0 - conf) * 0.3 * other.score;
                    }
                    Group {
                        field,
                        cands: g,
                        rule_conf: conf,
                    }
                })
                .collect();
            (field, groups)
        })
        .collect();
    if let Some(groups) = out.get_mut(&FieldKey::InvoiceNumber) {
        demote_cut_identifiers(groups);
    }
    out
}

/// Share of its confidence a document number keeps when the same document prints a longer
/// identifier that starts with it (`00.123.456.7` next to `00.123.456.7-2018-1`).
const CUT_IDENTIFIER_KEEPS: f32 = 0.5;

/// A document number that is the beginning of a longer one proposed for the same field, the
/// longer continuing with a separator (`-`, `/`, `.`, `_`) and more characters, is the stem
/// the longer one was built from (a contract, an order, a customer account): the document's
/// own number is the more specific one. Applies to the document number only: for an order
/// number the longer form is often a line reference (`4500012345/10`) and the stem is right.
fn demote_cut_identifiers(groups: &mut [Group]) {
    let texts: Vec<Option<String>> = groups
        .iter()
        .map(|g| g.cands[0].1.value.as_text().map(str::to_owned))
        .collect();
    for (i, g) in groups.iter_mut().enumerate() {
        let Some(stem) = texts[i]
            .as_deref()
            .filter(|s| s.chars().any(|c| c.is_ascii_digit()))
        else {
            continue;
        };
        let longer = texts.iter().enumerate().find_map(|(j, t)| {
            let t = t.as_deref()?;
            let rest = t.strip_prefix(stem)?;
            let mut chars = rest.chars();
            let sep = chars.next()?;
            (j != i
                && matches!(sep, '-' | '/' | '.' | '_')
                && chars.clone().next().is_some()
                && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | '.' | '_')))
            .then_some(t)
        });
        if let Some(longer) = longer {
            g.rule_conf *= CUT_IDENTIFIER_KEEPS;
            let best = &mut g.cands[0].1;
            best.explanation.push_str(&format!(
                "; the longer number {longer} on the document starts with it"
            ));
        }
    }
}

/// The least confident OCR word a candidate was read from (1 on text-layer pages): a field
/// is never surer than the reading it rests on, so an unsure OCR read goes to review.
fn ocr_read_confidence(ctx: &Ctx<'_>, c: &Cand) -> f32 {
    ctx.views
        .get(c.page)
        .filter(|v| v.page.text_source == sapllm_core::SourceKind::Ocr)
        .map_or(1.0, |v| {
            c.words
                .iter()
                .filter_map(|&w| v.page.words.get(w as usize))
                .map(|w| w.confidence)
                .fold(1.0, f32::min)
        })
}

/// Weak last-resort candidates: the seller's country from the IBAN, the currency from the
/// language when no currency is printed at all.
fn fallbacks(ctx: &Ctx<'_>, cands: &mut Vec<Cand>) {
    let has = |f: FieldKey, c: &[Cand]| c.iter().any(|x| x.field == f);
    if !has(FieldKey::SellerCountry, cands) {
        if let Some(iban) = cands
            .iter()
            .filter(|c| c.field == FieldKey::Iban)
            .max_by(|a, b| a.score.total_cmp(&b.score))
            .cloned()
        {
            if let Some(cc) = iban.value.as_text().and_then(|s| s.get(0..2)) {
                cands.push(Cand {
                    field: FieldKey::SellerCountry,
                    value: FieldValue::Code(cc.to_owned()),
                    score: 0.35,
                    page: iban.page,
                    words: iban.words.clone(),
                    raw: iban.raw.clone(),
                    explanation: format!(
                        "country of the payee IBAN ({cc}); no seller VAT ID found"
                    ),
                    derived: false,
                });
            }
        }
    }
    if !has(FieldKey::Currency, cands)
        && matches!(ctx.lang, Some("de" | "fr" | "es" | "it" | "nl"))
        && has(FieldKey::GrossTotal, cands)
    {
        cands.push(Cand {
            field: FieldKey::Currency,
            value: FieldValue::Code("EUR".into()),
            score: 0.25,
            page: 0,
            words: Vec::new(),
            raw: String::new(),
            explanation: format!(
                "no currency printed; EUR assumed for a document in language '{}'",
                ctx.lang.unwrap_or("")
            ),
            derived: true,
        });
    }
}

impl RuleExtractor {
    /// Runs every candidate generator, remembering which one proposed what.
    pub(crate) fn collect(&self, ctx: &Ctx<'_>) -> Collected {
        let mut cands: Vec<Cand> = Vec::new();
        let mut origins: Vec<Origin> = Vec::new();
        let tag = |cands: &Vec<Cand>, origins: &mut Vec<Origin>, o: Origin| {
            origins.resize(cands.len(), o);
        };
        candidates::label_value_candidates(ctx, &mut cands);
        tag(&cands, &mut origins, Origin::LabelValue);
        candidates::title_candidates(ctx, &mut cands);
        tag(&cands, &mut origins, Origin::Title);
        candidates::pattern_candidates(ctx, &mut cands);
        tag(&cands, &mut origins, Origin::Pattern);
        let mut secs = parties::sections(ctx);
        let blocks = parties::address_blocks(ctx, &secs);
        secs.extend(blocks);
        parties::party_candidates(ctx, &secs, &mut cands);
        tag(&cands, &mut origins, Origin::Party);
        terms::terms_candidates(ctx, &mut cands);
        tag(&cands, &mut origins, Origin::Terms);
        let vat_breakdown = totals::vat_breakdown(ctx, &self.producer);
        totals::totals_candidates(ctx, &vat_breakdown, &mut cands);
        tag(&cands, &mut origins, Origin::Totals);
        let line_items = table::line_items(ctx, &self.producer);
        fallbacks(ctx, &mut cands);
        tag(&cands, &mut origins, Origin::Fallback);
        Collected {
            cands: origins.into_iter().zip(cands).collect(),
            line_items,
            vat_breakdown,
        }
    }

    /// Turns groups into fields: the winner and runners-up of every field, by the rule
    /// confidence or, when given, by a ranker's probabilities (one per group, in the order of
    /// `groups`; `ranker` names the model for the explanation).
    pub(crate) fn finalize(
        &self,
        ctx: &Ctx<'_>,
        groups: BTreeMap<FieldKey, Vec<Group>>,
        ranked: Option<(&[f32], &str)>,
    ) -> BTreeMap<FieldKey, ExtractedField> {
        let mut out = BTreeMap::new();
        let mut row = 0usize;
        for (field, gs) in groups {
            let mut list = Vec::new();
            for g in gs {
                let n = g.cands.len();
                let score = ranked.and_then(|(s, _)| s.get(row).copied());
                row += 1;
                let mut cands: Vec<Cand> = g.cands.into_iter().map(|(_, c)| c).collect();
                // The same name in capitals and in mixed case (`WEISSENFELS` / `Weißenfels`):
                // show the mixed-case spelling, which keeps what capitals lose.
                let spelling = cands
                    .iter()
                    .filter_map(|c| c.value.as_text())
                    .filter(|t| t.chars().any(char::is_lowercase))
                    .map(str::to_owned)
                    .next();
                let mut best = cands.swap_remove(0);
                if let (Some(t), FieldValue::Text(cur)) = (spelling, &best.value) {
                    if !cur.chars().any(char::is_lowercase) {
                        best.value = FieldValue::Text(t);
                    }
                }
                let read = ocr_read_confidence(ctx, &best);
                let mut cand = self.to_candidate(ctx, best);
                cand.confidence = score.unwrap_or(g.rule_conf).clamp(0.01, 0.99).min(read);
                if n > 1 {
                    cand.provenance
                        .explanation
                        .push_str(&format!(" (same value found {n} times)"));
                }
                if let (Some(p), Some((_, model))) = (score, ranked) {
                    cand.provenance.explanation.push_str(&format!(
                        "; ranked by {model}: p = {p:.2} (rule score {:.2})",
                        g.rule_conf
                    ));
                }
                list.push(cand);
            }
            if let Some(f) = ExtractedField::from_candidates(list) {
                out.insert(field, f);
            }
        }
        out
    }

    fn to_candidate(&self, ctx: &Ctx<'_>, c: Cand) -> Candidate {
        let v = ctx.views.get(c.page);
        let page_source = v.map_or(sapllm_core::SourceKind::TextLayer, |v| v.page.text_source);
        let bbox = v.and_then(|v| {
            BBox::union_all(
                c.words
                    .iter()
                    .map(|&w| v.word_box(w))
                    .collect::<Vec<_>>()
                    .iter(),
            )
        });
        Candidate {
            confidence: c.score,
            provenance: Provenance {
                source: totals::source_of(&c, page_source),
                page: v.map(|v| v.page.index),
                bbox,
                words: c.words,
                raw: c.raw,
                producer: self.producer.clone(),
                explanation: c.explanation,
            },
            value: c.value,
        }
    }
}

/// The key under which candidates of a field count as the same value: names compare like the
/// ground truth does (letters and digits, case-folded, `ß` = `ss`), everything else exactly.
fn group_key(field: FieldKey, value: &FieldValue) -> String {
    match (field, value) {
        (FieldKey::SellerName | FieldKey::BuyerName, FieldValue::Text(t)) => t
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
            .replace('ß', "ss"),
        _ => format!("{value:?}"),
    }
}

/// Debug helper for the dev harness: the phrases of every line of a page.
#[doc(hidden)]
pub fn debug_segments(page: &Page) -> String {
    let v = view::PageView::build(page);
    let mut s = format!("page {} unit {:.1}\n", page.index, v.unit);
    for l in &v.lines {
        s.push_str(&format!("{:6.1} ", l.bbox.y0));
        for seg in &l.segs {
            s.push_str(&format!(
                "[{:.0}-{:.0} {}] ",
                seg.bbox.x0,
                seg.bbox.x1,
                v.seg_text(l, seg)
            ));
        }
        s.push('\n');
    }
    s
}

/// Debug helper for the dev harness: party sections and inferred address blocks.
#[doc(hidden)]
pub fn debug_sections(pages: &[Page], doc_type: DocType) -> String {
    let ctx = Ctx::new(pages, doc_type);
    let mut secs = parties::sections(&ctx);
    let blocks = parties::address_blocks(&ctx, &secs);
    secs.extend(blocks);
    secs.iter().map(|s| format!("{s:?}\n")).collect()
}
