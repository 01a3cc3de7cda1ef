//! A mutation fuzzer for the intake path: sniffing, PDF open and text extraction (in reader
//! worker processes), e-invoice XML parsing, image header decoding — everything a hostile file
//! reaches before a person sees it.
//!
//! Seeds are real documents; each execution applies a few random mutations (bit flips, byte
//! runs, deletions, duplications, truncation, splicing two seeds, "interesting" numbers in
//! place of digits) and runs the inbox and preprocessing through the pipeline. The parent must
//! never crash: a worker crash or hang is an expected, contained outcome and is counted (and
//! its input kept, so it becomes a regression test); a panic in this process is a bug and is
//! caught, counted and kept as well. Deterministic for a seed.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use sapllm_pipeline::pipeline::{Outcome, RunOptions};
use sapllm_pipeline::prior::NoPriorDocuments;
use serde::Serialize;

use crate::{ApiError, Engine};

#[derive(Debug, Clone, Serialize)]
pub struct FuzzReport {
    pub executions: u64,
    pub seconds: f64,
    pub executions_per_second: f64,
    /// Outcome counts: `ok`, or the failure code (`corrupt_pdf`, `reader_crashed`, ...).
    pub outcomes: BTreeMap<String, u64>,
    /// Panics caught in this process (bugs).
    pub panics: u64,
    /// Inputs kept because a worker crashed or hung, or this process panicked.
    pub kept: Vec<PathBuf>,
}

/// Small deterministic PRNG (xorshift64*): reproducible runs without a dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

const INTERESTING: &[&[u8]] = &[
    b"0",
    b"-1",
    b"4294967295",
    b"2147483648",
    b"99999999999999999999",
    b"1e308",
    b"NaN",
    b"-0",
    b"65536",
];

/// Applies 1–4 random mutations to `input` (with `other` available for splicing).
pub fn mutate(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below(16).min(len - i);
                for b in &mut out[i..(i + n).min(len)] {
                    *b = rng.next_u64() as u8;
                }
            }
            2 if len > 1 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(512));
                out.drain(i..(i + n).min(len));
            }
            3 if len > 1 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(512));
                let chunk: Vec<u8> = out[i..(i + n).min(len)].to_vec();
                let at = rng.below(out.len());
                out.splice(at..at, chunk);
            }
            4 if len > 0 => out.truncate(rng.below(len)),
            5 if !other.is_empty() && len > 0 => {
                let cut = rng.below(len);
                let from = rng.below(other.len());
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            6 => {
                // Replace a run of digits by an interesting number (object numbers, lengths,
                // offsets, counts are digits in PDFs and XML).
                let digits: Vec<usize> = out
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.is_ascii_digit())
                    .map(|(i, _)| i)
                    .collect();
                if let Some(&start) = digits.get(rng.below(digits.len())) {
                    let mut end = start;
                    while end < out.len() && out[end].is_ascii_digit() {
                        end += 1;
                    }
                    let with = INTERESTING[rng.below(INTERESTING.len())];
                    out.splice(start..end, with.iter().copied());
                }
            }
            _ => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(64);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
                out.splice(at..at, bytes);
            }
        }
    }
    out
}

/// Runs `executions` mutated inputs from `seeds` through the intake path.
pub fn fuzz(
    engine: &Engine,
    seeds: &[Vec<u8>],
    executions: u64,
    seed: u64,
    keep_dir: Option<&Path>,
    progress: &dyn Fn(u64),
) -> Result<FuzzReport, ApiError> {
    if seeds.is_empty() {
        return Err(ApiError::new("not_found", "no seed files"));
    }
    let mut rng = Rng::new(seed);
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut panics = 0;
    let mut kept = Vec::new();
    let started = Instant::now();
    let run = RunOptions {
        ignore_embedded: false,
        reprocess: true,
    };
    for n in 0..executions {
        let a = &seeds[rng.below(seeds.len())];
        let b = &seeds[rng.below(seeds.len())];
        let input = mutate(a, b, &mut rng);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            engine.pipeline().process(&input, &NoPriorDocuments, run)
        }));
        let (label, keep) = match outcome {
            Ok(Ok(Outcome::Processed(_))) | Ok(Ok(Outcome::AlreadyKnown { .. })) => {
                ("ok".to_owned(), false)
            }
            Ok(Err(f)) => {
                let code = f.code().to_owned();
                let keep = code == "reader_crashed" || code == "reader_timeout";
                (code, keep)
            }
            Err(_) => {
                panics += 1;
                ("panic".to_owned(), true)
            }
        };
        *outcomes.entry(label.clone()).or_default() += 1;
        if keep {
            if let Some(dir) = keep_dir {
                let _ = std::fs::create_dir_all(dir);
                let path = dir.join(format!("{label}-{seed}-{n}.bin"));
                if std::fs::write(&path, &input).is_ok() {
                    kept.push(path);
                }
            }
        }
        if n % 1000 == 0 {
            progress(n);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(FuzzReport {
        executions,
        seconds,
        executions_per_second: executions as f64 / seconds.max(1e-9),
        outcomes,
        panics,
        kept,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_deterministic_and_change_the_input() {
        let seed = b"%PDF-1.7\n1 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 72 712 Td (Rechnung 4711) Tj ET\nendstream endobj";
        let (mut r1, mut r2) = (Rng::new(7), Rng::new(7));
        let mut changed = 0;
        for _ in 0..200 {
            let a = mutate(seed, b"<xml/>", &mut r1);
            let b = mutate(seed, b"<xml/>", &mut r2);
            assert_eq!(a, b);
            changed += usize::from(a != seed.to_vec());
        }
        assert!(
            changed > 190,
            "mutations rarely leave the input unchanged: {changed}"
        );
    }
}
