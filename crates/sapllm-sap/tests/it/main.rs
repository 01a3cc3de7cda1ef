//! Integration tests of sapllm-sap against the real test server (tests/sap-server: SAP's
//! fe-mockserver-core with auth, CSRF, numbering, duplicate/balance/type checks and faults),
//! and of the credential store against a real OS keyring.
//!
//! Each server test starts its own server on a free port (`TestServer::start`), so tests run
//! in parallel without seeing each other's faults or invoices.

mod auth;
mod faults;
mod keyring;
mod posting;
mod reads;

use sapllm_sap::test_server::TestServer;

/// Starts a server or fails the test with the reason (e.g. Node missing).
pub fn server() -> TestServer {
    TestServer::start().unwrap_or_else(|e| panic!("{e}"))
}
