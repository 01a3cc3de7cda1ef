//! `sapllm` — the headless front end of SAP_LLM Desktop: the same engine and store as the
//! app, for batch work, evaluation and benchmarks.
//!
//! Exit status: 0 when everything worked, 3 when the command ran but some documents failed
//! (bad files; for `sap post`: postings that need a person), 4 when `eval` fell below a floor
//! given with `--min-*`, 1 for any other error.

mod learn;
mod render;
mod sap;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use sapllm_api::bench::BenchOptions;
use sapllm_api::{
    Api, DocumentFilter, DocumentSort, DocumentStatus, Engine, Progress, ReaderMode, RunOptions,
    Settings,
};

#[derive(Parser, Debug)]
#[command(
    name = "sapllm",
    version,
    about = "Process supplier invoices locally: read, extract, check, route."
)]
struct Cli {
    /// Data folder (store and originals). Default: $SAPLLM_DATA_DIR, else the OS convention.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// PDFium library to use (default: resolver order, see `sapllm doctor`).
    #[arg(long, global = true)]
    pdfium: Option<PathBuf>,
    /// Pipeline configuration file (default: <data dir>/pipeline.toml, else built-in).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Reader worker processes (0: read in this process). Default: the number of cores for
    /// `process`, 0 for `eval` and `bench` (they measure the pipeline itself).
    #[arg(long, global = true)]
    workers: Option<usize>,
    /// Longest time reading one document may take in a worker, seconds.
    #[arg(long, global = true, default_value_t = 60)]
    reader_timeout: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Process files and folders through all eight stages and store the results.
    Process {
        paths: Vec<PathBuf>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Process again even if the same bytes were processed before (a new result version).
        #[arg(long)]
        reprocess: bool,
        /// Read e-invoice PDFs from their printed page only.
        #[arg(long)]
        ignore_embedded: bool,
    },
    /// Show one document: fields with provenance and confidence, findings, routing, audit trail.
    Show {
        /// Content hash or a unique prefix of it (at least 6 characters).
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// List the queue.
    Queue {
        /// Only this status (to_review, ready_to_post, rejected, failed, ...).
        #[arg(long)]
        status: Option<String>,
        /// Search in file name, seller, invoice number, hash.
        #[arg(long)]
        search: Option<String>,
        /// Sort: received (default), amount.
        #[arg(long, default_value = "received")]
        sort: String,
        #[arg(long)]
        json: bool,
    },
    /// Score the pipeline against a folder of documents with ground truth (shared/eval format).
    Eval {
        folder: PathBuf,
        /// Score e-invoice PDFs on their printed page only.
        #[arg(long)]
        ignore_embedded: bool,
        #[arg(long)]
        json: bool,
        /// Fail (exit 4) when header micro-F1 is below this.
        #[arg(long)]
        min_micro_f1: Option<f64>,
        /// Fail (exit 4) unless every document with embedded XML is exact.
        #[arg(long)]
        require_exact_einvoices: bool,
        /// List the wrong fields of each document.
        #[arg(long)]
        mismatches: bool,
        /// Extractor to score: as configured, `ranked` (rules + trained ranker and
        /// classifiers), `rules` (rules alone), or `both` in one run (floors apply to `ranked`).
        #[arg(long, value_parser = ["configured", "ranked", "rules", "both"], default_value = "configured")]
        extractor: String,
        /// Fail (exit 4) when line-item F1 is below this.
        #[arg(long)]
        min_line_f1: Option<f64>,
        /// Fail (exit 4) when document-type accuracy is below this.
        #[arg(long)]
        min_doc_type_accuracy: Option<f64>,
        /// Fail (exit 4) when subtype accuracy is below this.
        #[arg(long)]
        min_subtype_accuracy: Option<f64>,
        /// With `--extractor both`: fail (exit 4) unless the ranked micro-F1 beats the rules'.
        #[arg(long)]
        require_better_than_rules: bool,
    },
    /// Write the training tables of the trained models for a folder with ground truth.
    TrainData {
        folder: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Time each stage per page on a folder of documents.
    Bench {
        paths: Vec<PathBuf>,
        /// Timed runs per document.
        #[arg(long, default_value_t = 20)]
        iterations: usize,
        #[arg(long)]
        ignore_embedded: bool,
        #[arg(long)]
        json: bool,
        /// Also measure reading throughput with 1..=N reader processes.
        #[arg(long)]
        scaling: Option<usize>,
        /// Also measure OCR page by page (CER against a scan's `X.ocr.tsv` / `X.ocr.txt` or the text layer, CPU time)
        /// and, when installed, Tesseract eng+deu on the same pages.
        #[arg(long)]
        ocr: bool,
    },
    /// Approve a document: map it to SAP and put it in the outbox (posted by `sap post`).
    Approve {
        /// Content hash or a unique prefix of it.
        id: String,
        /// Why (recorded in the audit log).
        #[arg(long)]
        comment: Option<String>,
        /// Who approves (default: the login name).
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Reject a document, with the reason.
    Reject {
        id: String,
        #[arg(long)]
        comment: String,
        #[arg(long)]
        user: Option<String>,
    },
    /// Learning from corrections: status, versions, rollback, export/import, replay.
    Learn {
        #[command(subcommand)]
        command: learn::LearnCommand,
    },
    /// SAP: configure the connection, test it, post approved documents, show the outbox.
    Sap {
        #[command(subcommand)]
        command: sap::SapCommand,
    },
    /// Fuzz the intake path (sniffing, PDF reading in workers, XML, images) with mutated seeds.
    Fuzz {
        /// Seed documents (files or folders).
        seeds: Vec<PathBuf>,
        #[arg(long, default_value_t = 10_000)]
        executions: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where inputs that crashed or hung a worker (or panicked) are kept.
        #[arg(long)]
        keep: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Show where native libraries, data and configuration come from.
    Doctor,
    /// Serve the reader-worker protocol on stdin/stdout (started by `process`, not by people).
    #[command(hide = true)]
    Worker,
}

fn settings(cli: &Cli) -> Result<Settings> {
    let mut s = match &cli.data_dir {
        Some(d) => Settings::new(d.clone()),
        None => Settings::from_env().context("cannot determine the data folder")?,
    };
    s.pdfium_path = cli.pdfium.clone();
    s.config_path = cli.config.clone();
    let default_workers = match cli.command {
        Command::Process { .. } | Command::Fuzz { .. } => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2),
        _ => 0,
    };
    let workers = cli.workers.unwrap_or(default_workers);
    if workers > 0 {
        s.reader = ReaderMode::Workers {
            program: std::env::current_exe()
                .context("cannot find this program to start reader workers")?,
            args: vec!["worker".into()],
            workers,
            timeout_secs: cli.reader_timeout,
        };
    }
    Ok(s)
}

fn progress_bar(enabled: bool) -> Option<ProgressBar> {
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new(0);
    pb.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(pb)
}

fn on_progress(pb: &Option<ProgressBar>) -> impl Fn(Progress) + Sync + '_ {
    move |p: Progress| {
        if let Some(pb) = pb {
            pb.set_length(p.total as u64);
            pb.set_position(p.done as u64);
            pb.set_message(p.file);
        }
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SAPLLM_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        // Plain text when the log goes to a file or a pipe (readable, and greppable).
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Worker = cli.command {
        sapllm_document::worker::serve(cli.pdfium.as_deref()).context("reader worker")?;
        return Ok(ExitCode::SUCCESS);
    }
    let settings = settings(&cli)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    match cli.command {
        Command::Process {
            paths,
            json,
            reprocess,
            ignore_embedded,
        } => {
            anyhow::ensure!(!paths.is_empty(), "name at least one file or folder");
            let api = rt
                .block_on(Api::open(&settings))
                .map_err(anyhow::Error::new)?;
            let pb = progress_bar(!json);
            let options = RunOptions {
                ignore_embedded,
                reprocess,
            };
            let summary = rt
                .block_on(api.process_paths(&paths, options, &on_progress(&pb)))
                .map_err(anyhow::Error::new)?;
            if let Some(pb) = pb {
                pb.finish_and_clear();
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                render::batch_summary(&summary, &settings.data_dir);
            }
            Ok(if summary.failed > 0 {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Show { id, json } => {
            let api = rt
                .block_on(Api::open(&settings))
                .map_err(anyhow::Error::new)?;
            let view = rt.block_on(api.show(&id)).map_err(anyhow::Error::new)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&view)?);
            } else {
                render::document_view(&view);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Queue {
            status,
            search,
            sort,
            json,
        } => {
            let api = rt
                .block_on(Api::open(&settings))
                .map_err(anyhow::Error::new)?;
            let mut filter = DocumentFilter::default();
            if let Some(s) = status {
                filter = filter.status(
                    s.parse::<DocumentStatus>()
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                );
            }
            if let Some(t) = search {
                filter = filter.text(t);
            }
            filter = filter.sort(match sort.as_str() {
                "amount" => DocumentSort::AmountDesc,
                "received" => DocumentSort::ReceivedDesc,
                other => anyhow::bail!("unknown sort '{other}' (received, amount)"),
            });
            let rows = rt
                .block_on(api.queue(&filter))
                .map_err(anyhow::Error::new)?;
            let counts = rt.block_on(api.store().counts_by_status())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                render::queue(&rows, &counts);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            folder,
            ignore_embedded,
            json,
            min_micro_f1,
            require_exact_einvoices,
            mismatches,
            extractor,
            min_line_f1,
            min_doc_type_accuracy,
            min_subtype_accuracy,
            require_better_than_rules,
        } => {
            use sapllm_api::{ExtractorKind, ModelChoice};
            let configured = settings
                .pipeline_config()
                .map_err(anyhow::Error::new)?
                .models;
            let ranked = ModelChoice {
                extractor: ExtractorKind::Ranked,
                classifiers: true,
                ..configured.clone()
            };
            let rules = ModelChoice {
                extractor: ExtractorKind::Rules,
                classifiers: false,
                ..configured.clone()
            };
            let runs: Vec<(&str, ModelChoice)> = match extractor.as_str() {
                "ranked" => vec![("ranked", ranked)],
                "rules" => vec![("rules", rules)],
                "both" => vec![("ranked", ranked), ("rules", rules)],
                _ => vec![("configured", configured)],
            };
            let mut reports = Vec::new();
            for (name, choice) in &runs {
                let engine =
                    Engine::with_model_choice(&settings, choice).map_err(anyhow::Error::new)?;
                let pb = progress_bar(!json);
                let report = sapllm_api::eval::evaluate(
                    &engine,
                    &folder,
                    ignore_embedded,
                    &on_progress(&pb),
                )
                .map_err(anyhow::Error::new)?;
                if let Some(pb) = pb {
                    pb.finish_and_clear();
                }
                if !json {
                    if runs.len() > 1 {
                        println!(
                            "== extractor: {name} ({})",
                            engine
                                .pipeline()
                                .versions()
                                .get("extraction")
                                .cloned()
                                .unwrap_or_default()
                        );
                    }
                    render::eval_report(&report, mismatches);
                }
                reports.push((*name, report));
            }
            if json {
                if reports.len() == 1 {
                    println!("{}", serde_json::to_string_pretty(&reports[0].1)?);
                } else {
                    let map: serde_json::Map<String, serde_json::Value> = reports
                        .iter()
                        .map(|(n, r)| Ok(((*n).to_owned(), serde_json::to_value(r)?)))
                        .collect::<Result<_>>()?;
                    println!("{}", serde_json::to_string_pretty(&map)?);
                }
            }
            let report = &reports[0].1;
            let mut ok = true;
            let mut floor = |what: &str, got: Option<f64>, min: Option<f64>| {
                if let (Some(min), Some(got)) = (min, got) {
                    if got < min {
                        eprintln!("FAIL: {what} {got:.4} is below the floor {min:.4}");
                        ok = false;
                    }
                }
            };
            floor("header micro-F1", report.header.micro_f1, min_micro_f1);
            floor("line-item F1", report.line_items.f1, min_line_f1);
            floor(
                "doc-type accuracy",
                report.doc_type.accuracy,
                min_doc_type_accuracy,
            );
            floor(
                "subtype accuracy",
                report.subtype.accuracy,
                min_subtype_accuracy,
            );
            if reports.len() > 1 {
                let (a, b) = (
                    reports[0].1.header.micro_f1.unwrap_or(0.0),
                    reports[1].1.header.micro_f1.unwrap_or(0.0),
                );
                if !json {
                    println!(
                        "header micro-F1: ranked {a:.4} vs rules {b:.4} ({:+.4})",
                        a - b
                    );
                }
                if require_better_than_rules && a <= b {
                    eprintln!("FAIL: ranked micro-F1 {a:.4} is not better than the rules' {b:.4}");
                    ok = false;
                }
            }
            if require_exact_einvoices && report.einvoice_exact < report.einvoice_documents {
                eprintln!(
                    "FAIL: {} of {} documents with embedded XML are not exact",
                    report.einvoice_documents - report.einvoice_exact,
                    report.einvoice_documents
                );
                ok = false;
            }
            if require_exact_einvoices && report.failed_documents > 0 {
                eprintln!("FAIL: {} documents failed", report.failed_documents);
                ok = false;
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(4)
            })
        }
        Command::TrainData { folder, out } => {
            let engine = Engine::with_model_choice(
                &settings,
                &sapllm_api::ModelChoice {
                    extractor: sapllm_api::ExtractorKind::Rules,
                    classifiers: false,
                    threads: 1,
                },
            )
            .map_err(anyhow::Error::new)?;
            let summary = sapllm_api::train_data::write_training_data(&engine, &folder, &out)
                .map_err(anyhow::Error::new)?;
            println!("{}", serde_json::to_string_pretty(&summary)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            paths,
            iterations,
            ignore_embedded,
            json,
            scaling,
            ocr,
        } => {
            let engine = Engine::new(&settings).map_err(anyhow::Error::new)?;
            let files = sapllm_api::collect_inputs(&paths);
            let options = BenchOptions {
                iterations,
                run: RunOptions {
                    ignore_embedded,
                    reprocess: true,
                },
            };
            let report =
                sapllm_api::bench::bench(&engine, &files, options).map_err(anyhow::Error::new)?;
            let scaling = match scaling {
                Some(n) => Some(
                    sapllm_api::bench::reader_scaling(
                        &std::env::current_exe()?,
                        &["worker".into()],
                        &files,
                        n,
                        10,
                    )
                    .map_err(anyhow::Error::new)?,
                ),
                None => None,
            };
            let ocr = match ocr {
                true => Some(
                    sapllm_api::bench::bench_ocr(&engine, &files, Default::default())
                        .map_err(anyhow::Error::new)?,
                ),
                false => None,
            };
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "pipeline": report, "reader_scaling": scaling, "ocr": ocr })
                );
            } else {
                render::bench_report(&report);
                if let Some(points) = &scaling {
                    render::scaling(points);
                }
                if let Some(r) = &ocr {
                    render::ocr_bench(r);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Approve {
            id,
            comment,
            user,
            json,
        } => sap::approve(&rt, &settings, &id, comment.as_deref(), user, json),
        Command::Reject { id, comment, user } => sap::reject(&rt, &settings, &id, &comment, user),
        Command::Sap { command } => sap::run(&rt, &settings, command),
        Command::Learn { command } => learn::run(&rt, &settings, command),
        Command::Worker => Ok(ExitCode::SUCCESS),
        Command::Fuzz {
            seeds,
            executions,
            seed,
            keep,
            json,
        } => {
            let engine = Engine::new(&settings).map_err(anyhow::Error::new)?;
            let seeds: Vec<Vec<u8>> = sapllm_api::collect_inputs(&seeds)
                .iter()
                .filter_map(|p| std::fs::read(p).ok())
                .collect();
            let report =
                sapllm_api::fuzz::fuzz(&engine, &seeds, executions, seed, keep.as_deref(), &|n| {
                    if !json && n % 10_000 == 0 {
                        eprintln!("fuzz: {n} executions");
                    }
                })
                .map_err(anyhow::Error::new)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "{} executions in {:.1} s ({:.0}/s), {} panics in this process",
                    report.executions, report.seconds, report.executions_per_second, report.panics
                );
                for (k, v) in &report.outcomes {
                    println!("  {k}: {v}");
                }
                for k in &report.kept {
                    println!("  kept {}", k.display());
                }
            }
            Ok(if report.panics > 0 {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Doctor => {
            render::doctor(&settings);
            Ok(ExitCode::SUCCESS)
        }
    }
}
