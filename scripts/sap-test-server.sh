#!/usr/bin/env bash
# Starts, stops and reports the SAP OData test server (tests/sap-server) in the background.
#
#   scripts/sap-test-server.sh start    # npm ci if needed, start, wait for LISTENING, print port
#   scripts/sap-test-server.sh status   # running (exit 0) or stopped (exit 3)
#   scripts/sap-test-server.sh stop
#
# Environment: SAP_TEST_PORT (default 0 = a free port), SAP_METADATA_DIR (default
# $SHARED/data/sap or ../shared/data/sap beside the repository), SAP_TEST_USER,
# SAP_TEST_PASSWORD, SAP_TEST_CLIENT_ID, SAP_TEST_CLIENT_SECRET (random when unset: read
# them from the log), SAP_TEST_SERVER_STATE (pid/port/log folder, default target/sap-test-server).
# Cargo tests do not need this script: they start their own servers (feature test-server).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
server_dir="$root/tests/sap-server"
state="${SAP_TEST_SERVER_STATE:-$root/target/sap-test-server}"
pid_file="$state/server.pid"
port_file="$state/server.port"
log_file="$state/server.log"

running() { [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

metadata_dir() {
  if [[ -n "${SAP_METADATA_DIR:-}" ]]; then echo "$SAP_METADATA_DIR"
  elif [[ -n "${SHARED:-}" ]]; then echo "$SHARED/data/sap"
  else echo "$root/../shared/data/sap"; fi
}

start() {
  if running; then
    echo "sap-test-server: already running (pid $(cat "$pid_file"), port $(cat "$port_file"))"
    return 0
  fi
  command -v node >/dev/null || { echo "sap-test-server: node not found (Node.js 20+ needed)" >&2; exit 127; }
  if [[ ! -f "$server_dir/node_modules/@sap-ux/fe-mockserver-core/package.json" ]]; then
    echo "sap-test-server: npm ci in $server_dir"
    (cd "$server_dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  mkdir -p "$state"
  : >"$log_file"
  (cd "$server_dir" && exec node server.mjs --port "${SAP_TEST_PORT:-0}" --metadata "$(metadata_dir)") \
    >"$log_file" 2>&1 &
  echo $! >"$pid_file"
  for _ in $(seq 1 600); do
    if grep -q '^LISTENING ' "$log_file"; then
      grep -m1 '^LISTENING ' "$log_file" | cut -d' ' -f2 >"$port_file"
      echo "sap-test-server: listening on http://127.0.0.1:$(cat "$port_file") (pid $(cat "$pid_file"), log $log_file)"
      return 0
    fi
    if ! running; then
      echo "sap-test-server: exited during start:" >&2
      cat "$log_file" >&2
      rm -f "$pid_file"
      exit 1
    fi
    sleep 0.1
  done
  echo "sap-test-server: no LISTENING within 60 s (log $log_file)" >&2
  stop
  exit 1
}

stop() {
  if running; then
    pid="$(cat "$pid_file")"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "sap-test-server: stopped (pid $pid)"
  else
    echo "sap-test-server: not running"
  fi
  rm -f "$pid_file" "$port_file"
}

status() {
  if running; then
    echo "sap-test-server: running (pid $(cat "$pid_file"), http://127.0.0.1:$(cat "$port_file"))"
  else
    echo "sap-test-server: stopped"
    exit 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
