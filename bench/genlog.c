/* hz_genlog: writes large, realistic, deterministic HAProxy logs for the benchmarks. */

/*
 * Usage: hz_genlog --lines N --kind httplog|ssl|tcplog|mixed [--seed S]
 *                  [--start EPOCH] [--counts]
 *
 * Everything is derived from one xoshiro256** stream seeded from --seed, so a
 * (seed, start, kind, lines) tuple always gives the same bytes. Times are UTC.
 * The hot loop formats every field by hand into one large buffer (no printf
 * per field) because the point of the tool is to make gigabytes quickly.
 *
 * --counts prints, on stderr, what was generated (lines per class, HTTP
 * status and termination-state histograms, TLS session classes), so that the
 * benchmark and tests can compare an analyzer's figures (or halog's) with a
 * truth that does not come from the analyzer itself.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Random numbers: xoshiro256** seeded by splitmix64. */

static uint64_t rs[4];

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rnd64(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9;
	uint64_t t = rs[1] << 17;
	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

static void rnd_seed(uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		rs[i] = splitmix64(&x);
}

/* Uniform in [0, n), n < 2^32. */
static uint32_t below(uint32_t n)
{
	return (uint32_t)(((rnd64() >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static int64_t range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)below((uint32_t)(hi - lo + 1));
}

/* Uniform in [0, 1). */
static double unit(void)
{
	return (double)(rnd64() >> 11) * (1.0 / 9007199254740992.0);
}

/* True with probability per100k / 100000. */
static int chance(uint32_t per100k)
{
	return below(100000) < per100k;
}

/* Index into a table of n items, skewed towards the front (popular items
 * first): u^3 gives roughly a power law without libm. */
static uint32_t skewed(uint32_t n)
{
	double u = unit();
	uint32_t i = (uint32_t)(u * u * u * n);
	return i < n ? i : n - 1;
}

/* A latency-like value in ms: a mixture of uniform bands, heavy-tailed. */
struct band {
	uint32_t per100k; /* cumulative */
	int lo, hi;
};

static int pick_band(const struct band *b)
{
	uint32_t u = below(100000);
	while (u >= b->per100k)
		b++;
	return (int)range(b->lo, b->hi);
}

/* ------------------------------------------------------------------------ */
/* Output buffer and hand-rolled formatting. */

#define OUT_CAP (4u << 20)
#define LINE_MAX_BYTES 4096

static char *obuf;
static size_t olen;
static uint64_t total_bytes;

static void flush_out(void)
{
	size_t off = 0;
	while (off < olen) {
		size_t w = fwrite(obuf + off, 1, olen - off, stdout);
		if (w == 0) {
			if (errno == EPIPE)
				exit(0);
			fprintf(stderr, "hz_genlog: write error: %s\n", strerror(errno));
			exit(1);
		}
		off += w;
	}
	total_bytes += olen;
	olen = 0;
}

static const char digits2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static char *put2(char *p, unsigned v)
{
	memcpy(p, digits2 + 2 * v, 2);
	return p + 2;
}

static char *put3(char *p, unsigned v)
{
	*p++ = (char)('0' + v / 100);
	return put2(p, v % 100);
}

static char *putu(char *p, uint64_t v)
{
	char tmp[24];
	char *t = tmp + sizeof tmp;
	while (v >= 100) {
		t -= 2;
		memcpy(t, digits2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		t -= 2;
		memcpy(t, digits2 + 2 * v, 2);
	} else {
		*--t = (char)('0' + v);
	}
	size_t n = (size_t)(tmp + sizeof tmp - t);
	memcpy(p, t, n);
	return p + n;
}

static char *puti(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return putu(p, (uint64_t)(-v));
	}
	return putu(p, (uint64_t)v);
}

/* A string with its length, so the hot path never calls strlen. */
struct str {
	const char *p;
	size_t n;
};
#define S(lit) { lit, sizeof(lit) - 1 }

static char *puts_(char *p, struct str s)
{
	memcpy(p, s.p, s.n);
	return p + s.n;
}

static char *putz(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

static const char hexd[] = "0123456789ABCDEF";

/* ------------------------------------------------------------------------ */
/* Dates, cached per second. */

static const char *const mon_name[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

struct civil {
	int y, m, d, hh, mm, ss;
};

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant). */
static struct civil civil_from_epoch(int64_t t)
{
	struct civil c;
	int64_t days = t / 86400, sod = t % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	c.y = (int)(y + (m <= 2));
	c.m = (int)m;
	c.d = (int)d;
	c.hh = (int)(sod / 3600);
	c.mm = (int)(sod / 60 % 60);
	c.ss = (int)(sod % 60);
	return c;
}

static struct {
	int64_t sec;
	char logdate[20]; /* 27/Nov/2026:04:16:05 */
	char trad[15];    /* Nov 27 04:16:05 (day space-padded) */
	char iso[19];     /* 2026-11-27T04:16:05 */
} dc = { INT64_MIN, {0}, {0}, {0} };

static void date_cache(int64_t sec)
{
	if (sec == dc.sec)
		return;
	dc.sec = sec;
	struct civil c = civil_from_epoch(sec);
	const char *mn = mon_name[c.m - 1];
	char *p = dc.logdate;
	p = put2(p, (unsigned)c.d);
	*p++ = '/';
	memcpy(p, mn, 3);
	p += 3;
	*p++ = '/';
	p = putu(p, (uint64_t)c.y);
	*p++ = ':';
	p = put2(p, (unsigned)c.hh);
	*p++ = ':';
	p = put2(p, (unsigned)c.mm);
	*p++ = ':';
	put2(p, (unsigned)c.ss);

	p = dc.trad;
	memcpy(p, mn, 3);
	p += 3;
	*p++ = ' ';
	if (c.d < 10) {
		*p++ = ' ';
		*p++ = (char)('0' + c.d);
	} else {
		p = put2(p, (unsigned)c.d);
	}
	*p++ = ' ';
	p = put2(p, (unsigned)c.hh);
	*p++ = ':';
	p = put2(p, (unsigned)c.mm);
	*p++ = ':';
	put2(p, (unsigned)c.ss);

	p = dc.iso;
	p = putu(p, (uint64_t)c.y);
	*p++ = '-';
	p = put2(p, (unsigned)c.m);
	*p++ = '-';
	p = put2(p, (unsigned)c.d);
	*p++ = 'T';
	p = put2(p, (unsigned)c.hh);
	*p++ = ':';
	p = put2(p, (unsigned)c.mm);
	*p++ = ':';
	put2(p, (unsigned)c.ss);
}

/* The clock of the run, in microseconds since the epoch. Only grows. */
static int64_t now_us;

/* [27/Nov/2026:04:16:05.870] — HAProxy's %t / %tr shape. */
static char *put_logdate_ms(char *p)
{
	int64_t sec = now_us / 1000000;
	date_cache(sec);
	*p++ = '[';
	memcpy(p, dc.logdate, 20);
	p += 20;
	*p++ = '.';
	p = put3(p, (unsigned)(now_us / 1000 % 1000));
	*p++ = ']';
	return p;
}

/* 2026-11-27T04:16:05.873054+00:00 */
static char *put_iso_us(char *p)
{
	date_cache(now_us / 1000000);
	memcpy(p, dc.iso, 19);
	p += 19;
	*p++ = '.';
	unsigned us = (unsigned)(now_us % 1000000);
	p = put3(p, us / 1000);
	p = put3(p, us % 1000);
	memcpy(p, "+00:00", 6);
	return p + 6;
}

/* ------------------------------------------------------------------------ */
/* Syslog headers. */

enum hdr {
	HDR_TRAD,     /* rsyslog RSYSLOG_TraditionalFileFormat */
	HDR_ISO,      /* rsyslog RSYSLOG_FileFormat */
	HDR_5424,     /* HAProxy `format rfc5424` */
	HDR_PRI3164,  /* HAProxy `format rfc3164` */
	HDR_LOCAL,    /* HAProxy `format local` */
	HDR_TIMED,    /* HAProxy `format timed` */
	HDR_SHORT,    /* HAProxy `format short` */
	HDR_PRIORITY, /* HAProxy `format priority` */
	HDR_COUNT
};

static const char *const hdr_names[HDR_COUNT] = {
	"rfc3164-file", "iso-file", "rfc5424", "rfc3164-pri",
	"local", "timed", "short", "priority"
};

static struct str host = S("lb1");
static uint64_t pid = 10231;

/* sev: syslog severity (6 info for traffic, 5 notice, 1 alert). */
static char *put_header(char *p, enum hdr h, int sev)
{
	int pri = 16 * 8 + sev; /* local0 */
	switch (h) {
	case HDR_TRAD:
	case HDR_PRI3164:
	case HDR_LOCAL:
		if (h != HDR_TRAD) {
			*p++ = '<';
			p = putu(p, (uint64_t)pri);
			*p++ = '>';
		}
		date_cache(now_us / 1000000);
		memcpy(p, dc.trad, 15);
		p += 15;
		*p++ = ' ';
		if (h != HDR_LOCAL) {
			p = puts_(p, host);
			*p++ = ' ';
		}
		memcpy(p, "haproxy[", 8);
		p = putu(p + 8, pid);
		memcpy(p, "]: ", 3);
		return p + 3;
	case HDR_ISO:
		p = put_iso_us(p);
		*p++ = ' ';
		p = puts_(p, host);
		memcpy(p, " haproxy[", 9);
		p = putu(p + 9, pid);
		memcpy(p, "]: ", 3);
		return p + 3;
	case HDR_5424:
		*p++ = '<';
		p = putu(p, (uint64_t)pri);
		memcpy(p, ">1 ", 3);
		p = put_iso_us(p + 3);
		*p++ = ' ';
		p = puts_(p, host);
		memcpy(p, " haproxy ", 9);
		p = putu(p + 9, pid);
		memcpy(p, " - - ", 5);
		return p + 5;
	case HDR_TIMED:
		*p++ = '<';
		*p++ = (char)('0' + sev);
		*p++ = '>';
		p = put_iso_us(p);
		*p++ = ' ';
		return p;
	case HDR_SHORT:
		*p++ = '<';
		*p++ = (char)('0' + sev);
		*p++ = '>';
		return p;
	case HDR_PRIORITY:
	default:
		*p++ = '<';
		p = putu(p, (uint64_t)pri);
		*p++ = '>';
		return p;
	}
}

/* ------------------------------------------------------------------------ */
/* The simulated site: frontends, backends, servers, clients, URLs. */

enum pclass { PC_APP, PC_STATIC, PC_API, PC_AUTH, PC_DEVICE, PC_COUNT };

struct server {
	struct str name;
	int down;
};

struct backend {
	struct str name;
	int cookie;  /* persistence cookie: tsc chars 3-4 are set */
	int nsrv;
	struct server srv[8];
};

static struct backend backends[] = {
	{ S("be_app"), 1, 6, { { S("app1"), 0 }, { S("app2"), 0 }, { S("app3"), 0 },
			       { S("app4"), 0 }, { S("app5"), 0 }, { S("app6"), 0 } } },
	{ S("be_static"), 0, 3, { { S("static1"), 0 }, { S("static2"), 0 }, { S("static3"), 0 } } },
	{ S("be_api"), 0, 4, { { S("api1"), 0 }, { S("api2"), 0 }, { S("api3"), 0 }, { S("api4"), 0 } } },
	{ S("be_auth"), 0, 2, { { S("auth1"), 0 }, { S("auth2"), 0 } } },
	{ S("be_devices"), 0, 3, { { S("dev1"), 0 }, { S("dev2"), 0 }, { S("dev3"), 0 } } },
};
#define NBACKENDS (sizeof backends / sizeof backends[0])

/* Path class to backend index. */
static const int class_backend[PC_COUNT] = { 0, 1, 2, 3, 4 };

struct frontend {
	struct str name;   /* without the ~ */
	int ssl;           /* %ft gets a ~ */
	int cap_req;       /* {host|user-agent} */
	int cap_res;       /* {content-type} */
	int h2_per100k;    /* share of HTTP/2 requests */
};

enum { FE_HTTP, FE_HTTPS, FE_API, FE_ADMIN, FE_MTLS, FE_COUNT };

static const struct frontend frontends[FE_COUNT] = {
	{ S("fe_http"), 0, 1, 0, 0 },
	{ S("fe_https"), 1, 1, 1, 35000 },
	{ S("fe_api"), 1, 0, 0, 30000 },
	{ S("fe_admin"), 0, 0, 0, 0 },
	{ S("fe_mtls"), 1, 1, 0, 20000 },
};

struct tcpfe {
	struct str fe, be;
	int nsrv;
	struct str srv[3];
	int tt_lo, tt_hi;           /* connection lifetime band, ms */
	uint64_t bytes_hi;
};

static const struct tcpfe tcpfes[] = {
	{ S("fe_mysql"), S("be_mysql"), 2, { S("db1"), S("db2"), S("") }, 2, 600000, 2000000 },
	{ S("fe_redis"), S("be_redis"), 3, { S("redis1"), S("redis2"), S("redis3") }, 1, 3600000, 500000 },
	{ S("fe_smtp"), S("be_smtp"), 2, { S("mx1"), S("mx2"), S("") }, 40, 20000, 80000 },
	{ S("fe_tls_pt"), S("be_tls_pt"), 3, { S("web1"), S("web2"), S("web3") }, 20, 120000, 5000000 },
};
#define NTCPFES (sizeof tcpfes / sizeof tcpfes[0])

/* One arena for the strings built at start-up. */
static char *arena;
static size_t arena_len, arena_cap;

static struct str intern(const char *s, size_t n)
{
	if (arena_len + n > arena_cap) {
		fprintf(stderr, "hz_genlog: internal arena full\n");
		exit(1);
	}
	char *d = arena + arena_len;
	memcpy(d, s, n);
	arena_len += n;
	struct str r = { d, n };
	return r;
}

#define NCLIENTS4 30000
#define NCLIENTS6 3000
static struct str clients4[NCLIENTS4];
static struct str clients6[NCLIENTS6];

#define NPATHS 3000
struct path {
	struct str p;
	enum pclass cls;
	int ctype;  /* index into ctypes[] of a 200 answer */
};
static struct path paths[NPATHS];

static const char *const words[] = {
	"alpha", "amber", "anchor", "apple", "arrow", "atlas", "autumn", "badge",
	"bamboo", "banner", "basil", "beacon", "birch", "blue", "bolt", "bridge",
	"bronze", "cactus", "canyon", "carbon", "cedar", "cherry", "cloud", "cobalt",
	"comet", "copper", "coral", "cotton", "crystal", "delta", "desert", "ember",
	"falcon", "fern", "forest", "garnet", "glacier", "granite", "harbor", "hazel",
	"indigo", "iris", "ivory", "jade", "jasper", "juniper", "lagoon", "lemon",
	"linen", "lotus", "maple", "marble", "meadow", "mint", "nectar", "nova",
	"oak", "ocean", "olive", "onyx", "orchid", "pebble", "pepper", "pine",
	"plum", "prairie", "quartz", "raven", "reef", "river", "ruby", "sage",
	"sand", "shadow", "silver", "slate", "spruce", "storm", "summit", "sunset",
	"thistle", "tide", "topaz", "tulip", "velvet", "violet", "walnut", "willow",
};
#define NWORDS (sizeof words / sizeof words[0])

static const char *word(void)
{
	return words[below(NWORDS)];
}

static void build_clients(void)
{
	char tmp[64];
	for (int i = 0; i < NCLIENTS4; i++) {
		uint32_t a;
		int k = (int)below(100);
		if (k < 10)
			a = 0x0A000000u | (below(1u << 16) << 0); /* 10.0.x.y */
		else if (k < 15)
			a = 0xC0A80000u | below(1u << 16); /* 192.168.x.y */
		else {
			do {
				a = (uint32_t)rnd64();
			} while ((a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 || (a >> 24) >= 224);
		}
		int n = snprintf(tmp, sizeof tmp, "%u.%u.%u.%u",
				 a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
		clients4[i] = intern(tmp, (size_t)n);
	}
	static const char *const pfx[] = { "2001:db8", "2a01:e0a", "2607:f8b0", "2a02:1810" };
	for (int i = 0; i < NCLIENTS6; i++) {
		/* Every draw is its own statement: the order in which a call's
		 * arguments are evaluated is unspecified, and the output must not
		 * depend on the compiler. */
		int n, shortform = below(4) == 0;
		const char *pf = pfx[below(4)];
		unsigned g[6];
		for (int j = 0; j < 6; j++)
			g[j] = below(0x10000);
		if (shortform)
			n = snprintf(tmp, sizeof tmp, "%s::%x", pf, g[0] ? g[0] : 1);
		else
			n = snprintf(tmp, sizeof tmp, "%s:%x:%x:%x:%x:%x:%x", pf,
				     g[0], g[1], g[2], g[3], g[4], g[5]);
		clients6[i] = intern(tmp, (size_t)n);
	}
}

static const struct str ctypes[] = {
	S("text/html; charset=utf-8"), S("application/json"), S("text/css"),
	S("application/javascript"), S("image/png"), S("image/jpeg"), S("font/woff2"),
	S("image/webp"), S("image/svg+xml"),
};

/* The Content-Type a server would send for a path. */
static int ctype_for(struct str path, enum pclass cls)
{
	if (cls != PC_STATIC)
		return cls == PC_APP || cls == PC_AUTH ? 0 : 1;
	const char *dot = path.p + path.n;
	while (dot > path.p && dot[-1] != '.')
		dot--;
	switch (dot[0]) {
	case 'c': return 2;
	case 'j': return dot[1] == 's' ? 3 : 5;
	case 'p': return 4;
	case 'w': return dot[1] == 'o' ? 6 : 7;
	default: return 8;
	}
}

static void build_paths(void)
{
	char tmp[256];
	static const char *const static_ext[] = { "js", "css", "png", "jpg", "svg", "woff2", "webp" };
	static const char *const api_res[] = {
		"users", "orders", "products", "carts", "invoices", "sessions",
		"search", "inventory", "payments", "notifications"
	};
	static const char *const app_top[] = {
		"products", "category", "blog", "help", "account", "checkout",
		"stores", "news", "docs", "about"
	};
	paths[0].p = intern("/", 1);
	paths[0].cls = PC_APP;
	paths[0].ctype = 0;
	for (int i = 1; i < NPATHS; i++) {
		/* Draws happen before the snprintf calls: argument evaluation
		 * order is unspecified. */
		int n, k = (int)below(100);
		const char *w1 = word(), *w2 = word(), *w3 = word();
		unsigned h = (unsigned)rnd64(), x1 = below(0x10000), x2 = below(0x10000);
		enum pclass cls;
		if (k < 35) {
			cls = PC_STATIC;
			const char *ext = static_ext[below(7)];
			if (below(3) == 0)
				n = snprintf(tmp, sizeof tmp, "/static/%s/%s.%08x.%s",
					     ext[0] == 'j' && ext[1] == 's' ? "js" : ext[0] == 'c' ? "css"
					     : ext[0] == 'w' && ext[1] == 'o' ? "fonts" : "img",
					     w1, h, ext);
			else
				n = snprintf(tmp, sizeof tmp, "/assets/%s/%s-%s.%s", w1, w2, w3, ext);
		} else if (k < 60) {
			cls = PC_API;
			const char *res = api_res[below(10)];
			int shape = (int)below(4);
			if (shape == 0)
				n = snprintf(tmp, sizeof tmp, "/api/v2/%s", res);
			else if (shape == 1)
				n = snprintf(tmp, sizeof tmp, "/api/v2/%s/%u", res, (unsigned)range(1, 999999));
			else if (shape == 2)
				n = snprintf(tmp, sizeof tmp, "/api/v1/%s/%u/%s", res,
					     1 + h % 99999, api_res[x1 % 10]);
			else
				n = snprintf(tmp, sizeof tmp, "/api/v2/%s/%08x-%04x-%04x", res, h, x1, x2);
		} else if (k < 63) {
			cls = PC_AUTH;
			static const char *const a[] = {
				"/login", "/logout", "/oauth/authorize", "/oauth/token",
				"/account/password", "/signup", "/sso/callback"
			};
			n = snprintf(tmp, sizeof tmp, "%s", a[below(7)]);
		} else if (k < 68) {
			cls = PC_DEVICE;
			n = snprintf(tmp, sizeof tmp, "/device/v1/%s/%s", w1,
				     x1 & 1 ? "telemetry" : "config");
		} else {
			cls = PC_APP;
			const char *top = app_top[below(10)];
			int shape = (int)below(3);
			if (shape == 0)
				n = snprintf(tmp, sizeof tmp, "/%s/%s-%s", top, w1, w2);
			else if (shape == 1)
				n = snprintf(tmp, sizeof tmp, "/%s/%s/%s-%u", top, w1, w2, 1 + x1 % 9999);
			else
				n = snprintf(tmp, sizeof tmp, "/%s/%s", top, w1);
		}
		paths[i].p = intern(tmp, (size_t)n);
		paths[i].cls = cls;
		paths[i].ctype = ctype_for(paths[i].p, cls);
	}
}

static const struct str uas[] = {
	S("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"),
	S("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"),
	S("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
	S("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"),
	S("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"),
	S("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"),
	S("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
	S("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
	S("curl/8.5.0"),
	S("curl/7.88.1"),
	S("python-requests/2.31.0"),
	S("Go-http-client/2.0"),
	S("okhttp/4.12.0"),
	S("kube-probe/1.29"),
	S("Prometheus/2.51.0"),
	S("Wget/1.21.3"),
	S("Apache-HttpClient/4.5.14 (Java/17.0.10)"),
	S("sensor-agent/3.2 (build 4411; arm64)"),
	S("Mozilla/5.0 (compatible; #22EvilScanner#22 1.0)"),
	S(""),
};
#define NUAS (sizeof uas / sizeof uas[0])

/* Cumulative weights per 100 000, parallel to uas[]. */
static const uint32_t ua_cum[NUAS] = {
	30000, 42000, 50000, 60000, 69000, 72000, 75500, 77000,
	80500, 82500, 85500, 88000, 91500, 94500, 96500, 97000,
	98000, 99500, 99520, 100000,
};

/* API and device clients (uas[8..17]). */
static int pick_machine_ua(void)
{
	static const uint8_t m[] = { 8, 9, 10, 11, 11, 12, 12, 12, 16, 17, 17, 17 };
	return m[below(sizeof m)];
}

static int pick_ua(void)
{
	uint32_t u = below(100000);
	int i = 0;
	while (u >= ua_cum[i])
		i++;
	return i;
}

static const struct str hosts_www[] = {
	S("www.example.com"), S("example.com"), S("shop.example.com"), S("www.example.com:443")
};
static const struct str host_static = S("static.example.com");
static const struct str host_api = S("api.example.com");
static const struct str host_mtls = S("mtls.example.com");


/* ------------------------------------------------------------------------ */
/* Load: a 10-minute triangle wave, 0.25 .. 1.0. */

static double tri_phase(void)
{
	int64_t ms = (now_us / 1000) % 600000;
	double ph = (double)ms / 600000.0;
	return ph < 0.5 ? 2.0 * ph : 2.0 - 2.0 * ph;
}

static double load(void)
{
	return 0.25 + 0.75 * tri_phase();
}

/* Advance the clock by one inter-arrival time at the current load. */
static void tick(void)
{
	/* ~400 req/s at full load; uniform around the mean keeps it libm-free. */
	double mean_us = 1e6 / (400.0 * load());
	now_us += (int64_t)(unit() * 2.0 * mean_us);
}

/* ------------------------------------------------------------------------ */
/* Counters for --counts. */

static struct {
	uint64_t lines, http, tcp, connerr, msg;
	uint64_t status[600];
	uint64_t term[32];
	uint64_t badreq, nosrv, stats, h2, ipv6;
	uint64_t ssl_full, ssl_resumed, ssl_anon, ssl_verr[32];
	uint64_t hdr[HDR_COUNT];
	uint64_t bytes_sum;
} cnt;

static const char *const term_names[] = {
	"----", "LR--", "PR--", "CR--", "cR--", "SC--", "sQ--", "sH--",
	"SH--", "PH--", "CD--", "--", "CD", "SD", "cD", "sD", "SC"
};
#define NTERMS (sizeof term_names / sizeof term_names[0])

enum term {
	T_OK, T_LR, T_PR, T_CR, T_cR, T_SC, T_sQ, T_sH, T_SH, T_PH, T_CD,
	TT_OK, TT_CD, TT_SD, TT_cD, TT_sD, TT_SC
};

/* ------------------------------------------------------------------------ */
/* One HTTP request. */

struct req {
	int fe;
	const struct backend *be;  /* NULL: %b is the frontend */
	struct str srv;
	int TR, Tw, Tc, Tr, Ta;
	int status;
	uint64_t bytes;
	enum term term;
	char ck3, ck4;             /* cookie chars of %tsc */
	unsigned ac, fc, bc, sc, rc;
	int redisp;
	unsigned sq, bq;
	int badreq;
	int cls;
	struct str host;
	int ua;                    /* index into uas */
	int ctype;                 /* -1: empty response capture */
	int version;               /* 10, 11, 20 */
	struct str method;
};

static const struct str m_get = S("GET"), m_post = S("POST"), m_head = S("HEAD"),
	m_put = S("PUT"), m_delete = S("DELETE"), m_patch = S("PATCH"), m_options = S("OPTIONS");

static const struct band tr_app[] = {
	{ 55000, 2, 30 }, { 85000, 30, 150 }, { 96000, 150, 600 },
	{ 99500, 600, 3000 }, { 100000, 3000, 20000 } };
static const struct band tr_static[] = {
	{ 80000, 0, 3 }, { 97000, 3, 20 }, { 100000, 20, 200 } };
static const struct band tr_api[] = {
	{ 40000, 1, 10 }, { 80000, 10, 60 }, { 95000, 60, 300 },
	{ 99700, 300, 2000 }, { 100000, 2000, 10000 } };
static const struct band tr_auth[] = {
	{ 60000, 20, 120 }, { 95000, 120, 500 }, { 100000, 500, 3000 } };

static const struct band *const tr_by_class[PC_COUNT] = {
	tr_app, tr_static, tr_api, tr_auth, tr_api
};

static const struct band bytes_app[] = {
	{ 70000, 2000, 40000 }, { 95000, 40000, 150000 }, { 100000, 150000, 900000 } };
static const struct band bytes_static[] = {
	{ 50000, 300, 8000 }, { 90000, 8000, 120000 }, { 100000, 120000, 2500000 } };
static const struct band bytes_api[] = {
	{ 60000, 90, 2000 }, { 95000, 2000, 30000 }, { 100000, 30000, 400000 } };
static const struct band bytes_auth[] = {
	{ 100000, 300, 6000 } };

static const struct band *const bytes_by_class[PC_COUNT] = {
	bytes_app, bytes_static, bytes_api, bytes_auth, bytes_api
};

static int pick_server(const struct backend *be)
{
	int up = 0;
	for (int i = 0; i < be->nsrv; i++)
		up += !be->srv[i].down;
	if (up == 0)
		return -1;
	int k = (int)below((uint32_t)up);
	for (int i = 0; i < be->nsrv; i++)
		if (!be->srv[i].down && k-- == 0)
			return i;
	return -1;
}

static void counters(struct req *r, int with_server)
{
	double L = load();
	r->ac = (unsigned)(20 + L * 600 * (0.8 + 0.4 * unit()));
	r->fc = 1 + (unsigned)(r->ac * (0.3 + 0.5 * unit()));
	if (with_server) {
		r->bc = 1 + (unsigned)(r->fc * (0.2 + 0.4 * unit()));
		r->sc = 1 + r->bc / 6 + below(3);
		if (r->sc > r->bc)
			r->sc = r->bc;
	} else {
		r->bc = 0;
		r->sc = 0;
	}
}

/* Fills r with one request on frontend fe. cls < 0: pick a path class. */
static void gen_http(struct req *r, int fe, int path_idx)
{
	memset(r, 0, sizeof *r);
	r->fe = fe;
	r->cls = paths[path_idx].cls;
	r->ctype = -1;
	r->rc = 0;
	r->ck3 = r->ck4 = '-';
	r->ua = fe == FE_MTLS ? pick_machine_ua() : pick_ua();
	r->version = 11;
	if (below(100000) < (uint32_t)frontends[fe].h2_per100k)
		r->version = 20;
	else if (chance(1500))
		r->version = 10;

	/* Method by class. */
	uint32_t m = below(100);
	if (r->cls == PC_API || r->cls == PC_DEVICE)
		r->method = m < 62 ? m_get : m < 86 ? m_post : m < 94 ? m_put : m < 98 ? m_delete
			: m < 99 ? m_patch : m_options;
	else if (r->cls == PC_AUTH)
		r->method = m < 55 ? m_get : m_post;
	else
		r->method = m < 96 ? m_get : m < 98 ? m_head : m_post;

	/* Host header. */
	if (fe == FE_MTLS)
		r->host = host_mtls;
	else if (fe == FE_API || r->cls == PC_API)
		r->host = host_api;
	else if (r->cls == PC_STATIC)
		r->host = host_static;
	else
		r->host = hosts_www[skewed(4)];

	double L = load();
	uint32_t stress = (uint32_t)(50000 + 100000 * L); /* errors rise with load */
	r->TR = below(10) < 3 ? (int)range(0, 8) : 0;
	int Ta_extra = (int)range(0, 3);

	/* Outcomes decided by HAProxy itself, before any server. */
	if (fe == FE_ADMIN) {
		r->be = NULL;
		r->srv = (struct str)S("<STATS>");
		r->Tw = r->Tc = r->Tr = 0;
		r->TR = 0;
		r->Ta = (int)range(0, 2);
		r->status = 200;
		r->bytes = (uint64_t)range(30000, 60000);
		r->term = T_LR;
		r->method = m_get;
		counters(r, 0);
		return;
	}
	uint32_t u = below(100000);
	if (fe == FE_HTTP && u < 35000) {
		/* http -> https redirect */
		r->be = NULL;
		r->srv = (struct str)S("<NOSRV>");
		r->Tw = r->Tc = r->Tr = -1;
		r->Ta = r->TR + (int)range(0, 1);
		r->status = 301;
		r->bytes = (uint64_t)range(91, 140);
		r->term = T_LR;
		counters(r, 0);
		return;
	}
	u = below(100000);
	uint32_t acc = 0;
#define OUTCOME(rate) (u < (acc += (rate)))
	if (OUTCOME(150) || OUTCOME(150)) {
		int timeout = u >= 150;
		r->badreq = 1;
		r->be = NULL;
		r->srv = (struct str)S("<NOSRV>");
		r->TR = r->Tw = r->Tc = r->Tr = -1;
		r->bytes = 0;
		if (timeout) {
			r->status = 408;
			r->term = T_cR;
			r->Ta = 10000 + (int)range(0, 5);
		} else {
			r->status = 400;
			r->term = below(3) ? T_PR : T_CR;
			r->Ta = r->term == T_PR ? (int)range(0, 2) : (int)range(0, 400);
		}
		counters(r, 0);
		return;
	}
	if (OUTCOME(350)) {
		r->be = NULL;
		r->srv = (struct str)S("<NOSRV>");
		r->Tw = r->Tc = r->Tr = -1;
		r->Ta = r->TR + (int)range(0, 1);
		r->status = 403;
		r->bytes = 192;
		r->term = T_PR;
		counters(r, 0);
		return;
	}
	if (OUTCOME(r->cls == PC_APP ? 600 : 0)) {
		r->be = NULL;
		r->srv = (struct str)S("<NOSRV>");
		r->Tw = r->Tc = r->Tr = -1;
		r->Ta = r->TR + (int)range(0, 1);
		r->status = 302;
		r->bytes = (uint64_t)range(91, 180);
		r->term = T_LR;
		counters(r, 0);
		return;
	}

	/* A backend is chosen. */
	const struct backend *be = &backends[class_backend[r->cls]];
	if (fe == FE_API && r->cls != PC_API)
		be = &backends[2];
	r->be = be;
	if (be->cookie) {
		uint32_t c = below(100);
		r->ck3 = c < 65 ? 'V' : c < 98 ? 'N' : 'I';
		r->ck4 = r->ck3 == 'V' ? 'N' : 'I';
	}
	int si = pick_server(be);
	if (si < 0 || OUTCOME(60 * stress / 100000)) {
		/* no server available */
		r->srv = (struct str)S("<NOSRV>");
		r->Tw = r->Tc = r->Tr = -1;
		r->Ta = r->TR + (int)range(0, 1);
		r->status = 503;
		r->bytes = 217;
		r->term = T_SC;
		counters(r, 0);
		return;
	}
	r->srv = be->srv[si].name;
	counters(r, 1);
	r->Tw = 0;
	r->Tc = below(10) < 7 ? 0 : below(3) ? 1 : (int)range(2, 12);

	if (OUTCOME(90 * stress / 100000)) {
		r->Tc = r->Tr = -1;
		r->Ta = r->TR + 3000 + (int)range(0, 12);
		r->rc = 3;
		r->status = 503;
		r->bytes = 217;
		r->term = T_SC;
		return;
	}
	if (OUTCOME(40 * stress / 100000)) {
		r->Tw = 5000 + (int)range(0, 3);
		r->Tc = r->Tr = -1;
		r->Ta = r->TR + r->Tw + (int)range(0, 2);
		r->sq = 1 + below(40);
		r->bq = r->sq + below(80);
		r->status = 503;
		r->bytes = 217;
		r->term = T_sQ;
		return;
	}
	if (OUTCOME(150 * stress / 100000)) {
		r->Tr = -1;
		r->Ta = r->TR + r->Tc + 30000 + (int)range(0, 4);
		r->status = 504;
		r->bytes = 198;
		r->term = T_sH;
		return;
	}
	if (OUTCOME(90 * stress / 100000)) {
		r->Tr = -1;
		r->Ta = r->TR + r->Tc + (int)range(1, 2500);
		r->status = 502;
		r->bytes = 209;
		r->term = T_SH;
		return;
	}
	if (OUTCOME(40)) {
		r->Tr = pick_band(tr_by_class[r->cls]);
		r->Ta = r->TR + r->Tc + r->Tr + Ta_extra;
		r->status = 502;
		r->bytes = 209;
		r->term = T_PH;
		return;
	}
	if (chance(600)) {
		/* a short queue */
		r->Tw = (int)range(1, 800);
		r->sq = below(5);
		r->bq = r->sq + below(10);
	}
	if (chance(25)) {
		r->redisp = 1;
		r->rc = 1;
	}
	r->Tr = pick_band(tr_by_class[r->cls]);
	uint64_t full = (uint64_t)pick_band(bytes_by_class[r->cls]);
	int data_ms = (int)(full / 200000) + Ta_extra;
	r->Ta = r->TR + r->Tw + r->Tc + r->Tr + data_ms;
	r->term = T_OK;
	r->ctype = paths[path_idx].ctype;
	if (OUTCOME(500)) {
		r->status = 200;
		r->bytes = full / (2 + below(20));
		r->Ta += (int)range(10, 20000);
		r->term = T_CD;
		return;
	}
	if (OUTCOME(300)) {
		r->status = 500;
		r->bytes = (uint64_t)range(150, 2000);
		r->ctype = 0;
		return;
	}
	uint32_t v = below(100000);
	switch (r->cls) {
	case PC_STATIC:
		if (v < 22000) {
			r->status = 304;
			r->bytes = (uint64_t)range(140, 320);
			r->ctype = -1;
		} else if (v < 23500) {
			r->status = 404;
			r->bytes = (uint64_t)range(150, 1200);
			r->ctype = 0;
		} else {
			r->status = 200;
			r->bytes = full;
		}
		break;
	case PC_API:
	case PC_DEVICE:
		if (v < 2500) {
			r->status = 404;
			r->bytes = (uint64_t)range(60, 400);
		} else if (v < 3500) {
			r->status = 400;
			r->bytes = (uint64_t)range(60, 400);
		} else {
			r->status = 200;
			r->bytes = full;
		}
		break;
	case PC_AUTH:
		if (v < 30000) {
			r->status = 302;
			r->bytes = (uint64_t)range(200, 700);
			r->ctype = -1;
		} else {
			r->status = 200;
			r->bytes = full;
		}
		break;
	default:
		if (v < 1200) {
			r->status = 301;
			r->bytes = (uint64_t)range(200, 400);
			r->ctype = -1;
		} else if (v < 2000) {
			r->status = 302;
			r->bytes = (uint64_t)range(200, 400);
			r->ctype = -1;
		} else if (v < 3800) {
			r->status = 404;
			r->bytes = (uint64_t)range(800, 9000);
		} else {
			r->status = 200;
			r->bytes = full;
		}
	}
	if (r->method.n == 4 && r->method.p[0] == 'H')
		r->bytes = (uint64_t)range(180, 420);
#undef OUTCOME
}

static char *put_client(char *p)
{
	if (chance(7000)) {
		p = puts_(p, clients6[skewed(NCLIENTS6)]);
		cnt.ipv6++;
	} else {
		p = puts_(p, clients4[skewed(NCLIENTS4)]);
	}
	*p++ = ':';
	return putu(p, (uint64_t)range(1024, 65535));
}

/* Query string for a path class, or nothing. */
static char *put_query(char *p, int cls)
{
	uint32_t k = below(100);
	switch (cls) {
	case PC_STATIC:
		if (k < 30) {
			memcpy(p, "?v=", 3);
			p += 3;
			uint32_t h = (uint32_t)rnd64();
			for (int i = 0; i < 8; i++)
				*p++ = hexd[(h >> (4 * i)) & 15];
		}
		return p;
	case PC_API:
	case PC_DEVICE:
		if (k < 25) {
			memcpy(p, "?page=", 6);
			p = putu(p + 6, range(1, 50));
			memcpy(p, "&per_page=", 10);
			p = putu(p + 10, below(2) ? 50 : 100);
		} else if (k < 40) {
			memcpy(p, "?q=", 3);
			p = putz(p + 3, word());
			*p++ = '+';
			p = putz(p, word());
			memcpy(p, "&sort=", 6);
			p = putz(p + 6, below(2) ? "asc" : "desc");
		} else if (k < 45) {
			memcpy(p, "?since=", 7);
			p = putu(p + 7, (uint64_t)(now_us / 1000000 - range(0, 86400)));
		}
		return p;
	case PC_AUTH:
		if (k < 50) {
			memcpy(p, "?next=%2F", 9);
			p = putz(p + 9, word());
			memcpy(p, "&state=", 7);
			p += 7;
			uint64_t h = rnd64();
			for (int i = 0; i < 16; i++)
				*p++ = hexd[(h >> (4 * i)) & 15];
		}
		return p;
	default:
		if (k < 15) {
			memcpy(p, "?utm_source=", 12);
			p = putz(p + 12, below(2) ? "newsletter" : "google");
			memcpy(p, "&utm_medium=", 12);
			p = putz(p + 12, below(2) ? "email" : "cpc");
			memcpy(p, "&utm_campaign=", 14);
			p = putz(p + 14, word());
		} else if (k < 35) {
			memcpy(p, "?page=", 6);
			p = putu(p + 6, range(1, 30));
		} else if (k < 42) {
			memcpy(p, "?q=", 3);
			p = putz(p + 3, word());
			memcpy(p, "&lang=", 6);
			p = putz(p + 6, below(3) ? "en" : "de");
		}
		return p;
	}
}

static const char *const term2[] = {
	"--", "LR", "PR", "CR", "cR", "SC", "sQ", "sH", "SH", "PH", "CD",
	"--", "CD", "SD", "cD", "sD", "SC"
};

/* The %{+Q}[ssl_c_*] block of the SSL format; see bench/ssl.format. */
struct ident {
	struct str cn, issuer, key_alg, sig_alg, serial, notafter;
	int verify;     /* 0 or an X509_V_ERR code the frontend ignores */
};

#define NIDENTS 600
static struct ident idents[NIDENTS];

static const char *const first_names[] = {
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
	"ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil",
	"trent", "victor", "walter", "yolanda"
};

static void build_idents(int64_t start)
{
	char cn[96], serial[48], na[16];
	struct civil c0 = civil_from_epoch(start);
	for (int i = 0; i < NIDENTS; i++) {
		struct ident *id = &idents[i];
		/* Draws first, in a fixed order (see build_clients). */
		int kind = (int)below(100);
		const char *fname = first_names[below(20)], *w1 = word(), *w2 = word();
		unsigned devno = below(100000);
		int n;
		if (kind < 30)
			n = snprintf(cn, sizeof cn, "%s client", fname);
		else if (kind < 45)
			n = snprintf(cn, sizeof cn, "%s %s laptop", fname, w1);
		else if (kind < 65)
			n = snprintf(cn, sizeof cn, "svc-%s-%s", w1, w2);
		else
			n = snprintf(cn, sizeof cn, "device %05u %s", devno, w1);
		if (i == 0)
			n = snprintf(cn, sizeof cn, "alice client");
		id->cn = intern(cn, (size_t)n);
		int ec = below(10) < 4;
		id->key_alg = ec ? (struct str)S("id-ecPublicKey") : (struct str)S("rsaEncryption");
		if (kind >= 65)
			id->issuer = (struct str)S("IoT Issuing CA 2");
		else if (below(10) < 8)
			id->issuer = (struct str)S("App Intermediate");
		else
			id->issuer = (struct str)S("Example Root CA");
		id->sig_alg = id->issuer.p[0] == 'I' ? (struct str)S("ecdsa-with-SHA384")
			: below(10) < 7 ? (struct str)S("sha256WithRSAEncryption")
					: (struct str)S("ecdsa-with-SHA256");
		int nbytes = below(4) == 0 ? 3 + (int)below(6) : below(4) ? 16 : 20;
		for (int b = 0; b < nbytes; b++) {
			unsigned x = below(256);
			if (b == 0 && x >= 128)
				x -= 128; /* DER integers are positive */
			serial[2 * b] = hexd[x >> 4];
			serial[2 * b + 1] = hexd[x & 15];
		}
		id->serial = intern(serial, (size_t)(2 * nbytes));
		int yy = c0.y % 100 + (int)range(0, 2), verify = 0;
		/* The least popular identities carry the verify errors. */
		if (i >= NIDENTS - 6) {
			verify = 10;
			yy = c0.y % 100 - 1;
		} else if (i >= NIDENTS - 12) {
			verify = 18;
			n = snprintf(cn, sizeof cn, "self signed %s", first_names[below(20)]);
			id->cn = intern(cn, (size_t)n);
			id->issuer = id->cn;
		} else if (i >= NIDENTS - 18) {
			verify = 20;
			id->issuer = (struct str)S("Rogue Issuing CA");
		}
		id->verify = verify;
		unsigned mo = (unsigned)range(1, 12), dd = (unsigned)range(1, 28);
		unsigned hh = below(24), mi = below(60), ss = below(60);
		n = snprintf(na, sizeof na, "%02d%02u%02u%02u%02u%02uZ", yy, mo, dd, hh, mi, ss);
		id->notafter = intern(na, (size_t)n);
	}
}

static const struct str ciphers13[] = {
	S("TLS_AES_256_GCM_SHA384"), S("TLS_AES_128_GCM_SHA256"), S("TLS_CHACHA20_POLY1305_SHA256")
};
static const struct str ciphers12[] = {
	S("ECDHE-RSA-AES256-GCM-SHA384"), S("ECDHE-ECDSA-AES128-GCM-SHA256"),
	S("ECDHE-RSA-CHACHA20-POLY1305")
};

static char *put_q(char *p, struct str s)
{
	*p++ = '"';
	p = puts_(p, s);
	*p++ = '"';
	return p;
}

static char *put_ssl_block(char *p, int fe)
{
	static const struct str sni_www = S("www.example.com");
	int tls13 = below(100) < 82;
	struct str sslv = tls13 ? (struct str)S("TLSv1.3") : (struct str)S("TLSv1.2");
	struct str sslc = tls13 ? ciphers13[skewed(3)] : ciphers12[skewed(3)];
	int with_cert = fe == FE_MTLS && below(100) < 88;
	*p++ = ' ';
	*p++ = '{';
	if (!with_cert) {
		cnt.ssl_anon++;
		memcpy(p, "\"\",\"\",\"\",\"\",-,-,", 16);
		p += 16;
		if (below(100) < 3) {
			*p++ = '"';
			*p++ = '"';
		} else {
			p = put_q(p, fe == FE_MTLS ? host_mtls : fe == FE_API ? host_api : sni_www);
		}
		memcpy(p, ",0,0,0,0,", 9);
		p += 9;
	} else {
		const struct ident *id = &idents[skewed(NIDENTS)];
		int resumed = 0;
		if (id->verify == 0 && unit() < 0.15 + 0.70 * tri_phase())
			resumed = 1;
		if (resumed)
			cnt.ssl_resumed++;
		else
			cnt.ssl_full++;
		cnt.ssl_verr[id->verify]++;
		p = put_q(p, id->key_alg);
		*p++ = ',';
		p = put_q(p, id->sig_alg);
		*p++ = ',';
		p = put_q(p, id->cn);
		*p++ = ',';
		p = put_q(p, id->issuer);
		*p++ = ',';
		p = puts_(p, id->serial);
		*p++ = ',';
		p = puts_(p, id->notafter);
		*p++ = ',';
		if (below(100) < 2) {
			*p++ = '"';
			*p++ = '"';
		} else {
			p = put_q(p, host_mtls);
		}
		*p++ = ',';
		p = putu(p, (uint64_t)id->verify);
		memcpy(p, resumed ? ",0,1,1," : ",1,0,1,", 7);
		p += 7;
	}
	p = puts_(p, sslv);
	*p++ = ',';
	p = puts_(p, sslc);
	*p++ = '}';
	return p;
}

/* Writes the message of one HTTP line (httplog, or the SSL format). */
static char *put_http(char *p, const struct req *r, int ssl_fmt, int path_idx)
{
	const struct frontend *fe = &frontends[r->fe];
	p = put_client(p);
	*p++ = ' ';
	p = put_logdate_ms(p);
	*p++ = ' ';
	p = puts_(p, fe->name);
	if (fe->ssl)
		*p++ = '~';
	*p++ = ' ';
	p = puts_(p, r->be ? r->be->name : fe->name);
	*p++ = '/';
	p = puts_(p, r->srv);
	*p++ = ' ';
	p = puti(p, r->TR);
	*p++ = '/';
	p = puti(p, r->Tw);
	*p++ = '/';
	p = puti(p, r->Tc);
	*p++ = '/';
	p = puti(p, r->Tr);
	*p++ = '/';
	p = puti(p, r->Ta);
	*p++ = ' ';
	p = putu(p, (uint64_t)r->status);
	*p++ = ' ';
	p = putu(p, r->bytes);
	memcpy(p, " - - ", 5);
	p += 5;
	memcpy(p, term2[r->term], 2);
	p += 2;
	*p++ = r->ck3;
	*p++ = r->ck4;
	*p++ = ' ';
	p = putu(p, r->ac);
	*p++ = '/';
	p = putu(p, r->fc);
	*p++ = '/';
	p = putu(p, r->bc);
	*p++ = '/';
	p = putu(p, r->sc);
	*p++ = '/';
	if (r->redisp)
		*p++ = '+';
	p = putu(p, r->rc);
	*p++ = ' ';
	p = putu(p, r->sq);
	*p++ = '/';
	p = putu(p, r->bq);
	if (!r->badreq && fe->cap_req) {
		*p++ = ' ';
		*p++ = '{';
		if (r->version != 10 || below(2))
			p = puts_(p, r->host);
		*p++ = '|';
		p = puts_(p, uas[r->ua]);
		*p++ = '}';
	}
	if (!r->badreq && fe->cap_res) {
		*p++ = ' ';
		*p++ = '{';
		if (r->ctype >= 0)
			p = puts_(p, ctypes[r->ctype]);
		*p++ = '}';
	}
	if (ssl_fmt)
		p = put_ssl_block(p, r->fe);
	*p++ = ' ';
	*p++ = '"';
	if (r->badreq) {
		memcpy(p, "<BADREQ>\"", 9);
		return p + 9;
	}
	p = puts_(p, r->method);
	*p++ = ' ';
	if (r->version == 20) {
		/* HTTP/2 requests are logged with the absolute URI */
		memcpy(p, "https://", 8);
		p = puts_(p + 8, r->host);
	}
	p = puts_(p, paths[path_idx].p);
	p = put_query(p, r->cls);
	memcpy(p, r->version == 10 ? " HTTP/1.0\"" : r->version == 20 ? " HTTP/2.0\"" : " HTTP/1.1\"", 10);
	return p + 10;
}

static void count_http(const struct req *r)
{
	cnt.http++;
	cnt.status[r->status]++;
	cnt.term[r->term]++;
	cnt.badreq += (uint64_t)r->badreq;
	cnt.h2 += r->version == 20;
	if (r->srv.p[0] == '<') {
		if (r->srv.p[1] == 'S')
			cnt.stats++;  /* <STATS> */
		else
			cnt.nosrv++;  /* <NOSRV> */
	}
	cnt.bytes_sum += r->bytes;
}

/* Frontend choice per format. */
static int pick_fe_httplog(void)
{
	uint32_t u = below(1000);
	return u < 200 ? FE_HTTP : u < 620 ? FE_HTTPS : u < 995 ? FE_API : FE_ADMIN;
}

static int pick_fe_ssl(void)
{
	uint32_t u = below(100);
	return u < 65 ? FE_MTLS : u < 90 ? FE_HTTPS : FE_API;
}

static int pick_path(int fe)
{
	if (fe == FE_MTLS) {
		/* device and API clients */
		for (;;) {
			uint32_t i = skewed(NPATHS);
			if (paths[i].cls == PC_DEVICE || paths[i].cls == PC_API)
				return (int)i;
		}
	}
	if (fe == FE_API) {
		for (;;) {
			uint32_t i = skewed(NPATHS);
			if (paths[i].cls == PC_API)
				return (int)i;
		}
	}
	for (;;) {
		uint32_t i = skewed(NPATHS);
		if (paths[i].cls != PC_DEVICE)
			return (int)i;
	}
}

/* mixed: one log-format per frontend, as in a real configuration: only
 * fe_mtls uses the SSL format (pick_fe_httplog never returns it). */
static char *line_http(char *p, enum hdr h, int ssl_fmt, int mixed)
{
	struct req r;
	int fe = !ssl_fmt ? pick_fe_httplog() : mixed ? FE_MTLS : pick_fe_ssl();
	int pi = pick_path(fe);
	gen_http(&r, fe, pi);
	p = put_header(p, h, 6);
	p = put_http(p, &r, ssl_fmt, pi);
	count_http(&r);
	return p;
}

static char *line_tcp(char *p, enum hdr h)
{
	const struct tcpfe *t = &tcpfes[skewed(NTCPFES)];
	p = put_header(p, h, 6);
	p = put_client(p);
	*p++ = ' ';
	p = put_logdate_ms(p);
	*p++ = ' ';
	p = puts_(p, t->fe);
	*p++ = ' ';
	p = puts_(p, t->be);
	*p++ = '/';
	uint32_t u = below(100000);
	enum term term;
	int Tw = 0, Tc = below(10) < 8 ? 0 : (int)range(1, 8), Tt;
	uint64_t bytes;
	unsigned rc = 0;
	int nosrv = 0;
	if (u < 300) {
		nosrv = 1;
		term = TT_SC;
		Tw = Tc = -1;
		Tt = (int)range(0, 2);
		bytes = 0;
	} else if (u < 1300) {
		term = TT_SC;
		Tc = -1;
		Tt = 3000 + (int)range(0, 20);
		bytes = 0;
		rc = 3;
	} else {
		Tt = Tw + Tc + (int)range(t->tt_lo, (int)range(t->tt_lo, t->tt_hi));
		bytes = (uint64_t)range(0, (int64_t)(t->bytes_hi * unit() * unit()));
		u = below(100000);
		term = u < 86000 ? TT_OK : u < 92000 ? TT_CD : u < 95000 ? TT_SD : u < 99000 ? TT_cD : TT_sD;
	}
	p = nosrv ? puts_(p, (struct str)S("<NOSRV>")) : puts_(p, t->srv[below((uint32_t)t->nsrv)]);
	*p++ = ' ';
	p = puti(p, Tw);
	*p++ = '/';
	p = puti(p, Tc);
	*p++ = '/';
	p = puti(p, Tt);
	*p++ = ' ';
	p = putu(p, bytes);
	*p++ = ' ';
	memcpy(p, term2[term], 2);
	p += 2;
	*p++ = ' ';
	unsigned ac = 20 + (unsigned)(load() * 600 * (0.8 + 0.4 * unit()));
	unsigned fc = 1 + below(60), bc = nosrv ? 0 : 1 + below(fc), sc = nosrv ? 0 : 1 + bc / 3;
	p = putu(p, ac);
	*p++ = '/';
	p = putu(p, fc);
	*p++ = '/';
	p = putu(p, bc);
	*p++ = '/';
	p = putu(p, sc);
	*p++ = '/';
	p = putu(p, rc);
	memcpy(p, " 0/0", 4);
	p += 4;
	cnt.tcp++;
	cnt.term[term]++;
	return p;
}

/* ------------------------------------------------------------------------ */
/* Rare lines: connection errors and HAProxy's own messages. */

static const struct str connerr_msgs[] = {
	S("SSL handshake failure"), S("SSL handshake failure"),
	S("Connection closed during SSL handshake"), S("Timeout during SSL handshake"),
	S("SSL client certificate not trusted"),
};

static char *line_connerr(char *p, enum hdr h, int kind_tcp)
{
	p = put_header(p, h, 6);
	p = put_client(p);
	*p++ = ' ';
	p = put_logdate_ms(p);
	*p++ = ' ';
	if (kind_tcp) {
		memcpy(p, "fe_mysql/1: Timeout while waiting for PROXY protocol header", 59);
		p += 59;
	} else {
		static const struct str binds[] = { S("fe_https/1"), S("fe_api/1"), S("fe_mtls/2") };
		p = puts_(p, binds[below(3)]);
		*p++ = ':';
		*p++ = ' ';
		p = puts_(p, connerr_msgs[below(5)]);
	}
	cnt.connerr++;
	return p;
}

static int active_count(const struct backend *be)
{
	int n = 0;
	for (int i = 0; i < be->nsrv; i++)
		n += !be->srv[i].down;
	return n;
}

/* A server goes down or comes back. */
static char *line_server(char *p, enum hdr h)
{
	struct backend *be = NULL;
	struct server *s = NULL;
	for (size_t b = 0; b < NBACKENDS && !s; b++)
		for (int i = 0; i < backends[b].nsrv; i++)
			if (backends[b].srv[i].down) {
				be = &backends[b];
				s = &be->srv[i];
				break;
			}
	int up = s != NULL;
	if (!s) {
		be = &backends[below(NBACKENDS)];
		if (active_count(be) < 2) {
			be = &backends[0];
		}
		s = &be->srv[below((uint32_t)be->nsrv)];
	}
	p = put_header(p, h, up ? 5 : 1);
	memcpy(p, "Server ", 7);
	p = puts_(p + 7, be->name);
	*p++ = '/';
	p = puts_(p, s->name);
	if (up) {
		s->down = 0;
		memcpy(p, " is UP, reason: Layer4 check passed, check duration: 0ms. ", 58);
		p = putu(p + 58, (uint64_t)active_count(be));
		p = putz(p, " active and 0 backup servers online. 0 sessions requeued, 0 total in queue.");
	} else {
		s->down = 1;
		p = putz(p, " is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: 0ms. ");
		p = putu(p, (uint64_t)active_count(be));
		p = putz(p, " active and 0 backup servers left. ");
		p = putu(p, range(0, 5));
		p = putz(p, " sessions active, 0 requeued, 0 remaining in queue.");
	}
	cnt.msg++;
	return p;
}

/* ------------------------------------------------------------------------ */

enum kind { K_HTTPLOG, K_SSL, K_TCPLOG, K_MIXED };

static enum hdr mixed_header(void)
{
	uint32_t u = below(100);
	return u < 30 ? HDR_TRAD : u < 50 ? HDR_ISO : u < 65 ? HDR_5424 : u < 75 ? HDR_PRI3164
		: u < 82 ? HDR_LOCAL : u < 88 ? HDR_TIMED : u < 94 ? HDR_SHORT : HDR_PRIORITY;
}

static void usage(FILE *f)
{
	fputs("usage: hz_genlog --lines N --kind httplog|ssl|tcplog|mixed [--seed S] [--start EPOCH] [--counts]\n"
	      "  Writes N deterministic, realistic HAProxy log lines to stdout.\n"
	      "  httplog  option httplog under an rsyslog RFC 3164 file header\n"
	      "  ssl      the long SSL format of bench/ssl.format under an ISO header\n"
	      "  tcplog   option tcplog under an RFC 3164 file header\n"
	      "  mixed    all three, with RFC 3164/ISO/RFC 5424/<PRI>/short/timed headers\n"
	      "  --seed S       PRNG seed (default 1)\n"
	      "  --start EPOCH  time of the first line, UTC (default 1795752965, 27/Nov/2026:04:16:05)\n"
	      "  --counts       print what was generated on stderr\n", f);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	*v = (uint64_t)x;
	return 0;
}

static void print_counts(enum kind k)
{
	FILE *f = stderr;
	fprintf(f, "lines %llu\n", (unsigned long long)cnt.lines);
	fprintf(f, "bytes %llu\n", (unsigned long long)total_bytes);
	fprintf(f, "http_lines %llu\n", (unsigned long long)cnt.http);
	fprintf(f, "tcp_lines %llu\n", (unsigned long long)cnt.tcp);
	fprintf(f, "connerr_lines %llu\n", (unsigned long long)cnt.connerr);
	fprintf(f, "message_lines %llu\n", (unsigned long long)cnt.msg);
	for (int i = 0; i < 600; i++)
		if (cnt.status[i])
			fprintf(f, "status %d %llu\n", i, (unsigned long long)cnt.status[i]);
	for (int i = 0; i <= T_CD; i++)
		if (cnt.term[i])
			fprintf(f, "term %s %llu\n", term_names[i], (unsigned long long)cnt.term[i]);
	for (int i = TT_OK; i <= TT_SC; i++)
		if (cnt.term[i])
			fprintf(f, "tcpterm %s %llu\n", term_names[i], (unsigned long long)cnt.term[i]);
	fprintf(f, "badreq %llu\n", (unsigned long long)cnt.badreq);
	fprintf(f, "nosrv %llu\n", (unsigned long long)cnt.nosrv);
	fprintf(f, "stats %llu\n", (unsigned long long)cnt.stats);
	fprintf(f, "http2 %llu\n", (unsigned long long)cnt.h2);
	fprintf(f, "ipv6_clients %llu\n", (unsigned long long)cnt.ipv6);
	fprintf(f, "http_bytes_sum %llu\n", (unsigned long long)cnt.bytes_sum);
	if (k == K_SSL || k == K_MIXED) {
		fprintf(f, "ssl_full %llu\n", (unsigned long long)cnt.ssl_full);
		fprintf(f, "ssl_resumed %llu\n", (unsigned long long)cnt.ssl_resumed);
		fprintf(f, "ssl_anonymous %llu\n", (unsigned long long)cnt.ssl_anon);
		for (int i = 1; i < 32; i++)
			if (cnt.ssl_verr[i])
				fprintf(f, "ssl_verify %d %llu\n", i, (unsigned long long)cnt.ssl_verr[i]);
	}
	for (int i = 0; i < HDR_COUNT; i++)
		if (cnt.hdr[i])
			fprintf(f, "header %s %llu\n", hdr_names[i], (unsigned long long)cnt.hdr[i]);
}

int main(int argc, char **argv)
{
	uint64_t lines = 0, seed = 1, start = 1795752965ULL;
	int have_lines = 0, counts = 0;
	enum kind kind = K_HTTPLOG;
	int have_kind = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--counts")) {
			counts = 1;
		} else if (!strcmp(a, "--lines") && v) {
			if (parse_u64(v, &lines))
				goto bad;
			have_lines = 1;
			i++;
		} else if (!strcmp(a, "--seed") && v) {
			if (parse_u64(v, &seed))
				goto bad;
			i++;
		} else if (!strcmp(a, "--start") && v) {
			if (parse_u64(v, &start) || start > 253402300799ULL)
				goto bad;
			i++;
		} else if (!strcmp(a, "--kind") && v) {
			if (!strcmp(v, "httplog"))
				kind = K_HTTPLOG;
			else if (!strcmp(v, "ssl"))
				kind = K_SSL;
			else if (!strcmp(v, "tcplog"))
				kind = K_TCPLOG;
			else if (!strcmp(v, "mixed"))
				kind = K_MIXED;
			else
				goto bad;
			have_kind = 1;
			i++;
		} else {
			goto bad;
		}
	}
	if (!have_lines || !have_kind)
		goto bad;

	rnd_seed(seed);
	arena_cap = 4u << 20;
	arena = malloc(arena_cap);
	obuf = malloc(OUT_CAP);
	if (!arena || !obuf) {
		fputs("hz_genlog: out of memory\n", stderr);
		return 1;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	now_us = (int64_t)start * 1000000 + 870000;
	build_clients();
	build_paths();
	build_idents((int64_t)start);

	enum hdr base_hdr = kind == K_SSL ? HDR_ISO : HDR_TRAD;
	uint64_t n = 0;
	while (n < lines) {
		if (olen > OUT_CAP - LINE_MAX_BYTES)
			flush_out();
		char *p = obuf + olen;
		tick();
		enum hdr h = kind == K_MIXED ? mixed_header() : base_hdr;
		int sub = kind == K_MIXED ? (int)below(100) : 0;
		enum kind k = kind;
		if (kind == K_MIXED)
			k = sub < 50 ? K_HTTPLOG : sub < 75 ? K_SSL : K_TCPLOG;
		if (n == 0 || chance(5)) {
			/* Rare lines, ~1 per 10 000 in all: an event every 20 000
			 * lines on average; a reload writes one line per proxy. */
			uint32_t u = below(100);
			uint32_t r = n == 0 ? 0 : u < 15 ? 0 : u < 60 ? 1 : 2;
			if (r == 0) {
				/* a (re)start: every proxy announces itself */
				if (n != 0)
					pid += 1 + below(500);
				static const struct str proxies[] = {
					S("fe_http"), S("fe_https"), S("fe_api"), S("fe_admin"),
					S("fe_mtls"), S("be_app"), S("be_static"), S("be_api"),
				};
				for (size_t j = 0; j < sizeof proxies / sizeof proxies[0] && n < lines; j++) {
					if (olen > OUT_CAP - LINE_MAX_BYTES)
						flush_out();
					p = obuf + olen;
					p = put_header(p, h, 5);
					memcpy(p, "Proxy ", 6);
					p = puts_(p + 6, proxies[j]);
					memcpy(p, " started.\n", 10);
					p += 10;
					olen = (size_t)(p - obuf);
					cnt.msg++;
					cnt.hdr[h]++;
					n++;
				}
				continue;
			}
			p = r == 1 ? line_connerr(p, h, k == K_TCPLOG) : line_server(p, h);
		} else if (k == K_TCPLOG) {
			p = line_tcp(p, h);
		} else {
			p = line_http(p, h, k == K_SSL, kind == K_MIXED);
		}
		*p++ = '\n';
		olen = (size_t)(p - obuf);
		cnt.hdr[h]++;
		n++;
	}
	flush_out();
	cnt.lines = n;
	if (fflush(stdout) != 0) {
		fprintf(stderr, "hz_genlog: write error: %s\n", strerror(errno));
		return 1;
	}
	if (counts)
		print_counts(kind);
	return 0;
bad:
	fputs("hz_genlog: bad arguments; try --help\n", stderr);
	return 2;
}
