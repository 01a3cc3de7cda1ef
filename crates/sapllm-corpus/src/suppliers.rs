//! Supplier groups for measuring learning (`sapllm learn replay`): several invoices from each
//! supplier — the same seller, bank account, language, currency, layout family and style —
//! with different numbers, dates, buyers and lines, as a real supplier's billing system
//! produces them. Files are named `s<group>-<k>-…` so that a supplier's documents sort in
//! order; the ground truth names the seller, by which the replay groups them.

use std::path::Path;

use crate::CorpusError;
use crate::dataset::{self, FamilyRef, Generated, Split, generate_one_with, write_generated};
use crate::model::Document;
use crate::rng::Rng;
use sapllm_core::DocType;

/// The `k`-th invoice of supplier `group` (the supplier is the seller of the group's template).
pub fn supplier_document(seed: u64, split: Split, group: usize, k: usize) -> Generated {
    let template = dataset::document(seed, 1_000_000 + group, &crate::model::Language::ALL);
    let mut idx = 2_000_000 + group * 1000 + k * 7;
    let mut doc: Document = loop {
        let d = dataset::document(seed, idx, &[template.language]);
        if d.doc_type == DocType::Invoice {
            break d;
        }
        idx += 1;
    };
    doc.seller = template.seller.clone();
    doc.bank = template.bank.clone();
    doc.currency = template.currency.clone();
    doc.recompute();
    let families = split.families();
    let mut pick = Rng::derive(seed, &format!("supplier-layout-{group}"));
    let family: FamilyRef = *pick.pick(&families);
    // The same stream for every document of the group: same style choices, same layout.
    let style = Rng::derive(seed, &format!("supplier-style-{group}"));
    generate_one_with(doc, family, style, format!("s{group:03}-{k:02}"))
}

/// Writes `groups` suppliers with `per_supplier` invoices each into `out`.
pub fn write_suppliers(
    out: &Path,
    seed: u64,
    split: Split,
    groups: usize,
    per_supplier: usize,
) -> Result<usize, CorpusError> {
    let mut n = 0;
    for g in 0..groups {
        for k in 0..per_supplier {
            write_generated(out, &supplier_document(seed, split, g, k))?;
            n += 1;
        }
    }
    Ok(n)
}
