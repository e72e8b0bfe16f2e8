#!/usr/bin/env bash
# The text summary's tables keep their columns: in every table, the counts
# end in the same column, whatever the length of the labels (an "(others)"
# row, an X.509 error name longer than the fixed labels of the TLS table).
# The input is built here; the expected counts are by its construction.
# Usage: text_columns.sh HALYZE JGET SOURCE_DIR [JDIFF]
set -u
hz=$1
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

# 30 termination states (more than the text shows: an "(others)" row), and
# verify codes 0 and 20, whose name ("unable to get local issuer
# certificate") is longer than the TLS table's fixed labels
FMT='%ci:%cp [%tr] %ft %ST %tsc {%[ssl_c_verify],%[ssl_fc_has_crt],%[ssl_fc_is_resumed]}'
awk 'BEGIN {
  split("- C S P L R I D U K c s", a, " "); split("- R C H Q T", b, " ")
  n = 0
  for (i = 1; i <= 12; i++) for (j = 1; j <= 6 && n < 30; j++) { t[n++] = a[i] b[j] "--" }
  for (k = 0; k < 300; k++)
    printf "10.0.0.%d:4000 [27/Nov/2026:04:16:05.870] fe~ 200 %s {%d,1,0}\n", k % 200, t[k % 30], (k % 3 == 0) ? 20 : 0
}' > "$W/t.log"
"$hz" --format "$FMT" "$W/t.log" > "$W/out.txt" 2> "$W/err" || bad "exit $?: $(head -c 200 "$W/err")"

# the end column of the count in each row of a section, from its header line on
section() {  # title: the section's lines up to the next blank line
  awk -v t="$1" '$0 == t { on = 1; next } on && $0 == "" { exit } on' "$W/out.txt"
}
ends() {  # the column where the first number after the label ends, per row
  awk '{ if (match($0, /  +[0-9]+( |$)/)) { s = substr($0, RSTART, RLENGTH); sub(/ $/, "", s); print RSTART + length(s) - 1 } }'
}

section "Termination states" > "$W/term"
grep -q '^  (others) ' "$W/term" && ok || bad "no (others) row in: $(cat "$W/term")"
[ "$(grep -c . "$W/term")" -ge 3 ] && ok || bad "termination table too short"
cols=$(tail -n +2 "$W/term" | ends | sort -u | wc -l)
[ "$cols" = 1 ] && ok || bad "termination counts end in $cols different columns: $(cat "$W/term")"

tls=$(awk '/^TLS client certificates/ { on = 1; next } on && $0 == "" { exit } on' "$W/out.txt")
printf '%s\n' "$tls" > "$W/tls"
grep -q 'ssl_c_verify=20 (unable to get local issuer certificate)' "$W/tls" && ok || bad "no verify 20 row: $tls"
grep -q 'ssl_c_verify=20 .* 100$' "$W/tls" && ok || bad "verify 20 should count 100: $tls"
grep -q 'full handshake, certificate sent .* 300$' "$W/tls" && ok || bad "300 full handshakes with a certificate: $tls"
cols=$(ends < "$W/tls" | sort -u | wc -l)
[ "$cols" = 1 ] && ok || bad "TLS table counts end in $cols different columns: $tls"

echo "text_columns: $pass passed, $fail failed"
[ $fail = 0 ]
