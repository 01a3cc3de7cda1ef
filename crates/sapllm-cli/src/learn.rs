//! `sapllm learn …`: what was learned from corrections, its versions, rollback, export and
//! import, and the replay that measures learning.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use sapllm_api::learn_replay::{ReplayReport, ReplayRun};
use sapllm_api::{Api, Settings};
use tokio::runtime::Runtime;

use crate::sap::user_or_login;

#[derive(Debug, Subcommand)]
pub enum LearnCommand {
    /// The serving version and what it knows.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Every version of the learned state, newest first, with its shadow-evaluation scores.
    Versions {
        #[arg(long)]
        json: bool,
    },
    /// Makes version `version` serve (every version stays stored).
    Rollback {
        version: u64,
        #[arg(long)]
        user: Option<String>,
    },
    /// Writes the serving state as a file to share (labels, formats, positions; no values,
    /// amounts, names or IBANs).
    Export { file: PathBuf },
    /// Merges an exported file's supplier memories into a new version (shadow-evaluated).
    Import {
        file: PathBuf,
        #[arg(long)]
        user: Option<String>,
    },
    /// Replays a folder with ground truth, supplier by supplier, with and without learning,
    /// and reports accuracy on each supplier's 1st, 2nd, … document (fresh stores; the
    /// data folder is not touched).
    Replay {
        folder: PathBuf,
        /// Every n-th supplier is never corrected (0: all are).
        #[arg(long, default_value_t = 4)]
        holdout: usize,
        #[arg(long)]
        ignore_embedded: bool,
        #[arg(long)]
        json: bool,
        /// Fail (exit 4) when accuracy on 2nd and later documents with learning is below this.
        #[arg(long)]
        min_second_doc_accuracy: Option<f64>,
        /// Fail (exit 4) when never-corrected suppliers lose more than this much accuracy.
        #[arg(long)]
        max_uncorrected_drop: Option<f64>,
    },
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.4}"))
}

fn run_row(t: &mut Table, name: &str, r: &ReplayRun) {
    let pos = |k: &str| r.by_position.get(k).map(|s| (s.accuracy, s.documents));
    let cell = |k: &str| match pos(k) {
        Some((a, n)) => format!("{} ({n})", pct(a)),
        None => "-".into(),
    };
    t.add_row(vec![
        name.to_owned(),
        cell("1"),
        cell("2"),
        cell("3"),
        cell("4+"),
        format!(
            "{} ({})",
            pct(r.second_and_later.accuracy),
            r.second_and_later.documents
        ),
        format!(
            "{} ({})",
            pct(r.never_corrected.accuracy),
            r.never_corrected.documents
        ),
    ]);
}

fn print_replay(r: &ReplayReport) {
    println!(
        "{} documents, {} suppliers ({} never corrected), {} failed",
        r.documents, r.suppliers, r.held_out_suppliers, r.failed
    );
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec![
            "run",
            "1st doc",
            "2nd",
            "3rd",
            "4th+",
            "2nd and later",
            "never corrected",
        ]);
    run_row(&mut t, "without learning", &r.without_learning);
    run_row(&mut t, "with learning", &r.with_learning);
    println!("{t}");
    for (name, run) in [("without", &r.without_learning), ("with", &r.with_learning)] {
        let mut e: Vec<_> = run.later_errors_by_field.iter().collect();
        e.sort_by(|a, b| b.1.cmp(a.1));
        println!(
            "errors on 2nd+ documents {name} learning: {}",
            e.iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "clerk: {} confirmations, {} corrections by clicking words, {} typed, {} approvals refused; versions: {} promoted, {} rejected by shadow evaluation",
        r.confirmations,
        r.corrections_by_words,
        r.corrections_typed,
        r.approvals_refused,
        r.versions_promoted,
        r.versions_rejected
    );
    for r in &r.rejections {
        println!("  rejected: {r}");
    }
    println!(
        "time per approved document: learning p50 {} ms, shadow evaluation p50 {} ms",
        r.learn_ms_p50.map_or("-".into(), |v| format!("{v:.2}")),
        r.shadow_ms_p50.map_or("-".into(), |v| format!("{v:.1}"))
    );
}

pub fn run(rt: &Runtime, settings: &Settings, command: LearnCommand) -> Result<ExitCode> {
    let open = || rt.block_on(Api::open(settings)).map_err(anyhow::Error::new);
    match command {
        LearnCommand::Status { json } => {
            let s = rt.block_on(open()?.learning_status())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                println!(
                    "serving version: {}\nversions: {} ({} rejected by shadow evaluation)\nsuppliers: {}, layouts: {}, remembered fields: {}\nre-ranker updates: {}, examples: {}, replay set: {} approved documents",
                    s.serving_version
                        .map_or("none (nothing learned yet)".into(), |v| v.to_string()),
                    s.versions,
                    s.rejected_versions,
                    s.suppliers,
                    s.layouts,
                    s.remembered_fields,
                    s.reranker_updates,
                    s.examples,
                    s.replay_docs
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        LearnCommand::Versions { json } => {
            let v = rt.block_on(open()?.learned_versions())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                let mut t = Table::new();
                t.load_preset(UTF8_FULL_CONDENSED)
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_header(vec![
                        "version", "serving", "status", "created", "user", "document", "reason",
                    ]);
                for x in &v {
                    t.add_row(vec![
                        x.version.to_string(),
                        if x.serving { "*".into() } else { String::new() },
                        x.status.clone(),
                        x.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                        x.user.clone().unwrap_or_default(),
                        x.document_hash
                            .as_deref()
                            .map(|h| h[..12.min(h.len())].to_owned())
                            .unwrap_or_default(),
                        x.reason.clone(),
                    ]);
                }
                println!("{t}");
            }
            Ok(ExitCode::SUCCESS)
        }
        LearnCommand::Rollback { version, user } => {
            rt.block_on(open()?.rollback_learned(version, &user_or_login(user)))?;
            println!("learned state version {version} serves now");
            Ok(ExitCode::SUCCESS)
        }
        LearnCommand::Export { file } => {
            let p = rt.block_on(open()?.export_learned(&file))?;
            println!("wrote {}", p.display());
            Ok(ExitCode::SUCCESS)
        }
        LearnCommand::Import { file, user } => {
            let o = rt.block_on(open()?.import_learned(&file, &user_or_login(user)))?;
            println!(
                "version {}: {}",
                o.version.map_or("-".into(), |v| v.to_string()),
                o.reason
            );
            Ok(ExitCode::SUCCESS)
        }
        LearnCommand::Replay {
            folder,
            holdout,
            ignore_embedded,
            json,
            min_second_doc_accuracy,
            max_uncorrected_drop,
        } => {
            let pb = crate::progress_bar(!json);
            let report = rt.block_on(sapllm_api::learn_replay::replay(
                settings,
                &folder,
                holdout,
                ignore_embedded,
                &|done, total| {
                    if let Some(pb) = &pb {
                        pb.set_length(total as u64);
                        pb.set_position(done as u64);
                    }
                },
            ))?;
            if let Some(pb) = pb {
                pb.finish_and_clear();
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_replay(&report);
            }
            let mut ok = true;
            if let (Some(min), Some(got)) = (
                min_second_doc_accuracy,
                report.with_learning.second_and_later.accuracy,
            ) {
                if got < min {
                    eprintln!("FAIL: accuracy on 2nd and later documents {got:.4} < {min:.4}");
                    ok = false;
                }
            }
            if let (Some(max), Some(a), Some(b)) = (
                max_uncorrected_drop,
                report.without_learning.never_corrected.accuracy,
                report.with_learning.never_corrected.accuracy,
            ) {
                if a - b > max {
                    eprintln!(
                        "FAIL: never-corrected suppliers dropped from {a:.4} to {b:.4} (> {max})"
                    );
                    ok = false;
                }
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(4)
            })
        }
    }
}
