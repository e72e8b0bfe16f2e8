/* Nanoseconds per line of hz_format_match alone, per format, and of a rejected line.
 *
 *   tokenize_speed                       built-in lines: httplog, tcplog, httpslog, the ssl
 *                                        format (bench/ssl.format), rejections
 *   tokenize_speed FILE [FORMAT|NAME]    the messages of a log file (syslog headers are
 *                                        cut off beforehand, and not timed) against a
 *                                        format string or a predefined format name
 *                                        (default: httplog); reports lines matched
 *                                        TOKENIZE_SPEED_LINES sets the lines timed per
 *                                        set (default 4000000; fewer under callgrind),
 *                                        TOKENIZE_SPEED_ONLY=LABEL only the set of that
 *                                        label
 *   tokenize_speed --check FILE [FORMAT|NAME]
 *                                        no timing: compares hz_format_match with the
 *                                        backtracking matcher alone on every line (views,
 *                                        marks, errors) and exits 1 on a difference
 *
 * Built by bench/CMakeLists.txt (target tokenize_speed), never run by CI. The
 * built-in lines rotate over several shapes per format (IPv4/IPv6, captures
 * or not, <BADREQ>, …) so that branch prediction cannot learn one line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "halyze/envelope.h"
#include "halyze/logformat.h"
#include "logformat.h"

#define SSL_FORMAT \
	"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs " \
	"{%{+Q}[ssl_c_key_alg],%{+Q}[ssl_c_sig_alg],%{+Q}[ssl_c_s_dn(cn)],%{+Q}[ssl_c_i_dn(cn)]," \
	"%[ssl_c_serial,hex],%[ssl_c_notafter],%{+Q}[ssl_fc_sni],%[ssl_c_verify],%[ssl_fc_has_crt]," \
	"%[ssl_fc_is_resumed],%[ssl_c_used],%sslv,%sslc} %{+Q}r"

static const char *const httplog[] = {
	"155.28.193.204:46849 [27/Nov/2026:04:16:05.881] fe_api~ be_api/api1 3/0/0/7/13 404 333 - - ---- 611/482/199/35/0 0/0 \"GET https://api.example.com/api/v1/sessions/72944/invoices?q=harbor+juniper&sort=asc HTTP/2.0\"",
	"2001:db8::76a4:37856 [27/Nov/2026:04:16:05.887] fe_http fe_http/<NOSRV> 0/-1/-1/-1/0 301 129 - - LR-- 501/306/0/0/0 0/0 {static.example.com|Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)} \"GET /static/fonts/onyx.7f9db781.woff2?v=6A6EA042 HTTP/1.1\"",
	"192.168.130.37:46917 [27/Nov/2026:04:16:05.892] fe_https~ be_static/static1 8/0/1/0/12 200 3134 - - ---- 481/327/196/33/0 0/0 {static.example.com|Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36} {image/png} \"GET /static/img/jasper.5f982bf3.png?v=E909C6A5 HTTP/1.1\"",
	"68.41.96.57:36167 [27/Nov/2026:04:16:05.895] fe_http be_api/api2 0/0/1/39/40 200 29890 - - ---- 443/331/98/18/0 0/0 {api.example.com|Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148} \"POST /api/v2/orders/5b7fb9e3-6aab-6701 HTTP/1.1\"",
	"23.182.153.111:34985 [27/Nov/2026:04:16:05.901] fe_api~ be_api/api1 0/0/0/40/42 200 320 - - ---- 477/350/141/26/0 0/0 \"GET /api/v2/search/20d952d0-8371-e9b4 HTTP/1.1\"",
	"147.210.15.143:46590 [27/Nov/2026:04:16:05.903] fe_https~ be_app/app4 0/0/0/3/6 200 28124 - - --VN 451/360/87/16/0 0/0 {www.example.com|Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)} {text/html; charset=utf-8} \"GET /about/marble?q=bamboo&lang=en HTTP/1.1\"",
	"108.142.154.74:20544 [27/Nov/2026:04:16:08.322] fe_https~ fe_https/<NOSRV> -1/-1/-1/-1/1 400 0 - - PR-- 468/323/0/0/0 0/0 \"<BADREQ>\"",
	"2001:db8:c53b:e6c:47b2:f7f:9e36:f792:19809 [27/Nov/2026:04:16:05.989] fe_https~ be_api/api2 0/0/0/4/5 200 3544 - - ---- 591/210/122/23/0 0/0 {api.example.com|Prometheus/2.51.0} {application/json} \"GET /api/v1/payments/82508/invoices HTTP/1.1\"",
};

static const char *const tcplog[] = {
	"137.207.130.3:2062 [27/Nov/2026:04:16:05.900] fe_smtp be_smtp/mx2 0/0/4357 41062 -- 490/28/25/9/0 0/0",
	"164.228.175.101:60268 [27/Nov/2026:04:16:05.902] fe_mysql be_mysql/db2 0/0/127934 680792 -- 620/27/2/1/0 0/0",
	"141.233.211.250:1342 [27/Nov/2026:04:16:05.903] fe_mysql be_mysql/db1 0/0/31651 8040 -- 470/19/16/6/0 0/0",
	"161.56.249.166:23241 [27/Nov/2026:04:16:05.906] fe_tls_pt be_tls_pt/web3 0/6/67 49054 -- 542/37/22/8/0 0/0",
	"2001:db8::9:4431 [27/Nov/2026:04:16:05.911] fe_redis be_redis/<NOSRV> -1/-1/0 0 SC 470/19/16/6/3 0/0",
};

static const char *const httpslog[] = {
	"155.28.193.204:46849 [27/Nov/2026:04:16:05.881] fe_api~ be_api/api1 3/0/0/7/13 404 333 - - ---- 611/482/199/35/0 0/0 \"GET https://api.example.com/api/v1/sessions/72944/invoices?q=harbor+juniper&sort=asc HTTP/2.0\" 0/0/0/0/1 api.example.com/TLSv1.3/TLS_AES_256_GCM_SHA384",
	"192.168.130.37:46917 [27/Nov/2026:04:16:05.892] fe_https~ be_static/static1 8/0/1/0/12 200 3134 - - ---- 481/327/196/33/0 0/0 {static.example.com|Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36} {image/png} \"GET /static/img/jasper.5f982bf3.png?v=E909C6A5 HTTP/1.1\" 0/0/0/0/0 static.example.com/TLSv1.3/TLS_AES_128_GCM_SHA256",
	"108.142.154.74:20544 [27/Nov/2026:04:16:08.322] fe_https~ fe_https/<NOSRV> -1/-1/-1/-1/1 400 0 - - PR-- 468/323/0/0/0 0/0 \"<BADREQ>\" 0/0/0/0/0 -/TLSv1.2/ECDHE-RSA-AES128-GCM-SHA256",
	"2001:db8:c53b:e6c:47b2:f7f:9e36:f792:19809 [27/Nov/2026:04:16:05.989] fe_https~ be_api/api2 0/0/0/4/5 200 3544 - - ---- 591/210/122/23/0 0/0 {api.example.com|Prometheus/2.51.0} {application/json} \"GET /api/v1/payments/82508/invoices HTTP/1.1\" 0/0/0/0/1 api.example.com/TLSv1.3/TLS_AES_256_GCM_SHA384",
};

static const char *const ssl[] = {
	"212.209.135.183:62592 [27/Nov/2026:04:16:05.877] fe_mtls~ be_api/api3 8/0/1/27/39 200 9274 - - ---- 427/270/68/14/0 0/0 {mtls.example.com|Go-http-client/2.0} {\"id-ecPublicKey\",\"ecdsa-with-SHA256\",\"svc-bamboo-copper\",\"App Intermediate\",7C44A58183B0F2D8D7D2C72980F410CB,260709140504Z,\"mtls.example.com\",0,1,0,1,TLSv1.3,TLS_AES_256_GCM_SHA384} \"POST /api/v1/payments/77075/inventory?q=glacier+violet&sort=desc HTTP/1.1\"",
	"54.113.161.79:6723 [27/Nov/2026:04:16:05.875] fe_https~ be_api/api1 0/0/0/4/6 200 301 - - ---- 571/429/164/30/0 0/0 {api.example.com|Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36} {application/json} {\"\",\"\",\"\",\"\",-,-,\"www.example.com\",0,0,0,0,TLSv1.3,TLS_CHACHA20_POLY1305_SHA256} \"GET /api/v2/notifications/736016?q=walnut+blue&sort=asc HTTP/1.1\"",
	"159.191.137.98:44082 [27/Nov/2026:04:16:05.882] fe_mtls~ be_devices/dev2 0/0/0/48/50 200 622 - - ---- 438/261/149/25/0 0/0 {mtls.example.com|python-requests/2.31.0} {\"id-ecPublicKey\",\"ecdsa-with-SHA384\",\"device 64335 banner\",\"IoT Issuing CA 2\",13BCB857214B3114E20A67B0660477B5,271013033318Z,\"mtls.example.com\",0,0,1,1,TLSv1.2,ECDHE-RSA-AES256-GCM-SHA384} \"GET https://mtls.example.com/device/v1/lagoon/config HTTP/2.0\"",
	"23.140.131.51:20529 [27/Nov/2026:04:16:06.454] fe_https~ be_app/app5 5/0/0/121/126 200 146915 - - --VN 502/244/98/19/0 0/0 {www.example.com|curl/7.88.1} {text/html; charset=utf-8} {\"\",\"\",\"\",\"\",-,-,\"www.example.com\",0,0,0,0,TLSv1.3,TLS_AES_256_GCM_SHA384} \"GET / HTTP/1.1\"",
	"40.128.247.155:17186 [27/Nov/2026:04:16:05.879] fe_mtls~ be_devices/dev2 8/0/1/4/14 200 29813 - - ---- 551/228/114/20/0 0/0 {mtls.example.com|curl/8.5.0} {\"rsaEncryption\",\"ecdsa-with-SHA256\",\"svc-shadow-glacier\",\"App Intermediate\",1826FFAEF4E976EF0D7D01FC770D37AE,271017060923Z,\"mtls.example.com\",0,0,1,1,TLSv1.3,TLS_AES_256_GCM_SHA384} \"GET /device/v1/topaz/config HTTP/1.1\"",
};

/* Lines another format wrote, or no format at all, against httplog. */
static const char *const foreign[] = {
	"Proxy fe_http started.",
	"Server be_app/app3 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: 0ms. 5 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.",
	"1.2.3.4:5555 [27/Nov/2026:04:16:19.870] fe_https/1: SSL handshake failure",
};

struct set {
	const char *label;
	const char *format;   /* a predefined name, or a format string */
	const char *const *lines;
	size_t nlines;
	int expect;           /* 0: every line matches; HZ_ESYNTAX: none does */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct set sets[] = {
	{ "httplog", "httplog", httplog, N(httplog), 0 },
	{ "tcplog", "tcplog", tcplog, N(tcplog), 0 },
	{ "httpslog", "httpslog", httpslog, N(httpslog), 0 },
	{ "ssl format", SSL_FORMAT, ssl, N(ssl), 0 },
	{ "rejected: tcplog line vs httplog", "httplog", tcplog, N(tcplog), HZ_ESYNTAX },
	{ "rejected: message vs httplog", "httplog", foreign, N(foreign), HZ_ESYNTAX },
	{ "rejected: ssl line vs httplog", "httplog", ssl, N(ssl), HZ_ESYNTAX },
	{ "rejected: httplog line vs ssl", SSL_FORMAT, httplog, N(httplog), HZ_ESYNTAX },
};

/* CPU time of this thread: time slices lost to other processes do not
 * count (the bench machine is shared); the best of many rounds is kept. */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static struct hz_format *load(const char *spec)
{
	struct hz_format *f;
	struct hz_err err;
	int rc = strchr(spec, '%') ? hz_format_compile(spec, strlen(spec), &f, &err)
				   : hz_format_predefined(spec, &f, &err);

	if (rc) {
		fprintf(stderr, "tokenize_speed: %s: %s\n", spec, err.msg);
		exit(2);
	}
	return f;
}

static struct hz_match m;

/* Exact-length heap copies: what the reader hands over has nothing after it. */
static void copy_lines(const char *const *src, size_t n, char **dst, size_t *len)
{
	for (size_t i = 0; i < n; i++) {
		len[i] = strlen(src[i]);
		dst[i] = malloc(len[i] ? len[i] : 1);
		if (!dst[i])
			exit(2);
		memcpy(dst[i], src[i], len[i]);
	}
}

static int builtin(void)
{
	/* TOKENIZE_SPEED_LINES: lines timed per set (default 4M), e.g. fewer under callgrind */
	const char *env = getenv("TOKENIZE_SPEED_LINES");
	long total_iters = env ? atol(env) : 4000000;
	/* TOKENIZE_SPEED_ONLY: only the set of this label */
	const char *only = getenv("TOKENIZE_SPEED_ONLY");
	int bad = 0;

	printf("%-36s %10s %8s\n", "lines", "ns/line", "bytes");
	for (size_t s = 0; s < N(sets); s++) {
		const struct set *st = &sets[s];
		struct hz_format *f;
		char *l[16];
		size_t len[16], total = 0;
		/* the best of many short rounds: the machine may be shared */
		long iters = total_iters / 50 / (long)st->nlines, sink = 0;
		double t0, best = 1e30;

		if (only && strcmp(st->label, only) != 0)
			continue;
		f = load(st->format);
		copy_lines(st->lines, st->nlines, l, len);
		for (size_t i = 0; i < st->nlines; i++) {
			struct hz_err why;
			int rc = hz_format_match(f, l[i], len[i], &m, &why);
			total += len[i];
			if (rc != st->expect) {
				fprintf(stderr, "%s: line %zu: %s\n", st->label, i, rc ? why.msg : "matched");
				bad = 1;
			}
		}
		if (iters < 1)
			iters = 1;
		for (int rep = 0; rep < 50; rep++) {
			t0 = now_ns();
			for (long it = 0; it < iters; it++)
				for (size_t i = 0; i < st->nlines; i++)
					sink += hz_format_match(f, l[i], len[i], &m, NULL) + (long)m.v[0].n;
			t0 = (now_ns() - t0) / ((double)iters * (double)st->nlines);
			if (t0 < best)
				best = t0;
		}
		printf("%-36s %10.1f %8zu%s\n", st->label, best, total / st->nlines, sink == 42 ? " " : "");
		for (size_t i = 0; i < st->nlines; i++)
			free(l[i]);
		hz_format_free(f);
	}
	return bad;
}

/* Reads a whole file; each line's message (after the syslog header) is kept
 * as an exact-length heap copy (for --check, where ASan sees over-reads), or
 * packed one after the other in one buffer as the reader would hand them
 * over (for timing: separate heap blocks would measure cache misses). */
static size_t read_messages(const char *path, char ***out, size_t **lens, int packed)
{
	char *pack = NULL;
	size_t packn = 0, packcap = 0;
	FILE *fp = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0, n = 0, acap = 0;
	ssize_t r;
	char **v = NULL;
	size_t *ln = NULL;

	if (!fp) {
		perror(path);
		exit(2);
	}
	while ((r = getline(&line, &cap, fp)) >= 0) {
		struct hz_envelope env;
		if (r > 0 && line[r - 1] == '\n')
			r--;
		hz_envelope_parse(line, (size_t)r, &env);
		if (n == acap) {
			acap = acap ? 2 * acap : 4096;
			v = realloc(v, acap * sizeof(*v));
			ln = realloc(ln, acap * sizeof(*ln));
			if (!v || !ln)
				exit(2);
		}
		ln[n] = env.msg.n;
		if (packed) {
			if (packn + env.msg.n > packcap) {
				/* offsets for now: the buffer moves while it grows */
				packcap = 2 * packcap + env.msg.n + (1u << 20);
				pack = realloc(pack, packcap);
				if (!pack)
					exit(2);
			}
			memcpy(pack + packn, env.msg.p, env.msg.n);
			v[n] = (char *)(uintptr_t)packn;
			packn += env.msg.n;
		} else {
			v[n] = malloc(env.msg.n ? env.msg.n : 1);
			if (!v[n])
				exit(2);
			memcpy(v[n], env.msg.p, env.msg.n);
		}
		n++;
	}
	free(line);
	fclose(fp);
	if (packed) {
		for (size_t i = 0; i < n; i++)
			v[i] = pack + (uintptr_t)v[i];
		*out = v;
		*lens = ln;
		return n;
	}
	*out = v;
	*lens = ln;
	return n;
}

static int on_file(const char *path, const char *spec, int check)
{
	struct hz_format *f = load(spec);
	static struct hz_match m2;
	char **v;
	size_t *ln, n = read_messages(path, &v, &ln, !check), ok = 0, bytes = 0, diffs = 0;
	double t0, best;

	for (size_t i = 0; i < n; i++) {
		bytes += ln[i];
		if (!check)
			continue;
		{
			struct hz_err e1, e2;
			int r1 = hz_format_match(f, v[i], ln[i], &m, &e1);
			int r2 = hz_format_match_backtrack(f, v[i], ln[i], &m2, &e2);
			int same = r1 == r2;
			if (same && r1 == 0) {
				for (size_t k = 0; k < m.nfields; k++)
					same &= m.v[k].p == m2.v[k].p && m.v[k].n == m2.v[k].n &&
						m.empty[k] == m2.empty[k] && m.mark[k] == m2.mark[k];
			} else if (same) {
				same = e1.col == e2.col && strcmp(e1.msg, e2.msg) == 0;
			}
			if (!same && diffs++ < 10)
				fprintf(stderr, "line %zu differs (%d \"%s\" / %d \"%s\"): %.*s\n", i + 1, r1,
					r1 ? e1.msg : "", r2, r2 ? e2.msg : "", (int)ln[i], v[i]);
			ok += r1 == 0;
		}
	}
	if (check) {
		printf("%zu lines, %zu matched, %zu differences\n", n, ok, diffs);
		return diffs != 0;
	}
	/* rounds of at most 20000 lines (a few MB: what the reader's buffer
	 * and the caches would hold), the best of 10 for each */
	best = 0;
	for (size_t lo = 0; lo < n; lo += 20000) {
		size_t hi = lo + 20000 < n ? lo + 20000 : n, okr = 0;
		double b = 1e30;
		for (int rep = 0; rep < 10; rep++) {
			okr = 0;
			t0 = now_ns();
			for (size_t i = lo; i < hi; i++)
				okr += hz_format_match(f, v[i], ln[i], &m, NULL) == 0;
			t0 = now_ns() - t0;
			if (t0 < b)
				b = t0;
		}
		best += b;
		ok += okr;
	}
	best /= (double)(n ? n : 1);
	printf("%zu lines (%.0f bytes of message on average), %zu matched: %.1f ns/line, %.0f MB/s\n", n,
	       n ? (double)bytes / (double)n : 0.0, ok, best, best > 0 ? (double)bytes / (double)n / best * 1e3 : 0.0);
	if (n)
		free(v[0]);   /* the packed buffer */
	free(v);
	free(ln);
	hz_format_free(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--check") == 0)
		return on_file(argv[2], argc > 3 ? argv[3] : "httplog", 1);
	if (argc >= 2 && argv[1][0] != '-')
		return on_file(argv[1], argc > 2 ? argv[2] : "httplog", 0);
	if (argc >= 2) {
		fprintf(stderr, "usage: tokenize_speed [[--check] FILE [FORMAT|NAME]]\n");
		return 2;
	}
	return builtin();
}
