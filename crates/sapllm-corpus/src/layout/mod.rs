//! Page layouts: fourteen families that place the same document model in different ways.
//!
//! [`render`] turns a [`Document`] into pages plus a record of what was printed (see
//! [`Rendered`]); [`pdf_document`] wraps the pages into a [`PdfDocument`] with deterministic
//! metadata.

pub mod blocks;
pub mod composed;
pub mod families;
pub mod i18n;
pub mod recipes;
pub mod sheet;

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use sapllm_core::{FieldKey, LineKey};

use crate::model::Document;
use crate::pdf::{Info, Page, PdfDocument};
pub use sheet::{Sheet, Style};

/// A layout family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Din,
    Banner,
    Centered,
    SellerRight,
    TwoColumn,
    Boxed,
    Letter,
    Ledger,
    Stamped,
    Logo,
    Erp,
    Sidebar,
    French,
    Minimal,
}

impl Family {
    pub const ALL: [Family; 14] = [
        Family::Din,
        Family::Banner,
        Family::Centered,
        Family::SellerRight,
        Family::TwoColumn,
        Family::Boxed,
        Family::Letter,
        Family::Ledger,
        Family::Stamped,
        Family::Logo,
        Family::Erp,
        Family::Sidebar,
        Family::French,
        Family::Minimal,
    ];

    /// Short name used in file names.
    pub fn name(self) -> &'static str {
        match self {
            Family::Din => "din",
            Family::Banner => "banner",
            Family::Centered => "centered",
            Family::SellerRight => "seller-right",
            Family::TwoColumn => "two-column",
            Family::Boxed => "boxed",
            Family::Letter => "letter",
            Family::Ledger => "ledger",
            Family::Stamped => "stamped",
            Family::Logo => "logo",
            Family::Erp => "erp",
            Family::Sidebar => "sidebar",
            Family::French => "french",
            Family::Minimal => "minimal",
        }
    }

    /// One line on what makes the family different.
    pub fn description(self) -> &'static str {
        match self {
            Family::Din => {
                "DIN 5008 business letter: letterhead right, window address, labels left of values, header-rule table, 4-column footer"
            }
            Family::Banner => {
                "coloured banner with seller and title, boxed key-values, zebra table with coloured header, shaded totals"
            }
            Family::Centered => {
                "centred letterhead and title, inline key-value line, full grid table with currency in headers"
            }
            Family::SellerRight => {
                "seller block top right, recipient top left, labels above values on a band"
            }
            Family::TwoColumn => {
                "seller and buyer in two labelled address columns, full grid with all columns, boxed totals with VAT bases"
            }
            Family::Boxed => {
                "everything framed: key-value grid, recipient box, title band, boxed totals and bank, framed footer"
            }
            Family::Letter => {
                "formal Times letter: place and date, subject line, salutation, ruled rows, complimentary close"
            }
            Family::Ledger => {
                "multi-page: running header, compact rows, carried-forward subtotals, page n of m"
            }
            Family::Stamped => "upper-case seller, recipient box, rotated rubber stamp",
            Family::Logo => {
                "logo drawn from rectangles, tinted table header with row rules, tinted totals"
            }
            Family::Erp => "Courier ERP printout: dotted key-values, dashed rules, plain numbers",
            Family::Sidebar => "shaded left sidebar with seller, tax and bank data",
            Family::French => {
                "client box, key-value cells, VAT breakdown table beside boxed totals, legal mentions"
            }
            Family::Minimal => {
                "large light title, labels above values, bank beside recipient, row rules"
            }
        }
    }
}

/// Pages of a rendered document and what they show.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pages: Vec<Page>,
    /// Header fields printed, with their printed form.
    pub printed: BTreeMap<FieldKey, String>,
    /// Line-item attributes shown in the items table.
    pub line_keys: BTreeSet<LineKey>,
    /// Word-label spans of the text operations (see [`crate::words`]).
    pub annotations: Vec<sheet::Annotation>,
}

/// Lays out `doc` in `family`.
pub fn render(doc: &Document, family: Family) -> Rendered {
    render_styled(doc, family, Style::new(doc.language))
}

/// Lays out `doc` in `family`, starting from `st` (labels, formats) instead of the language's
/// defaults; the family may still override what it always does its own way.
pub fn render_styled(doc: &Document, family: Family, st: Style) -> Rendered {
    let sheet = match family {
        Family::Din => families::din(doc, st),
        Family::Banner => families::banner(doc, st),
        Family::Centered => families::centered(doc, st),
        Family::SellerRight => families::seller_right(doc, st),
        Family::TwoColumn => families::two_column(doc, st),
        Family::Boxed => families::boxed(doc, st),
        Family::Letter => families::letter(doc, st),
        Family::Ledger => families::ledger(doc, st),
        Family::Stamped => families::stamped(doc, st),
        Family::Logo => families::logo_header(doc, st),
        Family::Erp => families::erp(doc, st),
        Family::Sidebar => families::sidebar(doc, st),
        Family::French => families::french(doc, st),
        Family::Minimal => families::minimal(doc, st),
    };
    finish(sheet)
}

/// The pages and records of a finished sheet.
pub fn finish(sheet: Sheet) -> Rendered {
    let printed = sheet.printed.clone();
    let line_keys = sheet.line_keys.clone();
    let annotations = sheet.annotations.clone();
    Rendered {
        pages: sheet.into_pages(),
        printed,
        line_keys,
        annotations,
    }
}

/// Document info with dates derived from the document (never the clock).
pub fn info_for(doc: &Document) -> Info {
    let d = doc.issue_date;
    Info {
        title: format!("{} {}", i18n::title(doc.language, doc.doc_type), doc.number),
        author: doc.issuer().name.clone(),
        subject: format!("{} {}", doc.doc_type, doc.number),
        creator: "sapllm-corpus".to_owned(),
        producer: "sapllm-corpus PDF writer".to_owned(),
        creation_date: format!(
            "D:{:04}{:02}{:02}100000+01'00'",
            d.year(),
            d.month(),
            d.day()
        ),
    }
}

/// A PDF of the rendered pages.
pub fn pdf_document(doc: &Document, rendered: &Rendered) -> PdfDocument {
    PdfDocument {
        info: info_for(doc),
        pages: rendered.pages.clone(),
        ..PdfDocument::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocSpec, Language, VatMode, generate};
    use crate::pdf::Op;
    use crate::rng::Rng;
    use sapllm_core::DocType;

    /// Text boxes (x0, y0, x1, y1) of unrotated text on a page.
    fn boxes(page: &Page) -> Vec<(f32, f32, f32, f32, String)> {
        page.ops
            .iter()
            .filter_map(|op| match op {
                Op::Text(t) if t.angle_deg == 0.0 && !t.text.trim().is_empty() => {
                    let w = t.font.text_width(&t.text, t.size);
                    Some((
                        t.x,
                        t.y - t.size * 0.2,
                        t.x + w,
                        t.y + t.size * 0.7,
                        t.text.clone(),
                    ))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn text_stays_on_the_page_and_does_not_overlap() {
        let specs = [
            DocSpec::invoice(Language::De),
            DocSpec {
                with_po: true,
                with_buyer_reference: true,
                with_prepaid: true,
                ..DocSpec::invoice(Language::En)
            },
            DocSpec {
                vat_mode: VatMode::TwoRates,
                ..DocSpec::invoice(Language::Fr)
            },
            DocSpec {
                vat_mode: VatMode::ReverseCharge,
                ..DocSpec::invoice(Language::De)
            },
            DocSpec {
                min_lines: 40,
                max_lines: 40,
                ..DocSpec::invoice(Language::Fr)
            },
            DocSpec::of_type(DocType::CreditNote, Language::Fr),
            DocSpec::of_type(DocType::PurchaseOrder, Language::De),
            DocSpec::of_type(DocType::DeliveryNote, Language::En),
        ];
        let mut failures = Vec::new();
        for seed in 0..8 {
            for spec in &specs {
                let doc = generate(spec, &mut Rng::new(seed));
                for family in Family::ALL {
                    let r = render(&doc, family);
                    for (pi, page) in r.pages.iter().enumerate() {
                        let b = boxes(page);
                        for (x0, y0, x1, y1, s) in &b {
                            assert!(
                                *x0 >= 15.0 && *x1 <= page.width - 15.0,
                                "{family:?} seed {seed}: {s:?} off the page at x {x0}..{x1}"
                            );
                            assert!(
                                *y0 >= 15.0 && *y1 <= page.height - 15.0,
                                "{family:?} seed {seed}: {s:?} off the page at y {y0}..{y1}"
                            );
                        }
                        for (i, a) in b.iter().enumerate() {
                            for c in &b[i + 1..] {
                                let ox = a.2.min(c.2) - a.0.max(c.0);
                                let oy = a.3.min(c.3) - a.1.max(c.1);
                                if ox > 1.0 && oy > 1.0 {
                                    failures.push(format!(
                                        "{family:?} {:?} seed {seed} page {pi}: {:?} overlaps {:?}",
                                        spec.doc_type, a.4, c.4
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
        failures.sort();
        failures.dedup();
        assert!(
            failures.is_empty(),
            "{} overlaps:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
