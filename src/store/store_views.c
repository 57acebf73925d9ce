/*
 * views.h through the store's driver (db.h): view counts.  One row per post per
 * day in post_views, and the all-time total on the post row; never a row per
 * view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "views.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

static const char SQL_VIEWS_DAY[] =
	"INSERT INTO post_views(post_id, day, n) "
	"VALUES (?1, ?2, ?3) ON CONFLICT(post_id, day) "
	"DO UPDATE SET n = post_views.n + excluded.n";

static const char SQL_VIEWS_TOTAL[] =
	"UPDATE posts SET views_total = views_total + ?2 "
	"WHERE id = ?1";

/*
 * The flush's bucket write: a post deleted since its views were counted
 * would fail the foreign key and with it the whole batch, again on every
 * retry; its row is dropped instead.  (The WHERE also keeps SQLite's
 * parser from reading ON CONFLICT as a join constraint.)  The casts give
 * PostgreSQL the parameters' types, which a bare SELECT list would leave
 * as text; on SQLite they change nothing (integers bound as integers).
 */
static const char SQL_VIEWS_DAY_IF_POST[] =
	"INSERT INTO post_views(post_id, day, n) "
	"SELECT CAST(?1 AS BIGINT), CAST(?2 AS BIGINT), CAST(?3 AS BIGINT) "
	"WHERE EXISTS (SELECT 1 FROM posts WHERE id = ?1) "
	"ON CONFLICT(post_id, day) DO UPDATE SET n = post_views.n + "
	"excluded.n";

static const char SQL_VIEWS_POST[] =
	"SELECT published_at, views_total FROM posts "
	"WHERE id = ?1 AND status = 'published'";

/*
 * "Popular in the last N days": the window's buckets, summed per post,
 * then each sum's post by id (CROSS JOIN: left to itself SQLite walked
 * every listed post and probed the sums).  post_views_window (migration
 * 016) holds day, post and count, so the buckets' rows are never read.
 * The post columns are those a listing shows; the body is left out.
 *
 * This reads every bucket in the window: as many rows as posts read per
 * day, times the days.  That grows with a site's readership, not per
 * request: views_popular() recomputes a window's list at most every
 * VIEWS_POPULAR_SECONDS and serves it from memory in between.
 */
/* SQLite's CROSS JOIN keeps the window's sums the outer loop; PostgreSQL
 * reads CROSS JOIN … ON as a syntax error, and plans the join itself. */
#define VIEWS_POPULAR(join)                                                    \
	"SELECT " POST_FIELDS_NO_BODY ", v.n "                                 \
	"FROM (SELECT post_id, sum(n) AS n FROM post_views "                   \
	"WHERE day >= ?1 AND day <= ?2 GROUP BY post_id) v " join              \
	" posts p ON p.id = v.post_id "                                        \
	"LEFT JOIN sections s ON s.id = p.section_id "                         \
	"LEFT JOIN users u ON u.id = p.author_id "                             \
	"WHERE p.type = 'post' AND p.status = 'published' "                    \
	"AND p.published_at <= ?3 AND p.password = '' "                        \
	"ORDER BY v.n DESC, p.published_at DESC, p.id DESC LIMIT ?4"
static const char SQL_VIEWS_POPULAR[] = VIEWS_POPULAR("CROSS JOIN");
static const char SQL_VIEWS_POPULAR_PG[] = VIEWS_POPULAR("JOIN");

const struct store_stmt views_reader_stmts[] = {
	{"views_post", SQL_VIEWS_POST, NULL, NULL},
	{"views_popular", SQL_VIEWS_POPULAR,
         "not per request: every bucket of the window (posts read a day "
         "times the days), summed and sorted once a minute at most per "
         "window (views_popular) and served from memory",
         SQL_VIEWS_POPULAR_PG},
	{NULL, NULL, NULL, NULL},
};

int
store_views_add(struct store *s, int64_t post_id, int64_t day, int64_t n,
                struct error *e)
{
	struct db_stmt *st;

	if (store_begin(s, e) == -1)
		return -1;
	st = conn_prep(&s->w, SQL_VIEWS_DAY, e);
	if (st == NULL)
		goto fail;
	db_bind_int64(st, 1, post_id);
	db_bind_int64(st, 2, day);
	db_bind_int64(st, 3, n);
	if (write_step(s, st, "adding views", NULL, e) == -1)
		goto fail;
	st = conn_prep(&s->w, SQL_VIEWS_TOTAL, e);
	if (st == NULL)
		goto fail;
	db_bind_int64(st, 1, post_id);
	db_bind_int64(st, 2, n);
	if (write_step(s, st, "adding views", NULL, e) == -1)
		goto fail;
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}

int
store_views_flush(struct store *s, const struct views_row *rows, size_t n,
                  struct error *e)
{
	struct db_stmt *st;
	long long mark;
	int rc;

	if (n == 0)
		return 0;
	/* Counts on pages may be a minute old (the beacon's answer is
	 * live), so a flush leaves every cached page as it is. */
	mark = scope_open(s);
	if (store_begin(s, e) == -1) {
		scope_close(s, mark, 0);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		st = conn_prep(&s->w, SQL_VIEWS_DAY_IF_POST, e);
		if (st == NULL)
			goto fail;
		db_bind_int64(st, 1, rows[i].post_id);
		db_bind_int64(st, 2, rows[i].day);
		db_bind_int64(st, 3, rows[i].n);
		if (write_step(s, st, "flushing views", NULL, e) == -1)
			goto fail;
		st = conn_prep(&s->w, SQL_VIEWS_TOTAL, e);
		if (st == NULL)
			goto fail;
		db_bind_int64(st, 1, rows[i].post_id);
		db_bind_int64(st, 2, rows[i].n);
		if (write_step(s, st, "flushing views", NULL, e) == -1)
			goto fail;
	}
	rc = store_commit(s, e);
	scope_close(s, mark, 0);
	return rc;
fail:
	store_rollback(s);
	scope_close(s, mark, 0);
	return -1;
}

int
store_views_post(struct store *s, int64_t post_id, int64_t *published_at,
                 int64_t *views_total, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	*published_at = 0;
	*views_total = 0;
	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_VIEWS_POST, e);
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, post_id);
	step = db_step(st, "post views", e);
	if (step == 1) {
		*published_at = db_column_int64(st, 0);
		*views_total = db_column_int64(st, 1);
		rc = 0;
	} else if (step == 0)
		error_set(e, ERR_NOT_FOUND, "no published post %lld",
		          (long long)post_id);
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

/*
 * Posts and their views in a window: sql selects POST_FIELDS_NO_BODY and
 * the views, its parameters ?1..?3 are p[0..3) and ?4 the limit.
 */
static int
posts_with_views(struct store *s, struct arena *a, const char *sql,
                 const int64_t p[3], int limit, struct post **posts,
                 int64_t **views, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	int rc = 0;

	*posts = NULL;
	*views = NULL;
	*n = 0;
	if (limit <= 0)
		return 0; /* SQLite reads LIMIT -1 as "no limit" */
	st = rd_prep(&q, s, sql, e);
	if (st == NULL)
		return -1;
	for (int i = 0; i < 3; i++)
		db_bind_int64(st, i + 1, p[i]);
	db_bind_int64(st, 4, limit);
	*posts = arena_zalloc(a, (size_t)limit * sizeof(**posts));
	*views = arena_zalloc(a, (size_t)limit * sizeof(**views));
	while (*n < (size_t)limit &&
	       (rc = rd_step(&q, "posts and their views", e)) == 1) {
		post_row(a, st, &(*posts)[*n]);
		(*views)[*n] = db_column_int64(st, POST_NCOLS);
		(*n)++;
	}
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}

int
store_views_popular(struct store *s, struct arena *a, int64_t first_day,
                    int64_t last_day, int64_t now, int limit,
                    struct post **posts, int64_t **views, size_t *n,
                    struct error *e)
{
	const int64_t p[3] = {first_day, last_day, now};

	return posts_with_views(s, a, ENGINE_SQL(s, SQL_VIEWS_POPULAR), p,
	                        limit, posts, views, n, e);
}

/* ---- admin: numbers ---- */

static const char SQL_STATS_DAYS_SITE[] =
	"SELECT day, sum(n) FROM post_views WHERE day >= ?1 AND day <= ?2 "
	"GROUP BY day";

static const char SQL_STATS_DAYS_POST[] =
	"SELECT day, n FROM post_views "
	"WHERE post_id = ?3 AND day >= ?1 AND day <= ?2";

static const char SQL_STATS_AUTHOR_POSTS[] =
	"SELECT " POST_FIELDS_NO_BODY ", "
	"coalesce((SELECT sum(v.n) FROM post_views v WHERE v.post_id = p.id "
	"AND v.day >= ?2 AND v.day <= ?3), 0) " POST_FROM
	"WHERE p.author_id = ?1 AND p.status != 'trash' "
	"ORDER BY p.published_at DESC, p.updated_at DESC, p.id DESC LIMIT ?4";

int
store_stats_days(struct store *s, int64_t post_id, int64_t first_day,
                 int64_t last_day, int64_t *counts, int64_t *total,
                 struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	int rc;

	*total = 0;
	if (last_day < first_day)
		return 0;
	memset(counts, 0, (size_t)(last_day - first_day + 1) * sizeof(*counts));
	st = rd_prep(&q, s, post_id ? SQL_STATS_DAYS_POST : SQL_STATS_DAYS_SITE,
	             e);
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, first_day);
	db_bind_int64(st, 2, last_day);
	if (post_id)
		db_bind_int64(st, 3, post_id);
	while ((rc = rd_step(&q, "views per day", e)) == 1) {
		int64_t day = db_column_int64(st, 0);
		int64_t n = db_column_int64(st, 1);

		if (day < first_day || day > last_day || n <= 0)
			continue;
		counts[day - first_day] = n;
		*total = n > INT64_MAX - *total ? INT64_MAX : *total + n;
	}
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}

int
store_stats_author_posts(struct store *s, struct arena *a, int64_t author_id,
                         int64_t first_day, int64_t last_day, int limit,
                         struct post **posts, int64_t **views, size_t *n,
                         struct error *e)
{
	const int64_t p[3] = {author_id, first_day, last_day};

	return posts_with_views(s, a, SQL_STATS_AUTHOR_POSTS, p, limit, posts,
	                        views, n, e);
}
