/* Unit tests for the streaming reader: endings, limits, gzip members and damage. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "halyze/reader.h"
#include "halyze/str.h"
#include "hz_test.h"

static char tmpdir[] = "/tmp/hz_reader_XXXXXX";

static const char *write_file(const char *name, const void *data, size_t n)
{
	static char path[4][512];
	static int k;
	char *p = path[k++ & 3];
	FILE *f;

	snprintf(p, 512, "%s/%s", tmpdir, name);
	f = fopen(p, "wb");
	if (n)
		fwrite(data, 1, n, f);
	fclose(f);
	return p;
}

/* gzip-compresses (p, n) as one member; returns a malloc'd buffer. */
static unsigned char *gz(const char *p, size_t n, size_t *outn)
{
	z_stream zs;
	size_t cap = compressBound((uLong)n) + 64;
	unsigned char *out = malloc(cap);

	memset(&zs, 0, sizeof(zs));
	deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = (unsigned char *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	*outn = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

struct result {
	int rc;             /* final status: 0 or the error */
	uint64_t lines;
	uint64_t overlong, cut, crlf, noeol;
	char text[8192];    /* lines joined with '|' */
	size_t tn;
	struct hz_err err;
};

static void run_path(const char *path, size_t max_line, struct result *res)
{
	struct hz_reader_opts o = { max_line };
	struct hz_reader *r;
	struct hz_line l;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = hz_reader_open(&r, path, &o, &res->err);
	if (rc) {
		res->rc = rc;
		return;
	}
	while ((rc = hz_reader_next(r, &l, &res->err)) == 1) {
		res->lines++;
		CHECK_EQ_INT(l.no, res->lines);
		if (l.flags & HZ_LINE_OVERLONG) res->overlong++;
		if (l.flags & HZ_LINE_CUT) res->cut++;
		if (l.flags & HZ_LINE_CRLF) res->crlf++;
		if (l.flags & HZ_LINE_NO_EOL) res->noeol++;
		if (res->tn + l.n + 1 < sizeof(res->text) && !(l.flags & HZ_LINE_OVERLONG)) {
			memcpy(res->text + res->tn, l.p, l.n);
			res->tn += l.n;
			res->text[res->tn++] = '|';
		}
	}
	res->rc = rc;
	if (rc < 0) /* after an error the reader ends cleanly */
		CHECK_EQ_INT(hz_reader_next(r, &l, NULL), 0);
	hz_reader_free(r);
	res->text[res->tn] = 0;
}

static void test_endings(void)
{
	struct result res;
	static const char nul[] = "a\0b\nc\n";

	run_path(write_file("lf", "one\ntwo\n", 8), 0, &res);
	CHECK_EQ_INT(res.rc, 0);
	CHECK_EQ_INT(res.lines, 2);
	CHECK(strcmp(res.text, "one|two|") == 0);

	run_path(write_file("crlf", "one\r\ntwo\r\n\r\n", 12), 0, &res);
	CHECK_EQ_INT(res.lines, 3);
	CHECK_EQ_INT(res.crlf, 3);
	CHECK(strcmp(res.text, "one|two||") == 0);

	run_path(write_file("noeol", "one\ntwo", 7), 0, &res);
	CHECK_EQ_INT(res.lines, 2);
	CHECK_EQ_INT(res.noeol, 1);
	CHECK(strcmp(res.text, "one|two|") == 0);

	run_path(write_file("empty", "", 0), 0, &res);
	CHECK_EQ_INT(res.rc, 0);
	CHECK_EQ_INT(res.lines, 0);

	run_path(write_file("lonecr", "a\rb\n", 4), 0, &res);
	CHECK_EQ_INT(res.lines, 1);
	CHECK(strcmp(res.text, "a\rb|") == 0);

	run_path(write_file("nul", nul, sizeof(nul) - 1), 0, &res);
	CHECK_EQ_INT(res.lines, 2);
	CHECK_EQ_INT(res.tn, 6);
	CHECK(memcmp(res.text, "a\0b|c|", 6) == 0);
}

static void test_overlong(void)
{
	struct result res;
	size_t big = 3u * 1024 * 1024;
	char *d = malloc(big + 64);

	/* line 2 is 3 MiB with a 1 KiB limit; lines around it survive */
	memcpy(d, "short\n", 6);
	memset(d + 6, 'x', big);
	memcpy(d + 6 + big, "\nafter\nexact\n", 13);
	run_path(write_file("long", d, big + 19), 1024, &res);
	CHECK_EQ_INT(res.rc, 0);
	CHECK_EQ_INT(res.lines, 4);
	CHECK_EQ_INT(res.overlong, 1);
	CHECK(strcmp(res.text, "short|after|exact|") == 0);

	/* exactly max_line bytes is not overlong; one more is */
	memset(d, 'y', 16);
	d[16] = '\n';
	memset(d + 17, 'z', 17);
	d[34] = '\n';
	run_path(write_file("edge", d, 35), 16, &res);
	CHECK_EQ_INT(res.lines, 2);
	CHECK_EQ_INT(res.overlong, 1);

	/* an overlong last line without newline */
	memset(d, 'q', 5000);
	run_path(write_file("longeof", d, 5000), 100, &res);
	CHECK_EQ_INT(res.lines, 1);
	CHECK_EQ_INT(res.overlong, 1);
	CHECK_EQ_INT(res.noeol, 1);
	free(d);
}

static void test_many_refills(void)
{
	struct result res;
	size_t n = 0, lines = 200000;
	char *d = malloc(lines * 40);

	for (size_t i = 0; i < lines; i++)
		n += (size_t)sprintf(d + n, "line %zu %.*s\n", i, (int)(i % 23), "abcdefghijklmnopqrstuvwxyz");
	run_path(write_file("many", d, n), 64, &res);
	CHECK_EQ_INT(res.rc, 0);
	CHECK_EQ_INT(res.lines, lines);
	CHECK_EQ_INT(res.overlong, 0);
	{
		size_t zn;
		unsigned char *z = gz(d, n, &zn);
		run_path(write_file("many.gz", z, zn), 64, &res);
		CHECK_EQ_INT(res.rc, 0);
		CHECK_EQ_INT(res.lines, lines);
		free(z);
	}
	free(d);
}

static void test_gzip(void)
{
	struct result res;
	size_t an, bn;
	unsigned char *a = gz("alpha\nbeta\nsplit-", 17, &an);
	unsigned char *b = gz("line\ngamma\n", 11, &bn);
	unsigned char *both = malloc(an + bn + 16);

	/* detected by magic, not by name */
	run_path(write_file("plainname.log", a, an), 0, &res);
	CHECK_EQ_INT(res.rc, 0);
	CHECK_EQ_INT(res.lines, 3);
	CHECK_EQ_INT(res.noeol, 1);

	/* two members, a line spanning the boundary */
	memcpy(both, a, an);
	memcpy(both + an, b, bn);
	run_path(write_file("multi.gz", both, an + bn), 0, &res);
	CHECK_EQ_INT(res.rc, 0);
	CHECK(strcmp(res.text, "alpha|beta|split-line|gamma|") == 0);

	/* zero padding after the last member is accepted, like gzip(1) */
	memset(both + an + bn, 0, 16);
	run_path(write_file("padded.gz", both, an + bn + 16), 0, &res);
	CHECK_EQ_INT(res.rc, 0);
	CHECK_EQ_INT(res.lines, 4);

	/* garbage after the data: lines kept, then an error */
	memcpy(both + an + bn, "GARBAGE!", 8);
	run_path(write_file("garbage.gz", both, an + bn + 8), 0, &res);
	CHECK_EQ_INT(res.rc, HZ_EGZIP_TRAILING);
	CHECK(strcmp(res.text, "alpha|beta|split-line|gamma|") == 0);

	/* a gzip of only the magic bytes */
	run_path(write_file("magic.gz", "\x1f\x8b", 2), 0, &res);
	CHECK_EQ_INT(res.rc, HZ_EGZIP_TRUNCATED);
	CHECK_EQ_INT(res.lines, 0);

	/* a 0-byte .gz is simply empty */
	run_path(write_file("zero.gz", "", 0), 0, &res);
	CHECK_EQ_INT(res.rc, 0);
	CHECK_EQ_INT(res.lines, 0);
	free(a);
	free(b);
	free(both);
}

/* Cut a compressed file at every length: never a crash, never a line twice,
 * the complete lines delivered are a prefix of the real ones, and the error
 * names the line where the damage starts. */
static void test_truncation(void)
{
	char text[4096];
	size_t tn = 0, zn;
	unsigned char *z;
	int errors = 0;

	for (int i = 0; i < 100; i++)
		tn += (size_t)sprintf(text + tn, "L%02d-%s\n", i, (i * 7) % 3 ? "aaaa" : "bbbbbbbb");
	z = gz(text, tn, &zn);
	for (size_t cut = 2; cut < zn; cut++) { /* 1 byte is not gzip */
		struct result res;
		run_path(write_file("cut.gz", z, cut), 0, &res);
		if (res.rc != HZ_EGZIP_TRUNCATED && res.rc != HZ_EGZIP_CORRUPT) {
			fprintf(stderr, "cut at %zu of %zu: status %d\n", cut, zn, res.rc);
			errors++;
			continue;
		}
		/* complete lines are a prefix of the original; a cut line is a
		 * prefix of its original line */
		for (size_t i = 0; i < res.tn; i++)
			if (res.text[i] == '|')
				res.text[i] = '\n';
		CHECK(memcmp(res.text, text, res.tn - (res.cut ? 1 : 0)) == 0);
		CHECK(res.err.line == res.lines + (res.cut ? 0 : 1));
	}
	CHECK_EQ_INT(errors, 0);

	/* corruption in the middle of the deflate data */
	z[zn / 2] ^= 0x55;
	z[zn / 2 + 1] ^= 0xAA;
	{
		struct result res;
		run_path(write_file("bad.gz", z, zn), 0, &res);
		CHECK(res.rc == HZ_EGZIP_CORRUPT || res.rc == HZ_EGZIP_TRUNCATED);
		CHECK(res.lines < 101);
		CHECK(res.err.line >= 1);
	}
	free(z);
}

static void test_open_errors(void)
{
	struct result res;

	run_path(tmpdir, 0, &res);
	CHECK_EQ_INT(res.rc, HZ_EISDIR);
	CHECK(strstr(res.err.file, "hz_reader_") != NULL);
	run_path("/nonexistent/file.log", 0, &res);
	CHECK_EQ_INT(res.rc, HZ_EOPEN);
	CHECK(strcmp(res.err.file, "/nonexistent/file.log") == 0);
}

static void test_pipe(void)
{
	int fds[2];
	size_t zn;
	unsigned char *z = gz("x\ny\n", 4, &zn);
	struct hz_reader *r;
	struct hz_line l;
	struct hz_err e;
	int n = 0;

	/* gzip on a pipe, written one byte at a time would need a thread; a
	 * pipe buffer holds this small member whole */
	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], z, zn) == (ssize_t)zn);
	close(fds[1]);
	CHECK_EQ_INT(hz_reader_open_fd(&r, fds[0], "-", NULL, &e), 0);
	while (hz_reader_next(r, &l, &e) == 1)
		n++;
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(hz_reader_stats(r)->compressed, 1);
	CHECK_EQ_INT(hz_reader_stats(r)->bytes_in, zn);
	hz_reader_free(r);
	close(fds[0]);
	free(z);
}

/* A line must come out the same however the reads split it: here a gzip
 * member boundary falls inside it (found by tests/fuzz/fuzz_reader.c). */
static void test_split_reads(void)
{
	char a[150], b[160];
	size_t n1, n2;
	unsigned char *z1, *z2, *both;
	struct hz_reader_opts o = { 100 };
	struct hz_reader *r;
	struct hz_line l;
	struct hz_err err;

	/* an overlong line keeps the same prefix (all 300 bytes, under the
	 * 1 KiB kept), not just what the first member held */
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	b[sizeof(b) - 1] = '\n';
	z1 = gz(a, 150, &n1);
	z2 = gz(b, 160, &n2);
	both = malloc(n1 + n2);
	memcpy(both, z1, n1);
	memcpy(both + n1, z2, n2);
	CHECK_EQ_INT(hz_reader_open(&r, write_file("split-overlong.gz", both, n1 + n2), &o, &err), 0);
	CHECK_EQ_INT(hz_reader_next(r, &l, &err), 1);
	CHECK_EQ_INT(l.flags, HZ_LINE_OVERLONG);
	CHECK_EQ_INT(l.full_len, 309);
	CHECK_EQ_INT(l.n, 309);
	CHECK(l.n == 309 && memcmp(l.p, a, 150) == 0 && memcmp(l.p + 150, b, 159) == 0);
	CHECK_EQ_INT(hz_reader_next(r, &l, &err), 0);
	hz_reader_free(r);
	free(z1);
	free(z2);
	free(both);

	/* max_line bytes and a CR, the LF in the next member: a CRLF line of
	 * max_line bytes, as when the LF comes in the same read */
	memset(a, 'c', 100);
	a[100] = '\r';
	z1 = gz(a, 101, &n1);
	z2 = gz("\nnext\n", 6, &n2);
	both = malloc(n1 + n2);
	memcpy(both, z1, n1);
	memcpy(both + n1, z2, n2);
	CHECK_EQ_INT(hz_reader_open(&r, write_file("split-crlf.gz", both, n1 + n2), &o, &err), 0);
	CHECK_EQ_INT(hz_reader_next(r, &l, &err), 1);
	CHECK_EQ_INT(l.flags, HZ_LINE_CRLF);
	CHECK_EQ_INT(l.n, 100);
	CHECK_EQ_INT(hz_reader_next(r, &l, &err), 1);
	CHECK(l.n == 4 && memcmp(l.p, "next", 4) == 0);
	CHECK_EQ_INT(hz_reader_next(r, &l, &err), 0);
	hz_reader_free(r);
	free(z1);
	free(z2);
	free(both);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 2;
	test_endings();
	test_overlong();
	test_many_refills();
	test_gzip();
	test_truncation();
	test_open_errors();
	test_pipe();
	test_split_reads();
	{
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
	return hz_test_done();
}
