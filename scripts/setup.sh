#!/usr/bin/env bash
# Unattended, idempotent set-up for a fresh Debian/Ubuntu machine (also used by CI).
#  1. Debian packages the build and tests need (only the missing ones are installed).
#  2. Native libraries (PDFium, ONNX Runtime) from pinned PyPI wheels, verified by sha256,
#     unpacked into the project cache: .cache/native/<name>/ (with their licence files).
# Re-running it does nothing when everything is in place.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SAPLLM_CACHE_DIR:-$root/.cache}"
native="$cache/native"
wheels="$cache/wheels"
mkdir -p "$native" "$wheels"

log() { printf 'setup: %s\n' "$*"; }

# --- 1. Debian packages -------------------------------------------------------------------
apt_packages=(build-essential pkg-config python3 python3-pip ca-certificates poppler-utils)
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
touch "$cache/.setup-done"
