# The e2e lab's traffic driver, sourced by run.sh. Real clients (curl, openssl
# s_client, bash /dev/tcp) talk to the lab's haproxy, and every connection is
# written to $W/truth.tsv: what the driver did and therefore which lines HAProxy
# must log. The figures run.sh asserts come from this file, never from halyze.
#
# truth.tsv columns (tab-separated, one row per connection):
#   id        connection number
#   fe        frontend name (as in haproxy.cfg, without ~)
#   bind      plain | tls: the kind of port connected to
#   client    curl | s_client | devtcp
#   cert      certificate offered: none | alice | bob | expired | mallory
#   tls       TLSv1.2 | TLSv1.3 | - (plain TCP/HTTP)
#   session   new | reused (as the client reported it) | - (no TLS session)
#   identity  cert the TLS session carries (a resumed session keeps its first
#             handshake's certificate) | none | -
#   outcome   request   HTTP request(s), one httplog-style line each
#             tcp       one tcplog line for the whole connection
#             badreq    a <BADREQ> line (empty, garbage or timed-out request)
#             hs_fail   the TLS handshake failed: one connection-error line
#   lines     log lines the connection produces
#   status    HTTP status on those lines (- for tcp and legacy hs_fail lines)
#   term      termination state on those lines (- for legacy hs_fail lines)
#   server    backend/server on those lines (- when the format has none)
#   errmsg    connection-error message (HAProxy's text), or -
#   errfmt    1 when the line is built from error-log-format, else 0
#   sid       Session-ID that s_client printed, or -
# Requires from run.sh: W, PKI, the P_* ports, lab_fail.

TRUTH_COLS='id	fe	bind	client	cert	tls	session	identity	outcome	lines	status	term	server	errmsg	errfmt	sid'
CONN=0
HOST=e2e.test

truth_init() { printf '%s\n' "$TRUTH_COLS" > "$W/truth.tsv"; }

rec() { # all columns but id, in order
  CONN=$((CONN + 1))
  local IFS=$'\t'
  printf '%s\t%s\n' "$CONN" "$*" >> "$W/truth.tsv"
}

# What the frontend's verify policy does with a certificate: "ok", or the
# connection-error message HAProxy 2.6 logs. The messages are the ones that
# the real binary wrote in the lab (reference 3.8 lists them all):
#   no certificate under verify required -> "SSL handshake failure"
#   leaf not verifiable (expired, unknown CA) and not ignored
#                                        -> "SSL client certificate not trusted"
verdict() { # FE CERT
  local fe=$1 cert=$2
  case "$fe:$cert" in
    fe_strict:none) echo "SSL handshake failure" ;;
    fe_strict:expired | fe_strict:mallory | fe_ssl_long:expired | fe_ssl_long:mallory)
      echo "SSL client certificate not trusted" ;;
    *) echo ok ;;
  esac
}

cert_args_curl() { [ "$1" = none ] || printf '%s\n' --cert "$PKI/$1.crt" --key "$PKI/$1.key"; }
cert_args_ossl() { [ "$1" = none ] || printf '%s\n' -cert "$PKI/$1.crt" -key "$PKI/$1.key"; }
tls_args_curl() { case $1 in TLSv1.2) echo --tlsv1.2 --tls-max 1.2 ;; TLSv1.3) echo --tlsv1.3 ;; esac; }
tls_args_ossl() { case $1 in TLSv1.2) echo -tls1_2 ;; TLSv1.3) echo -tls1_3 ;; esac; }

# A frontend's log line shape for a normal request: "request" or "tcp".
line_kind() { case $1 in fe_tcp_tls) echo tcp ;; *) echo request ;; esac; }
backend_of() { case $1 in fe_tcp_tls) echo be_tcp/app1 ;; *) echo be_app/app1 ;; esac; }

# curl over TLS, one process: its first connection is always a full handshake
# (curl keeps no session cache across processes). Several PATHs go over one
# keep-alive connection (checked with %{num_connects}).
# tls_curl FE PORT CERT TLSVER UA PATH...
tls_curl() {
  local fe=$1 port=$2 cert=$3 ver=$4 ua=$5; shift 5
  local urls=() p
  for p in "$@"; do urls+=(-o /dev/null "https://$HOST:$port$p"); done
  local out rc
  # shellcheck disable=SC2046
  out=$(curl -sS --max-time 10 -w '%{http_code} %{num_connects} %{time_starttransfer} %{time_total}\n' \
    --resolve "$HOST:$port:127.0.0.1" --cacert "$PKI/root.crt" -A "$ua" \
    $(tls_args_curl "$ver") $(cert_args_curl "$cert") "${urls[@]}" 2>"$W/curl.err")
  rc=$?
  local v kind
  v=$(verdict "$fe" "$cert")
  kind=$(line_kind "$fe")
  if [ "$v" = ok ]; then
    local codes conns
    codes=$(awk '{printf "%s ", $1}' <<<"$out")
    conns=$(awk '{s += $2} END {print s + 0}' <<<"$out")
    if ! [ "$rc" = 0 ] || ! [ "$codes" = "$(printf '200 %.0s' "$@")" ] || ! [ "$conns" = 1 ]; then
      lab_fail "driver: curl $fe $cert $ver $*: exit $rc, codes '$codes', connections $conns (expected 200 each over one connection; per request: code, new connections, first byte and total seconds: $(tr '\n' ';' <<<"$out")): $(cat "$W/curl.err")"
    fi
    if [ "$kind" = tcp ]; then
      rec "$fe" tls curl "$cert" "$ver" new "$cert" tcp 1 - -- "$(backend_of "$fe")" - 0 -
    else
      rec "$fe" tls curl "$cert" "$ver" new "$cert" request $# 200 ---- "$(backend_of "$fe")" - 0 -
    fi
  else
    [ "$rc" != 0 ] ||
      lab_fail "driver: curl $fe $cert $ver: the handshake should have failed ($v) but curl exited 0"
    rec "$fe" tls curl "$cert" "$ver" - - hs_fail 1 - - - "$v" 0 -
  fi
}

# openssl s_client with one HTTP/1.1 request, saving the session to SESS_OUT
# and offering SESS_IN when given, to resume. The client's own report (New or
# Reused, Session-ID) is what gets recorded.
# sclient FE PORT CERT TLSVER SESS_IN|- SESS_OUT IDENTITY_OF_SESS_IN PATH
sclient() {
  local fe=$1 port=$2 cert=$3 ver=$4 sin=$5 sout=$6 sident=$7 path=$8
  local sargs=(-sess_out "$sout")
  [ "$sin" != - ] && sargs+=(-sess_in "$sin")
  # shellcheck disable=SC2046
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: s_client\r\nConnection: close\r\n\r\n' "$path" "$HOST" |
    timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername "$HOST" \
      -CAfile "$PKI/root.crt" -verify_return_error $(tls_args_ossl "$ver") \
      $(cert_args_ossl "$cert") "${sargs[@]}" -ign_eof > "$W/sclient.out" 2>&1
  local rc=$? sess sid code got_ver
  LAST_SESSION=-
  # A TLS 1.2 resumption issues no new session: keep offering the old one.
  [ -s "$sout" ] || [ "$sin" = - ] || cp "$sin" "$sout"
  sess=$(sed -n 's/^\(New\|Reused\), \(TLSv1\.[0-9]\).*/\1/p' "$W/sclient.out" | head -n1)
  got_ver=$(sed -n 's/^\(New\|Reused\), \(TLSv1\.[0-9]\).*/\2/p' "$W/sclient.out" | head -n1)
  sid=$(sed -n 's/^ *Session-ID: *\([0-9A-F]*\)$/\1/p' "$W/sclient.out" | head -n1)
  # s_client's own prints are buffered and may split a line around the
  # response it copies out, so the status line is looked for anywhere.
  code=$(grep -ao 'HTTP/1\.1 [0-9][0-9][0-9]' "$W/sclient.out" | head -n1 | cut -c10-)
  [ -n "$sid" ] || sid=-
  local v identity
  v=$(verdict "$fe" "$cert")
  case "$sess" in
    New) sess=new identity=$cert ;;
    Reused) sess=reused identity=$sident ;;
    *) lab_fail "driver: s_client $fe $cert $ver $path printed neither New nor Reused (exit $rc): $(tail -n 3 "$W/sclient.out")"; return ;;
  esac
  [ "$got_ver" = "$ver" ] || lab_fail "driver: s_client $fe asked for $ver and got '$got_ver'"
  if [ "$v" = ok ]; then
    [ "$code" = 200 ] || lab_fail "driver: s_client $fe $cert $ver $path: HTTP status '$code', expected 200 (exit $rc)"
    # A resumed session never re-runs the certificate check.
    LAST_SESSION=$sess
    rec "$fe" tls s_client "$cert" "$ver" "$sess" "$identity" request 1 200 ---- "$(backend_of "$fe")" - 0 "$sid"
  else
    [ "$sess" = new ] || lab_fail "driver: s_client $fe resumed a session that should have failed"
    [ -z "$code" ] || lab_fail "driver: s_client $fe $cert $ver: got HTTP $code, the handshake should have failed ($v)"
    rec "$fe" tls s_client "$cert" "$ver" - - hs_fail 1 - - - "$v" 0 -
  fi
}

# A chain of s_client connections: one full handshake, then N resumptions of
# its session (tickets, or the session-ID cache on a no-tls-tickets bind).
# sclient_chain FE PORT CERT TLSVER N_RESUMED
sclient_chain() {
  local fe=$1 port=$2 cert=$3 ver=$4 n=$5 i
  local s="$W/sess.$CONN"
  sclient "$fe" "$port" "$cert" "$ver" - "$s.0" - "/chain/$cert/$ver/0"
  for ((i = 1; i <= n; i++)); do
    sclient "$fe" "$port" "$cert" "$ver" "$s.$((i - 1))" "$s.$i" "$cert" "/chain/$cert/$ver/$i"
    [ "$LAST_SESSION" = reused ] ||
      lab_fail "driver: s_client $fe $cert $ver: resumption $i was not reused"
  done
}

plain_curl() { # FE PORT EXPECTED_STATUS TERM SERVER PATH...
  local fe=$1 port=$2 want=$3 term=$4 server=$5; shift 5
  local urls=() p out rc
  for p in "$@"; do urls+=(-o /dev/null "http://127.0.0.1:$port$p"); done
  out=$(curl -sS --max-time 10 -w '%{http_code} %{num_connects} %{time_starttransfer} %{time_total}\n' "${urls[@]}" 2>"$W/curl.err")
  rc=$?
  local codes conns
  codes=$(awk '{printf "%s ", $1}' <<<"$out")
  conns=$(awk '{s += $2} END {print s + 0}' <<<"$out")
  if ! [ "$rc" = 0 ] || ! [ "$codes" = "$(printf "$want %.0s" "$@")" ] || ! [ "$conns" = 1 ]; then
    lab_fail "driver: curl $fe $*: exit $rc, codes '$codes', connections $conns (expected $want each over one connection; per request: code, new connections, first byte and total seconds: $(tr '\n' ';' <<<"$out")): $(cat "$W/curl.err")"
  fi
  rec "$fe" plain curl none - - - request $# "$want" "$term" "$server" - 0 -
}

# bash /dev/tcp: HOW is
#   empty        connect, close (on a TLS port: the handshake never starts)
#   garbage      a line that is not HTTP
#   slow         half a request, then wait for `timeout http-request`
#   http-on-tls  a plain HTTP request sent to a TLS port
# ERRFMT is 1 when the frontend has an error-log-format, which then builds the
# line: HAProxy 2.6 prints %ST as 0, %tsc as PR-- and %r as <BADREQ> on it for
# a handshake error (no stream exists), lab-observed.
# devtcp FE PORT plain|tls HOW ERRFMT
devtcp() {
  local fe=$1 port=$2 kind=$3 how=$4 errfmt=$5 fd reply=
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" || { lab_fail "driver: cannot connect to $fe ($port)"; return; }
  # Writes go through a subshell: should the peer have closed already, the
  # SIGPIPE ends that subshell and not the driver.
  case $how in
    empty) ;;
    garbage) (printf 'GARBAGE \001\002 not http\r\n\r\n' >&"$fd") 2>/dev/null; reply=$(timeout 5 head -c 12 <&"$fd") ;;
    slow) (printf 'GET /slow HTTP/1.1\r\nHost: e2e' >&"$fd") 2>/dev/null; reply=$(timeout 5 head -c 12 <&"$fd") ;;
    http-on-tls) (printf 'GET / HTTP/1.1\r\nHost: e2e.test\r\n\r\n' >&"$fd") 2>/dev/null; timeout 5 cat <&"$fd" > /dev/null 2>&1 ;;
  esac
  exec {fd}>&-
  local server=$fe/'<NOSRV>'
  [ "$errfmt" = 1 ] && server=-
  case $kind:$how in
    tls:empty | tls:http-on-tls)
      local msg="Connection closed during SSL handshake"
      [ "$how" = http-on-tls ] && msg="SSL handshake failure"
      if [ "$errfmt" = 1 ]; then
        rec "$fe" "$kind" devtcp none - - - hs_fail 1 0 PR-- - "$msg" 1 -
      else
        rec "$fe" "$kind" devtcp none - - - hs_fail 1 - - - "$msg" 0 -
      fi ;;
    plain:empty)
      rec "$fe" "$kind" devtcp none - - - badreq 1 400 CR-- "$server" - "$errfmt" - ;;
    plain:garbage)
      [ "$reply" = "HTTP/1.1 400" ] || lab_fail "driver: garbage to $fe got '$reply', expected HTTP/1.1 400"
      rec "$fe" "$kind" devtcp none - - - badreq 1 400 PR-- "$server" - "$errfmt" - ;;
    plain:slow)
      [ "$reply" = "HTTP/1.1 408" ] || lab_fail "driver: a slow request to $fe got '$reply', expected HTTP/1.1 408"
      rec "$fe" "$kind" devtcp none - - - badreq 1 408 cR-- "$server" - "$errfmt" - ;;
    *) lab_fail "driver: devtcp: no such case $kind:$how" ;;
  esac
}

# Waits until the stdout capture shows a line containing TEXT (fixed string),
# at most 10 s: the driver's proof that the server state changed.
wait_log() {
  local text=$1 i
  for ((i = 0; i < 100; i++)); do
    grep -qF -- "$text" "$W/rfc5424.log" && return 0
    sleep 0.1
  done
  lab_fail "driver: HAProxy did not log '$text' within 10 s"
}

# The flaky server's process stopped, then started again: HAProxy must log
# its server DOWN (and its backend left with no server), then UP.
flaky_down() {
  flaky_stop
  printf 'msg:server_down\t1\nmsg:backend_no_server\t1\n' >> "$W/messages.truth"
}
flaky_up() {
  flaky_start
  printf 'msg:server_up\t1\n' >> "$W/messages.truth"
}

# ---------------------------------------------------------------------------
# The traffic plan. Counts are small: about 150 connections in all.
drive() {
  truth_init
  local i v c

  # Two requests left unfinished on purpose (timeout http-request 1s on
  # fe_http): run in the background while the rest goes on.
  (CONN=900; devtcp fe_http "$P_HTTP" plain slow 0 && echo finished > "$W/slow.1") &
  BG_PIDS+=($!)
  (CONN=901; devtcp fe_http "$P_HTTP" plain slow 0 && echo finished > "$W/slow.2") &
  BG_PIDS+=($!)

  # fe_http: plain httplog
  for i in $(seq 1 15); do plain_curl fe_http "$P_HTTP" 200 ---- be_app/app1 "/plain/$i"; done
  plain_curl fe_http "$P_HTTP" 200 ---- be_app/app1 /ka/1 /ka/2 /ka/3 /ka/4 /ka/5
  for i in 1 2 3 4 5; do devtcp fe_http "$P_HTTP" plain empty 0; done
  for i in 1 2 3 4; do devtcp fe_http "$P_HTTP" plain garbage 0; done

  # The flaky server: up, down (its process killed), up again.
  for i in 1 2 3; do plain_curl fe_http "$P_HTTP" 200 ---- be_flaky/flaky1 "/flaky/up/$i"; done
  flaky_down
  wait_log "Server be_flaky/flaky1 is DOWN"
  wait_log "backend be_flaky has no server available!"
  for i in 1 2 3 4; do plain_curl fe_http "$P_HTTP" 503 SC-- 'be_flaky/<NOSRV>' "/flaky/down/$i"; done
  flaky_up
  wait_log "Server be_flaky/flaky1 is UP"
  for i in 1 2 3; do plain_curl fe_http "$P_HTTP" 200 ---- be_flaky/flaky1 "/flaky/again/$i"; done

  # fe_ssl_long: verify optional, the long curly-brace format.
  for c in alice bob none; do
    for v in TLSv1.2 TLSv1.3; do sclient_chain fe_ssl_long "$P_SSL_LONG" "$c" "$v" 2; done
  done
  for v in TLSv1.2 TLSv1.3; do
    tls_curl fe_ssl_long "$P_SSL_LONG" alice "$v" curl/e2e /long/alice
    tls_curl fe_ssl_long "$P_SSL_LONG" none "$v" curl/e2e /long/none
    tls_curl fe_ssl_long "$P_SSL_LONG" expired "$v" curl/e2e /long/expired
  done
  tls_curl fe_ssl_long "$P_SSL_LONG" mallory TLSv1.3 curl/e2e /long/mallory
  tls_curl fe_ssl_long "$P_SSL_LONG" bob TLSv1.3 curl/e2e /long/ka/1 /long/ka/2 /long/ka/3 /long/ka/4

  # fe_ssl_short: every error ignored; Host and User-Agent captured.
  for c in alice none expired mallory; do
    for v in TLSv1.2 TLSv1.3; do tls_curl fe_ssl_short "$P_SSL_SHORT" "$c" "$v" "e2e $c \"quoted\" {ua}" "/short/$c"; done
  done
  sclient_chain fe_ssl_short "$P_SSL_SHORT" alice TLSv1.2 1

  # fe_https: option httpslog, every error ignored.
  for c in alice bob none expired mallory; do
    for v in TLSv1.2 TLSv1.3; do tls_curl fe_https "$P_HTTPS" "$c" "$v" curl/e2e "/https/$c"; done
  done
  sclient_chain fe_https "$P_HTTPS" mallory TLSv1.3 1
  sclient_chain fe_https "$P_HTTPS" expired TLSv1.2 1

  # fe_tcp_tls: TCP over TLS, one tcplog line per connection.
  for i in 1 2 3 4; do tls_curl fe_tcp_tls "$P_TCP_TLS" none TLSv1.3 curl/e2e "/tcp/$i"; done
  tls_curl fe_tcp_tls "$P_TCP_TLS" none TLSv1.2 curl/e2e /tcp/ka/1 /tcp/ka/2 /tcp/ka/3
  for i in 1 2; do devtcp fe_tcp_tls "$P_TCP_TLS" tls empty 0; done

  # fe_notickets: resumption through the session-ID cache (TLS 1.2) and
  # stateful tickets (TLS 1.3 with SSL_OP_NO_TICKET).
  sclient_chain fe_notickets "$P_NOTICKETS" alice TLSv1.2 3
  sclient_chain fe_notickets "$P_NOTICKETS" bob TLSv1.3 2
  sclient_chain fe_notickets "$P_NOTICKETS" none TLSv1.2 1
  sclient_chain fe_notickets "$P_NOTICKETS" none TLSv1.3 1

  # fe_strict: verify required.
  for i in 1 2 3; do tls_curl fe_strict "$P_STRICT" alice TLSv1.3 curl/e2e "/strict/$i"; done
  sclient_chain fe_strict "$P_STRICT" bob TLSv1.2 1
  for v in TLSv1.2 TLSv1.3; do
    tls_curl fe_strict "$P_STRICT" none "$v" curl/e2e /strict/none
    tls_curl fe_strict "$P_STRICT" expired "$v" curl/e2e /strict/expired
    sclient fe_strict "$P_STRICT" mallory "$v" - "$W/sess.mallory" - /strict/mallory
  done
  for i in 1 2; do devtcp fe_strict "$P_STRICT" tls empty 0; done

  # fe_errfmt: error-log-format builds the <BADREQ> and handshake-error lines.
  for i in 1 2 3; do plain_curl fe_errfmt "$P_ERRFMT" 200 ---- be_app/app1 "/errfmt/$i"; done
  for i in 1 2; do devtcp fe_errfmt "$P_ERRFMT" plain empty 1; done
  for i in 1 2; do devtcp fe_errfmt "$P_ERRFMT" plain garbage 1; done
  for i in 1 2; do tls_curl fe_errfmt "$P_ERRFMT_TLS" none TLSv1.3 curl/e2e "/errfmt/tls/$i"; done
  for i in 1 2; do devtcp fe_errfmt "$P_ERRFMT_TLS" tls empty 1; done
  for i in 1 2; do devtcp fe_errfmt "$P_ERRFMT_TLS" tls http-on-tls 1; done

  # The two slow requests (their rows are appended by the subshells).
  local p
  for p in "${BG_PIDS[@]}"; do wait "$p"; done
  BG_PIDS=()
  if ! [ -f "$W/slow.1" ] || ! [ -f "$W/slow.2" ]; then
    lab_fail "driver: a slow request did not end in 408 as expected"
  fi
}
