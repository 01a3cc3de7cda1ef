//! Who sent a document, robustly: several keys (VAT ID, IBAN, normalised name), any of which
//! identifies the supplier, stored only as SHA-256 hashes so that the learned state holds no
//! IBAN or VAT ID in clear; and a layout fingerprint of the first page for suppliers whose
//! keys were misread, or who have several layouts.

use std::collections::BTreeSet;

use sapllm_core::{FieldKey, FieldValue, Page};
use sha2::{Digest, Sha256};

/// `<kind>:<hash>`: the kind stays readable so that two suppliers with the same name but
/// different VAT IDs can be told apart (see [`same_supplier`]).
fn hash(kind: &str, value: &str) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update(b":");
    h.update(value.as_bytes());
    format!("{kind}:{}", hex::encode(&h.finalize()[..12]))
}

/// What kind of identity a key is (`vat`, `iban`, `name`); keys of states written before
/// kinds were kept have none.
fn key_kind(key: &str) -> Option<&str> {
    key.split_once(':').map(|(k, _)| k)
}

/// Whether a document with `doc_keys` comes from the supplier known by `known`: the keys that
/// agree must outweigh the ones that disagree, and a VAT ID or IBAN weighs more than a name.
/// A matching name with a different VAT ID is another company of the same name (or a group's
/// sister company with its own layout); a matching VAT ID with a differently read name is the
/// same supplier.
pub fn same_supplier(doc_keys: &[String], known: &BTreeSet<String>) -> bool {
    let weight = |kind: &str| if kind == "name" { 1 } else { 2 };
    let (mut agree, mut disagree) = (0, 0);
    for kind in ["vat", "iban", "name"] {
        let mine: Vec<&String> = doc_keys
            .iter()
            .filter(|k| key_kind(k) == Some(kind))
            .collect();
        if mine.is_empty() || !known.iter().any(|k| key_kind(k) == Some(kind)) {
            continue;
        }
        if mine.iter().any(|k| known.contains(*k)) {
            agree += weight(kind);
        } else {
            disagree += weight(kind);
        }
    }
    // Keys without a kind (older states) can only agree.
    if doc_keys
        .iter()
        .any(|k| key_kind(k).is_none() && known.contains(k))
    {
        agree += 1;
    }
    agree > disagree
}

fn alnum_upper(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Legal-form words that vary between documents of one supplier ("GmbH" / "G.m.b.H.").
const LEGAL_FORMS: &[&str] = &[
    "gmbh", "ag", "kg", "co", "ltd", "limited", "inc", "llc", "sa", "sas", "sarl", "srl", "spa",
    "bv", "nv", "sp", "zoo", "lda", "plc", "ohg", "ug", "eg", "se", "mbh",
];

/// The supplier name without punctuation, case and legal form.
pub fn normalised_name(name: &str) -> Option<String> {
    // Dots inside abbreviations go first: `G.m.b.H.` is the word `gmbh`.
    let name = name.replace('.', "");
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('ß', "ss"))
        .filter(|w| !LEGAL_FORMS.contains(&w.as_str()))
        .collect();
    let joined = words.join("");
    (joined.chars().count() >= 3).then_some(joined)
}

/// The hashed identity keys of a document's supplier, strongest first.
pub fn supplier_keys(fields: &std::collections::BTreeMap<FieldKey, FieldValue>) -> Vec<String> {
    let text = |k: FieldKey| fields.get(&k).and_then(|v| v.as_text()).map(str::to_owned);
    let mut keys = Vec::new();
    if let Some(v) = text(FieldKey::SellerVatId).map(|v| alnum_upper(&v)) {
        if v.len() >= 6 {
            keys.push(hash("vat", &v));
        }
    }
    if let Some(v) = text(FieldKey::Iban).map(|v| alnum_upper(&v)) {
        if v.len() >= 12 {
            keys.push(hash("iban", &v));
        }
    }
    if let Some(v) = text(FieldKey::SellerName).and_then(|n| normalised_name(&n)) {
        keys.push(hash("name", &v));
    }
    keys
}

/// Layout fingerprint: hashed (word, coarse cell) pairs of the words in the head of the first
/// page (top 40 %) that look like printed labels (letters only, at least three), which stay
/// put between documents of a layout while values change; the table and totals below move
/// with the number of lines and are left out.
pub fn fingerprint(pages: &[Page]) -> BTreeSet<u64> {
    let mut out = BTreeSet::new();
    let Some(page) = pages.first() else {
        return out;
    };
    let (w, h) = (page.width.max(1.0), page.height.max(1.0));
    for word in page.words.iter().filter(|w| w.bbox.y1 <= 0.4 * h) {
        let t: String = word.text.chars().filter(|c| c.is_alphabetic()).collect();
        if t.chars().count() < 3
            || t.chars().count() != word.text.chars().filter(|c| c.is_alphanumeric()).count()
        {
            continue;
        }
        let cx = (((word.bbox.x0 + word.bbox.x1) / 2.0 / w) * 8.0).clamp(0.0, 7.0) as u64;
        let cy = (((word.bbox.y0 + word.bbox.y1) / 2.0 / h) * 16.0).clamp(0.0, 15.0) as u64;
        let mut hs = Sha256::new();
        hs.update(t.to_lowercase().as_bytes());
        let d = hs.finalize();
        let th = u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
        out.insert(th ^ (cx << 56) ^ (cy << 60));
    }
    out
}

/// Similarity of two fingerprints: the share of the smaller one found in the other. Two
/// invoices of one layout share their printed labels but not their addresses, descriptions
/// or month names, so the variable part must not dilute the measure as it does Jaccard's.
pub fn similarity(a: &BTreeSet<u64>, b: &BTreeSet<u64>) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let inter = a.intersection(b).count();
    inter as f32 / a.len().min(b.len()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ignore_case_punctuation_and_legal_form() {
        assert_eq!(
            normalised_name("Müller GmbH"),
            normalised_name("MÜLLER G.m.b.H.")
        );
        assert_ne!(
            normalised_name("Müller GmbH"),
            normalised_name("Meier GmbH")
        );
        assert_eq!(normalised_name("AG"), None);
    }

    #[test]
    fn a_vat_id_outweighs_a_name() {
        let keys = |vat: &str, name: &str| {
            let mut f = std::collections::BTreeMap::new();
            f.insert(FieldKey::SellerVatId, FieldValue::Code(vat.into()));
            f.insert(FieldKey::SellerName, FieldValue::Text(name.into()));
            supplier_keys(&f)
        };
        let known: BTreeSet<String> = keys("DE123456789", "Müller GmbH").into_iter().collect();
        // Same VAT ID, name read differently: the same supplier.
        assert!(same_supplier(
            &keys("DE123456789", "Mueller Gruppe"),
            &known
        ));
        // Same name, another VAT ID: another company.
        assert!(!same_supplier(&keys("DE987654321", "Müller GmbH"), &known));
        assert!(same_supplier(&keys("DE123456789", "Müller GmbH"), &known));
    }

    #[test]
    fn keys_are_hashes_not_clear_text() {
        let mut f = std::collections::BTreeMap::new();
        f.insert(
            FieldKey::SellerVatId,
            FieldValue::Code("DE 123 456 789".into()),
        );
        f.insert(
            FieldKey::Iban,
            FieldValue::Code("DE89370400440532013000".into()),
        );
        let keys = supplier_keys(&f);
        assert_eq!(keys.len(), 2);
        assert!(
            keys.iter()
                .all(|k| !k.contains("DE89") && !k.contains("123456789"))
        );
        let mut g = std::collections::BTreeMap::new();
        g.insert(
            FieldKey::SellerVatId,
            FieldValue::Code("DE123456789".into()),
        );
        assert_eq!(supplier_keys(&g)[0], keys[0]);
    }
}
