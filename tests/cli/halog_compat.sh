#!/usr/bin/env bash
# `halyze halog` against the installed halog binary (HAProxy's admin/halog):
# the same stdout, byte for byte, and the same stderr summary line, for every
# output mode and a matrix of filters, on generated and captured default-format
# logs under an RFC 3164 header. halog is the expected output's independent
# source; without it the test fails (`.ci/deps --test` installs haproxy).
# Usage: halog_compat.sh HALYZE JGET SOURCE_DIR JDIFF
set -u
hz=$1 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
export LC_ALL=C TZ=UTC

HALOG=
for p in "$(command -v halog 2>/dev/null)" /usr/sbin/halog /usr/bin/halog /usr/local/sbin/halog /usr/local/bin/halog; do
  [ -n "$p" ] && [ -x "$p" ] && { HALOG=$p; break; }
done
if [ -z "$HALOG" ]; then
  echo "FAIL: halog not found (install the haproxy package: .ci/deps --test)"
  exit 1
fi

# hz_genlog sits next to the halyze binary's build tree
GEN=$(dirname "$hz")/bench/hz_genlog
[ -x "$GEN" ] || { echo "FAIL: $GEN not built"; exit 1; }
REF=$src/../shared/reference/haproxy-2.6-captured-lines.txt
[ -f "$REF" ] || REF=${HZ_REFERENCE:-/work/shared/reference}/haproxy-2.6-captured-lines.txt

# Logs: httplog and tcplog as halog expects them (RFC 3164 header), the
# captured HAProxy 2.6 lines under the same header (raw lines, the error-log
# lines of run 3 and the UDP receivers' lines as they came), and a mix.
"$GEN" --lines 6000 --kind httplog --seed 11 > "$W/http.log"
"$GEN" --lines 1500 --kind tcplog --seed 11 > "$W/tcp.log"
if [ -f "$REF" ]; then
  grep -v '^#' "$REF" | grep -v '^[[:space:]]*$' | sed 's/^/Nov 27 04:16:05 lab-host haproxy[10231]: /' > "$W/captured.log"
else
  echo "FAIL: $REF missing"; fail=$((fail+1)); : > "$W/captured.log"
fi
cat "$W/http.log" "$W/tcp.log" "$W/captured.log" > "$W/all.log"
# a few hostile lines: empty, spaces only, a lone '[', a very long URL, fields cut short
{
  echo
  echo "     "
  echo "Nov 27 04:16:05 h haproxy[1]: 1.2.3.4:5 ["
  echo "Nov 27 04:16:05 h haproxy[1]: 1.2.3.4:5 [27/Nov/2026:04:16:05.000] fe be/s 1/2/3"
  printf 'Nov 27 04:16:05 h haproxy[1]: 1.2.3.4:5 [27/Nov/2026:04:16:05.000] fe be/s 0/0/0/1/1 200 10 - - ---- 1/1/0/0/0 0/0 "GET /%s HTTP/1.1"\n' "$(head -c 20000 /dev/zero | tr '\0' a)"
  echo "Nov 27 04:16:05 h haproxy[1]: 1.2.3.4:5 [27/Nov/2026:04:16:05.000] fe be/s 0/0/0/-1/5 -1 10 - - sD-- 1/1/0/0/0 0/0"
} >> "$W/all.log"
gzip -c "$W/all.log" > "$W/all.log.gz"

# compare OPTS FILE: stdout byte for byte, stderr identical too
compare() {
  local file=$1; shift
  "$HALOG" "$@" < "$file" > "$W/a.out" 2> "$W/a.err"; local sa=$?
  "$hz" halog "$@" "$file" > "$W/b.out" 2> "$W/b.err"; local sb=$?
  if cmp -s "$W/a.out" "$W/b.out"; then ok; else
    bad "stdout differs: halog $* < $(basename "$file"): $(diff "$W/a.out" "$W/b.out" | head -4 | tr '\n' ' ')"; fi
  if cmp -s "$W/a.err" "$W/b.err"; then ok; else
    bad "stderr differs: halog $* < $(basename "$file"): $(diff "$W/a.err" "$W/b.err" | head -4 | tr '\n' ' ')"; fi
  [ $sa = $sb ] && ok || bad "exit status $sa vs $sb: halog $*"
}

outputs=(-c -u -uc -ue -ua -ut -uao -uto -uba -ubt -cc -gt -pct -st -tc -srv -ic
  "-hdr 1:1" "-hdr 1:2" "-hdr 2:1" "-ac 3" "-ad 50" "-ad 20 -ac 2")
# the accepted seconds of the generated logs, for -time
t0=$(date -u -d '2026-11-27 04:16:05' +%s)
# every output mode with the main filters, and the other filters with a few
# modes (each compare runs two processes: this keeps the test near a minute
# under AddressSanitizer)
filters=("" -H -e -Q "-rt 50" "-tcn --" -v "-m 7")
filters2=(-E "-RT 50" "-hs 400:499" "-time $t0:$((t0 + 30))" "-query" -QS "-hs 200" "-HS 200" "-hs :299" "-hs 500:" "-TCN ----" "-tcn LR" "-time $((t0 + 10))" "-v -e"
  "-e -v -H" "-m 0" "-H -rt 10 -hs 200:299" "-q -E")
for out in "${outputs[@]}"; do
  for f in "${filters[@]}"; do
    # shellcheck disable=SC2086
    compare "$W/all.log" $f $out
  done
done
for out in -c -uc -st -srv -pct -ic -u; do
  for f in "${filters2[@]}"; do
    # shellcheck disable=SC2086
    compare "$W/all.log" $f $out
  done
done
filters+=("${filters2[@]}")
# several output modes at once: halog 2.6 takes them in its order of precedence
for pair in "-st -u" "-c -st" "-c -ic" "-uc -ue" "-u -uc" "-ub -ubt -uto" "-ic -u" "-ic -uc" "-gt -pct" "-cc -tc" "-hdr 1:1 -st" "-ac 2 -st" "-pct -ic"; do
  # shellcheck disable=SC2086
  compare "$W/all.log" $pair
done
# the filters alone print the matching lines
for f in "${filters[@]}"; do
  [ -z "$f" ] && continue
  # shellcheck disable=SC2086
  compare "$W/all.log" $f
done
# each log alone, every output mode
for out in -c -st -srv -tc -pct -ic; do compare "$W/tcp.log" $out; done
for log in http captured; do
  for out in "${outputs[@]}"; do
    # shellcheck disable=SC2086
    compare "$W/$log.log" $out
  done
done
# -s: the same lines under a header of a different width
sed 's/^Nov 27 04:16:05 [^ ]* //' "$W/http.log" > "$W/short.log"
for out in -st -u -srv -pct -ic; do compare "$W/short.log" -s 0 $out; done
for s in -1 -6 -10 2; do compare "$W/all.log" -s $s -st; compare "$W/all.log" -s $s -u; done
# usage errors: halog's messages and exit status
for args in "" "-v" "-hdr 1" "-hdr 0:1"; do
  # shellcheck disable=SC2086
  compare "$W/http.log" $args
done

# an empty input, every mode
: > "$W/empty.log"
for out in "${outputs[@]}"; do
  # shellcheck disable=SC2086
  compare "$W/empty.log" $out
done
# a last line without LF, -c and its fast path
head -c -1 "$W/http.log" > "$W/noeol.log"
for o in -c "-c -m 3" "-c -v" "-c -m 0" -st "-H -c" -u; do
  # shellcheck disable=SC2086
  compare "$W/noeol.log" $o
done
# gzip input and several files give what halog gives on the concatenation
"$HALOG" -u < "$W/all.log" > "$W/a.out" 2> /dev/null
"$hz" halog -u "$W/all.log.gz" > "$W/b.out" 2> /dev/null
cmp -s "$W/a.out" "$W/b.out" && ok || bad "gzip input differs"
cat "$W/http.log" "$W/tcp.log" | "$HALOG" -srv > "$W/a.out" 2> "$W/a.err"
"$hz" halog -srv "$W/http.log" "$W/tcp.log" > "$W/b.out" 2> "$W/b.err"
cmp -s "$W/a.out" "$W/b.out" && cmp -s "$W/a.err" "$W/b.err" && ok || bad "two files differ from their concatenation"
# standard input, and halyze run as halog through a link
"$hz" halog -st < "$W/all.log" > "$W/b.out" 2> /dev/null
"$HALOG" -st < "$W/all.log" > "$W/a.out" 2> /dev/null
cmp -s "$W/a.out" "$W/b.out" && ok || bad "stdin differs"
ln -s "$hz" "$W/halog"
"$W/halog" -pct < "$W/all.log" > "$W/b.out" 2> "$W/b.err"
"$HALOG" -pct < "$W/all.log" > "$W/a.out" 2> "$W/a.err"
cmp -s "$W/a.out" "$W/b.out" && cmp -s "$W/a.err" "$W/b.err" && ok || bad "run as halog through a link"

# the kept quirk and its fix: the -u* header ends in "src"; --no-quirks says url
head -n 1 "$W/a.out" > /dev/null
"$hz" halog -uc "$W/http.log" 2> /dev/null | head -n 1 | grep -qx '#req err ttot tavg oktot okavg bavg btot src' && ok || bad "-uc header quirk"
"$hz" halog --no-quirks -uc "$W/http.log" 2> /dev/null | head -n 1 | grep -qx '#req err ttot tavg oktot okavg bavg btot url' && ok || bad "--no-quirks header"
# -o ends halog's options (the file is not written); --no-quirks writes it
"$HALOG" -o "$W/x.out" -st < "$W/http.log" > "$W/a.out" 2> /dev/null
"$hz" halog -q -o "$W/y.out" -st < "$W/http.log" > "$W/b.out" 2> /dev/null
cmp -s "$W/a.out" "$W/b.out" && [ ! -e "$W/y.out" ] && ok || bad "-o quirk"
"$hz" halog --no-quirks -o "$W/y.out" -st "$W/http.log" > "$W/b.out" 2> /dev/null
"$HALOG" -st < "$W/http.log" > "$W/a.out" 2> /dev/null
[ ! -s "$W/b.out" ] && cmp -s "$W/a.out" "$W/y.out" && ok || bad "--no-quirks -o FILE"

# a line longer than halog's 256 KiB buffer ends halog's run silently; halyze
# counts it as a parsing error and reads on
{ head -n 100 "$W/http.log"; printf 'Nov 27 04:16:05 h haproxy[1]: %s\n' "$(head -c 300000 /dev/zero | tr '\0' x)"; tail -n 100 "$W/http.log"; } > "$W/long.log"
"$hz" halog -st "$W/long.log" > /dev/null 2> "$W/b.err"
grep -q '^201 lines in, [0-9]* lines out, [0-9]* parsing errors' "$W/b.err" && ok || bad "long line: $(cat "$W/b.err")"

echo "halog_compat: $pass passed, $fail failed"
[ $fail = 0 ]
