//! Scoring against the ground-truth format of `shared/eval/ground-truth.md`, exactly:
//! per-field precision / recall / F1 with the format's normalisation, micro-averaged header
//! F1, greedy line-item pairing, document-type accuracy, timing per document.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

use sapllm_core::{DocumentResult, FieldKey, LineKey, Normalisation};

use std::path::PathBuf;
use std::time::Instant;

use sapllm_pipeline::pipeline::{Outcome, RunOptions};
use sapllm_pipeline::prior::NoPriorDocuments;

use crate::{ApiError, Engine, Progress};

pub const GROUND_TRUTH_SCHEMA: &str = "sapllm-groundtruth/1";
pub const REPORT_SCHEMA: &str = "sapllm-eval/1";

/// A ground-truth file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct GroundTruth {
    pub schema: String,
    #[serde(default)]
    pub doc_type: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub line_items: Option<Vec<BTreeMap<String, String>>>,
    /// Invoice subtype (snake_case `InvoiceSubtype`): an optional extension of the shared
    /// format, written by the corpus generator and scored when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
}

impl GroundTruth {
    pub fn load(path: &Path) -> Result<Self, ApiError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ApiError::new("io", format!("{}: {e}", path.display())))?;
        let gt: GroundTruth = serde_json::from_str(&text)
            .map_err(|e| ApiError::new("bad_ground_truth", format!("{}: {e}", path.display())))?;
        if gt.schema != GROUND_TRUTH_SCHEMA {
            return Err(ApiError::new(
                "bad_ground_truth",
                format!(
                    "{}: schema '{}' is not {GROUND_TRUTH_SCHEMA}",
                    path.display(),
                    gt.schema
                ),
            ));
        }
        Ok(gt)
    }
}

/// A prediction in the plain string form of the ground truth.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prediction {
    pub doc_type: Option<String>,
    pub subtype: Option<String>,
    pub fields: BTreeMap<String, String>,
    pub line_items: Vec<BTreeMap<String, String>>,
}

impl Prediction {
    pub fn from_result(r: &DocumentResult) -> Self {
        let fields = r
            .fields
            .iter()
            .map(|(k, f)| (k.as_str().to_owned(), f.value.to_plain()))
            .collect();
        let line_items = r
            .line_items
            .iter()
            .map(|l| {
                l.cells
                    .iter()
                    .map(|(k, c)| (k.as_str().to_owned(), c.value.to_plain()))
                    .collect()
            })
            .collect();
        Self {
            doc_type: Some(r.doc_type.value.as_str().to_owned()),
            subtype: r.subtype.as_ref().map(|s| s.value.as_str().to_owned()),
            fields,
            line_items,
        }
    }
}

pub(crate) fn normalise(key: &str, raw: &str) -> Option<String> {
    let n = match key.parse::<FieldKey>() {
        Ok(k) => k.normalisation(),
        Err(_) => Normalisation::FreeText,
    };
    n.apply(raw)
}

fn amount_key(raw: Option<&String>) -> Option<String> {
    raw.and_then(|r| Normalisation::Amount.apply(r))
}

/// Counts of one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DocScore {
    /// Per field: (predicted-and-scored, correct, in truth).
    pub per_field: BTreeMap<String, (u32, u32, u32)>,
    pub lines_predicted: u32,
    pub lines_true: u32,
    pub lines_matched: u32,
    pub doc_type_correct: Option<bool>,
    pub subtype_correct: Option<bool>,
    pub fields_correct: u32,
    pub fields_scored: u32,
    /// Fields whose prediction was wrong or missing: (key, expected, predicted).
    pub mismatches: Vec<(String, String, Option<String>)>,
}

/// Scores one prediction against its truth.
pub fn score(truth: &GroundTruth, pred: &Prediction) -> DocScore {
    let mut s = DocScore::default();
    for (key, expected) in &truth.fields {
        let got = pred.fields.get(key);
        let correct = match got {
            Some(g) => normalise(key, g).is_some() && normalise(key, g) == normalise(key, expected),
            None => false,
        };
        let e = s.per_field.entry(key.clone()).or_default();
        e.0 += u32::from(got.is_some());
        e.1 += u32::from(correct);
        e.2 += 1;
        s.fields_scored += 1;
        s.fields_correct += u32::from(correct);
        if !correct {
            s.mismatches
                .push((key.clone(), expected.clone(), got.cloned()));
        }
    }
    if let Some(true_lines) = &truth.line_items {
        let (matched, predicted) = match_lines(true_lines, &pred.line_items);
        s.lines_true = true_lines.len() as u32;
        s.lines_predicted = predicted;
        s.lines_matched = matched;
    }
    if let Some(t) = &truth.doc_type {
        s.doc_type_correct = Some(pred.doc_type.as_deref() == Some(t.as_str()));
    }
    if let Some(t) = &truth.subtype {
        s.subtype_correct = Some(pred.subtype.as_deref() == Some(t.as_str()));
    }
    s
}

/// Greedy pairing: each true line takes the unpaired predicted line with an equal net amount
/// (closest description among several). A pair matches when the net amounts agree and, where
/// both have one, the quantities agree. Returns (matched, predicted lines).
pub fn match_lines(
    truth: &[BTreeMap<String, String>],
    pred: &[BTreeMap<String, String>],
) -> (u32, u32) {
    let net = LineKey::NetAmount.as_str();
    let qty = LineKey::Quantity.as_str();
    let desc = LineKey::Description.as_str();
    let mut used = vec![false; pred.len()];
    let mut matched = 0;
    for t in truth {
        let t_net = amount_key(t.get(net));
        let best = pred
            .iter()
            .enumerate()
            .filter(|(i, p)| !used[*i] && t_net.is_some() && amount_key(p.get(net)) == t_net)
            .max_by(|(_, a), (_, b)| {
                let da = similarity(t.get(desc), a.get(desc));
                let db = similarity(t.get(desc), b.get(desc));
                da.total_cmp(&db)
            });
        if let Some((i, p)) = best {
            used[i] = true;
            let qty_ok = match (amount_key(t.get(qty)), amount_key(p.get(qty))) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            if qty_ok {
                matched += 1;
            }
        }
    }
    (matched, pred.len() as u32)
}

/// Word-overlap similarity of two descriptions (0..1).
fn similarity(a: Option<&String>, b: Option<&String>) -> f64 {
    let (Some(a), Some(b)) = (a, b) else {
        return 0.0;
    };
    let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_lowercase).collect() };
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let common = wa.iter().filter(|w| wb.contains(w)).count() as f64;
    2.0 * common / (wa.len() + wb.len()) as f64
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FieldMetrics {
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
    pub support: u32,
}

impl FieldMetrics {
    fn from_counts(predicted: u32, correct: u32, support: u32) -> Self {
        let p = (predicted > 0).then(|| f64::from(correct) / f64::from(predicted));
        let r = (support > 0).then(|| f64::from(correct) / f64::from(support));
        let f1 = match (p, r) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            (None, Some(_)) => Some(0.0),
            _ => None,
        };
        Self {
            precision: p,
            recall: r,
            f1,
            support,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HeaderReport {
    pub micro_precision: Option<f64>,
    pub micro_recall: Option<f64>,
    pub micro_f1: Option<f64>,
    pub per_field: BTreeMap<String, FieldMetrics>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocTypeReport {
    pub accuracy: Option<f64>,
    pub support: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Timing {
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PerDocument {
    pub file: String,
    pub ok: bool,
    pub error: Option<String>,
    pub doc_type: Option<String>,
    pub fields_correct: u32,
    pub fields_scored: u32,
    pub ms: f64,
    /// Whether the values came from embedded e-invoice XML.
    pub from_einvoice: bool,
    /// Wrong or missing fields: key, expected, predicted.
    pub mismatches: Vec<(String, String, Option<String>)>,
}

/// The machine-readable report (`eval --json`); the keys of the ground-truth spec plus extras.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EvalReport {
    pub schema: String,
    pub documents: u32,
    pub failed_documents: u32,
    pub header: HeaderReport,
    pub line_items: FieldMetrics,
    pub doc_type: DocTypeReport,
    /// Invoice subtype accuracy over documents whose truth names one (extension).
    #[serde(default = "no_subtypes")]
    pub subtype: DocTypeReport,
    pub timing_ms: Timing,
    /// Documents whose values came from embedded XML, and how many of those were exact.
    pub einvoice_documents: u32,
    pub einvoice_exact: u32,
    pub ignore_embedded: bool,
    /// Standalone XML e-invoices left out because they have no printed page.
    pub skipped_xml_documents: u32,
    pub per_document: Vec<PerDocument>,
}

fn no_subtypes() -> DocTypeReport {
    DocTypeReport {
        accuracy: None,
        support: 0,
    }
}

/// Collects per-document scores into a report.
#[derive(Debug, Default)]
pub struct EvalAccumulator {
    per_field: BTreeMap<String, (u32, u32, u32)>,
    lines: (u32, u32, u32),
    doc_type: (u32, u32),
    subtype: (u32, u32),
    times: Vec<f64>,
    docs: Vec<PerDocument>,
    failed: u32,
    einvoice: (u32, u32),
    /// Standalone XML files left out of a printed-page evaluation.
    pub skipped_xml: u32,
}

impl EvalAccumulator {
    pub fn add(
        &mut self,
        file: String,
        truth: &GroundTruth,
        outcome: Result<(&DocumentResult, f64), (String, f64)>,
    ) {
        let (pred, ms, error, from_einvoice) = match outcome {
            Ok((r, ms)) => (Prediction::from_result(r), ms, None, r.from_einvoice),
            Err((e, ms)) => (Prediction::default(), ms, Some(e), false),
        };
        let s = score(truth, &pred);
        for (k, (p, c, n)) in &s.per_field {
            let e = self.per_field.entry(k.clone()).or_default();
            e.0 += p;
            e.1 += c;
            e.2 += n;
        }
        self.lines.0 += s.lines_predicted;
        self.lines.1 += s.lines_matched;
        self.lines.2 += s.lines_true;
        if let Some(ok) = s.doc_type_correct {
            self.doc_type.0 += u32::from(ok);
            self.doc_type.1 += 1;
        }
        if let Some(ok) = s.subtype_correct {
            self.subtype.0 += u32::from(ok);
            self.subtype.1 += 1;
        }
        if error.is_some() {
            self.failed += 1;
        }
        if from_einvoice {
            self.einvoice.0 += 1;
            let lines_exact = truth.line_items.is_none()
                || (s.lines_matched == s.lines_true && s.lines_predicted == s.lines_true);
            if s.fields_correct == s.fields_scored
                && lines_exact
                && s.doc_type_correct != Some(false)
            {
                self.einvoice.1 += 1;
            }
        }
        self.times.push(ms);
        self.docs.push(PerDocument {
            file,
            ok: error.is_none(),
            error,
            doc_type: pred.doc_type,
            fields_correct: s.fields_correct,
            fields_scored: s.fields_scored,
            ms,
            from_einvoice,
            mismatches: s.mismatches,
        });
    }

    pub fn finish(mut self, ignore_embedded: bool) -> EvalReport {
        let (mut p, mut c, mut n) = (0, 0, 0);
        let per_field = self
            .per_field
            .iter()
            .map(|(k, (fp, fc, fnn))| {
                p += fp;
                c += fc;
                n += fnn;
                (k.clone(), FieldMetrics::from_counts(*fp, *fc, *fnn))
            })
            .collect();
        let micro = FieldMetrics::from_counts(p, c, n);
        self.times.sort_by(f64::total_cmp);
        let pct = |q: f64| -> Option<f64> {
            if self.times.is_empty() {
                return None;
            }
            let idx = ((self.times.len() as f64 - 1.0) * q).round() as usize;
            Some(self.times[idx])
        };
        EvalReport {
            schema: REPORT_SCHEMA.into(),
            documents: self.docs.len() as u32,
            failed_documents: self.failed,
            header: HeaderReport {
                micro_precision: micro.precision,
                micro_recall: micro.recall,
                micro_f1: micro.f1,
                per_field,
            },
            line_items: FieldMetrics::from_counts(self.lines.0, self.lines.1, self.lines.2),
            doc_type: DocTypeReport {
                accuracy: (self.doc_type.1 > 0)
                    .then(|| f64::from(self.doc_type.0) / f64::from(self.doc_type.1)),
                support: self.doc_type.1,
            },
            subtype: DocTypeReport {
                accuracy: (self.subtype.1 > 0)
                    .then(|| f64::from(self.subtype.0) / f64::from(self.subtype.1)),
                support: self.subtype.1,
            },
            timing_ms: Timing {
                p50: pct(0.5),
                p95: pct(0.95),
            },
            einvoice_documents: self.einvoice.0,
            einvoice_exact: self.einvoice.1,
            ignore_embedded,
            skipped_xml_documents: self.skipped_xml,
            per_document: self.docs,
        }
    }
}

/// Document files in `folder` (recursively) that have a twin `.json` ground truth, sorted.
pub fn documents_with_truth(folder: &Path) -> Vec<(PathBuf, PathBuf)> {
    crate::collect_inputs(&[folder.to_path_buf()])
        .into_iter()
        .filter_map(|doc| {
            let truth = doc.with_extension("json");
            truth.is_file().then_some((doc, truth))
        })
        .collect()
}

/// Runs the engine on every document with ground truth in `folder` and scores it. Nothing is
/// written to the store: evaluation never touches the clerk's data.
pub fn evaluate(
    engine: &Engine,
    folder: &Path,
    ignore_embedded: bool,
    progress: &dyn Fn(Progress),
) -> Result<EvalReport, ApiError> {
    if !folder.is_dir() {
        return Err(ApiError::new(
            "not_found",
            format!("{} is not a folder", folder.display()),
        ));
    }
    let docs = documents_with_truth(folder);
    let mut acc = EvalAccumulator::default();
    let run = RunOptions {
        ignore_embedded,
        reprocess: true,
    };
    for (i, (doc, truth_path)) in docs.iter().enumerate() {
        progress(Progress {
            done: i,
            total: docs.len(),
            file: doc.display().to_string(),
        });
        let truth = GroundTruth::load(truth_path)?;
        let name = doc
            .strip_prefix(folder)
            .unwrap_or(doc)
            .display()
            .to_string();
        let started = Instant::now();
        let bytes = std::fs::read(doc).map_err(|e| format!("io_error: {e}"));
        // A standalone XML e-invoice has no printed page: with --ignore-embedded it is not part
        // of the visual evaluation (it would be scored on exact XML values).
        if ignore_embedded
            && bytes.as_ref().is_ok_and(|b| {
                sapllm_document::sniff::sniff(b).ok() == Some(sapllm_core::FileKind::Xml)
            })
        {
            acc.skipped_xml += 1;
            continue;
        }
        let outcome = bytes.and_then(|bytes| {
            engine
                .pipeline()
                .process(&bytes, &NoPriorDocuments, run)
                .map_err(|f| format!("{}: {}", f.code(), f.error))
        });
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Ok(Outcome::Processed(p)) => acc.add(name, &truth, Ok((&p.result, ms))),
            Ok(Outcome::AlreadyKnown { .. }) => {
                acc.add(name, &truth, Err(("already_known".into(), ms)))
            }
            Err(e) => acc.add(name, &truth, Err((e, ms))),
        }
    }
    progress(Progress {
        done: docs.len(),
        total: docs.len(),
        file: String::new(),
    });
    Ok(acc.finish(ignore_embedded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn truth() -> GroundTruth {
        GroundTruth {
            schema: GROUND_TRUTH_SCHEMA.into(),
            doc_type: Some("invoice".into()),
            language: Some("de".into()),
            subtype: None,
            fields: map(&[
                ("invoice_number", "471102"),
                ("issue_date", "2024-03-05"),
                ("seller_name", "Müller GmbH"),
                ("gross_total", "529.87"),
            ]),
            line_items: Some(vec![
                map(&[
                    ("description", "Trennblätter A4"),
                    ("quantity", "20"),
                    ("net_amount", "198.00"),
                ]),
                map(&[
                    ("description", "Ordner"),
                    ("quantity", "2"),
                    ("net_amount", "10.00"),
                ]),
            ]),
        }
    }

    #[test]
    fn normalised_comparison_and_unscored_extra_keys() {
        let pred = Prediction {
            doc_type: Some("invoice".into()),
            subtype: None,
            fields: map(&[
                ("invoice_number", " 4711 02"),
                ("issue_date", "2024-03-05"),
                ("seller_name", "MÜLLER GMBH"),
                ("gross_total", "529.870"),
                ("iban", "DE00"), // not in the truth: not scored
            ]),
            line_items: vec![
                map(&[
                    ("description", "Ordner"),
                    ("quantity", "3"),
                    ("net_amount", "10.00"),
                ]),
                map(&[
                    ("description", "Trennblätter"),
                    ("quantity", "20"),
                    ("net_amount", "198"),
                ]),
                map(&[("description", "Porto"), ("net_amount", "5.00")]),
            ],
        };
        let s = score(&truth(), &pred);
        assert_eq!(s.fields_scored, 4);
        assert_eq!(s.fields_correct, 4);
        assert!(!s.per_field.contains_key("iban"));
        // Ordner: net agrees but quantity differs -> not matched.
        assert_eq!(
            (s.lines_matched, s.lines_predicted, s.lines_true),
            (1, 3, 2)
        );
        assert_eq!(s.doc_type_correct, Some(true));
    }

    #[test]
    fn report_metrics_follow_the_definitions() {
        let mut acc = EvalAccumulator::default();
        let t = truth();
        acc.add(
            "a.pdf".into(),
            &t,
            Err(("corrupt_pdf: damaged".into(), 1.0)),
        );
        let report = acc.finish(false);
        assert_eq!(report.documents, 1);
        assert_eq!(report.failed_documents, 1);
        assert_eq!(report.header.micro_recall, Some(0.0));
        assert_eq!(report.header.micro_precision, None);
        assert_eq!(report.header.micro_f1, Some(0.0));
        assert_eq!(report.line_items.support, 2);
        assert_eq!(report.doc_type.accuracy, Some(0.0));
        let json = serde_json::to_value(&report).unwrap();
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
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert_eq!(json["header"]["per_field"]["invoice_number"]["support"], 1);
    }
}
