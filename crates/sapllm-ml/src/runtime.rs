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
    /// Execution provider sessions run on, and any fallback.
    pub provider: crate::providers::ProviderChoice,
}

struct Runtime {
    env: Environment,
    info: RuntimeInfo,
}

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// The execution provider chosen in the app's settings.
static PREFERRED_PROVIDER: OnceLock<String> = OnceLock::new();

/// Records the execution provider the user chose (`cpu`, `cuda`, `directml`, `coreml`), used
/// when `SAPLLM_EXECUTION_PROVIDER` is not set. ONNX Runtime takes its provider once per
/// process, when the first model loads: a choice made after that applies from the next start.
/// Returns false when another choice was recorded first in this process: the new one then
/// waits for the next start. (Callers record it before loading any model.)
pub fn prefer_provider(name: &str) -> bool {
    PREFERRED_PROVIDER.get_or_init(|| name.to_owned()) == name
}

/// The provider asked for: the environment first, then the settings.
fn requested_provider(env: Option<String>, preferred: Option<&String>) -> String {
    env.filter(|v| !v.trim().is_empty())
        .or_else(|| preferred.cloned())
        .unwrap_or_default()
}

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
        let requested = requested_provider(
            std::env::var(crate::providers::PROVIDER_ENV).ok(),
            PREFERRED_PROVIDER.get(),
        );
        let provider =
            crate::providers::decide(&requested, &crate::providers::onnx::available);
        match &provider.fallback {
            None => tracing::info!(library = %lib.path.display(), provider = provider.active.as_str(), "ONNX Runtime loaded"),
            Some(why) => tracing::warn!(library = %lib.path.display(), provider = provider.active.as_str(), fallback = %why, "ONNX Runtime loaded; execution provider fell back"),
        }
        Ok(Runtime {
            env,
            info: RuntimeInfo {
                library: lib.path,
                verified: lib.verified,
                provider,
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
    build_session(threads, |b| b.commit_from_file(path))
        .map_err(|e| MlError::BadModel(format!("{}: {e}", path.display())))
}

/// A session for a model held in memory (`what` names it in errors): one derived from a
/// verified file, such as a recogniser with its output layer cut ([`crate::output_layer`]).
pub fn session_from_memory(bytes: &[u8], threads: usize, what: &str) -> Result<Session, MlError> {
    build_session(threads, |b| b.commit_from_memory(bytes))
        .map_err(|e| MlError::BadModel(format!("{what}: {e}")))
}

fn build_session(
    threads: usize,
    commit: impl FnOnce(&mut ort::session::builder::SessionBuilder) -> ort::Result<Session>,
) -> ort::Result<Session> {
    let rt = runtime(None).map_err(|e| ort::Error::new(e.to_string()))?;
    let mut builder = Session::builder(&rt.env)?
        .with_optimization_level(GraphOptimizationLevel::Level3)?
        .with_intra_threads(threads.max(1))?
        .with_inter_threads(1)?;
    if let Some(ep) = crate::providers::onnx::dispatch(rt.info.provider.active) {
        builder = builder.with_execution_providers([ep])?;
    }
    commit(&mut builder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_overrides_the_settings() {
        let pref = "cuda".to_owned();
        assert_eq!(requested_provider(Some("cpu".into()), Some(&pref)), "cpu");
        assert_eq!(requested_provider(Some(" ".into()), Some(&pref)), "cuda");
        assert_eq!(requested_provider(None, Some(&pref)), "cuda");
        assert_eq!(requested_provider(None, None), "");
    }
}
