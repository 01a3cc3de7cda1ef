//! What can go wrong talking to SAP, with a stable code and whether a retry can help.
//!
//! [`SapError`] is the crate's error; [`PostError`] (the outbox's view) is derived from it.
//! Messages are written for the clerk and never contain a credential: the client redacts its
//! own secret from every message it builds from a server answer (a misbehaving server could
//! echo it), and transport errors carry URLs without user info.

use serde::{Deserialize, Serialize};

use crate::PostError;

/// One message of SAP's `innererror.errordetails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SapMessage {
    pub code: String,
    pub message: String,
    /// The property the message is about (`A_SupplierInvoiceType/InvoiceGrossAmount`), if any.
    pub target: String,
    /// `error`, `warning`, `info`.
    pub severity: String,
}

/// Errors of the SAP client.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SapError {
    /// No answer within the configured timeout. The request may or may not have been
    /// processed: a create must be checked with `find_posted` before it is retried.
    #[error("SAP did not answer within {secs} s ({what})")]
    Timeout { what: String, secs: u64 },
    /// Could not connect, or the connection broke before a complete answer.
    #[error("no connection to SAP ({what}): {detail}")]
    Connection { what: String, detail: String },
    /// Credentials refused (wrong password, unknown client, missing authorisation).
    #[error("SAP refused the credentials (HTTP {status}) for {what}: {detail}")]
    Auth {
        status: u16,
        what: String,
        detail: String,
    },
    /// SAP kept answering `403 x-csrf-token: Required` after a fresh token.
    #[error("SAP rejected the CSRF token again after fetching a new one ({what})")]
    Csrf { what: String },
    /// 429 Too Many Requests.
    #[error("SAP asked to slow down (HTTP 429){}", retry_after_text(*.retry_after_secs))]
    RateLimited { retry_after_secs: Option<u64> },
    /// 5xx: SAP or a gateway in front of it failed; usually transient.
    #[error("SAP is unavailable (HTTP {status}){}: {message}", code_text(code.as_deref()))]
    Server {
        status: u16,
        code: Option<String>,
        message: String,
        retry_after_secs: Option<u64>,
    },
    /// A 4xx answer with SAP's reasons: the request itself must change (e.g. `M8/108`).
    #[error("SAP rejected the request [{code}]: {message}")]
    Business {
        status: u16,
        code: String,
        message: String,
        details: Vec<SapMessage>,
    },
    /// 404 for something we asked for by key.
    #[error("not found in SAP: {what}")]
    NotFound { what: String },
    /// An answer we cannot read (not the OData we expect).
    #[error("unexpected answer from SAP ({what}): {detail}")]
    Protocol { what: String, detail: String },
    /// A bad connection profile (e.g. an unparsable base URL).
    #[error("SAP connection settings: {0}")]
    Config(String),
}

fn retry_after_text(secs: Option<u64>) -> String {
    secs.map(|s| format!(", retry after {s} s"))
        .unwrap_or_default()
}

fn code_text(code: Option<&str>) -> String {
    code.map(|c| format!(" [{c}]")).unwrap_or_default()
}

impl SapError {
    /// Stable code: SAP's message code for business errors, ours otherwise.
    pub fn code(&self) -> String {
        match self {
            SapError::Timeout { .. } => "timeout".into(),
            SapError::Connection { .. } => "connection".into(),
            SapError::Auth { .. } => "auth".into(),
            SapError::Csrf { .. } => "csrf".into(),
            SapError::RateLimited { .. } => "rate_limited".into(),
            SapError::Server { status, .. } => format!("http_{status}"),
            SapError::Business { code, .. } => code.clone(),
            SapError::NotFound { .. } => "not_found".into(),
            SapError::Protocol { .. } => "protocol".into(),
            SapError::Config(_) => "config".into(),
        }
    }

    /// Transient failures (network, timeouts, 5xx, 429, CSRF) are worth retrying with backoff;
    /// business errors, authentication and bad configuration need a person.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SapError::Timeout { .. }
                | SapError::Connection { .. }
                | SapError::Csrf { .. }
                | SapError::RateLimited { .. }
                | SapError::Server { .. }
        )
    }

    /// Seconds SAP asked us to wait before the next attempt.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            SapError::RateLimited { retry_after_secs } => *retry_after_secs,
            SapError::Server {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }

    /// SAP's detailed messages (empty for non-business errors).
    pub fn details(&self) -> &[SapMessage] {
        match self {
            SapError::Business { details, .. } => details,
            _ => &[],
        }
    }
}

impl From<SapError> for PostError {
    fn from(e: SapError) -> Self {
        PostError {
            code: e.code(),
            message: e.to_string(),
            retryable: e.is_retryable(),
            retry_after_secs: e.retry_after_secs(),
        }
    }
}

/// Replaces every occurrence of `secret` in `text` by `***` (no-op for an empty secret).
pub(crate) fn redact(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        text.to_owned()
    } else {
        text.replace(secret, "***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_retryability() {
        let dup = SapError::Business {
            status: 400,
            code: "M8/108".into(),
            message: "Check if invoice already entered".into(),
            details: vec![],
        };
        let p = PostError::from(dup);
        assert_eq!(p.code, "M8/108");
        assert!(!p.retryable);
        assert!(p.message.contains("M8/108") && p.message.contains("already entered"));

        let busy = SapError::RateLimited {
            retry_after_secs: Some(7),
        };
        let p = PostError::from(busy);
        assert_eq!(
            (p.code.as_str(), p.retryable, p.retry_after_secs),
            ("rate_limited", true, Some(7))
        );

        let down = SapError::Server {
            status: 503,
            code: None,
            message: "x".into(),
            retry_after_secs: None,
        };
        assert_eq!(down.code(), "http_503");
        assert!(down.is_retryable());
        assert!(
            SapError::Csrf {
                what: "post".into()
            }
            .is_retryable()
        );
        assert!(
            !SapError::Auth {
                status: 401,
                what: "x".into(),
                detail: "y".into()
            }
            .is_retryable()
        );
        assert!(!SapError::NotFound { what: "PO".into() }.is_retryable());
    }

    #[test]
    fn redaction_removes_every_occurrence() {
        assert_eq!(redact("a s3cret b s3cret", "s3cret"), "a *** b ***");
        assert_eq!(redact("abc", ""), "abc");
    }
}
