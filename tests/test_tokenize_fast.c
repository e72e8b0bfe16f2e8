/* The straight-line pass of hz_format_match against the backtracking matcher alone, on real and damaged lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/fields.h"
#include "halyze/logformat.h"
#include "logformat.h"
#include "hz_test.h"

/* Formats whose fields take every path of the pass: the predefined ones,
 * the long custom SSL format of the benchmarks, and shapes the pass treats
 * apart (names cut by a non-space, fields glued to fields, quoted and
 * escaped samples, lists, hex addresses, glue longer than 8 bytes). */
static const char *const custom[] = {
	"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs "
	"{%{+Q}[ssl_c_key_alg],%{+Q}[ssl_c_sig_alg],%{+Q}[ssl_c_s_dn(cn)],%{+Q}[ssl_c_i_dn(cn)],"
	"%[ssl_c_serial,hex],%[ssl_c_notafter],%{+Q}[ssl_fc_sni],%[ssl_c_verify],%[ssl_fc_has_crt],"
	"%[ssl_fc_is_resumed],%[ssl_c_used],%sslv,%sslc} %{+Q}r",
	"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs {%[ssl_c_verify], %[ssl_fc_has_crt], %{+Q}[ssl_c_i_dn(cn)]} %{+Q}r",
	"%ci:%cp [%tr] %ft %b/%s %[capture.req.hdr(0)] %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r",
	"%ci:%cp [%tr] %ft%b%s %TR %ST %B%CC %tsc%ac %hrl %hsl %r",
	"%{+Q}o %ci:%cp [%tr] %ft %b/%s %ST %{-Q}B %CC %hr%hs %r",
	"%{+X}ci:%{+X}cp %{+Q}ft %{+Q}b/%{+Q}s %ST %tsc %{+Q}r",
	"%ci %[src] %ft %b %s %[var(a)]%[var(b)] %ST %r",
	"%ci:%cp %ft/%b:%s %ST %{+Q}hr %{+Q}hs %{+Q}hrl %{+Q}hsl %{+Q,+E}[x] %{+Q}r",
	"%H %ID %ci:%cp [%t] %ft %b/%s %ST %ts %{+Q}[ssl_fc_sni] %[ssl_c_s_dn] %r",
	"%ci:%cp [%T] %ft %b/%s %ST %tsc %{+Q}ci %{+Q}cp %{+Q}fi %{+Q}fp %HM %HU %HV %{+Q}HP",
	"%ci:%cp %ft %ST %hr %hs",
	"%ci:%cp %ft %ST %hrl %hsl",
	"client=%ci:%cp frontend_and_backend=%ft->%b/%s status=%ST",
	"%ci:%cp %{+Q}[ssl_c_s_dn] %{+Q}[ssl_c_i_dn] %ST",
};

static const char *const lines[] = {
	"155.28.193.204:46849 [27/Nov/2026:04:16:05.881] fe_api~ be_api/api1 3/0/0/7/13 404 333 - - ---- 611/482/199/35/0 0/0 \"GET https://api.example.com/api/v1/sessions/72944/invoices?q=harbor+juniper&sort=asc HTTP/2.0\"",
	"2001:db8::76a4:37856 [27/Nov/2026:04:16:05.887] fe_http fe_http/<NOSRV> 0/-1/-1/-1/0 301 129 - - LR-- 501/306/0/0/0 0/0 {static.example.com|Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)} \"GET /static/fonts/onyx.7f9db781.woff2?v=6A6EA042 HTTP/1.1\"",
	"192.168.130.37:46917 [27/Nov/2026:04:16:05.892] fe_https~ be_static/static1 8/0/1/0/12 200 3134 - - ---- 481/327/196/33/0 0/0 {static.example.com|Mozilla/5.0 (Linux; Android 14)} {image/png} \"GET /static/img/jasper.5f982bf3.png?v=E909C6A5 HTTP/1.1\"",
	"108.142.154.74:20544 [27/Nov/2026:04:16:08.322] fe_https~ fe_https/<NOSRV> -1/-1/-1/-1/1 400 0 - - PR-- 468/323/0/0/0 0/0 \"<BADREQ>\"",
	"2001:db8:c53b:e6c:47b2:f7f:9e36:f792:19809 [27/Nov/2026:04:16:05.989] fe_https~ be_api/api2 0/0/0/4/5 200 3544 - - ---- 591/210/122/23/0 0/0 {api.example.com|Prometheus/2.51.0} {application/json} \"GET /api/v1/payments/82508/invoices HTTP/1.1\"",
	"214.104.210.127:47098 [27/Nov/2026:04:16:12.399] fe_https~ be_auth/auth2 0/0/0/29/32 302 341 - - ---- 527/355/89/15/0 0/0 {www.example.com:443|curl/8.5.0} {-} \"POST /sso/callback HTTP/1.1\"",
	"127.0.0.1:48802 [27/Nov/2026:04:16:42.230] fe_http be_redisp/app1 0/0/0/0/0 200 +77 - - ---- 2/1/0/0/+1 0/0 \"GET /redisp HTTP/1.1\"",
	"137.207.130.3:2062 [27/Nov/2026:04:16:05.900] fe_smtp be_smtp/mx2 0/0/4357 41062 -- 490/28/25/9/0 0/0",
	"2001:db8::9:4431 [27/Nov/2026:04:16:05.911] fe_redis be_redis/<NOSRV> -1/-1/0 0 SC 470/19/16/6/3 0/0",
	"212.209.135.183:62592 [27/Nov/2026:04:16:05.877] fe_mtls~ be_api/api3 8/0/1/27/39 200 9274 - - ---- 427/270/68/14/0 0/0 {mtls.example.com|Go-http-client/2.0} {\"id-ecPublicKey\",\"ecdsa-with-SHA256\",\"svc-bamboo-copper\",\"App Intermediate\",7C44A58183B0F2D8D7D2C72980F410CB,260709140504Z,\"mtls.example.com\",0,1,0,1,TLSv1.3,TLS_AES_256_GCM_SHA384} \"POST /api/v1/payments/77075/inventory?q=glacier+violet&sort=desc HTTP/1.1\"",
	"54.113.161.79:6723 [27/Nov/2026:04:16:05.875] fe_https~ be_api/api1 0/0/0/4/6 200 301 - - ---- 571/429/164/30/0 0/0 {api.example.com|Mozilla/5.0 (Windows NT 10.0)} {application/json} {\"\",\"\",\"\",\"\",-,-,\"www.example.com\",0,0,0,0,TLSv1.3,TLS_CHACHA20_POLY1305_SHA256} \"GET /api/v2/notifications/736016?q=walnut+blue&sort=asc HTTP/1.1\"",
	"159.191.137.98:44082 [27/Nov/2026:04:16:05.882] fe_mtls~ be_devices/dev2 0/0/0/48/50 200 622 - - ---- 438/261/149/25/0 0/0 {mtls.example.com|python-requests/2.31.0} {\"id-ecPublicKey\",\"ecdsa-with-SHA384\",\"device 64335 banner\",\"IoT Issuing CA 2\",13BCB857214B3114E20A67B0660477B5,271013033318Z,\"mtls.example.com\",0,0,1,1,TLSv1.2,ECDHE-RSA-AES256-GCM-SHA384} \"GET https://mtls.example.com/device/v1/lagoon/config HTTP/2.0\"",
	"155.28.193.204:46849 [27/Nov/2026:04:16:05.881] fe_api~ be_api/api1 3/0/0/7/13 404 333 - - ---- 611/482/199/35/0 0/0 \"GET /x HTTP/2.0\" 0/0/0/0/1 api.example.com/TLSv1.3/TLS_AES_256_GCM_SHA384",
	"10.0.0.1 - - [27/Nov/2026:04:16:05 +0000] \"GET / HTTP/1.1\" 200 77 \"\" \"\" 59294 870 \"fe_http\" \"be_app\" \"app1\" 0 0 0 0 0 ---- 2 1 0 0 0 0 0 \"-\" \"-\" \"ua one\" \"text/plain\"",
	"\"10.0.0.1\" - - [27/Nov/2026:04:16:05 +0000] \"TCP \" 000 70 \"\" \"\" \"54526\" 561 \"fe_tcp\" \"be_tcp\" \"app1\" 0 0 0 0 70 ---- 3 1 0 0 0 0 0 \"\" \"\" ",
	"1.2.3.4:5555 [27/Nov/2026:04:16:19.870] fe_https/1: SSL handshake failure",
	"Proxy fe_http started.",
	"7F000001:E6A6 \"fe_http~\" \"be_app\"/\"app1\" 200 ---- \"GET / HTTP/1.1\"",
	"1.2.3.4 10.0.0.1 fe be srv 12 x y z 200 GET / HTTP/1.1",
	"client=1.2.3.4:80 frontend_and_backend=fe->be/srv status=200",
	"1.2.3.4:80 \"/CN=alice client/O=Example\" \"/CN=Example Root CA\" 200",
	"",
	"-",
	"2001:db8::1:8080 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\"",
	"::ffff:10.0.0.1:8080 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\"",
	"unix:0 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\"",
	/* integer runs: signs inside, an empty one, values across the 32-byte window's end */
	"1.2.3.4:80 [27/Nov/2026:04:16:05.870] fe be/s 123456789/0/0/+12/-1 200 123456789012345678901 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"",
	"1.2.3.4:80 [27/Nov/2026:04:16:05.870] fe be/s 0/0//0/0 200 77 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"",
	"1.2.3.4:80 [27/Nov/2026:04:16:05.870] fe be/s 1/2/3/4/5 200 7 - - ---- 1234567/1234567/1234567/1234567/1234567 1234567/1234567 \"GET / HTTP/1.1\"",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct hz_format *fmts[64];
static size_t nfmts;
static struct hz_match m1, m2;
static long compared, matched, differ;

static uint64_t rs = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (unsigned)(rs % n);
}

/* Both matchers on an exact-length heap copy, so that ASan sees a read past
 * the end of the line. */
static void compare(const char *line, size_t n)
{
	char *x = malloc(n ? n : 1);

	if (!x)
		exit(2);
	memcpy(x, line, n);
	for (size_t k = 0; k < nfmts; k++) {
		struct hz_err e1, e2;
		int r1 = hz_format_match(fmts[k], x, n, &m1, &e1);
		int r2 = hz_format_match_backtrack(fmts[k], x, n, &m2, &e2);
		int same = r1 == r2;
		if (same && r1 == 0) {
			same = m1.nfields == m2.nfields;
			for (size_t i = 0; i < m1.nfields; i++)
				same &= m1.v[i].p == m2.v[i].p && m1.v[i].n == m2.v[i].n && m1.empty[i] == m2.empty[i] &&
					m1.mark[i] == m2.mark[i];
		} else if (same) {
			same = e1.col == e2.col && strcmp(e1.msg, e2.msg) == 0;
		}
		{
			/* the router's variant: the same answer, the same column */
			uint32_t col = 0;
			int r3 = hz_format_match_col(fmts[k], x, n, &m2, &col);
			same &= r3 == r1 && (r1 == 0 || col == e1.col);
		}
		compared++;
		matched += r1 == 0;
		if (!same && differ++ < 10)
			fprintf(stderr, "differs (format %zu: %d \"%s\" / %d \"%s\"): %.*s\n", k, r1, r1 ? e1.msg : "",
				r2, r2 ? e2.msg : "", (int)n, line);
	}
	free(x);
}

/* Bytes that matter to some field or glue. */
static const char bytes[] = " /:\"{}|-~0123456789aAfFxZ.,[]+\\#<>";

static void mutate(const char *line, size_t n, int rounds)
{
	char *q = malloc(n + 8);

	if (!q)
		exit(2);
	for (int it = 0; it < rounds; it++) {
		size_t qn = n;
		int k = 1 + (int)rnd(3);
		memcpy(q, line, n);
		while (k--) {
			size_t at = qn ? rnd((unsigned)qn) : 0;
			switch (rnd(4)) {
			case 0:
				if (qn) {
					memmove(q + at, q + at + 1, qn - at - 1);
					qn--;
				}
				break;
			case 1:
				if (qn < n + 8) {
					memmove(q + at + 1, q + at, qn - at);
					q[at] = bytes[rnd(sizeof(bytes) - 1)];
					qn++;
				}
				break;
			case 2:
				if (qn)
					q[at] = bytes[rnd(sizeof(bytes) - 1)];
				break;
			default:
				qn = at;
				break;
			}
		}
		compare(q, qn);
	}
	free(q);
}

/* IPv6-like addresses in front of a port: the pass reads them itself. */
static void ip_like(void)
{
	static const char ch[] = "0123456789abcdefABCDEF:::::.";
	static const char tail[] = ":8080 [27/Nov/2026:04:16:05.870] fe be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"";
	char buf[64 + sizeof(tail)];
	long before = matched;

	for (int it = 0; it < 20000; it++) {
		size_t len = 1 + rnd(44), i;
		for (i = 0; i < len; i++)
			buf[i] = ch[rnd(sizeof(ch) - 1)];
		/* a valid address now and then */
		if (rnd(4) == 0)
			len = (size_t)sprintf(buf, "%x:%x::%x:%x", rnd(65536), rnd(65536), rnd(65536), rnd(65536));
		memcpy(buf + len, tail, sizeof(tail) - 1);
		compare(buf, len + sizeof(tail) - 1);
	}
	CHECK(matched - before > 1000);
}

/* Regressions of the backtracking matcher met on the way. */
static void regressions(void)
{
	struct hz_format *f;
	struct hz_err e;
	int rc;

	/* a quoted IP or an empty quoted port was offered again and again
	 * until the step limit */
	CHECK_EQ_INT(hz_format_compile("%{+Q}ci %ST", 11, &f, &e), 0);
	rc = hz_format_match_backtrack(f, "\"1.2.3.4\" abc", 13, &m1, &e);
	CHECK_EQ_INT(rc, HZ_ESYNTAX);
	CHECK(strcmp(e.msg, "field %ST (status): expected an integer") == 0);
	hz_format_free(f);
	CHECK_EQ_INT(hz_format_compile("%{+Q}cp %ST", 11, &f, &e), 0);
	rc = hz_format_match_backtrack(f, "\"\" abc", 6, &m1, &e);
	CHECK_EQ_INT(rc, HZ_ESYNTAX);
	CHECK_EQ_INT(e.col, 4);
	hz_format_free(f);

	/* a text followed by a terminator longer than what is left of the
	 * line: the search must not start past the end */
	CHECK_EQ_INT(hz_format_compile("used=%[ssl_c_used] verify=%[ssl_c_verify]", 41, &f, &e), 0);
	{
		char *x = malloc(5);
		memcpy(x, "used=", 5);
		CHECK_EQ_INT(hz_format_match(f, x, 5, &m1, &e), HZ_ESYNTAX);
		CHECK_EQ_INT(hz_format_match_backtrack(f, x, 5, &m1, &e), HZ_ESYNTAX);
		free(x);
	}
	hz_format_free(f);

	/* "{-}" is an empty capture, "-~" an empty frontend over TLS */
	CHECK_EQ_INT(hz_format_compile("%ft %hr %ST", 11, &f, &e), 0);
	CHECK_EQ_INT(hz_format_match(f, "-~ {-} 200", 10, &m1, &e), 0);
	CHECK_EQ_INT(m1.empty[0], 1);
	CHECK_EQ_INT(m1.mark[0], HZ_MARK_TILDE);
	CHECK_EQ_INT(m1.empty[1], 1);
	hz_format_free(f);

	/* a port is not a capture block: "{x}" is no port (the straight pass
	 * once took the capture's shortcut for it) */
	CHECK_EQ_INT(hz_format_compile("%ci:%cp %ST", 11, &f, &e), 0);
	CHECK_EQ_INT(hz_format_match(f, "1.2.3.4:{x} 200", 15, &m1, &e), HZ_ESYNTAX);
	CHECK_EQ_INT(hz_format_match_backtrack(f, "1.2.3.4:{x} 200", 15, &m1, &e), HZ_ESYNTAX);
	hz_format_free(f);
}

int main(void)
{
	static const char *const pre[] = { "httplog", "httplog-legacy", "httplog-clf", "tcplog",
					   "tcplog-clf", "httpslog", "error-default" };
	struct hz_err err;

	for (size_t i = 0; i < N(pre); i++)
		if (hz_format_predefined(pre[i], &fmts[nfmts], &err) == 0)
			nfmts++;
	for (size_t i = 0; i < N(custom); i++) {
		int rc = hz_format_compile(custom[i], strlen(custom[i]), &fmts[nfmts], &err);
		CHECK_EQ_INT(rc, 0);
		if (rc == 0)
			nfmts++;
	}
	regressions();
	for (size_t i = 0; i < N(lines); i++) {
		size_t n = strlen(lines[i]);
		compare(lines[i], n);
		/* every prefix: the end of the line falls in each field, and at
		 * each distance from the 16-byte scans */
		for (size_t k = 0; k < n; k++)
			compare(lines[i], k);
		mutate(lines[i], n, 400);
	}
	ip_like();
	printf("%ld comparisons, %ld matches\n", compared, matched);
	CHECK_EQ_INT(differ, 0);
	CHECK(matched > 1000);
	for (size_t k = 0; k < nfmts; k++)
		hz_format_free(fmts[k]);
	return hz_test_done();
}
