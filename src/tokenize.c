/* The line matcher: finds each field of a compiled log-format in one line, without copying or allocating. */
#include <stdio.h>
#include <string.h>

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

/* First e in [from, lim) where p[e..] starts with t (tl > 0), or -1. */
static inline long find_term(const char *p, size_t n, size_t from, size_t lim, const char *t, size_t tl)
{
	if (lim + tl > n + 1)
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

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int date_ok(const char *s, int tz)
{
	int i;

	if (!is_digit(s[0]) || !is_digit(s[1]) || s[2] != '/' || s[6] != '/' || s[11] != ':' ||
	    s[14] != ':' || s[17] != ':')
		return 0;
	for (i = 0; i < 12; i++)
		if (s[3] == months[3 * i] && s[4] == months[3 * i + 1] && s[5] == months[3 * i + 2])
			break;
	if (i == 12)
		return 0;
	for (i = 7; i < 11; i++)
		if (!is_digit(s[i]))
			return 0;
	if (!is_digit(s[12]) || !is_digit(s[13]) || !is_digit(s[15]) || !is_digit(s[16]) ||
	    !is_digit(s[18]) || !is_digit(s[19]))
		return 0;
	if (tz)
		return s[20] == ' ' && (s[21] == '+' || s[21] == '-') && is_digit(s[22]) &&
		       is_digit(s[23]) && is_digit(s[24]) && is_digit(s[25]);
	return s[20] == '.' && is_digit(s[21]) && is_digit(s[22]) && is_digit(s[23]);
}

/* Length of the dotted IPv4 address at s, or 0. */
static size_t ipv4_len(const char *s, size_t n)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned x = 0, nd = 0;
		if (part && (i >= n || s[i++] != '.'))
			return 0;
		while (i < n && is_digit(s[i]) && nd < 3) {
			x = x * 10 + (unsigned)(s[i++] - '0');
			nd++;
		}
		if (nd == 0 || x > 255)
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
				/* '"', '{' and '}' are always #22, #7B, #7D inside */
				const char *c = memchr(p + pos + q + 1, '}', n - pos - q - 1);
				size_t bl = c ? (size_t)(c - p) - pos - q - 1 : 0;
				i = c ? (size_t)(c - p) : n;
				if (c && !memchr(p + pos + q + 1, '"', bl) && !memchr(p + pos + q + 1, '{', bl) &&
				    (!q || (i + 1 < n && p[i + 1] == '"'))) {
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

static int report(const struct hz_format *f, size_t k, size_t pos, enum why w, const char *p, size_t n,
		  struct hz_err *why)
{
	char lab[256];
	const struct hz_lf_node *nd = k < f->nnodes ? &f->nodes[k] : NULL;

	if (!why)
		return HZ_ESYNTAX;
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

int hz_format_match(const struct hz_format *f, const char *p, size_t n,
		    struct hz_match *m, struct hz_err *why)
{
	struct frame fr[HZ_LF_MAX_NODES + 1];
	const struct hz_lf_node *nodes = f->nodes;
	size_t nn = f->nnodes, k = 0, bestk = 0, bestpos = 0;
	enum why bestw = W_NONE;
	unsigned steps = 0;

	if (n > UINT32_MAX - 2)
		return report(f, 0, 0, W_NONE, p, n, why);
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
			return report(f, k, cf->pos, W_STEPS, p, n, why);
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
			return report(f, bestk, bestpos, bestw, p, n, why);
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
