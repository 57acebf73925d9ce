#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "num.h"
#include "banned.h"

static int64_t clock_offset;

int
clock_init(struct error *e)
{
	const char *s = getenv("GAZETTE_NOW");
	int64_t start;

	clock_offset = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (num_parse(s, 0, INT64_C(253402300799), &start) == -1)
		return error_set(e, ERR_INVALID,
		                 "GAZETTE_NOW is not Unix seconds: '%s'", s);
	clock_offset = start - (int64_t)time(NULL);
	return 0;
}

int64_t
clock_now(void)
{
	return (int64_t)time(NULL) + clock_offset;
}

int64_t
time_day(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

static int
digits(const char **sp, int n, int *out)
{
	const char *s = *sp;
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

int
time_parse_iso(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (digits(&s, 4, &y) == -1 || *s++ != '-' ||
	    digits(&s, 2, &mo) == -1 || *s++ != '-' || digits(&s, 2, &d) == -1)
		return -1;
	if (*s == 'T' || *s == ' ') {
		s++;
		if (digits(&s, 2, &h) == -1 || *s++ != ':' ||
		    digits(&s, 2, &mi) == -1)
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 2, &sec) == -1)
				return -1;
		}
		if (*s == 'Z')
			s++;
		else if (*s == '+' || *s == '-') {
			sign = *s++ == '+' ? 1 : -1;
			if (digits(&s, 2, &oh) == -1)
				return -1;
			if (*s == ':')
				s++;
			if (digits(&s, 2, &om) == -1)
				return -1;
		}
	}
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || oh > 23 || om > 59 || y < 1970)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm normalises 31 February into March: refuse it instead. */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1;
	*out = (int64_t)t - sign * (oh * 3600 + om * 60);
	return 0;
}

/* fmt is always a literal at the call sites; the attribute on the
 * declaration lets the compiler check them there. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void
time_format(int64_t t, const char *fmt, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, n, fmt, &tm) == 0) {
		if (n > 0)
			out[0] = '\0';
	}
}
