/* Escapes log bytes so they cannot break JSON or HTML or act on a terminal. */
#include "halyze/sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of a valid UTF-8 sequence at p (1..4), or 0 when invalid. Rejects
 * overlongs, surrogates and code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		if (n < 2 || (p[1] & 0xC0) != 0x80)
			return 0;
		*cp = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
			return 0;
		*cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
			return 0;
		*cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12)
		      | ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
		return 4;
	}
	return 0;
}

/* Code points a terminal acts on: C0, DEL, C1, and the bidi controls. */
static int is_dangerous(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x200E && cp <= 0x200F)
	       || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)
	       || cp == 0x061C;
}

/* The entity for the characters that end text or an attribute in HTML. */
static const char *html_entity(uint32_t cp)
{
	switch (cp) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

/* Appends a piece to dst while it fits whole (so a result is never cut
 * inside a character or an escape); counts its length either way. */
static void put(char *dst, size_t cap, size_t *out, int *full, const char *piece, size_t plen)
{
	if (!*full && cap && *out + plen < cap)
		memcpy(dst + *out, piece, plen);
	else if (!*full) {
		*full = 1;
		if (cap)
			dst[*out < cap ? *out : cap - 1] = 0;
	}
	*out += plen;
}

size_t hz_escape(char *dst, size_t cap, const char *src, size_t n, enum hz_escape_mode mode)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t i = 0, out = 0;
	int full = 0;

	while (i < n) {
		uint32_t cp;
		char tmp[16];
		const char *piece;
		size_t len = utf8_len(p + i, n - i, &cp), plen;

		if (len == 0 || cp == 0) {
			/* invalid UTF-8, and NUL, which many JSON readers refuse even
			 * as \u0000 */
			plen = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02X", p[i]);
			piece = tmp;
			len = 1;
		} else if (mode != HZ_ESC_UTF8 && is_dangerous(cp)) {
			if (cp < 0x100)
				plen = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02X", (unsigned)cp);
			else
				plen = (size_t)snprintf(tmp, sizeof(tmp), "\\u{%04X}", (unsigned)cp);
			piece = tmp;
		} else if (mode == HZ_ESC_HTML && (piece = html_entity(cp)) != NULL) {
			plen = strlen(piece);
		} else {
			piece = (const char *)p + i;
			plen = len;
		}
		put(dst, cap, &out, &full, piece, plen);
		i += len;
	}
	if (cap && !full)
		dst[out] = 0;
	return out;
}

size_t hz_display_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

size_t hz_json_escape(char *dst, size_t cap, const char *src, size_t n)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t i = 0, out = 0;
	int full = 0;

	while (i < n) {
		uint32_t cp;
		char tmp[16];
		const char *piece = tmp;
		size_t len = utf8_len(p + i, n - i, &cp), plen;

		if (len == 0 || cp == 0) {
			plen = (size_t)snprintf(tmp, sizeof(tmp), "\\\\x%02X", p[i]);
			len = 1;
		} else if (cp == '"' || cp == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)cp;
			plen = 2;
		} else if (cp < 0x20 || cp == 0x7F) {
			plen = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04X", (unsigned)cp);
		} else {
			piece = (const char *)p + i;
			plen = len;
		}
		put(dst, cap, &out, &full, piece, plen);
		i += len;
	}
	if (cap && !full)
		dst[out] = 0;
	return out;
}
