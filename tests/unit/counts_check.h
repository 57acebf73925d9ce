#ifndef GAZETTE_TEST_COUNTS_CHECK_H
#define GAZETTE_TEST_COUNTS_CHECK_H
/*
 * The lists' counts (migration 015) against a recount from the posts:
 * post_counts must equal the view post_counts_recount row for row, and
 * every post_tags.listed_at must be its post's date exactly while the post
 * is a listed post.  On either engine (the driver, store/db.h).  Include
 * after cmocka.h.
 *
 *	counts_check(url);   fails the test, naming the first difference
 */
#include "store/db.h"

static inline void
counts_check(const char *url)
{
	static const char sql[] =
		"SELECT 'missing', listing, type, key, span, start, n FROM "
		"(SELECT * FROM post_counts_recount EXCEPT "
		"SELECT * FROM post_counts) AS a "
		"UNION ALL SELECT 'extra', listing, type, key, span, start, n "
		"FROM (SELECT * FROM post_counts EXCEPT "
		"SELECT * FROM post_counts_recount) AS b "
		"UNION ALL SELECT 'listed_at', 'tag', '', pt.tag_id, "
		"CAST(pt.post_id AS TEXT), coalesce(pt.listed_at, -1), 0 "
		"FROM post_tags pt JOIN posts p ON p.id = pt.post_id "
		"WHERE pt.listed_at IS DISTINCT FROM CASE WHEN p.type = 'post' "
		"AND p.status = 'published' AND p.password = '' "
		"THEN p.published_at END LIMIT 1";
	struct error e;
	struct db *db = db_open(url, &e);
	struct db_stmt *st;
	int rc;

	if (db == NULL)
		fail_msg("%s", e.msg);
	st = db_prepare(db, sql, &e);
	if (st == NULL)
		fail_msg("%s", e.msg);
	rc = db_step(st, "post_counts", &e);
	if (rc == -1)
		fail_msg("%s", e.msg);
	if (rc == 1)
		fail_msg("post_counts: %s %s %s key %lld %s %lld n %lld",
		         db_column_text(st, 0, NULL),
		         db_column_text(st, 1, NULL),
		         db_column_text(st, 2, NULL),
		         (long long)db_column_int64(st, 3),
		         db_column_text(st, 4, NULL),
		         (long long)db_column_int64(st, 5),
		         (long long)db_column_int64(st, 6));
	db_finalize(st);
	db_close(db);
}

#endif
