//! Training tables for the trained models (`sapllm train-data`): the pipeline's own feature
//! rows for every document of a folder with ground truth, labelled from the truth.
//!
//! Three JSON-lines files: `candidates.jsonl` (one row per candidate group: field, whether
//! its value equals the truth after the ground-truth normalisation, dense features),
//! `doctype.jsonl` and `subtype.jsonl` (one row per document: the true class and the sparse
//! feature row). `models/train.py` reads them. Documents without the key in their truth give
//! no candidate rows for it (absent means unknown, not "not on the document").

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::eval::{GroundTruth, documents_with_truth, normalise};
use crate::{ApiError, Engine};

/// What was written.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrainDataSummary {
    pub documents: usize,
    pub failed: usize,
    pub candidate_rows: usize,
    pub positive_rows: usize,
    pub doctype_rows: usize,
    pub subtype_rows: usize,
}

#[derive(Serialize)]
struct CandidateLine<'a> {
    doc: &'a str,
    field: &'a str,
    label: u8,
    rule_confidence: f32,
    features: &'a [f32],
}

#[derive(Serialize)]
struct SparseLine<'a> {
    doc: &'a str,
    label: &'a str,
    rule: Option<&'a str>,
    width: usize,
    index: Vec<u32>,
    value: Vec<f32>,
}

fn sparse<'a>(doc: &'a str, label: &'a str, rule: Option<&'a str>, f: &[f32]) -> SparseLine<'a> {
    let (index, value) = f
        .iter()
        .enumerate()
        .filter(|(_, v)| **v != 0.0)
        .map(|(i, v)| (i as u32, *v))
        .unzip();
    SparseLine {
        doc,
        label,
        rule,
        width: f.len(),
        index,
        value,
    }
}

fn io(path: &Path, e: std::io::Error) -> ApiError {
    ApiError::new("io", format!("{}: {e}", path.display()))
}

/// Writes the three tables for every document with ground truth in `folder` into `out`.
pub fn write_training_data(
    engine: &Engine,
    folder: &Path,
    out: &Path,
) -> Result<TrainDataSummary, ApiError> {
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    let open = |name: &str| -> Result<std::io::BufWriter<std::fs::File>, ApiError> {
        let p = out.join(name);
        std::fs::File::create(&p)
            .map(std::io::BufWriter::new)
            .map_err(|e| io(&p, e))
    };
    let (mut cand_w, mut doc_w, mut sub_w) = (
        open("candidates.jsonl")?,
        open("doctype.jsonl")?,
        open("subtype.jsonl")?,
    );
    let mut summary = TrainDataSummary::default();
    for (doc, truth_path) in documents_with_truth(folder) {
        let truth = GroundTruth::load(&truth_path)?;
        let name = doc
            .strip_prefix(folder)
            .unwrap_or(&doc)
            .display()
            .to_string();
        let Ok(bytes) = std::fs::read(&doc) else {
            summary.failed += 1;
            continue;
        };
        let rows = match engine.pipeline().training_rows(&bytes, true) {
            Ok(r) => r,
            Err(f) => {
                tracing::warn!(doc = %name, error = %f.error, "skipped");
                summary.failed += 1;
                continue;
            }
        };
        summary.documents += 1;
        let write = |w: &mut std::io::BufWriter<std::fs::File>, line: String| {
            w.write_all(line.as_bytes())
                .and_then(|()| w.write_all(b"\n"))
                .map_err(|e| io(out, e))
        };
        for c in &rows.candidates {
            let key = c.field.as_str();
            let Some(expected) = truth.fields.get(key).and_then(|v| normalise(key, v)) else {
                continue;
            };
            let got = normalise(key, &c.value.to_plain());
            let label = u8::from(got.as_deref() == Some(expected.as_str()));
            summary.candidate_rows += 1;
            summary.positive_rows += usize::from(label);
            let line = CandidateLine {
                doc: &name,
                field: key,
                label,
                rule_confidence: c.rule_confidence,
                features: &c.features,
            };
            write(
                &mut cand_w,
                serde_json::to_string(&line).unwrap_or_default(),
            )?;
        }
        if let Some(t) = truth.doc_type.as_deref() {
            let line = sparse(
                &name,
                t,
                Some(rows.rule_doc_type.as_str()),
                &rows.doctype_features,
            );
            write(&mut doc_w, serde_json::to_string(&line).unwrap_or_default())?;
            summary.doctype_rows += 1;
        }
        if let (Some(t), Some(f)) = (truth.subtype.as_deref(), rows.subtype_features.as_ref()) {
            let rule = rows.rule_subtype.map(|s| s.as_str());
            let line = sparse(&name, t, rule, f);
            write(&mut sub_w, serde_json::to_string(&line).unwrap_or_default())?;
            summary.subtype_rows += 1;
        }
    }
    for (w, name) in [
        (&mut cand_w, "candidates.jsonl"),
        (&mut doc_w, "doctype.jsonl"),
        (&mut sub_w, "subtype.jsonl"),
    ] {
        w.flush().map_err(|e| io(&out.join(name), e))?;
    }
    Ok(summary)
}
