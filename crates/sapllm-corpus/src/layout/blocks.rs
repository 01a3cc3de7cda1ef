//! Building blocks shared by the layout families: party and address blocks, header key-value
//! blocks in several arrangements, the items table (with page breaks and carried-forward
//! subtotals), totals, payment details, notes, footers, logos and stamps.
//!
//! Every block that prints a ground-truth field calls [`Sheet::mark`] with the printed form,
//! so a family cannot print a field without it reaching the ground truth, or the other way
//! round.

use rust_decimal::Decimal;
use sapllm_core::{DocType, FieldKey, LineKey};

use super::i18n::{self, CurrencyStyle};
use super::sheet::{Sheet, fit_size, wrap};
use crate::model::{Document, Party, ids};
use crate::pdf::{Color, Font};

pub const GRAY: Color = Color::gray(0.45);
pub const LIGHT: Color = Color::gray(0.93);
pub const RULE: Color = Color::gray(0.75);

/// Horizontal alignment of a block relative to its anchor x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// Draws `s` anchored at `x` (left edge, right edge or centre).
pub fn put(
    sh: &mut Sheet,
    font: Font,
    size: f32,
    x: f32,
    top: f32,
    align: Align,
    color: Color,
    s: &str,
) {
    match align {
        Align::Left => sh.text_c(font, size, x, top, color, s),
        Align::Right => sh.text_right_c(font, size, x, top, color, s),
        Align::Center => {
            let w = font.text_width(s, size);
            sh.text_c(font, size, x - w / 2.0, top, color, s);
        }
    }
}

/// Seller or buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Seller,
    Buyer,
}

impl Role {
    /// The party whose letterhead the document carries.
    pub fn issuer(doc: &Document) -> Role {
        if doc.doc_type == DocType::PurchaseOrder {
            Role::Buyer
        } else {
            Role::Seller
        }
    }

    pub fn recipient(doc: &Document) -> Role {
        match Role::issuer(doc) {
            Role::Seller => Role::Buyer,
            Role::Buyer => Role::Seller,
        }
    }

    pub fn party(self, doc: &Document) -> &Party {
        match self {
            Role::Seller => &doc.seller,
            Role::Buyer => &doc.buyer,
        }
    }

    pub fn name_key(self) -> FieldKey {
        match self {
            Role::Seller => FieldKey::SellerName,
            Role::Buyer => FieldKey::BuyerName,
        }
    }

    pub fn vat_key(self) -> FieldKey {
        match self {
            Role::Seller => FieldKey::SellerVatId,
            Role::Buyer => FieldKey::BuyerVatId,
        }
    }
}

/// Runs `f` once on every page (footers, page numbers, running headers).
pub fn on_every_page(sh: &mut Sheet, mut f: impl FnMut(&mut Sheet, usize, usize)) {
    let n = sh.page_count();
    let keep = sh.page_index();
    for i in 0..n {
        sh.select(i);
        f(sh, i, n);
    }
    sh.select(keep);
}

// ---------------------------------------------------------------------------------------------
// Parties

/// Options of a party block.
#[derive(Debug, Clone)]
pub struct PartyOpts {
    pub heading: Option<String>,
    pub align: Align,
    pub size: f32,
    pub name_size: f32,
    pub bold_name: bool,
    /// Print the country line even for a domestic address.
    pub country: bool,
    pub vat: bool,
    pub contact: bool,
    pub color: Color,
}

impl PartyOpts {
    pub fn new(size: f32) -> Self {
        Self {
            heading: None,
            align: Align::Left,
            size,
            name_size: size + 1.0,
            bold_name: true,
            country: false,
            vat: false,
            contact: false,
            color: Color::BLACK,
        }
    }
}

/// Name, address and optionally VAT ID and contact of a party. Returns the next free top.
pub fn party_block(
    sh: &mut Sheet,
    doc: &Document,
    role: Role,
    x: f32,
    top: f32,
    o: &PartyOpts,
) -> f32 {
    let st = sh.style.clone();
    let p = role.party(doc).clone();
    let other = match role {
        Role::Seller => &doc.buyer,
        Role::Buyer => &doc.seller,
    };
    let lh = o.size * 1.4;
    let mut t = top;
    if let Some(h) = &o.heading {
        sh.tag(format!("label:{}", role.name_key()));
        put(sh, st.bold, o.size - 1.5, x, t, o.align, GRAY, h);
        t += lh;
    }
    let name_font = if o.bold_name { st.bold } else { st.regular };
    sh.tag(role.name_key().as_str());
    put(sh, name_font, o.name_size, x, t, o.align, o.color, &p.name);
    sh.mark(role.name_key(), p.name.clone());
    t += o.name_size * 1.4;
    put(
        sh,
        st.regular,
        o.size,
        x,
        t,
        o.align,
        o.color,
        &p.address.street,
    );
    t += lh;
    put(
        sh,
        st.regular,
        o.size,
        x,
        t,
        o.align,
        o.color,
        &format!("{} {}", p.address.zip, p.address.city),
    );
    t += lh;
    // Foreign addresses always carry the country, as postal rules require.
    if o.country || p.address.country != other.address.country {
        let name = p.address.country.name(st.lang);
        if role == Role::Seller {
            sh.tag(FieldKey::SellerCountry.as_str());
        }
        put(sh, st.regular, o.size, x, t, o.align, o.color, name);
        if role == Role::Seller {
            sh.mark(FieldKey::SellerCountry, name);
        }
        t += lh;
    }
    if let (true, Some(v)) = (o.vat, &p.vat_id) {
        let s = format!("{}: {v}", st.labels.vat_id);
        sh.tag_part(st.labels.vat_id, format!("label:{}", role.vat_key()));
        sh.tag_part(v.clone(), role.vat_key().as_str());
        put(sh, st.regular, o.size, x, t, o.align, o.color, &s);
        sh.mark(role.vat_key(), v.clone());
        t += lh;
    }
    if o.contact {
        put(
            sh,
            st.regular,
            o.size,
            x,
            t,
            o.align,
            o.color,
            &format!("{} {}", st.labels.phone, p.phone),
        );
        t += lh;
        put(sh, st.regular, o.size, x, t, o.align, o.color, &p.email);
        t += lh;
    }
    t
}

/// The one-line sender above the window of a window envelope (DIN 5008), underlined.
pub fn sender_line(sh: &mut Sheet, doc: &Document, x: f32, top: f32) {
    let st = sh.style.clone();
    let p = Role::issuer(doc).party(doc);
    let s = format!(
        "{} · {} · {} {}",
        p.name, p.address.street, p.address.zip, p.address.city
    );
    let size = 6.5;
    sh.text_c(st.regular, size, x, top, GRAY, &s);
    let w = st.regular.text_width(&s, size);
    sh.hline(x, x + w, top + 1.5, 0.3, GRAY);
}

// ---------------------------------------------------------------------------------------------
// Header key-value blocks

/// A header field that layouts can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaField {
    Number,
    Date,
    /// "Invoice date" rather than plain "Date".
    InvoiceDate,
    DueDate,
    DeliveryDate,
    PoNumber,
    BuyerReference,
    CustomerNo,
    BuyerVatId,
    Currency,
}

/// A label, its printed value and the ground-truth keys the value stands for.
#[derive(Debug, Clone)]
pub struct Meta {
    pub label: String,
    pub value: String,
    pub keys: Vec<FieldKey>,
}

/// Labels and printed values of `fields`; fields the document lacks are left out.
pub fn meta_entries(sh: &Sheet, doc: &Document, fields: &[MetaField]) -> Vec<Meta> {
    let st = &sh.style;
    let l = st.labels;
    let lang = st.lang;
    let mut out = Vec::new();
    let mut push = |label: &str, value: String, keys: Vec<FieldKey>| {
        out.push(Meta {
            label: label.to_owned(),
            value,
            keys,
        });
    };
    for f in fields {
        match f {
            MetaField::Number => {
                let mut keys = vec![FieldKey::InvoiceNumber];
                if doc.doc_type == DocType::PurchaseOrder {
                    keys.push(FieldKey::PoNumber);
                }
                let label = if doc.doc_type == DocType::Invoice {
                    l.invoice_no
                } else {
                    i18n::number_label(lang, doc.doc_type)
                };
                push(label, doc.number.clone(), keys);
            }
            MetaField::Date => push(l.date, st.date(doc.issue_date), vec![FieldKey::IssueDate]),
            MetaField::InvoiceDate => {
                let label = if doc.doc_type == DocType::Invoice {
                    l.invoice_date
                } else {
                    l.date
                };
                push(label, st.date(doc.issue_date), vec![FieldKey::IssueDate]);
            }
            MetaField::DueDate => {
                if let Some(d) = doc.due_date {
                    push(l.due_date, st.date(d), vec![FieldKey::DueDate]);
                }
            }
            MetaField::DeliveryDate => {
                if let Some(d) = doc.delivery_date {
                    // A purchase order's date is a wish, not the actual delivery (BT-72).
                    if doc.doc_type == DocType::PurchaseOrder {
                        push(l.requested_delivery, st.date(d), vec![]);
                    } else {
                        push(l.delivery_date, st.date(d), vec![FieldKey::DeliveryDate]);
                    }
                }
            }
            MetaField::PoNumber => {
                if let (Some(po), false) = (&doc.po_number, doc.doc_type == DocType::PurchaseOrder)
                {
                    push(l.po_number, po.clone(), vec![FieldKey::PoNumber]);
                }
            }
            MetaField::BuyerReference => {
                if let Some(r) = &doc.buyer_reference {
                    push(l.buyer_reference, r.clone(), vec![FieldKey::BuyerReference]);
                }
            }
            MetaField::CustomerNo => {
                if let Some(c) = &doc.customer_number {
                    push(l.customer_no, c.clone(), vec![]);
                }
            }
            MetaField::BuyerVatId => {
                if let Some(v) = &doc.buyer.vat_id {
                    push(l.vat_id, v.clone(), vec![FieldKey::BuyerVatId]);
                }
            }
            MetaField::Currency => {
                let label = l.currency;
                push(label, doc.currency.clone(), vec![FieldKey::Currency]);
            }
        }
    }
    out
}

/// How a key-value block is arranged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetaMode {
    /// Label column, then values (left-aligned at `x + label_w`, or right-aligned at `right`).
    LabelsLeft { label_w: f32, right: Option<f32> },
    /// Columns of small gray labels with the values underneath, optionally on a tinted band.
    LabelsAbove { col_w: f32, band: Option<Color> },
    /// A framed box with a rule between rows; labels left, values right.
    Boxed { w: f32 },
    /// A row of framed cells, label above value (French style).
    GridRow { w: f32 },
    /// One centred line: "Label: value   |   Label: value".
    Inline,
    /// ERP printout: "Label ........: value".
    Dotted { label_chars: usize },
}

impl Meta {
    /// The label of the entry's first key, if it stands for one.
    fn key_label(&self) -> Option<String> {
        self.keys.first().map(|k| format!("label:{k}"))
    }

    fn key(&self) -> Option<&'static str> {
        self.keys.first().map(|k| k.as_str())
    }

    /// Tags the label as the next text operation.
    fn tag_label(&self, sh: &mut Sheet) {
        if let Some(l) = self.key_label() {
            sh.tag(l);
        }
    }

    fn tag_value(&self, sh: &mut Sheet) {
        if let Some(k) = self.key() {
            sh.tag(k);
        }
    }

    /// Tags label and value as parts of one text operation.
    fn tag_parts(&self, sh: &mut Sheet) {
        if let (Some(l), Some(k)) = (self.key_label(), self.key()) {
            sh.tag_part(self.label.clone(), l);
            sh.tag_part(self.value.clone(), k);
        }
    }
}

/// Draws a key-value block and records the printed fields. Returns the next free top.
pub fn meta_block(sh: &mut Sheet, entries: &[Meta], x: f32, top: f32, mode: MetaMode) -> f32 {
    let st = sh.style.clone();
    let size = st.size;
    let lh = size * 1.5;
    for e in entries {
        for k in &e.keys {
            sh.mark(*k, e.value.clone());
        }
    }
    match mode {
        MetaMode::LabelsLeft { label_w, right } => {
            let mut t = top;
            for e in entries {
                e.tag_label(sh);
                sh.text(st.regular, size, x, t, &format!("{}:", e.label));
                e.tag_value(sh);
                match right {
                    Some(r) => sh.text_right(st.bold, size, r, t, &e.value),
                    None => sh.text(st.bold, size, x + label_w, t, &e.value),
                }
                t += lh;
            }
            t
        }
        MetaMode::LabelsAbove { col_w, band } => {
            let per_row = (((st.right - x) / col_w).floor() as usize).max(1);
            let mut t = top;
            for chunk in entries.chunks(per_row) {
                if let Some(c) = band {
                    sh.fill(
                        x - 6.0,
                        t - size - 4.0,
                        st.right - x + 12.0,
                        size * 2.9 + 6.0,
                        c,
                    );
                }
                for (i, e) in chunk.iter().enumerate() {
                    let cx = x + i as f32 * col_w;
                    e.tag_label(sh);
                    sh.text_c(st.regular, size - 1.5, cx, t, GRAY, &e.label);
                    e.tag_value(sh);
                    sh.text(st.bold, size, cx, t + size * 1.4, &e.value);
                }
                t += size * 3.4;
            }
            t
        }
        MetaMode::Boxed { w } => {
            let row_h = size * 1.9;
            let h = row_h * entries.len() as f32;
            sh.frame(x, top, w, h, 0.6, Color::BLACK);
            for (i, e) in entries.iter().enumerate() {
                let rt = top + i as f32 * row_h;
                if i > 0 {
                    sh.hline(x, x + w, rt, 0.3, RULE);
                }
                let base = rt + row_h * 0.68;
                e.tag_label(sh);
                sh.text(st.regular, size, x + 5.0, base, &e.label);
                e.tag_value(sh);
                sh.text_right(st.bold, size, x + w - 5.0, base, &e.value);
            }
            top + h + lh
        }
        MetaMode::GridRow { w } => {
            let n = entries.len().max(1) as f32;
            let cw = w / n;
            let h = size * 3.2;
            for (i, e) in entries.iter().enumerate() {
                let cx = x + i as f32 * cw;
                sh.fill(cx, top, cw, size * 1.5, LIGHT);
                sh.frame(cx, top, cw, h, 0.5, Color::BLACK);
                e.tag_label(sh);
                sh.text_center_c(
                    st.regular,
                    size - 1.5,
                    cx + cw / 2.0,
                    top + size * 1.1,
                    GRAY,
                    &e.label,
                );
                e.tag_value(sh);
                sh.text_center(st.bold, size, cx + cw / 2.0, top + size * 2.6, &e.value);
            }
            top + h + lh
        }
        MetaMode::Inline => {
            let s = entries
                .iter()
                .map(|e| format!("{}: {}", e.label, e.value))
                .collect::<Vec<_>>()
                .join("   |   ");
            let size = fit_size(&s, st.regular, size, st.width());
            for e in entries {
                e.tag_parts(sh);
            }
            sh.text_center(st.regular, size, (st.left + st.right) / 2.0, top, &s);
            top + lh
        }
        MetaMode::Dotted { label_chars } => {
            let mut t = top;
            for e in entries {
                let mut label = format!("{} ", e.label);
                while label.chars().count() < label_chars {
                    label.push('.');
                }
                e.tag_parts(sh);
                sh.text(st.regular, size, x, t, &format!("{label}: {}", e.value));
                t += lh;
            }
            t
        }
    }
}

impl Sheet {
    fn text_center_c(
        &mut self,
        font: Font,
        size: f32,
        x_center: f32,
        top: f32,
        color: Color,
        s: &str,
    ) {
        let w = font.text_width(s, size);
        self.text_c(font, size, x_center - w / 2.0, top, color, s);
    }
}

// ---------------------------------------------------------------------------------------------
// Items table

/// A column of the items table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Pos,
    ItemId,
    Description,
    Qty,
    Unit,
    /// "20 Stk." in one column.
    QtyUnit,
    UnitPrice,
    VatRate,
    Amount,
}

impl Col {
    /// Fixed width in points; the description takes what is left.
    fn width(self, size: f32) -> f32 {
        let k = size / 9.0;
        k * match self {
            Col::Pos => 26.0,
            Col::ItemId => 56.0,
            Col::Description => 0.0,
            Col::Qty => 40.0,
            Col::Unit => 38.0,
            Col::QtyUnit => 58.0,
            Col::UnitPrice => 62.0,
            Col::VatRate => 40.0,
            Col::Amount => 70.0,
        }
    }

    fn right_aligned(self) -> bool {
        matches!(
            self,
            Col::Qty | Col::QtyUnit | Col::UnitPrice | Col::VatRate | Col::Amount
        )
    }

    fn line_keys(self) -> &'static [LineKey] {
        match self {
            Col::Pos => &[],
            Col::ItemId => &[LineKey::ItemId],
            Col::Description => &[LineKey::Description],
            Col::Qty => &[LineKey::Quantity],
            Col::Unit => &[LineKey::Unit],
            Col::QtyUnit => &[LineKey::Quantity, LineKey::Unit],
            Col::UnitPrice => &[LineKey::UnitPrice],
            Col::VatRate => &[LineKey::TaxRate],
            Col::Amount => &[LineKey::NetAmount],
        }
    }
}

/// Rules and shading of the items table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grid {
    /// Every cell framed.
    Full,
    /// A rule under the header and one under the last row.
    HeaderRule,
    /// Alternate rows shaded.
    Zebra,
    /// A thin rule between rows.
    RowRules,
    /// Dashed rules (typewriter / ERP printout).
    Dashed,
}

#[derive(Debug, Clone)]
pub struct TableSpec {
    pub cols: Vec<Col>,
    pub grid: Grid,
    pub header_fill: Option<Color>,
    pub header_color: Color,
    pub size: f32,
    /// Put the currency code into the amount column headers ("Amount EUR").
    pub currency_in_header: bool,
}

impl TableSpec {
    pub fn new(cols: &[Col], grid: Grid, size: f32) -> Self {
        Self {
            cols: cols.to_vec(),
            grid,
            header_fill: None,
            header_color: Color::BLACK,
            size,
            currency_in_header: false,
        }
    }
}

struct Layout {
    xs: Vec<(Col, f32, f32)>,
}

impl Layout {
    fn new(cols: &[Col], left: f32, right: f32, size: f32) -> Self {
        let fixed: f32 = cols.iter().map(|c| c.width(size)).sum();
        let flexible = (right - left - fixed).max(60.0);
        let mut x = left;
        let xs = cols
            .iter()
            .map(|c| {
                let w = if *c == Col::Description {
                    flexible
                } else {
                    c.width(size)
                };
                let cell = (*c, x, x + w);
                x += w;
                cell
            })
            .collect();
        Self { xs }
    }

    fn amount_x(&self) -> Option<f32> {
        self.xs
            .iter()
            .find(|(c, ..)| *c == Col::Amount)
            .map(|(_, _, r)| *r - 4.0)
    }

    fn description_x(&self) -> f32 {
        self.xs
            .iter()
            .find(|(c, ..)| *c == Col::Description)
            .map(|(_, l, _)| *l + 4.0)
            .unwrap_or(0.0)
    }
}

/// Draws the items table from `top`, breaking pages with carried-forward subtotals when the
/// rows reach the style's bottom. Returns the next free top (on the last page).
pub fn items_table(sh: &mut Sheet, doc: &Document, spec: &TableSpec, top: f32) -> f32 {
    let st = sh.style.clone();
    let size = spec.size;
    let row_h = size * 2.0;
    let layout = Layout::new(&spec.cols, st.left, st.right, size);
    let l = st.labels;
    for c in &spec.cols {
        for k in c.line_keys() {
            sh.line_keys.insert(*k);
        }
    }
    let currency_suffix = |s: &str| {
        if spec.currency_in_header {
            format!("{s} {}", doc.currency)
        } else {
            s.to_owned()
        }
    };
    let header_text = |c: Col| -> String {
        match c {
            Col::Pos => l.col_pos.to_owned(),
            Col::ItemId => l.col_item.to_owned(),
            Col::Description => l.col_description.to_owned(),
            Col::Qty if doc.doc_type == DocType::DeliveryNote => l.col_qty_delivered.to_owned(),
            Col::Qty | Col::QtyUnit => l.col_qty.to_owned(),
            Col::Unit => l.col_unit.to_owned(),
            Col::UnitPrice => currency_suffix(l.col_unit_price),
            Col::VatRate => l.col_vat.to_owned(),
            Col::Amount => currency_suffix(l.col_amount),
        }
    };
    if spec.currency_in_header && spec.cols.contains(&Col::Amount) {
        sh.mark(FieldKey::Currency, doc.currency.clone());
    }

    let draw_header = |sh: &mut Sheet, t: f32| -> f32 {
        if let Some(c) = spec.header_fill {
            sh.fill(st.left, t, st.right - st.left, row_h, c);
        }
        for (c, x0, x1) in &layout.xs {
            let text = header_text(*c);
            let hs = fit_size(&text, st.bold, size, x1 - x0 - 6.0);
            if let Some(k) = c.line_keys().first() {
                let base = text
                    .strip_suffix(&format!(" {}", doc.currency))
                    .unwrap_or(&text);
                sh.tag_part(base.to_owned(), format!("label:line_items.{k}"));
                if base.len() < text.len() {
                    sh.tag_part(doc.currency.clone(), "currency");
                }
            }
            if c.right_aligned() {
                sh.text_right_c(
                    st.bold,
                    hs,
                    x1 - 4.0,
                    t + row_h * 0.66,
                    spec.header_color,
                    &text,
                );
            } else {
                sh.text_c(
                    st.bold,
                    hs,
                    x0 + 4.0,
                    t + row_h * 0.66,
                    spec.header_color,
                    &text,
                );
            }
        }
        match spec.grid {
            Grid::Dashed => {
                sh.dashed_hline(st.left, st.right, t, 0.6, Color::BLACK);
                sh.dashed_hline(st.left, st.right, t + row_h, 0.6, Color::BLACK);
            }
            Grid::Full => {}
            _ => sh.hline(st.left, st.right, t + row_h, 0.8, Color::BLACK),
        }
        t + row_h
    };
    // A subtotal row: "Carried forward" at the foot of a page, "Brought forward" at the top.
    let subtotal_row = |sh: &mut Sheet, t: f32, label: &str, amount: Decimal| -> f32 {
        if let Some(ax) = layout.amount_x() {
            sh.text(
                st.bold,
                size,
                layout.description_x(),
                t + row_h * 0.66,
                label,
            );
            sh.text_right(st.bold, size, ax, t + row_h * 0.66, &st.amount(amount));
            sh.hline(st.left, st.right, t + row_h, 0.4, GRAY);
        }
        t + row_h
    };
    let frame_segment = |sh: &mut Sheet, from: f32, to: f32| {
        if spec.grid == Grid::Full {
            sh.frame(
                st.left,
                from,
                st.right - st.left,
                to - from,
                0.6,
                Color::BLACK,
            );
            for (_, x0, _) in layout.xs.iter().skip(1) {
                sh.vline(*x0, from, to, 0.4, Color::BLACK);
            }
        }
    };

    let mut seg_top = top;
    let mut t = draw_header(sh, top);
    if spec.grid == Grid::Full {
        sh.hline(st.left, st.right, t, 0.6, Color::BLACK);
    }
    let mut running = Decimal::ZERO;
    for (i, line) in doc.lines.iter().enumerate() {
        if t + 2.0 * row_h > st.bottom {
            // Page break: close this page's table with the running subtotal.
            frame_segment(sh, seg_top, t);
            let has_amounts = layout.amount_x().is_some();
            if has_amounts {
                subtotal_row(sh, t, l.carried_forward, running);
            }
            sh.add_page();
            let title = format!("{} {} ({})", i18n::doc_title(doc), doc.number, l.continued);
            sh.text(st.regular, size, st.left, st.top, &title);
            t = st.top + size;
            if has_amounts {
                t = subtotal_row(sh, t, l.brought_forward, running);
            }
            seg_top = t + 4.0;
            t = draw_header(sh, seg_top);
            if spec.grid == Grid::Full {
                sh.hline(st.left, st.right, t, 0.6, Color::BLACK);
            }
        }
        if spec.grid == Grid::Zebra && i % 2 == 1 {
            sh.fill(st.left, t, st.right - st.left, row_h, LIGHT);
        }
        let base = t + row_h * 0.66;
        for (c, x0, x1) in &layout.xs {
            let text = match c {
                Col::Pos => line.position.to_string(),
                Col::ItemId => line.item_id.clone().unwrap_or_default(),
                Col::Description => line.description.clone(),
                Col::Qty => st.qty(line.quantity),
                Col::Unit => line.unit.label(st.lang).to_owned(),
                Col::QtyUnit => format!("{} {}", st.qty(line.quantity), line.unit.label(st.lang)),
                Col::UnitPrice => st.amount(line.unit_price),
                Col::VatRate => format!("{} %", st.qty(line.tax_rate)),
                Col::Amount => st.amount(line.net_amount),
            };
            let fs = fit_size(&text, st.regular, size, x1 - x0 - 8.0);
            match c {
                Col::QtyUnit => {
                    sh.tag_part(st.qty(line.quantity), format!("line_items.{i}.quantity"));
                    sh.tag_part(line.unit.label(st.lang), format!("line_items.{i}.unit"));
                }
                Col::VatRate => {
                    sh.tag_part(st.qty(line.tax_rate), format!("line_items.{i}.tax_rate"));
                }
                c => {
                    if let Some(k) = c.line_keys().first() {
                        sh.tag(format!("line_items.{i}.{k}"));
                    }
                }
            }
            if c.right_aligned() {
                sh.text_right(st.regular, fs, x1 - 4.0, base, &text);
            } else {
                sh.text(st.regular, fs, x0 + 4.0, base, &text);
            }
        }
        t += row_h;
        running += line.net_amount;
        match spec.grid {
            Grid::Full => sh.hline(st.left, st.right, t, 0.3, Color::BLACK),
            Grid::RowRules => sh.hline(st.left, st.right, t, 0.3, RULE),
            _ => {}
        }
    }
    frame_segment(sh, seg_top, t);
    match spec.grid {
        Grid::HeaderRule | Grid::Zebra => sh.hline(st.left, st.right, t, 0.8, Color::BLACK),
        Grid::Dashed => sh.dashed_hline(st.left, st.right, t, 0.6, Color::BLACK),
        _ => {}
    }
    t + row_h * 0.6
}

/// Starts a new page when fewer than `needed` points are left above the bottom.
pub fn ensure_room(sh: &mut Sheet, top: f32, needed: f32) -> f32 {
    if top + needed > sh.style.bottom {
        sh.add_page();
        sh.style.top
    } else {
        top
    }
}

// ---------------------------------------------------------------------------------------------
// Totals

#[derive(Debug, Clone)]
pub struct TotalsSpec {
    pub width: f32,
    pub boxed: bool,
    pub fill: Option<Color>,
    /// "VAT 19 % on 1,234.56" instead of "VAT 19 %".
    pub vat_base: bool,
    /// An "Amount due" row even without prepayment.
    pub due_row: bool,
    /// A tinted bar behind the gross total.
    pub gross_fill: Option<Color>,
}

impl TotalsSpec {
    pub fn new(width: f32) -> Self {
        Self {
            width,
            boxed: false,
            fill: None,
            vat_base: false,
            due_row: false,
            gross_fill: None,
        }
    }
}

struct TotalRow {
    label: String,
    amount: Decimal,
    bold: bool,
    key: Option<FieldKey>,
    rule_above: bool,
}

/// The rows of the totals block (net, VAT per rate, gross, prepaid, amount due).
fn total_rows(sh: &Sheet, doc: &Document, spec: &TotalsSpec) -> Vec<TotalRow> {
    let st = &sh.style;
    let l = st.labels;
    let word_on = l.word_on;
    let row =
        |label: String, amount: Decimal, bold: bool, key: Option<FieldKey>, rule_above: bool| {
            TotalRow {
                label,
                amount,
                bold,
                key,
                rule_above,
            }
        };
    let mut rows = Vec::new();
    if !doc.adjustments.is_empty() {
        // Lines total, then each allowance or charge, then the net total they lead to.
        rows.push(row(
            l.subtotal.to_owned(),
            doc.lines_total(),
            false,
            None,
            false,
        ));
        for a in &doc.adjustments {
            rows.push(row(a.label.clone(), a.amount, false, None, false));
        }
    }
    rows.push(row(
        l.net.to_owned(),
        doc.totals.net,
        false,
        Some(FieldKey::NetTotal),
        !doc.adjustments.is_empty(),
    ));
    let single = doc.vat.len() == 1;
    for g in &doc.vat {
        let mut label = format!("{} {} %", l.vat, st.qty(g.rate));
        if spec.vat_base {
            label = format!("{label} {word_on} {}", st.amount(g.base));
        }
        rows.push(row(
            label,
            g.tax,
            false,
            single.then_some(FieldKey::TaxTotal),
            false,
        ));
    }
    if !single {
        rows.push(row(
            l.vat_total.to_owned(),
            doc.totals.tax,
            false,
            Some(FieldKey::TaxTotal),
            false,
        ));
    }
    rows.push(row(
        l.gross.to_owned(),
        doc.totals.gross,
        true,
        Some(FieldKey::GrossTotal),
        true,
    ));
    if doc.totals.prepaid > Decimal::ZERO {
        rows.push(row(
            l.prepaid.to_owned(),
            doc.totals.prepaid,
            false,
            None,
            false,
        ));
        rows.push(row(
            l.amount_due.to_owned(),
            doc.totals.amount_due,
            true,
            Some(FieldKey::AmountDue),
            true,
        ));
    } else if spec.due_row && doc.is_payable() {
        rows.push(row(
            l.amount_due.to_owned(),
            doc.totals.amount_due,
            true,
            Some(FieldKey::AmountDue),
            false,
        ));
    }
    rows
}

/// The totals block, right-aligned to the style's right edge. Returns the next free top.
pub fn totals_block(sh: &mut Sheet, doc: &Document, top: f32, spec: &TotalsSpec) -> f32 {
    let st = sh.style.clone();
    let size = st.size;
    let row_h = size * 1.7;
    let rows = total_rows(sh, doc, spec);
    let x1 = st.right;
    let x0 = x1 - spec.width;
    let pad = if spec.boxed || spec.fill.is_some() {
        6.0
    } else {
        0.0
    };
    let h = row_h * rows.len() as f32 + 4.0;
    if let Some(c) = spec.fill {
        sh.fill(x0, top, spec.width, h, c);
    }
    if spec.boxed {
        sh.frame(x0, top, spec.width, h, 0.7, Color::BLACK);
    }
    if let Some(code) = st.currency.printed_currency(&doc.currency) {
        sh.mark(FieldKey::Currency, code);
    }
    let mut t = top;
    for r in &rows {
        if r.rule_above {
            sh.hline(x0 + pad, x1 - pad, t + 1.0, 0.7, Color::BLACK);
        }
        if let (true, Some(c)) = (r.bold, spec.gross_fill) {
            sh.fill(x0, t + 1.5, spec.width, row_h, c);
        }
        let font = if r.bold { st.bold } else { st.regular };
        let base = t + row_h * 0.72 + 1.0;
        if let Some(k) = r.key {
            sh.tag(format!("label:{k}"));
        }
        sh.text(font, size, x0 + pad, base, &r.label);
        let amount = st.amount(r.amount);
        if let Some(k) = r.key {
            sh.tag_part(amount.clone(), k.as_str());
        }
        if let Some(c) = st.currency.printed_currency(&doc.currency) {
            sh.tag_part(c, "currency");
        }
        sh.text_right(
            font,
            size,
            x1 - pad,
            base,
            &st.currency.apply(&amount, &doc.currency),
        );
        if let Some(k) = r.key {
            sh.mark(k, amount);
        }
        t += row_h;
    }
    top + h + size
}

/// ERP-style totals: "Label ........: 1234.56 EUR", right-aligned amounts in a monospace font.
pub fn totals_dotted(sh: &mut Sheet, doc: &Document, x: f32, top: f32, label_chars: usize) -> f32 {
    let st = sh.style.clone();
    let rows = total_rows(sh, doc, &TotalsSpec::new(0.0));
    let mut t = top;
    for r in &rows {
        let mut label = format!("{} ", r.label);
        while label.chars().count() < label_chars {
            label.push('.');
        }
        let font = if r.bold { st.bold } else { st.regular };
        let amount = st.amount(r.amount);
        if let Some(k) = r.key {
            sh.tag(format!("label:{k}"));
        }
        sh.text(font, st.size, x, t, &format!("{label}:"));
        if let Some(k) = r.key {
            sh.tag_part(amount.clone(), k.as_str());
        }
        sh.tag_part(doc.currency.clone(), "currency");
        sh.text_right(
            font,
            st.size,
            st.right,
            t,
            &format!("{amount} {}", doc.currency),
        );
        if let Some(k) = r.key {
            sh.mark(k, amount);
        }
        t += st.size * 1.5;
    }
    sh.mark(FieldKey::Currency, doc.currency.clone());
    t
}

/// A VAT breakdown table (base, rate, VAT per group), as French invoices show it.
pub fn vat_table(sh: &mut Sheet, doc: &Document, x: f32, top: f32, w: f32) -> f32 {
    let st = sh.style.clone();
    let size = st.size - 0.5;
    let row_h = size * 1.8;
    let l = st.labels;
    let cw = w / 3.0;
    let rows = doc.vat.len() + 1;
    sh.fill(x, top, w, row_h, LIGHT);
    for (i, h) in [l.vat_base, l.vat_rate, l.vat_amount].iter().enumerate() {
        sh.text_right(
            st.bold,
            size,
            x + cw * (i as f32 + 1.0) - 4.0,
            top + row_h * 0.68,
            h,
        );
    }
    for (r, g) in doc.vat.iter().enumerate() {
        let base = top + row_h * (r as f32 + 1.0) + row_h * 0.68;
        sh.text_right(st.regular, size, x + cw - 4.0, base, &st.amount(g.base));
        sh.text_right(
            st.regular,
            size,
            x + 2.0 * cw - 4.0,
            base,
            &format!("{} %", st.qty(g.rate)),
        );
        sh.text_right(
            st.regular,
            size,
            x + 3.0 * cw - 4.0,
            base,
            &st.amount(g.tax),
        );
    }
    let h = row_h * rows as f32;
    sh.frame(x, top, w, h, 0.5, Color::BLACK);
    sh.hline(x, x + w, top + row_h, 0.5, Color::BLACK);
    for i in 1..3 {
        sh.vline(x + cw * i as f32, top, top + h, 0.3, Color::BLACK);
    }
    top + h + st.size
}

// ---------------------------------------------------------------------------------------------
// Payment, notes, footers

/// How bank details appear in the payment block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankStyle {
    None,
    /// "Bank: X · IBAN: ... · BIC: ..." on one line.
    Inline,
    /// A heading and one line each.
    Lines,
}

#[derive(Debug, Clone)]
pub struct PaymentSpec {
    /// Print the payment terms text.
    pub terms: bool,
    pub heading: bool,
    pub due_sentence: bool,
    pub bank: BankStyle,
    pub width: f32,
}

/// Payment terms, due date sentence and bank details. Returns the next free top.
pub fn payment_block(sh: &mut Sheet, doc: &Document, x: f32, top: f32, spec: &PaymentSpec) -> f32 {
    let st = sh.style.clone();
    let size = st.size;
    let lh = size * 1.45;
    let l = st.labels;
    let mut t = top;
    if let Some(terms) = doc.payment_terms.as_ref().filter(|_| spec.terms) {
        if spec.heading {
            sh.tag("label:payment_terms");
            sh.text(st.bold, size, x, t, l.payment_terms);
            t += lh;
        }
        sh.tag("payment_terms");
        sh.text(
            st.regular,
            fit_size(terms, st.regular, size, spec.width),
            x,
            t,
            terms,
        );
        sh.mark(FieldKey::PaymentTerms, terms.clone());
        t += lh;
    }
    if let (true, Some(d)) = (spec.due_sentence && doc.is_payable(), doc.due_date) {
        let date = st.date(d);
        sh.tag_part(date.clone(), "due_date");
        sh.text(st.regular, size, x, t, &i18n::due_sentence(st.lang, &date));
        sh.mark(FieldKey::DueDate, date);
        t += lh;
    }
    if let Some(bank) = doc.bank.as_ref().filter(|_| doc.is_payable()) {
        let iban = ids::iban_grouped(&bank.iban);
        match spec.bank {
            BankStyle::None => {}
            BankStyle::Inline => {
                let s = format!(
                    "{}: {} · IBAN: {iban} · BIC: {}",
                    l.bank, bank.bank_name, bank.bic
                );
                sh.tag_part("IBAN:", "label:iban");
                sh.tag_part(iban.clone(), "iban");
                sh.tag_part("BIC:", "label:bic");
                sh.tag_part(bank.bic.clone(), "bic");
                sh.text(
                    st.regular,
                    fit_size(&s, st.regular, size, spec.width),
                    x,
                    t,
                    &s,
                );
                t += lh;
            }
            BankStyle::Lines => {
                t += size * 0.4;
                sh.text(st.bold, size, x, t, l.bank_details);
                t += lh;
                for (i, s) in [
                    bank.bank_name.clone(),
                    format!("IBAN: {iban}"),
                    format!("BIC: {}", bank.bic),
                ]
                .iter()
                .enumerate()
                {
                    match i {
                        1 => {
                            sh.tag_part("IBAN:", "label:iban");
                            sh.tag_part(iban.clone(), "iban");
                        }
                        2 => {
                            sh.tag_part("BIC:", "label:bic");
                            sh.tag_part(bank.bic.clone(), "bic");
                        }
                        _ => {}
                    }
                    sh.text(st.regular, size, x, t, s);
                    t += lh;
                }
            }
        }
        if spec.bank != BankStyle::None {
            sh.mark(FieldKey::Iban, iban);
            sh.mark(FieldKey::Bic, bank.bic.clone());
        }
    }
    t
}

/// Notes that depend on the document: reverse charge, credit note reference, goods receipt.
pub fn notes_block(
    sh: &mut Sheet,
    doc: &Document,
    x: f32,
    top: f32,
    width: f32,
    thanks: bool,
) -> f32 {
    let st = sh.style.clone();
    let size = st.size;
    let lh = size * 1.45;
    let l = st.labels;
    let mut t = top;
    let paragraph = |sh: &mut Sheet, font: Font, s: &str, t: &mut f32| {
        for line in wrap(s, font, size, width) {
            sh.text(font, size, x, *t, &line);
            *t += lh;
        }
    };
    for cue in &doc.cues {
        paragraph(sh, st.bold, cue, &mut t);
    }
    if doc.reverse_charge {
        paragraph(sh, st.bold, l.reverse_charge, &mut t);
        if let Some(v) = &doc.buyer.vat_id {
            // The buyer's VAT ID must appear on a reverse-charge invoice.
            let s = format!("{} {}: {v}", l.vat_id, l.of_recipient);
            paragraph(sh, st.regular, &s, &mut t);
            sh.mark(FieldKey::BuyerVatId, v.clone());
        }
    }
    if let Some((inv, date)) = &doc.corrected_invoice {
        let s = i18n::credit_reference(st.lang, inv, &st.date(*date));
        paragraph(sh, st.regular, &s, &mut t);
    }
    if doc.doc_type == DocType::DeliveryNote {
        t += lh * 2.0;
        sh.hline(x, x + 180.0, t, 0.5, Color::BLACK);
        t += lh;
        sh.text_c(st.regular, size - 1.0, x, t, GRAY, l.goods_received);
        t += lh;
    }
    if thanks {
        t += size * 0.5;
        paragraph(sh, st.regular, l.thanks, &mut t);
    }
    t
}

#[derive(Debug, Clone)]
pub struct FooterSpec {
    /// 3 or 4 columns.
    pub columns: usize,
    /// Top of the footer (points from the top).
    pub top: f32,
    pub size: f32,
    pub rule: bool,
    pub framed: bool,
}

/// Values a footer line may contain, with their key and the label printed before them.
fn footer_known(sh: &Sheet, doc: &Document) -> Vec<(String, String, Option<String>)> {
    let st = &sh.style;
    let l = st.labels;
    let role = Role::issuer(doc);
    let p = role.party(doc);
    let mut known = vec![(p.name.clone(), role.name_key().as_str().to_owned(), None)];
    if role == Role::Seller {
        known.push((
            p.address.country.name(st.lang).to_owned(),
            FieldKey::SellerCountry.as_str().to_owned(),
            None,
        ));
    }
    if let Some(b) = &doc.bank {
        known.push((
            ids::iban_grouped(&b.iban),
            "iban".to_owned(),
            Some("IBAN".to_owned()),
        ));
        known.push((b.bic.clone(), "bic".to_owned(), Some("BIC".to_owned())));
    }
    if let Some(v) = &p.vat_id {
        known.push((
            v.clone(),
            role.vat_key().as_str().to_owned(),
            Some(l.vat_id.to_owned()),
        ));
    }
    if let (Some(n), Role::Seller) = (&p.tax_number, role) {
        known.push((
            n.clone(),
            "seller_tax_number".to_owned(),
            Some(l.tax_number.to_owned()),
        ));
    }
    known
}

/// Tags the known values (and their labels) that `s` contains, in the order they occur.
pub fn tag_known(sh: &mut Sheet, s: &str, known: &[(String, String, Option<String>)]) {
    let mut found: Vec<(usize, &str, String)> = Vec::new();
    for (value, key, label) in known {
        if let Some(pos) = s.find(value.as_str()) {
            if let Some(lab) = label {
                if let Some(lp) = s[..pos].rfind(lab.as_str()) {
                    found.push((lp, lab, format!("label:{key}")));
                }
            }
            found.push((pos, value, key.clone()));
        }
    }
    found.sort_by_key(|f| f.0);
    for (_, text, label) in found {
        sh.tag_part(text, label);
    }
}

/// The texts of a footer's columns: address, contact, bank, registration.
fn footer_texts(sh: &mut Sheet, doc: &Document, columns: usize) -> Vec<Vec<String>> {
    let st = sh.style.clone();
    let l = st.labels;
    let role = Role::issuer(doc);
    let p = role.party(doc).clone();
    let country = p.address.country.name(st.lang);
    let address = vec![
        p.name.clone(),
        p.address.street.clone(),
        format!("{} {}", p.address.zip, p.address.city),
        country.to_owned(),
    ];
    sh.mark(role.name_key(), p.name.clone());
    if role == Role::Seller {
        sh.mark(FieldKey::SellerCountry, country);
    }
    let contact = vec![
        format!("{} {}", l.phone, p.phone),
        p.email.clone(),
        p.web.clone(),
    ];
    let mut bank_col = Vec::new();
    if let Some(b) = &doc.bank {
        let iban = ids::iban_grouped(&b.iban);
        bank_col = vec![
            b.bank_name.clone(),
            format!("IBAN {iban}"),
            format!("BIC {}", b.bic),
        ];
        sh.mark(FieldKey::Iban, iban);
        sh.mark(FieldKey::Bic, b.bic.clone());
    }
    let mut legal = Vec::new();
    if let Some(v) = &p.vat_id {
        legal.push(format!("{} {v}", l.vat_id));
        sh.mark(role.vat_key(), v.clone());
    }
    if let (Some(n), Role::Seller) = (&p.tax_number, role) {
        legal.push(format!("{} {n}", l.tax_number));
        sh.mark(FieldKey::SellerTaxNumber, n.clone());
    }
    if let Some(r) = &p.register {
        legal.push(r.clone());
    }
    if let Some(m) = &p.managing_director {
        legal.push(format!("{}: {m}", l.managing_director));
    }
    let mut cols = if columns >= 4 {
        vec![address, contact, bank_col, legal]
    } else {
        let mut first = address;
        first.extend(contact.into_iter().take(2));
        vec![first, bank_col, legal]
    };
    cols.retain(|c| !c.is_empty());
    cols
}

/// A footer of 3 or 4 columns on every page.
pub fn footer_columns(sh: &mut Sheet, doc: &Document, spec: &FooterSpec) {
    let texts = footer_texts(sh, doc, spec.columns);
    let known = footer_known(sh, doc);
    let st = sh.style.clone();
    let cw = st.width() / texts.len() as f32;
    // Move the footer up when its longest column would run into the bottom edge.
    let rows = texts.iter().map(Vec::len).max().unwrap_or(0) as f32;
    let mut spec = spec.clone();
    spec.top = spec
        .top
        .min(crate::pdf::A4_HEIGHT - 22.0 - (rows - 1.0) * spec.size * 1.35);
    on_every_page(sh, |sh, _, _| {
        if spec.rule {
            sh.hline(st.left, st.right, spec.top - spec.size * 1.4, 0.5, GRAY);
        }
        let mut max_t = spec.top;
        for (i, col) in texts.iter().enumerate() {
            let x = st.left + cw * i as f32;
            let mut t = spec.top;
            for s in col {
                let fs = fit_size(s, st.regular, spec.size, cw - 6.0);
                tag_known(sh, s, &known);
                sh.text_c(st.regular, fs, x, t, GRAY, s);
                t += spec.size * 1.35;
            }
            max_t = max_t.max(t);
        }
        if spec.framed {
            let h = max_t - spec.top + spec.size * 1.4;
            sh.frame(
                st.left - 4.0,
                spec.top - spec.size * 1.4,
                st.width() + 8.0,
                h,
                0.5,
                GRAY,
            );
        }
    });
}

/// A centred two-line footer: address and registration, then bank.
pub fn footer_centered(sh: &mut Sheet, doc: &Document, top: f32, size: f32) {
    let texts = footer_texts(sh, doc, 4);
    let known = footer_known(sh, doc);
    let st = sh.style.clone();
    let first: Vec<String> = texts.first().cloned().unwrap_or_default();
    let mut lines = vec![first.join(" · ")];
    for col in texts.iter().skip(1) {
        lines.push(col.join(" · "));
    }
    on_every_page(sh, |sh, _, _| {
        sh.hline(st.left, st.right, top - size * 1.5, 0.4, RULE);
        for (i, s) in lines.iter().enumerate() {
            let fs = fit_size(s, st.regular, size, st.width());
            let w = st.regular.text_width(s, fs);
            tag_known(sh, s, &known);
            sh.text_c(
                st.regular,
                fs,
                (st.left + st.right - w) / 2.0,
                top + i as f32 * size * 1.4,
                GRAY,
                s,
            );
        }
    });
}

/// "Page 1 of 2" at the bottom right of every page (only for multi-page documents unless
/// `always`).
pub fn page_numbers(sh: &mut Sheet, top: f32, always: bool) {
    let st = sh.style.clone();
    if sh.page_count() < 2 && !always {
        return;
    }
    on_every_page(sh, |sh, i, n| {
        sh.text_right_c(
            st.regular,
            st.size - 1.0,
            st.right,
            top,
            GRAY,
            &i18n::page_of(st.lang, i + 1, n),
        );
    });
}

// ---------------------------------------------------------------------------------------------
// Decoration

/// Logos drawn from rectangles (no image needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoKind {
    /// Three bars of rising height.
    Bars,
    /// A 2x2 grid of squares, one in the accent colour.
    Squares,
    /// A stepped pyramid.
    Steps,
}

/// Draws a logo of height `h` with its top-left at (x, top). Returns its width.
pub fn logo(sh: &mut Sheet, x: f32, top: f32, h: f32, kind: LogoKind, color: Color) -> f32 {
    match kind {
        LogoKind::Bars => {
            let w = h / 4.0;
            for i in 0..3 {
                let bh = h * (0.45 + 0.275 * i as f32);
                sh.fill(x + i as f32 * (w + w / 3.0), top + h - bh, w, bh, color);
            }
            w * 3.0 + 2.0 * w / 3.0
        }
        LogoKind::Squares => {
            let s = h / 2.0 - 1.0;
            for (i, j) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let c = if (i, j) == (1, 0) {
                    color
                } else {
                    Color::gray(0.3)
                };
                sh.fill(
                    x + i as f32 * (s + 2.0),
                    top + j as f32 * (s + 2.0),
                    s,
                    s,
                    c,
                );
            }
            h
        }
        LogoKind::Steps => {
            let step = h / 3.0;
            for i in 0..3 {
                let w = h * 1.2 - i as f32 * step * 0.8;
                sh.fill(
                    x + (h * 1.2 - w) / 2.0,
                    top + h - (i as f32 + 1.0) * step,
                    w,
                    step - 1.0,
                    color,
                );
            }
            h * 1.2
        }
    }
}

/// A rubber stamp: a rotated frame with a big word and a smaller line, centred at (cx, ctop).
pub fn stamp(
    sh: &mut Sheet,
    cx: f32,
    ctop: f32,
    angle_deg: f32,
    color: Color,
    big: &str,
    small: &str,
) {
    let st = sh.style.clone();
    let (big_size, small_size) = (22.0, 9.0);
    let bw = st
        .bold
        .text_width(big, big_size)
        .max(st.bold.text_width(small, small_size))
        + 20.0;
    let bh = big_size + small_size + 18.0;
    let (sin, cos) = crate::pdf::sin_cos_deg(angle_deg);
    // Rotate in PDF orientation (y up), then flip back to top-down coordinates.
    let rot = |dx: f32, dy: f32| -> (f32, f32) {
        (cx + dx * cos - dy * sin, ctop - (dx * sin + dy * cos))
    };
    let corners = [
        rot(-bw / 2.0, -bh / 2.0),
        rot(bw / 2.0, -bh / 2.0),
        rot(bw / 2.0, bh / 2.0),
        rot(-bw / 2.0, bh / 2.0),
    ];
    for i in 0..4 {
        sh.segment(corners[i], corners[(i + 1) % 4], 2.0, color);
    }
    let inner = [
        rot(-bw / 2.0 + 3.0, -bh / 2.0 + 3.0),
        rot(bw / 2.0 - 3.0, -bh / 2.0 + 3.0),
        rot(bw / 2.0 - 3.0, bh / 2.0 - 3.0),
        rot(-bw / 2.0 + 3.0, bh / 2.0 - 3.0),
    ];
    for i in 0..4 {
        sh.segment(inner[i], inner[(i + 1) % 4], 0.7, color);
    }
    let w_big = st.bold.text_width(big, big_size);
    let (x, t) = rot(-w_big / 2.0, bh / 2.0 - 9.0 - big_size * 0.75);
    sh.text_rotated(st.bold, big_size, x, t, angle_deg, color, big);
    let w_small = st.bold.text_width(small, small_size);
    let (x, t) = rot(-w_small / 2.0, -bh / 2.0 + 9.0);
    sh.text_rotated(st.bold, small_size, x, t, angle_deg, color, small);
}

/// Title text with the currency style's printed currency noted, used by several families.
pub fn title(
    sh: &mut Sheet,
    doc: &Document,
    x: f32,
    top: f32,
    size: f32,
    align: Align,
    color: Color,
) {
    let st = sh.style.clone();
    put(
        sh,
        st.bold,
        size,
        x,
        top,
        align,
        color,
        i18n::doc_title(doc),
    );
}

/// Marks the currency as printed when amounts carry it (helper for custom blocks).
pub fn mark_currency(sh: &mut Sheet, doc: &Document, style: CurrencyStyle) {
    if let Some(c) = style.printed_currency(&doc.currency) {
        sh.mark(FieldKey::Currency, c);
    }
}
