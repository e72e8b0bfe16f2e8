#!/usr/bin/env bash
# --follow: tails files like tail -F (growth, rotation by rename, copytruncate,
# a file that appears later, a last line without its newline), writes a fresh
# summary every --interval (to -o FILE, replaced atomically, or NDJSON on
# stdout), and on SIGINT/SIGTERM writes the final summary and exits 0. The
# expected counts are the lines this script wrote.
# Usage: follow.sh HALYZE JGET SOURCE_DIR [JDIFF]
set -u
hz=$1 jget=$2 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
W=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$W"' EXIT
S=$src/testdata/sample/haproxy-2.6-raw.log
cd "$W" || exit 1

# waits up to 20 s for the summary in out.json to count $1 lines
lines_now() { "$jget" out.json input lines 2>/dev/null; }
wait_lines() {
  for _ in $(seq 100); do [ "$(lines_now)" = "$1" ] && return 0; sleep 0.2; done
  return 1
}

head -n 5 "$S" > a.log
"$hz" --follow --interval 1 --json -o out.json a.log late.log 2> err.txt &
pid=$!
wait_lines 5 && ok || bad "first summary: $(lines_now) lines, expected 5"
grep -q "late.log: No such file or directory; waiting for it to appear" err.txt && ok || bad "late file not announced: $(cat err.txt)"

sed -n '6,10p' "$S" >> a.log                       # growth
wait_lines 10 && ok || bad "after growth: $(lines_now), expected 10"

mv a.log a.log.1; sed -n '11,13p' "$S" > a.log      # rotation by rename
wait_lines 13 && ok || bad "after rotation: $(lines_now), expected 13"

head -n 2 "$S" > late.log                           # a file that appears later
wait_lines 15 && ok || bad "late file: $(lines_now), expected 15"

: > a.log; sleep 1                                  # copytruncate: emptied,
sed -n '14,20p' "$S" >> a.log                       # then written from its start
wait_lines 22 && ok || bad "after truncation: $(lines_now), expected 22"

printf '%s' "$(sed -n 21p "$S")" >> a.log           # a line still without its newline
sleep 1.5
kill -TERM "$pid"; wait "$pid"; st=$?; pid=
[ "$st" = 0 ] && ok || bad "SIGTERM: exit $st, expected 0"
[ "$(lines_now)" = 23 ] && ok || bad "final summary: $(lines_now) lines, expected 23 (the last without a newline)"
[ "$("$jget" out.json partial)" = false ] && ok || bad "final summary marked partial"
[ "$("$jget" -l 0 out.json input files)" = "array 4" ] && ok || bad "files: $("$jget" -l 0 out.json input files), expected a.log, late.log, a.log (rotated), a.log (truncated)"
ls out.json.tmp.* > /dev/null 2>&1 && bad "a temporary file was left" || ok
# the buckets add up, as in any summary
sum=0; for k in requests connection_errors messages unparsed; do sum=$((sum + $("$jget" out.json input $k))); done
[ "$sum" = 23 ] && ok || bad "buckets add up to $sum"

# NDJSON on stdout: one summary per line, the last one final
head -n 4 "$S" > b.log
"$hz" --follow --interval 1 b.log > nd.out 2> nd.err &
pid=$!
sleep 2.5
sed -n '5,6p' "$S" >> b.log
sleep 2.5
kill -INT "$pid"; wait "$pid"; st=$?; pid=
[ "$st" = 0 ] && ok || bad "SIGINT: exit $st"
n=$(wc -l < nd.out)
[ "$n" -ge 3 ] && ok || bad "NDJSON: $n summaries, expected at least 3"
i=0; valid=1
while IFS= read -r line; do
  printf '%s\n' "$line" > one.json
  "$jget" one.json schema > /dev/null 2>&1 || valid=0
  i=$((i+1))
done < nd.out
[ "$valid" = 1 ] && ok || bad "NDJSON: a line is not a JSON summary"
tail -n 1 nd.out > last.json
[ "$("$jget" last.json input lines)" = 6 ] && ok || bad "NDJSON: last summary has $("$jget" last.json input lines) lines, expected 6"
head -n 1 nd.out > first.json
[ "$("$jget" first.json input lines)" = 4 ] && ok || bad "NDJSON: first summary has $("$jget" first.json input lines) lines, expected 4"

# usage
"$hz" --follow > /dev/null 2>&1 < /dev/null; [ $? = 2 ] && ok || bad "--follow without FILE is a usage error"
"$hz" --follow --interval 0 a.log > /dev/null 2>&1; [ $? = 2 ] && ok || bad "--interval 0 is a usage error"

echo "follow: $pass passed, $fail failed"
[ "$fail" = 0 ]
