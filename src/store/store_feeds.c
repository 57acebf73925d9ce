/*
 * posts.h and site.h on SQLite: what feeds and sitemaps read of posts,
 * sections and tags (the comments they show are store_comments.c's).  Feeds
 * list by publication date only (a sticky post is pinned on the front page, not
 * in a reader's feed); sitemaps read a few columns, never the bodies, since one
 * sitemap holds up to LIM_SITEMAP_URLS of them.
 */
#include <sqlite3.h>
#include <string.h>

#include "internal.h"
#include "posts.h"
#include "site.h"
#include "../util/limits.h"
#include "../util/banned.h"

static const char SQL_SECTION_BY_SLUG[] =
	"SELECT id, name FROM sections WHERE slug = ?1";

static const char SQL_TAG_BY_SLUG[] =
	"SELECT id, name FROM tags WHERE slug = ?1";

/*
 * Sitemaps list listed posts and pages by id (feeds.c: a post's place is
 * its id, so it never moves to another file), read by rowid ranges (NOT
 * INDEXED: SQLite would rather take posts_listing's range and sort it).
 * The last id listed, found walking down from the newest id past the few
 * unlisted ones (drafts and schedules newer than it); the newest change
 * to a listed post, walking posts_admin_updated down the same way.
 */
#define SITEMAP_LISTED                                                         \
	"type IN ('post', 'page') AND status = 'published' "                   \
	"AND published_at <= ?1 AND password = '' "
static const char SQL_SITEMAP_LAST[] =
	"SELECT id FROM posts NOT INDEXED WHERE id <= ?2 AND " SITEMAP_LISTED
	"ORDER BY id DESC LIMIT 1";
static const char SQL_SITEMAP_NEWEST[] =
	"SELECT updated_at FROM posts INDEXED BY posts_admin_updated "
	"WHERE type = 'post' AND status = 'published' AND published_at <= ?1 "
	"AND password = '' ORDER BY updated_at DESC LIMIT 1";
/* Ids [?2, ?3): at most LIM_SITEMAP_URLS rows, one sitemap file. */
static const char SQL_SITEMAP_LIST[] =
	"SELECT type, slug, published_at, updated_at FROM posts NOT INDEXED "
	"WHERE id >= ?2 AND id < ?3 AND " SITEMAP_LISTED "ORDER BY id";

const struct store_stmt feeds_reader_stmts[] = {
	{"section_by_slug", SQL_SECTION_BY_SLUG, NULL},
	{"tag_by_slug", SQL_TAG_BY_SLUG, NULL},
	{"sitemap_last", SQL_SITEMAP_LAST, NULL},
	{"sitemap_newest", SQL_SITEMAP_NEWEST, NULL},
	{"sitemap_list", SQL_SITEMAP_LIST, NULL},
	{NULL, NULL, NULL},
};

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

/* The first column of sql's first row into *out (0 with no row). */
static int
read_one(struct conn *c, const char *sql, int64_t now, int64_t *out,
         struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, sql, e);
	int step;

	*out = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, INT64_MAX);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	stmt_done(st);
	return step == SQLITE_ROW || step == SQLITE_DONE
	               ? 0
	               : db_error(e, c->db, "sitemap");
}

int
store_sitemap_last(struct store *s, int64_t now, int64_t *last_id,
                   int64_t *newest_post, struct error *e)
{
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);

	*last_id = 0;
	*newest_post = 0;
	if (c == NULL)
		return -1;
	if (read_one(c, SQL_SITEMAP_LAST, now, last_id, e) == 0 &&
	    read_one(c, SQL_SITEMAP_NEWEST, now, newest_post, e) == 0)
		rc = 0;
	reader_put(s, locked);
	return rc;
}

int
store_sitemap_list(struct store *s, struct arena *a, int64_t now,
                   int64_t from_id, int64_t to_id, struct sitemap_item **out,
                   size_t *n, struct error *e)
{
	int locked, rc = -1, step = SQLITE_DONE;
	struct conn *c;
	sqlite3_stmt *st;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (from_id >= to_id)
		return 0;
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = conn_stmt(c, SQL_SITEMAP_LIST, e);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, from_id);
	sqlite3_bind_int64(st, 3, to_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct sitemap_item *it;
		int k = enum_lookup(post_type_names, POST_TYPE__MAX,
		                    (const char *)sqlite3_column_text(st, 0));

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		it = &(*out)[(*n)++];
		it->type = k < 0 ? POST_POST : (enum post_type)k;
		it->slug = col_text(a, st, 1);
		it->published_at = sqlite3_column_int64(st, 2);
		it->updated_at = sqlite3_column_int64(st, 3);
	}
	if (step == SQLITE_DONE)
		rc = 0;
	else
		db_error(e, c->db, "sitemap");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}
