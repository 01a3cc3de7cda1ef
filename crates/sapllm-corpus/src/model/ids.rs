//! Identifiers with check digits: VAT IDs (DE, FR, AT), IBANs (DE, FR, AT), BICs.
//!
//! Extractors and validators check these checksums, so fake-but-invalid IDs would make the
//! generated documents fail validation for the wrong reason. Each generator takes random digits
//! and computes the check digits the way the issuing scheme does.

use crate::rng::Rng;

use super::Country;

/// German USt-IdNr: `DE` + 8 digits + ISO 7064 MOD 11,10 check digit.
pub fn de_vat_check_digit(digits8: &str) -> u32 {
    let mut product = 10u32;
    for d in digits8.chars().filter_map(|c| c.to_digit(10)) {
        let mut sum = (d + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    let check = 11 - product;
    if check == 10 { 0 } else { check }
}

/// Austrian UID: `ATU` + 7 digits + check digit (Luhn-like with the constant 4).
pub fn at_vat_check_digit(digits7: &str) -> u32 {
    let d: Vec<u32> = digits7.chars().filter_map(|c| c.to_digit(10)).collect();
    let cross = |x: u32| x / 10 + x % 10;
    let sum = d[0] + cross(2 * d[1]) + d[2] + cross(2 * d[3]) + d[4] + cross(2 * d[5]) + d[6];
    (10 - (sum + 4) % 10) % 10
}

/// French TVA intracommunautaire key: (12 + 3 × (SIREN mod 97)) mod 97.
pub fn fr_vat_key(siren: u64) -> u64 {
    (12 + 3 * (siren % 97)) % 97
}

/// Luhn check digit for a French SIREN (8 digits given).
pub fn luhn_check_digit(digits: &str) -> u32 {
    // Doubling starts at the rightmost given digit, since the check digit will follow it.
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let x = 2 * d;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// A random valid SIREN (9 digits, Luhn).
pub fn siren(rng: &mut Rng) -> String {
    let head = format!("{}{}", rng.range(1, 9), rng.digits(7));
    format!("{head}{}", luhn_check_digit(&head))
}

/// A valid VAT ID for `country`, compact form (no spaces). `siren` is used for FR.
pub fn vat_id(country: Country, rng: &mut Rng, siren: &str) -> String {
    match country {
        Country::De => {
            let digits = format!("{}{}", rng.range(1, 9), rng.digits(7));
            format!("DE{digits}{}", de_vat_check_digit(&digits))
        }
        Country::At => {
            let digits = rng.digits(7);
            format!("ATU{digits}{}", at_vat_check_digit(&digits))
        }
        Country::Fr => {
            let n: u64 = siren.parse().unwrap_or(0);
            format!("FR{:02}{siren}", fr_vat_key(n))
        }
    }
}

/// Checks a VAT ID of the three supported countries.
pub fn vat_id_is_valid(id: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(rest) = id.strip_prefix("DE") {
        rest.len() == 9
            && all_digits(rest)
            && de_vat_check_digit(&rest[..8]) == rest[8..].parse::<u32>().unwrap_or(99)
    } else if let Some(rest) = id.strip_prefix("ATU") {
        rest.len() == 8
            && all_digits(rest)
            && at_vat_check_digit(&rest[..7]) == rest[7..].parse::<u32>().unwrap_or(99)
    } else if let Some(rest) = id.strip_prefix("FR") {
        rest.len() == 11
            && all_digits(rest)
            && fr_vat_key(rest[2..].parse().unwrap_or(0)) == rest[..2].parse::<u64>().unwrap_or(999)
    } else {
        false
    }
}

/// ISO 7064 MOD 97-10 remainder of an alphanumeric string (letters count as 10..35).
fn mod97(s: &str) -> u32 {
    let mut rem = 0u32;
    for c in s.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem
}

/// IBAN check digits for a country code and BBAN.
pub fn iban_check_digits(country: &str, bban: &str) -> u32 {
    98 - mod97(&format!("{bban}{country}00"))
}

pub fn iban_is_valid(iban: &str) -> bool {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() > 4 && mod97(&format!("{}{}", &compact[4..], &compact[..4])) == 1
}

/// French RIB key: 97 − ((89 × bank + 15 × branch + 3 × account) mod 97).
pub fn rib_key(bank: &str, branch: &str, account: &str) -> u64 {
    let n = |s: &str| s.parse::<u64>().unwrap_or(0);
    97 - ((89 * n(bank) + 15 * n(branch) + 3 * n(account)) % 97)
}

/// A valid IBAN (compact) for `country`.
pub fn iban(country: Country, rng: &mut Rng) -> String {
    let bban = match country {
        // Bankleitzahl (8) + account number (10).
        Country::De => format!("{}{}{}", rng.range(1, 8), rng.digits(7), rng.digits(10)),
        // Bankleitzahl (5) + account number (11).
        Country::At => format!("{}{}{}", rng.range(1, 6), rng.digits(4), rng.digits(11)),
        // Code banque (5) + code guichet (5) + numéro de compte (11) + clé RIB (2).
        Country::Fr => {
            let bank = format!("{}{}", rng.range(1, 4), rng.digits(4));
            let branch = rng.digits(5);
            let account = rng.digits(11);
            let key = rib_key(&bank, &branch, &account);
            format!("{bank}{branch}{account}{key:02}")
        }
    };
    let cc = country.code();
    format!("{cc}{:02}{bban}", iban_check_digits(cc, &bban))
}

/// IBAN in the printed form: groups of four.
pub fn iban_grouped(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A syntactically valid BIC: 4 letters bank, country, 2 location characters, optional branch.
pub fn bic(country: Country, rng: &mut Rng) -> String {
    let bank = rng.upper_letters(4);
    let location = format!("{}{}", rng.upper_letters(1), rng.range(1, 9));
    let branch = if rng.chance(50) {
        "XXX".to_owned()
    } else {
        String::new()
    };
    format!("{bank}{}{location}{branch}", country.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_examples_validate() {
        // The Austrian tax office's example UID and the Factur-X sample seller.
        assert!(vat_id_is_valid("ATU13585627"));
        assert!(vat_id_is_valid("FR32123456789"));
        assert!(!vat_id_is_valid("FR33123456789"));
        assert!(!vat_id_is_valid("ATU13585628"));
        // The IBAN of the ECBS/EPC examples.
        assert!(iban_is_valid("DE89 3704 0044 0532 0130 00"));
        assert!(iban_is_valid("FR14 2004 1010 0505 0001 3M02 606"));
        assert!(iban_is_valid("AT61 1904 3002 3457 3201"));
        assert!(!iban_is_valid("DE89 3704 0044 0532 0130 01"));
        assert_eq!(luhn_check_digit("12345678"), 2); // SIREN 123456782, VAT FR11123456782
        assert!(vat_id_is_valid("FR11123456782"));
    }

    #[test]
    fn generated_ids_validate() {
        let mut rng = Rng::new(42);
        for _ in 0..200 {
            for c in [Country::De, Country::Fr, Country::At] {
                let s = siren(&mut rng);
                assert_eq!(luhn_check_digit(&s[..8]).to_string(), &s[8..]);
                let v = vat_id(c, &mut rng, &s);
                assert!(vat_id_is_valid(&v), "{v}");
                let i = iban(c, &mut rng);
                assert!(iban_is_valid(&i), "{i}");
                let expected_len = match c {
                    Country::De => 22,
                    Country::Fr => 27,
                    Country::At => 20,
                };
                assert_eq!(i.len(), expected_len, "{i}");
                let b = bic(c, &mut rng);
                assert!(b.len() == 8 || b.len() == 11);
                assert_eq!(&b[4..6], c.code());
            }
        }
        assert_eq!(
            iban_grouped("DE89370400440532013000"),
            "DE89 3704 0044 0532 0130 00"
        );
    }

    #[test]
    fn de_check_digit_of_a_known_id() {
        // DE136695976 is the VAT ID published in many German test suites (valid checksum).
        assert_eq!(de_vat_check_digit("13669597"), 6);
    }
}
