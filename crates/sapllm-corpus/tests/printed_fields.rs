//! Checks the documents as a user would: every ground-truth header value must be readable in
//! `pdftotext -layout` output in the form the page prints it, and mean the same value. Runs over
//! the sample set and the gallery (every family in every language). Skipped, with a note, when
//! poppler's `pdftotext` is not installed.

use std::process::Command;

use sapllm_core::{FieldKey, Normalisation, ValueKind};
use sapllm_corpus::ground_truth::GroundTruth;
use sapllm_corpus::layout::{self, Family};
use sapllm_corpus::model::Document;
use sapllm_corpus::samples::{self, Output};

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pdftotext(pdf: &[u8], name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("sapllm-corpus-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext failed on {name}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// Checks one document; returns the number of values checked.
fn check(stem: &str, doc: &Document, family: Family) -> usize {
    let rendered = layout::render(doc, family);
    let gt = GroundTruth::for_rendered(doc, &rendered);
    let text = collapse(&pdftotext(&samples::pdf_bytes(doc, &rendered), stem));
    assert_eq!(gt.fields.len(), rendered.printed.len(), "{stem}");
    for (key, value) in &gt.fields {
        let printed = &rendered.printed[key];
        assert!(
            text.contains(&collapse(printed)),
            "{stem}: {key} printed as {printed:?} not in the text"
        );
        // The printed form and the ground truth must denote the same value.
        let same = |n: Normalisation| assert_eq!(n.apply(printed), n.apply(value), "{stem} {key}");
        match key {
            _ if key.value_kind() == ValueKind::Amount => {
                assert_eq!(digits(printed), digits(value), "{stem} {key}")
            }
            FieldKey::SellerName | FieldKey::BuyerName => same(Normalisation::Name),
            FieldKey::Iban | FieldKey::Bic | FieldKey::SellerVatId | FieldKey::BuyerVatId => {
                same(Normalisation::UpperAlnum)
            }
            FieldKey::InvoiceNumber
            | FieldKey::PoNumber
            | FieldKey::BuyerReference
            | FieldKey::PaymentTerms => {
                assert_eq!(printed, value, "{stem} {key}")
            }
            _ => {}
        }
    }
    for line in gt.line_items.iter().flatten() {
        for (key, value) in line {
            if key.as_str() == "description" {
                assert!(
                    text.contains(&collapse(value)),
                    "{stem}: line {value:?} not in the text"
                );
            }
        }
    }
    gt.fields.len()
}

fn pdftotext_missing() -> bool {
    let missing = Command::new("pdftotext").arg("-v").output().is_err();
    if missing {
        eprintln!("pdftotext not installed: skipping the printed-value check");
    }
    missing
}

#[test]
fn sample_values_are_printed() {
    if pdftotext_missing() {
        return;
    }
    let mut checked = 0;
    for spec in samples::plan() {
        if matches!(spec.output, Output::Pdf | Output::FacturX) {
            checked += check(spec.stem, &samples::document_for(&spec, 7), spec.family);
        }
    }
    assert!(checked > 150, "only {checked} values checked");
}

#[test]
fn gallery_values_are_printed() {
    if pdftotext_missing() {
        return;
    }
    let mut checked = 0;
    for (stem, doc, family) in samples::gallery_documents(11) {
        checked += check(&stem, &doc, family);
    }
    assert!(checked > 400, "only {checked} values checked");
}
