//! PDFs through PDFium: words and lines with boxes, embedded files, page rendering.
//!
//! PDFium can be bound once per process and serialises every call behind one lock
//! (`thread_safe`), so the engine is a process-wide singleton. Crash isolation and parallelism
//! come from worker processes (see the OCR/worker issue), not from threads.

use std::path::Path;
use std::sync::OnceLock;

use pdfium_render::prelude::*;
use sapllm_core::{BBox, Page, SourceKind};

use crate::DocumentError;
use crate::layout::{self, PositionedChar};
use crate::native::{self, NativeLibrary, ResolvedLibrary};

/// A file embedded in a PDF (e.g. `factur-x.xml`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Everything read from a PDF in one pass.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PdfContent {
    /// Pages with their text-layer words (empty word lists for pages without text).
    pub pages: Vec<Page>,
    /// Per page: whether the text layer is usable (else the page needs OCR).
    pub usable_text: Vec<bool>,
    pub attachments: Vec<Attachment>,
}

/// The process-wide PDFium binding.
pub struct PdfEngine {
    pdfium: Pdfium,
    pub library: ResolvedLibrary,
}

impl std::fmt::Debug for PdfEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfEngine")
            .field("library", &self.library)
            .finish()
    }
}

static ENGINE: OnceLock<Result<PdfEngine, String>> = OnceLock::new();

/// Largest PDF page count read; beyond it the document is refused as unreasonable for AP.
pub const MAX_PAGES: usize = 500;

impl PdfEngine {
    /// Binds PDFium (once per process) found by the resolver; `explicit` is a configured path.
    pub fn global(explicit: Option<&Path>) -> Result<&'static PdfEngine, DocumentError> {
        let r = ENGINE.get_or_init(|| {
            let library = native::resolve(NativeLibrary::Pdfium, explicit).map_err(|e| match e {
                DocumentError::LibraryMissing { message, .. } => message,
                other => other.to_string(),
            })?;
            if !library.verified {
                tracing::warn!(path = %library.path.display(), "PDFium is not the pinned build; using it unverified");
            }
            let bindings = Pdfium::bind_to_library(&library.path)
                .map_err(|e| format!("cannot load {}: {e:?}", library.path.display()))?;
            Ok(PdfEngine { pdfium: Pdfium::new(bindings), library })
        });
        r.as_ref().map_err(|m| DocumentError::LibraryMissing {
            library: "pdfium",
            message: m.clone(),
        })
    }

    fn open<'a>(&'a self, bytes: &'a [u8]) -> Result<PdfDocument<'a>, DocumentError> {
        self.pdfium
            .load_pdf_from_byte_slice(bytes, None)
            .map_err(map_open_error)
    }

    /// Reads text-layer words and lines of every page, and the embedded files.
    pub fn read(&self, bytes: &[u8]) -> Result<PdfContent, DocumentError> {
        let doc = self.open(bytes)?;
        let page_count = doc.pages().len() as usize;
        if page_count == 0 {
            return Err(DocumentError::CorruptPdf(
                "the document has no pages".into(),
            ));
        }
        if page_count > MAX_PAGES {
            return Err(DocumentError::TooLarge {
                size: page_count as u64,
                limit: MAX_PAGES as u64,
            });
        }
        let mut pages = Vec::with_capacity(page_count);
        let mut usable_text = Vec::with_capacity(page_count);
        for (index, page) in doc.pages().iter().enumerate() {
            let width = page.width().value;
            let height = page.height().value;
            let chars = page_chars(&page, height)?;
            let words = layout::words_from_chars(&chars);
            let lines = layout::lines_from_words(&words);
            usable_text.push(layout::text_is_usable(&words));
            pages.push(Page {
                index: index as u32,
                width,
                height,
                text_source: SourceKind::TextLayer,
                words,
                lines,
            });
        }
        let mut attachments = Vec::new();
        for a in doc.attachments().iter() {
            match a.save_to_bytes() {
                Ok(bytes) => attachments.push(Attachment {
                    name: a.name(),
                    bytes,
                }),
                Err(e) => tracing::warn!(name = %a.name(), "unreadable PDF attachment: {e:?}"),
            }
        }
        Ok(PdfContent {
            pages,
            usable_text,
            attachments,
        })
    }

    /// Renders one page at `dpi` to an RGB image (for OCR and the review screen).
    pub fn render_page(
        &self,
        bytes: &[u8],
        page_index: u32,
        dpi: f32,
    ) -> Result<image::RgbImage, DocumentError> {
        let doc = self.open(bytes)?;
        let page = doc
            .pages()
            .get(page_index as i32)
            .map_err(|e| DocumentError::Engine(format!("page {page_index}: {e:?}")))?;
        // Colour rendering then conversion: PdfBitmapFormat::Gray crashes PDFium on text pages.
        let config = PdfRenderConfig::new().scale_page_by_factor(dpi / 72.0);
        let bitmap = page
            .render_with_config(&config)
            .map_err(|e| DocumentError::Engine(format!("render page {page_index}: {e:?}")))?;
        let img = bitmap
            .as_image()
            .map_err(|e| DocumentError::Engine(format!("{e:?}")))?;
        Ok(img.to_rgb8())
    }
}

/// The characters of a page with loose boxes flipped into top-left page space.
fn page_chars(page: &PdfPage<'_>, page_height: f32) -> Result<Vec<PositionedChar>, DocumentError> {
    let text = page
        .text()
        .map_err(|e| DocumentError::Engine(format!("text layer: {e:?}")))?;
    let mut out = Vec::new();
    for c in text.chars().iter() {
        let Some(ch) = c.unicode_char() else { continue };
        // Spaces PDFium synthesises between words are real word breaks: keep them as such.
        let Ok(r) = c.loose_bounds() else { continue };
        let bbox = BBox::new(
            r.left().value,
            page_height - r.top().value,
            r.right().value,
            page_height - r.bottom().value,
        );
        out.push(PositionedChar { ch, bbox });
    }
    Ok(out)
}

fn map_open_error(e: PdfiumError) -> DocumentError {
    match e {
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => {
            DocumentError::Encrypted
        }
        PdfiumError::PdfiumLibraryInternalError(
            PdfiumInternalError::FormatError | PdfiumInternalError::FileError,
        ) => DocumentError::CorruptPdf("PDFium cannot parse the file structure".into()),
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::SecurityError) => {
            DocumentError::Encrypted
        }
        other => DocumentError::CorruptPdf(format!("{other:?}")),
    }
}
