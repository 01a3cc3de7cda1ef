//! Learned-state versions, the serving pointer and the replay set (schema 4). The state itself
//! is opaque JSON here: the store does not know what was learned, only which version serves.

use chrono::{DateTime, Utc};
use sapllm_core::ContentHash;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::sqlite::{self, fmt_ts, parse_ts};
use crate::{Store, StoreError};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One version of the learned state, without its body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnedVersion {
    pub version: u64,
    pub parent: Option<u64>,
    pub created_at: DateTime<Utc>,
    /// `promoted`, `rejected`, `imported`.
    pub status: String,
    pub reason: String,
    pub document_hash: Option<String>,
    pub user: Option<String>,
    pub score_parent: Option<f64>,
    pub score_candidate: Option<f64>,
    pub replay_docs: u32,
    /// Whether this version serves now.
    pub serving: bool,
}

/// A version to record.
#[derive(Debug, Clone)]
pub struct NewLearnedVersion<'a> {
    pub parent: Option<u64>,
    pub status: &'a str,
    pub reason: &'a str,
    pub document: Option<&'a ContentHash>,
    pub user: &'a str,
    pub score_parent: Option<f64>,
    pub score_candidate: Option<f64>,
    pub replay_docs: u32,
    pub state_json: &'a str,
    /// Make it the serving version in the same transaction.
    pub serve: bool,
}

impl Store {
    /// The serving version and its state, if any version serves.
    pub async fn learned_serving(&self) -> Result<Option<(u64, String)>> {
        let row = sqlx::query(
            "SELECT v.version, v.state_json FROM learning_serving s \
             JOIN learned_versions v ON v.version = s.version WHERE s.id = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| (r.get::<i64, _>(0) as u64, r.get::<String, _>(1))))
    }

    /// Records a version (and makes it serve when asked), in one transaction.
    pub async fn record_learned_version(&self, v: &NewLearnedVersion<'_>) -> Result<u64> {
        let now = fmt_ts(self.now());
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let id = sqlx::query(
            "INSERT INTO learned_versions (parent, created_at, status, reason, document_hash, \
             user_name, score_parent, score_candidate, replay_docs, state_json) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(v.parent.map(|p| p as i64))
        .bind(&now)
        .bind(v.status)
        .bind(v.reason)
        .bind(v.document.map(|h| h.as_str().to_owned()))
        .bind(v.user)
        .bind(v.score_parent)
        .bind(v.score_candidate)
        .bind(i64::from(v.replay_docs))
        .bind(v.state_json)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        if v.serve {
            sqlx::query(
                "INSERT INTO learning_serving (id, version, since, by_user) VALUES (1, ?, ?, ?) \
                 ON CONFLICT (id) DO UPDATE SET version = excluded.version, since = excluded.since, \
                 by_user = excluded.by_user",
            )
            .bind(id)
            .bind(&now)
            .bind(v.user)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id as u64)
    }

    /// Makes `version` serve (a rollback, or a roll forward).
    pub async fn set_learned_serving(&self, version: u64, user: &str) -> Result<()> {
        let now = fmt_ts(self.now());
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let exists = sqlx::query("SELECT 1 FROM learned_versions WHERE version = ?")
            .bind(version as i64)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !exists {
            return Err(StoreError::NotFound {
                what: "learned version",
                key: version.to_string(),
            });
        }
        sqlx::query(
            "INSERT INTO learning_serving (id, version, since, by_user) VALUES (1, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET version = excluded.version, since = excluded.since, \
             by_user = excluded.by_user",
        )
        .bind(version as i64)
        .bind(&now)
        .bind(user)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every version, newest first.
    pub async fn learned_versions(&self) -> Result<Vec<LearnedVersion>> {
        let serving = sqlx::query("SELECT version FROM learning_serving WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.get::<i64, _>(0));
        let rows = sqlx::query(
            "SELECT version, parent, created_at, status, reason, document_hash, user_name, \
             score_parent, score_candidate, replay_docs FROM learned_versions ORDER BY version DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let version: i64 = r.get(0);
                Ok(LearnedVersion {
                    version: version as u64,
                    parent: r.get::<Option<i64>, _>(1).map(|p| p as u64),
                    created_at: parse_ts(&r.get::<String, _>(2))?,
                    status: r.get(3),
                    reason: r.get(4),
                    document_hash: r.get(5),
                    user: r.get(6),
                    score_parent: r.get(7),
                    score_candidate: r.get(8),
                    replay_docs: r.get::<i64, _>(9) as u32,
                    serving: serving == Some(version),
                })
            })
            .collect()
    }

    /// The state of one version.
    pub async fn learned_state(&self, version: u64) -> Result<String> {
        sqlx::query("SELECT state_json FROM learned_versions WHERE version = ?")
            .bind(version as i64)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.get::<String, _>(0))
            .ok_or(StoreError::NotFound {
                what: "learned version",
                key: version.to_string(),
            })
    }

    /// Adds (or refreshes) an approved document in the replay set.
    pub async fn put_replay(&self, hash: &ContentHash, replay_json: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO learning_replay (document_hash, added_at, replay_json) VALUES (?, ?, ?) \
             ON CONFLICT (document_hash) DO UPDATE SET added_at = excluded.added_at, \
             replay_json = excluded.replay_json",
        )
        .bind(hash.as_str())
        .bind(fmt_ts(self.now()))
        .bind(replay_json)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest `limit` documents of the replay set.
    pub async fn replay_set(&self, limit: u32) -> Result<Vec<(ContentHash, String)>> {
        let rows = sqlx::query(
            "SELECT document_hash, replay_json FROM learning_replay \
             ORDER BY added_at DESC, document_hash LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let h: String = r.get(0);
                Ok((
                    ContentHash::from_hex(&h)
                        .ok_or_else(|| StoreError::InvalidInput(format!("bad hash {h}")))?,
                    r.get(1),
                ))
            })
            .collect()
    }
}
