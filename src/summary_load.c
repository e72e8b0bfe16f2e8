/* Reads a mergeable summary document back into a summary, for `halyze merge`. */
#include "halyze/summary.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/correlate.h"
#include "halyze/lint.h"
#include "errfmt.h"

/* The columns of the per-URL and per-client rows, by their JSON names. */
struct row_col {
	size_t col;
	const char *key;
};
static const struct row_col url_cols[] = {
	{ HZ_URL_REQUESTS, "requests" }, { HZ_URL_ERRORS, "errors" }, { HZ_URL_BYTES, "bytes" },
	{ HZ_URL_TIME_MS, "time_ms_total" },
};
static const struct row_col client_cols[] = {
	{ HZ_CLI_REQUESTS, "requests" }, { HZ_CLI_ERRORS, "errors" }, { HZ_CLI_BYTES, "bytes" },
};

#define BAD(key) do { bad = (key); goto fail; } while (0)

/* "YYYY-MM-DDTHH:MM:SS.mmm" (hz_format_ms) back to ms; -1 when malformed. */
static int parse_ms(const char *t, int64_t *out)
{
	int y, mo, d, h, mi, sec, ms;
	int64_t era, yoe, doy, doe, days;

	if (!t || strlen(t) != 23 || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &y, &mo, &d, &h, &mi, &sec, &ms) != 7)
		return -1;
	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	*out = ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 + ms;
	return 0;
}

static int add_counts(struct hz_countmap *m, json_t *obj, size_t col)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return -1;
	json_object_foreach(obj, k, v) {
		uint64_t *c;
		if (!json_is_integer(v))
			return -1;
		c = hz_countmap_get(m, k, strlen(k));
		if (!c)
			return -1;
		c[col] += (uint64_t)json_integer_value(v);
	}
	return 0;
}

static uint64_t u(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

/* Reads rows {key: {name: n, ...}} into map. Returns 0 or HZ_ENOMEM. */
static int load_rows(struct hz_countmap *map, json_t *rows, const struct row_col *cols, size_t ncols)
{
	const char *k;
	json_t *v;

	json_object_foreach(rows, k, v) {
		uint64_t *c = hz_countmap_get(map, k, strlen(k));
		if (!c)
			return HZ_ENOMEM;
		for (size_t i = 0; i < ncols; i++)
			c[cols[i].col] = u(v, cols[i].key);
	}
	return 0;
}

static int load_hits(struct hz_rule_hits *h, json_t *f)
{
	json_t *ex = json_object_get(f, "examples"), *v;
	int64_t ms;
	size_t i;

	h->count = u(f, "count");
	if (parse_ms(json_string_value(json_object_get(f, "first")), &ms) == 0)
		h->first_ms = ms;
	if (parse_ms(json_string_value(json_object_get(f, "last")), &ms) == 0)
		h->last_ms = ms;
	if (add_counts(h->groups, json_object_get(f, "all_groups"), 0))
		return -1;
	json_array_foreach(ex, i, v) {
		const char *e = json_string_value(v), *colon = e ? strrchr(e, ':') : NULL;
		if (!colon || h->nexamples >= HZ_RULE_EXAMPLES)
			continue;
		h->examples[h->nexamples].file = strndup(e, (size_t)(colon - e));
		if (!h->examples[h->nexamples].file)
			return -1;
		h->examples[h->nexamples++].line = strtoull(colon + 1, NULL, 10);
	}
	return 0;
}

static enum hz_severity severity_of(const char *s)
{
	if (s && strcmp(s, "error") == 0)
		return HZ_SEV_ERROR;
	if (s && strcmp(s, "warning") == 0)
		return HZ_SEV_WARNING;
	return HZ_SEV_INFO;
}

/* The series name as a pointer the summary keeps: built-in names and user
 * rule names are long-lived, "requests" and the breakdowns are the library's
 * constants. */
static const char *series_name(const struct hz_summary *s, const char *name)
{
	if (strcmp(name, HZ_SERIES_REQUESTS) == 0)
		return HZ_SERIES_REQUESTS;
	if (hz_series_breakdown(name))
		return hz_series_breakdown(name);
	for (int r = 0; r < HZ_RULE_BUILTIN_COUNT; r++)
		if (strcmp(hz_rule_def((enum hz_rule_id)r)->name, name) == 0)
			return hz_rule_def((enum hz_rule_id)r)->name;
	for (size_t k = 0; k < s->nuser; k++)
		if (strcmp(s->user[k].name, name) == 0)
			return s->user[k].name;
	return NULL;
}

/* Jansson's lexer does not always report a failed allocation (a byte of a
 * string can be lost): its allocations go through here while a summary is
 * read, so that any failure fails the load. Not reentrant, like Jansson's
 * allocator setting itself. */
static int load_oom;
static json_malloc_t saved_malloc_fn;

static void *tracked_malloc(size_t n)
{
	void *p = saved_malloc_fn(n);

	if (!p)
		load_oom = 1;
	return p;
}

int hz_summary_load(const char *path, struct hz_summary **out, struct hz_err *err)
{
	json_error_t je;
	json_malloc_t saved_malloc;
	json_free_t saved_free;
	json_t *doc, *in, *v, *x;
	struct hz_summary *s = NULL;
	const char *bad = NULL, *k;
	size_t i;

	*out = NULL;
	/* A failed allocation leaves errno at ENOMEM: Jansson's lexer may turn
	 * one into a syntax error or a lost byte, and the checks below into a
	 * "bad" key, none of which is the document's fault. */
	errno = 0;
	json_get_alloc_funcs(&saved_malloc, &saved_free);
	saved_malloc_fn = saved_malloc;
	json_set_alloc_funcs(tracked_malloc, saved_free);
	load_oom = 0;
	doc = json_load_file(path, 0, &je);
	json_set_alloc_funcs(saved_malloc, saved_free);
	if (load_oom || (!doc && json_error_code(&je) == json_error_out_of_memory) || errno == ENOMEM)
		goto oom;
	if (!doc) {
		int rc = hz_err_set(err, je.line < 1 && strstr(je.text, "open") ? HZ_EOPEN : HZ_ESYNTAX, path, "%s",
				    je.text);
		if (err) {
			err->line = je.line > 0 ? (uint64_t)je.line : 0;
			err->col = je.column > 0 ? (uint32_t)je.column : 0;
		}
		return rc;
	}
	if (!json_is_string(json_object_get(doc, "schema"))
	    || strcmp(json_string_value(json_object_get(doc, "schema")), HZ_SUMMARY_SCHEMA) != 0)
		BAD("schema (not a halyze.summary.v1 document)");
	if (!json_is_true(json_object_get(doc, "mergeable")))
		BAD("mergeable (written without --partial: its findings keep only their top groups)");
	/* room for exactly the samples the document holds */
	s = hz_summary_new(json_array_size(json_object_get(json_object_get(doc, "input"), "unparsed_samples")));
	if (!s)
		goto oom;
	s->bucket_ms = (int64_t)u(doc, "bucket_seconds") * 1000;
	if (s->bucket_ms <= 0)
		BAD("bucket_seconds");
	s->partial = json_is_true(json_object_get(doc, "partial"));

	in = json_object_get(doc, "input");
	if (!json_is_object(in))
		BAD("input");
	s->lines = u(in, "lines");
	s->requests = u(in, "requests");
	s->connection_errors = u(in, "connection_errors");
	s->messages = u(in, "messages");
	s->unparsed = u(in, "unparsed");
	json_array_foreach(json_object_get(in, "files"), i, v) {
		const char *p = json_string_value(json_object_get(v, "path")), *e;
		long f;
		if (!p)
			BAD("input.files[].path");
		if ((f = hz_summary_add_file(s, p)) < 0)
			goto oom;
		s->files[f].bytes = u(v, "bytes");
		s->files[f].text_bytes = u(v, "text_bytes");
		s->files[f].lines = u(v, "lines");
		s->files[f].compressed = json_is_true(json_object_get(v, "compressed"));
		s->files[f].error_line = u(v, "error_line");
		if ((e = json_string_value(json_object_get(v, "error")))) {
			s->files[f].error = strdup(e);
			s->files[f].error_code = HZ_EREAD;
			if (!s->files[f].error)
				goto oom;
		}
	}
	if (add_counts(s->unparsed_reasons, json_object_get(in, "unparsed_reasons"), 0))
		BAD("input.unparsed_reasons");
	json_array_foreach(json_object_get(in, "unparsed_samples"), i, v) {
		struct hz_sample *x2 = &s->samples[s->nsamples];
		const char *f = json_string_value(json_object_get(v, "file")),
			   *r = json_string_value(json_object_get(v, "reason")),
			   *t = json_string_value(json_object_get(v, "text"));
		if (!f || !r || !t)
			BAD("input.unparsed_samples");
		x2->file = strdup(f);
		x2->reason = strdup(r);
		x2->text = strdup(t);
		x2->n = strlen(t);
		x2->line = u(v, "line");
		if (!x2->file || !x2->reason || !x2->text)
			goto oom;
		s->nsamples++;
	}
	json_object_foreach(json_object_get(in, "headers"), k, v) {
		for (int h = 0; h < HZ_HDR_COUNT; h++)
			if (strcmp(hz_hdr_name((enum hz_hdr)h), k) == 0)
				s->headers[h] = (uint64_t)json_integer_value(v);
	}
	json_object_foreach(json_object_get(doc, "frontends"), k, v) {
		uint64_t *c = hz_countmap_get(s->frontends, k, strlen(k));
		if (!c)
			goto oom;
		c[HZ_FE_REQUESTS] = u(v, "requests");
		/* tls is a boolean in the document: once is enough to merge */
		c[HZ_FE_TLS] = json_is_true(json_object_get(v, "tls"));
	}
	json_object_foreach(json_object_get(doc, "servers"), k, v) {
		uint64_t *c = hz_countmap_get(s->servers, k, strlen(k));
		if (!c)
			goto oom;
		c[HZ_SRV_REQUESTS] = u(v, "requests");
		if (json_object_get(v, "status")) {
			json_t *st = json_object_get(v, "status");
			c[HZ_SRV_1XX] = u(st, "1xx");
			c[HZ_SRV_2XX] = u(st, "2xx");
			c[HZ_SRV_3XX] = u(st, "3xx");
			c[HZ_SRV_4XX] = u(st, "4xx");
			c[HZ_SRV_5XX] = u(st, "5xx");
			c[HZ_SRV_OTHER] = u(st, "other");
			c[HZ_SRV_ERRORS] = u(v, "errors");
			c[HZ_SRV_TC_MS] = u(v, "connect_ms_total");
			c[HZ_SRV_TC_N] = u(v, "connect_count");
			c[HZ_SRV_TR_MS] = u(v, "response_ms_total");
			c[HZ_SRV_TR_N] = u(v, "response_count");
			s->tables |= HZ_TABLE_SERVERS;
		}
	}
	if (load_rows(s->urls, json_object_get(doc, "urls"), url_cols, sizeof(url_cols) / sizeof(url_cols[0]))
	    || load_rows(s->clients, json_object_get(doc, "clients"), client_cols,
			 sizeof(client_cols) / sizeof(client_cols[0])))
		goto oom;
	if (json_object_get(doc, "timers"))
		s->tables |= HZ_TABLE_TIMERS;
	if (json_object_get(doc, "certificates")) {
		json_t *ce = json_object_get(doc, "certificates");
		s->tables |= HZ_TABLE_CERTS;
		if (add_counts(s->subjects, json_object_get(ce, "subjects"), 0)
		    || add_counts(s->issuers, json_object_get(ce, "issuers"), 0))
			BAD("certificates");
	}
	if (json_object_get(doc, "captured_headers")) {
		s->tables |= HZ_TABLE_HEADERS;
		if (add_counts(s->captures, json_object_get(doc, "captured_headers"), 0))
			BAD("captured_headers");
	}
	json_object_foreach(json_object_get(doc, "timers"), k, v) {
		int t;
		const char *ik;
		json_t *iv;
		for (t = 0; t < HZ_TIMER_COUNT && strcmp(hz_timer_names[t], k) != 0; t++)
			;
		if (t == HZ_TIMER_COUNT)
			continue;
		if (!s->timers[t] && !(s->timers[t] = calloc(1, sizeof(struct hz_sketch))))
			goto oom;
		s->timers[t]->count = u(v, "count");
		s->timers[t]->sum = u(v, "sum");
		s->timers[t]->max = u(v, "max");
		json_object_foreach(json_object_get(v, "buckets"), ik, iv) {
			char *end;
			unsigned long long bi = strtoull(ik, &end, 10);
			if (*end || bi >= HZ_SKETCH_BUCKETS || !json_is_integer(iv))
				BAD("timers.buckets");
			s->timers[t]->b[bi] = (uint64_t)json_integer_value(iv);
		}
	}
	if (json_object_get(doc, "urls"))
		s->tables |= HZ_TABLE_URLS;
	if (json_object_get(doc, "clients"))
		s->tables |= HZ_TABLE_CLIENTS;
	s->folded_loaded = u(json_object_get(doc, "key_limit"), "folded_keys");
	hz_summary_set_max_keys(s, (size_t)u(json_object_get(doc, "key_limit"), "max_keys"));
	if (add_counts(s->status, json_object_get(doc, "status"), 0))
		BAD("status");
	if (add_counts(s->termination, json_object_get(doc, "termination"), 0))
		BAD("termination");
	if (add_counts(s->connerr_messages, json_object_get(doc, "connection_errors"), 0))
		BAD("connection_errors");
	if (add_counts(s->connerr_frontends, json_object_get(doc, "connection_error_frontends"), 0))
		BAD("connection_error_frontends");
	if (add_counts(s->message_kinds, json_object_get(doc, "messages"), 0))
		BAD("messages");

	x = json_object_get(doc, "tls");
	if (!json_is_object(x))
		BAD("tls");
	s->tls.lines = u(x, "lines");
	s->tls.full_with_cert = u(x, "full_with_cert");
	s->tls.full_without_cert = u(x, "full_without_cert");
	s->tls.resumed_without_cert = u(x, "resumed_without_cert");
	s->tls.resumed_identity_known = u(x, "resumed_identity_known");
	s->tls.resumed_anonymous = u(x, "resumed_anonymous");
	s->tls.resumed_with_cert = u(x, "resumed_with_cert");
	s->tls.inferred_resumed = u(x, "inferred_resumed");
	if (add_counts(s->tls.verify, json_object_get(x, "verify"), 0)
	    || add_counts(s->tls.cert_errors, json_object_get(x, "cert_errors"), 0)
	    || add_counts(s->tls.ca_errors, json_object_get(x, "ca_errors"), 0))
		BAD("tls.verify/cert_errors/ca_errors");
	v = json_object_get(x, "sessions");
	s->tls.resumed_traced = u(v, "resumed_traced");
	s->tls.resumed_untraced = u(v, "resumed_untraced");
	if (add_counts(s->tls.untraced_reasons, json_object_get(v, "untraced_reasons"), 0))
		BAD("tls.sessions.untraced_reasons");

	json_array_foreach(json_object_get(doc, "findings"), i, v) {
		const char *id = json_string_value(json_object_get(v, "id"));
		const char *src = json_string_value(json_object_get(v, "source"));
		struct hz_rule_hits *h = NULL;
		if (!id)
			BAD("findings[].id");
		if (src && strcmp(src, "built-in") == 0) {
			for (int r = 0; r < HZ_RULE_BUILTIN_COUNT; r++)
				if (strcmp(hz_rule_def((enum hz_rule_id)r)->name, id) == 0)
					h = &s->hits[r];
			if (!h)
				BAD("findings[].id (no such built-in rule)");
		} else {
			long kk = hz_summary_user_rule(s, id, severity_of(json_string_value(json_object_get(v, "severity"))),
						       json_string_value(json_object_get(v, "explanation")),
						       json_string_value(json_object_get(v, "advice")),
						       json_string_value(json_object_get(v, "group_by")));
			if (kk < 0)
				goto oom;
			s->user[kk].limit_errors = u(v, "regex_limit_errors");
			h = &s->user[kk].hits;
		}
		if (load_hits(h, v))
			BAD("findings[] (groups or examples)");
	}

	json_array_foreach(json_object_get(doc, "config_lint"), i, v) {
		struct hz_lint_finding f;
		memset(&f, 0, sizeof(f));
		f.id = hz_lint_id(json_string_value(json_object_get(v, "id")) ? json_string_value(json_object_get(v, "id")) : "");
		f.severity = severity_of(json_string_value(json_object_get(v, "severity")));
		f.file = (char *)(uintptr_t)json_string_value(json_object_get(v, "file"));
		f.line = (int)u(v, "line");
		f.proxy = (char *)(uintptr_t)json_string_value(json_object_get(v, "proxy"));
		f.message = (char *)(uintptr_t)json_string_value(json_object_get(v, "message"));
		f.fix = (char *)(uintptr_t)json_string_value(json_object_get(v, "fix"));
		if (!f.id || !f.file || !f.message)
			BAD("config_lint[]");
		if (hz_summary_add_lint(s, &f, 1))
			goto oom;
	}

	x = json_object_get(doc, "series");
	if (json_is_object(x)) {
		int64_t start;
		if (parse_ms(json_string_value(json_object_get(x, "start")), &start))
			BAD("series.start");
		json_object_foreach(json_object_get(x, "frontends"), k, v) {
			const char *name;
			json_t *arr;
			if (strcmp(k, "(all)") == 0)   /* derived from the others */
				continue;
			json_object_foreach(v, name, arr) {
				const char *sn = series_name(s, name);
				size_t b;
				json_t *c;
				if (!sn)
					BAD("series (a series without its finding)");
				json_array_foreach(arr, b, c) {
					uint64_t n = (uint64_t)json_integer_value(c);
					if (n && hz_summary_series(s, start + (int64_t)b * s->bucket_ms, k, strlen(k), sn, n))
						goto oom;
				}
			}
		}
	}
	json_decref(doc);
	*out = s;
	return 0;
fail:
	if (errno == ENOMEM)
		goto oom;
	json_decref(doc);
	hz_summary_free(s);
	return hz_err_set(err, HZ_ESYNTAX, path, "not a mergeable summary: bad or missing %s", bad);
oom:
	json_decref(doc);
	hz_summary_free(s);
	return hz_err_set(err, HZ_ENOMEM, path, "out of memory");
}
