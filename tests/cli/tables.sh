#!/usr/bin/env bash
# --tables (per-URL and per-client statistics), --query and --max-keys: the
# figures awk counts on the lines it wrote, the (other) row of a capped table,
# and peak memory that stays flat with a million distinct URLs and clients.
# Usage: tables.sh HALYZE JGET SOURCE_DIR [JDIFF]
set -u
hz=$1 jget=$2 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
check() { if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

# httplog lines (option httplog, raw) from awk: 40 URLs with query strings,
# 30 clients, statuses with some 5xx, bytes and Ta that awk sums
gen() { # lines distinct_urls distinct_clients out truth
  awk -v n="$1" -v nu="$2" -v nc="$3" -v out="$4" -v truth="$5" 'BEGIN {
    for (i = 0; i < n; i++) {
      u = "/app/p" (i * 7 % nu); c = "10." int(i * 13 % nc / 65536) "." int(i * 13 % nc / 256) % 256 "." (i * 13 % nc) % 256
      st = (i % 17 == 0) ? 503 : 200; b = 100 + i % 900; ta = i % 50
      printf "%s:%d [27/Nov/2026:10:00:%02d.%03d] fe be/s1 0/0/1/%d/%d %d %d - - ---- 1/1/0/0/0 0/0 \"GET %s?q=%d HTTP/1.1\"\n", c, 1024 + i % 60000, i % 60, i % 1000, ta, ta, st, b, u, i % 3 > out
      if (truth != "") { R[u]++; E[u] += (st >= 500); B[u] += b; T[u] += ta; CR[c]++; CE[c] += (st >= 500); CB[c] += b; Q[u "?q=" (i % 3)]++ }
    }
    if (truth != "") {
      for (u in R) print "url", u, R[u], E[u], B[u], T[u] > truth
      for (c in CR) print "client", c, CR[c], CE[c], CB[c] > truth
      for (q in Q) print "query", q, Q[q] > truth
    }
  }'
}
gen 5000 40 30 "$W/small.log" "$W/truth"
"$hz" --tables all --format httplog --json "$W/small.log" > "$W/t.json" || bad "exit $?"
check "all lines parsed" 5000 "$("$jget" "$W/t.json" input requests)"
check "40 URLs" "object 40" "$("$jget" -l 0 "$W/t.json" urls)"
check "30 clients" "object 30" "$("$jget" -l 0 "$W/t.json" clients)"
bad_rows=0
while read -r kind key a b c d; do
  case $kind in
  url)
    got="$("$jget" "$W/t.json" urls "$key" requests) $("$jget" "$W/t.json" urls "$key" errors) $("$jget" "$W/t.json" urls "$key" bytes) $("$jget" "$W/t.json" urls "$key" time_ms_total)"
    [ "$got" = "$a $b $c $d" ] || { bad_rows=$((bad_rows+1)); echo "  url $key: $got, awk: $a $b $c $d"; } ;;
  client)
    got="$("$jget" "$W/t.json" clients "$key" requests) $("$jget" "$W/t.json" clients "$key" errors) $("$jget" "$W/t.json" clients "$key" bytes)"
    [ "$got" = "$a $b $c" ] || { bad_rows=$((bad_rows+1)); echo "  client $key: $got, awk: $a $b $c"; } ;;
  esac
done < "$W/truth"
check "every URL and client row as awk counts it" 0 "$bad_rows"

# --query keeps the query string: 40 x 3 keys, more than the 100 rows a
# summary shows, so the mergeable summary (all rows) is checked
"$hz" --tables urls --query --format httplog -q --partial "$W/q.json" -o /dev/null "$W/small.log"
check "URL keys with the query" "object 120" "$("$jget" -l 0 "$W/q.json" urls)"
q1=$(awk '$1 == "query" && $2 == "/app/p7?q=1" { print $3 }' "$W/truth")
check "/app/p7?q=1" "$q1" "$("$jget" "$W/q.json" urls "/app/p7?q=1" requests)"
"$hz" --tables urls --format httplog --json "$W/small.log" > "$W/nq.json"
[ "$("$jget" "$W/nq.json" urls "/app/p7?q=1" requests)" = MISSING ] && ok || bad "without --query the query string is in a key"

# --max-keys 10: 5 heavy URLs (200 hits each) first, then 2000 URLs once;
# the heavy ones are kept exactly, the rest is in (other), nothing is lost
awk 'BEGIN {
  for (r = 0; r < 200; r++) for (h = 0; h < 5; h++) printf "10.0.0.1:1 [27/Nov/2026:10:00:00.000] fe be/s1 0/0/1/1/1 200 10 - - ---- 1/1/0/0/0 0/0 \"GET /heavy%d HTTP/1.1\"\n", h
  for (i = 0; i < 2000; i++) printf "10.0.0.1:1 [27/Nov/2026:10:00:00.000] fe be/s1 0/0/1/1/1 200 10 - - ---- 1/1/0/0/0 0/0 \"GET /light%d HTTP/1.1\"\n", i
}' > "$W/fold.log"
"$hz" --tables urls --max-keys 10 --format httplog -q --partial "$W/f.json" -o /dev/null "$W/fold.log"
for h in 0 1 2 3 4; do check "/heavy$h kept" 200 "$("$jget" "$W/f.json" urls "/heavy$h" requests)"; done
kept=0
for k in $(python3 -c 'import json,sys; print(" ".join(k for k in json.load(open(sys.argv[1]))["urls"] if k != "(other)"))' "$W/f.json"); do
  kept=$((kept + $("$jget" "$W/f.json" urls "$k" requests)))
done
other=$("$jget" "$W/f.json" urls "(other)" requests)
check "kept + (other) = every request" 3000 "$((kept + other))"
[ "$("$jget" "$W/f.json" key_limit folded_keys)" -ge 1980 ] && ok || bad "folded_keys: $("$jget" "$W/f.json" key_limit folded_keys)"
n=$("$jget" -l 0 "$W/f.json" urls | cut -d' ' -f2)
[ "$n" -le 21 ] && ok || bad "a table capped at 10 holds $n keys (at most 2 x 10 + other)"

# --tables timers: each percentile within the sketch's bound (exact below 64
# ms, else 1/128) of the nearest-rank value sort finds in the lines' Tr
awk 'BEGIN { x = 7; for (i = 0; i < 20000; i++) { x = (x * 1103515245 + 12345) % 2147483648; tr = int((x % 100000) ^ 2 / 400000) + (i % 7 == 0 ? -1 : 0)
  printf "10.0.0.%d:1 [27/Nov/2026:10:00:00.000] fe be/s1 0/0/1/%d/5 200 10 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"\n", i % 200, tr } }' > "$W/timers.log"
"$hz" --tables timers --format httplog --json "$W/timers.log" > "$W/tm.json"
awk '{ split($5, t, "/"); if (t[4] >= 0) print t[4] }' "$W/timers.log" | sort -n > "$W/tr.sorted"
n=$(wc -l < "$W/tr.sorted" | tr -d ' ')
check "Tr count (the -1 of aborted steps left out)" "$n" "$("$jget" "$W/tm.json" timers Tr count)"
for p in 50 90 95 99 999; do
  exact=$(awk -v n="$n" -v p="$p" 'BEGIN { q = (p == 999) ? 0.999 : p / 100; r = int(q * n); if (r < q * n) r++; if (r < 1) r = 1 } NR == r { print; exit }' "$W/tr.sorted")
  got=$("$jget" "$W/tm.json" timers Tr "p$p")
  if [ "$exact" -lt 64 ]; then check "Tr p$p (exact)" "$exact" "$got"
  else d=$((got > exact ? got - exact : exact - got)); [ $((d * 128)) -le "$exact" ] && ok || bad "Tr p$p: $got, exact $exact (bound $((exact / 128)))"; fi
done
check "Tr max" "$(tail -n 1 "$W/tr.sorted")" "$("$jget" "$W/tm.json" timers Tr max)"
# merged partials give the same percentiles, to the bucket
split -n l/3 -d "$W/timers.log" "$W/tp."
for f in "$W"/tp.0?; do "$hz" --tables timers --format httplog -q --partial "$f.json" -o /dev/null "$f"; done
"$hz" merge --json "$W"/tp.0?.json > "$W/tm-merged.json"
for p in 50 90 99 999; do
  check "merged Tr p$p" "$("$jget" "$W/tm.json" timers Tr "p$p")" "$("$jget" "$W/tm-merged.json" timers Tr "p$p")"
done

# --tables servers: status classes, errors and the average connect and
# response times per server, as awk counts them (-1 timers left out)
awk 'BEGIN { for (i = 0; i < 3000; i++) { sv = "s" (i % 3); st = (i % 11 == 0) ? 503 : (i % 7 == 0) ? 404 : (i % 13 == 0) ? 302 : 200
  tc = (i % 17 == 0) ? -1 : i % 5; tr = (i % 19 == 0) ? -1 : i % 300
  printf "10.0.0.1:1 [27/Nov/2026:10:00:00.000] fe be/%s 0/0/%d/%d/9 %d 10 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"\n", sv, tc, tr, st } }' > "$W/srv.log"
"$hz" --tables servers --format httplog --json "$W/srv.log" > "$W/srv.json"
for sv in s0 s1 s2; do
  want=$(awk -v sv="be/$sv" '{ split($5, t, "/") } $4 == sv { n++; c[substr($6, 1, 1)]++; if (t[3] >= 0) { tcs += t[3]; tcn++ } if (t[4] >= 0) { trs += t[4]; trn++ } }
    END { printf "%d %d %d %d %d %d %d %d %d", n, c["2"], c["3"], c["4"], c["5"], tcs, tcn, trs, trn }' "$W/srv.log")
  got=""; for k in requests "status 2xx" "status 3xx" "status 4xx" "status 5xx" connect_ms_total connect_count response_ms_total response_count; do
    got="$got $("$jget" "$W/srv.json" servers "be/$sv" $k)"; done
  check "server be/$sv" "$want" "${got# }"
  check "server be/$sv errors (5xx)" "$(echo "$want" | cut -d' ' -f5)" "$("$jget" "$W/srv.json" servers "be/$sv" errors)"
done

# --tables headers: the values of each captured-header slot, as awk counts them
awk 'BEGIN { for (i = 0; i < 1000; i++) printf "10.0.0.1:1 [27/Nov/2026:10:00:00.000] fe be/s1 0/0/1/1/1 200 10 - - ---- 1/1/0/0/0 0/0 {h%d.example|agent %d} {type%d} \"GET / HTTP/1.1\"\n", i % 3, i % 5, i % 2 }' > "$W/hdr.log"
"$hz" --tables headers --format httplog --json "$W/hdr.log" > "$W/hdr.json"
check "hr0 h1.example" "$(grep -c '{h1.example|' "$W/hdr.log")" "$("$jget" "$W/hdr.json" captured_headers "hr0 h1.example")"
check "hr1 agent 4" "$(grep -c '|agent 4}' "$W/hdr.log")" "$("$jget" "$W/hdr.json" captured_headers "hr1 agent 4")"
check "hs0 type1" "$(grep -c '{type1}' "$W/hdr.log")" "$("$jget" "$W/hdr.json" captured_headers "hs0 type1")"

# --tables certs: TLS lines per certificate subject and issuer, as awk wrote them
F='%ci:%cp [%t] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq {%{+Q}[ssl_c_s_dn(cn)],%{+Q}[ssl_c_i_dn(cn)],%[ssl_c_verify],%[ssl_fc_has_crt],%[ssl_fc_is_resumed]} %{+Q}r'
awk 'BEGIN { for (i = 0; i < 900; i++) { s = (i % 3 == 0) ? "alice" : (i % 3 == 1) ? "bob" : "carol \\\"c\\\""; is = (i % 4 == 0) ? "Rogue CA" : "App Intermediate"
  printf "10.0.0.1:1 [27/Nov/2026:10:00:00.000] fe~ be/s1 0/0/1/1/1 200 10 - - ---- 1/1/0/0/0 0/0 {\"%s\",\"%s\",0,1,0} \"GET / HTTP/1.1\"\n", s, is } }' > "$W/certs.log"
"$hz" --tables certs --format "$F" --json "$W/certs.log" > "$W/certs.json"
check "all TLS lines parsed" 900 "$("$jget" "$W/certs.json" tls lines)"
check "subject alice" 300 "$("$jget" "$W/certs.json" certificates subjects alice)"
check "subject with an escaped quote" 300 "$("$jget" "$W/certs.json" certificates subjects 'carol \"c\"')"
check "issuer Rogue CA" 225 "$("$jget" "$W/certs.json" certificates issuers "Rogue CA")"
check "issuer App Intermediate" 675 "$("$jget" "$W/certs.json" certificates issuers "App Intermediate")"

# the HTML report draws the same tables
"$hz" --tables all --format httplog -q --html "$W/t.html" -o /dev/null "$W/small.log"
for id in t-urls t-clients t-timers t-servers; do grep -q "id=\"$id\"" "$W/t.html" && ok || bad "HTML: no table $id"; done
# (all 40 URLs have 125 requests: the first 20 by name are shown, /app/p0 first)
r0=$(awk '$1 == "url" && $2 == "/app/p0" { print $3 }' "$W/truth")
grep -q "<td class=\"k\">/app/p0</td><td class=\"n\">$r0</td>" "$W/t.html" && ok || bad "HTML: /app/p0 row without its $r0 requests"

# peak memory: a million distinct URLs and clients against a million lines
# of 40 URLs and 30 clients, with --max-keys 1000: the same ceiling
command -v /usr/bin/time > /dev/null || { bad "/usr/bin/time is missing (package time, .ci/deps --test)"; }
gen 1000000 1000000 1000000 "$W/distinct.log" ""
gen 1000000 40 30 "$W/few.log" ""
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=8"
/usr/bin/time -f %M -o "$W/rss.distinct" "$hz" -j1 --tables all --max-keys 1000 --format httplog -q --json -o "$W/d.json" "$W/distinct.log"
/usr/bin/time -f %M -o "$W/rss.few" "$hz" -j1 --tables all --max-keys 1000 --format httplog -q --json -o "$W/few.json" "$W/few.log"
check "a million lines read" 1000000 "$("$jget" "$W/d.json" input requests)"
rd=$(tail -n 1 "$W/rss.distinct") rf=$(tail -n 1 "$W/rss.few")
echo "peak RSS: $rd KiB with a million distinct URLs and clients, $rf KiB with 40 and 30"
[ $((rd - rf)) -lt 40960 ] && ok || bad "peak memory grows with distinct keys: $rd KiB against $rf KiB (ceiling +40 MiB)"
[ "$("$jget" "$W/d.json" key_limit folded_keys)" -ge 1900000 ] && ok || bad "folded keys: $("$jget" "$W/d.json" key_limit folded_keys)"

echo "tables: $pass passed, $fail failed"
[ "$fail" = 0 ]
