//! The connection profile (lives in a config file: no secrets in it) and the [`Secret`] that
//! comes from the OS keyring.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How to reach one SAP system. Serialisable so it can live in the settings file; the
/// password or client secret is never part of it (see [`crate::credentials`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SapConnection {
    /// Scheme, host and port, e.g. `https://my-s4.example.com:44300`.
    pub base_url: String,
    /// The company code invoices are posted to (`CompanyCode`).
    pub company_code: String,
    pub auth: AuthMethod,
    /// Per-request timeout in seconds (connect + answer).
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// `sap-client` query parameter, when the system needs one (e.g. `100`).
    #[serde(default)]
    pub sap_client: Option<String>,
    #[serde(default)]
    pub services: ServicePaths,
}

fn default_timeout_secs() -> u64 {
    30
}

/// Basic auth with a communication user, or OAuth 2.0 client credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum AuthMethod {
    Basic {
        user: String,
    },
    #[serde(rename = "oauth_client_credentials")]
    OAuthClientCredentials {
        /// Full URL of the token endpoint.
        token_url: String,
        client_id: String,
        #[serde(default)]
        scope: Option<String>,
    },
}

/// Service root paths; the defaults are SAP's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServicePaths {
    pub supplier_invoice: String,
    pub purchase_order: String,
    pub business_partner: String,
}

impl Default for ServicePaths {
    fn default() -> Self {
        Self {
            supplier_invoice: "/sap/opu/odata/sap/API_SUPPLIERINVOICE_PROCESS_SRV".into(),
            purchase_order: "/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV".into(),
            business_partner: "/sap/opu/odata/sap/API_BUSINESS_PARTNER".into(),
        }
    }
}

impl SapConnection {
    /// A profile with Basic auth and the default services and timeout.
    pub fn basic(
        base_url: impl Into<String>,
        company_code: impl Into<String>,
        user: impl Into<String>,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            company_code: company_code.into(),
            auth: AuthMethod::Basic { user: user.into() },
            timeout_secs: default_timeout_secs(),
            sap_client: None,
            services: ServicePaths::default(),
        }
    }
}

/// A password or client secret. Its `Debug` prints `***`; it has no `Display` and no
/// `Serialize`, so it cannot slip into a log line, an error message or a config file.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that sends it (the HTTP auth header, the keyring).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_secret_hides_it() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(***))");
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn profiles_read_from_config_with_sap_defaults() {
        let c: SapConnection = serde_json::from_str(
            r#"{"base_url":"https://s4.example.com","company_code":"1010",
                "auth":{"method":"oauth_client_credentials","token_url":"https://s4.example.com/oauth/token","client_id":"abc"}}"#,
        )
        .unwrap();
        assert_eq!(c.timeout_secs, 30);
        assert_eq!(
            c.services.supplier_invoice,
            "/sap/opu/odata/sap/API_SUPPLIERINVOICE_PROCESS_SRV"
        );
        assert!(matches!(
            c.auth,
            AuthMethod::OAuthClientCredentials { scope: None, .. }
        ));
        let b = SapConnection::basic("http://h", "1010", "U");
        let text = serde_json::to_string(&b).unwrap();
        assert!(text.contains(r#""method":"basic""#), "{text}");
    }
}
