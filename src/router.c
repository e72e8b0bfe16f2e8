/* Routes each traffic line to the format that wrote it and feeds the consumers. */
#include "halyze/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/events.h"
#include "logformat.h"
#include "stats.h"

struct route {
	char *name;
	char *tag;
	char *proxy;
	size_t tagn, proxyn;       /* their lengths, not to strlen them per line */
	struct hz_format *fmt;
	int error;                 /* an error-log-format */
	int err_str, err_fe;       /* its %[fc_err_str] and frontend fields, or -1 */
	struct hz_stats_binding stats;
};

struct hz_router {
	struct route *r;
	size_t n, cap;
	size_t last;               /* the route that matched last */
	struct hz_match m;         /* scratch for one line */
	struct hz_events *events;  /* NDJSON sink, or NULL */
	const char *path;          /* the line being routed */
	uint64_t lineno;
	char why[320];
};

struct hz_router *hz_router_new(void)
{
	return calloc(1, sizeof(struct hz_router));
}

void hz_router_free(struct hz_router *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->r[i].name);
		free(r->r[i].tag);
		free(r->r[i].proxy);
		hz_format_free(r->r[i].fmt);
	}
	free(r->r);
	free(r);
}

size_t hz_router_count(const struct hz_router *r)
{
	return r->n;
}

static int add(struct hz_router *r, const char *name, const char *tag, const char *proxy,
	       struct hz_format *f, int error)
{
	struct route *x;

	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 8;
		struct route *nr = realloc(r->r, ncap * sizeof(*nr));
		if (!nr) {
			hz_format_free(f);
			return HZ_ENOMEM;
		}
		r->r = nr;
		r->cap = ncap;
	}
	x = &r->r[r->n];
	memset(x, 0, sizeof(*x));
	x->fmt = f;
	x->name = strdup(name ? name : "format");
	x->tag = tag ? strdup(tag) : NULL;
	x->proxy = proxy ? strdup(proxy) : NULL;
	if (!x->name || (tag && !x->tag) || (proxy && !x->proxy)) {
		free(x->name);
		free(x->tag);
		free(x->proxy);
		hz_format_free(f);
		return HZ_ENOMEM;
	}
	x->tagn = tag ? strlen(tag) : 0;
	x->proxyn = proxy ? strlen(proxy) : 0;
	hz_stats_bind(f, &x->stats);
	x->error = error;
	x->err_str = hz_format_find(f, "fc_err_str");
	x->err_fe = x->stats.frontend;
	r->n++;
	return 0;
}

int hz_router_add(struct hz_router *r, const char *name, const char *tag, const char *proxy,
		  struct hz_format *f)
{
	return add(r, name, tag, proxy, f, 0);
}

int hz_router_add_error(struct hz_router *r, const char *name, const char *tag, const char *proxy,
			struct hz_format *f)
{
	return add(r, name, tag, proxy, f, 1);
}

static int count(struct hz_countmap *m, const char *p, size_t n)
{
	uint64_t *c = hz_countmap_get(m, p, n);
	if (!c)
		return HZ_ENOMEM;
	(*c)++;
	return 0;
}

/* A line of an error-log-format: a connection error by message and frontend. */
static int record_error(struct hz_summary *s, const struct route *x, const struct hz_match *m)
{
	static const char unnamed[] = "(error-log-format without %[fc_err_str])";
	int rc;

	if (x->err_str >= 0 && !m->empty[x->err_str])
		rc = count(s->connerr_messages, m->v[x->err_str].p,
			   m->v[x->err_str].n > 120 ? 120 : m->v[x->err_str].n);
	else
		rc = count(s->connerr_messages, unnamed, sizeof(unnamed) - 1);
	if (!rc && x->err_fe >= 0)
		rc = count(s->connerr_frontends, m->v[x->err_fe].p, m->v[x->err_fe].n);
	else if (!rc && x->proxy)
		rc = count(s->connerr_frontends, x->proxy, x->proxyn);
	return rc < 0 ? rc : 2;
}

int hz_router_add_defaults(struct hz_router *r, struct hz_err *err)
{
	/* Most common first: the first to match wins on lines that two fit. */
	static const char *const names[] = { "httplog", "httpslog", "tcplog", "httplog-clf",
					     "httplog-legacy" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct hz_format *f;
		int rc = hz_format_predefined(names[i], &f, err);
		if (rc)
			return rc;
		rc = hz_router_add(r, names[i], NULL, NULL, f);
		if (rc)
			return rc;
	}
	return 0;
}

/* Matches the line against route i and records it. On no match, *col is
 * where that format stopped: only the format that got furthest is asked
 * why, once, if no other fits (the reason costs more than the matching). */
static int try_route(struct hz_router *r, size_t i, struct hz_summary *s, const struct hz_envelope *env,
		     uint32_t *col)
{
	int rc = hz_format_match_col(r->r[i].fmt, env->msg.p, env->msg.n, &r->m, col);
	if (rc)
		return 0;
	r->last = i;
	if (r->r[i].error)
		return record_error(s, &r->r[i], &r->m);
	rc = hz_stats_record(s, &r->r[i].stats, &r->m, r->r[i].proxy);
	if (!rc && r->events)
		rc = hz_events_write(r->events, r->r[i].fmt, r->r[i].name, &r->m, r->path, r->lineno);
	return rc < 0 ? rc : 1;
}

int hz_router_consume(void *ud, struct hz_summary *s, const struct hz_envelope *env, const char *path,
		      uint64_t lineno, const char **why)
{
	struct hz_router *r = ud;
	struct hz_err best;
	uint32_t col = 0, best_col;
	size_t best_i = 0;
	int rc;

	r->path = path;
	r->lineno = lineno;
	if (r->n == 0) {
		*why = "no format matched";
		return 0;
	}
	rc = try_route(r, r->last, s, env, &col);
	if (rc)
		return rc;
	best_col = col;
	best_i = r->last;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < r->n; i++) {
			const struct route *x = &r->r[i];
			int tagged = x->tag && env->tag.n && env->tag.n == x->tagn &&
				     memcmp(env->tag.p, x->tag, x->tagn) == 0;
			/* pass 0: routes whose tag is the line's; pass 1: the rest */
			if (i == r->last || (pass == 0) != tagged)
				continue;
			rc = try_route(r, i, s, env, &col);
			if (rc)
				return rc;
			if (col > best_col) {
				best_col = col;
				best_i = i;
			}
		}
	}
	/* no format fits: the one that got furthest says why */
	best.msg[0] = 0;
	hz_format_match(r->r[best_i].fmt, env->msg.p, env->msg.n, &r->m, &best);
	if (r->n == 1)
		snprintf(r->why, sizeof(r->why), "%s", best.msg[0] ? best.msg : "does not match the format");
	else
		snprintf(r->why, sizeof(r->why), "no format matched (closest: %s: %s)", r->r[best_i].name,
			 best.msg[0] ? best.msg : "does not match");
	*why = r->why;
	return 0;
}

void hz_router_set_events(struct hz_router *r, struct hz_events *ev)
{
	r->events = ev;
}

const struct hz_format *hz_router_format(const struct hz_router *r, size_t i, const char **name, int *error)
{
	if (i >= r->n)
		return NULL;
	if (name)
		*name = r->r[i].name;
	if (error)
		*error = r->r[i].error;
	return r->r[i].fmt;
}
