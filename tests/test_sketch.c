/* Unit tests for the timer sketch: buckets, the error bound, merging. */
#include <stdlib.h>
#include <string.h>

#include "halyze/sketch.h"
#include "hz_test.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(void)
{
	static struct hz_sketch a, b, whole;
	static uint64_t v[200000];
	size_t n = sizeof(v) / sizeof(v[0]), bad = 0;
	uint64_t x = 88172645463325252ull;
	static const double qs[] = { 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0 };

	/* every value lands in a bucket whose middle is within 1/128 of it,
	 * and buckets are in value order */
	for (uint64_t t = 0; t < 5000000; t += 1 + t / 1000) {
		uint64_t m = hz_sketch_value(hz_sketch_index(t));
		bad += t < 64 ? m != t : (m > t ? m - t : t - m) * 128 > t;
		bad += t && hz_sketch_index(t) < hz_sketch_index(t - 1);
	}
	CHECK_EQ_INT(bad, 0);
	CHECK(hz_sketch_index((1ull << 40) - 1) < HZ_SKETCH_BUCKETS);

	/* heavy-tailed values (xorshift, then a power): each quantile within
	 * the bound of the exact nearest-rank value of the sorted input */
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		uint64_t r = x % 100000;
		v[i] = (r * r * r) / 10000000000ull + (x >> 60);
		hz_sketch_add(i % 3 ? &a : &b, v[i]);
		hz_sketch_add(&whole, v[i]);
	}
	qsort(v, n, sizeof(v[0]), cmp_u64);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		size_t rank = (size_t)(qs[k] * (double)n);
		if ((double)rank < qs[k] * (double)n)
			rank++;
		uint64_t exact = v[rank - 1], got = hz_sketch_quantile(&whole, qs[k]);
		CHECK(exact < 64 ? got == exact : (got > exact ? got - exact : exact - got) * 128 <= exact);
	}
	CHECK_EQ_INT(hz_sketch_quantile(&whole, 1.0), v[n - 1]);

	/* the merge of the parts is the sketch of the whole, bucket for bucket */
	hz_sketch_merge(&a, &b);
	CHECK(memcmp(&a, &whole, sizeof(a)) == 0);
	return hz_test_done();
}
