//! The worker side: a loop that reads requests from stdin and answers on stdout.

use std::io::{self, BufReader, BufWriter};
use std::path::Path;

use super::{Request, Response, read_frame, write_frame};
use crate::DocumentError;
use crate::pdf::PdfEngine;

/// Environment variable that enables the test faults below. Only the worker tests set it: it
/// lets them prove that a crashing or hanging document fails alone, with PDFium's real crash
/// behaviour not at hand on demand.
pub const TEST_FAULTS_ENV: &str = "SAPLLM_READER_TEST_FAULTS";

/// Serves requests until stdin closes. `pdfium` is an explicit library path, if configured.
pub fn serve(pdfium: Option<&Path>) -> io::Result<()> {
    let test_faults = std::env::var_os(TEST_FAULTS_ENV).is_some_and(|v| v == "1");
    let mut input = BufReader::new(io::stdin().lock());
    let mut output = BufWriter::new(io::stdout().lock());
    loop {
        let Some(header) = read_frame(&mut input)? else {
            return Ok(());
        };
        let Some(document) = read_frame(&mut input)? else {
            return Ok(());
        };
        if test_faults {
            inject_test_fault(&document);
        }
        let request: Result<Request, _> = serde_json::from_slice(&header);
        let (response, raw) = match request {
            Ok(req) => handle(req, &document, pdfium),
            Err(e) => (
                Response::Failed {
                    code: "reader_error".into(),
                    message: format!("bad request: {e}"),
                },
                None,
            ),
        };
        let json = serde_json::to_vec(&response).map_err(io::Error::other)?;
        write_frame(&mut output, &json)?;
        if let Some(raw) = raw {
            write_frame(&mut output, &raw)?;
        }
    }
}

fn failed(e: DocumentError) -> (Response, Option<Vec<u8>>) {
    (
        Response::Failed {
            code: e.code().to_owned(),
            message: e.to_string(),
        },
        None,
    )
}

fn handle(req: Request, document: &[u8], pdfium: Option<&Path>) -> (Response, Option<Vec<u8>>) {
    let engine = match PdfEngine::global(pdfium) {
        Ok(e) => e,
        Err(e) => return failed(e),
    };
    match req {
        Request::ReadPdf => match engine.read(document) {
            Ok(content) => (Response::Read { content }, None),
            Err(e) => failed(e),
        },
        Request::RenderPage { page, dpi } => match engine.render_page(document, page, dpi) {
            Ok(img) => (
                Response::Rendered {
                    width: img.width(),
                    height: img.height(),
                },
                Some(img.into_raw()),
            ),
            Err(e) => failed(e),
        },
    }
}

/// Test-only behaviours, triggered by markers inside the document bytes.
fn inject_test_fault(document: &[u8]) {
    let has = |m: &[u8]| document.windows(m.len()).any(|w| w == m);
    if has(b"%SAPLLM-TEST-ABORT") {
        std::process::abort();
    }
    if has(b"%SAPLLM-TEST-HANG") {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}
