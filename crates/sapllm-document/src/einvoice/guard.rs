//! Safe decoding and parsing of untrusted XML.
//!
//! Defences, in order: a size limit checked before anything else, decoding to UTF-8 (BOMs,
//! UTF-16, Latin-1 / Windows-1252 declared encodings), and `roxmltree` with DTDs refused
//! (`allow_dtd: false`, so no entity declaration — internal, external or recursive — is ever
//! processed) and a node limit that bounds memory. Every parser failure is mapped to either
//! [`DocumentError::HostileXml`] (the input tried something dangerous) or
//! [`DocumentError::XmlSyntax`] (it is just broken).

use std::borrow::Cow;

use roxmltree::{Document, Error as XmlError, ParsingOptions};

use super::MAX_XML_BYTES;
use crate::DocumentError;

/// At most this many XML nodes (elements, attributes' owners, text, comments) are built. A
/// 20 MB e-invoice of real content has far fewer; the limit stops memory blow-up from inputs
/// made of millions of tiny elements.
pub(crate) const MAX_XML_NODES: u32 = 2_000_000;

/// Rejects empty and oversized input; returns the document as UTF-8 text.
pub(crate) fn decode(xml: &[u8]) -> Result<Cow<'_, str>, DocumentError> {
    if xml.is_empty() {
        return Err(DocumentError::Empty);
    }
    if xml.len() > MAX_XML_BYTES {
        return Err(DocumentError::HostileXml(format!(
            "{} bytes is over the limit of {MAX_XML_BYTES} bytes for an e-invoice XML",
            xml.len()
        )));
    }
    decode_text(xml).ok_or_else(|| {
        DocumentError::XmlSyntax("the bytes are not text in a supported encoding".to_owned())
    })
}

/// Decodes UTF-8 (with or without BOM), UTF-16 with BOM, and single-byte Latin encodings when the
/// XML declaration names them. `None` when the bytes cannot be text.
pub(crate) fn decode_text(xml: &[u8]) -> Option<Cow<'_, str>> {
    if let Some(rest) = xml.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).ok().map(Cow::Borrowed);
    }
    if let Some(rest) = xml.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes).map(Cow::Owned);
    }
    if let Some(rest) = xml.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes).map(Cow::Owned);
    }
    match std::str::from_utf8(xml) {
        Ok(s) => Some(Cow::Borrowed(s)),
        Err(_) if declares_single_byte_encoding(xml) => Some(Cow::Owned(windows_1252(xml))),
        Err(_) => None,
    }
}

fn utf16(bytes: &[u8], to_u16: fn([u8; 2]) -> u16) -> Option<String> {
    let pairs = bytes.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    let units: Vec<u16> = pairs.map(|c| to_u16([c[0], c[1]])).collect();
    String::from_utf16(&units).ok()
}

/// Whether the XML declaration (within the first 200 bytes) names ISO-8859-1/15 or
/// Windows-1252.
fn declares_single_byte_encoding(xml: &[u8]) -> bool {
    let head = &xml[..xml.len().min(200)];
    let head: String = head
        .iter()
        .map(|&b| char::from(b).to_ascii_lowercase())
        .collect();
    if !head.starts_with("<?xml") {
        return false;
    }
    [
        "iso-8859-1",
        "iso-8859-15",
        "latin1",
        "latin-1",
        "windows-1252",
        "cp1252",
    ]
    .iter()
    .any(|enc| head.contains(enc))
}

/// Windows-1252 is a superset of the printable ISO-8859-1 range; the 0x80..0x9F block holds
/// the euro sign and typographic quotes that do occur in German invoices.
fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// Parses with DTDs refused and a node limit.
pub(crate) fn parse(text: &str) -> Result<Document<'_>, DocumentError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_XML_NODES,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(map_error)
}

fn map_error(e: XmlError) -> DocumentError {
    match e {
        XmlError::DtdDetected => DocumentError::HostileXml(
            "the XML has a DOCTYPE; DTDs and entity declarations are refused".to_owned(),
        ),
        XmlError::EntityReferenceLoop(_) => {
            DocumentError::HostileXml(format!("entity expansion refused: {e}"))
        }
        XmlError::NodesLimitReached
        | XmlError::AttributesLimitReached
        | XmlError::NamespacesLimitReached => {
            DocumentError::HostileXml(format!("the XML is too large or too deep: {e}"))
        }
        other => DocumentError::XmlSyntax(other.to_string()),
    }
}
