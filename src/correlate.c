/* Dense time series from the summary, and the correlation of rule hits with load. */
#include "halyze/correlate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const hz_series_status[HZ_STATUS_CLASSES] = {
	"status:1xx", "status:2xx", "status:3xx", "status:4xx", "status:5xx", "status:other"
};

/* HAProxy's first termination-state characters, in its documentation's
 * order (hz_series_term's), each as 1 + its index. */
const unsigned char hz_series_term_of[256] = {
	['-'] = 1, ['C'] = 2, ['S'] = 3, ['P'] = 4, ['L'] = 5, ['R'] = 6, ['I'] = 7, ['D'] = 8, ['U'] = 9, ['K'] = 10,
	['c'] = 11, ['s'] = 12
};
const char *const hz_series_term[HZ_TERM_CAUSES] = {
	"term:-", "term:C", "term:S", "term:P", "term:L", "term:R", "term:I", "term:D", "term:U", "term:K",
	"term:c", "term:s", "term:?"
};

const char *hz_series_breakdown(const char *name)
{
	if (strcmp(name, HZ_SERIES_FULL_CERT) == 0)
		return HZ_SERIES_FULL_CERT;
	for (int k = 0; k < HZ_STATUS_CLASSES; k++)
		if (strcmp(name, hz_series_status[k]) == 0)
			return hz_series_status[k];
	for (int k = 0; k < HZ_TERM_CAUSES; k++)
		if (strcmp(name, hz_series_term[k]) == 0)
			return hz_series_term[k];
	return NULL;
}

static int64_t bucket_of(const char *key)
{
	uint64_t u = 0;
	for (int i = 0; i < 8; i++)
		u = (u << 8) | (unsigned char)key[i];
	return (int64_t)(u ^ 0x8000000000000000ull);
}

static struct hz_series *get(struct hz_series_set *set, const char *fe, size_t fe_n, const char *name,
			     size_t name_n)
{
	for (size_t i = 0; i < set->nv; i++) {
		struct hz_series *x = &set->v[i];
		if (x->frontend_n == fe_n && memcmp(x->frontend, fe, fe_n) == 0 && strlen(x->name) == name_n
		    && memcmp(x->name, name, name_n) == 0)
			return x;
	}
	struct hz_series *nv = realloc(set->v, (set->nv + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	set->v = nv;
	struct hz_series *x = &set->v[set->nv];
	x->frontend = malloc(fe_n + 1);
	x->name = malloc(name_n + 1);
	x->counts = calloc(set->n ? set->n : 1, sizeof(uint64_t));
	if (!x->frontend || !x->name || !x->counts) {
		free(x->frontend);
		free(x->name);
		free(x->counts);
		return NULL;
	}
	memcpy(x->frontend, fe, fe_n);
	x->frontend[fe_n] = 0;
	x->frontend_n = fe_n;
	memcpy(x->name, name, name_n);
	x->name[name_n] = 0;
	set->nv++;
	return x;
}

int hz_series_build(const struct hz_summary *s, size_t max_buckets, struct hz_series_set *out)
{
	struct hz_countmap_entry *e = hz_countmap_sorted_by_key(s->series);
	size_t n = hz_countmap_size(s->series);
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	memset(out, 0, sizeof(*out));
	out->bucket_ms = s->bucket_ms;
	if (!e)
		return HZ_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int64_t b = bucket_of(e[i].key);
		if (b < lo)
			lo = b;
		if (b > hi)
			hi = b;
	}
	if (n == 0) {
		free(e);
		return 0;
	}
	if ((uint64_t)(hi - lo) >= (max_buckets ? max_buckets : 100000)) {
		free(e);
		return HZ_ELIMIT;
	}
	out->first = lo;
	out->n = (size_t)(hi - lo) + 1;
	for (size_t i = 0; i < n; i++) {
		/* bucket, frontend, NUL, name: the frontend is a log's bytes and
		 * may hold NUL bytes, a series name never does */
		const char *fe = e[i].key + 8;
		size_t end = e[i].n;
		while (end > 8 && e[i].key[end - 1])
			end--;   /* end - 1: the last NUL */
		size_t fe_n = end > 8 ? end - 1 - 8 : e[i].n - 8;
		const char *name = end > 8 ? e[i].key + end : fe + fe_n;
		size_t name_n = end > 8 ? e[i].n - end : 0;
		size_t b = (size_t)(bucket_of(e[i].key) - lo);
		/* get() may move the array: look the two up, then use them */
		struct hz_series *x = get(out, fe, fe_n, name, name_n);
		size_t xi = x ? (size_t)(x - out->v) : 0;
		struct hz_series *all = x ? get(out, "", 0, name, name_n) : NULL;
		if (!x || !all) {
			free(e);
			hz_series_release(out);
			return HZ_ENOMEM;
		}
		out->v[xi].counts[b] += e[i].vals[0];
		if (fe_n)
			all->counts[b] += e[i].vals[0];
	}
	free(e);
	return 0;
}

void hz_series_release(struct hz_series_set *set)
{
	for (size_t i = 0; i < set->nv; i++) {
		free(set->v[i].frontend);
		free(set->v[i].name);
		free(set->v[i].counts);
	}
	free(set->v);
	memset(set, 0, sizeof(*set));
}

const struct hz_series *hz_series_find(const struct hz_series_set *set, const char *frontend, const char *name)
{
	size_t fe_n = strlen(frontend);

	for (size_t i = 0; i < set->nv; i++)
		if (set->v[i].frontend_n == fe_n && memcmp(set->v[i].frontend, frontend, fe_n) == 0
		    && strcmp(set->v[i].name, name) == 0)
			return &set->v[i];
	return NULL;
}

double hz_pearson(const uint64_t *x, const uint64_t *y, size_t n)
{
	double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;

	if (n < 3)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		mx += (double)x[i];
		my += (double)y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double dx = (double)x[i] - mx, dy = (double)y[i] - my;
		sxx += dx * dx;
		syy += dy * dy;
		sxy += dx * dy;
	}
	if (sxx <= 0 || syy <= 0)
		return NAN;
	return sxy / sqrt(sxx * syy);
}

static const struct hz_summary *rank_s;

void hz_finding_view(const struct hz_summary *s, const struct hz_finding *f, struct hz_finding_view *v)
{
	if (f->user) {
		const struct hz_user_rule *u = &s->user[f->index];
		v->name = u->name;
		v->title = u->title ? u->title : u->explain;
		v->explain = u->explain;
		v->advice = u->advice;
		v->group_by = u->group_by;
		v->severity = u->severity;
		v->hits = &u->hits;
	} else {
		const struct hz_rule_def *d = hz_rule_def((enum hz_rule_id)f->index);
		v->name = d->name;
		v->title = d->title;
		v->explain = d->explain;
		v->advice = d->advice;
		v->group_by = d->group_by;
		v->severity = d->severity;
		v->hits = &s->hits[f->index];
	}
}

static int by_severity(const void *pa, const void *pb)
{
	const struct hz_finding *a = pa, *b = pb;
	struct hz_finding_view va, vb;

	hz_finding_view(rank_s, a, &va);
	hz_finding_view(rank_s, b, &vb);
	/* most severe first; within a severity the catalogue's order, which puts
	 * the incident halyze exists for (resumed sessions without a certificate)
	 * first, then user rules in file order */
	if (va.severity != vb.severity)
		return va.severity > vb.severity ? -1 : 1;
	if (a->user != b->user)
		return a->user ? 1 : -1;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return 0;
}

static void correlate_one(const struct hz_series_set *set, const struct hz_series *req, const char *name,
			  struct hz_finding *f)
{
	const struct hz_series *h;
	size_t active = 0;

	f->r = NAN;
	f->buckets = 0;
	if (!req)
		return;
	h = hz_series_find(set, "", name);
	for (size_t k = 0; k < set->n; k++)
		active += req->counts[k] > 0;
	/* a handful of points makes any r look strong: say nothing */
	if (h && set->n >= HZ_CORRELATION_MIN_BUCKETS && active >= 3) {
		f->r = hz_pearson(req->counts, h->counts, set->n);
		f->buckets = set->n;
	}
}

size_t hz_findings_rank(const struct hz_summary *s, const struct hz_series_set *set, struct hz_finding **out)
{
	const struct hz_series *req = set ? hz_series_find(set, "", HZ_SERIES_REQUESTS) : NULL;
	struct hz_finding *v = malloc((HZ_RULE_BUILTIN_COUNT + s->nuser) * sizeof(*v));
	size_t n = 0;

	*out = v;
	if (!v)
		return (size_t)-1;
	for (int r = 0; r < HZ_RULE_BUILTIN_COUNT; r++) {
		if (!s->hits[r].count)
			continue;
		v[n].user = 0;
		v[n].index = (size_t)r;
		correlate_one(set, req, hz_rule_def((enum hz_rule_id)r)->name, &v[n]);
		n++;
	}
	for (size_t k = 0; k < s->nuser; k++) {
		if (!s->user[k].hits.count)
			continue;
		v[n].user = 1;
		v[n].index = k;
		correlate_one(set, req, s->user[k].name, &v[n]);
		n++;
	}
	rank_s = s;   /* qsort has no context argument in C11; emitters run on one thread */
	qsort(v, n, sizeof(*v), by_severity);
	return n;
}

const char *hz_correlation_words(double r)
{
	if (isnan(r))
		return NULL;
	if (r >= 0.7)
		return "rises with load";
	if (r >= 0.4)
		return "partly follows load";
	if (r <= -0.4)
		return "falls as load rises";
	return "does not follow load";
}
