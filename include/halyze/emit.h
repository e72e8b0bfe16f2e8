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

/* Sparklines in the text summary: a row of blocks per time bucket for the
 * requests and each rule that fired. The caller decides (a terminal on
 * stdout, and its locale): the core never looks at either. */
enum hz_spark { HZ_SPARK_NONE = 0, HZ_SPARK_UNICODE, HZ_SPARK_ASCII };

struct hz_text_opts {
	size_t top;         /* rows per table; 0 = 20 */
	const char *version;/* shown in the title; may be NULL */
	enum hz_spark spark;/* HZ_SPARK_NONE unless stdout is a terminal */
};

/* Writes the summary as aligned text tables, with every byte that came from
 * the logs escaped for the terminal. Returns 0, HZ_EWRITE, or HZ_ENOMEM
 * when a table could not be sorted (what was written is then incomplete). */
int hz_emit_text(const struct hz_summary *s, FILE *out, const struct hz_text_opts *o,
		 struct hz_err *err);

struct hz_html_opts {
	size_t top;         /* rows per table; 0 = 20, at most 50 */
	const char *version;/* shown in the page's generator tag; may be NULL */
};

/* Writes the summary as one self-contained HTML page: the diagnosis first,
 * then charts over time drawn as inline SVG from the summary's series, the
 * tables, and what could not be parsed. Every string that came from the logs
 * is escaped (HZ_ESC_HTML); the page loads nothing (a Content-Security-Policy
 * forbids it) and runs no script. Its size is bounded by the number of
 * buckets and rows, not by the number of lines; it depends only on s and o,
 * so a summary read back with hz_summary_load gives the same bytes.
 * Returns 0, HZ_ENOMEM or HZ_EWRITE. */
int hz_emit_html(const struct hz_summary *s, FILE *out, const struct hz_html_opts *o, struct hz_err *err);

#endif
