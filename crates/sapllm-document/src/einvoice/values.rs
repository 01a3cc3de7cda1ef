//! Turning XML text into typed values, and collecting them with their provenance.
//!
//! Values are read exactly as the XML states them: amounts keep their sign and scale (a credit
//! note with positive amounts stays positive, a negative line stays negative), codes are upper
//! cased with spaces removed, text is trimmed. A value that is present but cannot be parsed is an
//! error ([`DocumentError::InvalidValue`]): an e-invoice is trusted as exact, so a broken amount or
//! date must not be silently dropped or guessed.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{NaiveDate, Weekday};
use roxmltree::Node;
use rust_decimal::Decimal;
use sapllm_core::{
    Cell, ExtractedField, FieldKey, FieldValue, LineItem, LineKey, Producer, Provenance, ValueKind,
    VatBreakdown,
};

use super::tree::{self, node_path};
use crate::DocumentError;

/// Parses a decimal as written in e-invoices (`1234.50`, `-12`, `+3`). Never goes through `f64`.
pub(crate) fn parse_decimal(raw: &str) -> Option<Decimal> {
    let s = raw.trim();
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty() {
        return None;
    }
    Decimal::from_str(s).ok().or_else(|| {
        // Exponent notation is legal for xs:decimal-like types in some producers' output.
        s.contains(['e', 'E'])
            .then(|| Decimal::from_scientific(s).ok())
            .flatten()
    })
}

/// Parses a CII/UBL date. `format` is the UN/CEFACT date format qualifier of CII
/// (`DateTimeString/@format`); `None` means "ISO or basic digits" (UBL, or CII without the
/// attribute).
///
/// - `102`: `CCYYMMDD`.
/// - `203`: `CCYYMMDDHHMM` (used by Order-X); the time is dropped.
/// - `610`: `CCYYMM`, a month; read as its first day, the earliest date the value allows.
/// - `616`: `CCYYWW`, an ISO week; read as its Monday, for the same reason.
pub(crate) fn parse_date(raw: &str, format: Option<&str>) -> Option<NaiveDate> {
    let s = raw.trim();
    match format {
        // Some producers write an ISO date despite the qualifier; it is unambiguous, so take it.
        Some("102") | Some("203") | Some("204") => digits_date(s).or_else(|| iso_date(s)),
        Some("610") => {
            let (y, m) = (s.get(0..4)?.parse().ok()?, s.get(4..6)?.parse().ok()?);
            (s.len() == 6 && all_digits(s))
                .then(|| NaiveDate::from_ymd_opt(y, m, 1))
                .flatten()
        }
        Some("616") => {
            let (y, w) = (s.get(0..4)?.parse().ok()?, s.get(4..6)?.parse().ok()?);
            (s.len() == 6 && all_digits(s))
                .then(|| NaiveDate::from_isoywd_opt(y, w, Weekday::Mon))
                .flatten()
        }
        _ => iso_date(s).or_else(|| digits_date(s)),
    }
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// `CCYYMMDD` optionally followed by more digits (a time).
fn digits_date(s: &str) -> Option<NaiveDate> {
    if s.len() < 8 || !all_digits(s) {
        return None;
    }
    NaiveDate::parse_from_str(s.get(0..8)?, "%Y%m%d").ok()
}

/// `YYYY-MM-DD`, optionally followed by a time or a zone (`2024-03-05Z`, `2024-03-05+01:00`,
/// `2024-03-05T10:00:00`).
fn iso_date(s: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(s.get(0..10)?, "%Y-%m-%d").ok()?;
    // Only trust the prefix when what follows looks like a time or zone, not more digits.
    match s.as_bytes().get(10) {
        None | Some(b'T' | b'Z' | b'+' | b'-' | b' ') => Some(date),
        _ => None,
    }
}

/// Codes (currency, country, VAT id, IBAN, BIC, unit): upper case, whitespace removed.
pub(crate) fn normalise_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether a (normalised) account identifier has the shape of an IBAN (ISO 13616): country
/// letters, two check digits, 11 to 30 letters or digits. The check digits are not verified here:
/// a wrong checksum is a finding for validation, while a value of another shape ("IBAN", "XX", a
/// national account number) is simply not an IBAN.
pub(crate) fn looks_like_iban(code: &str) -> bool {
    let b = code.as_bytes();
    (15..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Placeholders that stand for "no purchase order": the EN 16931 UBL binding requires
/// `cac:OrderReference/cbc:ID` whenever a sales order reference is given and prescribes `NA`
/// for a missing purchase order; XRechnung examples use `Dummywert` ("dummy value") likewise.
pub(crate) fn is_order_placeholder(raw: &str) -> bool {
    ["na", "n/a", "dummywert"]
        .iter()
        .any(|p| raw.trim().eq_ignore_ascii_case(p))
}

/// Parses `raw` as a value of `kind`. `node` gives the date format attribute and the path for
/// the error message.
pub(crate) fn typed_value(
    kind: ValueKind,
    node: Node<'_, '_>,
    raw: &str,
) -> Result<FieldValue, DocumentError> {
    let invalid = |what: &str| DocumentError::InvalidValue {
        path: node_path(node),
        message: format!("'{raw}' is not {what}"),
    };
    Ok(match kind {
        ValueKind::Text => FieldValue::Text(raw.to_owned()),
        ValueKind::Code => FieldValue::Code(normalise_code(raw)),
        ValueKind::Amount => {
            FieldValue::Amount(parse_decimal(raw).ok_or_else(|| invalid("a decimal"))?)
        }
        ValueKind::Date => {
            let format = tree::attr(node, "format");
            FieldValue::Date(parse_date(raw, format).ok_or_else(|| invalid("a date"))?)
        }
    })
}

/// Collects header fields, line items and VAT rows with their provenance for one document.
#[derive(Debug)]
pub(crate) struct Collector {
    producer: Producer,
    pub(crate) fields: BTreeMap<FieldKey, ExtractedField>,
}

impl Collector {
    pub(crate) fn new(producer_name: &str) -> Self {
        Self {
            producer: Producer::new(producer_name, super::EINVOICE_READER_VERSION),
            fields: BTreeMap::new(),
        }
    }

    fn provenance(&self, node: Node<'_, '_>, raw: &str) -> Provenance {
        Provenance::xml(&node_path(node), raw, self.producer.clone())
    }

    /// Sets `key` from the text of `node` unless it is already set (the first source a reader
    /// asks for wins, so readers list preferred paths first).
    pub(crate) fn set(
        &mut self,
        key: FieldKey,
        node: Node<'_, '_>,
        raw: &str,
    ) -> Result<(), DocumentError> {
        if self.fields.contains_key(&key) {
            return Ok(());
        }
        let value = typed_value(key.value_kind(), node, raw)?;
        self.set_value(key, node, raw, value);
        Ok(())
    }

    /// Sets `key` to an already built value (e.g. joined payment terms), unless already set.
    pub(crate) fn set_value(
        &mut self,
        key: FieldKey,
        node: Node<'_, '_>,
        raw: &str,
        value: FieldValue,
    ) {
        let provenance = self.provenance(node, raw);
        self.fields.entry(key).or_insert(ExtractedField {
            value,
            confidence: 1.0,
            provenance,
            alternatives: Vec::new(),
        });
    }

    /// Sets `key` from the first non-empty element on `path` below `node`.
    pub(crate) fn set_path(
        &mut self,
        key: FieldKey,
        node: Node<'_, '_>,
        path: &[&str],
    ) -> Result<(), DocumentError> {
        match tree::find_text(node, path) {
            Some((found, raw)) => self.set(key, found, &raw),
            None => Ok(()),
        }
    }

    /// BT-110 is the VAT total in the document currency. When a tax currency differs (BT-6), a
    /// second amount (BT-111) carries the other currency: take the one whose `currencyID` is the
    /// document currency, else one without `currencyID`, else the first. Call after the currency
    /// is set.
    pub(crate) fn set_tax_total(
        &mut self,
        parent: Node<'_, '_>,
        path: &[&str],
    ) -> Result<(), DocumentError> {
        let currency = self
            .fields
            .get(&FieldKey::Currency)
            .and_then(|f| f.value.as_text())
            .map(str::to_owned);
        let candidates: Vec<(Node<'_, '_>, String)> = tree::find_all(parent, path)
            .into_iter()
            .filter_map(|n| tree::text(n).map(|t| (n, t)))
            .collect();
        let currency_of = |n: &Node<'_, '_>| tree::attr(*n, "currencyID").map(normalise_code);
        let chosen = candidates
            .iter()
            .find(|(n, _)| currency.is_some() && currency_of(n) == currency)
            .or_else(|| candidates.iter().find(|(n, _)| currency_of(n).is_none()))
            .or_else(|| candidates.first());
        match chosen {
            Some((node, raw)) => self.set(FieldKey::TaxTotal, *node, raw),
            None => Ok(()),
        }
    }

    /// Joins the texts of `nodes` with single spaces into a text field (payment terms: several
    /// elements each hold one part of the terms).
    pub(crate) fn set_joined_text<'a, 'i: 'a>(
        &mut self,
        key: FieldKey,
        nodes: impl IntoIterator<Item = Node<'a, 'i>>,
    ) {
        let mut first = None;
        let mut parts = Vec::new();
        for node in nodes {
            if let Some(t) = tree::text(node) {
                first.get_or_insert(node);
                parts.push(t);
            }
        }
        if let Some(node) = first {
            let joined = parts.join(" ");
            self.set_value(key, node, &joined, FieldValue::Text(joined.clone()));
        }
    }

    /// Sets `key` from the first non-empty element on `path` whose text `accept`s.
    pub(crate) fn set_path_where(
        &mut self,
        key: FieldKey,
        node: Node<'_, '_>,
        path: &[&str],
        accept: impl Fn(&str) -> bool,
    ) -> Result<(), DocumentError> {
        let found = tree::find_all(node, path)
            .into_iter()
            .filter_map(|n| tree::text(n).map(|t| (n, t)))
            .find(|(_, t)| accept(t));
        match found {
            Some((n, raw)) => self.set(key, n, &raw),
            None => Ok(()),
        }
    }

    /// Sets a cell of `line` from the text of `node`, unless already set.
    pub(crate) fn cell(
        &self,
        line: &mut LineItem,
        key: LineKey,
        node: Node<'_, '_>,
        raw: &str,
    ) -> Result<(), DocumentError> {
        if line.cells.contains_key(&key) {
            return Ok(());
        }
        let value = typed_value(key.value_kind(), node, raw)?;
        let provenance = self.provenance(node, raw);
        line.cells.insert(
            key,
            Cell {
                value,
                confidence: 1.0,
                provenance,
            },
        );
        Ok(())
    }

    /// Sets a cell of `line` from the first non-empty element on `path` below `node`.
    pub(crate) fn cell_path(
        &self,
        line: &mut LineItem,
        key: LineKey,
        node: Node<'_, '_>,
        path: &[&str],
    ) -> Result<(), DocumentError> {
        match tree::find_text(node, path) {
            Some((found, raw)) => self.cell(line, key, found, &raw),
            None => Ok(()),
        }
    }

    /// Sets the unit cell from a quantity element's `unitCode` attribute.
    pub(crate) fn unit_cell(&self, line: &mut LineItem, quantity: Node<'_, '_>) {
        if let Some(code) = tree::attr(quantity, "unitCode") {
            let provenance = self.provenance(quantity, code);
            line.cells.entry(LineKey::Unit).or_insert(Cell {
                value: FieldValue::Code(normalise_code(code)),
                confidence: 1.0,
                provenance,
            });
        }
    }

    /// One VAT breakdown row; amounts that are absent stay `None`.
    pub(crate) fn vat_row(
        &self,
        node: Node<'_, '_>,
        category: &[&str],
        rate: &[&str],
        taxable: &[&str],
        tax: &[&str],
    ) -> Result<VatBreakdown, DocumentError> {
        let amount = |path: &[&str]| -> Result<Option<Decimal>, DocumentError> {
            match tree::find_text(node, path) {
                Some((n, raw)) => match typed_value(ValueKind::Amount, n, &raw)? {
                    FieldValue::Amount(d) => Ok(Some(d)),
                    _ => Ok(None),
                },
                None => Ok(None),
            }
        };
        Ok(VatBreakdown {
            category: tree::find_text(node, category).map(|(_, c)| normalise_code(&c)),
            rate: amount(rate)?,
            taxable_amount: amount(taxable)?,
            tax_amount: amount(tax)?,
            provenance: self.provenance(node, &node_path(node)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_all_supported_formats() {
        assert_eq!(parse_date("20240305", Some("102")), Some(d(2024, 3, 5)));
        assert_eq!(parse_date("2024-03-05", Some("102")), Some(d(2024, 3, 5)));
        assert_eq!(
            parse_date("202003311232", Some("203")),
            Some(d(2020, 3, 31))
        );
        assert_eq!(parse_date("202403", Some("610")), Some(d(2024, 3, 1)));
        assert_eq!(parse_date("202410", Some("616")), Some(d(2024, 3, 4)));
        assert_eq!(parse_date("2024-03-05", None), Some(d(2024, 3, 5)));
        assert_eq!(parse_date("2024-03-05+01:00", None), Some(d(2024, 3, 5)));
        assert_eq!(parse_date("20240305", None), Some(d(2024, 3, 5)));
        assert_eq!(parse_date("20241305", Some("102")), None);
        assert_eq!(parse_date("2024030", Some("102")), None);
        assert_eq!(parse_date("05.03.2024", None), None);
        assert_eq!(parse_date("2024-03-0512", None), None);
    }

    #[test]
    fn decimals_keep_scale_and_sign() {
        assert_eq!(parse_decimal(" -109.98 "), Some(Decimal::new(-10998, 2)));
        assert_eq!(parse_decimal("+3"), Some(Decimal::from(3)));
        assert_eq!(parse_decimal("1E2"), Some(Decimal::from(100)));
        assert_eq!(parse_decimal("12,00"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(normalise_code(" de 12 34\n"), "DE1234");
    }

    #[test]
    fn iban_shape_and_order_placeholders() {
        assert!(looks_like_iban("DE75512108001245126199"));
        assert!(looks_like_iban("NO9386011117947"));
        for not_iban in [
            "IBAN",
            "XX",
            "A",
            "1234567891234",
            "DE7551210800124512619!",
            "",
        ] {
            assert!(!looks_like_iban(not_iban), "{not_iban}");
        }
        assert!(is_order_placeholder(" N/A ") && is_order_placeholder("Dummywert"));
        assert!(!is_order_placeholder("PO4711"));
    }
}
