//! `sapllm-corpus`: writes the sample set (and galleries of layouts) to disk.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

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
        Command::Gallery { out, seed } => {
            let written = sapllm_corpus::samples::write_gallery(&out, seed)
                .with_context(|| format!("writing gallery to {}", out.display()))?;
            println!("wrote {} files to {}", written.len(), out.display());
        }
    }
    Ok(())
}
