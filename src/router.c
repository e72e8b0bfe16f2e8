/* Routes each traffic line to the format that wrote it and feeds the consumers. */
#include "halyze/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/events.h"
#include "halyze/fields.h"
#include "logformat.h"
#include "halyze/rulelang.h"
#include "diagnose.h"
#include "stats.h"

struct route {
	char *name;
	char *tag;
	char *proxy;
	size_t tagn, proxyn;       /* their lengths: compared on every line */
	char **also;               /* the other proxies that share this route */
	size_t nalso;
	struct hz_format *fmt;
	int error;                 /* an error-log-format */
	int err_str, err_fe;       /* its %[fc_err_str] and frontend fields, or -1 */
	struct hz_stats_binding stats;
	struct hz_diag_binding diag;
	struct hz_rules_binding *rules;  /* user rules bound to this format, or NULL */
};

struct hz_router {
	struct route *r;
	size_t n, cap;
	int borrowed;              /* a fork: r belongs to the parent */
	size_t last;               /* the route that matched last */
	int named;                 /* two routes or more log a frontend and belong to proxies */
	int tags;                  /* some route has a log-tag */
	struct hz_match m;         /* scratch for one line */
	struct hz_events *events;  /* NDJSON sink, or NULL */
	struct hz_diag *diag;      /* session tracer */
	int no_diag;               /* --no-diagnosis */
	const struct hz_ruleset *ruleset;
	size_t *user_index;        /* rule i of the ruleset -> summary user rule */
	const char *path;          /* the line being routed */
	uint64_t lineno;
	char why[320];
};

struct hz_router *hz_router_new(void)
{
	struct hz_router *r = calloc(1, sizeof(struct hz_router));

	if (r && !(r->diag = hz_diag_new(NULL))) {
		free(r);
		return NULL;
	}
	return r;
}

int hz_router_set_diag(struct hz_router *r, const struct hz_diag_opts *o)
{
	struct hz_diag *d = hz_diag_new(o);

	if (!d)
		return HZ_ENOMEM;
	hz_diag_free(r->diag);
	r->diag = d;
	return 0;
}

struct hz_router *hz_router_fork(const struct hz_router *parent)
{
	struct hz_router *r;

	if (parent->events || parent->ruleset)
		return NULL;   /* one sink, and PCRE2 match data: not shared */
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->r = parent->r;
	r->n = parent->n;
	r->borrowed = 1;
	r->named = parent->named;
	r->tags = parent->tags;
	r->no_diag = parent->no_diag;
	r->diag = hz_diag_new(hz_diag_options(parent->diag));
	if (!r->diag) {
		free(r);
		return NULL;
	}
	hz_diag_set_split(r->diag, 1);
	return r;
}

struct hz_diag *hz_router_detach(struct hz_router *fork, int *rc)
{
	struct hz_diag *part = fork->diag, *fresh = hz_diag_new(hz_diag_options(part));

	*rc = fresh ? hz_diag_flush(part) : HZ_ENOMEM;
	if (*rc) {
		hz_diag_free(fresh);
		return NULL;
	}
	hz_diag_set_split(fresh, 1);
	fork->diag = fresh;
	return part;
}

int hz_router_join(struct hz_router *parent, struct hz_diag *part, struct hz_summary *s, int last)
{
	int rc = hz_diag_join(parent->diag, part, s, last);
	hz_diag_free(part);
	return rc;
}

int hz_router_finish(struct hz_router *r, struct hz_summary *s)
{
	(void)s;   /* the diagnosis remembers the summary it counts for */
	return r ? hz_diag_flush(r->diag) : 0;
}

void hz_router_free(struct hz_router *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n && !r->borrowed; i++) {
		free(r->r[i].name);
		free(r->r[i].tag);
		free(r->r[i].proxy);
		for (size_t k = 0; k < r->r[i].nalso; k++)
			free(r->r[i].also[k]);
		free(r->r[i].also);
		hz_format_free(r->r[i].fmt);
		hz_rules_binding_free(r->r[i].rules);
	}
	free(r->user_index);
	if (!r->borrowed)
		free(r->r);
	hz_diag_free(r->diag);
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
	struct hz_stats_binding sb;

	/* Frontends that share a format which logs the frontend share a route:
	 * the line names its own frontend, and a line that fits no format
	 * tries each distinct format once, not once per frontend. */
	hz_stats_bind(f, &sb);
	if (sb.frontend >= 0)
		for (size_t i = 0; i < r->n; i++)
			if (r->r[i].error == error && r->r[i].stats.frontend >= 0
			    && strcmp(hz_format_source(r->r[i].fmt), hz_format_source(f)) == 0) {
				struct route *y = &r->r[i];
				char **na;
				hz_format_free(f);
				if (!proxy || (y->proxy && strcmp(y->proxy, proxy) == 0))
					return 0;
				/* remembered, so that a line naming this proxy
				 * prefers this route to another that also fits */
				if (!(na = realloc(y->also, (y->nalso + 1) * sizeof(*na))))
					return HZ_ENOMEM;
				y->also = na;
				if (!(y->also[y->nalso] = strdup(proxy)))
					return HZ_ENOMEM;
				y->nalso++;
				return 0;
			}

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
	x->tagn = tag ? strlen(tag) : 0;
	x->proxyn = proxy ? strlen(proxy) : 0;
	if (!x->name || (tag && !x->tag) || (proxy && !x->proxy)) {
		free(x->name);
		free(x->tag);
		free(x->proxy);
		hz_format_free(f);
		return HZ_ENOMEM;
	}
	hz_stats_bind(f, &x->stats);
	hz_diag_bind(f, &x->diag);
	x->error = error;
	x->err_str = hz_format_find(f, "fc_err_str");
	x->err_fe = x->stats.frontend;
	r->n++;
	{
		size_t k = 0;
		for (size_t i = 0; i < r->n; i++)
			k += r->r[i].stats.frontend >= 0 && r->r[i].proxy;
		r->named = k > 1;
		r->tags |= x->tag != NULL;
	}
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
static int record_error(struct hz_summary *s, const struct route *x, const struct hz_match *m,
			const char *r_path, uint64_t r_line)
{
	static const char unnamed[] = "(error-log-format without %[fc_err_str])";
	int rc;

	if (x->err_str >= 0 && !m->empty[x->err_str])
		rc = count(s->connerr_messages, m->v[x->err_str].p,
			   m->v[x->err_str].n > 120 ? 120 : m->v[x->err_str].n);
	else
		rc = count(s->connerr_messages, unnamed, sizeof(unnamed) - 1);
	{
		struct hz_str fe = x->err_fe >= 0 && !m->empty[x->err_fe] ? m->v[x->err_fe]
				   : hz_str_make(x->proxy ? x->proxy : "", x->proxyn);
		struct hz_str msg = x->err_str >= 0 && !m->empty[x->err_str] ? m->v[x->err_str]
				    : hz_str_make(unnamed, sizeof(unnamed) - 1);
		char g[512];
		int64_t ms = INT64_MIN;
		size_t n = msg.n > 300 ? 300 : msg.n;

		if (!rc)
			rc = count(s->connerr_frontends, fe.p, fe.n);
		if (x->diag.date >= 0 && !m->empty[x->diag.date] && hz_field_date(m->v[x->diag.date], &ms, NULL))
			ms = INT64_MIN;
		memcpy(g, msg.p, n);
		g[n++] = ' ';
		if (fe.n > sizeof(g) - n)
			fe.n = sizeof(g) - n;
		memcpy(g + n, fe.p, fe.n);
		if (!rc)
			rc = hz_summary_hit(s, HZ_RULE_HANDSHAKE_FAILURE, ms, fe.p, fe.n, g, n + fe.n, r_path, r_line);
	}
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

/* What a user-rule hit needs to know about its line. */
struct hit_ctx {
	struct hz_router *r;
	struct hz_summary *s;
	const struct route *x;
	int64_t ms;
	int have_ms;
};

static int user_hit(void *ud, size_t rule, const char *group, size_t group_n)
{
	struct hit_ctx *c = ud;
	const struct hz_match *m = &c->r->m;
	const struct hz_diag_binding *b = &c->x->diag;
	struct hz_str fe = HZ_STR_NULL;

	if (!c->have_ms) {
		c->have_ms = 1;
		if (b->date < 0 || m->empty[b->date] || hz_field_date(m->v[b->date], &c->ms, NULL))
			c->ms = INT64_MIN;
	}
	if (b->frontend >= 0 && !m->empty[b->frontend])
		fe = m->v[b->frontend];
	else if (c->x->proxy)
		fe = hz_str_make(c->x->proxy, c->x->proxyn);
	return hz_summary_user_hit(c->s, c->r->user_index[rule], c->ms, fe.p, fe.n, group, group_n, c->r->path,
				   c->r->lineno);
}

int hz_router_set_rules(struct hz_router *r, const struct hz_ruleset *rs, struct hz_summary *s,
			char ***missing, size_t *nmissing)
{
	size_t n = hz_rules_count(rs);

	*missing = NULL;
	*nmissing = 0;
	r->ruleset = rs;
	r->user_index = calloc(n ? n : 1, sizeof(*r->user_index));
	if (!r->user_index)
		return HZ_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct hz_rule_info ri;
		long k;
		hz_rules_info(rs, i, &ri);
		k = hz_summary_user_rule(s, ri.name, ri.severity, ri.explain, ri.advice, ri.group_by);
		if (k < 0)
			return HZ_ENOMEM;
		r->user_index[i] = (size_t)k;
	}
	for (size_t i = 0; i < r->n; i++) {
		char **msgs = NULL;
		size_t nm = 0;
		if (r->r[i].error)
			continue;
		if (hz_rules_bind(rs, r->r[i].fmt, &r->r[i].rules, &msgs, &nm))
			return HZ_ENOMEM;
		/* one warning per (rule, proxy), naming every field it misses */
		for (size_t rule = 0; rule < hz_rules_count(rs); rule++) {
			struct hz_rule_info ri;
			char line[1024];
			size_t len;
			int any = 0;

			if (hz_rules_enabled(r->r[i].rules, rule))
				continue;
			hz_rules_info(rs, rule, &ri);
			len = (size_t)snprintf(line, sizeof(line), "rule %s is skipped for %s:", ri.name, r->r[i].name);
			for (size_t k = 0; k < nm && len < sizeof(line); k++) {
				size_t pre = strlen(ri.name) + 7;   /* "rule NAME: " */
				if (strncmp(msgs[k], "rule ", 5) || strncmp(msgs[k] + 5, ri.name, strlen(ri.name))
				    || msgs[k][pre - 2] != ':')
					continue;
				len += (size_t)snprintf(line + len, sizeof(line) - len, "%s %s", any ? ";" : "", msgs[k] + pre);
				any = 1;
			}
			char **nv = realloc(*missing, (*nmissing + 1) * sizeof(*nv));
			if (!nv) {
				hz_rules_free_messages(msgs, nm);
				return HZ_ENOMEM;
			}
			*missing = nv;
			if (!((*missing)[*nmissing] = strdup(line))) {
				hz_rules_free_messages(msgs, nm);
				return HZ_ENOMEM;
			}
			(*nmissing)++;
		}
		hz_rules_free_messages(msgs, nm);
	}
	return 0;
}

static int tagged(const struct route *x, const struct hz_envelope *env)
{
	return x->tag && env->tag.n == x->tagn && x->tagn && memcmp(env->tag.p, x->tag, x->tagn) == 0;
}

/* Whether some route has the line's tag. */
static int tag_owned(const struct hz_router *r, const struct hz_envelope *env)
{
	for (size_t i = 0; i < r->n; i++)
		if (tagged(&r->r[i], env))
			return 1;
	return 0;
}

/* Whether route i, which fits the line (in r->m), takes it. The line's tag
 * decides first; where it does not (no tag, a tag several routes share, or
 * a tag no route has), the proxy the line's frontend field names does: a
 * line naming another route's proxy goes there if that route fits too. */
static int takes(const struct hz_router *r, size_t i, const struct hz_envelope *env)
{
	const struct route *x = &r->r[i];
	struct hz_str fe;

	if (!r->named || x->stats.frontend < 0 || !x->proxy || r->m.empty[x->stats.frontend])
		return 1;
	fe = r->m.v[x->stats.frontend];
	for (size_t j = 0; j < r->n; j++) {
		const struct route *y = &r->r[j];
		int owns;
		if (y->error != x->error)
			continue;
		owns = y->proxy && y->proxyn == fe.n && memcmp(y->proxy, fe.p, fe.n) == 0;
		for (size_t k = 0; k < y->nalso && !owns; k++)
			owns = strlen(y->also[k]) == fe.n && memcmp(y->also[k], fe.p, fe.n) == 0;
		if (owns)
			return j == i || (tagged(x, env) && !tagged(y, env));
	}
	return 1;
}

/* Where route i comes in the order routes are tried in for a line: those
 * with the line's tag first, then the rest, each in the order added. */
static size_t rank(const struct hz_router *r, size_t i, const struct hz_envelope *env)
{
	return (tagged(&r->r[i], env) ? 0 : r->n) + i;
}

/* Records the line route i matched (in r->m). */
static int record(struct hz_router *r, size_t i, struct hz_summary *s)
{
	int rc;

	r->last = i;
	/* an error-log-format also writes mux-level bad requests (reference
	 * 3.8): a status other than 0 makes the line a request, not an
	 * embryonic connection error */
	if (r->r[i].error) {
		int st = r->r[i].stats.status;
		if (st < 0 || r->m.empty[st] || (r->m.v[st].n == 1 && r->m.v[st].p[0] == '0'))
			return record_error(s, &r->r[i], &r->m, r->path, r->lineno);
	}
	rc = hz_stats_record(s, &r->r[i].stats, &r->m, r->r[i].proxy, r->r[i].proxyn);
	if (!rc && !r->no_diag)
		rc = hz_diag_record(r->diag, s, &r->r[i].diag, &r->m, r->r[i].proxy, r->path, r->lineno);
	if (!rc && r->r[i].rules) {
		struct hit_ctx c = { r, s, &r->r[i], INT64_MIN, 0 };
		rc = hz_rules_eval(r->r[i].rules, &r->m, user_hit, &c);
	}
	if (!rc && r->events)
		rc = hz_events_write(r->events, r->r[i].fmt, r->r[i].name, &r->m, r->path, r->lineno);
	return rc < 0 ? rc : 1;
}

/* Matches the line against route i: 1 when it fits. On no match, *col is
 * where that format stopped: only the format that got furthest is asked
 * why, once, if no other fits (the reason costs more than the matching). */
static int fits(struct hz_router *r, size_t i, const struct hz_envelope *env, uint32_t *col)
{
	return hz_format_match_col(r->r[i].fmt, env->msg.p, env->msg.n, &r->m, col) == 0;
}

int hz_router_consume(void *ud, struct hz_summary *s, const struct hz_envelope *env, const char *path,
		      uint64_t lineno, const char **why)
{
	struct hz_router *r = ud;
	struct hz_err best;
	uint32_t col = 0, best_col;
	size_t best_i, first = SIZE_MAX;

	r->path = path;
	r->lineno = lineno;
	if (r->n == 0) {
		*why = "no format matched";
		return 0;
	}
	/* the route of the previous line first; then routes whose tag is the
	 * line's, then the rest. A route that fits but whose line names
	 * another route's proxy is kept only if that route does not fit. */
	if (fits(r, r->last, env, &col)) {
		if ((!r->tags || tagged(&r->r[r->last], env) || !tag_owned(r, env)) && (!r->named || takes(r, r->last, env)))
			return record(r, r->last, s);
		first = r->last;
	}
	best_col = col;
	best_i = r->last;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < r->n; i++) {
			/* pass 0: routes whose tag is the line's; pass 1: the rest */
			if (i == r->last || (pass == 0) != tagged(&r->r[i], env))
				continue;
			if (fits(r, i, env, &col)) {
				if (takes(r, i, env))
					return record(r, i, s);
				/* the first that fits in this order, the previous
				 * line's route included: the same at any -j */
				if (first == SIZE_MAX || rank(r, i, env) < rank(r, first, env))
					first = i;
			} else if (first == SIZE_MAX && (col > best_col || (col == best_col && i < best_i))) {
				/* ties to the first route, whatever the previous
				 * line's: the same reason at any -j and slicing */
				best_col = col;
				best_i = i;
			}
		}
	}
	if (first != SIZE_MAX) {
		/* matched again: r->m holds the last route tried */
		fits(r, first, env, &col);
		return record(r, first, s);
	}
	/* no format fits: the one that got furthest says why */
	best.msg[0] = 0;
	hz_format_match(r->r[best_i].fmt, env->msg.p, env->msg.n, &r->m, &best);
	/* reasons are keys of a table: bounded in length, and cut on purpose */
	if (r->n == 1)
		snprintf(r->why, sizeof(r->why), "%.200s", best.msg[0] ? best.msg : "does not match the format");
	else
		snprintf(r->why, sizeof(r->why), "no format matched (closest: %.64s: %.200s)", r->r[best_i].name,
			 best.msg[0] ? best.msg : "does not match");
	*why = r->why;
	return 0;
}

void hz_router_set_diagnosis(struct hz_router *r, int on)
{
	r->no_diag = !on;
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
