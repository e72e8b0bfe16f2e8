/* The summary's storage and its merge. */
#include "halyze/summary.h"

#include <stdlib.h>
#include <string.h>

static char *dup_n(const char *p, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		if (n)
			memcpy(d, p, n);
		d[n] = 0;
	}
	return d;
}

struct hz_summary *hz_summary_new(size_t max_samples)
{
	struct hz_summary *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->max_samples = max_samples;
	s->unparsed_reasons = hz_countmap_new(1);
	s->frontends = hz_countmap_new(HZ_FE_NVALS);
	s->status = hz_countmap_new(1);
	s->termination = hz_countmap_new(1);
	s->servers = hz_countmap_new(HZ_SRV_NVALS);
	s->connerr_messages = hz_countmap_new(1);
	s->connerr_frontends = hz_countmap_new(1);
	s->message_kinds = hz_countmap_new(1);
	if (max_samples)
		s->samples = calloc(max_samples, sizeof(*s->samples));
	if (!s->unparsed_reasons || !s->frontends || !s->status || !s->termination || !s->servers
	    || !s->connerr_messages || !s->connerr_frontends || !s->message_kinds
	    || (max_samples && !s->samples)) {
		hz_summary_free(s);
		return NULL;
	}
	return s;
}

void hz_summary_free(struct hz_summary *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].path);
		free(s->files[i].error);
	}
	free(s->files);
	for (size_t i = 0; i < s->nsamples; i++) {
		free(s->samples[i].file);
		free(s->samples[i].reason);
		free(s->samples[i].text);
	}
	free(s->samples);
	hz_countmap_free(s->unparsed_reasons);
	hz_countmap_free(s->frontends);
	hz_countmap_free(s->status);
	hz_countmap_free(s->termination);
	hz_countmap_free(s->servers);
	hz_countmap_free(s->connerr_messages);
	hz_countmap_free(s->connerr_frontends);
	hz_countmap_free(s->message_kinds);
	free(s);
}

long hz_summary_add_file(struct hz_summary *s, const char *path)
{
	if (s->nfiles == s->files_cap) {
		size_t ncap = s->files_cap ? s->files_cap * 2 : 8;
		struct hz_file_summary *nf = realloc(s->files, ncap * sizeof(*nf));
		if (!nf)
			return -1;
		s->files = nf;
		s->files_cap = ncap;
	}
	memset(&s->files[s->nfiles], 0, sizeof(s->files[0]));
	s->files[s->nfiles].path = strdup(path);
	if (!s->files[s->nfiles].path)
		return -1;
	return (long)s->nfiles++;
}

static int add_sample(struct hz_summary *s, const char *reason, const char *file,
		      uint64_t line, const char *text, size_t n)
{
	struct hz_sample *x;

	if (s->nsamples >= s->max_samples)
		return 0;
	x = &s->samples[s->nsamples];
	if (n > HZ_SAMPLE_MAX)
		n = HZ_SAMPLE_MAX;
	x->file = strdup(file ? file : "-");
	x->reason = strdup(reason);
	x->text = dup_n(text, n);
	x->n = n;
	x->line = line;
	if (!x->file || !x->reason || !x->text) {
		free(x->file);
		free(x->reason);
		free(x->text);
		memset(x, 0, sizeof(*x));
		return HZ_ENOMEM;
	}
	s->nsamples++;
	return 0;
}

int hz_summary_unparsed(struct hz_summary *s, const char *reason, const char *file,
			uint64_t line, const char *text, size_t n)
{
	uint64_t *c = hz_countmap_get(s->unparsed_reasons, reason, strlen(reason));

	if (!c)
		return HZ_ENOMEM;
	(*c)++;
	s->unparsed++;
	return add_sample(s, reason, file, line, text, n);
}

int hz_summary_merge(struct hz_summary *dst, const struct hz_summary *src)
{
	int rc = 0;

	for (size_t i = 0; i < src->nfiles; i++) {
		const struct hz_file_summary *f = &src->files[i];
		long k = hz_summary_add_file(dst, f->path);
		if (k < 0)
			return HZ_ENOMEM;
		struct hz_file_summary *d = &dst->files[k];
		char *path = d->path;
		*d = *f;
		d->path = path;
		d->error = f->error ? strdup(f->error) : NULL;
		if (f->error && !d->error)
			return HZ_ENOMEM;
	}
	dst->lines += src->lines;
	dst->requests += src->requests;
	dst->connection_errors += src->connection_errors;
	dst->messages += src->messages;
	dst->unparsed += src->unparsed;
	for (int h = 0; h < HZ_HDR_COUNT; h++)
		dst->headers[h] += src->headers[h];
	for (size_t i = 0; i < src->nsamples && !rc; i++) {
		const struct hz_sample *x = &src->samples[i];
		rc = add_sample(dst, x->reason, x->file, x->line, x->text, x->n);
	}
	if (!rc) rc = hz_countmap_merge(dst->unparsed_reasons, src->unparsed_reasons);
	if (!rc) rc = hz_countmap_merge(dst->frontends, src->frontends);
	if (!rc) rc = hz_countmap_merge(dst->status, src->status);
	if (!rc) rc = hz_countmap_merge(dst->termination, src->termination);
	if (!rc) rc = hz_countmap_merge(dst->servers, src->servers);
	if (!rc) rc = hz_countmap_merge(dst->connerr_messages, src->connerr_messages);
	if (!rc) rc = hz_countmap_merge(dst->connerr_frontends, src->connerr_frontends);
	if (!rc) rc = hz_countmap_merge(dst->message_kinds, src->message_kinds);
	dst->partial |= src->partial;
	return rc;
}
