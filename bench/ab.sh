#!/usr/bin/env bash
# ab.sh: compares builds (or options) against a reference command, in
# alternated rounds pinned with taskset, and prints each one's median
# throughput ratio to the reference (the lower middle one for an even
# number of rounds), with the lowest and highest.
#
# Usage: bench/ab.sh ROUNDS CPUS 'ref=COMMAND' 'a=COMMAND' ['b=COMMAND' ...]
#   ROUNDS  rounds to run (20-30 to see 0.02 on this VM)
#   CPUS    the CPU list for taskset (1, or 0,1 for the threads)
#   label=COMMAND  a shell command; its output is discarded
#
# Each round runs the reference, then the others in an order that rotates
# from round to round. The order matters on a virtual machine whose host
# backs the guest's memory lazily: a run that needs tens of megabytes right
# after another one that freed them gets pages that are backed already, and
# runs about 10% faster than one that follows a small run (bench/README.md,
# "Session 9 results"). With a fixed order, the second command would win.
#
# Example (two builds of the TLS diagnosis, one thread):
#   F="$(cat bench/ssl.format)" S=/tmp/halyze-bench/ssl.log
#   bench/ab.sh 24 1 "plain=build/halyze -j1 --no-diagnosis --format '$F' $S" \
#     "new=build/halyze -j1 --format '$F' $S" "old=/tmp/old/halyze -j1 --format '$F' $S"
set -u
if [ $# -lt 4 ]; then
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
rounds=$1 cpus=$2
shift 2
ref=$1
shift
cands=("$@")
k=${#cands[@]}
declare -A ratios

ms() { # command: its wall time in ms, pinned
  local s e
  s=$(date +%s%N)
  taskset -c "$cpus" bash -c "$1" > /dev/null 2>&1
  e=$(date +%s%N)
  echo $(((e - s) / 1000000))
}

for i in $(seq "$rounds"); do
  base=$(ms "${ref#*=}")
  line="${ref%%=*} ${base}"
  for j in $(seq 0 $((k - 1))); do
    lc=${cands[$(((i + j) % k))]}
    t=$(ms "${lc#*=}")
    r=$(awk -v a="$base" -v b="$t" 'BEGIN { printf "%.3f", a / b }')
    ratios[${lc%%=*}]+="$r "
    line+="  ${lc%%=*} $t ($r)"
  done
  echo "round $i: $line ms"
done
for lc in "${cands[@]}"; do
  l=${lc%%=*}
  printf '%s: ' "$l"
  echo "${ratios[$l]}" | tr ' ' '\n' | grep . | sort -n |
    awk '{ a[NR] = $1 } END { printf "median ratio %.3f (%.3f-%.3f), %d rounds\n", a[int((NR + 1) / 2)], a[1], a[NR], NR }'
done
