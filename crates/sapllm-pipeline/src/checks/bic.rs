//! BIC / SWIFT code format check (ISO 9362).
//!
//! Layout: `BBBB CC LL [bbb]`
//! * `BBBB` – institution ("bank") code, four letters. ISO 9362:2014 allows
//!   digits here in theory, but no digit-bearing code has been issued for
//!   financial institutions, and a digit in this position on an invoice is
//!   almost always an OCR error (`0`/`O`, `1`/`I`), so letters are required;
//! * `CC` – ISO 3166-1 alpha-2 country code (plus `XK` Kosovo, which SWIFT
//!   uses although it is a user-assigned code);
//! * `LL` – location code, letters or digits. Per ISO 9362 the first
//!   character is never `0` or `1`, and the second is never the letter `O`
//!   (reserved to avoid `0`/`O` confusion). A second character `0` marks a
//!   test & training BIC: valid format, but not usable for real payments;
//! * `bbb` – optional branch code; `XXX` is the primary office, any other
//!   branch code must not start with `X`.
//!
//! There is no check digit: only the format can be verified offline.

use std::fmt;

use super::country::is_country;

/// Why a string is not a well-formed BIC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BicError {
    /// Nothing left after removing whitespace.
    #[error("BIC is empty")]
    Empty,
    /// Not 8 or 11 characters.
    #[error("BIC must have 8 or 11 characters, got {actual}")]
    WrongLength {
        /// Length of the compacted input in characters.
        actual: usize,
    },
    /// The first four characters are not all letters.
    #[error("BIC institution code (characters 1-4) must be four letters")]
    BadBankCode,
    /// Characters 5–6 are not a known ISO country.
    #[error("BIC country code {country:?} (characters 5-6) is not an ISO 3166 country")]
    UnknownCountry {
        /// Characters 5–6 as found.
        country: String,
    },
    /// Characters 7–8 violate the location-code rules.
    #[error(
        "BIC location code (characters 7-8) must be letters/digits, not start with 0 or 1, \
         and not end with the letter O"
    )]
    BadLocation,
    /// Characters 9–11 violate the branch-code rules.
    #[error(
        "BIC branch code (characters 9-11) must be letters/digits and start with X only as XXX"
    )]
    BadBranch,
}

/// A well-formed BIC, upper-case, without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bic(String);

impl Bic {
    /// The compacted BIC, 8 or 11 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Institution code, characters 1–4.
    pub fn bank_code(&self) -> &str {
        self.0.get(..4).unwrap_or("")
    }
    /// Country code, characters 5–6.
    pub fn country(&self) -> &str {
        self.0.get(4..6).unwrap_or("")
    }
    /// Location code, characters 7–8.
    pub fn location(&self) -> &str {
        self.0.get(6..8).unwrap_or("")
    }
    /// Branch code (characters 9–11), if present.
    pub fn branch(&self) -> Option<&str> {
        self.0.get(8..11)
    }
    /// `true` for 8-character BICs and branch `XXX`.
    pub fn is_primary_office(&self) -> bool {
        matches!(self.branch(), None | Some("XXX"))
    }
    /// `true` if the location's second character is `0` (test & training
    /// BIC, not reachable on the live network).
    pub fn is_test_bic(&self) -> bool {
        self.0.as_bytes().get(7) == Some(&b'0')
    }
    /// The 11-character form (`XXX` appended to 8-character BICs), which
    /// is what most payment formats store.
    pub fn to_bic11(&self) -> String {
        if self.0.len() == 8 {
            format!("{}XXX", self.0)
        } else {
            self.0.clone()
        }
    }
}

impl fmt::Display for Bic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks the format of a BIC as printed on a document. Whitespace is
/// removed (`DEUT DE FF`) and letters are upper-cased.
pub fn check_bic(raw: &str) -> Result<Bic, BicError> {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if s.is_empty() {
        return Err(BicError::Empty);
    }
    let actual = s.chars().count();
    if actual != 8 && actual != 11 {
        return Err(BicError::WrongLength { actual });
    }
    let chars: Vec<char> = s.chars().collect();
    let alnum = |c: &char| c.is_ascii_uppercase() || c.is_ascii_digit();

    let bank = chars.get(..4).unwrap_or(&[]);
    if !bank.iter().all(char::is_ascii_uppercase) {
        return Err(BicError::BadBankCode);
    }
    let country: String = chars.get(4..6).unwrap_or(&[]).iter().collect();
    if !(country == "XK" || is_country(&country)) {
        return Err(BicError::UnknownCountry { country });
    }
    match chars.get(6..8) {
        Some([l1, l2]) if alnum(l1) && alnum(l2) && !matches!(l1, '0' | '1') && *l2 != 'O' => {}
        _ => return Err(BicError::BadLocation),
    }
    if let Some(branch) = chars.get(8..) {
        let ok = branch.is_empty()
            || (branch.iter().all(alnum)
                && (branch == ['X', 'X', 'X'] || branch.first() != Some(&'X')));
        if !ok {
            return Err(BicError::BadBranch);
        }
    }
    Ok(Bic(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_world_bics() {
        for bic in [
            "DEUTDEFF",
            "DEUTDEFF500",
            "COBADEFFXXX",
            "NWBKGB2L",
            "BNPAFRPP",
            "ABNANL2A",
            "RABONL2U",
            "DNBANOKK",
            "UBSWCHZH80A",
            "BOFIIE2D",
            "KRONDK22",
            "NDEAFIHH",
            "AGRIFRPP882",
            "GIBAATWWXXX",
            "RZBAXKPR", // Kosovo: user-assigned XK accepted
        ] {
            assert!(check_bic(bic).is_ok(), "{bic}");
        }
    }

    #[test]
    fn normalisation_and_parts() {
        let bic = check_bic(" deut de ff 500 ").expect("valid");
        assert_eq!(bic.as_str(), "DEUTDEFF500");
        assert_eq!(bic.bank_code(), "DEUT");
        assert_eq!(bic.country(), "DE");
        assert_eq!(bic.location(), "FF");
        assert_eq!(bic.branch(), Some("500"));
        assert!(!bic.is_primary_office());
        assert!(!bic.is_test_bic());

        let head = check_bic("DEUTDEFF").expect("valid");
        assert_eq!(head.branch(), None);
        assert!(head.is_primary_office());
        assert_eq!(head.to_bic11(), "DEUTDEFFXXX");
        assert_eq!(
            check_bic("DEUTDEFFXXX").map(|b| b.is_primary_office()),
            Ok(true)
        );
    }

    #[test]
    fn test_bic_is_valid_but_flagged() {
        let bic = check_bic("DEUTDEF0").expect("format valid");
        assert!(bic.is_test_bic());
    }

    #[test]
    fn errors() {
        assert_eq!(check_bic(""), Err(BicError::Empty));
        assert_eq!(
            check_bic("DEUTDEF"),
            Err(BicError::WrongLength { actual: 7 })
        );
        assert_eq!(
            check_bic("DEUTDEFF5"),
            Err(BicError::WrongLength { actual: 9 })
        );
        assert_eq!(
            check_bic("DEUTDEFF5000"),
            Err(BicError::WrongLength { actual: 12 })
        );
        assert_eq!(check_bic("DEU1DEFF"), Err(BicError::BadBankCode));
        assert_eq!(
            check_bic("DEUTZZFF"),
            Err(BicError::UnknownCountry {
                country: "ZZ".into()
            })
        );
        assert_eq!(
            check_bic("DEUT1EFF"),
            Err(BicError::UnknownCountry {
                country: "1E".into()
            })
        );
        assert_eq!(check_bic("DEUTDE0F"), Err(BicError::BadLocation));
        assert_eq!(check_bic("DEUTDE1F"), Err(BicError::BadLocation));
        assert_eq!(check_bic("DEUTDEFO"), Err(BicError::BadLocation));
        assert_eq!(check_bic("DEUTDEF-"), Err(BicError::BadLocation));
        assert_eq!(check_bic("DEUTDEFFX12"), Err(BicError::BadBranch));
        assert_eq!(check_bic("DEUTDEFF50-"), Err(BicError::BadBranch));
        assert_eq!(check_bic("DEUTDEFFÄ00"), Err(BicError::BadBranch));
        assert_eq!(check_bic("DEÜTDEFF"), Err(BicError::BadBankCode));
    }
}
