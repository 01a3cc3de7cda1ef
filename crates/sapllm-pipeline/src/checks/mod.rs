//! Business-rule checks (IBAN, VAT ID, BIC, currency, tax rates, dates).
//!
//! Every function here is pure: no I/O, no clock, no global state, no
//! panics on any input. They return structured results (error enums,
//! findings) and leave the decision what to do with them to the
//! validation stage.

pub mod bic;
pub mod country;
pub mod currency;
pub mod dates;
pub mod iban;
pub mod tax_rate;
pub mod vat_id;

pub use bic::{Bic, BicError, check_bic};
pub use country::{is_country, is_eu};
pub use currency::{is_iso4217, is_transaction_currency, minor_units};
pub use dates::{DateIssue, DateLimits, MAX_ISSUE_AGE_YEARS, check_dates, check_dates_with};
pub use iban::{Iban, IbanError, check_iban, iban_length};
pub use tax_rate::{RateCheck, check_rate, plausible_vat_rates};
pub use vat_id::{VatId, VatIdError, check_vat_id};

#[cfg(test)]
mod fuzz_tests;
