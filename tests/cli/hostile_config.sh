#!/usr/bin/env bash
# Hostile configurations, formats and rules: each ends in a clear error with
# its position, or within a documented limit (man/halyze.1, LIMITS), never in
# a crash or a hang. Expected outcomes are by construction of the inputs
# below (column = the byte where the limit is crossed, counted by hand).
# Usage: hostile_config.sh HALYZE JGET SOURCE_DIR [JDIFF]
set -u
hz=$1 jget=$2 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
expect() { if [ "$1" = "$3" ]; then ok; else bad "$2: got '$3', expected '$1'"; fi; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
S=$src/testdata/sample/haproxy-2.6-raw.log
rep() { # rep N TEXT [SEP]: TEXT N times, joined by SEP
  awk -v n="$1" -v t="$2" -v s="${3:-}" 'BEGIN { for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? s : ""), t }'
}
# run NAME WANT_STATUS WANT_STDERR ARGS...: halyze under a timeout (124 = hang)
run() {
  local name=$1 want=$2 msg=$3 st
  shift 3
  timeout 60 "$hz" "$@" > "$W/out" 2> "$W/err" < /dev/null; st=$?
  expect "$want" "$name: exit status ($(head -c 300 "$W/err"))" "$st"
  if [ -n "$msg" ]; then
    if grep -qxF -- "$msg" "$W/err"; then ok; else bad "$name: stderr lacks the line '$msg': $(head -c 300 "$W/err")"; fi
  fi
}

# --- log formats ---
# 1 MB of log-format (262144 fields of %ci) on one config line: over the 64 KiB line limit
{ printf 'frontend fe\n    bind :80\n    log-format "'; rep 262144 '%ci' ' '; printf '"\n'; } > "$W/bigfmt.cfg"
run "1 MB log-format" 5 "halyze: $W/bigfmt.cfg:3: line too long (over 65536 bytes)" --config "$W/bigfmt.cfg" "$S"
# 15000 fields within the line limit: the 129th field (at byte 4*128 of the format) is refused
{ printf 'frontend fe\n    bind :80\n    log-format "'; rep 15000 '%ci' ' '; printf '"\n'; } > "$W/fields.cfg"
run "15000 fields" 5 "halyze: $W/fields.cfg:3: log-format of 'fe': too many fields (at most 128) (column 513)" \
  --config "$W/fields.cfg" "$S"
# the same on the command line (an argument is at most 128 KiB: 30000 fields)
run "30000 fields in --format" 5 "halyze: --format: too many fields (at most 128) (column 513)" \
  --format "$(rep 30000 '%ci' ' ')" "$S"
# 128 fields is the limit, not an error
run "128 fields" 0 "" --format "$(rep 128 '%ci' ' ')" -q "$S"

# --- configuration lines ---
# a 5 MB line
{ printf 'global\n    log-tag '; head -c 5000000 /dev/zero | tr '\0' x; printf '\n'; } > "$W/bigline.cfg"
run "5 MB config line" 5 "halyze: $W/bigline.cfg:2: line too long (over 65536 bytes)" --config "$W/bigline.cfg" "$S"
# 5 MB in one logical line of 5001 physical lines joined by backslashes: named by its first line
{ printf 'global\n    log-tag \\\n'; x=$(rep 1000 x); for i in $(seq 5000); do printf '%s\\\n' "$x"; done; printf 'end\n'; } > "$W/cont.cfg"
run "5 MB continued line" 5 "halyze: $W/cont.cfg:2: line too long (over 65536 bytes)" --config "$W/cont.cfg" "$S"
# 65 words (the 65th, 'w', at column 5 + 2*64)
{ printf 'global\n    '; rep 65 w ' '; printf '\n'; } > "$W/words.cfg"
run "65 words" 5 "halyze: $W/words.cfg:2:133: more than 64 words on a line" --config "$W/words.cfg" "$S"
# a configuration over 64 MiB
head -c $((65 << 20)) /dev/zero | tr '\0' '#' > "$W/huge.cfg"
run "65 MiB config" 5 "halyze: $W/huge.cfg: configuration larger than 64 MiB" --config "$W/huge.cfg" "$S"

# --- ${VAR} ---
# a variable whose value is its own reference: expanded once, the value stays text
printf 'frontend fe\n    bind :80\n    log-format "%%ci ${HZ_SELF}"\n' > "$W/self.cfg"
HZ_SELF='${HZ_SELF}' run "self-referring \${VAR}" 0 "" --config "$W/self.cfg" --format-explain
grep -qxF '  %ci ${HZ_SELF}' "$W/out" && ok || bad "self-referring \${VAR}: format shown as $(sed -n 2p "$W/out")"
# two variables referring to each other: the same
printf 'frontend fe\n    bind :80\n    log-format "%%ci ${HZ_A}"\n' > "$W/pair.cfg"
HZ_A='${HZ_B}' HZ_B='${HZ_A}' run "mutual \${VAR}" 0 "" --config "$W/pair.cfg" --format-explain
grep -qxF '  %ci ${HZ_B}' "$W/out" && ok || bad "mutual \${VAR}: format shown as $(sed -n 2p "$W/out")"
# the largest value execve passes (128 KiB a string; 10 MB is tested in
# test_haproxy_cfg, in-process): over the line limit once expanded, at the $
printf 'frontend fe\n    bind :80\n    log-format "%%ci ${HZ_BIG}"\n' > "$W/big.cfg"
HZ_BIG=$(head -c 130000 /dev/zero | tr '\0' x) run "128 KiB \${VAR}" 5 \
  "halyze: $W/big.cfg:3:21: line too long once \${VAR} is expanded (over 65536 bytes)" --config "$W/big.cfg" "$S"
# a variable name of 300 bytes
{ printf 'frontend fe\n    log-format "${'; rep 300 V; printf '}"\n'; } > "$W/longvar.cfg"
run "300-byte \${VAR} name" 5 "halyze: $W/longvar.cfg:2:17: unterminated quote or \${VAR}" --config "$W/longvar.cfg" "$S"

# --- rules: nesting ("rule a info when " is 17 bytes: the 65th level is at column 18 + 64) ---
{ printf 'rule a info when '; rep 100000 '('; printf 'status exists'; rep 100000 ')'; printf '\n'; } > "$W/parens.rules"
run "100k parentheses" 5 "halyze: $W/parens.rules:1:82: expression nested too deeply (more than 64 levels)" \
  --format httplog --rules "$W/parens.rules" "$S"
{ printf 'rule a info when '; rep 100000 '!'; printf 'status exists\n'; } > "$W/nots.rules"
run "100k !" 5 "halyze: $W/nots.rules:1:82: expression nested too deeply (more than 64 levels)" \
  --format httplog --rules "$W/nots.rules" "$S"
{ printf 'rule a info when '; rep 50000 '!('; printf 'status exists'; rep 50000 ')'; printf '\n'; } > "$W/mixed.rules"
run "50k !(" 5 "halyze: $W/mixed.rules:1:82: expression nested too deeply (more than 64 levels)" \
  --format httplog --rules "$W/mixed.rules" "$S"
# 64 levels is the limit, not an error; 64 times ! is an even number of negations
{ printf 'rule a info when '; rep 64 '('; printf 'status exists'; rep 64 ')'; printf '\nrule b info when '; rep 64 '!'; printf 'status exists\n'; } > "$W/deep64.rules"
run "64 levels" 0 "" --format httplog --rules "$W/deep64.rules" --json "$S"
# a chain of 100000 tests is flat, not deep: it parses and runs
{ printf 'rule chain info when '; rep 100000 'status exists' ' && '; printf '\n'; } > "$W/chain.rules"
run "100k && chain" 0 "" --format httplog --rules "$W/chain.rules" --json "$S"
# a rules file over 16 MiB
head -c $((17 << 20)) /dev/zero | tr '\0' '#' > "$W/huge.rules"
run "17 MiB rules" 5 "halyze: $W/huge.rules: rules text larger than 16777216 bytes" --rules "$W/huge.rules" "$S"

# --- a pattern built to backtrack, on a real scan ---
# 1500 requests "GET /aaa...a HTTP/1.1" (the rule matches them at once) and
# 500 "GET /aaa...a! HTTP/1.1", where (a+)+ tries every way to split the 40
# a's before the blank fails to follow: the scan finishes, the 1500 hits are
# counted, the 500 cut matches are reported and counted as no match.
L='10.0.0.1:4000 [27/Nov/2026:04:16:05.870] fe be/s 0/0/0/0/0 200 10 - - ---- 1/1/0/0/0 0/0 "GET /'
A=$(rep 40 a)
{ for i in $(seq 1500); do printf '%s%s HTTP/1.1"\n' "$L" "$A"; done
  for i in $(seq 500); do printf '%s%s! HTTP/1.1"\n' "$L" "$A"; done; } > "$W/bt.log"
printf 'rule backtrack warning\n    when request =~ /^GET \\/(a+)+ /\n' > "$W/bt.rules"
start=$SECONDS
run "backtracking pattern" 0 "halyze: rule backtrack: 500 regex matches stopped by the PCRE2 match or depth limit (counted as no match)" \
  --format httplog --rules "$W/bt.rules" --json "$W/bt.log"
expect 2000 "backtracking: requests" "$("$jget" "$W/out" input requests)"
expect backtrack "backtracking: finding" "$("$jget" "$W/out" findings 0 id)"
expect 1500 "backtracking: hits" "$("$jget" "$W/out" findings 0 count)"
expect 500 "backtracking: regex_limit_errors" "$("$jget" "$W/out" findings 0 regex_limit_errors)"
echo "backtracking scan: $((SECONDS - start)) s"

echo "hostile_config: $pass passed, $fail failed"
[ $fail = 0 ]
