/* The fuzz targets' assertion: unlike assert(), it stays on in release builds and names the broken property. */
#ifndef HZ_FUZZ_CHECK_H
#define HZ_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include "halyze/str.h"

#define FZ_CHECK(cond)                                                                   \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                          \
		}                                                                         \
	} while (0)

/* A view lies inside [base, base + n): an empty view may point anywhere in
 * it, its end included, or be NULL. */
static inline int fz_inside(struct hz_str v, const void *base, size_t n)
{
	const char *b = (const char *)base;

	if (v.n == 0)
		return v.p == NULL || (v.p >= b && v.p <= b + n);
	return v.p != NULL && v.p >= b && v.p <= b + n && v.n <= (size_t)(b + n - v.p);
}

#endif
