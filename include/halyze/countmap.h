/* A string-keyed table of counters, built to be merged. */
#ifndef HZ_COUNTMAP_H
#define HZ_COUNTMAP_H

#include <stddef.h>
#include <stdint.h>

/* Each entry holds `nvals` 64-bit counters under a byte-string key. Keys are
 * copied (interned) on first sight; lookups of known keys do not allocate. */
struct hz_countmap;

struct hz_countmap *hz_countmap_new(size_t nvals);
void hz_countmap_free(struct hz_countmap *m);

/* The counters of `key` (created zeroed on first sight), or NULL when out of
 * memory. The pointer is valid until the next call that inserts a key. */
uint64_t *hz_countmap_get(struct hz_countmap *m, const char *key, size_t n);

/* The counters of `key`, or NULL when it was never seen. */
const uint64_t *hz_countmap_find(const struct hz_countmap *m, const char *key, size_t n);

size_t hz_countmap_size(const struct hz_countmap *m);
size_t hz_countmap_nvals(const struct hz_countmap *m);

/* Adds every counter of src into dst (same nvals). Returns 0 or HZ_ENOMEM. */
int hz_countmap_merge(struct hz_countmap *dst, const struct hz_countmap *src);

struct hz_countmap_entry {
	const char *key;      /* NUL-terminated copy (may also hold NULs: use n) */
	size_t n;
	const uint64_t *vals;
};

/* Entries sorted by vals[col] descending, then key ascending: a malloc'd
 * array of hz_countmap_size() entries for the caller to free(), or NULL. */
struct hz_countmap_entry *hz_countmap_sorted(const struct hz_countmap *m, size_t col);

/* The same, sorted by key (byte order). */
struct hz_countmap_entry *hz_countmap_sorted_by_key(const struct hz_countmap *m);

#endif
