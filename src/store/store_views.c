/*
 * store.h on SQLite: view counts.  One row per post per day in post_views,
 * and the all-time total on the post row; never a row per view.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

static const char SQL_VIEWS_DAY[] =
	"INSERT INTO post_views(post_id, day, n) "
	"VALUES (?1, ?2, ?3) ON CONFLICT(post_id, day) "
	"DO UPDATE SET n = n + excluded.n";

static const char SQL_VIEWS_TOTAL[] =
	"UPDATE posts SET views_total = views_total + ?2 "
	"WHERE id = ?1";

int
store_views_add(struct store *s, int64_t post_id, int64_t day, int64_t n,
                struct error *e)
{
	sqlite3_stmt *st;

	if (store_begin(s, e) == -1)
		return -1;
	st = conn_stmt(&s->w, SQL_VIEWS_DAY, e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_int64(st, 2, day);
	sqlite3_bind_int64(st, 3, n);
	if (write_step(s, st, "adding views", NULL, e) == -1)
		goto fail;
	st = conn_stmt(&s->w, SQL_VIEWS_TOTAL, e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_int64(st, 2, n);
	if (write_step(s, st, "adding views", NULL, e) == -1)
		goto fail;
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}
