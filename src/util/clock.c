#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "alloc.h"
#include "limits.h"
#include "num.h"
#include "tz.h"
#include "banned.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

static int64_t clock_offset;

/* clock.h: CLOCK_REALTIME itself, since a date another process wrote a
 * moment ago from its precise clock could be a second in the future of
 * time()'s coarse copy (test_feed_fetch failed so under load). */
int64_t
clock_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

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
	clock_offset = start - clock_wall();
	return 0;
}

int64_t
clock_now(void)
{
	return clock_wall() + clock_offset;
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

static int
parse_iso(const char *s, int64_t *out, int *zoned)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	time_t t;

	*zoned = 0;
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
		*zoned = *s == 'Z' || *s == '+' || *s == '-';
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

int
time_parse_iso(const char *s, int64_t *out)
{
	int zoned;

	return parse_iso(s, out, &zoned);
}

int
time_parse_local(const char *s, int64_t *out)
{
	int zoned;

	if (parse_iso(s, out, &zoned) == -1)
		return -1;
	if (!zoned)
		*out = tz_from_local(*out);
	return 0;
}

enum { DAY_SECONDS = 86400 };

int
time_utc(int64_t t, struct tm *tm)
{
	/* Days and seconds since 1970-01-01, the seconds never negative. */
	int64_t days = t / DAY_SECONDS, secs = t % DAY_SECONDS;
	int64_t era, doe, yoe, doy, mp, y, m, d;

	if (secs < 0) {
		secs += DAY_SECONDS;
		days--;
	}
	/* The civil date of a day count, in eras of 400 years (146,097
	 * days) counted from 0000-03-01, so that the leap day ends a
	 * year (H. Hinnant, "chrono-compatible low-level date algorithms"). */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	if (y < 0 || y > 9999)
		return -1;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = (int)(m - 1);
	tm->tm_mday = (int)d;
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	/* 1970-01-01 was a Thursday (4). */
	tm->tm_wday = (int)(((days - 719468) % 7 + 11) % 7);
	/* Day of the year from January 1st: March-based doy shifted. */
	tm->tm_yday = (int)(mp < 10 ? doy + 59 +
	                                      (y % 4 == 0 &&
	                                       (y % 100 != 0 || y % 400 == 0))
	                            : doy - 306);
	return 0;
}

/* fmt is always a literal at the call sites; the attribute on the
 * declaration lets the compiler check them there. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void
time_format(int64_t t, const char *fmt, char *out, size_t n)
{
	struct tm tm;

	if (time_utc(t, &tm) == -1 || strftime(out, n, fmt, &tm) == 0) {
		if (n > 0)
			out[0] = '\0';
	}
}

int
time_ymd(int64_t t, int *y, int *m, int *d)
{
	struct tm tm;

	if (time_utc(t, &tm) == -1)
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
	struct tm tm;
	char *p = out;

	if (time_utc(t, &tm) == -1) {
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

static const char *const month_names[12] = {"January", "February", "March",
                                            "April",   "May",      "June",
                                            "July",    "August",   "September",
                                            "October", "November", "December"};
static const char *const day_names[7] = {"Sunday",    "Monday",   "Tuesday",
                                         "Wednesday", "Thursday", "Friday",
                                         "Saturday"};

int
time_local_ymd(int64_t t, int *y, int *m, int *d)
{
	return time_ymd(t + tz_offset(t), y, m, d);
}

int64_t
time_local_day(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return tz_from_local((int64_t)timegm(&tm));
}

void
time_format_local(int64_t t, const char *fmt, char *out, size_t n)
{
	time_format(t + tz_offset(t), fmt, out, n);
}

const char *
time_date_check(const char *fmt)
{
	if (strlen(fmt) > LIM_DATE_FMT_BYTES)
		return "longer than " STR(LIM_DATE_FMT_BYTES) " bytes";
	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p == '\\') {
			if (*++p == '\0')
				return "a backslash ends it: it quotes the next "
				       "character";
			continue;
		}
		if (*p == '%')
			return "a %: write the letters alone, Y-m-d rather "
			       "than %Y-%m-%d";
		if (((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) &&
		    strchr("djSDlmnMFyY", *p) == NULL)
			return "a letter other than d j S D l m n M F y Y "
			       "(quote it with a backslash)";
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "a control character";
	}
	return NULL;
}

/* The format in use: an interned copy, never freed (one per format set
 * in the life of the process), so a reader never holds a freed one. */
struct date_fmt {
	struct date_fmt *next;
	char text[];
};
static _Atomic(const char *) date_in_use = TIME_DATE_DEFAULT;
static pthread_mutex_t date_lock = PTHREAD_MUTEX_INITIALIZER;
static struct date_fmt *date_made; /* under date_lock */

void
time_date_use(const char *fmt)
{
	struct date_fmt *f;
	size_t n;

	if (fmt == NULL || *fmt == '\0' || time_date_check(fmt) != NULL)
		fmt = TIME_DATE_DEFAULT;
	if (strcmp(atomic_load(&date_in_use), fmt) == 0)
		return;
	if (strcmp(fmt, TIME_DATE_DEFAULT) == 0) {
		atomic_store(&date_in_use, TIME_DATE_DEFAULT);
		return;
	}
	pthread_mutex_lock(&date_lock);
	for (f = date_made; f != NULL && strcmp(f->text, fmt) != 0; f = f->next)
		;
	if (f == NULL) {
		n = strlen(fmt) + 1;
		f = xcalloc(1, sizeof(*f) + n);
		memcpy(f->text, fmt, n);
		f->next = date_made;
		date_made = f;
	}
	atomic_store(&date_in_use, f->text);
	pthread_mutex_unlock(&date_lock);
}

/* s into out[*k..n-1), cut where it does not fit. */
static void
put_str(char *out, size_t n, size_t *k, const char *s, size_t len)
{
	if (len > n - 1 - *k)
		len = n - 1 - *k;
	memcpy(out + *k, s, len);
	*k += len;
}

static void
put_num(char *out, size_t n, size_t *k, int v, int w)
{
	char d[8];
	int len = 0;

	do
		d[sizeof(d) - 1 - len++] = (char)('0' + v % 10);
	while ((v /= 10) > 0 && len < (int)sizeof(d));
	while (len < w && len < (int)sizeof(d))
		d[sizeof(d) - 1 - len++] = '0';
	put_str(out, n, k, d + sizeof(d) - len, (size_t)len);
}

void
time_date_format(int64_t t, const char *fmt, char *out, size_t n)
{
	int64_t lt = t + tz_offset(t);
	int y, m, d, wd;
	size_t k = 0;

	if (n == 0)
		return;
	out[0] = '\0';
	if (time_ymd(lt, &y, &m, &d) == -1)
		return;
	wd = (int)((time_day(lt) % 7 + 11) % 7); /* 1970-01-01: Thursday */
	for (const char *p = fmt; *p != '\0' && k < n - 1; p++) {
		switch (*p) {
		case 'd':
			put_num(out, n, &k, d, 2);
			break;
		case 'j':
			put_num(out, n, &k, d, 1);
			break;
		case 'S': {
			const char *suf = (d % 10 == 1 && d != 11)   ? "st"
			                  : (d % 10 == 2 && d != 12) ? "nd"
			                  : (d % 10 == 3 && d != 13) ? "rd"
			                                             : "th";

			put_str(out, n, &k, suf, 2);
			break;
		}
		case 'D':
			put_str(out, n, &k, day_names[wd], 3);
			break;
		case 'l':
			put_str(out, n, &k, day_names[wd],
			        strlen(day_names[wd]));
			break;
		case 'm':
			put_num(out, n, &k, m, 2);
			break;
		case 'n':
			put_num(out, n, &k, m, 1);
			break;
		case 'M':
			put_str(out, n, &k, month_names[m - 1], 3);
			break;
		case 'F':
			put_str(out, n, &k, month_names[m - 1],
			        strlen(month_names[m - 1]));
			break;
		case 'y':
			put_num(out, n, &k, y % 100, 2);
			break;
		case 'Y':
			put_num(out, n, &k, y, 4);
			break;
		case '\\':
			if (p[1] != '\0')
				p++;
			/* fall through */
		default:
			put_str(out, n, &k, p, 1);
		}
	}
	out[k] = '\0';
}

void
time_human(int64_t t, char *out)
{
	time_date_format(t,
	                 atomic_load_explicit(&date_in_use,
	                                      memory_order_acquire),
	                 out, TIME_DATE_BYTES);
}

void
time_path(int64_t t, char *out)
{
	int y, m, d;
	char *p = out;

	if (time_local_ymd(t, &y, &m, &d) == -1) {
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
