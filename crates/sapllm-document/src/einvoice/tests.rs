//! Tests of the e-invoice readers: inline documents of each syntax, hostile inputs, and the
//! comparison of every XML of the `einvoice-dev` evaluation set with its ground truth.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use sapllm_core::{DocType, FieldKey, FieldValue, LineItem, LineKey, Normalisation, SourceKind};
use serde_json::Value;

use super::*;

// ---------------------------------------------------------------------------------------------
// Ground-truth comparison (shared/eval/ground-truth.md)
// ---------------------------------------------------------------------------------------------

/// How the ground truth compares a header key.
fn normalisation(key: FieldKey) -> Normalisation {
    use FieldKey::*;
    match key {
        InvoiceNumber | PoNumber | BuyerReference => Normalisation::Identifier,
        SellerName | BuyerName => Normalisation::Name,
        SellerVatId | BuyerVatId | SellerTaxNumber | SellerCountry | Currency | Iban | Bic => {
            Normalisation::UpperAlnum
        }
        PaymentTerms => Normalisation::FreeText,
        NetTotal | TaxTotal | GrossTotal | AmountDue => Normalisation::Amount,
        IssueDate | DueDate | DeliveryDate => Normalisation::Date,
    }
}

fn norm_field(key: FieldKey, raw: &str) -> Option<String> {
    normalisation(key).apply(raw)
}

/// Compares the header fields whose truth is given; `strict` also reports predicted keys that
/// the truth does not have.
fn compare_fields(
    got: &BTreeMap<FieldKey, sapllm_core::ExtractedField>,
    truth: &BTreeMap<FieldKey, String>,
    strict: bool,
    out: &mut Vec<String>,
) {
    for (key, want) in truth {
        match got.get(key) {
            None => out.push(format!("{key}: missing, want '{want}'")),
            Some(f) => {
                let plain = f.value.to_plain();
                if norm_field(*key, &plain) != norm_field(*key, want) {
                    out.push(format!("{key}: got '{plain}', want '{want}'"));
                }
            }
        }
    }
    if strict {
        for (key, f) in got {
            if !truth.contains_key(key) {
                out.push(format!("{key}: extra value '{}'", f.value.to_plain()));
            }
        }
    }
}

fn decimal_eq(a: &str, b: &str) -> bool {
    match (Decimal::from_str(a.trim()), Decimal::from_str(b.trim())) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn amount_key(s: &str) -> Option<String> {
    Normalisation::Amount.apply(s)
}

fn cell_plain(line: &LineItem, key: LineKey) -> Option<String> {
    line.cells.get(&key).map(|c| match &c.value {
        sapllm_core::FieldValue::Amount(d) => d.normalize().to_string(),
        other => other.to_plain(),
    })
}

/// Whether a predicted cell agrees with a true line value.
fn cell_matches(key: LineKey, got: &str, want: &str) -> bool {
    match key {
        LineKey::Quantity | LineKey::UnitPrice | LineKey::TaxRate => decimal_eq(got, want),
        LineKey::NetAmount => amount_key(got) == amount_key(want),
        // Stricter than the scoring (which pairs by closest description): same text after
        // whitespace is collapsed, case kept.
        LineKey::Description => collapse(got) == collapse(want),
        LineKey::Unit => got == want.trim(),
        LineKey::ItemId | LineKey::PoLine => {
            Normalisation::Identifier.apply(got) == Normalisation::Identifier.apply(want)
        }
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Greedy pairing as in ground-truth.md (equal net amount first, closest description second),
/// then every key of the true line must agree.
fn compare_lines(got: &[LineItem], truth: &[BTreeMap<String, String>], out: &mut Vec<String>) {
    if got.len() != truth.len() {
        out.push(format!(
            "line count: got {}, want {}",
            got.len(),
            truth.len()
        ));
    }
    let mut used = vec![false; got.len()];
    for (i, want) in truth.iter().enumerate() {
        let net = want.get("net_amount").and_then(|n| amount_key(n));
        let desc = want
            .get("description")
            .and_then(|d| Normalisation::FreeText.apply(d));
        let candidates: Vec<usize> = (0..got.len())
            .filter(|j| !used[*j])
            .filter(|j| {
                cell_plain(&got[*j], LineKey::NetAmount).and_then(|n| amount_key(&n)) == net
            })
            .collect();
        let same_desc = |j: &usize| {
            cell_plain(&got[*j], LineKey::Description)
                .and_then(|d| Normalisation::FreeText.apply(&d))
                == desc
        };
        let Some(j) = candidates
            .iter()
            .copied()
            .find(same_desc)
            .or(candidates.first().copied())
        else {
            out.push(format!(
                "line {}: no predicted line with net_amount {:?}",
                i + 1,
                want.get("net_amount")
            ));
            continue;
        };
        used[j] = true;
        for (k, v) in want {
            let Ok(key) = k.parse::<LineKey>() else {
                out.push(format!("line {}: unknown key {k}", i + 1));
                continue;
            };
            match cell_plain(&got[j], key) {
                Some(g) if cell_matches(key, &g, v) => {}
                Some(g) => out.push(format!("line {} {k}: got '{g}', want '{v}'", i + 1)),
                None => out.push(format!("line {} {k}: missing, want '{v}'", i + 1)),
            }
        }
    }
}

/// One ground-truth file, parsed.
struct Truth {
    doc_type: Option<String>,
    fields: BTreeMap<FieldKey, String>,
    lines: Option<Vec<BTreeMap<String, String>>>,
}

fn read_truth(path: &Path) -> Result<Truth, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut fields = BTreeMap::new();
    for (k, v) in json["fields"].as_object().into_iter().flatten() {
        let key = k.parse::<FieldKey>().map_err(|e| e.to_string())?;
        fields.insert(key, v.as_str().unwrap_or_default().to_owned());
    }
    let lines = json["line_items"].as_array().map(|lines| {
        lines
            .iter()
            .map(|l| {
                l.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .collect()
    });
    Ok(Truth {
        doc_type: json["doc_type"].as_str().map(str::to_owned),
        fields,
        lines,
    })
}

/// How much a dev-set run compared, for the printed summary.
#[derive(Debug, Default)]
struct Tally {
    header_values: usize,
    lines: usize,
}

/// All mismatches of one XML against its truth.
fn compare(xml: &[u8], truth: &Truth, strict: bool, tally: &mut Tally) -> Vec<String> {
    tally.header_values += truth.fields.len();
    tally.lines += truth.lines.as_ref().map_or(0, Vec::len);
    let inv = match parse_einvoice(xml) {
        Ok(inv) => inv,
        Err(e) => return vec![format!("parse error: {e}")],
    };
    let mut out = Vec::new();
    let got_type = inv.doc_type.map(|d| d.as_str().to_owned());
    if got_type != truth.doc_type {
        out.push(format!(
            "doc_type: got {got_type:?}, want {:?}",
            truth.doc_type
        ));
    }
    compare_fields(&inv.fields, &truth.fields, strict, &mut out);
    if let Some(lines) = &truth.lines {
        compare_lines(&inv.line_items, lines, &mut out);
    }
    out
}

fn dev_set() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/einvoice-dev");
    dir.is_dir().then_some(dir)
}

fn sorted_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)));
    files.sort();
    files
}

/// Every XML in `einvoice-dev/xml/` against its twin JSON. The ground truth of these files holds
/// every value the XML has (nothing is filtered as unprinted), so predicted keys missing from the
/// truth are reported too.
#[test]
fn dev_set_xml_files_match_their_ground_truth() {
    let Some(dev) = dev_set() else {
        println!("skipped: shared/data/einvoice-dev not found");
        return;
    };
    let files = sorted_files(&dev.join("xml"), "xml");
    assert!(
        !files.is_empty(),
        "no XML files in {}",
        dev.join("xml").display()
    );
    let (mut failures, mut tally) = (Vec::new(), Tally::default());
    for xml_path in &files {
        let xml = std::fs::read(xml_path).unwrap_or_default();
        let problems = match read_truth(&xml_path.with_extension("json")) {
            Ok(truth) => compare(&xml, &truth, true, &mut tally),
            Err(e) => vec![e],
        };
        if !problems.is_empty() {
            failures.push(format!(
                "{}:\n    {}",
                file_name(xml_path),
                problems.join("\n    ")
            ));
        }
    }
    println!(
        "einvoice-dev xml/: {} of {} files match ({tally:?} compared)",
        files.len() - failures.len(),
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} mismatching files:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The XML embedded in each PDF of the dev set, pre-extracted into
/// `$SAPLLM_EINVOICE_EMBEDDED_XML/<pdf stem>/*.xml` (e.g. with `pdfdetach -saveall`). Compared
/// with the PDF's JSON (keys present there) and, strictly, with every XML value listed in
/// `pagecheck.tsv` (which also holds the values left out of the JSON as not printed).
#[test]
fn dev_set_embedded_xml_match_their_ground_truth() {
    let (Some(dev), Some(extracted)) =
        (dev_set(), std::env::var_os("SAPLLM_EINVOICE_EMBEDDED_XML"))
    else {
        println!(
            "skipped: set SAPLLM_EINVOICE_EMBEDDED_XML to a folder of extracted PDF attachments"
        );
        return;
    };
    let all_values = read_pagecheck(&dev.join("pagecheck.tsv"));
    let pdfs = sorted_files(&dev, "pdf");
    let (mut failures, mut tally) = (Vec::new(), Tally::default());
    for pdf in &pdfs {
        let stem = pdf
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let problems = check_embedded(
            &Path::new(&extracted).join(&stem),
            &dev.join(format!("{stem}.json")),
            all_values.get(&stem),
            &mut tally,
        );
        if !problems.is_empty() {
            failures.push(format!("{stem}:\n    {}", problems.join("\n    ")));
        }
    }
    println!(
        "einvoice-dev PDFs: embedded XML of {} of {} match ({tally:?} compared)",
        pdfs.len() - failures.len(),
        pdfs.len()
    );
    assert!(
        failures.is_empty(),
        "{} mismatching PDFs:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn check_embedded(
    folder: &Path,
    json: &Path,
    all_values: Option<&BTreeMap<FieldKey, String>>,
    tally: &mut Tally,
) -> Vec<String> {
    let Some(xml_path) = sorted_files(folder, "xml").into_iter().next() else {
        return vec![format!("no extracted XML in {}", folder.display())];
    };
    let xml = std::fs::read(&xml_path).unwrap_or_default();
    let mut truth = match read_truth(json) {
        Ok(t) => t,
        Err(e) => return vec![e],
    };
    // Values not printed on the page are absent from the JSON but listed in pagecheck.tsv;
    // with them the truth is the complete XML content, so the comparison can be strict.
    if let Some(all) = all_values {
        for (k, v) in all {
            truth.fields.entry(*k).or_insert_with(|| v.clone());
        }
    }
    compare(&xml, &truth, all_values.is_some(), tally)
}

/// `pagecheck.tsv`: file, field, value, found_in_pdftotext, kept_in_json; header fields only.
fn read_pagecheck(path: &Path) -> BTreeMap<String, BTreeMap<FieldKey, String>> {
    let mut out: BTreeMap<String, BTreeMap<FieldKey, String>> = BTreeMap::new();
    let text = std::fs::read_to_string(path).unwrap_or_default();
    for row in text.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let [file, field, value, ..] = cols.as_slice() else {
            continue;
        };
        let Ok(key) = field.parse::<FieldKey>() else {
            continue;
        };
        let stem = file.trim_end_matches(".pdf").to_owned();
        out.entry(stem)
            .or_default()
            .insert(key, (*value).to_owned());
    }
    out
}

#[test]
fn comparison_helpers_follow_ground_truth_rules() {
    let truth = BTreeMap::from([(FieldKey::SellerVatId, "de 123 456 789".to_owned())]);
    let got: BTreeMap<_, _> = parse_einvoice(CII_INVOICE.as_bytes()).unwrap().fields;
    let mut out = Vec::new();
    compare_fields(&got, &truth, false, &mut out);
    assert!(out.is_empty(), "{out:?}");
    compare_fields(&got, &truth, true, &mut out);
    assert!(!out.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Inline documents
// ---------------------------------------------------------------------------------------------

const CII_INVOICE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext>
  <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
 </rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument>
  <ram:ID>RE-2024 / 1</ram:ID>
  <ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20240305</udt:DateTimeString></ram:IssueDateTime>
  <ram:IncludedNote><ram:Content>Rechnung</ram:Content></ram:IncludedNote>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedTradeProduct><ram:SellerAssignedID>TB100A4</ram:SellerAssignedID><ram:Name> Trennblätter A4 </ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement>
    <ram:BuyerOrderReferencedDocument><ram:LineID>7</ram:LineID></ram:BuyerOrderReferencedDocument>
    <ram:NetPriceProductTradePrice><ram:ChargeAmount>9.90</ram:ChargeAmount></ram:NetPriceProductTradePrice>
   </ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">20.0000</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>19</ram:RateApplicablePercent></ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>198.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
   </ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:BuyerReference>04011000-12345-34</ram:BuyerReference>
   <ram:SellerTradeParty>
    <ram:Name>Lieferant GmbH</ram:Name>
    <ram:PostalTradeAddress><ram:CountryID>de</ram:CountryID></ram:PostalTradeAddress>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE 123 456 789</ram:ID></ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Kunden AG</ram:Name></ram:BuyerTradeParty>
   <ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>PO-77</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery>
   <ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime><udt:DateTimeString format="102">20240301</udt:DateTimeString></ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>
  </ram:ApplicableHeaderTradeDelivery>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementPaymentMeans>
    <ram:TypeCode>59</ram:TypeCode>
    <ram:PayerPartyDebtorFinancialAccount><ram:IBANID>DE02120300000000202051</ram:IBANID></ram:PayerPartyDebtorFinancialAccount>
   </ram:SpecifiedTradeSettlementPaymentMeans>
   <ram:SpecifiedTradeSettlementPaymentMeans>
    <ram:TypeCode>58</ram:TypeCode>
    <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>de75 5121 0800 1245 1261 99</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
    <ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>SOGEDEFFXXX</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>
   </ram:SpecifiedTradeSettlementPaymentMeans>
   <ram:ApplicableTradeTax>
    <ram:CalculatedAmount>37.62</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>198.00</ram:BasisAmount>
    <ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>19</ram:RateApplicablePercent>
   </ram:ApplicableTradeTax>
   <ram:SpecifiedTradePaymentTerms>
    <ram:Description>Zahlbar innerhalb 30 Tagen</ram:Description>
    <ram:DueDateDateTime><udt:DateTimeString format="102">20240404</udt:DateTimeString></ram:DueDateDateTime>
   </ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradePaymentTerms><ram:Description>netto.</ram:Description></ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>198.00</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount>198.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="USD">40.00</ram:TaxTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">37.62</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>235.62</ram:GrandTotalAmount>
    <ram:DuePayableAmount>235.62</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"#;

/// The value as a string, amounts without trailing zeros (so expectations read as written).
fn plain(inv: &EInvoice, key: FieldKey) -> Option<String> {
    inv.fields.get(&key).map(|f| match &f.value {
        sapllm_core::FieldValue::Amount(d) => d.normalize().to_string(),
        other => other.to_plain(),
    })
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn cii_invoice_all_header_fields_lines_and_vat() {
    let inv = parse_einvoice(CII_INVOICE.as_bytes()).unwrap();
    assert_eq!(inv.syntax, EInvoiceSyntax::Cii);
    assert_eq!(inv.profile.as_deref(), Some("urn:cen.eu:en16931:2017"));
    assert_eq!(inv.type_code.as_deref(), Some("380"));
    assert_eq!(inv.doc_type, Some(DocType::Invoice));
    assert_eq!(inv.notes, vec!["Rechnung".to_owned()]);

    let expect = [
        (FieldKey::InvoiceNumber, "RE-2024 / 1"),
        (FieldKey::IssueDate, "2024-03-05"),
        (FieldKey::DueDate, "2024-04-04"),
        (FieldKey::DeliveryDate, "2024-03-01"),
        (FieldKey::Currency, "EUR"),
        (FieldKey::PoNumber, "PO-77"),
        (FieldKey::BuyerReference, "04011000-12345-34"),
        (FieldKey::SellerName, "Lieferant GmbH"),
        (FieldKey::SellerVatId, "DE123456789"),
        (FieldKey::SellerTaxNumber, "201/113/40209"),
        (FieldKey::SellerCountry, "DE"),
        (FieldKey::BuyerName, "Kunden AG"),
        // The payee account, not the direct-debit account listed first.
        (FieldKey::Iban, "DE75512108001245126199"),
        (FieldKey::Bic, "SOGEDEFFXXX"),
        (FieldKey::PaymentTerms, "Zahlbar innerhalb 30 Tagen netto."),
        (FieldKey::NetTotal, "198"),
        // The tax total in the invoice currency, not the other one.
        (FieldKey::TaxTotal, "37.62"),
        (FieldKey::GrossTotal, "235.62"),
        (FieldKey::AmountDue, "235.62"),
    ];
    for (key, want) in expect {
        assert_eq!(plain(&inv, key).as_deref(), Some(want), "{key}");
    }
    assert!(!inv.fields.contains_key(&FieldKey::BuyerVatId));

    let gross = &inv.fields[&FieldKey::GrossTotal];
    assert_eq!(gross.value, FieldValue::Amount(dec("235.62")));
    assert_eq!(gross.confidence, 1.0);
    assert!(gross.alternatives.is_empty());
    assert_eq!(gross.provenance.source, SourceKind::EInvoiceXml);
    assert_eq!(gross.provenance.producer.name, "einvoice.cii");
    assert_eq!(gross.provenance.producer.version, EINVOICE_READER_VERSION);
    assert_eq!(gross.provenance.raw, "235.62");
    assert!(gross.provenance.explanation.contains(
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount"
    ));

    assert_eq!(inv.line_items.len(), 1);
    let line = &inv.line_items[0];
    assert_eq!(line.text(LineKey::Description), Some("Trennblätter A4"));
    assert_eq!(line.amount(LineKey::Quantity), Some(dec("20")));
    assert_eq!(line.text(LineKey::Unit), Some("H87"));
    assert_eq!(line.amount(LineKey::UnitPrice), Some(dec("9.90")));
    assert_eq!(line.amount(LineKey::NetAmount), Some(dec("198.00")));
    assert_eq!(line.amount(LineKey::TaxRate), Some(dec("19")));
    assert_eq!(line.text(LineKey::ItemId), Some("TB100A4"));
    assert_eq!(line.text(LineKey::PoLine), Some("7"));

    assert_eq!(inv.vat_breakdown.len(), 1);
    let vat = &inv.vat_breakdown[0];
    assert_eq!(vat.category.as_deref(), Some("S"));
    assert_eq!(vat.rate, Some(dec("19")));
    assert_eq!(vat.taxable_amount, Some(dec("198.00")));
    assert_eq!(vat.tax_amount, Some(dec("37.62")));
}

const UBL_CREDIT_NOTE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
 <cbc:ID>GS-0815</cbc:ID>
 <cbc:IssueDate>2019-09-23</cbc:IssueDate>
 <cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
 <cbc:Note>Gutschrift zu Rechnung 4711</cbc:Note>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cbc:BuyerReference>018304</cbc:BuyerReference>
 <cac:OrderReference><cbc:ID>PO-1</cbc:ID></cac:OrderReference>
 <cac:AccountingSupplierParty><cac:Party>
  <cac:PartyName><cbc:Name>Trading Name</cbc:Name></cac:PartyName>
  <cac:PostalAddress><cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
  <cac:PartyTaxScheme><cbc:CompanyID>BE0000000196</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyTaxScheme><cbc:CompanyID>12/345/67890</cbc:CompanyID><cac:TaxScheme><cbc:ID>FC</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>My Supplier Company</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party>
  <cac:PartyTaxScheme><cbc:CompanyID>BE0000000295</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>My Customer Company</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingCustomerParty>
 <cac:Delivery><cbc:ActualDeliveryDate>2019-09-20</cbc:ActualDeliveryDate></cac:Delivery>
 <cac:PaymentMeans>
  <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
  <cbc:PaymentDueDate>2019-10-23</cbc:PaymentDueDate>
  <cac:PayeeFinancialAccount><cbc:ID>BE91 0000 0014 3476</cbc:ID>
   <cac:FinancialInstitutionBranch><cbc:ID>BPOTBEB1</cbc:ID></cac:FinancialInstitutionBranch>
  </cac:PayeeFinancialAccount>
 </cac:PaymentMeans>
 <cac:PaymentTerms><cbc:Note>Wird verrechnet.</cbc:Note></cac:PaymentTerms>
 <cac:TaxTotal>
  <cbc:TaxAmount currencyID="EUR">19.00</cbc:TaxAmount>
  <cac:TaxSubtotal>
   <cbc:TaxableAmount currencyID="EUR">100.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">19.00</cbc:TaxAmount>
   <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
  </cac:TaxSubtotal>
 </cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">119.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">119.00</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
 <cac:CreditNoteLine>
  <cbc:ID>1</cbc:ID>
  <cbc:CreditedQuantity unitCode="C62">1</cbc:CreditedQuantity>
  <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
  <cac:OrderLineReference><cbc:LineID>3</cbc:LineID></cac:OrderLineReference>
  <cac:Item><cbc:Name>Rückvergütung</cbc:Name>
   <cac:SellersItemIdentification><cbc:ID>V55</cbc:ID></cac:SellersItemIdentification>
   <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
  </cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">100.00</cbc:PriceAmount></cac:Price>
 </cac:CreditNoteLine>
</CreditNote>"#;

/// A UBL credit note states positive amounts; the ground truth keeps them as stated and marks the
/// document as a credit note.
#[test]
fn ubl_credit_note_keeps_amounts_as_stated() {
    let inv = parse_einvoice(UBL_CREDIT_NOTE.as_bytes()).unwrap();
    assert_eq!(inv.syntax, EInvoiceSyntax::Ubl);
    assert_eq!(inv.type_code.as_deref(), Some("381"));
    assert_eq!(inv.doc_type, Some(DocType::CreditNote));
    assert_eq!(inv.notes, vec!["Gutschrift zu Rechnung 4711".to_owned()]);
    let expect = [
        (FieldKey::InvoiceNumber, "GS-0815"),
        (FieldKey::IssueDate, "2019-09-23"),
        (FieldKey::DueDate, "2019-10-23"),
        (FieldKey::DeliveryDate, "2019-09-20"),
        (FieldKey::Currency, "EUR"),
        (FieldKey::PoNumber, "PO-1"),
        (FieldKey::BuyerReference, "018304"),
        // Legal name preferred over the trading name.
        (FieldKey::SellerName, "My Supplier Company"),
        (FieldKey::SellerVatId, "BE0000000196"),
        (FieldKey::SellerTaxNumber, "12/345/67890"),
        (FieldKey::SellerCountry, "BE"),
        (FieldKey::BuyerName, "My Customer Company"),
        (FieldKey::BuyerVatId, "BE0000000295"),
        (FieldKey::Iban, "BE91000000143476"),
        (FieldKey::Bic, "BPOTBEB1"),
        (FieldKey::PaymentTerms, "Wird verrechnet."),
        (FieldKey::NetTotal, "100"),
        (FieldKey::TaxTotal, "19"),
        (FieldKey::GrossTotal, "119"),
        (FieldKey::AmountDue, "119"),
    ];
    for (key, want) in expect {
        assert_eq!(plain(&inv, key).as_deref(), Some(want), "{key}");
    }
    assert_eq!(
        inv.fields[&FieldKey::AmountDue].provenance.producer.name,
        "einvoice.ubl"
    );
    let line = &inv.line_items[0];
    assert_eq!(line.amount(LineKey::NetAmount), Some(dec("100.00")));
    assert_eq!(line.amount(LineKey::Quantity), Some(dec("1")));
    assert_eq!(line.text(LineKey::Unit), Some("C62"));
    assert_eq!(line.text(LineKey::PoLine), Some("3"));
    assert_eq!(line.text(LineKey::ItemId), Some("V55"));
    assert_eq!(inv.vat_breakdown.len(), 1);
}

const ZUGFERD_V1: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
 <rsm:SpecifiedExchangedDocumentContext>
  <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
 </rsm:SpecifiedExchangedDocumentContext>
 <rsm:HeaderExchangedDocument>
  <ram:ID>RE1337</ram:ID>
  <ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20130305</udt:DateTimeString></ram:IssueDateTime>
  <ram:IncludedNote><ram:Content>Test Node 1</ram:Content></ram:IncludedNote>
 </rsm:HeaderExchangedDocument>
 <rsm:SpecifiedSupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:IncludedNote><ram:Content>Text line</ram:Content></ram:IncludedNote></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedSupplyChainTradeSettlement />
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableSupplyChainTradeAgreement>
   <ram:BuyerReference>AB-312</ram:BuyerReference>
   <ram:SellerTradeParty>
    <ram:Name>Lieferant GmbH</ram:Name>
    <ram:PostalTradeAddress><ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Kunden AG Mitte</ram:Name></ram:BuyerTradeParty>
   <ram:BuyerOrderReferencedDocument><ram:ID>B-4711</ram:ID></ram:BuyerOrderReferencedDocument>
  </ram:ApplicableSupplyChainTradeAgreement>
  <ram:ApplicableSupplyChainTradeDelivery>
   <ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime><udt:DateTimeString format="102">20130305</udt:DateTimeString></ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>
  </ram:ApplicableSupplyChainTradeDelivery>
  <ram:ApplicableSupplyChainTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementPaymentMeans>
    <ram:TypeCode>31</ram:TypeCode>
    <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE08700901001234567890</ram:IBANID><ram:AccountName></ram:AccountName></ram:PayeePartyCreditorFinancialAccount>
    <ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>GENODEF1M04</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>
   </ram:SpecifiedTradeSettlementPaymentMeans>
   <ram:ApplicableTradeTax>
    <ram:CalculatedAmount currencyID="EUR">37.62</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>
    <ram:BasisAmount currencyID="EUR">198.00</ram:BasisAmount><ram:ApplicablePercent>19.00</ram:ApplicablePercent>
   </ram:ApplicableTradeTax>
   <ram:SpecifiedTradePaymentTerms>
    <ram:Description>Zahlbar innerhalb von 20 Tagen</ram:Description>
    <ram:DueDateDateTime><udt:DateTimeString format="102">20130404</udt:DateTimeString></ram:DueDateDateTime>
   </ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradeSettlementMonetarySummation>
    <ram:LineTotalAmount currencyID="EUR">198.00</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount currencyID="EUR">198.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">37.62</ram:TaxTotalAmount>
    <ram:GrandTotalAmount currencyID="EUR">235.62</ram:GrandTotalAmount>
    <ram:DuePayableAmount currencyID="EUR">235.62</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementMonetarySummation>
  </ram:ApplicableSupplyChainTradeSettlement>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedSupplyChainTradeAgreement>
    <ram:GrossPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">11.70</ram:ChargeAmount></ram:GrossPriceProductTradePrice>
    <ram:NetPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">9.9000</ram:ChargeAmount></ram:NetPriceProductTradePrice>
   </ram:SpecifiedSupplyChainTradeAgreement>
   <ram:SpecifiedSupplyChainTradeDelivery><ram:BilledQuantity unitCode="C62">20.0000</ram:BilledQuantity></ram:SpecifiedSupplyChainTradeDelivery>
   <ram:SpecifiedSupplyChainTradeSettlement>
    <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:ApplicablePercent>19.00</ram:ApplicablePercent></ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementMonetarySummation><ram:LineTotalAmount currencyID="EUR">198.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementMonetarySummation>
   </ram:SpecifiedSupplyChainTradeSettlement>
   <ram:SpecifiedTradeProduct><ram:SellerAssignedID>TB100A4</ram:SellerAssignedID><ram:Name>Trennblätter A4</ram:Name></ram:SpecifiedTradeProduct>
  </ram:IncludedSupplyChainTradeLineItem>
 </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>"#;

#[test]
fn zugferd_v1_uses_its_own_element_names() {
    let inv = parse_einvoice(ZUGFERD_V1.as_bytes()).unwrap();
    assert_eq!(inv.syntax, EInvoiceSyntax::ZugferdV1);
    assert_eq!(
        inv.profile.as_deref(),
        Some("urn:ferd:CrossIndustryDocument:invoice:1p0:comfort")
    );
    assert_eq!(inv.doc_type, Some(DocType::Invoice));
    let expect = [
        (FieldKey::InvoiceNumber, "RE1337"),
        (FieldKey::IssueDate, "2013-03-05"),
        (FieldKey::DueDate, "2013-04-04"),
        (FieldKey::DeliveryDate, "2013-03-05"),
        (FieldKey::Currency, "EUR"),
        (FieldKey::PoNumber, "B-4711"),
        (FieldKey::BuyerReference, "AB-312"),
        (FieldKey::SellerName, "Lieferant GmbH"),
        (FieldKey::SellerVatId, "DE123456789"),
        (FieldKey::SellerTaxNumber, "201/113/40209"),
        (FieldKey::SellerCountry, "DE"),
        (FieldKey::BuyerName, "Kunden AG Mitte"),
        (FieldKey::Iban, "DE08700901001234567890"),
        (FieldKey::Bic, "GENODEF1M04"),
        (FieldKey::PaymentTerms, "Zahlbar innerhalb von 20 Tagen"),
        (FieldKey::NetTotal, "198"),
        (FieldKey::TaxTotal, "37.62"),
        (FieldKey::GrossTotal, "235.62"),
        (FieldKey::AmountDue, "235.62"),
    ];
    for (key, want) in expect {
        assert_eq!(plain(&inv, key).as_deref(), Some(want), "{key}");
    }
    assert_eq!(
        inv.fields[&FieldKey::NetTotal].provenance.producer.name,
        "einvoice.zugferd1"
    );
    // The pure text line carries no values and is not a line item.
    assert_eq!(inv.line_items.len(), 1);
    let line = &inv.line_items[0];
    assert_eq!(line.amount(LineKey::UnitPrice), Some(dec("9.9")));
    assert_eq!(line.amount(LineKey::TaxRate), Some(dec("19")));
    assert_eq!(line.amount(LineKey::NetAmount), Some(dec("198")));
    assert_eq!(line.text(LineKey::Description), Some("Trennblätter A4"));
    assert_eq!(inv.vat_breakdown[0].rate, Some(dec("19")));
}

#[test]
fn order_x_types_and_quantities() {
    let xml = r#"<rsm:SCRDMCCBDACIOMessageStructure xmlns:rsm="urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"
      xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:128"
      xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:128">
     <rsm:ExchangedDocument><ram:ID>PO1</ram:ID><ram:TypeCode>220</ram:TypeCode>
      <ram:IssueDateTime><udt:DateTimeString format="203">202003311232</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
     <rsm:SupplyChainTradeTransaction>
      <ram:IncludedSupplyChainTradeLineItem>
       <ram:SpecifiedLineTradeDelivery><ram:RequestedQuantity unitCode="C62">6</ram:RequestedQuantity></ram:SpecifiedLineTradeDelivery>
       <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>60.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
      </ram:IncludedSupplyChainTradeLineItem>
      <ram:ApplicableHeaderTradeSettlement><ram:OrderCurrencyCode>EUR</ram:OrderCurrencyCode></ram:ApplicableHeaderTradeSettlement>
     </rsm:SupplyChainTradeTransaction>
    </rsm:SCRDMCCBDACIOMessageStructure>"#;
    let inv = parse_einvoice(xml.as_bytes()).unwrap();
    assert_eq!(inv.syntax, EInvoiceSyntax::OrderX);
    assert_eq!(inv.doc_type, Some(DocType::PurchaseOrder));
    assert_eq!(
        plain(&inv, FieldKey::IssueDate).as_deref(),
        Some("2020-03-31")
    );
    assert_eq!(plain(&inv, FieldKey::Currency).as_deref(), Some("EUR"));
    assert_eq!(inv.line_items[0].amount(LineKey::Quantity), Some(dec("6")));
    assert_eq!(
        doc_type_for(EInvoiceSyntax::OrderX, "231"),
        Some(DocType::OrderConfirmation)
    );
    assert_eq!(doc_type_for(EInvoiceSyntax::OrderX, "230"), None);
    assert_eq!(
        doc_type_for(EInvoiceSyntax::Cii, "383"),
        Some(DocType::DebitNote)
    );
    assert_eq!(
        doc_type_for(EInvoiceSyntax::Cii, "875"),
        Some(DocType::Invoice)
    );
    assert_eq!(doc_type_for(EInvoiceSyntax::Cii, "999"), None);
}

// ---------------------------------------------------------------------------------------------
// Encodings, sniffing and hostile input
// ---------------------------------------------------------------------------------------------

#[test]
fn bom_utf16_and_latin1_are_decoded() {
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), CII_INVOICE.as_bytes()].concat();
    assert!(parse_einvoice(&with_bom).is_ok());

    let utf16 = CII_INVOICE.replace("UTF-8", "UTF-16");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(utf16.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let inv = parse_einvoice(&bytes).unwrap();
    assert_eq!(
        inv.line_items[0].text(LineKey::Description),
        Some("Trennblätter A4")
    );

    let latin1: Vec<u8> = CII_INVOICE
        .replace("UTF-8", "ISO-8859-1")
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    let inv = parse_einvoice(&latin1).unwrap();
    assert_eq!(
        inv.line_items[0].text(LineKey::Description),
        Some("Trennblätter A4")
    );
}

#[test]
fn sniffing_reads_only_the_root() {
    assert_eq!(
        sniff_xml_root(CII_INVOICE.as_bytes()),
        Some(EInvoiceSyntax::Cii)
    );
    assert_eq!(
        sniff_xml_root(UBL_CREDIT_NOTE.as_bytes()),
        Some(EInvoiceSyntax::Ubl)
    );
    assert_eq!(
        sniff_xml_root(ZUGFERD_V1.as_bytes()),
        Some(EInvoiceSyntax::ZugferdV1)
    );
    let ubl = "<?xml version='1.0'?><!-- c --><?pi x?>\n<ubl:Invoice xmlns:cbc='x' xmlns:ubl='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'><cbc:ID>1";
    assert_eq!(sniff_xml_root(ubl.as_bytes()), Some(EInvoiceSyntax::Ubl));
    let orderx = "<rsm:SCRDMCCBDACIOMessageStructure xmlns:rsm=\"urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100\">";
    assert_eq!(
        sniff_xml_root(orderx.as_bytes()),
        Some(EInvoiceSyntax::OrderX)
    );
    // Right name, wrong namespace; other XML; not XML; empty.
    assert_eq!(sniff_xml_root(b"<Invoice xmlns='urn:example'/>"), None);
    assert_eq!(
        sniff_xml_root(b"<Document><BkToCstmrStmt/></Document>"),
        None
    );
    assert_eq!(sniff_xml_root(b"%PDF-1.7"), None);
    assert_eq!(sniff_xml_root(b""), None);
    assert_eq!(sniff_xml_root(b"<!DOCTYPE x><x/>"), None);
    // A DOCTYPE does not hide the root from sniffing; parsing then refuses the document.
    let with_dtd = format!(
        "<?xml version='1.0'?><!DOCTYPE r [ <!ENTITY e 'x'> ]>{}",
        CII_INVOICE.split_once("?>").unwrap().1
    );
    assert_eq!(
        sniff_xml_root(with_dtd.as_bytes()),
        Some(EInvoiceSyntax::Cii)
    );
    assert!(hostile(with_dtd.as_bytes()));
}

fn hostile(xml: &[u8]) -> bool {
    matches!(parse_einvoice(xml), Err(DocumentError::HostileXml(_)))
}

#[test]
fn billion_laughs_is_refused() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">&lol4;</rsm:CrossIndustryInvoice>"#;
    assert!(hostile(xml.as_bytes()));
}

#[test]
fn external_entity_is_refused() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
 <rsm:ExchangedDocument><ram:ID>&xxe;</ram:ID></rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>"#;
    assert!(hostile(xml.as_bytes()));
    // A bare DOCTYPE without entities is refused too.
    assert!(hostile(
        b"<!DOCTYPE x SYSTEM \"http://example.com/x.dtd\"><x/>"
    ));
}

#[test]
fn oversize_input_is_refused_before_parsing() {
    let mut xml = b"<x>".to_vec();
    xml.resize(MAX_XML_BYTES + 1, b' ');
    assert!(hostile(&xml));
}

#[test]
fn too_many_nodes_is_refused() {
    let xml = format!(
        "<x>{}</x>",
        "<a/>".repeat(guard::MAX_XML_NODES as usize + 10)
    );
    assert!(hostile(xml.as_bytes()));
}

#[test]
fn broken_and_foreign_inputs_fail_with_the_right_error() {
    assert!(matches!(parse_einvoice(b""), Err(DocumentError::Empty)));
    assert!(matches!(
        parse_einvoice(b"   "),
        Err(DocumentError::XmlSyntax(_))
    ));
    assert!(matches!(
        parse_einvoice(&[0xFF, 0x00, 0x13, 0x80, 0xC3]),
        Err(DocumentError::XmlSyntax(_))
    ));
    assert!(matches!(
        parse_einvoice(b"%PDF-1.7\n%\xE2\xE3"),
        Err(DocumentError::XmlSyntax(_))
    ));
    assert!(matches!(
        parse_einvoice(b"<a><b></a>"),
        Err(DocumentError::XmlSyntax(_))
    ));
    assert!(matches!(
        parse_einvoice(b"<Invoice>&undefined;</Invoice>"),
        Err(DocumentError::XmlSyntax(_))
    ));
    assert!(matches!(
        parse_einvoice(b"<Document><BkToCstmrStmt/></Document>"),
        Err(DocumentError::NotAnEInvoice(_))
    ));
    assert!(matches!(
        parse_einvoice(b"<Invoice xmlns='urn:example'/>"),
        Err(DocumentError::NotAnEInvoice(_))
    ));
    let deep = format!("{}{}", "<a>".repeat(50_000), "</a>".repeat(50_000));
    assert!(parse_einvoice(deep.as_bytes()).is_err());
}

#[test]
fn unparsable_values_are_reported_with_their_path() {
    let xml = CII_INVOICE.replace(
        "<ram:GrandTotalAmount>235.62",
        "<ram:GrandTotalAmount>235,62",
    );
    match parse_einvoice(xml.as_bytes()) {
        Err(DocumentError::InvalidValue { path, .. }) => {
            assert!(path.ends_with("ram:GrandTotalAmount"), "{path}")
        }
        other => panic!("unexpected {other:?}"),
    }
    let xml = CII_INVOICE.replace(">20240305<", ">20241305<");
    assert!(matches!(
        parse_einvoice(xml.as_bytes()),
        Err(DocumentError::InvalidValue { .. })
    ));
}

/// Minimal documents of every syntax with nothing but the root: no panic, empty results.
#[test]
fn empty_documents_of_every_syntax_do_not_panic() {
    for xml in [
        "<rsm:CrossIndustryInvoice xmlns:rsm='urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100'/>",
        "<rsm:CrossIndustryDocument xmlns:rsm='urn:ferd:CrossIndustryDocument:invoice:1p0'/>",
        "<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>",
        "<CreditNote xmlns='urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2'/>",
        "<r:SCRDMCCBDACIOMessageStructure xmlns:r='urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100'/>",
    ] {
        let inv = parse_einvoice(xml.as_bytes()).unwrap();
        assert!(inv.fields.is_empty() && inv.line_items.is_empty(), "{xml}");
    }
}

/// Truncations and byte flips of a real document never panic.
#[test]
fn mutated_documents_never_panic() {
    let bytes = CII_INVOICE.as_bytes();
    for cut in (0..bytes.len()).step_by(37) {
        let _ = parse_einvoice(&bytes[..cut]);
        let _ = sniff_xml_root(&bytes[..cut]);
    }
    let mut seen = BTreeSet::new();
    for i in (0..bytes.len()).step_by(53) {
        let mut m = bytes.to_vec();
        m[i] = m[i].wrapping_add(1);
        seen.insert(parse_einvoice(&m).is_ok());
    }
    assert!(!seen.is_empty());
}
