/* A non-owning view of bytes, the currency of the whole parser. */
#ifndef HZ_STR_H
#define HZ_STR_H

#include <stddef.h>
#include <string.h>

/* A view into someone else's buffer: not NUL-terminated, may hold NUL
 * bytes. Its lifetime is the lifetime of the buffer it points into. */
struct hz_str {
	const char *p;
	size_t n;
};

#define HZ_STR_NULL ((struct hz_str){ NULL, 0 })

static inline struct hz_str hz_str_make(const char *p, size_t n)
{
	struct hz_str s = { p, n };
	return s;
}

static inline int hz_str_eq(struct hz_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && (n == 0 || memcmp(s.p, lit, n) == 0);
}

#endif
