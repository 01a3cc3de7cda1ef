#!/usr/bin/env bash
# Installs what the desktop app needs to build and to be tested in a real window (Debian 12):
# WebKitGTK and friends for Tauri 2, Xvfb/WebKitWebDriver/ImageMagick/sqlite3 for the
# end-to-end test, and tauri-driver (from crates.io). Idempotent: installed packages and a
# tauri-driver of the right major version are left alone.
set -euo pipefail

APT_PACKAGES=(
  # Tauri 2 build
  libwebkit2gtk-4.1-dev build-essential file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config
  # real-window tests
  xvfb xauth imagemagick webkit2gtk-driver fonts-dejavu-core dbus-x11 at-spi2-core sqlite3
  # the UI's browser tests (Playwright drives this Chromium)
  chromium
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "setup-app: installing ${missing[*]}"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
else
  echo "setup-app: apt packages present"
fi

if command -v tauri-driver >/dev/null 2>&1 || [[ -x "$HOME/.cargo/bin/tauri-driver" ]]; then
  have=$( (command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver") | head -1)
  # tauri-driver has no --version; cargo knows what it installed.
  if cargo install --list 2>/dev/null | grep -Eq '^tauri-driver v2\.'; then
    echo "setup-app: tauri-driver 2 present ($have)"
    exit 0
  fi
fi
echo "setup-app: installing tauri-driver 2"
cargo install tauri-driver --locked --version "^2"
