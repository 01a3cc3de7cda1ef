//! The intake path on arbitrary bytes, in process: type sniffing, then what the sniffed type
//! leads to — PDF open with text, words, lines and attachments (PDFium), rendering of the
//! first page at a thumbnail resolution, e-invoice XML parsing (also of PDF attachments), image
//! decoding (PNG, JPEG with EXIF, multi-page TIFF). Errors are the expected outcome for
//! broken input; a panic, abort or sanitizer report is a bug.
//!
//! `scripts/fuzz.sh N` builds it and runs N executions seeded from `samples/`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sapllm_core::FileKind;
use sapllm_document::einvoice;
use sapllm_document::pdf::PdfEngine;
use sapllm_document::sniff::sniff;

fuzz_target!(|data: &[u8]| {
    // Both the sniffed route and the XML parser on every input: a mutated PDF or image that
    // no longer sniffs as such must not get past the parser either.
    let _ = einvoice::parse_einvoice(data);
    let _ = einvoice::sniff_xml_root(data);
    let Ok(kind) = sniff(data) else {
        return;
    };
    match kind {
        FileKind::Pdf => {
            let Ok(engine) = PdfEngine::global(None) else {
                panic!("PDFium not found: run `make setup` or set SAPLLM_PDFIUM_LIB");
            };
            if let Ok(content) = engine.read(data) {
                for a in &content.attachments {
                    let _ = einvoice::parse_einvoice(&a.bytes);
                }
                // Rendering the first page (what OCR does with image-only pages), at a
                // thumbnail resolution: the parsing of its content is what is exercised.
                if !content.pages.is_empty() {
                    let _ = engine.render_page(data, 0, 10.0);
                }
            }
        }
        FileKind::Png | FileKind::Jpeg | FileKind::Tiff => {
            let _ = sapllm_ml::input::decode(data, kind);
        }
        FileKind::Xml => {}
    }
});
