/* Filling struct hz_err records (private to the core). */
#ifndef HZ_ERRFMT_H
#define HZ_ERRFMT_H

#include "halyze/status.h"

#if defined(__GNUC__)
#define HZ_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define HZ_PRINTF(f, a)
#endif

/* Fills err (when not NULL) with code, file and a formatted message, with
 * line, column and byte cleared. Returns code, so callers can
 * `return hz_err_set(...)`. */
int hz_err_set(struct hz_err *err, int code, const char *file, const char *fmt, ...) HZ_PRINTF(4, 5);

#endif
