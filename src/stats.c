/* The default traffic consumer: frontends, status codes, termination states, servers. */
#include "stats.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "halyze/fields.h"

static int pick(const struct hz_format *f, const char *a, const char *b)
{
	int i = hz_format_find(f, a);
	return i >= 0 || !b ? i : hz_format_find(f, b);
}

void hz_stats_bind(const struct hz_format *f, struct hz_stats_binding *b)
{
	b->frontend = pick(f, "ft", "f");
	b->backend = pick(f, "b", NULL);
	b->server = pick(f, "s", NULL);
	b->status = pick(f, "ST", NULL);
	b->term = pick(f, "tsc", "ts");
	b->request = pick(f, "r", NULL);
	b->client = pick(f, "ci", NULL);
	b->bytes = pick(f, "B", NULL);
	b->time = pick(f, "Ta", "Tt");
	b->hr = pick(f, "hr", NULL);
	b->hs = pick(f, "hs", NULL);
	b->timer[HZ_TIMER_TR] = pick(f, "TR", "Tq");
	b->timer[HZ_TIMER_Tw] = pick(f, "Tw", NULL);
	b->timer[HZ_TIMER_Tc] = pick(f, "Tc", NULL);
	b->timer[HZ_TIMER_Tr] = pick(f, "Tr", NULL);
	b->timer[HZ_TIMER_Ta] = pick(f, "Ta", NULL);
	b->timer[HZ_TIMER_Tt] = pick(f, "Tt", NULL);
}

/* A number field of the line, 0 when absent, "-" or negative (-1 timers). */
static uint64_t num(const struct hz_match *m, int i)
{
	int64_t v;

	if (i < 0 || m->empty[i] || hz_field_int(m->v[i], &v) || v < 0)
		return 0;
	return (uint64_t)v;
}

/* --tables servers: status class, errors, connect and response times. */
static void server_details(uint64_t *c, const struct hz_stats_binding *b, const struct hz_match *m)
{
	struct hz_str st = b->status >= 0 && !m->empty[b->status] ? m->v[b->status] : HZ_STR_NULL;
	int64_t v;
	int k = HZ_SRV_OTHER;

	if (st.n == 3 && st.p[0] >= '1' && st.p[0] <= '5')
		k = HZ_SRV_1XX + (st.p[0] - '1');
	c[k]++;
	c[HZ_SRV_ERRORS] += (uint64_t)(k == HZ_SRV_5XX || !st.p || (st.n == 2 && st.p[0] == '-'));
	if (b->timer[HZ_TIMER_Tc] >= 0 && !m->empty[b->timer[HZ_TIMER_Tc]]
	    && hz_field_int(m->v[b->timer[HZ_TIMER_Tc]], &v) == 0 && v >= 0) {
		c[HZ_SRV_TC_MS] += (uint64_t)v;
		c[HZ_SRV_TC_N]++;
	}
	if (b->timer[HZ_TIMER_Tr] >= 0 && !m->empty[b->timer[HZ_TIMER_Tr]]
	    && hz_field_int(m->v[b->timer[HZ_TIMER_Tr]], &v) == 0 && v >= 0) {
		c[HZ_SRV_TR_MS] += (uint64_t)v;
		c[HZ_SRV_TR_N]++;
	}
}

/* --tables headers: each slot's value of %hr and %hs, as "hrN value". */
static int captures(struct hz_summary *s, int i, const char *kind, const struct hz_match *m)
{
	char key[600];
	size_t n;

	if (i < 0 || m->empty[i])
		return 0;
	n = hz_field_capture_count(m->v[i]);
	for (size_t k = 0; k < n && k < 64; k++) {
		struct hz_str v;
		int pre;
		uint64_t *c;
		if (hz_field_capture(m->v[i], k, &v))
			continue;
		/* "hr" + the slot (at most 63) + a space: no snprintf per slot */
		key[0] = kind[0];
		key[1] = kind[1];
		pre = 2;
		if (k >= 10)
			key[pre++] = (char)('0' + k / 10);
		key[pre++] = (char)('0' + k % 10);
		key[pre++] = ' ';
		if (v.n > sizeof(key) - (size_t)pre)
			v.n = sizeof(key) - (size_t)pre;   /* long values are cut: a key, not a copy */
		memcpy(key + pre, v.p, v.n);
		if (!(c = hz_countmap_get(s->captures, key, (size_t)pre + v.n)))
			return HZ_ENOMEM;
		(*c)++;
	}
	return 0;
}

/* The URL and client tables (--tables), when asked for. */
static int tables(struct hz_summary *s, const struct hz_stats_binding *b, const struct hz_match *m)
{
	struct hz_str st = b->status >= 0 ? m->v[b->status] : HZ_STR_NULL;
	int err = b->status >= 0 && (m->empty[b->status] || (st.n == 3 && st.p[0] == '5') || (st.n == 2 && st.p[0] == '-'));
	uint64_t bytes = num(m, b->bytes);

	if ((s->tables & HZ_TABLE_URLS) && b->request >= 0) {
		struct hz_request rq;
		struct hz_str key;
		uint64_t *c;
		if (m->empty[b->request])
			key = hz_str_make("-", 1);
		else if (hz_field_request(m->v[b->request], &rq) != 0 || rq.bad || !rq.path.p)
			key = m->v[b->request];   /* <BADREQ>, or no URI: the line's words */
		else
			key = (s->tables & HZ_TABLE_QUERY) ? rq.uri : rq.path;
		if (!(c = hz_countmap_get(s->urls, key.p, key.n)))
			return HZ_ENOMEM;
		c[HZ_URL_REQUESTS]++;
		c[HZ_URL_ERRORS] += (uint64_t)err;
		c[HZ_URL_TIME_MS] += num(m, b->time);
		c[HZ_URL_BYTES] += bytes;
	}
	if ((s->tables & HZ_TABLE_HEADERS) && (captures(s, b->hr, "hr", m) || captures(s, b->hs, "hs", m)))
		return HZ_ENOMEM;
	if (s->tables & HZ_TABLE_TIMERS)
		for (int t = 0; t < HZ_TIMER_COUNT; t++) {
			int64_t v;
			int i = b->timer[t];
			/* -1: the step never happened (aborted); not a duration */
			if (i >= 0 && !m->empty[i] && hz_field_int(m->v[i], &v) == 0 && v >= 0
			    && hz_summary_timer(s, t, (uint64_t)v))
				return HZ_ENOMEM;
		}
	if ((s->tables & HZ_TABLE_CLIENTS) && b->client >= 0 && !m->empty[b->client]) {
		uint64_t *c = hz_countmap_get(s->clients, m->v[b->client].p, m->v[b->client].n);
		if (!c)
			return HZ_ENOMEM;
		c[HZ_CLI_REQUESTS]++;
		c[HZ_CLI_ERRORS] += (uint64_t)err;
		c[HZ_CLI_BYTES] += bytes;
	}
	return 0;
}

static int count(struct hz_countmap *m, struct hz_str k)
{
	uint64_t *c = hz_countmap_get(m, k.p, k.n);
	if (!c)
		return HZ_ENOMEM;
	(*c)++;
	return 0;
}

int hz_stats_record(struct hz_summary *s, const struct hz_stats_binding *b, const struct hz_match *m,
		    const char *proxy, size_t proxy_n)
{
	if (b->frontend < 0 && proxy) {
		/* the format does not log the frontend: the config says whose it is */
		uint64_t *c = hz_countmap_get(s->frontends, proxy, proxy_n);
		if (!c)
			return HZ_ENOMEM;
		c[HZ_FE_REQUESTS]++;
	} else if (b->frontend >= 0) {
		struct hz_str fe = m->v[b->frontend];
		int tls = (m->mark[b->frontend] & HZ_MARK_TILDE) != 0;
		uint64_t *c = hz_countmap_get(s->frontends, fe.p, fe.n);
		if (!c)
			return HZ_ENOMEM;
		c[HZ_FE_REQUESTS]++;
		c[HZ_FE_TLS] += (uint64_t)tls;
	}
	if (b->status >= 0 && count(s->status, m->v[b->status]))
		return HZ_ENOMEM;
	if (b->term >= 0 && count(s->termination, m->v[b->term]))
		return HZ_ENOMEM;
	if (b->backend >= 0 && b->server >= 0) {
		char key[512];
		struct hz_str be = m->v[b->backend], sv = m->v[b->server];
		const char *k = key;
		uint64_t *c;
		if (sv.p == be.p + be.n + 1 && be.p[be.n] == '/') {
			/* "%b/%s" as the line has it: no copy (the copy's stores
			 * would also hold up the loads that hash it) */
			k = be.p;
		} else {
			if (be.n + sv.n + 1 > sizeof(key))
				return 0;
			hz_copy_short(key, be.p, be.n);
			key[be.n] = '/';
			hz_copy_short(key + be.n + 1, sv.p, sv.n);
		}
		c = hz_countmap_get(s->servers, k, be.n + 1 + sv.n);
		if (!c)
			return HZ_ENOMEM;
		c[HZ_SRV_REQUESTS]++;
		if (s->tables & HZ_TABLE_SERVERS)
			server_details(c, b, m);
	}
	return s->tables ? tables(s, b, m) : 0;
}
