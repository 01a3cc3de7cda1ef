//! A read-only view of the pages built once per document: lines split into phrases
//! ("segments") at wide horizontal gaps, words split into normalised tokens for label matching,
//! and page statistics (typical word height, decimal style).
//!
//! The reader's lines span the full page width (a label in the left column and a value in the
//! right column share a line), so segments are what the extractor reasons about: a label and
//! its value are usually adjacent segments or adjacent words of one segment.

use sapllm_core::{BBox, Page};

use super::parse::DecimalStyle;

/// A phrase: consecutive words of a line without a wide gap.
#[derive(Debug, Clone)]
pub(crate) struct Seg {
    /// Positions in [`LineView::words`] (`start..end`).
    pub start: usize,
    pub end: usize,
    pub bbox: BBox,
}

/// A normalised token: case-folded, accents removed, only letters and digits (`#` kept).
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub text: String,
    /// Position of the word in [`LineView::words`].
    pub pos: usize,
    /// Byte offset in the word's text just after this token (for `Nr.:4711` in one word).
    pub end_in_word: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct LineView {
    /// Word indices into `page.words`, left to right.
    pub words: Vec<u32>,
    pub bbox: BBox,
    pub segs: Vec<Seg>,
    pub toks: Vec<Tok>,
    /// Index of the first token of each word position (`toks` are in word order).
    pub first_tok: Vec<usize>,
}

impl LineView {
    /// Segment that contains word position `pos`.
    pub fn seg_of(&self, pos: usize) -> usize {
        self.segs
            .iter()
            .position(|s| pos >= s.start && pos < s.end)
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PageView<'a> {
    pub page: &'a Page,
    pub lines: Vec<LineView>,
    /// Median word height: the unit for "near", "gap" and "line spacing".
    pub unit: f32,
}

impl<'a> PageView<'a> {
    pub fn build(page: &'a Page) -> Self {
        let unit = median_height(page);
        let mut groups: Vec<Vec<u32>> = Vec::with_capacity(page.lines.len());
        for l in page.lines.iter().filter(|l| !l.words.is_empty()) {
            split_tall_line(page, &l.words, unit, &mut groups);
        }
        let mut lines: Vec<LineView> = groups.iter().map(|g| build_line(page, g, unit)).collect();
        lines.sort_by(|a, b| {
            a.bbox
                .y0
                .total_cmp(&b.bbox.y0)
                .then(a.bbox.x0.total_cmp(&b.bbox.x0))
        });
        Self { page, lines, unit }
    }

    pub fn word_text(&self, idx: u32) -> &str {
        self.page
            .words
            .get(idx as usize)
            .map_or("", |w| w.text.as_str())
    }

    pub fn word_box(&self, idx: u32) -> BBox {
        self.page
            .words
            .get(idx as usize)
            .map_or_else(BBox::default, |w| w.bbox)
    }

    /// Texts of the words `start..end` of a line, joined by spaces.
    pub fn text_of(&self, line: &LineView, start: usize, end: usize) -> String {
        let mut s = String::new();
        for &w in line
            .words
            .get(start..end.min(line.words.len()))
            .unwrap_or(&[])
        {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(self.word_text(w));
        }
        s
    }

    pub fn seg_text(&self, line: &LineView, seg: &Seg) -> String {
        self.text_of(line, seg.start, seg.end)
    }

    pub fn line_text(&self, line: &LineView) -> String {
        self.text_of(line, 0, line.words.len())
    }
}

/// The median height of the page's words (at least 4 pt so odd pages stay sane).
fn median_height(page: &Page) -> f32 {
    let mut h: Vec<f32> = page
        .words
        .iter()
        .map(|w| w.bbox.height())
        .filter(|h| *h > 0.5)
        .collect();
    if h.is_empty() {
        return 10.0;
    }
    let mid = h.len() / 2;
    h.select_nth_unstable_by(mid, f32::total_cmp);
    h[mid].clamp(4.0, 40.0)
}

/// Re-splits a reader line that is much taller than a line of text. A rotated stamp or a tall
/// logo word overlaps several text lines and the reader's clustering then merges them into one
/// (`TVA Total Acompte 20 TTC % versé`); here tall words and ordinary words are regrouped
/// separately by their vertical centres.
fn split_tall_line(page: &Page, words: &[u32], unit: f32, out: &mut Vec<Vec<u32>>) {
    let valid: Vec<u32> = words
        .iter()
        .copied()
        .filter(|&w| (w as usize) < page.words.len())
        .collect();
    let boxes = |w: u32| page.words[w as usize].bbox;
    let Some(lb) = BBox::union_all(valid.iter().map(|&w| boxes(w)).collect::<Vec<_>>().iter())
    else {
        return;
    };
    if lb.height() <= 1.7 * unit || valid.len() < 2 {
        out.push(valid);
        return;
    }
    let (tall, normal): (Vec<u32>, Vec<u32>) =
        valid.iter().partition(|&&w| boxes(w).height() > 1.7 * unit);
    for set in [tall, normal] {
        let mut sorted = set;
        sorted.sort_by(|&a, &b| boxes(a).center_y().total_cmp(&boxes(b).center_y()));
        let mut groups: Vec<(f32, Vec<u32>)> = Vec::new();
        for w in sorted {
            let b = boxes(w);
            let cy = b.center_y();
            let tol = 0.45 * b.height().max(unit);
            match groups.last_mut() {
                Some((c, g)) if (cy - *c).abs() <= tol => {
                    g.push(w);
                    *c = (*c * (g.len() - 1) as f32 + cy) / g.len() as f32;
                }
                _ => groups.push((cy, vec![w])),
            }
        }
        for (_, mut g) in groups {
            g.sort_by(|&a, &b| boxes(a).x0.total_cmp(&boxes(b).x0));
            out.push(g);
        }
    }
}

/// Horizontal gap (in word heights) from which two words on a line belong to different
/// phrases. An ordinary space is about 0.3 of a word height; table columns and label/value
/// pairs are set apart by several.
const SEG_GAP: f32 = 1.1;

fn build_line(page: &Page, words: &[u32], unit: f32) -> LineView {
    // Keep only valid indices; the reader guarantees them, odd inputs must not panic.
    let words: Vec<u32> = words
        .iter()
        .copied()
        .filter(|&w| (w as usize) < page.words.len())
        .collect();
    let boxes: Vec<BBox> = words.iter().map(|&w| page.words[w as usize].bbox).collect();
    let bbox = BBox::union_all(boxes.iter()).unwrap_or_default();
    let mut segs = Vec::new();
    let mut start = 0;
    for i in 1..=words.len() {
        let split = i == words.len() || {
            let h = boxes[i].height().max(boxes[i - 1].height()).max(unit * 0.6);
            boxes[i].x0 - boxes[i - 1].x1 > SEG_GAP * h
        };
        if split && i > start {
            let b = BBox::union_all(boxes[start..i].iter()).unwrap_or_default();
            segs.push(Seg {
                start,
                end: i,
                bbox: b,
            });
            start = i;
        }
    }
    let mut toks = Vec::new();
    let mut first_tok = Vec::with_capacity(words.len());
    for (pos, &w) in words.iter().enumerate() {
        first_tok.push(toks.len());
        tokenize_into(&page.words[w as usize].text, pos, &mut toks);
    }
    LineView {
        words,
        bbox,
        segs,
        toks,
        first_tok,
    }
}

/// Splits a word into normalised tokens.
fn tokenize_into(text: &str, pos: usize, out: &mut Vec<Tok>) {
    let mut cur = String::new();
    for (i, c) in text.char_indices() {
        if c == '#' {
            if !cur.is_empty() {
                out.push(Tok {
                    text: std::mem::take(&mut cur),
                    pos,
                    end_in_word: i,
                });
            }
            out.push(Tok {
                text: "#".into(),
                pos,
                end_in_word: i + 1,
            });
            continue;
        }
        // `º` (ordinal indicator in `Nº`) counts as a letter in Unicode; it is punctuation here.
        if c.is_alphanumeric() && c != 'º' && c != 'ª' {
            fold_char(c, &mut cur);
        } else if !cur.is_empty() {
            out.push(Tok {
                text: std::mem::take(&mut cur),
                pos,
                end_in_word: i,
            });
        }
    }
    if !cur.is_empty() {
        out.push(Tok {
            text: cur,
            pos,
            end_in_word: text.len(),
        });
    }
}

/// Normalises a label or phrase into its token texts (same rules as page tokens).
pub(crate) fn normalise(text: &str) -> Vec<String> {
    let mut toks = Vec::new();
    for w in text.split_whitespace() {
        tokenize_into(w, 0, &mut toks);
    }
    toks.into_iter().map(|t| t.text).collect()
}

/// Lower-cases and removes diacritics, so that `Fälligkeit`, `fälligkeit` and `Falligkeit`
/// (fonts without umlaut glyph mapping) meet.
fn fold_char(c: char, out: &mut String) {
    let base = match c {
        'ä' | 'Ä' | 'á' | 'Á' | 'à' | 'À' | 'â' | 'Â' | 'ã' | 'å' => 'a',
        'ö' | 'Ö' | 'ó' | 'Ó' | 'ò' | 'ô' | 'Ô' | 'õ' => 'o',
        'ü' | 'Ü' | 'ú' | 'Ú' | 'ù' | 'û' | 'Û' => 'u',
        'é' | 'É' | 'è' | 'È' | 'ê' | 'Ê' | 'ë' => 'e',
        'í' | 'Í' | 'ì' | 'î' | 'Î' | 'ï' => 'i',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        'ß' => {
            out.push_str("ss");
            return;
        }
        'œ' | 'Œ' => {
            out.push_str("oe");
            return;
        }
        _ => {
            for l in c.to_lowercase() {
                out.push(l);
            }
            return;
        }
    };
    out.push(base);
}

/// The decimal style of a document, by counting amount-like words (`123,45` vs `123.45`).
pub(crate) fn decimal_style(views: &[PageView<'_>]) -> Option<DecimalStyle> {
    let (mut comma, mut dot) = (0usize, 0usize);
    for v in views {
        for w in &v.page.words {
            let t = w.text.trim_end_matches(['€', '%', ')']).trim_end();
            let b = t.as_bytes();
            let n = b.len();
            if n >= 4
                && b[n - 1].is_ascii_digit()
                && b[n - 2].is_ascii_digit()
                && b[n - 4].is_ascii_digit()
            {
                match b[n - 3] {
                    b',' if !t.contains('.') || t.rfind('.') < t.rfind(',') => comma += 1,
                    b'.' if !t.contains(',') || t.rfind(',') < t.rfind('.') => {
                        // `05.03.2024`-like dates end in `.24`: not money.
                        if t.matches('.').count() == 1 || t.contains(',') {
                            dot += 1
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    match comma.cmp(&dot) {
        std::cmp::Ordering::Greater => Some(DecimalStyle::Comma),
        std::cmp::Ordering::Less => Some(DecimalStyle::Dot),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_folded_and_split_on_punctuation() {
        assert_eq!(normalise("USt.-IdNr.:"), ["ust", "idnr"]);
        assert_eq!(normalise("N° de facture"), ["n", "de", "facture"]);
        assert_eq!(normalise("Nº"), ["n"]);
        assert_eq!(normalise("Fälligkeitsdatum"), ["falligkeitsdatum"]);
        assert_eq!(normalise("Invoice #"), ["invoice", "#"]);
        assert_eq!(normalise("Straße"), ["strasse"]);
    }
}
