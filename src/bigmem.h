/* Large zeroed tables (private to the core). */
#ifndef HZ_BIGMEM_H
#define HZ_BIGMEM_H

#include <stddef.h>
#include <stdint.h>

/* calloc(n, size) that maps a large block on its own, in huge pages where
 * the kernel gives them, or reuses one freed before (cleared); free the
 * result with hz_big_free (never free()). NULL when out of memory. */
void *hz_big_calloc(size_t n, size_t size);
/* The same for memory the caller writes before it reads: a small block is
 * not zeroed (with malloc, freed memory comes back without new pages). */
void *hz_big_alloc(size_t bytes);
/* Moves the first `used` bytes of block p (from hz_big_alloc, or NULL)
 * into a new block of `bytes`, and frees p; NULL, p left as it was, when
 * out of memory. For arrays that double: unlike realloc, a large one
 * stays in huge pages, and the block it leaves is kept for reuse. */
void *hz_big_grow(void *p, size_t used, size_t bytes);
void hz_big_free(void *p);

#endif
