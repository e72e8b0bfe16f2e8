/* Private layout of a compiled log-format, shared by the compiler and the matcher. */
#ifndef HZ_SRC_LOGFORMAT_H
#define HZ_SRC_LOGFORMAT_H

#include <stddef.h>
#include <stdint.h>
#include "halyze/logformat.h"

/* How one field is recognised in a line. Chosen at compile time from the
 * alias, its type and its effective flags, so the matcher never looks at
 * flags again. */
enum hz_lf_mode {
	LFM_INT = 0,   /* [+-]?digits */
	LFM_HEX,       /* X-flagged numbers (%Ts %rt %lc %pid %ms): hex digits */
	LFM_IP,        /* IPv4 / IPv6 / unix / - */
	LFM_IP_Q,      /* the same inside quotes, or "" */
	LFM_IPHEX,     /* 8 or 32 hex digits, or - */
	LFM_PORT,      /* digits, - (or "" under Q) */
	LFM_PORTHEX,   /* 4 hex digits, - (or "" under Q) */
	LFM_DATE_MS,   /* dd/Mon/yyyy:HH:MM:SS.mmm */
	LFM_DATE_TZ,   /* dd/Mon/yyyy:HH:MM:SS +hhmm */
	LFM_TERM,      /* fixed width termination state */
	LFM_TOKEN,     /* text without spaces (names, cookies, %H* items) */
	LFM_TOKEN_Q,   /* "..." that cannot hold a raw quote */
	LFM_FT,        /* %ft: token, a final '~' is a mark, not part of the value */
	LFM_FT_Q,      /* "%ft" */
	LFM_TEXT,      /* free text, may hold spaces: resolved on the next literal */
	LFM_TEXT_Q,    /* "free text" that may hold raw quotes */
	LFM_TEXT_QE,   /* "free text" with backslash escapes (+E): first unescaped quote ends it */
	LFM_REQ_Q,     /* "%r": quoted, may be cut short by the line length limit */
	LFM_CAPT,      /* %hr/%hs: {..} or absent */
	LFM_CAPT_Q,    /* "{..}" or absent */
	LFM_LIST,      /* %hrl/%hsl: free text or absent */
	LFM_LIST_Q     /* %hrl/%hsl under Q: "a" "b" ... or absent */
};

enum hz_lf_kind { LFN_GLUE = 0, LFN_FIELD };

/* One step of the format: literal glue (literals and separators merged) or a
 * field. Separators are kept as a single ' ' in the glue text; whether the
 * leading one prints depends on what came before (see tokenize.c). */
struct hz_lf_node {
	uint8_t kind;       /* enum hz_lf_kind */
	uint8_t mode;       /* enum hz_lf_mode (fields) */
	uint8_t lead_sep;   /* glue: text starts with a separator */
	uint8_t trail_sep;  /* glue: text ends with a separator */
	uint8_t width;      /* LFM_TERM: 2 or 4 */
	uint8_t term_end;   /* field: nothing but its terminator follows until the end */
	uint8_t tail_opt;   /* every node after this one may print nothing */
	uint8_t quoted;     /* field: its empty form is "" rather than - */
	uint8_t glued;      /* field: a glue node follows (its text is the terminator) */
	uint8_t pad_;
	uint16_t field;     /* field index */
	uint32_t off, len;  /* glue: text in buf */
	uint32_t toff, tlen;/* field: terminator in buf at toff+1; buf[toff] is '"' */
};

/* One step of the straight-line pass (tokenize.c): a field together with
 * the glue after it, or the glue that starts the format. Built once from
 * the nodes by hz_format_plan; see tokenize.c for what each kind does. */
struct hz_lf_op {
	uint8_t kind;       /* enum in tokenize.c */
	uint8_t glue;       /* a glue node follows the field */
	uint8_t glen;       /* that glue's length when 1..8 (compared as one word), else 0 */
	uint8_t gtrail;     /* that glue ends with a separator */
	uint8_t ft;         /* %ft: a final '~' is a mark, not part of the value */
	uint8_t q;          /* quoted form (capture, port) or +E escapes (quoted values) */
	uint8_t width;      /* termination state width */
	char g0;            /* the glue's first byte */
	uint8_t run;        /* integers: how many integer ops follow, each after a one-byte glue */
	uint8_t glead;      /* that glue starts with a separator */
	uint8_t tend;       /* the field's node's term_end */
	uint8_t pad_;
	uint16_t field;     /* field index */
	uint16_t node;      /* index of the field's node (of the glue for a leading glue) */
	uint32_t tl;        /* terminator (= following glue) length */
	const char *t;      /* terminator text, in buf; t[-1] is '"' */
	uint64_t gword;     /* the glue's bytes as loaded from memory, when glen > 0 */
	uint64_t gmask;     /* the bytes of gword that count */
};

struct hz_format {
	char *src;                    /* NUL-terminated copy of the format */
	size_t srcn;
	struct hz_field_info *fields;
	size_t nfields;
	struct hz_lf_node *nodes;
	size_t nnodes;
	char *buf;                    /* glue and terminator texts */
	size_t bufn;
	struct hz_lf_op *ops;         /* the straight-line plan, ending with a stop op */
	size_t nops;
	uint16_t *lazy;               /* ops whose other candidates are looked for on failure only */
	size_t nlazy;                 /* (lazy is in the same allocation as ops) */
};

/* Upper bound on nodes: glue and fields alternate. */
#define HZ_LF_MAX_NODES (2 * HZ_MATCH_MAX_FIELDS + 1)

/* Builds f->ops from f->nodes (again, after the nodes changed). Returns 0 or
 * HZ_ENOMEM. */
int hz_format_plan(struct hz_format *f);

/* hz_format_match for a caller that tries several formats and explains
 * only the one that got furthest: on failure *col is the 1-based column
 * that hz_format_match would put in why->col, and no message is made. */
int hz_format_match_col(const struct hz_format *f, const char *p, size_t n, struct hz_match *m, uint32_t *col);

/* The backtracking matcher alone, without the straight-line pass that
 * hz_format_match tries first. Same contract and results as
 * hz_format_match; kept for the tests that compare the two. */
int hz_format_match_backtrack(const struct hz_format *f, const char *p, size_t n,
			      struct hz_match *m, struct hz_err *why);

#endif
