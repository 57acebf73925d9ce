/*
 * util/tz.c and the dates of util/clock.c that use it: the site's time
 * zone read from the system's zoneinfo (decision 085), days and
 * permalink prefixes in zones where the UTC date differs, the DST
 * changes either way, and the date format (setting date_format).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/tz.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
reset(void **state)
{
	struct error e;

	(void)state;
	tz_use("UTC", &e);
	time_date_use(NULL);
	return 0;
}

static void
names_are_zoneinfo_files_only(void **state)
{
	static const struct {
		const char *name;
		int ok;
	} cases[] = {
		{"UTC", 1},
		{"Pacific/Auckland", 1},
		{"America/Los_Angeles", 1},
		{"America/Argentina/Buenos_Aires", 1},
		{"Etc/GMT+5", 1},
		{"", 0},
		{"Mars/Olympus_Mons", 0},
		{"pacific/auckland", 0}, /* names are case-sensitive files */
		{"EST5EDT,M3.2.0,M11.1.0", 0}, /* a POSIX rule, no file */
		{"XYZ-3", 0},
		{"/etc/passwd", 0},
		{"../../../etc/passwd", 0},
		{"America/../Europe/Paris", 0},
		{"America", 0},  /* a folder */
		{"zone.tab", 0}, /* a file of the folder that is no zone */
		{"Europe/Paris\n", 0},
	};
	char longname[LIM_TZ_NAME_BYTES + 2];

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		if (tz_valid(cases[i].name) != cases[i].ok)
			fail_msg("tz_valid(\"%s\") is not %d", cases[i].name,
			         cases[i].ok);
	}
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(tz_valid(longname));
}

static void
use_refuses_an_unknown_zone_and_keeps_the_old(void **state)
{
	struct error e;

	(void)state;
	assert_int_equal(tz_use("Pacific/Auckland", &e), 0);
	assert_int_equal(tz_use("Nowhere/Atall", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(tz_name(), "Pacific/Auckland");
	assert_int_equal(tz_use(NULL, &e), 0);
	assert_string_equal(tz_name(), "UTC");
}

/* Offsets either side of the changes, as zdump -v prints them. */
static void
offsets_follow_dst(void **state)
{
	static const struct {
		const char *zone;
		int64_t t;
		int32_t off;
	} cases[] = {
		/* Los Angeles: PST -8, PDT -7 from 2026-03-08 10:00 UTC
	         * until 2026-11-01 09:00 UTC */
		{"America/Los_Angeles", 1772963999, -8 * 3600},
		{"America/Los_Angeles", 1772964000, -7 * 3600},
		{"America/Los_Angeles", 1793523599, -7 * 3600},
		{"America/Los_Angeles", 1793523600, -8 * 3600},
		/* Auckland: NZDT +13 until 2026-04-04 14:00 UTC, NZST +12,
	         * NZDT again from 2026-09-26 14:00 UTC */
		{"Pacific/Auckland", 1775311199, 13 * 3600},
		{"Pacific/Auckland", 1775311200, 12 * 3600},
		{"Pacific/Auckland", 1790431199, 12 * 3600},
		{"Pacific/Auckland", 1790431200, 13 * 3600},
		/* a year past the file's transitions: the POSIX rule */
		{"America/Los_Angeles", 4102444800 + 180 * 86400, -7 * 3600},
		{"Asia/Kolkata", 0, 19800},
		{"Asia/Kathmandu", 1780000000, 20700},
		{"UTC", 1780000000, 0},
	};
	struct error e;

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		assert_int_equal(tz_use(cases[i].zone, &e), 0);
		if (tz_offset(cases[i].t) != cases[i].off)
			fail_msg("%s at %lld: %d, not %d", cases[i].zone,
			         (long long)cases[i].t,
			         (int)tz_offset(cases[i].t), (int)cases[i].off);
	}
}

/* A post's permalink date is the local one, as WordPress's. */
static void
paths_use_the_local_date(void **state)
{
	static const struct {
		const char *zone;
		int64_t t;
		const char *path, *human;
	} cases[] = {
		/* 2026-06-30T20:00Z: July 1 in Auckland (+12) */
		{"UTC", 1782849600, "/2026/06/30/", "June 30, 2026"},
		{"Pacific/Auckland", 1782849600, "/2026/07/01/",
	         "July 1, 2026"},
		/* 2026-01-01T03:00Z: still December 31 in Los Angeles */
		{"America/Los_Angeles", 1767236400, "/2025/12/31/",
	         "December 31, 2025"},
		{"UTC", 1767236400, "/2026/01/01/", "January 1, 2026"},
	};
	char out[TIME_DATE_BYTES];
	struct error e;

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		assert_int_equal(tz_use(cases[i].zone, &e), 0);
		time_path(cases[i].t, out);
		assert_string_equal(out, cases[i].path);
		time_human(cases[i].t, out);
		assert_string_equal(out, cases[i].human);
	}
}

/* A local day's first instant, days of 23 and 25 hours included. */
static void
local_days_start_at_local_midnight(void **state)
{
	static const struct {
		const char *zone;
		int y, m, d;
		int64_t start;
		int64_t hours; /* the day's length */
	} cases[] = {
		{"UTC", 2026, 3, 8, 1772928000, 24},
		/* LA: midnight is 08:00Z; March 8 lasts 23 hours,
	         * November 1 25 */
		{"America/Los_Angeles", 2026, 3, 8, 1772956800, 23},
		{"America/Los_Angeles", 2026, 11, 1, 1793516400, 25},
		/* Auckland: midnight is the UTC day before's 11:00 or 12:00;
	         * April 5 lasts 25 hours, September 27 23 */
		{"Pacific/Auckland", 2026, 4, 5, 1775300400, 25},
		{"Pacific/Auckland", 2026, 9, 27, 1790424000, 23},
		/* Santiago puts clocks forward at midnight: September 6,
	         * 2026 starts at 01:00 local, 04:00Z */
		{"America/Santiago", 2026, 9, 6, 1788667200, 23},
	};
	struct error e;

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		int64_t s, next;
		int y, m, d;

		assert_int_equal(tz_use(cases[i].zone, &e), 0);
		s = time_local_day(cases[i].y, cases[i].m, cases[i].d);
		next = time_local_day(cases[i].y, cases[i].m, cases[i].d + 1);
		if (s != cases[i].start)
			fail_msg("%s %d-%d-%d starts at %lld, not %lld",
			         cases[i].zone, cases[i].y, cases[i].m,
			         cases[i].d, (long long)s,
			         (long long)cases[i].start);
		assert_int_equal(next - s, cases[i].hours * 3600);
		assert_int_equal(time_local_ymd(s, &y, &m, &d), 0);
		assert_int_equal(d, cases[i].d);
		assert_int_equal(time_local_ymd(s - 1, &y, &m, &d), 0);
		assert_int_not_equal(d, cases[i].d);
	}
}

static void
date_formats(void **state)
{
	static const struct {
		const char *fmt, *out;
	} cases[] = {
		{"F j, Y", "March 1, 2026"},
		{"Y-m-d", "2026-03-01"},
		{"d/m/Y", "01/03/2026"},
		{"n/j/y", "3/1/26"},
		{"l, F jS, Y", "Sunday, March 1st, 2026"},
		{"D j M Y", "Sun 1 Mar 2026"},
		{"j.n.Y \\a\\t", "1.3.2026 at"},
	};
	char out[TIME_DATE_BYTES];

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		assert_null(time_date_check(cases[i].fmt));
		time_date_format(1772330400, cases[i].fmt, out, sizeof(out));
		assert_string_equal(out, cases[i].out);
	}
	/* Suffixes of the teens and twenties */
	time_date_format(1773230400, "jS", out, sizeof(out)); /* Mar 11 */
	assert_string_equal(out, "11th");
	time_date_format(1774180800, "jS", out, sizeof(out)); /* Mar 22 */
	assert_string_equal(out, "22nd");
}

static void
date_format_refusals_and_limit(void **state)
{
	char fmt[LIM_DATE_FMT_BYTES + 2], out[TIME_DATE_BYTES];

	(void)state;
	assert_non_null(time_date_check("Y-m-d H:i")); /* H, i: times */
	assert_non_null(time_date_check("%Y-%m-%d"));  /* strftime's */
	assert_non_null(time_date_check("Y\\"));       /* a lone quote */
	assert_non_null(time_date_check("Y\nm"));
	memset(fmt, '-', sizeof(fmt) - 1);
	fmt[LIM_DATE_FMT_BYTES] = '\0';
	assert_null(time_date_check(fmt));
	fmt[LIM_DATE_FMT_BYTES] = '-';
	fmt[LIM_DATE_FMT_BYTES + 1] = '\0';
	assert_non_null(time_date_check(fmt));
	/* the longest output fits TIME_DATE_BYTES */
	memset(fmt, 'l', LIM_DATE_FMT_BYTES);
	fmt[LIM_DATE_FMT_BYTES] = '\0';
	time_date_format(1773835200, fmt, out, sizeof(out)); /* Wednesday */
	assert_int_equal(strlen(out), 9 * LIM_DATE_FMT_BYTES);
	/* a bad format set by hand in the database prints the default */
	time_date_use("%d");
	time_human(1772330400, out);
	assert_string_equal(out, "March 1, 2026");
	time_date_use("Y-m-d");
	time_human(1772330400, out);
	assert_string_equal(out, "2026-03-01");
}

/* Readers while the zone changes: each date is one zone's, whole. */
static void *
changer(void *arg)
{
	struct error e;

	(void)arg;
	for (int i = 0; i < 2000; i++)
		tz_use(i % 2 ? "Pacific/Auckland" : "America/Los_Angeles", &e);
	return NULL;
}

static void
readers_see_one_zone_or_the_other(void **state)
{
	pthread_t th;
	char out[TIME_TEXT_BYTES];
	struct error e;

	(void)state;
	/* build both tables first: the race is about switching */
	assert_int_equal(tz_use("Pacific/Auckland", &e), 0);
	assert_int_equal(tz_use("America/Los_Angeles", &e), 0);
	assert_int_equal(pthread_create(&th, NULL, changer, NULL), 0);
	for (int i = 0; i < 20000; i++) {
		time_path(1782849600, out);
		if (strcmp(out, "/2026/07/01/") != 0 &&
		    strcmp(out, "/2026/06/30/") != 0)
			fail_msg("a torn date: %s", out);
	}
	pthread_join(th, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(names_are_zoneinfo_files_only, reset),
		cmocka_unit_test_setup(
			use_refuses_an_unknown_zone_and_keeps_the_old, reset),
		cmocka_unit_test_setup(offsets_follow_dst, reset),
		cmocka_unit_test_setup(paths_use_the_local_date, reset),
		cmocka_unit_test_setup(local_days_start_at_local_midnight,
	                               reset),
		cmocka_unit_test_setup(date_formats, reset),
		cmocka_unit_test_setup(date_format_refusals_and_limit, reset),
		cmocka_unit_test_setup(readers_see_one_zone_or_the_other,
	                               reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
