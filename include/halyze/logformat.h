/* HAProxy log-format strings compiled to a matcher, and the field catalogue. */
#ifndef HZ_LOGFORMAT_H
#define HZ_LOGFORMAT_H

#include <stddef.h>
#include <stdint.h>
#include "halyze/status.h"
#include "halyze/str.h"

/* What a field holds, which decides how it is matched and typed. */
enum hz_ftype {
	HZ_FT_LITERAL = 0, /* not a field */
	HZ_FT_STRING,      /* free text (names, samples, captures in list form) */
	HZ_FT_INT,         /* decimal, maybe negative or '+'-prefixed (logasap, %rc) */
	HZ_FT_TIMER,       /* ms, or -1 */
	HZ_FT_IP,          /* IPv4/IPv6/unix/-, or hex under +X */
	HZ_FT_PORT,        /* decimal or -, or 4 hex digits under +X */
	HZ_FT_DATE_MS,     /* dd/Mon/yyyy:HH:MM:SS.mmm  (%t %tr) */
	HZ_FT_DATE_TZ,     /* dd/Mon/yyyy:HH:MM:SS +hhmm (%T %Tl %trg %trl) */
	HZ_FT_TERM,        /* %ts (2 chars) / %tsc (4 chars) */
	HZ_FT_REQUEST,     /* %r: "METHOD URI VERSION" or <BADREQ> */
	HZ_FT_CAPTURE,     /* %hr/%hs: optional {a|b|...} block */
	HZ_FT_FRONTEND,    /* %ft: name with optional '~' */
	HZ_FT_SAMPLE       /* %[expr]: opaque text; may hold spaces when unquoted */
};

/* Identity of an item: one per alias of the reference's table. */
enum hz_alias {
	HZ_A_NONE = 0,
	HZ_A_SAMPLE,  /* %[...] */
	HZ_A_B, HZ_A_CC, HZ_A_CS, HZ_A_H, HZ_A_HM, HZ_A_HP, HZ_A_HPO, HZ_A_HQ, HZ_A_HU, HZ_A_HV,
	HZ_A_ID, HZ_A_ST, HZ_A_T, HZ_A_Ta, HZ_A_Tc, HZ_A_Td, HZ_A_Th, HZ_A_Ti, HZ_A_Tl, HZ_A_Tq,
	HZ_A_TR, HZ_A_Tr, HZ_A_Ts, HZ_A_Tt, HZ_A_Tu, HZ_A_Tw, HZ_A_U, HZ_A_ac, HZ_A_b, HZ_A_bc,
	HZ_A_bi, HZ_A_bp, HZ_A_bq, HZ_A_ci, HZ_A_cp, HZ_A_f, HZ_A_fc, HZ_A_fi, HZ_A_fp, HZ_A_ft,
	HZ_A_hr, HZ_A_hrl, HZ_A_hs, HZ_A_hsl, HZ_A_lc, HZ_A_ms, HZ_A_OG, HZ_A_pid, HZ_A_r, HZ_A_rc,
	HZ_A_rt, HZ_A_s, HZ_A_sc, HZ_A_si, HZ_A_sp, HZ_A_sq, HZ_A_sslc, HZ_A_sslv, HZ_A_t, HZ_A_tr,
	HZ_A_trg, HZ_A_trl, HZ_A_ts, HZ_A_tsc,
	HZ_A_COUNT
};

/* Item flags (%{+Q,+X,+E,-M}). */
#define HZ_FLAG_Q 0x1u
#define HZ_FLAG_X 0x2u
#define HZ_FLAG_E 0x4u
#define HZ_FLAG_M 0x8u

/* Everything known about one field of a compiled format. Strings point into
 * the compiled format and live as long as it. */
struct hz_field_info {
	enum hz_alias alias;
	enum hz_ftype type;
	unsigned flags;
	const char *alias_name;  /* "ST", "Ta", "[" for samples */
	const char *long_name;   /* "status", "time_active"; NULL for samples */
	struct hz_str expr;      /* sample expression as written, e.g. "ssl_c_i_dn(cn)" */
	struct hz_str name;      /* 3.x %(name) item name, empty when none */
};

struct hz_format;

/* Compiles a log-format string (already unquoted, as HAProxy holds it after
 * reading the config word). On error returns HZ_ESYNTAX with err->col the
 * 1-based column and err->msg phrased as HAProxy does. */
int hz_format_compile(const char *fmt, size_t n, struct hz_format **out, struct hz_err *err);

/* Compiles a predefined format by name: "httplog", "httplog-legacy" (pre-1.7),
 * "httplog-clf", "tcplog", "tcplog-clf", "httpslog", "error-default"
 * (the `fe/bind: message` line). Returns HZ_EINVAL for an unknown name. */
int hz_format_predefined(const char *name, struct hz_format **out, struct hz_err *err);

/* The format string the format was compiled from (NUL-terminated copy). */
const char *hz_format_source(const struct hz_format *f);

size_t hz_format_nfields(const struct hz_format *f);
const struct hz_field_info *hz_format_field(const struct hz_format *f, size_t i);

/* Index of the first field that answers to `name`: a short alias ("ST",
 * "%ST"), a long name ("status"), or a sample expression as written
 * ("ssl_c_i_dn(cn)", "ssl_c_serial,hex"). -1 when absent. */
int hz_format_find(const struct hz_format *f, const char *name);

/* Result of matching one line: one view per field, quotes already removed.
 * A field is "empty" when logged as `-`, `""` or absent (%hr on a <BADREQ>
 * line). Views point into the line. */
#define HZ_MATCH_MAX_FIELDS 128

/* Per-field marks: what the view alone cannot say. */
#define HZ_MARK_TILDE  0x1u  /* %ft ended in '~' (SSL bind); the view excludes it */
#define HZ_MARK_ABSENT 0x2u  /* %hr/%hs/%hrl/%hsl printed nothing at all */
#define HZ_MARK_CUT    0x4u  /* a quoted %r lost its closing quote (line length limit) */
#define HZ_MARK_QUOTED 0x8u  /* the value was logged inside quotes */

struct hz_match {
	size_t nfields;
	struct hz_str v[HZ_MATCH_MAX_FIELDS];
	uint8_t empty[HZ_MATCH_MAX_FIELDS];
	uint8_t mark[HZ_MATCH_MAX_FIELDS];   /* HZ_MARK_* bits */
};

/* Matches line (p, n) against the format. Returns 0 on success, or
 * HZ_ESYNTAX with why->msg naming the field that did not fit and why->col
 * the byte column in the line. Never allocates. */
int hz_format_match(const struct hz_format *f, const char *p, size_t n,
		    struct hz_match *m, struct hz_err *why);

void hz_format_free(struct hz_format *f);

/* Typed readers for matched views; each returns 0, or -1 when the view does
 * not hold that type (an empty view included). */
int hz_field_int(struct hz_str v, int64_t *out);   /* accepts a leading '+' or '-' */

#endif
