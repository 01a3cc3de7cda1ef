//! The eight stages on real documents: the committed samples (digital PDFs in DE/EN/FR, a
//! ZUGFeRD PDF, a UBL XML, an image-only PDF, bad files) through PDFium and the rule extractor.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use sapllm_core::{DocType, FieldKey, Route, Severity, SourceKind, Stage};
use sapllm_document::pdf::PdfEngine;
use sapllm_pipeline::config::PipelineConfig;
use sapllm_pipeline::extraction::RuleExtractor;
use sapllm_pipeline::pipeline::{FixedClock, Outcome, Pipeline, Processed, RunOptions};
use sapllm_pipeline::preprocessing::PdfReader;
use sapllm_pipeline::prior::NoPriorDocuments;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

struct Pdfium;
impl PdfReader for Pdfium {
    fn read_pdf(
        &self,
        bytes: &[u8],
    ) -> Result<sapllm_document::pdf::PdfContent, sapllm_document::DocumentError> {
        PdfEngine::global(None)?.read(bytes)
    }
}

fn pipeline() -> Pipeline {
    Pipeline::new(
        PipelineConfig::default(),
        Arc::new(Pdfium),
        Arc::new(RuleExtractor::default()),
        Arc::new(FixedClock(NaiveDate::from_ymd_opt(2024, 12, 1).unwrap())),
    )
}

fn run(name: &str, options: RunOptions) -> Result<Processed, sapllm_pipeline::pipeline::Failure> {
    let bytes = std::fs::read(samples().join(name)).unwrap();
    match pipeline().process(&bytes, &NoPriorDocuments, options)? {
        Outcome::Processed(p) => Ok(*p),
        Outcome::AlreadyKnown { .. } => panic!("no store, nothing is known"),
    }
}

fn truth(name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(samples().join(name)).unwrap()).unwrap()
}

#[test]
fn every_sample_is_classified_as_its_ground_truth_says() {
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(samples()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e == "json" || e == "md") || path.is_dir() {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let t = truth(&format!(
            "{}.json",
            path.file_stem().unwrap().to_str().unwrap()
        ));
        let p = run(&name, RunOptions::default()).unwrap_or_else(|f| panic!("{name}: {f}"));
        let expected = t["doc_type"].as_str().unwrap();
        // An image-only PDF has nothing to classify until OCR exists: it is "other" and routed
        // to review for OCR.
        if name.starts_with("scanned") {
            assert!(
                p.result.findings.iter().any(|f| f.code == "needs_ocr"),
                "{name}"
            );
            assert_eq!(p.result.route, Route::Review);
            continue;
        }
        if p.result.doc_type.value.as_str() != expected {
            wrong.push(format!(
                "{name}: {} != {expected} ({:?})",
                p.result.doc_type.value, p.result.doc_type.evidence
            ));
        }
        // Every stage ran and was timed.
        for stage in Stage::ALL {
            assert!(
                p.result.timings_us.contains_key(&stage),
                "{name}: {stage:?} not timed"
            );
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn digital_invoices_yield_their_key_fields_with_provenance_on_the_page() {
    let mut correct = 0;
    let mut total = 0;
    for name in [
        "invoice-de-din",
        "invoice-en-banner",
        "invoice-fr-french",
        "invoice-en-minimal",
        "invoice-de-erp",
    ] {
        let p = run(&format!("{name}.pdf"), RunOptions::default()).unwrap();
        let t = truth(&format!("{name}.json"));
        for key in [
            FieldKey::InvoiceNumber,
            FieldKey::IssueDate,
            FieldKey::GrossTotal,
            FieldKey::Currency,
        ] {
            let Some(expected) = t["fields"][key.as_str()].as_str() else {
                continue;
            };
            total += 1;
            let Some(f) = p.result.fields.get(&key) else {
                continue;
            };
            let norm = key.normalisation();
            if norm.apply(&f.value.to_plain()) == norm.apply(expected) {
                correct += 1;
                // A value read from the page says where it stands and why it was chosen.
                assert_eq!(f.provenance.source, SourceKind::TextLayer, "{name} {key}");
                assert!(
                    f.provenance.page.is_some() && f.provenance.bbox.is_some(),
                    "{name} {key}: {:?}",
                    f.provenance
                );
                assert!(!f.provenance.explanation.is_empty());
                assert!((0.0..=1.0).contains(&f.confidence));
            }
        }
    }
    assert!(
        correct * 100 >= total * 85,
        "key fields right: {correct} of {total}"
    );
}

#[test]
fn the_zugferd_sample_is_exact_and_its_values_are_placed_on_the_page() {
    let p = run("zugferd-invoice-de.pdf", RunOptions::default()).unwrap();
    assert!(p.result.from_einvoice);
    let t = truth("zugferd-invoice-de.json");
    for (k, v) in t["fields"].as_object().unwrap() {
        let key: FieldKey = k.parse().unwrap();
        let f = &p.result.fields[&key];
        assert_eq!(
            key.normalisation().apply(&f.value.to_plain()),
            key.normalisation().apply(v.as_str().unwrap()),
            "{k}"
        );
        assert_eq!(f.provenance.source, SourceKind::EInvoiceXml);
    }
    let gross = &p.result.fields[&FieldKey::GrossTotal];
    assert!(
        gross.provenance.bbox.is_some(),
        "the gross total is printed and located: {:?}",
        gross.provenance
    );

    // The same file read from its printed page only is no longer exact.
    let printed = run(
        "zugferd-invoice-de.pdf",
        RunOptions {
            ignore_embedded: true,
            reprocess: false,
        },
    )
    .unwrap();
    assert!(!printed.result.from_einvoice);
    assert!(
        printed
            .result
            .fields
            .values()
            .all(|f| f.provenance.source != SourceKind::EInvoiceXml)
    );
}

#[test]
fn credit_notes_reverse_charge_and_small_amounts_get_their_subtypes() {
    let sub = |name: &str| {
        run(name, RunOptions::default())
            .unwrap()
            .result
            .subtype
            .map(|s| s.value.as_str().to_owned())
    };
    assert_eq!(sub("credit-note-de.pdf").as_deref(), Some("credit_memo"));
    assert_eq!(
        sub("invoice-de-reverse-charge.pdf").as_deref(),
        Some("reverse_charge")
    );
    let small = run("invoice-en-small-amount.pdf", RunOptions::default()).unwrap();
    let s = small.result.subtype.unwrap();
    assert!(
        s.value.as_str() == "small_amount"
            || s.alternatives
                .iter()
                .any(|(a, _)| a.as_str() == "small_amount"),
        "{s:?}"
    );
    assert_eq!(
        run("delivery-note-de.pdf", RunOptions::default())
            .unwrap()
            .result
            .doc_type
            .value,
        DocType::DeliveryNote
    );
}

#[test]
fn routing_always_gives_reasons() {
    for name in [
        "invoice-de-din.pdf",
        "purchase-order-en.pdf",
        "scanned-invoice-de.pdf",
        "ubl-invoice-fr.xml",
    ] {
        let r = run(name, RunOptions::default()).unwrap().result;
        match r.route {
            Route::AutoApprove => assert!(
                r.findings.iter().any(|f| f.code == "all_checks_passed"),
                "{name}"
            ),
            _ => assert!(
                !r.routing_reasons().is_empty(),
                "{name}: routed {:?} without a reason",
                r.route
            ),
        }
        assert!(r.findings.iter().all(|f| !f.message.is_empty()));
    }
    let po = run("purchase-order-en.pdf", RunOptions::default())
        .unwrap()
        .result;
    assert!(
        po.findings
            .iter()
            .any(|f| f.code == "not_a_payable" && f.severity == Severity::Review)
    );
}

#[test]
fn bad_files_fail_in_the_stage_that_found_them() {
    let bad = |n: &str| run(&format!("bad/{n}"), RunOptions::default()).unwrap_err();
    let f = bad("empty.pdf");
    assert_eq!((f.stage, f.code()), (Stage::Inbox, "empty_file"));
    let f = bad("not-a-pdf.pdf");
    assert_eq!((f.stage, f.code()), (Stage::Inbox, "unsupported_type"));
    let f = bad("encrypted.pdf");
    assert_eq!((f.stage, f.code()), (Stage::Preprocessing, "encrypted_pdf"));
    assert!(
        f.hash.is_some(),
        "a file that passed the inbox keeps its hash for the store"
    );
    assert_eq!(bad("truncated.pdf").code(), "corrupt_pdf");
    assert_eq!(bad("hostile.xml").code(), "hostile_xml");
    assert_eq!(bad("external-entity.xml").code(), "hostile_xml");
}

#[test]
fn same_input_same_versions_same_result() {
    let a = run("invoice-fr-boxed.pdf", RunOptions::default())
        .unwrap()
        .result;
    let mut b = run("invoice-fr-boxed.pdf", RunOptions::default())
        .unwrap()
        .result;
    b.timings_us = a.timings_us.clone();
    assert_eq!(a, b);
    assert!(a.versions.contains_key("extraction"));
}
