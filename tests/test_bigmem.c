/* Unit tests for the large-table allocator: zeroing, reuse of freed blocks, growth. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "hz_test.h"

/* 1 when the n bytes at p are all zero */
static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A block freed dirty and taken again (the same size, and a smaller one
 * that fits the kept mapping) comes back zeroed by hz_big_calloc. */
static void test_reuse_zeroes(void)
{
	size_t sizes[] = { 300u << 10, 2u << 20, (3u << 20) + 5 };

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n = sizes[k];
		unsigned char *p = hz_big_calloc(n, 1), *q;
		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK(((uintptr_t)p & 63) == 0);
		CHECK(all_zero(p, n));
		memset(p, 0xA5, n);
		hz_big_free(p);
		q = hz_big_calloc(n, 1);
		CHECK(q != NULL);
		if (q)
			CHECK(all_zero(q, n));
		if (q)
			memset(q, 0x5A, n);
		hz_big_free(q);
		/* a little smaller: may take the same kept block */
		q = hz_big_calloc(n - 4096, 1);
		CHECK(q != NULL);
		if (q)
			CHECK(all_zero(q, n - 4096));
		hz_big_free(q);
	}
}

/* More blocks freed than are kept: every one is usable and zeroed on the
 * way back (the ones not kept are unmapped, not leaked: run under ASan and
 * valgrind in CI). */
static void test_many(void)
{
	enum { N = 40 };
	unsigned char *p[N];

	for (int i = 0; i < N; i++) {
		p[i] = hz_big_calloc((size_t)(i % 4 + 1) << 20, 1);
		CHECK(p[i] != NULL);
		if (p[i])
			memset(p[i], i + 1, (size_t)(i % 4 + 1) << 20);
	}
	for (int i = 0; i < N; i++)
		hz_big_free(p[i]);
	for (int i = 0; i < N; i++) {
		size_t n = (size_t)(i % 4 + 1) << 20;
		p[i] = hz_big_calloc(n, 1);
		CHECK(p[i] != NULL);
		if (p[i])
			CHECK(all_zero(p[i], n));
	}
	for (int i = 0; i < N; i++)
		hz_big_free(p[i]);
}

/* Growth keeps the used bytes, small to small, small to mapped, mapped to
 * mapped; starting from NULL works. */
static void test_grow(void)
{
	size_t used = 0, cap = 0;
	unsigned char *a = NULL;

	for (size_t target = 1000; target <= (8u << 20); target *= 3) {
		size_t ncap = target;
		unsigned char *b = hz_big_grow(a, used, ncap);
		CHECK(b != NULL);
		if (!b)
			break;
		a = b;
		cap = ncap;
		for (; used < cap; used++)
			a[used] = (unsigned char)(used * 7 + used / 251);
	}
	{
		int ok = 1;
		for (size_t i = 0; i < used; i++)
			ok &= a[i] == (unsigned char)(i * 7 + i / 251);
		CHECK(ok);
	}
	hz_big_free(a);
	hz_big_free(NULL);
}

int main(void)
{
	test_reuse_zeroes();
	test_many();
	test_grow();
	return hz_test_done();
}
