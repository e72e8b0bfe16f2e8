#!/usr/bin/env bash
# bench/pgo-build.sh [BUILD_DIR]: a Release build of halyze optimised with a
# profile of its own runs (GCC's profile-guided optimisation), in BUILD_DIR
# (default: build). About 4-5% faster than the plain Release build on the
# benchmark's logs (see bench/README.md), at the price of two compilations
# and a training run of about half a minute.
#
#   1. HZ_PGO=GEN: an instrumented build, which writes its profile into
#      BUILD_DIR/pgo-profile as it runs;
#   2. training: the instrumented halyze on generated logs of every kind
#      hz_genlog writes (a seed and a size of their own, not the benchmark's
#      files) and on the sample logs of testdata/, the way people run it:
#      one thread and several, with and without the diagnosis, JSON,
#      events, tables, gzip, the halog modes;
#   3. HZ_PGO=USE: the same tree rebuilt with that profile.
#
# Should the training fail, the script says so and leaves a plain Release
# build (exit status 0 all the same: the binary is good, only slower).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
profile=$build/pgo-profile
train=$build/pgo-train
jobs=$(nproc 2>/dev/null || echo 2)

note() { echo "pgo-build.sh: $*" >&2; }

plain() {
	note "$1: building without a profile"
	cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHZ_PGO=OFF > /dev/null
	cmake --build "$build" -j"$jobs" > /dev/null
	exit 0
}

if ! "${CC:-cc}" --version 2>/dev/null | grep -qi 'gcc\|free software foundation'; then
	plain "the compiler is not GCC"
fi

rm -rf "$profile" "$train"
mkdir -p "$train"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHZ_PGO=GEN -DHZ_PGO_DIR="$profile" > /dev/null
cmake --build "$build" -j"$jobs" --target halyze hz_genlog > /dev/null

training() {
	local hz=$build/halyze gen=$build/bench/hz_genlog ssl
	ssl=$(cat "$here/ssl.format")
	"$gen" --lines 300000 --kind httplog --seed 20261127 > "$train/httplog.log"
	"$gen" --lines 200000 --kind ssl --seed 20261127 > "$train/ssl.log"
	"$gen" --lines 100000 --kind tcplog --seed 20261127 > "$train/tcplog.log"
	"$gen" --lines 100000 --kind mixed --seed 20261127 > "$train/mixed.log"
	gzip -6 -k "$train/httplog.log"
	for j in 1 2; do
		"$hz" -j$j "$train/httplog.log"
		"$hz" -j$j --no-diagnosis "$train/httplog.log"
		"$hz" -j$j --json --format "$ssl" "$train/ssl.log"
		"$hz" -j$j --no-diagnosis --format "$ssl" "$train/ssl.log"
		"$hz" -j$j "$train/tcplog.log" "$train/mixed.log"
		"$hz" -j$j "$train/httplog.log.gz"
	done
	"$hz" --tables all "$train/httplog.log"
	"$hz" --json --format "$ssl" --tables all "$train/ssl.log"
	"$hz" --events "$train/mixed.log"
	"$hz" --headers-only "$train/httplog.log.gz"
	for m in -st -c -u -ue -srv -tc -pct; do
		"$hz" halog $m < "$train/httplog.log"
	done
	local cfg=$root/testdata/sample/configs
	"$hz" --config "$cfg/haproxy-sample.cfg" --config "$cfg/haproxy-sample-run2.cfg" \
		--config "$cfg/haproxy-sample-run3.cfg" "$root/testdata/sample/haproxy-2.6-raw.log"
	"$hz" "$root"/testdata/third-party/*.log "$root"/testdata/headers/*.log
}

if ! training > /dev/null 2> "$train/stderr"; then
	tail -n 5 "$train/stderr" >&2
	plain "the training run failed"
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHZ_PGO=USE -DHZ_PGO_DIR="$profile" > /dev/null
cmake --build "$build" -j"$jobs" > /dev/null
rm -rf "$train"
note "built $build/halyze with the profile in $profile"
