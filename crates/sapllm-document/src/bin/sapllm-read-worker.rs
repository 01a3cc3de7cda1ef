//! A reader worker process: serves the worker protocol on stdin/stdout (see
//! `sapllm_document::worker`). The `sapllm` binary serves the same protocol as `sapllm worker`;
//! this small binary exists so the pool can be tested without the CLI.

fn main() -> std::process::ExitCode {
    let pdfium = std::env::var_os("SAPLLM_PDFIUM_LIB").map(std::path::PathBuf::from);
    match sapllm_document::worker::serve(pdfium.as_deref()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sapllm-read-worker: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
