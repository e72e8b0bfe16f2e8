#!/usr/bin/env bash
# SIGINT and SIGTERM while halyze reads a live pipe: it stops at once, prints
# the summary of what it read marked "partial": true, and exits 130.
# Usage: interrupt.sh HALYZE JGET SOURCE_DIR [JDIFF]
set -u
hz=$1 jget=$2 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
W=$(mktemp -d)
writer=
trap '[ -n "$writer" ] && kill "$writer" 2>/dev/null; rm -rf "$W"' EXIT
S=$src/testdata/sample/haproxy-2.6-raw.log

for sig in INT TERM; do
  mkfifo "$W/pipe.$sig"
  "$hz" --json "$W/pipe.$sig" > "$W/out.$sig.json" 2> "$W/err.$sig" &
  pid=$!
  # a writer that sends 5 lines and then keeps the pipe open, like tail -f
  { head -n 5 "$S"; sleep 30; } > "$W/pipe.$sig" &
  writer=$!
  # wait until halyze has read the 5 lines (it blocks in read() then)
  sleep 2
  start=$SECONDS
  kill -"$sig" "$pid"
  wait "$pid"; st=$?
  kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null; writer=
  [ "$st" = 130 ] && ok || bad "SIG$sig: exit $st, expected 130 ($(cat "$W/err.$sig"))"
  [ $((SECONDS - start)) -lt 10 ] && ok || bad "SIG$sig: took $((SECONDS - start)) s to stop"
  [ "$("$jget" "$W/out.$sig.json" partial)" = true ] && ok || bad "SIG$sig: partial is not true"
  [ "$("$jget" "$W/out.$sig.json" input lines)" = 5 ] && ok || bad "SIG$sig: lines $("$jget" "$W/out.$sig.json" input lines), expected 5"
done

echo "interrupt: $pass passed, $fail failed"
[ $fail = 0 ]
