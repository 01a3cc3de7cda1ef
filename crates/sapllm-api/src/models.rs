//! The trained models of the engine (ranker, document-type and subtype classifiers): loaded
//! once per process from the trained-model folder, each verified by checksum. A missing or
//! broken model is reported (doctor) and the rules stand in for it, so that a workstation
//! without them still processes documents.

use std::sync::{Arc, OnceLock};

use sapllm_ml::Model;
use sapllm_ml::tabular::OnnxModel;
use sapllm_pipeline::config::{ExtractorKind, ModelChoice};
use sapllm_pipeline::doc_features::DOC_FEATURE_VERSION;
use sapllm_pipeline::extraction::{
    FEATURE_VERSION, FieldExtractor, RankedExtractor, RuleExtractor,
};
use sapllm_pipeline::pipeline::Classifiers;

/// One model's state.
#[derive(Debug, Clone)]
pub enum ModelStatus {
    Ready(Arc<dyn Model>),
    Unavailable { code: String, message: String },
}

impl ModelStatus {
    pub fn model(&self) -> Option<Arc<dyn Model>> {
        match self {
            ModelStatus::Ready(m) => Some(m.clone()),
            ModelStatus::Unavailable { .. } => None,
        }
    }

    /// `name/version (features, classes)` or why it is not there.
    pub fn describe(&self) -> Result<String, String> {
        match self {
            ModelStatus::Ready(m) => Ok(format!(
                "{} ({} features, {} classes)",
                m.spec().label(),
                m.spec().features,
                m.spec().classes.len()
            )),
            ModelStatus::Unavailable { code, message } => Err(format!("{message} [{code}]")),
        }
    }
}

/// The three trained models.
#[derive(Debug, Clone)]
pub struct TrainedModels {
    pub ranker: ModelStatus,
    pub doctype: ModelStatus,
    pub subtype: ModelStatus,
}

fn load(name: &str, feature_version: u32, threads: usize) -> ModelStatus {
    match OnnxModel::find(name, None, feature_version, threads) {
        Ok(m) => {
            tracing::info!(model = %m.spec().label(), "trained model loaded");
            ModelStatus::Ready(Arc::new(m))
        }
        Err(e) => {
            tracing::warn!("trained model {name} unavailable, rules stand in: {e}");
            ModelStatus::Unavailable {
                code: e.code().to_owned(),
                message: e.to_string(),
            }
        }
    }
}

static MODELS: OnceLock<TrainedModels> = OnceLock::new();

/// The trained models, loaded on first use (thread count of the first caller).
pub fn trained_models(threads: usize) -> &'static TrainedModels {
    MODELS.get_or_init(|| TrainedModels {
        ranker: load("ranker", FEATURE_VERSION, threads),
        doctype: load("doctype", DOC_FEATURE_VERSION, threads),
        subtype: load("subtype", DOC_FEATURE_VERSION, threads),
    })
}

/// The extractor and classifiers the configuration asks for, with the rules standing in for
/// whatever is not installed.
pub fn chosen(choice: &ModelChoice) -> (Arc<dyn FieldExtractor>, Classifiers) {
    let wants_models = choice.extractor == ExtractorKind::Ranked || choice.classifiers;
    if !wants_models {
        return (Arc::new(RuleExtractor::default()), Classifiers::default());
    }
    let models = trained_models(choice.threads);
    let extractor: Arc<dyn FieldExtractor> = match (choice.extractor, models.ranker.model()) {
        (ExtractorKind::Ranked, Some(m)) => Arc::new(RankedExtractor::new(m)),
        _ => Arc::new(RuleExtractor::default()),
    };
    let classifiers = if choice.classifiers {
        Classifiers {
            doctype: models.doctype.model(),
            subtype: models.subtype.model(),
        }
    } else {
        Classifiers::default()
    };
    (extractor, classifiers)
}

/// The execution provider ONNX Runtime runs on (with any fallback), for `doctor`.
pub fn runtime_provider() -> Result<String, String> {
    sapllm_ml::runtime::init(None)
        .map(|i| i.provider.describe())
        .map_err(|e| e.to_string())
}
