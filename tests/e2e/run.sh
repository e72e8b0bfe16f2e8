#!/usr/bin/env bash
# The end-to-end lab: real HAProxy, real clients and a private rsyslog on
# loopback; halyze's JSON on the logs they write is checked against what the
# traffic driver knows it did (tests/e2e/driver.sh, $W/truth.tsv).
#
# Usage: run.sh [--envelope-only] [--xfail BUG]... [--keep] HALYZE JGET
#   --envelope-only  run only the checks that need no log format (header kinds,
#                    line accounting, connection errors, HAProxy's messages) and
#                    say loudly that the format-dependent checks were NOT run.
#                    For builds whose halyze cannot read formats yet.
#   --xfail BUG      a known halyze bug (see XFAIL_CHECKS): the checks it breaks
#                    print XFAIL and do not count as failed, and count as failed
#                    again (XPASS) once they pass.
#   --keep           keep the work directory even on success.
#   --lab-retry      after a lab error, build a second lab from scratch (new
#                    ports, certificates, traffic and truth) and run it once
#                    more. For CI on shared machines, where a stall of a few
#                    seconds can make a client connect twice. The first lab's
#                    error is printed either way; halyze's checks never retry.
#
# Exit status: 0 when every check passed; 1 when a check failed; 3 when the lab
# could not run or did not do what the driver asked (a lab error is always a
# failure, never a skip). The work directory (mktemp -d) is removed on success
# and kept, its path printed, on failure.
set -u
shopt -s nullglob

ENVELOPE_ONLY=0 KEEP=0 XFAIL_ARGS=()
if [ "${1:-}" = --lab-retry ]; then
  shift
  bash "${BASH_SOURCE[0]}" "$@"
  rc=$?
  [ "$rc" = 3 ] || exit "$rc"
  printf 'e2e: the lab failed (above), not halyze; a second lab from scratch\n' >&2
  exec bash "${BASH_SOURCE[0]}" "$@"
fi
while [ $# -gt 0 ]; do
  case $1 in
    --envelope-only) ENVELOPE_ONLY=1; shift ;;
    --keep) KEEP=1; shift ;;
    --xfail) [ $# -ge 2 ] || { echo "run.sh: --xfail needs a BUG name" >&2; exit 2; }; XFAIL_ARGS+=("$2"); shift 2 ;;
    --) shift; break ;;
    -*) echo "usage: run.sh [--envelope-only] [--xfail BUG]... [--keep] HALYZE JGET" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || { echo "usage: run.sh [--envelope-only] [--xfail BUG]... [--keep] HALYZE JGET" >&2; exit 2; }
HALYZE=$(readlink -f "$1") JGET=$(readlink -f "$2")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T0=$SECONDS

PASS=0 FAIL=0
W='' RSYSLOG_PID='' HAPROXY_PID='' FLAKY_PID=''
BG_PIDS=()

say() { printf 'e2e: %s\n' "$*"; }

# A lab error (the lab itself could not do what it must) ends the run as a failure.
lab_fail() {
  printf 'e2e: LAB ERROR: %s\n' "$*" >&2
  exit 3
}

# Stops one process we started, by PID: TERM, up to 5 s, then KILL.
stop_pid() { # PID NAME
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$2 (pid $pid) ignored SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p
  for p in "${BG_PIDS[@]}"; do stop_pid "$p" "driver job"; done
  stop_pid "$HAPROXY_PID" haproxy
  stop_pid "$FLAKY_PID" "haproxy (flaky server)"
  stop_pid "$RSYSLOG_PID" rsyslogd
  if [ -n "$W" ] && [ -d "$W" ]; then
    if [ "$rc" = 0 ] && [ "$KEEP" = 0 ]; then
      rm -rf "$W"
    else
      say "work directory kept: $W"
    fi
  fi
  say "finished in $((SECONDS - T0)) s"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
trap 'lab_fail "SIGPIPE"' PIPE

# ---------------------------------------------------------------------------
# Tools: installed with apt-get when missing (CI runs as root).
ensure_tools() {
  local need=() t
  command -v haproxy >/dev/null || need+=(haproxy)
  command -v openssl >/dev/null || need+=(openssl)
  command -v curl >/dev/null || need+=(curl)
  command -v rsyslogd >/dev/null || need+=(rsyslog)
  command -v ss >/dev/null || need+=(iproute2)
  command -v gzip >/dev/null || need+=(gzip)
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  say "installing ${need[*]}"
  if ! { $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"; } > "${TMPDIR:-/tmp}/hz_e2e_apt.log" 2>&1; then
    lab_fail "could not install ${need[*]} (see ${TMPDIR:-/tmp}/hz_e2e_apt.log)"
  fi
  for t in haproxy openssl curl rsyslogd ss gzip; do
    command -v "$t" >/dev/null || lab_fail "$t is still missing after apt-get install"
  done
}

# ---------------------------------------------------------------------------
# Ports: one block of consecutive free ports in a high random range.
PORT_NAMES=(LOGPORT P_ORIGIN P_FLAKY P_SSL_LONG P_SSL_SHORT P_HTTPS P_TCP_TLS P_HTTP P_NOTICKETS P_STRICT P_ERRFMT P_ERRFMT_TLS)
pick_ports() {
  local try base i used
  for ((try = 0; try < 50; try++)); do
    base=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    used=$(ss -Htuan 2>/dev/null | awk '{n = split($5, a, ":"); print a[n]}' | sort -u)
    local busy=0
    for ((i = 0; i < ${#PORT_NAMES[@]}; i++)); do
      if grep -qx "$((base + i))" <<<"$used"; then busy=1; break; fi
    done
    [ "$busy" = 0 ] || continue
    for ((i = 0; i < ${#PORT_NAMES[@]}; i++)); do
      printf -v "${PORT_NAMES[$i]}" '%s' "$((base + i))"
    done
    return 0
  done
  lab_fail "no block of ${#PORT_NAMES[@]} free ports found in 50 tries"
}

subst() { # TEMPLATE OUTPUT
  local args=(-e "s|@PKI@|$PKI|g" -e "s|@WORK@|$W|g") n
  for n in "${PORT_NAMES[@]}"; do args+=(-e "s|@$n@|${!n}|g"); done
  sed "${args[@]}" "$1" > "$2"
  ! grep -v '^[ \t]*#' "$2" | grep '@[A-Z_]*@' || lab_fail "unsubstituted placeholder in $2"
}

listening() { # tcp|udp PORT
  local f=-Hltn
  [ "$1" = udp ] && f=-Hlun
  [ -n "$(ss $f "sport = :$2" 2>/dev/null)" ]
}

wait_listen() { # PID NAME LOGFILE tcp|udp PORT...
  local pid=$1 name=$2 log=$3 proto=$4 i p ok
  shift 4
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || lab_fail "$name exited at start: $(tail -n 20 "$log")"
    ok=1
    for p in "$@"; do listening "$proto" "$p" || { ok=0; break; }; done
    [ "$ok" = 1 ] && return 0
    sleep 0.1
  done
  lab_fail "$name is not listening on $proto port(s) $* after 10 s: $(tail -n 20 "$log")"
}

start_rsyslog() {
  rsyslogd -N1 -f "$W/rsyslog.conf" > "$W/rsyslog.check" 2>&1 ||
    lab_fail "rsyslogd rejects the lab config: $(cat "$W/rsyslog.check")"
  rsyslogd -n -f "$W/rsyslog.conf" -i "$W/rsyslog.pid" > "$W/rsyslog.out" 2>&1 &
  RSYSLOG_PID=$!
  wait_listen "$RSYSLOG_PID" rsyslogd "$W/rsyslog.out" udp "$LOGPORT"
}

flaky_start() {
  haproxy -db -f "$W/flaky.cfg" >> "$W/flaky.out" 2>&1 &
  FLAKY_PID=$!
  wait_listen "$FLAKY_PID" "haproxy (flaky server)" "$W/flaky.out" tcp "$P_FLAKY"
}

flaky_stop() {
  stop_pid "$FLAKY_PID" "haproxy (flaky server)"
  FLAKY_PID=
}

start_haproxy() {
  haproxy -c -q -f "$W/haproxy.cfg" > "$W/haproxy.check" 2>&1 ||
    lab_fail "haproxy rejects the lab config: $(cat "$W/haproxy.check")"
  # stdout (the rfc5424 log target) is the capture; stderr gets HAProxy's own
  # console messages.
  haproxy -db -f "$W/haproxy.cfg" >> "$W/rfc5424.log" 2> "$W/haproxy.stderr" &
  HAPROXY_PID=$!
  wait_listen "$HAPROXY_PID" haproxy "$W/haproxy.stderr" tcp \
    "$P_ORIGIN" "$P_SSL_LONG" "$P_SSL_SHORT" "$P_HTTPS" "$P_TCP_TLS" "$P_HTTP" \
    "$P_NOTICKETS" "$P_STRICT" "$P_ERRFMT" "$P_ERRFMT_TLS"
}

# Soft stop (SIGUSR1): HAProxy logs one "Proxy X stopped" line per proxy that
# logs, then exits once its connections are closed.
stop_haproxy() {
  local i
  kill -USR1 "$HAPROXY_PID"
  for ((i = 0; i < 150; i++)); do
    kill -0 "$HAPROXY_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$HAPROXY_PID" 2>/dev/null && lab_fail "haproxy did not exit within 15 s of SIGUSR1"
  wait "$HAPROXY_PID"
  local rc=$?
  HAPROXY_PID=
  [ "$rc" = 0 ] || lab_fail "haproxy exited with status $rc: $(tail -n 5 "$W/haproxy.stderr")"
}

# rsyslog writes asynchronously: wait until both of its files have as many
# lines as the stdout capture (haproxy has exited, so that count is final) and
# stay so, within 10 s. A shortfall means lost datagrams: a lab error.
wait_rsyslog() {
  local want i a b stable=0
  want=$(wc -l < "$W/rfc5424.log")
  for ((i = 0; i < 100; i++)); do
    a=$(wc -l < "$W/facsev.log" 2>/dev/null || echo 0)
    b=$(wc -l < "$W/traditional.log" 2>/dev/null || echo 0)
    if [ "$a" = "$want" ] && [ "$b" = "$want" ]; then
      stable=$((stable + 1))
      [ "$stable" -ge 3 ] && return 0
    else
      stable=0
    fi
    sleep 0.1
  done
  lab_fail "rsyslog wrote $a and $b lines, the stdout capture has $want (datagrams lost?)"
}

# ---------------------------------------------------------------------------
# Checks.
check() { # WHAT GOT EXPECTED
  if [ "$2" = "$3" ]; then
    PASS=$((PASS + 1))
    printf 'ok    %s = %s\n' "$1" "$2"
  else
    FAIL=$((FAIL + 1))
    printf 'FAIL  %s = %s, expected %s\n' "$1" "$2" "$3"
  fi
}

# Known halyze bugs that --xfail NAME turns into expected failures, each with
# the names of the format checks it breaks, '|'-separated (the lab's traffic
# plan is fixed, so the list is too). Such a check prints XFAIL and is not
# counted as failed; should it pass, it prints XPASS and counts as FAILED, so
# that the --xfail goes away with the bug. For example (fixed since):
#   [errfmt-badreq]="input.requests|frontends.fe_errfmt.requests|status.400|..."
#   halyze counted the <BADREQ> lines that error-log-format wrote as
#   connection errors named "Success" (their %[fc_err_str]).
declare -A XFAIL_CHECKS=()
declare -A XFAIL=()
XFAILED=0

# Checks that need the log formats. When halyze cannot read the lab's config,
# each of them still runs, and fails.
fcheck() { # VARIANT WHAT GOT EXPECTED
  local v=$1 what=$2
  if [ -z "$FORMAT_HOW" ]; then
    FAIL=$((FAIL + 1))
    printf 'FAIL  %s: %s: expected %s; halyze cannot read the lab'"'"'s config (--config)\n' "$v" "$what" "$4"
    return
  fi
  local bug=${XFAIL[$what]:-}
  if [ -z "$bug" ]; then
    check "$v: $what" "$3" "$4"
  elif [ "$3" = "$4" ]; then
    FAIL=$((FAIL + 1))
    printf 'FAIL  %s: %s = %s: XPASS, the known bug %s looks fixed: drop --xfail %s\n' "$v" "$what" "$3" "$bug" "$bug"
  else
    XFAILED=$((XFAILED + 1))
    printf 'XFAIL %s: %s = %s, expected %s (known bug %s)\n' "$v" "$what" "$3" "$4" "$bug"
  fi
}

# A count in halyze's JSON; an absent key is 0.
jn() { # JSON KEY...
  local v
  [ -s "$1" ] || { echo "(no JSON)"; return; }
  v=$("$JGET" "$@" 2>/dev/null) || v="(no JSON)"
  [ "$v" = MISSING ] && v=0
  printf '%s\n' "$v"
}
# Any value in halyze's JSON, as jget prints it.
jr() { # JSON KEY...
  local v
  [ -s "$1" ] || { echo "(no JSON)"; return; }
  v=$("$JGET" "$@" 2>/dev/null) || v="(no JSON)"
  printf '%s\n' "$v"
}
# For sums: a count, or 0 when it is not one (the check on it fails anyway).
num() { [[ $1 =~ ^[0-9]+$ ]] && echo "$1" || echo 0; }

# The connection-error messages of HAProxy 2.6 (reference section 3.8,
# src-2.6 conn_err_code_str). Every message the driver expects must be one of
# them; halyze must report exactly the driver's messages.
CONNERR_MESSAGES=(
  "Connection closed during SSL handshake"
  "Connection error during SSL handshake"
  "Timeout during SSL handshake"
  "Too many SSL connections"
  "Out of memory when initializing an SSL connection"
  "Rejected a client-initiated SSL renegotiation attempt"
  "SSL client CA chain cannot be verified"
  "SSL client certificate not trusted"
  "SSL handshake failure"
  "SSL handshake failure after heartbeat"
  "Stopped a TLSv1 heartbeat attack (CVE-2014-0160)"
  "SSL fatal error"
  "Connection closed while waiting for PROXY protocol header"
  "Connection error while waiting for PROXY protocol header"
  "Timeout while waiting for PROXY protocol header"
  "Truncated PROXY protocol header received"
  "Received something which does not look like a PROXY protocol header"
  "Received an invalid PROXY protocol header"
  "Received an unhandled protocol in the PROXY protocol header"
  "Reached configured maxconn value"
  "Too many sockets on the process"
  "Too many sockets on the system"
  "Out of system buffers"
)

# Truth figures from truth.tsv, as "KEY<TAB>VALUE" lines in $W/expect.tsv.
# Two views of the connection errors:
#   connerr, connerr_msg:<message>, connerr_fe:<frontend>
#       the fixed "fe/bind: message" lines only: what halyze must find with no
#       log format at all (envelope checks);
#   f_connerr, f_connerr_msg:<message>, f_connerr_fe:<frontend>
#       those plus the handshake failures that error-log-format wrote (a
#       connection that died before a stream existed, whatever the line's
#       shape): what halyze must find once it knows the formats.
# And, with the formats known:
#   requests, fe:<frontend>       traffic lines: requests, tcplog lines and
#                                 <BADREQ> lines, including the <BADREQ> lines
#                                 that error-log-format wrote (HAProxy's
#                                 sess_log() uses it for stream-less HTTP
#                                 errors, reference 3.8): a bad request is a
#                                 request, whichever format wrote it
#   tls:<frontend>                true when a line came over its TLS bind
#   status:<code> term:<state> server:<backend/server>
#   lines                         log lines the traffic produces
#   msg:<kind>                    HAProxy's own messages
summarise_truth() {
  awk -F'\t' 'NR > 1 {
      n = $10
      lines += n
      if ($9 == "hs_fail") {
        fce += n; fcm[$14] += n; fcf[$2] += n
        if ($15 == 0) { ce += n; cm[$14] += n; cf[$2] += n }
        next
      }
      req += n; fe[$2] += n
      if ($3 == "tls") tls[$2] = 1
      if ($11 != "-") st[$11] += n
      if ($12 != "-") tm[$12] += n
      if ($13 != "-") sv[$13] += n
    }
    END {
      printf "lines\t%d\nconnerr\t%d\nf_connerr\t%d\nrequests\t%d\n", lines, ce, fce, req
      for (k in cm) printf "connerr_msg:%s\t%d\n", k, cm[k]
      for (k in cf) printf "connerr_fe:%s\t%d\n", k, cf[k]
      for (k in fcm) printf "f_connerr_msg:%s\t%d\n", k, fcm[k]
      for (k in fcf) printf "f_connerr_fe:%s\t%d\n", k, fcf[k]
      for (k in fe) printf "fe:%s\t%d\ntls:%s\t%s\n", k, fe[k], k, (k in tls) ? "true" : "false"
      for (k in st) printf "status:%s\t%d\n", k, st[k]
      for (k in tm) printf "term:%s\t%d\n", k, tm[k]
      for (k in sv) printf "server:%s\t%d\n", k, sv[k]
    }' "$W/truth.tsv" | LC_ALL=C sort > "$W/expect.tsv"
  # HAProxy's own messages, from what the driver did and the config:
  # "Proxy X stopped" for each proxy that logs (every frontend and backend of
  # haproxy.cfg but those with `no log`) plus HAProxy 2.6's internal
  # <HTTPCLIENT> proxy; the flaky server's DOWN / "no server available" / UP.
  local proxies
  proxies=$(awk '/^(frontend|backend) / {n++} /^[ \t]+no log/ {n--} END {print n}' "$W/haproxy.cfg")
  printf 'msg:proxy_stopped\t%d\n' "$((proxies + 1))" >> "$W/expect.tsv"
  awk -F'\t' '{s[$1] += $2} END {for (k in s) printf "%s\t%d\n", k, s[k]}' "$W/messages.truth" >> "$W/expect.tsv"
}

declare -A EXPECT=()
load_expect() {
  local k v
  while IFS=$'\t' read -r k v; do EXPECT[$k]=$v; done < "$W/expect.tsv"
}
want() { printf '%s\n' "${EXPECT[$1]:-0}"; }
want_keys() { awk -F'\t' -v p="$1" 'index($1, p) == 1 {print substr($1, length(p) + 1)}' "$W/expect.tsv"; }

# Checks that need no log format: accounting, headers, connection errors,
# HAProxy's messages. VARIANT names the input; the rest is halyze's files.
check_envelope() { # VARIANT HEADER_KIND LINES FILE...
  local v=$1 kind=$2 lines=$3
  shift 3
  local j="$W/out/${v//\//.}.envelope.json" rc
  "$HALYZE" --json -q "$@" > "$j" 2> "$j.err"
  rc=$?
  check "$v: exit status" "$rc" 0
  [ "$rc" = 0 ] || sed 's/^/      stderr: /' "$j.err"
  check "$v: input.files" "$(jr "$j" input files)" "array $#"
  check "$v: input.lines (wc -l)" "$(jr "$j" input lines)" "$lines"
  local sum=0 k
  for k in requests connection_errors messages unparsed; do sum=$((sum + $(num "$(jn "$j" input "$k")"))); done
  check "$v: requests+connection_errors+messages+unparsed" "$sum" "$lines"
  check "$v: input.headers.$kind" "$(jn "$j" input headers "$kind")" "$lines"
  check "$v: input.headers (kinds)" "$(jr "$j" input headers)" "object 1"
  check "$v: input.connection_errors" "$(jn "$j" input connection_errors)" "${EXPECT[connerr]:-0}"
  local m present=0
  while IFS= read -r m; do
    present=$((present + 1))
    check "$v: connection_errors.\"$m\"" "$(jn "$j" connection_errors "$m")" "${EXPECT[connerr_msg:$m]:-0}"
  done < <(want_keys connerr_msg:)
  check "$v: connection_errors (keys)" "$(jr "$j" connection_errors)" "object $present"
  local fes=0
  while IFS= read -r k; do
    fes=$((fes + 1))
    check "$v: connection_error_frontends.$k" "$(jn "$j" connection_error_frontends "$k")" "${EXPECT[connerr_fe:$k]:-0}"
  done < <(want_keys connerr_fe:)
  check "$v: connection_error_frontends (keys)" "$(jr "$j" connection_error_frontends)" "object $fes"
  local kinds=0 msum=0
  while IFS= read -r k; do
    kinds=$((kinds + 1)) msum=$((msum + ${EXPECT[msg:$k]:-0}))
    check "$v: messages.$k" "$(jn "$j" messages "$k")" "${EXPECT[msg:$k]:-0}"
  done < <(want_keys msg:)
  check "$v: messages (kinds)" "$(jr "$j" messages)" "object $kinds"
  check "$v: input.messages" "$(jn "$j" input messages)" "$msum"
}

# How halyze is told the lab's log formats: --config haproxy.cfg. (Until
# halyze read configs, --format could stand in for it, but a format given with
# --format cannot say that it is an error-log-format.)
FORMAT_ARGS=() FORMAT_HOW=
detect_format_args() {
  if "$HALYZE" --json -q --config "$W/haproxy.cfg" /dev/null > "$W/out/config-probe.json" 2>&1; then
    FORMAT_ARGS=(--config "$W/haproxy.cfg") FORMAT_HOW="--config haproxy.cfg"
  else
    say "halyze --config haproxy.cfg fails: $(head -n 3 "$W/out/config-probe.json")"
  fi
}

# Checks that depend on the log-format compiler: requests per frontend, the ~
# of TLS frontends, status codes, termination states, servers, and the
# connection errors that error-log-format wrote.
check_format_dependent() { # VARIANT FILE...
  local v=$1
  shift
  local j="$W/out/${v//\//.}.formats.json" rc=
  if [ -n "$FORMAT_HOW" ]; then
    "$HALYZE" --json -q "${FORMAT_ARGS[@]}" "$@" > "$j" 2> "$j.err"
    rc=$?
    [ "$rc" = 0 ] || sed 's/^/      stderr: /' "$j.err"
  fi
  fcheck "$v" "exit status with formats" "$rc" 0
  fcheck "$v" "input.unparsed with formats" "$(jn "$j" input unparsed)" 0
  fcheck "$v" "input.requests" "$(jn "$j" input requests)" "${EXPECT[requests]:-0}"
  fcheck "$v" "input.connection_errors with formats" "$(jn "$j" input connection_errors)" "${EXPECT[f_connerr]:-0}"
  local k n
  n=0
  while IFS= read -r k; do
    n=$((n + 1))
    fcheck "$v" "connection_errors.\"$k\" with formats" "$(jn "$j" connection_errors "$k")" "${EXPECT[f_connerr_msg:$k]:-0}"
  done < <(want_keys f_connerr_msg:)
  fcheck "$v" "connection_errors (keys) with formats" "$(jr "$j" connection_errors)" "object $n"
  n=0
  while IFS= read -r k; do
    n=$((n + 1))
    fcheck "$v" "connection_error_frontends.$k with formats" "$(jn "$j" connection_error_frontends "$k")" "${EXPECT[f_connerr_fe:$k]:-0}"
  done < <(want_keys f_connerr_fe:)
  fcheck "$v" "connection_error_frontends (keys) with formats" "$(jr "$j" connection_error_frontends)" "object $n"
  n=0
  while IFS= read -r k; do
    n=$((n + 1))
    fcheck "$v" "frontends.$k.requests" "$(jn "$j" frontends "$k" requests)" "${EXPECT[fe:$k]:-0}"
    fcheck "$v" "frontends.$k.tls" "$(jr "$j" frontends "$k" tls)" "${EXPECT[tls:$k]:-0}"
  done < <(want_keys fe:)
  fcheck "$v" "frontends (keys)" "$(jr "$j" frontends)" "object $n"
  n=0
  while IFS= read -r k; do
    n=$((n + 1))
    fcheck "$v" "status.$k" "$(jn "$j" status "$k")" "${EXPECT[status:$k]:-0}"
  done < <(want_keys status:)
  fcheck "$v" "status (keys)" "$(jr "$j" status)" "object $n"
  n=0
  while IFS= read -r k; do
    n=$((n + 1))
    fcheck "$v" "termination.$k" "$(jn "$j" termination "$k")" "${EXPECT[term:$k]:-0}"
  done < <(want_keys term:)
  fcheck "$v" "termination (keys)" "$(jr "$j" termination)" "object $n"
  n=0
  while IFS= read -r k; do
    n=$((n + 1))
    fcheck "$v" "servers.$k.requests" "$(jn "$j" servers "$k" requests)" "${EXPECT[server:$k]:-0}"
  done < <(want_keys server:)
  fcheck "$v" "servers (keys)" "$(jr "$j" servers)" "object $n"
}

# The TLS diagnosis against the driver's truth. Which frontends log which
# fields is fixed by haproxy.cfg.in:
#   fe_ssl_long, fe_notickets  log ssl_fc_is_resumed and ssl_fc_has_crt: the
#                              full/resumed figures count their lines;
#   fe_ssl_short               logs ssl_fc_has_crt without ssl_fc_is_resumed,
#                              and the issuer: its resumptions with a
#                              certificate are inferred resumptions;
#   fe_https (httpslog)        logs ssl_fc_is_resumed only.
# The categories come from the clients: s_client's "Reused"/"New" and the
# certificate each one offered.
tls_truth() { # NAME -> value
  awk -F'\t' -v want="$1" '
    function cat() {
      if ($9 == "hs_fail" || $9 == "badreq" || $3 != "tls") return ""
      if ($7 == "new") return ($8 == "none") ? "full_without_cert" : "full_with_cert"
      return ($8 == "none") ? "resumed_anonymous" : "resumed_with_identity"
    }
    NR > 1 {
      c = cat(); if (c == "") next
      both = ($2 == "fe_ssl_long" || $2 == "fe_notickets")
      if (both) n[c] += $10
      if (both || $2 == "fe_ssl_short" || $2 == "fe_https") n["lines"] += $10
      if ($2 == "fe_ssl_short" && c == "resumed_with_identity") n["inferred"] += $10
      if ($2 == "fe_notickets" && c ~ /^resumed/ && $6 == "TLSv1.2") n["notickets_tls12_resumed"] += $10
    }
    END { print n[want] + 0 }' "$W/truth.tsv"
}

check_tls() { # VARIANT FILE...
  local v=$1
  shift
  local j="$W/out/${v//\//.}.tls.json"
  [ -n "$FORMAT_HOW" ] && "$HALYZE" --json -q "${FORMAT_ARGS[@]}" "$@" > "$j" 2> "$j.err"
  local fw fwo rid ran inf
  fw=$(tls_truth full_with_cert) fwo=$(tls_truth full_without_cert)
  rid=$(tls_truth resumed_with_identity) ran=$(tls_truth resumed_anonymous) inf=$(tls_truth inferred)
  fcheck "$v" "tls.lines" "$(jn "$j" tls lines)" "$(tls_truth lines)"
  fcheck "$v" "tls.full_with_cert" "$(jn "$j" tls full_with_cert)" "$fw"
  fcheck "$v" "tls.full_without_cert" "$(jn "$j" tls full_without_cert)" "$fwo"
  fcheck "$v" "tls.resumed_identity_known" "$(jn "$j" tls resumed_identity_known)" "$rid"
  fcheck "$v" "tls.resumed_anonymous" "$(jn "$j" tls resumed_anonymous)" "$ran"
  fcheck "$v" "tls.resumed_without_cert" "$(jn "$j" tls resumed_without_cert)" "$((rid + ran))"
  fcheck "$v" "tls.resumed_with_cert" "$(jn "$j" tls resumed_with_cert)" 0
  fcheck "$v" "tls.inferred_resumed" "$(jn "$j" tls inferred_resumed)" "$inf"
  # every resumption is either traced to its handshake or counted untraced
  fcheck "$v" "tls.sessions traced + untraced" \
    "$(($(num "$(jn "$j" tls sessions resumed_traced)") + $(num "$(jn "$j" tls sessions resumed_untraced)")))" "$((rid + ran))"
  # the lab's TLS 1.2 resumptions on fe_notickets reuse the session id of their
  # full handshake (session cache): all of them are traced, by id
  [ "$(tls_truth notickets_tls12_resumed)" -gt 0 ] || check "lab: TLS 1.2 session-cache resumptions driven" 0 ">0"
  fcheck "$v" "tls.sessions traced >= TLS 1.2 session-cache resumptions" \
    "$(( $(num "$(jn "$j" tls sessions resumed_traced)") >= $(tls_truth notickets_tls12_resumed) ))" 1
  # the diagnosis opens with the incident, counted as the truth counts it
  fcheck "$v" "findings[0].id" "$(jr "$j" findings 0 id)" tls-resumed-identity-no-cert
  fcheck "$v" "findings[0].count" "$(jn "$j" findings 0 count)" "$rid"
  local k id cnt
  for k in 0 1 2 3 4 5 6 7 8; do
    id=$(jr "$j" findings "$k" id)
    cnt=$(jn "$j" findings "$k" count)
    case "$id" in
      tls-inferred-resumption) fcheck "$v" "findings $id count" "$cnt" "$inf" ;;
      tls-handshake-failure) fcheck "$v" "findings $id count" "$cnt" "${EXPECT[f_connerr]:-0}" ;;
    esac
  done
}

# A summary without what depends on the file names and line numbers
# (input.files, input.unparsed_samples, the FILE:LINE examples of findings),
# to compare two runs over the same lines. It reads the JSON as halyze
# pretty-prints it; should that layout change, the comparison fails, it does
# not pass.
strip_json() {
  awk 'skip { if (substr($0, 1, length(ind) + 1) == ind "]") skip = 0; next }
       /^ *"(files|unparsed_samples|examples)": \[/ {
         if ($0 ~ /\],?$/) next
         ind = substr($0, 1, index($0, "\"") - 1); skip = 1; next }
       { print }' "$1"
}

# The same lines, gzipped as a rotated set or as one multi-member file: the
# summary must be the plain file's, but for the file list.
check_variant() { # VARIANT PLAIN_VARIANT LINES FILE...
  local v=$1 p=$2 lines=$3
  shift 3
  local j="$W/out/${v//\//.}.envelope.json" pj="$W/out/${p//\//.}.envelope.json" rc
  "$HALYZE" --json -q "$@" > "$j" 2> "$j.err"
  rc=$?
  check "$v: exit status" "$rc" 0
  [ "$rc" = 0 ] || sed 's/^/      stderr: /' "$j.err"
  check "$v: input.files" "$(jr "$j" input files)" "array $#"
  check "$v: input.files.0.compressed" "$(jr "$j" input files 0 compressed)" true
  check "$v: input.lines (wc -l)" "$(jr "$j" input lines)" "$lines"
  same_as "$v" "$p" "$j" "$pj" check
  [ "$ENVELOPE_ONLY" = 1 ] && return
  j="$W/out/${v//\//.}.formats.json" pj="$W/out/${p//\//.}.formats.json" rc=
  if [ -n "$FORMAT_HOW" ]; then
    "$HALYZE" --json -q "${FORMAT_ARGS[@]}" "$@" > "$j" 2> "$j.err"
    rc=$?
    [ "$rc" = 0 ] || sed 's/^/      stderr: /' "$j.err"
  fi
  fcheck "$v" "exit status with formats" "$rc" 0
  same_as "$v" "$p" "$j" "$pj" fcheck
}

same_as() { # VARIANT PLAIN_VARIANT JSON PLAIN_JSON check|fcheck
  local what="summary (but file names and line numbers) equals $2's" got=same
  [ "$5" = fcheck ] && what="$what, with formats"
  if [ ! -s "$3" ] || [ ! -s "$4" ] || ! diff <(strip_json "$4") <(strip_json "$3") > "$3.diff"; then
    got=different
    [ -s "$3.diff" ] && head -n 20 "$3.diff" | sed 's/^/      diff: /'
  fi
  if [ "$5" = fcheck ]; then fcheck "$1" "$what" "$got" same; else check "$1: $what" "$got" same; fi
}

# The TLS truth for the TLS-diagnosis work: per frontend, connections and log
# lines by category, handshake failures by message, bad requests, and the
# session ids s_client saw on fe_notickets. Written to $W/tls-truth.json and
# printed.
write_tls_truth() {
  awk -F'\t' '
    function cat() {
      if ($9 == "hs_fail") return "handshake_failure"
      if ($9 == "badreq") return "bad_request"
      if ($3 != "tls") return "plain"
      if ($7 == "new") return ($8 == "none") ? "full_without_cert" : "full_with_cert"
      return ($8 == "none") ? "resumed_anonymous" : "resumed_with_identity"
    }
    NR > 1 {
      c = cat(); fe[$2] = 1
      conns[$2, c]++; lines[$2, c] += $10
      if (c == "handshake_failure") hs[$2, $14] += 1
      if (c ~ /^(full|resumed)/) { ver[$2, c, $6]++; idn[$2, c, $8]++ }
      if ($2 == "fe_notickets" && $4 == "s_client")
        sids = sids sprintf("%s\n    {\"conn\": %d, \"tls\": \"%s\", \"session\": \"%s\", \"cert\": \"%s\", \"identity\": \"%s\", \"client_session_id\": \"%s\"}",
                            (sids == "" ? "" : ","), $1, $6, $7, $5, $8, $16)
    }
    END {
      ncat = split("full_with_cert full_without_cert resumed_with_identity resumed_anonymous handshake_failure bad_request plain", cats, " ")
      nver = split("TLSv1.2 TLSv1.3", vers, " ")
      nid = split("alice bob expired mallory none", ids, " ")
      printf "{\n  \"schema\": \"halyze.e2e.tls-truth.v1\",\n  \"frontends\": {"
      sep = ""
      for (f in fe) {
        printf "%s\n    \"%s\": {", sep, f; sep = ","; s2 = ""
        for (i = 1; i <= ncat; i++) {
          c = cats[i]
          if (!((f, c) in conns)) continue
          printf "%s\n      \"%s\": {\"connections\": %d, \"lines\": %d", s2, c, conns[f, c], lines[f, c]; s2 = ","
          if (c ~ /^(full|resumed)/) {
            printf ", \"tls\": {"; s3 = ""
            for (k = 1; k <= nver; k++) if ((f, c, vers[k]) in ver) { printf "%s\"%s\": %d", s3, vers[k], ver[f, c, vers[k]]; s3 = ", " }
            printf "}, \"identity\": {"; s3 = ""
            for (k = 1; k <= nid; k++) if ((f, c, ids[k]) in idn) { printf "%s\"%s\": %d", s3, ids[k], idn[f, c, ids[k]]; s3 = ", " }
            printf "}"
          }
          if (c == "handshake_failure") {
            printf ", \"by_message\": {"; s3 = ""
            for (key in hs) { split(key, kk, SUBSEP); if (kk[1] == f) { printf "%s\"%s\": %d", s3, kk[2], hs[key]; s3 = ", " } }
            printf "}"
          }
          printf "}"
        }
        printf "\n    }"
      }
      printf "\n  },\n  \"notickets_sessions\": [%s\n  ]\n}\n", sids
    }' "$W/truth.tsv" > "$W/tls-truth.json"
}

# ---------------------------------------------------------------------------
[ -x "$HALYZE" ] || { echo "e2e: not an executable: $1" >&2; exit 1; }
[ -x "$JGET" ] || { echo "e2e: not an executable: $2" >&2; exit 1; }
ensure_tools
W=$(mktemp -d "${TMPDIR:-/tmp}/hz_e2e_XXXXXX")
PKI=$W/pki
mkdir -p "$W/out" "$W/rsyslog.work"
say "work directory $W; $(haproxy -v | head -n1)"

bash "$HERE/pki.sh" "$PKI" > "$W/pki.log" 2>&1 || lab_fail "PKI generation failed: $(tail -n 5 "$W/pki.log")"
pick_ports
say "ports $LOGPORT..$P_ERRFMT_TLS (rsyslog UDP $LOGPORT)"
subst "$HERE/haproxy.cfg.in" "$W/haproxy.cfg"
subst "$HERE/flaky.cfg.in" "$W/flaky.cfg"
subst "$HERE/rsyslog.conf.in" "$W/rsyslog.conf"
: > "$W/rfc5424.log"
: > "$W/messages.truth"

start_rsyslog
flaky_start
start_haproxy
say "lab up after $((SECONDS - T0)) s; driving traffic"

# shellcheck source=driver.sh
. "$HERE/driver.sh"
DRIVE_T0=$SECONDS
drive
say "traffic done: $(($(wc -l < "$W/truth.tsv") - 1)) connections in $((SECONDS - DRIVE_T0)) s; stopping haproxy"
stop_haproxy
flaky_stop
wait_rsyslog
stop_pid "$RSYSLOG_PID" rsyslogd
RSYSLOG_PID=

summarise_truth
load_expect
write_tls_truth
say "truth: $W/truth.tsv (per connection), $W/expect.tsv (figures), $W/tls-truth.json (TLS categories)"
cat "$W/tls-truth.json"

# The lab itself: the captures hold exactly the lines the driver expects, and
# the stdout capture holds only rfc5424 lines.
TOTAL=$((${EXPECT[lines]:-0} + $(awk -F'\t' '$1 ~ /^msg:/ {s += $2} END {print s + 0}' "$W/expect.tsv")))
for f in rfc5424.log facsev.log traditional.log; do
  check "lab: $f lines (traffic + HAProxy messages from the driver)" "$(wc -l < "$W/$f")" "$TOTAL"
done
check "lab: rfc5424.log lines not starting <PRI>1" "$(grep -cv '^<[0-9]*>1 ' "$W/rfc5424.log")" 0
# The connection-error messages the driver expects are HAProxy's own words.
while IFS= read -r m; do
  known=no
  for k in "${CONNERR_MESSAGES[@]}"; do [ "$k" = "$m" ] && known=yes; done
  check "lab: \"$m\" is in the list of reference 3.8" "$known" yes
done < <(awk -F'\t' 'NR > 1 && $14 != "-" {print $14}' "$W/truth.tsv" | sort -u)

# The three captures, checked against the truth; each also as a rotated set
# (x.log.1.gz x.log) and as one multi-member gzip (cat a.gz b.gz), checked
# against the plain file's summary.
for bug in "${XFAIL_ARGS[@]}"; do
  [ -n "${XFAIL_CHECKS[$bug]:-}" ] || lab_fail "--xfail $bug: no such known bug (known: ${!XFAIL_CHECKS[*]})"
  IFS='|' read -ra names <<<"${XFAIL_CHECKS[$bug]}"
  for k in "${names[@]}"; do XFAIL[$k]=$bug; done
  say "known bug $bug: its checks are expected to fail (XFAIL): ${XFAIL_CHECKS[$bug]}"
done
CHECK_T0=$SECONDS
detect_format_args
if [ "$ENVELOPE_ONLY" = 1 ]; then
  say "NOT RUN: format-dependent checks (requests per frontend, tls, status, termination, servers): --envelope-only"
elif [ -n "$FORMAT_HOW" ]; then
  say "halyze reads the formats through $FORMAT_HOW"
else
  say "halyze cannot read the lab's config: every format-dependent check will FAIL"
fi
for src in facsev.log:facility-severity-iso traditional.log:rfc3164 rfc5424.log:rfc5424; do
  f=${src%%:*} kind=${src#*:} base=${f%.log}
  n=$(wc -l < "$W/$f") half=$(($(wc -l < "$W/$f") / 2))
  mkdir -p "$W/v/$base"
  head -n "$half" "$W/$f" | gzip -c > "$W/v/$base/x.log.1.gz"
  tail -n +"$((half + 1))" "$W/$f" > "$W/v/$base/x.log"
  gzip -c "$W/v/$base/x.log" > "$W/v/$base/b.gz"
  cat "$W/v/$base/x.log.1.gz" "$W/v/$base/b.gz" > "$W/v/$base/members.gz"
  check_envelope "$base/plain" "$kind" "$n" "$W/$f"
  [ "$ENVELOPE_ONLY" = 1 ] || check_format_dependent "$base/plain" "$W/$f"
  [ "$ENVELOPE_ONLY" = 1 ] || check_tls "$base/plain" "$W/$f"
  check_variant "$base/rotated" "$base/plain" "$n" "$W/v/$base/x.log.1.gz" "$W/v/$base/x.log"
  check_variant "$base/members" "$base/plain" "$n" "$W/v/$base/members.gz"
done

say "checks took $((SECONDS - CHECK_T0)) s"
[ "$XFAILED" = 0 ] || say "$XFAILED expected failures (XFAIL) from known bugs: ${XFAIL_ARGS[*]}"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
