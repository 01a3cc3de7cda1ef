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
    ContentHash, DocType, DocumentResult, FileKind, InvoiceSubtype, Page, Route, Stage,
    StageTimings, Versions,
};
use sapllm_document::DocumentError;
use sapllm_document::einvoice::{EINVOICE_READER_VERSION, EInvoice};

use crate::config::PipelineConfig;
use crate::extraction::{Extraction, ExtractionInput, FieldExtractor};
use crate::inbox::{self, InboxOutcome, Received};
use crate::preprocessing::{self, PdfReader, PreprocessOptions};
use crate::prior::PriorDocuments;
use crate::text::folded_lines;
use crate::{
    classification, doc_features, locate, quality_check, routing, type_identification, validation,
};

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
#[derive(Clone)]
pub struct Pipeline {
    config: PipelineConfig,
    reader: Arc<dyn PdfReader>,
    extractor: Arc<dyn FieldExtractor>,
    clock: Arc<dyn Clock>,
    classifiers: Classifiers,
    learned: Option<Arc<dyn crate::learned::LearnedSource>>,
}

/// Trained classifiers that refine the rule decisions of classification and type
/// identification (see [`crate::doc_features`]); absent ones leave the rules alone.
#[derive(Debug, Clone, Default)]
pub struct Classifiers {
    pub doctype: Option<Arc<dyn sapllm_ml::Model>>,
    pub subtype: Option<Arc<dyn sapllm_ml::Model>>,
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
            classifiers: Classifiers::default(),
            learned: None,
        }
    }

    /// The same pipeline reading what was learned from corrections from `source`.
    pub fn with_learned(mut self, source: Arc<dyn crate::learned::LearnedSource>) -> Self {
        self.learned = Some(source);
        self
    }

    /// The same pipeline with trained classifiers for document type and subtype.
    pub fn with_classifiers(mut self, classifiers: Classifiers) -> Self {
        self.classifiers = classifiers;
        self
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
        if let Some(m) = &self.classifiers.doctype {
            v.insert("classification.model".into(), m.spec().label());
        }
        if let Some(m) = &self.classifiers.subtype {
            v.insert("type_identification.model".into(), m.spec().label());
        }
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
        let mut doc_type = classification::classify(&prepared, &lines);
        if let (Some(m), None) = (&self.classifiers.doctype, &prepared.einvoice) {
            let features = doc_features::doctype_features(&prepared.pages, &doc_type);
            doc_type = doc_features::combine(
                m.as_ref(),
                &features,
                doc_type,
                |s| s.parse().ok(),
                |t: DocType| t.as_str(),
            );
        }
        lap(Stage::Classification, &mut timings);

        // 5. Extraction (before 4, see the module docs).
        let exact = prepared.einvoice.is_some();
        let learned = self.learned.as_ref().and_then(|s| s.current());
        let mut extraction = match &prepared.einvoice {
            Some(inv) => {
                let mut x = from_einvoice(inv);
                locate::locate_values(&mut x, &prepared.pages);
                x
            }
            None => {
                let mut x = self.extractor.extract(&ExtractionInput {
                    pages: &prepared.pages,
                    doc_type: doc_type.value,
                    learned: learned.as_deref(),
                });
                if let Some(l) = &learned {
                    let recalled = l.recall(&prepared.pages, &x);
                    crate::learned::merge_recalled(&mut x, recalled);
                }
                x
            }
        };
        lap(Stage::Extraction, &mut timings);

        // 4. Type identification.
        let mut subtype = type_identification::identify(
            &doc_type,
            &prepared,
            &lines,
            &extraction,
            self.config.thresholds.small_amount_limit,
        );
        if let (Some(m), Some(rule), None) = (
            &self.classifiers.subtype,
            subtype.clone(),
            &prepared.einvoice,
        ) {
            let features = doc_features::subtype_features(
                &prepared.pages,
                &doc_type,
                Some(&rule),
                &extraction,
            );
            subtype = Some(doc_features::combine(
                m.as_ref(),
                &features,
                rule,
                |s| s.parse().ok(),
                |t: InvoiceSubtype| t.as_str(),
            ));
        }
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
            versions: {
                let mut v = self.versions();
                if let (Some(l), false) = (&learned, exact) {
                    v.insert("learned".into(), l.label());
                }
                v.extend(preprocessing::ocr_version(&prepared, self.reader.as_ref()));
                v
            },
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

/// What the trained models see of one document, for writing training tables.
#[derive(Debug, Clone)]
pub struct TrainingRows {
    /// Rule decision and the document-type feature row.
    pub rule_doc_type: DocType,
    pub doctype_features: Vec<f32>,
    /// Rule subtype and the subtype feature row (payables only).
    pub rule_subtype: Option<InvoiceSubtype>,
    pub subtype_features: Option<Vec<f32>>,
    /// Candidate groups with their ranker features.
    pub candidates: Vec<crate::extraction::CandidateRow>,
    /// Whether the document carried an e-invoice (its values are exact, not ranked).
    pub einvoice: bool,
}

impl Pipeline {
    /// Runs preprocessing, the rule classifier and the rule extractor on `bytes` and returns
    /// the feature rows the trained models are fed with — the very functions `process` uses.
    pub fn training_rows(
        &self,
        bytes: &[u8],
        ignore_embedded: bool,
    ) -> Result<TrainingRows, Failure> {
        let fail = |stage, kind, error| Failure {
            stage,
            hash: None,
            kind,
            error,
        };
        let received =
            match inbox::intake(bytes, &self.config.limits, &crate::prior::NoPriorDocuments) {
                Ok(InboxOutcome::New(r)) | Ok(InboxOutcome::AlreadyKnown { received: r, .. }) => r,
                Err(e) => return Err(fail(Stage::Inbox, None, e)),
            };
        let prepared = preprocessing::preprocess(
            bytes,
            received.kind,
            self.reader.as_ref(),
            PreprocessOptions { ignore_embedded },
        )
        .map_err(|e| fail(Stage::Preprocessing, Some(received.kind), e))?;
        let lines = folded_lines(&prepared.pages);
        let doc_type = classification::classify(&prepared, &lines);
        let input = ExtractionInput {
            pages: &prepared.pages,
            doc_type: doc_type.value,
            learned: None,
        };
        let candidates = crate::extraction::candidate_rows(&input);
        let extraction = crate::extraction::RuleExtractor::default().extract(&input);
        let subtype = type_identification::identify(
            &doc_type,
            &prepared,
            &lines,
            &extraction,
            self.config.thresholds.small_amount_limit,
        );
        let subtype_features = subtype.as_ref().map(|s| {
            doc_features::subtype_features(&prepared.pages, &doc_type, Some(s), &extraction)
        });
        Ok(TrainingRows {
            rule_doc_type: doc_type.value,
            doctype_features: doc_features::doctype_features(&prepared.pages, &doc_type),
            rule_subtype: subtype.map(|s| s.value),
            subtype_features,
            candidates,
            einvoice: prepared.einvoice.is_some(),
        })
    }
}

impl Pipeline {
    /// The extraction stage alone on pages already read, with a given learned state (shadow
    /// evaluation compares learned-state versions on the same pages this way).
    pub fn extract_with(
        &self,
        pages: &[Page],
        doc_type: DocType,
        learned: Option<&dyn crate::learned::LearnedState>,
    ) -> Extraction {
        let mut x = self.extractor.extract(&ExtractionInput {
            pages,
            doc_type,
            learned,
        });
        if let Some(l) = learned {
            let recalled = l.recall(pages, &x);
            crate::learned::merge_recalled(&mut x, recalled);
        }
        x
    }

    /// The extractor's score for candidate-group rows (the trained ranker's probability, or
    /// the rule confidence when the extractor is the rules alone): the base the learned
    /// re-ranker corrects.
    pub fn base_scores(&self, rows: &[crate::extraction::CandidateRow]) -> Vec<f32> {
        self.extractor.score_rows(rows)
    }
}
