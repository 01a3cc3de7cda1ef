//! OASIS UBL 2.1 `Invoice` and `CreditNote` (EN 16931 UBL syntax, XRechnung UBL, Peppol BIS).
//!
//! The two document types differ in a few element names only (`InvoiceLine` /
//! `CreditNoteLine`, `InvoicedQuantity` / `CreditedQuantity`, `InvoiceTypeCode` /
//! `CreditNoteTypeCode`); the paths below list both as alternatives. Amounts are read as stated:
//! a UBL credit note carries positive amounts and stays positive, its nature is in `doc_type`.

use roxmltree::Node;
use sapllm_core::{DocType, FieldKey, LineItem, LineKey, VatBreakdown};

use super::tree::{self, child, find_all, find_text};
use super::values::{Collector, is_order_placeholder, looks_like_iban, normalise_code};
use super::{EInvoice, EInvoiceSyntax, doc_type_for};
use crate::DocumentError;

const LINE: &str = "InvoiceLine|CreditNoteLine";
/// UBL 2.1 nests sub-lines of the same type (`cac:SubInvoiceLine`, `cac:SubCreditNoteLine`).
const SUB_LINE: &str = "SubInvoiceLine|SubCreditNoteLine";

/// Reads a UBL document; `root` is its `Invoice` or `CreditNote` element.
pub(crate) fn read(root: Node<'_, '_>) -> Result<EInvoice, DocumentError> {
    let syntax = EInvoiceSyntax::Ubl;
    let mut c = Collector::new(&syntax.producer_name());

    let profile = find_text(root, &["CustomizationID"]).map(|(_, t)| t);
    let type_code = find_text(root, &["InvoiceTypeCode|CreditNoteTypeCode"]).map(|(_, t)| t);
    let doc_type = match type_code.as_deref() {
        Some(code) => doc_type_for(syntax, code),
        // The root element says what it is when the (optional in UBL) type code is missing.
        None if root.tag_name().name() == "CreditNote" => Some(DocType::CreditNote),
        None => Some(DocType::Invoice),
    };
    let notes = tree::children(root, "Note")
        .filter_map(tree::text)
        .collect();

    read_header(&mut c, root)?;
    read_party(&mut c, root, "AccountingSupplierParty", Party::Seller)?;
    read_party(&mut c, root, "AccountingCustomerParty", Party::Buyer)?;
    read_payment(&mut c, root)?;
    read_totals(&mut c, root)?;

    let mut line_items = Vec::new();
    for line in tree::children(root, LINE) {
        read_line_tree(&c, line, &mut line_items)?;
    }
    let vat_breakdown = read_vat(&c, root)?;

    Ok(EInvoice {
        syntax,
        profile,
        type_code,
        doc_type,
        fields: c.fields,
        line_items,
        vat_breakdown,
        notes,
    })
}

/// Number, dates, currency and references.
fn read_header(c: &mut Collector, root: Node<'_, '_>) -> Result<(), DocumentError> {
    c.set_path(FieldKey::InvoiceNumber, root, &["ID"])?;
    c.set_path(FieldKey::IssueDate, root, &["IssueDate"])?;
    // BT-9 is cbc:DueDate on an Invoice; a CreditNote has no such element and states it on the
    // payment means instead.
    c.set_path(FieldKey::DueDate, root, &["DueDate"])?;
    c.set_path(FieldKey::DueDate, root, &["PaymentMeans", "PaymentDueDate"])?;
    c.set_path(
        FieldKey::DeliveryDate,
        root,
        &["Delivery", "ActualDeliveryDate"],
    )?;
    c.set_path(FieldKey::Currency, root, &["DocumentCurrencyCode"])?;
    c.set_path_where(FieldKey::PoNumber, root, &["OrderReference", "ID"], |t| {
        !is_order_placeholder(t)
    })?;
    c.set_path(FieldKey::BuyerReference, root, &["BuyerReference"])
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Party {
    Seller,
    Buyer,
}

/// Seller (BG-4) or buyer (BG-7) name, VAT id, tax number and country.
fn read_party(
    c: &mut Collector,
    root: Node<'_, '_>,
    element: &str,
    role: Party,
) -> Result<(), DocumentError> {
    let Some(party) = tree::find(root, &[element, "Party"]) else {
        return Ok(());
    };
    let (name, vat) = match role {
        Party::Seller => (FieldKey::SellerName, FieldKey::SellerVatId),
        Party::Buyer => (FieldKey::BuyerName, FieldKey::BuyerVatId),
    };
    // BT-27/BT-44 is the legal registration name; the trading name (cac:PartyName, BT-28/BT-45)
    // is only a fallback for documents that give no legal entity name.
    c.set_path(name, party, &["PartyLegalEntity", "RegistrationName"])?;
    c.set_path(name, party, &["PartyName", "Name"])?;

    for scheme in tree::children(party, "PartyTaxScheme") {
        let Some((id_node, id)) = find_text(scheme, &["CompanyID"]) else {
            continue;
        };
        let is_vat = find_text(scheme, &["TaxScheme", "ID"])
            .is_some_and(|(_, s)| s.eq_ignore_ascii_case("VAT"));
        match (is_vat, role) {
            (true, _) => c.set(vat, id_node, &id)?,
            // Any other tax scheme on the seller is its national tax registration (BT-32).
            (false, Party::Seller) => c.set(FieldKey::SellerTaxNumber, id_node, &id)?,
            (false, Party::Buyer) => {}
        }
    }
    if role == Party::Seller {
        c.set_path(
            FieldKey::SellerCountry,
            party,
            &["PostalAddress", "Country", "IdentificationCode"],
        )?;
    }
    Ok(())
}

/// Payee account (BT-84/BT-86) and payment terms (BT-20). Only `PayeeFinancialAccount` is read:
/// a `PaymentMandate/PayerFinancialAccount` is the buyer's account to be debited.
fn read_payment(c: &mut Collector, root: Node<'_, '_>) -> Result<(), DocumentError> {
    // BT-84 may be any account identifier in UBL; only an IBAN-shaped one is an IBAN.
    c.set_path_where(
        FieldKey::Iban,
        root,
        &["PaymentMeans", "PayeeFinancialAccount", "ID"],
        |t| looks_like_iban(&normalise_code(t)),
    )?;
    c.set_path(
        FieldKey::Bic,
        root,
        &[
            "PaymentMeans",
            "PayeeFinancialAccount",
            "FinancialInstitutionBranch",
            "ID",
        ],
    )?;
    c.set_joined_text(
        FieldKey::PaymentTerms,
        find_all(root, &["PaymentTerms", "Note"]),
    );
    Ok(())
}

/// Document totals (BG-22).
fn read_totals(c: &mut Collector, root: Node<'_, '_>) -> Result<(), DocumentError> {
    c.set_tax_total(root, &["TaxTotal", "TaxAmount"])?;
    let Some(total) = child(root, "LegalMonetaryTotal") else {
        return Ok(());
    };
    c.set_path(FieldKey::NetTotal, total, &["TaxExclusiveAmount"])?;
    c.set_path(FieldKey::GrossTotal, total, &["TaxInclusiveAmount"])?;
    c.set_path(FieldKey::AmountDue, total, &["PayableAmount"])
}

/// A line and, after it, its sub-lines (depth first), so that every line of the XML is listed.
/// Iterative, so hostile nesting cannot overflow the stack.
fn read_line_tree(
    c: &Collector,
    line: Node<'_, '_>,
    out: &mut Vec<LineItem>,
) -> Result<(), DocumentError> {
    let mut stack = vec![line];
    while let Some(node) = stack.pop() {
        out.push(read_line(c, node)?);
        let subs: Vec<_> = tree::children(node, SUB_LINE).collect();
        stack.extend(subs.into_iter().rev());
    }
    Ok(())
}

fn read_line(c: &Collector, line: Node<'_, '_>) -> Result<LineItem, DocumentError> {
    let mut item = LineItem::default();
    if let Some((node, raw)) = find_text(line, &["InvoicedQuantity|CreditedQuantity"]) {
        c.cell(&mut item, LineKey::Quantity, node, &raw)?;
        c.unit_cell(&mut item, node);
    }
    let cells: [(LineKey, &[&str]); 6] = [
        (LineKey::Description, &["Item", "Name"]),
        (
            LineKey::ItemId,
            &["Item", "SellersItemIdentification", "ID"],
        ),
        // BT-146, per cac:Price/cbc:BaseQuantity when given, as stated (not divided).
        (LineKey::UnitPrice, &["Price", "PriceAmount"]),
        (LineKey::NetAmount, &["LineExtensionAmount"]),
        (
            LineKey::TaxRate,
            &["Item", "ClassifiedTaxCategory", "Percent"],
        ),
        (LineKey::PoLine, &["OrderLineReference", "LineID"]),
    ];
    for (key, path) in cells {
        c.cell_path(&mut item, key, line, path)?;
    }
    Ok(item)
}

/// VAT breakdown (BG-23) from the `TaxTotal` that has subtotals (the one in the document
/// currency; a second `TaxTotal` in the tax currency has none).
fn read_vat(c: &Collector, root: Node<'_, '_>) -> Result<Vec<VatBreakdown>, DocumentError> {
    find_all(root, &["TaxTotal", "TaxSubtotal"])
        .into_iter()
        .map(|sub| {
            c.vat_row(
                sub,
                &["TaxCategory", "ID"],
                &["TaxCategory", "Percent"],
                &["TaxableAmount"],
                &["TaxAmount"],
            )
        })
        .collect()
}
