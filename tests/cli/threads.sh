#!/usr/bin/env bash
# -j: threads give the summary of one thread, key by key (inputs in parallel,
# big plain files cut into slices, session tracing across slices and files),
# and the figures the generator knows.
# Usage: threads.sh HALYZE JGET SOURCE_DIR JDIFF
set -u
hz=$1 jget=$2 src=$3 jdiff=$4
. "$(dirname "$0")/lib/check.sh"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

. "$(dirname "$0")/lib/tls_log.sh"
F=$TLS_FORMAT

# 20 000 TLS lines, one every 100 ms (2000 s), and 80 more. 400 clients take turns; each
# does a full handshake on every 10th visit (every 400 s) and resumes in
# between, so with a 600 s ticket lifetime every one of those resumptions is
# traced, often to a handshake in an earlier slice. 50 more resumptions from
# unknown clients in the first minute are untraced (the handshake may be
# before the window), 30 at the end are untraced for want of a handshake.
# Garbage lines, connection errors and HAProxy messages are sprinkled in.
# awk counts what it writes.
awk -v out="$W/tls.log" -v truth="$W/truth" "$TLS_AWK"'
  BEGIN {
    n = 0; full = 0; traced = 0; early = 0; late = 0; garbage = 0; connerr = 0; msgs = 0
    for (t = 0; t < 20000; t++) {
      c = t % 400; visit = int(t / 400)
      if (t % 997 == 500) { print "garbage line " t " \033[31m<script>" > out; n++; garbage++; if (garbage <= 5) gl[garbage] = n }
      if (t % 1499 == 7) { printf "10.1.0.1:5%04d [%s] fe_mtls/1: SSL handshake failure\n", t % 10000, ts(t) > out; n++; connerr++ }
      if (t % 5003 == 11) { print "Proxy fe_mtls started." > out; n++; msgs++ }
      if (t < 50) { line(t, "10.9.0." t, "ghost" t, "FF" t, 0, 1); early++ }
      if (t >= 19970) { line(t, "10.9.1." (t - 19970), "late" t, "EE" t, 0, 1); late++ }
      ip = "10.0." int(c / 200) "." (c % 200 + 1)
      if (visit % 10 == 0) { line(t, ip, "client" c, sprintf("%X", 4096 + c), 1, 0); full++ }
      else { line(t, ip, "client" c, sprintf("%X", 4096 + c), 0, 1); traced++ }
    }
    print n, full, traced, early, late, garbage, connerr, msgs > truth
    for (i = 1; i <= 5; i++) print gl[i] > truth
  }'
read -r lines full traced early late garbage connerr msgs < "$W/truth"
samples=$(tail -n 5 "$W/truth" | tr '\n' ' ')
check "generated lines" "$lines" "$(wc -l < "$W/tls.log" | tr -d ' ')"

opts=(--format "$F" --ticket-lifetime 600)
"$hz" -j 1 "${opts[@]}" --json "$W/tls.log" > "$W/j1.json" || bad "-j 1 exit $?"
check "lines" "$lines" "$("$jget" "$W/j1.json" input lines)"
check "full_with_cert" "$full" "$("$jget" "$W/j1.json" tls full_with_cert)"
check "resumed traced" "$traced" "$("$jget" "$W/j1.json" tls sessions resumed_traced)"
check "resumed untraced" "$((early + late))" "$("$jget" "$W/j1.json" tls sessions resumed_untraced)"
check "untraced: before the window" "$early" \
  "$("$jget" "$W/j1.json" tls sessions untraced_reasons "the original handshake may be before the scanned window")"
check "untraced: no handshake" "$late" \
  "$("$jget" "$W/j1.json" tls sessions untraced_reasons "no full handshake with this session or identity within the ticket lifetime")"
check "unparsed" "$garbage" "$("$jget" "$W/j1.json" input unparsed)"
check "connection errors" "$connerr" "$("$jget" "$W/j1.json" input connection_errors)"
check "messages" "$msgs" "$("$jget" "$W/j1.json" input messages)"
got=""; for i in 0 1 2 3 4; do got="$got$("$jget" "$W/j1.json" input unparsed_samples $i line) "; done
check "sample line numbers" "$samples" "$got"

# the same with threads and slices of 16 KiB (about 90 slices): identical,
# key by key, in JSON and in text, mergeable state included
for j in 2 3 8; do
  "$hz" -j $j --slice-size 16k "${opts[@]}" --json "$W/tls.log" > "$W/j$j.json" || bad "-j $j exit $?"
  "$jdiff" "$W/j1.json" "$W/j$j.json" > "$W/diff" && ok || bad "-j $j --json differs from -j 1: $(head -c 2000 "$W/diff")"
done
"$hz" -j 1 "${opts[@]}" --partial "$W/p1.json" "$W/tls.log" > "$W/t1.txt"
"$hz" -j 3 --slice-size 16k "${opts[@]}" --partial "$W/p3.json" "$W/tls.log" > "$W/t3.txt"
cmp -s "$W/t1.txt" "$W/t3.txt" && ok || bad "-j 3 text differs: $(diff "$W/t1.txt" "$W/t3.txt" | head -20)"
cmp -s "$W/p1.json" "$W/p3.json" && ok || bad "-j 3 --partial differs: $("$jdiff" "$W/p1.json" "$W/p3.json" | head -c 2000)"

# many inputs: the log cut in four files (tracing crosses files), plain and
# gzip, given in order; a missing file and a damaged gzip in the middle do not
# stop the others, and are reported the same way, in input order
split -n l/4 -d "$W/tls.log" "$W/part."
gzip -c "$W/part.01" > "$W/part.01.gz"
head -c 30000 "$W/part.02" | gzip -c > "$W/cut.gz"; head -c 20000 "$W/cut.gz" > "$W/cut2.gz"
set -- "$W/part.00" "$W/part.01.gz" "$W/missing.log" "$W/cut2.gz" "$W/part.02" "$W/part.03"
"$hz" -j 1 "${opts[@]}" --json "$@" > "$W/m1.json" 2> "$W/m1.err"; st1=$?
check "-j 1 exit with a missing and a cut input" 1 "$st1"
for j in 2 4; do
  "$hz" -j $j --slice-size 16k "${opts[@]}" --json "$@" > "$W/m$j.json" 2> "$W/m$j.err"; st=$?
  check "-j $j exit" "$st1" "$st"
  "$jdiff" "$W/m1.json" "$W/m$j.json" > "$W/diff" && ok || bad "-j $j many inputs differ: $(head -c 2000 "$W/diff")"
  cmp -s "$W/m1.err" "$W/m$j.err" && ok || bad "-j $j stderr differs: $(diff "$W/m1.err" "$W/m$j.err")"
done
check "files listed" "array 6" "$("$jget" -l 0 "$W/m1.json" input files)"
check "missing file named" 1 "$(grep -c "missing.log" "$W/m1.err")"

# the default httplog statistics of the lab's real lines, repeated: threads
# change nothing
S=$src/testdata/sample/haproxy-2.6-raw.log
for i in $(seq 200); do cat "$S"; done > "$W/raw.log"
C=$src/testdata/sample/configs
cfgs=(--config "$C/haproxy-sample.cfg" --config "$C/haproxy-sample-run2.cfg" --config "$C/haproxy-sample-run3.cfg")
"$hz" -j 1 "${cfgs[@]}" --json "$W/raw.log" > "$W/r1.json"
"$hz" -j 2 --slice-size 4k "${cfgs[@]}" --json "$W/raw.log" > "$W/r2.json"
"$jdiff" "$W/r1.json" "$W/r2.json" > "$W/diff" && ok || bad "raw lab lines: -j 2 differs: $(head -c 2000 "$W/diff")"
check "raw lab lines" "$(wc -l < "$W/raw.log" | tr -d ' ')" "$("$jget" "$W/r2.json" input lines)"

# lines no format takes: the reason names the format that got furthest,
# the first one on a tie, not the one the previous line matched (which, with
# threads, depends on the slice a worker did before)
H=$src/testdata/headers
"$hz" -j 1 --json "$H/udp-datagrams.log" "$H/rsyslog-files.log" > "$W/h1.json"
for i in 1 2 3; do
  "$hz" -j 2 --slice-size 4k --json "$H/udp-datagrams.log" "$H/rsyslog-files.log" > "$W/h2.json"
  "$jdiff" "$W/h1.json" "$W/h2.json" > "$W/diff" && ok || bad "unparsed reasons: -j 2 differs (run $i): $(head -c 2000 "$W/diff")"
done

# bad values
"$hz" -j 0 "$W/raw.log" > /dev/null 2>&1; check "-j 0 is a usage error" 2 $?
"$hz" --slice-size 10 "$W/raw.log" > /dev/null 2>&1; check "--slice-size 10 is a usage error" 2 $?

finish threads
