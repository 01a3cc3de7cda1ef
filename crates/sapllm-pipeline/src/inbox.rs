//! Stage 1 — inbox: content hash, size limits, type sniffing, dedup against the store.

use sapllm_core::{ContentHash, FileKind};
use sapllm_document::{DocumentError, sniff};
use sha2::{Digest, Sha256};

use crate::config::Limits;
use crate::prior::PriorDocuments;

/// A file accepted into the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub hash: ContentHash,
    pub kind: FileKind,
    pub size: u64,
}

/// What the inbox decided about a received file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxOutcome {
    /// Never seen: process it.
    New(Received),
    /// The same bytes were received before; `status` is what the store says about them.
    AlreadyKnown { received: Received, status: String },
}

/// SHA-256 of the bytes.
pub fn content_hash(bytes: &[u8]) -> ContentHash {
    let digest = Sha256::digest(bytes);
    ContentHash::from_hex(&hex::encode(digest)).expect("a SHA-256 hex digest is 64 hex chars")
}

/// Checks limits and sniffs the type. The size limits come first so that a huge file is
/// refused before anything reads it.
pub fn receive(bytes: &[u8], limits: &Limits) -> Result<Received, DocumentError> {
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(DocumentError::Empty);
    }
    if size > limits.max_file_bytes {
        return Err(DocumentError::TooLarge {
            size,
            limit: limits.max_file_bytes,
        });
    }
    let kind = sniff::sniff(bytes)?;
    if size < limits.min_file_bytes {
        return Err(DocumentError::CorruptPdf(format!(
            "only {size} bytes: truncated"
        )));
    }
    Ok(Received {
        hash: content_hash(bytes),
        kind,
        size,
    })
}

/// Receives a file and asks the store whether these exact bytes are known.
pub fn intake(
    bytes: &[u8],
    limits: &Limits,
    prior: &dyn PriorDocuments,
) -> Result<InboxOutcome, DocumentError> {
    let received = receive(bytes, limits)?;
    Ok(match prior.status_of(&received.hash) {
        Some(status) => InboxOutcome::AlreadyKnown { received, status },
        None => InboxOutcome::New(received),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::tests::FakePrior;

    #[test]
    fn hash_sniff_limits_and_dedup() {
        let limits = Limits {
            max_file_bytes: 64,
            min_file_bytes: 8,
        };
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";
        let r = receive(pdf, &limits).unwrap();
        assert_eq!(r.kind, FileKind::Pdf);
        assert_eq!(r.hash, content_hash(pdf));
        assert_eq!(r.hash.as_str().len(), 64);
        // Known SHA-256 of "abc".
        assert_eq!(
            content_hash(b"abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );

        assert_eq!(receive(&[], &limits).unwrap_err().code(), "empty_file");
        assert_eq!(
            receive(&[b'x'; 65], &limits).unwrap_err().code(),
            "too_large"
        );
        assert_eq!(
            receive(b"hello world, not a pdf", &limits)
                .unwrap_err()
                .code(),
            "unsupported_type"
        );

        let mut prior = FakePrior::default();
        assert!(matches!(
            intake(pdf, &limits, &prior).unwrap(),
            InboxOutcome::New(_)
        ));
        prior.known.insert(r.hash.clone(), "to_review".into());
        match intake(pdf, &limits, &prior).unwrap() {
            InboxOutcome::AlreadyKnown { status, .. } => assert_eq!(status, "to_review"),
            other => panic!("expected a known document, got {other:?}"),
        }
    }
}
