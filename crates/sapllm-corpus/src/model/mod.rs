//! The document model: parties, line items, VAT breakdown and totals.
//!
//! Amounts are `Decimal` and every total is derived from the lines by [`Document::recompute`],
//! using the rules an accounts-payable check applies: line net = quantity × unit price rounded
//! half-up to cents; VAT per rate group = group base × rate rounded half-up to cents;
//! net + VAT = gross; amount due = gross − prepaid. A generated document is therefore
//! arithmetically consistent by construction.

pub mod generate;
pub mod ids;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use sapllm_core::DocType;

pub use generate::{DocSpec, VatMode, generate};

/// Document language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    En,
    De,
    Fr,
}

impl Language {
    /// ISO 639-1 code, as the ground truth writes it.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
        }
    }
}

/// Countries whose VAT IDs and IBANs we can generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Country {
    De,
    Fr,
    At,
}

impl Country {
    /// ISO 3166-1 alpha-2.
    pub fn code(self) -> &'static str {
        match self {
            Country::De => "DE",
            Country::Fr => "FR",
            Country::At => "AT",
        }
    }

    /// The country's name as printed in an address of `lang`.
    pub fn name(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Country::De, Language::En) => "Germany",
            (Country::De, Language::De) => "Deutschland",
            (Country::De, Language::Fr) => "Allemagne",
            (Country::Fr, Language::De) => "Frankreich",
            (Country::Fr, _) => "France",
            (Country::At, Language::En) => "Austria",
            (Country::At, Language::De) => "Österreich",
            (Country::At, Language::Fr) => "Autriche",
        }
    }

    /// Standard and reduced VAT rates (percent).
    pub fn vat_rates(self) -> (Decimal, Decimal) {
        match self {
            Country::De => (Decimal::from(19), Decimal::from(7)),
            Country::Fr => (Decimal::from(20), Decimal::new(55, 1)),
            Country::At => (Decimal::from(20), Decimal::from(10)),
        }
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
        match (self, lang) {
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
        for l in &self.lines {
            match groups.iter_mut().find(|g| g.rate == l.tax_rate) {
                Some(g) => g.base += l.net_amount,
                None => groups.push(VatGroup {
                    rate: l.tax_rate,
                    base: l.net_amount,
                    tax: Decimal::ZERO,
                }),
            }
        }
        // Highest rate first, as invoices usually list them.
        groups.sort_by_key(|g| std::cmp::Reverse(g.rate));
        for g in &mut groups {
            g.tax = round_cents(g.base * g.rate / Decimal::ONE_HUNDRED);
        }
        let net: Decimal = self.lines.iter().map(|l| l.net_amount).sum();
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
