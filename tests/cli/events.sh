#!/usr/bin/env bash
# --events (NDJSON), --fields, --format-explain, and format/config errors.
# Usage: events.sh HALYZE JGET SOURCE_DIR
set -u
hz=$1 jget=$2 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
expect() { # expect WANT DESCRIPTION GOT
  if [ "$1" = "$3" ]; then ok; else bad "$2: got '$3', expected '$1'"; fi
}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
ref=${HZ_REFERENCE:-$src/../shared/reference}
C=$src/testdata/sample/configs
sample="$src/testdata/sample/haproxy-2.6-raw.log"
cfgs=(--config "$C/haproxy-sample.cfg" --config "$C/haproxy-sample-run2.cfg" --config "$C/haproxy-sample-run3.cfg")

# one event per request: 50 of the 55 lines (hand count in testdata/sample-config/expect)
"$hz" "${cfgs[@]}" --events "$sample" > "$W/ev.ndjson" 2> "$W/err"; st=$?
expect 0 "--events exit" "$st"
expect 50 "--events line count" "$(wc -l < "$W/ev.ndjson")"
# line 1 of the sample, read by eye:
# 127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0
#   {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} "GET /index.html HTTP/1.1"
j() { "$jget" -l "$1" "$W/ev.ndjson" "${@:2}"; }
expect 1 "event 1 line" "$(j 1 line)"
expect fe_http "event 1 format" "$(j 1 format)"
expect 127.0.0.1 "event 1 client_ip" "$(j 1 client_ip)"
expect 59294 "event 1 client_port" "$(j 1 client_port)"
expect fe_http "event 1 frontend" "$(j 1 frontend)"
expect false "event 1 frontend_tls" "$(j 1 frontend_tls)"
expect be_app "event 1 backend" "$(j 1 backend)"
expect 200 "event 1 status" "$(j 1 status)"
expect 77 "event 1 bytes_read" "$(j 1 bytes_read)"
expect null "event 1 captured_request_cookie" "$(j 1 captured_request_cookie)"
expect "127.0.0.1:18080|curl/lab #22quoted#22 UA" "event 1 captured_request_headers" "$(j 1 captured_request_headers)"
expect "GET /index.html HTTP/1.1" "event 1 request" "$(j 1 request)"
expect GET "event 1 method" "$(j 1 method)"
expect /index.html "event 1 path" "$(j 1 path)"
expect "----" "event 1 termination" "$(j 1 termination_state)"
# line 4: be_dead/dead1 0/0/-1/-1/3004 503: timers of phases that never happened are -1
expect -1 "event 4 time_connect" "$(j 4 time_connect)"
expect 3004 "event 4 time_active" "$(j 4 time_active)"
# the fe_ssldetail events (lines 27-32 of the sample are events 25-30 here: lines
# 13-26 are all requests, 15 is the Connect from message)
n=$(grep -n '"format":"fe_ssldetail"' "$W/ev.ndjson" | head -1 | cut -d: -f1)
expect 27 "first fe_ssldetail event's line" "$(j "$n" line)"
expect "/C=US/O=Clients/CN=alice client" "ssl_c_s_dn" "$(j "$n" ssl_c_s_dn)"
expect "Example Root CA" "ssl_c_i_dn(CN)" "$(j "$n" "ssl_c_i_dn(CN)")"
expect 1A2B3C "ssl_c_serial,hex" "$(j "$n" "ssl_c_serial,hex")"
expect null "ssl_fc_session_id,hex on a fresh TLS 1.2 handshake (sid=-)" "$(j "$n" "ssl_fc_session_id,hex")"
# logasap: line 46 "0/0/0/0/+0 200 +77": the '+' is dropped from numbers
n=$(grep -n '"line":46,' "$W/ev.ndjson" | cut -d: -f1)
expect 77 "logasap +77 as a number" "$(j "$n" bytes_read)"

# --fields: order and selection, a bracketed sample with a comma
"$hz" "${cfgs[@]}" --events --fields 'client_ip,ST,[ssl_c_serial,hex]' "$sample" > "$W/f.ndjson"; st=$?
expect 0 "--fields exit" "$st"
line1=$(head -1 "$W/f.ndjson")
expect '{"file":"'"$sample"'","line":1,"format":"fe_http","client_ip":"127.0.0.1","ST":200}' "--fields line 1" "$line1"
grep -q '"ssl_c_serial,hex":"1A2B3C"' "$W/f.ndjson" && ok || bad "--fields [ssl_c_serial,hex]"
"$hz" "${cfgs[@]}" --events --fields 'client_ip,no_such_field' "$sample" > "$W/out" 2> "$W/err"; st=$?
expect 2 "--fields with an unknown name" "$st"
grep -q "no_such_field" "$W/err" && ok || bad "--fields error names the field"
"$hz" --fields status "$sample" > /dev/null 2>&1; st=$?
expect 2 "--fields without --events" "$st"

# --events with -o: events on stdout, the summary in the file
"$hz" "${cfgs[@]}" --events --json -o "$W/sum.json" "$sample" > "$W/ev2.ndjson"; st=$?
expect 0 "--events -o exit" "$st"
expect 50 "--events -o summary requests" "$("$jget" "$W/sum.json" input requests)"
expect 50 "--events -o event count" "$(wc -l < "$W/ev2.ndjson")"

# hostile bytes in a URL stay inside valid JSON
printf '1.2.3.4:5 [27/Nov/2026:04:16:05.870] fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 "GET /\033]0;pwned\007\377x HTTP/1.1"\n' > "$W/hostile.log"
"$hz" --format httplog --events "$W/hostile.log" > "$W/h.ndjson"; st=$?
expect 0 "hostile --events exit" "$st"
expect '/]0;pwned\xFFx' "hostile path decoded by a JSON parser" "$("$jget" -l 1 "$W/h.ndjson" path | tr -d '\033\007')"
grep -q $'\033' "$W/h.ndjson" && bad "raw ESC in NDJSON" || ok

# --format-explain: fields, names, types; no input read
"$hz" --format httplog --format-explain > "$W/explain" < /dev/null; st=$?
expect 0 "--format-explain exit" "$st"
grep -qE '^ +11 +%ST +status +integer' "$W/explain" && ok || bad "--format-explain lists %ST as field 11: $(cat "$W/explain")"
grep -qE '%\[ssl_c_i_dn\(cn\)\] +\(by expression\) +sample +Q' <("$hz" --config "$C/haproxy-sample.cfg" --format-explain) && ok || bad "--format-explain shows samples"

# format and config errors: exit 5, with the position
"$hz" --format '%ci %XYZ' "$sample" > /dev/null 2> "$W/err"; st=$?
expect 5 "bad --format exit" "$st"
grep -q "column 5" "$W/err" && ok || bad "bad --format names column 5: $(cat "$W/err")"
printf 'frontend x\n  log-format "%%ci\n' > "$W/bad.cfg"
"$hz" --config "$W/bad.cfg" "$sample" > /dev/null 2> "$W/err"; st=$?
expect 5 "bad --config exit" "$st"
grep -q "bad.cfg:2:" "$W/err" && ok || bad "bad --config names line 2: $(cat "$W/err")"
"$hz" --config "$W/none.cfg" "$sample" > /dev/null 2> "$W/err"; st=$?
expect 5 "missing --config exit" "$st"

# a rules file with an error: exit 5, with line and column (the file says 6:33)
"$hz" --rules "$src/testdata/rules/bad.rules" "$sample" > /dev/null 2> "$W/err"; st=$?
expect 5 "bad --rules exit" "$st"
grep -q "bad.rules:6:33: " "$W/err" && ok || bad "bad --rules names 6:33: $(cat "$W/err")"
"$hz" --rules "$W/none.rules" "$sample" > /dev/null 2> "$W/err"; st=$?
expect 5 "missing --rules exit" "$st"
# a catastrophic pattern ends quickly, as a counted limit error, not a hang
printf 'rule redos info when request =~ /^(a+)+$/\n' > "$W/redos.rules"
{ for i in $(seq 1 200); do
    printf '1.2.3.4:5 [27/Nov/2026:04:16:05.870] fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 "%sb"\n' "$(printf 'a%.0s' $(seq 1 40))"
  done; } > "$W/redos.log"
start=$SECONDS
"$hz" --format httplog --rules "$W/redos.rules" --json "$W/redos.log" > "$W/redos.json" 2> "$W/err"; st=$?
expect 0 "catastrophic regex exit" "$st"
[ $((SECONDS - start)) -lt 20 ] && ok || bad "catastrophic regex took $((SECONDS - start)) s"
grep -q "rule redos: 200 regex matches stopped by the PCRE2 match or depth limit" "$W/err" && ok \
  || bad "the limit errors are reported: $(cat "$W/err")"

echo "events: $pass passed, $fail failed"
[ $fail = 0 ]
