/* The summary's storage and its merge. */
#include "halyze/summary.h"
#include "halyze/lint.h"

#include <stdio.h>
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
	s->urls = hz_countmap_new(HZ_URL_NVALS);
	s->clients = hz_countmap_new(HZ_CLI_NVALS);
	s->captures = hz_countmap_new(1);
	s->subjects = hz_countmap_new(1);
	s->issuers = hz_countmap_new(1);
	s->tls.verify = hz_countmap_new(1);
	s->tls.cert_errors = hz_countmap_new(1);
	s->tls.ca_errors = hz_countmap_new(1);
	s->tls.untraced_reasons = hz_countmap_new(1);
	s->series = hz_countmap_new(1);
	s->bucket_ms = 60000;
	for (int r = 0; r < HZ_RULE_BUILTIN_COUNT; r++) {
		s->hits[r].first_ms = INT64_MAX;
		s->hits[r].last_ms = INT64_MIN;
		s->hits[r].groups = hz_countmap_new(1);
		if (!s->hits[r].groups) {
			hz_summary_free(s);
			return NULL;
		}
	}
	if (max_samples)
		s->samples = calloc(max_samples, sizeof(*s->samples));
	if (!s->unparsed_reasons || !s->frontends || !s->status || !s->termination || !s->servers
	    || !s->connerr_messages || !s->connerr_frontends || !s->message_kinds || !s->urls || !s->clients || !s->captures || !s->subjects || !s->issuers
	    || !s->tls.verify || !s->tls.cert_errors || !s->tls.ca_errors || !s->tls.untraced_reasons
	    || !s->series
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
	hz_countmap_free(s->urls);
	for (int t = 0; t < HZ_TIMER_COUNT; t++)
		free(s->timers[t]);
	hz_countmap_free(s->clients);
	hz_countmap_free(s->captures);
	hz_countmap_free(s->subjects);
	hz_countmap_free(s->issuers);
	hz_lint_free(s->lint, s->nlint);
	for (size_t k = 0; k < s->nuser; k++) {
		struct hz_user_rule *u = &s->user[k];
		free(u->name);
		free(u->title);
		free(u->explain);
		free(u->advice);
		free(u->group_by);
		hz_countmap_free(u->hits.groups);
		for (size_t e = 0; e < u->hits.nexamples; e++)
			free(u->hits.examples[e].file);
	}
	free(s->user);
	hz_countmap_free(s->tls.verify);
	hz_countmap_free(s->tls.cert_errors);
	hz_countmap_free(s->tls.ca_errors);
	hz_countmap_free(s->tls.untraced_reasons);
	hz_countmap_free(s->series);
	for (int r = 0; r < HZ_RULE_BUILTIN_COUNT; r++) {
		hz_countmap_free(s->hits[r].groups);
		for (size_t k = 0; k < s->hits[r].nexamples; k++)
			free(s->hits[r].examples[k].file);
	}
	free(s);
}

static int add_example(struct hz_rule_hits *h, const char *file, uint64_t line)
{
	if (h->nexamples >= HZ_RULE_EXAMPLES)
		return 0;
	h->examples[h->nexamples].file = strdup(file ? file : "-");
	if (!h->examples[h->nexamples].file)
		return HZ_ENOMEM;
	h->examples[h->nexamples++].line = line;
	return 0;
}

static int record_hit(struct hz_summary *s, struct hz_rule_hits *h, const char *name, int64_t ms, const char *fe,
		      size_t fe_n, const char *group, size_t group_n, const char *file, uint64_t line)
{
	uint64_t *c;

	h->count++;
	if (ms != INT64_MIN) {
		if (ms < h->first_ms)
			h->first_ms = ms;
		if (ms > h->last_ms)
			h->last_ms = ms;
		if (name && hz_summary_series(s, ms, fe ? fe : "", fe ? fe_n : 0, name, 1))
			return HZ_ENOMEM;
	}
	c = hz_countmap_get(h->groups, group ? group : "", group ? group_n : 0);
	if (!c)
		return HZ_ENOMEM;
	(*c)++;
	return add_example(h, file, line);
}

int hz_summary_hit(struct hz_summary *s, enum hz_rule_id rule, int64_t ms, const char *fe, size_t fe_n,
		   const char *group, size_t group_n, const char *file, uint64_t line)
{
	return record_hit(s, &s->hits[rule], hz_rule_def(rule)->name, ms, fe, fe_n, group, group_n, file, line);
}

int hz_summary_rule_example(struct hz_summary *s, enum hz_rule_id rule, const char *file, uint64_t line)
{
	return add_example(&s->hits[rule], file, line);
}

int hz_summary_user_hit(struct hz_summary *s, size_t k, int64_t ms, const char *fe, size_t fe_n,
			const char *group, size_t group_n, const char *file, uint64_t line)
{
	return record_hit(s, &s->user[k].hits, s->user[k].name, ms, fe, fe_n, group, group_n, file, line);
}

static char *dup_opt(const char *p)
{
	return p ? strdup(p) : NULL;
}

long hz_summary_user_rule(struct hz_summary *s, const char *name, enum hz_severity sev, const char *explain,
			  const char *advice, const char *group_by)
{
	struct hz_user_rule *u;

	for (size_t k = 0; k < s->nuser; k++)
		if (strcmp(s->user[k].name, name) == 0)
			return (long)k;
	u = realloc(s->user, (s->nuser + 1) * sizeof(*u));
	if (!u)
		return -1;
	s->user = u;
	u = &s->user[s->nuser];
	memset(u, 0, sizeof(*u));
	u->name = strdup(name);
	u->severity = sev;
	u->explain = dup_opt(explain);
	u->advice = dup_opt(advice);
	u->group_by = dup_opt(group_by);
	u->hits.first_ms = INT64_MAX;
	u->hits.last_ms = INT64_MIN;
	u->hits.groups = hz_countmap_new(1);
	if (u->hits.groups)
		hz_countmap_set_cap(u->hits.groups, s->max_keys, 0);
	if (!u->name || !u->hits.groups || (explain && !u->explain) || (advice && !u->advice)
	    || (group_by && !u->group_by)) {
		free(u->name);
		free(u->explain);
		free(u->advice);
		free(u->group_by);
		hz_countmap_free(u->hits.groups);
		return -1;
	}
	return (long)s->nuser++;
}

int hz_summary_series(struct hz_summary *s, int64_t ms, const char *frontend, size_t fe_n,
		      const char *series, uint64_t n)
{
	char key[8 + 256 + 1 + 64];
	int64_t b = ms / s->bucket_ms - (ms % s->bucket_ms < 0);
	uint64_t u = (uint64_t)b ^ 0x8000000000000000ull;   /* sorts like the signed value */
	size_t sn, k = 0;
	uint64_t *c;
	struct hz_series_cache *sc;
	uint64_t slot = ((uintptr_t)series >> 3) * 31 + fe_n;

	if (fe_n == 0) {
		/* a format that logs no frontend, outside a config: "-", so that
		 * it cannot be confused with the sum over all frontends */
		frontend = "-";
		fe_n = 1;
	}
	if (fe_n > 256)
		fe_n = 256;
	/* frontends alternate line by line: let each (series, frontend) have a slot */
	for (size_t i = 0; i < fe_n && i < 8; i++)
		slot = slot * 131 + (unsigned char)frontend[i];
	sc = &s->series_cache[slot % HZ_SERIES_CACHE];
	/* the same series, bucket and frontend as a recent call: no key, no hash.
	 * The counter pointer holds while the map gains no key. */
	if (sc->name == series && sc->bucket == b && sc->fe_n == fe_n && sc->map_size == hz_countmap_size(s->series)
	    && (fe_n == 0 || memcmp(sc->fe, frontend, fe_n) == 0)) {
		*sc->counter += n;
		return 0;
	}
	sn = strlen(series);
	if (sn > 64)
		sn = 64;
	for (int i = 7; i >= 0; i--)
		key[k++] = (char)(u >> (i * 8));
	memcpy(key + k, frontend, fe_n);
	k += fe_n;
	key[k++] = 0;
	memcpy(key + k, series, sn);
	k += sn;
	c = hz_countmap_get(s->series, key, k);
	if (!c)
		return HZ_ENOMEM;
	*c += n;
	if (fe_n <= sizeof(sc->fe)) {
		sc->name = series;
		sc->bucket = b;
		sc->fe_n = fe_n;
		memcpy(sc->fe, frontend, fe_n);
		sc->counter = c;
		sc->map_size = hz_countmap_size(s->series);
	}
	return 0;
}

static void shift_hits(struct hz_rule_hits *h, uint64_t base)
{
	for (size_t k = 0; k < h->nexamples; k++)
		h->examples[k].line += base;
}

void hz_summary_shift_lines(struct hz_summary *s, uint64_t base)
{
	for (size_t i = 0; i < s->nsamples; i++)
		s->samples[i].line += base;
	for (int r = 0; r < HZ_RULE_BUILTIN_COUNT; r++)
		shift_hits(&s->hits[r], base);
	for (size_t k = 0; k < s->nuser; k++)
		shift_hits(&s->user[k].hits, base);
	for (size_t i = 0; i < s->nfiles; i++)
		if (s->files[i].error_line)
			s->files[i].error_line += base;
}

/* The tables keyed by log content, with the column that says which keys
 * are the heaviest. */
#define CAPPED(s, X) \
	X((s)->frontends, HZ_FE_REQUESTS) X((s)->status, 0) X((s)->termination, 0) \
	X((s)->servers, HZ_SRV_REQUESTS) X((s)->connerr_messages, 0) X((s)->connerr_frontends, 0) \
	X((s)->urls, HZ_URL_REQUESTS) X((s)->clients, HZ_CLI_REQUESTS) X((s)->captures, 0) X((s)->subjects, 0) X((s)->issuers, 0) X((s)->tls.verify, 0) \
	X((s)->tls.cert_errors, 0) X((s)->tls.ca_errors, 0)

const char *const hz_timer_names[HZ_TIMER_COUNT] = { "TR", "Tw", "Tc", "Tr", "Ta", "Tt" };

int hz_summary_timer(struct hz_summary *s, int t, uint64_t v)
{
	if (!s->timers[t] && !(s->timers[t] = calloc(1, sizeof(struct hz_sketch))))
		return HZ_ENOMEM;
	hz_sketch_add(s->timers[t], v);
	return 0;
}

void hz_summary_set_max_keys(struct hz_summary *s, size_t max_keys)
{
#define SET_CAP(m, col) hz_countmap_set_cap(m, max_keys, col);
	s->max_keys = max_keys;
	CAPPED(s, SET_CAP)
	for (int r = 0; r < HZ_RULE_BUILTIN_COUNT; r++)
		hz_countmap_set_cap(s->hits[r].groups, max_keys, 0);
	for (size_t k = 0; k < s->nuser; k++)
		hz_countmap_set_cap(s->user[k].hits.groups, max_keys, 0);
#undef SET_CAP
}

uint64_t hz_summary_folded(const struct hz_summary *s)
{
	uint64_t n = 0;
#define ADD_FOLDED(m, col) n += hz_countmap_folded(m);
	CAPPED(s, ADD_FOLDED)
#undef ADD_FOLDED
	for (int r = 0; r < HZ_RULE_BUILTIN_COUNT; r++)
		n += hz_countmap_folded(s->hits[r].groups);
	for (size_t k = 0; k < s->nuser; k++)
		n += hz_countmap_folded(s->user[k].hits.groups);
	return n;
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

/* hz_countmap_merge, or its _take form when the source may be emptied
 * (xt: the same map as x, writable) */
static int merge_map(struct hz_countmap *d, const struct hz_countmap *x, struct hz_countmap *xt)
{
	return xt ? hz_countmap_merge_take(d, xt) : hz_countmap_merge(d, x);
}

static int merge_hits(struct hz_rule_hits *d, const struct hz_rule_hits *x, struct hz_rule_hits *xt)
{
	int rc;

	d->count += x->count;
	if (x->first_ms < d->first_ms)
		d->first_ms = x->first_ms;
	if (x->last_ms > d->last_ms)
		d->last_ms = x->last_ms;
	rc = merge_map(d->groups, x->groups, xt ? xt->groups : NULL);
	for (size_t k = 0; k < x->nexamples && !rc; k++)
		rc = add_example(d, x->examples[k].file, x->examples[k].line);
	return rc;
}

/* own: src itself, writable, when its maps may be taken; NULL else */
static int merge(struct hz_summary *dst, const struct hz_summary *src, struct hz_summary *own)
{
	int rc = 0;

	if (dst->bucket_ms != src->bucket_ms)
		return HZ_EINVAL;   /* series of different bucket widths do not add up */
	/* an empty summary (merge's own) takes the cap of the first one merged */
	if (dst->nfiles == 0 && dst->lines == 0 && dst->max_keys != src->max_keys)
		hz_summary_set_max_keys(dst, src->max_keys);

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
	if (!rc) rc = merge_map(dst->unparsed_reasons, src->unparsed_reasons, own ? own->unparsed_reasons : NULL);
	if (!rc) rc = merge_map(dst->frontends, src->frontends, own ? own->frontends : NULL);
	if (!rc) rc = merge_map(dst->status, src->status, own ? own->status : NULL);
	if (!rc) rc = merge_map(dst->termination, src->termination, own ? own->termination : NULL);
	if (!rc) rc = merge_map(dst->servers, src->servers, own ? own->servers : NULL);
	if (!rc) rc = merge_map(dst->connerr_messages, src->connerr_messages, own ? own->connerr_messages : NULL);
	if (!rc) rc = merge_map(dst->connerr_frontends, src->connerr_frontends, own ? own->connerr_frontends : NULL);
	if (!rc) rc = merge_map(dst->message_kinds, src->message_kinds, own ? own->message_kinds : NULL);
	if (!rc) rc = merge_map(dst->urls, src->urls, own ? own->urls : NULL);
	if (!rc) rc = merge_map(dst->clients, src->clients, own ? own->clients : NULL);
	if (!rc) rc = merge_map(dst->captures, src->captures, own ? own->captures : NULL);
	if (!rc) rc = merge_map(dst->subjects, src->subjects, own ? own->subjects : NULL);
	if (!rc) rc = merge_map(dst->issuers, src->issuers, own ? own->issuers : NULL);
	dst->tables |= src->tables;
	for (int t = 0; t < HZ_TIMER_COUNT && !rc; t++) {
		if (!src->timers[t])
			continue;
		if (!dst->timers[t] && !(dst->timers[t] = calloc(1, sizeof(struct hz_sketch))))
			return HZ_ENOMEM;
		hz_sketch_merge(dst->timers[t], src->timers[t]);
	}
	dst->folded_loaded += src->folded_loaded;   /* the maps add their own */
	if (!rc) rc = merge_map(dst->tls.verify, src->tls.verify, own ? own->tls.verify : NULL);
	if (!rc) rc = merge_map(dst->tls.cert_errors, src->tls.cert_errors, own ? own->tls.cert_errors : NULL);
	if (!rc) rc = merge_map(dst->tls.ca_errors, src->tls.ca_errors, own ? own->tls.ca_errors : NULL);
	if (!rc) rc = merge_map(dst->tls.untraced_reasons, src->tls.untraced_reasons, own ? own->tls.untraced_reasons : NULL);
	if (!rc) rc = merge_map(dst->series, src->series, own ? own->series : NULL);
	dst->tls.lines += src->tls.lines;
	dst->tls.full_with_cert += src->tls.full_with_cert;
	dst->tls.full_without_cert += src->tls.full_without_cert;
	dst->tls.resumed_without_cert += src->tls.resumed_without_cert;
	dst->tls.resumed_identity_known += src->tls.resumed_identity_known;
	dst->tls.resumed_anonymous += src->tls.resumed_anonymous;
	dst->tls.resumed_with_cert += src->tls.resumed_with_cert;
	dst->tls.inferred_resumed += src->tls.inferred_resumed;
	dst->tls.resumed_traced += src->tls.resumed_traced;
	dst->tls.resumed_untraced += src->tls.resumed_untraced;
	for (int r = 0; r < HZ_RULE_BUILTIN_COUNT && !rc; r++)
		rc = merge_hits(&dst->hits[r], &src->hits[r], own ? &own->hits[r] : NULL);
	for (size_t k = 0; k < src->nuser && !rc; k++) {
		const struct hz_user_rule *u = &src->user[k];
		long d = hz_summary_user_rule(dst, u->name, u->severity, u->explain, u->advice, u->group_by);
		if (d < 0)
			return HZ_ENOMEM;
		dst->user[d].limit_errors += u->limit_errors;
		rc = merge_hits(&dst->user[d].hits, &u->hits, own ? &own->user[k].hits : NULL);
	}
	if (!rc)
		rc = hz_summary_add_lint(dst, src->lint, src->nlint);
	dst->partial |= src->partial;
	if (own)   /* its cached series counters may now be dst's */
		memset(own->series_cache, 0, sizeof(own->series_cache));
	return rc;
}

int hz_summary_merge(struct hz_summary *dst, const struct hz_summary *src)
{
	return merge(dst, src, NULL);
}

int hz_summary_merge_take(struct hz_summary *dst, struct hz_summary *src)
{
	return merge(dst, src, src);
}

void hz_format_ms(char *buf, size_t cap, int64_t ms)
{
	int64_t days = ms / 86400000 - (ms % 86400000 < 0), rem = ms - days * 86400000;
	/* civil from days (Howard Hinnant's algorithm) */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;

	snprintf(buf, cap, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lld", (long long)(y + (m <= 2)),
		 (long long)m, (long long)d, (long long)(rem / 3600000), (long long)(rem / 60000 % 60),
		 (long long)(rem / 1000 % 60), (long long)(rem % 1000));
}

static int same_lint(const struct hz_lint_finding *a, const struct hz_lint_finding *b)
{
	return a->line == b->line && strcmp(a->id, b->id) == 0 && strcmp(a->file, b->file) == 0
	       && strcmp(a->message, b->message) == 0;
}

int hz_summary_add_lint(struct hz_summary *s, const struct hz_lint_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct hz_lint_finding *d;
		int dup = 0;

		for (size_t k = 0; k < s->nlint && !dup; k++)
			dup = same_lint(&s->lint[k], &f[i]);
		if (dup)
			continue;
		d = realloc(s->lint, (s->nlint + 1) * sizeof(*d));
		if (!d)
			return HZ_ENOMEM;
		s->lint = d;
		d = &s->lint[s->nlint];
		*d = f[i];
		d->file = strdup(f[i].file);
		d->proxy = f[i].proxy ? strdup(f[i].proxy) : NULL;
		d->message = strdup(f[i].message);
		d->fix = f[i].fix ? strdup(f[i].fix) : NULL;
		if (!d->file || !d->message || (f[i].proxy && !d->proxy) || (f[i].fix && !d->fix)) {
			free(d->file);
			free(d->proxy);
			free(d->message);
			free(d->fix);
			return HZ_ENOMEM;
		}
		s->nlint++;
	}
	return 0;
}
