#!/usr/bin/env bash
# Runs one golden case: testdata/<case>/ holds
#   args      halyze's arguments (one line, shell words; paths relative to the case)
#   expect    one assertion per line: VALUE KEY [KEY...] on the JSON summary,
#             with '#' comments saying where each figure comes from (a hand
#             count, grep, the traffic driver) -- never from halyze's output
#   exit      the expected exit status (default 0)
#   stderr    fixed strings that must appear on stderr, one per line (optional)
#   setup     a script run first in the scratch directory $W (optional), to build
#             inputs that are better generated than committed (gzip damage, ...)
# Usage: golden.sh CASE_DIR HALYZE JGET
set -u
case_dir=$1 halyze=$2 jget=$3
name=$(basename "$case_dir")
W=$(mktemp -d "${TMPDIR:-/tmp}/hz_golden_${name}_XXXXXX")
trap 'rm -rf "$W"' EXIT
fail=0 pass=0
cd "$case_dir" || exit 2
export W
if [ -f setup ]; then
  bash ./setup || { echo "$name: setup failed"; exit 1; }
fi
read -r args < args || true
eval "set -- $args"
"$halyze" --json "$@" > "$W/out.json" 2> "$W/err.txt" < /dev/null
status=$?
want=0
[ -f exit ] && read -r want < exit
if [ "$status" != "$want" ]; then
  echo "$name: exit status $status, expected $want"; sed 's/^/  stderr: /' "$W/err.txt"; fail=$((fail+1))
else
  pass=$((pass+1))
fi
if [ -f stderr ]; then
  while IFS= read -r pat; do
    [ -z "$pat" ] && continue
    if grep -qF -- "$pat" "$W/err.txt"; then pass=$((pass+1)); else
      echo "$name: stderr lacks: $pat"; sed 's/^/  stderr: /' "$W/err.txt"; fail=$((fail+1)); fi
  done < stderr
fi
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue;; esac
  if ! eval "set -- $line" 2> "$W/eval.err"; then
    echo "$name: cannot read the expect line: $line ($(cat "$W/eval.err"))"; fail=$((fail+1)); continue
  fi
  expected=$1; shift
  got=$("$jget" "$W/out.json" "$@")
  if [ "$got" = "$expected" ]; then pass=$((pass+1)); else
    echo "$name: $* = $got, expected $expected"; fail=$((fail+1)); fi
done < expect
# The invariant behind every case: each line read lands in exactly one bucket.
l=$("$jget" "$W/out.json" input lines)
sum=0
for k in requests connection_errors messages unparsed; do
  sum=$((sum + $("$jget" "$W/out.json" input "$k")))
done
if [ "$l" = "$sum" ]; then pass=$((pass+1)); else
  echo "$name: buckets add up to $sum, lines read $l"; fail=$((fail+1)); fi
echo "$name: $pass passed, $fail failed"
[ "$fail" = 0 ]
