/* NDJSON events: one JSON object per traffic line, for log pipelines. */
#ifndef HZ_EVENTS_H
#define HZ_EVENTS_H

#include <stdint.h>
#include <stdio.h>
#include "halyze/logformat.h"
#include "halyze/status.h"

struct hz_events;

/* A sink writing to out (not closed by the sink). `fields` is NULL for every
 * field of each format, or a comma-separated list of field names (short
 * alias, long name or sample expression, as hz_format_find takes them).
 * Returns 0 or HZ_ENOMEM / HZ_EINVAL (an empty name in the list). */
int hz_events_new(struct hz_events **out_ev, FILE *out, const char *fields, struct hz_err *err);
void hz_events_free(struct hz_events *ev);

/* Writes one object: "file", "line", "format" (the route's name), then the
 * fields. Integers and timers are JSON numbers (a logasap '+' is dropped),
 * empty values null, everything else a string made safe as the JSON summary
 * makes it. Returns 0, or HZ_EWRITE when out failed. Never allocates once
 * its buffer has grown to the longest line. */
int hz_events_write(struct hz_events *ev, const struct hz_format *f, const char *format_name,
		    const struct hz_match *m, const char *path, uint64_t line);

/* Whether a field name of the list is known to format f (for the CLI to
 * reject names no format has). */
int hz_events_fields_known(const struct hz_events *ev, const struct hz_format *const *fmts, size_t n,
			   const char **unknown);

#endif
