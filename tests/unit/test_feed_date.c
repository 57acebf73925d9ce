/*
 * feed/date.c over feedparser's date vectors (../shared/fixtures/feeds/
 * feedparser/dates.tsv): every row, each through the parser of its
 * family; an INVALID row must be refused.  And feed_date_parse, which
 * tries every family, on each valid row.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "feed/feed.h"
#include "util/clock.h"
#include "util/banned.h"

static int (*family(const char *name))(const char *, int64_t *)
{
	static const struct {
		const char *name;
		int (*fn)(const char *, int64_t *);
	} t[] = {
		{"rfc822", feed_date_rfc822},
		{"w3dtf", feed_date_w3dtf},
		{"iso8601", feed_date_iso8601},
		{"asctime", feed_date_asctime},
		{"perforce", feed_date_perforce},
		{"greek", feed_date_greek},
		{"hungarian", feed_date_hungarian},
		{"nate", feed_date_korean},
		{"onblog", feed_date_korean},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(name, t[i].name) == 0)
			return t[i].fn;
	return NULL;
}

static void
dates_tsv(void **state)
{
	char line[1024];
	FILE *f;
	int rows = 0, bad = 0, header = 0;

	(void)state;
	FIXTURE(path, "feeds/feedparser/dates.tsv");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *cols[5] = {0}, *p = line;
		int64_t got = 0, want = 0;
		int rc, k;

		if (line[0] == '#')
			continue;
		if (!header) {
			header = 1;
			continue;
		}
		line[strcspn(line, "\n")] = '\0';
		for (k = 0; k < 5 && p != NULL; k++) {
			cols[k] = p;
			p = strchr(p, '\t');
			if (p != NULL)
				*p++ = '\0';
		}
		assert_true(k >= 3);
		assert_non_null(family(cols[0]));
		rc = family(cols[0])(cols[1], &got);
		rows++;
		if (strcmp(cols[2], "INVALID") == 0) {
			if (rc != -1) {
				print_message("accepted: %s '%s'\n", cols[0],
				              cols[1]);
				bad++;
			}
			continue;
		}
		/* 0099-12-31T23:00:01Z is before what time_parse_iso reads */
		if (strncmp(cols[2], "0099-", 5) == 0)
			want = INT64_C(-59011462799);
		else
			assert_int_equal(time_parse_iso(cols[2], &want), 0);
		if (rc != 0 || got != want) {
			print_message("%s '%s': rc %d, %lld, want %lld (%s)\n",
			              cols[0], cols[1], rc, (long long)got,
			              (long long)want, cols[2]);
			bad++;
		} else if (feed_date_parse(cols[1], &got) != 0 || got != want) {
			print_message("feed_date_parse '%s': %lld\n", cols[1],
			              (long long)got);
			bad++;
		}
	}
	fclose(f);
	print_message("dates.tsv: %d rows, %d wrong\n", rows, bad);
	assert_int_equal(rows, 73);
	assert_int_equal(bad, 0);
}

static void
rejects_garbage(void **state)
{
	int64_t t;
	const char *bad[] = {"",
	                     "yesterday",
	                     "2004-13-01",
	                     "31 Feb 2004",
	                     "Mon, 26 Jan 2004 16:31:00 +zz",
	                     "2004-02-30T00:00:00Z"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(feed_date_parse(bad[i], &t), -1);
	assert_int_equal(feed_date_parse(NULL, &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates_tsv),
		cmocka_unit_test(rejects_garbage),
	};

	return fixtures_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
