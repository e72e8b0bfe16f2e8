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

/* memcpy of n bytes for the short keys of the hot paths: two overlapping
 * moves of 8 or 4 bytes, never outside [src, src + n), and no call. */
static inline void hz_copy_short(char *dst, const char *src, size_t n)
{
	if (n > 16) {
		memcpy(dst, src, n);
	} else if (n >= 8) {
		char a[8], b[8];
		memcpy(a, src, 8);
		memcpy(b, src + n - 8, 8);
		memcpy(dst, a, 8);
		memcpy(dst + n - 8, b, 8);
	} else if (n >= 4) {
		char a[4], b[4];
		memcpy(a, src, 4);
		memcpy(b, src + n - 4, 4);
		memcpy(dst, a, 4);
		memcpy(dst + n - 4, b, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i];
	}
}

#endif
