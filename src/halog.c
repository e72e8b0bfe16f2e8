/* halog's statistics and output, byte for byte, with memory proportional to distinct keys. */
#include "halyze/halog.h"

#include "halyze/fields.h"
#include "halyze/logformat.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* halog's field numbers after the -s header fields (1-based). */
#define F_SOURCE 5
#define F_ACCEPT 6
#define F_SERVER 8
#define F_TIME 9
#define F_STATUS 10
#define F_BYTES 11
#define F_TERM 14
#define F_QUEUE 16
#define F_METH 17
#define F_URL 18
#define QBITS 4

#define SEP(c) ((unsigned char)(c) <= ' ')

/* Integer key -> count: open addressing over (key, count) slots, so that
 * one probe touches one cache line; sorted (signed) only when rendered. */
struct islot {
	int32_t key;
	uint32_t used;
	uint64_t cnt;
};

struct itab {
	struct islot *slot;
	size_t cap, n;
	int32_t last;            /* the key added last, and its slot: logs repeat keys */
	struct islot *last_slot;
};

/* A rendered entry; the count wraps at 32 bits as halog's does. */
struct ipair {
	int32_t key;
	uint32_t cnt;
};

/* -ac/-ad: accept times in ms of the day, nearly all distinct and arriving in
 * order. A hash table would miss the cache on every line; a list of runs of
 * equal keys is written in order, and sorted and merged (into distinct keys)
 * whenever it has doubled since the last merge, so it stays within twice the
 * distinct keys. */
struct ilist {
	struct ipair *v;
	size_t n, cap, merged;
};

/* Per-URL, per-source and per-server figures (halog's url_stat and srv_st). */
struct sstat {
	uint64_t total_time, total_time_ok, total_bytes;
	uint32_t nb_req, nb_err;
	uint32_t st_cnt[6];
	uint32_t nb_ct, nb_rt, nb_ok;
	uint64_t cum_ct, cum_rt;
	uint64_t sortkey;
};

struct sent {
	const char *key;   /* interned, NUL-terminated */
	uint32_t len;
	uint32_t hash;
	struct sstat st;
};

/* String key -> figures; keys live in an arena freed at the end. */
struct stab {
	struct sent *e;
	size_t cap, n;
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct hz_halog {
	struct hz_halog_opts o;
	int line_filter;         /* which per-line collector runs (enum below) */
	int count_fast;
	long linenum, lines_out, parse_err;
	struct itab t[5];        /* halog's timers[0..4] */
	struct ilist holes;      /* -ac/-ad: timers[0] */
	struct stab s;
	struct chunk *arena;
	char *buf;               /* NUL-terminated copy of the line being read */
	size_t bufcap;
	/* -time: halog's one-entry cache of mktime() */
	int tm_set;
	struct tm tm;
	int last_res;
	int oom;
};

enum { LF_OUTPUT, LF_HOLES, LF_GRAPHS, LF_STATUS, LF_COOK, LF_TERM, LF_SRV, LF_URL, LF_NONE };

/* --- tables -------------------------------------------------------------- */

static uint32_t ihash(int32_t k)
{
	uint32_t x = (uint32_t)k * 0x9E3779B1u;
	return x ^ (x >> 15);
}

/* Set bits of a 16-bit mask (no POPCNT instruction in the baseline ISA). */
static inline int popcount16(unsigned x)
{
	x = x - ((x >> 1) & 0x5555u);
	x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
	x = (x + (x >> 4)) & 0x0F0Fu;
	return (int)((x + (x >> 8)) & 0x1Fu);
}

static int itab_grow(struct itab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct islot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return HZ_ENOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		size_t j;
		if (!t->slot[i].used)
			continue;
		for (j = ihash(t->slot[i].key) & (ncap - 1); ns[j].used; j = (j + 1) & (ncap - 1))
			;
		ns[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = ns;
	t->cap = ncap;
	t->last_slot = NULL;
	return 0;
}

/* Adds one occurrence of k. */
static int itab_add(struct itab *t, int32_t k)
{
	size_t j;

	if (t->last_slot && t->last == k) {
		t->last_slot->cnt++;
		return 0;
	}
	if ((t->n + 1) * 4 > t->cap * 3 && itab_grow(t))
		return HZ_ENOMEM;
	for (j = ihash(k) & (t->cap - 1); t->slot[j].used; j = (j + 1) & (t->cap - 1)) {
		if (t->slot[j].key == k)
			goto found;
	}
	t->slot[j].key = k;
	t->slot[j].used = 1;
	t->n++;
found:
	t->slot[j].cnt++;
	t->last = k;
	t->last_slot = &t->slot[j];
	return 0;
}

static int ipair_cmp(const void *a, const void *b)
{
	int32_t x = ((const struct ipair *)a)->key, y = ((const struct ipair *)b)->key;
	return (x > y) - (x < y);
}

/* Sorts v by signed key: two 16-bit radix passes for large tables. */
static void ipair_sort(struct ipair *v, size_t n)
{
	struct ipair *tmp;
	size_t *cnt;

	if (n < 2)
		return;
	if (n < 4096 || !(tmp = malloc(n * sizeof(*tmp)))) {
		qsort(v, n, sizeof(*v), ipair_cmp);
		return;
	}
	if (!(cnt = malloc(65536 * sizeof(*cnt)))) {
		free(tmp);
		qsort(v, n, sizeof(*v), ipair_cmp);
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		struct ipair *from = pass ? tmp : v, *to = pass ? v : tmp;
		size_t sum = 0;
		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(((uint32_t)from[i].key ^ 0x80000000u) >> (16 * pass)) & 0xFFFFu]++;
		for (size_t i = 0; i < 65536; i++) {
			size_t c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			to[cnt[(((uint32_t)from[i].key ^ 0x80000000u) >> (16 * pass)) & 0xFFFFu]++] = from[i];
	}
	free(cnt);
	free(tmp);
}

/* The table as (key, count) pairs in ascending signed order; NULL when empty
 * or out of memory (*n says which). */
static struct ipair *itab_sorted(const struct itab *t, size_t *n)
{
	struct ipair *v;
	size_t k = 0;

	*n = 0;
	if (!t->n)
		return NULL;
	v = malloc(t->n * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i].used)
			v[k++] = (struct ipair){ t->slot[i].key, (uint32_t)t->slot[i].cnt };
	ipair_sort(v, k);
	*n = k;
	return v;
}

static void itab_free(struct itab *t)
{
	free(t->slot);
}

/* Sorts and merges equal keys in place. */
static void ilist_merge(struct ilist *l)
{
	size_t k = 0;

	ipair_sort(l->v, l->n);
	for (size_t i = 0; i < l->n; i++) {
		if (k && l->v[k - 1].key == l->v[i].key)
			l->v[k - 1].cnt += l->v[i].cnt;
		else
			l->v[k++] = l->v[i];
	}
	l->n = k;
	l->merged = k;
}

static int ilist_add(struct ilist *l, int32_t k)
{
	if (l->n && l->v[l->n - 1].key == k) {
		l->v[l->n - 1].cnt++;
		return 0;
	}
	if (l->n == l->cap) {
		if (l->n >= 4096 && l->n >= 2 * l->merged) {
			ilist_merge(l);
		}
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 4096;
			struct ipair *nv = realloc(l->v, cap * sizeof(*nv));
			if (!nv)
				return HZ_ENOMEM;
			l->v = nv;
			l->cap = cap;
		}
	}
	l->v[l->n++] = (struct ipair){ k, 1 };
	return 0;
}

static uint32_t shash(const char *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n;

	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;
		memcpy(&w, p, n);
		h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
	}
	h ^= h >> 32;
	return (uint32_t)h;
}

static char *arena_copy(struct hz_halog *h, const char *p, size_t n)
{
	struct chunk *c = h->arena;
	char *d;

	if (!c || c->cap - c->used < n + 1) {
		size_t cap = n + 1 > 65536 ? n + 1 : 65536;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = h->arena;
		h->arena = c;
	}
	d = c->data + c->used;
	memcpy(d, p, n);
	d[n] = 0;
	c->used += n + 1;
	return d;
}

static int stab_grow(struct stab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 256;
	struct sent *ne = calloc(ncap, sizeof(*ne));

	if (!ne)
		return HZ_ENOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		size_t j;
		if (!t->e[i].key)
			continue;
		for (j = t->e[i].hash & (ncap - 1); ne[j].key; j = (j + 1) & (ncap - 1))
			;
		ne[j] = t->e[i];
	}
	free(t->e);
	t->e = ne;
	t->cap = ncap;
	return 0;
}

/* The figures of key (p, n), created (and the key interned) when new. */
static struct sstat *stab_get(struct hz_halog *h, const char *p, size_t n)
{
	struct stab *t = &h->s;
	uint32_t hv = shash(p, n);
	size_t j;

	if ((t->n + 1) * 4 > t->cap * 3 && stab_grow(t))
		return NULL;
	for (j = hv & (t->cap - 1); t->e[j].key; j = (j + 1) & (t->cap - 1)) {
		struct sent *e = &t->e[j];
		if (e->hash == hv && e->len == n && memcmp(e->key, p, n) == 0)
			return &e->st;
	}
	if (!(t->e[j].key = arena_copy(h, p, n)))
		return NULL;
	t->e[j].len = (uint32_t)n;
	t->e[j].hash = hv;
	t->n++;
	return &t->e[j].st;
}

/* --- halog's parsing primitives ------------------------------------------ */

/* Start of the field-th field from p (1 = the one at or after p); the
 * terminating NUL when the line has fewer. Only ' ' separates. The line
 * must be followed by at least 16 NUL bytes (blocks are read whole). */
#if defined(__SSE2__)
#include <emmintrin.h>
static const char *field_start(const char *p, int field)
{
	const __m128i sp = _mm_set1_epi8(' '), nul = _mm_setzero_si128();
	unsigned prev = 1;  /* the byte before p counts as a separator */

	if (field <= 0)  /* halog then never stops before the end (-s below -5) */
		return p + strlen(p);
	for (;;) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned s = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp));
		unsigned z = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nul));
		/* a field starts on a byte that is neither ' ' nor NUL after a ' ' */
		unsigned starts = ~s & ~z & ((s << 1) | prev) & 0xFFFFu;
		int cnt;

		if (z)
			starts &= (z & -z) - 1;
		cnt = popcount16(starts);
		if (cnt >= field) {
			while (--field)
				starts &= starts - 1;
			return p + __builtin_ctz(starts);
		}
		if (z)
			return p + __builtin_ctz(z);
		field -= cnt;
		prev = (s >> 15) & 1;
		p += 16;
	}
}
#else
static const char *field_start(const char *p, int field)
{
	unsigned char c;

	for (;;) {
		while ((c = (unsigned char)*p) == ' ')
			p++;
		if (!c)
			return p;
		if (--field == 0)
			return p;
		while ((c = (unsigned char)*p) != ' ' && c)
			p++;
		if (!c)
			return p;
	}
}
#endif

/* First ' ' or NUL at or after p. */
static const char *field_stop(const char *p)
{
	for (;;) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == 0)
			return p;
		p++;
	}
}

/* halog's integer: an optional '-' and digits, stopping at anything else. */
static int str2ic(const char *s)
{
	unsigned i = 0;
	unsigned j;

	if (*s != '-') {
		while ((j = (unsigned)(unsigned char)*s++ - '0') <= 9)
			i = i * 10 + j;
	} else {
		s++;
		while ((j = (unsigned)(unsigned char)*s++ - '0') <= 9)
			i = i * 10 - j;
	}
	return (int)i;
}

static const char *skip_char(const char *p, int ch)
{
	for (;;) {
		int c = (unsigned char)*p++;
		if (c == ch)
			return p;
		if (c <= ' ')
			return p - 1;
	}
}

/* Up to 5 '/'-separated timers; returns how many were read, *err when one was negative. */
static int read_timers(const char *p, int *v, int *err)
{
	int f = 0;

	*err = 0;
	while (!SEP(*p)) {
		v[f] = str2ic(p);
		if (v[f] < 0) {
			v[f] = -1;
			*err = 1;
		}
		if (++f == 5)
			break;
		p = skip_char(p, '/');
	}
	return f;
}

static int fls32(unsigned x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static unsigned quantify_u32(unsigned i, int bits)
{
	int high = fls32(i);

	if (high <= bits)
		return i;
	return i & ~((1u << (high - bits)) - 1);
}

static int quantify(int i, int bits)
{
	if (i >= 0)
		return (int)quantify_u32((unsigned)i, bits);
	return -(int)quantify_u32(-(unsigned)i, bits);
}

/* "[04/Dec/2008:09:49:40.555]" -> ms of the day, -1 when unparsable. */
static int convert_date(const char *e)
{
	unsigned h = 0, m = 0, s = 0, ms = 0;
	unsigned char c;

	for (;;) {
		c = (unsigned char)*e++;
		if (c == ':')
			break;
		if (!c)
			return -1;
	}
	while ((c = (unsigned char)(*e++ - '0')) <= 9)
		h = h * 10 + c;
	if (c == (unsigned char)(0 - '0'))
		return -1;
	while ((c = (unsigned char)(*e++ - '0')) <= 9)
		m = m * 10 + c;
	if (c == (unsigned char)(0 - '0'))
		return -1;
	while ((c = (unsigned char)(*e++ - '0')) <= 9)
		s = s * 10 + c;
	if (c == (unsigned char)(0 - '0'))
		return -1;
	if (c == (unsigned char)('.' - '0')) {
		while ((c = (unsigned char)(*e++ - '0')) <= 9)
			ms = ms * 10 + c;
		if (c == (unsigned char)(0 - '0'))
			return -1;
	}
	return (int)((((h * 60) + m) * 60 + s) * 1000 + ms);
}

/* "[04/Dec/2008:09:49:40.555]" -> a local-time epoch, as halog computes it
 * (mktime over a struct tm first filled from the current local time). */
static int convert_date_to_timestamp(struct hz_halog *hl, const char *e)
{
	unsigned d = 0, mo = 0, y = 0, h = 0, m = 0, s = 0;
	unsigned char c;

	e++;
	while ((c = (unsigned char)(*e++ - '0')) <= 9)
		d = d * 10 + c;
	c = (unsigned char)*e++;
	switch (c) {
	case 'F': mo = 2; e += 3; break;
	case 'S': mo = 9; e += 3; break;
	case 'O': mo = 10; e += 3; break;
	case 'N': mo = 11; e += 3; break;
	case 'D': mo = 12; e += 3; break;
	case 'A':
		c = (unsigned char)*e++;
		if (c == 'p')
			mo = 4;
		else if (c == 'u')
			mo = 8;
		else
			return -1;
		e += 2;
		break;
	case 'J':
		c = (unsigned char)*e++;
		if (c == 'a') {
			mo = 1;
			e += 2;
		} else if (c == 'u') {
			c = (unsigned char)*e++;
			if (c == 'n')
				mo = 6;
			else if (c == 'l')
				mo = 7;
			e += (c == 'n' || c == 'l');
		} else {
			return -1;
		}
		break;
	case 'M':
		e++;
		c = (unsigned char)*e++;
		if (c == 'r')
			mo = 3;
		else if (c == 'y')
			mo = 5;
		else
			return -1;
		e++;
		break;
	default:
		return -1;
	}
	while ((c = (unsigned char)(*e++ - '0')) <= 9)
		y = y * 10 + c;
	while ((c = (unsigned char)(*e++ - '0')) <= 9)
		h = h * 10 + c;
	if (c == (unsigned char)(0 - '0'))
		return -1;
	while ((c = (unsigned char)(*e++ - '0')) <= 9)
		m = m * 10 + c;
	if (c == (unsigned char)(0 - '0'))
		return -1;
	while ((c = (unsigned char)(*e++ - '0')) <= 9)
		s = s * 10 + c;
	if (hl->tm_set) {
		if ((unsigned)hl->tm.tm_min == m && (unsigned)hl->tm.tm_hour == h && (unsigned)hl->tm.tm_mday == d &&
		    (unsigned)hl->tm.tm_mon == mo - 1 && (unsigned)hl->tm.tm_year == y - 1900)
			return hl->last_res + (int)s;
	} else {
		time_t now = time(NULL);
		localtime_r(&now, &hl->tm);
		hl->tm_set = 1;
	}
	hl->tm.tm_sec = 0;
	hl->tm.tm_min = (int)m;
	hl->tm.tm_hour = (int)h;
	hl->tm.tm_mday = (int)d;
	hl->tm.tm_mon = (int)mo - 1;
	hl->tm.tm_year = (int)y - 1900;
	hl->last_res = (int)mktime(&hl->tm);
	return hl->last_res + (int)s;
}

/* --- the accumulator ----------------------------------------------------- */

int hz_halog_new(struct hz_halog **out, const struct hz_halog_opts *o)
{
	struct hz_halog *h;
	unsigned f = o->flags;

	/* several output modes may be given: halog's order of precedence
	 * decides, as below and in hz_halog_render */
	*out = NULL;
	if (!f)
		return HZ_EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return HZ_ENOMEM;
	h->o = *o;
	if ((f & HZ_HALOG_ACC_COUNT) && !h->o.acc_count)
		h->o.acc_count = 1;
	if ((f & HZ_HALOG_ACC_DELAY) && !h->o.acc_delay)
		h->o.acc_delay = 1;
	if (f & (HZ_HALOG_ACC_COUNT | HZ_HALOG_ACC_DELAY))
		h->line_filter = LF_HOLES;
	else if (f & (HZ_HALOG_GRAPH | HZ_HALOG_PCT))
		h->line_filter = LF_GRAPHS;
	else if (f & HZ_HALOG_STATUS)
		h->line_filter = LF_STATUS;
	else if (f & HZ_HALOG_COOK)
		h->line_filter = LF_COOK;
	else if (f & HZ_HALOG_TERM)
		h->line_filter = LF_TERM;
	else if (f & HZ_HALOG_SRV)
		h->line_filter = LF_SRV;
	else if (f & HZ_HALOG_URL)
		h->line_filter = LF_URL;
	else if (f & HZ_HALOG_COUNT)
		h->line_filter = LF_NONE;
	else
		h->line_filter = LF_OUTPUT;
	h->count_fast = h->line_filter == LF_NONE &&
			!(f & (HZ_HALOG_HTTP | HZ_HALOG_RESP | HZ_HALOG_ERRORS | HZ_HALOG_HS | HZ_HALOG_QUEUE |
			       HZ_HALOG_QUEUE_SRV | HZ_HALOG_TCN | HZ_HALOG_TIME));
	*out = h;
	return 0;
}

void hz_halog_free(struct hz_halog *h)
{
	if (!h)
		return;
	for (int i = 0; i < 5; i++)
		itab_free(&h->t[i]);
	free(h->holes.v);
	free(h->s.e);
	while (h->arena) {
		struct chunk *c = h->arena;
		h->arena = c->next;
		free(c);
	}
	free(h->buf);
	free(h);
}

int hz_halog_count_only(const struct hz_halog *h)
{
	return h->count_fast;
}

uint64_t hz_halog_count_room(const struct hz_halog *h)
{
	if (h->o.invert)
		return 0;
	if (h->o.lines_max < 0)
		return UINT64_MAX;
	return h->lines_out >= h->o.lines_max ? 0 : (uint64_t)(h->o.lines_max - h->lines_out);
}

void hz_halog_counted(struct hz_halog *h, uint64_t n)
{
	h->lines_out += (long)n;
}

static void note(struct hz_halog *h, enum hz_halog_note kind, const int *v)
{
	if (!h->o.quiet && h->o.note)
		h->o.note(h->o.note_ud, kind, h->linenum, h->buf, v);
}

static void truncated(struct hz_halog *h)
{
	note(h, HZ_HALOG_NOTE_TRUNCATED, NULL);
}

static void add_int(struct hz_halog *h, int tree, int v)
{
	if (itab_add(&h->t[tree], v))
		h->oom = 1;
}

/* -gt / -pct: the five timers of a line (already read). */
static void graphs_add(struct hz_halog *h, int *a, int err)
{
	int gt = (h->o.flags & HZ_HALOG_GRAPH) != 0;
	int v;

	if (err) {
		if (a[4] < 0)
			a[4] = -1;
		add_int(h, 0, gt ? quantify(a[4], QBITS) : a[4]);
		return;
	}
	add_int(h, 1, gt ? quantify(a[0], QBITS) : a[0]);
	add_int(h, 2, gt ? quantify(a[2], QBITS) : a[2]);
	add_int(h, 3, gt ? quantify(a[3], QBITS) : a[3]);
	v = (int)((unsigned)a[4] - (unsigned)a[0] - (unsigned)a[1] - (unsigned)a[2] - (unsigned)a[3]);
	if (v < 0) {
		int nv[6] = { a[0], a[1], a[2], a[3], a[4], v };
		note(h, HZ_HALOG_NOTE_NEGATIVE, nv);
	}
	add_int(h, 4, gt ? quantify(v, QBITS) : v);
	h->lines_out++;
}

static void url_add(struct hz_halog *h, const char *key, size_t n, uint64_t ttime, uint64_t ttime_ok,
		    uint64_t bytes, int err)
{
	struct sstat *st = stab_get(h, key, n);

	if (!st) {
		h->oom = 1;
		return;
	}
	st->nb_req++;
	st->nb_err += (uint32_t)err;
	st->total_time += ttime;
	st->total_time_ok += ttime_ok;
	st->total_bytes += bytes;
}

static int puts_line(struct hz_halog *h, const char *p, size_t n)
{
	if (fwrite(p, 1, n, h->o.out) != n || putc('\n', h->o.out) == EOF)
		return HZ_EWRITE;
	return 0;
}

/* halog's filter_extract_capture from the method field e. */
static int extract_capture(struct hz_halog *h, const char *e)
{
	unsigned block = h->o.cap_block, field = h->o.cap_field;
	const char *f;

	while (block-- > 0) {
		while (*e != '"' && *e != '{' && *e) {
			if (*e == '\\' && e[1] == '"')
				break;
			e = field_start(e, 2);
		}
		if (!*e) {
			truncated(h);
			return 0;
		}
		if (*e != '{') {
			h->lines_out++;
			return puts_line(h, "", 0);
		}
		e++;
	}
	while (--field > 0) {
		while (*e != '|' && *e != '}' && *e)
			e++;
		if (!*e) {
			truncated(h);
			return 0;
		}
		if (*e != '|') {
			h->lines_out++;
			return puts_line(h, "", 0);
		}
		e++;
	}
	for (f = e; *f != '|' && *f != '}' && *f; f++)
		;
	if (!*f) {
		truncated(h);
		return 0;
	}
	h->lines_out++;
	return puts_line(h, e, (size_t)(f - e));
}

/* The per-line collectors of halog, on the NUL-terminated copy in h->buf. */
static int collect(struct hz_halog *h, char *line, const char *source_field, const char *accept_field,
		   const char *time_field)
{
	const char *b, *e;
	int a[5], err, f;

	if (h->line_filter == LF_NONE) {
		/* -c with input filters: halog counts, whatever else was asked */
		h->lines_out++;
		return 0;
	}
	if (h->o.flags & HZ_HALOG_IP) {
		if (!time_field && !*(time_field = field_start(accept_field, F_TIME - F_ACCEPT + 1))) {
			truncated(h);
			return 0;
		}
		/* halog reads only the first and last timers here */
		e = time_field;
		err = 0;
		f = 0;
		while (!SEP(*e)) {
			if (f == 0 || f == 4) {
				a[f] = str2ic(e);
				if (a[f] < 0) {
					a[f] = -1;
					err = 1;
				}
			}
			if (++f == 5)
				break;
			e = skip_char(e, '/');
		}
		if (f < 5) {
			h->parse_err++;
			return 0;
		}
		{
			uint64_t tt = (uint64_t)(int64_t)(a[0] >= 0 ? a[0] : a[4]);
			uint64_t tok = (uint64_t)(int64_t)(a[0] >= 0 ? a[0] : 0);
			uint64_t by = (uint64_t)(int64_t)str2ic(field_start(e, F_BYTES - F_TIME + 1));
			const char *ip = source_field;
			const char *end = field_stop(ip + 1);

			while (end > ip && end[-1] != ':')
				end--;
			if (end == ip) {
				/* no colon: halog cuts before the field, keeping the rest of the line */
				end = ip + strlen(ip) + 1;
			}
			url_add(h, ip, (size_t)(end - 1 - ip), tt, tok, by, err);
		}
		return 0;
	}
	if (h->o.flags & HZ_HALOG_HDR) {
		if (time_field)
			e = field_start(time_field, F_METH - F_TIME + 1);
		else
			e = field_start(accept_field, F_METH - F_ACCEPT + 1);
		return extract_capture(h, e);
	}
	switch (h->line_filter) {
	case LF_NONE:
		return 0;
	case LF_OUTPUT:
		h->lines_out++;
		return puts_line(h, line, strlen(line));
	case LF_HOLES: {
		int v = convert_date(accept_field);
		if (v < 0)
			truncated(h);
		else if (ilist_add(&h->holes, v))
			h->oom = 1;
		return 0;
	}
	case LF_GRAPHS:
		if (!time_field && !*(time_field = field_start(accept_field, F_TIME - F_ACCEPT + 1))) {
			truncated(h);
			return 0;
		}
		if (read_timers(time_field, a, &err) < 5) {
			h->parse_err++;
			return 0;
		}
		graphs_add(h, a, err);
		return 0;
	case LF_STATUS:
		b = time_field ? field_start(time_field, F_STATUS - F_TIME + 1)
			       : field_start(accept_field, F_STATUS - F_ACCEPT + 1);
		if (!*b) {
			truncated(h);
			return 0;
		}
		add_int(h, 0, str2ic(b));
		return 0;
	case LF_COOK:
	case LF_TERM:
		b = time_field ? field_start(time_field, F_TERM - F_TIME + 1)
			       : field_start(accept_field, F_TERM - F_ACCEPT + 1);
		if (!*b) {
			truncated(h);
			return 0;
		}
		if (h->line_filter == LF_COOK)
			add_int(h, 0, 256 * (int)(signed char)b[2] + (int)(signed char)b[3]);
		else
			add_int(h, 0, 256 * (int)(signed char)b[0] + (int)(signed char)b[1]);
		return 0;
	case LF_SRV: {
		struct sstat *st;
		b = field_start(accept_field, F_SERVER - F_ACCEPT + 1);
		if (!*b) {
			truncated(h);
			return 0;
		}
		e = field_stop(b + 1);
		/* halog creates the server before it reads the timers */
		if (!(st = stab_get(h, b, (size_t)(e - b)))) {
			h->oom = 1;
			return 0;
		}
		if (!time_field && !*(time_field = field_start(e, F_TIME - F_SERVER))) {
			truncated(h);
			return 0;
		}
		e = field_stop(time_field + 1);
		if (read_timers(time_field, a, &err) < 5) {
			h->parse_err++;
			return 0;
		}
		if (!err)
			st->nb_ok++;
		if (a[2] >= 0) {
			st->cum_ct += (uint64_t)a[2];
			st->nb_ct++;
		}
		if (a[3] >= 0) {
			st->cum_rt += (uint64_t)a[3];
			st->nb_rt++;
		}
		b = field_start(e, F_STATUS - F_TIME);
		if (!*b) {
			truncated(h);
			return 0;
		}
		st->st_cnt[(*b >= '1' && *b <= '5') ? *b - '0' : 0]++;
		return 0;
	}
	case LF_URL: {
		uint64_t tt, tok, by;
		char *u, *c;
		if (!time_field && !*(time_field = field_start(accept_field, F_TIME - F_ACCEPT + 1))) {
			truncated(h);
			return 0;
		}
		e = time_field;
		err = 0;
		f = 0;
		while (!SEP(*e)) {
			a[f] = str2ic(e);
			if (a[f] < 0) {
				a[f] = -1;
				err = 1;
			}
			if (++f == 5)
				break;
			e = skip_char(e, '/');
		}
		if (f < 5) {
			h->parse_err++;
			return 0;
		}
		tt = (uint64_t)(int64_t)(a[3] >= 0 ? a[3] : a[4]);
		tok = (uint64_t)(int64_t)(a[3] >= 0 ? a[3] : 0);
		e = field_start(e, F_BYTES - F_TIME + 1);
		by = (uint64_t)(int64_t)str2ic(e);
		e = field_start(e, F_METH - F_BYTES + 1);
		while (*e != '"' && *e) {
			if (*e == '\\' && e[1] == '"')
				break;
			e = field_start(e, 2);
		}
		if (!*e) {
			truncated(h);
			return 0;
		}
		b = field_start(e, F_URL - F_METH + 1);
		if (!*b)
			b = e;
		u = line + (b - line);
		for (c = u;; c++) {
			if (*c == ' ' || (!(h->o.flags & HZ_HALOG_QUERY) && (*c == '?' || *c == ';'))) {
				*c = 0;
				break;
			}
			if (!c[1]) {
				c++;
				break;
			}
		}
		url_add(h, u, (size_t)(c - u), tt, tok, by, err);
		return 0;
	}
	}
	return 0;
}

static int after_line(struct hz_halog *h, int rc)
{
	if (rc)
		return rc;
	if (h->oom)
		return HZ_ENOMEM;
	if (h->o.lines_max >= 0 && h->lines_out >= h->o.lines_max)
		return 1;
	return 0;
}

int hz_halog_line(struct hz_halog *h, const char *p, size_t n)
{
	const unsigned flags = h->o.flags;
	const char *accept_field, *source_field = NULL, *time_field = NULL, *b;
	char *line;
	int test = 1;

	if (h->count_fast) {
		/* halog reads without parsing, up to -m lines; -v prints 0 */
		if (h->o.invert)
			return 0;
		if (h->o.lines_max >= 0 && h->lines_out >= h->o.lines_max)
			return 1;
		h->lines_out++;
		return 0;
	}
	if (n + 32 > h->bufcap) {
		size_t cap = (n + 32) * 2;
		char *nb = realloc(h->buf, cap);
		if (!nb)
			return HZ_ENOMEM;
		h->buf = nb;
		h->bufcap = cap;
	}
	line = h->buf;
	memcpy(line, p, n);
	memset(line + n, 0, 16);
	h->linenum++;

	if (flags & HZ_HALOG_IP) {
		source_field = field_start(line, F_SOURCE + h->o.skip_fields);
		accept_field = field_start(source_field, F_ACCEPT - F_SOURCE + 1);
	} else {
		accept_field = field_start(line, F_ACCEPT + h->o.skip_fields);
	}
	if (*accept_field != '[' || accept_field[1] < '0' || accept_field[1] > '3') {
		h->parse_err++;
		return 0;
	}
	if (flags & HZ_HALOG_TIME) {
		unsigned uval = (unsigned)convert_date_to_timestamp(h, accept_field);
		test &= uval >= h->o.ts_low && uval <= h->o.ts_high;
	}
	if (flags & HZ_HALOG_HTTP) {
		const char *q;
		int f = 0;
		if (!*(time_field = field_start(accept_field, F_TIME - F_ACCEPT + 1))) {
			truncated(h);
			return 0;
		}
		q = time_field;
		while (!SEP(*q)) {
			if (++f == 4)
				break;
			q = skip_char(q, '/');
		}
		test &= f >= 4;
	}
	if (flags & HZ_HALOG_RESP) {
		const char *q;
		int f = 0, tps = 0;
		if (!time_field && !*(time_field = field_start(accept_field, F_TIME - F_ACCEPT + 1))) {
			truncated(h);
			return 0;
		}
		q = time_field;
		while (!SEP(*q)) {
			tps = str2ic(q);
			if (tps < 0)
				tps = -1;
			if (++f == 4)
				break;
			q = skip_char(q, '/');
		}
		if (f < 4) {
			h->parse_err++;
			return 0;
		}
		test &= (tps >= h->o.time_resp) ^ !!(flags & HZ_HALOG_INV_RESP);
	}
	if (flags & (HZ_HALOG_ERRORS | HZ_HALOG_HS)) {
		int val;
		b = time_field ? field_start(time_field, F_STATUS - F_TIME + 1)
			       : field_start(accept_field, F_STATUS - F_ACCEPT + 1);
		if (!*b) {
			truncated(h);
			return 0;
		}
		val = str2ic(b);
		if (flags & HZ_HALOG_ERRORS)
			test &= (val < 0 || (val >= 500 && val <= 599)) ^ !!(flags & HZ_HALOG_INV_ERRORS);
		if (flags & HZ_HALOG_HS)
			test &= (val >= h->o.hs_low && val <= h->o.hs_high) ^ !!(flags & HZ_HALOG_INV_HS);
	}
	if (flags & (HZ_HALOG_QUEUE | HZ_HALOG_QUEUE_SRV)) {
		b = time_field ? field_start(time_field, F_QUEUE - F_TIME + 1)
			       : field_start(accept_field, F_QUEUE - F_ACCEPT + 1);
		if (!*b) {
			truncated(h);
			return 0;
		}
		if (*b == '0') {
			if (flags & HZ_HALOG_QUEUE_SRV) {
				test = 0;
			} else {
				do {
					b++;
					if (*b == '/') {
						b++;
						break;
					}
				} while (*b);
				test &= (unsigned char)(*b - '1') < 9;
			}
		}
	}
	if (flags & HZ_HALOG_TCN) {
		b = time_field ? field_start(time_field, F_TERM - F_TIME + 1)
			       : field_start(accept_field, F_TERM - F_ACCEPT + 1);
		if (!*b) {
			truncated(h);
			return 0;
		}
		test &= (b[0] == h->o.tcn[0] && b[1] == h->o.tcn[1]) ^ !!(flags & HZ_HALOG_INV_TCN);
	}
	test ^= h->o.invert;
	if (!test)
		return 0;
	return after_line(h, collect(h, line, source_field, accept_field, time_field));
}

/* --- named fields -------------------------------------------------------- */

void hz_halog_skip(struct hz_halog *h)
{
	h->linenum++;
}

void hz_halog_unparsed(struct hz_halog *h)
{
	h->linenum++;
	h->parse_err++;
}

static int in_status(const struct hz_halog_rec *r, int lo, int hi)
{
	return r->has_status && r->status >= lo && r->status <= hi;
}

int hz_halog_record(struct hz_halog *h, const struct hz_halog_rec *r, const char *p, size_t n)
{
	const unsigned flags = h->o.flags;
	int test = 1, a[5], err = 0;

	if (n + 16 > h->bufcap) {
		size_t cap = (n + 16) * 2;
		char *nb = realloc(h->buf, cap);
		if (!nb)
			return HZ_ENOMEM;
		h->buf = nb;
		h->bufcap = cap;
	}
	memcpy(h->buf, p, n);
	h->buf[n] = 0;
	h->linenum++;
	if (h->count_fast) {
		if (h->o.invert)
			return 0;
		if (h->o.lines_max >= 0 && h->lines_out >= h->o.lines_max)
			return 1;
		h->lines_out++;
		return 0;
	}
	for (int i = 0; i < 5; i++) {
		a[i] = r->t[i] < 0 ? -1 : r->t[i];
		err |= r->t[i] < 0;
	}
	if (flags & HZ_HALOG_TIME) {
		int ts = -1;
		if (r->date.n) {
			char d[40];
			size_t k = r->date.n < sizeof(d) - 2 ? r->date.n : sizeof(d) - 2;
			d[0] = '[';
			memcpy(d + 1, r->date.p, k);
			d[k + 1] = 0;
			ts = convert_date_to_timestamp(h, d);
		}
		test &= (unsigned)ts >= h->o.ts_low && (unsigned)ts <= h->o.ts_high;
	}
	if (flags & HZ_HALOG_HTTP)
		test &= r->http;
	if (flags & HZ_HALOG_RESP) {
		/* the server response time is an HTTP timer */
		if (!r->http)
			test = 0;
		else
			test &= (a[3] >= h->o.time_resp) ^ !!(flags & HZ_HALOG_INV_RESP);
	}
	if (flags & HZ_HALOG_ERRORS) {
		int e = r->has_status && (r->status < 0 || (r->status >= 500 && r->status <= 599));
		test &= e ^ !!(flags & HZ_HALOG_INV_ERRORS);
	}
	if (flags & HZ_HALOG_HS)
		test &= in_status(r, h->o.hs_low, h->o.hs_high) ^ !!(flags & HZ_HALOG_INV_HS);
	if (flags & (HZ_HALOG_QUEUE | HZ_HALOG_QUEUE_SRV)) {
		if (!r->has_queue)
			test = 0;
		else if (flags & HZ_HALOG_QUEUE_SRV)
			test &= r->srv_queue > 0;
		else
			test &= r->srv_queue > 0 || r->be_queue > 0;
	}
	if (flags & HZ_HALOG_TCN) {
		int m = r->term.n >= 1 && r->term.p[0] == h->o.tcn[0] &&
			(h->o.tcn[1] ? r->term.n >= 2 && r->term.p[1] == h->o.tcn[1] : r->term.n == 1);
		test &= m ^ !!(flags & HZ_HALOG_INV_TCN);
	}
	test ^= h->o.invert;
	if (!test)
		return 0;

	if (h->line_filter == LF_NONE) {
		/* -c with input filters counts, whatever else was asked */
		h->lines_out++;
		return after_line(h, 0);
	}
	if (flags & HZ_HALOG_IP) {
		/* halog's -ic times are the request time (HTTP), or the total
		 * time where there is none (TCP) */
		int tv = r->ntimers == 5 ? a[0] : a[4];
		if (!r->src.n) {
			h->parse_err++;
			return 0;
		}
		/* and its errors are those of these two timers (HTTP) */
		url_add(h, r->src.p, r->src.n, (uint64_t)(int64_t)(tv >= 0 ? tv : a[4]), (uint64_t)(tv >= 0 ? tv : 0),
			(uint64_t)r->bytes, r->ntimers == 5 ? (a[0] < 0 || a[4] < 0) : err);
		return after_line(h, 0);
	}
	if (flags & HZ_HALOG_HDR) {
		struct hz_str blk = h->o.cap_block == 1 ? r->req_cap : r->res_cap;
		int has = h->o.cap_block == 1 ? r->has_req_cap : h->o.cap_block == 2 ? r->has_res_cap : 0;
		size_t i = 0, slot = 1, s0;
		h->lines_out++;
		if (!has)
			return after_line(h, puts_line(h, "", 0));
		while (slot < h->o.cap_field && i < blk.n) {
			if (blk.p[i++] == '|')
				slot++;
		}
		if (slot < h->o.cap_field)
			return after_line(h, puts_line(h, "", 0));
		s0 = i;
		while (i < blk.n && blk.p[i] != '|')
			i++;
		return after_line(h, puts_line(h, blk.p + s0, i - s0));
	}
	switch (h->line_filter) {
	case LF_NONE:
		h->lines_out++;
		break;
	case LF_OUTPUT:
		h->lines_out++;
		return after_line(h, puts_line(h, p, n));
	case LF_HOLES: {
		char d[40];
		int v = -1;
		if (r->date.n && r->date.n + 3 < sizeof(d)) {
			/* as halog sees it: "[date]" */
			d[0] = '[';
			memcpy(d + 1, r->date.p, r->date.n);
			memcpy(d + 1 + r->date.n, "]", 2);
			v = convert_date(d);
		}
		if (v < 0)
			h->parse_err++;
		else if (ilist_add(&h->holes, v))
			h->oom = 1;
		break;
	}
	case LF_GRAPHS:
		if (r->http)
			graphs_add(h, a, err);
		break;
	case LF_STATUS:
		if (r->http && r->has_status)
			add_int(h, 0, r->status);
		break;
	case LF_COOK:
		if (r->term.n >= 4)
			add_int(h, 0, 256 * (int)(signed char)r->term.p[2] + (int)(signed char)r->term.p[3]);
		break;
	case LF_TERM:
		if (r->term.n >= 2)
			add_int(h, 0, 256 * (int)(signed char)r->term.p[0] + (int)(signed char)r->term.p[1]);
		break;
	case LF_SRV: {
		struct sstat *st;
		if (!r->http || !r->server.n)
			break;
		if (!(st = stab_get(h, r->server.p, r->server.n))) {
			h->oom = 1;
			break;
		}
		if (!err)
			st->nb_ok++;
		if (a[2] >= 0) {
			st->cum_ct += (uint64_t)a[2];
			st->nb_ct++;
		}
		if (a[3] >= 0) {
			st->cum_rt += (uint64_t)a[3];
			st->nb_rt++;
		}
		st->st_cnt[r->status >= 100 && r->status <= 599 ? r->status / 100 : 0]++;
		break;
	}
	case LF_URL: {
		struct hz_str u = (flags & HZ_HALOG_QUERY) ? r->uri : r->path;
		if (!r->http || !u.n)
			break;
		if (!(flags & HZ_HALOG_QUERY)) {
			const char *sc = memchr(u.p, ';', u.n);
			if (sc)
				u.n = (size_t)(sc - u.p);
		}
		url_add(h, u.p, u.n, (uint64_t)(int64_t)(a[3] >= 0 ? a[3] : a[4]), (uint64_t)(a[3] >= 0 ? a[3] : 0),
			(uint64_t)r->bytes, err);
		break;
	}
	}
	return after_line(h, 0);
}

/* --- output -------------------------------------------------------------- */

static int sent_cmp_key(const void *a, const void *b)
{
	const struct sent *x = *(const struct sent *const *)a, *y = *(const struct sent *const *)b;
	return strcmp(x->key, y->key);
}

/* halog walks its value tree backwards: higher values first, and among equal
 * values the later key (in byte order) first. */
static int sent_cmp_val(const void *a, const void *b)
{
	const struct sent *x = *(const struct sent *const *)a, *y = *(const struct sent *const *)b;
	if (x->st.sortkey != y->st.sortkey)
		return x->st.sortkey < y->st.sortkey ? 1 : -1;
	return -strcmp(x->key, y->key);
}

static const struct sent **sorted_keys(struct hz_halog *h, int (*cmp)(const void *, const void *), size_t *n)
{
	const struct sent **v = malloc((h->s.n ? h->s.n : 1) * sizeof(*v));
	size_t k = 0;

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < h->s.cap; i++)
		if (h->s.e[i].key)
			v[k++] = &h->s.e[i];
	qsort(v, k, sizeof(*v), cmp);
	*n = k;
	return v;
}

static int limit_reached(const struct hz_halog *h)
{
	return h->o.lines_max >= 0 && h->lines_out >= h->o.lines_max;
}

#define UBIT(k) (1u << (k))

/* The sort value, in halog's order of precedence between -u* keys. */
static uint64_t sort_value(const struct hz_halog *h, const struct sstat *u)
{
	unsigned k = h->o.url_sort;

	if ((h->o.flags & HZ_HALOG_IP) || (k & UBIT(HZ_HALOG_U_COUNT)))
		return u->nb_req;
	if (k & UBIT(HZ_HALOG_U_ERR))
		return u->nb_err;
	if (k & UBIT(HZ_HALOG_U_TTOT))
		return u->total_time;
	if (k & UBIT(HZ_HALOG_U_TAVG))
		return u->nb_req ? u->total_time / u->nb_req : 0;
	if (k & UBIT(HZ_HALOG_U_TTOTO))
		return u->total_time_ok;
	if (k & UBIT(HZ_HALOG_U_TAVGO))
		return (u->nb_req - u->nb_err) ? u->total_time_ok / (u->nb_req - u->nb_err) : 0;
	if (k & UBIT(HZ_HALOG_U_BAVG))
		return u->nb_req ? u->total_bytes / u->nb_req : 0;
	if (k & UBIT(HZ_HALOG_U_BTOT))
		return u->total_bytes;
	return 0;
}

static void render_pct(struct hz_halog *h, FILE *out)
{
	struct ipair *v[5] = { 0 };
	size_t nv[5] = { 0 }, idx[5] = { 0 };
	unsigned long cum[5] = { 0 };
	double step;

	if (!h->lines_out)
		return;
	for (int f = 1; f < 5; f++) {
		v[f] = itab_sorted(&h->t[f], &nv[f]);
		if (!v[f]) {
			/* an empty tree: halog would crash (-pct with -hdr or -ic) */
			h->oom = h->t[f].n != 0;
			goto out;
		}
		cum[f] = v[f][0].cnt;
	}
	for (step = 1; step <= 1000;) {
		unsigned thres = (unsigned)(h->lines_out * (step / 1000.0));
		fprintf(out, "%3.1f %u ", step / 10.0, thres);
		for (int f = 1; f < 5; f++) {
			while (cum[f] < thres && idx[f] + 1 < nv[f]) {
				idx[f]++;
				cum[f] += v[f][idx[f]].cnt;
			}
			fprintf(out, "%d ", v[f][idx[f]].key);
		}
		putc('\n', out);
		if (step >= 100 && step < 900)
			step += 50;
		else if (step >= 20 && step < 980)
			step += 10;
		else
			step += 1;
	}
out:
	for (int f = 1; f < 5; f++)
		free(v[f]);
}

int hz_halog_render(struct hz_halog *h, FILE *out)
{
	const unsigned flags = h->o.flags;
	struct ipair *v;
	size_t n;

	if (flags & HZ_HALOG_COUNT) {
		fprintf(out, "%ld\n", h->lines_out);
	} else if (flags & (HZ_HALOG_ACC_COUNT | HZ_HALOG_ACC_DELAY)) {
		int last = 0;
		ilist_merge(&h->holes);
		v = h->holes.v;
		n = h->holes.n;
		if (n)
			last = v[0].key;
		for (size_t i = 0; i < n; i++) {
			unsigned hh = (unsigned)v[i].key, d, m, s, ms;
			d = hh - (unsigned)last;
			last = (int)hh;
			if (d >= h->o.acc_delay && v[i].cnt >= h->o.acc_count) {
				ms = hh % 1000; hh /= 1000;
				s = hh % 60; hh /= 60;
				m = hh % 60; hh /= 60;
				fprintf(out, "%02u:%02u:%02u.%03u %d %u %u\n", hh, m, s, ms, last, d, v[i].cnt);
				h->lines_out++;
				if (limit_reached(h))
					break;
			}
		}
	} else if (flags & HZ_HALOG_GRAPH) {
		for (int f = 0; f < 5; f++) {
			v = itab_sorted(&h->t[f], &n);
			for (size_t i = 0; i < n; i++) {
				int last = v[i].key, sh;
				double d;
				sh = fls32(last < 0 ? -(unsigned)last : (unsigned)last) - QBITS;
				d = sh > 0 ? v[i].cnt / (double)(1u << sh) : (double)v[i].cnt;
				if (d > 0.0)
					fprintf(out, "%d %d %f\n", f, last, d + 1.0);
			}
			free(v);
		}
	} else if (flags & HZ_HALOG_PCT) {
		render_pct(h, out);
	} else if (flags & HZ_HALOG_STATUS) {
		v = itab_sorted(&h->t[0], &n);
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "%d %u\n", v[i].key, v[i].cnt);
			h->lines_out++;
			if (limit_reached(h))
				break;
		}
		free(v);
	} else if (flags & HZ_HALOG_SRV) {
		const struct sent **k = sorted_keys(h, sent_cmp_key, &n);
		fputs("#srv_name 1xx 2xx 3xx 4xx 5xx other tot_req req_ok pct_ok avg_ct avg_rt\n", out);
		for (size_t i = 0; k && i < n; i++) {
			const struct sstat *s = &k[i]->st;
			unsigned tot = 0;
			for (int f = 0; f <= 5; f++)
				tot += s->st_cnt[f];
			fprintf(out, "%s %u %u %u %u %u %u %d %u %.1f %d %d\n", k[i]->key, s->st_cnt[1], s->st_cnt[2],
				s->st_cnt[3], s->st_cnt[4], s->st_cnt[5], s->st_cnt[0], (int)tot, s->nb_ok,
				(double)s->nb_ok * 100.0 / (tot ? tot : 1), (int)(s->cum_ct / (s->nb_ct ? s->nb_ct : 1)),
				(int)(s->cum_rt / (s->nb_rt ? s->nb_rt : 1)));
			h->lines_out++;
			if (limit_reached(h))
				break;
		}
		if (!k)
			h->oom = 1;
		free(k);
	} else if (flags & (HZ_HALOG_TERM | HZ_HALOG_COOK)) {
		v = itab_sorted(&h->t[0], &n);
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "%c%c %u\n", (char)(v[i].key >> 8), (char)(v[i].key & 255), v[i].cnt);
			h->lines_out++;
			if (limit_reached(h))
				break;
		}
		free(v);
	} else if (flags & (HZ_HALOG_URL | HZ_HALOG_IP)) {
		/* -u keeps halog's string tree, walked backwards */
		int by_key = (h->o.url_sort & UBIT(HZ_HALOG_U_URL)) != 0;
		const struct sent **k;
		for (size_t i = 0; i < h->s.cap; i++)
			if (h->s.e[i].key)
				h->s.e[i].st.sortkey = by_key ? 0 : sort_value(h, &h->s.e[i].st);
		k = sorted_keys(h, sent_cmp_val, &n);
		/* halog prints "src" for every -u* mode: its test of the -ic flag is
		 * always true */
		fputs((flags & HZ_HALOG_IP) || !h->o.fixed ? "#req err ttot tavg oktot okavg bavg btot src\n"
							    : "#req err ttot tavg oktot okavg bavg btot url\n", out);
		for (size_t i = 0; k && i < n; i++) {
			const struct sstat *u = &k[i]->st;
			fprintf(out, "%u %u %llu %llu %llu %llu %llu %llu %s\n", u->nb_req, u->nb_err,
				(unsigned long long)u->total_time,
				(unsigned long long)(u->nb_req ? u->total_time / u->nb_req : 0),
				(unsigned long long)u->total_time_ok,
				(unsigned long long)((u->nb_req - u->nb_err) ? u->total_time_ok / (u->nb_req - u->nb_err) : 0),
				(unsigned long long)(u->nb_req ? u->total_bytes / u->nb_req : 0),
				(unsigned long long)u->total_bytes, k[i]->key);
			h->lines_out++;
			if (limit_reached(h))
				break;
		}
		if (!k)
			h->oom = 1;
		free(k);
	}
	if (fflush(out) == EOF || ferror(out))
		return HZ_EWRITE;
	return h->oom ? HZ_ENOMEM : 0;
}

void hz_halog_totals(const struct hz_halog *h, long *lines_in, long *lines_out, long *parse_err,
		     int *print_summary)
{
	*lines_in = h->count_fast ? 0 : h->linenum;
	*lines_out = h->lines_out;
	*parse_err = h->parse_err;
	*print_summary = !(h->o.flags & HZ_HALOG_COUNT);
}

/* --- named fields: which field holds what ---------------------------------- */

void hz_halog_fmap_init(struct hz_halog_fmap *map, const struct hz_format *f)
{
	size_t n = hz_format_nfields(f);

	memset(map, 0xff, sizeof(*map));
	for (size_t i = 0; i < n; i++) {
		int *slot = NULL;
		switch (hz_format_field(f, i)->alias) {
		case HZ_A_ci: slot = &map->ci; break;
		case HZ_A_t: case HZ_A_tr: slot = &map->date; break;
		case HZ_A_b: slot = &map->b; break;
		case HZ_A_s: slot = &map->s; break;
		case HZ_A_TR: case HZ_A_Tq: slot = &map->tr; break;
		case HZ_A_Tw: slot = &map->tw; break;
		case HZ_A_Tc: slot = &map->tc; break;
		case HZ_A_Tr: slot = &map->trr; break;
		case HZ_A_Ta: case HZ_A_Tt: slot = &map->ta; break;
		case HZ_A_ST: slot = &map->st; break;
		case HZ_A_B: slot = &map->bytes; break;
		case HZ_A_ts: case HZ_A_tsc: slot = &map->term; break;
		case HZ_A_sq: slot = &map->sq; break;
		case HZ_A_bq: slot = &map->bq; break;
		case HZ_A_r: slot = &map->req; break;
		case HZ_A_HP: slot = &map->path; break;
		case HZ_A_HU: slot = &map->uri; break;
		case HZ_A_hr: slot = &map->hr; break;
		case HZ_A_hs: slot = &map->hs; break;
		default: break;
		}
		/* the first of two fields that say the same wins (%Ta before %Tt) */
		if (slot && *slot < 0)
			*slot = (int)i;
	}
}

static int num(const struct hz_match *m, int i, int64_t *v)
{
	if (i < 0 || m->empty[i])
		return -1;
	return hz_field_int(m->v[i], v);
}

static int timer(const struct hz_match *m, int i)
{
	int64_t v;

	if (i < 0 || num(m, i, &v) || v < 0)
		return -1;
	return v > INT_MAX ? INT_MAX : (int)v;
}

void hz_halog_rec_fill(const struct hz_halog_fmap *map, const struct hz_match *m, struct hz_halog_rec *r)
{
	int64_t v;

	memset(r, 0, sizeof(*r));
	if (map->ci >= 0 && !m->empty[map->ci])
		r->src = m->v[map->ci];
	if (map->date >= 0 && !m->empty[map->date])
		r->date = m->v[map->date];
	if (map->b >= 0 && map->s >= 0 && !m->empty[map->b]) {
		/* backend/server as halog shows it: one view when adjacent */
		const struct hz_str b = m->v[map->b], s = m->v[map->s];
		if (s.p == b.p + b.n + 1 && b.p[b.n] == '/')
			r->server = hz_str_make(b.p, b.n + 1 + s.n);
		else
			r->server = b;
	}
	r->has_status = num(m, map->st, &v) == 0;
	if (r->has_status)
		r->status = v < INT_MIN ? INT_MIN : v > INT_MAX ? INT_MAX : (int)v;
	r->http = r->has_status && map->tr >= 0 && map->trr >= 0 && map->ta >= 0;
	if (r->http) {
		r->ntimers = 5;
		r->t[0] = timer(m, map->tr);
		r->t[3] = timer(m, map->trr);
	} else {
		r->ntimers = 3;
	}
	r->t[1] = map->tw >= 0 ? timer(m, map->tw) : 0;
	r->t[2] = map->tc >= 0 ? timer(m, map->tc) : 0;
	r->t[4] = map->ta >= 0 ? timer(m, map->ta) : 0;
	if (num(m, map->bytes, &v) == 0)
		r->bytes = v;
	if (map->term >= 0 && !m->empty[map->term])
		r->term = m->v[map->term];
	if (map->sq >= 0 && map->bq >= 0) {
		int64_t a, b;
		r->has_queue = num(m, map->sq, &a) == 0 && num(m, map->bq, &b) == 0;
		if (r->has_queue) {
			r->srv_queue = (int)(a > INT_MAX ? INT_MAX : a);
			r->be_queue = (int)(b > INT_MAX ? INT_MAX : b);
		}
	}
	if (map->req >= 0 && !m->empty[map->req]) {
		struct hz_request rq;
		if (hz_field_request(m->v[map->req], &rq) == 0 && !rq.bad) {
			r->path = rq.path;
			r->uri = rq.uri;
		} else {
			/* the key halog gives a request line it cannot split */
			r->path = r->uri = hz_str_make("\"<BADREQ>\"", 10);
		}
	}
	if (!r->uri.n && map->uri >= 0 && !m->empty[map->uri])
		r->uri = m->v[map->uri];
	if (!r->path.n && map->path >= 0 && !m->empty[map->path])
		r->path = m->v[map->path];
	if (!r->path.n && r->uri.n) {
		const char *q = memchr(r->uri.p, '?', r->uri.n);
		r->path = hz_str_make(r->uri.p, q ? (size_t)(q - r->uri.p) : r->uri.n);
	}
	if (map->hr >= 0 && !(m->mark[map->hr] & HZ_MARK_ABSENT)) {
		r->has_req_cap = 1;
		r->req_cap = m->v[map->hr];
	}
	if (map->hs >= 0 && !(m->mark[map->hs] & HZ_MARK_ABSENT)) {
		r->has_res_cap = 1;
		r->res_cap = m->v[map->hs];
	}
	if (!r->http) {
		/* a TCP line's timers: Tw Tc Tt; nothing else is HTTP */
		r->t[0] = 0;
		r->t[3] = 0;
	}
}
