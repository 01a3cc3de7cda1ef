//! Recognition output: the character dictionary and greedy CTC decoding.
//!
//! PaddleOCR recognisers emit, per time step, a probability for every class. Class 0 is the
//! CTC blank; classes 1..=n are the dictionary lines; a space is usually appended as the last
//! class. Packages differ: a plain dictionary file needs both the blank and the space added,
//! some already contain the space, some embed the dictionary in the model's metadata
//! (`character`). The only reliable check is the model's class count, so the dictionary is
//! always built against it and a mismatch is an error, never a silent shift of every letter.

use crate::MlError;

/// Class index → text, with index 0 the CTC blank.
#[derive(Debug, Clone, PartialEq)]
pub struct Dictionary {
    /// `symbols[0]` is the blank (empty string).
    symbols: Vec<String>,
    /// Classes decoding may choose (all when `None`); see [`Dictionary::restrict`].
    allowed: Option<Vec<bool>>,
}

impl Dictionary {
    /// Builds the dictionary from a PaddleOCR dictionary text (one symbol per line) for a
    /// model with `classes` outputs.
    ///
    /// Lines end in `\n` or `\r\n` (the tiny model's file uses Windows line endings: a kept
    /// `\r` would make every symbol two characters); a line that is a single space is the
    /// space symbol, so lines are not trimmed beyond the line ending.
    pub fn from_paddle(text: &str, classes: usize) -> Result<Self, MlError> {
        let mut lines: Vec<String> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
            .collect();
        // The final newline leaves one empty piece; empty lines elsewhere are not symbols either.
        lines.retain(|l| !l.is_empty());
        let n = lines.len();
        let has_space = lines.iter().any(|l| l == " ");
        let mut symbols = Vec::with_capacity(classes);
        symbols.push(String::new());
        if classes == n + 2 && !has_space {
            // Plain dictionary: blank + lines + space.
            symbols.extend(lines);
            symbols.push(" ".into());
        } else if classes == n + 1 {
            // Dictionary that already ends with the space (or a model without one).
            symbols.extend(lines);
        } else {
            return Err(MlError::BadModel(format!(
                "the recogniser has {classes} classes but its dictionary has {n} symbols \
                 (expected {} or {}: blank + symbols [+ space])",
                n + 1,
                n + 2
            )));
        }
        Ok(Self {
            symbols,
            allowed: None,
        })
    }

    /// Limits decoding to the symbols `keep` accepts (the blank always stays). The multilingual
    /// dictionaries are mostly CJK; on a Latin-script invoice such a symbol is a misreading
    /// (a full-width colon for `:`), and the best Latin reading is the right one.
    pub fn restrict(mut self, keep: impl Fn(&str) -> bool) -> Self {
        self.allowed = Some(
            self.symbols
                .iter()
                .enumerate()
                .map(|(i, s)| i == 0 || keep(s))
                .collect(),
        );
        self
    }

    /// The dictionary of a recogniser whose classes are the old ones at `keep` (in that
    /// order; `keep[0]` must be the blank), every one of them choosable.
    pub fn select(&self, keep: &[usize]) -> Self {
        Self {
            symbols: keep
                .iter()
                .map(|&i| self.symbols.get(i).cloned().unwrap_or_default())
                .collect(),
            allowed: None,
        }
    }

    /// Number of classes, blank included.
    pub fn classes(&self) -> usize {
        self.symbols.len()
    }

    /// Number of classes decoding may choose.
    pub fn allowed_classes(&self) -> usize {
        self.allowed
            .as_ref()
            .map_or(self.symbols.len(), |a| a.iter().filter(|&&x| x).count())
    }

    /// The text of class `index` (`""` for the blank); `None` outside the dictionary.
    pub fn symbol(&self, index: usize) -> Option<&str> {
        self.symbols.get(index).map(String::as_str)
    }

    /// Whether the dictionary can write `c` (e.g. `€`, umlauts).
    pub fn contains(&self, c: char) -> bool {
        let mut buf = [0u8; 4];
        let s: &str = c.encode_utf8(&mut buf);
        self.symbols.iter().any(|x| x == s)
    }
}

/// Whether a symbol belongs to the Latin-script set of European invoices: Latin letters with
/// their accents, digits, ASCII and Latin-1 punctuation, typographic punctuation, currency
/// signs (€) and letter-like symbols (№). Not the multiplication sign: on invoices "12 x 0,75"
/// is typed with a letter x, and the recogniser reads that spaced x as `×` (47 times on 69
/// scanned test pages, never the other way round).
pub fn is_latin_symbol(s: &str) -> bool {
    s.chars().all(|c| {
        c != '×'
            && matches!(c as u32,
                0x20..=0x7E | 0xA0..=0x24F | 0x1E00..=0x1EFF | 0x2010..=0x205E | 0x20A0..=0x20CF | 0x2100..=0x214F)
    })
}

/// One decoded character: its text, the time step where it peaked and its probability.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedChar {
    pub text: String,
    pub step: usize,
    pub prob: f32,
    /// Highest probability the space class had at the steps between the previous character
    /// and this one (0 when there were none): weak evidence of a word gap the greedy path
    /// did not take.
    pub space_before: f32,
    /// The runner-up symbol at the peak (blank excluded) and its probability: the other
    /// reading of a confusable glyph (`l`/`1`, `O`/`0`), resolved by context later.
    pub alt: Option<(String, f32)>,
}

/// A decoded text line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decoded {
    pub chars: Vec<DecodedChar>,
    /// Number of time steps of the model output (for mapping steps back to pixels).
    pub steps: usize,
}

/// A word of a decoded line: text, span in time steps and confidence.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedWord {
    pub text: String,
    /// First and last time step of its characters.
    pub first_step: usize,
    pub last_step: usize,
    /// Probability of its least sure character: one misread digit makes the word wrong,
    /// however sure the others are.
    pub confidence: f32,
    pub chars: usize,
}

impl Decoded {
    pub fn text(&self) -> String {
        self.chars.iter().map(|c| c.text.as_str()).collect()
    }

    /// Mean probability of the characters (spaces excluded); 0 for an empty line.
    pub fn confidence(&self) -> f32 {
        let (sum, n) = self
            .chars
            .iter()
            .filter(|c| c.text != " ")
            .fold((0.0f32, 0usize), |(s, n), c| (s + c.prob, n + 1));
        if n == 0 { 0.0 } else { sum / n as f32 }
    }

    /// The words of the line, split at spaces.
    pub fn words(&self) -> Vec<DecodedWord> {
        let mut out = Vec::new();
        let mut cur: Vec<&DecodedChar> = Vec::new();
        let mut flush = |cur: &mut Vec<&DecodedChar>| {
            if let (Some(first), Some(last)) = (cur.first(), cur.last()) {
                out.push(DecodedWord {
                    text: cur.iter().map(|c| c.text.as_str()).collect(),
                    first_step: first.step,
                    last_step: last.step,
                    confidence: cur.iter().map(|c| c.prob).fold(1.0, f32::min),
                    chars: cur.len(),
                });
            }
            cur.clear();
        };
        for c in &self.chars {
            if c.text.trim().is_empty() {
                flush(&mut cur);
            } else {
                cur.push(c);
            }
        }
        flush(&mut cur);
        out
    }
}

/// Greedy CTC decoding of one line: `probs` is `steps × classes`, row-major. Rows that are
/// not probabilities (raw logits) are passed through a softmax first.
pub fn greedy_decode(probs: &[f32], steps: usize, classes: usize, dict: &Dictionary) -> Decoded {
    let mut chars = Vec::new();
    let mut prev = 0usize;
    let mut row_buf = vec![0.0f32; classes];
    // The exported models end in a softmax: checked on the first row, so the (thousands of
    // classes wide) rows are not summed at every step.
    let softmaxed = probs
        .get(..classes)
        .is_some_and(|r| (r.iter().sum::<f32>() - 1.0).abs() < 1e-2 && r.iter().all(|&v| v >= 0.0));
    let allowed: Vec<usize> = match &dict.allowed {
        Some(a) => (0..classes)
            .filter(|&i| a.get(i).copied().unwrap_or(false))
            .collect(),
        None => (0..classes).collect(),
    };
    let space = dict.symbols.iter().position(|s| s == " ");
    let mut space_since = 0.0f32;
    for t in 0..steps {
        let Some(row) = probs.get(t * classes..(t + 1) * classes) else {
            break;
        };
        let row = if softmaxed {
            row
        } else {
            softmax(row, &mut row_buf)
        };
        let space_here = space.and_then(|i| row.get(i)).copied().unwrap_or(0.0);
        let (mut best, mut p, mut second, mut p2) = (0usize, f32::MIN, 0usize, f32::MIN);
        for &i in &allowed {
            let v = row[i];
            if v > p {
                if best != 0 {
                    (second, p2) = (best, p);
                }
                (best, p) = (i, v);
            } else if v > p2 && i != 0 {
                (second, p2) = (i, v);
            }
        }
        // A repeated class is one character unless a blank separated the repeats.
        if best != 0 && best != prev {
            if let Some(s) = dict.symbol(best) {
                chars.push(DecodedChar {
                    text: s.to_owned(),
                    step: t,
                    prob: p,
                    space_before: space_since,
                    alt: (second != 0)
                        .then(|| dict.symbol(second).map(|a| (a.to_owned(), p2)))
                        .flatten(),
                });
            }
            space_since = 0.0;
        } else if best == 0 {
            space_since = space_since.max(space_here);
        }
        prev = best;
    }
    Decoded { chars, steps }
}

/// Symbols that look alike and are told apart by their neighbours: a digit among lowercase
/// letters is a letter (`Tota1` → `Total`), a letter among digits a digit (`2O24` → `2024`).
/// Only when the model itself had the other reading as runner-up.
const CONFUSABLE: &[(&str, &str)] = &[("1", "l"), ("0", "o"), ("0", "O"), ("5", "s"), ("1", "I")];

/// Least runner-up probability for a confusable to be swapped by context.
const ALT_MIN: f32 = 0.01;

/// Resolves confusable glyphs by their neighbours within the word (see [`CONFUSABLE`]).
/// Neighbouring confusables are decided together, by what stands either side of the run:
/// `Ke11er` → `Keller`, `2OO4` → `2004`. Returns the number of characters changed.
pub fn resolve_confusables(line: &mut Decoded) -> usize {
    let n = line.chars.len();
    let kind = |c: Option<&DecodedChar>| -> u8 {
        // 1 lowercase letter, 2 digit, 0 other (space, punctuation, capital, none).
        match c.and_then(|c| c.text.chars().next()) {
            Some(ch) if ch.is_lowercase() => 1,
            Some(ch) if ch.is_ascii_digit() => 2,
            _ => 0,
        }
    };
    // The other reading of a confusable the model itself considered.
    let other = |c: &DecodedChar| -> Option<String> {
        let (alt, pa) = c.alt.as_ref()?;
        let pair = CONFUSABLE
            .iter()
            .any(|&(d, l)| (c.text == d && alt == l) || (c.text == l && alt == d));
        (pair && *pa >= ALT_MIN).then(|| alt.clone())
    };
    let mut changes = Vec::new();
    let mut i = 0;
    while i < n {
        let Some(first) = other(&line.chars[i]) else {
            i += 1;
            continue;
        };
        // The run of confusables starting here, all read the same way (letters or digits).
        let is_digit = |a: &str| a.chars().all(|ch| ch.is_ascii_digit());
        let is_lower = |a: &str| a.chars().all(char::is_lowercase);
        let mut alts = vec![first];
        let mut end = i + 1;
        while end < n {
            match other(&line.chars[end]) {
                Some(a)
                    if (is_digit(&a) && is_digit(&alts[0]))
                        || (is_lower(&a) && is_lower(&alts[0])) =>
                {
                    alts.push(a);
                    end += 1;
                }
                _ => break,
            }
        }
        let (before, after) = (
            kind(i.checked_sub(1).and_then(|j| line.chars.get(j))),
            kind(line.chars.get(end)),
        );
        // Among letters: lowercase before, and lowercase or the word's end after (`mensue1`,
        // `Te1.`); among digits: digits both sides.
        let word_end = line
            .chars
            .get(end)
            .is_none_or(|c| matches!(c.text.as_str(), " " | "." | "," | ":" | ";" | ")"));
        let letters = before == 1 && (after == 1 || word_end);
        let digits = before == 2 && after == 2;
        if (is_lower(&alts[0]) && letters) || (is_digit(&alts[0]) && digits) {
            changes.extend((i..end).zip(alts));
        }
        i = end;
    }
    for (i, alt) in &changes {
        line.chars[*i].text.clone_from(alt);
    }
    changes.len()
}

/// Look-alikes inside an abbreviation of single letters with periods (`S.r.l.`, `o.o.`,
/// `e.K.`): when one of its letters is lowercase, an `I` or `1` among them is an `l` and a `0`
/// an `o` (`S.r.I.` → `S.r.l.`, `z o.0.` → `z o.o.`). Legal forms of company names are written
/// this way in most languages of our invoices, and the recogniser reads their small letters
/// by shape alone. Returns the number of characters changed.
pub fn resolve_abbreviations(line: &mut Decoded) -> usize {
    let n = line.chars.len();
    let text = |i: usize| line.chars[i].text.as_str();
    let single = |i: usize| {
        let mut cs = text(i).chars();
        matches!((cs.next(), cs.next()), (Some(c), None) if c.is_alphanumeric())
    };
    let mut changes = Vec::new();
    let mut i = 0;
    while i < n {
        // A run "X.X.…X." starting at a word start: single characters each followed by '.'.
        let start = i == 0 || text(i - 1) == " ";
        let mut j = i;
        while start && j + 1 < n && single(j) && text(j + 1) == "." {
            j += 2;
        }
        let segments = (j - i) / 2;
        let ends_word = j >= n || text(j) == " " || text(j) == ",";
        if segments >= 2 && ends_word {
            let letters: Vec<usize> = (i..j).step_by(2).collect();
            let lower = letters
                .iter()
                .any(|&k| text(k).chars().all(char::is_lowercase));
            // `Sp. z 0.0.`: every letter read as a zero, after a lowercase word. Zeros alone
            // are safe to turn (no number is written `0.0.`); ones are not (`art. 1.1.`).
            let zeros_after_lowercase = letters.iter().all(|&k| text(k) == "0")
                && i >= 2
                && (0..i - 1)
                    .rev()
                    .map_while(|k| (text(k) != " ").then(|| text(k)))
                    .all(|t| t.chars().all(char::is_lowercase))
                && text(i - 2) != " ";
            if lower || zeros_after_lowercase {
                for &k in &letters {
                    let to = match text(k) {
                        "I" | "1" if lower => "l",
                        "0" => "o",
                        _ => continue,
                    };
                    changes.push((k, to));
                }
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    for (k, to) in &changes {
        line.chars[*k].text = (*to).to_owned();
    }
    changes.len()
}

/// A lone stroke after a number at the end of a text region is the unit litre (`0,75 l`,
/// `40 l`), not a one: in sans-serif print `l` and `1` differ by a flag the recogniser loses
/// at scan resolution, and it then prefers the digit next to digits. A one there would be a
/// quantity or a reference, which stand in a column of their own or before more digits
/// (`+33 1 59 80`). Returns the number of characters changed.
pub fn resolve_litre(line: &mut Decoded) -> usize {
    let n = line.chars.len();
    let mut changes = Vec::new();
    for i in 2..n {
        let c = &line.chars;
        let lone_stroke = matches!(c[i].text.as_str(), "1" | "I" | "|");
        let after_number = c[i - 1].text == " "
            && c[i - 2].text.chars().all(|ch| ch.is_ascii_digit())
            && !c[i - 2].text.is_empty();
        // The end of the region, or a bracketed note after it (`0,75 l (12)`).
        let ends =
            i + 1 == n || (c[i + 1].text == " " && c.get(i + 2).is_some_and(|x| x.text == "("));
        if lone_stroke && after_number && ends {
            changes.push(i);
        }
    }
    for &i in &changes {
        line.chars[i].text = "l".to_owned();
    }
    changes.len()
}

/// Letters whose capital is their small letter enlarged: the recogniser tells them apart by
/// size alone, and gets the case wrong next to letters of the other case.
const SAME_SHAPE: &[char] = &['c', 'o', 's', 'v', 'w', 'x', 'z'];

/// Case by the word around a letter: a same-shape capital ending a lowercase word is small
/// (`pcS` → `pcs`), a same-shape small letter opening a word in capitals is a capital (`sARL`
/// → `SARL`, `sE5569…` → `SE5569…`), and `I` after two small letters is `l` (`AnzahI`). Mixed
/// abbreviations keep their case (`UStIdNr`, `kWh`, `McIntosh`). Returns the number of
/// characters changed.
pub fn resolve_case(line: &mut Decoded) -> usize {
    let ch = |c: &DecodedChar| {
        let mut cs = c.text.chars();
        match (cs.next(), cs.next()) {
            (Some(x), None) => Some(x),
            _ => None,
        }
    };
    let mut changes: Vec<(usize, char)> = Vec::new();
    let n = line.chars.len();
    let mut start = 0;
    while start < n {
        if line.chars[start].text == " " {
            start += 1;
            continue;
        }
        let end = (start..n).find(|&i| line.chars[i].text == " ").unwrap_or(n);
        let word: Vec<Option<char>> = line.chars[start..end].iter().map(ch).collect();
        let letters: Vec<(usize, char)> = word
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.filter(|c| c.is_alphabetic()).map(|c| (i, c)))
            .collect();
        // Enough capitals to go by: two more letters, or one before a run of digits (a VAT ID's
        // country prefix).
        let digits = word
            .iter()
            .filter(|c| c.is_some_and(|c| c.is_ascii_digit()))
            .count();
        let enough = letters.len() >= 3 || (letters.len() == 2 && digits >= 6);
        if let (Some(&(fi, first)), true) = (letters.first(), enough) {
            // `sARL`: every other letter a capital.
            if SAME_SHAPE.contains(&first) && letters[1..].iter().all(|(_, c)| c.is_uppercase()) {
                changes.push((start + fi, first.to_ascii_uppercase()));
            }
        }
        // `WHLPITE4xXx`, `Gs-2024-0069`: small same-shape letters among capitals (two or
        // more, or one beside a number) are capitals.
        let shaped: Vec<char> = letters
            .iter()
            .map(|&(_, c)| c)
            .filter(|c| !SAME_SHAPE.contains(&c.to_ascii_lowercase()))
            .collect();
        let capitals = shaped.iter().all(|c| c.is_uppercase())
            && (shaped.len() >= 2 || (shaped.len() == 1 && digits >= 3));
        if capitals {
            for &(i, c) in &letters {
                if SAME_SHAPE.contains(&c) {
                    changes.push((start + i, c.to_ascii_uppercase()));
                }
            }
        }
        for k in 2..letters.len() {
            let (i, c) = letters[k];
            let small_before = letters[k - 2..k].iter().all(|(_, c)| c.is_lowercase());
            // `pcS`: the word's last letter, after small letters.
            let last = k + 1 == letters.len();
            if small_before
                && last
                && c.is_uppercase()
                && SAME_SHAPE.contains(&c.to_ascii_lowercase())
            {
                changes.push((start + i, c.to_ascii_lowercase()));
            } else if small_before
                && c == 'I'
                && letters.get(k + 1).is_none_or(|(_, n)| n.is_lowercase())
            {
                changes.push((start + i, 'l'));
            }
        }
        start = end;
    }
    for &(i, c) in &changes {
        line.chars[i].text = c.to_string();
    }
    changes.len()
}

/// Spaces that typography never sets, read into a line by the recogniser or the ink check:
/// inside an e-mail address (`info @firma.example`, `info@firma .example`), and between a
/// word and the comma or period that ends it (`Tel .`, `giorni ,`). A spaced leader
/// (`Total . . .`) keeps its spaces. Returns the number of spaces removed.
pub fn resolve_spacing(line: &mut Decoded) -> usize {
    fn text(chars: &[DecodedChar], i: usize) -> &str {
        chars.get(i).map_or("", |c| c.text.as_str())
    }
    let is = |t: &str, f: fn(char) -> bool| {
        let mut cs = t.chars();
        matches!((cs.next(), cs.next()), (Some(c), None) if f(c))
    };
    let address_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '_');
    // The run of address characters from `i` on: a domain has a letter and a dot in it
    // (`10 @ 12.50 EUR` is a price, not an address).
    let domain_at = |chars: &[DecodedChar], i: usize| {
        let run: String = chars[i.min(chars.len())..]
            .iter()
            .map(|c| c.text.as_str())
            .take_while(|t| t.chars().all(address_char) && !t.is_empty())
            .collect();
        run.chars().any(char::is_alphabetic) && run.trim_start_matches('.').contains('.')
    };
    let mut removed = 0;
    let mut i = 1;
    while i + 1 < line.chars.len() {
        let chars = &line.chars;
        let (before, here, after) = (text(chars, i - 1), text(chars, i), text(chars, i + 1));
        let drop = here == " "
            && (
                // `info @firma.example`
                (after == "@"
                    && is(before, char::is_alphanumeric)
                    && domain_at(chars, i + 2 + usize::from(text(chars, i + 2) == " ")))
                // `info@ firma.example`
                || (before == "@"
                    && i >= 2
                    && is(text(chars, i - 2), char::is_alphanumeric)
                    && domain_at(chars, i + 1))
                // `info@firma .example`: the word before holds an `@` and the rest is a
                // top-level domain.
                || (after == "."
                    && chars[..i]
                        .iter()
                        .rev()
                        .take_while(|c| c.text != " ")
                        .any(|c| c.text == "@")
                    && is(text(chars, i + 2), char::is_alphabetic))
                // `Tel .`, `giorni ,`: one comma or period after a letter, then the end of the
                // word, and no other dot in a row after it (`Date . :` and `Total . . .` are
                // leaders).
                || ((after == "." || after == ",")
                    && is(before, char::is_alphabetic)
                    && matches!(text(chars, i + 2), "" | " ")
                    && !matches!(text(chars, i + 3), "." | "·" | ","))
            );
        if drop {
            line.chars.remove(i);
            removed += 1;
        } else {
            i += 1;
        }
    }
    removed
}

/// The decimal separator of an amount read by OCR (`1.234,56` → `,`; `1,234.56` → `.`), when
/// the token is one: digits with a separator and exactly two decimals, optionally grouped in
/// thousands, after an optional currency sign. `None` for anything else (`2024-05-01`,
/// `1.234`, `20.11.2024`).
fn amount_separator(token: &str) -> Option<char> {
    let t = token.trim_start_matches(['€', '£', '$']);
    let at = t.len().checked_sub(3).filter(|&k| t.is_char_boundary(k))?;
    let (int, dec) = t.split_at(at);
    let mut d = dec.chars();
    let sep = d.next().filter(|c| matches!(c, '.' | ','))?;
    if !d.all(|c| c.is_ascii_digit()) || int.is_empty() {
        return None;
    }
    let groups: Vec<&str> = int.split(['.', ',']).collect();
    let digits = |g: &str| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit());
    let grouped =
        groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    (groups.iter().all(|g| digits(g)) && grouped).then_some(sep)
}

/// A page writes its amounts one way: when most of its amounts end in `,dd` and almost none in
/// `.dd` (or the reverse), the few others are misreads of the look-alike separator (`94.68` on
/// a page of `1.234,56` amounts is `94,68`; `1.493.68` on a page of `1,234.56` amounts is
/// `1,493.68`). Needs three amounts and a 4 : 1 majority. Returns the number of words changed.
pub fn harmonise_decimal_separators(words: &mut [sapllm_core::Word]) -> usize {
    let (mut comma, mut dot) = (0usize, 0usize);
    for w in words.iter() {
        match amount_separator(&w.text) {
            Some(',') => comma += 1,
            Some('.') => dot += 1,
            _ => {}
        }
    }
    let page = if comma >= 3 && comma >= 4 * dot {
        ','
    } else if dot >= 3 && dot >= 4 * comma {
        '.'
    } else {
        return 0;
    };
    let thousands = if page == ',' { '.' } else { ',' };
    let mut changed = 0;
    for w in words.iter_mut() {
        if amount_separator(&w.text).is_none() {
            continue;
        }
        let n = w.text.chars().count();
        // The last separator is the decimal one; the others group thousands.
        let written: String = w
            .text
            .chars()
            .enumerate()
            .map(|(i, c)| match c {
                '.' | ',' if i + 3 == n => page,
                '.' | ',' => thousands,
                c => c,
            })
            .collect();
        if written != w.text {
            w.text = written;
            changed += 1;
        }
    }
    changed
}

/// Softmax of a row of logits into `buf`.
fn softmax<'a>(row: &[f32], buf: &'a mut [f32]) -> &'a [f32] {
    let max = row.iter().copied().fold(f32::MIN, f32::max);
    let mut total = 0.0;
    for (o, &v) in buf.iter_mut().zip(row) {
        *o = (v - max).exp();
        total += *o;
    }
    for o in buf.iter_mut() {
        *o /= total;
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict() -> Dictionary {
        // Windows line endings and a final newline, as in the shipped tiny dictionary.
        Dictionary::from_paddle("a\r\nb\r\nü\r\n€\r\n", 6).unwrap()
    }

    /// One-hot-ish rows for a sequence of classes.
    fn rows(seq: &[usize], classes: usize) -> Vec<f32> {
        let mut v = vec![0.0; seq.len() * classes];
        for (t, &c) in seq.iter().enumerate() {
            for k in 0..classes {
                v[t * classes + k] = if k == c {
                    0.9
                } else {
                    0.1 / (classes - 1) as f32
                };
            }
        }
        v
    }

    #[test]
    fn dictionary_conventions_are_checked_against_the_class_count() {
        let d = dict();
        assert_eq!(d.classes(), 6);
        assert_eq!(d.symbol(0), Some(""));
        assert_eq!(d.symbol(1), Some("a"));
        assert_eq!(d.symbol(3), Some("ü"), "no stray \\r from CRLF lines");
        assert_eq!(d.symbol(5), Some(" "), "space appended last");
        assert!(d.contains('€') && d.contains('ü') && !d.contains('x'));
        // A dictionary that already ends with the space: blank only.
        let d = Dictionary::from_paddle("a\nb\n \n", 4).unwrap();
        assert_eq!(d.symbol(3), Some(" "));
        // Anything else is refused with both numbers in the message.
        let e = Dictionary::from_paddle("a\nb\n", 7)
            .unwrap_err()
            .to_string();
        assert!(e.contains("7 classes") && e.contains("2 symbols"), "{e}");
    }

    #[test]
    fn greedy_ctc_collapses_repeats_drops_blanks_and_keeps_doubled_letters() {
        let d = dict();
        // a a _ a b _ _ € ü ü (space) b  → "aab€ü b"
        let seq = [1, 1, 0, 1, 2, 0, 0, 4, 3, 3, 5, 2];
        let out = greedy_decode(&rows(&seq, 6), seq.len(), 6, &d);
        assert_eq!(out.text(), "aab€ü b");
        assert_eq!(out.chars[0].step, 0);
        assert_eq!(
            out.chars[1].step, 3,
            "the repeat after a blank is a new letter"
        );
        assert!((out.confidence() - 0.9).abs() < 1e-5);
        let words = out.words();
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].text, "aab€ü");
        assert_eq!((words[0].first_step, words[0].last_step), (0, 8));
        assert_eq!(words[1].text, "b");
        assert_eq!(words[1].first_step, 11);
    }

    #[test]
    fn a_restricted_dictionary_picks_the_best_allowed_symbol() {
        // blank, "a", "：" (full-width colon), ":"; the model prefers the full-width form.
        let d = Dictionary::from_paddle("a\n：\n:\n", 5).unwrap();
        let row = [0.05, 0.05, 0.6, 0.3, 0.0];
        assert_eq!(greedy_decode(&row, 1, 5, &d).text(), "：");
        let latin = d.restrict(is_latin_symbol);
        assert_eq!(latin.allowed_classes(), 4);
        let out = greedy_decode(&row, 1, 5, &latin);
        assert_eq!(out.text(), ":");
        assert!((out.chars[0].prob - 0.3).abs() < 1e-6);
        assert!(is_latin_symbol("€") && is_latin_symbol("ß") && is_latin_symbol("·"));
        assert!(!is_latin_symbol("中") && !is_latin_symbol("：") && !is_latin_symbol("×"));
    }

    #[test]
    fn logits_are_turned_into_probabilities() {
        let d = dict();
        let logits = [0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let out = greedy_decode(&logits, 2, 6, &d);
        assert_eq!(out.text(), "a");
        assert!(out.chars[0].prob > 0.9 && out.chars[0].prob < 1.0);
        assert_eq!(out.chars[0].alt.as_ref().map(|a| a.0.as_str()), Some("b"));
        // A truncated output decodes what is there instead of panicking.
        assert_eq!(greedy_decode(&logits[..8], 2, 6, &d).text(), "a");
    }

    #[test]
    fn confusable_digits_and_letters_are_resolved_by_their_neighbours() {
        let c = |t: &str, alt: Option<&str>| DecodedChar {
            text: t.into(),
            step: 0,
            prob: 0.6,
            space_before: 0.0,
            alt: alt.map(|a| (a.to_owned(), 0.3)),
        };
        // "Tota1 2O24 F1" → "Total 2024 F1": the 1 after capital F stays (F1 is a code).
        let mut line = Decoded {
            chars: vec![
                c("T", None),
                c("o", None),
                c("t", None),
                c("a", None),
                c("1", Some("l")),
                c(" ", None),
                c("2", None),
                c("O", Some("0")),
                c("2", None),
                c("4", None),
                c(" ", None),
                c("F", None),
                c("1", Some("l")),
            ],
            steps: 13,
        };
        assert_eq!(resolve_confusables(&mut line), 2);
        assert_eq!(line.text(), "Total 2024 F1");
        // Runs are decided together: "Ke11er Te1. 2OO4 A10" → "Keller Tel. 2004 A10".
        let mut line = Decoded {
            chars: "Ke11er Te1. 2OO4 A10"
                .chars()
                .map(|ch| match ch {
                    '1' => c("1", Some("l")),
                    'O' => c("O", Some("0")),
                    '0' => c("0", Some("o")),
                    other => c(&other.to_string(), None),
                })
                .collect(),
            steps: 20,
        };
        assert_eq!(resolve_confusables(&mut line), 5);
        assert_eq!(line.text(), "Keller Tel. 2004 A10");
    }

    #[test]
    fn look_alikes_in_lowercase_abbreviations_are_letters() {
        let line = |t: &str| Decoded {
            chars: t
                .chars()
                .map(|ch| DecodedChar {
                    text: ch.to_string(),
                    step: 0,
                    prob: 0.9,
                    space_before: 0.0,
                    alt: None,
                })
                .collect(),
            steps: t.len(),
        };
        let fixed = |t: &str| {
            let mut l = line(t);
            resolve_abbreviations(&mut l);
            l.text()
        };
        assert_eq!(fixed("Conti S.r.I. Roma"), "Conti S.r.l. Roma");
        assert_eq!(fixed("Nowak Sp. z 0.0."), "Nowak Sp. z o.o.");
        assert_eq!(fixed("Nr. 0.0."), "Nr. 0.0.", "no lowercase word before");
        assert_eq!(
            fixed("art. 1.1."),
            "art. 1.1.",
            "ones stay without a lowercase letter"
        );
        assert_eq!(fixed("Sp. z o.0."), "Sp. z o.o.");
        // All capitals, one letter, numbers and dates: left alone.
        assert_eq!(fixed("S.A.I. I. 1.0. 1.1.2024"), "S.A.I. I. 1.0. 1.1.2024");
    }

    /// A decoded line of `t`, one character per step, all fairly sure.
    fn plain(t: &str) -> Decoded {
        Decoded {
            chars: t
                .chars()
                .enumerate()
                .map(|(i, ch)| DecodedChar {
                    text: ch.to_string(),
                    step: i,
                    prob: 0.9,
                    space_before: 0.0,
                    alt: None,
                })
                .collect(),
            steps: t.chars().count(),
        }
    }

    #[test]
    fn spaces_typography_never_sets_are_removed() {
        let fixed = |t: &str| {
            let mut l = plain(t);
            resolve_spacing(&mut l);
            l.text()
        };
        assert_eq!(
            fixed("info @aarhus-tryk.example"),
            "info@aarhus-tryk.example"
        );
        assert_eq!(fixed("info @ firma.example ·"), "info@firma.example ·");
        assert_eq!(fixed("info@ firma.example"), "info@firma.example");
        assert_eq!(
            fixed("info@logistica-padana .example"),
            "info@logistica-padana.example"
        );
        assert_eq!(fixed("Tel . +39 02"), "Tel. +39 02");
        assert_eq!(fixed("entro 30 giorni , netto"), "entro 30 giorni, netto");
        // A price per unit, leaders and a lone dot before a colon keep their spaces.
        assert_eq!(fixed("10 @ 12.50 EUR"), "10 @ 12.50 EUR");
        assert_eq!(fixed("Total . . . . 100,00"), "Total . . . . 100,00");
        assert_eq!(fixed("N.º cliente .: 47257"), "N.º cliente .: 47257");
        assert_eq!(fixed("Net . 100,00"), "Net. 100,00");
    }

    #[test]
    fn a_lone_stroke_after_a_number_at_the_end_is_litre() {
        let fixed = |t: &str| {
            let mut l = plain(t);
            let n = resolve_litre(&mut l);
            (l.text(), n)
        };
        assert_eq!(
            fixed("Mineralwasser, Kiste 12 x 0,75 1"),
            ("Mineralwasser, Kiste 12 x 0,75 l".into(), 1)
        );
        assert_eq!(
            fixed("Vollmilch 3,5 %, 1 I"),
            ("Vollmilch 3,5 %, 1 l".into(), 1)
        );
        assert_eq!(
            fixed("Leite gordo 1 1 (27)"),
            ("Leite gordo 1 l (27)".into(), 1)
        );
        // A one before more digits, inside a line, or after a word stays a one.
        assert_eq!(
            fixed("Tél. +33 1 59 80 23 56"),
            ("Tél. +33 1 59 80 23 56".into(), 0)
        );
        assert_eq!(fixed("63,29 1 63,29"), ("63,29 1 63,29".into(), 0));
        assert_eq!(fixed("Seite 1"), ("Seite 1".into(), 0));
    }

    #[test]
    fn a_page_writes_its_decimal_separator_one_way() {
        let words = |ts: &[&str]| -> Vec<sapllm_core::Word> {
            ts.iter()
                .map(|t| sapllm_core::Word {
                    text: (*t).into(),
                    bbox: sapllm_core::BBox::new(0.0, 0.0, 1.0, 1.0),
                    confidence: 0.9,
                })
                .collect()
        };
        let texts =
            |ws: &[sapllm_core::Word]| ws.iter().map(|w| w.text.clone()).collect::<Vec<_>>();
        // (read, as the page writes its amounts)
        let check = |cases: &[(&str, &str)], changed: usize| {
            let mut ws = words(&cases.iter().map(|c| c.0).collect::<Vec<_>>());
            assert_eq!(harmonise_decimal_separators(&mut ws), changed);
            assert_eq!(texts(&ws), cases.iter().map(|c| c.1).collect::<Vec<_>>());
        };
        let same = |t| (t, t);
        check(
            &[
                same("3.055,40"),
                same("63,29"),
                same("€425,00"),
                same("0,17"),
                same("61,90"),
                same("3.605,59"),
                same("115,54"),
                same("183,32"),
                ("94.68", "94,68"),
                same("20.11.2024"),
                same("1.234"),
                ("1.221.74", "1.221,74"),
            ],
            2,
        );
        check(
            &[
                same("2,598.65"),
                same("35.30"),
                same("768.22"),
                ("1.493.68", "1,493.68"),
                ("12,50", "12.50"),
                same("2025-10-17"),
            ],
            2,
        );
        // No clear majority: nothing is changed.
        let mut mixed = words(&["1,50", "2,50", "3,50", "4.50", "5.50", "±34"]);
        assert_eq!(harmonise_decimal_separators(&mut mixed), 0);
    }

    #[test]
    fn case_follows_the_word_around_a_same_shape_letter() {
        let fixed = |t: &str| {
            let mut l = plain(t);
            resolve_case(&mut l);
            l.text()
        };
        assert_eq!(fixed("5 pcS 7,06"), "5 pcs 7,06");
        assert_eq!(fixed("Durand sARL"), "Durand SARL");
        assert_eq!(fixed("VAT sE556957874201"), "VAT SE556957874201");
        assert_eq!(fixed("AnzahI"), "Anzahl");
        assert_eq!(fixed("BIC WHLPITE4xXx"), "BIC WHLPITE4XXX");
        assert_eq!(fixed("Gs-2024-0069"), "GS-2024-0069");
        // Mixed abbreviations and short words keep their case.
        assert_eq!(
            fixed("UStIdNr. 120 kWh McIntosh sA"),
            "UStIdNr. 120 kWh McIntosh sA"
        );
        assert_eq!(fixed("Steuer-Nr. GmbH SEK"), "Steuer-Nr. GmbH SEK");
        assert_eq!(fixed("KGaA Gs 12 x 5 Ts"), "KGaA Gs 12 x 5 Ts");
    }
}
