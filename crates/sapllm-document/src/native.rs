//! The one resolver for native libraries (PDFium, ONNX Runtime).
//!
//! Search order, first hit wins:
//! 1. an explicit path from the configuration;
//! 2. an environment variable (`SAPLLM_PDFIUM_LIB`, `SAPLLM_ORT_LIB` or `ORT_DYLIB_PATH`);
//! 3. next to the executable (also `../lib` and `../resources`, where installers put them);
//! 4. the project cache filled by `make setup`: `$SAPLLM_CACHE_DIR/native/<name>/`, else
//!    `.cache/native/<name>/` in the current folder or any parent, else in the source checkout
//!    this binary was built from.
//!
//! A library found in 3 or 4 must match the pinned SHA-256 (the same pins as
//! `scripts/native-libs.txt`); one named explicitly (1, 2) is the operator's choice and is
//! accepted unverified, with that fact reported. When nothing is found the error lists every
//! place that was tried and the command that fixes it.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

use crate::DocumentError;

/// A native library the product loads at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeLibrary {
    Pdfium,
    OnnxRuntime,
}

/// How a library was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundBy {
    Explicit,
    Environment(&'static str),
    NextToExecutable,
    ProjectCache,
}

/// A library that was found, with whether its checksum matched the pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedLibrary {
    pub library: NativeLibrary,
    pub path: PathBuf,
    pub found_by: FoundBy,
    /// `true` when the file's SHA-256 equals the pinned one.
    pub verified: bool,
}

impl NativeLibrary {
    /// Folder name in the cache and in `scripts/native-libs.txt`.
    pub fn name(&self) -> &'static str {
        match self {
            NativeLibrary::Pdfium => "pdfium",
            NativeLibrary::OnnxRuntime => "onnxruntime",
        }
    }

    /// File name on this platform.
    pub fn file_name(&self) -> &'static str {
        match (self, std::env::consts::OS) {
            (NativeLibrary::Pdfium, "windows") => "pdfium.dll",
            (NativeLibrary::Pdfium, "macos") => "libpdfium.dylib",
            (NativeLibrary::Pdfium, _) => "libpdfium.so",
            (NativeLibrary::OnnxRuntime, "windows") => "onnxruntime.dll",
            (NativeLibrary::OnnxRuntime, "macos") => "libonnxruntime.dylib",
            (NativeLibrary::OnnxRuntime, _) => "libonnxruntime.so.1.31.1",
        }
    }

    /// Environment variables that name the library, in priority order.
    pub fn env_vars(&self) -> &'static [&'static str] {
        match self {
            NativeLibrary::Pdfium => &["SAPLLM_PDFIUM_LIB"],
            NativeLibrary::OnnxRuntime => &["SAPLLM_ORT_LIB", "ORT_DYLIB_PATH"],
        }
    }

    /// Pinned SHA-256 of the Linux x86-64 build taken from the registry wheel.
    pub fn pinned_sha256(&self) -> &'static str {
        match self {
            NativeLibrary::Pdfium => {
                "c76dc0f7839644bfa7c3e3107a6068df714e339c861bb7d4519907b821d427f9"
            }
            NativeLibrary::OnnxRuntime => {
                "fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3"
            }
        }
    }
}

/// Finds `library`. `explicit` is the configured path, if any.
pub fn resolve(
    library: NativeLibrary,
    explicit: Option<&Path>,
) -> Result<ResolvedLibrary, DocumentError> {
    let env = |k: &str| std::env::var_os(k).map(PathBuf::from);
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let cwd = std::env::current_dir().ok();
    let caches = cache_dirs(&env, cwd.as_deref());
    resolve_in(library, explicit, &env, exe_dir.as_deref(), &caches)
}

/// The resolver with its environment injected (testable without touching the process).
pub fn resolve_in(
    library: NativeLibrary,
    explicit: Option<&Path>,
    env: &dyn Fn(&str) -> Option<PathBuf>,
    exe_dir: Option<&Path>,
    caches: &[PathBuf],
) -> Result<ResolvedLibrary, DocumentError> {
    let mut tried: Vec<String> = Vec::new();
    let found = |path: PathBuf, found_by: FoundBy| {
        let verified = sha256_file(&path).is_some_and(|h| h == library.pinned_sha256());
        ResolvedLibrary {
            library,
            path,
            found_by,
            verified,
        }
    };

    if let Some(p) = explicit {
        if p.is_file() {
            return Ok(found(p.to_path_buf(), FoundBy::Explicit));
        }
        tried.push(format!("configured path {} (no such file)", p.display()));
    }
    for var in library.env_vars() {
        if let Some(p) = env(var) {
            if p.is_file() {
                return Ok(found(p, FoundBy::Environment(var)));
            }
            tried.push(format!("${var} = {} (no such file)", p.display()));
        }
    }

    let file = library.file_name();
    let mut pinned_candidates: Vec<(PathBuf, FoundBy)> = Vec::new();
    if let Some(dir) = exe_dir {
        for sub in [".", "../lib", "../resources", "resources"] {
            pinned_candidates.push((dir.join(sub).join(file), FoundBy::NextToExecutable));
        }
    }
    for cache in caches {
        pinned_candidates.push((
            cache.join("native").join(library.name()).join(file),
            FoundBy::ProjectCache,
        ));
    }
    for (path, found_by) in pinned_candidates {
        if !path.is_file() {
            tried.push(format!("{} (absent)", path.display()));
            continue;
        }
        let r = found(path.clone(), found_by);
        if r.verified {
            return Ok(r);
        }
        tried.push(format!(
            "{} (present but its SHA-256 does not match the pin)",
            path.display()
        ));
    }

    Err(DocumentError::LibraryMissing {
        library: library.name(),
        message: format!(
            "looked for {file} in: {}. Run `make setup` (fetches the pinned registry package and \
             verifies its checksum), or set {} to the library's path.",
            tried.join("; "),
            library.env_vars()[0]
        ),
    })
}

/// Project cache folders to search: `$SAPLLM_CACHE_DIR`, `.cache` in the working folder or
/// a parent, and the checkout this binary was built from (developer builds).
fn cache_dirs(env: &dyn Fn(&str) -> Option<PathBuf>, cwd: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = env("SAPLLM_CACHE_DIR") {
        dirs.push(d);
    }
    if let Some(mut d) = cwd {
        loop {
            dirs.push(d.join(".cache"));
            match d.parent() {
                Some(p) => d = p,
                None => break,
            }
        }
    }
    // crates/sapllm-document → workspace root.
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache");
    if !dirs.contains(&built_from) {
        dirs.push(built_from);
    }
    dirs
}

/// SHA-256 of a file, hex; `None` if it cannot be read.
pub fn sha256_file(path: &Path) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).ok()?;
    Some(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(map: HashMap<&'static str, PathBuf>) -> impl Fn(&str) -> Option<PathBuf> {
        move |k: &str| map.get(k).cloned()
    }

    #[test]
    fn explicit_then_environment_then_cache_and_a_clear_error_otherwise() {
        let tmp = tempfile::tempdir().unwrap();
        let explicit = tmp.path().join("my-pdfium.so");
        std::fs::write(&explicit, b"not really a library").unwrap();
        let empty = env_of(HashMap::new());

        let r = resolve_in(NativeLibrary::Pdfium, Some(&explicit), &empty, None, &[]).unwrap();
        assert_eq!(r.found_by, FoundBy::Explicit);
        assert!(
            !r.verified,
            "a file that is not the pinned build is reported unverified"
        );

        let env = env_of(HashMap::from([("SAPLLM_PDFIUM_LIB", explicit.clone())]));
        let r = resolve_in(NativeLibrary::Pdfium, None, &env, None, &[]).unwrap();
        assert_eq!(r.found_by, FoundBy::Environment("SAPLLM_PDFIUM_LIB"));

        // A cache copy with the wrong checksum is refused, and the error says where it looked
        // and how to fix it.
        let cache = tmp.path().join("cache");
        let lib_dir = cache.join("native/pdfium");
        std::fs::create_dir_all(&lib_dir).unwrap();
        std::fs::write(lib_dir.join(NativeLibrary::Pdfium.file_name()), b"tampered").unwrap();
        let err = resolve_in(
            NativeLibrary::Pdfium,
            None,
            &empty,
            Some(tmp.path()),
            &[cache],
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("does not match the pin"), "{msg}");
        assert!(msg.contains("make setup"), "{msg}");
        assert_eq!(err.code(), "library_missing");
    }

    #[test]
    fn the_pinned_build_in_the_cache_is_found_and_verified() {
        let tmp = tempfile::tempdir().unwrap();
        let lib_dir = tmp.path().join("native/pdfium");
        std::fs::create_dir_all(&lib_dir).unwrap();
        let path = lib_dir.join(NativeLibrary::Pdfium.file_name());
        std::fs::write(&path, b"x").unwrap();
        // Only the checksum decides: a file with other content is not verified...
        let empty = env_of(HashMap::new());
        assert!(
            resolve_in(
                NativeLibrary::Pdfium,
                None,
                &empty,
                None,
                &[tmp.path().into()]
            )
            .is_err()
        );
        // ...and the real cache (after `make setup`) is.
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache");
        if real
            .join("native/pdfium")
            .join(NativeLibrary::Pdfium.file_name())
            .is_file()
        {
            let r = resolve_in(NativeLibrary::Pdfium, None, &empty, None, &[real]).unwrap();
            assert!(r.verified);
            assert_eq!(r.found_by, FoundBy::ProjectCache);
        }
    }

    #[test]
    fn pins_agree_with_the_setup_script() {
        let list = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/native-libs.txt"),
        )
        .unwrap();
        for lib in [NativeLibrary::Pdfium, NativeLibrary::OnnxRuntime] {
            let line = list
                .lines()
                .find(|l| l.split_whitespace().next() == Some(lib.name()))
                .unwrap_or_else(|| panic!("{} missing from native-libs.txt", lib.name()));
            let cols: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(cols[6], lib.pinned_sha256(), "pin of {}", lib.name());
            assert!(
                cols[5].ends_with(lib.file_name()),
                "file name of {}",
                lib.name()
            );
        }
    }
}
