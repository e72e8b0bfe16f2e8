/* Unit tests for the counter map: counting, growth, merge, sorting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/countmap.h"
#include "halyze/str.h"
#include "hz_test.h"

int main(void)
{
	struct hz_countmap *a = hz_countmap_new(2), *b = hz_countmap_new(2), *c = hz_countmap_new(1);
	struct hz_countmap_entry *e;
	char key[32];
	uint64_t *v;

	/* 10 000 keys, key i counted i % 7 + 1 times, interleaved to defeat the
	 * last-key cache; the expected totals are arithmetic, not halyze's */
	for (int round = 0; round < 7; round++)
		for (int i = 0; i < 10000; i++) {
			if (i % 7 < round)
				continue;
			snprintf(key, sizeof(key), "k%d", i);
			v = hz_countmap_get(a, key, strlen(key));
			v[0]++;
			v[1] += 2;
		}
	CHECK_EQ_INT(hz_countmap_size(a), 10000);
	CHECK_EQ_INT(hz_countmap_find(a, "k13", 3)[0], 13 % 7 + 1);
	CHECK_EQ_INT(hz_countmap_find(a, "k6", 2)[1], 2 * 7);
	CHECK(hz_countmap_find(a, "nope", 4) == NULL);

	/* keys with NUL bytes and the empty key are distinct keys */
	hz_countmap_get(c, "a\0b", 3)[0] = 1;
	hz_countmap_get(c, "a", 1)[0] = 2;
	hz_countmap_get(c, "", 0)[0] = 3;
	CHECK_EQ_INT(hz_countmap_find(c, "a\0b", 3)[0], 1);
	CHECK_EQ_INT(hz_countmap_find(c, "a", 1)[0], 2);
	CHECK_EQ_INT(hz_countmap_find(c, "", 0)[0], 3);

	/* merge: the union, counters added */
	hz_countmap_get(b, "k13", 3)[0] = 100;
	hz_countmap_get(b, "only-b", 6)[1] = 5;
	CHECK_EQ_INT(hz_countmap_merge(a, b), 0);
	CHECK_EQ_INT(hz_countmap_size(a), 10001);
	CHECK_EQ_INT(hz_countmap_find(a, "k13", 3)[0], 100 + 13 % 7 + 1);
	CHECK_EQ_INT(hz_countmap_find(a, "only-b", 6)[1], 5);
	CHECK_EQ_INT(hz_countmap_merge(a, c), -8); /* HZ_EINVAL: different widths */

	/* sorted by column 0 descending, ties by key */
	e = hz_countmap_sorted(a, 0);
	CHECK(e && e[0].vals[0] == 107 && strcmp(e[0].key, "k13") == 0);
	CHECK(e && e[1].vals[0] == 7 && strcmp(e[1].key, "k1000") == 0);
	free(e);
	/* the top k are the first k of the full sort, for every k, on both
	 * columns (column 1 is 2x column 0 except k13 and only-b) */
	for (size_t col = 0; col < 2; col++) {
		struct hz_countmap_entry *all = hz_countmap_sorted(a, col);
		static const size_t ks[] = { 0, 1, 2, 5, 10, 9999, 10001, 20000 };
		for (size_t q = 0; all && q < sizeof(ks) / sizeof(ks[0]); q++) {
			size_t n = 99, bad = 0;
			struct hz_countmap_entry *t = hz_countmap_top(a, col, ks[q], &n);
			CHECK(t != NULL);
			CHECK_EQ_INT(n, ks[q] < 10001 ? ks[q] : 10001);
			for (size_t i = 0; t && i < n; i++)
				bad += t[i].key != all[i].key;
			CHECK_EQ_INT(bad, 0);
			free(t);
		}
		free(all);
	}
	e = hz_countmap_sorted_by_key(c);
	CHECK(e && e[0].n == 0 && e[1].n == 1 && e[2].n == 3);
	free(e);

	/* a cap of 100: 100 heavy keys counted 10 times first, then 100 000
	 * light keys once each and the heavy ones 40 more times among them. The
	 * map never holds more than 2 x 100 + 1 keys, nothing is lost (the sum
	 * with the other row is the input's), and the heavy keys, heavier at
	 * every fold, are kept with their exact counts */
	{
		struct hz_countmap *m = hz_countmap_new(1);
		uint64_t total = 0, sum = 0;
		size_t most = 0, bad = 0;
		hz_countmap_set_cap(m, 100, 0);
		for (int r = 0; r < 10; r++)
			for (int i = 0; i < 100; i++) {
				snprintf(key, sizeof(key), "heavy%d", i);
				hz_countmap_get(m, key, strlen(key))[0]++;
				total++;
			}
		for (int i = 0; i < 100000; i++) {
			snprintf(key, sizeof(key), "light%d", i);
			hz_countmap_get(m, key, strlen(key))[0]++;
			total++;
			if (i % 25 == 0) {
				snprintf(key, sizeof(key), "heavy%d", (i / 25) % 100);
				hz_countmap_get(m, key, strlen(key))[0]++;
				total++;
			}
			if (hz_countmap_size(m) > most)
				most = hz_countmap_size(m);
		}
		CHECK(most <= 201);
		e = hz_countmap_sorted(m, 0);
		for (size_t i = 0; e && i < hz_countmap_size(m); i++)
			sum += e[i].vals[0];
		free(e);
		CHECK_EQ_INT(sum, total);
		for (int i = 0; i < 100; i++) {
			snprintf(key, sizeof(key), "heavy%d", i);
			const uint64_t *hv = hz_countmap_find(m, key, strlen(key));
			bad += !hv || hv[0] != 50;
		}
		CHECK_EQ_INT(bad, 0);
		CHECK(hz_countmap_find(m, HZ_COUNTMAP_OTHER, strlen(HZ_COUNTMAP_OTHER)) != NULL);
		/* every light key but those still held was folded at least once */
		CHECK(hz_countmap_folded(m) >= 100000 - 101);
		hz_countmap_free(m);
	}

	/* merge_take: into an empty map with the same settings, src's keys move
	 * over and src is left empty; otherwise, a merge */
	{
		struct hz_countmap *src = hz_countmap_new(2), *dst = hz_countmap_new(2), *capped = hz_countmap_new(2);
		const uint64_t *tv;
		char tk[32];
		for (int i = 0; i < 1000; i++) {
			snprintf(tk, sizeof(tk), "k%d", i);
			uint64_t *tc = hz_countmap_get(src, tk, strlen(tk));
			tc[0] += (uint64_t)i;
			tc[1] += 1;
		}
		hz_countmap_set_cap(capped, 5000, 0);
		CHECK_EQ_INT(hz_countmap_merge_take(dst, src), 0);
		CHECK_EQ_INT(hz_countmap_size(dst), 1000);
		CHECK_EQ_INT(hz_countmap_size(src), 0);
		tv = hz_countmap_find(dst, "k999", 4);
		CHECK(tv && tv[0] == 999 && tv[1] == 1);
		/* src is empty, usable and freeable; a second take adds up */
		CHECK((tv = hz_countmap_get(src, "k999", 4)) != NULL);
		hz_countmap_get(src, "k999", 4)[0] += 1;
		hz_countmap_get(src, "new", 3)[1] += 5;
		CHECK_EQ_INT(hz_countmap_merge_take(dst, src), 0);
		CHECK_EQ_INT(hz_countmap_size(dst), 1001);
		tv = hz_countmap_find(dst, "k999", 4);
		CHECK(tv && tv[0] == 1000 && tv[1] == 1);
		tv = hz_countmap_find(dst, "new", 3);
		CHECK(tv && tv[0] == 0 && tv[1] == 5);
		/* another cap: copied key by key, src untouched */
		CHECK_EQ_INT(hz_countmap_merge_take(capped, dst), 0);
		CHECK_EQ_INT(hz_countmap_size(capped), 1001);
		CHECK_EQ_INT(hz_countmap_size(dst), 1001);
		hz_countmap_free(src);
		hz_countmap_free(dst);
		hz_countmap_free(capped);
	}

	hz_countmap_free(a);
	hz_countmap_free(b);
	hz_countmap_free(c);
	hz_countmap_free(NULL);
	return hz_test_done();
}
