#!/usr/bin/env bash
# `halyze halog --format/--config/--auto`: halog's statistics from named
# fields, right where halog's field counting goes wrong. The expected figures
# come from the halog binary on the same traffic under the RFC 3164 header it
# expects, without the lines that are not HTTP traffic, or from awk.
# Usage: halog_named.sh HALYZE JGET SOURCE_DIR JDIFF
set -u
hz=$1 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
export LC_ALL=C TZ=UTC

HALOG=
for p in "$(command -v halog 2>/dev/null)" /usr/sbin/halog /usr/bin/halog; do
  [ -n "$p" ] && [ -x "$p" ] && { HALOG=$p; break; }
done
[ -n "$HALOG" ] || { echo "FAIL: halog not found (install the haproxy package: .ci/deps --test)"; exit 1; }
GEN=$(dirname "$hz")/bench/hz_genlog
[ -x "$GEN" ] || { echo "FAIL: $GEN not built"; exit 1; }

"$GEN" --lines 5000 --kind httplog --seed 5 > "$W/http.log"
"$GEN" --lines 800 --kind tcplog --seed 5 | grep -v 'started\.$' > "$W/tcp.log"
# the traffic alone (no "Proxy ... started." messages): what halog should see
grep -v 'started\.$' "$W/http.log" > "$W/traffic.log"
ntraffic=$(wc -l < "$W/traffic.log")
nmsg=$(grep -c 'started\.$' "$W/http.log")

same_stdout() {  # label expected actual
  if cmp -s "$2" "$3"; then ok; else bad "$1: $(diff "$2" "$3" | head -4 | tr '\n' ' ')"; fi
}

# 1. rsyslog's ISO header: halog finds no accept date where it counts one and
# reports nothing but parsing errors; with the format's named fields halyze
# gives what halog gives on the same lines under an RFC 3164 header.
sed 's/^Nov 27 \([0-9:]*\) /2026-11-27T\1.000000+00:00 /' "$W/http.log" > "$W/iso.log"
"$HALOG" -srv < "$W/iso.log" > "$W/a.out" 2> "$W/a.err"
[ "$(wc -l < "$W/a.out")" = 1 ] && grep -q "parsing errors" "$W/a.err" && ok || bad "halog should find no server under an ISO header"
for o in -st -srv -u -uc -ue -ut -uao -ubt -pct -gt -tc -cc -ic "-hdr 1:2" "-hdr 2:1" -c "-e -st" "-E -u" "-H -c" \
         "-hs 300:399 -srv" "-HS 200 -ic" "-rt 100 -st" "-RT 20 -tc" "-tcn LR -uc" "-TCN ---- -c" "-Q -c" "-v -e -c" \
         "-query -u" "-m 5 -st" "-ac 2" "-ad 30"; do
  # shellcheck disable=SC2086
  "$HALOG" $o < "$W/traffic.log" > "$W/a.out" 2> /dev/null
  # shellcheck disable=SC2086
  "$hz" halog --format httplog $o "$W/iso.log" > "$W/b.out" 2> "$W/b.err"
  same_stdout "ISO header, --format httplog $o" "$W/a.out" "$W/b.out"
done
# the summary: every line read, none a parsing error, the messages apart
"$hz" halog --format httplog -st "$W/iso.log" > /dev/null 2> "$W/b.err"
grep -qx "$((ntraffic + nmsg)) lines in, [0-9]* lines out, 0 parsing errors" "$W/b.err" && ok || bad "summary: $(head -1 "$W/b.err")"
grep -qx "0 connection errors and $nmsg HAProxy messages were read apart from the traffic" "$W/b.err" && ok || bad "apart: $(cat "$W/b.err")"
# --auto (the predefined formats) reads the same
"$hz" halog --auto -srv "$W/iso.log" > "$W/b.out" 2> /dev/null
"$HALOG" -srv < "$W/traffic.log" > "$W/a.out" 2> /dev/null
same_stdout "--auto -srv" "$W/a.out" "$W/b.out"

# 2. connection errors mixed in: halog lists the word SSL as a server and
# counts them as statuses; named fields keep them apart.
awk 'NR % 50 == 0 { print "Nov 27 04:16:05 lb1 haproxy[10231]: 10.9.8.7:4242 [27/Nov/2026:04:16:05.123] fe_https/1: SSL handshake failure" } { print }' \
  "$W/traffic.log" > "$W/connerr.log"
nerr=$(grep -c 'SSL handshake failure' "$W/connerr.log")
"$HALOG" -srv < "$W/connerr.log" 2> /dev/null | grep -q '^SSL ' && ok || bad "halog should list SSL as a server"
"$hz" halog --auto -srv "$W/connerr.log" > "$W/b.out" 2> "$W/b.err"
grep -q '^SSL ' "$W/b.out" && bad "a server named SSL" || ok
"$HALOG" -srv < "$W/traffic.log" > "$W/a.out" 2> /dev/null
same_stdout "--auto -srv with connection errors" "$W/a.out" "$W/b.out"
grep -qx "$nerr connection errors and 0 HAProxy messages were read apart from the traffic" "$W/b.err" && ok || bad "connection errors apart: $(cat "$W/b.err")"
for o in -st -u -pct -ic -tc; do
  "$HALOG" $o < "$W/traffic.log" > "$W/a.out" 2> /dev/null
  "$hz" halog --auto $o "$W/connerr.log" > "$W/b.out" 2> /dev/null
  same_stdout "--auto $o with connection errors" "$W/a.out" "$W/b.out"
done

# 3. TCP lines mixed in: halog takes their byte counts for statuses; named
# fields leave them out of every HTTP statistic, and count their
# termination states (awk's count).
cat "$W/traffic.log" "$W/tcp.log" > "$W/both.log"
"$HALOG" -st < "$W/both.log" > "$W/a.out" 2> /dev/null
"$HALOG" -st < "$W/traffic.log" > "$W/a2.out" 2> /dev/null
cmp -s "$W/a.out" "$W/a2.out" && bad "halog should count TCP byte counts as statuses" || ok
for o in -st -srv -u -ua -pct -gt "-hs 200:299 -c" "-H -c"; do
  # shellcheck disable=SC2086
  "$HALOG" $o < "$W/traffic.log" > "$W/a.out" 2> /dev/null
  # shellcheck disable=SC2086
  "$hz" halog --auto $o "$W/both.log" > "$W/b.out" 2> /dev/null
  same_stdout "--auto $o with TCP lines" "$W/a.out" "$W/b.out"
done
# -tc counts HTTP (%tsc) and TCP (%ts) lines alike: awk on the known positions
{ awk '{ print substr($15, 1, 2) }' "$W/traffic.log"; awk '{ print substr($12, 1, 2) }' "$W/tcp.log"; } |
  sort | uniq -c | awk '{ print $2, $1 }' > "$W/a.out"
"$hz" halog --auto -tc "$W/both.log" > "$W/b.out" 2> /dev/null
same_stdout "--auto -tc, HTTP and TCP (awk)" "$W/a.out" "$W/b.out"
# -c -v: the HTTP lines excluded by -H are exactly the TCP ones
[ "$("$hz" halog --auto -H -v -c "$W/both.log" 2> /dev/null)" = "$(wc -l < "$W/tcp.log")" ] && ok || bad "-H -v -c"

# 4. a custom format: the same fields in another order (the status first,
# the server last); halog cannot read it, named fields can.
fmt='%ST %ci:%cp [%tr] %ft %TR/%Tw/%Tc/%Tr/%Ta %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r %b/%s'
awk '{ hdr = $1 " " $2 " " $3 " " $4 " " $5; st = $11; bs = $9;
       rest = ""; for (i = 8; i <= NF; i++) if (i != 9 && i != 11) rest = rest " " $i;
       print hdr " " st " " $6 " " $7 rest " " bs }' "$W/traffic.log" > "$W/custom.log"
for o in -st -srv -u -uc -pct -ic -tc -cc "-e -c" "-hdr 1:2" "-Q -c"; do
  # shellcheck disable=SC2086
  "$HALOG" $o < "$W/traffic.log" > "$W/a.out" 2> /dev/null
  # shellcheck disable=SC2086
  "$hz" halog --format "$fmt" $o "$W/custom.log" > "$W/b.out" 2> "$W/b.err"
  same_stdout "custom format $o" "$W/a.out" "$W/b.out"
done
"$hz" halog --format "$fmt" -st "$W/custom.log" > /dev/null 2> "$W/b.err"
grep -qx "$ntraffic lines in, [0-9]* lines out, 0 parsing errors" "$W/b.err" && ok || bad "custom format summary: $(cat "$W/b.err")"

# 5. the long SSL format under an ISO header (bench/ssl.format): statuses by awk
"$GEN" --lines 3000 --kind ssl --seed 5 > "$W/ssl.log"
awk '$5 ~ /^\[/ && $8 ~ /^[-0-9]+\/[-0-9]+\/[-0-9]+\/[-0-9]+\/[-0-9]+$/ { print $9 }' "$W/ssl.log" |
  sort -n | uniq -c | awk '{ print $2, $1 }' > "$W/a.out"
"$hz" halog --format "$(cat "$src/bench/ssl.format")" -st "$W/ssl.log" > "$W/b.out" 2> /dev/null
same_stdout "ssl format -st (awk)" "$W/a.out" "$W/b.out"

# 6. a haproxy.cfg gives the formats (the lab's configs)
C=$src/testdata/sample/configs
S=$src/testdata/sample/haproxy-2.6-raw.log
if [ -f "$C/haproxy-sample.cfg" ] && [ -f "$S" ]; then
  "$hz" halog -q --config "$C/haproxy-sample.cfg" -srv "$S" > "$W/b.out"; st=$?
  [ $st = 0 ] && head -n 1 "$W/b.out" | grep -q '^#srv_name' && ok || bad "--config -srv: exit $st"
  grep -q '^SSL ' "$W/b.out" && bad "--config: a server named SSL" || ok
fi

# usage: an unknown long option is a halyze usage error
"$hz" halog --no-such -st "$W/http.log" > /dev/null 2> "$W/err"; st=$?
[ $st = 2 ] && ok || bad "unknown long option: exit $st"
"$hz" halog --format '%{' -st "$W/http.log" > /dev/null 2> "$W/err"; st=$?
[ $st = 5 ] && ok || bad "bad --format: exit $st"

# every long option of `halyze halog --help` is in the man page
"$hz" halog --help > "$W/help"; st=$?
[ $st = 0 ] && ok || bad "halog --help: exit $st"
for o in $(grep -oE -- '--[a-z][a-z0-9-]+' "$W/help" | sort -u); do
  esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
  grep -q -- "$esc" "$src/man/halyze.1" && ok || bad "halog option $o missing from man/halyze.1"
done
grep -q '^\.SH HALOG COMPATIBILITY' "$src/man/halyze.1" && ok || bad "man page lacks HALOG COMPATIBILITY"

echo "halog_named: $pass passed, $fail failed"
[ $fail = 0 ]
