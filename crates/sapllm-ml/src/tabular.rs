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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::find_model_dir;

    /// The committed ranker ignores the features its spec lists as ignored (the training
    /// script zeroes them, so no tree may split on them), while it does respond to a feature
    /// it uses: the rule confidence (column 29).
    #[test]
    fn the_committed_ranker_ignores_the_features_it_was_told_to_ignore() {
        let dir = find_model_dir("ranker", None).expect("models/ranker in the checkout");
        let spec: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("model.json")).expect("model.json"),
        )
        .expect("model.json is JSON");
        let ignored: Vec<usize> = spec["ignored_features"]
            .as_array()
            .expect("the ranker's spec lists its ignored features")
            .iter()
            .map(|v| v.as_u64().expect("feature index") as usize)
            .collect();
        assert!(!ignored.is_empty());
        let model = OnnxModel::load(&dir, spec["feature_version"].as_u64().unwrap() as u32, 1)
            .expect("ranker loads");
        let width = model.spec().features;
        // An invoice-number candidate read after a label, in the upper third of page 1.
        let mut base = vec![0.0_f32; width];
        let set = |row: &mut Vec<f32>, pairs: &[(usize, f32)]| {
            for &(i, v) in pairs {
                row[i] = v;
            }
        };
        set(
            &mut base,
            &[
                (10, 1.0),
                (20, 1.0),
                (28, 0.9),
                (29, 0.9),
                (30, 0.69),
                (31, 0.14),
                (33, 0.25),
                (34, 0.4),
                (37, 0.2),
                (38, 0.6),
                (39, 1.0),
                (40, 1.0),
                (41, 1.0),
                (43, 0.3),
                (44, 0.7),
                (45, 0.2),
                (46, 1.0),
                (47, 0.1),
                (54, 1.0),
                (64, 0.2),
            ],
        );
        let p = |row: &[f32]| model.predict(row, 1).expect("prediction")[1];
        let reference = p(&base);
        for &i in &ignored {
            for v in [0.0, 0.125, 0.5, 1.0, 1.5, 4.0] {
                let mut row = base.clone();
                row[i] = v;
                assert!(
                    (p(&row) - reference).abs() < 1e-6,
                    "feature {i} = {v} changed the probability from {reference}"
                );
            }
        }
        let mut weak = base.clone();
        set(&mut weak, &[(28, 0.2), (29, 0.2), (34, -0.5)]);
        assert!(
            (p(&weak) - reference).abs() > 0.01,
            "the rule confidence should move the probability ({reference} vs {})",
            p(&weak)
        );
    }
}
