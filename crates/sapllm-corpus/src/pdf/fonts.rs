//! The standard-14 fonts we use, WinAnsi encoding and advance widths.
//!
//! Standard-14 fonts need no embedding, so every viewer and `pdftotext` can show and extract the
//! text. With `/Encoding /WinAnsiEncoding` a single byte per character covers German and French
//! (ä ö ü ß é è à ç €). Widths are the Adobe AFM metrics: without them right-aligned amount
//! columns cannot line up, because the writer has to know where a string ends. Documents with
//! Polish letters embed metric-compatible TrueType fonts instead ([`Font::embedded`]).

/// A TrueType programme to embed, with the font descriptor's metrics (1/1000 em, from the
/// font's `head`, `OS/2` and `post` tables).
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedFont {
    pub name: &'static str,
    pub program: &'static [u8],
    /// PDF font flags: 32 non-symbolic, 2 serif, 1 fixed pitch.
    pub flags: i64,
    pub bbox: [i64; 4],
    pub ascent: i64,
    pub descent: i64,
    pub cap_height: i64,
    pub stem_v: i64,
}

/// A standard-14 font (the subset the layouts use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Font {
    Helvetica,
    HelveticaBold,
    TimesRoman,
    TimesBold,
    Courier,
    CourierBold,
}

impl Font {
    /// Every font, in resource-name order (`/F1` is the first).
    pub const ALL: [Font; 6] = [
        Font::Helvetica,
        Font::HelveticaBold,
        Font::TimesRoman,
        Font::TimesBold,
        Font::Courier,
        Font::CourierBold,
    ];

    /// The PostScript name used as `/BaseFont`.
    pub fn base_name(self) -> &'static str {
        match self {
            Font::Helvetica => "Helvetica",
            Font::HelveticaBold => "Helvetica-Bold",
            Font::TimesRoman => "Times-Roman",
            Font::TimesBold => "Times-Bold",
            Font::Courier => "Courier",
            Font::CourierBold => "Courier-Bold",
        }
    }

    /// Resource name inside a page's `/Font` dictionary.
    pub fn resource_name(self) -> String {
        let i = Font::ALL.iter().position(|f| *f == self).unwrap_or(0);
        format!("F{}", i + 1)
    }

    pub fn is_bold(self) -> bool {
        matches!(
            self,
            Font::HelveticaBold | Font::TimesBold | Font::CourierBold
        )
    }

    /// The TrueType programme embedded instead of the standard-14 font in documents that print
    /// Polish letters: PDFium's built-in substitutes for the standard 14 have no glyphs for
    /// ą ę ń ć ś ź ż, so rendered pages (and the corpus's scans of them) showed blanks where
    /// the text layer has letters. Liberation is metric-compatible with Helvetica, Times and
    /// Courier, so the AFM widths the layouts use stay right. Cut to WinAnsi and the Polish
    /// letters by `fonts/subset.sh`.
    pub fn embedded(self) -> EmbeddedFont {
        match self {
            Font::Helvetica => EmbeddedFont {
                name: "LiberationSans",
                program: include_bytes!("../../fonts/LiberationSans-Regular.ttf"),
                flags: 32,
                bbox: [-203, -303, 1050, 910],
                ascent: 728,
                descent: -210,
                cap_height: 688,
                stem_v: 80,
            },
            Font::HelveticaBold => EmbeddedFont {
                name: "LiberationSans-Bold",
                program: include_bytes!("../../fonts/LiberationSans-Bold.ttf"),
                flags: 32,
                bbox: [-184, -303, 1062, 1033],
                ascent: 728,
                descent: -210,
                cap_height: 688,
                stem_v: 140,
            },
            Font::TimesRoman => EmbeddedFont {
                name: "LiberationSerif",
                program: include_bytes!("../../fonts/LiberationSerif-Regular.ttf"),
                flags: 32 | 2,
                bbox: [-177, -303, 1007, 981],
                ascent: 693,
                descent: -216,
                cap_height: 655,
                stem_v: 80,
            },
            Font::TimesBold => EmbeddedFont {
                name: "LiberationSerif-Bold",
                program: include_bytes!("../../fonts/LiberationSerif-Bold.ttf"),
                flags: 32 | 2,
                bbox: [-182, -303, 1085, 1008],
                ascent: 677,
                descent: -216,
                cap_height: 655,
                stem_v: 140,
            },
            Font::Courier => EmbeddedFont {
                name: "LiberationMono",
                program: include_bytes!("../../fonts/LiberationMono-Regular.ttf"),
                flags: 32 | 1,
                bbox: [-24, -300, 609, 833],
                ascent: 613,
                descent: -188,
                cap_height: 659,
                stem_v: 80,
            },
            Font::CourierBold => EmbeddedFont {
                name: "LiberationMono-Bold",
                program: include_bytes!("../../fonts/LiberationMono-Bold.ttf"),
                flags: 32 | 1,
                bbox: [-27, -300, 615, 833],
                ascent: 633,
                descent: -209,
                cap_height: 659,
                stem_v: 140,
            },
        }
    }

    /// Advance width of a byte of the Central European encoding: a Polish letter's code has
    /// its base letter's width (as [`Font::text_width`] measures it).
    pub fn ce_glyph_width(self, byte: u8) -> u16 {
        match CE_EXTRA.iter().find(|e| e.1 == byte) {
            Some(e) => self.glyph_width(encode_win_ansi(&e.3.to_string())[0]),
            None => self.glyph_width(byte),
        }
    }

    /// Advance width of one WinAnsi byte in 1/1000 em.
    pub fn glyph_width(self, byte: u8) -> u16 {
        let table = match self {
            Font::Helvetica => &HELVETICA,
            Font::HelveticaBold => &HELVETICA_BOLD,
            Font::TimesRoman => &TIMES_ROMAN,
            Font::TimesBold => &TIMES_BOLD,
            // Courier is monospaced: every glyph is 600 units wide.
            Font::Courier | Font::CourierBold => return 600,
        };
        if byte < 0x20 {
            0
        } else {
            table[(byte - 0x20) as usize]
        }
    }

    /// Width of `text` in points at `size`.
    pub fn text_width(self, text: &str, size: f32) -> f32 {
        let units: u32 = encode_win_ansi(&ce_to_base(text))
            .iter()
            .map(|b| u32::from(self.glyph_width(*b)))
            .sum();
        units as f32 * size / 1000.0
    }
}

/// WinAnsi (Windows-1252) code points 0x80..=0x9F; the rest of 0xA0..=0xFF equals Latin-1.
const WIN_ANSI_HIGH: [(char, u8); 27] = [
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8A),
    ('‹', 0x8B),
    ('Œ', 0x8C),
    ('Ž', 0x8E),
    ('\u{2018}', 0x91),
    ('\u{2019}', 0x92),
    ('\u{201C}', 0x93),
    ('\u{201D}', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9A),
    ('›', 0x9B),
    ('œ', 0x9C),
    ('ž', 0x9E),
    ('Ÿ', 0x9F),
];

/// Central European letters (Polish) that WinAnsi lacks: character, the code they take in the
/// font's `/Differences` encoding, their glyph name in the standard-14 fonts (which have these
/// glyphs), and the base letter whose advance width they share in the AFM metrics. The codes
/// are WinAnsi's undefined slots and Latin-1 symbols the generator never prints.
pub const CE_EXTRA: [(char, u8, &str, char); 16] = [
    ('ą', 0x81, "aogonek", 'a'),
    ('ć', 0x8D, "cacute", 'c'),
    ('ę', 0x8F, "eogonek", 'e'),
    ('ł', 0x90, "lslash", 'l'),
    ('ń', 0x9D, "nacute", 'n'),
    ('ś', 0xA4, "sacute", 's'),
    ('ź', 0xA6, "zacute", 'z'),
    ('ż', 0xA8, "zdotaccent", 'z'),
    ('Ą', 0xAF, "Aogonek", 'A'),
    ('Ć', 0xB4, "Cacute", 'C'),
    ('Ę', 0xB8, "Eogonek", 'E'),
    ('Ł', 0xBC, "Lslash", 'L'),
    ('Ń', 0xBD, "Nacute", 'N'),
    ('Ś', 0xBE, "Sacute", 'S'),
    ('Ź', 0xD0, "Zacute", 'Z'),
    ('Ż', 0xDE, "Zdotaccent", 'Z'),
];

/// The Central European entry of `c`, if it is one of [`CE_EXTRA`].
pub fn ce_extra(c: char) -> Option<&'static (char, u8, &'static str, char)> {
    CE_EXTRA.iter().find(|e| e.0 == c)
}

/// Whether `text` needs the Central European `/Differences` encoding.
pub fn needs_ce(text: &str) -> bool {
    text.chars().any(|c| ce_extra(c).is_some())
}

/// `text` with Central European letters replaced by their base letters (for the bitmap font).
pub fn ce_to_base(text: &str) -> String {
    text.chars()
        .map(|c| ce_extra(c).map(|e| e.3).unwrap_or(c))
        .collect()
}

/// Maps one character to its WinAnsi byte; `None` for characters outside the encoding.
pub fn win_ansi_byte(c: char) -> Option<u8> {
    let cp = c as u32;
    match cp {
        0x20..=0x7E | 0xA0..=0xFF => Some(cp as u8),
        // Narrow no-break space (French thousands separator) prints as a plain space.
        0x202F => Some(0x20),
        _ => WIN_ANSI_HIGH
            .iter()
            .find(|(ch, _)| *ch == c)
            .map(|(_, b)| *b),
    }
}

/// Encodes text as WinAnsi (plus the [`CE_EXTRA`] codes); unmappable characters become `?`
/// so output never fails.
pub fn encode_win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            win_ansi_byte(c)
                .or_else(|| ce_extra(c).map(|e| e.1))
                .unwrap_or(b'?')
        })
        .collect()
}

/// Decodes one WinAnsi byte back to a character.
pub fn win_ansi_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => WIN_ANSI_HIGH
            .iter()
            .find(|(_, b)| *b == byte)
            .map(|(c, _)| *c)
            .unwrap_or('?'),
        b => b as char,
    }
}

/// Helvetica advance widths (1/1000 em) for WinAnsi codes 0x20..=0xFF.
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 350, // 0x70
    556, 350, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350, // 0x80
    350, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 350, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xF0
];

/// Helvetica Bold advance widths (1/1000 em) for WinAnsi codes 0x20..=0xFF.
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 350, // 0x70
    556, 350, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350, // 0x80
    350, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 350, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xF0
];

/// Times Roman advance widths (1/1000 em) for WinAnsi codes 0x20..=0xFF.
const TIMES_ROMAN: [u16; 224] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, // 0x20
    500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, // 0x30
    921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, // 0x40
    556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, // 0x50
    333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, // 0x60
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541, 350, // 0x70
    500, 350, 333, 500, 444, 1000, 500, 500, 333, 1000, 556, 333, 889, 350, 611, 350, // 0x80
    350, 333, 333, 444, 444, 350, 500, 1000, 333, 980, 389, 333, 722, 350, 444, 722, // 0x90
    250, 333, 500, 500, 500, 500, 200, 500, 333, 760, 276, 500, 564, 333, 760, 333, // 0xA0
    400, 564, 300, 300, 333, 500, 453, 250, 333, 300, 310, 500, 750, 750, 750, 444, // 0xB0
    722, 722, 722, 722, 722, 722, 889, 667, 611, 611, 611, 611, 333, 333, 333, 333, // 0xC0
    722, 722, 722, 722, 722, 722, 722, 564, 722, 722, 722, 722, 722, 722, 556, 500, // 0xD0
    444, 444, 444, 444, 444, 444, 667, 444, 444, 444, 444, 444, 278, 278, 278, 278, // 0xE0
    500, 500, 500, 500, 500, 500, 500, 564, 500, 500, 500, 500, 500, 500, 500, 500, // 0xF0
];

/// Times Bold advance widths (1/1000 em) for WinAnsi codes 0x20..=0xFF.
const TIMES_BOLD: [u16; 224] = [
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, // 0x20
    500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, // 0x30
    930, 722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, // 0x40
    611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667, 333, 278, 333, 581, 500, // 0x50
    333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, // 0x60
    556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520, 350, // 0x70
    500, 350, 333, 500, 500, 1000, 500, 500, 333, 1000, 556, 333, 1000, 350, 667, 350, // 0x80
    350, 333, 333, 500, 500, 350, 500, 1000, 333, 1000, 389, 333, 722, 350, 444, 722, // 0x90
    250, 333, 500, 500, 500, 500, 220, 500, 333, 747, 300, 500, 570, 333, 747, 333, // 0xA0
    400, 570, 300, 300, 333, 556, 540, 250, 333, 300, 330, 500, 750, 750, 750, 500, // 0xB0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 389, 389, 389, 389, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 570, 778, 722, 722, 722, 722, 722, 611, 556, // 0xD0
    500, 500, 500, 500, 500, 500, 722, 444, 444, 444, 444, 444, 278, 278, 278, 278, // 0xE0
    500, 556, 500, 500, 500, 500, 500, 570, 500, 556, 556, 556, 556, 500, 556, 500, // 0xF0
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_covers_german_and_french() {
        assert_eq!(
            encode_win_ansi("€äöüßéèàçÄÖÜ"),
            vec![
                0x80, 0xE4, 0xF6, 0xFC, 0xDF, 0xE9, 0xE8, 0xE0, 0xE7, 0xC4, 0xD6, 0xDC
            ]
        );
        assert_eq!(encode_win_ansi("\u{4e2d}"), b"?");
        for b in 0x20..=0xFFu8 {
            let c = win_ansi_char(b);
            if c != '?' && !(0x7F..=0x9F).contains(&b) {
                assert_eq!(win_ansi_byte(c), Some(b));
            }
        }
    }

    #[test]
    fn widths_are_the_afm_metrics() {
        assert_eq!(Font::Helvetica.text_width("0", 1000.0), 556.0);
        assert_eq!(Font::HelveticaBold.glyph_width(b'A'), 722);
        assert_eq!(Font::Helvetica.glyph_width(0x80), 556); // €
        assert_eq!(Font::TimesRoman.glyph_width(b'a'), 444);
        assert_eq!(Font::Courier.text_width("abc", 10.0), 18.0);
        // All digits have the same width, so right-aligned columns line up digit by digit.
        for f in Font::ALL {
            let w = f.glyph_width(b'0');
            assert!((b'1'..=b'9').all(|d| f.glyph_width(d) == w));
        }
    }
}
