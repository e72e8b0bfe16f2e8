/* Detects the syslog header in front of an HAProxy message and splits it. */
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include "halyze/envelope.h"
#include "halyze/str.h"

/* Every scan below is bounded by n: lines are not NUL-terminated and may
 * hold NUL bytes. Sub-parsers return the index just past what they read, or
 * 0 when the text does not match (no match can end at index 0). A failed
 * attempt leaves the envelope as set_raw() left it (what it wrote on the
 * way, it undoes), so the caller can go on to the next guess. */

static inline int isdig(char c)
{
	return (unsigned)((unsigned char)c - '0') < 10u;
}

/* Byte classes. Header tokens (host, tag, RFC 5424 fields) are printable
 * ASCII without space: a NUL or control byte means "not a header", never
 * "part of one". A tag name is a header token without the bytes that
 * delimit "[pid]:". */
#define CL_HDR  1u
#define CL_NAME 2u
#define CL(c) ((c) > 0x20 && (c) < 0x7f ? \
	((c) == '[' || (c) == ']' || (c) == ':' ? CL_HDR : CL_HDR | CL_NAME) : 0u)
#define CL4(c) CL(c), CL((c) + 1), CL((c) + 2), CL((c) + 3)
#define CL16(c) CL4(c), CL4((c) + 4), CL4((c) + 8), CL4((c) + 12)
#define CL64(c) CL16(c), CL16((c) + 16), CL16((c) + 32), CL16((c) + 48)
static const unsigned char cls[256] = { CL64(0), CL64(64), CL64(128), CL64(192) };

static inline int is_hdr(char c)
{
	return cls[(unsigned char)c] & CL_HDR;
}

static inline int is_name(char c)
{
	return cls[(unsigned char)c] & CL_NAME;
}

static inline int d2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static const struct hz_time no_time = { -1, 0, 0, 0, 0, 0, 0, INT32_MIN };

static inline void set_time(struct hz_time *t, int y, int mo, int d, int h, int mi, int sec,
			    int32_t usec, int32_t off)
{
	t->year = (int16_t)y;
	t->mon = (int8_t)mo;
	t->mday = (int8_t)d;
	t->hour = (int8_t)h;
	t->min = (int8_t)mi;
	t->sec = (int8_t)sec;
	t->usec = usec;
	t->utcoff = off;
}

/* Field by field: a struct copy from a template becomes "rep stosq/movsq",
 * whose start-up cost alone is more than these stores. */
static inline void set_raw(struct hz_envelope *env, const char *p, size_t n)
{
	env->kind = HZ_HDR_RAW;
	env->pri = -1;
	env->facility = -1;
	env->severity = -1;
	set_time(&env->time, -1, 0, 0, 0, 0, 0, 0, INT32_MIN);
	env->timestamp = HZ_STR_NULL;
	env->host = HZ_STR_NULL;
	env->tag = HZ_STR_NULL;
	env->pid = HZ_STR_NULL;
	env->msgid = HZ_STR_NULL;
	env->sd = HZ_STR_NULL;
	env->msg = hz_str_make(p, n);
}

/* The message after a header that ended at i: one separating space is part
 * of the header, the rest (even further spaces) belongs to the message. */
static struct hz_str rest(const char *p, size_t i, size_t n)
{
	if (i < n && p[i] == ' ')
		i++;
	return hz_str_make(p + i, n - i);
}

/* <N> with 1 to 3 digits and N <= 191. Leading zeros are tolerated. */
static size_t parse_pri(const char *p, size_t n, int *val)
{
	size_t i = 1;
	int v = 0;

	while (i < n && i < 4 && isdig(p[i]))
		v = v * 10 + (p[i++] - '0');
	if (i == 1 || i >= n || p[i] != '>' || v > 191)
		return 0;
	*val = v;
	return i + 1;
}

/* HH:MM:SS at s (8 bytes, already known to be in bounds). A leap second
 * (60) is accepted. */
static inline int parse_hms(const char *s, int *h, int *m, int *sec)
{
	if (!isdig(s[0]) || !isdig(s[1]) || s[2] != ':' || !isdig(s[3]) ||
	    !isdig(s[4]) || s[5] != ':' || !isdig(s[6]) || !isdig(s[7]))
		return 0;
	*h = d2(s);
	*m = d2(s + 3);
	*sec = d2(s + 6);
	return *h <= 23 && *m <= 59 && *sec <= 60;
}

/* RFC 3339 / ISO 8601 as syslog writers emit it:
 * YYYY-MM-DDTHH:MM:SS[.f{1,9}][Z|+hh:mm|-hh:mm|+hhmm|-hhmm].
 * The fraction is scaled to microseconds (truncated past 6 digits). A stamp
 * without zone is accepted with utcoff INT32_MIN. t is written only on
 * success. */
static size_t parse_iso(const char *p, size_t i, size_t n, struct hz_time *t)
{
	static const int32_t scale[7] = { 0, 100000, 10000, 1000, 100, 10, 1 };
	const char *s = p + i;
	size_t j;
	int mo, d, h, mi, sec;
	int32_t us = 0, off = INT32_MIN;

	if (n - i < 19)
		return 0;
	if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return 0;
	if (!isdig(s[0]) || !isdig(s[1]) || !isdig(s[2]) || !isdig(s[3]) ||
	    !isdig(s[5]) || !isdig(s[6]) || !isdig(s[8]) || !isdig(s[9]))
		return 0;
	mo = d2(s + 5);
	d = d2(s + 8);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || !parse_hms(s + 11, &h, &mi, &sec))
		return 0;

	j = i + 19;
	if (j < n && p[j] == '.') {
		size_t f = ++j, nd;

		/* Up to 9 digits; the first 6 make the microseconds. Six is
		 * what HAProxy and rsyslog write: unrolled. */
		if (n - f >= 6 && isdig(p[f]) && isdig(p[f + 1]) && isdig(p[f + 2]) &&
		    isdig(p[f + 3]) && isdig(p[f + 4]) && isdig(p[f + 5])) {
			us = d2(p + f) * 10000 + d2(p + f + 2) * 100 + d2(p + f + 4);
			j = f + 6;
		} else {
			while (j < n && isdig(p[j]) && j - f < 6)
				us = us * 10 + (p[j++] - '0');
		}
		nd = j - f;
		if (nd == 0)
			return 0;
		us *= scale[nd];
		while (j < n && isdig(p[j]))
			j++;
		if (j - f > 9)
			return 0;
	}
	if (j < n) {
		char c = p[j];

		if (c == 'Z') {
			off = 0;
			j++;
		} else if (c == '+' || c == '-') {
			int oh, om;

			/* +hh:mm (RFC 3339) or +hhmm (journalctl -o short-iso). */
			if (n - j >= 6 && isdig(p[j + 1]) && isdig(p[j + 2]) && p[j + 3] == ':' &&
			    isdig(p[j + 4]) && isdig(p[j + 5])) {
				oh = d2(p + j + 1);
				om = d2(p + j + 4);
				j += 6;
			} else if (n - j >= 5 && isdig(p[j + 1]) && isdig(p[j + 2]) &&
				   isdig(p[j + 3]) && isdig(p[j + 4])) {
				oh = d2(p + j + 1);
				om = d2(p + j + 3);
				j += 5;
			} else {
				return 0;
			}
			if (oh > 23 || om > 59)
				return 0;
			off = oh * 3600 + om * 60;
			if (c == '-')
				off = -off;
		}
	}
	set_time(t, d2(s) * 100 + d2(s + 2), mo, d, h, mi, sec, us, off);
	return j;
}

#define M3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))

static int month_of(const char *s)
{
	switch (M3((unsigned char)s[0], (unsigned char)s[1], (unsigned char)s[2])) {
	case M3('J', 'a', 'n'): return 1;
	case M3('F', 'e', 'b'): return 2;
	case M3('M', 'a', 'r'): return 3;
	case M3('A', 'p', 'r'): return 4;
	case M3('M', 'a', 'y'): return 5;
	case M3('J', 'u', 'n'): return 6;
	case M3('J', 'u', 'l'): return 7;
	case M3('A', 'u', 'g'): return 8;
	case M3('S', 'e', 'p'): return 9;
	case M3('O', 'c', 't'): return 10;
	case M3('N', 'o', 'v'): return 11;
	case M3('D', 'e', 'c'): return 12;
	}
	return 0;
}

static inline int is_month_initial(char c)
{
	switch (c) {
	case 'J': case 'F': case 'M': case 'A': case 'S': case 'O': case 'N': case 'D':
		return 1;
	}
	return 0;
}

/* The RFC 3164 stamp "Mmm dd HH:MM:SS". The day may be space-padded (the
 * standard form, "Feb  9"), zero-padded or bare ("Feb 9"). t is written
 * only on success. */
static size_t parse_bsd(const char *p, size_t i, size_t n, struct hz_time *t)
{
	const char *s = p + i;
	size_t e;
	int mo, d, h, mi, sec;

	if (n - i < 14 || s[3] != ' ' || !(mo = month_of(s)))
		return 0;
	if (s[4] == ' ' && isdig(s[5])) {
		d = s[5] - '0';
		e = 6;
	} else if (isdig(s[4]) && isdig(s[5])) {
		d = d2(s + 4);
		e = 6;
	} else if (isdig(s[4]) && s[5] == ' ') {
		d = s[4] - '0';
		e = 5;
	} else {
		return 0;
	}
	if (d < 1 || d > 31 || n - i < e + 9 || s[e] != ' ' || !parse_hms(s + e + 1, &h, &mi, &sec))
		return 0;
	set_time(t, -1, mo, d, h, mi, sec, 0, INT32_MIN);
	return i + e + 9;
}

/* Tests whether the token at i has the tag shape "name[digits]:" or
 * "name:", followed by a space or the end of the line; name is at least one
 * header byte other than '[', ']' and ':'. On a match fills tag and pid and
 * returns the index after ':'. Otherwise returns 0 and sets *stop to where
 * it gave up: every byte in [i, *stop) is a header byte. */
static size_t scan_tag(const char *p, size_t i, size_t n,
		       struct hz_str *tag, struct hz_str *pid, size_t *stop)
{
	size_t a = i;

	while (i < n && is_name(p[i]))
		i++;
	if (i > a && i < n) {
		if (p[i] == ':') {
			if (i + 1 == n || p[i + 1] == ' ') {
				*tag = hz_str_make(p + a, i - a);
				*pid = HZ_STR_NULL;
				return i + 1;
			}
		} else if (p[i] == '[') {
			size_t b = ++i;

			while (i < n && isdig(p[i]))
				i++;
			if (i > b && i + 1 < n && p[i] == ']' && p[i + 1] == ':' &&
			    (i + 2 == n || p[i + 2] == ' ')) {
				*tag = hz_str_make(p + a, b - 1 - a);
				*pid = hz_str_make(p + b, i - b);
				return i + 2;
			}
		}
	}
	*stop = i;
	return 0;
}

/* The host/tag rule after a timestamp, at i. If the first token has the tag
 * shape it is the tag and there is no host; else if the second one has it,
 * the first is the host; otherwise there is neither (returns 0, env
 * untouched). Returns 1 for a tag alone, 2 for host and tag, and then sets
 * msg too.
 *
 * This is what keeps HAProxy's own messages out: after `format iso`/`timed`
 * the message starts with "addr:port [date]", "unknown [date]", "Connect
 * from", "Proxy x started."..., and neither of its first two tokens ends in
 * ':' followed by a space (a connection-error line's "fe/bind:" is the third
 * token). A custom log-format whose first or second token is "word:" would
 * be mistaken for a tag; there is no way to tell it apart from the header. */
static int host_tag(const char *p, size_t i, size_t n, struct hz_envelope *env)
{
	struct hz_str tag, pid;
	size_t e, m, unused;

	m = scan_tag(p, i, n, &tag, &pid, &e);
	if (m) {
		env->tag = tag;
		env->pid = pid;
		env->msg = rest(p, m, n);
		return 1;
	}
	while (e < n && is_hdr(p[e]))
		e++;
	if (e == i || e >= n || p[e] != ' ')
		return 0;
	m = scan_tag(p, e + 1, n, &tag, &pid, &unused);
	if (!m)
		return 0;
	env->host = hz_str_make(p + i, e - i);
	env->tag = tag;
	env->pid = pid;
	env->msg = rest(p, m, n);
	return 2;
}

struct word {
	char s[9];
	unsigned char len;
	signed char v;
};

#define W(s, v) { s, sizeof s - 1, v }

/* rsyslog's syslogfacility-text names, plus HAProxy's auth2 and cron2. */
static const struct word facility_words[] = {
	W("kern", 0), W("user", 1), W("mail", 2), W("daemon", 3), W("auth", 4),
	W("syslog", 5), W("lpr", 6), W("news", 7), W("uucp", 8), W("cron", 9),
	W("authpriv", 10), W("auth2", 10), W("ftp", 11), W("ntp", 12),
	W("audit", 13), W("alert", 14), W("clock", 15), W("cron2", 15),
	W("local0", 16), W("local1", 17), W("local2", 18), W("local3", 19),
	W("local4", 20), W("local5", 21), W("local6", 22), W("local7", 23),
};

/* syslog(3) severity names, with the deprecated aliases error, warn, panic. */
static const struct word severity_words[] = {
	W("emerg", 0), W("panic", 0), W("alert", 1), W("crit", 2), W("err", 3),
	W("error", 3), W("warning", 4), W("warn", 4), W("notice", 5),
	W("info", 6), W("debug", 7),
};

static int lookup(const struct word *w, size_t nw, const char *s, size_t len)
{
	for (size_t k = 0; k < nw; k++)
		if (w[k].len == len && w[k].s[0] == s[0] && memcmp(w[k].s, s, len) == 0)
			return w[k].v;
	return -1;
}

/* A "facility.severity" token followed by a space; returns the index after
 * the space. */
static size_t parse_facsev(const char *p, size_t i, size_t n, int *fac, int *sev)
{
	size_t a = i, dot, e;
	int f, s;

	while (i < n && i - a < 9 && ((p[i] >= 'a' && p[i] <= 'z') || isdig(p[i])))
		i++;
	if (i == a || i >= n || p[i] != '.')
		return 0;
	dot = i++;
	while (i < n && i - dot <= 8 && p[i] >= 'a' && p[i] <= 'z')
		i++;
	e = i;
	if (e == dot + 1 || e >= n || p[e] != ' ')
		return 0;
	if ((f = lookup(facility_words, sizeof facility_words / sizeof facility_words[0], p + a, dot - a)) < 0 ||
	    (s = lookup(severity_words, sizeof severity_words / sizeof severity_words[0], p + dot + 1, e - dot - 1)) < 0)
		return 0;
	*fac = f;
	*sev = s;
	return e + 1;
}

/* An ISO timestamp at i, then what may follow it: facility.severity, host,
 * tag. has_pri picks TIMED over ISO when no tag follows. */
static int after_iso(const char *p, size_t i, size_t n, struct hz_envelope *env, int has_pri)
{
	size_t j, k;
	int fac, sev;

	j = parse_iso(p, i, n, &env->time);
	if (!j)
		return 0;
	if (j < n && p[j] != ' ') {
		env->time = no_time;
		return 0;
	}
	env->timestamp = hz_str_make(p + i, j - i);
	i = j < n ? j + 1 : n;

	k = parse_facsev(p, i, n, &fac, &sev);
	if (k) {
		env->kind = HZ_HDR_FACSEV_ISO;
		env->facility = fac;
		env->severity = sev;
		if (!host_tag(p, k, n, env))
			env->msg = hz_str_make(p + k, n - k);
		return 1;
	}
	if (host_tag(p, i, n, env)) {
		env->kind = HZ_HDR_RSYSLOG_ISO;
	} else {
		env->kind = has_pri ? HZ_HDR_TIMED : HZ_HDR_ISO;
		env->msg = hz_str_make(p + i, n - i);
	}
	return 1;
}

/* An RFC 3164 timestamp at i, then host and tag. Without a tag-shaped token
 * the line is still RFC 3164 (a month name and a clock do not start any
 * HAProxy message), with no host, no tag and the message after the stamp. */
static int after_bsd(const char *p, size_t i, size_t n, struct hz_envelope *env)
{
	size_t j;
	int r;

	j = parse_bsd(p, i, n, &env->time);
	if (!j)
		return 0;
	if (j < n && p[j] != ' ') {
		env->time = no_time;
		return 0;
	}
	env->timestamp = hz_str_make(p + i, j - i);
	i = j < n ? j + 1 : n;
	r = host_tag(p, i, n, env);
	env->kind = r == 1 ? HZ_HDR_RFC3164_LOCAL : HZ_HDR_RFC3164;
	if (!r)
		env->msg = hz_str_make(p + i, n - i);
	return 1;
}

/* One RFC 5424 header field: a non-empty header token followed by a space.
 * NILVALUE gives an empty view. */
static size_t field_5424(const char *p, size_t i, size_t n, struct hz_str *out)
{
	size_t e = i;

	while (e < n && is_hdr(p[e]))
		e++;
	if (e == i || e >= n || p[e] != ' ')
		return 0;
	*out = (e - i == 1 && p[i] == '-') ? hz_str_make(p + i, 0) : hz_str_make(p + i, e - i);
	return e + 1;
}

/* STRUCTURED-DATA: NILVALUE or one or more [...] elements. Inside a quoted
 * PARAM-VALUE a backslash escapes the next byte (RFC 5424 defines \" \\ \]),
 * and ']' does not close the element. */
static size_t scan_sd(const char *p, size_t i, size_t n)
{
	if (i >= n)
		return 0;
	if (p[i] == '-')
		return i + 1;
	if (p[i] != '[')
		return 0;
	while (i < n && p[i] == '[') {
		int quoted = 0;

		for (i++;; i++) {
			if (i >= n)
				return 0;
			if (quoted) {
				if (p[i] == '\\')
					i++;
				else if (p[i] == '"')
					quoted = 0;
			} else if (p[i] == '"') {
				quoted = 1;
			} else if (p[i] == ']') {
				break;
			}
		}
		i++;
	}
	return i;
}

/* "1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]" with i just after
 * "1 ". Fills env only when the whole header is valid (the time it parsed
 * on the way is undone otherwise). */
static int parse_5424(const char *p, size_t i, size_t n, struct hz_envelope *env)
{
	struct hz_str ts = HZ_STR_NULL, host, app, procid, msgid;
	size_t j;

	if (i < n && p[i] == '-') {
		j = i + 1;
	} else {
		j = parse_iso(p, i, n, &env->time);
		if (!j)
			return 0;
		ts = hz_str_make(p + i, j - i);
	}
	if (j >= n || p[j] != ' ')
		goto fail;
	i = j + 1;
	if (!(i = field_5424(p, i, n, &host)) || !(i = field_5424(p, i, n, &app)) ||
	    !(i = field_5424(p, i, n, &procid)) || !(i = field_5424(p, i, n, &msgid)))
		goto fail;
	j = scan_sd(p, i, n);
	if (!j || (j < n && p[j] != ' '))
		goto fail;
	env->kind = HZ_HDR_RFC5424;
	env->timestamp = ts;
	env->host = host;
	env->tag = app;
	env->pid = procid;
	env->msgid = msgid;
	env->sd = (j - i == 1 && p[i] == '-') ? hz_str_make(p + i, 0) : hz_str_make(p + i, j - i);
	env->msg = rest(p, j, n);
	return 1;
fail:
	env->time = no_time;
	return 0;
}

static void set_pri(struct hz_envelope *env, int v)
{
	env->pri = v;
	env->facility = v >> 3;
	env->severity = v & 7;
}

/* A line that opens with <N>. */
static void parse_with_pri(const char *p, size_t n, struct hz_envelope *env)
{
	int v;
	size_t q = parse_pri(p, n, &v);

	if (!q)
		return;
	if (n - q >= 2 && p[q] == '1' && p[q + 1] == ' ' && parse_5424(p, q + 2, n, env)) {
		set_pri(env, v);
		return;
	}
	if (q < n && isdig(p[q]) && after_iso(p, q, n, env, 1)) {
		if (env->kind == HZ_HDR_FACSEV_ISO) {
			env->pri = v;         /* the words name facility and severity */
		} else if (env->kind == HZ_HDR_TIMED && v <= 7) {
			env->pri = v;         /* `format timed`: <LEVEL>, no facility */
			env->severity = v;
		} else {
			/* rsyslog's ForwardFormat (<PRI>ISO host tag:), or a
			 * timed line whose number cannot be a level. */
			set_pri(env, v);
		}
		return;
	}
	/* In front of an RFC 3164 or 5424 header the number is always a full
	 * PRI, even below 8. */
	if (q < n && is_month_initial(p[q]) && after_bsd(p, q, n, env)) {
		set_pri(env, v);
		return;
	}
	/* Bare <N> then the message: HAProxy `format short` writes <LEVEL>
	 * (0..7, facility dropped), `format priority` writes the full PRI. The
	 * two cannot be told apart for facility 0 (kern), which HAProxy never
	 * uses for traffic, so 0..7 is read as SHORT (severity only, facility
	 * -1) and 8..191 as PRIORITY. pri keeps the number as written. */
	env->kind = v <= 7 ? HZ_HDR_SHORT : HZ_HDR_PRIORITY;
	if (v <= 7) {
		env->pri = v;
		env->severity = v;
	} else {
		set_pri(env, v);
	}
	env->msg = hz_str_make(p + q, n - q);
}

/* The general parser: every header kind, byte by byte. */
static __attribute__((noinline)) void parse_general(const char *p, size_t n, struct hz_envelope *env)
{
	set_raw(env, p, n);
	if (n == 0)
		return;
	/* One branch on the first byte: the common raw line opens with an
	 * address and leaves after two byte compares in parse_iso. */
	if (p[0] == '<')
		parse_with_pri(p, n, env);
	else if (isdig(p[0]))
		after_iso(p, 0, n, env, 0);
	else if (is_month_initial(p[0]))
		after_bsd(p, 0, n, env);
}

/* Fast paths for the two headers that make up nearly every file,
 * "[<PRI>]Mmm dd HH:MM:SS host tag[pid]: " and
 * "[<PRI>]YYYY-MM-DDTHH:MM:SS.ffffff+hh:mm host tag[pid]: ": the stamp
 * checked at fixed positions 16 bytes at a time, host, tag and pid found
 * in one 32-byte window. They take only what the general parser would read
 * the same way and give the exact same envelope; anything else (other
 * layouts, odd spacing, no tag, a token running past the window, a line
 * too short for the loads) goes to parse_general(). x86-64 (SSE2) only;
 * elsewhere, or with HZ_NO_SIMD, every line takes the general parser. */
#if defined(__SSE2__) && !defined(HZ_NO_SIMD) && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <emmintrin.h>
#define HZ_ENV_FAST 1

static inline __m128i ld16(const char *s)
{
	return _mm_loadu_si128((const __m128i *)(const void *)s);
}

/* Templates of the stamps: byte k of the text minus want[k] must be at
 * most lim[k] (unsigned): 0 for a fixed byte, 9 for a digit. */
static const char bsd_want[2][16] = {
	"AAA 00 00:00:00 ",  /* "Nov 27 04:16:05 " */
	"AAA  0 00:00:00 ",  /* "Feb  9 04:16:05 " */
};
static const unsigned char bsd_lim[2][16] = {
	{ 255, 255, 255, 0, 9, 9, 0, 9, 9, 0, 9, 9, 0, 9, 9, 0 },
	{ 255, 255, 255, 0, 0, 9, 0, 9, 9, 0, 9, 9, 0, 9, 9, 0 },
};
/* "2026-11-27T04:16:05.871839+00:00" ('+', ',' or '-' at 26: ',' is
 * refused apart) */
static const char iso_want[32] = "0000-00-00T00:00:00.000000+00:00";
static const unsigned char iso_lim[32] = {
	9, 9, 9, 9, 0, 9, 9, 0, 9, 9, 0, 9, 9, 0, 9, 9,
	0, 9, 9, 0, 9, 9, 9, 9, 9, 9, 2, 9, 9, 0, 9, 9,
};

/* Nonzero when some byte of v is out of its template. */
static inline int off_template(__m128i v, const char *want, const unsigned char *lim)
{
	__m128i d = _mm_subs_epu8(_mm_sub_epi8(v, ld16(want)), ld16((const char *)lim));

	return _mm_movemask_epi8(_mm_cmpeq_epi8(d, _mm_setzero_si128())) != 0xFFFF;
}

/* Byte k of the result is 10 * digit k + digit k + 1, for the low nibbles
 * of the eight bytes at s. */
static inline uint64_t pairs(const char *s)
{
	uint64_t x = hz_rd64(s) & 0x0F0F0F0F0F0F0F0Fu;

	return x * 10 + (x >> 8);
}

#define BYTE(w, k) ((int)(((w) >> (8 * (k))) & 0xff))

/* Bit k set when byte k of the 16 at s is not a name byte (is_name()), in
 * *nn, not a digit, in *nd, a '.', in *dot. */
static inline void classify16(const char *s, uint32_t *nn, uint32_t *nd, uint32_t *dot)
{
	__m128i v = ld16(s);
	/* Each range moved to start at -128: one signed compare. */
	__m128i hdr = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x80 - 0x21)),
				     _mm_set1_epi8(-128 + 0x7f - 0x21));
	__m128i dig = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x80 - '0')),
				     _mm_set1_epi8(-128 + 10));
	__m128i delim = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')),
				     _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('[')),
						  _mm_cmpeq_epi8(v, _mm_set1_epi8(']'))));

	*nn = (uint32_t)_mm_movemask_epi8(_mm_andnot_si128(delim, hdr)) ^ 0xFFFFu;
	*nd = (uint32_t)_mm_movemask_epi8(dig) ^ 0xFFFFu;
	*dot = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
}

/* host_tag() at i on its two matching shapes, "host tag..." (returns 2) and
 * "tag..." (returns 1), when host, tag and pid lie within the 32 bytes
 * from i (n - i >= 32). 0 for anything else, which host_tag() may read
 * otherwise. With iso, also 0 when after_iso() would find
 * facility.severity first. */
static inline __attribute__((always_inline)) int
fast_host_tag(const char *p, size_t i, size_t n, int iso, struct hz_envelope *env)
{
	const char *s = p + i;
	uint32_t nn0, nd0, nn1, nd1, dot, unused;
	uint64_t nn, nd;
	size_t e, a, f, m;
	int r;

	classify16(s, &nn0, &nd0, &dot);
	classify16(s + 16, &nn1, &nd1, &unused);
	nn = nn0 | (uint64_t)nn1 << 16;
	nd = nd0 | (uint64_t)nd1 << 16;
	if (!nn)
		return 0;
	e = (size_t)__builtin_ctzll(nn);
	if (e == 0)
		return 0;
	/* parse_facsev() needs a '.' among the first ten bytes of the first
	 * token (all name bytes, [i, i + e)). */
	if (iso && (dot & ((1u << (e < 10 ? e : 10)) - 1))) {
		int fac, sev;

		if (parse_facsev(p, i, n, &fac, &sev))
			return 0;
	}
	if (s[e] == ' ') {
		/* scan_tag() stops at the space: the first token is the host
		 * if the second one is a tag. */
		nn &= nn - 1;
		if (!nn)
			return 0;
		a = e + 1;
		f = (size_t)__builtin_ctzll(nn);
		if (f == a)
			return 0;
		r = 2;
	} else {
		a = 0;
		f = e;
		r = 1;
	}
	/* scan_tag() on the name [a, f). */
	if (s[f] == ':') {
		if (!(i + f + 1 == n || s[f + 1] == ' '))
			return 0;
		env->pid = HZ_STR_NULL;
		m = f + 1;
	} else if (s[f] == '[') {
		size_t d;

		nd >>= f + 1;
		if (!nd)
			return 0;
		d = f + 1 + (size_t)__builtin_ctzll(nd);
		if (d == f + 1 || i + d + 1 >= n || s[d] != ']' || s[d + 1] != ':' ||
		    !(i + d + 2 == n || s[d + 2] == ' '))
			return 0;
		env->pid = hz_str_make(s + f + 1, d - f - 1);
		m = d + 2;
	} else {
		return 0;
	}
	env->tag = hz_str_make(s + a, f - a);
	env->host = r == 2 ? hz_str_make(s, e) : HZ_STR_NULL;
	env->msg = rest(p, i + m, n);
	return r;
}

static inline void put_pri(struct hz_envelope *env, int pri)
{
	env->pri = pri;
	env->facility = pri < 0 ? -1 : pri >> 3;
	env->severity = pri < 0 ? -1 : pri & 7;
	env->msgid = HZ_STR_NULL;
	env->sd = HZ_STR_NULL;
}

/* Month by its three letters: a perfect hash of the 12 names. */
#define MKEY(a, b, c) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16)
#define MHASH(k) ((uint32_t)((k) * 26596u) >> 28)
static const struct { uint32_t key; int mon; } month_tab[16] = {
	[12] = { MKEY('J', 'a', 'n'), 1 }, [14] = { MKEY('F', 'e', 'b'), 2 },
	[6] = { MKEY('M', 'a', 'r'), 3 },  [7] = { MKEY('A', 'p', 'r'), 4 },
	[4] = { MKEY('M', 'a', 'y'), 5 },  [13] = { MKEY('J', 'u', 'n'), 6 },
	[0] = { MKEY('J', 'u', 'l'), 7 },  [15] = { MKEY('A', 'u', 'g'), 8 },
	[9] = { MKEY('S', 'e', 'p'), 9 },  [3] = { MKEY('O', 'c', 't'), 10 },
	[1] = { MKEY('N', 'o', 'v'), 11 }, [5] = { MKEY('D', 'e', 'c'), 12 },
	/* the empty slots: key 0 is "\0\0\0", mon 0 refuses it */
};

/* "Mmm dd HH:MM:SS host tag[pid]: " (or "Mmm  d ...", or without host) at
 * o, as after_bsd() reads it. */
static inline int fast_bsd(const char *p, size_t o, size_t n, int pri, struct hz_envelope *env)
{
	const char *s = p + o;
	uint64_t t0, t1;
	uint32_t key;
	int mo, d, h, mi, sec, r, sp;

	if (n - o < 16 + 32)
		return 0;
	key = (uint32_t)hz_rd64(s) & 0xFFFFFF;
	mo = month_tab[MHASH(key)].mon;
	sp = s[4] == ' ';
	if (month_tab[MHASH(key)].key != key || !mo ||
	    off_template(ld16(s), bsd_want[sp], bsd_lim[sp]))
		return 0;
	/* A space-padded day reads as 0 tens (' ' & 15). */
	t0 = pairs(s);
	t1 = pairs(s + 8);
	d = BYTE(t0, 4);
	h = BYTE(t0, 7) + (s[8] & 15);   /* 10 * tens, + units */
	mi = BYTE(t1, 2);
	sec = BYTE(t1, 5);
	if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	/* Stored before the host and tag are known: what a failure leaves,
	 * parse_general() overwrites. */
	set_time(&env->time, -1, mo, d, h, mi, sec, 0, INT32_MIN);
	r = fast_host_tag(p, o + 16, n, 0, env);
	if (!r)
		return 0;
	env->kind = r == 1 ? HZ_HDR_RFC3164_LOCAL : HZ_HDR_RFC3164;
	put_pri(env, pri);
	env->timestamp = hz_str_make(s, 15);
	return 1;
}

/* "YYYY-MM-DDTHH:MM:SS.ffffff+hh:mm host tag[pid]: " (or without host) at
 * o, as after_iso() reads it when no facility.severity follows. */
static inline int fast_iso(const char *p, size_t o, size_t n, int pri, struct hz_envelope *env)
{
	const char *s = p + o;
	uint64_t t0, t1, t2, t3;
	int mo, d, h, mi, sec, oh, om;
	int32_t off;

	if (n - o < 33 + 32 || s[32] != ' ' || s[26] == ',' ||
	    off_template(ld16(s), iso_want, iso_lim) ||
	    off_template(ld16(s + 16), iso_want + 16, iso_lim + 16))
		return 0;
	t0 = pairs(s);
	t1 = pairs(s + 8);
	t2 = pairs(s + 16);
	t3 = pairs(s + 24);
	mo = BYTE(t0, 5);
	d = BYTE(t1, 0);
	h = BYTE(t1, 3);
	mi = BYTE(t1, 6);
	sec = BYTE(t2, 1);
	oh = BYTE(t3, 3);
	om = BYTE(t3, 6);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
	    oh > 23 || om > 59)
		return 0;
	/* Stored before the host and tag are known: what a failure leaves,
	 * parse_general() overwrites. */
	off = oh * 3600 + om * 60;
	set_time(&env->time, BYTE(t0, 0) * 100 + BYTE(t0, 2), mo, d, h, mi, sec,
		 BYTE(t2, 4) * 10000 + BYTE(t2, 6) * 100 + BYTE(t3, 0), s[26] == '-' ? -off : off);
	if (!fast_host_tag(p, o + 33, n, 1, env))
		return 0;
	env->kind = HZ_HDR_RSYSLOG_ISO;
	put_pri(env, pri);
	env->timestamp = hz_str_make(s, 32);
	return 1;
}

/* The fast paths, or 0 to leave the line to parse_general(). */
static inline int parse_fast(const char *p, size_t n, struct hz_envelope *env)
{
	size_t o = 0;
	int pri = -1;

	if (p[0] == '<') {
		o = parse_pri(p, n, &pri);
		if (!o || o >= n)
			return 0;
	}
	if (isdig(p[o]))
		return fast_iso(p, o, n, pri, env);
	return fast_bsd(p, o, n, pri, env);
}
#endif

void hz_envelope_parse(const char *p, size_t n, struct hz_envelope *env)
{
#ifdef HZ_ENV_FAST
	if (n > 0 && parse_fast(p, n, env))
		return;
#endif
	parse_general(p, n, env);
}

/* a view of the header moved from one copy of its bytes to another */
static void rebase(struct hz_str *v, const char *from, const char *to)
{
	if (v->p)
		v->p = to + (v->p - from);
}

static void rebase_env(struct hz_envelope *e, const char *from, const char *to)
{
	rebase(&e->timestamp, from, to);
	rebase(&e->host, from, to);
	rebase(&e->tag, from, to);
	rebase(&e->pid, from, to);
	rebase(&e->msgid, from, to);
	rebase(&e->sd, from, to);
}

void hz_envelope_parse_next(struct hz_envelope_memo *m, const char *p, size_t n, struct hz_envelope *env)
{
#ifdef HZ_ENV_FAST
	size_t h;

	/* The fast path's verdict and views depend on the header's bytes, up to
	 * the space after "tag[pid]:" (kept in m->bytes), and on the line being
	 * long enough for its loads (m->min_n); on nothing else. */
	if (m->hdr && n >= m->min_n && memcmp(p, m->bytes, m->hdr) == 0) {
		*env = m->env;
		rebase_env(env, m->bytes, p);
		env->msg = hz_str_make(p + m->hdr, n - m->hdr);
		return;
	}
	m->hdr = 0;
	if (n == 0 || !parse_fast(p, n, env)) {
		parse_general(p, n, env);
		return;
	}
	/* kept when the header ends with the space rest() took: then every line
	 * that starts with these bytes has its message right after them */
	h = (size_t)(env->msg.p - p);
	if (h > 0 && h <= sizeof(m->bytes) && p[h - 1] == ' ' && env->timestamp.p) {
		memcpy(m->bytes, p, h);
		m->env = *env;
		rebase_env(&m->env, p, m->bytes);
		/* parse_fast's length checks: 16 + 32 bytes after the stamp's start
		 * (RFC 3164), 33 + 32 (ISO) */
		m->min_n = (size_t)(env->timestamp.p - p) + (env->kind == HZ_HDR_RSYSLOG_ISO ? 65 : 48);
		if (m->min_n < h)
			m->min_n = h;
		m->hdr = h;
	}
#else
	(void)m;
	parse_general(p, n, env);
#endif
}

const char *hz_hdr_name(enum hz_hdr kind)
{
	switch (kind) {
	case HZ_HDR_RAW: return "raw";
	case HZ_HDR_RFC3164: return "rfc3164";
	case HZ_HDR_RFC3164_LOCAL: return "rfc3164-local";
	case HZ_HDR_RFC5424: return "rfc5424";
	case HZ_HDR_RSYSLOG_ISO: return "rsyslog-iso";
	case HZ_HDR_FACSEV_ISO: return "facility-severity-iso";
	case HZ_HDR_ISO: return "iso";
	case HZ_HDR_TIMED: return "timed";
	case HZ_HDR_SHORT: return "short";
	case HZ_HDR_PRIORITY: return "priority";
	case HZ_HDR_COUNT: break;
	}
	return "unknown";
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t hz_time_epoch(const struct hz_time *t)
{
	if (!t || t->year < 0 || t->utcoff == INT32_MIN ||
	    t->mon < 1 || t->mon > 12 || t->mday < 1 || t->mday > 31)
		return INT64_MIN;
	return days_from_civil(t->year, (unsigned)t->mon, (unsigned)t->mday) * 86400 +
	       t->hour * 3600 + t->min * 60 + t->sec - (int64_t)t->utcoff;
}
