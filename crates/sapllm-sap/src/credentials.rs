//! The SAP password or OAuth client secret, kept only in the OS keyring: Secret Service on
//! Linux (GNOME Keyring, KWallet), Windows Credential Manager, macOS Keychain.
//!
//! Entries are stored under service [`KEYRING_SERVICE`] with the connection profile's name as
//! the account, so several SAP systems can be configured side by side. The calls block (they
//! talk to a daemon over D-Bus or to the OS): from async code, use `spawn_blocking`.
//! Errors never contain the secret; keyring errors carry only the backend's description.

use crate::connection::Secret;

/// Keyring service name of every entry this app writes.
pub const KEYRING_SERVICE: &str = "sapllm-desktop";

/// Why the keyring could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// No keyring is reachable (no Secret Service on the session bus, locked keychain, ...).
    #[error("the OS keyring is not available: {detail}")]
    Unavailable { detail: String },
    /// The keyring answered with an error.
    #[error("the OS keyring refused the operation for profile '{profile}': {detail}")]
    Backend { profile: String, detail: String },
    /// The profile name cannot be used as a keyring account.
    #[error("'{profile}' cannot name a keyring entry: {detail}")]
    InvalidProfile { profile: String, detail: String },
}

/// Access to this app's secrets in the OS keyring.
#[derive(Debug, Clone)]
pub struct CredentialStore {
    service: String,
}

impl Default for CredentialStore {
    fn default() -> Self {
        Self::new()
    }
}

impl CredentialStore {
    /// The store of the app (service [`KEYRING_SERVICE`]).
    pub fn new() -> Self {
        Self {
            service: KEYRING_SERVICE.to_owned(),
        }
    }

    /// A store under another service name (tests use one of their own, so they never touch
    /// a real profile).
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, profile: &str) -> Result<keyring::Entry, CredentialError> {
        if profile.trim().is_empty() {
            return Err(CredentialError::InvalidProfile {
                profile: profile.into(),
                detail: "empty name".into(),
            });
        }
        keyring::Entry::new(&self.service, profile).map_err(|e| convert(e, profile))
    }

    /// Stores (or replaces) the secret of `profile`.
    pub fn store(&self, profile: &str, secret: &Secret) -> Result<(), CredentialError> {
        self.entry(profile)?
            .set_password(secret.expose())
            .map_err(|e| convert(e, profile))
    }

    /// The secret of `profile`, or `None` when none is stored.
    pub fn load(&self, profile: &str) -> Result<Option<Secret>, CredentialError> {
        match self.entry(profile)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(convert(e, profile)),
        }
    }

    /// Deletes the secret of `profile`; `false` when there was none.
    pub fn delete(&self, profile: &str) -> Result<bool, CredentialError> {
        match self.entry(profile)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(convert(e, profile)),
        }
    }

    /// Whether a keyring is reachable: looks up an entry that does not exist.
    pub fn probe(&self) -> Result<(), CredentialError> {
        self.load("sapllm-keyring-probe").map(|_| ())
    }
}

// keyring's errors describe the backend failure, never the password; `BadEncoding` carries
// the stored bytes, so it is reduced to a sentence.
fn convert(e: keyring::Error, profile: &str) -> CredentialError {
    match e {
        keyring::Error::NoStorageAccess(inner) => CredentialError::Unavailable {
            detail: inner.to_string(),
        },
        keyring::Error::PlatformFailure(inner) => CredentialError::Unavailable {
            detail: inner.to_string(),
        },
        keyring::Error::BadEncoding(_) => CredentialError::Backend {
            profile: profile.into(),
            detail: "the stored secret is not valid UTF-8".into(),
        },
        keyring::Error::TooLong(what, max) => CredentialError::InvalidProfile {
            profile: profile.into(),
            detail: format!("{what} is longer than {max}"),
        },
        keyring::Error::Invalid(what, why) => CredentialError::InvalidProfile {
            profile: profile.into(),
            detail: format!("{what}: {why}"),
        },
        other => CredentialError::Backend {
            profile: profile.into(),
            detail: other.to_string(),
        },
    }
}
