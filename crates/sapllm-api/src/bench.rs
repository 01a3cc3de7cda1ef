//! Benchmark: time per page for each stage and through all eight, pages per second, peak
//! memory. Runs in-process on one thread, without the store, so it measures the pipeline.

use std::path::PathBuf;
use std::time::Instant;

use sapllm_core::Stage;
use sapllm_pipeline::pipeline::{Outcome, RunOptions};
use sapllm_pipeline::prior::NoPriorDocuments;
use serde::Serialize;

use crate::{ApiError, Engine};

#[derive(Debug, Clone, Copy)]
pub struct BenchOptions {
    /// Timed runs per document (after one warm-up run).
    pub iterations: usize,
    pub run: RunOptions,
}

#[derive(Debug, Clone, Serialize)]
pub struct Percentiles {
    pub p50_ms: f64,
    pub p95_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageStats {
    pub stage: Stage,
    /// Per page.
    pub per_page: Percentiles,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub documents: usize,
    pub failed: Vec<(String, String)>,
    pub pages: u32,
    pub iterations: usize,
    pub stages: Vec<StageStats>,
    /// All eight stages, per page.
    pub total_per_page: Percentiles,
    /// Wall time of whole documents, including reading the file from memory.
    pub total_per_document: Percentiles,
    pub pages_per_second: f64,
    pub peak_rss_mib: Option<f64>,
}

fn percentiles(mut v: Vec<f64>) -> Percentiles {
    if v.is_empty() {
        return Percentiles {
            p50_ms: 0.0,
            p95_ms: 0.0,
        };
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    Percentiles {
        p50_ms: at(0.5),
        p95_ms: at(0.95),
    }
}

/// Peak resident set size of this process (Linux: VmHWM), MiB.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub fn bench(
    engine: &Engine,
    files: &[PathBuf],
    options: BenchOptions,
) -> Result<BenchReport, ApiError> {
    let mut per_stage: Vec<Vec<f64>> = vec![Vec::new(); Stage::ALL.len()];
    let mut totals_page = Vec::new();
    let mut totals_doc = Vec::new();
    let mut pages = 0u32;
    let mut failed = Vec::new();
    let mut documents = 0;
    let mut busy_secs = 0.0;
    let mut timed_pages = 0u64;
    let run = RunOptions {
        reprocess: true,
        ..options.run
    };
    for file in files {
        let bytes = std::fs::read(file)
            .map_err(|e| ApiError::new("io_error", format!("{}: {e}", file.display())))?;
        // Warm-up: page caches, lazily built tables.
        match engine.pipeline().process(&bytes, &NoPriorDocuments, run) {
            Ok(Outcome::Processed(p)) => pages += p.result.page_count.max(1),
            Ok(Outcome::AlreadyKnown { .. }) => continue,
            Err(f) => {
                failed.push((file.display().to_string(), f.code().to_owned()));
                continue;
            }
        }
        documents += 1;
        for _ in 0..options.iterations.max(1) {
            let t = Instant::now();
            let Ok(Outcome::Processed(p)) =
                engine.pipeline().process(&bytes, &NoPriorDocuments, run)
            else {
                break;
            };
            let elapsed = t.elapsed().as_secs_f64();
            busy_secs += elapsed;
            let n = p.result.page_count.max(1);
            timed_pages += u64::from(n);
            for (i, stage) in Stage::ALL.iter().enumerate() {
                let us = p.result.timings_us.get(stage).copied().unwrap_or(0) as f64;
                per_stage[i].push(us / 1000.0 / f64::from(n));
            }
            let stages_ms: f64 = p.result.timings_us.values().sum::<u64>() as f64 / 1000.0;
            totals_page.push(stages_ms / f64::from(n));
            totals_doc.push(elapsed * 1000.0);
        }
    }
    Ok(BenchReport {
        documents,
        failed,
        pages,
        iterations: options.iterations.max(1),
        stages: Stage::ALL
            .iter()
            .zip(per_stage)
            .map(|(s, v)| StageStats {
                stage: *s,
                per_page: percentiles(v),
            })
            .collect(),
        total_per_page: percentiles(totals_page),
        total_per_document: percentiles(totals_doc),
        pages_per_second: if busy_secs > 0.0 {
            timed_pages as f64 / busy_secs
        } else {
            0.0
        },
        peak_rss_mib: peak_rss_mib(),
    })
}

/// Reading throughput with 1..=N worker processes.
#[derive(Debug, Clone, Serialize)]
pub struct ScalingPoint {
    pub workers: usize,
    pub documents: usize,
    pub seconds: f64,
    pub documents_per_second: f64,
    /// Throughput relative to one worker.
    pub speedup: f64,
}

/// Reads `files` (PDFs) `rounds` times with pools of 1..=`max_workers` reader processes, each
/// pool fed by as many threads as it has workers, and reports the throughput.
pub fn reader_scaling(
    program: &std::path::Path,
    args: &[String],
    files: &[PathBuf],
    max_workers: usize,
    rounds: usize,
) -> Result<Vec<ScalingPoint>, ApiError> {
    use sapllm_document::worker::{ReaderPool, ReaderPoolConfig};
    let docs: Vec<Vec<u8>> = files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .filter(|b| sapllm_document::sniff::sniff(b).ok() == Some(sapllm_core::FileKind::Pdf))
        .collect();
    if docs.is_empty() {
        return Err(ApiError::new("not_found", "no PDF to read"));
    }
    let work: Vec<&Vec<u8>> = (0..rounds.max(1)).flat_map(|_| docs.iter()).collect();
    let mut points: Vec<ScalingPoint> = Vec::new();
    for workers in 1..=max_workers.max(1) {
        let mut config = ReaderPoolConfig::new(program.to_path_buf(), args.to_vec());
        config.workers = workers;
        let pool = ReaderPool::new(config);
        // Start every worker before timing: process start-up is not reading.
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| pool.read_pdf(docs[0].as_slice()).ok());
            }
        });
        let next = std::sync::atomic::AtomicUsize::new(0);
        let started = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(doc) = work.get(i) else { break };
                        let _ = pool.read_pdf(doc);
                    }
                });
            }
        });
        let seconds = started.elapsed().as_secs_f64();
        let dps = work.len() as f64 / seconds.max(1e-9);
        let base = points.first().map_or(dps, |p| p.documents_per_second);
        points.push(ScalingPoint {
            workers,
            documents: work.len(),
            seconds,
            documents_per_second: dps,
            speedup: dps / base,
        });
    }
    Ok(points)
}

// ---------------------------------------------------------------------------------------------
// OCR section: the OCR engine page by page against a reference text, and Tesseract (when
// installed) on the same page images, side by side.

/// Options of the OCR section.
#[derive(Debug, Clone, Copy)]
pub struct OcrBenchOptions {
    /// Resolution PDF pages are rendered at (the pipeline's, 200 dpi).
    pub dpi: f32,
    /// Also run Tesseract (`eng+deu`, `OMP_THREAD_LIMIT=1`) when it is on the PATH.
    pub tesseract: bool,
}

impl Default for OcrBenchOptions {
    fn default() -> Self {
        Self {
            dpi: sapllm_pipeline::preprocessing::OCR_DPI,
            tesseract: true,
        }
    }
}

/// One engine on one set of pages.
#[derive(Debug, Clone, Serialize)]
pub struct OcrSetStats {
    /// `scans` (image pages with reference words `X.ocr.tsv`, else text `X.ocr.txt`, as
    /// written by the scan generator) or `renders` (digital PDF pages rendered, their text
    /// layer the reference).
    pub set: String,
    pub pages: usize,
    pub reference_chars: usize,
    pub errors: usize,
    /// Character error rate: edit distance / reference characters, whitespace normalised,
    /// both texts in reading order (lines top to bottom by the same grouping rule).
    pub cer: f64,
    /// The same with OCR words placed on the reference lines by position
    /// (`sapllm_ml::metrics::positional_cer`): line-grouping differences do not count.
    pub positional_cer: Option<f64>,
    /// CPU time per page (this thread for the built-in engine; the child process for
    /// Tesseract).
    pub cpu_ms: Percentiles,
    pub wall_ms: Percentiles,
}

#[derive(Debug, Clone, Serialize)]
pub struct OcrEngineStats {
    pub engine: String,
    pub sets: Vec<OcrSetStats>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OcrBenchReport {
    pub model: String,
    pub provider: String,
    pub threads: usize,
    pub dpi: f32,
    pub engines: Vec<OcrEngineStats>,
    /// Why Tesseract did not run, when it did not.
    pub tesseract_note: Option<String>,
    pub skipped: Vec<(String, String)>,
}

/// A page to read and what it says.
struct RefPage {
    set: &'static str,
    image: image::RgbImage,
    dpi: f32,
    reference: String,
    /// Reference words with boxes (text layer, or the scan's `X.ocr.tsv`).
    words: Option<Vec<sapllm_core::Word>>,
}

#[derive(Default)]
struct Acc {
    count: sapllm_ml::metrics::CerCount,
    positional: Option<sapllm_ml::metrics::CerCount>,
    pages: usize,
    cpu: Vec<f64>,
    wall: Vec<f64>,
}

impl Acc {
    fn stats(self, set: &str) -> OcrSetStats {
        OcrSetStats {
            set: set.to_owned(),
            pages: self.pages,
            reference_chars: self.count.chars,
            errors: self.count.errors,
            cer: self.count.rate(),
            positional_cer: self.positional.map(|c| c.rate()),
            cpu_ms: percentiles(self.cpu),
            wall_ms: percentiles(self.wall),
        }
    }
}

/// Runs the OCR section on `files`. Fails with `ocr_unavailable` when the engine has no OCR.
pub fn bench_ocr(
    engine: &Engine,
    files: &[PathBuf],
    options: OcrBenchOptions,
) -> Result<OcrBenchReport, ApiError> {
    use sapllm_ml::metrics::{CerCount, positional_cer, reading_text};
    let ocr = match engine.ocr() {
        crate::OcrStatus::Ready(o) => o.clone(),
        crate::OcrStatus::Off => {
            return Err(ApiError::new(
                "ocr_unavailable",
                "OCR is switched off (SAPLLM_OCR_MODEL=off)",
            ));
        }
        crate::OcrStatus::Unavailable { message, .. } => {
            return Err(ApiError::new("ocr_unavailable", message.clone()));
        }
    };
    let tesseract = if options.tesseract {
        tesseract_version()
    } else {
        Err("not requested".into())
    };
    let mut skipped = Vec::new();
    let mut sets: Vec<&'static str> = Vec::new();
    let mut ours: std::collections::BTreeMap<&'static str, Acc> = Default::default();
    let mut theirs: std::collections::BTreeMap<&'static str, Acc> = Default::default();
    let mut warmed = false;
    for file in files {
        let pages = match reference_pages(file, options.dpi) {
            Ok(p) => p,
            Err(e) => {
                skipped.push((file.display().to_string(), e));
                continue;
            }
        };
        for p in pages {
            if !sets.contains(&p.set) {
                sets.push(p.set);
            }
            if !warmed {
                // Session start-up (memory arenas, kernels) is not per-page cost.
                let _ = ocr.recognize_timed(&p.image, p.dpi, 0);
                warmed = true;
            }
            let wall = Instant::now();
            let (page, t) = ocr
                .recognize_timed(&p.image, p.dpi, 0)
                .map_err(|e| ApiError::new(e.code(), e.to_string()))?;
            let acc = ours.entry(p.set).or_default();
            acc.wall.push(wall.elapsed().as_secs_f64() * 1e3);
            acc.cpu.push(t.cpu.unwrap_or(t.total).as_secs_f64() * 1e3);
            acc.count
                .add(CerCount::of(&p.reference, &reading_text(&page.words)));
            if let Some(w) = &p.words {
                acc.positional
                    .get_or_insert_default()
                    .add(positional_cer(w, &page.words));
            }
            acc.pages += 1;
            if tesseract.is_ok() {
                match run_tesseract(&p.image, p.dpi) {
                    Ok((words, cpu, wall)) => {
                        let acc = theirs.entry(p.set).or_default();
                        acc.cpu.push(cpu);
                        acc.wall.push(wall);
                        acc.count
                            .add(CerCount::of(&p.reference, &reading_text(&words)));
                        if let Some(w) = &p.words {
                            acc.positional
                                .get_or_insert_default()
                                .add(positional_cer(w, &words));
                        }
                        acc.pages += 1;
                    }
                    Err(e) => skipped.push((file.display().to_string(), format!("tesseract: {e}"))),
                }
            }
        }
    }
    let collect = |mut m: std::collections::BTreeMap<&'static str, Acc>| -> Vec<OcrSetStats> {
        sets.iter()
            .filter_map(|s| m.remove(s).map(|a| a.stats(s)))
            .collect()
    };
    let info = ocr.info();
    let mut engines = vec![OcrEngineStats {
        engine: format!("{} ({})", info.model.name, info.model.source),
        sets: collect(ours),
    }];
    let tesseract_note = match &tesseract {
        Ok(v) => {
            engines.push(OcrEngineStats {
                engine: format!("{v} eng+deu, OMP_THREAD_LIMIT=1"),
                sets: collect(theirs),
            });
            None
        }
        Err(e) => Some(e.clone()),
    };
    Ok(OcrBenchReport {
        // The same identity results record (`versions["ocr"]`): model, package version and
        // short checksums of the weights.
        model: sapllm_ml::TextRecognizer::name(ocr.as_ref()),
        provider: info.provider.to_owned(),
        threads: info.threads,
        dpi: options.dpi,
        engines,
        tesseract_note,
        skipped,
    })
}

/// The pages of `file` with their reference texts: a scan with an `X.ocr.txt` sidecar, or the
/// digital pages of a PDF (rendered; text layer as reference).
fn reference_pages(file: &std::path::Path, dpi: f32) -> Result<Vec<RefPage>, String> {
    use sapllm_core::FileKind;
    use sapllm_document::pdf::PdfEngine;
    let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
    let kind = sapllm_document::sniff::sniff(&bytes).map_err(|e| e.to_string())?;
    let sidecar = file.with_extension("ocr.txt");
    if let Ok(text) = std::fs::read_to_string(&sidecar) {
        let refs: Vec<String> = text.split("\n\u{c}\n").map(str::to_owned).collect();
        let words = std::fs::read_to_string(file.with_extension("ocr.tsv"))
            .ok()
            .map(|t| sapllm_ml::metrics::read_reference_tsv(&t));
        let images: Vec<(image::RgbImage, f32)> = if kind == FileKind::Pdf {
            let pdf = PdfEngine::global(None).map_err(|e| e.to_string())?;
            (0..refs.len() as u32)
                .map(|i| pdf.render_page(&bytes, i, dpi).map(|img| (img, dpi)))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?
        } else if kind.is_image() {
            sapllm_ml::input::decode(&bytes, kind)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|p| (p.image, p.dpi))
                .collect()
        } else {
            return Err("an OCR reference next to a file that is no page".into());
        };
        if images.len() != refs.len() {
            return Err(format!(
                "{} pages but {} reference texts",
                images.len(),
                refs.len()
            ));
        }
        return Ok(images
            .into_iter()
            .zip(refs)
            .enumerate()
            .map(|(i, ((image, dpi), text))| {
                let page_words = words
                    .as_ref()
                    .map(|w| w.get(i).cloned().unwrap_or_default());
                // The reference is put in reading order by the same rule, in the same build,
                // as the OCR words it is compared with; the `X.ocr.txt` written at generation
                // time is only the fallback for a scan without its word boxes.
                let reference = page_words
                    .as_deref()
                    .map_or(text, sapllm_ml::metrics::reading_text);
                RefPage {
                    set: "scans",
                    image,
                    dpi,
                    reference,
                    words: page_words,
                }
            })
            .collect());
    }
    if let Some(original) = digital_original(file) {
        return twin_pages(&bytes, kind, &original, dpi);
    }
    if kind != FileKind::Pdf {
        return Err("no reference text (X.ocr.txt)".into());
    }
    let pdf = PdfEngine::global(None).map_err(|e| e.to_string())?;
    let content = pdf.read(&bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (page, usable) in content.pages.iter().zip(&content.usable_text) {
        if !usable {
            continue;
        }
        let image = pdf
            .render_page(&bytes, page.index, dpi)
            .map_err(|e| e.to_string())?;
        out.push(RefPage {
            set: "renders",
            image,
            dpi,
            reference: sapllm_ml::metrics::reading_text(&page.words),
            words: Some(page.words.clone()),
        });
    }
    if out.is_empty() {
        return Err("no page with a text layer to compare against".into());
    }
    Ok(out)
}

/// The digital original of a corpus scan: `sapllm-corpus generate --scans` writes the scanned
/// variant of `X.pdf` as `scans/X.{pdf,png,jpg}`, so the original is `../X.pdf` when the file
/// sits in a folder named `scans` and that PDF exists.
fn digital_original(file: &std::path::Path) -> Option<PathBuf> {
    let dir = file.parent()?;
    if dir.file_name()? != "scans" {
        return None;
    }
    let original = dir.parent()?.join(file.file_stem()?).with_extension("pdf");
    (original.is_file() && original != file).then_some(original)
}

/// The pages of a scan whose reference is the text layer of its digital original (same page
/// sizes, so the original's word boxes in points are the scan's too).
fn twin_pages(
    bytes: &[u8],
    kind: sapllm_core::FileKind,
    original: &std::path::Path,
    dpi: f32,
) -> Result<Vec<RefPage>, String> {
    use sapllm_document::pdf::PdfEngine;
    let pdf = PdfEngine::global(None).map_err(|e| e.to_string())?;
    let original_bytes = std::fs::read(original).map_err(|e| e.to_string())?;
    let content = pdf.read(&original_bytes).map_err(|e| e.to_string())?;
    let images: Vec<(image::RgbImage, f32)> = if kind == sapllm_core::FileKind::Pdf {
        (0..content.pages.len() as u32)
            .map(|i| pdf.render_page(bytes, i, dpi).map(|img| (img, dpi)))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?
    } else if kind.is_image() {
        sapllm_ml::input::decode(bytes, kind)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|p| (p.image, p.dpi))
            .collect()
    } else {
        return Err("a scan that is no page".into());
    };
    if images.len() != content.pages.len() {
        return Err(format!(
            "{} pages but the original has {}",
            images.len(),
            content.pages.len()
        ));
    }
    Ok(images
        .into_iter()
        .zip(&content.pages)
        .map(|((image, dpi), page)| RefPage {
            set: "scans",
            image,
            dpi,
            reference: sapllm_ml::metrics::reading_text(&page.words),
            words: Some(page.words.clone()),
        })
        .collect())
}

/// `tesseract --version`'s first line, or why it cannot run.
fn tesseract_version() -> Result<String, String> {
    let out = std::process::Command::new("tesseract")
        .arg("--version")
        .output()
        .map_err(|_| {
            "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-deu)"
                .to_owned()
        })?;
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let langs = std::process::Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    if !langs.lines().any(|l| l.trim() == "deu") {
        return Err("tesseract has no German data (apt-get install tesseract-ocr-deu)".into());
    }
    Ok(text.lines().next().unwrap_or("tesseract").trim().to_owned())
}

/// CPU time of this process's waited-for children, seconds (`/proc/self/stat` cutime+cstime).
fn children_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may contain spaces) start at state (field 3).
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(13)?.parse::<f64>().ok()? + f.get(14)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(ticks / 100.0)
}

/// Tesseract on one page image: its words in page space, CPU ms and wall ms.
fn run_tesseract(
    img: &image::RgbImage,
    dpi: f32,
) -> Result<(Vec<sapllm_core::Word>, f64, f64), String> {
    let path = std::env::temp_dir().join(format!(
        "sapllm-bench-{}-{}.png",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    img.save(&path).map_err(|e| e.to_string())?;
    let cpu0 = children_cpu_secs();
    let t = Instant::now();
    let out = std::process::Command::new("tesseract")
        .arg(&path)
        .arg("stdout")
        .args(["-l", "eng+deu", "--dpi"])
        .arg(format!("{}", dpi.round()))
        .arg("tsv")
        .env("OMP_THREAD_LIMIT", "1")
        .output();
    let wall = t.elapsed().as_secs_f64() * 1e3;
    let _ = std::fs::remove_file(&path);
    let out = out.map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or("failed")
            .to_owned());
    }
    let cpu = children_cpu_secs()
        .zip(cpu0)
        .map_or(wall, |(b, a)| (b - a) * 1e3);
    let mut words = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 12 || c[0] != "5" || c[11].trim().is_empty() {
            continue;
        }
        let num = |i: usize| c[i].parse::<f32>().unwrap_or(0.0);
        let (l, t, w, h) = (num(6), num(7), num(8), num(9));
        words.push(sapllm_core::Word {
            text: c[11].trim().to_owned(),
            bbox: sapllm_ml::pixels_to_points(l, t, l + w, t + h, dpi),
            confidence: (num(10) / 100.0).clamp(0.0, 1.0),
        });
    }
    Ok((words, cpu, wall))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scans_reference_is_grouped_by_this_build_from_its_word_boxes() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("x.png");
        image::RgbImage::from_pixel(200, 100, image::Rgb([255, 255, 255]))
            .save(&page)
            .unwrap();
        // The text written at generation time, grouped by an older rule: not the reference
        // when the word boxes are there.
        std::fs::write(dir.path().join("x.ocr.txt"), "Total Net 119,00 100,00").unwrap();
        std::fs::write(
            dir.path().join("x.ocr.tsv"),
            "page\tx0\ty0\tx1\ty1\ttext\n\
             0\t10\t10\t40\t20\tNet\n\
             0\t60\t10\t90\t20\t100,00\n\
             0\t10\t30\t40\t40\tTotal\n\
             0\t60\t30\t90\t40\t119,00\n",
        )
        .unwrap();
        let pages = reference_pages(&page, 150.0).unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].reference, "Net 100,00 Total 119,00");
        assert_eq!(pages[0].words.as_ref().map(Vec::len), Some(4));
        // Without the boxes the stored text is the reference.
        std::fs::remove_file(dir.path().join("x.ocr.tsv")).unwrap();
        let pages = reference_pages(&page, 150.0).unwrap();
        assert_eq!(pages[0].reference, "Total Net 119,00 100,00");
    }
}
