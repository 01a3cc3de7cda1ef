//! What a document is after reading: its identity, file kind, pages, words and lines.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::geometry::BBox;
use crate::provenance::SourceKind;

/// SHA-256 of the original bytes, lower-case hex. Identifies a document everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContentHash(String);

impl ContentHash {
    /// Wraps a hex digest; accepts only 64 lower-case hex characters.
    pub fn from_hex(hex: &str) -> Option<Self> {
        (hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Self(hex.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 12 hex characters: what a person types to name a document.
    pub fn short(&self) -> &str {
        &self.0[..12]
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// File kind found by sniffing the first bytes (never the extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Tiff,
    /// An XML file (an e-invoice when its root is CII, UBL or Order-X; the parser decides).
    Xml,
}

impl FileKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpeg",
            FileKind::Tiff => "tiff",
            FileKind::Xml => "xml",
        }
    }

    /// Parses the name written by [`FileKind::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        [
            FileKind::Pdf,
            FileKind::Png,
            FileKind::Jpeg,
            FileKind::Tiff,
            FileKind::Xml,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }

    pub fn is_image(&self) -> bool {
        matches!(self, FileKind::Png | FileKind::Jpeg | FileKind::Tiff)
    }
}

/// Index of a word on its page's `words`.
pub type WordIndex = u32;

/// A word: characters that belong together, with a box in page space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    /// Recogniser confidence (1.0 for a text layer).
    pub confidence: f32,
}

/// A line of words in reading order, left to right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub words: Vec<WordIndex>,
    pub bbox: BBox,
}

/// One page: its size in points and what was read from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// Zero-based page number.
    pub index: u32,
    pub width: f32,
    pub height: f32,
    /// Where the words came from (text layer or OCR).
    pub text_source: SourceKind,
    pub words: Vec<Word>,
    /// Lines sorted top to bottom.
    pub lines: Vec<Line>,
}

impl Page {
    /// The text of a line, words joined by single spaces.
    pub fn line_text(&self, line: &Line) -> String {
        let mut s = String::new();
        for (i, w) in line.words.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&self.words[*w as usize].text);
        }
        s
    }

    /// The text of chosen words in the given order, joined by single spaces — except that a
    /// word ending in a hyphen at the end of a line joins the next line's first word
    /// directly (`MasterCard-` / `Kreditkarte` → `MasterCard-Kreditkarte`): a block of text
    /// a clerk selects reads as it was written, not as it was wrapped. Unknown indices are
    /// skipped.
    pub fn join_words(&self, words: &[WordIndex]) -> String {
        let mut s = String::new();
        let mut prev: Option<&Word> = None;
        for w in words.iter().filter_map(|&i| self.words.get(i as usize)) {
            if let Some(p) = prev {
                let next_line = w.bbox.center_y() > p.bbox.y1;
                let hyphen = p.text.ends_with('-') && p.text.chars().count() > 1;
                if !(next_line && hyphen && w.text.starts_with(char::is_alphabetic)) {
                    s.push(' ');
                }
            }
            s.push_str(&w.text);
            prev = Some(w);
        }
        s
    }

    /// All text of the page, one line per line.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| self.line_text(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Why a page or document has no usable text (drives the "needs OCR" route).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextLayerStatus {
    /// The text layer has enough readable words.
    Usable,
    /// No text layer, or too little / unreadable text: the page needs OCR.
    NeedsOcr,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x0: f32, y0: f32) -> Word {
        Word {
            text: text.into(),
            bbox: BBox::new(x0, y0, x0 + 8.0 * text.len() as f32, y0 + 10.0),
            confidence: 1.0,
        }
    }

    #[test]
    fn joined_words_undo_a_hyphenated_line_break_only() {
        let page = Page {
            index: 0,
            width: 600.0,
            height: 800.0,
            text_source: SourceKind::TextLayer,
            words: vec![
                word("Ihre", 10.0, 100.0),
                word("MasterCard-", 50.0, 100.0),
                word("Kreditkarte", 10.0, 114.0),
                word("-", 110.0, 114.0),
                word("Rabatt", 130.0, 114.0),
            ],
            lines: Vec::new(),
        };
        assert_eq!(page.join_words(&[0, 1, 2]), "Ihre MasterCard-Kreditkarte");
        // On the same line a hyphen is a word of its own, and a lone dash joins nothing.
        assert_eq!(page.join_words(&[2, 3, 4]), "Kreditkarte - Rabatt");
        assert_eq!(page.join_words(&[1, 99, 0]), "MasterCard- Ihre");
    }
}
