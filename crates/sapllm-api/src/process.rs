//! The "process files" use case: read each file, run the pipeline, keep the original and the
//! result (or the failure) in the store, report progress, and summarise the batch.
//!
//! Order of writes: the pipeline runs first (it only reads); then the original is stored
//! content-addressed and the result saved. A failure after the inbox stored the original is
//! recorded as a failed document, so nothing the clerk dropped silently disappears. A file that
//! cannot even be typed (empty, oversize, unknown type) is reported in the summary only.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use sapllm_core::{ContentHash, DocumentResult, FieldKey, Finding, Route, Severity, Stage};
use sapllm_pipeline::pipeline::{Outcome, RunOptions};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::prior::StorePrior;
use crate::{Api, Engine, collect_inputs};

/// Progress of a batch, for a progress bar.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub file: String,
}

/// A key field for the summary line.
#[derive(Debug, Clone, Serialize)]
pub struct KeyField {
    pub key: FieldKey,
    pub value: String,
    pub confidence: f32,
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ItemStatus {
    Processed {
        route: Route,
        doc_type: String,
        doc_type_confidence: f32,
        subtype: Option<String>,
        from_einvoice: bool,
        key_fields: Vec<KeyField>,
        /// Codes and messages of the findings that decided the route (all of them).
        reasons: Vec<(String, String)>,
        version: u32,
    },
    AlreadyKnown {
        status: String,
    },
    Failed {
        code: String,
        message: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemOutcome {
    pub file: PathBuf,
    pub hash: Option<ContentHash>,
    pub ms: f64,
    #[serde(flatten)]
    pub status: ItemStatus,
}

impl ItemOutcome {
    pub fn failed(&self) -> bool {
        matches!(self.status, ItemStatus::Failed { .. })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchSummary {
    pub items: Vec<ItemOutcome>,
    pub processed: usize,
    pub already_known: usize,
    pub failed: usize,
    pub auto_approve: usize,
    pub review: usize,
    pub reject: usize,
}

impl BatchSummary {
    fn from_items(items: Vec<ItemOutcome>) -> Self {
        let count = |f: &dyn Fn(&ItemStatus) -> bool| items.iter().filter(|i| f(&i.status)).count();
        let route = |r: Route| move |s: &ItemStatus| matches!(s, ItemStatus::Processed { route, .. } if *route == r);
        Self {
            processed: count(&|s| matches!(s, ItemStatus::Processed { .. })),
            already_known: count(&|s| matches!(s, ItemStatus::AlreadyKnown { .. })),
            failed: count(&|s| matches!(s, ItemStatus::Failed { .. })),
            auto_approve: count(&route(Route::AutoApprove)),
            review: count(&route(Route::Review)),
            reject: count(&route(Route::Reject)),
            items,
        }
    }
}

const KEY_FIELDS: [FieldKey; 6] = [
    FieldKey::SellerName,
    FieldKey::InvoiceNumber,
    FieldKey::IssueDate,
    FieldKey::Currency,
    FieldKey::GrossTotal,
    FieldKey::Iban,
];

pub(crate) async fn process_paths(
    api: &Api,
    engine: &Engine,
    paths: &[PathBuf],
    options: RunOptions,
    parallelism: usize,
    progress: &(dyn Fn(Progress) + Sync),
) -> BatchSummary {
    let files = collect_inputs(paths);
    let total = files.len();

    // Phase 1, concurrent: read and run the pipeline (reading happens in worker processes, so
    // `parallelism` documents are read at once). Nothing is written yet.
    let permits = Arc::new(Semaphore::new(parallelism.max(1)));
    let mut running = JoinSet::new();
    for (index, file) in files.iter().cloned().enumerate() {
        let permits = permits.clone();
        let engine = engine.clone();
        let prior = StorePrior {
            store: api.store.clone(),
            handle: tokio::runtime::Handle::current(),
        };
        running.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (index, run_pipeline(engine, prior, file, options).await)
        });
    }
    let mut ran: Vec<Option<Ran>> = (0..total).map(|_| None).collect();
    let mut done = 0;
    while let Some(joined) = running.join_next().await {
        done += 1;
        match joined {
            Ok((index, r)) => {
                progress(Progress {
                    done,
                    total,
                    file: files[index].display().to_string(),
                });
                ran[index] = Some(r);
            }
            Err(e) => tracing::error!("a pipeline task stopped: {e}"),
        }
    }

    // Phase 2, in input order: store originals and results. Committing in order, with the
    // duplicate check repeated against what this batch already stored, means two copies of
    // one invoice in the same batch are caught even though they were processed concurrently.
    let mut items = Vec::with_capacity(total);
    for (file, r) in files.iter().zip(ran) {
        let item = match r {
            Some(r) => commit(api, file, r, options).await,
            None => fail(
                file,
                None,
                0.0,
                "internal",
                "the pipeline task stopped".into(),
            ),
        };
        items.push(item);
    }
    progress(Progress {
        done: total,
        total,
        file: String::new(),
    });
    BatchSummary::from_items(items)
}

fn fail(
    file: &Path,
    hash: Option<ContentHash>,
    ms: f64,
    code: &str,
    message: String,
) -> ItemOutcome {
    ItemOutcome {
        file: file.to_path_buf(),
        hash,
        ms,
        status: ItemStatus::Failed {
            code: code.to_owned(),
            message,
        },
    }
}

/// What phase 1 produced for one file.
struct Ran {
    bytes: Vec<u8>,
    ms: f64,
    outcome: Result<Outcome, RunError>,
}

enum RunError {
    /// Refused before the pipeline (size, unreadable file): reported only.
    Refused {
        code: &'static str,
        message: String,
    },
    Pipeline(sapllm_pipeline::pipeline::Failure),
}

async fn run_pipeline(
    engine: Engine,
    prior: StorePrior,
    file: PathBuf,
    options: RunOptions,
) -> Ran {
    let started = Instant::now();
    let ms = move || started.elapsed().as_secs_f64() * 1000.0;
    let refused = |code, message| Ran {
        bytes: Vec::new(),
        ms: 0.0,
        outcome: Err(RunError::Refused { code, message }),
    };

    // Refuse oversize files before reading them into memory.
    let limit = engine.pipeline().config().limits.max_file_bytes;
    match std::fs::metadata(&file) {
        Ok(m) if m.len() > limit => {
            return refused(
                "too_large",
                format!(
                    "the file is {} bytes, over the limit of {limit} bytes",
                    m.len()
                ),
            );
        }
        Ok(m) if !m.is_file() => return refused("not_a_file", "not a regular file".into()),
        Err(e) => return refused("io_error", e.to_string()),
        Ok(_) => {}
    }
    let bytes = match tokio::fs::read(&file).await {
        Ok(b) => b,
        Err(e) => return refused("io_error", e.to_string()),
    };
    let run = tokio::task::spawn_blocking(move || {
        let outcome = engine.pipeline().process(&bytes, &prior, options);
        (bytes, outcome)
    })
    .await;
    match run {
        Ok((bytes, outcome)) => Ran {
            bytes,
            ms: ms(),
            outcome: outcome.map_err(RunError::Pipeline),
        },
        Err(e) => refused("internal", format!("the pipeline stopped: {e}")),
    }
}

async fn commit(api: &Api, file: &Path, ran: Ran, options: RunOptions) -> ItemOutcome {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Ran { bytes, ms, outcome } = ran;
    match outcome {
        Ok(Outcome::Processed(p)) => {
            let hash = p.received.hash.clone();
            let mut result = p.result;
            let stored = async {
                let intake = api
                    .store
                    .put_original(&bytes, &name, p.received.kind)
                    .await?;
                // The same bytes twice in one batch: the first copy was committed just now.
                if !intake.is_new && !options.reprocess && intake.document.latest_version.is_some()
                {
                    return Ok(None);
                }
                recheck_duplicates(api, &mut result).await;
                crate::master_data::check_master_data(api, &mut result).await;
                api.store.save_result(&intake.hash, &result).await.map(Some)
            };
            match stored.await {
                Ok(Some(version)) => ItemOutcome {
                    file: file.to_path_buf(),
                    hash: Some(hash),
                    ms,
                    status: summarise(&result, version),
                },
                Ok(None) => {
                    let status = match api.store.document(&hash).await {
                        Ok(d) => d.status.as_str().to_owned(),
                        Err(_) => "unknown".into(),
                    };
                    ItemOutcome {
                        file: file.to_path_buf(),
                        hash: Some(hash),
                        ms,
                        status: ItemStatus::AlreadyKnown { status },
                    }
                }
                Err(e) => fail(file, Some(hash), ms, "store", e.to_string()),
            }
        }
        Ok(Outcome::AlreadyKnown { received, status }) => {
            // Record the extra name under which the same bytes arrived.
            if let Err(e) = api.store.put_original(&bytes, &name, received.kind).await {
                return fail(file, Some(received.hash), ms, "store", e.to_string());
            }
            ItemOutcome {
                file: file.to_path_buf(),
                hash: Some(received.hash),
                ms,
                status: ItemStatus::AlreadyKnown { status },
            }
        }
        Err(RunError::Refused { code, message }) => fail(file, None, ms, code, message),
        Err(RunError::Pipeline(failure)) => {
            let code = failure.code();
            let message = failure.error.to_string();
            if let (Some(hash), Some(kind)) = (failure.hash.clone(), failure.kind) {
                let stored = async {
                    api.store.put_original(&bytes, &name, kind).await?;
                    api.store.record_failure(&hash, code, &message).await
                };
                if let Err(e) = stored.await {
                    tracing::error!(hash = %hash.short(), "could not record the failure: {e}");
                }
            }
            fail(file, failure.hash, ms, code, message)
        }
    }
}

/// Repeats validation's duplicate check against the store as it is now (it may hold documents
/// committed earlier in this batch) and rejects the result if that finds one.
async fn recheck_duplicates(api: &Api, result: &mut DocumentResult) {
    if !result.doc_type.value.is_postable() || result.findings.iter().any(|f| f.code == "duplicate")
    {
        return;
    }
    let prior = StorePrior {
        store: api.store.clone(),
        handle: tokio::runtime::Handle::current(),
    };
    let (fields, doc_type, hash) = (
        result.fields.clone(),
        result.doc_type.value,
        result.hash.clone(),
    );
    // The store lookup blocks on the runtime, so it runs on a blocking thread.
    let findings = tokio::task::spawn_blocking(move || {
        sapllm_pipeline::validation::duplicate_findings(&fields, doc_type, &hash, &prior)
    })
    .await
    .unwrap_or_else(|e| {
        vec![Finding::new(
            Stage::Validation,
            "duplicate_check_failed",
            Severity::Review,
            format!("the duplicate check could not run: {e}"),
        )]
    });
    if findings.iter().any(|f| f.severity == Severity::Reject) {
        result.route = Route::Reject;
    } else if !findings.is_empty() && result.route == Route::AutoApprove {
        result.route = Route::Review;
    }
    result.findings.extend(findings);
}

fn summarise(r: &DocumentResult, version: u32) -> ItemStatus {
    let key_fields = KEY_FIELDS
        .iter()
        .filter_map(|k| {
            r.fields.get(k).map(|f| KeyField {
                key: *k,
                value: if *k == FieldKey::Iban {
                    sapllm_core::identity::mask_iban(&f.value.to_plain())
                } else {
                    f.value.to_plain()
                },
                confidence: f.confidence,
            })
        })
        .collect();
    ItemStatus::Processed {
        route: r.route,
        doc_type: r.doc_type.value.as_str().to_owned(),
        doc_type_confidence: r.doc_type.confidence,
        subtype: r.subtype.as_ref().map(|s| s.value.as_str().to_owned()),
        from_einvoice: r.from_einvoice,
        key_fields,
        reasons: r
            .routing_reasons()
            .iter()
            .map(|f| (f.code.clone(), f.message.clone()))
            .collect(),
        version,
    }
}
