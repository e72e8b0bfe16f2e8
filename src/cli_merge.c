/* `halyze merge` and `halyze report`: the summary of several --partial summaries, as one run over all their inputs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "halyze/emit.h"
#include "halyze/summary.h"
#include "cli.h"

static void merge_help(int report)
{
	if (report)
		printf("Usage: halyze report [--html FILE] [--json] [-o FILE] [--top N] SUMMARY.json...\n"
		       "Render summaries written with `halyze --partial FILE` or `halyze merge --partial\n"
		       "FILE` (several are merged first, in the order given): with --html, the same\n"
		       "page `halyze --html` writes for a scan; the text summary on stdout unless\n"
		       "--html is given alone.\n\n");
	else
		printf("Usage: halyze merge [--json] [-o FILE] [--partial FILE] [--html FILE] [--top N] SUMMARY.json...\n"
		       "Merge summaries written with `halyze --partial FILE` (by other runs, threads or\n"
		       "machines) into the summary of one run over all their inputs, in the order given.\n\n");
	printf("  --json            print the merged summary as JSON\n"
	       "  -o, --output FILE write it to FILE (replaced atomically)\n"
	       "  --partial FILE    also write the merged, still mergeable summary to FILE\n"
	       "  --html FILE       also write the HTML report (one self-contained page) to FILE\n"
	       "  --top N           rows per table (default 20)\n"
	       "  -h, --help        show this help\n");
}

int cli_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' }, { "output", required_argument, NULL, 'o' },
		{ "partial", required_argument, NULL, 'p' }, { "top", required_argument, NULL, 't' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	const char *output = NULL, *partial = NULL, *html = NULL;
	const char *cmd = argv[0];
	int report = strcmp(cmd, "report") == 0;
	struct hz_summary *all = NULL;
	struct hz_err err;
	struct cli_out out, hout = { 0 };
	int json = 0, c, rc, wrc;
	size_t top = 20;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'o': output = optarg; break;
		case 'p': partial = optarg; break;
		case 'H': html = optarg; break;
		case 't': top = strtoul(optarg, NULL, 10); if (!top) top = 20; break;
		case 'h': merge_help(report); return HZ_EXIT_OK;
		default:
			cli_error("%s: unknown option '%s'", cmd, argv[optind - 1]);
			/* a line of its own: cli_error would show the newline as \x0A */
			fprintf(stderr, "Try 'halyze %s --help' for more information.\n", cmd);
			return HZ_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("%s: no summary to %s", cmd, report ? "render" : "merge");
		fprintf(stderr, "Try 'halyze %s --help' for more information.\n", cmd);
		return HZ_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		struct hz_summary *one;
		if ((rc = hz_summary_load(argv[i], &one, &err))) {
			cli_report(&err);
			hz_summary_free(all);
			return rc == HZ_ENOMEM ? HZ_EXIT_INTERNAL : rc == HZ_EOPEN ? HZ_EXIT_INPUT : HZ_EXIT_CONFIG;
		}
		if (!all) {
			all = one;
			continue;
		}
		rc = hz_summary_merge(all, one);
		hz_summary_free(one);
		if (rc) {
			cli_error("%s: %s", argv[i], rc == HZ_EINVAL ? "its series buckets differ in width from the first summary's"
							   : "out of memory");
			hz_summary_free(all);
			return rc == HZ_EINVAL ? HZ_EXIT_CONFIG : HZ_EXIT_INTERNAL;
		}
	}
	if (partial) {
		if ((rc = cli_out_open(&out, partial))) {
			hz_summary_free(all);
			return rc;
		}
		wrc = hz_emit_json_mergeable(all, out.f, &err);
		if ((rc = cli_out_close(&out, wrc == 0)) || wrc) {
			if (!rc)
				cli_report(&err);
			hz_summary_free(all);
			return rc ? rc : wrc == HZ_ENOMEM ? HZ_EXIT_INTERNAL : HZ_EXIT_OUTPUT;
		}
	}
	if (html && (rc = cli_out_open(&hout, html))) {
		hz_summary_free(all);
		return rc;
	}
	rc = 0;
	/* `report --html FILE` alone writes only the page */
	if (!report || !html || json || output) {
		if ((rc = cli_out_open(&out, output))) {
			cli_out_close(&hout, 0);
			hz_summary_free(all);
			return rc;
		}
		if (json) {
			wrc = hz_emit_json(all, out.f, &err);
		} else {
			int to_stdout = !output || strcmp(output, "-") == 0;
			struct hz_text_opts to = { top, HZ_VERSION, to_stdout ? cli_spark(STDOUT_FILENO) : HZ_SPARK_NONE };
			wrc = hz_emit_text(all, out.f, &to, &err);
		}
		rc = cli_out_close(&out, wrc == 0);
		if (wrc && !rc) {
			cli_report(&err);
			rc = wrc == HZ_ENOMEM ? HZ_EXIT_INTERNAL : HZ_EXIT_OUTPUT;
		}
	}
	if (html && rc)
		cli_out_close(&hout, 0);
	else if (html)
		rc = cli_write_html(all, &hout, top);
	if (!rc && all->partial)
		rc = HZ_EXIT_INTERRUPTED;
	hz_summary_free(all);
	return rc;
}
