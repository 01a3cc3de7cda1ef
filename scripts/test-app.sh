#!/usr/bin/env bash
# The desktop app's tests, in order: the generated bindings are up to date; the UI builds and
# passes its component (Vitest) and browser (Playwright, mocked IPC) tests; the Rust command
# tests; the self-contained app binary builds; and the end-to-end test drives the real app
# in a real window (Xvfb + tauri-driver + WebKitWebDriver), writing docs/screenshots/*.png.
#
# Needs scripts/setup-app.sh to have run. APP_PROFILE=release builds the release binary
# (for the start-up measurements); the default is debug.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
PROFILE=${APP_PROFILE:-debug}
DISPLAY_NUM=${E2E_DISPLAY:-:99}

step() { printf '\n== %s\n' "$*"; }

step "bindings: ui/src/bindings.ts matches the Rust commands"
cargo test -p sapllm-desktop --lib -- bindings_ts_is_up_to_date

step "ui: npm ci, build, Vitest, Playwright"
(
  cd ui
  npm ci --no-audit --no-fund
  npm run build
  npm run test:unit
  npm run test:e2e
)

step "app: Rust command tests (mock runtime, no display)"
cargo test -p sapllm-desktop

step "app: self-contained binary ($PROFILE, UI embedded)"
if [[ $PROFILE == release ]]; then
  cargo build -p sapllm-desktop --bin sapllm-desktop --features custom-protocol --release
else
  cargo build -p sapllm-desktop --bin sapllm-desktop --features custom-protocol
fi
APP_BIN="$TARGET_DIR/$PROFILE/sapllm-desktop"
test -x "$APP_BIN"

step "e2e: the real app in a real window"
XVFB_PID=""
if [[ -z ${DISPLAY:-} ]]; then
  Xvfb "$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp >/tmp/sapllm-e2e-xvfb.log 2>&1 &
  XVFB_PID=$!
  export DISPLAY=$DISPLAY_NUM
  for _ in $(seq 50); do
    xdpyinfo -display "$DISPLAY" >/dev/null 2>&1 && break
    [[ -e /tmp/.X11-unix/X${DISPLAY_NUM#:} ]] && break
    sleep 0.1
  done
fi
# Whatever the test leaves behind (the app, WebKitWebDriver) is killed before the X server, and
# the whole step has a deadline: a hang fails this step instead of eating the CI run's time.
cleanup() {
  pkill -KILL -f -- "$APP_BIN" 2>/dev/null || true
  pkill -KILL -x WebKitWebDriver 2>/dev/null || true
  [[ -n $XVFB_PID ]] && kill "$XVFB_PID" 2>/dev/null || true
}
trap cleanup EXIT
export PATH="$HOME/.cargo/bin:$PATH"
(
  cd tests/e2e
  SAPLLM_APP="$APP_BIN" timeout -k 10 600 dbus-run-session -- node --test --test-concurrency=1 app.test.mjs
)
