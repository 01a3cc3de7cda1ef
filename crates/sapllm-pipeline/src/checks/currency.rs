//! ISO 4217 currency codes and their minor units.
//!
//! Source: ISO 4217 "List One" (current currency & funds), as maintained by
//! SIX on behalf of ISO, state of 2025. Codes are matched case-insensitively
//! but must be exactly three ASCII letters.

/// `(code, minor units)`, sorted by code. `None` means ISO lists the minor
/// unit as "N.A." (precious metals, SDR, bond-market units, test and
/// "no currency" codes): such codes are ISO 4217 codes but cannot price an
/// invoice.
///
/// Deliberately absent because ISO has withdrawn them: HRK (Croatia uses
/// EUR since 2023), SLL (replaced by SLE), ZWL (replaced by ZWG in 2024),
/// CUC. Kept although being phased out, because 2024–2025 documents use
/// them: ANG (replaced by XCG from 2025-03-31) and BGN (Bulgaria adopts
/// EUR on 2026-01-01).
const ISO_4217: &[(&str, Option<u32>)] = &[
    ("AED", Some(2)),
    ("AFN", Some(2)),
    ("ALL", Some(2)),
    ("AMD", Some(2)),
    ("ANG", Some(2)),
    ("AOA", Some(2)),
    ("ARS", Some(2)),
    ("AUD", Some(2)),
    ("AWG", Some(2)),
    ("AZN", Some(2)),
    ("BAM", Some(2)),
    ("BBD", Some(2)),
    ("BDT", Some(2)),
    ("BGN", Some(2)),
    ("BHD", Some(3)),
    ("BIF", Some(0)),
    ("BMD", Some(2)),
    ("BND", Some(2)),
    ("BOB", Some(2)),
    ("BOV", Some(2)),
    ("BRL", Some(2)),
    ("BSD", Some(2)),
    ("BTN", Some(2)),
    ("BWP", Some(2)),
    ("BYN", Some(2)),
    ("BZD", Some(2)),
    ("CAD", Some(2)),
    ("CDF", Some(2)),
    ("CHE", Some(2)),
    ("CHF", Some(2)),
    ("CHW", Some(2)),
    ("CLF", Some(4)),
    ("CLP", Some(0)),
    ("CNY", Some(2)),
    ("COP", Some(2)),
    ("COU", Some(2)),
    ("CRC", Some(2)),
    ("CUP", Some(2)),
    ("CVE", Some(2)),
    ("CZK", Some(2)),
    ("DJF", Some(0)),
    ("DKK", Some(2)),
    ("DOP", Some(2)),
    ("DZD", Some(2)),
    ("EGP", Some(2)),
    ("ERN", Some(2)),
    ("ETB", Some(2)),
    ("EUR", Some(2)),
    ("FJD", Some(2)),
    ("FKP", Some(2)),
    ("GBP", Some(2)),
    ("GEL", Some(2)),
    ("GHS", Some(2)),
    ("GIP", Some(2)),
    ("GMD", Some(2)),
    ("GNF", Some(0)),
    ("GTQ", Some(2)),
    ("GYD", Some(2)),
    ("HKD", Some(2)),
    ("HNL", Some(2)),
    ("HTG", Some(2)),
    ("HUF", Some(2)),
    ("IDR", Some(2)),
    ("ILS", Some(2)),
    ("INR", Some(2)),
    ("IQD", Some(3)),
    ("IRR", Some(2)),
    ("ISK", Some(0)),
    ("JMD", Some(2)),
    ("JOD", Some(3)),
    ("JPY", Some(0)),
    ("KES", Some(2)),
    ("KGS", Some(2)),
    ("KHR", Some(2)),
    ("KMF", Some(0)),
    ("KPW", Some(2)),
    ("KRW", Some(0)),
    ("KWD", Some(3)),
    ("KYD", Some(2)),
    ("KZT", Some(2)),
    ("LAK", Some(2)),
    ("LBP", Some(2)),
    ("LKR", Some(2)),
    ("LRD", Some(2)),
    ("LSL", Some(2)),
    ("LYD", Some(3)),
    ("MAD", Some(2)),
    ("MDL", Some(2)),
    ("MGA", Some(2)),
    ("MKD", Some(2)),
    ("MMK", Some(2)),
    ("MNT", Some(2)),
    ("MOP", Some(2)),
    ("MRU", Some(2)),
    ("MUR", Some(2)),
    ("MVR", Some(2)),
    ("MWK", Some(2)),
    ("MXN", Some(2)),
    ("MXV", Some(2)),
    ("MYR", Some(2)),
    ("MZN", Some(2)),
    ("NAD", Some(2)),
    ("NGN", Some(2)),
    ("NIO", Some(2)),
    ("NOK", Some(2)),
    ("NPR", Some(2)),
    ("NZD", Some(2)),
    ("OMR", Some(3)),
    ("PAB", Some(2)),
    ("PEN", Some(2)),
    ("PGK", Some(2)),
    ("PHP", Some(2)),
    ("PKR", Some(2)),
    ("PLN", Some(2)),
    ("PYG", Some(0)),
    ("QAR", Some(2)),
    ("RON", Some(2)),
    ("RSD", Some(2)),
    ("RUB", Some(2)),
    ("RWF", Some(0)),
    ("SAR", Some(2)),
    ("SBD", Some(2)),
    ("SCR", Some(2)),
    ("SDG", Some(2)),
    ("SEK", Some(2)),
    ("SGD", Some(2)),
    ("SHP", Some(2)),
    ("SLE", Some(2)),
    ("SOS", Some(2)),
    ("SRD", Some(2)),
    ("SSP", Some(2)),
    ("STN", Some(2)),
    ("SVC", Some(2)),
    ("SYP", Some(2)),
    ("SZL", Some(2)),
    ("THB", Some(2)),
    ("TJS", Some(2)),
    ("TMT", Some(2)),
    ("TND", Some(3)),
    ("TOP", Some(2)),
    ("TRY", Some(2)),
    ("TTD", Some(2)),
    ("TWD", Some(2)),
    ("TZS", Some(2)),
    ("UAH", Some(2)),
    ("UGX", Some(0)),
    ("USD", Some(2)),
    ("USN", Some(2)),
    ("UYI", Some(0)),
    ("UYU", Some(2)),
    ("UYW", Some(4)),
    ("UZS", Some(2)),
    ("VED", Some(2)),
    ("VES", Some(2)),
    ("VND", Some(0)),
    ("VUV", Some(0)),
    ("WST", Some(2)),
    ("XAF", Some(0)),
    ("XAG", None),
    ("XAU", None),
    ("XBA", None),
    ("XBB", None),
    ("XBC", None),
    ("XBD", None),
    ("XCD", Some(2)),
    ("XCG", Some(2)),
    ("XDR", None),
    ("XOF", Some(0)),
    ("XPD", None),
    ("XPF", Some(0)),
    ("XPT", None),
    ("XSU", None),
    ("XTS", None),
    ("XUA", None),
    ("XXX", None),
    ("YER", Some(2)),
    ("ZAR", Some(2)),
    ("ZMW", Some(2)),
    ("ZWG", Some(2)),
];

fn lookup(code: &str) -> Option<Option<u32>> {
    let norm: [u8; 3] = match code.as_bytes() {
        [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_alphabetic()) => [
            a.to_ascii_uppercase(),
            b.to_ascii_uppercase(),
            c.to_ascii_uppercase(),
        ],
        _ => return None,
    };
    ISO_4217
        .binary_search_by(|(probe, _)| probe.as_bytes().cmp(&norm[..]))
        .ok()
        .and_then(|i| ISO_4217.get(i))
        .map(|(_, units)| *units)
}

/// `true` if `code` is an active ISO 4217 alphabetic code (case-insensitive,
/// exactly three ASCII letters). Includes fund and metal codes such as
/// `XAU`; use [`is_transaction_currency`] to exclude those.
pub fn is_iso4217(code: &str) -> bool {
    lookup(code).is_some()
}

/// Number of decimal places of the currency's minor unit (`EUR` 2,
/// `JPY` 0, `KWD` 3, `CLF` 4). `None` for unknown codes and for codes whose
/// minor unit ISO lists as "N.A." (`XAU`, `XDR`, `XXX`, …).
pub fn minor_units(code: &str) -> Option<u32> {
    lookup(code).flatten()
}

/// `true` if `code` is an ISO 4217 code that can price a document: known
/// and with a defined minor unit (so not `XAU`, `XTS`, `XXX`, …).
pub fn is_transaction_currency(code: &str) -> bool {
    minor_units(code).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sorted_unique() {
        assert!(ISO_4217.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            ISO_4217
                .iter()
                .all(|(c, _)| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
    }

    #[test]
    fn common_codes() {
        for code in [
            "EUR", "USD", "GBP", "CHF", "JPY", "eur", "Usd", "PLN", "SEK", "NOK", "XCG",
        ] {
            assert!(is_iso4217(code), "{code}");
        }
    }

    #[test]
    fn rejected_codes() {
        for code in [
            "",
            "EU",
            "EURO",
            "DEM",
            "HRK",
            "XYZ",
            "E1R",
            " EUR",
            "€",
            "ЕUR",
            "ＥＵＲ",
        ] {
            assert!(!is_iso4217(code), "{code:?}");
        }
    }

    #[test]
    fn minor_unit_values() {
        assert_eq!(minor_units("EUR"), Some(2));
        assert_eq!(minor_units("JPY"), Some(0));
        assert_eq!(minor_units("KRW"), Some(0));
        assert_eq!(minor_units("ISK"), Some(0));
        assert_eq!(minor_units("KWD"), Some(3));
        assert_eq!(minor_units("BHD"), Some(3));
        assert_eq!(minor_units("TND"), Some(3));
        assert_eq!(minor_units("CLF"), Some(4));
        assert_eq!(minor_units("usd"), Some(2));
        assert_eq!(minor_units("XAU"), None);
        assert_eq!(minor_units("XXX"), None);
        assert_eq!(minor_units("ABC"), None);
    }

    #[test]
    fn transaction_currency() {
        assert!(is_transaction_currency("EUR"));
        assert!(is_transaction_currency("XOF"));
        assert!(is_iso4217("XTS"));
        assert!(!is_transaction_currency("XTS"));
        assert!(!is_transaction_currency("XAU"));
        assert!(!is_transaction_currency("QQQ"));
    }
}
