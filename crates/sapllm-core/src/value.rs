//! Typed field values and their canonical (normalised) form.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::field::ValueKind;

/// A typed value. Money and quantities are `Decimal` (never `f64`), dates are `NaiveDate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum FieldValue {
    Text(String),
    /// A code such as a currency, a country, an IBAN or a VAT ID, already normalised.
    Code(String),
    Amount(Decimal),
    Date(NaiveDate),
}

impl FieldValue {
    pub fn kind(&self) -> ValueKind {
        match self {
            FieldValue::Text(_) => ValueKind::Text,
            FieldValue::Code(_) => ValueKind::Code,
            FieldValue::Amount(_) => ValueKind::Amount,
            FieldValue::Date(_) => ValueKind::Date,
        }
    }

    pub fn as_amount(&self) -> Option<Decimal> {
        match self {
            FieldValue::Amount(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            FieldValue::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) | FieldValue::Code(s) => Some(s),
            _ => None,
        }
    }

    /// The plain string form used in ground truth files: amounts with a dot (at the scale they
    /// were read with), dates ISO.
    pub fn to_plain(&self) -> String {
        match self {
            FieldValue::Text(s) | FieldValue::Code(s) => s.clone(),
            FieldValue::Amount(d) => d.to_string(),
            FieldValue::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_plain())
    }
}

/// How the ground-truth format compares a header field's values (see `ground-truth.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalisation {
    /// Trimmed, inner whitespace removed, case kept (document numbers, references).
    Identifier,
    /// Case-folded, only letters and digits kept (party names).
    Name,
    /// Upper case, only letters and digits kept (VAT IDs, tax numbers, IBAN, BIC, codes).
    UpperAlnum,
    /// Only letters and digits kept, case kept (tax registration numbers).
    Alnum,
    /// Case-folded, whitespace collapsed (free text such as payment terms).
    FreeText,
    /// Decimal compared at two places.
    Amount,
    /// ISO date.
    Date,
}

impl Normalisation {
    /// Canonical comparison key of a plain string value. `None` when an amount or date does not
    /// parse.
    pub fn apply(&self, raw: &str) -> Option<String> {
        match self {
            Normalisation::Identifier => Some(raw.split_whitespace().collect()),
            Normalisation::Name => Some(
                raw.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_lowercase)
                    .collect(),
            ),
            Normalisation::UpperAlnum => Some(
                raw.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_uppercase)
                    .collect(),
            ),
            Normalisation::Alnum => Some(raw.chars().filter(|c| c.is_alphanumeric()).collect()),
            Normalisation::FreeText => Some(
                raw.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
            ),
            Normalisation::Amount => {
                let d: Decimal = raw.trim().parse().ok()?;
                Some(d.round_dp(2).to_string_fixed2())
            }
            Normalisation::Date => NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .ok()
                .map(|d| d.to_string()),
        }
    }
}

/// Formatting of a decimal with exactly two places, used for canonical amount keys.
pub trait DecimalExt {
    fn to_string_fixed2(&self) -> String;
}

impl DecimalExt for Decimal {
    fn to_string_fixed2(&self) -> String {
        let mut d = self.round_dp(2);
        d.rescale(2);
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn normalisations_follow_the_ground_truth_rules() {
        assert_eq!(
            Normalisation::Identifier.apply(" RE 2024 / 1 ").unwrap(),
            "RE2024/1"
        );
        assert_eq!(
            Normalisation::Name.apply("Müller & Söhne GmbH").unwrap(),
            "müllersöhnegmbh"
        );
        assert_eq!(
            Normalisation::UpperAlnum.apply("de 123-456 789").unwrap(),
            "DE123456789"
        );
        assert_eq!(
            Normalisation::FreeText
                .apply("Zahlbar  binnen\n14 Tagen")
                .unwrap(),
            "zahlbar binnen 14 tagen"
        );
        assert_eq!(Normalisation::Amount.apply("529.870").unwrap(), "529.87");
        assert_eq!(Normalisation::Amount.apply("-12").unwrap(), "-12.00");
        assert_eq!(Normalisation::Amount.apply("12,00"), None);
        assert_eq!(
            Normalisation::Date.apply("2024-03-05").unwrap(),
            "2024-03-05"
        );
        assert_eq!(Normalisation::Date.apply("05.03.2024"), None);
    }

    #[test]
    fn plain_form_of_amounts_and_dates() {
        let a = FieldValue::Amount(Decimal::from_str("1234.500").unwrap());
        assert_eq!(a.to_plain(), "1234.500");
        let d = FieldValue::Date(NaiveDate::from_ymd_opt(2024, 3, 5).unwrap());
        assert_eq!(d.to_plain(), "2024-03-05");
        assert_eq!(Decimal::from_str("3").unwrap().to_string_fixed2(), "3.00");
    }
}
