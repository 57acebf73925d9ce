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

int
time_ymd(int64_t t, int *y, int *m, int *d)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 < 0 ||
	    tm.tm_year + 1900 > 9999)
		return -1;
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
	return 0;
}

/* n as exactly w decimal digits (n < 10^w). */
static char *
put_digits(char *p, int n, int w)
{
	for (int i = w - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
	return p + w;
}

void
time_iso(int64_t t, char *out)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char *p = out;

	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 < 0 ||
	    tm.tm_year + 1900 > 9999) {
		out[0] = '\0';
		return;
	}
	p = put_digits(p, tm.tm_year + 1900, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	*p++ = 'Z';
	*p = '\0';
}

void
time_human(int64_t t, char *out)
{
	static const char *const months[12] = {"January",   "February",
	                                       "March",     "April",
	                                       "May",       "June",
	                                       "July",      "August",
	                                       "September", "October",
	                                       "November",  "December"};
	int y, m, d;
	size_t n;
	char *p;

	if (time_ymd(t, &y, &m, &d) == -1) {
		out[0] = '\0';
		return;
	}
	n = strlen(months[m - 1]);
	memcpy(out, months[m - 1], n);
	p = out + n;
	*p++ = ' ';
	p = put_digits(p, d, d >= 10 ? 2 : 1);
	*p++ = ',';
	*p++ = ' ';
	p = put_digits(p, y, y >= 1000 ? 4 : y >= 100 ? 3 : y >= 10 ? 2 : 1);
	*p = '\0';
}

void
time_path(int64_t t, char *out)
{
	int y, m, d;
	char *p = out;

	if (time_ymd(t, &y, &m, &d) == -1) {
		out[0] = '\0';
		return;
	}
	*p++ = '/';
	p = put_digits(p, y, 4);
	*p++ = '/';
	p = put_digits(p, m, 2);
	*p++ = '/';
	p = put_digits(p, d, 2);
	*p++ = '/';
	*p = '\0';
}
