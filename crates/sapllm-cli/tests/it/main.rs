//! The `sapllm` binary as a user runs it: exit codes, JSON output, show, queue, eval, doctor.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

fn sapllm(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sapllm"))
        .args(args)
        .env("SAPLLM_DATA_DIR", data)
        .env_remove("SAPLLM_LOG")
        .output()
        .expect("the binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn process_show_queue_round_trip_with_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let samples = samples();
    let out = sapllm(
        tmp.path(),
        &["process", samples.to_str().unwrap(), "--json"],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "bad files in the batch → exit 3; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = json(&out);
    assert_eq!(summary["failed"], 6);
    let items = summary["items"].as_array().unwrap();
    let din = items
        .iter()
        .find(|i| i["file"].as_str().unwrap().ends_with("invoice-de-din.pdf"))
        .unwrap();
    assert_eq!(din["outcome"], "processed");
    let hash = din["hash"].as_str().unwrap();

    // Human output of the same batch (all known now): a table and a summary line.
    let out = sapllm(
        tmp.path(),
        &[
            "process",
            samples.join("invoice-de-din.pdf").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("already known"), "{text}");

    let out = sapllm(tmp.path(), &["show", &hash[..12]]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for want in ["invoice_number", "Findings", "Audit trail", "text-layer"] {
        assert!(text.contains(want), "show lacks {want}:\n{text}");
    }
    let view = json(&sapllm(tmp.path(), &["show", hash, "--json"]));
    assert_eq!(view["document"]["hash"], hash);

    let queue = json(&sapllm(
        tmp.path(),
        &["queue", "--status", "failed", "--json"],
    ));
    assert_eq!(queue.as_array().unwrap().len(), 4);
    let out = sapllm(tmp.path(), &["show", "zzzz"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
}

#[test]
fn eval_json_has_the_keys_of_the_ground_truth_spec_and_floors_fail_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sapllm(tmp.path(), &["eval", samples().to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    for key in [
        "schema",
        "documents",
        "failed_documents",
        "header",
        "line_items",
        "doc_type",
        "timing_ms",
        "per_document",
    ] {
        assert!(r.get(key).is_some(), "{key}");
    }
    assert!(r["header"]["micro_f1"].as_f64().is_some());
    let out = sapllm(
        tmp.path(),
        &[
            "eval",
            samples().to_str().unwrap(),
            "--min-micro-f1",
            "1.01",
        ],
    );
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn two_copies_of_one_invoice_in_one_parallel_batch_are_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let original = std::fs::read(samples().join("zugferd-invoice-de.pdf")).unwrap();
    std::fs::write(inbox.join("a-mail.pdf"), &original).unwrap();
    let mut resent = original.clone();
    resent.extend_from_slice(b"\n% re-sent\n");
    std::fs::write(inbox.join("b-scan-folder.pdf"), &resent).unwrap();
    // The exact same bytes a third time: dedup by content hash, not a second result.
    std::fs::write(inbox.join("c-same-bytes.pdf"), &original).unwrap();
    let data = tmp.path().join("data");
    let out = sapllm(
        &data,
        &[
            "process",
            inbox.to_str().unwrap(),
            "--json",
            "--workers",
            "2",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items = json(&out)["items"].as_array().unwrap().clone();
    assert_eq!(items[0]["route"], "auto_approve", "{:#?}", items[0]);
    assert_eq!(items[1]["route"], "reject");
    let reasons = items[1]["reasons"].to_string();
    assert!(reasons.contains("duplicate"), "{reasons}");
    assert_eq!(items[2]["outcome"], "already_known", "{:#?}", items[2]);
}

#[test]
fn doctor_reports_the_verified_native_libraries() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sapllm(tmp.path(), &["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("pdfium") && text.contains("matches the pin"),
        "{text}"
    );
}
