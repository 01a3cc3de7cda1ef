//! Learning use cases: learn from an approved document, shadow-evaluate the new learned
//! state against the clerk's own approved documents before it serves, list versions, roll
//! back, export and import.
//!
//! A correction becomes training signal only when its document is approved, and a document
//! approved with no field checked (neither corrected nor confirmed) teaches nothing: an
//! approval alone says the clerk accepted the document, not that every value was looked at.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use sapllm_core::{ContentHash, CorrectionSource, CorrectionTarget, FieldKey, FieldValue};
use sapllm_learning::{
    CheckedField, Example, LearnedSnapshot, LearningState, ReplayDoc, UpdateReport,
    replay_accuracy, replay_by_field,
};
use sapllm_pipeline::learned::{LearnedSource, LearnedState};
use sapllm_store::{DocumentStatus, LearnedVersion, NewLearnedVersion};
use serde::Serialize;

use crate::{Api, ApiError};

/// Approved documents the shadow evaluation replays (newest first).
pub const REPLAY_LIMIT: u32 = 200;

/// The serving learned state, shared with the engine's pipeline.
#[derive(Debug, Default)]
pub struct ServingLearned {
    current: RwLock<Option<Arc<LearnedSnapshot>>>,
}

impl ServingLearned {
    pub fn snapshot(&self) -> Option<Arc<LearnedSnapshot>> {
        self.current.read().ok().and_then(|c| c.clone())
    }

    fn set(&self, s: Option<Arc<LearnedSnapshot>>) {
        if let Ok(mut c) = self.current.write() {
            *c = s;
        }
    }
}

impl LearnedSource for ServingLearned {
    fn current(&self) -> Option<Arc<dyn LearnedState>> {
        self.snapshot().map(|s| s as Arc<dyn LearnedState>)
    }
}

/// What learning from one approved document did.
#[derive(Debug, Clone, Serialize)]
pub struct LearnOutcome {
    pub document: String,
    /// The new version (none when nothing was learned).
    pub version: Option<u64>,
    pub promoted: bool,
    pub reason: String,
    pub update: UpdateReport,
    pub score_serving: Option<f64>,
    pub score_candidate: Option<f64>,
    pub replay_docs: usize,
    /// Time to apply the corrections to the learned state.
    pub learn_ms: f64,
    /// Time of the shadow evaluation.
    pub shadow_ms: f64,
}

impl LearnOutcome {
    /// An approval that taught nothing (no version is made), and why.
    fn nothing(hash: &ContentHash, reason: String, update: UpdateReport, learn_ms: f64) -> Self {
        Self {
            document: hash.as_str().to_owned(),
            version: None,
            promoted: false,
            reason,
            update,
            score_serving: None,
            score_candidate: None,
            replay_docs: 0,
            learn_ms,
            shadow_ms: 0.0,
        }
    }
}

/// Where learning stands.
#[derive(Debug, Clone, Serialize)]
pub struct LearningStatus {
    pub serving_version: Option<u64>,
    pub versions: usize,
    pub rejected_versions: usize,
    pub suppliers: usize,
    pub layouts: usize,
    pub remembered_fields: usize,
    pub reranker_updates: u32,
    pub examples: u32,
    pub replay_docs: usize,
}

/// What the engine extracts from a replay document with a given learned state.
fn predict_fields(
    engine: &crate::Engine,
    d: &ReplayDoc,
    learned: Option<&dyn LearnedState>,
) -> BTreeMap<FieldKey, FieldValue> {
    engine
        .pipeline()
        .extract_with(&d.pages, d.doc_type, learned)
        .fields
        .into_iter()
        .map(|(k, f)| (k, f.value))
        .collect()
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new("internal", e.to_string())
}

impl Api {
    /// Loads the serving learned state from the store into the engine's source.
    pub(crate) async fn load_learned(&self) -> Result<(), ApiError> {
        let snap = match self.store.learned_serving().await? {
            Some((version, json)) => Some(Arc::new(LearnedSnapshot {
                version,
                state: LearningState::import(&json).map_err(internal)?,
            })),
            None => None,
        };
        self.learned.set(snap);
        Ok(())
    }

    async fn replay_docs(&self) -> Result<Vec<(ContentHash, ReplayDoc)>, ApiError> {
        let mut out = Vec::new();
        for (h, json) in self.store.replay_set(REPLAY_LIMIT).await? {
            match serde_json::from_str::<ReplayDoc>(&json) {
                Ok(d) => out.push((h, d)),
                Err(e) => {
                    tracing::warn!(doc = %h.short(), "replay document unreadable, skipped: {e}")
                }
            }
        }
        Ok(out)
    }

    /// Learns from an approved document's corrections and confirmations. The new version of
    /// the learned state serves only if it is not worse than the serving one on the replay set
    /// (the other approved documents); otherwise it is recorded as rejected, with the reason.
    pub async fn learn_from_approved(
        &self,
        id: &str,
        user: &str,
    ) -> Result<LearnOutcome, ApiError> {
        let hash = self.store.find_by_prefix(id).await?;
        let doc = self.store.document(&hash).await?;
        if !matches!(
            doc.status,
            DocumentStatus::Approved | DocumentStatus::Posted
        ) {
            return Err(ApiError::new(
                "not_approved",
                format!(
                    "document {} is {}; corrections teach only once the document is approved",
                    hash.short(),
                    doc.status
                ),
            ));
        }
        let (_, result) = self
            .store
            .latest_result(&hash)
            .await?
            .ok_or_else(|| ApiError::new("not_found", "the document has no result"))?;
        let corrections = self.store.corrections(&hash).await?;
        // The last word of the clerk on each header field.
        let mut last: BTreeMap<FieldKey, (CorrectionSource, bool)> = BTreeMap::new();
        for c in &corrections {
            if let CorrectionTarget::Header { field } = c.correction.target {
                let changed = c.correction.old != c.correction.new;
                let entry = last
                    .entry(field)
                    .or_insert((c.correction.source.clone(), changed));
                entry.0 = c.correction.source.clone();
                entry.1 |= changed;
            }
        }
        let mut checked = Vec::new();
        for (field, (source, corrected)) in &last {
            let Some(f) = result.fields.get(field) else {
                continue;
            };
            let (page, bbox) = match source.place() {
                Some((p, b)) => (Some(p), Some(b)),
                None => (f.provenance.page, f.provenance.bbox),
            };
            checked.push(CheckedField {
                field: *field,
                value: f.value.clone(),
                page,
                bbox,
                corrected: *corrected,
            });
        }
        let fields: BTreeMap<FieldKey, FieldValue> = result
            .fields
            .iter()
            .map(|(k, f)| (*k, f.value.clone()))
            .collect();
        if checked.is_empty() {
            return Ok(LearnOutcome::nothing(
                &hash,
                "approved without any field checked: nothing is learned".into(),
                UpdateReport {
                    skipped: Some("no field checked".into()),
                    ..UpdateReport::default()
                },
                0.0,
            ));
        }
        let pages = self.pages_of(&hash, doc.file_kind).await?;
        let example = Example {
            pages: pages.as_ref().clone(),
            doc_type: result.doc_type.value,
            fields,
            checked,
            user: user.to_owned(),
            session: format!("{}@{}", user, self.session_id),
        };
        let replay = self.replay_docs().await?;
        let serving = self.learned.snapshot();
        let engine = self.engine()?.clone();
        let this_doc = ReplayDoc {
            pages: example.pages.clone(),
            doc_type: example.doc_type,
            truth: example
                .checked
                .iter()
                .filter_map(|c| {
                    c.field
                        .normalisation()
                        .apply(&c.value.to_plain())
                        .map(|v| (c.field, v))
                })
                .collect(),
        };
        let work = tokio::task::spawn_blocking(move || {
            let mut state = serving
                .as_ref()
                .map(|s| s.state.clone())
                .unwrap_or_default();
            let t0 = Instant::now();
            let update = state.learn(&example, &|rows| engine.pipeline().base_scores(rows));
            let learn_ms = t0.elapsed().as_secs_f64() * 1000.0;
            if update.skipped.is_some() {
                return (state, update, learn_ms, None, None, 0.0, 0);
            }
            // Shadow evaluation on the other approved documents: the document that taught
            // cannot vouch for what it taught.
            let t1 = Instant::now();
            let others: Vec<ReplayDoc> = replay
                .into_iter()
                .filter(|(h, _)| *h != result.hash)
                .map(|(_, d)| d)
                .collect();
            let serving_ref: Option<&dyn LearnedState> =
                serving.as_deref().map(|s| s as &dyn LearnedState);
            let by_serving = replay_by_field(&others, &|d| predict_fields(&engine, d, serving_ref));
            // Field by field first: a new memory that makes the clerk's other approved
            // documents worse for its field is dropped (a wrong click teaches nothing), the
            // rest of the update stays.
            let mut update = update;
            if let Some(place) = update.place {
                let candidate = LearnedSnapshot {
                    version: 0,
                    state: state.clone(),
                };
                let by_candidate =
                    replay_by_field(&others, &|d| predict_fields(&engine, d, Some(&candidate)));
                let before = serving
                    .as_ref()
                    .map(|s| s.state.clone())
                    .unwrap_or_default();
                for f in update.changed_fields.clone() {
                    let right =
                        |m: &BTreeMap<FieldKey, (usize, usize)>| m.get(&f).map_or(0, |x| x.0);
                    // The new memory must also read the approved value on the supplier's
                    // other approved invoices of this layout, whatever its confidence.
                    let contradicted = others
                        .iter()
                        .any(|d| state.field_holds(place, f, d) == Some(false));
                    if contradicted || right(&by_candidate) < right(&by_serving) {
                        state.revert_field(&before, place, f);
                        update.dropped_fields.push(f);
                    }
                }
            }
            let total = |m: &BTreeMap<FieldKey, (usize, usize)>| {
                let (r, n) = m.values().fold((0, 0), |a, x| (a.0 + x.0, a.1 + x.1));
                (n > 0).then(|| r as f64 / n as f64)
            };
            let score_serving = total(&by_serving);
            let candidate = LearnedSnapshot {
                version: 0,
                state: state.clone(),
            };
            let score_candidate =
                replay_accuracy(&others, &|d| predict_fields(&engine, d, Some(&candidate)));
            let shadow_ms = t1.elapsed().as_secs_f64() * 1000.0;
            (
                state,
                update,
                learn_ms,
                score_serving,
                score_candidate,
                shadow_ms,
                others.len(),
            )
        });
        let (state, update, learn_ms, score_serving, score_candidate, shadow_ms, replay_n) =
            work.await.map_err(internal)?;
        if let Some(why) = &update.skipped {
            return Ok(LearnOutcome::nothing(&hash, why.clone(), update, learn_ms));
        }
        let worse = matches!((score_candidate, score_serving), (Some(c), Some(s)) if c + 1e-9 < s);
        let dropped = if update.dropped_fields.is_empty() {
            String::new()
        } else {
            format!(
                "; not learned (worse on the replay): {}",
                update
                    .dropped_fields
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let reason = match (score_serving, score_candidate) {
            (Some(s), Some(c)) if worse => format!(
                "not promoted: replay accuracy {c:.4} is below the serving version's {s:.4} on {replay_n} approved documents"
            ),
            (Some(s), Some(c)) => format!(
                "promoted: replay accuracy {c:.4} (serving {s:.4}) on {replay_n} approved documents"
            ),
            _ => "promoted: no other approved documents to replay yet".to_owned(),
        } + &dropped;
        if worse {
            tracing::warn!(document = %hash.short(), "{reason}");
        } else {
            tracing::info!(document = %hash.short(), "{reason}");
        }
        let json = state.export_full().map_err(internal)?;
        let parent = self.learned.snapshot().map(|s| s.version);
        let version = self
            .store
            .record_learned_version(&NewLearnedVersion {
                parent,
                status: if worse { "rejected" } else { "promoted" },
                reason: &reason,
                document: Some(&hash),
                user,
                score_parent: score_serving,
                score_candidate,
                replay_docs: replay_n as u32,
                state_json: &json,
                serve: !worse,
            })
            .await?;
        if !worse {
            self.learned
                .set(Some(Arc::new(LearnedSnapshot { version, state })));
        }
        let replay_json = serde_json::to_string(&this_doc).map_err(internal)?;
        self.store.put_replay(&hash, &replay_json).await?;
        Ok(LearnOutcome {
            document: hash.as_str().to_owned(),
            version: Some(version),
            promoted: !worse,
            reason,
            update,
            score_serving,
            score_candidate,
            replay_docs: replay_n,
            learn_ms,
            shadow_ms,
        })
    }

    pub async fn learning_status(&self) -> Result<LearningStatus, ApiError> {
        let versions = self.store.learned_versions().await?;
        let snap = self.learned.snapshot();
        let state = snap.as_ref().map(|s| &s.state);
        Ok(LearningStatus {
            serving_version: snap.as_ref().map(|s| s.version),
            versions: versions.len(),
            rejected_versions: versions.iter().filter(|v| v.status == "rejected").count(),
            suppliers: state.map_or(0, |s| s.suppliers.len()),
            layouts: state.map_or(0, |s| s.suppliers.iter().map(|x| x.layouts.len()).sum()),
            remembered_fields: state.map_or(0, |s| {
                s.suppliers
                    .iter()
                    .flat_map(|x| &x.layouts)
                    .map(|l| l.fields.len())
                    .sum()
            }),
            reranker_updates: state.map_or(0, |s| s.reranker.updates),
            examples: state.map_or(0, |s| s.examples),
            replay_docs: self.store.replay_set(REPLAY_LIMIT).await?.len(),
        })
    }

    pub async fn learned_versions(&self) -> Result<Vec<LearnedVersion>, ApiError> {
        Ok(self.store.learned_versions().await?)
    }

    /// Makes an earlier (or later) version serve; every version stays stored.
    pub async fn rollback_learned(&self, version: u64, user: &str) -> Result<(), ApiError> {
        let json = self.store.learned_state(version).await?;
        let state = LearningState::import(&json).map_err(internal)?;
        self.store.set_learned_serving(version, user).await?;
        tracing::warn!(version, user, "learned state rolled back");
        self.learned
            .set(Some(Arc::new(LearnedSnapshot { version, state })));
        Ok(())
    }

    /// Writes the serving state as a shareable file (no values, amounts or names).
    pub async fn export_learned(&self, path: &Path) -> Result<PathBuf, ApiError> {
        let state = self
            .learned
            .snapshot()
            .map(|s| s.state.clone())
            .unwrap_or_default();
        let text = state.export().map_err(internal)?;
        std::fs::write(path, text)
            .map_err(|e| ApiError::new("io", format!("{}: {e}", path.display())))?;
        Ok(path.to_path_buf())
    }

    /// Merges the supplier memories of an exported file into a new version, which serves
    /// unless the shadow evaluation finds it worse.
    pub async fn import_learned(&self, path: &Path, user: &str) -> Result<LearnOutcome, ApiError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ApiError::new("io", format!("{}: {e}", path.display())))?;
        let other =
            LearningState::import(&text).map_err(|e| ApiError::new("bad_state", e.to_string()))?;
        let serving = self.learned.snapshot();
        let mut state = serving
            .as_ref()
            .map(|s| s.state.clone())
            .unwrap_or_default();
        let added = state.merge_suppliers(&other);
        let replay: Vec<ReplayDoc> = self
            .replay_docs()
            .await?
            .into_iter()
            .map(|(_, d)| d)
            .collect();
        let engine = self.engine()?.clone();
        let candidate = LearnedSnapshot {
            version: 0,
            state: state.clone(),
        };
        let t = Instant::now();
        let (s, c) = {
            let serving_ref: Option<&dyn LearnedState> =
                serving.as_deref().map(|s| s as &dyn LearnedState);
            (
                replay_accuracy(&replay, &|d| predict_fields(&engine, d, serving_ref)),
                replay_accuracy(&replay, &|d| predict_fields(&engine, d, Some(&candidate))),
            )
        };
        let shadow_ms = t.elapsed().as_secs_f64() * 1000.0;
        let worse = matches!((c, s), (Some(c), Some(s)) if c + 1e-9 < s);
        let reason = format!(
            "{} import of {} layouts from {}",
            if worse { "not promoted:" } else { "promoted:" },
            added,
            path.display()
        );
        let json = state.export_full().map_err(internal)?;
        let version = self
            .store
            .record_learned_version(&NewLearnedVersion {
                parent: serving.as_ref().map(|s| s.version),
                status: if worse { "rejected" } else { "imported" },
                reason: &reason,
                document: None,
                user,
                score_parent: s,
                score_candidate: c,
                replay_docs: replay.len() as u32,
                state_json: &json,
                serve: !worse,
            })
            .await?;
        if !worse {
            self.learned
                .set(Some(Arc::new(LearnedSnapshot { version, state })));
        }
        Ok(LearnOutcome {
            document: String::new(),
            version: Some(version),
            promoted: !worse,
            reason,
            update: UpdateReport::default(),
            score_serving: s,
            score_candidate: c,
            replay_docs: replay.len(),
            learn_ms: 0.0,
            shadow_ms,
        })
    }
}
