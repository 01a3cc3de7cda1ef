//! Errors of the ML crate. Each variant has a stable reason code.

use std::path::PathBuf;

/// Why a model could not be found, loaded or run, or an image could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MlError {
    /// A model file is not installed (set-up puts them into `.cache/models/`).
    #[error("model {model} not found: {message}")]
    ModelMissing { model: String, message: String },
    /// A model file is there but is not the pinned build.
    #[error(
        "model file {path} does not match its pinned SHA-256 (expected {expected}, got {actual})"
    )]
    ChecksumMismatch {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    /// ONNX Runtime could not be found or loaded.
    #[error("ONNX Runtime is not available: {0}")]
    Runtime(String),
    /// A model does not have the shape this code expects (e.g. dictionary size ≠ classes).
    #[error("the model does not match its description: {0}")]
    BadModel(String),
    /// Running a model failed.
    #[error("inference failed: {0}")]
    Inference(String),
    /// An image file cannot be decoded (or a page has no pixels).
    #[error("the image cannot be decoded: {0}")]
    Image(String),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl MlError {
    /// Stable, machine-readable reason code.
    pub fn code(&self) -> &'static str {
        match self {
            MlError::ModelMissing { .. } => "model_missing",
            MlError::ChecksumMismatch { .. } => "model_checksum",
            MlError::Runtime(_) => "onnxruntime_missing",
            MlError::BadModel(_) => "bad_model",
            MlError::Inference(_) => "inference_failed",
            MlError::Image(_) => "corrupt_image",
            MlError::Io(_) => "io_error",
        }
    }
}

#[cfg(feature = "onnx")]
impl<R> From<ort::Error<R>> for MlError {
    fn from(e: ort::Error<R>) -> Self {
        // The builder's error carries the builder for recovery, which is not Send: keep the text.
        MlError::Inference(e.to_string())
    }
}
