//! Extraction on hand-built pages (EN, DE, FR layouts), odd pages, and a regression floor on
//! real e-invoice PDFs when the dev set is present.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sapllm_core::{
    BBox, DocType, ExtractedField, FieldKey, FieldValue, Line, LineKey, Page, SourceKind, Word,
};

use super::{Extraction, ExtractionInput, FieldExtractor, RuleExtractor};

/// Builds a page from phrases: `(y, [(x, text)])`, 10 pt type, 5.5 pt per character, words
/// of a phrase separated by ordinary spaces (2.5 pt).
fn page(index: u32, rows: &[(f32, &[(f32, &str)])]) -> Page {
    page_sized(index, rows, 10.0)
}

fn page_sized(index: u32, rows: &[(f32, &[(f32, &str)])], size: f32) -> Page {
    let mut words = Vec::new();
    let mut lines = Vec::new();
    let cw = size * 0.55;
    for (y, phrases) in rows {
        let mut ids = Vec::new();
        for (x, text) in phrases.iter() {
            let mut cx = *x;
            for w in text.split_whitespace() {
                let width = cw * w.chars().count() as f32;
                ids.push(words.len() as u32);
                words.push(Word {
                    text: w.to_owned(),
                    bbox: BBox::new(cx, *y, cx + width, y + size),
                    confidence: 1.0,
                });
                cx += width + size * 0.25;
            }
        }
        ids.sort_by(|a, b| {
            words[*a as usize]
                .bbox
                .x0
                .total_cmp(&words[*b as usize].bbox.x0)
        });
        let bbox =
            BBox::union_all(ids.iter().map(|i| &words[*i as usize].bbox)).unwrap_or_default();
        lines.push(Line { words: ids, bbox });
    }
    lines.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    Page {
        index,
        width: 595.0,
        height: 842.0,
        text_source: SourceKind::TextLayer,
        words,
        lines,
    }
}

fn extract(pages: &[Page]) -> Extraction {
    RuleExtractor::default().extract(&ExtractionInput {
        pages,
        doc_type: DocType::Invoice,
        learned: None,
    })
}

fn field(ex: &Extraction, key: FieldKey) -> &ExtractedField {
    ex.fields
        .get(&key)
        .unwrap_or_else(|| panic!("{key} not extracted; got {:#?}", ex.fields.keys()))
}

fn text(ex: &Extraction, key: FieldKey) -> String {
    field(ex, key).value.to_plain()
}

fn amount(ex: &Extraction, key: FieldKey) -> Decimal {
    field(ex, key)
        .value
        .as_amount()
        .unwrap_or_else(|| panic!("{key} is not an amount"))
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(y: i32, m: u32, day: u32) -> FieldValue {
    FieldValue::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap())
}

/// The provenance points at the value on the page (box near `x`, `y`) and the explanation
/// names the label.
fn assert_provenance(ex: &Extraction, key: FieldKey, page: u32, x: f32, y: f32, label: &str) {
    let f = field(ex, key);
    let p = &f.provenance;
    assert_eq!(p.page, Some(page), "{key} page");
    assert_eq!(p.source, SourceKind::TextLayer, "{key} source");
    assert_eq!(p.producer.name, "rules.layout");
    let b = p.bbox.unwrap_or_else(|| panic!("{key} has no box"));
    assert!(
        (b.x0 - x).abs() < 3.0 && (b.y0 - y).abs() < 3.0,
        "{key}: box {b:?} is not at ({x}, {y})"
    );
    assert!(!p.words.is_empty(), "{key} has no words");
    assert!(
        p.explanation.to_lowercase().contains(&label.to_lowercase()),
        "{key}: explanation '{}' does not mention '{label}'",
        p.explanation
    );
    assert!(f.confidence > 0.0 && f.confidence <= 1.0);
}

/// A German invoice: letterhead, address window with sender line, labels left of values,
/// an item table with a two-line description, a totals block, bank data in the footer.
fn german_invoice() -> Page {
    page(
        0,
        &[
            (40.0, &[(320.0, "Muster Lieferant GmbH")]),
            (54.0, &[(320.0, "Hauptstraße 5")]),
            (66.0, &[(320.0, "80333 München")]),
            (78.0, &[(320.0, "Tel. +49 89 123456")]),
            (
                130.0,
                &[(
                    57.0,
                    "Muster Lieferant GmbH · Hauptstraße 5 · 80333 München",
                )],
            ),
            (
                145.0,
                &[
                    (57.0, "Kunde Beispiel AG"),
                    (350.0, "Rechnungsnummer:"),
                    (470.0, "RE-2024-001"),
                ],
            ),
            (
                158.0,
                &[
                    (57.0, "Bahnhofstraße 12"),
                    (350.0, "Rechnungsdatum:"),
                    (470.0, "05.03.2024"),
                ],
            ),
            (
                171.0,
                &[
                    (57.0, "10115 Berlin"),
                    (350.0, "Bestellnummer:"),
                    (470.0, "4500012345"),
                ],
            ),
            (184.0, &[(350.0, "Lieferdatum:"), (470.0, "01.03.2024")]),
            (230.0, &[(57.0, "Rechnung")]),
            (
                270.0,
                &[
                    (60.0, "Pos"),
                    (90.0, "Bezeichnung"),
                    (330.0, "Menge"),
                    (400.0, "Einzelpreis"),
                    (480.0, "Gesamtpreis"),
                ],
            ),
            (
                288.0,
                &[
                    (60.0, "1"),
                    (90.0, "Beratung Softwareeinführung"),
                    (330.0, "2 Std."),
                    (410.0, "50,00"),
                    (490.0, "100,00"),
                ],
            ),
            (300.0, &[(90.0, "vor Ort beim Kunden")]),
            (
                318.0,
                &[
                    (60.0, "2"),
                    (90.0, "Kugelschreiber blau"),
                    (330.0, "10 Stk."),
                    (415.0, "1,50"),
                    (495.0, "15,00"),
                ],
            ),
            (350.0, &[(330.0, "Nettobetrag"), (480.0, "115,00 €")]),
            (364.0, &[(330.0, "MwSt. 19 %"), (485.0, "21,85 €")]),
            (378.0, &[(330.0, "Gesamtbetrag"), (480.0, "136,85 €")]),
            (
                410.0,
                &[(57.0, "Zahlbar innerhalb von 14 Tagen ohne Abzug.")],
            ),
            (
                780.0,
                &[
                    (57.0, "Muster Lieferant GmbH"),
                    (300.0, "USt-IdNr. DE123456789"),
                ],
            ),
            (
                792.0,
                &[
                    (57.0, "IBAN DE89 3704 0044 0532 0130 00"),
                    (300.0, "BIC COBADEFFXXX"),
                ],
            ),
        ],
    )
}

#[test]
fn german_invoice_label_right_of_value_table_and_totals() {
    let ex = extract(&[german_invoice()]);
    assert_eq!(ex.language.as_deref(), Some("de"));
    assert_eq!(text(&ex, FieldKey::InvoiceNumber), "RE-2024-001");
    assert_provenance(
        &ex,
        FieldKey::InvoiceNumber,
        0,
        470.0,
        145.0,
        "Rechnungsnummer",
    );
    assert_eq!(field(&ex, FieldKey::IssueDate).value, date(2024, 3, 5));
    assert_provenance(&ex, FieldKey::IssueDate, 0, 470.0, 158.0, "Rechnungsdatum");
    assert_eq!(field(&ex, FieldKey::DeliveryDate).value, date(2024, 3, 1));
    assert_eq!(text(&ex, FieldKey::PoNumber), "4500012345");
    assert_eq!(text(&ex, FieldKey::SellerName), "Muster Lieferant GmbH");
    assert_eq!(text(&ex, FieldKey::BuyerName), "Kunde Beispiel AG");
    assert_eq!(text(&ex, FieldKey::SellerVatId), "DE123456789");
    assert_eq!(text(&ex, FieldKey::SellerCountry), "DE");
    assert_eq!(text(&ex, FieldKey::Iban), "DE89370400440532013000");
    assert!(
        field(&ex, FieldKey::Iban)
            .provenance
            .explanation
            .contains("IBAN")
    );
    assert_eq!(text(&ex, FieldKey::Bic), "COBADEFFXXX");
    assert_eq!(text(&ex, FieldKey::Currency), "EUR");
    assert_eq!(amount(&ex, FieldKey::NetTotal), d("115.00"));
    assert_provenance(&ex, FieldKey::NetTotal, 0, 480.0, 350.0, "Nettobetrag");
    assert_eq!(amount(&ex, FieldKey::TaxTotal), d("21.85"));
    assert_eq!(amount(&ex, FieldKey::GrossTotal), d("136.85"));
    assert_provenance(&ex, FieldKey::GrossTotal, 0, 480.0, 378.0, "Gesamtbetrag");
    assert_eq!(amount(&ex, FieldKey::AmountDue), d("136.85"));
    assert_eq!(
        text(&ex, FieldKey::PaymentTerms),
        "Zahlbar innerhalb von 14 Tagen ohne Abzug."
    );

    assert_eq!(ex.line_items.len(), 2, "{:#?}", ex.line_items);
    let first = &ex.line_items[0];
    assert_eq!(
        first.text(LineKey::Description),
        Some("Beratung Softwareeinführung vor Ort beim Kunden")
    );
    assert_eq!(first.amount(LineKey::Quantity), Some(d("2")));
    assert_eq!(first.amount(LineKey::UnitPrice), Some(d("50.00")));
    assert_eq!(first.amount(LineKey::NetAmount), Some(d("100.00")));
    let net_cell = &first.cells[&LineKey::NetAmount];
    let b = net_cell.provenance.bbox.unwrap();
    assert!((b.x0 - 490.0).abs() < 1.0 && (b.y0 - 288.0).abs() < 1.0);
    assert!(net_cell.provenance.explanation.contains("Gesamtpreis"));
    assert!(
        net_cell.confidence > 0.9,
        "quantity × price = amount confirms the row"
    );
    assert_eq!(ex.line_items[1].amount(LineKey::Quantity), Some(d("10")));
    assert_eq!(
        ex.line_items[1].amount(LineKey::NetAmount),
        Some(d("15.00"))
    );
}

#[test]
fn totals_keep_plausible_alternatives_for_the_quality_check() {
    let ex = extract(&[german_invoice()]);
    // Competing amounts stay available: the line total under "Gesamtpreis" is no gross total,
    // but the derived and printed values are alternatives somewhere in the totals fields.
    let net = field(&ex, FieldKey::NetTotal);
    let due = field(&ex, FieldKey::AmountDue);
    assert!(net.confidence > 0.8);
    assert!(due.provenance.explanation.contains("gross"));
}

/// An English invoice: labels above values on a band, a "Bill to" section, a totals block
/// with "Subtotal / VAT / Total / Amount due".
#[test]
fn english_invoice_labels_above_values_and_bill_to() {
    let p = page(
        0,
        &[
            (40.0, &[(57.0, "Acme Widgets Ltd")]),
            (54.0, &[(57.0, "12 High Street")]),
            (66.0, &[(57.0, "London SW1A 1AA")]),
            (110.0, &[(57.0, "Bill to")]),
            (124.0, &[(57.0, "Globex Corporation Inc.")]),
            (136.0, &[(57.0, "500 Main Road")]),
            (148.0, &[(57.0, "Springfield 12345")]),
            (200.0, &[(57.0, "INVOICE")]),
            (
                230.0,
                &[
                    (57.0, "Invoice No."),
                    (170.0, "Invoice date"),
                    (290.0, "Due date"),
                ],
            ),
            (
                242.0,
                &[
                    (57.0, "INV-7781"),
                    (170.0, "March 5, 2024"),
                    (290.0, "04/04/2024"),
                ],
            ),
            (
                280.0,
                &[
                    (60.0, "Description"),
                    (330.0, "Qty"),
                    (400.0, "Unit price"),
                    (490.0, "Amount"),
                ],
            ),
            (
                298.0,
                &[
                    (60.0, "Consulting services"),
                    (330.0, "3"),
                    (405.0, "120.00"),
                    (490.0, "360.00"),
                ],
            ),
            (340.0, &[(330.0, "Subtotal"), (480.0, "£360.00")]),
            (352.0, &[(330.0, "VAT 20%"), (485.0, "£72.00")]),
            (364.0, &[(330.0, "Total"), (480.0, "£432.00")]),
            (376.0, &[(330.0, "Amount due"), (480.0, "£432.00")]),
            (400.0, &[(57.0, "Payment terms:"), (160.0, "Net 30 days")]),
            (780.0, &[(57.0, "VAT Reg. No. GB123456789")]),
        ],
    );
    let ex = extract(&[p]);
    assert_eq!(ex.language.as_deref(), Some("en"));
    assert_eq!(text(&ex, FieldKey::InvoiceNumber), "INV-7781");
    assert_provenance(&ex, FieldKey::InvoiceNumber, 0, 57.0, 242.0, "Invoice No");
    assert!(
        field(&ex, FieldKey::InvoiceNumber)
            .provenance
            .explanation
            .contains("below")
    );
    assert_eq!(field(&ex, FieldKey::IssueDate).value, date(2024, 3, 5));
    assert_eq!(field(&ex, FieldKey::DueDate).value, date(2024, 4, 4));
    assert_eq!(text(&ex, FieldKey::BuyerName), "Globex Corporation Inc.");
    assert!(
        field(&ex, FieldKey::BuyerName)
            .provenance
            .explanation
            .contains("Bill to")
    );
    assert_eq!(text(&ex, FieldKey::SellerName), "Acme Widgets Ltd");
    assert_eq!(text(&ex, FieldKey::SellerVatId), "GB123456789");
    assert_eq!(text(&ex, FieldKey::SellerCountry), "GB");
    assert_eq!(text(&ex, FieldKey::Currency), "GBP");
    assert_eq!(amount(&ex, FieldKey::NetTotal), d("360.00"));
    assert_eq!(amount(&ex, FieldKey::TaxTotal), d("72.00"));
    assert_eq!(amount(&ex, FieldKey::GrossTotal), d("432.00"));
    assert_eq!(amount(&ex, FieldKey::AmountDue), d("432.00"));
    assert_provenance(&ex, FieldKey::AmountDue, 0, 480.0, 376.0, "Amount due");
    assert_eq!(text(&ex, FieldKey::PaymentTerms), "Net 30 days");
    assert_eq!(ex.line_items.len(), 1);
    assert_eq!(ex.line_items[0].amount(LineKey::Quantity), Some(d("3")));
}

/// A French invoice: `Facture N°`, `Facturé à`, a VAT breakdown row, `Total HT / TVA / TTC`,
/// a prepayment and `Net à payer`.
#[test]
fn french_invoice_with_prepayment_and_vat_breakdown() {
    let p = page(
        0,
        &[
            (40.0, &[(57.0, "Dupont Services SARL")]),
            (52.0, &[(57.0, "3 rue de la Paix")]),
            (64.0, &[(57.0, "75002 Paris")]),
            (76.0, &[(57.0, "N° TVA : FR 32 123 456 789")]),
            (120.0, &[(320.0, "Facturé à :")]),
            (132.0, &[(320.0, "Martin et Fils SAS")]),
            (144.0, &[(320.0, "8 avenue Foch")]),
            (156.0, &[(320.0, "69001 Lyon")]),
            (200.0, &[(57.0, "Facture N° F2024-0042")]),
            (214.0, &[(57.0, "Date :"), (120.0, "15/01/2024")]),
            (226.0, &[(57.0, "Échéance :"), (120.0, "14/02/2024")]),
            (
                270.0,
                &[
                    (60.0, "Désignation"),
                    (320.0, "Qté"),
                    (380.0, "Prix unitaire"),
                    (470.0, "Montant HT"),
                ],
            ),
            (
                288.0,
                &[
                    (60.0, "Maintenance annuelle"),
                    (320.0, "1"),
                    (390.0, "1 000,00"),
                    (480.0, "1 000,00"),
                ],
            ),
            (330.0, &[(60.0, "Taux"), (150.0, "Base HT"), (250.0, "TVA")]),
            (
                342.0,
                &[(60.0, "20 %"), (150.0, "1 000,00"), (250.0, "200,00")],
            ),
            (330.0, &[(380.0, "Total HT"), (480.0, "1 000,00 €")]),
            (350.0, &[(380.0, "Total TVA"), (485.0, "200,00 €")]),
            (370.0, &[(380.0, "Total TTC"), (480.0, "1 200,00 €")]),
            (390.0, &[(380.0, "Acompte"), (485.0, "-300,00 €")]),
            (410.0, &[(380.0, "Net à payer"), (485.0, "900,00 €")]),
            (
                440.0,
                &[(57.0, "Conditions de paiement : à réception de facture")],
            ),
            (780.0, &[(57.0, "IBAN FR76 3000 6000 0112 3456 7890 189")]),
        ],
    );
    let ex = extract(&[p]);
    assert_eq!(ex.language.as_deref(), Some("fr"));
    assert_eq!(text(&ex, FieldKey::InvoiceNumber), "F2024-0042");
    let why = &field(&ex, FieldKey::InvoiceNumber).provenance.explanation;
    assert!(why.contains("Facture N°"), "{why}");
    assert_eq!(field(&ex, FieldKey::IssueDate).value, date(2024, 1, 15));
    assert_eq!(field(&ex, FieldKey::DueDate).value, date(2024, 2, 14));
    assert_provenance(&ex, FieldKey::DueDate, 0, 120.0, 226.0, "Échéance");
    assert_eq!(text(&ex, FieldKey::BuyerName), "Martin et Fils SAS");
    assert_eq!(text(&ex, FieldKey::SellerName), "Dupont Services SARL");
    assert_eq!(text(&ex, FieldKey::SellerVatId), "FR32123456789");
    assert_eq!(text(&ex, FieldKey::SellerCountry), "FR");
    assert_eq!(amount(&ex, FieldKey::NetTotal), d("1000.00"));
    assert_eq!(amount(&ex, FieldKey::TaxTotal), d("200.00"));
    assert_eq!(amount(&ex, FieldKey::GrossTotal), d("1200.00"));
    assert_eq!(amount(&ex, FieldKey::AmountDue), d("900.00"));
    assert_provenance(&ex, FieldKey::AmountDue, 0, 485.0, 410.0, "Net à payer");
    assert_eq!(text(&ex, FieldKey::PaymentTerms), "à réception de facture");
    assert_eq!(ex.vat_breakdown.len(), 1, "{:#?}", ex.vat_breakdown);
    let row = &ex.vat_breakdown[0];
    assert_eq!(row.rate, Some(d("20")));
    assert_eq!(row.taxable_amount, Some(d("1000.00")));
    assert_eq!(row.tax_amount, Some(d("200.00")));
    assert_eq!(ex.line_items.len(), 1);
    assert_eq!(
        ex.line_items[0].amount(LineKey::NetAmount),
        Some(d("1000.00"))
    );
}

/// A US-style invoice: seller top left, `Bill To` and `Ship To` side by side, quantity as
/// the first column, month-first dates proven by one of them, `Sales Tax` and `Balance Due`.
#[test]
fn us_invoice_bill_to_beside_ship_to() {
    let p = page(
        0,
        &[
            (40.0, &[(57.0, "Northwind Traders LLC"), (400.0, "INVOICE")]),
            (
                54.0,
                &[
                    (57.0, "400 Market Street"),
                    (400.0, "Invoice #:"),
                    (480.0, "10-2217"),
                ],
            ),
            (
                66.0,
                &[
                    (57.0, "Seattle, WA 98101"),
                    (400.0, "Date:"),
                    (480.0, "03/14/2024"),
                ],
            ),
            (
                78.0,
                &[
                    (57.0, "Phone (206) 555-0100"),
                    (400.0, "P.O. #:"),
                    (480.0, "PO-5531"),
                ],
            ),
            (90.0, &[(400.0, "Due Date:"), (480.0, "04/13/2024")]),
            (130.0, &[(57.0, "Bill To:"), (300.0, "Ship To:")]),
            (
                142.0,
                &[
                    (57.0, "Contoso Pharmaceuticals Inc."),
                    (300.0, "Contoso Warehouse 7"),
                ],
            ),
            (154.0, &[(57.0, "1 Microsoft Way"), (300.0, "77 Dock Road")]),
            (
                166.0,
                &[(57.0, "Redmond, WA 98052"), (300.0, "Tacoma, WA 98402")],
            ),
            (
                210.0,
                &[
                    (60.0, "QTY"),
                    (110.0, "DESCRIPTION"),
                    (380.0, "UNIT PRICE"),
                    (490.0, "AMOUNT"),
                ],
            ),
            (
                228.0,
                &[
                    (65.0, "2"),
                    (110.0, "Widget, large"),
                    (395.0, "1,250.00"),
                    (490.0, "2,500.00"),
                ],
            ),
            (
                246.0,
                &[
                    (65.0, "10"),
                    (110.0, "Gasket set"),
                    (400.0, "12.50"),
                    (500.0, "125.00"),
                ],
            ),
            (290.0, &[(380.0, "SUBTOTAL"), (490.0, "2,625.00")]),
            (302.0, &[(380.0, "SALES TAX 6.25%"), (495.0, "164.06")]),
            (314.0, &[(380.0, "TOTAL"), (490.0, "$2,789.06")]),
            (326.0, &[(380.0, "BALANCE DUE"), (490.0, "$2,789.06")]),
            (360.0, &[(57.0, "Payment terms: Net 30")]),
        ],
    );
    let ex = extract(&[p]);
    assert_eq!(ex.language.as_deref(), Some("en"));
    assert_eq!(text(&ex, FieldKey::InvoiceNumber), "10-2217");
    assert_eq!(field(&ex, FieldKey::IssueDate).value, date(2024, 3, 14));
    assert_eq!(field(&ex, FieldKey::DueDate).value, date(2024, 4, 13));
    assert_eq!(text(&ex, FieldKey::PoNumber), "PO-5531");
    assert_eq!(text(&ex, FieldKey::SellerName), "Northwind Traders LLC");
    assert_eq!(
        text(&ex, FieldKey::BuyerName),
        "Contoso Pharmaceuticals Inc."
    );
    assert_eq!(text(&ex, FieldKey::Currency), "USD");
    assert_eq!(amount(&ex, FieldKey::NetTotal), d("2625.00"));
    assert_eq!(amount(&ex, FieldKey::TaxTotal), d("164.06"));
    assert_eq!(amount(&ex, FieldKey::GrossTotal), d("2789.06"));
    assert_eq!(amount(&ex, FieldKey::AmountDue), d("2789.06"));
    assert_eq!(text(&ex, FieldKey::PaymentTerms), "Net 30");
    let lines: Vec<(Option<Decimal>, Option<Decimal>)> = ex
        .line_items
        .iter()
        .map(|l| (l.amount(LineKey::Quantity), l.amount(LineKey::NetAmount)))
        .collect();
    assert_eq!(
        lines,
        [
            (Some(d("2")), Some(d("2500.00"))),
            (Some(d("10")), Some(d("125.00")))
        ]
    );
}

/// A table that runs over two pages: a carried-forward line and a repeated header.
#[test]
fn table_continues_on_the_next_page() {
    let header: &[(f32, &str)] = &[
        (60.0, "Pos"),
        (90.0, "Description"),
        (330.0, "Qty"),
        (400.0, "Unit price"),
        (490.0, "Amount"),
    ];
    let p1 = page(
        0,
        &[
            (100.0, &[(57.0, "Invoice No. 4711")]),
            (140.0, header),
            (
                158.0,
                &[
                    (60.0, "1"),
                    (90.0, "Screws"),
                    (330.0, "10"),
                    (410.0, "1.00"),
                    (495.0, "10.00"),
                ],
            ),
            (
                176.0,
                &[
                    (60.0, "2"),
                    (90.0, "Nuts"),
                    (330.0, "20"),
                    (410.0, "0.50"),
                    (495.0, "10.00"),
                ],
            ),
            (194.0, &[(90.0, "Carried forward"), (495.0, "20.00")]),
        ],
    );
    let p2 = page(
        1,
        &[
            (60.0, &[(90.0, "Brought forward"), (495.0, "20.00")]),
            (80.0, header),
            (
                98.0,
                &[
                    (60.0, "3"),
                    (90.0, "Bolts"),
                    (330.0, "5"),
                    (410.0, "2.00"),
                    (495.0, "10.00"),
                ],
            ),
            (130.0, &[(330.0, "Total"), (490.0, "30.00")]),
        ],
    );
    let ex = extract(&[p1, p2]);
    let nets: Vec<String> = ex
        .line_items
        .iter()
        .filter_map(|l| l.amount(LineKey::NetAmount))
        .map(|a| a.to_string())
        .collect();
    assert_eq!(nets, ["10.00", "10.00", "10.00"]);
    assert_eq!(
        ex.line_items[2].cells[&LineKey::NetAmount].provenance.page,
        Some(1)
    );
    assert_eq!(amount(&ex, FieldKey::GrossTotal), d("30.00"));
}

#[test]
fn odd_pages_do_not_panic() {
    let empty = Page {
        index: 0,
        width: 0.0,
        height: 0.0,
        text_source: SourceKind::Ocr,
        words: vec![],
        lines: vec![],
    };
    let ex = extract(std::slice::from_ref(&empty));
    assert!(ex.fields.is_empty() && ex.line_items.is_empty());
    assert!(extract(&[]).fields.is_empty());
    let one = page(0, &[(10.0, &[(10.0, "Rechnung")])]);
    let _ = extract(&[one]);
    // Lines pointing at missing words, zero-sized boxes, and a page of labels only.
    let broken = Page {
        index: 3,
        width: 100.0,
        height: 100.0,
        text_source: SourceKind::TextLayer,
        words: vec![Word {
            text: "IBAN".into(),
            bbox: BBox::default(),
            confidence: 1.0,
        }],
        lines: vec![
            Line {
                words: vec![0, 7, 99],
                bbox: BBox::default(),
            },
            Line {
                words: vec![],
                bbox: BBox::default(),
            },
        ],
    };
    let _ = extract(&[broken]);
    let labels = page(
        0,
        &[
            (10.0, &[(10.0, "Total")]),
            (22.0, &[(10.0, "IBAN:")]),
            (34.0, &[(10.0, "Datum:")]),
        ],
    );
    let _ = extract(&[labels]);
}

#[test]
fn huge_pages_are_read_whole() {
    // Robustness, not speed (speed is measured by `sapllm bench`, not asserted here): a page of
    // 4000 table-like rows is read without failing, and a document of 300 invoice pages keeps
    // every page's line items — per-line lookups see the whole document.
    let texts: Vec<String> = (0..4000)
        .map(|i| format!("{} Artikel {} 1,00 {},00", i, i, i))
        .collect();
    let rows: Vec<(f32, Vec<(f32, &str)>)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (i as f32 * 12.0, vec![(20.0, t.as_str())]))
        .collect();
    let rows: Vec<(f32, &[(f32, &str)])> = rows.iter().map(|(y, v)| (*y, v.as_slice())).collect();
    let p = page(0, &rows);
    let _ = extract(&[p]);
    let pages: Vec<Page> = (0..300)
        .map(|i| {
            let mut p = german_invoice();
            p.index = i;
            p
        })
        .collect();
    let ex = extract(&pages);
    assert_eq!(ex.line_items.len(), 600);
}

/// A value read by OCR is never surer than its least sure word: the same German invoice read
/// by OCR with one unsure word in the invoice number drops that field below automatic
/// approval, while the fields read from sure words keep their confidence.
#[test]
fn an_unsure_ocr_word_caps_the_confidence_of_its_field() {
    let digital = extract(&[german_invoice()]);
    let mut scanned = german_invoice();
    scanned.text_source = SourceKind::Ocr;
    for w in &mut scanned.words {
        w.confidence = if w.text == "RE-2024-001" { 0.42 } else { 0.99 };
    }
    let ocr = extract(&[scanned]);
    assert_eq!(text(&ocr, FieldKey::InvoiceNumber), "RE-2024-001");
    assert!(field(&digital, FieldKey::InvoiceNumber).confidence > 0.42);
    assert!(field(&ocr, FieldKey::InvoiceNumber).confidence <= 0.42);
    let iban = |ex: &Extraction| field(ex, FieldKey::Iban).confidence;
    assert!(iban(&ocr) <= 0.99 && iban(&ocr) >= iban(&digital).min(0.99) - 1e-6);
}

/// Misreadings a text layer never has: on an OCR page a label two letters off in fifteen and a
/// VAT ID whose country prefix came out in small letters are still read; on a text layer the
/// same words are taken as printed.
#[test]
fn an_ocr_page_forgives_a_misread_label_and_the_case_of_a_vat_prefix() {
    let misread = |source: SourceKind| {
        let mut p = german_invoice();
        p.text_source = source;
        for w in &mut p.words {
            w.text = match w.text.as_str() {
                "Rechnungsnummer:" => "Rechnungsnunmer:".into(),
                "DE123456789" => "dE123456789".into(),
                // A word glued to an ID is no country prefix.
                "Tel." => "NoDK96477619".into(),
                t => t.to_owned(),
            };
        }
        extract(&[p])
    };
    let ocr = misread(SourceKind::Ocr);
    assert_eq!(text(&ocr, FieldKey::SellerVatId), "DE123456789");
    assert!(
        !ocr.fields
            .values()
            .any(|f| format!("{:?}", f.value).contains("NODK")),
        "{:?}",
        ocr.fields
    );
    assert_eq!(text(&ocr, FieldKey::InvoiceNumber), "RE-2024-001");
    assert!(
        field(&ocr, FieldKey::InvoiceNumber)
            .provenance
            .explanation
            .contains("Rechnungsnunmer"),
        "{:?}",
        field(&ocr, FieldKey::InvoiceNumber).provenance.explanation
    );
    let layer = misread(SourceKind::TextLayer);
    assert!(!layer.fields.contains_key(&FieldKey::SellerVatId));
    assert!(
        layer
            .fields
            .get(&FieldKey::InvoiceNumber)
            .is_none_or(|f| !f.provenance.explanation.contains("Rechnungsnunmer"))
    );
}

fn number_cand(value: &str, score: f32) -> (super::ranking::Origin, super::candidates::Cand) {
    (
        super::ranking::Origin::LabelValue,
        super::candidates::Cand {
            field: FieldKey::InvoiceNumber,
            value: FieldValue::Text(value.to_owned()),
            score,
            page: 0,
            words: Vec::new(),
            raw: value.to_owned(),
            explanation: format!("number {value}"),
            derived: false,
        },
    )
}

fn invoice_number_confidences(values: &[(&str, f32)]) -> BTreeMap<String, f32> {
    let groups = super::group_candidates(values.iter().map(|(v, s)| number_cand(v, *s)).collect());
    groups[&FieldKey::InvoiceNumber]
        .iter()
        .map(|g| (g.cands[0].1.value.to_plain(), g.rule_conf))
        .collect()
}

/// A document number that is the stem of a longer one on the same document (contract
/// `00.123.456.7`, invoice `00.123.456.7-2018-1`) loses half its confidence; a number that
/// merely shares leading digits, or continues without a separator, keeps it.
#[test]
fn a_number_cut_before_its_continuation_yields_to_the_whole_identifier() {
    let c = invoice_number_confidences(&[("00.123.456.7", 0.95), ("00.123.456.7-2018-1", 0.95)]);
    assert!((c["00.123.456.7"] - 0.475).abs() < 1e-6, "{c:?}");
    assert!((c["00.123.456.7-2018-1"] - 0.95).abs() < 1e-6, "{c:?}");
    let c = invoice_number_confidences(&[("4711", 0.9), ("47112", 0.6), ("4711 A", 0.6)]);
    assert!((c["4711"] - 0.9).abs() < 1e-6, "{c:?}");
    // A trailing separator alone is no continuation, and letters alone are no stem.
    let c =
        invoice_number_confidences(&[("2024", 0.9), ("2024-", 0.5), ("RE", 0.5), ("RE-7", 0.5)]);
    assert!((c["2024"] - 0.9).abs() < 1e-6, "{c:?}");
    assert!((c["RE"] - 0.5).abs() < 1e-6, "{c:?}");
}

/// On a page, the number in the invoice title wins over its stem repeated in a remark, and
/// the stem stays visible as an alternative that says why it lost.
#[test]
fn the_whole_document_number_wins_over_its_stem_on_a_page() {
    let p = page(
        0,
        &[
            (60.0, &[(50.0, "Muster Versicherung AG")]),
            (
                160.0,
                &[(50.0, "Rechnung Nr. 00.123.456.7-2018-1 vom 11.03.2018")],
            ),
            (
                460.0,
                &[
                    (50.0, "Bemerkung"),
                    (300.0, "Beitragsrechnung Nr. 00.123.456.7"),
                ],
            ),
        ],
    );
    let ex = extract(&[p]);
    let f = field(&ex, FieldKey::InvoiceNumber);
    assert_eq!(f.value.to_plain(), "00.123.456.7-2018-1");
    let stem = f
        .alternatives
        .iter()
        .find(|a| a.value.to_plain() == "00.123.456.7")
        .expect("the stem stays an alternative");
    assert!(stem.provenance.explanation.contains("starts with it"));
    assert!(stem.confidence < f.confidence);
}

fn seller_block(second_line: &str) -> Page {
    page(
        0,
        &[
            (60.0, &[(66.0, "Rechnung Nr. 4711 vom 15.11.2024")]),
            (222.0, &[(66.0, "Verkäufer")]),
            (235.0, &[(66.0, "Name:"), (305.0, "Lieferant Holding")]),
            (248.0, &[(305.0, second_line)]),
            (261.0, &[(66.0, "Steuernummer:"), (305.0, "201/113/40209")]),
            (274.0, &[(66.0, "USt.-Id.-Nr.:"), (305.0, "DE123456789")]),
            (320.0, &[(66.0, "Käufer")]),
            (333.0, &[(66.0, "Name:"), (305.0, "Kunden GmbH")]),
        ],
    )
}

/// A name right of its `Name:` label wraps onto the line below, unless that line is only the
/// address's country code; a legal form on its own line is still part of the name.
#[test]
fn a_country_code_below_a_name_is_not_part_of_it() {
    let ex = extract(&[seller_block("DE")]);
    assert_eq!(text(&ex, FieldKey::SellerName), "Lieferant Holding");
    let ex = extract(&[seller_block("AG")]);
    assert_eq!(text(&ex, FieldKey::SellerName), "Lieferant Holding AG");
    let ex = extract(&[seller_block("Verwaltung")]);
    assert_eq!(
        text(&ex, FieldKey::SellerName),
        "Lieferant Holding Verwaltung"
    );
}

/// A party heading glued to the next word by a hyphen (`Verkäufer-Kontoname :`) is a compound
/// label of its own: what follows is not the party's name; `Verkäufer: Name` still is.
#[test]
fn a_heading_inside_a_compound_label_gives_no_name() {
    let with = |line: &'static str| {
        extract(&[page(
            0,
            &[
                (60.0, &[(66.0, "Rechnung Nr. 4711 vom 15.11.2024")]),
                (500.0, &[(50.0, line)]),
            ],
        )])
    };
    let ex = with("Verkäufer-Kontoname : Konto Treuhand GmbH");
    let from_heading = ex
        .fields
        .get(&FieldKey::SellerName)
        .into_iter()
        .flat_map(|f| {
            std::iter::once(&f.provenance.explanation)
                .chain(f.alternatives.iter().map(|a| &a.provenance.explanation))
        });
    for why in from_heading {
        assert!(!why.contains("after heading"), "{why}");
    }
    let ex = with("Verkäufer: Lieferant Holding GmbH");
    assert_eq!(text(&ex, FieldKey::SellerName), "Lieferant Holding GmbH");
    assert!(
        field(&ex, FieldKey::SellerName)
            .provenance
            .explanation
            .contains("after heading")
    );
}
