/* err.c - error code names and the message-buffer helper. */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

const char *gm_strerror(int code)
{
	switch (code) {
	case GM_OK: return "success";
	case GM_EINVAL: return "invalid input";
	case GM_ERANGE: return "value out of range";
	case GM_ENOMEM: return "out of memory";
	case GM_EIO: return "input/output error";
	case GM_ENOTFOUND: return "not found";
	case GM_EDUP: return "duplicate";
	case GM_ESTALE: return "older than stored data";
	case GM_ELIB: return "library error";
	case GM_EBUSY: return "busy";
	case GM_EDAMAGED: return "damaged";
	}
	return "unknown error";
}

int gm_errf(char *buf, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	if (buf == NULL || len == 0)
		return code;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return code;
}
