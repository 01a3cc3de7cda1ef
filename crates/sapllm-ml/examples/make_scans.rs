//! Scanned variants of a folder of digital documents (any PDF with a ground-truth twin), made
//! exactly like `sapllm-corpus generate --scans` makes them ([`sapllm_corpus::scan::scan_pdf`]:
//! PDFium render at 150–300 dpi, skew ±3°, blur, noise, low contrast, JPEG 35–70) and always
//! stored as image-only PDFs. The ground truth is copied unchanged; `X.ocr.txt` / `X.ocr.tsv`
//! hold the digital text layer as the OCR reference.
//!
//! `cargo run --release -p sapllm-ml --example make_scans -- --seed N IN_DIR OUT_DIR`

use std::path::PathBuf;

use sapllm_corpus::pdf::Info;
use sapllm_corpus::rng::Rng;
use sapllm_corpus::scan::scan_pdf;

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
    let mut files: Vec<PathBuf> = std::fs::read_dir(&input)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf") && p.with_extension("json").is_file())
        .collect();
    files.sort();
    for file in &files {
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
        // Per document: its own stream, so adding a document does not change the others.
        let mut rng = Rng::derive(seed, &format!("scan-{stem}"));
        let info = Info {
            producer: "sapllm-corpus scan simulation".to_owned(),
            ..Info::default()
        };
        let scan = scan_pdf(&std::fs::read(file)?, &mut rng, false, info)?;
        for (i, p) in scan.pages.iter().enumerate() {
            let l = &p.look;
            println!(
                "{stem} p{}: {} dpi, skew {:+.2}°, blur {:.2}, noise {:.1}, ink {} paper {}, jpeg q{}",
                i + 1,
                scan.dpi,
                l.skew_degrees,
                l.blur_sigma,
                l.noise,
                l.ink,
                l.paper,
                l.jpeg_quality
            );
        }
        std::fs::write(output.join(format!("{stem}.pdf")), &scan.bytes)?;
        std::fs::copy(
            file.with_extension("json"),
            output.join(format!("{stem}.json")),
        )?;
        std::fs::write(
            output.join(format!("{stem}.ocr.txt")),
            scan.reference.text(),
        )?;
        std::fs::write(output.join(format!("{stem}.ocr.tsv")), &scan.reference.tsv)?;
    }
    println!(
        "wrote {} scanned documents to {}",
        files.len(),
        output.display()
    );
    Ok(())
}
