//! The layout families. Each function draws one document in one recognisably different
//! arrangement; they share the blocks of [`super::blocks`] and differ in where and how those are
//! placed, which fonts, rules, formats and decorations they use.

use chrono::Duration;
use sapllm_core::FieldKey;

use super::blocks::*;
use super::i18n::{self, CurrencyStyle, DateStyle, NumberStyle};
use super::sheet::{Sheet, Style, fit_size, wrap};
use crate::model::{Document, Language, ids};
use crate::pdf::{A4_WIDTH, Color, Font};

/// The columns a document can show: a delivery note has no prices.
fn cols_for(doc: &Document, cols: &[Col]) -> Vec<Col> {
    cols.iter()
        .copied()
        .filter(|c| doc.has_amounts() || !matches!(c, Col::UnitPrice | Col::VatRate | Col::Amount))
        .collect()
}

/// Heading over the recipient's address.
fn recipient_heading(sh: &Sheet, doc: &Document) -> String {
    let l = sh.style.labels;
    match Role::recipient(doc) {
        Role::Seller => l.supplier_heading.to_owned(),
        Role::Buyer if doc.doc_type == sapllm_core::DocType::DeliveryNote => l.ship_to.to_owned(),
        Role::Buyer => l.buyer_heading.to_owned(),
    }
}

/// Totals on the right and payment details on the left, side by side; returns the lower end.
fn totals_and_payment(
    sh: &mut Sheet,
    doc: &Document,
    top: f32,
    totals: &TotalsSpec,
    pay: &PaymentSpec,
) -> f32 {
    let top = ensure_room(sh, top, 120.0);
    let left = sh.style.left;
    let t_tot = if doc.has_amounts() {
        totals_block(sh, doc, top, totals)
    } else {
        top
    };
    let t_pay = payment_block(sh, doc, left, top + sh.style.size, pay);
    t_tot.max(t_pay)
}

/// Totals, then payment details and notes underneath.
fn totals_then_payment(
    sh: &mut Sheet,
    doc: &Document,
    top: f32,
    totals: &TotalsSpec,
    pay: &PaymentSpec,
    thanks: bool,
) -> f32 {
    let mut t = ensure_room(sh, top, 110.0);
    if doc.has_amounts() {
        t = totals_block(sh, doc, t, totals);
    }
    t = ensure_room(sh, t, 70.0);
    let (left, width) = (sh.style.left, sh.style.width());
    t = payment_block(sh, doc, left, t, pay);
    notes_block(sh, doc, left, t + 4.0, width, thanks)
}

fn pay(heading: bool, due_sentence: bool, bank: BankStyle, width: f32) -> PaymentSpec {
    PaymentSpec {
        terms: true,
        heading,
        due_sentence,
        bank,
        width,
    }
}

/// German business letter (DIN 5008): letterhead right, window address, key-value block,
/// header-rule table, four-column footer.
pub fn din(doc: &Document, st: Style) -> Sheet {
    let mut sh = Sheet::new(st.clone());
    let mut o = PartyOpts::new(8.0);
    o.align = Align::Right;
    o.name_size = 14.0;
    o.contact = true;
    party_block(&mut sh, doc, Role::issuer(doc), st.right, 58.0, &o);
    sender_line(&mut sh, doc, st.left, 140.0);
    let mut r = PartyOpts::new(10.0);
    r.bold_name = false;
    r.name_size = 10.0;
    party_block(&mut sh, doc, Role::recipient(doc), st.left, 156.0, &r);
    use MetaField::*;
    let meta = meta_entries(
        &sh,
        doc,
        &[
            Number,
            Date,
            CustomerNo,
            PoNumber,
            BuyerReference,
            DeliveryDate,
        ],
    );
    meta_block(
        &mut sh,
        &meta,
        350.0,
        156.0,
        MetaMode::LabelsLeft {
            label_w: 85.0,
            right: Some(st.right),
        },
    );
    title(
        &mut sh,
        doc,
        st.left,
        262.0,
        15.0,
        Align::Left,
        Color::BLACK,
    );
    sh.text(
        st.regular,
        st.size,
        st.left,
        282.0,
        i18n::intro(st.lang, doc.doc_type),
    );
    let cols = cols_for(
        doc,
        &[
            Col::Pos,
            Col::Description,
            Col::Qty,
            Col::Unit,
            Col::UnitPrice,
            Col::Amount,
        ],
    );
    let t = items_table(
        &mut sh,
        doc,
        &TableSpec::new(&cols, Grid::HeaderRule, 9.0),
        292.0,
    );
    totals_then_payment(
        &mut sh,
        doc,
        t,
        &TotalsSpec::new(220.0),
        &pay(false, true, BankStyle::None, st.width()),
        true,
    );
    footer_columns(
        &mut sh,
        doc,
        &FooterSpec {
            columns: 4,
            top: 782.0,
            size: 6.5,
            rule: true,
            framed: false,
        },
    );
    page_numbers(&mut sh, 762.0, false);
    sh
}

/// A coloured banner with the seller's name and the title, boxed key-values, zebra table.
pub fn banner(doc: &Document, mut st: Style) -> Sheet {
    st.dates = DateStyle::long(st.lang);
    st.accent = Color::rgb(0.0, 0.40, 0.44);
    let mut sh = Sheet::new(st.clone());
    let issuer = Role::issuer(doc);
    let p = issuer.party(doc).clone();
    sh.fill(0.0, 0.0, A4_WIDTH, 92.0, st.accent);
    let title_text = i18n::doc_title(doc).to_uppercase();
    sh.text_right_c(st.bold, 24.0, st.right, 52.0, Color::WHITE, &title_text);
    // The name gets whatever room the title leaves.
    let room = st.right - st.bold.text_width(&title_text, 24.0) - 20.0 - st.left;
    let name_size = fit_size(&p.name, st.bold, 20.0, room);
    sh.text_c(st.bold, name_size, st.left, 44.0, Color::WHITE, &p.name);
    sh.mark(issuer.name_key(), p.name.clone());
    let addr = format!(
        "{} · {} {} · {}",
        p.address.street, p.address.zip, p.address.city, p.email
    );
    sh.text_c(st.regular, 8.5, st.left, 62.0, Color::WHITE, &addr);
    let mut r = PartyOpts::new(9.5);
    r.heading = Some(recipient_heading(&sh, doc));
    r.vat = true;
    let t1 = party_block(&mut sh, doc, Role::recipient(doc), st.left, 125.0, &r);
    use MetaField::*;
    let meta = meta_entries(
        &sh,
        doc,
        &[Number, InvoiceDate, DueDate, PoNumber, CustomerNo],
    );
    let t2 = meta_block(
        &mut sh,
        &meta,
        st.right - 215.0,
        115.0,
        MetaMode::Boxed { w: 215.0 },
    );
    let mut spec = TableSpec::new(
        &cols_for(
            doc,
            &[
                Col::ItemId,
                Col::Description,
                Col::Qty,
                Col::UnitPrice,
                Col::VatRate,
                Col::Amount,
            ],
        ),
        Grid::Zebra,
        8.5,
    );
    spec.header_fill = Some(st.accent);
    spec.header_color = Color::WHITE;
    let t = items_table(&mut sh, doc, &spec, t1.max(t2) + 12.0);
    let mut totals = TotalsSpec::new(215.0);
    totals.fill = Some(LIGHT);
    totals.due_row = true;
    let t = totals_and_payment(
        &mut sh,
        doc,
        t,
        &totals,
        &pay(true, false, BankStyle::Lines, st.width() - 240.0),
    );
    notes_block(&mut sh, doc, st.left, t + 6.0, st.width(), true);
    footer_centered(&mut sh, doc, 790.0, 7.0);
    page_numbers(&mut sh, 775.0, false);
    sh
}

/// Centred letterhead and title, inline key-values, fully gridded table with the currency in
/// the column headers, bank block beside the totals.
pub fn centered(doc: &Document, mut st: Style) -> Sheet {
    st.dates = match st.lang {
        Language::En => DateStyle::Us,
        l => DateStyle::numeric(l),
    };
    st.currency = CurrencyStyle::None;
    let mut sh = Sheet::new(st.clone());
    let issuer = Role::issuer(doc);
    let p = issuer.party(doc).clone();
    let mid = (st.left + st.right) / 2.0;
    sh.text_center(st.bold, 16.0, mid, 58.0, &p.name);
    sh.mark(issuer.name_key(), p.name.clone());
    let country = p.address.country.name(st.lang);
    sh.text_center(
        st.regular,
        8.5,
        mid,
        73.0,
        &format!(
            "{} · {} {} · {country}",
            p.address.street, p.address.zip, p.address.city
        ),
    );
    if issuer == Role::Seller {
        sh.mark(FieldKey::SellerCountry, country);
    }
    sh.text_center(
        st.regular,
        8.0,
        mid,
        85.0,
        &format!("{} {} · {} · {}", st.labels.phone, p.phone, p.email, p.web),
    );
    sh.hline(st.left, st.right, 96.0, 1.0, Color::BLACK);
    title(&mut sh, doc, mid, 130.0, 18.0, Align::Center, Color::BLACK);
    use MetaField::*;
    let meta = meta_entries(&sh, doc, &[Number, Date, PoNumber, BuyerReference]);
    meta_block(&mut sh, &meta, st.left, 150.0, MetaMode::Inline);
    let mut r = PartyOpts::new(9.5);
    r.heading = Some(recipient_heading(&sh, doc));
    r.vat = true;
    let t1 = party_block(&mut sh, doc, Role::recipient(doc), st.left, 182.0, &r);
    let meta = meta_entries(&sh, doc, &[DeliveryDate, DueDate, CustomerNo]);
    let t2 = meta_block(
        &mut sh,
        &meta,
        340.0,
        195.0,
        MetaMode::LabelsLeft {
            label_w: 90.0,
            right: Some(st.right),
        },
    );
    let mut spec = TableSpec::new(
        &cols_for(
            doc,
            &[
                Col::Pos,
                Col::Description,
                Col::QtyUnit,
                Col::UnitPrice,
                Col::Amount,
            ],
        ),
        Grid::Full,
        9.0,
    );
    spec.header_fill = Some(LIGHT);
    spec.currency_in_header = true;
    let t = items_table(&mut sh, doc, &spec, t1.max(t2) + 14.0);
    let mut totals = TotalsSpec::new(210.0);
    totals.due_row = true;
    let t = totals_and_payment(
        &mut sh,
        doc,
        t,
        &totals,
        &pay(true, false, BankStyle::Lines, 250.0),
    );
    notes_block(&mut sh, doc, st.left, t + 6.0, st.width(), false);
    footer_centered(&mut sh, doc, 792.0, 6.5);
    page_numbers(&mut sh, 775.0, false);
    sh
}

/// Seller block top right, recipient top left, key-values above their values on a tinted band.
pub fn seller_right(doc: &Document, mut st: Style) -> Sheet {
    st.dates = match st.lang {
        Language::En => DateStyle::Iso,
        Language::De => DateStyle::DeNumeric,
        l => DateStyle::long(l),
    };
    st.accent = Color::rgb(0.55, 0.12, 0.18);
    let mut sh = Sheet::new(st.clone());
    let mut o = PartyOpts::new(8.5);
    o.align = Align::Right;
    o.name_size = 13.0;
    o.country = true;
    o.vat = true;
    o.contact = true;
    o.color = Color::gray(0.15);
    party_block(&mut sh, doc, Role::issuer(doc), st.right, 60.0, &o);
    let mut r = PartyOpts::new(9.5);
    r.heading = Some(recipient_heading(&sh, doc));
    party_block(&mut sh, doc, Role::recipient(doc), st.left, 60.0, &r);
    title(&mut sh, doc, st.left, 196.0, 22.0, Align::Left, st.accent);
    use MetaField::*;
    let meta = meta_entries(
        &sh,
        doc,
        &[Number, InvoiceDate, DueDate, DeliveryDate, PoNumber],
    );
    let t = meta_block(
        &mut sh,
        &meta,
        st.left,
        228.0,
        MetaMode::LabelsAbove {
            col_w: 97.0,
            band: Some(LIGHT),
        },
    );
    let cols = cols_for(
        doc,
        &[
            Col::Description,
            Col::Qty,
            Col::Unit,
            Col::UnitPrice,
            Col::VatRate,
            Col::Amount,
        ],
    );
    let t = items_table(
        &mut sh,
        doc,
        &TableSpec::new(&cols, Grid::HeaderRule, 9.0),
        t + 4.0,
    );
    let mut totals = TotalsSpec::new(200.0);
    totals.due_row = true;
    let t = totals_and_payment(
        &mut sh,
        doc,
        t,
        &totals,
        &pay(true, false, BankStyle::Lines, 240.0),
    );
    notes_block(&mut sh, doc, st.left, t + 6.0, st.width(), true);
    footer_columns(
        &mut sh,
        doc,
        &FooterSpec {
            columns: 3,
            top: 790.0,
            size: 6.5,
            rule: false,
            framed: false,
        },
    );
    page_numbers(&mut sh, 770.0, false);
    sh
}

/// Seller and buyer in two labelled columns, two groups of key-values, full grid with every
/// column, boxed totals with VAT bases.
pub fn two_column(doc: &Document, mut st: Style) -> Sheet {
    st.size = 8.5;
    st.accent = Color::rgb(0.2, 0.45, 0.2);
    let mut sh = Sheet::new(st.clone());
    let issuer = Role::issuer(doc);
    let w = logo(&mut sh, st.left, 42.0, 28.0, LogoKind::Squares, st.accent);
    let name = issuer.party(doc).name.clone();
    sh.text(st.bold, 13.0, st.left + w + 10.0, 61.0, &name);
    title(
        &mut sh,
        doc,
        st.right,
        64.0,
        20.0,
        Align::Right,
        Color::BLACK,
    );
    let mid = st.left + st.width() / 2.0;
    let l = st.labels;
    let heading = |role: Role| match role {
        Role::Seller if doc.doc_type == sapllm_core::DocType::PurchaseOrder => {
            l.supplier_heading.to_owned()
        }
        Role::Seller => l.seller_heading.to_owned(),
        Role::Buyer => l.buyer_heading.to_owned(),
    };
    let mut o = PartyOpts::new(8.5);
    o.country = true;
    o.vat = true;
    o.heading = Some(heading(issuer));
    o.contact = true;
    let t1 = party_block(&mut sh, doc, issuer, st.left, 105.0, &o);
    o.heading = Some(heading(Role::recipient(doc)));
    o.contact = false;
    let t2 = party_block(&mut sh, doc, Role::recipient(doc), mid, 105.0, &o);
    let top = t1.max(t2) + 10.0;
    sh.hline(st.left, st.right, top - 8.0, 0.5, RULE);
    use MetaField::*;
    let a = meta_entries(&sh, doc, &[Number, Date, DueDate]);
    let b = meta_entries(
        &sh,
        doc,
        &[DeliveryDate, PoNumber, BuyerReference, CustomerNo],
    );
    let ta = meta_block(
        &mut sh,
        &a,
        st.left,
        top + 6.0,
        MetaMode::LabelsLeft {
            label_w: 95.0,
            right: None,
        },
    );
    let tb = meta_block(
        &mut sh,
        &b,
        mid,
        top + 6.0,
        MetaMode::LabelsLeft {
            label_w: 95.0,
            right: None,
        },
    );
    let cols = cols_for(
        doc,
        &[
            Col::Pos,
            Col::ItemId,
            Col::Description,
            Col::Qty,
            Col::Unit,
            Col::UnitPrice,
            Col::VatRate,
            Col::Amount,
        ],
    );
    let t = items_table(
        &mut sh,
        doc,
        &TableSpec::new(&cols, Grid::Full, 8.0),
        ta.max(tb) + 8.0,
    );
    let mut totals = TotalsSpec::new(230.0);
    totals.boxed = true;
    totals.vat_base = true;
    totals.due_row = true;
    totals_then_payment(
        &mut sh,
        doc,
        t,
        &totals,
        &pay(true, true, BankStyle::Lines, st.width()),
        true,
    );
    footer_columns(
        &mut sh,
        doc,
        &FooterSpec {
            columns: 3,
            top: 788.0,
            size: 6.5,
            rule: true,
            framed: false,
        },
    );
    page_numbers(&mut sh, 768.0, false);
    sh
}

/// Everything in boxes: key-value grid, framed recipient, title band, gridded table, boxed
/// totals and bank box, framed footer.
pub fn boxed(doc: &Document, mut st: Style) -> Sheet {
    st.currency = match st.lang {
        Language::En => CurrencyStyle::CodeAfter,
        _ => CurrencyStyle::CodeAfter,
    };
    let mut sh = Sheet::new(st.clone());
    let mut o = PartyOpts::new(8.5);
    o.name_size = 14.0;
    o.contact = true;
    party_block(&mut sh, doc, Role::issuer(doc), st.left, 58.0, &o);
    use MetaField::*;
    let meta = meta_entries(&sh, doc, &[Number, Date, DueDate, CustomerNo, PoNumber]);
    let t_meta = meta_block(
        &mut sh,
        &meta,
        st.right - 200.0,
        46.0,
        MetaMode::Boxed { w: 200.0 },
    );
    let box_top = t_meta.max(150.0);
    let mut r = PartyOpts::new(9.0);
    r.heading = Some(recipient_heading(&sh, doc));
    r.vat = true;
    let t = party_block(
        &mut sh,
        doc,
        Role::recipient(doc),
        st.left + 8.0,
        box_top + 14.0,
        &r,
    );
    sh.frame(st.left, box_top, 250.0, t - box_top, 0.7, Color::BLACK);
    let band = t + 16.0;
    sh.fill(st.left, band, st.width(), 24.0, Color::gray(0.85));
    let title_text = i18n::doc_title(doc).to_uppercase();
    sh.text(st.bold, 13.0, st.left + 8.0, band + 16.5, &title_text);
    sh.text_right(st.bold, 11.0, st.right - 8.0, band + 16.5, &doc.number);
    let mut spec = TableSpec::new(
        &cols_for(
            doc,
            &[
                Col::Pos,
                Col::ItemId,
                Col::Description,
                Col::QtyUnit,
                Col::UnitPrice,
                Col::Amount,
            ],
        ),
        Grid::Full,
        8.5,
    );
    spec.header_fill = Some(LIGHT);
    let t = items_table(&mut sh, doc, &spec, band + 34.0);
    let mut totals = TotalsSpec::new(210.0);
    totals.boxed = true;
    totals.due_row = true;
    let t = ensure_room(&mut sh, t, 130.0);
    let t_tot = if doc.has_amounts() {
        totals_block(&mut sh, doc, t, &totals)
    } else {
        t
    };
    let t_pay = payment_block(
        &mut sh,
        doc,
        st.left + 8.0,
        t + 14.0,
        &pay(true, true, BankStyle::Lines, 230.0),
    );
    if t_pay > t + 20.0 {
        sh.frame(st.left, t, 250.0, t_pay - t, 0.7, Color::BLACK);
    }
    notes_block(
        &mut sh,
        doc,
        st.left,
        t_tot.max(t_pay) + 10.0,
        st.width(),
        false,
    );
    footer_columns(
        &mut sh,
        doc,
        &FooterSpec {
            columns: 4,
            top: 780.0,
            size: 6.3,
            rule: false,
            framed: true,
        },
    );
    page_numbers(&mut sh, 760.0, false);
    sh
}

/// A formal letter in Times: centred letterhead with a double rule, place and date, subject
/// line, salutation, ruled rows, complimentary close.
pub fn letter(doc: &Document, mut st: Style) -> Sheet {
    st.regular = Font::TimesRoman;
    st.bold = Font::TimesBold;
    st.size = 10.0;
    st.dates = DateStyle::long(st.lang);
    st.currency = match st.lang {
        Language::En => CurrencyStyle::SymbolBefore,
        _ => CurrencyStyle::SymbolAfter,
    };
    let mut sh = Sheet::new(st.clone());
    let issuer = Role::issuer(doc);
    let p = issuer.party(doc).clone();
    let mid = (st.left + st.right) / 2.0;
    sh.text_center(st.bold, 20.0, mid, 60.0, &p.name);
    sh.mark(issuer.name_key(), p.name.clone());
    sh.text_center(
        st.regular,
        9.0,
        mid,
        76.0,
        &format!(
            "{} · {} {} · {} {}",
            p.address.street, p.address.zip, p.address.city, st.labels.phone, p.phone
        ),
    );
    sh.hline(st.left, st.right, 84.0, 0.5, Color::BLACK);
    sh.hline(st.left, st.right, 86.5, 1.5, Color::BLACK);
    let mut r = PartyOpts::new(10.0);
    r.bold_name = false;
    r.name_size = 10.0;
    party_block(&mut sh, doc, Role::recipient(doc), st.left, 150.0, &r);
    let date = st.date(doc.issue_date);
    sh.text_right(
        st.regular,
        st.size,
        st.right,
        150.0,
        &format!("{}, {date}", p.address.city),
    );
    sh.mark(FieldKey::IssueDate, date);
    let subject = format!(
        "{} {}",
        i18n::number_label(st.lang, doc.doc_type).replace("Rechnungsnummer", "Rechnung Nr."),
        doc.number
    );
    sh.text(st.bold, 11.0, st.left, 250.0, &subject);
    sh.mark(FieldKey::InvoiceNumber, doc.number.clone());
    if doc.doc_type == sapllm_core::DocType::PurchaseOrder {
        sh.mark(FieldKey::PoNumber, doc.number.clone());
    }
    use MetaField::*;
    let meta = meta_entries(
        &sh,
        doc,
        &[PoNumber, BuyerReference, DeliveryDate, CustomerNo],
    );
    let t = meta_block(
        &mut sh,
        &meta,
        st.left,
        268.0,
        MetaMode::LabelsLeft {
            label_w: 110.0,
            right: None,
        },
    );
    let (salutation, close) = i18n::letter_phrases(st.lang);
    sh.text(st.regular, st.size, st.left, t + 10.0, salutation);
    sh.text(
        st.regular,
        st.size,
        st.left,
        t + 24.0,
        i18n::intro(st.lang, doc.doc_type),
    );
    let cols = cols_for(
        doc,
        &[
            Col::Pos,
            Col::Description,
            Col::Qty,
            Col::UnitPrice,
            Col::Amount,
        ],
    );
    let t = items_table(
        &mut sh,
        doc,
        &TableSpec::new(&cols, Grid::RowRules, 10.0),
        t + 34.0,
    );
    let t = totals_then_payment(
        &mut sh,
        doc,
        t,
        &TotalsSpec::new(220.0),
        &pay(false, true, BankStyle::Inline, st.width()),
        false,
    );
    let t = ensure_room(&mut sh, t + 6.0, 50.0);
    sh.text(st.regular, st.size, st.left, t, close);
    sh.text(
        st.regular,
        st.size,
        st.left,
        t + 34.0,
        p.managing_director.as_deref().unwrap_or(&p.name),
    );
    footer_centered(&mut sh, doc, 792.0, 7.0);
    page_numbers(&mut sh, 775.0, false);
    sh
}

/// Long invoices: running header on every page, compact rows, carried-forward subtotals,
/// "Page n of m".
pub fn ledger(doc: &Document, mut st: Style) -> Sheet {
    st.size = 8.0;
    st.top = 74.0;
    st.bottom = 735.0;
    st.accent = Color::rgb(0.35, 0.2, 0.5);
    let mut sh = Sheet::new(st.clone());
    let mut r = PartyOpts::new(9.0);
    r.vat = true;
    let t1 = party_block(&mut sh, doc, Role::recipient(doc), st.left, 100.0, &r);
    use MetaField::*;
    let meta = meta_entries(
        &sh,
        doc,
        &[Number, Date, DueDate, DeliveryDate, PoNumber, CustomerNo],
    );
    let t2 = meta_block(
        &mut sh,
        &meta,
        350.0,
        100.0,
        MetaMode::LabelsLeft {
            label_w: 80.0,
            right: Some(st.right),
        },
    );
    let cols = cols_for(
        doc,
        &[
            Col::Pos,
            Col::ItemId,
            Col::Description,
            Col::Qty,
            Col::Unit,
            Col::UnitPrice,
            Col::VatRate,
            Col::Amount,
        ],
    );
    let t = items_table(
        &mut sh,
        doc,
        &TableSpec::new(&cols, Grid::HeaderRule, 8.0),
        t1.max(t2) + 12.0,
    );
    let mut totals = TotalsSpec::new(230.0);
    totals.vat_base = true;
    totals_then_payment(
        &mut sh,
        doc,
        t,
        &totals,
        &pay(true, true, BankStyle::Inline, st.width()),
        true,
    );
    let issuer = Role::issuer(doc);
    let name = issuer.party(doc).name.clone();
    let head = format!("{} {}", i18n::doc_title(doc), doc.number);
    on_every_page(&mut sh, |sh, _, _| {
        let w = logo(sh, st.left, 28.0, 18.0, LogoKind::Steps, st.accent);
        sh.text(st.bold, 11.0, st.left + w + 8.0, 42.0, &name);
        sh.text_right(st.regular, 9.0, st.right, 42.0, &head);
        sh.hline(st.left, st.right, 54.0, 0.8, st.accent);
    });
    sh.mark(issuer.name_key(), name.clone());
    page_numbers(&mut sh, 762.0, true);
    footer_columns(
        &mut sh,
        doc,
        &FooterSpec {
            columns: 3,
            top: 782.0,
            size: 6.0,
            rule: true,
            framed: false,
        },
    );
    sh
}

/// Upper-case seller name, recipient in a box, and a rotated rubber stamp ("RECEIVED" with a
/// date) over the page.
pub fn stamped(doc: &Document, st: Style) -> Sheet {
    let mut sh = Sheet::new(st.clone());
    let issuer = Role::issuer(doc);
    let p = issuer.party(doc).clone();
    let upper = p.name.to_uppercase();
    sh.text(
        st.bold,
        fit_size(&upper, st.bold, 13.0, 310.0 - st.left),
        st.left,
        62.0,
        &upper,
    );
    sh.mark(issuer.name_key(), upper);
    let mut t = 76.0;
    for s in [
        p.address.street.clone(),
        format!("{} {}", p.address.zip, p.address.city),
        format!("{} {}", st.labels.phone, p.phone),
    ] {
        sh.text(st.regular, 8.5, st.left, t, &s);
        t += 11.5;
    }
    sh.frame(320.0, 48.0, st.right - 320.0, 84.0, 0.6, Color::BLACK);
    let mut r = PartyOpts::new(9.0);
    r.vat = true;
    party_block(&mut sh, doc, Role::recipient(doc), 330.0, 66.0, &r);
    use MetaField::*;
    let meta = meta_entries(&sh, doc, &[Number, Date, DueDate, PoNumber, DeliveryDate]);
    let t_meta = meta_block(
        &mut sh,
        &meta,
        320.0,
        152.0,
        MetaMode::LabelsLeft {
            label_w: 92.0,
            right: None,
        },
    );
    title(
        &mut sh,
        doc,
        st.left,
        172.0,
        18.0,
        Align::Left,
        Color::BLACK,
    );
    let mut spec = TableSpec::new(
        &cols_for(
            doc,
            &[
                Col::Description,
                Col::Qty,
                Col::UnitPrice,
                Col::VatRate,
                Col::Amount,
            ],
        ),
        Grid::HeaderRule,
        9.0,
    );
    spec.header_fill = Some(LIGHT);
    let t = items_table(&mut sh, doc, &spec, t_meta + 12.0);
    let t = ensure_room(&mut sh, t, 150.0);
    let mut totals = TotalsSpec::new(200.0);
    totals.due_row = true;
    let t_tot = if doc.has_amounts() {
        totals_block(&mut sh, doc, t, &totals)
    } else {
        t
    };
    // The stamp sits left of the totals, slightly rotated, as if pressed on by hand.
    let received = st.date(doc.issue_date + Duration::days(3));
    stamp(
        &mut sh,
        st.left + 110.0,
        t + 40.0,
        12.0,
        Color::rgb(0.78, 0.1, 0.12),
        st.labels.received,
        &received,
    );
    let t = t_tot.max(t + 95.0);
    let t = payment_block(
        &mut sh,
        doc,
        st.left,
        t,
        &pay(false, true, BankStyle::Inline, st.width()),
    );
    notes_block(&mut sh, doc, st.left, t + 4.0, st.width(), true);
    footer_columns(
        &mut sh,
        doc,
        &FooterSpec {
            columns: 3,
            top: 785.0,
            size: 6.5,
            rule: true,
            framed: false,
        },
    );
    page_numbers(&mut sh, 765.0, false);
    sh
}

/// A logo drawn from rectangles next to the seller's name, address right, tinted table header
/// with row rules, tinted totals.
pub fn logo_header(doc: &Document, mut st: Style) -> Sheet {
    st.accent = Color::rgb(0.85, 0.42, 0.08);
    st.dates = match st.lang {
        Language::En => DateStyle::LongEn,
        l => DateStyle::numeric(l),
    };
    let mut sh = Sheet::new(st.clone());
    let issuer = Role::issuer(doc);
    let w = logo(&mut sh, st.left, 42.0, 36.0, LogoKind::Bars, st.accent);
    let name = issuer.party(doc).name.clone();
    sh.text_c(st.bold, 16.0, st.left + w + 10.0, 66.0, st.accent, &name);
    let mut o = PartyOpts::new(8.0);
    o.align = Align::Right;
    o.name_size = 8.0;
    o.contact = true;
    o.country = true;
    party_block(&mut sh, doc, issuer, st.right, 46.0, &o);
    sender_line(&mut sh, doc, st.left, 138.0);
    let r = PartyOpts::new(10.0);
    party_block(&mut sh, doc, Role::recipient(doc), st.left, 154.0, &r);
    use MetaField::*;
    let meta = meta_entries(
        &sh,
        doc,
        &[
            Number,
            InvoiceDate,
            DeliveryDate,
            DueDate,
            BuyerReference,
            PoNumber,
        ],
    );
    meta_block(
        &mut sh,
        &meta,
        335.0,
        154.0,
        MetaMode::LabelsLeft {
            label_w: 92.0,
            right: None,
        },
    );
    title(&mut sh, doc, st.left, 262.0, 18.0, Align::Left, st.accent);
    let mut spec = TableSpec::new(
        &cols_for(
            doc,
            &[
                Col::Pos,
                Col::Description,
                Col::QtyUnit,
                Col::UnitPrice,
                Col::Amount,
            ],
        ),
        Grid::RowRules,
        9.0,
    );
    spec.header_fill = Some(Color::rgb(1.0, 0.92, 0.84));
    let t = items_table(&mut sh, doc, &spec, 276.0);
    let mut totals = TotalsSpec::new(230.0);
    totals.fill = Some(Color::rgb(1.0, 0.95, 0.9));
    totals.due_row = true;
    totals_then_payment(
        &mut sh,
        doc,
        t,
        &totals,
        &pay(true, true, BankStyle::None, st.width()),
        true,
    );
    footer_columns(
        &mut sh,
        doc,
        &FooterSpec {
            columns: 4,
            top: 780.0,
            size: 6.5,
            rule: true,
            framed: false,
        },
    );
    page_numbers(&mut sh, 762.0, false);
    sh
}

/// An ERP printout in Courier: dotted key-values, dashed rules, plain numbers, totals with the
/// currency code.
pub fn erp(doc: &Document, mut st: Style) -> Sheet {
    st.regular = Font::Courier;
    st.bold = Font::CourierBold;
    st.size = 8.5;
    st.numbers = match st.lang {
        Language::En => NumberStyle::Plain,
        _ => NumberStyle::PlainComma,
    };
    st.currency = CurrencyStyle::None;
    st.dates = match st.lang {
        Language::En => DateStyle::Iso,
        l => DateStyle::numeric(l),
    };
    let mut sh = Sheet::new(st.clone());
    let mut o = PartyOpts::new(8.5);
    o.name_size = 10.0;
    o.country = true;
    party_block(&mut sh, doc, Role::issuer(doc), st.left, 50.0, &o);
    let t = i18n::doc_title(doc).to_uppercase();
    sh.text_right(st.bold, 14.0, st.right, 55.0, &t);
    sh.dashed_hline(st.left, st.right, 104.0, 0.6, Color::BLACK);
    let mut r = PartyOpts::new(8.5);
    r.vat = true;
    r.name_size = 8.5;
    let t1 = party_block(&mut sh, doc, Role::recipient(doc), st.left, 124.0, &r);
    use MetaField::*;
    let meta = meta_entries(
        &sh,
        doc,
        &[
            Number,
            Date,
            CustomerNo,
            PoNumber,
            DeliveryDate,
            DueDate,
            Currency,
        ],
    );
    let t2 = meta_block(
        &mut sh,
        &meta,
        300.0,
        124.0,
        MetaMode::Dotted { label_chars: 18 },
    );
    let cols = cols_for(
        doc,
        &[
            Col::Pos,
            Col::ItemId,
            Col::Description,
            Col::Qty,
            Col::Unit,
            Col::UnitPrice,
            Col::Amount,
        ],
    );
    let t = items_table(
        &mut sh,
        doc,
        &TableSpec::new(&cols, Grid::Dashed, 8.0),
        t1.max(t2) + 12.0,
    );
    let mut t = ensure_room(&mut sh, t, 110.0);
    if doc.has_amounts() {
        t = totals_dotted(&mut sh, doc, st.right - 250.0, t + 6.0, 18);
    }
    let t = payment_block(
        &mut sh,
        doc,
        st.left,
        t + 8.0,
        &pay(false, true, BankStyle::Inline, st.width()),
    );
    notes_block(&mut sh, doc, st.left, t + 4.0, st.width(), false);
    footer_centered(&mut sh, doc, 790.0, 6.5);
    on_every_page(&mut sh, |sh, _, _| {
        sh.dashed_hline(st.left, st.right, 778.0, 0.6, Color::BLACK)
    });
    page_numbers(&mut sh, 765.0, false);
    sh
}

/// A shaded sidebar on the left with all of the seller's data (address, contact, tax IDs,
/// bank); the document itself to the right.
pub fn sidebar(doc: &Document, mut st: Style) -> Sheet {
    st.accent = Color::rgb(0.1, 0.33, 0.62);
    st.left = 196.0;
    st.right = A4_WIDTH - 40.0;
    let mut sh = Sheet::new(st.clone());
    let issuer = Role::issuer(doc);
    let p = issuer.party(doc).clone();
    let l = st.labels;
    // Sidebar texts, collected first so that every page can repeat them.
    // The name stays on one line (shrunk if needed) so that it reads as one string.
    let mut lines: Vec<(bool, String)> = vec![(true, p.name.clone())];
    sh.mark(issuer.name_key(), p.name.clone());
    let country = p.address.country.name(st.lang);
    for s in [
        p.address.street.clone(),
        format!("{} {}", p.address.zip, p.address.city),
        country.to_owned(),
        String::new(),
    ] {
        lines.push((false, s));
    }
    if issuer == Role::Seller {
        sh.mark(FieldKey::SellerCountry, country);
    }
    for s in [
        format!("{} {}", l.phone, p.phone),
        p.email.clone(),
        p.web.clone(),
        String::new(),
    ] {
        lines.push((false, s));
    }
    if let Some(v) = &p.vat_id {
        lines.push((false, format!("{} {v}", l.vat_id)));
        sh.mark(issuer.vat_key(), v.clone());
    }
    if let (Some(n), Role::Seller) = (&p.tax_number, issuer) {
        lines.push((false, format!("{} {n}", l.tax_number)));
        sh.mark(FieldKey::SellerTaxNumber, n.clone());
    }
    if let Some(b) = &doc.bank {
        let iban = ids::iban_grouped(&b.iban);
        lines.push((false, String::new()));
        lines.push((true, l.bank_details.to_owned()));
        lines.push((false, b.bank_name.clone()));
        lines.push((false, iban.clone()));
        lines.push((false, format!("BIC {}", b.bic)));
        sh.mark(FieldKey::Iban, iban);
        sh.mark(FieldKey::Bic, b.bic.clone());
    }
    if let Some(r) = &p.register {
        lines.push((false, String::new()));
        lines.extend(
            wrap(r, st.regular, 7.5, 135.0)
                .into_iter()
                .map(|s| (false, s)),
        );
    }
    title(&mut sh, doc, st.left, 80.0, 24.0, Align::Left, st.accent);
    let mut r = PartyOpts::new(9.5);
    r.heading = Some(recipient_heading(&sh, doc));
    r.vat = true;
    let t = party_block(&mut sh, doc, Role::recipient(doc), st.left, 115.0, &r);
    use MetaField::*;
    let meta = meta_entries(
        &sh,
        doc,
        &[
            Number,
            Date,
            DueDate,
            PoNumber,
            DeliveryDate,
            BuyerReference,
        ],
    );
    let t = meta_block(
        &mut sh,
        &meta,
        st.left,
        t.max(190.0) + 8.0,
        MetaMode::LabelsAbove {
            col_w: 118.0,
            band: None,
        },
    );
    let mut spec = TableSpec::new(
        &cols_for(
            doc,
            &[
                Col::Description,
                Col::Qty,
                Col::UnitPrice,
                Col::VatRate,
                Col::Amount,
            ],
        ),
        Grid::HeaderRule,
        8.5,
    );
    spec.header_color = st.accent;
    let t = items_table(&mut sh, doc, &spec, t + 4.0);
    let mut totals = TotalsSpec::new(200.0);
    totals.due_row = true;
    totals.gross_fill = Some(LIGHT);
    totals_then_payment(
        &mut sh,
        doc,
        t,
        &totals,
        &pay(false, true, BankStyle::None, st.width()),
        true,
    );
    on_every_page(&mut sh, |sh, _, _| {
        sh.fill(0.0, 0.0, 170.0, 842.0, Color::gray(0.94));
        sh.fill(0.0, 0.0, 6.0, 842.0, st.accent);
        let mut t = 80.0;
        for (bold, s) in &lines {
            let (font, size) = if *bold {
                (st.bold, if t < 100.0 { 12.0 } else { 8.0 })
            } else {
                (st.regular, 7.5)
            };
            if issuer == Role::Seller && s == country {
                sh.tag(FieldKey::SellerCountry.as_str());
            }
            sh.text(font, fit_size(s, font, size, 140.0), 22.0, t, s);
            t += size * 1.45;
        }
    });
    page_numbers(&mut sh, 800.0, false);
    sh
}

/// French-style invoice: client box, key-value cells, gridded table, VAT breakdown table next
/// to boxed totals, legal mentions at the foot.
pub fn french(doc: &Document, mut st: Style) -> Sheet {
    st.accent = Color::rgb(0.1, 0.16, 0.42);
    st.currency = match st.lang {
        Language::En => CurrencyStyle::CodeAfter,
        _ => CurrencyStyle::SymbolAfter,
    };
    let mut sh = Sheet::new(st.clone());
    let issuer = Role::issuer(doc);
    let mut o = PartyOpts::new(8.5);
    o.name_size = 15.0;
    o.color = Color::BLACK;
    o.contact = true;
    o.country = true;
    party_block(&mut sh, doc, issuer, st.left, 58.0, &o);
    sh.frame(310.0, 96.0, st.right - 310.0, 92.0, 0.8, st.accent);
    let mut r = PartyOpts::new(9.0);
    r.heading = Some(recipient_heading(&sh, doc));
    r.vat = true;
    party_block(&mut sh, doc, Role::recipient(doc), 322.0, 112.0, &r);
    let t = i18n::doc_title(doc).to_uppercase();
    sh.text_c(st.bold, 20.0, st.left, 222.0, st.accent, &t);
    use MetaField::*;
    let meta = meta_entries(&sh, doc, &[Number, Date, DueDate, CustomerNo, PoNumber]);
    let t = meta_block(
        &mut sh,
        &meta,
        st.left,
        236.0,
        MetaMode::GridRow { w: st.width() },
    );
    let mut spec = TableSpec::new(
        &cols_for(
            doc,
            &[
                Col::ItemId,
                Col::Description,
                Col::Qty,
                Col::Unit,
                Col::UnitPrice,
                Col::VatRate,
                Col::Amount,
            ],
        ),
        Grid::Full,
        8.0,
    );
    spec.header_fill = Some(LIGHT);
    let t = items_table(&mut sh, doc, &spec, t);
    let t = ensure_room(&mut sh, t, 130.0);
    let mut totals = TotalsSpec::new(200.0);
    totals.boxed = true;
    totals.due_row = true;
    let (t_tot, t_vat) = if doc.has_amounts() {
        (
            totals_block(&mut sh, doc, t, &totals),
            vat_table(&mut sh, doc, st.left, t, 230.0),
        )
    } else {
        (t, t)
    };
    let t = ensure_room(&mut sh, t_tot.max(t_vat) + 4.0, 90.0);
    let t = payment_block(
        &mut sh,
        doc,
        st.left,
        t,
        &pay(true, true, BankStyle::Lines, st.width()),
    );
    notes_block(&mut sh, doc, st.left, t + 4.0, st.width(), false);
    // Legal mentions: late-payment clause, then the company's registration line.
    let p = issuer.party(doc).clone();
    let clause = wrap(
        i18n::late_payment_clause(st.lang),
        st.regular,
        6.5,
        st.width(),
    );
    let mut legal = vec![p.name.clone()];
    legal.extend(p.register.clone());
    if let Some(siren) = &p.siren {
        legal.push(format!("SIRET {siren}00017"));
    }
    if let Some(v) = &p.vat_id {
        legal.push(format!("{} {v}", st.labels.vat_id));
        sh.mark(issuer.vat_key(), v.clone());
    }
    let legal = legal.join(" – ");
    on_every_page(&mut sh, |sh, _, _| {
        sh.hline(st.left, st.right, 770.0, 0.5, st.accent);
        let mut t = 780.0;
        for c in &clause {
            sh.text_c(st.regular, 6.5, st.left, t, GRAY, c);
            t += 8.5;
        }
        let fs = fit_size(&legal, st.regular, 6.5, st.width());
        sh.text_c(st.regular, fs, st.left, t + 2.0, GRAY, &legal);
    });
    page_numbers(&mut sh, 760.0, false);
    sh
}

/// Airy minimal design: big light title, labels above values, row rules, bank details beside
/// the recipient.
pub fn minimal(doc: &Document, mut st: Style) -> Sheet {
    st.size = 8.5;
    st.dates = match st.lang {
        Language::En => DateStyle::LongEn,
        Language::De => DateStyle::DeLong,
        l => DateStyle::numeric(l),
    };
    let mut sh = Sheet::new(st.clone());
    let t = i18n::doc_title(doc).to_uppercase();
    sh.text_c(st.regular, 34.0, st.left, 82.0, Color::gray(0.6), &t);
    let mut o = PartyOpts::new(8.0);
    o.align = Align::Right;
    o.name_size = 10.0;
    o.vat = true;
    party_block(&mut sh, doc, Role::issuer(doc), st.right, 48.0, &o);
    use MetaField::*;
    let meta = meta_entries(&sh, doc, &[Number, InvoiceDate, DueDate, PoNumber]);
    let t = meta_block(
        &mut sh,
        &meta,
        st.left,
        132.0,
        MetaMode::LabelsAbove {
            col_w: 120.0,
            band: None,
        },
    );
    let mut r = PartyOpts::new(9.0);
    r.heading = Some(recipient_heading(&sh, doc));
    let t1 = party_block(&mut sh, doc, Role::recipient(doc), st.left, t + 10.0, &r);
    let bank_only = PaymentSpec {
        terms: false,
        heading: false,
        due_sentence: false,
        bank: BankStyle::Lines,
        width: 200.0,
    };
    let t2 = payment_block(
        &mut sh,
        doc,
        st.left + st.width() / 2.0,
        t + 2.0,
        &bank_only,
    );
    let mut spec = TableSpec::new(
        &cols_for(
            doc,
            &[Col::Description, Col::Qty, Col::UnitPrice, Col::Amount],
        ),
        Grid::RowRules,
        8.5,
    );
    spec.header_color = GRAY;
    let t = items_table(&mut sh, doc, &spec, t1.max(t2) + 18.0);
    let mut totals = TotalsSpec::new(200.0);
    totals.due_row = true;
    let terms = PaymentSpec {
        terms: true,
        heading: false,
        due_sentence: true,
        bank: BankStyle::None,
        width: st.width(),
    };
    totals_then_payment(&mut sh, doc, t, &totals, &terms, true);
    footer_centered(&mut sh, doc, 792.0, 6.5);
    page_numbers(&mut sh, 775.0, false);
    sh
}
