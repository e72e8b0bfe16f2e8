/* Many inputs on several threads, with the result of one scan in order. */
#ifndef HZ_PSCAN_H
#define HZ_PSCAN_H

#include <stddef.h>
#include <stdint.h>
#include "halyze/scan.h"
#include "halyze/summary.h"

struct hz_router;

struct hz_pscan_opts {
	unsigned threads;          /* workers (at least 1) */
	uint64_t slice_bytes;      /* plain files of at least twice this are cut
				      into slices of about this size; 0: never */
	unsigned max_slices;       /* slices of one file at most (0: 256): each
				      part's tables are merged at the join, so
				      fewer, larger slices cost less */
	int wake_signal;           /* sent to the workers once so->stop is set,
				      so that a read on a pipe ends at once: a
				      signal whose handler is installed without
				      SA_RESTART; 0: none */
};

/* What became of one input. */
struct hz_pscan_input {
	int rc;                    /* as hz_scan_path returns */
	struct hz_err err;         /* when rc < 0 */
};

/* Scans paths[0..n) into s as hz_scan_path would one after the other, on
 * o->threads threads: inputs in parallel, and big plain files cut at line
 * boundaries into slices scanned in parallel. Each part is scanned into a
 * summary of its own with a fork of `router` (NULL: no traffic consumer;
 * else it must have no events and no user rules, see hz_router_fork), and
 * the parts are joined and merged in input order, so every figure is the
 * one a scan in order gives (line numbers included; session tracing crosses
 * parts). so->traffic and so->traffic_ud are ignored. so->progress, when
 * set, is called from this thread about four times a second with path NULL
 * and the totals of all inputs. out[i] tells what became of input i.
 * Returns 0, 1 when so->stop ended the scan early (s->partial is set), or
 * HZ_ENOMEM (the scan stopped). */
int hz_pscan(struct hz_summary *s, struct hz_router *router, const char *const *paths, size_t n,
	     const struct hz_scan_opts *so, const struct hz_pscan_opts *o, struct hz_pscan_input *out);

#endif
