/* `halyze halog` (or halyze run as `halog`): halog's options and output over halyze's reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/envelope.h"
#include "halyze/halog.h"
#include "halyze/logformat.h"
#include "halyze/messages.h"
#include "halyze/reader.h"
#include "halyze/router.h"
#include "halyze/summary.h"
#include "cli.h"

/* halog's own buffer is 256 KiB and a longer line ends its run; ours is
 * larger, and a longer line still is counted, never the end. */
#define HALOG_MAX_LINE (4u * 1024u * 1024u)

static void usage(FILE *f, const char *msg)
{
	fprintf(f,
		"%s"
		"Usage:\n"
		"  halog [-h|--help] for long help\n"
		"  halog [input_filters]* [modifiers]* [output_format] < log\n"
		"    inp = [-e|-E] [-H] [-Q|-QS] [-rt|-RT <time>] [-ad <delay>] [-ac <count>]\n"
		"          [-hs|-HS [min][:[max]]] [-tcn|-TCN <termcode>] [-time [min][:[max]]]\n"
		"    mod = [-q] [-v] [-m <lines>] [-s <skipflds>] [-query]\n"
		"    out = {-c|-u|-uc|-ue|-ua|-ut|-uao|-uto|-uba|-ubt|-hdr <block>:<field>|\n"
		"           -cc|-gt|-pct|-st|-tc|-srv|-ic}\n"
		"\n",
		msg ? msg : "");
}

static void help(void)
{
	usage(stdout, NULL);
	printf("halyze halog [halog options] [--format FMT|--config FILE|--auto] [--no-quirks] [FILE...]\n"
	       "  reads FILEs (plain or gzip; none or '-' for standard input) and prints what halog\n"
	       "  prints for the same options. See halyze(1), HALOG COMPATIBILITY.\n\n"
	       "Input filters - several filters may be combined\n"
	       " -H                      only match lines containing HTTP logs (ignore TCP)\n"
	       " -E                      only match lines without any error (no 5xx status)\n"
	       " -e                      only match lines with errors (status 5xx or negative)\n"
	       " -rt|-RT <time>          only match response times larger|smaller than <time>\n"
	       " -Q|-QS                  only match queued requests (any queue|server queue)\n"
	       " -tcn|-TCN <code>        only match requests with/without termination code <code>\n"
	       " -hs|-HS <[min][:][max]> only match requests with HTTP status codes within/not\n"
	       "                         within min..max. Any of them may be omitted. Exact\n"
	       "                         code is checked for if no ':' is specified.\n"
	       " -time <[min][:max]>     only match requests recorded between timestamps.\n"
	       "                         Any of them may be omitted.\n"
	       "Modifiers\n"
	       " -v                      invert the input filtering condition\n"
	       " -q                      don't report errors/warnings\n"
	       " -m <lines>              limit output to the first <lines> lines\n"
	       " -s <skip_n_fields>      skip n fields from the beginning of a line (default 5)\n"
	       "                         you can also use -n to start from earlier then field 5\n"
	       " -query                  preserve the query string for per-URL (-u*) statistics\n"
	       "\n"
	       "Output format - **only one** may be used at a time\n"
	       " -c    only report the number of lines that would have been printed\n"
	       " -pct  output connect and response times percentiles\n"
	       " -st   output number of requests per HTTP status code\n"
	       " -cc   output number of requests per cookie code (2 chars)\n"
	       " -tc   output number of requests per termination code (2 chars)\n"
	       " -srv  output statistics per server (time, requests, errors)\n"
	       " -ic   output statistics per ip count (time, requests, errors)\n"
	       " -u*   output statistics per URL (time, requests, errors)\n"
	       "       Additional characters indicate the output sorting key :\n"
	       "       -u : by URL, -uc : request count, -ue : error count\n"
	       "       -ua : average response time, -ut : average total time\n"
	       "       -uao, -uto: average times computed on valid ('OK') requests\n"
	       "       -uba, -ubt: average bytes returned, total bytes returned\n"
	       " -hdr  output captured header at the given <block>:<field>\n"
	       " -ac <count> -ad <delay>:\n"
	       "       Report periods corresponding to a grouped accept of <count> requests at\n"
	       "       the same millisecond after a delay of at least <ad> milliseconds with no\n"
	       "       incoming accept (used to spot network outages). Output format contains:\n"
	       "          <accept_date> <date_ms> <delta_ms from previous one> <nb_entries>\n"
	       "\n"
	       "halyze additions\n"
	       " --format FMT    read fields by name with this log-format (or httplog, httpslog,\n"
	       "                 tcplog, ...); repeatable; any syslog header\n"
	       " --config FILE   the log-formats of a haproxy.cfg; repeatable\n"
	       " --auto          the predefined formats, any syslog header\n"
	       " --no-quirks     fix halog's mistakes: the -u* header ends in 'url', and\n"
	       "                 -o FILE writes the output to FILE instead of ending the options\n");
}

/* halog's die(): its usage and the message on stderr, exit 1. */
static int die(const char *msg)
{
	usage(stderr, msg);
	return 1;
}

struct run {
	const char *prog;
	long conn_errors, messages, overlong;
};

static void on_note(void *ud, enum hz_halog_note kind, long lineno, const char *line, const int *v)
{
	(void)ud;
	if (kind == HZ_HALOG_NOTE_TRUNCATED)
		fprintf(stderr, "Truncated line %ld: %s\n", lineno, line);
	else
		fprintf(stderr, "ERR: %s (%d %d %d %d %d => %d)\n", line, v[0], v[1], v[2], v[3], v[4], v[5]);
}

/* Named mode: the formats to try, the last that matched first. */
struct named {
	const struct hz_format **f;
	struct hz_halog_fmap *map;
	int *error;
	size_t n, last;
	struct hz_match m;
	struct hz_envelope_memo memo;   /* zeroed with the rest */
};

static int named_line(struct hz_halog *h, struct named *nm, struct run *run, const char *p, size_t n)
{
	struct hz_envelope env;

	hz_envelope_parse_next(&nm->memo, p, n, &env);
	for (size_t k = 0; k < nm->n; k++) {
		size_t i = k == 0 ? nm->last : (k <= nm->last ? k - 1 : k);
		struct hz_halog_rec r;
		if (hz_format_match(nm->f[i], env.msg.p, env.msg.n, &nm->m, NULL))
			continue;
		nm->last = i;
		if (nm->error[i]) {
			run->conn_errors++;
			hz_halog_skip(h);
			return 0;
		}
		hz_halog_rec_fill(&nm->map[i], &nm->m, &r);
		return hz_halog_record(h, &r, p, n);
	}
	{
		struct hz_connerr ce;
		if (hz_connerr_parse(env.msg.p, env.msg.n, &ce)) {
			run->conn_errors++;
			hz_halog_skip(h);
			return 0;
		}
		if (hz_message_kind(env.msg.p, env.msg.n)) {
			run->messages++;
			hz_halog_skip(h);
			return 0;
		}
	}
	hz_halog_unparsed(h);
	return 0;
}

static int read_inputs(struct hz_halog *h, struct named *nm, struct run *run, char **inputs, size_t ninputs,
		       int *failed)
{
	struct hz_reader_opts ro = { .max_line = HALOG_MAX_LINE };
	int count_only = hz_halog_count_only(h);

	for (size_t i = 0; i < ninputs; i++) {
		struct hz_reader *rd;
		struct hz_line ln;
		struct hz_err err;
		int rc;

		if (hz_reader_open(&rd, inputs[i], &ro, &err)) {
			cli_report(&err);
			*failed = 1;
			if (err.code == HZ_ENOMEM)
				return HZ_ENOMEM;
			continue;
		}
		if (count_only && !nm) {
			/* halog -c without filters only counts lines */
			uint64_t room = hz_halog_count_room(h), got = 0;
			if (room && (rc = hz_reader_count(rd, room, &got, &err)) < 0) {
				cli_report(&err);
				*failed = 1;
			}
			hz_halog_counted(h, got);
			hz_reader_free(rd);
			if (!hz_halog_count_room(h))
				return 1;
			continue;
		}
		while ((rc = hz_reader_next(rd, &ln, &err)) == 1) {
			int lrc;
			if (ln.flags & HZ_LINE_OVERLONG) {
				/* only a prefix: a parsing error, never the end of the run */
				run->overlong++;
				if (!count_only || nm) {
					hz_halog_unparsed(h);
					continue;
				}
			}
			if (nm)
				lrc = named_line(h, nm, run, ln.p, ln.n);
			else
				lrc = hz_halog_line(h, ln.p, ln.n);
			if (lrc == 1) {
				hz_reader_free(rd);
				return 1;
			}
			if (lrc < 0) {
				hz_reader_free(rd);
				return lrc;
			}
		}
		if (rc < 0) {
			cli_report(&err);
			*failed = 1;
		}
		hz_reader_free(rd);
	}
	return 0;
}

/* Builds the named-mode format list from --format/--config/--auto. */
static int named_setup(struct cli_opts *co, struct hz_router **router, struct named *nm)
{
	struct hz_summary *s = hz_summary_new(0);
	int rc;

	if (!s)
		return HZ_EXIT_INTERNAL;
	rc = cli_router(co, router, s);
	hz_summary_free(s);
	if (rc)
		return rc;
	nm->n = hz_router_count(*router);
	nm->f = calloc(nm->n ? nm->n : 1, sizeof(*nm->f));
	nm->map = calloc(nm->n ? nm->n : 1, sizeof(*nm->map));
	nm->error = calloc(nm->n ? nm->n : 1, sizeof(*nm->error));
	if (!nm->f || !nm->map || !nm->error)
		return HZ_EXIT_INTERNAL;
	for (size_t i = 0; i < nm->n; i++) {
		nm->f[i] = hz_router_format(*router, i, NULL, &nm->error[i]);
		hz_halog_fmap_init(&nm->map[i], nm->f[i]);
	}
	return 0;
}

static int need_arg(int argc, int i)
{
	return i + 1 >= argc;
}

int cli_halog(int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	struct hz_halog_opts o;
	struct cli_opts co;
	struct hz_halog *h = NULL;
	struct hz_router *router = NULL;
	struct named nm;
	struct run run = { argv[0], 0, 0, 0 };
	const char *formats[64], *configs[64], *output = NULL;
	size_t nformats = 0, nconfigs = 0;
	int i, rc = 0, auto_fmt = 0, failed = 0, ignored_from = -1;
	char **inputs;
	size_t ninputs;
	FILE *out = stdout;

	memset(&o, 0, sizeof(o));
	memset(&nm, 0, sizeof(nm));
	o.skip_fields = 1;
	o.lines_max = -1;
	o.hs_high = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || strcmp(a, "-") == 0)
			break;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
#define ARG(msg) do { if (need_arg(argc, i)) return die(msg); a = argv[++i]; } while (0)
		if (strcmp(a, "-ad") == 0) {
			ARG("missing option for -ad\n");
			o.flags |= HZ_HALOG_ACC_DELAY;
			o.acc_delay = (unsigned)atol(a);
		} else if (strcmp(a, "-ac") == 0) {
			ARG("missing option for -ac\n");
			o.flags |= HZ_HALOG_ACC_COUNT;
			o.acc_count = (unsigned)atol(a);
		} else if (strcmp(a, "-rt") == 0 || strcmp(a, "-RT") == 0) {
			int inv = a[1] == 'R';
			ARG(inv ? "missing option for -RT\n" : "missing option for -rt\n");
			o.flags |= HZ_HALOG_RESP | (inv ? HZ_HALOG_INV_RESP : 0);
			o.time_resp = (int)atol(a);
		} else if (strcmp(a, "-s") == 0) {
			ARG("missing option for -s\n");
			o.skip_fields = (int)atol(a);
		} else if (strcmp(a, "-m") == 0) {
			ARG("missing option for -m\n");
			o.lines_max = atol(a);
		} else if (strcmp(a, "-e") == 0) {
			o.flags |= HZ_HALOG_ERRORS;
		} else if (strcmp(a, "-E") == 0) {
			o.flags |= HZ_HALOG_ERRORS | HZ_HALOG_INV_ERRORS;
		} else if (strcmp(a, "-H") == 0) {
			o.flags |= HZ_HALOG_HTTP;
		} else if (strcmp(a, "-Q") == 0) {
			o.flags |= HZ_HALOG_QUEUE;
		} else if (strcmp(a, "-QS") == 0) {
			o.flags |= HZ_HALOG_QUEUE_SRV;
		} else if (strcmp(a, "-c") == 0) {
			o.flags |= HZ_HALOG_COUNT;
		} else if (strcmp(a, "-q") == 0) {
			o.quiet = 1;
		} else if (strcmp(a, "-v") == 0) {
			o.invert = !o.invert;
		} else if (strcmp(a, "-gt") == 0) {
			o.flags |= HZ_HALOG_GRAPH;
		} else if (strcmp(a, "-pct") == 0) {
			o.flags |= HZ_HALOG_PCT;
		} else if (strcmp(a, "-st") == 0) {
			o.flags |= HZ_HALOG_STATUS;
		} else if (strcmp(a, "-srv") == 0) {
			o.flags |= HZ_HALOG_SRV;
		} else if (strcmp(a, "-cc") == 0) {
			o.flags |= HZ_HALOG_COOK;
		} else if (strcmp(a, "-tc") == 0) {
			o.flags |= HZ_HALOG_TERM;
		} else if (strcmp(a, "-tcn") == 0 || strcmp(a, "-TCN") == 0) {
			int inv = a[1] == 'T';
			ARG(inv ? "missing option for -TCN\n" : "missing option for -tcn\n");
			o.flags |= HZ_HALOG_TCN | (inv ? HZ_HALOG_INV_TCN : 0);
			o.tcn[0] = a[0];
			o.tcn[1] = a[0] ? a[1] : 0;
		} else if (strcmp(a, "-hs") == 0 || strcmp(a, "-HS") == 0) {
			int inv = a[1] == 'H';
			const char *sep;
			ARG("missing option for -hs/-HS ([min]:[max])\n");
			o.flags |= HZ_HALOG_HS | (inv ? HZ_HALOG_INV_HS : 0);
			sep = strchr(a, ':');
			sep = sep ? sep + 1 : a;
			o.hs_low = *a && *a != ':' ? (int)atol(a) : 0;
			o.hs_high = *sep ? (int)atol(sep) : 65535;
		} else if (strcmp(a, "-time") == 0) {
			const char *sep;
			ARG("missing option for -time ([min]:[max])\n");
			o.flags |= HZ_HALOG_TIME;
			sep = strchr(a, ':');
			o.ts_low = *a ? (unsigned)atol(a) : 0;
			/* halog: "-time 100:" has a maximum of 0 */
			o.ts_high = sep ? (unsigned)atol(sep + 1) : 0xFFFFFFFFu;
		} else if (strcmp(a, "-u") == 0 || strcmp(a, "-uc") == 0 || strcmp(a, "-ue") == 0 ||
			   strcmp(a, "-ua") == 0 || strcmp(a, "-ut") == 0 || strcmp(a, "-uao") == 0 ||
			   strcmp(a, "-uto") == 0 || strcmp(a, "-uba") == 0 || strcmp(a, "-ubt") == 0) {
			static const char *const names[] = { "-u", "-uc", "-ue", "-ua", "-ut", "-uao", "-uto", "-uba", "-ubt" };
			enum hz_halog_usort k = HZ_HALOG_U_URL;
			for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++)
				if (strcmp(a, names[j]) == 0)
					k = (enum hz_halog_usort)j;
			o.flags |= HZ_HALOG_URL;
			o.url_sort |= 1u << k;
		} else if (strcmp(a, "-query") == 0) {
			o.flags |= HZ_HALOG_QUERY;
		} else if (strcmp(a, "-ic") == 0) {
			o.flags |= HZ_HALOG_IP;
		} else if (strcmp(a, "-hdr") == 0) {
			const char *sep;
			long blk, fld;
			ARG("missing option for -hdr (<block>:<field>)\n");
			o.flags |= HZ_HALOG_HDR;
			if (!(sep = strchr(a, ':')))
				return die("missing colon in -hdr (<block>:<field>)\n");
			blk = *a != ':' ? atol(a) : 1;
			fld = sep[1] ? atol(sep + 1) : 1;
			if (blk < 1 || fld < 1)
				return die("block and field must be at least 1 for -hdr (<block>:<field>)\n");
			o.cap_block = (unsigned)blk;
			o.cap_field = (unsigned)fld;
		} else if (strcmp(a, "-o") == 0) {
			if (output)
				return die("Fatal: output file name already specified.\n");
			if (need_arg(argc, i))
				return die("Fatal: missing output file name.\n");
			/* halog does not consume the name: unless it looks like an
			 * option, it ends the options (see below) */
			output = argv[i + 1];
			if (o.fixed)
				i++;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			help();
			return HZ_EXIT_OK;
		} else if (strcmp(a, "--format") == 0 || strcmp(a, "--config") == 0) {
			int is_fmt = a[2] == 'f';
			if (need_arg(argc, i)) {
				cli_error("halog: %s needs an argument\nTry 'halyze halog --help' for more information.", a);
				return HZ_EXIT_USAGE;
			}
			if ((is_fmt ? nformats : nconfigs) >= 64) {
				cli_error("halog: too many %s options", a);
				return HZ_EXIT_USAGE;
			}
			if (is_fmt)
				formats[nformats++] = argv[++i];
			else
				configs[nconfigs++] = argv[++i];
		} else if (strcmp(a, "--auto") == 0) {
			auto_fmt = 1;
		} else if (strcmp(a, "--no-quirks") == 0) {
			o.fixed = 1;
		} else if (a[1] == '-') {
			cli_error("halog: unknown option '%s'\nTry 'halyze halog --help' for more information.", a);
			return HZ_EXIT_USAGE;
		}
		/* any other -word is ignored, as halog ignores it */
#undef ARG
	}
	if (!o.flags)
		return die("No action specified.\n");
	if (output && !o.fixed) {
		ignored_from = i;
		i = argc;
	}
	/* halog 2.6 accepts several output modes: its order of precedence
	 * decides (the core follows it) */
	if (ignored_from >= 0) {
		if (!o.quiet)
			fprintf(stderr, "halyze: halog: as in halog, '-o %s' ends the options: it and what follows are "
					"ignored, and standard input is read (--no-quirks makes -o write FILE)\n",
				output);
		inputs = stdin_only;
		ninputs = 1;
		output = NULL;
	} else if (i < argc) {
		inputs = argv + i;
		ninputs = (size_t)(argc - i);
	} else {
		inputs = stdin_only;
		ninputs = 1;
	}
	if (output) {
		out = fopen(output, "w");
		if (!out) {
			cli_error("halog: %s: cannot open for writing", output);
			return HZ_EXIT_OUTPUT;
		}
	}
	o.out = out;
	o.note = on_note;
	o.note_ud = &run;
	if (nformats || nconfigs || auto_fmt) {
		memset(&co, 0, sizeof(co));
		co.formats = formats;
		co.nformats = nformats;
		co.configs = configs;
		co.nconfigs = nconfigs;
		co.quiet = o.quiet;
		co.no_diagnosis = 1;
		if ((rc = named_setup(&co, &router, &nm)))
			goto done;
	}
	if ((rc = hz_halog_new(&h, &o))) {
		rc = rc == HZ_ENOMEM ? HZ_EXIT_INTERNAL : die("No action specified.\n");
		goto done;
	}
	rc = read_inputs(h, router ? &nm : NULL, &run, inputs, ninputs, &failed);
	if (rc == HZ_ENOMEM) {
		cli_error("out of memory");
		rc = HZ_EXIT_INTERNAL;
		goto done;
	}
	if (rc == HZ_EWRITE || (rc = hz_halog_render(h, out)) == HZ_EWRITE) {
		cli_error("%s: write error", output ? output : "standard output");
		rc = HZ_EXIT_OUTPUT;
		goto done;
	}
	if (rc == HZ_ENOMEM) {
		cli_error("out of memory");
		rc = HZ_EXIT_INTERNAL;
		goto done;
	}
	{
		long in, lout, perr;
		int summary;
		hz_halog_totals(h, &in, &lout, &perr, &summary);
		if (summary && !o.quiet) {
			fprintf(stderr, "%ld lines in, %ld lines out, %ld parsing errors\n", in, lout, perr);
			if (router && (run.conn_errors || run.messages))
				fprintf(stderr, "%ld connection errors and %ld HAProxy messages were read apart from the traffic\n",
					run.conn_errors, run.messages);
		}
		if (run.overlong && !o.quiet)
			cli_error("halog: %ld lines longer than %u bytes were counted as parsing errors", run.overlong,
				  HALOG_MAX_LINE);
	}
	rc = failed ? HZ_EXIT_INPUT : HZ_EXIT_OK;
done:
	if (out != stdout && out && fclose(out) == EOF && !rc) {
		cli_error("%s: write error", output);
		rc = HZ_EXIT_OUTPUT;
	}
	hz_halog_free(h);
	hz_router_free(router);
	free(nm.f);
	free(nm.map);
	free(nm.error);
	return rc;
}
