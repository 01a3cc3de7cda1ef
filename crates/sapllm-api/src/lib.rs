//! Use cases of SAP_LLM Desktop and their DTOs — the only surface the CLI and the app call.
//!
//! - [`Engine`]: the pipeline with its collaborators (PDFium, extractor, clock, config), no
//!   store: used by evaluation and benchmarks, which must not touch the clerk's data.
//! - [`Api`]: the engine plus the store: process files (intake, dedup, results, failures,
//!   audit), the queue, the document view.
//! - [`eval`] and [`bench`]: scoring against ground truth and timing per stage.
//!
//! Errors cross this boundary as [`ApiError`] `{ code, message }`, whose codes callers branch on.

pub mod bench;
pub mod eval;
pub mod fuzz;
mod idoc;
mod inputs;
pub mod learn_replay;
pub mod learning;
mod master_data;
pub mod models;
pub mod posting;
pub mod prefetch;
mod prior;
mod process;
pub mod review;
pub mod train_data;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sapllm_document::pdf::PdfEngine;
use sapllm_document::worker::{ReaderPool, ReaderPoolConfig};
use sapllm_pipeline::extraction::FieldExtractor;
use sapllm_pipeline::pipeline::{Classifiers, Clock, Pipeline, SystemClock};
use sapllm_pipeline::preprocessing::WithOcr;
use sapllm_store::Store;
use serde::{Deserialize, Serialize};

pub use idoc::IdocTarget;
pub use inputs::collect_inputs;
pub use posting::{ApprovalOutcome, PostReport, PostingStatus, PostingView, SapSettings};
pub use process::{BatchSummary, ItemOutcome, ItemStatus, KeyField, Progress};
pub use review::{
    AlternativeView, AppSettings, BatchSummaryDto, BoxDto, CellView, CorrectionRequest,
    CorrectionSourceDto, CorrectionTargetDto, CorrectionView, FieldView, FindingView, LineItemView,
    PageInfo, ProcessProgress, QueueCounts, QueueQuery, QueueRow, ReviewDocument, SapSettingsView,
    ValueCheck, WordView,
};
pub use sapllm_pipeline::config::{ExtractorKind, ModelChoice, PipelineConfig};
pub use sapllm_pipeline::pipeline::RunOptions;
pub use sapllm_store::{
    AuditEvent, DocumentFilter, DocumentRow, DocumentSort, DocumentStatus, DocumentSummary,
};

/// An error as the UI and the CLI see it: a stable code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} [{code}]")]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl From<sapllm_store::StoreError> for ApiError {
    fn from(e: sapllm_store::StoreError) -> Self {
        let code = if e.is_not_found() {
            "not_found"
        } else {
            "store"
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<sapllm_document::DocumentError> for ApiError {
    fn from(e: sapllm_document::DocumentError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

/// Where things are and which configuration applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// Explicit PDFium library path (else the resolver's search order applies).
    pub pdfium_path: Option<PathBuf>,
    /// Pipeline configuration file (default: `<data_dir>/pipeline.toml`, else built-in).
    pub config_path: Option<PathBuf>,
    /// Where PDFs are read: in this process, or in crash-isolated worker processes.
    pub reader: ReaderMode,
}

/// Where PDFs are read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum ReaderMode {
    /// In this process (tests, evaluation of trusted sets): no isolation, no parallelism.
    #[default]
    InProcess,
    /// In `workers` child processes started as `program args…` (e.g. `sapllm worker`): a
    /// crash or hang fails one document; documents of a batch are read in parallel.
    Workers {
        program: PathBuf,
        args: Vec<String>,
        workers: usize,
        timeout_secs: u64,
    },
}

impl Settings {
    /// Settings for a data folder, everything else default.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            pdfium_path: None,
            config_path: None,
            reader: ReaderMode::InProcess,
        }
    }

    /// Data folder from `SAPLLM_DATA_DIR` or the OS convention; PDFium from the resolver.
    pub fn from_env() -> Result<Self, ApiError> {
        Ok(Self::new(sapllm_store::default_data_dir()?))
    }

    /// How many documents a batch processes at once.
    pub fn parallelism(&self) -> usize {
        match &self.reader {
            ReaderMode::InProcess => 1,
            ReaderMode::Workers { workers, .. } => (*workers).max(1),
        }
    }

    pub fn pipeline_config(&self) -> Result<PipelineConfig, ApiError> {
        let path = self
            .config_path
            .clone()
            .unwrap_or_else(|| self.data_dir.join("pipeline.toml"));
        PipelineConfig::load_or_default(&path).map_err(|e| ApiError::new("config", e.to_string()))
    }
}

/// The pipeline with its collaborators; cheap to clone.
#[derive(Clone, Debug)]
pub struct Engine {
    pipeline: Arc<Pipeline>,
    ocr: OcrStatus,
}

/// Whether OCR is plugged in, and if not, why.
#[derive(Clone, Debug)]
pub enum OcrStatus {
    Ready(Arc<sapllm_ml::ocr::OcrEngine>),
    /// Switched off with `SAPLLM_OCR_MODEL=off`.
    Off,
    /// Models or ONNX Runtime missing (or broken): scans go to review with `needs_ocr`.
    Unavailable {
        code: String,
        message: String,
    },
}

/// Every model of the catalog and where it was found (or why not), for `doctor`.
pub fn ocr_catalog() -> Vec<(String, Result<String, String>)> {
    let catalog = sapllm_ml::catalog::Catalog::discover(None);
    sapllm_ml::catalog::model_names()
        .into_iter()
        .map(|name| {
            let found = catalog
                .find(&name)
                .map(|m| {
                    format!(
                        "{} ({:.1} MB from {}, found: {:?}, checksums match the pins)",
                        m.dir.display(),
                        m.bytes as f64 / 1e6,
                        m.source,
                        m.origin
                    )
                })
                .map_err(|e| e.to_string());
            (name, found)
        })
        .collect()
}

/// Hands the data folder's stored execution provider to ONNX Runtime; call it before anything
/// loads a model (it is taken once per process).
pub fn prefer_stored_provider(settings: &Settings) {
    review::prefer_stored_provider(settings);
}

/// The OCR engine an engine built with `settings` uses: the stored choice of the data folder's
/// `app.toml` (OCR model, threads), overridden by `SAPLLM_OCR_MODEL` = `fast` (default,
/// PP-OCRv6 tiny), `accurate` (PP-OCRv6 small), a catalog name, or `off`, and
/// `SAPLLM_OCR_THREADS`; `SAPLLM_MODELS_DIR` = models folder (catalog search order).
pub fn ocr_status(settings: &Settings) -> OcrStatus {
    review::prefer_stored_provider(settings);
    review::ocr_for(settings)
}

impl Engine {
    /// Builds the engine: binds PDFium, loads the configuration, picks the rule extractor.
    pub fn new(settings: &Settings) -> Result<Self, ApiError> {
        let config = settings.pipeline_config()?;
        Self::with_model_choice(settings, &config.models)
    }

    /// Builds the engine with the extractor and classifiers of `choice` (evaluation compares
    /// the ranked extractor with the rules in one run this way).
    pub fn with_model_choice(
        settings: &Settings,
        choice: &sapllm_pipeline::config::ModelChoice,
    ) -> Result<Self, ApiError> {
        review::prefer_stored_provider(settings);
        let (extractor, classifiers) = models::chosen(choice);
        Self::build(settings, extractor, classifiers, Arc::new(SystemClock))
    }

    /// Builds the engine with a given extractor and clock (tests, model comparison).
    pub fn with_parts(
        settings: &Settings,
        extractor: Arc<dyn FieldExtractor>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ApiError> {
        Self::build(settings, extractor, Classifiers::default(), clock)
    }

    fn build(
        settings: &Settings,
        extractor: Arc<dyn FieldExtractor>,
        classifiers: Classifiers,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ApiError> {
        let config = settings.pipeline_config()?;
        let reader: Arc<dyn sapllm_pipeline::preprocessing::PdfReader> = match &settings.reader {
            ReaderMode::InProcess => Arc::new(PdfReaderRef(PdfEngine::global(
                settings.pdfium_path.as_deref(),
            )?)),
            ReaderMode::Workers {
                program,
                args,
                workers,
                timeout_secs,
            } => {
                let mut pool = ReaderPoolConfig::new(program.clone(), args.clone());
                pool.workers = (*workers).max(1);
                pool.timeout = std::time::Duration::from_secs(*timeout_secs);
                if let Some(p) = &settings.pdfium_path {
                    pool.env
                        .push(("SAPLLM_PDFIUM_LIB".into(), p.display().to_string()));
                }
                Arc::new(PoolReader(ReaderPool::new(pool)))
            }
        };
        // OCR for scans and images when its models are installed; without them scans go to
        // review with `needs_ocr`, as before. Pages are rendered by the same reader that read
        // them (in a worker process when workers are configured).
        let ocr = review::ocr_for(settings);
        let reader: Arc<dyn sapllm_pipeline::preprocessing::PdfReader> = match &ocr {
            OcrStatus::Ready(engine) => Arc::new(WithOcr::new(reader, engine.clone())),
            _ => reader,
        };
        Ok(Self {
            pipeline: Arc::new(
                Pipeline::new(config, reader, extractor, clock).with_classifiers(classifiers),
            ),
            ocr,
        })
    }

    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The same engine reading what was learned from `source` (the API's serving state).
    pub fn with_learned(self, source: Arc<dyn sapllm_pipeline::learned::LearnedSource>) -> Self {
        let pipeline =
            Arc::try_unwrap(self.pipeline).unwrap_or_else(|shared| shared.as_ref().clone());
        Self {
            pipeline: Arc::new(pipeline.with_learned(source)),
            ocr: self.ocr,
        }
    }

    /// Whether OCR is plugged in (for `doctor` and `bench`).
    pub fn ocr(&self) -> &OcrStatus {
        &self.ocr
    }
}

/// Worker processes as a pipeline reader.
struct PoolReader(ReaderPool);

impl sapllm_pipeline::preprocessing::PdfReader for PoolReader {
    fn read_pdf(
        &self,
        bytes: &[u8],
    ) -> Result<sapllm_document::pdf::PdfContent, sapllm_document::DocumentError> {
        self.0.read_pdf(bytes)
    }

    /// Rendering for OCR also happens in a worker: a scan that crashes PDFium while being
    /// rendered fails alone, like one that crashes it while being read.
    fn render_page(
        &self,
        bytes: &[u8],
        page_index: u32,
        dpi: f32,
    ) -> Result<image::RgbImage, sapllm_document::DocumentError> {
        self.0.render_page(bytes, page_index, dpi)
    }
}

/// The process-wide PDFium engine as a pipeline reader.
struct PdfReaderRef(&'static PdfEngine);

impl sapllm_pipeline::preprocessing::PdfReader for PdfReaderRef {
    fn read_pdf(
        &self,
        bytes: &[u8],
    ) -> Result<sapllm_document::pdf::PdfContent, sapllm_document::DocumentError> {
        self.0.read(bytes)
    }

    fn render_page(
        &self,
        bytes: &[u8],
        page_index: u32,
        dpi: f32,
    ) -> Result<image::RgbImage, sapllm_document::DocumentError> {
        self.0.render_page(bytes, page_index, dpi)
    }
}

/// The engine plus the store. The engine (and so PDFium) is bound on first use: looking at
/// the queue or a stored document needs neither.
#[derive(Debug, Clone)]
pub struct Api {
    settings: Settings,
    engine: Arc<std::sync::OnceLock<Engine>>,
    /// An SAP secret given for this session only (e.g. on standard input); never stored.
    session_secret: Arc<std::sync::Mutex<Option<sapllm_sap::Secret>>>,
    store: Store,
    /// The serving learned state, read by the engine's pipeline.
    learned: Arc<learning::ServingLearned>,
    /// Identifies this process's session for the learning caps.
    session_id: String,
}

fn new_session_id() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_millis()
    )
}

/// Everything the document view shows.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub document: DocumentRow,
    pub file_names: Vec<String>,
    pub result_version: Option<u32>,
    pub result: Option<sapllm_core::DocumentResult>,
    pub versions: Vec<u32>,
    pub audit: Vec<AuditEvent>,
    /// The SAP posting, once approved (SAP's document number and fiscal year when posted).
    pub posting: Option<PostingView>,
}

impl Api {
    pub async fn open(settings: &Settings) -> Result<Self, ApiError> {
        let store = Store::open(&settings.data_dir).await?;
        let api = Self {
            settings: settings.clone(),
            engine: Arc::default(),
            session_secret: Arc::default(),
            store,
            learned: Arc::default(),
            session_id: new_session_id(),
        };
        api.load_learned().await?;
        Ok(api)
    }

    /// Uses `secret` for SAP in this session instead of the keyring's (it is never stored).
    pub fn set_session_secret(&self, secret: sapllm_sap::Secret) {
        if let Ok(mut s) = self.session_secret.lock() {
            *s = Some(secret);
        }
    }

    pub(crate) fn session_secret(&self) -> Option<sapllm_sap::Secret> {
        self.session_secret.lock().ok().and_then(|s| s.clone())
    }

    /// An API over a given engine and store (tests, other front ends).
    pub fn from_parts(settings: Settings, engine: Engine, store: Store) -> Self {
        let learned: Arc<learning::ServingLearned> = Arc::default();
        let engine = engine.with_learned(learned.clone());
        let cell = std::sync::OnceLock::new();
        let _ = cell.set(engine);
        Self {
            settings,
            engine: Arc::new(cell),
            session_secret: Arc::default(),
            store,
            learned,
            session_id: new_session_id(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The engine, built on first use.
    pub fn engine(&self) -> Result<&Engine, ApiError> {
        if let Some(e) = self.engine.get() {
            return Ok(e);
        }
        let built = Engine::new(&self.settings)?.with_learned(self.learned.clone());
        Ok(self.engine.get_or_init(|| built))
    }

    /// Processes files and folders (walked recursively), one document at a time, reporting
    /// progress. A bad document fails alone; the batch always finishes.
    pub async fn process_paths(
        &self,
        paths: &[PathBuf],
        options: RunOptions,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<BatchSummary, ApiError> {
        let engine = self.engine()?.clone();
        Ok(process::process_paths(
            self,
            &engine,
            paths,
            options,
            self.settings.parallelism(),
            progress,
        )
        .await)
    }

    /// The full view of one document, by hash or a unique hash prefix.
    pub async fn show(&self, id: &str) -> Result<DocumentView, ApiError> {
        let hash = self.store.find_by_prefix(id).await?;
        let document = self.store.document(&hash).await?;
        let file_names = self
            .store
            .file_names(&hash)
            .await?
            .into_iter()
            .map(|n| n.file_name)
            .collect();
        let latest = self.store.latest_result(&hash).await?;
        let versions = self
            .store
            .result_versions(&hash)
            .await?
            .into_iter()
            .map(|v| v.version)
            .collect();
        let audit = self.store.audit_trail(&hash).await?;
        let posting = self.posting_of(&hash).await?;
        let (result_version, result) = match latest {
            Some((v, r)) => (Some(v), Some(r)),
            None => (None, None),
        };
        Ok(DocumentView {
            document,
            file_names,
            result_version,
            result,
            versions,
            audit,
            posting,
        })
    }

    /// The queue.
    pub async fn queue(&self, filter: &DocumentFilter) -> Result<Vec<DocumentSummary>, ApiError> {
        Ok(self.store.list_documents(filter).await?)
    }
}

/// The data folder and what it holds, for `doctor`.
pub fn describe_path(p: &Path) -> String {
    if p.exists() {
        format!("{} (exists)", p.display())
    } else {
        format!("{} (will be created)", p.display())
    }
}
