/* Line-level diagnosis: TLS verdicts, built-in rule hits, session tracing, the series. */
#include "diagnose.h"

#include <stdlib.h>
#include <string.h>

#include "halyze/correlate.h"
#include "halyze/fields.h"
#include "halyze/str.h"
#include "bigmem.h"

/* The sample field whose expression is `fetch`, alone or with arguments or
 * converters ("ssl_c_i_dn(cn)", "ssl_c_serial,hex"); -1 when none. */
static int find_fetch(const struct hz_format *f, const char *fetch)
{
	size_t k = strlen(fetch);

	for (size_t i = 0; i < hz_format_nfields(f); i++) {
		const struct hz_field_info *fi = hz_format_field(f, i);
		if (fi->alias != HZ_A_SAMPLE || fi->expr.n < k || memcmp(fi->expr.p, fetch, k) != 0)
			continue;
		if (fi->expr.n == k || fi->expr.p[k] == '(' || fi->expr.p[k] == ',')
			return (int)i;
	}
	return -1;
}

static int find_alias(const struct hz_format *f, enum hz_alias a)
{
	for (size_t i = 0; i < hz_format_nfields(f); i++)
		if (hz_format_field(f, i)->alias == a)
			return (int)i;
	return -1;
}

static int first_of(int a, int b)
{
	return a >= 0 ? a : b;
}

void hz_diag_bind(const struct hz_format *f, struct hz_diag_binding *b)
{
	static const char *const ident[] = { "ssl_c_s_dn", "ssl_c_i_dn", "ssl_c_serial", "ssl_c_sha1",
					     "ssl_c_notafter", "ssl_c_notbefore", "ssl_c_der",
					     "ssl_c_key_alg", "ssl_c_sig_alg" };

	memset(b, -1, sizeof(*b));
	b->nident = 0;
	b->has_crt = find_fetch(f, "ssl_fc_has_crt");
	b->resumed = find_fetch(f, "ssl_fc_is_resumed");
	b->used = find_fetch(f, "ssl_c_used");
	b->verify = find_fetch(f, "ssl_c_verify");
	b->c_err = find_fetch(f, "ssl_c_err");
	b->ca_err = find_fetch(f, "ssl_c_ca_err");
	b->sid = find_fetch(f, "ssl_fc_session_id");
	b->sni = find_fetch(f, "ssl_fc_sni");
	b->sslv = first_of(find_alias(f, HZ_A_sslv), find_fetch(f, "ssl_fc_protocol"));
	b->date = first_of(find_alias(f, HZ_A_t), first_of(find_alias(f, HZ_A_tr),
		  first_of(find_alias(f, HZ_A_T), first_of(find_alias(f, HZ_A_trg),
		  first_of(find_alias(f, HZ_A_Tl), find_alias(f, HZ_A_trl))))));
	b->client = find_alias(f, HZ_A_ci);
	b->frontend = first_of(find_alias(f, HZ_A_ft), find_alias(f, HZ_A_f));
	b->term = first_of(find_alias(f, HZ_A_tsc), find_alias(f, HZ_A_ts));
	b->request = find_alias(f, HZ_A_r);
	b->status = find_alias(f, HZ_A_ST);
	b->subject = find_fetch(f, "ssl_c_s_dn");
	b->issuer = find_fetch(f, "ssl_c_i_dn");
	b->serial = find_fetch(f, "ssl_c_serial");
	b->notafter = find_fetch(f, "ssl_c_notafter");
	for (size_t k = 0; k < sizeof(ident) / sizeof(ident[0]); k++)
		for (size_t i = 0; i < hz_format_nfields(f) && b->nident < HZ_DIAG_MAX_IDENT; i++) {
			const struct hz_field_info *fi = hz_format_field(f, i);
			size_t n = strlen(ident[k]);
			if (fi->alias == HZ_A_SAMPLE && fi->expr.n >= n && memcmp(fi->expr.p, ident[k], n) == 0)
				b->ident[b->nident++] = (int)i;
		}
	b->verdict = b->has_crt >= 0 || b->resumed >= 0;
	b->nverr = 0;
	for (int k = 0; k < 3; k++) {
		int i = k == 0 ? b->verify : k == 1 ? b->c_err : b->ca_err;
		if (i >= 0) {
			b->verr[b->nverr] = i;
			b->verr_k[b->nverr++] = k;
		}
	}
}

/* A prefetch that asks for the line owned, ready for a store (3% on the
 * diagnosis against a plain prefetch). GCC emits PREFETCHW only when the
 * build targets it, and the x86-64 baseline does not; so it is written out,
 * for the CPUs that say they have it. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
static int have_prefetchw;

__attribute__((constructor)) static void prefetchw_init(void)
{
	unsigned a, b, c, d;

	have_prefetchw = __get_cpuid(0x80000001u, &a, &b, &c, &d) && (c & (1u << 8));
}

static inline void prefetch_for_write(const void *p)
{
	if (have_prefetchw)
		__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
	else
		__builtin_prefetch(p, 1);
}
#else
static inline void prefetch_for_write(const void *p)
{
	__builtin_prefetch(p, 1);
}
#endif

/* ---- session tracing: a table of recent full handshakes, bounded by time ---- */

/* The window is the ticket lifetime up to the newest handshake put, so a
 * handshake dated before the table's horizon is dead, whenever it was
 * logged. Handshakes are never deleted one by one (a queue in put order and
 * a random delete per put, as the window moves, cost more than the rest of
 * the tracing): lookups check the horizon, and the dead are dropped when
 * the table fills up, in one pass that also sizes the table for the live
 * ones. */
struct slot {
	uint64_t key;   /* 0 = empty */
	int64_t ms;     /* the last put's date; undated: see UNDATED_END */
};

/* An undated handshake is kept as INT64_MIN + its rank among the undated
 * puts: below every date (dates are years 0-9999, |ms| < 2^48), in put
 * order among themselves (the cap drops the first put first), and never
 * older than the window. */
#define UNDATED_END (INT64_MIN / 2)

struct table {
	struct slot *s;
	size_t mask, count;     /* count: slots in use, the dead included */
	size_t limit;           /* count that calls for a rebuild */
	size_t max;             /* the cap on live handshakes */
	int64_t horizon;        /* the newest put's date minus the window */
	uint64_t undated;       /* undated puts so far */
};

/* A handshake the window still holds: as recent as the horizon, or undated. */
static int is_live(const struct table *t, int64_t ms)
{
	return ms >= t->horizon || ms < UNDATED_END;
}

/* A rebuild when 3/4 full, or at 1.5 times the cap (the cap is enforced
 * at rebuilds: more may be live in between). */
static void set_limit(struct table *t)
{
	size_t full = (t->mask + 1) / 4 * 3, capped = t->max + t->max / 2 + 1;

	t->limit = full < capped ? full : capped;
}

static int table_init(struct table *t, size_t cap)
{
	t->mask = 63;   /* grows with the handshakes: most logs have none */
	t->s = hz_big_calloc(t->mask + 1, sizeof(*t->s));
	t->count = 0;
	t->max = cap;
	t->horizon = INT64_MIN;
	t->undated = 0;
	set_limit(t);
	return t->s ? 0 : -1;
}

static void table_free(struct table *t)
{
	hz_big_free(t->s);
}

static struct slot *table_find(const struct table *t, uint64_t key)
{
	size_t i = key & t->mask;
	for (;;) {
		struct slot *s = &t->s[i];
		if (s->key == key)
			return s;
		if (!s->key)
			return NULL;
		i = (i + 1) & t->mask;
	}
}

/* The value of the k-th largest of v[0..n) (1 <= k <= n), one byte at a
 * time from the top (at most 8 passes over what is left, whatever the
 * dates); *ge is how many are at least that value. Reorders v. */
static int64_t kth_largest(int64_t *v, size_t n, size_t k, size_t *ge)
{
	size_t lo = 0, hi = n, above = 0;

	for (int shift = 56; shift >= 0; shift -= 8) {
		size_t hist[256] = { 0 }, cum = above, j;
		int b;

		for (size_t i = lo; i < hi; i++)
			hist[(((uint64_t)v[i] ^ (1ull << 63)) >> shift) & 255]++;
		for (b = 255; cum + hist[b] < k; b--)
			cum += hist[b];
		/* keep the values of byte b at the front of [lo, hi) */
		j = lo;
		for (size_t i = lo; i < hi; i++)
			if (((((uint64_t)v[i] ^ (1ull << 63)) >> shift) & 255) == (uint64_t)b) {
				int64_t x = v[i];
				v[i] = v[j];
				v[j++] = x;
			}
		above = cum;
		hi = j;
	}
	*ge = above + (hi - lo);
	return v[lo];
}

/* The date below which live handshakes are dropped to keep at most max:
 * the oldest go first (undated ones, then by date), and all of a date or
 * none. INT64_MIN when no more than max are live; -1 when out of memory. */
static int cap_cut(const struct table *t, size_t live, int64_t *cut)
{
	int64_t *v, c;
	size_t n = 0, ge;

	*cut = INT64_MIN;
	if (live <= t->max)
		return 0;
	if (!(v = malloc(live * sizeof(*v))))
		return -1;
	for (size_t i = 0; i <= t->mask; i++)
		if (t->s[i].key && is_live(t, t->s[i].ms))
			v[n++] = t->s[i].ms;
	c = kth_largest(v, n, t->max, &ge);
	*cut = ge > t->max ? c + 1 : c;
	free(v);
	return 0;
}

/* Drops the dead in place, the table's size kept (once the log is longer
 * than the window, each rebuild would otherwise fault in a fresh table):
 * each live handshake is set again from its home, in one pass around the
 * table from an empty slot. It only moves back, into room the dead left,
 * and the pass starts outside every run of slots, so the runs ahead of it
 * are still whole when it gets to them. */
static void table_purge(struct table *t, int64_t cut)
{
	size_t start = 0, n = 0;

	while (t->s[start].key)
		start = (start + 1) & t->mask;
	for (size_t k = 1; k <= t->mask; k++) {
		size_t i = (start + k) & t->mask, j;
		struct slot x = t->s[i];
		if (!x.key)
			continue;
		t->s[i].key = 0;
		if (!is_live(t, x.ms) || x.ms < cut)
			continue;
		for (j = x.key & t->mask; t->s[j].key; j = (j + 1) & t->mask)
			;
		t->s[j] = x;
		n++;
	}
	t->count = n;
}

/* Keeps the live handshakes in a table at most half full with room for
 * `extra` more: the next rebuild is a quarter of it or more away, so a put
 * pays for a few slots of this sequential pass. */
static int table_rebuild(struct table *t, size_t extra)
{
	size_t live = 0, ncap = 1024, n = 0;
	int64_t cut;
	struct slot *ns;

	for (size_t i = 0; i <= t->mask; i++)
		live += t->s[i].key && is_live(t, t->s[i].ms);
	if (cap_cut(t, live, &cut))
		return -1;
	if (live > t->max)
		live = t->max;
	while (ncap / 2 < live + extra)
		ncap *= 2;
	if (ncap == t->mask + 1) {
		table_purge(t, cut);
		return 0;
	}
	if (!(ns = hz_big_calloc(ncap, sizeof(*ns))))
		return -1;
	for (size_t i = 0; i <= t->mask; i++) {
		const struct slot *x = &t->s[i];
		if (!x->key || !is_live(t, x->ms) || x->ms < cut)
			continue;
		size_t j = x->key & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = *x;
		n++;
	}
	hz_big_free(t->s);
	t->s = ns;
	t->mask = ncap - 1;
	t->count = n;
	set_limit(t);
	return 0;
}

/* Sets key's date, the last put winning, making room first when full. */
static int table_set(struct table *t, uint64_t key, int64_t ms)
{
	size_t i;

	for (;;) {
		for (i = key & t->mask; t->s[i].key && t->s[i].key != key; i = (i + 1) & t->mask)
			;
		if (t->s[i].key || t->count < t->limit)
			break;
		if (table_rebuild(t, 0))
			return -1;
	}
	if (!t->s[i].key) {
		t->s[i].key = key;
		t->count++;
	}
	t->s[i].ms = ms;
	return 0;
}

static int table_put(struct table *t, uint64_t key, int64_t ms, int64_t window)
{
	if (ms == INT64_MIN)
		ms = INT64_MIN + (int64_t)++t->undated;
	else if (ms - window > t->horizon)
		t->horizon = ms - window;
	return table_set(t, key, ms);
}

/* Whether handshake date x links a resumption dated ms: live, and within
 * the window before it (undated handshakes link only undated lines). */
static int links(const struct table *t, int64_t x, int64_t ms, int64_t window)
{
	if (ms == INT64_MIN)
		return is_live(t, x);
	return x >= (ms - window > t->horizon ? ms - window : t->horizon);
}

/* The series of one (bucket, frontend) while lines keep coming for it:
 * requests, then one count per built-in rule. Lines repeat a handful of
 * frontends within a bucket, so counting here and moving the counts into
 * the summary's series map when the row is recycled costs an increment per
 * line instead of a keyed lookup per series. */
#define HZ_DIAG_ROWS 8
/* columns: requests, the built-in rules, then the breakdowns behind the
 * HTML report's charts (full handshakes with a certificate, status classes,
 * who ended the session) */
#define COL_FULL_CERT (1 + HZ_RULE_BUILTIN_COUNT)
#define COL_STATUS (COL_FULL_CERT + 1)
#define COL_TERM (COL_STATUS + HZ_STATUS_CLASSES)
#define ROW_COLS (COL_TERM + HZ_TERM_CAUSES)
struct row {
	int64_t bucket;
	int used;
	size_t fe_n;
	char fe[64];
	uint64_t c[ROW_COLS];
};

/* Recent certificate end dates (ssl_c_notafter), by their text, 32 bytes
 * each, 16 KiB. On a log with 600 certificates a third of the lookups
 * miss; 4,096 entries missed less and ran slower (what the diagnosis
 * pushes out of the caches costs as much as its instructions). */
#define HZ_DIAG_DATES 512
struct cert_date {
	char key[16];
	int64_t ms;
	uint8_t n;          /* 0 = empty */
	uint8_t ok;
};

/* Work on large tables, done a line or two after it is found. Group
 * tallies and the tracing tables grow to a million keys that are hit at
 * random: done at once, each lookup waits for a cache miss (most of the
 * diagnosis' cost). Queued, the lookup's memory is prefetched while the
 * next lines are tokenized, and the work is done in the original order, so
 * the results are the same. */
#define GROUP_MAX 512
#define GQ 32           /* group counts in flight: a few per line */
struct gop {
	uint64_t h, seq;
	enum hz_rule_id rule;
	size_t n;
	char key[GROUP_MAX];
};

/* A built-in rule's group counts while the scan runs. A group map is hit
 * at random, about once a line, and grows to a hundred thousand keys and
 * more (clients): in the summary's count map, each hit reads a slot and
 * then the key's record, two cache misses in a map bigger than the cache.
 * A tally keeps the counts in its slots, 16 bytes each and nothing else to
 * read (a key's bytes are written once, when first met, and read again
 * when the tally is added into the map: at hz_diag_flush, or when it is
 * full): one miss a hit, in a table a third of the size. A key is known by
 * a 64-bit hash of its pieces, seeded per process (hz_hash_seed), as the
 * session tables know handshakes: two groups could only be confused by a
 * collision of 64-bit hashes. */
struct tslot {
	uint64_t h;         /* 0 = empty */
	uint32_t count;
	uint32_t off;       /* the key in keys[]: struct tkey, then its bytes */
};

struct tkey {
	uint32_t count;     /* the slot's count, copied there when the tally is added */
	uint16_t n;
};

struct tally {
	struct tslot *s;    /* NULL until the first hit */
	size_t mask, count;
	char *keys;         /* in the order first met: the order the map gets them */
	size_t used, cap;
};

/* a tally is added into its map, and emptied, at this many keys or key
 * bytes: the map's own cap (--max-keys) then applies, and the memory stays
 * bounded whatever the number of distinct groups */
#define TALLY_MAX ((size_t)1 << 17)
#define TALLY_KEYS ((size_t)8 << 20)

static int tally_init(struct tally *t)
{
	t->mask = 1023;
	t->count = 0;
	t->used = 0;
	t->s = hz_big_calloc(t->mask + 1, sizeof(*t->s));
	return t->s ? 0 : -1;
}

static void tally_free(struct tally *t)
{
	hz_big_free(t->s);
	hz_big_free(t->keys);
	memset(t, 0, sizeof(*t));
}

static struct tkey *tally_key(const struct tally *t, uint32_t off)
{
	return (struct tkey *)(void *)(t->keys + off);
}

static const char *tkey_bytes(const struct tkey *k)
{
	return (const char *)(k + 1);
}

/* Adds the tally's counts into map, in the order its keys were first met,
 * and empties it (its storage kept). */
static int tally_add_into(struct tally *t, struct hz_countmap *map)
{
	size_t off = 0;

	if (!t->count)
		return 0;
	/* the counts into their keys, then the keys in order: each key's record
	 * in the map is looked up once, in the order a direct count would have
	 * made them */
	for (size_t i = 0; i <= t->mask; i++)
		if (t->s[i].h)
			tally_key(t, t->s[i].off)->count = t->s[i].count;
	while (off < t->used) {
		const struct tkey *k = tally_key(t, (uint32_t)off);
		size_t n = k->n;
		if (k->count) {
			uint64_t *c = hz_countmap_get(map, tkey_bytes(k), n);
			if (!c)
				return HZ_ENOMEM;
			*c += k->count;
		}
		off += (sizeof(struct tkey) + n + 7) & ~(size_t)7;
	}
	memset(t->s, 0, (t->mask + 1) * sizeof(*t->s));
	t->count = 0;
	t->used = 0;
	return 0;
}

static int tally_grow(struct tally *t)
{
	size_t ncap = (t->mask + 1) * 2;
	struct tslot *ns = hz_big_calloc(ncap, sizeof(*ns));

	if (!ns)
		return -1;
	for (size_t i = 0; i <= t->mask; i++) {
		if (!t->s[i].h)
			continue;
		size_t j = t->s[i].h & (ncap - 1);
		while (ns[j].h)
			j = (j + 1) & (ncap - 1);
		ns[j] = t->s[i];
	}
	hz_big_free(t->s);
	t->s = ns;
	t->mask = ncap - 1;
	return 0;
}

#define TQ 8
/* how many lines later: the group count, the tracing */
#define AGE_GROUP 3
#define AGE_TRACE 2
enum { T_PUT, T_TRACE };
/* 48 bytes: a scan split among threads keeps one for each resumption an
 * earlier part may trace (hundreds of thousands) */
struct top {
	uint64_t sid_key, id_key, seq;
	int64_t ms, first_ms;   /* first_ms as the line saw it */
	uint8_t kind, identity, tls13;
};

struct hz_diag {
	struct hz_diag_opts o;
	int split;                  /* one part of a scan split among threads */
	struct top *cand;           /* resumptions an earlier part may trace */
	size_t ncand, candcap;
	uint64_t seq;               /* lines recorded */
	struct gop *gq;             /* [GQ], not zeroed: written before read */
	size_t gq_head, gq_len;
	struct tally tally[HZ_RULE_BUILTIN_COUNT];
	struct top tq[TQ];
	size_t tq_head, tq_len;
	struct row rows[HZ_DIAG_ROWS];
	uint8_t by_fe[64];          /* 1 + the row a frontend's name hashed to last, or 0 */
	uint64_t zeros[3];          /* verify, cert_errors, ca_errors of "0", not yet in the owner's maps */
	int64_t b_lo, b_hi, b;      /* the last line's bucket [b_lo, b_hi): no division */
	int64_t b_width;            /* ... for this bucket width */
	size_t next_row;            /* the next to recycle */
	struct hz_summary *owner;   /* where the rows' counts go */
	struct cert_date *dates;    /* [HZ_DIAG_DATES], from the first certificate on */
	struct table by_sid, by_id;
	/* the owner's counters of the untraced reasons, looked up once (most
	 * resumptions of a long log stay untraced); cleared by hz_diag_flush */
	uint64_t *why_count[4];
	int64_t first_ms, max_ms;
	/* consecutive lines share their date up to the minute, and often the
	 * certificate: parse each once */
	char date_key[17];
	int64_t date_base_ms;       /* the minute of date_key, in ms */
	int date_valid;
	char sec_key[20];           /* "dd/Mon/yyyy:HH:MM:SS" of the last %tr-like date */
	int64_t sec_ms;             /* that second, in ms; INT64_MIN: none */
};

__extension__ typedef unsigned __int128 u128;

/* The 128-bit product of a and b, its halves folded. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
	u128 r = (u128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Folds (p, n) into h, sixteen bytes a multiply, the last ones read
 * overlapping (never outside the view); the length goes in too, so ("ab",
 * "c") and ("a", "bc") differ. h starts from hz_hash_seed: the keys are
 * log content, and must not collide on purpose. */
static inline uint64_t mix(uint64_t h, const char *p, size_t n)
{
	uint64_t a, b;

	if (n > 16) {
		size_t i = 0;
		for (; i + 16 < n; i += 16)
			h = mum(hz_rd64(p + i) ^ h ^ 0xa0761d6478bd642full, hz_rd64(p + i + 8) ^ 0xe7037ed1a0b428dbull);
		a = hz_rd64(p + n - 16);
		b = hz_rd64(p + n - 8);
	} else if (n >= 8) {
		a = hz_rd64(p);
		b = hz_rd64(p + n - 8);
	} else if (n >= 4) {
		a = hz_rd32(p);
		b = hz_rd32(p + n - 4);
	} else if (n) {
		a = (uint64_t)(unsigned char)p[0] << 16 | (uint64_t)(unsigned char)p[n / 2] << 8 | (unsigned char)p[n - 1];
		b = 0;
	} else {
		a = b = 0;
	}
	return mum(a ^ h ^ 0x8ebc6af09c88c6e3ull, b ^ (n * 0x589965cc75374cc3ull) ^ 0x1d8e4e27c47d124full);
}

/* mix of a view, a missing one apart from an empty one */
static inline uint64_t mix_view(uint64_t h, struct hz_str v)
{
	return v.p ? mix(h, v.p, v.n) : mix(h ^ 0x2d358dccaa6c78a5ull, "", 0);
}

static uint64_t nonzero(uint64_t h)
{
	h ^= h >> 31;
	h *= 0x9e3779b97f4a7c15ull;
	return h ? h : 1;
}

struct hz_diag *hz_diag_new(const struct hz_diag_opts *o)
{
	struct hz_diag *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->o.ticket_lifetime_ms = o && o->ticket_lifetime_ms > 0 ? o->ticket_lifetime_ms : 7200000;
	d->o.expiry_warn_ms = o && o->expiry_warn_ms > 0 ? o->expiry_warn_ms : 30LL * 86400000;
	d->o.max_sessions = o && o->max_sessions ? o->max_sessions : 4u << 20;
	d->first_ms = INT64_MAX;
	d->max_ms = INT64_MIN;
	d->sec_ms = INT64_MIN;
	/* the queue apart, and not zeroed: 17 KB that a format without TLS
	 * fields hardly uses (a page fault for every 4 KB touched) */
	if (!(d->gq = malloc(GQ * sizeof(*d->gq))) || table_init(&d->by_sid, d->o.max_sessions)
	    || table_init(&d->by_id, d->o.max_sessions)) {
		hz_diag_free(d);
		return NULL;
	}
	return d;
}

static int drain(struct hz_diag *d, int all);

static const char *col_name(size_t col)
{
	if (col == 0)
		return HZ_SERIES_REQUESTS;
	if (col < COL_FULL_CERT)
		return hz_rule_def((enum hz_rule_id)(col - 1))->name;
	if (col == COL_FULL_CERT)
		return HZ_SERIES_FULL_CERT;
	if (col < COL_TERM)
		return hz_series_status[col - COL_STATUS];
	return hz_series_term[col - COL_TERM];
}

/* Adds 1 to column col of the line's row, or to its series in s when the
 * line has no row. */
static int count_col(struct hz_summary *s, struct row *w, int64_t ms, struct hz_str fe, size_t col)
{
	if (w) {
		w->c[col]++;
		return 0;
	}
	return hz_summary_series(s, ms, fe.p ? fe.p : "", fe.n, col_name(col), 1);
}

static int flush_row(struct hz_diag *d, struct row *w)
{
	int rc = 0;

	if (!w->used)
		return 0;
	for (size_t col = 0; col < ROW_COLS && !rc; col++)
		if (w->c[col])
			rc = hz_summary_series(d->owner, w->bucket * d->owner->bucket_ms, w->fe, w->fe_n,
					       col_name(col), w->c[col]);
	w->used = 0;
	return rc;
}

int hz_diag_flush(struct hz_diag *d)
{
	int rc = d->owner ? drain(d, 1) : 0;

	memset(d->why_count, 0, sizeof(d->why_count));
	for (int k = 0; k < 3 && d->owner; k++) {
		struct hz_countmap *maps[3] = { d->owner->tls.verify, d->owner->tls.cert_errors, d->owner->tls.ca_errors };
		uint64_t *c;
		if (!d->zeros[k])
			continue;
		if (!(c = hz_countmap_get(maps[k], "0", 1))) {
			rc = rc ? rc : HZ_ENOMEM;
			continue;
		}
		*c += d->zeros[k];
		d->zeros[k] = 0;
	}
	for (size_t r = 0; r < HZ_RULE_BUILTIN_COUNT && d->owner; r++) {
		int e = tally_add_into(&d->tally[r], d->owner->hits[r].groups);
		if (!rc)
			rc = e;
	}

	for (size_t i = 0; i < HZ_DIAG_ROWS; i++) {
		int r = flush_row(d, &d->rows[i]);
		if (!rc)
			rc = r;
	}
	return rc;
}

/* The row of (the bucket of ms, fe) for summary s; NULL when fe is too long
 * for a row (the caller then counts in the summary directly) or on error
 * (*rc set). */
static struct row *row_for(struct hz_diag *d, struct hz_summary *s, int64_t ms, struct hz_str fe, int *rc)
{
	struct row *w;
	int64_t b;
	unsigned h;

	if (ms >= d->b_lo && ms < d->b_hi && d->b_width == s->bucket_ms) {
		b = d->b;
	} else {
		b = ms / s->bucket_ms - (ms % s->bucket_ms < 0);
		d->b = b;
		d->b_width = s->bucket_ms;
		d->b_lo = b * s->bucket_ms;
		d->b_hi = d->b_lo + s->bucket_ms;
	}
	/* by the frontend's name: frontends interleave, so that "the row of the
	 * line before" is a coin toss for the branch predictor, while the row a
	 * name hashed to last is nearly always right */
	if (fe.n >= 4) {
		uint32_t a, z;
		memcpy(&a, fe.p, 4);
		memcpy(&z, fe.p + fe.n - 4, 4);
		h = (unsigned)(((a ^ (z * 0x9e3779b1u) ^ (uint32_t)fe.n) * 0x85ebca6bu) >> 26);
	} else {
		h = (unsigned)fe.n;
	}
	if (d->by_fe[h] && (w = &d->rows[d->by_fe[h] - 1])->used && w->bucket == b && w->fe_n == fe.n
	    && hz_eq_short(w->fe, fe.p, fe.n))
		return w;
	/* a new bucket, or two names on one slot: a (bucket, frontend) has one
	 * row at most, so any row that matches is the one */
	if (fe.n > sizeof(d->rows[0].fe))
		return NULL;
	for (size_t i = 0; i < HZ_DIAG_ROWS; i++) {
		w = &d->rows[i];
		if (w->used && w->bucket == b && w->fe_n == fe.n && hz_eq_short(w->fe, fe.p, fe.n)) {
			d->by_fe[h] = (uint8_t)(i + 1);
			return w;
		}
	}
	d->by_fe[h] = (uint8_t)(d->next_row % HZ_DIAG_ROWS + 1);
	w = &d->rows[d->next_row++ % HZ_DIAG_ROWS];
	if ((*rc = flush_row(d, w)))
		return NULL;
	memset(w->c, 0, sizeof(w->c));
	w->used = 1;
	w->bucket = b;
	w->fe_n = fe.n;
	if (fe.n)
		memcpy(w->fe, fe.p, fe.n);
	return w;
}

void hz_diag_free(struct hz_diag *d)
{
	if (!d)
		return;
	table_free(&d->by_sid);
	table_free(&d->by_id);
	free(d->gq);
	for (size_t r = 0; r < HZ_RULE_BUILTIN_COUNT; r++)
		tally_free(&d->tally[r]);
	free(d->dates);
	hz_big_free(d->cand);
	free(d);
}

/* ---- per line ---- */

static struct hz_str val(const struct hz_match *m, int i)
{
	if (i < 0 || m->empty[i])
		return HZ_STR_NULL;
	return m->v[i];
}

static int is(struct hz_str v, char c)
{
	return v.n == 1 && v.p[0] == c;
}

static int count(struct hz_countmap *map, struct hz_str v)
{
	uint64_t *c = hz_countmap_get(map, v.p, v.n);
	if (!c)
		return HZ_ENOMEM;
	(*c)++;
	return 0;
}

/* "a b c" into buf from up to three views (the missing ones left out), cut
 * at cap; returns the length. */
static inline size_t group3(char *buf, size_t cap, struct hz_str a, struct hz_str b, struct hz_str c)
{
	struct hz_str v[3] = { a, b, c };
	size_t n = 0;

	if (!c.p && a.n && b.p && a.n + b.n + 1 <= cap) {
		/* the key of most hits: "frontend client" */
		hz_copy_short(buf, a.p, a.n);
		buf[a.n] = ' ';
		hz_copy_short(buf + a.n + 1, b.p, b.n);
		return a.n + 1 + b.n;
	}
	if (a.n + b.n + c.n + 2 <= cap) {
		/* the usual key: nothing to cut */
		for (int i = 0; i < 3; i++) {
			if (!v[i].p)
				continue;
			buf[n] = ' ';
			n += n != 0;
			hz_copy_short(buf + n, v[i].p, v[i].n);
			n += v[i].n;
		}
		return n;
	}
	for (int i = 0; i < 3; i++) {
		size_t k = v[i].n;
		if (!v[i].p)
			continue;
		if (n && n < cap)
			buf[n++] = ' ';
		if (k > cap - n)
			k = cap - n;
		memcpy(buf + n, v[i].p, k);
		n += k;
	}
	return n;
}

static inline int queue_group(struct hz_diag *d, enum hz_rule_id r, struct hz_str a, struct hz_str b,
			       struct hz_str c);

/* One hit of rule r: its series in the line's row when there is one (else
 * in the summary), its group queued, the rest in the summary. */
/* always inlined: a call with eleven arguments, most of them on the stack,
 * cost more than its work on the lines that hit a rule */
static inline __attribute__((always_inline)) int hit(struct hz_diag *d, struct hz_summary *s, struct row *w,
						      enum hz_rule_id r, int64_t ms, struct hz_str fe, struct hz_str a,
						      struct hz_str b, struct hz_str c, const char *path,
						      uint64_t line)
{
	if (ms == INT64_MIN || !w) {
		char g[GROUP_MAX];
		size_t n = group3(g, sizeof(g), a, b, c);
		return hz_summary_hit(s, r, ms, fe.p ? fe.p : "", fe.n, g, n, path, line);
	}
	w->c[1 + r]++;
	return queue_group(d, r, a, b, c) || hz_summary_hit_only(s, r, ms, path, line) ? HZ_ENOMEM : 0;
}

int hz_diag_cert_date(struct hz_str v, int64_t *ms)
{
	int d[6];
	int64_t y, mo, days;

	/* YYMMDDhhmmss followed by Z (or nothing) */
	if (v.n < 12)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (v.p[2 * i] < '0' || v.p[2 * i] > '9' || v.p[2 * i + 1] < '0' || v.p[2 * i + 1] > '9')
			return -1;
		d[i] = (v.p[2 * i] - '0') * 10 + (v.p[2 * i + 1] - '0');
	}
	if (d[1] < 1 || d[1] > 12 || d[2] < 1 || d[2] > 31 || d[3] > 23 || d[4] > 59 || d[5] > 60)
		return -1;
	/* HAProxy prints YY for both UTCTime and (cut) GeneralizedTime; years
	 * 1950-1999 give no value at all, so YY is always 20YY */
	y = 2000 + d[0];
	mo = d[1];
	/* days from civil (Howard Hinnant's algorithm) */
	y -= mo <= 2;
	{
		int64_t era = (y >= 0 ? y : y - 399) / 400;
		int64_t yoe = y - era * 400;
		int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d[2] - 1;
		int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		days = era * 146097 + doe - 719468;
	}
	*ms = ((days * 24 + d[3]) * 60 + d[4]) * 60000 + (int64_t)d[5] * 1000;
	return 0;
}

/* Links a resumed line to the full handshake it resumes, or says why not. */
static int trace(struct hz_diag *d, struct hz_summary *s, const struct top *t)
{
	static const char *const why[] = {
		"anonymous client: no identity or session id to match",
		"the original handshake may be before the scanned window",
		"TLS 1.3: session ids are not on the wire, and no identity to match",
		"no full handshake with this session or identity within the ticket lifetime",
	};
	struct slot *x;
	int64_t w = d->o.ticket_lifetime_ms, ms = t->ms;
	int k;

	if (t->sid_key && (x = table_find(&d->by_sid, t->sid_key)) && links(&d->by_sid, x->ms, ms, w)) {
		s->tls.resumed_traced++;
		return 0;
	}
	if (t->id_key && (x = table_find(&d->by_id, t->id_key)) && links(&d->by_id, x->ms, ms, w)) {
		s->tls.resumed_traced++;
		return 0;
	}
	if (d->split && (ms == INT64_MIN || t->first_ms == INT64_MAX || ms - t->first_ms <= w)) {
		/* an earlier part may hold its handshake: hz_diag_join decides */
		if (d->ncand == d->candcap) {
			/* a part can keep most of its resumptions (a slice shorter
			 * than the window): in huge pages once large, not in
			 * hundreds of thousands of small page faults */
			size_t ncap = d->candcap ? d->candcap * 2 : 256;
			struct top *nc = hz_big_calloc(ncap, sizeof(*nc));
			if (!nc)
				return HZ_ENOMEM;
			if (d->ncand)
				memcpy(nc, d->cand, d->ncand * sizeof(*nc));
			hz_big_free(d->cand);
			d->cand = nc;
			d->candcap = ncap;
		}
		d->cand[d->ncand++] = *t;
		return 0;
	}
	s->tls.resumed_untraced++;
	if (!t->identity && !t->sid_key)
		k = 0;
	else if (ms != INT64_MIN && t->first_ms != INT64_MAX && ms - t->first_ms < w)
		k = 1;
	else if (t->tls13 && !t->identity)
		k = 2;
	else
		k = 3;
	if (s != d->owner)
		return count(s->tls.untraced_reasons, hz_str_make(why[k], strlen(why[k])));
	if (!d->why_count[k] && !(d->why_count[k] = hz_countmap_get(s->tls.untraced_reasons, why[k], strlen(why[k]))))
		return HZ_ENOMEM;
	(*d->why_count[k])++;
	return 0;
}

static int run_top(struct hz_diag *d, const struct top *t)
{
	if (t->kind == T_TRACE)
		return trace(d, d->owner, t);
	/* remember the handshake for the resumptions to come */
	if (t->sid_key && table_put(&d->by_sid, t->sid_key, t->ms, d->o.ticket_lifetime_ms))
		return HZ_ENOMEM;
	if (t->id_key && table_put(&d->by_id, t->id_key, t->ms, d->o.ticket_lifetime_ms))
		return HZ_ENOMEM;
	return 0;
}

/* One more hit of a queued group key, in its rule's tally. */
static int run_gop(struct hz_diag *d, const struct gop *g)
{
	struct tally *t = &d->tally[g->rule];
	struct hz_countmap *map = d->owner->hits[g->rule].groups;
	size_t i, need = (sizeof(struct tkey) + g->n + 7) & ~(size_t)7;

	if (!t->s && tally_init(t))
		return HZ_ENOMEM;
	for (i = g->h & t->mask; t->s[i].h; i = (i + 1) & t->mask) {
		struct tslot *x = &t->s[i];
		if (x->h != g->h)
			continue;
		if (++x->count == UINT32_MAX) {
			/* the count moves into the map before it overflows */
			uint64_t *c = hz_countmap_get(map, g->key, g->n);
			if (!c)
				return HZ_ENOMEM;
			*c += x->count;
			x->count = 0;
		}
		return 0;
	}
	/* a key first met: room for it, then its slot again */
	if (t->count + 1 > TALLY_MAX || t->used + need > TALLY_KEYS) {
		if (tally_add_into(t, map))
			return HZ_ENOMEM;
	} else if ((t->count + 1) * 4 > (t->mask + 1) * 3) {
		if (tally_grow(t))
			return HZ_ENOMEM;
	} else {
		goto put;
	}
	for (i = g->h & t->mask; t->s[i].h; i = (i + 1) & t->mask)
		;
put:
	if (t->used + need > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16384;
		char *nk;
		while (ncap < t->used + need)
			ncap *= 2;
		if (!(nk = hz_big_grow(t->keys, t->used, ncap)))
			return HZ_ENOMEM;
		t->keys = nk;
		t->cap = ncap;
	}
	{
		struct tkey *k = tally_key(t, (uint32_t)t->used);
		k->count = 0;
		k->n = (uint16_t)g->n;
		memcpy((char *)(k + 1), g->key, g->n);
	}
	t->s[i].h = g->h;
	t->s[i].count = 1;
	t->s[i].off = (uint32_t)t->used;
	t->used += need;
	t->count++;
	return 0;
}

/* Does the queued work that is due (all of it when `all`): tracing
 * AGE_TRACE lines after it was queued, group counts AGE_GROUP lines after,
 * once their slots had time to arrive. */
static int drain(struct hz_diag *d, int all)
{
	int rc = 0;

	while (d->tq_len && !rc && (all || d->seq - d->tq[d->tq_head].seq >= AGE_TRACE)) {
		rc = run_top(d, &d->tq[d->tq_head]);
		d->tq_head = (d->tq_head + 1) % TQ;
		d->tq_len--;
	}
	while (d->gq_len && !rc && (all || d->seq - d->gq[d->gq_head].seq >= AGE_GROUP)) {
		rc = run_gop(d, &d->gq[d->gq_head]);
		d->gq_head = (d->gq_head + 1) % GQ;
		d->gq_len--;
	}
	return rc;
}

/* The slots a trace or a put of these keys will look at. */
static inline void prefetch_keys(const struct hz_diag *d, uint64_t sid_key, uint64_t id_key)
{
	if (sid_key)
		__builtin_prefetch(&d->by_sid.s[sid_key & d->by_sid.mask]);
	/* not to be kept: a handshake is seldom looked at twice soon, and the
	 * line would push out of the cache what the next lines reuse (3% on
	 * the TLS diagnosis) */
	if (id_key)
		__builtin_prefetch(&d->by_id.s[id_key & d->by_id.mask], 0, 0);
}

/* Queues a line's tracing work, written in place (a struct built on the
 * stack and copied in would be read back before its stores are done). */
static inline int queue_top(struct hz_diag *d, int kind, uint64_t sid_key, uint64_t id_key, int64_t ms, int identity,
			    int tls13)
{
	struct top *t;
	int rc = 0;

	if (d->tq_len == TQ) {
		rc = run_top(d, &d->tq[d->tq_head]);
		d->tq_head = (d->tq_head + 1) % TQ;
		d->tq_len--;
	}
	prefetch_keys(d, sid_key, id_key);
	t = &d->tq[(d->tq_head + d->tq_len++) % TQ];
	t->kind = (uint8_t)kind;
	t->sid_key = sid_key;
	t->id_key = id_key;
	t->seq = d->seq;
	t->ms = ms;
	t->first_ms = d->first_ms;
	t->identity = (uint8_t)(identity != 0);
	t->tls13 = (uint8_t)(tls13 != 0);
	return rc;
}

/* Queues a count of group "a b c" of rule r, its key built in the queue. */
static inline int queue_group(struct hz_diag *d, enum hz_rule_id r, struct hz_str a, struct hz_str b,
			       struct hz_str c)
{
	struct gop *g;
	const struct tally *t = &d->tally[r];
	int rc = 0;

	if (d->gq_len == GQ) {
		rc = run_gop(d, &d->gq[d->gq_head]);
		d->gq_head = (d->gq_head + 1) % GQ;
		d->gq_len--;
	}
	g = &d->gq[(d->gq_head + d->gq_len++) % GQ];
	g->rule = r;
	g->n = group3(g->key, sizeof(g->key), a, b, c);
	/* the tally's hash, from the views: reading back the key just written
	 * would wait for the stores of its pieces */
	g->h = nonzero(mix_view(mix_view(mix_view(hz_hash_seed, a), b), c));
	g->seq = d->seq;
	/* for writing: the count goes up, so the line comes in ready for it */
	if (t->s)
		prefetch_for_write(&t->s[g->h & t->mask]);
	return rc;
}

/* The date of the line in ms, reusing the last line's minute when it matches. */
static int64_t line_ms(struct hz_diag *d, struct hz_str v)
{
	int64_t ms;

	/* the second of the line before (most lines of a busy log): only the
	 * milliseconds to read, ".mmm" as one word */
	if (v.n == 24 && d->sec_ms != INT64_MIN && hz_rd64(v.p) == hz_rd64(d->sec_key) && hz_rd64(v.p + 8) == hz_rd64(d->sec_key + 8)
	    && hz_rd64(v.p + 12) == hz_rd64(d->sec_key + 12)) {
		uint32_t w, dg;
		memcpy(&w, v.p + 20, 4);
		/* bytes 1-3 digits: each minus '0' below 10, none borrowing */
		dg = w - 0x30303000u;
		if ((w & 0xFFu) == '.' && ((dg | (dg + 0x76767600u)) & 0x80808000u) == 0)
			return d->sec_ms + ((dg >> 8) & 0xFF) * 100 + ((dg >> 16) & 0xFF) * 10 + (dg >> 24);
	}
	if (v.n == 24 && d->date_valid && hz_eq_short(v.p, d->date_key, 16) && v.p[16] == d->date_key[16] && v.p[17] == ':'
	    && v.p[20] == '.') {
		const char *q = v.p + 18;
		if (q[0] >= '0' && q[0] <= '6' && q[1] >= '0' && q[1] <= '9' && q[3] >= '0' && q[3] <= '9'
		    && q[4] >= '0' && q[4] <= '9' && q[5] >= '0' && q[5] <= '9') {
			int64_t sec = d->date_base_ms + ((q[0] - '0') * 10 + (q[1] - '0')) * 1000;
			memcpy(d->sec_key, v.p, 20);
			d->sec_ms = sec;
			return sec + (q[3] - '0') * 100 + (q[4] - '0') * 10 + (q[5] - '0');
		}
	}
	if (hz_field_date(v, &ms, NULL) != 0)
		return INT64_MIN;
	if (v.n == 24) {
		/* dd/Mon/yyyy:HH:MM is the minute; remember its start */
		memcpy(d->date_key, v.p, 17);
		d->date_base_ms = ms - (ms % 60000 + 60000) % 60000;
		d->date_valid = 1;
	}
	return ms;
}

/* ssl_c_notafter in ms, from the cache of recent certificates when there. */
static int cert_end(struct hz_diag *d, struct hz_str v, int64_t *ms)
{
	struct cert_date *c;
	uint64_t h = v.n;

	/* the cache is made for the first certificate (and without it, each
	 * date is parsed) */
	if (v.n > sizeof(c->key) || v.n < 8 || (!d->dates && !(d->dates = calloc(HZ_DIAG_DATES, sizeof(*d->dates))))) {
		int64_t x;
		int ok = hz_diag_cert_date(v, &x) == 0;
		*ms = x;
		return ok ? 0 : -1;
	}
	{
		uint64_t w1, w2;
		memcpy(&w1, v.p, 8);
		memcpy(&w2, v.p + v.n - 8, 8);
		h = (h ^ w1 ^ (w2 * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
	}
	c = &d->dates[(h >> 55) % HZ_DIAG_DATES];
	if (c->n != v.n || !hz_eq_short(c->key, v.p, v.n)) {
		c->ok = hz_diag_cert_date(v, &c->ms) == 0;
		hz_copy_short(c->key, v.p, v.n);
		c->n = (uint8_t)v.n;
	}
	*ms = c->ms;
	return c->ok ? 0 : -1;
}

static __attribute__((noinline)) int record_tls(struct hz_diag *d, struct hz_summary *s,
						 const struct hz_diag_binding *b, const struct hz_match *m,
						 struct row *w, int64_t ms, struct hz_str fe, const char *path,
						 uint64_t line);

int hz_diag_record(struct hz_diag *d, struct hz_summary *s, const struct hz_diag_binding *b,
		   const struct hz_match *m, const char *proxy, const char *path, uint64_t line)
{
	int64_t ms = INT64_MIN;
	struct hz_str fe = val(m, b->frontend), st = val(m, b->status), ts = val(m, b->term);
	struct row *w = NULL;
	int rc = 0;

	if (s != d->owner) {
		if (d->owner && (rc = hz_diag_flush(d)))
			return rc;
		d->owner = s;
	}
	d->seq++;
	if ((d->tq_len | d->gq_len) && (rc = drain(d, 0)))
		return rc;
	if (!fe.p && proxy)
		fe = hz_str_make(proxy, strlen(proxy));
	if (b->date >= 0 && !m->empty[b->date])
		ms = line_ms(d, m->v[b->date]);
	if (ms != INT64_MIN) {
		/* stored either way: conditional moves, not branches that follow
		 * whether this line's millisecond is new */
		d->first_ms = ms < d->first_ms ? ms : d->first_ms;
		d->max_ms = ms > d->max_ms ? ms : d->max_ms;
		w = row_for(d, s, ms, fe, &rc);
		if (rc)
			return rc;
		/* requests, and the breakdowns behind the charts over time (HTML
		 * report): in the row, or in the summary when there is none */
		if (w) {
			w->c[0]++;
			if (st.p)
				w->c[COL_STATUS + hz_series_status_class(st.p, st.n)]++;
			if (ts.p)
				w->c[COL_TERM + hz_series_term_cause(ts.p, ts.n)]++;
		} else if (count_col(s, NULL, ms, fe, 0)
			   || (st.p && count_col(s, NULL, ms, fe, COL_STATUS + hz_series_status_class(st.p, st.n)))
			   || (ts.p && count_col(s, NULL, ms, fe, COL_TERM + hz_series_term_cause(ts.p, ts.n)))) {
			return HZ_ENOMEM;
		}
	}
	/* bad requests: <BADREQ>, or the client closed/timed out before a request */
	if ((ts.n >= 2 && (ts.p[0] | 0x20) == 'c' && ts.p[1] == 'R') || (b->request >= 0 && m->v[b->request].n == 8
	    && !m->empty[b->request] && memcmp(m->v[b->request].p, "<BADREQ>", 8) == 0)) {
		if ((rc = hit(d, s, w, HZ_RULE_BAD_REQUEST, ms, fe, fe, val(m, b->client), HZ_STR_NULL, path, line)))
			return rc;
	}
	return b->verdict ? record_tls(d, s, b, m, w, ms, fe, path, line) : 0;
}

/* The TLS part of hz_diag_record, for formats that log TLS verdicts: apart,
 * so that the rest (every line of every format) stays a small function. */
static int record_tls(struct hz_diag *d, struct hz_summary *s, const struct hz_diag_binding *b,
		      const struct hz_match *m, struct row *w, int64_t ms, struct hz_str fe, const char *path,
		      uint64_t line)
{
	struct hz_str client = val(m, b->client), has, res, used, sslv, subject;
	int tls, identity = 0, rc = 0;

	has = val(m, b->has_crt);
	res = val(m, b->resumed);
	used = val(m, b->used);
	sslv = val(m, b->sslv);
	subject = val(m, b->subject);
	if (!subject.p)
		subject = val(m, b->serial);
	/* a plain connection: ssl_* fetches print "-", ssl_fc_is_resumed "0" */
	tls = has.p || is(res, '1') || (b->frontend >= 0 && (m->mark[b->frontend] & HZ_MARK_TILDE)) || sslv.p;
	if (!tls)
		return 0;
	s->tls.lines++;
	if (s->tables & HZ_TABLE_CERTS) {
		/* --tables certs: TLS lines per certificate subject and issuer */
		struct hz_str sd = val(m, b->subject), id = val(m, b->issuer);
		if ((sd.p && (rc = count(s->subjects, sd))) || (id.p && (rc = count(s->issuers, id))))
			return rc;
	}
	identity = is(used, '1');
	/* the ident fields are all in the format (hz_diag_bind) */
	for (int k = 0; k < b->nident && !identity; k++)
		identity = !m->empty[b->ident[k]];

	/* verification results, kept in the session: counted on every line,
	 * from the codes the format logs (hz_diag_bind) */
	{
		struct hz_str bad = HZ_STR_NULL;
		for (int j = 0; j < b->nverr; j++) {
			int k = b->verr_k[j];
			struct hz_str v = val(m, b->verr[j]);
			if (!v.p)
				continue;
			if (is(v, '0')) {
				/* nearly every line: counted here, added at hz_diag_flush */
				d->zeros[k]++;
				continue;
			}
			if ((rc = count(k == 0 ? s->tls.verify : k == 1 ? s->tls.cert_errors : s->tls.ca_errors, v)))
				return rc;
			if (!bad.p)
				bad = v;
		}
		/* one hit per line, named by the first code that is not 0 */
		if (bad.p && (rc = hit(d, s, w, HZ_RULE_VERIFY_FAILURE, ms, fe, fe, bad, subject, path, line)))
			return rc;
	}

	if (b->resumed >= 0 && b->has_crt >= 0) {
		uint64_t sid_key = 0, id_key = 0;
		struct hz_str sid = val(m, b->sid);

		/* TLS 1.3 session ids are OpenSSL's own, never on the wire: a
		 * resumption cannot be linked by them, so they are not kept (that
		 * would fill the table with one entry per connection) */
		if (sid.p && !(sslv.n == 7 && memcmp(sslv.p, "TLSv1.3", 7) == 0))
			sid_key = nonzero(mix(hz_hash_seed, sid.p, sid.n));
		/* the identity key is needed only to remember a full handshake or to
		 * trace a resumption that its session id did not trace */
		if (identity) {
			struct hz_str serial = val(m, b->serial), sni = val(m, b->sni);
			uint64_t h = mix(hz_hash_seed, client.p ? client.p : "", client.n);
			h = mix(h, serial.p ? serial.p : subject.p ? subject.p : "", serial.p ? serial.n : subject.n);
			id_key = nonzero(mix(h, sni.p ? sni.p : "", sni.n));
		}
		if (is(res, '1')) {
			if (is(has, '1')) {
				s->tls.resumed_with_cert++;
			} else {
				s->tls.resumed_without_cert++;
				if (identity) {
					s->tls.resumed_identity_known++;
					rc = hit(d, s, w, HZ_RULE_RESUMED_IDENTITY, ms, fe, fe, client, HZ_STR_NULL, path, line);
				} else {
					s->tls.resumed_anonymous++;
					rc = hit(d, s, w, HZ_RULE_RESUMED_ANONYMOUS, ms, fe, fe, client, HZ_STR_NULL, path, line);
				}
			}
			if (!rc) {
				rc = queue_top(d, T_TRACE, sid_key, id_key, ms, identity,
					       sslv.n == 7 && memcmp(sslv.p, "TLSv1.3", 7) == 0);
			}
		} else {
			if (is(has, '1')) {
				s->tls.full_with_cert++;
				if (ms != INT64_MIN && count_col(s, w, ms, fe, COL_FULL_CERT))
					return HZ_ENOMEM;
			} else {
				s->tls.full_without_cert++;
				rc = hit(d, s, w, HZ_RULE_FULL_NO_CERT, ms, fe, fe, client, HZ_STR_NULL, path, line);
			}
			/* remember the handshake for the resumptions to come */
			if (!rc && (sid_key || id_key)) {
				rc = queue_top(d, T_PUT, sid_key, id_key, ms, identity, 0);
			}
		}
	} else if (b->has_crt >= 0) {
		/* ssl_fc_has_crt without ssl_fc_is_resumed */
		rc = hit(d, s, w, HZ_RULE_MISSING_FIELDS, ms, fe, fe, HZ_STR_NULL, HZ_STR_NULL, path, line);
		if (!rc && is(has, '0') && identity) {
			s->tls.inferred_resumed++;
			rc = hit(d, s, w, HZ_RULE_INFERRED_RESUMPTION, ms, fe, fe, client, HZ_STR_NULL, path, line);
		}
	}
	if (rc)
		return rc;

	/* certificates close to their end, by the date of the line */
	if (b->notafter >= 0 && ms != INT64_MIN) {
		struct hz_str na = val(m, b->notafter);
		int64_t end;
		if (na.p && cert_end(d, na, &end) == 0 && end - ms < d->o.expiry_warn_ms)
			rc = hit(d, s, w, HZ_RULE_CERT_EXPIRING, ms, fe, subject, na, HZ_STR_NULL, path, line);
	}
	return rc;
}

void hz_diag_set_split(struct hz_diag *d, int on)
{
	d->split = on;
}

const struct hz_diag_opts *hz_diag_options(const struct hz_diag *d)
{
	return &d->o;
}

/* Adds the handshakes of table `from` (a later part) to `to`: the part's
 * puts came after, so its entry of a key wins, even a dead one (in one scan
 * it would have replaced the older), and its horizon and undated ranks go
 * on from `to`'s. */
static int carry_table(struct table *to, const struct table *from)
{
	if (from->horizon > to->horizon)
		to->horizon = from->horizon;
	/* one rebuild for the union, not one after each doubling */
	if (to->count + from->count >= to->limit && table_rebuild(to, from->count))
		return -1;
	for (size_t i = 0; i <= from->mask; i++) {
		const struct slot *x = &from->s[i];
		if (x->key && table_set(to, x->key, x->ms < UNDATED_END ? x->ms + (int64_t)to->undated : x->ms))
			return -1;
	}
	to->undated += from->undated;
	return 0;
}

/* carry_table, or, when `to` holds nothing, a swap: the part's table as
 * it is (a part's table is already bounded by the window and the cap). */
static int take_table(struct table *to, struct table *from)
{
	if (to->count == 0) {
		struct table t = *to;
		*to = *from;
		*from = t;
		if (from->horizon > to->horizon)
			to->horizon = from->horizon;
		return 0;
	}
	return carry_table(to, from);
}

#define JOIN_AHEAD 8

int hz_diag_join(struct hz_diag *carry, struct hz_diag *part, struct hz_summary *s, int last)
{
	int rc;

	if ((rc = hz_diag_flush(part)))
		return rc;
	for (size_t i = 0; i < part->ncand; i++) {
		struct top t = part->cand[i];
		/* the part's resumptions are looked up at random in the tables
		 * the parts before it left: their slots are fetched a few ahead */
		if (i + JOIN_AHEAD < part->ncand)
			prefetch_keys(carry, part->cand[i + JOIN_AHEAD].sid_key, part->cand[i + JOIN_AHEAD].id_key);
		/* what the first date was when a single scan saw this line */
		if (carry->first_ms < t.first_ms)
			t.first_ms = carry->first_ms;
		if ((rc = trace(carry, s, &t)))
			return rc;
	}
	part->ncand = 0;
	if (part->first_ms < carry->first_ms)
		carry->first_ms = part->first_ms;
	if (part->max_ms > carry->max_ms)
		carry->max_ms = part->max_ms;
	if (last)
		return 0;   /* no part after it: its handshakes are not needed */
	if (take_table(&carry->by_sid, &part->by_sid) || take_table(&carry->by_id, &part->by_id))
		return HZ_ENOMEM;
	return 0;
}
