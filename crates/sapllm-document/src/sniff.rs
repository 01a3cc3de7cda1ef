//! File-type sniffing by magic bytes. The extension is never trusted: clerks rename files,
//! mail gateways append `.pdf` to anything, and a hostile file may pretend to be harmless.

use sapllm_core::FileKind;

use crate::DocumentError;

/// How far into the file a `%PDF-` header may start (the PDF spec tolerates leading junk and
/// Acrobat accepts it within the first 1024 bytes).
const PDF_HEADER_WINDOW: usize = 1024;

/// Determines the kind of a file from its first bytes.
pub fn sniff(bytes: &[u8]) -> Result<FileKind, DocumentError> {
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    let head = &bytes[..bytes.len().min(PDF_HEADER_WINDOW)];
    if find(head, b"%PDF-").is_some() {
        return Ok(FileKind::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(FileKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(FileKind::Jpeg);
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Ok(FileKind::Tiff);
    }
    if looks_like_xml(bytes) {
        return Ok(FileKind::Xml);
    }
    Err(DocumentError::UnsupportedType(describe_unknown(bytes)))
}

/// XML: optional UTF-8 BOM, optional whitespace, then `<?xml` or a start tag / comment.
fn looks_like_xml(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let rest = &b[start..];
    rest.starts_with(b"<?xml")
        || rest.starts_with(b"<!--")
        || (rest.first() == Some(&b'<') && rest.get(1).is_some_and(|c| c.is_ascii_alphabetic()))
}

/// A short human description of an unsupported file, for the error line.
fn describe_unknown(bytes: &[u8]) -> String {
    if bytes.starts_with(b"PK\x03\x04") {
        "a ZIP archive (or an Office document), not a PDF, image or XML".into()
    } else if bytes.starts_with(b"GIF8") {
        "a GIF image (not supported; convert to PNG)".into()
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        "a legacy Office document".into()
    } else if bytes
        .iter()
        .take(512)
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        "plain text, not a PDF, image or XML".into()
    } else {
        let n = bytes.len().min(8);
        format!("unknown binary data (starts with {:02x?})", &bytes[..n])
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_not_names() {
        assert_eq!(sniff(b"%PDF-1.7\n...").unwrap(), FileKind::Pdf);
        assert_eq!(sniff(b"junk before\n%PDF-1.4\n").unwrap(), FileKind::Pdf);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0").unwrap(), FileKind::Png);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), FileKind::Jpeg);
        assert_eq!(sniff(b"II*\0\x08\0\0\0").unwrap(), FileKind::Tiff);
        assert_eq!(sniff(b"MM\0*\0\0\0\x08").unwrap(), FileKind::Tiff);
        assert_eq!(
            sniff("\u{feff}  <?xml version=\"1.0\"?><a/>".as_bytes()).unwrap(),
            FileKind::Xml
        );
        assert_eq!(
            sniff(b"<rsm:CrossIndustryInvoice/>").unwrap(),
            FileKind::Xml
        );
    }

    #[test]
    fn unknown_and_empty_files_get_clear_reasons() {
        assert_eq!(sniff(b"").unwrap_err().code(), "empty_file");
        let zip = sniff(b"PK\x03\x04rest").unwrap_err();
        assert_eq!(zip.code(), "unsupported_type");
        assert!(zip.to_string().contains("ZIP"));
        assert!(
            sniff(b"Dear supplier, please pay")
                .unwrap_err()
                .to_string()
                .contains("plain text")
        );
        assert!(
            sniff(&[0u8, 1, 2, 3])
                .unwrap_err()
                .to_string()
                .contains("unknown binary")
        );
        // A PDF header far into the file is not a PDF.
        let mut late = vec![b' '; 2000];
        late.extend_from_slice(b"%PDF-1.4");
        assert!(sniff(&late).is_err());
    }
}
