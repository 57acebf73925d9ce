#ifndef GAZETTE_CLOCK_H
#define GAZETTE_CLOCK_H
/*
 * The one clock of the process.  When GAZETTE_NOW (Unix seconds) is set,
 * it is the starting instant of a clock that then advances in real time, in
 * the server and the CLI alike, so tests can set windows and schedules.
 */
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Read GAZETTE_NOW; -1 if it is set but not a number. */
int clock_init(struct error *e);
int64_t clock_now(void);

/* Parse ISO 8601 "YYYY-MM-DD[(T| )HH:MM[:SS][Z|(+|-)HH[:]MM]]"; UTC unless
 * an offset is given.  0 or -1. */
int time_parse_iso(const char *s, int64_t *out);
/* Format t (UTC) with strftime's fmt into out. */
void time_format(int64_t t, const char *fmt, char *out, size_t n)
	__attribute__((format(strftime, 2, 0)));
/*
 * The forms every page prints many times, written without strftime (a
 * post page printed some thirty dates through it: 5% of a render):
 *   time_iso    "2026-12-07T06:13:57Z" (RFC 3339, UTC)
 *   time_human  "December 7, 2026" (English month names, as strftime's
 *               "%B %e, %Y" in the C locale, without the padding space)
 *   time_ymd    the year, month (1-12) and day (1-31)
 * out holds TIME_TEXT_BYTES.  A time gmtime_r cannot represent gives "".
 */
#define TIME_TEXT_BYTES 32
void time_iso(int64_t t, char *out);
/* "/YYYY/MM/DD/", a post's permalink prefix; "" as above. */
void time_path(int64_t t, char *out);
void time_human(int64_t t, char *out);
int time_ymd(int64_t t, int *y, int *m, int *d);
/* Days since the epoch, for daily buckets. */
int64_t time_day(int64_t t);

#endif
