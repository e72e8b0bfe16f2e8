/* The summary as one JSON document (Jansson). */
#include "halyze/emit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/sanitize.h"
#include "errfmt.h"

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

static json_t *counts(const struct hz_countmap *m)
{
	json_t *o = json_object();
	struct hz_countmap_entry *e = hz_countmap_sorted(m, 0);

	if (!o || !e) {
		free(e);
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < hz_countmap_size(m); i++)
		if (set_key(o, e[i].key, e[i].n, json_integer((json_int_t)e[i].vals[0]))) {
			json_decref(o);
			o = NULL;
			break;
		}
	free(e);
	return o;
}

static json_t *frontends(const struct hz_countmap *m)
{
	json_t *o = json_object();
	struct hz_countmap_entry *e = hz_countmap_sorted(m, HZ_FE_REQUESTS);

	if (!o || !e) {
		free(e);
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < hz_countmap_size(m); i++) {
		json_t *f = json_pack("{s:I,s:b}", "requests", (json_int_t)e[i].vals[HZ_FE_REQUESTS],
				      "tls", e[i].vals[HZ_FE_TLS] > 0);
		if (set_key(o, e[i].key, e[i].n, f)) {
			json_decref(o);
			o = NULL;
			break;
		}
	}
	free(e);
	return o;
}

static json_t *servers(const struct hz_countmap *m)
{
	json_t *o = json_object();
	struct hz_countmap_entry *e = hz_countmap_sorted(m, HZ_SRV_REQUESTS);

	if (!o || !e) {
		free(e);
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < hz_countmap_size(m); i++) {
		json_t *f = json_pack("{s:I}", "requests", (json_int_t)e[i].vals[HZ_SRV_REQUESTS]);
		if (set_key(o, e[i].key, e[i].n, f)) {
			json_decref(o);
			o = NULL;
			break;
		}
	}
	free(e);
	return o;
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
		json_object_set_new(o, "error", f->error ? jstr(f->error, strlen(f->error)) : json_null());
		json_object_set_new(o, "error_line", f->error ? json_integer((json_int_t)f->error_line) : json_null());
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
		if (s->headers[h])
			json_object_set_new(o, hz_hdr_name((enum hz_hdr)h), json_integer((json_int_t)s->headers[h]));
	return o;
}

static json_t *build(const struct hz_summary *s)
{
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
	return json_pack("{s:s,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "schema", HZ_SUMMARY_SCHEMA,
			 "partial", s->partial,
			 "input", input,
			 "frontends", frontends(s->frontends),
			 "status", counts(s->status),
			 "termination", counts(s->termination),
			 "servers", servers(s->servers),
			 "connection_errors", counts(s->connerr_messages),
			 "connection_error_frontends", counts(s->connerr_frontends),
			 "messages", counts(s->message_kinds),
			 "tls", json_object(),
			 "findings", json_array());
}

int hz_emit_json(const struct hz_summary *s, FILE *out, struct hz_err *err)
{
	json_t *doc = build(s);
	int rc;

	if (!doc)
		return hz_err_set(err, HZ_ENOMEM, "", "cannot build the JSON summary");
	rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (rc || fputc('\n', out) == EOF)
		return hz_err_set(err, HZ_EWRITE, "", "cannot write the JSON summary");
	return 0;
}
