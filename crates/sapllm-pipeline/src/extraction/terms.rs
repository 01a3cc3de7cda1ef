//! Payment terms: the text after a terms label, or a sentence that reads like terms
//! ("Zahlbar innerhalb 14 Tagen ...", "Payable within 30 days ...").

use sapllm_core::{FieldKey, FieldValue};

use super::candidates::{Cand, Ctx};
use super::lexicon::{TERMS_OPENINGS, Target};
use super::view::{LineView, PageView};

/// Whether a line is a row of column headers (short phrases, no digits), which sits between a
/// terms heading and its text in tabular layouts.
fn is_header_row(v: &PageView<'_>, line: &LineView) -> bool {
    line.segs.len() >= 2
        && line.segs.iter().all(|s| s.end - s.start <= 2)
        && !v.line_text(line).chars().any(|c| c.is_ascii_digit())
}

/// Whether a line starts with a label of the lexicon (then it is not a continuation of text).
fn starts_with_label(ctx: &Ctx<'_>, page: usize, line: usize) -> bool {
    let v = &ctx.views[page];
    let l = &v.lines[line];
    ctx.hits_on(page, line).iter().any(|h| {
        if h.page != page || h.line != line || h.first != 0 || !h.starts_seg {
            return false;
        }
        match ctx.label(h).target {
            Target::Title | Target::NumberWord | Target::Ignore => false,
            // A field label opens a new line of its own only as `Label:` or `Label value`; a
            // lone word such as `Rechnungsdatum` may end a wrapped sentence.
            Target::Field(_) | Target::VatId | Target::TaxNumber | Target::Name => {
                v.word_text(l.words[h.last]).ends_with(':') || h.last + 1 < l.words.len()
            }
            _ => true,
        }
    })
}

/// Collects a text block starting at a phrase: continuation lines start at the same x (within
/// a word height) and follow at ordinary line spacing.
fn collect_block(
    ctx: &Ctx<'_>,
    page: usize,
    first_line: usize,
    start_x: f32,
    first_text: String,
    mut words: Vec<u32>,
) -> (String, Vec<u32>) {
    let v = &ctx.views[page];
    let mut text = first_text;
    let mut last_y1 = v.lines[first_line].bbox.y1;
    let mut prev_x1 = words
        .iter()
        .map(|&w| v.word_box(w).x1)
        .fold(start_x, f32::max);
    for li in first_line + 1..v.lines.len().min(first_line + 8) {
        let line = &v.lines[li];
        if line.bbox.y0 - last_y1 > 1.2 * v.unit {
            break;
        }
        // Continuation lines start where the first did, or left of it (first-line indent).
        let Some(seg) = line
            .segs
            .iter()
            .find(|s| s.bbox.x0 <= start_x + v.unit && s.bbox.x0 >= start_x - 3.0 * v.unit)
        else {
            // Only a value in another column (a due date under "Fälligkeit"): skip the line.
            if line.segs.iter().all(|s| s.bbox.x0 > start_x + 4.0 * v.unit) {
                last_y1 = line.bbox.y1;
                continue;
            }
            break;
        };
        if starts_with_label(ctx, page, li) {
            break;
        }
        // A sentence that ends a line which had room for the next line's first word ended its
        // paragraph: what follows is something else ("Bitte überweisen ...", "Vielen Dank"). The
        // column's right edge is estimated from this and the next lines.
        if text.trim_end().ends_with(['.', '!']) {
            let first_w = v.word_box(line.words[seg.start]).width();
            let mut right = prev_x1.max(seg.bbox.x1);
            for next in v.lines.iter().skip(li + 1).take(2) {
                if let Some(s2) = next
                    .segs
                    .iter()
                    .find(|s| (s.bbox.x0 - seg.bbox.x0).abs() <= v.unit)
                {
                    right = right.max(s2.bbox.x1);
                }
            }
            let other_field = ctx.hits_on(page, li).iter().any(|h| {
                h.page == page && h.line == li && matches!(ctx.label(h).target, Target::Field(f) if f != FieldKey::PaymentTerms)
            });
            if prev_x1 + 0.5 * v.unit + first_w < right || other_field {
                break;
            }
        }
        prev_x1 = seg.bbox.x1;
        let next = v.seg_text(line, seg);
        // A hyphen that ends a line joins the next line's word (`MasterCard-` /
        // `Kreditkarte`), as `Page::join_words` reads a block.
        if !(text.ends_with('-') && next.starts_with(char::is_alphabetic)) {
            text.push(' ');
        }
        text.push_str(&next);
        words.extend((seg.start..seg.end).map(|p| line.words[p]));
        last_y1 = line.bbox.y1;
    }
    (text, words)
}

pub(crate) fn terms_candidates(ctx: &Ctx<'_>, out: &mut Vec<Cand>) {
    // Words already in a terms block: a terms label inside that text (`Zahlungsbedingungen:
    // Der Rechnungsbetrag ...` below a `Zahlungsbedingungen` heading) is part of it.
    let mut used: Vec<(usize, u32)> = Vec::new();
    for hit in ctx.hits_of(Target::Field(FieldKey::PaymentTerms)) {
        let v = &ctx.views[hit.page];
        used.extend(
            out.iter()
                .filter(|c| c.field == FieldKey::PaymentTerms)
                .flat_map(|c| c.words.iter().map(move |&w| (c.page, w))),
        );
        if used.contains(&(hit.page, v.lines[hit.line].words[hit.first])) {
            continue;
        }
        let line = &v.lines[hit.line];
        let strength = ctx.label(hit).strength;
        let printed = ctx.printed_label(hit);
        // Text right of the label on its line.
        let seg = &line.segs[hit.seg];
        let (start, x) = if hit.last + 1 < seg.end {
            (
                Some((hit.last + 1, seg.end)),
                v.word_box(line.words[hit.last + 1]).x0,
            )
        } else if let Some(next) = line.segs.get(hit.seg + 1) {
            (Some((next.start, next.end)), next.bbox.x0)
        } else {
            (None, 0.0)
        };
        if let Some((mut a, b)) = start {
            // `Conditions de paiement : ...`: the colon is punctuation, not text.
            while a + 1 < b
                && !v
                    .word_text(line.words[a])
                    .chars()
                    .any(char::is_alphanumeric)
            {
                a += 1;
            }
            let first = v.text_of(line, a, b);
            let is_label = ctx.label_starts.contains(&(hit.page, line.words[a]));
            if first.chars().filter(|c| c.is_alphanumeric()).count() >= 3 && !is_label {
                let words = (a..b).map(|p| line.words[p]).collect();
                let (text, words) = collect_block(ctx, hit.page, hit.line, x, first, words);
                out.push(terms(
                    text,
                    0.9 * strength,
                    hit.page,
                    words,
                    format!("text right of label '{printed}' on page {}", hit.page + 1),
                ));
                continue;
            }
        }
        // Text below the label (a header row of a terms table may sit in between).
        for li in hit.line + 1..v.lines.len().min(hit.line + 5) {
            let l = &v.lines[li];
            if l.bbox.y0 - line.bbox.y1 > 5.0 * v.unit {
                break;
            }
            if is_header_row(v, l) {
                continue;
            }
            let Some(seg) = l.segs.iter().find(|s| {
                s.bbox.x0 < hit.bbox.x0 + 4.0 * v.unit && s.bbox.x1 > hit.bbox.x0 - v.unit
            }) else {
                continue;
            };
            let first = v.seg_text(l, seg);
            if first.split_whitespace().count() < 2 {
                continue;
            }
            let words = (seg.start..seg.end).map(|p| l.words[p]).collect();
            let (text, words) = collect_block(ctx, hit.page, li, seg.bbox.x0, first, words);
            out.push(terms(
                text,
                0.85 * strength,
                hit.page,
                words,
                format!("text below label '{printed}' on page {}", hit.page + 1),
            ));
            break;
        }
    }
    // Sentences that read like payment terms, wherever they are.
    for (pi, v) in ctx.views.iter().enumerate() {
        for (li, line) in v.lines.iter().enumerate() {
            for seg in &line.segs {
                let toks: Vec<&str> = line
                    .toks
                    .iter()
                    .filter(|t| t.pos >= seg.start && t.pos < seg.end)
                    .take(3)
                    .map(|t| t.text.as_str())
                    .collect();
                let head = toks.join(" ");
                // Discount terms often open with the rate: `2 % Skonto bei Zahlung ...`.
                let discount = toks.iter().any(|t| matches!(*t, "skonto" | "escompte"));
                if TERMS_OPENINGS.iter().any(|o| head.starts_with(o)) || discount {
                    let first = v.seg_text(line, seg);
                    let words = (seg.start..seg.end).map(|p| line.words[p]).collect();
                    let (text, words) = collect_block(ctx, pi, li, seg.bbox.x0, first, words);
                    out.push(terms(
                        text,
                        0.55,
                        pi,
                        words,
                        format!("sentence reading like payment terms on page {}", pi + 1),
                    ));
                }
            }
        }
    }
}

fn terms(text: String, score: f32, page: usize, words: Vec<u32>, explanation: String) -> Cand {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Cand {
        derived: false,
        field: FieldKey::PaymentTerms,
        raw: text.clone(),
        value: FieldValue::Text(text),
        score,
        page,
        words,
        explanation,
    }
}
