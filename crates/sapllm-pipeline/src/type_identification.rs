//! Stage 4 — type identification: the invoice subtype, with the evidence that decided it.
//!
//! Subtypes are not exclusive (a PO-based partial invoice with reverse charge exists), so
//! every subtype with evidence is scored; the strongest becomes the subtype and the others are
//! kept as alternatives. Exact evidence (an e-invoice type code or VAT category) outranks
//! printed phrases, which outrank weak hints (a PO number, the amount).

use rust_decimal::Decimal;
use sapllm_core::{Classified, DocType, FieldKey, InvoiceSubtype};

use crate::extraction::Extraction;
use crate::preprocessing::Prepared;
use crate::text::{FoldedLine, find_phrases};

pub const SUBTYPE_VERSION: &str = "rules.subtype/1";

/// Folded phrases per subtype, EN/DE/FR plus common ES/IT/NL forms.
fn phrases(s: InvoiceSubtype) -> &'static [&'static str] {
    use InvoiceSubtype::*;
    match s {
        CreditMemo => &[
            "credit note",
            "credit memo",
            "gutschrift",
            "avoir",
            "nota di credito",
            "abono",
        ],
        DebitMemo => &[
            "debit note",
            "debit memo",
            "belastungsanzeige",
            "note de débit",
            "nachbelastung",
        ],
        Prepayment => &[
            "prepayment invoice",
            "down payment",
            "advance payment",
            "anzahlungsrechnung",
            "abschlagsrechnung",
            "vorauszahlung",
            "anzahlung",
            "abschlagszahlung",
            "facture d acompte",
            "acompte",
            "factura de anticipo",
        ],
        PartialInvoice => &[
            "partial invoice",
            "teilrechnung",
            "facture partielle",
            "facture intermédiaire",
        ],
        FinalInvoice => &[
            "final invoice",
            "schlussrechnung",
            "endrechnung",
            "projektabschlussrechnung",
            "facture finale",
            "facture de solde",
            "décompte final",
        ],
        SelfBilling => &[
            "self billing",
            "self billed",
            "gutschriftsverfahren",
            "autofacturation",
            "autofactura",
        ],
        Proforma => &[
            "proforma",
            "pro forma",
            "proformarechnung",
            "facture proforma",
            "facture pro forma",
        ],
        ReverseCharge => &[
            "reverse charge",
            "steuerschuldnerschaft des leistungsempfängers",
            "autoliquidation",
            "inversione contabile",
            "inversión del sujeto pasivo",
            "btw verlegd",
            "innergemeinschaftliche lieferung",
            "intra community supply",
            "livraison intracommunautaire",
        ],
        Recurring => &[
            "subscription",
            "abonnement",
            "monthly fee",
            "monatliche gebühr",
            "monatsrechnung",
            "billing period",
            "abrechnungszeitraum",
            "période de facturation",
            "laufzeit",
            "wartungsvertrag",
            "maintenance contract",
        ],
        Utility => &[
            "kwh",
            "stromrechnung",
            "electricity",
            "gasrechnung",
            "wasser",
            "zählernummer",
            "meter number",
            "compteur",
            "betriebskostenabrechnung",
            "nebenkosten",
            "électricité",
        ],
        Freight => &[
            "freight",
            "fracht",
            "frachtkosten",
            "spedition",
            "shipping charges",
            "transport",
            "frais de port",
            "lettre de voiture",
            "cmr",
            "bill of lading",
        ],
        Corrective => &[
            "rechnungskorrektur",
            "corrected invoice",
            "facture rectificative",
            "korrekturrechnung",
            "stornorechnung",
        ],
        ServiceWithoutPo | PoBased | SmallAmount | Standard => &[],
    }
}

/// Service words: a service invoice without a PO goes to a different approval flow.
const SERVICE_HINTS: &[&str] = &[
    "consulting",
    "beratung",
    "dienstleistung",
    "service",
    "services",
    "prestation",
    "stunden",
    "hours",
    "heures",
    "wartung",
    "maintenance",
    "support",
    "honorar",
    "fee",
];

/// Identifies the subtype of payables; `None` for other document types.
pub fn identify(
    doc_type: &Classified<DocType>,
    prepared: &Prepared,
    lines: &[FoldedLine],
    extraction: &Extraction,
    small_amount_limit: Decimal,
) -> Option<Classified<InvoiceSubtype>> {
    if !doc_type.value.is_postable() {
        return None;
    }
    let mut scored: Vec<(InvoiceSubtype, f32, String)> = Vec::new();
    let mut add = |s: InvoiceSubtype, score: f32, why: String| {
        if let Some(e) = scored.iter_mut().find(|e| e.0 == s) {
            if score > e.1 {
                *e = (s, score, why);
            }
        } else {
            scored.push((s, score, why));
        }
    };

    match doc_type.value {
        DocType::CreditNote => add(
            InvoiceSubtype::CreditMemo,
            5.0,
            "document type is credit note".into(),
        ),
        DocType::DebitNote => add(
            InvoiceSubtype::DebitMemo,
            5.0,
            "document type is debit note".into(),
        ),
        _ => {}
    }

    if let Some(inv) = &prepared.einvoice {
        let by_code = match inv.type_code.as_deref() {
            Some("386") => Some(InvoiceSubtype::Prepayment),
            Some("326") => Some(InvoiceSubtype::PartialInvoice),
            Some("389") => Some(InvoiceSubtype::SelfBilling),
            Some("325") => Some(InvoiceSubtype::Proforma),
            Some("384") => Some(InvoiceSubtype::Corrective),
            Some("381") => Some(InvoiceSubtype::CreditMemo),
            Some("383") => Some(InvoiceSubtype::DebitMemo),
            _ => None,
        };
        if let Some(s) = by_code {
            add(
                s,
                6.0,
                format!(
                    "e-invoice type code {}",
                    inv.type_code.as_deref().unwrap_or("")
                ),
            );
        }
        if inv
            .vat_breakdown
            .iter()
            .any(|v| v.category.as_deref() == Some("AE"))
        {
            add(
                InvoiceSubtype::ReverseCharge,
                6.0,
                "e-invoice VAT category AE (reverse charge)".into(),
            );
        }
        if inv
            .vat_breakdown
            .iter()
            .any(|v| v.category.as_deref() == Some("K"))
        {
            add(
                InvoiceSubtype::ReverseCharge,
                5.5,
                "e-invoice VAT category K (intra-community supply)".into(),
            );
        }
    }

    for &s in InvoiceSubtype::ALL {
        let hits = find_phrases(lines, phrases(s));
        if let Some(best) = hits.iter().max_by(|a, b| a.weight.total_cmp(&b.weight)) {
            let score = 1.0 + best.weight;
            add(
                s,
                score,
                format!("'{}' on page {}", best.phrase, best.page + 1),
            );
        }
    }

    let has_po = extraction.fields.contains_key(&FieldKey::PoNumber);
    if has_po {
        add(
            InvoiceSubtype::PoBased,
            1.2,
            "a purchase order number is given".into(),
        );
    } else if !find_phrases(lines, SERVICE_HINTS).is_empty() {
        add(
            InvoiceSubtype::ServiceWithoutPo,
            1.1,
            "service wording and no purchase order number".into(),
        );
    }
    if let Some(gross) = extraction
        .fields
        .get(&FieldKey::GrossTotal)
        .and_then(|f| f.value.as_amount())
    {
        if gross.abs() <= small_amount_limit && gross != Decimal::ZERO {
            add(
                InvoiceSubtype::SmallAmount,
                1.05,
                format!("gross total {gross} is at most {small_amount_limit}"),
            );
        }
    }

    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let Some((value, score, why)) = scored.first().cloned() else {
        return Some(Classified {
            value: InvoiceSubtype::Standard,
            confidence: 0.7,
            evidence: vec!["no subtype evidence: a standard invoice".into()],
            alternatives: Vec::new(),
        });
    };
    let mut evidence = vec![why];
    evidence.extend(
        scored
            .iter()
            .skip(1)
            .map(|s| format!("also {}: {}", s.0, s.2)),
    );
    Some(Classified {
        value,
        confidence: (score / 6.0).clamp(0.3, 1.0),
        evidence,
        alternatives: scored
            .iter()
            .skip(1)
            .map(|s| (s.0, (s.1 / 6.0).min(1.0)))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pages::page_from_lines;
    use crate::text::folded_lines;
    use sapllm_core::FileKind;

    fn identify_lines(doc_type: DocType, lines: &[(&str, f32)]) -> Classified<InvoiceSubtype> {
        let prepared = Prepared {
            kind: FileKind::Pdf,
            pages: vec![page_from_lines(lines)],
            needs_ocr: vec![],
            einvoice: None,
            einvoice_source: None,
            findings: vec![],
        };
        let dt = Classified {
            value: doc_type,
            confidence: 1.0,
            evidence: vec![],
            alternatives: vec![],
        };
        let folded = folded_lines(&prepared.pages);
        identify(
            &dt,
            &prepared,
            &folded,
            &Extraction::default(),
            Decimal::new(250, 0),
        )
        .unwrap()
    }

    #[test]
    fn printed_phrases_decide_with_evidence() {
        let s = identify_lines(DocType::Invoice, &[("Abschlagsrechnung Nr. 3", 16.0)]);
        assert_eq!(s.value, InvoiceSubtype::Prepayment);
        assert!(s.evidence[0].contains("abschlagsrechnung"));

        let s = identify_lines(
            DocType::Invoice,
            &[
                ("Invoice", 16.0),
                (
                    "Reverse charge: VAT to be accounted for by the recipient",
                    9.0,
                ),
            ],
        );
        assert_eq!(s.value, InvoiceSubtype::ReverseCharge);

        let s = identify_lines(DocType::CreditNote, &[("Gutschrift", 16.0)]);
        assert_eq!(s.value, InvoiceSubtype::CreditMemo);

        let s = identify_lines(
            DocType::Invoice,
            &[("Invoice", 16.0), ("Consulting services March", 9.0)],
        );
        assert_eq!(s.value, InvoiceSubtype::ServiceWithoutPo);

        let s = identify_lines(DocType::Invoice, &[("Invoice", 16.0), ("Thank you", 9.0)]);
        assert_eq!(s.value, InvoiceSubtype::Standard);
    }
}
