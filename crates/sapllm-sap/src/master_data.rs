//! Checks of an invoice against SAP master data, as pure functions over what
//! [`crate::reads`] returned, so validation can run them (and tests can drive them) without SAP.
//!
//! - [`po_check`]: the PO exists and is active, belongs to the same supplier, currency and
//!   company code, every invoice line finds an open PO item, and quantities and prices are
//!   within tolerance.
//! - [`supplier_check`]: the supplier exists, is not blocked, and the invoice's IBAN is one of
//!   its bank accounts (a changed IBAN is the classic invoice fraud).

use rust_decimal::Decimal;
use sapllm_core::{DocumentResult, LineKey};
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::reads::{PurchaseOrder, PurchaseOrderItem, Supplier};

/// How far an invoice may deviate from its PO before a person must look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tolerance {
    /// Unit price deviation in percent (either direction).
    pub price_pct: Decimal,
    /// Quantity above the ordered quantity, in percent.
    pub quantity_pct: Decimal,
    /// Absolute slack for rounding when comparing amounts.
    pub amount_abs: Decimal,
}

impl Default for Tolerance {
    fn default() -> Self {
        Self {
            price_pct: Decimal::new(5, 0),
            quantity_pct: Decimal::ZERO,
            amount_abs: Decimal::new(5, 2),
        }
    }
}

/// One invoice line as the PO check sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// 1-based line number on the invoice (for messages).
    pub line_no: usize,
    /// The PO item the line names (`po_line`), if printed.
    pub po_item: Option<String>,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub net_amount: Option<Decimal>,
}

impl InvoiceLine {
    /// The lines of a processing result.
    pub fn from_result(result: &DocumentResult) -> Vec<InvoiceLine> {
        result
            .line_items
            .iter()
            .enumerate()
            .map(|(i, l)| InvoiceLine {
                line_no: i + 1,
                po_item: l.text(LineKey::PoLine).map(str::to_owned),
                quantity: l.amount(LineKey::Quantity),
                unit_price: l.amount(LineKey::UnitPrice),
                net_amount: l.amount(LineKey::NetAmount),
            })
            .collect()
    }

    /// Unit price as printed, or net amount / quantity.
    pub fn effective_unit_price(&self) -> Option<Decimal> {
        self.unit_price
            .or_else(|| match (self.net_amount, self.quantity) {
                (Some(n), Some(q)) if !q.is_zero() => Some(n / q),
                _ => None,
            })
    }
}

/// What the invoice says, for the PO check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PoInvoice {
    pub po_number: String,
    /// The SAP supplier number the invoice was mapped to.
    pub supplier: Option<String>,
    pub currency: Option<String>,
    pub company_code: Option<String>,
    pub lines: Vec<InvoiceLine>,
}

/// A difference between invoice and PO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PoDeviation {
    NotFound {
        po: String,
    },
    Deleted {
        po: String,
        code: String,
    },
    OtherSupplier {
        po: String,
        po_supplier: String,
        invoice_supplier: String,
    },
    OtherCurrency {
        po: String,
        po_currency: String,
        invoice_currency: String,
    },
    OtherCompanyCode {
        po: String,
        po_company_code: String,
        invoice_company_code: String,
    },
    LineNotMatched {
        line: usize,
        reason: String,
    },
    ItemNotFound {
        line: usize,
        item: String,
    },
    ItemClosed {
        line: usize,
        item: String,
        reason: String,
    },
    QuantityExceeded {
        item: String,
        invoiced: Decimal,
        ordered: Decimal,
    },
    PriceDeviation {
        line: usize,
        item: String,
        invoiced: Decimal,
        ordered: Decimal,
        deviation_pct: Decimal,
    },
}

impl PoDeviation {
    /// Stable code for findings.
    pub fn code(&self) -> &'static str {
        match self {
            PoDeviation::NotFound { .. } => "po_not_found",
            PoDeviation::Deleted { .. } => "po_deleted",
            PoDeviation::OtherSupplier { .. } => "po_other_supplier",
            PoDeviation::OtherCurrency { .. } => "po_other_currency",
            PoDeviation::OtherCompanyCode { .. } => "po_other_company_code",
            PoDeviation::LineNotMatched { .. } => "po_line_not_matched",
            PoDeviation::ItemNotFound { .. } => "po_item_not_found",
            PoDeviation::ItemClosed { .. } => "po_item_closed",
            PoDeviation::QuantityExceeded { .. } => "po_quantity_exceeded",
            PoDeviation::PriceDeviation { .. } => "po_price_deviation",
        }
    }
}

impl fmt::Display for PoDeviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoDeviation::NotFound { po } => write!(f, "purchase order {po} does not exist in SAP"),
            PoDeviation::Deleted { po, code } => {
                write!(f, "purchase order {po} is deleted or blocked (code {code})")
            }
            PoDeviation::OtherSupplier {
                po,
                po_supplier,
                invoice_supplier,
            } => write!(
                f,
                "purchase order {po} belongs to supplier {po_supplier}, the invoice is from {invoice_supplier}"
            ),
            PoDeviation::OtherCurrency {
                po,
                po_currency,
                invoice_currency,
            } => {
                write!(
                    f,
                    "purchase order {po} is in {po_currency}, the invoice in {invoice_currency}"
                )
            }
            PoDeviation::OtherCompanyCode {
                po,
                po_company_code,
                invoice_company_code,
            } => write!(
                f,
                "purchase order {po} is for company code {po_company_code}, the invoice is posted to {invoice_company_code}"
            ),
            PoDeviation::LineNotMatched { line, reason } => {
                write!(f, "invoice line {line}: {reason}")
            }
            PoDeviation::ItemNotFound { line, item } => {
                write!(
                    f,
                    "invoice line {line} names PO item {item}, which the purchase order does not have"
                )
            }
            PoDeviation::ItemClosed { line, item, reason } => {
                write!(f, "invoice line {line}: PO item {item} is {reason}")
            }
            PoDeviation::QuantityExceeded {
                item,
                invoiced,
                ordered,
            } => {
                write!(
                    f,
                    "PO item {item}: {invoiced} invoiced but only {ordered} ordered"
                )
            }
            PoDeviation::PriceDeviation {
                line,
                item,
                invoiced,
                ordered,
                deviation_pct,
            } => write!(
                f,
                "invoice line {line}: unit price {invoiced} differs from PO item {item}'s {ordered} by {deviation_pct} %"
            ),
        }
    }
}

/// Which PO item an invoice line belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineMatch<'a> {
    Item(&'a PurchaseOrderItem),
    /// The line names an item the PO does not have.
    UnknownItem(String),
    /// No way to tell (no item number and no unique candidate).
    Unmatched(String),
}

fn same_item(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_start_matches('0').to_owned();
    norm(a) == norm(b)
}

/// Matches invoice lines to PO items: by the printed PO item number; otherwise by position
/// when the invoice has as many lines as the PO has open items; otherwise by a unique unit
/// price among the open items.
pub fn match_lines<'a>(po: &'a PurchaseOrder, lines: &[InvoiceLine]) -> Vec<LineMatch<'a>> {
    let open: Vec<&PurchaseOrderItem> = po.items.iter().filter(|i| i.is_open()).collect();
    let positional = lines.iter().all(|l| l.po_item.is_none()) && lines.len() == open.len();
    lines
        .iter()
        .enumerate()
        .map(|(idx, line)| {
            if let Some(item) = &line.po_item {
                return po
                    .items
                    .iter()
                    .find(|i| same_item(&i.item, item))
                    .map(LineMatch::Item)
                    .unwrap_or_else(|| LineMatch::UnknownItem(item.clone()));
            }
            if positional {
                return LineMatch::Item(open[idx]);
            }
            if let Some(price) = line.effective_unit_price() {
                let mut same_price = open
                    .iter()
                    .filter(|i| (i.unit_price() - price).abs() < Decimal::new(1, 2));
                if let (Some(only), None) = (same_price.next(), same_price.next()) {
                    return LineMatch::Item(only);
                }
            }
            LineMatch::Unmatched(format!(
                "no PO item number printed and no unique open item of purchase order {} fits",
                po.purchase_order
            ))
        })
        .collect()
}

/// Compares an invoice with its purchase order (`None`: SAP does not know the PO).
pub fn po_check(
    po: Option<&PurchaseOrder>,
    invoice: &PoInvoice,
    tol: &Tolerance,
) -> Vec<PoDeviation> {
    let Some(po) = po else {
        return vec![PoDeviation::NotFound {
            po: invoice.po_number.clone(),
        }];
    };
    let mut out = Vec::new();
    let po_id = po.purchase_order.clone();
    if !po.is_active() {
        out.push(PoDeviation::Deleted {
            po: po_id.clone(),
            code: po.deletion_code.clone(),
        });
    }
    if let Some(s) = invoice
        .supplier
        .as_deref()
        .filter(|s| !po.supplier.is_empty() && !same_item(s, &po.supplier))
    {
        out.push(PoDeviation::OtherSupplier {
            po: po_id.clone(),
            po_supplier: po.supplier.clone(),
            invoice_supplier: s.to_owned(),
        });
    }
    if let Some(c) = invoice
        .currency
        .as_deref()
        .filter(|c| !po.currency.is_empty() && !c.eq_ignore_ascii_case(&po.currency))
    {
        out.push(PoDeviation::OtherCurrency {
            po: po_id.clone(),
            po_currency: po.currency.clone(),
            invoice_currency: c.to_owned(),
        });
    }
    if let Some(cc) = invoice
        .company_code
        .as_deref()
        .filter(|cc| !po.company_code.is_empty() && *cc != po.company_code)
    {
        out.push(PoDeviation::OtherCompanyCode {
            po: po_id.clone(),
            po_company_code: po.company_code.clone(),
            invoice_company_code: cc.to_owned(),
        });
    }
    let hundred = Decimal::ONE_HUNDRED;
    let mut invoiced_qty: Vec<(&PurchaseOrderItem, Decimal)> = Vec::new();
    for (line, m) in invoice.lines.iter().zip(match_lines(po, &invoice.lines)) {
        let item = match m {
            LineMatch::Item(i) => i,
            LineMatch::UnknownItem(item) => {
                out.push(PoDeviation::ItemNotFound {
                    line: line.line_no,
                    item,
                });
                continue;
            }
            LineMatch::Unmatched(reason) => {
                out.push(PoDeviation::LineNotMatched {
                    line: line.line_no,
                    reason,
                });
                continue;
            }
        };
        if !item.deletion_code.trim().is_empty() {
            out.push(PoDeviation::ItemClosed {
                line: line.line_no,
                item: item.item.clone(),
                reason: "deleted".into(),
            });
        } else if item.finally_invoiced {
            out.push(PoDeviation::ItemClosed {
                line: line.line_no,
                item: item.item.clone(),
                reason: "finally invoiced".into(),
            });
        }
        if let Some(q) = line.quantity {
            match invoiced_qty
                .iter_mut()
                .find(|(i, _)| std::ptr::eq(*i, item))
            {
                Some((_, sum)) => *sum += q.abs(),
                None => invoiced_qty.push((item, q.abs())),
            }
        }
        let ordered = item.unit_price();
        if let Some(price) = line.effective_unit_price().filter(|_| !ordered.is_zero()) {
            let deviation_pct = ((price.abs() - ordered).abs() / ordered * hundred).round_dp(2);
            if deviation_pct > tol.price_pct {
                out.push(PoDeviation::PriceDeviation {
                    line: line.line_no,
                    item: item.item.clone(),
                    invoiced: price.round_dp(4).normalize(),
                    ordered: ordered.normalize(),
                    deviation_pct,
                });
            }
        }
    }
    for (item, invoiced) in invoiced_qty {
        let limit = item.order_quantity * (hundred + tol.quantity_pct) / hundred;
        if invoiced > limit {
            out.push(PoDeviation::QuantityExceeded {
                item: item.item.clone(),
                invoiced: invoiced.normalize(),
                ordered: item.order_quantity.normalize(),
            });
        }
    }
    out
}

/// A problem with the supplier master data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SupplierIssue {
    NotFound {
        supplier: String,
    },
    PostingBlocked {
        supplier: String,
    },
    PaymentBlocked {
        supplier: String,
    },
    MarkedForDeletion {
        supplier: String,
    },
    /// The invoice's IBAN is not among the supplier's bank accounts.
    IbanNotInMasterData {
        supplier: String,
        iban: String,
        known: Vec<String>,
    },
}

impl SupplierIssue {
    pub fn code(&self) -> &'static str {
        match self {
            SupplierIssue::NotFound { .. } => "supplier_not_found",
            SupplierIssue::PostingBlocked { .. } => "supplier_posting_blocked",
            SupplierIssue::PaymentBlocked { .. } => "supplier_payment_blocked",
            SupplierIssue::MarkedForDeletion { .. } => "supplier_marked_for_deletion",
            SupplierIssue::IbanNotInMasterData { .. } => "iban_not_in_master_data",
        }
    }

    /// Whether SAP would refuse the posting (rather than a person having to look).
    pub fn blocks_posting(&self) -> bool {
        matches!(
            self,
            SupplierIssue::NotFound { .. } | SupplierIssue::PostingBlocked { .. }
        )
    }
}

impl fmt::Display for SupplierIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SupplierIssue::NotFound { supplier } => {
                write!(f, "supplier {supplier} does not exist in SAP")
            }
            SupplierIssue::PostingBlocked { supplier } => {
                write!(f, "supplier {supplier} is blocked for posting in SAP")
            }
            SupplierIssue::PaymentBlocked { supplier } => {
                write!(f, "supplier {supplier} is blocked for payment in SAP")
            }
            SupplierIssue::MarkedForDeletion { supplier } => {
                write!(f, "supplier {supplier} is marked for deletion in SAP")
            }
            SupplierIssue::IbanNotInMasterData {
                supplier,
                iban,
                known,
            } if known.is_empty() => write!(
                f,
                "the invoice asks for payment to IBAN {iban}, but supplier {supplier} has no bank account in SAP"
            ),
            SupplierIssue::IbanNotInMasterData {
                supplier,
                iban,
                known,
            } => write!(
                f,
                "the invoice asks for payment to IBAN {iban}, which is not a bank account of supplier {supplier} in SAP (known: {})",
                known.join(", ")
            ),
        }
    }
}

/// IBAN without spaces, upper case.
pub fn normalize_iban(iban: &str) -> String {
    iban.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `DE89370400440532013000` → `DE89…3000`: enough for a clerk to tell accounts apart.
pub use sapllm_core::identity::mask_iban;

/// Checks the supplier's flags and, when the invoice names an IBAN, that it is in SAP.
pub fn supplier_check(
    supplier: Option<&Supplier>,
    supplier_id: &str,
    iban: Option<&str>,
) -> Vec<SupplierIssue> {
    let Some(s) = supplier else {
        return vec![SupplierIssue::NotFound {
            supplier: supplier_id.to_owned(),
        }];
    };
    let id = s.supplier.clone();
    let mut out = Vec::new();
    if s.posting_blocked {
        out.push(SupplierIssue::PostingBlocked {
            supplier: id.clone(),
        });
    }
    if s.payment_blocked {
        out.push(SupplierIssue::PaymentBlocked {
            supplier: id.clone(),
        });
    }
    if s.deletion_flag {
        out.push(SupplierIssue::MarkedForDeletion {
            supplier: id.clone(),
        });
    }
    if let Some(iban) = iban.map(normalize_iban).filter(|i| !i.is_empty()) {
        let known: Vec<String> = s
            .bank_accounts
            .iter()
            .map(|b| normalize_iban(&b.iban))
            .filter(|i| !i.is_empty())
            .collect();
        if !known.contains(&iban) {
            out.push(SupplierIssue::IbanNotInMasterData {
                supplier: id,
                iban: mask_iban(&iban),
                known: known.iter().map(|k| mask_iban(k)).collect(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reads::BankAccount;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn item(no: &str, qty: &str, price: &str) -> PurchaseOrderItem {
        PurchaseOrderItem {
            item: no.into(),
            text: String::new(),
            order_quantity: d(qty),
            unit: "PC".into(),
            net_price: d(price),
            price_quantity: Decimal::ONE,
            tax_code: "V1".into(),
            deletion_code: String::new(),
            completely_delivered: false,
            finally_invoiced: false,
        }
    }

    fn po() -> PurchaseOrder {
        PurchaseOrder {
            purchase_order: "4500000001".into(),
            company_code: "1010".into(),
            supplier: "17300001".into(),
            currency: "EUR".into(),
            deletion_code: String::new(),
            processing_status: "05".into(),
            items: vec![item("10", "100", "2.50"), item("20", "10", "45.00")],
        }
    }

    fn line(no: usize, po_item: Option<&str>, qty: &str, price: &str) -> InvoiceLine {
        InvoiceLine {
            line_no: no,
            po_item: po_item.map(Into::into),
            quantity: Some(d(qty)),
            unit_price: Some(d(price)),
            net_amount: Some(d(qty) * d(price)),
        }
    }

    fn invoice(lines: Vec<InvoiceLine>) -> PoInvoice {
        PoInvoice {
            po_number: "4500000001".into(),
            supplier: Some("17300001".into()),
            currency: Some("EUR".into()),
            company_code: Some("1010".into()),
            lines,
        }
    }

    #[test]
    fn a_matching_invoice_has_no_deviation() {
        let inv = invoice(vec![
            line(1, Some("00010"), "100", "2.50"),
            line(2, None, "5", "45"),
        ]);
        assert_eq!(po_check(Some(&po()), &inv, &Tolerance::default()), vec![]);
        // positional matching when no item numbers are printed
        let inv = invoice(vec![
            line(1, None, "100", "2.50"),
            line(2, None, "10", "45"),
        ]);
        assert_eq!(po_check(Some(&po()), &inv, &Tolerance::default()), vec![]);
    }

    #[test]
    fn price_quantity_and_header_deviations_are_reported() {
        let mut inv = invoice(vec![
            line(1, Some("10"), "120", "2.50"),
            line(2, Some("20"), "10", "49.00"),
        ]);
        inv.currency = Some("USD".into());
        inv.supplier = Some("17300002".into());
        let dev = po_check(Some(&po()), &inv, &Tolerance::default());
        let codes: Vec<&str> = dev.iter().map(|d| d.code()).collect();
        assert_eq!(
            codes,
            [
                "po_other_supplier",
                "po_other_currency",
                "po_price_deviation",
                "po_quantity_exceeded"
            ]
        );
        assert!(dev[2].to_string().contains("8.89 %"), "{}", dev[2]);
        assert!(
            dev[3]
                .to_string()
                .contains("120 invoiced but only 100 ordered"),
            "{}",
            dev[3]
        );
        // within a 10 % quantity and price tolerance only the header remains
        let tol = Tolerance {
            price_pct: d("10"),
            quantity_pct: d("20"),
            amount_abs: d("0.05"),
        };
        assert_eq!(po_check(Some(&po()), &inv, &tol).len(), 2);
    }

    #[test]
    fn missing_deleted_and_closed() {
        assert_eq!(
            po_check(None, &invoice(vec![]), &Tolerance::default())[0].code(),
            "po_not_found"
        );
        let mut p = po();
        p.deletion_code = "L".into();
        p.items[1].finally_invoiced = true;
        let inv = invoice(vec![
            line(1, Some("20"), "1", "45"),
            line(2, Some("30"), "1", "1"),
        ]);
        let codes: Vec<&str> = po_check(Some(&p), &inv, &Tolerance::default())
            .iter()
            .map(|d| d.code())
            .collect();
        assert_eq!(codes, ["po_deleted", "po_item_closed", "po_item_not_found"]);
        let inv = invoice(vec![line(1, None, "1", "7.77")]);
        assert_eq!(
            po_check(Some(&po()), &inv, &Tolerance::default())[0].code(),
            "po_line_not_matched"
        );
    }

    fn supplier() -> Supplier {
        Supplier {
            supplier: "17300001".into(),
            name: "Mueller".into(),
            vat_registration: "DE123456789".into(),
            posting_blocked: false,
            payment_blocked: false,
            purchasing_blocked: false,
            deletion_flag: false,
            bank_accounts: vec![BankAccount {
                id: "0001".into(),
                iban: "DE89370400440532013000".into(),
                bank_country: "DE".into(),
                bank_number: "37040044".into(),
                swift: "COBADEFFXXX".into(),
                holder: "Mueller".into(),
            }],
        }
    }

    #[test]
    fn supplier_flags_and_iban() {
        let s = supplier();
        assert_eq!(
            supplier_check(Some(&s), "17300001", Some("de89 3704 0044 0532 0130 00")),
            vec![]
        );
        let issues = supplier_check(Some(&s), "17300001", Some("DE02120300000000202051"));
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].code(), "iban_not_in_master_data");
        assert!(
            issues[0].to_string().contains("DE02**************2051")
                && issues[0].to_string().contains("DE89**************3000")
        );
        let mut blocked = supplier();
        blocked.posting_blocked = true;
        blocked.payment_blocked = true;
        let issues = supplier_check(Some(&blocked), "17300001", None);
        assert_eq!(
            issues.iter().map(|i| i.code()).collect::<Vec<_>>(),
            ["supplier_posting_blocked", "supplier_payment_blocked"]
        );
        assert!(issues[0].blocks_posting() && !issues[1].blocks_posting());
        assert_eq!(
            supplier_check(None, "999", None)[0].code(),
            "supplier_not_found"
        );
    }
}
