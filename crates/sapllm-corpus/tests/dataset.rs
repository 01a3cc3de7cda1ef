//! The generated corpus: determinism, the family split, page bounds of every family in every
//! language, word labels against the ground truth, and identifier checksums.

use std::collections::{BTreeMap, BTreeSet};

use sapllm_core::{DocType, FieldKey, InvoiceSubtype, Normalisation, ValueKind};
use sapllm_corpus::dataset::{self, FamilyRef, Options, Split, TEST_FAMILIES};
use sapllm_corpus::model::{Language, ids};
use sapllm_corpus::rng::Rng;

fn opts(split: Split, count: usize) -> Options {
    Options {
        seed: 11,
        split,
        count,
        scans: false,
        languages: Language::ALL.to_vec(),
    }
}

#[test]
fn same_seed_gives_identical_bytes() {
    let dir = std::env::temp_dir().join(format!("sapllm-corpus-det-{}", std::process::id()));
    let (a, b) = (dir.join("a"), dir.join("b"));
    let o = Options {
        scans: true,
        ..opts(Split::All, 12)
    };
    dataset::write_corpus(&a, &o).expect("first run");
    dataset::write_corpus(&b, &o).expect("second run");
    let list = |d: &std::path::Path| -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        for sub in [d.to_path_buf(), d.join("scans")] {
            for e in std::fs::read_dir(&sub).expect("dir").flatten() {
                if e.path().is_file() {
                    let name = format!("{}/{}", sub.display(), e.file_name().to_string_lossy());
                    let name = name.replace(&d.display().to_string(), "");
                    out.insert(name, std::fs::read(e.path()).expect("read"));
                }
            }
        }
        out
    };
    let (la, lb) = (list(&a), list(&b));
    assert_eq!(
        la.len(),
        12 * 3 + 12 * 4 + 1,
        "pdf/json/labels per document; scan, json, ocr.txt, ocr.tsv per scan; manifest"
    );
    assert_eq!(la.keys().collect::<Vec<_>>(), lb.keys().collect::<Vec<_>>());
    for (k, v) in &la {
        assert!(v == &lb[k], "{k} differs between runs");
    }
    // A different seed gives different documents.
    let c = dataset::generate_one(
        &Options {
            seed: 12,
            ..o.clone()
        },
        0,
    );
    let d = dataset::generate_one(&o, 0);
    assert_ne!(c.pdf, d.pdf);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn families_split_disjoint_and_sized() {
    let all = FamilyRef::all();
    assert!(all.len() >= 40, "{} families", all.len());
    let ids: BTreeSet<&str> = all.iter().map(|f| f.id()).collect();
    assert_eq!(ids.len(), all.len(), "family ids are unique");
    for t in TEST_FAMILIES {
        assert!(ids.contains(t), "test family {t} exists");
    }
    let train: BTreeSet<&str> = Split::Train.families().iter().map(|f| f.id()).collect();
    let test: BTreeSet<&str> = Split::Test.families().iter().map(|f| f.id()).collect();
    assert!(train.is_disjoint(&test));
    assert_eq!(train.len() + test.len(), all.len());
    let share = test.len() as f32 / all.len() as f32;
    assert!((0.2..=0.3).contains(&share), "test share {share}");
    // Generated documents only use their split's families; both splits see every language
    // and every document type.
    for (split, fams) in [(Split::Train, &train), (Split::Test, &test)] {
        let o = opts(split, 400);
        let mut langs = BTreeSet::new();
        let mut types = BTreeSet::new();
        for i in 0..o.count {
            let g = dataset::generate_one(&o, i);
            assert!(
                fams.contains(g.family.id()),
                "{split:?} used {}",
                g.family.id()
            );
            langs.insert(g.doc.language.code());
            types.insert(g.doc.doc_type.as_str());
        }
        assert_eq!(langs.len(), 8, "{split:?}: {langs:?}");
        assert_eq!(types.len(), DocType::ALL.len(), "{split:?}: {types:?}");
    }
}

#[test]
fn every_family_renders_every_language_inside_the_page() {
    let mut failures = Vec::new();
    for family in FamilyRef::all() {
        for (li, lang) in Language::ALL.iter().enumerate() {
            // A long and a short document per family and language.
            for k in 0..2 {
                let index = li * 7 + k * 3;
                let mut doc = dataset::document(5 + k as u64, index, &[*lang]);
                if k == 0 {
                    // Make sure page breaks with carried-forward subtotals are exercised.
                    while doc.lines.len() < 30 {
                        let mut l = doc.lines[doc.lines.len() % doc.lines.len().max(1)].clone();
                        l.position = doc.lines.len() as u32 + 1;
                        doc.lines.push(l);
                    }
                    doc.recompute();
                }
                let r = dataset::render(&doc, family, &mut Rng::new(index as u64));
                let labels = sapllm_corpus::words::label_words(
                    family.id(),
                    &r.pages,
                    &r.annotations,
                    &r.printed,
                );
                for p in &labels.pages {
                    for w in &p.words {
                        let [x, y, bw, bh] = w.bbox;
                        if x < 10.0
                            || y < 10.0
                            || x + bw > p.width - 10.0
                            || y + bh > p.height - 10.0
                        {
                            failures.push(format!(
                                "{} {} page {}: {:?} at {:?}",
                                family.id(),
                                lang.code(),
                                p.index,
                                w.text,
                                w.bbox
                            ));
                        }
                    }
                }
            }
        }
    }
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} words off the page:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn symbol_to_code(s: &str) -> String {
    match s {
        "€" => "EUR".to_owned(),
        "£" => "GBP".to_owned(),
        "$" => "USD".to_owned(),
        "zł" => "PLN".to_owned(),
        other => other.to_owned(),
    }
}

/// Normalises the words labelled `key` the way the ground-truth format normalises `key`.
fn normalised(key: FieldKey, words: &[&str]) -> String {
    let joined = words.join(" ");
    match key.value_kind() {
        ValueKind::Amount => joined.chars().filter(|c| c.is_ascii_digit()).collect(),
        _ => match key {
            FieldKey::SellerName | FieldKey::BuyerName => {
                Normalisation::Name.apply(&joined).unwrap_or_default()
            }
            FieldKey::Iban | FieldKey::Bic | FieldKey::SellerVatId | FieldKey::BuyerVatId => {
                Normalisation::UpperAlnum.apply(&joined).unwrap_or_default()
            }
            FieldKey::Currency => symbol_to_code(&joined),
            _ => joined.split_whitespace().collect::<Vec<_>>().join(" "),
        },
    }
}

#[test]
fn word_labels_match_the_ground_truth() {
    let o = opts(Split::All, 300);
    let mut checked = 0;
    let mut problems = Vec::new();
    let mut subtypes = BTreeSet::new();
    for i in 0..o.count {
        let g = dataset::generate_one(&o, i);
        if let Some(s) = g.truth.subtype {
            subtypes.insert(s);
        }
        // Group labelled words per key, in reading order, per occurrence (page-local runs).
        let mut by_key: BTreeMap<String, Vec<Vec<&str>>> = BTreeMap::new();
        let mut last: Option<(usize, String)> = None;
        for (p, w) in g.labels.all_words() {
            let Some(l) = &w.label else {
                last = None;
                continue;
            };
            let groups = by_key.entry(l.clone()).or_default();
            if last.as_ref() == Some(&(p, l.clone())) {
                if let Some(g) = groups.last_mut() {
                    g.push(&w.text);
                }
            } else {
                groups.push(vec![&w.text]);
            }
            last = Some((p, l.clone()));
        }
        for (key, value) in &g.truth.fields {
            // Dates and some texts print in another form than the ISO value; compare digits
            // for dates, the normalised text for the rest.
            // One word has one label: a purchase order's number is labelled as the document
            // number, and a symbol glued to an amount ("€1.234,56") as the amount.
            let same_as_number = g.truth.field(FieldKey::InvoiceNumber) == Some(value.as_str());
            let glued_symbol = *key == FieldKey::Currency
                && g.labels.all_words().any(|(_, w)| {
                    w.label.as_deref().is_some_and(|l| !l.starts_with("label:"))
                        && symbol_to_code(&w.text.chars().take(1).collect::<String>()) == *value
                        && w.text.chars().count() > 1
                });
            let Some(groups) = by_key.get(key.as_str()) else {
                if !(glued_symbol || same_as_number && *key == FieldKey::PoNumber) {
                    problems.push(format!("{}: no words labelled {key}", g.stem));
                }
                continue;
            };
            let ok = groups.iter().any(|words| match key.value_kind() {
                ValueKind::Date => {
                    let printed = words.join(" ");
                    let digits: String = printed.chars().filter(char::is_ascii_digit).collect();
                    let (y, rest) = value.split_at(4);
                    let day = rest[4..].trim_start_matches('0');
                    digits.contains(y) && digits.contains(day)
                }
                ValueKind::Amount => {
                    let want: String = value.chars().filter(char::is_ascii_digit).collect();
                    normalised(*key, words).trim_start_matches('0') == want.trim_start_matches('0')
                }
                _ => match key {
                    FieldKey::SellerCountry | FieldKey::PaymentTerms => true,
                    FieldKey::Currency => normalised(*key, words) == *value || glued_symbol,
                    _ => {
                        let n = normalised(*key, words);
                        let v = normalised(*key, &[value.as_str()]);
                        n == v
                    }
                },
            });
            if !ok {
                problems.push(format!("{}: {key} = {value:?}, words {groups:?}", g.stem));
            }
            checked += 1;
        }
        // Line items: every scored line has its net amount labelled.
        if let Some(lines) = &g.truth.line_items {
            for (li, _) in lines.iter().enumerate() {
                let k = format!("line_items.{li}.net_amount");
                if !by_key.contains_key(&k) {
                    problems.push(format!("{}: no words labelled {k}", g.stem));
                }
            }
        }
    }
    assert!(checked > 2000, "only {checked} values checked");
    assert!(
        problems.is_empty(),
        "{} of {checked} values not found among the labelled words:\n{}",
        problems.len(),
        problems
            .iter()
            .take(200)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Every invoice subtype occurs in 300 documents.
    let all: BTreeSet<InvoiceSubtype> = InvoiceSubtype::ALL.iter().copied().collect();
    let missing: Vec<_> = all.difference(&subtypes).collect();
    assert!(missing.is_empty(), "subtypes never generated: {missing:?}");
}

#[test]
fn identifiers_validate_and_mix_is_realistic() {
    let o = opts(Split::All, 500);
    let mut invoices = 0;
    let mut currencies = BTreeSet::new();
    let mut max_lines = 0;
    let mut multi_page = 0;
    for i in 0..o.count {
        let d = dataset::document(o.seed, i, &o.languages);
        for p in [&d.seller, &d.buyer] {
            if let Some(v) = &p.vat_id {
                assert!(ids::vat_id_is_valid(v), "{v}");
            }
        }
        if let Some(b) = &d.bank {
            assert!(ids::iban_is_valid(&b.iban), "{}", b.iban);
        }
        if d.doc_type == DocType::Invoice {
            invoices += 1;
        }
        currencies.insert(d.currency.clone());
        max_lines = max_lines.max(d.lines.len());
        // Totals are consistent: net = lines + adjustments, gross = net + tax.
        let adj: rust_decimal::Decimal = d.adjustments.iter().map(|a| a.amount).sum();
        assert_eq!(d.totals.net, d.lines_total() + adj);
        assert_eq!(d.totals.gross, d.totals.net + d.totals.tax);
        if i < 60 {
            let g = dataset::generate_one(&o, i);
            if g.rendered.pages.len() > 1 {
                multi_page += 1;
            }
        }
    }
    let share = invoices as f32 / o.count as f32;
    assert!((0.62..0.78).contains(&share), "invoice share {share}");
    for c in ["EUR", "GBP", "CHF", "PLN", "USD", "SEK", "DKK", "CZK"] {
        assert!(currencies.contains(c), "{c} never used: {currencies:?}");
    }
    assert!(max_lines > 30, "longest document has {max_lines} lines");
    assert!(multi_page > 0, "no multi-page document among 60");
}

/// Labels a clerk could give from the page: a PO-based invoice prints its order number, a
/// standard or service invoice prints none, and a standard invoice is above the small-amount
/// limit (otherwise it is a small-amount invoice).
#[test]
fn subtype_labels_rest_on_printed_evidence() {
    let o = opts(Split::All, 400);
    let mut seen = BTreeSet::new();
    for i in 0..o.count {
        let g = dataset::generate_one(&o, i);
        let Some(subtype) = g.doc.subtype else {
            continue;
        };
        if g.doc.doc_type != DocType::Invoice {
            continue;
        }
        seen.insert(subtype);
        let printed_po = g.truth.fields.iter().any(|(k, _)| *k == FieldKey::PoNumber);
        let gross: rust_decimal::Decimal = g.doc.totals.gross;
        match subtype {
            InvoiceSubtype::PoBased => {
                assert!(printed_po, "{}: PO-based without a printed PO", g.stem)
            }
            InvoiceSubtype::Standard => {
                assert!(!printed_po, "{}: standard with a PO", g.stem);
                assert!(gross > rust_decimal::Decimal::from(250), "{}", g.stem);
            }
            InvoiceSubtype::ReverseCharge => {
                assert!(g.doc.reverse_charge, "{}: reverse charge with VAT", g.stem)
            }
            InvoiceSubtype::ServiceWithoutPo => {
                assert!(!printed_po, "{}: service invoice with a PO", g.stem)
            }
            InvoiceSubtype::SmallAmount => {
                assert!(!printed_po, "{}: small amount with a PO", g.stem);
                assert!(gross <= rust_decimal::Decimal::from(250), "{}", g.stem);
            }
            _ => {}
        }
    }
    assert!(seen.contains(&InvoiceSubtype::PoBased) && seen.contains(&InvoiceSubtype::Standard));
}

/// A scan is the digital PDF rendered through PDFium and degraded: no text layer, the page
/// size of the original, the original's ground truth, and the original's words as the OCR
/// reference.
#[test]
fn scans_are_rendered_pages_without_text_with_the_originals_truth() {
    use sapllm_corpus::scan::ScanFormat;
    let o = Options {
        scans: true,
        ..opts(Split::Test, 4)
    };
    let pdfium = sapllm_document::pdf::PdfEngine::global(None).expect("PDFium (make setup)");
    let mut formats = BTreeSet::new();
    for i in 0..o.count {
        let g = dataset::generate_one(&o, i);
        let (scan, params) = dataset::scan(&g, o.seed, i).expect("scan");
        formats.insert(scan.format.extension());
        assert!([150.0, 200.0, 300.0].contains(&params.dpi));
        let digital = pdfium.read(&g.pdf).expect("digital PDF");
        assert_eq!(params.pages.len(), digital.pages.len());
        for p in &params.pages {
            assert!(p.skew_deg.abs() <= 3.0 && p.ink < p.paper, "{p:?}");
        }
        assert_eq!(scan.reference.pages.len(), digital.pages.len());
        let words: usize = digital.pages.iter().map(|p| p.words.len()).sum();
        assert_eq!(
            scan.reference.tsv.lines().count(),
            words + 1,
            "one row a word + header"
        );
        let first = &scan.reference.pages[0];
        assert_eq!(
            first,
            &sapllm_document::layout::reading_text(&digital.pages[0].words)
        );
        assert!(first.len() > 200, "a page of text: {first}");
        if scan.format == ScanFormat::Pdf {
            let read = pdfium.read(&scan.bytes).expect("scan PDF");
            assert_eq!(read.pages.len(), digital.pages.len());
            for (s, d) in read.pages.iter().zip(&digital.pages) {
                assert!(s.words.is_empty(), "a scan has no text layer");
                assert!((s.width - d.width).abs() < 0.5 && (s.height - d.height).abs() < 0.5);
            }
            // The page is a real render: dark ink where the original has words.
            let img = pdfium
                .render_page(&scan.bytes, 0, 72.0)
                .expect("render scan");
            let dark = img.pixels().filter(|p| p.0[0] < 120).count();
            assert!(dark > 500, "{dark} dark pixels");
        }
    }
    assert!(!formats.is_empty());
}

/// Polish letters are printed, not only in the text layer: in every font the corpus uses,
/// PDFium renders "ąćęłńśźż" with about as much ink as the same word in base letters (with the
/// standard-14 fonts its substitutes drew blanks), and reads the text back unchanged.
#[test]
fn polish_letters_are_rendered_in_every_font() {
    use sapllm_corpus::pdf::{Color, Font, Page, PdfDocument};
    let pdfium = sapllm_document::pdf::PdfEngine::global(None).expect("PDFium (make setup)");
    let ink = |text: &str, font: Font| -> (usize, String) {
        let mut page = Page::a4();
        page.text(font, 40.0, 50.0, 100.0, Color::gray(0.0), text);
        let doc = PdfDocument {
            pages: vec![page],
            ..PdfDocument::default()
        };
        let bytes = doc.to_bytes();
        let img = pdfium.render_page(&bytes, 0, 72.0).expect("render");
        let dark = img.pixels().filter(|p| p.0[0] < 128).count();
        let read = pdfium.read(&bytes).expect("read");
        let words: Vec<String> = read.pages[0].words.iter().map(|w| w.text.clone()).collect();
        (dark, words.join(" "))
    };
    for font in Font::ALL {
        let (polish, text) = ink("Żółć ąćęłńśźż", font);
        let (base, _) = ink("Zolc acelnszz", font);
        assert_eq!(text, "Żółć ąćęłńśźż", "{font:?}");
        assert!(
            polish * 10 >= base * 9,
            "{font:?}: {polish} dark pixels for the Polish letters, {base} for the base letters"
        );
    }
}
