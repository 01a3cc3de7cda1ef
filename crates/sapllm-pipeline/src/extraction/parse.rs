//! Parsing printed values: amounts, dates, percentages, currencies and codes.
//!
//! Everything here works on short strings (a word or a few words) and never panics on odd
//! input. Parsers are hand-written scanners rather than regular expressions: they run once per
//! word of every page, and the formats are simple enough that a scanner is both faster and
//! easier to reason about.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Which character a document uses as decimal separator (decides `1,500` vs `1.500`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalStyle {
    /// `1.234,56` (German, French, most of Europe).
    Comma,
    /// `1,234.56` (English, Swiss with apostrophes).
    Dot,
}

/// Parses a printed amount: `1.234,56`, `1,234.56`, `1 234,56`, `1'234.56`, `-12,00`, `12,00-`,
/// `(12.00)`, `€ 12,00`, `12,00 EUR`, `CHF 1'200.-`.
///
/// A single separator followed by exactly three digits (`1.234`, `1,234`) is read as a
/// thousands separator: that is what it means on money in both German and English print.
/// Use [`parse_amount_styled`] when the document's decimal style is known.
pub fn parse_amount(s: &str) -> Option<Decimal> {
    parse_amount_styled(s, None)
}

/// [`parse_amount`] with the document's decimal style to resolve `1,500` / `1.500`.
pub fn parse_amount_styled(s: &str, style: Option<DecimalStyle>) -> Option<Decimal> {
    let mut t = s.trim();
    if t.is_empty() || t.len() > 64 {
        return None;
    }
    let mut negative = false;
    // Parentheses are the accountant's negative.
    if let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        negative = true;
        t = inner.trim();
    }
    t = strip_currency(t);
    if let Some(rest) = t.strip_prefix(['-', '\u{2212}', '\u{2013}']) {
        negative = !negative;
        t = rest.trim_start();
    } else if let Some(rest) = t.strip_prefix('+') {
        t = rest.trim_start();
    }
    t = strip_currency(t);
    // `12,00-` (trailing minus, common in German ERP print-outs) and `1'200.-` (Swiss "no
    // cents") both end in a dash.
    if let Some(rest) = t.strip_suffix(".-").or_else(|| t.strip_suffix(",-")) {
        t = rest;
    } else if let Some(rest) = t.strip_suffix(['-', '\u{2212}']) {
        negative = !negative;
        t = rest.trim_end();
    }
    t = strip_currency(t);
    let d = parse_number_core(t, style, true)?;
    Some(if negative { -d } else { d })
}

/// Parses a plain decimal number such as a quantity (`20`, `1,5`, `0.250`, `1.000`).
/// Unlike amounts, a single separator followed by three digits follows `style` (a quantity
/// of `1,500` kg in a German document is one and a half).
pub fn parse_quantity(s: &str, style: Option<DecimalStyle>) -> Option<Decimal> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix(['-', '\u{2212}']) {
        Some(r) => (true, r),
        None => (false, t),
    };
    let d = parse_number_core(t, style, false)?;
    Some(if neg { -d } else { d })
}

/// Parses a percentage: `19%`, `19 %`, `7,0%`, `19.00`, `20,00 %`. The `%` sign is optional
/// (tax-rate columns often print it in the header only).
pub fn parse_percent(s: &str) -> Option<Decimal> {
    let t = s.trim();
    let t = t.strip_suffix('%').unwrap_or(t).trim_end();
    let d = parse_number_core(t, Some(DecimalStyle::Comma), false)?;
    (d >= Decimal::ZERO && d <= Decimal::from(100)).then(|| d.normalize())
}

/// Removes a leading or trailing currency symbol or ISO code (with or without a space).
pub(crate) fn strip_currency(t: &str) -> &str {
    let mut t = t.trim();
    for sym in [
        "€", "$", "£", "¥", "US$", "CHF", "EUR", "USD", "GBP", "Fr.", "SFr.",
    ] {
        if let Some(r) = t.strip_prefix(sym) {
            t = r.trim_start();
        }
        if let Some(r) = t.strip_suffix(sym) {
            t = r.trim_end();
        }
    }
    t
}

/// The digits-and-separators core shared by amounts, quantities and percentages.
///
/// `amount_rules`: a lone separator followed by exactly three digits is a thousands
/// separator unless `style` says otherwise.
fn parse_number_core(t: &str, style: Option<DecimalStyle>, amount_rules: bool) -> Option<Decimal> {
    if t.is_empty() || !t.as_bytes()[0].is_ascii_digit() && !t.starts_with(['.', ',']) {
        return None;
    }
    let mut digits = String::with_capacity(t.len());
    // Positions (in `digits`) and kinds of separators, in order.
    let mut seps: Vec<(usize, char)> = Vec::new();
    for c in t.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '.' | ',' => seps.push((digits.len(), c)),
            // Thousands separators that are never decimal separators.
            '\'' | '\u{2019}' | '\u{00A0}' | '\u{202F}' | '\u{2009}' | ' ' => {
                seps.push((digits.len(), '\''))
            }
            _ => return None,
        }
    }
    if digits.is_empty() || digits.len() > 24 {
        return None;
    }
    // Decide which separator (if any) is the decimal point.
    let last_dot_or_comma = seps
        .iter()
        .rev()
        .find(|(_, c)| *c == '.' || *c == ',')
        .copied();
    let decimal_at: Option<usize> = match last_dot_or_comma {
        None => None,
        Some((pos, c)) => {
            let same_kind = seps.iter().filter(|(_, k)| *k == c).count();
            let other_kind_before = seps
                .iter()
                .any(|(p, k)| (*k == '.' || *k == ',') && *k != c && *p <= pos);
            let after = digits.len() - pos;
            if other_kind_before {
                // `1.234,56` / `1,234.56`: the last kind is the decimal point.
                Some(pos)
            } else if same_kind > 1 {
                // `1.234.567`: only thousands separators.
                None
            } else if after == 3 && pos > 0 {
                // `1.234` / `1,234`: ambiguous; decided by the style or the amount rule.
                let is_decimal = match style {
                    Some(DecimalStyle::Comma) => c == ',' && !amount_rules,
                    Some(DecimalStyle::Dot) => c == '.' && !amount_rules,
                    None => !amount_rules,
                };
                // A leading zero (`0,250`) can only be a decimal fraction.
                if is_decimal || digits.starts_with('0') && pos == 1 {
                    Some(pos)
                } else {
                    None
                }
            } else {
                Some(pos)
            }
        }
    };
    // Validate thousands grouping: every separator that is not the decimal point must be
    // followed by exactly three digits before the next separator (or the decimal point / end),
    // and the first group has one to three digits.
    let int_end = decimal_at.unwrap_or(digits.len());
    let mut prev: Option<usize> = None;
    for &(p, c) in &seps {
        if decimal_at == Some(p) && c != '\'' {
            continue;
        }
        if p == 0 || p > int_end {
            return None;
        }
        match prev {
            Some(q) if p - q != 3 => return None,
            None if p > 3 => return None,
            _ => {}
        }
        prev = Some(p);
    }
    if let Some(q) = prev {
        if int_end - q != 3 {
            return None;
        }
    }
    // A decimal separator must not be followed by further separators.
    if let Some(d) = decimal_at {
        if seps.iter().any(|(p, _)| *p > d) || digits.len() == d {
            return None;
        }
    }
    let scale = decimal_at.map_or(0, |d| digits.len() - d) as u32;
    if scale > 10 {
        return None;
    }
    let mantissa: i128 = digits.parse().ok()?;
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

/// How sure a date reading is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateCertainty {
    /// Unambiguous format (ISO, month name, day > 12, or a day-first language).
    Certain,
    /// `05/03/2024` in an English (or unknown-language) document: read day-first, could be
    /// month-first.
    Ambiguous,
}

/// Parses a date: `05.03.2024`, `5.3.24`, `2024-03-05`, `05/03/2024`, `March 5, 2024`,
/// `5 March 2024`, `5. März 2024`, `5 mars 2024`, `20240305`. `lang_hint` ("de", "en", "fr",
/// ...) decides the order of ambiguous numeric dates: day-first everywhere except that an
/// English document whose date can only be month-first is read month-first.
pub fn parse_date(s: &str, lang_hint: Option<&str>) -> Option<NaiveDate> {
    parse_date_detailed(s, lang_hint).map(|(d, _)| d)
}

/// [`parse_date`] with the certainty of the reading.
pub fn parse_date_detailed(s: &str, lang_hint: Option<&str>) -> Option<(NaiveDate, DateCertainty)> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let (d, c, used) = date_at(&words, 0, lang_hint)?;
    // The whole string must be the date (a trailing comma or full stop is tolerated).
    (used == words.len()).then_some((d, c))
}

/// Tries to read a date starting at `words[i]`. Returns the date, its certainty and the number
/// of words consumed (1..=4). Used both for whole strings and for scanning a line.
pub(crate) fn date_at(
    words: &[&str],
    i: usize,
    lang_hint: Option<&str>,
) -> Option<(NaiveDate, DateCertainty, usize)> {
    date_at_in(words, i, lang_hint, None)
}

/// Order of day and month in slash dates, when a document proves it (`01/21/2024` can only be
/// month-first, so `01/12/2024` in the same document is January 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

/// The slash-date order proven by a document's words (a day above 12 in one position), by
/// majority; `None` without evidence.
pub(crate) fn slash_date_order<'a>(words: impl Iterator<Item = &'a str>) -> Option<DateOrder> {
    let (mut day_first, mut month_first) = (0usize, 0usize);
    for w in words {
        let w = trim_punct(w);
        let parts: Vec<&str> = w.split('/').collect();
        if parts.len() != 3
            || parts[0].len() > 2
            || parts[1].len() > 2
            || !(parts[2].len() == 2 || parts[2].len() == 4)
            || !parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            continue;
        }
        let (a, b): (u32, u32) = match (parts[0].parse(), parts[1].parse()) {
            (Ok(a), Ok(b)) => (a, b),
            _ => continue,
        };
        match (a > 12 && b <= 12, b > 12 && a <= 12) {
            (true, _) => day_first += 1,
            (_, true) => month_first += 1,
            _ => {}
        }
    }
    match day_first.cmp(&month_first) {
        std::cmp::Ordering::Greater => Some(DateOrder::DayFirst),
        std::cmp::Ordering::Less => Some(DateOrder::MonthFirst),
        std::cmp::Ordering::Equal => None,
    }
}

/// [`date_at`] with the document's proven slash-date order.
pub(crate) fn date_at_in(
    words: &[&str],
    i: usize,
    lang_hint: Option<&str>,
    order: Option<DateOrder>,
) -> Option<(NaiveDate, DateCertainty, usize)> {
    let w0 = trim_punct(words.get(i)?);
    if w0.is_empty() {
        return None;
    }
    if let Some((d, c)) = numeric_date(w0, lang_hint, order) {
        return Some((d, c, 1));
    }
    // Textual forms need two to four words.
    let w1 = words.get(i + 1).map(|w| trim_punct(w));
    let w2 = words.get(i + 2).map(|w| trim_punct(w));
    // `5 March 2024`, `5. März 2024`, `1er mars 2024`, `5-Mar-2024` (one word).
    if let Some(day) = parse_day(w0) {
        if let (Some(m), Some(y)) = (w1.and_then(month_from_name), w2.and_then(parse_year)) {
            return NaiveDate::from_ymd_opt(y, m, day).map(|d| (d, DateCertainty::Certain, 3));
        }
        // `5 de marzo de 2024`
        if w1 == Some("de") {
            let w3 = words.get(i + 3).map(|w| trim_punct(w));
            let w4 = words.get(i + 4).map(|w| trim_punct(w));
            if let (Some(m), Some("de"), Some(y)) =
                (w2.and_then(month_from_name), w3, w4.and_then(parse_year))
            {
                return NaiveDate::from_ymd_opt(y, m, day).map(|d| (d, DateCertainty::Certain, 5));
            }
        }
    }
    // `March 5, 2024`, `Mar 5 2024`
    if let Some(m) = month_from_name(w0) {
        if let (Some(day), Some(y)) = (w1.and_then(parse_day), w2.and_then(parse_year)) {
            return NaiveDate::from_ymd_opt(y, m, day).map(|d| (d, DateCertainty::Certain, 3));
        }
    }
    // `05-Mar-2024`, `5.März.2024`
    let parts: Vec<&str> = w0
        .split(['-', '.', '/'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() == 3 {
        if let (Some(day), Some(m), Some(y)) = (
            parse_day(parts[0]),
            month_from_name(parts[1]),
            parse_year(parts[2]),
        ) {
            return NaiveDate::from_ymd_opt(y, m, day).map(|d| (d, DateCertainty::Certain, 1));
        }
    }
    None
}

/// Trims punctuation that surrounds a date in running text (`(05.03.2024)`, `2024-03-05,`).
fn trim_punct(w: &str) -> &str {
    w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '[' | ']' | '"' | '\''))
        .trim_end_matches('.')
        .trim_start_matches('.')
}

fn numeric_date(
    w: &str,
    lang: Option<&str>,
    order: Option<DateOrder>,
) -> Option<(NaiveDate, DateCertainty)> {
    // `20240305`: only when it is a plausible calendar date (it is also a plain number).
    if w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = w[0..4].parse().ok()?;
        let m: u32 = w[4..6].parse().ok()?;
        let d: u32 = w[6..8].parse().ok()?;
        if (1970..=2100).contains(&y) {
            return NaiveDate::from_ymd_opt(y, m, d).map(|x| (x, DateCertainty::Certain));
        }
        return None;
    }
    let sep = w.chars().find(|c| matches!(c, '.' | '/' | '-'))?;
    let parts: Vec<&str> = w.split(sep).collect();
    // `5.3.2024.` has been trimmed already; a trailing empty part means `5.3.` (no year).
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if n.len() != 3 {
        return None;
    }
    if parts[0].len() == 4 {
        // ISO order (also `2024/03/05`, `2024.03.05`).
        return NaiveDate::from_ymd_opt(n[0] as i32, n[1], n[2])
            .map(|d| (d, DateCertainty::Certain));
    }
    if parts[2].len() != 4 && parts[2].len() != 2 {
        return None;
    }
    let year = if parts[2].len() == 2 {
        two_digit_year(n[2])
    } else {
        n[2] as i32
    };
    if parts[0].len() > 2 || parts[1].len() > 2 {
        return None;
    }
    let (a, b) = (n[0], n[1]);
    // The document proved its slash order elsewhere: read every slash date that way.
    if sep == '/' {
        let proven = match order {
            Some(DateOrder::MonthFirst) => NaiveDate::from_ymd_opt(year, a, b),
            Some(DateOrder::DayFirst) => NaiveDate::from_ymd_opt(year, b, a),
            None => None,
        };
        if let Some(d) = proven {
            return Some((d, DateCertainty::Certain));
        }
    }
    let day_first_lang = !matches!(lang, Some("en") | None);
    // `05.03.2024` with dots or dashes is day-first everywhere in practice; slashes are the
    // ambiguous case (US month-first).
    if sep != '/' || day_first_lang {
        if let Some(d) = NaiveDate::from_ymd_opt(year, b, a) {
            return Some((d, DateCertainty::Certain));
        }
        // Impossible day-first (`03/25/2024` in a German document): month-first, unsure.
        return NaiveDate::from_ymd_opt(year, a, b).map(|d| (d, DateCertainty::Ambiguous));
    }
    match (a > 12, b > 12) {
        (true, _) => NaiveDate::from_ymd_opt(year, b, a).map(|d| (d, DateCertainty::Certain)),
        (false, true) => NaiveDate::from_ymd_opt(year, a, b).map(|d| (d, DateCertainty::Certain)),
        // Both readings possible: day-first (the convention of most of our documents), unsure
        // unless day and month are equal.
        (false, false) => NaiveDate::from_ymd_opt(year, b, a).map(|d| {
            (
                d,
                if a == b {
                    DateCertainty::Certain
                } else {
                    DateCertainty::Ambiguous
                },
            )
        }),
    }
}

fn two_digit_year(y: u32) -> i32 {
    if y < 70 {
        2000 + y as i32
    } else {
        1900 + y as i32
    }
}

fn parse_day(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.');
    let w = w
        .strip_suffix("er")
        .or_else(|| w.strip_suffix("st"))
        .or_else(|| w.strip_suffix("nd"))
        .or_else(|| w.strip_suffix("rd"))
        .or_else(|| w.strip_suffix("th"))
        .unwrap_or(w);
    if w.is_empty() || w.len() > 2 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d: u32 = w.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn parse_year(w: &str) -> Option<i32> {
    if w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = w.parse().ok()?;
        return (1900..=2100).contains(&y).then_some(y);
    }
    None
}

/// Month names and abbreviations in EN, DE, FR, ES, IT, NL, PT, PL (lower case, accents kept and
/// stripped variants included because OCR and some fonts lose them).
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("jänner", 1),
    ("janvier", 1),
    ("janv", 1),
    ("enero", 1),
    ("ene", 1),
    ("gennaio", 1),
    ("gen", 1),
    ("januari", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("feber", 2),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("fevr", 2),
    ("fév", 2),
    ("febrero", 2),
    ("febbraio", 2),
    ("februari", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("maerz", 3),
    ("marz", 3),
    ("mär", 3),
    ("mars", 3),
    ("marzo", 3),
    ("maart", 3),
    ("mrt", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("avr", 4),
    ("abril", 4),
    ("abr", 4),
    ("aprile", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("maggio", 5),
    ("mei", 5),
    ("mag", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("giugno", 6),
    ("giu", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juillet", 7),
    ("juil", 7),
    ("julio", 7),
    ("luglio", 7),
    ("lug", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("ago", 8),
    ("augustus", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("settembre", 9),
    ("set", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("okt", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("ottobre", 10),
    ("ott", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("dez", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    ("diciembre", 12),
    ("dic", 12),
    ("dicembre", 12),
    // Portuguese (`4 de agosto de 2024`).
    ("janeiro", 1),
    ("fevereiro", 2),
    ("fev", 2),
    ("março", 3),
    ("marco", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("out", 10),
    ("novembro", 11),
    ("dezembro", 12),
    // Polish: dates use the genitive (`22 lipca 2025`), headings the nominative; both with
    // and without diacritics, which some fonts and OCR lose.
    ("styczeń", 1),
    ("styczen", 1),
    ("stycznia", 1),
    ("sty", 1),
    ("luty", 2),
    ("lutego", 2),
    ("lut", 2),
    ("marzec", 3),
    ("marca", 3),
    ("kwiecień", 4),
    ("kwiecien", 4),
    ("kwietnia", 4),
    ("kwi", 4),
    ("maj", 5),
    ("maja", 5),
    ("czerwiec", 6),
    ("czerwca", 6),
    ("cze", 6),
    ("lipiec", 7),
    ("lipca", 7),
    ("lip", 7),
    ("sierpień", 8),
    ("sierpien", 8),
    ("sierpnia", 8),
    ("sie", 8),
    ("wrzesień", 9),
    ("wrzesien", 9),
    ("września", 9),
    ("wrzesnia", 9),
    ("wrz", 9),
    ("październik", 10),
    ("pazdziernik", 10),
    ("października", 10),
    ("pazdziernika", 10),
    ("paź", 10),
    ("paz", 10),
    ("listopad", 11),
    ("listopada", 11),
    ("lis", 11),
    ("grudzień", 12),
    ("grudzien", 12),
    ("grudnia", 12),
    ("gru", 12),
];

pub(crate) fn month_from_name(w: &str) -> Option<u32> {
    // Byte lengths: `października` is 12 letters but 14 bytes.
    if w.len() < 3 || w.len() > 16 {
        return None;
    }
    let lower = w.trim_end_matches('.').to_lowercase();
    MONTHS.iter().find(|(n, _)| *n == lower).map(|(_, m)| *m)
}

/// Currency symbols and the ISO code they stand for. `$` is read as USD: documents priced in
/// other dollars print the code (CAD, AUD) next to it, which wins over the symbol.
const SYMBOLS: &[(&str, &str)] = &[
    ("€", "EUR"),
    ("£", "GBP"),
    ("US$", "USD"),
    ("$", "USD"),
    ("¥", "JPY"),
    ("zł", "PLN"),
    ("Kč", "CZK"),
    ("₹", "INR"),
    ("₽", "RUB"),
    ("₺", "TRY"),
];

/// Whole words that stand for `zł`: typed without Polish letters (`zl`), or read by OCR with
/// the stroke lost or taken for a `t`. Never a prefix or suffix (`zlecenie` is a word).
const PLN_WORDS: &[&str] = &["zl", "zt"];

/// ISO 4217 codes that invoices in our markets are priced in. A closed list on purpose: any
/// three capital letters would otherwise match (`USt`, `NET`, `TVA`).
const ISO_CODES: &[&str] = &[
    "EUR", "USD", "GBP", "CHF", "JPY", "CNY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON",
    "BGN", "HRK", "CAD", "AUD", "NZD", "SGD", "HKD", "INR", "TRY", "RUB", "ZAR", "BRL", "MXN",
    "AED", "SAR", "ILS", "KRW", "ISK", "RSD", "UAH", "THB", "MYR", "IDR", "PHP", "TWD", "QAR",
    "KWD", "BHD", "OMR", "EGP", "MAD", "TND", "CLP", "COP", "PEN", "ARS",
];

/// Whether `code` is one of the ISO 4217 codes we recognise.
pub fn is_currency_code(code: &str) -> bool {
    ISO_CODES.contains(&code)
}

/// Detects a currency in a short string: an ISO code (`EUR`, `eur.` is not accepted — codes
/// are upper case in print), a symbol (`€`, `£`, `$`), or a name (`Euro`, `euros`).
pub fn detect_currency(s: &str) -> Option<&'static str> {
    for w in s.split(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '(' | ')' | ',' | ';' | '/' | '[' | ']')
    }) {
        if w.is_empty() {
            continue;
        }
        let core = w.trim_matches(|c: char| {
            c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '\'' | '+')
        });
        if let Some(code) = ISO_CODES.iter().find(|c| **c == core) {
            return Some(code);
        }
        let lower = core.to_lowercase();
        if matches!(lower.as_str(), "euro" | "euros") {
            return Some("EUR");
        }
        if PLN_WORDS.contains(&core) {
            return Some("PLN");
        }
        for (sym, code) in SYMBOLS {
            if core == *sym || w.starts_with(sym) || w.ends_with(sym) {
                return Some(code);
            }
        }
    }
    None
}

/// Checks an IBAN (spaces already removed, upper case): country letters, check digits,
/// plausible length and the ISO 13616 mod-97 checksum.
pub fn iban_is_valid(iban: &str) -> bool {
    let b = iban.as_bytes();
    if b.len() < 15 || b.len() > 34 {
        return false;
    }
    if !b[0].is_ascii_uppercase()
        || !b[1].is_ascii_uppercase()
        || !b[2].is_ascii_digit()
        || !b[3].is_ascii_digit()
    {
        return false;
    }
    if !b
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    if let Some(len) = iban_length(&iban[0..2]) {
        if b.len() != len {
            return false;
        }
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(b[0..4].iter()) {
        if c.is_ascii_digit() {
            rem = (rem * 10 + (c - b'0') as u32) % 97;
        } else {
            let v = (c - b'A') as u32 + 10;
            rem = (rem * 100 + v) % 97;
        }
    }
    rem == 1
}

/// IBAN lengths of the countries we see most (others are accepted on the checksum alone).
fn iban_length(country: &str) -> Option<usize> {
    Some(match country {
        "DE" => 22,
        "AT" => 20,
        "CH" | "LI" => 21,
        "FR" | "MC" | "IT" => 27,
        "ES" => 24,
        "NL" => 18,
        "BE" => 16,
        "LU" => 20,
        "GB" | "IE" => 22,
        "PL" => 28,
        "CZ" | "SK" => 24,
        "DK" | "FI" => 18,
        "SE" => 24,
        "NO" => 15,
        "PT" => 25,
        "HU" => 28,
        "SI" => 19,
        "HR" => 21,
        "RO" => 24,
        "BG" => 22,
        "GR" => 27,
        _ => return None,
    })
}

/// ISO 3166 alpha-2 codes used as VAT-ID prefixes (EU, with Greece's `EL`) plus common
/// non-EU trading partners whose VAT numbers carry the country code.
const VAT_PREFIXES: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI", "GB", "CH", "NO",
];

/// Whether `s` (upper case, spaces removed) has the shape of a VAT identifier: a country
/// prefix and 8–12 letters/digits, mostly digits.
pub fn looks_like_vat_id(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 10 || b.len() > 16 {
        return false;
    }
    if !VAT_PREFIXES.contains(&&s[0..2]) {
        return false;
    }
    let rest = &s[2..];
    if !rest
        .bytes()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    let digits = rest.bytes().filter(u8::is_ascii_digit).count();
    // `CHE123456789MWST` is Swiss; otherwise mostly digits (FR has two leading key characters,
    // NL a `B01` suffix, ES a leading or trailing letter).
    if s.starts_with("CHE") {
        return digits == 9;
    }
    if s.starts_with("ATU") {
        return digits == 8;
    }
    digits >= 7 && digits * 10 >= rest.len() * 7 && (8..=12).contains(&rest.len())
}

/// Country of a VAT ID prefix (Greece writes `EL`, Northern Ireland `XI`).
pub fn vat_country(vat: &str) -> Option<String> {
    let p = vat.get(0..2)?;
    Some(match p {
        "EL" => "GR".to_owned(),
        "XI" => "GB".to_owned(),
        _ => p.to_owned(),
    })
}

/// Whether `s` (upper case) has the shape of a BIC: 4 letters bank, 2 letters country, 2
/// alphanumerics location, optional 3 alphanumerics branch. The country must be a known one:
/// the pattern alone matches ordinary eight-letter words.
pub fn looks_like_bic(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 8 && b.len() != 11 {
        return false;
    }
    if !b[0..6].iter().all(u8::is_ascii_uppercase)
        || !b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    country_name_known(&s[4..6])
}

/// ISO 3166 codes accepted as a country (BIC country, address country code).
pub(crate) fn country_name_known(code: &str) -> bool {
    const CODES: &[&str] = &[
        "AD", "AE", "AL", "AT", "AU", "BA", "BE", "BG", "BR", "BY", "CA", "CH", "CN", "CY", "CZ",
        "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HK", "HR", "HU", "IE", "IL", "IN", "IS",
        "IT", "JP", "KR", "LI", "LT", "LU", "LV", "MA", "MC", "MD", "ME", "MK", "MT", "MX", "NL",
        "NO", "NZ", "PL", "PT", "RO", "RS", "RU", "SA", "SE", "SG", "SI", "SK", "SM", "TN", "TR",
        "TW", "UA", "US", "VA", "ZA",
    ];
    CODES.contains(&code)
}

/// Country names (several languages) to ISO codes, for address lines.
pub(crate) fn country_from_name(name: &str) -> Option<&'static str> {
    const NAMES: &[(&str, &str)] = &[
        ("deutschland", "DE"),
        ("germany", "DE"),
        ("allemagne", "DE"),
        ("alemania", "DE"),
        ("germania", "DE"),
        ("österreich", "AT"),
        ("austria", "AT"),
        ("autriche", "AT"),
        ("schweiz", "CH"),
        ("switzerland", "CH"),
        ("suisse", "CH"),
        ("svizzera", "CH"),
        ("frankreich", "FR"),
        ("france", "FR"),
        ("francia", "FR"),
        ("italien", "IT"),
        ("italy", "IT"),
        ("italie", "IT"),
        ("italia", "IT"),
        ("spanien", "ES"),
        ("spain", "ES"),
        ("espagne", "ES"),
        ("españa", "ES"),
        ("niederlande", "NL"),
        ("netherlands", "NL"),
        ("pays-bas", "NL"),
        ("nederland", "NL"),
        ("belgien", "BE"),
        ("belgium", "BE"),
        ("belgique", "BE"),
        ("belgië", "BE"),
        ("luxemburg", "LU"),
        ("luxembourg", "LU"),
        ("united kingdom", "GB"),
        ("großbritannien", "GB"),
        ("royaume-uni", "GB"),
        ("england", "GB"),
        ("polen", "PL"),
        ("poland", "PL"),
        ("pologne", "PL"),
        ("dänemark", "DK"),
        ("denmark", "DK"),
        ("danemark", "DK"),
        ("schweden", "SE"),
        ("sweden", "SE"),
        ("suède", "SE"),
        ("tschechien", "CZ"),
        ("czech republic", "CZ"),
        ("czechia", "CZ"),
        ("usa", "US"),
        ("united states", "US"),
        ("vereinigte staaten", "US"),
        ("états-unis", "US"),
        ("irland", "IE"),
        ("ireland", "IE"),
        ("irlande", "IE"),
        ("portugal", "PT"),
        ("finnland", "FI"),
        ("finland", "FI"),
        ("norwegen", "NO"),
        ("norway", "NO"),
    ];
    let lower = name.trim().trim_end_matches(['.', ',']).to_lowercase();
    NAMES.iter().find(|(n, _)| *n == lower).map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_in_every_print_style() {
        let table: &[(&str, Option<&str>)] = &[
            ("1.234,56", Some("1234.56")),
            ("1,234.56", Some("1234.56")),
            ("1 234,56", Some("1234.56")),
            ("1\u{202F}234,56", Some("1234.56")),
            ("1'234.56", Some("1234.56")),
            ("-12,00", Some("-12.00")),
            ("12,00-", Some("-12.00")),
            ("(12.00)", Some("-12.00")),
            ("€ 12,00", Some("12.00")),
            ("12,00 €", Some("12.00")),
            ("12,00€", Some("12.00")),
            ("EUR 1.190,00", Some("1190.00")),
            ("1.190,00 EUR", Some("1190.00")),
            ("CHF 1'200.-", Some("1200")),
            ("$1,200.50", Some("1200.50")),
            ("£ 99.99", Some("99.99")),
            ("-€12.00", Some("-12.00")),
            ("1.234", Some("1234")),
            ("1,234", Some("1234")),
            ("1.234.567", Some("1234567")),
            ("1,234,567.89", Some("1234567.89")),
            ("0,500", Some("0.500")),
            ("9,9000", Some("9.9000")),
            ("473", Some("473")),
            ("-0,00", Some("0.00")),
            ("12.5", Some("12.5")),
            // Not amounts.
            ("05.03.2024", None),
            ("19%", None),
            ("DE123456789", None),
            ("12,34,56", None),
            ("1.23.456", None),
            ("", None),
            ("-", None),
            ("abc", None),
            ("12,", None),
            ("1,234.56.78", None),
        ];
        for (input, want) in table {
            assert_eq!(parse_amount(input), want.map(d), "input {input:?}");
        }
    }

    #[test]
    fn quantities_follow_the_document_style() {
        assert_eq!(
            parse_quantity("1,500", Some(DecimalStyle::Comma)),
            Some(d("1.500"))
        );
        assert_eq!(
            parse_quantity("1,500", Some(DecimalStyle::Dot)),
            Some(d("1500"))
        );
        assert_eq!(
            parse_quantity("1.500", Some(DecimalStyle::Comma)),
            Some(d("1500"))
        );
        assert_eq!(parse_quantity("20", None), Some(d("20")));
        assert_eq!(parse_quantity("2,5", None), Some(d("2.5")));
        assert_eq!(parse_quantity("Stk", None), None);
    }

    #[test]
    fn percents() {
        assert_eq!(parse_percent("19%"), Some(d("19")));
        assert_eq!(parse_percent("7,00 %"), Some(d("7")));
        assert_eq!(parse_percent("20.00"), Some(d("20")));
        assert_eq!(parse_percent("5.5%"), Some(d("5.5")));
        assert_eq!(parse_percent("250%"), None);
        assert_eq!(parse_percent("x%"), None);
    }

    fn date(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn dates_in_every_print_style() {
        let table: &[(&str, Option<&str>, Option<NaiveDate>)] = &[
            ("05.03.2024", Some("de"), Some(date(2024, 3, 5))),
            ("5.3.24", Some("de"), Some(date(2024, 3, 5))),
            ("2024-03-05", None, Some(date(2024, 3, 5))),
            ("05/03/2024", Some("fr"), Some(date(2024, 3, 5))),
            ("05/03/2024", Some("en"), Some(date(2024, 3, 5))),
            ("03/25/2024", Some("en"), Some(date(2024, 3, 25))),
            ("25/03/2024", Some("en"), Some(date(2024, 3, 25))),
            ("March 5, 2024", Some("en"), Some(date(2024, 3, 5))),
            ("Mar. 5, 2024", Some("en"), Some(date(2024, 3, 5))),
            ("5 March 2024", Some("en"), Some(date(2024, 3, 5))),
            ("5th March 2024", Some("en"), Some(date(2024, 3, 5))),
            ("5. März 2024", Some("de"), Some(date(2024, 3, 5))),
            ("5 mars 2024", Some("fr"), Some(date(2024, 3, 5))),
            ("1er mars 2024", Some("fr"), Some(date(2024, 3, 1))),
            ("5 de marzo de 2024", Some("es"), Some(date(2024, 3, 5))),
            ("4 de agosto de 2024", None, Some(date(2024, 8, 4))),
            ("3 de outubro de 2024", None, Some(date(2024, 10, 3))),
            ("22 lipca 2025", None, Some(date(2025, 7, 22))),
            ("1 października 2025", None, Some(date(2025, 10, 1))),
            ("9 wrzesnia 2025", None, Some(date(2025, 9, 9))),
            ("05-Mar-2024", None, Some(date(2024, 3, 5))),
            ("20240305", None, Some(date(2024, 3, 5))),
            ("(05.03.2024)", None, Some(date(2024, 3, 5))),
            ("31.02.2024", Some("de"), None),
            ("12345678", None, None),
            ("05.03.", Some("de"), None),
            ("1.234,56", Some("de"), None),
            ("", None, None),
        ];
        for (input, lang, want) in table {
            assert_eq!(parse_date(input, *lang), *want, "input {input:?}");
        }
    }

    #[test]
    fn a_document_proves_its_slash_order() {
        let words = ["Date:", "01/21/2024", "Due", "02/04/2024"];
        let order = slash_date_order(words.iter().copied());
        assert_eq!(order, Some(DateOrder::MonthFirst));
        let (d, c, _) = date_at_in(&["02/04/2024"], 0, Some("en"), order).unwrap();
        assert_eq!(d, date(2024, 2, 4));
        assert_eq!(c, DateCertainty::Certain);
        assert_eq!(
            slash_date_order(["21/01/2024"].into_iter()),
            Some(DateOrder::DayFirst)
        );
        assert_eq!(slash_date_order(["05/03/2024", "x"].into_iter()), None);
    }

    #[test]
    fn ambiguous_english_dates_are_flagged() {
        let (dd, c) = parse_date_detailed("05/03/2024", Some("en")).unwrap();
        assert_eq!(dd, date(2024, 3, 5));
        assert_eq!(c, DateCertainty::Ambiguous);
        assert_eq!(
            parse_date_detailed("05/03/2024", Some("de")).unwrap().1,
            DateCertainty::Certain
        );
        assert_eq!(
            parse_date_detailed("13/03/2024", Some("en")).unwrap().1,
            DateCertainty::Certain
        );
    }

    #[test]
    fn currencies() {
        assert_eq!(detect_currency("EUR"), Some("EUR"));
        assert_eq!(detect_currency("1.234,56 €"), Some("EUR"));
        assert_eq!(detect_currency("Total (USD)"), Some("USD"));
        assert_eq!(detect_currency("£99"), Some("GBP"));
        assert_eq!(detect_currency("Euro"), Some("EUR"));
        assert_eq!(detect_currency("CHF 1'200.-"), Some("CHF"));
        assert_eq!(detect_currency("USt 19%"), None);
        assert_eq!(detect_currency("Fr. Müller"), None);
        // `zł` typed without Polish letters or misread by OCR, as a word only.
        assert_eq!(detect_currency("netto zl 4 082,35"), Some("PLN"));
        assert_eq!(detect_currency("Razem zt 938,94"), Some("PLN"));
        assert_eq!(detect_currency("zlecenie nr 12"), None);
    }

    #[test]
    fn codes() {
        assert!(iban_is_valid("DE89370400440532013000"));
        assert!(iban_is_valid("FR1420041010050500013M02606"));
        assert!(iban_is_valid("FR7630006000011234567890189"));
        assert!(!iban_is_valid("DE89370400440532013001"));
        assert!(!iban_is_valid("DE8937040044053201300"));
        assert!(looks_like_vat_id("DE123456789"));
        assert!(looks_like_vat_id("FR32123456789"));
        assert!(looks_like_vat_id("ATU12345678"));
        assert!(looks_like_vat_id("NL123456789B01"));
        assert!(!looks_like_vat_id("DE12345"));
        assert!(!looks_like_vat_id("RECHNUNGSNR1"));
        assert!(looks_like_bic("COBADEFFXXX"));
        assert!(looks_like_bic("DEUTDEFF"));
        assert!(!looks_like_bic("RECHNUNG"));
        assert_eq!(vat_country("EL123456789").as_deref(), Some("GR"));
    }
}
