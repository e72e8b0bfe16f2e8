#!/usr/bin/env bash
# Out of memory, exit 70: allocations made to fail by an LD_PRELOAD shim
# (tests/failmalloc.c) in an unsanitized halyze (HZ_PLAIN; ASan owns malloc,
# and ulimit -v does not mix with it). For each command below, the Nth
# allocation fails, for N from 1 to past the last one the command makes:
#   - from the Nth on (memory gone for good): halyze says "out of memory"
#     (or the C library's "Cannot allocate memory") and exits 70, or, when
#     the failure cost nothing (an allocation it can do without), exits 0
#     with exactly the output of a normal run;
#   - only the Nth (memory back at once): the same two outcomes.
# Never a crash, a hang, another status or a wrong output with status 0.
# Then the big allocations alone: the reader's buffer, and tables growing
# (the diagnosis' too, which halyze maps itself).
# Usage: oom.sh HALYZE JGET SOURCE_DIR [JDIFF] (HZ_PLAIN, HZ_FAILMALLOC_SO in the environment)
set -u
src=$3
hz=${HZ_PLAIN:-} so=${HZ_FAILMALLOC_SO:-}
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
expect() { if [ "$1" = "$3" ]; then ok; else bad "$2: got '$3', expected '$1'"; fi; }
if [ -z "$hz" ] || [ ! -x "$hz" ] || [ -z "$so" ] || [ ! -f "$so" ]; then
  echo "FAIL: HZ_PLAIN='$hz' or HZ_FAILMALLOC_SO='$so' missing (see tests/CMakeLists.txt)"; exit 1
fi
if nm -D "$hz" 2>/dev/null | grep -q __asan_init; then
  echo "FAIL: $hz is built with AddressSanitizer: the shim cannot replace its malloc"; exit 1
fi
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
C=$src/testdata/sample/configs
cfgs=(--config "$C/haproxy-sample.cfg" --config "$C/haproxy-sample-run2.cfg" --config "$C/haproxy-sample-run3.cfg")
S=$src/testdata/sample/haproxy-2.6-raw.log
gzip -c < "$S" > "$W/sample.log.gz"
head -n 20 "$S" > "$W/p1.log"; tail -n +21 "$S" > "$W/p2.log"
"$hz" "${cfgs[@]}" -q --partial "$W/p1.json" "$W/p1.log" > /dev/null || bad "--partial p1"
"$hz" "${cfgs[@]}" -q --partial "$W/p2.json" "$W/p2.log" > /dev/null || bad "--partial p2"

# the shim itself: it counts, and it fails what it is told to
LD_PRELOAD=$so HZ_FAILMALLOC_LOG=$W/count "$hz" --version > /dev/null
[ -s "$W/count" ] && [ "$(cat "$W/count")" -gt 0 ] && ok || bad "the shim counted no allocation"

runs=0
# sweep NAME ARGS...: the sweep described above, on one command
sweep() {
  local name=$1 total n mode st step want
  shift
  "$hz" "$@" > "$W/want" 2> /dev/null; want=$?
  expect 0 "$name: normal run" "$want"
  LD_PRELOAD=$so HZ_FAILMALLOC_LOG=$W/count "$hz" "$@" > /dev/null 2>&1
  total=$(cat "$W/count")
  # every N up to 40 (start-up), then about 40 spread over the rest
  step=$(( (total - 40) / 40 )); [ $step -lt 1 ] && step=1
  n=1
  while [ "$n" -le $((total + 1)) ]; do
    for mode in "" ":1"; do
      LD_PRELOAD=$so HZ_FAILMALLOC=$n$mode timeout 30 "$hz" "$@" > "$W/out" 2> "$W/err" < /dev/null; st=$?
      runs=$((runs + 1))
      if [ "$st" = 70 ]; then
        if grep -qE '^halyze: (.*: )?(out of memory|cannot allocate|.*Cannot allocate memory)' "$W/err"; then ok; else
          bad "$name, allocation $n$mode: exit 70 without a message: $(head -c 300 "$W/err")"; fi
      elif [ "$st" = 0 ]; then
        if cmp -s "$W/out" "$W/want"; then ok; else
          bad "$name, allocation $n$mode: exit 0 with an output that differs from a normal run"; fi
      else
        bad "$name, allocation $n$mode: exit $st ($(head -c 300 "$W/err"))"
      fi
    done
    if [ "$n" -lt 40 ]; then n=$((n + 1)); else n=$((n + step)); fi
  done
  echo "$name: $total allocations"
}

sweep "JSON summary with --config and --rules" --json "${cfgs[@]}" --rules "$src/testdata/rules/http.rules" -q "$S"
sweep "text summary of gzip input" "${cfgs[@]}" --rules "$src/testdata/rules/tls.rules" -q "$W/sample.log.gz"
sweep "--events" "${cfgs[@]}" --events -q "$S"
sweep "default formats, --partial to stdout" -q --partial - "$S"
sweep "merge" merge --json "$W/p1.json" "$W/p2.json"
sweep "lint" lint --json "$C/haproxy-sample.cfg"
sweep "two threads, two inputs in slices" -j 2 --slice-size 4096 --json "${cfgs[@]}" -q "$W/p1.log" "$W/p2.log" "$S"
echo "sweeps: $runs runs"

# The big allocations alone (HZ_FAILMALLOC_MIN: only those of at least 256
# KiB count), each refused in turn.
LD_PRELOAD=$so HZ_FAILMALLOC_MIN=262144 HZ_FAILMALLOC_LOG=$W/count "$hz" --json -q "$S" > /dev/null 2>&1
big=$(cat "$W/count")
for n in $(seq 1 "$big"); do
  LD_PRELOAD=$so HZ_FAILMALLOC_MIN=262144 HZ_FAILMALLOC=$n:1 "$hz" --json -q "$S" > /dev/null 2> "$W/err"; st=$?
  expect 70 "256 KiB allocation $n: exit ($(head -c 200 "$W/err"))" "$st"
  grep -qE '^halyze: (.*: )?(out of memory|cannot allocate)' "$W/err" && ok || bad "256 KiB allocation $n: message: $(head -c 300 "$W/err")"
done
# the reader's buffer: with --max-line 1G it is the one allocation of 1 GiB
# (one thread names it; the parallel scan says only "out of memory")
LD_PRELOAD=$so HZ_FAILMALLOC_MIN=1073741824 HZ_FAILMALLOC=1 "$hz" -j 1 --max-line 1G --json -q "$S" > /dev/null 2> "$W/err"; st=$?
expect 70 "reader buffer: exit ($(head -c 200 "$W/err"))" "$st"
grep -qE "^halyze: .*haproxy-2.6-raw.log: cannot allocate a [0-9]+-byte line buffer" "$W/err" && ok ||
  bad "reader buffer: message: $(head -c 300 "$W/err")"
LD_PRELOAD=$so HZ_FAILMALLOC_MIN=1073741824 HZ_FAILMALLOC=1 "$hz" -j 2 --max-line 1G --json -q "$S" > /dev/null 2> "$W/err"; st=$?
expect 70 "reader buffer, -j 2: exit ($(head -c 200 "$W/err"))" "$st"
grep -qE '^halyze: (.*: )?(out of memory|cannot allocate)' "$W/err" && ok || bad "reader buffer, -j 2: message: $(head -c 300 "$W/err")"
# tables that grow past 64 KiB on 20000 distinct servers (hz_countmap): from
# the first such growth on, every big allocation fails
L='10.0.0.1:4000 [27/Nov/2026:04:16:05.870] fe be'
awk -v l="$L" 'BEGIN { for (i = 0; i < 20000; i++) printf "%s/s%d 0/0/0/0/0 200 10 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"\n", l, i }' > "$W/servers.log"
"$hz" --format httplog --json "$W/servers.log" > "$W/servers.json" 2> /dev/null; st=$?
expect 0 "20000 servers: normal run" "$st"
expect 20000 "20000 servers: requests" "$("$2" "$W/servers.json" input requests)"
LD_PRELOAD=$so HZ_FAILMALLOC_MIN=65536 HZ_FAILMALLOC_LOG=$W/count "$hz" --format httplog --json "$W/servers.log" > /dev/null 2>&1
big=$(cat "$W/count")
[ "$big" -ge 3 ] && ok || bad "20000 servers: only $big allocations of 64 KiB or more"
for n in $(seq 2 "$big"); do
  LD_PRELOAD=$so HZ_FAILMALLOC_MIN=65536 HZ_FAILMALLOC=$n timeout 30 "$hz" --format httplog --json "$W/servers.log" > /dev/null 2> "$W/err"; st=$?
  expect 70 "20000 servers, big allocation $n: exit ($(head -c 200 "$W/err"))" "$st"
  grep -qE '^halyze: (.*: )?(out of memory|cannot allocate)' "$W/err" && ok || bad "20000 servers, big allocation $n: message: $(head -c 300 "$W/err")"
done

# the diagnosis' tables past 256 KiB, mapped by halyze itself (src/bigmem.c;
# the shim fails anonymous mmap too): 30000 TLS lines, each from its own
# client, half of them full handshakes with a certificate (remembered for
# session tracing), half resumptions without one (a rule's groups)
FMT='%ci:%cp [%tr] %ft %ST {%[ssl_fc_has_crt],%[ssl_fc_is_resumed],%[ssl_c_used],%{+Q}[ssl_c_s_dn(cn)],%[ssl_c_serial,hex]}'
awk 'BEGIN { for (i = 0; i < 30000; i++)
  printf "10.%d.%d.%d:4000 [27/Nov/2026:04:16:05.870] fe~ 200 {%d,%d,1,\"user%d\",%04X}\n",
    int(i / 65536) % 256, int(i / 256) % 256, i % 256, (i + 1) % 2, i % 2, int(i / 2), int(i / 2) }' > "$W/tls.log"
"$hz" --format "$FMT" --json "$W/tls.log" > "$W/tls.want" 2> /dev/null; st=$?
expect 0 "30000 TLS lines: normal run" "$st"
expect 15000 "30000 TLS lines: full handshakes with a certificate" "$("$2" "$W/tls.want" tls full_with_cert)"
expect 15000 "30000 TLS lines: resumed without a certificate" "$("$2" "$W/tls.want" tls resumed_without_cert)"
for j in 1 2; do
  LD_PRELOAD=$so HZ_FAILMALLOC_MIN=262144 HZ_FAILMALLOC_LOG=$W/count "$hz" -j $j --format "$FMT" --json "$W/tls.log" > /dev/null 2>&1
  big=$(cat "$W/count")
  [ "$big" -ge 3 ] && ok || bad "30000 TLS lines, -j $j: only $big allocations of 256 KiB or more"
  for n in $(seq 1 "$big"); do
    for mode in "" ":1"; do
      LD_PRELOAD=$so HZ_FAILMALLOC_MIN=262144 HZ_FAILMALLOC=$n$mode timeout 60 "$hz" -j $j --format "$FMT" --json "$W/tls.log" > "$W/out" 2> "$W/err"; st=$?
      if [ "$st" = 70 ] && grep -qE '^halyze: (.*: )?(out of memory|cannot allocate)' "$W/err"; then ok
      elif [ "$st" = 0 ] && cmp -s "$W/out" "$W/tls.want"; then ok
      else bad "30000 TLS lines, -j $j, big allocation $n$mode: exit $st ($(head -c 200 "$W/err"))"; fi
    done
  done
done

echo "oom: $pass passed, $fail failed"
[ $fail = 0 ]
