//! Normalised identities shared by validation (what it asks for) and the store (what it
//! indexes), so that both always compute the same keys.

use crate::value::Normalisation;

/// The seller identity used by the duplicate index: `vat:<VAT ID>` (upper case, letters and
/// digits only) when there is a VAT ID, else `name:<name>` (case-folded, letters and digits
/// only); `None` when neither gives anything.
pub fn seller_key(vat_id: Option<&str>, name: Option<&str>) -> Option<String> {
    if let Some(v) = vat_id
        .and_then(|v| Normalisation::UpperAlnum.apply(v))
        .filter(|v| !v.is_empty())
    {
        return Some(format!("vat:{v}"));
    }
    name.and_then(|n| Normalisation::Name.apply(n))
        .filter(|n| !n.is_empty())
        .map(|n| format!("name:{n}"))
}

/// Invoice number as compared for duplicates: upper case, letters and digits only
/// (`re-2024/001` and `RE 2024 001` are the same number). `None` when nothing is left.
pub fn normalise_invoice_number(number: &str) -> Option<String> {
    Normalisation::UpperAlnum
        .apply(number)
        .filter(|n| !n.is_empty())
}

/// An IBAN as it may appear in logs, messages and summaries: country and check digits, the last
/// four characters, the rest starred (`DE89**************3000`). Whitespace is dropped first;
/// anything of eight characters or fewer is starred entirely, as it cannot be told apart.
pub fn mask_iban(raw: &str) -> String {
    let clean: Vec<char> = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    let n = clean.len();
    if n <= 8 {
        return "*".repeat(n);
    }
    clean
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 4 || i + 4 >= n { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_id_wins_over_name_and_numbers_ignore_punctuation() {
        assert_eq!(
            seller_key(Some("de 136 695 976"), Some("ACME")).unwrap(),
            "vat:DE136695976"
        );
        assert_eq!(
            seller_key(None, Some("ACME GmbH")).unwrap(),
            "name:acmegmbh"
        );
        assert_eq!(seller_key(Some(""), Some("")), None);
        assert_eq!(
            normalise_invoice_number("re-2024/001"),
            normalise_invoice_number("RE 2024 001")
        );
    }
}
