//! OCR of rendered PDF pages against their text layer: time, character error rate, the text.
//!
//! `cargo run --release -p sapllm-ml --example ocr_page -- [--model NAME] [--dpi N] [--det-dpi N]
//! [--verbose] FILE.pdf…`

use std::time::Duration;

use sapllm_document::pdf::PdfEngine;
use sapllm_ml::metrics::{CerCount, positional_cer, read_reference_tsv, reading_text};
use sapllm_ml::ocr::{OcrConfig, OcrEngine};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut take = |flag: &str| -> Option<String> {
        let i = args.iter().position(|a| a == flag)?;
        let v = args.get(i + 1).cloned();
        args.drain(i..(i + 2).min(args.len()));
        v
    };
    let mut config = OcrConfig::fast();
    if let Some(m) = take("--model") {
        config.model = m;
    }
    let dpi: f32 = take("--dpi").map_or(Ok(200.0), |v| v.parse())?;
    if let Some(v) = take("--det-dpi") {
        config.det_dpi = v.parse()?;
    }
    if let Some(v) = take("--thresh") {
        config.db.thresh = v.parse()?;
    }
    if let Some(v) = take("--box-thresh") {
        config.db.box_thresh = v.parse()?;
    }
    if let Some(v) = take("--unclip") {
        config.db.unclip_ratio = v.parse()?;
    }
    if let Some(v) = take("--width-scale") {
        config.rec_width_scale = v.parse()?;
    }
    if let Some(v) = take("--batch") {
        config.rec_batch = v.parse()?;
    }
    if let Some(v) = take("--stretch") {
        config.stretch_contrast = v == "1";
    }
    if let Some(v) = take("--ink") {
        config.ink_refine = v == "1";
    }
    if let Some(v) = take("--latin") {
        config.latin_only = v == "1";
    }
    let verbose = args.iter().any(|a| a == "--verbose");
    args.retain(|a| a != "--verbose");
    let engine = OcrEngine::new(config)?;
    let pdf = PdfEngine::global(None)?;
    let mut total = CerCount::default();
    let mut total_pos = CerCount::default();
    let mut times: Vec<Duration> = Vec::new();
    for file in &args {
        let bytes = std::fs::read(file)?;
        let content = pdf.read(&bytes)?;
        // A scan made by `make_scans` carries its reference text beside it.
        let sidecar: Option<Vec<String>> =
            std::fs::read_to_string(std::path::Path::new(file).with_extension("ocr.txt"))
                .ok()
                .map(|t| t.split("\n\u{c}\n").map(str::to_owned).collect());
        let tsv: Option<Vec<Vec<sapllm_core::Word>>> =
            std::fs::read_to_string(std::path::Path::new(file).with_extension("ocr.tsv"))
                .ok()
                .map(|t| read_reference_tsv(&t));
        for page in &content.pages {
            let img = pdf.render_page(&bytes, page.index, dpi)?;
            let (ocr, t) = engine.recognize_timed(&img, dpi, page.index)?;
            let reference = match &sidecar {
                Some(refs) => refs.get(page.index as usize).cloned().unwrap_or_default(),
                None => reading_text(&page.words),
            };
            let hyp = reading_text(&ocr.words);
            let c = CerCount::of(&reference, &hyp);
            total.add(c);
            let ref_words = match &tsv {
                Some(p) => p.get(page.index as usize).cloned().unwrap_or_default(),
                None => page.words.clone(),
            };
            let pc = positional_cer(&ref_words, &ocr.words);
            total_pos.add(pc);
            times.push(t.cpu.unwrap_or(t.total));
            println!(
                "{file} p{}: {} words, CER {:.2}% ({}/{}) pos {:.2}% · cpu {:.0} ms · wall {:.0} ms (ori {:.0}, deskew {:.0}, det {:.0}, rec {:.0}; {} lines) · orientation {} skew {:.2}",
                page.index + 1,
                ocr.words.len(),
                c.rate() * 100.0,
                c.errors,
                c.chars,
                pc.rate() * 100.0,
                t.cpu.unwrap_or_default().as_secs_f64() * 1e3,
                t.total.as_secs_f64() * 1e3,
                t.orientation.as_secs_f64() * 1e3,
                t.deskew.as_secs_f64() * 1e3,
                t.detection.as_secs_f64() * 1e3,
                t.recognition.as_secs_f64() * 1e3,
                t.lines,
                ocr.orientation,
                ocr.skew_degrees
            );
            if verbose {
                let mut d: Vec<[f32; 4]> = Vec::new();
                for rw in &page.words {
                    let best = ocr
                        .words
                        .iter()
                        .filter(|o| o.text == rw.text)
                        .min_by(|a, b| {
                            let da = (a.bbox.center_x() - rw.bbox.center_x()).abs()
                                + (a.bbox.center_y() - rw.bbox.center_y()).abs();
                            let db = (b.bbox.center_x() - rw.bbox.center_x()).abs()
                                + (b.bbox.center_y() - rw.bbox.center_y()).abs();
                            da.total_cmp(&db)
                        });
                    if let Some(o) = best {
                        d.push([
                            o.bbox.x0 - rw.bbox.x0,
                            o.bbox.y0 - rw.bbox.y0,
                            o.bbox.x1 - rw.bbox.x1,
                            o.bbox.y1 - rw.bbox.y1,
                        ]);
                    }
                }
                for k in 0..4 {
                    let mut v: Vec<f32> = d.iter().map(|x| x[k]).collect();
                    v.sort_by(f32::total_cmp);
                    if !v.is_empty() {
                        println!(
                            "box delta {} median {:.2} pt (p10 {:.2}, p90 {:.2}) over {}",
                            ["x0", "y0", "x1", "y1"][k],
                            v[v.len() / 2],
                            v[v.len() / 10],
                            v[v.len() * 9 / 10],
                            v.len()
                        );
                    }
                }
                println!("REF: {reference}\nOCR: {hyp}");
            }
        }
    }
    times.sort();
    if !times.is_empty() {
        println!(
            "TOTAL: CER {:.2}% ({}/{}), position-matched {:.2}% ({}/{}), median {:.0} ms CPU/page over {} pages",
            total.rate() * 100.0,
            total.errors,
            total.chars,
            total_pos.rate() * 100.0,
            total_pos.errors,
            total_pos.chars,
            times[times.len() / 2].as_secs_f64() * 1e3,
            times.len()
        );
    }
    Ok(())
}
