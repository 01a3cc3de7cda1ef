//! The UN/CEFACT cross-industry family: CII D16B (ZUGFeRD 2.x, Factur-X, XRechnung CII),
//! ZUGFeRD 1.0 (`CrossIndustryDocument`) and Order-X.
//!
//! The three share one structure (document, transaction with header agreement / delivery /
//! settlement, line items with product, agreement, delivery, settlement) and differ in element
//! names only; [`Dialect`] holds those names so that one reader serves all three.

use roxmltree::Node;
use sapllm_core::{FieldKey, LineItem, LineKey, VatBreakdown};

use super::tree::{self, child, find_all, find_text};
use super::values::{Collector, is_order_placeholder, looks_like_iban, normalise_code};
use super::{EInvoice, EInvoiceSyntax, doc_type_for};
use crate::DocumentError;

/// Element names that differ between the members of the family.
#[derive(Debug)]
struct Dialect {
    context: &'static str,
    document: &'static str,
    transaction: &'static str,
    header_agreement: &'static str,
    header_delivery: &'static str,
    header_settlement: &'static str,
    header_summation: &'static str,
    currency: &'static str,
    line_agreement: &'static str,
    line_delivery: &'static str,
    line_settlement: &'static str,
    line_summation: &'static str,
    /// Line quantity elements, most preferred first.
    quantities: &'static [&'static str],
    /// VAT rate element (line and breakdown).
    rate: &'static str,
    /// Identifier of a referenced document (purchase order).
    reference_id: &'static str,
}

/// CII D16B as profiled by EN 16931 / ZUGFeRD 2.x / Factur-X.
const CII: Dialect = Dialect {
    context: "ExchangedDocumentContext",
    document: "ExchangedDocument",
    transaction: "SupplyChainTradeTransaction",
    header_agreement: "ApplicableHeaderTradeAgreement",
    header_delivery: "ApplicableHeaderTradeDelivery",
    header_settlement: "ApplicableHeaderTradeSettlement",
    header_summation: "SpecifiedTradeSettlementHeaderMonetarySummation",
    currency: "InvoiceCurrencyCode",
    line_agreement: "SpecifiedLineTradeAgreement",
    line_delivery: "SpecifiedLineTradeDelivery",
    line_settlement: "SpecifiedLineTradeSettlement",
    line_summation: "SpecifiedTradeSettlementLineMonetarySummation",
    quantities: &["BilledQuantity"],
    rate: "RateApplicablePercent",
    reference_id: "IssuerAssignedID",
};

/// ZUGFeRD 1.0 (CII D13B-based): "SupplyChain" in the transaction part names, one monetary
/// summation element name for header and lines, `ApplicablePercent`, referenced documents
/// identified by `ID`.
const ZUGFERD_V1: Dialect = Dialect {
    context: "SpecifiedExchangedDocumentContext",
    document: "HeaderExchangedDocument",
    transaction: "SpecifiedSupplyChainTradeTransaction",
    header_agreement: "ApplicableSupplyChainTradeAgreement",
    header_delivery: "ApplicableSupplyChainTradeDelivery",
    header_settlement: "ApplicableSupplyChainTradeSettlement",
    header_summation: "SpecifiedTradeSettlementMonetarySummation",
    currency: "InvoiceCurrencyCode",
    line_agreement: "SpecifiedSupplyChainTradeAgreement",
    line_delivery: "SpecifiedSupplyChainTradeDelivery",
    line_settlement: "SpecifiedSupplyChainTradeSettlement",
    line_summation: "SpecifiedTradeSettlementMonetarySummation",
    quantities: &["BilledQuantity"],
    rate: "ApplicablePercent",
    reference_id: "ID",
};

/// Order-X: CII names, but an order currency and ordered quantities instead of billed ones. In an
/// order response the seller's `AgreedQuantity` is what the document confirms (the buyer's
/// `RequestedQuantity` is repeated beside it), so it is preferred.
const ORDER_X: Dialect = Dialect {
    currency: "OrderCurrencyCode",
    quantities: &["AgreedQuantity", "RequestedQuantity"],
    ..CII
};

impl Dialect {
    fn of(syntax: EInvoiceSyntax) -> &'static Dialect {
        match syntax {
            EInvoiceSyntax::ZugferdV1 => &ZUGFERD_V1,
            EInvoiceSyntax::OrderX => &ORDER_X,
            // UBL has its own reader and never gets here.
            EInvoiceSyntax::Cii | EInvoiceSyntax::Ubl => &CII,
        }
    }
}

/// Reads a document of the CII family; `root` is its root element.
pub(crate) fn read(root: Node<'_, '_>, syntax: EInvoiceSyntax) -> Result<EInvoice, DocumentError> {
    let d = Dialect::of(syntax);
    let mut c = Collector::new(&syntax.producer_name());

    let profile = find_text(
        root,
        &[
            d.context,
            "GuidelineSpecifiedDocumentContextParameter",
            "ID",
        ],
    )
    .map(|(_, t)| t);
    let type_code = find_text(root, &[d.document, "TypeCode"]).map(|(_, t)| t);
    let doc_type = type_code
        .as_deref()
        .and_then(|code| doc_type_for(syntax, code));
    let notes = find_all(root, &[d.document, "IncludedNote", "Content"])
        .into_iter()
        .filter_map(tree::text)
        .collect();

    c.set_path(FieldKey::InvoiceNumber, root, &[d.document, "ID"])?;
    c.set_path(
        FieldKey::IssueDate,
        root,
        &[d.document, "IssueDateTime", "DateTimeString"],
    )?;

    let (line_items, vat_breakdown) = match child(root, d.transaction) {
        Some(tx) => {
            read_agreement(&mut c, tx, d)?;
            read_delivery(&mut c, tx, d)?;
            read_settlement(&mut c, tx, d)?;
            (read_lines(&c, tx, d)?, read_vat(&c, tx, d)?)
        }
        None => (Vec::new(), Vec::new()),
    };

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

/// Parties, buyer reference and purchase order (BG-4, BG-7, BT-10, BT-13).
fn read_agreement(c: &mut Collector, tx: Node<'_, '_>, d: &Dialect) -> Result<(), DocumentError> {
    let Some(agreement) = child(tx, d.header_agreement) else {
        return Ok(());
    };
    c.set_path(FieldKey::BuyerReference, agreement, &["BuyerReference"])?;
    c.set_path_where(
        FieldKey::PoNumber,
        agreement,
        &["BuyerOrderReferencedDocument", d.reference_id],
        |t| !is_order_placeholder(t),
    )?;
    if let Some(seller) = child(agreement, "SellerTradeParty") {
        c.set_path(FieldKey::SellerName, seller, &["Name"])?;
        c.set_path(
            FieldKey::SellerCountry,
            seller,
            &["PostalTradeAddress", "CountryID"],
        )?;
        set_tax_registration(c, FieldKey::SellerVatId, seller, "VA")?;
        set_tax_registration(c, FieldKey::SellerTaxNumber, seller, "FC")?;
    }
    if let Some(buyer) = child(agreement, "BuyerTradeParty") {
        c.set_path(FieldKey::BuyerName, buyer, &["Name"])?;
        set_tax_registration(c, FieldKey::BuyerVatId, buyer, "VA")?;
    }
    Ok(())
}

/// A party's tax registration with the given scheme: `VA` is the VAT identifier (BT-31/BT-48),
/// `FC` the national tax number (BT-32).
fn set_tax_registration(
    c: &mut Collector,
    key: FieldKey,
    party: Node<'_, '_>,
    scheme: &str,
) -> Result<(), DocumentError> {
    let found = find_all(party, &["SpecifiedTaxRegistration", "ID"])
        .into_iter()
        .filter(|id| tree::attr(*id, "schemeID").is_some_and(|s| s.eq_ignore_ascii_case(scheme)))
        .find_map(|id| tree::text(id).map(|t| (id, t)));
    match found {
        Some((node, raw)) => c.set(key, node, &raw),
        None => Ok(()),
    }
}

/// Actual delivery date (BT-72). Requested or despatch dates (Order-X) are not deliveries.
fn read_delivery(c: &mut Collector, tx: Node<'_, '_>, d: &Dialect) -> Result<(), DocumentError> {
    c.set_path(
        FieldKey::DeliveryDate,
        tx,
        &[
            d.header_delivery,
            "ActualDeliverySupplyChainEvent",
            "OccurrenceDateTime",
            "DateTimeString",
        ],
    )
}

/// Currency, payee account, payment terms, due date and document totals.
fn read_settlement(c: &mut Collector, tx: Node<'_, '_>, d: &Dialect) -> Result<(), DocumentError> {
    let Some(settlement) = child(tx, d.header_settlement) else {
        return Ok(());
    };
    c.set_path(FieldKey::Currency, settlement, &[d.currency])?;

    // Payee account only (BT-84/BT-86); a direct-debit mandate's debited account
    // (PayerPartyDebtorFinancialAccount) is the buyer's, not where to pay.
    let means = "SpecifiedTradeSettlementPaymentMeans";
    c.set_path_where(
        FieldKey::Iban,
        settlement,
        &[means, "PayeePartyCreditorFinancialAccount", "IBANID"],
        |t| looks_like_iban(&normalise_code(t)),
    )?;
    c.set_path(
        FieldKey::Bic,
        settlement,
        &[means, "PayeeSpecifiedCreditorFinancialInstitution", "BICID"],
    )?;

    let terms = find_all(settlement, &["SpecifiedTradePaymentTerms"]);
    c.set_joined_text(
        FieldKey::PaymentTerms,
        terms.iter().flat_map(|t| find_all(*t, &["Description"])),
    );
    // BT-9: the first due date stated (EXTENDED may add one per discount step; the first is the
    // net due date in every example and in the EN 16931 single-terms model).
    for term in &terms {
        c.set_path(
            FieldKey::DueDate,
            *term,
            &["DueDateDateTime", "DateTimeString"],
        )?;
    }

    let Some(sum) = child(settlement, d.header_summation) else {
        return Ok(());
    };
    c.set_path(FieldKey::NetTotal, sum, &["TaxBasisTotalAmount"])?;
    c.set_tax_total(sum, &["TaxTotalAmount"])?;
    c.set_path(FieldKey::GrossTotal, sum, &["GrandTotalAmount"])?;
    c.set_path(FieldKey::AmountDue, sum, &["DuePayableAmount"])
}

/// Every `IncludedSupplyChainTradeLineItem`, in document order. EXTENDED sub-lines (with a
/// `ParentLineID`) are siblings in the XML and are listed like any other line.
/// A line element that carries no value at all (ZUGFeRD 1 COMFORT allows pure text lines, a note
/// in `AssociatedDocumentLineDocument` and nothing else) is not a line item and is left out.
fn read_lines(
    c: &Collector,
    tx: Node<'_, '_>,
    d: &Dialect,
) -> Result<Vec<LineItem>, DocumentError> {
    let mut lines = Vec::new();
    for item in tree::children(tx, "IncludedSupplyChainTradeLineItem") {
        let line = read_line(c, item, d)?;
        if !line.cells.is_empty() {
            lines.push(line);
        }
    }
    Ok(lines)
}

fn read_line(c: &Collector, item: Node<'_, '_>, d: &Dialect) -> Result<LineItem, DocumentError> {
    let mut line = LineItem::default();
    for quantity in d.quantities {
        if let Some((node, raw)) = find_text(item, &[d.line_delivery, quantity]) {
            c.cell(&mut line, LineKey::Quantity, node, &raw)?;
            c.unit_cell(&mut line, node);
            break;
        }
    }
    let product = "SpecifiedTradeProduct";
    let cells: [(LineKey, &[&str]); 6] = [
        (LineKey::Description, &[product, "Name"]),
        (LineKey::ItemId, &[product, "SellerAssignedID"]),
        // BT-146 as stated, i.e. per the price's BasisQuantity when one is given (not divided).
        (
            LineKey::UnitPrice,
            &[
                d.line_agreement,
                "NetPriceProductTradePrice",
                "ChargeAmount",
            ],
        ),
        (
            LineKey::NetAmount,
            &[d.line_settlement, d.line_summation, "LineTotalAmount"],
        ),
        (
            LineKey::TaxRate,
            &[d.line_settlement, "ApplicableTradeTax", d.rate],
        ),
        (
            LineKey::PoLine,
            &[d.line_agreement, "BuyerOrderReferencedDocument", "LineID"],
        ),
    ];
    for (key, path) in cells {
        c.cell_path(&mut line, key, item, path)?;
    }
    Ok(line)
}

/// VAT breakdown (BG-23): one row per header `ApplicableTradeTax`.
fn read_vat(
    c: &Collector,
    tx: Node<'_, '_>,
    d: &Dialect,
) -> Result<Vec<VatBreakdown>, DocumentError> {
    let Some(settlement) = child(tx, d.header_settlement) else {
        return Ok(Vec::new());
    };
    find_all(settlement, &["ApplicableTradeTax"])
        .into_iter()
        .map(|tax| {
            c.vat_row(
                tax,
                &["CategoryCode"],
                &[d.rate],
                &["BasisAmount"],
                &["CalculatedAmount"],
            )
        })
        .collect()
}
