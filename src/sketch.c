/* Mergeable histograms of timers: exact below 64 ms, then 64 steps per power of two. */
#include "halyze/sketch.h"

#include <stdlib.h>
#include <string.h>

size_t hz_sketch_index(uint64_t v)
{
	int e;

	if (v < HZ_SKETCH_SUB)
		return (size_t)v;
	e = 63 - __builtin_clzll(v);              /* 2^e <= v < 2^(e+1), e >= 6 */
	/* the 6 bits after the leading one pick the step within the octave */
	return (size_t)(HZ_SKETCH_SUB + (uint64_t)(e - HZ_SKETCH_BITS) * HZ_SKETCH_SUB
			+ ((v >> (e - HZ_SKETCH_BITS)) & (HZ_SKETCH_SUB - 1)));
}

/* The smallest value of bucket i, and the first value past it. */
static void bounds(size_t i, uint64_t *lo, uint64_t *hi)
{
	size_t o, k;

	if (i < HZ_SKETCH_SUB) {
		*lo = i;
		*hi = i + 1;
		return;
	}
	o = (i - HZ_SKETCH_SUB) / HZ_SKETCH_SUB;   /* octave above 2^6 */
	k = (i - HZ_SKETCH_SUB) % HZ_SKETCH_SUB;
	*lo = ((uint64_t)HZ_SKETCH_SUB + k) << o;
	*hi = ((uint64_t)HZ_SKETCH_SUB + k + 1) << o;
}

uint64_t hz_sketch_value(size_t i)
{
	uint64_t lo, hi;

	bounds(i, &lo, &hi);
	return lo + (hi - lo - 1) / 2;   /* the middle of what the bucket holds */
}

void hz_sketch_add(struct hz_sketch *k, uint64_t v)
{
	size_t i = hz_sketch_index(v);

	if (i >= HZ_SKETCH_BUCKETS)
		i = HZ_SKETCH_BUCKETS - 1;
	k->b[i]++;
	k->count++;
	k->sum += v;
	if (v > k->max)
		k->max = v;
}

void hz_sketch_merge(struct hz_sketch *dst, const struct hz_sketch *src)
{
	for (size_t i = 0; i < HZ_SKETCH_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t hz_sketch_quantile(const struct hz_sketch *k, double q)
{
	uint64_t rank, seen = 0;

	if (!k->count)
		return 0;
	/* nearest rank: the smallest value with at least q of the values at or below it */
	rank = (uint64_t)(q * (double)k->count);
	if ((double)rank < q * (double)k->count)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank >= k->count)
		return k->max;   /* the largest value is known exactly */
	for (size_t i = 0; i < HZ_SKETCH_BUCKETS; i++) {
		seen += k->b[i];
		if (seen >= rank) {
			uint64_t v = hz_sketch_value(i);
			return v > k->max ? k->max : v;
		}
	}
	return k->max;
}
