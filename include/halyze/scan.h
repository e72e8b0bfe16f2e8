/* One streaming pass: reader -> envelope -> router -> tokenizer -> consumers. */
#ifndef HZ_SCAN_H
#define HZ_SCAN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "halyze/status.h"
#include "halyze/summary.h"

struct hz_envelope;

/* What a progress callback is told, every few hundred thousand lines. */
struct hz_progress {
	const char *path;
	uint64_t bytes_in;     /* of this file, as read (compressed for gzip) */
	uint64_t size;         /* of this file, 0 when unknown */
	uint64_t lines;        /* of this file */
};

struct hz_reader_buf;

struct hz_scan_opts {
	size_t max_line;               /* 0: the reader's default */
	int headers_only;              /* account lines and syslog headers only */
	/* The traffic consumer (the router over the compiled formats): returns 1
	 * when the line was traffic and has been recorded in s, 2 when it was a
	 * connection error recorded in s's connection-error tables, 0 when not
	 * (with *why set to a short, low-cardinality reason), or a negative
	 * status. NULL: no line is traffic. */
	int (*traffic)(void *ud, struct hz_summary *s, const struct hz_envelope *env, const char *path,
		       uint64_t lineno, const char **why);
	void *traffic_ud;
	void (*progress)(void *ud, const struct hz_progress *p);
	void *progress_ud;
	volatile sig_atomic_t *stop;   /* set asynchronously to end the scan early */
	int inflate_thread;            /* gzip files inflate on a thread of their own */
	/* the readers' line buffer, kept from one input to the next (see
	 * hz_reader_opts.spare); NULL: none kept */
	struct hz_reader_buf *spare;
};

/* Scans one input ("-" for stdin) into s. An input that cannot be opened or
 * breaks off (gzip damage, read error) is recorded in s->files and returned
 * as a negative status with err filled; every line read before is in s.
 * Returns 0, or 1 when opts->stop ended the scan early (s->partial set). */
int hz_scan_path(struct hz_summary *s, const char *path, const struct hz_scan_opts *opts,
		 struct hz_err *err);

struct hz_line;
/* Accounts one line read from `path` into s, as hz_scan_path does each line
 * (for a caller that reads by itself: follow mode). Returns 0 or a negative
 * status. */
int hz_scan_line(struct hz_summary *s, const char *path, const struct hz_line *l, const struct hz_scan_opts *o);

/* Scans the bytes [start, start + len) of the plain file `path` into s, the
 * way hz_scan_path scans a file, except that s gets no file entry: the
 * slice's figures go to *f, and its line numbers count from 1 at start
 * (see hz_summary_shift_lines). start must be 0 or just after a newline.
 * Returns as hz_scan_path does. */
int hz_scan_slice(struct hz_summary *s, const char *path, uint64_t start, uint64_t len,
		  const struct hz_scan_opts *o, struct hz_file_summary *f, struct hz_err *err);

#endif
