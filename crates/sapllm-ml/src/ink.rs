//! Checking a decoded line against the ink of its crop: spaces the recogniser dropped and
//! middle dots it read as periods or skipped.
//!
//! The recogniser is a sequence model over a 48-pixel-high crop; it is good at letters and
//! weak at what it rarely saw in training: it merges words whose gap is narrow after blur
//! ("19 %" → "19%", "·" between words → nothing) and reads a raised dot as a period. Both are
//! visible in the pixels: a word gap is a run of columns without ink that is wide relative to
//! the text's size, and a middle dot is a small blob halfway up the lowercase letters while a
//! period sits on the baseline. The crop is binarised once (between its paper and ink
//! levels), and each gap between consecutive characters is inspected at the character
//! positions CTC reported.

use crate::ctc::{Decoded, DecodedChar};

/// The binarised crop of one line (`w × h`, row-major, `true` = ink) and its text metrics.
#[derive(Debug, Clone)]
pub struct CropInk {
    w: usize,
    h: usize,
    dark: Vec<bool>,
    /// Inked pixels per column.
    cols: Vec<u16>,
    /// Top of the lowercase letters and the baseline, rows (from the ink's row histogram).
    x_top: f32,
    baseline: f32,
}

/// Width of a word space relative to the x-height, below which a blank run is a letter gap.
/// Word spaces in text faces are 0.25–0.33 em ≈ 0.5–0.65 x-height plus both sidebearings;
/// gaps between letters (even `1 1` in a proportional face) stay below ~0.45 x-height.
const SPACE_GAP_X: f32 = 0.62;

/// Blank (relative to the measured x-height) between a digit and `%` that is a space
/// (`19 %`, as most European languages write it). Without a space the two glyphs' bearings
/// leave ~0.1; with one, ~0.35 em, which is only ~0.5 of the band measured in a line of
/// digits (their height, not the x-height), below the general space threshold.
const PERCENT_SPACE_X: f32 = 0.3;

/// A digit followed by a percent sign.
fn percent_after_digit(a: &DecodedChar, b: &DecodedChar) -> bool {
    b.text == "%" && a.text.chars().all(|c| c.is_ascii_digit()) && !a.text.is_empty()
}

/// Space-class probability between two characters that, with a blank of at least 0.4
/// x-height, is taken as a word gap (the greedy path chose the blank, but the model saw a
/// space there).
const SPACE_HINT: f32 = 0.05;

impl CropInk {
    /// Binarises a grey crop (`w × h`, 0 = black … 255 = white). `None` when the crop has too
    /// little contrast or ink to measure (blank, or noise only).
    pub fn new(grey: &[f32], w: usize, h: usize) -> Option<Self> {
        if w < 4 || h < 8 || grey.len() < w * h {
            return None;
        }
        let mut hist = [0u32; 256];
        for &g in &grey[..w * h] {
            hist[g.clamp(0.0, 255.0) as usize] += 1;
        }
        let pct = |q: f32| {
            let target = (q * (w * h) as f32) as u32;
            let mut acc = 0;
            for (i, &n) in hist.iter().enumerate() {
                acc += n;
                if acc > target {
                    return i as f32;
                }
            }
            255.0
        };
        // Text covers well under half of a line crop: the 70th percentile is paper, the 1st
        // the darkest ink.
        let (ink, paper) = (pct(0.01), pct(0.70));
        if paper - ink < 40.0 {
            return None;
        }
        // Nearer the paper than the middle: blurred hairlines (`i`, `l`, `@`) must still
        // count as ink, or their columns look like gaps; noise rarely reaches a third of the
        // contrast.
        let threshold = paper - 0.35 * (paper - ink);
        let dark: Vec<bool> = grey[..w * h].iter().map(|&g| g < threshold).collect();
        let mut cols = vec![0u16; w];
        let mut rows = vec![0u32; h];
        for y in 0..h {
            for x in 0..w {
                if dark[y * w + x] {
                    cols[x] += 1;
                    rows[y] += 1;
                }
            }
        }
        // The lowercase band: rows holding at least 40 % of the busiest row's ink. Ascenders,
        // capitals and descenders are thinner in the row histogram than the x-height band.
        let max = rows.iter().copied().max().unwrap_or(0);
        if max < 3 {
            return None;
        }
        let band: Vec<usize> = (0..h).filter(|&y| rows[y] * 10 >= max * 4).collect();
        let (&top, &bottom) = (band.first()?, band.last()?);
        if bottom <= top + 2 {
            return None;
        }
        Some(Self {
            w,
            h,
            dark,
            cols,
            x_top: top as f32,
            baseline: bottom as f32 + 1.0,
        })
    }

    /// Height of the lowercase letters, pixels.
    pub fn x_height(&self) -> f32 {
        self.baseline - self.x_top
    }

    /// Runs of inked columns (start, end exclusive) within `[x0, x1)`. A column counts as inked
    /// with two or more dark pixels (one is noise).
    fn inked_runs(&self, x0: usize, x1: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = None;
        for x in x0..x1.min(self.w) {
            let inked = self.cols[x] >= 2;
            match (inked, start) {
                (true, None) => start = Some(x),
                (false, Some(s)) => {
                    out.push((s, x));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, x1.min(self.w)));
        }
        out
    }

    /// Vertical extent (top, bottom exclusive) of the ink in columns `[x0, x1)`.
    fn rows_of(&self, x0: usize, x1: usize) -> Option<(usize, usize)> {
        let (mut top, mut bottom) = (usize::MAX, 0);
        for y in 0..self.h {
            if (x0..x1.min(self.w)).any(|x| self.dark[y * self.w + x]) {
                top = top.min(y);
                bottom = y + 1;
            }
        }
        (top != usize::MAX).then_some((top, bottom))
    }

    /// The ink runs strictly inside `(a, b)` (the glyphs centred at `a` and `b` excluded)
    /// when, after trimming what is no dot at either end, at least [`MIN_LEADER_DOTS`]
    /// remain, every one a baseline dot and evenly spaced as in a dot leader; empty otherwise.
    pub(crate) fn leader_dots(&self, a: usize, b: usize) -> Vec<(usize, usize)> {
        let xh = self.x_height();
        let runs: Vec<(usize, usize)> = self
            .inked_runs(a, b)
            .into_iter()
            .filter(|&(s, e)| s > a && e < b)
            .collect();
        if runs.len() < MIN_LEADER_DOTS {
            return Vec::new();
        }
        let dot = |&(s, e): &(usize, usize)| {
            let Some((top, bottom)) = self.rows_of(s, e) else {
                return false;
            };
            let (ht, wd) = ((bottom - top) as f32, (e - s) as f32);
            ht <= 0.5 * xh && wd <= 0.6 * xh && (bottom as f32 - self.baseline).abs() <= 0.3 * xh
        };
        // CTC peaks are not glyph centres: parts of the neighbouring glyphs (a colon right
        // after the leader) may fall inside the span; they are trimmed from its ends.
        let first = runs.iter().position(dot).unwrap_or(runs.len());
        let last = runs.iter().rposition(dot).map_or(0, |k| k + 1);
        if first >= last {
            return Vec::new();
        }
        let runs = runs[first..last].to_vec();
        if runs.len() < MIN_LEADER_DOTS || !runs.iter().all(dot) {
            return Vec::new();
        }
        let pitches: Vec<usize> = runs.windows(2).map(|w| w[1].0 - w[0].0).collect();
        let (lo, hi) = (
            pitches.iter().copied().min().unwrap_or(0),
            pitches.iter().copied().max().unwrap_or(0),
        );
        if lo == 0 || hi > 2 * lo {
            return Vec::new();
        }
        runs
    }

    /// Blank columns between `a` and the ink run starting at `x` (looking left from `x`).
    fn blank_before(&self, x: usize, a: usize) -> usize {
        (a..x).rev().take_while(|&c| self.cols[c] < 2).count()
    }

    /// Blank columns between the ink run ending at `x` and `b` (looking right from `x`).
    fn blank_after(&self, x: usize, b: usize) -> usize {
        (x..b.min(self.w)).take_while(|&c| self.cols[c] < 2).count()
    }

    /// Whether the ink in `[x0, x1)` is a small dot halfway up the lowercase letters (a middle
    /// dot) rather than on the baseline (a period) or anything larger.
    fn is_middle_dot(&self, x0: usize, x1: usize) -> bool {
        let xh = self.x_height();
        let Some((top, bottom)) = self.rows_of(x0, x1) else {
            return false;
        };
        let (ht, wd) = ((bottom - top) as f32, (x1 - x0) as f32);
        let centre = (top + bottom) as f32 / 2.0;
        // A dot: at most ~half an x-height in either direction (blur widens it).
        let small = ht <= 0.55 * xh && wd <= 0.6 * xh;
        // Round, not a dash (a hyphen is as small but several times wider than high).
        let round = wd <= 1.8 * ht + 2.0;
        // Its centre well above the baseline (a period's is within ~0.15 x-height of it) and
        // below the x-height line.
        let raised = self.baseline - centre >= 0.3 * xh && centre >= self.x_top;
        small && round && raised
    }
}

/// Corrects `line` (decoded from a crop `step_px` pixels per time step) with the crop's ink:
/// Whether `a` ends and `b` starts with a digit: the groups of one amount (`28 688,89`), where
/// a speck in the gap is never a middle dot.
fn between_digits(a: &DecodedChar, b: &DecodedChar) -> bool {
    a.text.chars().last().is_some_and(|c| c.is_ascii_digit())
        && b.text.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// inserts the word spaces it dropped, turns a lone raised period into `·` and inserts a `·`
/// where a raised dot stands unread between two words. Returns the number of changes.
pub fn refine(line: &mut Decoded, ink: &CropInk, step_px: f32) -> usize {
    let xh = ink.x_height();
    if xh < 4.0 || line.chars.len() < 2 {
        return 0;
    }
    let col = |c: &DecodedChar| ((c.step as f32 + 0.5) * step_px).round() as usize;
    // Word gaps the recogniser did see in this line: a dropped space is at least nearly as
    // wide as they are (in a monospaced face a gap around a narrow glyph like `1` is wide
    // too, but never as wide as the line's real spaces).
    let mut seen: Vec<usize> = (1..line.chars.len().saturating_sub(1))
        .filter(|&i| {
            line.chars[i].text == " "
                && line.chars[i - 1].text != " "
                && line.chars[i + 1].text != " "
        })
        .map(|i| {
            let (a, b) = (col(&line.chars[i - 1]), col(&line.chars[i + 1]));
            widest_blank(a, b, &ink.inked_runs(a, b))
        })
        .collect();
    seen.sort_unstable();
    let space_gap = match seen.get(seen.len() / 2) {
        Some(&median) => (SPACE_GAP_X * xh).max(0.75 * median as f32),
        None => SPACE_GAP_X * xh,
    };
    let is_mark = |c: &DecodedChar| {
        matches!(
            c.text.as_str(),
            "·" | "." | "-" | "–" | "•" | "⋅" | ":" | ","
        )
    };
    let mut out: Vec<DecodedChar> = Vec::with_capacity(line.chars.len() + 4);
    let mut changes = 0;
    let chars = std::mem::take(&mut line.chars);
    for i in 0..chars.len() {
        let c = &chars[i];
        if i > 0 {
            // The previous non-space character and whether a space separates it from `c`.
            let prev = &chars[i - 1];
            if prev.text != " " && c.text != " " {
                let (a, b) = (col(prev), col(c));
                if b > a + 1 {
                    let runs = ink.inked_runs(a, b);
                    // Glyph parts of `prev` and `c` are the first and last runs; anything between
                    // them is a mark the recogniser did not read.
                    let widest_blank = widest_blank(a, b, &runs);
                    let middle: Vec<(usize, usize)> = runs
                        .iter()
                        .copied()
                        .filter(|&(s, e)| s > a && e < b)
                        .collect();
                    let dot = !is_mark(prev)
                        && !is_mark(c)
                        && !between_digits(prev, c)
                        && middle.len() == 1
                        && ink.is_middle_dot(middle[0].0, middle[0].1)
                        && widest_blank as f32 >= 0.4 * xh;
                    if dot {
                        let step = ((middle[0].0 + middle[0].1) as f32 / 2.0 / step_px) as usize;
                        let p = prev.prob.min(c.prob);
                        for t in [" ", "·", " "] {
                            out.push(DecodedChar {
                                text: t.into(),
                                step,
                                prob: p,
                                space_before: 0.0,
                                alt: None,
                            });
                        }
                        changes += 1;
                    } else if may_part(prev, c)
                        && (widest_blank as f32 >= space_gap
                            || (c.space_before >= SPACE_HINT && widest_blank as f32 >= 0.4 * xh)
                            || (percent_after_digit(prev, c)
                                && widest_blank as f32 >= PERCENT_SPACE_X * xh))
                    {
                        out.push(DecodedChar {
                            text: " ".into(),
                            step: (prev.step + c.step) / 2,
                            prob: prev.prob.min(c.prob),
                            space_before: 0.0,
                            alt: None,
                        });
                        changes += 1;
                    }
                }
            } else if prev.text == " " && c.text != " " && i >= 2 {
                // A gap the recogniser did see: a skipped middle dot inside it?
                let before = &chars[i - 2];
                if before.text != " "
                    && !is_mark(before)
                    && !is_mark(c)
                    && !between_digits(before, c)
                {
                    let (a, b) = (col(before), col(c));
                    if b > a + 1 {
                        let runs = ink.inked_runs(a, b);
                        let middle: Vec<(usize, usize)> = runs
                            .iter()
                            .copied()
                            .filter(|&(s, e)| s > a && e < b)
                            .collect();
                        if middle.len() == 1 && ink.is_middle_dot(middle[0].0, middle[0].1) {
                            let step =
                                ((middle[0].0 + middle[0].1) as f32 / 2.0 / step_px) as usize;
                            let p = before.prob.min(c.prob);
                            out.push(DecodedChar {
                                text: "·".into(),
                                step,
                                prob: p,
                                space_before: 0.0,
                                alt: None,
                            });
                            out.push(DecodedChar {
                                text: " ".into(),
                                step,
                                prob: p,
                                space_before: 0.0,
                                alt: None,
                            });
                            changes += 1;
                        }
                    }
                }
            }
        }
        out.push(c.clone());
    }
    // Second pass, with the spaces found above: a period standing alone between spaces (or
    // at a line's end after one) that sits halfway up the letters is a middle dot.
    let alone = |j: Option<usize>| j.and_then(|j| out.get(j)).is_none_or(|n| n.text == " ");
    let raised: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].text == "." && alone(i.checked_sub(1)) && alone(Some(i + 1)))
        .filter(|&i| {
            let x = col(&out[i]);
            let half = (0.35 * xh).max(2.0) as usize;
            match ink
                .inked_runs(x.saturating_sub(half), x + half + 1)
                .as_slice()
            {
                [(s, e)] => ink.is_middle_dot(*s, *e),
                _ => false,
            }
        })
        .collect();
    for i in raised {
        out[i].text = "·".into();
        changes += 1;
    }
    changes += restore_leaders(&mut out, ink, step_px);
    changes += separators_by_ink(&mut out, ink, step_px);
    line.chars = out;
    changes
}

/// How far below the bottom of its neighbouring digits a separator's ink must reach to be a
/// comma, as a fraction of the digits' height. A comma's tail descends ~0.15 em below the
/// baseline (about a fifth of a digit's height); a period ends on the baseline. Measured on
/// PDFium-rendered scans: commas end 2–4 px below the digits of a 48-px crop, periods level
/// with them (±0). Between the two, the recogniser's reading stands.
const COMMA_BELOW_DIGIT: f32 = 0.08;

/// A `.` or `,` between two digits (`1.234,56`) decided by its ink: the recogniser confuses
/// the two in small or blurred print, and a wrong decimal separator changes an amount. Only
/// a separator that stands alone between the two digits' ink runs is judged, against the
/// bottom of those digits (the local baseline, which a skewed or curved line does not move).
fn separators_by_ink(out: &mut [DecodedChar], ink: &CropInk, step_px: f32) -> usize {
    let col = |c: &DecodedChar| ((c.step as f32 + 0.5) * step_px).round() as usize;
    let digit = |c: Option<&DecodedChar>| {
        c.is_some_and(|c| c.text.len() == 1 && c.text.as_bytes()[0].is_ascii_digit())
    };
    let mut changes = 0;
    for i in 1..out.len().saturating_sub(1) {
        if !matches!(out[i].text.as_str(), "." | ",")
            || !digit(out.get(i - 1))
            || !digit(out.get(i + 1))
        {
            continue;
        }
        let (a, b) = (col(&out[i - 1]), col(&out[i + 1]));
        if b <= a + 2 {
            continue;
        }
        let runs = ink.inked_runs(a.saturating_sub(b - a), b + (b - a));
        // The separator: the one run strictly between the digits' peaks; the digits: the runs
        // either side of it.
        let inside: Vec<usize> = (0..runs.len())
            .filter(|&k| runs[k].0 > a && runs[k].1 < b)
            .collect();
        let [k] = inside.as_slice() else {
            continue;
        };
        let (Some(left), Some(right)) =
            (k.checked_sub(1).map(|j| runs[j]), runs.get(k + 1).copied())
        else {
            continue;
        };
        let (Some(mark), Some(l), Some(r)) = (
            ink.rows_of(runs[*k].0, runs[*k].1),
            ink.rows_of(left.0, left.1),
            ink.rows_of(right.0, right.1),
        ) else {
            continue;
        };
        let (lh, rh) = ((l.1 - l.0) as f32, (r.1 - r.0) as f32);
        let (mh, mw) = ((mark.1 - mark.0) as f32, (runs[*k].1 - runs[*k].0) as f32);
        // Two whole digits on one baseline, and a small mark in their lower half.
        if l.1.abs_diff(r.1) > 1
            || lh.min(rh) < 0.75 * lh.max(rh)
            || mh > 0.5 * lh
            || mw > 0.4 * lh
            || (mark.0 as f32) < l.0 as f32 + 0.4 * lh
        {
            continue;
        }
        let below = mark.1 as f32 - l.1.max(r.1) as f32;
        let reading = if below >= (COMMA_BELOW_DIGIT * lh).max(2.0) {
            ","
        } else if below <= 0.0 {
            "."
        } else {
            continue;
        };
        if out[i].text != reading {
            out[i].text = reading.into();
            changes += 1;
        }
    }
    changes
}

/// Dot leaders (`Total ..........: 12,00`): CTC emits a repeated symbol only with a blank
/// between the repeats, and at the recogniser's time resolution (8 crop pixels) dots a
/// third of an em apart merge into one or vanish. Between two characters whose gap holds
/// nothing but a regular row of baseline dots, the dots are counted in the ink and the
/// reading gets that many. Returns the number of dots added.
fn restore_leaders(out: &mut Vec<DecodedChar>, ink: &CropInk, step_px: f32) -> usize {
    let col = |c: &DecodedChar| ((c.step as f32 + 0.5) * step_px).round() as usize;
    let filler = |c: &DecodedChar| c.text == " " || c.text == ".";
    let mut added = 0;
    let mut i = 0;
    while i < out.len() {
        if filler(&out[i]) {
            i += 1;
            continue;
        }
        let Some(j) = (i + 1..out.len()).find(|&j| !filler(&out[j])) else {
            break;
        };
        let (a, b) = (col(&out[i]), col(&out[j]));
        let dots = if b > a + 1 {
            ink.leader_dots(a, b)
        } else {
            Vec::new()
        };
        let decoded = out[i + 1..j].iter().filter(|c| c.text == ".").count();
        if dots.len() >= MIN_LEADER_DOTS && dots.len() > decoded {
            let space_gap = 0.5 * ink.x_height();
            let (first, last) = (dots[0], dots[dots.len() - 1]);
            // Keep the word gaps the reading had; where it had no dots at all, a blank wider
            // than half an x-height before the first or after the last dot is a space.
            let had_space_before = out.get(i + 1).is_some_and(|c| c.text == " ");
            let had_space_after = j > i + 1 && out[j - 1].text == " ";
            let blank_before = ink.blank_before(first.0, a) as f32 >= space_gap;
            let blank_after = ink.blank_after(last.1, b) as f32 >= space_gap;
            let p = out[i].prob.min(out[j].prob);
            let mut fill = Vec::new();
            let mk = |text: &str, x: usize| DecodedChar {
                text: text.into(),
                step: (x as f32 / step_px) as usize,
                prob: p,
                space_before: 0.0,
                alt: None,
            };
            if had_space_before || (decoded == 0 && blank_before) {
                fill.push(mk(" ", first.0));
            }
            for &(s, e) in &dots {
                fill.push(mk(".", (s + e) / 2));
            }
            if had_space_after || (decoded == 0 && blank_after) {
                fill.push(mk(" ", last.1));
            }
            added += dots.len() - decoded;
            let n = fill.len();
            out.splice(i + 1..j, fill);
            i += n + 1;
        } else {
            i = j;
        }
    }
    added
}

/// Fewest dots that make a leader (two dots are an ellipsis fragment or noise).
const MIN_LEADER_DOTS: usize = 3;

/// Whether a space may stand between `a` and `b`: next to a letter or digit, and not inside
/// what is written without spaces however wide its glyph gaps (e-mail addresses, hyphenated
/// words, dot leaders, dates and numbers with `/`).
fn may_part(a: &DecodedChar, b: &DecodedChar) -> bool {
    let alnum = |c: &DecodedChar| c.text.chars().all(char::is_alphanumeric);
    let joins = |c: &DecodedChar| matches!(c.text.as_str(), "@" | "-" | "/" | "_");
    (alnum(a) || alnum(b)) && !joins(a) && !joins(b)
}

/// The widest run of columns without ink in `[a, b)`, given the inked runs there.
fn widest_blank(a: usize, b: usize, runs: &[(usize, usize)]) -> usize {
    let mut widest = 0;
    let mut cursor = a;
    for &(s, e) in runs {
        widest = widest.max(s.saturating_sub(cursor));
        cursor = cursor.max(e);
    }
    widest.max(b.saturating_sub(cursor))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic crop: white, with black rectangles (x0, y0, x1, y1).
    fn crop(w: usize, h: usize, rects: &[(usize, usize, usize, usize)]) -> Vec<f32> {
        let mut g = vec![255.0f32; w * h];
        for &(x0, y0, x1, y1) in rects {
            for y in y0..y1 {
                for x in x0..x1 {
                    g[y * w + x] = 0.0;
                }
            }
        }
        g
    }

    fn ch(text: &str, step: usize) -> DecodedChar {
        DecodedChar {
            text: text.into(),
            step,
            prob: 0.9,
            space_before: 0.0,
            alt: None,
        }
    }

    /// Letters as x-height blocks from row 20 to 36 (x-height 16, baseline 36), 10 px wide.
    fn letters(xs: &[usize]) -> Vec<(usize, usize, usize, usize)> {
        xs.iter().map(|&x| (x, 20, x + 10, 36)).collect()
    }

    #[test]
    fn a_wide_blank_between_letters_becomes_a_space_and_a_narrow_one_does_not() {
        // "ab" 2 px apart, then a 14-px gap (0.87 x-height) before "c".
        let rects = letters(&[4, 16, 40]);
        let ink = CropInk::new(&crop(64, 48, &rects), 64, 48).unwrap();
        assert!((ink.x_height() - 16.0).abs() < 0.5, "{}", ink.x_height());
        // Steps of 4 px: centres at 9 → step 2, 21 → 5, 45 → 11.
        let mut line = Decoded {
            chars: vec![ch("a", 2), ch("b", 5), ch("c", 11)],
            steps: 16,
        };
        assert_eq!(refine(&mut line, &ink, 4.0), 1);
        assert_eq!(line.text(), "ab c");
    }

    #[test]
    fn a_space_between_a_digit_and_a_percent_sign_is_kept() {
        // "0 %" in a line of digits: glyphs as tall blocks (rows 14–36, the band the ink
        // measures as its x-height, 22 px); a blank of 9 px (0.41 of it) before the `%`.
        let (w, h) = (64, 48);
        let wide = crop(w, h, &[(4, 14, 16, 36), (25, 14, 41, 36)]);
        let ink = CropInk::new(&wide, w, h).unwrap();
        let mut line = Decoded {
            chars: vec![ch("0", 2), ch("%", 8)],
            steps: 16,
        };
        refine(&mut line, &ink, 4.0);
        assert_eq!(line.text(), "0 %");
        // "0%" set tight (2 px): no space.
        let tight = crop(w, h, &[(4, 14, 16, 36), (18, 14, 34, 36)]);
        let ink = CropInk::new(&tight, w, h).unwrap();
        let mut line = Decoded {
            chars: vec![ch("0", 2), ch("%", 6)],
            steps: 16,
        };
        refine(&mut line, &ink, 4.0);
        assert_eq!(line.text(), "0%");
    }

    #[test]
    fn a_raised_dot_is_a_middle_dot_and_a_low_one_a_period() {
        // "a · b": a 4×4 dot centred 8 rows above the baseline (0.5 x-height).
        let mut rects = letters(&[4, 44]);
        rects.push((26, 26, 30, 30));
        let ink = CropInk::new(&crop(64, 48, &rects), 64, 48).unwrap();
        let mut read_as_period = Decoded {
            chars: vec![ch("a", 2), ch(" ", 4), ch(".", 7), ch(" ", 9), ch("b", 12)],
            steps: 16,
        };
        refine(&mut read_as_period, &ink, 4.0);
        assert_eq!(read_as_period.text(), "a · b");
        let mut skipped = Decoded {
            chars: vec![ch("a", 2), ch(" ", 7), ch("b", 12)],
            steps: 16,
        };
        refine(&mut skipped, &ink, 4.0);
        assert_eq!(skipped.text(), "a · b");

        // The same dot on the baseline stays a period.
        let mut rects = letters(&[4, 44]);
        rects.push((26, 32, 30, 36));
        let ink = CropInk::new(&crop(64, 48, &rects), 64, 48).unwrap();
        let mut period = Decoded {
            chars: vec![ch("a", 2), ch(" ", 4), ch(".", 7), ch(" ", 9), ch("b", 12)],
            steps: 16,
        };
        refine(&mut period, &ink, 4.0);
        assert_eq!(period.text(), "a . b");
    }

    #[test]
    fn a_speck_between_the_digit_groups_of_an_amount_is_not_a_middle_dot() {
        // "2 6" with the same raised dot between them: a thousands gap (`28 688,89`).
        let mut rects = letters(&[4, 44]);
        rects.push((26, 26, 30, 30));
        let ink = CropInk::new(&crop(64, 48, &rects), 64, 48).unwrap();
        let mut spaced = Decoded {
            chars: vec![ch("2", 2), ch(" ", 7), ch("6", 12)],
            steps: 16,
        };
        refine(&mut spaced, &ink, 4.0);
        assert_eq!(spaced.text(), "2 6");
        let mut unspaced = Decoded {
            chars: vec![ch("2", 2), ch("6", 12)],
            steps: 16,
        };
        refine(&mut unspaced, &ink, 4.0);
        assert_eq!(unspaced.text(), "2 6");
    }

    #[test]
    fn a_dot_leader_gets_as_many_dots_as_its_ink_has() {
        // "a" at 4..14, six 3×3 baseline dots 8 px apart from x = 22, then "b" at 76..86.
        let mut rects = letters(&[4, 76]);
        for k in 0..6 {
            rects.push((22 + 8 * k, 33, 25 + 8 * k, 36));
        }
        let ink = CropInk::new(&crop(96, 48, &rects), 96, 48).unwrap();
        // The recogniser merged the leader into one dot (steps of 4 px).
        let mut line = Decoded {
            chars: vec![ch("a", 2), ch(" ", 4), ch(".", 8), ch("b", 20)],
            steps: 24,
        };
        refine(&mut line, &ink, 4.0);
        assert_eq!(line.text(), "a ...... b");
        // Dots of different sizes and spacing (letters' bits, noise) are no leader.
        let mut rects = letters(&[4, 76]);
        rects.extend([(22, 33, 25, 36), (30, 33, 33, 36), (60, 33, 63, 36)]);
        let ink = CropInk::new(&crop(96, 48, &rects), 96, 48).unwrap();
        let mut line = Decoded {
            chars: vec![ch("a", 2), ch(".", 8), ch("b", 20)],
            steps: 24,
        };
        refine(&mut line, &ink, 4.0);
        assert_eq!(line.text(), "a. b", "no dot added");
    }

    #[test]
    fn a_separator_between_digits_is_a_comma_when_its_ink_descends() {
        // "1?5": digits as blocks on the baseline (row 36), the separator 3 px wide at x 17.
        let line = |sep: &str| Decoded {
            chars: vec![ch("1", 2), ch(sep, 4), ch("5", 7)],
            steps: 12,
        };
        let with_mark = |y1: usize| {
            let mut rects = letters(&[2, 26]);
            rects.push((17, 32, 20, y1));
            CropInk::new(&crop(48, 48, &rects), 48, 48).unwrap()
        };
        // Descends 4 px (a quarter of the digits' height) below them: a comma, whatever was
        // read.
        let comma = with_mark(40);
        let mut read = line(".");
        assert_eq!(separators_by_ink(&mut read.chars, &comma, 4.0), 1);
        assert_eq!(read.text(), "1,5");
        // Ends on the baseline: a period.
        let period = with_mark(36);
        let mut read = line(",");
        assert_eq!(separators_by_ink(&mut read.chars, &period, 4.0), 1);
        assert_eq!(read.text(), "1.5");
        // In between (1 px): the recogniser's reading stands; and only between digits.
        let unsure = with_mark(37);
        let mut read = line(",");
        assert_eq!(separators_by_ink(&mut read.chars, &unsure, 4.0), 0);
        let mut words = Decoded {
            chars: vec![ch("a", 2), ch(".", 4), ch("5", 7)],
            steps: 12,
        };
        assert_eq!(separators_by_ink(&mut words.chars, &comma, 4.0), 0);
    }

    #[test]
    fn a_blank_crop_is_not_measured() {
        assert!(CropInk::new(&vec![250.0; 64 * 48], 64, 48).is_none());
    }
}
