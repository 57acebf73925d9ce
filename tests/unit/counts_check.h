#ifndef GAZETTE_TEST_COUNTS_CHECK_H
#define GAZETTE_TEST_COUNTS_CHECK_H
/*
 * The lists' counts (migration 015) against a recount from the posts:
 * post_counts must equal the view post_counts_recount row for row, and
 * every post_tags.listed_at must be its post's date exactly while the post
 * is a listed post.  Include after cmocka.h.
 *
 *	counts_check(db_path);   fails the test, naming the first difference
 */
#include <sqlite3.h>

static inline void
counts_check(const char *path)
{
	static const char sql[] =
		"SELECT 'missing', listing, type, key, span, start, n FROM "
		"(SELECT * FROM post_counts_recount EXCEPT "
		"SELECT * FROM post_counts) "
		"UNION ALL SELECT 'extra', listing, type, key, span, start, n "
		"FROM (SELECT * FROM post_counts EXCEPT "
		"SELECT * FROM post_counts_recount) "
		"UNION ALL SELECT 'listed_at', 'tag', '', pt.tag_id, "
		"pt.post_id, coalesce(pt.listed_at, -1), 0 "
		"FROM post_tags pt JOIN posts p ON p.id = pt.post_id "
		"WHERE pt.listed_at IS NOT CASE WHEN p.type = 'post' "
		"AND p.status = 'published' AND p.password = '' "
		"THEN p.published_at END LIMIT 1";
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		fail_msg("post_counts: %s %s %s key %lld %s %lld n %lld",
		         (const char *)sqlite3_column_text(st, 0),
		         (const char *)sqlite3_column_text(st, 1),
		         (const char *)sqlite3_column_text(st, 2),
		         (long long)sqlite3_column_int64(st, 3),
		         (const char *)sqlite3_column_text(st, 4),
		         (long long)sqlite3_column_int64(st, 5),
		         (long long)sqlite3_column_int64(st, 6));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

#endif
