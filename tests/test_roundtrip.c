/* Round trip: random values printed through formats by HAProxy's rules, then matched back to the same places. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "halyze/logformat.h"
#include "hz_test.h"

/* The renderer below is written from the reference (sections 1.2-1.5, 2, 3)
 * and walks the format string itself: it shares nothing with the compiler. */

#define FQ 1u
#define FX 2u
#define FE 4u
#define FM 8u

static uint64_t seed = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static unsigned ru(unsigned n)
{
	return (unsigned)(rnd() % n);
}

struct line {
	char b[16384];
	size_t n;
	int lis;   /* HAProxy's last_isspace */
};

struct expect {
	size_t vs, ve;
	int empty, absent, tilde;
};

/* One line's circumstances, shared by its fields. */
struct scene {
	int stream;          /* a stream existed (else no captures are printed) */
	int ncap_req, ncap_res;
	char cap_req[3][64];  /* already #XX-encoded; "" with have=0 is missing */
	int have_req[3];
	char cap_res[3][64];
	int have_res[3];
	int badreq;
	char method[16], uri[168], path[96], query[64], version[16];
};

static void put(struct line *L, const char *s, size_t n)
{
	memcpy(L->b + L->n, s, n);
	L->n += n;
	L->b[L->n] = 0;
}

static void putch(struct line *L, char c)
{
	put(L, &c, 1);
}

/* lf_text_len(): value, or '-' (M), or "" (Q), or nothing. */
static void print_text(struct line *L, const char *v, unsigned fl, struct expect *e)
{
	size_t vn = strlen(v), i;

	if (vn) {
		if (fl & FQ)
			putch(L, '"');
		e->vs = L->n;
		for (i = 0; i < vn; i++) {
			if ((fl & FE) && (v[i] == '"' || v[i] == '\\' || v[i] == ']'))
				putch(L, '\\');
			putch(L, v[i]);
		}
		e->ve = L->n;
		if (fl & FQ)
			putch(L, '"');
	} else if ((fl & (FQ | FM)) == FM) {
		e->vs = L->n;
		putch(L, '-');
		e->ve = L->n;
		e->empty = 1;
	} else if (fl & FQ) {
		putch(L, '"');
		e->vs = e->ve = L->n;
		putch(L, '"');
		e->empty = 1;
	} else {
		e->vs = e->ve = L->n;
		e->empty = 1;
	}
	L->lis = 0;
}

static void print_raw(struct line *L, const char *v, struct expect *e)
{
	e->vs = L->n;
	put(L, v, strlen(v));
	e->ve = L->n;
	L->lis = 0;
}

/* url / header maps: '"' '#' (and '{' '|' '}' for headers) become #XX */
static void hash_encode(const char *in, char *out, int header)
{
	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;
		if (c < 0x20 || c >= 0x7F || c == '"' || c == '#' ||
		    (header && (c == '{' || c == '|' || c == '}')))
			out += sprintf(out, "#%02X", c);
		else
			*out++ = (char)c;
	}
	*out = 0;
}

/* A random string; never "-", which HAProxy prints for an empty value. */
static void rand_from(char *out, const char *alpha, unsigned minlen, unsigned maxlen)
{
	unsigned n = minlen + ru(maxlen - minlen + 1), i, al = (unsigned)strlen(alpha);
	for (i = 0; i < n; i++)
		out[i] = alpha[ru(al)];
	out[n] = 0;
	if (n == 1 && out[0] == '-')
		out[0] = 'z';
}

static const char TOKEN_CHARS[] = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789_.-";
/* free text: spaces, quotes, backslashes, brackets, but never '=' or ';'
 * (the hostile formats put those in the text that follows free fields) */
static const char TEXT_CHARS[] = "ab cd \"EF\\ ]gh[ {i|j} /,.:-_'x Y  z";
static const char CAPTURE_CHARS[] = "Moz/5.0 (X11; Linux) \"q\" {a|b} #h \\ ]";

static void gen_scene(struct scene *sc, int max_req)
{
	static const char *methods[] = { "GET", "POST", "HEAD", "OPTIONS", "PUT" };
	static const char *versions[] = { "HTTP/1.1", "HTTP/1.0", "HTTP/2.0" };
	char raw[96];
	int i;

	memset(sc, 0, sizeof(*sc));
	sc->stream = ru(5) != 0;
	sc->ncap_req = (int)ru((unsigned)max_req + 1);
	/* a lone capture block cannot tell %hr from %hs: HAProxy's output
	 * is ambiguous there, and the matcher reads it as %hr */
	sc->ncap_res = sc->ncap_req ? (int)ru(3) : 0;
	for (i = 0; i < sc->ncap_req; i++) {
		sc->have_req[i] = ru(4) != 0;
		if (sc->have_req[i]) {
			rand_from(raw, CAPTURE_CHARS, 1, 20);
			if (strchr(raw, ';'))
				*strchr(raw, ';') = 'x';
			hash_encode(raw, sc->cap_req[i], 1);
		}
	}
	for (i = 0; i < sc->ncap_res; i++) {
		sc->have_res[i] = ru(4) != 0;
		if (sc->have_res[i]) {
			rand_from(raw, "text/html; charset=utf-8 \"x\"", 1, 16);
			for (char *c = raw; *c; c++)
				if (*c == ';' || *c == '=')
					*c = '_';
			hash_encode(raw, sc->cap_res[i], 1);
		}
	}
	sc->badreq = ru(10) == 0;
	strcpy(sc->method, methods[ru(5)]);
	strcpy(sc->version, versions[ru(3)]);
	rand_from(raw, "abcxyz019/.-_~%\"#", 0, 20);
	if (!raw[0])
		strcpy(raw, "a");
	sc->path[0] = '/';
	hash_encode(raw, sc->path + 1, 0);
	if (ru(2)) {
		rand_from(raw, "abc=&09%\"#", 0, 12);
		sc->query[0] = '?';
		hash_encode(raw, sc->query + 1, 0);
	}
	snprintf(sc->uri, sizeof(sc->uri), "%s%s", sc->path, sc->query);
}

static const char *month_names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static void print_date(char *out, int tz, int ms_shape)
{
	time_t t = (time_t)(946684800 + ru(1200000000u));
	int off = tz ? (int[]){ 0, 60, -300, 330, -30 }[ru(5)] : 0;
	struct tm tm;

	t += off * 60;
	gmtime_r(&t, &tm);
	if (ms_shape)
		sprintf(out, "%02d/%s/%04d:%02d:%02d:%02d.%03u", tm.tm_mday, month_names[tm.tm_mon],
			tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, ru(1000));
	else
		sprintf(out, "%02d/%s/%04d:%02d:%02d:%02d %c%02d%02d", tm.tm_mday, month_names[tm.tm_mon],
			tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
			abs(off) / 60, abs(off) % 60);
}

static void gen_ip(char *out, int *fam, uint8_t *a)
{
	int k;

	if (ru(2)) {
		*fam = AF_INET;
		for (k = 0; k < 4; k++)
			a[k] = (uint8_t)ru(256);
	} else {
		*fam = AF_INET6;
		for (k = 0; k < 16; k += 2) {
			int z = ru(3) == 0;
			a[k] = z ? 0 : (uint8_t)ru(256);
			a[k + 1] = z ? 0 : (uint8_t)ru(256);
		}
		if (ru(4) == 0) {
			memset(a, 0, 10);
			a[10] = a[11] = 0xFF;  /* ::ffff:a.b.c.d */
		}
	}
	inet_ntop(*fam, a, out, 64);
}

/* Prints one item (alias or sample) with its effective flags. */
static void print_item(struct line *L, const struct scene *sc, const char *alias, const char *expr,
		       unsigned fl, struct expect *e)
{
	char v[512], tmp[512];
	const char *a = alias;

	if (expr) {
		/* sample value domains by expression name */
		if (strncmp(expr, "t.", 2) == 0) {
			do
				rand_from(v, TEXT_CHARS, 0, 14);
			while (strcmp(v, "-") == 0);
			if (ru(4) == 0)
				v[0] = 0;
		} else if (strcmp(expr, "ssl_fc_err,hex") == 0) {
			sprintf(v, "%08X%08X", ru(3) ? 0u : ru(0xFFFFu), ru(3) ? 0u : ru(0x7FFFFFFFu));
		} else if (strcmp(expr, "ssl_fc_sni") == 0) {
			if (ru(3))
				rand_from(v, "abcdefghij.", 1, 20);
			else
				v[0] = 0;
		} else {
			sprintf(v, "%u", ru(40));
		}
		print_text(L, v, fl, e);
		return;
	}
	if (!strcmp(a, "B") || !strcmp(a, "Tt") || !strcmp(a, "Ta") || !strcmp(a, "Tu") || !strcmp(a, "rc")) {
		sprintf(v, "%s%u", ru(8) == 0 ? "+" : "", ru(100000));
		print_raw(L, v, e);
	} else if (!strcmp(a, "TR") || !strcmp(a, "Tw") || !strcmp(a, "Tc") || !strcmp(a, "Tr") ||
		   !strcmp(a, "Tq") || !strcmp(a, "Ti") || !strcmp(a, "Td")) {
		if (ru(4) == 0)
			strcpy(v, "-1");
		else
			sprintf(v, "%u", ru(5000));
		print_raw(L, v, e);
	} else if (!strcmp(a, "ST")) {
		static const unsigned st[] = { 200, 204, 301, 400, 403, 404, 408, 500, 502, 503, 504, 0 };
		sprintf(v, "%u", st[ru(12)]);
		print_raw(L, v, e);
	} else if (!strcmp(a, "Ts") || !strcmp(a, "rt") || !strcmp(a, "lc") || !strcmp(a, "pid")) {
		unsigned x = !strcmp(a, "Ts") ? 946684800u + ru(1000000000u) : ru(70000);
		sprintf(v, (fl & FX) ? "%04X" : "%u", x);
		print_raw(L, v, e);
	} else if (!strcmp(a, "ms")) {
		unsigned x = ru(1000);
		sprintf(v, (fl & FX) ? "%02X" : "%03u", x);
		print_raw(L, v, e);
	} else if (!strcmp(a, "U") || !strcmp(a, "ac") || !strcmp(a, "fc") || !strcmp(a, "bc") ||
		   !strcmp(a, "sc") || !strcmp(a, "sq") || !strcmp(a, "bq") || !strcmp(a, "Th")) {
		sprintf(v, "%u", ru(3) ? ru(10) : ru(1000000));
		print_raw(L, v, e);
	} else if (!strcmp(a, "ci") || !strcmp(a, "fi") || !strcmp(a, "bi") || !strcmp(a, "si")) {
		int fam;
		uint8_t ad[16];
		if (ru(10) == 0) {
			print_text(L, "", fl, e);
			return;
		}
		gen_ip(v, &fam, ad);
		if (fl & FX) {
			int k, len = fam == AF_INET ? 4 : 16;
			for (k = 0; k < len; k++)
				sprintf(tmp + 2 * k, "%02X", ad[k]);
			print_raw(L, tmp, e);
		} else {
			print_text(L, v, fl, e);
		}
	} else if (!strcmp(a, "cp") || !strcmp(a, "fp") || !strcmp(a, "bp") || !strcmp(a, "sp")) {
		if (ru(12) == 0) {
			print_text(L, "", fl, e);
			return;
		}
		sprintf(v, (fl & FX) ? "%04X" : "%u", ru(65536));
		print_raw(L, v, e);
	} else if (!strcmp(a, "t") || !strcmp(a, "tr")) {
		print_date(v, 0, 1);
		print_raw(L, v, e);
	} else if (!strcmp(a, "T") || !strcmp(a, "trg")) {
		print_date(v, 0, 0);
		print_raw(L, v, e);
	} else if (!strcmp(a, "Tl") || !strcmp(a, "trl")) {
		print_date(v, 1, 0);
		print_raw(L, v, e);
	} else if (!strcmp(a, "ts") || !strcmp(a, "tsc")) {
		static const char c1[] = "-LcCsSPRIDKU", c2[] = "-RCHDLQT", c3[] = "-NIDVEOU", c4[] = "-NPDIRU";
		v[0] = c1[ru(12)];
		v[1] = c2[ru(8)];
		v[2] = c3[ru(8)];
		v[3] = c4[ru(7)];
		v[!strcmp(a, "ts") ? 2 : 4] = 0;
		print_raw(L, v, e);
	} else if (!strcmp(a, "ft")) {
		rand_from(v, TOKEN_CHARS, 1, 12);
		e->tilde = ru(4) == 0;
		if (fl & FQ)
			putch(L, '"');
		e->vs = L->n;
		put(L, v, strlen(v));
		e->ve = L->n;
		if (e->tilde)
			putch(L, '~');
		if (fl & FQ)
			putch(L, '"');
		L->lis = 0;
	} else if (!strcmp(a, "s") && ru(6) == 0) {
		print_text(L, ru(2) ? "<NOSRV>" : "<STATS>", fl, e);
	} else if (!strcmp(a, "b") || !strcmp(a, "s") || !strcmp(a, "f") || !strcmp(a, "H") ||
		   !strcmp(a, "sslv") || !strcmp(a, "sslc") || !strcmp(a, "OG") || !strcmp(a, "CC") ||
		   !strcmp(a, "CS")) {
		if ((a[0] == 'C' || a[0] == 's') && ru(3) == 0)
			v[0] = 0;
		else
			rand_from(v, TOKEN_CHARS, 1, 12);
		print_text(L, v, fl, e);
	} else if (!strcmp(a, "ID")) {
		rand_from(v, TEXT_CHARS, 0, 14);
		if (strcmp(v, "-") == 0)
			v[0] = 0;
		print_text(L, v, fl, e);
	} else if (a[0] == 'H' && a[1]) {
		/* lf_encode_chunk: never '-' */
		const char *s = sc->badreq ? "<BADREQ>" : !strcmp(a, "HM") ? sc->method : !strcmp(a, "HU") ? sc->uri
			      : !strcmp(a, "HV") ? sc->version : !strcmp(a, "HQ") ? sc->query : sc->path;
		print_text(L, s, fl & ~FM, e);
	} else if (!strcmp(a, "r")) {
		if (sc->badreq)
			strcpy(v, "<BADREQ>");
		else
			sprintf(v, "%s %s %s", sc->method, sc->uri, sc->version);
		print_text(L, v, fl, e);
	} else if (!strcmp(a, "hr") || !strcmp(a, "hs") || !strcmp(a, "hrl") || !strcmp(a, "hsl")) {
		int req = a[1] == 'r', list = a[2] == 'l', nc = req ? sc->ncap_req : sc->ncap_res, k;
		const int *have = req ? sc->have_req : sc->have_res;
		if (!sc->stream || nc == 0) {
			e->absent = e->empty = 1;
			return;  /* prints nothing, last_isspace untouched */
		}
		if (!list) {
			if (fl & FQ)
				putch(L, '"');
			putch(L, '{');
			e->vs = L->n;
			for (k = 0; k < nc; k++) {
				if (k)
					putch(L, '|');
				if (have[k]) {
					const char *c = req ? sc->cap_req[k] : sc->cap_res[k];
					for (; *c; c++) {
						if ((fl & FE) && (*c == '\\' || *c == ']'))
							putch(L, '\\');
						putch(L, *c);
					}
				}
			}
			e->ve = L->n;
			e->empty = e->ve == e->vs;
			putch(L, '}');
			if (fl & FQ)
				putch(L, '"');
		} else {
			e->vs = L->n;
			for (k = 0; k < nc; k++) {
				if (k)
					putch(L, ' ');
				if (fl & FQ)
					putch(L, '"');
				if (have[k])
					put(L, req ? sc->cap_req[k] : sc->cap_res[k],
					    strlen(req ? sc->cap_req[k] : sc->cap_res[k]));
				else if (!(fl & FQ))
					putch(L, '-');
				if (fl & FQ)
					putch(L, '"');
			}
			e->ve = L->n;
			e->empty = nc == 1 && !have[0];
		}
		L->lis = 0;
	} else {
		fprintf(stderr, "renderer does not know %%%s\n", a);
		exit(2);
	}
}

static unsigned flags_apply(unsigned fl, const char *a, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && a[j] != ',')
			j++;
		if (j - i == 2 && (a[i] == '+' || a[i] == '-')) {
			unsigned m = a[i + 1] == 'Q' ? FQ : a[i + 1] == 'X' ? FX : a[i + 1] == 'E' ? FE : a[i + 1] == 'M' ? FM : 0;
			fl = a[i] == '+' ? fl | m : fl & ~m;
		}
		i = j + 1;
	}
	return fl;
}

/* Renders one random line of fmt; fills exp[] in item order; returns the
 * number of items. */
static size_t render(const char *fmt, const struct scene *sc, struct line *L, struct expect *exp)
{
	const char *s = fmt;
	unsigned def = FM;
	size_t ni = 0;

	L->n = 0;
	L->b[0] = 0;
	L->lis = 1;
	while (*s) {
		if (*s == ' ') {
			if (!L->lis) {
				putch(L, ' ');
				L->lis = 1;
			}
			s++;
		} else if (*s != '%') {
			putch(L, *s++);
			L->lis = 0;
		} else if (s[1] == '%') {
			putch(L, '%');
			L->lis = 0;
			s += 2;
		} else {
			unsigned fl = def;
			char name[16], expr[64];
			size_t k = 0;
			s++;
			if (*s == '(')
				s = strchr(s, ')') + 1;
			if (*s == '{') {
				const char *c = strchr(s, '}');
				fl = flags_apply(fl, s + 1, (size_t)(c - s - 1));
				s = c + 1;
			}
			memset(&exp[ni], 0, sizeof(exp[ni]));
			if (*s == '[') {
				const char *c = strchr(s, ']');
				memcpy(expr, s + 1, (size_t)(c - s - 1));
				expr[c - s - 1] = 0;
				s = c + 1;
				print_item(L, sc, NULL, expr, fl, &exp[ni++]);
				continue;
			}
			while (((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') || (*s >= '0' && *s <= '9'))
				name[k++] = *s++;
			name[k] = 0;
			if (strcmp(name, "o") == 0) {
				def = fl;
				continue;
			}
			print_item(L, sc, name, NULL, fl, &exp[ni++]);
		}
	}
	return ni;
}

static const char *hostile[] = {
	"s1=%[t.a] s2=%{+Q}[t.b] s3=%{+E}[t.c] s4=%{+Q,+E}[t.d] s5=%{-M}[t.e] n=%ST id=%ID;",
	"%ci%{+Q,+E}[t.a]%ST%tsc%{+Q}r%B",
	"a=%{-M}CC b=%CC c=%{+Q}CC d=%{-M}[t.x] e=%[t.y] f=%{+Q}[t.z] g=%HQ h=%{+Q}HQ i=%{-M}s;",
	"[%t] [%T] [%Tl] [%trg] [%trl] %Ts %{+X}Ts %ms %{+X}ms %tr",
	"A %hr %hs B %{+Q}hr rl=%hrl ;sl=%{+Q}hsl ;E",
	"%{+X}ci:%{+X}cp %{+Q}fi:%fp %{+Q,+X}bi:%{+Q}bp %si:%sp %{+Q}ft %f",
	"%{+E}r|%{+Q,+E}r|%{+E}hr|%{+E}HU;%{+Q}HM %HV %HP %HPO",
	"%{+Q}o %(c)ci %(s){-Q}s %[n.v] %{-Q}[t.w]; %{+Q}ID; %hs %[t.k]=%{+E}ID=",
	"  lead %[t.a]  %{-M}CC  %hr  trail=%[t.b]  ",
	"%ci:%cp sdn=%{+Q}[t.dn] idn=%[t.cn] %{+Q}r %Tt/%Tw/%Tc",
};

static const char *predef[] = { "httplog", "httplog-legacy", "httplog-clf", "tcplog", "tcplog-clf", "httpslog" };

static int check_line(const struct hz_format *f, const char *fname, const struct line *L,
		      const struct expect *exp, size_t ni)
{
	static struct hz_match m;
	struct hz_err why;
	size_t i;
	int bad = 0;

	if (hz_format_match(f, L->b, L->n, &m, &why) != 0) {
		fprintf(stderr, "[%s] no match (col %u: %s):\n  |%s|\n", fname, why.col, why.msg, L->b);
		return 1;
	}
	if (m.nfields != ni) {
		fprintf(stderr, "[%s] %zu fields, renderer printed %zu\n", fname, m.nfields, ni);
		return 1;
	}
	for (i = 0; i < ni; i++) {
		const struct expect *e = &exp[i];
		int ok;
		if (e->absent)
			ok = m.empty[i] && (m.mark[i] & HZ_MARK_ABSENT);
		else
			ok = m.v[i].p == L->b + e->vs && m.v[i].n == e->ve - e->vs && m.empty[i] == e->empty &&
			     !(m.mark[i] & HZ_MARK_ABSENT) && !!(m.mark[i] & HZ_MARK_TILDE) == e->tilde;
		if (!ok) {
			fprintf(stderr, "[%s] field %zu (%s): got \"%.*s\" empty=%d mark=%d, want \"%.*s\" empty=%d absent=%d\n  |%s|\n",
				fname, i, hz_format_field(f, i)->alias_name, (int)m.v[i].n, m.v[i].p, m.empty[i],
				m.mark[i], (int)(e->ve - e->vs), L->b + e->vs, e->empty, e->absent, L->b);
			bad = 1;
		}
	}
	return bad;
}

static void run(const char *fname, struct hz_format *f, const char *src, int lines)
{
	static struct line L;
	static struct expect exp[HZ_MATCH_MAX_FIELDS];
	struct scene sc;
	int i, fails = 0;
	/* %hrl next to %hsl cannot be split when both hold several items */
	int max_req = strstr(src, "%hrl %hsl") ? 1 : 2;

	for (i = 0; i < lines; i++) {
		size_t ni;
		gen_scene(&sc, max_req);
		ni = render(src, &sc, &L, exp);
		if (check_line(f, fname, &L, exp, ni))
			fails++;
		if (fails > 5)
			break;
	}
	CHECK_EQ_INT(fails, 0);
	hz_t_pass += i;
}

int main(void)
{
	size_t k;
	int total = 0;

	for (k = 0; k < sizeof(predef) / sizeof(predef[0]); k++) {
		struct hz_format *f;
		CHECK_EQ_INT(hz_format_predefined(predef[k], &f, NULL), 0);
		run(predef[k], f, hz_format_source(f), 600);
		total += 600;
		hz_format_free(f);
	}
	for (k = 0; k < sizeof(hostile) / sizeof(hostile[0]); k++) {
		struct hz_format *f;
		struct hz_err err;
		int rc = hz_format_compile(hostile[k], strlen(hostile[k]), &f, &err);
		CHECK_EQ_INT(rc, 0);
		if (rc) {
			fprintf(stderr, "%s: %s\n", hostile[k], err.msg);
			continue;
		}
		run(hostile[k], f, hostile[k], 600);
		total += 600;
		hz_format_free(f);
	}
	printf("%d random lines\n", total);
	return hz_test_done();
}
