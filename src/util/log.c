#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "banned.h"

static void vlog(const char *level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * "2026-12-07T12:36:27.123Z gazette: error: what": the time in UTC
 * (ISO 8601, milliseconds) and the level on every line, so a log read
 * without journald's own stamps (a file, docker logs) still says when.
 */
static void
vlog(const char *level, const char *fmt, va_list ap)
{
	char line[1024], stamp[32];
	struct timespec ts;
	struct tm tm;

	vsnprintf(line, sizeof(line), fmt, ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		stamp[0] = '\0';
	/* One fprintf call: stdio locks the stream, so lines never mix. */
	fprintf(stderr, "%s.%03ldZ gazette: %s: %s\n", stamp,
	        ts.tv_nsec / 1000000, level, line);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("info", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error", fmt, ap);
	va_end(ap);
}
