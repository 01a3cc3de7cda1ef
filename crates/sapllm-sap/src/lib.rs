//! The SAP side of SAP_LLM Desktop.
//!
//! [`SupplierInvoiceApi`] is the seam between the outbox worker (which decides *when* and
//! *whether* to post) and the OData client (which knows *how*): the worker only ever calls
//! these two operations, so tests can drive it with fakes and the chaos test with the real
//! client against the test server.
//!
//! Map of the crate:
//! - [`connection`]: the connection profile (no secrets) and [`Secret`];
//!   [`credentials`]: the secret in the OS keyring.
//! - [`client`]: the OData V2 client (auth, CSRF, timeouts, errors); [`posting`]: find and
//!   create supplier invoices, the connection test; [`reads`]: purchase orders and suppliers.
//! - [`odata`]: `/Date(ms)/`, decimals, envelopes and SAP error bodies; [`error`]: [`SapError`]
//!   and its [`PostError`] view with retryable classification.
//! - [`mapping`]: our result → SAP terms, with [`MappingIssue`]s for the clerk; [`payload`]:
//!   the `A_SupplierInvoice` deep insert; [`idoc`]: the INVOIC02 XML export.
//! - [`master_data`]: PO and supplier checks for validation (pure functions).
//! - `test_server` (feature `test-server`): starts the Node test server for a test.

use serde::{Deserialize, Serialize};

pub mod client;
pub mod connection;
pub mod credentials;
pub mod error;
pub mod idoc;
pub mod mapping;
pub mod master_data;
pub mod odata;
pub mod payload;
pub mod posting;
pub mod reads;
#[cfg(feature = "test-server")]
pub mod test_server;

/// Results as the pipeline would produce them and a matching mapping configuration, for tests
/// here and in the crates that post (feature `test-server`).
#[cfg(any(test, feature = "test-server"))]
pub mod fixtures;
#[cfg(test)]
mod idoc_tests;
#[cfg(test)]
mod mapping_tests;

pub use client::SapClient;
pub use connection::{AuthMethod, SapConnection, Secret, ServicePaths};
pub use credentials::{CredentialError, CredentialStore, KEYRING_SERVICE};
pub use error::{SapError, SapMessage};
pub use idoc::{IdocControl, invoic02_xml};
pub use mapping::{
    LongReference, MappedInvoice, MappingConfig, MappingContext, MappingIssue, PostingDatePolicy,
    SupplierRef, TaxCodeRule, invoice_key, map_invoice,
};
pub use master_data::{PoDeviation, PoInvoice, SupplierIssue, Tolerance, po_check, supplier_check};
pub use payload::{map_supplier_invoice, map_supplier_invoice_with};
pub use posting::{ConnectionCheck, ConnectionReport};
pub use reads::{BankAccount, PurchaseOrder, PurchaseOrderItem, Supplier};

/// What SAP assigned to a posted supplier invoice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SapDocumentRef {
    /// `SupplierInvoice`, e.g. `5105600001`.
    pub supplier_invoice: String,
    /// `FiscalYear`, e.g. `2024`.
    pub fiscal_year: String,
}

/// The business key SAP's duplicate check uses; the outbox asks for it before every post.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InvoiceKey {
    pub company_code: String,
    /// `InvoicingParty` (SAP supplier number).
    pub invoicing_party: String,
    /// `SupplierInvoiceIDByInvcgParty` (the supplier's invoice number, max 16 characters).
    pub reference: String,
}

/// Why a call to SAP failed, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostError {
    /// Stable code: an SAP message code (`M8/108`) or one of ours (`timeout`, `connection`,
    /// `http_503`, `rate_limited`, `csrf`, `auth`, `mapping`, ...).
    pub code: String,
    /// Plain words for the clerk, with SAP's message where there is one. Never a credential.
    pub message: String,
    /// Transient (network, 5xx, 429, CSRF): retry with backoff. Permanent: needs a person.
    pub retryable: bool,
    /// Seconds SAP asked us to wait (`Retry-After`), if any.
    pub retry_after_secs: Option<u64>,
}

/// The two operations posting needs. Implemented by the OData client; faked in unit tests.
#[allow(async_fn_in_trait)]
pub trait SupplierInvoiceApi {
    /// The SAP document already posted for this key, if any (`GET A_SupplierInvoice?$filter=`).
    async fn find_posted(&self, key: &InvoiceKey) -> Result<Option<SapDocumentRef>, PostError>;
    /// Creates the supplier invoice (deep insert of `payload`, the JSON body of
    /// `POST A_SupplierInvoice`) and returns SAP's key.
    async fn create(&self, payload: &serde_json::Value) -> Result<SapDocumentRef, PostError>;
}
