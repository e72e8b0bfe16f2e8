/* Typed readers for matched field views: numbers, addresses, dates, request lines, captures, decoding. */
#include <stdio.h>
#include <string.h>

#include "halyze/fields.h"

static int digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static int xval(char c)
{
	if (digit(c))
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int hz_field_int(struct hz_str v, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t x = 0;

	if (v.n == 0)
		return -1;
	if (v.p[0] == '+' || v.p[0] == '-') {
		neg = v.p[0] == '-';
		i = 1;
	}
	if (i == v.n)
		return -1;
	for (; i < v.n; i++) {
		if (!digit(v.p[i]))
			return -1;
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(v.p[i] - '0');
	}
	if (x > (uint64_t)INT64_MAX + (uint64_t)neg)
		return -1;
	*out = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}

int hz_field_hex(struct hz_str v, uint64_t *out)
{
	size_t i;
	uint64_t x = 0;

	if (v.n == 0 || v.n > 16)
		return -1;
	for (i = 0; i < v.n; i++) {
		int d = xval(v.p[i]);
		if (d < 0)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	*out = x;
	return 0;
}

int hz_field_number(const struct hz_field_info *fi, struct hz_str v, int64_t *out)
{
	if (fi && (fi->flags & HZ_FLAG_X)) {
		switch (fi->alias) {
		case HZ_A_Ts: case HZ_A_ms: case HZ_A_rt: case HZ_A_lc: case HZ_A_pid: {
			uint64_t x;
			if (hz_field_hex(v, &x) || x > INT64_MAX)
				return -1;
			*out = (int64_t)x;
			return 0;
		}
		default:
			break;
		}
	}
	return hz_field_int(v, out);
}

int hz_field_plus(struct hz_str v)
{
	return v.n > 1 && v.p[0] == '+';
}

static int parse_v4(const char *s, size_t n, uint8_t *a)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned x = 0, nd = 0;
		if (part) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
		while (i < n && digit(s[i]) && nd < 3) {
			x = x * 10 + (unsigned)(s[i] - '0');
			i++;
			nd++;
		}
		if (nd == 0 || x > 255 || (nd > 1 && s[i - nd] == '0'))
			return -1;
		a[part] = (uint8_t)x;
	}
	return i == n ? 0 : -1;
}

static int parse_v6(const char *s, size_t n, uint8_t *a)
{
	uint16_t g[8];
	int ng = 0, gap = -1;
	size_t i = 0;

	if (n < 2)
		return -1;
	if (s[0] == ':') {
		if (s[1] != ':')
			return -1;
		gap = 0;
		i = 2;
		if (i == n)
			goto done;
	}
	for (;;) {
		size_t st = i;
		unsigned x = 0;
		while (i < n && xval(s[i]) >= 0 && i - st < 4) {
			x = x << 4 | (unsigned)xval(s[i]);
			i++;
		}
		if (i < n && s[i] == '.') {
			/* embedded IPv4 as the last 32 bits */
			if (ng > 6 || parse_v4(s + st, n - st, (uint8_t *)a) != 0)
				return -1;
			g[ng++] = (uint16_t)(a[0] << 8 | a[1]);
			g[ng++] = (uint16_t)(a[2] << 8 | a[3]);
			break;
		}
		if (i == st || ng == 8)
			return -1;
		g[ng++] = (uint16_t)x;
		if (i == n)
			break;
		if (s[i] != ':')
			return -1;
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return -1;
			gap = ng;
			i++;
			if (i == n)
				break;
		} else if (i == n) {
			return -1;
		}
	}
done:
	if (gap < 0 ? ng != 8 : ng > 7)
		return -1;
	memset(a, 0, 16);
	{
		int k, tail = gap < 0 ? 0 : ng - gap;
		int head = gap < 0 ? ng : gap;
		for (k = 0; k < head; k++) {
			a[2 * k] = (uint8_t)(g[k] >> 8);
			a[2 * k + 1] = (uint8_t)g[k];
		}
		for (k = 0; k < tail; k++) {
			int d = 8 - tail + k;
			a[2 * d] = (uint8_t)(g[head + k] >> 8);
			a[2 * d + 1] = (uint8_t)g[head + k];
		}
	}
	return 0;
}

int hz_field_ip(struct hz_str v, struct hz_ip *out)
{
	size_t i;

	if (v.n == 0 || v.n > 45)
		return -1;
	memset(out, 0, sizeof(*out));
	if (v.n == 4 && memcmp(v.p, "unix", 4) == 0) {
		out->family = 0;
		return 0;
	}
	if (v.n == 8 || v.n == 32) {
		for (i = 0; i < v.n && xval(v.p[i]) >= 0; i++)
			;
		if (i == v.n && !(v.n == 8 && memchr(v.p, '.', v.n))) {
			for (i = 0; i < v.n / 2; i++)
				out->a[i] = (uint8_t)(xval(v.p[2 * i]) << 4 | xval(v.p[2 * i + 1]));
			out->family = v.n == 8 ? 4 : 6;
			return 0;
		}
	}
	if (memchr(v.p, ':', v.n)) {
		if (parse_v6(v.p, v.n, out->a))
			return -1;
		out->family = 6;
		return 0;
	}
	if (parse_v4(v.p, v.n, out->a))
		return -1;
	out->family = 4;
	return 0;
}

int hz_ip_format(const struct hz_ip *ip, char *buf, size_t cap)
{
	int len;

	if (ip->family == 4) {
		len = snprintf(buf, cap, "%u.%u.%u.%u", ip->a[0], ip->a[1], ip->a[2], ip->a[3]);
	} else if (ip->family == 6) {
		/* RFC 5952: the longest run of two or more zero groups becomes "::" */
		char tmp[48];
		int best = -1, bestn = 0, k, o = 0;
		for (k = 0; k < 8;) {
			int j = k;
			while (j < 8 && ip->a[2 * j] == 0 && ip->a[2 * j + 1] == 0)
				j++;
			if (j - k > bestn && j - k >= 2) {
				best = k;
				bestn = j - k;
			}
			k = j > k ? j : k + 1;
		}
		for (k = 0; k < 8; k++) {
			if (k == best) {
				o += snprintf(tmp + o, sizeof(tmp) - (size_t)o, "::");
				k += bestn - 1;
				continue;
			}
			o += snprintf(tmp + o, sizeof(tmp) - (size_t)o, "%s%x",
				      k > 0 && k != best + bestn ? ":" : "",
				      (unsigned)(ip->a[2 * k] << 8 | ip->a[2 * k + 1]));
		}
		len = snprintf(buf, cap, "%s", tmp);
	} else {
		len = snprintf(buf, cap, "unix");
	}
	return len < 0 || (size_t)len >= cap ? -1 : len;
}

int hz_field_port(struct hz_str v, int hex, unsigned *port)
{
	uint64_t x = 0;
	size_t i;

	if (v.n == 0 || v.n > 5)
		return -1;
	if (hex)
		return hz_field_hex(v, &x) || x > 65535 ? -1 : (*port = (unsigned)x, 0);
	for (i = 0; i < v.n; i++) {
		if (!digit(v.p[i]))
			return -1;
		x = x * 10 + (uint64_t)(v.p[i] - '0');
	}
	if (x > 65535)
		return -1;
	*port = (unsigned)x;
	return 0;
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int num(const char *s, int n)
{
	int x = 0, i;

	for (i = 0; i < n; i++) {
		if (!digit(s[i]))
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	return x;
}

int hz_field_date(struct hz_str v, int64_t *epoch_ms, int32_t *utcoff)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *s = v.p;
	int day, mon, year, hh, mm, ss, ms = 0;
	int32_t off = INT32_MIN;
	int64_t t;

	if (v.n != 24 && v.n != 26)
		return -1;
	if (s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':')
		return -1;
	for (mon = 0; mon < 12; mon++)
		if (memcmp(s + 3, months + 3 * mon, 3) == 0)
			break;
	if (mon == 12)
		return -1;
	day = num(s, 2);
	year = num(s + 7, 4);
	hh = num(s + 12, 2);
	mm = num(s + 15, 2);
	ss = num(s + 18, 2);
	if (day < 1 || day > 31 || year < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return -1;
	if (v.n == 24) {
		if (s[20] != '.' || (ms = num(s + 21, 3)) < 0)
			return -1;
	} else {
		int oh, om;
		if (s[20] != ' ' || (s[21] != '+' && s[21] != '-'))
			return -1;
		oh = num(s + 22, 2);
		om = num(s + 24, 2);
		if (oh < 0 || om < 0 || om > 59)
			return -1;
		off = (oh * 3600 + om * 60) * (s[21] == '-' ? -1 : 1);
	}
	t = days_from_civil(year, (unsigned)mon + 1, (unsigned)day) * 86400 + hh * 3600 + mm * 60 + ss;
	if (off != INT32_MIN)
		t -= off;
	*epoch_ms = t * 1000 + ms;
	if (utcoff)
		*utcoff = off;
	return 0;
}

int hz_field_request(struct hz_str v, struct hz_request *r)
{
	const char *p = v.p, *e = v.p + v.n, *sp1, *u, *ue, *q;

	memset(r, 0, sizeof(*r));
	if (v.n == 0)
		return -1;
	if (v.n == 8 && memcmp(p, "<BADREQ>", 8) == 0) {
		r->bad = 1;
		return 0;
	}
	sp1 = memchr(p, ' ', v.n);
	if (!sp1) {
		r->method = v;
		r->bad = 1;
		return 0;
	}
	r->method = hz_str_make(p, (size_t)(sp1 - p));
	u = sp1 + 1;
	/* the version is after the last space, when it looks like one */
	ue = e;
	{
		const char *ls = e;
		while (ls > u && ls[-1] != ' ')
			ls--;
		if (ls > u && e - ls >= 5 && memcmp(ls, "HTTP/", 5) == 0) {
			r->version = hz_str_make(ls, (size_t)(e - ls));
			ue = ls - 1;
		}
	}
	r->uri = hz_str_make(u, (size_t)(ue - u));
	q = memchr(u, '?', (size_t)(ue - u));
	r->path = hz_str_make(u, (size_t)((q ? q : ue) - u));
	r->query = q ? hz_str_make(q, (size_t)(ue - q)) : hz_str_make(ue, 0);
	r->path_only = r->path;
	if (r->path.n && r->path.p[0] != '/') {
		/* absolute form: skip scheme://authority */
		const char *ss = NULL, *pe = r->path.p + r->path.n;
		size_t i;
		for (i = 0; i + 2 < r->path.n; i++)
			if (r->path.p[i] == ':' && r->path.p[i + 1] == '/' && r->path.p[i + 2] == '/') {
				ss = r->path.p + i + 3;
				break;
			}
		if (ss) {
			const char *sl = memchr(ss, '/', (size_t)(pe - ss));
			r->path_only = sl ? hz_str_make(sl, (size_t)(pe - sl)) : hz_str_make(pe, 0);
		}
	}
	return 0;
}

static void put(char *buf, size_t cap, size_t o, char c)
{
	if (o < cap)
		buf[o] = c;
}

size_t hz_field_unhash(struct hz_str v, char *buf, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < v.n; i++) {
		if (v.p[i] == '#' && i + 2 < v.n && xval(v.p[i + 1]) >= 0 && xval(v.p[i + 2]) >= 0) {
			put(buf, cap, o++, (char)(xval(v.p[i + 1]) << 4 | xval(v.p[i + 2])));
			i += 2;
		} else {
			put(buf, cap, o++, v.p[i]);
		}
	}
	return o;
}

size_t hz_field_unescape(struct hz_str v, char *buf, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < v.n; i++) {
		if (v.p[i] == '\\' && i + 1 < v.n && (v.p[i + 1] == '"' || v.p[i + 1] == '\\' || v.p[i + 1] == ']'))
			i++;
		put(buf, cap, o++, v.p[i]);
	}
	return o;
}

size_t hz_field_capture_count(struct hz_str v)
{
	size_t i, c = 1;

	for (i = 0; i < v.n; i++)
		c += v.p[i] == '|';
	return c;
}

int hz_field_capture(struct hz_str v, size_t idx, struct hz_str *out)
{
	const char *p, *e;

	if (v.n == 0) {   /* no pointer arithmetic on a NULL view */
		if (idx > 0)
			return -1;
		*out = hz_str_make(v.p, 0);
		return 0;
	}
	p = v.p;
	e = v.p + v.n;

	while (idx > 0) {
		const char *bar = v.n ? memchr(p, '|', (size_t)(e - p)) : NULL;
		if (!bar)
			return -1;
		p = bar + 1;
		idx--;
	}
	{
		const char *bar = v.n ? memchr(p, '|', (size_t)(e - p)) : NULL;
		*out = hz_str_make(p, (size_t)((bar ? bar : e) - p));
	}
	return 0;
}
