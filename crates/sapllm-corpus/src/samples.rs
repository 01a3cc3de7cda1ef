//! The curated sample set, the layout gallery, and helpers to turn a document into files.
//!
//! Every sample has its own random stream derived from the seed and its stem
//! ([`Rng::derive`]), so adding or reordering samples never changes the others.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sapllm_core::DocType;

use crate::CorpusError;
use crate::bad;
use crate::einvoice;
use crate::ground_truth::GroundTruth;
use crate::layout::{self, Family, Rendered};
use crate::model::{Country, DocSpec, Document, Language, VatMode, generate};
use crate::pdf::{AfRelationship, Attachment, Encryption};
use crate::rng::Rng;

/// User password of `bad/encrypted.pdf`.
pub const ENCRYPTED_USER_PASSWORD: &str = "sapllm-user";
/// Owner password of `bad/encrypted.pdf`.
pub const ENCRYPTED_OWNER_PASSWORD: &str = "sapllm-owner";

/// How a sample is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A PDF with a text layer.
    Pdf,
    /// A PDF with its CII XML embedded as `factur-x.xml` (ZUGFeRD 2 / Factur-X, EN 16931).
    FacturX,
    /// An image-only PDF that looks scanned (no text layer, no fonts).
    Scanned,
    /// A standalone UBL 2.1 invoice XML.
    UblXml,
}

/// One entry of the sample plan.
#[derive(Debug, Clone)]
pub struct SampleSpec {
    pub stem: &'static str,
    pub doc: DocSpec,
    pub family: Family,
    pub output: Output,
    /// What is special about it, for the README.
    pub note: &'static str,
}

/// A file to write: its path relative to the output folder, bytes and a one-line description.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub path: String,
    pub bytes: Vec<u8>,
    pub description: String,
}

fn spec(
    stem: &'static str,
    doc: DocSpec,
    family: Family,
    output: Output,
    note: &'static str,
) -> SampleSpec {
    SampleSpec {
        stem,
        doc,
        family,
        output,
        note,
    }
}

/// The sample set: 14 invoices in 14 layout families (EN, DE, FR), a credit note, a purchase
/// order, a delivery note, a ZUGFeRD/Factur-X PDF, a UBL XML and a scanned-looking PDF.
pub fn plan() -> Vec<SampleSpec> {
    use Family::*;
    use Language::*;
    let inv = DocSpec::invoice;
    vec![
        spec(
            "invoice-de-din",
            DocSpec {
                with_po: true,
                with_buyer_reference: true,
                ..inv(De)
            },
            Din,
            Output::Pdf,
            "PO number and buyer reference",
        ),
        spec(
            "invoice-en-banner",
            DocSpec {
                with_po: true,
                ..inv(En)
            },
            Banner,
            Output::Pdf,
            "PO number, long date format",
        ),
        spec(
            "invoice-fr-french",
            DocSpec {
                with_po: true,
                ..inv(Fr)
            },
            French,
            Output::Pdf,
            "PO number, VAT breakdown table",
        ),
        spec(
            "invoice-de-two-vat-rates",
            DocSpec {
                vat_mode: VatMode::TwoRates,
                min_lines: 4,
                ..inv(De)
            },
            TwoColumn,
            Output::Pdf,
            "two VAT rates (19 % and 7 %)",
        ),
        spec(
            "invoice-de-reverse-charge",
            DocSpec {
                vat_mode: VatMode::ReverseCharge,
                buyer_country: Country::At,
                ..inv(De)
            },
            Centered,
            Output::Pdf,
            "intra-EU reverse charge to an Austrian buyer, 0 % VAT",
        ),
        spec(
            "invoice-fr-boxed",
            DocSpec {
                vat_mode: VatMode::TwoRates,
                ..inv(Fr)
            },
            Boxed,
            Output::Pdf,
            "two VAT rates (20 % and 5.5 %)",
        ),
        spec(
            "invoice-en-small-amount",
            DocSpec {
                small_amount: true,
                ..inv(En)
            },
            SellerRight,
            Output::Pdf,
            "small amount (gross below 250 EUR)",
        ),
        spec(
            "invoice-de-multipage",
            DocSpec {
                min_lines: 38,
                max_lines: 38,
                with_po: true,
                ..inv(De)
            },
            Ledger,
            Output::Pdf,
            "38 lines on two pages with carried-forward subtotal",
        ),
        spec(
            "invoice-fr-stamped",
            DocSpec {
                with_prepaid: true,
                ..inv(Fr)
            },
            Stamped,
            Output::Pdf,
            "rotated RECEIVED stamp, prepayment deducted (amount due < gross)",
        ),
        spec(
            "invoice-en-logo",
            DocSpec {
                seller_country: Country::At,
                buyer_country: Country::At,
                with_buyer_reference: true,
                ..inv(En)
            },
            Logo,
            Output::Pdf,
            "Austrian seller, logo drawn from rectangles",
        ),
        spec(
            "invoice-de-erp",
            DocSpec {
                with_po: true,
                ..inv(De)
            },
            Erp,
            Output::Pdf,
            "Courier ERP printout, PO number",
        ),
        spec(
            "invoice-fr-sidebar",
            inv(Fr),
            Sidebar,
            Output::Pdf,
            "seller data in a sidebar",
        ),
        spec(
            "invoice-en-letter",
            DocSpec {
                with_po: true,
                ..inv(En)
            },
            Letter,
            Output::Pdf,
            "formal letter in Times",
        ),
        spec(
            "invoice-en-minimal",
            DocSpec {
                with_buyer_reference: true,
                ..inv(En)
            },
            Minimal,
            Output::Pdf,
            "buyer reference",
        ),
        spec(
            "credit-note-de",
            DocSpec::of_type(DocType::CreditNote, De),
            Banner,
            Output::Pdf,
            "Gutschrift referring to an earlier invoice",
        ),
        spec(
            "purchase-order-en",
            DocSpec::of_type(DocType::PurchaseOrder, En),
            Boxed,
            Output::Pdf,
            "issued by the buyer; the supplier is the seller",
        ),
        spec(
            "delivery-note-de",
            DocSpec::of_type(DocType::DeliveryNote, De),
            SellerRight,
            Output::Pdf,
            "no prices; ground truth without line items",
        ),
        spec(
            "zugferd-invoice-de",
            DocSpec {
                vat_mode: VatMode::TwoRates,
                with_po: true,
                ..inv(De)
            },
            Logo,
            Output::FacturX,
            "factur-x.xml (CII D16B, EN 16931 profile) embedded",
        ),
        spec(
            "ubl-invoice-fr",
            DocSpec {
                with_po: true,
                with_buyer_reference: true,
                ..inv(Fr)
            },
            Din,
            Output::UblXml,
            "UBL 2.1 XML, ground truth has every field",
        ),
        spec(
            "scanned-invoice-de",
            DocSpec {
                with_po: true,
                ..inv(De)
            },
            Din,
            Output::Scanned,
            "image-only PDF (150 dpi JPEG, skewed, noisy), no text layer",
        ),
    ]
}

/// The PDF of a rendered document.
pub fn pdf_bytes(doc: &Document, rendered: &Rendered) -> Vec<u8> {
    layout::pdf_document(doc, rendered).to_bytes()
}

/// Renders `doc` in `family` and returns the PDF and its ground truth: the basic building
/// block for generating a larger corpus.
pub fn render_pdf(doc: &Document, family: Family) -> (Vec<u8>, GroundTruth) {
    let rendered = layout::render(doc, family);
    (
        pdf_bytes(doc, &rendered),
        GroundTruth::for_rendered(doc, &rendered),
    )
}

/// A Factur-X PDF: the printed invoice with its CII XML as `factur-x.xml`.
pub fn facturx_pdf(doc: &Document, rendered: &Rendered) -> Vec<u8> {
    let mut pdf = layout::pdf_document(doc, rendered);
    let d = doc.issue_date;
    pdf.xmp = Some(einvoice::facturx_xmp(
        doc,
        &format!("{}T10:00:00+01:00", d.format("%Y-%m-%d")),
    ));
    pdf.attachments.push(Attachment {
        file_name: "factur-x.xml".to_owned(),
        mime_type: "text/xml".to_owned(),
        description: "Factur-X/ZUGFeRD invoice".to_owned(),
        // EN 16931 profile: the XML is an equivalent representation of the page.
        relationship: AfRelationship::Alternative,
        data: einvoice::cii_xml(doc).into_bytes(),
    });
    pdf.to_bytes()
}

/// An image-only PDF: the digital PDF of `rendered` rendered through PDFium and degraded like
/// a scan ([`crate::scan::scan_pdf`]).
pub fn scanned_pdf(
    doc: &Document,
    rendered: &Rendered,
    rng: &mut Rng,
) -> Result<Vec<u8>, CorpusError> {
    let mut info = layout::info_for(doc);
    info.producer = "sapllm-corpus scan simulation".to_owned();
    Ok(crate::scan::scan_pdf(&pdf_bytes(doc, rendered), rng, false, info)?.bytes)
}

/// The document of a sample (its own random stream: seed and stem).
pub fn document_for(spec: &SampleSpec, seed: u64) -> Document {
    generate(&spec.doc, &mut Rng::derive(seed, spec.stem))
}

/// Builds the files of one sample.
pub fn build(spec: &SampleSpec, seed: u64) -> Result<Vec<Artifact>, CorpusError> {
    let doc = document_for(spec, seed);
    let lang = match doc.language {
        Language::En => "English",
        Language::De => "German",
        Language::Fr => "French",
        Language::Es => "Spanish",
        Language::It => "Italian",
        Language::Nl => "Dutch",
        Language::Pl => "Polish",
        Language::Pt => "Portuguese",
    };
    let kind = layout::i18n::title(Language::En, doc.doc_type);
    let describe = |what: &str| format!("{kind} ({lang}), {what}; {}", spec.note);
    let family = format!("layout `{}`", spec.family.name());
    let gt_desc = format!("ground truth of {}", spec.stem);
    let json = |gt: &GroundTruth| Artifact {
        path: format!("{}.json", spec.stem),
        bytes: gt.to_json().into_bytes(),
        description: gt_desc.clone(),
    };
    Ok(match spec.output {
        Output::Pdf => {
            let rendered = layout::render(&doc, spec.family);
            let gt = GroundTruth::for_rendered(&doc, &rendered);
            let pages = rendered.pages.len();
            let what = format!("{family}, {pages} page{}", if pages > 1 { "s" } else { "" });
            vec![
                Artifact {
                    path: format!("{}.pdf", spec.stem),
                    bytes: pdf_bytes(&doc, &rendered),
                    description: describe(&what),
                },
                json(&gt),
            ]
        }
        Output::FacturX => {
            let rendered = layout::render(&doc, spec.family);
            let gt = GroundTruth::for_rendered(&doc, &rendered);
            vec![
                Artifact {
                    path: format!("{}.pdf", spec.stem),
                    bytes: facturx_pdf(&doc, &rendered),
                    description: describe(&format!("ZUGFeRD 2 / Factur-X PDF, {family}")),
                },
                json(&gt),
            ]
        }
        Output::Scanned => {
            let rendered = layout::render(&doc, spec.family);
            let gt = GroundTruth::for_rendered(&doc, &rendered);
            let mut scan_rng = Rng::derive(seed, &format!("{}/scan", spec.stem));
            vec![
                Artifact {
                    path: format!("{}.pdf", spec.stem),
                    bytes: scanned_pdf(&doc, &rendered, &mut scan_rng)?,
                    description: describe(&format!("scan of {family}")),
                },
                json(&gt),
            ]
        }
        Output::UblXml => vec![
            Artifact {
                path: format!("{}.xml", spec.stem),
                bytes: einvoice::ubl_xml(&doc).into_bytes(),
                description: describe("UBL 2.1 e-invoice XML"),
            },
            json(&GroundTruth::for_xml(&doc)),
        ],
    })
}

/// Files that must be rejected: empty, truncated, encrypted, not a PDF, hostile XML.
pub fn bad_files(seed: u64) -> Vec<Artifact> {
    let mut rng = Rng::derive(seed, "bad/truncated");
    let doc = generate(
        &DocSpec {
            with_po: true,
            ..DocSpec::invoice(Language::De)
        },
        &mut rng,
    );
    let full = render_pdf(&doc, Family::Din).0;
    let truncated = full[..full.len() * 2 / 5].to_vec();

    let mut rng = Rng::derive(seed, "bad/encrypted");
    let doc = generate(&DocSpec::invoice(Language::En), &mut rng);
    let rendered = layout::render(&doc, Family::Banner);
    let mut pdf = layout::pdf_document(&doc, &rendered);
    pdf.encryption = Some(Encryption {
        user_password: ENCRYPTED_USER_PASSWORD.to_owned(),
        owner_password: ENCRYPTED_OWNER_PASSWORD.to_owned(),
    });

    let zip = bad::zip_with_one_file(
        "invoice.txt",
        b"This is a ZIP archive with a .pdf name, not a PDF.\nSynthetic test file of sapllm-corpus.\n",
    );
    let a = |name: &str, bytes: Vec<u8>, d: &str| Artifact {
        path: format!("bad/{name}"),
        bytes,
        description: d.to_owned(),
    };
    vec![
        a("empty.pdf", Vec::new(), "0 bytes"),
        a(
            "truncated.pdf",
            truncated,
            "the first 40 % of a valid one-page invoice PDF (no xref, no trailer)",
        ),
        a(
            "encrypted.pdf",
            pdf.to_bytes(),
            &format!(
                "invoice encrypted with the Standard security handler (RC4 40-bit, V1 R2); user password `{ENCRYPTED_USER_PASSWORD}`, owner password `{ENCRYPTED_OWNER_PASSWORD}`"
            ),
        ),
        a(
            "not-a-pdf.pdf",
            zip,
            "a ZIP archive (one text file) with a .pdf name",
        ),
        a(
            "hostile.xml",
            bad::billion_laughs().into_bytes(),
            "billion-laughs entity expansion inside a UBL Invoice root",
        ),
        a(
            "external-entity.xml",
            bad::external_entity().into_bytes(),
            "XXE: entity with SYSTEM \"file:///etc/passwd\" used as the invoice number",
        ),
    ]
}

fn write(out: &Path, artifact: &Artifact) -> Result<PathBuf, CorpusError> {
    let path = out.join(&artifact.path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| CorpusError::Io {
            path: dir.to_owned(),
            source,
        })?;
    }
    std::fs::write(&path, &artifact.bytes).map_err(|source| CorpusError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// All artifacts of the sample set, including the README.
pub fn sample_artifacts(seed: u64) -> Result<Vec<Artifact>, CorpusError> {
    let mut all = Vec::new();
    for s in plan() {
        all.extend(build(&s, seed)?);
    }
    let bad = bad_files(seed);
    let readme = readme(seed, &all, &bad);
    all.extend(bad);
    all.push(Artifact {
        path: "README.md".to_owned(),
        bytes: readme.into_bytes(),
        description: "this file".to_owned(),
    });
    Ok(all)
}

/// Writes the sample set into `out` (creating it). Returns the paths written.
pub fn write_samples(out: &Path, seed: u64) -> Result<Vec<PathBuf>, CorpusError> {
    sample_artifacts(seed)?
        .iter()
        .map(|a| write(out, a))
        .collect()
}

/// One invoice (with a PO number) per layout family and language: stem, document, family.
pub fn gallery_documents(seed: u64) -> Vec<(String, Document, Family)> {
    let mut out = Vec::new();
    for family in Family::ALL {
        for lang in [Language::En, Language::De, Language::Fr] {
            let stem = format!("{}-{}", family.name(), lang.code());
            let mut rng = Rng::derive(seed, &stem);
            let doc = generate(
                &DocSpec {
                    with_po: true,
                    ..DocSpec::invoice(lang)
                },
                &mut rng,
            );
            out.push((stem, doc, family));
        }
    }
    out
}

/// Writes the [`gallery_documents`] as PDFs with ground truth into `out`.
pub fn write_gallery(out: &Path, seed: u64) -> Result<Vec<PathBuf>, CorpusError> {
    let mut written = Vec::new();
    for (stem, doc, family) in gallery_documents(seed) {
        let (pdf, gt) = render_pdf(&doc, family);
        for (ext, bytes) in [("pdf", pdf), ("json", gt.to_json().into_bytes())] {
            let artifact = Artifact {
                path: format!("{stem}.{ext}"),
                bytes,
                description: String::new(),
            };
            written.push(write(out, &artifact)?);
        }
    }
    Ok(written)
}

fn readme(seed: u64, docs: &[Artifact], bad: &[Artifact]) -> String {
    let mut s = String::new();
    s.push_str("# samples: synthetic business documents with ground truth\n\n");
    s.push_str("Everything in this folder is **synthetic**, generated by the `sapllm-corpus` crate of this\n");
    s.push_str("repository. All company names, people, addresses, VAT IDs, IBANs and document numbers are\n");
    s.push_str("fictitious (VAT IDs and IBANs have valid check digits but belong to no one; e-mail and web\n");
    s.push_str(
        "addresses use the reserved `.example` domain). Do not edit by hand: regenerate with\n\n",
    );
    let _ = writeln!(
        s,
        "```sh\nmake samples   # = cargo run --release -p sapllm-corpus -- samples --out samples --seed {seed}\n```\n"
    );
    s.push_str("The output is byte-identical for the same seed on every machine (own PRNG, own PDF writer,\n");
    s.push_str("fixed metadata dates).\n\n");
    s.push_str("## Documents and ground truth\n\n");
    s.push_str(
        "Each document `X.pdf` / `X.xml` has its ground truth in `X.json`, in the format of\n",
    );
    s.push_str("`shared/eval/ground-truth.md` (`sapllm-groundtruth/1`). For PDFs, `fields` holds exactly the\n");
    s.push_str("header fields that the page prints (values normalised: ISO dates, amounts with a dot and two\n");
    s.push_str("decimals, IBAN without spaces); `line_items` lists every line with the attributes the table\n");
    s.push_str("shows. The delivery note has no prices, so its JSON has no `line_items` (they could not be\n");
    s.push_str("paired by net amount). The UBL XML's JSON has every field the XML carries.\n\n");
    s.push_str("| file | what it is |\n|---|---|\n");
    for a in docs {
        let _ = writeln!(s, "| `{}` | {} |", a.path, a.description);
    }
    s.push_str("\n## Bad files (`bad/`, no ground truth)\n\nInputs the pipeline must reject with a clear error, never crash or hang on.\n\n");
    s.push_str("| file | what it is |\n|---|---|\n");
    for a in bad {
        let _ = writeln!(s, "| `{}` | {} |", a.path, a.description);
    }
    s.push_str("\n## Layout families\n\n");
    for f in Family::ALL {
        let _ = writeln!(s, "- `{}`: {}", f.name(), f.description());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_the_same_bytes() {
        for s in &plan() {
            let a = build(s, 7).unwrap();
            let b = build(s, 7).unwrap();
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x.bytes, y.bytes, "{}", x.path);
            }
        }
        let c = build(&plan()[0], 8).unwrap();
        assert_ne!(c[0].bytes, build(&plan()[0], 7).unwrap()[0].bytes);
    }

    #[test]
    fn plan_covers_the_requirements() {
        let p = plan();
        let invoices: Vec<_> = p
            .iter()
            .filter(|s| s.doc.doc_type == DocType::Invoice && s.output == Output::Pdf)
            .collect();
        assert!(invoices.len() >= 12);
        let mut families: Vec<_> = invoices.iter().map(|s| s.family).collect();
        families.dedup();
        assert!(families.len() >= 12);
        for lang in [Language::En, Language::De, Language::Fr] {
            assert!(invoices.iter().filter(|s| s.doc.language == lang).count() >= 3);
        }
    }

    #[test]
    fn scanned_pdf_has_an_image_and_no_fonts() {
        let s = plan()
            .into_iter()
            .find(|s| s.output == Output::Scanned)
            .unwrap();
        let files = build(&s, 7).unwrap();
        let pdf = &files[0].bytes;
        let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"/Filter /DCTDecode"));
        assert!(!has(b"/Font"));
        assert!(!has(b" Tj"));
    }

    #[test]
    fn the_multipage_invoice_carries_forward() {
        let s = plan()
            .into_iter()
            .find(|s| s.stem == "invoice-de-multipage")
            .unwrap();
        let doc = generate(&s.doc, &mut Rng::derive(7, s.stem));
        let r = layout::render(&doc, s.family);
        assert!(r.pages.len() >= 2);
        let texts: Vec<String> = r.pages[1]
            .ops
            .iter()
            .filter_map(|o| match o {
                crate::pdf::Op::Text(t) => Some(t.text.clone()),
                _ => None,
            })
            .collect();
        assert!(texts.iter().any(|t| t == "Übertrag"));
    }
}
