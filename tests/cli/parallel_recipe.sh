#!/usr/bin/env bash
# The map-then-merge recipes of halyze(1), MERGING SUMMARIES, run for real with
# GNU parallel: on this machine, and over --sshlogin (two "machines" reached
# through a stand-in for ssh that runs the command here, as sshd would). Each
# merged summary must be the summary of one run over all the parts.
# Usage: parallel_recipe.sh HALYZE JGET SOURCE_DIR JDIFF
set -u
hz=$1 jget=$2 src=$3 jdiff=$4
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
command -v parallel > /dev/null || { echo "FAIL: GNU parallel is not installed (.ci/deps --test installs it)"; exit 1; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
C=$src/testdata/sample/configs
cfgs=(--config "$C/haproxy-sample.cfg" --config "$C/haproxy-sample-run2.cfg" --config "$C/haproxy-sample-run3.cfg")
S=$src/testdata/sample/haproxy-2.6-raw.log

# a rotated set of the lab's lines, as logrotate leaves it. Session tracing
# does not cross partial summaries (see the man page), so each file holds
# whole copies of the lab's log, where every resumption follows its handshake
mkdir -p "$W/logs"
for i in 1 2 3 4 5; do cat "$S"; done > "$W/all.log"
cp "$S" "$W/cut.00"; cp "$S" "$W/cut.01"; cp "$S" "$W/cut.02"; cat "$S" "$S" > "$W/cut.03"
gzip -c "$W/cut.00" > "$W/logs/haproxy.log.3.gz"
gzip -c "$W/cut.01" > "$W/logs/haproxy.log.2.gz"
cp "$W/cut.02" "$W/logs/haproxy.log.1"
cp "$W/cut.03" "$W/logs/haproxy.log"
parts=("$W/logs/haproxy.log.3.gz" "$W/logs/haproxy.log.2.gz" "$W/logs/haproxy.log.1" "$W/logs/haproxy.log")

# one run over the whole set: what every recipe must give
"$hz" "${cfgs[@]}" --json "$W/logs" > "$W/one.json" || bad "one run: exit $?"
[ "$("$jget" "$W/one.json" input lines)" = "$(wc -l < "$W/all.log" | tr -d ' ')" ] && ok || bad "one run: lines"

# 1. this machine: a job per file, a partial summary per job, one merge; {0#}
#    is the zero-padded job number, so the shell's sorted glob keeps the
#    files' order
parallel -j2 "$hz" -q "${cfgs[@]}" --partial "$W/part.{0#}.json" -o /dev/null {} ::: "${parts[@]}" \
  || bad "parallel (local): exit $?"
"$hz" merge --json "$W"/part.*.json > "$W/local.json" || bad "merge (local): exit $?"
"$jdiff" "$W/one.json" "$W/local.json" > "$W/diff" && ok || bad "local recipe differs from one run: $(head -c 2000 "$W/diff")"

# 2. several machines: each job's partial summary comes back on its standard
#    output (--partial -), which parallel keeps in --results files
cat > "$W/ssh" <<'EOF'
#!/usr/bin/env bash
# stands in for ssh HOST -- COMMAND: records the host and runs the command here.
# sshd gives the command the user's login shell in SHELL, and GNU parallel's
# remote wrapper needs it (CI may run without SHELL set)
echo "$1" >> "${0%/*}/hosts.seen"
export SHELL=/bin/bash
shift; [ "${1:-}" = "--" ] && shift
exec bash -c "$*"
EOF
chmod +x "$W/ssh"
mkdir -p "$W/res"
parallel --ssh "$W/ssh" --sshlogin 1/m1,1/m2 --results "$W/res/{0#}" \
  "$hz" -q "${cfgs[@]}" --partial - -o /dev/null {} ::: "${parts[@]}" || bad "parallel --sshlogin: exit $?"
[ "$(sort -u "$W/hosts.seen" | tr '\n' ' ')" = "m1 m2 " ] && ok || bad "both machines used: $(sort -u "$W/hosts.seen" | tr '\n' ' ')"
"$hz" merge --json "$W"/res/[0-9] > "$W/remote.json" || bad "merge (--sshlogin): exit $?"
"$jdiff" "$W/one.json" "$W/remote.json" > "$W/diff" && ok || bad "--sshlogin recipe differs from one run: $(head -c 2000 "$W/diff")"

# -o /dev/stdout with standard output redirected to a file: written in place,
# /dev/stdout stays what it was
"$hz" "${cfgs[@]}" --json -o /dev/stdout "$W/logs/haproxy.log" > "$W/stdout.json" || bad "-o /dev/stdout: exit $?"
[ -L /dev/stdout ] && ok || bad "/dev/stdout was replaced"
[ "$("$jget" "$W/stdout.json" input lines)" = "$(wc -l < "$W/cut.03" | tr -d ' ')" ] && ok || bad "-o /dev/stdout: content"

echo "parallel_recipe: $pass passed, $fail failed"
[ "$fail" = 0 ]
