//! A drawing surface for layouts: pages measured from the top, a style, and a record of which
//! ground-truth fields were printed and how.
//!
//! Layouts think top-down (a cursor that moves down the page), PDF thinks bottom-up; the
//! conversion lives here and nowhere else. The record of printed fields is what makes the
//! ground truth honest: a field goes into the JSON only if a block actually drew it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sapllm_core::{FieldKey, LineKey};

use super::i18n::{CurrencyStyle, DateStyle, Labels, NumberStyle, labels};
use crate::model::Language;
use crate::pdf::{A4_WIDTH, Color, Font, Page};

/// Fonts, sizes, colours, formats and margins of one layout.
#[derive(Debug, Clone)]
pub struct Style {
    pub lang: Language,
    pub labels: Labels,
    pub regular: Font,
    pub bold: Font,
    /// Body text size in points.
    pub size: f32,
    pub accent: Color,
    pub numbers: NumberStyle,
    /// How totals show the currency.
    pub currency: CurrencyStyle,
    pub dates: DateStyle,
    /// Left and right edges of the text area (points from the left).
    pub left: f32,
    pub right: f32,
    /// Where a continuation page starts (points from the top).
    pub top: f32,
    /// Lowest baseline for body content (points from the top); the footer lives below.
    pub bottom: f32,
}

impl Style {
    pub fn new(lang: Language) -> Self {
        Self {
            lang,
            labels: *labels(lang),
            regular: Font::Helvetica,
            bold: Font::HelveticaBold,
            size: 9.0,
            accent: Color::rgb(0.12, 0.29, 0.49),
            numbers: NumberStyle::of(lang),
            currency: match lang {
                Language::En => CurrencyStyle::CodeBefore,
                _ => CurrencyStyle::SymbolAfter,
            },
            dates: DateStyle::numeric(lang),
            left: 56.7,
            right: A4_WIDTH - 56.7,
            top: 60.0,
            bottom: 740.0,
        }
    }

    /// An amount without currency: 1.234,56
    pub fn amount(&self, d: Decimal) -> String {
        self.numbers.fixed(d, 2)
    }

    /// An amount with the currency as the style shows it in totals.
    pub fn money(&self, d: Decimal, currency: &str) -> String {
        self.currency.apply(&self.amount(d), currency)
    }

    pub fn date(&self, d: NaiveDate) -> String {
        self.dates.format(d)
    }

    /// Quantities and rates: as many decimals as needed.
    pub fn qty(&self, d: Decimal) -> String {
        self.numbers.trimmed(d)
    }

    pub fn width(&self) -> f32 {
        self.right - self.left
    }
}

/// A part of a text run and the word label it carries (see [`crate::words`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The part of the run this label covers; `None`: the whole run.
    pub text: Option<String>,
    /// A ground-truth key (`invoice_number`, `line_items.3.quantity`) or `label:<key>` for
    /// the printed label of one.
    pub label: String,
}

/// The labels of one text operation: `op` is the index into page `page`'s display list.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    pub page: usize,
    pub op: usize,
    pub spans: Vec<Span>,
}

/// Pages being drawn, plus what was printed.
#[derive(Debug)]
pub struct Sheet {
    pub style: Style,
    pages: Vec<Page>,
    current: usize,
    /// Ground-truth fields drawn, with their printed form (first occurrence wins).
    pub printed: BTreeMap<FieldKey, String>,
    /// Line-item attributes the items table shows.
    pub line_keys: BTreeSet<LineKey>,
    /// Labels of the text operations drawn so far (only those that carry one).
    pub annotations: Vec<Annotation>,
    /// Spans for the next text operation.
    pending: Vec<Span>,
}

impl Sheet {
    pub fn new(style: Style) -> Self {
        Self {
            style,
            pages: vec![Page::a4()],
            current: 0,
            printed: BTreeMap::new(),
            line_keys: BTreeSet::new(),
            annotations: Vec::new(),
            pending: Vec::new(),
        }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    pub fn page_index(&self) -> usize {
        self.current
    }

    /// Makes page `i` the one drawn on (for footers and page numbers drawn at the end).
    pub fn select(&mut self, i: usize) {
        self.current = i.min(self.pages.len() - 1);
    }

    pub fn add_page(&mut self) {
        self.pages.push(Page::a4());
        self.current = self.pages.len() - 1;
    }

    pub fn into_pages(self) -> Vec<Page> {
        self.pages
    }

    fn page(&mut self) -> &mut Page {
        &mut self.pages[self.current]
    }

    fn y(&self, top: f32) -> f32 {
        self.pages[self.current].height - top
    }

    /// Records that `key` was printed as `printed`.
    pub fn mark(&mut self, key: FieldKey, printed: impl Into<String>) {
        self.printed.entry(key).or_insert_with(|| printed.into());
    }

    /// Labels the whole of the next text operation.
    pub fn tag(&mut self, label: impl Into<String>) {
        self.pending.push(Span {
            text: None,
            label: label.into(),
        });
    }

    /// Labels a part of the next text operation (parts are found left to right, in the order
    /// they were tagged).
    pub fn tag_part(&mut self, text: impl Into<String>, label: impl Into<String>) {
        self.pending.push(Span {
            text: Some(text.into()),
            label: label.into(),
        });
    }

    /// Records the pending spans for the operation just drawn.
    fn annotate_last(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let spans = std::mem::take(&mut self.pending);
        let page = self.current;
        let op = self.pages[page].ops.len().saturating_sub(1);
        self.annotations.push(Annotation { page, op, spans });
    }

    pub fn text_width(&self, font: Font, size: f32, s: &str) -> f32 {
        font.text_width(s, size)
    }

    /// Text with its left end at `x` and its baseline `top` points below the page top.
    pub fn text(&mut self, font: Font, size: f32, x: f32, top: f32, s: &str) {
        self.text_c(font, size, x, top, Color::BLACK, s);
    }

    pub fn text_c(&mut self, font: Font, size: f32, x: f32, top: f32, color: Color, s: &str) {
        let y = self.y(top);
        self.page().text(font, size, x, y, color, s);
        self.annotate_last();
    }

    /// Text ending at `x_right` (amount columns).
    pub fn text_right(&mut self, font: Font, size: f32, x_right: f32, top: f32, s: &str) {
        self.text_right_c(font, size, x_right, top, Color::BLACK, s);
    }

    pub fn text_right_c(
        &mut self,
        font: Font,
        size: f32,
        x_right: f32,
        top: f32,
        color: Color,
        s: &str,
    ) {
        let w = font.text_width(s, size);
        self.text_c(font, size, x_right - w, top, color, s);
    }

    pub fn text_center(&mut self, font: Font, size: f32, x_center: f32, top: f32, s: &str) {
        let w = font.text_width(s, size);
        self.text(font, size, x_center - w / 2.0, top, s);
    }

    /// Text rotated counter-clockwise around its start point.
    pub fn text_rotated(
        &mut self,
        font: Font,
        size: f32,
        x: f32,
        top: f32,
        angle: f32,
        color: Color,
        s: &str,
    ) {
        let y = self.y(top);
        self.page().text_rotated(font, size, x, y, angle, color, s);
        self.annotate_last();
    }

    pub fn hline(&mut self, x1: f32, x2: f32, top: f32, width: f32, color: Color) {
        let y = self.y(top);
        self.page().line(x1, y, x2, y, width, color);
    }

    pub fn dashed_hline(&mut self, x1: f32, x2: f32, top: f32, width: f32, color: Color) {
        let y = self.y(top);
        self.page().dashed_line(x1, y, x2, y, width, color);
    }

    pub fn vline(&mut self, x: f32, top1: f32, top2: f32, width: f32, color: Color) {
        let (y1, y2) = (self.y(top1), self.y(top2));
        self.page().line(x, y1, x, y2, width, color);
    }

    /// A line between two points given top-down.
    pub fn segment(&mut self, a: (f32, f32), b: (f32, f32), width: f32, color: Color) {
        let (ya, yb) = (self.y(a.1), self.y(b.1));
        self.page().line(a.0, ya, b.0, yb, width, color);
    }

    /// A filled rectangle whose top-left corner is at (x, top).
    pub fn fill(&mut self, x: f32, top: f32, w: f32, h: f32, color: Color) {
        let y = self.y(top + h);
        self.page().fill_rect(x, y, w, h, color);
    }

    /// A rectangle outline whose top-left corner is at (x, top).
    pub fn frame(&mut self, x: f32, top: f32, w: f32, h: f32, width: f32, color: Color) {
        let y = self.y(top + h);
        self.page().stroke_rect(x, y, w, h, width, color);
    }
}

/// Splits `text` into lines no wider than `max_width`, breaking at spaces.
pub fn wrap(text: &str, font: Font, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if font.text_width(&candidate, size) > max_width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The largest size up to `size` at which `text` fits into `width` (never below 60 %).
pub fn fit_size(text: &str, font: Font, size: f32, width: f32) -> f32 {
    let w = font.text_width(text, size);
    if w <= width {
        size
    } else {
        (size * width / w).max(size * 0.6)
    }
}
