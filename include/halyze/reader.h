/* Streaming line reader over files, stdin and (multi-member) gzip. */
#ifndef HZ_READER_H
#define HZ_READER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "halyze/status.h"

#define HZ_READER_DEFAULT_MAX_LINE (64u * 1024u)

/* Line flags. */
#define HZ_LINE_CRLF     0x1u  /* a CR before the LF was removed */
#define HZ_LINE_NO_EOL   0x2u  /* last line of the input, without LF */
#define HZ_LINE_OVERLONG 0x4u  /* longer than max_line: only a prefix is given */
#define HZ_LINE_CUT      0x8u  /* the input broke off (truncated/corrupt gzip) inside this line */

struct hz_line {
	const char *p;      /* valid until the next hz_reader_next call */
	size_t n;           /* bytes in p; for OVERLONG, the prefix kept */
	uint64_t no;        /* 1-based physical line number in this input */
	uint64_t full_len;  /* real length (differs from n for OVERLONG) */
	unsigned flags;
};

/* A line buffer kept between readers (see hz_reader_opts.spare). */
struct hz_reader_buf {
	char *p;            /* NULL: none kept */
	size_t cap;
};

/* Frees what b keeps. */
void hz_reader_buf_free(struct hz_reader_buf *b);

struct hz_reader_opts {
	size_t max_line;     /* 0 = HZ_READER_DEFAULT_MAX_LINE */
	/* When set (by a signal handler) while a read is interrupted, the input
	 * ends there, cleanly: a live pipe does not hold up a partial summary.
	 * NULL: interrupted reads are retried. */
	volatile sig_atomic_t *stop;
	/* A slice of a plain file (to share one file among threads): the
	 * reader reads from the descriptor's current offset and stops after
	 * `limit` bytes; the text is never taken for gzip. 0: the whole input. */
	uint64_t limit;
	/* Inflate a gzip file on a thread of its own while this one splits
	 * lines (regular files only; the same lines, figures and errors). */
	int inflate_thread;
	/* Follow a plain file that grows (tail -F): at its end hz_reader_next
	 * returns HZ_READER_AGAIN instead of 0, keeping a partial last line
	 * until the rest arrives or hz_reader_follow_end. Ignored for gzip. */
	int follow;
	/* Where the reader takes its line buffer from when one of its size is
	 * kept there, and leaves it when freed (NULL: malloc and free): readers
	 * opened one after the other on a thread (the slices of a big file)
	 * then reuse its pages, where a fresh buffer costs a page fault a page. */
	struct hz_reader_buf *spare;
};

/* hz_reader_next in follow mode: no complete line yet; call again later. */
#define HZ_READER_AGAIN 2

struct hz_reader_stats {
	uint64_t bytes_in;   /* bytes read from the file (compressed size for gzip) */
	uint64_t bytes_out;  /* bytes of text delivered (decompressed) */
	uint64_t lines;      /* lines delivered */
	uint64_t overlong;   /* of which overlong */
	int compressed;      /* gzip detected */
	uint64_t size_hint;  /* file size from fstat, 0 when unknown (pipes) */
};

struct hz_reader;

/* Opens `path` ("-" or NULL for stdin). gzip is detected by its magic bytes.
 * Returns 0, or HZ_EOPEN / HZ_EISDIR / HZ_ENOMEM with err filled. */
int hz_reader_open(struct hz_reader **out, const char *path,
		   const struct hz_reader_opts *opts, struct hz_err *err);

/* Reads over an already open descriptor, which the reader does not close. */
int hz_reader_open_fd(struct hz_reader **out, int fd, const char *name,
		      const struct hz_reader_opts *opts, struct hz_err *err);

/* Delivers the next line. Returns 1 with *line set, 0 at the clean end of
 * input, or a negative status with err filled (file, line where the damage
 * starts, byte offset). After an error every complete line before the damage
 * has been delivered (and a partial one, flagged HZ_LINE_CUT); the next call
 * returns 0. */
int hz_reader_next(struct hz_reader *r, struct hz_line *line, struct hz_err *err);

/* Counts the lines up to the end of input, or up to max lines, without
 * delivering them (a last line without LF counts). Lines are not limited in
 * length here. *count gets the number; returns 0, or a negative status with
 * err filled when the input broke off (the lines before it are counted).
 * Later calls of either function go on after the lines counted. */
int hz_reader_count(struct hz_reader *r, uint64_t max, uint64_t *count, struct hz_err *err);

const struct hz_reader_stats *hz_reader_stats(const struct hz_reader *r);

/* Stops following: the next reads go to the end of what the file holds
 * now, and a last line without a newline is delivered (HZ_LINE_NO_EOL). */
void hz_reader_follow_end(struct hz_reader *r);

void hz_reader_free(struct hz_reader *r);

#endif
