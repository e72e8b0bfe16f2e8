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
 * memory. The pointer is valid as long as the map, or for a capped map until
 * the next call that inserts a key. */
uint64_t *hz_countmap_get(struct hz_countmap *m, const char *key, size_t n);

/* For callers that look up many keys in large maps: hash a key, prefetch
 * what its lookup will touch some time before doing it (stage 0 loads its
 * slot; stage 1, once the slot has arrived, the record the slot names), then
 * get its counters with the hash. Prefetching never changes the map, and a
 * map that grew in between only makes the prefetch useless. */
uint64_t hz_countmap_hash(const char *key, size_t n);
void hz_countmap_prefetch(const struct hz_countmap *m, uint64_t h, int stage);
uint64_t *hz_countmap_get_hashed(struct hz_countmap *m, const char *key, size_t n, uint64_t h);

/* The seed of hz_countmap_hash, drawn when the process starts, for other
 * hashes of log content that must not collide on purpose (the diagnosis'
 * group tallies and session keys). */
extern uint64_t hz_hash_seed;

/* The counters of `key`, or NULL when it was never seen. */
const uint64_t *hz_countmap_find(const struct hz_countmap *m, const char *key, size_t n);

size_t hz_countmap_size(const struct hz_countmap *m);
size_t hz_countmap_nvals(const struct hz_countmap *m);

/* The row that holds what a capped map folded. */
#define HZ_COUNTMAP_OTHER "(other)"

/* Caps the map at about `cap` keys (0: no cap): when it reaches twice the
 * cap, all but the cap heaviest keys (by vals[col], ties by key) are folded:
 * their counters are added to the HZ_COUNTMAP_OTHER row and they are
 * dropped. Memory stays proportional to the cap, whatever the input; the
 * kept keys are the heaviest as far as the input seen at each fold tells. */
void hz_countmap_set_cap(struct hz_countmap *m, size_t cap, size_t col);

/* How many keys were folded so far (a key folded twice counts twice);
 * merges add up. */
uint64_t hz_countmap_folded(const struct hz_countmap *m);
void hz_countmap_add_folded(struct hz_countmap *m, uint64_t n);

/* Adds every counter of src into dst (same nvals). Returns 0 or HZ_ENOMEM. */
int hz_countmap_merge(struct hz_countmap *dst, const struct hz_countmap *src);
/* The same, where src may be left with any content (it is about to be
 * freed): into an empty map, src's keys are taken as they are. */
int hz_countmap_merge_take(struct hz_countmap *dst, struct hz_countmap *src);

struct hz_countmap_entry {
	const char *key;      /* NUL-terminated copy (may also hold NULs: use n) */
	size_t n;
	const uint64_t *vals;
	uint64_t weight;      /* vals[col] of the sort, 0 by key */
};

/* Entries sorted by vals[col] descending, then key ascending: a malloc'd
 * array of hz_countmap_size() entries for the caller to free(), or NULL. */
struct hz_countmap_entry *hz_countmap_sorted(const struct hz_countmap *m, size_t col);

/* The k heaviest entries by vals[col] (fewer when the map is smaller; *n
 * says how many), in the order of hz_countmap_sorted, without sorting the
 * rest: a malloc'd array for the caller to free(), or NULL. */
struct hz_countmap_entry *hz_countmap_top(const struct hz_countmap *m, size_t col, size_t k, size_t *n);

/* The same, sorted by key (byte order). */
struct hz_countmap_entry *hz_countmap_sorted_by_key(const struct hz_countmap *m);

#endif
