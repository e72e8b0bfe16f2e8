/* Zeroed allocations for the large hash tables, backed by huge pages where the kernel offers them, and reused once freed. */
#define _DEFAULT_SOURCE 1
#include "bigmem.h"

#include <pthread.h>
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

/* Freed mapped blocks, kept for the next tables. A table that grows
 * leaves the smaller one behind, and each slice of a file scanned by the
 * threads builds its tables anew: without this, every one of them is
 * fresh memory, faulted in and zeroed by the kernel, which on a virtual
 * machine can cost more than the scan's use of it (and more again when
 * the host has to back the pages first). A kept block is cleared with
 * memset, at a small fraction of that (bench/README.md, "Session 8
 * results"). Bounded in count and bytes: what is kept was in use a moment
 * before. */
#define KEEP_BLOCKS 16
#define KEEP_BYTES ((size_t)64 << 20)
static struct {
	pthread_mutex_t lock;
	char *p[KEEP_BLOCKS];      /* blocks as hz_big_calloc returned them */
	size_t len[KEEP_BLOCKS];   /* their mapping's length (header page included) */
	size_t n, bytes;
} keep = { PTHREAD_MUTEX_INITIALIZER, { 0 }, { 0 }, 0, 0 };

/* The smallest kept block whose mapping is len bytes or more; NULL when
 * none. A larger block serves a smaller table whole: its pages are in
 * memory already, which fresh ones are not. */
static char *take_kept(size_t len)
{
	char *p = NULL;
	size_t best = 0;

	pthread_mutex_lock(&keep.lock);
	for (size_t i = 0; i < keep.n; i++)
		if (keep.len[i] >= len && (!p || keep.len[i] < keep.len[best])) {
			p = keep.p[i];
			best = i;
		}
	if (p) {
		keep.bytes -= keep.len[best];
		keep.p[best] = keep.p[--keep.n];
		keep.len[best] = keep.len[keep.n];
	}
	pthread_mutex_unlock(&keep.lock);
	return p;
}

/* Keeps a freed mapped block when there is room; 1 when kept. */
static int put_kept(char *p, size_t len)
{
	int kept = 0;

	pthread_mutex_lock(&keep.lock);
	if (keep.n < KEEP_BLOCKS && keep.bytes + len <= KEEP_BYTES) {
		keep.p[keep.n] = p;
		keep.len[keep.n++] = len;
		keep.bytes += len;
		kept = 1;
	}
	pthread_mutex_unlock(&keep.lock);
	return kept;
}

/* A block of `bytes` mapped on its own (bytes >= HUGE_FROM), zeroed when
 * `zero` (fresh pages are; a kept block is cleared with memset). */
static void *mapped(size_t bytes, int zero)
{
	size_t len, page = page_size();
	char *raw, *p;

	if (bytes > SIZE_MAX - page - 2 * HUGE_PAGE)
		return NULL;
	len = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	if ((p = take_kept(len + page))) {
		if (zero)
			memset(p, 0, bytes);
		return p;
	}
	/* fresh anonymous pages are zero already: no memset, which would
	 * touch every page twice (the kernel clears each one it hands out) */
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

void *hz_big_calloc(size_t n, size_t size)
{
	size_t bytes;
	char *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	if (bytes >= HUGE_FROM)
		return mapped(bytes, 1);
	if (!(p = calloc(1, bytes + HDR)))
		return NULL;
	memset(p, 0, sizeof(size_t));
	return p + HDR;
}

void *hz_big_alloc(size_t bytes)
{
	char *p;

	if (bytes >= HUGE_FROM)
		return mapped(bytes, 0);
	if (!(p = malloc(bytes + HDR)))
		return NULL;
	memset(p, 0, sizeof(size_t));
	return p + HDR;
}

void *hz_big_grow(void *q, size_t used, size_t bytes)
{
	char *p = hz_big_alloc(bytes);

	if (!p)
		return NULL;
	if (used)
		memcpy(p, q, used);
	hz_big_free(q);
	return p;
}

void hz_big_free(void *q)
{
	char *p;
	size_t len;

	if (!q)
		return;
	p = (char *)q - HDR;
	memcpy(&len, p, sizeof(len));
	if (!len)
		free(p);
	else if (!put_kept((char *)q, len))
		munmap((char *)q - page_size(), len);   /* from the header's page */
}
