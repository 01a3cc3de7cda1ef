//! Totals (net, VAT, gross, amount due) and the VAT breakdown.
//!
//! Totals are read right of (or below) their labels; the rightmost amount of a totals line is
//! the value. The arithmetic relation net + VAT = gross is used only to rank: a consistent
//! triple lifts its members, inconsistent candidates stay as alternatives so that the quality
//! check can re-pick. Amounts derived by arithmetic carry source `derived`.

use rust_decimal::Decimal;
use sapllm_core::{BBox, FieldKey, FieldValue, Provenance, SourceKind, VatBreakdown};

use super::candidates::{AmountHit, Cand, Ctx, Hit, Item, has_cents, parse_amounts};
use super::lexicon::Target;
use super::parse;

/// The amount fields.
const AMOUNT_FIELDS: [FieldKey; 4] = [
    FieldKey::NetTotal,
    FieldKey::TaxTotal,
    FieldKey::GrossTotal,
    FieldKey::AmountDue,
];

fn is_amount_label(t: Target) -> bool {
    matches!(t, Target::Field(f) if AMOUNT_FIELDS.contains(&f)) || t == Target::Prepaid
}

/// Words right of a label on its line, up to the next amount label.
fn right_items(ctx: &Ctx<'_>, hit: &Hit) -> Vec<Item> {
    let v = &ctx.views[hit.page];
    let line = &v.lines[hit.line];
    let next_label = ctx
        .hits_on(hit.page, hit.line)
        .iter()
        .filter(|h| {
            h.page == hit.page
                && h.line == hit.line
                && h.first > hit.last
                && is_amount_label(ctx.label(h).target)
        })
        .map(|h| h.first)
        .min()
        .unwrap_or(line.words.len());
    let mut items = Vec::new();
    if !hit.rest.is_empty() {
        items.push(Item {
            idx: line.words[hit.last],
            text: hit.rest.clone(),
        });
    }
    for p in hit.last + 1..next_label {
        items.push(Item {
            idx: line.words[p],
            text: v.word_text(line.words[p]).to_owned(),
        });
    }
    items
}

/// An amount read for an amount label (or a prepaid label).
struct Read {
    hit: usize,
    field: Option<FieldKey>,
    amount: AmountHit,
    score: f32,
    place: &'static str,
}

/// Candidates for net, VAT, gross and amount due; `vat` is the VAT breakdown found.
pub(crate) fn totals_candidates(ctx: &Ctx<'_>, vat: &[VatBreakdown], out: &mut Vec<Cand>) {
    let mut reads: Vec<Read> = Vec::new();
    let last_page = ctx.views.len().saturating_sub(1);
    for (hi, hit) in ctx.hits.iter().enumerate() {
        let label = ctx.label(hit);
        let field = match label.target {
            Target::Field(f) if AMOUNT_FIELDS.contains(&f) => Some(f),
            Target::Prepaid => None,
            _ => continue,
        };
        let v = &ctx.views[hit.page];
        let line = &v.lines[hit.line];
        // Totals labels open their phrase; inside a sentence they are usually prose.
        let lead = if hit.starts_seg { 1.0 } else { 0.6 };
        // Totals sit low on the last page more often than anywhere else.
        let position = if hit.page == last_page || line.bbox.y0 > v.page.height * 0.5 {
            1.0
        } else {
            0.9
        };
        let items = right_items(ctx, hit);
        let amounts = parse_amounts(&items, ctx.style);
        let has_rate = items.iter().any(|i| i.text.ends_with('%') || i.text == "%");
        if !amounts.is_empty() {
            let n = amounts.len();
            for (k, a) in amounts.into_iter().enumerate() {
                let rightmost = if k + 1 == n { 1.0 } else { 0.6 };
                // A rate on the line: a per-rate row (`USt. 19 % auf 2.549,59  484,42`), not the
                // total of a net or gross line; for VAT it is a total only when it is the one
                // amount of the line.
                let rate_penalty = match (has_rate, field) {
                    (false, _) => 1.0,
                    (true, Some(FieldKey::TaxTotal)) if n == 1 => 1.0,
                    (true, Some(FieldKey::TaxTotal)) => 0.85,
                    (true, _) => 0.85,
                };
                let score =
                    label.strength * lead * position * rightmost * rate_penalty * a.validity;
                reads.push(Read {
                    hit: hi,
                    field,
                    amount: a,
                    score,
                    place: "right of",
                });
            }
            continue;
        }
        // Column layout: the label heads a column, the amount is underneath.
        for src in ctx
            .sources(hit, true)
            .into_iter()
            .filter(|s| s.place == super::candidates::Place::Below)
        {
            let amounts = parse_amounts(&src.items, ctx.style);
            // Pick the amount closest to the label's centre.
            if let Some(a) = amounts.into_iter().min_by(|a, b| {
                let da = (word_box(ctx, hit.page, &a.words).center_x() - src.anchor_x).abs();
                let db = (word_box(ctx, hit.page, &b.words).center_x() - src.anchor_x).abs();
                da.total_cmp(&db)
            }) {
                let score = label.strength * lead * position * 0.85 * a.validity;
                reads.push(Read {
                    hit: hi,
                    field,
                    amount: a,
                    score,
                    place: "below",
                });
            }
        }
    }
    let mut cands: Vec<Cand> = Vec::new();
    for r in &reads {
        let Some(field) = r.field else { continue };
        let hit = &ctx.hits[r.hit];
        cands.push(Cand {
            field,
            value: FieldValue::Amount(r.amount.value),
            score: r.score,
            page: hit.page,
            words: r.amount.words.clone(),
            raw: r.amount.raw.clone(),
            explanation: format!(
                "amount {} label '{}' on page {}",
                r.place,
                ctx.printed_label(hit),
                hit.page + 1
            ),
            derived: false,
        });
    }
    // The VAT breakdown: its sums are a second opinion on net and VAT.
    if !vat.is_empty() {
        let tax: Option<Decimal> = vat.iter().map(|r| r.tax_amount).sum();
        let base: Option<Decimal> = vat.iter().map(|r| r.taxable_amount).sum();
        let page = vat[0].provenance.page.unwrap_or(0) as usize;
        let rows = vat.len();
        if let Some(t) = tax {
            cands.push(derived(
                FieldKey::TaxTotal,
                t,
                0.5,
                page,
                format!("sum of the VAT amounts of the {rows} VAT breakdown row(s)"),
            ));
        }
        if let Some(b) = base {
            cands.push(derived(
                FieldKey::NetTotal,
                b,
                0.4,
                page,
                format!("sum of the taxable amounts of the {rows} VAT breakdown row(s)"),
            ));
        }
    }
    rank_by_arithmetic(&mut cands);
    // Amount due: printed, or the gross total less what was prepaid.
    let best = |f: FieldKey, c: &[Cand]| {
        c.iter()
            .filter(|x| x.field == f)
            .max_by(|a, b| a.score.total_cmp(&b.score))
            .cloned()
    };
    let prepaid: Option<&Read> = reads
        .iter()
        .filter(|r| r.field.is_none() && r.amount.value != Decimal::ZERO)
        .max_by(|a, b| a.score.total_cmp(&b.score));
    if let Some(gross) = best(FieldKey::GrossTotal, &cands) {
        let g = gross.value.as_amount().unwrap_or_default();
        let printed_due = best(FieldKey::AmountDue, &cands);
        match prepaid {
            Some(p) => {
                let due = g - p.amount.value.abs();
                let hit = &ctx.hits[p.hit];
                cands.push(derived(
                    FieldKey::AmountDue,
                    due,
                    0.6 * gross.score.max(0.5),
                    hit.page,
                    format!(
                        "gross total {g} less prepaid {} ('{}' on page {})",
                        p.amount.value.abs(),
                        ctx.printed_label(hit),
                        hit.page + 1
                    ),
                ));
            }
            None => {
                // No prepayment printed: the amount due is the gross total.
                let score = if printed_due.is_some() {
                    0.3
                } else {
                    0.85 * gross.score
                };
                let mut c = gross.clone();
                c.field = FieldKey::AmountDue;
                c.score = score;
                c.explanation = format!(
                    "no prepayment printed, amount due equals the gross total ({})",
                    gross.explanation
                );
                cands.push(c);
            }
        }
    }
    fill_missing_by_arithmetic(&mut cands);
    out.extend(cands);
}

fn word_box(ctx: &Ctx<'_>, page: usize, words: &[u32]) -> BBox {
    let v = &ctx.views[page];
    let boxes: Vec<BBox> = words.iter().map(|&w| v.word_box(w)).collect();
    BBox::union_all(boxes.iter()).unwrap_or_default()
}

fn derived(field: FieldKey, value: Decimal, score: f32, page: usize, explanation: String) -> Cand {
    Cand {
        field,
        value: FieldValue::Amount(value),
        score,
        page,
        words: Vec::new(),
        raw: value.to_string(),
        explanation,
        derived: true,
    }
}

/// Finds the best net/VAT/gross triple with net + VAT = gross (within a cent) and lifts its
/// members; when net = gross (no VAT printed, e.g. reverse charge) a zero VAT pair counts too.
fn rank_by_arithmetic(cands: &mut [Cand]) {
    let top = |f: FieldKey| -> Vec<(Decimal, f32)> {
        let mut v: Vec<(Decimal, f32)> = Vec::new();
        for c in cands.iter().filter(|c| c.field == f) {
            let Some(a) = c.value.as_amount() else {
                continue;
            };
            match v.iter_mut().find(|(x, _)| *x == a) {
                Some(e) => e.1 = e.1.max(c.score),
                None => v.push((a, c.score)),
            }
        }
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v.truncate(6);
        v
    };
    let (nets, taxes, grosses) = (
        top(FieldKey::NetTotal),
        top(FieldKey::TaxTotal),
        top(FieldKey::GrossTotal),
    );
    let cent = Decimal::new(1, 2);
    let mut best: Option<(f32, Decimal, Decimal, Decimal)> = None;
    for &(n, sn) in &nets {
        for &(g, sg) in &grosses {
            for &(t, st) in &taxes {
                if (n + t - g).abs() <= cent && g != Decimal::ZERO && n.abs() <= g.abs() + cent {
                    let s = sn + st + sg;
                    if best.is_none_or(|b| s > b.0) {
                        best = Some((s, n, t, g));
                    }
                }
            }
        }
    }
    let Some((_, n, t, g)) = best else { return };
    for c in cands.iter_mut() {
        let v = c.value.as_amount();
        let (member, totals_field) = match c.field {
            FieldKey::NetTotal => (v == Some(n), true),
            FieldKey::TaxTotal => (v == Some(t), true),
            FieldKey::GrossTotal => (v == Some(g), true),
            _ => (false, false),
        };
        if member {
            c.score += (1.0 - c.score) * 0.5;
            c.explanation.push_str("; net + VAT = gross holds");
        } else if totals_field {
            // Kept as an alternative for the quality check, ranked below the consistent set.
            c.score *= 0.8;
        }
    }
}

/// When one of net / VAT / gross is missing, derive it from the other two (weakly): the
/// quality check then has something to compare against.
fn fill_missing_by_arithmetic(cands: &mut Vec<Cand>) {
    let best = |f: FieldKey, c: &[Cand]| {
        c.iter()
            .filter(|x| x.field == f)
            .max_by(|a, b| a.score.total_cmp(&b.score))
            .and_then(|c| c.value.as_amount().map(|v| (v, c.score, c.page)))
    };
    let (n, t, g) = (
        best(FieldKey::NetTotal, cands),
        best(FieldKey::TaxTotal, cands),
        best(FieldKey::GrossTotal, cands),
    );
    match (n, t, g) {
        (Some(n), Some(t), None) => cands.push(derived(
            FieldKey::GrossTotal,
            n.0 + t.0,
            0.3 * n.1.min(t.1),
            n.2,
            "net total plus VAT total (no gross total printed)".into(),
        )),
        (Some(n), None, Some(g)) => cands.push(derived(
            FieldKey::TaxTotal,
            g.0 - n.0,
            0.3 * n.1.min(g.1),
            g.2,
            "gross total less net total (no VAT total printed)".into(),
        )),
        (None, Some(t), Some(g)) => cands.push(derived(
            FieldKey::NetTotal,
            g.0 - t.0,
            0.3 * t.1.min(g.1),
            g.2,
            "gross total less VAT total (no net total printed)".into(),
        )),
        _ => {}
    }
}

/// VAT breakdown rows: lines holding a rate and two amounts with base × rate = VAT (to the
/// cent). The arithmetic is the evidence, so no header is needed.
pub(crate) fn vat_breakdown(ctx: &Ctx<'_>, producer: &sapllm_core::Producer) -> Vec<VatBreakdown> {
    let mut rows: Vec<VatBreakdown> = Vec::new();
    for (pi, v) in ctx.views.iter().enumerate() {
        for line in &v.lines {
            if line.words.len() < 3 || line.words.len() > 40 {
                continue;
            }
            let items: Vec<Item> = line
                .words
                .iter()
                .map(|&w| Item {
                    idx: w,
                    text: v.word_text(w).to_owned(),
                })
                .collect();
            // Rates: `19%`, `19 %`, `7,00 %`, or a bare small number among amounts.
            let mut rates: Vec<(Decimal, usize)> = Vec::new();
            for (k, it) in items.iter().enumerate() {
                let t = it.text.trim();
                let marked = t.ends_with('%') || items.get(k + 1).is_some_and(|n| n.text == "%");
                if let Some(r) = parse::parse_percent(t) {
                    if r <= Decimal::from(30) && (marked || !has_cents(t) || t.len() <= 5) {
                        rates.push((r, k));
                    }
                }
            }
            if rates.is_empty() {
                continue;
            }
            let money: Vec<AmountHit> = parse_amounts(&items, ctx.style)
                .into_iter()
                .filter(|a| has_cents(&a.raw))
                .collect();
            if money.len() < 2 {
                continue;
            }
            let mut found: Option<(Decimal, &AmountHit, &AmountHit)> = None;
            'outer: for &(r, _) in &rates {
                for (i, base) in money.iter().enumerate() {
                    for tax in money.iter().skip(i + 1) {
                        let expect = (base.value * r / Decimal::from(100)).round_dp(2);
                        let tol = Decimal::new(2, 2).max(base.value.abs() * Decimal::new(5, 4));
                        if base.value.abs() >= tax.value.abs()
                            && (expect - tax.value).abs() <= tol
                            && !(r.is_zero() && base.value.is_zero())
                        {
                            found = Some((r, base, tax));
                            break 'outer;
                        }
                    }
                }
            }
            let Some((rate, base, tax)) = found else {
                continue;
            };
            let category = items.iter().find_map(|it| {
                let t = it
                    .text
                    .trim_matches(|c: char| c == '(' || c == ')' || c == ':');
                matches!(t, "S" | "Z" | "E" | "AE" | "K" | "G" | "O" | "L" | "M")
                    .then(|| t.to_owned())
            });
            if rows.iter().any(|r| {
                r.rate == Some(rate)
                    && r.taxable_amount == Some(base.value)
                    && r.tax_amount == Some(tax.value)
            }) {
                continue;
            }
            let words: Vec<u32> = base.words.iter().chain(tax.words.iter()).copied().collect();
            let bbox = BBox::union_all(
                words
                    .iter()
                    .map(|&w| v.word_box(w))
                    .collect::<Vec<_>>()
                    .iter(),
            );
            rows.push(VatBreakdown {
                category,
                rate: Some(rate),
                taxable_amount: Some(base.value),
                tax_amount: Some(tax.value),
                provenance: Provenance {
                    source: v.page.text_source,
                    page: Some(v.page.index),
                    bbox,
                    words,
                    raw: v.line_text(line),
                    producer: producer.clone(),
                    explanation: format!(
                        "VAT row on page {}: {} × {rate} % = {} (checked)",
                        pi + 1,
                        base.raw,
                        tax.raw
                    ),
                },
            });
        }
    }
    rows
}

/// Whether a derived candidate (no words on the page) should carry source `derived`.
pub(crate) fn source_of(c: &Cand, page_source: SourceKind) -> SourceKind {
    if c.derived {
        SourceKind::Derived
    } else {
        page_source
    }
}
