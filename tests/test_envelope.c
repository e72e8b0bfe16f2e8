/* Unit tests for the syslog envelope parser, built from real captured lines. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "halyze/envelope.h"
#include "hz_test.h"

/* Every line is parsed from a heap copy of exactly its length, so that
 * AddressSanitizer catches any read past p[n-1]. */
static char *buf;
static size_t buf_n;

static int within(struct hz_str s)
{
	if (s.n == 0)
		return s.p == NULL || (s.p >= buf && s.p <= buf + buf_n);
	return s.p >= buf && s.p + s.n <= buf + buf_n;
}

/* Invariants that hold for any input: views inside the line, msg running
 * to the end of the line, a known kind. */
static void check_invariants(const struct hz_envelope *e)
{
	CHECK(e->kind >= HZ_HDR_RAW && e->kind < HZ_HDR_COUNT);
	CHECK(within(e->timestamp) && within(e->host) && within(e->tag) && within(e->pid) &&
	      within(e->msgid) && within(e->sd) && within(e->msg));
	CHECK(e->msg.p == buf + buf_n - e->msg.n);
	CHECK(e->pri >= -1 && e->pri <= 191);
	CHECK(e->facility >= -1 && e->facility <= 23);
	CHECK(e->severity >= -1 && e->severity <= 7);
	if (e->kind == HZ_HDR_RAW)
		CHECK(e->msg.n == buf_n && e->pri == -1 && e->timestamp.n == 0 && e->host.n == 0 && e->tag.n == 0);
}

static void parse_n(const char *s, size_t n, struct hz_envelope *e)
{
	free(buf);
	buf = malloc(n ? n : 1);
	if (!buf)
		abort();
	memcpy(buf, s, n);
	buf_n = n;
	hz_envelope_parse(buf, n, e);
}

/* Quiet variant for the loops: counts one CHECK per failed invariant
 * rather than thousands of passes. */
static int invariants_hold(const struct hz_envelope *e)
{
	if (!(e->kind >= HZ_HDR_RAW && e->kind < HZ_HDR_COUNT))
		return 0;
	if (!(within(e->timestamp) && within(e->host) && within(e->tag) && within(e->pid) &&
	      within(e->msgid) && within(e->sd) && within(e->msg)))
		return 0;
	if (e->msg.p != buf + buf_n - e->msg.n)
		return 0;
	if (e->pri < -1 || e->pri > 191 || e->facility < -1 || e->facility > 23 ||
	    e->severity < -1 || e->severity > 7)
		return 0;
	return 1;
}

#define PARSE(lit, e) do { parse_n((lit), sizeof(lit) - 1, (e)); check_invariants(e); } while (0)

#define CHECK_PRI(e, p_, f_, s_) do { \
	CHECK_EQ_INT((e)->pri, p_); CHECK_EQ_INT((e)->facility, f_); CHECK_EQ_INT((e)->severity, s_); \
} while (0)

#define CHECK_TIME(e, y, mo, d, h, mi, s, us, off) do { \
	CHECK_EQ_INT((e)->time.year, y); CHECK_EQ_INT((e)->time.mon, mo); \
	CHECK_EQ_INT((e)->time.mday, d); CHECK_EQ_INT((e)->time.hour, h); \
	CHECK_EQ_INT((e)->time.min, mi); CHECK_EQ_INT((e)->time.sec, s); \
	CHECK_EQ_INT((e)->time.usec, us); CHECK_EQ_INT((e)->time.utcoff, off); \
} while (0)

#define CHECK_NOHDR(e) do { \
	CHECK_STR((e)->host, ""); CHECK_STR((e)->tag, ""); CHECK_STR((e)->pid, ""); \
	CHECK_STR((e)->msgid, ""); CHECK_STR((e)->sd, ""); \
} while (0)

/* The traffic line of run 1 ("MSG" in the spec's table), as `format raw`
 * wrote it. */
#define MSG "127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\""
#define CONNECT "Connect from 127.0.0.1:59736 to 127.0.0.1:18083 (fe_legacy/HTTP)"
#define SSLERR "127.0.0.1:36964 [27/Nov/2026:04:16:19.870] fe_sslerr/strictbind: SSL handshake failure"
#define SDMSG "127.0.0.1:44922 [27/Nov/2026:04:16:19.988] fe_sd be_app/app1 0/0/0/0/0 200 77 - - ---- 4/1/0/0/0 0/0 {ua #22with#22 quotes]} \"GET /sd HTTP/1.1\""

static void test_rfc3164(void)
{
	struct hz_envelope e;

	PARSE("<134>Nov 27 04:16:05 lab-host haproxy-example[10231]: 127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_PRI(&e, 134, 16, 6);
	CHECK_STR(e.timestamp, "Nov 27 04:16:05");
	CHECK_TIME(&e, -1, 11, 27, 4, 16, 5, 0, INT32_MIN);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.tag, "haproxy-example");
	CHECK_STR(e.pid, "10231");
	CHECK_STR(e.msgid, "");
	CHECK_STR(e.sd, "");
	CHECK_STR(e.msg, MSG);
	CHECK(hz_time_epoch(&e.time) == INT64_MIN);
}

static void test_rfc3164_local(void)
{
	struct hz_envelope e;

	PARSE("<134>Nov 27 04:16:05 haproxy-example[10231]: 127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164_LOCAL);
	CHECK_PRI(&e, 134, 16, 6);
	CHECK_STR(e.timestamp, "Nov 27 04:16:05");
	CHECK_TIME(&e, -1, 11, 27, 4, 16, 5, 0, INT32_MIN);
	CHECK_STR(e.host, "");
	CHECK_STR(e.tag, "haproxy-example");
	CHECK_STR(e.pid, "10231");
	CHECK_STR(e.msg, MSG);
}

static void test_rfc5424(void)
{
	struct hz_envelope e;

	PARSE("<134>1 2026-11-27T04:16:05.873054+00:00 lab-host haproxy-example 10231 - - 127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC5424);
	CHECK_PRI(&e, 134, 16, 6);
	CHECK_STR(e.timestamp, "2026-11-27T04:16:05.873054+00:00");
	CHECK_TIME(&e, 2026, 11, 27, 4, 16, 5, 873054, 0);
	CHECK_EQ_INT(hz_time_epoch(&e.time), 1795752965);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.tag, "haproxy-example");
	CHECK_STR(e.pid, "10231");
	CHECK_STR(e.msgid, "");
	CHECK_STR(e.sd, "");
	CHECK_STR(e.msg, MSG);

	/* Real SD element from the lab, with \" and \] escapes and a ']'
	 * inside the quoted value. */
	PARSE("<134>1 2026-11-27T04:16:19.989237+00:00 lab-host haproxy-example 10231 - [exampleSDID@1234 ua=\"ua \\\"with\\\" quotes\\]\" path=\"/sd\"] 127.0.0.1:44922 [27/Nov/2026:04:16:19.988] fe_sd be_app/app1 0/0/0/0/0 200 77 - - ---- 4/1/0/0/0 0/0 {ua #22with#22 quotes]} \"GET /sd HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC5424);
	CHECK_PRI(&e, 134, 16, 6);
	CHECK_STR(e.timestamp, "2026-11-27T04:16:19.989237+00:00");
	CHECK_TIME(&e, 2026, 11, 27, 4, 16, 19, 989237, 0);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.tag, "haproxy-example");
	CHECK_STR(e.pid, "10231");
	CHECK_STR(e.msgid, "");
	CHECK_STR(e.sd, "[exampleSDID@1234 ua=\"ua \\\"with\\\" quotes\\]\" path=\"/sd\"]");
	CHECK_STR(e.msg, SDMSG);

	/* Repeated elements, a \\ escape, Z zone, NILVALUE timestamp and host,
	 * a real MSGID. */
	PARSE("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"App\\\\\" eventID=\"1011\"][examplePriority@32473 class=\"high\"] An application event", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC5424);
	CHECK_PRI(&e, 165, 20, 5);
	CHECK_TIME(&e, 2003, 10, 11, 22, 14, 15, 3000, 0);
	CHECK_STR(e.host, "mymachine.example.com");
	CHECK_STR(e.tag, "evntslog");
	CHECK_STR(e.pid, "");
	CHECK_STR(e.msgid, "ID47");
	CHECK_STR(e.sd, "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\\\\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]");
	CHECK_STR(e.msg, "An application event");

	PARSE("<134>1 - - haproxy 42 - - Proxy p started.", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC5424);
	CHECK_STR(e.timestamp, "");
	CHECK_EQ_INT(e.time.year, -1);
	CHECK_STR(e.host, "");
	CHECK_STR(e.tag, "haproxy");
	CHECK_STR(e.pid, "42");
	CHECK_STR(e.msg, "Proxy p started.");

	/* Empty message after the SD. */
	PARSE("<134>1 2026-11-27T04:16:05Z h a 1 - -", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC5424);
	CHECK_STR(e.msg, "");

	/* An unterminated SD element is not an RFC 5424 header: what follows
	 * <134> is the message. */
	PARSE("<134>1 2026-11-27T04:16:05Z h a 1 - [x a=\"]\" msg", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_PRIORITY);
	CHECK_STR(e.msg, "1 2026-11-27T04:16:05Z h a 1 - [x a=\"]\" msg");
	CHECK_STR(e.sd, "");
	CHECK_STR(e.host, "");
	CHECK_STR(e.timestamp, "");
}

static void test_short_priority_raw(void)
{
	struct hz_envelope e;

	PARSE("<6>127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_SHORT);
	CHECK_PRI(&e, 6, -1, 6);
	CHECK_STR(e.timestamp, "");
	CHECK_NOHDR(&e);
	CHECK_STR(e.msg, MSG);

	PARSE("<134>127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_PRIORITY);
	CHECK_PRI(&e, 134, 16, 6);
	CHECK_STR(e.timestamp, "");
	CHECK_NOHDR(&e);
	CHECK_STR(e.msg, MSG);

	PARSE("127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	CHECK_PRI(&e, -1, -1, -1);
	CHECK_STR(e.timestamp, "");
	CHECK_NOHDR(&e);
	CHECK_STR(e.msg, MSG);

	/* err level with option log-separate-errors. */
	PARSE("<3>127.0.0.1:59294 x", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_SHORT);
	CHECK_PRI(&e, 3, -1, 3);
	/* 0..7 is a level; from 8 on a PRI (daemon.info = 30). */
	PARSE("<7>x", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_SHORT);
	PARSE("<8>x", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_PRIORITY);
	CHECK_PRI(&e, 8, 1, 0);
	PARSE("<30>x", &e);
	CHECK_PRI(&e, 30, 3, 6);
	PARSE("<191>x", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_PRIORITY);
	CHECK_PRI(&e, 191, 23, 7);
	CHECK_STR(e.msg, "x");
}

static void test_iso_timed(void)
{
	struct hz_envelope e;

	PARSE("2026-11-27T04:16:05.873095+00:00 127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_PRI(&e, -1, -1, -1);
	CHECK_STR(e.timestamp, "2026-11-27T04:16:05.873095+00:00");
	CHECK_TIME(&e, 2026, 11, 27, 4, 16, 5, 873095, 0);
	CHECK_EQ_INT(hz_time_epoch(&e.time), 1795752965);
	CHECK_NOHDR(&e);
	CHECK_STR(e.msg, MSG);

	PARSE("<6>2026-11-27T04:16:05.873142+00:00 127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_TIMED);
	CHECK_PRI(&e, 6, -1, 6);
	CHECK_STR(e.timestamp, "2026-11-27T04:16:05.873142+00:00");
	CHECK_TIME(&e, 2026, 11, 27, 4, 16, 5, 873142, 0);
	CHECK_NOHDR(&e);
	CHECK_STR(e.msg, MSG);

	/* A timestamp and nothing else. */
	PARSE("2026-11-27T04:16:05.873095+00:00", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_STR(e.msg, "");
	PARSE("2026-11-27T04:16:05.873095+00:00 ", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_STR(e.msg, "");
}

/* The legacy "Connect from" line and the connection-error line in every
 * format HAProxy sent them in. */
static void test_connect_and_conn_error(void)
{
	struct hz_envelope e;

	PARSE("<134>Nov 27 04:16:15 lab-host haproxy-example[10231]: Connect from 127.0.0.1:59736 to 127.0.0.1:18083 (fe_legacy/HTTP)", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.msg, CONNECT);
	PARSE("<134>1 2026-11-27T04:16:15.602489+00:00 lab-host haproxy-example 10231 - - Connect from 127.0.0.1:59736 to 127.0.0.1:18083 (fe_legacy/HTTP)", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC5424);
	CHECK_TIME(&e, 2026, 11, 27, 4, 16, 15, 602489, 0);
	CHECK_STR(e.msg, CONNECT);
	PARSE("<6>Connect from 127.0.0.1:59736 to 127.0.0.1:18083 (fe_legacy/HTTP)", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_SHORT);
	CHECK_STR(e.msg, CONNECT);
	PARSE("Connect from 127.0.0.1:59736 to 127.0.0.1:18083 (fe_legacy/HTTP)", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	CHECK_STR(e.msg, CONNECT);
	PARSE("2026-11-27T04:16:15.602512+00:00 Connect from 127.0.0.1:59736 to 127.0.0.1:18083 (fe_legacy/HTTP)", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_STR(e.host, "");
	CHECK_STR(e.tag, "");
	CHECK_STR(e.msg, CONNECT);
	PARSE("<6>2026-11-27T04:16:15.602516+00:00 Connect from 127.0.0.1:59736 to 127.0.0.1:18083 (fe_legacy/HTTP)", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_TIMED);
	CHECK_STR(e.tag, "");
	CHECK_STR(e.msg, CONNECT);
	PARSE("<134>Connect from 127.0.0.1:59736 to 127.0.0.1:18083 (fe_legacy/HTTP)", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_PRIORITY);
	CHECK_STR(e.msg, CONNECT);
	PARSE("<134>Nov 27 04:16:15 haproxy-example[10231]: Connect from 127.0.0.1:59736 to 127.0.0.1:18083 (fe_legacy/HTTP)", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164_LOCAL);
	CHECK_STR(e.msg, CONNECT);

	PARSE("<134>Nov 27 04:16:19 lab-host haproxy-example[10231]: 127.0.0.1:36964 [27/Nov/2026:04:16:19.870] fe_sslerr/strictbind: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.tag, "haproxy-example");
	CHECK_STR(e.msg, SSLERR);
	PARSE("<134>1 2026-11-27T04:16:19.879863+00:00 lab-host haproxy-example 10231 - - 127.0.0.1:36964 [27/Nov/2026:04:16:19.870] fe_sslerr/strictbind: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC5424);
	CHECK_STR(e.msg, SSLERR);
	PARSE("<6>127.0.0.1:36964 [27/Nov/2026:04:16:19.870] fe_sslerr/strictbind: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_SHORT);
	CHECK_STR(e.msg, SSLERR);
	PARSE("127.0.0.1:36964 [27/Nov/2026:04:16:19.870] fe_sslerr/strictbind: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	CHECK_STR(e.msg, SSLERR);
	PARSE("2026-11-27T04:16:19.879916+00:00 127.0.0.1:36964 [27/Nov/2026:04:16:19.870] fe_sslerr/strictbind: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_STR(e.host, "");
	CHECK_STR(e.tag, "");
	CHECK_STR(e.msg, SSLERR);
	PARSE("<6>2026-11-27T04:16:19.879920+00:00 127.0.0.1:36964 [27/Nov/2026:04:16:19.870] fe_sslerr/strictbind: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_TIMED);
	CHECK_STR(e.tag, "");
	CHECK_STR(e.msg, SSLERR);
	PARSE("<134>127.0.0.1:36964 [27/Nov/2026:04:16:19.870] fe_sslerr/strictbind: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_PRIORITY);
	CHECK_STR(e.msg, SSLERR);
	PARSE("<134>Nov 27 04:16:19 haproxy-example[10231]: 127.0.0.1:36964 [27/Nov/2026:04:16:19.870] fe_sslerr/strictbind: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164_LOCAL);
	CHECK_STR(e.tag, "haproxy-example");
	CHECK_STR(e.msg, SSLERR);
}

/* rsyslog's traditional file format, as other projects' test data has it. */
static void test_rsyslog_traditional(void)
{
	struct hz_envelope e;

	PARSE("Feb 25 16:19:38 192.168.4.2 haproxy[1]: Proxy prod_http_in started.", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_PRI(&e, -1, -1, -1);
	CHECK_STR(e.timestamp, "Feb 25 16:19:38");
	CHECK_TIME(&e, -1, 2, 25, 16, 19, 38, 0, INT32_MIN);
	CHECK_STR(e.host, "192.168.4.2");
	CHECK_STR(e.tag, "haproxy");
	CHECK_STR(e.pid, "1");
	CHECK_STR(e.msg, "Proxy prod_http_in started.");

	PARSE("Feb 25 16:20:12 192.168.4.2 haproxy[7]: 95.216.197.33:56224 [25/Feb/2019:16:20:10.111] prod_http_in/sktst2: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "192.168.4.2");
	CHECK_STR(e.pid, "7");
	CHECK_STR(e.msg, "95.216.197.33:56224 [25/Feb/2019:16:20:10.111] prod_http_in/sktst2: SSL handshake failure");

	PARSE("Sep 20 15:42:59 1.128.3.4 haproxy[24551]: Connect from 1.128.3.4:40780 to 1.128.3.4:5000 (main/HTTP)", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_TIME(&e, -1, 9, 20, 15, 42, 59, 0, INT32_MIN);
	CHECK_STR(e.host, "1.128.3.4");
	CHECK_STR(e.tag, "haproxy");
	CHECK_STR(e.pid, "24551");
	CHECK_STR(e.msg, "Connect from 1.128.3.4:40780 to 1.128.3.4:5000 (main/HTTP)");

	PARSE("Sep 20 15:44:23 127.0.0.1 haproxy[25457]: 127.0.0.1:40962 [20/Sep/2018:15:44:23.285] main app/<NOSRV> -1/-1/1 212 SC 1/1/0/0/0 0/0", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "127.0.0.1");
	CHECK_STR(e.pid, "25457");
	CHECK_STR(e.msg, "127.0.0.1:40962 [20/Sep/2018:15:44:23.285] main app/<NOSRV> -1/-1/1 212 SC 1/1/0/0/0 0/0");

	PARSE("May 22 02:22:22 server1 haproxy[5089]: -:22222 [22/May/2021:02:22:22.222] www-https~ myapp/node2 site.domain.com 0/0/0/18/18 200 200 - - ---- 222/222/2/0/0 0/0 \"OPTIONS /api/v2/app/ HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_TIME(&e, -1, 5, 22, 2, 22, 22, 0, INT32_MIN);
	CHECK_STR(e.host, "server1");
	CHECK_STR(e.msg, "-:22222 [22/May/2021:02:22:22.222] www-https~ myapp/node2 site.domain.com 0/0/0/18/18 200 200 - - ---- 222/222/2/0/0 0/0 \"OPTIONS /api/v2/app/ HTTP/1.1\"");

	PARSE("Dec 10 12:01:46 voyager haproxy[19312]: 127.0.0.1:35982 [10/Dec/2018:12:01:46.395] http-webservices http-webservices/<NOSRV> 0/-1/-1/-1/0 503 213 - - SC-- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_TIME(&e, -1, 12, 10, 12, 1, 46, 0, INT32_MIN);
	CHECK_STR(e.host, "voyager");

	/* The traditional layout for the lab line (section 4.1). */
	PARSE("Nov 27 04:16:05 lab-host haproxy[10231]: 127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.tag, "haproxy");
	CHECK_STR(e.msg, MSG);
}

static void test_space_padded_day(void)
{
	struct hz_envelope e;

	PARSE("Feb  9 01:02:03 lab-host haproxy[10231]: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.timestamp, "Feb  9 01:02:03");
	CHECK_TIME(&e, -1, 2, 9, 1, 2, 3, 0, INT32_MIN);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.msg, MSG);

	PARSE("<134>Nov  7 23:59:60 haproxy-example[10231]: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164_LOCAL);
	CHECK_TIME(&e, -1, 11, 7, 23, 59, 60, 0, INT32_MIN);
	CHECK_STR(e.msg, MSG);

	PARSE("Feb 09 01:02:03 h t: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_EQ_INT(e.time.mday, 9);
	PARSE("Feb 9 01:02:03 h t: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.timestamp, "Feb 9 01:02:03");
	CHECK_EQ_INT(e.time.mday, 9);
	CHECK_STR(e.msg, "m");

	/* Not a stamp: day 0 or 32, hour 24, unknown month, lower case. */
	PARSE("Feb  0 01:02:03 h t: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("Feb 32 01:02:03 h t: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("Feb 28 24:02:03 h t: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("Fex 28 01:02:03 h t: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("FEB 28 01:02:03 h t: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
}

/* RSYSLOG_FileFormat and journalctl -o short-iso. */
static void test_rsyslog_iso(void)
{
	struct hz_envelope e;

	PARSE("2026-11-27T04:16:05.873054+00:00 lab-host haproxy[10231]: 127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RSYSLOG_ISO);
	CHECK_PRI(&e, -1, -1, -1);
	CHECK_STR(e.timestamp, "2026-11-27T04:16:05.873054+00:00");
	CHECK_TIME(&e, 2026, 11, 27, 4, 16, 5, 873054, 0);
	CHECK_EQ_INT(hz_time_epoch(&e.time), 1795752965);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.tag, "haproxy");
	CHECK_STR(e.pid, "10231");
	CHECK_STR(e.msg, MSG);

	/* journalctl -o short-iso: +0000, no fraction. */
	PARSE("2021-02-21T21:51:45+0000 lab-host haproxy[3578986]: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RSYSLOG_ISO);
	CHECK_STR(e.timestamp, "2021-02-21T21:51:45+0000");
	CHECK_TIME(&e, 2021, 2, 21, 21, 51, 45, 0, 0);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.tag, "haproxy");
	CHECK_STR(e.pid, "3578986");
	CHECK_STR(e.msg, MSG);

	PARSE("2021-02-21T21:51:45-0800 lab-host haproxy[1]: x", &e);
	CHECK_EQ_INT(e.time.utcoff, -28800);
	CHECK_EQ_INT(hz_time_epoch(&e.time), 1613973105);
	PARSE("2026-11-27T04:16:05+05:30 lab-host haproxy[1]: x", &e);
	CHECK_EQ_INT(e.time.utcoff, 19800);
	CHECK_EQ_INT(hz_time_epoch(&e.time), 1795733165);

	/* rsyslog's RSYSLOG_ForwardFormat: a PRI in front of the same layout. */
	PARSE("<134>2026-11-27T04:16:05.873054+00:00 lab-host haproxy[10231]: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RSYSLOG_ISO);
	CHECK_PRI(&e, 134, 16, 6);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.msg, MSG);
}

static void test_facsev(void)
{
	struct hz_envelope e;

	PARSE("2021-02-21T21:51:45.004358+00:00 local0.info host haproxy-example-ssl[3578986]: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_FACSEV_ISO);
	CHECK_PRI(&e, -1, 16, 6);
	CHECK_STR(e.timestamp, "2021-02-21T21:51:45.004358+00:00");
	CHECK_TIME(&e, 2021, 2, 21, 21, 51, 45, 4358, 0);
	CHECK_STR(e.host, "host");
	CHECK_STR(e.tag, "haproxy-example-ssl");
	CHECK_STR(e.pid, "3578986");
	CHECK_STR(e.msg, MSG);

	PARSE("2021-02-21T21:51:45Z daemon.err h t: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_FACSEV_ISO);
	CHECK_PRI(&e, -1, 3, 3);
	PARSE("2021-02-21T21:51:45Z local7.debug h t: m", &e);
	CHECK_PRI(&e, -1, 23, 7);
	PARSE("2021-02-21T21:51:45Z authpriv.warning h t: m", &e);
	CHECK_PRI(&e, -1, 10, 4);
	PARSE("2021-02-21T21:51:45Z auth2.warn h t: m", &e);
	CHECK_PRI(&e, -1, 10, 4);
	PARSE("2021-02-21T21:51:45Z cron2.error h t: m", &e);
	CHECK_PRI(&e, -1, 15, 3);
	PARSE("2021-02-21T21:51:45Z kern.panic h t: m", &e);
	CHECK_PRI(&e, -1, 0, 0);
	PARSE("2021-02-21T21:51:45Z alert.alert h t: m", &e);
	CHECK_PRI(&e, -1, 14, 1);
	CHECK_STR(e.msg, "m");

	/* Unknown words: not facility.severity, and then no tag either. */
	PARSE("2021-02-21T21:51:45Z local8.info h t[1]: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_PRI(&e, -1, -1, -1);
	CHECK_STR(e.msg, "local8.info h t[1]: m");
	PARSE("2021-02-21T21:51:45Z local0.inf h t[1]: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
}

static void test_fraction_and_zone(void)
{
	struct hz_envelope e;

	PARSE("2026-11-27T04:16:05Z m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_TIME(&e, 2026, 11, 27, 4, 16, 5, 0, 0);
	CHECK_STR(e.msg, "m");
	PARSE("2026-11-27T04:16:05.8Z m", &e);
	CHECK_EQ_INT(e.time.usec, 800000);
	PARSE("2026-11-27T04:16:05.873Z m", &e);
	CHECK_EQ_INT(e.time.usec, 873000);
	PARSE("2026-11-27T04:16:05.123456789+00:00 m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_EQ_INT(e.time.usec, 123456);
	CHECK_STR(e.timestamp, "2026-11-27T04:16:05.123456789+00:00");
	/* Ten digits, an empty fraction, a bad zone: no timestamp. */
	PARSE("2026-11-27T04:16:05.1234567890+00:00 m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("2026-11-27T04:16:05.+00:00 m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("2026-11-27T04:16:05+0 m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("2026-11-27T04:16:05+00:00x m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("2026-13-27T04:16:05Z m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	/* No zone: accepted, offset unknown, so no epoch. */
	PARSE("2026-11-27T04:16:05 m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_EQ_INT(e.time.utcoff, INT32_MIN);
	CHECK(hz_time_epoch(&e.time) == INT64_MIN);
	/* Negative zone in RFC 5424. */
	PARSE("<14>1 2026-11-27T04:16:05.5-07:00 h a - - - m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC5424);
	CHECK_PRI(&e, 14, 1, 6);
	CHECK_EQ_INT(e.time.usec, 500000);
	CHECK_EQ_INT(e.time.utcoff, -25200);
	CHECK_EQ_INT(hz_time_epoch(&e.time), 1795752965 + 7 * 3600);
}

static void test_epoch(void)
{
	struct hz_time t = { 2026, 11, 27, 4, 16, 5, 0, 0 };

	CHECK_EQ_INT(hz_time_epoch(&t), 1795752965);   /* date -u -d @1795752965 */
	t = (struct hz_time){ 1970, 1, 1, 0, 0, 0, 0, 0 };
	CHECK_EQ_INT(hz_time_epoch(&t), 0);
	t = (struct hz_time){ 1969, 12, 31, 23, 59, 59, 0, 0 };
	CHECK_EQ_INT(hz_time_epoch(&t), -1);
	t = (struct hz_time){ 2000, 3, 1, 0, 0, 0, 0, 0 };
	CHECK_EQ_INT(hz_time_epoch(&t), 951868800);
	t = (struct hz_time){ 2024, 2, 29, 12, 0, 0, 0, 0 };
	CHECK_EQ_INT(hz_time_epoch(&t), 1709208000);
	t = (struct hz_time){ 1900, 3, 1, 0, 0, 0, 0, 0 };
	CHECK_EQ_INT(hz_time_epoch(&t), -2203891200LL);
	t = (struct hz_time){ 2026, 11, 27, 4, 16, 5, 0, 19800 };
	CHECK_EQ_INT(hz_time_epoch(&t), 1795733165);
	t = (struct hz_time){ -1, 11, 27, 4, 16, 5, 0, 0 };
	CHECK(hz_time_epoch(&t) == INT64_MIN);
	t = (struct hz_time){ 2026, 11, 27, 4, 16, 5, 0, INT32_MIN };
	CHECK(hz_time_epoch(&t) == INT64_MIN);
	CHECK(hz_time_epoch(NULL) == INT64_MIN);
}

static void test_hosts_and_tags(void)
{
	struct hz_envelope e;

	/* IPv6 hostnames, including ones that end in ':' or start with it. */
	PARSE("<134>Nov 27 04:16:05 2001:db8::1 haproxy[10231]: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "2001:db8::1");
	CHECK_STR(e.tag, "haproxy");
	CHECK_STR(e.msg, MSG);
	PARSE("Nov 27 04:16:05 ::1 haproxy[10231]: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "::1");
	CHECK_STR(e.msg, MSG);
	PARSE("2026-11-27T04:16:05Z fe80:: haproxy[10231]: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RSYSLOG_ISO);
	CHECK_STR(e.host, "fe80::");
	CHECK_STR(e.msg, MSG);
	PARSE("<134>1 2026-11-27T04:16:05Z 2001:db8::1 haproxy 1 - - m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC5424);
	CHECK_STR(e.host, "2001:db8::1");

	/* Tag without pid, and tags with - . _ / in them. */
	PARSE("Nov 27 04:16:05 lab-host haproxy: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "lab-host");
	CHECK_STR(e.tag, "haproxy");
	CHECK_STR(e.pid, "");
	CHECK_STR(e.msg, MSG);
	PARSE("<134>Nov 27 04:16:05 hap.lb-1_x/y: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164_LOCAL);
	CHECK_STR(e.tag, "hap.lb-1_x/y");
	CHECK_STR(e.pid, "");
	CHECK_STR(e.msg, MSG);
	PARSE("2026-11-27T04:16:05Z h lb.edge-2_a/b[77]: " MSG, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RSYSLOG_ISO);
	CHECK_STR(e.tag, "lb.edge-2_a/b");
	CHECK_STR(e.pid, "77");
	/* A tag and an empty message at the end of the line. */
	PARSE("Nov 27 04:16:05 h t[1]:", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.tag, "t");
	CHECK_STR(e.msg, "");
	/* Not tags: a non-numeric pid, an empty name, ':' not followed by a
	 * space. The line keeps its stamp, but the host/tag words go to msg. */
	PARSE("Nov 27 04:16:05 h t[x]: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "");
	CHECK_STR(e.tag, "");
	CHECK_STR(e.msg, "h t[x]: m");
	PARSE("Nov 27 04:16:05 h [1]: m", &e);
	CHECK_STR(e.tag, "");
	CHECK_STR(e.msg, "h [1]: m");
	PARSE("Nov 27 04:16:05 h t:x m", &e);
	CHECK_STR(e.tag, "");
}

/* HAProxy messages that open with an address or words are never headers,
 * and neither are their first tokens after an ISO stamp. */
static void test_raw_lookalikes(void)
{
	struct hz_envelope e;

	PARSE("127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	CHECK_STR(e.msg, MSG);
	PARSE("::1:5000 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("Connect from 1.2.3.4:40780 to 1.2.3.4:5000 (main/HTTP)", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("Proxy foo started.", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("unknown [27/Nov/2026:04:16:19.870] fe/1: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	CHECK_STR(e.msg, "unknown [27/Nov/2026:04:16:19.870] fe/1: SSL handshake failure");
	PARSE("ERR 127.0.0.1:46806 [27/Nov/2026:04:16:18.551] fe_flags~ 3/1 34/000000000A00009C/0/0/0 -/TLSv1.3/(NONE) errstr=\"SSL handshake failure\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("A ci=\"127.0.0.1\" cp=53970 B=77 ST=200 ts=-- s=\"app1\"", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("Server be_app/app1 is DOWN, reason: Layer4 connection problem", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("2026 was a year", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);

	PARSE("2026-11-27T04:16:05.873095+00:00 ::1:5000 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_STR(e.host, "");
	CHECK_STR(e.msg, "::1:5000 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77");
	PARSE("2026-11-27T04:16:05.873095+00:00 unknown [27/Nov/2026:04:16:19.870] fe/1: SSL handshake failure", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_ISO);
	CHECK_STR(e.tag, "");
	CHECK_STR(e.msg, "unknown [27/Nov/2026:04:16:19.870] fe/1: SSL handshake failure");
	PARSE("<6>2026-11-27T04:16:05.873095+00:00 Proxy foo started.", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_TIMED);
	CHECK_STR(e.msg, "Proxy foo started.");
	PARSE("<6>::1:5000 [27/Nov/2026:04:16:05.870] fe_http", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_SHORT);
	CHECK_STR(e.msg, "::1:5000 [27/Nov/2026:04:16:05.870] fe_http");
}

static void test_edges(void)
{
	struct hz_envelope e;
	static const char nul_host[] = "<134>Nov 27 04:16:05 lab\0host haproxy[1]: m";
	static const char nul_ts[] = "<134>Nov 27 04:1\0:05 lab-host haproxy[1]: m";
	static const char nul_tag[] = "Nov 27 04:16:05 lab-host hap\0roxy[1]: m";
	static const char nul_5424[] = "<134>1 2026-11-27T04:16:05Z lab\0host haproxy 1 - - m";
	static const char nul_msg[] = "Nov 27 04:16:05 lab-host haproxy[1]: a\0b";

	parse_n("", 0, &e);
	check_invariants(&e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	CHECK_EQ_INT(e.msg.n, 0);
	hz_envelope_parse(NULL, 0, &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	CHECK_EQ_INT(e.msg.n, 0);

	PARSE("<134>", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_PRIORITY);
	CHECK_PRI(&e, 134, 16, 6);
	CHECK_STR(e.msg, "");
	PARSE("<6>", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_SHORT);
	CHECK_STR(e.msg, "");
	PARSE("<0>x", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_SHORT);
	CHECK_PRI(&e, 0, -1, 0);

	/* Invalid PRI: RAW, whole line. */
	PARSE("<999>Nov 27 04:16:05 lab-host haproxy[1]: m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	CHECK_PRI(&e, -1, -1, -1);
	CHECK_STR(e.msg, "<999>Nov 27 04:16:05 lab-host haproxy[1]: m");
	PARSE("<192>m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("<1340>m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("<>m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("<13", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("<", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("<a>m", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("<BADREQ>", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);

	/* NUL bytes: never part of a header token. */
	parse_n(nul_host, sizeof nul_host - 1, &e);
	check_invariants(&e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "");
	CHECK_STR(e.tag, "");
	CHECK_EQ_INT(e.msg.n, sizeof nul_host - 1 - 21);
	CHECK(memchr(e.host.p ? e.host.p : "", 0, e.host.n) == NULL);
	parse_n(nul_ts, sizeof nul_ts - 1, &e);
	check_invariants(&e);
	CHECK_EQ_INT(e.kind, HZ_HDR_PRIORITY);
	CHECK_EQ_INT(e.msg.n, sizeof nul_ts - 1 - 5);
	parse_n(nul_tag, sizeof nul_tag - 1, &e);
	check_invariants(&e);
	CHECK_STR(e.tag, "");
	parse_n(nul_5424, sizeof nul_5424 - 1, &e);
	check_invariants(&e);
	CHECK_EQ_INT(e.kind, HZ_HDR_PRIORITY);
	parse_n(nul_msg, sizeof nul_msg - 1, &e);
	check_invariants(&e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.tag, "haproxy");
	CHECK_EQ_INT(e.msg.n, 3);
	CHECK(memcmp(e.msg.p, "a\0b", 3) == 0);

	/* Garbage. */
	PARSE("\xff\xfe garbage \x01\x02", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("   ", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RAW);
	PARSE("<134>1 ", &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_PRIORITY);
	CHECK_STR(e.msg, "1 ");
}

/* Every prefix of real lines: no read past the end (ASan), views inside the
 * input, msg ending at the end of the input. */
static void test_prefixes(void)
{
	static const char *const lines[] = {
		"<134>Nov 27 04:16:05 lab-host haproxy-example[10231]: " MSG,
		"<134>Nov 27 04:16:05 haproxy-example[10231]: " MSG,
		"<134>1 2026-11-27T04:16:19.989237+00:00 lab-host haproxy-example 10231 - [exampleSDID@1234 ua=\"ua \\\"with\\\" quotes\\]\" path=\"/sd\"] " SDMSG,
		"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [a b=\"\\\\\"][c d=\"]\"] x",
		"<6>2026-11-27T04:16:05.873142+00:00 " MSG,
		"2021-02-21T21:51:45.004358+00:00 local0.info host haproxy-example-ssl[3578986]: " MSG,
		"2021-02-21T21:51:45+0000 lab-host haproxy[3578986]: " MSG,
		"Feb  9 01:02:03 192.168.4.2 haproxy[1]: Proxy prod_http_in started.",
		"Feb 9 01:02:03 h t: m",
		"2026-11-27T04:16:05.873095+00:00 " SSLERR,
	};
	struct hz_envelope e;
	int bad = 0;

	for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
		size_t len = strlen(lines[k]);

		for (size_t m = 0; m <= len; m++) {
			parse_n(lines[k], m, &e);
			if (!invariants_hold(&e)) {
				fprintf(stderr, "prefix %zu of line %zu breaks an invariant\n", m, k);
				bad++;
			}
		}
	}
	CHECK_EQ_INT(bad, 0);

	/* A known cut: the RFC 3164 header without its message. */
	parse_n(lines[0], strlen("<134>Nov 27 04:16:05 lab-host haproxy-example[10231]:"), &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.tag, "haproxy-example");
	CHECK_STR(e.msg, "");
	/* Cut inside the pid: the tag is not complete, so no host either. */
	parse_n(lines[0], strlen("<134>Nov 27 04:16:05 lab-host haproxy-example[102"), &e);
	CHECK_EQ_INT(e.kind, HZ_HDR_RFC3164);
	CHECK_STR(e.host, "");
	CHECK_STR(e.msg, "lab-host haproxy-example[102");
}

/* Random lines over an alphabet of header bytes: a cheap fuzz for bounds. */
static void test_random(void)
{
	static const char alpha[] = "<>0123456789 -:T.[]\"\\ZNovFeb+htaproxy\0\xff";
	char line[96];
	struct hz_envelope e;
	uint32_t x = 12345;
	int bad = 0;

	for (int it = 0; it < 200000; it++) {
		size_t len;

		x = x * 1103515245u + 12345u;
		len = (x >> 16) % sizeof line;
		for (size_t k = 0; k < len; k++) {
			x = x * 1103515245u + 12345u;
			line[k] = alpha[(x >> 16) % (sizeof alpha - 1)];
		}
		/* Seed half of them with a valid opening. */
		if ((it & 1) && len > 8)
			memcpy(line, it & 2 ? "<134>1 20" : "<6>2026-1", 9);
		parse_n(line, len, &e);
		if (!invariants_hold(&e))
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
}

static void test_names(void)
{
	CHECK(strcmp(hz_hdr_name(HZ_HDR_RAW), "raw") == 0);
	CHECK(strcmp(hz_hdr_name(HZ_HDR_RFC3164), "rfc3164") == 0);
	CHECK(strcmp(hz_hdr_name(HZ_HDR_RFC3164_LOCAL), "rfc3164-local") == 0);
	CHECK(strcmp(hz_hdr_name(HZ_HDR_RFC5424), "rfc5424") == 0);
	CHECK(strcmp(hz_hdr_name(HZ_HDR_RSYSLOG_ISO), "rsyslog-iso") == 0);
	CHECK(strcmp(hz_hdr_name(HZ_HDR_FACSEV_ISO), "facility-severity-iso") == 0);
	CHECK(strcmp(hz_hdr_name(HZ_HDR_ISO), "iso") == 0);
	CHECK(strcmp(hz_hdr_name(HZ_HDR_TIMED), "timed") == 0);
	CHECK(strcmp(hz_hdr_name(HZ_HDR_SHORT), "short") == 0);
	CHECK(strcmp(hz_hdr_name(HZ_HDR_PRIORITY), "priority") == 0);
	CHECK(strcmp(hz_hdr_name(HZ_HDR_COUNT), "unknown") == 0);
}

/* Decodes one python bytes repr (b'...') in place; returns its length or -1. */
static long unrepr(char *s)
{
	char *w = s, *r = s;
	char q;

	if (r[0] != 'b' || (r[1] != '\'' && r[1] != '"'))
		return -1;
	q = r[1];
	r += 2;
	while (*r && *r != q) {
		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		r++;
		switch (*r) {
		case 'n': *w++ = '\n'; r++; break;
		case 't': *w++ = '\t'; r++; break;
		case 'r': *w++ = '\r'; r++; break;
		case 'x': {
			char hex[3] = { r[1], r[2], 0 };
			*w++ = (char)strtol(hex, NULL, 16);
			r += 3;
			break;
		}
		case '\0': return -1;
		default: *w++ = *r++; break;
		}
	}
	if (*r != q)
		return -1;
	return w - s;
}

static const struct {
	const char *label;
	enum hz_hdr kind;
} udp_kinds[] = {
	{ "rfc3164", HZ_HDR_RFC3164 }, { "rfc5424", HZ_HDR_RFC5424 },
	{ "short", HZ_HDR_SHORT }, { "raw", HZ_HDR_RAW }, { "iso", HZ_HDR_ISO },
	{ "timed", HZ_HDR_TIMED }, { "priority", HZ_HDR_PRIORITY },
	{ "local", HZ_HDR_RFC3164_LOCAL },
};

/* Every datagram the lab's UDP receivers got: its kind is the format it was
 * sent with, and its msg is the `format raw` datagram of the same event. */
static void test_reference_datagrams(void)
{
	const char *dir = getenv("HZ_REFERENCE");
	char path[4096], line[8192], raw[8192], pending[8][8192];
	int pending_kind[8], npending = 0, ndgram = 0, bad = 0, in_udp = 0;
	size_t pending_n[8], raw_n = 0;
	FILE *f;

	if (!dir) {
		printf("HZ_REFERENCE unset: skipping the reference sweep\n");
		return;
	}
	snprintf(path, sizeof path, "%s/haproxy-2.6-captured-lines.txt", dir);
	f = fopen(path, "r");
	if (!f) {
		printf("%s: not found, skipping the reference sweep\n", path);
		return;
	}
	/* Datagrams come in groups of 8, one per format; the raw one is
	 * somewhere in the group. Check a group once it is complete. */
	while (fgets(line, sizeof line, f)) {
		char *tab;
		long len;
		int kind = -1;

		if (line[0] == '#') {
			in_udp = strstr(line, "UDP receivers") != NULL;
			continue;
		}
		if (!in_udp || !(tab = strchr(line, '\t')))
			continue;
		*tab = 0;
		for (size_t k = 0; k < sizeof udp_kinds / sizeof udp_kinds[0]; k++)
			if (strcmp(line, udp_kinds[k].label) == 0)
				kind = (int)udp_kinds[k].kind;
		len = unrepr(tab + 1);
		if (kind < 0 || len < 1 || tab[len] != '\n') {
			bad++;
			continue;
		}
		len--;   /* the datagram's own '\n' ends the line */
		memcpy(pending[npending], tab + 1, (size_t)len);
		pending_n[npending] = (size_t)len;
		pending_kind[npending] = kind;
		if (kind == HZ_HDR_RAW) {
			memcpy(raw, tab + 1, (size_t)len);
			raw_n = (size_t)len;
		}
		if (++npending < 8)
			continue;
		for (int k = 0; k < 8; k++) {
			struct hz_envelope e;

			parse_n(pending[k], pending_n[k], &e);
			ndgram++;
			if (!invariants_hold(&e) || (int)e.kind != pending_kind[k] ||
			    e.msg.n != raw_n || memcmp(e.msg.p, raw, raw_n) != 0) {
				fprintf(stderr, "datagram %.*s: kind %s, msg \"%.*s\"\n",
					(int)pending_n[k], pending[k], hz_hdr_name(e.kind),
					(int)e.msg.n, e.msg.p);
				bad++;
			}
			if (e.kind == HZ_HDR_RFC3164 || e.kind == HZ_HDR_RFC3164_LOCAL ||
			    e.kind == HZ_HDR_RFC5424) {
				if (!hz_str_eq(e.tag, "haproxy-example") || !hz_str_eq(e.pid, "10231"))
					bad++;
			}
		}
		npending = 0;
	}
	fclose(f);
	CHECK_EQ_INT(npending, 0);
	CHECK_EQ_INT(bad, 0);
	CHECK(ndgram >= 8 * 30);
	printf("reference sweep: %d datagrams\n", ndgram);
}

/* Every line of the third-party files is rsyslog's traditional format with
 * the tag "haproxy" (and an empty last line in one of them). */
static void test_reference_third_party(void)
{
	static const char *const files[] = {
		"beats-default.log", "beats-haproxy.log", "beats-httplog-no-headers.log",
		"beats-tcplog.log", "lnav-logfile_haproxy.log",
	};
	const char *dir = getenv("HZ_REFERENCE");
	char path[4096], line[8192];
	int nlines = 0, bad = 0;

	if (!dir)
		return;
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
		FILE *f;

		snprintf(path, sizeof path, "%s/third-party/%s", dir, files[k]);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof line, f)) {
			struct hz_envelope e;
			size_t len = strlen(line);

			if (len && line[len - 1] == '\n')
				len--;
			parse_n(line, len, &e);
			nlines++;
			if (len == 0) {
				if (e.kind != HZ_HDR_RAW)
					bad++;
				continue;
			}
			if (!invariants_hold(&e) || e.kind != HZ_HDR_RFC3164 ||
			    !hz_str_eq(e.tag, "haproxy") || e.pid.n == 0 || e.host.n == 0 ||
			    e.msg.n == 0 || e.msg.p[0] == ' ') {
				fprintf(stderr, "%s: %.*s\n", files[k], (int)len, line);
				bad++;
			}
		}
		fclose(f);
	}
	CHECK_EQ_INT(bad, 0);
	printf("third-party sweep: %d lines\n", nlines);
}

/* hz_envelope_parse_next() must give exactly what hz_envelope_parse() gives,
 * whatever line came before: same kind, numbers and time, and views at the
 * same offsets. Each line is a heap copy of its own length (ASan). */
static int same_view(struct hz_str a, const char *pa, struct hz_str b, const char *pb)
{
	if (a.n != b.n || !a.p != !b.p)
		return 0;
	return !a.p || a.p - pa == b.p - pb;
}

static int same_time(const struct hz_time *a, const struct hz_time *b)
{
	return a->year == b->year && a->mon == b->mon && a->mday == b->mday && a->hour == b->hour &&
	       a->min == b->min && a->sec == b->sec && a->usec == b->usec && a->utcoff == b->utcoff;
}

static int same_env(const struct hz_envelope *a, const char *pa, const struct hz_envelope *b, const char *pb)
{
	return a->kind == b->kind && a->pri == b->pri && a->facility == b->facility &&
	       a->severity == b->severity && (a->timestamp.n == 0 || same_time(&a->time, &b->time)) &&
	       same_view(a->timestamp, pa, b->timestamp, pb) && same_view(a->host, pa, b->host, pb) &&
	       same_view(a->tag, pa, b->tag, pb) && same_view(a->pid, pa, b->pid, pb) &&
	       same_view(a->msgid, pa, b->msgid, pb) && same_view(a->sd, pa, b->sd, pb) &&
	       same_view(a->msg, pa, b->msg, pb);
}

/* parses prev then line with one memo; 1 when line's envelope is the one a
 * plain parse gives */
static int memo_agrees(const char *prev, size_t prev_n, const char *line, size_t n)
{
	struct hz_envelope_memo memo;
	struct hz_envelope a, b;
	char *pp = malloc(prev_n ? prev_n : 1), *lp = malloc(n ? n : 1);
	int ok;

	if (!pp || !lp)
		abort();
	memcpy(pp, prev, prev_n);
	memcpy(lp, line, n);
	memset(&memo, 0, sizeof(memo));
	memset(&a, 0xA5, sizeof(a));
	memset(&b, 0x5A, sizeof(b));
	hz_envelope_parse_next(&memo, pp, prev_n, &a);
	ok = memo.hdr == 0 || memo.hdr <= prev_n;
	hz_envelope_parse(pp, prev_n, &b);
	ok = ok && same_env(&a, pp, &b, pp);
	free(pp);   /* the memo keeps its own copy of the header */
	hz_envelope_parse_next(&memo, lp, n, &a);
	hz_envelope_parse(lp, n, &b);
	ok = ok && same_env(&a, lp, &b, lp);
	if (!ok)
		fprintf(stderr, "memo: after \"%.*s\", \"%.*s\" parses differently\n", (int)prev_n, prev, (int)n, line);
	free(lp);
	return ok;
}

static void test_memo(void)
{
	static const char *const heads[] = {
		"Nov 27 04:16:05 lb1 haproxy[10231]: ",
		"Nov  7 04:16:05 lb1 haproxy[10231]: ",
		"<134>Nov 27 04:16:05 lb1 haproxy[10231]: ",
		"Nov 27 04:16:05 haproxy[10231]: ",
		"Nov 27 04:16:05 lb1 haproxy: ",
		"Nov 27 04:16:05 lb1.example.com haproxy-example[4294967295]: ",
		"Nov 27 04:16:05 lb1.example.com haproxy-example[4294967295]:",
		"Nov 27 04:16:05 lb1.example.com haproxy-example-long:",
		/* a header that fills the fast path's window and ends the line */
		"Nov 27 04:16:05 h23456789 t2345678901234567[12]:",
		"Nov 27 04:16:05 h23456789 t23456789012345678901:",
		"2026-11-27T04:16:05.123456+01:00 lb1 haproxy[10231]: ",
		"2026-11-27T04:16:05.123456-05:30 lb1 local0.info haproxy[10231]: ",
		"<134>1 2026-11-27T04:16:05.123Z lb1 haproxy 10231 - - ",
		"Nov 27 04:16:05 lb1 a-tag-so-long-that-it-runs-past-the-window[1]: ",
	};
	static const char *const tails[] = {
		"155.28.193.204:46849 [27/Nov/2026:04:16:05.881] fe_api~ be_api/api1 3/0/0/7/13 404 333 - - ---- 611/482/199/35/0 0/0 \"GET / HTTP/1.1\"",
		"Proxy fe_http started.",
		"x",
		"",
		" two spaces before the message, the second belongs to it and this line is long enough",
	};
	size_t nh = sizeof heads / sizeof heads[0], nt = sizeof tails / sizeof tails[0];
	char a[512], b[512];
	int bad = 0, n = 0;

	for (size_t i = 0; i < nh; i++)
		for (size_t j = 0; j < nh; j++)
			for (size_t t = 0; t < nt; t++)
				for (size_t u = 0; u < nt; u++) {
					size_t an = (size_t)snprintf(a, sizeof a, "%s%s", heads[i], tails[t]);
					size_t bn = (size_t)snprintf(b, sizeof b, "%s%s", heads[j], tails[u]);
					/* the second line whole, cut at every length, and with one
					 * byte of its header changed at every position */
					bad += !memo_agrees(a, an, b, bn);
					n++;
					if (i != j || t != 0)
						continue;
					for (size_t k = 0; k <= bn; k++, n++)
						bad += !memo_agrees(a, an, b, k);
					for (size_t k = 0; k < strlen(heads[j]) + 2 && k < bn; k++) {
						static const char subst[] = { ' ', ':', '[', ']', '0', 'x', '\0', '.' };
						for (size_t v = 0; v < sizeof subst; v++, n++) {
							char c = b[k];
							b[k] = subst[v];
							bad += !memo_agrees(a, an, b, bn);
							b[k] = c;
						}
					}
				}
	CHECK_EQ_INT(bad, 0);
	CHECK(n > 5000);
	printf("memo: %d pairs of lines\n", n);
}

int main(void)
{
	test_rfc3164();
	test_rfc3164_local();
	test_rfc5424();
	test_short_priority_raw();
	test_iso_timed();
	test_connect_and_conn_error();
	test_rsyslog_traditional();
	test_space_padded_day();
	test_rsyslog_iso();
	test_facsev();
	test_fraction_and_zone();
	test_epoch();
	test_hosts_and_tags();
	test_raw_lookalikes();
	test_edges();
	test_prefixes();
	test_random();
	test_names();
	test_reference_datagrams();
	test_reference_third_party();
	test_memo();
	free(buf);
	return hz_test_done();
}
