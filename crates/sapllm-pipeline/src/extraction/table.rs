//! Line items from item tables.
//!
//! A table is found by its header line: at least two column labels of different kinds (an
//! amount or price column and a description or quantity column), making up most of the line.
//! Labels on the lines just above or below join the header (two-line headers such as
//! "Positions- / betrag"). Column zones are the header labels widened to the midpoints between
//! neighbours. Rows are anchored on a money amount in the amount column; with a position
//! column, an item starts at its position number (its amount may sit on a later line). The
//! table ends at a totals label or heading, and continues on the next page (after a repeated
//! header, a carried-forward line, or directly).

use rust_decimal::Decimal;
use sapllm_core::{BBox, Cell, FieldValue, LineItem, LineKey, Producer, Provenance};

use super::candidates::{Ctx, Item, has_cents, parse_amounts};
use super::lexicon::{COLUMN_LABELS, Col, Target};
use super::parse;
use super::view::{LineView, PageView};

/// A column: its kind, the printed label and its zone.
#[derive(Debug, Clone)]
struct Column {
    kind: Col,
    label: String,
    x0: f32,
    x1: f32,
    /// Zone of values (label widened to the midpoints between neighbours).
    lo: f32,
    hi: f32,
}

#[derive(Debug, Clone)]
struct Header {
    page: usize,
    /// First and last line of the header (two-line headers).
    first_line: usize,
    last_line: usize,
    columns: Vec<Column>,
}

/// Column labels found on one line: `(kind, label text, x0, x1)` and the share of the line's
/// tokens they cover.
fn column_labels(v: &PageView<'_>, line: &LineView) -> (Vec<(Col, String, f32, f32)>, f32) {
    let toks = &line.toks;
    let mut found = Vec::new();
    let mut covered = 0usize;
    let mut counted = 0usize;
    let mut i = 0;
    while i < toks.len() {
        // Currency codes and units in headers (`(EUR)`, `[%]`) neither help nor hurt.
        let t = toks[i].text.as_str();
        let neutral = parse::is_currency_code(&t.to_uppercase());
        if !neutral {
            counted += 1;
        }
        let at_word_start = line.first_tok.get(toks[i].pos) == Some(&i);
        let mut matched = false;
        if at_word_start {
            for (ltoks, col) in COLUMN_LABELS.iter() {
                let n = ltoks.len();
                if i + n <= toks.len()
                    && toks[i..i + n].iter().zip(ltoks).all(|(a, b)| a.text == *b)
                {
                    let first = toks[i].pos;
                    let last = toks[i + n - 1].pos;
                    let b = BBox::union_all(
                        (first..=last)
                            .map(|p| v.word_box(line.words[p]))
                            .collect::<Vec<_>>()
                            .iter(),
                    )
                    .unwrap_or_default();
                    found.push((*col, v.text_of(line, first, last + 1), b.x0, b.x1));
                    covered += n;
                    counted += n - 1;
                    i += n;
                    matched = true;
                    break;
                }
            }
        }
        if !matched {
            i += 1;
        }
    }
    let share = covered as f32 / counted.max(1) as f32;
    (found, share)
}

fn is_header(cols: &[(Col, String, f32, f32)], share: f32) -> bool {
    let has = |k: Col| cols.iter().any(|c| c.0 == k);
    let money = has(Col::Amount) || has(Col::UnitPrice);
    let what = has(Col::Description) || has(Col::Quantity);
    let kinds = [
        Col::Pos,
        Col::Description,
        Col::ItemId,
        Col::Quantity,
        Col::Unit,
        Col::UnitPrice,
        Col::Amount,
        Col::TaxRate,
    ]
    .iter()
    .filter(|k| has(**k))
    .count();
    money && what && kinds >= 2 && share >= 0.45 && (kinds >= 3 || share >= 0.7)
}

/// Finds table headers in reading order.
fn headers(ctx: &Ctx<'_>) -> Vec<Header> {
    let mut out = Vec::new();
    for (pi, v) in ctx.views.iter().enumerate() {
        for (li, line) in v.lines.iter().enumerate() {
            if out
                .last()
                .is_some_and(|h: &Header| h.page == pi && li <= h.last_line)
            {
                continue;
            }
            let (cols, share) = column_labels(v, line);
            if !is_header(&cols, share) {
                continue;
            }
            let mut all: Vec<(Col, String, f32, f32)> = cols;
            let (mut first_line, mut last_line) = (li, li);
            // Header labels on neighbouring lines (multi-line headers), nearest first; a label
            // only joins when its column is not taken horizontally.
            let mut neighbours: Vec<usize> = Vec::new();
            for d in 1..=3 {
                if li >= d {
                    neighbours.push(li - d);
                }
                neighbours.push(li + d);
            }
            for n in neighbours {
                let Some(nl) = v.lines.get(n) else { continue };
                if (nl.bbox.center_y() - line.bbox.center_y()).abs() > 2.2 * v.unit {
                    continue;
                }
                // A neighbour with numbers is a row, not a header line.
                if nl
                    .toks
                    .iter()
                    .any(|t| t.text.bytes().all(|b| b.is_ascii_digit()))
                {
                    continue;
                }
                let (more, _) = column_labels(v, nl);
                let mut joined = false;
                for c in more {
                    if !all.iter().any(|a| c.2 < a.3 && c.3 > a.2) {
                        all.push(c);
                        joined = true;
                    }
                }
                if joined {
                    first_line = first_line.min(n);
                    last_line = last_line.max(n);
                }
            }
            // Header words of columns we do not read still delimit their neighbours' zones.
            for hl in first_line..=last_line {
                let l = &v.lines[hl];
                let mut run: Option<(f32, f32, String)> = None;
                let flush = |run: &mut Option<(f32, f32, String)>,
                             all: &mut Vec<(Col, String, f32, f32)>| {
                    if let Some((x0, x1, t)) = run.take() {
                        all.push((Col::Other, t, x0, x1));
                    }
                };
                for (p, &w) in l.words.iter().enumerate() {
                    let b = v.word_box(w);
                    let covered = all.iter().any(|a| b.x0 < a.3 + 1.0 && b.x1 > a.2 - 1.0);
                    let new_seg = l.segs.iter().any(|g| g.start == p);
                    if covered || new_seg {
                        flush(&mut run, &mut all);
                    }
                    // Currency codes and units in headers (`EUR`, `(EUR)`, `[%]`) belong to the
                    // label before them.
                    let core: String = v
                        .word_text(w)
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .collect();
                    if covered
                        || core.is_empty()
                        || !core.chars().any(char::is_alphabetic)
                        || parse::is_currency_code(&core.to_uppercase())
                    {
                        continue;
                    }
                    match run.as_mut() {
                        Some((_, x1, t)) => {
                            *x1 = b.x1;
                            t.push(' ');
                            t.push_str(v.word_text(w));
                        }
                        None => run = Some((b.x0, b.x1, v.word_text(w).to_owned())),
                    }
                }
                flush(&mut run, &mut all);
            }
            all.sort_by(|a, b| (a.2 + a.3).total_cmp(&(b.2 + b.3)));
            let mut columns: Vec<Column> = all
                .into_iter()
                .map(|(kind, label, x0, x1)| Column {
                    kind,
                    label,
                    x0,
                    x1,
                    lo: f32::NEG_INFINITY,
                    hi: f32::INFINITY,
                })
                .collect();
            for k in 0..columns.len() {
                if k > 0 {
                    columns[k].lo = (columns[k - 1].x1 + columns[k].x0) / 2.0;
                }
                if k + 1 < columns.len() {
                    columns[k].hi = (columns[k].x1 + columns[k + 1].x0) / 2.0;
                }
            }
            out.push(Header {
                page: pi,
                first_line,
                last_line,
                columns,
            });
        }
    }
    out
}

/// Lines that end a table: totals, prepaid, terms, headings, party sections.
fn is_stop_line(ctx: &Ctx<'_>, page: usize, li: usize) -> bool {
    let v = &ctx.views[page];
    let line = &v.lines[li];
    ctx.hits_on(page, li).iter().any(|h| {
        if h.page != page || h.line != li || !h.starts_seg {
            return false;
        }
        // A heading stands alone (or before a colon); inside a description it is prose
        // ("Lieferung Nr. 2018-51112 in Rechnung zu stellen").
        let standalone = || {
            let seg = &line.segs[h.seg];
            (seg.end == h.last + 1 && h.rest.is_empty())
                || v.word_text(line.words[h.last]).ends_with(':')
        };
        // A totals label further right on the line ends the table only with its amount.
        let amount_right =
            || (h.last + 1..line.words.len()).any(|p| has_cents(v.word_text(line.words[p])));
        match ctx.label(h).target {
            // Totals may stand anywhere on the line (a VAT table to their left).
            Target::Field(f) => {
                matches!(
                    f,
                    sapllm_core::FieldKey::NetTotal
                        | sapllm_core::FieldKey::TaxTotal
                        | sapllm_core::FieldKey::GrossTotal
                        | sapllm_core::FieldKey::AmountDue
                        | sapllm_core::FieldKey::PaymentTerms
                ) && (h.seg == 0 || amount_right())
            }
            Target::Prepaid => h.seg == 0 || amount_right(),
            Target::Heading | Target::Section(_) => h.seg == 0 && standalone(),
            _ => false,
        }
    })
}

/// Carried-forward and brought-forward labels in the eight languages that are also ordinary
/// words ("Transporte e embalagem" is a freight line in Portuguese, "Transporte" alone carries
/// the subtotal): they count only as the whole label of the line.
const CARRY_LABELS: &[&str] = &[
    "carried forward",
    "brought forward",
    "a reporter",
    "report",
    "suma y sigue",
    "suma anterior",
    "saldo anterior",
    "a riportare",
    "da riportare",
    "riporto",
    "transport",
    "van transport",
    "overdracht",
    "do przeniesienia",
    "z przeniesienia",
    "przeniesienie",
    "a transportar",
    "transporte",
    "subtotal",
    "subtotale",
    "subtotaal",
    "sous total",
    "zwischensumme",
    "suma czesciowa",
];

/// Allowances and charges on the whole document in the eight languages (`Discount 3 %`,
/// `Versandkosten`, `Spese di trasporto`): printed under or inside the item table without a
/// quantity or unit price, they are not items (EN 16931 keeps them at document level).
const ADJUSTMENT_LABELS: &[&str] = &[
    "discount",
    "freight",
    "shipping",
    "surcharge",
    "rabatt",
    "nachlass",
    "versandkosten",
    "frachtkosten",
    "zuschlag",
    "remise",
    "rabais",
    "frais de port",
    "frais de transport",
    "descuento",
    "portes",
    "gastos de envio",
    "recargo",
    "sconto",
    "spese di trasporto",
    "spese di spedizione",
    "korting",
    "verzendkosten",
    "vrachtkosten",
    "rabat",
    "koszty transportu",
    "koszty wysylki",
    "desconto",
    "custos de transporte",
];

/// The words of the first phrase of a line (letters only), joined by spaces.
fn first_label(line: &LineView) -> String {
    let Some(first) = line.segs.first() else {
        return String::new();
    };
    line.toks
        .iter()
        .filter(|t| t.pos < first.end && t.text.chars().any(char::is_alphabetic))
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A document-level allowance or charge line (see [`ADJUSTMENT_LABELS`]).
fn is_adjustment_line(line: &LineView) -> bool {
    let label = first_label(line);
    ADJUSTMENT_LABELS.iter().any(|a| {
        label
            .strip_prefix(a)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    })
}

/// Carried-forward and subtotal lines inside a table: neither items nor its end.
fn is_carry_line(line: &LineView) -> bool {
    if CARRY_LABELS.contains(&first_label(line).as_str()) {
        return true;
    }
    line.toks.iter().take(6).any(|t| {
        matches!(
            t.text.as_str(),
            "ubertrag"
                | "vortrag"
                | "zwischensumme"
                | "subtotal"
                | "carried"
                | "brought"
                | "report"
                | "reporter"
                | "transport"
                | "uebertrag"
        )
    })
}

/// A word with its column.
struct Placed {
    idx: u32,
    text: String,
    col: Option<usize>,
}

fn place_words(v: &PageView<'_>, line: &LineView, cols: &[Column]) -> Vec<Placed> {
    let mut placed = place_words_by_zone(v, line, cols);
    // A description that runs past its zone (`Chaise de bureau ergonomique, modèle Lugano`)
    // keeps the rest of its phrase.
    let desc = cols.iter().position(|c| c.kind == Col::Description);
    for seg in &line.segs {
        if desc.is_some() && placed.get(seg.start).is_some_and(|p| p.col == desc) {
            for p in placed.iter_mut().take(seg.end).skip(seg.start + 1) {
                let numeric_col = p.col.is_some_and(|c| {
                    !matches!(cols[c].kind, Col::Description | Col::Other | Col::ItemId)
                });
                if !(numeric_col && p.text.chars().any(|ch| ch.is_ascii_digit())) {
                    p.col = desc;
                }
            }
        }
    }
    // Numbers inside a description that runs into a numeric column's zone (`LED panel 60 x
    // 60 cm, 36 W`, `Gloves, size 9`) belong to the description when that column also has a
    // value of its own, printed apart (after a gap) from the description: the quantity is
    // `25`, not the `36` of `36 W`.
    if let Some(d) = desc {
        let seg_of = |i: usize| line.segs.iter().position(|s| i >= s.start && i < s.end);
        let desc_segs: Vec<usize> = line
            .segs
            .iter()
            .enumerate()
            .filter(|(_, s)| placed.get(s.start).is_some_and(|p| p.col == desc))
            .map(|(i, _)| i)
            .collect();
        for (c, col) in cols.iter().enumerate() {
            if matches!(col.kind, Col::Description | Col::Other | Col::ItemId) {
                continue;
            }
            let in_desc = |i: usize| seg_of(i).is_some_and(|s| desc_segs.contains(&s));
            let own = placed
                .iter()
                .enumerate()
                .any(|(i, p)| p.col == Some(c) && !in_desc(i));
            if own {
                for (i, p) in placed.iter_mut().enumerate() {
                    if p.col == Some(c) && in_desc(i) {
                        p.col = Some(d);
                    }
                }
            }
        }
    }
    placed
}

fn place_words_by_zone(v: &PageView<'_>, line: &LineView, cols: &[Column]) -> Vec<Placed> {
    line.words
        .iter()
        .map(|&w| {
            let b = v.word_box(w);
            let cx = b.center_x();
            // Overlap with a label first (right-aligned numbers under wide labels), then zones.
            let col = cols
                .iter()
                .position(|c| b.x0 < c.x1 && b.x1 > c.x0 && cx >= c.lo && cx < c.hi)
                .or_else(|| cols.iter().position(|c| cx >= c.lo && cx < c.hi));
            Placed {
                idx: w,
                text: v.word_text(w).to_owned(),
                col,
            }
        })
        .collect()
}

/// The index of the value column for net amounts: the rightmost amount column.
fn amount_col(cols: &[Column]) -> Option<usize> {
    cols.iter().rposition(|c| c.kind == Col::Amount)
}

fn is_position(text: &str) -> bool {
    let t = text.trim_end_matches('.');
    !t.is_empty()
        && t.len() <= 6
        && t.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The words of one column in an item: `(column index, (word, text) pairs, page)`.
type ColWords = (usize, Vec<(u32, String)>, usize);

/// One table line inside a region.
struct RowLine {
    page: usize,
    line: usize,
    placed: Vec<Placed>,
    /// The net amount of this line (money in the amount column).
    net: Option<(Decimal, Vec<u32>, String)>,
    /// Starts an item by its position number.
    pos_start: bool,
}

pub(crate) fn line_items(ctx: &Ctx<'_>, producer: &Producer) -> Vec<LineItem> {
    let hdrs = headers(ctx);
    let mut items = Vec::new();
    let mut consumed: Option<(usize, usize)> = None; // (page, line) reached by the last table
    for (hi, h) in hdrs.iter().enumerate() {
        if consumed.is_some_and(|(p, l)| (h.page, h.first_line) <= (p, l)) {
            continue;
        }
        let cols = &h.columns;
        let Some(acol) =
            amount_col(cols).or_else(|| cols.iter().rposition(|c| c.kind == Col::UnitPrice))
        else {
            continue;
        };
        let pos_col = cols.iter().position(|c| c.kind == Col::Pos);
        // Collect the region's lines, following the table across pages.
        let mut rows: Vec<RowLine> = Vec::new();
        let mut page = h.page;
        let mut start = h.last_line + 1;
        'pages: loop {
            let v = &ctx.views[page];
            for li in start..v.lines.len() {
                let line = &v.lines[li];
                // Another table header: a repeated header continues this table, a different one
                // (another page's header is handled when we get there) ends it.
                if hdrs
                    .iter()
                    .skip(hi + 1)
                    .any(|o| o.page == page && o.first_line == li)
                {
                    let o = hdrs
                        .iter()
                        .skip(hi + 1)
                        .find(|o| o.page == page && o.first_line == li);
                    if let Some(o) = o {
                        if same_columns(o, h) && page != h.page {
                            consumed = Some((page, o.last_line));
                            continue;
                        }
                    }
                    consumed = Some((page, li.saturating_sub(1)));
                    break 'pages;
                }
                if hdrs
                    .iter()
                    .skip(hi + 1)
                    .any(|o| o.page == page && li > o.first_line && li <= o.last_line)
                {
                    continue;
                }
                if is_stop_line(ctx, page, li) {
                    consumed = Some((page, li));
                    break 'pages;
                }
                let placed = place_words(v, line, cols);
                // `Übertrag 1.234,00`: a carried-forward line has no quantity or unit price.
                let has_qty_or_price = placed.iter().any(|p| {
                    p.col.is_some_and(|c| {
                        matches!(cols[c].kind, Col::Quantity | Col::UnitPrice | Col::Pos)
                    }) && p.text.chars().any(|ch| ch.is_ascii_digit())
                });
                if is_carry_line(line) && !has_qty_or_price {
                    continue;
                }
                // `Sconto 3 %  -895,68`: the rate belongs to the label; a quantity or price
                // printed apart would make it an item after all.
                let first_end = line.segs.first().map_or(0, |s| s.end);
                let value_apart = placed.iter().skip(first_end).any(|p| {
                    p.col.is_some_and(|c| {
                        matches!(cols[c].kind, Col::Quantity | Col::UnitPrice | Col::Pos)
                    }) && p.text.chars().any(|ch| ch.is_ascii_digit())
                });
                if is_adjustment_line(line) && !value_apart {
                    continue;
                }
                let in_amount: Vec<Item> = placed
                    .iter()
                    .filter(|p| p.col == Some(acol))
                    .map(|p| Item {
                        idx: p.idx,
                        text: p.text.clone(),
                    })
                    .collect();
                let net = parse_amounts(&in_amount, ctx.style)
                    .into_iter()
                    .rfind(|a| has_cents(&a.raw) || a.raw.contains([',', '.']))
                    .map(|a| (a.value, a.words, a.raw));
                let pos_start = pos_col.is_some_and(|pc| {
                    placed
                        .first()
                        .is_some_and(|p| p.col == Some(pc) && is_position(&p.text))
                });
                rows.push(RowLine {
                    page,
                    line: li,
                    placed,
                    net,
                    pos_start,
                });
                consumed = Some((page, li));
            }
            // Ran off the page: the table continues on the next page.
            if page + 1 < ctx.views.len() {
                page += 1;
                start = 0;
                continue;
            }
            break;
        }
        items.extend(build_items(ctx, producer, cols, acol, pos_col, &rows));
    }
    items
}

fn same_columns(a: &Header, b: &Header) -> bool {
    let kinds = |h: &Header| h.columns.iter().map(|c| c.kind).collect::<Vec<_>>();
    kinds(a) == kinds(b)
}

/// Groups table lines into items and reads their cells.
fn build_items(
    ctx: &Ctx<'_>,
    producer: &Producer,
    cols: &[Column],
    acol: usize,
    pos_col: Option<usize>,
    rows: &[RowLine],
) -> Vec<LineItem> {
    let use_pos = pos_col.is_some() && rows.iter().any(|r| r.pos_start);
    // Item boundaries: at position numbers, or at each line with a net amount.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let starts = if use_pos {
            r.pos_start
        } else {
            r.net.is_some()
        };
        if starts {
            groups.push(vec![i]);
        } else if let Some(g) = groups.last_mut() {
            g.push(i);
        } else if r.net.is_some() {
            // An item above the first position number (numbering of groups, not of items).
            groups.push(vec![i]);
        }
    }
    // Sub-lines without their own position number (`1` then an unnumbered line with its own
    // price and amount): a further amount in a group starts a further item, together with the
    // price/quantity line just above it when the amount sits one line lower.
    if use_pos {
        let has_price_or_qty = |i: usize| {
            rows[i].placed.iter().any(|p| {
                p.col
                    .is_some_and(|c| matches!(cols[c].kind, Col::UnitPrice | Col::Quantity))
                    && p.text.chars().any(|ch| ch.is_ascii_digit())
            })
        };
        let mut split: Vec<Vec<usize>> = Vec::new();
        for g in groups {
            let nets: Vec<usize> = g
                .iter()
                .copied()
                .filter(|&i| rows[i].net.is_some())
                .collect();
            if nets.len() <= 1 {
                split.push(g);
                continue;
            }
            let mut cur: Vec<usize> = Vec::new();
            let mut seen_net = false;
            for (k, &i) in g.iter().enumerate() {
                let own_row = has_price_or_qty(i);
                let row_above = k > 0 && has_price_or_qty(g[k - 1]) && rows[g[k - 1]].net.is_none();
                if rows[i].net.is_some() && seen_net && (own_row || row_above) {
                    // Start where this amount's row starts: its own line, or the line above it
                    // when that one carries the price and quantity.
                    let mut start = cur.len();
                    if !own_row && row_above {
                        start = cur.len().saturating_sub(1);
                    }
                    let tail = cur.split_off(start);
                    split.push(std::mem::take(&mut cur));
                    cur = tail;
                }
                if rows[i].net.is_some() {
                    seen_net = true;
                }
                cur.push(i);
            }
            split.push(cur);
        }
        groups = split.into_iter().filter(|g| !g.is_empty()).collect();
    }
    let mut out = Vec::new();
    for g in groups {
        // The item's amount: the first line of the group that has one.
        let Some(&ai) = g.iter().find(|&&i| rows[i].net.is_some()) else {
            continue;
        };
        let Some((net, net_words, net_raw)) = rows[ai].net.clone() else {
            continue;
        };
        let first = &rows[g[0]];
        let page = first.page;
        let v = &ctx.views[page];
        let row_no = out.len() + 1;
        let mut cells = std::collections::BTreeMap::new();
        let mk =
            |value: FieldValue, words: Vec<u32>, raw: String, col: &str, conf: f32, page: usize| {
                let pv = &ctx.views[page];
                Cell {
                    value,
                    confidence: conf,
                    provenance: Provenance {
                        source: pv.page.text_source,
                        page: Some(pv.page.index),
                        bbox: BBox::union_all(
                            words
                                .iter()
                                .map(|&w| pv.word_box(w))
                                .collect::<Vec<_>>()
                                .iter(),
                        ),
                        words,
                        raw,
                        producer: producer.clone(),
                        explanation: format!(
                            "column '{col}' of the item table, row {row_no}, page {}",
                            page + 1
                        ),
                    },
                }
            };
        let label_of = |k: usize| cols[k].label.clone();
        // Values of one column over the group's lines (first line that has any).
        let col_words = |kind: Col| -> Option<ColWords> {
            let k = cols.iter().position(|c| c.kind == kind)?;
            for &i in &g {
                let ws: Vec<(u32, String)> = rows[i]
                    .placed
                    .iter()
                    .filter(|p| p.col == Some(k))
                    .map(|p| (p.idx, p.text.clone()))
                    .collect();
                if !ws.is_empty() {
                    return Some((k, ws, rows[i].page));
                }
            }
            None
        };
        let mut qty: Option<Decimal> = None;
        if let Some((k, ws, pg)) = col_words(Col::Quantity) {
            if let Some(pos) = ws
                .iter()
                .position(|(_, t)| parse::parse_quantity(t, ctx.style).is_some())
            {
                let (w, t) = &ws[pos];
                // `2 500 pce`: a thousands group split by a space.
                let (text, words, unit_at) = match ws.get(pos + 1) {
                    Some((w2, t2))
                        if t.len() <= 3
                            && t.bytes().all(|b| b.is_ascii_digit())
                            && t2.len() >= 3
                            && t2.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                            && t2
                                .bytes()
                                .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
                            && (t2.len() == 3 || matches!(t2.as_bytes()[3], b',' | b'.')) =>
                    {
                        (format!("{t}{t2}"), vec![*w, *w2], pos + 2)
                    }
                    _ => (t.clone(), vec![*w], pos + 1),
                };
                if let Some(q) = parse::parse_quantity(&text, ctx.style) {
                    qty = Some(q);
                    cells.insert(
                        LineKey::Quantity,
                        mk(
                            FieldValue::Amount(q),
                            words,
                            text.clone(),
                            &label_of(k),
                            0.85,
                            pg,
                        ),
                    );
                    // A unit printed with the quantity (`20 Stk`).
                    if let Some((uw, ut)) = ws.get(unit_at) {
                        if ut.chars().any(char::is_alphabetic) && ut.len() <= 8 {
                            cells.insert(
                                LineKey::Unit,
                                mk(
                                    FieldValue::Code(ut.trim_end_matches('.').to_owned()),
                                    vec![*uw],
                                    ut.clone(),
                                    &label_of(k),
                                    0.8,
                                    pg,
                                ),
                            );
                        }
                    }
                }
            }
        }
        if let std::collections::btree_map::Entry::Vacant(slot) = cells.entry(LineKey::Unit) {
            if let Some((k, ws, pg)) = col_words(Col::Unit) {
                if let Some((w, t)) = ws.iter().find(|(_, t)| t.chars().any(char::is_alphabetic)) {
                    slot.insert(mk(
                        FieldValue::Code(t.trim_end_matches('.').to_owned()),
                        vec![*w],
                        t.clone(),
                        &label_of(k),
                        0.8,
                        pg,
                    ));
                }
            }
        }
        let mut price: Option<Decimal> = None;
        if let Some((k, ws, pg)) = col_words(Col::UnitPrice) {
            if k != acol {
                let its: Vec<Item> = ws
                    .iter()
                    .map(|(i, t)| Item {
                        idx: *i,
                        text: t.clone(),
                    })
                    .collect();
                if let Some(a) = parse_amounts(&its, ctx.style)
                    .into_iter()
                    .find(|a| a.raw.contains([',', '.']))
                {
                    price = Some(a.value);
                    cells.insert(
                        LineKey::UnitPrice,
                        mk(
                            FieldValue::Amount(a.value),
                            a.words,
                            a.raw,
                            &label_of(k),
                            0.85,
                            pg,
                        ),
                    );
                }
            }
        }
        if let Some((k, ws, pg)) = col_words(Col::TaxRate) {
            let joined: Vec<&str> = ws.iter().map(|(_, t)| t.as_str()).collect();
            let rate = joined.iter().enumerate().find_map(|(i, t)| {
                let with_sign = if joined.get(i + 1) == Some(&"%") {
                    format!("{t}%")
                } else {
                    (*t).to_owned()
                };
                parse::parse_percent(&with_sign).map(|r| (r, i))
            });
            if let Some((r, i)) = rate {
                cells.insert(
                    LineKey::TaxRate,
                    mk(
                        FieldValue::Amount(r),
                        vec![ws[i].0],
                        ws[i].1.clone(),
                        &label_of(k),
                        0.85,
                        pg,
                    ),
                );
            }
        }
        if let Some((k, ws, pg)) = col_words(Col::ItemId) {
            let id: Vec<&(u32, String)> = ws
                .iter()
                .filter(|(_, t)| t.chars().any(|c| c.is_ascii_digit()))
                .take(1)
                .collect();
            if let Some((w, t)) = id.first() {
                cells.insert(
                    LineKey::ItemId,
                    mk(
                        FieldValue::Text(t.clone()),
                        vec![*w],
                        t.clone(),
                        &label_of(k),
                        0.75,
                        pg,
                    ),
                );
            }
        }
        if let Some((text, words, pg)) = description(ctx, cols, rows, &g) {
            let k = cols
                .iter()
                .position(|c| c.kind == Col::Description)
                .map_or_else(String::new, label_of);
            cells.insert(
                LineKey::Description,
                mk(FieldValue::Text(text.clone()), words, text, &k, 0.8, pg),
            );
        }
        // quantity × unit price = net amount confirms the whole row.
        let consistent = match (qty, price) {
            (Some(q), Some(p)) => {
                let prod = q * p;
                (prod - net).abs() <= Decimal::new(1, 2).max(net.abs() * Decimal::new(1, 2))
            }
            _ => false,
        };
        let net_conf = if consistent { 0.97 } else { 0.85 };
        cells.insert(
            LineKey::NetAmount,
            mk(
                FieldValue::Amount(net),
                net_words,
                net_raw,
                &label_of(acol),
                net_conf,
                rows[ai].page,
            ),
        );
        if consistent {
            for c in cells.values_mut() {
                c.confidence = c.confidence.max(0.9);
                c.provenance
                    .explanation
                    .push_str("; quantity × unit price = amount");
            }
        }
        let _ = v;
        out.push(LineItem { cells });
    }
    out
}

/// The description of an item: description-column words of its first line that has any, and
/// of the lines directly below it (wrapped text), skipping `Label: value` attribute lines.
fn description(
    ctx: &Ctx<'_>,
    cols: &[Column],
    rows: &[RowLine],
    g: &[usize],
) -> Option<(String, Vec<u32>, usize)> {
    let k = cols.iter().position(|c| c.kind == Col::Description)?;
    let words_of = |i: usize| -> Vec<(u32, String)> {
        rows[i]
            .placed
            .iter()
            .filter(|p| p.col == Some(k))
            .map(|p| (p.idx, p.text.clone()))
            .collect()
    };
    let usable = |i: usize| {
        let ws = words_of(i);
        !ws.is_empty()
            && !ws.iter().any(|(_, t)| t.ends_with(':'))
            && ws.iter().any(|(_, t)| t.chars().any(char::is_alphabetic))
    };
    // Prefer the item's main row (the one with its price, quantity or amount) over group
    // headings and notes above it.
    let main_row = |i: usize| {
        rows[i].net.is_some()
            || rows[i].placed.iter().any(|p| {
                p.col
                    .is_some_and(|c| matches!(cols[c].kind, Col::UnitPrice | Col::Quantity))
                    && p.text.chars().any(|ch| ch.is_ascii_digit())
            })
    };
    let start = g
        .iter()
        .position(|&i| usable(i) && main_row(i))
        .or_else(|| g.iter().position(|&i| usable(i)))?;
    let first = g[start];
    let page = rows[first].page;
    let v = &ctx.views[page];
    let mut text: Vec<String> = Vec::new();
    let mut words = Vec::new();
    let mut last_y1 = v.lines[rows[first].line].bbox.y1;
    for &i in &g[start..] {
        let ws = words_of(i);
        if i != first {
            let line = &v.lines[rows[i].line];
            if rows[i].page != page || line.bbox.y0 - last_y1 > 0.6 * v.unit || ws.is_empty() {
                break;
            }
            if ws.iter().any(|(_, t)| t.contains(':')) || rows[i].net.is_some() && i != g[0] {
                break;
            }
            last_y1 = line.bbox.y1;
        }
        for (w, t) in ws {
            words.push(w);
            text.push(t);
        }
    }
    let s = text.join(" ");
    (!s.is_empty()).then_some((s, words, page))
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use sapllm_core::{BBox, DocType, Line, LineKey, Page, SourceKind, Word};

    use crate::extraction::{Extraction, ExtractionInput, FieldExtractor, RuleExtractor};

    /// A page from phrases `(y, [(x, text)])`: 10 pt type, 5.5 pt per character, words of a
    /// phrase 2.5 pt apart (one segment), phrases apart by their x.
    fn page(rows: &[(f32, &[(f32, &str)])]) -> Page {
        let mut words = Vec::new();
        let mut lines = Vec::new();
        for (y, phrases) in rows {
            let mut ids = Vec::new();
            for (x, text) in phrases.iter() {
                let mut cx = *x;
                for w in text.split_whitespace() {
                    let width = 5.5 * w.chars().count() as f32;
                    ids.push(words.len() as u32);
                    words.push(Word {
                        text: w.to_owned(),
                        bbox: BBox::new(cx, *y, cx + width, y + 10.0),
                        confidence: 1.0,
                    });
                    cx += width + 2.5;
                }
            }
            let bbox =
                BBox::union_all(ids.iter().map(|i| &words[*i as usize].bbox)).unwrap_or_default();
            lines.push(Line { words: ids, bbox });
        }
        Page {
            index: 0,
            width: 595.0,
            height: 842.0,
            text_source: SourceKind::TextLayer,
            words,
            lines,
        }
    }

    fn extract(p: Page) -> Extraction {
        RuleExtractor::default().extract(&ExtractionInput {
            pages: &[p],
            doc_type: DocType::Invoice,
            learned: None,
        })
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn numbers_of_a_long_description_stay_in_it_when_the_quantity_stands_apart() {
        // The description runs into the quantity column's zone; its "36" and "9" are not
        // quantities, the numbers under "Aantal" are.
        let ex = extract(page(&[
            (100.0, &[(20.0, "Factuur")]),
            (
                200.0,
                &[
                    (20.0, "Omschrijving"),
                    (250.0, "Aantal"),
                    (350.0, "Prijs"),
                    (480.0, "Bedrag"),
                ],
            ),
            (
                220.0,
                &[
                    (20.0, "LED-paneel 60 x 60 cm, 36 W"),
                    (262.0, "25"),
                    (350.0, "65,95"),
                    (480.0, "1.648,75"),
                ],
            ),
            (
                240.0,
                &[
                    (20.0, "Werkhandschoenen, maat met lange naam 9"),
                    (268.0, "5"),
                    (350.0, "6,40"),
                    (480.0, "32,00"),
                ],
            ),
            (300.0, &[(350.0, "Totaal"), (480.0, "1.680,75")]),
        ]));
        assert_eq!(ex.line_items.len(), 2, "{:#?}", ex.line_items);
        assert_eq!(ex.line_items[0].amount(LineKey::Quantity), Some(d("25")));
        assert_eq!(ex.line_items[1].amount(LineKey::Quantity), Some(d("5")));
        assert!(
            ex.line_items[0]
                .text(LineKey::Description)
                .is_some_and(|t| t.contains("36 W")),
            "{:?}",
            ex.line_items[0].text(LineKey::Description)
        );
    }

    #[test]
    fn carried_subtotals_and_document_discounts_are_not_items() {
        let ex = extract(page(&[
            (100.0, &[(20.0, "Fattura")]),
            (
                200.0,
                &[
                    (20.0, "Descrizione"),
                    (250.0, "Q.tà"),
                    (350.0, "Prezzo"),
                    (480.0, "Totale"),
                ],
            ),
            (
                220.0,
                &[
                    (20.0, "Olio idraulico HLP 46"),
                    (262.0, "22"),
                    (350.0, "4,53"),
                    (480.0, "99,66"),
                ],
            ),
            (240.0, &[(20.0, "Riporto"), (480.0, "99,66")]),
            (
                260.0,
                &[
                    (20.0, "Trasporto e imballaggio"),
                    (262.0, "1"),
                    (350.0, "20,00"),
                    (480.0, "20,00"),
                ],
            ),
            (280.0, &[(300.0, "Sconto 3 %"), (480.0, "-3,59")]),
            (300.0, &[(300.0, "Totale imponibile"), (480.0, "116,07")]),
        ]));
        let nets: Vec<Option<Decimal>> = ex
            .line_items
            .iter()
            .map(|l| l.amount(LineKey::NetAmount))
            .collect();
        assert_eq!(nets, vec![Some(d("99.66")), Some(d("20.00"))], "{nets:?}");
    }
}
