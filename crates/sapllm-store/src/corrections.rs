//! A clerk's corrections: each one stored with the result version it produced, in the same
//! transaction as that version and its `corrected` audit event.

use chrono::{DateTime, Utc};
use sapllm_core::{ContentHash, Correction, DocumentResult};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::model::AuditAction;
use crate::sqlite::{self, fmt_ts, parse_ts};
use crate::{Store, StoreError};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A stored correction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCorrection {
    /// Increasing in the order the corrections were recorded.
    pub id: i64,
    pub document_hash: ContentHash,
    /// The result version this correction produced.
    pub result_version: u32,
    pub correction: Correction,
}

impl Store {
    /// Records a correction and the result it produced, in one transaction: the result as the
    /// next version (with the status its route leads to, as [`Store::save_result`]), the
    /// correction row, and an audit event `corrected` by the correction's user whose detail
    /// has the target, old → new, the source (with its page and box) and the version.
    /// Returns the new result version.
    pub async fn record_correction(
        &self,
        hash: &ContentHash,
        correction: &Correction,
        new_result: &DocumentResult,
    ) -> Result<u32> {
        if new_result.hash != *hash {
            return Err(StoreError::InvalidInput(format!(
                "result of document {} recorded for document {}",
                new_result.hash.short(),
                hash.short()
            )));
        }
        if correction.user.trim().is_empty() {
            return Err(StoreError::InvalidInput(
                "a correction needs a user name".into(),
            ));
        }
        let target_json = serde_json::to_string(&correction.target)?;
        let source_json = serde_json::to_string(&correction.source)?;
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let version = self
            .write_result(&mut tx, hash, new_result, &correction.user)
            .await?;
        sqlx::query(
            "INSERT INTO corrections (document_hash, result_version, target_json, old_value, \
             new_value, source_json, user_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(hash.as_str())
        .bind(version as i64)
        .bind(&target_json)
        .bind(correction.old.as_deref())
        .bind(correction.new.as_deref())
        .bind(&source_json)
        .bind(&correction.user)
        .bind(fmt_ts(correction.at))
        .execute(&mut *tx)
        .await?;
        let detail = json!({
            "field": correction.target.label(),
            "target": correction.target,
            "old": correction.old,
            "new": correction.new,
            "source": correction.source,
            "version": version,
        });
        sqlite::insert_audit(
            &mut tx,
            Some(hash),
            correction.at,
            &correction.user,
            AuditAction::Corrected,
            &detail,
        )
        .await?;
        tx.commit().await?;
        tracing::debug!(%hash, version, target = %correction.target.label(), "correction recorded");
        Ok(version)
    }

    /// The corrections of a document, oldest first.
    pub async fn corrections(&self, hash: &ContentHash) -> Result<Vec<StoredCorrection>> {
        let rows = sqlx::query(
            "SELECT id, document_hash, result_version, target_json, old_value, new_value, \
             source_json, user_name, at FROM corrections WHERE document_hash = ? ORDER BY id",
        )
        .bind(hash.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let hash: String = r.try_get("document_hash")?;
                let at: String = r.try_get("at")?;
                let at: DateTime<Utc> = parse_ts(&at)?;
                let version: i64 = r.try_get("result_version")?;
                Ok(StoredCorrection {
                    id: r.try_get("id")?,
                    document_hash: ContentHash::from_hex(&hash).ok_or_else(|| {
                        StoreError::Corrupt(format!("correction of a bad hash '{hash}'"))
                    })?,
                    result_version: u32::try_from(version).map_err(|_| {
                        StoreError::Corrupt(format!("correction with version {version}"))
                    })?,
                    correction: Correction {
                        target: serde_json::from_str(&r.try_get::<String, _>("target_json")?)?,
                        old: r.try_get("old_value")?,
                        new: r.try_get("new_value")?,
                        source: serde_json::from_str(&r.try_get::<String, _>("source_json")?)?,
                        user: r.try_get("user_name")?,
                        at,
                    },
                })
            })
            .collect()
    }
}
