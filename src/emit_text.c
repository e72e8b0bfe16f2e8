/* The summary as aligned text for people; log bytes are escaped for the terminal. */
#include "halyze/emit.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/correlate.h"
#include "halyze/lint.h"
#include "halyze/rules.h"
#include "halyze/sanitize.h"
#include "errfmt.h"

#define LABEL_MAX 72

/* Escapes a label and cuts it to LABEL_MAX display columns. */
static const char *label(char *buf, size_t cap, const char *p, size_t n)
{
	size_t need = hz_escape(buf, cap, p, n, HZ_ESC_TERMINAL);
	size_t w = 0, i = 0;

	for (; buf[i]; i++) {
		if (((unsigned char)buf[i] & 0xC0) != 0x80 && ++w > LABEL_MAX)
			break;
	}
	if ((buf[i] || need >= cap) && cap >= sizeof("...")) {
		/* back off to fit an ellipsis, in the columns and in buf, and not
		 * inside a character */
		while (i > 0 && (w > LABEL_MAX - 3 || i + sizeof("...") > cap || ((unsigned char)buf[i] & 0xC0) == 0x80)) {
			i--;
			if (((unsigned char)buf[i] & 0xC0) != 0x80)
				w--;
		}
		strcpy(buf + i, "...");
	}
	return buf;
}

static void pct(char *b, size_t cap, uint64_t part, uint64_t whole)
{
	if (whole)
		snprintf(b, cap, "%5.1f%%", 100.0 * (double)part / (double)whole);
	else
		snprintf(b, cap, "     -");
}

/* A table of one counter per key, heaviest first. */
static void table(FILE *out, const char *title, const char *keyname, const struct hz_countmap *m,
		  size_t col, uint64_t whole, size_t top, int *oom)
{
	struct hz_countmap_entry *e;
	size_t n = hz_countmap_size(m), shown, width = strlen(keyname);
	char buf[4 * LABEL_MAX + 64], p[16];
	uint64_t rest = 0;

	if (!n)
		return;
	e = hz_countmap_sorted(m, col);
	if (!e) {
		*oom = 1;
		return;
	}
	shown = n < top ? n : top;
	if (n > shown && width < sizeof("(others)") - 1)
		width = sizeof("(others)") - 1;
	for (size_t i = 0; i < shown; i++) {
		size_t w = hz_display_width(label(buf, sizeof(buf), e[i].key, e[i].n));
		if (w > width)
			width = w;
	}
	fprintf(out, "\n%s\n", title);
	fprintf(out, "  %-*s %12s %7s\n", (int)width, keyname, "count", "share");
	for (size_t i = 0; i < shown; i++) {
		const char *l = label(buf, sizeof(buf), e[i].key, e[i].n);
		pct(p, sizeof(p), e[i].vals[col], whole);
		fprintf(out, "  %s%*s %12" PRIu64 " %7s\n", l, (int)(width - hz_display_width(l)), "",
			e[i].vals[col], p);
	}
	for (size_t i = shown; i < n; i++)
		rest += e[i].vals[col];
	if (n > shown) {
		pct(p, sizeof(p), rest, whole);
		fprintf(out, "  %-*s %12" PRIu64 " %7s\n", (int)width, "(others)", rest, p);
	}
	free(e);
}

static void frontends(FILE *out, const struct hz_countmap *m, uint64_t whole, size_t top, int *oom)
{
	struct hz_countmap_entry *e;
	size_t n = hz_countmap_size(m), shown, width = 8;
	char buf[4 * LABEL_MAX + 64], p[16];

	if (!n)
		return;
	if (!(e = hz_countmap_sorted(m, HZ_FE_REQUESTS))) {
		*oom = 1;
		return;
	}
	shown = n < top ? n : top;
	if (n > shown && width < sizeof("(others)") - 1)
		width = sizeof("(others)") - 1;
	for (size_t i = 0; i < shown; i++) {
		size_t w = hz_display_width(label(buf, sizeof(buf), e[i].key, e[i].n));
		if (w > width)
			width = w;
	}
	fprintf(out, "\nFrontends\n  %-*s %12s %7s  %s\n", (int)width, "frontend", "requests", "share", "tls");
	for (size_t i = 0; i < shown; i++) {
		const char *l = label(buf, sizeof(buf), e[i].key, e[i].n);
		pct(p, sizeof(p), e[i].vals[HZ_FE_REQUESTS], whole);
		fprintf(out, "  %s%*s %12" PRIu64 " %7s  %s\n", l, (int)(width - hz_display_width(l)), "",
			e[i].vals[HZ_FE_REQUESTS], p, e[i].vals[HZ_FE_TLS] ? "yes" : "no");
	}
	if (n > shown)
		fprintf(out, "  (%zu more)\n", n - shown);
	free(e);
}

static void human_bytes(char *b, size_t cap, uint64_t v)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int u = 0;

	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	snprintf(b, cap, u ? "%.1f %s" : "%.0f %s", d, unit[u]);
}

static void accounting(FILE *out, const struct hz_summary *s)
{
	char p[16];
	uint64_t bytes = 0;
	char hb[32];

	for (size_t i = 0; i < s->nfiles; i++)
		bytes += s->files[i].bytes;
	human_bytes(hb, sizeof(hb), bytes);
	fprintf(out, "Lines read: %" PRIu64 " in %zu input%s (%s)%s\n", s->lines, s->nfiles,
		s->nfiles == 1 ? "" : "s", hb, s->partial ? "  [PARTIAL: interrupted]" : "");
	pct(p, sizeof(p), s->requests, s->lines);
	fprintf(out, "  %-22s %12" PRIu64 " %7s\n", "requests", s->requests, p);
	pct(p, sizeof(p), s->connection_errors, s->lines);
	fprintf(out, "  %-22s %12" PRIu64 " %7s\n", "connection errors", s->connection_errors, p);
	pct(p, sizeof(p), s->messages, s->lines);
	fprintf(out, "  %-22s %12" PRIu64 " %7s\n", "haproxy messages", s->messages, p);
	pct(p, sizeof(p), s->unparsed, s->lines);
	fprintf(out, "  %-22s %12" PRIu64 " %7s\n", "unparsed", s->unparsed, p);
	if (hz_summary_accounted(s) != s->lines)
		fprintf(out, "  WARNING: %" PRIu64 " lines unaccounted for (a bug: please report it)\n",
			s->lines - hz_summary_accounted(s));
}

static void headers(FILE *out, const struct hz_summary *s)
{
	int kinds = 0;

	for (int h = 0; h < HZ_HDR_COUNT; h++)
		kinds += s->headers[h] > 0;
	if (!kinds)
		return;
	fprintf(out, "\nSyslog headers\n");
	for (int h = 0; h < HZ_HDR_COUNT; h++)
		if (s->headers[h])
			fprintf(out, "  %-22s %12" PRIu64 "\n", hz_hdr_name((enum hz_hdr)h), s->headers[h]);
}

static void samples(FILE *out, const struct hz_summary *s)
{
	char buf[4 * HZ_SAMPLE_MAX + 64], f[1024];

	if (!s->nsamples)
		return;
	fprintf(out, "\nUnparsed samples\n");
	for (size_t i = 0; i < s->nsamples; i++) {
		const struct hz_sample *x = &s->samples[i];
		hz_escape(f, sizeof(f), x->file, strlen(x->file), HZ_ESC_TERMINAL);
		fprintf(out, "  %s:%" PRIu64 ": %s\n", f, x->line, x->reason);
		hz_escape(buf, 200, x->text, x->n, HZ_ESC_TERMINAL);
		fprintf(out, "    %s%s\n", buf, strlen(buf) >= 199 || x->n == HZ_SAMPLE_MAX ? "..." : "");
	}
}

static void file_errors(FILE *out, const struct hz_summary *s)
{
	char f[1024], m[1024];
	int any = 0;

	for (size_t i = 0; i < s->nfiles; i++) {
		const struct hz_file_summary *x = &s->files[i];
		if (!x->error)
			continue;
		if (!any++)
			fprintf(out, "\nInput errors\n");
		hz_escape(f, sizeof(f), x->path, strlen(x->path), HZ_ESC_TERMINAL);
		hz_escape(m, sizeof(m), x->error, strlen(x->error), HZ_ESC_TERMINAL);
		if (x->error_line)
			fprintf(out, "  %s:%" PRIu64 ": %s (kept %" PRIu64 " lines)\n", f, x->error_line, m, x->lines);
		else
			fprintf(out, "  %s: %s\n", f, m);
	}
}

/* Prints text wrapped at 78 columns with the given indent. */
static void wrap(FILE *out, const char *indent, const char *text)
{
	size_t col = 0, ind = strlen(indent);
	const char *p = text;

	fputs(indent, out);
	col = ind;
	while (*p) {
		size_t w = strcspn(p, " ");
		if (col > ind && col + 1 + w > 78) {
			fprintf(out, "\n%s", indent);
			col = ind;
		} else if (col > ind) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, w, out);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

static void clock_of(char *b, size_t cap, int64_t ms)
{
	if (ms == INT64_MIN || ms == INT64_MAX)
		snprintf(b, cap, "?");
	else
		hz_format_ms(b, cap, ms);
}

/* The glyphs of a sparkline, lowest first; a bucket with nothing is blank. */
static const char *const spark_unicode[] = { "\xE2\x96\x81", "\xE2\x96\x82", "\xE2\x96\x83", "\xE2\x96\x84",
					     "\xE2\x96\x85", "\xE2\x96\x86", "\xE2\x96\x87", "\xE2\x96\x88" };
static const char *const spark_ascii[] = { "_", ".", "-", "=", "#" };
#define SPARK_WIDTH 60

/* One line: the name, a glyph per column (buckets folded `per` to a column,
 * a glyph's height proportional to the column's count over the largest),
 * and the largest count. */
static void spark_line(FILE *out, const char *name, const uint64_t *v, size_t n, size_t per, enum hz_spark mode)
{
	const char *const *g = mode == HZ_SPARK_ASCII ? spark_ascii : spark_unicode;
	uint64_t levels = mode == HZ_SPARK_ASCII ? 5 : 8, max = 0, col[SPARK_WIDTH];
	size_t ncol = (n + per - 1) / per;
	char lb[4 * LABEL_MAX + 64];

	for (size_t c = 0; c < ncol; c++) {
		col[c] = 0;
		for (size_t i = c * per; i < n && i < (c + 1) * per; i++)
			col[c] += v[i];
		if (col[c] > max)
			max = col[c];
	}
	fprintf(out, "  %-30s ", label(lb, sizeof(lb), name, strlen(name)));
	for (size_t c = 0; c < ncol; c++)
		fputs(col[c] ? g[(col[c] * levels - 1) / max] : " ", out);
	fprintf(out, "  max %" PRIu64 "\n", max);
}

/* Requests and each rule that fired, per bucket, as sparklines. */
static void sparklines(FILE *out, const struct hz_summary *s, const struct hz_series_set *set,
		       const struct hz_finding *f, size_t n, enum hz_spark mode)
{
	const struct hz_series *req = hz_series_find(set, "", HZ_SERIES_REQUESTS);
	size_t per = (set->n + SPARK_WIDTH - 1) / SPARK_WIDTH;
	char a[40], b[40];

	if (!req || !set->n)
		return;
	hz_format_ms(a, sizeof(a), set->first * set->bucket_ms);
	hz_format_ms(b, sizeof(b), (set->first + (int64_t)set->n) * set->bucket_ms);
	a[10] = b[10] = ' ';
	fprintf(out, "\n  Per %lld s, %.16s .. %.16s%s\n", (long long)(set->bucket_ms * (int64_t)per / 1000), a, b,
		per > 1 ? " (buckets folded to fit)" : "");
	spark_line(out, HZ_SERIES_REQUESTS, req->counts, set->n, per, mode);
	for (size_t i = 0; i < n; i++) {
		struct hz_finding_view d;
		const struct hz_series *h;
		hz_finding_view(s, &f[i], &d);
		if ((h = hz_series_find(set, "", d.name)))
			spark_line(out, d.name, h->counts, set->n, per, mode);
	}
}

static void diagnosis(FILE *out, const struct hz_summary *s, enum hz_spark spark, int *oom)
{
	struct hz_series_set set;
	int src = hz_series_build(s, 0, &set), have = src == 0;
	struct hz_finding *f;
	size_t n;
	char lb[4 * LABEL_MAX + 64];

	/* too many buckets (HZ_ELIMIT) only loses the correlation; no memory
	 * would lose findings and print a wrong "nothing to report" */
	if (src == HZ_ENOMEM || (n = hz_findings_rank(s, have ? &set : NULL, &f)) == (size_t)-1) {
		*oom = 1;
		if (have)
			hz_series_release(&set);
		return;
	}
	fprintf(out, "Diagnosis\n");
	if (n == 0 && s->nlint == 0)
		fprintf(out, "  Nothing to report: no rule fired.\n");
	for (size_t i = 0; i < n; i++) {
		struct hz_finding_view d;
		const struct hz_rule_hits *h;
		struct hz_countmap_entry *e;
		size_t ng, nt = 0;
		char a[40], b[40], line[400];
		const char *words = hz_correlation_words(f[i].r);

		hz_finding_view(s, &f[i], &d);
		h = d.hits;
		e = hz_countmap_top(h->groups, 0, 5, &nt);
		if (!e)
			*oom = 1;
		ng = hz_countmap_size(h->groups);
		clock_of(a, sizeof(a), h->first_ms);
		clock_of(b, sizeof(b), h->last_ms);
		fprintf(out, "\n  [%s] %s: %" PRIu64 " line%s", hz_severity_name(d.severity), d.name, h->count,
			h->count == 1 ? "" : "s");
		if (h->first_ms != INT64_MAX)
			fprintf(out, ", %s .. %s", a, b);
		fputc('\n', out);
		if (d.title)
			wrap(out, "    ", d.title);
		if (d.severity > HZ_SEV_INFO && d.explain && d.explain != d.title)
			wrap(out, "    ", d.explain);
		if (words) {
			snprintf(line, sizeof(line), "Over time: %s (r = %.2f against requests, %zu buckets of %lld s).",
				 words, f[i].r, f[i].buckets, (long long)(s->bucket_ms / 1000));
			wrap(out, "    ", line);
		}
		if (e && ng && (ng > 1 || e[0].n > 0)) {
			fprintf(out, "    By %s:", d.group_by && d.group_by[0] ? d.group_by : "group");
			for (size_t k = 0; k < nt; k++)
				fprintf(out, "%s %s (%" PRIu64 ")", k ? "," : "", label(lb, sizeof(lb), e[k].key, e[k].n),
					e[k].vals[0]);
			if (ng > 5)
				fprintf(out, ", and %zu more", ng - 5);
			fputc('\n', out);
		}
		free(e);
		if (h->nexamples) {
			const char *prev = NULL;
			fprintf(out, "    For example:");
			for (size_t k = 0; k < h->nexamples; k++) {
				char fb[600];
				/* name the file once for a run of lines of the same file */
				if (!prev || strcmp(prev, h->examples[k].file) != 0) {
					hz_escape(fb, sizeof(fb), h->examples[k].file, strlen(h->examples[k].file),
						  HZ_ESC_TERMINAL);
					fprintf(out, "%s %s line", k ? ";" : "", fb);
				} else {
					fputc(',', out);
				}
				fprintf(out, " %" PRIu64, h->examples[k].line);
				prev = h->examples[k].file;
			}
			fputc('\n', out);
		}
		if (d.severity > HZ_SEV_INFO && d.advice) {
			fprintf(out, "    What to change:\n");
			wrap(out, "      ", d.advice);
		}
	}
	if (spark != HZ_SPARK_NONE && have)
		sparklines(out, s, &set, f, n, spark);
	free(f);
	if (s->nlint) {
		fprintf(out, "\n  Configuration\n");
		for (size_t i = 0; i < s->nlint; i++) {
			const struct hz_lint_finding *l = &s->lint[i];
			char fb[600], lb2[2048];
			hz_escape(fb, sizeof(fb), l->file, strlen(l->file), HZ_ESC_TERMINAL);
			hz_escape(lb2, sizeof(lb2), l->message, strlen(l->message), HZ_ESC_TERMINAL);
			fprintf(out, "  [%s] %s:%d %s%s%s\n", hz_severity_name(l->severity), fb, l->line, l->id,
				l->proxy ? " in " : "", l->proxy ? l->proxy : "");
			wrap(out, "    ", lb2);
			if (l->fix) {
				hz_escape(lb2, sizeof(lb2), l->fix, strlen(l->fix), HZ_ESC_TERMINAL);
				fprintf(out, "    What to change:\n");
				wrap(out, "      ", lb2);
			}
		}
	}
	fputc('\n', out);
	if (have)
		hz_series_release(&set);
}

/* "ssl_c_verify=20 (unable to get local issuer certificate)" into lb. */
static const char *verify_label(char *lb, size_t cap, const char *name, const struct hz_countmap_entry *e)
{
	char code[4 * 20 + 16];   /* 20 bytes of the key, each escaped in up to 4 */
	const char *what;

	snprintf(code, sizeof(code), "%.*s", (int)(e->n < 20 ? e->n : 20), e->key);
	what = hz_x509_error_name(strtol(code, NULL, 10));
	snprintf(lb, cap, "%s=%s%s%s%s", name, label(code, sizeof(code), e->key, e->n), what ? " (" : "",
		 what ? what : "", what ? ")" : "");
	return lb;
}

static void tls_table(FILE *out, const struct hz_summary *s, size_t top, int *oom)
{
	const struct hz_tls_counts *t = &s->tls;
	struct hz_countmap *maps[3] = { t->verify, t->cert_errors, t->ca_errors };
	const char *names[3] = { "ssl_c_verify", "ssl_c_err", "ssl_c_ca_err" };
	struct hz_countmap_entry *e[3];
	char lb[128];
	int w = 44;   /* the widest label: the fixed ones, or an error's name */

	if (!t->lines)
		return;
	for (int k = 0; k < 3; k++) {
		if (!(e[k] = hz_countmap_sorted(maps[k], 0)))
			*oom = 1;
		for (size_t i = 0; e[k] && i < hz_countmap_size(maps[k]) && i < top; i++) {
			int lw = (int)hz_display_width(verify_label(lb, sizeof(lb), names[k], &e[k][i]));
			if (lw > w)
				w = lw;
		}
	}
	fprintf(out, "\nTLS client certificates (%" PRIu64 " TLS lines)\n", t->lines);
	fprintf(out, "  %-*s %12" PRIu64 "\n", w, "full handshake, certificate sent", t->full_with_cert);
	fprintf(out, "  %-*s %12" PRIu64 "\n", w, "full handshake, no certificate", t->full_without_cert);
	fprintf(out, "  %-*s %12" PRIu64 "\n", w, "resumed, identity known (has_crt=0)", t->resumed_identity_known);
	fprintf(out, "  %-*s %12" PRIu64 "\n", w, "resumed, anonymous", t->resumed_anonymous);
	if (t->resumed_with_cert)
		fprintf(out, "  %-*s %12" PRIu64 "\n", w, "resumed, has_crt=1 (unexpected)", t->resumed_with_cert);
	if (t->inferred_resumed)
		fprintf(out, "  %-*s %12" PRIu64 "\n", w, "inferred resumed (is_resumed not logged)", t->inferred_resumed);
	if (t->resumed_traced + t->resumed_untraced)
		fprintf(out, "  %-*s %12" PRIu64 " traced, %" PRIu64 " untraced\n", w,
			"resumed sessions linked to their handshake", t->resumed_traced, t->resumed_untraced);
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; e[k] && i < hz_countmap_size(maps[k]) && i < top; i++) {
			const char *l = verify_label(lb, sizeof(lb), names[k], &e[k][i]);
			fprintf(out, "  %s%*s %12" PRIu64 "\n", l, w - (int)hz_display_width(l), "", e[k][i].vals[0]);
		}
		free(e[k]);
	}
	if (hz_countmap_size(t->untraced_reasons))
		table(out, "Untraced resumptions", "reason", t->untraced_reasons, 0, t->resumed_untraced, top, oom);
}

int hz_emit_text(const struct hz_summary *s, FILE *out, const struct hz_text_opts *o,
		 struct hz_err *err)
{
	size_t top = o && o->top ? o->top : 20;
	int oom = 0;

	if (o && o->version)
		fprintf(out, "halyze %s summary\n\n", o->version);
	diagnosis(out, s, o ? o->spark : HZ_SPARK_NONE, &oom);
	accounting(out, s);
	frontends(out, s->frontends, s->requests, top, &oom);
	table(out, "Status codes", "status", s->status, 0, s->requests, top, &oom);
	table(out, "Termination states", "state", s->termination, 0, s->requests, top, &oom);
	table(out, "Servers", "backend/server", s->servers, HZ_SRV_REQUESTS, s->requests, top, &oom);
	if (s->tables & HZ_TABLE_URLS)
		table(out, "URLs (requests)", "url", s->urls, HZ_URL_REQUESTS, s->requests, top, &oom);
	if (s->tables & HZ_TABLE_CLIENTS)
		table(out, "Clients (requests)", "client", s->clients, HZ_CLI_REQUESTS, s->requests, top, &oom);
	if (s->tables & HZ_TABLE_CERTS) {
		table(out, "Client certificates by subject (TLS lines)", "subject", s->subjects, 0, 0, top, &oom);
		table(out, "Client certificates by issuer (TLS lines)", "issuer", s->issuers, 0, 0, top, &oom);
	}
	if (s->tables & HZ_TABLE_HEADERS)
		table(out, "Captured headers (hrN: %hr slot N, hsN: %hs slot N)", "slot value", s->captures, 0, 0,
		      top, &oom);
	if (s->tables & HZ_TABLE_TIMERS) {
		int any = 0;
		for (int t = 0; t < HZ_TIMER_COUNT; t++) {
			const struct hz_sketch *k = s->timers[t];
			if (!k || !k->count)
				continue;
			if (!any++)
				fprintf(out, "\nTimers (ms)   %12s %10s %8s %8s %8s %8s %10s\n", "count", "avg", "p50",
					"p90", "p99", "p99.9", "max");
			fprintf(out, "  %-11s %12" PRIu64 " %10.1f %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
				" %10" PRIu64 "\n", hz_timer_names[t], k->count, (double)k->sum / (double)k->count,
				hz_sketch_quantile(k, 0.5), hz_sketch_quantile(k, 0.9), hz_sketch_quantile(k, 0.99),
				hz_sketch_quantile(k, 0.999), k->max);
		}
	}
	if (hz_summary_folded(s) + s->folded_loaded)
		fprintf(out, "\n%" PRIu64 " keys were folded into (other) rows to stay within --max-keys %zu.\n",
			hz_summary_folded(s) + s->folded_loaded, s->max_keys);
	tls_table(out, s, top, &oom);
	table(out, "Connection errors", "message", s->connerr_messages, 0, s->connection_errors, top, &oom);
	table(out, "Connection errors by frontend", "frontend", s->connerr_frontends, 0,
	      s->connection_errors, top, &oom);
	table(out, "HAProxy messages", "kind", s->message_kinds, 0, s->messages, top, &oom);
	table(out, "Unparsed lines", "reason", s->unparsed_reasons, 0, s->unparsed, top, &oom);
	samples(out, s);
	headers(out, s);
	file_errors(out, s);
	if (oom)
		return hz_err_set(err, HZ_ENOMEM, "", "out of memory (the summary written is incomplete)");
	if (fflush(out) == EOF || ferror(out))
		return hz_err_set(err, HZ_EWRITE, "", "cannot write the summary");
	return 0;
}
