//! OCR of rendered PDF pages against their text layer: time, character error rate, the text.
//!
//! `cargo run --release -p sapllm-ml --example ocr_page -- [--model NAME] [--dpi N] [--det-dpi N]
//! [--drop P] [--second NAME|off] [--second-below P] [--verbose] [--errors] FILE.pdf…`
//!
//! `--errors` ends with an error breakdown: dropped and inserted spaces, and the most frequent
//! confusions, drops and insertions of other characters over all pages.

use std::time::Duration;

use sapllm_document::pdf::PdfEngine;
use std::collections::HashMap;

use sapllm_ml::metrics::{CerCount, Edit, edits, positional_cer, read_reference_tsv, reading_text};
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
    if let Some(v) = take("--drop") {
        config.drop_score = v.parse()?;
    }
    if let Some(v) = take("--second") {
        config.second_model = (v != "off").then_some(v);
    }
    if let Some(v) = take("--second-below") {
        config.second_below = v.parse()?;
    }
    if let Some(v) = take("--band-gap") {
        config.det_band_gap = v.parse()?;
    }
    if let Some(v) = take("--latin") {
        config.latin_only = v == "1";
    }
    let verbose = args.iter().any(|a| a == "--verbose");
    let breakdown = args.iter().any(|a| a == "--errors");
    args.retain(|a| a != "--verbose" && a != "--errors");
    let mut tally: HashMap<Edit, usize> = HashMap::new();
    let engine = OcrEngine::new(config)?;
    let pdf = PdfEngine::global(None)?;
    let mut total = CerCount::default();
    let mut total_pos = CerCount::default();
    let mut times: Vec<Duration> = Vec::new();
    for file in &args {
        let mut bytes = std::fs::read(file)?;
        // A corpus scan (`sapllm-corpus generate --scans`: `scans/X.{pdf,png,jpg}`) is compared
        // with the text layer of its digital original `../X.pdf`; its pages are the scan's.
        let path = std::path::Path::new(file);
        let original = path
            .parent()
            .filter(|d| d.file_name().is_some_and(|n| n == "scans"))
            .and_then(|d| Some(d.parent()?.join(path.file_stem()?).with_extension("pdf")))
            .filter(|p| p.is_file());
        let mut scan_pages: Option<Vec<(image::RgbImage, f32)>> = None;
        if let Some(original) = &original {
            let kind = sapllm_document::sniff::sniff(&bytes)?;
            if kind.is_image() {
                scan_pages = Some(
                    sapllm_ml::input::decode(&bytes, kind)?
                        .into_iter()
                        .map(|p| (p.image, p.dpi))
                        .collect(),
                );
            } else {
                scan_pages = Some(
                    (0..pdf.read(&bytes)?.pages.len() as u32)
                        .map(|i| pdf.render_page(&bytes, i, dpi).map(|img| (img, dpi)))
                        .collect::<Result<_, _>>()?,
                );
            }
            bytes = std::fs::read(original)?;
        }
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
            let (img, page_dpi) = match &scan_pages {
                Some(pages) => match pages.get(page.index as usize) {
                    Some((img, d)) => (img.clone(), *d),
                    None => continue,
                },
                None => (pdf.render_page(&bytes, page.index, dpi)?, dpi),
            };
            let (ocr, t) = engine.recognize_timed(&img, page_dpi, page.index)?;
            let reference = match (&tsv, &sidecar) {
                // Grouped into lines by this build's rule, like the OCR words.
                (Some(p), _) => p
                    .get(page.index as usize)
                    .map_or_else(String::new, |w| reading_text(w)),
                (None, Some(refs)) => refs.get(page.index as usize).cloned().unwrap_or_default(),
                (None, None) => reading_text(&page.words),
            };
            let hyp = reading_text(&ocr.words);
            let c = CerCount::of(&reference, &hyp);
            total.add(c);
            if breakdown {
                for e in edits(&reference, &hyp) {
                    *tally.entry(e).or_default() += 1;
                }
            }
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
    if breakdown {
        print_breakdown(&tally);
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

/// Spaces first (the recogniser's weakest point), then the most frequent other edits.
fn print_breakdown(tally: &HashMap<Edit, usize>) {
    let count = |f: &dyn Fn(&Edit) -> bool| -> usize {
        tally.iter().filter(|(k, _)| f(k)).map(|(_, n)| n).sum()
    };
    let show = |c: Option<char>| c.map_or("∅".to_owned(), |c| format!("{c:?}"));
    println!(
        "ERRORS: {} dropped spaces, {} extra spaces, {} space↔char; {} other substitutions, {} other drops, {} other insertions",
        count(&|k| *k == (Some(' '), None)),
        count(&|k| *k == (None, Some(' '))),
        count(&|k| k.0.is_some() && k.1.is_some() && (k.0 == Some(' ') || k.1 == Some(' '))),
        count(&|k| k.0.is_some_and(|c| c != ' ') && k.1.is_some_and(|c| c != ' ')),
        count(&|k| k.0.is_some_and(|c| c != ' ') && k.1.is_none()),
        count(&|k| k.0.is_none() && k.1.is_some_and(|c| c != ' ')),
    );
    let mut all: Vec<_> = tally.iter().collect();
    all.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for ((r, h), n) in all.into_iter().take(40) {
        println!("  {:>5}  {} → {}", n, show(*r), show(*h));
    }
}
