/* Zeroed allocations for the large hash tables, backed by huge pages where the kernel offers them. */
#define _DEFAULT_SOURCE 1
#include "bigmem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Tables of a million keys are probed at random: with 4 KiB pages nearly
 * every probe also misses the TLB, which costs as much as the cache miss.
 * Transparent huge pages are often "madvise" only, so ask for them. */
#define HUGE_PAGE ((size_t)2 << 20)
/* From this size on a block is mapped on its own, in whole huge pages (up
 * to 2 MiB of slack for a 256 KiB table: only big tables get here). */
#define HUGE_FROM ((size_t)256 << 10)
/* In front of every block: the length of its mapping, 0 for calloc's. A
 * cache line, so that the block stays aligned as the tables want. A mapped
 * block starts on a huge page and its header sits at the end of the small
 * page in front of it, so that a table of 2^k bytes takes 2^k bytes of huge
 * pages, not one more huge page for its last bytes. */
#define HDR ((size_t)64)

static size_t page_size(void)
{
	long page = sysconf(_SC_PAGESIZE);
	return page >= (long)HDR && (size_t)page <= HUGE_PAGE ? (size_t)page : 4096;
}

void *hz_big_calloc(size_t n, size_t size)
{
	size_t bytes, len, page = page_size();
	char *raw, *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	if (bytes > SIZE_MAX - page - 2 * HUGE_PAGE)
		return NULL;
	if (bytes < HUGE_FROM) {
		if (!(p = calloc(1, bytes + HDR)))
			return NULL;
		memset(p, 0, sizeof(size_t));
		return p + HDR;
	}
	/* fresh anonymous pages are zero already: no memset, which would
	 * touch every page twice (the kernel clears each one it hands out) */
	len = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	raw = mmap(NULL, page + len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	/* keep [p - page, p + len) with p on a huge page, give back the rest */
	p = (char *)(((uintptr_t)raw + page + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (p - page > raw)
		munmap(raw, (size_t)(p - page - raw));
	if (raw + page + len + HUGE_PAGE > p + len)
		munmap(p + len, (size_t)(raw + page + len + HUGE_PAGE - (p + len)));
#ifdef MADV_HUGEPAGE
	madvise(p, len, MADV_HUGEPAGE);   /* advice only: failure is harmless */
#endif
	len += page;   /* the mapping, header page included */
	memcpy(p - HDR, &len, sizeof(len));
	return p;
}

void *hz_big_alloc(size_t bytes)
{
	char *p;

	if (bytes >= HUGE_FROM || bytes > SIZE_MAX - HDR)
		return hz_big_calloc(1, bytes);
	if (!(p = malloc(bytes + HDR)))
		return NULL;
	memset(p, 0, sizeof(size_t));
	return p + HDR;
}

void hz_big_free(void *q)
{
	char *p;
	size_t len;

	if (!q)
		return;
	p = (char *)q - HDR;
	memcpy(&len, p, sizeof(len));
	if (len)
		munmap((char *)q - page_size(), len);   /* from the header's page */
	else
		free(p);
}
