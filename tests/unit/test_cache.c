/*
 * site/cache.c: the page cache's rules of validity (the generation, a
 * post's version, the age) and its byte budget, over a real store on
 * ":memory:" and the site as serve makes it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache_fx.h"
#include "util/banned.h"

static void
comment_on(struct store *st, int64_t post)
{
	tmp_site_comment(st, post, COMMENT_APPROVED, 1651017600);
}

static void
a_comment_drops_only_its_posts_pages(void **state)
{
	struct fx *f = *state;
	int64_t a = add_post(f->st, "a"), b = add_post(f->st, "b");

	put_page(f, "/a/", PAGE, 'a', a);
	put_page(f, "/b/", PAGE, 'b', b);
	put_page(f, "/", PAGE, 'h', 0);
	put_page(f, "/comments/feed/", PAGE, 'f', STORE_ANY_POST);
	assert_true(hit(f, "/a/", 0, NULL, NULL));
	comment_on(f->st, a);
	assert_false(hit(f, "/a/", 0, NULL, NULL));
	assert_false(hit(f, "/comments/feed/", 0, NULL, NULL));
	assert_true(hit(f, "/b/", 0, NULL, NULL));
	assert_true(hit(f, "/", 0, NULL, NULL));
	/* a change of content drops them all */
	add_post(f->st, "c");
	assert_false(hit(f, "/b/", 0, NULL, NULL));
	assert_false(hit(f, "/", 0, NULL, NULL));
}

/*
 * Past the minute a page may show an old view count or sidebar for, a
 * post's page is kept if its count did not move and the sidebar is the
 * same (so a large site's unread pages are not all made again each
 * minute); the page of a post viewed since, and lists, go; and nothing
 * is kept past the longest age.
 */
static void
a_page_nobody_viewed_outlives_the_minute(void **state)
{
	struct fx *f = *state;
	int64_t a = add_post(f->st, "a"), b = add_post(f->st, "b");

	site_refresh(f->site); /* the sidebar, as a render makes it */
	put_page(f, "/a/", PAGE, 'a', a);
	put_page(f, "/b/", PAGE, 'b', b);
	put_page(f, "/", PAGE, 'h', 0);
	view(f, a, "192.0.2.1");
	/* within the minute a view changes nothing */
	assert_true(hit(f, "/a/", 0, NULL, NULL));
	cache_backdate(f->site, 61);
	assert_false(hit(f, "/a/", 0, NULL, NULL)); /* its count moved */
	assert_false(hit(f, "/", 0, NULL, NULL));   /* a list: its counts */
	assert_true(hit(f, "/b/", 0, NULL, NULL));
	/* checked: another minute before it is looked at again */
	view(f, b, "192.0.2.2");
	assert_true(hit(f, "/b/", 0, NULL, NULL));
	cache_backdate(f->site, 61);
	assert_false(hit(f, "/b/", 0, NULL, NULL));
	/* nothing is kept past the longest age */
	put_page(f, "/b/", PAGE, 'b', b);
	cache_backdate(f->site, 3600);
	assert_false(hit(f, "/b/", 0, NULL, NULL));
}

static void
gzip_made_when_first_asked_and_kept(void **state)
{
	struct fx *f = *state;
	int gz = -1;
	char c;
	size_t before, after, n;

	put_page(f, "/g/", PAGE, 'g', 0);
	cache_usage(f->site, &before, &n, NULL);
	assert_true(hit(f, "/g/", 0, &c, &gz));
	assert_int_equal(gz, 0);
	cache_usage(f->site, &after, &n, NULL);
	assert_int_equal(after, before); /* identity readers cost no gzip */
	assert_true(hit(f, "/g/", 1, NULL, &gz));
	assert_int_equal(gz, 1);
	cache_usage(f->site, &after, &n, NULL);
	assert_true(after > before); /* the variant is kept */
	assert_true(hit(f, "/g/", 1, NULL, &gz));
	assert_int_equal(gz, 1);
	assert_true(hit(f, "/g/", 0, &c, &gz));
	assert_int_equal(c, 'g');
	assert_int_equal(gz, 0);
}

/*
 * Past the budget the cache evicts, never holding more than it; a page
 * read since the hand last passed it survives a round (CLOCK).
 */
static void
budget_is_kept(void **state)
{
	struct fx *f = *state;
	char key[32];
	size_t bytes, n;
	int kept = 0;

	put_page_as(f, "/hot/", PAGE, 'h', 0, 0);
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "/p%d/", i);
		put_page_as(f, key, PAGE, 'p', 0, 0);
		cache_usage(f->site, &bytes, &n, NULL);
		assert_true(bytes <= BUDGET);
		if (hit(f, "/hot/", 0, NULL, NULL))
			kept++;
	}
	assert_true(n < 100 && n >= BUDGET / (2 * PAGE));
	assert_int_equal(kept, 100);
	/* a body over the whole budget is not cached at all */
	put_page_as(f, "/huge/", BUDGET + 1, 'x', 0, 0);
	assert_false(hit(f, "/huge/", 0, NULL, NULL));
	cache_usage(f->site, &bytes, &n, NULL);
	assert_true(bytes <= BUDGET);
}

/*
 * Past PACK_FROM_PCT of its budget the cache keeps a site's pages packed
 * against a page of the same site: several times more of them fit, each
 * comes back byte for byte, and one read twice is kept unpacked again.
 */
static void
a_large_site_is_kept_packed(void **state)
{
	struct fx *f = *state;
	static char page[32768], got[32768];
	char key[32];
	size_t bytes, n, packed, len, raw = 0;
	int pages = 4500, held = 0;

	for (int i = 0; i < pages; i++) {
		snprintf(key, sizeof(key), "/p%d/", i);
		len = site_page(page, sizeof(page), i);
		raw += len;
		put_body(f, key, page, len, 0);
		cache_usage(f->site, &bytes, &n, &packed);
		assert_true(bytes <= SITE_BUDGET);
	}
	assert_true(raw > 3 * SITE_BUDGET); /* would not fit as sent */
	cache_usage(f->site, &bytes, &n, &packed);
	assert_true(packed > 0);
	assert_true(n > 2 * (SITE_BUDGET / (raw / pages)));
	for (int i = 0; i < pages; i++) {
		snprintf(key, sizeof(key), "/p%d/", i);
		len = site_page(page, sizeof(page), i);
		if (get_page(f, key, 0, got, sizeof(got)) == 0)
			continue;
		held++;
		assert_memory_equal(got, page, len);
	}
	assert_int_equal((size_t)held, n);
	/* the last page is packed (and was read once above); read again
	 * before the hand passes, it is kept as sent too */
	snprintf(key, sizeof(key), "/p%d/", pages - 1);
	len = site_page(page, sizeof(page), pages - 1);
	assert_int_equal(cache_forms(f->site, key), CACHE_PACKED);
	assert_int_equal(get_page(f, key, 0, got, sizeof(got)), len);
	assert_int_equal(cache_forms(f->site, key),
	                 CACHE_PACKED | CACHE_AS_SENT);
	assert_int_equal(get_page(f, key, 0, got, sizeof(got)), len);
	assert_memory_equal(got, page, len);
	/* a reader taking gzip gets a variant made from the unpacked page */
	snprintf(key, sizeof(key), "/p%d/", pages - 2);
	assert_int_equal(cache_forms(f->site, key), CACHE_PACKED);
	assert_true(hit(f, key, 1, NULL, &held));
	assert_int_equal(held, 1);
	assert_int_equal(cache_forms(f->site, key), CACHE_PACKED | CACHE_GZIP);
	cache_usage(f->site, &bytes, &n, &packed);
	assert_true(bytes <= SITE_BUDGET);
}

/*
 * The share of the budget for pages kept as sent beside their packed form
 * goes to the pages read now: once it is full of pages read twice a while
 * ago (a warm-up, a crawler), a page read again and again still gets a
 * copy as sent, by dropping the copy of one not read since, while a copy
 * still being read keeps its place.
 */
static void
hot_pages_win_the_unpacked_share(void **state)
{
	struct fx *f = *state;
	static char page[32768], got[32768];
	char key[32], kept[32] = "", hot[32];
	size_t len;
	int promoted = 0, held = 0;

	for (int i = 0; i < 4500; i++) {
		snprintf(key, sizeof(key), "/p%d/", i);
		len = site_page(page, sizeof(page), i);
		put_body(f, key, page, len, 0);
	}
	/* Read twice in turn: each is kept as sent when read, and once
	 * the share is full, for the copy of one read longer ago. */
	for (int i = 4200; i < 4500; i++) {
		snprintf(key, sizeof(key), "/p%d/", i);
		if (cache_forms(f->site, key) != CACHE_PACKED)
			continue;
		get_page(f, key, 0, got, sizeof(got));
		get_page(f, key, 0, got, sizeof(got));
		promoted += (cache_forms(f->site, key) & CACHE_AS_SENT) != 0;
		usleep(5000); /* room is made at most once a millisecond */
	}
	for (int i = 4200; i < 4500; i++) {
		snprintf(key, sizeof(key), "/p%d/", i);
		if (cache_forms(f->site, key) & CACHE_AS_SENT) {
			held++;
			if (*kept == '\0')
				memcpy(kept, key, sizeof(key));
		}
	}
	assert_true(promoted > 200);
	assert_true(held > 10 && held < promoted); /* the share is full */
	/* the oldest copy still kept is read again: a reason to stay */
	assert_true(get_page(f, kept, 0, got, sizeof(got)) > 0);
	/* a page not kept as sent, read again and again, gets its copy */
	for (int i = 3999; i > 0; i--) {
		snprintf(hot, sizeof(hot), "/p%d/", i);
		if (cache_forms(f->site, hot) == CACHE_PACKED)
			break;
	}
	assert_int_equal(cache_forms(f->site, hot), CACHE_PACKED);
	for (int k = 0; k < 4; k++) {
		usleep(5000);
		assert_true(get_page(f, hot, 0, got, sizeof(got)) > 0);
	}
	assert_true(cache_forms(f->site, hot) & CACHE_AS_SENT);
	assert_true(cache_forms(f->site, kept) & CACHE_AS_SENT);
	len = site_page(page, sizeof(page), (int)strtol(hot + 2, NULL, 10));
	assert_int_equal(get_page(f, hot, 0, got, sizeof(got)), len);
	assert_memory_equal(got, page, len);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_comment_drops_only_its_posts_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_page_nobody_viewed_outlives_the_minute, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			gzip_made_when_first_asked_and_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(budget_is_kept, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(a_large_site_is_kept_packed,
	                                        setup_large, teardown),
		cmocka_unit_test_setup_teardown(
			hot_pages_win_the_unpacked_share, setup_large,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
