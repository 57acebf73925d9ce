/*
 * core/river.c against tests/unit/feed_server.py on loopback: a fetch
 * stores the feed's entries and its validators and plans the next fetch
 * from max-age and <ttl>; the next one is a conditional GET answered 304
 * that adds nothing; 410 disables the feed; a 500 backs off; a
 * permanent redirect onto a feed already followed leaves the source
 * where it was; a keyword filter hides a matching headline; a source
 * added by a page's URL moves to the feed the page announces (and is
 * disabled when another source follows it); loopback is
 * refused while feeds_allow_private is 0.  A store on ":memory:".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "core/river.h"
#include "feed/schedule.h"
#include "store/river.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/limits.h"
#include "feed_server.h"
#include "mem_store.h"
#include "util/banned.h"

#define NOW INT64_C(1796000000)

static struct feed_server fs;

static int
start(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return feed_server_start(&fs);
}

static int
stop(void **state)
{
	(void)state;
	feed_server_stop(&fs);
	curl_global_cleanup();
	return 0;
}

static void
need_server(void)
{
	const char *ci = getenv("CI");

	if (fs.port != 0)
		return;
	if (ci != NULL && strcmp(ci, "true") == 0)
		fail_msg("python3 is needed for the fetch tests");
	skip();
}

static const char *
url(struct arena *a, const char *path)
{
	return arena_printf(a, "http://127.0.0.1:%d%s", fs.port, path);
}

/* A source of path: a feed's, or with discover a page's, as the admin
 * adds one. */
static int64_t
add_source(struct store *st, struct arena *a, const char *path, int discover)
{
	struct river_source in = {.url = url(a, path),
	                          .enabled = 1,
	                          .discover = discover};
	struct error e;
	int64_t id;

	if (store_river_source_add(st, &in, NOW, &id, &e) == -1)
		fail_msg("add %s: %s", path, e.msg);
	return id;
}

static int64_t
follow(struct store *st, struct arena *a, const char *path)
{
	return add_source(st, a, path, 0);
}

/* The reports of a fetch; their strings live only as long as the call,
 * so the error is copied. */
struct seen {
	struct river_report r[8];
	char error[8][256];
	int n;
};

static void
note(const struct river_report *r, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		snprintf(s->error[s->n], sizeof(s->error[0]), "%s", r->error);
		s->r[s->n] = *r;
		s->r[s->n].error = s->error[s->n];
		s->r[s->n].url = NULL;
		s->n++;
	}
}

/* Fetch (one source, or all), with reports in *out (strings copied). */
static void
fetch(struct store *st, enum river_which which, int64_t id, int64_t now,
      struct seen *out)
{
	struct river_opts o = {.site_url = "https://news.example",
	                       .report = note,
	                       .report_arg = out};
	struct error e;
	int n;

	memset(out, 0, sizeof(*out));
	if (river_fetch(st, &o, which, id, now, &n, &e) == -1)
		fail_msg("river_fetch: %s", e.msg);
	assert_int_equal(n, out->n);
}

static void
allow_private(struct store *st)
{
	struct error e;

	if (store_setting_set(st, "feeds_allow_private", "1", &e) == -1)
		fail_msg("setting: %s", e.msg);
}

static void
loopback_refused_by_default(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	int64_t id;
	struct river_source src;
	struct seen s;
	struct error e;

	need_server();
	id = follow(st, a, "/feed");
	fetch(st, RIVER_ONE, id, NOW, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.r[0].status, 0);
	if (strstr(s.r[0].error, "feeds_allow_private") == NULL)
		fail_msg("error: %s", s.r[0].error);
	assert_int_equal(store_river_source_get(st, a, id, &src, &e), 0);
	assert_int_equal(src.errors, 1);
	assert_int_equal(src.next_fetch_at, NOW + feed_backoff(1));
	arena_free(a);
}

static void
fetch_then_304(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	struct river_source src;
	struct river_entry *en;
	struct river_query q = {.limit = 10};
	struct seen s;
	struct error e;
	size_t n;
	int64_t id;

	need_server();
	allow_private(st);
	id = follow(st, a, "/feed");
	fetch(st, RIVER_ALL, 0, NOW, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.r[0].status, 200);
	assert_int_equal(s.r[0].added, 1);
	assert_string_equal(s.r[0].error, "");
	assert_int_equal(store_river_source_get(st, a, id, &src, &e), 0);
	assert_string_equal(src.etag, "W/\"v1-\\\"quoted\\\"\"");
	assert_string_equal(src.last_modified, "Sat, 05 Dec 2026 10:00:00 GMT");
	assert_string_equal(src.name, "T"); /* the feed's title */
	/* max-age=7200 and <ttl>120</ttl>, over the 1 h interval */
	assert_int_equal(src.next_fetch_at, NOW + 7200);
	assert_int_equal(store_river_page(st, a, &q, &en, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(en[0].title, "One");
	assert_string_equal(en[0].link, "https://x.example/1");
	assert_int_equal(en[0].published_at, NOW); /* undated: first seen */
	/* due again: a conditional GET, a 304, nothing new */
	fetch(st, RIVER_DUE, 0, NOW + 7200, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.r[0].status, 304);
	assert_int_equal(s.r[0].added, 0);
	/* not due: nothing fetched */
	fetch(st, RIVER_DUE, 0, NOW + 7201, &s);
	assert_int_equal(s.n, 0);
	arena_free(a);
}

static void
gone_error_redirect(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	struct river_source src;
	struct seen s;
	struct error e;
	int64_t gone, broken, moved;

	need_server();
	allow_private(st);
	follow(st, a, "/feed");
	gone = follow(st, a, "/410");
	broken = follow(st, a, "/500");
	moved = follow(st, a, "/301");
	for (int i = 0; i < LIM_FEED_PERMANENT_REDIRECTS; i++)
		fetch(st, RIVER_ONE, moved, NOW + i, &s);
	assert_string_equal(s.r[0].error, ""); /* 200, then 304s */
	/* /feed is followed already: the source stays where it was */
	assert_int_equal(store_river_source_get(st, a, moved, &src, &e), 0);
	assert_string_equal(src.url, url(a, "/301"));
	fetch(st, RIVER_ALL, 0, NOW, &s);
	assert_int_equal(s.n, 4);
	assert_int_equal(store_river_source_get(st, a, gone, &src, &e), 0);
	assert_int_equal(src.enabled, 0);
	assert_int_equal(src.last_status, 410);
	assert_int_equal(store_river_source_get(st, a, broken, &src, &e), 0);
	assert_int_equal(src.errors, 1);
	assert_string_equal(src.last_error, "HTTP 500");
	assert_int_equal(src.next_fetch_at, NOW + feed_backoff(1));
	/* a disabled feed is left out of every batch */
	fetch(st, RIVER_ALL, 0, NOW, &s);
	assert_int_equal(s.n, 3);
	arena_free(a);
}

static void
filters_hide(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	struct river_entry *en;
	struct river_query q = {.limit = 10};
	struct seen s;
	struct error e;
	size_t n;
	int64_t id;

	need_server();
	allow_private(st);
	id = follow(st, a, "/feed");
	assert_int_equal(store_river_filter_add(st, id, "ONE", NOW, NULL, &e),
	                 0);
	fetch(st, RIVER_ONE, id, NOW, &s);
	assert_int_equal(s.r[0].status, 200);
	assert_int_equal(s.r[0].added, 0);
	assert_int_equal(store_river_page(st, a, &q, &en, &n, &e), 0);
	assert_int_equal(n, 0);
	arena_free(a);
}

static int64_t
follow_page(struct store *st, struct arena *a, const char *path)
{
	return add_source(st, a, path, 1);
}

static void
page_leads_to_its_feed(void **state)
{
	struct store *st = *state;
	struct arena *a = arena_new();
	struct river_source src;
	struct seen s;
	struct error e;
	int64_t page, plain, again, page_kept;

	need_server();
	allow_private(st);
	page = follow_page(st, a, "/page");
	plain = follow_page(st, a, "/plain");
	/* without the flag a page is only not a feed */
	page_kept = follow(st, a, "/page?kept");
	fetch(st, RIVER_ALL, 0, NOW, &s);
	assert_int_equal(s.n, 3);
	/* the page: moved to the feed it announces, due at once */
	assert_int_equal(store_river_source_get(st, a, page, &src, &e), 0);
	assert_string_equal(src.url, url(a, "/feed"));
	assert_int_equal(src.discover, 0);
	assert_int_equal(src.errors, 0);
	assert_string_equal(src.last_error, "");
	assert_int_equal(src.next_fetch_at, NOW);
	assert_string_equal(src.etag, "");
	/* a page announcing none: an error, backed off, looked at again */
	assert_int_equal(store_river_source_get(st, a, plain, &src, &e), 0);
	assert_int_equal(src.discover, 1);
	assert_int_equal(src.errors, 1);
	assert_non_null(strstr(src.last_error,
	                       "not a feed, and no feed announced there"));
	assert_int_equal(src.next_fetch_at, NOW + feed_backoff(1));
	assert_int_equal(store_river_source_get(st, a, page_kept, &src, &e), 0);
	assert_string_equal(src.url, url(a, "/page?kept"));
	assert_non_null(strstr(src.last_error, "not a feed: "));
	/* the feed itself, next: its headline and its title */
	fetch(st, RIVER_DUE, 0, NOW, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.r[0].status, 200);
	assert_int_equal(s.r[0].added, 1);
	assert_int_equal(store_river_source_get(st, a, page, &src, &e), 0);
	assert_string_equal(src.name, "T");
	/* another page announcing that feed: disabled, not a second copy */
	again = follow_page(st, a, "/page?again");
	fetch(st, RIVER_ONE, again, NOW, &s);
	assert_int_equal(store_river_source_get(st, a, again, &src, &e), 0);
	assert_string_equal(src.url, url(a, "/page?again"));
	assert_int_equal(src.enabled, 0);
	assert_non_null(strstr(src.last_error, "is followed already"));
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(loopback_refused_by_default,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(fetch_then_304, mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(gone_error_redirect,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(filters_hide, mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(page_leads_to_its_feed,
	                                        mem_store_setup,
	                                        mem_store_teardown),
	};

	return cmocka_run_group_tests(tests, start, stop);
}
