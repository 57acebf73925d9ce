#ifndef GAZETTE_CLOCK_H
#define GAZETTE_CLOCK_H
/*
 * The one clock of the process.  When GAZETTE_NOW (Unix seconds) is set,
 * it is the starting instant of a clock that then advances in real time, in
 * the server and the CLI alike, so tests can set windows and schedules.
 */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

/* Read GAZETTE_NOW; -1 if it is set but not a number. */
int clock_init(struct error *e);
int64_t clock_now(void);
/* The system's own seconds, never moved by GAZETTE_NOW, read from
 * CLOCK_REALTIME (not time()'s coarse copy, which lags it by up to a
 * tick): for durations against dates another process just wrote, such as
 * a feed server's Expires (feed/fetch.c). */
int64_t clock_wall(void);

/* Parse ISO 8601 "YYYY-MM-DD[(T| )HH:MM[:SS][Z|(+|-)HH[:]MM]]"; UTC unless
 * an offset is given.  0 or -1. */
int time_parse_iso(const char *s, int64_t *out);
/* The same, but without an offset the time is the site's local one
 * (tz.h), as WordPress reads its editor's date. */
int time_parse_local(const char *s, int64_t *out);
/*
 * t as a broken-down UTC time (tm_year, tm_mon, tm_mday, tm_hour, tm_min,
 * tm_sec, tm_wday, tm_yday; no zone), as gmtime_r gives it, by arithmetic
 * on days: glibc's gmtime_r takes the process's time-zone lock on every
 * call, and a page printed some forty dates through it.  -1 for a year
 * outside 0..9999 (tm untouched).
 */
int time_utc(int64_t t, struct tm *tm);
/* Format t (UTC) with strftime's fmt into out. */
void time_format(int64_t t, const char *fmt, char *out, size_t n)
	__attribute__((format(strftime, 2, 0)));
/*
 * The forms every page prints many times, written without strftime (a
 * post page printed some thirty dates through it: 5% of a render):
 *   time_iso    "2026-12-07T06:13:57Z" (RFC 3339, UTC)
 *   time_path   "/2026/12/07/", a post's permalink prefix, in the site's
 *               time zone (tz.h) as WordPress makes it
 *   time_human  the date in the site's time zone and date format
 *               (time_date_use; "December 7, 2026" by default)
 *   time_ymd    the year, month (1-12) and day (1-31), UTC
 *   time_local_ymd  the same in the site's time zone
 * out holds TIME_TEXT_BYTES (time_human: TIME_DATE_BYTES).  A time
 * gmtime_r cannot represent gives "".
 */
#define TIME_TEXT_BYTES 32
#define TIME_DATE_BYTES 320 /* LIM_DATE_FMT_BYTES letters of 9 bytes */
void time_iso(int64_t t, char *out);
void time_path(int64_t t, char *out);
void time_human(int64_t t, char *out);
int time_ymd(int64_t t, int *y, int *m, int *d);
int time_local_ymd(int64_t t, int *y, int *m, int *d);
/* The first instant of the local day y-m-d (m 1-12, d 1-31, normalised
 * as timegm does: day 32 is the next month's first). */
int64_t time_local_day(int y, int m, int d);
/* Format t in the site's time zone with strftime's fmt (no %z or %Z: the
 * broken-down time carries no zone). */
void time_format_local(int64_t t, const char *fmt, char *out, size_t n)
	__attribute__((format(strftime, 2, 0)));

/*
 * The date format (setting date_format): WordPress's letters, a small
 * set of them — d j (day, 01 and 1), S (English ordinal suffix), D l
 * (weekday, "Mon" and "Monday"), m n (month, 01 and 1), M F ("Dec" and
 * "December"), y Y (year, 26 and 2026); a backslash quotes the next
 * character, every other character that is no letter is itself.
 * time_date_check gives NULL for a good format or what is wrong;
 * time_date_use makes fmt the one time_human prints (NULL: the default),
 * published with one atomic store as the zone is.
 */
#define TIME_DATE_DEFAULT "F j, Y"
const char *time_date_check(const char *fmt);
void time_date_use(const char *fmt);
void time_date_format(int64_t t, const char *fmt, char *out, size_t n);
/* Days since the epoch, for daily buckets. */
int64_t time_day(int64_t t);

#endif
