//! Composed layout families: each [`Recipe`] fixes where the letterhead, the addresses, the
//! key-value block, the table, the totals, the payment details and the footer go, which fonts,
//! rules and formats they use, and which decorations (logo, rubber stamp, handwritten note) the
//! page carries. A recipe is a family: documents of one recipe share the arrangement and differ
//! in content, labels (synonyms) and formats the corpus draws per document.

use chrono::Duration;

use super::blocks::*;
use super::i18n::{self, CurrencyStyle, DateStyle, NumberStyle};
use super::sheet::{Sheet, Style, fit_size};
use crate::model::{Document, Language};
use crate::pdf::{A4_WIDTH, Color, Font};
use crate::rng::Rng;

/// Where the issuer's letterhead goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Header {
    /// Logo at the left, the issuer's address block right-aligned at the right.
    LogoLeft(LogoMark),
    /// Issuer name large at the left, a one-line address under it, title at the right.
    NameLeft,
    /// Centred name and address line, rule underneath.
    Centered,
    /// A full-width coloured band with name and title.
    Band(Color),
    /// Big title at the top left, issuer block at the top right.
    TitleFirst,
    /// Only a logo at the right; the issuer appears in the footer.
    LogoRightOnly(LogoMark),
}

/// A logo: drawn shapes or the issuer's initials in a frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LogoMark {
    Shapes(LogoKind),
    Initials,
}

/// Where recipient and key-value block go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Addresses {
    /// Recipient left (window), key-values right.
    RecipientLeft,
    /// Key-values left, recipient right (Swiss / French window on the right).
    RecipientRight,
    /// Issuer, recipient and delivery address in three labelled columns, key-values below.
    ThreeColumns,
    /// Issuer and recipient in two labelled columns, key-values below.
    TwoColumns,
}

/// How the key-value block looks when it is not placed beside the recipient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetaLook {
    LabelsLeft,
    LabelsAbove,
    Boxed,
    Grid,
    Inline,
    Dotted,
}

/// Totals and payment arrangement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Closing {
    /// Payment left, totals right.
    Side,
    /// Totals, then payment and notes.
    Stacked,
    /// VAT breakdown table left, totals right, payment under both.
    VatTable,
    /// Dotted ERP totals.
    Dotted,
}

/// The footer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Footer {
    Columns {
        n: usize,
        framed: bool,
    },
    Centered,
    /// No footer; bank details go into the payment block.
    None,
}

/// Decorations drawn over the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoration {
    /// A rotated "PAID" stamp with a date.
    Paid,
    /// A rotated "RECEIVED" / "EINGEGANGEN" stamp with a date.
    Received,
    /// A handwritten-looking note (jittered, slanted words in ink blue).
    Handwritten,
}

/// Fonts of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typeface {
    Sans,
    Serif,
    Mono,
}

/// A composed layout family.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    pub name: &'static str,
    pub description: &'static str,
    pub typeface: Typeface,
    pub size: f32,
    pub header: Header,
    pub addresses: Addresses,
    pub meta_look: MetaLook,
    pub meta: &'static [MetaField],
    pub title_align: Align,
    pub title_upper: bool,
    pub cols: &'static [Col],
    pub grid: Grid,
    pub header_fill: bool,
    pub currency_in_header: bool,
    pub closing: Closing,
    pub totals_boxed: bool,
    pub vat_base: bool,
    pub bank: BankStyle,
    pub footer: Footer,
    pub decorations: &'static [Decoration],
    /// Lowest baseline of body content: a small value breaks pages early (multi-page families).
    pub bottom: f32,
    pub accent: Color,
    /// Formats the family always uses (otherwise the document's own).
    pub dates: Option<DateStyle>,
    pub numbers: Option<NumberStyle>,
    pub currency: Option<CurrencyStyle>,
}

/// Columns a document can show: a delivery note has no prices.
fn cols_for(doc: &Document, cols: &[Col]) -> Vec<Col> {
    cols.iter()
        .copied()
        .filter(|c| doc.has_amounts() || !matches!(c, Col::UnitPrice | Col::VatRate | Col::Amount))
        .collect()
}

fn recipient_heading(sh: &Sheet, doc: &Document) -> String {
    let l = sh.style.labels;
    match Role::recipient(doc) {
        Role::Seller => l.supplier_heading.to_owned(),
        Role::Buyer if doc.doc_type == sapllm_core::DocType::DeliveryNote => l.ship_to.to_owned(),
        Role::Buyer => l.buyer_heading.to_owned(),
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphabetic())
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

/// Draws a logo with its top-left at (x, top); returns its width.
fn draw_logo(
    sh: &mut Sheet,
    doc: &Document,
    x: f32,
    top: f32,
    mark: LogoMark,
    color: Color,
) -> f32 {
    match mark {
        LogoMark::Shapes(kind) => logo(sh, x, top, 36.0, kind, color),
        LogoMark::Initials => {
            let st = sh.style.clone();
            let text = initials(&Role::issuer(doc).party(doc).name);
            sh.fill(x, top, 40.0, 40.0, color);
            let w = st.bold.text_width(&text, 18.0);
            sh.text_c(
                st.bold,
                18.0,
                x + 20.0 - w / 2.0,
                top + 27.0,
                Color::WHITE,
                &text,
            );
            40.0
        }
    }
}

/// The issuer's letterhead; returns the next free top.
fn header(sh: &mut Sheet, doc: &Document, r: &Recipe) -> f32 {
    let st = sh.style.clone();
    let issuer = Role::issuer(doc);
    let p = issuer.party(doc).clone();
    let title_text = title_text(doc, r);
    match r.header {
        Header::LogoLeft(mark) => {
            draw_logo(sh, doc, st.left, 40.0, mark, st.accent);
            let mut o = PartyOpts::new(8.0);
            o.align = Align::Right;
            o.name_size = 12.0;
            o.contact = true;
            party_block(sh, doc, issuer, st.right, 48.0, &o).max(100.0) + 10.0
        }
        Header::NameLeft => {
            let room = st.width() - st.bold.text_width(&title_text, 18.0) - 20.0;
            let size = fit_size(&p.name, st.bold, 17.0, room);
            sh.tag(issuer.name_key().as_str());
            sh.text_c(st.bold, size, st.left, 58.0, st.accent, &p.name);
            sh.mark(issuer.name_key(), p.name.clone());
            let addr = format!(
                "{} · {} {}",
                p.address.street, p.address.zip, p.address.city
            );
            sh.text_c(st.regular, 8.0, st.left, 72.0, GRAY, &addr);
            sh.text_right(st.bold, 18.0, st.right, 58.0, &title_text);
            92.0
        }
        Header::Centered => {
            let mid = (st.left + st.right) / 2.0;
            let size = fit_size(&p.name, st.bold, 18.0, st.width());
            sh.tag(issuer.name_key().as_str());
            sh.text_center(st.bold, size, mid, 56.0, &p.name);
            sh.mark(issuer.name_key(), p.name.clone());
            let addr = format!(
                "{} · {} {} · {} {}",
                p.address.street, p.address.zip, p.address.city, st.labels.phone, p.phone
            );
            let size = fit_size(&addr, st.regular, 8.0, st.width());
            sh.text_center(st.regular, size, mid, 70.0, &addr);
            sh.hline(st.left, st.right, 78.0, 0.6, st.accent);
            96.0
        }
        Header::Band(color) => {
            sh.fill(0.0, 0.0, A4_WIDTH, 78.0, color);
            let room = st.width() - st.bold.text_width(&title_text, 20.0) - 20.0;
            let size = fit_size(&p.name, st.bold, 18.0, room);
            sh.tag(issuer.name_key().as_str());
            sh.text_c(st.bold, size, st.left, 40.0, Color::WHITE, &p.name);
            sh.mark(issuer.name_key(), p.name.clone());
            let addr = format!(
                "{} · {} {}",
                p.address.street, p.address.zip, p.address.city
            );
            sh.text_c(st.regular, 8.0, st.left, 56.0, Color::WHITE, &addr);
            sh.text_right_c(st.bold, 20.0, st.right, 44.0, Color::WHITE, &title_text);
            100.0
        }
        Header::TitleFirst => {
            sh.text_c(st.bold, 22.0, st.left, 62.0, st.accent, &title_text);
            let mut o = PartyOpts::new(8.0);
            o.align = Align::Right;
            o.name_size = 10.0;
            o.vat = true;
            party_block(sh, doc, issuer, st.right, 44.0, &o).max(84.0) + 12.0
        }
        Header::LogoRightOnly(mark) => {
            draw_logo(sh, doc, st.right - 44.0, 36.0, mark, st.accent);
            90.0
        }
    }
}

fn title_text(doc: &Document, r: &Recipe) -> String {
    let t = i18n::doc_title(doc);
    if r.title_upper {
        t.to_uppercase()
    } else {
        t.to_owned()
    }
}

/// Whether the header already printed the title.
fn header_has_title(r: &Recipe) -> bool {
    matches!(
        r.header,
        Header::NameLeft | Header::Band(_) | Header::TitleFirst
    )
}

fn meta_mode(look: MetaLook, x: f32, right: f32) -> MetaMode {
    match look {
        MetaLook::LabelsLeft => MetaMode::LabelsLeft {
            label_w: 95.0,
            right: Some(right),
        },
        MetaLook::LabelsAbove => MetaMode::LabelsAbove {
            col_w: 118.0,
            band: Some(LIGHT),
        },
        MetaLook::Boxed => MetaMode::Boxed { w: right - x },
        MetaLook::Grid => MetaMode::GridRow { w: right - x },
        MetaLook::Inline => MetaMode::Inline,
        MetaLook::Dotted => MetaMode::Dotted { label_chars: 18 },
    }
}

/// Recipient, issuer columns and key-values; returns the next free top.
fn addresses(sh: &mut Sheet, doc: &Document, r: &Recipe, top: f32) -> f32 {
    let st = sh.style.clone();
    let meta = meta_entries(sh, doc, r.meta);
    let half = st.left + st.width() * 0.55;
    match r.addresses {
        Addresses::RecipientLeft | Addresses::RecipientRight => {
            let (rx, mx) = if r.addresses == Addresses::RecipientLeft {
                (st.left, half)
            } else {
                (half, st.left)
            };
            let mut o = PartyOpts::new(st.size + 0.5);
            o.heading = Some(recipient_heading(sh, doc));
            o.vat = true;
            let t1 = party_block(sh, doc, Role::recipient(doc), rx, top, &o);
            // Beside the recipient, only the compact arrangements fit.
            let w = if r.addresses == Addresses::RecipientLeft {
                st.right - half
            } else {
                half - st.left - 20.0
            };
            let mode = match r.meta_look {
                MetaLook::Boxed => MetaMode::Boxed { w },
                MetaLook::Dotted => MetaMode::Dotted { label_chars: 16 },
                _ => MetaMode::LabelsLeft {
                    label_w: 95.0,
                    right: Some(mx + w),
                },
            };
            let t2 = meta_block(sh, &meta, mx, top, mode);
            t1.max(t2) + 8.0
        }
        Addresses::ThreeColumns | Addresses::TwoColumns => {
            let n = if r.addresses == Addresses::ThreeColumns {
                3
            } else {
                2
            };
            let cw = st.width() / n as f32;
            let l = st.labels;
            let mut lowest = top;
            let mut o = PartyOpts::new(st.size);
            o.vat = true;
            let issuer = Role::issuer(doc);
            o.heading = Some(match issuer {
                Role::Seller => l.seller_heading.to_owned(),
                Role::Buyer => l.buyer_heading.to_owned(),
            });
            let hdr_issuer = !matches!(r.header, Header::LogoLeft(_) | Header::TitleFirst);
            if hdr_issuer {
                lowest = lowest.max(party_block(sh, doc, issuer, st.left, top, &o));
            }
            let x2 = if hdr_issuer { st.left + cw } else { st.left };
            o.heading = Some(recipient_heading(sh, doc));
            lowest = lowest.max(party_block(sh, doc, Role::recipient(doc), x2, top, &o));
            if n == 3 {
                // The delivery address: the buyer's, as most deliveries go to the invoice address.
                let b = &doc.buyer;
                let x3 = x2 + cw;
                let mut t = top;
                sh.text_c(st.bold, st.size - 1.5, x3, t, GRAY, l.ship_to);
                t += st.size * 1.4;
                for s in [
                    b.name.clone(),
                    b.address.street.clone(),
                    format!("{} {}", b.address.zip, b.address.city),
                ] {
                    let fs = fit_size(&s, st.regular, st.size, cw - 8.0);
                    sh.text(st.regular, fs, x3, t, &s);
                    t += st.size * 1.4;
                }
                lowest = lowest.max(t);
            }
            let t = lowest + 10.0;
            let t = meta_block(
                sh,
                &meta,
                st.left,
                t + st.size,
                meta_mode(r.meta_look, st.left, st.right),
            );
            t + 4.0
        }
    }
}

/// Draws `text` as if written by hand: words jittered in size, slant and baseline.
pub fn handwritten(sh: &mut Sheet, x: f32, top: f32, text: &str, rng: &mut Rng) -> f32 {
    let ink = Color::rgb(0.10, 0.18, 0.55);
    let font = Font::TimesRoman;
    let base_angle = rng.range(-6, 4) as f32;
    let mut dx = 0.0;
    let mut dy = 0.0;
    for word in text.split_whitespace() {
        let size = 12.0 + rng.unit_f32() * 2.5;
        let angle = base_angle + (rng.unit_f32() - 0.5) * 6.0;
        let jitter = (rng.unit_f32() - 0.5) * 2.5;
        sh.text_rotated(font, size, x + dx, top + dy + jitter, angle, ink, word);
        let w = font.text_width(word, size) + font.text_width(" ", size) * (1.0 + rng.unit_f32());
        let (sin, cos) = crate::pdf::sin_cos_deg(base_angle);
        dx += w * cos;
        dy -= w * sin;
    }
    top + 22.0
}

/// A short note a clerk scribbles on a document.
fn note_text(lang: Language, date: &str, rng: &mut Rng) -> String {
    let cost_centre = rng.range(1000, 9999);
    let initials = rng.upper_letters(2);
    let options: [String; 3] = match lang {
        Language::De => [
            format!("geprüft {initials} {date}"),
            format!("KST {cost_centre} - bitte buchen"),
            format!("sachlich richtig {initials}"),
        ],
        Language::Fr => [
            format!("vérifié {initials} {date}"),
            format!("CC {cost_centre} - à payer"),
            format!("bon pour accord {initials}"),
        ],
        Language::Es => [
            format!("revisado {initials} {date}"),
            format!("CC {cost_centre} - contabilizar"),
            format!("conforme {initials}"),
        ],
        Language::It => [
            format!("controllato {initials} {date}"),
            format!("CdC {cost_centre} - registrare"),
            format!("visto {initials}"),
        ],
        Language::Nl => [
            format!("gecontroleerd {initials} {date}"),
            format!("KPL {cost_centre} - boeken"),
            format!("akkoord {initials}"),
        ],
        Language::Pl => [
            format!("sprawdzono {initials} {date}"),
            format!("MPK {cost_centre} - zaksięgować"),
            format!("zatwierdzam {initials}"),
        ],
        Language::Pt => [
            format!("verificado {initials} {date}"),
            format!("CC {cost_centre} - lançar"),
            format!("aprovado {initials}"),
        ],
        Language::En => [
            format!("checked {initials} {date}"),
            format!("cost centre {cost_centre} - ok to pay"),
            format!("approved {initials}"),
        ],
    };
    rng.pick(&options).clone()
}

/// Lays out `doc` by `r`. `rng` draws the decorations' details (dates, angles, note text).
pub fn composed(doc: &Document, mut st: Style, r: &Recipe, rng: &mut Rng) -> Sheet {
    let (regular, bold) = match r.typeface {
        Typeface::Sans => (Font::Helvetica, Font::HelveticaBold),
        Typeface::Serif => (Font::TimesRoman, Font::TimesBold),
        Typeface::Mono => (Font::Courier, Font::CourierBold),
    };
    st.regular = regular;
    st.bold = bold;
    st.size = r.size;
    st.accent = r.accent;
    st.bottom = r.bottom;
    if let Some(d) = r.dates {
        st.dates = d;
    }
    if let Some(n) = r.numbers {
        st.numbers = n;
    }
    if let Some(c) = r.currency {
        st.currency = c;
    }
    let mut sh = Sheet::new(st.clone());
    let mut t = header(&mut sh, doc, r);
    if !header_has_title(r) {
        let x = match r.title_align {
            Align::Left => st.left,
            Align::Right => st.right,
            Align::Center => (st.left + st.right) / 2.0,
        };
        let text = title_text(doc, r);
        put(
            &mut sh,
            st.bold,
            16.0,
            x,
            t + 6.0,
            r.title_align,
            Color::BLACK,
            &text,
        );
        t += 24.0;
    }
    t = addresses(&mut sh, doc, r, t + 4.0);
    let cols = cols_for(doc, r.cols);
    let mut spec = TableSpec::new(&cols, r.grid, st.size);
    if r.header_fill {
        spec.header_fill = Some(r.accent);
        spec.header_color = Color::WHITE;
    }
    spec.currency_in_header = r.currency_in_header || r.currency == Some(CurrencyStyle::None);
    t = items_table(&mut sh, doc, &spec, t + 6.0);
    let pay_spec = PaymentSpec {
        terms: true,
        heading: r.bank == BankStyle::Lines,
        due_sentence: true,
        bank: if r.footer == Footer::None && r.bank == BankStyle::None {
            BankStyle::Lines
        } else {
            r.bank
        },
        width: st.width() * 0.5,
    };
    let mut totals = TotalsSpec::new(210.0);
    totals.boxed = r.totals_boxed;
    totals.vat_base = r.vat_base;
    totals.due_row = r.closing == Closing::Stacked;
    t = match r.closing {
        Closing::Side => {
            let top = ensure_room(&mut sh, t, 130.0);
            let t1 = if doc.has_amounts() {
                totals_block(&mut sh, doc, top, &totals)
            } else {
                top
            };
            let t2 = payment_block(&mut sh, doc, st.left, top + st.size, &pay_spec);
            t1.max(t2)
        }
        Closing::Stacked | Closing::Dotted => {
            let mut top = ensure_room(&mut sh, t, 130.0);
            if doc.has_amounts() {
                top = if r.closing == Closing::Dotted {
                    totals_dotted(&mut sh, doc, st.left + st.width() * 0.4, top, 22)
                } else {
                    totals_block(&mut sh, doc, top, &totals)
                };
            }
            let top = ensure_room(&mut sh, top, 70.0);
            let spec = PaymentSpec {
                width: st.width(),
                ..pay_spec.clone()
            };
            payment_block(&mut sh, doc, st.left, top, &spec)
        }
        Closing::VatTable => {
            let top = ensure_room(&mut sh, t, 150.0);
            let mut low = top;
            if doc.has_amounts() {
                let t1 = vat_table(&mut sh, doc, st.left, top, st.width() * 0.48);
                let t2 = totals_block(&mut sh, doc, top, &totals);
                low = t1.max(t2);
            }
            let low = ensure_room(&mut sh, low, 70.0);
            let spec = PaymentSpec {
                width: st.width(),
                ..pay_spec.clone()
            };
            payment_block(&mut sh, doc, st.left, low, &spec)
        }
    };
    t = ensure_room(&mut sh, t, 60.0);
    t = notes_block(&mut sh, doc, st.left, t + 4.0, st.width(), true);
    // Decorations.
    let date = st.date(doc.issue_date + Duration::days(rng.range(2, 9)));
    for d in r.decorations {
        match d {
            Decoration::Paid | Decoration::Received => {
                let (word, color) = if *d == Decoration::Paid {
                    (st.labels.paid, Color::rgb(0.12, 0.45, 0.18))
                } else {
                    (st.labels.received, Color::rgb(0.78, 0.1, 0.12))
                };
                let angle = rng.range(8, 22) as f32 * if rng.chance(50) { 1.0 } else { -1.0 };
                let page = rng.below(sh.page_count() as u64) as usize;
                let keep = sh.page_index();
                sh.select(page);
                let cx = st.right - 90.0 - rng.range(0, 120) as f32;
                let ctop = 150.0 + rng.range(0, 80) as f32;
                stamp(&mut sh, cx, ctop, angle, color, word, &date);
                sh.select(keep);
            }
            Decoration::Handwritten => {
                let text = note_text(st.lang, &date, rng);
                let x = st.left + 10.0 + rng.range(0, 60) as f32;
                if t + 40.0 < st.bottom {
                    handwritten(&mut sh, x, t + 24.0, &text, rng);
                } else {
                    // No room under the notes: the clerk wrote into the top margin.
                    let keep = sh.page_index();
                    sh.select(0);
                    handwritten(&mut sh, st.left + 200.0, 30.0, &text, rng);
                    sh.select(keep);
                }
            }
        }
    }
    match r.footer {
        Footer::Columns { n, framed } => footer_columns(
            &mut sh,
            doc,
            &FooterSpec {
                columns: n,
                top: 782.0,
                size: 6.5,
                rule: !framed,
                framed,
            },
        ),
        Footer::Centered => footer_centered(&mut sh, doc, 790.0, 6.5),
        Footer::None => {}
    }
    page_numbers(&mut sh, 762.0, false);
    sh
}
