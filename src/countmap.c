/* Open-addressing hash table of interned keys to counter arrays. */
#include "halyze/countmap.h"
#include "halyze/status.h"
#include "bigmem.h"
#include "halyze/str.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* One key and its counters, packed together in a chunk that never moves:
 * a lookup touches its slot and then one record (counters, length and the
 * first key bytes share a cache line), not four scattered arrays. */
struct rec {
	size_t n;
	uint64_t vals[];   /* nvals counters, then the key's n bytes and a NUL */
};

struct slot {
	uint64_t hash;     /* 0 = empty */
	struct rec *rec;
};

/* 256 recent keys a map (2 KB, from its first key on): with 64, the
 * twenty-odd keys of a status or server table collided often enough to
 * send 5% of the lookups of httplog's summary to the hash table */
#define RECENT_BITS 8
#define RECENT (1u << RECENT_BITS)

struct hz_countmap {
	size_t nvals;
	struct slot *slots;
	size_t mask;          /* slots - 1 */
	struct rec **ent;     /* records in insertion order */
	size_t count, ecap;
	/* recent lookups, direct-mapped by a cheap function of the key: logs
	 * repeat a few keys (statuses, frontends, servers) in any order */
	struct rec **recent;  /* no_recent until the first key is met */
	char *chunk;
	size_t chunk_used, chunk_cap;
	char **chunks;
	size_t nchunks;
	/* a cap on the keys (0: none): at twice the cap the lightest are
	 * folded into the HZ_COUNTMAP_OTHER row */
	size_t cap, cap_col;
	uint64_t folded;       /* keys folded so far */
	int pruning;
};

/* The recent keys of a map that has met none: shared, never written (a
 * summary holds dozens of maps, most of them never used, and zeroing 2 KB
 * for each would touch a page or so each). */
static struct rec *no_recent[RECENT];

/* The first chunk: a map of a few keys (most of a summary's) touches one
 * page, not sixteen. Each page first touched costs a page fault, which
 * on a virtual machine can take as long as parsing a hundred lines. */
#define CHUNK_SIZE (4u * 1024u)

static inline const char *rec_key(const struct hz_countmap *m, const struct rec *r)
{
	return (const char *)(r->vals + m->nvals);
}

static inline uint64_t mix(uint64_t h)
{
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

/* The hash's seed, drawn once per process: log content (URLs, client
 * certificates' names) cannot be made to collide on purpose, neither to
 * slow a table down nor to merge two of the diagnosis' groups, which it
 * knows by their hash alone (diagnose.c). No output depends on it. */
uint64_t hz_hash_seed;

__attribute__((constructor)) static void seed_init(void)
{
	uint64_t s = 0;
	struct timespec t;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		s = (uint64_t)t.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)t.tv_sec ^ (uint64_t)(uintptr_t)&t;
	}
	hz_hash_seed = s;
}

/* Eight bytes at a time, the last ones read overlapping (keys are short:
 * names, status codes, "backend/server"), instead of a multiply per byte;
 * never 0. The value depends on the byte order and the seed, which is
 * fine: it never leaves the process, and no output depends on the table's
 * order. */
static uint64_t hash_key(const char *p, size_t n)
{
	uint64_t h = hz_hash_seed ^ 0x9e3779b97f4a7c15ull * (n + 1), w;

	if (n >= 8) {
		size_t i;
		for (i = 0; i + 8 < n; i += 8)
			h = mix(h ^ hz_rd64(p + i));
		w = hz_rd64(p + n - 8);
	} else if (n >= 4) {
		w = hz_rd32(p) | hz_rd32(p + n - 4) << 32;
	} else if (n > 0) {
		w = (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8 |
		    (uint64_t)(unsigned char)p[n - 1] << 16;
	} else {
		w = 0;
	}
	h = mix(h ^ w);
	return h ? h : 1;
}

struct hz_countmap *hz_countmap_new(size_t nvals)
{
	struct hz_countmap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->nvals = nvals ? nvals : 1;
	m->recent = no_recent;
	m->mask = 63;
	m->slots = hz_big_calloc(m->mask + 1, sizeof(*m->slots));
	if (!m->slots) {
		free(m);
		return NULL;
	}
	return m;
}

void hz_countmap_free(struct hz_countmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nchunks; i++)
		hz_big_free(m->chunks[i]);
	free(m->chunks);
	if (m->recent != no_recent)
		free(m->recent);
	hz_big_free(m->slots);
	hz_big_free(m->ent);
	free(m);
}

/* A zeroed record for key in the current chunk (a new chunk when full). */
static struct rec *new_rec(struct hz_countmap *m, const char *key, size_t n)
{
	size_t need = sizeof(struct rec) + m->nvals * sizeof(uint64_t) + n + 1;
	struct rec *r;

	need = (need + 7) & ~(size_t)7;
	if (need > m->chunk_cap - m->chunk_used) {
		/* chunks double up to 2 MiB: big maps get few, huge-page backed */
		size_t cap = m->chunk_cap ? m->chunk_cap * 2 : CHUNK_SIZE;
		if (cap > 512 * CHUNK_SIZE)
			cap = 512 * CHUNK_SIZE;
		if (cap < need)
			cap = need;
		char **cs = realloc(m->chunks, (m->nchunks + 1) * sizeof(*cs));
		if (!cs)
			return NULL;
		m->chunks = cs;
		/* not zeroed: each record is written whole below */
		m->chunk = hz_big_alloc(cap);
		if (!m->chunk)
			return NULL;
		m->chunks[m->nchunks++] = m->chunk;
		m->chunk_cap = cap;
		m->chunk_used = 0;
	}
	r = (struct rec *)(m->chunk + m->chunk_used);
	m->chunk_used += need;
	r->n = n;
	memset(r->vals, 0, m->nvals * sizeof(uint64_t));
	char *k = (char *)(r->vals + m->nvals);
	if (n)
		memcpy(k, key, n);
	k[n] = 0;
	return r;
}

static int grow(struct hz_countmap *m)
{
	size_t ncap = (m->mask + 1) * 2;
	struct slot *ns = hz_big_calloc(ncap, sizeof(*ns));

	if (!ns)
		return -1;
	for (size_t i = 0; i <= m->mask; i++) {
		if (!m->slots[i].hash)
			continue;
		size_t j = m->slots[i].hash & (ncap - 1);
		while (ns[j].hash)
			j = (j + 1) & (ncap - 1);
		ns[j] = m->slots[i];
	}
	hz_big_free(m->slots);
	m->slots = ns;
	m->mask = ncap - 1;
	return 0;
}

static struct rec *lookup(const struct hz_countmap *m, const char *key, size_t n, uint64_t h, size_t *slot)
{
	size_t i = h & m->mask;

	for (;;) {
		const struct slot *s = &m->slots[i];
		if (!s->hash) {
			*slot = i;
			return NULL;
		}
		if (s->hash == h && s->rec->n == n && hz_eq_short(rec_key(m, s->rec), key, n))
			return s->rec;
		i = (i + 1) & m->mask;
	}
}

static __attribute__((noinline)) uint64_t *get_slow(struct hz_countmap *m, const char *key, size_t n, size_t k);

/* The recent[] slot of a key: its first and last bytes and its length,
 * without a loop, and without reading outside [key, key + n). */
static inline size_t recent_slot(const char *p, size_t n)
{
	uint64_t w;

	if (n >= 8)
		w = hz_rd64(p) ^ (hz_rd64(p + n - 8) << 1);
	else if (n >= 4)
		w = hz_rd32(p) | hz_rd32(p + n - 4) << 32;
	else
		w = n ? (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8 |
			(uint64_t)(unsigned char)p[n - 1] << 16 : 0;
	return (size_t)(((w ^ n) * 0x9e3779b97f4a7c15ull) >> (64 - RECENT_BITS));
}

uint64_t *hz_countmap_get(struct hz_countmap *m, const char *key, size_t n)
{
	size_t k = recent_slot(key, n);
	struct rec *l = m->recent[k];

	/* a key met lately: no hashing, no probing, and no more registers
	 * than this needs */
	if (l && l->n == n && hz_eq_short(rec_key(m, l), key, n))
		return l->vals;
	return get_slow(m, key, n, k);
}

static uint64_t *get_slow(struct hz_countmap *m, const char *key, size_t n, size_t k)
{
	uint64_t *v = hz_countmap_get_hashed(m, key, n, hash_key(key, n));

	if (m->recent == no_recent) {
		/* the first key met: the map gets recent keys of its own (without,
		 * it only misses them) */
		struct rec **r = calloc(RECENT, sizeof(*r));
		if (r)
			m->recent = r;
	}
	/* the record of vals: vals is its member */
	if (v && m->recent != no_recent)
		m->recent[k] = (struct rec *)(void *)((char *)v - offsetof(struct rec, vals));
	return v;
}

#define OTHER_N (sizeof(HZ_COUNTMAP_OTHER) - 1)

static int is_other(const struct hz_countmap_entry *e)
{
	return e->n == OTHER_N && memcmp(e->key, HZ_COUNTMAP_OTHER, OTHER_N) == 0;
}

/* Keeps the cap heaviest keys (by cap_col, ties by key) and the other row,
 * and adds the counters of the rest to the other row: the map is rebuilt
 * into fresh storage. */
static int prune(struct hz_countmap *m)
{
	struct hz_countmap *n = hz_countmap_new(m->nvals);
	struct hz_countmap_entry *all;
	uint64_t *other;
	int rc = -1;

	if (!n)
		return -1;
	all = hz_countmap_sorted(m, m->cap_col);
	n->pruning = 1;
	if (!all)
		goto out;
	other = hz_countmap_get(n, HZ_COUNTMAP_OTHER, OTHER_N);
	if (!other)
		goto out;
	/* heaviest first: the first cap keys that are not the other row stay */
	for (size_t i = 0, kept = 0; i < m->count; i++) {
		const struct hz_countmap_entry *e = &all[i];
		int keep = !is_other(e) && kept < m->cap;
		kept += (size_t)keep;
		uint64_t *d = keep ? hz_countmap_get(n, e->key, e->n) : hz_countmap_get(n, HZ_COUNTMAP_OTHER, OTHER_N);
		if (!d)
			goto out;
		for (size_t k = 0; k < m->nvals; k++)
			d[k] += e->vals[k];
		m->folded += !keep && !is_other(e);
	}
	/* swap the storage: n's becomes m's */
	{
		struct hz_countmap t = *m;
		m->slots = n->slots; m->mask = n->mask; m->ent = n->ent; m->count = n->count; m->ecap = n->ecap;
		m->chunk = n->chunk; m->chunk_used = n->chunk_used; m->chunk_cap = n->chunk_cap;
		m->chunks = n->chunks; m->nchunks = n->nchunks;
		if (m->recent != no_recent)
			memset(m->recent, 0, RECENT * sizeof(*m->recent));
		n->slots = t.slots; n->ent = t.ent; n->chunks = t.chunks; n->nchunks = t.nchunks;
	}
	rc = 0;
out:
	free(all);
	hz_countmap_free(n);
	return rc;
}

void hz_countmap_set_cap(struct hz_countmap *m, size_t cap, size_t col)
{
	m->cap = cap;
	m->cap_col = col < m->nvals ? col : 0;
}

uint64_t hz_countmap_folded(const struct hz_countmap *m)
{
	return m->folded;
}

void hz_countmap_add_folded(struct hz_countmap *m, uint64_t n)
{
	m->folded += n;
}

uint64_t hz_countmap_hash(const char *key, size_t n)
{
	return hash_key(key, n);
}

void hz_countmap_prefetch(const struct hz_countmap *m, uint64_t h, int stage)
{
	const struct slot *s = &m->slots[h & m->mask];

	if (stage == 0) {
		__builtin_prefetch(s);
		return;
	}
	/* the slot is in cache by now: start on the record it names */
	for (int i = 0; i < 2 && s->hash; i++) {
		if (s->hash == h) {
			__builtin_prefetch(s->rec);
			return;
		}
		s = &m->slots[(h + (size_t)i + 1) & m->mask];
	}
}

uint64_t *hz_countmap_get_hashed(struct hz_countmap *m, const char *key, size_t n, uint64_t h)
{
	size_t slot;
	struct rec *r;

	r = lookup(m, key, n, h, &slot);
	if (r)
		return r->vals;
	if ((m->count + 1) * 4 > (m->mask + 1) * 3) {
		if (grow(m))
			return NULL;
		lookup(m, key, n, h, &slot);
	}
	if (m->count == m->ecap) {
		size_t ncap = m->ecap ? m->ecap * 2 : 16;
		/* not realloc: a map of a hundred thousand keys would fault
		 * in its array page by page at each doubling */
		struct rec **ne = hz_big_grow(m->ent, m->count * sizeof(*ne), ncap * sizeof(*ne));
		if (!ne)
			return NULL;
		m->ent = ne;
		m->ecap = ncap;
	}
	if (m->cap && !m->pruning && m->count >= 2 * m->cap + 1) {
		if (prune(m))
			return NULL;
		return hz_countmap_get_hashed(m, key, n, h);
	}
	r = new_rec(m, key, n);
	if (!r)
		return NULL;
	m->ent[m->count++] = r;
	m->slots[slot].hash = h;
	m->slots[slot].rec = r;
	return r->vals;
}

const uint64_t *hz_countmap_find(const struct hz_countmap *m, const char *key, size_t n)
{
	size_t slot;
	const struct rec *r = lookup(m, key, n, hash_key(key, n), &slot);
	return r ? r->vals : NULL;
}

size_t hz_countmap_size(const struct hz_countmap *m)
{
	return m->count;
}

size_t hz_countmap_nvals(const struct hz_countmap *m)
{
	return m->nvals;
}

/* Keys merged ahead of the one being added: their slot in dst is fetched
 * MERGE_AHEAD keys before, their record half that: the keys of a big map
 * land at random in another, and one at a time each would wait for memory. */
#define MERGE_AHEAD 16

int hz_countmap_merge(struct hz_countmap *dst, const struct hz_countmap *src)
{
	uint64_t hs[MERGE_AHEAD];

	if (dst->nvals != src->nvals)
		return HZ_EINVAL;
	for (size_t i = 0; i < src->count; i++) {
		const struct rec *r = src->ent[i];
		/* key i's hash, before its place in hs takes key i + MERGE_AHEAD's */
		uint64_t *d, h = i >= MERGE_AHEAD ? hs[i % MERGE_AHEAD] : hash_key(rec_key(src, r), r->n);
		if (i + MERGE_AHEAD < src->count) {
			const struct rec *q = src->ent[i + MERGE_AHEAD];
			hs[(i + MERGE_AHEAD) % MERGE_AHEAD] = hash_key(rec_key(src, q), q->n);
			hz_countmap_prefetch(dst, hs[(i + MERGE_AHEAD) % MERGE_AHEAD], 0);
		}
		if (i + MERGE_AHEAD / 2 < src->count && i >= MERGE_AHEAD / 2)
			hz_countmap_prefetch(dst, hs[(i + MERGE_AHEAD / 2) % MERGE_AHEAD], 1);
		d = hz_countmap_get_hashed(dst, rec_key(src, r), r->n, h);
		if (!d)
			return HZ_ENOMEM;
		for (size_t k = 0; k < dst->nvals; k++)
			d[k] += r->vals[k];
	}
	dst->folded += src->folded;
	return 0;
}

int hz_countmap_merge_take(struct hz_countmap *dst, struct hz_countmap *src)
{
	/* into an empty map with the same settings: merging would rebuild src
	 * key by key, each at a random place, and give the same map */
	if (dst->count == 0 && dst->folded == 0 && dst->nvals == src->nvals && dst->cap == src->cap
	    && dst->cap_col == src->cap_col && !dst->pruning && !src->pruning) {
		struct hz_countmap t = *dst;
		*dst = *src;
		*src = t;
		return 0;
	}
	return hz_countmap_merge(dst, src);
}

static int cmp_key(const struct hz_countmap_entry *a, const struct hz_countmap_entry *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = n ? memcmp(a->key, b->key, n) : 0;
	if (c)
		return c;
	return a->n < b->n ? -1 : a->n > b->n;
}

/* Heavier first, then by key: the weight is copied into the entry, so the
 * comparison needs no column in a global (qsort has no context in C11,
 * and the scan runs on several threads). */
static int cmp_by_weight(const struct hz_countmap_entry *a, const struct hz_countmap_entry *b)
{
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return cmp_key(a, b);
}

static int cmp_by_col(const void *pa, const void *pb)
{
	return cmp_by_weight(pa, pb);
}

static int cmp_by_key(const void *pa, const void *pb)
{
	return cmp_key(pa, pb);
}

static void fill(const struct hz_countmap *m, size_t i, size_t col, struct hz_countmap_entry *e)
{
	const struct rec *r = m->ent[i];
	e->key = rec_key(m, r);
	e->n = r->n;
	e->vals = r->vals;
	e->weight = col < m->nvals ? r->vals[col] : 0;
}

static struct hz_countmap_entry *entries(const struct hz_countmap *m, size_t col)
{
	struct hz_countmap_entry *v = malloc((m->count ? m->count : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < m->count; i++)
		fill(m, i, col, &v[i]);
	return v;
}

/* Restores the heap property below i of a min-heap of the k lightest-first
 * (the root is the entry that leaves first). */
static void sift_down(struct hz_countmap_entry *h, size_t k, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		if (l < k && cmp_by_weight(&h[l], &h[w]) > 0)
			w = l;
		if (r < k && cmp_by_weight(&h[r], &h[w]) > 0)
			w = r;
		if (w == i)
			return;
		struct hz_countmap_entry t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

struct hz_countmap_entry *hz_countmap_top(const struct hz_countmap *m, size_t col, size_t k, size_t *n)
{
	struct hz_countmap_entry *h;

	if (k > m->count)
		k = m->count;
	*n = k;
	h = malloc((k ? k : 1) * sizeof(*h));
	if (!h)
		return NULL;
	/* a heap whose root is the worst of the best k so far: each other
	 * entry costs one comparison unless it gets in */
	for (size_t i = 0; i < k; i++)
		fill(m, i, col, &h[i]);
	for (size_t i = k / 2; i-- > 0;)
		sift_down(h, k, i);
	for (size_t i = k; i < m->count && k; i++) {
		struct hz_countmap_entry e;
		fill(m, i, col, &e);
		if (cmp_by_weight(&e, &h[0]) < 0) {
			h[0] = e;
			sift_down(h, k, 0);
		}
	}
	qsort(h, k, sizeof(*h), cmp_by_col);
	return h;
}

struct hz_countmap_entry *hz_countmap_sorted(const struct hz_countmap *m, size_t col)
{
	struct hz_countmap_entry *v = entries(m, col);

	if (v && col < m->nvals)
		qsort(v, m->count, sizeof(*v), cmp_by_col);
	return v;
}

struct hz_countmap_entry *hz_countmap_sorted_by_key(const struct hz_countmap *m)
{
	struct hz_countmap_entry *v = entries(m, 0);

	if (v)
		qsort(v, m->count, sizeof(*v), cmp_by_key);
	return v;
}
