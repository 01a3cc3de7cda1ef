//! The document model: parties, line items, VAT breakdown and totals.
//!
//! Amounts are `Decimal` and every total is derived from the lines by [`Document::recompute`],
//! using the rules an accounts-payable check applies: line net = quantity × unit price rounded
//! half-up to cents; VAT per rate group = group base × rate rounded half-up to cents;
//! net + VAT = gross; amount due = gross − prepaid. A generated document is therefore
//! arithmetically consistent by construction.

pub mod generate;
pub mod ids;
pub mod places;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use sapllm_core::{DocType, InvoiceSubtype};

pub use generate::{DocSpec, VatMode, generate};

/// Document language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    En,
    De,
    Fr,
    Es,
    It,
    Nl,
    Pl,
    Pt,
}

impl Language {
    /// Every language, in the order of the per-language tables ([`Language::index`]).
    pub const ALL: [Language; 8] = [
        Language::En,
        Language::De,
        Language::Fr,
        Language::Es,
        Language::It,
        Language::Nl,
        Language::Pl,
        Language::Pt,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
            Language::Es => "es",
            Language::It => "it",
            Language::Nl => "nl",
            Language::Pl => "pl",
            Language::Pt => "pt",
        }
    }

    /// Position in [`Language::ALL`], the column of the per-language tables.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// Country of a party (address, VAT ID and IBAN scheme, VAT rates, currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Country {
    De,
    Fr,
    At,
    Es,
    It,
    Nl,
    Pl,
    Pt,
    Gb,
    Ch,
    Be,
    Us,
    Se,
    Dk,
    Cz,
}

/// Country names in the order of [`Language::ALL`].
const COUNTRY_NAMES: [(Country, [&str; 8]); 15] = [
    (
        Country::De,
        [
            "Germany",
            "Deutschland",
            "Allemagne",
            "Alemania",
            "Germania",
            "Duitsland",
            "Niemcy",
            "Alemanha",
        ],
    ),
    (
        Country::Fr,
        [
            "France",
            "Frankreich",
            "France",
            "Francia",
            "Francia",
            "Frankrijk",
            "Francja",
            "França",
        ],
    ),
    (
        Country::At,
        [
            "Austria",
            "Österreich",
            "Autriche",
            "Austria",
            "Austria",
            "Oostenrijk",
            "Austria",
            "Áustria",
        ],
    ),
    (
        Country::Es,
        [
            "Spain",
            "Spanien",
            "Espagne",
            "España",
            "Spagna",
            "Spanje",
            "Hiszpania",
            "Espanha",
        ],
    ),
    (
        Country::It,
        [
            "Italy", "Italien", "Italie", "Italia", "Italia", "Italië", "Włochy", "Itália",
        ],
    ),
    (
        Country::Nl,
        [
            "Netherlands",
            "Niederlande",
            "Pays-Bas",
            "Países Bajos",
            "Paesi Bassi",
            "Nederland",
            "Holandia",
            "Países Baixos",
        ],
    ),
    (
        Country::Pl,
        [
            "Poland", "Polen", "Pologne", "Polonia", "Polonia", "Polen", "Polska", "Polónia",
        ],
    ),
    (
        Country::Pt,
        [
            "Portugal",
            "Portugal",
            "Portugal",
            "Portugal",
            "Portogallo",
            "Portugal",
            "Portugalia",
            "Portugal",
        ],
    ),
    (
        Country::Gb,
        [
            "United Kingdom",
            "Vereinigtes Königreich",
            "Royaume-Uni",
            "Reino Unido",
            "Regno Unito",
            "Verenigd Koninkrijk",
            "Wielka Brytania",
            "Reino Unido",
        ],
    ),
    (
        Country::Ch,
        [
            "Switzerland",
            "Schweiz",
            "Suisse",
            "Suiza",
            "Svizzera",
            "Zwitserland",
            "Szwajcaria",
            "Suíça",
        ],
    ),
    (
        Country::Be,
        [
            "Belgium", "Belgien", "Belgique", "Bélgica", "Belgio", "België", "Belgia", "Bélgica",
        ],
    ),
    (
        Country::Us,
        [
            "United States",
            "Vereinigte Staaten",
            "États-Unis",
            "Estados Unidos",
            "Stati Uniti",
            "Verenigde Staten",
            "Stany Zjednoczone",
            "Estados Unidos",
        ],
    ),
    (
        Country::Se,
        [
            "Sweden", "Schweden", "Suède", "Suecia", "Svezia", "Zweden", "Szwecja", "Suécia",
        ],
    ),
    (
        Country::Dk,
        [
            "Denmark",
            "Dänemark",
            "Danemark",
            "Dinamarca",
            "Danimarca",
            "Denemarken",
            "Dania",
            "Dinamarca",
        ],
    ),
    (
        Country::Cz,
        [
            "Czech Republic",
            "Tschechien",
            "République tchèque",
            "República Checa",
            "Repubblica Ceca",
            "Tsjechië",
            "Czechy",
            "República Checa",
        ],
    ),
];

impl Country {
    pub const ALL: [Country; 15] = [
        Country::De,
        Country::Fr,
        Country::At,
        Country::Es,
        Country::It,
        Country::Nl,
        Country::Pl,
        Country::Pt,
        Country::Gb,
        Country::Ch,
        Country::Be,
        Country::Us,
        Country::Se,
        Country::Dk,
        Country::Cz,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Country::De => "DE",
            Country::Fr => "FR",
            Country::At => "AT",
            Country::Es => "ES",
            Country::It => "IT",
            Country::Nl => "NL",
            Country::Pl => "PL",
            Country::Pt => "PT",
            Country::Gb => "GB",
            Country::Ch => "CH",
            Country::Be => "BE",
            Country::Us => "US",
            Country::Se => "SE",
            Country::Dk => "DK",
            Country::Cz => "CZ",
        }
    }

    /// The country's name in `lang`.
    pub fn name(self, lang: Language) -> &'static str {
        COUNTRY_NAMES
            .iter()
            .find(|(c, _)| *c == self)
            .map(|(_, n)| n[lang.index()])
            .unwrap_or("")
    }

    /// Standard and reduced VAT rate (sales tax for the US, where there is no VAT).
    pub fn vat_rates(self) -> (Decimal, Decimal) {
        let d = |a: i64, scale: u32| Decimal::new(a, scale);
        match self {
            Country::De => (Decimal::from(19), Decimal::from(7)),
            Country::Fr => (Decimal::from(20), Decimal::new(55, 1)),
            Country::At => (Decimal::from(20), Decimal::from(10)),
            Country::Es => (d(21, 0), d(10, 0)),
            Country::It => (d(22, 0), d(10, 0)),
            Country::Nl => (d(21, 0), d(9, 0)),
            Country::Pl => (d(23, 0), d(8, 0)),
            Country::Pt => (d(23, 0), d(6, 0)),
            Country::Gb => (d(20, 0), d(5, 0)),
            Country::Ch => (d(81, 1), d(26, 1)),
            Country::Be => (d(21, 0), d(6, 0)),
            Country::Us => (d(725, 2), d(0, 0)),
            Country::Se => (d(25, 0), d(12, 0)),
            Country::Dk => (d(25, 0), d(25, 0)),
            Country::Cz => (d(21, 0), d(12, 0)),
        }
    }

    /// The currency a company in this country usually invoices in.
    pub fn currency(self) -> &'static str {
        match self {
            Country::Gb => "GBP",
            Country::Ch => "CHF",
            Country::Pl => "PLN",
            Country::Us => "USD",
            Country::Se => "SEK",
            Country::Dk => "DKK",
            Country::Cz => "CZK",
            _ => "EUR",
        }
    }

    /// Member of the EU VAT area (intra-community supplies, reverse charge).
    pub fn in_eu(self) -> bool {
        !matches!(self, Country::Gb | Country::Ch | Country::Us)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub street: String,
    pub zip: String,
    pub city: String,
    pub country: Country,
}

/// A seller, buyer or supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub name: String,
    pub address: Address,
    pub vat_id: Option<String>,
    /// National tax number (German Steuernummer), BT-32.
    pub tax_number: Option<String>,
    /// Trade register entry, e.g. "Amtsgericht Köln HRB 12345".
    pub register: Option<String>,
    /// French SIREN (also the core of the French VAT ID).
    pub siren: Option<String>,
    pub managing_director: Option<String>,
    pub phone: String,
    pub email: String,
    pub web: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BankAccount {
    pub bank_name: String,
    pub iban: String,
    pub bic: String,
}

/// Unit of measure with its UN/ECE recommendation 20 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Piece,
    Hour,
    Day,
    Kilogram,
    Metre,
    Litre,
    Pack,
    LumpSum,
}

impl Unit {
    /// UN/ECE rec 20 (and rec 21 for packages) code.
    pub fn code(self) -> &'static str {
        match self {
            Unit::Piece => "C62",
            Unit::Hour => "HUR",
            Unit::Day => "DAY",
            Unit::Kilogram => "KGM",
            Unit::Metre => "MTR",
            Unit::Litre => "LTR",
            Unit::Pack => "XPK",
            Unit::LumpSum => "LS",
        }
    }

    /// The abbreviation printed in a table of `lang`.
    pub fn label(self, lang: Language) -> &'static str {
        use Language::*;
        // Es, It, Nl, Pl, Pt in that order.
        let other = |t: [&'static str; 5]| t[lang.index() - 3];
        match (self, lang) {
            (Unit::Piece, Es | It | Nl | Pl | Pt) => other(["uds.", "pz.", "st.", "szt.", "un."]),
            (Unit::Hour, Es | It | Nl | Pl | Pt) => other(["h", "ore", "uur", "godz.", "h"]),
            (Unit::Day, Es | It | Nl | Pl | Pt) => other(["días", "gg.", "dagen", "dni", "dias"]),
            (Unit::Litre, Es | It | Nl | Pl | Pt) => "l",
            (Unit::Pack, Es | It | Nl | Pl | Pt) => {
                other(["paq.", "conf.", "pak", "opak.", "emb."])
            }
            (Unit::LumpSum, Es | It | Nl | Pl | Pt) => {
                other(["global", "forf.", "forfait", "ryczałt", "global"])
            }
            (Unit::Piece, En) => "pcs",
            (Unit::Piece, De) => "Stk.",
            (Unit::Piece, Fr) => "pce",
            (Unit::Hour, En) => "h",
            (Unit::Hour, De) => "Std.",
            (Unit::Hour, Fr) => "h",
            (Unit::Day, En) => "days",
            (Unit::Day, De) => "Tage",
            (Unit::Day, Fr) => "jours",
            (Unit::Kilogram, _) => "kg",
            (Unit::Metre, _) => "m",
            (Unit::Litre, En) => "l",
            (Unit::Litre, De) => "l",
            (Unit::Litre, Fr) => "L",
            (Unit::Pack, En) => "pack",
            (Unit::Pack, De) => "Pck.",
            (Unit::Pack, Fr) => "paq.",
            (Unit::LumpSum, En) => "flat",
            (Unit::LumpSum, De) => "psch.",
            (Unit::LumpSum, Fr) => "forf.",
        }
    }
}

/// One invoice line (BG-25).
#[derive(Debug, Clone, PartialEq)]
pub struct LineItem {
    pub position: u32,
    pub item_id: Option<String>,
    pub description: String,
    pub quantity: Decimal,
    pub unit: Unit,
    pub unit_price: Decimal,
    /// VAT rate in percent (0 for reverse charge).
    pub tax_rate: Decimal,
    /// quantity × unit price, rounded half-up to cents (set by [`Document::recompute`]).
    pub net_amount: Decimal,
}

/// VAT of one rate group.
#[derive(Debug, Clone, PartialEq)]
pub struct VatGroup {
    pub rate: Decimal,
    pub base: Decimal,
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    pub net: Decimal,
    pub tax: Decimal,
    pub gross: Decimal,
    pub prepaid: Decimal,
    pub amount_due: Decimal,
}

/// A business document: invoice, credit note, purchase order or delivery note.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub doc_type: DocType,
    pub language: Language,
    /// Document number (invoice number, order number, delivery note number).
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub delivery_date: Option<NaiveDate>,
    /// The buyer's purchase order number (BT-13).
    pub po_number: Option<String>,
    /// Buyer reference (BT-10).
    pub buyer_reference: Option<String>,
    pub customer_number: Option<String>,
    pub currency: String,
    pub seller: Party,
    pub buyer: Party,
    pub bank: Option<BankAccount>,
    pub payment_terms: Option<String>,
    /// Payment terms' due days (drives `due_date`).
    pub payment_days: Option<u32>,
    pub lines: Vec<LineItem>,
    pub vat: Vec<VatGroup>,
    pub totals: Totals,
    /// Intra-EU supply with the VAT liability on the buyer (category AE).
    pub reverse_charge: bool,
    /// For a credit note: the invoice it corrects, and that invoice's date.
    pub corrected_invoice: Option<(String, NaiveDate)>,
    /// The invoice subtype (invoices, credit and debit notes of the generated corpus).
    pub subtype: Option<InvoiceSubtype>,
    /// Sentences a real document of the subtype carries ("Abschlagsrechnung Nr. 2", "Factura
    /// rectificativa de ...", "Self-billing invoice ..."), printed under the title.
    pub cues: Vec<String>,
    /// Document-level allowances (negative) and charges (positive), each taxed at a rate.
    pub adjustments: Vec<Adjustment>,
}

/// A document-level allowance or charge (EN 16931 BG-20 / BG-21).
#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub label: String,
    /// Negative for an allowance (discount), positive for a charge (freight, packing).
    pub amount: Decimal,
    pub tax_rate: Decimal,
}

/// Rounds half away from zero to cents, as commercial rounding does.
pub fn round_cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

impl Document {
    /// Recomputes line nets, the VAT breakdown and the totals from the lines; keeps `prepaid`.
    pub fn recompute(&mut self) {
        for l in &mut self.lines {
            l.net_amount = round_cents(l.quantity * l.unit_price);
        }
        let mut groups: Vec<VatGroup> = Vec::new();
        let taxed = self
            .lines
            .iter()
            .map(|l| (l.tax_rate, l.net_amount))
            .chain(self.adjustments.iter().map(|a| (a.tax_rate, a.amount)));
        for (rate, amount) in taxed {
            match groups.iter_mut().find(|g| g.rate == rate) {
                Some(g) => g.base += amount,
                None => groups.push(VatGroup {
                    rate,
                    base: amount,
                    tax: Decimal::ZERO,
                }),
            }
        }
        // Highest rate first, as invoices usually list them.
        groups.sort_by_key(|g| std::cmp::Reverse(g.rate));
        for g in &mut groups {
            g.tax = round_cents(g.base * g.rate / Decimal::ONE_HUNDRED);
        }
        let net: Decimal =
            self.lines_total() + self.adjustments.iter().map(|a| a.amount).sum::<Decimal>();
        let tax: Decimal = groups.iter().map(|g| g.tax).sum();
        let prepaid = self.totals.prepaid;
        self.totals = Totals {
            net,
            tax,
            gross: net + tax,
            prepaid,
            amount_due: net + tax - prepaid,
        };
        self.vat = groups;
    }

    /// Sum of the line net amounts (BT-106), before document-level allowances and charges.
    pub fn lines_total(&self) -> Decimal {
        self.lines.iter().map(|l| l.net_amount).sum()
    }

    /// The party whose letterhead the document carries: the buyer for a purchase order,
    /// otherwise the seller.
    pub fn issuer(&self) -> &Party {
        if self.doc_type == DocType::PurchaseOrder {
            &self.buyer
        } else {
            &self.seller
        }
    }

    /// The addressee of the document.
    pub fn recipient(&self) -> &Party {
        if self.doc_type == DocType::PurchaseOrder {
            &self.seller
        } else {
            &self.buyer
        }
    }

    /// Whether the document shows prices and totals (a delivery note does not).
    pub fn has_amounts(&self) -> bool {
        self.doc_type != DocType::DeliveryNote
    }

    /// Whether the document asks for payment (shows bank details and payment terms).
    pub fn is_payable(&self) -> bool {
        matches!(self.doc_type, DocType::Invoice | DocType::DebitNote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn totals_follow_the_rounding_rules() {
        let mut doc = generate(&DocSpec::invoice(Language::De), &mut Rng::new(1));
        doc.lines.truncate(3);
        let rates = ["19", "7", "19"];
        let prices = ["0.125", "9.99", "33.335"];
        for (i, l) in doc.lines.iter_mut().enumerate() {
            l.quantity = dec("3");
            l.unit_price = dec(prices[i]);
            l.tax_rate = dec(rates[i]);
        }
        doc.totals.prepaid = dec("10.00");
        doc.recompute();
        // 0.375 -> 0.38 (half-up), 29.97, 100.005 -> 100.01
        let nets: Vec<_> = doc.lines.iter().map(|l| l.net_amount).collect();
        assert_eq!(nets, vec![dec("0.38"), dec("29.97"), dec("100.01")]);
        assert_eq!(doc.vat.len(), 2);
        assert_eq!(doc.vat[0].rate, dec("19"));
        assert_eq!(doc.vat[0].base, dec("100.39"));
        assert_eq!(doc.vat[0].tax, dec("19.07")); // 19.0741
        assert_eq!(doc.vat[1].tax, dec("2.10")); // 2.0979
        assert_eq!(doc.totals.net, dec("130.36"));
        assert_eq!(doc.totals.tax, dec("21.17"));
        assert_eq!(doc.totals.gross, dec("151.53"));
        assert_eq!(doc.totals.amount_due, dec("141.53"));
    }

    #[test]
    fn generated_documents_are_consistent() {
        for seed in 0..50 {
            for spec in [
                DocSpec::invoice(Language::En),
                DocSpec {
                    vat_mode: VatMode::TwoRates,
                    ..DocSpec::invoice(Language::Fr)
                },
                DocSpec {
                    vat_mode: VatMode::ReverseCharge,
                    ..DocSpec::invoice(Language::De)
                },
            ] {
                let d = generate(&spec, &mut Rng::new(seed));
                let sum: Decimal = d.lines.iter().map(|l| l.net_amount).sum();
                assert_eq!(sum, d.totals.net);
                assert_eq!(d.totals.net + d.totals.tax, d.totals.gross);
                assert_eq!(d.totals.gross - d.totals.prepaid, d.totals.amount_due);
                let base: Decimal = d.vat.iter().map(|g| g.base).sum();
                assert_eq!(base, d.totals.net);
                for g in &d.vat {
                    assert_eq!(g.tax, round_cents(g.base * g.rate / Decimal::ONE_HUNDRED));
                }
                assert!(ids::vat_id_is_valid(d.seller.vat_id.as_deref().unwrap()));
                assert!(ids::iban_is_valid(&d.bank.as_ref().unwrap().iban));
                if spec.vat_mode == VatMode::TwoRates {
                    assert_eq!(d.vat.len(), 2);
                }
                if spec.vat_mode == VatMode::ReverseCharge {
                    assert!(d.reverse_charge && d.totals.tax.is_zero());
                    assert!(d.buyer.vat_id.is_some());
                    assert_ne!(d.buyer.address.country, d.seller.address.country);
                }
            }
        }
    }
}
