//! Seller and buyer: names, VAT IDs, tax number, country.
//!
//! Which party a value belongs to is decided by, in order: an explicit label ("Buyer VAT ID",
//! "Ihre USt-IdNr."), the party section it stands in (below "Verkäufer", "Bill to",
//! "Facturé à" ...), and where it stands on the page (letterhead and footer are the seller's,
//! the address window is the buyer's).

use sapllm_core::{FieldKey, FieldValue};

use super::candidates::{
    Cand, Ctx, Hit, Item, join_code, parse_name, parse_tax_number, vat_id_complete,
};
use super::lexicon::{Party, Target};
use super::parse;
use super::view::{LineView, PageView};

/// A party section: the region below (and right of) a party heading.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub party: Party,
    pub page: usize,
    pub header_line: usize,
    /// Last line (inclusive) of the section.
    pub end_line: usize,
    pub x0: f32,
    pub x1: f32,
    /// The heading label; `None` for address blocks inferred from the layout.
    pub hit: Option<usize>,
    /// Why an inferred block was given its party (for explanations).
    pub reason: &'static str,
}

impl Section {
    fn contains(&self, page: usize, line: usize, x: f32) -> bool {
        page == self.page
            && line >= self.header_line
            && line <= self.end_line
            && x >= self.x0
            && x < self.x1
    }
}

/// Whether a heading hit really opens a section: it opens its phrase and is either the whole
/// phrase or followed by a colon (`Lieferant GmbH` is a name, not a heading).
fn is_heading(ctx: &Ctx<'_>, h: &Hit) -> bool {
    if !h.starts_seg {
        return false;
    }
    let line = ctx.line(h.page, h.line);
    let seg = &line.segs[h.seg];
    if h.last + 1 == seg.end && h.rest.is_empty() {
        return true;
    }
    let v = &ctx.views[h.page];
    let last_word = v.word_text(line.words[h.last]);
    last_word.ends_with(':')
        || line
            .words
            .get(h.last + 1)
            .is_some_and(|&w| v.word_text(w).starts_with(':'))
}

/// Finds the party sections of the document.
pub(crate) fn sections(ctx: &Ctx<'_>) -> Vec<Section> {
    let heads: Vec<(usize, &Hit, Option<Party>)> = ctx
        .hits
        .iter()
        .enumerate()
        .filter_map(|(i, h)| match ctx.label(h).target {
            Target::Section(p) if is_heading(ctx, h) => Some((i, h, Some(p))),
            Target::Heading if is_heading(ctx, h) => Some((i, h, None)),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for &(i, h, party) in &heads {
        let Some(party) = party else { continue };
        let v = &ctx.views[h.page];
        let x0 = h.bbox.x0 - 0.5 * v.unit;
        let width = v.page.width;
        // Another heading to the right on nearby lines bounds the column.
        let neighbour = heads
            .iter()
            .filter(|(_, o, _)| {
                o.page == h.page && o.line.abs_diff(h.line) <= 2 && o.bbox.x0 > h.bbox.x1 + v.unit
            })
            .map(|(_, o, _)| o.bbox.x0 - 1.0)
            .fold(f32::INFINITY, f32::min);
        let mut x1 = if neighbour.is_finite() {
            neighbour
        } else if h.bbox.x0 < width * 0.45 {
            h.bbox.x0 + width * 0.5
        } else {
            width + 1.0
        };
        // Content far right of a heading that ends its phrase is another column.
        let hline = &v.lines[h.line];
        if hline.segs[h.seg].end == h.last + 1 {
            if let Some(next) = hline.segs.get(h.seg + 1) {
                if next.bbox.x0 - h.bbox.x1 > 3.0 * v.unit {
                    x1 = x1.min(next.bbox.x0 - 1.0);
                }
            }
        }
        let mut end = h.line;
        let mut last_y = v.lines[h.line].bbox.y1;
        for (li, line) in v.lines.iter().enumerate().skip(h.line + 1) {
            let in_col: Vec<_> = line
                .segs
                .iter()
                .filter(|s| s.bbox.x0 >= x0 && s.bbox.x0 < x1)
                .collect();
            if in_col.is_empty() {
                if line.bbox.y0 - last_y > 3.0 * v.unit {
                    break;
                }
                continue;
            }
            if line.bbox.y0 - last_y > 3.0 * v.unit {
                break;
            }
            // Another heading inside the column ends this section.
            let other_head = heads.iter().any(|(_, o, _)| {
                o.page == h.page && o.line == li && o.bbox.x0 >= x0 - v.unit && o.bbox.x0 < x1
            });
            if other_head {
                break;
            }
            end = li;
            last_y = line.bbox.y1;
        }
        out.push(Section {
            party,
            page: h.page,
            header_line: h.line,
            end_line: end,
            x0,
            x1,
            hit: Some(i),
            reason: "",
        });
    }
    out
}

/// The party whose section contains a point (the innermost, i.e. latest-starting section).
pub(crate) fn party_at(secs: &[Section], page: usize, line: usize, x: f32) -> Option<Party> {
    // A printed heading outranks an inferred address block.
    if let Some(p) = secs
        .iter()
        .filter(|s| s.hit.is_some() && s.contains(page, line, x))
        .max_by_key(|s| s.header_line)
    {
        return Some(p.party);
    }
    secs.iter()
        .filter(|s| s.contains(page, line, x))
        .max_by_key(|s| s.header_line)
        .map(|s| s.party)
}

/// Legal forms that mark a company name (case-sensitive, punctuation as printed is trimmed).
const LEGAL_FORMS: &[&str] = &[
    "GmbH",
    "gGmbH",
    "mbH",
    "AG",
    "KG",
    "KGaA",
    "OHG",
    "GbR",
    "UG",
    "e.K.",
    "e.V.",
    "a.G.",
    "VVaG",
    "eG",
    "Ltd",
    "Ltd.",
    "Limited",
    "LLC",
    "L.L.C.",
    "Inc",
    "Inc.",
    "Corp",
    "Corp.",
    "Corporation",
    "PLC",
    "plc",
    "LLP",
    "LP",
    "SARL",
    "S.A.R.L.",
    "SàRL",
    "Sàrl",
    "SAS",
    "S.A.S.",
    "SASU",
    "EURL",
    "SA",
    "S.A.",
    "SE",
    "B.V.",
    "BV",
    "N.V.",
    "NV",
    "S.p.A.",
    "SpA",
    "S.r.l.",
    "Srl",
    "S.L.",
    "SL",
    "S.L.U.",
    "Oy",
    "AB",
    "A/S",
    "ApS",
    "AS",
    "Co.",
    "Cie",
    "Cie.",
];

fn is_legal_form(word: &str) -> bool {
    let w = word.trim_end_matches([',', ';', ')']);
    if LEGAL_FORMS.contains(&w) || LEGAL_FORMS.contains(&w.trim_end_matches('.')) {
        return true;
    }
    // Longer forms also in capitals (`MUSTERLIEFERANT GMBH`); two-letter ones only as listed
    // (`AG`, but not the word `ag`).
    w.len() >= 4
        && LEGAL_FORMS
            .iter()
            .any(|f| f.len() >= 4 && f.eq_ignore_ascii_case(w))
}

/// Separators that split a sender line (`Lieferant GmbH · Straße 1 · 12345 Ort`).
fn is_separator(word: &str) -> bool {
    matches!(word, "·" | "|" | "•" | "-" | "–" | "—" | "/" | "*" | "∙")
}

/// The name part of a phrase: words up to the first separator, and up to a legal form when
/// one comes first.
fn name_words(v: &PageView<'_>, line: &LineView, start: usize, end: usize) -> Vec<Item> {
    let mut out = Vec::new();
    for p in start..end {
        let t = v.word_text(line.words[p]);
        if is_separator(t) {
            break;
        }
        let (body, cut) = match t.find(['·', '|', '•']) {
            Some(i) => (&t[..i], true),
            None => (t, false),
        };
        if !body.is_empty() {
            out.push(Item {
                idx: line.words[p],
                text: body.trim_end_matches(',').to_owned(),
            });
        }
        // After a legal form, an address may follow without a separator (`Lieferant GmbH
        // Lieferantenstraße 20 ...`); a name may also go on (`Kunden AG Mitte`).
        let address_follows = || {
            (p + 1..end).any(|q| {
                v.word_text(line.words[q])
                    .chars()
                    .any(|c| c.is_ascii_digit())
            })
        };
        if cut
            || (is_legal_form(t)
                && !out.is_empty()
                && p + 1 < end
                && !is_legal_form(v.word_text(line.words[p + 1]))
                && v.word_text(line.words[p + 1]) != "&"
                && address_follows())
        {
            break;
        }
    }
    out
}

/// Whether a phrase looks like a name line (not an address, number, contact or label line).
pub fn plausible_name(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 || text.contains('@') || text.contains("www.") || text.contains("http") {
        return false;
    }
    let first = text.split_whitespace().next().unwrap_or("");
    if first.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return false;
    }
    // Postcode lines (`DE 80333 München`, `75018 PARIS`).
    if text
        .split_whitespace()
        .any(|w| w.len() >= 4 && w.len() <= 5 && w.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let lower = text.to_lowercase();
    ![
        "tel", "fax", "phone", "telefon", "e-mail", "email", "iban", "bic", "ust", "vat", "gln",
        "ean",
    ]
    .iter()
    .any(|k| lower.starts_with(k))
}

/// Salutations and attention lines that precede a name in an address block.
fn is_salutation(text: &str) -> bool {
    let lower = text.trim().trim_end_matches([':', '.']).to_lowercase();
    matches!(
        lower.as_str(),
        "firma"
            | "herrn"
            | "herr"
            | "frau"
            | "mr"
            | "mrs"
            | "ms"
            | "madame"
            | "monsieur"
            | "z. hd"
            | "z.hd"
            | "attn"
            | "société"
            | "societe"
    )
}

fn party_field(p: Party, seller: FieldKey, buyer: FieldKey) -> Option<FieldKey> {
    match p {
        Party::Seller => Some(seller),
        Party::Buyer => Some(buyer),
        Party::Other => None,
    }
}

/// Seller/buyer names, VAT IDs, tax number and seller country.
pub(crate) fn party_candidates(ctx: &Ctx<'_>, secs: &[Section], out: &mut Vec<Cand>) {
    section_names(ctx, secs, out);
    layout_names(ctx, secs, out);
    vat_ids(ctx, secs, out);
    tax_numbers(ctx, secs, out);
}

/// Names from party sections: the heading's own value, a `Name:` label, or the first plain
/// line of the section.
fn section_names(ctx: &Ctx<'_>, secs: &[Section], out: &mut Vec<Cand>) {
    for s in secs {
        let Some(field) = party_field(s.party, FieldKey::SellerName, FieldKey::BuyerName) else {
            continue;
        };
        let v = &ctx.views[s.page];
        let page_no = s.page + 1;
        let Some(h) = s.hit.map(|i| &ctx.hits[i]) else {
            block_name(ctx, s, field, out);
            continue;
        };
        let heading = ctx.printed_label(h);
        // `BUYER: BUYER_NAME`, `Verkäufer: Lieferant GmbH`.
        let line = &v.lines[h.line];
        let seg = &line.segs[h.seg];
        let mut took_same_line = false;
        let start = if h.rest.is_empty() {
            h.last + 1
        } else {
            h.last
        };
        // `Verkäufer-Kontoname : …`, `Seller-IBAN`: the heading is only the first part of a
        // compound label, which names something else of the party (its account holder).
        let compound = !h.rest.is_empty()
            && h.rest.starts_with(char::is_alphabetic)
            && v.word_text(line.words[h.last])
                .contains(&format!("-{}", h.rest));
        if start < seg.end && !compound {
            let mut items = name_words(v, line, start, seg.end);
            if !h.rest.is_empty() {
                if let Some(first) = items.first_mut() {
                    first.text = h.rest.clone();
                }
            }
            if let Some((name, words)) = parse_name(&items) {
                if plausible_name(&name) {
                    out.push(cand(
                        field,
                        &name,
                        0.85,
                        s.page,
                        words,
                        format!("name after heading '{heading}' on page {page_no}"),
                    ));
                    took_same_line = true;
                }
            }
        }
        // `Name:` labels inside the section.
        for nh in ctx.hits_of(Target::Name) {
            if !s.contains(nh.page, nh.line, nh.bbox.x0) {
                continue;
            }
            if !nh.starts_seg {
                continue;
            }
            // `Name:` or a `Name` column with its value in the next phrase; `Name, Dep:` is
            // another attribute.
            let nline = ctx.line(nh.page, nh.line);
            let word = v.word_text(nline.words[nh.last]);
            let colon = word.ends_with(':')
                || nline
                    .words
                    .get(nh.last + 1)
                    .is_some_and(|&w| v.word_text(w).starts_with(':'));
            let alone = nh.last + 1 == nline.segs[nh.seg].end && nh.rest.is_empty();
            if !colon && !alone {
                continue;
            }
            let strength = ctx.label(nh).strength;
            for src in ctx.sources(nh, false) {
                if let Some((mut name, mut words)) = parse_name(&src.items) {
                    if src.place == super::candidates::Place::RightOnLine {
                        wrap_value(v, nh.line, &mut name, &mut words);
                    }
                    let score = 0.95 * strength * src.place.factor();
                    out.push(cand(
                        field,
                        &name,
                        score,
                        s.page,
                        words,
                        format!(
                            "value {} label '{}' in section '{heading}' on page {page_no}",
                            src.place.describe(),
                            ctx.printed_label(nh)
                        ),
                    ));
                    break;
                }
            }
        }
        // First plain line below the heading.
        if took_same_line {
            continue;
        }
        for li in s.header_line + 1..=s.end_line.min(s.header_line + 6) {
            let line = &v.lines[li];
            // The phrase aligned with the heading (others on the line are other columns).
            let Some(seg) = line
                .segs
                .iter()
                .find(|g| g.bbox.x0 >= s.x0 && g.bbox.x0 < s.x0 + 2.5 * v.unit)
            else {
                continue;
            };
            let text = v.seg_text(line, seg);
            if is_salutation(&text) {
                continue;
            }
            // `Label: value` lines are attributes, not the name.
            let colon_next = line
                .segs
                .iter()
                .find(|g| g.bbox.x0 > seg.bbox.x1)
                .is_some_and(|g| v.word_text(line.words[g.start]).starts_with(':'));
            if text.contains(':') || colon_next {
                continue;
            }
            if !plausible_name(&text) {
                continue;
            }
            let items = name_words(v, line, seg.start, seg.end);
            if let Some((name, words)) = parse_name(&items) {
                let legal = items.iter().any(|i| is_legal_form(&i.text));
                let score = if legal { 0.8 } else { 0.65 };
                out.push(cand(
                    field,
                    &name,
                    score,
                    s.page,
                    words,
                    format!("first line of section '{heading}' on page {page_no}"),
                ));
            }
            break;
        }
    }
}

/// A value in a column right of its label that wraps onto lines without a label of their own
/// (`MVM Musterhafter` / `Name: Versicherungsverein Musterstadt a.G.` with the label centred
/// on the second line): lines directly above and below at the value's x are joined.
fn wrap_value(v: &PageView<'_>, line: usize, name: &mut String, words: &mut Vec<u32>) {
    let Some(&first) = words.first() else { return };
    let vx = v.word_box(first).x0;
    let phrase_at = |li: usize| -> Option<(usize, usize)> {
        let l = v.lines.get(li)?;
        // Nothing left of the value column: no label of its own.
        if l.segs.iter().any(|g| g.bbox.x1 < vx - v.unit) {
            return None;
        }
        l.segs
            .iter()
            .position(|g| (g.bbox.x0 - vx).abs() <= 1.0)
            .map(|si| (li, si))
    };
    let close = |a: usize, b: usize| {
        let (la, lb) = (&v.lines[a], &v.lines[b]);
        lb.bbox.y0 - la.bbox.y1 <= 0.8 * v.unit
    };
    let mut before: Vec<(usize, usize)> = Vec::new();
    let mut li = line;
    while li > 0 && before.len() < 2 {
        match phrase_at(li - 1) {
            Some(p) if close(li - 1, li) => {
                before.push(p);
                li -= 1;
            }
            _ => break,
        }
    }
    // A line below that holds only a country code (`DE` under `Lieferant GmbH`) is the
    // address's country, not the rest of the name; a legal form (`AG`, `SE`) still is.
    let country_line = |(li, si): (usize, usize)| {
        let l = &v.lines[li];
        let t = v.seg_text(l, &l.segs[si]);
        t.len() == 2
            && t.chars().all(|c| c.is_ascii_uppercase())
            && crate::checks::country::is_country(&t)
            && !is_legal_form(&t)
    };
    let mut after: Vec<(usize, usize)> = Vec::new();
    let mut li = line;
    while after.len() < 2 {
        match phrase_at(li + 1) {
            Some(p) if close(li, li + 1) && !country_line(p) => {
                after.push(p);
                li += 1;
            }
            _ => break,
        }
    }
    let text_of = |(li, si): (usize, usize)| {
        let l = &v.lines[li];
        let g = &l.segs[si];
        (
            v.seg_text(l, g),
            (g.start..g.end).map(|p| l.words[p]).collect::<Vec<u32>>(),
        )
    };
    let mut parts: Vec<String> = Vec::new();
    let mut all: Vec<u32> = Vec::new();
    for p in before.into_iter().rev() {
        let (t, w) = text_of(p);
        parts.push(t);
        all.extend(w);
    }
    parts.push(std::mem::take(name));
    all.append(words);
    for p in after {
        let (t, w) = text_of(p);
        parts.push(t);
        all.extend(w);
    }
    *name = parts.join(" ");
    *words = all;
}

/// The name of an inferred address block: its first plausible line.
fn block_name(ctx: &Ctx<'_>, s: &Section, field: FieldKey, out: &mut Vec<Cand>) {
    let v = &ctx.views[s.page];
    for li in s.header_line..=s.end_line {
        let line = &v.lines[li];
        let Some(seg) = line
            .segs
            .iter()
            .find(|g| g.bbox.x0 >= s.x0 && g.bbox.x0 < s.x1)
        else {
            continue;
        };
        let text = v.seg_text(line, seg);
        if is_salutation(&text) {
            continue;
        }
        if !plausible_name(&text) {
            break;
        }
        let items = name_words(v, line, seg.start, seg.end);
        if let Some((name, words)) = parse_name(&items) {
            out.push(cand(
                field,
                &name,
                0.6,
                s.page,
                words,
                format!(
                    "first line of the address block on page {} ({})",
                    s.page + 1,
                    s.reason
                ),
            ));
        }
        break;
    }
}

/// Address blocks on the first page that no heading names: short left-aligned blocks of
/// tightly spaced lines with a postcode. Contact details (phone, e-mail, web) and large type
/// make a block the seller's; a sender line above it (small type with separators), a
/// salutation, or the position of a DIN window envelope make it the buyer's. With one block
/// decided, another block beside it takes the other role.
pub(crate) fn address_blocks(ctx: &Ctx<'_>, secs: &[Section]) -> Vec<Section> {
    let Some(v) = ctx.views.first() else {
        return Vec::new();
    };
    let (w, h) = (v.page.width.max(1.0), v.page.height.max(1.0));
    struct Block {
        lines: Vec<(usize, usize)>,
        x0: f32,
        x1: f32,
        /// Right edge of the last line (right-aligned blocks in a letterhead).
        last_x1: f32,
        last_y1: f32,
        font: f32,
    }
    let mut blocks: Vec<Block> = Vec::new();
    // Addresses stand above the first totals or table line.
    let stop_at = ctx
        .hits
        .iter()
        .filter(|hh| {
            hh.page == 0
                && matches!(
                    ctx.label(hh).target,
                    Target::Field(
                        FieldKey::NetTotal
                            | FieldKey::GrossTotal
                            | FieldKey::TaxTotal
                            | FieldKey::AmountDue
                    )
                )
                && hh.starts_seg
        })
        .map(|hh| (hh.line, ()))
        .min_by_key(|x| x.0);
    for (li, line) in v.lines.iter().enumerate() {
        if line.bbox.y0 > h * 0.55 {
            break;
        }
        // A line with an amount with cents belongs to a table.
        if line.toks.len() > 1
            && (0..line.words.len()).any(|p| {
                super::candidates::has_cents(v.word_text(line.words[p]))
                    && v.word_text(line.words[p])
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_digit())
            })
        {
            continue;
        }
        for (si, seg) in line.segs.iter().enumerate() {
            if seg.bbox.width() > w * 0.6 || party_at(secs, 0, li, seg.bbox.x0).is_some() {
                continue;
            }
            // Content of an item table or totals is not an address.
            if stop_at.is_some_and(|(sl, _)| li >= sl) {
                continue;
            }
            let open = blocks.iter_mut().rev().find(|b| {
                let aligned = (b.x0 - seg.bbox.x0).abs() <= 0.6 * v.unit
                    || (b.last_x1 - seg.bbox.x1).abs() <= 0.6 * v.unit && seg.bbox.x0 > w * 0.4;
                aligned
                    && seg.bbox.y0 - b.last_y1 <= 1.0 * v.unit
                    && seg.bbox.y0 >= b.last_y1 - 0.3 * v.unit
            });
            match open {
                Some(b) => {
                    b.lines.push((li, si));
                    b.last_y1 = seg.bbox.y1;
                    b.last_x1 = seg.bbox.x1;
                    b.x0 = b.x0.min(seg.bbox.x0);
                    b.x1 = b.x1.max(seg.bbox.x1);
                }
                None => blocks.push(Block {
                    lines: vec![(li, si)],
                    x0: seg.bbox.x0,
                    x1: seg.bbox.x1,
                    last_x1: seg.bbox.x1,
                    last_y1: seg.bbox.y1,
                    font: seg.bbox.height(),
                }),
            }
        }
    }
    let seg_text = |li: usize, si: usize| v.seg_text(&v.lines[li], &v.lines[li].segs[si]);
    let has_sep = |li: usize, si: usize| {
        let l = &v.lines[li];
        let g = &l.segs[si];
        let strong = (g.start..g.end).any(|p| {
            let t = v.word_text(l.words[p]);
            matches!(t, "·" | "|" | "•") || t.contains(['·', '|', '•'])
        });
        // `Firma GmbH, Straße 1, 12345 Ort` / `Firma GmbH - Straße 1 - 12345 Ort`: a whole
        // address on one line.
        let text = v.seg_text(l, g);
        let commas = text.matches(',').count() + text.matches(" - ").count();
        strong || (commas >= 2 && has_postcode(&text))
    };
    // Seller names printed elsewhere (footer lines with a legal form).
    let footer_names: Vec<String> = v
        .lines
        .iter()
        .filter(|l| l.bbox.y0 > h * 0.75)
        .flat_map(|l| l.segs.iter().map(move |g| (l, g)))
        .map(|(l, g)| name_key(&v.seg_text(l, g)))
        .collect();
    let mut scored: Vec<(Block, f32, f32, bool)> = Vec::new();
    for mut b in blocks {
        // A sender line heads the block: small type with separators above the name.
        let mut sender = false;
        if b.lines.len() >= 2 {
            let (l0, s0) = b.lines[0];
            let (l1, s1) = b.lines[1];
            let small =
                v.lines[l0].segs[s0].bbox.height() < 0.9 * v.lines[l1].segs[s1].bbox.height();
            if has_sep(l0, s0) && (small || seg_text(l0, s0).split_whitespace().count() > 5) {
                sender = true;
                b.lines.remove(0);
            }
        }
        if b.lines.len() < 2 || b.lines.len() > 8 {
            continue;
        }
        let texts: Vec<String> = b.lines.iter().map(|&(li, si)| seg_text(li, si)).collect();
        // The postcode stands below the name.
        let postcode = texts.iter().skip(1).any(|t| has_postcode(t));
        let labelled = texts.iter().filter(|t| t.contains(':')).count() * 2 > texts.len();
        // A column of values right of `Label:` phrases is not an address.
        let values = b
            .lines
            .iter()
            .filter(|&&(li, si)| {
                si > 0 && {
                    let l = &v.lines[li];
                    let left = &l.segs[si - 1];
                    v.word_text(l.words[left.end - 1]).ends_with(':')
                }
            })
            .count()
            * 2
            > b.lines.len();
        if !postcode || labelled || values {
            continue;
        }
        let mut seller = 0.0f32;
        let mut buyer = 0.0f32;
        let contact = texts.iter().any(|t| {
            let l = t.to_lowercase();
            l.contains('@')
                || l.contains("www.")
                || ["tel", "phone", "fax", "e-mail", "email", "mobil"]
                    .iter()
                    .any(|k| l.starts_with(k))
        });
        if contact {
            seller += 1.5;
        }
        if sender {
            buyer += 2.0;
        }
        // The line above the block may be the sender line (not merged when spaced apart).
        let (fl, fs) = b.lines[0];
        let first_box = v.lines[fl].segs[fs].bbox;
        if let Some((pl, ps)) = (0..fl).rev().take(2).find_map(|pl| {
            v.lines[pl]
                .segs
                .iter()
                .position(|g| (g.bbox.x0 - first_box.x0).abs() <= v.unit)
                .map(|ps| (pl, ps))
        }) {
            let pb = v.lines[pl].segs[ps].bbox;
            if first_box.y0 - pb.y1 < 2.0 * v.unit
                && has_sep(pl, ps)
                && pb.height() < 0.9 * first_box.height()
            {
                buyer += 2.0;
            }
        }
        if texts.iter().any(|t| is_salutation(t)) {
            buyer += 1.0;
        }
        if footer_names
            .iter()
            .any(|n| !n.is_empty() && *n == name_key(&texts[0]))
        {
            seller += 2.0;
        }
        if first_box.height() > 1.3 * v.unit {
            seller += 1.0;
        }
        if first_box.y0 < h * 0.07 {
            seller += 0.5;
        }
        let window = b.x0 < w * 0.45 && first_box.y0 >= h * 0.08 && first_box.y0 <= h * 0.4;
        if window {
            buyer += 0.5;
        }
        b.font = first_box.height();
        scored.push((b, seller, buyer, false));
    }
    let mut out = Vec::new();
    let has_party = |p: Party| secs.iter().any(|s| s.page == 0 && s.party == p);
    // The most recipient-like block is the buyer's, the most sender-like the seller's; a
    // single block is decided by its own evidence.
    let d = |i: usize| scored[i].2 - scored[i].1;
    let by_d: Vec<usize> = {
        let mut v: Vec<usize> = (0..scored.len()).collect();
        v.sort_by(|&a, &b| d(b).total_cmp(&d(a)));
        v
    };
    let (mut buyer_i, mut seller_i) = match by_d.as_slice() {
        [] => (None, None),
        [only] => (
            (d(*only) > 0.0).then_some(*only),
            (d(*only) < 0.0).then_some(*only),
        ),
        [first, .., last] => {
            if d(*first) > d(*last) {
                (Some(*first), Some(*last))
            } else {
                (None, None)
            }
        }
    };
    // The sender's block when a heading names someone else as the seller: the document was
    // issued by the buyer (a purchase order, a self-billed invoice).
    let mut swapped = false;
    if has_party(Party::Seller) && !has_party(Party::Buyer) && buyer_i.is_none() {
        buyer_i = seller_i.take();
        swapped = buyer_i.is_some();
    }
    for (i, (b, se, bu, _)) in scored.iter().enumerate() {
        let (party, reason) = if Some(i) == buyer_i && !has_party(Party::Buyer) {
            (
                Party::Buyer,
                if swapped {
                    ISSUED_BY_BUYER
                } else if *bu > *se {
                    "recipient: sender line, salutation or window position"
                } else {
                    "the other address block"
                },
            )
        } else if Some(i) == seller_i && !has_party(Party::Seller) {
            (
                Party::Seller,
                if *se > *bu {
                    "sender: contact details, letterhead type or name in the footer"
                } else {
                    "the other address block"
                },
            )
        } else {
            continue;
        };
        let first = b.lines[0].0;
        let last = b.lines[b.lines.len() - 1].0;
        out.push(Section {
            party,
            page: 0,
            header_line: first,
            end_line: last,
            x0: b.x0 - 0.5 * v.unit,
            x1: b.x1 + v.unit,
            hit: None,
            reason,
        });
    }
    out
}

/// Reason of a sender block that belongs to the buyer (the buyer issued the document).
const ISSUED_BY_BUYER: &str =
    "letterhead of the issuer, while a heading names someone else as the seller";

/// Who issued the document, i.e. whose letterhead and footer it carries: the seller, except on
/// purchase orders and where the sender's block had to be the buyer's.
fn issuer(ctx: &Ctx<'_>, secs: &[Section]) -> Party {
    if ctx.doc_type == sapllm_core::DocType::PurchaseOrder
        || secs
            .iter()
            .any(|s| s.hit.is_none() && s.reason == ISSUED_BY_BUYER)
    {
        Party::Buyer
    } else {
        Party::Seller
    }
}

/// A comparison key for names: letters and digits, case-folded.
fn name_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a line holds a postcode: a 4–5 digit group (DE, AT, CH, FR, IT, ES, NL with
/// letters), `D-80333`, or a UK postcode (`SW1A 1AA`).
fn has_postcode(t: &str) -> bool {
    let words: Vec<&str> = t.split_whitespace().collect();
    words.iter().enumerate().any(|(i, w)| {
        let w = w.trim_end_matches(',');
        let core = w.split_once('-').map_or(w, |(p, rest)| {
            let country = p.len() == 1 && "DAFIBL".contains(p)
                || p.len() == 2 && parse::country_name_known(p);
            if country { rest } else { w }
        });
        let digits = (4..=5).contains(&core.len()) && core.bytes().all(|b| b.is_ascii_digit());
        // Not an amount or a year next to a month.
        let uk = i + 1 < words.len()
            && (2..=4).contains(&w.len())
            && w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && w.chars().any(|c| c.is_ascii_digit())
            && {
                let n = words[i + 1].trim_end_matches(',');
                n.len() == 3
                    && n.as_bytes()[0].is_ascii_digit()
                    && n[1..].chars().all(|c| c.is_ascii_uppercase())
            };
        digits || uk
    })
}

/// Names from the page layout: a company name with a legal form in the letterhead or footer,
/// and the largest type in the letterhead, are the seller's.
fn layout_names(ctx: &Ctx<'_>, secs: &[Section], out: &mut Vec<Cand>) {
    let Some(v) = ctx.views.first() else { return };
    let (w, h) = (v.page.width.max(1.0), v.page.height.max(1.0));
    let named_seller = secs
        .iter()
        .any(|s| s.hit.is_some() && s.party == Party::Seller);
    // Letterhead and footer name the issuer: the seller, or the buyer on a purchase order.
    let issuer_field = match issuer(ctx, secs) {
        Party::Buyer => FieldKey::BuyerName,
        _ => FieldKey::SellerName,
    };
    // Letterhead: the biggest type in the top fifth.
    let mut biggest: Option<(f32, usize, usize)> = None;
    for (li, line) in v.lines.iter().enumerate() {
        let top = line.bbox.y0 < h * 0.2;
        let footer = line.bbox.y0 > h * 0.8;
        for (si, seg) in line.segs.iter().enumerate() {
            if party_at(secs, 0, li, seg.bbox.x0) == Some(Party::Buyer)
                || party_at(secs, 0, li, seg.bbox.x0) == Some(Party::Other)
            {
                continue;
            }
            let items = name_words(v, line, seg.start, seg.end);
            let legal = items
                .iter()
                .position(|i| is_legal_form(&i.text))
                .map(|first| {
                    // `GmbH & Co. KG`: the legal form runs over `&`, `Co.` and further forms.
                    let mut last = first;
                    while last + 1 < items.len()
                        && (is_legal_form(&items[last + 1].text) || items[last + 1].text == "&")
                    {
                        last += 1;
                    }
                    while last > first && items[last].text == "&" {
                        last -= 1;
                    }
                    last
                });
            if let Some(lp) = legal {
                if lp > 0
                    && items.first().is_some_and(|i| !is_legal_form(&i.text))
                    && (top || footer)
                {
                    let items = &items[..=lp];
                    if let Some((name, words)) = parse_name(items) {
                        if plausible_name(&name)
                            && !ctx.hits_on(0, li).iter().any(|hh| {
                                hh.page == 0
                                    && hh.line == li
                                    && ctx.label(hh).target == Target::Section(Party::Buyer)
                            })
                        {
                            let (score, where_) = if top {
                                (0.55, "letterhead")
                            } else {
                                (0.45, "footer")
                            };
                            // A printed seller heading names the seller; the letterhead may
                            // then be the buyer's own (purchase orders).
                            let score = if named_seller { score * 0.6 } else { score };
                            out.push(cand(
                                issuer_field,
                                &name,
                                score,
                                0,
                                words,
                                format!("company name with legal form in the {where_} of page 1"),
                            ));
                        }
                    }
                }
            }
            if top && seg.bbox.height() > 1.35 * v.unit && seg.bbox.x0 < w {
                let text = v.seg_text(line, seg);
                let is_title = ctx.hits_on(0, li).iter().any(|hh| {
                    hh.page == 0
                        && hh.line == li
                        && hh.seg == si
                        && ctx.label(hh).target == Target::Title
                });
                if !is_title
                    && plausible_name(&text)
                    && biggest.is_none_or(|(bh, ..)| seg.bbox.height() > bh)
                {
                    biggest = Some((seg.bbox.height(), li, si));
                }
            }
        }
    }
    if let Some((_, li, si)) = biggest {
        let line = &v.lines[li];
        let seg = &line.segs[si];
        let items = name_words(v, line, seg.start, seg.end);
        if let Some((name, words)) = parse_name(&items) {
            out.push(cand(
                issuer_field,
                &name,
                0.4,
                0,
                words,
                "largest type in the letterhead of page 1".into(),
            ));
        }
    }
}

/// VAT IDs by pattern, assigned to a party by label, section or position.
fn vat_ids(ctx: &Ctx<'_>, secs: &[Section], out: &mut Vec<Cand>) {
    let issuer = issuer(ctx, secs);
    for (pi, v) in ctx.views.iter().enumerate() {
        let h = v.page.height.max(1.0);
        let ocr_page = v.page.text_source == sapllm_core::SourceKind::Ocr;
        for (li, line) in v.lines.iter().enumerate() {
            for seg in &line.segs {
                let items: Vec<Item> = (seg.start..seg.end)
                    .map(|p| Item {
                        idx: line.words[p],
                        text: v.word_text(line.words[p]).to_owned(),
                    })
                    .collect();
                let mut k = 0;
                while k < items.len() {
                    let t = items[k].text.trim_start_matches([':', '(']);
                    let b = t.as_bytes();
                    // A country prefix is printed in capitals; OCR gets the case of a `p` or
                    // a `c` wrong now and then (`pT507034511`), and the code is read
                    // upper-cased. Such a prefix must be followed by a digit, so a word
                    // glued to an ID (`NoDK96477619`) is not taken for one.
                    let capitals =
                        b.len() >= 2 && b[0].is_ascii_uppercase() && b[1].is_ascii_uppercase();
                    let misread = ocr_page
                        && b.len() >= 3
                        && b[0].is_ascii_alphabetic()
                        && b[1].is_ascii_alphabetic()
                        && b[2].is_ascii_digit();
                    if !capitals && !misread {
                        k += 1;
                        continue;
                    }
                    let Some((code, n)) = join_code(&items[k..], 6, vat_id_complete) else {
                        k += 1;
                        continue;
                    };
                    let words: Vec<u32> = items[k..k + n].iter().map(|i| i.idx).collect();
                    let raw = items[k..k + n]
                        .iter()
                        .map(|i| i.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let pos = seg.start + k;
                    let x = v.word_box(items[k].idx).x0;
                    k += n;
                    // The nearest label before the value on this line or right above it.
                    let label = ctx
                        .hits_on(pi, li)
                        .iter()
                        .chain(
                            li.checked_sub(1)
                                .map_or(&[][..], |above| ctx.hits_on(pi, above)),
                        )
                        .filter(|hh| {
                            hh.page == pi
                                && (hh.line == li && hh.last < pos
                                    || hh.line + 1 == li
                                        && hh.bbox.x1 > x - 5.0
                                        && hh.bbox.x0 < x + 50.0)
                        })
                        .filter(|hh| {
                            matches!(
                                ctx.label(hh).target,
                                Target::VatId
                                    | Target::Field(FieldKey::BuyerVatId)
                                    | Target::Field(FieldKey::SellerVatId)
                                    | Target::Section(Party::Other)
                                    | Target::TaxNumber
                            )
                        })
                        .max_by_key(|hh| (hh.line, hh.last));
                    let section = party_at(secs, pi, li, x);
                    let mut explain_label = String::new();
                    let (party, mut score) = match label.map(|l| (l, ctx.label(l).target)) {
                        Some((l, Target::Field(FieldKey::BuyerVatId))) => {
                            explain_label = ctx.printed_label(l);
                            (Party::Buyer, 0.95)
                        }
                        Some((l, Target::Field(FieldKey::SellerVatId))) => {
                            explain_label = ctx.printed_label(l);
                            (Party::Seller, 0.95)
                        }
                        Some((_, Target::Section(Party::Other))) => continue,
                        Some((l, t)) => {
                            explain_label = ctx.printed_label(l);
                            let strength = if t == Target::TaxNumber {
                                0.6
                            } else {
                                ctx.label(l).strength
                            };
                            match section {
                                Some(Party::Other) => continue,
                                Some(p) => (p, 0.9 * (0.7 + 0.3 * strength)),
                                None => (issuer, 0.7 * (0.7 + 0.3 * strength)),
                            }
                        }
                        None => match section {
                            Some(Party::Other) => continue,
                            Some(p) => (p, 0.7),
                            None => (issuer, 0.5),
                        },
                    };
                    // Letterhead and footer belong to the seller.
                    let edge = line.bbox.y0 > h * 0.8 || line.bbox.y0 < h * 0.12;
                    if party == issuer && section.is_none() && edge {
                        score += 0.1;
                    }
                    let Some(field) =
                        party_field(party, FieldKey::SellerVatId, FieldKey::BuyerVatId)
                    else {
                        continue;
                    };
                    let mut explanation =
                        format!("VAT ID pattern ({}) on page {}", &code[..2], pi + 1);
                    if !explain_label.is_empty() {
                        explanation =
                            format!("VAT ID after label '{explain_label}' on page {}", pi + 1);
                    }
                    if let Some(p) = section {
                        explanation.push_str(match p {
                            Party::Seller => " in the seller section",
                            Party::Buyer => " in the buyer section",
                            Party::Other => "",
                        });
                    } else if edge {
                        explanation.push_str(if line.bbox.y0 > h * 0.8 {
                            " in the footer"
                        } else {
                            " in the letterhead"
                        });
                    }
                    out.push(Cand {
                        derived: false,
                        field,
                        value: FieldValue::Code(code.clone()),
                        score,
                        page: pi,
                        words,
                        raw,
                        explanation,
                    });
                    // The seller's country from the seller's VAT ID.
                    if field == FieldKey::SellerVatId {
                        if let Some(c) = parse::vat_country(&code) {
                            out.push(Cand {
                                derived: false,
                                field: FieldKey::SellerCountry,
                                value: FieldValue::Code(c.clone()),
                                score: score * 0.95,
                                page: pi,
                                words: out.last().map(|c| c.words.clone()).unwrap_or_default(),
                                raw: code.clone(),
                                explanation: format!(
                                    "country prefix '{c}' of the seller VAT ID {code}"
                                ),
                            });
                        }
                    }
                }
            }
        }
    }
}

/// Tax numbers after a tax-number label (seller's unless in the buyer's section), and seller
/// countries from the seller section's address.
fn tax_numbers(ctx: &Ctx<'_>, secs: &[Section], out: &mut Vec<Cand>) {
    for hit in ctx.hits_of(Target::TaxNumber) {
        let section = party_at(secs, hit.page, hit.line, hit.bbox.x0);
        if matches!(section, Some(Party::Buyer) | Some(Party::Other)) {
            continue;
        }
        for src in ctx.sources(hit, true) {
            if let Some((num, words)) = parse_tax_number(&src.items) {
                let strength = ctx.label(hit).strength;
                let score = strength
                    * src.place.factor()
                    * if section == Some(Party::Seller) {
                        1.0
                    } else {
                        0.85
                    };
                out.push(Cand {
                    derived: false,
                    field: FieldKey::SellerTaxNumber,
                    raw: num.clone(),
                    value: FieldValue::Text(num),
                    score,
                    page: hit.page,
                    words,
                    explanation: format!(
                        "value {} label '{}' on page {}",
                        src.place.describe(),
                        ctx.printed_label(hit),
                        hit.page + 1
                    ),
                });
                break;
            }
        }
    }
    // Country from an address line in the seller section: `DE 80333 München`, `D-80333`,
    // or a country name on its own line.
    for s in secs.iter().filter(|s| s.party == Party::Seller) {
        let v = &ctx.views[s.page];
        for li in s.header_line..=s.end_line {
            let line = &v.lines[li];
            for seg in line
                .segs
                .iter()
                .filter(|g| g.bbox.x0 >= s.x0 && g.bbox.x0 < s.x1)
            {
                let words: Vec<&str> = (seg.start..seg.end)
                    .map(|p| v.word_text(line.words[p]))
                    .collect();
                let code = match words.as_slice() {
                    [cc, pc, ..]
                        if cc.len() == 2
                            && cc.chars().all(|c| c.is_ascii_uppercase())
                            && pc.len() >= 4
                            && pc.len() <= 5
                            && pc.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        parse::country_name_known(cc).then(|| cc.to_string())
                    }
                    [name] => parse::country_from_name(name).map(str::to_owned),
                    _ => None,
                };
                if let Some(code) = code {
                    out.push(Cand {
                        derived: false,
                        field: FieldKey::SellerCountry,
                        value: FieldValue::Code(code.clone()),
                        score: 0.6,
                        page: s.page,
                        words: (seg.start..seg.end).map(|p| line.words[p]).collect(),
                        raw: words.join(" "),
                        explanation: format!(
                            "country '{code}' in the seller's address on page {}",
                            s.page + 1
                        ),
                    });
                }
            }
        }
    }
}

fn cand(
    field: FieldKey,
    name: &str,
    score: f32,
    page: usize,
    words: Vec<u32>,
    explanation: String,
) -> Cand {
    Cand {
        derived: false,
        field,
        value: FieldValue::Text(name.to_owned()),
        score,
        page,
        words,
        raw: name.to_owned(),
        explanation,
    }
}
