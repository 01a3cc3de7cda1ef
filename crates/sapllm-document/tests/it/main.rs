//! Integration tests of reading: real PDFs through PDFium (the committed samples, and the
//! shared e-invoice dev set when it is present), attachments, rendering and bad files.

use std::path::{Path, PathBuf};

use sapllm_core::FileKind;
use sapllm_document::pdf::PdfEngine;
use sapllm_document::worker::{ReaderPool, ReaderPoolConfig};
use sapllm_document::{einvoice, sniff};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

fn engine() -> &'static PdfEngine {
    PdfEngine::global(None).expect("PDFium must be installed by `make setup`")
}

fn truth(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(samples().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn pdfium_is_the_pinned_verified_build() {
    assert!(engine().library.verified, "{:?}", engine().library);
}

#[test]
fn text_layer_words_carry_the_printed_values_with_boxes_on_the_page() {
    for name in [
        "invoice-de-din",
        "invoice-en-banner",
        "invoice-fr-french",
        "invoice-de-multipage",
    ] {
        let bytes = std::fs::read(samples().join(format!("{name}.pdf"))).unwrap();
        assert_eq!(sniff::sniff(&bytes).unwrap(), FileKind::Pdf);
        let content = engine().read(&bytes).unwrap();
        assert!(
            content.usable_text.iter().all(|u| *u),
            "{name}: text layer must be usable"
        );
        let t = truth(&format!("{name}.json"));
        let number = t["fields"]["invoice_number"].as_str().unwrap();
        let page0 = &content.pages[0];
        let word = page0.words.iter().find(|w| w.text.contains(number));
        let word =
            word.unwrap_or_else(|| panic!("{name}: invoice number {number} not among the words"));
        // Boxes are in page space: inside the page, top-left origin.
        assert!(
            word.bbox.x0 >= 0.0 && word.bbox.x1 <= page0.width,
            "{name}: {:?}",
            word.bbox
        );
        assert!(
            word.bbox.y0 >= 0.0 && word.bbox.y1 <= page0.height,
            "{name}: {:?}",
            word.bbox
        );
        assert!(
            word.bbox.y0 < page0.height / 2.0,
            "{name}: the number is printed in the top half"
        );
        // Lines are sorted top to bottom and words left to right.
        for pair in page0.lines.windows(2) {
            assert!(pair[0].bbox.y0 <= pair[1].bbox.y0);
        }
        for line in &page0.lines {
            for w in line.words.windows(2) {
                assert!(page0.words[w[0] as usize].bbox.x0 <= page0.words[w[1] as usize].bbox.x0);
            }
        }
        // Umlauts, accents and € survive.
        let all: String = content
            .pages
            .iter()
            .map(|p| p.text())
            .collect::<Vec<_>>()
            .join("\n");
        let seller = t["fields"]["seller_name"].as_str().unwrap();
        let first_word = seller.split_whitespace().next().unwrap();
        assert!(
            all.contains(first_word),
            "{name}: seller word {first_word} missing"
        );
    }
}

#[test]
fn multi_page_documents_have_all_pages() {
    let bytes = std::fs::read(samples().join("invoice-de-multipage.pdf")).unwrap();
    let content = engine().read(&bytes).unwrap();
    assert_eq!(content.pages.len(), 2);
    assert_eq!(content.pages[1].index, 1);
    assert!(!content.pages[1].words.is_empty());
}

#[test]
fn image_only_pdfs_are_detected_as_needing_ocr() {
    let bytes = std::fs::read(samples().join("scanned-invoice-de.pdf")).unwrap();
    let content = engine().read(&bytes).unwrap();
    assert!(!content.pages.is_empty());
    assert!(content.usable_text.iter().all(|u| !*u));
}

#[test]
fn zugferd_attachment_is_found_and_parses_as_an_exact_einvoice() {
    let bytes = std::fs::read(samples().join("zugferd-invoice-de.pdf")).unwrap();
    let content = engine().read(&bytes).unwrap();
    let xml = content
        .attachments
        .iter()
        .find(|a| a.name == "factur-x.xml")
        .expect("factur-x.xml attached");
    let inv = einvoice::parse_einvoice(&xml.bytes).unwrap();
    let t = truth("zugferd-invoice-de.json");
    let number = inv.fields[&sapllm_core::FieldKey::InvoiceNumber]
        .value
        .to_plain();
    assert_eq!(number, t["fields"]["invoice_number"].as_str().unwrap());
    assert_eq!(
        inv.line_items.len(),
        t["line_items"].as_array().unwrap().len()
    );
}

#[test]
fn rendering_gives_a_page_image_of_the_requested_resolution() {
    let bytes = std::fs::read(samples().join("invoice-en-minimal.pdf")).unwrap();
    let content = engine().read(&bytes).unwrap();
    let img = engine().render_page(&bytes, 0, 72.0).unwrap();
    let (w, h) = (content.pages[0].width, content.pages[0].height);
    assert!((img.width() as f32 - w).abs() <= 1.0 && (img.height() as f32 - h).abs() <= 1.0);
    // A rendered invoice is mostly white with dark text.
    let dark = img.pixels().filter(|p| p.0[0] < 100).count();
    assert!(
        dark > 100 && dark < (img.width() * img.height()) as usize / 4,
        "dark pixels: {dark}"
    );
    assert!(
        engine().render_page(&bytes, 7, 72.0).is_err(),
        "a page that does not exist is an error"
    );
}

#[test]
fn bad_files_fail_with_their_reason_codes() {
    let bad = samples().join("bad");
    let read = |n: &str| std::fs::read(bad.join(n)).unwrap();
    assert_eq!(
        sniff::sniff(&read("empty.pdf")).unwrap_err().code(),
        "empty_file"
    );
    assert_eq!(
        sniff::sniff(&read("not-a-pdf.pdf")).unwrap_err().code(),
        "unsupported_type"
    );
    assert_eq!(
        engine().read(&read("encrypted.pdf")).unwrap_err().code(),
        "encrypted_pdf"
    );
    assert_eq!(
        engine().read(&read("truncated.pdf")).unwrap_err().code(),
        "corrupt_pdf"
    );
    assert_eq!(
        einvoice::parse_einvoice(&read("hostile.xml"))
            .unwrap_err()
            .code(),
        "hostile_xml"
    );
    assert_eq!(
        einvoice::parse_einvoice(&read("external-entity.xml"))
            .unwrap_err()
            .code(),
        "hostile_xml"
    );
    // Garbage after a PDF header is corrupt, not a crash.
    assert_eq!(
        engine()
            .read(b"%PDF-1.7\n\x00\x01garbage")
            .unwrap_err()
            .code(),
        "corrupt_pdf"
    );
}

#[test]
fn dev_set_pdfs_print_their_invoice_numbers_in_the_text_layer() {
    let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/einvoice-dev");
    if !dev.is_dir() {
        eprintln!("skipped: {} not present", dev.display());
        return;
    }
    let mut checked = 0;
    let mut found = 0;
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&dev)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    pdfs.sort();
    for pdf in pdfs.iter().step_by(10) {
        let t: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(pdf.with_extension("json")).unwrap())
                .unwrap();
        let Some(number) = t["fields"]["invoice_number"].as_str() else {
            continue;
        };
        let content = engine().read(&std::fs::read(pdf).unwrap()).unwrap();
        let squashed: String = content
            .pages
            .iter()
            .flat_map(|p| p.words.iter().map(|w| w.text.clone()))
            .collect();
        checked += 1;
        found += usize::from(squashed.contains(&number.replace(' ', "")));
    }
    assert!(checked >= 20, "only {checked} dev PDFs checked");
    assert!(
        found * 100 >= checked * 95,
        "invoice numbers found in {found} of {checked} PDFs"
    );
}

fn pool(workers: usize, timeout_secs: u64) -> ReaderPool {
    let mut config = ReaderPoolConfig::new(
        PathBuf::from(env!("CARGO_BIN_EXE_sapllm-read-worker")),
        Vec::new(),
    );
    config.workers = workers;
    config.timeout = std::time::Duration::from_secs(timeout_secs);
    config
        .env
        .push(("SAPLLM_READER_TEST_FAULTS".into(), "1".into()));
    ReaderPool::new(config)
}

fn with_marker(name: &str, marker: &str) -> Vec<u8> {
    let mut bytes = std::fs::read(samples().join(name)).unwrap();
    bytes.extend_from_slice(format!("\n{marker}\n").as_bytes());
    bytes
}

#[test]
fn worker_processes_read_exactly_what_the_in_process_engine_reads() {
    let pool = pool(2, 30);
    for name in [
        "invoice-de-din.pdf",
        "zugferd-invoice-de.pdf",
        "invoice-de-multipage.pdf",
    ] {
        let bytes = std::fs::read(samples().join(name)).unwrap();
        assert_eq!(
            pool.read_pdf(&bytes).unwrap(),
            engine().read(&bytes).unwrap(),
            "{name}"
        );
    }
    let bytes = std::fs::read(samples().join("invoice-en-minimal.pdf")).unwrap();
    let img = pool.render_page(&bytes, 0, 72.0).unwrap();
    assert_eq!(img, engine().render_page(&bytes, 0, 72.0).unwrap());
    // Errors keep their reason codes across the process boundary.
    let encrypted = std::fs::read(samples().join("bad/encrypted.pdf")).unwrap();
    assert_eq!(
        pool.read_pdf(&encrypted).unwrap_err().code(),
        "encrypted_pdf"
    );
    let truncated = std::fs::read(samples().join("bad/truncated.pdf")).unwrap();
    assert_eq!(pool.read_pdf(&truncated).unwrap_err().code(), "corrupt_pdf");
}

#[test]
fn a_batch_with_a_crashing_and_a_hanging_file_fails_exactly_those_two() {
    let pool = pool(2, 3);
    let good = std::fs::read(samples().join("invoice-fr-boxed.pdf")).unwrap();
    let mut docs: Vec<(String, Vec<u8>)> = (0..100)
        .map(|i| (format!("good-{i}"), good.clone()))
        .collect();
    docs.insert(
        17,
        (
            "crash".into(),
            with_marker("invoice-de-din.pdf", "%SAPLLM-TEST-ABORT"),
        ),
    );
    docs.insert(
        60,
        (
            "hang".into(),
            with_marker("invoice-de-din.pdf", "%SAPLLM-TEST-HANG"),
        ),
    );

    // Two threads feed the pool, as a batch would.
    let results: Vec<(String, Result<usize, String>)> = std::thread::scope(|s| {
        let (a, b) = docs.split_at(docs.len() / 2);
        let pool = &pool;
        let run = move |chunk: &[(String, Vec<u8>)]| {
            chunk
                .iter()
                .map(|(n, d)| {
                    (
                        n.clone(),
                        pool.read_pdf(d)
                            .map(|c| c.pages.len())
                            .map_err(|e| format!("{}: {e}", e.code())),
                    )
                })
                .collect::<Vec<_>>()
        };
        let h1 = s.spawn(move || run(a));
        let h2 = s.spawn(move || run(b));
        let mut r = h1.join().unwrap();
        r.extend(h2.join().unwrap());
        r
    });
    let failed: Vec<&(String, Result<usize, String>)> =
        results.iter().filter(|(_, r)| r.is_err()).collect();
    assert_eq!(failed.len(), 2, "{failed:#?}");
    let reason = |n: &str| {
        results
            .iter()
            .find(|(m, _)| m == n)
            .unwrap()
            .1
            .clone()
            .unwrap_err()
    };
    let crash = reason("crash");
    assert!(
        crash.starts_with("reader_crashed") && crash.contains("SIGABRT"),
        "{crash}"
    );
    let hang = reason("hang");
    assert!(hang.starts_with("reader_timeout"), "{hang}");
    assert_eq!(
        results
            .iter()
            .filter(|(_, r)| r.as_ref().is_ok_and(|p| *p == 1))
            .count(),
        100
    );
}
