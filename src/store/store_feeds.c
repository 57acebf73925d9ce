/*
 * store.h on SQLite: what feeds and sitemaps read.  Feeds list by
 * publication date only (a sticky post is pinned on the front page, not in
 * a reader's feed); sitemaps read a few columns, never the bodies, since
 * one sitemap holds up to LIM_SITEMAP_URLS of them.
 */
#include <sqlite3.h>
#include <string.h>

#include "internal.h"
#include "../util/limits.h"
#include "../util/banned.h"

static const char SQL_SECTION_BY_SLUG[] =
	"SELECT id, name FROM sections WHERE slug = ?1";

static const char SQL_TAG_BY_SLUG[] =
	"SELECT id, name FROM tags WHERE slug = ?1";

static const char SQL_NEWEST_POSTS[] =
	"SELECT " POST_COLS "WHERE p.type = 'post' AND p.status = 'published' "
	"AND p.published_at <= ?1 AND p.password = '' "
	"ORDER BY p.published_at DESC, p.id DESC LIMIT ?2";

static const char SQL_NEWEST_POSTS_SECTION[] =
	"SELECT " POST_COLS "WHERE p.type = 'post' AND p.status = 'published' "
	"AND p.published_at <= ?1 AND p.section_id = ?3 AND p.password = '' "
	"ORDER BY p.published_at DESC, p.id DESC LIMIT ?2";

static const char SQL_NEWEST_POSTS_TAG[] =
	"SELECT " POST_COLS "WHERE p.type = 'post' AND p.status = 'published' "
	"AND p.published_at <= ?1 AND p.password = '' AND p.id IN "
	"(SELECT post_id FROM post_tags WHERE tag_id = ?3) "
	"ORDER BY p.published_at DESC, p.id DESC LIMIT ?2";

static const char SQL_NEWEST_COMMENTS[] =
	"SELECT c.id, c.post_id, coalesce(c.parent_id, 0), c.depth, "
	"c.author_name, c.author_url, c.body_src, c.body_html, c.created_at, "
	"p.type, p.slug, p.title, p.published_at "
	"FROM comments c JOIN posts p ON p.id = c.post_id "
	"WHERE c.status = 'approved' AND p.status = 'published' "
	"AND p.published_at <= ?1 AND p.password = '' "
	"AND (?3 = 0 OR c.post_id = ?3) "
	"ORDER BY c.created_at DESC, c.id DESC LIMIT ?2";

static const char SQL_SITEMAP_COUNT[] =
	"SELECT count(*), coalesce(max(CASE WHEN type = 'post' "
	"THEN updated_at END), 0) FROM posts "
	"WHERE type IN ('post', 'page') AND status = 'published' "
	"AND published_at <= ?1 AND password = ''";

static const char SQL_SITEMAP_LIST[] =
	"SELECT type, slug, published_at, updated_at FROM posts "
	"WHERE type IN ('post', 'page') AND status = 'published' "
	"AND published_at <= ?1 AND password = '' "
	"ORDER BY id LIMIT ?2 OFFSET ?3";

static int
id_name_by_slug(struct store *s, struct arena *a, const char *sql,
                const char *what, const char *slug, int64_t *id,
                const char **name, struct error *e)
{
	int locked, rc = -1, step = SQLITE_DONE;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	if (c == NULL)
		return -1;
	st = conn_stmt(c, sql, e);
	if (st == NULL)
		goto out;
	bind_text(st, 1, slug);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*name = col_text(a, st, 1);
		rc = 0;
	} else if (step == SQLITE_DONE)
		error_set(e, ERR_NOT_FOUND, "no %s '%s'", what, slug);
	else
		db_error(e, c->db, what);
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_section_by_slug(struct store *s, struct arena *a, const char *slug,
                      int64_t *id, const char **name, struct error *e)
{
	return id_name_by_slug(s, a, SQL_SECTION_BY_SLUG, "section", slug, id,
	                       name, e);
}

int
store_tag_by_slug(struct store *s, struct arena *a, const char *slug,
                  int64_t *id, const char **name, struct error *e)
{
	return id_name_by_slug(s, a, SQL_TAG_BY_SLUG, "tag", slug, id, name, e);
}

int
store_newest_posts(struct store *s, struct arena *a, enum post_scope scope,
                   int64_t scope_id, int64_t now, int limit, struct post **out,
                   size_t *n, struct error *e)
{
	static const char *const sql[SCOPE__MAX] = {SQL_NEWEST_POSTS,
	                                            SQL_NEWEST_POSTS_SECTION,
	                                            SQL_NEWEST_POSTS_TAG};
	int locked, rc = -1, step = SQLITE_DONE;
	struct conn *c;
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (limit <= 0 || (unsigned)scope >= SCOPE__MAX)
		return 0;
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = conn_stmt(c, sql[scope], e);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	if (scope != SCOPE_SITE)
		sqlite3_bind_int64(st, 3, scope_id);
	*out = arena_alloc(a, (size_t)limit * sizeof(**out));
	while (*n < (size_t)limit && (step = sqlite3_step(st)) == SQLITE_ROW)
		post_row(a, st, &(*out)[(*n)++]);
	if (*n == (size_t)limit || step == SQLITE_DONE)
		rc = 0;
	else
		db_error(e, c->db, "newest posts");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_newest_comments(struct store *s, struct arena *a, int64_t now,
                      int64_t post_id, int limit, struct comment_on_post **out,
                      size_t *n, struct error *e)
{
	int locked, rc = -1, step = SQLITE_DONE;
	struct conn *c;
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (limit <= 0)
		return 0;
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = conn_stmt(c, SQL_NEWEST_COMMENTS, e);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_int64(st, 3, post_id);
	*out = arena_zalloc(a, (size_t)limit * sizeof(**out));
	while (*n < (size_t)limit && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct comment_on_post *it = &(*out)[(*n)++];
		int k;

		it->c.id = sqlite3_column_int64(st, 0);
		it->c.post_id = sqlite3_column_int64(st, 1);
		it->c.parent_id = sqlite3_column_int64(st, 2);
		it->c.depth = sqlite3_column_int(st, 3);
		it->c.author_name = col_text(a, st, 4);
		it->c.author_email = "";
		it->c.author_url = col_text(a, st, 5);
		it->c.body_src = col_text(a, st, 6);
		it->c.body_html = col_text(a, st, 7);
		it->c.status = COMMENT_APPROVED;
		it->c.created_at = sqlite3_column_int64(st, 8);
		it->post.id = it->c.post_id;
		k = enum_lookup(post_type_names, POST_TYPE__MAX,
		                (const char *)sqlite3_column_text(st, 9));
		it->post.type = k < 0 ? POST_POST : (enum post_type)k;
		it->post.status = POST_PUBLISHED;
		it->post.slug = col_text(a, st, 10);
		it->post.title = col_text(a, st, 11);
		it->post.published_at = sqlite3_column_int64(st, 12);
	}
	if (*n == (size_t)limit || step == SQLITE_DONE)
		rc = 0;
	else
		db_error(e, c->db, "newest comments");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_sitemap_count(struct store *s, int64_t now, int64_t *count,
                    int64_t *newest_post, struct error *e)
{
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	*count = 0;
	*newest_post = 0;
	if (c == NULL)
		return -1;
	st = conn_stmt(c, SQL_SITEMAP_COUNT, e);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		*newest_post = sqlite3_column_int64(st, 1);
		rc = 0;
	} else
		db_error(e, c->db, "sitemap count");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_sitemap_list(struct store *s, struct arena *a, int64_t now,
                   int64_t offset, int limit, struct sitemap_item **out,
                   size_t *n, struct error *e)
{
	int locked, rc = -1, step = SQLITE_DONE;
	struct conn *c;
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (limit <= 0 || offset < 0)
		return 0;
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = conn_stmt(c, SQL_SITEMAP_LIST, e);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_int64(st, 3, offset);
	*out = arena_alloc(a, (size_t)limit * sizeof(**out));
	while (*n < (size_t)limit && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct sitemap_item *it = &(*out)[(*n)++];
		int k = enum_lookup(post_type_names, POST_TYPE__MAX,
		                    (const char *)sqlite3_column_text(st, 0));

		it->type = k < 0 ? POST_POST : (enum post_type)k;
		it->slug = col_text(a, st, 1);
		it->published_at = sqlite3_column_int64(st, 2);
		it->updated_at = sqlite3_column_int64(st, 3);
	}
	if (*n == (size_t)limit || step == SQLITE_DONE)
		rc = 0;
	else
		db_error(e, c->db, "sitemap");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}
