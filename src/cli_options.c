/* The option table: one source for getopt_long, --help and the man page test. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "halyze/rules.h"
#include "halyze/summary.h"
#include "cli.h"

enum {
	OPT_JSON = 256, OPT_STRICT, OPT_HEADERS_ONLY, OPT_MAX_LINE, OPT_SAMPLES, OPT_TOP,
	OPT_PROGRESS, OPT_NO_PROGRESS, OPT_FORMAT, OPT_CONFIG, OPT_EVENTS, OPT_FIELDS, OPT_EXPLAIN,
	OPT_LIST_RULES, OPT_TICKET, OPT_EXPIRY, OPT_BUCKET, OPT_RULES, OPT_NO_DIAG, OPT_PARTIAL, OPT_SLICE,
	OPT_KEEP_ORDER, OPT_FOLLOW, OPT_INTERVAL, OPT_HTML, OPT_TABLES, OPT_QUERY, OPT_MAX_KEYS
};

struct opt_doc {
	struct option o;
	int shortopt;            /* 0 when none */
	const char *arg;         /* argument name for --help, NULL when none */
	const char *help;
};

/* Every option, in --help order. tests/cli/options.sh checks each long name
 * against man/halyze.1. */
static const struct opt_doc table[] = {
	{ { "json", no_argument, NULL, OPT_JSON }, 0, NULL,
	  "print the summary as one JSON document (schema halyze.summary.v1)" },
	{ { "output", required_argument, NULL, 'o' }, 'o', "FILE",
	  "write the summary to FILE (replaced atomically) instead of stdout" },
	{ { "html", required_argument, NULL, OPT_HTML }, 0, "FILE",
	  "also write the report as one self-contained HTML page (diagnosis, charts, tables)" },
	{ { "partial", required_argument, NULL, OPT_PARTIAL }, 0, "FILE",
	  "also write the mergeable summary to FILE, for `halyze merge`" },
	{ { "follow", no_argument, NULL, OPT_FOLLOW }, 0, NULL,
	  "tail the files (rotation, truncation, late files); a summary every --interval" },
	{ { "interval", required_argument, NULL, OPT_INTERVAL }, 0, "SECONDS",
	  "with --follow: seconds between summaries, to -o FILE or NDJSON on stdout (default 10)" },
	{ { "format", required_argument, NULL, OPT_FORMAT }, 0, "FMT|NAME",
	  "a log-format string or predefined name (httplog, tcplog, httpslog, ...); repeatable" },
	{ { "config", required_argument, NULL, OPT_CONFIG }, 0, "FILE",
	  "read the log formats of every frontend from a haproxy.cfg; repeatable" },
	{ { "events", no_argument, NULL, OPT_EVENTS }, 0, NULL,
	  "write one NDJSON object per traffic line on stdout (the summary only with -o)" },
	{ { "fields", required_argument, NULL, OPT_FIELDS }, 0, "LIST",
	  "with --events: only these fields (comma-separated names, aliases or samples)" },
	{ { "format-explain", no_argument, NULL, OPT_EXPLAIN }, 0, NULL,
	  "print how each log format compiles (fields, types, flags) and exit" },
	{ { "rules", required_argument, NULL, OPT_RULES }, 0, "FILE",
	  "also evaluate the rules of FILE on every traffic line (see RULES in halyze(1))" },
	{ { "no-diagnosis", no_argument, NULL, OPT_NO_DIAG }, 0, NULL,
	  "statistics only: no TLS verdicts, built-in rules, session tracing or series" },
	{ { "list-rules", no_argument, NULL, OPT_LIST_RULES }, 0, NULL,
	  "list the built-in rules with their severity and meaning, and exit" },
	{ { "ticket-lifetime", required_argument, NULL, OPT_TICKET }, 0, "SECONDS",
	  "how far back a resumed session is linked to its full handshake (default 7200)" },
	{ { "expiry-days", required_argument, NULL, OPT_EXPIRY }, 0, "N",
	  "warn about client certificates expiring within N days of the log (default 30)" },
	{ { "bucket", required_argument, NULL, OPT_BUCKET }, 0, "SECONDS",
	  "width of the time buckets behind load correlation (default 60)" },
	{ { "keep-order", no_argument, NULL, OPT_KEEP_ORDER }, 0, NULL,
	  "read inputs in the order given (default: rotated sets oldest first)" },
	{ { "jobs", required_argument, NULL, 'j' }, 'j', "N",
	  "threads: inputs in parallel, big plain files in slices (default: the cores)" },
	{ { "slice-size", required_argument, NULL, OPT_SLICE }, 0, "BYTES",
	  "plain files of twice this size or more are cut for the threads (default 32M, four slices a thread at most)" },
	{ { "tables", required_argument, NULL, OPT_TABLES }, 0, "LIST",
	  "more tables: urls clients timers servers headers certs, all, none (with --html: all)" },
	{ { "query", no_argument, NULL, OPT_QUERY }, 0, NULL,
	  "URL keys keep the query string (default: the path only)" },
	{ { "max-keys", required_argument, NULL, OPT_MAX_KEYS }, 0, "N",
	  "keep the N heaviest keys of each table, fold the rest into (other) (default 100000)" },
	{ { "strict", no_argument, NULL, OPT_STRICT }, 0, NULL,
	  "exit with status 3 when any line could not be parsed" },
	{ { "max-line", required_argument, NULL, OPT_MAX_LINE }, 0, "BYTES",
	  "longest line parsed; longer ones are counted as overlong (default 64K; k/M suffixes)" },
	{ { "samples", required_argument, NULL, OPT_SAMPLES }, 0, "N",
	  "unparsed lines kept as examples (default 5)" },
	{ { "top", required_argument, NULL, OPT_TOP }, 0, "N",
	  "rows per table in the text summary and the HTML report (default 20)" },
	{ { "headers-only", no_argument, NULL, OPT_HEADERS_ONLY }, 0, NULL,
	  "only read lines and syslog headers (the accounting pass); messages are not parsed" },
	{ { "progress", no_argument, NULL, OPT_PROGRESS }, 0, NULL,
	  "show progress on stderr even when it is not a terminal" },
	{ { "no-progress", no_argument, NULL, OPT_NO_PROGRESS }, 0, NULL,
	  "never show progress" },
	{ { "quiet", no_argument, NULL, 'q' }, 'q', NULL,
	  "no progress and no warnings on stderr (errors are still reported)" },
	{ { "help", no_argument, NULL, 'h' }, 'h', NULL, "show this help and exit" },
	{ { "version", no_argument, NULL, 'V' }, 'V', NULL,
	  "show the version and the PCRE2, Jansson and zlib versions, and exit" },
};
#define NOPTS (sizeof(table) / sizeof(table[0]))

static void help(void)
{
	printf("Usage: halyze [OPTION]... [FILE]...\n"
	       "Analyze HAProxy logs: account for every line, summarise traffic, connection\n"
	       "errors and HAProxy's own messages. FILEs may be plain or gzip (detected by\n"
	       "content); a directory stands for its files; rotated sets are read oldest\n"
	       "first. With no FILE, or when FILE is -, read standard input.\n\nOptions:\n");
	for (size_t i = 0; i < NOPTS; i++) {
		char left[64];
		const struct opt_doc *d = &table[i];
		int n = 0;
		if (d->shortopt)
			n = snprintf(left, sizeof(left), "-%c, ", d->shortopt);
		else
			n = snprintf(left, sizeof(left), "    ");
		snprintf(left + n, sizeof(left) - (size_t)n, "--%s%s%s", d->o.name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		printf("  %-26s %s\n", left, d->help);
	}
	printf("\nOther commands:\n  halyze lint [--json] [--strict] HAPROXY.CFG...   check a configuration\n"
	       "  halyze merge [--json] [-o FILE] SUMMARY.json...   merge --partial summaries\n"
	       "  halyze report SUMMARY.json... --html FILE         the HTML report of saved summaries\n"
	       "  halyze halog [HALOG OPTION]... [FILE]...          halog's options and output\n");
	printf("\nExit status: 0 success; 1 an input could not be read completely; 2 usage\n"
	       "error; 3 unparsed lines under --strict; 4 output not written; 5 invalid\n"
	       "format or config; 70 internal error; 130 interrupted (partial summary).\n"
	       "See halyze(1) for the JSON schema and the details.\n");
}

static void list_rules(void)
{
	for (int r = 0; r < HZ_RULE_BUILTIN_COUNT; r++) {
		const struct hz_rule_def *d = hz_rule_def((enum hz_rule_id)r);
		printf("%-32s %-8s %s\n", d->name, hz_severity_name(d->severity), d->title);
	}
}

static void version(void)
{
	char pcre[64] = "?";

	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	printf("halyze %s\nPCRE2 %s\nJansson %s\nzlib %s\n", HZ_VERSION, pcre, jansson_version_str(),
	       zlibVersion());
#ifdef HZ_HAVE_ISAL
	printf("inflate: ISA-L%s%s\n", HZ_ISAL_VERSION[0] ? " " : "", HZ_ISAL_VERSION);
#else
	printf("inflate: zlib %s\n", zlibVersion());
#endif
}

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("halyze: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'halyze --help' for more information.\n", stderr);
}

/* A size with an optional k/K/m/M/g/G suffix (powers of 1024). */
static int parse_size(const char *s, size_t min, size_t max, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end || v < min || v > max)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int oom(void)
{
	cli_error("out of memory");
	return HZ_EXIT_INTERNAL;
}

static int push(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_opts *o)
{
	struct option longopts[NOPTS + 1];
	char shortopts[2 * NOPTS + 2];
	size_t k = 0;
	int c;

	memset(o, 0, sizeof(*o));
	o->progress = -1;
	o->ticket_lifetime = 7200;
	o->expiry_days = 30;
	o->bucket = 60;
	o->samples = 5;
	o->top = 20;
	o->jobs = 0;
	o->interval = 10;
	o->max_keys = HZ_MAX_KEYS_DEFAULT;
	o->slice_size = 32u << 20;
	for (size_t i = 0; i < NOPTS; i++) {
		longopts[i] = table[i].o;
		if (table[i].shortopt) {
			shortopts[k++] = (char)table[i].shortopt;
			if (table[i].o.has_arg == required_argument)
				shortopts[k++] = ':';
		}
	}
	memset(&longopts[NOPTS], 0, sizeof(longopts[0]));
	shortopts[k] = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'h': help(); return HZ_EXIT_OK;
		case 'V': version(); return HZ_EXIT_OK;
		case 'q': o->quiet = 1; break;
		case 'o': o->output = optarg; break;
		case OPT_JSON: o->json = 1; break;
		case OPT_STRICT: o->strict = 1; break;
		case OPT_EVENTS: o->events = 1; break;
		case OPT_FIELDS: o->fields = optarg; break;
		case OPT_EXPLAIN: o->explain = 1; break;
		case OPT_LIST_RULES: list_rules(); return HZ_EXIT_OK;
		case OPT_RULES: o->rules = optarg; break;
		case OPT_NO_DIAG: o->no_diagnosis = 1; break;
		case OPT_KEEP_ORDER: o->keep_order = 1; break;
		case OPT_FOLLOW: o->follow = 1; break;
		case OPT_QUERY: o->tables |= HZ_TABLE_QUERY; break;
		case OPT_MAX_KEYS:
			if (parse_size(optarg, 0, (size_t)1 << 32, &o->max_keys)) {
				usage_error("--max-keys: '%s' is not a number from 0 (no cap) to 4G", optarg);
				return HZ_EXIT_USAGE;
			}
			break;
		case OPT_TABLES: {
			char buf[128], *tok, *save = NULL;
			snprintf(buf, sizeof(buf), "%s", optarg);
			for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (strcmp(tok, "urls") == 0)
					o->tables |= HZ_TABLE_URLS;
				else if (strcmp(tok, "clients") == 0)
					o->tables |= HZ_TABLE_CLIENTS;
				else if (strcmp(tok, "timers") == 0)
					o->tables |= HZ_TABLE_TIMERS;
				else if (strcmp(tok, "servers") == 0)
					o->tables |= HZ_TABLE_SERVERS;
				else if (strcmp(tok, "headers") == 0)
					o->tables |= HZ_TABLE_HEADERS;
				else if (strcmp(tok, "certs") == 0)
					o->tables |= HZ_TABLE_CERTS;
				else if (strcmp(tok, "all") == 0)
					o->tables |= HZ_TABLE_ALL;
				else if (strcmp(tok, "none") == 0)
					o->tables_none = 1;
				else {
					usage_error("--tables: '%s' is not urls, clients, timers, servers, headers, certs, all "
						    "or none", tok);
					return HZ_EXIT_USAGE;
				}
			}
			break;
		}
		case OPT_INTERVAL:
			if (parse_size(optarg, 1, 86400, &o->interval)) {
				usage_error("--interval: '%s' is not a number of seconds from 1 to 86400", optarg);
				return HZ_EXIT_USAGE;
			}
			break;
		case OPT_PARTIAL: o->partial = optarg; break;
		case OPT_HTML: o->html = optarg; break;
		case OPT_TICKET:
			if (parse_size(optarg, 1, 30u * 86400, &o->ticket_lifetime)) {
				usage_error("--ticket-lifetime: '%s' is not a number of seconds from 1 to 2592000", optarg);
				return HZ_EXIT_USAGE;
			}
			break;
		case OPT_EXPIRY:
			if (parse_size(optarg, 0, 3650, &o->expiry_days)) {
				usage_error("--expiry-days: '%s' is not a number from 0 to 3650", optarg);
				return HZ_EXIT_USAGE;
			}
			break;
		case OPT_BUCKET:
			if (parse_size(optarg, 1, 86400, &o->bucket)) {
				usage_error("--bucket: '%s' is not a number of seconds from 1 to 86400", optarg);
				return HZ_EXIT_USAGE;
			}
			break;
		case OPT_HEADERS_ONLY: o->headers_only = 1; break;
		case OPT_PROGRESS: o->progress = 1; break;
		case OPT_NO_PROGRESS: o->progress = 0; break;
		case OPT_CONFIG:
			if (push(&o->configs, &o->nconfigs, optarg))
				return oom();
			break;
		case OPT_FORMAT:
			if (push(&o->formats, &o->nformats, optarg))
				return oom();
			break;
		case OPT_MAX_LINE:
			if (parse_size(optarg, 80, (size_t)1 << 30, &o->max_line)) {
				usage_error("--max-line: '%s' is not a size from 80 to 1G", optarg);
				return HZ_EXIT_USAGE;
			}
			break;
		case OPT_SAMPLES:
			if (parse_size(optarg, 0, 10000, &o->samples)) {
				usage_error("--samples: '%s' is not a number from 0 to 10000", optarg);
				return HZ_EXIT_USAGE;
			}
			break;
		case 'j':
			if (parse_size(optarg, 1, 256, &o->jobs)) {
				usage_error("--jobs: '%s' is not a number from 1 to 256", optarg);
				return HZ_EXIT_USAGE;
			}
			break;
		case OPT_SLICE:
			if (parse_size(optarg, 1024, (size_t)1 << 40, &o->slice_size)) {
				usage_error("--slice-size: '%s' is not a size from 1k to 1T", optarg);
				return HZ_EXIT_USAGE;
			}
			o->slice_given = 1;
			break;
		case OPT_TOP:
			if (parse_size(optarg, 1, 1000000, &o->top)) {
				usage_error("--top: '%s' is not a number from 1 to 1000000", optarg);
				return HZ_EXIT_USAGE;
			}
			break;
		case ':':
			usage_error("option '%s' needs an argument", argv[optind - 1]);
			return HZ_EXIT_USAGE;
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
			return HZ_EXIT_USAGE;
		}
	}
	if (o->fields && !o->events) {
		usage_error("--fields goes with --events");
		return HZ_EXIT_USAGE;
	}
	if (o->events && o->headers_only) {
		usage_error("--events and --headers-only exclude each other");
		return HZ_EXIT_USAGE;
	}
	o->inputs = argv + optind;
	o->ninputs = (size_t)(argc - optind);
	/* the report people read has every table unless told otherwise (a
	 * partial summary for `halyze report` needs --tables all for as much) */
	if (o->html && !o->tables_none && !(o->tables & HZ_TABLE_ALL))
		o->tables |= HZ_TABLE_ALL;
	if (o->tables_none)
		o->tables &= HZ_TABLE_QUERY;
	if (o->follow) {
		int any_stdin = o->ninputs == 0;
		for (size_t i = 0; i < o->ninputs; i++)
			any_stdin |= strcmp(o->inputs[i], "-") == 0;
		if (any_stdin) {
			usage_error("--follow needs FILEs (standard input is followed anyway)");
			return HZ_EXIT_USAGE;
		}
		if (o->partial || o->html) {
			usage_error("--follow writes its summaries with -o or on stdout: not with %s",
				    o->partial ? "--partial" : "--html");
			return HZ_EXIT_USAGE;
		}
	}
	return -1;
}

void cli_free(struct cli_opts *o)
{
	for (size_t i = 0; i < o->nowned; i++)
		free(o->owned_inputs[i]);
	free(o->owned_inputs);
	free(o->formats);
	free(o->configs);
}
