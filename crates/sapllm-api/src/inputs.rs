//! Turning the paths a person gave (files and folders) into the list of files to process.

use std::path::{Path, PathBuf};

/// Files named directly, and every regular file below named folders (recursively, sorted,
/// hidden files and ground-truth `.json` twins skipped). Symbolic links are not followed into
/// folders, so a link loop cannot hang a batch.
pub fn collect_inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            walk(&p, out);
        } else if meta.is_file() && !is_sidecar(&p) {
            out.push(p);
        }
    }
}

/// Ground-truth twins and notes next to documents are not documents.
fn is_sidecar(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("json" | "md" | "txt" | "tsv")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_sorted_and_sidecars_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("sub")).unwrap();
        for f in [
            "b.pdf",
            "a.pdf",
            "a.json",
            "sub/c.xml",
            ".hidden.pdf",
            "README.md",
        ] {
            std::fs::write(tmp.path().join(f), b"x").unwrap();
        }
        let got = collect_inputs(&[tmp.path().to_path_buf()]);
        let names: Vec<String> = got
            .iter()
            .map(|p| p.strip_prefix(tmp.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.pdf", "b.pdf", "sub/c.xml"]);
    }
}
