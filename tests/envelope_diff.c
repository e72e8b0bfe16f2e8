/* Differential check of hz_envelope_parse against the parser it replaced
 * (tests/envelope_ref.c): every field, every view's pointer and length. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halyze/envelope.h"

void ref_envelope_parse(const char *p, size_t n, struct hz_envelope *env);

static unsigned long long compared, mismatches;

static int str_same(struct hz_str a, struct hz_str b)
{
	return a.p == b.p && a.n == b.n;
}

static void dump(const char *why, const char *p, size_t n)
{
	fprintf(stderr, "mismatch (%s) on %zu bytes: \"", why, n);
	for (size_t k = 0; k < n && k < 160; k++) {
		unsigned char c = (unsigned char)p[k];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "%s\"\n", n > 160 ? "..." : "");
}

/* Parses the n bytes at src from an allocation of exactly n bytes (so that
 * a sanitized build sees any read past the line) with both parsers. */
static void check(const char *src, size_t n)
{
	char *p = calloc(1, n ? n : 1);   /* zeroed: an empty line passes no unset byte */
	struct hz_envelope a, b;
	const char *why = NULL;

	if (!p) {
		perror("calloc");
		exit(2);
	}
	if (n)
		memcpy(p, src, n);
	memset(&a, 0x5A, sizeof a);
	memset(&b, 0xA5, sizeof b);
	hz_envelope_parse(p, n, &a);
	ref_envelope_parse(p, n, &b);
	compared++;
	if (a.kind != b.kind) why = "kind";
	else if (a.pri != b.pri) why = "pri";
	else if (a.facility != b.facility) why = "facility";
	else if (a.severity != b.severity) why = "severity";
	else if (a.time.year != b.time.year) why = "time.year";
	else if (a.time.mon != b.time.mon) why = "time.mon";
	else if (a.time.mday != b.time.mday) why = "time.mday";
	else if (a.time.hour != b.time.hour) why = "time.hour";
	else if (a.time.min != b.time.min) why = "time.min";
	else if (a.time.sec != b.time.sec) why = "time.sec";
	else if (a.time.usec != b.time.usec) why = "time.usec";
	else if (a.time.utcoff != b.time.utcoff) why = "time.utcoff";
	else if (!str_same(a.timestamp, b.timestamp)) why = "timestamp";
	else if (!str_same(a.host, b.host)) why = "host";
	else if (!str_same(a.tag, b.tag)) why = "tag";
	else if (!str_same(a.pid, b.pid)) why = "pid";
	else if (!str_same(a.msgid, b.msgid)) why = "msgid";
	else if (!str_same(a.sd, b.sd)) why = "sd";
	else if (!str_same(a.msg, b.msg)) why = "msg";
	if (why) {
		if (++mismatches <= 20)
			dump(why, p, n);
	}
	free(p);
}

#ifdef HZ_DIFF_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size);
	if (mismatches)
		abort();
	return 0;
}
#else

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure can be replayed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717u;
}

static size_t pos(size_t n)
{
	/* Mostly within the header, where the parser looks. */
	if (n == 0)
		return 0;
	if (rnd() & 3)
		return (size_t)(rnd() % (n < 72 ? n : 72));
	return (size_t)(rnd() % n);
}

static const char interesting[] = " :[]-.+ZT<>0123456789a\t\x7f\x80\xff";

/* One random edit of buf (length *n, room for *n + 1). */
static void mutate(char *buf, size_t *n)
{
	size_t k, m = *n;

	switch (rnd() % 9) {
	case 0: /* byte flip */
		if (m) buf[pos(m)] ^= (char)(1u << (rnd() % 8));
		break;
	case 1: /* any byte */
		if (m) buf[pos(m)] = (char)rnd();
		break;
	case 2: /* a byte the parser cares about */
		if (m) buf[pos(m)] = interesting[rnd() % (sizeof interesting - 1)];
		break;
	case 3: /* a digit becomes a letter */
		for (int t = 0; t < 8 && m; t++) {
			k = pos(m);
			if (buf[k] >= '0' && buf[k] <= '9') {
				buf[k] = (char)('a' + (buf[k] - '0'));
				break;
			}
		}
		break;
	case 4: /* insert a space */
		k = pos(m + 1);
		memmove(buf + k + 1, buf + k, m - k);
		buf[k] = ' ';
		(*n)++;
		break;
	case 5: /* remove a space */
		for (int t = 0; t < 16 && m; t++) {
			k = pos(m);
			if (buf[k] == ' ') {
				memmove(buf + k, buf + k + 1, m - k - 1);
				(*n)--;
				break;
			}
		}
		break;
	case 6: /* remove any byte */
		if (m) {
			k = pos(m);
			memmove(buf + k, buf + k + 1, m - k - 1);
			(*n)--;
		}
		break;
	case 7: /* insert a byte the parser cares about */
		k = pos(m + 1);
		memmove(buf + k + 1, buf + k, m - k);
		buf[k] = interesting[rnd() % (sizeof interesting - 1)];
		(*n)++;
		break;
	default: /* a digit for another */
		if (m) {
			k = pos(m);
			if (buf[k] >= '0' && buf[k] <= '9')
				buf[k] = (char)('0' + rnd() % 10);
		}
		break;
	}
}

/* Usage: envelope_diff [-m MUTATIONS] [-e EVERY] [-t] FILE... ('-' for
 * stdin). Each line (without its '\n') is checked as is; every EVERY-th
 * line (default 1) also with MUTATIONS random edits of 1 to 3 steps each
 * and, with -t, truncated at every length. With -w, each file is also
 * checked whole, as one input (a fuzzing corpus). -s SEED varies the
 * edits. */
int main(int argc, char **argv)
{
	unsigned long mutations = 0, every = 1, lines = 0;
	int truncs = 0, whole = 0, a = 1;
	char *line = NULL, *buf;
	size_t cap = 0, bufcap = 0;

	for (; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
		if (!strcmp(argv[a], "-m") && a + 1 < argc)
			mutations = strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "-e") && a + 1 < argc)
			every = strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "-t"))
			truncs = 1;
		else if (!strcmp(argv[a], "-w"))
			whole = 1;
		else if (!strcmp(argv[a], "-s") && a + 1 < argc)
			rng ^= strtoull(argv[++a], NULL, 10) * 0x9E3779B97F4A7C15u + 1;
		else {
			fprintf(stderr, "usage: envelope_diff [-m N] [-e N] [-t] [-w] [-s SEED] FILE...\n");
			return 2;
		}
	}
	if (every == 0)
		every = 1;
	buf = NULL;
	for (; a < argc; a++) {
		FILE *f = strcmp(argv[a], "-") ? fopen(argv[a], "rb") : stdin;
		ssize_t len;

		if (!f) {
			perror(argv[a]);
			return 2;
		}
		if (whole && f != stdin) {
			char *all = NULL;
			size_t an = 0, got;
			char chunk[65536];

			while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
				all = realloc(all, an + got);
				if (!all)
					return 2;
				memcpy(all + an, chunk, got);
				an += got;
			}
			check(all ? all : "", an);
			free(all);
			rewind(f);
		}
		while ((len = getline(&line, &cap, f)) >= 0) {
			size_t n = (size_t)len;

			if (n && line[n - 1] == '\n')
				n--;
			check(line, n);
			if (lines++ % every)
				continue;
			if (truncs)
				for (size_t k = 0; k < n; k++)
					check(line, k);
			if (bufcap < n + 8) {
				bufcap = n + 8;
				buf = realloc(buf, bufcap);
				if (!buf)
					return 2;
			}
			for (unsigned long m = 0; m < mutations; m++) {
				size_t bn = n;
				int steps = 1 + (int)(rnd() % 3);

				memcpy(buf, line, n);
				for (int s = 0; s < steps && bn + 1 < bufcap; s++)
					mutate(buf, &bn);
				check(buf, bn);
			}
		}
		if (f != stdin)
			fclose(f);
	}
	free(line);
	free(buf);
	printf("lines %lu, parses compared %llu, mismatches %llu\n", lines, compared, mismatches);
	return mismatches != 0;
}
#endif
