#!/usr/bin/env bash
# bench/run.sh: times halyze against wc, cat, zcat, igzip and halog on large
# generated HAProxy logs, in one hyperfine run, and prints a throughput table.
#
# Environment:
#   HALYZE           the halyze command (default: <repo>/build/halyze)
#   HZ_GENLOG        the generator (default: <repo>/build/bench/hz_genlog)
#   HZ_BENCH_DIR     where the logs are cached and results written (default /tmp/halyze-bench)
#   HZ_BENCH_LINES   lines per generated log (default 2000000)
#   HZ_BENCH_SEED    generator seed (default 1)
#   HZ_BENCH_RUNS    timed runs per command (default 5)
#   HZ_BENCH_WARMUP  warm-up runs per command (default 1)
#   HZ_BENCH_PAIRS   rounds of the paired timing of each target row (default 7; 0: none)
# See bench/README.md for what each row measures and the targets.
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
PAIRS=${HZ_BENCH_PAIRS:-7}

die() { echo "run.sh: $*" >&2; exit 1; }
note() { echo "run.sh: $*" >&2; }

# --- tools -------------------------------------------------------------------

apt_install() {
	local sudo=
	[ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null && sudo=sudo; } || return 1
	command -v apt-get >/dev/null || return 1
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get install -y -qq "$@" >/dev/null 2>&1 ||
		{ $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq "$@" >/dev/null 2>&1; }
}

find_halog() {
	command -v halog 2>/dev/null && return 0
	local p
	for p in /usr/sbin/halog /usr/bin/halog /usr/local/sbin/halog /usr/local/bin/halog; do
		[ -x "$p" ] && { echo "$p"; return 0; }
	done
	return 1
}

command -v hyperfine >/dev/null || { note "installing hyperfine"; apt_install hyperfine || true; }
command -v hyperfine >/dev/null || die "hyperfine is required (apt-get install hyperfine)"
HALOG=$(find_halog) || { note "installing haproxy (for halog)"; apt_install haproxy || true; HALOG=$(find_halog) || HALOG=; }
[ -n "$HALOG" ] || note "halog not found: its rows are skipped"
IGZIP=$(command -v igzip 2>/dev/null || true)
[ -n "$IGZIP" ] || note "igzip not found (package isal): its rows are skipped"
for t in gzip zcat wc cat awk; do command -v "$t" >/dev/null || die "$t is required"; done
TASKSET=$(command -v taskset 2>/dev/null || true)

# The halyze command: a path to an executable, or a command string.
if [ -x "$HALYZE" ] && [ ! -d "$HALYZE" ]; then
	hz=$(printf '%q' "$HALYZE")
else
	read -r hz_word _ <<<"$HALYZE"
	command -v "$hz_word" >/dev/null 2>&1 ||
		die "halyze not found at '$HALYZE': build it (cmake --build build) or set HALYZE"
	hz=$HALYZE
fi

if [ ! -x "$GENLOG" ]; then
	note "building hz_genlog"
	cmake --build "$root/build" --target hz_genlog >/dev/null || die "cannot build hz_genlog; run cmake first"
fi

# --- data (cached) -----------------------------------------------------------

mkdir -p "$DIR"
src_sum=$(cksum <"$here/genlog.c" | cut -d' ' -f1)

make_log() {  # kind
	local kind=$1 f="$DIR/$1.log"
	local stamp="lines=$LINES seed=$SEED genlog=$src_sum"
	if [ -s "$f" ] && [ -s "$f.gz" ] && [ "$(cat "$f.stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	note "generating $LINES lines of $kind into $f"
	rm -f "$f" "$f.gz" "$f.stamp"
	"$GENLOG" --lines "$LINES" --kind "$kind" --seed "$SEED" --counts >"$f.tmp" 2>"$f.counts"
	mv "$f.tmp" "$f"
	note "compressing $f (gzip -6)"
	gzip -6 -k -f "$f"
	echo "$stamp" >"$f.stamp"
}
make_log httplog
make_log ssl

HTTPLOG=$DIR/httplog.log
SSLLOG=$DIR/ssl.log
size_of() { wc -c <"$1" | tr -d ' '; }
HTTP_BYTES=$(size_of "$HTTPLOG")
SSL_BYTES=$(size_of "$SSLLOG")
q() { printf '%q' "$1"; }
H=$(q "$HTTPLOG") S=$(q "$SSLLOG")

# --- the rows ----------------------------------------------------------------
# Each row: group, name, role (ref|row), bytes, target. Each distinct name is
# timed once; a row may appear in several groups (halog -st).

declare -a R_GROUP R_NAME R_ROLE R_BYTES R_TARGET
declare -A CMD ONE_THREAD
add() {  # group name role bytes target command
	R_GROUP+=("$1"); R_NAME+=("$2"); R_ROLE+=("$3"); R_BYTES+=("$4"); R_TARGET+=("$5")
	CMD[$2]=$6
}

g="httplog, plain"
add "$g" "halyze --headers-only httplog.log" row "$HTTP_BYTES" "ratio>=0.5" "$hz --headers-only $H"
add "$g" "wc -l httplog.log" ref "$HTTP_BYTES" "" "wc -l $H"
add "$g" "cat httplog.log > /dev/null" row "$HTTP_BYTES" "" "cat $H > /dev/null"

g="httplog, gzip"
add "$g" "halyze --headers-only httplog.log.gz" row "$HTTP_BYTES" "ratio>=0.95" "$hz --headers-only $H.gz"
add "$g" "zcat httplog.log.gz > /dev/null" ref "$HTTP_BYTES" "" "zcat $H.gz > /dev/null"

g="ssl, plain"
add "$g" "halyze --headers-only ssl.log" row "$SSL_BYTES" "ratio>=0.5" "$hz --headers-only $S"
add "$g" "wc -l ssl.log" ref "$SSL_BYTES" "" "wc -l $S"
add "$g" "cat ssl.log > /dev/null" row "$SSL_BYTES" "" "cat $S > /dev/null"

g="ssl, gzip"
add "$g" "halyze --headers-only ssl.log.gz" row "$SSL_BYTES" "ratio>=0.95" "$hz --headers-only $S.gz"
add "$g" "zcat ssl.log.gz > /dev/null" ref "$SSL_BYTES" "" "zcat $S.gz > /dev/null"
[ -n "$IGZIP" ] && add "$g" "igzip -dc ssl.log.gz > /dev/null" row "$SSL_BYTES" "" "$(q "$IGZIP") -dc $S.gz > /dev/null"

# Each command is timed once, where it is first added: a reference is added
# just before its target row (halog here, igzip below), so that the two are
# timed one after the other, not minutes apart on a machine whose speed drifts.
g="httplog, full summary"
[ -n "$HALOG" ] && add "$g" "halog -st < httplog.log" ref "$HTTP_BYTES" "" "$(q "$HALOG") -st < $H"
add "$g" "halyze httplog.log" row "$HTTP_BYTES" "ratio>=1.0" "$hz $H"
add "$g" "halyze --json httplog.log" row "$HTTP_BYTES" "" "$hz --json $H"
# the summary issue 3 names (frontends, status, termination, servers), without
# what the TLS diagnosis adds to every run (per-minute series, the bad-request
# rule): what that part costs, no target of its own
add "$g" "halyze --no-diagnosis httplog.log" row "$HTTP_BYTES" "" "$hz --no-diagnosis $H"

g="ssl, full summary"
pin=; [ -n "$TASKSET" ] && pin="$(q "$TASKSET") -c 0 "
# The ssl logs are not in a predefined format: halyze is told theirs. The
# shell hyperfine runs reads bench/ssl.format, so the command stays short.
sslfmt="--format \"\$(cat $(q "$here/ssl.format"))\""
# the parser's target (issue 3): one core, so one thread; the diagnosis has
# its own row below
add "$g" "halyze -j1 --no-diagnosis --format ssl.log (one core)" row "$SSL_BYTES" "mbps>=1000" "$pin$hz -j1 --no-diagnosis $sslfmt $S"
add "$g" "halyze --json --format ssl.log" row "$SSL_BYTES" "" "$hz --json $sslfmt $S"
# Without --format every line fails the five predefined formats: what
# rejecting costs.
add "$g" "halyze ssl.log, no format (all rejected)" row "$SSL_BYTES" "" "$pin$hz -j1 $S"
# halog counts the 3-field ISO header with -s -1 (its -s is relative).
[ -n "$HALOG" ] && add "$g" "halog -st -s -1 < ssl.log" ref "$SSL_BYTES" "" "$(q "$HALOG") -st -s -1 < $S"

g="httplog, threads (full summary)"
add "$g" "halyze -j1 httplog.log" ref "$HTTP_BYTES" "" "$hz -j1 $H"
add "$g" "halyze -j2 httplog.log" row "$HTTP_BYTES" "ratio>=1.7" "$hz -j2 $H"

g="httplog gzip, full summary"
[ -n "$HALOG" ] && add "$g" "zcat httplog.log.gz | halog -st" ref "$HTTP_BYTES" "" "zcat $H.gz | $(q "$HALOG") -st"
add "$g" "halyze httplog.log.gz" row "$HTTP_BYTES" "ratio>=4" "$hz $H.gz"
if [ -n "$IGZIP" ]; then
	# igzip is timed here, right after halyze on the same file
	g2="httplog gzip, against igzip alone"
	add "$g2" "igzip -dc httplog.log.gz > /dev/null" ref "$HTTP_BYTES" "" "$(q "$IGZIP") -dc $H.gz > /dev/null"
	add "$g2" "halyze httplog.log.gz" row "$HTTP_BYTES" "ratio>=0.9" "$hz $H.gz"
fi

g="ssl, diagnosis cost (one thread)"
add "$g" "halyze -j1 --no-diagnosis --format ssl.log" ref "$SSL_BYTES" "" "$hz -j1 --no-diagnosis $sslfmt $S"
add "$g" "halyze -j1 --format ssl.log (all rules, tracing)" row "$SSL_BYTES" "ratio>=0.8" "$hz -j1 $sslfmt $S"
# both sides on one thread: their paired rounds run on the same CPU
ONE_THREAD["halyze -j1 --no-diagnosis --format ssl.log"]=1
ONE_THREAD["halyze -j1 --format ssl.log (all rules, tracing)"]=1
# the same with the default threads (the file in slices, tracing joined
# across them): what a user running it gets
g="ssl, diagnosis cost (default threads)"
add "$g" "halyze --no-diagnosis --format ssl.log" ref "$SSL_BYTES" "" "$hz --no-diagnosis $sslfmt $S"
add "$g" "halyze --format ssl.log (all rules, tracing)" row "$SSL_BYTES" "" "$hz $sslfmt $S"

# 100 partial summaries of 1% of httplog.log each, merged (target: < 1 s)
PARTS=$DIR/partials
if [ ! -s "$PARTS/099.json" ] || [ "$(cat "$PARTS/stamp" 2>/dev/null)" != "$(cat "$HTTPLOG.stamp")" ]; then
	note "writing 100 partial summaries into $PARTS"
	rm -rf "$PARTS"; mkdir -p "$PARTS"
	split -n l/100 -d -a 3 "$HTTPLOG" "$PARTS/part."
	for f in "$PARTS"/part.*; do
		sh -c "$hz -q --partial $(q "$PARTS/${f##*.}.json") -o /dev/null $(q "$f")"
		rm -f "$f"
	done
	cp "$HTTPLOG.stamp" "$PARTS/stamp"
fi
g="merge"
add "$g" "halyze merge --json (100 partials)" row "$HTTP_BYTES" "secs<1" "$hz merge --json $(q "$PARTS")/*.json > /dev/null"

# issue 5: every table in one pass against halog's six passes one after another
if [ -n "$HALOG" ]; then
	g="httplog, all tables in one pass"
	hl=$(q "$HALOG")
	add "$g" "halog -st; -tc; -srv; -pct; -u; -ic (six passes)" ref "$HTTP_BYTES" "" \
		"$hl -st < $H > /dev/null; $hl -tc < $H > /dev/null; $hl -srv < $H > /dev/null; $hl -pct < $H > /dev/null; $hl -u < $H > /dev/null; $hl -ic < $H > /dev/null"
	add "$g" "halyze --tables all httplog.log" row "$HTTP_BYTES" "ratio>=1.0" "$hz --tables all $H > /dev/null"
fi

# --- one hyperfine run -------------------------------------------------------

declare -A seen
hf_args=()
for name in "${R_NAME[@]}"; do
	[ -n "${seen[$name]:-}" ] && continue
	seen[$name]=1
	hf_args+=(-n "$name" "${CMD[$name]}")
done

JSON=$DIR/hyperfine.json
note "timing ${#seen[@]} commands: $WARMUP warm-up + $RUNS runs each"
hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json "$JSON" "${hf_args[@]}" >&2

# name<TAB>mean<TAB>stddev from the JSON: jq, else python3, else awk.
parse_json() {
	if command -v jq >/dev/null; then
		jq -r '.results[] | [.command, (.mean|tostring), ((.stddev // 0)|tostring)] | @tsv' "$1"
	elif command -v python3 >/dev/null; then
		python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%s\t%r\t%r" % (r["command"], r["mean"], r.get("stddev") or 0))' "$1"
	else
		awk '
		/"command":/ { sub(/^[^:]*: *"/, ""); sub(/", *$/, ""); name = $0; mean = ""; sd = 0; next }
		/"mean":/ && name != "" && mean == "" { v = $0; sub(/^[^:]*: */, "", v); sub(/,.*/, "", v); mean = v; next }
		/"stddev":/ && name != "" && mean != "" { v = $0; sub(/^[^:]*: */, "", v); sub(/,.*/, "", v); if (v != "null") sd = v
			print name "\t" mean "\t" sd; name = "" }
		' "$1"
	fi
}
MEANS=$DIR/means.tsv
parse_json "$JSON" >"$MEANS"
[ -s "$MEANS" ] || die "could not read $JSON"

# --- the table ---------------------------------------------------------------

ROWS=$DIR/rows.tsv
: >"$ROWS"
for i in "${!R_NAME[@]}"; do
	printf '%s\t%s\t%s\t%s\t%s\n' "${R_GROUP[$i]}" "${R_NAME[$i]}" "${R_ROLE[$i]}" "${R_BYTES[$i]}" "${R_TARGET[$i]}" >>"$ROWS"
done

hz_version=$(sh -c "$hz --version" 2>/dev/null | head -n1 || true)
[ -n "$hz_version" ] || hz_version="unknown ($HALYZE --version failed)"
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
[ -n "$cpu" ] || cpu=$(uname -m)
haproxy_v=$(haproxy -v 2>/dev/null | head -n1 || true)

RESULTS=$DIR/results.md
{
	echo "## halyze benchmark"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs, $cpu, $(uname -sr)"
	echo "- halyze: $hz_version"
	echo "- halog: ${HALOG:-absent}${haproxy_v:+ ($haproxy_v)}; igzip: ${IGZIP:-absent}; $(hyperfine --version)"
	echo "- data: $LINES lines each, seed $SEED: httplog.log $HTTP_BYTES bytes ($(size_of "$HTTPLOG.gz") gzipped), ssl.log $SSL_BYTES bytes ($(size_of "$SSLLOG.gz") gzipped)"
	echo "- $WARMUP warm-up + $RUNS runs per command; MB/s = uncompressed log bytes / mean time (10^6 bytes);"
	echo "  ratio = throughput / throughput of the group's reference (ref), so >= 1 means faster than the reference"
	echo
	awk -F'\t' -v OFS='\t' '
	NR == FNR { mean[$1] = $2; sd[$1] = $3; next }
	{
		g[++n] = $1; name[n] = $2; role[n] = $3; bytes[n] = $4; target[n] = $5
		if ($3 == "ref") ref[$1] = $2
	}
	END {
		print "| group | command | mean (s) | ± (s) | MB/s | ratio | target |"
		print "|---|---|---:|---:|---:|---:|---|"
		for (i = 1; i <= n; i++) {
			m = mean[name[i]]
			if (m == "") { printf "| %s | %s | not run | | | | |\n", g[i], name[i]; continue }
			mbps = bytes[i] / m / 1e6
			r = ref[g[i]]; rm = (r != "" ? mean[r] : "")
			ratio = (rm != "" && m > 0) ? sprintf("%.2f", rm / m) : "n/a"
			if (role[i] == "ref") ratio = "1.00 (ref)"
			t = target[i]; verdict = ""
			if (t ~ /^ratio>=/) {
				want = substr(t, 8) + 0
				verdict = (ratio == "n/a") ? sprintf("≥ %s× ref: no reference", substr(t, 8)) \
					: sprintf("≥ %s× ref: %s", substr(t, 8), (rm / m >= want) ? "PASS" : "FAIL")
			} else if (t ~ /^secs</) {
				want = substr(t, 6) + 0
				verdict = sprintf("< %s s: %s", substr(t, 6), (m < want) ? "PASS" : "FAIL")
			} else if (t ~ /^mbps>=/) {
				want = substr(t, 7) + 0
				verdict = sprintf("≥ %d MB/s: %s", want, (mbps >= want) ? "PASS" : "FAIL")
			}
			printf "| %s | %s | %.3f | %.3f | %.0f | %s | %s |\n", g[i], name[i], m, sd[name[i]], mbps, ratio, verdict
		}
	}' "$MEANS" "$ROWS"
} >"$RESULTS"

# --- paired timing of the target rows ------------------------------------------
# hyperfine runs all the runs of one command, then the next: on a machine
# whose speed drifts (a shared VM), the two sides of a ratio are then timed
# minutes apart. Here each target row and its reference run alternately,
# one after the other, PAIRS rounds: each round gives a ratio, and the
# median of those is reported beside the means' ratio.
now_ns() { date +%s%N; }
time_cmd() {  # command [cpu]: seconds of one run, on that CPU alone when given
	local t0 t1 pin=()
	[ -n "${2:-}" ] && pin=("$TASKSET" -c "$2")
	t0=$(now_ns)
	"${pin[@]}" sh -c "$1" >/dev/null 2>&1
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }'
}
# The speed of each CPU: the virtual CPUs of a shared host do not always run
# alike (seen here: one 40-50% slower than the other for minutes), and a
# ratio between a one-thread program and a two-thread one depends on it.
# The fastest of 3 runs of one single-threaded command pinned to each CPU.
NCPU=$(nproc 2>/dev/null || echo 1)
cpu_speeds() {
	[ -n "$TASKSET" ] || return 0
	local c r t best probe line=
	if [ -n "$HALOG" ]; then probe="$(q "$HALOG") -st < $H"; else probe="$hz -j1 --headers-only $H"; fi
	for ((c = 0; c < NCPU; c++)); do
		best=
		for r in 1 2 3; do
			t=$(time_cmd "$probe" "$c")
			best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
		done
		line+="${line:+, }CPU $c ${best} s"
	done
	echo "$line"
}
SPEEDS_BEFORE=$(cpu_speeds)
# every round's two times, for a reader who wants to see the drift
PAIRS_TSV=$DIR/pairs.tsv
printf 'group\tcommand\treference\tround\tcpu\treference_s\tcommand_s\tratio\n' >"$PAIRS_TSV"
if [ "$PAIRS" -gt 0 ]; then
	{
		echo
		echo "Paired timing: each target row and its reference, alternately, $PAIRS rounds;"
		echo "ratio per round = reference time / row time; the median, the lowest and the highest."
		echo "Rows whose both sides run on one thread are pinned, both, to one CPU per round"
		echo "(CPU round mod $NCPU). Speed of each CPU ($([ -n "$HALOG" ] && echo 'halog -st' || echo 'halyze -j1 --headers-only') on httplog.log, fastest of 3),"
		echo "before the paired rounds: ${SPEEDS_BEFORE:-not measured (no taskset)}."
		echo
		echo "| group | command | median ratio | lowest | highest | target |"
		echo "|---|---|---:|---:|---:|---|"
	} >>"$RESULTS"
	for i in "${!R_NAME[@]}"; do
		t=${R_TARGET[$i]}
		[[ $t == ratio\>=* ]] || continue
		refname=
		for j in "${!R_NAME[@]}"; do
			[ "${R_GROUP[$j]}" = "${R_GROUP[$i]}" ] && [ "${R_ROLE[$j]}" = ref ] && refname=${R_NAME[$j]}
		done
		[ -n "$refname" ] || continue
		note "paired timing: ${R_NAME[$i]} against $refname"
		ratios=()
		for round in $(seq "$PAIRS"); do
			cpu=
			[ -n "$TASKSET" ] && [ -n "${ONE_THREAD[$refname]:-}" ] && [ -n "${ONE_THREAD[${R_NAME[$i]}]:-}" ] &&
				cpu=$((round % NCPU))
			a=$(time_cmd "${CMD[$refname]}" "$cpu")
			b=$(time_cmd "${CMD[${R_NAME[$i]}]}" "$cpu")
			ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", a / b }')")
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${R_GROUP[$i]}" "${R_NAME[$i]}" "$refname" "$round" \
				"${cpu:-any}" "$a" "$b" "${ratios[${#ratios[@]} - 1]}" >>"$PAIRS_TSV"
		done
		want=${t#ratio>=}
		printf '%s\n' "${ratios[@]}" | sort -g | awk -v g="${R_GROUP[$i]}" -v nm="${R_NAME[$i]}" -v want="$want" '
			{ r[NR] = $1 }
			END {
				med = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
				printf "| %s | %s | %.2f | %.2f | %.2f | ≥ %s× ref: %s |\n", g, nm, med, r[1], r[NR], want, (med >= want) ? "PASS" : "FAIL"
			}' >>"$RESULTS"
	done
	echo >>"$RESULTS"
	echo "Speed of each CPU after the paired rounds: $(cpu_speeds)." >>"$RESULTS"
	echo "Each round's two times: $PAIRS_TSV." >>"$RESULTS"
fi

cat "$RESULTS"
note "written to $RESULTS (raw: $JSON)"
