/* Matches every real HAProxy 2.6 line of the reference captures, and third-party samples, against their formats. */
#include <stdlib.h>
#include <string.h>

#include "halyze/fields.h"
#include "halyze/logformat.h"
#include "hz_test.h"

/* The log-format strings of the lab configs (haproxy-2.6-sample-configs). */
#define FMT_CUSTOM "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs {%[ssl_c_verify], %[ssl_fc_has_crt], %{+Q}[ssl_c_i_dn(cn)]} %{+Q}r"
#define FMT_SSLDETAIL "used=%[ssl_c_used] has_crt=%[ssl_fc_has_crt] verify=%[ssl_c_verify] err=%[ssl_c_err] ca_err=%[ssl_c_ca_err] resumed=%[ssl_fc_is_resumed] sni=%[ssl_fc_sni] sid=%[ssl_fc_session_id,hex] serial=%[ssl_c_serial,hex] nb=%[ssl_c_notbefore] na=%[ssl_c_notafter] sdn=%{+Q}[ssl_c_s_dn] idn_cn=%[ssl_c_i_dn(CN)] fsdn=%[ssl_f_s_dn(CN)] ver=%sslv ciph=%sslc alpn=%[ssl_fc_alpn] proto=%[ssl_fc_protocol]"
#define FMT_FLAGS "ciX=%{+X}ci cpX=%{+X}cp TsX=%{+X}Ts rtX=%{+X}rt ms=%ms msX=%{+X}ms ftQ=%{+Q}ft bQ=%{+Q}b sQ=%{+Q}s CC=%CC CCQ=%{+Q}CC emptyvar=%[var(txn.none)] emptyvarQ=%{+Q}[var(txn.none)] escE=%{+E}[var(txn.esc)] escQE=%{+Q,+E}[var(txn.esc)] escraw=%[var(txn.esc)] hr=%hr hrl=%hrl HM=%HM HU=%HU HP=%HP HPO=%HPO HQ=%HQ HV=%HV t=[%t] T=[%T] Tl=[%Tl] trg=[%trg] trl=[%trl] Ts=%Ts ID=%ID pct=100%% H=%H lc=%lc r=%{+Q}r"
#define FMT_FLAGS_ERR "ERR %ci:%cp [%t] %ft %ac/%fc %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc errstr=%{+Q}[fc_err_str]"
#define FMT_MISC "A %{+Q}o ci=%ci cp=%cp B=%B ST=%ST ts=%ts s=%s noflagQ=%{Q}ci minusM=[%{-M}CC] M=[%CC] vrfy=[%[ssl_c_verify]] hasc=[%[ssl_fc_has_crt]] Tt=%Tt rc=%rc r=%r"
#define FMT_ERRFMT "ERRFMT %ci:%cp %ST %tsc %{+Q}r"
/* third-party/README.md: the custom format of beats-haproxy.log lines 2-10 */
#define FMT_BEATS "%ci:%cp [%tr] %ft %b/%s %[capture.req.hdr(0)] %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r"

enum fk {
	F_HTTPLOG, F_LEGACY, F_CLF, F_TCPLOG, F_HTTPSLOG, F_ERRDEF, F_CUSTOM, F_SSLDETAIL, F_FLAGS,
	F_FLAGS_ERR, F_MISC, F_ERRFMT, F_BEATS, F_COUNT, F_NONE = -1
};

static const struct { const char *name; const char *fmt; } formats[F_COUNT] = {
	{ "httplog", NULL }, { "httplog-legacy", NULL }, { "httplog-clf", NULL }, { "tcplog", NULL },
	{ "httpslog", NULL }, { "error-default", NULL },
	{ "fe_custom", FMT_CUSTOM }, { "fe_ssldetail", FMT_SSLDETAIL }, { "fe_flags", FMT_FLAGS },
	{ "fe_flags error-log-format", FMT_FLAGS_ERR }, { "fe_misc", FMT_MISC }, { "run3 error-log-format", FMT_ERRFMT },
	{ "beats custom", FMT_BEATS },
};

static struct hz_format *fmt[F_COUNT];
static struct hz_match m;

static void load_formats(void)
{
	int i;

	for (i = 0; i < F_COUNT; i++) {
		struct hz_err err;
		int rc = formats[i].fmt ? hz_format_compile(formats[i].fmt, strlen(formats[i].fmt), &fmt[i], &err)
					: hz_format_predefined(formats[i].name, &fmt[i], &err);
		CHECK_EQ_INT(rc, 0);
		if (rc) {
			fprintf(stderr, "%s: %s\n", formats[i].name, err.msg);
			exit(1);
		}
	}
}

static int match(enum fk k, const char *line, struct hz_err *why)
{
	return hz_format_match(fmt[k], line, strlen(line), &m, why);
}

/* The view of a field by any of its names in the last match. */
static struct hz_str fv(enum fk k, const char *name)
{
	int i = hz_format_find(fmt[k], name);
	if (i < 0) {
		fprintf(stderr, "no field %s in %s\n", name, formats[k].name);
		return hz_str_make("<nofield>", 9);
	}
	return m.v[i];
}

static int fempty(enum fk k, const char *name)
{
	int i = hz_format_find(fmt[k], name);
	return i < 0 ? -1 : m.empty[i];
}

static int fmark(enum fk k, const char *name)
{
	int i = hz_format_find(fmt[k], name);
	return i < 0 ? -1 : m.mark[i];
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	buf[n] = 0;
	fclose(fp);
	return buf;
}

static char *ref_path(const char *rel)
{
	static char path[1024];
	const char *dir = getenv("HZ_REFERENCE");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "../../shared/reference", rel);
	return path;
}

/* Which frontend wrote a raw captured line (from the lab configs). */
static enum fk classify(const char *l)
{
	if (strncmp(l, "ciX=", 4) == 0)
		return F_FLAGS;
	if (strncmp(l, "used=", 5) == 0)
		return F_SSLDETAIL;
	if (strncmp(l, "ERRFMT ", 7) == 0)
		return F_ERRFMT;
	if (strncmp(l, "ERR ", 4) == 0)
		return F_FLAGS_ERR;
	if (strncmp(l, "A ci=", 5) == 0)
		return F_MISC;
	if (strncmp(l, "Connect from ", 13) == 0)
		return F_NONE;
	if (strstr(l, " - - ["))
		return F_CLF;
	if (strstr(l, "] fe_custom~ "))
		return F_CUSTOM;
	if (strstr(l, "] fe_https~ "))
		return F_HTTPSLOG;
	if (strstr(l, "] fe_tcp"))
		return F_TCPLOG;
	if (strstr(l, "] fe_sslerr/"))
		return F_ERRDEF;
	return F_HTTPLOG;
}

/* The formats that stand for different line shapes: a line of one must not
 * match another. (httplog-legacy has the shape of httplog.) */
static const enum fk shapes[] = { F_HTTPLOG, F_CLF, F_TCPLOG, F_HTTPSLOG, F_ERRDEF, F_CUSTOM, F_ERRFMT };

static void check_exclusive(enum fk k, const char *line)
{
	size_t i;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		int rc;
		if (shapes[i] == k || (k == F_BEATS && shapes[i] == F_HTTPLOG))
			continue;
		rc = match(shapes[i], line, NULL);
		if (rc == 0)
			fprintf(stderr, "%s wrongly matches a %s line: %s\n", formats[shapes[i]].name,
				k == F_NONE ? "foreign" : formats[k].name, line);
		CHECK_EQ_INT(rc, HZ_ESYNTAX);
	}
}

static int nmatched[F_COUNT];

static void test_captured_file(void)
{
	char *buf = slurp(ref_path("haproxy-2.6-captured-lines.txt"));
	char *line, *save = NULL;
	int raw = 0, nraw = 0, nconnect = 0;

	CHECK(buf != NULL);
	if (!buf) {
		fprintf(stderr, "cannot read %s (set HZ_REFERENCE)\n", ref_path("haproxy-2.6-captured-lines.txt"));
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		enum fk k;
		struct hz_err why;
		int rc;
		if (strncmp(line, "## ", 3) == 0) {
			/* run 1 stdout, run 2, run 3 are raw; the UDP section is python repr */
			raw = strstr(line, "UDP") == NULL;
			continue;
		}
		if (!raw || line[0] == '#' || line[0] == 0)
			continue;
		nraw++;
		k = classify(line);
		if (k == F_NONE) {
			nconnect++;
			check_exclusive(k, line);
			continue;
		}
		rc = match(k, line, &why);
		if (rc)
			fprintf(stderr, "%s does not match (col %u: %s):\n  %s\n", formats[k].name, why.col, why.msg, line);
		CHECK_EQ_INT(rc, 0);
		if (rc == 0)
			nmatched[k]++;
		check_exclusive(k, line);
	}
	free(buf);
	CHECK_EQ_INT(nraw, 55);
	CHECK_EQ_INT(nconnect, 1);
	CHECK_EQ_INT(nmatched[F_HTTPLOG], 24);
	CHECK_EQ_INT(nmatched[F_CLF], 1);
	CHECK_EQ_INT(nmatched[F_TCPLOG], 3);
	CHECK_EQ_INT(nmatched[F_HTTPSLOG], 4);
	CHECK_EQ_INT(nmatched[F_CUSTOM], 7);
	CHECK_EQ_INT(nmatched[F_SSLDETAIL], 6);
	CHECK_EQ_INT(nmatched[F_FLAGS], 2);
	CHECK_EQ_INT(nmatched[F_FLAGS_ERR], 2);
	CHECK_EQ_INT(nmatched[F_ERRDEF], 2);
	CHECK_EQ_INT(nmatched[F_MISC], 1);
	CHECK_EQ_INT(nmatched[F_ERRFMT], 2);
}

static void test_httplog_values(void)
{
	int64_t x;
	int32_t off;

	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {127.0.0.1:18080|curl/lab #22quoted#22 UA} {text/plain} \"GET /index.html HTTP/1.1\"", NULL), 0);
	CHECK_EQ_INT(m.nfields, 26);
	CHECK_STR(fv(F_HTTPLOG, "ci"), "127.0.0.1");
	CHECK_STR(fv(F_HTTPLOG, "client_port"), "59294");
	CHECK_STR(fv(F_HTTPLOG, "tr"), "27/Nov/2026:04:16:05.870");
	CHECK_STR(fv(F_HTTPLOG, "ft"), "fe_http");
	CHECK_EQ_INT(fmark(F_HTTPLOG, "ft"), 0);
	CHECK_STR(fv(F_HTTPLOG, "b"), "be_app");
	CHECK_STR(fv(F_HTTPLOG, "server"), "app1");
	CHECK_STR(fv(F_HTTPLOG, "ST"), "200");
	CHECK_STR(fv(F_HTTPLOG, "B"), "77");
	CHECK_STR(fv(F_HTTPLOG, "CC"), "-");
	CHECK_EQ_INT(fempty(F_HTTPLOG, "CC"), 1);
	CHECK_EQ_INT(fempty(F_HTTPLOG, "CS"), 1);
	CHECK_STR(fv(F_HTTPLOG, "tsc"), "----");
	CHECK_STR(fv(F_HTTPLOG, "ac"), "2");
	CHECK_STR(fv(F_HTTPLOG, "fc"), "1");
	CHECK_STR(fv(F_HTTPLOG, "hr"), "127.0.0.1:18080|curl/lab #22quoted#22 UA");
	CHECK_STR(fv(F_HTTPLOG, "hs"), "text/plain");
	CHECK_STR(fv(F_HTTPLOG, "r"), "GET /index.html HTTP/1.1");
	CHECK_EQ_INT(fmark(F_HTTPLOG, "r"), HZ_MARK_QUOTED);
	CHECK_EQ_INT(fempty(F_HTTPLOG, "r"), 0);
	/* typed readers on it */
	CHECK_EQ_INT(hz_field_int(fv(F_HTTPLOG, "ST"), &x), 0);
	CHECK_EQ_INT(x, 200);
	CHECK_EQ_INT(hz_field_date(fv(F_HTTPLOG, "tr"), &x, &off), 0);
	CHECK_EQ_INT(x, 1795752965870LL);
	CHECK_EQ_INT(off, INT32_MIN);
	{
		struct hz_str c;
		char dec[64];
		size_t dn;
		CHECK_EQ_INT(hz_field_capture_count(fv(F_HTTPLOG, "hr")), 2);
		CHECK_EQ_INT(hz_field_capture(fv(F_HTTPLOG, "hr"), 1, &c), 0);
		CHECK_STR(c, "curl/lab #22quoted#22 UA");
		dn = hz_field_unhash(c, dec, sizeof(dec));
		CHECK_STR(hz_str_make(dec, dn), "curl/lab \"quoted\" UA");
		CHECK_EQ_INT(hz_field_capture(fv(F_HTTPLOG, "hr"), 2, &c), -1);
	}
	{
		struct hz_request r;
		CHECK_EQ_INT(hz_field_request(fv(F_HTTPLOG, "r"), &r), 0);
		CHECK_STR(r.method, "GET");
		CHECK_STR(r.uri, "/index.html");
		CHECK_STR(r.path, "/index.html");
		CHECK_STR(r.query, "");
		CHECK_STR(r.version, "HTTP/1.1");
	}
	{
		struct hz_ip ip;
		char txt[64];
		CHECK_EQ_INT(hz_field_ip(fv(F_HTTPLOG, "ci"), &ip), 0);
		CHECK_EQ_INT(ip.family, 4);
		CHECK_EQ_INT(ip.a[0], 127);
		CHECK_EQ_INT(ip.a[3], 1);
		CHECK_EQ_INT(hz_ip_format(&ip, txt, sizeof(txt)), 9);
		CHECK(strcmp(txt, "127.0.0.1") == 0);
	}

	/* {} is one missing capture, {|} two */
	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:59308 [27/Nov/2026:04:16:05.911] fe_http fe_http/<NOSRV> 0/-1/-1/-1/0 302 91 - - LR-- 3/2/0/0/0 0/0 {127.0.0.1:18080|curl/7.88.1} {} \"GET /redir HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "s"), "<NOSRV>");
	CHECK_STR(fv(F_HTTPLOG, "b"), "fe_http");
	CHECK_STR(fv(F_HTTPLOG, "Tw"), "-1");
	CHECK_STR(fv(F_HTTPLOG, "hs"), "");
	CHECK_EQ_INT(fempty(F_HTTPLOG, "hs"), 1);
	CHECK_EQ_INT(fmark(F_HTTPLOG, "hs"), 0);
	CHECK_EQ_INT(hz_field_int(fv(F_HTTPLOG, "Tc"), &x), 0);
	CHECK_EQ_INT(x, -1);
	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:37788 [27/Nov/2026:04:16:14.846] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 {|} {text/plain} \"GET /http10 HTTP/1.0\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "hr"), "|");
	CHECK_EQ_INT(fempty(F_HTTPLOG, "hr"), 0);
	CHECK_EQ_INT(hz_field_capture_count(fv(F_HTTPLOG, "hr")), 2);

	/* <BADREQ>: no capture blocks at all, one space before the request */
	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:37758 [27/Nov/2026:04:16:10.236] fe_http fe_http/<NOSRV> -1/-1/-1/-1/2001 408 0 - - cR-- 1/1/0/0/0 0/0 \"<BADREQ>\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "TR"), "-1");
	CHECK_STR(fv(F_HTTPLOG, "Ta"), "2001");
	CHECK_STR(fv(F_HTTPLOG, "ST"), "408");
	CHECK_STR(fv(F_HTTPLOG, "tsc"), "cR--");
	CHECK_EQ_INT(fempty(F_HTTPLOG, "hr"), 1);
	CHECK_EQ_INT(fmark(F_HTTPLOG, "hr"), HZ_MARK_ABSENT);
	CHECK_EQ_INT(fmark(F_HTTPLOG, "hs"), HZ_MARK_ABSENT);
	CHECK_STR(fv(F_HTTPLOG, "r"), "<BADREQ>");
	{
		struct hz_request r;
		CHECK_EQ_INT(hz_field_request(fv(F_HTTPLOG, "r"), &r), 0);
		CHECK_EQ_INT(r.bad, 1);
		CHECK_EQ_INT(r.method.n, 0);
	}

	/* redispatch '+', h2 absolute URI, '~' frontend, stats applet */
	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:48802 [27/Nov/2026:04:16:42.230] fe_http be_redisp/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/+1 0/0 \"GET /redisp HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "rc"), "+1");
	CHECK_EQ_INT(hz_field_int(fv(F_HTTPLOG, "rc"), &x), 0);
	CHECK_EQ_INT(x, 1);
	CHECK_EQ_INT(hz_field_plus(fv(F_HTTPLOG, "rc")), 1);
	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:59312 [27/Nov/2026:04:16:43.474] fe_http~ be_app/app1 0/0/1/0/1 200 77 - - ---- 3/1/0/0/0 0/0 \"GET https://127.0.0.1:28443/h2path?x=1 HTTP/2.0\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "ft"), "fe_http");
	CHECK_STR(fv(F_HTTPLOG, "frontend"), "fe_http");
	CHECK_EQ_INT(fmark(F_HTTPLOG, "ft"), HZ_MARK_TILDE);
	{
		struct hz_request r;
		CHECK_EQ_INT(hz_field_request(fv(F_HTTPLOG, "r"), &r), 0);
		CHECK_STR(r.uri, "https://127.0.0.1:28443/h2path?x=1");
		CHECK_STR(r.path, "https://127.0.0.1:28443/h2path");
		CHECK_STR(r.path_only, "/h2path");
		CHECK_STR(r.query, "?x=1");
		CHECK_STR(r.version, "HTTP/2.0");
	}
	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:48816 [27/Nov/2026:04:16:42.312] fe_http fe_http/<STATS> 0/0/0/0/0 200 49492 - - LR-- 2/1/0/0/0 0/0 \"GET /stats HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "s"), "<STATS>");
	CHECK_STR(fv(F_HTTPLOG, "B"), "49492");
	/* logasap */
	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:46960 [27/Nov/2026:04:16:43.585] fe_asap be_app/app1 0/0/0/0/+0 200 +77 - - ---- 5/1/1/1/0 0/0 \"GET /asap HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "Ta"), "+0");
	CHECK_STR(fv(F_HTTPLOG, "B"), "+77");
	CHECK_EQ_INT(hz_field_int(fv(F_HTTPLOG, "B"), &x), 0);
	CHECK_EQ_INT(x, 77);
	/* run 3, with a capture */
	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:50970 [27/Nov/2026:04:19:35.703] fe fe/<NOSRV> 0/-1/-1/-1/0 200 74 - - LR-- 1/1/0/0/0 0/0 {x} \"GET / HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "hr"), "x");
	CHECK_EQ_INT(fmark(F_HTTPLOG, "hs"), HZ_MARK_ABSENT);

	/* an error names the field and the column */
	{
		struct hz_err why;
		const char *l = "127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 2x0 77 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\"";
		CHECK_EQ_INT(match(F_HTTPLOG, l, &why), HZ_ESYNTAX);
		CHECK(strstr(why.msg, "%ST (status)") != NULL);
		CHECK(strstr(why.msg, "expected") != NULL);
		CHECK_EQ_INT(why.col, (unsigned)(strstr(l, "2x0") - l) + 2);
		l = "127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 abc 77 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\"";
		CHECK_EQ_INT(match(F_HTTPLOG, l, &why), HZ_ESYNTAX);
		CHECK(strcmp(why.msg, "field %ST (status): expected an integer") == 0);
		CHECK_EQ_INT(why.col, (unsigned)(strstr(l, "abc") - l) + 1);
		l = "127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 GET / HTTP/1.1";
		CHECK_EQ_INT(match(F_HTTPLOG, l, &why), HZ_ESYNTAX);
		CHECK(strstr(why.msg, "%r (request)") != NULL);
		l = "127.0.0.1:59294 [27/Nov/2026:04:16:05.87] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\"";
		CHECK_EQ_INT(match(F_HTTPLOG, l, &why), HZ_ESYNTAX);
		CHECK(strstr(why.msg, "%tr (request_date)") != NULL);
		CHECK_EQ_INT(why.col, 18);
		l = "127.0.0.1:54526 [27/Nov/2026:04:16:15.561] fe_tcp be_tcp/app1 1/0/0 70 -- 3/1/0/0/0 0/0";
		CHECK_EQ_INT(match(F_HTTPLOG, l, &why), HZ_ESYNTAX);
		CHECK(strstr(why.msg, "%Tc (time_connect)") != NULL);
		CHECK_EQ_INT(match(F_HTTPLOG, "", &why), HZ_ESYNTAX);
		CHECK(strstr(why.msg, "%ci (client_ip)") != NULL);
	}
	/* a %r cut by the line length limit keeps what is there */
	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 \"GET /very/long/ur", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "r"), "GET /very/long/ur");
	CHECK_EQ_INT(fmark(F_HTTPLOG, "r"), HZ_MARK_QUOTED | HZ_MARK_CUT);
	/* IPv6 client: the port is after the last ':' */
	CHECK_EQ_INT(match(F_HTTPLOG, "2001:db8::1:8080 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "ci"), "2001:db8::1");
	CHECK_STR(fv(F_HTTPLOG, "cp"), "8080");
	CHECK_EQ_INT(match(F_HTTPLOG, "::1:59294 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "ci"), "::1");
	CHECK_STR(fv(F_HTTPLOG, "cp"), "59294");
	CHECK_EQ_INT(match(F_HTTPLOG, "unix:1 [27/Nov/2026:04:16:05.870] fe_http be_app/app1 0/0/0/0/0 200 77 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "ci"), "unix");
}

static void test_other_values(void)
{
	int64_t x;
	int32_t off;

	/* CLF, with its trailing space */
	CHECK_EQ_INT(match(F_CLF, "127.0.0.1 - - [27/Nov/2026:04:16:15 +0000] \"GET /clf?x=1 HTTP/1.1\" 200 77 \"\" \"\" 39138 515 \"fe_clf\" \"be_app\" \"app1\" 0 0 0 0 0 ---- 4 1 0 0 0 0 0 \"\" \"\" ", NULL), 0);
	CHECK_STR(fv(F_CLF, "ci"), "127.0.0.1");
	CHECK_STR(fv(F_CLF, "trg"), "27/Nov/2026:04:16:15 +0000");
	CHECK_STR(fv(F_CLF, "r"), "GET /clf?x=1 HTTP/1.1");
	CHECK_STR(fv(F_CLF, "cp"), "39138");
	CHECK_STR(fv(F_CLF, "ms"), "515");
	CHECK_STR(fv(F_CLF, "ft"), "fe_clf");
	CHECK_STR(fv(F_CLF, "b"), "be_app");
	CHECK_STR(fv(F_CLF, "s"), "app1");
	CHECK_STR(fv(F_CLF, "tsc"), "----");
	CHECK_STR(fv(F_CLF, "bq"), "0");
	CHECK_STR(fv(F_CLF, "CC"), "");
	CHECK_EQ_INT(fempty(F_CLF, "CC"), 1);
	CHECK_EQ_INT(fmark(F_CLF, "CS"), HZ_MARK_QUOTED);
	CHECK_EQ_INT(fmark(F_CLF, "hrl"), HZ_MARK_ABSENT);
	CHECK_EQ_INT(fmark(F_CLF, "hsl"), HZ_MARK_ABSENT);
	CHECK_EQ_INT(hz_field_date(fv(F_CLF, "trg"), &x, &off), 0);
	CHECK_EQ_INT(x, 1795752975000LL);
	CHECK_EQ_INT(off, 0);
	/* a syslog daemon that trims the trailing space */
	CHECK_EQ_INT(match(F_CLF, "127.0.0.1 - - [27/Nov/2026:04:16:15 +0000] \"GET /clf?x=1 HTTP/1.1\" 200 77 \"\" \"\" 39138 515 \"fe_clf\" \"be_app\" \"app1\" 0 0 0 0 0 ---- 4 1 0 0 0 0 0 \"\" \"\"", NULL), 0);
	/* with captures in list form */
	CHECK_EQ_INT(match(F_CLF, "127.0.0.1 - - [27/Nov/2026:04:16:15 +0000] \"GET / HTTP/1.1\" 200 77 \"\" \"\" 39138 515 \"fe_clf~\" \"be_app\" \"app1\" 0 0 0 0 0 ---- 4 1 0 0 0 0 0 \"a\" \"\" \"host x\" \"curl 8\" \"text/html\"", NULL), 0);
	CHECK_STR(fv(F_CLF, "hrl"), "\"host x\"");
	CHECK_STR(fv(F_CLF, "hsl"), "\"curl 8\" \"text/html\"");
	CHECK_STR(fv(F_CLF, "ft"), "fe_clf");
	CHECK_EQ_INT(fmark(F_CLF, "ft"), HZ_MARK_QUOTED | HZ_MARK_TILDE);
	CHECK_STR(fv(F_CLF, "CC"), "a");

	/* tcplog, logasap */
	CHECK_EQ_INT(match(F_TCPLOG, "127.0.0.1:45886 [27/Nov/2026:04:16:46.925] fe_tcp_asap be_app_tcp/app1 1/56/+56 +0 -- 2/1/1/1/0 0/0", NULL), 0);
	CHECK_STR(fv(F_TCPLOG, "t"), "27/Nov/2026:04:16:46.925");
	CHECK_STR(fv(F_TCPLOG, "ft"), "fe_tcp_asap");
	CHECK_STR(fv(F_TCPLOG, "b"), "be_app_tcp");
	CHECK_STR(fv(F_TCPLOG, "Tw"), "1");
	CHECK_STR(fv(F_TCPLOG, "Tc"), "56");
	CHECK_STR(fv(F_TCPLOG, "Tt"), "+56");
	CHECK_STR(fv(F_TCPLOG, "B"), "+0");
	CHECK_STR(fv(F_TCPLOG, "ts"), "--");
	CHECK_STR(fv(F_TCPLOG, "termination_state"), "--");
	CHECK_STR(fv(F_TCPLOG, "bc"), "1");
	CHECK_EQ_INT(match(F_TCPLOG, "127.0.0.1:35106 [27/Nov/2026:04:16:43.638] fe_tcp be_tcpdead/dead1 1/-1/3007 0 SC 1/1/0/0/3 0/0", NULL), 0);
	CHECK_STR(fv(F_TCPLOG, "ts"), "SC");
	CHECK_STR(fv(F_TCPLOG, "rc"), "3");

	/* httpslog */
	CHECK_EQ_INT(match(F_HTTPSLOG, "127.0.0.1:53404 [27/Nov/2026:04:16:15.758] fe_https~ be_app/app1 0/0/0/0/0 200 77 - - ---- 4/1/0/0/0 0/0 \"GET /badcert HTTP/1.1\" 0/0000000000000000/18/0/0 www.example.test/TLSv1.3/TLS_AES_256_GCM_SHA384", NULL), 0);
	CHECK_STR(fv(F_HTTPSLOG, "ft"), "fe_https");
	CHECK_EQ_INT(fmark(F_HTTPSLOG, "ft"), HZ_MARK_TILDE);
	CHECK_STR(fv(F_HTTPSLOG, "fc_err"), "0");
	CHECK_STR(fv(F_HTTPSLOG, "ssl_fc_err,hex"), "0000000000000000");
	CHECK_STR(fv(F_HTTPSLOG, "ssl_c_err"), "18");
	CHECK_STR(fv(F_HTTPSLOG, "ssl_fc_sni"), "www.example.test");
	CHECK_STR(fv(F_HTTPSLOG, "tls_version"), "TLSv1.3");
	CHECK_STR(fv(F_HTTPSLOG, "sslc"), "TLS_AES_256_GCM_SHA384");
	CHECK_EQ_INT(fmark(F_HTTPSLOG, "hr"), HZ_MARK_ABSENT);
	CHECK_EQ_INT(match(F_HTTPSLOG, "127.0.0.1:53414 [27/Nov/2026:04:16:15.810] fe_https~ be_app/app1 0/0/1/0/1 200 77 - - ---- 4/1/0/0/0 0/0 \"GET /tls12 HTTP/1.1\" 0/0000000000000000/0/0/0 -/TLSv1.2/ECDHE-RSA-AES256-GCM-SHA384", NULL), 0);
	CHECK_EQ_INT(fempty(F_HTTPSLOG, "ssl_fc_sni"), 1);
	CHECK_STR(fv(F_HTTPSLOG, "sslc"), "ECDHE-RSA-AES256-GCM-SHA384");

	/* fe_custom: samples between braces, a quoted DN with spaces, an empty one */
	CHECK_EQ_INT(match(F_CUSTOM, "127.0.0.1:44374 [27/Nov/2026:04:16:15.895] fe_custom~ be_app/app1 0/0/1/0/1 200 77 - - ---- 2/1/0/0/0 0/0 {0, 1, \"Example Root CA\"} \"GET /resume-test HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_CUSTOM, "ssl_c_verify"), "0");
	CHECK_STR(fv(F_CUSTOM, "ssl_fc_has_crt"), "1");
	CHECK_STR(fv(F_CUSTOM, "ssl_c_i_dn(cn)"), "Example Root CA");
	CHECK_EQ_INT(fmark(F_CUSTOM, "hr"), HZ_MARK_ABSENT);
	CHECK_STR(fv(F_CUSTOM, "r"), "GET /resume-test HTTP/1.1");
	CHECK_EQ_INT(match(F_CUSTOM, "127.0.0.1:44404 [27/Nov/2026:04:16:17.154] fe_custom~ be_app/app1 0/0/0/0/0 200 77 - - ---- 4/1/0/0/0 0/0 {0, 0, \"\"} \"GET /resume-test HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_CUSTOM, "ssl_c_i_dn(cn)"), "");
	CHECK_EQ_INT(fempty(F_CUSTOM, "ssl_c_i_dn(cn)"), 1);

	/* fe_ssldetail: unquoted samples with spaces, a quoted DN with spaces */
	CHECK_EQ_INT(match(F_SSLDETAIL, "used=1 has_crt=0 verify=0 err=0 ca_err=0 resumed=1 sni=www.example.test sid=75A3BE004A98ACF31642CA58645528C3147B632C982664FF2DE14E7C4654EF04 serial=1A2B3C nb=261127041537Z na=271127041537Z sdn=\"/C=US/O=Clients/CN=alice client\" idn_cn=Example Root CA fsdn=localhost ver=TLSv1.3 ciph=TLS_AES_256_GCM_SHA384 alpn=- proto=TLSv1.3", NULL), 0);
	CHECK_STR(fv(F_SSLDETAIL, "ssl_c_used"), "1");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_fc_is_resumed"), "1");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_fc_session_id,hex"), "75A3BE004A98ACF31642CA58645528C3147B632C982664FF2DE14E7C4654EF04");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_c_serial,hex"), "1A2B3C");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_c_notafter"), "271127041537Z");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_c_s_dn"), "/C=US/O=Clients/CN=alice client");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_c_i_dn(CN)"), "Example Root CA");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_f_s_dn(CN)"), "localhost");
	CHECK_STR(fv(F_SSLDETAIL, "sslv"), "TLSv1.3");
	CHECK_STR(fv(F_SSLDETAIL, "tls_cipher"), "TLS_AES_256_GCM_SHA384");
	CHECK_EQ_INT(fempty(F_SSLDETAIL, "ssl_fc_alpn"), 1);
	CHECK_STR(fv(F_SSLDETAIL, "ssl_fc_protocol"), "TLSv1.3");
	CHECK_EQ_INT(match(F_SSLDETAIL, "used=1 has_crt=1 verify=18 err=18 ca_err=0 resumed=0 sni=www.example.test sid=FAC56F450A9B243781A75E6C37726C98CD1C4941B7D131E97A1B72C8E313BB94 serial=2A4E9667EC2FA0F2CCDF090001460F0EC1CFA1E8 nb=261127041537Z na=261227041537Z sdn=\"/CN=self signed mallory\" idn_cn=self signed mallory fsdn=localhost ver=TLSv1.3 ciph=TLS_AES_256_GCM_SHA384 alpn=- proto=TLSv1.3", NULL), 0);
	CHECK_STR(fv(F_SSLDETAIL, "ssl_c_i_dn(CN)"), "self signed mallory");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_c_s_dn"), "/CN=self signed mallory");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_c_verify"), "18");
	CHECK_EQ_INT(match(F_SSLDETAIL, "used=0 has_crt=0 verify=0 err=0 ca_err=0 resumed=0 sni=- sid=CC326217D69899CC7EDA8082EE5B68A8549CE9D28E30FD81E3B38DC8E94486D9 serial=- nb=- na=- sdn=\"\" idn_cn=- fsdn=localhost ver=TLSv1.3 ciph=TLS_AES_256_GCM_SHA384 alpn=- proto=TLSv1.3", NULL), 0);
	CHECK_EQ_INT(fempty(F_SSLDETAIL, "ssl_c_s_dn"), 1);
	CHECK_EQ_INT(fempty(F_SSLDETAIL, "ssl_c_i_dn(CN)"), 1);
	CHECK_EQ_INT(fempty(F_SSLDETAIL, "ssl_fc_sni"), 1);
	/* a DN holding a raw quote inside %{+Q}[...] (Q does not escape) */
	CHECK_EQ_INT(match(F_SSLDETAIL, "used=1 has_crt=1 verify=0 err=0 ca_err=0 resumed=0 sni=- sid=- serial=01 nb=- na=- sdn=\"/O=Acme \"Big\" Co/CN=bob\" idn_cn=Acme \"CA\" fsdn=localhost ver=TLSv1.3 ciph=X alpn=h2 proto=TLSv1.3", NULL), 0);
	CHECK_STR(fv(F_SSLDETAIL, "ssl_c_s_dn"), "/O=Acme \"Big\" Co/CN=bob");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_c_i_dn(CN)"), "Acme \"CA\"");
	CHECK_STR(fv(F_SSLDETAIL, "ssl_fc_alpn"), "h2");

	/* fe_flags: X, Q, E, M, dates, %% */
	CHECK_EQ_INT(match(F_FLAGS, "ciX=7F000001 cpX=9F5C TsX=6B090412 rtX=003E ms=367 msX=16F ftQ=\"fe_flags\" bQ=\"be_app\" sQ=\"app1\" CC=- CCQ=\"\" emptyvar=- emptyvarQ=\"\" escE=a\\\"b\\\\c\\]d e escQE=\"a\\\"b\\\\c\\]d e\" escraw=a\"b\\c]d e hr={val#7Cwith#7Bbr#7D#22q#22#23h} hrl=val#7Cwith#7Bbr#7D#22q#22#23h HM=GET HU=/p/a/t/h?q=1&r=%20x HP=/p/a/t/h HPO=/p/a/t/h HQ=?q=1&r=%20x HV=HTTP/1.1 t=[27/Nov/2026:04:16:18.367] T=[27/Nov/2026:04:16:18 +0000] Tl=[27/Nov/2026:04:16:18 +0000] trg=[27/Nov/2026:04:16:18 +0000] trl=[27/Nov/2026:04:16:18 +0000] Ts=1795752978 ID=7F000001:9F5C_7F000001:46A4_6B090412_003E:27F7 pct=100% H=vm lc=0 r=\"GET /p/a/t/h?q=1&r=%20x HTTP/1.1\"", NULL), 0);
	CHECK_STR(m.v[0], "7F000001");
	CHECK_STR(m.v[1], "9F5C");
	CHECK_STR(m.v[2], "6B090412");
	CHECK_STR(m.v[3], "003E");
	CHECK_STR(m.v[4], "367");
	CHECK_STR(m.v[5], "16F");
	CHECK_STR(m.v[6], "fe_flags");
	CHECK_STR(m.v[7], "be_app");
	CHECK_STR(m.v[8], "app1");
	CHECK_EQ_INT(m.empty[9], 1);
	CHECK_EQ_INT(m.empty[10], 1);
	CHECK_EQ_INT(m.empty[11], 1);
	CHECK_EQ_INT(m.empty[12], 1);
	CHECK_STR(m.v[13], "a\\\"b\\\\c\\]d e");
	CHECK_STR(m.v[14], "a\\\"b\\\\c\\]d e");
	CHECK_STR(m.v[15], "a\"b\\c]d e");
	CHECK_STR(m.v[16], "val#7Cwith#7Bbr#7D#22q#22#23h");
	CHECK_STR(m.v[17], "val#7Cwith#7Bbr#7D#22q#22#23h");
	CHECK_STR(fv(F_FLAGS, "HQ"), "?q=1&r=%20x");
	CHECK_STR(fv(F_FLAGS, "T"), "27/Nov/2026:04:16:18 +0000");
	CHECK_STR(fv(F_FLAGS, "trl"), "27/Nov/2026:04:16:18 +0000");
	CHECK_STR(fv(F_FLAGS, "ID"), "7F000001:9F5C_7F000001:46A4_6B090412_003E:27F7");
	CHECK_STR(fv(F_FLAGS, "H"), "vm");
	CHECK_STR(fv(F_FLAGS, "log_counter"), "0");
	CHECK_STR(fv(F_FLAGS, "r"), "GET /p/a/t/h?q=1&r=%20x HTTP/1.1");
	{
		char dec[64];
		size_t dn = hz_field_unescape(m.v[13], dec, sizeof(dec));
		struct hz_ip ip;
		int64_t v64;
		unsigned port;
		CHECK_STR(hz_str_make(dec, dn), "a\"b\\c]d e");
		dn = hz_field_unhash(m.v[16], dec, sizeof(dec));
		CHECK_STR(hz_str_make(dec, dn), "val|with{br}\"q\"#h");
		CHECK_EQ_INT(hz_field_ip(m.v[0], &ip), 0);
		CHECK_EQ_INT(ip.family, 4);
		CHECK_EQ_INT(ip.a[0], 0x7F);
		CHECK_EQ_INT(ip.a[3], 1);
		CHECK_EQ_INT(hz_field_port(m.v[1], 1, &port), 0);
		CHECK_EQ_INT(port, 0x9F5C);
		CHECK_EQ_INT(hz_field_number(hz_format_field(fmt[F_FLAGS], 2), m.v[2], &v64), 0);
		CHECK_EQ_INT(v64, 1795752978);
		CHECK_EQ_INT(hz_field_number(hz_format_field(fmt[F_FLAGS], 5), m.v[5], &v64), 0);
		CHECK_EQ_INT(v64, 367);
		CHECK_EQ_INT(hz_field_number(hz_format_field(fmt[F_FLAGS], 4), m.v[4], &v64), 0);
		CHECK_EQ_INT(v64, 367);
	}
	/* second fe_flags line: empty capture, HQ empty (not -) */
	CHECK_EQ_INT(match(F_FLAGS, "ciX=7F000001 cpX=9F62 TsX=6B090412 rtX=0040 ms=449 msX=1C1 ftQ=\"fe_flags\" bQ=\"be_app\" sQ=\"app1\" CC=- CCQ=\"\" emptyvar=- emptyvarQ=\"\" escE=- escQE=\"\" escraw=- hr={} hrl=- HM=GET HU=/ HP=/ HPO=/ HQ= HV=HTTP/1.1 t=[27/Nov/2026:04:16:18.449] T=[27/Nov/2026:04:16:18 +0000] Tl=[27/Nov/2026:04:16:18 +0000] trg=[27/Nov/2026:04:16:18 +0000] trl=[27/Nov/2026:04:16:18 +0000] Ts=1795752978 ID=7F000001:9F62_7F000001:46A4_6B090412_0040:27F7 pct=100% H=vm lc=1 r=\"GET / HTTP/1.1\"", NULL), 0);
	CHECK_EQ_INT(fempty(F_FLAGS, "hr"), 1);
	CHECK_EQ_INT(fmark(F_FLAGS, "hr"), 0);
	CHECK_EQ_INT(fempty(F_FLAGS, "hrl"), 1);
	CHECK_STR(fv(F_FLAGS, "HQ"), "");
	CHECK_EQ_INT(fempty(F_FLAGS, "HQ"), 1);
	CHECK_STR(fv(F_FLAGS, "HU"), "/");

	/* error-log-format lines */
	CHECK_EQ_INT(match(F_FLAGS_ERR, "ERR 127.0.0.1:46806 [27/Nov/2026:04:16:18.551] fe_flags~ 3/1 34/000000000A00009C/0/0/0 -/TLSv1.3/(NONE) errstr=\"SSL handshake failure\"", NULL), 0);
	CHECK_STR(fv(F_FLAGS_ERR, "ft"), "fe_flags");
	CHECK_STR(fv(F_FLAGS_ERR, "fc_err"), "34");
	CHECK_STR(fv(F_FLAGS_ERR, "ssl_fc_err,hex"), "000000000A00009C");
	CHECK_STR(fv(F_FLAGS_ERR, "sslc"), "(NONE)");
	CHECK_STR(fv(F_FLAGS_ERR, "fc_err_str"), "SSL handshake failure");
	CHECK_EQ_INT(match(F_ERRFMT, "ERRFMT 127.0.0.1:50980 408 cR-- \"<BADREQ>\"", NULL), 0);
	CHECK_STR(fv(F_ERRFMT, "ST"), "408");
	CHECK_STR(fv(F_ERRFMT, "tsc"), "cR--");
	CHECK_STR(fv(F_ERRFMT, "r"), "<BADREQ>");
	CHECK(match(F_ERRFMT, "127.0.0.1:50970 [27/Nov/2026:04:19:35.703] fe fe/<NOSRV> 0/-1/-1/-1/0 200 74 - - LR-- 1/1/0/0/0 0/0 {x} \"GET / HTTP/1.1\"", NULL) != 0);
	CHECK(match(F_HTTPLOG, "ERRFMT 127.0.0.1:50980 408 cR-- \"<BADREQ>\"", NULL) != 0);

	/* the fixed connection-error line */
	CHECK_EQ_INT(match(F_ERRDEF, "127.0.0.1:36964 [27/Nov/2026:04:16:19.870] fe_sslerr/strictbind: SSL handshake failure", NULL), 0);
	CHECK_STR(fv(F_ERRDEF, "ci"), "127.0.0.1");
	CHECK_STR(fv(F_ERRDEF, "cp"), "36964");
	CHECK_STR(fv(F_ERRDEF, "t"), "27/Nov/2026:04:16:19.870");
	CHECK_STR(fv(F_ERRDEF, "ft"), "fe_sslerr");
	CHECK_STR(fv(F_ERRDEF, "bind"), "strictbind");
	CHECK_STR(fv(F_ERRDEF, "message"), "SSL handshake failure");
	CHECK_EQ_INT(match(F_ERRDEF, "10.0.0.1:1 [27/Nov/2026:04:16:19.870] fe/3: unknown connection error (code=99 flags=00000300)", NULL), 0);
	CHECK_STR(fv(F_ERRDEF, "bind"), "3");
	CHECK_STR(fv(F_ERRDEF, "message"), "unknown connection error (code=99 flags=00000300)");

	/* fe_misc: %{+Q}o on everything; numbers ignore Q; -M loses to Q */
	CHECK_EQ_INT(match(F_MISC, "A ci=\"127.0.0.1\" cp=53970 B=77 ST=200 ts=-- s=\"app1\" noflagQ=\"127.0.0.1\" minusM=[\"\"] M=[\"\"] vrfy=[\"\"] hasc=[\"\"] Tt=0 rc=0 r=\"GET /misc HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_MISC, "ci"), "127.0.0.1");
	CHECK_EQ_INT(fmark(F_MISC, "ci"), HZ_MARK_QUOTED);
	CHECK_STR(fv(F_MISC, "cp"), "53970");
	CHECK_STR(fv(F_MISC, "ts"), "--");
	CHECK_STR(fv(F_MISC, "s"), "app1");
	CHECK_EQ_INT(fempty(F_MISC, "CC"), 1);
	CHECK_EQ_INT(fempty(F_MISC, "ssl_c_verify"), 1);
	CHECK_STR(fv(F_MISC, "r"), "GET /misc HTTP/1.1");
}

/* Lines written by other projects' HAProxy installations: the syslog
 * header is cut at the first "]: ". */
static void test_third_party(void)
{
	static const char *files[] = { "beats-haproxy.log", "beats-default.log", "beats-tcplog.log",
				       "beats-httplog-no-headers.log", "lnav-logfile_haproxy.log" };
	size_t fi;
	int counts[F_COUNT] = { 0 }, nforeign = 0;

	for (fi = 0; fi < sizeof(files) / sizeof(files[0]); fi++) {
		char rel[128];
		char *buf, *line, *save = NULL;
		int no = 0;
		snprintf(rel, sizeof(rel), "third-party/%s", files[fi]);
		buf = slurp(ref_path(rel));
		CHECK(buf != NULL);
		if (!buf)
			continue;
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *msg = strstr(line, "]: ");
			enum fk k;
			struct hz_err why;
			int rc;
			no++;
			if (!msg)
				continue;
			msg += 3;
			if (strncmp(msg, "Connect from", 12) == 0 || strncmp(msg, "Proxy ", 6) == 0) {
				nforeign++;
				check_exclusive(F_NONE, msg);
				continue;
			}
			if (fi == 0 && no >= 2)
				k = F_BEATS;
			else if (strstr(msg, ": SSL handshake failure"))
				k = F_ERRDEF;
			else if (fi == 2)
				k = F_TCPLOG;
			else
				k = F_HTTPLOG;
			rc = match(k, msg, &why);
			if (rc)
				fprintf(stderr, "%s: %s does not match (col %u: %s):\n  %s\n", files[fi], formats[k].name,
					why.col, why.msg, msg);
			CHECK_EQ_INT(rc, 0);
			if (rc == 0)
				counts[k]++;
			check_exclusive(k, msg);
		}
		free(buf);
	}
	CHECK_EQ_INT(counts[F_HTTPLOG], 1 + 3 + 13);
	CHECK_EQ_INT(counts[F_BEATS], 9);
	CHECK_EQ_INT(counts[F_TCPLOG], 1);
	CHECK_EQ_INT(counts[F_ERRDEF], 1);
	CHECK_EQ_INT(nforeign, 1 + 3);

	/* hand-checked values */
	CHECK_EQ_INT(match(F_HTTPLOG, "1.2.3.4:38862 [30/Jul/2018:09:03:52.726] incoming~ docs_microservice/docs 0/0/1/0/2 304 168 - - ---- 6/6/0/0/0 0/0 {docs.example.internal||} {|||} \"GET /component---src-pages-index-js-4b15624544f97cf0bb8f.js HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "hr"), "docs.example.internal||");
	CHECK_EQ_INT(hz_field_capture_count(fv(F_HTTPLOG, "hr")), 3);
	CHECK_STR(fv(F_HTTPLOG, "hs"), "|||");
	CHECK_STR(fv(F_HTTPLOG, "ft"), "incoming");
	CHECK_EQ_INT(match(F_BEATS, "-:22222 [22/May/2021:02:22:22.222] www-https~ myapp/node2 site.domain.com 0/0/0/18/18 200 200 - - ---- 222/222/2/0/0 0/0 \"OPTIONS /api/v2/app/ HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_BEATS, "ci"), "-");
	CHECK_EQ_INT(fempty(F_BEATS, "ci"), 1);
	CHECK_STR(fv(F_BEATS, "cp"), "22222");
	CHECK_STR(fv(F_BEATS, "capture.req.hdr(0)"), "site.domain.com");
	CHECK_STR(fv(F_BEATS, "Tr"), "18");
	CHECK_STR(fv(F_BEATS, "ac"), "222");
	CHECK_STR(fv(F_BEATS, "r"), "OPTIONS /api/v2/app/ HTTP/1.1");
	CHECK_EQ_INT(match(F_TCPLOG, "127.0.0.1:40962 [20/Sep/2018:15:44:23.285] main app/<NOSRV> -1/-1/1 212 SC 1/1/0/0/0 0/0", NULL), 0);
	CHECK_STR(fv(F_TCPLOG, "s"), "<NOSRV>");
	CHECK_STR(fv(F_TCPLOG, "Tw"), "-1");
	CHECK_STR(fv(F_TCPLOG, "B"), "212");
	CHECK_EQ_INT(match(F_HTTPLOG, "141.35.244.171:53332 [25/Feb/2019:16:19:48.143] prod_http_in~ bk_admin/nginx_sonst 0/0/7/1457/1487 200 11394 - - ---- 2/1/0/0/0 0/0 {Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:65.0) Gecko/20100101 Firefox/65.0} {} \"GET /admin/colt/administration?survey=130&input_stats=1&ajax=1&&ajax=1&refresh=1&ihandle=1 HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "hr"), "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:65.0) Gecko/20100101 Firefox/65.0");
	CHECK_STR(fv(F_HTTPLOG, "Tr"), "1457");
	CHECK_EQ_INT(match(F_ERRDEF, "95.216.197.33:56224 [25/Feb/2019:16:20:10.111] prod_http_in/sktst2: SSL handshake failure", NULL), 0);
	CHECK_STR(fv(F_ERRDEF, "frontend"), "prod_http_in");
	CHECK_STR(fv(F_ERRDEF, "bind"), "sktst2");
	/* beats: zero, one and two capture blocks */
	CHECK_EQ_INT(match(F_HTTPLOG, "127.0.0.1:43738 [10/Dec/2018:15:46:49.497] http-webservices http-webservices/<NOSRV> 0/-1/-1/-1/0 503 213 - - SC-- 1/1/0/0/0 0/0 {localhost:8888||} \"GET /foo HTTP/1.1\"", NULL), 0);
	CHECK_STR(fv(F_HTTPLOG, "hr"), "localhost:8888||");
	CHECK_EQ_INT(fmark(F_HTTPLOG, "hs"), HZ_MARK_ABSENT);
}

int main(void)
{
	int i;

	load_formats();
	test_captured_file();
	test_httplog_values();
	test_other_values();
	test_third_party();
	for (i = 0; i < F_COUNT; i++)
		hz_format_free(fmt[i]);
	return hz_test_done();
}
