//! Keyword evidence over page text, shared by classification and type identification.
//!
//! Text is folded once (lower case, accents kept, punctuation to spaces) and phrases are
//! matched on word boundaries. Where a phrase stands matters: a title at the top of the first
//! page in a large font says more than the same word in the small print.

use sapllm_core::Page;

/// A line of a page, folded for matching, with what makes it a title.
#[derive(Debug, Clone)]
pub struct FoldedLine {
    pub page: u32,
    /// Space-separated folded words, with a leading and trailing space for boundary matches.
    pub text: String,
    /// Top of the line relative to page height (0 = top).
    pub rel_top: f32,
    /// Line height relative to the page's median word height.
    pub rel_size: f32,
}

/// Folds text for matching: lower case, non-alphanumerics (except `%`, `§`) become spaces;
/// a colon stays as its own token because it tells a label ("Bestellung: 4711") from a title.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(' ');
    let mut last_space = true;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '%' || c == '§' {
            out.push(c);
            last_space = false;
        } else if c == ':' {
            if !last_space {
                out.push(' ');
            }
            out.push_str(": ");
            last_space = true;
        } else if !last_space {
            out.push(' ');
            last_space = true;
        }
    }
    if !last_space {
        out.push(' ');
    }
    out
}

/// All lines of the pages, folded, with title features.
pub fn folded_lines(pages: &[Page]) -> Vec<FoldedLine> {
    let mut out = Vec::new();
    for page in pages {
        let mut heights: Vec<f32> = page.words.iter().map(|w| w.bbox.height()).collect();
        heights.sort_by(f32::total_cmp);
        let median = heights
            .get(heights.len() / 2)
            .copied()
            .unwrap_or(10.0)
            .max(1.0);
        for line in &page.lines {
            out.push(FoldedLine {
                page: page.index,
                text: fold(&page.line_text(line)),
                rel_top: line.bbox.y0 / page.height.max(1.0),
                rel_size: line.bbox.height() / median,
            });
        }
    }
    out
}

/// Where a phrase was found and how strong that place is.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub phrase: &'static str,
    pub page: u32,
    /// Index of the line in the slice searched (reading order).
    pub line: usize,
    pub weight: f32,
    pub is_title: bool,
    /// Followed by a colon: a label ("Bestellung: B123"), weighted down.
    pub is_label: bool,
}

/// Finds `phrases` (already folded, without the boundary spaces) in the lines. The weight of a
/// hit: 3 for a title (first page, top 40 %, large type), 1.5 elsewhere on the first page's top
/// half, 1 elsewhere on page 1, 0.4 on later pages; a phrase followed by a colon is a label
/// that refers to another document ("Bestellung: B123" on an invoice) and counts a third.
pub fn find_phrases(lines: &[FoldedLine], phrases: &[&'static str]) -> Vec<Hit> {
    find_phrases_and_compounds(lines, phrases, &[])
}

/// Like [`find_phrases`], plus German-style compounds: a word that ends in one of `suffixes`
/// ("Mietrechnung", "Handelsrechnung" end in "rechnung") is a hit of that suffix.
pub fn find_phrases_and_compounds(
    lines: &[FoldedLine],
    phrases: &[&'static str],
    suffixes: &[&'static str],
) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (line_index, line) in lines.iter().enumerate() {
        let mut found: Vec<(&'static str, bool)> = Vec::new();
        for &p in phrases {
            if let Some(pos) = find_phrase(&line.text, p) {
                let after = &line.text[pos + p.len() + 1..];
                found.push((p, is_label_tail(after)));
            }
        }
        for &suffix in suffixes {
            let mut words = line.text.split(' ').peekable();
            while let Some(w) = words.next() {
                if w.len() > suffix.len()
                    && w.ends_with(suffix)
                    && !found.iter().any(|(p, _)| *p == suffix)
                {
                    let label = words.peek().is_some_and(|n| *n == ":");
                    found.push((suffix, label));
                }
            }
        }
        for (p, is_label) in found {
            {
                let is_title =
                    !is_label && line.page == 0 && line.rel_top < 0.4 && line.rel_size >= 1.25;
                let weight = if is_title {
                    3.0
                } else if line.page == 0 && line.rel_top < 0.5 {
                    1.5
                } else if line.page == 0 {
                    1.0
                } else {
                    0.4
                };
                let weight = if is_label { weight / 3.0 } else { weight };
                hits.push(Hit {
                    phrase: p,
                    page: line.page,
                    line: line_index,
                    weight,
                    is_title,
                    is_label,
                });
            }
        }
    }
    hits
}

/// Whether what follows a phrase makes it a label: a colon, directly or after a reference word
/// ("Bestellung: …", "Purchase order ID: …", "Lieferschein-Nr.: …").
fn is_label_tail(after: &str) -> bool {
    const REFERENCE_WORDS: &[&str] = &[
        "id",
        "nr",
        "no",
        "number",
        "nummer",
        "ref",
        "n",
        "num",
        "numéro",
        "reference",
    ];
    let mut words = after.split_whitespace();
    match words.next() {
        Some(":") => true,
        Some(w) if REFERENCE_WORDS.contains(&w) => words.next() == Some(":"),
        _ => false,
    }
}

/// Byte position of the space before the phrase in folded `text`, on word boundaries.
fn find_phrase(text: &str, phrase: &str) -> Option<usize> {
    let mut needle = String::with_capacity(phrase.len() + 2);
    needle.push(' ');
    needle.push_str(phrase);
    needle.push(' ');
    text.find(&needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains_phrase(text: &str, phrase: &str) -> bool {
        find_phrase(text, phrase).is_some()
    }

    #[test]
    fn folding_and_boundaries() {
        assert_eq!(fold("Rechnung-Nr.: 4711"), " rechnung nr : 4711 ");
        assert!(contains_phrase(&fold("Credit Note No. 5"), "credit note"));
        assert!(!contains_phrase(&fold("Creditnote"), "credit note"));
        assert!(!contains_phrase(&fold("Rechnungsnummer"), "rechnung"));
        assert!(contains_phrase(&fold("Facture d'avoir"), "avoir"));
    }

    #[test]
    fn labels_weigh_less_than_titles_and_compounds_count() {
        let line = |t: &str| FoldedLine {
            page: 0,
            text: fold(t),
            rel_top: 0.1,
            rel_size: 1.0,
        };
        let lines = [
            line("Bestellung: B123456789"),
            line("Mietrechnung Nr. 93 vom 01.10.2018"),
            line("Purchase order ID: PO1"),
        ];
        let po = find_phrases(&lines, &["bestellung", "purchase order"]);
        assert_eq!(po.len(), 2);
        assert!(
            po.iter()
                .all(|h| h.is_label && (h.weight - 0.5).abs() < 1e-6),
            "{po:?}"
        );
        let inv = find_phrases_and_compounds(&lines, &["rechnung"], &["rechnung"]);
        assert_eq!(inv.len(), 1);
        assert!((inv[0].weight - 1.5).abs() < 1e-6);
    }
}
