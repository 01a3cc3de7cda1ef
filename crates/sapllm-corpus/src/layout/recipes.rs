//! The composed layout families (see [`super::composed`]), each a fixed arrangement.

use super::blocks::{Align, BankStyle, Col, Grid, LogoKind, MetaField};
use super::composed::*;
use super::i18n::{CurrencyStyle, DateStyle, NumberStyle};
use crate::pdf::Color;

use Col::*;
use MetaField::*;

const NAVY: Color = Color::rgb(0.12, 0.29, 0.49);
const TEAL: Color = Color::rgb(0.0, 0.40, 0.44);
const WINE: Color = Color::rgb(0.55, 0.12, 0.18);
const FOREST: Color = Color::rgb(0.13, 0.40, 0.20);
const SLATE: Color = Color::rgb(0.25, 0.27, 0.30);
const ORANGE: Color = Color::rgb(0.80, 0.38, 0.05);
const PURPLE: Color = Color::rgb(0.36, 0.18, 0.50);

const META_A: &[MetaField] = &[
    Number,
    InvoiceDate,
    DueDate,
    PoNumber,
    BuyerReference,
    CustomerNo,
    DeliveryDate,
];
const META_B: &[MetaField] = &[Number, Date, CustomerNo, PoNumber, DeliveryDate];
const META_C: &[MetaField] = &[
    Number,
    InvoiceDate,
    DeliveryDate,
    PoNumber,
    BuyerVatId,
    Currency,
];
const META_D: &[MetaField] = &[Date, Number, PoNumber, DueDate];
// Every key-value block names the purchase order when there is one: an order-based invoice
// must show its order number, or its label would rest on a hidden flag.
const META_E: &[MetaField] = &[Number, Date, DeliveryDate, BuyerReference, PoNumber];

const COLS_STD: &[Col] = &[Pos, Description, Qty, Unit, UnitPrice, Amount];
const COLS_ID_VAT: &[Col] = &[ItemId, Description, QtyUnit, UnitPrice, VatRate, Amount];
const COLS_SHORT: &[Col] = &[Description, Qty, UnitPrice, Amount];
const COLS_FULL: &[Col] = &[
    Pos,
    ItemId,
    Description,
    Qty,
    Unit,
    UnitPrice,
    VatRate,
    Amount,
];
const COLS_QTY_FIRST: &[Col] = &[Qty, Unit, Description, UnitPrice, Amount];
const COLS_PRICE_FIRST: &[Col] = &[Description, UnitPrice, Qty, Amount];
const COLS_VAT_LAST: &[Col] = &[Pos, Description, QtyUnit, UnitPrice, Amount, VatRate];
const COLS_ID_FIRST: &[Col] = &[ItemId, Description, Qty, UnitPrice, Amount];

/// A recipe with the most common choices; the table below changes what makes each different.
const fn base(name: &'static str, description: &'static str) -> Recipe {
    Recipe {
        name,
        description,
        typeface: Typeface::Sans,
        size: 9.0,
        header: Header::LogoLeft(LogoMark::Shapes(LogoKind::Bars)),
        addresses: Addresses::RecipientLeft,
        meta_look: MetaLook::LabelsLeft,
        meta: META_A,
        title_align: Align::Left,
        title_upper: false,
        cols: COLS_STD,
        grid: Grid::HeaderRule,
        header_fill: false,
        currency_in_header: false,
        closing: Closing::Stacked,
        totals_boxed: false,
        vat_base: false,
        bank: BankStyle::None,
        footer: Footer::Columns {
            n: 4,
            framed: false,
        },
        decorations: &[],
        bottom: 740.0,
        accent: NAVY,
        dates: None,
        numbers: None,
        currency: None,
    }
}

pub static RECIPES: [Recipe; 28] = [
    Recipe {
        meta: META_B,
        ..base(
            "logo-window",
            "bar logo left, letterhead right, window address, labels-left key-values, header-rule table, 4-column footer",
        )
    },
    Recipe {
        header: Header::NameLeft,
        addresses: Addresses::RecipientRight,
        cols: COLS_ID_VAT,
        grid: Grid::Zebra,
        header_fill: true,
        accent: TEAL,
        closing: Closing::Side,
        bank: BankStyle::Lines,
        footer: Footer::Centered,
        ..base(
            "name-left-zebra",
            "name left with title right, recipient on the right, zebra table with filled header, payment beside totals, centred footer",
        )
    },
    Recipe {
        header: Header::Centered,
        typeface: Typeface::Serif,
        size: 10.0,
        addresses: Addresses::TwoColumns,
        meta_look: MetaLook::Inline,
        meta: META_D,
        title_align: Align::Center,
        title_upper: true,
        cols: COLS_SHORT,
        grid: Grid::RowRules,
        closing: Closing::Stacked,
        dates: Some(DateStyle::Iso),
        ..base(
            "serif-centred",
            "serif, centred letterhead and upper-case title, two address columns, inline key-values, short table with row rules, ISO dates",
        )
    },
    Recipe {
        header: Header::Band(WINE),
        accent: WINE,
        addresses: Addresses::ThreeColumns,
        meta_look: MetaLook::Grid,
        meta: META_C,
        cols: COLS_FULL,
        grid: Grid::Full,
        closing: Closing::VatTable,
        totals_boxed: true,
        footer: Footer::Columns { n: 3, framed: true },
        ..base(
            "band-three-columns",
            "coloured band, seller / bill-to / ship-to columns, grid key-value row, full grid table, VAT table beside boxed totals, framed footer",
        )
    },
    Recipe {
        header: Header::TitleFirst,
        accent: SLATE,
        addresses: Addresses::RecipientLeft,
        meta_look: MetaLook::Boxed,
        cols: COLS_QTY_FIRST,
        grid: Grid::RowRules,
        closing: Closing::Side,
        bank: BankStyle::Inline,
        decorations: &[Decoration::Paid],
        ..base(
            "title-first-paid",
            "big title top left, issuer top right, boxed key-values, quantity-first table, PAID stamp",
        )
    },
    Recipe {
        typeface: Typeface::Mono,
        size: 8.5,
        header: Header::LogoRightOnly(LogoMark::Initials),
        addresses: Addresses::RecipientLeft,
        meta_look: MetaLook::Dotted,
        cols: COLS_ID_FIRST,
        grid: Grid::Dashed,
        closing: Closing::Dotted,
        footer: Footer::Columns {
            n: 3,
            framed: false,
        },
        numbers: Some(NumberStyle::Plain),
        currency: Some(CurrencyStyle::None),
        ..base(
            "mono-dotted",
            "monospace printout, initials logo right, dotted key-values and totals, dashed table, plain numbers",
        )
    },
    Recipe {
        header: Header::LogoLeft(LogoMark::Shapes(LogoKind::Squares)),
        addresses: Addresses::RecipientRight,
        meta_look: MetaLook::LabelsLeft,
        meta: META_E,
        cols: COLS_PRICE_FIRST,
        grid: Grid::HeaderRule,
        closing: Closing::Stacked,
        vat_base: true,
        decorations: &[Decoration::Received, Decoration::Handwritten],
        accent: FOREST,
        ..base(
            "received-annotated",
            "square logo, recipient right, price-before-quantity table, VAT with bases, RECEIVED stamp and handwritten note",
        )
    },
    Recipe {
        header: Header::NameLeft,
        typeface: Typeface::Serif,
        addresses: Addresses::TwoColumns,
        meta_look: MetaLook::LabelsAbove,
        cols: COLS_VAT_LAST,
        grid: Grid::RowRules,
        closing: Closing::VatTable,
        footer: Footer::Columns {
            n: 4,
            framed: false,
        },
        accent: PURPLE,
        ..base(
            "serif-labels-above",
            "serif, name left, two address columns, labels above values on a band, VAT rate as last column, VAT table",
        )
    },
    Recipe {
        header: Header::Centered,
        addresses: Addresses::RecipientLeft,
        meta_look: MetaLook::Boxed,
        meta: META_B,
        title_align: Align::Right,
        title_upper: true,
        cols: COLS_STD,
        grid: Grid::Full,
        currency_in_header: true,
        closing: Closing::Side,
        bank: BankStyle::Lines,
        footer: Footer::None,
        ..base(
            "centred-full-grid",
            "centred letterhead, title right, boxed key-values, full grid with currency in headers, bank in payment block, no footer",
        )
    },
    Recipe {
        bottom: 560.0,
        header: Header::LogoLeft(LogoMark::Initials),
        meta: META_B,
        cols: COLS_FULL,
        grid: Grid::RowRules,
        size: 8.0,
        closing: Closing::Stacked,
        footer: Footer::Columns {
            n: 4,
            framed: false,
        },
        accent: ORANGE,
        ..base(
            "long-carried",
            "multi-page: short pages with carried-forward subtotals, initials logo, full columns, small type",
        )
    },
    Recipe {
        bottom: 600.0,
        typeface: Typeface::Serif,
        header: Header::TitleFirst,
        addresses: Addresses::RecipientRight,
        meta_look: MetaLook::LabelsLeft,
        cols: COLS_ID_VAT,
        grid: Grid::Zebra,
        closing: Closing::Side,
        bank: BankStyle::Inline,
        footer: Footer::Centered,
        decorations: &[Decoration::Handwritten],
        ..base(
            "serif-multipage-note",
            "multi-page serif, title first, recipient right, zebra table, handwritten note, centred footer",
        )
    },
    Recipe {
        header: Header::Band(TEAL),
        accent: TEAL,
        addresses: Addresses::RecipientLeft,
        meta_look: MetaLook::LabelsLeft,
        meta: META_D,
        cols: COLS_SHORT,
        grid: Grid::Zebra,
        header_fill: true,
        closing: Closing::Stacked,
        totals_boxed: true,
        dates: Some(DateStyle::Us),
        ..base(
            "band-short-table",
            "teal band, short zebra table with filled header, boxed totals, month-first dates",
        )
    },
    Recipe {
        header: Header::LogoRightOnly(LogoMark::Shapes(LogoKind::Steps)),
        addresses: Addresses::ThreeColumns,
        meta_look: MetaLook::Inline,
        meta: META_E,
        cols: COLS_STD,
        grid: Grid::HeaderRule,
        closing: Closing::Side,
        bank: BankStyle::Lines,
        footer: Footer::Columns {
            n: 3,
            framed: false,
        },
        ..base(
            "logo-right-three-columns",
            "step logo right, three address columns, inline key-values, payment beside totals",
        )
    },
    Recipe {
        typeface: Typeface::Mono,
        size: 9.0,
        header: Header::NameLeft,
        addresses: Addresses::RecipientRight,
        meta_look: MetaLook::Dotted,
        meta: META_B,
        cols: COLS_QTY_FIRST,
        grid: Grid::Dashed,
        closing: Closing::Dotted,
        footer: Footer::Centered,
        decorations: &[Decoration::Received],
        dates: Some(DateStyle::Iso),
        ..base(
            "mono-received",
            "monospace, name left, recipient right, dotted key-values, quantity first, dotted totals, RECEIVED stamp, ISO dates",
        )
    },
    Recipe {
        header: Header::TitleFirst,
        typeface: Typeface::Sans,
        size: 10.0,
        addresses: Addresses::TwoColumns,
        meta_look: MetaLook::Grid,
        meta: META_B,
        cols: COLS_ID_FIRST,
        grid: Grid::Full,
        closing: Closing::Stacked,
        totals_boxed: true,
        bank: BankStyle::Inline,
        footer: Footer::None,
        accent: WINE,
        ..base(
            "title-grid-row",
            "large type, title first, two columns, grid key-value row, item-number-first full grid, bank inline, no footer",
        )
    },
    Recipe {
        header: Header::LogoLeft(LogoMark::Shapes(LogoKind::Steps)),
        addresses: Addresses::RecipientLeft,
        meta_look: MetaLook::LabelsLeft,
        meta: META_C,
        cols: COLS_VAT_LAST,
        grid: Grid::Zebra,
        closing: Closing::VatTable,
        footer: Footer::Columns { n: 4, framed: true },
        decorations: &[Decoration::Paid, Decoration::Handwritten],
        accent: FOREST,
        ..base(
            "paid-annotated",
            "step logo, VAT last column, zebra, VAT table, framed 4-column footer, PAID stamp and handwritten note",
        )
    },
    Recipe {
        header: Header::Centered,
        typeface: Typeface::Serif,
        size: 9.5,
        addresses: Addresses::RecipientRight,
        meta_look: MetaLook::Boxed,
        meta: META_D,
        title_align: Align::Left,
        title_upper: true,
        cols: COLS_PRICE_FIRST,
        grid: Grid::RowRules,
        closing: Closing::Side,
        bank: BankStyle::Lines,
        footer: Footer::Columns {
            n: 3,
            framed: false,
        },
        numbers: Some(NumberStyle::Apostrophe),
        ..base(
            "serif-apostrophe",
            "serif centred letterhead, recipient right, boxed key-values, price before quantity, 1'234.56 numbers",
        )
    },
    Recipe {
        header: Header::Band(SLATE),
        accent: SLATE,
        addresses: Addresses::TwoColumns,
        meta_look: MetaLook::LabelsAbove,
        meta: META_A,
        cols: COLS_FULL,
        grid: Grid::HeaderRule,
        size: 8.0,
        closing: Closing::Stacked,
        vat_base: true,
        footer: Footer::Centered,
        bottom: 620.0,
        ..base(
            "slate-band-long",
            "slate band, two columns, labels above, all columns small type, breaks pages early with carried-forward subtotals",
        )
    },
    Recipe {
        header: Header::NameLeft,
        addresses: Addresses::RecipientLeft,
        meta_look: MetaLook::Boxed,
        meta: META_E,
        cols: COLS_SHORT,
        grid: Grid::Full,
        currency_in_header: true,
        closing: Closing::Stacked,
        currency: Some(CurrencyStyle::CodeAfter),
        accent: ORANGE,
        ..base(
            "name-left-boxed",
            "orange name left, boxed key-values beside the recipient, short full grid with currency in headers, code-after amounts",
        )
    },
    Recipe {
        header: Header::LogoLeft(LogoMark::Initials),
        typeface: Typeface::Serif,
        addresses: Addresses::ThreeColumns,
        meta_look: MetaLook::LabelsLeft,
        meta: META_B,
        cols: COLS_ID_VAT,
        grid: Grid::RowRules,
        closing: Closing::Side,
        bank: BankStyle::Inline,
        decorations: &[Decoration::Received],
        accent: PURPLE,
        ..base(
            "serif-three-received",
            "serif, initials logo, three address columns, RECEIVED stamp",
        )
    },
    Recipe {
        header: Header::TitleFirst,
        addresses: Addresses::RecipientRight,
        meta_look: MetaLook::Dotted,
        meta: META_C,
        cols: COLS_STD,
        grid: Grid::Dashed,
        closing: Closing::Stacked,
        currency: Some(CurrencyStyle::SymbolBefore),
        footer: Footer::Columns { n: 3, framed: true },
        ..base(
            "title-dashed",
            "title first, recipient right, dotted key-values, dashed table, symbol-before amounts",
        )
    },
    Recipe {
        header: Header::Band(ORANGE),
        accent: ORANGE,
        addresses: Addresses::RecipientRight,
        meta_look: MetaLook::LabelsLeft,
        meta: META_B,
        cols: COLS_QTY_FIRST,
        grid: Grid::Zebra,
        header_fill: true,
        closing: Closing::VatTable,
        decorations: &[Decoration::Handwritten],
        footer: Footer::Columns {
            n: 4,
            framed: false,
        },
        ..base(
            "band-note",
            "orange band, recipient right, quantity-first zebra table, VAT table, handwritten note",
        )
    },
    Recipe {
        typeface: Typeface::Mono,
        size: 8.0,
        header: Header::LogoLeft(LogoMark::Shapes(LogoKind::Bars)),
        addresses: Addresses::TwoColumns,
        meta_look: MetaLook::Inline,
        meta: META_B,
        cols: COLS_FULL,
        grid: Grid::RowRules,
        closing: Closing::Dotted,
        bottom: 580.0,
        footer: Footer::Centered,
        numbers: Some(NumberStyle::PlainComma),
        ..base(
            "mono-long",
            "monospace multi-page with carried-forward subtotals, inline key-values, dotted totals, 1234,56 numbers",
        )
    },
    Recipe {
        header: Header::LogoRightOnly(LogoMark::Shapes(LogoKind::Squares)),
        addresses: Addresses::RecipientRight,
        meta_look: MetaLook::LabelsLeft,
        meta: META_D,
        title_align: Align::Right,
        cols: COLS_ID_VAT,
        grid: Grid::HeaderRule,
        closing: Closing::Side,
        bank: BankStyle::Lines,
        footer: Footer::Columns {
            n: 4,
            framed: false,
        },
        decorations: &[Decoration::Paid],
        ..base(
            "logo-right-paid",
            "logo top right, title right, recipient right, issuer only in the footer, PAID stamp",
        )
    },
    Recipe {
        header: Header::Centered,
        size: 8.5,
        addresses: Addresses::ThreeColumns,
        meta_look: MetaLook::Boxed,
        meta: META_A,
        cols: COLS_VAT_LAST,
        grid: Grid::Full,
        closing: Closing::Stacked,
        totals_boxed: true,
        vat_base: true,
        footer: Footer::Columns {
            n: 3,
            framed: false,
        },
        accent: TEAL,
        ..base(
            "centred-three-boxed",
            "centred letterhead, three address columns, full-width boxed key-values, full grid, boxed totals with bases",
        )
    },
    Recipe {
        typeface: Typeface::Serif,
        size: 10.0,
        header: Header::Band(NAVY),
        addresses: Addresses::RecipientLeft,
        meta_look: MetaLook::Boxed,
        meta: META_E,
        cols: COLS_SHORT,
        grid: Grid::RowRules,
        closing: Closing::Side,
        bank: BankStyle::Lines,
        footer: Footer::None,
        decorations: &[Decoration::Received, Decoration::Handwritten],
        ..base(
            "navy-band-serif",
            "navy band, serif, boxed key-values, short table, no footer, RECEIVED stamp and note",
        )
    },
    Recipe {
        header: Header::NameLeft,
        size: 8.5,
        addresses: Addresses::ThreeColumns,
        meta_look: MetaLook::Grid,
        meta: META_D,
        cols: COLS_PRICE_FIRST,
        grid: Grid::Zebra,
        closing: Closing::Dotted,
        footer: Footer::Columns { n: 4, framed: true },
        dates: Some(DateStyle::Iso),
        accent: FOREST,
        ..base(
            "name-three-grid",
            "name left, three columns, grid key-value row, price-first zebra, dotted totals, ISO dates",
        )
    },
    Recipe {
        header: Header::TitleFirst,
        typeface: Typeface::Mono,
        size: 8.5,
        addresses: Addresses::TwoColumns,
        meta_look: MetaLook::LabelsLeft,
        meta: META_A,
        cols: COLS_QTY_FIRST,
        grid: Grid::Full,
        closing: Closing::VatTable,
        footer: Footer::Centered,
        decorations: &[Decoration::Paid],
        ..base(
            "mono-title-paid",
            "monospace, title first, two columns, quantity-first full grid, VAT table, PAID stamp",
        )
    },
];
