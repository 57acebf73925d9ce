/*
 * store/river.h: sources added, found, listed, due and removed with what
 * they held; a fetch's state written back without moving the
 * generation; entries deduplicated per source (also once pruned: the
 * tombstone), across sources by link, dated when the feed gives no date
 * or one in the future; filtered ones kept hidden; the pages newest
 * first by keyset, per section and per source; keyword filters.  A store
 * on ":memory:".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "store/river.h"
#include "store/site.h"
#include "util/arena.h"
#include "util/error.h"
#include "mem_store.h"
#include "util/banned.h"

#define T0 INT64_C(1651017600) /* 2022-04-27T00:00:00Z */

static int64_t
source(struct store *st, const char *url, int64_t section_id)
{
	struct river_source in = {.url = url,
	                          .name = url + 8,
	                          .section_id = section_id,
	                          .enabled = 1};
	struct error e;
	int64_t id;

	if (store_river_source_add(st, &in, T0, &id, &e) == -1)
		fail_msg("source_add %s: %s", url, e.msg);
	return id;
}

static struct river_entry
entry(const char *key, const char *cross, const char *title, int64_t at)
{
	struct river_entry en = {.key = key,
	                         .cross_key = cross,
	                         .link = "https://example.org/a",
	                         .title = title,
	                         .published_at = at};

	return en;
}

static int
add(struct store *st, int64_t src, const struct river_entry *en, size_t n,
    int64_t now)
{
	struct error e;
	int added;

	if (store_river_entries_add(st, src, en, n, now, &added, &e) == -1)
		fail_msg("entries_add: %s", e.msg);
	return added;
}

static size_t
page(struct store *st, struct arena *a, const struct river_query *q,
     struct river_entry **out)
{
	struct error e;
	size_t n;

	if (store_river_page(st, a, q, out, &n, &e) == -1)
		fail_msg("page: %s", e.msg);
	return n;
}

static void
sources_add_find_list_remove(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	struct river_source in = {.url = "https://a.example/feed",
	                          .enabled = 1},
			    got, *all;
	struct river_entry en = entry("k1", "", "One", T0), *rows;
	struct error e;
	int64_t id, id2;
	size_t n;

	id = source(st, "https://a.example/feed", 0);
	id2 = source(st, "https://b.example/feed", 0);
	assert_int_equal(store_river_source_add(st, &in, T0, &id, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(store_river_source_get(st, a, id, &got, &e), 0);
	assert_string_equal(got.url, "https://a.example/feed");
	assert_int_equal(got.interval, 3600);
	assert_int_equal(got.enabled, 1);
	assert_int_equal(got.next_fetch_at, T0);
	assert_string_equal(got.etag, "");
	assert_int_equal(store_river_source_by_url(st, a,
	                                           "https://b.example/feed",
	                                           &got, &e),
	                 0);
	assert_int_equal(got.id, id2);
	assert_int_equal(store_river_source_list(st, a, &all, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(all[0].id, id);
	assert_int_equal(add(st, id, &en, 1, T0), 1);
	assert_int_equal(store_river_source_delete(st, id, &e), 0);
	assert_int_equal(store_river_source_delete(st, id, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(store_river_source_get(st, a, id, &got, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	/* its entries went with it */
	assert_int_equal(page(st, a, &(struct river_query){.limit = 10}, &rows),
	                 0);
	arena_free(a);
}

static void
fetch_state_is_private(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	int64_t id = source(st, "https://a.example/feed", 0);
	struct river_source got, *due;
	uint64_t gen;
	struct error e;
	size_t n;

	assert_int_equal(store_river_source_due(st, a, T0, 10, &due, &n, &e),
	                 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_river_source_get(st, a, id, &got, &e), 0);
	got.etag = "W/\"x y\"";
	got.last_modified = "Wed, 27 Apr 2022 00:00:00 GMT";
	got.last_fetch_at = T0;
	got.last_status = 200;
	got.errors = 0;
	got.next_fetch_at = T0 + 3600;
	gen = store_generation(st);
	assert_int_equal(store_river_source_fetched(st, &got, T0, &e), 0);
	assert_true(store_generation(st) == gen);
	assert_int_equal(store_river_source_get(st, a, id, &got, &e), 0);
	assert_string_equal(got.etag, "W/\"x y\"");
	assert_int_equal(got.last_status, 200);
	assert_int_equal(store_river_source_due(st, a, T0, 10, &due, &n, &e),
	                 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_river_source_due(st, a, T0 + 3600, 10, &due, &n,
	                                        &e),
	                 0);
	assert_int_equal(n, 1);
	/* "fetch now" while a fetch was in flight: kept over its plan */
	assert_int_equal(store_river_source_due_at(st, id, T0 + 10, &e), 0);
	got.next_fetch_at = T0 + 7200;
	assert_int_equal(store_river_source_fetched(st, &got, T0 + 3600, &e),
	                 0);
	assert_int_equal(store_river_source_get(st, a, id, &got, &e), 0);
	assert_int_equal(got.next_fetch_at, T0 + 10);
	/* a fetch from where it was plans the next */
	got.next_fetch_at = T0 + 7200;
	assert_int_equal(store_river_source_fetched(st, &got, T0 + 10, &e), 0);
	assert_int_equal(store_river_source_get(st, a, id, &got, &e), 0);
	assert_int_equal(got.next_fetch_at, T0 + 7200);
	/* disabled (410): never due */
	got.enabled = 0;
	assert_int_equal(store_river_source_fetched(st, &got, T0 + 7200, &e),
	                 0);
	assert_int_equal(store_river_source_due(st, a, T0 + 99999, 10, &due, &n,
	                                        &e),
	                 0);
	assert_int_equal(n, 0);
	arena_free(a);
}

static void
entries_dedup_and_dates(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	int64_t s1 = source(st, "https://a.example/feed", 0);
	int64_t s2 = source(st, "https://b.example/feed", 0);
	struct river_entry en[] = {
		entry("k1", "x1", "Old", T0 - 100),
		entry("k2", "", "Undated", 0),
		entry("k3", "", "Future", T0 + 86400),
	};
	struct river_entry dup = entry("k9", "x1", "Same link", T0 - 50);
	struct river_entry *got;
	uint64_t gen;
	size_t n;

	gen = store_generation(st);
	assert_int_equal(add(st, s1, en, 3, T0), 3);
	assert_true(store_generation(st) != gen);
	/* the same keys again: nothing new, nothing moved */
	gen = store_generation(st);
	assert_int_equal(add(st, s1, en, 3, T0 + 60), 0);
	assert_true(store_generation(st) == gen);
	/* another source's entry with the same link: kept, hidden */
	assert_int_equal(add(st, s2, &dup, 1, T0), 0);
	n = page(st, a, &(struct river_query){.limit = 10}, &got);
	assert_int_equal(n, 3);
	/* undated and future ones: the time first seen; ties by id */
	assert_string_equal(got[0].title, "Future");
	assert_int_equal(got[0].published_at, T0);
	assert_string_equal(got[1].title, "Undated");
	assert_int_equal(got[1].published_at, T0);
	assert_string_equal(got[2].title, "Old");
	assert_string_equal(got[2].source_name, "a.example/feed");
	arena_free(a);
}

static void
pruned_entries_stay_gone(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	int64_t s1 = source(st, "https://a.example/feed", 0);
	struct river_entry en[] = {
		entry("old", "", "Old", T0 - 40 * 86400),
		entry("new", "", "New", T0 - 86400),
	};
	struct river_entry *got;
	struct error e;
	int64_t n;

	assert_int_equal(add(st, s1, en, 2, T0), 2);
	assert_int_equal(store_river_prune(st, T0 - 30 * 86400, T0, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(page(st, a, &(struct river_query){.limit = 10}, &got),
	                 1);
	assert_string_equal(got[0].title, "New");
	/* still in the feed: does not come back */
	assert_int_equal(add(st, s1, en, 2, T0 + 3600), 0);
	assert_int_equal(page(st, a, &(struct river_query){.limit = 10}, &got),
	                 1);
	arena_free(a);
}

static void
pages_by_keyset(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	struct section sec = {.slug = "river",
	                      .name = "River",
	                      .kind = SECTION_AGGREGATOR};
	struct river_entry en[7], *got;
	struct river_query q = {.limit = 3};
	int64_t sec_id, s1, s2;
	struct error e;
	char keys[7][4];

	assert_int_equal(store_section_add(st, &sec, &sec_id, &e), 0);
	s1 = source(st, "https://a.example/feed", sec_id);
	s2 = source(st, "https://b.example/feed", 0);
	for (int i = 0; i < 7; i++) {
		keys[i][0] = 'k';
		keys[i][1] = (char)('0' + i);
		keys[i][2] = '\0';
		/* two share a second: the id breaks the tie */
		en[i] = entry(keys[i], "", keys[i], T0 + (i < 2 ? 0 : i) * 60);
	}
	assert_int_equal(add(st, s1, en, 6, T0 + 3600), 6);
	assert_int_equal(add(st, s2, &en[6], 1, T0 + 3600), 1);
	q.section_id = sec_id;
	assert_int_equal(page(st, a, &q, &got), 3);
	assert_string_equal(got[0].title, "k5");
	assert_string_equal(got[2].title, "k3");
	q.before_at = got[2].published_at;
	q.before_id = got[2].id;
	assert_int_equal(page(st, a, &q, &got), 3);
	assert_string_equal(got[0].title, "k2");
	assert_string_equal(got[1].title, "k1");
	assert_string_equal(got[2].title, "k0");
	q.before_at = got[2].published_at;
	q.before_id = got[2].id;
	assert_int_equal(page(st, a, &q, &got), 0);
	/* one source's */
	q = (struct river_query){.source_id = s2, .limit = 10};
	assert_int_equal(page(st, a, &q, &got), 1);
	assert_string_equal(got[0].title, "k6");
	/* everything */
	q = (struct river_query){.limit = 10};
	assert_int_equal(page(st, a, &q, &got), 7);
	arena_free(a);
}

static void
filters(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	int64_t s1 = source(st, "https://a.example/feed", 0);
	int64_t s2 = source(st, "https://b.example/feed", 0);
	struct river_entry hidden = entry("h", "", "Celebrity gossip", T0);
	struct river_filter *all;
	struct river_entry *rows;
	const char *rules;
	struct error e;
	int64_t id1, id2;
	size_t n;

	assert_int_equal(store_river_filter_add(st, 0, "gossip", T0, &id1, &e),
	                 0);
	assert_int_equal(store_river_filter_add(st, s1, "sports", T0, &id2, &e),
	                 0);
	assert_int_equal(store_river_filter_rules(st, a, s1, &rules, &e), 0);
	assert_string_equal(rules, "gossip\nsports\n");
	assert_int_equal(store_river_filter_rules(st, a, s2, &rules, &e), 0);
	assert_string_equal(rules, "gossip\n");
	assert_int_equal(store_river_filter_list(st, a, &all, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(all[0].source_id, 0);
	assert_int_equal(all[1].source_id, s1);
	assert_int_equal(store_river_filter_delete(st, id2, &e), 0);
	assert_int_equal(store_river_filter_delete(st, id2, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	/* a filtered entry is stored hidden: not counted, not shown */
	hidden.hidden = RIVER_FILTERED;
	assert_int_equal(add(st, s2, &hidden, 1, T0), 0);
	assert_int_equal(page(st, a, &(struct river_query){.limit = 10}, &rows),
	                 0);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sources_add_find_list_remove,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(fetch_state_is_private,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(entries_dedup_and_dates,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(pruned_entries_stay_gone,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(pages_by_keyset,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(filters, mem_store_setup,
	                                        mem_store_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
