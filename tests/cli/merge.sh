#!/usr/bin/env bash
# --partial and `halyze merge`: the merge of summaries of parts is the summary
# of one run over all the parts, key by key.
# Usage: merge.sh HALYZE JGET SOURCE_DIR JDIFF
set -u
hz=$1 jget=$2 src=$3 jdiff=$4
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
C=$src/testdata/sample/configs
cfgs=(--config "$C/haproxy-sample.cfg" --config "$C/haproxy-sample-run2.cfg" --config "$C/haproxy-sample-run3.cfg")
S=$src/testdata/sample/haproxy-2.6-raw.log

# the lab's lines in three parts; the parts given to one run, and one by one
head -n 20 "$S" > "$W/p1.log"; sed -n '21,40p' "$S" > "$W/p2.log"; tail -n +41 "$S" > "$W/p3.log"
"$hz" "${cfgs[@]}" --json "$W/p1.log" "$W/p2.log" "$W/p3.log" > "$W/full.json" || bad "full run"
for p in p1 p2 p3; do
  "$hz" "${cfgs[@]}" -q --partial "$W/$p.json" "$W/$p.log" > /dev/null || bad "--partial $p"
done
"$hz" merge --json "$W/p1.json" "$W/p2.json" "$W/p3.json" > "$W/merged.json"; st=$?
[ $st = 0 ] && ok || bad "merge exit $st"
# Session tracing cannot link a resumption to a handshake in another part; on
# these lines each resumption follows its handshake within one part, so even
# the tracing figures agree.
if "$jdiff" "$W/full.json" "$W/merged.json" > "$W/diff"; then ok; else bad "merged differs from one run: $(cat "$W/diff")"; fi

# a merged summary merges again (--partial from merge), and text output works
"$hz" merge --partial "$W/p12.json" "$W/p1.json" "$W/p2.json" > /dev/null || bad "merge --partial"
"$hz" merge --json "$W/p12.json" "$W/p3.json" > "$W/merged2.json" || bad "merge of a merge"
"$jdiff" "$W/full.json" "$W/merged2.json" > "$W/diff" && ok || bad "merge of a merge differs: $(cat "$W/diff")"
"$hz" merge "$W/p1.json" "$W/p2.json" "$W/p3.json" | grep -q "Lines read: 55 in 3 inputs" && ok || bad "merge text output"

# load correlation survives the merge: the saw-tooth in three parts
W2=$W/saw; mkdir -p "$W2"; ( W=$W2; export W; cd "$src/testdata/tls-sawtooth" && bash ./setup ) || bad "saw-tooth setup"
F=$(sed -n 's/^--format "\(.*\)" "\$W\/sawtooth.log"$/\1/p' "$src/testdata/tls-sawtooth/args")
split -n l/3 -d "$W2/sawtooth.log" "$W2/part."
"$hz" --format "$F" --json "$W2"/part.0* > "$W2/full.json"
for p in "$W2"/part.0?; do "$hz" --format "$F" -q --partial "$p.json" "$p" > /dev/null; done
"$hz" merge --json "$W2"/part.0?.json > "$W2/merged.json"
# tracing links sessions only within a part; everything else must agree
"$jdiff" "$W2/full.json" "$W2/merged.json" /tls/sessions > "$W/diff" && ok || bad "saw-tooth merge differs: $(cat "$W/diff")"
[ "$("$jget" "$W2/merged.json" findings 0 correlation r)" = "$(cat "$W2/r")" ] && ok || bad "correlation after merge"

# what merge refuses: a summary without --partial, a missing file, bucket widths that differ
"$hz" "${cfgs[@]}" --json "$W/p1.log" > "$W/plain.json"
"$hz" merge "$W/plain.json" > /dev/null 2> "$W/err"; st=$?
[ $st = 5 ] && grep -q "written without --partial" "$W/err" && ok || bad "non-partial: exit $st $(cat "$W/err")"
"$hz" merge "$W/nope.json" > /dev/null 2> "$W/err"; st=$?
[ $st = 1 ] && ok || bad "missing summary: exit $st"
"$hz" "${cfgs[@]}" -q --bucket 30 --partial "$W/b30.json" "$W/p2.log" > /dev/null
"$hz" merge "$W/p1.json" "$W/b30.json" > /dev/null 2> "$W/err"; st=$?
[ $st = 5 ] && grep -q "buckets differ" "$W/err" && ok || bad "bucket widths: exit $st $(cat "$W/err")"

# a hundred partial summaries merge quickly
mkdir "$W/many"
for i in $(seq 1 100); do cp "$W/p2.json" "$W/many/m$i.json"; done
start=$(date +%s%N)
"$hz" merge --json "$W"/many/m*.json > "$W/m100.json" || bad "merge of 100"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$("$jget" "$W/m100.json" input lines)" = 2000 ] && ok || bad "100 merged: lines $("$jget" "$W/m100.json" input lines)"
echo "merge of 100 partial summaries: $ms ms"

echo "merge: $pass passed, $fail failed"
[ $fail = 0 ]
