/* The default traffic consumer (private to the core). */
#ifndef HZ_STATS_H
#define HZ_STATS_H

#include "halyze/logformat.h"
#include "halyze/summary.h"

/* Where the fields the summary needs sit in one format; -1 when absent. */
struct hz_stats_binding {
	int frontend, backend, server, status, term;
	int request, client, bytes, time;   /* for the URL and client tables */
	int timer[HZ_TIMER_COUNT];          /* for the timers' percentiles */
	int hr, hs;                         /* captured headers, block form */
};

void hz_stats_bind(const struct hz_format *f, struct hz_stats_binding *b);

/* Adds one matched traffic line to the summary's tables. `proxy` (may be
 * NULL; proxy_n its length) names the frontend when the format does not log it. */
int hz_stats_record(struct hz_summary *s, const struct hz_stats_binding *b, const struct hz_match *m,
		    const char *proxy, size_t proxy_n);

#endif
