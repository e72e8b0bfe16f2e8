#!/usr/bin/env bash
# valgrind memcheck over a golden subset, on a binary without AddressSanitizer
# (HZ_MEMCHECK_BINARY: this build tree's plain halyze, or CI's Release build):
# zero errors and zero definite or indirect leaks, and the golden figures
# still hold. No valgrind is a failure, not a skip.
# Usage: memcheck.sh HALYZE JGET SOURCE_DIR JDIFF (HZ_MEMCHECK_BINARY in the environment)
set -u
jget=$2 src=$3 jdiff=$4
bin=${HZ_MEMCHECK_BINARY:-}
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
expect() { if [ "$1" = "$3" ]; then ok; else bad "$2: got '$3', expected '$1'"; fi; }
if ! command -v valgrind > /dev/null; then
  echo "FAIL: valgrind is not installed (bash .ci/deps --test installs it)"; exit 1
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "FAIL: no binary to check (HZ_MEMCHECK_BINARY='$bin')"; exit 1
fi
if nm -D "$bin" 2>/dev/null | grep -q __asan_init; then
  echo "FAIL: $bin is built with AddressSanitizer; valgrind needs a plain build"; exit 1
fi
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
# halyze under valgrind, for golden.sh and the checks below: any error or
# leak makes the exit status 99, which no case expects; the log must be empty.
cat > "$W/vg-halyze" <<EOF
#!/usr/bin/env bash
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \\
  --show-leak-kinds=definite,indirect --log-file="$W/vg.%p.log" "$bin" "\$@"
EOF
chmod +x "$W/vg-halyze"
vg=$W/vg-halyze
logs_clean() { # every valgrind log so far is empty
  local f any=0
  for f in "$W"/vg.*.log; do
    [ -e "$f" ] || continue
    if [ -s "$f" ]; then any=1; echo "valgrind: $f"; sed 's/^/  /' "$f" | head -60; fi
    rm -f "$f"
  done
  [ $any = 0 ]
}

# golden cases: gzip (members, damage), --config with the TLS diagnosis,
# --rules, the TLS saw-tooth correlation
for c in gzip-members gzip-damage sample-config user-rules tls-sawtooth; do
  if bash "$src/tests/golden.sh" "$src/testdata/$c" "$vg" "$jget" > "$W/golden.out" 2>&1; then ok; else
    bad "golden $c under valgrind:"; sed 's/^/  /' "$W/golden.out"; fi
  logs_clean && ok || bad "valgrind reported errors on golden $c"
done

C=$src/testdata/sample/configs
cfgs=(--config "$C/haproxy-sample.cfg" --config "$C/haproxy-sample-run2.cfg" --config "$C/haproxy-sample-run3.cfg")
S=$src/testdata/sample/haproxy-2.6-raw.log

# the text summary, with rules (their regexes JIT-compiled)
"$vg" "${cfgs[@]}" --rules "$src/testdata/rules/http.rules" -q "$S" > "$W/text" 2> "$W/err"; st=$?
expect 0 "text summary exit ($(head -c 300 "$W/err"))" "$st"
grep -q '^Diagnosis' "$W/text" && ok || bad "text summary has no Diagnosis"
logs_clean && ok || bad "valgrind reported errors on the text summary"

# --events: 50 events, one per request (hand count in testdata/sample-config/expect)
"$vg" "${cfgs[@]}" --events "$S" > "$W/ev.ndjson" 2> "$W/err"; st=$?
expect 0 "--events exit ($(head -c 300 "$W/err"))" "$st"
expect 50 "--events line count" "$(wc -l < "$W/ev.ndjson")"
logs_clean && ok || bad "valgrind reported errors on --events"

# --partial and merge, against one run over the whole (as tests/cli/merge.sh)
head -n 20 "$S" > "$W/p1.log"; tail -n +21 "$S" > "$W/p2.log"
"$bin" "${cfgs[@]}" --json "$W/p1.log" "$W/p2.log" > "$W/full.json" 2> /dev/null || bad "full run"
for p in p1 p2; do
  "$vg" "${cfgs[@]}" -q --partial "$W/$p.json" "$W/$p.log" > /dev/null; st=$?
  expect 0 "--partial $p exit" "$st"
done
"$vg" merge --json "$W/p1.json" "$W/p2.json" > "$W/merged.json"; st=$?
expect 0 "merge exit" "$st"
if "$jdiff" "$W/full.json" "$W/merged.json" > "$W/diff"; then ok; else bad "merged differs from one run: $(head -c 500 "$W/diff")"; fi
"$vg" merge "$W/p1.json" "$W/p2.json" > "$W/merged.txt"; st=$?
expect 0 "merge (text) exit" "$st"
logs_clean && ok || bad "valgrind reported errors on --partial or merge"

# lint, and a configuration error (exit 5), whose error paths free too
"$vg" lint "$C/haproxy-sample.cfg" > /dev/null 2>&1; st=$?
[ "$st" != 99 ] && ok || bad "lint: valgrind errors"
printf 'frontend fe\n    log-format "%%ci %%{bad"\n' > "$W/bad.cfg"
"$vg" --config "$W/bad.cfg" "$S" > /dev/null 2>&1; st=$?
expect 5 "bad config exit" "$st"
logs_clean && ok || bad "valgrind reported errors on lint or a bad config"

echo "memcheck ($bin): $pass passed, $fail failed"
[ $fail = 0 ]
