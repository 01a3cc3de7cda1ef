//! IDoc INVOIC02 (message type INVOIC, variant MM) as an XML file: the alternative target for
//! SAP ECC systems without the S/4HANA supplier-invoice API. It is written from the same
//! [`MappedInvoice`] as the OData body, so both targets agree on supplier, reference, items
//! and tax codes.
//!
//! Segments: `EDI_DC40` control record; `E1EDK01` header (currency, `BSART` INVO/CRME,
//! reference, VAT IDs); `E1EDKA1` partners `RS` (invoicing party: the SAP supplier) and `RE`
//! (bill-to: the company code); `E1EDK02` references (`009` invoice number, `001` PO);
//! `E1EDK03` dates (`012` document date); `E1EDK04` taxes; per item `E1EDP01` with `E1EDP02`
//! (PO item), `E1EDP19` (text), `E1EDP26` (`003` net amount), `E1EDP04` (tax); `E1EDS01`
//! totals (`010` net, `005` tax, `011` gross). Output is deterministic for the same input:
//! the creation time comes from [`IdocControl`].

use chrono::NaiveDateTime;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::mapping::{ItemKind, MappedInvoice, currency_scale};
use crate::odata::format_decimal;

/// Control record settings of the receiving ECC system's partner profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdocControl {
    /// IDoc number (up to 16 digits), unique per export.
    pub docnum: String,
    /// Sender port (the file port the ECC system reads).
    pub sender_port: String,
    /// Receiver port, e.g. `SAPECC`.
    pub receiver_port: String,
    /// Receiver logical system, e.g. `ECDCLNT100`.
    pub receiver_partner: String,
    /// Creation time written into `CREDAT`/`CRETIM`.
    pub created: NaiveDateTime,
}

/// Escapes text for XML element content.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A segment under construction: fields in order, children nested.
struct Segment {
    name: &'static str,
    fields: Vec<(&'static str, String)>,
    children: Vec<Segment>,
}

impl Segment {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            fields: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Adds a field; IDoc fields have fixed lengths, so text is cut to `max` characters.
    fn field(mut self, name: &'static str, value: &str, max: usize) -> Self {
        if !value.is_empty() {
            self.fields.push((name, value.chars().take(max).collect()));
        }
        self
    }

    fn child(mut self, c: Segment) -> Self {
        self.children.push(c);
        self
    }

    fn write(&self, out: &mut String, depth: usize) {
        let pad = "  ".repeat(depth);
        out.push_str(&format!("{pad}<{} SEGMENT=\"1\">\n", self.name));
        for (k, v) in &self.fields {
            out.push_str(&format!("{pad}  <{k}>{}</{k}>\n", esc(v)));
        }
        for c in &self.children {
            c.write(out, depth + 1);
        }
        out.push_str(&format!("{pad}</{}>\n", self.name));
    }
}

fn ymd(d: chrono::NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The INVOIC02 XML of a mapped invoice.
pub fn invoic02_xml(m: &MappedInvoice, control: &IdocControl) -> String {
    let scale = currency_scale(&m.currency);
    let amt = |d: Decimal| format_decimal(d, scale);
    let rate_of = |code: &str| {
        m.taxes
            .iter()
            .find(|t| t.tax_code == code)
            .map(|t| t.rate)
            .unwrap_or_default()
    };

    let mut segments = vec![
        Segment::new("EDI_DC40")
            .field("TABNAM", "EDI_DC40", 10)
            .field("DOCNUM", &control.docnum, 16)
            .field("DIRECT", "2", 1)
            .field("IDOCTYP", "INVOIC02", 30)
            .field("MESTYP", "INVOIC", 30)
            .field("MESCOD", "MM", 3)
            .field("SNDPOR", &control.sender_port, 10)
            .field("SNDPRT", "LI", 2)
            .field("SNDPRN", &m.supplier, 10)
            .field("RCVPOR", &control.receiver_port, 10)
            .field("RCVPRT", "LS", 2)
            .field("RCVPRN", &control.receiver_partner, 10)
            .field("CREDAT", &control.created.format("%Y%m%d").to_string(), 8)
            .field("CRETIM", &control.created.format("%H%M%S").to_string(), 6),
        Segment::new("E1EDK01")
            .field("CURCY", &m.currency, 3)
            .field(
                "KUNDEUINR",
                m.buyer_vat_id.as_deref().unwrap_or_default(),
                20,
            )
            .field(
                "EIGENUINR",
                m.seller_vat_id.as_deref().unwrap_or_default(),
                20,
            )
            .field("BSART", if m.credit_memo { "CRME" } else { "INVO" }, 4)
            .field("BELNR", &m.reference, 35),
        Segment::new("E1EDKA1")
            .field("PARVW", "RS", 3)
            .field("PARTN", &m.supplier, 17)
            .field("NAME1", m.seller_name.as_deref().unwrap_or_default(), 35),
        Segment::new("E1EDKA1")
            .field("PARVW", "RE", 3)
            .field("PARTN", &m.company_code, 17)
            .field("NAME1", m.buyer_name.as_deref().unwrap_or_default(), 35),
        Segment::new("E1EDK02")
            .field("QUALF", "009", 3)
            .field("BELNR", &m.reference, 35)
            .field("DATUM", &ymd(m.document_date), 8),
    ];
    if let Some(po) = &m.po_number {
        segments.push(
            Segment::new("E1EDK02")
                .field("QUALF", "001", 3)
                .field("BELNR", po, 35),
        );
    }
    segments.push(Segment::new("E1EDK03").field("IDDAT", "012", 3).field(
        "DATUM",
        &ymd(m.document_date),
        8,
    ));
    for t in &m.taxes {
        segments.push(
            Segment::new("E1EDK04")
                .field("MWSKZ", &t.tax_code, 7)
                .field("MSATZ", &t.rate.normalize().to_string(), 17)
                .field("MWSBT", &amt(t.amount), 18),
        );
    }
    for (i, item) in m.items.iter().enumerate() {
        let (quantity, unit) = match &item.kind {
            ItemKind::PurchaseOrder { quantity, unit, .. } => (*quantity, unit.clone()),
            ItemKind::GlAccount { .. } => (Decimal::ONE, String::new()),
        };
        let price = if quantity.is_zero() {
            item.amount
        } else {
            item.amount / quantity
        };
        let rate = rate_of(&item.tax_code);
        let item_tax = (item.amount * rate / Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
        let mut p = Segment::new("E1EDP01")
            .field("POSEX", &format!("{:06}", i + 1), 6)
            .field("MENGE", &quantity.normalize().to_string(), 15)
            .field("MENEE", &unit, 3)
            .field("VPREI", &format_decimal(price, 4), 15)
            .field("PEINH", "1", 9)
            .field("NETWR", &amt(item.amount), 18);
        if let ItemKind::PurchaseOrder {
            purchase_order,
            item: po_item,
            ..
        } = &item.kind
        {
            p = p.child(
                Segment::new("E1EDP02")
                    .field("QUALF", "001", 3)
                    .field("BELNR", purchase_order, 35)
                    .field("ZEILE", po_item, 6),
            );
        }
        if !item.text.is_empty() {
            p = p.child(
                Segment::new("E1EDP19")
                    .field("QUALF", "002", 3)
                    .field("KTEXT", &item.text, 70),
            );
        }
        p = p
            .child(Segment::new("E1EDP26").field("QUALF", "003", 3).field(
                "BETRG",
                &amt(item.amount),
                18,
            ))
            .child(
                Segment::new("E1EDP04")
                    .field("MWSKZ", &item.tax_code, 7)
                    .field("MSATZ", &rate.normalize().to_string(), 17)
                    .field("MWSBT", &amt(item_tax), 18),
            );
        segments.push(p);
    }
    let net: Decimal = m.items.iter().map(|i| i.amount).sum();
    let tax: Decimal = m.taxes.iter().map(|t| t.amount).sum();
    for (sumid, value) in [("010", net), ("005", tax), ("011", m.gross)] {
        segments.push(
            Segment::new("E1EDS01")
                .field("SUMID", sumid, 3)
                .field("SUMME", &amt(value), 18)
                .field("WAERQ", &m.currency, 3),
        );
    }

    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<INVOIC02>\n  <IDOC BEGIN=\"1\">\n",
    );
    for s in &segments {
        s.write(&mut out, 2);
    }
    out.push_str("  </IDOC>\n</INVOIC02>\n");
    out
}
