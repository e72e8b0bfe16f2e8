#!/usr/bin/env bash
# --html and `halyze report`: the page's charts hold the buckets of the log,
# the report of a saved or merged summary is the page of one run byte for
# byte, log strings never become markup, the page names no network location,
# and its size does not grow with the log. Expected figures come from the
# generator of testdata/tls-sawtooth (its awk counts) and hand counts of the
# lines written below.
# Usage: html.sh HALYZE JGET SOURCE_DIR JDIFF
set -u
hz=$1 jget=$2 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
expect() { if [ "$1" = "$3" ]; then ok; else bad "$2: got '$3', expected '$1'"; fi; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
py=$(command -v python3) || { echo "FAIL: python3 is needed (see .ci/deps --test)"; exit 1; }
# the <svg> element of one chart, one line per element
chart() { sed -n "/<svg class=\"chart\" id=\"$2\"/,/<\/svg>/p" "$1"; }

# ---- the saw-tooth: 30 minutes, minute m carries 20 + 10*(m % 10) requests,
# int((m % 10)^2 / 2) of them resumed with the identity known (setup) ----
( export W; cd "$src/testdata/tls-sawtooth" && bash ./setup ) || bad "saw-tooth setup"
F=$(sed -n 's/^--format "\(.*\)" "\$W\/sawtooth.log"$/\1/p' "$src/testdata/tls-sawtooth/args")
"$hz" --format "$F" --html "$W/saw.html" "$W/sawtooth.log" > "$W/saw.txt"; st=$?
expect 0 "exit status with --html" "$st"
grep -q "^Diagnosis" "$W/saw.txt" && ok || bad "the text summary still goes to stdout with --html"
grep -qF "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">" "$W/saw.html" \
  && ok || bad "the Content-Security-Policy meta tag"
# one column per minute: 10:00 .. 10:29 is 30 buckets, in each of the three charts
for c in chart-tls chart-status chart-term; do
  expect 30 "$c columns" "$(chart "$W/saw.html" $c | grep -c '<g class="col">')"
done
# a rect per non-empty layer: every minute has full handshakes (30), and the
# minutes with m % 10 >= 2 have resumptions (8 of every 10: 24)
expect 54 "chart-tls rects (30 full + 24 resumed)" "$(chart "$W/saw.html" chart-tls | grep -o '<rect ' | wc -l)"
# all 1950 requests are 200 with the state ----: one layer in the other two
expect 30 "chart-status rects" "$(chart "$W/saw.html" chart-status | grep -o '<rect ' | wc -l)"
# minute 9: 110 requests, int(81/2) = 40 resumed, 70 full
grep -qF "<title>2026-11-27 10:09:00: 110 (full handshake with certificate 70, resumed, identity known 40); tls-resumed-identity-no-cert 40</title>" "$W/saw.html" \
  && ok || bad "minute 9's tooltip: $(grep -o '<title>2026-11-27 10:09[^<]*' "$W/saw.html" | head -1)"
expect 1 "one overlaid rule line" "$(chart "$W/saw.html" chart-tls | grep -c '<polyline class="line" data-series="tls-resumed-identity-no-cert"')"
grep -q "Over time: rises with load (r = $(printf '%.2f' "$(cat "$W/r")") against requests, 30 buckets of 60 s)" "$W/saw.html" \
  && ok || bad "the correlation in plain words (r from the generator: $(cat "$W/r"))"
# the diagnosis comes first, then the charts
d=$(grep -n 'id="diagnosis"' "$W/saw.html" | cut -d: -f1); c=$(grep -n '<svg class="chart"' "$W/saw.html" | head -1 | cut -d: -f1)
[ -n "$d" ] && [ -n "$c" ] && [ "$d" -lt "$c" ] && ok || bad "diagnosis before the charts ($d, $c)"
# nothing that could reach a network location, nor any script
if grep -qiE 'https?://|//[a-z0-9.-]+\.[a-z]{2,}/|url\(|@import|<script|<link|<img|<iframe|src=' "$W/saw.html"; then
  bad "a network reference or script: $(grep -oiE 'https?://[^ "]*|url\(|@import|<script|<link|<img|src=' "$W/saw.html" | head -3)"
else ok; fi
"$py" "$src/tests/html_markup.py" "$W/saw.html" > "$W/markup" && ok || bad "markup of the saw-tooth page: $(cat "$W/markup")"

# ---- report: a saved summary renders to the same bytes ----
"$hz" --format "$F" -q --partial "$W/saw.json" --html "$W/saw2.html" "$W/sawtooth.log" > /dev/null || bad "--partial with --html"
cmp -s "$W/saw.html" "$W/saw2.html" && ok || bad "--html differs between two runs"
# on several threads, the scan and so the page are the same
"$hz" --format "$F" -q -j 2 --slice-size 64k --html "$W/saw-j2.html" "$W/sawtooth.log" > /dev/null || bad "-j 2 --html"
cmp -s "$W/saw.html" "$W/saw-j2.html" && ok || bad "--html differs with -j 2: $(diff "$W/saw.html" "$W/saw-j2.html" | head -4)"
"$hz" report "$W/saw.json" --html "$W/rep.html" > "$W/rep.out"; st=$?
expect 0 "report exit status" "$st"
[ ! -s "$W/rep.out" ] && ok || bad "report --html alone printed on stdout"
cmp -s "$W/saw.html" "$W/rep.html" && ok || bad "report of the saved summary differs: $(diff "$W/saw.html" "$W/rep.html" | head -5)"
"$hz" report "$W/saw.json" | grep -q "^Diagnosis" && ok || bad "report without --html prints the text summary"

# a scan split in three, merged: the same page as one run over the three parts
# (on these lines each resumption follows its handshake within one part, so
# even the session tracing agrees: see merge.sh)
C=$src/testdata/sample/configs
cfgs=(--config "$C/haproxy-sample.cfg" --config "$C/haproxy-sample-run2.cfg" --config "$C/haproxy-sample-run3.cfg")
S=$src/testdata/sample/haproxy-2.6-raw.log
head -n 20 "$S" > "$W/p1.log"; sed -n '21,40p' "$S" > "$W/p2.log"; tail -n +41 "$S" > "$W/p3.log"
# (--html computes every table; the partial summaries must too, for the same page)
"$hz" "${cfgs[@]}" -q --html "$W/full.html" "$W/p1.log" "$W/p2.log" "$W/p3.log" > /dev/null || bad "full run"
for p in p1 p2 p3; do "$hz" "${cfgs[@]}" -q --tables all --partial "$W/$p.json" "$W/$p.log" > /dev/null || bad "--partial $p"; done
"$hz" report "$W/p1.json" "$W/p2.json" "$W/p3.json" --html "$W/rep3.html" || bad "report of three"
cmp -s "$W/full.html" "$W/rep3.html" && ok || bad "report of three parts differs from one run: $(diff "$W/full.html" "$W/rep3.html" | head -6)"
"$hz" merge --partial "$W/m.json" "$W/p1.json" "$W/p2.json" "$W/p3.json" > /dev/null || bad "merge --partial"
"$hz" report "$W/m.json" --html "$W/repm.html" && cmp -s "$W/full.html" "$W/repm.html" && ok || bad "report of the merged summary differs"
"$hz" merge --html "$W/mh.html" "$W/p1.json" "$W/p2.json" "$W/p3.json" > /dev/null && cmp -s "$W/full.html" "$W/mh.html" \
  && ok || bad "merge --html differs"
# the 55 lab lines with their configs: 50 requests, 4 connection errors, 1
# message (the hand count in testdata/sample-config/expect)
grep -q "55 lines in 3 inputs: 50 requests, 4 connection errors, 1 HAProxy message, 0 not parsed" "$W/full.html" && ok \
  || bad "overview line: $(grep -o '[0-9]* lines in [^<]*' "$W/full.html")"
"$hz" report "$W/nope.json" --html "$W/x.html" 2> /dev/null; expect 1 "report of a missing summary" "$?"
"$hz" report 2> "$W/err"; expect 2 "report without a summary" "$?"
# one line and a pointer to --help, as for every usage error
expect 2 "usage error lines" "$(wc -l < "$W/err")"
grep -qx "Try 'halyze report --help' for more information." "$W/err" && ok || bad "usage error: $(cat "$W/err")"
"$hz" merge --bogus 2> "$W/err"; expect 2 "merge: unknown option" "$?"
grep -q 'x0A' "$W/err" && bad "a newline shown as \\x0A: $(cat "$W/err")" || ok
# an output that cannot be written fails before the scan, with status 4
"$hz" --format "$F" --html "$W/no/such/dir/r.html" "$W/sawtooth.log" > /dev/null 2> "$W/err"; expect 4 "--html to a missing directory" "$?"
grep -q "cannot create" "$W/err" && ok || bad "error message: $(cat "$W/err")"

# ---- hostile strings: markup in a URL, a captured header and a DN ----
. "$src/tests/browser/hostile-log.sh"
hostile_log "$W/h.log"; hostile_bytes "$W/h.log"
"$hz" --format "$HOSTILE_FORMAT" --json --html "$W/h.html" "$W/h.log" > "$W/h.json"; st=$?
expect 0 "hostile exit status" "$st"
# lines 1-2 requests, 3 and 5 unparsed, 4 a connection error (hostile-log.sh)
expect 2 "hostile requests" "$("$jget" "$W/h.json" input requests)"
expect 2 "hostile unparsed" "$("$jget" "$W/h.json" input unparsed)"
"$py" "$src/tests/html_markup.py" "$W/h.html" > "$W/markup" && ok || bad "hostile page: $(cat "$W/markup")"
# each payload is there, as text: the DN in the verify-failure groups, the
# URL and header in the unparsed sample
grep -qF '/CN=&lt;script&gt;alert(1)&lt;/script&gt;&lt;/style&gt;&lt;img src=x onerror=alert(2)&gt;' "$W/h.html" && ok || bad "the DN, escaped"
grep -qF '{&lt;script&gt;alert(3)&lt;/script&gt;&#39;&gt;&lt;img src=x onerror=alert(4)&gt;&lt;/style&gt;}' "$W/h.html" && ok || bad "the header capture, escaped"
grep -qF '&quot;&gt;&lt;img src=x onerror=alert(7)&gt;&lt;/style&gt;&lt;script&gt;alert(8)&lt;/script&gt;' "$W/h.html" && ok || bad "the URL, escaped"
expect 1 "one <style" "$(grep -o '<style' "$W/h.html" | wc -l)"
expect 1 "one </style>" "$(grep -o '</style>' "$W/h.html" | wc -l)"
expect 0 "<script" "$(grep -o '<script' "$W/h.html" | wc -l)"
expect 0 "<img" "$(grep -o '<img' "$W/h.html" | wc -l)"
# control bytes and invalid UTF-8 never pass raw
if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$W/h.html"; then bad "a raw control byte in the page"; else ok; fi
iconv -f UTF-8 -t UTF-8 "$W/h.html" > /dev/null 2>&1 && ok || bad "the page is not valid UTF-8"
grep -qF '\x1B[31mred\xFF \u{202E}bidi' "$W/h.html" && ok || bad "escape, invalid byte and bidi override shown as text"

# ---- size: charts come from buckets, not lines ----
gen=$(dirname "$hz")/bench/hz_genlog
if [ -x "$gen" ]; then
  "$gen" --lines 200000 --kind mixed > "$W/big.log" 2> /dev/null
  "$hz" -q --bucket 1 --html "$W/big.html" "$W/big.log" > /dev/null || bad "big log"
  size=$(stat -c %s "$W/big.html")
  [ "$size" -lt 2000000 ] && ok || bad "report of a big log: $size bytes"
  for c in chart-tls chart-status chart-term; do
    n=$(chart "$W/big.html" $c | grep -c '<g class="col">')
    [ "$n" -ge 100 ] && [ "$n" -le 240 ] && ok || bad "$c of the big log: $n columns (folded to at most 240)"
  done
  "$py" "$src/tests/html_markup.py" "$W/big.html" > "$W/markup" && ok || bad "big page: $(cat "$W/markup")"
  echo "report of $(wc -l < "$W/big.log") lines ($(stat -c %s "$W/big.log") bytes): $size bytes"
else
  bad "hz_genlog not built next to halyze ($gen)"
fi

echo "html: $pass passed, $fail failed"
[ $fail = 0 ]
