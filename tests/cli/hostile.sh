#!/usr/bin/env bash
# Hostile logs: every line counted once, nothing raw reaching the terminal,
# JSON output valid UTF-8, no crash, no early stop. Expected counts are by
# construction of the input below.
# Usage: hostile.sh HALYZE JGET SOURCE_DIR [JDIFF]
set -u
hz=$1 jget=$2
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
expect() { if [ "$1" = "$3" ]; then ok; else bad "$2: got '$3', expected '$1'"; fi; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
L='1.2.3.4:5 [27/Nov/2026:04:16:05.870]'
{
  # 1-3 requests with terminal escapes (CSI colour, OSC title, C1 CSI byte) in the URL
  printf '%s fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 "GET /\033[31mred HTTP/1.1"\n' "$L"
  printf '%s fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 "GET /\033]0;owned\007 HTTP/1.1"\n' "$L"
  printf '%s fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 "GET /\233c HTTP/1.1"\n' "$L"
  # 4 a request whose frontend name holds an escape and invalid UTF-8
  printf '%s f\033[2J\377e be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"\n' "$L"
  # 5 a connection error whose frontend holds a bidi override
  printf '%s fe\342\200\256x/b: SSL handshake failure\n' "$L"
  # 6 binary garbage, 7 a line cut in the middle of a field, 8 quotes and braces
  head -c 300 /dev/urandom | tr -d '\n' ; printf '\n'
  printf '%s fe be/s 0/0/0/0/0 2\n' "$L"
  printf '%s fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 {"}{|} "GET /" HTTP/1.1"\n' "$L"
  # 9 a 10 MB line (over the default 64K limit), 10 a line after it
  head -c 10000000 /dev/zero | tr '\0' 'A'; printf '\n'
  printf '%s fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 "GET /after HTTP/1.1"\n' "$L"
} > "$W/hostile.log"
: > "$W/empty.log"
: > "$W/empty.gz"
printf '%s fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 "GET /gz HTTP/1.1"\n' "$L" | gzip -c > "$W/tail.gz"
printf 'NOT GZIP\n' >> "$W/tail.gz"

"$hz" --json --samples 20 "$W/hostile.log" "$W/empty.log" "$W/empty.gz" "$W/tail.gz" > "$W/out.json" 2> "$W/err"; st=$?
expect 1 "exit status (tail.gz has garbage after its member)" "$st"
j() { "$jget" "$W/out.json" "$@"; }
expect 11 "lines (10 + 0 + 0 + 1)" "$(j input lines)"
# requests: 1-4 (escapes are bytes like any other in a name or URL), 10, and the
# gzip line; 8 has a raw quote inside %r, which HAProxy never writes (#22): unparsed
expect 6 "requests" "$(j input requests)"
expect 1 "connection errors" "$(j input connection_errors)"
expect 4 "unparsed (6, 7, 8, 9)" "$(j input unparsed)"
expect 1 "overlong" "$(j input unparsed_reasons overlong)"
expect "garbage after gzip data (member 1 ends at text byte $(gzip -dc "$W/tail.gz" 2>/dev/null | wc -c))" "tail.gz error" "$(j input files 3 error)"
expect 0 "empty.gz lines" "$(j input files 2 lines)"
# the JSON is valid UTF-8 (jget parsed it); the invalid byte became the text \xFF
j frontends | grep -q "object" && ok || bad "frontends"
if LC_ALL=C grep -qP '\x1b' "$W/out.json"; then bad "a raw ESC byte in the JSON"; else ok; fi
grep -qF 'f\u001B[2J\\xFFe' "$W/out.json" && ok || bad "frontend name escaped in JSON: $(grep -a 'f.u001B' "$W/out.json" | head -2)"

# the text summary: no control byte from the logs reaches the terminal
"$hz" --samples 20 "$W/hostile.log" > "$W/text" 2> "$W/err"
if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$W/text"; then bad "a raw control byte in the text output"; else ok; fi
# decoded as UTF-8 (a byte like 0x9B is fine inside a valid character such as U+06DB)
iconv -f UTF-8 -t UTF-8 "$W/text" > /dev/null 2>&1 && ok || bad "the text output is not valid UTF-8"
if LC_ALL=C.UTF-8 grep -qP '[\x{80}-\x{9f}\x{200e}\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}]' "$W/text"; then
  bad "a C1 or bidi control character in the text output"; else ok; fi
grep -qF 'fe\u{202E}x' "$W/text" && ok || bad "bidi override shown escaped"
grep -qF 'f\x1B[2J\xFFe' "$W/text" && ok || bad "ESC and an invalid byte shown escaped in the frontend table"
if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$W/err"; then bad "a raw control byte on stderr"; else ok; fi

# a path with an escape in it is escaped too, on stderr
bad_name=$(printf '%s/x\033[31m.log' "$W")
"$hz" "$bad_name" > /dev/null 2> "$W/err"
if LC_ALL=C grep -qP '\x1b' "$W/err"; then bad "raw ESC from a file name on stderr"; else ok; fi

# a frontend name holding a NUL byte and invalid UTF-8 (found by
# fuzz_scan): the JSON summary is written, and its series name the frontend
# once, as its frontends table does (the series split their keys at the
# last NUL: the frontend's bytes come before it)
printf '%s f\000e\377 be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"\n' "$L" > "$W/nul.log"
"$hz" --json --format httplog "$W/nul.log" > "$W/nul.json" 2> "$W/err"
expect 0 "a NUL in a frontend: exit ($(head -c 200 "$W/err"))" "$?"
expect 1 "a NUL in a frontend: requests" "$("$jget" "$W/nul.json" input requests)"
expect "object 1" "a NUL in a frontend: frontends" "$("$jget" "$W/nul.json" frontends)"
expect "object 2" "a NUL in a frontend: the series' frontends (it and (all))" "$("$jget" "$W/nul.json" series frontends)"
expect 1 "a NUL in a frontend: the series of all frontends" "$("$jget" "$W/nul.json" series frontends '(all)' requests 0)"

echo "hostile: $pass passed, $fail failed"
[ $fail = 0 ]
