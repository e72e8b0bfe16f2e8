/* Fuzz target: the log-format compiler over an untrusted format string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/logformat.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"ST", "%ST", "status", "ci", "client_ip", "r", "%r", "hr", "hs", "Ta", "Tt", "tsc",
	"ft", "b", "s", "B", "[", "ssl_c_i_dn(cn)", "ssl_c_serial,hex", "%", "%[", "%{", "x",
	"",  /* found by this target: hz_format_find(f, "") (fixed) */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hz_format *f = NULL;
	struct hz_err err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = hz_format_compile((const char *)data, size, &f, &err);
	if (rc != 0) {
		FZ_CHECK(rc < 0 && f == NULL);
		FZ_CHECK(memchr(err.msg, 0, sizeof(err.msg)) != NULL);
		if (rc == HZ_ESYNTAX)
			FZ_CHECK(err.col >= 1 && err.col <= size + 1);
		return 0;
	}
	FZ_CHECK(f != NULL);
	{
		size_t nf = hz_format_nfields(f), i;
		const char *src = hz_format_source(f);
		char name[80];

		FZ_CHECK(src != NULL);
		for (i = 0; i < nf; i++) {
			const struct hz_field_info *fi = hz_format_field(f, i);
			FZ_CHECK(fi != NULL);
			FZ_CHECK(fi->alias_name != NULL);
			FZ_CHECK((unsigned)fi->alias < HZ_A_COUNT && (unsigned)fi->type <= HZ_FT_SAMPLE);
			FZ_CHECK(fi->type != HZ_FT_LITERAL);
			/* Every field answers to its own names. */
			if (fi->long_name) {
				int k = hz_format_find(f, fi->long_name);
				FZ_CHECK(k >= 0 && (size_t)k <= i);
			}
			if (fi->expr.n > 0 && fi->expr.n < sizeof(name) && !memchr(fi->expr.p, 0, fi->expr.n)) {
				int k;
				memcpy(name, fi->expr.p, fi->expr.n);
				name[fi->expr.n] = 0;
				/* found, though maybe as another field's alias: `%[r]` answers
				 * to "r" after a `%r` anywhere in the format */
				k = hz_format_find(f, name);
				FZ_CHECK(k >= 0);
			}
		}
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			int k = hz_format_find(f, names[i]);
			FZ_CHECK(k >= -1 && (k < 0 || (size_t)k < nf));
		}
		/* And a name taken from the input itself. */
		{
			size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
			int k;
			memcpy(name, data, n);
			name[n] = 0;
			{
				k = hz_format_find(f, name);
				FZ_CHECK(k >= -1 && (k < 0 || (size_t)k < nf));
			}
		}
	}
	hz_format_free(f);
	return 0;
}
