//! Stage 3 — classification: the document type among the ten of the ground-truth format.
//!
//! An e-invoice's type code is exact. For printed documents, title phrases in eight languages
//! are scored by where they stand (see [`crate::text::find_phrases`]), plus structural hints
//! (a VAT total and a bank account point to a payable). The scores become a confidence by
//! normalising over the types; the evidence lists the phrases that counted.

use sapllm_core::{Classified, DocType};

use crate::preprocessing::Prepared;
use crate::text::{FoldedLine, Hit, find_phrases, find_phrases_and_compounds};

pub const CLASSIFIER_VERSION: &str = "rules.doctype/2";

/// Folded title phrases per type (EN, DE, FR, ES, IT, NL, PL, PT).
fn phrases(t: DocType) -> &'static [&'static str] {
    match t {
        DocType::Invoice => &[
            "invoice",
            "tax invoice",
            "rechnung",
            "facture",
            "factura",
            "fattura",
            "factuur",
            "faktura",
            "fatura",
            "rechnungsnummer",
            "invoice number",
            "numéro de facture",
            "schlussrechnung",
            "teilrechnung",
            "abschlagsrechnung",
            "rechnungskorrektur",
            "faktura vat",
            "fattura correttiva",
            "factura rectificativa",
            "facture rectificative",
            "gecorrigeerde factuur",
            "faktura korygująca",
            "fatura retificativa",
        ],
        DocType::CreditNote => &[
            "credit note",
            "credit memo",
            "gutschrift",
            "avoir",
            "facture d avoir",
            "nota di credito",
            "nota de crédito",
            "abono",
            "creditnota",
            "nota uznaniowa",
            "nota kredytowa",
            "nota de abono",
            "rechnungsgutschrift",
            "stornorechnung",
        ],
        DocType::DebitNote => &[
            "debit note",
            "debit memo",
            "belastungsanzeige",
            "lastschriftanzeige",
            "note de débit",
            "nota di debito",
            "nota de débito",
            "nachbelastung",
            "nota de cargo",
            "debetnota",
            "nota obciążeniowa",
            "nota obciazeniowa",
            "nota de debito",
        ],
        DocType::PurchaseOrder => &[
            "purchase order",
            "bestellung",
            "bestellschein",
            "bon de commande",
            "orden de compra",
            "ordine di acquisto",
            "inkooporder",
            "zamówienie",
            "pedido de compra",
            "ordine d acquisto",
            "nota de encomenda",
        ],
        DocType::OrderConfirmation => &[
            "order confirmation",
            "order response",
            "auftragsbestätigung",
            "bestellbestätigung",
            "confirmation de commande",
            "accusé de réception de commande",
            "conferma d ordine",
            "orderbevestiging",
            "confirmación de pedido",
            "potwierdzenie zamówienia",
            "confirmação de encomenda",
        ],
        DocType::DeliveryNote => &[
            "delivery note",
            "packing slip",
            "lieferschein",
            "bon de livraison",
            "albarán",
            "documento di trasporto",
            "pakbon",
            "dowód dostawy",
            "guia de remessa",
        ],
        DocType::Receipt => &[
            "receipt",
            "quittung",
            "kassenbon",
            "kassenbeleg",
            "reçu",
            "ticket de caisse",
            "recibo",
            "ricevuta",
            "kwitantie",
            "paragon",
            "pokwitowanie",
        ],
        DocType::PaymentAdvice => &[
            "payment advice",
            "remittance advice",
            "zahlungsavis",
            "avis de paiement",
            "aviso de pago",
            "avviso di pagamento",
            "betalingsadvies",
            "awizo płatności",
            "aviso de pagamento",
        ],
        DocType::Statement => &[
            "statement of account",
            "account statement",
            "kontoauszug",
            "saldenbestätigung",
            "kontoübersicht",
            "relevé de compte",
            "estado de cuenta",
            "estratto conto",
            "rekeningoverzicht",
            "extracto de cuenta",
            "wyciąg z konta",
            "extrato de conta",
            "zahlungserinnerung",
            "mahnung",
            "payment reminder",
        ],
        // Quotations are the "other" documents that reach an AP inbox most often: a title
        // that names one is evidence against every payable type.
        DocType::Other => &[
            "quotation",
            "angebot",
            "devis",
            "presupuesto",
            "preventivo",
            "offerte",
            "oferta",
            "orçamento",
        ],
    }
}

/// Self-billing wording: the customer issued the invoice. In German such an invoice is titled
/// "Gutschrift" (§ 14 Abs. 2 UStG), which otherwise names a credit note.
const SELF_BILLING: &[&str] = &[
    "self billing",
    "self billed",
    "gutschriftsverfahren",
    "autofacturation",
    "autofactura",
    "autofattura",
    "samofakturowanie",
    "autofaturação",
];

/// German compound endings per type ("Handelsrechnung", "Mietrechnung", "Sammelgutschrift").
fn compound_suffixes(t: DocType) -> &'static [&'static str] {
    match t {
        // Dutch compounds too: "Eindfactuur", "Termijnfactuur", "Voorschotfactuur".
        DocType::Invoice => &["rechnung", "factuur"],
        DocType::CreditNote => &["gutschrift"],
        DocType::DeliveryNote => &["lieferschein"],
        DocType::PurchaseOrder => &["bestellung"],
        DocType::Receipt => &["quittung"],
        _ => &[],
    }
}

/// Structural phrases that point to a payable (an invoice-like document).
const PAYABLE_HINTS: &[&str] = &[
    "iban",
    "ust",
    "mwst",
    "vat",
    "tva",
    "umsatzsteuer",
    "zahlbar",
    "payable",
    "due date",
    "fällig",
    "échéance",
    "amount due",
    "zahlbetrag",
    "net à payer",
];

pub fn classify(prepared: &Prepared, lines: &[FoldedLine]) -> Classified<DocType> {
    if let Some(inv) = &prepared.einvoice {
        let code = inv.type_code.clone().unwrap_or_default();
        let value = inv.doc_type.unwrap_or(DocType::Other);
        return Classified {
            value,
            confidence: if inv.doc_type.is_some() { 1.0 } else { 0.5 },
            evidence: vec![format!("e-invoice type code {code}")],
            alternatives: Vec::new(),
        };
    }

    let hits_by_type: Vec<(DocType, Vec<Hit>)> = DocType::ALL
        .iter()
        .map(|&t| {
            (
                t,
                find_phrases_and_compounds(lines, phrases(t), compound_suffixes(t)),
            )
        })
        .collect();
    let mut hits_by_type = hits_by_type;
    if !find_phrases(lines, SELF_BILLING).is_empty() {
        let credit: Vec<Hit> = hits_by_type
            .iter_mut()
            .find(|(t, _)| *t == DocType::CreditNote)
            .map(|(_, h)| std::mem::take(h))
            .unwrap_or_default();
        if let Some((_, h)) = hits_by_type
            .iter_mut()
            .find(|(t, _)| *t == DocType::Invoice)
        {
            h.extend(credit);
        }
    }
    // The first line of page 1 that names a document type is the document's own title far
    // more often than a reference to another document ("Rechnung Nr. 1 … Bestellung: B7";
    // "ORDER RESPONSE: R01 … PURCHASE ORDER ID: PO1"): it counts in full, label or not, and
    // double.
    let lead_line = hits_by_type
        .iter()
        .flat_map(|(_, h)| h.iter())
        .filter(|h| h.page == 0)
        .map(|h| h.line)
        .min();

    let mut scores: Vec<(DocType, f32, Vec<String>)> = Vec::new();
    for (t, mut hits) in hits_by_type {
        for h in hits.iter_mut() {
            if Some(h.line) == lead_line {
                let unlabelled = if h.is_label { h.weight * 3.0 } else { h.weight };
                h.weight = unlabelled.max(1.5) * 2.0;
            }
        }
        // Several hits count with diminishing weight; the best place counts fully.
        let mut sorted: Vec<f32> = hits.iter().map(|h| h.weight).collect();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let score: f32 = sorted
            .iter()
            .enumerate()
            .map(|(i, w)| w / (1.0 + i as f32))
            .sum();
        let mut evidence: Vec<String> = Vec::new();
        let mut ordered: Vec<&Hit> = hits.iter().collect();
        ordered.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        for h in ordered {
            let place = if Some(h.line) == lead_line {
                "as the first document title"
            } else if h.is_title {
                "as a title"
            } else if h.is_label {
                "as a label"
            } else {
                "in the text"
            };
            let e = format!("'{}' {place} on page {}", h.phrase, h.page + 1);
            if !evidence.contains(&e) {
                evidence.push(e);
            }
        }
        evidence.truncate(3);
        scores.push((t, score, evidence));
    }

    let payable = find_phrases(lines, PAYABLE_HINTS).len().min(5) as f32 * 0.1;
    for (t, s, ev) in scores.iter_mut() {
        if *t == DocType::Invoice && payable > 0.0 {
            *s += payable;
            ev.push(format!("payment and VAT terms present (+{payable:.2})"));
        }
    }
    // A credit note or debit note usually also says "invoice" somewhere (e.g. "invoice number"
    // of the corrected invoice): a title-level hit of the more specific type wins over it.
    scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    let total: f32 = scores.iter().map(|s| s.1).sum::<f32>() + 0.5;
    let (best, best_score, evidence) = scores[0].clone();
    if best_score < 0.5 {
        return Classified {
            value: DocType::Other,
            confidence: 0.3,
            evidence: vec!["no title or keyword of a known document type".into()],
            alternatives: scores.iter().take(3).map(|s| (s.0, s.1 / total)).collect(),
        };
    }
    let margin = best_score - scores.get(1).map_or(0.0, |s| s.1);
    let confidence =
        ((best_score / total) * 0.6 + (margin / best_score).min(1.0) * 0.4).clamp(0.0, 1.0);
    Classified {
        value: best,
        confidence,
        evidence,
        alternatives: scores
            .iter()
            .skip(1)
            .take(3)
            .filter(|s| s.1 > 0.0)
            .map(|s| (s.0, s.1 / total))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pages::page_from_lines;
    use crate::text::folded_lines;

    fn classify_lines(lines: &[(&str, f32)]) -> Classified<DocType> {
        let page = page_from_lines(lines);
        let prepared = Prepared {
            kind: sapllm_core::FileKind::Pdf,
            pages: vec![page],
            needs_ocr: vec![],
            einvoice: None,
            einvoice_source: None,
            findings: vec![],
        };
        let folded = folded_lines(&prepared.pages);
        classify(&prepared, &folded)
    }

    #[test]
    fn titles_decide_the_type_in_several_languages() {
        let c = classify_lines(&[
            ("ACME GmbH", 10.0),
            ("Rechnung", 18.0),
            ("IBAN DE89 3704", 9.0),
        ]);
        assert_eq!(c.value, DocType::Invoice);
        assert!(c.evidence[0].contains("rechnung"), "{:?}", c.evidence);

        let c = classify_lines(&[
            ("Fournisseur SARL", 10.0),
            ("Avoir N° 12", 18.0),
            ("Facture d'origine 4711", 9.0),
        ]);
        assert_eq!(c.value, DocType::CreditNote);

        let c = classify_lines(&[("Lieferschein", 18.0), ("Pos Menge Artikel", 9.0)]);
        assert_eq!(c.value, DocType::DeliveryNote);

        let c = classify_lines(&[("Purchase Order", 18.0), ("Ship to", 9.0)]);
        assert_eq!(c.value, DocType::PurchaseOrder);
    }

    #[test]
    fn no_evidence_means_other_with_low_confidence() {
        let c = classify_lines(&[("Dear Sir or Madam", 10.0), ("Kind regards", 10.0)]);
        assert_eq!(c.value, DocType::Other);
        assert!(c.confidence < 0.5);
    }
}
