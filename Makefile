# SAP_LLM Desktop — developer and CI entry points.
#   make setup   Debian packages + pinned native libraries (PDFium, ONNX Runtime) into .cache/
#   make run     process the bundled sample documents through all eight stages (embedded SQLite)
#   make test    the whole test suite
#   make bench   per-stage timings on the samples
#   make lint    rustfmt + clippy, warnings are errors
#   make eval    the e-invoice dev set, with and without the embedded XML (needs ../shared)
CARGO ?= cargo
SAPLLM = $(CARGO) run --quiet --release -p sapllm-cli --bin sapllm --
SHARED ?= ../shared
STAMP := .cache/.setup-done

.PHONY: setup run test bench lint fmt eval eval-models eval-scans learn-replay app-test samples

setup: $(STAMP)

$(STAMP): scripts/setup.sh scripts/setup-app.sh scripts/native-libs.txt $(wildcard scripts/models.txt) tests/sap-server/package-lock.json
	scripts/setup.sh

# Exit status 3 means "some documents failed": the samples include bad files on purpose.
run: setup
	$(SAPLLM) process samples || test $$? -eq 3

# The credential tests need a real Secret Service: with-keyring.sh runs the suite inside its own
# D-Bus session with an unlocked gnome-keyring, and SAPLLM_REQUIRE_KEYRING=1 makes them fail
# (not skip) if it is not reachable.
test: setup
	SAPLLM_REQUIRE_KEYRING=1 scripts/with-keyring.sh $(CARGO) test --workspace --no-fail-fast

bench: setup
	$(SAPLLM) bench samples --iterations 50

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

eval: setup
	$(SAPLLM) eval $(SHARED)/data/einvoice-dev --require-exact-einvoices
	$(SAPLLM) eval $(SHARED)/data/einvoice-dev --ignore-embedded --min-micro-f1 $$(cat eval/floors/einvoice-dev-printed-micro-f1)

# The trained models on held-out layout families (generated test split), against the rules in
# the same run, with the floors of eval/floors/.
CORPUS_TEST ?= .cache/corpus-test
eval-models: setup
	$(CARGO) run --quiet --release -p sapllm-corpus -- generate --out $(CORPUS_TEST) --seed 3 --split test --count 300
	$(SAPLLM) eval $(CORPUS_TEST) --extractor both \
	  --min-micro-f1 $$(cat eval/floors/corpus-test-micro-f1) \
	  --min-line-f1 $$(cat eval/floors/corpus-test-line-f1) \
	  --min-doc-type-accuracy $$(cat eval/floors/corpus-test-doc-type) \
	  --min-subtype-accuracy $$(cat eval/floors/corpus-test-subtype) \
	  --require-better-than-rules

# Scanned variants of the held-out families (rendered through PDFium, degraded), read by OCR.
CORPUS_SCANS ?= .cache/corpus-scans
eval-scans: setup
	$(CARGO) run --quiet --release -p sapllm-corpus -- generate --out $(CORPUS_SCANS) --seed 3 --split test --count 60 --scans
	$(SAPLLM) eval $(CORPUS_SCANS)/scans --min-micro-f1 $$(cat eval/floors/corpus-scans-micro-f1)

# Learning from corrections: supplier groups of held-out families, and the e-invoice dev set's
# printed pages grouped by supplier, with and without learning.
SUPPLIERS ?= .cache/suppliers-test
learn-replay: setup
	$(CARGO) run --quiet --release -p sapllm-corpus -- suppliers --out $(SUPPLIERS) --seed 31 --split test --groups 25 --per-supplier 4
	$(SAPLLM) learn replay $(SUPPLIERS) --holdout 5 \
	  --min-second-doc-accuracy $$(cat eval/floors/learn-replay-second-doc) --max-uncorrected-drop 0.005
	$(SAPLLM) learn replay $(SHARED)/data/einvoice-dev --ignore-embedded --holdout 5 \
	  --min-second-doc-accuracy $$(cat eval/floors/learn-replay-dev-second-doc) --max-uncorrected-drop 0.005

# The desktop app: bindings, UI tests, command tests, real-window end-to-end test.
app-test: setup
	scripts/test-app.sh

# Regenerates the committed samples from the generator (deterministic).
samples:
	$(CARGO) run --quiet --release -p sapllm-corpus -- samples --out samples --seed 7
