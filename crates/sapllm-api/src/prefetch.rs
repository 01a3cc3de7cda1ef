//! Warming the document the clerk will most likely open next (the next one in the queue), so
//! that moving on shows it at once: its pages (text layer or OCR, the words the overlay and
//! clicking need), the rendered image of the page the review screen opens on, and the review
//! view itself (store read + result). Each step fills the same caches the screen reads.
//!
//! Only the newest request counts: a clerk who moves on before a prefetch is done has asked
//! for another one, and the older one stops at its next step (a step already running —
//! reading one PDF, rendering one page — finishes, it is short).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use sapllm_core::FileKind;
use serde::{Deserialize, Serialize};

use crate::{Api, ApiError};

/// Number of the newest prefetch request.
static NEWEST: AtomicU64 = AtomicU64::new(0);

/// What a prefetch did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrefetchReport {
    /// The document's full id.
    pub id: String,
    /// `warmed`: pages, page image and view are cached; `superseded`: a newer prefetch was
    /// asked for before this one was done; `nothing`: the document has no pages to show
    /// (an XML e-invoice, or not processed).
    pub outcome: String,
    /// The page whose image was rendered.
    pub page: Option<u32>,
    pub millis: u32,
}

impl Api {
    /// Warms pages, page image (`width_px` wide, as the screen will ask for it) and review
    /// view of document `id`; stops early when a newer prefetch is requested.
    pub async fn prefetch_document(
        &self,
        id: &str,
        width_px: u32,
    ) -> Result<PrefetchReport, ApiError> {
        let started = Instant::now();
        let ticket = NEWEST.fetch_add(1, Ordering::SeqCst) + 1;
        let superseded = || NEWEST.load(Ordering::SeqCst) != ticket;
        let report = |id: &str, outcome: &str, page: Option<u32>| PrefetchReport {
            id: id.to_owned(),
            outcome: outcome.to_owned(),
            page,
            millis: started.elapsed().as_millis().min(u32::MAX as u128) as u32,
        };

        let hash = self.store.find_by_prefix(id).await?;
        let id = hash.as_str().to_owned();
        let doc = self.store.document(&hash).await?;
        if doc.file_kind == FileKind::Xml || doc.latest_version.is_none() {
            return Ok(report(&id, "nothing", None));
        }
        if superseded() {
            return Ok(report(&id, "superseded", None));
        }
        // The pages first: the view's page sizes, the words and the image all need them.
        self.pages_of(&hash, doc.file_kind).await?;
        if superseded() {
            return Ok(report(&id, "superseded", None));
        }
        // The view (also what decides the page the screen opens on).
        let view = self.review_document(&id).await?;
        let page = opening_page(&view);
        if superseded() {
            return Ok(report(&id, "superseded", None));
        }
        if view.pages.is_empty() {
            return Ok(report(&id, "nothing", None));
        }
        self.page_image(&id, page, width_px).await?;
        let done = report(&id, "warmed", Some(page));
        tracing::debug!(id = %hash.short(), page, ms = done.millis, "prefetched");
        Ok(done)
    }
}

/// The page the review screen opens a document on: the page of the first field of its tab
/// order (`tabOrder` in `ui/src/format.ts`: fields with a value by rising confidence, a
/// missing field with findings first of all, a missing one without findings last; ties in
/// field order), else the first page.
pub fn opening_page(view: &crate::ReviewDocument) -> u32 {
    let rank = |f: &crate::FieldView| match &f.value {
        Some(_) => f.confidence,
        None if !f.findings.is_empty() => 0.0,
        None => 2.0,
    };
    let first = view
        .fields
        .iter()
        .enumerate()
        .min_by(|(i, a), (j, b)| rank(a).total_cmp(&rank(b)).then(i.cmp(j)));
    first
        .and_then(|(_, f)| f.page)
        .filter(|p| (*p as usize) < view.pages.len())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::Settings;

    /// Prefetches share one "newest" counter: these tests run one at a time.
    static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    fn samples() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_prefetch_warms_pages_image_and_view_and_xml_has_nothing_to_warm() {
        let _serial = SERIAL.lock().await;
        let dir = tempfile::tempdir().unwrap();
        let api = Api::open(&Settings::new(dir.path().into())).await.unwrap();
        let summary = api
            .process_files(
                &[
                    samples().join("invoice-de-multipage.pdf"),
                    samples().join("ubl-invoice-fr.xml"),
                ],
                &|_| {},
            )
            .await
            .unwrap();
        assert_eq!(summary.processed, 2, "{summary:?}");
        let (pdf, xml) = (&summary.ids[0], &summary.ids[1]);

        let report = api.prefetch_document(&pdf[..12], 800).await.unwrap();
        assert_eq!(report.id, *pdf);
        assert_eq!(report.outcome, "warmed");
        let view = api.review_document(pdf).await.unwrap();
        assert!(view.pages.len() > 1);
        assert_eq!(report.page, Some(opening_page(&view)));

        // What the screen asks for next comes from the caches: the same bytes, at once.
        let hash = api.store.find_by_prefix(pdf).await.unwrap();
        let page = report.page.unwrap();
        let cached = crate::review::cached_png(&hash, page, 800).expect("the page image");
        let started = Instant::now();
        let png = api.page_image(pdf, page, 800).await.unwrap();
        assert_eq!(png, *cached);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let words = api.page_words(pdf, page).await.unwrap();
        assert!(words.len() > 20);
        assert!(
            started.elapsed().as_millis() < 1000,
            "cached answers took {:?}",
            started.elapsed()
        );

        let report = api.prefetch_document(xml, 800).await.unwrap();
        assert_eq!(report.outcome, "nothing");
        assert_eq!(report.page, None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_newer_prefetch_supersedes_an_older_one() {
        let _serial = SERIAL.lock().await;
        let dir = tempfile::tempdir().unwrap();
        let api = Api::open(&Settings::new(dir.path().into())).await.unwrap();
        let summary = api
            .process_files(
                &[
                    samples().join("invoice-fr-boxed.pdf"),
                    samples().join("invoice-en-letter.pdf"),
                ],
                &|_| {},
            )
            .await
            .unwrap();
        // The older one waits on the reading lock the test holds, the newer one is asked for
        // meanwhile: the older one must stop instead of rendering.
        let held = crate::review::READING.lock().await;
        let older = {
            let api = api.clone();
            let id = summary.ids[0].clone();
            tokio::spawn(async move { api.prefetch_document(&id, 800).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        NEWEST.fetch_add(1, Ordering::SeqCst);
        drop(held);
        let older = older.await.unwrap().unwrap();
        assert_eq!(older.outcome, "superseded");
        let newer = api.prefetch_document(&summary.ids[1], 800).await.unwrap();
        assert_eq!(newer.outcome, "warmed");
    }
}
