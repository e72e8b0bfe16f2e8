/* The command-line front end's shared declarations (not part of the core). */
#ifndef HZ_CLI_H
#define HZ_CLI_H

#include <stddef.h>
#include <signal.h>
#include <stdio.h>

#include "halyze/scan.h"
#include "halyze/status.h"

/* Exit codes; man/halyze.1 EXIT STATUS documents each. */
enum {
	HZ_EXIT_OK = 0,
	HZ_EXIT_INPUT = 1,       /* an input could not be read completely */
	HZ_EXIT_USAGE = 2,       /* bad command line */
	HZ_EXIT_UNPARSED = 3,    /* --strict and some lines were not parsed */
	HZ_EXIT_OUTPUT = 4,      /* the output could not be written */
	HZ_EXIT_CONFIG = 5,      /* a format, config or rule file is invalid */
	HZ_EXIT_INTERNAL = 70,   /* out of memory or a bug */
	HZ_EXIT_INTERRUPTED = 130
};

struct cli_opts {
	int json;
	int strict;
	int headers_only;
	int events;              /* NDJSON per traffic line on stdout */
	const char *fields;      /* --fields LIST */
	int explain;             /* --format-explain */
	size_t ticket_lifetime;  /* seconds */
	size_t expiry_days;
	size_t bucket;           /* seconds */
	const char *rules;       /* --rules FILE */
	int no_diagnosis;
	int quiet;
	int progress;            /* -1 auto, 0 off, 1 on */
	size_t max_line;
	size_t samples;
	size_t top;
	size_t jobs;             /* -j; 0: the number of cores */
	size_t slice_size;       /* --slice-size */
	int slice_given;         /* ... given: no cap of two slices a thread */
	const char *output;
	const char *partial;     /* --partial FILE */
	const char *html;        /* --html FILE */
	const char **formats;    /* --format, repeatable */
	size_t nformats;
	const char **configs;    /* --config, repeatable */
	size_t nconfigs;
	char **inputs;
	size_t ninputs;
	char **owned_inputs;     /* after cli_inputs: what inputs points to */
	size_t nowned;
	int had_inputs;          /* FILE arguments were given (maybe empty dirs) */
	int keep_order;          /* --keep-order */
	int follow;              /* --follow */
	unsigned tables;         /* --tables, --query: HZ_TABLE_* */
	int tables_none;         /* --tables none */
	size_t max_keys;         /* --max-keys */
	size_t interval;         /* --interval, seconds */
};

struct hz_router;
/* Builds the router from --format/--config, or the predefined formats when
 * neither is given; the lint findings of each config go into s. Returns 0,
 * or an exit code with the error reported. */
struct hz_summary;
/* --follow: tails the inputs (rotation, truncation, files that appear
 * later) into s and writes a fresh summary every --interval seconds, to -o
 * or as NDJSON on stdout, until *stop; then the final one. Returns an exit
 * code. */
int cli_follow(const struct cli_opts *o, struct hz_summary *s, struct hz_router *router,
	       volatile sig_atomic_t *stop);

/* Expands directories into their files and puts rotated sets oldest first
 * (haproxy.log.10.gz ... haproxy.log.1, haproxy.log), unless --keep-order.
 * Returns 0, or -1 when out of memory. */
int cli_inputs(struct cli_opts *o);

int cli_router(const struct cli_opts *o, struct hz_router **out, struct hz_summary *s);

/* --format-explain: prints each format of the router; returns an exit code. */
int cli_explain(const struct hz_router *r, FILE *out);

/* `halyze merge ...` or `halyze report ...` (argv[0] says which); returns an
 * exit code. */
int cli_merge(int argc, char **argv);

/* `halyze halog ...` (argv[0] is "halog" or the program name); returns an exit code. */
int cli_halog(int argc, char **argv);

/* `halyze lint ...` (argv[0] is "lint"); returns an exit code. */
int cli_lint(int argc, char **argv);
struct hz_lint_finding;
void cli_print_lint(FILE *out, const char *path, const struct hz_lint_finding *f, size_t n);
struct json_t;
/* The findings as a JSON array (new reference). */
struct json_t *cli_lint_json(const char *path, const struct hz_lint_finding *f, size_t n);

/* Parses argv. Returns -1 to go on, or an exit code (after --help,
 * --version, or a usage error already reported). */
int cli_parse(int argc, char **argv, struct cli_opts *o);
void cli_free(struct cli_opts *o);

/* "halyze: " + message on stderr; log bytes in it are escaped. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The CLI's one format for a core error: "halyze: FILE:LINE: message". */
void cli_report(const struct hz_err *e);

/* Sparklines for a text summary going to fd: none unless fd is a terminal;
 * Unicode blocks under a UTF-8 locale (LC_ALL, LC_CTYPE, LANG), ASCII else. */
#include "halyze/emit.h"
enum hz_spark cli_spark(int fd);

struct cli_out;
/* --html FILE: writes the report of s to out (opened with cli_out_open) and
 * closes it; returns 0 or an exit code (reported). */
int cli_write_html(const struct hz_summary *s, struct cli_out *out, size_t top);

/* Output to a file is written to a temporary name and renamed at the end. */
struct cli_out {
	FILE *f;
	const char *path;        /* NULL for stdout */
	char *tmp;
	int in_place;            /* not a regular file: written directly */
};
int cli_out_open(struct cli_out *o, const char *path);
/* Closes and renames; returns 0 or HZ_EXIT_OUTPUT with the error reported. */
int cli_out_close(struct cli_out *o, int ok);

/* Progress line on a terminal. */
struct cli_progress;
struct cli_progress *cli_progress_new(char **inputs, size_t n);
void cli_progress_file(struct cli_progress *p, size_t index);
void cli_progress_cb(void *ud, const struct hz_progress *pr);
void cli_progress_done(struct cli_progress *p);

#endif
