/*
 * views/views.h: counting (one per address per post per window, bots
 * not counted, nothing for unknown, draft or scheduled posts), the flush
 * (one row per post per day, the total, nothing when idle), and popular
 * in a window.  A store on ":memory:" with posts added through the store;
 * the clock set through GAZETTE_NOW, as the server's is.  The flush's rows
 * are counted in a database file, read with SQLite directly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/views.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/limits.h"
#include "views/views.h"
#include "tmp_site.h"
#include "set_clock.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* 2022-04-27T00:00:00Z, one day, and the clock of most tests: noon ten
 * days later, so posts dated T0 are published and far from midnight. */
#define T0  INT64_C(1651017600)
#define DAY INT64_C(86400)
#define NOW (T0 + 10 * DAY + 12 * 3600)

#define CHROME                                                                 \
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "     \
	"Gecko) Chrome/120.0.0.0 Safari/537.36"

struct fixture {
	struct store *st;
	struct views *v;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct error e;

	set_clock(NOW);
	f->st = store_open(":memory:", 1, &e);
	if (f->st == NULL) {
		print_error("store_open: %s\n", e.msg);
		free(f);
		return -1;
	}
	f->v = views_new(f->st, &e);
	*state = f;
	return f->v == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	views_free(f->v);
	store_close(f->st);
	free(f);
	real_clock();
	return 0;
}

static int64_t
add_post(struct store *s, enum post_type type, enum post_status status,
         const char *slug, int64_t published_at)
{
	struct post p = tmp_site_post_in(type, status, slug, published_at);
	struct error e;
	int64_t id = 0;

	if (store_post_add(s, &p, &id, &e) != 0)
		fail_msg("store_post_add(\"%s\"): %s", slug, e.msg);
	assert_true(id > 0);
	return id;
}

static int64_t
published(struct store *s, const char *slug)
{
	return add_post(s, POST_POST, POST_PUBLISHED, slug, T0);
}

/* One hit that must succeed; returns counted, *total the answer. */
static int
hit(struct views *v, int64_t id, const char *ip, const char *ua, int64_t *total)
{
	struct error e;
	int64_t t = -1;
	int counted = -1;

	if (views_hit(v, id, ip, ua, &t, &counted, &e) != 0)
		fail_msg("views_hit(%lld, %s): %s", (long long)id, ip, e.msg);
	assert_true(counted == 0 || counted == 1);
	if (total != NULL)
		*total = t;
	return counted;
}

static int64_t
stored_total(struct store *s, int64_t id)
{
	struct arena *a = arena_new();
	struct post p;
	struct error e;
	int64_t n;

	if (store_post_get(s, a, id, &p, &e) != 0)
		fail_msg("store_post_get(%lld): %s", (long long)id, e.msg);
	n = p.views_total;
	arena_free(a);
	return n;
}

static void
flush(struct views *v)
{
	struct error e;

	if (views_flush(v, &e) != 0)
		fail_msg("views_flush: %s", e.msg);
}

/* ---- counting ------------------------------------------------------------ */

static void
counts_once_per_ip_per_post(void **state)
{
	struct fixture *f = *state;
	int64_t a = published(f->st, "a"), b = published(f->st, "b"), total;

	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, &total), 1);
	assert_int_equal(total, 1);
	/* the repeat answers the total, without counting */
	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, &total), 0);
	assert_int_equal(total, 1);
	/* another address counts; the same address on another post too */
	assert_int_equal(hit(f->v, a, "192.0.2.2", CHROME, &total), 1);
	assert_int_equal(total, 2);
	assert_int_equal(hit(f->v, b, "192.0.2.1", CHROME, &total), 1);
	assert_int_equal(total, 1);
	/* the total includes what is not flushed yet */
	assert_int_equal(views_total(f->v, a, stored_total(f->st, a)), 2);
	assert_int_equal(stored_total(f->st, a), 0);
	flush(f->v);
	assert_int_equal(stored_total(f->st, a), 2);
	assert_int_equal(stored_total(f->st, b), 1);
	assert_int_equal(views_total(f->v, a, 2), 2);
	/* after the flush, the repeat is still a repeat, with the total */
	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, &total), 0);
	assert_int_equal(total, 2);
	assert_int_equal(hit(f->v, a, "192.0.2.3", CHROME, &total), 1);
	assert_int_equal(total, 3);
}

static void
ipv6_counts_per_64(void **state)
{
	struct fixture *f = *state;
	int64_t a = published(f->st, "a");

	assert_int_equal(hit(f->v, a, "2001:db8::1", CHROME, NULL), 1);
	/* the same /64 */
	assert_int_equal(hit(f->v, a, "2001:db8::2", CHROME, NULL), 0);
	assert_int_equal(hit(f->v, a, "2001:db8:0:0:ffff::9", CHROME, NULL), 0);
	/* another /64 */
	assert_int_equal(hit(f->v, a, "2001:db8:0:1::1", CHROME, NULL), 1);
	/* IPv4 whole, also written as IPv4-mapped IPv6 */
	assert_int_equal(hit(f->v, a, "198.51.100.7", CHROME, NULL), 1);
	assert_int_equal(hit(f->v, a, "::ffff:198.51.100.7", CHROME, NULL), 0);
	assert_int_equal(hit(f->v, a, "198.51.100.8", CHROME, NULL), 1);
	/* no address: counted once, as one */
	assert_int_equal(hit(f->v, a, "", CHROME, NULL), 1);
	assert_int_equal(hit(f->v, a, "", CHROME, NULL), 0);
}

static void
user_agents(void **state)
{
	static const struct {
		const char *ua;
		int bot;
	} t[] = {
		{NULL, 1},
		{"", 1},
		{"node", 1}, /* Node's fetch (undici) */
		{"curl/7.88.1", 1},
		{"Wget/1.21.3", 1},
		{"python-requests/2.31.0", 1},
		{"Go-http-client/1.1", 1},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; "
	         "+http://www.google.com/bot.html)",
	         1},
		{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; "
	         "compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) "
	         "Chrome/116.0.1938.76 Safari/537.36",
	         1},
		{"Mozilla/5.0 (compatible; Yahoo! Slurp; "
	         "http://help.yahoo.com/help/us/ysearch/slurp)",
	         1},
		{"Mozilla/5.0 (compatible; Baiduspider/2.0)", 1},
		{"facebookexternalhit/1.1 "
	         "(+http://www.facebook.com/externalhit_uatext.php)",
	         1},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	         "(KHTML, like Gecko) BingPreview/1.0b",
	         1},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, "
	         "like Gecko) HeadlessChrome/120.0.6099.224 Safari/537.36",
	         1},
		{"Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, "
	         "like Gecko) PhantomJS/2.1.1 Safari/538.1",
	         1},
		{"Mozilla/5.0 (Linux; Android 11; moto g power (2022)) "
	         "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 "
	         "Mobile Safari/537.36 Chrome-Lighthouse",
	         1},
		{"Mozilla/5.0 (compatible; ia_archiver-web.archive.org)", 1},
		/* browsers */
		{CHROME, 0},
		{"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 "
	         "Firefox/121.0",
	         0},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) "
	         "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
	         "Mobile/15E148 Safari/604.1",
	         0},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	         "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
	         "Edg/120.0.0.0",
	         0},
	};
	struct fixture *f = *state;
	int64_t a = published(f->st, "a"), total;
	char ip[32];

	for (size_t i = 0; i < NELEM(t); i++) {
		if (views_is_bot(t[i].ua) != t[i].bot)
			fail_msg("views_is_bot(\"%s\") is %d", t[i].ua,
			         !t[i].bot);
		/* each from its own address, so only the UA decides */
		snprintf(ip, sizeof(ip), "203.0.113.%zu", i + 1);
		assert_int_equal(hit(f->v, a, ip, t[i].ua, NULL), !t[i].bot);
	}
	{
		/* longer than any browser's */
		char long_ua[2048];

		memset(long_ua, 'a', sizeof(long_ua) - 1);
		long_ua[sizeof(long_ua) - 1] = '\0';
		memcpy(long_ua, "Mozilla/5.0 ", 12);
		assert_int_equal(views_is_bot(long_ua), 1);
		long_ua[900] = '\0';
		assert_int_equal(views_is_bot(long_ua), 0);
		memcpy(long_ua + 800, "SomeBOT", 7);
		assert_int_equal(views_is_bot(long_ua), 1);
	}
	/* a bot's beacon answers the total all the same */
	assert_int_equal(hit(f->v, a, "203.0.113.200", "curl/8.0", &total), 0);
	assert_int_equal(total, 4);
}

static void
unknown_draft_scheduled_not_found(void **state)
{
	struct fixture *f = *state;
	int64_t draft = add_post(f->st, POST_POST, POST_DRAFT, "draft", T0);
	int64_t pending = add_post(f->st, POST_POST, POST_PENDING, "pend", T0);
	int64_t later =
		add_post(f->st, POST_POST, POST_PUBLISHED, "later", NOW + DAY);
	int64_t sched =
		add_post(f->st, POST_POST, POST_SCHEDULED, "sched", NOW - DAY);
	int64_t page = add_post(f->st, POST_PAGE, POST_PUBLISHED, "about", T0);
	const int64_t ids[] = {draft, pending, later, sched, page + 1000};
	uint64_t gen;
	struct error e;
	int64_t total = -1;
	int counted = -1;

	for (size_t i = 0; i < NELEM(ids); i++) {
		error_clear(&e);
		assert_int_equal(views_hit(f->v, ids[i], "192.0.2.1", CHROME,
		                           &total, &counted, &e),
		                 -1);
		assert_int_equal(e.code, ERR_NOT_FOUND);
		assert_int_equal(counted, 0);
		/* and again: from what is remembered */
		assert_int_equal(views_hit(f->v, ids[i], "192.0.2.2", CHROME,
		                           &total, &counted, &e),
		                 -1);
		assert_int_equal(e.code, ERR_NOT_FOUND);
	}
	/* nothing was counted: the flush writes nothing */
	gen = store_generation(f->st);
	flush(f->v);
	assert_int_equal(store_generation(f->st), gen);
	for (size_t i = 0; i < NELEM(ids) - 1; i++)
		assert_int_equal(stored_total(f->st, ids[i]), 0);
	/* a published page counts (it has a page of its own) */
	assert_int_equal(hit(f->v, page, "192.0.2.1", CHROME, NULL), 1);
	/* the scheduled-by-date post counts once its time has come */
	set_clock(NOW + DAY + 60);
	assert_int_equal(hit(f->v, later, "192.0.2.1", CHROME, NULL), 1);
}

/* ---- the window ---------------------------------------------------------- */

static void
window_boundary(void **state)
{
	struct fixture *f = *state;
	int64_t a = published(f->st, "a"), total;

	set_clock(NOW);
	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, NULL), 1);
	/* a few seconds of margin: the clock advances while the test runs */
	set_clock(NOW + LIM_VIEW_WINDOW_SECONDS - 5);
	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, NULL), 0);
	set_clock(NOW + LIM_VIEW_WINDOW_SECONDS + 5);
	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, &total), 1);
	assert_int_equal(total, 2);
	/* and a new window starts at that view */
	set_clock(NOW + 2 * LIM_VIEW_WINDOW_SECONDS);
	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, NULL), 0);
	set_clock(NOW + 3 * LIM_VIEW_WINDOW_SECONDS + 10);
	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, &total), 1);
	assert_int_equal(total, 3);
}

/*
 * More addresses within a window than LIM_VIEW_TRACKED: the oldest are
 * forgotten (and may count again), the newest never.
 */
static void
full_table_forgets_the_oldest(void **state)
{
	struct fixture *f = *state;
	int64_t a = published(f->st, "a"), total;
	char ip[32];
	int64_t n = LIM_VIEW_TRACKED;

	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, NULL), 1);
	for (int64_t i = 0; i < n; i++) {
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", (int)(i >> 16 & 255),
		         (int)(i >> 8 & 255), (int)(i & 255));
		if (hit(f->v, a, ip, CHROME, NULL) != 1)
			fail_msg("%s did not count", ip);
	}
	/* the newest is remembered; the first has been forgotten */
	assert_int_equal(hit(f->v, a, ip, CHROME, NULL), 0);
	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, &total), 1);
	assert_int_equal(total, n + 2);
}

/*
 * Views wait for the flush in one row per (post, day): at
 * LIM_VIEW_PENDING rows further views are not counted (nor answered as
 * counted), and once a flush has emptied the table they count again.  A
 * reader a day for LIM_VIEW_PENDING days fills it with one post.
 */
static void
full_pending_table_stops_counting(void **state)
{
	struct fixture *f = *state;
	int64_t a = published(f->st, "a"), total = 0, day;

	for (day = 0; day < LIM_VIEW_PENDING; day++) {
		set_clock(NOW + day * DAY);
		if (hit(f->v, a, "192.0.2.1", CHROME, NULL) != 1)
			fail_msg("day %lld did not count", (long long)day);
	}
	set_clock(NOW + day * DAY);
	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, &total), 0);
	assert_int_equal(total, LIM_VIEW_PENDING);
	assert_int_equal(hit(f->v, a, "192.0.2.2", CHROME, &total), 0);
	flush(f->v);
	assert_int_equal(stored_total(f->st, a), LIM_VIEW_PENDING);
	assert_int_equal(hit(f->v, a, "192.0.2.2", CHROME, &total), 1);
	assert_int_equal(total, LIM_VIEW_PENDING + 1);
}

/* ---- flush --------------------------------------------------------------- */

static int64_t
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
flush_writes_one_row_per_post_per_day(void **state)
{
	struct tmp_site t;
	char ip[32];
	struct store *st;
	struct views *v;
	struct error e;
	sqlite3 *db;
	int64_t a, b, day = time_day(NOW);
	uint64_t gen, clock0;

	SQLITE_ONLY();
	(void)state;
	st = tmp_site_open(&t, "views");
	v = views_new(st, &e);
	assert_non_null(v);
	a = published(st, "a");
	b = published(st, "b");

	/* nothing pending: no write, the generation (page caches) stays */
	gen = store_generation(st);
	flush(v);
	assert_int_equal(store_generation(st), gen);

	for (int i = 0; i < 30; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%d", i + 1);
		assert_int_equal(hit(v, a, ip, CHROME, NULL), 1);
		if (i < 12)
			assert_int_equal(hit(v, b, ip, CHROME, NULL), 1);
		/* repeats and bots change nothing */
		assert_int_equal(hit(v, a, ip, CHROME, NULL), 0);
		assert_int_equal(hit(v, a, ip, "curl/8.0", NULL), 0);
	}
	clock0 = store_post_clock(st);
	flush(v);
	/* a flush writes, but neither the generation nor any post's version
	 * moves: views never empty the page cache (issue 12) */
	assert_int_equal(store_generation(st), gen);
	assert_int_equal(store_post_clock(st), clock0);
	assert_true(store_post_version(st, a) <= clock0);
	/* a second flush with nothing new writes nothing */
	gen = store_generation(st);
	flush(v);
	assert_int_equal(store_generation(st), gen);
	/* the next day: a bucket of its own */
	set_clock(NOW + DAY);
	assert_int_equal(hit(v, a, "198.51.100.1", CHROME, NULL), 1);
	assert_int_equal(hit(v, a, "198.51.100.2", CHROME, NULL), 1);
	/* views_free flushes what is pending */
	views_free(v);

	assert_int_equal(stored_total(st, a), 32);
	assert_int_equal(stored_total(st, b), 12);
	store_close(st);

	assert_int_equal(sqlite3_open_v2(t.db, &db, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	assert_int_equal(query_int(db, "SELECT count(*) FROM post_views"), 3);
	{
		char sql[256];

		snprintf(sql, sizeof(sql),
		         "SELECT n FROM post_views WHERE post_id = %lld "
		         "AND day = %lld",
		         (long long)a, (long long)day);
		assert_int_equal(query_int(db, sql), 30);
		snprintf(sql, sizeof(sql),
		         "SELECT n FROM post_views WHERE post_id = %lld "
		         "AND day = %lld",
		         (long long)a, (long long)day + 1);
		assert_int_equal(query_int(db, sql), 2);
		snprintf(sql, sizeof(sql),
		         "SELECT n FROM post_views WHERE post_id = %lld "
		         "AND day = %lld",
		         (long long)b, (long long)day);
		assert_int_equal(query_int(db, sql), 12);
	}
	sqlite3_close(db);
	tmp_site_remove(&t);
}

/*
 * What is remembered of a post follows the database: a scheduled post
 * that comes due counts, and one unpublished by another process (seen
 * through store_watch) stops counting, with its views kept.
 */
static void
post_changes_are_seen(void **state)
{
	struct tmp_site t;
	char sql[128];
	struct store *st;
	struct views *v;
	struct error e;
	sqlite3 *db;
	int64_t a, sched, n, total;
	uint64_t gen;
	int counted;
	struct timespec pause = {0, 20 * 1000 * 1000};

	SQLITE_ONLY();
	(void)state;
	st = tmp_site_open(&t, "views");
	assert_int_equal(store_watch(st, &e), 0);
	v = views_new(st, &e);
	assert_non_null(v);
	a = published(st, "a");
	sched = add_post(st, POST_POST, POST_SCHEDULED, "sched", NOW - 60);

	assert_int_equal(views_hit(v, sched, "192.0.2.1", CHROME, &total,
	                           &counted, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(store_publish_due(st, clock_now(), &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hit(v, sched, "192.0.2.1", CHROME, NULL), 1);

	assert_int_equal(hit(v, a, "192.0.2.1", CHROME, NULL), 1);
	flush(v);
	gen = store_generation(st);
	assert_int_equal(sqlite3_open_v2(t.db, &db, SQLITE_OPEN_READWRITE,
	                                 NULL),
	                 SQLITE_OK);
	snprintf(sql, sizeof(sql),
	         "UPDATE posts SET status = 'draft' WHERE id = %lld",
	         (long long)a);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	for (int i = 0; i < 250 && store_generation(st) == gen; i++)
		nanosleep(&pause, NULL);
	assert_true(store_generation(st) != gen);
	error_clear(&e);
	assert_int_equal(views_hit(v, a, "192.0.2.2", CHROME, &total, &counted,
	                           &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(counted, 0);
	views_free(v);
	assert_int_equal(stored_total(st, a), 1);
	assert_int_equal(stored_total(st, sched), 1);
	store_close(st);
	tmp_site_remove(&t);
}

/* The flush thread writes within a second or two, unprompted. */
static void
flush_thread_writes(void **state)
{
	struct fixture *f = *state;
	int64_t a = published(f->st, "a");
	struct error e;
	struct timespec pause = {0, 50 * 1000 * 1000};

	assert_int_equal(views_start(f->v, &e), 0);
	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, NULL), 1);
	for (int i = 0; i < 100 && stored_total(f->st, a) == 0; i++)
		nanosleep(&pause, NULL);
	assert_int_equal(stored_total(f->st, a), 1);
}

/* A flood of ids that are not posts stays within LIM_VIEW_POSTS and does
 * not stop a real post from counting. */
static void
many_unknown_ids(void **state)
{
	struct fixture *f = *state;
	int64_t a = published(f->st, "a"), total;
	struct error e;
	int counted;

	assert_int_equal(hit(f->v, a, "192.0.2.1", CHROME, NULL), 1);
	for (int64_t id = 1000; id < 1000 + LIM_VIEW_POSTS + 100; id++)
		assert_int_equal(views_hit(f->v, id, "192.0.2.1", CHROME,
		                           &total, &counted, &e),
		                 -1);
	assert_int_equal(hit(f->v, a, "192.0.2.2", CHROME, &total), 1);
	assert_int_equal(total, 2);
	flush(f->v);
	assert_int_equal(stored_total(f->st, a), 2);
}

/* ---- popular ------------------------------------------------------------- */

static void
add_views(struct store *s, int64_t id, int64_t day, int64_t n)
{
	struct error e;

	if (store_views_add(s, id, day, n, &e) != 0)
		fail_msg("store_views_add: %s", e.msg);
}

static void
expect_popular(struct views *v, int days, int limit, const int64_t *ids,
               const int64_t *counts, size_t n)
{
	struct arena *a = arena_new();
	struct popular *p;
	struct error e;
	size_t got;

	if (views_popular(v, a, days, limit, &p, &got, &e) != 0)
		fail_msg("views_popular(%d, %d): %s", days, limit, e.msg);
	if (got != n)
		fail_msg("views_popular(%d, %d): %zu posts, expected %zu", days,
		         limit, got, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(p[i].post.id, ids[i]);
		assert_int_equal(p[i].views, counts[i]);
		assert_non_null(p[i].post.title);
		assert_non_null(p[i].post.excerpt);
		assert_int_equal(p[i].post.type, POST_POST);
	}
	arena_free(a);
}

static void
popular_window_and_order(void **state)
{
	struct fixture *f = *state;
	struct store *s = f->st;
	int64_t today = time_day(NOW);
	int64_t a = published(s, "a"), b = published(s, "b");
	int64_t c = published(s, "c"), d = published(s, "d");
	int64_t draft = add_post(s, POST_POST, POST_DRAFT, "draft", T0);
	int64_t page = add_post(s, POST_PAGE, POST_PUBLISHED, "about", T0);

	/* a: many views long ago, few lately */
	add_views(s, a, today - 100, 500);
	add_views(s, a, today - 90, 40); /* just outside 90 days */
	add_views(s, a, today - 1, 1);
	add_views(s, b, today - 89, 5); /* the first day inside */
	add_views(s, c, today, 7);
	add_views(s, c, today - 30, 2);
	add_views(s, d, today - 3, 5); /* ties with b: the newer first */
	add_views(s, draft, today, 1000);
	add_views(s, page, today, 1000);
	{
		const int64_t ids[] = {c, d, b, a}, n[] = {9, 5, 5, 1};

		expect_popular(f->v, 90, 10, ids, n, 4);
	}
	{
		const int64_t ids[] = {c, d}, n[] = {9, 5};

		expect_popular(f->v, 90, 2, ids, n, 2);
	}
	{
		const int64_t ids[] = {a, c, d, b}, n[] = {541, 9, 5, 5};

		expect_popular(f->v, 120, 10, ids, n, 4);
	}
	{
		const int64_t ids[] = {c}, n[] = {7};

		expect_popular(f->v, 1, 10, ids, n, 1);
	}
}

static void
popular_cached_for_a_minute(void **state)
{
	struct fixture *f = *state;
	int64_t today = time_day(NOW);
	int64_t a = published(f->st, "a"), b = published(f->st, "b");

	add_views(f->st, a, today, 3);
	add_views(f->st, b, today, 2);
	{
		const int64_t ids[] = {a, b}, n[] = {3, 2};

		expect_popular(f->v, 90, 10, ids, n, 2);
	}
	add_views(f->st, b, today, 5);
	{
		/* within the minute: the list as it was, whatever the limit */
		const int64_t ids[] = {a, b}, n[] = {3, 2};

		expect_popular(f->v, 90, 10, ids, n, 2);
		expect_popular(f->v, 90, 1, ids, n, 1);
	}
	{
		/* another window is a list of its own */
		const int64_t ids[] = {b, a}, n[] = {7, 3};

		expect_popular(f->v, 30, 10, ids, n, 2);
	}
	set_clock(NOW + VIEWS_POPULAR_SECONDS + 1);
	{
		const int64_t ids[] = {b, a}, n[] = {7, 3};

		expect_popular(f->v, 90, 10, ids, n, 2);
	}
}

static void
popular_bad_arguments(void **state)
{
	static const int t[][2] = {
		{0, 10}, {-1, 10}, {LIM_POPULAR_DAYS + 1, 10},
		{90, 0}, {90, -5}, {90, LIM_POPULAR_LIMIT + 1},
	};
	struct fixture *f = *state;
	struct arena *a = arena_new();
	struct popular *p;
	struct error e;
	size_t n;

	for (size_t i = 0; i < NELEM(t); i++) {
		error_clear(&e);
		assert_int_equal(views_popular(f->v, a, t[i][0], t[i][1], &p,
		                               &n, &e),
		                 -1);
		assert_int_equal(e.code, ERR_INVALID);
	}
	assert_int_equal(views_popular(f->v, a, LIM_POPULAR_DAYS,
	                               LIM_POPULAR_LIMIT, &p, &n, &e),
	                 0);
	assert_int_equal(n, 0);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(counts_once_per_ip_per_post,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(ipv6_counts_per_64, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(user_agents, setup, teardown),
		cmocka_unit_test_setup_teardown(
			unknown_draft_scheduled_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(window_boundary, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(
			full_pending_table_stops_counting, setup, teardown),
		cmocka_unit_test_setup_teardown(full_table_forgets_the_oldest,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(
			flush_writes_one_row_per_post_per_day, setup, teardown),
		cmocka_unit_test_setup_teardown(post_changes_are_seen, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(flush_thread_writes, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(many_unknown_ids, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(popular_window_and_order, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(popular_cached_for_a_minute,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(popular_bad_arguments, setup,
	                                        teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
