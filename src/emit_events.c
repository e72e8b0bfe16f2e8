/* NDJSON events: each traffic line as one JSON object with typed fields. */
#include "halyze/events.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/fields.h"
#include "halyze/sanitize.h"
#include "errfmt.h"

#define MAX_NAMES 64
#define MAX_FORMATS 64

/* Which fields of one format are written, and under which keys. */
struct plan {
	const struct hz_format *f;
	size_t n;
	int idx[HZ_MATCH_MAX_FIELDS];
	const char *key[HZ_MATCH_MAX_FIELDS];
	size_t keylen[HZ_MATCH_MAX_FIELDS];
	int split_request;       /* add method/path/query/http_version from %r */
};

struct hz_events {
	FILE *out;
	char *names_buf;
	const char *names[MAX_NAMES];
	size_t nnames;           /* 0: every field */
	struct plan plans[MAX_FORMATS];
	size_t nplans;
	char *buf;               /* one line of output */
	size_t cap, len;
	int oom;
};

int hz_events_new(struct hz_events **out_ev, FILE *out, const char *fields, struct hz_err *err)
{
	struct hz_events *ev = calloc(1, sizeof(*ev));

	*out_ev = NULL;
	if (!ev)
		return hz_err_set(err, HZ_ENOMEM, "", "out of memory");
	ev->out = out;
	ev->cap = 4096;
	ev->buf = malloc(ev->cap);
	if (!ev->buf) {
		hz_events_free(ev);
		return hz_err_set(err, HZ_ENOMEM, "", "out of memory");
	}
	if (fields) {
		char *p, *tok;
		ev->names_buf = strdup(fields);
		if (!ev->names_buf) {
			hz_events_free(ev);
			return hz_err_set(err, HZ_ENOMEM, "", "out of memory");
		}
		/* names split on commas; a [bracketed] sample keeps its own commas */
		for (p = ev->names_buf; *p;) {
			if (*p == ',' || *p == ' ') {
				p++;
				continue;
			}
			if (*p == '%' && p[1] == '[')
				p++;
			if (*p == '[') {
				char *end = strchr(p, ']');
				if (!end) {
					hz_events_free(ev);
					return hz_err_set(err, HZ_EINVAL, "", "--fields: '[' without ']'");
				}
				tok = p + 1;
				*end = 0;
				p = end + 1;
			} else {
				tok = p;
				p += strcspn(p, ", ");
				if (*p)
					*p++ = 0;
			}
			if (ev->nnames == MAX_NAMES) {
				hz_events_free(ev);
				return hz_err_set(err, HZ_EINVAL, "", "--fields: more than %d names", MAX_NAMES);
			}
			ev->names[ev->nnames++] = tok;
		}
		if (ev->nnames == 0) {
			hz_events_free(ev);
			return hz_err_set(err, HZ_EINVAL, "", "--fields: no field names");
		}
	}
	*out_ev = ev;
	return 0;
}

void hz_events_free(struct hz_events *ev)
{
	if (!ev)
		return;
	free(ev->names_buf);
	free(ev->buf);
	free(ev);
}

static const char *key_of(const struct hz_field_info *fi)
{
	if (fi->alias == HZ_A_SAMPLE)
		return NULL;
	return fi->long_name ? fi->long_name : fi->alias_name;
}

static int seen_key(const struct plan *p, const char *k, size_t kn)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->keylen[i] == kn && memcmp(p->key[i], k, kn) == 0)
			return 1;
	return 0;
}

static void plan_add(struct plan *p, const struct hz_format *f, int i, const char *given)
{
	const struct hz_field_info *fi = hz_format_field(f, (size_t)i);
	const char *k = given ? given : key_of(fi);
	size_t kn = k ? strlen(k) : fi->expr.n;

	if (!k)
		k = fi->expr.p;
	if (seen_key(p, k, kn) || p->n == HZ_MATCH_MAX_FIELDS)
		return;
	p->idx[p->n] = i;
	p->key[p->n] = k;
	p->keylen[p->n] = kn;
	p->n++;
	if (fi->alias == HZ_A_r && !given)
		p->split_request = 1;
}

static struct plan *plan_for(struct hz_events *ev, const struct hz_format *f)
{
	struct plan *p;

	for (size_t i = 0; i < ev->nplans; i++)
		if (ev->plans[i].f == f)
			return &ev->plans[i];
	if (ev->nplans == MAX_FORMATS)
		return NULL;
	p = &ev->plans[ev->nplans++];
	memset(p, 0, sizeof(*p));
	p->f = f;
	if (ev->nnames == 0) {
		for (size_t i = 0; i < hz_format_nfields(f); i++)
			plan_add(p, f, (int)i, NULL);
		/* the split of %r only where the format has no %HM/%HP/... */
		for (size_t i = 0; i < p->n && p->split_request; i++)
			if (seen_key(p, "method", 6) || seen_key(p, "path", 4))
				p->split_request = 0;
	} else {
		for (size_t k = 0; k < ev->nnames; k++) {
			int i = hz_format_find(f, ev->names[k]);
			if (i >= 0)
				plan_add(p, f, i, ev->names[k]);
		}
	}
	return p;
}

static int reserve(struct hz_events *ev, size_t more)
{
	if (ev->len + more <= ev->cap)
		return 0;
	size_t ncap = ev->cap;
	while (ncap < ev->len + more)
		ncap *= 2;
	char *nb = realloc(ev->buf, ncap);
	if (!nb) {
		ev->oom = 1;
		return -1;
	}
	ev->buf = nb;
	ev->cap = ncap;
	return 0;
}

static void put(struct hz_events *ev, const char *s, size_t n)
{
	if (reserve(ev, n))
		return;
	memcpy(ev->buf + ev->len, s, n);
	ev->len += n;
}

static void put_str(struct hz_events *ev, const char *s, size_t n)
{
	size_t need = hz_json_escape(NULL, 0, s, n);

	put(ev, "\"", 1);
	if (reserve(ev, need + 1))
		return;
	hz_json_escape(ev->buf + ev->len, need + 1, s, n);
	ev->len += need;
	put(ev, "\"", 1);
}

static void put_key(struct hz_events *ev, const char *k, size_t n)
{
	put(ev, ",", 1);
	put_str(ev, k, n);
	put(ev, ":", 1);
}

static void put_int(struct hz_events *ev, int64_t v)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%" PRId64, v);
	put(ev, b, (size_t)n);
}

static void put_value(struct hz_events *ev, const struct hz_field_info *fi, const struct hz_match *m, int i)
{
	struct hz_str v = m->v[i];
	int64_t x;

	if (m->empty[i]) {
		put(ev, "null", 4);
		return;
	}
	switch (fi->type) {
	case HZ_FT_INT:
	case HZ_FT_TIMER:
		if (hz_field_number(fi, v, &x) == 0) {
			put_int(ev, x);
			return;
		}
		break;
	case HZ_FT_PORT: {
		unsigned port;
		if (hz_field_port(v, (fi->flags & HZ_FLAG_X) != 0, &port) == 0) {
			put_int(ev, port);
			return;
		}
		break;
	}
	case HZ_FT_IP:
		if (fi->flags & HZ_FLAG_X) {
			struct hz_ip ip;
			char b[64];
			int n;
			if (hz_field_ip(v, &ip) == 0 && (n = hz_ip_format(&ip, b, sizeof(b))) > 0) {
				put_str(ev, b, (size_t)n);
				return;
			}
		}
		break;
	default:
		break;
	}
	put_str(ev, v.p, v.n);
}

int hz_events_write(struct hz_events *ev, const struct hz_format *f, const char *format_name,
		    const struct hz_match *m, const char *path, uint64_t line)
{
	struct plan *p = plan_for(ev, f);
	char b[64];
	int n;

	if (!p)
		return 0;
	ev->len = 0;
	put(ev, "{\"file\":", 8);
	put_str(ev, path, strlen(path));
	n = snprintf(b, sizeof(b), ",\"line\":%" PRIu64 ",\"format\":", line);
	put(ev, b, (size_t)n);
	put_str(ev, format_name, strlen(format_name));
	for (size_t k = 0; k < p->n; k++) {
		int i = p->idx[k];
		const struct hz_field_info *fi = hz_format_field(f, (size_t)i);
		put_key(ev, p->key[k], p->keylen[k]);
		put_value(ev, fi, m, i);
		if (fi->type == HZ_FT_FRONTEND) {
			put_key(ev, "frontend_tls", 12);
			if (m->mark[i] & HZ_MARK_TILDE)
				put(ev, "true", 4);
			else
				put(ev, "false", 5);
		}
		if (p->split_request && fi->alias == HZ_A_r && !m->empty[i]) {
			struct hz_request rq;
			if (hz_field_request(m->v[i], &rq) == 0 && !rq.bad) {
				put_key(ev, "method", 6);
				put_str(ev, rq.method.p, rq.method.n);
				put_key(ev, "path", 4);
				put_str(ev, rq.path.p, rq.path.n);
				put_key(ev, "query", 5);
				put_str(ev, rq.query.p, rq.query.n);
				put_key(ev, "http_version", 12);
				put_str(ev, rq.version.p, rq.version.n);
			}
		}
	}
	put(ev, "}\n", 2);
	if (ev->oom)
		return HZ_ENOMEM;
	if (fwrite(ev->buf, 1, ev->len, ev->out) != ev->len)
		return HZ_EWRITE;
	return 0;
}

int hz_events_fields_known(const struct hz_events *ev, const struct hz_format *const *fmts, size_t n,
			   const char **unknown)
{
	for (size_t k = 0; k < ev->nnames; k++) {
		int found = 0;
		for (size_t i = 0; i < n && !found; i++)
			found = hz_format_find(fmts[i], ev->names[k]) >= 0;
		if (!found) {
			*unknown = ev->names[k];
			return 0;
		}
	}
	return 1;
}
