/* Large zeroed tables (private to the core). */
#ifndef HZ_BIGMEM_H
#define HZ_BIGMEM_H

#include <stddef.h>
#include <stdint.h>

/* calloc(n, size) that asks for huge pages when the block is large; free
 * the result with free(). NULL when out of memory. */
void *hz_big_calloc(size_t n, size_t size);

#endif
