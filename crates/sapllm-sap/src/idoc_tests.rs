//! The INVOIC02 export parsed back: segments, partners, references, items and totals.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sapllm_core::{DocType, FieldKey};

use crate::fixtures::{d, gl_invoice, po_invoice};
use crate::idoc::{IdocControl, invoic02_xml};
use crate::mapping::{MappingContext, map_invoice};

fn control() -> IdocControl {
    IdocControl {
        docnum: "0000000000004711".into(),
        sender_port: "SAPLLM".into(),
        receiver_port: "SAPECC".into(),
        receiver_partner: "ECDCLNT100".into(),
        created: NaiveDate::from_ymd_opt(2024, 5, 2)
            .unwrap()
            .and_hms_opt(13, 14, 15)
            .unwrap(),
    }
}

fn ctx() -> MappingContext<'static> {
    MappingContext {
        today: NaiveDate::from_ymd_opt(2024, 5, 2).unwrap(),
        purchase_order: None,
    }
}

fn text<'a>(node: roxmltree::Node<'a, 'a>, field: &str) -> &'a str {
    node.children()
        .find(|c| c.has_tag_name(field))
        .and_then(|c| c.text())
        .unwrap_or_default()
}

fn segments<'a>(doc: &'a roxmltree::Document<'a>, name: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants().filter(|n| n.has_tag_name(name)).collect()
}

#[test]
fn po_invoice_exports_all_segments_and_totals_that_add_up() {
    let mapped = map_invoice(
        &po_invoice()
            .field(FieldKey::SellerName, "Müller & Söhne <GmbH>")
            .build(),
        &crate::fixtures::config(),
        &ctx(),
    )
    .unwrap();
    let xml = invoic02_xml(&mapped, &control());
    assert_eq!(xml, invoic02_xml(&mapped, &control()), "deterministic");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "INVOIC02");

    let dc = segments(&doc, "EDI_DC40");
    assert_eq!(dc.len(), 1);
    assert_eq!(text(dc[0], "IDOCTYP"), "INVOIC02");
    assert_eq!(text(dc[0], "MESTYP"), "INVOIC");
    assert_eq!(text(dc[0], "SNDPRN"), "17300001");
    assert_eq!(
        (text(dc[0], "CREDAT"), text(dc[0], "CRETIM")),
        ("20240502", "131415")
    );

    let k01 = segments(&doc, "E1EDK01");
    assert_eq!(
        (
            text(k01[0], "CURCY"),
            text(k01[0], "BSART"),
            text(k01[0], "BELNR")
        ),
        ("EUR", "INVO", "RE-2024-0815")
    );
    assert_eq!(text(k01[0], "EIGENUINR"), "DE123456789");

    let partners: Vec<(&str, &str, &str)> = segments(&doc, "E1EDKA1")
        .iter()
        .map(|p| (text(*p, "PARVW"), text(*p, "PARTN"), text(*p, "NAME1")))
        .collect();
    assert_eq!(
        partners,
        [
            ("RS", "17300001", "Müller & Söhne <GmbH>"),
            ("RE", "1010", "Beispiel AG")
        ]
    );
    assert!(xml.contains("Müller &amp; Söhne &lt;GmbH&gt;"));

    let refs: Vec<(&str, &str)> = segments(&doc, "E1EDK02")
        .iter()
        .map(|r| (text(*r, "QUALF"), text(*r, "BELNR")))
        .collect();
    assert_eq!(refs, [("009", "RE-2024-0815"), ("001", "4500000001")]);
    assert_eq!(text(segments(&doc, "E1EDK03")[0], "DATUM"), "20240305");

    let items = segments(&doc, "E1EDP01");
    assert_eq!(items.len(), 2);
    assert_eq!(
        (
            text(items[1], "POSEX"),
            text(items[1], "MENGE"),
            text(items[1], "MENEE")
        ),
        ("000002", "5", "PC")
    );
    let p02 = items[1]
        .children()
        .find(|c| c.has_tag_name("E1EDP02"))
        .unwrap();
    assert_eq!(
        (text(p02, "BELNR"), text(p02, "ZEILE")),
        ("4500000001", "20")
    );
    let p19 = items[0]
        .children()
        .find(|c| c.has_tag_name("E1EDP19"))
        .unwrap();
    assert_eq!(text(p19, "KTEXT"), "Kopierpapier A4");
    let p04 = items[0]
        .children()
        .find(|c| c.has_tag_name("E1EDP04"))
        .unwrap();
    assert_eq!(
        (text(p04, "MWSKZ"), text(p04, "MSATZ"), text(p04, "MWSBT")),
        ("V1", "19", "47.50")
    );

    // Totals: net = Σ item amounts (E1EDP26), tax = Σ header taxes, gross = net + tax.
    let item_sum: Decimal = items
        .iter()
        .map(|i| {
            d(text(
                i.children().find(|c| c.has_tag_name("E1EDP26")).unwrap(),
                "BETRG",
            ))
        })
        .sum();
    let tax_sum: Decimal = segments(&doc, "E1EDK04")
        .iter()
        .map(|t| d(text(*t, "MWSBT")))
        .sum();
    let total = |id: &str| {
        d(text(
            *segments(&doc, "E1EDS01")
                .iter()
                .find(|s| text(**s, "SUMID") == id)
                .unwrap(),
            "SUMME",
        ))
    };
    assert_eq!(total("010"), item_sum);
    assert_eq!(total("005"), tax_sum);
    assert_eq!(total("011"), d("565.25"));
    assert_eq!(total("010") + total("005"), total("011"));
}

#[test]
fn credit_memo_without_po_exports_crme_and_no_po_reference() {
    let mapped = map_invoice(
        &gl_invoice().doc_type(DocType::CreditNote).build(),
        &crate::fixtures::config(),
        &ctx(),
    )
    .unwrap();
    let xml = invoic02_xml(&mapped, &control());
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(text(segments(&doc, "E1EDK01")[0], "BSART"), "CRME");
    assert_eq!(segments(&doc, "E1EDK02").len(), 1);
    assert!(segments(&doc, "E1EDP02").is_empty());
    assert_eq!(segments(&doc, "E1EDK04").len(), 2);
}
