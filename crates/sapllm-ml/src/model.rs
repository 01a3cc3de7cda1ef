//! Trained models over numeric feature rows, behind one small trait.
//!
//! The document-type classifier, the invoice-subtype identifier and the candidate ranker are
//! all "rows of features in, class probabilities out". The pipeline computes the features
//! itself (the same code writes the training tables, so training and serving cannot drift)
//! and calls a [`Model`]; tests pass fakes, the product passes ONNX models
//! ([`crate::tabular`], feature `onnx`).
//!
//! Each trained model lives in `models/<name>/` as `model.onnx` plus `model.json`
//! ([`ModelSpec`]): name, version, the feature count, the class names in output order and the
//! ONNX file's SHA-256, which is checked before the file is loaded.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::MlError;

/// What a trained model is: written by the training script next to the ONNX file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// `doctype`, `subtype`, `ranker`.
    pub name: String,
    /// Recorded in every result this model contributes to.
    pub version: String,
    /// Width of one feature row.
    pub features: usize,
    /// Output classes in the order of the probability columns.
    pub classes: Vec<String>,
    /// SHA-256 (hex) of `model.onnx`.
    pub sha256: String,
    /// Version of the feature code the model was trained on; a mismatch refuses to load.
    pub feature_version: u32,
}

impl ModelSpec {
    pub fn read(path: &Path) -> Result<Self, MlError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| MlError::BadModel(format!("{}: {e}", path.display())))?;
        serde_json::from_str(&text)
            .map_err(|e| MlError::BadModel(format!("{}: {e}", path.display())))
    }

    /// `name/version`, as results record it.
    pub fn label(&self) -> String {
        format!("{}/{}", self.name, self.version)
    }
}

/// A trained classifier over fixed-width rows of `f32` features.
pub trait Model: Send + Sync + std::fmt::Debug {
    fn spec(&self) -> &ModelSpec;

    /// Class probabilities, row-major (`rows × classes`), for `rows` rows of
    /// `spec().features` values each (`features.len() == rows * spec().features`).
    fn predict(&self, features: &[f32], rows: usize) -> Result<Vec<f32>, MlError>;
}

/// Checks the shape of a prediction request against the spec.
pub fn check_input(spec: &ModelSpec, features: &[f32], rows: usize) -> Result<(), MlError> {
    if features.len() != rows * spec.features {
        return Err(MlError::BadModel(format!(
            "model {}: {} values for {rows} rows of {} features",
            spec.label(),
            features.len(),
            spec.features
        )));
    }
    Ok(())
}

/// Environment variable naming the folder of trained models (`<dir>/<name>/model.onnx`).
pub const TRAINED_MODELS_ENV: &str = "SAPLLM_TRAINED_MODELS";

/// Where the trained models are: explicit → `$SAPLLM_TRAINED_MODELS` → next to the executable
/// (`models/`, `../lib/sapllm/models/`, `../resources/models/`) → the checkout this binary
/// was built from (`<workspace>/models`). The first folder holding `<name>/model.json` wins.
pub fn find_model_dir(name: &str, explicit: Option<&Path>) -> Result<PathBuf, MlError> {
    let mut tried = Vec::new();
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(e) = explicit {
        roots.push(e.to_path_buf());
    }
    if let Some(e) = std::env::var_os(TRAINED_MODELS_ENV) {
        roots.push(PathBuf::from(e));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
    {
        roots.push(dir.join("models"));
        roots.push(dir.join("../lib/sapllm/models"));
        roots.push(dir.join("../resources/models"));
    }
    roots.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"));
    for root in roots {
        let dir = root.join(name);
        if dir.join("model.json").is_file() {
            return Ok(dir);
        }
        tried.push(dir.display().to_string());
    }
    Err(MlError::ModelMissing {
        model: name.to_owned(),
        message: format!(
            "trained model '{name}' not found; looked in {}",
            tried.join(", ")
        ),
    })
}

/// A fixed-answer model for tests: every row gets `probabilities`.
#[derive(Debug, Clone)]
pub struct ConstantModel {
    pub spec: ModelSpec,
    pub probabilities: Vec<f32>,
}

impl Model for ConstantModel {
    fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    fn predict(&self, features: &[f32], rows: usize) -> Result<Vec<f32>, MlError> {
        check_input(&self.spec, features, rows)?;
        Ok(self.probabilities.repeat(rows))
    }
}
