/* Fuzz target: the typed readers of matched field views (numbers, addresses, dates, requests, decoding, captures). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/fields.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CANARY 0x5Au

/* A decoder (unhash/unescape) run with a full buffer and with small ones:
 * the length never depends on cap, nothing lands past cap, and a cut output
 * is a prefix of the full one. */
static void check_decoder(size_t (*dec)(struct hz_str, char *, size_t), struct hz_str v)
{
	static const size_t caps[] = { 0, 1, 2, 7 };
	char *full = malloc(v.n + 1), small[7 + 16];
	size_t n = dec(v, full, v.n + 1), i, k;

	FZ_CHECK(n <= v.n);
	for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		memset(small, CANARY, sizeof(small));
		FZ_CHECK(dec(v, small, caps[k]) == n);
		for (i = caps[k]; i < sizeof(small); i++)
			FZ_CHECK((unsigned char)small[i] == CANARY);
		FZ_CHECK(memcmp(small, full, caps[k] < n ? caps[k] : n) == 0);
	}
	free(full);
}

static void check_ip(struct hz_str v)
{
	struct hz_ip ip;
	char text[64];
	int n, m;

	if (hz_field_ip(v, &ip) != 0)
		return;
	FZ_CHECK(ip.family == 0 || ip.family == 4 || ip.family == 6);
	n = hz_ip_format(&ip, text, 46);  /* the documented size that always suffices */
	FZ_CHECK(n >= 0 && n < 46 && strlen(text) == (size_t)n);
	if (ip.family == 4 || ip.family == 6) {
		/* The text reads back as the same address. */
		unsigned char back[16];
		FZ_CHECK(inet_pton(ip.family == 4 ? AF_INET : AF_INET6, text, back) == 1);
		FZ_CHECK(memcmp(back, ip.a, ip.family == 4 ? 4 : 16) == 0);
	}
	/* Too small a buffer is refused, and nothing is written past it. */
	if (n > 0) {
		memset(text, CANARY, sizeof(text));
		m = hz_ip_format(&ip, text, (size_t)n);
		FZ_CHECK(m == -1);
		for (size_t i = (size_t)n; i < sizeof(text); i++)
			FZ_CHECK((unsigned char)text[i] == CANARY);
	}
}

static void check_request(struct hz_str v)
{
	struct hz_request rq;

	if (hz_field_request(v, &rq) != 0) {
		FZ_CHECK(v.n == 0);
		return;
	}
	FZ_CHECK(fz_inside(rq.method, v.p, v.n) && fz_inside(rq.uri, v.p, v.n));
	FZ_CHECK(fz_inside(rq.path, v.p, v.n) && fz_inside(rq.path_only, v.p, v.n));
	FZ_CHECK(fz_inside(rq.query, v.p, v.n) && fz_inside(rq.version, v.p, v.n));
	FZ_CHECK(rq.bad == 0 || rq.bad == 1);
	if (!rq.bad) {
		FZ_CHECK(rq.path.n <= rq.uri.n && rq.path_only.n <= rq.path.n);
		FZ_CHECK(rq.query.n == 0 || rq.query.p[0] == '?');
		FZ_CHECK(rq.version.n == 0 || memcmp(rq.version.p, "HTTP/", 5) == 0);
	}
}

static void check_captures(struct hz_str v)
{
	size_t c = hz_field_capture_count(v), k, sum = 0;
	struct hz_str s;

	FZ_CHECK(c >= 1 && c <= v.n + 1);
	if (c <= 64) {
		for (k = 0; k < c; k++) {
			FZ_CHECK(hz_field_capture(v, k, &s) == 0);
			FZ_CHECK(fz_inside(s, v.p, v.n));
			FZ_CHECK(memchr(s.n ? s.p : "", '|', s.n) == NULL);
			sum += s.n;
		}
		/* The slots and their separators make up the whole view. */
		FZ_CHECK(sum + c - 1 == v.n);
	} else {
		FZ_CHECK(hz_field_capture(v, 0, &s) == 0 && fz_inside(s, v.p, v.n));
		FZ_CHECK(hz_field_capture(v, c - 1, &s) == 0 && fz_inside(s, v.p, v.n));
	}
	FZ_CHECK(hz_field_capture(v, c, &s) == -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hz_str v = hz_str_make((const char *)data, size);
	struct hz_field_info hexfi, decfi;
	int64_t i64;
	uint64_t u64;
	unsigned port;
	int32_t off;

	memset(&hexfi, 0, sizeof(hexfi));
	hexfi.alias = HZ_A_Ts;
	hexfi.type = HZ_FT_INT;
	hexfi.flags = HZ_FLAG_X;
	hexfi.alias_name = "Ts";
	decfi = hexfi;
	decfi.alias = HZ_A_ST;
	decfi.alias_name = "ST";

	if (hz_field_int(v, &i64) == 0) {
		/* Agrees with strtoll on the same digits. */
		char *buf = malloc(size + 1), *end;
		long long ll;
		FZ_CHECK(buf != NULL && size > 0 && !memchr(data, 0, size));
		memcpy(buf, data, size);
		buf[size] = 0;
		errno = 0;
		ll = strtoll(buf, &end, 10);
		FZ_CHECK(errno == 0 && *end == 0 && ll == i64);
		free(buf);
	}
	if (hz_field_hex(v, &u64) == 0)
		FZ_CHECK(size >= 1 && size <= 16);
	(void)hz_field_number(&hexfi, v, &i64);
	(void)hz_field_number(&decfi, v, &i64);
	(void)hz_field_number(NULL, v, &i64);
	(void)hz_field_plus(v);
	check_ip(v);
	if (hz_field_port(v, 0, &port) == 0)
		FZ_CHECK(port <= 65535);
	if (hz_field_port(v, 1, &port) == 0)
		FZ_CHECK(port <= 65535);
	if (hz_field_date(v, &i64, &off) == 0) {
		FZ_CHECK(size == 24 || size == 26);
		FZ_CHECK(off == INT32_MIN || (off > -360000 && off < 360000));
		(void)hz_field_date(v, &i64, NULL);
	}
	check_request(v);
	check_decoder(hz_field_unhash, v);
	check_decoder(hz_field_unescape, v);
	check_captures(v);
	/* An empty view that points nowhere (found by this target; fixed). */
	check_captures(HZ_STR_NULL);
	return 0;
}
