/* Builds the router from --format and --config, or from the predefined formats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/haproxy_cfg.h"
#include "halyze/lint.h"
#include "halyze/logformat.h"
#include "halyze/router.h"
#include "halyze/sanitize.h"
#include "cli.h"

/* Reports running out of memory; returns the exit code for it. */
static int oom(void)
{
	cli_error("out of memory");
	return HZ_EXIT_INTERNAL;
}

/* A predefined name, or else a log-format string. */
static int compile_named(const char *spec, struct hz_format **f, struct hz_err *err, int *predef)
{
	int rc = hz_format_predefined(spec, f, err);
	*predef = rc == 0;
	if (rc != HZ_EINVAL)
		return rc;
	return hz_format_compile(spec, strlen(spec), f, err);
}

static int add_config(struct hz_router *r, const char *path, int quiet, struct hz_summary *s)
{
	struct hz_cfg *c;
	struct hz_err err;
	int rc = hz_cfg_load(path, &c, &err), added = 0;

	if (rc) {
		cli_report(&err);
		return rc == HZ_ENOMEM ? HZ_EXIT_INTERNAL : HZ_EXIT_CONFIG;
	}
	{
		/* the config lint runs with every --config; its findings open the report */
		struct hz_lint_finding *lf;
		size_t ln;
		if (hz_lint(c, &lf, &ln) || hz_summary_add_lint(s, lf, ln)) {
			hz_cfg_free(c);
			cli_error("out of memory");
			return HZ_EXIT_INTERNAL;
		}
		hz_lint_free(lf, ln);
	}
	for (size_t i = 0; i < c->n && !rc; i++) {
		const struct hz_cfg_proxy *p = &c->proxies[i];
		struct hz_format *f;

		if (p->kind == HZ_CFG_BACKEND)
			continue;
		if (p->predefined || p->log_format) {
			rc = p->predefined ? hz_format_predefined(p->predefined, &f, &err)
					   : hz_format_compile(p->log_format, strlen(p->log_format), &f, &err);
			if (rc == HZ_ENOMEM) {
				rc = oom();
				break;
			}
			if (rc) {
				cli_error("%s:%d: log-format of '%s': %s (column %u)", path, p->format_line ? p->format_line : p->line,
					  p->name, err.msg, err.col);
				rc = HZ_EXIT_CONFIG;
				break;
			}
			if (hz_router_add(r, p->name, p->log_tag, p->name, f))
				rc = oom();
			added++;
		}
		if (!rc && p->error_log_format) {
			if ((rc = hz_format_compile(p->error_log_format, strlen(p->error_log_format), &f, &err)) == HZ_ENOMEM) {
				rc = oom();
				break;
			}
			if (rc) {
				cli_error("%s:%d: error-log-format of '%s': %s (column %u)", path,
					  p->error_format_line, p->name, err.msg, err.col);
				rc = HZ_EXIT_CONFIG;
				break;
			}
			if (hz_router_add_error(r, p->name, p->log_tag, p->name, f))
				rc = oom();
		}
	}
	hz_cfg_free(c);
	if (!rc && added == 0 && !quiet)
		cli_error("%s: no frontend sets a log format; HAProxy's own messages and connection errors are still counted", path);
	return rc;
}

int cli_router(const struct cli_opts *o, struct hz_router **out, struct hz_summary *s)
{
	struct hz_router *r = hz_router_new();
	struct hz_err err;
	int rc = 0;

	*out = NULL;
	if (!r)
		return oom();
	{
		struct hz_diag_opts d = { (int64_t)o->ticket_lifetime * 1000,
					  o->expiry_days ? (int64_t)o->expiry_days * 86400000 : 1, 0 };
		if (hz_router_set_diag(r, &d)) {
			hz_router_free(r);
			return oom();
		}
		hz_router_set_diagnosis(r, !o->no_diagnosis);
	}
	for (size_t i = 0; i < o->nformats && !rc; i++) {
		struct hz_format *f;
		char name[32];
		int predef;
		if ((rc = compile_named(o->formats[i], &f, &err, &predef)) == HZ_ENOMEM) {
			rc = oom();
			break;
		}
		if (rc) {
			cli_error("--format: %s (column %u)", err.msg, err.col);
			rc = HZ_EXIT_CONFIG;
			break;
		}
		snprintf(name, sizeof(name), o->nformats > 1 ? "format %zu" : "format", i + 1);
		if (predef)
			snprintf(name, sizeof(name), "%s", o->formats[i]);
		if (hz_router_add(r, name, NULL, NULL, f))
			rc = oom();
	}
	for (size_t i = 0; i < o->nconfigs && !rc; i++)
		rc = add_config(r, o->configs[i], o->quiet, s);
	if (!rc && o->nformats == 0 && o->nconfigs == 0 && (rc = hz_router_add_defaults(r, &err))) {
		/* the predefined formats compile: only memory can fail them */
		if (rc == HZ_ENOMEM)
			rc = oom();
		else {
			cli_report(&err);
			rc = HZ_EXIT_INTERNAL;
		}
	}
	if (rc) {
		hz_router_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static const char *type_name(enum hz_ftype t)
{
	switch (t) {
	case HZ_FT_LITERAL: return "literal";
	case HZ_FT_STRING: return "string";
	case HZ_FT_INT: return "integer";
	case HZ_FT_TIMER: return "timer (ms, -1)";
	case HZ_FT_IP: return "ip";
	case HZ_FT_PORT: return "port";
	case HZ_FT_DATE_MS: return "date (ms)";
	case HZ_FT_DATE_TZ: return "date (+zone)";
	case HZ_FT_TERM: return "termination";
	case HZ_FT_REQUEST: return "request line";
	case HZ_FT_CAPTURE: return "capture block";
	case HZ_FT_FRONTEND: return "frontend (~ = TLS)";
	case HZ_FT_SAMPLE: return "sample";
	}
	return "?";
}

int cli_explain(const struct hz_router *r, FILE *out)
{
	for (size_t i = 0; i < hz_router_count(r); i++) {
		const char *name;
		int error;
		const struct hz_format *f = hz_router_format(r, i, &name, &error);
		char src[8192];

		hz_escape(src, sizeof(src), hz_format_source(f), strlen(hz_format_source(f)), HZ_ESC_TERMINAL);
		fprintf(out, "%s%s%s\n  %s\n", i ? "\n" : "", name, error ? " (error-log-format)" : "", src);
		fprintf(out, "  %3s  %-22s %-28s %-18s %s\n", "#", "item", "name", "type", "flags");
		for (size_t k = 0; k < hz_format_nfields(f); k++) {
			const struct hz_field_info *fi = hz_format_field(f, k);
			char item[256], flags[8];
			int n = 0;

			if (fi->alias == HZ_A_SAMPLE)
				snprintf(item, sizeof(item), "%%[%.*s]", (int)(fi->expr.n > 200 ? 200 : fi->expr.n), fi->expr.p);
			else
				snprintf(item, sizeof(item), "%%%s", fi->alias_name);
			if (fi->flags & HZ_FLAG_Q) flags[n++] = 'Q';
			if (fi->flags & HZ_FLAG_X) flags[n++] = 'X';
			if (fi->flags & HZ_FLAG_E) flags[n++] = 'E';
			if (fi->flags & HZ_FLAG_M) flags[n++] = 'M';
			flags[n] = 0;
			hz_escape(src, sizeof(src), item, strlen(item), HZ_ESC_TERMINAL);
			fprintf(out, "  %3zu  %-22s %-28s %-18s %s\n", k, src,
				fi->long_name ? fi->long_name : fi->alias == HZ_A_SAMPLE ? "(by expression)" : "-",
				type_name(fi->type), flags);
		}
	}
	if (fflush(out) == EOF || ferror(out)) {
		cli_error("standard output: write error");
		return HZ_EXIT_OUTPUT;
	}
	return HZ_EXIT_OK;
}
