#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium loads the page from a
# local file; over the DevTools protocol (tests/browser/cdp_check.py) the test
# reads the rendered DOM, every console message and every request the page
# made. Every chart must be drawn with data, with no console error and no
# request. The checker is first shown to catch both on deliberately broken
# pages. A missing browser fails the test (CI installs chromium: .ci/deps --test).
# Expected figures: the generator of testdata/tls-sawtooth (30 one-minute
# buckets; 24 of them with resumptions), hostile-log.sh's lines.
# Usage: html_browser.sh HALYZE JGET SOURCE_DIR JDIFF
set -u
hz=$1 jget=$2 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
expect() { if [ "$1" = "$3" ]; then ok; else bad "$2: got '$3', expected '$1'"; fi; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
py=$(command -v python3) || { echo "FAIL: python3 is needed (see .ci/deps --test)"; exit 1; }
browser=${HZ_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$browser" ] || { echo "FAIL: chromium is not installed (bash .ci/deps --test installs it)"; exit 1; }
check() { "$py" "$src/tests/browser/cdp_check.py" "$browser" "$@"; }
j() { "$jget" "$W/$1.json" "${@:2}"; }

# ---- the checker catches what it must: a console error, a request ----
cat > "$W/broken.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head><body>
<p>deliberately broken</p><img src="http://127.0.0.1:9/pixel.png">
<script>console.error("deliberate"); fetch("http://127.0.0.1:9/beacon");</script>
</body></html>
HTML
check "$W/broken.html" > "$W/broken.json" || bad "checker on the broken page: exit $?"
j broken console_errors | grep -qv "array 0" && ok || bad "a console error not detected: $(j broken console_errors)"
grep -q '"console.error: deliberate"' "$W/broken.json" && ok || bad "console.error not reported"
grep -q '"http://127.0.0.1:9/beacon"' "$W/broken.json" && ok || bad "the fetch not reported as a request"
grep -q '"http://127.0.0.1:9/pixel.png"' "$W/broken.json" && ok || bad "the image not reported as a request"

# ---- the saw-tooth report ----
( export W; cd "$src/testdata/tls-sawtooth" && bash ./setup ) || bad "saw-tooth setup"
F=$(sed -n 's/^--format "\(.*\)" "\$W\/sawtooth.log"$/\1/p' "$src/testdata/tls-sawtooth/args")
"$hz" --format "$F" -q --html "$W/saw.html" "$W/sawtooth.log" > /dev/null || bad "halyze --html"
check "$W/saw.html" "$W/saw.png" > "$W/saw.json" || bad "checker on the report: exit $?"
expect true "report loaded" "$(j saw loaded)"
expect "array 0" "console errors" "$(j saw console_errors)"
expect "array 0" "requests" "$(j saw requests)"
expect "array 3" "charts" "$(j saw dom charts)"
for i in 0 1 2; do
  expect 30 "chart $(j saw dom charts $i id): columns" "$(j saw dom charts $i columns)"
  r=$(j saw dom charts $i rects)
  [ "$r" -gt 0 ] 2> /dev/null && ok || bad "chart $(j saw dom charts $i id) has no data ($r rects)"
  w=$(j saw dom charts $i width)
  [ "${w%.*}" -gt 300 ] 2> /dev/null && ok || bad "chart $i is rendered $w px wide"
done
expect chart-tls "first chart" "$(j saw dom charts 0 id)"
expect 54 "chart-tls rects (30 full + 24 resumed)" "$(j saw dom charts 0 rects)"
expect 1 "chart-tls rule lines" "$(j saw dom charts 0 polylines)"
expect 1 "findings shown" "$(j saw dom findings)"
expect 0 "scripts" "$(j saw dom scripts)"
expect 0 "elements with src" "$(j saw dom with_src)"
expect "array 0" "on* attributes" "$(j saw dom onattrs)"
[ "$(stat -c %s "$W/saw.png" 2> /dev/null || echo 0)" -gt 10000 ] && ok || bad "no screenshot"

# ---- the same page with a request slipped in: the CSP blocks it, the checker sees it ----
sed 's|<h1>|<img src="http://127.0.0.1:9/x.png"><h1>|' "$W/saw.html" > "$W/inj.html"
check "$W/inj.html" > "$W/inj.json" || bad "checker on the injected page"
grep -q "Content Security Policy" "$W/inj.json" && ok || bad "the CSP refusal not reported: $(j inj console_errors)"

# ---- hostile strings stay text in the DOM ----
. "$src/tests/browser/hostile-log.sh"
hostile_log "$W/h.log"; hostile_bytes "$W/h.log"
"$hz" --format "$HOSTILE_FORMAT" -q --html "$W/h.html" "$W/h.log" > /dev/null || bad "hostile --html"
check "$W/h.html" > "$W/h.json" || bad "checker on the hostile page"
expect "array 0" "hostile: console errors" "$(j h console_errors)"
expect "array 0" "hostile: requests" "$(j h requests)"
expect 0 "hostile: scripts" "$(j h dom scripts)"
expect 0 "hostile: images" "$(j h dom imgs)"
expect 1 "hostile: style elements" "$(j h dom styles)"
expect "array 0" "hostile: on* attributes" "$(j h dom onattrs)"
expect "halyze report" "hostile: title" "$(j h dom title)"

echo "html_browser: $pass passed, $fail failed"
[ $fail = 0 ]
