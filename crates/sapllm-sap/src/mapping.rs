//! From our processing result to what SAP needs: which supplier, which reference, which tax
//! codes, PO items or G/L account, credit memo or invoice. Everything that cannot be mapped
//! becomes a [`MappingIssue`] for the clerk and blocks posting; nothing is guessed silently.
//!
//! [`map_invoice`] produces a [`MappedInvoice`] (plain data); [`crate::payload`] turns it into
//! the `A_SupplierInvoice` deep insert and [`crate::idoc`] into an INVOIC02 IDoc.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use sapllm_core::{DocType, DocumentResult, FieldKey, InvoiceSubtype, LineKey};
use serde::{Deserialize, Serialize};

use crate::InvoiceKey;
use crate::master_data::{InvoiceLine, LineMatch, match_lines, normalize_iban};
use crate::reads::PurchaseOrder;

/// SAP's `SupplierInvoiceIDByInvcgParty` (XBLNR) holds 16 characters.
pub const REFERENCE_MAX: usize = 16;

/// Mapping settings of one SAP connection (from the settings file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingConfig {
    pub company_code: String,
    /// Tax code per VAT rate (and optionally category, e.g. `AE` reverse charge).
    #[serde(default)]
    pub tax_codes: Vec<TaxCodeRule>,
    /// G/L account for invoices without a PO, unless the supplier has its own.
    #[serde(default)]
    pub default_gl_account: Option<String>,
    /// Who is who: VAT ID or IBAN of a seller → SAP supplier number.
    #[serde(default)]
    pub suppliers: Vec<SupplierRef>,
    #[serde(default)]
    pub posting_date: PostingDatePolicy,
    #[serde(default)]
    pub long_reference: LongReference,
    /// Let SAP compute the tax from the tax codes instead of sending our tax lines.
    #[serde(default)]
    pub tax_is_calculated_automatically: bool,
}

/// A tax code for a VAT rate; a rule with a category applies only to that category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxCodeRule {
    /// Percent, e.g. `19`.
    pub rate: Decimal,
    #[serde(default)]
    pub category: Option<String>,
    pub tax_code: String,
}

/// A known supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierRef {
    /// SAP supplier number (`InvoicingParty`).
    pub supplier: String,
    #[serde(default)]
    pub vat_id: Option<String>,
    #[serde(default)]
    pub iban: Option<String>,
    /// G/L account for this supplier's invoices without a PO.
    #[serde(default)]
    pub gl_account: Option<String>,
}

/// Which posting date an invoice gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostingDatePolicy {
    /// The day of posting (SAP's default in MIRO).
    #[default]
    Today,
    /// The invoice's issue date.
    DocumentDate,
}

/// What to do with an invoice number longer than SAP's 16 characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LongReference {
    /// Stop and let the clerk decide (a shortened reference weakens the duplicate check).
    #[default]
    Block,
    /// Keep the last 16 characters (where running numbers differ).
    KeepLast16,
}

/// Why an invoice cannot be posted as it is: the field and a sentence for the clerk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingIssue {
    /// A field key (`gross_total`), `line_items[2]`, `vat_breakdown`, `doc_type`, ...
    pub field: String,
    pub message: String,
}

impl MappingIssue {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Inputs besides the result: the date of posting (injected for tests) and, when validation
/// read it, the purchase order (lets lines without a printed item number find their item).
#[derive(Debug, Clone, Copy)]
pub struct MappingContext<'a> {
    pub today: NaiveDate,
    pub purchase_order: Option<&'a PurchaseOrder>,
}

/// An invoice in SAP's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedInvoice {
    pub credit_memo: bool,
    pub company_code: String,
    /// SAP supplier number.
    pub supplier: String,
    pub seller_name: Option<String>,
    pub buyer_name: Option<String>,
    pub seller_vat_id: Option<String>,
    pub buyer_vat_id: Option<String>,
    /// The supplier's invoice number as SAP stores it (at most 16 characters).
    pub reference: String,
    pub document_date: NaiveDate,
    pub posting_date: NaiveDate,
    pub currency: String,
    /// Positive, also for credit memos.
    pub gross: Decimal,
    pub po_number: Option<String>,
    pub items: Vec<MappedItem>,
    pub taxes: Vec<TaxLine>,
    pub tax_is_calculated_automatically: bool,
}

/// One item: against a PO item or a G/L account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedItem {
    pub kind: ItemKind,
    /// Net, positive.
    pub amount: Decimal,
    pub tax_code: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemKind {
    PurchaseOrder {
        purchase_order: String,
        item: String,
        quantity: Decimal,
        unit: String,
    },
    GlAccount {
        account: String,
    },
}

/// Tax per tax code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    pub tax_code: String,
    pub rate: Decimal,
    pub base: Decimal,
    pub amount: Decimal,
}

/// Decimal places of a currency's amounts (ISO 4217 minor units; 2 unless listed).
pub fn currency_scale(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "CLP" | "ISK" | "VND" | "PYG" | "UGX" | "XAF" | "XOF" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "LYD" | "IQD" => 3,
        _ => 2,
    }
}

fn round(d: Decimal, scale: u32) -> Decimal {
    d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
}

fn upper_alnum(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The SAP supplier for the seller: by VAT ID, else by IBAN.
pub fn resolve_supplier<'a>(
    result: &DocumentResult,
    cfg: &'a MappingConfig,
) -> Result<&'a SupplierRef, MappingIssue> {
    let vat = result
        .text(FieldKey::SellerVatId)
        .map(upper_alnum)
        .filter(|v| !v.is_empty());
    let iban = result
        .text(FieldKey::Iban)
        .map(normalize_iban)
        .filter(|v| !v.is_empty());
    let by_vat = vat.as_ref().and_then(|v| {
        cfg.suppliers
            .iter()
            .find(|s| s.vat_id.as_deref().map(upper_alnum).as_ref() == Some(v))
    });
    let by_iban = || {
        iban.as_ref().and_then(|i| {
            cfg.suppliers
                .iter()
                .find(|s| s.iban.as_deref().map(normalize_iban).as_ref() == Some(i))
        })
    };
    by_vat.or_else(by_iban).ok_or_else(|| {
        let seller = result.text(FieldKey::SellerName).unwrap_or("the seller");
        let mut known = Vec::new();
        if let Some(v) = &vat {
            known.push(format!("VAT ID {v}"));
        }
        if let Some(i) = &iban {
            known.push(format!("IBAN {i}"));
        }
        let by = if known.is_empty() { "no VAT ID or IBAN was read".to_owned() } else { known.join(", ") };
        MappingIssue::new(
            FieldKey::SellerVatId.as_str(),
            format!("no SAP supplier number is known for {seller} ({by}): add the supplier to the SAP settings"),
        )
    })
}

/// The reference SAP stores: whitespace collapsed, at most 16 characters.
pub fn sap_reference(result: &DocumentResult, cfg: &MappingConfig) -> Result<String, MappingIssue> {
    let field = FieldKey::InvoiceNumber.as_str();
    let raw = result
        .text(FieldKey::InvoiceNumber)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
    let Some(r) = raw.filter(|r| !r.is_empty()) else {
        return Err(MappingIssue::new(
            field,
            "the invoice number is missing; SAP needs it as the reference",
        ));
    };
    let n = r.chars().count();
    if n <= REFERENCE_MAX {
        return Ok(r);
    }
    match cfg.long_reference {
        LongReference::KeepLast16 => Ok(r.chars().skip(n - REFERENCE_MAX).collect()),
        LongReference::Block => Err(MappingIssue::new(
            field,
            format!(
                "the invoice number '{r}' has {n} characters; SAP's reference holds {REFERENCE_MAX}: shorten it"
            ),
        )),
    }
}

/// The duplicate-check key SAP will see for this result.
pub fn invoice_key(
    result: &DocumentResult,
    cfg: &MappingConfig,
) -> Result<InvoiceKey, Vec<MappingIssue>> {
    let supplier = resolve_supplier(result, cfg);
    let reference = sap_reference(result, cfg);
    match (supplier, reference) {
        (Ok(s), Ok(r)) => Ok(InvoiceKey {
            company_code: cfg.company_code.clone(),
            invoicing_party: s.supplier.clone(),
            reference: r,
        }),
        (s, r) => Err([s.err(), r.err()].into_iter().flatten().collect()),
    }
}

fn tax_code_for<'a>(
    cfg: &'a MappingConfig,
    rate: Decimal,
    category: Option<&str>,
) -> Option<&'a TaxCodeRule> {
    let cat = category.map(|c| c.trim().to_ascii_uppercase());
    let rate_matches = |r: &&TaxCodeRule| r.rate.normalize() == rate.normalize();
    cfg.tax_codes
        .iter()
        .filter(rate_matches)
        .find(|r| r.category.as_deref().map(str::to_ascii_uppercase) == cat && cat.is_some())
        .or_else(|| {
            cfg.tax_codes
                .iter()
                .filter(rate_matches)
                .find(|r| r.category.is_none())
        })
}

fn rate_text(rate: Decimal, category: Option<&str>) -> String {
    match category {
        Some(c) => format!("VAT {} % (category {c})", rate.normalize()),
        None => format!("VAT {} %", rate.normalize()),
    }
}

/// (rate, category, taxable amount, tax amount) of one VAT rate.
type VatRow = (Decimal, Option<String>, Option<Decimal>, Option<Decimal>);

/// Tax lines from the VAT breakdown (or from the totals when there is none).
fn tax_lines(
    result: &DocumentResult,
    cfg: &MappingConfig,
    scale: u32,
    issues: &mut Vec<MappingIssue>,
) -> Vec<TaxLine> {
    let field = "vat_breakdown";
    let net = result.amount(FieldKey::NetTotal);
    let tax = result.amount(FieldKey::TaxTotal);
    let gross = result.amount(FieldKey::GrossTotal);
    let mut rows: Vec<VatRow> = result
        .vat_breakdown
        .iter()
        .filter_map(|v| {
            v.rate
                .map(|r| (r, v.category.clone(), v.taxable_amount, v.tax_amount))
        })
        .collect();
    if result.vat_breakdown.iter().any(|v| v.rate.is_none()) {
        issues.push(MappingIssue::new(field, "a VAT breakdown row has no rate"));
    }
    if rows.is_empty() {
        match (net, tax, gross) {
            (Some(n), Some(t), _) if !n.is_zero() => {
                // No breakdown printed: one rate, derived from the totals, if it is a configured one.
                let derived = t.abs() / n.abs() * Decimal::ONE_HUNDRED;
                match cfg
                    .tax_codes
                    .iter()
                    .find(|r| (r.rate - derived).abs() < Decimal::new(1, 1))
                {
                    Some(rule) => rows.push((rule.rate, None, Some(n), Some(t))),
                    None => issues.push(MappingIssue::new(
                        field,
                        format!(
                            "no VAT breakdown, and the totals give {} %, which has no tax code",
                            round(derived, 2)
                        ),
                    )),
                }
            }
            // Only a gross amount and no tax: a tax-free invoice.
            (None, t, Some(g)) if t.is_none_or(|t| t.is_zero()) => {
                rows.push((Decimal::ZERO, None, Some(g), Some(Decimal::ZERO)))
            }
            _ => issues.push(MappingIssue::new(
                field,
                "no VAT breakdown and no net and tax totals to derive it from",
            )),
        }
    }
    let single = rows.len() == 1;
    let mut out: Vec<TaxLine> = Vec::new();
    for (rate, category, base, amount) in rows {
        let Some(rule) = tax_code_for(cfg, rate, category.as_deref()) else {
            issues.push(MappingIssue::new(
                field,
                format!(
                    "no tax code is configured for {}: add it to the SAP settings",
                    rate_text(rate, category.as_deref())
                ),
            ));
            continue;
        };
        let Some(base) = base.or(if single { net } else { None }) else {
            issues.push(MappingIssue::new(
                field,
                format!(
                    "the taxable amount for {} is missing",
                    rate_text(rate, category.as_deref())
                ),
            ));
            continue;
        };
        let amount = amount.unwrap_or_else(|| round(base * rate / Decimal::ONE_HUNDRED, scale));
        let (base, amount) = (round(base.abs(), scale), round(amount.abs(), scale));
        match out.iter_mut().find(|t| t.tax_code == rule.tax_code) {
            Some(t) => {
                t.base += base;
                t.amount += amount;
            }
            None => out.push(TaxLine {
                tax_code: rule.tax_code.clone(),
                rate,
                base,
                amount,
            }),
        }
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Maps a result to SAP terms; every problem found is reported, not only the first.
pub fn map_invoice(
    result: &DocumentResult,
    cfg: &MappingConfig,
    ctx: &MappingContext<'_>,
) -> Result<MappedInvoice, Vec<MappingIssue>> {
    let mut issues = Vec::new();
    let doc_type = result.doc_type.value;
    let subtype = result.subtype.as_ref().map(|s| s.value);
    if !doc_type.is_postable() {
        issues.push(MappingIssue::new(
            "doc_type",
            format!(
                "a {} is not a payable document",
                doc_type.as_str().replace('_', " ")
            ),
        ));
    }
    if subtype == Some(InvoiceSubtype::Proforma) {
        issues.push(MappingIssue::new(
            "doc_type",
            "a pro-forma invoice is not a payable document",
        ));
    }
    let credit_memo =
        doc_type == DocType::CreditNote || subtype == Some(InvoiceSubtype::CreditMemo);

    let supplier = resolve_supplier(result, cfg)
        .map_err(|i| issues.push(i))
        .ok();
    let reference = sap_reference(result, cfg).map_err(|i| issues.push(i)).ok();
    let currency = result
        .text(FieldKey::Currency)
        .map(|c| c.trim().to_ascii_uppercase());
    let currency = match currency {
        Some(c) if c.len() == 3 && c.chars().all(|x| x.is_ascii_alphabetic()) => Some(c),
        Some(c) => {
            issues.push(MappingIssue::new(
                FieldKey::Currency.as_str(),
                format!("'{c}' is not an ISO currency code"),
            ));
            None
        }
        None => {
            issues.push(MappingIssue::new(
                FieldKey::Currency.as_str(),
                "the currency is missing",
            ));
            None
        }
    };
    let scale = currency.as_deref().map(currency_scale).unwrap_or(2);
    let document_date = result
        .fields
        .get(&FieldKey::IssueDate)
        .and_then(|f| f.value.as_date());
    if document_date.is_none() {
        issues.push(MappingIssue::new(
            FieldKey::IssueDate.as_str(),
            "the invoice date is missing",
        ));
    }
    let gross = match result.amount(FieldKey::GrossTotal) {
        Some(g) if g.is_sign_negative() && !credit_memo => {
            issues.push(MappingIssue::new(
                FieldKey::GrossTotal.as_str(),
                "the gross total is negative on an invoice: classify the document as a credit note",
            ));
            None
        }
        Some(g) if g.is_zero() => {
            issues.push(MappingIssue::new(
                FieldKey::GrossTotal.as_str(),
                "the gross total is zero",
            ));
            None
        }
        Some(g) => Some(round(g.abs(), scale)),
        None => {
            issues.push(MappingIssue::new(
                FieldKey::GrossTotal.as_str(),
                "the gross total is missing",
            ));
            None
        }
    };

    let taxes = tax_lines(result, cfg, scale, &mut issues);
    let po_number = result
        .text(FieldKey::PoNumber)
        .map(|p| p.split_whitespace().collect::<String>())
        .filter(|p| !p.is_empty());
    let items = match &po_number {
        Some(po) => po_items(result, cfg, ctx, po, &taxes, scale, &mut issues),
        None => gl_items(result, cfg, supplier, &taxes, &mut issues),
    };

    // Only when everything else mapped: with a missing tax code or item the sums say nothing.
    if let Some(g) = gross.filter(|_| !items.is_empty() && issues.is_empty()) {
        let sum_items: Decimal = items.iter().map(|i| i.amount).sum();
        let sum_tax: Decimal = taxes.iter().map(|t| t.amount).sum();
        if sum_items + sum_tax != g {
            issues.push(MappingIssue::new(
                FieldKey::GrossTotal.as_str(),
                format!(
                    "items {} + VAT {} = {}, but the gross total is {}: SAP would reject the unbalanced invoice",
                    sum_items,
                    sum_tax,
                    sum_items + sum_tax,
                    g
                ),
            ));
        }
    }

    if !issues.is_empty() {
        return Err(issues);
    }
    let (Some(supplier), Some(reference), Some(currency), Some(document_date), Some(gross)) =
        (supplier, reference, currency, document_date, gross)
    else {
        return Err(vec![MappingIssue::new("result", "incomplete result")]);
    };
    let posting_date = match cfg.posting_date {
        PostingDatePolicy::Today => ctx.today,
        PostingDatePolicy::DocumentDate => document_date,
    };
    Ok(MappedInvoice {
        credit_memo,
        company_code: cfg.company_code.clone(),
        supplier: supplier.supplier.clone(),
        seller_name: result.text(FieldKey::SellerName).map(str::to_owned),
        buyer_name: result.text(FieldKey::BuyerName).map(str::to_owned),
        seller_vat_id: result.text(FieldKey::SellerVatId).map(upper_alnum),
        buyer_vat_id: result.text(FieldKey::BuyerVatId).map(upper_alnum),
        reference,
        document_date,
        posting_date,
        currency,
        gross,
        po_number,
        items,
        taxes,
        tax_is_calculated_automatically: cfg.tax_is_calculated_automatically,
    })
}

/// Items against PO items, one per invoice line.
fn po_items(
    result: &DocumentResult,
    cfg: &MappingConfig,
    ctx: &MappingContext<'_>,
    po: &str,
    taxes: &[TaxLine],
    scale: u32,
    issues: &mut Vec<MappingIssue>,
) -> Vec<MappedItem> {
    if po.chars().count() > 10 {
        issues.push(MappingIssue::new(
            FieldKey::PoNumber.as_str(),
            format!("'{po}' is longer than an SAP purchase order number (10)"),
        ));
    }
    let lines = InvoiceLine::from_result(result);
    if lines.is_empty() {
        issues.push(MappingIssue::new(
            "line_items",
            format!("the invoice names purchase order {po} but no line items were read to assign to its items"),
        ));
        return Vec::new();
    }
    let matches = ctx.purchase_order.map(|p| match_lines(p, &lines));
    let mut out = Vec::new();
    for (idx, (line, item)) in lines.iter().zip(result.line_items.iter()).enumerate() {
        let field = format!("line_items[{idx}]");
        let n = line.line_no;
        let matched = matches.as_ref().and_then(|m| match &m[idx] {
            LineMatch::Item(i) => Some(*i),
            _ => None,
        });
        let item_no = match (&matches, matched) {
            (_, Some(i)) => Some(i.item.clone()),
            (Some(m), None) => {
                let why = match &m[idx] {
                    LineMatch::UnknownItem(i) => format!("purchase order {po} has no item {i}"),
                    LineMatch::Unmatched(r) => r.clone(),
                    LineMatch::Item(_) => String::new(),
                };
                issues.push(MappingIssue::new(&field, format!("line {n}: {why}")));
                None
            }
            (None, None) => match line
                .po_item
                .as_deref()
                .map(|s| s.trim().trim_start_matches('0').to_owned())
            {
                Some(i)
                    if !i.is_empty() && i.len() <= 5 && i.chars().all(|c| c.is_ascii_digit()) =>
                {
                    Some(i)
                }
                Some(i) => {
                    issues.push(MappingIssue::new(
                        &field,
                        format!("line {n}: '{i}' is not a PO item number"),
                    ));
                    None
                }
                None => {
                    issues.push(MappingIssue::new(
                        &field,
                        format!("line {n}: no PO item number was read; load purchase order {po} to match the line"),
                    ));
                    None
                }
            },
        };
        let amount = line
            .net_amount
            .or_else(|| Some(line.quantity? * line.unit_price?));
        let Some(amount) = amount else {
            issues.push(MappingIssue::new(
                &field,
                format!("line {n}: the net amount is missing"),
            ));
            continue;
        };
        let Some(quantity) = line.quantity else {
            issues.push(MappingIssue::new(
                &field,
                format!("line {n}: the quantity is missing (SAP needs it for a PO item)"),
            ));
            continue;
        };
        let unit = matched.map(|i| i.unit.clone()).or_else(|| {
            item.text(LineKey::Unit)
                .map(|u| u.trim().to_ascii_uppercase())
        });
        let unit = match unit {
            Some(u) if !u.is_empty() && u.chars().count() <= 3 => u,
            other => {
                issues.push(MappingIssue::new(
                    &field,
                    format!(
                        "line {n}: unit {} cannot be used as an SAP unit",
                        other.map(|u| format!("'{u}'")).unwrap_or("(none)".into())
                    ),
                ));
                continue;
            }
        };
        let tax_code = line_tax_code(item.amount(LineKey::TaxRate), cfg, taxes).or_else(|| {
            matched
                .map(|i| i.tax_code.clone())
                .filter(|t| !t.is_empty())
        });
        let Some(tax_code) = tax_code else {
            issues.push(MappingIssue::new(
                &field,
                format!("line {n}: no tax code for this line's VAT rate"),
            ));
            continue;
        };
        let Some(item_no) = item_no else { continue };
        out.push(MappedItem {
            kind: ItemKind::PurchaseOrder {
                purchase_order: po.to_owned(),
                item: item_no,
                quantity: quantity.abs(),
                unit,
            },
            amount: round(amount.abs(), scale),
            tax_code,
            text: truncate(item.text(LineKey::Description).unwrap_or_default(), 50),
        });
    }
    out
}

fn line_tax_code(rate: Option<Decimal>, cfg: &MappingConfig, taxes: &[TaxLine]) -> Option<String> {
    match rate {
        Some(r) => taxes
            .iter()
            .find(|t| t.rate.normalize() == r.normalize())
            .map(|t| t.tax_code.clone())
            .or_else(|| tax_code_for(cfg, r, None).map(|t| t.tax_code.clone())),
        None if taxes.len() == 1 => Some(taxes[0].tax_code.clone()),
        None => None,
    }
}

/// Items on a G/L account, one per tax code (the taxable amount of each VAT rate): the
/// breakdown always adds up to the totals, printed lines often do not.
fn gl_items(
    result: &DocumentResult,
    cfg: &MappingConfig,
    supplier: Option<&SupplierRef>,
    taxes: &[TaxLine],
    issues: &mut Vec<MappingIssue>,
) -> Vec<MappedItem> {
    let account = supplier
        .and_then(|s| s.gl_account.clone())
        .or_else(|| cfg.default_gl_account.clone());
    let Some(account) = account.filter(|a| !a.trim().is_empty()) else {
        issues.push(MappingIssue::new(
            FieldKey::PoNumber.as_str(),
            "no purchase order and no G/L account configured for invoices without one",
        ));
        return Vec::new();
    };
    let text = truncate(
        result
            .line_items
            .first()
            .and_then(|l| l.text(LineKey::Description))
            .or(result.text(FieldKey::SellerName))
            .unwrap_or_default(),
        50,
    );
    taxes
        .iter()
        .map(|t| MappedItem {
            kind: ItemKind::GlAccount {
                account: account.clone(),
            },
            amount: t.base,
            tax_code: t.tax_code.clone(),
            text: text.clone(),
        })
        .collect()
}
