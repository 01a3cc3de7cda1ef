//! Content-addressed originals: `<data>/originals/ab/cdef….bin`, written once, atomically.

use sapllm_core::ContentHash;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::StoreError;

/// Name of the originals folder inside the data folder.
pub(crate) const ORIGINALS_DIR: &str = "originals";

/// SHA-256 of `bytes` as a [`ContentHash`].
pub(crate) fn hash_bytes(bytes: &[u8]) -> ContentHash {
    let digest = Sha256::digest(bytes);
    ContentHash::from_hex(&hex::encode(digest)).expect("a SHA-256 hex digest is 64 hex chars")
}

/// Where originals live.
#[derive(Debug, Clone)]
pub(crate) enum Originals {
    /// Files under this folder (`<data>/originals`).
    Dir(PathBuf),
    /// In memory (for [`crate::Store::open_in_memory`]).
    Memory(Arc<Mutex<HashMap<ContentHash, Arc<Vec<u8>>>>>),
}

impl Originals {
    pub(crate) fn memory() -> Self {
        Originals::Memory(Arc::default())
    }

    /// The content path of an original: `<root>/ab/cdef….bin` (`None` in memory).
    pub(crate) fn path_of(&self, hash: &ContentHash) -> Option<PathBuf> {
        match self {
            Originals::Dir(root) => {
                let h = hash.as_str();
                Some(root.join(&h[..2]).join(format!("{}.bin", &h[2..])))
            }
            Originals::Memory(_) => None,
        }
    }

    /// Stores the bytes under their hash unless they are there already. Returns whether it
    /// wrote anything. The file is complete on disk (fsynced, renamed into place) when this
    /// returns.
    pub(crate) async fn put(&self, hash: &ContentHash, bytes: &[u8]) -> Result<bool, StoreError> {
        match self {
            Originals::Dir(_) => {
                let path = self.path_of(hash).expect("a folder store has paths");
                let bytes = bytes.to_vec();
                let p = path.clone();
                tokio::task::spawn_blocking(move || write_once(&p, &bytes))
                    .await
                    .map_err(|e| StoreError::io("write original", &path, io::Error::other(e)))?
                    .map_err(|e| StoreError::io("write original", &path, e))
            }
            Originals::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
                if map.contains_key(hash) {
                    return Ok(false);
                }
                map.insert(hash.clone(), Arc::new(bytes.to_vec()));
                Ok(true)
            }
        }
    }

    /// Reads an original back and checks that its bytes still hash to its name.
    pub(crate) async fn get(&self, hash: &ContentHash) -> Result<Vec<u8>, StoreError> {
        let bytes = match self {
            Originals::Dir(_) => {
                let path = self.path_of(hash).expect("a folder store has paths");
                let p = path.clone();
                let read = tokio::task::spawn_blocking(move || fs::read(&p))
                    .await
                    .map_err(|e| StoreError::io("read original", &path, io::Error::other(e)))?;
                match read {
                    Ok(b) => b,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        return Err(StoreError::not_found("original", hash.as_str()));
                    }
                    Err(e) => return Err(StoreError::io("read original", &path, e)),
                }
            }
            Originals::Memory(map) => {
                let map = map.lock().unwrap_or_else(|e| e.into_inner());
                match map.get(hash) {
                    Some(b) => b.as_ref().clone(),
                    None => return Err(StoreError::not_found("original", hash.as_str())),
                }
            }
        };
        if hash_bytes(&bytes) != *hash {
            return Err(StoreError::Corrupt(format!(
                "original {hash} no longer matches its hash"
            )));
        }
        Ok(bytes)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder (write, fsync,
/// rename, fsync the folder) unless a file of the same size is there already. Because the
/// rename is atomic, an existing file is always complete.
fn write_once(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let complete = fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    if complete {
        return Ok(false);
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().expect("content paths have a folder");
    let created_dir = !dir.is_dir();
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("original");
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(dir)?;
        if let (true, Some(parent)) = (created_dir, dir.parent()) {
            sync_dir(parent)?;
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written.map(|()| true)
}

/// Makes a rename in `dir` durable (on Unix; elsewhere the rename is durable enough).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            hash_bytes(b"abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn content_path_splits_the_first_two_hex_chars() {
        let o = Originals::Dir(PathBuf::from("/data/originals"));
        let h = hash_bytes(b"abc");
        assert_eq!(
            o.path_of(&h).unwrap(),
            Path::new("/data/originals/ba")
                .join("7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.bin")
        );
        assert_eq!(Originals::memory().path_of(&h), None);
    }

    #[test]
    fn write_once_writes_then_skips_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ab").join("cdef.bin");
        assert!(write_once(&path, b"hello").unwrap());
        assert!(!write_once(&path, b"hello").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"hello");
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["cdef.bin".to_owned()]);
        // A truncated file (not possible through write_once, but a disk may do it) is replaced.
        fs::write(&path, b"he").unwrap();
        assert!(write_once(&path, b"hello").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"hello");
    }
}
