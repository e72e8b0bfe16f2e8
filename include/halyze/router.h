/* Which format a traffic line belongs to, and handing its fields to the consumers. */
#ifndef HZ_ROUTER_H
#define HZ_ROUTER_H

#include <stddef.h>
#include <stdint.h>
#include "halyze/envelope.h"
#include "halyze/logformat.h"
#include "halyze/status.h"
#include "halyze/summary.h"

struct hz_router;

struct hz_router *hz_router_new(void);
void hz_router_free(struct hz_router *r);

/* Adds a format. `name` labels it in reasons ("httplog", "fe_custom");
 * `tag`, when not NULL, is the syslog tag (log-tag) whose lines go to it
 * first; `proxy`, when not NULL, is the frontend that uses it. The router
 * takes ownership of f, also on failure. Returns 0 or HZ_ENOMEM. */
int hz_router_add(struct hz_router *r, const char *name, const char *tag, const char *proxy,
		  struct hz_format *f);

/* Adds an error-log-format: lines it matches are connection errors, counted
 * by their %[fc_err_str] when the format logs it. Same ownership as above. */
int hz_router_add_error(struct hz_router *r, const char *name, const char *tag, const char *proxy,
			struct hz_format *f);

/* Adds the predefined formats tried when the user gave neither a format nor
 * a config: httplog, httpslog, tcplog, httplog-clf, httplog-legacy. */
int hz_router_add_defaults(struct hz_router *r, struct hz_err *err);

size_t hz_router_count(const struct hz_router *r);

/* The scan's traffic callback (see struct hz_scan_opts): ud is the router.
 * Tries the format that matched last, then those whose tag is the line's,
 * then the rest; records a match in s. Returns 1 for traffic, 2 for a connection error
 * (matched by an error-log-format), 0 when no
 * format fits (*why names the field that failed in the format that got
 * furthest; it lives until the next call), or a negative status. */
int hz_router_consume(void *ud, struct hz_summary *s, const struct hz_envelope *env, const char *path,
		      uint64_t lineno, const char **why);

/* Ends a scan: moves what the router still holds for s (the series of the
 * last buckets) into s. Call after the last line, before emitting s.
 * Returns 0 or HZ_ENOMEM. */
int hz_router_finish(struct hz_router *r, struct hz_summary *s);

/* A router for another thread: it shares parent's formats (parent must
 * outlive it and not change), with its own line scratch and diagnosis. Its
 * diagnosis is in part mode: see hz_router_join. NULL when out of memory,
 * or when parent has events or user rules (which are not shared). */
struct hz_router *hz_router_fork(const struct hz_router *parent);

struct hz_diag;
/* Ends one part of a split scan on a fork: takes the fork's diagnosis of
 * that part (its series already in the part's summary) and gives the fork
 * a fresh one for its next part. NULL with *rc = HZ_ENOMEM on failure. */
struct hz_diag *hz_router_detach(struct hz_router *fork, int *rc);

/* Joins a detached part into the parts joined before, in input order and
 * from one thread, so that session tracing crosses parts as in one scan:
 * the part's resumptions that only earlier parts could trace are counted
 * into s (the part's summary, to be merged after). `last`: no part will
 * follow (its handshakes are then not kept). Frees part. Returns 0 or
 * HZ_ENOMEM. */
int hz_router_join(struct hz_router *parent, struct hz_diag *part, struct hz_summary *s, int last);

/* Diagnosis settings; 0 in a field means its default. */
struct hz_diag_opts {
	int64_t ticket_lifetime_ms;   /* session tracing window; default 7200 s */
	int64_t expiry_warn_ms;       /* client-certificate expiry window; default 30 days */
	size_t max_sessions;          /* tracing table cap; default 4 M */
};

/* Replaces the diagnosis settings. Returns 0 or HZ_ENOMEM. */
int hz_router_set_diag(struct hz_router *r, const struct hz_diag_opts *o);

/* Turns the line-level diagnosis (TLS verdicts, built-in rules, tracing, the
 * series) off or on (the default); the statistics stay. */
void hz_router_set_diagnosis(struct hz_router *r, int on);

struct hz_ruleset;
/* Evaluates the user rules rs (not owned; must outlive the router) on every
 * traffic line. Each rule is registered in s under its name. A rule that
 * names a field a format lacks is skipped for that format: *missing gets one
 * message per (rule, field, proxy), for the caller to show (free with
 * hz_rules_free_messages). Returns 0 or HZ_ENOMEM. */
int hz_router_set_rules(struct hz_router *r, const struct hz_ruleset *rs, struct hz_summary *s,
			char ***missing, size_t *nmissing);

struct hz_events;
/* Every traffic line matched from now on is also written to ev (not owned). */
void hz_router_set_events(struct hz_router *r, struct hz_events *ev);

/* The i-th format (0 <= i < hz_router_count), its name, and whether it is an
 * error-log-format; for --format-explain and --fields checks. */
const struct hz_format *hz_router_format(const struct hz_router *r, size_t i, const char **name, int *error);

#endif
