//! E-invoice XML from the document model: UN/CEFACT CII D16B (Factur-X / ZUGFeRD 2, profile
//! EN 16931) and OASIS UBL 2.1, plus the XMP packet that marks a PDF as Factur-X.
//!
//! Written with plain string building: the element order of both schemas is fixed, and a
//! serializer crate would add nothing but weight. All text goes through [`escape`].

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sapllm_core::DocType;

use crate::model::{Document, Party};

/// Factur-X / ZUGFeRD guideline ID of the EN 16931 (COMFORT) profile.
pub const EN16931_GUIDELINE: &str = "urn:cen.eu:en16931:2017";

/// XML text escaping.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn amount(d: Decimal) -> String {
    let mut v = d.round_dp(2);
    v.rescale(2);
    v.to_string()
}

fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Document type code of UNTDID 1001.
fn type_code(doc: &Document) -> &'static str {
    match doc.doc_type {
        DocType::CreditNote => "381",
        DocType::DebitNote => "383",
        _ => "380",
    }
}

/// VAT category: S (standard), AE (reverse charge).
fn category(doc: &Document) -> &'static str {
    if doc.reverse_charge { "AE" } else { "S" }
}

fn cii_date(d: NaiveDate) -> String {
    format!(
        "<udt:DateTimeString format=\"102\">{}</udt:DateTimeString>",
        d.format("%Y%m%d")
    )
}

fn cii_party(out: &mut String, tag: &str, p: &Party) {
    let _ = write!(out, "<ram:{tag}><ram:Name>{}</ram:Name>", escape(&p.name));
    let a = &p.address;
    let _ = write!(
        out,
        "<ram:PostalTradeAddress><ram:PostcodeCode>{}</ram:PostcodeCode><ram:LineOne>{}</ram:LineOne><ram:CityName>{}</ram:CityName><ram:CountryID>{}</ram:CountryID></ram:PostalTradeAddress>",
        escape(&a.zip),
        escape(&a.street),
        escape(&a.city),
        a.country.code()
    );
    if let Some(n) = &p.tax_number {
        let _ = write!(
            out,
            "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"FC\">{}</ram:ID></ram:SpecifiedTaxRegistration>",
            escape(n)
        );
    }
    if let Some(v) = &p.vat_id {
        let _ = write!(
            out,
            "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">{}</ram:ID></ram:SpecifiedTaxRegistration>",
            escape(v)
        );
    }
    let _ = write!(out, "</ram:{tag}>");
}

/// A CII D16B invoice (Factur-X 1.0 / ZUGFeRD 2.x, EN 16931 profile), pretty-printed.
pub fn cii_xml(doc: &Document) -> String {
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\" xmlns:qdt=\"urn:un:unece:uncefact:data:standard:QualifiedDataType:100\" xmlns:ram=\"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100\" xmlns:udt=\"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100\">");
    let _ = write!(
        x,
        "<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>{EN16931_GUIDELINE}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>"
    );
    let _ = write!(
        x,
        "<rsm:ExchangedDocument><ram:ID>{}</ram:ID><ram:TypeCode>{}</ram:TypeCode><ram:IssueDateTime>{}</ram:IssueDateTime>",
        escape(&doc.number),
        type_code(doc),
        cii_date(doc.issue_date)
    );
    if doc.reverse_charge {
        let _ = write!(
            x,
            "<ram:IncludedNote><ram:Content>{}</ram:Content></ram:IncludedNote>",
            escape("Reverse charge")
        );
    }
    x.push_str("</rsm:ExchangedDocument><rsm:SupplyChainTradeTransaction>");
    for l in &doc.lines {
        let _ = write!(
            x,
            "<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument><ram:LineID>{}</ram:LineID></ram:AssociatedDocumentLineDocument><ram:SpecifiedTradeProduct>",
            l.position
        );
        if let Some(id) = &l.item_id {
            let _ = write!(
                x,
                "<ram:SellerAssignedID>{}</ram:SellerAssignedID>",
                escape(id)
            );
        }
        let _ = write!(
            x,
            "<ram:Name>{}</ram:Name></ram:SpecifiedTradeProduct><ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>{}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement><ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"{}\">{}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery><ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>{}</ram:CategoryCode><ram:RateApplicablePercent>{}</ram:RateApplicablePercent></ram:ApplicableTradeTax><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>",
            escape(&l.description),
            amount(l.unit_price),
            l.unit.code(),
            plain(l.quantity),
            category(doc),
            plain(l.tax_rate),
            amount(l.net_amount)
        );
    }
    x.push_str("<ram:ApplicableHeaderTradeAgreement>");
    if let Some(r) = &doc.buyer_reference {
        let _ = write!(x, "<ram:BuyerReference>{}</ram:BuyerReference>", escape(r));
    }
    cii_party(&mut x, "SellerTradeParty", &doc.seller);
    cii_party(&mut x, "BuyerTradeParty", &doc.buyer);
    if let Some(po) = &doc.po_number {
        let _ = write!(
            x,
            "<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>{}</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>",
            escape(po)
        );
    }
    x.push_str("</ram:ApplicableHeaderTradeAgreement><ram:ApplicableHeaderTradeDelivery>");
    if let Some(d) = doc.delivery_date {
        let _ = write!(
            x,
            "<ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>{}</ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>",
            cii_date(d)
        );
    }
    let _ = write!(
        x,
        "</ram:ApplicableHeaderTradeDelivery><ram:ApplicableHeaderTradeSettlement><ram:PaymentReference>{}</ram:PaymentReference><ram:InvoiceCurrencyCode>{}</ram:InvoiceCurrencyCode>",
        escape(&doc.number),
        doc.currency
    );
    if let Some(b) = &doc.bank {
        // 58 = SEPA credit transfer.
        let _ = write!(
            x,
            "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>{}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount><ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>{}</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution></ram:SpecifiedTradeSettlementPaymentMeans>",
            b.iban, b.bic
        );
    }
    for g in &doc.vat {
        let _ = write!(
            x,
            "<ram:ApplicableTradeTax><ram:CalculatedAmount>{}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>",
            amount(g.tax)
        );
        if doc.reverse_charge {
            x.push_str("<ram:ExemptionReason>Reverse charge</ram:ExemptionReason>");
        }
        let _ = write!(
            x,
            "<ram:BasisAmount>{}</ram:BasisAmount><ram:CategoryCode>{}</ram:CategoryCode>",
            amount(g.base),
            category(doc)
        );
        if doc.reverse_charge {
            x.push_str("<ram:ExemptionReasonCode>VATEX-EU-AE</ram:ExemptionReasonCode>");
        }
        let _ = write!(
            x,
            "<ram:RateApplicablePercent>{}</ram:RateApplicablePercent></ram:ApplicableTradeTax>",
            plain(g.rate)
        );
    }
    if doc.payment_terms.is_some() || doc.due_date.is_some() {
        x.push_str("<ram:SpecifiedTradePaymentTerms>");
        if let Some(t) = &doc.payment_terms {
            let _ = write!(x, "<ram:Description>{}</ram:Description>", escape(t));
        }
        if let Some(d) = doc.due_date {
            let _ = write!(
                x,
                "<ram:DueDateDateTime>{}</ram:DueDateDateTime>",
                cii_date(d)
            );
        }
        x.push_str("</ram:SpecifiedTradePaymentTerms>");
    }
    let t = &doc.totals;
    let _ = write!(
        x,
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>{}</ram:LineTotalAmount><ram:TaxBasisTotalAmount>{}</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID=\"{}\">{}</ram:TaxTotalAmount><ram:GrandTotalAmount>{}</ram:GrandTotalAmount><ram:TotalPrepaidAmount>{}</ram:TotalPrepaidAmount><ram:DuePayableAmount>{}</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
        amount(t.net),
        amount(t.net),
        doc.currency,
        amount(t.tax),
        amount(t.gross),
        amount(t.prepaid),
        amount(t.amount_due)
    );
    x.push_str("</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>\n");
    indent(&x)
}

fn ubl_party(out: &mut String, tag: &str, p: &Party) {
    let a = &p.address;
    let _ = write!(
        out,
        "<cac:{tag}><cac:Party><cac:PartyName><cbc:Name>{}</cbc:Name></cac:PartyName><cac:PostalAddress><cbc:StreetName>{}</cbc:StreetName><cbc:CityName>{}</cbc:CityName><cbc:PostalZone>{}</cbc:PostalZone><cac:Country><cbc:IdentificationCode>{}</cbc:IdentificationCode></cac:Country></cac:PostalAddress>",
        escape(&p.name),
        escape(&a.street),
        escape(&a.city),
        escape(&a.zip),
        a.country.code()
    );
    if let Some(v) = &p.vat_id {
        let _ = write!(
            out,
            "<cac:PartyTaxScheme><cbc:CompanyID>{}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>",
            escape(v)
        );
    }
    if let Some(n) = &p.tax_number {
        let _ = write!(
            out,
            "<cac:PartyTaxScheme><cbc:CompanyID>{}</cbc:CompanyID><cac:TaxScheme><cbc:ID>FC</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>",
            escape(n)
        );
    }
    let _ = write!(
        out,
        "<cac:PartyLegalEntity><cbc:RegistrationName>{}</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:{tag}>",
        escape(&p.name)
    );
}

/// A UBL 2.1 invoice (EN 16931 customization), pretty-printed.
pub fn ubl_xml(doc: &Document) -> String {
    let cur = &doc.currency;
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">");
    let _ = write!(
        x,
        "<cbc:CustomizationID>{EN16931_GUIDELINE}</cbc:CustomizationID><cbc:ID>{}</cbc:ID><cbc:IssueDate>{}</cbc:IssueDate>",
        escape(&doc.number),
        doc.issue_date
    );
    if let Some(d) = doc.due_date {
        let _ = write!(x, "<cbc:DueDate>{d}</cbc:DueDate>");
    }
    let _ = write!(
        x,
        "<cbc:InvoiceTypeCode>{}</cbc:InvoiceTypeCode>",
        type_code(doc)
    );
    if doc.reverse_charge {
        x.push_str("<cbc:Note>Reverse charge</cbc:Note>");
    }
    let _ = write!(
        x,
        "<cbc:DocumentCurrencyCode>{cur}</cbc:DocumentCurrencyCode>"
    );
    if let Some(r) = &doc.buyer_reference {
        let _ = write!(x, "<cbc:BuyerReference>{}</cbc:BuyerReference>", escape(r));
    }
    if let Some(po) = &doc.po_number {
        let _ = write!(
            x,
            "<cac:OrderReference><cbc:ID>{}</cbc:ID></cac:OrderReference>",
            escape(po)
        );
    }
    ubl_party(&mut x, "AccountingSupplierParty", &doc.seller);
    ubl_party(&mut x, "AccountingCustomerParty", &doc.buyer);
    if let Some(d) = doc.delivery_date {
        let _ = write!(
            x,
            "<cac:Delivery><cbc:ActualDeliveryDate>{d}</cbc:ActualDeliveryDate></cac:Delivery>"
        );
    }
    if let Some(b) = &doc.bank {
        let _ = write!(
            x,
            "<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cbc:PaymentID>{}</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>{}</cbc:ID><cbc:Name>{}</cbc:Name><cac:FinancialInstitutionBranch><cbc:ID>{}</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount></cac:PaymentMeans>",
            escape(&doc.number),
            b.iban,
            escape(&doc.seller.name),
            b.bic
        );
    }
    if let Some(t) = &doc.payment_terms {
        let _ = write!(
            x,
            "<cac:PaymentTerms><cbc:Note>{}</cbc:Note></cac:PaymentTerms>",
            escape(t)
        );
    }
    let _ = write!(
        x,
        "<cac:TaxTotal><cbc:TaxAmount currencyID=\"{cur}\">{}</cbc:TaxAmount>",
        amount(doc.totals.tax)
    );
    for g in &doc.vat {
        let _ = write!(
            x,
            "<cac:TaxSubtotal><cbc:TaxableAmount currencyID=\"{cur}\">{}</cbc:TaxableAmount><cbc:TaxAmount currencyID=\"{cur}\">{}</cbc:TaxAmount><cac:TaxCategory><cbc:ID>{}</cbc:ID><cbc:Percent>{}</cbc:Percent>",
            amount(g.base),
            amount(g.tax),
            category(doc),
            plain(g.rate)
        );
        if doc.reverse_charge {
            x.push_str("<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode><cbc:TaxExemptionReason>Reverse charge</cbc:TaxExemptionReason>");
        }
        x.push_str("<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>");
    }
    x.push_str("</cac:TaxTotal>");
    let t = &doc.totals;
    let _ = write!(
        x,
        "<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID=\"{cur}\">{}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID=\"{cur}\">{}</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID=\"{cur}\">{}</cbc:TaxInclusiveAmount><cbc:PrepaidAmount currencyID=\"{cur}\">{}</cbc:PrepaidAmount><cbc:PayableAmount currencyID=\"{cur}\">{}</cbc:PayableAmount></cac:LegalMonetaryTotal>",
        amount(t.net),
        amount(t.net),
        amount(t.gross),
        amount(t.prepaid),
        amount(t.amount_due)
    );
    for l in &doc.lines {
        let _ = write!(
            x,
            "<cac:InvoiceLine><cbc:ID>{}</cbc:ID><cbc:InvoicedQuantity unitCode=\"{}\">{}</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID=\"{cur}\">{}</cbc:LineExtensionAmount><cac:Item><cbc:Name>{}</cbc:Name>",
            l.position,
            l.unit.code(),
            plain(l.quantity),
            amount(l.net_amount),
            escape(&l.description)
        );
        if let Some(id) = &l.item_id {
            let _ = write!(
                x,
                "<cac:SellersItemIdentification><cbc:ID>{}</cbc:ID></cac:SellersItemIdentification>",
                escape(id)
            );
        }
        let _ = write!(
            x,
            "<cac:ClassifiedTaxCategory><cbc:ID>{}</cbc:ID><cbc:Percent>{}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item><cac:Price><cbc:PriceAmount currencyID=\"{cur}\">{}</cbc:PriceAmount></cac:Price></cac:InvoiceLine>",
            category(doc),
            plain(l.tax_rate),
            amount(l.unit_price)
        );
    }
    x.push_str("</Invoice>\n");
    indent(&x)
}

/// Pretty-prints the XML we generate (no mixed content, no comments): one element per line.
fn indent(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() * 2);
    let mut depth: usize = 0;
    let mut rest = xml;
    // The declaration line stays as is.
    if let Some(end) = rest.find("?>\n") {
        out.push_str(&rest[..end + 3]);
        rest = &rest[end + 3..];
    }
    let mut i = 0;
    let bytes = rest.as_bytes();
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let close = rest[i..]
            .find('>')
            .map(|p| i + p)
            .unwrap_or(bytes.len() - 1);
        let tag = &rest[i..=close];
        if tag.starts_with("</") {
            depth = depth.saturating_sub(1);
            out.push_str(&"  ".repeat(depth));
            out.push_str(tag);
            out.push('\n');
            i = close + 1;
        } else if tag.ends_with("/>") {
            out.push_str(&"  ".repeat(depth));
            out.push_str(tag);
            out.push('\n');
            i = close + 1;
        } else {
            // An element with text content goes on one line with its end tag.
            let after = &rest[close + 1..];
            if !after.starts_with('<') {
                let text_end = after.find('<').unwrap_or(after.len());
                let end_tag_end = after[text_end..]
                    .find('>')
                    .map(|p| text_end + p)
                    .unwrap_or(after.len() - 1);
                out.push_str(&"  ".repeat(depth));
                out.push_str(tag);
                out.push_str(&after[..=end_tag_end]);
                out.push('\n');
                i = close + 1 + end_tag_end + 1;
            } else {
                out.push_str(&"  ".repeat(depth));
                out.push_str(tag);
                out.push('\n');
                depth += 1;
                i = close + 1;
            }
        }
    }
    out
}

/// The XMP packet of a Factur-X PDF: PDF/A-3B identification plus the Factur-X extension
/// schema (`fx:DocumentType`, `fx:DocumentFileName`, `fx:Version`, `fx:ConformanceLevel`), which
/// readers use to find the XML.
pub fn facturx_xmp(doc: &Document, creation_date_iso: &str) -> String {
    format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:CreatorTool>sapllm-corpus</xmp:CreatorTool>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
   <fx:DocumentType>INVOICE</fx:DocumentType>
   <fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>
   <fx:Version>1.0</fx:Version>
   <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        title = escape(&format!("Invoice {}", doc.number)),
        date = creation_date_iso,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocSpec, Language, VatMode, generate};
    use crate::rng::Rng;

    #[test]
    fn cii_carries_the_totals_and_is_balanced() {
        let doc = generate(
            &DocSpec {
                vat_mode: VatMode::TwoRates,
                with_po: true,
                ..DocSpec::invoice(Language::De)
            },
            &mut Rng::new(5),
        );
        let xml = cii_xml(&doc);
        assert!(xml.contains("<ram:ID>urn:cen.eu:en16931:2017</ram:ID>"));
        assert!(xml.contains(&format!(
            "<ram:GrandTotalAmount>{}</ram:GrandTotalAmount>",
            amount(doc.totals.gross)
        )));
        assert!(xml.contains(&format!(
            "<udt:DateTimeString format=\"102\">{}</udt:DateTimeString>",
            doc.issue_date.format("%Y%m%d")
        )));
        assert_eq!(
            xml.matches("<ram:ApplicableTradeTax>").count(),
            doc.lines.len() + 2
        );
        let opens = xml.matches("<ram:").count()
            + xml.matches("<rsm:").count()
            + xml.matches("<udt:").count();
        let closes = xml.matches("</ram:").count()
            + xml.matches("</rsm:").count()
            + xml.matches("</udt:").count();
        assert_eq!(opens, closes);
    }

    #[test]
    fn ubl_has_lines_and_escapes_text() {
        let mut doc = generate(&DocSpec::invoice(Language::En), &mut Rng::new(5));
        doc.seller.name = "Brandt & Kühn <GmbH>".into();
        let xml = ubl_xml(&doc);
        assert!(xml.contains("Brandt &amp; Kühn &lt;GmbH&gt;"));
        assert_eq!(xml.matches("<cac:InvoiceLine>").count(), doc.lines.len());
        assert!(xml.contains(&format!(
            "<cbc:PayableAmount currencyID=\"EUR\">{}</cbc:PayableAmount>",
            amount(doc.totals.amount_due)
        )));
    }
}
