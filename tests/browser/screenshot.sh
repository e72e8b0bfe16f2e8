#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of the HTML report: the
# report of testdata/tls-sawtooth, as headless Chromium renders it.
# Usage: tests/browser/screenshot.sh HALYZE   (from the source tree's root)
set -euo pipefail
hz=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
( export W; cd "$src/testdata/tls-sawtooth" && bash ./setup )
F=$(sed -n 's/^--format "\(.*\)" "\$W\/sawtooth.log"$/\1/p' "$src/testdata/tls-sawtooth/args")
# the file name shown in the example lines
cp "$W/sawtooth.log" "$W/haproxy.log"
(cd "$W" && "$hz" --format "$F" -q --html report.html haproxy.log > /dev/null)
mkdir -p "$src/docs"
python3 "$src/tests/browser/cdp_check.py" "${HZ_CHROMIUM:-chromium}" "$W/report.html" "$src/docs/report.png" 1900 > /dev/null
echo "wrote $src/docs/report.png"
