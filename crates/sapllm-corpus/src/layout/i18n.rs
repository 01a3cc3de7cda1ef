//! Labels in English, German and French, and the number, amount and date formats that go with
//! them. Layout families pick different formats for the same language, because real invoices
//! do: an extractor must cope with `5. März 2024` as well as `05.03.2024`.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use sapllm_core::DocType;

use crate::model::Language;

/// Thousands and decimal separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStyle {
    /// 1,234.56
    Comma,
    /// 1.234,56
    Dot,
    /// 1 234,56
    Space,
    /// 1234.56 (ERP printouts)
    Plain,
    /// 1234,56
    PlainComma,
}

impl NumberStyle {
    /// The usual style of a language.
    pub fn of(lang: Language) -> Self {
        match lang {
            Language::En => NumberStyle::Comma,
            Language::De => NumberStyle::Dot,
            Language::Fr => NumberStyle::Space,
        }
    }

    fn separators(self) -> (Option<char>, char) {
        match self {
            NumberStyle::Comma => (Some(','), '.'),
            NumberStyle::Dot => (Some('.'), ','),
            NumberStyle::Space => (Some(' '), ','),
            NumberStyle::Plain => (None, '.'),
            NumberStyle::PlainComma => (None, ','),
        }
    }

    /// Formats with exactly `dp` decimals.
    pub fn fixed(self, value: Decimal, dp: u32) -> String {
        let mut v = value.round_dp(dp);
        v.rescale(dp);
        self.render(
            &v.abs().to_string(),
            value.is_sign_negative() && !v.is_zero(),
        )
    }

    /// Formats with as many decimals as needed (quantities, rates): 7.5, 12, 5.5.
    pub fn trimmed(self, value: Decimal) -> String {
        let v = value.normalize();
        self.render(&v.abs().to_string(), v.is_sign_negative())
    }

    fn render(self, plain: &str, negative: bool) -> String {
        let (thousands, decimal) = self.separators();
        let (int, frac) = plain.split_once('.').unwrap_or((plain, ""));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            match thousands {
                Some(t) if i > 0 && (int.len() - i) % 3 == 0 => grouped.push(t),
                _ => {}
            }
            grouped.push(c);
        }
        let mut s = String::new();
        if negative {
            s.push('-');
        }
        s.push_str(&grouped);
        if !frac.is_empty() {
            s.push(decimal);
            s.push_str(frac);
        }
        s
    }
}

/// Where and how the currency appears next to an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurrencyStyle {
    /// Bare amounts; the currency is named elsewhere (column header, totals label).
    None,
    /// 1.234,56 EUR
    CodeAfter,
    /// 1.234,56 €
    SymbolAfter,
    /// EUR 1,234.56
    CodeBefore,
    /// €1,234.56
    SymbolBefore,
}

impl CurrencyStyle {
    pub fn apply(self, amount: &str, code: &str) -> String {
        let symbol = if code == "EUR" { "€" } else { code };
        match self {
            CurrencyStyle::None => amount.to_owned(),
            CurrencyStyle::CodeAfter => format!("{amount} {code}"),
            CurrencyStyle::SymbolAfter => format!("{amount} {symbol}"),
            CurrencyStyle::CodeBefore => format!("{code} {amount}"),
            CurrencyStyle::SymbolBefore => format!("{symbol}{amount}"),
        }
    }

    /// The currency as it is printed in this style (what a reader sees as "the currency").
    pub fn printed_currency(self, code: &str) -> Option<String> {
        match self {
            CurrencyStyle::None => None,
            CurrencyStyle::CodeAfter | CurrencyStyle::CodeBefore => Some(code.to_owned()),
            CurrencyStyle::SymbolAfter | CurrencyStyle::SymbolBefore => Some(if code == "EUR" {
                "€".to_owned()
            } else {
                code.to_owned()
            }),
        }
    }
}

/// Date formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// 2024-03-05
    Iso,
    /// 03/05/2024
    Us,
    /// 5 March 2024
    LongEn,
    /// 05.03.2024
    DeNumeric,
    /// 5. März 2024
    DeLong,
    /// 05/03/2024
    FrNumeric,
    /// 5 mars 2024
    FrLong,
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

impl DateStyle {
    pub fn format(self, d: NaiveDate) -> String {
        let m = d.month0() as usize;
        match self {
            DateStyle::Iso => d.format("%Y-%m-%d").to_string(),
            DateStyle::Us => d.format("%m/%d/%Y").to_string(),
            DateStyle::LongEn => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
            DateStyle::DeNumeric => d.format("%d.%m.%Y").to_string(),
            DateStyle::DeLong => format!("{}. {} {}", d.day(), MONTHS_DE[m], d.year()),
            DateStyle::FrNumeric => d.format("%d/%m/%Y").to_string(),
            DateStyle::FrLong => format!("{} {} {}", d.day(), MONTHS_FR[m], d.year()),
        }
    }

    /// The numeric and the long style of a language.
    pub fn numeric(lang: Language) -> Self {
        match lang {
            Language::En => DateStyle::Iso,
            Language::De => DateStyle::DeNumeric,
            Language::Fr => DateStyle::FrNumeric,
        }
    }

    pub fn long(lang: Language) -> Self {
        match lang {
            Language::En => DateStyle::LongEn,
            Language::De => DateStyle::DeLong,
            Language::Fr => DateStyle::FrLong,
        }
    }
}

/// Every fixed text a layout prints, in one language.
#[derive(Debug)]
pub struct Labels {
    pub date: &'static str,
    pub invoice_date: &'static str,
    pub due_date: &'static str,
    pub delivery_date: &'static str,
    pub requested_delivery: &'static str,
    pub po_number: &'static str,
    pub buyer_reference: &'static str,
    pub customer_no: &'static str,
    pub vat_id: &'static str,
    pub tax_number: &'static str,
    pub col_pos: &'static str,
    pub col_item: &'static str,
    pub col_description: &'static str,
    pub col_qty: &'static str,
    pub col_unit: &'static str,
    pub col_unit_price: &'static str,
    pub col_vat: &'static str,
    pub col_amount: &'static str,
    pub col_qty_delivered: &'static str,
    pub net: &'static str,
    pub vat: &'static str,
    pub vat_total: &'static str,
    pub gross: &'static str,
    pub prepaid: &'static str,
    pub amount_due: &'static str,
    pub carried_forward: &'static str,
    pub brought_forward: &'static str,
    pub bank_details: &'static str,
    pub bank: &'static str,
    pub seller_heading: &'static str,
    pub buyer_heading: &'static str,
    pub supplier_heading: &'static str,
    pub ship_to: &'static str,
    pub payment_terms: &'static str,
    pub reverse_charge: &'static str,
    pub thanks: &'static str,
    pub intro: &'static str,
    pub managing_director: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub paid: &'static str,
    pub received: &'static str,
    pub continued: &'static str,
    pub goods_received: &'static str,
    pub vat_base: &'static str,
    pub vat_rate: &'static str,
    pub vat_amount: &'static str,
}

pub static EN: Labels = Labels {
    date: "Date",
    invoice_date: "Invoice date",
    due_date: "Due date",
    delivery_date: "Delivery date",
    requested_delivery: "Requested delivery",
    po_number: "Order No.",
    buyer_reference: "Your reference",
    customer_no: "Customer No.",
    vat_id: "VAT ID",
    tax_number: "Tax No.",
    col_pos: "Pos.",
    col_item: "Item No.",
    col_description: "Description",
    col_qty: "Qty",
    col_unit: "Unit",
    col_unit_price: "Unit price",
    col_vat: "VAT %",
    col_amount: "Amount",
    col_qty_delivered: "Qty delivered",
    net: "Net amount",
    vat: "VAT",
    vat_total: "Total VAT",
    gross: "Total",
    prepaid: "Less prepayment",
    amount_due: "Amount due",
    carried_forward: "Carried forward",
    brought_forward: "Brought forward",
    bank_details: "Bank details",
    bank: "Bank",
    seller_heading: "From",
    buyer_heading: "Bill to",
    supplier_heading: "Supplier",
    ship_to: "Ship to",
    payment_terms: "Payment terms",
    reverse_charge: "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC).",
    thanks: "Thank you for your business.",
    intro: "We invoice you for the following goods and services:",
    managing_director: "Managing director",
    phone: "Phone",
    email: "Email",
    paid: "PAID",
    received: "RECEIVED",
    continued: "continued",
    goods_received: "Goods received in good condition",
    vat_base: "Net base",
    vat_rate: "VAT rate",
    vat_amount: "VAT amount",
};

pub static DE: Labels = Labels {
    date: "Datum",
    invoice_date: "Rechnungsdatum",
    due_date: "Fällig am",
    delivery_date: "Lieferdatum",
    requested_delivery: "Liefertermin",
    po_number: "Bestellnummer",
    buyer_reference: "Ihr Zeichen",
    customer_no: "Kundennummer",
    vat_id: "USt-IdNr.",
    tax_number: "Steuernummer",
    col_pos: "Pos.",
    col_item: "Art.-Nr.",
    col_description: "Bezeichnung",
    col_qty: "Menge",
    col_unit: "Einheit",
    col_unit_price: "Einzelpreis",
    col_vat: "USt. %",
    col_amount: "Gesamtpreis",
    col_qty_delivered: "Liefermenge",
    net: "Nettobetrag",
    vat: "USt.",
    vat_total: "USt. gesamt",
    gross: "Gesamtbetrag",
    prepaid: "abzgl. Anzahlung",
    amount_due: "Zahlbetrag",
    carried_forward: "Übertrag",
    brought_forward: "Übertrag",
    bank_details: "Bankverbindung",
    bank: "Bank",
    seller_heading: "Rechnungssteller",
    buyer_heading: "Rechnungsempfänger",
    supplier_heading: "Lieferant",
    ship_to: "Lieferanschrift",
    payment_terms: "Zahlungsbedingungen",
    reverse_charge: "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
    thanks: "Vielen Dank für Ihren Auftrag.",
    intro: "Sehr geehrte Damen und Herren, wir berechnen Ihnen wie folgt:",
    managing_director: "Geschäftsführer",
    phone: "Tel.",
    email: "E-Mail",
    paid: "BEZAHLT",
    received: "EINGEGANGEN",
    continued: "Fortsetzung",
    goods_received: "Ware vollständig und unbeschädigt erhalten",
    vat_base: "Netto",
    vat_rate: "Steuersatz",
    vat_amount: "USt.-Betrag",
};

pub static FR: Labels = Labels {
    date: "Date",
    invoice_date: "Date de facture",
    due_date: "Échéance",
    delivery_date: "Date de livraison",
    requested_delivery: "Livraison souhaitée",
    po_number: "N° de commande",
    buyer_reference: "Votre référence",
    customer_no: "N° client",
    vat_id: "N° TVA intracom.",
    tax_number: "N° fiscal",
    col_pos: "N°",
    col_item: "Réf.",
    col_description: "Désignation",
    col_qty: "Qté",
    col_unit: "Unité",
    col_unit_price: "Prix unit. HT",
    col_vat: "TVA %",
    col_amount: "Montant HT",
    col_qty_delivered: "Qté livrée",
    net: "Total HT",
    vat: "TVA",
    vat_total: "Total TVA",
    gross: "Total TTC",
    prepaid: "Acompte versé",
    amount_due: "Net à payer",
    carried_forward: "À reporter",
    brought_forward: "Report",
    bank_details: "Coordonnées bancaires",
    bank: "Banque",
    seller_heading: "Émetteur",
    buyer_heading: "Facturé à",
    supplier_heading: "Fournisseur",
    ship_to: "Adresse de livraison",
    payment_terms: "Conditions de paiement",
    reverse_charge: "Autoliquidation : TVA due par le preneur (art. 283-2 du CGI).",
    thanks: "Nous vous remercions de votre confiance.",
    intro: "Veuillez trouver ci-dessous le détail de notre facturation :",
    managing_director: "Gérant",
    phone: "Tél.",
    email: "E-mail",
    paid: "PAYÉ",
    received: "REÇU",
    continued: "suite",
    goods_received: "Marchandise reçue en bon état",
    vat_base: "Base HT",
    vat_rate: "Taux",
    vat_amount: "Montant TVA",
};

pub fn labels(lang: Language) -> &'static Labels {
    match lang {
        Language::En => &EN,
        Language::De => &DE,
        Language::Fr => &FR,
    }
}

/// The document title: "Invoice", "Rechnung", "Facture", ...
pub fn title(lang: Language, doc_type: DocType) -> &'static str {
    use Language::*;
    match (doc_type, lang) {
        (DocType::CreditNote, En) => "Credit note",
        (DocType::CreditNote, De) => "Gutschrift",
        (DocType::CreditNote, Fr) => "Avoir",
        (DocType::PurchaseOrder, En) => "Purchase Order",
        (DocType::PurchaseOrder, De) => "Bestellung",
        (DocType::PurchaseOrder, Fr) => "Bon de commande",
        (DocType::DeliveryNote, En) => "Delivery note",
        (DocType::DeliveryNote, De) => "Lieferschein",
        (DocType::DeliveryNote, Fr) => "Bon de livraison",
        (_, En) => "Invoice",
        (_, De) => "Rechnung",
        (_, Fr) => "Facture",
    }
}

/// The label of the document number.
pub fn number_label(lang: Language, doc_type: DocType) -> &'static str {
    use Language::*;
    match (doc_type, lang) {
        (DocType::CreditNote, En) => "Credit note No.",
        (DocType::CreditNote, De) => "Gutschriftsnummer",
        (DocType::CreditNote, Fr) => "N° d'avoir",
        (DocType::PurchaseOrder, En) => "PO Number",
        (DocType::PurchaseOrder, De) => "Bestellnummer",
        (DocType::PurchaseOrder, Fr) => "N° de commande",
        (DocType::DeliveryNote, En) => "Delivery note No.",
        (DocType::DeliveryNote, De) => "Lieferschein-Nr.",
        (DocType::DeliveryNote, Fr) => "N° de BL",
        (_, En) => "Invoice No.",
        (_, De) => "Rechnungsnummer",
        (_, Fr) => "N° de facture",
    }
}

/// "Page 1 of 2" in the language.
pub fn page_of(lang: Language, page: usize, pages: usize) -> String {
    match lang {
        Language::En => format!("Page {page} of {pages}"),
        Language::De => format!("Seite {page} von {pages}"),
        Language::Fr => format!("Page {page} sur {pages}"),
    }
}

/// The credit note's reference to the invoice it corrects.
pub fn credit_reference(lang: Language, invoice: &str, date: &str) -> String {
    match lang {
        Language::En => format!("Credit for invoice {invoice} of {date}."),
        Language::De => format!("Gutschrift zu Rechnung {invoice} vom {date}."),
        Language::Fr => format!("Avoir sur facture {invoice} du {date}."),
    }
}

/// Sentence naming the due date, for layouts that print it in the payment block.
pub fn due_sentence(lang: Language, date: &str) -> String {
    match lang {
        Language::En => format!("Please pay by {date}."),
        Language::De => format!("Bitte überweisen Sie den Betrag bis zum {date}."),
        Language::Fr => format!("À régler au plus tard le {date}."),
    }
}

/// The sentence that introduces the items table.
pub fn intro(lang: Language, doc_type: DocType) -> &'static str {
    use Language::*;
    match (doc_type, lang) {
        (DocType::PurchaseOrder, En) => {
            "We hereby order the following items on our terms of purchase:"
        }
        (DocType::PurchaseOrder, De) => "Wir bestellen hiermit zu unseren Einkaufsbedingungen:",
        (DocType::PurchaseOrder, Fr) => "Nous vous commandons les articles suivants :",
        (DocType::DeliveryNote, En) => "We deliver the following goods:",
        (DocType::DeliveryNote, De) => "Wir liefern Ihnen folgende Waren:",
        (DocType::DeliveryNote, Fr) => "Nous vous livrons les marchandises suivantes :",
        (DocType::CreditNote, En) => "We credit you with the following items:",
        (DocType::CreditNote, De) => "Wir schreiben Ihnen folgende Positionen gut:",
        (DocType::CreditNote, Fr) => "Nous vous créditons des articles suivants :",
        (_, l) => labels(l).intro,
    }
}

/// Salutation and complimentary close of a formal letter.
pub fn letter_phrases(lang: Language) -> (&'static str, &'static str) {
    match lang {
        Language::En => ("Dear Sir or Madam,", "Yours faithfully,"),
        Language::De => ("Sehr geehrte Damen und Herren,", "Mit freundlichen Grüßen"),
        Language::Fr => (
            "Madame, Monsieur,",
            "Veuillez agréer nos salutations distinguées.",
        ),
    }
}

/// The late-payment clause of the legal footer.
pub fn late_payment_clause(lang: Language) -> &'static str {
    match lang {
        Language::En => {
            "Late payments bear interest at nine percentage points above the base rate."
        }
        Language::De => "Bei Zahlungsverzug berechnen wir Verzugszinsen in gesetzlicher Höhe.",
        Language::Fr => {
            "En cas de retard de paiement, une pénalité égale à trois fois le taux d'intérêt légal sera exigible, ainsi qu'une indemnité forfaitaire pour frais de recouvrement de 40 €."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn numbers_in_three_conventions() {
        let d = Decimal::from_str("1234567.5").unwrap();
        assert_eq!(NumberStyle::Comma.fixed(d, 2), "1,234,567.50");
        assert_eq!(NumberStyle::Dot.fixed(d, 2), "1.234.567,50");
        assert_eq!(NumberStyle::Space.fixed(d, 2), "1 234 567,50");
        assert_eq!(NumberStyle::Plain.fixed(d, 2), "1234567.50");
        assert_eq!(
            NumberStyle::Dot.fixed(Decimal::from_str("-0.5").unwrap(), 2),
            "-0,50"
        );
        assert_eq!(
            NumberStyle::Dot.fixed(Decimal::from_str("999").unwrap(), 2),
            "999,00"
        );
        assert_eq!(
            NumberStyle::Dot.trimmed(Decimal::from_str("7.50").unwrap()),
            "7,5"
        );
        assert_eq!(
            NumberStyle::Comma.trimmed(Decimal::from_str("19.00").unwrap()),
            "19"
        );
    }

    #[test]
    fn dates_in_each_style() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        let all: Vec<String> = [
            DateStyle::Iso,
            DateStyle::Us,
            DateStyle::LongEn,
            DateStyle::DeNumeric,
            DateStyle::DeLong,
            DateStyle::FrNumeric,
            DateStyle::FrLong,
        ]
        .iter()
        .map(|s| s.format(d))
        .collect();
        assert_eq!(
            all,
            [
                "2024-03-05",
                "03/05/2024",
                "5 March 2024",
                "05.03.2024",
                "5. März 2024",
                "05/03/2024",
                "5 mars 2024"
            ]
        );
        assert_eq!(
            CurrencyStyle::SymbolAfter.apply("1.234,56", "EUR"),
            "1.234,56 €"
        );
        assert_eq!(
            CurrencyStyle::CodeBefore.apply("1,234.56", "EUR"),
            "EUR 1,234.56"
        );
    }
}
