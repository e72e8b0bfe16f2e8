/* The summary as one self-contained HTML page: the diagnosis, charts over time, tables. */
#include "halyze/emit.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/correlate.h"
#include "halyze/lint.h"
#include "halyze/rules.h"
#include "halyze/sanitize.h"
#include "errfmt.h"
#include "svg.h"

/* Bounds that keep the page small whatever the input: charts fold buckets
 * into at most MAX_COLUMNS columns, tables show at most MAX_ROWS rows. */
#define MAX_COLUMNS 240
#define MAX_ROWS 50
#define MAX_SAMPLES 10
#define MAX_INPUTS 50
#define LABEL_BYTES 600      /* an escaped label is cut to this (100 characters of the worst kind) */

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1100px;"
	"padding:0 16px 40px;color:#1d1d1f;background:#fff}"
	"h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}"
	"h3{font-size:15px;margin:16px 0 6px}p{margin:4px 0}"
	".meta{color:#555}.finding{border-left:4px solid #999;padding:4px 12px;margin:12px 0;background:#fafafa}"
	".finding.warning{border-color:#e8a33d}.finding.error{border-color:#d62728}.finding.info{border-color:#4e79a7}"
	".sev{display:inline-block;font-size:11px;text-transform:uppercase;padding:1px 6px;border-radius:3px;"
	"background:#4e79a7;color:#fff;margin-right:6px}.warning .sev{background:#c97d0c}.error .sev{background:#d62728}"
	".corr{font-weight:600}.advice{background:#eef6ee;padding:4px 8px}"
	"code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12.5px}"
	"code{background:#f0f0f0;padding:0 3px}"
	"table{border-collapse:collapse;margin:4px 0 12px}td,th{padding:2px 10px;text-align:left;vertical-align:top}"
	"th{border-bottom:1px solid #bbb;font-weight:600}tr:nth-child(even) td{background:#f6f6f6}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"td.k{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12.5px;word-break:break-all;max-width:640px}"
	".share{display:inline-block;height:9px;background:#4e79a7;vertical-align:middle}"
	".tables{display:flex;flex-wrap:wrap;gap:0 36px}"
	"figure{margin:8px 0 20px}figcaption{font-size:13px;color:#333}"
	"svg.chart{width:100%;height:auto;display:block}"
	"svg.chart .grid{stroke:#e4e4e4}svg.chart .axis{stroke:#888}"
	"svg.chart text{font-size:11px;fill:#555}svg.chart .yl{text-anchor:end}svg.chart .yr{fill:#1b1b1b}svg.chart .xl{text-anchor:middle}"
	"svg.chart .line{fill:none;stroke-width:2.5}"
	".key{display:inline-block;width:11px;height:11px;margin:0 4px 0 12px;vertical-align:-1px}"
	".key.line{height:3px;vertical-align:3px}"
	"pre.sample{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:4px 8px;margin:2px 0 10px}";

/* ---- text ---- */

/* Log bytes (or any string) as HTML text, cut to cap escaped bytes. */
static void text_n(FILE *out, const char *p, size_t n, size_t cap)
{
	char buf[4 * HZ_SAMPLE_MAX * 2 + 16];
	size_t need;

	if (cap > sizeof(buf))
		cap = sizeof(buf);
	need = hz_escape(buf, cap, p, n, HZ_ESC_HTML);
	fputs(buf, out);
	if (need >= cap)
		fputs("\xE2\x80\xA6", out);   /* an ellipsis: the label was cut */
}

static void text(FILE *out, const char *s)
{
	text_n(out, s, strlen(s), LABEL_BYTES);
}

/* Prose (rule texts, lint messages): escaped, with `code` spans as <code>. */
static void prose(FILE *out, const char *s)
{
	size_t need = hz_escape(NULL, 0, s, strlen(s), HZ_ESC_HTML);
	char *buf = malloc(need + 1);
	int in_code = 0;

	if (!buf)
		return;
	hz_escape(buf, need + 1, s, strlen(s), HZ_ESC_HTML);
	for (char *p = buf; *p; p++) {
		if (*p == '`') {
			fputs(in_code ? "</code>" : "<code>", out);
			in_code = !in_code;
		} else {
			fputc(*p, out);
		}
	}
	if (in_code)
		fputs("</code>", out);
	free(buf);
}

static void when(FILE *out, int64_t ms)
{
	char b[40];

	if (ms == INT64_MIN || ms == INT64_MAX) {
		fputs("?", out);
		return;
	}
	hz_format_ms(b, sizeof(b), ms);
	b[10] = ' ';
	fputs(b, out);
}

static void share(FILE *out, uint64_t part, uint64_t whole)
{
	if (!whole) {
		fputs("<td class=\"n\">-</td><td></td>", out);
		return;
	}
	fprintf(out, "<td class=\"n\">%.1f%%</td><td><span class=\"share\" style=\"width:%.0fpx\"></span></td>",
		100.0 * (double)part / (double)whole, 120.0 * (double)part / (double)whole);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---- tables ---- */

/* A table of a countmap: one row per key, heaviest first, then "(others)".
 * extra, when set, adds columns after the share (its heading in extra_head). */
struct table_def {
	const char *id, *title, *keyname, *count_name;
	const struct hz_countmap *m;
	size_t col;
	uint64_t whole;             /* what the share is of; 0: no share column */
	const char *extra_head;     /* "<th>tls</th>", or NULL */
	void (*extra)(FILE *out, const uint64_t *vals);
};

static void count_table(FILE *out, const struct table_def *t, size_t top)
{
	size_t n = hz_countmap_size(t->m), shown;
	struct hz_countmap_entry *e;
	uint64_t rest = 0;

	if (!n || !(e = hz_countmap_sorted(t->m, t->col)))
		return;
	shown = n < top ? n : top;
	fprintf(out, "<section class=\"table\" id=\"%s\"><h3>", t->id);
	text(out, t->title);
	fprintf(out, " <span class=\"meta\">(%zu)</span></h3>\n<table><thead><tr><th>%s</th><th class=\"n\">%s</th>",
		n, t->keyname, t->count_name ? t->count_name : "count");
	if (t->whole)
		fputs("<th class=\"n\">share</th><th></th>", out);
	fprintf(out, "%s</tr></thead><tbody>\n", t->extra_head ? t->extra_head : "");
	for (size_t i = 0; i < shown; i++) {
		fputs("<tr><td class=\"k\">", out);
		text_n(out, e[i].key, e[i].n, LABEL_BYTES);
		fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td>", e[i].vals[t->col]);
		if (t->whole)
			share(out, e[i].vals[t->col], t->whole);
		if (t->extra)
			t->extra(out, e[i].vals);
		fputs("</tr>\n", out);
	}
	for (size_t i = shown; i < n; i++)
		rest += e[i].vals[t->col];
	if (n > shown) {
		fprintf(out, "<tr><td>(%zu others)</td><td class=\"n\">%" PRIu64 "</td>", n - shown, rest);
		if (t->whole)
			share(out, rest, t->whole);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
	free(e);
}

static void frontend_extra(FILE *out, const uint64_t *v)
{
	fprintf(out, "<td>%s</td>", v[HZ_FE_TLS] ? "yes" : "no");
}

static double avg(uint64_t sum, uint64_t n)
{
	return n ? (double)sum / (double)n : 0.0;
}

static void server_extra(FILE *out, const uint64_t *v)
{
	fprintf(out, "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>",
		v[HZ_SRV_ERRORS], avg(v[HZ_SRV_TC_MS], v[HZ_SRV_TC_N]), avg(v[HZ_SRV_TR_MS], v[HZ_SRV_TR_N]));
}

static void url_extra(FILE *out, const uint64_t *v)
{
	fprintf(out, "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%.1f</td>",
		v[HZ_URL_ERRORS], v[HZ_URL_BYTES], avg(v[HZ_URL_TIME_MS], v[HZ_URL_REQUESTS]));
}

static void client_extra(FILE *out, const uint64_t *v)
{
	fprintf(out, "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td>", v[HZ_CLI_ERRORS],
		v[HZ_CLI_BYTES]);
}

/* --tables timers: the percentiles of each timer the format logs. */
static void timer_table(FILE *out, const struct hz_summary *s)
{
	int any = 0;

	for (int t = 0; t < HZ_TIMER_COUNT; t++) {
		const struct hz_sketch *k = s->timers[t];
		if (!k || !k->count)
			continue;
		if (!any++)
			fputs("<section class=\"table\" id=\"t-timers\"><h3>Timers (ms)</h3>\n<table><thead><tr>"
			      "<th>timer</th><th class=\"n\">count</th><th class=\"n\">avg</th><th class=\"n\">p50</th>"
			      "<th class=\"n\">p90</th><th class=\"n\">p95</th><th class=\"n\">p99</th>"
			      "<th class=\"n\">p99.9</th><th class=\"n\">max</th></tr></thead><tbody>\n", out);
		fprintf(out, "<tr><td class=\"k\">%s</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%.1f</td>",
			hz_timer_names[t], k->count, avg(k->sum, k->count));
		fprintf(out, "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
			"</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
			"</td></tr>\n", hz_sketch_quantile(k, 0.5), hz_sketch_quantile(k, 0.9), hz_sketch_quantile(k, 0.95),
			hz_sketch_quantile(k, 0.99), hz_sketch_quantile(k, 0.999), k->max);
	}
	if (any)
		fputs("</tbody></table></section>\n", out);
}

static void row(FILE *out, const char *name, uint64_t v, uint64_t whole)
{
	fputs("<tr><td>", out);
	text(out, name);
	fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td>", v);
	share(out, v, whole);
	fputs("</tr>\n", out);
}

static void tls_tables(FILE *out, const struct hz_summary *s, size_t top)
{
	const struct hz_tls_counts *t = &s->tls;

	if (!t->lines)
		return;
	fputs("<section class=\"table\" id=\"t-tls\"><h3>TLS handshakes and client certificates</h3>\n"
	      "<table><thead><tr><th>TLS lines</th><th class=\"n\">count</th><th class=\"n\">share</th><th></th></tr>"
	      "</thead><tbody>\n", out);
	row(out, "full handshake, certificate sent", t->full_with_cert, t->lines);
	row(out, "full handshake, no certificate", t->full_without_cert, t->lines);
	row(out, "resumed, identity known (has_crt=0)", t->resumed_identity_known, t->lines);
	row(out, "resumed, anonymous", t->resumed_anonymous, t->lines);
	if (t->resumed_with_cert)
		row(out, "resumed, has_crt=1 (unexpected)", t->resumed_with_cert, t->lines);
	if (t->inferred_resumed)
		row(out, "inferred resumed (is_resumed not logged)", t->inferred_resumed, t->lines);
	if (t->resumed_traced + t->resumed_untraced) {
		row(out, "resumed, linked to their full handshake", t->resumed_traced, t->lines);
		row(out, "resumed, not linked", t->resumed_untraced, t->lines);
	}
	fputs("</tbody></table></section>\n", out);
	{
		const struct table_def defs[] = {
			{ "t-verify", "ssl_c_verify results", "code", NULL, t->verify, 0, t->lines, NULL, NULL },
			{ "t-cert-err", "ssl_c_err results", "code", NULL, t->cert_errors, 0, t->lines, NULL, NULL },
			{ "t-ca-err", "ssl_c_ca_err results", "code", NULL, t->ca_errors, 0, t->lines, NULL, NULL },
			{ "t-untraced", "Resumptions not linked to a handshake", "reason", NULL, t->untraced_reasons, 0,
			  t->resumed_untraced, NULL, NULL },
		};
		for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
			count_table(out, &defs[i], top);
	}
}

/* ---- the diagnosis ---- */

static const char *sev_class(enum hz_severity v)
{
	return v == HZ_SEV_ERROR ? "error" : v == HZ_SEV_WARNING ? "warning" : "info";
}

static void finding(FILE *out, const struct hz_summary *s, const struct hz_finding *f)
{
	struct hz_finding_view d;
	const struct hz_rule_hits *h;
	struct hz_countmap_entry *e;
	size_t ng, nt = 0;
	const char *words = hz_correlation_words(f->r);

	hz_finding_view(s, f, &d);
	h = d.hits;
	fprintf(out, "<article class=\"finding %s\" id=\"f-", sev_class(d.severity));
	text(out, d.name);
	fprintf(out, "\"><h3><span class=\"sev\">%s</span>", hz_severity_name(d.severity));
	text(out, d.name);
	fprintf(out, ": %" PRIu64 " line%s", h->count, h->count == 1 ? "" : "s");
	if (h->first_ms != INT64_MAX) {
		fputs(", ", out);
		when(out, h->first_ms);
		fputs(" .. ", out);
		when(out, h->last_ms);
	}
	fputs("</h3>\n", out);
	if (d.title) {
		fputs("<p><b>", out);
		prose(out, d.title);
		fputs("</b></p>\n", out);
	}
	if (d.explain && d.explain != d.title) {
		fputs("<p>", out);
		prose(out, d.explain);
		fputs("</p>\n", out);
	}
	if (words)
		fprintf(out, "<p class=\"corr\">Over time: %s (r = %.2f against requests, %zu buckets of %lld s).</p>\n",
			words, f->r, f->buckets, (long long)(s->bucket_ms / 1000));
	e = hz_countmap_top(h->groups, 0, 10, &nt);
	ng = hz_countmap_size(h->groups);
	if (e && ng && (ng > 1 || e[0].n > 0)) {
		fputs("<p>By ", out);
		text(out, d.group_by && d.group_by[0] ? d.group_by : "group");
		fputs(":</p><table><tbody>\n", out);
		for (size_t k = 0; k < nt; k++) {
			fputs("<tr><td class=\"k\">", out);
			text_n(out, e[k].key, e[k].n, LABEL_BYTES);
			fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td></tr>\n", e[k].vals[0]);
		}
		if (ng > 10)
			fprintf(out, "<tr><td>(%zu more)</td><td></td></tr>\n", ng - 10);
		fputs("</tbody></table>\n", out);
	}
	free(e);
	if (h->nexamples) {
		const char *prev = NULL;
		fputs("<p>For example:", out);
		for (size_t k = 0; k < h->nexamples; k++) {
			if (!prev || strcmp(prev, h->examples[k].file) != 0) {
				fputs(k ? "; <span class=\"mono\">" : " <span class=\"mono\">", out);
				text(out, h->examples[k].file);
				fputs("</span> line", out);
			} else {
				fputc(',', out);
			}
			fprintf(out, " %" PRIu64, h->examples[k].line);
			prev = h->examples[k].file;
		}
		fputs("</p>\n", out);
	}
	if (d.severity > HZ_SEV_INFO && d.advice) {
		fputs("<p class=\"advice\"><b>What to change:</b> ", out);
		prose(out, d.advice);
		fputs("</p>\n", out);
	}
	fputs("</article>\n", out);
}

static void diagnosis(FILE *out, const struct hz_summary *s, const struct hz_finding *f, size_t n)
{
	size_t warn = 0;

	for (size_t i = 0; i < n; i++) {
		struct hz_finding_view d;
		hz_finding_view(s, &f[i], &d);
		warn += d.severity > HZ_SEV_INFO;
	}
	fputs("<section id=\"diagnosis\"><h2>Diagnosis</h2>\n", out);
	if (n == 0 && s->nlint == 0)
		fputs("<p>Nothing to report: no rule fired.</p>\n", out);
	else if (n)
		fprintf(out, "<p>%zu finding%s, %zu of them worth acting on, most severe first.</p>\n", n,
			n == 1 ? "" : "s", warn);
	for (size_t i = 0; i < n; i++)
		finding(out, s, &f[i]);
	if (s->nlint) {
		fputs("<h3>Configuration</h3>\n", out);
		for (size_t i = 0; i < s->nlint; i++) {
			const struct hz_lint_finding *l = &s->lint[i];
			fprintf(out, "<article class=\"finding %s\"><p><span class=\"sev\">%s</span><span class=\"mono\">",
				sev_class(l->severity), hz_severity_name(l->severity));
			text(out, l->file);
			fprintf(out, ":%d</span> %s", l->line, l->id);
			if (l->proxy) {
				fputs(" in ", out);
				text(out, l->proxy);
			}
			fputs("</p><p>", out);
			prose(out, l->message);
			fputs("</p>\n", out);
			if (l->fix) {
				fputs("<p class=\"advice\"><b>What to change:</b> ", out);
				prose(out, l->fix);
				fputs("</p>\n", out);
			}
			fputs("</article>\n", out);
		}
	}
	fputs("</section>\n", out);
}

/* ---- charts ---- */

static const char *const line_colors[] = { "#1b1b1b", "#b07aa1", "#d62728", "#8c564b", "#17becf", "#bcbd22" };

/* Columns of a chart: the set's buckets folded `per` to a column. */
struct columns {
	size_t n, per;
	int64_t first_ms, col_ms;
};

/* The folded counts of series name over all frontends (zeros when absent),
 * in a malloc'd array of c->n values. */
static uint64_t *folded(const struct hz_series_set *set, const struct columns *c, const char *name)
{
	const struct hz_series *x = hz_series_find(set, "", name);
	uint64_t *v = calloc(c->n ? c->n : 1, sizeof(*v));

	if (v && x)
		hz_svg_fold(x->counts, set->n, c->per, v);
	return v;
}

static int any(const uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			return 1;
	return 0;
}

static void legend(FILE *out, const struct hz_svg_series *v, size_t n, int lines)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "<span class=\"key%s\" style=\"background:%s\"></span>", lines ? " line" : "", v[i].color);
		text(out, v[i].name);
	}
}

/* The series of a chart, with the arrays they own. */
struct plot {
	struct hz_svg_series s[16];
	uint64_t *own[16];
	size_t n;
};

/* Adds a series (taking v), or frees v when the plot is full. */
static void plot_add(struct plot *p, const char *name, const char *color, uint64_t *v)
{
	if (p->n == sizeof(p->s) / sizeof(p->s[0])) {
		free(v);
		return;
	}
	p->s[p->n] = (struct hz_svg_series){ name, color, v };
	p->own[p->n++] = v;
}

static void plot_free(struct plot *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->own[i]);
	p->n = 0;
}

/* One chart in a <figure>, with its legend and caption; frees the plots. */
static void figure(FILE *out, const char *id, const char *title, const char *caption, const struct columns *c,
		   struct plot *bars, struct plot *lines)
{
	struct hz_svg_chart ch = { id, title, c->n, c->first_ms, c->col_ms, bars->s, bars->n, lines->s, lines->n };

	fprintf(out, "<figure id=\"fig-%s\"><h3>", id);
	text(out, title);
	fputs("</h3>\n", out);
	hz_svg_stacked(out, &ch);
	fputs("<figcaption>", out);
	legend(out, bars->s, bars->n, 0);
	legend(out, lines->s, lines->n, 1);
	if (caption) {
		fputs("<br>", out);
		text(out, caption);
	}
	fputs("</figcaption></figure>\n", out);
	plot_free(bars);
	plot_free(lines);
}

static void chart_tls(FILE *out, const struct hz_summary *s, const struct hz_series_set *set,
		      const struct columns *c, const struct hz_finding *f, size_t nf)
{
	static const char *const colors[] = { "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#c9c3bf" };
	const char *names[4] = { HZ_SERIES_FULL_CERT, hz_rule_def(HZ_RULE_FULL_NO_CERT)->name,
				 hz_rule_def(HZ_RULE_RESUMED_IDENTITY)->name, hz_rule_def(HZ_RULE_RESUMED_ANONYMOUS)->name };
	static const char *const labels[5] = { "full handshake with certificate", "full handshake without",
					       "resumed, identity known", "resumed, anonymous",
					       "other (plain, or no TLS verdict logged)" };
	struct plot bars = { .n = 0 }, lines = { .n = 0 };
	uint64_t *req = folded(set, c, HZ_SERIES_REQUESTS), *other = calloc(c->n ? c->n : 1, sizeof(uint64_t));
	char title[120], cap[1024];
	size_t m = 0;

	if (!req || !other) {
		free(req);
		free(other);
		return;
	}
	memcpy(other, req, c->n * sizeof(*other));
	for (int k = 0; k < 4; k++) {
		uint64_t *v = folded(set, c, names[k]);
		if (!v)
			continue;
		for (size_t i = 0; i < c->n; i++)
			other[i] -= v[i] < other[i] ? v[i] : other[i];
		if (!any(v, c->n)) {
			free(v);
			continue;
		}
		plot_add(&bars, labels[k], colors[k], v);
	}
	if (any(other, c->n) || bars.n == 0)
		plot_add(&bars, labels[4], colors[4], other);
	else
		free(other);
	/* the rules that fired, over the bars: the saw-tooth against load */
	cap[0] = 0;
	for (size_t i = 0; i < nf && lines.n < 8; i++) {
		struct hz_finding_view d;
		uint64_t *v;
		hz_finding_view(s, &f[i], &d);
		if (!(v = folded(set, c, d.name)))
			continue;
		if (!any(v, c->n)) {
			free(v);
			continue;
		}
		plot_add(&lines, d.name, line_colors[lines.n % 6], v);
		if (!isnan(f[i].r) && m < sizeof(cap) - 200)
			m += (size_t)snprintf(cap + m, sizeof(cap) - m, "%s%s %s: r = %.2f over %zu buckets.",
					      m ? " " : "", d.name, hz_correlation_words(f[i].r), f[i].r, f[i].buckets);
	}
	free(req);
	snprintf(title, sizeof(title), "Requests per %lld s by TLS handshake (left scale), with the rules that fired%s",
		 (long long)(c->col_ms / 1000), lines.n ? " (lines, right scale)" : "");
	figure(out, "chart-tls", title, m ? cap : NULL, c, &bars, &lines);
}

/* A chart of breakdown series (status classes, termination causes). */
static void chart_breakdown(FILE *out, const struct hz_series_set *set, const struct columns *c, const char *id,
			    const char *what, const char *const *names, const char *const *labels,
			    const char *const *colors, size_t k)
{
	struct plot bars = { .n = 0 }, none = { .n = 0 };
	char title[120];

	for (size_t i = 0; i < k; i++) {
		uint64_t *v = folded(set, c, names[i]);
		if (!v)
			continue;
		if (!any(v, c->n)) {
			free(v);
			continue;
		}
		plot_add(&bars, labels[i], colors[i], v);
	}
	snprintf(title, sizeof(title), "%s per %lld s", what, (long long)(c->col_ms / 1000));
	figure(out, id, title, bars.n ? NULL : "No line of this kind had a date.", c, &bars, &none);
}

static void charts(FILE *out, const struct hz_summary *s, const struct hz_series_set *set, int set_rc,
		   const struct hz_finding *f, size_t nf)
{
	static const char *const status_labels[HZ_STATUS_CLASSES] = { "1xx", "2xx", "3xx", "4xx", "5xx",
								      "other (-1, no response)" };
	static const char *const status_colors[HZ_STATUS_CLASSES] = { "#9c755f", "#59a14f", "#4e79a7", "#f28e2b",
								      "#e15759", "#c9c3bf" };
	static const char *const term_labels[HZ_TERM_CAUSES] = {
		"- normal end", "C client aborted", "S server aborted or refused", "P HAProxy aborted",
		"L served locally", "R out of resources", "I internal error", "D server down",
		"U backup server up", "K killed by an admin", "c client timeout", "s server timeout", "? other" };
	static const char *const term_colors[HZ_TERM_CAUSES] = {
		"#59a14f", "#f28e2b", "#e15759", "#b07aa1", "#76b7b2", "#9c755f", "#d62728", "#8c564b",
		"#bcbd22", "#1b1b1b", "#edc948", "#ff9da7", "#c9c3bf" };
	struct columns c;

	fputs("<section id=\"charts\"><h2>Over time</h2>\n", out);
	if (set_rc == HZ_ELIMIT) {
		fputs("<p>The log spans more buckets than a chart can show: use a wider <code>--bucket</code>.</p>"
		      "</section>\n", out);
		return;
	}
	if (set_rc || !set->n || !hz_series_find(set, "", HZ_SERIES_REQUESTS)) {
		fputs("<p>No time series: no traffic line had a date (or the scan ran with <code>--no-diagnosis</code>)."
		      "</p></section>\n", out);
		return;
	}
	c.per = (set->n + MAX_COLUMNS - 1) / MAX_COLUMNS;
	c.n = (set->n + c.per - 1) / c.per;
	c.first_ms = set->first * set->bucket_ms;
	c.col_ms = set->bucket_ms * (int64_t)c.per;
	fprintf(out, "<p class=\"meta\">%zu %s of %lld s", set->n, plural(set->n, "bucket", "buckets"),
		(long long)(set->bucket_ms / 1000));
	if (c.per > 1)
		fprintf(out, ", drawn %zu to a column", c.per);
	fputs(", from ", out);
	when(out, c.first_ms);
	fputs(" to ", out);
	when(out, (set->first + (int64_t)set->n) * set->bucket_ms);
	fputs(" (the logs' own clock). Hover a column for its figures.</p>\n", out);
	chart_tls(out, s, set, &c, f, nf);
	chart_breakdown(out, set, &c, "chart-status", "Status classes", hz_series_status, status_labels, status_colors,
			HZ_STATUS_CLASSES);
	chart_breakdown(out, set, &c, "chart-term", "Who ended the session (termination state)", hz_series_term,
			term_labels, term_colors, HZ_TERM_CAUSES);
	fputs("</section>\n", out);
}

/* ---- the rest ---- */

static void overview(FILE *out, const struct hz_summary *s)
{
	fprintf(out, "<p class=\"meta\">%" PRIu64 " %s in %zu %s: %" PRIu64 " %s, %" PRIu64 " %s, %" PRIu64
		     " %s, %" PRIu64 " not parsed.%s</p>\n",
		s->lines, plural(s->lines, "line", "lines"), s->nfiles, plural(s->nfiles, "input", "inputs"), s->requests,
		plural(s->requests, "request", "requests"), s->connection_errors,
		plural(s->connection_errors, "connection error", "connection errors"), s->messages,
		plural(s->messages, "HAProxy message", "HAProxy messages"), s->unparsed,
		s->partial ? " <b>Partial: the scan was interrupted.</b>" : "");
	if (hz_summary_accounted(s) != s->lines)
		fprintf(out, "<p><b>%" PRIu64 " lines unaccounted for (a bug: please report it).</b></p>\n",
			s->lines - hz_summary_accounted(s));
}

static void unparsed(FILE *out, const struct hz_summary *s, size_t top)
{
	const struct table_def t = { "t-unparsed", "Lines not parsed, by reason", "reason", "lines",
				     s->unparsed_reasons, 0, s->lines, NULL, NULL };

	fputs("<section id=\"unparsed\"><h2>What could not be parsed</h2>\n", out);
	if (!s->unparsed) {
		fputs("<p>Every line was parsed.</p></section>\n", out);
		return;
	}
	count_table(out, &t, top);
	if (s->nsamples)
		fputs("<h3>Samples</h3>\n", out);
	for (size_t i = 0; i < s->nsamples && i < MAX_SAMPLES; i++) {
		const struct hz_sample *x = &s->samples[i];
		fputs("<p><span class=\"mono\">", out);
		text(out, x->file);
		fprintf(out, ":%" PRIu64 "</span>: ", x->line);
		text(out, x->reason);
		fputs("</p><pre class=\"sample\">", out);
		text_n(out, x->text, x->n, 4 * HZ_SAMPLE_MAX * 2);
		fputs("</pre>\n", out);
	}
	fputs("</section>\n", out);
}

static void inputs(FILE *out, const struct hz_summary *s)
{
	size_t shown = 0;

	fputs("<section id=\"inputs\"><h2>Inputs</h2>\n<table><thead><tr><th>file</th><th class=\"n\">lines</th>"
	      "<th class=\"n\">bytes</th><th>error</th></tr></thead><tbody>\n", out);
	/* every file with an error, then the others up to the limit */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < s->nfiles && shown < MAX_INPUTS; i++) {
			const struct hz_file_summary *x = &s->files[i];
			if ((pass == 0) != (x->error != NULL))
				continue;
			shown++;
			fputs("<tr><td class=\"k\">", out);
			text(out, x->path);
			fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td>", x->lines,
				x->bytes);
			if (x->error) {
				text(out, x->error);
				if (x->error_line)
					fprintf(out, " (at line %" PRIu64 ")", x->error_line);
			}
			fputs("</td></tr>\n", out);
		}
	if (s->nfiles > shown)
		fprintf(out, "<tr><td>(%zu more)</td><td></td><td></td><td></td></tr>\n", s->nfiles - shown);
	fputs("</tbody></table></section>\n", out);
}

int hz_emit_html(const struct hz_summary *s, FILE *out, const struct hz_html_opts *o, struct hz_err *err)
{
	size_t top = o && o->top ? o->top : 20;
	struct hz_series_set set;
	int set_rc = hz_series_build(s, 0, &set);
	struct hz_finding *f = NULL;
	size_t nf = hz_findings_rank(s, set_rc == 0 ? &set : NULL, &f);

	if (nf == (size_t)-1) {
		if (set_rc == 0)
			hz_series_release(&set);
		return hz_err_set(err, HZ_ENOMEM, "", "cannot build the HTML report");
	}
	if (top > MAX_ROWS)
		top = MAX_ROWS;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
	      "img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"halyze", out);
	if (o && o->version) {
		fputc(' ', out);
		text(out, o->version);
	}
	fprintf(out, "\">\n<title>halyze report</title>\n<style>%s</style>\n</head><body>\n<h1>halyze report</h1>\n", css);
	overview(out, s);
	diagnosis(out, s, f, nf);
	charts(out, s, &set, set_rc, f, nf);
	fputs("<section id=\"traffic\"><h2>Traffic</h2><div class=\"tables\">\n", out);
	{
		/* one line per table: a new summary table joins here */
		const struct table_def defs[] = {
			{ "t-frontends", "Frontends", "frontend", "requests", s->frontends, HZ_FE_REQUESTS, s->requests,
			  "<th>tls</th>", frontend_extra },
			{ "t-servers", "Servers", "backend/server", "requests", s->servers, HZ_SRV_REQUESTS, s->requests,
			  (s->tables & HZ_TABLE_SERVERS) ? "<th class=\"n\">errors</th><th class=\"n\">connect ms</th>"
							   "<th class=\"n\">response ms</th>" : NULL,
			  (s->tables & HZ_TABLE_SERVERS) ? server_extra : NULL },
			{ "t-status", "Status codes", "status", NULL, s->status, 0, s->requests, NULL, NULL },
			{ "t-termination", "Termination states", "state", NULL, s->termination, 0, s->requests, NULL,
			  NULL },
			/* --tables: empty maps draw nothing */
			{ "t-urls", "URLs", "url", "requests", s->urls, HZ_URL_REQUESTS, s->requests,
			  "<th class=\"n\">errors</th><th class=\"n\">bytes</th><th class=\"n\">avg ms</th>", url_extra },
			{ "t-clients", "Clients", "client", "requests", s->clients, HZ_CLI_REQUESTS, s->requests,
			  "<th class=\"n\">errors</th><th class=\"n\">bytes</th>", client_extra },
		};
		for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
			count_table(out, &defs[i], top);
		timer_table(out, s);
	}
	if (!s->requests)
		fputs("<p>No traffic line in these logs.</p>\n", out);
	fputs("</div></section>\n<section id=\"tls\"><h2>TLS and connection errors</h2><div class=\"tables\">\n", out);
	tls_tables(out, s, top);
	{
		const struct table_def defs[] = {
			{ "t-connerr", "Handshake and connection failures by message", "message", NULL, s->connerr_messages,
			  0, s->connection_errors, NULL, NULL },
			{ "t-connerr-fe", "Connection failures by frontend", "frontend", NULL, s->connerr_frontends, 0,
			  s->connection_errors, NULL, NULL },
			{ "t-messages", "HAProxy's own messages", "kind", NULL, s->message_kinds, 0, s->messages, NULL,
			  NULL },
			{ "t-subjects", "Client certificates by subject", "subject", "TLS lines", s->subjects, 0,
			  s->tls.lines, NULL, NULL },
			{ "t-issuers", "Client certificates by issuer", "issuer", "TLS lines", s->issuers, 0, s->tls.lines,
			  NULL, NULL },
		};
		for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
			count_table(out, &defs[i], top);
	}
	if (!s->tls.lines && !s->connection_errors && !s->messages)
		fputs("<p>No TLS verdict, connection error or HAProxy message in these logs.</p>\n", out);
	fputs("</div></section>\n", out);
	unparsed(out, s, top);
	inputs(out, s);
	fputs("<p class=\"meta\">Made by halyze from the bucketed summary; it loads nothing from the network.</p>\n"
	      "</body></html>\n", out);
	free(f);
	if (set_rc == 0)
		hz_series_release(&set);
	if (fflush(out) == EOF || ferror(out))
		return hz_err_set(err, HZ_EWRITE, "", "cannot write the HTML report");
	return 0;
}
