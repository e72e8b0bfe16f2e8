/* The line matcher: finds each field of a compiled log-format in one line, without copying or allocating. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SSE2 (every x86-64) for the scans; -DHZ_NO_SIMD builds the bytewise
 * fallbacks instead, as on other machines (the tests run either way). */
#if defined(__SSE2__) && !defined(HZ_NO_SIMD)
#define HZ_SSE2 1
#include <emmintrin.h>
#endif

#include "halyze/fields.h"
#include "logformat.h"

/* Total candidate trials per line before giving up on an ambiguous line. */
#define MAX_STEPS 20000

/* Why a node could not match at all, kept for the error message. */
enum why {
	W_NONE = 0, W_INT, W_HEX, W_IP, W_PORT, W_DATE_MS, W_DATE_TZ, W_TERM, W_TOKEN,
	W_QUOTE, W_UNTERM, W_TEXT, W_GLUE, W_END, W_STEPS
};

/* Backtracking state of one node. Fields record their current candidate. */
struct frame {
	uint32_t pos;    /* where the node starts */
	uint32_t cur;    /* candidate cursor, mode specific */
	uint32_t end;    /* where the current candidate ends */
	uint32_t vs, ve; /* value of the current candidate */
	uint8_t lis;     /* HAProxy's last_isspace on entry */
	uint8_t olis;    /* ... and after the current candidate */
	uint8_t phase;   /* 0: untried */
	uint8_t mark;
};

static inline int is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline int is_xdigit(char c)
{
	return is_digit(c) || (unsigned char)((c | 0x20) - 'a') < 6;
}

/* memcmp for the short strings glue is made of, without a libc call */
static inline int same(const char *a, const char *b, size_t n)
{
	size_t i;

	if (n > 8)
		return memcmp(a, b, n) == 0;
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* The scans below look at 16 bytes at a time, but only at bytes of the line:
 * a vector load is made only when all 16 lie in [0, n). The last bytes are
 * looked at through the 16 that end the line (bits before i masked off),
 * so that no bytewise loop, with its unpredictable exit, remains. */

#ifdef HZ_SSE2
static inline __m128i load16(const char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* The first set bit of m16(x), for the x loaded at each step, from i on; n
 * when none. M is an expression of x. */
#define HZ_SCAN(M) do { \
		unsigned mk_; \
		for (; i + 16 <= n; i += 16) { \
			__m128i x = load16(p + i); \
			if ((mk_ = (unsigned)_mm_movemask_epi8(M)) != 0) \
				return i + (size_t)__builtin_ctz(mk_); \
		} \
		if (i < n && n >= 16) { \
			__m128i x = load16(p + n - 16); \
			mk_ = (unsigned)_mm_movemask_epi8(M) >> (16 - (n - i)); \
			return mk_ ? i + (size_t)__builtin_ctz(mk_) : n; \
		} \
	} while (0)
#endif

/* First index in [i, n) holding a, or n. */
static inline size_t find1(const char *p, size_t i, size_t n, char a)
{
#ifdef HZ_SSE2
	const __m128i va = _mm_set1_epi8(a);

	HZ_SCAN(_mm_cmpeq_epi8(x, va));
#endif
	for (; i < n; i++)
		if (p[i] == a)
			break;
	return i;
}

/* First index in [i, n) holding a or b, or n. */
static inline size_t find2(const char *p, size_t i, size_t n, char a, char b)
{
#ifdef HZ_SSE2
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);

	HZ_SCAN(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)));
#endif
	for (; i < n; i++)
		if (p[i] == a || p[i] == b)
			break;
	return i;
}

/* First index in [i, n) holding a, b or c, or n. */
static inline size_t find3(const char *p, size_t i, size_t n, char a, char b, char c)
{
#ifdef HZ_SSE2
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);

	HZ_SCAN(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)), _mm_cmpeq_epi8(x, vc)));
#endif
	for (; i < n; i++)
		if (p[i] == a || p[i] == b || p[i] == c)
			break;
	return i;
}

/* First index in [i, n) that is not a decimal digit, or n. */
static inline size_t skip_digits(const char *p, size_t i, size_t n)
{
#ifdef HZ_SSE2
	/* shifted by 0x80 - '0', the digits are the ten lowest signed bytes
	 * (-128 to -119), and nothing else is */
	const __m128i sh = _mm_set1_epi8((char)(0x80 - '0')), lim = _mm_set1_epi8(-119);

	HZ_SCAN(_mm_cmpgt_epi8(_mm_add_epi8(x, sh), lim));
#endif
	while (i < n && is_digit(p[i]))
		i++;
	return i;
}

/* First e in [from, lim) where p[e..] starts with t (tl > 0), or -1. */
static inline long find_term(const char *p, size_t n, size_t from, size_t lim, const char *t, size_t tl)
{
	if (tl > n)
		return -1;
	if (lim > n + 1 - tl)
		lim = n + 1 - tl;
	while (from < lim) {
		const char *q = memchr(p + from, t[0], lim - from);
		if (!q)
			return -1;
		if (same(q + 1, t + 1, tl - 1))
			return (long)(q - p);
		from = (size_t)(q - p) + 1;
	}
	return -1;
}

/* 1 when the three bytes at s name a month. */
static inline int month_ok(const char *s)
{
	switch (s[0]) {
	case 'J': return (s[1] == 'a' && s[2] == 'n') || (s[1] == 'u' && (s[2] == 'n' || s[2] == 'l'));
	case 'F': return s[1] == 'e' && s[2] == 'b';
	case 'M': return s[1] == 'a' && (s[2] == 'r' || s[2] == 'y');
	case 'A': return (s[1] == 'p' && s[2] == 'r') || (s[1] == 'u' && s[2] == 'g');
	case 'S': return s[1] == 'e' && s[2] == 'p';
	case 'O': return s[1] == 'c' && s[2] == 't';
	case 'N': return s[1] == 'o' && s[2] == 'v';
	case 'D': return s[1] == 'e' && s[2] == 'c';
	}
	return 0;
}

/* dd/Mon/yyyy:HH:MM:SS.mmm (24 bytes) or, with tz, dd/Mon/yyyy:HH:MM:SS +hhmm
 * (26 bytes) at s; the caller checked the length. */
static int date_ok(const char *s, int tz)
{
	/* digit positions of the common 20-byte part: 0 1 7 8 9 10 12 13 15 16 18 19 */
	unsigned bad = 0;

	if (s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' || !month_ok(s + 3))
		return 0;
#define HZ_ND(c) ((unsigned)((unsigned char)(c) - '0') > 9)
	bad = HZ_ND(s[0]) | HZ_ND(s[1]) | HZ_ND(s[7]) | HZ_ND(s[8]) | HZ_ND(s[9]) | HZ_ND(s[10]) |
	      HZ_ND(s[12]) | HZ_ND(s[13]) | HZ_ND(s[15]) | HZ_ND(s[16]) | HZ_ND(s[18]) | HZ_ND(s[19]);
	if (tz)
		bad |= s[20] != ' ' || (s[21] != '+' && s[21] != '-') || HZ_ND(s[22]) | HZ_ND(s[23]) |
		       HZ_ND(s[24]) | HZ_ND(s[25]);
	else
		bad |= s[20] != '.' || HZ_ND(s[21]) | HZ_ND(s[22]) | HZ_ND(s[23]);
#undef HZ_ND
	return !bad;
}

/* Length of the dotted IPv4 address at s, or 0: four parts of one to three
 * digits (the longest run, at most 255), leading zeros allowed. */
static size_t ipv4_len(const char *s, size_t n)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned x;
		if (part) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		if (i >= n || !is_digit(s[i]))
			return 0;
		x = (unsigned)(s[i++] - '0');
		if (i < n && is_digit(s[i])) {
			x = x * 10 + (unsigned)(s[i++] - '0');
			if (i < n && is_digit(s[i]))
				x = x * 10 + (unsigned)(s[i++] - '0');
		}
		if (x > 255)
			return 0;
	}
	return i;
}

static int ip_ok(const char *s, size_t n)
{
	struct hz_ip ip;

	if (n > 0 && ipv4_len(s, n) == n)
		return 1;
	return n > 0 && hz_field_ip(hz_str_make(s, n), &ip) == 0;
}

/* ip_ok for the runs of [0-9A-Fa-f:] the straight-line pass meets, without
 * hz_field_ip's copy: IPv6 as parse_v6 (fields.c) reads it (groups of one to
 * four hex digits, at most one "::"), or 8 or 32 hex digits. Runs holding a
 * '.' are left to ip_ok. */
static int ip_ok_hex(const char *s, size_t n)
{
	int ng = 0, gap = -1;
	size_t i = 0;

	if (n == 8 || n == 32) {
		if (!memchr(s, ':', n))
			return 1;
	}
	if (n < 2 || n > 45)
		return 0;
	if (s[0] == ':') {
		if (s[1] != ':')
			return 0;
		gap = 0;
		i = 2;
		if (i == n)
			return 1;
	}
	for (;;) {
		size_t st = i;
		while (i < n && is_xdigit(s[i]) && i - st < 4)
			i++;
		if (i == st || ng == 8)
			return 0;
		ng++;
		if (i == n)
			break;
		if (s[i] != ':')
			return 0;
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return 0;
			gap = ng;
			i++;
			if (i == n)
				break;
		} else if (i == n) {
			return 0;
		}
	}
	return gap < 0 ? ng == 8 : ng <= 7;
}

/* ip_ok_hex for the first l bytes of a run of hex digits and ':', given
 * the ':' among them as bits (bit j for byte j; bits from l on ignored):
 * the same rules read on the masks at once. */
static inline int ip_ok_hexmask(uint64_t cm, size_t l)
{
	uint64_t all, d, dbl;
	unsigned ng;

	if (l > 45)
		return 0;
	all = (1ull << l) - 1;
	cm &= all;
	if ((l == 8 || l == 32) && !cm)
		return 1;
	if (l < 2)
		return 0;
	d = all & ~cm;
	dbl = cm & (cm >> 1);
	/* a lone ':' first or last, ":::", two "::", a group of five digits */
	if (((cm & 3) == 1) | (((cm >> (l - 2)) & 3) == 2) | ((dbl & (cm >> 2)) != 0) | ((dbl & (dbl - 1)) != 0) |
	    ((d & (d >> 1) & (d >> 2) & (d >> 3) & (d >> 4)) != 0))
		return 0;
	ng = (unsigned)__builtin_popcountll(d & ~(d << 1));
	return dbl ? ng <= 7 : ng == 8;
}

/* The end of the run of hex digits and ':' from pos, and in
 * *cm its ':' among the first 64 bytes (bit j for pos + j; bits past the run
 * are not meaningful). */
static inline size_t hexcolon_run(const char *p, size_t pos, size_t n, uint64_t *cm)
{
	uint64_t c = 0;
	size_t i = pos;

#ifdef HZ_SSE2
	const __m128i lo = _mm_set1_epi8('0' - 1), hi = _mm_set1_epi8(':' + 1), col = _mm_set1_epi8(':');
	const __m128i alo = _mm_set1_epi8('a' - 1), ahi = _mm_set1_epi8('f' + 1), k20 = _mm_set1_epi8(0x20);
#define HZ_HEXCOLON(x) ((unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(x, lo), _mm_cmplt_epi8(x, hi)), \
		_mm_and_si128(_mm_cmpgt_epi8(_mm_or_si128(x, k20), alo), _mm_cmplt_epi8(_mm_or_si128(x, k20), ahi)))))
	for (; i + 16 <= n; i += 16) {
		__m128i x = load16(p + i);
		unsigned bad = ~HZ_HEXCOLON(x) & 0xffffu;
		if (i - pos < 64)
			c |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, col)) << (i - pos);
		if (bad) {
			*cm = c;
			return i + (size_t)__builtin_ctz(bad);
		}
	}
	if (i < n && n >= 16) {
		__m128i x = load16(p + n - 16);
		unsigned sh = (unsigned)(16 - (n - i));
		unsigned bad = (~HZ_HEXCOLON(x) & 0xffffu) >> sh;
		if (i - pos < 64)
			c |= (uint64_t)((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, col)) >> sh) << (i - pos);
		*cm = c;
		return bad ? i + (size_t)__builtin_ctz(bad) : n;
	}
#undef HZ_HEXCOLON
#endif
	for (; i < n && (is_xdigit(p[i]) || p[i] == ':'); i++)
		if (p[i] == ':' && i - pos < 64)
			c |= 1ull << (i - pos);
	*cm = c;
	return i;
}

/* Scans a quoted string starting at p[pos] == '"'; returns the index of the
 * closing quote or -1. With esc, a backslash hides the next byte. */
static inline long close_quote(const char *p, size_t n, size_t pos, int esc)
{
	size_t i;

	if (!esc) {
		const char *q = memchr(p + pos + 1, '"', n - pos - 1);
		return q ? (long)(q - p) : -1;
	}
	for (i = pos + 1; i < n; i++) {
		if (p[i] == '\\' && i + 1 < n)
			i++;
		else if (p[i] == '"')
			return (long)i;
	}
	return -1;
}

/* Candidates of free text starting at s: positions where the terminator t
 * begins (all of them, shortest value first), or the end of the line. */
static int text_next(const struct hz_lf_node *nd, struct frame *fr, const char *p, size_t n,
		     size_t s, const char *t, size_t tl, size_t minlen)
{
	long e;

	if (fr->phase == 0)
		fr->cur = (uint32_t)(s + minlen);
	if (nd->term_end) {
		if (fr->phase != 0 || n < s + minlen + tl || (tl && memcmp(p + n - tl, t, tl) != 0))
			return 0;
		e = (long)(n - tl);
	} else if (tl == 0) {
		if (fr->cur > n)
			return 0;
		e = fr->cur;
	} else {
		e = find_term(p, n, fr->cur, n, t, tl);
		if (e < 0)
			return 0;
	}
	fr->cur = (uint32_t)e + 1;
	fr->vs = (uint32_t)s;
	fr->ve = (uint32_t)e;
	return 1;
}

/* Candidates of a token (no spaces) starting at pos, shortest first. */
static int token_next(const struct hz_lf_node *nd, struct frame *fr, const char *p, size_t n,
		      const char *t, size_t tl)
{
	size_t s = fr->pos, i;
	long e = -1;

	if (fr->phase == 0)
		fr->cur = (uint32_t)s;
	if (nd->term_end || tl == 0) {
		const char *sp = memchr(p + s, ' ', n - s);
		size_t lim = sp ? (size_t)(sp - p) : n;
		if (nd->term_end) {
			if (fr->phase != 0 || n < s + tl || (tl && memcmp(p + n - tl, t, tl) != 0) ||
			    (n - tl > lim))
				return 0;
			e = (long)(n - tl);
		} else {
			if (fr->cur > lim)
				return 0;
			e = fr->cur;
		}
	} else {
		/* names are short: one pass looking for the terminator, which
		 * may start with the space that ends the token */
		char t0 = t[0];
		if (fr->phase != 0 && p[fr->cur - 1] == ' ')
			return 0;
		for (i = fr->cur; i < n; i++) {
			char c = p[i];
			if (c == t0 && i + tl <= n && same(p + i + 1, t + 1, tl - 1)) {
				e = (long)i;
				break;
			}
			if (c == ' ')
				return 0;
		}
		if (e < 0)
			return 0;
	}
	fr->cur = (uint32_t)e + 1;
	fr->vs = (uint32_t)s;
	fr->ve = (uint32_t)e;
	fr->end = (uint32_t)e;
	return 1;
}

/* Produces the next candidate of field node nd, or 0 (with *why set when
 * there was no candidate at all). */
static int field_next(const struct hz_format *f, const struct hz_lf_node *nd, struct frame *fr,
		      const char *p, size_t n, enum why *why)
{
	size_t pos = fr->pos, i;
	const char *t = f->buf + nd->toff + 1;
	size_t tl = nd->tlen;
	long e;
	int first = fr->phase == 0;

	fr->mark = 0;
	fr->olis = 0;
	switch ((enum hz_lf_mode)nd->mode) {
	case LFM_INT:
		if (!first)
			return 0;
		i = pos;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i >= n || !is_digit(p[i])) {
			*why = W_INT;
			return 0;
		}
		while (i < n && is_digit(p[i]))
			i++;
		goto single;
	case LFM_HEX:
		if (!first)
			return 0;
		for (i = pos; i < n && is_xdigit(p[i]); i++)
			;
		if (i == pos) {
			*why = W_HEX;
			return 0;
		}
		goto single;
	case LFM_PORT:
	case LFM_PORTHEX:
		if (!first)
			return 0;
		if (pos < n && p[pos] == '-') {
			i = pos + 1;
			goto single;
		}
		if (nd->quoted && pos + 1 < n && p[pos] == '"' && p[pos + 1] == '"') {
			fr->vs = fr->ve = (uint32_t)pos + 1;
			fr->end = (uint32_t)pos + 2;
			fr->mark = HZ_MARK_QUOTED;
			fr->phase = 1;   /* one candidate: not to be offered again */
			return 1;
		}
		for (i = pos; i < n && (nd->mode == LFM_PORT ? is_digit(p[i]) : is_xdigit(p[i])); i++)
			;
		if (i == pos) {
			*why = W_PORT;
			return 0;
		}
		goto single;
	case LFM_DATE_MS:
		if (!first)
			return 0;
		if (n - pos < 24 || !date_ok(p + pos, 0)) {
			*why = W_DATE_MS;
			return 0;
		}
		i = pos + 24;
		goto single;
	case LFM_DATE_TZ:
		if (!first)
			return 0;
		if (n - pos < 26 || !date_ok(p + pos, 1)) {
			*why = W_DATE_TZ;
			return 0;
		}
		i = pos + 26;
		goto single;
	case LFM_TERM:
		if (!first)
			return 0;
		for (i = pos; i < pos + nd->width && i < n; i++) {
			char c = p[i];
			if (!(c == '-' || is_digit(c) || (unsigned char)((c | 0x20) - 'a') < 26))
				break;
		}
		if (i != pos + nd->width) {
			*why = W_TERM;
			return 0;
		}
		goto single;
	case LFM_IP: {
		size_t r;
		if (first) {
			fr->phase = 2;
			if (pos < n && p[pos] == '-') {
				i = pos + 1;
				goto out;
			}
			if (n - pos >= 4 && memcmp(p + pos, "unix", 4) == 0) {
				i = pos + 4;
				goto out;
			}
			/* a dotted IPv4 not followed by more digits or dots is the
			 * only reading: IPv6 never has a '.' before a ':' */
			if ((r = ipv4_len(p + pos, n - pos)) > 0 && (pos + r == n || (!is_digit(p[pos + r]) && p[pos + r] != '.'))) {
				i = pos + r;
				goto out;
			}
			for (r = pos; r < n && (is_xdigit(p[r]) || p[r] == ':' || p[r] == '.'); r++)
				;
			fr->cur = (uint32_t)r;
			fr->phase = 1;
			if (r > pos && ip_ok(p + pos, r - pos)) {
				i = r;
				goto out;
			}
		} else if (fr->phase == 2) {
			return 0;
		}
		/* then every shorter prefix that stops before a ':' (IPv6 then port) */
		for (r = fr->cur; r-- > pos + 1;) {
			if (p[r] == ':' && ip_ok(p + pos, r - pos)) {
				fr->cur = (uint32_t)r;
				i = r;
				goto out;
			}
		}
		fr->phase = 2;
		if (first)
			*why = W_IP;
		return 0;
	}
	case LFM_IPHEX: {
		size_t r;
		if (first) {
			if (pos < n && p[pos] == '-') {
				i = pos + 1;
				fr->phase = 2;
				goto out;
			}
			if (nd->quoted && pos + 1 < n && p[pos] == '"' && p[pos + 1] == '"') {
				fr->vs = fr->ve = (uint32_t)pos + 1;
				fr->end = (uint32_t)pos + 2;
				fr->mark = HZ_MARK_QUOTED;
				fr->phase = 2;
				return 1;
			}
			for (r = pos; r < n && is_xdigit(p[r]); r++)
				;
			fr->cur = (uint32_t)(r - pos);
			if (r - pos >= 32) {
				i = pos + 32;
				fr->phase = 1;
				goto out;
			}
		} else if (fr->phase != 1)
			return 0;
		fr->phase = 2;
		if (fr->cur >= 8) {
			i = pos + 8;
			goto out;
		}
		if (first)
			*why = W_IP;
		return 0;
	}
	case LFM_IP_Q:
		if (!first)
			return 0;
		if (pos < n && p[pos] == '"') {
			e = close_quote(p, n, pos, 0);
			if (e >= 0 && ((size_t)e == pos + 1 || ip_ok(p + pos + 1, (size_t)e - pos - 1) ||
				       ((size_t)e - pos - 1 == 4 && memcmp(p + pos + 1, "unix", 4) == 0))) {
				fr->vs = (uint32_t)pos + 1;
				fr->ve = (uint32_t)e;
				fr->end = (uint32_t)e + 1;
				fr->mark = HZ_MARK_QUOTED;
				fr->phase = 1;
				return 1;
			}
		}
		if (pos < n && p[pos] == '-') {
			i = pos + 1;
			goto single;
		}
		*why = W_IP;
		return 0;
	case LFM_TOKEN:
		if (!token_next(nd, fr, p, n, t, tl)) {
			if (first)
				*why = W_TOKEN;
			return 0;
		}
		fr->phase = 1;
		return 1;
	case LFM_FT:
		if (!token_next(nd, fr, p, n, t, tl)) {
			if (first)
				*why = W_TOKEN;
			return 0;
		}
		if (fr->ve > fr->vs && p[fr->ve - 1] == '~') {
			fr->ve--;
			fr->mark = HZ_MARK_TILDE;
		}
		fr->phase = 1;
		return 1;
	case LFM_TOKEN_Q:
	case LFM_FT_Q:
	case LFM_REQ_Q:
	case LFM_TEXT_QE:
		if (!first)
			return 0;
		if (pos >= n || p[pos] != '"') {
			*why = W_QUOTE;
			return 0;
		}
		e = close_quote(p, n, pos, (f->fields[nd->field].flags & HZ_FLAG_E) != 0);
		fr->vs = (uint32_t)pos + 1;
		fr->mark = HZ_MARK_QUOTED;
		if (e < 0) {
			/* a %r at the end of a line cut by the length limit
			 * loses its closing quote */
			if (nd->mode != LFM_REQ_Q || !nd->term_end || tl != 0) {
				*why = W_UNTERM;
				return 0;
			}
			fr->ve = fr->end = (uint32_t)n;
			fr->mark |= HZ_MARK_CUT;
		} else {
			fr->ve = (uint32_t)e;
			fr->end = (uint32_t)e + 1;
		}
		if (nd->mode == LFM_FT_Q && fr->ve > fr->vs && p[fr->ve - 1] == '~') {
			fr->ve--;
			fr->mark |= HZ_MARK_TILDE;
		}
		fr->phase = 1;
		return 1;
	case LFM_TEXT:
		if (!text_next(nd, fr, p, n, pos, t, tl, 0)) {
			if (first)
				*why = W_TEXT;
			return 0;
		}
		fr->end = fr->ve;
		fr->phase = 1;
		return 1;
	case LFM_TEXT_Q:
		if (first && (pos >= n || p[pos] != '"')) {
			*why = W_QUOTE;
			return 0;
		}
		/* the terminator with the closing quote in front */
		if (!text_next(nd, fr, p, n, pos + 1, t - 1, tl + 1, 0)) {
			if (first)
				*why = W_UNTERM;
			return 0;
		}
		fr->end = fr->ve + 1;
		fr->mark = HZ_MARK_QUOTED;
		fr->phase = 1;
		return 1;
	case LFM_CAPT:
	case LFM_CAPT_Q: {
		int q = nd->mode == LFM_CAPT_Q;
		if (first) {
			fr->phase = 1;
			if (pos + (size_t)q < n && p[pos + q] == '{' && (!q || p[pos] == '"')) {
				/* '"', '{' and '}' are always #22, #7B, #7D inside: the
				 * block ends at the first '}', with no '"' or '{' before */
				i = find3(p, pos + q + 1, n, '}', '"', '{');
				if (i < n && p[i] == '}' && (!q || (i + 1 < n && p[i + 1] == '"'))) {
					fr->vs = (uint32_t)(pos + q + 1);
					fr->ve = (uint32_t)i;
					fr->end = fr->ve + 1 + (uint32_t)q;
					if (q)
						fr->mark = HZ_MARK_QUOTED;
					return 1;
				}
			}
		}
		if (fr->phase != 1)
			return 0;
		fr->phase = 2;
		goto absent;
	}
	case LFM_LIST:
		if (fr->phase != 2) {
			if (text_next(nd, fr, p, n, pos, t, tl, 1)) {
				fr->end = fr->ve;
				fr->phase = 1;
				return 1;
			}
			fr->phase = 2;
			goto absent;
		}
		return 0;
	case LFM_LIST_Q:
		/* "a" "b" "c": values cannot hold a raw quote (#22), so the
		 * list can only end after an item; fewer items first */
		if (fr->phase == 0) {
			i = pos;
		} else if (fr->phase == 1 && fr->end + 1 < n && p[fr->end] == ' ' && p[fr->end + 1] == '"') {
			i = fr->end + 1;
		} else if (fr->phase == 1) {
			fr->phase = 2;
			goto absent;
		} else {
			return 0;
		}
		if (i < n && p[i] == '"' && (e = close_quote(p, n, i, 0)) >= 0) {
			fr->phase = 1;
			fr->vs = (uint32_t)pos;
			fr->ve = fr->end = (uint32_t)e + 1;
			return 1;
		}
		fr->phase = 2;
		goto absent;
	}
	return 0;

single:
	fr->phase = 1;
out:
	fr->vs = (uint32_t)pos;
	fr->ve = fr->end = (uint32_t)i;
	return 1;

absent:
	fr->vs = fr->ve = fr->end = (uint32_t)pos;
	fr->olis = fr->lis;
	fr->mark = HZ_MARK_ABSENT;
	return 1;
}

static const char *why_text(enum why w, const struct hz_lf_node *nd)
{
	switch (w) {
	case W_INT: return "expected an integer";
	case W_HEX: return "expected hex digits";
	case W_IP: return "expected an IP address";
	case W_PORT: return "expected a port";
	case W_DATE_MS: return "expected a date like 27/Nov/2026:04:16:18.367";
	case W_DATE_TZ: return "expected a date like 27/Nov/2026:04:16:18 +0000";
	case W_TERM: return nd && nd->width == 2 ? "expected a 2-character termination state"
						 : "expected a 4-character termination state";
	case W_TOKEN: return "no value ending where the format continues";
	case W_QUOTE: return "expected '\"'";
	case W_UNTERM: return "unterminated quoted value";
	case W_TEXT: return "no value ending where the format continues";
	default: return "no match";
	}
}

/* "%ST (status)", "%[ssl_c_i_dn(cn)]" */
static void field_label(const struct hz_field_info *fi, char *buf, size_t cap)
{
	if (fi->alias == HZ_A_SAMPLE)
		snprintf(buf, cap, "%%[%.*s]", (int)(fi->expr.n > 200 ? 200 : fi->expr.n), fi->expr.p);
	else if (fi->alias == HZ_A_NONE)
		snprintf(buf, cap, "<%s>", fi->alias_name);
	else
		snprintf(buf, cap, "%%%s (%s)", fi->alias_name, fi->long_name);
}

static int explain(const struct hz_format *f, size_t k, size_t pos, enum why w, const char *p, size_t n,
		   struct hz_err *why);

/* The failure at node k, pos, for w, told in why and/or as a column in
 * *col (either may be NULL): the column alone costs nothing. */
static inline int report(const struct hz_format *f, size_t k, size_t pos, enum why w, const char *p, size_t n,
			 struct hz_err *why, uint32_t *col)
{
	if (col)
		*col = (uint32_t)(pos + 1);
	if (!why)
		return HZ_ESYNTAX;
	return explain(f, k, pos, w, p, n, why);
}

static int explain(const struct hz_format *f, size_t k, size_t pos, enum why w, const char *p, size_t n,
		   struct hz_err *why)
{
	char lab[256];
	const struct hz_lf_node *nd = k < f->nnodes ? &f->nodes[k] : NULL;

	memset(why, 0, sizeof(*why));
	why->code = HZ_ESYNTAX;
	why->col = (uint32_t)(pos + 1);
	if (w == W_STEPS) {
		snprintf(why->msg, sizeof(why->msg),
			 "line too ambiguous for this format: gave up after %d steps", MAX_STEPS);
	} else if (w == W_END) {
		snprintf(why->msg, sizeof(why->msg), "unexpected text after the last field: \"%.*s\"",
			 (int)(n - pos > 40 ? 40 : n - pos), p + pos);
	} else if (nd && nd->kind == LFN_GLUE) {
		const struct hz_lf_node *prev = k > 0 ? &f->nodes[k - 1] : NULL;
		int len = (int)nd->len;
		const char *txt = f->buf + nd->off;
		if (nd->lead_sep && len > 1) {
			/* show the text, whether or not the separator printed */
			txt++;
			len--;
		}
		if (prev && prev->kind == LFN_FIELD) {
			field_label(&f->fields[prev->field], lab, sizeof(lab));
			snprintf(why->msg, sizeof(why->msg), "after field %s: expected \"%.*s\"", lab,
				 len > 100 ? 100 : len, txt);
		} else {
			snprintf(why->msg, sizeof(why->msg), "expected \"%.*s\"", len > 100 ? 100 : len, txt);
		}
	} else if (nd) {
		field_label(&f->fields[nd->field], lab, sizeof(lab));
		if (pos >= n)
			snprintf(why->msg, sizeof(why->msg), "field %s: line ends too early", lab);
		else
			snprintf(why->msg, sizeof(why->msg), "field %s: %s", lab, why_text(w, nd));
	} else {
		snprintf(why->msg, sizeof(why->msg), "no match");
	}
	return HZ_ESYNTAX;
}

static int backtrack(const struct hz_format *f, const char *p, size_t n, struct hz_match *m,
		     struct hz_err *why, uint32_t *col)
{
	struct frame fr[HZ_LF_MAX_NODES + 1];
	const struct hz_lf_node *nodes = f->nodes;
	size_t nn = f->nnodes, k = 0, bestk = 0, bestpos = 0;
	enum why bestw = W_NONE;
	unsigned steps = 0;

	if (n > UINT32_MAX - 2)
		return report(f, 0, 0, W_NONE, p, n, why, col);
	fr[0].pos = 0;
	fr[0].lis = 1;
	fr[0].phase = 0;
	for (;;) {
		const struct hz_lf_node *nd;
		struct frame *cf = &fr[k];
		enum why w = W_NONE;

		if (k == nn) {
			if (cf->pos == n)
				break;
			w = W_END;
			if (cf->pos >= bestpos) {
				bestpos = cf->pos;
				bestk = k;
				bestw = w;
			}
			goto back;
		}
		if (++steps > MAX_STEPS)
			return report(f, k, cf->pos, W_STEPS, p, n, why, col);
		nd = &nodes[k];
		if (nd->kind == LFN_GLUE) {
			if (cf->phase == 0) {
				const char *t = f->buf + nd->off;
				size_t tl = nd->len, pos = cf->pos;
				cf->phase = 1;
				if (nd->lead_sep && cf->lis) {
					t++;
					tl--;
				}
				if (tl <= n - pos && same(p + pos, t, tl)) {
					cf->end = (uint32_t)(pos + tl);
					goto advance;
				}
				/* a trailing separator trimmed away at the end of the line */
				if (nd->trail_sep && nd->tail_opt && tl - 1 == n - pos &&
				    memcmp(p + pos, t, tl - 1) == 0) {
					cf->end = (uint32_t)n;
					goto advance;
				}
				w = W_GLUE;
			}
		} else if (field_next(f, nd, cf, p, n, &w)) {
			goto advance;
		}
		if (w != W_NONE && cf->pos >= bestpos) {
			bestpos = cf->pos;
			bestk = k;
			bestw = w;
		}
back:
		if (k == 0)
			return report(f, bestk, bestpos, bestw, p, n, why, col);
		k--;
		continue;
advance:
		if (nd->kind == LFN_GLUE) {
			fr[k + 1].lis = nd->trail_sep;
		} else {
			/* the last write of each field is the one of the path
			 * that succeeds: backtracking re-runs every later node */
			size_t fi = nd->field, len = cf->ve - cf->vs;
			const char *v = p + cf->vs;
			m->v[fi].p = v;
			m->v[fi].n = len;
			m->mark[fi] = cf->mark;
			m->empty[fi] = len == 0 || (len == 1 && v[0] == '-' && !(cf->mark & HZ_MARK_QUOTED)) ||
				       (len == 2 && v[0] == '"' && v[1] == '"' && nd->mode == LFM_LIST_Q);
			fr[k + 1].lis = cf->olis;
		}
		fr[k + 1].pos = cf->end;
		fr[k + 1].phase = 0;
		k++;
	}

	m->nfields = f->nfields;
	return 0;
}

int hz_format_match_backtrack(const struct hz_format *f, const char *p, size_t n,
			      struct hz_match *m, struct hz_err *why)
{
	return backtrack(f, p, n, m, why, NULL);
}

/* The straight-line pass.
 *
 * The backtracking matcher above tries the candidates of each node in a fixed
 * order and returns the first path that reaches the end of the line. Its
 * first path is the one that takes the first candidate of every node, so a
 * pass that takes only first candidates, and succeeds, finds exactly what it
 * would. Most fields have one candidate only (numbers, dates, termination
 * states, quoted values); names and free text are cut at their terminator,
 * which is the text of the glue after them, so that glue needs no second
 * look. A field whose candidate the next glue rejects tries its next
 * candidates on the spot, as the backtracking matcher would, since the glue
 * has no candidate of its own.
 *
 * When the pass fails, the line is rejected without more work if no field
 * before the failure had another candidate: the backtracking matcher would
 * walk the same single path and report the same failure. Names, free text
 * and IPv6 addresses have another candidate only when their terminator
 * appears again further on, or a shorter address would do, which is looked
 * for only then. A capture block taken as printed has one other candidate,
 * printed nothing: when it is the deepest choice left, the pass runs again
 * from there, as the backtracking matcher would go back to it (DFS order,
 * the failures noted on the way included, so that the report is the same).
 * Any other choice (lists, hex addresses, fields glued to fields, a name
 * whose terminator shows again) hands the line over to that matcher.
 *
 * The pass runs over a plan compiled once per format (hz_format_plan): one
 * op per field, carrying the glue that follows it, with the choices that do
 * not depend on the line (which scan, which terminator, the glue as one
 * 8-byte word) made in advance. */

enum op_kind {
	OP_STOP = 0,
	OP_LEAD_GLUE,  /* glue before the first field */
	OP_INT,        /* [+-]?digits */
	OP_PORT,       /* digits, '-' or (quoted) "" */
	OP_DATE_MS,
	OP_DATE_TZ,
	OP_TERM,
	OP_IP,         /* '-' or IPv4 here, IPv6 in step_ip6, anything else through field_next */
	OP_TOKEN_SP,   /* name ending at the first space, which starts its terminator */
	OP_TOKEN_SP1,  /* the same, when that space is the whole terminator */
	OP_TOKEN_C,    /* name ending where its terminator (not starting with a space) first shows */
	OP_TOKEN_END,  /* name running to the end of the line, less the last glue */
	OP_TEXT,       /* free text ending where its terminator first shows */
	OP_TEXT1,      /* the same, with a one-byte terminator */
	OP_TEXT_END,   /* free text running to the end of the line, less the last glue */
	OP_TEXT_Q,     /* "free text" ending where '"' and its terminator first show */
	OP_QUOTED,     /* "..." ending at the first quote (unescaped with +E) */
	OP_CAPT,       /* {...} or "{...}" or nothing */
	OP_GENERIC     /* anything else: field_next's candidates */
};

#define FALLBACK 1
#define RESTART 2      /* fail(): run the pass again from c->from */
#define MAX_CHOICE 8   /* capture blocks whose other candidate the pass tries itself */
#define MAX_RESTART 64
#define MAX_LOCAL 4096 /* candidates tried on the spot before handing over */

int hz_format_plan(struct hz_format *f)
{
	size_t cap = f->nnodes + 2;
	struct hz_lf_op *ops = calloc(1, cap * sizeof(*ops) + cap * sizeof(uint16_t)), *o = ops;
	uint16_t *lazy = (uint16_t *)(void *)(ops + cap);
	size_t nlazy = 0;

	if (!ops)
		return HZ_ENOMEM;
	for (size_t k = 0; k < f->nnodes; k++) {
		const struct hz_lf_node *nd = &f->nodes[k];
		const struct hz_lf_node *g = nd->kind == LFN_FIELD && nd->glued ? &f->nodes[k + 1] : NULL;

		if (nd->kind == LFN_GLUE) {
			/* only the glue before the first field is met here: the
			 * others ride with the field in front of them */
			o->kind = OP_LEAD_GLUE;
			o->node = (uint16_t)k;
			o++;
			continue;
		}
		o->node = (uint16_t)k;
		o->field = nd->field;
		o->t = f->buf + nd->toff + 1;
		o->tl = nd->tlen;
		o->width = nd->width;
		o->tend = nd->term_end;
		if (g) {
			char w[8] = { 0 }, mk[8] = { 0 };
			o->glue = 1;
			o->gtrail = g->trail_sep;
			o->glead = g->lead_sep;
			o->g0 = f->buf[g->off];
			if (g->len >= 1 && g->len <= 8) {
				o->glen = (uint8_t)g->len;
				memcpy(w, f->buf + g->off, g->len);
				memset(mk, 0xff, g->len);
				memcpy(&o->gword, w, 8);
				memcpy(&o->gmask, mk, 8);
			}
		}
		switch ((enum hz_lf_mode)nd->mode) {
		case LFM_INT:
			o->kind = OP_INT;
			break;
		case LFM_PORT:
			o->kind = OP_PORT;
			o->q = nd->quoted;
			break;
		case LFM_DATE_MS:
			o->kind = OP_DATE_MS;
			break;
		case LFM_DATE_TZ:
			o->kind = OP_DATE_TZ;
			break;
		case LFM_TERM:
			o->kind = OP_TERM;
			break;
		case LFM_IP:
			o->kind = OP_IP;
			break;
		case LFM_TOKEN:
		case LFM_FT:
			o->ft = nd->mode == LFM_FT;
			if (nd->term_end)
				o->kind = OP_TOKEN_END;
			else if (nd->tlen == 0)
				o->kind = OP_GENERIC;
			else
				o->kind = o->t[0] != ' ' ? OP_TOKEN_C : nd->tlen == 1 ? OP_TOKEN_SP1 : OP_TOKEN_SP;
			break;
		case LFM_TEXT:
			if (nd->term_end)
				o->kind = OP_TEXT_END;
			else
				o->kind = nd->tlen == 0 ? OP_GENERIC : nd->tlen == 1 ? OP_TEXT1 : OP_TEXT;
			break;
		case LFM_TEXT_Q:
			o->kind = OP_TEXT_Q;
			break;
		case LFM_TOKEN_Q:
		case LFM_FT_Q:
		case LFM_REQ_Q:
		case LFM_TEXT_QE:
			o->kind = OP_QUOTED;
			o->ft = nd->mode == LFM_FT_Q;
			o->q = (f->fields[nd->field].flags & HZ_FLAG_E) != 0;
			break;
		case LFM_CAPT:
		case LFM_CAPT_Q:
			o->kind = OP_CAPT;
			o->q = nd->mode == LFM_CAPT_Q;
			break;
		default:
			o->kind = OP_GENERIC;
			break;
		}
		if (o->kind == OP_TOKEN_C || o->kind == OP_TEXT || o->kind == OP_TEXT1 || o->kind == OP_IP ||
		    (o->kind == OP_TEXT_Q && !nd->term_end))
			lazy[nlazy++] = (uint16_t)(o - ops);
		o++;
		if (g)
			k++;
	}
	o->kind = OP_STOP;
	/* runs of integers glued by one byte */
	for (struct hz_lf_op *q = o; q-- > ops;)
		if (q->kind == OP_INT && q->glen == 1 && q[1].kind == OP_INT)
			q->run = (uint8_t)(q[1].run < 255 ? q[1].run + 1 : 255);
	free(f->ops);
	f->ops = ops;
	f->nops = (size_t)(o - ops);
	f->lazy = lazy;
	f->nlazy = nlazy;
	return 0;
}

/* Whether the name or text of node nd, cut at e, has another candidate: the
 * search the backtracking matcher would make next. */
static int has_more(const struct hz_format *f, const struct hz_lf_node *nd, const char *p, size_t n,
		    size_t e)
{
	const char *t = f->buf + nd->toff + 1;
	size_t tl = nd->tlen, i;

	switch ((enum hz_lf_mode)nd->mode) {
	case LFM_TOKEN:
	case LFM_FT:
		for (i = e + 1; i < n; i++) {
			if (p[i] == t[0] && i + tl <= n && same(p + i + 1, t + 1, tl - 1))
				return 1;
			if (p[i] == ' ')
				return 0;
		}
		return 0;
	case LFM_TEXT:
		return find_term(p, n, e + 1, n, t, tl) >= 0;
	case LFM_TEXT_Q:
		return find_term(p, n, e + 1, n, t - 1, tl + 1) >= 0;
	default:
		return 1;
	}
}

/* Whether a field matched by field_next may have another candidate. */
static int may_have_more(const struct hz_lf_node *nd, const struct frame *fr)
{
	switch ((enum hz_lf_mode)nd->mode) {
	case LFM_IP:
	case LFM_IPHEX:
	case LFM_CAPT:
	case LFM_CAPT_Q:
	case LFM_LIST:
	case LFM_LIST_Q:
		return fr->phase != 2;
	case LFM_TOKEN:
	case LFM_FT:
	case LFM_TEXT:
	case LFM_TEXT_Q:
		return 1;
	default:
		return 0;
	}
}

/* Where glue node g, met at pos, ends; -1 when it is not there. */
static long glue_at(const struct hz_format *f, const struct hz_lf_node *g, const char *p, size_t n,
		    size_t pos, int lis)
{
	const char *t = f->buf + g->off;
	size_t tl = g->len;

	if (g->lead_sep && lis) {
		t++;
		tl--;
	}
	if (tl <= n - pos && same(p + pos, t, tl))
		return (long)(pos + tl);
	/* a trailing separator trimmed away at the end of the line */
	if (g->trail_sep && g->tail_opt && tl - 1 == n - pos && memcmp(p + pos, t, tl - 1) == 0)
		return (long)n;
	return -1;
}

/* The glue after op o's field, met at pos right after a value (so its
 * leading separator prints): where it ends, or -1. */
static inline __attribute__((always_inline)) long glue_after(const struct hz_format *f, const struct hz_lf_op *o, const char *p, size_t n,
			      size_t pos)
{
	if (o->glen == 1 && pos < n) {
		/* not at the end: the trimmed-separator case cannot apply */
		return p[pos] == o->g0 ? (long)pos + 1 : -1;
	}
	if (o->glen && n - pos >= 8) {
		uint64_t w;
		memcpy(&w, p + pos, 8);
		/* a glue of at most 8 bytes met 8 bytes or more before the
		 * end: the trimmed-separator case cannot apply */
		return ((w ^ o->gword) & o->gmask) == 0 ? (long)(pos + o->glen) : -1;
	}
	return glue_at(f, &f->nodes[o->node + 1], p, n, pos, 0);
}

/* Whether op o's terminator is at e, exactly (no trimming: a name or a text
 * ends only where its terminator is whole). */
static inline int term_at(const struct hz_lf_op *o, const char *p, size_t n, size_t e)
{
	if (o->glen && n - e >= 8) {
		uint64_t w;
		memcpy(&w, p + e, 8);
		return ((w ^ o->gword) & o->gmask) == 0;
	}
	return o->tl <= n - e && same(p + e, o->t, o->tl);
}

/* First e >= from where the terminator (t, tl > 0) starts, or -1; find_term
 * with an inline scan for its first byte. */
static inline long find_term_fast(const char *p, size_t n, size_t from, const char *t, size_t tl)
{
	size_t lim;

	if (tl > n)
		return -1;
	lim = n + 1 - tl;
	while (from < lim) {
		size_t e = find1(p, from, lim, t[0]);
		if (e >= lim)
			return -1;
		if (same(p + e + 1, t + 1, tl - 1))
			return (long)e;
		from = e + 1;
	}
	return -1;
}

/* Byte classes for the scans below. */
#define K_DIGIT 1
#define K_TERM 2   /* termination state: '-', digit or letter */
#define K_XDIGIT 4

static const uint8_t kls[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0,
	0, 6, 6, 6, 6, 6, 6, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
	0, 6, 6, 6, 6, 6, 6, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

#define KL(c) kls[(unsigned char)(c)]

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HZ_LE 1   /* the first byte in memory is the low byte of a word */
#endif

#if defined(HZ_SSE2) && defined(HZ_LE)
#define HZ_WIDE 1

static inline unsigned mask16(__m128i x)
{
	return (unsigned)_mm_movemask_epi8(x);
}

static inline unsigned digits16(__m128i x)
{
	return mask16(_mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
				    _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1))));
}

/* The high bit of each byte of w that is not a decimal digit. */
static inline uint64_t nondigits8(uint64_t w)
{
	uint64_t x = w ^ 0x3030303030303030ull;
	return (((x & 0x7f7f7f7f7f7f7f7full) + 0x7676767676767676ull) | x) & 0x8080808080808080ull;
}

/* The run of digits and dots at s, when it is a dotted IPv4 that ipv4_len
 * reads whole (four parts of one to three digits, none above 255): its
 * length; else 0. Reads 16 bytes at s. The shape is checked on the masks
 * of digits and dots, and the three-digit parts against "255" bytewise,
 * all at once: no per-part loads or branches. */
static inline size_t ipv4_run16(const char *s)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
	unsigned dots = mask16(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
	unsigned dg = digits16(x);
	unsigned e = (unsigned)__builtin_ctz(~(dg | dots)), in, r, bad, t3;
	unsigned g2, e2, g5, e5;

	/* e = 16 when the run fills the window (bit 16 of ~ is set) */
	in = (1u << e) - 1;
	dots &= in;
	dg &= in;
	r = dots & (dots - 1);
	r &= r - 1;
	/* three dots exactly, neither first nor last nor two together, and
	 * no four digits in a row: four parts of one to three digits */
	bad = (e > 15) | !r | ((r & (r - 1)) != 0) | (dots & 1) | ((dots & ((in + 1) >> 1)) != 0) |
	      ((dots & (dots >> 1)) != 0) | ((dg & (dg >> 1) & (dg >> 2) & (dg >> 3)) != 0);
	/* the first digit of each three-digit part: above "255" when
	 * c0 > '2', or c0 == '2' and (c1 > '5', or c1 == '5' and c2 > '5') */
	t3 = dg & (dg >> 1) & (dg >> 2);
	g2 = mask16(_mm_cmpgt_epi8(x, _mm_set1_epi8('2')));
	e2 = mask16(_mm_cmpeq_epi8(x, _mm_set1_epi8('2')));
	g5 = mask16(_mm_cmpgt_epi8(x, _mm_set1_epi8('5')));
	e5 = mask16(_mm_cmpeq_epi8(x, _mm_set1_epi8('5')));
	bad |= (t3 & (g2 | (e2 & ((g5 | (e5 & (g5 >> 1))) >> 1)))) != 0;
	return bad ? 0 : e;
}

/* dd/Mon/yyyy:HH:MM:SS.mmm at s (24 readable bytes). */
static inline int date_ms_ok(const char *s)
{
	static const uint32_t month_of[16] = {
		[12] = 'J' | 'a' << 8 | 'n' << 16, [14] = 'F' | 'e' << 8 | 'b' << 16,
		[6] = 'M' | 'a' << 8 | 'r' << 16, [7] = 'A' | 'p' << 8 | 'r' << 16,
		[4] = 'M' | 'a' << 8 | 'y' << 16, [13] = 'J' | 'u' << 8 | 'n' << 16,
		[0] = 'J' | 'u' << 8 | 'l' << 16, [15] = 'A' | 'u' << 8 | 'g' << 16,
		[9] = 'S' | 'e' << 8 | 'p' << 16, [3] = 'O' | 'c' << 8 | 't' << 16,
		[1] = 'N' | 'o' << 8 | 'v' << 16, [5] = 'D' | 'e' << 8 | 'c' << 16,
	};
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + 8));
	/* '/' at 2 and 6, ':' at 11 and 14 (in a); ':' at 17, '.' at 20 (b = s + 8) */
	const __m128i ta = _mm_setr_epi8(0, 0, '/', 0, 0, 0, '/', 0, 0, 0, 0, ':', 0, 0, ':', 0);
	const __m128i tb = _mm_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, ':', 0, 0, '.', 0, 0, 0);
	unsigned da = digits16(a), db = digits16(b);
	unsigned sa = mask16(_mm_cmpeq_epi8(a, ta)), sb = mask16(_mm_cmpeq_epi8(b, tb));
	uint32_t mon = (uint32_t)(unsigned char)s[3] | (uint32_t)(unsigned char)s[4] << 8 |
		       (uint32_t)(unsigned char)s[5] << 16;

	return (da & 0xB783u) == 0xB783u && (db & 0xED00u) == 0xED00u && (sa & 0x4844u) == 0x4844u &&
	       (sb & 0x1200u) == 0x1200u && month_of[(uint32_t)(mon * 26596u) >> 28] == mon;
}
#endif

/* The state of one pass. What the hot loop needs stays in its registers;
 * this is for the slower paths, out of line. */
struct pass {
	const struct hz_format *f;
	const char *p;
	size_t n;
	struct hz_match *m;
	struct hz_err *why;
	uint32_t *col;
	size_t bestk, bestpos;  /* the furthest failure seen */
	enum why bestw;
	unsigned alt;           /* 1 + the last op that may have another candidate, or 0 */
	/* capture blocks taken as printed: the other candidate (printed
	 * nothing) is tried by the pass itself, deepest first, as the
	 * backtracking matcher would */
	unsigned nch;
	struct choice {
		uint32_t op, pos;
		int lis;
	} ch[MAX_CHOICE];
	const struct hz_lf_op *absent;  /* the capture to take as absent this time */
	const struct hz_lf_op *from;    /* where to start again (at pos, with lis) */
	size_t pos;
	unsigned restarts;
	unsigned local;         /* candidates tried on the spot */
	int lis;                /* set by the out-of-line steps: HAProxy's last_isspace */
	int rc;                 /* set by the out-of-line steps when the pass ends */
};

#define HZ_NOINLINE __attribute__((noinline))

static inline void note(struct pass *c, size_t k, size_t pos, enum why w)
{
	if (w != W_NONE && pos >= c->bestpos) {
		c->bestpos = pos;
		c->bestk = k;
		c->bestw = w;
	}
}

/* The pass failed at node k, pos, for w: reject the line, or hand it over
 * when another path may exist. */
static HZ_NOINLINE int fail(struct pass *c, size_t k, size_t pos, enum why w)
{
	const struct hz_lf_op *o, *ops = c->f->ops;
	unsigned deep = c->alt;

	note(c, k, pos, w);
	/* the names and texts before k that were cut at the first occurrence
	 * of their terminator: their value, written by the pass, says where;
	 * the deepest one with another candidate counts */
	for (size_t j = 0; j < c->f->nlazy && ops[c->f->lazy[j]].node < k; j++) {
		const struct hz_str *v;
		size_t e;
		o = ops + c->f->lazy[j];
		if ((unsigned)(o - ops) < deep)
			continue;
		v = &c->m->v[o->field];
		switch (o->kind) {
		case OP_TOKEN_C:
			e = (size_t)(v->p - c->p) + v->n + ((c->m->mark[o->field] & HZ_MARK_TILDE) != 0);
			break;
		case OP_TEXT:
		case OP_TEXT1:
			e = (size_t)(v->p - c->p) + v->n;
			break;
		case OP_TEXT_Q:
			e = (size_t)(v->p - c->p) + v->n;
			break;
		case OP_IP:
			/* an IPv6 read by step_ip6 (anything else read there
			 * has one candidate, or set c->alt): a shorter prefix
			 * that stops before a ':' would be the next */
			for (e = v->n; e-- > 1;)
				if (v->p[e] == ':' && (memchr(v->p, '.', e) ? ip_ok(v->p, e) : ip_ok_hex(v->p, e))) {
					deep = (unsigned)(o - ops) + 1;
					break;
				}
			continue;
		default:
			continue;
		}
		if (has_more(c->f, &c->f->nodes[o->node], c->p, c->n, e))
			deep = (unsigned)(o - ops) + 1;
	}
	/* the deepest choice is the one the backtracking matcher would
	 * revisit first: a capture block's is tried here, anything else is
	 * left to that matcher */
	if (c->nch && c->ch[c->nch - 1].op + 1 > deep) {
		const struct choice *ch = &c->ch[--c->nch];
		if (++c->restarts > MAX_RESTART)
			return FALLBACK;
		c->from = c->absent = ops + ch->op;
		c->pos = ch->pos;
		c->lis = ch->lis;
		return RESTART;
	}
	if (deep)
		return FALLBACK;
	return report(c->f, c->bestk, c->bestpos, c->bestw, c->p, c->n, c->why, c->col);
}

/* The end of the digits of an integer field at pos ([+-]?digits), or 0
 * when there is none (pos itself cannot end one). */
static inline size_t int_end(const char *p, size_t n, size_t pos)
{
	size_t i = pos;

#ifdef HZ_WIDE
	if (n - pos >= 8) {
		uint64_t w, nd;
		unsigned sg;
		memcpy(&w, p + pos, 8);
		sg = (uint8_t)w == '+' || (uint8_t)w == '-';
		nd = nondigits8(w) & ~(uint64_t)(sg << 7);
		if (nd) {
			unsigned e = (unsigned)__builtin_ctzll(nd) >> 3;
			return e > sg ? pos + e : 0;
		}
		return skip_digits(p, pos + 8, n);
	}
#endif
	if (i < n && (p[i] == '+' || p[i] == '-'))
		i++;
	if (i >= n || !is_digit(p[i]))
		return 0;
	return skip_digits(p, i + 1, n);
}

#define SET(fi, vs, len, mk, em) do { \
		m->v[fi].p = p + (vs); \
		m->v[fi].n = (len); \
		m->mark[fi] = (uint8_t)(mk); \
		m->empty[fi] = (uint8_t)(em); \
	} while (0)

/* SET for the ops whose mark and empty are always 0 (integers, dates,
 * termination states): straight() zeroes both before the pass, and no other
 * op writes that field. */
#define SET0(fi, vs, len) do { \
		m->v[fi].p = p + (vs); \
		m->v[fi].n = (len); \
	} while (0)

/* The out-of-line steps return where the line goes on, or -1 with c->rc
 * the result of the pass. */
static long stop(struct pass *c, int rc)
{
	c->rc = rc;
	return -1;
}

/* An IP that is not '-' nor a plain IPv4: IPv6 candidates here, anything
 * else (a run with a '.', "unix") through field_next. */
static HZ_NOINLINE long step_ip6(struct pass *c, const struct hz_lf_op *o, size_t pos, int lis);
static HZ_NOINLINE long step_generic(struct pass *c, const struct hz_lf_op *o, size_t pos, int lis);

static long step_ip6(struct pass *c, const struct hz_lf_op *o, size_t pos, int lis)
{
	const char *p = c->p;
	size_t n = c->n, e, i;
	struct hz_match *m = c->m;
	size_t fi = o->field;
	long x = 0;
	int any = 0;
	uint64_t cm;

	/* the whole run of hex digits and colons, then each shorter prefix
	 * that stops before a ':', as field_next offers them */
	e = hexcolon_run(p, pos, n, &cm);
	/* nothing an address can start with ("unix" and ".5" aside): as
	 * field_next would find, at once */
	if (e == pos && (pos >= n || (p[pos] != 'u' && p[pos] != '.')))
		return stop(c, fail(c, o->node, pos, W_IP));
	if (e == pos || (e < n && p[e] == '.'))
		return step_generic(c, o, pos, lis);
	if (e - pos <= 64) {
		/* the candidates are the end of the run and its ':' after the
		 * first byte, longest first */
		uint64_t cand = cm & ~1ull & (e - pos == 64 ? ~0ull : (1ull << (e - pos)) - 1);
		i = e;
		for (;;) {
			if (++c->local > MAX_LOCAL)
				return stop(c, FALLBACK);
			if (ip_ok_hexmask(cm, i - pos)) {
				any = 1;
				x = o->glue ? glue_after(c->f, o, p, n, i) : (long)i;
				if (x >= 0)
					break;
				note(c, o->node + 1u, i, W_GLUE);
			}
			if (!cand) {
				i = pos;
				break;
			}
			i = pos + 63 - (size_t)__builtin_clzll(cand);
			cand &= ~(1ull << (i - pos));
		}
	} else {
		for (i = e; i > pos; i--) {
			if (i != e && p[i] != ':')
				continue;
			if (++c->local > MAX_LOCAL)
				return stop(c, FALLBACK);
			if (!ip_ok_hex(p + pos, i - pos))
				continue;
			any = 1;
			x = o->glue ? glue_after(c->f, o, p, n, i) : (long)i;
			if (x >= 0)
				break;
			note(c, o->node + 1u, i, W_GLUE);
		}
	}
	if (i == pos)
		return stop(c, fail(c, o->node, pos, any ? W_NONE : W_IP));
	/* shorter prefixes may be other candidates: fail() looks */
	SET(fi, pos, i - pos, 0, 0);
	c->lis = o->gtrail;
	return x;
}

/* field_next's candidates, tried against the glue that follows. */
static long step_generic(struct pass *c, const struct hz_lf_op *o, size_t pos, int lis)
{
	const struct hz_format *f = c->f;
	const struct hz_lf_node *nd = &f->nodes[o->node];
	const struct hz_lf_node *g = o->glue ? nd + 1 : NULL;
	const char *p = c->p;
	size_t n = c->n, len, fi = o->field;
	struct hz_match *m = c->m;
	struct frame fr;
	long x;

	fr.pos = (uint32_t)pos;
	fr.lis = (uint8_t)lis;
	fr.phase = 0;
	for (;;) {
		enum why w = W_NONE;
		if (++c->local > MAX_LOCAL)
			return stop(c, FALLBACK);
		if (!field_next(f, nd, &fr, p, n, &w)) {
			/* w is set when there was no candidate at all */
			return stop(c, fail(c, o->node, pos, w));
		}
		if (!g) {
			x = fr.end;
			c->lis = fr.olis;
			break;
		}
		if ((x = glue_at(f, g, p, n, fr.end, fr.olis)) >= 0) {
			c->lis = g->trail_sep;
			break;
		}
		note(c, o->node + 1u, fr.end, W_GLUE);
	}
	len = fr.ve - fr.vs;
	SET(fi, fr.vs, len, fr.mark,
	    len == 0 || (len == 1 && p[fr.vs] == '-' && !(fr.mark & HZ_MARK_QUOTED)) ||
	    (len == 2 && p[fr.vs] == '"' && p[fr.vs + 1] == '"' && nd->mode == LFM_LIST_Q));
	if (may_have_more(nd, &fr))
		c->alt = (unsigned)(o - f->ops) + 1;
	return x;
}

/* The less common fields: ports, dates with a zone, names running to the
 * end, texts with a quote, capture blocks, the leading glue. */
static HZ_NOINLINE long step_other(struct pass *c, const struct hz_lf_op *o, size_t pos, int lis)
{
	const struct hz_format *f = c->f;
	const char *p = c->p;
	size_t n = c->n, fi = o->field, e, i, len;
	struct hz_match *m = c->m;
	long x;

	switch (o->kind) {
	case OP_LEAD_GLUE:
		if ((x = glue_at(f, &f->nodes[o->node], p, n, pos, lis)) < 0)
			return stop(c, fail(c, o->node, pos, W_GLUE));
		c->lis = f->nodes[o->node].trail_sep;
		return x;
	case OP_PORT:
		if (pos < n && p[pos] == '-') {
			SET(fi, pos, 1, 0, 1);
			e = pos + 1;
		} else if (o->q && pos + 1 < n && p[pos] == '"' && p[pos + 1] == '"') {
			SET(fi, pos + 1, 0, HZ_MARK_QUOTED, 1);
			e = pos + 2;
		} else {
			e = skip_digits(p, pos, n);
			if (e == pos)
				return stop(c, fail(c, o->node, pos, W_PORT));
			SET(fi, pos, e - pos, 0, 0);
		}
		break;
	case OP_DATE_TZ:
		if (n - pos < 26 || !date_ok(p + pos, 1))
			return stop(c, fail(c, o->node, pos, W_DATE_TZ));
		SET(fi, pos, 26, 0, 0);
		e = pos + 26;
		break;
	case OP_TOKEN_END:
		if (n - pos < o->tl || (o->tl && memcmp(p + n - o->tl, o->t, o->tl) != 0) ||
		    find1(p, pos, n - o->tl, ' ') < n - o->tl)
			return stop(c, fail(c, o->node, pos, W_TOKEN));
		e = n - o->tl;
		len = e - pos;
		if (o->ft && len > 0 && p[e - 1] == '~')
			SET(fi, pos, len - 1, HZ_MARK_TILDE, len == 1 || (len == 2 && p[pos] == '-'));
		else
			SET(fi, pos, len, 0, len == 0 || (len == 1 && p[pos] == '-'));
		c->lis = o->gtrail;
		return (long)n;
	case OP_TEXT_END:
		if (n - pos < o->tl || (o->tl && memcmp(p + n - o->tl, o->t, o->tl) != 0))
			return stop(c, fail(c, o->node, pos, W_TEXT));
		e = n - o->tl;
		len = e - pos;
		SET(fi, pos, len, 0, len == 0 || (len == 1 && p[pos] == '-'));
		c->lis = o->gtrail;
		return (long)n;
	case OP_CAPT: {
		size_t q = o->q;
		/* '"', '{' and '}' are always #22, #7B, #7D inside: the block
		 * ends at the first '}', with no '"' or '{' before */
		if (o != c->absent && pos + q < n && p[pos + q] == '{' && (!q || p[pos] == '"')) {
			i = find3(p, pos + q + 1, n, '}', '"', '{');
			if (i < n && p[i] == '}' && (!q || (i + 1 < n && p[i + 1] == '"'))) {
				e = i + 1 + q;
				x = o->glue ? glue_after(f, o, p, n, e) : (long)e;
				if (x >= 0) {
					len = i - pos - q - 1;
					SET(fi, pos + q + 1, len, q ? HZ_MARK_QUOTED : 0,
					    len == 0 || (len == 1 && !q && p[i - 1] == '-'));
					/* printing nothing is the other candidate */
					if (c->nch < MAX_CHOICE) {
						c->ch[c->nch].op = (uint32_t)(o - f->ops);
						c->ch[c->nch].pos = (uint32_t)pos;
						c->ch[c->nch++].lis = lis;
					} else {
						c->alt = (unsigned)(o - f->ops) + 1;
					}
					c->lis = o->gtrail;
					return x;
				}
				note(c, o->node + 1u, e, W_GLUE);
			}
		}
		/* printed nothing: the separator state goes through */
		if (o->glue) {
			if ((x = glue_at(f, &f->nodes[o->node + 1], p, n, pos, lis)) < 0)
				return stop(c, fail(c, o->node + 1u, pos, W_GLUE));
			c->lis = o->gtrail;
		} else {
			x = (long)pos;
			c->lis = lis;
		}
		SET(fi, pos, 0, HZ_MARK_ABSENT, 1);
		return x;
	}
	default:
		return step_generic(c, o, pos, lis);
	}
	/* one value has printed, ending at e: the glue follows */
	c->lis = o->gtrail;
	if (!o->glue)
		return (long)e;
	if ((x = glue_after(f, o, p, n, e)) < 0)
		return stop(c, fail(c, o->node + 1u, e, W_GLUE));
	return x;
}

/* The pass from op o, met at pos. Returns 0 (matched), HZ_ESYNTAX
 * (rejected), FALLBACK or RESTART. */
static int run(struct pass *c, const struct hz_lf_op *o, size_t pos, int lis)
{
	const struct hz_format *f = c->f;
	const char *p = c->p;
	size_t n = c->n, i, e, len;
	struct hz_match *m = c->m;
	long x;

	/* direct threading: each op ends with its own jump to the next op's
	 * code, so that the branch predictor sees one jump per op kind */
	static const void *const dispatch[] = {
		[OP_STOP] = &&op_STOP,
		[OP_LEAD_GLUE] = &&op_LEAD_GLUE,
		[OP_INT] = &&op_INT,
		[OP_PORT] = &&op_PORT,
		[OP_DATE_MS] = &&op_DATE_MS,
		[OP_DATE_TZ] = &&op_DATE_TZ,
		[OP_TERM] = &&op_TERM,
		[OP_IP] = &&op_IP,
		[OP_TOKEN_SP] = &&op_TOKEN_SP,
		[OP_TOKEN_SP1] = &&op_TOKEN_SP1,
		[OP_TOKEN_C] = &&op_TOKEN_C,
		[OP_TOKEN_END] = &&op_TOKEN_END,
		[OP_TEXT] = &&op_TEXT,
		[OP_TEXT1] = &&op_TEXT1,
		[OP_TEXT_END] = &&op_TEXT_END,
		[OP_TEXT_Q] = &&op_TEXT_Q,
		[OP_QUOTED] = &&op_QUOTED,
		[OP_CAPT] = &&op_CAPT,
		[OP_GENERIC] = &&op_GENERIC,
	};
	size_t fi = o->field;

#define NEXT() do { o++; fi = o->field; goto *dispatch[o->kind]; } while (0)
	goto *dispatch[o->kind];
	/* the ops' code, then the tails they share; every path ends in NEXT() or
	 * returns */
	{
op_STOP:
			if (pos == n) {
				m->nfields = f->nfields;
				return 0;
			}
			return fail(c, f->nnodes, pos, W_END);
op_INT: {
			/* timers and counters come in runs ("%TR/%Tw/%Tc/%Tr/%Ta
			 * %ST %B"): o->run more integers, each after a one-byte
			 * glue, are taken here without a dispatch */
			unsigned k = o->run;
#ifdef HZ_WIDE
			/* the non-digits of a 16-byte window of the line, read
			 * once for the several integers it holds: bit i is
			 * p[pos + i], for i < left; the bits from left on are
			 * set, so that the count of digits stops there (the
			 * window's upper half is set by ~, and shifting right by
			 * what was taken keeps it at left) */
			unsigned nd = ~0u, left = 0;

			if (n - pos >= 32) {
				/* the whole run from one 32-byte window: bit i of
				 * w is p[pos + i] not a digit (bit 32 stands for
				 * the window's end); each integer runs from s to
				 * the next set bit, which must be its glue. A
				 * sign, an empty integer or digits to the window's
				 * end go on in the loop below, from that integer */
				uint64_t w = (uint64_t)(uint32_t)~(digits16(load16(p + pos)) |
								   digits16(load16(p + pos + 16)) << 16) |
					     (1ull << 32);
				const char *b = p + pos;
				const struct hz_lf_op *last = o + k;
				size_t s = 0, er;
				for (;;) {
					er = (size_t)__builtin_ctzll(w);
					if (er == s || er == 32)
						break;
					m->v[o->field].p = b + s;
					m->v[o->field].n = er - s;
					if (o == last) {
						e = pos + er;
						goto glue;
					}
					/* er < 32 <= n - pos: b[er] is in the line */
					if (b[er] != o->g0)
						return fail(c, o->node + 1u, pos + er, W_GLUE);
					s = er + 1;
					w &= w - 1;
					o++;
				}
				k = (unsigned)(last - o);
				pos += s;
			}
#endif
			for (;;) {
#ifdef HZ_WIDE
				unsigned er = (unsigned)__builtin_ctz(nd);
				if (er >= left) {
					/* the window is spent: the digits may go on */
					if (n - pos < 16)
						goto int_short;
					nd = ~digits16(load16(p + pos));
					left = 16;
					er = (unsigned)__builtin_ctz(nd);
				}
				if (er - 1u < left - 1u) {
					/* digits, then a non-digit inside the window */
					e = pos + er;
					nd >>= er + 1;
					left -= er + 1;
				} else {
					/* a sign or no integer (er = 0), or digits to the
					 * window's end (er = 16): the next one reloads */
					if (er == 0) {
						if ((e = int_end(p, n, pos)) == 0)
							return fail(c, o->node, pos, W_INT);
					} else {
						e = skip_digits(p, pos + 16, n);
					}
					nd = ~0u;
					left = 0;
				}
				if (0) {
int_short:
#endif
				if ((e = int_end(p, n, pos)) == 0)
					return fail(c, o->node, pos, W_INT);
#ifdef HZ_WIDE
				}
#endif
				SET0(o->field, pos, e - pos);
				if (!k--)
					break;
				if (e >= n || p[e] != o->g0)
					return fail(c, o->node + 1u, e, W_GLUE);
				pos = e + 1;
				o++;
			}
			goto glue;
		}
op_DATE_MS:
			if (n - pos < 24 ||
#ifdef HZ_WIDE
			    !date_ms_ok(p + pos)
#else
			    !date_ok(p + pos, 0)
#endif
			)
				return fail(c, o->node, pos, W_DATE_MS);
			SET0(fi, pos, 24);
			e = pos + 24;
			goto glue;
op_TERM:
			if (n - pos < o->width ||
			    (o->width == 4 ? !(KL(p[pos]) & KL(p[pos + 1]) & KL(p[pos + 2]) & KL(p[pos + 3]) & K_TERM)
					   : !(KL(p[pos]) & KL(p[pos + 1]) & K_TERM)))
				return fail(c, o->node, pos, W_TERM);
			SET0(fi, pos, o->width);
			e = pos + o->width;
			goto glue;
op_IP:
			/* '-', or a dotted IPv4 not followed by more digits or
			 * dots: the only reading (see field_next) */
			if (pos < n && p[pos] == '-') {
				SET(fi, pos, 1, 0, 1);
				e = pos + 1;
				goto glue;
			}
			/* nothing an address can start with: at once, as
			 * field_next would find ("unix" and ".5" aside) */
			if (pos >= n || (!(KL(p[pos]) & K_XDIGIT) && p[pos] != ':' && p[pos] != 'u' && p[pos] != '.'))
				return fail(c, o->node, pos, W_IP);
#ifdef HZ_WIDE
			if (n - pos >= 16) {
				i = ipv4_run16(p + pos);
			} else
#endif
			{
				i = ipv4_len(p + pos, n - pos);
				if (i && pos + i < n && (is_digit(p[pos + i]) || p[pos + i] == '.'))
					i = 0;
			}
			if (i) {
				SET(fi, pos, i, 0, 0);
				e = pos + i;
				goto glue;
			}
			if ((x = step_ip6(c, o, pos, lis)) < 0)
				return c->rc;
			pos = (size_t)x;
			lis = c->lis;
			NEXT();
op_TOKEN_SP1:
			/* ends at the first space, which is all of its
			 * terminator: one candidate, no more to compare */
			if ((e = find1(p, pos, n, ' ')) >= n)
				return fail(c, o->node, pos, W_TOKEN);
			goto token;
op_TOKEN_SP:
			/* ends at the first space: one candidate */
			e = find1(p, pos, n, ' ');
			if (e >= n || !term_at(o, p, n, e))
				return fail(c, o->node, pos, W_TOKEN);
			goto token;
op_TOKEN_C:
			for (e = pos;; e++) {
				e = find2(p, e, n, o->t[0], ' ');
				if (e >= n || p[e] == ' ')
					return fail(c, o->node, pos, W_TOKEN);
				if (term_at(o, p, n, e))
					break;
			}
			goto token;
op_TEXT1:
			/* a one-byte terminator */
			if ((e = find1(p, pos, n, o->g0)) >= n)
				return fail(c, o->node, pos, W_TEXT);
			len = e - pos;
			SET(fi, pos, len, 0, len < 1u + (p[pos] == '-'));
			pos = e + 1;
			goto glued;
op_TEXT:
			if ((x = find_term_fast(p, n, pos, o->t, o->tl)) < 0)
				return fail(c, o->node, pos, W_TEXT);
			e = (size_t)x;
			len = e - pos;
			SET(fi, pos, len, 0, len < 1u + (p[pos] == '-'));
			pos = e + o->tl;
			goto glued;
op_TEXT_Q:
			/* the terminator with the closing quote in front */
			if (pos >= n || p[pos] != '"')
				return fail(c, o->node, pos, W_QUOTE);
			if (o->tend) {
				if (n - pos < o->tl + 2 || memcmp(p + n - o->tl - 1, o->t - 1, o->tl + 1) != 0)
					return fail(c, o->node, pos, W_UNTERM);
				e = n - o->tl - 1;
			} else if (o->tl == 1) {
				/* '"' and a one-byte glue */
				for (e = pos + 1;; e++) {
					e = find1(p, e, n, '"');
					if (e + 1 >= n)
						return fail(c, o->node, pos, W_UNTERM);
					if (p[e + 1] == o->g0)
						break;
				}
			} else {
				if ((x = find_term_fast(p, n, pos + 1, o->t - 1, o->tl + 1)) < 0)
					return fail(c, o->node, pos, W_UNTERM);
				e = (size_t)x;
			}
			SET(fi, pos + 1, e - pos - 1, HZ_MARK_QUOTED, e == pos + 1);
			pos = e + 1 + o->tl;
			goto glued;
op_QUOTED: {
			unsigned mark = HZ_MARK_QUOTED;
			if (pos >= n || p[pos] != '"')
				return fail(c, o->node, pos, W_QUOTE);
			i = o->q ? (size_t)close_quote(p, n, pos, 1) : find1(p, pos + 1, n, '"');
			if (i >= n) {
				/* a %r at the end of a line cut by the length limit
				 * loses its closing quote */
				if (f->nodes[o->node].mode != LFM_REQ_Q || !f->nodes[o->node].term_end || o->tl != 0)
					return fail(c, o->node, pos, W_UNTERM);
				e = i = n;
				mark |= HZ_MARK_CUT;
			} else {
				e = i + 1;
			}
			if (o->ft && i > pos + 1 && p[i - 1] == '~') {
				i--;
				mark |= HZ_MARK_TILDE;
			}
			SET(fi, pos + 1, i - pos - 1, mark, i == pos + 1);
			goto glue;
		}
op_PORT:
			if (pos < n && p[pos] == '-') {
				SET(fi, pos, 1, 0, 1);
				e = pos + 1;
				goto glue;
			}
			if ((e = skip_digits(p, pos, n)) > pos) {
				SET(fi, pos, e - pos, 0, 0);
				goto glue;
			}
			/* "" (quoted) or an error: step_other */
			goto other;
op_CAPT: {
			/* the common cases of step_other's, with a glue of at
			 * most 8 bytes after the block */
			size_t q = o->q;
			if (!o->glen)
				goto other;
			if (pos + q < n && p[pos + q] == '{' && (!q || p[pos] == '"')) {
				/* '"', '{' and '}' are always #22, #7B, #7D inside: the
				 * block ends at the first '}', with no '"' or '{' before */
				i = find3(p, pos + q + 1, n, '}', '"', '{');
				if (i < n && p[i] == '}' && (!q || (i + 1 < n && p[i + 1] == '"'))) {
					/* printed */
					if (o == c->absent || c->nch >= MAX_CHOICE ||
					    (x = glue_after(f, o, p, n, i + 1 + q)) < 0)
						goto other;
					len = i - pos - q - 1;
					SET(fi, pos + q + 1, len, q * HZ_MARK_QUOTED, (len == 0) | ((len == 1) & !q & (p[i - 1] == '-')));
					/* printing nothing is the other candidate */
					c->ch[c->nch].op = (uint32_t)(o - f->ops);
					c->ch[c->nch].pos = (uint32_t)pos;
					c->ch[c->nch++].lis = lis;
					pos = (size_t)x;
					lis = o->gtrail;
					NEXT();
				}
			}
			/* printed nothing: the separator state goes through to
			 * the glue, whose leading separator may be there already */
			if (o->glead && lis) {
#ifdef HZ_LE
				uint64_t w;
				if (n - pos < 8)
					goto other;
				memcpy(&w, p + pos, 8);
				/* the glue less its first byte */
				if (((w ^ (o->gword >> 8)) & (o->gmask >> 8)) != 0)
					goto other;
				x = (long)(pos + o->glen - 1u);
#else
				goto other;
#endif
			} else if ((x = glue_after(f, o, p, n, pos)) < 0) {
				goto other;
			}
			SET(fi, pos, 0, HZ_MARK_ABSENT, 1);
			pos = (size_t)x;
			lis = o->gtrail;
			NEXT();
		}
op_LEAD_GLUE:
op_DATE_TZ:
op_TOKEN_END:
op_TEXT_END:
op_GENERIC:
other:
			if ((x = step_other(c, o, pos, lis)) < 0)
				return c->rc;
			pos = (size_t)x;
			lis = c->lis;
			NEXT();

token:
		/* a name [pos, e), its terminator at e (so p[pos] is there) */
		{
			unsigned tilde = 0;
			if (o->ft)
				tilde = (e > pos) & (p[e - (e > pos)] == '~');
			len = e - pos - tilde;
			/* empty: "" or "-" */
			SET(fi, pos, len, tilde * HZ_MARK_TILDE, len < 1u + (p[pos] == '-'));
		}
		pos = e + o->tl;
		/* fall through */
glued:
		/* the glue after the field was the terminator: already there */
		lis = o->gtrail;
		NEXT();

glue:
		/* one value has printed, ending at e: the glue follows with its
		 * separator */
		if (o->glen == 1 && e < n) {
			if (p[e] != o->g0)
				return fail(c, o->node + 1u, e, W_GLUE);
			pos = e + 1;
			lis = o->gtrail;
			NEXT();
		}
		if (!o->glue) {
			pos = e;
			lis = 0;
			NEXT();
		}
		if ((x = glue_after(f, o, p, n, e)) < 0)
			return fail(c, o->node + 1u, e, W_GLUE);
		pos = (size_t)x;
		lis = o->gtrail;
		NEXT();
	}
#undef NEXT
}

static int straight(const struct hz_format *f, const char *p, size_t n, struct hz_match *m, struct hz_err *why,
		    uint32_t *col)
{
	struct pass c;
	int rc;

	c.f = f;
	c.p = p;
	c.n = n;
	c.m = m;
	c.why = why;
	c.col = col;
	c.bestk = c.bestpos = 0;
	c.bestw = W_NONE;
	c.alt = 0;
	c.local = 0;
	c.nch = 0;
	c.absent = NULL;
	c.restarts = 0;
	/* mark and empty start at 0: the ops that always leave them so
	 * (SET0) need not write them */
#ifdef HZ_SSE2
	_Static_assert(HZ_MATCH_MAX_FIELDS % 16 == 0, "whole vectors of mark and empty");
	for (size_t i = 0; i < f->nfields; i += 16) {
		_mm_storeu_si128((__m128i *)(void *)(m->empty + i), _mm_setzero_si128());
		_mm_storeu_si128((__m128i *)(void *)(m->mark + i), _mm_setzero_si128());
	}
#else
	memset(m->empty, 0, f->nfields);
	memset(m->mark, 0, f->nfields);
#endif
	rc = run(&c, f->ops, 0, 1);
	while (rc == RESTART)
		rc = run(&c, c.from, c.pos, c.lis);
	return rc;
}

#undef SET
#undef SET0

static int match(const struct hz_format *f, const char *p, size_t n, struct hz_match *m, struct hz_err *why,
		 uint32_t *col)
{
	int rc;

	if (n > UINT32_MAX - 2)
		return report(f, 0, 0, W_NONE, p, n, why, col);
	rc = straight(f, p, n, m, why, col);
	if (rc != FALLBACK)
		return rc;
	return backtrack(f, p, n, m, why, col);
}

int hz_format_match(const struct hz_format *f, const char *p, size_t n,
		    struct hz_match *m, struct hz_err *why)
{
	return match(f, p, n, m, why, NULL);
}

int hz_format_match_col(const struct hz_format *f, const char *p, size_t n, struct hz_match *m, uint32_t *col)
{
	return match(f, p, n, m, NULL, col);
}
