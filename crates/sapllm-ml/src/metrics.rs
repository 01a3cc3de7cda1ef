//! Measuring OCR: character error rate against a reference text.
//!
//! Both texts are compared as the pipeline reads them — words grouped into lines by the same
//! rule ([`sapllm_document::layout::lines_from_words`]), lines top to bottom — with
//! whitespace normalised to single spaces, so OCR is not charged for spacing differences
//! that do not change a word.

use sapllm_core::Word;

/// The text of `words` in reading order: lines top to bottom, words left to right, one space
/// between words and between lines ([`sapllm_document::layout::reading_text`]).
pub fn reading_text(words: &[Word]) -> String {
    sapllm_document::layout::reading_text(words)
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

/// One edit of an alignment: a reference character read as another (`Some`, `Some`), dropped
/// (`Some`, `None`) or inserted (`None`, `Some`).
pub type Edit = (Option<char>, Option<char>);

/// The edits of a minimal alignment of `hypothesis` to `reference` (both whitespace
/// normalised), for an error breakdown: which characters are dropped, inserted or confused.
pub fn edits(reference: &str, hypothesis: &str) -> Vec<Edit> {
    let a: Vec<char> = normalise(reference).chars().collect();
    let b: Vec<char> = normalise(hypothesis).chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in 0..=n {
        d[at(i, 0)] = i as u32;
    }
    for j in 0..=m {
        d[at(0, j)] = j as u32;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = d[at(i - 1, j - 1)] + u32::from(a[i - 1] != b[j - 1]);
            d[at(i, j)] = sub.min(d[at(i - 1, j)] + 1).min(d[at(i, j - 1)] + 1);
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && d[at(i, j)] == d[at(i - 1, j - 1)] + u32::from(a[i - 1] != b[j - 1]) {
            if a[i - 1] != b[j - 1] {
                out.push((Some(a[i - 1]), Some(b[j - 1])));
            }
            (i, j) = (i - 1, j - 1);
        } else if i > 0 && d[at(i, j)] == d[at(i - 1, j)] + 1 {
            out.push((Some(a[i - 1]), None));
            i -= 1;
        } else {
            out.push((None, Some(b[j - 1])));
            j -= 1;
        }
    }
    out.reverse();
    out
}

/// Character errors with OCR words placed on the reference lines by position, so a
/// different line grouping (a label and its value a point apart vertically, two columns)
/// costs nothing while every wrong, missing or extra character still counts.
///
/// Each OCR word goes to the reference line it overlaps most vertically (at least half of the
/// smaller height) and is nearest to horizontally; per line, its words left to right are
/// compared with the line's text. OCR words on no line count as insertions. Both word lists
/// must be in the same page space (points, origin top-left).
pub fn positional_cer(reference: &[Word], ocr: &[Word]) -> CerCount {
    let lines = sapllm_document::layout::lines_from_words(reference);
    let mut assigned: Vec<Vec<&Word>> = vec![Vec::new(); lines.len()];
    let mut count = CerCount::default();
    for w in ocr {
        let best = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.bbox.vertical_overlap(&w.bbox) >= 0.5)
            .min_by(|(_, a), (_, b)| {
                let dx = |l: &sapllm_core::BBox| (l.x0 - w.bbox.x1).max(w.bbox.x0 - l.x1).max(0.0);
                let key = |l: &sapllm_core::BBox| (dx(l), -l.vertical_overlap(&w.bbox));
                key(&a.bbox)
                    .partial_cmp(&key(&b.bbox))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .map(|(i, _)| i);
        match best {
            Some(i) => assigned[i].push(w),
            None => count.errors += w.text.chars().count(),
        }
    }
    for (line, mut words) in lines.iter().zip(assigned) {
        words.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        let reference_text: Vec<&str> = line
            .words
            .iter()
            .filter_map(|&i| reference.get(i as usize).map(|w| w.text.as_str()))
            .collect();
        let hyp: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        count.add(CerCount::of(&reference_text.join(" "), &hyp.join(" ")));
    }
    count
}

/// Reference words per page from the `X.ocr.tsv` the scan generator writes
/// (`page x0 y0 x1 y1 text`, tab-separated, header line first).
pub fn read_reference_tsv(text: &str) -> Vec<Vec<Word>> {
    let mut pages: Vec<Vec<Word>> = Vec::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.splitn(6, '\t').collect();
        let [page, x0, y0, x1, y1, t] = c.as_slice() else {
            continue;
        };
        let (Ok(page), Ok(x0), Ok(y0), Ok(x1), Ok(y1)) = (
            page.parse::<usize>(),
            x0.parse(),
            y0.parse(),
            x1.parse(),
            y1.parse(),
        ) else {
            continue;
        };
        if pages.len() <= page {
            pages.resize(page + 1, Vec::new());
        }
        pages[page].push(Word {
            text: (*t).to_owned(),
            bbox: sapllm_core::BBox::new(x0, y0, x1, y1),
            confidence: 1.0,
        });
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use sapllm_core::BBox;

    #[test]
    fn cer_counts_edits_over_normalised_text() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("Größe €", "Grösse €"), 2);
        let c = CerCount::of("Summe  119,00 €\n", "Summe 119,0O €");
        assert_eq!(
            c,
            CerCount {
                errors: 1,
                chars: 14
            }
        );
        assert!((c.rate() - 1.0 / 14.0).abs() < 1e-9);
    }

    #[test]
    fn edits_name_each_dropped_inserted_and_confused_character() {
        let e = edits("Summe 119,00 €", "Summe119.00  €x");
        assert_eq!(
            e,
            vec![(Some(' '), None), (Some(','), Some('.')), (None, Some('x'))]
        );
        assert_eq!(e.len(), edit_distance("Summe 119,00 €", "Summe119.00 €x"));
        assert!(edits("abc", "abc").is_empty());
    }

    #[test]
    fn positional_cer_ignores_line_grouping_but_counts_every_error() {
        let w = |t: &str, x: f32, y: f32, h: f32| Word {
            text: t.into(),
            bbox: BBox::new(x, y, x + 8.0 * t.len() as f32, y + h),
            confidence: 1.0,
        };
        let reference = [
            w("Summe", 10.0, 100.0, 10.0),
            w("119,00", 300.0, 100.0, 10.0),
            w("Danke", 10.0, 140.0, 10.0),
        ];
        // OCR puts the value a little lower: reading order would join other lines, position
        // does not care. One wrong character, one extra word.
        let ocr = [
            w("Summe", 10.0, 99.0, 10.0),
            w("119.00", 300.0, 103.0, 12.0),
            w("Danke", 10.0, 141.0, 10.0),
            w("xx", 10.0, 400.0, 10.0),
        ];
        assert_eq!(
            positional_cer(&reference, &ocr),
            CerCount {
                errors: 3,
                chars: 17
            }
        );
        assert_eq!(positional_cer(&reference, &reference).errors, 0);
    }

    #[test]
    fn reading_text_orders_lines_then_words() {
        let w = |t: &str, x: f32, y: f32| Word {
            text: t.into(),
            bbox: BBox::new(x, y, x + 20.0, y + 8.0),
            confidence: 1.0,
        };
        let words = [
            w("119,00", 300.0, 101.0),
            w("Rechnung", 10.0, 40.0),
            w("Summe", 200.0, 100.0),
        ];
        assert_eq!(reading_text(&words), "Rechnung Summe 119,00");
    }
}
