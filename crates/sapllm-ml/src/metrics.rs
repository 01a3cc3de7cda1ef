//! Measuring OCR: character error rate against a reference text.
//!
//! Both texts are compared as the pipeline reads them — words grouped into lines by the same
//! rule ([`sapllm_document::layout::lines_from_words`]), lines top to bottom — with
//! whitespace normalised to single spaces, so OCR is not charged for spacing differences
//! that do not change a word.

use sapllm_core::Word;

/// The text of `words` in reading order: lines top to bottom, words left to right, one space
/// between words and between lines.
pub fn reading_text(words: &[Word]) -> String {
    let lines = sapllm_document::layout::lines_from_words(words);
    let mut out = String::new();
    for l in &lines {
        for &i in &l.words {
            if let Some(w) = words.get(i as usize) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&w.text);
            }
        }
    }
    normalise(&out)
}

/// Whitespace collapsed to single spaces, trimmed.
pub fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Levenshtein distance over characters (insertions, deletions, substitutions).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Errors and reference length of one comparison; add them up over pages for a corpus CER.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CerCount {
    pub errors: usize,
    pub chars: usize,
}

impl CerCount {
    pub fn of(reference: &str, hypothesis: &str) -> Self {
        let (r, h) = (normalise(reference), normalise(hypothesis));
        Self {
            errors: edit_distance(&r, &h),
            chars: r.chars().count(),
        }
    }

    pub fn add(&mut self, other: CerCount) {
        self.errors += other.errors;
        self.chars += other.chars;
    }

    /// Errors per reference character (0 for an empty reference with no errors).
    pub fn rate(&self) -> f64 {
        if self.chars == 0 {
            if self.errors == 0 { 0.0 } else { 1.0 }
        } else {
            self.errors as f64 / self.chars as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sapllm_core::BBox;

    #[test]
    fn cer_counts_edits_over_normalised_text() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("Größe €", "Grosse €"), 2);
        let c = CerCount::of("Summe  119,00 €\n", "Summe 119,0O €");
        assert_eq!(c, CerCount { errors: 1, chars: 14 });
        assert!((c.rate() - 1.0 / 14.0).abs() < 1e-9);
    }

    #[test]
    fn reading_text_orders_lines_then_words() {
        let w = |t: &str, x: f32, y: f32| Word {
            text: t.into(),
            bbox: BBox::new(x, y, x + 20.0, y + 8.0),
            confidence: 1.0,
        };
        let words = [w("119,00", 300.0, 101.0), w("Rechnung", 10.0, 40.0), w("Summe", 200.0, 100.0)];
        assert_eq!(reading_text(&words), "Rechnung Summe 119,00");
    }
}
