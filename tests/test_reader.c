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

/* Every file test runs three times: inflating in this thread, then ahead
 * on a thread of its own, then so again with every reader taking the line
 * buffer the reader before it left (hz_reader_opts.spare: stale text in
 * the buffer, and gzip blocks given back in its place); the results must
 * not differ. */
static int inflate_thread, use_spare;
static struct hz_reader_buf spare;
static unsigned spare_reused;

static void run_path(const char *path, size_t max_line, struct result *res)
{
	struct hz_reader_opts o = { max_line, NULL, 0, inflate_thread, 0, use_spare ? &spare : NULL };
	const char *kept = spare.p;
	struct hz_reader *r;
	struct hz_line l;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = hz_reader_open(&r, path, &o, &res->err);
	if (rc) {
		res->rc = rc;
		return;
	}
	/* a buffer of the reader's size is taken, and only then */
	spare_reused += kept && !spare.p;
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
	/* ... and a buffer is left for the next one */
	CHECK(!use_spare || spare.p);
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

/* A few MB of generated lines in several gzip members (levels 0, 1, 6 and 9,
 * one member with a name, extra field, comment and header CRC), then damaged
 * copies. The expected line counts and content hashes come from the generated
 * text, never from the reader; every case must hold for either inflater. */
#define BIG_MEMBERS 5

struct big {
	char *text;
	size_t n;
	uint64_t lines, hash;         /* the generator's own tally */
	size_t split[BIG_MEMBERS + 1]; /* text offsets where members start */
	unsigned char *z;
	size_t zn;
	size_t zend[BIG_MEMBERS];      /* compressed offset where each member ends */
};

struct tally {
	int rc;
	uint64_t lines, cut, hash, hash_at;
	char cut_text[128];
	size_t cut_n;
	struct hz_err err;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ull;
	return h;
}

#define FNV0 14695981039346656037ull

/* Lines delivered complete (not CUT) are hashed with their '\n'; hash_at is
 * the hash after `at` lines. */
static void tally_path(const char *path, uint64_t at, struct tally *t)
{
	struct hz_reader *r;
	struct hz_line l;
	int rc;

	memset(t, 0, sizeof(*t));
	t->hash = FNV0;
	if ((rc = hz_reader_open(&r, path, NULL, &t->err)) != 0) {
		t->rc = rc;
		return;
	}
	while ((rc = hz_reader_next(r, &l, &t->err)) == 1) {
		if (l.flags & HZ_LINE_CUT) {
			t->cut++;
			t->cut_n = l.n < sizeof(t->cut_text) ? l.n : sizeof(t->cut_text);
			memcpy(t->cut_text, l.p, t->cut_n);
		} else {
			t->hash = fnv(fnv(t->hash, l.p, l.n), "\n", 1);
		}
		if (++t->lines == at)
			t->hash_at = t->hash;
	}
	t->rc = rc;
	hz_reader_free(r);
}

static uint64_t nl_before(const struct big *b, size_t off, uint64_t *hash, size_t *last)
{
	uint64_t n = 0;
	size_t s = 0;

	*hash = FNV0;
	for (size_t i = 0; i < off; i++)
		if (b->text[i] == '\n') {
			n++;
			s = i + 1;
		}
	*hash = fnv(*hash, b->text, s);
	*last = s;
	return n;
}

static unsigned char *gz_member(const char *p, size_t n, int level, int named, size_t *outn)
{
	z_stream zs;
	gz_header h;
	size_t cap = compressBound((uLong)n) + 512;
	unsigned char *out = malloc(cap);
	static unsigned char extra[] = "XYab";

	memset(&zs, 0, sizeof(zs));
	deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	if (named) {
		memset(&h, 0, sizeof(h));
		h.name = (Bytef *)(uintptr_t)"access.log";
		h.comment = (Bytef *)(uintptr_t)"rotated";
		h.extra = extra;
		h.extra_len = 4;
		h.hcrc = 1;
		h.os = 3;
		deflateSetHeader(&zs, &h);
	}
	zs.next_in = (unsigned char *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	*outn = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

static void big_make(struct big *b)
{
	static const char *verbs[] = { "GET", "POST", "HEAD", "PUT" };
	uint64_t x = 88172645463325252ull;
	size_t cap = 5u * 1024 * 1024;
	static const int levels[BIG_MEMBERS] = { 6, 1, 0, 9, 6 };

	memset(b, 0, sizeof(*b));
	b->text = malloc(cap);
	b->hash = FNV0;
	while (b->n + 200 < cap - 200) {
		char *s = b->text + b->n;
		int k;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		k = sprintf(s, "Nov 27 04:%02u:%02u lb1 haproxy[%u]: 10.%u.%u.%u:%u %s /p/%llx?q=%.*s HTTP/1.1 %u\n",
			    (unsigned)(x % 60), (unsigned)(x >> 8) % 60, (unsigned)(x >> 16) % 32768,
			    (unsigned)(x >> 20) % 256, (unsigned)(x >> 28) % 256, (unsigned)(x >> 36) % 256,
			    (unsigned)(x >> 44) % 65536, verbs[x >> 62],
			    (unsigned long long)(x % 100003), (int)(x >> 40) % 60,
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 200u + (unsigned)(x % 4) * 100);
		b->hash = fnv(b->hash, s, (size_t)k);
		b->lines++;
		b->n += (size_t)k;
	}
	/* member boundaries fall inside lines */
	for (int m = 0; m <= BIG_MEMBERS; m++)
		b->split[m] = m == BIG_MEMBERS ? b->n : b->n / BIG_MEMBERS * (size_t)m + (m ? 37u * (size_t)m : 0);
	b->z = malloc(b->n + 4096);
	for (int m = 0; m < BIG_MEMBERS; m++) {
		size_t zn;
		unsigned char *z = gz_member(b->text + b->split[m], b->split[m + 1] - b->split[m],
					     levels[m], m == 3, &zn);
		memcpy(b->z + b->zn, z, zn);
		b->zn += zn;
		b->zend[m] = b->zn;
		free(z);
	}
}

static void test_big_gzip(void)
{
	struct big b;
	struct tally t;
	unsigned char *d;
	uint64_t want, wh;
	size_t last;

	big_make(&b);
	CHECK(b.n > 4u * 1024 * 1024);
	d = malloc(b.zn + 64);

	/* whole, then with zero padding */
	tally_path(write_file("big.gz", b.z, b.zn), 0, &t);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.lines, b.lines);
	CHECK(t.hash == b.hash);
	memcpy(d, b.z, b.zn);
	memset(d + b.zn, 0, 64);
	tally_path(write_file("bigpad.gz", d, b.zn + 64), 0, &t);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.lines, b.lines);
	CHECK(t.hash == b.hash);

	/* garbage after the last member: every line, then the error */
	memcpy(d + b.zn, "\x1f junk", 6);
	tally_path(write_file("bigjunk.gz", d, b.zn + 6), 0, &t);
	CHECK_EQ_INT(t.rc, HZ_EGZIP_TRAILING);
	CHECK_EQ_INT(t.lines, b.lines);
	CHECK(t.hash == b.hash);
	CHECK_EQ_INT(t.err.line, b.lines + 1);

	/* cut 5 bytes into member 3's header: members 1-2 whole, the line that
	 * spans the boundary delivered as CUT */
	want = nl_before(&b, b.split[2], &wh, &last);
	tally_path(write_file("bigcut.gz", b.z, b.zend[1] + 5), 0, &t);
	CHECK_EQ_INT(t.rc, HZ_EGZIP_TRUNCATED);
	CHECK_EQ_INT(t.lines, want + 1);
	CHECK_EQ_INT(t.cut, 1);
	CHECK(t.hash == wh);
	CHECK_EQ_INT(t.cut_n, b.split[2] - last);
	CHECK(memcmp(t.cut_text, b.text + last, t.cut_n) == 0);
	CHECK_EQ_INT(t.err.line, want + 1);

	/* cut inside member 4's deflate data: at least members 1-3, a prefix */
	want = nl_before(&b, b.split[3], &wh, &last);
	tally_path(write_file("bigcut2.gz", b.z, (b.zend[2] + b.zend[3]) / 2), want, &t);
	CHECK_EQ_INT(t.rc, HZ_EGZIP_TRUNCATED);
	CHECK(t.lines > want && t.lines < b.lines);
	CHECK(t.hash_at == wh);
	CHECK_EQ_INT(t.err.line, t.lines + (t.cut ? 0 : 1));

	/* a bad CRC-32 in member 2's trailer: its text is delivered, then CORRUPT */
	want = nl_before(&b, b.split[2], &wh, &last);
	memcpy(d, b.z, b.zn);
	d[b.zend[1] - 8] ^= 0x01;
	tally_path(write_file("bigcrc.gz", d, b.zn), 0, &t);
	CHECK_EQ_INT(t.rc, HZ_EGZIP_CORRUPT);
	CHECK_EQ_INT(t.lines, want + 1);
	CHECK_EQ_INT(t.cut, 1);
	CHECK(t.hash == wh);
	CHECK(strstr(t.err.msg, "gzip data corrupt at compressed byte") != NULL);

	/* a bad ISIZE in member 4 (the named one) */
	want = nl_before(&b, b.split[4], &wh, &last);
	memcpy(d, b.z, b.zn);
	d[b.zend[3] - 2] ^= 0x40;
	tally_path(write_file("bigsize.gz", d, b.zn), 0, &t);
	CHECK_EQ_INT(t.rc, HZ_EGZIP_CORRUPT);
	CHECK_EQ_INT(t.lines, want + 1);
	CHECK(t.hash == wh);

	/* damage inside member 5's deflate data (a level-6 member): members 1-4
	 * are intact; whatever follows ends in an error */
	want = nl_before(&b, b.split[4], &wh, &last);
	for (int k = 0; k < 4; k++) {
		size_t at = b.zend[3] + 200 + (b.zend[4] - b.zend[3]) / 5 * (size_t)k;
		memcpy(d, b.z, b.zn);
		d[at] ^= 0x5a;
		d[at + 1] ^= 0xa5;
		tally_path(write_file("bigbad.gz", d, b.zn), want, &t);
		CHECK(t.rc == HZ_EGZIP_CORRUPT || t.rc == HZ_EGZIP_TRUNCATED);
		CHECK(t.lines >= want);
		if (getenv("HZ_TEST_VERBOSE"))
			fprintf(stderr, "damage at %zu: status %d, %llu lines, line %llu: %s\n", at, t.rc,
				(unsigned long long)t.lines, (unsigned long long)t.err.line, t.err.msg);
		CHECK(t.hash_at == wh);
	}
	free(d);
	free(b.z);
	free(b.text);
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
	struct hz_reader_opts o = { 100, NULL, 0, 0, 0, NULL };
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

/* hz_reader_count: the lines hz_reader_next would deliver, without them. */
static uint64_t count_path(const char *path, uint64_t max, int *rc)
{
	struct hz_reader_opts o = { .max_line = 80 };
	struct hz_reader *r;
	struct hz_err err;
	uint64_t n = 0;

	*rc = hz_reader_open(&r, path, &o, &err);
	if (*rc)
		return 0;
	*rc = hz_reader_count(r, max, &n, &err);
	hz_reader_free(r);
	return n;
}

static void test_count(void)
{
	static const char text[] = "one\ntwo\r\n\nthree";
	char big[20000];
	unsigned char *z;
	size_t zn;
	int rc;

	CHECK_EQ_INT(count_path(write_file("c1", text, sizeof(text) - 1), UINT64_MAX, &rc), 4);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(count_path(write_file("c2", text, 8), UINT64_MAX, &rc), 2);
	CHECK_EQ_INT(count_path(write_file("c3", "", 0), UINT64_MAX, &rc), 0);
	CHECK_EQ_INT(count_path(write_file("c4", text, sizeof(text) - 1), 2, &rc), 2);
	/* lines far longer than max_line still count as one each */
	memset(big, 'x', sizeof(big));
	big[5000] = '\n';
	big[sizeof(big) - 1] = '\n';
	CHECK_EQ_INT(count_path(write_file("c5", big, sizeof(big)), UINT64_MAX, &rc), 2);
	z = gz(text, sizeof(text) - 1, &zn);
	CHECK_EQ_INT(count_path(write_file("c6.gz", z, zn), UINT64_MAX, &rc), 4);
	CHECK_EQ_INT(rc, 0);
	/* a truncated gzip: the lines before the damage, then the error */
	CHECK(count_path(write_file("c7.gz", z, zn - 9), UINT64_MAX, &rc) <= 4);
	CHECK_EQ_INT(rc, HZ_EGZIP_TRUNCATED);
	free(z);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 2;
	for (int round = 0; round < 3; round++) {
		inflate_thread = round > 0;
		use_spare = round == 2;
		test_endings();
		test_overlong();
		test_many_refills();
		test_gzip();
		test_truncation();
		test_big_gzip();
		test_open_errors();
	}
	/* the readers of the third round took the buffers left to them */
	CHECK(spare_reused > 10);
	hz_reader_buf_free(&spare);
	test_pipe();
	test_split_reads();
	test_count();
	{
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
	return hz_test_done();
}
