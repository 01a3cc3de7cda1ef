//! Two OCR configurations on the same pages in one process, page by page and alternating
//! which goes first, so that a shared machine's drifting speed falls on both alike.
//!
//! `cargo run --release -p sapllm-ml --example ocr_ab -- --a "FLAGS" --b "FLAGS" SCAN…`
//! where FLAGS are `--model NAME`, `--second NAME|off`, `--second-below P`, `--det-dpi N`,
//! `--unclip R`, `--band-gap INCHES`. Scans are corpus scans
//! (`scans/X.{pdf,png,jpg,tif}` with `X.ocr.tsv` beside them).

use sapllm_document::pdf::PdfEngine;
use sapllm_ml::metrics::{CerCount, read_reference_tsv, reading_text};
use sapllm_ml::ocr::{OcrConfig, OcrEngine, OcrTimings};

fn config(flags: &str) -> Result<OcrConfig, Box<dyn std::error::Error>> {
    let mut c = OcrConfig::fast();
    let f: Vec<&str> = flags.split_whitespace().collect();
    for pair in f.chunks(2) {
        let [k, v] = pair else {
            return Err(format!("flag without value in {flags:?}").into());
        };
        match *k {
            "--model" => c.model = (*v).to_owned(),
            "--second" => c.second_model = (*v != "off").then(|| (*v).to_owned()),
            "--second-below" => c.second_below = v.parse()?,
            "--det-dpi" => c.det_dpi = v.parse()?,
            "--unclip" => c.db.unclip_ratio = v.parse()?,
            "--box-thresh" => c.db.box_thresh = v.parse()?,
            "--band-gap" => c.det_band_gap = v.parse()?,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(c)
}

#[derive(Default)]
struct Tally {
    cer: CerCount,
    cpu: Vec<f64>,
    stages: [f64; 4],
}

impl Tally {
    fn add(&mut self, c: CerCount, t: &OcrTimings) {
        self.cer.add(c);
        self.cpu.push(t.cpu.unwrap_or(t.total).as_secs_f64() * 1e3);
        for (s, d) in
            self.stages
                .iter_mut()
                .zip([t.orientation, t.deskew, t.detection, t.recognition])
        {
            *s += d.as_secs_f64() * 1e3;
        }
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut flags, mut args) = ([String::new(), String::new()], Vec::new());
    let mut given = std::env::args().skip(1);
    while let Some(a) = given.next() {
        match a.as_str() {
            "--a" => flags[0] = given.next().unwrap_or_default(),
            "--b" => flags[1] = given.next().unwrap_or_default(),
            _ => args.push(a),
        }
    }
    let (fa, fb) = (&flags[0], &flags[1]);
    let engines = [OcrEngine::new(config(fa)?)?, OcrEngine::new(config(fb)?)?];
    let pdf = PdfEngine::global(None)?;
    let mut tallies = [Tally::default(), Tally::default()];
    let mut ratios = Vec::new();
    let mut n = 0usize;
    for file in &args {
        let bytes = std::fs::read(file)?;
        let kind = sapllm_document::sniff::sniff(&bytes)?;
        let pages: Vec<(image::RgbImage, f32)> = if kind.is_image() {
            sapllm_ml::input::decode(&bytes, kind)?
                .into_iter()
                .map(|p| (p.image, p.dpi))
                .collect()
        } else {
            (0..pdf.read(&bytes)?.pages.len() as u32)
                .map(|i| pdf.render_page(&bytes, i, 200.0).map(|img| (img, 200.0)))
                .collect::<Result<_, _>>()?
        };
        let tsv = std::fs::read_to_string(std::path::Path::new(file).with_extension("ocr.tsv"))
            .map(|t| read_reference_tsv(&t))?;
        for (i, (img, dpi)) in pages.iter().enumerate() {
            let reference = tsv.get(i).map_or_else(String::new, |w| reading_text(w));
            let order = if n.is_multiple_of(2) { [0, 1] } else { [1, 0] };
            n += 1;
            let mut cpu = [0.0; 2];
            let mut errs = [0usize; 2];
            for k in order {
                let (ocr, t) = engines[k].recognize_timed(img, *dpi, i as u32)?;
                let c = CerCount::of(&reference, &reading_text(&ocr.words));
                errs[k] = c.errors;
                tallies[k].add(c, &t);
                cpu[k] = t.cpu.unwrap_or(t.total).as_secs_f64() * 1e3;
            }
            ratios.push(cpu[1] / cpu[0].max(1e-3));
            println!(
                "{file} p{}: A {} err {:.0} ms · B {} err {:.0} ms",
                i + 1,
                errs[0],
                cpu[0],
                errs[1],
                cpu[1]
            );
        }
    }
    for (name, t) in ["A", "B"].iter().zip(&tallies) {
        let pages = t.cpu.len().max(1) as f64;
        println!(
            "{name}: CER {:.2}% ({}/{}), median {:.0} ms CPU/page; mean ms ori {:.0} deskew {:.0} det {:.0} rec {:.0}",
            t.cer.rate() * 100.0,
            t.cer.errors,
            t.cer.chars,
            median(&t.cpu),
            t.stages[0] / pages,
            t.stages[1] / pages,
            t.stages[2] / pages,
            t.stages[3] / pages,
        );
    }
    println!(
        "B/A CPU per page: median ratio {:.3} over {} pages",
        median(&ratios),
        ratios.len()
    );
    Ok(())
}
