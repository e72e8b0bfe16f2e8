/* halog's statistics (HAProxy admin/halog), from field positions or from named fields. */
#ifndef HZ_HALOG_H
#define HZ_HALOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "halyze/status.h"
#include "halyze/str.h"

/* Input filters and output modes, one bit each (halog's option letters). */
#define HZ_HALOG_COUNT      0x00000001u  /* -c */
#define HZ_HALOG_ERRORS     0x00000002u  /* -e (-E adds HZ_HALOG_INV_ERRORS) */
#define HZ_HALOG_INV_ERRORS 0x00000004u
#define HZ_HALOG_ACC_DELAY  0x00000008u  /* -ad */
#define HZ_HALOG_ACC_COUNT  0x00000010u  /* -ac */
#define HZ_HALOG_GRAPH      0x00000020u  /* -gt */
#define HZ_HALOG_PCT        0x00000040u  /* -pct */
#define HZ_HALOG_RESP       0x00000080u  /* -rt (-RT adds HZ_HALOG_INV_RESP) */
#define HZ_HALOG_INV_RESP   0x00000100u
#define HZ_HALOG_STATUS     0x00000200u  /* -st */
#define HZ_HALOG_SRV        0x00000400u  /* -srv */
#define HZ_HALOG_TERM       0x00000800u  /* -tc */
#define HZ_HALOG_COOK       0x00001000u  /* -cc */
#define HZ_HALOG_IP         0x00002000u  /* -ic */
#define HZ_HALOG_HTTP       0x00004000u  /* -H */
#define HZ_HALOG_TCN        0x00008000u  /* -tcn (-TCN adds HZ_HALOG_INV_TCN) */
#define HZ_HALOG_INV_TCN    0x00010000u
#define HZ_HALOG_HS         0x00020000u  /* -hs (-HS adds HZ_HALOG_INV_HS) */
#define HZ_HALOG_INV_HS     0x00040000u
#define HZ_HALOG_QUEUE      0x00080000u  /* -Q */
#define HZ_HALOG_QUEUE_SRV  0x00100000u  /* -QS */
#define HZ_HALOG_TIME       0x00200000u  /* -time */
#define HZ_HALOG_HDR        0x00400000u  /* -hdr */
#define HZ_HALOG_QUERY      0x00800000u  /* -query */
#define HZ_HALOG_URL        0x01000000u  /* any -u* mode; the key is in url_sort */

/* The -u* sort keys: url_sort holds one bit (1 << key) per -u* option given;
 * as in halog, -u wins, then the first of -uc, -ue, -ut, -ua, -uto, -uao,
 * -uba, -ubt. */
enum hz_halog_usort {
	HZ_HALOG_U_URL = 0,  /* -u */
	HZ_HALOG_U_COUNT,    /* -uc */
	HZ_HALOG_U_ERR,      /* -ue */
	HZ_HALOG_U_TAVG,     /* -ua */
	HZ_HALOG_U_TTOT,     /* -ut */
	HZ_HALOG_U_TAVGO,    /* -uao */
	HZ_HALOG_U_TTOTO,    /* -uto */
	HZ_HALOG_U_BAVG,     /* -uba */
	HZ_HALOG_U_BTOT      /* -ubt */
};

/* What halog writes on stderr while it reads, for the caller to show. */
enum hz_halog_note {
	HZ_HALOG_NOTE_TRUNCATED,  /* "Truncated line %d: %s" */
	HZ_HALOG_NOTE_NEGATIVE    /* -gt/-pct: "ERR: %s (%d %d %d %d %d => %d)" */
};

struct hz_halog_opts {
	unsigned flags;          /* HZ_HALOG_* */
	unsigned url_sort;       /* 1 << enum hz_halog_usort, per -u* option */
	int invert;              /* -v */
	int quiet;               /* -q: no notes */
	int skip_fields;         /* -s: 1 by default (an RFC 3164 header) */
	long lines_max;          /* -m: -1 for no limit */
	unsigned acc_delay, acc_count;
	int time_resp;           /* -rt/-RT */
	int hs_low, hs_high;     /* -hs/-HS */
	unsigned ts_low, ts_high;/* -time */
	unsigned cap_block, cap_field; /* -hdr */
	char tcn[2];             /* -tcn/-TCN (second byte 0 for a one-letter code) */
	int fixed;               /* corrected behaviours: the -u* header says url */
	FILE *out;               /* where lines are written while reading (-hdr, filters alone) */
	/* Called for halog's stderr notes (never for -q). `line` is the line as
	 * halog shows it (NUL-terminated), v the six numbers of a NEGATIVE note. */
	void (*note)(void *ud, enum hz_halog_note kind, long lineno, const char *line, const int *v);
	void *note_ud;
};

/* One line's facts, taken from named fields (a log-format matched by the
 * tokenizer). Views point into the caller's line; absent facts are empty
 * views or have their has_* at 0. */
struct hz_halog_rec {
	int http;                /* HTTP traffic (a status and five timers) */
	struct hz_str src;       /* client address, without the port */
	struct hz_str date;      /* accept date, dd/Mon/yyyy:HH:MM:SS.mmm */
	struct hz_str server;    /* backend/server */
	int ntimers;             /* 5 for HTTP (TR Tw Tc Tr Ta), 3 for TCP (Tw Tc Tt) */
	int t[5];                /* HTTP: TR Tw Tc Tr Ta; TCP: Tw Tc Tt in t[1], t[2], t[4] */
	int has_status;
	int status;
	int64_t bytes;
	struct hz_str term;      /* %ts or %tsc */
	int has_queue;
	int srv_queue, be_queue;
	struct hz_str path;      /* the URI without its query */
	struct hz_str uri;       /* the URI as logged */
	struct hz_str req_cap, res_cap; /* %hr / %hs blocks without the braces */
	int has_req_cap, has_res_cap;
};

struct hz_format;
struct hz_match;

/* Where a format keeps the facts halog uses (-1 when it lacks one). */
struct hz_halog_fmap {
	int ci, date, b, s, tr, tw, tc, trr, ta, st, bytes, term, sq, bq, req, path, uri, hr, hs;
};

/* Finds the fields of f that halog's statistics use. */
void hz_halog_fmap_init(struct hz_halog_fmap *map, const struct hz_format *f);

/* Fills r from a line matched by the format of map; views point into the
 * line m was matched on. */
void hz_halog_rec_fill(const struct hz_halog_fmap *map, const struct hz_match *m, struct hz_halog_rec *r);

struct hz_halog;

/* A new accumulator; the options are copied (out and note kept as given).
 * Returns 0, HZ_ENOMEM, or HZ_EINVAL when no action is set. */
int hz_halog_new(struct hz_halog **out, const struct hz_halog_opts *o);
void hz_halog_free(struct hz_halog *h);

/* Feeds one line (without its terminator), read the way halog reads a
 * default-format line: by counting space-separated fields after the
 * -s header fields. Returns 0 to go on, 1 when -m says stop reading, or
 * HZ_ENOMEM / HZ_EWRITE. */
int hz_halog_line(struct hz_halog *h, const char *p, size_t n);

/* Feeds one traffic line whose facts come from named fields. Same returns. */
int hz_halog_record(struct hz_halog *h, const struct hz_halog_rec *r, const char *p, size_t n);

/* Counts a line that is not traffic (a connection error or a message, in
 * named mode): it is read but enters no statistic. */
void hz_halog_skip(struct hz_halog *h);

/* Counts a line no format fits (named mode) as a parsing error. */
void hz_halog_unparsed(struct hz_halog *h);

/* Writes the final output (everything but the lines written while reading).
 * Returns 0 or HZ_EWRITE. */
int hz_halog_render(struct hz_halog *h, FILE *out);

/* halog's stderr summary figures; print_summary is 0 for -c, which has none. */
void hz_halog_totals(const struct hz_halog *h, long *lines_in, long *lines_out, long *parse_err,
		     int *print_summary);

/* 1 when the input need not be parsed: -c with no input filter (halog then
 * counts lines only, and its "lines in" stays 0). */
int hz_halog_count_only(const struct hz_halog *h);

/* For hz_halog_count_only: how many more lines to count (0 under -v, which
 * prints 0 without reading; UINT64_MAX without -m), and adding n counted
 * lines. */
uint64_t hz_halog_count_room(const struct hz_halog *h);
void hz_halog_counted(struct hz_halog *h, uint64_t n);

#endif
