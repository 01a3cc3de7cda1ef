//! Reads for validation: a purchase order with its items (`API_PURCHASEORDER_PROCESS_SRV`) and
//! a supplier with its bank accounts (`API_BUSINESS_PARTNER`).
//!
//! The PO API has no "open quantity": that needs the PO history. What it does have are the
//! flags SAP sets when an item is done (`IsCompletelyDelivered`, `IsFinallyInvoiced`) and the
//! deletion code; [`crate::master_data::po_check`] uses those and the ordered quantity.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::SapClient;
use crate::error::SapError;
use crate::odata::{self, Many, One, Results, sap_decimal_opt};

/// A purchase order as validation needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrder {
    pub purchase_order: String,
    pub company_code: String,
    pub supplier: String,
    pub currency: String,
    /// `PurchasingDocumentDeletionCode`: `L` deleted, `S` blocked, empty when active.
    pub deletion_code: String,
    /// `PurchasingProcessingStatus` (`05` released, `02` in release, ...).
    pub processing_status: String,
    pub items: Vec<PurchaseOrderItem>,
}

/// One PO item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderItem {
    /// `PurchaseOrderItem`, e.g. `10`.
    pub item: String,
    pub text: String,
    pub order_quantity: Decimal,
    /// `PurchaseOrderQuantityUnit` (SAP's internal unit, e.g. `PC`).
    pub unit: String,
    /// `NetPriceAmount` per `price_quantity` units.
    pub net_price: Decimal,
    pub price_quantity: Decimal,
    pub tax_code: String,
    pub deletion_code: String,
    pub completely_delivered: bool,
    pub finally_invoiced: bool,
}

impl PurchaseOrder {
    /// Not deleted or blocked at header level.
    pub fn is_active(&self) -> bool {
        self.deletion_code.trim().is_empty()
    }
}

impl PurchaseOrderItem {
    /// Price of one unit (`net_price / price_quantity`).
    pub fn unit_price(&self) -> Decimal {
        if self.price_quantity.is_zero() {
            self.net_price
        } else {
            self.net_price / self.price_quantity
        }
    }

    /// Can still be invoiced: not deleted and not finally invoiced.
    pub fn is_open(&self) -> bool {
        self.deletion_code.trim().is_empty() && !self.finally_invoiced
    }
}

/// A supplier with the flags and bank accounts validation checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supplier {
    pub supplier: String,
    pub name: String,
    pub vat_registration: String,
    pub posting_blocked: bool,
    pub payment_blocked: bool,
    pub purchasing_blocked: bool,
    pub deletion_flag: bool,
    pub bank_accounts: Vec<BankAccount>,
}

/// One bank account of the supplier's business partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    /// `BankIdentification`, e.g. `0001`.
    pub id: String,
    pub iban: String,
    pub bank_country: String,
    pub bank_number: String,
    pub swift: String,
    pub holder: String,
}

// --- wire types (SAP names) --------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PoWire {
    purchase_order: String,
    #[serde(default)]
    company_code: String,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    document_currency: String,
    #[serde(default)]
    purchasing_document_deletion_code: String,
    #[serde(default)]
    purchasing_processing_status: String,
    #[serde(default, rename = "to_PurchaseOrderItem")]
    items: Results<PoItemWire>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PoItemWire {
    purchase_order_item: String,
    #[serde(default)]
    purchase_order_item_text: String,
    #[serde(default, with = "sap_decimal_opt")]
    order_quantity: Option<Decimal>,
    #[serde(default)]
    purchase_order_quantity_unit: String,
    #[serde(default, with = "sap_decimal_opt")]
    net_price_amount: Option<Decimal>,
    #[serde(default, with = "sap_decimal_opt")]
    net_price_quantity: Option<Decimal>,
    #[serde(default)]
    tax_code: String,
    #[serde(default)]
    purchasing_document_deletion_code: String,
    #[serde(default)]
    is_completely_delivered: Option<bool>,
    #[serde(default)]
    is_finally_invoiced: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SupplierWire {
    supplier: String,
    #[serde(default)]
    supplier_name: String,
    #[serde(default, rename = "VATRegistration")]
    vat_registration: String,
    #[serde(default)]
    posting_is_blocked: Option<bool>,
    #[serde(default)]
    payment_is_blocked_for_supplier: Option<bool>,
    #[serde(default)]
    purchasing_is_blocked: Option<bool>,
    #[serde(default)]
    deletion_indicator: Option<bool>,
}

#[derive(Deserialize)]
struct PartnerWire {
    #[serde(default, rename = "to_BusinessPartnerBank")]
    banks: Results<BankWire>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BankWire {
    #[serde(default)]
    bank_identification: String,
    #[serde(default, rename = "IBAN")]
    iban: String,
    #[serde(default)]
    bank_country_key: String,
    #[serde(default)]
    bank_number: String,
    #[serde(default, rename = "SWIFTCode")]
    swift_code: String,
    #[serde(default)]
    bank_account_holder_name: String,
}

impl SapClient {
    /// The purchase order with its items; `None` when SAP does not know it.
    pub async fn purchase_order(&self, id: &str) -> Result<Option<PurchaseOrder>, SapError> {
        let resource = format!(
            "A_PurchaseOrder({})",
            odata::encode(&odata::string_literal(id))
        );
        let url = self.url(
            &self.connection().services.purchase_order,
            &resource,
            &[("$expand", "to_PurchaseOrderItem")],
        );
        let found: Option<One<PoWire>> = self.get_json(url, "purchase order read").await?;
        Ok(found.map(|o| po_from_wire(o.d)))
    }

    /// The supplier with its flags and bank accounts; `None` when SAP does not know it.
    pub async fn supplier(&self, id: &str) -> Result<Option<Supplier>, SapError> {
        let services = &self.connection().services;
        let literal = odata::string_literal(id);
        let url = self.url(
            &services.business_partner,
            &format!("A_Supplier({})", odata::encode(&literal)),
            &[],
        );
        let Some(one) = self
            .get_json::<One<SupplierWire>>(url, "supplier read")
            .await?
        else {
            return Ok(None);
        };
        // Bank details hang off the business partner, which A_Supplier does not navigate to.
        let filter = format!("Supplier eq {literal}");
        let url = self.url(
            &services.business_partner,
            "A_BusinessPartner",
            &[("$filter", &filter), ("$expand", "to_BusinessPartnerBank")],
        );
        let partners: Option<Many<PartnerWire>> = self.get_json(url, "supplier bank read").await?;
        let banks = partners.map(|m| m.d.results).unwrap_or_default();
        Ok(Some(supplier_from_wire(one.d, banks)))
    }
}

fn po_from_wire(w: PoWire) -> PurchaseOrder {
    PurchaseOrder {
        purchase_order: w.purchase_order,
        company_code: w.company_code,
        supplier: w.supplier,
        currency: w.document_currency,
        deletion_code: w.purchasing_document_deletion_code,
        processing_status: w.purchasing_processing_status,
        items: w
            .items
            .results
            .into_iter()
            .map(|i| PurchaseOrderItem {
                item: i.purchase_order_item,
                text: i.purchase_order_item_text,
                order_quantity: i.order_quantity.unwrap_or_default(),
                unit: i.purchase_order_quantity_unit,
                net_price: i.net_price_amount.unwrap_or_default(),
                price_quantity: i
                    .net_price_quantity
                    .filter(|q| !q.is_zero())
                    .unwrap_or(Decimal::ONE),
                tax_code: i.tax_code,
                deletion_code: i.purchasing_document_deletion_code,
                completely_delivered: i.is_completely_delivered.unwrap_or(false),
                finally_invoiced: i.is_finally_invoiced.unwrap_or(false),
            })
            .collect(),
    }
}

fn supplier_from_wire(s: SupplierWire, partners: Vec<PartnerWire>) -> Supplier {
    Supplier {
        supplier: s.supplier,
        name: s.supplier_name,
        vat_registration: s.vat_registration,
        posting_blocked: s.posting_is_blocked.unwrap_or(false),
        payment_blocked: s.payment_is_blocked_for_supplier.unwrap_or(false),
        purchasing_blocked: s.purchasing_is_blocked.unwrap_or(false),
        deletion_flag: s.deletion_indicator.unwrap_or(false),
        bank_accounts: partners
            .into_iter()
            .flat_map(|p| p.banks.results)
            .filter(|b| !b.iban.trim().is_empty() || !b.bank_number.is_empty())
            .map(|b| BankAccount {
                id: b.bank_identification,
                iban: b.iban,
                bank_country: b.bank_country_key,
                bank_number: b.bank_number,
                swift: b.swift_code,
                holder: b.bank_account_holder_name,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn po_wire_with_numbers_strings_and_missing_fields() {
        let json = r#"{"d":{"PurchaseOrder":"4500000001","CompanyCode":"1010","Supplier":"17300001",
            "DocumentCurrency":"EUR","PurchasingDocumentDeletionCode":"","to_PurchaseOrderItem":{"results":[
            {"PurchaseOrderItem":"10","OrderQuantity":"100","PurchaseOrderQuantityUnit":"PC","NetPriceAmount":25,
             "NetPriceQuantity":"10","IsCompletelyDelivered":false},
            {"PurchaseOrderItem":"20","OrderQuantity":2.5,"NetPriceAmount":"45.00","IsFinallyInvoiced":true}]}}}"#;
        let po = po_from_wire(serde_json::from_str::<One<PoWire>>(json).unwrap().d);
        assert!(po.is_active());
        assert_eq!(po.items.len(), 2);
        assert_eq!(po.items[0].unit_price(), Decimal::from_str("2.5").unwrap());
        assert!(po.items[0].is_open());
        assert_eq!(
            po.items[1].order_quantity,
            Decimal::from_str("2.5").unwrap()
        );
        assert_eq!(po.items[1].price_quantity, Decimal::ONE);
        assert!(!po.items[1].is_open());
    }
}
