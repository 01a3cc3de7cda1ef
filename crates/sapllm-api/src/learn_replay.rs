//! `sapllm learn replay <folder>`: how fast learning makes corrections unnecessary.
//!
//! Documents with ground truth are grouped by supplier (VAT ID, else name, else IBAN from the
//! truth) and processed in order, twice, each time in a fresh store: once without learning,
//! once with it. In the learning run the clerk's work is simulated after each document: every
//! header field of the truth is either confirmed (the prediction was right) or corrected —
//! by clicking the words on the page that carry the true value when they can be found, else
//! by typing it — through the same API the app uses; then the document is approved, which
//! teaches. The report gives field accuracy on each supplier's 1st, 2nd, 3rd and later
//! documents for both runs. Every `holdout`-th supplier is never corrected in the learning
//! run: its accuracy shows whether learning elsewhere hurt suppliers nobody taught.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sapllm_core::{FieldKey, FieldValue, Page, ValueKind};
use sapllm_pipeline::extraction::parse;
use serde::Serialize;

use crate::eval::{GroundTruth, documents_with_truth, normalise};
use crate::review::{CorrectionRequest, CorrectionSourceDto, CorrectionTargetDto};
use crate::{Api, ApiError, RunOptions, Settings};

/// Accuracy of one slice.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Slice {
    pub documents: usize,
    pub fields: usize,
    pub correct: usize,
    pub accuracy: Option<f64>,
}

impl Slice {
    fn add(&mut self, correct: usize, fields: usize) {
        self.documents += 1;
        self.fields += fields;
        self.correct += correct;
        self.accuracy = (self.fields > 0).then(|| self.correct as f64 / self.fields as f64);
    }
}

/// One run (with or without learning).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReplayRun {
    /// By position of the document within its supplier: "1", "2", "3", "4+".
    pub by_position: BTreeMap<String, Slice>,
    /// Documents after a supplier's first (the target: ≥ 0.98 with learning).
    pub second_and_later: Slice,
    /// Suppliers never corrected in the learning run (all their documents).
    pub never_corrected: Slice,
    pub all: Slice,
    /// Wrong or missing fields on 2nd and later documents, by field.
    pub later_errors_by_field: BTreeMap<String, usize>,
}

/// The report.
#[derive(Debug, Clone, Serialize)]
pub struct ReplayReport {
    pub documents: usize,
    pub suppliers: usize,
    pub held_out_suppliers: usize,
    pub failed: usize,
    pub without_learning: ReplayRun,
    pub with_learning: ReplayRun,
    pub corrections_by_words: usize,
    pub corrections_typed: usize,
    pub confirmations: usize,
    /// Approvals the engine refused (the document then teaches nothing).
    pub approvals_refused: usize,
    pub versions_promoted: usize,
    pub versions_rejected: usize,
    /// Why versions were rejected (the first few).
    pub rejections: Vec<String>,
    /// Median time to apply one approved document's corrections to the learned state, and
    /// median shadow-evaluation time, in milliseconds.
    pub learn_ms_p50: Option<f64>,
    pub shadow_ms_p50: Option<f64>,
}

/// The supplier of a truth file: VAT ID, else name, else IBAN.
fn supplier_of(t: &GroundTruth, file: &Path) -> String {
    for k in ["seller_vat_id", "seller_name", "iban"] {
        if let Some(v) = t.fields.get(k).and_then(|v| normalise(k, v)) {
            if !v.is_empty() {
                return format!("{k}:{v}");
            }
        }
    }
    format!("file:{}", file.display())
}

/// Words of a page whose text, read as `field`'s kind, equals the true value: the words a
/// clerk would click.
fn find_words(pages: &[Page], field: FieldKey, truth_norm: &str) -> Option<(u32, Vec<u32>)> {
    let matches = |text: &str| -> bool {
        let v = match field.value_kind() {
            ValueKind::Amount => {
                parse::parse_amount(text).map(|d| FieldValue::Amount(d).to_plain())
            }
            ValueKind::Date => {
                parse::parse_date(text, None).map(|d| FieldValue::Date(d).to_plain())
            }
            _ => Some(text.to_owned()),
        };
        v.and_then(|v| normalise(field.as_str(), &v)).as_deref() == Some(truth_norm)
    };
    for page in pages {
        for line in &page.lines {
            let ws = &line.words;
            for start in 0..ws.len() {
                for len in 1..=6.min(ws.len() - start) {
                    let text = ws[start..start + len]
                        .iter()
                        .filter_map(|&i| page.words.get(i as usize))
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    if matches(&text) {
                        return Some((page.index, ws[start..start + len].to_vec()));
                    }
                }
            }
        }
    }
    // A name or a paragraph of terms that wraps: the clerk drags a box over the block.
    let block = matches!(
        field,
        FieldKey::SellerName | FieldKey::BuyerName | FieldKey::PaymentTerms
    );
    if !block {
        return None;
    }
    sapllm_learning::memory::find_text(pages, field, truth_norm)
}

/// A value for a diagnostic log line: account numbers are never logged whole.
fn masked(key: FieldKey, v: &str) -> String {
    if key == FieldKey::Iban {
        sapllm_core::identity::mask_iban(v)
    } else {
        v.to_owned()
    }
}

fn position_label(pos: usize) -> String {
    if pos >= 4 {
        "4+".into()
    } else {
        pos.to_string()
    }
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// Runs the replay (see the module docs). `holdout`: every n-th supplier is never corrected
/// (0: none).
pub async fn replay(
    base: &Settings,
    folder: &Path,
    holdout: usize,
    ignore_embedded: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ReplayReport, ApiError> {
    let mut groups: BTreeMap<String, Vec<(PathBuf, GroundTruth)>> = BTreeMap::new();
    for (doc, truth) in documents_with_truth(folder) {
        let t = GroundTruth::load(&truth)?;
        if ignore_embedded
            && std::fs::read(&doc).is_ok_and(|b| {
                sapllm_document::sniff::sniff(&b).ok() == Some(sapllm_core::FileKind::Xml)
            })
        {
            continue;
        }
        groups
            .entry(supplier_of(&t, &doc))
            .or_default()
            .push((doc, t));
    }
    let total: usize = groups.values().map(Vec::len).sum();
    let mut report = ReplayReport {
        documents: total,
        suppliers: groups.len(),
        held_out_suppliers: 0,
        failed: 0,
        without_learning: ReplayRun::default(),
        with_learning: ReplayRun::default(),
        corrections_by_words: 0,
        corrections_typed: 0,
        confirmations: 0,
        approvals_refused: 0,
        versions_promoted: 0,
        versions_rejected: 0,
        rejections: Vec::new(),
        learn_ms_p50: None,
        shadow_ms_p50: None,
    };
    let (mut learn_ms, mut shadow_ms) = (Vec::new(), Vec::new());
    for learning in [false, true] {
        let dir = tempfile::tempdir().map_err(|e| ApiError::new("io", e.to_string()))?;
        let mut settings = base.clone();
        settings.data_dir = dir.path().to_path_buf();
        let api = Api::open(&settings).await?;
        let mut done = 0;
        for (gi, (_, docs)) in groups.iter().enumerate() {
            let held_out = holdout > 0 && gi % holdout == holdout - 1;
            if learning && held_out {
                report.held_out_suppliers += 1;
            }
            for (pos, (file, truth)) in docs.iter().enumerate() {
                done += 1;
                progress(done + if learning { total } else { 0 }, 2 * total);
                let summary = api
                    .process_paths(
                        std::slice::from_ref(file),
                        RunOptions {
                            ignore_embedded,
                            reprocess: true,
                        },
                        &|_| {},
                    )
                    .await?;
                let Some(hash) = summary.items.first().and_then(|i| i.hash.clone()) else {
                    report.failed += usize::from(!learning);
                    continue;
                };
                let Some((_, result)) = api.store().latest_result(&hash).await? else {
                    report.failed += usize::from(!learning);
                    continue;
                };
                // Score the document as the engine delivered it.
                let mut right = 0;
                let mut scored = Vec::new();
                for (k, raw) in &truth.fields {
                    let Ok(key) = k.parse::<FieldKey>() else {
                        continue;
                    };
                    let Some(want) = normalise(k, raw) else {
                        continue;
                    };
                    let got = result
                        .fields
                        .get(&key)
                        .and_then(|f| normalise(k, &f.value.to_plain()));
                    let ok = got.as_deref() == Some(want.as_str());
                    right += usize::from(ok);
                    scored.push((key, raw.clone(), want, ok));
                }
                for (key, _, want, ok) in &scored {
                    if !ok {
                        let field = result.fields.get(key);
                        let got = field.map(|f| f.value.to_plain());
                        // What the memory proposed, if anything: tells a memory that was not
                        // consulted from one that read the wrong thing.
                        let learned = field.and_then(|f| {
                            std::iter::once((&f.value, f.confidence, &f.provenance))
                                .chain(
                                    f.alternatives
                                        .iter()
                                        .map(|c| (&c.value, c.confidence, &c.provenance)),
                                )
                                .find(|(_, _, p)| p.source == sapllm_core::SourceKind::Learned)
                                .map(|(v, c, _)| {
                                    format!("{} ({c:.2})", masked(*key, &v.to_plain()))
                                })
                        });
                        tracing::debug!(
                            field = key.as_str(),
                            learning,
                            held_out,
                            position = pos + 1,
                            doc = %file.display(),
                            learned = learned.as_deref().unwrap_or("-"),
                            "wrong: want {}, got {:?}",
                            masked(*key, want),
                            got.as_deref().map(|g| masked(*key, g))
                        );
                    }
                }
                let run = if learning {
                    &mut report.with_learning
                } else {
                    &mut report.without_learning
                };
                run.all.add(right, scored.len());
                if held_out {
                    run.never_corrected.add(right, scored.len());
                } else {
                    run.by_position
                        .entry(position_label(pos + 1))
                        .or_default()
                        .add(right, scored.len());
                    if pos > 0 {
                        run.second_and_later.add(right, scored.len());
                        for (key, _, _, ok) in &scored {
                            if !ok {
                                *run.later_errors_by_field
                                    .entry(key.as_str().to_owned())
                                    .or_default() += 1;
                            }
                        }
                    }
                }
                if !learning || held_out {
                    continue;
                }
                // The clerk's work: confirm what is right, correct what is not.
                let pages = api.pages_of(&hash, result.file_kind).await?;
                for (key, raw, want, ok) in &scored {
                    let (value, source) = if *ok {
                        report.confirmations += 1;
                        (None, CorrectionSourceDto::Confirmed)
                    } else if let Some((page, words)) = find_words(&pages, *key, want) {
                        report.corrections_by_words += 1;
                        (None, CorrectionSourceDto::Words { page, words })
                    } else {
                        report.corrections_typed += 1;
                        tracing::debug!(
                            field = key.as_str(),
                            doc = %file.display(),
                            "typed correction: {} not found on the page",
                            masked(*key, want)
                        );
                        (Some(raw.clone()), CorrectionSourceDto::Typed)
                    };
                    let request = CorrectionRequest {
                        target: CorrectionTargetDto::Header {
                            field: key.as_str().to_owned(),
                        },
                        value,
                        source,
                    };
                    if let Err(e) = api.correct(hash.as_str(), &request, "replay").await {
                        tracing::debug!(field = key.as_str(), "replay correction refused: {e}");
                    }
                }
                // Approval without SAP: the payload is not posted anywhere in a replay.
                let outcome = api
                    .approve_with(hash.as_str(), "replay", Some("learn replay"), &|r| {
                        Ok((
                            serde_json::json!({ "replay": r.hash.as_str() }),
                            sapllm_sap::InvoiceKey {
                                company_code: "REPLAY".into(),
                                invoicing_party: "REPLAY".into(),
                                reference: r.hash.short().to_owned(),
                            },
                        ))
                    })
                    .await;
                let outcome = match outcome {
                    Ok(o) => o,
                    Err(e) => {
                        report.approvals_refused += 1;
                        tracing::debug!(doc = %file.display(), "approval refused: {e}");
                        continue;
                    }
                };
                match outcome.learning {
                    Some(l) => {
                        if l.version.is_some() {
                            if l.promoted {
                                report.versions_promoted += 1;
                            } else {
                                report.versions_rejected += 1;
                                if report.rejections.len() < 10 {
                                    report.rejections.push(l.reason.clone());
                                }
                            }
                            learn_ms.push(l.learn_ms);
                            shadow_ms.push(l.shadow_ms);
                        }
                    }
                    None => tracing::debug!(doc = %hash.short(), "approval did not teach"),
                }
            }
        }
    }
    report.learn_ms_p50 = median(learn_ms);
    report.shadow_ms_p50 = median(shadow_ms);
    Ok(report)
}
