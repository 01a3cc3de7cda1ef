//! Trained classifiers (scikit-learn, exported by `models/train.py`) run through ONNX Runtime.
//!
//! The export has one float input `features` of shape `[rows, features]` and, with the
//! ZipMap post-processing switched off, an output `probabilities` of shape `[rows, classes]`.

use std::path::Path;
use std::sync::Mutex;

use ort::session::Session;
use ort::value::Tensor;
use sapllm_document::native::sha256_file;

use crate::MlError;
use crate::model::{Model, ModelSpec, check_input, find_model_dir};
use crate::runtime;

/// A trained classifier loaded from `<dir>/model.onnx` + `<dir>/model.json`.
pub struct OnnxModel {
    spec: ModelSpec,
    session: Mutex<Session>,
}

impl std::fmt::Debug for OnnxModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxModel")
            .field("spec", &self.spec)
            .finish()
    }
}

impl OnnxModel {
    /// Loads the model in `dir` after checking the ONNX file against the spec's SHA-256 and the
    /// feature code version the caller computes features with.
    pub fn load(dir: &Path, feature_version: u32, threads: usize) -> Result<Self, MlError> {
        let spec = ModelSpec::read(&dir.join("model.json"))?;
        if spec.feature_version != feature_version {
            return Err(MlError::BadModel(format!(
                "{}: trained on feature version {}, this build computes version {feature_version}; retrain (models/train.py)",
                spec.label(),
                spec.feature_version
            )));
        }
        let onnx = dir.join("model.onnx");
        let actual = sha256_file(&onnx)
            .ok_or_else(|| MlError::BadModel(format!("cannot read {}", onnx.display())))?;
        if !actual.eq_ignore_ascii_case(&spec.sha256) {
            return Err(MlError::ChecksumMismatch {
                path: onnx,
                expected: spec.sha256.clone(),
                actual,
            });
        }
        let session = runtime::session(&onnx, threads)?;
        Ok(Self {
            spec,
            session: Mutex::new(session),
        })
    }

    /// Finds the model `name` by the search order of [`find_model_dir`] and loads it.
    pub fn find(
        name: &str,
        explicit_root: Option<&Path>,
        feature_version: u32,
        threads: usize,
    ) -> Result<Self, MlError> {
        let dir = find_model_dir(name, explicit_root)?;
        Self::load(&dir, feature_version, threads)
    }
}

impl Model for OnnxModel {
    fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    fn predict(&self, features: &[f32], rows: usize) -> Result<Vec<f32>, MlError> {
        check_input(&self.spec, features, rows)?;
        if rows == 0 {
            return Ok(Vec::new());
        }
        let input = Tensor::from_array(([rows, self.spec.features], features.to_vec()))?;
        let mut sess = self
            .session
            .lock()
            .map_err(|_| MlError::Inference("model session poisoned".into()))?;
        let out = sess.run(ort::inputs!["features" => input])?;
        let probs = out.get("probabilities").ok_or_else(|| {
            MlError::BadModel(format!("{}: no output 'probabilities'", self.spec.label()))
        })?;
        let (shape, data) = probs.try_extract_tensor::<f32>()?;
        let classes = self.spec.classes.len();
        if shape.len() != 2 || shape[0] as usize != rows || shape[1] as usize != classes {
            return Err(MlError::BadModel(format!(
                "{}: output shape {shape:?}, expected [{rows}, {classes}]",
                self.spec.label()
            )));
        }
        Ok(data.to_vec())
    }
}
