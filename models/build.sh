#!/usr/bin/env bash
# Reproduces the trained models from scratch: generated corpus (train and held-out test
# families), feature tables from the product's own feature code, training, ONNX export, model
# cards. Deterministic for the seeds below. Needs `make setup` and Python 3.11.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-.cache/model-build}
TRAIN_COUNT=${TRAIN_COUNT:-3000}
TEST_COUNT=${TEST_COUNT:-600}
# Model version written into model.json, and the document-feature version the pipeline
# computes (sapllm_pipeline::doc_features::DOC_FEATURE_VERSION; a mismatch refuses to load).
MODEL_VERSION=${MODEL_VERSION:-2}
DOC_FEATURE_VERSION=${DOC_FEATURE_VERSION:-2}
# ONLY="doctype subtype" retrains just those models (the others keep their committed files).
ONLY=${ONLY:-}
ONLY_ARGS=()
for m in $ONLY; do ONLY_ARGS+=(--only "$m"); done
mkdir -p "$WORK"
cargo build --release -q -p sapllm-cli -p sapllm-corpus
BIN=${CARGO_TARGET_DIR:-target}/release
rm -rf "$WORK/train" "$WORK/test"
"$BIN/sapllm-corpus" generate --out "$WORK/train" --seed 21 --split train --count "$TRAIN_COUNT"
"$BIN/sapllm-corpus" generate --out "$WORK/test" --seed 22 --split test --count "$TEST_COUNT"
"$BIN/sapllm" train-data "$WORK/train" --out "$WORK/tables-train"
"$BIN/sapllm" train-data "$WORK/test" --out "$WORK/tables-test"
if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q -r models/requirements.txt
fi
"$WORK/venv/bin/python" models/train.py --train "$WORK/tables-train" --test "$WORK/tables-test" \
  --train-corpus "$WORK/train" --test-corpus "$WORK/test" --out models \
  --version "$MODEL_VERSION" --doc-feature-version "$DOC_FEATURE_VERSION" \
  "${ONLY_ARGS[@]}"
