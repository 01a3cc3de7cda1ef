#!/usr/bin/env bash
# Runs a command with a real Secret Service: a private D-Bus session bus with gnome-keyring
# started and its login keyring unlocked, so keyring tests use the same backend a Linux desktop
# has. Needs the Debian packages gnome-keyring and dbus-daemon (dbus-run-session).
#
#   scripts/with-keyring.sh cargo test -p sapllm-sap
#
# The keyring lives in a throw-away directory (XDG_DATA_HOME) and the password is a random one
# piped to the daemon on stdin: nothing touches the user's own keyrings, nothing is written down.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi

if [[ -z "${SAPLLM_KEYRING_SESSION:-}" ]]; then
  for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || {
      echo "with-keyring: '$tool' not found: apt-get install -y gnome-keyring dbus-daemon" >&2
      exit 127
    }
  done
  exec env SAPLLM_KEYRING_SESSION=1 dbus-run-session -- "$0" "$@"
fi

# Inside the private session bus.
keyring_home="$(mktemp -d)"
trap 'kill "${GNOME_KEYRING_PID:-}" 2>/dev/null || true; rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_CONFIG_HOME="$keyring_home/config"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$keyring_home/run}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

# --unlock reads the password from stdin and creates the login keyring with it; the daemon
# prints GNOME_KEYRING_CONTROL (and the pid) as shell assignments.
password="$(head -c 24 /dev/urandom | base64)"
eval "$(printf '%s' "$password" | gnome-keyring-daemon --unlock --components=secrets)"
unset password
export GNOME_KEYRING_CONTROL GNOME_KEYRING_PID

"$@"
