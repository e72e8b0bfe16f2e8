/* Unit tests for the router: routes shared by identical formats, tag order, the proxy a line names, reasons, session tracing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "halyze/envelope.h"
#include "halyze/logformat.h"
#include "halyze/router.h"
#include "halyze/summary.h"
#include "hz_test.h"

static int feed(struct hz_router *r, struct hz_summary *s, const char *line, const char **why)
{
	struct hz_envelope env;

	hz_envelope_parse(line, strlen(line), &env);
	return hz_router_consume(r, s, &env, "t.log", 1, why);
}

/* A TLS line of TRACE_FMT: client c (10.0.c/256.c%256, serial c), at
 * second sec (under an hour), a full handshake or a resumption. */
#define TRACE_FMT "%ci [%tr] %ft %[ssl_fc_has_crt] %[ssl_fc_is_resumed] %[ssl_c_used] %[ssl_c_serial,hex]"
static void tls_line(struct hz_router *r, struct hz_summary *s, int c, int sec, int resumed)
{
	char line[128];
	const char *why;

	snprintf(line, sizeof(line), "10.0.%d.%d [27/Nov/2026:04:%02d:%02d.000] fe %d %d 1 %04X", c / 256, c % 256,
		 sec / 60, sec % 60, !resumed, resumed, c);
	CHECK_EQ_INT(feed(r, s, line, &why), 1);
}

/* A router of three proxies, each named after itself, with these formats. */
static struct hz_router *three_proxies(const char *const fmts[3], const char *const names[3])
{
	struct hz_router *r = hz_router_new();
	struct hz_err e;

	for (int i = 0; i < 3; i++) {
		struct hz_format *f;
		CHECK_EQ_INT(hz_format_compile(fmts[i], strlen(fmts[i]), &f, &e), 0);
		CHECK_EQ_INT(hz_router_add(r, names[i], NULL, names[i], f), 0);
	}
	return r;
}

static struct hz_router *trace_router(int64_t lifetime_ms, size_t max_sessions)
{
	struct hz_router *r = hz_router_new();
	struct hz_diag_opts o = { lifetime_ms, 0, max_sessions };
	struct hz_format *f;
	struct hz_err e;

	CHECK_EQ_INT(hz_format_compile(TRACE_FMT, strlen(TRACE_FMT), &f, &e), 0);
	CHECK_EQ_INT(hz_router_add(r, "fe", NULL, "fe", f), 0);
	CHECK_EQ_INT(hz_router_set_diag(r, &o), 0);
	return r;
}

/* Ends a tracing case: the resumptions traced and untraced, then frees. */
static void finish_traced(struct hz_router *r, struct hz_summary *s, uint64_t traced, uint64_t untraced)
{
	CHECK_EQ_INT(hz_router_finish(r, s), 0);
	CHECK_EQ_INT(s->tls.resumed_traced, traced);
	CHECK_EQ_INT(s->tls.resumed_untraced, untraced);
	hz_router_free(r);
	hz_summary_free(s);
}

/* Resumptions linked to their handshake: within the ticket lifetime of the
 * resumption, and of the newest handshake seen; at most max_sessions kept,
 * the newest; across the parts of a split scan as in one. */
static void test_tracing(void)
{
	struct hz_router *r = trace_router(10000, 0);
	struct hz_summary *s = hz_summary_new(0);

	tls_line(r, s, 1, 0, 0);
	tls_line(r, s, 1, 5, 1);    /* 5 s later: traced */
	tls_line(r, s, 1, 11, 1);   /* 11 s later: too late */
	tls_line(r, s, 2, 20, 0);
	tls_line(r, s, 3, 40, 0);   /* the window now starts at 30 s */
	tls_line(r, s, 2, 25, 1);   /* logged late: its handshake (20 s) is forgotten */
	tls_line(r, s, 3, 41, 1);
	finish_traced(r, s, 2, 2);

	/* caps of 2 and 1000: the oldest handshakes are forgotten as the table
	 * fills, the newest stay */
	r = trace_router(3600000, 2);
	s = hz_summary_new(0);
	for (int c = 1; c <= 10; c++)
		tls_line(r, s, c, c, 0);
	tls_line(r, s, 1, 20, 1);
	tls_line(r, s, 10, 21, 1);
	finish_traced(r, s, 1, 1);
	r = trace_router(3600000, 1000);
	s = hz_summary_new(0);
	for (int c = 1; c <= 3000; c++)
		tls_line(r, s, c, c, 0);
	tls_line(r, s, 1, 3001, 1);
	tls_line(r, s, 2001, 3002, 1);
	tls_line(r, s, 3000, 3003, 1);
	finish_traced(r, s, 2, 1);

	/* three parts: a handshake of the first resumed in the second and the
	 * third, one of the second resumed in the third and replaced there by an
	 * older date (the later part's put wins), one too old for the window */
	{
		struct hz_summary *ps[3];
		struct hz_router *f;
		uint64_t traced = 0, untraced = 0;
		int rc;

		r = trace_router(10000, 0);
		f = hz_router_fork(r);
		CHECK(f != NULL);
		for (int i = 0; i < 3; i++) {
			struct hz_diag *part;
			ps[i] = hz_summary_new(0);
			if (i == 0) {
				tls_line(f, ps[i], 1, 0, 0);
				tls_line(f, ps[i], 4, 1, 0);
			} else if (i == 1) {
				tls_line(f, ps[i], 1, 5, 1);    /* traced by the join */
				tls_line(f, ps[i], 2, 6, 0);
				tls_line(f, ps[i], 2, 7, 1);    /* traced in the part */
				tls_line(f, ps[i], 3, 8, 0);
				tls_line(f, ps[i], 3, 2, 0);    /* logged late, still in the window */
			} else {
				tls_line(f, ps[i], 1, 9, 1);    /* traced by the join */
				tls_line(f, ps[i], 2, 12, 1);   /* traced by the join */
				tls_line(f, ps[i], 3, 13, 1);   /* its last put (2 s) is too old */
				tls_line(f, ps[i], 4, 14, 1);   /* too old */
			}
			part = hz_router_detach(f, &rc);
			CHECK(part != NULL);
			CHECK_EQ_INT(hz_router_join(r, part, ps[i], i == 2), 0);
			traced += ps[i]->tls.resumed_traced;
			untraced += ps[i]->tls.resumed_untraced;
			hz_summary_free(ps[i]);
		}
		CHECK_EQ_INT(traced, 4);
		CHECK_EQ_INT(untraced, 2);
		hz_router_free(f);
		hz_router_free(r);
	}
}

int main(void)
{
	struct hz_router *r = hz_router_new();
	struct hz_summary *s = hz_summary_new(0);
	struct hz_err e;
	const char *why = NULL;
	char name[32];

	/* thirty frontends with option httplog: one route */
	for (int i = 0; i < 30; i++) {
		struct hz_format *f;
		CHECK_EQ_INT(hz_format_predefined("httplog", &f, &e), 0);
		snprintf(name, sizeof(name), "fe%d", i);
		CHECK_EQ_INT(hz_router_add(r, name, NULL, name, f), 0);
	}
	CHECK_EQ_INT(hz_router_count(r), 1);
	/* a custom format without %ft cannot be shared: the proxy names the frontend */
	for (int i = 0; i < 2; i++) {
		struct hz_format *f;
		const char *fmt = "%ci %ST %{+Q}r";
		CHECK_EQ_INT(hz_format_compile(fmt, strlen(fmt), &f, &e), 0);
		snprintf(name, sizeof(name), "nofe%d", i);
		CHECK_EQ_INT(hz_router_add(r, name, NULL, name, f), 0);
	}
	CHECK_EQ_INT(hz_router_count(r), 3);

	/* the shared route counts each line under the frontend the line names */
	CHECK_EQ_INT(feed(r, s, "1.2.3.4:5 [27/Nov/2026:04:16:05.870] fe17 be/s 0/0/0/0/0 200 1 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"", &why), 1);
	CHECK(hz_countmap_find(s->frontends, "fe17", 4) != NULL);
	/* a line of the custom format goes to the first proxy of that format */
	CHECK_EQ_INT(feed(r, s, "1.2.3.4 404 \"GET /x HTTP/1.1\"", &why), 1);
	CHECK(hz_countmap_find(s->frontends, "nofe0", 5) != NULL);
	/* a line that fits nothing says which format came closest, and where */
	CHECK_EQ_INT(feed(r, s, "1.2.3.4:5 [27/Nov/2026:04:16:05.870] fe1 be/s 0/0/0/0/0 XX", &why), 0);
	CHECK(why && strstr(why, "closest: fe0") && strstr(why, "%ST"));

	hz_router_free(r);
	hz_summary_free(s);

	/* Two proxies whose formats both fit a line ("%ST %B" and "%B %ST"):
	 * the proxy the line's frontend field names decides, whichever route
	 * matched the previous line; a third proxy shares fe_a's format. */
	{
		static const char *const fmts[] = { "%ci [%tr] %ft %ST %B", "%ci [%tr] %ft %B %ST", "%ci [%tr] %ft %ST %B" };
		static const char *const names[] = { "fe_a", "fe_b", "fe_c" };
		const uint64_t *c;
		r = three_proxies(fmts, names);
		s = hz_summary_new(0);
		CHECK_EQ_INT(hz_router_count(r), 2);
		/* status 201 only when read as fe_a's format, 202 as fe_b's */
		CHECK_EQ_INT(feed(r, s, "1.2.3.4 [27/Nov/2026:04:16:05.870] fe_a 201 999", &why), 1);
		CHECK_EQ_INT(feed(r, s, "1.2.3.4 [27/Nov/2026:04:16:05.870] fe_b 999 202", &why), 1);
		CHECK_EQ_INT(feed(r, s, "1.2.3.4 [27/Nov/2026:04:16:05.870] fe_b 999 202", &why), 1);
		CHECK_EQ_INT(feed(r, s, "1.2.3.4 [27/Nov/2026:04:16:05.870] fe_c 201 999", &why), 1);
		CHECK_EQ_INT(feed(r, s, "1.2.3.4 [27/Nov/2026:04:16:05.870] fe_a 201 999", &why), 1);
		/* a frontend no proxy has: the first route that fits (the last one) */
		CHECK_EQ_INT(feed(r, s, "1.2.3.4 [27/Nov/2026:04:16:05.870] fe_x 201 999", &why), 1);
		c = hz_countmap_find(s->status, "201", 3);
		CHECK(c && *c == 4);
		c = hz_countmap_find(s->status, "202", 3);
		CHECK(c && *c == 2);
		CHECK(hz_countmap_find(s->status, "999", 3) == NULL);
		hz_router_free(r);
		hz_summary_free(s);
	}
	/* A line two routes fit, naming a third proxy whose format does not fit
	 * it: neither takes it, and the first route that fits does, whatever
	 * route the line before went to (a slice of a threaded scan starts
	 * with none): status 201 as fe_a's format reads it, not 999. */
	for (int before = 0; before < 3; before++) {
		static const char *const fmts[] = { "%ci [%tr] %ft %ST %B", "%ci [%tr] %ft %B %ST",
						    "%ci [%tr] %ft %ST %B %Tt" };
		static const char *const names[] = { "fe_a", "fe_b", "fe_c" };
		static const char *const prev[] = { NULL, "1.2.3.4 [27/Nov/2026:04:16:05.870] fe_a 200 1",
						    "1.2.3.4 [27/Nov/2026:04:16:05.870] fe_b 1 200" };
		const uint64_t *c;
		r = three_proxies(fmts, names);
		s = hz_summary_new(0);
		CHECK_EQ_INT(hz_router_count(r), 3);
		if (prev[before])
			CHECK_EQ_INT(feed(r, s, prev[before], &why), 1);
		CHECK_EQ_INT(feed(r, s, "1.2.3.4 [27/Nov/2026:04:16:05.870] fe_c 201 999", &why), 1);
		c = hz_countmap_find(s->status, "201", 3);
		CHECK(c && *c == 1);
		CHECK(hz_countmap_find(s->status, "999", 3) == NULL);
		hz_router_free(r);
		hz_summary_free(s);
	}
	/* the line's tag decides before its frontend field does */
	{
		struct hz_format *f;
		const uint64_t *c;
		r = hz_router_new();
		s = hz_summary_new(0);
		CHECK_EQ_INT(hz_format_compile("%ci [%tr] %ft %ST %B", 20, &f, &e), 0);
		CHECK_EQ_INT(hz_router_add(r, "fe_a", NULL, "fe_a", f), 0);
		CHECK_EQ_INT(hz_format_compile("%ci [%tr] %ft %B %ST", 20, &f, &e), 0);
		CHECK_EQ_INT(hz_router_add(r, "fe_b", "tb", "fe_b", f), 0);
		/* fe_a's route matches first, then a line tagged for fe_b's */
		CHECK_EQ_INT(feed(r, s, "<134>Nov 27 04:16:05 h ta[1]: 1.2.3.4 [27/Nov/2026:04:16:05.870] fe_a 201 999", &why), 1);
		CHECK_EQ_INT(feed(r, s, "<134>Nov 27 04:16:05 h tb[1]: 1.2.3.4 [27/Nov/2026:04:16:05.870] fe_a 999 202", &why), 1);
		c = hz_countmap_find(s->status, "201", 3);
		CHECK(c && *c == 1);
		c = hz_countmap_find(s->status, "202", 3);
		CHECK(c && *c == 1);
		hz_router_free(r);
		hz_summary_free(s);
	}
	test_tracing();
	return hz_test_done();
}
