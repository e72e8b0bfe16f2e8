/* The summary as one JSON document (Jansson). */
#include "halyze/emit.h"

#include <jansson.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/correlate.h"
#include "halyze/lint.h"
#include "halyze/sanitize.h"
#include "errfmt.h"

static json_t *build_doc(const struct hz_summary *s, const struct hz_series_set *set, int mergeable);

/* A JSON string from log bytes: invalid UTF-8 becomes \xHH (documented). */
static json_t *jstr(const char *p, size_t n)
{
	char small[256];
	size_t need = hz_escape(small, sizeof(small), p, n, HZ_ESC_UTF8);
	json_t *j;

	if (need < sizeof(small))
		return json_stringn(small, need);
	char *big = malloc(need + 1);
	if (!big)
		return NULL;
	hz_escape(big, need + 1, p, n, HZ_ESC_UTF8);
	j = json_stringn(big, need);
	free(big);
	return j;
}

/* Sets obj[key] where key comes from log bytes. */
static int set_key(json_t *obj, const char *p, size_t n, json_t *v)
{
	json_t *k = jstr(p, n);
	int rc;

	if (!k || !v) {
		json_decref(k);
		json_decref(v);
		return -1;
	}
	rc = json_object_setn_new(obj, json_string_value(k), json_string_length(k), v);
	json_decref(k);
	return rc;
}

static json_t *count_value(const uint64_t *v)
{
	return json_integer((json_int_t)v[0]);
}

static json_t *frontend_value(const uint64_t *v)
{
	return json_pack("{s:I,s:b}", "requests", (json_int_t)v[HZ_FE_REQUESTS], "tls", v[HZ_FE_TLS] > 0);
}

static json_t *server_value(const uint64_t *v)
{
	json_t *o = json_pack("{s:I}", "requests", (json_int_t)v[HZ_SRV_REQUESTS]);
	uint64_t any = 0;

	for (int k = HZ_SRV_1XX; k < HZ_SRV_NVALS; k++)
		any |= v[k];
	if (o && any) {
		/* --tables servers */
		json_object_set_new(o, "status", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}",
			"1xx", (json_int_t)v[HZ_SRV_1XX], "2xx", (json_int_t)v[HZ_SRV_2XX],
			"3xx", (json_int_t)v[HZ_SRV_3XX], "4xx", (json_int_t)v[HZ_SRV_4XX],
			"5xx", (json_int_t)v[HZ_SRV_5XX], "other", (json_int_t)v[HZ_SRV_OTHER]));
		json_object_set_new(o, "errors", json_integer((json_int_t)v[HZ_SRV_ERRORS]));
		json_object_set_new(o, "connect_ms_total", json_integer((json_int_t)v[HZ_SRV_TC_MS]));
		json_object_set_new(o, "connect_count", json_integer((json_int_t)v[HZ_SRV_TC_N]));
		json_object_set_new(o, "connect_ms_avg", json_real(v[HZ_SRV_TC_N] ?
			floor((double)v[HZ_SRV_TC_MS] / (double)v[HZ_SRV_TC_N] * 10 + 0.5) / 10 : 0.0));
		json_object_set_new(o, "response_ms_total", json_integer((json_int_t)v[HZ_SRV_TR_MS]));
		json_object_set_new(o, "response_count", json_integer((json_int_t)v[HZ_SRV_TR_N]));
		json_object_set_new(o, "response_ms_avg", json_real(v[HZ_SRV_TR_N] ?
			floor((double)v[HZ_SRV_TR_MS] / (double)v[HZ_SRV_TR_N] * 10 + 0.5) / 10 : 0.0));
	}
	return o;
}

/* Rows of the URL and client tables in a summary (all in a mergeable one). */
#define HZ_JSON_TOP_KEYS 100

static json_t *url_value(const uint64_t *v)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:f}", "requests", (json_int_t)v[HZ_URL_REQUESTS],
			 "errors", (json_int_t)v[HZ_URL_ERRORS], "bytes", (json_int_t)v[HZ_URL_BYTES],
			 "time_ms_total", (json_int_t)v[HZ_URL_TIME_MS],
			 "time_ms_avg", v[HZ_URL_REQUESTS] ? floor((double)v[HZ_URL_TIME_MS] / (double)v[HZ_URL_REQUESTS] * 10 + 0.5) / 10 : 0.0);
}

static json_t *client_value(const uint64_t *v)
{
	return json_pack("{s:I,s:I,s:I}", "requests", (json_int_t)v[HZ_CLI_REQUESTS],
			 "errors", (json_int_t)v[HZ_CLI_ERRORS], "bytes", (json_int_t)v[HZ_CLI_BYTES]);
}

/* The heaviest `limit` rows of a table (0: all), heaviest first. */
static json_t *table_top(const struct hz_countmap *m, size_t col, json_t *(*value)(const uint64_t *vals),
			 size_t limit)
{
	json_t *o = json_object();
	size_t n = hz_countmap_size(m);
	struct hz_countmap_entry *e = limit && limit < n ? hz_countmap_top(m, col, limit, &n)
							  : hz_countmap_sorted(m, col);

	if (!o || !e) {
		free(e);
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (set_key(o, e[i].key, e[i].n, value(e[i].vals))) {
			json_decref(o);
			o = NULL;
			break;
		}
	free(e);
	return o;
}

/* Percentiles of each timer; with the buckets themselves when mergeable. */
static json_t *timers(const struct hz_summary *s, int mergeable)
{
	json_t *o = json_object();

	for (int t = 0; o && t < HZ_TIMER_COUNT; t++) {
		const struct hz_sketch *k = s->timers[t];
		json_t *x;
		if (!k || !k->count)
			continue;
		x = json_pack("{s:I,s:f,s:I,s:I,s:I,s:I,s:I,s:I}", "count", (json_int_t)k->count,
			      "avg", floor((double)k->sum / (double)k->count * 10 + 0.5) / 10,
			      "p50", (json_int_t)hz_sketch_quantile(k, 0.50), "p90", (json_int_t)hz_sketch_quantile(k, 0.90),
			      "p95", (json_int_t)hz_sketch_quantile(k, 0.95), "p99", (json_int_t)hz_sketch_quantile(k, 0.99),
			      "p999", (json_int_t)hz_sketch_quantile(k, 0.999), "max", (json_int_t)k->max);
		if (x && mergeable) {
			json_t *b = json_object();
			char idx[24];
			for (size_t i = 0; b && i < HZ_SKETCH_BUCKETS; i++)
				if (k->b[i]) {
					snprintf(idx, sizeof(idx), "%zu", i);
					json_object_set_new(b, idx, json_integer((json_int_t)k->b[i]));
				}
			json_object_set_new(x, "sum", json_integer((json_int_t)k->sum));
			json_object_set_new(x, "buckets", b);
		}
		json_object_set_new(o, hz_timer_names[t], x);
	}
	return o;
}

/* A table as an object keyed by its (log-made) keys, heaviest first. */
static json_t *table(const struct hz_countmap *m, size_t col, json_t *(*value)(const uint64_t *vals))
{
	json_t *o = json_object();
	struct hz_countmap_entry *e = hz_countmap_sorted(m, col);

	if (!o || !e) {
		free(e);
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < hz_countmap_size(m); i++)
		if (set_key(o, e[i].key, e[i].n, value(e[i].vals))) {
			json_decref(o);
			o = NULL;
			break;
		}
	free(e);
	return o;
}

static json_t *counts(const struct hz_countmap *m)
{
	return table(m, 0, count_value);
}

static json_t *files(const struct hz_summary *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->nfiles; i++) {
		const struct hz_file_summary *f = &s->files[i];
		json_t *o = json_pack("{s:o,s:I,s:I,s:I,s:b}",
				      "path", jstr(f->path, strlen(f->path)),
				      "bytes", (json_int_t)f->bytes,
				      "text_bytes", (json_int_t)f->text_bytes,
				      "lines", (json_int_t)f->lines,
				      "compressed", f->compressed);
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
		if (json_object_set_new(o, "error", f->error ? jstr(f->error, strlen(f->error)) : json_null()) ||
		    json_object_set_new(o, "error_line", f->error ? json_integer((json_int_t)f->error_line) : json_null())) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *samples(const struct hz_summary *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->nsamples; i++) {
		const struct hz_sample *x = &s->samples[i];
		json_t *o = json_pack("{s:o,s:I,s:o,s:o}",
				      "file", jstr(x->file, strlen(x->file)),
				      "line", (json_int_t)x->line,
				      "reason", jstr(x->reason, strlen(x->reason)),
				      "text", jstr(x->text, x->n));
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *headers(const struct hz_summary *s)
{
	json_t *o = json_object();

	for (int h = 0; o && h < HZ_HDR_COUNT; h++)
		if (s->headers[h] &&
		    json_object_set_new(o, hz_hdr_name((enum hz_hdr)h), json_integer((json_int_t)s->headers[h]))) {
			json_decref(o);
			o = NULL;
		}
	return o;
}

static json_t *tls_block(const struct hz_summary *s)
{
	const struct hz_tls_counts *t = &s->tls;
	json_t *sessions = json_pack("{s:I,s:I,s:o}", "resumed_traced", (json_int_t)t->resumed_traced,
				     "resumed_untraced", (json_int_t)t->resumed_untraced,
				     "untraced_reasons", counts(t->untraced_reasons));

	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:o}",
			 "lines", (json_int_t)t->lines,
			 "full_with_cert", (json_int_t)t->full_with_cert,
			 "full_without_cert", (json_int_t)t->full_without_cert,
			 "resumed_without_cert", (json_int_t)t->resumed_without_cert,
			 "resumed_identity_known", (json_int_t)t->resumed_identity_known,
			 "resumed_anonymous", (json_int_t)t->resumed_anonymous,
			 "resumed_with_cert", (json_int_t)t->resumed_with_cert,
			 "inferred_resumed", (json_int_t)t->inferred_resumed,
			 "verify", counts(t->verify),
			 "cert_errors", counts(t->cert_errors),
			 "ca_errors", counts(t->ca_errors),
			 "sessions", sessions);
}

/* Milliseconds since the epoch as the line's own clock: no zone is claimed,
 * since %t is the haproxy host's local time. */
static json_t *jtime(int64_t ms)
{
	char b[40];

	if (ms == INT64_MIN || ms == INT64_MAX)
		return json_null();
	hz_format_ms(b, sizeof(b), ms);
	return json_string(b);
}

static json_t *findings(const struct hz_summary *s, const struct hz_series_set *set, int all)
{
	struct hz_finding *f;
	size_t n = hz_findings_rank(s, set, &f);
	json_t *a = n == (size_t)-1 ? NULL : json_array();

	for (size_t i = 0; a && i < n; i++) {
		struct hz_finding_view d;
		const struct hz_rule_hits *h;
		struct hz_countmap_entry *e;
		json_t *groups = json_array(), *ex = json_array(), *corr, *o;
		size_t ng, nt = 0;

		hz_finding_view(s, &f[i], &d);
		h = d.hits;
		e = hz_countmap_top(h->groups, 0, 10, &nt);
		ng = hz_countmap_size(h->groups);
		/* whatever fails to allocate leaves groups or ex NULL, which fails
		 * the json_pack below and so the document */
		if (!e) {
			json_decref(groups);
			groups = NULL;
		}
		for (size_t k = 0; e && groups && k < nt; k++)
			if (json_array_append_new(groups, json_pack("{s:o,s:I}", "group", jstr(e[k].key, e[k].n),
								    "count", (json_int_t)e[k].vals[0]))) {
				json_decref(groups);
				groups = NULL;
			}
		free(e);
		for (size_t k = 0; ex && k < h->nexamples; k++) {
			char b[1200];
			int m = snprintf(b, sizeof(b), "%s:%llu", h->examples[k].file,
					 (unsigned long long)h->examples[k].line);
			if (json_array_append_new(ex, jstr(b, m < 0 ? 0 : (size_t)m >= sizeof(b) ? sizeof(b) - 1 : (size_t)m))) {
				json_decref(ex);
				ex = NULL;
			}
		}
		if (isnan(f[i].r))
			corr = json_null();
		else
			corr = json_pack("{s:f,s:I,s:s,s:s}", "r", floor(f[i].r * 1000 + 0.5) / 1000,
					 "buckets", (json_int_t)f[i].buckets, "with", "requests",
					 "meaning", hz_correlation_words(f[i].r));
		o = json_pack("{s:s,s:s,s:s,s:s?,s:I,s:o,s:o,s:s?,s:o,s:I,s:o,s:o,s:s?,s:s?}",
			      "id", d.name, "source", f[i].user ? "rules file" : "built-in",
			      "severity", hz_severity_name(d.severity), "title", d.title,
			      "count", (json_int_t)h->count, "first", jtime(h->first_ms), "last", jtime(h->last_ms),
			      "group_by", d.group_by, "groups", groups, "distinct_groups", (json_int_t)ng,
			      "examples", ex, "correlation", corr, "explanation", d.explain, "advice", d.advice);
		if (o && ((f[i].user && json_object_set_new(o, "regex_limit_errors",
							    json_integer((json_int_t)s->user[f[i].index].limit_errors))) ||
			  (all && json_object_set_new(o, "all_groups", counts(h->groups))))) {
			json_decref(o);
			o = NULL;
		}
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			a = NULL;
		}
	}
	free(f);
	return a;
}

static json_t *lint(const struct hz_summary *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->nlint; i++) {
		const struct hz_lint_finding *f = &s->lint[i];
		json_t *o = json_pack("{s:s,s:s,s:o,s:i,s:o,s:o,s:o}", "id", f->id, "severity",
				      hz_severity_name(f->severity), "file", jstr(f->file, strlen(f->file)), "line",
				      f->line, "proxy", f->proxy ? jstr(f->proxy, strlen(f->proxy)) : json_null(),
				      "message", jstr(f->message, strlen(f->message)),
				      "fix", f->fix ? jstr(f->fix, strlen(f->fix)) : json_null());
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *series(const struct hz_series_set *set)
{
	json_t *o, *fes;
	char b[40];

	if (!set || set->n == 0)
		return json_null();
	hz_format_ms(b, sizeof(b), set->first * set->bucket_ms);
	fes = json_object();
	o = json_pack("{s:I,s:s,s:I,s:o}", "bucket_seconds", (json_int_t)(set->bucket_ms / 1000), "start", b,
		      "buckets", (json_int_t)set->n, "frontends", fes);
	for (size_t i = 0; o && i < set->nv; i++) {
		const struct hz_series *x = &set->v[i];
		/* the frontend as its key will read (escaped), to find its object */
		json_t *key = x->frontend_n ? jstr(x->frontend, x->frontend_n) : json_string("(all)");
		json_t *f = key ? json_object_getn(fes, json_string_value(key), json_string_length(key)) : NULL;
		json_t *arr = json_array();
		int bad = !arr || !key;
		if (!f && !bad) {
			f = json_object();
			bad = !f || json_object_setn_new(fes, json_string_value(key), json_string_length(key), f);
		}
		json_decref(key);
		for (size_t k = 0; !bad && k < set->n; k++)
			bad = json_array_append_new(arr, json_integer((json_int_t)x->counts[k])) != 0;
		/* a series lost to a failed allocation fails the document */
		if (bad || json_object_set_new(f, x->name, arr) != 0) {
			if (bad)
				json_decref(arr);
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

static json_t *build(const struct hz_summary *s, int mergeable)
{
	struct hz_series_set set;
	int src = hz_series_build(s, 0, &set), have_set = src == 0;
	/* too many buckets (HZ_ELIMIT) only loses the series */
	json_t *doc = src == HZ_ENOMEM ? NULL : build_doc(s, have_set ? &set : NULL, mergeable);

	if (have_set)
		hz_series_release(&set);
	return doc;
}

static json_t *build_doc(const struct hz_summary *s, const struct hz_series_set *set, int mergeable)
{
	json_t *doc;
	json_t *input = json_pack("{s:o,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o}",
				  "files", files(s),
				  "lines", (json_int_t)s->lines,
				  "requests", (json_int_t)s->requests,
				  "connection_errors", (json_int_t)s->connection_errors,
				  "messages", (json_int_t)s->messages,
				  "unparsed", (json_int_t)s->unparsed,
				  "unparsed_reasons", counts(s->unparsed_reasons),
				  "unparsed_samples", samples(s),
				  "headers", headers(s));
	if (!input)
		return NULL;
	doc = json_pack("{s:s,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "schema", HZ_SUMMARY_SCHEMA,
			 "partial", s->partial,
			 "input", input,
			 "frontends", table(s->frontends, HZ_FE_REQUESTS, frontend_value),
			 "status", counts(s->status),
			 "termination", counts(s->termination),
			 "servers", table(s->servers, HZ_SRV_REQUESTS, server_value),
			 "connection_errors", counts(s->connerr_messages),
			 "connection_error_frontends", counts(s->connerr_frontends),
			 "messages", counts(s->message_kinds),
			 "tls", tls_block(s),
			 "findings", findings(s, set, mergeable),
			 "config_lint", lint(s),
			 "series", series(set));
	/* a member lost to a failed allocation fails the document */
	if (doc && (((s->tables & HZ_TABLE_URLS) &&
		     json_object_set_new(doc, "urls", table_top(s->urls, HZ_URL_REQUESTS, url_value,
								  mergeable ? 0 : HZ_JSON_TOP_KEYS))) ||
		    ((s->tables & HZ_TABLE_TIMERS) && json_object_set_new(doc, "timers", timers(s, mergeable))) ||
		    ((s->tables & HZ_TABLE_CERTS) &&
		     json_object_set_new(doc, "certificates",
					 json_pack("{s:o,s:o}", "subjects", table_top(s->subjects, 0, count_value,
										 mergeable ? 0 : HZ_JSON_TOP_KEYS),
						   "issuers", table_top(s->issuers, 0, count_value,
									mergeable ? 0 : HZ_JSON_TOP_KEYS)))) ||
		    ((s->tables & HZ_TABLE_HEADERS) &&
		     json_object_set_new(doc, "captured_headers", table_top(s->captures, 0, count_value,
									  mergeable ? 0 : 10 * HZ_JSON_TOP_KEYS))) ||
		    ((s->tables & HZ_TABLE_CLIENTS) &&
		     json_object_set_new(doc, "clients", table_top(s->clients, HZ_CLI_REQUESTS, client_value,
								     mergeable ? 0 : HZ_JSON_TOP_KEYS))) ||
		    json_object_set_new(doc, "key_limit",
					json_pack("{s:I,s:I}", "max_keys", (json_int_t)s->max_keys, "folded_keys",
						  (json_int_t)(hz_summary_folded(s) + s->folded_loaded))))) {
		json_decref(doc);
		doc = NULL;
	}
	if (doc && mergeable &&
	    (json_object_set_new(doc, "mergeable", json_true()) ||
	     json_object_set_new(doc, "bucket_seconds", json_integer((json_int_t)(s->bucket_ms / 1000))))) {
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

static int emit(const struct hz_summary *s, FILE *out, struct hz_err *err, int mergeable, int compact)
{
	json_t *doc = build(s, mergeable);
	int rc, e;

	if (!doc)
		return hz_err_set(err, HZ_ENOMEM, "", "out of memory (building the JSON summary)");
	/* json_dumpf allocates too: a failure with ENOMEM is not a write error */
	errno = 0;
	rc = json_dumpf(doc, out, (compact ? JSON_COMPACT : JSON_INDENT(2)) | JSON_PRESERVE_ORDER);
	e = errno;
	json_decref(doc);
	if (rc && e == ENOMEM && !ferror(out))
		return hz_err_set(err, HZ_ENOMEM, "", "out of memory (writing the JSON summary)");
	if (rc || fputc('\n', out) == EOF)
		return hz_err_set(err, HZ_EWRITE, "", "cannot write the JSON summary");
	return 0;
}

int hz_emit_json(const struct hz_summary *s, FILE *out, struct hz_err *err)
{
	return emit(s, out, err, 0, 0);
}

int hz_emit_json_line(const struct hz_summary *s, FILE *out, struct hz_err *err)
{
	return emit(s, out, err, 0, 1);
}

int hz_emit_json_mergeable(const struct hz_summary *s, FILE *out, struct hz_err *err)
{
	return emit(s, out, err, 1, 0);
}
