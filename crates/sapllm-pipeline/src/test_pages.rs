//! Hand-built pages for unit tests of the stages.

use sapllm_core::{BBox, Page, SourceKind, Word};
use sapllm_document::layout::lines_from_words;

/// An A4 page with one text line per entry (text, font size), stacked from the top.
pub fn page_from_lines(lines: &[(&str, f32)]) -> Page {
    let mut words = Vec::new();
    let mut y = 40.0;
    for (text, size) in lines {
        let mut x = 50.0;
        for w in text.split_whitespace() {
            let width = w.chars().count() as f32 * size * 0.5;
            words.push(Word {
                text: w.to_owned(),
                bbox: BBox::new(x, y, x + width, y + size),
                confidence: 1.0,
            });
            x += width + size * 0.3;
        }
        y += size * 1.6;
    }
    let lines = lines_from_words(&words);
    Page {
        index: 0,
        width: 595.0,
        height: 842.0,
        text_source: SourceKind::TextLayer,
        words,
        lines,
    }
}
