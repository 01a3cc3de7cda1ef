//! `sapllm-corpus`: writes the sample set (and galleries of layouts) to disk.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use sapllm_corpus::dataset::{FamilyRef, Options, write_corpus};
use sapllm_corpus::model::Language;

#[derive(Debug, Parser)]
#[command(
    name = "sapllm-corpus",
    about = "Deterministic synthetic business documents with ground truth"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writes the curated sample set (documents, ground truth, bad files, README).
    Samples {
        #[arg(long, default_value = "samples")]
        out: PathBuf,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Writes a training or test corpus: PDFs, ground truth, word labels, scans, manifest.
    Generate {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// train, test (held-out layout families) or all.
        #[arg(long, default_value = "train")]
        split: sapllm_corpus::dataset::Split,
        #[arg(long, default_value_t = 100)]
        count: usize,
        /// Also write scanned variants under OUT/scans.
        #[arg(long)]
        scans: bool,
        /// Comma-separated language codes (default: all eight).
        #[arg(long, value_delimiter = ',')]
        languages: Vec<String>,
    },
    /// Lists the layout families and which are held out for testing.
    Families,
    /// Writes supplier groups (several invoices per supplier, same layout) for
    /// `sapllm learn replay`.
    Suppliers {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        #[arg(long, default_value = "test")]
        split: String,
        #[arg(long, default_value_t = 20)]
        groups: usize,
        #[arg(long, default_value_t = 4)]
        per_supplier: usize,
    },
    /// Writes one invoice per layout family and language, with ground truth.
    Gallery {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Samples { out, seed } => {
            let written = sapllm_corpus::samples::write_samples(&out, seed)
                .with_context(|| format!("writing samples to {}", out.display()))?;
            println!("wrote {} files to {}", written.len(), out.display());
        }
        Command::Generate {
            out,
            seed,
            split,
            count,
            scans,
            languages,
        } => {
            let languages = if languages.is_empty() {
                Language::ALL.to_vec()
            } else {
                languages
                    .iter()
                    .map(|c| {
                        Language::from_code(c.trim())
                            .with_context(|| format!("unknown language {c:?}"))
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?
            };
            let opts = Options {
                seed,
                split,
                count,
                scans,
                languages,
            };
            let started = std::time::Instant::now();
            let entries = write_corpus(&out, &opts)
                .with_context(|| format!("writing corpus to {}", out.display()))?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "wrote {} documents to {} in {secs:.1} s ({:.0} docs/s)",
                entries.len(),
                out.display(),
                entries.len() as f64 / secs.max(1e-9)
            );
        }
        Command::Families => {
            for f in FamilyRef::all() {
                let split = if f.is_test() { "test " } else { "train" };
                println!("{split}  {:<26} {}", f.id(), f.description());
            }
        }
        Command::Suppliers {
            out,
            seed,
            split,
            groups,
            per_supplier,
        } => {
            let split: sapllm_corpus::dataset::Split =
                split.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            let n =
                sapllm_corpus::suppliers::write_suppliers(&out, seed, split, groups, per_supplier)
                    .with_context(|| format!("writing supplier groups to {}", out.display()))?;
            println!(
                "wrote {n} invoices of {groups} suppliers to {}",
                out.display()
            );
        }
        Command::Gallery { out, seed } => {
            let written = sapllm_corpus::samples::write_gallery(&out, seed)
                .with_context(|| format!("writing gallery to {}", out.display()))?;
            println!("wrote {} files to {}", written.len(), out.display());
        }
    }
    Ok(())
}
