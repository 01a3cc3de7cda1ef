//! The review use cases of the desktop app (and of any other front end): the queue with its
//! counts, one document as the review screen shows it (fields with boxes, the "why" of every
//! value, line items, findings, corrections), page images and words, corrections with
//! re-validation, as-you-type value checks, and the app's settings.
//!
//! The DTOs are plain serde structs with snake_case JSON names; with the feature `specta` they
//! also derive `specta::Type`, from which the app's TypeScript bindings are generated.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sapllm_core::{
    BBox, Candidate, Cell, ContentHash, Correction, CorrectionSource, CorrectionTarget,
    DocumentResult, ExtractedField, FieldKey, FieldValue, FileKind, Finding, LineItem, LineKey,
    Page, Producer, Provenance, Severity, SourceKind, ValueKind,
};
use sapllm_document::pdf::PdfEngine;
use sapllm_pipeline::checks::{currency, iban, vat_id};
use sapllm_pipeline::config::PipelineConfig;
use sapllm_pipeline::extraction::parse;
use sapllm_pipeline::preprocessing::{PdfReader, PreprocessOptions, WithOcr, preprocess};
use sapllm_store::{DocumentFilter, DocumentSort, DocumentStatus, DocumentSummary};
use serde::{Deserialize, Serialize};

use crate::posting::SapSettings;
use crate::prior::StorePrior;
use crate::{Api, ApiError, OcrStatus, PdfReaderRef};

/// Producer of values a person entered.
pub const USER_PRODUCER: &str = "user.correction";
/// Version of [`USER_PRODUCER`].
pub const USER_PRODUCER_VERSION: &str = "1";

/// File name of the app's own settings inside the data folder.
pub const APP_SETTINGS_FILE: &str = "app.toml";

// ---------------------------------------------------------------------------------------------
// DTOs

/// A box in PDF points, origin top-left of the page (the domain convention).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoxDto {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl From<BBox> for BoxDto {
    fn from(b: BBox) -> Self {
        Self {
            x: b.x0,
            y: b.y0,
            w: b.width(),
            h: b.height(),
        }
    }
}

impl From<BoxDto> for BBox {
    fn from(b: BoxDto) -> Self {
        BBox::new(b.x, b.y, b.x + b.w, b.y + b.h)
    }
}

/// Which documents the queue lists, and in which order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueueQuery {
    /// `to_review`, `ready_to_post`, `approved`, `posted`, `rejected`, `failed`; none: all.
    pub status: Option<String>,
    pub search: Option<String>,
    /// `received`, `amount`, `supplier`, `confidence`, `number`.
    pub sort: String,
    pub descending: bool,
}

/// One row of the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueueRow {
    /// The full content hash.
    pub id: String,
    pub short_id: String,
    pub file_name: String,
    pub status: String,
    pub doc_type: Option<String>,
    pub supplier: Option<String>,
    pub number: Option<String>,
    /// Decimal as a string (never a float).
    pub amount: Option<String>,
    pub currency: Option<String>,
    /// `YYYY-MM-DD`.
    pub issue_date: Option<String>,
    pub min_confidence: Option<f32>,
    /// Routing reasons, as sentences.
    pub reasons: Vec<String>,
    /// RFC 3339.
    pub received_at: String,
}

/// How many documents are in each status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueueCounts {
    pub to_review: u32,
    pub ready_to_post: u32,
    pub approved: u32,
    pub posted: u32,
    pub rejected: u32,
    pub failed: u32,
    pub all: u32,
}

/// A page's size in points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PageInfo {
    pub index: u32,
    pub width: f32,
    pub height: f32,
}

/// A finding as the review screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FindingView {
    pub code: String,
    /// `info`, `warning`, `review`, `reject`.
    pub severity: String,
    pub stage: String,
    pub message: String,
    pub fields: Vec<String>,
}

/// A runner-up value of a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AlternativeView {
    pub value: String,
    pub confidence: f32,
    pub explanation: String,
    pub page: Option<u32>,
    pub bbox: Option<BoxDto>,
}

/// A header field with everything the "why" panel shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldView {
    /// `invoice_number`, `issue_date`, … (the ground-truth keys).
    pub key: String,
    /// English label.
    pub label: String,
    /// `text`, `amount`, `date`, `code`.
    pub kind: String,
    pub value: Option<String>,
    pub confidence: f32,
    /// `text_layer`, `ocr`, `einvoice_xml`, `user`, `learned`, `derived`.
    pub source: String,
    pub page: Option<u32>,
    pub bbox: Option<BoxDto>,
    pub words: Vec<u32>,
    pub producer: String,
    pub producer_version: String,
    pub explanation: String,
    pub alternatives: Vec<AlternativeView>,
    /// Validation, self-correction and routing findings touching this field.
    pub findings: Vec<FindingView>,
}

/// One cell of a line item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CellView {
    /// `description`, `quantity`, `unit`, `unit_price`, `net_amount`, `tax_rate`, `item_id`,
    /// `po_line`.
    pub key: String,
    pub value: Option<String>,
    pub confidence: f32,
    pub page: Option<u32>,
    pub bbox: Option<BoxDto>,
}

/// A line item with its cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LineItemView {
    pub index: u32,
    pub cells: Vec<CellView>,
}

/// A stored correction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CorrectionView {
    pub at: String,
    pub user: String,
    /// Human readable: `invoice_number`, `line 3 quantity`.
    pub target: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// `words`, `region`, `typed`, `confirmed`.
    pub source: String,
}

/// One document as the review screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReviewDocument {
    pub id: String,
    pub short_id: String,
    pub file_name: String,
    pub status: String,
    pub doc_type: Option<String>,
    pub subtype: Option<String>,
    pub language: Option<String>,
    /// `auto_post`, `review`, `reject`.
    pub route: String,
    pub reasons: Vec<FindingView>,
    pub pages: Vec<PageInfo>,
    pub fields: Vec<FieldView>,
    pub line_items: Vec<LineItemView>,
    pub findings: Vec<FindingView>,
    pub corrections: Vec<CorrectionView>,
    pub result_version: Option<u32>,
    pub can_approve: bool,
    pub can_reject: bool,
}

/// A word of a page, for clicking on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WordView {
    pub index: u32,
    pub text: String,
    pub bbox: BoxDto,
    /// Index of the word's line on the page.
    pub line: u32,
}

/// What a correction changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CorrectionTargetDto {
    Header { field: String },
    LineCell { line: u32, key: String },
    LineAdd { after: Option<u32> },
    LineDelete { line: u32 },
    LineSplit { line: u32 },
}

/// Where a corrected value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CorrectionSourceDto {
    /// Words clicked on a page.
    Words { page: u32, words: Vec<u32> },
    /// A box dragged on a page.
    Region { page: u32, bbox: BoxDto },
    /// Typed.
    Typed,
    /// The clerk checked the value and kept it (Enter).
    Confirmed,
}

/// A correction as the UI sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CorrectionRequest {
    pub target: CorrectionTargetDto,
    /// The typed value (`typed`); ignored for words and regions, whose text is the value.
    pub value: Option<String>,
    pub source: CorrectionSourceDto,
}

/// The verdict of an as-you-type check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValueCheck {
    pub ok: bool,
    /// The value as it would be stored (amounts with a dot, ISO dates, codes upper case).
    pub normalized: Option<String>,
    pub message: Option<String>,
}

/// The SAP section of the settings screen (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SapSettingsView {
    pub configured: bool,
    pub base_url: Option<String>,
    pub company_code: Option<String>,
    pub user: Option<String>,
}

/// The settings screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppSettings {
    pub data_dir: String,
    /// A field below this confidence sends the document to review (`pipeline.toml`).
    pub review_threshold: f32,
    /// Auto-approval needs every required field at or above this (`pipeline.toml`).
    pub auto_approve_threshold: f32,
    /// `fast`, `accurate`, `off`. Applies to the next documents read (no restart).
    pub ocr_model: String,
    /// Threads each OCR model runs on (1–16). Applies to the next documents read.
    pub ocr_threads: u32,
    /// `cpu`, `cuda`, `directml`, `coreml`. Chosen once per process by ONNX Runtime through
    /// `SAPLLM_EXECUTION_PROVIDER`; the stored choice is shown, not applied (see the docs).
    pub execution_provider: String,
    /// The data folder the app will use from its next start when it differs from the one in
    /// use (`data_dir`); the app fills it in, the API does not know where it was started from.
    pub data_dir_on_restart: Option<String>,
    /// Settings an environment variable overrides in this process (`ocr_model`,
    /// `ocr_threads`, `execution_provider`): stored, but not what runs.
    pub overridden: Vec<String>,
    pub hot_folder: Option<String>,
    /// `en`, `de`.
    pub ui_language: String,
    /// `system`, `light`, `dark`.
    pub theme: String,
    pub user_name: String,
    pub sap: SapSettingsView,
}

/// Progress of a batch, one message per file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProcessProgress {
    pub done: u32,
    pub total: u32,
    pub file: String,
    /// `processed`, `duplicate`, `failed`.
    pub status: String,
    pub message: Option<String>,
}

/// What a batch did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BatchSummaryDto {
    pub processed: u32,
    pub duplicates: u32,
    pub failed: u32,
    /// Content hashes of the documents processed or already known.
    pub ids: Vec<String>,
}

/// The part of [`AppSettings`] kept in `<data>/app.toml` (thresholds live in `pipeline.toml`,
/// SAP in `sap.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct AppFile {
    ocr_model: String,
    ocr_threads: u32,
    execution_provider: String,
    /// Only in the folder the app starts from: the data folder to use instead.
    data_folder: Option<String>,
    hot_folder: Option<String>,
    ui_language: String,
    theme: String,
    user_name: String,
}

impl Default for AppFile {
    fn default() -> Self {
        Self {
            ocr_model: "fast".into(),
            ocr_threads: 1,
            execution_provider: "cpu".into(),
            data_folder: None,
            hot_folder: None,
            ui_language: "en".into(),
            theme: "system".into(),
            user_name: default_user_name(),
        }
    }
}

/// The OS user, as the default name on corrections and approvals.
fn default_user_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "clerk".into())
}

// ---------------------------------------------------------------------------------------------
// Pages: read through the engine's reader, kept for a few documents

/// Pages (words, lines, sizes) of recently opened documents, by content hash. Reading a page
/// again costs a PDF parse or, for scans, OCR (~0.5 s a page); clicking must stay instant.
/// Keyed by content hash, so it is valid for any data folder.
static PAGE_CACHE: Mutex<PageCache> = Mutex::new(PageCache {
    order: VecDeque::new(),
    pages: None,
});

/// How many documents' pages are kept: a clerk walking back through a morning's queue
/// should not wait for PDFs to be read again (a document's words are tens of kB).
const PAGE_CACHE_DOCUMENTS: usize = 48;

struct PageCache {
    order: VecDeque<ContentHash>,
    pages: Option<HashMap<ContentHash, Arc<Vec<Page>>>>,
}

impl PageCache {
    fn get(&mut self, hash: &ContentHash) -> Option<Arc<Vec<Page>>> {
        let found = self.pages.as_ref()?.get(hash).cloned()?;
        self.order.retain(|h| h != hash);
        self.order.push_back(hash.clone());
        Some(found)
    }

    fn put(&mut self, hash: ContentHash, pages: Arc<Vec<Page>>) {
        let map = self.pages.get_or_insert_with(HashMap::new);
        map.insert(hash.clone(), pages);
        self.order.retain(|h| *h != hash);
        self.order.push_back(hash);
        while self.order.len() > PAGE_CACHE_DOCUMENTS {
            if let Some(old) = self.order.pop_front() {
                map.remove(&old);
            }
        }
    }
}

/// Rendered page images (PNG) of recent requests, by document, page and width: going back
/// to a document, or the UI asking again after a re-layout, costs nothing.
static IMAGE_CACHE: Mutex<VecDeque<(ImageKey, Arc<Vec<u8>>)>> = Mutex::new(VecDeque::new());

/// How many rendered pages are kept (200–600 kB each at screen widths: about 20 MB).
const IMAGE_CACHE_PAGES: usize = 48;

type ImageKey = (ContentHash, u32, u32);

fn cached_image(key: &ImageKey) -> Option<Arc<Vec<u8>>> {
    let mut c = IMAGE_CACHE.lock().ok()?;
    let at = c.iter().position(|(k, _)| k == key)?;
    let hit = c.remove(at)?;
    let png = hit.1.clone();
    c.push_back(hit);
    Some(png)
}

/// The cached page image, if any (tests of the prefetch).
#[cfg(test)]
pub(crate) fn cached_png(hash: &ContentHash, page: u32, width_px: u32) -> Option<Arc<Vec<u8>>> {
    cached_image(&(hash.clone(), page, width_px))
}

fn cache_image(key: ImageKey, png: Arc<Vec<u8>>) {
    if let Ok(mut c) = IMAGE_CACHE.lock() {
        c.retain(|(k, _)| *k != key);
        c.push_back((key, png));
        while c.len() > IMAGE_CACHE_PAGES {
            c.pop_front();
        }
    }
}

/// Held while a page is rendered (see [`Api::page_image`]).
static RENDERING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Held while a document's pages are read (see [`Api::pages_of`]).
pub(crate) static READING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The page image as PNG, lossless (small print must stay sharp), with the fast deflate
/// setting: a page at screen width is mostly white with black text, which it still packs to
/// 200–600 kB; measured 3–18 ms for a 1200 px page against 17–90 ms for rendering it, on
/// the path of every first page view.
fn encode_page(img: &image::RgbImage) -> Result<Vec<u8>, ApiError> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut out = Vec::with_capacity(256 * 1024);
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| ApiError::new("engine", format!("cannot encode the page: {e}")))?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Use cases

impl Api {
    /// The queue, filtered, searched and sorted.
    pub async fn review_queue(&self, query: &QueueQuery) -> Result<Vec<QueueRow>, ApiError> {
        let mut filter = DocumentFilter::default();
        if let Some(s) = query
            .status
            .as_deref()
            .filter(|s| !s.is_empty() && *s != "all")
        {
            let status = DocumentStatus::from_str(s)
                .map_err(|_| ApiError::new("invalid_value", format!("unknown status '{s}'")))?;
            filter.statuses.push(status);
        }
        if let Some(t) = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            filter.text = Some(t.to_owned());
        }
        filter.sort = match (query.sort.as_str(), query.descending) {
            ("amount", true) => DocumentSort::AmountDesc,
            ("amount", false) => DocumentSort::AmountAsc,
            (_, false) if query.sort == "received" => DocumentSort::ReceivedAsc,
            _ => DocumentSort::ReceivedDesc,
        };
        let summaries = self.store.list_documents(&filter).await?;
        let mut rows = Vec::with_capacity(summaries.len());
        for s in summaries {
            let details = self.queue_details(&s).await;
            rows.push(queue_row(&s, details));
        }
        let desc = query.descending;
        let by_text = |a: &Option<String>, b: &Option<String>| {
            // Rows without a value go last either way.
            match (a, b) {
                (Some(a), Some(b)) => {
                    let o = a.to_lowercase().cmp(&b.to_lowercase());
                    if desc { o.reverse() } else { o }
                }
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        };
        match query.sort.as_str() {
            "supplier" => rows.sort_by(|a, b| by_text(&a.supplier, &b.supplier)),
            "number" => rows.sort_by(|a, b| by_text(&a.number, &b.number)),
            "confidence" => rows.sort_by(|a, b| match (a.min_confidence, b.min_confidence) {
                (Some(x), Some(y)) => {
                    let o = x.total_cmp(&y);
                    if desc { o.reverse() } else { o }
                }
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }),
            _ => {}
        }
        Ok(rows)
    }

    /// Issue date and lowest field confidence of a queue row, from its latest result.
    async fn queue_details(&self, s: &DocumentSummary) -> Option<(Option<String>, Option<f32>)> {
        s.latest_version?;
        let (_, r) = self.store.latest_result(&s.hash).await.ok()??;
        let date = r
            .fields
            .get(&FieldKey::IssueDate)
            .map(|f| f.value.to_plain());
        let min = r.fields.values().map(|f| f.confidence).reduce(f32::min);
        Some((date, min))
    }

    /// How many documents are in each status.
    pub async fn queue_counts(&self) -> Result<QueueCounts, ApiError> {
        let counts = self.store.counts_by_status().await?;
        let n = |s: DocumentStatus| counts.get(&s).copied().unwrap_or(0) as u32;
        Ok(QueueCounts {
            to_review: n(DocumentStatus::ToReview),
            ready_to_post: n(DocumentStatus::ReadyToPost),
            approved: n(DocumentStatus::Approved),
            posted: n(DocumentStatus::Posted),
            rejected: n(DocumentStatus::Rejected),
            failed: n(DocumentStatus::Failed),
            all: counts.values().sum::<u64>() as u32,
        })
    }

    /// One document for the review screen, by hash or unique prefix.
    pub async fn review_document(&self, id: &str) -> Result<ReviewDocument, ApiError> {
        let hash = self.store.find_by_prefix(id).await?;
        let doc = self.store.document(&hash).await?;
        let latest = self.store.latest_result(&hash).await?;
        let corrections = self.store.corrections(&hash).await?;
        let pages = match doc.file_kind {
            FileKind::Xml => Vec::new(),
            _ if latest.is_none() => Vec::new(),
            _ => self
                .pages_of(&hash, doc.file_kind)
                .await?
                .iter()
                .map(|p| PageInfo {
                    index: p.index,
                    width: p.width,
                    height: p.height,
                })
                .collect(),
        };
        let mut view = ReviewDocument {
            id: hash.as_str().to_owned(),
            short_id: hash.short().to_owned(),
            file_name: doc.file_name.clone(),
            status: doc.status.as_str().to_owned(),
            doc_type: None,
            subtype: None,
            language: None,
            route: "review".into(),
            reasons: Vec::new(),
            pages,
            fields: Vec::new(),
            line_items: Vec::new(),
            findings: Vec::new(),
            corrections: corrections
                .iter()
                .map(|c| CorrectionView {
                    at: c.correction.at.to_rfc3339(),
                    user: c.correction.user.clone(),
                    target: c.correction.target.label(),
                    old: c.correction.old.clone(),
                    new: c.correction.new.clone(),
                    source: c.correction.source.kind().to_owned(),
                })
                .collect(),
            result_version: None,
            can_approve: sapllm_store::APPROVABLE.contains(&doc.status),
            can_reject: sapllm_store::REJECTABLE.contains(&doc.status),
        };
        if let Some((version, r)) = latest {
            view.result_version = Some(version);
            view.doc_type = Some(r.doc_type.value.as_str().to_owned());
            view.subtype = r.subtype.as_ref().map(|s| s.value.as_str().to_owned());
            view.route = route_name(r.route).to_owned();
            view.reasons = r.routing_reasons().into_iter().map(finding_view).collect();
            view.findings = r.findings.iter().map(finding_view).collect();
            view.fields = FieldKey::ALL
                .iter()
                .map(|k| field_view(*k, r.fields.get(k), &r.findings))
                .collect();
            view.line_items = r
                .line_items
                .iter()
                .enumerate()
                .map(|(i, l)| LineItemView {
                    index: i as u32,
                    cells: l
                        .cells
                        .iter()
                        .map(|(k, c)| CellView {
                            key: k.as_str().to_owned(),
                            value: Some(c.value.to_plain()),
                            confidence: c.confidence,
                            page: c.provenance.page,
                            bbox: c.provenance.bbox.map(BoxDto::from),
                        })
                        .collect(),
                })
                .collect();
        }
        Ok(view)
    }

    /// The words of one page (zero-based), with their boxes and line numbers.
    pub async fn page_words(&self, id: &str, page: u32) -> Result<Vec<WordView>, ApiError> {
        let hash = self.store.find_by_prefix(id).await?;
        let doc = self.store.document(&hash).await?;
        let pages = self.pages_of(&hash, doc.file_kind).await?;
        let p = pages
            .get(page as usize)
            .ok_or_else(|| ApiError::new("not_found", format!("page {page} not found")))?;
        let mut line_of = vec![0u32; p.words.len()];
        for (li, line) in p.lines.iter().enumerate() {
            for w in &line.words {
                if let Some(slot) = line_of.get_mut(*w as usize) {
                    *slot = li as u32;
                }
            }
        }
        Ok(p.words
            .iter()
            .enumerate()
            .map(|(i, w)| WordView {
                index: i as u32,
                text: w.text.clone(),
                bbox: w.bbox.into(),
                line: line_of[i],
            })
            .collect())
    }

    /// One page as a PNG `width_px` wide (at most 4000): rendered by PDFium for PDFs, the
    /// image itself (scaled) for PNG/JPEG/TIFF.
    pub async fn page_image(
        &self,
        id: &str,
        page: u32,
        width_px: u32,
    ) -> Result<Vec<u8>, ApiError> {
        let hash = self.store.find_by_prefix(id).await?;
        let width_px = width_px.clamp(64, 4000);
        let key: ImageKey = (hash.clone(), page, width_px);
        if let Some(png) = cached_image(&key) {
            return Ok(png.as_ref().clone());
        }
        // One page is rendered at a time: a request for the page a prefetch is rendering
        // waits for it and takes it from the cache instead of rendering it a second time.
        let _rendering = RENDERING.lock().await;
        if let Some(png) = cached_image(&key) {
            return Ok(png.as_ref().clone());
        }
        let doc = self.store.document(&hash).await?;
        let kind = doc.file_kind;
        let pages = self.pages_of(&hash, kind).await?;
        let width_pt = pages
            .get(page as usize)
            .map(|p| p.width)
            .ok_or_else(|| ApiError::new("not_found", format!("page {page} not found")))?;
        let bytes = self.store.original_bytes(&hash).await?;
        let pdfium = self.settings.pdfium_path.clone();
        let png = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
            let started = std::time::Instant::now();
            let img = match kind {
                FileKind::Pdf => {
                    let engine = PdfEngine::global(pdfium.as_deref())?;
                    let dpi = width_px as f32 * 72.0 / width_pt.max(1.0);
                    engine.render_page(&bytes, page, dpi)?
                }
                FileKind::Xml => {
                    return Err(ApiError::new("not_found", "an XML e-invoice has no pages"));
                }
                _ => {
                    let images = sapllm_ml::input::decode(&bytes, kind)
                        .map_err(|e| ApiError::new("engine", e.to_string()))?;
                    let img = images
                        .into_iter()
                        .nth(page as usize)
                        .ok_or_else(|| {
                            ApiError::new("not_found", format!("page {page} not found"))
                        })?
                        .image;
                    let h = (img.height() as u64 * width_px as u64 / img.width().max(1) as u64)
                        .max(1) as u32;
                    image::imageops::resize(
                        &img,
                        width_px,
                        h,
                        image::imageops::FilterType::Triangle,
                    )
                }
            };
            let rendered = started.elapsed();
            let png = encode_page(&img)?;
            tracing::debug!(
                page,
                width_px,
                bytes = png.len(),
                render_ms = rendered.as_secs_f64() * 1000.0,
                encode_ms = (started.elapsed() - rendered).as_secs_f64() * 1000.0,
                "page image"
            );
            Ok(png)
        })
        .await
        .map_err(|e| ApiError::new("engine", format!("rendering stopped: {e}")))??;
        cache_image(key, Arc::new(png.clone()));
        Ok(png)
    }

    /// Applies a clerk's correction: the value (parsed by the field's kind) replaces the field
    /// with provenance `user` and confidence 1.0 (the previous winner kept as an alternative),
    /// or the line items are edited; then the quality check, validation and routing run again
    /// and the corrected result, the correction and its audit event are stored together. The
    /// document's status follows the new route. Returns the document as it is now.
    pub async fn correct(
        &self,
        id: &str,
        request: &CorrectionRequest,
        user: &str,
    ) -> Result<ReviewDocument, ApiError> {
        let user = user.trim();
        if user.is_empty() {
            return Err(ApiError::new(
                "invalid_value",
                "a correction needs a user name",
            ));
        }
        let hash = self.store.find_by_prefix(id).await?;
        let doc = self.store.document(&hash).await?;
        if !matches!(
            doc.status,
            DocumentStatus::ToReview
                | DocumentStatus::ReadyToPost
                | DocumentStatus::Processed
                | DocumentStatus::Rejected
        ) {
            return Err(ApiError::new(
                "not_editable",
                format!(
                    "document {} is {}; only documents to review, ready to post or rejected can be corrected",
                    hash.short(),
                    doc.status
                ),
            ));
        }
        let (_, current) = self.store.latest_result(&hash).await?.ok_or_else(|| {
            ApiError::new("not_editable", "the document has no result to correct")
        })?;

        let target = parse_target(&request.target)?;
        // The evidence: words or a region of a page become the value's text and box.
        let (source, taken) = match &request.source {
            CorrectionSourceDto::Words { page, words } => {
                let pages = self.pages_of(&hash, doc.file_kind).await?;
                let (text, bbox) = words_text(&pages, *page, words)?;
                (
                    CorrectionSource::Words {
                        page: *page,
                        words: words.clone(),
                        bbox,
                    },
                    Some(Taken {
                        text,
                        page: *page,
                        bbox,
                        words: words.clone(),
                    }),
                )
            }
            CorrectionSourceDto::Region { page, bbox } => {
                let pages = self.pages_of(&hash, doc.file_kind).await?;
                let region: BBox = (*bbox).into();
                let words = words_in(&pages, *page, &region)?;
                let (text, _) = words_text(&pages, *page, &words)?;
                (
                    CorrectionSource::Region {
                        page: *page,
                        bbox: region,
                    },
                    Some(Taken {
                        text,
                        page: *page,
                        bbox: region,
                        words,
                    }),
                )
            }
            CorrectionSourceDto::Typed => (CorrectionSource::Typed, None),
            CorrectionSourceDto::Confirmed => (CorrectionSource::Confirmed, None),
        };

        let mut result = current.clone();
        let (old, new) = apply_correction(
            &mut result,
            &target,
            request.value.as_deref(),
            &source,
            taken.as_ref(),
            user,
        )?;

        // Quality check, validation and routing again, with the store as prior documents
        // (the duplicate check) and the thresholds as they are in the data folder now.
        let config = self.settings.pipeline_config()?;
        let prior = StorePrior {
            store: self.store.clone(),
            handle: tokio::runtime::Handle::current(),
        };
        let today = chrono::Local::now().date_naive();
        let result = tokio::task::spawn_blocking(move || {
            sapllm_pipeline::revalidate::revalidate(&result, &prior, today, &config)
        })
        .await
        .map_err(|e| ApiError::new("engine", format!("re-validation stopped: {e}")))?;

        let correction = Correction {
            target,
            old,
            new,
            source,
            user: user.to_owned(),
            at: Utc::now(),
        };
        self.store
            .record_correction(&hash, &correction, &result)
            .await?;
        self.review_document(hash.as_str()).await
    }

    /// Checks a value as it is typed: `field` is a header key (`iban`, `issue_date`, …) or a
    /// line key (`quantity`, …).
    pub fn check_value(&self, field: &str, value: &str) -> ValueCheck {
        check_value(field, value)
    }

    /// The settings screen: `app.toml`, the thresholds of `pipeline.toml`, the SAP section.
    pub fn app_settings(&self) -> Result<AppSettings, ApiError> {
        let dir = &self.settings.data_dir;
        let file = load_app_file(dir)?;
        let config = self.settings.pipeline_config()?;
        let sap = SapSettings::load(dir)?;
        Ok(AppSettings {
            data_dir: dir.display().to_string(),
            review_threshold: config.thresholds.field_review_below,
            auto_approve_threshold: config.routing.auto_approve_min_confidence,
            ocr_model: file.ocr_model,
            ocr_threads: file.ocr_threads,
            execution_provider: file.execution_provider,
            data_dir_on_restart: None,
            overridden: env_overrides(),
            hot_folder: file.hot_folder,
            ui_language: file.ui_language,
            theme: file.theme,
            user_name: file.user_name,
            sap: match sap {
                Some(s) => SapSettingsView {
                    configured: true,
                    base_url: Some(s.connection.base_url.clone()),
                    company_code: Some(s.mapping.company_code.clone()),
                    user: sap_user(&s),
                },
                None => SapSettingsView::default(),
            },
        })
    }

    /// Saves the settings: `app.toml`, and the thresholds into `pipeline.toml`. Corrections
    /// read the thresholds at once; the engine (thresholds, OCR model and threads) takes them
    /// when it is built, so a front end that wants them applied to the next documents uses
    /// [`Api::reconfigured`] afterwards. The data folder and the SAP section are not changed
    /// here (the data folder: [`choose_data_folder`], from the next start; SAP by
    /// `sapllm sap configure`). Returns the settings as stored.
    pub fn save_app_settings(&self, s: &AppSettings) -> Result<AppSettings, ApiError> {
        let unit = |v: f32, what: &str| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(ApiError::new(
                    "invalid_value",
                    format!("{what} must be between 0 and 1, not {v}"),
                ))
            }
        };
        unit(s.review_threshold, "the review threshold")?;
        unit(s.auto_approve_threshold, "the auto-approve threshold")?;
        let one_of = |v: &str, allowed: &[&str], what: &str| {
            if allowed.contains(&v) {
                Ok(())
            } else {
                Err(ApiError::new(
                    "invalid_value",
                    format!("{what} must be one of {}, not '{v}'", allowed.join(", ")),
                ))
            }
        };
        one_of(&s.ocr_model, &["fast", "accurate", "off"], "the OCR model")?;
        if !(1..=16).contains(&s.ocr_threads) {
            return Err(ApiError::new(
                "invalid_value",
                format!("the OCR threads must be 1 to 16, not {}", s.ocr_threads),
            ));
        }
        one_of(
            &s.execution_provider,
            &["cpu", "cuda", "directml", "coreml"],
            "the execution provider",
        )?;
        one_of(&s.ui_language, &["en", "de"], "the UI language")?;
        one_of(&s.theme, &["system", "light", "dark"], "the theme")?;
        if s.user_name.trim().is_empty() {
            return Err(ApiError::new(
                "invalid_value",
                "the user name must not be empty",
            ));
        }
        let hot_folder = s
            .hot_folder
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_owned);
        if let Some(h) = &hot_folder {
            if !Path::new(h).is_dir() {
                return Err(ApiError::new(
                    "invalid_value",
                    format!("the hot folder {h} is not a folder"),
                ));
            }
        }
        let dir = &self.settings.data_dir;
        let file = AppFile {
            ocr_model: s.ocr_model.clone(),
            ocr_threads: s.ocr_threads,
            execution_provider: s.execution_provider.clone(),
            // A data-folder choice made in this folder (when the app starts from it) stays.
            data_folder: load_app_file(dir)?.data_folder,
            hot_folder,
            ui_language: s.ui_language.clone(),
            theme: s.theme.clone(),
            user_name: s.user_name.trim().to_owned(),
        };
        let body =
            toml::to_string_pretty(&file).map_err(|e| ApiError::new("config", e.to_string()))?;
        write_atomic(
            &dir.join(APP_SETTINGS_FILE),
            &format!("# Settings of the SAP_LLM Desktop app (written by the app).\n{body}"),
        )?;

        let path = self
            .settings
            .config_path
            .clone()
            .unwrap_or_else(|| dir.join("pipeline.toml"));
        let mut config = PipelineConfig::load_or_default(&path)
            .map_err(|e| ApiError::new("config", e.to_string()))?;
        config.thresholds.field_review_below = s.review_threshold;
        config.routing.auto_approve_min_confidence = s.auto_approve_threshold;
        let body =
            toml::to_string_pretty(&config).map_err(|e| ApiError::new("config", e.to_string()))?;
        write_atomic(
            &path,
            &format!(
                "# Pipeline configuration (thresholds written by the app's settings).\n{body}"
            ),
        )?;
        self.app_settings()
    }

    /// The user name corrections and approvals are recorded under (`app.toml`, else the OS
    /// user).
    pub fn user_name(&self) -> String {
        load_app_file(&self.settings.data_dir)
            .map(|f| f.user_name)
            .unwrap_or_else(|_| default_user_name())
    }

    /// The data folder of this API.
    pub fn data_dir(&self) -> &Path {
        &self.settings.data_dir
    }

    /// The same API (store, learned state, session) with an engine built anew on first use,
    /// so that the settings saved since apply to the next documents: thresholds from
    /// `pipeline.toml`, OCR model and threads from `app.toml` (environment variables still
    /// win, see [`ocr_for`]). Documents already processed keep their results.
    pub fn reconfigured(&self) -> Api {
        Api {
            engine: Arc::default(),
            ..self.clone()
        }
    }

    /// Processes files and folders one file at a time, telling `progress` after each file
    /// what became of it.
    pub async fn process_files(
        &self,
        paths: &[PathBuf],
        progress: &(dyn Fn(ProcessProgress) + Sync),
    ) -> Result<BatchSummaryDto, ApiError> {
        let files = crate::collect_inputs(paths);
        let total = files.len() as u32;
        let mut summary = BatchSummaryDto::default();
        for (i, file) in files.iter().enumerate() {
            let one = self
                .process_paths(std::slice::from_ref(file), Default::default(), &|_| {})
                .await?;
            let (status, message) = match one.items.first() {
                Some(item) => {
                    if let Some(h) = &item.hash {
                        summary.ids.push(h.as_str().to_owned());
                    }
                    match &item.status {
                        crate::ItemStatus::Processed { .. } => {
                            summary.processed += 1;
                            ("processed", None)
                        }
                        crate::ItemStatus::AlreadyKnown { status } => {
                            summary.duplicates += 1;
                            (
                                "duplicate",
                                Some(format!("already in the store ({status})")),
                            )
                        }
                        crate::ItemStatus::Failed { message, .. } => {
                            summary.failed += 1;
                            ("failed", Some(message.clone()))
                        }
                    }
                }
                None => {
                    summary.failed += 1;
                    ("failed", Some("not a readable file".to_owned()))
                }
            };
            progress(ProcessProgress {
                done: i as u32 + 1,
                total,
                file: file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| file.display().to_string()),
                status: status.to_owned(),
                message,
            });
        }
        Ok(summary)
    }

    /// The pages of a stored document as the pipeline read them (same reader, same OCR, so
    /// word indices match the provenance of the stored values). Cached per document.
    pub(crate) async fn pages_of(
        &self,
        hash: &ContentHash,
        kind: FileKind,
    ) -> Result<Arc<Vec<Page>>, ApiError> {
        if let Some(p) = PAGE_CACHE.lock().ok().and_then(|mut c| c.get(hash)) {
            return Ok(p);
        }
        // One document is read at a time, so that the screen asking for a document a prefetch
        // is reading waits for that read instead of starting a second one.
        let _reading = READING.lock().await;
        if let Some(p) = PAGE_CACHE.lock().ok().and_then(|mut c| c.get(hash)) {
            return Ok(p);
        }
        let bytes = self.store.original_bytes(hash).await?;
        let base: Arc<dyn PdfReader> = Arc::new(PdfReaderRef(PdfEngine::global(
            self.settings.pdfium_path.as_deref(),
        )?));
        let reader: Arc<dyn PdfReader> = match self.engine()?.ocr() {
            OcrStatus::Ready(ocr) => Arc::new(WithOcr::new(base, ocr.clone())),
            _ => base,
        };
        let pages = tokio::task::spawn_blocking(move || {
            preprocess(&bytes, kind, reader.as_ref(), PreprocessOptions::default())
        })
        .await
        .map_err(|e| ApiError::new("engine", format!("reading stopped: {e}")))??
        .pages;
        let pages = Arc::new(pages);
        if let Ok(mut c) = PAGE_CACHE.lock() {
            c.put(hash.clone(), pages.clone());
        }
        Ok(pages)
    }
}

/// Environment variables that override stored settings, by setting name. (`SAPLLM_DATA_DIR`
/// is not one: it names the folder the app starts from, whose data-folder choice is followed.)
const OVERRIDES: [(&str, &str); 3] = [
    ("ocr_model", "SAPLLM_OCR_MODEL"),
    ("ocr_threads", "SAPLLM_OCR_THREADS"),
    ("execution_provider", "SAPLLM_EXECUTION_PROVIDER"),
];

/// The settings an environment variable overrides in this process.
fn env_overrides() -> Vec<String> {
    OVERRIDES
        .iter()
        .filter(|(_, var)| std::env::var_os(var).is_some_and(|v| !v.is_empty()))
        .map(|(name, _)| (*name).to_owned())
        .collect()
}

/// The OCR model and thread count to use: `SAPLLM_OCR_MODEL` / `SAPLLM_OCR_THREADS` when
/// set (`env_model`, `env_threads`), else the data folder's `app.toml`, else `fast` on one
/// thread.
pub(crate) fn ocr_choice(
    stored: Option<(&str, u32)>,
    env_model: Option<&str>,
    env_threads: Option<&str>,
) -> (String, usize) {
    let model = env_model
        .filter(|m| !m.trim().is_empty())
        .or(stored.map(|s| s.0))
        .unwrap_or("fast")
        .trim()
        .to_owned();
    let threads = env_threads
        .and_then(|t| t.trim().parse::<usize>().ok())
        .or(stored.map(|s| s.1 as usize))
        .unwrap_or(1)
        .clamp(1, 16);
    (model, threads)
}

/// The OCR engine for a data folder: [`ocr_choice`] over its `app.toml` and the environment.
/// `fast` is PP-OCRv6 tiny, `accurate` PP-OCRv6 small, any other name a catalog model,
/// `off`/`none` no OCR (scans go to review with `needs_ocr`).
/// Hands the stored execution provider to ONNX Runtime, which takes it once per process when
/// the first model loads (so an engine builds this before loading any model).
pub(crate) fn prefer_stored_provider(settings: &crate::Settings) {
    if let Ok(f) = load_app_file(&settings.data_dir) {
        if !sapllm_ml::runtime::prefer_provider(&f.execution_provider) {
            tracing::info!(
                provider = %f.execution_provider,
                "execution provider setting applies from the next start"
            );
        }
    }
}

pub(crate) fn ocr_for(settings: &crate::Settings) -> OcrStatus {
    use sapllm_ml::ocr::{OcrConfig, OcrEngine};
    let stored = match load_app_file(&settings.data_dir) {
        Ok(f) => Some(f),
        Err(e) => {
            tracing::warn!("app settings unreadable, OCR from defaults: {e}");
            None
        }
    };
    let env_model = std::env::var("SAPLLM_OCR_MODEL").ok();
    let env_threads = std::env::var("SAPLLM_OCR_THREADS").ok();
    let (model, threads) = ocr_choice(
        stored
            .as_ref()
            .map(|f| (f.ocr_model.as_str(), f.ocr_threads)),
        env_model.as_deref(),
        env_threads.as_deref(),
    );
    let mut config = match model.as_str() {
        "off" | "none" => return OcrStatus::Off,
        "fast" => OcrConfig::fast(),
        "accurate" => OcrConfig::accurate(),
        name => OcrConfig {
            model: name.to_owned(),
            ..OcrConfig::fast()
        },
    };
    config.threads = threads;
    match OcrEngine::new(config) {
        Ok(e) => OcrStatus::Ready(Arc::new(e)),
        Err(e) => {
            tracing::warn!("OCR unavailable, scans go to review: {e}");
            OcrStatus::Unavailable {
                code: e.code().to_owned(),
                message: e.to_string(),
            }
        }
    }
}

/// The data folder an app started from `base` uses: the `data_folder` chosen in
/// `base/app.toml` ([`choose_data_folder`]), else `base` itself. `base` is the folder named
/// by `SAPLLM_DATA_DIR`, else the OS default.
pub fn start_data_dir(base: &Path) -> PathBuf {
    match load_app_file(base) {
        Ok(AppFile {
            data_folder: Some(f),
            ..
        }) if !f.trim().is_empty() => PathBuf::from(f.trim()),
        Ok(_) => base.to_path_buf(),
        Err(e) => {
            tracing::warn!("{e}; using {}", base.display());
            base.to_path_buf()
        }
    }
}

/// Chooses the data folder the app started from `base` uses from its next start: an
/// absolute path to an existing folder or one that can be created. Choosing `base` itself
/// clears the choice. Returns the folder as stored.
pub fn choose_data_folder(base: &Path, folder: &str) -> Result<PathBuf, ApiError> {
    let folder = PathBuf::from(folder.trim());
    if !folder.is_absolute() {
        return Err(ApiError::new(
            "invalid_value",
            format!(
                "the data folder must be an absolute path, not '{}'",
                folder.display()
            ),
        ));
    }
    std::fs::create_dir_all(&folder).map_err(|e| {
        ApiError::new(
            "invalid_value",
            format!(
                "the data folder {} cannot be created: {e}",
                folder.display()
            ),
        )
    })?;
    let mut file = load_app_file(base)?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    file.data_folder = (!same(&folder, base)).then(|| folder.display().to_string());
    let body = toml::to_string_pretty(&file).map_err(|e| ApiError::new("config", e.to_string()))?;
    write_atomic(
        &base.join(APP_SETTINGS_FILE),
        &format!("# Settings of the SAP_LLM Desktop app (written by the app).\n{body}"),
    )?;
    Ok(folder)
}

fn sap_user(s: &SapSettings) -> Option<String> {
    serde_json::to_value(&s.connection).ok().and_then(|v| {
        v.get("user")
            .or_else(|| v.pointer("/auth/user"))
            .and_then(|u| u.as_str().map(str::to_owned))
    })
}

fn load_app_file(dir: &Path) -> Result<AppFile, ApiError> {
    let path = dir.join(APP_SETTINGS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| ApiError::new("config", format!("{} is not valid: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AppFile::default()),
        Err(e) => Err(ApiError::new(
            "config",
            format!("cannot read {}: {e}", path.display()),
        )),
    }
}

fn write_atomic(path: &Path, text: &str) -> Result<(), ApiError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            ApiError::new("config", format!("cannot create {}: {e}", dir.display()))
        })?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| ApiError::new("config", format!("cannot write {}: {e}", path.display())))
}

// ---------------------------------------------------------------------------------------------
// Views

fn route_name(r: sapllm_core::Route) -> &'static str {
    match r {
        sapllm_core::Route::AutoApprove => "auto_post",
        sapllm_core::Route::Review => "review",
        sapllm_core::Route::Reject => "reject",
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Review => "review",
        Severity::Reject => "reject",
    }
}

fn source_name(s: SourceKind) -> &'static str {
    match s {
        SourceKind::TextLayer => "text_layer",
        SourceKind::Ocr => "ocr",
        SourceKind::EInvoiceXml => "einvoice_xml",
        SourceKind::User => "user",
        SourceKind::Learned => "learned",
        SourceKind::Derived => "derived",
    }
}

fn kind_name(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Text => "text",
        ValueKind::Date => "date",
        ValueKind::Amount => "amount",
        ValueKind::Code => "code",
    }
}

/// English label of a header field.
pub fn field_label(k: FieldKey) -> &'static str {
    match k {
        FieldKey::InvoiceNumber => "Invoice number",
        FieldKey::IssueDate => "Issue date",
        FieldKey::DueDate => "Due date",
        FieldKey::DeliveryDate => "Delivery date",
        FieldKey::Currency => "Currency",
        FieldKey::PoNumber => "PO number",
        FieldKey::BuyerReference => "Buyer reference",
        FieldKey::SellerName => "Supplier",
        FieldKey::SellerVatId => "Supplier VAT ID",
        FieldKey::SellerTaxNumber => "Supplier tax number",
        FieldKey::SellerCountry => "Supplier country",
        FieldKey::BuyerName => "Buyer",
        FieldKey::BuyerVatId => "Buyer VAT ID",
        FieldKey::Iban => "IBAN",
        FieldKey::Bic => "BIC",
        FieldKey::PaymentTerms => "Payment terms",
        FieldKey::NetTotal => "Net total",
        FieldKey::TaxTotal => "VAT total",
        FieldKey::GrossTotal => "Gross total",
        FieldKey::AmountDue => "Amount due",
    }
}

fn finding_view(f: &Finding) -> FindingView {
    FindingView {
        code: f.code.clone(),
        severity: severity_name(f.severity).to_owned(),
        stage: f.stage.as_str().to_owned(),
        message: f.message.clone(),
        fields: f.fields.iter().map(|k| k.as_str().to_owned()).collect(),
    }
}

fn field_view(key: FieldKey, field: Option<&ExtractedField>, findings: &[Finding]) -> FieldView {
    let touching = findings
        .iter()
        .filter(|f| f.fields.contains(&key))
        .map(finding_view)
        .collect();
    match field {
        Some(f) => FieldView {
            key: key.as_str().to_owned(),
            label: field_label(key).to_owned(),
            kind: kind_name(key.value_kind()).to_owned(),
            value: Some(f.value.to_plain()),
            confidence: f.confidence,
            source: source_name(f.provenance.source).to_owned(),
            page: f.provenance.page,
            bbox: f.provenance.bbox.map(BoxDto::from),
            words: f.provenance.words.clone(),
            producer: f.provenance.producer.name.clone(),
            producer_version: f.provenance.producer.version.clone(),
            explanation: f.provenance.explanation.clone(),
            alternatives: f
                .alternatives
                .iter()
                .map(|a| AlternativeView {
                    value: a.value.to_plain(),
                    confidence: a.confidence,
                    explanation: a.provenance.explanation.clone(),
                    page: a.provenance.page,
                    bbox: a.provenance.bbox.map(BoxDto::from),
                })
                .collect(),
            findings: touching,
        },
        None => FieldView {
            key: key.as_str().to_owned(),
            label: field_label(key).to_owned(),
            kind: kind_name(key.value_kind()).to_owned(),
            value: None,
            confidence: 0.0,
            source: String::new(),
            page: None,
            bbox: None,
            words: Vec::new(),
            producer: String::new(),
            producer_version: String::new(),
            explanation: "not found on the document".to_owned(),
            alternatives: Vec::new(),
            findings: touching,
        },
    }
}

fn queue_row(s: &DocumentSummary, details: Option<(Option<String>, Option<f32>)>) -> QueueRow {
    let (issue_date, min_confidence) = details.unwrap_or((None, None));
    QueueRow {
        id: s.hash.as_str().to_owned(),
        short_id: s.hash.short().to_owned(),
        file_name: s.file_name.clone(),
        status: s.status.as_str().to_owned(),
        doc_type: s.doc_type.map(|d| d.as_str().to_owned()),
        supplier: s.seller_name.clone(),
        number: s.invoice_number.clone(),
        amount: s.gross_total.map(|d| d.to_string()),
        currency: s.currency.clone(),
        issue_date,
        min_confidence,
        reasons: s.reasons.iter().map(|r| r.message.clone()).collect(),
        received_at: s.received_at.to_rfc3339(),
    }
}

// ---------------------------------------------------------------------------------------------
// Corrections

/// Text, place and words taken from a page for a correction.
struct Taken {
    text: String,
    page: u32,
    bbox: BBox,
    words: Vec<u32>,
}

fn parse_target(t: &CorrectionTargetDto) -> Result<CorrectionTarget, ApiError> {
    Ok(match t {
        CorrectionTargetDto::Header { field } => CorrectionTarget::Header {
            field: FieldKey::from_str(field)
                .map_err(|_| ApiError::new("invalid_value", format!("unknown field '{field}'")))?,
        },
        CorrectionTargetDto::LineCell { line, key } => CorrectionTarget::LineCell {
            line: *line,
            key: LineKey::from_str(key).map_err(|_| {
                ApiError::new("invalid_value", format!("unknown line item column '{key}'"))
            })?,
        },
        CorrectionTargetDto::LineAdd { after } => CorrectionTarget::LineAdd { after: *after },
        CorrectionTargetDto::LineDelete { line } => CorrectionTarget::LineDelete { line: *line },
        CorrectionTargetDto::LineSplit { line } => CorrectionTarget::LineSplit { line: *line },
    })
}

/// The text of words of a page in the order given (clicks) and their box.
fn words_text(pages: &[Page], page: u32, words: &[u32]) -> Result<(String, BBox), ApiError> {
    let p = pages.get(page as usize).ok_or_else(|| {
        ApiError::new("invalid_value", format!("page {} does not exist", page + 1))
    })?;
    if words.is_empty() {
        return Err(ApiError::new("invalid_value", "no words were chosen"));
    }
    let mut boxes = Vec::new();
    for w in words {
        let word = p.words.get(*w as usize).ok_or_else(|| {
            ApiError::new(
                "invalid_value",
                format!("word {w} does not exist on page {}", page + 1),
            )
        })?;
        boxes.push(word.bbox);
    }
    let bbox = BBox::union_all(boxes.iter()).unwrap_or_default();
    Ok((p.join_words(words), bbox))
}

/// Words whose centre lies inside `region`, in reading order (line, then left to right).
fn words_in(pages: &[Page], page: u32, region: &BBox) -> Result<Vec<u32>, ApiError> {
    let p = pages.get(page as usize).ok_or_else(|| {
        ApiError::new("invalid_value", format!("page {} does not exist", page + 1))
    })?;
    let inside = |b: &BBox| {
        let (x, y) = (b.center_x(), b.center_y());
        x >= region.x0 && x <= region.x1 && y >= region.y0 && y <= region.y1
    };
    let mut out = Vec::new();
    for line in &p.lines {
        let mut ws: Vec<u32> = line
            .words
            .iter()
            .copied()
            .filter(|w| p.words.get(*w as usize).is_some_and(|w| inside(&w.bbox)))
            .collect();
        ws.sort_by(|a, b| {
            p.words[*a as usize]
                .bbox
                .x0
                .total_cmp(&p.words[*b as usize].bbox.x0)
        });
        out.extend(ws);
    }
    if out.is_empty() {
        return Err(ApiError::new(
            "invalid_value",
            "there are no words inside that box",
        ));
    }
    Ok(out)
}

/// Parses a value for a field of `kind`; `Err` says why not, for people.
fn parse_value(kind: ValueKind, raw: &str, quantity: bool) -> Result<FieldValue, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Err("the value is empty".into());
    }
    match kind {
        ValueKind::Amount => {
            let d = if quantity {
                parse::parse_quantity(t, None).or_else(|| parse::parse_amount(t))
            } else {
                parse::parse_amount(t).or_else(|| parse::parse_percent(t))
            };
            d.or_else(|| Decimal::from_str(t).ok())
                .map(FieldValue::Amount)
                .ok_or_else(|| format!("'{t}' is not an amount"))
        }
        ValueKind::Date => parse::parse_date(t, None)
            .or_else(|| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
            .map(FieldValue::Date)
            .ok_or_else(|| format!("'{t}' is not a date")),
        ValueKind::Code => {
            let code: String = t
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect();
            Ok(FieldValue::Code(code))
        }
        ValueKind::Text => Ok(FieldValue::Text(
            t.split_whitespace().collect::<Vec<_>>().join(" "),
        )),
    }
}

/// Checks a header field's value beyond its kind (IBAN checksum, VAT ID, currency code).
fn check_header(key: FieldKey, v: &FieldValue) -> Result<(), String> {
    let s = v.to_plain();
    match key {
        FieldKey::Iban => iban::check_iban(&s).map(|_| ()).map_err(|e| e.to_string()),
        FieldKey::SellerVatId | FieldKey::BuyerVatId => vat_id::check_vat_id(&s)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        FieldKey::Currency if !currency::is_iso4217(&s) => {
            Err(format!("'{s}' is not an ISO 4217 currency code"))
        }
        _ => Ok(()),
    }
}

fn user_provenance(taken: Option<&Taken>, raw: &str, user: &str, how: &str) -> Provenance {
    Provenance {
        source: SourceKind::User,
        page: taken.map(|t| t.page),
        bbox: taken.map(|t| t.bbox),
        words: taken.map(|t| t.words.clone()).unwrap_or_default(),
        raw: raw.to_owned(),
        producer: Producer::new(USER_PRODUCER, USER_PRODUCER_VERSION),
        explanation: format!("{how} by {user}"),
    }
}

/// Applies the correction to `result`; returns the old and the new plain values.
fn apply_correction(
    result: &mut DocumentResult,
    target: &CorrectionTarget,
    typed: Option<&str>,
    source: &CorrectionSource,
    taken: Option<&Taken>,
    user: &str,
) -> Result<(Option<String>, Option<String>), ApiError> {
    let invalid = |m: String| ApiError::new("invalid_value", m);
    let how = match source {
        CorrectionSource::Words { .. } => "taken from the words clicked on the page",
        CorrectionSource::Region { .. } => "taken from the box drawn on the page",
        CorrectionSource::Typed => "typed",
        CorrectionSource::Confirmed => "confirmed",
    };
    // The raw text of the new value: from the page, or typed.
    let raw = || -> Option<String> {
        match taken {
            Some(t) => Some(t.text.clone()),
            None => typed.map(str::to_owned),
        }
    };
    match target {
        CorrectionTarget::Header { field } => {
            let old = result.fields.get(field).map(|f| f.value.to_plain());
            if matches!(source, CorrectionSource::Confirmed) {
                let f = result.fields.get_mut(field).ok_or_else(|| {
                    invalid(format!("{} has no value to confirm", field.as_str()))
                })?;
                f.confidence = 1.0;
                f.provenance.explanation =
                    format!("{} — confirmed by {user}", f.provenance.explanation);
                return Ok((old.clone(), old));
            }
            let Some(raw) = raw().filter(|r| !r.trim().is_empty()) else {
                // An empty typed value clears the field.
                if matches!(source, CorrectionSource::Typed) {
                    result.fields.remove(field);
                    return Ok((old, None));
                }
                return Err(invalid("the value is empty".into()));
            };
            let value = parse_value(field.value_kind(), &raw, false).map_err(invalid)?;
            check_header(*field, &value).map_err(invalid)?;
            let candidate = Candidate {
                value: value.clone(),
                confidence: 1.0,
                provenance: user_provenance(taken, &raw, user, how),
            };
            match result.fields.get_mut(field) {
                Some(f) => f.promote(candidate),
                None => {
                    result.fields.insert(
                        *field,
                        ExtractedField {
                            value: candidate.value,
                            confidence: 1.0,
                            provenance: candidate.provenance,
                            alternatives: Vec::new(),
                        },
                    );
                }
            }
            Ok((old, Some(value.to_plain())))
        }
        CorrectionTarget::LineCell { line, key } => {
            let item = result
                .line_items
                .get_mut(*line as usize)
                .ok_or_else(|| invalid(format!("line {} does not exist", line + 1)))?;
            let old = item.cells.get(key).map(|c| c.value.to_plain());
            if matches!(source, CorrectionSource::Confirmed) {
                let c = item.cells.get_mut(key).ok_or_else(|| {
                    invalid(format!(
                        "line {} has no {} to confirm",
                        line + 1,
                        key.as_str()
                    ))
                })?;
                c.confidence = 1.0;
                return Ok((old.clone(), old));
            }
            let Some(raw) = raw().filter(|r| !r.trim().is_empty()) else {
                if matches!(source, CorrectionSource::Typed) {
                    item.cells.remove(key);
                    return Ok((old, None));
                }
                return Err(invalid("the value is empty".into()));
            };
            let value =
                parse_value(key.value_kind(), &raw, *key == LineKey::Quantity).map_err(invalid)?;
            let new = value.to_plain();
            item.cells.insert(
                *key,
                Cell {
                    value,
                    confidence: 1.0,
                    provenance: user_provenance(taken, &raw, user, how),
                },
            );
            Ok((old, Some(new)))
        }
        CorrectionTarget::LineAdd { after } => {
            let at = match after {
                Some(a) if (*a as usize) < result.line_items.len() => *a as usize + 1,
                Some(a) => return Err(invalid(format!("line {} does not exist", a + 1))),
                None => 0,
            };
            result.line_items.insert(at, LineItem::default());
            Ok((None, None))
        }
        CorrectionTarget::LineDelete { line } => {
            if (*line as usize) >= result.line_items.len() {
                return Err(invalid(format!("line {} does not exist", line + 1)));
            }
            let gone = result.line_items.remove(*line as usize);
            Ok((line_summary(&gone), None))
        }
        CorrectionTarget::LineSplit { line } => {
            let item = result
                .line_items
                .get(*line as usize)
                .cloned()
                .ok_or_else(|| invalid(format!("line {} does not exist", line + 1)))?;
            let summary = line_summary(&item);
            result.line_items.insert(*line as usize + 1, item);
            Ok((summary.clone(), summary))
        }
    }
}

/// A line item in one string for the correction log ("description · net_amount").
fn line_summary(item: &LineItem) -> Option<String> {
    let parts: Vec<String> = [LineKey::Description, LineKey::NetAmount]
        .iter()
        .filter_map(|k| item.cells.get(k).map(|c| c.value.to_plain()))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The as-you-type check of a value for a header or line key.
pub fn check_value(field: &str, value: &str) -> ValueCheck {
    let bad = |m: String| ValueCheck {
        ok: false,
        normalized: None,
        message: Some(m),
    };
    if value.trim().is_empty() {
        return ValueCheck {
            ok: true,
            normalized: None,
            message: Some("empty: the field will be cleared".into()),
        };
    }
    if let Ok(key) = FieldKey::from_str(field) {
        return match parse_value(key.value_kind(), value, false) {
            Ok(v) => match check_header(key, &v) {
                Ok(()) => ValueCheck {
                    ok: true,
                    normalized: Some(v.to_plain()),
                    message: None,
                },
                Err(m) => bad(m),
            },
            Err(m) => bad(m),
        };
    }
    if let Ok(key) = LineKey::from_str(field) {
        return match parse_value(key.value_kind(), value, key == LineKey::Quantity) {
            Ok(v) => ValueCheck {
                ok: true,
                normalized: Some(v.to_plain()),
                message: None,
            },
            Err(m) => bad(m),
        };
    }
    bad(format!("unknown field '{field}'"))
}

/// The fields of a result by key, for tests and callers that want the plain values.
pub fn plain_fields(r: &DocumentResult) -> BTreeMap<String, String> {
    r.fields
        .iter()
        .map(|(k, f)| (k.as_str().to_owned(), f.value.to_plain()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_ocr_settings_apply_unless_the_environment_overrides_them() {
        assert_eq!(ocr_choice(None, None, None), ("fast".into(), 1));
        assert_eq!(
            ocr_choice(Some(("accurate", 3)), None, None),
            ("accurate".into(), 3)
        );
        assert_eq!(
            ocr_choice(Some(("accurate", 3)), Some("off"), Some("2")),
            ("off".into(), 2)
        );
        // An empty or unreadable variable does not count as set.
        assert_eq!(
            ocr_choice(Some(("off", 4)), Some(" "), Some("many")),
            ("off".into(), 4)
        );
        assert_eq!(ocr_choice(Some(("fast", 99)), None, None).1, 16);
    }

    #[test]
    fn the_data_folder_choice_is_followed_from_the_start_folder_and_can_be_undone() {
        let start = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        assert_eq!(start_data_dir(start.path()), start.path());
        let chosen = other.path().join("new");
        choose_data_folder(start.path(), &chosen.display().to_string()).unwrap();
        assert!(chosen.is_dir());
        assert_eq!(start_data_dir(start.path()), chosen);
        let err = choose_data_folder(start.path(), "not/absolute").unwrap_err();
        assert_eq!(err.code, "invalid_value");
        choose_data_folder(start.path(), &start.path().display().to_string()).unwrap();
        assert_eq!(start_data_dir(start.path()), start.path());
    }

    #[test]
    fn values_parse_by_kind_in_german_english_and_french_notation() {
        let amount = |s| parse_value(ValueKind::Amount, s, false).map(|v| v.to_plain());
        assert_eq!(amount("1.234,56").unwrap(), "1234.56");
        assert_eq!(amount("1,234.56").unwrap(), "1234.56");
        assert_eq!(amount("1 234,56").unwrap(), "1234.56");
        assert!(amount("twelve").is_err());
        let date = |s| parse_value(ValueKind::Date, s, false).map(|v| v.to_plain());
        assert_eq!(date("05.03.2024").unwrap(), "2024-03-05");
        assert_eq!(date("2024-03-05").unwrap(), "2024-03-05");
        assert!(date("soon").unwrap_err().contains("not a date"));
        assert_eq!(
            parse_value(ValueKind::Code, " de89 3704 ", false)
                .unwrap()
                .to_plain(),
            "DE893704"
        );
    }

    #[test]
    fn checks_catch_bad_ibans_vat_ids_and_currencies() {
        assert!(check_value("iban", "DE89 3704 0044 0532 0130 00").ok);
        let bad = check_value("iban", "DE89 3704 0044 0532 0130 01");
        assert!(!bad.ok && bad.message.is_some());
        assert!(!check_value("currency", "EUX").ok);
        assert_eq!(
            check_value("currency", "eur").normalized.as_deref(),
            Some("EUR")
        );
        assert!(!check_value("issue_date", "31.02.2024").ok);
        assert!(check_value("quantity", "2,5").ok);
        assert!(!check_value("nonsense", "1").ok);
    }

    #[test]
    fn boxes_convert_both_ways() {
        let b = BBox::new(10.0, 20.0, 30.0, 50.0);
        let d = BoxDto::from(b);
        assert_eq!((d.x, d.y, d.w, d.h), (10.0, 20.0, 20.0, 30.0));
        assert_eq!(BBox::from(d), b);
    }
}
