//! Checks the samples as a user would: every ground-truth header value must be readable in
//! `pdftotext -layout` output in the form the page prints it. Skipped (with a note) when
//! poppler's `pdftotext` is not installed.

use std::process::Command;

use sapllm_core::{FieldKey, Normalisation};
use sapllm_corpus::ground_truth::GroundTruth;
use sapllm_corpus::layout;
use sapllm_corpus::samples::{self, Output};

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pdftotext(pdf: &[u8], name: &str) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("sapllm-corpus-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).ok()?;
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

#[test]
fn every_ground_truth_value_is_printed() {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!("pdftotext not installed: skipping the printed-value check");
        return;
    }
    let mut checked = 0;
    for spec in samples::plan() {
        if !matches!(spec.output, Output::Pdf | Output::FacturX) {
            continue;
        }
        let doc = samples::document_for(&spec, 7);
        let rendered = layout::render(&doc, spec.family);
        let gt = GroundTruth::for_rendered(&doc, &rendered);
        let text = collapse(
            &pdftotext(&samples::pdf_bytes(&doc, &rendered), spec.stem).expect("pdftotext runs"),
        );
        assert_eq!(gt.fields.len(), rendered.printed.len(), "{}", spec.stem);
        for (key, value) in &gt.fields {
            let printed = &rendered.printed[key];
            assert!(
                text.contains(&collapse(printed)),
                "{}: {key} printed as {printed:?} not found in text",
                spec.stem
            );
            // The printed form and the ground truth must denote the same value.
            match key.value_kind() {
                sapllm_core::ValueKind::Amount => {
                    assert_eq!(digits(printed), digits(value), "{} {key}", spec.stem)
                }
                _ => match key {
                    FieldKey::SellerName | FieldKey::BuyerName => {
                        assert_eq!(
                            Normalisation::Name.apply(printed),
                            Normalisation::Name.apply(value)
                        )
                    }
                    FieldKey::Iban
                    | FieldKey::Bic
                    | FieldKey::SellerVatId
                    | FieldKey::BuyerVatId => {
                        assert_eq!(
                            Normalisation::UpperAlnum.apply(printed),
                            Normalisation::UpperAlnum.apply(value)
                        )
                    }
                    FieldKey::InvoiceNumber
                    | FieldKey::PoNumber
                    | FieldKey::BuyerReference
                    | FieldKey::PaymentTerms => {
                        assert_eq!(printed, value)
                    }
                    _ => {}
                },
            }
            checked += 1;
        }
        if let Some(lines) = &gt.line_items {
            for line in lines {
                let desc = &line
                    .iter()
                    .find(|(k, _)| k.as_str() == "description")
                    .unwrap()
                    .1;
                assert!(
                    text.contains(&collapse(desc)),
                    "{}: line {desc:?} not found",
                    spec.stem
                );
            }
        }
    }
    assert!(checked > 150, "only {checked} values checked");
}
