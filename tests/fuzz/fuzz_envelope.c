/* Fuzz target: the syslog envelope parser over one line of untrusted bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/envelope.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_view(struct hz_str v, const uint8_t *data, size_t size)
{
	FZ_CHECK(fz_inside(v, data, size));
}

static int same_view(struct hz_str a, const char *pa, struct hz_str b, const char *pb)
{
	return a.n == b.n && !a.p == !b.p && (!a.p || a.p - pa == b.p - pb);
}

/* The input up to its first '\n' as the line before, the rest as the line:
 * hz_envelope_parse_next() after the line before must give what
 * hz_envelope_parse() gives on the line alone. */
static void check_memo(const char *p, size_t size)
{
	const char *nl = memchr(p, '\n', size);
	struct hz_envelope_memo memo;
	struct hz_envelope a, b;
	size_t k, n;
	char *line;

	if (!nl)
		return;
	k = (size_t)(nl - p);
	n = size - k - 1;
	if (!(line = malloc(n ? n : 1)))
		return;
	memcpy(line, nl + 1, n);   /* its own allocation: a read past its end shows */
	memo.hdr = 0;
	hz_envelope_parse_next(&memo, p, k, &a);
	hz_envelope_parse_next(&memo, line, n, &a);
	hz_envelope_parse(line, n, &b);
	FZ_CHECK(a.kind == b.kind && a.pri == b.pri && a.facility == b.facility && a.severity == b.severity);
	FZ_CHECK(same_view(a.timestamp, line, b.timestamp, line) && same_view(a.host, line, b.host, line) &&
		 same_view(a.tag, line, b.tag, line) && same_view(a.pid, line, b.pid, line) &&
		 same_view(a.msgid, line, b.msgid, line) && same_view(a.sd, line, b.sd, line) &&
		 same_view(a.msg, line, b.msg, line));
	if (b.timestamp.n)
		FZ_CHECK(a.time.year == b.time.year && a.time.mon == b.time.mon && a.time.mday == b.time.mday &&
			 a.time.hour == b.time.hour && a.time.min == b.time.min && a.time.sec == b.time.sec &&
			 a.time.usec == b.time.usec && a.time.utcoff == b.time.utcoff);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct hz_envelope env;
	const char *name;

	memset(&env, 0xA5, sizeof(env));  /* a field left unset shows up as garbage */
	hz_envelope_parse(p, size, &env);

	FZ_CHECK((unsigned)env.kind < HZ_HDR_COUNT);
	name = hz_hdr_name(env.kind);
	FZ_CHECK(name != NULL && name[0] != 0);

	check_view(env.timestamp, data, size);
	check_view(env.host, data, size);
	check_view(env.tag, data, size);
	check_view(env.pid, data, size);
	check_view(env.msgid, data, size);
	check_view(env.sd, data, size);
	check_view(env.msg, data, size);
	/* The message is whatever follows the header, to the end of the line. */
	FZ_CHECK(env.msg.p != NULL && env.msg.p + env.msg.n == p + size);
	if (env.kind == HZ_HDR_RAW)
		FZ_CHECK(env.msg.p == p && env.msg.n == size);

	FZ_CHECK(env.pri >= -1 && env.pri <= 191);
	FZ_CHECK(env.facility >= -1 && env.facility <= 23);
	FZ_CHECK(env.severity >= -1 && env.severity <= 7);
	for (size_t i = 0; i < env.pid.n; i++)
		FZ_CHECK(env.kind == HZ_HDR_RFC5424 || (env.pid.p[i] >= '0' && env.pid.p[i] <= '9'));

	if (env.timestamp.n > 0) {
		const struct hz_time *t = &env.time;
		FZ_CHECK(t->mon >= 1 && t->mon <= 12);
		FZ_CHECK(t->mday >= 1 && t->mday <= 31);
		FZ_CHECK(t->hour >= 0 && t->hour <= 23);
		FZ_CHECK(t->min >= 0 && t->min <= 59);
		FZ_CHECK(t->sec >= 0 && t->sec <= 60);
		FZ_CHECK(t->usec >= 0 && t->usec <= 999999);
		FZ_CHECK(t->year == -1 || (t->year >= 0 && t->year <= 9999));
		FZ_CHECK(t->utcoff == INT32_MIN || (t->utcoff > -86400 && t->utcoff < 86400));
		(void)hz_time_epoch(t);
	}
	check_memo(p, size);
	return 0;
}
