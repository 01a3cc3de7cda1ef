//! Finding exact e-invoice values on the printed page.
//!
//! An e-invoice PDF's values come from its XML and are exact, but the clerk reviews the page:
//! each value that is also printed gets the page, box and words where it stands, so the review
//! screen can draw it. The source stays `e-invoice-xml`; only the place is added.

use rust_decimal::Decimal;
use sapllm_core::{BBox, FieldKey, FieldValue, Page, Provenance};
use std::collections::BTreeMap;

use crate::extraction::Extraction;

/// Longest run of words one value may span (an IBAN in groups of four has 6–9 words).
const MAX_WORDS: usize = 9;

/// Adds page places to the fields of `x` whose values are printed on `pages`.
pub fn locate_values(x: &mut Extraction, pages: &[Page]) {
    if pages.is_empty() {
        return;
    }
    let index = PrintedIndex::build(pages);
    for (key, field) in x.fields.iter_mut() {
        let forms = printed_forms(&field.value);
        // Totals stand at the end of an invoice, and the same amount may also be a line amount:
        // take the last occurrence for them, the first for everything else.
        let prefer_last = matches!(
            key,
            FieldKey::NetTotal | FieldKey::TaxTotal | FieldKey::GrossTotal | FieldKey::AmountDue
        );
        if let Some(hit) = index.find(&forms, prefer_last) {
            place(&mut field.provenance, hit);
        }
    }
    for item in &mut x.line_items {
        for cell in item.cells.values_mut() {
            if let Some(hit) = index.find(&printed_forms(&cell.value), false) {
                place(&mut cell.provenance, hit);
            }
        }
    }
}

fn place(p: &mut Provenance, hit: Hit) {
    p.page = Some(hit.page);
    p.bbox = Some(hit.bbox);
    p.words = hit.words;
    p.explanation = format!("{}; printed on page {}", p.explanation, hit.page + 1);
}

#[derive(Debug, Clone)]
struct Hit {
    page: u32,
    bbox: BBox,
    words: Vec<u32>,
}

/// Every run of up to [`MAX_WORDS`] consecutive words of a line, keyed by its text without
/// spaces, case-folded.
struct PrintedIndex {
    runs: BTreeMap<String, Vec<Hit>>,
}

impl PrintedIndex {
    fn build(pages: &[Page]) -> Self {
        let mut runs: BTreeMap<String, Vec<Hit>> = BTreeMap::new();
        for page in pages {
            for line in &page.lines {
                for start in 0..line.words.len() {
                    let mut key = String::new();
                    let mut bbox: Option<BBox> = None;
                    for end in start..line.words.len().min(start + MAX_WORDS) {
                        let w = &page.words[line.words[end] as usize];
                        key.push_str(&w.text.to_lowercase());
                        bbox = Some(bbox.map_or(w.bbox, |b| b.union(&w.bbox)));
                        if let Some(b) = bbox {
                            runs.entry(key.clone()).or_default().push(Hit {
                                page: page.index,
                                bbox: b,
                                words: line.words[start..=end].to_vec(),
                            });
                        }
                    }
                }
            }
        }
        Self { runs }
    }

    fn find(&self, forms: &[String], prefer_last: bool) -> Option<Hit> {
        let mut hits: Vec<&Hit> = forms
            .iter()
            .filter_map(|f| self.runs.get(f))
            .flatten()
            .collect();
        hits.sort_by(|a, b| a.page.cmp(&b.page).then(a.bbox.y0.total_cmp(&b.bbox.y0)));
        let pick = if prefer_last {
            hits.last()
        } else {
            hits.first()
        };
        pick.map(|h| (*h).clone())
    }
}

/// How a value may be printed, as index keys (no spaces, lower case).
fn printed_forms(v: &FieldValue) -> Vec<String> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    match v {
        FieldValue::Text(s) | FieldValue::Code(s) => {
            let s = squash(s);
            if s.chars().count() < 2 {
                Vec::new()
            } else {
                vec![s]
            }
        }
        FieldValue::Date(d) => [
            "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y%m%d",
        ]
        .iter()
        .map(|f| d.format(f).to_string())
        .collect(),
        FieldValue::Amount(a) => amount_forms(*a),
    }
}

fn amount_forms(a: Decimal) -> Vec<String> {
    let mut r = a.round_dp(2);
    r.rescale(2);
    let plain = r.abs().to_string(); // 1234.56
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, "00"));
    let group = |sep: char| -> String {
        let digits: Vec<char> = int.chars().collect();
        let mut out = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(*c);
        }
        out
    };
    let sign = if a.is_sign_negative() && !a.is_zero() {
        "-"
    } else {
        ""
    };
    let mut forms = vec![
        format!("{sign}{},{frac}", group('.')),
        format!("{sign}{int},{frac}"),
        format!("{sign}{},{frac}", group(' ')).replace(' ', ""),
        format!("{sign}{}.{frac}", group(',')),
        format!("{sign}{int}.{frac}"),
    ];
    for f in forms.clone() {
        forms.push(format!("{f}€"));
        forms.push(format!("€{f}"));
        forms.push(format!("{f}eur"));
    }
    forms.sort();
    forms.dedup();
    forms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pages::page_from_lines;
    use sapllm_core::{ExtractedField, Producer};

    fn xml_field(v: FieldValue) -> ExtractedField {
        ExtractedField {
            value: v,
            confidence: 1.0,
            provenance: Provenance::xml("/x", "", Producer::new("einvoice.cii", "1")),
            alternatives: vec![],
        }
    }

    #[test]
    fn exact_values_get_the_place_where_they_are_printed() {
        let page = page_from_lines(&[
            ("Rechnung Nr. RE-2024-17", 14.0),
            ("Datum 05.03.2024", 10.0),
            ("Pos 1 Beratung 1.190,00", 10.0),
            ("Gesamtbetrag 1.190,00 EUR", 10.0),
            ("IBAN DE89 3704 0044 0532 0130 00", 9.0),
        ]);
        let mut x = Extraction::default();
        x.fields.insert(
            FieldKey::InvoiceNumber,
            xml_field(FieldValue::Text("RE-2024-17".into())),
        );
        x.fields.insert(
            FieldKey::IssueDate,
            xml_field(FieldValue::Date(
                chrono::NaiveDate::from_ymd_opt(2024, 3, 5).unwrap(),
            )),
        );
        x.fields.insert(
            FieldKey::GrossTotal,
            xml_field(FieldValue::Amount("1190.00".parse().unwrap())),
        );
        x.fields.insert(
            FieldKey::Iban,
            xml_field(FieldValue::Code("DE89370400440532013000".into())),
        );
        x.fields.insert(
            FieldKey::BuyerReference,
            xml_field(FieldValue::Text("not printed".into())),
        );
        locate_values(&mut x, std::slice::from_ref(&page));

        let gross = &x.fields[&FieldKey::GrossTotal].provenance;
        // The total, not the line amount above it.
        let total_line = &page.lines[3];
        assert_eq!(gross.page, Some(0));
        assert!(
            gross.bbox.unwrap().y0 >= total_line.bbox.y0 - 0.1,
            "{gross:?}"
        );
        assert_eq!(gross.source, sapllm_core::SourceKind::EInvoiceXml);
        assert!(gross.explanation.contains("printed on page 1"));
        assert_eq!(x.fields[&FieldKey::Iban].provenance.words.len(), 6);
        assert!(x.fields[&FieldKey::IssueDate].provenance.bbox.is_some());
        assert!(x.fields[&FieldKey::InvoiceNumber].provenance.bbox.is_some());
        assert!(
            x.fields[&FieldKey::BuyerReference]
                .provenance
                .bbox
                .is_none()
        );
    }

    #[test]
    fn amount_forms_cover_the_usual_notations() {
        let f = amount_forms("-1234567.5".parse().unwrap());
        for want in [
            "-1.234.567,50",
            "-1234567,50",
            "-1,234,567.50",
            "-1234567.50",
        ] {
            assert!(f.contains(&want.to_string()), "{want} missing in {f:?}");
        }
    }
}
