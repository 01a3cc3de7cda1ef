//! ONNX Runtime: loaded once per process from the library the native-library resolver finds
//! (`ort` with `load-dynamic`: no download, no link-time dependency), and sessions built with
//! a fixed number of threads.
//!
//! On two shared cores one intra-op thread was never slower than two (platform notes), and
//! one thread per session keeps batch processing predictable; it is configurable.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::environment::Environment;
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use sapllm_document::native::{self, NativeLibrary};

use crate::MlError;

/// The loaded runtime.
#[derive(Debug, Clone)]
pub struct RuntimeInfo {
    pub library: PathBuf,
    /// Whether the library matched the pinned SHA-256.
    pub verified: bool,
    /// Execution provider sessions run on.
    pub provider: &'static str,
}

struct Runtime {
    env: Environment,
    info: RuntimeInfo,
}

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

fn runtime(explicit: Option<&Path>) -> Result<&'static Runtime, MlError> {
    let r = RUNTIME.get_or_init(|| {
        let lib = native::resolve(NativeLibrary::OnnxRuntime, explicit).map_err(|e| e.to_string())?;
        if !lib.verified {
            tracing::warn!(path = %lib.path.display(), "ONNX Runtime is not the pinned build; using it unverified");
        }
        let env = ort::init_from(&lib.path)
            .map_err(|e| format!("cannot load {}: {e}", lib.path.display()))?
            .with_name("sapllm")
            .build()
            .map_err(|e| format!("cannot start ONNX Runtime: {e}"))?;
        // Only the CPU provider is registered: this build has no GPU providers, and ort would
        // fall back to CPU silently anyway — saying so in the log avoids a false impression.
        tracing::info!(library = %lib.path.display(), provider = "CPU", "ONNX Runtime loaded");
        Ok(Runtime {
            env,
            info: RuntimeInfo {
                library: lib.path,
                verified: lib.verified,
                provider: "CPU",
            },
        })
    });
    r.as_ref().map_err(|m| MlError::Runtime(m.clone()))
}

/// Loads ONNX Runtime (once) and says where from. `explicit` is a configured library path.
pub fn init(explicit: Option<&Path>) -> Result<RuntimeInfo, MlError> {
    runtime(explicit).map(|r| r.info.clone())
}

/// A session for the model at `path` with `threads` intra-op threads.
pub fn session(path: &Path, threads: usize) -> Result<Session, MlError> {
    let rt = runtime(None)?;
    let build = || -> ort::Result<Session> {
        Session::builder(&rt.env)?
            .with_optimization_level(GraphOptimizationLevel::Level3)?
            .with_intra_threads(threads.max(1))?
            .with_inter_threads(1)?
            .commit_from_file(path)
    };
    build().map_err(|e| MlError::BadModel(format!("{}: {e}", path.display())))
}
