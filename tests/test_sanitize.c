/* Unit tests for the escapers: HTML markup characters, control bytes and invalid UTF-8. */
#include <stdio.h>
#include <string.h>

#include "halyze/sanitize.h"
#include "hz_test.h"

/* hz_escape of a C string in a mode, into a static buffer. */
static const char *esc(const char *in, size_t n, enum hz_escape_mode mode)
{
	static char buf[512];
	hz_escape(buf, sizeof(buf), in, n, mode);
	return buf;
}

#define CHECK_ESC(in, mode, want) do { \
	const char *got_ = esc(in, sizeof(in) - 1, mode); \
	if (strcmp(got_, want) == 0) hz_t_pass++; \
	else { hz_t_fail++; fprintf(stderr, "%s:%d: escaped \"%s\", expected \"%s\"\n", __FILE__, __LINE__, got_, want); } \
} while (0)

int main(void)
{
	char small[8];
	size_t need;

	/* the expected strings are written by hand from the HTML rules: the five
	 * characters that can open or close markup become entities */
	CHECK_ESC("<script>alert(1)</script>", HZ_ESC_HTML, "&lt;script&gt;alert(1)&lt;/script&gt;");
	CHECK_ESC("\"><img src=x onerror='a()'>", HZ_ESC_HTML, "&quot;&gt;&lt;img src=x onerror=&#39;a()&#39;&gt;");
	CHECK_ESC("</style>&amp;", HZ_ESC_HTML, "&lt;/style&gt;&amp;amp;");
	/* control characters, NUL, invalid UTF-8 and bidi overrides become visible text */
	CHECK_ESC("a\033[31mb\0c\377d\342\200\256e", HZ_ESC_HTML, "a\\x1B[31mb\\x00c\\xFFd\\u{202E}e");
	/* valid UTF-8 passes */
	CHECK_ESC("CN=J\303\274rgen", HZ_ESC_HTML, "CN=J\303\274rgen");
	/* the other modes are unchanged: markup characters pass */
	CHECK_ESC("<a href=\"x\">", HZ_ESC_TERMINAL, "<a href=\"x\">");
	CHECK_ESC("<\033>", HZ_ESC_UTF8, "<\033>");
	/* a cut result never ends inside an entity: "&lt;" does not fit after "ab" */
	need = hz_escape(small, sizeof(small), "abcd<", 5, HZ_ESC_HTML);
	CHECK_EQ_INT(need, 8);
	CHECK(strcmp(small, "abcd") == 0);
	need = hz_escape(small, 6, "ab<", 3, HZ_ESC_HTML);
	CHECK_EQ_INT(need, 6);
	CHECK(strcmp(small, "ab") == 0);
	return hz_test_done();
}
