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
        other => vat_id_other(other, rng).unwrap_or_default(),
    }
}

fn digits_of(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

fn weighted(digits: &str, weights: &[u32]) -> u32 {
    digits_of(digits)
        .iter()
        .zip(weights)
        .map(|(d, w)| d * w)
        .sum()
}

/// Spanish CIF control digit (numeric form) for the 7 digits after the letter.
pub fn es_cif_control(digits7: &str) -> u32 {
    let d = digits_of(digits7);
    let cross = |x: u32| x / 10 + x % 10;
    let even: u32 = d.iter().skip(1).step_by(2).sum();
    let odd: u32 = d.iter().step_by(2).map(|x| cross(2 * x)).sum();
    (10 - (even + odd) % 10) % 10
}

/// Check digit of a Dutch BTW number's 9-digit core (weights 9..2; 10 is not allowed).
pub fn nl_check(digits8: &str) -> Option<u32> {
    let c = weighted(digits8, &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    (c < 10).then_some(c)
}

/// Polish NIP check digit (10 is not allowed).
pub fn pl_check(digits9: &str) -> Option<u32> {
    let c = weighted(digits9, &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
    (c < 10).then_some(c)
}

/// Portuguese NIF check digit.
pub fn pt_check(digits8: &str) -> u32 {
    let c = 11 - weighted(digits8, &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    if c >= 10 { 0 } else { c }
}

/// UK VAT number check (old scheme): weighted sum of 7 digits plus the 2-digit check ≡ 0 mod 97.
pub fn gb_check(digits7: &str) -> u32 {
    (97 - weighted(digits7, &[8, 7, 6, 5, 4, 3, 2]) % 97) % 97
}

/// Swiss UID check digit (10 is not allowed).
pub fn ch_check(digits8: &str) -> Option<u32> {
    let c = 11 - weighted(digits8, &[5, 4, 3, 2, 7, 6, 5, 4]) % 11;
    match c {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

/// Belgian enterprise number check: 97 − (first 8 digits mod 97).
pub fn be_check(digits8: &str) -> u64 {
    97 - digits8.parse::<u64>().unwrap_or(0) % 97
}

/// Danish CVR: last digit that makes the weighted sum divisible by 11 (10 is not allowed).
pub fn dk_check(digits7: &str) -> Option<u32> {
    let c = (11 - weighted(digits7, &[2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
    (c < 10).then_some(c)
}

/// Czech DIČ of a legal entity (8 digits).
pub fn cz_check(digits7: &str) -> u32 {
    let c = 11 - weighted(digits7, &[8, 7, 6, 5, 4, 3, 2]) % 11;
    match c {
        10 => 0,
        11 => 1,
        c => c,
    }
}

/// VAT IDs of the countries beyond DE, FR and AT; `None` for the US (no VAT).
fn vat_id_other(country: Country, rng: &mut Rng) -> Option<String> {
    // Schemes that forbid a check value of 10 draw again.
    for _ in 0..64 {
        let id = match country {
            Country::Es => {
                let d = rng.digits(7);
                Some(format!(
                    "ES{}{d}{}",
                    rng.pick(&['A', 'B']),
                    es_cif_control(&d)
                ))
            }
            Country::It => {
                let d = format!("{}{:03}", rng.digits(7), rng.range(1, 100));
                Some(format!("IT{d}{}", luhn_check_digit(&d)))
            }
            Country::Nl => {
                let d = format!("{}{}", rng.range(1, 9), rng.digits(7));
                nl_check(&d).map(|c| format!("NL{d}{c}B{:02}", rng.range(1, 3)))
            }
            Country::Pl => {
                let d = format!("{}{}", rng.range(1, 9), rng.digits(8));
                pl_check(&d).map(|c| format!("PL{d}{c}"))
            }
            Country::Pt => {
                let d = format!("5{}", rng.digits(7));
                Some(format!("PT{d}{}", pt_check(&d)))
            }
            Country::Gb => {
                let d = format!("{}{}", rng.range(1, 9), rng.digits(6));
                Some(format!("GB{d}{:02}", gb_check(&d)))
            }
            Country::Ch => {
                let d = format!("{}{}", rng.range(1, 9), rng.digits(7));
                ch_check(&d).map(|c| format!("CHE{d}{c}"))
            }
            Country::Be => {
                let d = format!("0{}{}", rng.range(2, 9), rng.digits(6));
                Some(format!("BE{d}{:02}", be_check(&d)))
            }
            Country::Se => {
                let d = format!("556{}", rng.digits(6));
                Some(format!("SE{d}{}01", luhn_check_digit(&d)))
            }
            Country::Dk => {
                let d = format!("{}{}", rng.range(1, 9), rng.digits(6));
                dk_check(&d).map(|c| format!("DK{d}{c}"))
            }
            Country::Cz => {
                let d = format!("{}{}", rng.range(1, 9), rng.digits(6));
                Some(format!("CZ{d}{}", cz_check(&d)))
            }
            Country::Us | Country::De | Country::Fr | Country::At => return None,
        };
        if id.is_some() {
            return id;
        }
    }
    None
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
        other_vat_id_is_valid(id)
    }
}

fn other_vat_id_is_valid(id: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let (cc, rest) = id.split_at(2.min(id.len()));
    let n = rest.len();
    let last = |k: usize| rest[n - k..].parse::<u64>().unwrap_or(999);
    match cc {
        "ES" => {
            n == 9
                && rest.starts_with(['A', 'B'])
                && all_digits(&rest[1..])
                && u64::from(es_cif_control(&rest[1..8])) == last(1)
        }
        "IT" => n == 11 && all_digits(rest) && u64::from(luhn_check_digit(&rest[..10])) == last(1),
        "NL" => {
            n == 12
                && all_digits(&rest[..9])
                && &rest[9..10] == "B"
                && nl_check(&rest[..8]).map(u64::from) == rest[8..9].parse::<u64>().ok()
        }
        "PL" => n == 10 && all_digits(rest) && pl_check(&rest[..9]).map(u64::from) == Some(last(1)),
        "PT" => n == 9 && all_digits(rest) && u64::from(pt_check(&rest[..8])) == last(1),
        "GB" => n == 9 && all_digits(rest) && u64::from(gb_check(&rest[..7])) == last(2),
        "CH" => {
            n == 10
                && rest.starts_with('E')
                && all_digits(&rest[1..])
                && ch_check(&rest[1..9]).map(u64::from) == Some(last(1))
        }
        "BE" => n == 10 && all_digits(rest) && be_check(&rest[..8]) == last(2),
        "SE" => {
            n == 12
                && all_digits(rest)
                && rest.ends_with("01")
                && u64::from(luhn_check_digit(&rest[..9]))
                    == rest[9..10].parse::<u64>().unwrap_or(99)
        }
        "DK" => n == 8 && all_digits(rest) && dk_check(&rest[..7]).map(u64::from) == Some(last(1)),
        "CZ" => n == 8 && all_digits(rest) && u64::from(cz_check(&rest[..7])) == last(1),
        _ => false,
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
        Country::Es => {
            let (bank, branch, account) = (rng.digits(4), rng.digits(4), rng.digits(10));
            let c1 = es_bank_control(&format!("00{bank}{branch}"));
            let c2 = es_bank_control(&account);
            format!("{bank}{branch}{c1}{c2}{account}")
        }
        Country::It => format!(
            "{}{}{}{}",
            rng.upper_letters(1),
            rng.digits(5),
            rng.digits(5),
            rng.digits(12)
        ),
        Country::Nl => format!(
            "{}{}",
            rng.pick(&["ABNA", "INGB", "RABO", "SNSB", "TRIO", "KNAB"]),
            rng.digits(10)
        ),
        Country::Pl => format!("{}{}", rng.digits(8), rng.digits(16)),
        Country::Pt => format!("00{}{}", rng.digits(2), rng.digits(17)),
        Country::Gb => format!("{}{}{}", rng.upper_letters(4), rng.digits(6), rng.digits(8)),
        Country::Ch => format!("00{}{}", rng.digits(3), rng.digits(12)),
        Country::Be => {
            let d = format!("{}{}", rng.range(1, 9), rng.digits(9));
            let check = d.parse::<u64>().unwrap_or(0) % 97;
            format!("{d}{:02}", if check == 0 { 97 } else { check })
        }
        Country::Se => format!("{}{}", rng.range(1, 9), rng.digits(19)),
        Country::Dk => format!("{}{}", rng.range(1, 9), rng.digits(13)),
        Country::Cz => format!("0{}{}", rng.range(100, 800), rng.digits(16)),
        // No IBAN in the US; callers do not ask (a US seller has no `bank`), but stay valid.
        Country::Us => rng.digits(18),
    };
    let cc = country.code();
    format!("{cc}{:02}{bban}", iban_check_digits(cc, &bban))
}

/// Spanish account control digit (weights 1, 2, 4, 8, 5, 10, 9, 7, 3, 6 over 10 digits).
pub fn es_bank_control(digits10: &str) -> u32 {
    let c = 11 - weighted(digits10, &[1, 2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11;
    match c {
        11 => 0,
        10 => 1,
        c => c,
    }
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
            for c in Country::ALL {
                let s = siren(&mut rng);
                assert_eq!(luhn_check_digit(&s[..8]).to_string(), &s[8..]);
                let v = vat_id(c, &mut rng, &s);
                if c == Country::Us {
                    assert!(v.is_empty(), "the US has no VAT ID");
                    continue;
                }
                assert!(vat_id_is_valid(&v), "{v}");
                assert!(v.starts_with(c.code()), "{v}");
                let i = iban(c, &mut rng);
                assert!(iban_is_valid(&i), "{i}");
                let expected_len = match c {
                    Country::De | Country::Gb => 22,
                    Country::Fr | Country::It => 27,
                    Country::At => 20,
                    Country::Es | Country::Se | Country::Cz => 24,
                    Country::Nl | Country::Dk => 18,
                    Country::Pl => 28,
                    Country::Pt => 25,
                    Country::Ch => 21,
                    Country::Be => 16,
                    Country::Us => 0,
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
    fn published_ids_of_other_countries_validate() {
        // Examples from the national registers' documentation.
        assert!(vat_id_is_valid("NL004495445B01"));
        assert!(vat_id_is_valid("PL5260250274"));
        assert!(vat_id_is_valid("PT501964843"));
        assert!(!vat_id_is_valid("PL5260250275"));
        assert!(!vat_id_is_valid("PT501964842"));
        assert!(iban_is_valid("ES9121000418450200051332"));
        assert!(iban_is_valid("IT60X0542811101000000123456"));
        assert!(iban_is_valid("NL91ABNA0417164300"));
        assert!(iban_is_valid("PL61109010140000071219812874"));
        assert!(iban_is_valid("GB29NWBK60161331926819"));
        assert!(iban_is_valid("CH9300762011623852957"));
        assert_eq!(es_bank_control("0021000418"), 4);
    }

    #[test]
    fn de_check_digit_of_a_known_id() {
        // DE136695976 is the VAT ID published in many German test suites (valid checksum).
        assert_eq!(de_vat_check_digit("13669597"), 6);
    }
}
