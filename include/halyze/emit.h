/* Emitters: the summary as JSON for programs and as text for people. */
#ifndef HZ_EMIT_H
#define HZ_EMIT_H

#include <stdio.h>
#include "halyze/status.h"
#include "halyze/summary.h"

/* Writes the summary as one JSON document (schema HZ_SUMMARY_SCHEMA) and a
 * newline. Returns 0, HZ_ENOMEM or HZ_EWRITE. */
int hz_emit_json(const struct hz_summary *s, FILE *out, struct hz_err *err);

/* The same document on one line (NDJSON: a summary per line). */
int hz_emit_json_line(const struct hz_summary *s, FILE *out, struct hz_err *err);

/* The same document with everything hz_summary_load needs to merge it
 * exactly: "mergeable": true, and every group of every finding (not only the
 * top 10) in "all_groups". */
int hz_emit_json_mergeable(const struct hz_summary *s, FILE *out, struct hz_err *err);

struct hz_text_opts {
	size_t top;         /* rows per table; 0 = 20 */
	const char *version;/* shown in the title; may be NULL */
};

/* Writes the summary as aligned text tables, with every byte that came from
 * the logs escaped for the terminal. Returns 0 or HZ_EWRITE. */
int hz_emit_text(const struct hz_summary *s, FILE *out, const struct hz_text_opts *o,
		 struct hz_err *err);

#endif
