//! The pipeline: runs the eight stages on one document, timing each, and assembles the
//! [`DocumentResult`].
//!
//! Order of execution: inbox → preprocessing → classification → extraction → type
//! identification → quality check → validation → routing. Type identification runs on the
//! extraction's output because two of its kinds of evidence are extracted values (a PO number
//! makes an invoice PO-based, the gross amount makes it a small-amount invoice); nothing in
//! extraction depends on the subtype.

use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use sapllm_core::{
    ContentHash, DocumentResult, FileKind, Page, Route, Stage, StageTimings, Versions,
};
use sapllm_document::DocumentError;
use sapllm_document::einvoice::{EINVOICE_READER_VERSION, EInvoice};

use crate::config::PipelineConfig;
use crate::extraction::{Extraction, ExtractionInput, FieldExtractor};
use crate::inbox::{self, InboxOutcome, Received};
use crate::preprocessing::{self, PdfReader, PreprocessOptions};
use crate::prior::PriorDocuments;
use crate::text::folded_lines;
use crate::{classification, locate, quality_check, routing, type_identification, validation};

/// Today's date, injected so that date rules are testable and results reproducible.
pub trait Clock: Send + Sync {
    fn today(&self) -> NaiveDate;
}

/// The wall clock (local date).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn today(&self) -> NaiveDate {
        chrono::Local::now().date_naive()
    }
}

/// A fixed date (tests, reproducible evaluations).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub NaiveDate);

impl Clock for FixedClock {
    fn today(&self) -> NaiveDate {
        self.0
    }
}

/// Options of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Read e-invoice PDFs from their printed page only.
    pub ignore_embedded: bool,
    /// Process even when the same bytes were processed before.
    pub reprocess: bool,
}

/// A processed document.
#[derive(Debug, Clone)]
pub struct Processed {
    pub received: Received,
    pub result: DocumentResult,
    /// The pages as read (words and lines), for overlays and learning.
    pub pages: Vec<Page>,
}

/// What the pipeline says about one input.
#[derive(Debug)]
pub enum Outcome {
    Processed(Box<Processed>),
    /// The same bytes were seen before and `reprocess` was off.
    AlreadyKnown {
        received: Received,
        status: String,
    },
}

/// A document that could not be processed, with the stage where it stopped.
#[derive(Debug, thiserror::Error)]
#[error("{stage:?}: {error}")]
pub struct Failure {
    pub stage: Stage,
    pub hash: Option<ContentHash>,
    pub kind: Option<FileKind>,
    #[source]
    pub error: DocumentError,
}

impl Failure {
    pub fn code(&self) -> &'static str {
        self.error.code()
    }
}

/// The eight stages with their collaborators.
pub struct Pipeline {
    config: PipelineConfig,
    reader: Arc<dyn PdfReader>,
    extractor: Arc<dyn FieldExtractor>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("extractor", &self.extractor.name())
            .finish()
    }
}

impl Pipeline {
    pub fn new(
        config: PipelineConfig,
        reader: Arc<dyn PdfReader>,
        extractor: Arc<dyn FieldExtractor>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            config,
            reader,
            extractor,
            clock,
        }
    }

    pub fn config(&self) -> &PipelineConfig {
        &self.config
    }

    /// Versions of every rule set and model that this pipeline applies.
    pub fn versions(&self) -> Versions {
        let mut v = Versions::new();
        v.insert(
            "classification".into(),
            classification::CLASSIFIER_VERSION.into(),
        );
        v.insert(
            "type_identification".into(),
            type_identification::SUBTYPE_VERSION.into(),
        );
        v.insert(
            "extraction".into(),
            format!("{}/{}", self.extractor.name(), self.extractor.version()),
        );
        v.insert(
            "einvoice".into(),
            format!("einvoice/{EINVOICE_READER_VERSION}"),
        );
        v.insert(
            "quality_check".into(),
            quality_check::QUALITY_VERSION.into(),
        );
        v.insert("validation".into(), validation::VALIDATION_VERSION.into());
        v.insert("routing".into(), routing::ROUTING_VERSION.into());
        v
    }

    /// Runs all stages on `bytes`.
    pub fn process(
        &self,
        bytes: &[u8],
        prior: &dyn PriorDocuments,
        options: RunOptions,
    ) -> Result<Outcome, Failure> {
        let mut timings = StageTimings::new();
        let mut clock = Instant::now();
        let mut lap = |stage: Stage, timings: &mut StageTimings| {
            let now = Instant::now();
            timings.insert(stage, now.duration_since(clock).as_micros() as u64);
            clock = now;
        };

        // 1. Inbox.
        let fail = |stage, hash: Option<&ContentHash>, kind, error| Failure {
            stage,
            hash: hash.cloned(),
            kind,
            error,
        };
        let received = match inbox::intake(bytes, &self.config.limits, prior) {
            Ok(InboxOutcome::New(r)) => r,
            Ok(InboxOutcome::AlreadyKnown { received, status }) if !options.reprocess => {
                return Ok(Outcome::AlreadyKnown { received, status });
            }
            Ok(InboxOutcome::AlreadyKnown { received, .. }) => received,
            Err(e) => return Err(fail(Stage::Inbox, None, None, e)),
        };
        lap(Stage::Inbox, &mut timings);

        // 2. Preprocessing.
        let prepared = preprocessing::preprocess(
            bytes,
            received.kind,
            self.reader.as_ref(),
            PreprocessOptions {
                ignore_embedded: options.ignore_embedded,
            },
        )
        .map_err(|e| {
            fail(
                Stage::Preprocessing,
                Some(&received.hash),
                Some(received.kind),
                e,
            )
        })?;
        let mut findings = prepared.findings.clone();
        let lines = folded_lines(&prepared.pages);
        lap(Stage::Preprocessing, &mut timings);

        // 3. Classification.
        let doc_type = classification::classify(&prepared, &lines);
        lap(Stage::Classification, &mut timings);

        // 5. Extraction (before 4, see the module docs).
        let exact = prepared.einvoice.is_some();
        let mut extraction = match &prepared.einvoice {
            Some(inv) => {
                let mut x = from_einvoice(inv);
                locate::locate_values(&mut x, &prepared.pages);
                x
            }
            None => self.extractor.extract(&ExtractionInput {
                pages: &prepared.pages,
                doc_type: doc_type.value,
            }),
        };
        lap(Stage::Extraction, &mut timings);

        // 4. Type identification.
        let subtype = type_identification::identify(
            &doc_type,
            &prepared,
            &lines,
            &extraction,
            self.config.thresholds.small_amount_limit,
        );
        lap(Stage::TypeIdentification, &mut timings);

        // 6. Quality check.
        findings.extend(quality_check::check(
            &mut extraction,
            doc_type.value,
            exact,
            &self.config.thresholds,
        ));
        lap(Stage::QualityCheck, &mut timings);

        // 7. Validation.
        findings.extend(validation::validate(
            &extraction,
            doc_type.value,
            &received.hash,
            prior,
            self.clock.today(),
            &self.config.thresholds,
        ));
        lap(Stage::Validation, &mut timings);

        // 8. Routing.
        let route: Route = routing::route(
            &doc_type,
            &extraction.fields,
            exact,
            &mut findings,
            &self.config,
        );
        lap(Stage::Routing, &mut timings);

        let result = DocumentResult {
            hash: received.hash.clone(),
            file_kind: received.kind,
            page_count: prepared.page_count(),
            from_einvoice: exact,
            doc_type,
            subtype,
            fields: extraction.fields,
            line_items: extraction.line_items,
            vat_breakdown: extraction.vat_breakdown,
            findings,
            route,
            versions: self.versions(),
            timings_us: timings,
        };
        Ok(Outcome::Processed(Box::new(Processed {
            received,
            result,
            pages: prepared.pages,
        })))
    }
}

/// E-invoice values are exact: they become the extraction as they are.
fn from_einvoice(inv: &EInvoice) -> Extraction {
    Extraction {
        fields: inv.fields.clone(),
        line_items: inv.line_items.clone(),
        vat_breakdown: inv.vat_breakdown.clone(),
        language: None,
    }
}
