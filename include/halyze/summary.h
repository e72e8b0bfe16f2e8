/* The summary of a scan: line accounting plus every consumer's tables, mergeable. */
#ifndef HZ_SUMMARY_H
#define HZ_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include "halyze/countmap.h"
#include "halyze/envelope.h"
#include "halyze/status.h"

#define HZ_SUMMARY_SCHEMA "halyze.summary.v1"

/* Columns of the per-key tables. */
enum { HZ_FE_REQUESTS = 0, HZ_FE_TLS, HZ_FE_NVALS };
enum { HZ_SRV_REQUESTS = 0, HZ_SRV_NVALS };

/* One input as read. Strings are owned by the summary. */
struct hz_file_summary {
	char *path;
	uint64_t bytes;        /* bytes read from the file (compressed size for gzip) */
	uint64_t text_bytes;   /* bytes of text (decompressed) */
	uint64_t lines;
	int compressed;
	int error_code;        /* 0, or an enum hz_status */
	char *error;           /* message, NULL when none */
	uint64_t error_line;   /* line where the damage starts */
};

/* A line kept as an example of what could not be parsed. */
struct hz_sample {
	char *file;
	uint64_t line;
	char *reason;
	char *text;            /* raw bytes, at most HZ_SAMPLE_MAX */
	size_t n;
};
#define HZ_SAMPLE_MAX 512

struct hz_summary {
	struct hz_file_summary *files;
	size_t nfiles, files_cap;

	uint64_t lines, requests, connection_errors, messages, unparsed;
	uint64_t headers[HZ_HDR_COUNT];      /* lines per syslog header kind */
	struct hz_countmap *unparsed_reasons;
	struct hz_sample *samples;
	size_t nsamples, max_samples;

	struct hz_countmap *frontends;       /* HZ_FE_* columns */
	struct hz_countmap *status;          /* "200" -> n */
	struct hz_countmap *termination;     /* "----" / "--" -> n */
	struct hz_countmap *servers;         /* "backend/server" -> HZ_SRV_* */
	struct hz_countmap *connerr_messages;/* message -> n */
	struct hz_countmap *connerr_frontends;/* frontend -> n */
	struct hz_countmap *message_kinds;   /* kind -> n */

	int partial;           /* the scan was interrupted */
};

/* A new, empty summary keeping up to max_samples unparsed examples. */
struct hz_summary *hz_summary_new(size_t max_samples);
void hz_summary_free(struct hz_summary *s);

/* Appends an input (path copied). Returns its index, or -1 when out of memory. */
long hz_summary_add_file(struct hz_summary *s, const char *path);

/* Records an unparsed line under `reason` (a static or long-lived string);
 * keeps it as a sample while there is room. Returns 0 or HZ_ENOMEM. */
int hz_summary_unparsed(struct hz_summary *s, const char *reason, const char *file,
			uint64_t line, const char *text, size_t n);

/* Adds src into dst: the result is the summary of both inputs, files of dst
 * first. Returns 0 or HZ_ENOMEM. */
int hz_summary_merge(struct hz_summary *dst, const struct hz_summary *src);

/* Lines that reached a bucket; equals s->lines when nothing was lost. */
static inline uint64_t hz_summary_accounted(const struct hz_summary *s)
{
	return s->requests + s->connection_errors + s->messages + s->unparsed;
}

#endif
