//! What the pipeline may ask about documents it has seen before. The store implements this
//! (through the API crate); the pipeline never sees SQL.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sapllm_core::ContentHash;

/// A query for earlier invoices that could be the same one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateQuery {
    /// Normalised seller identity: VAT ID if known, else the normalised name.
    pub seller_key: String,
    pub invoice_number: Option<String>,
    pub gross_total: Option<Decimal>,
    pub issue_date: Option<NaiveDate>,
    /// The document being processed (never its own duplicate).
    pub exclude: ContentHash,
}

/// Why an earlier document matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateReason {
    SameSellerAndNumber,
    SameSellerAmountAndDate,
}

/// An earlier document that matches a [`DuplicateQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateHit {
    pub hash: ContentHash,
    pub reason: DuplicateReason,
    pub invoice_number: Option<String>,
    pub file_name: Option<String>,
}

/// Read access to earlier documents.
pub trait PriorDocuments {
    /// The status of a document with exactly these bytes, if it was received before.
    fn status_of(&self, hash: &ContentHash) -> Option<String>;
    /// Earlier invoices of the same seller with the same number, or the same amount and date.
    /// An error (e.g. the database is unreachable) is reported as text: validation must then
    /// send the document to review, because "no duplicate found" was not established.
    fn duplicates(&self, query: &DuplicateQuery) -> Result<Vec<DuplicateHit>, String>;
}

/// For batch tools that keep no store (eval, bench): nothing was seen before.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPriorDocuments;

impl PriorDocuments for NoPriorDocuments {
    fn status_of(&self, _: &ContentHash) -> Option<String> {
        None
    }
    fn duplicates(&self, _: &DuplicateQuery) -> Result<Vec<DuplicateHit>, String> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;

    /// An in-memory stand-in for the store in unit tests.
    #[derive(Debug, Default)]
    pub struct FakePrior {
        pub known: HashMap<ContentHash, String>,
        pub invoices: Vec<(ContentHash, DuplicateQuery)>,
    }

    impl PriorDocuments for FakePrior {
        fn status_of(&self, hash: &ContentHash) -> Option<String> {
            self.known.get(hash).cloned()
        }
        fn duplicates(&self, q: &DuplicateQuery) -> Result<Vec<DuplicateHit>, String> {
            Ok(self
                .invoices
                .iter()
                .filter(|(h, e)| *h != q.exclude && e.seller_key == q.seller_key)
                .filter_map(|(h, e)| {
                    let norm = |n: &Option<String>| {
                        n.as_deref()
                            .and_then(sapllm_core::identity::normalise_invoice_number)
                    };
                    let reason = if norm(&q.invoice_number).is_some()
                        && norm(&e.invoice_number) == norm(&q.invoice_number)
                    {
                        DuplicateReason::SameSellerAndNumber
                    } else if q.gross_total.is_some()
                        && e.gross_total == q.gross_total
                        && q.issue_date.is_some()
                        && e.issue_date == q.issue_date
                    {
                        DuplicateReason::SameSellerAmountAndDate
                    } else {
                        return None;
                    };
                    Some(DuplicateHit {
                        hash: h.clone(),
                        reason,
                        invoice_number: e.invoice_number.clone(),
                        file_name: None,
                    })
                })
                .collect())
        }
    }
}
