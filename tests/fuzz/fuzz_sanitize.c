/* Fuzz target: escaping log bytes for terminals, JSON and HTML. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/sanitize.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CANARY 0x5Au

/* Length of the valid UTF-8 sequence at p, 0 when invalid (RFC 3629). */
static size_t u8len(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		len = 2, c = p[0] & 0x1Fu;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		len = 3, c = p[0] & 0x0Fu;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		len = 4, c = p[0] & 0x07u;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3Fu);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* Output of either mode: valid UTF-8; for terminals, no code point a
 * terminal would act on. */
static void check_output(const char *s, size_t n, int terminal)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = u8len(p + i, n - i, &cp);
		FZ_CHECK(len > 0);
		if (terminal) {
			FZ_CHECK(cp >= 0x20 && cp != 0x7F);
			FZ_CHECK(!(cp >= 0x80 && cp <= 0x9F));
			FZ_CHECK(!(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069));
			FZ_CHECK(cp != 0x200E && cp != 0x200F && cp != 0x061C);
		}
		i += len;
	}
}

/* The JSON body parses, inside quotes, as one JSON string; for an input
 * that is valid UTF-8 without NUL it decodes to the input itself (a NUL is
 * written as the text \x00, by design: many JSON readers refuse \u0000). */
static void check_json(const char *body, size_t n, const uint8_t *data, size_t size, int whole)
{
	char *doc = malloc(n + 2);
	json_t *j, *orig;
	json_error_t e;

	FZ_CHECK(doc != NULL);
	doc[0] = '"';
	memcpy(doc + 1, body, n);
	doc[n + 1] = '"';
	j = json_loadb(doc, n + 2, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (!j)
		fprintf(stderr, "jansson: %s at %d\n", e.text, e.position);
	FZ_CHECK(j != NULL && json_is_string(j));
	if (whole && !memchr(data, 0, size) && (orig = json_stringn((const char *)data, size)) != NULL) {
		FZ_CHECK(json_string_length(j) == size);
		FZ_CHECK(size == 0 || memcmp(json_string_value(j), data, size) == 0);
		json_decref(orig);
	}
	json_decref(j);
	free(doc);
}

/* HTML text: as for terminals, and no character that opens or closes
 * markup: < > " ' never appear, and every & starts one of the five
 * references the escaper writes. */
static void check_html(const char *s, size_t n)
{
	static const char *const refs[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };

	check_output(s, n, 1);
	for (size_t i = 0; i < n; i++) {
		FZ_CHECK(s[i] != '<' && s[i] != '>' && s[i] != '"' && s[i] != '\'');
		if (s[i] == '&') {
			int known = 0;
			for (size_t k = 0; k < 5; k++)
				known |= n - i >= strlen(refs[k]) && memcmp(s + i, refs[k], strlen(refs[k])) == 0;
			FZ_CHECK(known);
		}
	}
}

typedef size_t (*escaper)(char *, size_t, const char *, size_t, int);

static size_t esc_utf8(char *d, size_t cap, const char *p, size_t n, int unused)
{
	return hz_escape(d, cap, p, n, HZ_ESC_UTF8);
}

static size_t esc_term(char *d, size_t cap, const char *p, size_t n, int unused)
{
	return hz_escape(d, cap, p, n, HZ_ESC_TERMINAL);
}

static size_t esc_html(char *d, size_t cap, const char *p, size_t n, int unused)
{
	return hz_escape(d, cap, p, n, HZ_ESC_HTML);
}

static size_t esc_json(char *d, size_t cap, const char *p, size_t n, int unused)
{
	return hz_json_escape(d, cap, p, n);
}

/* One escaper: the needed length does not depend on cap; the output is
 * NUL-terminated inside cap, nothing is written past it, and a cut output
 * is a prefix of the full one, cut where a whole piece ends. */
static void run(escaper fn, int kind, const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t need = fn(NULL, 0, p, size, 0), got, k;
	char *full = malloc(need + 1);
	size_t caps[6];

	FZ_CHECK(full != NULL);
	got = fn(full, need + 1, p, size, 0);
	FZ_CHECK(got == need);
	FZ_CHECK(full[need] == 0 && strlen(full) <= need);
	FZ_CHECK(need >= size);
	if (kind == 0 || kind == 1)
		check_output(full, need, kind == 1);
	if (kind == 2) {
		/* JSON text: no raw control characters, `"` and `\` escaped */
		for (k = 0; k < need; k++)
			FZ_CHECK((unsigned char)full[k] >= 0x20 && full[k] != 0x7F);
		check_output(full, need, 0);
		check_json(full, need, data, size, 1);
	}
	if (kind == 3)
		check_html(full, need);

	caps[0] = 1;
	caps[1] = 2;
	caps[2] = 5;
	caps[3] = need / 2 + 1;
	caps[4] = need;
	caps[5] = need + 1;
	for (k = 0; k < 6; k++) {
		size_t cap = caps[k], len, i;
		char *buf;
		if (cap == 0)
			continue;
		buf = malloc(cap + 8);
		FZ_CHECK(buf != NULL);
		memset(buf, CANARY, cap + 8);
		FZ_CHECK(fn(buf, cap, p, size, 0) == need);
		for (i = cap; i < cap + 8; i++)
			FZ_CHECK((unsigned char)buf[i] == CANARY);
		FZ_CHECK(memchr(buf, 0, cap) != NULL);
		len = strlen(buf);
		FZ_CHECK(len < cap);
		FZ_CHECK(memcmp(buf, full, len) == 0);
		if (cap > need)
			FZ_CHECK(len == need || memchr(full, 0, need));
		else if (kind == 0 || kind == 1)
			check_output(buf, len, kind == 1);
		else if (kind == 3)
			check_html(buf, len);
		else
			check_json(buf, len, data, size, 0);
		free(buf);
	}
	free(full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char small[64];

	run(esc_utf8, 0, data, size);
	run(esc_term, 1, data, size);
	run(esc_json, 2, data, size);
	run(esc_html, 3, data, size);
	hz_escape(small, sizeof(small), (const char *)data, size, HZ_ESC_TERMINAL);
	(void)hz_display_width(small);
	return 0;
}
