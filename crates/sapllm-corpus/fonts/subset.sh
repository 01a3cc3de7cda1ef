#!/usr/bin/env bash
# Makes the fonts the corpus embeds in documents with Central European letters: Liberation
# Sans, Serif and Mono (metric-compatible with Helvetica, Times and Courier, so the AFM widths
# the layouts use stay right), cut to WinAnsi plus the Polish letters. Sources: Debian's
# fonts-liberation 1:1.07.4-11 (SIL Open Font License 1.1, see LICENSE), checked by SHA-256.
# Needs fontTools (PyPI: fonttools==4.55.0) for pyftsubset. The output is committed; run this
# only to remake it.
set -euo pipefail
cd "$(dirname "$0")"
SRC=${LIBERATION_DIR:-/usr/share/fonts/truetype/liberation}
(cd "$SRC" && sha256sum --check --strict "$OLDPWD/sources.sha256")
# WinAnsi (Windows-1252) and the Polish letters of pdf/fonts.rs CE_EXTRA.
UNICODES="U+0020-007E,U+00A0-00FF,U+20AC,U+201A,U+0192,U+201E,U+2026,U+2020,U+2021,U+02C6,U+2030,\
U+0160,U+2039,U+0152,U+017D,U+2018,U+2019,U+201C,U+201D,U+2022,U+2013,U+2014,U+02DC,U+2122,\
U+0161,U+203A,U+0153,U+017E,U+0178,U+0104-0107,U+0118-0119,U+0141-0144,U+015A-015B,U+0179-017C"
for f in Sans-Regular Sans-Bold Serif-Regular Serif-Bold Mono-Regular Mono-Bold; do
  pyftsubset "$SRC/Liberation$f.ttf" --unicodes="$UNICODES" --no-hinting --glyph-names \
    --layout-features='' --name-IDs='*' --output-file="Liberation$f.ttf"
done
sha256sum Liberation*.ttf > subsets.sha256
