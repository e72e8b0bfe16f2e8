/* A minimal assertion kit for the unit tests: counts checks, reports
 * failures with file and line, and ends with "N passed, N failed". */
#ifndef HZ_TEST_H
#define HZ_TEST_H

#include <stdio.h>
#include <string.h>

static int hz_t_pass, hz_t_fail;

#define CHECK(cond) do { \
	if (cond) hz_t_pass++; \
	else { hz_t_fail++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_EQ_INT(a, b) do { \
	long long hz_a_ = (long long)(a), hz_b_ = (long long)(b); \
	if (hz_a_ == hz_b_) hz_t_pass++; \
	else { hz_t_fail++; fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", \
		__FILE__, __LINE__, #a, hz_a_, #b, hz_b_); } \
} while (0)

/* Compares a view (p, n) with a C string. */
#define CHECK_STR(view, lit) do { \
	struct hz_str hz_v_ = (view); const char *hz_l_ = (lit); \
	if (hz_v_.n == strlen(hz_l_) && (hz_v_.n == 0 || memcmp(hz_v_.p, hz_l_, hz_v_.n) == 0)) hz_t_pass++; \
	else { hz_t_fail++; fprintf(stderr, "%s:%d: %s is \"%.*s\", expected \"%s\"\n", \
		__FILE__, __LINE__, #view, (int)hz_v_.n, hz_v_.p ? hz_v_.p : "", hz_l_); } \
} while (0)

static inline int hz_test_done(void)
{
	printf("%d passed, %d failed\n", hz_t_pass, hz_t_fail);
	return hz_t_fail ? 1 : 0;
}

#endif
