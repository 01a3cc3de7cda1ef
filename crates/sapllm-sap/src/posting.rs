//! Posting supplier invoices: [`SupplierInvoiceApi`] for [`SapClient`], and the connection
//! test a settings page runs.

use reqwest::Method;
use reqwest::header::LOCATION;
use serde::{Deserialize, Serialize};

use crate::client::{Call, SapClient};
use crate::error::SapError;
use crate::odata::{self, Many, One};
use crate::{InvoiceKey, PostError, SapDocumentRef, SupplierInvoiceApi};

#[derive(Debug, Deserialize)]
struct InvoiceRow {
    #[serde(rename = "SupplierInvoice")]
    supplier_invoice: String,
    #[serde(rename = "FiscalYear")]
    fiscal_year: String,
    #[serde(rename = "IsReversed", default)]
    is_reversed: Option<bool>,
}

impl SapClient {
    /// `find_posted` with the crate's error type.
    pub async fn find_supplier_invoice(
        &self,
        key: &InvoiceKey,
    ) -> Result<Option<SapDocumentRef>, SapError> {
        let filter = format!(
            "SupplierInvoiceIDByInvcgParty eq {} and InvoicingParty eq {} and CompanyCode eq {}",
            odata::string_literal(&key.reference),
            odata::string_literal(&key.invoicing_party),
            odata::string_literal(&key.company_code),
        );
        let url = self.url(
            &self.connection().services.supplier_invoice,
            "A_SupplierInvoice",
            &[("$filter", &filter), ("$top", "20")],
        );
        let found: Option<Many<InvoiceRow>> = self
            .get_json(url, "duplicate check (A_SupplierInvoice)")
            .await?;
        // A reversed invoice no longer counts: SAP's own duplicate check ignores it too, and the
        // clerk may post the corrected document under the same reference.
        Ok(found.and_then(|m| {
            m.d.results
                .into_iter()
                .find(|r| r.is_reversed != Some(true))
                .map(|r| SapDocumentRef {
                    supplier_invoice: r.supplier_invoice,
                    fiscal_year: r.fiscal_year,
                })
        }))
    }

    /// `create` with the crate's error type.
    pub async fn create_supplier_invoice(
        &self,
        payload: &serde_json::Value,
    ) -> Result<SapDocumentRef, SapError> {
        let what = "create supplier invoice";
        let url = self.url(
            &self.connection().services.supplier_invoice,
            "A_SupplierInvoice",
            &[],
        );
        let call = Call {
            method: Method::POST,
            url,
            body: Some(payload),
            modifying: true,
            what,
        };
        let resp = self.execute(call).await?;
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // The invoice exists from here on: if the body is lost, the error is a retryable
        // connection error and the outbox's find_posted will find the document.
        let text = resp
            .text()
            .await
            .map_err(|e| self.transport_error(&e, what))?;
        if let Ok(one) = serde_json::from_str::<One<InvoiceRow>>(&text) {
            return Ok(SapDocumentRef {
                supplier_invoice: one.d.supplier_invoice,
                fiscal_year: one.d.fiscal_year,
            });
        }
        location.as_deref().and_then(key_from_location).ok_or_else(|| SapError::Protocol {
            what: what.into(),
            detail: "201 Created without SupplierInvoice/FiscalYear in the body or the Location header".into(),
        })
    }

    /// Checks what works with this profile, step by step, without changing anything: the
    /// credentials (and token endpoint), each service's `$metadata`, and a CSRF token.
    pub async fn test_connection(&self) -> ConnectionReport {
        let mut checks = Vec::new();
        let services = self.connection().services.clone();
        for (name, path) in [
            ("supplier invoice service", &services.supplier_invoice),
            ("purchase order service", &services.purchase_order),
            ("business partner service", &services.business_partner),
        ] {
            let url = self.url(path, "$metadata", &[]);
            let call = Call {
                method: Method::GET,
                url,
                body: None,
                modifying: false,
                what: name,
            };
            let result = match self.execute(call).await {
                Ok(resp) => match resp.text().await {
                    Ok(t) if t.contains("<edmx:Edmx") || t.contains("EntityType") => {
                        Ok("metadata readable".to_owned())
                    }
                    Ok(_) => Err("answered, but not with OData metadata".to_owned()),
                    Err(e) => Err(self.transport_error(&e, name).to_string()),
                },
                Err(e) => Err(e.to_string()),
            };
            let auth_failed = matches!(&result, Err(m) if m.contains("refused the credentials"));
            checks.push(ConnectionCheck::from_result(name, result));
            if auth_failed {
                // Every further call would be refused the same way (and could lock the user).
                return ConnectionReport { checks };
            }
        }
        // Posting needs a CSRF token bound to a session cookie; fetching one proves that this
        // works (a proxy that strips cookies or headers shows up here, not at the first post).
        let csrf = self
            .probe_csrf()
            .await
            .map(|_| "token received".to_owned())
            .map_err(|e| e.to_string());
        checks.push(ConnectionCheck::from_result("CSRF token", csrf));
        ConnectionReport { checks }
    }
}

/// `...A_SupplierInvoice(SupplierInvoice='5105600001',FiscalYear='2024')` → the key.
fn key_from_location(location: &str) -> Option<SapDocumentRef> {
    let value = |name: &str| -> Option<String> {
        let start = location.find(&format!("{name}='"))? + name.len() + 2;
        let end = location[start..].find('\'')? + start;
        Some(location[start..end].to_owned())
    };
    Some(SapDocumentRef {
        supplier_invoice: value("SupplierInvoice")?,
        fiscal_year: value("FiscalYear")?,
    })
}

/// Result of [`SapClient::test_connection`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionReport {
    pub checks: Vec<ConnectionCheck>,
}

impl ConnectionReport {
    pub fn all_ok(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }
}

/// One step of the connection test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCheck {
    pub name: String,
    pub ok: bool,
    /// What was found, or the error for the clerk (never a credential).
    pub detail: String,
}

impl ConnectionCheck {
    fn from_result(name: &str, r: Result<String, String>) -> Self {
        match r {
            Ok(detail) => Self {
                name: name.into(),
                ok: true,
                detail,
            },
            Err(detail) => Self {
                name: name.into(),
                ok: false,
                detail,
            },
        }
    }
}

impl SupplierInvoiceApi for SapClient {
    async fn find_posted(&self, key: &InvoiceKey) -> Result<Option<SapDocumentRef>, PostError> {
        self.find_supplier_invoice(key)
            .await
            .map_err(PostError::from)
    }

    async fn create(&self, payload: &serde_json::Value) -> Result<SapDocumentRef, PostError> {
        self.create_supplier_invoice(payload)
            .await
            .map_err(PostError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_header_gives_the_key() {
        let k = key_from_location(
            "https://h/sap/opu/odata/sap/API_SUPPLIERINVOICE_PROCESS_SRV/A_SupplierInvoice(SupplierInvoice='5105600001',FiscalYear='2024')",
        )
        .unwrap();
        assert_eq!(
            k,
            SapDocumentRef {
                supplier_invoice: "5105600001".into(),
                fiscal_year: "2024".into()
            }
        );
        assert!(key_from_location("A_SupplierInvoice(x)").is_none());
    }
}
