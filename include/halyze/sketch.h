/* Mergeable histograms of timers (percentiles with a bounded error). */
#ifndef HZ_SKETCH_H
#define HZ_SKETCH_H

#include <stddef.h>
#include <stdint.h>

/* Values below 64 have a bucket each; above, each power of two is cut into
 * 64 buckets, so a percentile is reported as the middle of its bucket: exact
 * below 64, else within 1/128 (0.8 %) of the true nearest-rank value. Two
 * sketches merge by adding their buckets: the merge of the parts is the
 * sketch of the whole. Values up to 2^40 (a timer of 34 years in ms). */
#define HZ_SKETCH_BITS 6
#define HZ_SKETCH_SUB (1u << HZ_SKETCH_BITS)
#define HZ_SKETCH_BUCKETS (HZ_SKETCH_SUB + (40 - HZ_SKETCH_BITS) * HZ_SKETCH_SUB)

struct hz_sketch {
	uint64_t count, sum, max;
	uint64_t b[HZ_SKETCH_BUCKETS];
};

size_t hz_sketch_index(uint64_t v);
/* The value a bucket stands for (its middle). */
uint64_t hz_sketch_value(size_t i);
void hz_sketch_add(struct hz_sketch *k, uint64_t v);
void hz_sketch_merge(struct hz_sketch *dst, const struct hz_sketch *src);
/* The q-quantile (0 < q <= 1) by nearest rank, within the bound above; 0
 * when empty. */
uint64_t hz_sketch_quantile(const struct hz_sketch *k, double q);

#endif
