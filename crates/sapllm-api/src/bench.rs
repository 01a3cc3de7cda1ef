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
