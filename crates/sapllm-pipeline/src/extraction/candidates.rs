//! Label-value candidates and pattern candidates.
//!
//! A label hit (a lexicon entry found on a line) proposes values from three places, in order
//! of trust: the rest of its own phrase (`Rechnungsnummer: 4711`), the next phrase on the same
//! line (`Währung ............ EUR`), and the phrase directly below (a column header over its
//! value). Each place is read with the parser of the field's kind; the score combines label
//! strength, geometry and format validity. Patterns that need no label (IBAN with checksum,
//! currency codes and symbols, dates in the header) add weaker candidates.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sapllm_core::{BBox, DocType, FieldKey, FieldValue, Page, SourceKind};

use super::lexicon::{self, Label, Lexicon, Target};
use super::parse::{self, DateCertainty, DecimalStyle};
use super::view::{LineView, PageView, decimal_style};

/// Everything the extractors share for one document.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub views: Vec<PageView<'a>>,
    pub style: Option<DecimalStyle>,
    pub lang: Option<&'static str>,
    pub lex: &'static Lexicon,
    pub hits: Vec<Hit>,
    /// `(page, word)` of the first word of every label: a value source that starts with a
    /// label is the next label of a row of labels (values below), not a value.
    pub label_starts: HashSet<(usize, u32)>,
    pub doc_type: DocType,
    /// Slash-date order proven by the document (`01/21/2024` somewhere).
    pub date_order: Option<parse::DateOrder>,
    /// `line_hits[page][line]`: the range of `hits` on that line (hits are in reading order),
    /// so that per-line lookups stay linear on long documents.
    line_hits: Vec<Vec<std::ops::Range<usize>>>,
}

/// A label found on a page.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub page: usize,
    pub line: usize,
    pub label: usize,
    /// First and last word positions (in the line) covered by the label.
    pub first: usize,
    pub last: usize,
    /// What follows the label inside its last word (`4711` in `Nr.:4711`), trimmed.
    pub rest: String,
    pub seg: usize,
    /// The label starts its phrase (labels usually do; words inside sentences usually don't).
    pub starts_seg: bool,
    pub bbox: BBox,
}

/// A proposed value before it becomes a core `Candidate`.
#[derive(Debug, Clone)]
pub(crate) struct Cand {
    pub field: FieldKey,
    pub value: FieldValue,
    pub score: f32,
    pub page: usize,
    pub words: Vec<u32>,
    pub raw: String,
    pub explanation: String,
    /// Computed from other values (arithmetic), not read from words.
    pub derived: bool,
}

/// One word (or the value part of a word) offered to a parser.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub idx: u32,
    pub text: String,
}

/// Where a value was found relative to its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    SamePhrase,
    RightOnLine,
    Below,
}

impl Place {
    pub fn factor(self) -> f32 {
        match self {
            Place::SamePhrase => 1.0,
            Place::RightOnLine => 0.95,
            Place::Below => 0.85,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Place::SamePhrase => "after",
            Place::RightOnLine => "right of",
            Place::Below => "below",
        }
    }
}

/// Words offered as the value of a label, with their place.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub place: Place,
    pub items: Vec<Item>,
    /// Horizontal centre of the label (values below are picked by closeness to it).
    pub anchor_x: f32,
}

impl<'a> Ctx<'a> {
    pub fn new(pages: &'a [Page], doc_type: DocType) -> Self {
        let views: Vec<PageView<'a>> = pages.iter().map(PageView::build).collect();
        let style = decimal_style(&views);
        let lang = lexicon::detect_language(views.iter().flat_map(|v| {
            v.lines
                .iter()
                .flat_map(|l| l.toks.iter().map(|t| t.text.as_str()))
        }));
        let lex = lexicon::lexicon(doc_type);
        let hits = find_hits(&views, lex);
        let label_starts = hits
            .iter()
            .filter(|h| match lex.labels[h.label].target {
                Target::Title | Target::Ignore | Target::NumberWord => false,
                // Generic words (`Name`, `Lieferant`, `Kunde`) are labels only when they stand
                // alone or before a colon; `Lieferant GmbH` is a name.
                Target::Name | Target::Section(_) | Target::Heading => {
                    let v = &views[h.page];
                    let line = &v.lines[h.line];
                    let alone = line.segs.get(h.seg).is_some_and(|s| s.end == h.last + 1)
                        && h.rest.is_empty();
                    let colon = v.word_text(line.words[h.last]).ends_with(':')
                        || line
                            .words
                            .get(h.last + 1)
                            .is_some_and(|&w| v.word_text(w).starts_with(':'));
                    h.starts_seg && (alone || colon)
                }
                _ => h.starts_seg,
            })
            .map(|h| (h.page, views[h.page].lines[h.line].words[h.first]))
            .collect();
        let date_order = parse::slash_date_order(
            views
                .iter()
                .flat_map(|v| v.page.words.iter().map(|w| w.text.as_str())),
        );
        let mut line_hits: Vec<Vec<std::ops::Range<usize>>> =
            views.iter().map(|v| vec![0..0; v.lines.len()]).collect();
        let mut i = 0;
        while i < hits.len() {
            let (p, l) = (hits[i].page, hits[i].line);
            let start = i;
            while i < hits.len() && hits[i].page == p && hits[i].line == l {
                i += 1;
            }
            if let Some(slot) = line_hits.get_mut(p).and_then(|v| v.get_mut(l)) {
                *slot = start..i;
            }
        }
        Self {
            views,
            style,
            lang,
            lex,
            hits,
            label_starts,
            doc_type,
            date_order,
            line_hits,
        }
    }

    /// The hits on one line.
    pub fn hits_on(&self, page: usize, line: usize) -> &[Hit] {
        self.line_hits
            .get(page)
            .and_then(|v| v.get(line))
            .and_then(|r| self.hits.get(r.clone()))
            .unwrap_or(&[])
    }

    pub fn label(&self, hit: &Hit) -> &'static Label {
        &self.lex.labels[hit.label]
    }

    pub fn line(&self, page: usize, line: usize) -> &LineView {
        &self.views[page].lines[line]
    }

    /// The label as printed (for explanations): `'Rechnungs-Nr.'`.
    pub fn printed_label(&self, hit: &Hit) -> String {
        let v = &self.views[hit.page];
        let l = &v.lines[hit.line];
        let s = v.text_of(l, hit.first, hit.last + 1);
        let s = s.trim_end_matches([':', ' ']);
        // A value glued to the label (`Nr.:4711`) is not part of the label.
        match s.len().checked_sub(hit.rest.len()) {
            Some(n) if !hit.rest.is_empty() && s.ends_with(&hit.rest) => {
                s[..n].trim_end_matches([':', ' ']).to_owned()
            }
            _ => s.to_owned(),
        }
    }

    /// Hits of one target, in reading order.
    pub fn hits_of(&self, target: Target) -> impl Iterator<Item = &Hit> {
        self.hits
            .iter()
            .filter(move |h| self.lex.labels[h.label].target == target)
    }

    /// Value sources for a label: its own phrase, the next phrase on the line, the phrase
    /// below. `below` is searched only when asked (column headers).
    pub fn sources(&self, hit: &Hit, below: bool) -> Vec<Source> {
        let v = &self.views[hit.page];
        let line = &v.lines[hit.line];
        let anchor_x = hit.bbox.center_x();
        let mut out = Vec::new();
        let seg = &line.segs[hit.seg];
        let mut same = Vec::new();
        if !hit.rest.is_empty() {
            same.push(Item {
                idx: line.words[hit.last],
                text: hit.rest.clone(),
            });
        }
        for pos in hit.last + 1..seg.end {
            same.push(Item {
                idx: line.words[pos],
                text: v.word_text(line.words[pos]).to_owned(),
            });
        }
        // `Bestellung Nr. Kunde:`: words ending in a colon still belong to the label.
        let label_continues = same.last().is_some_and(|i| i.text.ends_with(':'));
        let same_has_value = !label_continues
            && same
                .iter()
                .any(|i| i.text.chars().any(char::is_alphanumeric));
        if same_has_value && !self.starts_with_label(hit.page, &same) {
            out.push(Source {
                place: Place::SamePhrase,
                items: same,
                anchor_x,
            });
        }
        // Values right of or below a label only when the label ends its phrase; a label word
        // inside a sentence ("... days of invoice date.") has nothing in those places.
        if same_has_value || !hit.starts_seg && !label_continues {
            return out;
        }
        if let Some(next) = line.segs.get(hit.seg + 1) {
            // A phrase far away on the line still belongs to the label when nothing else is
            // between them; beyond half a page it rarely does.
            if next.bbox.x0 - seg.bbox.x1 < v.page.width * 0.6 {
                let items: Vec<Item> = (next.start..next.end)
                    .map(|p| Item {
                        idx: line.words[p],
                        text: v.word_text(line.words[p]).to_owned(),
                    })
                    .collect();
                if !self.starts_with_label(hit.page, &items) {
                    out.push(Source {
                        place: Place::RightOnLine,
                        items,
                        anchor_x,
                    });
                }
            }
        }
        if below {
            if let Some((_, items)) = self.below(hit) {
                if !self.starts_with_label(hit.page, &items) {
                    out.push(Source {
                        place: Place::Below,
                        items,
                        anchor_x,
                    });
                }
            }
        }
        out
    }

    /// Whether the first meaningful word of a source is a label.
    fn starts_with_label(&self, page: usize, items: &[Item]) -> bool {
        items
            .iter()
            .find(|i| i.text.chars().any(char::is_alphanumeric))
            .is_some_and(|i| self.label_starts.contains(&(page, i.idx)))
    }

    /// The words directly below a label: the first line underneath (within three line heights)
    /// with words overlapping the label horizontally; whole phrases are taken.
    fn below(&self, hit: &Hit) -> Option<(usize, Vec<Item>)> {
        let v = &self.views[hit.page];
        let lb = hit.bbox;
        let reach = 3.2 * v.unit;
        for (li, line) in v.lines.iter().enumerate().skip(hit.line + 1).take(6) {
            if line.bbox.y0 - lb.y1 > reach {
                break;
            }
            if line.bbox.y0 < lb.y1 - 0.3 * v.unit {
                continue;
            }
            let mut items = Vec::new();
            for seg in &line.segs {
                let overlap = seg.bbox.x1.min(lb.x1 + v.unit) - seg.bbox.x0.max(lb.x0 - v.unit);
                if overlap > 0.0 {
                    for p in seg.start..seg.end {
                        items.push(Item {
                            idx: line.words[p],
                            text: v.word_text(line.words[p]).to_owned(),
                        });
                    }
                }
            }
            if !items.is_empty() {
                return Some((li, items));
            }
        }
        None
    }
}

/// Finds every lexicon label on every line (longest match first, inside one phrase, starting at
/// a word start).
fn find_hits(views: &[PageView<'_>], lex: &Lexicon) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (pi, v) in views.iter().enumerate() {
        for (li, line) in v.lines.iter().enumerate() {
            let toks = &line.toks;
            let mut i = 0;
            while i < toks.len() {
                let pos = toks[i].pos;
                if line.first_tok.get(pos) != Some(&i) {
                    i += 1;
                    continue;
                }
                let seg = line.seg_of(pos);
                let mut matched = None;
                for &lid in lex.starting_with(&toks[i].text) {
                    let l = &lex.labels[lid];
                    let n = l.tokens.len();
                    if i + n > toks.len() {
                        continue;
                    }
                    if toks[i..i + n]
                        .iter()
                        .zip(&l.tokens)
                        .all(|(t, w)| t.text == *w)
                        && line.seg_of(toks[i + n - 1].pos) == seg
                    {
                        matched = Some((lid, n));
                        break;
                    }
                }
                // On an OCR page a label with a misread letter or two (`Stevermummer`,
                // `No factura`) is still the label.
                if matched.is_none() && v.page.text_source == SourceKind::Ocr {
                    matched = misread_label(lex, &toks[i..], |t| line.seg_of(t.pos) == seg);
                }
                // German compound titles (`Baurechnung`, `Stornorechnung`, `Sammelgutschrift`).
                if matched.is_none() {
                    let t = toks[i].text.as_str();
                    let compound = (t.ends_with("rechnung") && t.len() > 10)
                        || (t.ends_with("gutschrift") && t.len() > 12);
                    if compound {
                        matched = lexicon::title_label(lex).map(|l| (l, 1));
                    }
                }
                let Some((lid, n)) = matched else {
                    i += 1;
                    continue;
                };
                let last_tok = &toks[i + n - 1];
                let last = last_tok.pos;
                let word = v.word_text(line.words[last]);
                let after = word.get(last_tok.end_in_word..).unwrap_or("");
                // `Payment_Terms_desc` is an identifier, not the label `Payment Terms`;
                // `Verkäufer-` ends its line's word but continues in the next (`Kontoname`).
                let hyphen_compound = after == "-" && last + 1 < line.words.len();
                if after.starts_with('_') || hyphen_compound {
                    i += 1;
                    continue;
                }
                let rest = after
                    .trim_start_matches([':', '.', '-', ')', '/', ']', '#', ' ', '°', 'º'])
                    .trim_end()
                    .to_owned();
                let boxes = (pos..=last)
                    .map(|p| v.word_box(line.words[p]))
                    .collect::<Vec<_>>();
                let bbox = BBox::union_all(boxes.iter()).unwrap_or_default();
                let starts_seg = line.segs.get(seg).is_some_and(|s| s.start == pos);
                // Labels with the same words name several fields (`Purchase Order` on an order
                // is its number and the PO reference): one hit each.
                let tokens = &lex.labels[lid].tokens;
                let same_words = lex
                    .starting_with(&toks[i].text)
                    .iter()
                    .copied()
                    .filter(|&o| o != lid && lex.labels[o].tokens == *tokens);
                for other in std::iter::once(lid).chain(same_words) {
                    hits.push(Hit {
                        page: pi,
                        line: li,
                        label: other,
                        first: pos,
                        last,
                        rest: rest.clone(),
                        seg,
                        starts_seg,
                        bbox,
                    });
                }
                i += n;
            }
        }
    }
    hits
}

/// The label that `toks` (from its start, tokens for which `same_phrase` holds) spells with
/// the fewest misread letters, and its token count: the label's letters run together must
/// start alike and be at least [`MISREAD_MIN_LEN`] long, and at most one letter in
/// [`MISREAD_LETTERS_PER_ERROR`] may differ (insertions, drops and substitutions alike). Ties go
/// to the longer label. Only for OCR text: a text layer spells its labels as printed.
fn misread_label(
    lex: &Lexicon,
    toks: &[super::view::Tok],
    same_phrase: impl Fn(&super::view::Tok) -> bool,
) -> Option<(usize, usize)> {
    let first = toks.first()?.text.chars().next()?;
    // The page's letters run together over the first n tokens, for each n a label can span.
    let mut seen_by_count: Vec<Option<Vec<char>>> = Vec::new();
    let mut best: Option<(usize, usize, usize, usize)> = None; // (distance, -len, lid, n)
    for (lid, l) in lex.labels.iter().enumerate() {
        let label = &l.letters;
        if label.len() < MISREAD_MIN_LEN || label[0] != first {
            continue;
        }
        let n = l.tokens.len();
        if n > toks.len() {
            continue;
        }
        if seen_by_count.len() <= n {
            seen_by_count.resize(n + 1, None);
        }
        let seen = seen_by_count[n].get_or_insert_with(|| {
            if toks[..n].iter().all(&same_phrase) {
                toks[..n].iter().flat_map(|t| t.text.chars()).collect()
            } else {
                Vec::new()
            }
        });
        let allowed = label.len() / MISREAD_LETTERS_PER_ERROR;
        if seen.is_empty() || seen.len().abs_diff(label.len()) > allowed || seen == label {
            continue;
        }
        let Some(d) = edit_distance_within(seen, label, allowed) else {
            continue;
        };
        let key = (d, usize::MAX - label.len(), lid, n);
        if best.is_none_or(|b| (key.0, key.1) < (b.0, b.1)) {
            best = Some(key);
        }
    }
    best.map(|(_, _, lid, n)| (lid, n))
}

/// Shortest label (letters run together) matched despite misread letters.
const MISREAD_MIN_LEN: usize = 7;
/// One misread letter allowed per this many letters of the label (7–11 letters: one; 12+: two).
const MISREAD_LETTERS_PER_ERROR: usize = 6;

/// Levenshtein distance of `a` and `b` when it is at most `max`.
fn edit_distance_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[b.len()] <= max).then_some(prev[b.len()])
}

// ---------------------------------------------------------------- typed parsers

/// Tokens that sit between a label and its value without being the value.
fn is_filler(text: &str) -> bool {
    let t = text.trim_matches(|c: char| !c.is_alphanumeric() && c != '#');
    if t.is_empty() {
        return true;
    }
    matches!(
        t.to_lowercase().as_str(),
        "nr" | "no"
            | "n"
            | "nº"
            | "n°"
            | "#"
            | "number"
            | "nummer"
            | "numéro"
            | "numero"
            | "id"
            | "ref"
            | "in"
    ) && t.len() <= 7
}

/// Reads a document number / reference: the first word after fillers. Validity rewards
/// digits (real numbers almost always have some).
pub(crate) fn parse_identifier(items: &[Item]) -> Option<(String, Vec<u32>, f32)> {
    let mut skipped = 0;
    for (pos, it) in items.iter().enumerate() {
        let raw = it.text.trim();
        if is_filler(raw) && skipped < 3 {
            skipped += 1;
            continue;
        }
        let w = raw.trim_matches(|c: char| {
            matches!(c, ':' | ',' | ';' | '(' | ')' | '"' | '\'' | '[' | ']')
        });
        let w = w.trim_end_matches('.');
        if w.is_empty() || raw.ends_with(':') {
            return None;
        }
        if parse::parse_date(w, None).is_some() && w.contains(['.', '/', '-']) {
            return None;
        }
        let digits = w.chars().filter(char::is_ascii_digit).count();
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        if digits + letters < 2 && !(digits == 1 && w.len() == 1) {
            return None;
        }
        let validity = if digits > 0 {
            1.0
        } else if w
            .chars()
            .all(|c| c.is_uppercase() || c == '_' || c == '-' || c.is_ascii_digit())
            && w.len() >= 4
        {
            0.6
        } else {
            0.15
        };
        // Numbers printed in groups (`05 158 004 - 11023 - 45`): join digit groups and
        // dashes/slashes that follow a numeric start.
        let mut parts = vec![w];
        let mut words = vec![it.idx];
        if w.bytes().all(|b| b.is_ascii_digit()) {
            let mut pending: Vec<&Item> = Vec::new();
            let mut len = w.len();
            for next in &items[pos + 1..] {
                let t = next.text.trim();
                if matches!(t, "-" | "/") {
                    pending.push(next);
                    continue;
                }
                if !t.is_empty()
                    && t.len() <= 8
                    && t.bytes().all(|b| b.is_ascii_digit())
                    && len + t.len() <= 30
                {
                    for p in pending.drain(..) {
                        parts.push(p.text.trim());
                        words.push(p.idx);
                    }
                    parts.push(t);
                    words.push(next.idx);
                    len += t.len();
                    continue;
                }
                break;
            }
        }
        return Some((parts.join(" "), words, validity));
    }
    None
}

/// A buyer reference: free text chosen by the buyer (`Kundenref. BT-10`, a person's name, a
/// Leitweg-ID), so the whole short phrase after the label, up to five words.
pub(crate) fn parse_reference(items: &[Item]) -> Option<(String, Vec<u32>, f32)> {
    let start = items.iter().position(|i| !is_filler(&i.text))?;
    let rest = &items[start..];
    if rest.len() > 5 || rest.iter().any(|i| i.text.ends_with(':')) {
        return None;
    }
    let text = rest
        .iter()
        .map(|i| i.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let alnum = text.chars().filter(|c| c.is_alphanumeric()).count();
    if alnum < 2 {
        return None;
    }
    let validity = if text.chars().any(|c| c.is_ascii_digit()) {
        1.0
    } else {
        0.6
    };
    Some((text, rest.iter().map(|i| i.idx).collect(), validity))
}

/// The first date among the first words of a source.
pub(crate) fn parse_first_date(
    items: &[Item],
    lang: Option<&str>,
    order: Option<parse::DateOrder>,
) -> Option<(NaiveDate, Vec<u32>, String, f32)> {
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    for i in 0..texts.len().min(8) {
        if let Some((d, c, n)) = parse::date_at_in(&texts, i, lang, order) {
            let validity = match c {
                DateCertainty::Certain => 1.0,
                DateCertainty::Ambiguous => 0.8,
            } * if i == 0 || (i == 1 && is_filler(texts[0])) {
                1.0
            } else {
                0.85
            };
            let words = items[i..i + n].iter().map(|x| x.idx).collect();
            return Some((d, words, texts[i..i + n].join(" "), validity));
        }
    }
    None
}

/// An amount found in a source.
#[derive(Debug, Clone)]
pub(crate) struct AmountHit {
    pub value: Decimal,
    pub words: Vec<u32>,
    pub raw: String,
    /// 1.0 for `1.234,56`-like amounts with two decimals; less for integers.
    pub validity: f32,
}

/// Every amount in a source, left to right. Percentages, dates and codes are skipped; a
/// thousands group split by a space (`1 234,56`) is joined.
pub(crate) fn parse_amounts(items: &[Item], style: Option<DecimalStyle>) -> Vec<AmountHit> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let t = items[i].text.trim();
        let next = items.get(i + 1).map(|x| x.text.trim());
        // A percent sign on the number or right after it makes it a rate.
        if t.ends_with('%') || next == Some("%") || next.is_some_and(|n| n.starts_with('%')) {
            i += 1;
            continue;
        }
        if let Some((joined, n)) = space_grouped(items, i) {
            if let Some(v) = parse::parse_amount_styled(&joined.replace(' ', ""), style) {
                out.push(AmountHit {
                    value: v,
                    words: items[i..i + n].iter().map(|x| x.idx).collect(),
                    raw: joined,
                    validity: 1.0,
                });
                i += n;
                continue;
            }
        }
        if parse::parse_date(t, None).is_some() && t.contains(['.', '/', '-']) && !has_cents(t) {
            i += 1;
            continue;
        }
        if let Some(v) = parse::parse_amount_styled(t, style) {
            let core = t.trim_matches(|c: char| !c.is_ascii_digit());
            let validity = if has_cents(core) {
                1.0
            } else if core.contains([',', '.']) {
                0.7
            } else {
                0.35
            };
            // `(380)` style codes and long digit runs are not money.
            let paren_code = t.starts_with('(') && !core.contains([',', '.']);
            if !paren_code && core.len() <= 16 {
                out.push(AmountHit {
                    value: v,
                    words: vec![items[i].idx],
                    raw: t.to_owned(),
                    validity,
                });
            }
        }
        i += 1;
    }
    out
}

/// An amount whose thousands groups are split by spaces, as French, Polish and Nordic
/// invoices print them: `1 234,56`, `€40 783,53`, `1 234 567,89`. The first word is one to
/// three digits (after a currency sign or code), then whole groups of three, and the last
/// group carries the cents. Returns the joined text and the number of words.
fn space_grouped(items: &[Item], i: usize) -> Option<(String, usize)> {
    let first = items[i].text.trim();
    let lead = first.trim_start_matches(|c: char| !c.is_ascii_digit());
    let prefix = &first[..first.len() - lead.len()];
    let currency_prefix = prefix == "-" || parse::strip_currency(prefix).is_empty();
    if !currency_prefix
        || lead.is_empty()
        || lead.len() > 3
        || !lead.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut parts = vec![first];
    for item in items.iter().skip(i + 1).take(4) {
        let w = item.text.trim();
        let b = w.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_digit) {
            parts.push(w);
            continue;
        }
        if b.len() >= 4
            && b[..3].iter().all(u8::is_ascii_digit)
            && matches!(b[3], b',' | b'.')
            && has_cents(w)
        {
            parts.push(w);
            return Some((parts.join(" "), parts.len()));
        }
        return None;
    }
    None
}

/// Whether a number ends in a separator and exactly two digits (`12,00`, `1.234.56`).
pub(crate) fn has_cents(t: &str) -> bool {
    let t = t.trim_end_matches(['-', ')', '€', '$', '£']).trim_end();
    let b = t.as_bytes();
    let n = b.len();
    n >= 3
        && b[n - 1].is_ascii_digit()
        && b[n - 2].is_ascii_digit()
        && matches!(b[n - 3], b',' | b'.')
}

/// Joins consecutive words into a code (`FR76 1254 2547 ...`, `FR 32 123 456 789`) and returns
/// the longest prefix accepted by `accept`, with the words used.
pub(crate) fn join_code(
    items: &[Item],
    max_words: usize,
    accept: impl Fn(&str) -> bool,
) -> Option<(String, usize)> {
    let mut s = String::new();
    let mut best = None;
    for (n, it) in items.iter().take(max_words).enumerate() {
        let t: String = it
            .text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_uppercase();
        // Stop at words that are not code groups (a dash, a label, a sentence word).
        if t.is_empty() || it.text.chars().any(|c| c.is_alphabetic() && !c.is_ascii()) {
            break;
        }
        if n > 0 && t.len() > 12 {
            break;
        }
        s.push_str(&t);
        if accept(&s) {
            best = Some((s.clone(), n + 1));
        }
        if s.len() > 34 {
            break;
        }
    }
    best
}

/// A VAT ID of the exact length its country uses (so that `DE123456789 USt` is not joined).
pub(crate) fn vat_id_complete(s: &str) -> bool {
    if !parse::looks_like_vat_id(s) {
        return false;
    }
    let rest = s.len() - 2;
    let ok: &[usize] = match &s[0..2] {
        "DE" | "EL" | "PT" | "EE" | "AT" | "ES" | "CY" => &[9],
        "MT" | "LU" | "DK" | "FI" | "HU" | "SI" => &[8],
        "IE" => &[8, 9],
        "FR" | "IT" | "LV" | "HR" => &[11],
        "BE" | "PL" | "SK" => &[10],
        "NL" | "SE" => &[12],
        "GB" | "LT" => &[9, 12],
        "CZ" => &[8, 9, 10],
        "RO" | "BG" => &[8, 9, 10],
        "CH" => &[10, 14],
        _ => &[8, 9, 10, 11, 12],
    };
    ok.contains(&rest)
}

/// A German-style tax number (`201/113/40209`, `12 345 678 901`): digits with `/` or spaces,
/// 10 to 13 digits.
pub(crate) fn parse_tax_number(items: &[Item]) -> Option<(String, Vec<u32>)> {
    let start = items.iter().position(|i| !is_filler(&i.text))?;
    let mut s = String::new();
    let mut used = Vec::new();
    for it in items[start..].iter().take(5) {
        let t = it.text.trim_end_matches([',', ';']);
        if !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '/' || c == '-' || c == ' ')
            || t.is_empty()
        {
            // A country prefix (`DE 123/456/78901`) may lead.
            if used.is_empty() && t.len() == 2 && t.chars().all(|c| c.is_ascii_uppercase()) {
                s.push_str(t);
                used.push(it.idx);
                continue;
            }
            break;
        }
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(t);
        used.push(it.idx);
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    ((8..=15).contains(&digits)).then(|| (s.trim().to_owned(), used))
}

/// First IBAN in a source (words joined, checksum verified).
pub(crate) fn parse_iban(items: &[Item]) -> Option<(String, Vec<u32>)> {
    for start in 0..items.len().min(4) {
        if let Some((code, n)) = join_code(&items[start..], 9, parse::iban_is_valid) {
            return Some((
                code,
                items[start..start + n].iter().map(|i| i.idx).collect(),
            ));
        }
    }
    None
}

/// An IBAN-shaped code (country letters, check digits, 11-30 more characters in groups that
/// contain digits), without checksum: only used right after an `IBAN` label.
pub(crate) fn parse_iban_shape(items: &[Item]) -> Option<(String, Vec<u32>)> {
    let start = items.iter().position(|i| !is_filler(&i.text))?;
    let items = &items[start..];
    let first = items
        .first()?
        .text
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_uppercase();
    let b = first.as_bytes();
    if b.len() < 4
        || !b[0].is_ascii_uppercase()
        || !b[1].is_ascii_uppercase()
        || !b[2].is_ascii_digit()
        || !b[3].is_ascii_digit()
        || !parse::country_name_known(&first[0..2])
    {
        return None;
    }
    let mut code = String::new();
    let mut words = Vec::new();
    for (n, it) in items.iter().take(9).enumerate() {
        let t: String = it
            .text
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_uppercase();
        if t.is_empty()
            || (n > 0 && (!t.chars().any(|c| c.is_ascii_digit()) || t.len() > 12))
            || it.text.starts_with(',')
        {
            break;
        }
        code.push_str(&t);
        words.push(it.idx);
        if it.text.ends_with(',') || it.text.ends_with(';') {
            break;
        }
    }
    (15..=34).contains(&code.len()).then_some((code, words))
}

/// First BIC in a source.
pub(crate) fn parse_bic(items: &[Item]) -> Option<(String, u32)> {
    items.iter().take(4).find_map(|it| {
        let t = it.text.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        parse::looks_like_bic(t).then(|| (t.to_owned(), it.idx))
    })
}

/// Currency in a source: the first ISO code or symbol among the first words.
pub(crate) fn parse_currency(items: &[Item]) -> Option<(&'static str, u32)> {
    items
        .iter()
        .take(4)
        .find_map(|it| parse::detect_currency(&it.text).map(|c| (c, it.idx)))
}

/// A name: the words of a source joined (fillers and a leading colon dropped).
pub(crate) fn parse_name(items: &[Item]) -> Option<(String, Vec<u32>)> {
    let start = items
        .iter()
        .position(|i| i.text.chars().any(char::is_alphanumeric))?;
    let items = &items[start..];
    let text = items
        .iter()
        .map(|i| i.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 || text.ends_with(':') {
        return None;
    }
    Some((text, items.iter().map(|i| i.idx).collect()))
}

// ---------------------------------------------------------------- label-value candidates

/// Candidates for the simple label-value fields (numbers, dates, currency, references, bank).
pub(crate) fn label_value_candidates(ctx: &Ctx<'_>, out: &mut Vec<Cand>) {
    for hit in &ctx.hits {
        let label = ctx.label(hit);
        let field = match label.target {
            Target::Field(f) => f,
            _ => continue,
        };
        use FieldKey::*;
        if matches!(
            field,
            NetTotal | TaxTotal | GrossTotal | AmountDue | PaymentTerms | SellerVatId | BuyerVatId
        ) {
            continue; // totals.rs, terms.rs and parties.rs read these with more context
        }
        // Labels inside running text are weaker than labels opening a phrase.
        let lead = if hit.starts_seg { 1.0 } else { 0.8 };
        let below = matches!(
            field,
            IssueDate
                | DueDate
                | DeliveryDate
                | InvoiceNumber
                | PoNumber
                | BuyerReference
                | Currency
                | Iban
                | Bic
        );
        let sources = ctx.sources(hit, below);
        let mut found_before = false;
        for src in &sources {
            // Later places only count when the earlier ones offered nothing of the kind.
            if found_before {
                break;
            }
            if let Some(c) = read_field(ctx, hit, field, src) {
                let mut c = c;
                // A poor reading (a word without digits for a number) leaves room for the
                // next place.
                found_before = c.score >= 0.5;
                c.score *= label.strength * lead * src.place.factor();
                out.push(c);
            }
        }
    }
}

/// Reads one field from one source.
fn read_field(ctx: &Ctx<'_>, hit: &Hit, field: FieldKey, src: &Source) -> Option<Cand> {
    use FieldKey::*;
    let page = hit.page;
    let printed = ctx.printed_label(hit);
    let explain = |what: &str| {
        format!(
            "{what} {} label '{printed}' on page {}",
            src.place.describe(),
            page + 1
        )
    };
    match field {
        InvoiceNumber | PoNumber | BuyerReference => {
            let (v, words, validity) = if field == BuyerReference {
                parse_reference(&src.items).or_else(|| parse_identifier(&src.items))?
            } else {
                parse_identifier(&src.items)?
            };
            Some(Cand {
                derived: false,
                field,
                raw: v.clone(),
                value: FieldValue::Text(v),
                score: validity,
                page,
                words,
                explanation: explain("value"),
            })
        }
        IssueDate | DueDate | DeliveryDate => {
            let (d, words, raw, validity) = parse_first_date(&src.items, ctx.lang, ctx.date_order)?;
            Some(Cand {
                derived: false,
                field,
                value: FieldValue::Date(d),
                score: validity,
                page,
                words,
                raw,
                explanation: explain("date"),
            })
        }
        Currency => {
            let (c, w) = parse_currency(&src.items)?;
            Some(Cand {
                derived: false,
                field,
                value: FieldValue::Code(c.to_owned()),
                score: 1.0,
                page,
                words: vec![w],
                raw: c.to_owned(),
                explanation: explain("currency code"),
            })
        }
        Iban => {
            if let Some((code, words)) = parse_iban(&src.items) {
                return Some(Cand {
                    derived: false,
                    field,
                    raw: code.clone(),
                    value: FieldValue::Code(code),
                    score: 1.0,
                    page,
                    words,
                    explanation: explain("IBAN with valid checksum"),
                });
            }
            // What the label says is the IBAN, even when its checksum fails: the clerk sees it
            // with a low confidence and the validation stage reports the checksum.
            let (code, words) = parse_iban_shape(&src.items)?;
            Some(Cand {
                derived: false,
                field,
                raw: code.clone(),
                value: FieldValue::Code(code),
                score: 0.55,
                page,
                words,
                explanation: explain("IBAN-shaped code (checksum invalid)"),
            })
        }
        Bic => {
            let (code, w) = parse_bic(&src.items)?;
            Some(Cand {
                derived: false,
                field,
                raw: code.clone(),
                value: FieldValue::Code(code),
                score: 1.0,
                page,
                words: vec![w],
                explanation: explain("BIC"),
            })
        }
        _ => None,
    }
}

/// Document number and date from a title line: `Rechnung Nr. 4711 vom 05.03.2024`,
/// `Invoice No. 123 dated ...`, `FACTURE N° : F2020 ...`.
pub(crate) fn title_candidates(ctx: &Ctx<'_>, out: &mut Vec<Cand>) {
    // `Rechnung RE-2024-44463`, `INVOICE 2024/117`: a number right after the title word.
    for hit in ctx.hits_of(Target::Title) {
        let v = &ctx.views[hit.page];
        let line = &v.lines[hit.line];
        let seg = &line.segs[hit.seg];
        if !hit.starts_seg || hit.last + 1 >= seg.end || !hit.rest.is_empty() {
            continue;
        }
        let next = line.words[hit.last + 1];
        let text = v.word_text(next).trim_end_matches([',', ';']);
        if ctx.label_starts.contains(&(hit.page, next)) {
            continue;
        }
        let items = [Item {
            idx: next,
            text: text.to_owned(),
        }];
        let Some((num, words, validity)) = parse_identifier(&items) else {
            continue;
        };
        if num.len() < 3 || !num.chars().any(|c| c.is_ascii_digit()) || validity < 1.0 {
            continue;
        }
        let near_top = line.bbox.y0 < v.page.height * 0.4;
        out.push(Cand {
            derived: false,
            field: FieldKey::InvoiceNumber,
            value: FieldValue::Text(num.clone()),
            score: if near_top { 0.6 } else { 0.35 },
            page: hit.page,
            words,
            raw: num,
            explanation: format!(
                "number right after the title '{}' on page {}",
                v.text_of(line, hit.first, hit.last + 1),
                hit.page + 1
            ),
        });
    }
    for hit in ctx.hits_of(Target::NumberWord) {
        let line = ctx.line(hit.page, hit.line);
        // A title word earlier in the same phrase gives the bare `Nr.` its meaning.
        let title = ctx.hits_on(hit.page, hit.line).iter().find(|t| {
            t.page == hit.page
                && t.line == hit.line
                && t.seg == hit.seg
                && t.last < hit.first
                && hit.first - t.last <= 4
                && ctx.label(t).target == Target::Title
        });
        let v = &ctx.views[hit.page];
        let near_top = line.bbox.y0 < v.page.height * 0.4;
        let strength = match (title.is_some(), near_top) {
            (true, _) => 0.95,
            (false, true) => 0.4,
            (false, false) => 0.25,
        };
        if !hit.starts_seg && title.is_none() {
            continue;
        }
        let srcs = ctx.sources(hit, false);
        let Some(src) = srcs.first() else { continue };
        let Some((num, words, validity)) = parse_identifier(&src.items) else {
            continue;
        };
        if !num.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let what = title.map_or_else(
            || ctx.printed_label(hit),
            |t| {
                let l = ctx.line(t.page, t.line);
                v.text_of(l, t.first, hit.last + 1)
            },
        );
        out.push(Cand {
            derived: false,
            field: FieldKey::InvoiceNumber,
            value: FieldValue::Text(num.clone()),
            score: strength * validity * src.place.factor(),
            page: hit.page,
            words: words.clone(),
            raw: num,
            explanation: format!("number after '{what}' on page {}", hit.page + 1),
        });
        // `vom` / `dated` / `du` / `from` and a date right after the number: the issue date.
        // Without a title word (`Invoice information for accounting purposes (751) Nr. 4711 vom
        // 05.03.2020`) a date after the number near the top is still the issue date, less sure.
        let date_strength = if title.is_some() {
            0.9
        } else if near_top {
            0.6
        } else {
            0.0
        };
        if date_strength > 0.0 && src.place == Place::SamePhrase {
            let after: Vec<Item> = src
                .items
                .iter()
                .skip_while(|i| !words.contains(&i.idx))
                .skip(1)
                .cloned()
                .collect();
            if let Some(first) = after.first() {
                let w = first.text.to_lowercase();
                if matches!(
                    w.as_str(),
                    "vom" | "from" | "dated" | "du" | "of" | "del" | "van" | "date" | "datum"
                ) {
                    if let Some((d, dw, raw, validity)) =
                        parse_first_date(&after[1..], ctx.lang, ctx.date_order)
                    {
                        out.push(Cand {
                            derived: false,
                            field: FieldKey::IssueDate,
                            value: FieldValue::Date(d),
                            score: date_strength * validity,
                            page: hit.page,
                            words: dw,
                            raw,
                            explanation: format!(
                                "date after '{what} … {}' in the title on page {}",
                                first.text,
                                hit.page + 1
                            ),
                        });
                    }
                }
            }
        }
    }
}

/// Pattern candidates that need no label: IBANs (checksum), currency symbols and codes, and
/// the first date in the page header as a weak issue date.
pub(crate) fn pattern_candidates(ctx: &Ctx<'_>, out: &mut Vec<Cand>) {
    let mut currency_counts: Vec<(&'static str, usize, usize, u32)> = Vec::new();
    let mut first_date: Option<Cand> = None;
    for (pi, v) in ctx.views.iter().enumerate() {
        for (li, line) in v.lines.iter().enumerate() {
            for seg in &line.segs {
                let items: Vec<Item> = (seg.start..seg.end)
                    .map(|p| Item {
                        idx: line.words[p],
                        text: v.word_text(line.words[p]).to_owned(),
                    })
                    .collect();
                // IBAN anywhere (a valid checksum on 15-34 characters is strong evidence).
                let mut k = 0;
                while k < items.len() {
                    let t = &items[k].text;
                    if t.len() >= 2
                        && t.as_bytes()[0].is_ascii_uppercase()
                        && t.as_bytes()[1].is_ascii_uppercase()
                    {
                        if let Some((code, n)) = join_code(&items[k..], 9, parse::iban_is_valid) {
                            let words: Vec<u32> = items[k..k + n].iter().map(|i| i.idx).collect();
                            let context = v.line_text(line).to_lowercase();
                            // Direct-debit mandates print the buyer's account.
                            let debit = [
                                "lastschrift",
                                "debit",
                                "prélèvement",
                                "prelevement",
                                "mandat",
                                "käufer",
                                "buyer",
                            ]
                            .iter()
                            .any(|w| context.contains(w));
                            let footer = line.bbox.y0 > v.page.height * 0.8;
                            let score = if debit {
                                0.35
                            } else if footer {
                                0.75
                            } else {
                                0.7
                            };
                            out.push(Cand {
                                derived: false,
                                field: FieldKey::Iban,
                                raw: items[k..k + n]
                                    .iter()
                                    .map(|i| i.text.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" "),
                                value: FieldValue::Code(code),
                                score,
                                page: pi,
                                words,
                                explanation: format!(
                                    "IBAN pattern with valid checksum{} on page {}",
                                    if footer { " in footer" } else { "" },
                                    pi + 1
                                ),
                            });
                            bic_near_iban(v, li, pi, score, out);
                            k += n;
                            continue;
                        }
                    }
                    k += 1;
                }
                // Currency codes and symbols next to amounts.
                for (k, it) in items.iter().enumerate() {
                    if let Some(c) = parse::detect_currency(&it.text) {
                        let near_amount = parse::parse_amount(&it.text).is_some()
                            || items
                                .get(k + 1)
                                .is_some_and(|n| parse::parse_amount(&n.text).is_some())
                            || k.checked_sub(1)
                                .and_then(|p| items.get(p))
                                .is_some_and(|n| parse::parse_amount(&n.text).is_some());
                        let weight = if near_amount { 2 } else { 1 };
                        match currency_counts.iter_mut().find(|(code, ..)| *code == c) {
                            Some(e) => e.1 += weight,
                            None => currency_counts.push((c, weight, pi, it.idx)),
                        }
                    }
                }
                // First date in the upper part of the first page.
                if first_date.is_none() && pi == 0 && line.bbox.y0 < v.page.height * 0.45 {
                    if let Some((d, words, raw, validity)) =
                        parse_first_date(&items, ctx.lang, ctx.date_order)
                    {
                        first_date = Some(Cand {
                            derived: false,
                            field: FieldKey::IssueDate,
                            value: FieldValue::Date(d),
                            score: 0.3 * validity,
                            page: pi,
                            words,
                            raw,
                            explanation: format!(
                                "first date in the page header (line {} of page 1), no label",
                                li + 1
                            ),
                        });
                    }
                }
            }
        }
    }
    out.extend(first_date);
    currency_counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let total: usize = currency_counts.iter().map(|c| c.1).sum();
    for (code, n, page, word) in currency_counts {
        let share = n as f32 / total.max(1) as f32;
        out.push(Cand {
            derived: false,
            field: FieldKey::Currency,
            value: FieldValue::Code(code.to_owned()),
            score: (0.35 + 0.1 * n as f32).min(0.75) * share.max(0.3),
            page,
            words: vec![word],
            raw: code.to_owned(),
            explanation: format!("currency '{code}' printed {n} time(s) next to amounts, no label"),
        });
    }
}

/// A BIC printed without a label next to an IBAN (same line or the lines around it).
fn bic_near_iban(v: &PageView<'_>, li: usize, page: usize, iban_score: f32, out: &mut Vec<Cand>) {
    for l in li.saturating_sub(1)..(li + 2).min(v.lines.len()) {
        for &w in &v.lines[l].words {
            let t = v
                .word_text(w)
                .trim_matches(|c: char| !c.is_ascii_alphanumeric());
            if parse::looks_like_bic(t) && !parse::iban_is_valid(t) {
                out.push(Cand {
                    derived: false,
                    field: FieldKey::Bic,
                    value: FieldValue::Code(t.to_owned()),
                    score: 0.6 * iban_score,
                    page,
                    words: vec![w],
                    raw: t.to_owned(),
                    explanation: format!("BIC pattern next to the IBAN on page {}", page + 1),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ocr_label_with_a_misread_letter_or_two_is_still_the_label() {
        let lex = lexicon::lexicon(DocType::Invoice);
        let hit = |words: &[&str]| {
            let toks: Vec<super::super::view::Tok> = words
                .iter()
                .enumerate()
                .map(|(pos, w)| super::super::view::Tok {
                    text: (*w).to_owned(),
                    pos,
                    end_in_word: w.len(),
                })
                .collect();
            misread_label(lex, &toks, |_| true).map(|(lid, n)| (lex.labels[lid].tokens.concat(), n))
        };
        // Two letters off in twelve, one in eight.
        assert_eq!(
            hit(&["stevermummer", "190"]),
            Some(("steuernummer".into(), 1))
        );
        assert_eq!(hit(&["no", "factura", "a"]), Some(("nfactura".into(), 2)));
        // Three off, a different first letter, a short word: not labels.
        assert_eq!(hit(&["stevermummet"]), None);
        assert_eq!(hit(&["zteuernummer"]), None);
        assert_eq!(hit(&["datun"]), None);
        // Words on the page that merely resemble nothing in the lexicon.
        assert_eq!(hit(&["bergstrasse", "12"]), None);

        assert_eq!(edit_distance_within(&['a', 'b'], &['a', 'b'], 0), Some(0));
        let (a, b): (Vec<char>, Vec<char>) =
            ("kitten".chars().collect(), "sitting".chars().collect());
        assert_eq!(edit_distance_within(&a, &b, 3), Some(3));
        assert_eq!(edit_distance_within(&a, &b, 2), None);
    }

    fn items(s: &str) -> Vec<Item> {
        s.split_whitespace()
            .enumerate()
            .map(|(i, t)| Item {
                idx: i as u32,
                text: t.to_owned(),
            })
            .collect()
    }

    #[test]
    fn identifiers_skip_fillers_and_reject_labels() {
        assert_eq!(parse_identifier(&items(": 4711")).unwrap().0, "4711");
        assert_eq!(
            parse_identifier(&items("Nr. RE-2024-001 vom")).unwrap().0,
            "RE-2024-001"
        );
        assert!(parse_identifier(&items("Datum:")).is_none());
        assert!(parse_identifier(&items("05.03.2024")).is_none());
        assert!(parse_identifier(&items("vom")).unwrap().2 < 0.5);
    }

    #[test]
    fn amounts_skip_rates_and_join_space_groups() {
        let a = parse_amounts(&items("19 % 1 234,56 EUR"), Some(DecimalStyle::Comma));
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].value.to_string(), "1234.56");
        let b = parse_amounts(
            &items("Umsatzsteuer (S) 275,00 7 19,25"),
            Some(DecimalStyle::Comma),
        );
        assert_eq!(
            b.iter().map(|x| x.value.to_string()).collect::<Vec<_>>(),
            ["275.00", "7", "19.25"]
        );
        assert!(b[1].validity < 0.5);
        let c = parse_amounts(
            &items("Total TTC €40 783,53 Reste 1 234 567,89 EUR"),
            Some(DecimalStyle::Comma),
        );
        assert_eq!(
            c.iter().map(|x| x.value.to_string()).collect::<Vec<_>>(),
            ["40783.53", "1234567.89"]
        );
        assert_eq!(c[0].words.len(), 2);
        assert_eq!(c[1].words.len(), 3);
    }

    #[test]
    fn codes_are_joined_to_their_exact_length() {
        assert_eq!(
            join_code(&items("FR 32 123 456 789 - TAX"), 6, vat_id_complete)
                .unwrap()
                .0,
            "FR32123456789"
        );
        assert_eq!(
            join_code(&items("DE123456789 USt"), 6, vat_id_complete)
                .unwrap()
                .0,
            "DE123456789"
        );
        assert_eq!(
            parse_iban(&items("FR14 2004 1010 0505 0001 3M02 606"))
                .unwrap()
                .0,
            "FR1420041010050500013M02606"
        );
        assert_eq!(
            parse_tax_number(&items(": 201/113/40209")).unwrap().0,
            "201/113/40209"
        );
    }
}
