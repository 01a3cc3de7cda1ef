//! The store's error type.

use std::path::PathBuf;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No such document, result version or original.
    #[error("{what} not found: {key}")]
    NotFound { what: &'static str, key: String },

    /// A hash prefix that names more than one document.
    #[error(
        "hash prefix '{prefix}' is ambiguous: it matches {} (and maybe more); type more characters",
        candidates.join(", ")
    )]
    AmbiguousPrefix {
        prefix: String,
        candidates: Vec<String>,
    },

    /// An argument the store cannot accept (a malformed prefix, a result for another document).
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// A status change that is not allowed (e.g. leaving `posted`).
    #[error("status change {from} → {to} is not allowed")]
    InvalidTransition { from: String, to: String },

    /// Stored data that cannot be read back (unknown enum name, bad decimal, damaged original).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),

    /// No data folder: no home folder and no `SAPLLM_DATA_DIR`.
    #[error("cannot find a data folder: no home folder; set SAPLLM_DATA_DIR")]
    NoDataDir,

    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),

    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),

    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("(de)serialisation failed: {0}")]
    Serialisation(#[from] serde_json::Error),
}

impl StoreError {
    pub(crate) fn not_found(what: &'static str, key: impl Into<String>) -> Self {
        StoreError::NotFound {
            what,
            key: key.into(),
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        StoreError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Whether this is [`StoreError::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, StoreError::NotFound { .. })
    }
}
