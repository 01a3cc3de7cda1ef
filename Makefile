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

.PHONY: setup run test bench lint fmt eval samples

setup: $(STAMP)

$(STAMP): scripts/setup.sh scripts/native-libs.txt $(wildcard scripts/models.txt) tests/sap-server/package-lock.json
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

# Regenerates the committed samples from the generator (deterministic).
samples:
	$(CARGO) run --quiet --release -p sapllm-corpus -- samples --out samples --seed 7
