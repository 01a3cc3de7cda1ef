//! Label lexicons: the words that name a field, a party section, a table column or a totals
//! line, in English, German and French (Spanish, Italian and Dutch where cheap), plus stop words
//! for language detection.
//!
//! Labels are written as printed (`"Rechnungs-Nr."`, `"N° de facture"`) and normalised with the
//! page tokens' rules (case folded, accents removed, punctuation dropped), so one entry covers
//! `RECHNUNGS-NR:`, `Rechnungs Nr.` and `rechnungs-nr`. Each label has a strength: how surely it
//! names the field on its own (`Rechnungsnummer` 1.0, a bare `Datum` 0.6, `Total` 0.7).

use std::collections::HashMap;
use std::sync::LazyLock;

use sapllm_core::{DocType, FieldKey};

use super::view::normalise;

/// A party of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Party {
    Seller,
    Buyer,
    /// Ship-to, payee, invoicee, requisitioner, tax representative: a section that is neither,
    /// whose names and VAT IDs must not be taken for the seller's or the buyer's.
    Other,
}

/// What a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Field(FieldKey),
    /// A VAT ID label without a party (`USt-IdNr.`, `VAT No.`): the party comes from context.
    VatId,
    /// A tax-number label without a party (`Steuernummer`).
    TaxNumber,
    /// `Name`, `Firma`, `Company` inside a party section.
    Name,
    /// A party section heading (`Verkäufer`, `Bill to`, `Facturé à`).
    Section(Party),
    /// An already-paid amount (`Anzahlung`, `bereits gezahlt`, `Acompte`).
    Prepaid,
    /// A document title word (`Rechnung`, `Invoice`, `Facture`): gives `Nr.` and `vom` meaning.
    Title,
    /// `Nr.`, `No.`, `N°`, `#`: a number label that needs a title on its line.
    NumberWord,
    /// Free-text headings after which a party section ends (`Bemerkungen`, `Positionen`).
    Heading,
    /// Phrases that contain a field label but name something else (`Gesamtbetrag der
    /// Zuschläge` is not the gross total); matched so that the shorter label does not fire.
    Ignore,
}

#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub target: Target,
    pub tokens: Vec<String>,
    pub strength: f32,
}

use FieldKey as F;
use Target::*;

/// `(target, label, strength)`.
const LABELS: &[(Target, &str, f32)] = &[
    // ---- invoice number
    (Field(F::InvoiceNumber), "Rechnungsnummer", 1.0),
    (Field(F::InvoiceNumber), "Rechnungs-Nr.", 1.0),
    (Field(F::InvoiceNumber), "Rechnungsnr.", 1.0),
    (Field(F::InvoiceNumber), "Rechnung Nr.", 1.0),
    (Field(F::InvoiceNumber), "Rechnung Nummer", 1.0),
    (Field(F::InvoiceNumber), "Re.-Nr.", 0.9),
    (Field(F::InvoiceNumber), "RG-Nr.", 0.9),
    (Field(F::InvoiceNumber), "Belegnummer", 0.8),
    (Field(F::InvoiceNumber), "Beleg-Nr.", 0.8),
    (Field(F::InvoiceNumber), "Gutschriftsnummer", 1.0),
    (Field(F::InvoiceNumber), "Gutschrift-Nr.", 1.0),
    (Field(F::InvoiceNumber), "Gutschrift Nr.", 1.0),
    (Field(F::InvoiceNumber), "Invoice Number", 1.0),
    (Field(F::InvoiceNumber), "Invoice No.", 1.0),
    (Field(F::InvoiceNumber), "Invoice Nr.", 1.0),
    (Field(F::InvoiceNumber), "Invoice #", 1.0),
    (Field(F::InvoiceNumber), "Invoice ID", 0.9),
    (Field(F::InvoiceNumber), "Inv. No.", 0.9),
    (Field(F::InvoiceNumber), "Bill Number", 0.8),
    (Field(F::InvoiceNumber), "Credit Note Number", 1.0),
    (Field(F::InvoiceNumber), "Credit Note No.", 1.0),
    (Field(F::InvoiceNumber), "Credit Memo No.", 1.0),
    (Field(F::InvoiceNumber), "Document Number", 0.7),
    (Field(F::InvoiceNumber), "Document No.", 0.7),
    (Field(F::InvoiceNumber), "Numéro de facture", 1.0),
    (Field(F::InvoiceNumber), "N° de facture", 1.0),
    (Field(F::InvoiceNumber), "No de facture", 1.0),
    (Field(F::InvoiceNumber), "Facture N°", 1.0),
    (Field(F::InvoiceNumber), "Facture numéro", 1.0),
    (Field(F::InvoiceNumber), "N° facture", 1.0),
    (Field(F::InvoiceNumber), "Avoir N°", 1.0),
    (Field(F::InvoiceNumber), "Número de factura", 1.0),
    (Field(F::InvoiceNumber), "Factura N°", 1.0),
    (Field(F::InvoiceNumber), "N° de factura", 1.0),
    (Field(F::InvoiceNumber), "Numero fattura", 1.0),
    (Field(F::InvoiceNumber), "Fattura N.", 1.0),
    (Field(F::InvoiceNumber), "Factuurnummer", 1.0),
    (Field(F::InvoiceNumber), "Factuur nr.", 1.0),
    // ---- issue date
    (Field(F::IssueDate), "Rechnungsdatum", 1.0),
    (Field(F::IssueDate), "Datum der Rechnung", 1.0),
    (Field(F::IssueDate), "Belegdatum", 0.9),
    (Field(F::IssueDate), "Ausstellungsdatum", 1.0),
    (Field(F::IssueDate), "Gutschriftsdatum", 1.0),
    (Field(F::IssueDate), "Datum", 0.6),
    (Field(F::IssueDate), "Invoice Date", 1.0),
    (Field(F::IssueDate), "Date of Invoice", 1.0),
    (Field(F::IssueDate), "Issue Date", 1.0),
    (Field(F::IssueDate), "Date of Issue", 1.0),
    (Field(F::IssueDate), "Billing Date", 0.9),
    (Field(F::IssueDate), "Document Date", 0.8),
    (Field(F::IssueDate), "Credit Note Date", 1.0),
    (Field(F::IssueDate), "Date", 0.6),
    (Field(F::IssueDate), "Date de facture", 1.0),
    (Field(F::IssueDate), "Date de facturation", 1.0),
    (Field(F::IssueDate), "Date facture", 1.0),
    (Field(F::IssueDate), "Date d'émission", 1.0),
    (Field(F::IssueDate), "Fecha de factura", 1.0),
    (Field(F::IssueDate), "Fecha", 0.6),
    (Field(F::IssueDate), "Data fattura", 1.0),
    (Field(F::IssueDate), "Factuurdatum", 1.0),
    // ---- due date
    (Field(F::DueDate), "Fälligkeitsdatum", 1.0),
    (Field(F::DueDate), "Fällig am", 1.0),
    (Field(F::DueDate), "Fällig bis", 1.0),
    (Field(F::DueDate), "Fälligkeit", 0.85),
    (Field(F::DueDate), "Zahlbar bis", 0.9),
    (Field(F::DueDate), "Zahlungsziel", 0.6),
    (Field(F::DueDate), "bis zum", 0.55),
    (Field(F::DueDate), "netto bis", 0.7),
    (Field(F::DueDate), "ohne Abzug bis", 0.8),
    (Field(F::DueDate), "spätestens am", 0.7),
    (Field(F::DueDate), "Please pay by", 0.9),
    (Field(F::DueDate), "Pay by", 0.8),
    (Field(F::DueDate), "Payment by", 0.7),
    (Field(F::DueDate), "no later than", 0.6),
    (Field(F::DueDate), "au plus tard le", 0.75),
    (Field(F::DueDate), "avant le", 0.55),
    (Field(F::DueDate), "Due Date", 1.0),
    (Field(F::DueDate), "Payment Due", 0.9),
    (Field(F::DueDate), "Payment Due Date", 1.0),
    (Field(F::DueDate), "Due on", 0.9),
    (Field(F::DueDate), "Payable by", 0.8),
    (Field(F::DueDate), "Date d'échéance", 1.0),
    (Field(F::DueDate), "Échéance", 0.9),
    (Field(F::DueDate), "Fecha de vencimiento", 1.0),
    (Field(F::DueDate), "Vencimiento", 0.9),
    (Field(F::DueDate), "Scadenza", 0.9),
    (Field(F::DueDate), "Vervaldatum", 1.0),
    // ---- delivery date
    (Field(F::DeliveryDate), "Lieferdatum", 1.0),
    (Field(F::DeliveryDate), "Liefer- und Leistungsdatum", 1.0),
    (Field(F::DeliveryDate), "Leistungsdatum", 1.0),
    (Field(F::DeliveryDate), "Lieferungsdatum", 1.0),
    (Field(F::DeliveryDate), "Liefertag", 0.9),
    (Field(F::DeliveryDate), "Leistungszeitpunkt", 0.9),
    (Field(F::DeliveryDate), "Delivery Date", 1.0),
    (Field(F::DeliveryDate), "Date of Delivery", 1.0),
    (Field(F::DeliveryDate), "Date of Supply", 1.0),
    (Field(F::DeliveryDate), "Service Date", 0.8),
    (Field(F::DeliveryDate), "Shipping Date", 0.8),
    (Field(F::DeliveryDate), "Ship Date", 0.8),
    (Field(F::DeliveryDate), "Date de livraison", 1.0),
    (Field(F::DeliveryDate), "Date de prestation", 0.8),
    (Field(F::DeliveryDate), "Fecha de entrega", 1.0),
    (Field(F::DeliveryDate), "Data di consegna", 1.0),
    (Field(F::DeliveryDate), "Leverdatum", 1.0),
    // ---- currency
    (Field(F::Currency), "Währung", 1.0),
    (Field(F::Currency), "Rechnungswährung", 1.0),
    (Field(F::Currency), "Currency", 1.0),
    (Field(F::Currency), "Invoice Currency", 1.0),
    (Field(F::Currency), "Devise", 1.0),
    (Field(F::Currency), "Monnaie", 0.9),
    (Field(F::Currency), "Moneda", 1.0),
    (Field(F::Currency), "Valuta", 1.0),
    // ---- purchase order
    (Field(F::PoNumber), "Bestellnummer", 1.0),
    (Field(F::PoNumber), "Bestell-Nr.", 1.0),
    (Field(F::PoNumber), "Bestellnr.", 1.0),
    (Field(F::PoNumber), "Bestellung Nr.", 1.0),
    (Field(F::PoNumber), "Bestellung", 0.75),
    (Field(F::PoNumber), "Ihre Bestellung", 0.9),
    (Field(F::PoNumber), "Ihre Bestellnummer", 1.0),
    (Field(F::PoNumber), "Ihre Bestell-Nr.", 1.0),
    (Field(F::PoNumber), "Auftragsnummer", 0.5),
    (Field(F::PoNumber), "PO Number", 1.0),
    (Field(F::PoNumber), "PO No.", 1.0),
    (Field(F::PoNumber), "PO #", 1.0),
    (Field(F::PoNumber), "P.O. Number", 1.0),
    (Field(F::PoNumber), "P.O. #", 1.0),
    (Field(F::PoNumber), "P.O. No.", 1.0),
    (Field(F::PoNumber), "P.O.", 0.9),
    (Field(F::PoNumber), "Purchase Order", 0.9),
    (Field(F::PoNumber), "Purchase Order Number", 1.0),
    (Field(F::PoNumber), "Purchase Order No.", 1.0),
    (Field(F::PoNumber), "Purchase Order ID", 1.0),
    (Field(F::PoNumber), "Order Number", 0.8),
    (Field(F::PoNumber), "Order No.", 0.8),
    (Field(F::PoNumber), "Your Order", 0.9),
    (Field(F::PoNumber), "Customer Order", 0.9),
    (Field(F::PoNumber), "Order Reference", 0.85),
    (Field(F::PoNumber), "Bon de commande", 1.0),
    (Field(F::PoNumber), "N° bon de commande", 1.0),
    (Field(F::PoNumber), "N° de commande", 1.0),
    (Field(F::PoNumber), "Numéro de commande", 1.0),
    (Field(F::PoNumber), "Votre commande", 0.9),
    (Field(F::PoNumber), "Référence commande", 0.9),
    (Field(F::PoNumber), "Número de pedido", 1.0),
    (Field(F::PoNumber), "Pedido", 0.7),
    (Field(F::PoNumber), "Numero ordine", 1.0),
    (Field(F::PoNumber), "Bestelnummer", 1.0),
    // ---- buyer reference
    (Field(F::BuyerReference), "Leitweg-ID", 1.0),
    (Field(F::BuyerReference), "Leitwege-ID", 1.0),
    (Field(F::BuyerReference), "Käuferreferenz", 1.0),
    (Field(F::BuyerReference), "Referenz des Käufers", 1.0),
    (Field(F::BuyerReference), "Buyer Reference", 1.0),
    (Field(F::BuyerReference), "Buyer Ref", 1.0),
    (Field(F::BuyerReference), "Your Reference", 0.75),
    (Field(F::BuyerReference), "Your Ref.", 0.75),
    (Field(F::BuyerReference), "Ihre Referenz", 0.75),
    (Field(F::BuyerReference), "Ihr Zeichen", 0.6),
    (Field(F::BuyerReference), "Référence acheteur", 1.0),
    (Field(F::BuyerReference), "Service exécutant", 0.8),
    (Field(F::BuyerReference), "Votre référence", 0.75),
    // ---- VAT IDs
    (VatId, "USt-IdNr.", 1.0),
    (VatId, "USt.-Id.-Nr.", 1.0),
    (VatId, "USt-ID", 1.0),
    (VatId, "USt-ID-Nr.", 1.0),
    (VatId, "USt ID Nr", 1.0),
    (VatId, "UStIdNr", 1.0),
    (VatId, "USt.-Nr.", 0.7),
    (VatId, "Umsatzsteuer-Identifikationsnummer", 1.0),
    (VatId, "Umsatzsteuer-ID", 1.0),
    (VatId, "UID", 0.9),
    (VatId, "UID-Nr.", 1.0),
    (VatId, "MwSt-Nr.", 0.9),
    (VatId, "VAT ID", 1.0),
    (VatId, "VAT No.", 1.0),
    (VatId, "VAT Number", 1.0),
    (VatId, "VAT Reg. No.", 1.0),
    (VatId, "VAT Registration Number", 1.0),
    (VatId, "VAT Registration No.", 1.0),
    (VatId, "VAT", 0.5),
    (VatId, "N° TVA", 1.0),
    (VatId, "Numéro de TVA", 1.0),
    (VatId, "N° TVA intracommunautaire", 1.0),
    (VatId, "TVA intracommunautaire", 1.0),
    (VatId, "TVA intracom", 1.0),
    (VatId, "Identifiant TVA", 1.0),
    (VatId, "NIF", 0.8),
    (VatId, "CIF", 0.8),
    (VatId, "Partita IVA", 1.0),
    (VatId, "P. IVA", 1.0),
    (VatId, "BTW-nummer", 1.0),
    (VatId, "BTW nr", 1.0),
    (Field(F::BuyerVatId), "Buyer VAT ID", 1.0),
    (Field(F::BuyerVatId), "Customer VAT ID", 1.0),
    (Field(F::BuyerVatId), "Customer VAT No.", 1.0),
    (Field(F::BuyerVatId), "Your VAT ID", 1.0),
    (Field(F::BuyerVatId), "Ihre USt-IdNr.", 1.0),
    (Field(F::BuyerVatId), "Ihre USt-ID", 1.0),
    (Field(F::BuyerVatId), "Kunden-USt-ID", 1.0),
    (Field(F::BuyerVatId), "USt-IdNr. des Kunden", 1.0),
    (Field(F::BuyerVatId), "N° TVA client", 1.0),
    (Field(F::BuyerVatId), "TVA client", 1.0),
    (Field(F::SellerVatId), "Seller VAT ID", 1.0),
    (Field(F::SellerVatId), "Supplier VAT ID", 1.0),
    (Field(F::SellerVatId), "Our VAT ID", 1.0),
    (Field(F::SellerVatId), "Unsere USt-IdNr.", 1.0),
    // Parties whose IDs must not be taken (see `Party::Other`).
    (Section(Party::Other), "Ship To VAT ID", 1.0),
    (Section(Party::Other), "Ship From VAT ID", 1.0),
    (Section(Party::Other), "Invoicee VAT ID", 1.0),
    (Section(Party::Other), "Buyer Req VAT ID", 1.0),
    // ---- tax number
    (TaxNumber, "Steuernummer", 1.0),
    (TaxNumber, "Steuer-Nr.", 1.0),
    (TaxNumber, "St.-Nr.", 0.9),
    (TaxNumber, "StNr", 0.9),
    (TaxNumber, "Tax Number", 0.8),
    (TaxNumber, "Tax No.", 0.7),
    (TaxNumber, "Tax Reg. No.", 0.7),
    (TaxNumber, "Numéro fiscal", 0.8),
    (TaxNumber, "Steuer-Nummer", 1.0),
    (TaxNumber, "Tax ID", 0.7),
    // ---- bank
    (Field(F::Iban), "IBAN", 1.0),
    (Field(F::Bic), "BIC", 1.0),
    (Field(F::Bic), "BIC/SWIFT", 1.0),
    (Field(F::Bic), "SWIFT", 1.0),
    (Field(F::Bic), "SWIFT Code", 1.0),
    (Field(F::Bic), "BIC Code", 1.0),
    (Field(F::Bic), "Verkäufer-BIC", 1.0),
    (Field(F::Iban), "Verkäufer-IBAN", 1.0),
    (Field(F::Bic), "Code BIC", 1.0),
    // ---- payment terms
    (Field(F::PaymentTerms), "Zahlungsbedingungen", 1.0),
    (Field(F::PaymentTerms), "Zahlungsbedingung", 1.0),
    (Field(F::PaymentTerms), "Zahlungskonditionen", 1.0),
    (Field(F::PaymentTerms), "Payment Terms", 1.0),
    (Field(F::PaymentTerms), "Terms of Payment", 1.0),
    (Field(F::PaymentTerms), "Payment Conditions", 1.0),
    (Field(F::PaymentTerms), "Conditions de paiement", 1.0),
    (Field(F::PaymentTerms), "Conditions de règlement", 1.0),
    (Field(F::PaymentTerms), "Modalités de paiement", 1.0),
    (Field(F::PaymentTerms), "Condiciones de pago", 1.0),
    (Field(F::PaymentTerms), "Termini di pagamento", 1.0),
    (Field(F::PaymentTerms), "Condizioni di pagamento", 1.0),
    (Field(F::PaymentTerms), "Betalingsvoorwaarden", 1.0),
    // ---- totals: net
    (Field(F::NetTotal), "Nettobetrag", 0.9),
    (Field(F::NetTotal), "Netto", 0.7),
    (Field(F::NetTotal), "Summe netto", 1.0),
    (Field(F::NetTotal), "Nettosumme", 1.0),
    (Field(F::NetTotal), "Netto-Summe", 1.0),
    (Field(F::NetTotal), "Gesamt netto", 1.0),
    (Field(F::NetTotal), "Gesamtbetrag netto", 1.0),
    (Field(F::NetTotal), "Netto gesamt", 1.0),
    (Field(F::NetTotal), "Rechnungsbetrag netto", 1.0),
    (Field(F::NetTotal), "Rechnungssumme ohne USt.", 1.0),
    (Field(F::NetTotal), "Summe ohne USt.", 1.0),
    (Field(F::NetTotal), "Summe ohne MwSt.", 1.0),
    (Field(F::NetTotal), "Betrag ohne MwSt.", 0.95),
    (Field(F::NetTotal), "Gesamtbetrag ohne MwSt.", 1.0),
    (Field(F::NetTotal), "Zwischensumme", 0.8),
    (Field(F::NetTotal), "Warenwert", 0.7),
    (Field(F::NetTotal), "Positionssumme", 0.6),
    (Field(F::NetTotal), "Summe Positionen", 0.6),
    (Field(F::NetTotal), "Net Total", 1.0),
    (Field(F::NetTotal), "Total Net", 1.0),
    (Field(F::NetTotal), "Net Amount", 0.9),
    (Field(F::NetTotal), "Total net amount", 1.0),
    (Field(F::NetTotal), "Subtotal", 0.85),
    (Field(F::NetTotal), "Sub-Total", 0.85),
    (Field(F::NetTotal), "Total excl. VAT", 1.0),
    (Field(F::NetTotal), "Total excluding VAT", 1.0),
    (Field(F::NetTotal), "Total before tax", 1.0),
    (Field(F::NetTotal), "Amount excl. VAT", 1.0),
    (Field(F::NetTotal), "Total Amount Without VAT", 1.0),
    (Field(F::NetTotal), "Total without VAT", 1.0),
    (Field(F::NetTotal), "Total HT", 1.0),
    (Field(F::NetTotal), "Montant HT", 1.0),
    (Field(F::NetTotal), "Total hors taxes", 1.0),
    (Field(F::NetTotal), "Sous-total", 0.85),
    (Field(F::NetTotal), "Base imponible", 0.9),
    (Field(F::NetTotal), "Imponibile", 0.9),
    (Field(F::NetTotal), "Totaal excl. BTW", 1.0),
    // ---- totals: tax
    (Field(F::TaxTotal), "MwSt.", 0.75),
    (Field(F::TaxTotal), "Mehrwertsteuer", 0.75),
    (Field(F::TaxTotal), "USt.", 0.75),
    (Field(F::TaxTotal), "Umsatzsteuer", 0.75),
    (Field(F::TaxTotal), "Steuerbetrag", 0.9),
    (Field(F::TaxTotal), "Summe MwSt.", 1.0),
    (Field(F::TaxTotal), "USt. gesamt", 1.0),
    (Field(F::TaxTotal), "MwSt. gesamt", 1.0),
    (Field(F::TaxTotal), "Umsatzsteuer gesamt", 1.0),
    (Field(F::TaxTotal), "Gesamt USt.", 1.0),
    (Field(F::TaxTotal), "Summe Umsatzsteuer", 1.0),
    (Field(F::TaxTotal), "VAT total", 1.0),
    (Field(F::TaxTotal), "Tax total", 1.0),
    (Field(F::TaxTotal), "TVA totale", 1.0),
    (Field(F::TaxTotal), "Total TVA", 1.0),
    (Field(F::TaxTotal), "Montant total TVA", 1.0),
    (Field(F::TaxTotal), "Summe USt.", 1.0),
    (Field(F::TaxTotal), "Gesamt MwSt.", 1.0),
    (Field(F::TaxTotal), "MwSt.-Betrag", 0.9),
    (Field(F::TaxTotal), "USt.-Betrag", 0.9),
    (Field(F::TaxTotal), "Umsatzsteuerbetrag", 0.9),
    (Field(F::TaxTotal), "VAT", 0.7),
    (Field(F::TaxTotal), "VAT Amount", 0.9),
    (Field(F::TaxTotal), "Total VAT", 1.0),
    (Field(F::TaxTotal), "Total VAT Amount", 1.0),
    (Field(F::TaxTotal), "Tax", 0.6),
    (Field(F::TaxTotal), "Tax Amount", 0.8),
    (Field(F::TaxTotal), "Total Tax", 1.0),
    (Field(F::TaxTotal), "Sales Tax", 0.8),
    (Field(F::TaxTotal), "TVA", 0.75),
    (Field(F::TaxTotal), "Montant TVA", 0.9),
    (Field(F::TaxTotal), "IVA", 0.75),
    (Field(F::TaxTotal), "BTW", 0.75),
    // ---- totals: gross
    (Field(F::GrossTotal), "Gesamtbetrag", 0.9),
    (Field(F::GrossTotal), "Gesamtsumme", 0.9),
    (Field(F::GrossTotal), "Rechnungsbetrag", 0.95),
    (Field(F::GrossTotal), "Rechnungssumme", 0.9),
    (Field(F::GrossTotal), "Bruttosumme", 1.0),
    (Field(F::GrossTotal), "Bruttobetrag", 1.0),
    (Field(F::GrossTotal), "Brutto", 0.7),
    (Field(F::GrossTotal), "Gesamt brutto", 1.0),
    (Field(F::GrossTotal), "Summe brutto", 1.0),
    (Field(F::GrossTotal), "Gesamtbetrag brutto", 1.0),
    (Field(F::GrossTotal), "Rechnungsbetrag brutto", 1.0),
    (Field(F::GrossTotal), "Endbetrag", 1.0),
    (Field(F::GrossTotal), "Endsumme", 1.0),
    (Field(F::GrossTotal), "Summe", 0.6),
    (Field(F::GrossTotal), "Gesamt", 0.55),
    (Field(F::GrossTotal), "Total", 0.7),
    (Field(F::GrossTotal), "Grand Total", 1.0),
    (Field(F::GrossTotal), "Invoice Total", 1.0),
    (Field(F::GrossTotal), "Total Amount", 0.9),
    (Field(F::GrossTotal), "Total incl. VAT", 1.0),
    (Field(F::GrossTotal), "Total including VAT", 1.0),
    (Field(F::GrossTotal), "Total Gross Amount", 1.0),
    (Field(F::GrossTotal), "Gross Amount", 0.9),
    (Field(F::GrossTotal), "Gross Total", 1.0),
    (Field(F::GrossTotal), "Total TTC", 1.0),
    (Field(F::GrossTotal), "Montant TTC", 1.0),
    (Field(F::GrossTotal), "Total toutes taxes comprises", 1.0),
    (Field(F::GrossTotal), "Importe total", 0.9),
    (Field(F::GrossTotal), "Totale", 0.7),
    (Field(F::GrossTotal), "Totaal", 0.7),
    (Field(F::GrossTotal), "Totaal incl. BTW", 1.0),
    // ---- amount due
    (Field(F::AmountDue), "Zahlbetrag", 1.0),
    (Field(F::AmountDue), "Zu zahlen", 0.9),
    (Field(F::AmountDue), "Zu zahlender Betrag", 1.0),
    (Field(F::AmountDue), "Offener Betrag", 0.9),
    (Field(F::AmountDue), "Fälliger Betrag", 1.0),
    (Field(F::AmountDue), "Restbetrag", 0.8),
    (Field(F::AmountDue), "Amount Due", 1.0),
    (Field(F::AmountDue), "Balance Due", 1.0),
    (Field(F::AmountDue), "Total Due", 1.0),
    (Field(F::AmountDue), "Amount Payable", 1.0),
    (Field(F::AmountDue), "Due Payable Amount", 1.0),
    (Field(F::AmountDue), "Net à payer", 1.0),
    (Field(F::AmountDue), "Reste à payer", 1.0),
    (Field(F::AmountDue), "Montant dû", 1.0),
    (Field(F::AmountDue), "Montant à payer", 1.0),
    (Field(F::AmountDue), "Importe a pagar", 1.0),
    (Field(F::AmountDue), "Totale da pagare", 1.0),
    (Field(F::AmountDue), "Te betalen", 1.0),
    // ---- phrases that must not be read as the shorter labels they contain
    (Ignore, "Gesamtbetrag der Zuschläge", 1.0),
    (Ignore, "Gesamtbetrag der Abschläge", 1.0),
    (Ignore, "Summe der Zuschläge", 1.0),
    (Ignore, "Summe der Abschläge", 1.0),
    (Ignore, "Summe Zuschläge", 1.0),
    (Ignore, "Summe Abschläge", 1.0),
    (Ignore, "Summe Rabatte", 1.0),
    (Ignore, "Total charges", 1.0),
    (Ignore, "Total allowances", 1.0),
    (Ignore, "Total Amount of lines", 1.0),
    (Ignore, "Total remises", 1.0),
    (Ignore, "Total frais", 1.0),
    (Ignore, "Rechnung gemäß", 1.0),
    (Ignore, "Tax Point Date", 1.0),
    (Ignore, "Date début", 1.0),
    (Ignore, "Date fin", 1.0),
    (Ignore, "Date de début", 1.0),
    (Ignore, "Date de fin", 1.0),
    // ---- prepaid
    (Prepaid, "Anzahlung", 1.0),
    (Prepaid, "Anzahlungen", 1.0),
    (Prepaid, "Erhaltene Anzahlungen", 1.0),
    (Prepaid, "Erhaltene Anzahlung", 1.0),
    (Prepaid, "Bereits gezahlt", 1.0),
    (Prepaid, "Bereits bezahlt", 1.0),
    (Prepaid, "Abzüglich Anzahlung", 1.0),
    (Prepaid, "Geleistete Anzahlungen", 1.0),
    (Prepaid, "Abschlagszahlungen", 1.0),
    (Prepaid, "Prepaid", 1.0),
    (Prepaid, "Prepaid Amount", 1.0),
    (Prepaid, "Prepayment", 1.0),
    (Prepaid, "Amount Paid", 1.0),
    (Prepaid, "Paid Amount", 1.0),
    (Prepaid, "Already paid", 1.0),
    (Prepaid, "Deposit", 0.8),
    (Prepaid, "Acompte", 1.0),
    (Prepaid, "Acomptes", 1.0),
    (Prepaid, "Déjà payé", 1.0),
    (Prepaid, "Déjà réglé", 1.0),
    // ---- names inside sections
    (Name, "Name", 1.0),
    (Name, "Firma", 0.9),
    (Name, "Firmenname", 1.0),
    (Name, "Company", 0.9),
    (Name, "Company Name", 1.0),
    (Name, "Nom", 1.0),
    (Name, "Raison sociale", 1.0),
    (Name, "Trading Name", 0.5),
    // ---- party sections
    (Section(Party::Seller), "Verkäufer", 1.0),
    (Section(Party::Seller), "Lieferant", 0.8),
    (Section(Party::Seller), "Rechnungssteller", 1.0),
    (Section(Party::Seller), "Leistungserbringer", 1.0),
    (Section(Party::Seller), "Absender", 0.8),
    (Section(Party::Seller), "Seller", 1.0),
    (Section(Party::Seller), "Supplier", 0.9),
    (Section(Party::Seller), "Vendor", 0.9),
    (Section(Party::Seller), "From", 0.6),
    (Section(Party::Seller), "Bill From", 1.0),
    (Section(Party::Seller), "Vendeur", 1.0),
    (Section(Party::Seller), "Fournisseur", 0.9),
    (Section(Party::Seller), "Émetteur", 0.9),
    (Section(Party::Seller), "Proveedor", 0.9),
    (Section(Party::Seller), "Fornitore", 0.9),
    (Section(Party::Seller), "Leverancier", 0.9),
    (Section(Party::Buyer), "Käufer", 1.0),
    (Section(Party::Buyer), "Käufer/Leistungsempfänger", 1.0),
    (Section(Party::Buyer), "Rechnungsempfänger", 1.0),
    (Section(Party::Buyer), "Leistungsempfänger", 1.0),
    (Section(Party::Buyer), "Rechnungsanschrift", 0.9),
    (Section(Party::Buyer), "Rechnungsadresse", 0.9),
    (Section(Party::Buyer), "Kunde", 0.7),
    (Section(Party::Buyer), "Auftraggeber", 0.8),
    (Section(Party::Buyer), "Buyer", 1.0),
    (Section(Party::Buyer), "Customer", 0.8),
    (Section(Party::Buyer), "Bill To", 1.0),
    (Section(Party::Buyer), "Billed To", 1.0),
    (Section(Party::Buyer), "Invoice To", 1.0),
    (Section(Party::Buyer), "Invoiced To", 1.0),
    (Section(Party::Buyer), "Sold To", 1.0),
    (Section(Party::Buyer), "Client", 0.8),
    (Section(Party::Buyer), "Acheteur", 1.0),
    (Section(Party::Buyer), "Facturé à", 1.0),
    (Section(Party::Buyer), "Adresse de facturation", 1.0),
    (Section(Party::Buyer), "Adresse du client", 1.0),
    (Section(Party::Buyer), "Destinataire", 0.8),
    (Section(Party::Buyer), "Cliente", 0.8),
    (Section(Party::Buyer), "Klant", 0.8),
    (Section(Party::Other), "Ship To", 1.0),
    (Section(Party::Other), "Ship From", 1.0),
    (Section(Party::Other), "Deliver To", 1.0),
    (Section(Party::Other), "Delivery Address", 1.0),
    (Section(Party::Other), "Lieferanschrift", 1.0),
    (Section(Party::Other), "Lieferadresse", 1.0),
    (Section(Party::Other), "Warenempfänger", 1.0),
    (Section(Party::Other), "Abweichender Zahlungsempfänger", 1.0),
    (Section(Party::Other), "Zahlungsempfänger", 1.0),
    (Section(Party::Other), "Payee", 1.0),
    (Section(Party::Other), "Invoicee", 1.0),
    (Section(Party::Other), "Buyer Requisitioner", 1.0),
    (Section(Party::Other), "Buyer Requisitionner", 1.0),
    (Section(Party::Other), "Steuervertreter", 1.0),
    (Section(Party::Other), "Steuerlicher Vertreter", 1.0),
    (Section(Party::Other), "Tax Representative", 1.0),
    (Section(Party::Other), "Représentant fiscal", 1.0),
    (Section(Party::Other), "Adresse de livraison", 1.0),
    (Section(Party::Other), "Livraison", 0.8),
    // ---- document titles
    (Title, "Rechnung", 1.0),
    (Title, "Handelsrechnung", 1.0),
    (Title, "Gutschrift", 1.0),
    (Title, "Rechnungskorrektur", 1.0),
    (Title, "Schlussrechnung", 1.0),
    (Title, "Teilrechnung", 1.0),
    (Title, "Abschlagsrechnung", 1.0),
    (Title, "Proforma-Rechnung", 1.0),
    (Title, "Invoice", 1.0),
    (Title, "Tax Invoice", 1.0),
    (Title, "Commercial Invoice", 1.0),
    (Title, "Credit Note", 1.0),
    (Title, "Facture", 1.0),
    (Title, "Avoir", 1.0),
    (Title, "Factura", 1.0),
    (Title, "Fattura", 1.0),
    (Title, "Factuur", 1.0),
    (NumberWord, "Nr.", 1.0),
    (NumberWord, "No.", 1.0),
    (NumberWord, "N°", 1.0),
    (NumberWord, "Number", 1.0),
    (NumberWord, "Nummer", 1.0),
    (NumberWord, "Numéro", 1.0),
    (NumberWord, "#", 1.0),
    // ---- headings that end a party section
    (Heading, "Bemerkungen", 1.0),
    (Heading, "Bemerkung", 1.0),
    (Heading, "Positionsdaten", 1.0),
    (Heading, "Positionen", 1.0),
    (Heading, "Notes", 1.0),
    (Heading, "Remarks", 1.0),
    (Heading, "References", 1.0),
    (Heading, "Referenzen", 1.0),
    (Heading, "Lieferung", 1.0),
    (Heading, "Delivery", 1.0),
    (Heading, "Totals", 1.0),
    (Heading, "Belegsummen", 1.0),
    (Heading, "Umsatzsteueraufschlüsselung", 1.0),
    (Heading, "Zu- und Abschläge", 1.0),
    (Heading, "Abschläge und Zuschläge", 1.0),
    (Heading, "Nachlässe und Zuschläge", 1.0),
    (Heading, "Allowances and charges", 1.0),
    (Heading, "Allowances & charges", 1.0),
    (Heading, "Allowances & Charges Details", 1.0),
    (Heading, "Remises et frais", 1.0),
    (Heading, "Steueraufschlüsselung", 1.0),
    (Heading, "VAT breakdown", 1.0),
    (Heading, "VAT summary", 1.0),
    (Heading, "Tax summary", 1.0),
    (Heading, "Détail TVA", 1.0),
    (Heading, "Récapitulatif TVA", 1.0),
    (Heading, "Zahlungsinformationen", 1.0),
    (Heading, "Bankverbindung", 1.0),
    (Heading, "Bank details", 1.0),
    (Heading, "Nos références", 1.0),
    (Heading, "Vos références", 1.0),
    (Heading, "Vos identifiants", 1.0),
];

/// Labels that name a purchase order's own number (on an order it is also the PO reference).
const ORDER_NUMBER_LABELS: &[(&str, f32)] = &[
    ("Purchase Order", 0.95),
    ("Purchase Order Number", 1.0),
    ("Purchase Order No.", 1.0),
    ("Order Number", 0.9),
    ("Order No.", 0.9),
    ("Bestellnummer", 0.95),
    ("Bestellung Nr.", 0.95),
    ("Bestellung", 0.8),
    ("Bon de commande", 0.95),
    ("N° de commande", 0.95),
];

/// Labels that name an order confirmation's own number (the PO it answers is a reference).
const CONFIRMATION_NUMBER_LABELS: &[(&str, f32)] = &[
    ("Order Response", 0.95),
    ("Order Confirmation", 0.95),
    ("Order Confirmation No.", 1.0),
    ("Confirmation No.", 0.9),
    ("Auftragsbestätigung", 0.95),
    ("Auftragsbestätigung Nr.", 1.0),
    ("Auftragsnummer", 0.8),
    ("Confirmation de commande", 0.95),
    ("Accusé de réception de commande", 0.95),
];

/// Labels that name a delivery note's own number (on an invoice they name a reference).
const DELIVERY_NUMBER_LABELS: &[(&str, f32)] = &[
    ("Lieferschein-Nr.", 1.0),
    ("Lieferscheinnummer", 1.0),
    ("Lieferschein Nr.", 1.0),
    ("Delivery Note No.", 1.0),
    ("Delivery Note Number", 1.0),
    ("Packing Slip No.", 0.9),
    ("Bon de livraison N°", 1.0),
    ("N° de bon de livraison", 1.0),
    ("N° BL", 0.9),
];

/// Delivery-address headings: on a delivery note the consignee is the customer.
const CONSIGNEE_LABELS: &[&str] = &[
    "Lieferanschrift",
    "Lieferadresse",
    "Warenempfänger",
    "Ship To",
    "Deliver To",
    "Delivery Address",
    "Adresse de livraison",
    "Livraison",
];

/// Titles of delivery notes (give `Nr.` its meaning there only).
const DELIVERY_TITLES: &[&str] = &["Lieferschein", "Delivery Note", "Bon de livraison"];

/// A compiled lexicon: labels indexed by their first token for a linear scan over the tokens
/// of a line; candidates at one index are ordered longest first (longest match wins).
#[derive(Debug)]
pub(crate) struct Lexicon {
    pub labels: Vec<Label>,
    by_first: HashMap<String, Vec<usize>>,
}

impl Lexicon {
    fn build(entries: impl Iterator<Item = (Target, &'static str, f32)>) -> Self {
        let mut labels = Vec::new();
        for (target, text, strength) in entries {
            let tokens = normalise(text);
            if tokens.is_empty() {
                continue;
            }
            labels.push(Label {
                target,
                tokens,
                strength,
            });
        }
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, l) in labels.iter().enumerate() {
            by_first.entry(l.tokens[0].clone()).or_default().push(i);
        }
        for v in by_first.values_mut() {
            v.sort_by(|&a, &b| labels[b].tokens.len().cmp(&labels[a].tokens.len()));
        }
        Self { labels, by_first }
    }

    /// Labels that start with token `first`, longest first.
    pub fn starting_with(&self, first: &str) -> &[usize] {
        self.by_first.get(first).map_or(&[], |v| v.as_slice())
    }
}

static GENERAL: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::build(LABELS.iter().copied()));

static ORDERS: LazyLock<Lexicon> = LazyLock::new(|| {
    Lexicon::build(
        LABELS
            .iter()
            .copied()
            .filter(|(t, _, _)| *t != Field(F::PoNumber))
            .chain(
                ORDER_NUMBER_LABELS
                    .iter()
                    .map(|(l, s)| (Field(F::InvoiceNumber), *l, *s)),
            )
            .chain(
                ORDER_NUMBER_LABELS
                    .iter()
                    .map(|(l, s)| (Field(F::PoNumber), *l, *s)),
            ),
    )
});

static CONFIRMATIONS: LazyLock<Lexicon> = LazyLock::new(|| {
    Lexicon::build(
        LABELS
            .iter()
            .copied()
            .chain(
                CONFIRMATION_NUMBER_LABELS
                    .iter()
                    .map(|(l, s)| (Field(F::InvoiceNumber), *l, *s)),
            )
            .chain(
                ORDER_NUMBER_LABELS
                    .iter()
                    .map(|(l, s)| (Field(F::PoNumber), *l, *s * 0.95)),
            ),
    )
});

static DELIVERIES: LazyLock<Lexicon> = LazyLock::new(|| {
    Lexicon::build(
        LABELS
            .iter()
            .copied()
            .filter(|(t, l, _)| !(*t == Section(Party::Other) && CONSIGNEE_LABELS.contains(l)))
            .chain(
                CONSIGNEE_LABELS
                    .iter()
                    .map(|l| (Section(Party::Buyer), *l, 1.0)),
            )
            .chain(DELIVERY_TITLES.iter().map(|l| (Title, *l, 1.0)))
            .chain(
                DELIVERY_NUMBER_LABELS
                    .iter()
                    .map(|(l, s)| (Field(F::InvoiceNumber), *l, *s)),
            ),
    )
});

/// The lexicon for a document type (orders and delivery notes name their own number
/// differently; on a delivery note the delivery address is the customer's).
pub(crate) fn lexicon(doc_type: DocType) -> &'static Lexicon {
    match doc_type {
        DocType::DeliveryNote => &DELIVERIES,
        DocType::PurchaseOrder => &ORDERS,
        DocType::OrderConfirmation => &CONFIRMATIONS,
        _ => &GENERAL,
    }
}

/// Index of the generic title label (used for compound titles such as `Baurechnung`).
pub(crate) fn title_label(lex: &Lexicon) -> Option<usize> {
    lex.labels.iter().position(|l| l.target == Title)
}

/// Stop words by language, for detecting the document language from its tokens (normalised:
/// accents removed). Chosen to be frequent on invoices and rare in the other languages.
const STOP_WORDS: &[(&str, &[&str])] = &[
    (
        "de",
        &[
            "und",
            "der",
            "die",
            "das",
            "mit",
            "fur",
            "bitte",
            "rechnung",
            "betrag",
            "summe",
            "datum",
            "zahlbar",
            "innerhalb",
            "tagen",
            "nr",
            "vom",
            "bis",
            "zum",
            "ihre",
            "wir",
            "sie",
            "menge",
            "preis",
            "gesamt",
            "netto",
            "brutto",
            "mwst",
            "ust",
            "steuer",
            "lieferung",
            "bestellung",
            "kunde",
            "seite",
            "von",
            "ohne",
            "auf",
        ],
    ),
    (
        "en",
        &[
            "the",
            "and",
            "of",
            "to",
            "for",
            "invoice",
            "amount",
            "total",
            "date",
            "due",
            "payment",
            "please",
            "within",
            "days",
            "order",
            "quantity",
            "price",
            "tax",
            "vat",
            "customer",
            "page",
            "description",
            "number",
            "from",
            "bill",
            "with",
            "your",
            "our",
            "terms",
            "by",
        ],
    ),
    (
        "fr",
        &[
            "le",
            "la",
            "les",
            "des",
            "du",
            "et",
            "facture",
            "montant",
            "total",
            "date",
            "paiement",
            "client",
            "quantite",
            "prix",
            "tva",
            "ht",
            "ttc",
            "net",
            "payer",
            "echeance",
            "commande",
            "livraison",
            "pour",
            "par",
            "sur",
            "au",
            "une",
            "adresse",
            "designation",
        ],
    ),
    (
        "es",
        &[
            "el", "la", "los", "las", "de", "del", "y", "factura", "importe", "fecha", "pago",
            "cliente", "cantidad", "precio", "iva", "total", "pedido", "para", "con",
        ],
    ),
    (
        "it",
        &[
            "il",
            "la",
            "di",
            "e",
            "fattura",
            "importo",
            "data",
            "pagamento",
            "cliente",
            "quantita",
            "prezzo",
            "iva",
            "totale",
            "ordine",
            "per",
            "con",
            "del",
            "della",
        ],
    ),
    (
        "nl",
        &[
            "de",
            "het",
            "een",
            "en",
            "van",
            "factuur",
            "bedrag",
            "datum",
            "betaling",
            "klant",
            "aantal",
            "prijs",
            "btw",
            "totaal",
            "bestelling",
            "voor",
            "met",
            "uw",
        ],
    ),
];

static STOP_INDEX: LazyLock<HashMap<&'static str, Vec<usize>>> = LazyLock::new(|| {
    let mut m: HashMap<&'static str, Vec<usize>> = HashMap::new();
    for (i, (_, words)) in STOP_WORDS.iter().enumerate() {
        for w in *words {
            m.entry(*w).or_default().push(i);
        }
    }
    m
});

/// Detects the language from normalised tokens; `None` when there is too little evidence.
pub(crate) fn detect_language<'a>(tokens: impl Iterator<Item = &'a str>) -> Option<&'static str> {
    let mut counts = [0usize; 6];
    for t in tokens {
        if let Some(langs) = STOP_INDEX.get(t) {
            for &l in langs {
                counts[l] += 1;
            }
        }
    }
    let (best, &n) = counts.iter().enumerate().max_by_key(|(_, n)| **n)?;
    let second = counts
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0);
    // A few hits decide nothing; a clear lead does.
    (n >= 5 && n * 10 >= second * 13).then(|| STOP_WORDS[best].0)
}

/// Column headers of line-item tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    Pos,
    Description,
    ItemId,
    Quantity,
    Unit,
    UnitPrice,
    Amount,
    TaxRate,
    /// A header word of a column we do not read (`Referenzen`, `Rabatt`): it bounds the zones
    /// of its neighbours.
    Other,
}

const COLUMNS: &[(Col, &str)] = &[
    (Col::Pos, "Pos"),
    (Col::Pos, "Pos."),
    (Col::Pos, "Position"),
    (Col::Pos, "Nr."),
    (Col::Pos, "No."),
    (Col::Pos, "#"),
    (Col::Pos, "N°"),
    (Col::Pos, "Lfd. Nr."),
    (Col::Pos, "Ligne"),
    (Col::Pos, "Line"),
    (Col::Pos, "Item"),
    (Col::Description, "Beschreibung"),
    (Col::Description, "Bezeichnung"),
    (Col::Description, "Artikelbezeichnung"),
    (Col::Description, "Artikel"),
    (Col::Description, "Leistung"),
    (Col::Description, "Leistungsbeschreibung"),
    (Col::Description, "Text"),
    (Col::Description, "Description"),
    (Col::Description, "Item Description"),
    (Col::Description, "Product"),
    (Col::Description, "Service"),
    (Col::Description, "Désignation"),
    (Col::Description, "Designation"),
    (Col::Description, "Libellé"),
    (Col::Description, "Descripción"),
    (Col::Description, "Descrizione"),
    (Col::Description, "Omschrijving"),
    (Col::ItemId, "Art.-Nr."),
    (Col::ItemId, "Artikelnummer"),
    (Col::ItemId, "Artikel-Nr."),
    (Col::ItemId, "Item No."),
    (Col::ItemId, "SKU"),
    (Col::ItemId, "Référence"),
    (Col::ItemId, "Réf."),
    (Col::ItemId, "Ref."),
    (Col::ItemId, "Art.-Nr."),
    (Col::ItemId, "Code article"),
    (Col::Quantity, "Menge"),
    (Col::Quantity, "Stunden"),
    (Col::Quantity, "Std."),
    (Col::Quantity, "Hours"),
    (Col::Quantity, "Hrs"),
    (Col::Quantity, "Anzahl"),
    (Col::Quantity, "Anz."),
    (Col::Quantity, "Stück"),
    (Col::Quantity, "Qty"),
    (Col::Quantity, "Qty."),
    (Col::Quantity, "Quantity"),
    (Col::Quantity, "Quantité"),
    (Col::Quantity, "Qté"),
    (Col::Quantity, "Cantidad"),
    (Col::Quantity, "Quantità"),
    (Col::Quantity, "Aantal"),
    (Col::Unit, "Einheit"),
    (Col::Unit, "ME"),
    (Col::Unit, "Unit"),
    (Col::Unit, "UoM"),
    (Col::Unit, "Unité"),
    (Col::UnitPrice, "Einzelpreis"),
    (Col::UnitPrice, "Einzelpr."),
    (Col::UnitPrice, "Stundensatz"),
    (Col::UnitPrice, "Unit Cost"),
    (Col::UnitPrice, "Hourly Rate"),
    (Col::UnitPrice, "Preis"),
    (Col::UnitPrice, "Nettopreis"),
    (Col::UnitPrice, "Stückpreis"),
    (Col::UnitPrice, "E-Preis"),
    (Col::UnitPrice, "EP"),
    (Col::UnitPrice, "Unit Price"),
    (Col::UnitPrice, "Price"),
    (Col::UnitPrice, "Rate"),
    (Col::UnitPrice, "Net Unit Price"),
    (Col::UnitPrice, "Prix unitaire"),
    (Col::UnitPrice, "Prix unitaire HT"),
    (Col::UnitPrice, "Prix unit."),
    (Col::UnitPrice, "Prix unit. HT"),
    (Col::UnitPrice, "PU"),
    (Col::UnitPrice, "Prix"),
    (Col::UnitPrice, "P.U."),
    (Col::UnitPrice, "P.U. HT"),
    (Col::UnitPrice, "PU HT"),
    (Col::UnitPrice, "Precio"),
    (Col::UnitPrice, "Prezzo"),
    (Col::UnitPrice, "Prijs"),
    (Col::Amount, "Betrag"),
    (Col::Amount, "G-Preis"),
    (Col::Amount, "Gesamtwert"),
    (Col::Amount, "Positionswert"),
    (Col::Amount, "Zeilensumme"),
    (Col::Amount, "Line Amount"),
    (Col::Amount, "Extended Price"),
    (Col::Amount, "Ext. Price"),
    (Col::Amount, "Montant total"),
    (Col::Amount, "Prix total"),
    (Col::Amount, "Gesamt"),
    (Col::Amount, "Gesamtpreis"),
    (Col::Amount, "Gesamtbetrag"),
    (Col::Amount, "Nettobetrag"),
    (Col::Amount, "Summe"),
    (Col::Amount, "Entgelt"),
    (Col::Amount, "Positionsbetrag"),
    (Col::Amount, "Amount"),
    (Col::Amount, "Total"),
    (Col::Amount, "Line Total"),
    (Col::Amount, "Net Amount"),
    (Col::Amount, "Montant"),
    (Col::Amount, "Montant HT"),
    (Col::Amount, "Total HT"),
    (Col::Amount, "Importe"),
    (Col::Amount, "Importo"),
    (Col::Amount, "Bedrag"),
    (Col::TaxRate, "MwSt."),
    (Col::TaxRate, "MwSt.-Satz"),
    (Col::TaxRate, "USt."),
    (Col::TaxRate, "USt.-Satz"),
    (Col::TaxRate, "Steuersatz"),
    (Col::TaxRate, "Steuer"),
    (Col::TaxRate, "VAT"),
    (Col::TaxRate, "VAT %"),
    (Col::TaxRate, "VAT Rate"),
    (Col::TaxRate, "Tax"),
    (Col::TaxRate, "Tax Rate"),
    (Col::TaxRate, "TVA"),
    (Col::TaxRate, "Taux TVA"),
    (Col::TaxRate, "IVA"),
    (Col::TaxRate, "BTW"),
];

/// Column labels, compiled (tokens, column).
pub(crate) static COLUMN_LABELS: LazyLock<Vec<(Vec<String>, Col)>> = LazyLock::new(|| {
    let mut v: Vec<(Vec<String>, Col)> = COLUMNS
        .iter()
        .map(|(c, t)| (normalise(t), *c))
        .filter(|(t, _)| !t.is_empty())
        .collect();
    v.sort_by_key(|c| std::cmp::Reverse(c.0.len()));
    v
});

/// Sentence openings of payment terms printed without a label.
pub(crate) const TERMS_OPENINGS: &[&str] = &[
    "zahlbar innerhalb",
    "zahlbar bis",
    "zahlbar sofort",
    "sofort zahlbar",
    "zahlbar ohne abzug",
    "zahlung innerhalb",
    "bei zahlung",
    "bitte uberweisen",
    "payable within",
    "payment due within",
    "payment within",
    "please pay within",
    "net 30",
    "net 14",
    "due within",
    "payable a",
    "paiement a",
    "paiement sous",
    "escompte de",
    "payable sous",
    "pagamento a",
    "pago a",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_is_indexed_longest_first() {
        let lx = lexicon(DocType::Invoice);
        let ids = lx.starting_with("rechnungssumme");
        assert!(ids.len() >= 2);
        assert!(lx.labels[ids[0]].tokens.len() >= lx.labels[ids[1]].tokens.len());
        assert!(!lx.starting_with("ust").is_empty());
    }

    #[test]
    fn languages_are_told_apart() {
        let de =
            "Rechnung Nr 4711 vom 05.03.2024 zahlbar innerhalb 14 Tagen netto bitte und der die";
        let en = "Invoice number date due payment within 30 days please the and total amount";
        let fr = "Facture date montant total TVA HT TTC net a payer le la les des echeance";
        let toks = |s: &str| normalise(s);
        assert_eq!(
            detect_language(toks(de).iter().map(String::as_str)),
            Some("de")
        );
        assert_eq!(
            detect_language(toks(en).iter().map(String::as_str)),
            Some("en")
        );
        assert_eq!(
            detect_language(toks(fr).iter().map(String::as_str)),
            Some("fr")
        );
        assert_eq!(detect_language(std::iter::empty()), None);
    }
}
