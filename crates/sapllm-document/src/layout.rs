//! Grouping positioned characters into words and lines.
//!
//! PDFium reports characters (its "segments" can be single glyphs), so words are built here:
//! a word ends at a space, at a horizontal gap wider than a fraction of the glyph height, or
//! where the baseline jumps. Lines are clusters of words whose vertical extents overlap,
//! sorted left to right; lines are sorted top to bottom.

use sapllm_core::{BBox, Line, Word};

/// One character with its box in page space (top-left origin, points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionedChar {
    pub ch: char,
    pub bbox: BBox,
}

/// Gap (relative to glyph height) beyond which two glyphs belong to different words. Tuned on
/// the physics of type, not on documents: a normal inter-word space is ~0.25–0.33 em, letter
/// spacing stays well below 0.15 em.
const WORD_GAP_EM: f32 = 0.22;

/// Minimum vertical overlap for two words to share a line.
const LINE_OVERLAP: f32 = 0.5;

/// Builds words from characters in content-stream order.
pub fn words_from_chars(chars: &[PositionedChar]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut text = String::new();
    let mut bbox: Option<BBox> = None;
    let mut last: Option<BBox> = None;

    let mut flush = |text: &mut String, bbox: &mut Option<BBox>| {
        if let Some(b) = bbox.take() {
            let t = text.trim();
            if !t.is_empty() {
                words.push(Word {
                    text: t.to_owned(),
                    bbox: b,
                    confidence: 1.0,
                });
            }
        }
        text.clear();
    };

    for c in chars {
        // PDFium reports a hyphen that ends a line as U+0002: it belongs to the word
        // (`SEPA-` / `Lastschriftmandat`), and dropping it would turn `SEPA-Lastschrift`
        // into two words.
        if c.ch == '\u{2}' {
            if !text.is_empty() {
                text.push('-');
            }
            flush(&mut text, &mut bbox);
            last = None;
            continue;
        }
        if c.ch.is_whitespace() || c.ch.is_control() || c.ch == '\u{FFFE}' {
            flush(&mut text, &mut bbox);
            last = None;
            continue;
        }
        if c.bbox.width() <= 0.0 && c.bbox.height() <= 0.0 {
            continue;
        }
        if let Some(prev) = last {
            let h = prev.height().max(c.bbox.height()).max(1.0);
            let gap = c.bbox.x0 - prev.x1;
            let same_line = prev.vertical_overlap(&c.bbox) >= LINE_OVERLAP;
            let backwards = c.bbox.x1 < prev.x0;
            if !same_line || gap > WORD_GAP_EM * h || backwards {
                flush(&mut text, &mut bbox);
            }
        }
        text.push(c.ch);
        bbox = Some(bbox.map_or(c.bbox, |b| b.union(&c.bbox)));
        last = Some(c.bbox);
    }
    flush(&mut text, &mut bbox);
    words
}

/// Clusters words into lines (top to bottom, words left to right).
pub fn lines_from_words(words: &[Word]) -> Vec<Line> {
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.sort_by(|&a, &b| {
        words[a]
            .bbox
            .center_y()
            .total_cmp(&words[b].bbox.center_y())
            .then(words[a].bbox.x0.total_cmp(&words[b].bbox.x0))
    });
    let mut lines: Vec<(BBox, Vec<usize>)> = Vec::new();
    for i in order {
        let b = words[i].bbox;
        // Only the most recent lines can overlap a word sorted by its vertical centre.
        let target = lines.iter_mut().rev().take(3).find(|(lb, _)| {
            let core = BBox::new(lb.x0, lb.y0, lb.x1, lb.y1);
            core.vertical_overlap(&b) >= LINE_OVERLAP
        });
        match target {
            Some((lb, members)) => {
                *lb = lb.union(&b);
                members.push(i);
            }
            None => lines.push((b, vec![i])),
        }
    }
    let mut out: Vec<Line> = lines
        .into_iter()
        .map(|(bbox, mut members)| {
            members.sort_by(|&a, &b| words[a].bbox.x0.total_cmp(&words[b].bbox.x0));
            Line {
                words: members.into_iter().map(|i| i as u32).collect(),
                bbox,
            }
        })
        .collect();
    out.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    out
}

/// The text of `words` in reading order: lines top to bottom ([`lines_from_words`]), words
/// left to right, one space between words and between lines. The one definition of "the text
/// of a page" that OCR references and OCR output are compared by.
pub fn reading_text(words: &[Word]) -> String {
    let mut out = String::new();
    for l in &lines_from_words(words) {
        for &i in &l.words {
            if let Some(w) = words.get(i as usize) {
                for part in w.text.split_whitespace() {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(part);
                }
            }
        }
    }
    out
}

/// Whether extracted text is usable: enough letters and digits, and not mostly replacement or
/// private-use characters (what a PDF without a ToUnicode map yields).
pub fn text_is_usable(words: &[Word]) -> bool {
    let mut good = 0usize;
    let mut bad = 0usize;
    for w in words {
        for c in w.text.chars() {
            if c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c) || c.is_control() {
                bad += 1;
            } else if c.is_alphanumeric() {
                good += 1;
            }
        }
    }
    good >= 20 && bad * 4 < good
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lays out `text` as single glyphs, 6 pt wide, on a line at `y`, starting at `x`.
    fn glyphs(text: &str, x: f32, y: f32) -> Vec<PositionedChar> {
        text.chars()
            .enumerate()
            .map(|(i, ch)| {
                let x0 = x + i as f32 * 6.0;
                PositionedChar {
                    ch,
                    bbox: BBox::new(x0, y, x0 + 5.5, y + 10.0),
                }
            })
            .collect()
    }

    #[test]
    fn spaces_and_gaps_split_words_single_glyph_segments_join() {
        let mut chars = glyphs("Invoice No.", 50.0, 100.0);
        // A value far to the right on the same baseline, without a space character.
        chars.extend(glyphs("RE-2024-001", 300.0, 100.5));
        let words = words_from_chars(&chars);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["Invoice", "No.", "RE-2024-001"]);
        assert!((words[2].bbox.x0 - 300.0).abs() < 0.01);
    }

    #[test]
    fn a_line_end_hyphen_reported_as_u0002_stays_with_its_word() {
        let mut chars = glyphs("ein SEPA", 40.0, 100.0);
        chars.push(PositionedChar {
            ch: '\u{2}',
            bbox: BBox::new(0.0, 0.0, 0.0, 0.0),
        });
        chars.extend(glyphs("Lastschriftmandat", 40.0, 114.0));
        let words = words_from_chars(&chars);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["ein", "SEPA-", "Lastschriftmandat"]);
    }

    #[test]
    fn lines_are_ordered_top_down_and_left_right() {
        let mut chars = glyphs("Total 119,00", 300.0, 200.0);
        chars.extend(glyphs("Net 100,00", 300.0, 180.0));
        chars.extend(glyphs("Summary", 40.0, 199.0));
        let words = words_from_chars(&chars);
        let lines = lines_from_words(&words);
        assert_eq!(lines.len(), 2);
        let text = |l: &Line| {
            l.words
                .iter()
                .map(|&i| words[i as usize].text.clone())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(text(&lines[0]), "Net 100,00");
        assert_eq!(text(&lines[1]), "Summary Total 119,00");
    }

    #[test]
    fn unusable_text_is_detected() {
        let good = words_from_chars(&glyphs(
            "Rechnung Nummer 4711 vom 05.03.2024 Betrag",
            0.0,
            0.0,
        ));
        assert!(text_is_usable(&good));
        let junk: String = std::iter::repeat_n('\u{E012}', 60).collect();
        assert!(!text_is_usable(&words_from_chars(&glyphs(&junk, 0.0, 0.0))));
        assert!(!text_is_usable(&[]));
    }
}
