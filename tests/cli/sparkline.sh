#!/usr/bin/env bash
# Sparklines in the text summary: only when stdout is a terminal (run under
# script(1), which gives the command a pseudo-terminal), Unicode blocks under
# a UTF-8 locale and ASCII under LANG=C. The expected lines are computed here
# from the generator's own counts (testdata/tls-sawtooth/setup: minute m has
# 20 + 10*(m % 10) requests, int((m % 10)^2 / 2) resumptions), scaled to the
# tallest column.
# Usage: sparkline.sh HALYZE JGET SOURCE_DIR JDIFF
set -u
hz=$1 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
command -v script > /dev/null || { echo "FAIL: script(1) is needed (bsdutils)"; exit 1; }
( export W; cd "$src/testdata/tls-sawtooth" && bash ./setup ) || bad "saw-tooth setup"
F=$(sed -n 's/^--format "\(.*\)" "\$W\/sawtooth.log"$/\1/p' "$src/testdata/tls-sawtooth/args")
printf '%s\n' "$F" > "$W/fmt"

# expected sparklines: glyph k (0-based) of n levels for a count c of a max M
# is (c*n - 1) / M; a column with nothing is a space
expect_line() {  # $1 = unicode|ascii, $2 = requests|resumed
  awk -v mode="$1" -v what="$2" 'BEGIN {
    n = split(mode == "ascii" ? "_ . - = #" : "\342\226\201 \342\226\202 \342\226\203 \342\226\204 \342\226\205 \342\226\206 \342\226\207 \342\226\210", g, " ")
    M = 0
    for (m = 0; m < 30; m++) { k = m % 10; v[m] = what == "requests" ? 20 + 10 * k : int(k * k / 2); if (v[m] > M) M = v[m] }
    s = ""
    for (m = 0; m < 30; m++) s = s (v[m] ? g[int((v[m] * n - 1) / M) + 1] : " ")
    printf "%s  max %d\n", s, M
  }'
}
run_tty() {  # $1 = LANG value, $2 = LC_ALL value (may be empty); the summary as a terminal would get it
  env -u LC_ALL -u LC_CTYPE LANG="$1" ${2:+LC_ALL="$2"} script -qec "\"$hz\" --format \"\$(cat '$W/fmt')\" '$W/sawtooth.log'" /dev/null | tr -d '\r'
}

run_tty C.UTF-8 > "$W/utf8.txt"
grep -q '^  Per 60 s, 2026-11-27 10:00 .. 2026-11-27 10:30$' "$W/utf8.txt" && ok || bad "the sparkline heading: $(grep 'Per ' "$W/utf8.txt")"
want=$(expect_line unicode requests)
grep -qF "  requests                       $want" "$W/utf8.txt" && ok || bad "requests sparkline: got '$(grep '^  requests  ' "$W/utf8.txt")', expected '$want'"
want=$(expect_line unicode resumed)
grep -qF "  tls-resumed-identity-no-cert   $want" "$W/utf8.txt" && ok || bad "rule sparkline: got '$(grep '^  tls-resumed-identity-no-cert  ' "$W/utf8.txt")', expected '$want'"

run_tty C > "$W/ascii.txt"
want=$(expect_line ascii requests)
grep -qF "  requests                       $want" "$W/ascii.txt" && ok || bad "ASCII requests sparkline: got '$(grep '^  requests  ' "$W/ascii.txt")', expected '$want'"
want=$(expect_line ascii resumed)
grep -qF "  tls-resumed-identity-no-cert   $want" "$W/ascii.txt" && ok || bad "ASCII rule sparkline"
if LC_ALL=C grep -qP '[\x80-\xff]' "$W/ascii.txt"; then bad "a non-ASCII byte under LANG=C"; else ok; fi
run_tty POSIX | grep -qF "$(expect_line ascii requests)" && ok || bad "ASCII under LANG=POSIX"
run_tty en_US.ISO-8859-1 | grep -qF "$(expect_line ascii requests)" && ok || bad "ASCII under a Latin-1 locale"
run_tty C C.UTF-8 | grep -qF "$(expect_line unicode requests)" && ok || bad "LC_ALL wins over LANG"

# not a terminal, or -o FILE: no sparkline
LANG=C.UTF-8 "$hz" --format "$F" "$W/sawtooth.log" | grep -q "Per 60 s" && bad "a sparkline in a pipe" || ok
env LANG=C.UTF-8 script -qec "\"$hz\" -o '$W/o.txt' --format \"\$(cat '$W/fmt')\" '$W/sawtooth.log'" /dev/null > /dev/null
grep -q "^Diagnosis" "$W/o.txt" && ! grep -q "Per 60 s" "$W/o.txt" && ok || bad "a sparkline in an -o file"

echo "sparkline: $pass passed, $fail failed"
[ $fail = 0 ]
