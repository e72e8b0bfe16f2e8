/* Unit tests for the router: routes shared by identical formats, tag order, the proxy a line names, reasons. */
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
		r = hz_router_new();
		s = hz_summary_new(0);
		for (int i = 0; i < 3; i++) {
			struct hz_format *f;
			CHECK_EQ_INT(hz_format_compile(fmts[i], strlen(fmts[i]), &f, &e), 0);
			CHECK_EQ_INT(hz_router_add(r, names[i], NULL, names[i], f), 0);
		}
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
	return hz_test_done();
}
