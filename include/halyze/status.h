/* Status codes and the error record every core function fills. */
#ifndef HZ_STATUS_H
#define HZ_STATUS_H

#include <stdint.h>

/* Core functions return 0 on success or one of these (negative) on failure. */
enum hz_status {
	HZ_OK = 0,
	HZ_ENOMEM = -1,         /* out of memory */
	HZ_EOPEN = -2,          /* cannot open the input */
	HZ_EISDIR = -3,         /* input is a directory */
	HZ_EREAD = -4,          /* read(2) failed */
	HZ_EGZIP_TRUNCATED = -5,/* gzip stream ends before its end marker */
	HZ_EGZIP_CORRUPT = -6,  /* gzip data or header is invalid */
	HZ_EGZIP_TRAILING = -7, /* bytes after the last gzip member are not gzip */
	HZ_EINVAL = -8,         /* invalid argument */
	HZ_ESYNTAX = -9,        /* syntax error in a format, config or rule */
	HZ_EWRITE = -10,        /* writing output failed */
	HZ_ELIMIT = -11,        /* a configured limit was exceeded */
	HZ_STATUS_MIN = -11
};

/* Filled by a failing core function when the caller passes one. `file` and
 * `msg` are copies: the record outlives whatever produced it. Numbers are
 * 1-based; 0 means "not applicable". */
struct hz_err {
	int code;
	char file[512];
	uint64_t line;   /* line number (in the input or config) */
	uint32_t col;    /* column (formats, configs, rules) */
	uint64_t byte;   /* byte offset in the (decompressed) stream */
	char msg[512];
};

/* A static, human readable string for every enum hz_status value. */
const char *hz_strerror(int code);

#endif
