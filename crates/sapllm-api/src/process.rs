//! The "process files" use case: read each file, run the pipeline, keep the original and the
//! result (or the failure) in the store, report progress, and summarise the batch.
//!
//! Order of writes: the pipeline runs first (it only reads); then the original is stored
//! content-addressed and the result saved. A failure after the inbox stored the original is
//! recorded as a failed document, so nothing the clerk dropped silently disappears. A file that
//! cannot even be typed (empty, oversize, unknown type) is reported in the summary only.

use std::path::{Path, PathBuf};
use std::time::Instant;

use sapllm_core::{ContentHash, DocumentResult, FieldKey, FileKind, Route};
use sapllm_pipeline::pipeline::{Outcome, RunOptions};
use serde::Serialize;

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
    progress: &(dyn Fn(Progress) + Sync),
) -> BatchSummary {
    let files = collect_inputs(paths);
    let total = files.len();
    let mut items = Vec::with_capacity(total);
    for (i, file) in files.iter().enumerate() {
        progress(Progress {
            done: i,
            total,
            file: file.display().to_string(),
        });
        items.push(process_one(api, engine, file, options).await);
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

async fn process_one(api: &Api, engine: &Engine, file: &Path, options: RunOptions) -> ItemOutcome {
    let started = Instant::now();
    let ms = || started.elapsed().as_secs_f64() * 1000.0;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();

    // Refuse oversize files before reading them into memory.
    let limit = engine.pipeline().config().limits.max_file_bytes;
    match std::fs::metadata(file) {
        Ok(m) if m.len() > limit => {
            return fail(
                file,
                None,
                ms(),
                "too_large",
                format!(
                    "the file is {} bytes, over the limit of {limit} bytes",
                    m.len()
                ),
            );
        }
        Ok(m) if !m.is_file() => {
            return fail(file, None, ms(), "not_a_file", "not a regular file".into());
        }
        Err(e) => return fail(file, None, ms(), "io_error", e.to_string()),
        Ok(_) => {}
    }
    let bytes = match tokio::fs::read(file).await {
        Ok(b) => b,
        Err(e) => return fail(file, None, ms(), "io_error", e.to_string()),
    };

    let engine = engine.clone();
    let prior = StorePrior {
        store: api.store.clone(),
        handle: tokio::runtime::Handle::current(),
    };
    let run = tokio::task::spawn_blocking(move || {
        let outcome = engine.pipeline().process(&bytes, &prior, options);
        (bytes, outcome)
    })
    .await;
    let (bytes, outcome) = match run {
        Ok(r) => r,
        Err(e) => {
            return fail(
                file,
                None,
                ms(),
                "internal",
                format!("the pipeline stopped: {e}"),
            );
        }
    };

    match outcome {
        Ok(Outcome::Processed(p)) => {
            let hash = p.received.hash.clone();
            match store_result(api, &bytes, &name, p.received.kind, &p.result).await {
                Ok(version) => ItemOutcome {
                    file: file.to_path_buf(),
                    hash: Some(hash),
                    ms: ms(),
                    status: summarise(&p.result, version),
                },
                Err(e) => fail(file, Some(hash), ms(), "store", e.to_string()),
            }
        }
        Ok(Outcome::AlreadyKnown { received, status }) => {
            // Record the extra name under which the same bytes arrived.
            if let Err(e) = api.store.put_original(&bytes, &name, received.kind).await {
                return fail(file, Some(received.hash), ms(), "store", e.to_string());
            }
            ItemOutcome {
                file: file.to_path_buf(),
                hash: Some(received.hash),
                ms: ms(),
                status: ItemStatus::AlreadyKnown { status },
            }
        }
        Err(failure) => {
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
            fail(file, failure.hash, ms(), code, message)
        }
    }
}

async fn store_result(
    api: &Api,
    bytes: &[u8],
    name: &str,
    kind: FileKind,
    result: &DocumentResult,
) -> Result<u32, sapllm_store::StoreError> {
    let intake = api.store.put_original(bytes, name, kind).await?;
    api.store.save_result(&intake.hash, result).await
}

fn summarise(r: &DocumentResult, version: u32) -> ItemStatus {
    let key_fields = KEY_FIELDS
        .iter()
        .filter_map(|k| {
            r.fields.get(k).map(|f| KeyField {
                key: *k,
                value: if *k == FieldKey::Iban {
                    mask_iban(&f.value.to_plain())
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

/// IBANs are shown masked in summaries and logs: country, check digits, last four.
pub fn mask_iban(iban: &str) -> String {
    let n = iban.chars().count();
    iban.chars()
        .enumerate()
        .map(|(i, c)| if i < 4 || i + 4 >= n { c } else { '*' })
        .collect()
}
