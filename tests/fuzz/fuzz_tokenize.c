/* Fuzz target: the tokenizer, matching an untrusted line against an untrusted format and the predefined ones. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/fields.h"
#include "halyze/logformat.h"
#include "../../src/logformat.h"   /* hz_format_match_backtrack */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const predefined[] = {
	"httplog", "httplog-legacy", "httplog-clf", "tcplog", "tcplog-clf", "httpslog", "error-default",
};
#define NPRE (sizeof(predefined) / sizeof(predefined[0]))

/* Types the matched views as a consumer would, so the typed readers see
 * what the tokenizer really hands them. */
static void type_field(const struct hz_field_info *fi, struct hz_str v)
{
	int64_t i;
	struct hz_ip ip;
	char text[64];
	unsigned port;
	int32_t off;
	struct hz_request rq;

	(void)hz_field_number(fi, v, &i);
	(void)hz_field_plus(v);
	switch (fi->type) {
	case HZ_FT_IP:
		if (hz_field_ip(v, &ip) == 0) {
			int n = hz_ip_format(&ip, text, sizeof(text));
			FZ_CHECK(n >= 0 && (size_t)n < sizeof(text) && strlen(text) == (size_t)n);
		}
		break;
	case HZ_FT_PORT:
		if (hz_field_port(v, (fi->flags & HZ_FLAG_X) != 0, &port) == 0)
			FZ_CHECK(port <= 65535);
		break;
	case HZ_FT_DATE_MS:
	case HZ_FT_DATE_TZ:
		(void)hz_field_date(v, &i, &off);
		break;
	case HZ_FT_REQUEST:
		if (hz_field_request(v, &rq) == 0) {
			FZ_CHECK(fz_inside(rq.method, v.p, v.n) && fz_inside(rq.uri, v.p, v.n));
			FZ_CHECK(fz_inside(rq.path, v.p, v.n) && fz_inside(rq.path_only, v.p, v.n));
			FZ_CHECK(fz_inside(rq.query, v.p, v.n) && fz_inside(rq.version, v.p, v.n));
		}
		break;
	case HZ_FT_CAPTURE: {
		size_t c = hz_field_capture_count(v), k;
		struct hz_str s;
		FZ_CHECK(c >= 1 && c <= v.n + 1);
		for (k = 0; k < c && k < 8; k++) {
			FZ_CHECK(hz_field_capture(v, k, &s) == 0);
			FZ_CHECK(fz_inside(s, v.p, v.n));
		}
		break;
	}
	default:
		break;
	}
}

static void match(const struct hz_format *f, const char *line, size_t n)
{
	static struct hz_match m, mb;  /* 2.5 KB each: keep them off the fuzzer's stack */
	struct hz_err why, whyb;
	size_t i, nf = hz_format_nfields(f);
	int rc;

	memset(&why, 0, sizeof(why));
	rc = hz_format_match(f, line, n, &m, &why);
	/* the straight-line pass finds what the backtracking matcher alone
	 * finds: the same fields, or the same failure */
	memset(&whyb, 0, sizeof(whyb));
	FZ_CHECK(hz_format_match_backtrack(f, line, n, &mb, &whyb) == rc);
	if (rc != 0) {
		FZ_CHECK(rc == HZ_ESYNTAX);
		FZ_CHECK(memchr(why.msg, 0, sizeof(why.msg)) != NULL);
		FZ_CHECK(why.col <= n + 1);
		FZ_CHECK(why.col == whyb.col && strcmp(why.msg, whyb.msg) == 0);
		return;
	}
	for (i = 0; i < m.nfields; i++)
		FZ_CHECK(m.v[i].p == mb.v[i].p && m.v[i].n == mb.v[i].n && m.empty[i] == mb.empty[i] &&
			 m.mark[i] == mb.mark[i]);
	FZ_CHECK(m.nfields <= HZ_MATCH_MAX_FIELDS);
	FZ_CHECK(m.nfields == nf || (nf > HZ_MATCH_MAX_FIELDS && m.nfields == HZ_MATCH_MAX_FIELDS));
	for (i = 0; i < m.nfields; i++) {
		FZ_CHECK(fz_inside(m.v[i], line, n));
		type_field(hz_format_field(f, i), m.v[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hz_format *pre[NPRE];
	static int ready;
	const uint8_t *sep;
	size_t flen, i;
	char *fmt = NULL, *line;
	size_t ln;

	if (!ready) {
		for (i = 0; i < NPRE; i++)
			FZ_CHECK(hz_format_predefined(predefined[i], &pre[i], NULL) == 0);
		ready = 1;
	}

	/* FORMAT <NUL or LF> LINE; without a separator, the whole input is the
	 * line and only the predefined formats run. Both halves go to buffers of
	 * their exact size, so a read past either end is caught. */
	sep = memchr(data, 0, size);
	if (!sep)
		sep = memchr(data, '\n', size);
	flen = sep ? (size_t)(sep - data) : 0;
	ln = sep ? size - flen - 1 : size;
	line = malloc(ln ? ln : 1);
	FZ_CHECK(line != NULL);
	memcpy(line, sep ? sep + 1 : data, ln);

	if (sep) {
		struct hz_format *f = NULL;
		fmt = malloc(flen ? flen : 1);
		FZ_CHECK(fmt != NULL);
		memcpy(fmt, data, flen);
		if (hz_format_compile(fmt, flen, &f, NULL) == 0) {
			/* found by this target: a glue text longer than the line
			 * was searched for past the line's end (fixed) */
			match(f, line, ln);
			hz_format_free(f);
		}
		free(fmt);
	}
	for (i = 0; i < NPRE; i++)
		match(pre[i], line, ln);
	free(line);
	return 0;
}
