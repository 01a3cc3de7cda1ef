//! Broken and hostile inputs: files the pipeline must reject cleanly, never crash on.

/// CRC-32 (IEEE), for the ZIP container of `not-a-pdf.pdf`.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// A valid ZIP archive holding one stored (uncompressed) file, with a fixed timestamp.
pub fn zip_with_one_file(name: &str, content: &[u8]) -> Vec<u8> {
    let crc = crc32(content);
    let (time, date) = (0x6000u16, 0x5865u16); // 12:00:00, 2024-03-05 in DOS format
    let size = content.len() as u32;
    let mut z = Vec::new();
    let local = |z: &mut Vec<u8>| {
        z.extend_from_slice(b"PK\x03\x04");
        z.extend_from_slice(&20u16.to_le_bytes()); // version needed
        z.extend_from_slice(&0u16.to_le_bytes()); // flags
        z.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        z.extend_from_slice(&time.to_le_bytes());
        z.extend_from_slice(&date.to_le_bytes());
        z.extend_from_slice(&crc.to_le_bytes());
        z.extend_from_slice(&size.to_le_bytes());
        z.extend_from_slice(&size.to_le_bytes());
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes()); // extra length
        z.extend_from_slice(name.as_bytes());
    };
    local(&mut z);
    z.extend_from_slice(content);
    let central_offset = z.len() as u32;
    z.extend_from_slice(b"PK\x01\x02");
    z.extend_from_slice(&20u16.to_le_bytes()); // version made by
    z.extend_from_slice(&20u16.to_le_bytes()); // version needed
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(&time.to_le_bytes());
    z.extend_from_slice(&date.to_le_bytes());
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&[0; 8]); // extra, comment, disk start, internal attributes
    z.extend_from_slice(&0u32.to_le_bytes()); // external attributes
    z.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    z.extend_from_slice(name.as_bytes());
    let central_size = z.len() as u32 - central_offset;
    z.extend_from_slice(b"PK\x05\x06");
    z.extend_from_slice(&[0; 4]); // disk numbers
    z.extend_from_slice(&1u16.to_le_bytes());
    z.extend_from_slice(&1u16.to_le_bytes());
    z.extend_from_slice(&central_size.to_le_bytes());
    z.extend_from_slice(&central_offset.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

/// "Billion laughs": nested entities that expand to 10^9 copies of "lol" if a parser lets
/// them. The root is a UBL invoice so that a sniffer treats the file as an e-invoice.
pub fn billion_laughs() -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE Invoice [\n  <!ENTITY lol \"lol\">\n",
    );
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        let refs: String = (0..10).map(|_| format!("&{prev};")).collect();
        s.push_str(&format!("  <!ENTITY lol{i} \"{refs}\">\n"));
    }
    s.push_str("]>\n<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n  <cbc:ID>&lol9;</cbc:ID>\n</Invoice>\n");
    s
}

/// XML external entity: a reader that resolves it would put /etc/passwd into the invoice
/// number.
pub fn external_entity() -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<!DOCTYPE Invoice [\n  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n\
<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n\
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>\n\
  <cbc:ID>&xxe;</cbc:ID>\n\
  <cbc:IssueDate>2024-03-05</cbc:IssueDate>\n\
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>\n\
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>\n\
</Invoice>\n"
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn zip_structure() {
        let z = zip_with_one_file("a.txt", b"hello");
        assert!(z.starts_with(b"PK\x03\x04"));
        assert_eq!(&z[z.len() - 22..z.len() - 18], b"PK\x05\x06");
        assert!(billion_laughs().contains("<!ENTITY lol9 \"&lol8;&lol8;"));
        assert!(external_entity().contains("SYSTEM \"file:///etc/passwd\""));
    }
}
