//! Scanned variants of digital documents: every page of each PDF with a ground-truth twin is
//! rendered through PDFium at 150–300 dpi, degraded (skew ±3°, blur, noise, low contrast) and
//! stored as a JPEG (quality 35–70) in an image-only PDF of the same page size. The ground
//! truth is copied unchanged; `X.ocr.txt` holds the text layer of each page in reading order
//! (pages separated by form feeds) as the reference for character error rates, `X.ocr.tsv` the
//! same words with their boxes (page, x0, y0, x1, y1 in points, text) for position-matched
//! error rates.
//!
//! `cargo run --release -p sapllm-ml --example make_scans -- --seed N IN_DIR OUT_DIR`

use std::path::PathBuf;

use sapllm_corpus::pdf::{JpegImage, Page, PdfDocument};
use sapllm_document::pdf::PdfEngine;
use sapllm_ml::degrade::{ScanLook, SplitMix, degrade, to_jpeg};
use sapllm_ml::metrics::reading_text;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut seed = 42u64;
    if let Some(i) = args.iter().position(|a| a == "--seed") {
        seed = args.get(i + 1).ok_or("--seed needs a value")?.parse()?;
        args.drain(i..i + 2);
    }
    let [input, output] = args.as_slice() else {
        return Err("usage: make_scans [--seed N] IN_DIR OUT_DIR".into());
    };
    let (input, output) = (PathBuf::from(input), PathBuf::from(output));
    std::fs::create_dir_all(&output)?;
    let pdfium = PdfEngine::global(None)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&input)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf") && p.with_extension("json").is_file())
        .collect();
    files.sort();
    let mut written = 0;
    for (n, file) in files.iter().enumerate() {
        let bytes = std::fs::read(file)?;
        let content = pdfium.read(&bytes)?;
        // Per document: its own stream, so adding a document does not change the others.
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
        let mut rng = SplitMix::new(seed ^ (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let dpi = [150.0f32, 200.0, 300.0][(rng.next_u64() % 3) as usize];
        let mut pages = Vec::new();
        let mut reference = Vec::new();
        let mut tsv = String::from("page\tx0\ty0\tx1\ty1\ttext\n");
        for page in &content.pages {
            let img = pdfium.render_page(&bytes, page.index, dpi)?;
            let look = ScanLook::random(&mut rng);
            let gray = degrade(&img, &look, &mut rng);
            let jpeg = to_jpeg(&gray, look.jpeg_quality)?;
            let mut scanned = Page {
                width: page.width,
                height: page.height,
                ops: Vec::new(),
            };
            scanned.image(
                JpegImage {
                    width: gray.width(),
                    height: gray.height(),
                    grayscale: true,
                    data: jpeg,
                },
                0.0,
                0.0,
                page.width,
                page.height,
            );
            pages.push(scanned);
            reference.push(reading_text(&page.words));
            for w in &page.words {
                tsv.push_str(&format!(
                    "{}\t{:.2}\t{:.2}\t{:.2}\t{:.2}\t{}\n",
                    page.index, w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1, w.text
                ));
            }
            println!(
                "{stem} p{}: {dpi} dpi, skew {:+.2}°, blur {:.2}, noise {:.1}, ink {} paper {}, jpeg q{}",
                page.index + 1,
                look.skew_degrees,
                look.blur_sigma,
                look.noise,
                look.ink,
                look.paper,
                look.jpeg_quality
            );
        }
        let pdf = PdfDocument {
            pages,
            ..PdfDocument::default()
        };
        std::fs::write(output.join(format!("{stem}.pdf")), pdf.to_bytes())?;
        std::fs::copy(
            file.with_extension("json"),
            output.join(format!("{stem}.json")),
        )?;
        std::fs::write(
            output.join(format!("{stem}.ocr.txt")),
            reference.join("\n\u{c}\n"),
        )?;
        std::fs::write(output.join(format!("{stem}.ocr.tsv")), tsv)?;
        written += 1;
    }
    println!("wrote {written} scanned documents to {}", output.display());
    Ok(())
}
