//! Labels in English, German, French, Spanish, Italian, Dutch, Polish and Portuguese (with
//! synonyms a document picks from), and the number, amount and date formats that go with
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
    /// 1'234.56 (Switzerland)
    Apostrophe,
}

impl NumberStyle {
    /// The usual style of a language.
    pub fn of(lang: Language) -> Self {
        match lang {
            Language::En => NumberStyle::Comma,
            Language::De => NumberStyle::Dot,
            Language::Fr | Language::Pl => NumberStyle::Space,
            Language::Es | Language::It | Language::Nl | Language::Pt => NumberStyle::Dot,
        }
    }

    fn separators(self) -> (Option<char>, char) {
        match self {
            NumberStyle::Comma => (Some(','), '.'),
            NumberStyle::Dot => (Some('.'), ','),
            NumberStyle::Space => (Some(' '), ','),
            NumberStyle::Plain => (None, '.'),
            NumberStyle::PlainComma => (None, ','),
            NumberStyle::Apostrophe => (Some('\''), '.'),
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
        let symbol = currency_symbol(code);
        match self {
            CurrencyStyle::None => amount.to_owned(),
            CurrencyStyle::CodeAfter => format!("{amount} {code}"),
            CurrencyStyle::SymbolAfter => format!("{amount} {symbol}"),
            CurrencyStyle::CodeBefore => format!("{code} {amount}"),
            // Only one-character symbols stick to the amount; codes keep a space.
            CurrencyStyle::SymbolBefore if symbol.chars().count() == 1 => {
                format!("{symbol}{amount}")
            }
            CurrencyStyle::SymbolBefore => format!("{symbol} {amount}"),
        }
    }

    /// The currency as it is printed in this style (what a reader sees as "the currency").
    pub fn printed_currency(self, code: &str) -> Option<String> {
        match self {
            CurrencyStyle::None => None,
            CurrencyStyle::CodeAfter | CurrencyStyle::CodeBefore => Some(code.to_owned()),
            CurrencyStyle::SymbolAfter | CurrencyStyle::SymbolBefore => {
                Some(currency_symbol(code).to_owned())
            }
        }
    }
}

/// The symbol invoices print for a currency (the code where there is no common one).
pub fn currency_symbol(code: &str) -> &str {
    match code {
        "EUR" => "€",
        "GBP" => "£",
        "USD" => "$",
        "PLN" => "zł",
        other => other,
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
    /// 05-03-2024 (Dutch, Portuguese)
    Dashed,
    /// Long form of one of the other languages: "5 de marzo de 2024", "5 marzo 2024",
    /// "5 maart 2024", "5 marca 2024", "5 de março de 2024".
    Long(Language),
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
/// Month names of Es, It, Nl, Pl (genitive, as dates use them), Pt.
const MONTHS_OTHER: [[&str; 12]; 5] = [
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
    [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
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
            DateStyle::Dashed => d.format("%d-%m-%Y").to_string(),
            DateStyle::Long(lang) => match lang {
                Language::En => DateStyle::LongEn.format(d),
                Language::De => DateStyle::DeLong.format(d),
                Language::Fr => DateStyle::FrLong.format(d),
                Language::Es | Language::Pt => format!(
                    "{} de {} de {}",
                    d.day(),
                    MONTHS_OTHER[lang.index() - 3][m],
                    d.year()
                ),
                _ => format!(
                    "{} {} {}",
                    d.day(),
                    MONTHS_OTHER[lang.index() - 3][m],
                    d.year()
                ),
            },
        }
    }

    /// The numeric and the long style of a language.
    pub fn numeric(lang: Language) -> Self {
        match lang {
            Language::En => DateStyle::Iso,
            Language::De => DateStyle::DeNumeric,
            Language::Fr | Language::Es | Language::It | Language::Pt => DateStyle::FrNumeric,
            Language::Nl => DateStyle::Dashed,
            Language::Pl => DateStyle::DeNumeric,
        }
    }

    pub fn long(lang: Language) -> Self {
        match lang {
            Language::En => DateStyle::LongEn,
            Language::De => DateStyle::DeLong,
            Language::Fr => DateStyle::FrLong,
            other => DateStyle::Long(other),
        }
    }
}

/// Every fixed text a layout prints, in one language.
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    /// The invoice number label ("Invoice No.", "Rechnungsnummer", "Nº factura").
    pub invoice_no: &'static str,
    /// "Subtotal" over the lines, before document-level allowances and charges.
    pub subtotal: &'static str,
    pub discount: &'static str,
    pub freight: &'static str,
    pub currency: &'static str,
    /// "VAT 19 % on 1,234.56": the word "on".
    pub word_on: &'static str,
    /// "VAT ID of the recipient": the part after the label.
    pub of_recipient: &'static str,
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
    invoice_no: "Invoice No.",
    subtotal: "Subtotal",
    discount: "Discount",
    freight: "Freight and packing",
    currency: "Currency",
    word_on: "on",
    of_recipient: "of the recipient",
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
    invoice_no: "Rechnungsnummer",
    subtotal: "Zwischensumme",
    discount: "Rabatt",
    freight: "Versandkosten",
    currency: "Währung",
    word_on: "auf",
    of_recipient: "des Leistungsempfängers",
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
    invoice_no: "N° de facture",
    subtotal: "Sous-total",
    discount: "Remise",
    freight: "Frais de port",
    currency: "Devise",
    word_on: "sur",
    of_recipient: "du preneur",
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

pub static ES: Labels = Labels {
    invoice_no: "Nº factura",
    subtotal: "Subtotal",
    discount: "Descuento",
    freight: "Portes",
    currency: "Moneda",
    word_on: "sobre",
    of_recipient: "del destinatario",
    date: "Fecha",
    invoice_date: "Fecha de factura",
    due_date: "Vencimiento",
    delivery_date: "Fecha de entrega",
    requested_delivery: "Entrega solicitada",
    po_number: "Nº de pedido",
    buyer_reference: "Su referencia",
    customer_no: "Nº cliente",
    vat_id: "NIF-IVA",
    tax_number: "NIF",
    col_pos: "Pos.",
    col_item: "Ref.",
    col_description: "Descripción",
    col_qty: "Cant.",
    col_unit: "Unidad",
    col_unit_price: "Precio unit.",
    col_vat: "IVA %",
    col_amount: "Importe",
    col_qty_delivered: "Cant. entregada",
    net: "Base imponible",
    vat: "IVA",
    vat_total: "Total IVA",
    gross: "Total factura",
    prepaid: "Anticipo recibido",
    amount_due: "Total a pagar",
    carried_forward: "Suma y sigue",
    brought_forward: "Suma anterior",
    bank_details: "Datos bancarios",
    bank: "Banco",
    seller_heading: "Emisor",
    buyer_heading: "Cliente",
    supplier_heading: "Proveedor",
    ship_to: "Dirección de entrega",
    payment_terms: "Forma de pago",
    reverse_charge: "Inversión del sujeto pasivo: IVA a cargo del destinatario (art. 84 LIVA).",
    thanks: "Gracias por su confianza.",
    intro: "Le facturamos los siguientes productos y servicios:",
    managing_director: "Administrador",
    phone: "Tel.",
    email: "Correo",
    paid: "PAGADO",
    received: "RECIBIDO",
    continued: "continuación",
    goods_received: "Mercancía recibida conforme",
    vat_base: "Base",
    vat_rate: "Tipo",
    vat_amount: "Cuota IVA",
};

pub static IT: Labels = Labels {
    invoice_no: "Fattura n.",
    subtotal: "Subtotale",
    discount: "Sconto",
    freight: "Spese di trasporto",
    currency: "Valuta",
    word_on: "su",
    of_recipient: "del committente",
    date: "Data",
    invoice_date: "Data fattura",
    due_date: "Scadenza",
    delivery_date: "Data consegna",
    requested_delivery: "Consegna richiesta",
    po_number: "Ordine n.",
    buyer_reference: "Vs. riferimento",
    customer_no: "Cod. cliente",
    vat_id: "P. IVA",
    tax_number: "Cod. fiscale",
    col_pos: "Pos.",
    col_item: "Codice",
    col_description: "Descrizione",
    col_qty: "Q.tà",
    col_unit: "U.M.",
    col_unit_price: "Prezzo unit.",
    col_vat: "IVA %",
    col_amount: "Importo",
    col_qty_delivered: "Q.tà consegnata",
    net: "Imponibile",
    vat: "IVA",
    vat_total: "Totale IVA",
    gross: "Totale documento",
    prepaid: "Acconto versato",
    amount_due: "Netto a pagare",
    carried_forward: "A riportare",
    brought_forward: "Riporto",
    bank_details: "Coordinate bancarie",
    bank: "Banca",
    seller_heading: "Cedente",
    buyer_heading: "Cessionario",
    supplier_heading: "Fornitore",
    ship_to: "Destinazione merce",
    payment_terms: "Modalità di pagamento",
    reverse_charge: "Inversione contabile: IVA a carico del committente (art. 17 c. 6 DPR 633/72).",
    thanks: "Grazie per la fiducia accordataci.",
    intro: "Vi addebitiamo quanto segue:",
    managing_director: "Amministratore",
    phone: "Tel.",
    email: "E-mail",
    paid: "PAGATO",
    received: "RICEVUTO",
    continued: "segue",
    goods_received: "Merce ricevuta in buono stato",
    vat_base: "Imponibile",
    vat_rate: "Aliquota",
    vat_amount: "Imposta",
};

pub static NL: Labels = Labels {
    invoice_no: "Factuurnummer",
    subtotal: "Subtotaal",
    discount: "Korting",
    freight: "Verzendkosten",
    currency: "Valuta",
    word_on: "over",
    of_recipient: "van de afnemer",
    date: "Datum",
    invoice_date: "Factuurdatum",
    due_date: "Vervaldatum",
    delivery_date: "Leverdatum",
    requested_delivery: "Gewenste levering",
    po_number: "Ordernummer",
    buyer_reference: "Uw referentie",
    customer_no: "Klantnummer",
    vat_id: "Btw-nummer",
    tax_number: "Fiscaal nummer",
    col_pos: "Pos.",
    col_item: "Artikelnr.",
    col_description: "Omschrijving",
    col_qty: "Aantal",
    col_unit: "Eenheid",
    col_unit_price: "Prijs per stuk",
    col_vat: "Btw %",
    col_amount: "Bedrag",
    col_qty_delivered: "Geleverd",
    net: "Totaal excl. btw",
    vat: "Btw",
    vat_total: "Totaal btw",
    gross: "Totaal incl. btw",
    prepaid: "Reeds betaald",
    amount_due: "Te betalen",
    carried_forward: "Transport",
    brought_forward: "Transport",
    bank_details: "Bankgegevens",
    bank: "Bank",
    seller_heading: "Afzender",
    buyer_heading: "Factuuradres",
    supplier_heading: "Leverancier",
    ship_to: "Afleveradres",
    payment_terms: "Betalingsvoorwaarden",
    reverse_charge: "Btw verlegd: de btw wordt verlegd naar de afnemer (art. 12 lid 3 Wet OB).",
    thanks: "Hartelijk dank voor uw opdracht.",
    intro: "Wij brengen u het volgende in rekening:",
    managing_director: "Directeur",
    phone: "Tel.",
    email: "E-mail",
    paid: "BETAALD",
    received: "ONTVANGEN",
    continued: "vervolg",
    goods_received: "Goederen in goede staat ontvangen",
    vat_base: "Grondslag",
    vat_rate: "Tarief",
    vat_amount: "Btw-bedrag",
};

pub static PL: Labels = Labels {
    invoice_no: "Faktura nr",
    subtotal: "Suma częściowa",
    discount: "Rabat",
    freight: "Koszty transportu",
    currency: "Waluta",
    word_on: "od",
    of_recipient: "nabywcy",
    date: "Data",
    invoice_date: "Data wystawienia",
    due_date: "Termin płatności",
    delivery_date: "Data sprzedaży",
    requested_delivery: "Termin dostawy",
    po_number: "Nr zamówienia",
    buyer_reference: "Wasz znak",
    customer_no: "Nr klienta",
    vat_id: "NIP",
    tax_number: "REGON",
    col_pos: "Lp.",
    col_item: "Kod",
    col_description: "Nazwa towaru lub usługi",
    col_qty: "Ilość",
    col_unit: "J.m.",
    col_unit_price: "Cena netto",
    col_vat: "VAT %",
    col_amount: "Wartość netto",
    col_qty_delivered: "Ilość wydana",
    net: "Razem netto",
    vat: "VAT",
    vat_total: "Razem VAT",
    gross: "Razem brutto",
    prepaid: "Zapłacono zaliczką",
    amount_due: "Do zapłaty",
    carried_forward: "Do przeniesienia",
    brought_forward: "Z przeniesienia",
    bank_details: "Dane do przelewu",
    bank: "Bank",
    seller_heading: "Sprzedawca",
    buyer_heading: "Nabywca",
    supplier_heading: "Dostawca",
    ship_to: "Adres dostawy",
    payment_terms: "Sposób płatności",
    reverse_charge: "Odwrotne obciążenie: podatek rozlicza nabywca.",
    thanks: "Dziękujemy za współpracę.",
    intro: "Fakturujemy następujące towary i usługi:",
    managing_director: "Prezes zarządu",
    phone: "Tel.",
    email: "E-mail",
    paid: "ZAPŁACONO",
    received: "WPŁYNĘŁO",
    continued: "ciąg dalszy",
    goods_received: "Towar odebrano bez zastrzeżeń",
    vat_base: "Netto",
    vat_rate: "Stawka",
    vat_amount: "Kwota VAT",
};

pub static PT: Labels = Labels {
    invoice_no: "Fatura n.º",
    subtotal: "Subtotal",
    discount: "Desconto",
    freight: "Portes",
    currency: "Moeda",
    word_on: "sobre",
    of_recipient: "do adquirente",
    date: "Data",
    invoice_date: "Data da fatura",
    due_date: "Data de vencimento",
    delivery_date: "Data de entrega",
    requested_delivery: "Entrega pretendida",
    po_number: "N.º encomenda",
    buyer_reference: "V/ referência",
    customer_no: "N.º cliente",
    vat_id: "NIF",
    tax_number: "Matrícula CRC",
    col_pos: "Pos.",
    col_item: "Código",
    col_description: "Descrição",
    col_qty: "Qtd.",
    col_unit: "Un.",
    col_unit_price: "Preço unit.",
    col_vat: "IVA %",
    col_amount: "Valor",
    col_qty_delivered: "Qtd. entregue",
    net: "Total ilíquido",
    vat: "IVA",
    vat_total: "Total IVA",
    gross: "Total",
    prepaid: "Adiantamento",
    amount_due: "Total a pagar",
    carried_forward: "A transportar",
    brought_forward: "Transporte",
    bank_details: "Dados bancários",
    bank: "Banco",
    seller_heading: "Fornecedor",
    buyer_heading: "Cliente",
    supplier_heading: "Fornecedor",
    ship_to: "Local de entrega",
    payment_terms: "Condições de pagamento",
    reverse_charge: "IVA - autoliquidação (art. 2.º, n.º 1, al. j) do CIVA).",
    thanks: "Obrigado pela sua preferência.",
    intro: "Faturamos os seguintes artigos e serviços:",
    managing_director: "Gerente",
    phone: "Tel.",
    email: "E-mail",
    paid: "PAGO",
    received: "RECEBIDO",
    continued: "continuação",
    goods_received: "Mercadoria recebida em boas condições",
    vat_base: "Incidência",
    vat_rate: "Taxa",
    vat_amount: "Valor IVA",
};

pub fn labels(lang: Language) -> &'static Labels {
    match lang {
        Language::En => &EN,
        Language::De => &DE,
        Language::Fr => &FR,
        Language::Es => &ES,
        Language::It => &IT,
        Language::Nl => &NL,
        Language::Pl => &PL,
        Language::Pt => &PT,
    }
}

/// Per-language texts in the order of [`Language::ALL`].
type Texts = [&'static str; 8];

fn pick8(t: &Texts, lang: Language) -> &'static str {
    t[lang.index()]
}

/// The document title: "Invoice", "Rechnung", "Facture", ...
pub fn title(lang: Language, doc_type: DocType) -> &'static str {
    let t: &Texts = match doc_type {
        DocType::Invoice => &[
            "Invoice",
            "Rechnung",
            "Facture",
            "Factura",
            "Fattura",
            "Factuur",
            "Faktura VAT",
            "Fatura",
        ],
        DocType::CreditNote => &[
            "Credit note",
            "Gutschrift",
            "Avoir",
            "Nota de abono",
            "Nota di credito",
            "Creditnota",
            // Not "Faktura korygująca": that is the title of a Polish corrective invoice, and
            // a credit note must be told apart from one by what is printed.
            "Nota uznaniowa",
            "Nota de crédito",
        ],
        DocType::DebitNote => &[
            "Debit note",
            "Belastungsanzeige",
            "Note de débit",
            "Nota de cargo",
            "Nota di debito",
            "Debetnota",
            "Nota obciążeniowa",
            "Nota de débito",
        ],
        DocType::PurchaseOrder => &[
            "Purchase Order",
            "Bestellung",
            "Bon de commande",
            "Pedido de compra",
            "Ordine d'acquisto",
            "Inkooporder",
            "Zamówienie",
            "Nota de encomenda",
        ],
        DocType::OrderConfirmation => &[
            "Order confirmation",
            "Auftragsbestätigung",
            "Confirmation de commande",
            "Confirmación de pedido",
            "Conferma d'ordine",
            "Orderbevestiging",
            "Potwierdzenie zamówienia",
            "Confirmação de encomenda",
        ],
        DocType::DeliveryNote => &[
            "Delivery note",
            "Lieferschein",
            "Bon de livraison",
            "Albarán",
            "Documento di trasporto",
            "Pakbon",
            "Dowód dostawy WZ",
            "Guia de remessa",
        ],
        DocType::Receipt => &[
            "Receipt",
            "Quittung",
            "Reçu",
            "Recibo",
            "Ricevuta",
            "Kwitantie",
            "Pokwitowanie",
            "Recibo",
        ],
        DocType::PaymentAdvice => &[
            "Payment advice",
            "Zahlungsavis",
            "Avis de paiement",
            "Aviso de pago",
            "Avviso di pagamento",
            "Betalingsadvies",
            "Awizo płatności",
            "Aviso de pagamento",
        ],
        DocType::Statement => &[
            "Statement of account",
            "Kontoauszug",
            "Relevé de compte",
            "Extracto de cuenta",
            "Estratto conto",
            "Rekeningoverzicht",
            "Wyciąg z konta",
            "Extrato de conta",
        ],
        _ => &[
            "Quotation",
            "Angebot",
            "Devis",
            "Presupuesto",
            "Preventivo",
            "Offerte",
            "Oferta",
            "Orçamento",
        ],
    };
    pick8(t, lang)
}

/// The title a document of this subtype carries ("Abschlagsrechnung", "Facture d'acompte"),
/// or the plain title of its type.
pub fn doc_title(doc: &crate::model::Document) -> &'static str {
    use sapllm_core::InvoiceSubtype as S;
    let lang = doc.language;
    let t: &Texts = match doc.subtype {
        Some(S::Prepayment) => &[
            "Prepayment invoice",
            "Vorauszahlungsrechnung",
            "Facture d'acompte",
            "Factura de anticipo",
            "Fattura di acconto",
            "Voorschotfactuur",
            "Faktura zaliczkowa",
            "Fatura de adiantamento",
        ],
        Some(S::PartialInvoice) => &[
            "Partial invoice",
            "Abschlagsrechnung",
            "Facture de situation",
            "Factura parcial",
            "Fattura parziale",
            "Termijnfactuur",
            "Faktura częściowa",
            "Fatura parcial",
        ],
        Some(S::FinalInvoice) => &[
            "Final invoice",
            "Schlussrechnung",
            "Facture de solde",
            "Factura final",
            "Fattura a saldo",
            "Eindfactuur",
            "Faktura końcowa",
            "Fatura final",
        ],
        Some(S::Proforma) => &[
            "Pro forma invoice",
            "Proforma-Rechnung",
            "Facture proforma",
            "Factura proforma",
            "Fattura proforma",
            "Pro-formafactuur",
            "Faktura pro forma",
            "Fatura pró-forma",
        ],
        Some(S::Corrective) => &[
            "Corrected invoice",
            "Rechnungskorrektur",
            "Facture rectificative",
            "Factura rectificativa",
            "Fattura correttiva",
            "Gecorrigeerde factuur",
            "Faktura korygująca",
            "Fatura retificativa",
        ],
        Some(S::SelfBilling) => &[
            "Self-billing invoice",
            "Gutschrift",
            "Autofacturation",
            "Autofactura",
            "Autofattura",
            "Self-billing factuur",
            "Samofakturowanie",
            "Autofaturação",
        ],
        _ => return title(lang, doc.doc_type),
    };
    pick8(t, lang)
}

/// The label of the document number.
pub fn number_label(lang: Language, doc_type: DocType) -> &'static str {
    let t: &Texts = match doc_type {
        DocType::Invoice => &[
            "Invoice No.",
            "Rechnungsnummer",
            "N° de facture",
            "Nº factura",
            "Fattura n.",
            "Factuurnummer",
            "Numer faktury",
            "Fatura n.º",
        ],
        DocType::CreditNote => &[
            "Credit note No.",
            "Gutschriftsnummer",
            "N° d'avoir",
            "Nº abono",
            "Nota di credito n.",
            "Creditnotanummer",
            "Nr korekty",
            "Nota de crédito n.º",
        ],
        DocType::PurchaseOrder => &[
            "PO Number",
            "Bestellnummer",
            "N° de commande",
            "Nº pedido",
            "Ordine n.",
            "Ordernummer",
            "Nr zamówienia",
            "Encomenda n.º",
        ],
        DocType::DeliveryNote => &[
            "Delivery note No.",
            "Lieferschein-Nr.",
            "N° de BL",
            "Nº albarán",
            "DDT n.",
            "Pakbonnummer",
            "Nr WZ",
            "Guia n.º",
        ],
        DocType::OrderConfirmation => &[
            "Confirmation No.",
            "Auftragsnummer",
            "N° de confirmation",
            "Nº confirmación",
            "Conferma n.",
            "Bevestigingsnummer",
            "Nr potwierdzenia",
            "Confirmação n.º",
        ],
        DocType::Receipt => &[
            "Receipt No.",
            "Beleg-Nr.",
            "N° de reçu",
            "Nº recibo",
            "Ricevuta n.",
            "Bonnummer",
            "Nr paragonu",
            "Recibo n.º",
        ],
        DocType::DebitNote => &[
            "Debit note No.",
            "Belastungsnummer",
            "N° de note de débit",
            "Nº nota de cargo",
            "Nota di debito n.",
            "Debetnotanummer",
            "Nr noty",
            "Nota de débito n.º",
        ],
        _ => &[
            "Document No.",
            "Belegnummer",
            "N° de document",
            "Nº documento",
            "Documento n.",
            "Documentnummer",
            "Numer dokumentu",
            "Documento n.º",
        ],
    };
    pick8(t, lang)
}

/// "Page 1 of 2" in the language.
pub fn page_of(lang: Language, page: usize, pages: usize) -> String {
    let word: &Texts = &[
        "Page", "Seite", "Page", "Página", "Pagina", "Pagina", "Strona", "Página",
    ];
    let of: &Texts = &["of", "von", "sur", "de", "di", "van", "z", "de"];
    format!("{} {page} {} {pages}", pick8(word, lang), pick8(of, lang))
}

/// The credit note's reference to the invoice it corrects.
pub fn credit_reference(lang: Language, invoice: &str, date: &str) -> String {
    match lang {
        Language::En => format!("Credit for invoice {invoice} of {date}."),
        Language::De => format!("Gutschrift zu Rechnung {invoice} vom {date}."),
        Language::Fr => format!("Avoir sur facture {invoice} du {date}."),
        Language::Es => format!("Rectifica la factura {invoice} de {date}."),
        Language::It => format!("Nota di credito relativa alla fattura {invoice} del {date}."),
        Language::Nl => format!("Creditering van factuur {invoice} van {date}."),
        Language::Pl => format!("Korekta do faktury {invoice} z dnia {date}."),
        Language::Pt => format!("Retifica a fatura {invoice} de {date}."),
    }
}

/// Sentence naming the due date, for layouts that print it in the payment block.
pub fn due_sentence(lang: Language, date: &str) -> String {
    match lang {
        Language::En => format!("Please pay by {date}."),
        Language::De => format!("Bitte überweisen Sie den Betrag bis zum {date}."),
        Language::Fr => format!("À régler au plus tard le {date}."),
        Language::Es => format!("Rogamos efectúen el pago antes del {date}."),
        Language::It => format!("Si prega di effettuare il pagamento entro il {date}."),
        Language::Nl => format!("Gelieve te betalen vóór {date}."),
        Language::Pl => format!("Prosimy o zapłatę do dnia {date}."),
        Language::Pt => format!("Queira efetuar o pagamento até {date}."),
    }
}

/// The sentence that introduces the items table.
pub fn intro(lang: Language, doc_type: DocType) -> &'static str {
    let t: &Texts = match doc_type {
        DocType::PurchaseOrder => &[
            "We hereby order the following items on our terms of purchase:",
            "Wir bestellen hiermit zu unseren Einkaufsbedingungen:",
            "Nous vous commandons les articles suivants :",
            "Les rogamos nos suministren lo siguiente:",
            "Vi preghiamo di fornirci quanto segue:",
            "Hierbij bestellen wij het volgende:",
            "Zamawiamy następujące towary:",
            "Solicitamos o fornecimento do seguinte:",
        ],
        DocType::DeliveryNote => &[
            "We deliver the following goods:",
            "Wir liefern Ihnen folgende Waren:",
            "Nous vous livrons les marchandises suivantes :",
            "Les entregamos la siguiente mercancía:",
            "Vi consegniamo la seguente merce:",
            "Wij leveren u de volgende goederen:",
            "Dostarczamy następujące towary:",
            "Entregamos a seguinte mercadoria:",
        ],
        DocType::CreditNote => &[
            "We credit you with the following items:",
            "Wir schreiben Ihnen folgende Positionen gut:",
            "Nous vous créditons des articles suivants :",
            "Les abonamos los siguientes conceptos:",
            "Vi accreditiamo le seguenti voci:",
            "Wij crediteren u voor het volgende:",
            "Korygujemy następujące pozycje:",
            "Creditamos os seguintes artigos:",
        ],
        DocType::OrderConfirmation => &[
            "Thank you for your order, which we confirm as follows:",
            "Vielen Dank für Ihren Auftrag, den wir wie folgt bestätigen:",
            "Nous vous remercions de votre commande que nous confirmons comme suit :",
            "Confirmamos su pedido como sigue:",
            "Confermiamo il Vostro ordine come segue:",
            "Wij bevestigen uw order als volgt:",
            "Potwierdzamy zamówienie:",
            "Confirmamos a sua encomenda:",
        ],
        DocType::PaymentAdvice => &[
            "We have paid the following items:",
            "Wir haben folgende Posten bezahlt:",
            "Nous avons réglé les pièces suivantes :",
            "Hemos pagado las siguientes partidas:",
            "Abbiamo pagato le seguenti partite:",
            "Wij hebben de volgende posten betaald:",
            "Zapłaciliśmy następujące pozycje:",
            "Pagámos os seguintes documentos:",
        ],
        DocType::Statement => &[
            "Open items on your account:",
            "Offene Posten auf Ihrem Konto:",
            "Pièces ouvertes sur votre compte :",
            "Partidas abiertas en su cuenta:",
            "Partite aperte sul Vostro conto:",
            "Openstaande posten op uw rekening:",
            "Nierozliczone pozycje na koncie:",
            "Documentos em aberto na sua conta:",
        ],
        DocType::Other => &[
            "We are pleased to offer you the following:",
            "Wir bieten Ihnen freibleibend an:",
            "Nous avons le plaisir de vous proposer :",
            "Nos complace ofrecerles lo siguiente:",
            "Siamo lieti di offrirVi quanto segue:",
            "Graag bieden wij u het volgende aan:",
            "Przedstawiamy ofertę:",
            "Temos o prazer de apresentar a seguinte proposta:",
        ],
        _ => return labels(lang).intro,
    };
    pick8(t, lang)
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
        Language::Es => ("Estimados señores:", "Atentamente,"),
        Language::It => ("Spettabile ditta,", "Distinti saluti"),
        Language::Nl => ("Geachte heer, mevrouw,", "Met vriendelijke groet,"),
        Language::Pl => ("Szanowni Państwo,", "Z poważaniem"),
        Language::Pt => ("Exmos. Senhores,", "Com os melhores cumprimentos,"),
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
        Language::Es => {
            "Los pagos fuera de plazo devengarán intereses de demora según la Ley 3/2004."
        }
        Language::It => {
            "In caso di ritardato pagamento si applicano gli interessi di mora (D.Lgs. 231/2002)."
        }
        Language::Nl => "Bij te late betaling is de wettelijke handelsrente verschuldigd.",
        Language::Pl => "W przypadku opóźnienia w płatności naliczane są odsetki ustawowe.",
        Language::Pt => "Pagamentos em atraso vencem juros de mora à taxa legal.",
    }
}

/// Labels with synonyms drawn at random: real documents say "Invoice #", "Inv. No." or
/// "Invoice Number" for the same thing, and an extractor must not depend on one spelling.
pub fn varied(lang: Language, rng: &mut crate::rng::Rng) -> Labels {
    let mut l = *labels(lang);
    macro_rules! vary {
        ($($field:ident: [$($s:expr),+ $(,)?]),+ $(,)?) => {
            {$( l.$field = *rng.pick(&[$($s),+]); )+}
        };
    }
    match lang {
        Language::En => vary! {
            invoice_no: ["Invoice No.", "Invoice Number", "Invoice #", "Inv. No.", "Invoice no"],
            invoice_date: ["Invoice date", "Date of issue", "Invoice Date", "Issue date"],
            due_date: ["Due date", "Payment due", "Due by", "Due Date"],
            delivery_date: ["Delivery date", "Date of supply", "Supply date", "Shipping date"],
            po_number: ["Order No.", "PO Number", "Purchase order", "Your order", "PO #"],
            buyer_reference: ["Your reference", "Your ref.", "Reference"],
            customer_no: ["Customer No.", "Account No.", "Customer ID"],
            vat_id: ["VAT ID", "VAT No.", "VAT Reg. No.", "VAT number"],
            net: ["Net amount", "Total net", "Net total", "Total excl. VAT"],
            vat_total: ["Total VAT", "VAT total"],
            gross: ["Total", "Total amount", "Invoice total", "Total incl. VAT", "Grand total"],
            amount_due: ["Amount due", "Balance due", "Total due", "Please pay"],
            col_description: ["Description", "Item", "Details", "Product / service"],
            col_qty: ["Qty", "Quantity", "Units"],
            col_unit_price: ["Unit price", "Price", "Rate", "Unit cost"],
            col_amount: ["Amount", "Total", "Line total", "Net"],
            payment_terms: ["Payment terms", "Terms", "Terms of payment"],
            bank_details: ["Bank details", "Payment details", "Remit to"],
            buyer_heading: ["Bill to", "Invoice to", "Customer", "Sold to"],
        },
        Language::De => vary! {
            invoice_no: ["Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr.", "Beleg-Nr.", "Rg.-Nr."],
            invoice_date: ["Rechnungsdatum", "Datum", "Belegdatum", "Ausstellungsdatum"],
            due_date: ["Fällig am", "Fälligkeitsdatum", "Zahlbar bis", "Fälligkeit"],
            delivery_date: ["Lieferdatum", "Leistungsdatum", "Liefertag"],
            po_number: ["Bestellnummer", "Ihre Bestellung", "Bestell-Nr.", "Ihre Bestellnr."],
            buyer_reference: ["Ihr Zeichen", "Ihre Referenz", "Ihre Ref."],
            customer_no: ["Kundennummer", "Kunden-Nr.", "Kd.-Nr."],
            vat_id: ["USt-IdNr.", "USt-ID", "UStIdNr.", "Umsatzsteuer-ID"],
            net: ["Nettobetrag", "Summe netto", "Gesamt netto", "Warenwert netto"],
            vat: ["USt.", "MwSt.", "Umsatzsteuer"],
            vat_total: ["USt. gesamt", "MwSt. gesamt", "Summe USt."],
            gross: ["Gesamtbetrag", "Rechnungsbetrag", "Bruttobetrag", "Summe brutto", "Gesamtsumme"],
            amount_due: ["Zahlbetrag", "Zu zahlen", "Offener Betrag"],
            col_description: ["Bezeichnung", "Beschreibung", "Artikel", "Leistung"],
            col_qty: ["Menge", "Anzahl", "Mge."],
            col_unit_price: ["Einzelpreis", "E-Preis", "Preis/Einh.", "Stückpreis"],
            col_amount: ["Gesamtpreis", "Betrag", "Gesamt", "G-Preis"],
            payment_terms: ["Zahlungsbedingungen", "Zahlungsziel", "Zahlungskonditionen"],
            bank_details: ["Bankverbindung", "Bankdaten", "Konto"],
            buyer_heading: ["Rechnungsempfänger", "Rechnungsadresse", "Kunde"],
        },
        Language::Fr => vary! {
            invoice_no: ["N° de facture", "Facture n°", "Numéro de facture", "N° facture"],
            invoice_date: ["Date de facture", "Date d'émission", "Date facture", "Émise le"],
            due_date: ["Échéance", "Date d'échéance", "À payer avant le", "Date limite de paiement"],
            delivery_date: ["Date de livraison", "Livré le", "Date de prestation"],
            po_number: ["N° de commande", "Votre commande", "Réf. commande", "Bon de commande n°"],
            buyer_reference: ["Votre référence", "Vos réf.", "Référence client"],
            vat_id: ["N° TVA intracom.", "TVA intracommunautaire", "N° TVA", "Numéro de TVA"],
            net: ["Total HT", "Montant HT", "Total hors taxes", "Net HT"],
            gross: ["Total TTC", "Montant TTC", "Total toutes taxes comprises"],
            amount_due: ["Net à payer", "Montant à payer", "Reste à payer", "Solde dû"],
            col_description: ["Désignation", "Description", "Libellé", "Article"],
            col_qty: ["Qté", "Quantité"],
            col_unit_price: ["Prix unit. HT", "PU HT", "Prix unitaire"],
            col_amount: ["Montant HT", "Total HT", "Montant"],
            payment_terms: ["Conditions de paiement", "Conditions de règlement", "Mode de règlement"],
            bank_details: ["Coordonnées bancaires", "RIB", "Règlement par virement"],
            buyer_heading: ["Facturé à", "Client", "Adresse de facturation", "Destinataire"],
        },
        Language::Es => vary! {
            invoice_no: ["Nº factura", "Factura nº", "Número de factura", "Nº de factura", "Factura núm."],
            invoice_date: ["Fecha de factura", "Fecha", "Fecha de emisión", "Fecha factura"],
            due_date: ["Vencimiento", "Fecha de vencimiento", "Vto."],
            delivery_date: ["Fecha de entrega", "Fecha de operación", "Fecha de suministro"],
            po_number: ["Nº de pedido", "Su pedido", "Pedido nº", "Ref. pedido"],
            buyer_reference: ["Su referencia", "Referencia", "Su ref."],
            customer_no: ["Nº cliente", "Código cliente", "Cliente nº"],
            vat_id: ["NIF-IVA", "NIF", "CIF", "NIF/CIF"],
            net: ["Base imponible", "Importe neto", "Total neto"],
            vat: ["IVA", "Cuota IVA"],
            gross: ["Total factura", "Total", "Importe total", "TOTAL"],
            amount_due: ["Total a pagar", "Importe a pagar", "Líquido a pagar"],
            col_description: ["Descripción", "Concepto", "Artículo", "Denominación"],
            col_qty: ["Cant.", "Cantidad", "Uds."],
            col_unit_price: ["Precio unit.", "Precio", "P. unitario"],
            col_amount: ["Importe", "Total", "Importe neto"],
            payment_terms: ["Forma de pago", "Condiciones de pago", "Pago"],
            bank_details: ["Datos bancarios", "Cuenta bancaria", "Domiciliación"],
            buyer_heading: ["Cliente", "Facturar a", "Destinatario", "Datos del cliente"],
        },
        Language::It => vary! {
            invoice_no: ["Fattura n.", "Numero fattura", "N. fattura", "Fattura nr.", "Documento n."],
            invoice_date: ["Data fattura", "Data", "Data documento", "Data emissione"],
            due_date: ["Scadenza", "Data scadenza", "Scadenza pagamento"],
            delivery_date: ["Data consegna", "Data DDT", "Data spedizione"],
            po_number: ["Ordine n.", "Vs. ordine", "Rif. ordine", "N. ordine"],
            buyer_reference: ["Vs. riferimento", "Riferimento", "Rif. cliente"],
            customer_no: ["Cod. cliente", "Codice cliente", "Cliente n."],
            vat_id: ["P. IVA", "Partita IVA", "P.IVA", "Part. IVA"],
            net: ["Imponibile", "Totale imponibile", "Totale netto"],
            vat: ["IVA", "Imposta"],
            gross: ["Totale documento", "Totale fattura", "Totale", "Totale complessivo"],
            amount_due: ["Netto a pagare", "Totale da pagare", "Importo dovuto"],
            col_description: ["Descrizione", "Articolo", "Descrizione articolo"],
            col_qty: ["Q.tà", "Quantità", "Qtà"],
            col_unit_price: ["Prezzo unit.", "Prezzo", "Prezzo unitario"],
            col_amount: ["Importo", "Totale", "Valore"],
            payment_terms: ["Modalità di pagamento", "Condizioni di pagamento", "Pagamento"],
            bank_details: ["Coordinate bancarie", "Banca d'appoggio", "Estremi bancari"],
            buyer_heading: ["Cessionario", "Cliente", "Spett.le", "Destinatario"],
        },
        Language::Nl => vary! {
            invoice_no: ["Factuurnummer", "Factuurnr.", "Factuur nr.", "Nummer"],
            invoice_date: ["Factuurdatum", "Datum", "Datum factuur"],
            due_date: ["Vervaldatum", "Uiterste betaaldatum", "Te betalen voor"],
            delivery_date: ["Leverdatum", "Afleverdatum", "Datum levering"],
            po_number: ["Ordernummer", "Uw ordernummer", "Inkoopordernr.", "Bestelnummer"],
            buyer_reference: ["Uw referentie", "Referentie", "Uw kenmerk"],
            customer_no: ["Klantnummer", "Debiteurnummer", "Klantnr."],
            vat_id: ["Btw-nummer", "BTW nr.", "Btw-id", "BTW-nummer"],
            net: ["Totaal excl. btw", "Subtotaal excl. btw", "Netto bedrag", "Totaal exclusief BTW"],
            vat: ["Btw", "BTW"],
            gross: ["Totaal incl. btw", "Totaal", "Factuurbedrag", "Totaal inclusief BTW"],
            amount_due: ["Te betalen", "Openstaand bedrag", "Totaal te betalen"],
            col_description: ["Omschrijving", "Artikel", "Product"],
            col_qty: ["Aantal", "Hoeveelheid", "Aant."],
            col_unit_price: ["Prijs per stuk", "Stukprijs", "Prijs", "Tarief"],
            col_amount: ["Bedrag", "Totaal", "Regeltotaal"],
            payment_terms: ["Betalingsvoorwaarden", "Betalingstermijn", "Betaling"],
            bank_details: ["Bankgegevens", "Rekeninggegevens", "Betaalgegevens"],
            buyer_heading: ["Factuuradres", "Klant", "Aan", "Debiteur"],
        },
        Language::Pl => vary! {
            invoice_no: ["Faktura nr", "Numer faktury", "Faktura VAT nr", "Nr faktury"],
            invoice_date: ["Data wystawienia", "Data faktury", "Data"],
            due_date: ["Termin płatności", "Płatne do", "Termin zapłaty"],
            delivery_date: ["Data sprzedaży", "Data dostawy", "Data wykonania usługi"],
            po_number: ["Nr zamówienia", "Zamówienie nr", "Numer zamówienia"],
            customer_no: ["Nr klienta", "Kod klienta"],
            vat_id: ["NIP", "NIP UE", "Nr VAT"],
            net: ["Razem netto", "Wartość netto", "Suma netto"],
            gross: ["Razem brutto", "Wartość brutto", "Ogółem brutto", "Suma brutto"],
            amount_due: ["Do zapłaty", "Pozostało do zapłaty", "Kwota do zapłaty"],
            col_description: ["Nazwa towaru lub usługi", "Nazwa", "Opis", "Towar/usługa"],
            col_unit_price: ["Cena netto", "Cena jedn. netto", "Cena jedn."],
            col_amount: ["Wartość netto", "Wartość", "Kwota netto"],
            payment_terms: ["Sposób płatności", "Forma płatności", "Warunki płatności"],
            bank_details: ["Dane do przelewu", "Rachunek bankowy", "Nr konta"],
            buyer_heading: ["Nabywca", "Kupujący", "Nabywca"],
        },
        Language::Pt => vary! {
            invoice_no: ["Fatura n.º", "Fatura nº", "Número da fatura", "N.º fatura"],
            invoice_date: ["Data da fatura", "Data de emissão", "Data"],
            due_date: ["Data de vencimento", "Vencimento", "Pagamento até"],
            delivery_date: ["Data de entrega", "Data de fornecimento", "Data de expedição"],
            po_number: ["N.º encomenda", "V/ encomenda", "Encomenda n.º", "Requisição"],
            buyer_reference: ["V/ referência", "Referência", "V/ ref."],
            customer_no: ["N.º cliente", "Cliente n.º", "Código de cliente"],
            vat_id: ["NIF", "Contribuinte", "N.º contribuinte", "NIF/NIPC"],
            net: ["Total ilíquido", "Valor líquido", "Total s/ IVA", "Base tributável"],
            gross: ["Total", "Total c/ IVA", "Valor total", "Total documento"],
            amount_due: ["Total a pagar", "Valor a pagar", "A pagar"],
            col_description: ["Descrição", "Artigo", "Designação"],
            col_qty: ["Qtd.", "Quantidade", "Qtde"],
            col_unit_price: ["Preço unit.", "Preço", "P. unitário"],
            col_amount: ["Valor", "Total", "Montante"],
            payment_terms: ["Condições de pagamento", "Pagamento", "Modo de pagamento"],
            bank_details: ["Dados bancários", "Coordenadas bancárias", "Pagamento por transferência"],
            buyer_heading: ["Cliente", "Exmo.(s) Sr.(s)", "Adquirente"],
        },
    }
    l
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
