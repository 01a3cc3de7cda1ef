//! The OData V2 client: authentication (Basic or OAuth client credentials), CSRF tokens with
//! the session cookies they belong to, timeouts, and SAP's answers turned into [`SapError`]s.
//!
//! One `SapClient` is one SAP session: it keeps its cookie store, its CSRF token and its
//! bearer token, and may be shared by concurrent tasks (`&self` everywhere).

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Method, Response, StatusCode};
use serde::de::DeserializeOwned;
use std::fmt;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

use crate::connection::{AuthMethod, SapConnection, Secret};
use crate::error::{SapError, redact};
use crate::odata::{self, parse_error_body};

const CSRF_HEADER: &str = "x-csrf-token";

/// A bearer token and when to stop using it.
struct BearerToken {
    value: Secret,
    refresh_at: Instant,
}

/// Client for one SAP system. See the module docs.
pub struct SapClient {
    conn: SapConnection,
    secret: Secret,
    http: reqwest::Client,
    base: String,
    csrf: Mutex<Option<String>>,
    token: Mutex<Option<BearerToken>>,
}

impl fmt::Debug for SapClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SapClient")
            .field("conn", &self.conn)
            .field("secret", &self.secret)
            .finish()
    }
}

/// One request: what it is (for messages), and whether it changes data (needs CSRF).
pub(crate) struct Call<'a> {
    pub method: Method,
    pub url: String,
    pub body: Option<&'a serde_json::Value>,
    pub modifying: bool,
    pub what: &'a str,
}

impl SapClient {
    /// A client for `conn`, authenticating with `secret` (the Basic password or the OAuth
    /// client secret). Nothing is sent until the first call.
    pub fn new(conn: SapConnection, secret: Secret) -> Result<Self, SapError> {
        let parsed = reqwest::Url::parse(&conn.base_url)
            .map_err(|e| SapError::Config(format!("the base URL is not a URL ({e})")))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(SapError::Config(
                "the base URL must not contain a user or password".into(),
            ));
        }
        if conn.timeout_secs == 0 {
            return Err(SapError::Config("timeout_secs must be at least 1".into()));
        }
        let timeout = Duration::from_secs(conn.timeout_secs);
        let mut builder = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            // A redirect on an OData API is a login page (SAML, form logon), never data.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("sapllm-desktop/", env!("CARGO_PKG_VERSION")));
        let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if loopback {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| SapError::Config(format!("HTTP client: {e}")))?;
        let base = conn.base_url.trim_end_matches('/').to_owned();
        Ok(Self {
            conn,
            secret,
            http,
            base,
            csrf: Mutex::new(None),
            token: Mutex::new(None),
        })
    }

    pub fn connection(&self) -> &SapConnection {
        &self.conn
    }

    /// `base + service + "/" + resource`, with the query encoded and `sap-client` added.
    pub(crate) fn url(&self, service: &str, resource: &str, query: &[(&str, &str)]) -> String {
        let mut url = format!(
            "{}{}/{}",
            self.base,
            service.trim_end_matches('/'),
            resource
        );
        let mut pairs: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", k, odata::encode(v)))
            .collect();
        if let Some(client) = &self.conn.sap_client {
            pairs.push(format!("sap-client={}", odata::encode(client)));
        }
        if !pairs.is_empty() {
            url.push('?');
            url.push_str(&pairs.join("&"));
        }
        url
    }

    /// GET and deserialize; `Ok(None)` for 404.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        url: String,
        what: &str,
    ) -> Result<Option<T>, SapError> {
        let call = Call {
            method: Method::GET,
            url,
            body: None,
            modifying: false,
            what,
        };
        let resp = match self.execute(call).await {
            Ok(r) => r,
            Err(SapError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let text = resp
            .text()
            .await
            .map_err(|e| self.transport_error(&e, what))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| SapError::Protocol {
                what: what.to_owned(),
                detail: format!("cannot read the answer as OData JSON: {e}"),
            })
    }

    /// Sends a request with authentication (and CSRF for modifying calls) and returns the
    /// response when it is a success; every other status becomes a [`SapError`].
    ///
    /// Two automatic repairs, each at most once per call: a `403 x-csrf-token: Required`
    /// fetches a new token (the session may have timed out) and a `401` under OAuth fetches a
    /// new bearer token (it may have expired early). Once only: if a fresh token is refused
    /// too, something is wrong that repeating will not fix, and looping would hammer SAP; the
    /// outbox's backoff decides about later attempts. Both repairs are safe for a create: SAP
    /// refused the request before processing it.
    pub(crate) async fn execute(&self, call: Call<'_>) -> Result<Response, SapError> {
        let what = call.what;
        let mut csrf_repaired = false;
        let mut auth_repaired = false;
        loop {
            let mut rb = self
                .http
                .request(call.method.clone(), &call.url)
                .header(ACCEPT, "application/json");
            rb = self.authorize(rb).await?;
            let mut sent_token = None;
            if call.modifying {
                let token = self.csrf_token().await?;
                rb = rb.header(CSRF_HEADER, &token);
                sent_token = Some(token);
            }
            if let Some(body) = call.body {
                let bytes = serde_json::to_vec(body).map_err(|e| SapError::Protocol {
                    what: what.to_owned(),
                    detail: format!("cannot serialise the request: {e}"),
                })?;
                rb = rb.header(CONTENT_TYPE, "application/json").body(bytes);
            }
            let resp = rb
                .send()
                .await
                .map_err(|e| self.transport_error(&e, what))?;
            let status = resp.status();
            if status.is_success() {
                return Ok(resp);
            }
            if status == StatusCode::FORBIDDEN && csrf_required(resp.headers()) {
                self.forget_csrf(sent_token.as_deref()).await;
                if call.modifying && !csrf_repaired {
                    csrf_repaired = true;
                    tracing::debug!(what, "CSRF token refused, fetching a new one");
                    continue;
                }
                return Err(SapError::Csrf {
                    what: what.to_owned(),
                });
            }
            if status == StatusCode::UNAUTHORIZED
                && matches!(self.conn.auth, AuthMethod::OAuthClientCredentials { .. })
                && !auth_repaired
            {
                auth_repaired = true;
                *self.token.lock().await = None;
                tracing::debug!(what, "bearer token refused, fetching a new one");
                continue;
            }
            return Err(self.error_from_response(resp, what).await);
        }
    }

    async fn authorize(
        &self,
        rb: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, SapError> {
        Ok(match &self.conn.auth {
            AuthMethod::Basic { user } => rb.basic_auth(user, Some(self.secret.expose())),
            AuthMethod::OAuthClientCredentials { .. } => {
                let token = self.bearer_token().await?;
                rb.bearer_auth(token.expose())
            }
        })
    }

    /// The cached bearer token, or a new one from the token endpoint.
    async fn bearer_token(&self) -> Result<Secret, SapError> {
        let AuthMethod::OAuthClientCredentials {
            token_url,
            client_id,
            scope,
        } = &self.conn.auth
        else {
            return Err(SapError::Config(
                "bearer token requested without OAuth settings".into(),
            ));
        };
        let mut guard = self.token.lock().await;
        if let Some(t) = guard.as_ref().filter(|t| t.refresh_at > Instant::now()) {
            return Ok(t.value.clone());
        }
        let what = "OAuth token request";
        let mut form = String::from("grant_type=client_credentials");
        if let Some(scope) = scope {
            form.push_str("&scope=");
            form.push_str(&odata::encode(scope));
        }
        let resp = self
            .http
            .post(token_url)
            .basic_auth(client_id, Some(self.secret.expose()))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(form)
            .send()
            .await
            .map_err(|e| self.transport_error(&e, what))?;
        let status = resp.status();
        if !status.is_success() {
            let err = self.error_from_response(resp, what).await;
            return Err(match err {
                SapError::Business {
                    status,
                    code,
                    message,
                    ..
                } => SapError::Auth {
                    status,
                    what: what.into(),
                    detail: if code.is_empty() {
                        message
                    } else {
                        format!("{code}: {message}")
                    },
                },
                other => other,
            });
        }
        #[derive(serde::Deserialize)]
        struct TokenAnswer {
            access_token: String,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        let text = resp
            .text()
            .await
            .map_err(|e| self.transport_error(&e, what))?;
        let answer: TokenAnswer = serde_json::from_str(&text).map_err(|_| SapError::Protocol {
            what: what.into(),
            detail: "the token endpoint answered without an access_token".into(),
        })?;
        // Renew a little early so a token does not expire between check and use.
        let lifetime = answer.expires_in.unwrap_or(300).saturating_sub(30).max(1);
        let value = Secret::new(answer.access_token);
        *guard = Some(BearerToken {
            value: value.clone(),
            refresh_at: Instant::now() + Duration::from_secs(lifetime),
        });
        Ok(value)
    }

    /// The session's CSRF token, fetched with `HEAD <service root>` and `x-csrf-token: Fetch`
    /// when there is none. The cookie store keeps the session cookies the token is bound to.
    async fn csrf_token(&self) -> Result<String, SapError> {
        let mut guard = self.csrf.lock().await;
        if let Some(t) = guard.as_ref() {
            return Ok(t.clone());
        }
        let what = "CSRF token fetch";
        let url = self.url(&self.conn.services.supplier_invoice, "", &[]);
        let mut auth_repaired = false;
        loop {
            let rb = self
                .http
                .head(&url)
                .header(CSRF_HEADER, "Fetch")
                .header(ACCEPT, "application/json");
            let rb = self.authorize(rb).await?;
            let resp = rb
                .send()
                .await
                .map_err(|e| self.transport_error(&e, what))?;
            let status = resp.status();
            if status == StatusCode::UNAUTHORIZED
                && matches!(self.conn.auth, AuthMethod::OAuthClientCredentials { .. })
                && !auth_repaired
            {
                auth_repaired = true;
                *self.token.lock().await = None;
                continue;
            }
            if !status.is_success() {
                return Err(self.error_from_response(resp, what).await);
            }
            let token = resp
                .headers()
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("required"))
                .map(str::to_owned)
                .ok_or_else(|| SapError::Protocol {
                    what: what.into(),
                    detail: "SAP answered without an x-csrf-token header".into(),
                })?;
            *guard = Some(token.clone());
            return Ok(token);
        }
    }

    /// Fetches a fresh CSRF token (for the connection test).
    pub(crate) async fn probe_csrf(&self) -> Result<(), SapError> {
        self.forget_csrf(None).await;
        self.csrf_token().await.map(|_| ())
    }

    /// Drops the cached CSRF token, unless another task already replaced the refused one.
    async fn forget_csrf(&self, refused: Option<&str>) {
        let mut guard = self.csrf.lock().await;
        if refused.is_none() || guard.as_deref() == refused {
            *guard = None;
        }
    }

    /// A failed transport (no answer) as an error; the secret is redacted from the text.
    pub(crate) fn transport_error(&self, e: &reqwest::Error, what: &str) -> SapError {
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            detail.push_str(": ");
            detail.push_str(&s.to_string());
            source = s.source();
        }
        let detail = redact(&detail, self.secret.expose());
        if e.is_timeout() {
            SapError::Timeout {
                what: what.into(),
                secs: self.conn.timeout_secs,
            }
        } else {
            SapError::Connection {
                what: what.into(),
                detail,
            }
        }
    }

    /// A non-success answer as an error, with SAP's code and message when the body has them.
    pub(crate) async fn error_from_response(&self, resp: Response, what: &str) -> SapError {
        let status = resp.status();
        let retry_after = retry_after_secs(resp.headers());
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = match resp.text().await {
            Ok(b) => b,
            Err(e) => return self.transport_error(&e, what),
        };
        let parsed = parse_error_body(&body);
        let secret = self.secret.expose();
        let (code, message, details) = match parsed {
            Some(p) => (p.code, redact(&p.message, secret), p.details),
            None => (String::new(), String::new(), Vec::new()),
        };
        let details = details
            .into_iter()
            .map(|mut d| {
                d.message = redact(&d.message, secret);
                d
            })
            .collect();
        let message_or = |fallback: &str| {
            if message.is_empty() {
                fallback.to_owned()
            } else {
                message.clone()
            }
        };
        let s = status.as_u16();
        match status {
            _ if status.is_redirection() => SapError::Auth {
                status: s,
                what: what.into(),
                detail: format!(
                    "SAP redirected to {} (a logon page?) instead of answering",
                    location.unwrap_or_else(|| "another page".into())
                ),
            },
            StatusCode::UNAUTHORIZED => SapError::Auth {
                status: s,
                what: what.into(),
                detail: match (code.is_empty(), message.is_empty()) {
                    (true, true) => {
                        "check the user and password (or client id and secret) of this connection"
                            .into()
                    }
                    _ => format!(
                        "check the user and password (or client id and secret) of this connection ({})",
                        [code.as_str(), message.as_str()]
                            .iter()
                            .filter(|t| !t.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join(": ")
                    ),
                },
            },
            StatusCode::FORBIDDEN => SapError::Auth {
                status: s,
                what: what.into(),
                detail: message_or("the user lacks the authorisation for this service"),
            },
            // "No service found for namespace ..." is a wrong service path or an inactive
            // service, not a missing entity: it must not read as "this PO does not exist".
            StatusCode::NOT_FOUND if code.starts_with("/IWFND/") => SapError::Business {
                status: s,
                code,
                message: message_or(
                    "service not found: check the service paths and that the service is active",
                ),
                details,
            },
            StatusCode::NOT_FOUND => SapError::NotFound {
                what: format!("{what}: {}", message_or("no such entity or service")),
            },
            StatusCode::TOO_MANY_REQUESTS => SapError::RateLimited {
                retry_after_secs: retry_after,
            },
            _ if status.is_server_error() => SapError::Server {
                status: s,
                code: (!code.is_empty()).then_some(code),
                message: message_or(status.canonical_reason().unwrap_or("server error")),
                retry_after_secs: retry_after,
            },
            _ => SapError::Business {
                status: s,
                code: if code.is_empty() {
                    format!("http_{s}")
                } else {
                    code
                },
                message: message_or(status.canonical_reason().unwrap_or("request rejected")),
                details,
            },
        }
    }
}

fn csrf_required(headers: &HeaderMap) -> bool {
    headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("required"))
}

/// `Retry-After` as seconds: either a number or an HTTP date.
fn retry_after_secs(headers: &HeaderMap) -> Option<u64> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs);
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    Some(secs.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("12"));
        assert_eq!(retry_after_secs(&h), Some(12));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(retry_after_secs(&h), Some(0));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after_secs(&h), None);
    }

    #[test]
    fn urls_encode_the_query_and_add_the_client() {
        let mut conn = SapConnection::basic("https://s4.example.com/", "1010", "U");
        conn.sap_client = Some("100".into());
        let c = SapClient::new(conn, Secret::new("pw")).unwrap();
        assert_eq!(
            c.url("/sap/opu/odata/sap/X", "A_Y", &[("$filter", "A eq 'b c'")]),
            "https://s4.example.com/sap/opu/odata/sap/X/A_Y?$filter=A%20eq%20%27b%20c%27&sap-client=100"
        );
    }

    #[test]
    fn bad_profiles_are_refused_without_echoing_secrets() {
        let conn = SapConnection::basic("https://u:p@s4.example.com", "1010", "U");
        let e = SapClient::new(conn, Secret::new("pw")).unwrap_err();
        assert!(matches!(e, SapError::Config(_)));
        let e = SapClient::new(
            SapConnection::basic("not a url", "1010", "U"),
            Secret::new("pw"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a URL"));
        let c = SapClient::new(
            SapConnection::basic("http://h", "1010", "U"),
            Secret::new("topsecret"),
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("topsecret"));
    }
}
