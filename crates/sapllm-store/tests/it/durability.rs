//! The database file: WAL mode, reopening, concurrent writers.

use sapllm_core::{FileKind, Route};
use sapllm_store::{AuditAction, DocumentFilter, DocumentStatus, FixedClock, Store};
use sqlx::Connection;
use std::sync::Arc;

use crate::support::{Inv, pdf_bytes, result, t0};

#[tokio::test]
async fn file_database_runs_in_wal_mode_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested").join("data");
    let store = Store::open(&data).await.unwrap();
    assert!(data.join("sapllm.db").is_file());
    assert!(data.join("originals").is_dir());

    let diag = store.diagnostics().await.unwrap();
    assert_eq!(diag.journal_mode, "wal");
    assert!(diag.foreign_keys);
    assert!(diag.busy_timeout_ms >= 1000, "{diag:?}");
    assert_eq!(diag.schema_version, Some(4));
    assert_eq!(diag.data_dir.as_deref(), Some(data.as_path()));
    assert_eq!(store.data_dir(), Some(data.as_path()));

    // WAL is a property of the file: a plain connection sees it too.
    let url = format!("sqlite://{}", data.join("sapllm.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    conn.close().await.unwrap();
    store.close().await;

    let memory = Store::open_in_memory().await.unwrap();
    assert_eq!(memory.diagnostics().await.unwrap().data_dir, None);
}

#[tokio::test]
async fn reopening_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t0()));
    let store = Store::open_with_clock(dir.path(), clock.clone())
        .await
        .unwrap();
    let bytes = pdf_bytes(7);
    let hash = store
        .put_original(&bytes, "seven.pdf", FileKind::Pdf)
        .await
        .unwrap()
        .hash;
    store
        .put_original(&bytes, "seven-again.pdf", FileKind::Pdf)
        .await
        .unwrap();
    let r1 = result(&hash, &Inv::default());
    let r2 = result(
        &hash,
        &Inv {
            route: Route::AutoApprove,
            ..Inv::default()
        },
    );
    store.save_result(&hash, &r1).await.unwrap();
    store.save_result(&hash, &r2).await.unwrap();
    store
        .set_status(&hash, DocumentStatus::Approved, "anna", Some("ok"))
        .await
        .unwrap();
    let trail_before = store.audit_trail(&hash).await.unwrap();
    store.close().await;

    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.original_bytes(&hash).await.unwrap(), bytes);
    let doc = store.document(&hash).await.unwrap();
    assert_eq!(doc.status, DocumentStatus::Approved);
    assert_eq!(doc.received_at, t0());
    assert_eq!(store.latest_result(&hash).await.unwrap().unwrap(), (2, r2));
    assert_eq!(store.result(&hash, 1).await.unwrap(), r1);
    assert_eq!(store.file_names(&hash).await.unwrap().len(), 2);
    assert_eq!(store.audit_trail(&hash).await.unwrap(), trail_before);
    assert_eq!(
        trail_before.last().unwrap().action,
        AuditAction::StatusChanged
    );
    assert_eq!(store.find_by_prefix(hash.short()).await.unwrap(), hash);
    // Migrations are not re-applied and intake still deduplicates.
    assert!(
        !store
            .put_original(&bytes, "seven.pdf", FileKind::Pdf)
            .await
            .unwrap()
            .is_new
    );
    assert_eq!(store.diagnostics().await.unwrap().documents, 1);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_do_not_fail() {
    const PER_TASK: u32 = 20;
    let dir = tempfile::tempdir().unwrap();
    // Two independent stores (two pools) on one database file, plus a clone of one of them:
    // writers contend for SQLite's write lock and must wait, not fail.
    let one = Store::open(dir.path()).await.unwrap();
    let two = Store::open(dir.path()).await.unwrap();
    let stores = [one.clone(), two.clone(), one.clone()];
    let mut tasks = Vec::new();
    for (t, store) in stores.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            for i in 0..PER_TASK {
                let n = t as u32 * 1000 + i;
                let h = store
                    .put_original(&pdf_bytes(n), &format!("{n}.pdf"), FileKind::Pdf)
                    .await?
                    .hash;
                // The same shared document from every task, too.
                store
                    .put_original(
                        &pdf_bytes(424242),
                        &format!("shared-{t}-{i}.pdf"),
                        FileKind::Pdf,
                    )
                    .await?;
                store.save_result(&h, &result(&h, &Inv::default())).await?;
                store
                    .save_result(
                        &h,
                        &result(
                            &h,
                            &Inv {
                                route: Route::AutoApprove,
                                ..Inv::default()
                            },
                        ),
                    )
                    .await?;
            }
            Ok::<_, sapllm_store::StoreError>(())
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let all = two
        .list_documents(&DocumentFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 3 * PER_TASK as usize + 1);
    let counts = one.counts_by_status().await.unwrap();
    assert_eq!(counts[&DocumentStatus::ReadyToPost], 3 * PER_TASK as u64);
    let shared = one
        .put_original(&pdf_bytes(424242), "x.pdf", FileKind::Pdf)
        .await
        .unwrap();
    assert!(!shared.is_new);
    assert_eq!(
        one.file_names(&shared.hash).await.unwrap().len(),
        3 * PER_TASK as usize + 1
    );
    one.close().await;
    two.close().await;
}
