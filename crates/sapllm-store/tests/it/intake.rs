//! Intake, originals and prefix lookup.

use sapllm_core::FileKind;
use sapllm_store::{AuditAction, DocumentStatus, Store, StoreError};
use sha2::{Digest, Sha256};

use crate::support::{memory_store, pdf_bytes, t0, tick};

#[tokio::test]
async fn same_bytes_twice_make_one_document_with_two_names() {
    let (store, clock) = memory_store().await;
    let bytes = pdf_bytes(1);
    let first = store
        .put_original(&bytes, "invoice.pdf", FileKind::Pdf)
        .await
        .unwrap();
    assert!(first.is_new);
    assert_eq!(first.hash.as_str(), hex::encode(Sha256::digest(&bytes)));
    assert_eq!(first.document.status, DocumentStatus::Received);
    assert_eq!(first.document.file_name, "invoice.pdf");
    assert_eq!(first.document.size_bytes, bytes.len() as u64);
    assert_eq!(first.document.received_at, t0());

    tick(&clock);
    let second = store
        .put_original(&bytes, "scan-copy.pdf", FileKind::Pdf)
        .await
        .unwrap();
    assert!(!second.is_new);
    assert_eq!(second.hash, first.hash);
    assert_eq!(second.document, first.document, "the row is unchanged");
    tick(&clock);
    let third = store
        .put_original(&bytes, "invoice.pdf", FileKind::Pdf)
        .await
        .unwrap();
    assert!(!third.is_new);

    let counts = store.counts_by_status().await.unwrap();
    assert_eq!(counts.values().sum::<u64>(), 1);
    assert_eq!(counts[&DocumentStatus::Received], 1);

    let names = store.file_names(&first.hash).await.unwrap();
    let listed: Vec<(&str, u32)> = names
        .iter()
        .map(|n| (n.file_name.as_str(), n.times_seen))
        .collect();
    assert_eq!(listed, vec![("invoice.pdf", 2), ("scan-copy.pdf", 1)]);
    assert_eq!(names[0].first_seen_at, t0());
    assert_eq!(names[0].last_seen_at, t0() + chrono::Duration::seconds(2));

    let trail = store.audit_trail(&first.hash).await.unwrap();
    let actions: Vec<AuditAction> = trail.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::Intake,
            AuditAction::IntakeRepeat,
            AuditAction::IntakeRepeat
        ]
    );
    assert_eq!(trail[1].detail["file_name"], "scan-copy.pdf");
    assert_eq!(trail[1].detail["new_name"], true);
    assert_eq!(trail[2].detail["new_name"], false);

    // Other bytes: another document.
    let other = store
        .put_original(&pdf_bytes(2), "invoice.pdf", FileKind::Pdf)
        .await
        .unwrap();
    assert!(other.is_new);
    assert_ne!(other.hash, first.hash);
}

#[tokio::test]
async fn originals_round_trip_and_live_at_their_content_path() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let intake = store
        .put_original(&bytes, "big.png", FileKind::Png)
        .await
        .unwrap();
    let h = intake.hash.as_str();
    let expected = dir
        .path()
        .join("originals")
        .join(&h[..2])
        .join(format!("{}.bin", &h[2..]));
    assert_eq!(store.original_path(&intake.hash).unwrap(), expected);
    assert_eq!(std::fs::read(&expected).unwrap(), bytes);
    assert_eq!(store.original_bytes(&intake.hash).await.unwrap(), bytes);
    // Nothing else in the shard folder (no temporary files left behind).
    assert_eq!(
        std::fs::read_dir(expected.parent().unwrap())
            .unwrap()
            .count(),
        1
    );
    assert_eq!(intake.document.file_kind, FileKind::Png);

    // A damaged original is reported, not returned.
    std::fs::write(&expected, b"tampered").unwrap();
    let err = store.original_bytes(&intake.hash).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err}");

    // Unknown hash.
    let unknown = sapllm_core::ContentHash::from_hex(&"0".repeat(64)).unwrap();
    assert!(
        store
            .original_bytes(&unknown)
            .await
            .unwrap_err()
            .is_not_found()
    );
    store.close().await;
}

#[tokio::test]
async fn in_memory_originals_round_trip() {
    let (store, _) = memory_store().await;
    let intake = store
        .put_original(b"%PDF-1.4 tiny", "a.pdf", FileKind::Pdf)
        .await
        .unwrap();
    assert_eq!(store.original_path(&intake.hash), None);
    assert_eq!(
        store.original_bytes(&intake.hash).await.unwrap(),
        b"%PDF-1.4 tiny"
    );
}

/// Two byte strings whose hashes share their first four hex characters.
fn colliding_pair() -> (Vec<u8>, Vec<u8>, String) {
    let mut seen = std::collections::HashMap::new();
    for n in 0u32.. {
        let bytes = pdf_bytes(n);
        let h = hex::encode(Sha256::digest(&bytes));
        let prefix = h[..4].to_owned();
        if let Some(other) = seen.insert(prefix.clone(), bytes.clone()) {
            return (other, bytes, prefix);
        }
    }
    unreachable!()
}

#[tokio::test]
async fn prefix_lookup_is_unique_ambiguous_or_unknown() {
    let (store, _) = memory_store().await;
    let (a, b, shared) = colliding_pair();
    let ha = store
        .put_original(&a, "a.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    let hb = store
        .put_original(&b, "b.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;

    // Unique: 12 characters (what `short()` shows), upper case too, and the full hash.
    assert_eq!(store.find_by_prefix(ha.short()).await.unwrap(), ha);
    assert_eq!(
        store
            .find_by_prefix(&hb.as_str()[..8].to_uppercase())
            .await
            .unwrap(),
        hb
    );
    assert_eq!(store.find_by_prefix(ha.as_str()).await.unwrap(), ha);

    // Ambiguous: the shared four characters name both, and the error lists them.
    match store.find_by_prefix(&shared).await.unwrap_err() {
        StoreError::AmbiguousPrefix { prefix, candidates } => {
            assert_eq!(prefix, shared);
            assert_eq!(candidates.len(), 2);
            assert!(candidates.contains(&ha.short().to_owned()));
            assert!(candidates.contains(&hb.short().to_owned()));
        }
        other => panic!("expected AmbiguousPrefix, got {other}"),
    }
    let msg = store.find_by_prefix(&shared).await.unwrap_err().to_string();
    assert!(
        msg.contains("ambiguous") && msg.contains(ha.short()),
        "{msg}"
    );

    // Unknown: a prefix that none of the two has.
    let unknown = if ha.as_str().starts_with("ffff") {
        "0000"
    } else {
        "ffff"
    };
    assert!(
        store
            .find_by_prefix(unknown)
            .await
            .unwrap_err()
            .is_not_found()
    );

    // Malformed.
    for bad in ["", "abc", "xyz12345", "12 34"] {
        let err = store.find_by_prefix(bad).await.unwrap_err();
        assert!(matches!(err, StoreError::InvalidInput(_)), "{bad}: {err}");
    }
}
