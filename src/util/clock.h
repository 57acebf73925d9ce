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
/* Days since the epoch, for daily buckets. */
int64_t time_day(int64_t t);

#endif
