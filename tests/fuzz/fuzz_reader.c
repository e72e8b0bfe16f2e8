/* Fuzz target: the streaming reader over plain text, damaged gzip and valid multi-member gzip. */
#define _GNU_SOURCE 1  /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "halyze/reader.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINE 100u
#define OVERLONG_KEEP_MAX 1024u  /* what reader.c keeps of an overlong line */

/* A descriptor positioned at the start of (p, n): a memfd (or a temporary
 * file), or when pipe != 0 a pipe already closed at its writing end, so the
 * reader sees a stream without a size. */
static int make_fd(const void *p, size_t n, int pipe_it)
{
	int fd;

	if (pipe_it) {
		int pp[2];
		if (pipe(pp) == 0) {
			ssize_t w;
			fcntl(pp[1], F_SETFL, O_NONBLOCK);
			w = n ? write(pp[1], p, n) : 0;
			close(pp[1]);
			if (w == (ssize_t)n)
				return pp[0];
			close(pp[0]);  /* more than the pipe holds: use a file */
		}
	}
#ifdef __linux__
	fd = memfd_create("hz_fuzz_reader", MFD_CLOEXEC);
	if (fd < 0)
#endif
	{
		FILE *f = tmpfile();
		FZ_CHECK(f != NULL);
		fd = dup(fileno(f));
		fclose(f);
	}
	FZ_CHECK(fd >= 0);
	if (n)
		FZ_CHECK(write(fd, p, n) == (ssize_t)n);
	FZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

/* What one reading delivered, for comparing two readings of one text. */
struct got {
	uint64_t lines, hash;
	int rc;
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

/* Inflate on a thread of its own (regular files only). */
static int fz_ahead;

/* Reads fd to the end. When text != NULL the stream is known to decode to
 * (text, tn) without damage, and every line is checked against it. */
static struct got read_all(int fd, size_t max_line, const uint8_t *text, size_t tn)
{
	struct hz_reader_opts o;
	struct hz_reader *r = NULL;
	struct hz_line l;
	struct hz_err err;
	struct got g = { 0, 14695981039346656037ull, 0 };
	size_t off = 0;
	int rc;

	memset(&o, 0, sizeof(o));
	o.max_line = max_line;
	o.inflate_thread = fz_ahead;
	rc = hz_reader_open_fd(&r, fd, "fuzz", &o, &err);
	if (rc) {
		FZ_CHECK(r == NULL && rc < 0);
		g.rc = rc;
		return g;
	}
	while ((rc = hz_reader_next(r, &l, &err)) == 1) {
		g.lines++;
		/* Ends: at most one line per byte, and one more without LF. */
		FZ_CHECK(g.lines <= (text ? tn : 4u * 1024 * 1024) + 1);
		FZ_CHECK(l.no == g.lines);
		FZ_CHECK(l.n == 0 || l.p != NULL);
		FZ_CHECK(l.n == 0 || memchr(l.p, '\n', l.n) == NULL);
		if (l.flags & HZ_LINE_OVERLONG) {
			FZ_CHECK(l.full_len > max_line);
			FZ_CHECK(l.n <= l.full_len && l.n <= OVERLONG_KEEP_MAX);
		} else {
			FZ_CHECK(l.n <= max_line);
			FZ_CHECK(l.full_len == l.n);
		}
		g.hash = mix(g.hash, &l.n, sizeof(l.n));
		g.hash = mix(g.hash, &l.full_len, sizeof(l.full_len));
		g.hash = mix(g.hash, &l.flags, sizeof(l.flags));
		g.hash = mix(g.hash, l.p, l.n);
		if (text) {
			/* The line is the text at off, as delivered. */
			size_t body = (l.flags & HZ_LINE_OVERLONG) ? (size_t)l.full_len : l.n;
			FZ_CHECK(!(l.flags & HZ_LINE_CUT));
			FZ_CHECK(off + body <= tn);
			FZ_CHECK(memcmp(l.p, text + off, l.n) == 0);
			FZ_CHECK(memchr(text + off, '\n', body) == NULL);
			off += body;
			if (l.flags & HZ_LINE_CRLF) {
				FZ_CHECK(off < tn && text[off] == '\r');
				off++;
			}
			if (l.flags & HZ_LINE_NO_EOL) {
				FZ_CHECK(off == tn);
			} else {
				FZ_CHECK(off < tn && text[off] == '\n');
				off++;
			}
		}
	}
	g.rc = rc;
	if (rc < 0) {
		FZ_CHECK(err.code == rc);
		FZ_CHECK(memchr(err.msg, 0, sizeof(err.msg)) != NULL);
		/* After an error, the end. */
		FZ_CHECK(hz_reader_next(r, &l, &err) == 0);
	} else {
		FZ_CHECK(rc == 0);
		FZ_CHECK(hz_reader_next(r, &l, &err) == 0);
	}
	if (text) {
		FZ_CHECK(rc == 0);
		FZ_CHECK(off == tn);
	}
	FZ_CHECK(hz_reader_stats(r)->lines == g.lines);
	hz_reader_free(r);
	return g;
}

/* Appends one gzip member holding (p, n) to out. */
static size_t gzip_member(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
	z_stream zs;
	size_t made;

	memset(&zs, 0, sizeof(zs));
	FZ_CHECK(deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	FZ_CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	made = cap - zs.avail_out;
	deflateEnd(&zs);
	return made;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t gz_header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	int is_gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	struct got plain;
	int fd;

	/* 1. As given, through a pipe; a plain text is checked line by line. */
	fd = make_fd(data, size, 1);
	plain = read_all(fd, MAX_LINE, is_gz ? NULL : data, size);
	close(fd);
	fd = make_fd(data, size, 0);
	(void)read_all(fd, 3, is_gz ? NULL : data, size);
	close(fd);

	/* 2. As a gzip member's body: mostly damaged deflate data. */
	if (!is_gz) {
		uint8_t *buf = malloc(size + sizeof(gz_header));
		FZ_CHECK(buf != NULL);
		memcpy(buf, gz_header, sizeof(gz_header));
		if (size)
			memcpy(buf + sizeof(gz_header), data, size);
		fd = make_fd(buf, size + sizeof(gz_header), 0);
		(void)read_all(fd, MAX_LINE, NULL, 0);
		close(fd);
		free(buf);
	}

	/* 3. The text compressed for real, in two members (a line may span
	 * them) and maybe zero padding: the same lines as the plain reading. */
	if (!is_gz) {
		size_t cap = 2 * (size + 64) + 64, h = size / 3, n;
		uint8_t *buf = malloc(cap + 8);
		struct got gz;
		FZ_CHECK(buf != NULL);
		n = gzip_member(data, h, buf, cap);
		n += gzip_member(data + h, size - h, buf + n, cap - n);
		if (size & 1) {
			memset(buf + n, 0, 8);
			n += 8;
		}
		fd = make_fd(buf, n, 0);
		gz = read_all(fd, MAX_LINE, data, size);
		close(fd);
		FZ_CHECK(gz.lines == plain.lines && gz.hash == plain.hash && gz.rc == plain.rc);
		/* the same, inflated ahead on a thread: the same lines */
		fz_ahead = 1;
		fd = make_fd(buf, n, 0);
		gz = read_all(fd, MAX_LINE, data, size);
		close(fd);
		fz_ahead = 0;
		free(buf);
		FZ_CHECK(gz.lines == plain.lines && gz.hash == plain.hash && gz.rc == plain.rc);
	}
	return 0;
}
