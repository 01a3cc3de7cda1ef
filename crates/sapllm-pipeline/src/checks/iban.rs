//! IBAN validation (ISO 13616).
//!
//! Steps, in the order a human would check a printed IBAN:
//! 1. normalise: drop whitespace (paper format groups by four), upper-case,
//!    drop a leading `IBAN` label that extraction sometimes keeps;
//! 2. only `A-Z` / `0-9` may remain;
//! 3. the first two letters must be a country in the SWIFT IBAN registry;
//! 4. the total length must be the registry length for that country;
//! 5. the check digits must be two digits in `02..=98`;
//! 6. ISO 13616 / ISO 7064 MOD 97-10: move the first four characters to the
//!    end, replace every letter by two digits (`A` = 10 … `Z` = 35), and the
//!    resulting number modulo 97 must be 1.
//!
//! The BBAN (the national part) is only checked for its character set, not
//! for the per-country structure: national layouts change more often than
//! lengths, and a wrong structure table would reject real accounts.
//!
//! Full IBANs are personal data and must never reach the logs: `Debug` and
//! `Display` of [`Iban`] print the masked form, and no error carries the
//! number itself.

use std::fmt;

/// IBAN length per country code, from the SWIFT IBAN Registry (state of
/// release 99, December 2024). Sorted by code for binary search.
///
/// Territories without a registry prefix of their own use the parent's
/// code (Åland → FI, Guernsey/Jersey/Isle of Man → GB, French overseas
/// departments and collectivities → FR, Azores/Madeira → PT, Canaries → ES).
/// `XK` (Kosovo) is a user-assigned ISO code but a registry entry.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), // Andorra
    ("AE", 23), // United Arab Emirates
    ("AL", 28), // Albania
    ("AT", 20), // Austria
    ("AZ", 28), // Azerbaijan
    ("BA", 20), // Bosnia and Herzegovina
    ("BE", 16), // Belgium
    ("BG", 22), // Bulgaria
    ("BH", 22), // Bahrain
    ("BI", 27), // Burundi (27 since 2021; 16 before)
    ("BR", 29), // Brazil
    ("BY", 28), // Belarus
    ("CH", 21), // Switzerland
    ("CR", 22), // Costa Rica
    ("CY", 28), // Cyprus
    ("CZ", 24), // Czechia
    ("DE", 22), // Germany
    ("DJ", 27), // Djibouti
    ("DK", 18), // Denmark
    ("DO", 28), // Dominican Republic
    ("EE", 20), // Estonia
    ("EG", 29), // Egypt
    ("ES", 24), // Spain
    ("FI", 18), // Finland (incl. Åland)
    ("FK", 18), // Falkland Islands
    ("FO", 18), // Faroe Islands
    ("FR", 27), // France (incl. overseas)
    ("GB", 22), // United Kingdom (incl. GG, IM, JE)
    ("GE", 22), // Georgia
    ("GI", 23), // Gibraltar
    ("GL", 18), // Greenland
    ("GR", 27), // Greece
    ("GT", 28), // Guatemala
    ("HN", 28), // Honduras
    ("HR", 21), // Croatia
    ("HU", 28), // Hungary
    ("IE", 22), // Ireland
    ("IL", 23), // Israel
    ("IQ", 23), // Iraq
    ("IS", 26), // Iceland
    ("IT", 27), // Italy
    ("JO", 30), // Jordan
    ("KW", 30), // Kuwait
    ("KZ", 20), // Kazakhstan
    ("LB", 28), // Lebanon
    ("LC", 32), // Saint Lucia
    ("LI", 21), // Liechtenstein
    ("LT", 20), // Lithuania
    ("LU", 20), // Luxembourg
    ("LV", 21), // Latvia
    ("LY", 25), // Libya
    ("MC", 27), // Monaco
    ("MD", 24), // Moldova
    ("ME", 22), // Montenegro
    ("MK", 19), // North Macedonia
    ("MN", 20), // Mongolia
    ("MR", 27), // Mauritania
    ("MT", 31), // Malta
    ("MU", 30), // Mauritius
    ("NI", 28), // Nicaragua
    ("NL", 18), // Netherlands
    ("NO", 15), // Norway
    ("OM", 23), // Oman
    ("PK", 24), // Pakistan
    ("PL", 28), // Poland
    ("PS", 29), // Palestine
    ("PT", 25), // Portugal
    ("QA", 29), // Qatar
    ("RO", 24), // Romania
    ("RS", 22), // Serbia
    ("RU", 33), // Russia
    ("SA", 24), // Saudi Arabia
    ("SC", 31), // Seychelles
    ("SD", 18), // Sudan
    ("SE", 24), // Sweden
    ("SI", 19), // Slovenia
    ("SK", 24), // Slovakia
    ("SM", 27), // San Marino
    ("SO", 23), // Somalia
    ("ST", 25), // São Tomé and Príncipe
    ("SV", 28), // El Salvador
    ("TL", 23), // Timor-Leste
    ("TN", 24), // Tunisia
    ("TR", 26), // Türkiye
    ("UA", 29), // Ukraine
    ("VA", 22), // Vatican City
    ("VG", 24), // British Virgin Islands
    ("XK", 20), // Kosovo
    ("YE", 30), // Yemen
];

/// Registry IBAN length for a country code (upper-case), if it has IBANs.
pub fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .binary_search_by(|(code, _)| code.cmp(&country))
        .ok()
        .and_then(|i| IBAN_LENGTHS.get(i))
        .map(|(_, len)| *len)
}

/// Why a string is not a valid IBAN. Never contains the IBAN itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IbanError {
    /// Nothing left after removing whitespace.
    #[error("IBAN is empty")]
    Empty,
    /// A character other than `A-Z`/`0-9` (after removing whitespace).
    #[error("IBAN contains {found:?} at position {position}; only A-Z and 0-9 are allowed")]
    BadCharacters {
        /// 1-based position in the compacted IBAN.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The first two characters are not a country of the IBAN registry.
    #[error("unknown IBAN country code {country:?}")]
    UnknownCountry {
        /// The first (up to) two characters.
        country: String,
    },
    /// The length does not match the registry length for the country.
    #[error("wrong IBAN length for {country}: expected {expected} characters, got {actual}")]
    WrongLength {
        /// Country code of the IBAN.
        country: String,
        /// Registry length for that country.
        expected: usize,
        /// Length of the compacted input.
        actual: usize,
    },
    /// Positions 3–4 are not two digits in `02..=98`.
    #[error("IBAN check digits must be two digits between 02 and 98")]
    BadCheckDigits,
    /// The ISO 13616 mod-97 check failed (typo or transposed digits).
    #[error("IBAN checksum is wrong (ISO 13616 mod 97 check failed)")]
    BadChecksum,
}

/// A validated IBAN in electronic format (no spaces, upper-case).
///
/// `Debug` and `Display` show only [`Iban::masked`]; use [`Iban::as_str`]
/// explicitly where the full number is really needed (payment export,
/// storage).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Iban(String);

impl Iban {
    /// The full IBAN in electronic format, e.g. `DE89370400440532013000`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The two-letter country code, e.g. `DE`.
    pub fn country(&self) -> &str {
        // Construction guarantees at least 4 ASCII characters.
        self.0.get(..2).unwrap_or("")
    }

    /// The two check digits, e.g. `89`.
    pub fn check_digits(&self) -> &str {
        self.0.get(2..4).unwrap_or("")
    }

    /// The national part after country and check digits.
    pub fn bban(&self) -> &str {
        self.0.get(4..).unwrap_or("")
    }

    /// Log-safe form: country, check digits and the last four characters,
    /// the rest replaced by `*`, grouped by four like the paper format:
    /// `DE89 **** **** **** **30 00`.
    pub fn masked(&self) -> String {
        let len = self.0.len();
        let masked = self
            .0
            .char_indices()
            .map(|(i, c)| if i < 4 || i + 4 >= len { c } else { '*' });
        group_by_four(masked)
    }

    /// Paper format (groups of four), e.g. `DE89 3704 0044 0532 0130 00`.
    /// Contains the full number: not for logs.
    pub fn formatted(&self) -> String {
        group_by_four(self.0.chars())
    }
}

fn group_by_four(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    for (i, c) in chars.enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Iban").field(&self.masked()).finish()
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// ISO 7064 MOD 97-10 remainder of an IBAN-style string, processed
/// character by character so that no big integer is needed: each digit
/// shifts the running remainder by one decimal place, each letter (worth
/// 10..=35, i.e. two decimal digits) by two. Returns `None` for characters
/// outside `0-9A-Z`.
pub(crate) fn mod97(chars: impl Iterator<Item = u8>) -> Option<u32> {
    let mut rem: u32 = 0;
    for b in chars {
        rem = match b {
            b'0'..=b'9' => (rem * 10 + u32::from(b - b'0')) % 97,
            b'A'..=b'Z' => (rem * 100 + u32::from(b - b'A') + 10) % 97,
            _ => return None,
        };
    }
    Some(rem)
}

/// Validates an IBAN as printed or extracted from a document.
///
/// Accepts whitespace anywhere (paper format), lower case and a leading
/// `IBAN` label; see the module docs for the checks.
pub fn check_iban(raw: &str) -> Result<Iban, IbanError> {
    let mut s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    // "IBAN DE89…" / "IBAN: DE89…": there is no country "IB", so dropping
    // the label cannot turn a wrong value into a valid one.
    if let Some(rest) = s.strip_prefix("IBAN") {
        s = rest.strip_prefix(':').unwrap_or(rest).to_owned();
    }
    if s.is_empty() {
        return Err(IbanError::Empty);
    }
    if let Some((i, c)) = s
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
    {
        return Err(IbanError::BadCharacters {
            position: i + 1,
            found: c,
        });
    }
    // From here on `s` is pure ASCII, so byte slicing is safe.
    let country = s.get(..2).unwrap_or(&s);
    let Some(expected) = iban_length(country) else {
        return Err(IbanError::UnknownCountry {
            country: country.to_owned(),
        });
    };
    if s.len() != expected {
        return Err(IbanError::WrongLength {
            country: country.to_owned(),
            expected,
            actual: s.len(),
        });
    }
    // The algorithm can only produce 02..=98; 00, 01 and 99 would still pass
    // the mod-97 test for some numbers (99 ≡ 2 mod 97), so reject them here.
    let check = s.get(2..4).unwrap_or("");
    let check_ok =
        check.bytes().all(|b| b.is_ascii_digit()) && matches!(check.parse::<u8>(), Ok(2..=98));
    if !check_ok {
        return Err(IbanError::BadCheckDigits);
    }
    let rearranged = s.bytes().skip(4).chain(s.bytes().take(4));
    if mod97(rearranged) != Some(1) {
        return Err(IbanError::BadChecksum);
    }
    Ok(Iban(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Example IBANs published in the SWIFT IBAN registry (one per country
    /// where known) plus a few well-known real-world examples.
    const VALID: &[&str] = &[
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "NO9386011117947",
        "AD1200012030200359100100",
        "AE070331234567890123456",
        "AL47212110090000000235698741",
        "AT611904300234573201",
        "AZ21NABZ00000000137010001944",
        "BA391290079401028494",
        "BE68539007547034",
        "BG80BNBG96611020345678",
        "BH67BMAG00001299123456",
        "BI4210000100010000332045181",
        "BR1800360305000010009795493C1",
        "BY13NBRB3600900000002Z00AB00",
        "CH9300762011623852957",
        "CR05015202001026284066",
        "CY17002001280000001200527600",
        "CZ6508000000192000145399",
        "DK5000400440116243",
        "DO28BAGR00000001212453611324",
        "EE382200221020145685",
        "EG380019000500000000263180002",
        "ES9121000418450200051332",
        "FI2112345600000785",
        "FO6264600001631634",
        "GB29NWBK60161331926819",
        "GE29NB0000000101904917",
        "GI75NWBK000000007099453",
        "GL8964710001000206",
        "GR1601101250000000012300695",
        "GT82TRAJ01020000001210029690",
        "HR1210010051863000160",
        "HU42117730161111101800000000",
        "IE29AIBK93115212345678",
        "IL620108000000099999999",
        "IQ98NBIQ850123456789012",
        "IS140159260076545510730339",
        "IT60X0542811101000000123456",
        "JO94CBJO0010000000000131000302",
        "KW81CBKU0000000000001234560101",
        "KZ86125KZT5004100100",
        "LB62099900000001001901229114",
        "LC55HEMM000100010012001200023015",
        "LI21088100002324013AA",
        "LT121000011101001000",
        "LU280019400644750000",
        "LV80BANK0000435195001",
        "MC5811222000010123456789030",
        "MD24AG000225100013104168",
        "ME25505000012345678951",
        "MK07250120000058984",
        "MR1300020001010000123456753",
        "MT84MALT011000012345MTLCAST001S",
        "MU17BOMM0101101030300200000MUR",
        "PK36SCBL0000001123456702",
        "PL61109010140000071219812874",
        "PS92PALS000000000400123456702",
        "PT50000201231234567890154",
        "QA58DOHB00001234567890ABCDEFG",
        "RO49AAAA1B31007593840000",
        "RS35260005601001611379",
        "SA0380000000608010167519",
        "SC18SSCB11010000000000001497USD",
        "SE4550000000058398257466",
        "SI56263300012039086",
        "SK3112000000198742637541",
        "SM86U0322509800000000270100",
        "ST23000100010051845310146",
        "SV62CENR00000000000000700025",
        "TL380080012345678910157",
        "TN5910006035183598478831",
        "TR330006100519786457841326",
        "UA213223130000026007233566001",
        "VA59001123000012345678",
        "VG96VPVG0000012345678901",
        "XK051212012345678906",
        "DJ2100010000000154000100186",
        "FK88SC123456789012",
        "HN88CABF00000000000250005469",
        "LY83002048000020100120361",
        "MN121234123456789123",
        "NI45BAPR00000013000003558124",
        "OM810180000001299123456",
        "RU0304452522540817810538091310419",
        "SD2129010501234001",
        "SO211000001001000100141",
        "YE15CBYE0001018861234567891234",
    ];

    #[test]
    fn every_registry_country_has_an_example() {
        for (code, _) in IBAN_LENGTHS {
            assert!(
                VALID.iter().any(|iban| iban.starts_with(code)),
                "no example for {code}"
            );
        }
    }

    #[test]
    fn lengths_table_sorted_and_consistent() {
        assert!(IBAN_LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, len) in IBAN_LENGTHS {
            // Every registry prefix is an ISO country, except user-assigned XK.
            assert!(
                *code == "XK" || super::super::country::is_country(code),
                "{code}"
            );
            assert!((15..=34).contains(len), "{code}");
        }
    }

    #[test]
    fn valid_examples_pass() {
        for iban in VALID {
            let parsed = check_iban(iban).unwrap_or_else(|e| panic!("{iban}: {e}"));
            assert_eq!(parsed.as_str(), *iban);
        }
    }

    #[test]
    fn every_registry_example_has_registry_length() {
        // Guards the length table: a wrong entry would make its example fail.
        for iban in VALID {
            assert_eq!(iban_length(&iban[..2]), Some(iban.len()), "{iban}");
        }
    }

    #[test]
    fn accepts_paper_format_lowercase_and_label() {
        let a = check_iban("DE89 3704 0044 0532 0130 00").map(|i| i.as_str().to_owned());
        assert_eq!(a.as_deref(), Ok("DE89370400440532013000"));
        assert!(check_iban("de89 3704 0044 0532 0130 00").is_ok());
        assert!(check_iban("  IBAN: DE89 3704 0044 0532 0130 00\n").is_ok());
        assert!(check_iban("IBAN DE89370400440532013000").is_ok());
        assert!(check_iban("DE89\u{a0}3704\u{a0}0044\u{a0}0532\u{a0}0130\u{a0}00").is_ok());
    }

    #[test]
    fn every_single_digit_change_fails() {
        // MOD 97-10 detects all single substitutions; prove it on the
        // well-known examples by changing every digit position to every
        // other digit.
        for iban in [
            "DE89370400440532013000",
            "GB82WEST12345698765432",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "NO9386011117947",
        ] {
            for (pos, b) in iban.bytes().enumerate().skip(2) {
                if !b.is_ascii_digit() {
                    continue;
                }
                for d in b'0'..=b'9' {
                    if d == b {
                        continue;
                    }
                    let mut bytes = iban.as_bytes().to_vec();
                    bytes[pos] = d;
                    let changed = String::from_utf8(bytes).expect("ascii");
                    assert!(check_iban(&changed).is_err(), "{changed} must fail");
                }
            }
        }
    }

    #[test]
    fn one_digit_changed_reports_checksum() {
        assert_eq!(
            check_iban("DE89370400440532013001"),
            Err(IbanError::BadChecksum)
        );
        assert_eq!(
            check_iban("GB82WEST12345698765433"),
            Err(IbanError::BadChecksum)
        );
        assert_eq!(
            check_iban("FR1420041010050500013M02607"),
            Err(IbanError::BadChecksum)
        );
        assert_eq!(
            check_iban("NL91ABNA0417164301"),
            Err(IbanError::BadChecksum)
        );
        assert_eq!(check_iban("NO9386011117948"), Err(IbanError::BadChecksum));
        // Transposition of two adjacent digits.
        assert_eq!(
            check_iban("DE89370400440532031000"),
            Err(IbanError::BadChecksum)
        );
    }

    #[test]
    fn error_kinds() {
        assert_eq!(check_iban(""), Err(IbanError::Empty));
        assert_eq!(check_iban("   "), Err(IbanError::Empty));
        assert_eq!(check_iban("IBAN"), Err(IbanError::Empty));
        assert_eq!(
            check_iban("XX89370400440532013000"),
            Err(IbanError::UnknownCountry {
                country: "XX".into()
            })
        );
        assert_eq!(
            check_iban("US89370400440532013000"),
            Err(IbanError::UnknownCountry {
                country: "US".into()
            })
        );
        assert_eq!(
            check_iban("D"),
            Err(IbanError::UnknownCountry {
                country: "D".into()
            })
        );
        assert_eq!(
            check_iban("DE8937040044053201300"),
            Err(IbanError::WrongLength {
                country: "DE".into(),
                expected: 22,
                actual: 21
            })
        );
        assert_eq!(
            check_iban("DE89-3704-0044-0532-0130-00"),
            Err(IbanError::BadCharacters {
                position: 5,
                found: '-'
            })
        );
        assert_eq!(
            check_iban("DE89370400440532013ö00"),
            Err(IbanError::BadCharacters {
                position: 20,
                found: 'ö'
            })
        );
        assert_eq!(
            check_iban("DEAB370400440532013000"),
            Err(IbanError::BadCheckDigits)
        );
    }

    #[test]
    fn check_digits_00_01_99_rejected() {
        // 99 ≡ 2 (mod 97): replacing check digits 02 by 99 keeps the mod-97
        // remainder, so only the explicit range check catches it.
        let with_02 = (0..10_000u32)
            .map(|n| make_iban("GB", &format!("WEST{n:014}")))
            .find(|iban| iban.get(2..4) == Some("02"))
            .expect("some account number yields check digits 02");
        assert!(check_iban(&with_02).is_ok());
        let with_99 = format!("GB99{}", &with_02[4..]);
        assert_eq!(
            mod97(with_99[4..].bytes().chain(with_99[..4].bytes())),
            Some(1)
        );
        assert_eq!(check_iban(&with_99), Err(IbanError::BadCheckDigits));
        assert_eq!(
            check_iban("DE00370400440532013000"),
            Err(IbanError::BadCheckDigits)
        );
        assert_eq!(
            check_iban("DE01370400440532013000"),
            Err(IbanError::BadCheckDigits)
        );
        assert_eq!(
            check_iban("DE99370400440532013000"),
            Err(IbanError::BadCheckDigits)
        );
    }

    /// Computes check digits for a BBAN (test helper; ISO 13616 §C).
    fn make_iban(country: &str, bban: &str) -> String {
        let s = format!("{bban}{country}00");
        let rem = mod97(s.bytes()).expect("alnum");
        format!("{country}{:02}{bban}", 98 - rem)
    }

    #[test]
    fn constructed_iban_for_every_registry_country_passes() {
        for (code, len) in IBAN_LENGTHS {
            let bban: String = "1234567890".chars().cycle().take(len - 4).collect();
            let iban = make_iban(code, &bban);
            assert!(check_iban(&iban).is_ok(), "{iban}");
        }
    }

    #[test]
    fn masking() {
        let iban = check_iban("DE89370400440532013000").expect("valid");
        assert_eq!(iban.masked(), "DE89 **** **** **** **30 00");
        assert_eq!(iban.country(), "DE");
        assert_eq!(iban.check_digits(), "89");
        assert_eq!(iban.bban(), "370400440532013000");
        assert_eq!(iban.formatted(), "DE89 3704 0044 0532 0130 00");
        let no = check_iban("NO9386011117947").expect("valid");
        assert_eq!(no.masked(), "NO93 **** ***7 947");
    }

    #[test]
    fn debug_and_display_never_show_full_iban() {
        let iban = check_iban("GB82WEST12345698765432").expect("valid");
        let debug = format!("{iban:?}");
        let display = format!("{iban}");
        for shown in [&debug, &display] {
            assert!(!shown.contains("WEST1234"), "{shown}");
            assert!(shown.contains("GB82"), "{shown}");
        }
        // Errors never echo the number either.
        let err = check_iban("GB82WEST12345698765433").expect_err("invalid");
        assert!(!format!("{err} {err:?}").contains("1234569"));
    }
}
