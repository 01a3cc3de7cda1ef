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

pub const SUBTYPE_VERSION: &str = "rules.subtype/2";

/// Folded phrases per subtype in the eight languages (EN, DE, FR, ES, IT, NL, PL, PT): titles
/// and the sentences that carry the subtype ("less partial payments received", "Monatsrechnung
/// für den Zeitraum"). Multi-word where a single word is ambiguous: a "Freight" charge line on
/// a goods invoice does not make a freight invoice, "Abschlagszahlungen" deducted on a final
/// invoice do not make a prepayment. Unaccented forms sit next to accented ones because
/// scanned and hand-typed documents drop accents.
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
            "nota de abono",
            "creditnota",
            "nota uznaniowa",
            "nota kredytowa",
            "nota de crédito",
            "nota de credito",
        ],
        DebitMemo => &[
            "debit note",
            "debit memo",
            "belastungsanzeige",
            "note de débit",
            "note de debit",
            "nachbelastung",
            "nota de cargo",
            "cargo adicional",
            "nota di debito",
            "addebito sulla fattura",
            "debetnota",
            "nabelasting",
            "nota obciążeniowa",
            "nota obciazeniowa",
            "nota de débito",
            "nota de debito",
        ],
        Prepayment => &[
            "prepayment invoice",
            "down payment",
            "advance payment",
            "anzahlungsrechnung",
            "vorauszahlungsrechnung",
            "vorauszahlung",
            "anzahlung vor lieferung",
            "facture d acompte",
            "acompte à la commande",
            "acompte a la commande",
            "factura de anticipo",
            "anticipo a cuenta",
            "fattura di acconto",
            "acconto sull ordine",
            "voorschotfactuur",
            "vooruitbetaling",
            "faktura zaliczkowa",
            "zaliczka na poczet",
            "fatura de adiantamento",
            "adiantamento por conta",
        ],
        PartialInvoice => &[
            "partial invoice",
            "progress of works",
            "teilrechnung",
            "abschlagsrechnung",
            "baufortschritt",
            "facture partielle",
            "facture intermédiaire",
            "facture de situation",
            "situation de travaux",
            "factura parcial",
            "avance de obra",
            "fattura parziale",
            "stato avanzamento lavori",
            "termijnfactuur",
            "faktura częściowa",
            "faktura czesciowa",
            "zaawansowanie prac",
            "fatura parcial",
            "auto de medição",
            "auto de medicao",
        ],
        FinalInvoice => &[
            "final invoice",
            "partial payments received",
            "schlussrechnung",
            "endrechnung",
            "projektabschlussrechnung",
            "geleisteter abschlagszahlungen",
            "facture finale",
            "facture de solde",
            "décompte final",
            "acomptes versés",
            "factura final",
            "pagos a cuenta",
            "fattura a saldo",
            "acconti versati",
            "eindfactuur",
            "betaalde termijnen",
            "faktura końcowa",
            "faktura koncowa",
            "odliczeniu zaliczek",
            "fatura final",
            "deduzidos os adiantamentos",
        ],
        SelfBilling => &[
            "self billing",
            "self billed",
            "gutschriftsverfahren",
            "autofacturation",
            "autofactura",
            "facturación por el destinatario",
            "autofattura",
            "uitgereikt door afnemer",
            "samofakturowanie",
            "autofaturação",
            "autofaturacao",
        ],
        Proforma => &[
            "proforma",
            "pro forma",
            "proformarechnung",
            "proforma rechnung",
            "facture proforma",
            "facture pro forma",
            "factura proforma",
            "fattura proforma",
            "pro formafactuur",
            "faktura pro forma",
            "fatura pró forma",
        ],
        ReverseCharge => &[
            "reverse charge",
            "steuerschuldnerschaft des leistungsempfängers",
            "autoliquidation",
            "inversione contabile",
            "inversión del sujeto pasivo",
            "inversion del sujeto pasivo",
            "btw verlegd",
            "odwrotne obciążenie",
            "odwrotne obciazenie",
            "autoliquidação",
            "autoliquidacao",
            "innergemeinschaftliche lieferung",
            "intra community supply",
            "livraison intracommunautaire",
        ],
        // Period wording, not "subscription" or "monthly": line items such as "Trade journal,
        // annual subscription" or "Office cleaning, monthly flat rate" sit on ordinary invoices.
        Recurring => &[
            "monthly invoice",
            "for the period",
            "billing period",
            "monatsrechnung",
            "für den zeitraum",
            "abrechnungszeitraum",
            "facture mensuelle",
            "pour la période",
            "période de facturation",
            "factura mensual",
            "del periodo",
            "canone mensile periodo",
            "maandfactuur",
            "over de periode",
            "faktura miesięczna",
            "faktura miesieczna",
            "za okres",
            "fatura mensal",
            "do período",
            "wartungsvertrag",
            "maintenance contract",
        ],
        Utility => &[
            "kwh",
            "stromrechnung",
            "electricity",
            "gasrechnung",
            "zählernummer",
            "meter number",
            "meter no",
            "compteur",
            "contador nº",
            "contatore",
            "meternummer",
            "licznik nr",
            "betriebskostenabrechnung",
            "nebenkosten",
            "électricité",
        ],
        Freight => &[
            "freight invoice",
            "frachtrechnung",
            "frachtbrief",
            "spedition",
            "transport services",
            "prestation de transport",
            "lettre de voiture",
            "servicio de transporte",
            "carta de porte",
            "servizio di trasporto",
            "lettera di vettura",
            "transportdiensten",
            "vrachtbrief",
            "usługa transportowa",
            "list przewozowy",
            "serviço de transporte",
            "cmr",
            "bill of lading",
        ],
        Corrective => &[
            "rechnungskorrektur",
            "corrected invoice",
            "replaces invoice",
            "ersetzt rechnung",
            "facture rectificative",
            "annule et remplace",
            "factura rectificativa",
            "fattura correttiva",
            "gecorrigeerde factuur",
            "faktura korygująca",
            "faktura korygujaca",
            "fatura retificativa",
            "korrekturrechnung",
            "stornorechnung",
        ],
        ServiceWithoutPo | PoBased | SmallAmount | Standard => &[],
    }
}

/// Sentences that say the invoice is for services over a period ("Services rendered … as
/// agreed", "Leistungszeitraum"); without a purchase order number such an invoice goes to a
/// different approval flow. Service words in single line descriptions ("Consulting") are not
/// enough: goods invoices carry installation and call-out lines too.
const SERVICE_PHRASES: &[&str] = &[
    "services rendered",
    "consulting services",
    "leistungszeitraum",
    "prestations réalisées",
    "prestations realisees",
    "servicios prestados",
    "prestazioni eseguite",
    "geleverde diensten",
    "usługi wykonane",
    "uslugi wykonane",
    "serviços prestados",
    "servicos prestados",
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

    // The German name of a self-billed invoice is "Gutschrift" (§ 14 Abs. 2 UStG): with
    // self-billing wording on the page, that word is no credit-memo evidence.
    let self_billed = !find_phrases(lines, phrases(InvoiceSubtype::SelfBilling)).is_empty();
    for &s in InvoiceSubtype::ALL {
        if self_billed && s == InvoiceSubtype::CreditMemo {
            continue;
        }
        let hits = find_phrases(lines, phrases(s));
        if let Some(best) = hits.iter().max_by(|a, b| a.weight.total_cmp(&b.weight)) {
            // A printed subtype phrase outranks the weak hints below (PO number, service
            // wording, amount) wherever it stands: "Reverse charge: …" is a label-like
            // sentence and may sit on the last page of a long invoice.
            let score = 1.5 + best.weight;
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
    } else if !find_phrases(lines, SERVICE_PHRASES).is_empty() {
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
        // An "Abschlagsrechnung" bills progress (a partial invoice); an advance before delivery
        // is an "Anzahlungs-" or "Vorauszahlungsrechnung".
        let s = identify_lines(DocType::Invoice, &[("Abschlagsrechnung Nr. 3", 16.0)]);
        assert_eq!(s.value, InvoiceSubtype::PartialInvoice);
        assert!(s.evidence[0].contains("abschlagsrechnung"));
        let s = identify_lines(DocType::Invoice, &[("Vorauszahlungsrechnung", 16.0)]);
        assert_eq!(s.value, InvoiceSubtype::Prepayment);

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
