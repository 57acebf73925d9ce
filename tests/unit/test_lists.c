/*
 * The lists a reader pages through (store_lists.c) against the queries
 * they replaced: every page of every list, at several "now"s, must hold
 * the posts LIMIT/OFFSET over the whole list gave, and the total must be
 * what count(*) gave, on a site with sticky, protected, scheduled, draft,
 * trashed and future posts, posts in the same second, sections, tags and
 * several months and years.  Then the site is changed every way a post
 * can leave or join a list, and it all must still agree, with the counts
 * equal to a recount (counts_check.h).  On both engines (test_lists_pg):
 * the old queries are read through the driver (store/db.h), and the
 * changes only an import makes are written on the store's own writer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/site.h"
#include "store/internal.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/error.h"
#include "tmp_site.h"
#include "counts_check.h"
#include "util/banned.h"

/* 2022-04-27T00:00:00Z and one day. */
#define T0    INT64_C(1651017600)
#define DAY   INT64_C(86400)
#define POSTS 420

/* The queries store_lists.c replaced, as they were (ids only; their
 * extra parameters are ?3 and ?4, since PostgreSQL cannot type one the
 * SQL never names). */
#define OLD_LISTED                                                             \
	"FROM posts p WHERE p.type = ?1 AND p.status = 'published' "           \
	"AND p.published_at <= ?2 AND p.password = '' "
#define OLD_NEWEST "ORDER BY p.published_at DESC, p.id DESC "
#define OLD_TAG                                                                \
	"AND p.id IN (SELECT pt.post_id FROM post_tags pt JOIN tags t "        \
	"ON t.id = pt.tag_id WHERE t.slug = ?3) "
static const char *const old_list[] = {
	"SELECT p.id " OLD_LISTED
	"ORDER BY p.sticky DESC, p.published_at DESC, p.id DESC",
	"SELECT p.id " OLD_LISTED "AND p.section_id = ?3 " OLD_NEWEST,
	"SELECT p.id " OLD_LISTED "AND p.section_id = ?3 "
	"ORDER BY p.activity_at DESC, p.id DESC",
	"SELECT p.id " OLD_LISTED OLD_TAG OLD_NEWEST,
	"SELECT p.id " OLD_LISTED
	"AND p.published_at >= ?3 AND p.published_at < ?4 " OLD_NEWEST,
};
enum { OLD_ALL, OLD_SECTION, OLD_ACTIVITY, OLD_TAG_, OLD_RANGE };

static struct tmp_site site;
static struct store *store;
static int64_t sections[3];
static const char *const tag_names[] = {"red", "green", "blue", "rare", "none"};

/* A deterministic sequence, so a failure can be replayed. */
static uint32_t
next_rand(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

/* SQL only an import would run, on the store's writer (whose SQLite
 * connection has the search index's tokenizer, which its triggers need);
 * what readers hold goes, as after another process's commit. */
static void
raw_exec(const char *sql)
{
	struct conn *w = writer_lock(store);
	struct error e;
	int rc = db_exec(w->d, sql, NULL, &e);

	writer_unlock(store);
	if (rc != 0)
		fail_msg("%s: %s", sql, e.msg);
	store_generation_bump(store);
}

/* A connection of its own for the old queries. */
static struct db *
old_open(void)
{
	struct error e;
	struct db *db = db_open(site.db, &e);

	if (db == NULL)
		fail_msg("%s", e.msg);
	return db;
}

static struct db_stmt *
old_prepare(struct db *db, const char *sql)
{
	struct error e;
	struct db_stmt *st = db_prepare(db, sql, &e);

	if (st == NULL)
		fail_msg("%s: %s", sql, e.msg);
	return st;
}

/* The next row of st: 1, or 0 at the end (an error fails the test). */
static int
old_row(struct db_stmt *st)
{
	struct error e;
	int rc = db_step(st, "old query", &e);

	if (rc == -1)
		fail_msg("%s", e.msg);
	return rc;
}

static int
seed(void **state)
{
	struct arena *a = arena_new();
	struct error e;
	uint32_t x = 12;

	(void)state;
	store = tmp_site_open(&site, "lists");
	assert_int_equal(store_begin(store, &e), 0);
	for (int i = 0; i < 3; i++) {
		struct section sec = {.slug = arena_printf(a, "s%d", i),
		                      .name = arena_printf(a, "S%d", i),
		                      .kind = i == 1 ? SECTION_DISCUSSION
		                                     : SECTION_POSTS};

		assert_int_equal(store_section_add(store, &sec, &sections[i],
		                                   &e),
		                 0);
	}
	for (int i = 0; i < POSTS; i++) {
		uint32_t r = next_rand(&x);
		struct post p;
		const char *tags[3];
		int64_t id;

		memset(&p, 0, sizeof(p));
		p.type = r % 10 == 0 ? POST_EPISODE : POST_POST;
		p.status = r % 25 == 1   ? POST_SCHEDULED
		           : r % 25 == 2 ? POST_DRAFT
		           : r % 50 == 3 ? POST_TRASH
		                         : POST_PUBLISHED;
		p.slug = arena_printf(a, "p%d", i);
		p.title = p.slug;
		p.body_src = "b";
		p.body_html = "<p>b</p>";
		p.comments_open = 1;
		/* three to a second, 13 hours apart: about 76 days, and a
		 * few a year and more before */
		p.published_at = T0 + (i / 3) * 13 * 3600;
		if (r % 40 == 5)
			p.published_at = T0 - 400 * DAY + i * 3600;
		p.sticky = r % 29 == 4;
		p.section_id = r % 4 == 3 ? 0 : sections[r % 3];
		p.ntags = 0;
		tags[p.ntags++] = tag_names[r % 3];
		if (r % 7 == 0)
			tags[p.ntags++] = "rare";
		p.tags = tags;
		assert_int_equal(store_post_add(store, &p, &id, &e), 0);
		if (r % 9 == 0)
			tmp_site_comment(store, id, COMMENT_APPROVED,
			                 p.published_at + (r % 11) * 5 * DAY);
	}
	assert_int_equal(store_commit(store, &e), 0);
	/* Passwords come from imports; the admin cannot set one. */
	raw_exec("UPDATE posts SET password = 'pw' WHERE id % 23 = 0");
	arena_free(a);
	return 0;
}

static int
unseed(void **state)
{
	(void)state;
	tmp_site_close(&site, store);
	return 0;
}

/* The old query's ids for q, from offset on (all of them). */
static size_t
old_ids(struct db *db, const struct post_query *q, int64_t *ids, size_t max,
        int64_t *total)
{
	int k = q->tag_slug != NULL ? OLD_TAG_
	        : q->to != 0        ? OLD_RANGE
	        : q->section_id != 0
	                ? (q->by_activity ? OLD_ACTIVITY : OLD_SECTION)
	                : OLD_ALL;
	struct db_stmt *st = old_prepare(db, old_list[k]);
	size_t n = 0;

	db_bind_text(st, 1, post_type_names[q->type], -1);
	db_bind_int64(st, 2, q->now);
	if (k == OLD_TAG_)
		db_bind_text(st, 3, q->tag_slug, -1);
	else if (k == OLD_RANGE) {
		db_bind_int64(st, 3, q->from);
		db_bind_int64(st, 4, q->to);
	} else if (k != OLD_ALL)
		db_bind_int64(st, 3, q->section_id);
	while (old_row(st) == 1) {
		assert_true(n < max);
		ids[n++] = db_column_int64(st, 0);
	}
	db_finalize(st);
	*total = (int64_t)n;
	return n;
}

static const char *
query_name(struct arena *a, const struct post_query *q)
{
	return arena_printf(
		a, "%s section %lld%s tag %s range %lld..%lld now %lld",
		post_type_names[q->type], (long long)q->section_id,
		q->by_activity ? " by activity" : "",
		q->tag_slug ? q->tag_slug : "-", (long long)q->from,
		(long long)q->to, (long long)q->now);
}

/* Every page of q (at two page sizes) against the old query. */
static void
check_list(struct db *db, struct post_query q)
{
	static const int sizes[] = {10, 7};
	struct arena *a = arena_new();
	int64_t ids[POSTS + 8], want_total, total;
	struct error e;

	old_ids(db, &q, ids, POSTS + 8, &want_total);
	q.limit = 0;
	q.offset = 0;
	if (store_post_count(store, &q, &total, &e) != 0)
		fail_msg("%s: %s", query_name(a, &q), e.msg);
	if (total != want_total)
		fail_msg("%s: total %lld, want %lld", query_name(a, &q),
		         (long long)total, (long long)want_total);
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++)
		for (int64_t off = 0; off <= want_total + sizes[z];
		     off += sizes[z]) {
			struct post *p;
			size_t n;
			int64_t t;
			size_t want = off >= want_total ? 0
			              : want_total - off < sizes[z]
			                      ? (size_t)(want_total - off)
			                      : (size_t)sizes[z];

			q.limit = sizes[z];
			q.offset = (int)off;
			if (store_post_page(store, a, &q, &p, &n, &t, &e) != 0)
				fail_msg("%s: %s", query_name(a, &q), e.msg);
			if (t != want_total || n != want)
				fail_msg("%s offset %lld: %zu posts of %lld, "
				         "want %zu of %lld",
				         query_name(a, &q), (long long)off, n,
				         (long long)t, want,
				         (long long)want_total);
			for (size_t i = 0; i < n; i++)
				if (p[i].id != ids[off + (int64_t)i])
					fail_msg("%s offset %lld: post %zu is "
					         "%lld, want %lld",
					         query_name(a, &q),
					         (long long)off, i,
					         (long long)p[i].id,
					         (long long)
					                 ids[off + (int64_t)i]);
		}
	arena_free(a);
}

/* A feed's posts (store_newest_posts): the first of the list by date. */
static void
check_feed(struct db *db, enum post_scope scope, int64_t id, int64_t now)
{
	struct arena *a = arena_new();
	struct post_query q = {.type = POST_POST, .now = now};
	int64_t ids[POSTS + 8], total;
	struct post *p;
	size_t n, want;
	struct error e;

	if (scope == SCOPE_SITE) {
		q.from = INT64_MIN;
		q.to = INT64_MAX;
	} else if (scope == SCOPE_SECTION)
		q.section_id = id;
	else
		q.tag_slug = tag_names[id];
	old_ids(db, &q, ids, POSTS + 8, &total);
	if (scope == SCOPE_TAG) {
		struct db_stmt *st =
			old_prepare(db, "SELECT id FROM tags WHERE slug = ?1");

		db_bind_text(st, 1, tag_names[id], -1);
		id = old_row(st) == 1 ? db_column_int64(st, 0) : -1;
		db_finalize(st);
	}
	want = total < 20 ? (size_t)total : 20;
	assert_int_equal(store_newest_posts(store, a, scope, id, now, 20, &p,
	                                    &n, &e),
	                 0);
	assert_int_equal(n, want);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p[i].id, ids[i]);
	arena_free(a);
}

static int64_t
midnight(const char *iso)
{
	int64_t t;

	assert_int_equal(time_parse_iso(iso, &t), 0);
	return t;
}

/* Every list the site has, at several times. */
static void
check_all(void)
{
	const int64_t nows[] = {T0 + 40 * DAY + 1, T0 + 1000 * DAY, T0 - 1,
	                        T0 + 20 * DAY + 13 * 3600};
	const int64_t ranges[][2] = {
		{midnight("2022-01-01"), midnight("2023-01-01")},
		{midnight("2021-01-01"), midnight("2022-01-01")},
		{midnight("2022-05-01"), midnight("2022-06-01")},
		{midnight("2022-06-01"), midnight("2022-07-01")},
		{midnight("2021-03-01"), midnight("2021-04-01")},
		{midnight("2022-04-27"), midnight("2022-04-28")},
		{midnight("2022-05-03"), midnight("2022-05-04")},
		{midnight("2020-05-03"), midnight("2020-05-04")},
		{midnight("9999-01-01"), INT64_MAX},
	};
	struct db *db = old_open();

	for (size_t t = 0; t < sizeof(nows) / sizeof(nows[0]); t++) {
		struct post_query q = {.now = nows[t]};

		for (int type = POST_POST; type <= POST_EPISODE; type += 3) {
			q.type = (enum post_type)type;
			check_list(db, q);
			for (int i = 0; i < 3; i++) {
				q.section_id = sections[i];
				check_list(db, q);
				q.by_activity = 1;
				check_list(db, q);
				q.by_activity = 0;
			}
			q.section_id = 0;
		}
		q.type = POST_POST;
		for (size_t i = 0; i < sizeof(tag_names) / sizeof(tag_names[0]);
		     i++) {
			q.tag_slug = tag_names[i];
			check_list(db, q);
		}
		q.tag_slug = "no-such-tag";
		check_list(db, q);
		check_feed(db, SCOPE_SITE, 0, nows[t]);
		for (int i = 0; i < 3; i++)
			check_feed(db, SCOPE_SECTION, sections[i], nows[t]);
		for (int64_t i = 0; i < 4; i++)
			check_feed(db, SCOPE_TAG, i, nows[t]);
		q.tag_slug = NULL;
		for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]);
		     i++) {
			q.from = ranges[i][0];
			q.to = ranges[i][1];
			check_list(db, q);
		}
	}
	db_close(db);
	counts_check(site.db);
}

static void
pages_match_offsets(void **state)
{
	(void)state;
	check_all();
}

/* The archives' months and their counts, against a GROUP BY (the UTC
 * month of a time: each engine's own date functions). */
#define OLD_MONTHS(year, month)                                                \
	"SELECT " year ", " month ", count(*) FROM posts WHERE type = 'post' " \
	"AND status = 'published' AND published_at <= ?1 "                     \
	"AND password = '' GROUP BY 1, 2 ORDER BY 1 DESC, 2 DESC"
static void
archive_months_match(void **state)
{
	const int64_t nows[] = {T0 + 40 * DAY + 1, T0 + 1000 * DAY, T0 - 1};
	struct arena *a = arena_new();
	struct db *db = old_open();
	const char *sql =
		db_engine(db) == DB_PG
			? OLD_MONTHS("CAST(extract(year FROM to_timestamp("
	                             "published_at) AT TIME ZONE 'UTC') AS "
	                             "INTEGER)",
	                             "CAST(extract(month FROM to_timestamp("
	                             "published_at) AT TIME ZONE 'UTC') AS "
	                             "INTEGER)")
			: OLD_MONTHS("CAST(strftime('%Y', published_at, "
	                             "'unixepoch') AS INTEGER)",
	                             "CAST(strftime('%m', published_at, "
	                             "'unixepoch') AS INTEGER)");

	(void)state;
	for (size_t t = 0; t < sizeof(nows) / sizeof(nows[0]); t++) {
		struct archive_month *am;
		size_t n, i = 0;
		struct error e;
		struct db_stmt *st = old_prepare(db, sql);

		assert_int_equal(store_archive_months(store, a, nows[t], &am,
		                                      &n, &e),
		                 0);
		db_bind_int64(st, 1, nows[t]);
		for (; old_row(st) == 1; i++) {
			assert_true(i < n);
			assert_int_equal(am[i].year, db_column_int64(st, 0));
			assert_int_equal(am[i].month, db_column_int64(st, 1));
			assert_int_equal(am[i].count, db_column_int64(st, 2));
		}
		assert_int_equal(i, n);
		db_finalize(st);
	}
	db_close(db);
	arena_free(a);
}

/*
 * Every way a post joins or leaves a list, through the store as the site
 * does it and through SQL where only an import does it; after each kind,
 * every list and the counts again.
 */
static void
changes_keep_counts(void **state)
{
	struct arena *a = arena_new();
	struct error e;
	int64_t n, version;
	int stale;

	(void)state;
	/* unpublish, publish, trash */
	for (int64_t id = 5; id < POSTS; id += 31) {
		assert_int_equal(store_post_set_status(store, id, POST_DRAFT,
		                                       T0, &e),
		                 0);
		assert_int_equal(store_post_set_status(store, id + 1,
		                                       POST_TRASH, T0, &e),
		                 0);
		assert_int_equal(store_post_set_status(store, id + 2,
		                                       POST_PUBLISHED, T0, &e),
		                 0);
	}
	check_all();
	/* the scheduler */
	assert_int_equal(store_publish_due(store, T0 + 30 * DAY, &n, &e), 0);
	assert_true(n > 0);
	check_all();
	/* the editor: new date, section, tags, stickiness */
	for (int64_t id = 3; id < POSTS; id += 17) {
		struct post_edit pe;
		struct post_save ps;
		const char *tags[] = {"green", "rare"};

		assert_int_equal(store_post_edit_get(store, a, id, &pe, &e), 0);
		pe.post.published_at += (id % 3 == 0 ? -45 : 3) * DAY + 7;
		pe.post.section_id = id % 2 ? sections[(id / 2) % 3] : 0;
		pe.post.tags = tags;
		pe.post.ntags = id % 4 == 1 ? 0 : 2;
		pe.post.sticky = id % 5 == 0;
		pe.post.updated_at = T0;
		ps = (struct post_save){.post = &pe.post,
		                        .base_version = pe.version,
		                        .now = T0};
		if (store_post_save(store, &ps, &id, &version, &stale, &e) != 0)
			fail_msg("save %lld: %s", (long long)id, e.msg);
	}
	check_all();
	/* comments move discussions */
	for (int64_t id = 2; id < POSTS; id += 13)
		tmp_site_comment(store, id, COMMENT_APPROVED,
		                 T0 + (id % 50) * DAY);
	check_all();
	/* passwords set and taken off, retagging, a post's type, deleted
	 * posts, tags and sections */
	raw_exec("UPDATE posts SET password = 'x' WHERE id % 19 = 0;"
	         "UPDATE posts SET password = '' WHERE id % 46 = 0;");
	check_all();
	raw_exec("DELETE FROM post_tags WHERE post_id % 11 = 0;"
	         "INSERT INTO post_tags(post_id, tag_id) "
	         "SELECT id, (SELECT id FROM tags WHERE slug = 'blue') "
	         "FROM posts WHERE id % 12 = 0 ON CONFLICT DO NOTHING;"
	         "UPDATE posts SET type = 'episode' WHERE id % 41 = 0;");
	check_all();
	raw_exec("DELETE FROM posts WHERE id % 37 = 0;"
	         "DELETE FROM tags WHERE slug = 'red';");
	assert_int_equal(store_section_delete(store, sections[2], &e), 0);
	check_all();
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pages_match_offsets),
		cmocka_unit_test(archive_months_match),
		cmocka_unit_test(changes_keep_counts),
	};

	return cmocka_run_group_tests(tests, seed, unseed);
}
