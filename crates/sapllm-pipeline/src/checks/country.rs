//! ISO 3166-1 alpha-2 country codes and the EU member set.
//!
//! The tables are plain sorted slices: they are small, they never change at
//! run time, and a binary search over them needs no allocation and no extra
//! crate.

/// All officially assigned ISO 3166-1 alpha-2 codes (249 entries), sorted.
///
/// User-assigned codes (`XK` Kosovo, `EU`, `XI`, …) and exceptionally
/// reserved codes (`UK`, `EL`, …) are deliberately absent: this answers
/// "is this an ISO country", not "is this a prefix somebody uses". Modules
/// that accept such prefixes (VAT `EL`/`XI`, IBAN/BIC `XK`) handle them
/// themselves.
const ISO_3166_ALPHA2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// The 27 EU member states (since 1 February 2020), by ISO code, sorted.
///
/// Greece is `GR` here (ISO); its VAT prefix `EL` is handled by the VAT
/// module. Northern Ireland (`XI`) is not a member state even though it
/// follows EU VAT rules for goods.
const EU_MEMBERS: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Upper-cases a two-letter ASCII code; `None` for anything else.
///
/// Documents often carry `de` or `De`; those are accepted. Whitespace is
/// *not* trimmed: callers hand over the extracted value, and silently
/// accepting `" DE"` would hide an extraction defect.
pub(crate) fn normalize_alpha2(code: &str) -> Option<[u8; 2]> {
    match code.as_bytes() {
        [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            Some([a.to_ascii_uppercase(), b.to_ascii_uppercase()])
        }
        _ => None,
    }
}

fn contains(table: &[&str], code: &str) -> bool {
    let Some(norm) = normalize_alpha2(code) else {
        return false;
    };
    table
        .binary_search_by(|probe| probe.as_bytes().cmp(&norm[..]))
        .is_ok()
}

/// `true` if `code` is an officially assigned ISO 3166-1 alpha-2 code.
///
/// Case-insensitive (`"de"` is accepted), but exactly two ASCII letters.
pub fn is_country(code: &str) -> bool {
    contains(ISO_3166_ALPHA2, code)
}

/// `true` if `code` is the ISO code of an EU member state.
///
/// Case-insensitive. Uses ISO codes only: `"GR"` is a member, the VAT
/// prefix `"EL"` is not a country code and yields `false`.
pub fn is_eu(code: &str) -> bool {
    contains(EU_MEMBERS, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_unique() {
        // Binary search silently breaks on an unsorted table.
        assert!(ISO_3166_ALPHA2.windows(2).all(|w| w[0] < w[1]));
        assert!(EU_MEMBERS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn table_sizes() {
        assert_eq!(ISO_3166_ALPHA2.len(), 249);
        assert_eq!(EU_MEMBERS.len(), 27);
    }

    #[test]
    fn every_eu_member_is_a_country() {
        for code in EU_MEMBERS {
            assert!(is_country(code), "{code}");
        }
    }

    #[test]
    fn known_countries() {
        for code in [
            "DE", "de", "De", "US", "CH", "NO", "GB", "AX", "SS", "BQ", "CW", "ZW",
        ] {
            assert!(is_country(code), "{code}");
        }
    }

    #[test]
    fn non_countries() {
        for code in [
            "", "D", "DEU", "XK", "EU", "EL", "UK", "XI", "ZZ", "AA", "D1", " DE", "DE ", "ÄÖ",
            "ＤＥ",
        ] {
            assert!(!is_country(code), "{code:?}");
        }
    }

    #[test]
    fn eu_membership() {
        for code in ["DE", "at", "GR", "HR", "CY", "MT", "IE", "SE"] {
            assert!(is_eu(code), "{code}");
        }
        for code in ["GB", "CH", "NO", "IS", "LI", "EL", "XI", "TR", "", "E"] {
            assert!(!is_eu(code), "{code}");
        }
    }
}
