/*
 * Feed dates.  Feeds are meant to carry RFC 822 (RSS) or RFC 3339 (Atom)
 * dates and in practice carry anything near them; the forms accepted are
 * feedparser's (its date test vectors are in the shared fixtures,
 * feeds/feedparser/dates.tsv, and test_feed_date.c reads them all).
 * Every result is checked against the calendar after the zone is
 * applied: years 1 to 9999, no 31 June, no hour 25.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "feed.h"
#include "../util/banned.h"

struct tm_parts {
	int y, mo, d, h, mi, s;
	int zone; /* minutes east of UTC */
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
	                             31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* The instant of p, or -1 when a field is out of range. */
static int
finish(const struct tm_parts *p, int64_t *out)
{
	int64_t t;

	if (p->y < 1 || p->y > 9999 || p->mo < 1 || p->mo > 12 || p->d < 1 ||
	    p->d > month_days(p->y, p->mo) || p->h < 0 || p->h > 23 ||
	    p->mi < 0 || p->mi > 59 || p->s < 0 || p->s > 59)
		return -1;
	t = days_from_civil(p->y, p->mo, p->d) * 86400 + p->h * 3600 +
	    p->mi * 60 + p->s - (int64_t)p->zone * 60;
	/* 9999-12-31T23:59:59Z and 0001-01-01T00:00:00Z */
	if (t > INT64_C(253402300799) || t < INT64_C(-62135596800))
		return -1;
	*out = t;
	return 0;
}

/* Exactly n digits (n > 0), or 1..-n digits (n < 0), at *sp. */
static int
digits(const char **sp, int n, int *out)
{
	const char *s = *sp;
	int v = 0, k = 0, max = n < 0 ? -n : n;

	if (max > 4) /* no field of a date is longer: no overflow */
		return -1;
	while (k < max && is_digit(s[k]))
		v = v * 10 + (s[k++] - '0');
	if (k == 0 || (n > 0 && k != n) || is_digit(s[k]))
		return -1;
	*sp = s + k;
	*out = v;
	return 0;
}

static const char *const months[12] = {"jan", "feb", "mar", "apr",
                                       "may", "jun", "jul", "aug",
                                       "sep", "oct", "nov", "dec"};
static const char *const long_months[12] = {"january", "february", "march",
                                            "april",   "may",      "june",
                                            "july",    "august",   "september",
                                            "october", "november", "december"};
static const char *const wdays[7] = {"mon", "tue", "wed", "thu",
                                     "fri", "sat", "sun"};

/* A month name (3 letters, or spelt out as Disney's feed does). */
static int
month_of(const char *w, size_t n)
{
	for (int i = 0; i < 12; i++)
		if ((n == 3 && strncasecmp(w, months[i], 3) == 0) ||
		    (n == strlen(long_months[i]) &&
		     strncasecmp(w, long_months[i], n) == 0))
			return i + 1;
	return 0;
}

static int
is_wday(const char *w, size_t n)
{
	static const char *const long_days[7] = {"monday",    "tuesday",
	                                         "wednesday", "thursday",
	                                         "friday",    "saturday",
	                                         "sunday"};

	for (int i = 0; i < 7; i++)
		if ((n == 3 && strncasecmp(w, wdays[i], 3) == 0) ||
		    (n == strlen(long_days[i]) &&
		     strncasecmp(w, long_days[i], n) == 0))
			return 1;
	return 0;
}

/*
 * A zone: Z, UT, GMT, UTC, Etc/GMT, the US names (and the bare AT, ET, CT,
 * MT, PT feeds write), MET/MEST, and +hhmm / +hh:mm / +hh, also after GMT.
 * An unknown name counts as UTC, as feedparser does; a broken offset is
 * an error.
 */
static int
zone(const char **sp, int *out)
{
	static const struct {
		const char *name;
		int min;
	} names[] = {
		{"z", 0},       {"ut", 0},     {"utc", 0},    {"gmt", 0},
		{"etc/gmt", 0}, {"at", -240},  {"ast", -240}, {"adt", -180},
		{"et", -300},   {"est", -300}, {"edt", -240}, {"ct", -360},
		{"cst", -360},  {"cdt", -300}, {"mt", -420},  {"mst", -420},
		{"mdt", -360},  {"pt", -480},  {"pst", -480}, {"pdt", -420},
		{"met", 60},    {"mest", 120}, {"cet", 60},   {"cest", 120},
		{"bst", 60},    {"kst", 540},  {"jst", 540},
	};
	const char *s = *sp;
	int sign, h, m = 0;
	size_t n = 0;

	*out = 0;
	while (is_alpha(s[n]) || (s[n] == '/' && n > 0))
		n++;
	if (n > 0) {
		size_t k;

		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k].name) == n &&
			    strncasecmp(s, names[k].name, n) == 0)
				break;
		*out = k < sizeof(names) / sizeof(names[0]) ? names[k].min : 0;
		s += n;
		if (*s != '+' && *s != '-') {
			*sp = s;
			return 0;
		}
	}
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if (digits(&s, 2, &h) == 0) {
		if (*s == ':')
			s++;
		if (is_digit(*s) && digits(&s, 2, &m) == -1)
			return -1;
	} else if (digits(&s, 4, &h) == 0) {
		m = h % 100;
		h /= 100;
	} else {
		return -1;
	}
	if (is_alpha(*s) || *s == ':')
		return -1;
	*out = sign * (h * 60 + m);
	*sp = s;
	return 0;
}

/* h:m[:s] with 1 or 2 digits each; three parts at most. */
static int
clock_time(const char **sp, struct tm_parts *p)
{
	const char *s = *sp;

	if (digits(&s, -2, &p->h) == -1 || *s++ != ':' ||
	    digits(&s, -2, &p->mi) == -1)
		return -1;
	p->s = 0;
	if (*s == ':') {
		s++;
		if (digits(&s, -2, &p->s) == -1)
			return -1;
		if (*s == '.' || *s == ',') /* fractions are dropped */
			for (s++; is_digit(*s); s++)
				;
	}
	if (*s == ':')
		return -1;
	*sp = s;
	return 0;
}

static void
skip_space(const char **sp)
{
	while (**sp == ' ' || **sp == '\t' || **sp == ',' || **sp == '\n' ||
	       **sp == '\r')
		(*sp)++;
}

/*
 * RFC 822 and what feeds write instead: the day name optional, day and
 * month in either order, a comma anywhere, a 2- or 4-digit year, no
 * seconds, no time at all, and asctime's year after the time.
 */
int
feed_date_rfc822(const char *s, int64_t *out)
{
	struct tm_parts p = {0};
	int have_time = 0, have_zone = 0, ndig, v;

	p.y = p.d = -1;
	skip_space(&s);
	while (*s != '\0') {
		const char *w = s;
		size_t n = 0;

		if (is_digit(*s) && !have_time) {
			while (is_digit(s[n]))
				n++;
			if (s[n] == ':') {
				if (clock_time(&s, &p) == -1)
					return -1;
				have_time = 1;
			} else {
				ndig = (int)n;
				if (digits(&s, ndig, &v) == -1)
					return -1;
				if (p.d == -1 && ndig <= 2 && p.y == -1)
					p.d = v;
				else if (p.y == -1 && (ndig == 2 || ndig == 4))
					p.y = ndig == 2 ? (v < 70 ? 2000 + v
					                          : 1900 + v)
					                : v;
				else
					return -1;
			}
		} else if (is_digit(*s) && p.y == -1) {
			/* asctime: the year after the time and zone */
			if (digits(&s, 4, &p.y) == -1)
				return -1;
		} else if (is_alpha(*s) && !have_time) {
			while (is_alpha(s[n]))
				n++;
			if (p.mo == 0 && month_of(w, n) != 0)
				p.mo = month_of(w, n);
			else if (p.mo == 0 && p.d == -1 && is_wday(w, n))
				; /* the day's name says nothing more */
			else
				return -1;
			s += n;
			if (*s == '.')
				s++;
		} else if (have_time && !have_zone &&
		           (is_alpha(*s) || *s == '+' || *s == '-')) {
			if (zone(&s, &p.zone) == -1)
				return -1;
			have_zone = 1;
		} else {
			return -1;
		}
		if (*s != '\0' && *s != ' ' && *s != ',' && *s != '\t' &&
		    !(have_time && !have_zone && (*s == '+' || *s == '-')))
			return -1;
		skip_space(&s);
	}
	if (p.mo == 0 || p.d == -1 || p.y == -1)
		return -1;
	return finish(&p, out);
}

int
feed_date_asctime(const char *s, int64_t *out)
{
	return feed_date_rfc822(s, out);
}

/* hh:mm[:ss[.frac]][zone] after a date's T, for W3C-DTF and ISO 8601. */
static int
iso_time(const char *s, struct tm_parts *p, int space_zone)
{
	if (clock_time(&s, p) == -1)
		return -1;
	if (space_zone && *s == ' ')
		s++;
	if (*s != '\0' && zone(&s, &p->zone) == -1)
		return -1;
	return *s == '\0' ? 0 : -1;
}

/*
 * W3C-DTF (RFC 3339's parent): YYYY[-MM[-DD[Thh:mm[:ss[.s]]TZD]]], and
 * MSSQL's "YYYY-MM-DD hh:mm:ss[.s] [TZD]" with a space for the T.
 */
int
feed_date_w3dtf(const char *s, int64_t *out)
{
	struct tm_parts p = {0, 1, 1, 0, 0, 0, 0};

	while (*s == ' ')
		s++;
	if (digits(&s, 4, &p.y) == -1)
		return -1;
	if (*s == '-') {
		s++;
		if (digits(&s, 2, &p.mo) == -1)
			return -1;
		if (*s == '-') {
			s++;
			if (digits(&s, 2, &p.d) == -1)
				return -1;
			if (*s == 'T' || *s == 't' || *s == ' ') {
				s++;
				if (iso_time(s, &p, 1) == -1)
					return -1;
				return finish(&p, out);
			}
		}
	}
	return *s == '\0' ? finish(&p, out) : -1;
}

/*
 * ISO 8601's short forms, as feedparser's templates list them: YYYY-MM-DD,
 * YYYY-MMM-DD (Google's extra zero), YYYY-DDD, YYMMDD, YY-MM-DD, YYDDD,
 * -YY-MM, -YYMM, then an optional Thh:mm:ss and zone.  Two-digit years
 * are 20YY.
 */
int
feed_date_iso8601(const char *s, int64_t *out)
{
	static const char *const forms[] = {
		"YYYY-MM-DD", "YYYY-MMM-DD", "YYYYMMDD", "YYYY-OOO",
		"YYYY-MM",    "YYYY",        "YY-MM-DD", "YYMMDD",
		"YYOOO",      "-YY-MM",      "-YYMM",
	};

	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		struct tm_parts p = {0, 1, 1, 0, 0, 0, 0};
		const char *t = forms[f], *c = s;
		int ny = 0, ord = 0, ok = 1;

		p.y = 0;
		p.mo = 0;
		p.d = 0;
		for (; *t != '\0' && ok; t++, c++) {
			if (*t == '-') {
				ok = *c == '-';
				continue;
			}
			if (!is_digit(*c)) {
				ok = 0;
				break;
			}
			if (*t == 'Y') {
				p.y = p.y * 10 + (*c - '0');
				ny++;
			} else if (*t == 'M') {
				p.mo = p.mo * 10 + (*c - '0');
			} else if (*t == 'D') {
				p.d = p.d * 10 + (*c - '0');
			} else {
				ord = ord * 10 + (*c - '0');
			}
		}
		if (!ok || (*c != '\0' && *c != 'T'))
			continue;
		if (ny == 2)
			p.y += 2000;
		if (p.mo == 0)
			p.mo = 1;
		if (p.d == 0)
			p.d = 1;
		if (ord != 0) {
			int m = 1;

			while (m <= 12 && ord > month_days(p.y, m))
				ord -= month_days(p.y, m++);
			if (m > 12)
				return -1;
			p.mo = m;
			p.d = ord;
		}
		if (*c == 'T' && iso_time(c + 1, &p, 0) == -1)
			return -1;
		return finish(&p, out);
	}
	return -1;
}

/* Perforce's "Fri, 2006/09/15 08:19:53 EDT". */
int
feed_date_perforce(const char *s, int64_t *out)
{
	struct tm_parts p = {0};

	while (is_alpha(*s))
		s++;
	skip_space(&s);
	if (digits(&s, 4, &p.y) == -1 || *s++ != '/' ||
	    digits(&s, -2, &p.mo) == -1 || *s++ != '/' ||
	    digits(&s, -2, &p.d) == -1 || *s++ != ' ' ||
	    clock_time(&s, &p) == -1)
		return -1;
	skip_space(&s);
	if (*s != '\0' && zone(&s, &p.zone) == -1)
		return -1;
	return *s == '\0' ? finish(&p, out) : -1;
}

/* Replace each from[i] in s by to[i] into out[0..n): 0, or -1 when cut. */
static int
translate(const char *s, const char *const (*map)[2], size_t nmap, char *out,
          size_t n)
{
	size_t o = 0;

	while (*s != '\0') {
		size_t k;

		for (k = 0; k < nmap; k++)
			if (strncmp(s, map[k][0], strlen(map[k][0])) == 0)
				break;
		if (k < nmap) {
			size_t l = strlen(map[k][1]);

			if (l >= n - o)
				return -1;
			memcpy(out + o, map[k][1], l);
			o += l;
			s += strlen(map[k][0]);
		} else {
			if (o + 1 >= n)
				return -1;
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
	return 0;
}

/* Greek month and day names over RFC 822 (feedparser's _greek_*). */
int
feed_date_greek(const char *s, int64_t *out)
{
	static const char *const map[][2] = {
		{"Ιαν", "Jan"}, {"Φεβ", "Feb"},  {"Μάώ", "Mar"},
		{"Μαώ", "Mar"}, {"Απρ", "Apr"},  {"Μάι", "May"},
		{"Μαϊ", "May"}, {"Μαι", "May"},  {"Ιούν", "Jun"},
		{"Ιον", "Jun"}, {"Ιούλ", "Jul"}, {"Ιολ", "Jul"},
		{"Αύγ", "Aug"}, {"Αυγ", "Aug"},  {"Σεπ", "Sep"},
		{"Οκτ", "Oct"}, {"Νοέ", "Nov"},  {"Νοε", "Nov"},
		{"Δεκ", "Dec"}, {"Δεώ", "Dec"},  {"Κυρ", "Sun"},
		{"Δευ", "Mon"}, {"Τρι", "Tue"},  {"Τετ", "Wed"},
		{"Πεμ", "Thu"}, {"Παρ", "Fri"},  {"Σαβ", "Sat"},
	};
	char b[128];

	if (translate(s, map, sizeof(map) / sizeof(map[0]), b, sizeof(b)) == -1)
		return -1;
	return feed_date_rfc822(b, out);
}

/* Hungarian month names in a W3C-DTF date, hours of one digit allowed. */
int
feed_date_hungarian(const char *s, int64_t *out)
{
	static const char *const map[][2] = {
		{"január", "01"},  {"február", "02"},   {"március", "03"},
		{"április", "04"}, {"május", "05"},     {"június", "06"},
		{"július", "07"},  {"augusztus", "08"}, {"szeptember", "09"},
		{"október", "10"}, {"november", "11"},  {"december", "12"},
	};
	char b[128];

	if (translate(s, map, sizeof(map) / sizeof(map[0]), b, sizeof(b)) == -1)
		return -1;
	return feed_date_w3dtf(b, out);
}

/*
 * Korean portals' dates, in Korea's time (UTC+9): Nate's
 * "2004-05-25 오후 11:23:17" (오전 AM, 오후 PM) and OnBlog's
 * "2004년 05월 28일  01:31:15".
 */
int
feed_date_korean(const char *s, int64_t *out)
{
	struct tm_parts p = {0};
	int pm = -1;

	p.zone = 540;
	if (digits(&s, 4, &p.y) == -1)
		return -1;
	if (strncmp(s, "년 ", 4) == 0) {
		s += 4;
		if (digits(&s, 2, &p.mo) == -1 || strncmp(s, "월 ", 4) != 0)
			return -1;
		s += 4;
		if (digits(&s, 2, &p.d) == -1 || strncmp(s, "일", 3) != 0)
			return -1;
		s += 3;
	} else {
		if (*s++ != '-' || digits(&s, 2, &p.mo) == -1 || *s++ != '-' ||
		    digits(&s, 2, &p.d) == -1)
			return -1;
		while (*s == ' ')
			s++;
		if (strncmp(s, "오전", 6) == 0)
			pm = 0;
		else if (strncmp(s, "오후", 6) == 0)
			pm = 1;
		else
			return -1;
		s += 6;
	}
	while (*s == ' ')
		s++;
	if (clock_time(&s, &p) == -1 || *s != '\0')
		return -1;
	if (pm != -1 && (p.h < 1 || p.h > 12))
		return -1;
	if (pm == 1 && p.h < 12)
		p.h += 12;
	else if (pm == 0 && p.h == 12)
		p.h = 0;
	return finish(&p, out);
}

int
feed_date_parse(const char *s, int64_t *out)
{
	int (*const parsers[])(const char *, int64_t *) = {
		feed_date_w3dtf,     feed_date_rfc822, feed_date_iso8601,
		feed_date_perforce,  feed_date_korean, feed_date_greek,
		feed_date_hungarian,
	};

	if (s == NULL || *s == '\0')
		return -1;
	for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++)
		if (parsers[i](s, out) == 0)
			return 0;
	return -1;
}
