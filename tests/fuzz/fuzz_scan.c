/* Fuzz target: the whole pass over untrusted lines (router, statistics, diagnosis, summary, emitters), in one part and split as threads split it. */
/*
 * Input: a byte for the ticket lifetime (1 to 256 s), a byte for where the
 * text is cut in two (its low 7 bits) and whether every --tables table is
 * kept too (its high bit; with URL queries when the lifetime byte has bit 2
 * set), then the log text, a line per '\n'. Properties:
 *  - every line is counted once: as a request, a connection error, one of
 *    HAProxy's messages or unparsed; every resumption is traced or untraced;
 *  - the text scanned in two parts, each on a fork of the router, the parts
 *    joined and merged as src/pscan.c does, gives the one-pass summary. Only
 *    the tracing figures may differ (a part's dates may go back in time
 *    further than the window; see hz_diag_join): they are left out of the
 *    comparison, and checked against the count of resumptions instead;
 *  - the JSON and text emitters take whatever the lines hold.
 */
#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/countmap.h"
#include "halyze/emit.h"
#include "halyze/logformat.h"
#include "halyze/reader.h"
#include "halyze/router.h"
#include "halyze/scan.h"
#include "halyze/summary.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* every field the diagnosis reads, and the session id of TLS 1.2 */
static const char *const formats[][2] = {
	{ "fe_ssl", "%ci:%cp [%tr] %ft %b/%s %ST %tsc {%[ssl_fc_has_crt],%[ssl_fc_is_resumed],%[ssl_c_used],"
		    "%[ssl_c_verify],%[ssl_c_err],%{+Q}[ssl_c_s_dn(cn)],%[ssl_c_serial,hex],%[ssl_c_notafter],"
		    "%{+Q}[ssl_fc_sni],%sslv} %{+Q}r" },
	{ "fe_sid", "%ci [%tr] %ft %[ssl_fc_session_id,hex] %[ssl_fc_has_crt] %[ssl_fc_is_resumed] %sslv" },
	{ "fe_inf", "%ci [%tr] %ft %[ssl_fc_has_crt] %{+Q}[ssl_c_i_dn(cn)]" },
};

static struct hz_router *router(int64_t lifetime_ms)
{
	struct hz_router *r = hz_router_new();
	struct hz_diag_opts o = { lifetime_ms, 0, 0 };
	struct hz_err e;

	FZ_CHECK(r != NULL);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct hz_format *f;
		FZ_CHECK(hz_format_compile(formats[i][1], strlen(formats[i][1]), &f, &e) == 0);
		FZ_CHECK(hz_router_add(r, formats[i][0], NULL, formats[i][0], f) == 0);
	}
	FZ_CHECK(hz_router_add_defaults(r, &e) == 0);
	FZ_CHECK(hz_router_set_diag(r, &o) == 0);
	return r;
}

/* Lines [from, to) of the text into s through router r. */
static void scan(struct hz_summary *s, struct hz_router *r, const char *text, size_t n, const size_t *starts,
		 size_t from, size_t to)
{
	struct hz_scan_opts o;

	memset(&o, 0, sizeof(o));
	o.traffic = hz_router_consume;
	o.traffic_ud = r;
	for (size_t i = from; i < to; i++) {
		size_t end = starts[i + 1] - 1;   /* its '\n', or one past the text */
		struct hz_line l = { text + starts[i], end - starts[i], i + 1, end - starts[i], 0 };
		FZ_CHECK(end <= n);
		FZ_CHECK(hz_scan_line(s, "fuzz.log", &l, &o) == 0);
	}
}

/* The summary as JSON, its tracing figures left out. */
static char *json_without_tracing(struct hz_summary *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct hz_err e;

	FZ_CHECK(f != NULL);
	s->tls.resumed_traced = s->tls.resumed_untraced = 0;
	hz_countmap_free(s->tls.untraced_reasons);
	s->tls.untraced_reasons = hz_countmap_new(1);
	FZ_CHECK(s->tls.untraced_reasons != NULL);
	FZ_CHECK(hz_emit_json(s, f, &e) == 0);
	FZ_CHECK(fclose(f) == 0);
	return buf;
}

static void check_counts(const struct hz_summary *s, size_t lines)
{
	const struct hz_tls_counts *t = &s->tls;

	FZ_CHECK(s->lines == lines);
	FZ_CHECK(s->requests + s->connection_errors + s->messages + s->unparsed == s->lines);
	FZ_CHECK(t->resumed_traced + t->resumed_untraced == t->resumed_without_cert + t->resumed_with_cert);
	FZ_CHECK(t->resumed_identity_known + t->resumed_anonymous == t->resumed_without_cert);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text;
	size_t n, nlines = 0, *starts, cut;
	int64_t lifetime_ms;
	unsigned tables;
	struct hz_router *r1, *r2, *fork;
	struct hz_summary *one, *total;
	char *a, *b;

	if (size < 2 || size > 1 << 16)
		return 0;
	lifetime_ms = ((int64_t)data[0] + 1) * 1000;
	text = (const char *)data + 2;
	n = size - 2;
	/* where each line starts, and one past the last */
	starts = malloc((n + 2) * sizeof(*starts));
	FZ_CHECK(starts != NULL);
	starts[nlines++] = 0;
	for (size_t i = 0; i < n; i++)
		if (text[i] == '\n' && i + 1 < n)
			starts[nlines++] = i + 1;
	starts[nlines] = n + (n == 0 || text[n - 1] != '\n');
	if (n == 0)
		nlines = 0;
	cut = nlines ? (size_t)(data[1] & 0x7f) * nlines / 128 : 0;
	tables = data[1] & 0x80 ? HZ_TABLE_ALL | (data[0] & 4 ? HZ_TABLE_QUERY : 0) : 0;

	/* one pass */
	r1 = router(lifetime_ms);
	one = hz_summary_new(8);
	FZ_CHECK(one != NULL);
	one->tables = tables;
	scan(one, r1, text, n, starts, 0, nlines);
	FZ_CHECK(hz_router_finish(r1, one) == 0);
	check_counts(one, nlines);
	{
		FILE *devnull = fopen("/dev/null", "w");
		struct hz_text_opts to = { 0, NULL, HZ_SPARK_UNICODE };
		struct hz_err e;
		FZ_CHECK(devnull != NULL);
		FZ_CHECK(hz_emit_text(one, devnull, &to, &e) == 0);
		fclose(devnull);
	}

	/* two parts on a fork, joined and merged in order */
	r2 = router(lifetime_ms);
	fork = hz_router_fork(r2);
	FZ_CHECK(fork != NULL);
	total = hz_summary_new(8);
	FZ_CHECK(total != NULL);
	total->tables = tables;
	for (int k = 0; k < 2; k++) {
		struct hz_summary *p = hz_summary_new(8);
		struct hz_diag *part;
		int rc;
		FZ_CHECK(p != NULL);
		p->tables = tables;
		scan(p, fork, text, n, starts, k ? cut : 0, k ? nlines : cut);
		part = hz_router_detach(fork, &rc);
		FZ_CHECK(part != NULL && rc == 0);
		FZ_CHECK(hz_router_join(r2, part, p, k == 1) == 0);
		FZ_CHECK(hz_summary_merge_take(total, p) == 0);
		hz_summary_free(p);
	}
	check_counts(total, nlines);
	FZ_CHECK(total->tls.resumed_traced + total->tls.resumed_untraced
		 == one->tls.resumed_traced + one->tls.resumed_untraced);

	a = json_without_tracing(one);
	b = json_without_tracing(total);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "one pass:\n%s\ntwo parts:\n%s\n", a, b);
		FZ_CHECK(!"the parts joined give the one-pass summary");
	}
	free(a);
	free(b);
	hz_summary_free(one);
	hz_summary_free(total);
	hz_router_free(fork);
	hz_router_free(r1);
	hz_router_free(r2);
	free(starts);
	return 0;
}
