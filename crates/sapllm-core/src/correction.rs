//! A clerk's correction of a result: what was changed, from what to what, on which evidence,
//! by whom and when. The learning issue consumes these; the store keeps them with the result
//! version they produced.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::field::{FieldKey, LineKey};
use crate::geometry::BBox;

/// What a correction changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CorrectionTarget {
    /// A header field.
    Header { field: FieldKey },
    /// One cell of a line item (zero-based line).
    LineCell { line: u32, key: LineKey },
    /// A new, empty line item after `after` (at the start when `None`).
    LineAdd { after: Option<u32> },
    /// Removes a line item.
    LineDelete { line: u32 },
    /// Splits a line item into two (the copy follows the original).
    LineSplit { line: u32 },
}

impl CorrectionTarget {
    /// A short label for people and the audit log ("invoice_number", "line 3 quantity").
    /// Lines are counted from 1 here, as clerks count them.
    pub fn label(&self) -> String {
        match self {
            CorrectionTarget::Header { field } => field.as_str().to_owned(),
            CorrectionTarget::LineCell { line, key } => {
                format!("line {} {}", line + 1, key.as_str())
            }
            CorrectionTarget::LineAdd { after: Some(l) } => {
                format!("line added after line {}", l + 1)
            }
            CorrectionTarget::LineAdd { after: None } => "line added at the start".to_owned(),
            CorrectionTarget::LineDelete { line } => format!("line {} deleted", line + 1),
            CorrectionTarget::LineSplit { line } => format!("line {} split", line + 1),
        }
    }
}

/// The evidence a corrected value rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CorrectionSource {
    /// Words clicked on a page (zero-based page, word indices of that page) and their box.
    Words {
        page: u32,
        words: Vec<u32>,
        bbox: BBox,
    },
    /// A box dragged on a page; the value is the text of the words inside it.
    Region { page: u32, bbox: BBox },
    /// Typed by the clerk.
    Typed,
    /// The clerk checked the value and kept it (old = new): a positive label for learning.
    Confirmed,
}

impl CorrectionSource {
    pub fn kind(&self) -> &'static str {
        match self {
            CorrectionSource::Words { .. } => "words",
            CorrectionSource::Region { .. } => "region",
            CorrectionSource::Typed => "typed",
            CorrectionSource::Confirmed => "confirmed",
        }
    }

    /// The page and box the value was taken from, if it came from the page.
    pub fn place(&self) -> Option<(u32, BBox)> {
        match self {
            CorrectionSource::Words { page, bbox, .. }
            | CorrectionSource::Region { page, bbox } => Some((*page, *bbox)),
            CorrectionSource::Typed | CorrectionSource::Confirmed => None,
        }
    }
}

/// One correction: the target, the value before and after (plain strings as in ground truth:
/// amounts with a dot, dates ISO), the evidence, the user and the time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    pub target: CorrectionTarget,
    pub old: Option<String>,
    pub new: Option<String>,
    pub source: CorrectionSource,
    pub user: String,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_sources_serialise_with_a_kind_tag() {
        let t = CorrectionTarget::LineCell {
            line: 2,
            key: LineKey::Quantity,
        };
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["kind"], "line_cell");
        assert_eq!(json["key"], "quantity");
        assert_eq!(t.label(), "line 3 quantity");
        let s = CorrectionSource::Words {
            page: 0,
            words: vec![4, 5],
            bbox: BBox::new(1.0, 2.0, 3.0, 4.0),
        };
        let back: CorrectionSource =
            serde_json::from_value(serde_json::to_value(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        assert_eq!(s.place().map(|p| p.0), Some(0));
        let h: CorrectionTarget =
            serde_json::from_str(r#"{"kind":"header","field":"invoice_number"}"#).unwrap();
        assert_eq!(
            h,
            CorrectionTarget::Header {
                field: FieldKey::InvoiceNumber
            }
        );
    }
}
