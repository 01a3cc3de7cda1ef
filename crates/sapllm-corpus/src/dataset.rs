//! The training and evaluation corpus: many documents across 42 layout families, eight
//! languages, ten document types and every invoice subtype, split by layout family.
//!
//! Each document `i` of a run draws everything from its own stream (`seed`, `i`), so the same
//! seed gives byte-identical files and adding documents does not change earlier ones. Written
//! per document: `<stem>.pdf`, `<stem>.json` (ground truth, `sapllm-groundtruth/1` with the
//! optional `subtype`), `<stem>.labels.json` (word labels, `sapllm-wordlabels/1`), optionally
//! a scanned variant under `scans/` (the digital PDF rendered through PDFium and degraded, as
//! an image-only PDF, PNG or JPEG — [`crate::scan`] — with the same ground truth next to it and
//! the digital text layer as OCR reference, `X.ocr.txt` / `X.ocr.tsv`); and `manifest.json`.
//!
//! Splits: [`TEST_FAMILIES`] (11 of 42 families, about 26 %) are never used for training. Every
//! family can render every language and document type, so both splits hold all of them.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration};
use rust_decimal::Decimal;
use sapllm_core::{DocType, InvoiceSubtype};
use serde::Serialize;

use crate::CorpusError;
use crate::ground_truth::GroundTruth;
use crate::layout::composed::composed;
use crate::layout::i18n::{self, CurrencyStyle, DateStyle, NumberStyle};
use crate::layout::recipes::RECIPES;
use crate::layout::{self, Family, Rendered, Style};
use crate::model::{Adjustment, Country, DocSpec, Document, Language, VatMode, generate};
use crate::rng::Rng;
use crate::scan::{self, Scan};
use crate::words::{WordLabels, label_words};

/// A layout family: one of the fourteen hand-written ones or a composed recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FamilyRef {
    Classic(Family),
    Composed(usize),
}

impl FamilyRef {
    /// Every family: the classic ones first, then the recipes.
    pub fn all() -> Vec<FamilyRef> {
        Family::ALL
            .iter()
            .map(|f| FamilyRef::Classic(*f))
            .chain((0..RECIPES.len()).map(FamilyRef::Composed))
            .collect()
    }

    pub fn id(self) -> &'static str {
        match self {
            FamilyRef::Classic(f) => f.name(),
            FamilyRef::Composed(i) => RECIPES[i].name,
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            FamilyRef::Classic(f) => f.description(),
            FamilyRef::Composed(i) => RECIPES[i].description,
        }
    }

    pub fn by_id(id: &str) -> Option<FamilyRef> {
        FamilyRef::all().into_iter().find(|f| f.id() == id)
    }

    pub fn is_test(self) -> bool {
        TEST_FAMILIES.contains(&self.id())
    }
}

/// The held-out families: never rendered into the training split. Chosen to cover every kind
/// of variation the training families have (multi-page with carried-forward subtotals, stamps,
/// handwriting, monospace, serif, three address columns, VAT tables, boxed and grid key-values).
pub const TEST_FAMILIES: [&str; 11] = [
    "boxed",
    "ledger",
    "sidebar",
    "serif-labels-above",
    "band-three-columns",
    "mono-received",
    "title-grid-row",
    "received-annotated",
    "slate-band-long",
    "logo-right-paid",
    "name-three-grid",
];

/// Which families a run draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    Train,
    Test,
    All,
}

impl Split {
    pub fn families(self) -> Vec<FamilyRef> {
        FamilyRef::all()
            .into_iter()
            .filter(|f| match self {
                Split::Train => !f.is_test(),
                Split::Test => f.is_test(),
                Split::All => true,
            })
            .collect()
    }
}

impl std::str::FromStr for Split {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "train" => Ok(Split::Train),
            "test" => Ok(Split::Test),
            "all" => Ok(Split::All),
            other => Err(format!("unknown split {other:?} (train, test, all)")),
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub split: Split,
    pub count: usize,
    pub scans: bool,
    pub languages: Vec<Language>,
}

/// How a scanned variant was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanParams {
    pub file: String,
    pub dpi: f32,
    pub pages: Vec<PageLook>,
}

/// How one page of a scan was degraded ([`scan::ScanLook`], rounded for the manifest).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageLook {
    pub skew_deg: f32,
    /// Gaussian blur sigma, pixels.
    pub blur: f32,
    /// Noise standard deviation, grey levels.
    pub noise: f32,
    /// Grey levels of ink and paper (the contrast left).
    pub ink: u8,
    pub paper: u8,
    pub jpeg_quality: u8,
}

/// One generated document.
#[derive(Debug, Clone)]
pub struct Generated {
    pub stem: String,
    pub family: FamilyRef,
    pub doc: Document,
    pub rendered: Rendered,
    pub truth: GroundTruth,
    pub labels: WordLabels,
    pub pdf: Vec<u8>,
}

/// A manifest row.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub stem: String,
    pub family: &'static str,
    pub language: &'static str,
    pub doc_type: &'static str,
    pub subtype: Option<&'static str>,
    pub split: &'static str,
    pub pages: usize,
    pub scan: Option<ScanParams>,
}

/// Document types with their share in percent: mostly invoices, as in an AP inbox.
const DOC_TYPES: [(DocType, u64); 10] = [
    (DocType::Invoice, 70),
    (DocType::CreditNote, 7),
    (DocType::DebitNote, 3),
    (DocType::PurchaseOrder, 4),
    (DocType::OrderConfirmation, 4),
    (DocType::DeliveryNote, 4),
    (DocType::Receipt, 3),
    (DocType::PaymentAdvice, 2),
    (DocType::Statement, 2),
    (DocType::Other, 1),
];

/// Invoice subtypes with their weights (credit and debit memos come with their doc types).
const INVOICE_SUBTYPES: [(InvoiceSubtype, u64); 14] = [
    (InvoiceSubtype::Standard, 30),
    (InvoiceSubtype::PoBased, 12),
    (InvoiceSubtype::ReverseCharge, 7),
    (InvoiceSubtype::SmallAmount, 5),
    (InvoiceSubtype::ServiceWithoutPo, 6),
    (InvoiceSubtype::Prepayment, 4),
    (InvoiceSubtype::PartialInvoice, 5),
    (InvoiceSubtype::FinalInvoice, 5),
    (InvoiceSubtype::SelfBilling, 4),
    (InvoiceSubtype::Proforma, 4),
    (InvoiceSubtype::Recurring, 5),
    (InvoiceSubtype::Utility, 4),
    (InvoiceSubtype::Freight, 4),
    (InvoiceSubtype::Corrective, 5),
];

fn weighted<T: Copy>(items: &[(T, u64)], rng: &mut Rng) -> T {
    let total: u64 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.below(total);
    for (item, w) in items {
        if r < *w {
            return *item;
        }
        r -= w;
    }
    items[0].0
}

/// Seller countries that write in a language (the first is the most common).
fn countries_for(lang: Language) -> &'static [Country] {
    match lang {
        Language::En => &[
            Country::Gb,
            Country::Gb,
            Country::Us,
            Country::De,
            Country::Se,
            Country::Dk,
            Country::Cz,
        ],
        Language::De => &[
            Country::De,
            Country::De,
            Country::De,
            Country::At,
            Country::Ch,
        ],
        Language::Fr => &[
            Country::Fr,
            Country::Fr,
            Country::Fr,
            Country::Be,
            Country::Ch,
        ],
        Language::Es => &[Country::Es],
        Language::It => &[Country::It],
        Language::Nl => &[Country::Nl, Country::Nl, Country::Be],
        Language::Pl => &[Country::Pl],
        Language::Pt => &[Country::Pt],
    }
}

/// An EU country other than `c`, for intra-community supplies.
fn other_eu(c: Country, rng: &mut Rng) -> Country {
    let eu: Vec<Country> = Country::ALL
        .into_iter()
        .filter(|x| x.in_eu() && *x != c)
        .collect();
    *rng.pick(&eu)
}

/// Number of lines: mostly short documents, some long ones, a few very long (up to 60).
fn line_count(rng: &mut Rng) -> usize {
    match rng.below(100) {
        0..=59 => rng.range(1, 6) as usize,
        60..=89 => rng.range(7, 18) as usize,
        _ => rng.range(19, 60) as usize,
    }
}

/// The texts a document of `subtype` carries besides its title.
fn cues(doc: &Document, subtype: InvoiceSubtype, rng: &mut Rng) -> Vec<String> {
    use InvoiceSubtype as S;
    use Language::*;
    let lang = doc.language;
    let d = |date: chrono::NaiveDate| DateStyle::numeric(lang).format(date);
    let start = doc.issue_date.with_day(1).unwrap_or(doc.issue_date) - Duration::days(1);
    let period_from = start.with_day(1).unwrap_or(start);
    let (from, to) = (d(period_from), d(start));
    let n = rng.range(2, 5);
    let other_invoice = format!("{}-{}", doc.issue_date.year(), rng.range(1000, 9999));
    let meter = rng.digits(8);
    let kwh = rng.range(800, 9000);
    let cmr = rng.digits(7);
    let s = match (subtype, lang) {
        (S::PartialInvoice, En) => {
            format!("Partial invoice No. {n} according to progress of works")
        }
        (S::PartialInvoice, De) => format!("{n}. Abschlagsrechnung gemäß Baufortschritt"),
        (S::PartialInvoice, Fr) => format!("Situation de travaux n° {n}"),
        (S::PartialInvoice, Es) => format!("Factura parcial nº {n} según avance de obra"),
        (S::PartialInvoice, It) => format!("Fattura parziale n. {n} - stato avanzamento lavori"),
        (S::PartialInvoice, Nl) => format!("Termijnfactuur {n} volgens voortgang van het werk"),
        (S::PartialInvoice, Pl) => format!("Faktura częściowa nr {n} - zaawansowanie prac"),
        (S::PartialInvoice, Pt) => format!("Fatura parcial n.º {n} - auto de medição"),
        (S::FinalInvoice, En) => "Final invoice: less partial payments received".to_owned(),
        (S::FinalInvoice, De) => {
            "Schlussrechnung abzüglich geleisteter Abschlagszahlungen".to_owned()
        }
        (S::FinalInvoice, Fr) => "Facture de solde, déduction faite des acomptes versés".to_owned(),
        (S::FinalInvoice, Es) => "Factura final, deducidos los pagos a cuenta".to_owned(),
        (S::FinalInvoice, It) => "Fattura a saldo, dedotti gli acconti versati".to_owned(),
        (S::FinalInvoice, Nl) => "Eindfactuur onder aftrek van betaalde termijnen".to_owned(),
        (S::FinalInvoice, Pl) => "Faktura końcowa po odliczeniu zaliczek".to_owned(),
        (S::FinalInvoice, Pt) => "Fatura final, deduzidos os adiantamentos".to_owned(),
        (S::Prepayment, En) => "Advance payment requested before delivery".to_owned(),
        (S::Prepayment, De) => "Anzahlung vor Lieferung - Vorauszahlungsrechnung".to_owned(),
        (S::Prepayment, Fr) => "Acompte à la commande".to_owned(),
        (S::Prepayment, Es) => "Anticipo a cuenta del pedido".to_owned(),
        (S::Prepayment, It) => "Acconto sull'ordine".to_owned(),
        (S::Prepayment, Nl) => "Vooruitbetaling bij bestelling".to_owned(),
        (S::Prepayment, Pl) => "Zaliczka na poczet zamówienia".to_owned(),
        (S::Prepayment, Pt) => "Adiantamento por conta da encomenda".to_owned(),
        (S::SelfBilling, En) => {
            "Self-billing: this invoice is issued by the customer on behalf of the supplier"
                .to_owned()
        }
        (S::SelfBilling, De) => {
            "Gutschrift im Sinne des § 14 Abs. 2 UStG (Gutschriftsverfahren)".to_owned()
        }
        (S::SelfBilling, Fr) => {
            "Autofacturation : facture émise par le client au nom du fournisseur".to_owned()
        }
        (S::SelfBilling, Es) => "Facturación por el destinatario (autofactura)".to_owned(),
        (S::SelfBilling, It) => {
            "Autofattura emessa dal cessionario per conto del cedente".to_owned()
        }
        (S::SelfBilling, Nl) => "Factuur uitgereikt door afnemer (self-billing)".to_owned(),
        (S::SelfBilling, Pl) => "Samofakturowanie - faktura wystawiona przez nabywcę".to_owned(),
        (S::SelfBilling, Pt) => "Autofaturação - emitida pelo adquirente".to_owned(),
        (S::Proforma, En) => "Pro forma - not a tax invoice, no VAT can be deducted".to_owned(),
        (S::Proforma, De) => "Proforma - keine Rechnung im Sinne des UStG".to_owned(),
        (S::Proforma, Fr) => "Facture proforma - ne vaut pas facture".to_owned(),
        (S::Proforma, Es) => "Factura proforma - sin validez fiscal".to_owned(),
        (S::Proforma, It) => "Fattura proforma - non valida ai fini fiscali".to_owned(),
        (S::Proforma, Nl) => "Pro-formafactuur - geen geldige factuur voor de btw".to_owned(),
        (S::Proforma, Pl) => "Faktura pro forma - nie jest dokumentem księgowym".to_owned(),
        (S::Proforma, Pt) => "Fatura pró-forma - não serve de fatura".to_owned(),
        (S::Corrective, En) => format!("Corrected invoice - replaces invoice {other_invoice}"),
        (S::Corrective, De) => format!("Rechnungskorrektur - ersetzt Rechnung {other_invoice}"),
        (S::Corrective, Fr) => {
            format!("Facture rectificative - annule et remplace la facture {other_invoice}")
        }
        (S::Corrective, Es) => format!("Factura rectificativa de la factura {other_invoice}"),
        (S::Corrective, It) => {
            format!("Fattura correttiva - sostituisce la fattura {other_invoice}")
        }
        (S::Corrective, Nl) => format!("Gecorrigeerde factuur - vervangt factuur {other_invoice}"),
        (S::Corrective, Pl) => format!("Faktura korygująca do faktury {other_invoice}"),
        (S::Corrective, Pt) => format!("Fatura retificativa da fatura {other_invoice}"),
        (S::Recurring, En) => format!("Monthly invoice for the period {from} - {to}"),
        (S::Recurring, De) => format!("Monatsrechnung für den Zeitraum {from} - {to}"),
        (S::Recurring, Fr) => format!("Facture mensuelle pour la période du {from} au {to}"),
        (S::Recurring, Es) => format!("Factura mensual del periodo {from} - {to}"),
        (S::Recurring, It) => format!("Canone mensile periodo {from} - {to}"),
        (S::Recurring, Nl) => format!("Maandfactuur over de periode {from} - {to}"),
        (S::Recurring, Pl) => format!("Faktura miesięczna za okres {from} - {to}"),
        (S::Recurring, Pt) => format!("Fatura mensal do período {from} - {to}"),
        (S::Utility, En) => format!("Meter no. {meter}, consumption {from} - {to}: {kwh} kWh"),
        (S::Utility, De) => format!("Zählernummer {meter}, Verbrauch {from} - {to}: {kwh} kWh"),
        (S::Utility, Fr) => {
            format!("Compteur n° {meter}, consommation du {from} au {to} : {kwh} kWh")
        }
        (S::Utility, Es) => format!("Contador nº {meter}, consumo {from} - {to}: {kwh} kWh"),
        (S::Utility, It) => format!("Contatore n. {meter}, consumi {from} - {to}: {kwh} kWh"),
        (S::Utility, Nl) => format!("Meternummer {meter}, verbruik {from} - {to}: {kwh} kWh"),
        (S::Utility, Pl) => format!("Licznik nr {meter}, zużycie {from} - {to}: {kwh} kWh"),
        (S::Utility, Pt) => format!("Contador n.º {meter}, consumo {from} - {to}: {kwh} kWh"),
        (S::Freight, En) => format!("Transport services, consignment note CMR {cmr}"),
        (S::Freight, De) => format!("Frachtrechnung, Frachtbrief CMR {cmr}"),
        (S::Freight, Fr) => format!("Prestation de transport, lettre de voiture CMR {cmr}"),
        (S::Freight, Es) => format!("Servicio de transporte, carta de porte CMR {cmr}"),
        (S::Freight, It) => format!("Servizio di trasporto, lettera di vettura CMR {cmr}"),
        (S::Freight, Nl) => format!("Transportdiensten, vrachtbrief CMR {cmr}"),
        (S::Freight, Pl) => format!("Usługa transportowa, list przewozowy CMR {cmr}"),
        (S::Freight, Pt) => format!("Serviço de transporte, guia CMR {cmr}"),
        (S::ServiceWithoutPo, En) => format!("Services rendered {from} - {to} as agreed"),
        (S::ServiceWithoutPo, De) => format!("Leistungszeitraum {from} - {to} gemäß Vereinbarung"),
        (S::ServiceWithoutPo, Fr) => format!("Prestations réalisées du {from} au {to}"),
        (S::ServiceWithoutPo, Es) => format!("Servicios prestados del {from} al {to}"),
        (S::ServiceWithoutPo, It) => format!("Prestazioni eseguite dal {from} al {to}"),
        (S::ServiceWithoutPo, Nl) => format!("Geleverde diensten {from} - {to}"),
        (S::ServiceWithoutPo, Pl) => format!("Usługi wykonane w okresie {from} - {to}"),
        (S::ServiceWithoutPo, Pt) => format!("Serviços prestados de {from} a {to}"),
        (S::DebitMemo, En) => format!("Debit for invoice {other_invoice}: price difference"),
        (S::DebitMemo, De) => format!("Nachbelastung zu Rechnung {other_invoice}: Preisdifferenz"),
        (S::DebitMemo, Fr) => format!("Note de débit sur facture {other_invoice} : écart de prix"),
        (S::DebitMemo, Es) => {
            format!("Cargo adicional a la factura {other_invoice}: diferencia de precio")
        }
        (S::DebitMemo, It) => format!("Addebito sulla fattura {other_invoice}: differenza prezzo"),
        (S::DebitMemo, Nl) => format!("Nabelasting op factuur {other_invoice}: prijsverschil"),
        (S::DebitMemo, Pl) => format!("Nota obciążeniowa do faktury {other_invoice}: różnica cen"),
        (S::DebitMemo, Pt) => {
            format!("Nota de débito à fatura {other_invoice}: diferença de preço")
        }
        // Standard, PO-based, reverse charge, small amount and credit memos carry their cues
        // elsewhere (order number, reverse-charge note, amount, credit reference).
        _ => return Vec::new(),
    };
    vec![s]
}

/// Per-document formats: usually the language's own, sometimes another common one.
fn vary_style(st: &mut Style, doc: &Document, rng: &mut Rng) {
    st.labels = i18n::varied(doc.language, rng);
    if doc.seller.address.country == Country::Ch && rng.chance(60) {
        st.numbers = NumberStyle::Apostrophe;
    } else if rng.chance(15) {
        st.numbers = *rng.pick(&[NumberStyle::Comma, NumberStyle::Dot, NumberStyle::Space]);
    }
    st.dates = match rng.below(100) {
        0..=54 => DateStyle::numeric(doc.language),
        55..=79 => DateStyle::long(doc.language),
        80..=89 => DateStyle::Iso,
        _ => *rng.pick(&[
            DateStyle::DeNumeric,
            DateStyle::FrNumeric,
            DateStyle::Dashed,
        ]),
    };
    st.currency = *rng.pick(&[
        CurrencyStyle::SymbolAfter,
        CurrencyStyle::CodeAfter,
        CurrencyStyle::CodeBefore,
        CurrencyStyle::SymbolBefore,
    ]);
}

/// The document model of document `index`.
pub fn document(seed: u64, index: usize, languages: &[Language]) -> Document {
    let mut rng = Rng::derive(seed, &format!("doc-{index}"));
    let lang = *rng.pick(languages);
    let doc_type = weighted(&DOC_TYPES, &mut rng);
    let subtype = match doc_type {
        DocType::Invoice => Some(weighted(&INVOICE_SUBTYPES, &mut rng)),
        DocType::CreditNote => Some(InvoiceSubtype::CreditMemo),
        DocType::DebitNote => Some(InvoiceSubtype::DebitMemo),
        _ => None,
    };
    use InvoiceSubtype as S;
    let reverse = subtype == Some(S::ReverseCharge);
    // Reverse charge exists between two EU VAT registrations only: a reverse-charge invoice
    // comes from an EU seller, or it would charge VAT and carry no reverse-charge evidence.
    let seller_country = if reverse {
        let eu: Vec<Country> = countries_for(lang)
            .iter()
            .copied()
            .filter(|c| c.in_eu())
            .collect();
        *rng.pick(&eu)
    } else {
        *rng.pick(countries_for(lang))
    };
    let mut buyer_country = seller_country;
    if reverse || rng.chance(8) {
        buyer_country = if seller_country.in_eu() {
            other_eu(seller_country, &mut rng)
        } else {
            *rng.pick(&[Country::De, Country::Fr, Country::Nl])
        };
    }
    let n = line_count(&mut rng);
    let spec = DocSpec {
        doc_type,
        language: lang,
        seller_country,
        buyer_country,
        min_lines: n,
        max_lines: n,
        vat_mode: if reverse && seller_country.in_eu() && buyer_country.in_eu() {
            VatMode::ReverseCharge
        } else if rng.chance(30) {
            VatMode::TwoRates
        } else {
            VatMode::Standard
        },
        small_amount: subtype == Some(S::SmallAmount),
        // The label must be what a clerk reads off the page: a printed order number makes an
        // otherwise plain invoice PO-based, so standard, small-amount and service invoices
        // never carry one; subtypes with their own stronger cue (partial, freight, ...) may.
        with_po: subtype == Some(S::PoBased)
            || (!matches!(
                subtype,
                Some(S::ServiceWithoutPo | S::Standard | S::SmallAmount)
            ) && rng.chance(30)),
        with_buyer_reference: rng.chance(25),
        with_prepaid: subtype == Some(S::FinalInvoice),
        year: *rng.pick(&[2023, 2024, 2024, 2025]),
    };
    let mut doc = generate(&spec, &mut rng);
    doc.currency = seller_country.currency().to_owned();
    if seller_country == Country::Us {
        doc.bank = None;
    }
    if subtype == Some(S::ServiceWithoutPo) {
        doc.po_number = None;
    }
    doc.subtype = subtype;
    if let Some(s) = subtype {
        doc.cues = cues(&doc, s, &mut rng);
    }
    if doc.has_amounts() && subtype != Some(S::SmallAmount) && rng.chance(18) {
        let rate = doc.lines.first().map(|l| l.tax_rate).unwrap_or_default();
        let l = i18n::labels(lang);
        if rng.chance(50) {
            let pct = Decimal::from(*rng.pick(&[2i64, 3, 5, 10]));
            let amount = crate::model::round_cents(-doc.lines_total() * pct / Decimal::ONE_HUNDRED);
            doc.adjustments.push(Adjustment {
                label: format!("{} {pct} %", l.discount),
                amount,
                tax_rate: rate,
            });
        } else {
            doc.adjustments.push(Adjustment {
                label: l.freight.to_owned(),
                amount: Decimal::new(rng.range(490, 8900), 2),
                tax_rate: rate,
            });
        }
    }
    doc.recompute();
    if spec.with_prepaid {
        doc.totals.prepaid =
            (doc.totals.gross * Decimal::new(3, 1) / Decimal::TEN).round_dp(0) * Decimal::TEN;
        doc.recompute();
    }
    // A plain invoice whose total happens to stay under the small-amount limit IS a
    // small-amount invoice to the clerk (the same total decides it in the pipeline).
    if doc.subtype == Some(S::Standard) && doc.totals.gross.abs() <= SMALL_AMOUNT_LIMIT {
        doc.subtype = Some(S::SmallAmount);
    }
    doc
}

/// The small-amount limit of the pipeline's default configuration (gross, any currency).
const SMALL_AMOUNT_LIMIT: Decimal = Decimal::from_parts(250, 0, 0, false, 0);

/// Renders `doc` in `family` with per-document label synonyms and formats.
pub fn render(doc: &Document, family: FamilyRef, rng: &mut Rng) -> Rendered {
    let mut st = Style::new(doc.language);
    vary_style(&mut st, doc, rng);
    match family {
        FamilyRef::Classic(f) => layout::render_styled(doc, f, st),
        FamilyRef::Composed(i) => layout::finish(composed(doc, st, &RECIPES[i], rng)),
    }
}

/// Document `index` of a run.
pub fn generate_one(opts: &Options, index: usize) -> Generated {
    let families = opts.split.families();
    let doc = document(opts.seed, index, &opts.languages);
    let mut rng = Rng::derive(opts.seed, &format!("layout-{index}"));
    let family = *rng.pick(&families);
    let prefix = format!("{index:05}");
    generate_one_with(doc, family, rng, prefix)
}

/// Renders a given document model in `family`, drawing style choices from `rng`; the file
/// stem starts with `prefix`.
pub fn generate_one_with(
    doc: Document,
    family: FamilyRef,
    mut rng: Rng,
    prefix: String,
) -> Generated {
    let rendered = render(&doc, family, &mut rng);
    let truth = GroundTruth::for_rendered(&doc, &rendered);
    let labels = label_words(
        family.id(),
        &rendered.pages,
        &rendered.annotations,
        &rendered.printed,
    );
    let pdf = layout::pdf_document(&doc, &rendered).to_bytes();
    let stem = format!(
        "{prefix}-{}-{}-{}",
        doc.language.code(),
        doc.doc_type.as_str().replace('_', "-"),
        family.id()
    );
    Generated {
        stem,
        family,
        doc,
        rendered,
        truth,
        labels,
        pdf,
    }
}

/// Writes a generated document's PDF, ground truth and word labels into `out`.
pub fn write_generated(out: &Path, g: &Generated) -> Result<(), CorpusError> {
    std::fs::create_dir_all(out).map_err(|source| CorpusError::Io {
        path: out.to_owned(),
        source,
    })?;
    write(&out.join(format!("{}.pdf", g.stem)), &g.pdf)?;
    write(
        &out.join(format!("{}.json", g.stem)),
        g.truth.to_json().as_bytes(),
    )?;
    write(
        &out.join(format!("{}.labels.json", g.stem)),
        g.labels.to_json().as_bytes(),
    )
}

/// The scanned variant of `g`: its digital PDF rendered through PDFium and degraded
/// ([`scan::scan_pdf`]), drawn from its own stream (`seed`, `index`).
pub fn scan(g: &Generated, seed: u64, index: usize) -> Result<(Scan, ScanParams), CorpusError> {
    let mut rng = Rng::derive(seed, &format!("scan-{index}"));
    let mut info = layout::info_for(&g.doc);
    info.producer = "sapllm-corpus scan simulation".to_owned();
    // One-page documents also come as image files, as phones and scanners deliver them.
    let made = scan::scan_pdf(&g.pdf, &mut rng, true, info)?;
    let round = |v: f32| (v * 100.0).round() / 100.0;
    let params = ScanParams {
        file: format!("scans/{}.{}", g.stem, made.format.extension()),
        dpi: made.dpi,
        pages: made
            .pages
            .iter()
            .map(|p| PageLook {
                skew_deg: round(p.look.skew_degrees),
                blur: round(p.look.blur_sigma),
                noise: round(p.look.noise),
                ink: p.look.ink,
                paper: p.look.paper,
                jpeg_quality: p.look.jpeg_quality,
            })
            .collect(),
    };
    Ok((made, params))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CorpusError> {
    std::fs::write(path, bytes).map_err(|source| CorpusError::Io {
        path: path.to_owned(),
        source,
    })
}

#[derive(Serialize)]
struct Manifest<'a> {
    schema: &'static str,
    seed: u64,
    split: Split,
    count: usize,
    languages: Vec<&'static str>,
    train_families: Vec<&'static str>,
    test_families: Vec<&'static str>,
    documents: &'a [Entry],
}

/// Generates `opts.count` documents into `out`; returns the manifest rows.
pub fn write_corpus(out: &Path, opts: &Options) -> Result<Vec<Entry>, CorpusError> {
    let mkdir = |p: &Path| {
        std::fs::create_dir_all(p).map_err(|source| CorpusError::Io {
            path: p.to_owned(),
            source,
        })
    };
    mkdir(out)?;
    let scans_dir: PathBuf = out.join("scans");
    if opts.scans {
        mkdir(&scans_dir)?;
    }
    let mut entries = Vec::with_capacity(opts.count);
    for i in 0..opts.count {
        let g = generate_one(opts, i);
        write(&out.join(format!("{}.pdf", g.stem)), &g.pdf)?;
        let truth = g.truth.to_json();
        write(&out.join(format!("{}.json", g.stem)), truth.as_bytes())?;
        write(
            &out.join(format!("{}.labels.json", g.stem)),
            g.labels.to_json().as_bytes(),
        )?;
        let scan_params = if opts.scans {
            let (made, params) = scan(&g, opts.seed, i)?;
            let file = format!("{}.{}", g.stem, made.format.extension());
            write(&scans_dir.join(&file), &made.bytes)?;
            // The scan's ground truth is its digital original's; the original's text layer is
            // the OCR reference (`sapllm bench --ocr` reads these sidecars).
            write(
                &scans_dir.join(format!("{}.json", g.stem)),
                truth.as_bytes(),
            )?;
            write(
                &scans_dir.join(format!("{}.ocr.txt", g.stem)),
                made.reference.text().as_bytes(),
            )?;
            write(
                &scans_dir.join(format!("{}.ocr.tsv", g.stem)),
                made.reference.tsv.as_bytes(),
            )?;
            Some(params)
        } else {
            None
        };
        entries.push(Entry {
            stem: g.stem.clone(),
            family: g.family.id(),
            language: g.doc.language.code(),
            doc_type: g.doc.doc_type.as_str(),
            subtype: g.doc.subtype.map(|s| s.as_str()),
            split: if g.family.is_test() { "test" } else { "train" },
            pages: g.rendered.pages.len(),
            scan: scan_params,
        });
    }
    let manifest = Manifest {
        schema: "sapllm-corpus-manifest/1",
        seed: opts.seed,
        split: opts.split,
        count: opts.count,
        languages: opts.languages.iter().map(|l| l.code()).collect(),
        train_families: Split::Train.families().iter().map(|f| f.id()).collect(),
        test_families: Split::Test.families().iter().map(|f| f.id()).collect(),
        documents: &entries,
    };
    let mut json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    json.push('\n');
    write(&out.join("manifest.json"), json.as_bytes())?;
    Ok(entries)
}
