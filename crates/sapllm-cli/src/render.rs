//! Human-readable output of the CLI (tables on the terminal).

use std::collections::BTreeMap;
use std::path::Path;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use sapllm_api::bench::BenchReport;
use sapllm_api::eval::EvalReport;
use sapllm_api::{
    BatchSummary, DocumentStatus, DocumentSummary, DocumentView, ItemStatus, Settings,
};
use sapllm_core::{FieldKey, Severity};
use sapllm_document::native::{self, NativeLibrary};

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    if let Some((w, _)) = terminal_width() {
        t.set_width(w);
    } else {
        t.set_width(160);
    }
    t
}

fn terminal_width() -> Option<(u16, u16)> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .map(|w| (w, 0))
}

fn short_hash(h: &Option<sapllm_core::ContentHash>) -> String {
    h.as_ref()
        .map(|h| h.short().to_owned())
        .unwrap_or_else(|| "-".into())
}

pub fn batch_summary(s: &BatchSummary, data_dir: &Path) {
    let mut t = table(&[
        "file",
        "id",
        "type / subtype",
        "key fields (confidence)",
        "route",
        "reasons",
    ]);
    for item in &s.items {
        let file = item
            .file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        match &item.status {
            ItemStatus::Processed {
                route,
                doc_type,
                doc_type_confidence,
                subtype,
                from_einvoice,
                key_fields,
                reasons,
                ..
            } => {
                let fields: Vec<String> = key_fields
                    .iter()
                    .map(|k| format!("{}: {} ({:.2})", k.key, k.value, k.confidence))
                    .collect();
                let kind = format!(
                    "{doc_type} ({doc_type_confidence:.2}){}{}",
                    subtype
                        .as_ref()
                        .map(|s| format!("\n{s}"))
                        .unwrap_or_default(),
                    if *from_einvoice {
                        "\ne-invoice XML"
                    } else {
                        ""
                    }
                );
                let why: Vec<String> = if reasons.is_empty() {
                    vec!["all checks passed".into()]
                } else {
                    reasons.iter().map(|(c, m)| format!("{c}: {m}")).collect()
                };
                t.add_row(vec![
                    file,
                    short_hash(&item.hash),
                    kind,
                    fields.join("\n"),
                    route.as_str().to_owned(),
                    why.join("\n"),
                ]);
            }
            ItemStatus::AlreadyKnown { status } => {
                t.add_row(vec![
                    file,
                    short_hash(&item.hash),
                    "-".into(),
                    "-".into(),
                    format!("already known ({status})"),
                    "same bytes processed before; use --reprocess".into(),
                ]);
            }
            ItemStatus::Failed { code, message } => {
                t.add_row(vec![
                    file,
                    short_hash(&item.hash),
                    "-".into(),
                    "-".into(),
                    "FAILED".into(),
                    format!("{code}: {message}"),
                ]);
            }
        }
    }
    println!("{t}");
    println!(
        "{} files: {} processed ({} auto-approve, {} review, {} reject), {} already known, {} failed. Store: {}",
        s.items.len(),
        s.processed,
        s.auto_approve,
        s.review,
        s.reject,
        s.already_known,
        s.failed,
        data_dir.display()
    );
}

pub fn document_view(v: &DocumentView) {
    let d = &v.document;
    println!("Document {}  ({})", d.hash, d.file_kind.as_str());
    println!("  files:    {}", v.file_names.join(", "));
    println!(
        "  status:   {} (since {})",
        d.status,
        d.status_changed_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    println!(
        "  received: {}",
        d.received_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    if let Some(p) = &v.posting {
        match (&p.sap_document, &p.sap_fiscal_year) {
            (Some(n), Some(y)) => println!("  SAP:      document {n}, fiscal year {y}"),
            _ => println!("  SAP:      {} (attempts {})", p.summary, p.attempts),
        }
        if let (Some(e), false) = (&p.last_error, p.sap_document.is_some()) {
            println!("  posting:  last error {}: {}", e.code, e.message);
        }
    }
    if let (Some(code), Some(msg)) = (&d.failure_code, &d.failure_message) {
        println!("  failure:  {code}: {msg}");
    }
    let Some(r) = &v.result else {
        println!("  no result");
        return;
    };
    println!(
        "  result:   version {} of {:?}; route {}",
        v.result_version.unwrap_or(0),
        v.versions,
        r.route.as_str()
    );
    println!(
        "  type:     {} ({:.2}) — {}",
        r.doc_type.value,
        r.doc_type.confidence,
        r.doc_type.evidence.join("; ")
    );
    if let Some(s) = &r.subtype {
        println!(
            "  subtype:  {} ({:.2}) — {}",
            s.value,
            s.confidence,
            s.evidence.join("; ")
        );
    }
    println!(
        "  versions: {}",
        r.versions
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let mut t = table(&[
        "field",
        "value",
        "conf",
        "source",
        "page / box",
        "why",
        "alternatives",
    ]);
    for key in FieldKey::ALL {
        let Some(f) = r.fields.get(key) else { continue };
        let p = &f.provenance;
        let place = match (p.page, p.bbox) {
            (Some(pg), Some(b)) => format!(
                "p{} [{:.0},{:.0},{:.0},{:.0}]",
                pg + 1,
                b.x0,
                b.y0,
                b.x1,
                b.y1
            ),
            (Some(pg), None) => format!("p{}", pg + 1),
            _ => "-".into(),
        };
        let alts: Vec<String> = f
            .alternatives
            .iter()
            .take(3)
            .map(|a| format!("{} ({:.2})", a.value, a.confidence))
            .collect();
        t.add_row(vec![
            key.as_str().to_owned(),
            f.value.to_plain(),
            format!("{:.2}", f.confidence),
            format!(
                "{}\n{}@{}",
                p.source.as_str(),
                p.producer.name,
                p.producer.version
            ),
            place,
            p.explanation.clone(),
            alts.join("\n"),
        ]);
    }
    println!("{t}");

    if !r.line_items.is_empty() {
        let mut t = table(&[
            "#",
            "description",
            "qty",
            "unit",
            "unit price",
            "net",
            "VAT %",
            "conf",
        ]);
        for (i, l) in r.line_items.iter().enumerate() {
            let cell = |k: sapllm_core::LineKey| {
                l.cells
                    .get(&k)
                    .map(|c| c.value.to_plain())
                    .unwrap_or_default()
            };
            use sapllm_core::LineKey::*;
            t.add_row(vec![
                (i + 1).to_string(),
                cell(Description),
                cell(Quantity),
                cell(Unit),
                cell(UnitPrice),
                cell(NetAmount),
                cell(TaxRate),
                format!("{:.2}", l.confidence()),
            ]);
        }
        println!("Line items\n{t}");
    }
    if !r.vat_breakdown.is_empty() {
        println!("VAT breakdown");
        for v in &r.vat_breakdown {
            println!(
                "  {} {} %: base {} VAT {}",
                v.category.as_deref().unwrap_or("-"),
                v.rate.map(|r| r.to_string()).unwrap_or_default(),
                v.taxable_amount.map(|a| a.to_string()).unwrap_or_default(),
                v.tax_amount.map(|a| a.to_string()).unwrap_or_default()
            );
        }
    }
    println!("Findings");
    for f in &r.findings {
        let sev = match f.severity {
            Severity::Info => "info",
            Severity::Review => "REVIEW",
            Severity::Reject => "REJECT",
        };
        println!("  [{sev}] {} {}: {}", f.stage.as_str(), f.code, f.message);
    }
    println!("Audit trail");
    for e in &v.audit {
        println!(
            "  {} {} {} {}",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.action,
            e.detail
        );
    }
}

pub fn queue(rows: &[DocumentSummary], counts: &BTreeMap<DocumentStatus, u64>) {
    let mut t = table(&[
        "id", "status", "type", "seller", "number", "gross", "received", "reasons",
    ]);
    for r in rows {
        let reasons: Vec<String> = r.reasons.iter().map(|x| x.code.clone()).collect();
        t.add_row(vec![
            r.hash.short().to_owned(),
            r.status.to_string(),
            r.doc_type.map(|d| d.to_string()).unwrap_or_default(),
            r.seller_name.clone().unwrap_or_default(),
            r.invoice_number.clone().unwrap_or_default(),
            r.gross_total
                .map(|g| format!("{g} {}", r.currency.clone().unwrap_or_default()))
                .unwrap_or_default(),
            r.received_at.format("%Y-%m-%d %H:%M").to_string(),
            reasons.join(", "),
        ]);
    }
    println!("{t}");
    let c: Vec<String> = counts.iter().map(|(s, n)| format!("{s}: {n}")).collect();
    println!("{}", c.join(" · "));
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.3}")).unwrap_or_else(|| "-".into())
}

pub fn eval_report(r: &EvalReport, mismatches: bool) {
    let mut t = table(&["field", "precision", "recall", "F1", "support"]);
    for (k, m) in &r.header.per_field {
        t.add_row(vec![
            k.clone(),
            fmt_opt(m.precision),
            fmt_opt(m.recall),
            fmt_opt(m.f1),
            m.support.to_string(),
        ]);
    }
    println!("{t}");
    println!(
        "documents: {} (failed {}) · e-invoice XML used: {} (exact {}) · ignore-embedded: {}",
        r.documents, r.failed_documents, r.einvoice_documents, r.einvoice_exact, r.ignore_embedded
    );
    println!(
        "header micro: P {} R {} F1 {}",
        fmt_opt(r.header.micro_precision),
        fmt_opt(r.header.micro_recall),
        fmt_opt(r.header.micro_f1)
    );
    println!(
        "line items: P {} R {} F1 {} (support {}) · doc_type accuracy {} (support {}) · subtype accuracy {} (support {}) · ms/doc p50 {} p95 {}",
        fmt_opt(r.line_items.precision),
        fmt_opt(r.line_items.recall),
        fmt_opt(r.line_items.f1),
        r.line_items.support,
        fmt_opt(r.doc_type.accuracy),
        r.doc_type.support,
        fmt_opt(r.subtype.accuracy),
        r.subtype.support,
        fmt_opt(r.timing_ms.p50),
        fmt_opt(r.timing_ms.p95)
    );
    for d in r.per_document.iter().filter(|d| !d.ok) {
        println!(
            "  FAILED {}: {}",
            d.file,
            d.error.clone().unwrap_or_default()
        );
    }
    if mismatches {
        for d in &r.per_document {
            for (k, expected, got) in &d.mismatches {
                println!("  {} {k}: expected {expected:?}, got {got:?}", d.file);
            }
        }
    }
}

pub fn bench_report(r: &BenchReport) {
    let mut t = table(&["stage", "p50 ms/page", "p95 ms/page"]);
    for s in &r.stages {
        t.add_row(vec![
            s.stage.as_str().to_owned(),
            format!("{:.3}", s.per_page.p50_ms),
            format!("{:.3}", s.per_page.p95_ms),
        ]);
    }
    t.add_row(vec![
        "all eight stages".to_owned(),
        format!("{:.3}", r.total_per_page.p50_ms),
        format!("{:.3}", r.total_per_page.p95_ms),
    ]);
    println!("{t}");
    println!(
        "{} documents, {} pages, {} timed runs each · {:.1} pages/s on one thread · per document p50 {:.2} ms p95 {:.2} ms · peak RSS {}",
        r.documents,
        r.pages,
        r.iterations,
        r.pages_per_second,
        r.total_per_document.p50_ms,
        r.total_per_document.p95_ms,
        r.peak_rss_mib
            .map(|m| format!("{m:.1} MiB"))
            .unwrap_or_else(|| "-".into())
    );
    for (f, code) in &r.failed {
        println!("  not timed: {f} ({code})");
    }
}

pub fn scaling(points: &[sapllm_api::bench::ScalingPoint]) {
    let mut t = table(&[
        "reader processes",
        "documents",
        "seconds",
        "documents/s",
        "speed-up",
    ]);
    for p in points {
        t.add_row(vec![
            p.workers.to_string(),
            p.documents.to_string(),
            format!("{:.2}", p.seconds),
            format!("{:.1}", p.documents_per_second),
            format!("{:.2}×", p.speedup),
        ]);
    }
    println!("Reading in worker processes\n{t}");
}

pub fn doctor(s: &Settings) {
    // What an engine on this data folder would run on, before anything loads a model.
    sapllm_api::prefer_stored_provider(s);
    println!("data folder:   {}", sapllm_api::describe_path(&s.data_dir));
    let cfg = s
        .config_path
        .clone()
        .unwrap_or_else(|| s.data_dir.join("pipeline.toml"));
    println!(
        "configuration: {}",
        if cfg.exists() {
            cfg.display().to_string()
        } else {
            format!("built-in defaults ({} absent)", cfg.display())
        }
    );
    for lib in [NativeLibrary::Pdfium, NativeLibrary::OnnxRuntime] {
        let explicit = if lib == NativeLibrary::Pdfium {
            s.pdfium_path.as_deref()
        } else {
            None
        };
        match native::resolve(lib, explicit) {
            Ok(r) => println!(
                "{:<14} {} (found: {:?}, checksum {})",
                format!("{}:", lib.name()),
                r.path.display(),
                r.found_by,
                if r.verified {
                    "matches the pin"
                } else {
                    "NOT the pinned build"
                }
            ),
            Err(e) => println!("{:<14} MISSING — {e}", format!("{}:", lib.name())),
        }
    }
    match sapllm_api::models::runtime_provider() {
        Ok(p) => println!("{:<14} {p}", "provider:"),
        Err(e) => println!("{:<14} UNAVAILABLE — {e}", "provider:"),
    }
    let models = sapllm_api::models::trained_models(1);
    for (name, status) in [
        ("ranker", &models.ranker),
        ("doctype", &models.doctype),
        ("subtype", &models.subtype),
    ] {
        match status.describe() {
            Ok(d) => println!("{:<14} {d}", format!("{name}:")),
            Err(e) => println!("{:<14} MISSING, rules stand in — {e}", format!("{name}:")),
        }
    }
    for (name, found) in sapllm_api::ocr_catalog() {
        match found {
            Ok(d) => println!("{:<14} {d}", format!("{name}:")),
            Err(e) => println!("{:<14} MISSING — {e}", format!("{name}:")),
        }
    }
    match sapllm_api::ocr_status(s) {
        sapllm_api::OcrStatus::Ready(o) => {
            let i = o.info();
            println!(
                "ocr:           {} ({} classes), orientation {}, provider {}, {} thread(s) per session",
                i.model.name,
                i.classes,
                i.orientation.as_ref().map_or("off", |_| "on"),
                i.provider,
                i.threads
            );
        }
        sapllm_api::OcrStatus::Off => println!("ocr:           off (SAPLLM_OCR_MODEL=off)"),
        sapllm_api::OcrStatus::Unavailable { message, .. } => {
            println!("ocr:           UNAVAILABLE, scans go to review — {message}")
        }
    }
}

pub fn ocr_bench(r: &sapllm_api::bench::OcrBenchReport) {
    let mut t = table(&[
        "OCR engine",
        "pages",
        "set",
        "CER",
        "errors/chars",
        "CER by position",
        "CPU ms/page p50",
        "p95",
        "wall ms p50",
    ]);
    for e in &r.engines {
        for s in &e.sets {
            t.add_row(vec![
                e.engine.clone(),
                s.pages.to_string(),
                s.set.clone(),
                format!("{:.2} %", s.cer * 100.0),
                format!("{}/{}", s.errors, s.reference_chars),
                s.positional_cer
                    .map_or("-".into(), |c| format!("{:.2} %", c * 100.0)),
                format!("{:.0}", s.cpu_ms.p50_ms),
                format!("{:.0}", s.cpu_ms.p95_ms),
                format!("{:.0}", s.wall_ms.p50_ms),
            ]);
        }
    }
    println!("{t}");
    println!(
        "OCR {} on {} with {} thread(s), PDF pages rendered at {} dpi",
        r.model, r.provider, r.threads, r.dpi
    );
    if let Some(n) = &r.tesseract_note {
        println!("  Tesseract not compared: {n}");
    }
    for (f, why) in &r.skipped {
        println!("  not measured: {f} ({why})");
    }
}
