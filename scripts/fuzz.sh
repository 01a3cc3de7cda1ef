#!/usr/bin/env bash
# Builds the libFuzzer target of the intake path (fuzz/, `cargo fuzz`) and runs it for N
# executions, seeded from samples/ (documents, e-invoices, bad files).
#
#   scripts/fuzz.sh [N=100000] [extra libFuzzer flags...]
#
# cargo-fuzz needs nightly compiler flags; on the stable toolchain RUSTC_BOOTSTRAP=1 enables
# them. Needs `cargo install cargo-fuzz` and PDFium from `make setup`. Exit status non-zero
# when libFuzzer found a crash, leak or timeout; the input is then in fuzz/artifacts/intake/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-100000}
shift || true

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: cargo install cargo-fuzz" >&2
    exit 2
fi
pdfium=$(ls "$root"/.cache/native/pdfium/libpdfium.so 2>/dev/null || true)
if [[ -z "${SAPLLM_PDFIUM_LIB:-}" && -n "$pdfium" ]]; then
    export SAPLLM_PDFIUM_LIB=$pdfium
fi

# Seed corpus: every sample (not edited in place: libFuzzer adds what it finds to corpus/).
corpus=fuzz/corpus/intake
mkdir -p "$corpus"
find samples -type f \( -name '*.pdf' -o -name '*.xml' -o -name '*.png' -o -name '*.jpg' \
    -o -name '*.tif' -o -name '*.tiff' -o -path 'samples/bad/*' \) -print0 |
    while IFS= read -r -d '' f; do cp -n "$f" "$corpus/seed-$(basename "$f")"; done

export RUSTC_BOOTSTRAP=1
# Without a sanitizer by default: the Rust code is memory-safe and PDFium (the C++ part) is
# loaded as shipped, not instrumented, so ASan finds little here and costs ~5x in speed.
# FUZZ_SANITIZER=address turns it on.
sanitizer=${FUZZ_SANITIZER:-none}
cargo fuzz build --release -s "$sanitizer" intake
# -rss_limit_mb: PDFium and image decoding of a hostile file may allocate a lot before
# refusing; 4 GB is far above any legitimate document.
start=$(date +%s)
status=0
cargo fuzz run --release -s "$sanitizer" intake "$corpus" -- \
    -runs="$runs" -max_len=262144 -timeout=20 -rss_limit_mb=4096 \
    -print_final_stats=1 "$@" 2>&1 | tee fuzz/last-run.log || status=$?
end=$(date +%s)
echo "fuzz: $runs executions requested, $((end - start)) s, exit $status (log: fuzz/last-run.log)"
exit $status
