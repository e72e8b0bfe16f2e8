/* Charts as inline SVG for the HTML report (private to the core). */
#ifndef HZ_SVG_H
#define HZ_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One series of a chart: n counts, drawn as a layer of stacked bars or as a
 * line over them. name is shown in tooltips (escaped here); color is a CSS
 * colour the caller controls. */
struct hz_svg_series {
	const char *name;
	const char *color;
	const uint64_t *v;
};

struct hz_svg_chart {
	const char *id;          /* element id: letters, digits and '-' only */
	const char *label;       /* accessible name (escaped here) */
	size_t n;                /* columns; every column gets a <g class="col"> */
	int64_t first_ms;        /* time of column 0 */
	int64_t col_ms;          /* width of a column */
	const struct hz_svg_series *bars;   /* stacked, bottom first */
	size_t nbars;
	const struct hz_svg_series *lines;  /* drawn over the bars, on their own scale (right) */
	size_t nlines;
};

/* Writes the chart as one <svg class="chart"> element: one <g class="col">
 * per column holding a <title> and a <rect> for each non-zero layer, one
 * <polyline class="line"> per line series, and the axes (the bars' scale
 * on the left, the lines' on the right). Draws nothing but
 * the axes when every count is 0. Its size does not depend on the counts,
 * only on n. Returns 0, or -1 when out of memory. */
int hz_svg_stacked(FILE *out, const struct hz_svg_chart *c);

/* Merges runs of `per` adjacent values of v[0..n) by addition into out
 * (ceil(n / per) values): the columns of a chart narrower than its buckets. */
void hz_svg_fold(const uint64_t *v, size_t n, size_t per, uint64_t *out);

#endif
