/* Load correlation: the summary's time series as dense arrays, and Pearson's r. */
#ifndef HZ_CORRELATE_H
#define HZ_CORRELATE_H

#include <stddef.h>
#include <stdint.h>
#include "halyze/summary.h"

/* One series: counts per bucket for one frontend ("" = all frontends). */
struct hz_series {
	char *frontend;        /* frontend_n bytes (a log's, NUL bytes included), and a NUL */
	size_t frontend_n;
	char *name;            /* "requests" or a rule name */
	uint64_t *counts;      /* n entries */
};

struct hz_series_set {
	int64_t first;         /* bucket number of counts[0] (epoch ms / bucket_ms) */
	size_t n;              /* buckets from the first to the last seen */
	int64_t bucket_ms;
	struct hz_series *v;
	size_t nv;
};

/* Builds every series of s, per frontend and summed over all frontends.
 * More than max_buckets buckets (0: 100000) are refused with HZ_ELIMIT.
 * Returns 0 or HZ_ENOMEM; release with hz_series_release. */
int hz_series_build(const struct hz_summary *s, size_t max_buckets, struct hz_series_set *out);
void hz_series_release(struct hz_series_set *set);

/* The series (frontend, name), or NULL. */
const struct hz_series *hz_series_find(const struct hz_series_set *set, const char *frontend, const char *name);

/* Pearson's correlation of x and y over n points; NaN when either is
 * constant or n < 3. */
double hz_pearson(const uint64_t *x, const uint64_t *y, size_t n);

/* Series that break the requests of each bucket down for charts, recorded
 * (diagnose.c) on traffic lines with a date next to "requests":
 * - "tls:full-cert", full handshakes with a certificate (the other TLS
 *   categories are the series of the rules that count them);
 * - "status:1xx" .. "status:5xx", "status:other", the status class;
 * - "term:X", who ended the session: X is the first character of the
 *   termination state (-, C, S, P, L, R, I, D, U, K, c, s), "term:?" others. */
#define HZ_SERIES_FULL_CERT "tls:full-cert"
enum { HZ_STATUS_CLASSES = 6, HZ_TERM_CAUSES = 13 };
extern const char *const hz_series_status[HZ_STATUS_CLASSES];
extern const char *const hz_series_term[HZ_TERM_CAUSES];
/* The index in hz_series_status of a status code, and in hz_series_term of
 * a termination state: inline, as they run on every line. */
static inline size_t hz_series_status_class(const char *p, size_t n)
{
	if (n == 3 && p[0] >= '1' && p[0] <= '5' && (unsigned)(p[1] - '0') <= 9 && (unsigned)(p[2] - '0') <= 9)
		return (size_t)(p[0] - '1');
	return HZ_STATUS_CLASSES - 1;
}
/* 1 + the index of each known first character, 0 for the others */
extern const unsigned char hz_series_term_of[256];
static inline size_t hz_series_term_cause(const char *p, size_t n)
{
	unsigned k = n ? hz_series_term_of[(unsigned char)p[0]] : 0;
	return k ? k - 1 : HZ_TERM_CAUSES - 1;
}
/* The library's own pointer for a breakdown series name (series keep names
 * by pointer), or NULL when name is not one. */
const char *hz_series_breakdown(const char *name);

/* Fewer buckets than this (or fewer than 3 with traffic) give no r. */
#define HZ_CORRELATION_MIN_BUCKETS 8

/* A rule that fired, with how its hits follow load. */
struct hz_finding {
	int user;              /* a user rule (s->user[index]) rather than a built-in */
	size_t index;          /* enum hz_rule_id, or the user rule's index */
	double r;              /* hits vs requests per bucket, all frontends; NaN when unknown */
	size_t buckets;        /* points behind r */
};

/* Everything an emitter shows of a finding, built-in or user rule alike. */
struct hz_finding_view {
	const char *name, *title, *explain, *advice, *group_by;  /* title..group_by may be NULL */
	enum hz_severity severity;
	const struct hz_rule_hits *hits;
};
void hz_finding_view(const struct hz_summary *s, const struct hz_finding *f, struct hz_finding_view *v);

/* The rules of s that fired (built-in and user), most severe first, then in
 * catalogue order (built-ins, then user rules in file order): a malloc'd
 * array in *out (free it), and how many. set may be NULL (no correlation).
 * Returns (size_t)-1 when out of memory. */
size_t hz_findings_rank(const struct hz_summary *s, const struct hz_series_set *set, struct hz_finding **out);

/* "rises with load", "falls as load rises", "does not follow load", or NULL
 * when r is NaN. */
const char *hz_correlation_words(double r);

#endif
