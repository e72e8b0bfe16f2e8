/* The summary of a scan: line accounting plus every consumer's tables, mergeable. */
#ifndef HZ_SUMMARY_H
#define HZ_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include "halyze/countmap.h"
#include "halyze/envelope.h"
#include "halyze/rules.h"
#include "halyze/sketch.h"
#include "halyze/status.h"

#define HZ_SUMMARY_SCHEMA "halyze.summary.v1"

/* Columns of the per-key tables. */
enum { HZ_FE_REQUESTS = 0, HZ_FE_TLS, HZ_FE_NVALS };
/* Servers: requests always; the rest with --tables servers (status classes
 * 1xx..5xx and other, errors: 5xx and no status; %Tc and %Tr summed over
 * the lines where they are not -1, with those lines' counts). */
enum { HZ_SRV_REQUESTS = 0, HZ_SRV_1XX, HZ_SRV_2XX, HZ_SRV_3XX, HZ_SRV_4XX, HZ_SRV_5XX, HZ_SRV_OTHER,
       HZ_SRV_ERRORS, HZ_SRV_TC_MS, HZ_SRV_TC_N, HZ_SRV_TR_MS, HZ_SRV_TR_N, HZ_SRV_NVALS };
/* The per-URL and per-client tables (--tables): errors are 5xx answers and
 * requests without a status; time is %Ta (else %Tt) in ms, summed. */
enum { HZ_URL_REQUESTS = 0, HZ_URL_ERRORS, HZ_URL_TIME_MS, HZ_URL_BYTES, HZ_URL_NVALS };
enum { HZ_CLI_REQUESTS = 0, HZ_CLI_ERRORS, HZ_CLI_BYTES, HZ_CLI_NVALS };
#define HZ_TABLE_URLS    0x1u
#define HZ_TABLE_CLIENTS 0x2u
#define HZ_TABLE_QUERY   0x4u   /* URL keys keep the query string */
#define HZ_TABLE_TIMERS  0x8u   /* percentiles of the timers */
#define HZ_TABLE_SERVERS 0x10u  /* status classes, errors and times per server */
#define HZ_TABLE_HEADERS 0x20u  /* values of the captured headers (%hr, %hs) */
#define HZ_TABLE_CERTS   0x40u  /* TLS lines per client-certificate subject and issuer */
#define HZ_TABLE_ALL     0x7bu  /* every table (not HZ_TABLE_QUERY) */
/* The timers with percentiles, by their log-format alias. */
enum { HZ_TIMER_TR = 0, HZ_TIMER_Tw, HZ_TIMER_Tc, HZ_TIMER_Tr, HZ_TIMER_Ta, HZ_TIMER_Tt, HZ_TIMER_COUNT };
extern const char *const hz_timer_names[HZ_TIMER_COUNT];
#define HZ_MAX_KEYS_DEFAULT 100000u

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

/* What one rule found; mergeable: counts add, times widen, groups merge,
 * examples are kept in input order up to HZ_RULE_EXAMPLES. */
#define HZ_RULE_EXAMPLES 5
struct hz_rule_hits {
	uint64_t count;
	int64_t first_ms, last_ms;     /* line dates; INT64_MAX/INT64_MIN when none */
	struct hz_countmap *groups;    /* group key ("fe_a 10.0.0.1") -> hits */
	struct {
		char *file;
		uint64_t line;
	} examples[HZ_RULE_EXAMPLES];
	size_t nexamples;
};

/* A user rule (--rules) as the summary keeps it: its definition travels with
 * its hits, so summaries of different machines merge by name. */
struct hz_user_rule {
	char *name;
	enum hz_severity severity;
	char *title, *explain, *advice, *group_by;   /* may be NULL */
	struct hz_rule_hits hits;
	uint64_t limit_errors;                       /* regex matches cut by PCRE2 limits */
};

/* TLS verdicts of traffic lines (tls.c). The full/resumed figures count lines
 * of formats that log both ssl_fc_is_resumed and ssl_fc_has_crt;
 * inferred_resumed counts lines of formats that log ssl_fc_has_crt without
 * ssl_fc_is_resumed. */
struct hz_tls_counts {
	uint64_t lines;                /* TLS lines of formats logging a verdict field */
	uint64_t full_with_cert, full_without_cert;
	uint64_t resumed_without_cert, resumed_identity_known, resumed_anonymous;
	uint64_t resumed_with_cert;    /* should not happen: has_crt=1 on a resumed line */
	uint64_t inferred_resumed;
	struct hz_countmap *verify, *cert_errors, *ca_errors;  /* code -> lines */
	uint64_t resumed_traced, resumed_untraced;
	struct hz_countmap *untraced_reasons;
};

/* The series behind load correlation: keys are a bucket number (8 bytes,
 * big-endian, of epoch / bucket), the frontend, a NUL, and the series name
 * ("requests" or a rule name); values are counts. */
#define HZ_SERIES_REQUESTS "requests"

/* Remembers where a series counter is, for lines that repeat the same
 * series, bucket and frontend (not state: never merged or emitted). */
#define HZ_SERIES_CACHE 32
struct hz_series_cache {
	const char *name;          /* compared by pointer */
	int64_t bucket;
	char fe[64];
	size_t fe_n;
	uint64_t *counter;
	size_t map_size;           /* the pointer holds while the map keeps this size */
};

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
	struct hz_countmap *urls;            /* path (or path?query) -> HZ_URL_* */
	struct hz_countmap *clients;         /* client address -> HZ_CLI_* */
	struct hz_countmap *captures;        /* "hrN value" / "hsN value" -> n (slot N of %hr/%hs) */
	struct hz_countmap *subjects, *issuers; /* ssl_c_s_dn / ssl_c_i_dn -> TLS lines */
	unsigned tables;                     /* HZ_TABLE_*: which of them are filled */
	struct hz_sketch *timers[HZ_TIMER_COUNT]; /* with HZ_TABLE_TIMERS; NULL until a value */
	size_t max_keys;                     /* cap of every table keyed by log content; 0: none */
	uint64_t folded_loaded;              /* folded keys of summaries read back */

	struct hz_lint_finding *lint;        /* config lint of --config files */
	size_t nlint;

	struct hz_tls_counts tls;
	struct hz_rule_hits hits[HZ_RULE_BUILTIN_COUNT];
	struct hz_user_rule *user;           /* --rules, merged by name */
	size_t nuser;
	int64_t bucket_ms;                   /* series bucket width */
	struct hz_countmap *series;
	struct hz_series_cache series_cache[HZ_SERIES_CACHE];

	int partial;           /* the scan was interrupted */
};

/* A new, empty summary keeping up to max_samples unparsed examples. */
struct hz_summary *hz_summary_new(size_t max_samples);
void hz_summary_free(struct hz_summary *s);

/* Caps every table keyed by what the logs say (see hz_countmap_set_cap):
 * memory stays proportional to max_keys whatever the input. 0: no cap. */
void hz_summary_set_max_keys(struct hz_summary *s, size_t max_keys);

/* Adds v ms to timer t (allocating its sketch). Returns 0 or HZ_ENOMEM. */
int hz_summary_timer(struct hz_summary *s, int t, uint64_t v);

/* Keys folded into the "(other)" rows, over every table. */
uint64_t hz_summary_folded(const struct hz_summary *s);

/* Appends an input (path copied). Returns its index, or -1 when out of memory. */
long hz_summary_add_file(struct hz_summary *s, const char *path);

/* Adds base to every line number s keeps (samples, rule examples, errors):
 * for the summary of a slice of a file that did not start at line 1. */
void hz_summary_shift_lines(struct hz_summary *s, uint64_t base);

/* Records an unparsed line under `reason` (a static or long-lived string);
 * keeps it as a sample while there is room. Returns 0 or HZ_ENOMEM. */
int hz_summary_unparsed(struct hz_summary *s, const char *reason, const char *file,
			uint64_t line, const char *text, size_t n);

/* Adds src into dst: the result is the summary of both inputs, files of dst
 * first. Returns 0 or HZ_ENOMEM. */
int hz_summary_merge(struct hz_summary *dst, const struct hz_summary *src);
/* The same, for a src about to be freed: its maps may move into dst as they
 * are (when dst's are empty) instead of being copied key by key. */
int hz_summary_merge_take(struct hz_summary *dst, struct hz_summary *src);

/* Records one hit of a rule at time ms (INT64_MIN when unknown) on frontend
 * fe (for the series), in group (may be empty), found at file:line.
 * Returns 0 or HZ_ENOMEM. */
int hz_summary_hit(struct hz_summary *s, enum hz_rule_id rule, int64_t ms, const char *fe, size_t fe_n,
		   const char *group, size_t group_n, const char *file, uint64_t line);

/* Keeps file:line as an example of the rule (the first HZ_RULE_EXAMPLES
 * are kept). Returns 0 or HZ_ENOMEM. */
int hz_summary_rule_example(struct hz_summary *s, enum hz_rule_id rule, const char *file, uint64_t line);

/* hz_summary_hit without the series and the group: for a caller that
 * counts the rule's series itself (adding them with hz_summary_series later)
 * and its group in s->hits[rule].groups. Inline: the diagnosis calls it on
 * most lines. */
static inline int hz_summary_hit_only(struct hz_summary *s, enum hz_rule_id rule, int64_t ms, const char *file,
				      uint64_t line)
{
	struct hz_rule_hits *h = &s->hits[rule];

	h->count++;
	if (ms != INT64_MIN) {
		h->first_ms = ms < h->first_ms ? ms : h->first_ms;
		h->last_ms = ms > h->last_ms ? ms : h->last_ms;
	}
	return h->nexamples < HZ_RULE_EXAMPLES ? hz_summary_rule_example(s, rule, file, line) : 0;
}

/* The index of the user rule `name`, added when new (strings copied; NULLs
 * allowed); -1 when out of memory. */
long hz_summary_user_rule(struct hz_summary *s, const char *name, enum hz_severity sev, const char *explain,
			  const char *advice, const char *group_by);

/* Records one hit of user rule k, as hz_summary_hit does for built-ins. */
int hz_summary_user_hit(struct hz_summary *s, size_t k, int64_t ms, const char *fe, size_t fe_n,
			const char *group, size_t group_n, const char *file, uint64_t line);

/* Adds n to a series (see HZ_SERIES_REQUESTS) in the bucket of time ms. */
int hz_summary_series(struct hz_summary *s, int64_t ms, const char *frontend, size_t fe_n,
		      const char *series, uint64_t n);

struct hz_lint_finding;
/* Copies config-lint findings into s (those already there are skipped).
 * Returns 0 or HZ_ENOMEM. */
int hz_summary_add_lint(struct hz_summary *s, const struct hz_lint_finding *f, size_t n);

/* Reads back a summary written with hz_emit_json_mergeable (halyze
 * --partial), for hz_summary_merge. Returns 0, HZ_EOPEN, HZ_ESYNTAX (not
 * JSON, or not a mergeable halyze.summary.v1: err says which key) or
 * HZ_ENOMEM. */
int hz_summary_load(const char *path, struct hz_summary **out, struct hz_err *err);

/* Writes ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmm" (no zone). */
void hz_format_ms(char *buf, size_t cap, int64_t ms);

/* Lines that reached a bucket; equals s->lines when nothing was lost. */
static inline uint64_t hz_summary_accounted(const struct hz_summary *s)
{
	return s->requests + s->connection_errors + s->messages + s->unparsed;
}

#endif
