/* Zeroed allocations for the large hash tables, backed by huge pages where the kernel offers them. */
#define _DEFAULT_SOURCE 1
#include "bigmem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Tables of a million keys are probed at random: with 4 KiB pages nearly
 * every probe also misses the TLB, which costs as much as the cache miss.
 * Transparent huge pages are often "madvise" only, so ask for them. */
#define HUGE_PAGE (2u << 20)
/* From this size on a block gets whole huge pages (up to 2 MiB of slack
 * for a 256 KiB table: only big tables get here, and few of them). */
#define HUGE_FROM (256u << 10)

void *hz_big_calloc(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	if (bytes < HUGE_FROM)
		return calloc(n ? n : 1, size ? size : 1);
	bytes = (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	if (posix_memalign(&p, HUGE_PAGE, bytes))
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);   /* advice only: failure is harmless */
#endif
	memset(p, 0, bytes);
	return p;
}
