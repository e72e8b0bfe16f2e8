/* A non-owning view of bytes, the currency of the whole parser. */
#ifndef HZ_STR_H
#define HZ_STR_H

#include <stddef.h>
#include <stdint.h>
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

/* The 8 or 4 bytes at p, in the machine's order, at any alignment. */
static inline uint64_t hz_rd64(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t hz_rd32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* memcmp(a, b, n) == 0 for the short keys of the hot paths: two
 * overlapping compares of 8 or 4 bytes, never outside [a, a + n) or
 * [b, b + n), and no call up to 16 bytes. */
static inline int hz_eq_short(const char *a, const char *b, size_t n)
{
	if (n > 16)
		return memcmp(a, b, n) == 0;
	if (n >= 8) {
		unsigned long long x, y, u, v;
		memcpy(&x, a, 8); memcpy(&y, b, 8);
		memcpy(&u, a + n - 8, 8); memcpy(&v, b + n - 8, 8);
		return x == y && u == v;
	}
	if (n >= 4) {
		unsigned x, y, u, v;
		memcpy(&x, a, 4); memcpy(&y, b, 4);
		memcpy(&u, a + n - 4, 4); memcpy(&v, b + n - 4, 4);
		return x == y && u == v;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* memcpy of n bytes for the short keys of the hot paths: two overlapping
 * moves of 8 or 4 bytes, never outside [src, src + n), and no call. */
static inline void hz_copy_short(char *dst, const char *src, size_t n)
{
	if (n > 32) {
		memcpy(dst, src, n);
	} else if (n > 16) {
		char a[16], b[16];
		memcpy(a, src, 16);
		memcpy(b, src + n - 16, 16);
		memcpy(dst, a, 16);
		memcpy(dst + n - 16, b, 16);
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
