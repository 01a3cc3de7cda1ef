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

/// Folds text for matching: lower case, non-alphanumerics (except `%`, `§`) become spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(' ');
    let mut last_space = true;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '%' || c == '§' {
            out.push(c);
            last_space = false;
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
        let median = heights.get(heights.len() / 2).copied().unwrap_or(10.0).max(1.0);
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
    pub weight: f32,
    pub is_title: bool,
}

/// Finds `phrases` (already folded, without the boundary spaces) in the lines. The weight of a
/// hit: 3 for a title (first page, top 40 %, large type), 1.5 elsewhere on the first page's top
/// half, 1 elsewhere on page 1, 0.4 on later pages.
pub fn find_phrases(lines: &[FoldedLine], phrases: &[&'static str]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for line in lines {
        for &p in phrases {
            if contains_phrase(&line.text, p) {
                let is_title = line.page == 0 && line.rel_top < 0.4 && line.rel_size >= 1.25;
                let weight = if is_title {
                    3.0
                } else if line.page == 0 && line.rel_top < 0.5 {
                    1.5
                } else if line.page == 0 {
                    1.0
                } else {
                    0.4
                };
                hits.push(Hit { phrase: p, page: line.page, weight, is_title });
            }
        }
    }
    hits
}

/// Whether folded `text` contains the folded phrase on word boundaries.
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    let mut needle = String::with_capacity(phrase.len() + 2);
    needle.push(' ');
    needle.push_str(phrase);
    needle.push(' ');
    text.contains(&needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_boundaries() {
        assert_eq!(fold("Rechnung-Nr.: 4711"), " rechnung nr 4711 ");
        assert!(contains_phrase(&fold("Credit Note No. 5"), "credit note"));
        assert!(!contains_phrase(&fold("Creditnote"), "credit note"));
        assert!(!contains_phrase(&fold("Rechnungsnummer"), "rechnung"));
        assert!(contains_phrase(&fold("Facture d'avoir"), "avoir"));
    }
}
