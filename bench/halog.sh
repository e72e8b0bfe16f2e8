#!/usr/bin/env bash
# bench/halog.sh: every halog output mode, halog and `halyze halog` side by side
# in one hyperfine run on the 2M-line default-format log, and the throughput
# ratio per mode (target: >= 1.0, i.e. halyze at least as fast as halog).
#
# Environment: the same as run.sh (HALYZE, HZ_GENLOG, HZ_BENCH_DIR,
# HZ_BENCH_LINES, HZ_BENCH_SEED, HZ_BENCH_RUNS, HZ_BENCH_WARMUP); the log is
# shared with run.sh's cache. HZ_HALOG_MODES overrides the list of modes
# (space-separated, `_` for a space inside a mode: "-st -hdr_1:1").
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
HALYZE=${HALYZE:-$root/build/halyze}
GENLOG=${HZ_GENLOG:-$root/build/bench/hz_genlog}
DIR=${HZ_BENCH_DIR:-/tmp/halyze-bench}
LINES=${HZ_BENCH_LINES:-2000000}
SEED=${HZ_BENCH_SEED:-1}
RUNS=${HZ_BENCH_RUNS:-5}
WARMUP=${HZ_BENCH_WARMUP:-1}

die() { echo "halog.sh: $*" >&2; exit 1; }
note() { echo "halog.sh: $*" >&2; }

command -v hyperfine >/dev/null || die "hyperfine is required (apt-get install hyperfine)"
HALOG=$(command -v halog 2>/dev/null || true)
for p in /usr/sbin/halog /usr/bin/halog /usr/local/sbin/halog; do
	[ -z "$HALOG" ] && [ -x "$p" ] && HALOG=$p
done
[ -n "$HALOG" ] || die "halog is required (apt-get install haproxy)"
[ -x "$HALOG" ] || die "halog not executable: $HALOG"
[ -x "$HALYZE" ] || die "halyze not found at $HALYZE (cmake --build build, or set HALYZE)"
[ -x "$GENLOG" ] || die "hz_genlog not found at $GENLOG (cmake --build build --target hz_genlog)"

mkdir -p "$DIR"
LOG=$DIR/httplog.log
src_sum=$(cksum <"$here/genlog.c" | cut -d' ' -f1)
stamp="lines=$LINES seed=$SEED genlog=$src_sum"
if ! { [ -s "$LOG" ] && [ "$(cat "$LOG.stamp" 2>/dev/null)" = "$stamp" ]; }; then
	note "generating $LINES lines of httplog into $LOG"
	rm -f "$LOG" "$LOG.gz" "$LOG.stamp"
	"$GENLOG" --lines "$LINES" --kind httplog --seed "$SEED" --counts >"$LOG.tmp" 2>"$LOG.counts"
	mv "$LOG.tmp" "$LOG"
	gzip -6 -k -f "$LOG"
	echo "$stamp" >"$LOG.stamp"
fi
BYTES=$(wc -c <"$LOG" | tr -d ' ')

modes=(-c -u -uc -ue -ua -ut -uao -uto -uba -ubt -hdr_1:1 -cc -gt -pct -st -tc -srv -ic -e -ad_10)
[ -n "${HZ_HALOG_MODES:-}" ] && read -r -a modes <<<"$HZ_HALOG_MODES"

q() { printf '%q' "$1"; }
args=()
for m in "${modes[@]}"; do
	m=${m//_/ }
	args+=(-n "halog $m" "$(q "$HALOG") -q $m < $(q "$LOG") > /dev/null")
	args+=(-n "halyze halog $m" "$(q "$HALYZE") halog -q $m $(q "$LOG") > /dev/null")
done

JSON=$DIR/halog-hyperfine.json
note "timing ${#modes[@]} modes x 2 commands: $WARMUP warm-up + $RUNS runs each"
hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json "$JSON" "${args[@]}" >&2

RESULTS=$DIR/halog-results.md
python3 - "$JSON" "$BYTES" "$LINES" >"$RESULTS" <<'EOF'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
size, lines = int(sys.argv[2]), sys.argv[3]
print("| mode | halog (s) | halyze halog (s) | halyze MB/s | ratio | ≥ 1.0× halog |")
print("|---|---:|---:|---:|---:|---|")
for name, r in res.items():
    if not name.startswith("halog "):
        continue
    mode = name[len("halog "):]
    z = res.get("halyze halog " + mode)
    if not z:
        continue
    ratio = r["mean"] / z["mean"]
    print("| `%s` | %.3f ± %.3f | %.3f ± %.3f | %.0f | %.2f | %s |" % (
        mode, r["mean"], r["stddev"] or 0, z["mean"], z["stddev"] or 0,
        size / z["mean"] / 1e6, ratio, "PASS" if ratio >= 1.0 else "FAIL"))
EOF
{
	echo
	echo "- $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- $("$HALYZE" --version | head -n1); halog from $(haproxy -v 2>/dev/null | head -n1 || echo "$HALOG")"
	echo "- $LOG: $LINES lines, $BYTES bytes; halog reads it on stdin, halyze by name; $WARMUP warm-up + $RUNS runs"
} >>"$RESULTS"
cat "$RESULTS"
note "written to $RESULTS (raw: $JSON)"
