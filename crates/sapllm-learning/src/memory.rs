//! Supplier memory: where a supplier prints each field and what it looks like.
//!
//! From a checked field with a box on the page we remember its *anchor* — the label printed
//! left of it on the same line, or above it — and the offset from that label in units of the
//! page's text height, so that the value is found again when the label moves a little (a
//! longer address pushes everything down); without a label, its place on the page. We also
//! remember the value's *shape* (`RE-2024-0042` → `A-9-9`) to refuse text that does not look
//! like it. Recall reads the words found there and parses them as the field's kind.

use std::collections::BTreeMap;

use sapllm_core::{BBox, FieldKey, FieldValue, Page, ValueKind};
use sapllm_pipeline::extraction::{parse, plausible_name};
use serde::{Deserialize, Serialize};

/// A printed label the value is placed relative to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    /// The label's words, case-folded, letters and digits only, space separated.
    pub label: String,
    /// Offset of the value's top-left corner from the label's, in text-height units.
    pub dx: f32,
    pub dy: f32,
    pub same_line: bool,
}

/// What is remembered of one field of one layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldMemory {
    pub page: u32,
    pub anchor: Option<Anchor>,
    /// The value's box relative to the page (x0, y0, x1, y1 in 0..1).
    pub rel_box: [f32; 4],
    /// Width and height of the value in text-height units.
    pub width_units: f32,
    pub height_units: f32,
    /// Collapsed character shape of the value (`A-9-9`), for identifiers and codes.
    pub shape: String,
    /// Approved documents that confirmed this memory, and ones that contradicted it.
    pub hits: u32,
    pub misses: u32,
    /// Lines the value spans (a name over two lines, a paragraph of terms).
    #[serde(default = "one_line")]
    pub lines: u32,
    /// The clerk approved a value that the name checks would refuse (a name ending in a
    /// number, `DMBP NANTES 1535`; a block that starts with a GLN): read it as taught.
    #[serde(default)]
    pub verbatim: bool,
}

fn one_line() -> u32 {
    1
}

impl FieldMemory {
    /// Confidence of a recalled value: 0.9 after one document, rising with agreement,
    /// falling with contradictions.
    pub fn confidence(&self) -> f32 {
        confidence(self.hits, self.misses)
    }
}

/// Confidence of something remembered that `hits` approved documents confirmed and `misses`
/// contradicted: 0.9 after one, rising with agreement, falling with contradictions.
pub fn confidence(hits: u32, misses: u32) -> f32 {
    let agree = (0.9 + 0.03 * hits.saturating_sub(1) as f32).min(0.98);
    let total = (hits + misses).max(1) as f32;
    (agree * (hits as f32 / total)).clamp(0.05, 0.98)
}

/// A value that belongs to the supplier, not to a place on its invoices, as approved: its
/// country (often implied by the address and printed nowhere as a code) and invoicing currency
/// (codes, which may be exported), and its name and its buyer's (document text, which stays on
/// this workstation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub value: String,
    pub hits: u32,
    pub misses: u32,
}

/// Counts an approved `value` of `field` against what is remembered (`same` decides whether
/// two values agree): agreement is a hit; another value replaces the old one — the supplier
/// moved, switched currency, renamed itself, the latest approved serves — and counts as a miss,
/// which keeps its confidence down.
pub fn remember(
    map: &mut BTreeMap<FieldKey, Remembered>,
    field: FieldKey,
    value: String,
    same: impl Fn(&str, &str) -> bool,
) {
    match map.get_mut(&field) {
        Some(k) if same(&k.value, &value) => k.hits += 1,
        Some(k) => {
            k.misses += 1;
            k.value = value;
        }
        None => {
            map.insert(
                field,
                Remembered {
                    value,
                    hits: 1,
                    misses: 0,
                },
            );
        }
    }
}

/// Fields remembered as a supplier constant.
pub fn is_supplier_constant(field: FieldKey) -> bool {
    matches!(field, FieldKey::SellerCountry | FieldKey::Currency)
}

/// Collapsed shape: letters → `A`, digits → `9`, runs of one class collapsed, other
/// characters kept (spaces dropped).
pub fn shape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let s = if c.is_alphabetic() {
            'A'
        } else if c.is_numeric() {
            '9'
        } else if c.is_whitespace() {
            continue;
        } else {
            c
        };
        if !(out.ends_with(s) && (s == 'A' || s == '9')) {
            out.push(s);
        }
    }
    out
}

/// A word as part of a label: case-folded letters, or `None` for words that are values
/// (any digit: `19 % auf 8.803,55` labels its amount with `auf`, not with the base amount,
/// which changes from invoice to invoice).
fn label_word(w: &str) -> Option<String> {
    if w.chars().any(|c| c.is_numeric()) {
        return None;
    }
    // A currency code next to an amount is part of the amount, not its label.
    let bare: String = w.chars().filter(|c| c.is_alphabetic()).collect();
    if bare.chars().count() == 3 && parse::is_currency_code(&bare.to_uppercase()) {
        return None;
    }
    let t: String = w
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    (t.chars().count() >= 2).then_some(t)
}

fn norm_label(words: &[&str]) -> String {
    words
        .iter()
        .filter_map(|w| label_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Median word height: the page's text unit.
fn unit(page: &Page) -> f32 {
    let mut h: Vec<f32> = page
        .words
        .iter()
        .map(|w| w.bbox.y1 - w.bbox.y0)
        .filter(|h| *h > 0.5)
        .collect();
    if h.is_empty() {
        return 10.0;
    }
    h.sort_by(f32::total_cmp);
    h[h.len() / 2]
}

fn cy(b: &BBox) -> f32 {
    (b.y0 + b.y1) / 2.0
}

/// Whether word box `b` belongs to the value box `vb` (its centre line inside, its ends within).
fn within(vb: &BBox, b: &BBox) -> bool {
    cy(b) >= vb.y0 - 0.5 && cy(b) <= vb.y1 + 0.5 && b.x0 >= vb.x0 - 0.5 && b.x1 <= vb.x1 + 0.5
}

/// Finds the label of a value box: words left of it on its line (contiguous, up to four),
/// else the words right above it. Names (`same_line_ok` false) start address blocks, whose
/// left neighbours are other blocks (a date, a reference), not labels: only a heading above
/// anchors them.
fn find_anchor(
    page: &Page,
    vb: &BBox,
    u: f32,
    same_line_ok: bool,
    prefer_left: bool,
) -> Option<(Vec<usize>, BBox, bool)> {
    let inside = |b: &BBox| within(vb, b);
    let mut left: Vec<usize> = (0..page.words.len())
        .filter(|&i| {
            let b = &page.words[i].bbox;
            // Only label words: a currency code or a number between label and value
            // (`Subtotal CZK 1 739,20`) is skipped, not a break in the label.
            label_word(&page.words[i].text).is_some()
                && !inside(b)
                && b.x1 <= vb.x0 + 1.0
                && (cy(b) - cy(vb)).abs() < 0.5 * u.max(vb.y1 - vb.y0)
                && vb.x0 - b.x1 < 0.45 * page.width
        })
        .collect();
    left.sort_by(|&a, &b| page.words[b].bbox.x1.total_cmp(&page.words[a].bbox.x1));
    let take_run = |cands: &[usize]| -> Vec<usize> {
        let mut run: Vec<usize> = Vec::new();
        for &i in cands {
            if run.len() == 4 {
                break;
            }
            if let Some(&last) = run.last() {
                if page.words[last].bbox.x0 - page.words[i].bbox.x1 > 1.2 * u {
                    break;
                }
            }
            run.push(i);
        }
        run.reverse();
        run
    };
    let has_letters = |run: &[usize]| {
        run.iter()
            .any(|&i| label_word(&page.words[i].text).is_some())
    };
    if !same_line_ok {
        left.clear();
    }
    let run: Vec<usize> = take_run(&left)
        .into_iter()
        .filter(|&i| label_word(&page.words[i].text).is_some())
        .collect();
    let left_label = (!run.is_empty() && has_letters(&run))
        .then(|| BBox::union_all(run.iter().map(|&i| &page.words[i].bbox)).map(|b| (run, b)))
        .flatten();
    // The line above: the closest words whose bottom is at most 2.5 units above the value and
    // which overlap it horizontally.
    let above: Vec<usize> = (0..page.words.len())
        .filter(|&i| {
            let b = &page.words[i].bbox;
            b.y1 <= vb.y0 + 0.5
                && vb.y0 - b.y1 < 2.5 * u
                && b.x1 >= vb.x0 - 2.0 * u
                && b.x0 <= vb.x1 + 2.0 * u
        })
        .collect();
    let nearest = above
        .iter()
        .map(|&i| page.words[i].bbox.y1)
        .fold(f32::MIN, f32::max);
    let mut line: Vec<usize> = above
        .into_iter()
        .filter(|&i| (page.words[i].bbox.y1 - nearest).abs() < 0.4 * u)
        .collect();
    line.sort_by(|&a, &b| page.words[a].bbox.x0.total_cmp(&page.words[b].bbox.x0));
    line.retain(|&i| label_word(&page.words[i].text).is_some());
    line.truncate(4);
    let above_label = (!line.is_empty() && has_letters(&line))
        .then(|| BBox::union_all(line.iter().map(|&i| &page.words[i].bbox)).map(|b| (line, b)))
        .flatten();
    // The nearer label wins; a vertical step counts more than the same horizontal gap. Totals
    // are labelled on their row (the row above is another total), so for amounts the row
    // label wins.
    match (left_label, above_label) {
        (Some((l, lb)), Some(_)) if prefer_left => Some((l, lb, true)),
        (Some((l, lb)), Some((a, ab))) => {
            let gap_left = (vb.x0 - lb.x1).max(0.0) / u;
            let gap_above = (vb.y0 - ab.y1).max(0.0) / u * 3.0 + 1.0;
            if gap_left <= gap_above {
                Some((l, lb, true))
            } else {
                Some((a, ab, false))
            }
        }
        (Some((l, lb)), None) => Some((l, lb, true)),
        (None, Some((a, ab))) => Some((a, ab, false)),
        (None, None) => None,
    }
}

/// The first label words (up to three) of the value in `vb` on its first line: a value that
/// labels itself.
fn own_label(page: &Page, vb: &BBox) -> Option<(Vec<usize>, BBox, bool)> {
    let mut inside: Vec<usize> = (0..page.words.len())
        .filter(|&i| within(vb, &page.words[i].bbox))
        .collect();
    let top = inside
        .iter()
        .map(|&i| cy(&page.words[i].bbox))
        .fold(f32::MAX, f32::min);
    let u = unit(page);
    inside.retain(|&i| (cy(&page.words[i].bbox) - top).abs() < 0.5 * u);
    inside.sort_by(|&a, &b| page.words[a].bbox.x0.total_cmp(&page.words[b].bbox.x0));
    let words: Vec<usize> = inside
        .into_iter()
        .filter(|&i| label_word(&page.words[i].text).is_some())
        .take(3)
        .collect();
    if words.is_empty() {
        return None;
    }
    // Measured from the first label word, so that a leading number (`2 % Skonto …`) is
    // found again left of it.
    let lb = page.words[words[0]].bbox;
    Some((words, lb, true))
}

/// Remembers where `bbox` sits on `page` for a value of `field` with text `text`.
pub fn learn(page: &Page, field: FieldKey, bbox: &BBox, text: &str) -> FieldMemory {
    let u = unit(page);
    let (w, h) = (page.width.max(1.0), page.height.max(1.0));
    let names = matches!(field, FieldKey::SellerName | FieldKey::BuyerName);
    let amounts = field.value_kind() == ValueKind::Amount;
    // Payment terms sit under a table whose length changes, and their label is their own
    // opening (`Zahlbar innerhalb von …`, `Paiement à … jours`): the value anchors itself.
    let own_words = if field == FieldKey::PaymentTerms {
        own_label(page, bbox)
    } else {
        None
    };
    let anchor = own_words
        .or_else(|| find_anchor(page, bbox, u, !names, amounts))
        .map(|(idx, lb, same_line)| Anchor {
            label: norm_label(
                &idx.iter()
                    .map(|&i| page.words[i].text.as_str())
                    .collect::<Vec<_>>(),
            ),
            dx: (bbox.x0 - lb.x0) / u,
            dy: (bbox.y0 - lb.y0) / u,
            same_line,
        });
    FieldMemory {
        page: page.index,
        anchor,
        rel_box: [bbox.x0 / w, bbox.y0 / h, bbox.x1 / w, bbox.y1 / h],
        width_units: (bbox.x1 - bbox.x0) / u,
        height_units: (bbox.y1 - bbox.y0) / u,
        shape: shape(text),
        hits: 1,
        misses: 0,
        lines: lines_in(page, bbox, u),
        verbatim: names && (!plausible_name(text) || ends_with_house_number(text)),
    }
}

/// Lines of text inside `bbox`: word centres more than half a text height apart start a new
/// line.
fn lines_in(page: &Page, bbox: &BBox, u: f32) -> u32 {
    let mut ys: Vec<f32> = page
        .words
        .iter()
        .filter(|w| within(bbox, &w.bbox))
        .map(|w| cy(&w.bbox))
        .collect();
    ys.sort_by(f32::total_cmp);
    let mut lines = 0u32;
    let mut last = f32::MIN;
    for y in ys {
        if y - last > 0.5 * u {
            lines += 1;
            last = y;
        }
    }
    lines.max(1)
}

/// Where the label `a` puts the value on `page` (its top-left corner), the occurrence closest
/// to the remembered place when the label is printed more than once.
fn anchor_origin(page: &Page, a: &Anchor, mem: &FieldMemory) -> Option<(f32, f32)> {
    let u = unit(page);
    let want_words: Vec<&str> = a.label.split(' ').collect();
    let n = want_words.len();
    let mut best: Option<(f32, (f32, f32))> = None;
    for line in &page.lines {
        // The label words of the line (value words skipped), with their word index.
        let ws: Vec<(u32, String)> = line
            .words
            .iter()
            .filter_map(|&i| {
                page.words
                    .get(i as usize)
                    .and_then(|w| label_word(&w.text))
                    .map(|t| (i, t))
            })
            .collect();
        if ws.len() < n {
            continue;
        }
        for start in 0..=ws.len() - n {
            if ws[start..start + n]
                .iter()
                .map(|(_, t)| t.as_str())
                .ne(want_words.iter().copied())
            {
                continue;
            }
            let lb = page.words[ws[start].0 as usize].bbox;
            let o = (lb.x0 + a.dx * u, lb.y0 + a.dy * u);
            let want = (mem.rel_box[0] * page.width, mem.rel_box[1] * page.height);
            let d = (o.0 - want.0).abs() + (o.1 - want.1).abs();
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, o));
            }
        }
    }
    best.map(|(_, o)| o)
}

/// Words found where the memory says the value of `field` is: (page, word indices, text, box).
pub fn locate(
    pages: &[Page],
    field: FieldKey,
    mem: &FieldMemory,
) -> Option<(u32, Vec<u32>, String, BBox)> {
    // Where the value's top-left corner should be: at its label, on the remembered page or —
    // when this invoice runs longer and the totals moved to its last page — on another one;
    // without a label, at the remembered place.
    let remembered = pages.iter().find(|p| p.index == mem.page);
    let mut order: Vec<&Page> = remembered.into_iter().collect();
    order.extend(pages.iter().rev().filter(|p| p.index != mem.page));
    let at_label = mem.anchor.as_ref().and_then(|a| {
        order
            .iter()
            .find_map(|p| anchor_origin(p, a, mem).map(|o| (*p, o)))
    });
    let (page, origin) = match at_label {
        Some(found) => found,
        // A value remembered by its label is not there when the label is not: this invoice
        // leaves the field out, and whatever sits at the old place is something else.
        None if mem.anchor.is_some() => return None,
        None => {
            let page = remembered?;
            (
                page,
                (mem.rel_box[0] * page.width, mem.rel_box[1] * page.height),
            )
        }
    };
    let u = unit(page);
    // The centre of the value's first line (a block taught over several lines starts there).
    let centre_y = origin.1 + mem.height_units / mem.lines.max(1) as f32 * u / 2.0;
    let on_line = |b: &BBox| (cy(b) - centre_y).abs() < 0.7 * u;
    // Amounts stand right-aligned in their column: a larger amount this time starts further
    // left, so the right edge is the stable place. Everything else is left-aligned.
    let right_aligned = field.value_kind() == ValueKind::Amount;
    let right_edge = origin.0 + mem.width_units * u;
    let first = if right_aligned {
        (0..page.words.len())
            .filter(|&i| {
                let b = &page.words[i].bbox;
                on_line(b)
                    && (b.x1 - right_edge).abs() < 2.5 * u
                    && b.x1 > origin.0 - 0.5 * u
                    && page.words[i].text.chars().any(|c| c.is_numeric())
            })
            .min_by(|&a, &b| {
                (page.words[a].bbox.x1 - right_edge)
                    .abs()
                    .total_cmp(&(page.words[b].bbox.x1 - right_edge).abs())
            })
    } else {
        None
    };
    // The first word: left edge near the origin, on the value's line.
    let first = first.or_else(|| {
        (0..page.words.len())
            .filter(|&i| {
                let b = &page.words[i].bbox;
                on_line(b) && (b.x0 - origin.0).abs() < 2.5 * u
            })
            .min_by(|&a, &b| {
                (page.words[a].bbox.x0 - origin.0)
                    .abs()
                    .total_cmp(&(page.words[b].bbox.x0 - origin.0).abs())
            })
    })?;
    // Then the words right of it on the same line, while they are contiguous and the value
    // is not much wider than the remembered one. Names and terms are as long as they are
    // (the next buyer's name may be twice as long); only a gap ends them.
    let free_text = matches!(
        field,
        FieldKey::SellerName | FieldKey::BuyerName | FieldKey::PaymentTerms
    );
    let max_w = if free_text {
        page.width
    } else {
        (mem.width_units * 1.8).max(mem.width_units + 4.0) * u
    };
    let mut line: Vec<usize> = (0..page.words.len())
        .filter(|&i| {
            let b = &page.words[i].bbox;
            (cy(b) - cy(&page.words[first].bbox)).abs() < 0.5 * u
                && b.x0 >= page.words[first].bbox.x0 - 0.5
        })
        .collect();
    line.sort_by(|&a, &b| page.words[a].bbox.x0.total_cmp(&page.words[b].bbox.x0));
    // Words just left of the first one that belong to the value (`30.` of `30. Januar 2024`
    // when the value is a little wider this time, `40` of `40 783,53`), unless they are
    // label words.
    let mut start_x = page.words[first].bbox.x0;
    let mut lefts: Vec<usize> = (0..page.words.len())
        .filter(|&i| {
            let b = &page.words[i].bbox;
            (cy(b) - cy(&page.words[first].bbox)).abs() < 0.5 * u && b.x1 <= start_x + 0.5
        })
        .collect();
    lefts.sort_by(|&a, &b| page.words[b].bbox.x1.total_cmp(&page.words[a].bbox.x1));
    let mut prefix: Vec<usize> = Vec::new();
    for i in lefts {
        let w = &page.words[i];
        if start_x - w.bbox.x1 > 0.6 * u || !w.text.chars().any(|c| c.is_numeric()) {
            break;
        }
        start_x = w.bbox.x0;
        prefix.push(i);
    }
    prefix.reverse();
    let mut run: Vec<usize> = prefix;
    for i in line {
        if let Some(&last) = run.last() {
            let gap = page.words[i].bbox.x0 - page.words[last].bbox.x1;
            if gap > 1.0 * u || page.words[i].bbox.x1 - start_x > max_w {
                break;
            }
        }
        run.push(i);
    }
    // A value taught over several lines continues on the lines below that start at its left
    // edge: a name over exactly as many lines as taught; terms as long as the paragraph runs
    // (the next invoice's terms may be a line longer), until a gap or a line that starts
    // elsewhere.
    if free_text && mem.lines > 1 {
        let limit = if field == FieldKey::PaymentTerms {
            mem.lines + 4
        } else {
            mem.lines
        };
        let left = start_x;
        let mut bottom = run
            .iter()
            .map(|&i| page.words[i].bbox.y1)
            .fold(f32::MIN, f32::max);
        for _ in 1..limit {
            let next: Option<usize> = (0..page.words.len())
                .filter(|&i| {
                    let b = &page.words[i].bbox;
                    b.y0 > bottom - 0.3 * u
                        && b.y0 - bottom < 1.2 * u
                        && (b.x0 - left).abs() < 1.5 * u
                })
                .min_by(|&a, &b| page.words[a].bbox.y0.total_cmp(&page.words[b].bbox.y0));
            let Some(next) = next else { break };
            let y = cy(&page.words[next].bbox);
            let mut row: Vec<usize> = (0..page.words.len())
                .filter(|&i| {
                    let b = &page.words[i].bbox;
                    (cy(b) - y).abs() < 0.5 * u && b.x0 >= page.words[next].bbox.x0 - 0.5
                })
                .collect();
            row.sort_by(|&a, &b| page.words[a].bbox.x0.total_cmp(&page.words[b].bbox.x0));
            let mut last: Option<usize> = None;
            for i in row {
                if last.is_some_and(|l| page.words[i].bbox.x0 - page.words[l].bbox.x1 > 1.0 * u) {
                    break;
                }
                run.push(i);
                last = Some(i);
            }
            bottom = run
                .iter()
                .map(|&i| page.words[i].bbox.y1)
                .fold(bottom, f32::max);
        }
    }
    let idx: Vec<u32> = run.iter().map(|&i| i as u32).collect();
    let text = page.join_words(&idx);
    let bbox = BBox::union_all(run.iter().map(|&i| &page.words[i].bbox))?;
    Some((
        page.index,
        run.iter().map(|&i| i as u32).collect(),
        text,
        bbox,
    ))
}

/// The text found, as a value of `field`'s kind, if it parses and (for identifiers and codes)
/// has the remembered shape.
pub fn parse_as(field: FieldKey, text: &str, mem: &FieldMemory) -> Option<FieldValue> {
    if let Some(v) = parse_whole(field, text, mem) {
        return Some(v);
    }
    // A name is read whole: a piece of an address line (`Bahnhof Strasse` of
    // `Bahnhof Strasse 1`) is no name.
    if matches!(field, FieldKey::SellerName | FieldKey::BuyerName) {
        return None;
    }
    // The run may carry a neighbour (`CHF 4,234.04` for the currency, `EUR` after an amount):
    // the longest piece that parses, longer pieces first, left to right.
    // A number is not cut out of the middle or end of what is printed there (`BT-10` of
    // `BUYERREFERENCE BT-10`): a piece of an identifier starts where the value starts, or
    // has exactly the remembered shape.
    let identifier = matches!(
        field,
        FieldKey::InvoiceNumber | FieldKey::PoNumber | FieldKey::BuyerReference
    );
    let words: Vec<&str> = text.split_whitespace().collect();
    for len in (1..words.len()).rev() {
        for start in 0..=words.len() - len {
            let piece = words[start..start + len].join(" ");
            if identifier && start > 0 && shape(&piece) != mem.shape {
                continue;
            }
            if let Some(v) = parse_whole(field, &piece, mem) {
                return Some(v);
            }
        }
    }
    None
}

fn parse_whole(field: FieldKey, text: &str, mem: &FieldMemory) -> Option<FieldValue> {
    // A trailing stop ends a sentence of terms and belongs to it; after a number it is
    // punctuation (`RE-2024-0042.`).
    let t = if field == FieldKey::PaymentTerms {
        text.trim()
    } else {
        text.trim().trim_end_matches([',', ';', ':', '.']).trim()
    };
    match field.value_kind() {
        ValueKind::Amount => parse::parse_amount(t).map(FieldValue::Amount),
        ValueKind::Date => parse::parse_date(text.trim(), None).map(FieldValue::Date),
        _ => {
            let alnum = t.chars().any(char::is_alphanumeric);
            let names = matches!(
                field,
                FieldKey::SellerName | FieldKey::BuyerName | FieldKey::PaymentTerms
            );
            // A supplier's numbers keep their shape only loosely (`2023-1798`, `467987`): an
            // identifier is one token with a digit; codes (VAT ID, IBAN, BIC) keep theirs.
            // Printed in pieces (`FPR 771/24`) it must keep the remembered shape.
            let identifier = matches!(
                field,
                FieldKey::InvoiceNumber | FieldKey::PoNumber | FieldKey::BuyerReference
            ) && t.chars().any(|c| c.is_ascii_digit())
                && (!t.contains(' ') || shape(t) == mem.shape);
            if !alnum || (!names && !identifier && shape(t) != mem.shape) {
                return None;
            }
            // A party's name, not the address line or contact line that took its place on a
            // sister layout (`Bahnhof Strasse 1`, `GLN 4000…`).
            if matches!(field, FieldKey::SellerName | FieldKey::BuyerName)
                && !mem.verbatim
                && (!plausible_name(t) || ends_with_house_number(t))
            {
                return None;
            }
            if field == FieldKey::Currency && !parse::is_currency_code(&t.to_uppercase()) {
                return None;
            }
            if matches!(field.value_kind(), ValueKind::Code) {
                Some(FieldValue::Code(
                    t.chars()
                        .filter(|c| !c.is_whitespace())
                        .collect::<String>()
                        .to_uppercase(),
                ))
            } else {
                Some(FieldValue::Text(t.to_owned()))
            }
        }
    }
}

/// `Bahnhofstraße 12`, `Rue de la Paix 3b`: a street line, not a name.
fn ends_with_house_number(t: &str) -> bool {
    t.split_whitespace().count() >= 2
        && t.split_whitespace().last().is_some_and(|w| {
            let digits = w.chars().take_while(char::is_ascii_digit).count();
            (1..=4).contains(&digits) && w.chars().count() <= digits + 1
        })
}

/// Fields remembered by their text for a supplier (its own name, and the buyer it bills).
pub fn is_known_name(field: FieldKey) -> bool {
    matches!(field, FieldKey::SellerName | FieldKey::BuyerName)
}

/// Words on `pages` whose text, normalised as `field`'s values are, is `want`: a run of words
/// on one line, or a block that wraps onto the next lines, each starting at the block's left
/// edge (a name over two lines, a paragraph of terms). Words right of the block on its lines
/// (another column) are not part of it. The first occurrence from the top of the first page.
pub fn find_text(pages: &[Page], field: FieldKey, want: &str) -> Option<(u32, Vec<u32>)> {
    if want.is_empty() {
        return None;
    }
    let norm = field.normalisation();
    let prefix = |words: &[u32], page: &Page| -> Option<String> {
        norm.apply(&page.join_words(words))
            .filter(|n| !n.is_empty() && want.starts_with(n.as_str()))
    };
    for page in pages {
        let u = unit(page);
        for (li, line) in page.lines.iter().enumerate() {
            for start in 0..line.words.len() {
                let Some(first) = page.words.get(line.words[start] as usize) else {
                    continue;
                };
                let left = first.bbox.x0;
                let mut taken: Vec<u32> = Vec::new();
                let mut bottom = first.bbox.y1;
                'lines: for (k, l) in page.lines[li..].iter().enumerate().take(16) {
                    let words: &[u32] = if k == 0 {
                        &line.words[start..]
                    } else {
                        &l.words
                    };
                    if k > 0 {
                        // The block's next line: close below, starting at its left edge.
                        let Some(w0) = words
                            .iter()
                            .filter_map(|&i| page.words.get(i as usize))
                            .find(|w| w.bbox.x1 > left - 0.5)
                        else {
                            break;
                        };
                        if w0.bbox.y0 - bottom > 1.5 * u || (w0.bbox.x0 - left).abs() > 2.0 * u {
                            break;
                        }
                    }
                    let mut on_line = 0;
                    for &i in words {
                        let Some(w) = page.words.get(i as usize) else {
                            continue;
                        };
                        if k > 0 && w.bbox.x1 <= left - 0.5 {
                            continue;
                        }
                        taken.push(i);
                        match prefix(&taken, page) {
                            Some(n) if n == want => return Some((page.index, taken)),
                            Some(_) => {
                                on_line += 1;
                                bottom = bottom.max(w.bbox.y1);
                            }
                            None => {
                                taken.pop();
                                if on_line == 0 {
                                    break 'lines;
                                }
                                continue 'lines;
                            }
                        }
                    }
                }
            }
        }
    }
    None
}

/// One layout of a supplier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutMemory {
    pub fingerprint: std::collections::BTreeSet<u64>,
    pub fields: BTreeMap<FieldKey, FieldMemory>,
    pub documents: u32,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    use sapllm_core::{SourceKind, Word};

    /// A page from lines of (x, y, text): words 6 pt per character, 10 pt high, one space
    /// apart; lines grouped as the PDF reader groups them.
    pub(crate) fn page(rows: &[(f32, f32, &str)]) -> Page {
        let mut words = Vec::new();
        for &(x, y, text) in rows {
            let mut x0 = x;
            for t in text.split_whitespace() {
                let w = 6.0 * t.chars().count() as f32;
                words.push(Word {
                    text: t.into(),
                    bbox: BBox::new(x0, y, x0 + w, y + 10.0),
                    confidence: 1.0,
                });
                x0 += w + 6.0;
            }
        }
        let lines = sapllm_document::layout::lines_from_words(&words);
        Page {
            index: 0,
            width: 595.0,
            height: 842.0,
            text_source: SourceKind::TextLayer,
            words,
            lines,
        }
    }

    fn boxed(page: &Page, words: &[u32]) -> BBox {
        BBox::union_all(words.iter().map(|&i| &page.words[i as usize].bbox)).unwrap()
    }

    #[test]
    fn find_text_reads_a_block_over_lines_and_leaves_the_next_column_out() {
        let p = page(&[
            (40.0, 100.0, "Verkäufer:"),
            (40.0, 114.0, "MVM Musterhafter"),
            (300.0, 114.0, "Datum 11.03.2018"),
            (40.0, 128.0, "Versicherungsverein a.G."),
            (40.0, 142.0, "Musterstr. 12"),
        ]);
        let want = FieldKey::SellerName
            .normalisation()
            .apply("MVM Musterhafter Versicherungsverein a.G.")
            .unwrap();
        let (page_no, words) =
            find_text(std::slice::from_ref(&p), FieldKey::SellerName, &want).unwrap();
        assert_eq!(page_no, 0);
        assert_eq!(
            p.join_words(&words),
            "MVM Musterhafter Versicherungsverein a.G."
        );
        // A value printed nowhere is not found.
        let absent = FieldKey::SellerName
            .normalisation()
            .apply("Muster AG")
            .unwrap();
        assert!(find_text(&[p], FieldKey::SellerName, &absent).is_none());
    }

    #[test]
    fn a_name_taught_over_two_lines_is_read_over_two_lines_where_the_block_moved() {
        let taught = page(&[
            (40.0, 100.0, "Verkäufer:"),
            (40.0, 114.0, "MVM Musterhafter"),
            (40.0, 128.0, "Versicherungsverein a.G."),
            (40.0, 142.0, "Musterstr. 12"),
        ]);
        let name: Vec<u32> = vec![1, 2, 3, 4];
        let mem = learn(
            &taught,
            FieldKey::SellerName,
            &boxed(&taught, &name),
            &taught.join_words(&name),
        );
        assert_eq!(mem.lines, 2);
        assert!(!mem.verbatim);
        // The next invoice: the block sits lower and the name is another, also two lines.
        let next = page(&[
            (40.0, 60.0, "Rechnung"),
            (40.0, 130.0, "Verkäufer:"),
            (40.0, 144.0, "Nord Versicherung"),
            (40.0, 158.0, "Gegenseitigkeit VVaG"),
            (40.0, 172.0, "Hafenweg 3"),
        ]);
        let (_, _, text, _) = locate(&[next], FieldKey::SellerName, &mem).unwrap();
        assert_eq!(text, "Nord Versicherung Gegenseitigkeit VVaG");
        assert!(parse_as(FieldKey::SellerName, &text, &mem).is_some());
    }

    #[test]
    fn a_name_the_clerk_approved_with_a_trailing_number_is_read_as_taught() {
        let p = page(&[
            (40.0, 100.0, "Lieferant:"),
            (40.0, 114.0, "DMBP NANTES ROUX 1535"),
        ]);
        let name: Vec<u32> = vec![1, 2, 3, 4];
        let mem = learn(
            &p,
            FieldKey::SellerName,
            &boxed(&p, &name),
            &p.join_words(&name),
        );
        assert!(mem.verbatim);
        let (_, _, text, _) = locate(&[p], FieldKey::SellerName, &mem).unwrap();
        assert_eq!(
            parse_as(FieldKey::SellerName, &text, &mem),
            Some(FieldValue::Text("DMBP NANTES ROUX 1535".into()))
        );
        // Without the clerk's word for it, such a line is a street, not a name.
        let plain = FieldMemory {
            verbatim: false,
            ..mem
        };
        assert_eq!(parse_as(FieldKey::SellerName, &text, &plain), None);
    }

    #[test]
    fn an_identifier_is_not_cut_out_of_the_end_of_a_longer_reading() {
        let mem = FieldMemory {
            page: 0,
            anchor: None,
            rel_box: [0.0; 4],
            width_units: 6.0,
            height_units: 1.0,
            shape: shape("04011000-12345-34"),
            hits: 1,
            misses: 0,
            lines: 1,
            verbatim: false,
        };
        let key = FieldKey::BuyerReference;
        assert_eq!(parse_as(key, "BUYERREFERENCE BT-10", &mem), None);
        // A neighbour after the value is dropped; a piece with the remembered shape is kept.
        assert_eq!(
            parse_as(key, "2023-1798 Datum", &mem),
            Some(FieldValue::Text("2023-1798".into()))
        );
        assert_eq!(
            parse_as(key, "Ref. 04011000-99999-12", &mem),
            Some(FieldValue::Text("04011000-99999-12".into()))
        );
    }

    #[test]
    fn street_lines_are_not_names() {
        assert!(ends_with_house_number("Bahnhof Strasse 1"));
        assert!(ends_with_house_number("Rue de la Paix 3b"));
        assert!(!ends_with_house_number("Studio 2000 GmbH"));
        assert!(!ends_with_house_number("Hofmann Kältetechnik GmbH"));
    }

    #[test]
    fn shapes_collapse_runs() {
        assert_eq!(shape("RE-2024-0042"), "A-9-9");
        assert_eq!(shape("DE 123 456"), "A9");
        assert_eq!(shape("4711"), "9");
    }

    #[test]
    fn confidence_rises_with_agreement_and_falls_with_contradiction() {
        let mut m = FieldMemory {
            page: 0,
            anchor: None,
            rel_box: [0.0; 4],
            width_units: 1.0,
            height_units: 1.0,
            shape: "9".into(),
            hits: 1,
            misses: 0,
            lines: 1,
            verbatim: false,
        };
        let one = m.confidence();
        m.hits = 3;
        assert!(m.confidence() > one);
        m.misses = 3;
        assert!(m.confidence() < 0.6);
    }
}
