//! Plausible VAT rates per country.
//!
//! The tables hold every positive rate (standard, reduced, super-reduced,
//! parking and regional rates) in force at some point in 2024–2026, so an
//! invoice dated anywhere in that window finds its rate. Sources: the
//! European Commission "VAT rates applied in the Member States" overview,
//! national announcements for the 2024–2026 changes (noted per line), the
//! Swiss FTA, the Norwegian Tax Administration and HMRC.
//!
//! A rate absent here is *implausible*, not necessarily wrong: the result
//! is a hint for the reviewer, not a rejection. Rates are percentages
//! (`19`, `8.1`), compared numerically (`19.00` equals `19`); callers that
//! derive a rate from amounts must round it first.
//!
//! Zero is handled separately ([`RateCheck::ZeroRated`]) because it is
//! legitimate everywhere: exempt supplies, intra-EU reverse charge, exports.

use rust_decimal::Decimal;
use serde::Serialize;

use super::country::normalize_alpha2;

/// `n / 10^scale` as a `const` (`Decimal::new` is not `const fn`, and the
/// `macros` feature providing `dec!` is not enabled).
const fn d(n: u32, scale: u32) -> Decimal {
    Decimal::from_parts(n, 0, 0, false, scale)
}

// Per-country tables, highest rate first.
/// Austria; 19 % applies in Jungholz and Mittelberg.
const AT: &[Decimal] = &[d(20, 0), d(19, 0), d(13, 0), d(10, 0)];
const BE: &[Decimal] = &[d(21, 0), d(12, 0), d(6, 0)];
const BG: &[Decimal] = &[d(20, 0), d(9, 0)];
/// Cyprus; 3 % super-reduced rate introduced for certain goods.
const CY: &[Decimal] = &[d(19, 0), d(9, 0), d(5, 0), d(3, 0)];
/// Czechia; since 2024 a single reduced rate of 12 % (replacing 15 % and 10 %).
const CZ: &[Decimal] = &[d(21, 0), d(12, 0)];
/// Germany; 16 % and 5 % were in force 2020-07-01..2020-12-31 (COVID cut)
/// and still appear on documents from that period in the dev data.
const DE: &[Decimal] = &[d(19, 0), d(16, 0), d(7, 0), d(5, 0)];
const DK: &[Decimal] = &[d(25, 0)];
/// Estonia; standard 22 % → 24 % from 2025-07-01, accommodation 9 % → 13 %
/// from 2025-01-01, press 5 %.
const EE: &[Decimal] = &[d(24, 0), d(22, 0), d(13, 0), d(9, 0), d(5, 0)];
/// Greece; 17/9/4 % are the reduced-by-30 % rates of some Aegean islands.
const GR: &[Decimal] = &[d(24, 0), d(17, 0), d(13, 0), d(9, 0), d(6, 0), d(4, 0)];
/// Spain (mainland and Balearics; the Canary Islands levy IGIC, not VAT);
/// 5 % and 2 % were temporary 2023–2024 rates on energy and basic food.
const ES: &[Decimal] = &[d(21, 0), d(10, 0), d(5, 0), d(4, 0), d(2, 0)];
/// Finland; standard 24 % → 25.5 % from 2024-09-01, food 14 % → 13.5 %
/// from 2026-01-01, 10 % for press and (until 2024) books and medicines.
const FI: &[Decimal] = &[d(255, 1), d(24, 0), d(14, 0), d(135, 1), d(10, 0)];
/// France; 13 % and 0.9 % are Corsican rates; 8.5 %, 1.75 % and 1.05 % the
/// rates of Guadeloupe, Martinique and Réunion.
const FR: &[Decimal] = &[
    d(20, 0),
    d(13, 0),
    d(10, 0),
    d(85, 1),
    d(55, 1),
    d(21, 1),
    d(175, 2),
    d(105, 2),
    d(9, 1),
];
const HR: &[Decimal] = &[d(25, 0), d(13, 0), d(5, 0)];
const HU: &[Decimal] = &[d(27, 0), d(18, 0), d(5, 0)];
/// Ireland; 4.8 % applies to livestock, 9 % to newspapers, sports
/// facilities and (temporarily) gas and electricity.
const IE: &[Decimal] = &[d(23, 0), d(135, 1), d(9, 0), d(48, 1)];
const IT: &[Decimal] = &[d(22, 0), d(10, 0), d(5, 0), d(4, 0)];
const LT: &[Decimal] = &[d(21, 0), d(9, 0), d(5, 0)];
/// Luxembourg; the 2023 one-point cut (16/13/7 %) ended on 2023-12-31.
const LU: &[Decimal] = &[d(17, 0), d(14, 0), d(8, 0), d(3, 0)];
const LV: &[Decimal] = &[d(21, 0), d(12, 0), d(5, 0)];
const MT: &[Decimal] = &[d(18, 0), d(12, 0), d(7, 0), d(5, 0)];
const NL: &[Decimal] = &[d(21, 0), d(9, 0)];
const PL: &[Decimal] = &[d(23, 0), d(8, 0), d(5, 0)];
/// Portugal; mainland 23/13/6 %, Madeira 22/12/5 %, Azores 16/9/4 %.
const PT: &[Decimal] = &[
    d(23, 0),
    d(22, 0),
    d(16, 0),
    d(13, 0),
    d(12, 0),
    d(9, 0),
    d(6, 0),
    d(5, 0),
    d(4, 0),
];
/// Romania; from 2025-08-01 standard 19 % → 21 % and the reduced rates
/// 9 % and 5 % merged into 11 %.
const RO: &[Decimal] = &[d(21, 0), d(19, 0), d(11, 0), d(9, 0), d(5, 0)];
/// Sweden; 6 % also applies temporarily to food from 2026-04-01.
const SE: &[Decimal] = &[d(25, 0), d(12, 0), d(6, 0)];
const SI: &[Decimal] = &[d(22, 0), d(95, 1), d(5, 0)];
/// Slovakia; from 2025-01-01 standard 20 % → 23 %, reduced 10 % → 19 %
/// (and some 10 % items to 5 %).
const SK: &[Decimal] = &[d(23, 0), d(20, 0), d(19, 0), d(10, 0), d(5, 0)];
/// Switzerland (and Liechtenstein) since 2024-01-01: 8.1 % standard,
/// 3.8 % accommodation, 2.6 % reduced.
const CH: &[Decimal] = &[d(81, 1), d(38, 1), d(26, 1)];
/// Norway; 15 % food, 12 % transport/accommodation/culture, 11.11 % raw
/// fish sold by fishermen.
const NO: &[Decimal] = &[d(25, 0), d(15, 0), d(12, 0), d(1111, 2)];
/// United Kingdom (also Northern Ireland, `XI`).
const GB: &[Decimal] = &[d(20, 0), d(5, 0)];

/// Positive VAT rates (in percent) plausible for `country` in 2024–2026.
///
/// `country` is an ISO 3166 code or VAT prefix, case-insensitive: all 27 EU
/// states (Greece as `GR` or `EL`), `CH` (also `LI`, which applies Swiss
/// VAT), `NO`, `GB` and `XI`. `None` for any other input.
pub fn plausible_vat_rates(country: &str) -> Option<&'static [Decimal]> {
    let code = normalize_alpha2(country)?;
    let rates = match &code {
        b"AT" => AT,
        b"BE" => BE,
        b"BG" => BG,
        b"CY" => CY,
        b"CZ" => CZ,
        b"DE" => DE,
        b"DK" => DK,
        b"EE" => EE,
        b"GR" | b"EL" => GR,
        b"ES" => ES,
        b"FI" => FI,
        b"FR" => FR,
        b"HR" => HR,
        b"HU" => HU,
        b"IE" => IE,
        b"IT" => IT,
        b"LT" => LT,
        b"LU" => LU,
        b"LV" => LV,
        b"MT" => MT,
        b"NL" => NL,
        b"PL" => PL,
        b"PT" => PT,
        b"RO" => RO,
        b"SE" => SE,
        b"SI" => SI,
        b"SK" => SK,
        b"CH" | b"LI" => CH,
        b"NO" => NO,
        b"GB" | b"XI" => GB,
        _ => return None,
    };
    Some(rates)
}

/// Outcome of [`check_rate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RateCheck {
    /// The rate is one of the country's rates.
    Plausible,
    /// The rate is 0 %: allowed (exempt, reverse charge, export, zero-rated
    /// goods), but the document should say why.
    ZeroRated,
    /// Not a rate of that country (negative rates included).
    Implausible {
        /// The country's rates, highest first.
        expected: Vec<Decimal>,
    },
    /// No rate table for this country code.
    UnknownCountry,
}

/// Checks a VAT rate (in percent) against the country's rates.
///
/// The country is looked up first, so an unknown country yields
/// [`RateCheck::UnknownCountry`] even for a 0 % rate.
pub fn check_rate(country: &str, rate: Decimal) -> RateCheck {
    let Some(rates) = plausible_vat_rates(country) else {
        return RateCheck::UnknownCountry;
    };
    if rate.is_zero() {
        RateCheck::ZeroRated
    } else if rates.contains(&rate) {
        RateCheck::Plausible
    } else {
        RateCheck::Implausible {
            expected: rates.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EU: [&str; 27] = [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
        "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    ];

    #[test]
    fn every_eu_state_and_ch_no_gb_has_rates() {
        for code in EU.iter().chain(&["CH", "NO", "GB", "XI", "EL", "LI"]) {
            let rates = plausible_vat_rates(code).unwrap_or_else(|| panic!("{code}"));
            assert!(!rates.is_empty(), "{code}");
            // Sorted descending, unique, all positive and below 30 %.
            assert!(rates.windows(2).all(|w| w[0] > w[1]), "{code}");
            assert!(
                rates
                    .iter()
                    .all(|r| *r > Decimal::ZERO && *r < Decimal::from(30)),
                "{code}"
            );
        }
    }

    #[test]
    fn standard_rates() {
        for (code, standard) in [
            ("DE", Decimal::from(19)),
            ("AT", Decimal::from(20)),
            ("FR", Decimal::from(20)),
            ("HU", Decimal::from(27)),
            ("LU", Decimal::from(17)),
            ("DK", Decimal::from(25)),
            ("CH", Decimal::new(81, 1)),
            ("FI", Decimal::new(255, 1)),
            ("GB", Decimal::from(20)),
        ] {
            assert_eq!(check_rate(code, standard), RateCheck::Plausible, "{code}");
        }
    }

    #[test]
    fn scale_does_not_matter() {
        assert_eq!(
            check_rate("DE", Decimal::new(1900, 2)),
            RateCheck::Plausible
        );
        assert_eq!(check_rate("DE", Decimal::new(70, 1)), RateCheck::Plausible);
        assert_eq!(check_rate("CH", Decimal::new(810, 2)), RateCheck::Plausible);
        assert_eq!(check_rate("FR", Decimal::new(550, 2)), RateCheck::Plausible);
        assert_eq!(
            check_rate("NO", Decimal::new(111_100, 4)),
            RateCheck::Plausible
        );
    }

    #[test]
    fn historical_german_rates() {
        assert_eq!(check_rate("DE", Decimal::from(16)), RateCheck::Plausible);
        assert_eq!(check_rate("DE", Decimal::from(5)), RateCheck::Plausible);
    }

    #[test]
    fn zero_is_zero_rated() {
        assert_eq!(check_rate("DE", Decimal::ZERO), RateCheck::ZeroRated);
        assert_eq!(check_rate("GB", Decimal::new(0, 2)), RateCheck::ZeroRated);
    }

    #[test]
    fn implausible_lists_expected() {
        assert_eq!(
            check_rate("de", Decimal::from(20)),
            RateCheck::Implausible {
                expected: vec![
                    Decimal::from(19),
                    Decimal::from(16),
                    Decimal::from(7),
                    Decimal::from(5)
                ]
            }
        );
        assert!(matches!(
            check_rate("CH", Decimal::new(77, 1)),
            RateCheck::Implausible { .. }
        ));
        assert!(matches!(
            check_rate("DE", Decimal::from(-19)),
            RateCheck::Implausible { .. }
        ));
        assert!(matches!(
            check_rate("DE", Decimal::new(19, 2)),
            RateCheck::Implausible { .. }
        ));
    }

    #[test]
    fn unknown_countries() {
        for code in ["US", "JP", "", "D", "DEU", "ÄÖ", "UK", "EU"] {
            assert_eq!(plausible_vat_rates(code), None, "{code:?}");
            assert_eq!(
                check_rate(code, Decimal::from(19)),
                RateCheck::UnknownCountry
            );
        }
        assert_eq!(check_rate("US", Decimal::ZERO), RateCheck::UnknownCountry);
    }

    #[test]
    fn greek_alias_and_case() {
        assert_eq!(plausible_vat_rates("EL"), plausible_vat_rates("gr"));
        assert_eq!(check_rate("el", Decimal::from(24)), RateCheck::Plausible);
    }

    #[test]
    fn serializes_with_kind_tag() {
        let json = serde_json::to_string(&RateCheck::Implausible {
            expected: vec![Decimal::new(81, 1)],
        })
        .expect("serialize");
        assert_eq!(json, r#"{"kind":"implausible","expected":["8.1"]}"#);
    }
}
