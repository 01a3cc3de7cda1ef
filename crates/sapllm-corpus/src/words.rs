//! Word-level labels for training (`<stem>.labels.json`, schema `sapllm-wordlabels/1`).
//!
//! Every text run on a page is split at spaces; each word gets its box (PDF points, origin top
//! left, from the AFM widths the writer uses, so boxes match what PDFium reports within a
//! fraction of a point) and the label of the span that covers it: the ground-truth key the
//! word belongs to (`invoice_number`, `line_items.3.quantity`), `label:<key>` for the printed
//! label of a field, or `null`. Spans come from the blocks that drew the run ([`Annotation`]);
//! runs no block annotated are matched against the printed values of the header fields, so a
//! family that prints a value by hand still labels it.

use std::collections::BTreeMap;

use sapllm_core::FieldKey;
use serde::Serialize;

use crate::layout::sheet::Annotation;
use crate::pdf::{Font, Op, Page, TextOp, sin_cos_deg};

pub const SCHEMA: &str = "sapllm-wordlabels/1";

/// One word with its box `[x, y, w, h]` (points, top-left origin) and label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelledWord {
    pub text: String,
    pub bbox: [f32; 4],
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageWords {
    pub index: usize,
    pub width: f32,
    pub height: f32,
    pub words: Vec<LabelledWord>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WordLabels {
    pub schema: &'static str,
    pub family: String,
    pub pages: Vec<PageWords>,
}

impl WordLabels {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Every word of every page with its page index.
    pub fn all_words(&self) -> impl Iterator<Item = (usize, &LabelledWord)> {
        self.pages
            .iter()
            .flat_map(|p| p.words.iter().map(move |w| (p.index, w)))
    }
}

/// Ascent and descent of a font as fractions of the size (AFM Ascender / Descender).
fn vertical_metrics(font: Font) -> (f32, f32) {
    match font {
        Font::Helvetica | Font::HelveticaBold => (0.718, 0.207),
        Font::TimesRoman | Font::TimesBold => (0.683, 0.217),
        Font::Courier | Font::CourierBold => (0.629, 0.157),
    }
}

/// Byte ranges of the words of `text` (split at spaces).
fn word_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c == ' ', start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Byte ranges of the spans in `text`, searched left to right.
fn span_ranges(text: &str, ann: &Annotation) -> Vec<((usize, usize), String)> {
    let mut cursor = 0;
    let mut out = Vec::new();
    for span in &ann.spans {
        match &span.text {
            None => out.push(((0, text.len()), span.label.clone())),
            Some(part) if !part.is_empty() => {
                let found = text
                    .get(cursor..)
                    .and_then(|rest| rest.find(part.as_str()))
                    .map(|p| p + cursor)
                    .or_else(|| text.find(part.as_str()));
                if let Some(p) = found {
                    out.push(((p, p + part.len()), span.label.clone()));
                    cursor = p + part.len();
                }
            }
            Some(_) => {}
        }
    }
    out
}

fn is_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Spans for a run no block annotated: the printed header values it contains.
fn fallback_ranges(
    text: &str,
    printed: &BTreeMap<FieldKey, String>,
) -> Vec<((usize, usize), String)> {
    let mut out = Vec::new();
    for (key, value) in printed {
        // A country name or a currency code occurs in many places that are not the field.
        if matches!(key, FieldKey::SellerCountry | FieldKey::Currency) || value.len() < 3 {
            continue;
        }
        if let Some(p) = text.find(value.as_str()) {
            let r = (p, p + value.len());
            if is_boundary(text, r.0, r.1)
                && !out
                    .iter()
                    .any(|(o, _): &((usize, usize), String)| o.0 < r.1 && r.0 < o.1)
            {
                out.push((r, key.as_str().to_owned()));
            }
        }
    }
    out
}

fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// The words of one text operation.
fn op_words(
    t: &TextOp,
    page_height: f32,
    ranges: &[((usize, usize), String)],
) -> Vec<LabelledWord> {
    let (asc, desc) = vertical_metrics(t.font);
    let (sin, cos) = sin_cos_deg(t.angle_deg);
    word_ranges(&t.text)
        .into_iter()
        .map(|(s, e)| {
            let x0 = t.font.text_width(&t.text[..s], t.size);
            let x1 = x0 + t.font.text_width(&t.text[s..e], t.size);
            // Corners in the run's own frame (baseline at y = 0), rotated, then flipped.
            let corners = [
                (x0, -desc * t.size),
                (x1, -desc * t.size),
                (x1, asc * t.size),
                (x0, asc * t.size),
            ];
            let pts: Vec<(f32, f32)> = corners
                .iter()
                .map(|(dx, dy)| {
                    (
                        t.x + dx * cos - dy * sin,
                        page_height - (t.y + dx * sin + dy * cos),
                    )
                })
                .collect();
            let minx = pts.iter().map(|p| p.0).fold(f32::MAX, f32::min);
            let maxx = pts.iter().map(|p| p.0).fold(f32::MIN, f32::max);
            let miny = pts.iter().map(|p| p.1).fold(f32::MAX, f32::min);
            let maxy = pts.iter().map(|p| p.1).fold(f32::MIN, f32::max);
            // A word in two spans ("€1.234,56", "€1" of "€1 234,56") belongs to the amount: the
            // currency symbol is only the currency when it stands alone.
            let label = ranges
                .iter()
                .filter(|((a, b), _)| *a < e && s < *b)
                .max_by_key(|((a, b), l)| (l != "currency", (*b).min(e) - (*a).max(s)))
                .map(|(_, l)| l.clone());
            LabelledWord {
                text: t.text[s..e].to_owned(),
                bbox: [
                    round2(minx),
                    round2(miny),
                    round2(maxx - minx),
                    round2(maxy - miny),
                ],
                label,
            }
        })
        .collect()
}

/// Labelled words of rendered pages.
pub fn label_words(
    family: &str,
    pages: &[Page],
    annotations: &[Annotation],
    printed: &BTreeMap<FieldKey, String>,
) -> WordLabels {
    let mut by_op: BTreeMap<(usize, usize), &Annotation> = BTreeMap::new();
    for a in annotations {
        by_op.insert((a.page, a.op), a);
    }
    let pages = pages
        .iter()
        .enumerate()
        .map(|(pi, page)| {
            let mut words = Vec::new();
            for (oi, op) in page.ops.iter().enumerate() {
                let Op::Text(t) = op else { continue };
                let ranges = match by_op.get(&(pi, oi)) {
                    Some(a) => span_ranges(&t.text, a),
                    None => fallback_ranges(&t.text, printed),
                };
                words.extend(op_words(t, page.height, &ranges));
            }
            PageWords {
                index: pi,
                width: page.width,
                height: page.height,
                words,
            }
        })
        .collect();
    WordLabels {
        schema: SCHEMA,
        family: family.to_owned(),
        pages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::sheet::Span;
    use crate::pdf::Color;

    #[test]
    fn words_split_at_spaces_with_labels_of_their_spans() {
        let mut page = Page::a4();
        page.text(
            Font::Helvetica,
            10.0,
            100.0,
            700.0,
            Color::BLACK,
            "Invoice No.: RE-4711 x",
        );
        let ann = Annotation {
            page: 0,
            op: 0,
            spans: vec![
                Span {
                    text: Some("Invoice No.".into()),
                    label: "label:invoice_number".into(),
                },
                Span {
                    text: Some("RE-4711".into()),
                    label: "invoice_number".into(),
                },
            ],
        };
        let wl = label_words("f", &[page.clone()], &[ann], &BTreeMap::new());
        let w = &wl.pages[0].words;
        let texts: Vec<_> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["Invoice", "No.:", "RE-4711", "x"]);
        assert_eq!(w[0].label.as_deref(), Some("label:invoice_number"));
        assert_eq!(w[1].label.as_deref(), Some("label:invoice_number"));
        assert_eq!(w[2].label.as_deref(), Some("invoice_number"));
        assert_eq!(w[3].label, None);
        // x of the third word = width of the text before it.
        let before = Font::Helvetica.text_width("Invoice No.: ", 10.0);
        assert!((w[2].bbox[0] - (100.0 + before)).abs() < 0.02);
        // Top-left origin: baseline 700 from the bottom is 141.9 from the top.
        assert!(
            (w[2].bbox[1] - (841.89 - 700.0 - 7.18)).abs() < 0.05,
            "{:?}",
            w[2].bbox
        );
        // Unannotated runs fall back to the printed values.
        let mut printed = BTreeMap::new();
        printed.insert(FieldKey::InvoiceNumber, "RE-4711".to_owned());
        let wl = label_words("f", &[page], &[], &printed);
        assert_eq!(
            wl.pages[0].words[2].label.as_deref(),
            Some("invoice_number")
        );
        assert_eq!(wl.pages[0].words[0].label, None);
    }
}
