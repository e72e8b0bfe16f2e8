/* Open-addressing hash table of interned keys to counter arrays. */
#include "halyze/countmap.h"
#include "halyze/status.h"

#include <stdlib.h>
#include <string.h>

struct slot {
	uint64_t hash;     /* 0 = empty */
	uint32_t entry;    /* index into entries */
};

struct entry {
	char *key;
	size_t n;
};

struct hz_countmap {
	size_t nvals;
	struct slot *slots;
	size_t mask;          /* slots - 1 */
	struct entry *ent;
	uint64_t *vals;       /* nvals per entry */
	size_t count, ecap;
	size_t last;          /* entry of the previous lookup: logs repeat keys */
	/* keys live in chunks that never move */
	char *chunk;
	size_t chunk_used, chunk_cap;
	char **chunks;
	size_t nchunks;
};

#define CHUNK_SIZE (64u * 1024u)

static inline uint64_t rd64(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t rd32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t mix(uint64_t h)
{
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

/* Eight bytes at a time, the last ones read overlapping (keys are short:
 * names, status codes, "backend/server"), instead of a multiply per byte;
 * never 0. The value depends on the byte order, which is fine: it never
 * leaves the process, and no output depends on the table's order. */
static uint64_t hash_key(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull * (n + 1), w;

	if (n >= 8) {
		size_t i;
		for (i = 0; i + 8 < n; i += 8)
			h = mix(h ^ rd64(p + i));
		w = rd64(p + n - 8);
	} else if (n >= 4) {
		w = rd32(p) | rd32(p + n - 4) << 32;
	} else if (n > 0) {
		w = (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8 |
		    (uint64_t)(unsigned char)p[n - 1] << 16;
	} else {
		w = 0;
	}
	h = mix(h ^ w);
	return h ? h : 1;
}

/* Whether two keys of n bytes are equal: short ones without a call. */
static inline int key_eq(const char *a, const char *b, size_t n)
{
	if (n > 16)
		return memcmp(a, b, n) == 0;
	if (n >= 8)
		return rd64(a) == rd64(b) && rd64(a + n - 8) == rd64(b + n - 8);
	if (n >= 4)
		return rd32(a) == rd32(b) && rd32(a + n - 4) == rd32(b + n - 4);
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

struct hz_countmap *hz_countmap_new(size_t nvals)
{
	struct hz_countmap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->nvals = nvals ? nvals : 1;
	m->mask = 63;
	m->slots = calloc(m->mask + 1, sizeof(*m->slots));
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
		free(m->chunks[i]);
	free(m->chunks);
	free(m->slots);
	free(m->ent);
	free(m->vals);
	free(m);
}

static char *intern(struct hz_countmap *m, const char *key, size_t n)
{
	char *p;

	if (n + 1 > m->chunk_cap - m->chunk_used) {
		size_t cap = n + 1 > CHUNK_SIZE ? n + 1 : CHUNK_SIZE;
		char **cs = realloc(m->chunks, (m->nchunks + 1) * sizeof(*cs));
		if (!cs)
			return NULL;
		m->chunks = cs;
		m->chunk = malloc(cap);
		if (!m->chunk)
			return NULL;
		m->chunks[m->nchunks++] = m->chunk;
		m->chunk_cap = cap;
		m->chunk_used = 0;
	}
	p = m->chunk + m->chunk_used;
	if (n)
		memcpy(p, key, n);
	p[n] = 0;
	m->chunk_used += n + 1;
	return p;
}

static int grow(struct hz_countmap *m)
{
	size_t ncap = (m->mask + 1) * 2;
	struct slot *ns = calloc(ncap, sizeof(*ns));

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
	free(m->slots);
	m->slots = ns;
	m->mask = ncap - 1;
	return 0;
}

static long lookup(const struct hz_countmap *m, const char *key, size_t n, uint64_t h, size_t *slot)
{
	size_t i = h & m->mask;

	for (;;) {
		const struct slot *s = &m->slots[i];
		if (!s->hash) {
			*slot = i;
			return -1;
		}
		if (s->hash == h) {
			const struct entry *e = &m->ent[s->entry];
			if (e->n == n && key_eq(e->key, key, n))
				return (long)s->entry;
		}
		i = (i + 1) & m->mask;
	}
}

static __attribute__((noinline)) uint64_t *get_slow(struct hz_countmap *m, const char *key, size_t n);

uint64_t *hz_countmap_get(struct hz_countmap *m, const char *key, size_t n)
{
	size_t l = m->last;

	/* the same key as the previous lookup: no hashing, and no more
	 * registers than this needs */
	if (l < m->count && m->ent[l].n == n && key_eq(m->ent[l].key, key, n))
		return m->vals + l * m->nvals;
	return get_slow(m, key, n);
}

static uint64_t *get_slow(struct hz_countmap *m, const char *key, size_t n)
{
	uint64_t h;
	size_t slot;
	long e;

	h = hash_key(key, n);
	e = lookup(m, key, n, h, &slot);
	if (e >= 0) {
		m->last = (size_t)e;
		return m->vals + (size_t)e * m->nvals;
	}
	if ((m->count + 1) * 4 > (m->mask + 1) * 3) {
		if (grow(m))
			return NULL;
		lookup(m, key, n, h, &slot);
	}
	if (m->count == m->ecap) {
		size_t ncap = m->ecap ? m->ecap * 2 : 16;
		struct entry *ne = realloc(m->ent, ncap * sizeof(*ne));
		if (!ne)
			return NULL;
		m->ent = ne;
		uint64_t *nv = realloc(m->vals, ncap * m->nvals * sizeof(*nv));
		if (!nv)
			return NULL;
		m->vals = nv;
		m->ecap = ncap;
	}
	char *k = intern(m, key, n);
	if (!k)
		return NULL;
	m->ent[m->count].key = k;
	m->ent[m->count].n = n;
	memset(m->vals + m->count * m->nvals, 0, m->nvals * sizeof(uint64_t));
	m->slots[slot].hash = h;
	m->slots[slot].entry = (uint32_t)m->count;
	m->last = m->count;
	return m->vals + m->count++ * m->nvals;
}

const uint64_t *hz_countmap_find(const struct hz_countmap *m, const char *key, size_t n)
{
	size_t slot;
	long e = lookup(m, key, n, hash_key(key, n), &slot);
	return e >= 0 ? m->vals + (size_t)e * m->nvals : NULL;
}

size_t hz_countmap_size(const struct hz_countmap *m)
{
	return m->count;
}

size_t hz_countmap_nvals(const struct hz_countmap *m)
{
	return m->nvals;
}

int hz_countmap_merge(struct hz_countmap *dst, const struct hz_countmap *src)
{
	if (dst->nvals != src->nvals)
		return HZ_EINVAL;
	for (size_t i = 0; i < src->count; i++) {
		uint64_t *d = hz_countmap_get(dst, src->ent[i].key, src->ent[i].n);
		const uint64_t *s = src->vals + i * src->nvals;
		if (!d)
			return HZ_ENOMEM;
		for (size_t k = 0; k < dst->nvals; k++)
			d[k] += s[k];
	}
	return 0;
}

static size_t sort_col;

static int cmp_key(const struct hz_countmap_entry *a, const struct hz_countmap_entry *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = n ? memcmp(a->key, b->key, n) : 0;
	if (c)
		return c;
	return a->n < b->n ? -1 : a->n > b->n;
}

static int cmp_by_col(const void *pa, const void *pb)
{
	const struct hz_countmap_entry *a = pa, *b = pb;
	if (a->vals[sort_col] != b->vals[sort_col])
		return a->vals[sort_col] > b->vals[sort_col] ? -1 : 1;
	return cmp_key(a, b);
}

static int cmp_by_key(const void *pa, const void *pb)
{
	return cmp_key(pa, pb);
}

static struct hz_countmap_entry *entries(const struct hz_countmap *m)
{
	struct hz_countmap_entry *v = malloc((m->count ? m->count : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < m->count; i++) {
		v[i].key = m->ent[i].key;
		v[i].n = m->ent[i].n;
		v[i].vals = m->vals + i * m->nvals;
	}
	return v;
}

struct hz_countmap_entry *hz_countmap_sorted(const struct hz_countmap *m, size_t col)
{
	struct hz_countmap_entry *v = entries(m);

	if (v && col < m->nvals) {
		sort_col = col;   /* qsort has no context argument in C11 */
		qsort(v, m->count, sizeof(*v), cmp_by_col);
	}
	return v;
}

struct hz_countmap_entry *hz_countmap_sorted_by_key(const struct hz_countmap *m)
{
	struct hz_countmap_entry *v = entries(m);

	if (v)
		qsort(v, m->count, sizeof(*v), cmp_by_key);
	return v;
}
