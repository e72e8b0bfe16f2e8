/* Filling struct hz_err records. */
#include "errfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int hz_err_set(struct hz_err *err, int code, const char *file, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	memset(err, 0, sizeof(*err));
	err->code = code;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
