/* `halyze lint haproxy.cfg...`: the config lint as a command of its own. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "halyze/haproxy_cfg.h"
#include "halyze/lint.h"
#include "halyze/sanitize.h"
#include "cli.h"

static void lint_help(void)
{
	printf("Usage: halyze lint [--json] [--strict] HAPROXY.CFG...\n"
	       "Check haproxy.cfg for misuses of TLS sample fetches and log formats: ssl_fc_has_crt\n"
	       "tested where TLS sessions resume, resumption only half disabled, log formats that\n"
	       "log ssl_fc_has_crt without what interprets it, flags HAProxy ignores, request\n"
	       "headers at log time. Each finding names the line and the fix.\n\n"
	       "  --json     print the findings as one JSON document\n"
	       "  --strict   exit with status 3 when there is any finding\n"
	       "  -h, --help show this help\n");
}

void cli_print_lint(FILE *out, const char *path, const struct hz_lint_finding *f, size_t n)
{
	char a[4096], b[4096];

	for (size_t i = 0; i < n; i++) {
		hz_escape(a, sizeof(a), f[i].message, strlen(f[i].message), HZ_ESC_TERMINAL);
		fprintf(out, "%s:%d: %s [%s]%s%s: %s\n", path, f[i].line, hz_severity_name(f[i].severity), f[i].id,
			f[i].proxy ? " in " : "", f[i].proxy ? f[i].proxy : "", a);
		if (f[i].fix) {
			hz_escape(b, sizeof(b), f[i].fix, strlen(f[i].fix), HZ_ESC_TERMINAL);
			fprintf(out, "    fix: %s\n", b);
		}
	}
}

json_t *cli_lint_json(const char *path, const struct hz_lint_finding *f, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:i,s:s?,s:s,s:s?}", "id", f[i].id, "severity",
						       hz_severity_name(f[i].severity), "file", path, "line", f[i].line,
						       "proxy", f[i].proxy, "message", f[i].message, "fix", f[i].fix))) {
			json_decref(a);
			a = NULL;
		}
	return a;
}

int cli_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' }, { "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	int json = 0, strict = 0, c, rc = HZ_EXIT_OK;
	size_t total = 0;
	json_t *doc = NULL;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 's': strict = 1; break;
		case 'h': lint_help(); return HZ_EXIT_OK;
		default:
			cli_error("lint: unknown option '%s'\nTry 'halyze lint --help' for more information.", argv[optind - 1]);
			return HZ_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("lint: no configuration file\nTry 'halyze lint --help' for more information.");
		return HZ_EXIT_USAGE;
	}
	if (json && !(doc = json_pack("{s:s,s:[]}", "schema", "halyze.lint.v1", "findings"))) {
		cli_error("out of memory");
		return HZ_EXIT_INTERNAL;
	}
	for (int i = optind; i < argc; i++) {
		struct hz_cfg *cfg;
		struct hz_err err;
		struct hz_lint_finding *f;
		size_t n;

		if (hz_cfg_load(argv[i], &cfg, &err)) {
			cli_report(&err);
			if (err.code == HZ_ENOMEM) {
				json_decref(doc);
				return HZ_EXIT_INTERNAL;
			}
			rc = HZ_EXIT_CONFIG;
			continue;
		}
		if (hz_lint(cfg, &f, &n)) {
			hz_cfg_free(cfg);
			cli_error("out of memory");
			json_decref(doc);
			return HZ_EXIT_INTERNAL;
		}
		total += n;
		if (json) {
			json_t *a = cli_lint_json(argv[i], f, n);
			int bad = !a || json_array_extend(json_object_get(doc, "findings"), a);
			json_decref(a);
			if (bad) {
				hz_lint_free(f, n);
				hz_cfg_free(cfg);
				cli_error("out of memory");
				json_decref(doc);
				return HZ_EXIT_INTERNAL;
			}
		}
		else
			cli_print_lint(stdout, argv[i], f, n);
		hz_lint_free(f, n);
		hz_cfg_free(cfg);
	}
	if (json) {
		/* json_dumpf allocates: failing with ENOMEM is not a write error */
		errno = 0;
		if (json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) {
			if (errno == ENOMEM && !ferror(stdout)) {
				cli_error("out of memory");
				json_decref(doc);
				return HZ_EXIT_INTERNAL;
			}
			rc = HZ_EXIT_OUTPUT;
		} else if (fputc('\n', stdout) == EOF) {
			rc = HZ_EXIT_OUTPUT;
		}
		json_decref(doc);
	} else if (total == 0 && rc == HZ_EXIT_OK) {
		printf("no findings\n");
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_error("standard output: write error");
		return HZ_EXIT_OUTPUT;
	}
	if (rc == HZ_EXIT_OK && strict && total)
		rc = HZ_EXIT_UNPARSED;
	return rc;
}
