/*
 * core/river_manage.c, the admin's feeds: a feed added by URL without a
 * fetch, due at once and marked for discovery, with the URL, name and
 * section checked at their limits; an edit within the interval's limits
 * that moves the headlines with the section, and enables a feed due at
 * once; "fetch now" refused for a disabled feed; keyword filters that
 * hide stored headlines of one feed or every feed, and show them again
 * when removed, a shown-again duplicate staying one.  A store on
 * ":memory:".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/river.h"
#include "store/river.h"
#include "store/site.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/limits.h"
#include "mem_store.h"
#include "util/banned.h"

#define NOW INT64_C(1796000000)

static int64_t
section(struct store *st, const char *slug, enum section_kind kind)
{
	struct section sec = {.slug = slug, .name = slug, .kind = kind};
	struct error e;
	int64_t id;

	if (store_section_add(st, &sec, &id, &e) == -1)
		fail_msg("section_add: %s", e.msg);
	return id;
}

/* A string of n bytes of c, in a. */
static const char *
fill(struct arena *a, const char *prefix, size_t n, char c)
{
	size_t p = strlen(prefix);
	char *s = arena_alloc(a, n + 1);

	memcpy(s, prefix, p);
	memset(s + p, c, n - p);
	s[n] = '\0';
	return s;
}

static void
add_checks_and_discovery(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	struct river_source src;
	const char *bad;
	struct error e;
	int64_t id, river;

	section(st, "news", SECTION_POSTS);
	river = section(st, "river", SECTION_AGGREGATOR);
	/* the URL: http(s), at most LIM_FEED_URL_BYTES */
	assert_int_equal(river_add(st, a, "ftp://x.example/f", "", NULL, NOW,
	                           &id, &bad, &e),
	                 -1);
	assert_string_equal(bad, "url");
	assert_int_equal(river_add(st, a, "", "", NULL, NOW, &id, &bad, &e),
	                 -1);
	assert_int_equal(river_add(st, a,
	                           fill(a, "https://x.example/",
	                                LIM_FEED_URL_BYTES + 1, 'u'),
	                           "", NULL, NOW, &id, &bad, &e),
	                 -1);
	assert_string_equal(bad, "url");
	assert_int_equal(e.code, ERR_INVALID);
	/* the name: one line, at most LIM_FEED_TITLE_BYTES */
	assert_int_equal(river_add(st, a, "https://x.example/f",
	                           fill(a, "", LIM_FEED_TITLE_BYTES + 1, 'n'),
	                           NULL, NOW, &id, &bad, &e),
	                 -1);
	assert_string_equal(bad, "name");
	assert_int_equal(river_add(st, a, "https://x.example/f", "a\nb", NULL,
	                           NOW, &id, &bad, &e),
	                 -1);
	assert_string_equal(bad, "name");
	/* the section: an aggregator's */
	assert_int_equal(river_add(st, a, "https://x.example/f", "", "news",
	                           NOW, &id, &bad, &e),
	                 -1);
	assert_string_equal(bad, "section");
	assert_int_equal(river_add(st, a, "https://x.example/f", "", "nowhere",
	                           NOW, &id, &bad, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	/* at the limits: added, not fetched, due now, to be discovered */
	assert_int_equal(river_add(st, a,
	                           fill(a, "https://x.example/",
	                                LIM_FEED_URL_BYTES, 'u'),
	                           fill(a, "", LIM_FEED_TITLE_BYTES, 'n'), "",
	                           NOW, &id, &bad, &e),
	                 0);
	assert_int_equal(store_river_source_get(st, a, id, &src, &e), 0);
	assert_int_equal(src.section_id, river);
	assert_int_equal(src.discover, 1);
	assert_int_equal(src.enabled, 1);
	assert_int_equal(src.next_fetch_at, NOW);
	assert_int_equal(src.last_fetch_at, 0);
	assert_int_equal(strlen(src.name), LIM_FEED_TITLE_BYTES);
	/* followed already */
	assert_int_equal(river_add(st, a, src.url, "", NULL, NOW, &id, &bad,
	                           &e),
	                 -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "followed already"));
	arena_free(a);
}

static void
edit_moves_headlines(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	struct river_change c = {.interval = -1, .enabled = -1};
	struct river_entry en = {.key = "k",
	                         .link = "https://x.example/1",
	                         .title = "One",
	                         .published_at = NOW - 60},
			   *got;
	struct river_query q = {.limit = 10};
	struct river_source src;
	const char *bad;
	struct error e;
	int64_t id, one, two;
	size_t n;
	int added;

	one = section(st, "one", SECTION_AGGREGATOR);
	two = section(st, "two", SECTION_AGGREGATOR);
	assert_int_equal(river_add(st, a, "https://x.example/f", "X", "one",
	                           NOW, &id, &bad, &e),
	                 0);
	assert_int_equal(store_river_entries_add(st, id, &en, 1, NOW, &added,
	                                         &e),
	                 0);
	/* the interval's limits, crossed and met */
	c.interval = LIM_FEED_INTERVAL_MIN - 1;
	assert_int_equal(river_edit(st, a, id, &c, NOW, &bad, &e), -1);
	assert_string_equal(bad, "interval");
	c.interval = LIM_FEED_INTERVAL_MAX + 1;
	assert_int_equal(river_edit(st, a, id, &c, NOW, &bad, &e), -1);
	c.interval = LIM_FEED_INTERVAL_MAX;
	c.section = "two";
	c.name = "  Renamed ";
	c.enabled = 0;
	assert_int_equal(river_edit(st, a, id, &c, NOW, &bad, &e), 0);
	assert_int_equal(store_river_source_get(st, a, id, &src, &e), 0);
	assert_int_equal(src.interval, LIM_FEED_INTERVAL_MAX);
	assert_int_equal(src.section_id, two);
	assert_string_equal(src.name, "Renamed");
	assert_int_equal(src.enabled, 0);
	/* the headline went with it */
	q.section_id = one;
	assert_int_equal(store_river_page(st, a, &q, &got, &n, &e), 0);
	assert_int_equal(n, 0);
	q.section_id = two;
	assert_int_equal(store_river_page(st, a, &q, &got, &n, &e), 0);
	assert_int_equal(n, 1);
	/* disabled: no fetch on demand; enabled again: due at once */
	assert_int_equal(river_fetch_soon(st, a, id, NOW, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	c = (struct river_change){.interval = -1, .enabled = 1};
	assert_int_equal(river_edit(st, a, id, &c, NOW + 500, &bad, &e), 0);
	assert_int_equal(store_river_source_get(st, a, id, &src, &e), 0);
	assert_int_equal(src.next_fetch_at, NOW + 500);
	assert_int_equal(src.interval, LIM_FEED_INTERVAL_MAX);
	assert_int_equal(river_fetch_soon(st, a, id, NOW + 900, &e), 0);
	assert_int_equal(store_river_source_get(st, a, id, &src, &e), 0);
	assert_int_equal(src.next_fetch_at, NOW + 900);
	/* not an aggregator; no such feed */
	c = (struct river_change){.interval = -1, .enabled = -1};
	section(st, "posts", SECTION_POSTS);
	c.section = "posts";
	assert_int_equal(river_edit(st, a, id, &c, NOW, &bad, &e), -1);
	assert_string_equal(bad, "section");
	assert_int_equal(river_edit(st, a, id + 1, &c, NOW, &bad, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_free(a);
}

/* An aggregator section and two feeds in it, A and B. */
static void
two_feeds(struct store *st, struct arena *a, int64_t *fa, int64_t *fb)
{
	const char *bad;
	struct error e;

	section(st, "river", SECTION_AGGREGATOR);
	if (river_add(st, a, "https://a.example/f", "A", NULL, NOW, fa, &bad,
	              &e) == -1 ||
	    river_add(st, a, "https://b.example/f", "B", NULL, NOW, fb, &bad,
	              &e) == -1)
		fail_msg("river_add: %s", e.msg);
}

/* The titles shown of every source, newest first, joined by '|'. */
static const char *
shown(struct store *st, struct arena *a)
{
	struct river_query q = {.limit = 20};
	struct river_entry *got;
	struct error e;
	const char *out = "";
	size_t n;

	if (store_river_page(st, a, &q, &got, &n, &e) == -1)
		fail_msg("page: %s", e.msg);
	for (size_t i = 0; i < n; i++)
		out = arena_printf(a, "%s%s%s", out, i ? "|" : "",
		                   got[i].title);
	return out;
}

static void
filters_apply_to_stored(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	struct river_entry in[3] = {
		{.key = "a1",
	         .cross_key = "x1",
	         .title = "Sponsored: a gadget",
	         .published_at = NOW - 30},
		{.key = "a2",
	         .cross_key = "x2",
	         .title = "Harbour news",
	         .published_at = NOW - 20},
		{.key = "a3",
	         .title = "More harbour  NEWS",
	         .published_at = NOW - 10},
	};
	struct river_entry dup = {.key = "b1",
	                          .cross_key = "x2",
	                          .title = "Harbour news (copy)",
	                          .published_at = NOW - 5};
	struct error e;
	int64_t fa, fb, site_rule, feed_rule;
	int added, changed;

	two_feeds(st, a, &fa, &fb);
	assert_int_equal(store_river_entries_add(st, fa, in, 3, NOW, &added,
	                                         &e),
	                 0);
	/* b's copy of a's link: a duplicate */
	assert_int_equal(store_river_entries_add(st, fb, &dup, 1, NOW, &added,
	                                         &e),
	                 0);
	assert_int_equal(added, 0);
	assert_string_equal(shown(st, a), "More harbour  NEWS|Harbour news|"
	                                  "Sponsored: a gadget");
	/* a rule of every feed hides what is stored */
	assert_int_equal(river_filter_add(st, a, 0, "sponsored", NOW,
	                                  &site_rule, &changed, &e),
	                 0);
	assert_int_equal(changed, 1);
	assert_string_equal(shown(st, a), "More harbour  NEWS|Harbour news");
	/* one of feed a: case and runs of spaces ignored */
	assert_int_equal(river_filter_add(st, a, fa, "harbour news", NOW,
	                                  &feed_rule, &changed, &e),
	                 0);
	assert_int_equal(changed, 2);
	assert_string_equal(shown(st, a), "");
	/* removed: what it alone hid is shown again */
	assert_int_equal(river_filter_remove(st, a, feed_rule, &changed, &e),
	                 0);
	assert_int_equal(changed, 2);
	assert_string_equal(shown(st, a), "More harbour  NEWS|Harbour news");
	assert_int_equal(river_filter_remove(st, a, feed_rule, &changed, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(river_filter_remove(st, a, site_rule, &changed, &e),
	                 0);
	assert_int_equal(changed, 1);
	assert_string_equal(shown(st, a), "More harbour  NEWS|Harbour news|"
	                                  "Sponsored: a gadget");
	/* bad rules, and a feed that is not there */
	assert_int_equal(river_filter_add(st, a, 0, " \t", NOW, &site_rule,
	                                  &changed, &e),
	                 -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(river_filter_add(st, a, 0,
	                                  fill(a, "",
	                                       LIM_FEED_FILTER_LINE_BYTES + 1,
	                                       'r'),
	                                  NOW, &site_rule, &changed, &e),
	                 -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(river_filter_add(st, a, 0,
	                                  fill(a, "",
	                                       LIM_FEED_FILTER_LINE_BYTES, 'r'),
	                                  NOW, &site_rule, &changed, &e),
	                 0);
	assert_int_equal(river_filter_add(st, a, fb + 1, "x", NOW, &site_rule,
	                                  &changed, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_free(a);
}

/* A filtered entry whose link another feed shows is a duplicate when
 * the filter goes, as the insert would have stored it. */
static void
unfiltered_duplicate_stays_hidden(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	struct river_entry first = {.key = "b1",
	                            .cross_key = "x",
	                            .title = "Storm at sea",
	                            .published_at = NOW - 30};
	struct river_entry later = {.key = "a1",
	                            .cross_key = "x",
	                            .title = "Storm at sea",
	                            .published_at = NOW - 20,
	                            .hidden = RIVER_FILTERED};
	struct error e;
	int64_t fa, fb, rule;
	int added, changed;

	two_feeds(st, a, &fa, &fb);
	assert_int_equal(river_filter_add(st, a, fa, "storm", NOW, &rule,
	                                  &changed, &e),
	                 0);
	assert_int_equal(store_river_entries_add(st, fb, &first, 1, NOW, &added,
	                                         &e),
	                 0);
	assert_int_equal(store_river_entries_add(st, fa, &later, 1, NOW, &added,
	                                         &e),
	                 0);
	assert_string_equal(shown(st, a), "Storm at sea");
	assert_int_equal(river_filter_remove(st, a, rule, &changed, &e), 0);
	assert_string_equal(shown(st, a), "Storm at sea"); /* not twice */
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(add_checks_and_discovery,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(edit_moves_headlines,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(filters_apply_to_stored,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(
			unfiltered_duplicate_stays_hidden, mem_store_setup,
			mem_store_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
