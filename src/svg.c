/* Stacked-bar charts over time as inline SVG, drawn from bucketed counts. */
#include "svg.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/sanitize.h"
#include "halyze/summary.h"

/* The frame, in SVG user units (the element scales to the page's width). */
#define W 960.0
#define H 240.0
#define ML 60.0
#define MR 52.0
#define MT 10.0
#define MB 26.0
#define PW (W - ML - MR)
#define PH (H - MT - MB)
#define MAX_BAR 48.0

void hz_svg_fold(const uint64_t *v, size_t n, size_t per, uint64_t *out)
{
	if (per < 1)
		per = 1;
	for (size_t i = 0, k = 0; i < n; i += per, k++) {
		uint64_t sum = 0;
		for (size_t j = i; j < n && j < i + per; j++)
			sum += v[j];
		out[k] = sum;
	}
}

/* The smallest 1, 2 or 5 times a power of ten that is >= x (x >= 1). */
static uint64_t nice_step(uint64_t x)
{
	uint64_t p = 1;

	while (p <= UINT64_MAX / 10 && p * 10 <= x)
		p *= 10;
	if (p >= x)
		return p;
	if (2 * p >= x)
		return 2 * p;
	if (5 * p >= x)
		return 5 * p;
	return 10 * p;
}

/* A column's time as shown on the axis: the clock, with the day when the
 * chart spans more than one, and seconds when columns are under a minute. */
static void tick_label(char *b, size_t cap, int64_t ms, int with_day, int with_seconds)
{
	char t[40];

	hz_format_ms(t, sizeof(t), ms);
	if (with_day)
		snprintf(b, cap, "%.5s %.5s", t + 5, t + 11);
	else if (with_seconds)
		snprintf(b, cap, "%.8s", t + 11);
	else
		snprintf(b, cap, "%.5s", t + 11);
}

static void esc(FILE *out, const char *s)
{
	char buf[512];

	hz_escape(buf, sizeof(buf), s, strlen(s), HZ_ESC_HTML);
	fputs(buf, out);
}

int hz_svg_stacked(FILE *out, const struct hz_svg_chart *c)
{
	uint64_t top = 0, step, ltop = 0, lstep;
	int grids;
	/* a few columns make wide ones: bars at most MAX_BAR wide, centred */
	double bw, inset;
	double cw = c->n ? PW / (double)c->n : PW, gap = cw > 4 ? 1.0 : 0.0;
	int with_day = c->n && (int64_t)c->n * c->col_ms > 86400000;
	int with_seconds = c->col_ms < 60000;
	size_t every = c->n / 8 + 1;
	char lb[40];

	for (size_t i = 0; i < c->n; i++) {
		uint64_t sum = 0;
		for (size_t k = 0; k < c->nbars; k++)
			sum += c->bars[k].v[i];
		if (sum > top)
			top = sum;
		for (size_t k = 0; k < c->nlines; k++)
			if (c->lines[k].v[i] > ltop)
				ltop = c->lines[k].v[i];
	}
	/* up to four grid steps of a round size */
	step = nice_step(top ? (top + 3) / 4 : 1);
	grids = top ? (int)((top + step - 1) / step) : 4;
	top = step * (uint64_t)grids;
	/* the lines have their own scale on the right, with as many steps: rule
	 * hits are often a small part of the requests, and their shape is what
	 * shows whether they follow load */
	lstep = ltop ? (ltop + (uint64_t)grids - 1) / (uint64_t)grids : 1;
	lstep = nice_step(lstep);
	ltop = lstep * (uint64_t)grids;

	bw = cw - gap > MAX_BAR ? MAX_BAR : cw - gap;
	inset = (cw - gap - bw) / 2;
	fprintf(out, "<svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", c->id, W, H);
	esc(out, c->label);
	fprintf(out, "\" data-columns=\"%zu\">\n", c->n);
	/* grid and y labels */
	for (int g = 0; g <= grids; g++) {
		double y = MT + PH - PH * g / (double)grids;
		fprintf(out, "<line class=\"grid\" x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\"/>"
			     "<text class=\"yl\" x=\"%.0f\" y=\"%.1f\">%" PRIu64 "</text>\n",
			ML, W - MR, y, y, ML - 6, y + 4, step * (uint64_t)g);
		if (c->nlines)
			fprintf(out, "<text class=\"yr\" x=\"%.0f\" y=\"%.1f\">%" PRIu64 "</text>\n", W - MR + 6, y + 4,
				lstep * (uint64_t)g);
	}
	/* the bars, one group per column */
	fputs("<g class=\"bars\">\n", out);
	for (size_t i = 0; i < c->n; i++) {
		double x = ML + cw * (double)i, y = MT + PH;
		uint64_t sum = 0;
		char t[40];

		for (size_t k = 0; k < c->nbars; k++)
			sum += c->bars[k].v[i];
		hz_format_ms(t, sizeof(t), c->first_ms + (int64_t)i * c->col_ms);
		fprintf(out, "<g class=\"col\"><title>%.10s %.8s: %" PRIu64, t, t + 11, sum);
		for (size_t k = 0; k < c->nbars; k++)
			if (c->bars[k].v[i]) {
				fputs(k ? ", " : " (", out);
				esc(out, c->bars[k].name);
				fprintf(out, " %" PRIu64, c->bars[k].v[i]);
			}
		fputs(sum ? ")" : "", out);
		for (size_t k = 0; k < c->nlines; k++) {
			fputs("; ", out);
			esc(out, c->lines[k].name);
			fprintf(out, " %" PRIu64, c->lines[k].v[i]);
		}
		fputs("</title>", out);
		for (size_t k = 0; k < c->nbars; k++) {
			double h = PH * (double)c->bars[k].v[i] / (double)top;
			if (!c->bars[k].v[i])
				continue;
			y -= h;
			fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>", x + inset,
				y, bw, h, c->bars[k].color);
		}
		fputs("</g>\n", out);
	}
	fputs("</g>\n", out);
	/* the lines over the bars, through the middle of each column */
	for (size_t k = 0; k < c->nlines; k++) {
		fprintf(out, "<polyline class=\"line\" data-series=\"");
		esc(out, c->lines[k].name);
		fprintf(out, "\" stroke=\"%s\" points=\"", c->lines[k].color);
		/* one point draws nothing: then a level segment across the bar */
		if (c->n == 1)
			fprintf(out, "%.1f,%.1f ", ML + cw * 0.5 - bw / 2 - 4,
				MT + PH - PH * (double)c->lines[k].v[0] / (double)ltop);
		for (size_t i = 0; i < c->n; i++)
			fprintf(out, "%s%.1f,%.1f", i ? " " : "", ML + cw * ((double)i + 0.5),
				MT + PH - PH * (double)c->lines[k].v[i] / (double)ltop);
		if (c->n == 1)
			fprintf(out, " %.1f,%.1f", ML + cw * 0.5 + bw / 2 + 4,
				MT + PH - PH * (double)c->lines[k].v[0] / (double)ltop);
		fputs("\"/>\n", out);
	}
	/* the time axis */
	fprintf(out, "<line class=\"axis\" x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\"/>\n", ML, W - MR, MT + PH,
		MT + PH);
	for (size_t i = 0; i < c->n; i += every) {
		tick_label(lb, sizeof(lb), c->first_ms + (int64_t)i * c->col_ms, with_day, with_seconds);
		fprintf(out, "<text class=\"xl\" x=\"%.1f\" y=\"%.0f\">%s</text>\n", ML + cw * ((double)i + 0.5), H - 8, lb);
	}
	fputs("</svg>\n", out);
	return 0;
}
