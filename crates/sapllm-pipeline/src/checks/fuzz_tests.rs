//! Fuzz-style robustness tests: many random and odd inputs through every
//! public check. The only assertion for arbitrary input is "no panic"; for
//! accepted values, the result must be stable when checked again.
//!
//! A small xorshift generator keeps this deterministic and dependency-free.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Characters that tend to break naive parsers: multi-byte UTF-8,
/// case-mapping oddities (ß, İ, ı, ﬁ), full-width and non-Latin digits,
/// zero-width and bidi controls, NUL, combining marks, emoji.
const ODD: &[char] = &[
    'ä', 'Ö', 'ß', 'İ', 'ı', 'ﬁ', 'Ａ', '１', '٣', '०', '\u{200b}', '\u{200e}', '\u{202e}',
    '\u{0}', '\u{301}', '😀', '€', '\u{a0}', '\t', '\n', 'Σ', 'ς', 'Ω', 'я', '中', '\u{feff}',
    '\u{fffd}',
];
const ASCII: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .-/:+*_#";

fn random_string(rng: &mut XorShift, max_len: usize) -> String {
    let len = rng.below(max_len + 1);
    (0..len)
        .map(|_| {
            if rng.below(5) == 0 {
                ODD[rng.below(ODD.len())]
            } else {
                char::from(ASCII[rng.below(ASCII.len())])
            }
        })
        .collect()
}

/// Valid-looking seeds so mutations reach the deep branches of each rule.
const SEEDS: &[&str] = &[
    "DE89370400440532013000",
    "GB82WEST12345698765432",
    "FR1420041010050500013M02606",
    "NO9386011117947",
    "DE136695976",
    "ATU13585627",
    "FR40303265045",
    "FRK7399859412",
    "NL004495445B01",
    "IT00743110157",
    "ESA28015865",
    "ESX1234567L",
    "IE8D79739I",
    "IE6433435OA",
    "CY10259033P",
    "CZ7103192745",
    "CZ640903926",
    "CHE116281710MWST",
    "NO974760673MVA",
    "GBGD001",
    "DEUTDEFF500",
];

fn mutate(rng: &mut XorShift, seed: &str) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for _ in 0..=rng.below(3) {
        match rng.below(4) {
            0 if !chars.is_empty() => {
                let i = rng.below(chars.len());
                chars[i] = if rng.below(3) == 0 {
                    ODD[rng.below(ODD.len())]
                } else {
                    char::from(ASCII[rng.below(ASCII.len())])
                };
            }
            1 if !chars.is_empty() => {
                chars.remove(rng.below(chars.len()));
            }
            2 => {
                let i = rng.below(chars.len() + 1);
                chars.insert(i, char::from(ASCII[rng.below(10)]));
            }
            _ => chars.truncate(rng.below(chars.len() + 1)),
        }
    }
    chars.into_iter().collect()
}

fn exercise(input: &str) {
    if let Ok(iban) = check_iban(input) {
        let again = check_iban(iban.as_str()).expect("accepted IBAN must re-validate");
        assert_eq!(again, iban);
        let masked = iban.masked();
        assert_eq!(
            masked.chars().filter(|c| *c != ' ').count(),
            iban.as_str().len()
        );
        assert!(!format!("{iban:?}").contains(iban.bban()));
    }
    if let Ok(vat) = check_vat_id(input) {
        let again = check_vat_id(&vat.compact()).expect("accepted VAT ID must re-validate");
        assert_eq!(again, vat);
    }
    if let Ok(bic) = check_bic(input) {
        assert_eq!(check_bic(bic.as_str()), Ok(bic.clone()));
    }
    let _ = is_country(input);
    let _ = is_eu(input);
    let _ = is_iso4217(input);
    let _ = minor_units(input);
    let _ = is_transaction_currency(input);
    let _ = plausible_vat_rates(input);
    let _ = check_rate(input, Decimal::new(19, 0));
    let _ = iban_length(input);
}

#[test]
fn random_strings_never_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let s = random_string(&mut rng, 40);
        exercise(&s);
    }
}

#[test]
fn mutated_valid_values_never_panic() {
    let mut rng = XorShift(0xD1B5_4A32_D192_ED03);
    for _ in 0..20_000 {
        let seed = SEEDS[rng.below(SEEDS.len())];
        let s = mutate(&mut rng, seed);
        exercise(&s);
    }
}

#[test]
fn every_prefix_with_random_tails_never_panics() {
    // Every two-letter prefix (including all VAT/IBAN/BIC countries) with
    // short random tails, to hit each national rule's length branches.
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    for a in b'A'..=b'Z' {
        for b in b'A'..=b'Z' {
            for _ in 0..8 {
                let mut s = String::from_utf8(vec![a, b]).expect("ascii");
                s.push_str(&random_string(&mut rng, 16));
                exercise(&s);
            }
        }
    }
}

#[test]
fn odd_fixed_inputs_never_panic() {
    let long = "9".repeat(10_000);
    let long_letters = "DE".to_owned() + &"A".repeat(5_000);
    let inputs = [
        "",
        " ",
        "\u{0}",
        "D",
        "DE",
        "DE8",
        "IBAN",
        "IBAN:",
        "CHE",
        "CHEMWST",
        "NOMVA",
        "ATU",
        "ELÄÖÜ",
        "ESÄ1234567L",
        "IEÄ234567T",
        "FRÄÖ303265045",
        "CYÄ0259033P",
        "ĐE136695976",
        "DE１３６６９５９７６",
        "😀😀😀😀😀😀😀😀",
        "\u{202e}DE136695976",
        long.as_str(),
        long_letters.as_str(),
    ];
    for s in inputs {
        exercise(s);
    }
}

#[test]
fn random_rates_and_dates_never_panic() {
    let mut rng = XorShift(0xA076_1D64_78BD_642F);
    let countries = ["DE", "CH", "NO", "GB", "XI", "EL", "US", "", "ß"];
    for _ in 0..5_000 {
        let mantissa = rng.next() as i64;
        let scale = rng.below(29) as u32;
        let rate = Decimal::new(mantissa, scale);
        let _ = check_rate(countries[rng.below(countries.len())], rate);
    }
    let span = (NaiveDate::MAX - NaiveDate::MIN).num_days();
    let random_date = |rng: &mut XorShift| {
        let offset = (rng.next() % span as u64) as i64;
        NaiveDate::MIN
            .checked_add_signed(chrono::TimeDelta::days(offset))
            .unwrap_or(NaiveDate::MIN)
    };
    for _ in 0..5_000 {
        let pick = |rng: &mut XorShift| {
            if rng.below(4) == 0 {
                None
            } else {
                Some(random_date(rng))
            }
        };
        let (issue, due, delivery) = (pick(&mut rng), pick(&mut rng), pick(&mut rng));
        let today = random_date(&mut rng);
        let _ = check_dates(issue, due, delivery, today);
    }
}
