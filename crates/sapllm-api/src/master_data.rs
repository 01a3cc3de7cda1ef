//! Validation against SAP master data, when a connection is configured: the supplier exists,
//! is not blocked, and the invoice's IBAN is one of its bank accounts; the purchase order
//! exists, is open, and prices and quantities are within tolerance.
//!
//! These are validation rules (the findings carry `Stage::Validation`), but they need the
//! network and the SAP settings of the data folder, so the API applies them when it commits a
//! result, next to the duplicate re-check — the pipeline stays free of HTTP. Without SAP
//! settings nothing happens (validation already says the PO was not checked); with settings
//! but SAP unreachable (a laptop offline), an info finding says what was not checked: the
//! outbox and SAP's own checks still stand between the document and a wrong posting.

use sapllm_core::{DocumentResult, FieldKey, Finding, Route, Severity, Stage};
use sapllm_sap::SapClient;
use sapllm_sap::mapping::MappingConfig;
use sapllm_sap::master_data::{InvoiceLine, PoInvoice, Tolerance, po_check, supplier_check};

use crate::Api;

/// What the master-data check needs from the SAP settings.
pub(crate) struct MasterDataContext {
    pub client: SapClient,
    pub mapping: MappingConfig,
    pub tolerance: Tolerance,
}

impl Api {
    /// The SAP client and mapping for master-data checks, if SAP is configured. `Err` carries
    /// the reason checks cannot run (no stored password, bad settings).
    pub(crate) fn master_data_context(&self) -> Option<Result<MasterDataContext, String>> {
        let settings = crate::posting::SapSettings::load(&self.settings.data_dir)
            .ok()
            .flatten()?;
        Some(
            self.sap_client(self.session_secret())
                .map(|client| MasterDataContext {
                    client,
                    mapping: settings.mapping,
                    tolerance: Tolerance::default(),
                })
                .map_err(|e| e.message),
        )
    }
}

/// Adds the master-data findings to `result` and escalates its route.
pub(crate) async fn check_master_data(api: &Api, result: &mut DocumentResult) {
    if !result.doc_type.value.is_postable() {
        return;
    }
    let Some(context) = api.master_data_context() else {
        return;
    };
    let findings = match context {
        Ok(ctx) => findings_for(&ctx, result).await,
        Err(reason) => vec![unavailable(&reason)],
    };
    apply(result, findings);
}

fn unavailable(reason: &str) -> Finding {
    Finding::new(
        Stage::Validation,
        "master_data_unavailable",
        Severity::Info,
        format!("SAP master data (supplier, purchase order) not checked: {reason}"),
    )
}

fn apply(result: &mut DocumentResult, findings: Vec<Finding>) {
    let checked_po = findings.iter().any(|f| f.code.starts_with("po_"));
    if checked_po {
        result.findings.retain(|f| f.code != "po_not_checked");
    }
    let worst = findings.iter().map(|f| f.severity).max();
    if worst >= Some(Severity::Review) && result.route == Route::AutoApprove {
        result.route = Route::Review;
        result.findings.retain(|f| f.code != "all_checks_passed");
    }
    result.findings.extend(findings);
}

async fn findings_for(ctx: &MasterDataContext, result: &DocumentResult) -> Vec<Finding> {
    let mut out = Vec::new();
    let supplier = match sapllm_sap::mapping::resolve_supplier(result, &ctx.mapping) {
        Ok(s) => Some(s.supplier.clone()),
        Err(issue) => {
            out.push(
                Finding::new(
                    Stage::Validation,
                    "supplier_not_mapped",
                    Severity::Review,
                    issue.message,
                )
                .on(&[FieldKey::SellerVatId, FieldKey::SellerName]),
            );
            None
        }
    };
    if let Some(id) = &supplier {
        match ctx.client.supplier(id).await {
            Ok(s) => {
                for issue in supplier_check(s.as_ref(), id, result.text(FieldKey::Iban)) {
                    let fields: &[FieldKey] = if issue.code() == "iban_not_in_master_data" {
                        &[FieldKey::Iban]
                    } else {
                        &[FieldKey::SellerName, FieldKey::SellerVatId]
                    };
                    out.push(
                        Finding::new(
                            Stage::Validation,
                            issue.code(),
                            Severity::Review,
                            issue.to_string(),
                        )
                        .on(fields),
                    );
                }
            }
            Err(e) => out.push(unavailable(&e.to_string())),
        }
    }
    if let Some(po) = result.text(FieldKey::PoNumber) {
        match ctx.client.purchase_order(po).await {
            Ok(order) => {
                let invoice = PoInvoice {
                    po_number: po.to_owned(),
                    supplier: supplier.clone(),
                    currency: result.text(FieldKey::Currency).map(str::to_owned),
                    company_code: Some(ctx.mapping.company_code.clone()),
                    lines: InvoiceLine::from_result(result),
                };
                let deviations = po_check(order.as_ref(), &invoice, &ctx.tolerance);
                if deviations.is_empty() {
                    out.push(
                        Finding::new(
                            Stage::Validation,
                            "po_matched",
                            Severity::Info,
                            format!("purchase order {po} exists, is open, and the lines are within tolerance"),
                        )
                        .on(&[FieldKey::PoNumber]),
                    );
                }
                for d in deviations {
                    out.push(
                        Finding::new(Stage::Validation, d.code(), Severity::Review, d.to_string())
                            .on(&[FieldKey::PoNumber]),
                    );
                }
            }
            Err(e) => out.push(unavailable(&e.to_string())),
        }
    }
    out
}
