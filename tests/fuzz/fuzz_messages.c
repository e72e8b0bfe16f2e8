/* Fuzz target: HAProxy's non-traffic lines (connection errors, its own messages). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "halyze/messages.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct hz_connerr ce;
	const char *kind;

	memset(&ce, 0xA5, sizeof(ce));
	if (hz_connerr_parse(p, size, &ce) == 1) {
		FZ_CHECK(fz_inside(ce.client, data, size));
		FZ_CHECK(fz_inside(ce.date, data, size));
		FZ_CHECK(fz_inside(ce.frontend, data, size));
		FZ_CHECK(fz_inside(ce.bind, data, size));
		FZ_CHECK(fz_inside(ce.message, data, size));
		FZ_CHECK(ce.known == 0 || ce.known == 1);
	}
	kind = hz_message_kind(p, size);
	if (kind)
		FZ_CHECK(kind[0] != 0 && strlen(kind) < 64);
	return 0;
}
