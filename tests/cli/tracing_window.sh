#!/usr/bin/env bash
# Session tracing over a log ten times longer than the ticket lifetime: the
# tables of recent handshakes fill with dead ones, are purged and rebuilt
# many times, and must still link every resumption within the lifetime and
# none beyond, at one thread and with threads and small slices. The figures
# are awk's, counted as it writes.
# Usage: tracing_window.sh HALYZE JGET SOURCE_DIR JDIFF
set -u
hz=$1 jget=$2 jdiff=$4
. "$(dirname "$0")/lib/check.sh"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

. "$(dirname "$0")/lib/tls_log.sh"
F=$TLS_FORMAT

# 60 000 steps of 100 ms (6000 s). At step c, client c does a full
# handshake, and resumes d steps later, d spread over 1-11 999 steps (up to
# 1200 s): within the 600 s lifetime (6000 steps) when d <= 6000. Clients
# whose d is within 5 steps of the lifetime do not resume (no test of the
# exact edge), nor those whose resumption would fall after the last step.
# About 6000 handshakes are live at a time, so the tables hold thousands of
# dead ones between purges.
awk -v out="$W/tls.log" -v truth="$W/truth" "$TLS_AWK"'
  function client(t, c) {   # client c, at line t
    line(t, sprintf("10.%d.%d.%d", int(c / 65536), int(c / 256) % 256, c % 256), "client" c, sprintf("%X", 4096 + c), \
      t == c, t != c)
  }
  BEGIN {
    S = 60000; L = 6000; n = 0; full = 0; traced = 0; untraced = 0
    for (t = 0; t < S; t++) {
      client(t, t); full++
      for (k = 1; k <= due[t]; k++) {
        c = who[t, k]
        client(t, c)
        if (t - c <= L) traced++; else untraced++
      }
      d = 1 + (t * 7919) % 11999
      if ((d < L - 5 || d > L + 5) && t + d < S) { due[t + d]++; who[t + d, due[t + d]] = t }
    }
    print n, full, traced, untraced > truth
  }'
read -r lines full traced untraced < "$W/truth"
check "generated lines" "$lines" "$(wc -l < "$W/tls.log" | tr -d ' ')"
[ "$traced" -gt 20000 ] && [ "$untraced" -gt 20000 ] && ok || bad "generator: $traced traced, $untraced untraced"

opts=(--format "$F" --ticket-lifetime 600)
"$hz" -j 1 "${opts[@]}" --json "$W/tls.log" > "$W/j1.json" || bad "-j 1 exit $?"
check "lines" "$lines" "$("$jget" "$W/j1.json" input lines)"
check "full_with_cert" "$full" "$("$jget" "$W/j1.json" tls full_with_cert)"
check "resumed traced" "$traced" "$("$jget" "$W/j1.json" tls sessions resumed_traced)"
check "resumed untraced" "$untraced" "$("$jget" "$W/j1.json" tls sessions resumed_untraced)"
check "untraced: no handshake within the lifetime" "$untraced" \
  "$("$jget" "$W/j1.json" tls sessions untraced_reasons "no full handshake with this session or identity within the ticket lifetime")"

# threads and slices of 64 KiB (about 350): the same, key by key
for j in 2 3; do
  "$hz" -j $j --slice-size 64k "${opts[@]}" --json "$W/tls.log" > "$W/j$j.json" || bad "-j $j exit $?"
  "$jdiff" "$W/j1.json" "$W/j$j.json" > "$W/diff" && ok || bad "-j $j --json differs from -j 1: $(head -c 2000 "$W/diff")"
done

finish tracing_window
