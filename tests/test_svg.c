/* Unit tests for the SVG charts: folding buckets into columns, one group per
 * column, a rect per non-empty layer, and nothing from a name unescaped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"
#include "hz_test.h"

/* Occurrences of needle in the NUL-terminated s. */
static int count(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The chart c as a string (malloc'd). */
static char *draw(const struct hz_svg_chart *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	hz_svg_stacked(f, c);
	fclose(f);
	return buf;
}

int main(void)
{
	uint64_t v[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, out[4];
	uint64_t a[4] = { 5, 0, 3, 0 }, b[4] = { 1, 1, 0, 0 }, hits[4] = { 0, 1, 2, 0 };
	struct hz_svg_series bars[2] = { { "full <b>", "#4e79a7", a }, { "resumed", "#e15759", b } };
	struct hz_svg_series lines[1] = { { "rule\"x", "#000", hits } };
	struct hz_svg_chart c = { "chart-t", "a <chart>", 4, 1795775400000, 60000, bars, 2, lines, 1 };
	char *svg;

	/* 1+2+3, 4+5+6, 7+8+9, 10 */
	hz_svg_fold(v, 10, 3, out);
	CHECK_EQ_INT(out[0], 6);
	CHECK_EQ_INT(out[1], 15);
	CHECK_EQ_INT(out[2], 24);
	CHECK_EQ_INT(out[3], 10);
	hz_svg_fold(v, 4, 1, out);
	CHECK_EQ_INT(out[3], 4);

	svg = draw(&c);
	CHECK(svg != NULL);
	if (svg) {
		/* 4 columns; rects: a has 2 non-zero values, b has 2 */
		CHECK_EQ_INT(count(svg, "<g class=\"col\">"), 4);
		CHECK_EQ_INT(count(svg, "<rect "), 4);
		CHECK_EQ_INT(count(svg, "<polyline "), 1);
		/* column 0 holds 5 + 1 = 6 */
		CHECK(strstr(svg, ": 6 (full &lt;b&gt; 5, resumed 1); rule&quot;x 0</title>") != NULL);
		/* names and the label are escaped, nowhere raw */
		CHECK_EQ_INT(count(svg, "<b>"), 0);
		CHECK_EQ_INT(count(svg, "<chart>"), 0);
		CHECK(strstr(svg, "aria-label=\"a &lt;chart&gt;\"") != NULL);
		CHECK(strstr(svg, "data-series=\"rule&quot;x\"") != NULL);
		/* the largest column is 6: a round scale of 0, 2, 4, 6 */
		CHECK(strstr(svg, ">6</text>") != NULL);
		CHECK(strstr(svg, ">8</text>") == NULL);
		/* the line's own scale on the right: hits up to 2, in the same
		 * three steps, 0 to 3 */
		CHECK_EQ_INT(count(svg, "<text class=\"yr\""), 4);
		CHECK(strstr(svg, "class=\"yr\" x=\"914\" y=\"14.0\">3</text>") != NULL);
		free(svg);
	}
	/* nothing to draw: the axes, the columns and no rect */
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(hits, 0, sizeof(hits));
	svg = draw(&c);
	CHECK(svg != NULL);
	if (svg) {
		CHECK_EQ_INT(count(svg, "<g class=\"col\">"), 4);
		CHECK_EQ_INT(count(svg, "<rect "), 0);
		free(svg);
	}
	return hz_test_done();
}
