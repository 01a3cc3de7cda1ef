//! Dev harness for the rule extractor: reads every PDF with a twin ground-truth JSON in a
//! folder (printed page only: the embedded XML is ignored), runs `RuleExtractor`, and prints
//! per-field precision / recall / F1, micro-F1, line-item F1 and timing.
//!
//! ```text
//! cargo run --release -p sapllm-pipeline --example extraction_dev -- <folder>
//!     [--field <key>]     print the mismatches of one header field (expected / got / why)
//!     [--lines]           print documents whose line items do not all match
//!     [--only <substr>]   only files whose name contains <substr>
//!     [--dump <file.pdf>] print the phrases of every line of one PDF and its extraction
//!     [--json]            print the machine-readable summary only
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sapllm_core::{DocType, FieldKey, LineKey};
use sapllm_document::pdf::PdfEngine;
use sapllm_pipeline::extraction::score::{self, FieldOutcome};
use sapllm_pipeline::extraction::{ExtractionInput, FieldExtractor, RuleExtractor};

struct Truth {
    doc_type: DocType,
    fields: BTreeMap<String, String>,
    lines: Option<Vec<BTreeMap<String, String>>>,
}

fn read_truth(path: &Path) -> Option<Truth> {
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let doc_type = v
        .get("doc_type")
        .and_then(|d| d.as_str())
        .and_then(|d| d.parse().ok())
        .unwrap_or(DocType::Invoice);
    let obj_to_map = |o: &serde_json::Value| -> BTreeMap<String, String> {
        o.as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let fields = v.get("fields").map(obj_to_map).unwrap_or_default();
    let lines = v
        .get("line_items")
        .and_then(|l| l.as_array())
        .map(|a| a.iter().map(obj_to_map).collect());
    Some(Truth {
        doc_type,
        fields,
        lines,
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut folder: Option<PathBuf> = None;
    let mut field: Option<FieldKey> = None;
    let mut show_lines = false;
    let mut only: Option<String> = None;
    let mut dump: Option<PathBuf> = None;
    let mut json = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--field" => {
                i += 1;
                field = args.get(i).and_then(|f| f.parse().ok());
                if field.is_none() {
                    eprintln!(
                        "unknown field; one of: {}",
                        FieldKey::ALL
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    std::process::exit(2);
                }
            }
            "--lines" => show_lines = true,
            "--json" => json = true,
            "--only" => {
                i += 1;
                only = args.get(i).cloned();
            }
            "--dump" => {
                i += 1;
                dump = args.get(i).map(PathBuf::from);
            }
            other => folder = Some(PathBuf::from(other)),
        }
        i += 1;
    }
    let engine = match PdfEngine::global(None) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("PDFium not available: {e}");
            std::process::exit(1);
        }
    };
    let extractor = RuleExtractor::default();
    // Compile the lexicons once (process start-up), so that timings are per document.
    for doc_type in [
        DocType::Invoice,
        DocType::PurchaseOrder,
        DocType::OrderConfirmation,
        DocType::DeliveryNote,
    ] {
        let _ = extractor.extract(&ExtractionInput {
            pages: &[],
            doc_type,
            learned: None,
        });
    }
    if let Some(path) = dump {
        let bytes = std::fs::read(&path).expect("read pdf");
        let content = engine.read(&bytes).expect("parse pdf");
        for p in &content.pages {
            println!("{}", sapllm_pipeline::extraction::debug_segments(p));
        }
        let doc_type =
            read_truth(&path.with_extension("json")).map_or(DocType::Invoice, |t| t.doc_type);
        print!(
            "{}",
            sapllm_pipeline::extraction::debug_sections(&content.pages, doc_type)
        );
        let ex = extractor.extract(&ExtractionInput {
            pages: &content.pages,
            doc_type,
            learned: None,
        });
        println!("language: {:?}", ex.language);
        for (k, f) in &ex.fields {
            println!(
                "{:18} {:40} {:.2}  {}",
                k.as_str(),
                f.value.to_plain(),
                f.confidence,
                f.provenance.explanation
            );
            for a in &f.alternatives {
                println!(
                    "{:18}   alt {:36} {:.2}  {}",
                    "",
                    a.value.to_plain(),
                    a.confidence,
                    a.provenance.explanation
                );
            }
        }
        for (n, l) in ex.line_items.iter().enumerate() {
            let cells: Vec<String> = l
                .cells
                .iter()
                .map(|(k, c)| format!("{}={}", k.as_str(), c.value.to_plain()))
                .collect();
            println!("line {n}: {}", cells.join(" | "));
        }
        for r in &ex.vat_breakdown {
            println!(
                "vat: {:?} {:?} {:?} {:?}",
                r.category, r.rate, r.taxable_amount, r.tax_amount
            );
        }
        return;
    }
    let Some(folder) = folder else {
        eprintln!(
            "usage: extraction_dev <folder> [--field <key>] [--lines] [--only <substr>] [--dump <file.pdf>] [--json]"
        );
        std::process::exit(2);
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("read folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
                && p.with_extension("json").exists()
        })
        .filter(|p| {
            only.as_ref().is_none_or(|o| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains(o.as_str()))
            })
        })
        .collect();
    files.sort();

    let mut per_field: BTreeMap<FieldKey, (usize, usize, usize)> = BTreeMap::new(); // correct, predicted, support
    let mut lines = score::LineTally::default();
    let mut lang = (0usize, 0usize);
    let mut pages_total = 0usize;
    let mut extract_ms = 0f64;
    let mut per_doc_ms: Vec<f64> = Vec::new();
    let mut failed = 0usize;
    for path in &files {
        let Some(truth) = read_truth(&path.with_extension("json")) else {
            failed += 1;
            continue;
        };
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(_) => {
                failed += 1;
                continue;
            }
        };
        let content = match engine.read(&bytes) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                failed += 1;
                continue;
            }
        };
        let t0 = Instant::now();
        let ex = extractor.extract(&ExtractionInput {
            pages: &content.pages,
            doc_type: truth.doc_type,
            learned: None,
        });
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        extract_ms += ms;
        per_doc_ms.push(ms / content.pages.len().max(1) as f64);
        pages_total += content.pages.len();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outcomes: Vec<FieldOutcome> = score::header_outcomes(&ex, &truth.fields);
        for o in &outcomes {
            let e = per_field.entry(o.key).or_default();
            e.2 += 1;
            if o.got.is_some() {
                e.1 += 1;
            }
            if o.correct {
                e.0 += 1;
            }
            if field == Some(o.key) && !o.correct {
                println!(
                    "{name}\n    expected {:?}\n    got      {:?}\n    why      {}",
                    o.expected, o.got, o.explanation
                );
            }
        }
        if let Some(l) = &truth.lines {
            let t = score::line_tally(&ex.line_items, l);
            lines.matched += t.matched;
            lines.predicted += t.predicted;
            lines.truth += t.truth;
            if show_lines && (t.matched != t.truth || t.predicted != t.truth) {
                println!(
                    "{name}: matched {} predicted {} truth {}",
                    t.matched, t.predicted, t.truth
                );
                for li in &ex.line_items {
                    println!(
                        "    got  net={:?} qty={:?} desc={:?}",
                        li.amount(LineKey::NetAmount).map(|d| d.to_string()),
                        li.amount(LineKey::Quantity).map(|d| d.to_string()),
                        li.text(LineKey::Description)
                    );
                }
                for tl in l {
                    println!(
                        "    want net={:?} qty={:?} desc={:?}",
                        tl.get("net_amount"),
                        tl.get("quantity"),
                        tl.get("description")
                    );
                }
            }
        }
        if let Some(truth_lang) = truth_language(path) {
            lang.1 += 1;
            if ex.language.as_deref() == Some(truth_lang.as_str()) {
                lang.0 += 1;
            }
        }
    }
    let (mut c, mut p, mut s) = (0, 0, 0);
    if !json {
        println!(
            "\n{:20} {:>7} {:>7} {:>7} {:>8}",
            "field", "P", "R", "F1", "support"
        );
    }
    let fmt = |x: Option<f64>| x.map_or("   -   ".to_owned(), |v| format!("{v:7.3}"));
    for (k, (correct, predicted, support)) in &per_field {
        c += correct;
        p += predicted;
        s += support;
        let (pr, rc, f1) = score::prf(*correct, *predicted, *support);
        if !json {
            println!(
                "{:20} {} {} {} {:>8}",
                k.as_str(),
                fmt(pr),
                fmt(rc),
                fmt(f1),
                support
            );
        }
    }
    let (mp, mr, mf) = score::prf(c, p, s);
    let (lp, lr, lf) = score::prf(lines.matched, lines.predicted, lines.truth);
    per_doc_ms.sort_by(f64::total_cmp);
    let pct = |q: f64| {
        per_doc_ms
            .get(((per_doc_ms.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let ms_per_page = extract_ms / pages_total.max(1) as f64;
    if json {
        println!(
            "{{\"documents\":{},\"failed\":{failed},\"micro_precision\":{},\"micro_recall\":{},\"micro_f1\":{},\"line_f1\":{},\"ms_per_page\":{ms_per_page:.3}}}",
            files.len(),
            mp.unwrap_or(0.0),
            mr.unwrap_or(0.0),
            mf.unwrap_or(0.0),
            lf.unwrap_or(0.0)
        );
        return;
    }
    println!(
        "\nheader micro  P {} R {} F1 {}   ({c} correct / {p} predicted / {s} in truth)",
        fmt(mp),
        fmt(mr),
        fmt(mf)
    );
    println!(
        "line items    P {} R {} F1 {}   ({} matched / {} predicted / {} in truth)",
        fmt(lp),
        fmt(lr),
        fmt(lf),
        lines.matched,
        lines.predicted,
        lines.truth
    );
    if lang.1 > 0 {
        println!("language      {} / {} correct", lang.0, lang.1);
    }
    println!(
        "documents {} (failed {failed}), pages {pages_total}, extraction {:.3} ms/page (p50 {:.3}, p95 {:.3} ms/page)",
        files.len(),
        ms_per_page,
        pct(0.5),
        pct(0.95)
    );
}

fn truth_language(pdf: &Path) -> Option<String> {
    let text = std::fs::read_to_string(pdf.with_extension("json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("language")
        .and_then(|l| l.as_str())
        .map(str::to_owned)
}
