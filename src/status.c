/* Static messages for every enum hz_status value. */
#include "halyze/status.h"

const char *hz_strerror(int code)
{
	switch (code) {
	case HZ_OK: return "success";
	case HZ_ENOMEM: return "out of memory";
	case HZ_EOPEN: return "cannot open input";
	case HZ_EISDIR: return "is a directory";
	case HZ_EREAD: return "read error";
	case HZ_EGZIP_TRUNCATED: return "gzip stream truncated";
	case HZ_EGZIP_CORRUPT: return "gzip data corrupt";
	case HZ_EGZIP_TRAILING: return "garbage after gzip data";
	case HZ_EINVAL: return "invalid argument";
	case HZ_ESYNTAX: return "syntax error";
	case HZ_EWRITE: return "write error";
	case HZ_ELIMIT: return "limit exceeded";
	}
	return "unknown error";
}
