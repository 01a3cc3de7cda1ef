//! Starts the Node test server (`tests/sap-server`) for one test and stops it on drop
//! (feature `test-server`). It needs `node` (20+) and `npm` on the PATH; `npm ci` runs once
//! when `node_modules` is missing. A missing Node is an error with a clear message, never a
//! silent skip: a green run must mean the SAP tests ran.
//!
//! ```no_run
//! # async fn demo() {
//! use sapllm_sap::test_server::TestServer;
//! let server = TestServer::start().expect("SAP test server");
//! let client = server.basic_client();
//! server.set_faults(serde_json::json!({"rules": [{"path": "A_SupplierInvoice",
//!     "sequence": [{"kind": "http_503"}]}]})).await.unwrap();
//! # }
//! ```
//!
//! Where things are: the server in `<workspace>/tests/sap-server` (or `SAPLLM_SAP_SERVER_DIR`);
//! the `$metadata` files in `SAPLLM_SAP_METADATA_DIR`, else `$SHARED/data/sap`, else
//! `<workspace>/../shared/data/sap`.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::client::SapClient;
use crate::connection::{AuthMethod, SapConnection, Secret, ServicePaths};

/// Why the test server could not be started or driven.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestServerError {
    #[error("{0}")]
    Setup(String),
    #[error("the SAP test server did not start: {0}")]
    Start(String),
    #[error("SAP test server admin call {what} failed: {detail}")]
    Admin { what: String, detail: String },
}

/// A running test server; killed when dropped.
#[derive(Debug)]
pub struct TestServer {
    child: Child,
    _stdin: Option<ChildStdin>,
    port: u16,
    pub user: String,
    pub password: String,
    pub client_id: String,
    pub client_secret: String,
    pub company_code: String,
    stderr: Arc<Mutex<String>>,
    http: reqwest::Client,
}

fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The folder of `server.mjs`.
pub fn server_dir() -> PathBuf {
    std::env::var_os("SAPLLM_SAP_SERVER_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir().join("tests/sap-server"))
}

/// The folder with the three `*.metadata.xml` files.
pub fn metadata_dir() -> Result<PathBuf, TestServerError> {
    let mut tried = Vec::new();
    let candidates = [
        std::env::var_os("SAPLLM_SAP_METADATA_DIR").map(PathBuf::from),
        std::env::var_os("SHARED").map(|s| PathBuf::from(s).join("data/sap")),
        Some(workspace_dir().join("../shared/data/sap")),
    ];
    for dir in candidates.into_iter().flatten() {
        if dir
            .join("API_SUPPLIERINVOICE_PROCESS_SRV.metadata.xml")
            .is_file()
        {
            return Ok(dir);
        }
        tried.push(dir.display().to_string());
    }
    Err(TestServerError::Setup(format!(
        "SAP $metadata files not found (tried {}); set SAPLLM_SAP_METADATA_DIR",
        tried.join(", ")
    )))
}

/// A value that differs per call and per process (no RNG crate needed for test credentials).
fn random_token() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

fn check_node() -> Result<(), TestServerError> {
    let out = Command::new("node").arg("--version").output().map_err(|e| {
        TestServerError::Setup(format!(
            "`node` is not installed or not on the PATH ({e}); the SAP integration tests need Node.js 20+ \
             and npm (Debian: apt-get install nodejs npm)"
        ))
    })?;
    let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return Err(TestServerError::Setup(format!(
            "Node.js {version} is too old: the SAP test server needs 20+"
        )));
    }
    Ok(())
}

/// Runs `npm ci` once per process when the mock server package is missing.
fn ensure_node_modules(dir: &Path) -> Result<(), TestServerError> {
    static LOCK: OnceLock<Mutex<()>> = OnceLock::new();
    let _guard = LOCK
        .get_or_init(|| Mutex::new(()))
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if dir
        .join("node_modules/@sap-ux/fe-mockserver-core/package.json")
        .is_file()
    {
        return Ok(());
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .output()
        .map_err(|e| {
            TestServerError::Setup(format!(
                "`npm` is not available ({e}); install npm to run the SAP tests"
            ))
        })?;
    if !out.status.success() {
        return Err(TestServerError::Setup(format!(
            "`npm ci` in {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

impl TestServer {
    /// Starts a server on a free port of 127.0.0.1 with fresh random credentials and waits
    /// until it listens (at most 60 s).
    pub fn start() -> Result<Self, TestServerError> {
        check_node()?;
        let dir = server_dir();
        if !dir.join("server.mjs").is_file() {
            return Err(TestServerError::Setup(format!(
                "{} has no server.mjs",
                dir.display()
            )));
        }
        ensure_node_modules(&dir)?;
        let metadata = metadata_dir()?;
        let user = "SAPLLM_TEST".to_owned();
        let password = format!("pw-{}", random_token());
        let client_id = "sapllm-test-client".to_owned();
        let client_secret = format!("cs-{}", random_token());
        let mut child = Command::new("node")
            .arg("server.mjs")
            .args(["--port", "0", "--exit-on-stdin-close", "--metadata"])
            .arg(&metadata)
            .current_dir(&dir)
            .env("SAP_TEST_USER", &user)
            .env("SAP_TEST_PASSWORD", &password)
            .env("SAP_TEST_CLIENT_ID", &client_id)
            .env("SAP_TEST_CLIENT_SECRET", &client_secret)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| TestServerError::Start(format!("cannot run node: {e}")))?;
        let stderr = Arc::new(Mutex::new(String::new()));
        if let Some(mut err) = child.stderr.take() {
            let buf = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut chunk = [0u8; 4096];
                while let Ok(n) = err.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut b) = buf.lock() {
                        b.push_str(&String::from_utf8_lossy(&chunk[..n]));
                    }
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    if let Some(port) = line
                        .strip_prefix("LISTENING ")
                        .and_then(|p| p.trim().parse::<u16>().ok())
                    {
                        let _ = tx.send(port);
                    }
                }
            });
        }
        let stdin = child.stdin.take();
        let port = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(p) => p,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                let log = stderr.lock().map(|s| s.clone()).unwrap_or_default();
                return Err(TestServerError::Start(format!(
                    "no LISTENING line within 60 s; its stderr: {log}"
                )));
            }
        };
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| TestServerError::Start(e.to_string()))?;
        Ok(Self {
            child,
            _stdin: stdin,
            port,
            user,
            password,
            client_id,
            client_secret,
            company_code: "1010".into(),
            stderr,
            http,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// What the server printed on stderr so far (for test failure messages).
    pub fn log(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// A Basic-auth profile and its password.
    pub fn basic_connection(&self) -> (SapConnection, Secret) {
        let mut c = SapConnection::basic(self.base_url(), &self.company_code, &self.user);
        c.timeout_secs = 10;
        (c, Secret::new(&self.password))
    }

    /// An OAuth client-credentials profile and its client secret.
    pub fn oauth_connection(&self) -> (SapConnection, Secret) {
        let c = SapConnection {
            base_url: self.base_url(),
            company_code: self.company_code.clone(),
            auth: AuthMethod::OAuthClientCredentials {
                token_url: format!("{}/oauth/token", self.base_url()),
                client_id: self.client_id.clone(),
                scope: None,
            },
            timeout_secs: 10,
            sap_client: None,
            services: ServicePaths::default(),
        };
        (c, Secret::new(&self.client_secret))
    }

    /// A client with Basic auth.
    pub fn basic_client(&self) -> SapClient {
        let (c, s) = self.basic_connection();
        SapClient::new(c, s).unwrap_or_else(|e| panic!("client for the test server: {e}"))
    }

    async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, TestServerError> {
        let err = |detail: String| TestServerError::Admin {
            what: path.to_owned(),
            detail,
        };
        let mut rb = self
            .http
            .request(method, format!("{}{}", self.base_url(), path));
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await.map_err(|e| err(e.to_string()))?;
        let status = resp.status();
        let text = resp.text().await.map_err(|e| err(e.to_string()))?;
        if !status.is_success() {
            return Err(err(format!("HTTP {status}: {text}")));
        }
        serde_json::from_str(&text).map_err(|e| err(e.to_string()))
    }

    /// Sets the fault rules (see `tests/sap-server/lib/faults.mjs`); returns the server's view.
    pub async fn set_faults(
        &self,
        config: serde_json::Value,
    ) -> Result<serde_json::Value, TestServerError> {
        self.admin(reqwest::Method::POST, "/__admin/faults", Some(config))
            .await
    }

    /// The rules and the faults that fired so far.
    pub async fn faults(&self) -> Result<serde_json::Value, TestServerError> {
        self.admin(reqwest::Method::GET, "/__admin/faults", None)
            .await
    }

    /// Every invoice the server created (committed), in order.
    pub async fn invoices(&self) -> Result<Vec<serde_json::Value>, TestServerError> {
        let v = self
            .admin(reqwest::Method::GET, "/__admin/invoices", None)
            .await?;
        Ok(v.get("invoices")
            .and_then(|i| i.as_array())
            .cloned()
            .unwrap_or_default())
    }

    /// Ends every session: the next modifying call gets `403 x-csrf-token: Required`.
    pub async fn expire_csrf(&self) -> Result<(), TestServerError> {
        self.admin(reqwest::Method::POST, "/__admin/csrf/expire", None)
            .await
            .map(|_| ())
    }

    /// Invalidates all bearer tokens: the next OAuth call gets 401.
    pub async fn revoke_tokens(&self) -> Result<(), TestServerError> {
        self.admin(reqwest::Method::POST, "/__admin/tokens/revoke", None)
            .await
            .map(|_| ())
    }

    /// Back to the seed data: no invoices, no faults, no sessions.
    pub async fn reset(&self) -> Result<(), TestServerError> {
        self.admin(reqwest::Method::POST, "/__admin/reset", None)
            .await
            .map(|_| ())
    }

    /// Counters: requests, creates, CSRF fetches, tokens issued.
    pub async fn health(&self) -> Result<serde_json::Value, TestServerError> {
        self.admin(reqwest::Method::GET, "/__admin/health", None)
            .await
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
