//! IDoc INVOIC02 export: the alternative target for SAP ECC systems that read IDoc files from a
//! file port instead of taking OData calls. The same mapping as the OData posting applies, so
//! what cannot be mapped blocks the export with the same reasons.

use chrono::Utc;
use sapllm_sap::idoc::{IdocControl, invoic02_xml};
use sapllm_sap::mapping::{MappingContext, map_invoice};

use crate::{Api, ApiError};

/// Where the IDoc goes (written to `sap.toml`'s neighbours by the administrator or given on
/// the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdocTarget {
    pub sender_port: String,
    pub receiver_port: String,
    pub receiver_partner: String,
}

impl Default for IdocTarget {
    fn default() -> Self {
        Self {
            sender_port: "SAPLLM".into(),
            receiver_port: "SAPECC".into(),
            receiver_partner: "ECCCLNT100".into(),
        }
    }
}

impl Api {
    /// The INVOIC02 XML of a document's latest result.
    pub async fn export_idoc(&self, id: &str, target: &IdocTarget) -> Result<String, ApiError> {
        let hash = self.store().find_by_prefix(id).await?;
        let (_, result) = self.store().latest_result(&hash).await?.ok_or_else(|| {
            ApiError::new(
                "no_result",
                format!("document {} has no result yet", hash.short()),
            )
        })?;
        let settings = self.sap_settings()?;
        let now = Utc::now().naive_utc();
        let ctx = MappingContext {
            today: now.date(),
            purchase_order: None,
        };
        let mapped = map_invoice(&result, &settings.mapping, &ctx).map_err(|issues| {
            let text: Vec<String> = issues
                .iter()
                .map(|i| format!("{}: {}", i.field, i.message))
                .collect();
            ApiError::new("mapping", format!("cannot export: {}", text.join("; ")))
        })?;
        // The IDoc number must be unique per export and at most 16 digits: the time in
        // milliseconds is (and increases with every export).
        let docnum = format!(
            "{:016}",
            now.and_utc().timestamp_millis().rem_euclid(10_i64.pow(16))
        );
        let control = IdocControl {
            docnum,
            sender_port: target.sender_port.clone(),
            receiver_port: target.receiver_port.clone(),
            receiver_partner: target.receiver_partner.clone(),
            created: now,
        };
        Ok(invoic02_xml(&mapped, &control))
    }
}
