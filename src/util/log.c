#include <stdarg.h>
#include <stdio.h>

#include "log.h"
#include "banned.h"

static void vlog(const char *level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
vlog(const char *level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One fprintf call: stdio locks the stream, so lines never mix. */
	fprintf(stderr, "gazette: %s%s\n", level, line);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}
