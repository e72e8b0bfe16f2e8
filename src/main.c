/* halyze: the command-line front end over the core library. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "halyze/emit.h"
#include "halyze/events.h"
#include "halyze/router.h"
#include "halyze/rulelang.h"
#include "halyze/pscan.h"
#include "halyze/scan.h"
#include "halyze/summary.h"
#include "cli.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = 1;
	/* a second signal ends the process the ordinary way */
	signal(sig, SIG_DFL);
}

/* Wakes a worker thread out of a blocking read once the scan is to stop. */
static void on_wake(int sig)
{
	(void)sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static size_t threads_for(const struct cli_opts *o)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	/* events keep the input's order on one stream; user rules hold PCRE2
	 * match data per format */
	if (o->events || o->rules)
		return 1;
	if (o->jobs)
		return o->jobs;
	return n > 0 ? (size_t)n : 1;
}

/* The scan on several threads (see hz_pscan): the same result as one. */
static int scan_parallel(const struct cli_opts *o, struct hz_summary *s, struct hz_router *router,
			 struct hz_scan_opts *so, struct cli_progress *prog, size_t threads)
{
	/* four slices a thread: the threads stay evenly busy even when one CPU
	 * runs slower than the other (as virtual CPUs do when their host is
	 * busy: with two a thread the fast one idled for a quarter of the
	 * run); more would only add merges */
	struct hz_pscan_opts po = { (unsigned)threads, o->slice_size, o->slice_given ? 0 : 4 * (unsigned)threads,
				    SIGUSR1 };
	struct hz_pscan_input *in = calloc(o->ninputs, sizeof(*in));
	int failed = 0, rc;

	if (!in) {
		cli_error("out of memory");
		return HZ_EXIT_INTERNAL;
	}
	rc = hz_pscan(s, router, (const char *const *)o->inputs, o->ninputs, so, &po, in);
	cli_progress_done(prog);
	for (size_t i = 0; i < o->ninputs; i++) {
		struct hz_err *err = &in[i].err;
		if (in[i].rc >= 0)
			continue;
		for (size_t k = 0; k < s->nfiles; k++)
			if (strcmp(s->files[k].path, o->inputs[i]) == 0 && err->line && s->files[k].lines) {
				size_t m = strlen(err->msg);
				snprintf(err->msg + m, sizeof(err->msg) - m, " (kept %llu lines)",
					 (unsigned long long)s->files[k].lines);
				break;
			}
		cli_report(err);
		failed = in[i].rc == HZ_ENOMEM ? HZ_EXIT_INTERNAL : failed ? failed : 1;
	}
	free(in);
	if (rc == HZ_ENOMEM) {
		if (!failed)
			cli_error("out of memory");
		return HZ_EXIT_INTERNAL;
	}
	return failed;
}

/* Scans every input into s; returns 1 when one could not be read completely,
 * or HZ_EXIT_INTERNAL when memory ran out. */
static int scan_all(const struct cli_opts *o, struct hz_summary *s, struct hz_router *router)
{
	size_t threads = threads_for(o);
	struct hz_scan_opts so;
	struct cli_progress *prog = NULL;
	struct hz_err err;
	int failed = 0;

	memset(&so, 0, sizeof(so));
	so.max_line = o->max_line;
	so.headers_only = o->headers_only;
	so.stop = &interrupted;
	so.inflate_thread = threads > 1;
	if (router) {
		so.traffic = hz_router_consume;
		so.traffic_ud = router;
	}
	if (o->progress == 1 || (o->progress == -1 && !o->quiet && isatty(STDERR_FILENO))) {
		prog = cli_progress_new(o->inputs, o->ninputs);
		so.progress = cli_progress_cb;
		so.progress_ud = prog;
	}
	if (threads > 1 && !(o->ninputs == 1 && strcmp(o->inputs[0], "-") == 0))
		return scan_parallel(o, s, router, &so, prog, threads);
	for (size_t i = 0; i < o->ninputs && !interrupted; i++) {
		int rc;

		cli_progress_file(prog, i);
		rc = hz_scan_path(s, o->inputs[i], &so, &err);
		if (rc >= 0)
			continue;
		if (prog)
			fputs("\r\033[K", stderr);
		if (err.line && s->nfiles && s->files[s->nfiles - 1].lines) {
			size_t m = strlen(err.msg);
			snprintf(err.msg + m, sizeof(err.msg) - m, " (kept %llu lines)",
				 (unsigned long long)s->files[s->nfiles - 1].lines);
		}
		cli_report(&err);
		if (rc == HZ_ENOMEM) {
			failed = HZ_EXIT_INTERNAL;
			break;
		}
		failed = 1;
	}
	cli_progress_done(prog);
	if (router && failed != HZ_EXIT_INTERNAL && hz_router_finish(router, s)) {
		cli_error("out of memory");
		failed = HZ_EXIT_INTERNAL;
	}
	return failed;
}

/* --rules: load, bind to every format, and say where a rule cannot run. */
static int start_rules(const struct cli_opts *o, struct hz_router *r, struct hz_summary *s,
		       struct hz_ruleset **rs)
{
	struct hz_err err;
	char **missing;
	size_t n;

	if (hz_rules_load(o->rules, rs, &err)) {
		cli_report(&err);
		return err.code == HZ_ENOMEM ? HZ_EXIT_INTERNAL : HZ_EXIT_CONFIG;
	}
	if (hz_router_set_rules(r, *rs, s, &missing, &n)) {
		cli_error("out of memory");
		return HZ_EXIT_INTERNAL;
	}
	for (size_t i = 0; i < n && !o->quiet; i++)
		cli_error("%s: %s", o->rules, missing[i]);
	hz_rules_free_messages(missing, n);
	return 0;
}

/* --events: the NDJSON sink on stdout, with --fields checked against the formats. */
static int start_events(const struct cli_opts *o, struct hz_router *r, struct hz_events **ev)
{
	const struct hz_format *fmts[256];
	const char *unknown = NULL;
	struct hz_err err;
	size_t n = 0;

	if (hz_events_new(ev, stdout, o->fields, &err)) {
		cli_report(&err);
		return err.code == HZ_ENOMEM ? HZ_EXIT_INTERNAL : HZ_EXIT_USAGE;
	}
	for (size_t i = 0; i < hz_router_count(r) && n < 256; i++) {
		int error;
		const struct hz_format *f = hz_router_format(r, i, NULL, &error);
		if (!error)
			fmts[n++] = f;
	}
	if (o->fields && !hz_events_fields_known(*ev, fmts, n, &unknown)) {
		cli_error("--fields: no log format has a field named '%s' (see --format-explain)", unknown);
		return HZ_EXIT_USAGE;
	}
	hz_router_set_events(r, *ev);
	return 0;
}

int main(int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	struct cli_opts o;
	struct hz_router *router = NULL;
	struct hz_summary *s = NULL;
	struct hz_events *events = NULL;
	struct hz_ruleset *ruleset = NULL;
	struct cli_out out = { 0 }, hout = { 0 };
	struct hz_err err;
	int rc, scanned, wrc;

	{
		/* installed as `halog` through a link: halog's command line */
		const char *base = strrchr(argv[0], '/');
		if (strcmp(base ? base + 1 : argv[0], "halog") == 0)
			return cli_halog(argc, argv);
	}
	if (argc > 1 && strcmp(argv[1], "halog") == 0)
		return cli_halog(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "lint") == 0)
		return cli_lint(argc - 1, argv + 1);
	if (argc > 1 && (strcmp(argv[1], "merge") == 0 || strcmp(argv[1], "report") == 0))
		return cli_merge(argc - 1, argv + 1);
	rc = cli_parse(argc, argv, &o);
	if (rc >= 0)
		goto done;
	if (cli_inputs(&o)) {
		cli_error("out of memory");
		rc = HZ_EXIT_INTERNAL;
		goto done;
	}
	if (o.ninputs == 0 && !o.had_inputs) {
		o.inputs = stdin_only;
		o.ninputs = 1;
	}
	s = hz_summary_new(o.samples);
	if (!s) {
		cli_error("out of memory");
		rc = HZ_EXIT_INTERNAL;
		goto done;
	}
	s->bucket_ms = (int64_t)o.bucket * 1000;
	s->tables = o.tables;
	hz_summary_set_max_keys(s, o.max_keys);
	if (!o.headers_only && (rc = cli_router(&o, &router, s)))
		goto done;
	if (o.rules && router && (rc = start_rules(&o, router, s, &ruleset)))
		goto done;
	if (o.explain) {
		rc = cli_explain(router, stdout);
		goto done;
	}
	if (o.events && (rc = start_events(&o, router, &events)))
		goto done;
	/* open the output first: a bad -o fails before hours of scanning */
	if ((!o.events || o.output) && !o.follow && (rc = cli_out_open(&out, o.output)))
		goto done;
	if (o.html && (rc = cli_out_open(&hout, o.html))) {
		cli_out_close(&out, 0);
		goto done;
	}
	catch_signals();
	if (o.follow) {
		rc = cli_follow(&o, s, router, &interrupted);
		goto done;
	}
	scanned = scan_all(&o, s, router);
	if (scanned == HZ_EXIT_INTERNAL) {
		cli_out_close(&out, 0);
		rc = HZ_EXIT_INTERNAL;
		goto done;
	}
	if (interrupted)
		s->partial = 1;
	for (size_t i = 0; ruleset && i < hz_rules_count(ruleset); i++) {
		struct hz_rule_info ri;
		long k;
		hz_rules_info(ruleset, i, &ri);
		k = hz_summary_user_rule(s, ri.name, ri.severity, ri.explain, ri.advice, ri.group_by);
		if (k >= 0)
			s->user[k].limit_errors += hz_rules_limit_errors(ruleset, i);
		if (!o.quiet && hz_rules_limit_errors(ruleset, i))
			cli_error("rule %s: %llu regex matches stopped by the PCRE2 match or depth limit (counted as no match)",
				  ri.name, (unsigned long long)hz_rules_limit_errors(ruleset, i));
	}
	if (events && (fflush(stdout) == EOF || ferror(stdout))) {
		cli_error("standard output: write error");
		cli_out_close(&out, 0);
		rc = HZ_EXIT_OUTPUT;
		goto done;
	}
	if (!out.f)
		wrc = 0;
	else if (o.json) {
		wrc = hz_emit_json(s, out.f, &err);
	} else {
		int to_stdout = !o.output || strcmp(o.output, "-") == 0;
		struct hz_text_opts to = { o.top, HZ_VERSION, to_stdout ? cli_spark(STDOUT_FILENO) : HZ_SPARK_NONE };
		wrc = hz_emit_text(s, out.f, &to, &err);
	}
	rc = cli_out_close(&out, wrc == 0);
	if (wrc && !rc) {
		cli_report(&err);
		rc = wrc == HZ_ENOMEM ? HZ_EXIT_INTERNAL : HZ_EXIT_OUTPUT;
	}
	if (!rc && o.html)
		rc = cli_write_html(s, &hout, o.top);
	if (!rc && o.partial) {
		struct cli_out pout;
		if (!(rc = cli_out_open(&pout, o.partial))) {
			wrc = hz_emit_json_mergeable(s, pout.f, &err);
			rc = cli_out_close(&pout, wrc == 0);
			if (wrc && !rc) {
				cli_report(&err);
				rc = wrc == HZ_ENOMEM ? HZ_EXIT_INTERNAL : HZ_EXIT_OUTPUT;
			}
		}
	}
	if (!rc) {
		if (s->partial)
			rc = HZ_EXIT_INTERRUPTED;
		else if (scanned)
			rc = HZ_EXIT_INPUT;
		else if (o.strict && s->unparsed)
			rc = HZ_EXIT_UNPARSED;
	}
	if (o.strict && s->unparsed && !o.quiet)
		cli_error("%llu lines could not be parsed (--strict)", (unsigned long long)s->unparsed);
done:
	cli_out_close(&hout, 0);   /* when not written: removes the temporary file */
	hz_events_free(events);
	hz_router_free(router);
	router = NULL;
	hz_rules_free(ruleset);
	hz_summary_free(s);
	cli_free(&o);
	return rc < 0 ? HZ_EXIT_OK : rc;
}
