/* halyze: the command-line front end over the core library. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "halyze/emit.h"
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

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int main(int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	struct cli_opts o;
	struct hz_scan_opts so;
	struct hz_summary *s;
	struct cli_progress *prog = NULL;
	struct cli_out out;
	struct hz_err err;
	int rc = cli_parse(argc, argv, &o), input_failed = 0, wrc;

	if (rc >= 0) {
		cli_free(&o);
		return rc;
	}
	if (o.nformats || o.config) {
		cli_error("--format and --config are not available in this build yet");
		cli_free(&o);
		return HZ_EXIT_USAGE;
	}
	if (o.ninputs == 0) {
		o.inputs = stdin_only;
		o.ninputs = 1;
	}
	s = hz_summary_new(o.samples);
	if (!s) {
		cli_error("out of memory");
		return HZ_EXIT_INTERNAL;
	}
	memset(&so, 0, sizeof(so));
	so.max_line = o.max_line;
	so.headers_only = o.headers_only;
	so.stop = &interrupted;
	if (o.progress == 1 || (o.progress == -1 && !o.quiet && isatty(STDERR_FILENO))) {
		prog = cli_progress_new(o.inputs, o.ninputs);
		so.progress = cli_progress_cb;
		so.progress_ud = prog;
	}
	catch_signals();
	for (size_t i = 0; i < o.ninputs && !interrupted; i++) {
		cli_progress_file(prog, i);
		rc = hz_scan_path(s, o.inputs[i], &so, &err);
		if (rc < 0) {
			if (prog)
				fputs("\r\033[K", stderr);
			if (rc == HZ_ENOMEM) {
				cli_report(&err);
				hz_summary_free(s);
				return HZ_EXIT_INTERNAL;
			}
			if (err.line && s->nfiles && s->files[s->nfiles - 1].lines) {
				size_t m = strlen(err.msg);
				snprintf(err.msg + m, sizeof(err.msg) - m, " (kept %llu lines)",
					 (unsigned long long)s->files[s->nfiles - 1].lines);
			}
			cli_report(&err);
			input_failed = 1;
		}
	}
	cli_progress_done(prog);
	if (interrupted)
		s->partial = 1;

	rc = cli_out_open(&out, o.output);
	if (rc) {
		hz_summary_free(s);
		cli_free(&o);
		return rc;
	}
	if (o.json) {
		wrc = hz_emit_json(s, out.f, &err);
	} else {
		struct hz_text_opts to = { o.top, HZ_VERSION };
		wrc = hz_emit_text(s, out.f, &to, &err);
	}
	rc = cli_out_close(&out, wrc == 0);
	if (wrc && !rc) {
		cli_report(&err);
		rc = HZ_EXIT_OUTPUT;
	}
	if (!rc) {
		if (s->partial)
			rc = HZ_EXIT_INTERRUPTED;
		else if (input_failed)
			rc = HZ_EXIT_INPUT;
		else if (o.strict && s->unparsed)
			rc = HZ_EXIT_UNPARSED;
	}
	if (!o.quiet && !o.json && s->unparsed && o.strict)
		cli_error("%llu lines could not be parsed (--strict)", (unsigned long long)s->unparsed);
	hz_summary_free(s);
	cli_free(&o);
	return rc;
}
