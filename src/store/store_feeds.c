/*
 * posts.h and site.h through the store's driver (db.h): what feeds and sitemaps
 * read of posts, sections and tags (the comments they show are
 * store_comments.c's).  Feeds list by publication date only (a sticky post is
 * pinned on the front page, not in a reader's feed); sitemaps read a few
 * columns, never the bodies, since one sitemap holds up to LIM_SITEMAP_URLS of
 * them.
 */
#include <string.h>

#include "internal.h"
#include "posts.h"
#include "site.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

static const char SQL_SECTION_BY_SLUG[] =
	"SELECT id, name FROM sections WHERE slug = ?1";

static const char SQL_TAG_BY_SLUG[] =
	"SELECT id, name FROM tags WHERE slug = ?1";

/*
 * Sitemaps list listed posts and pages by id (feeds.c: a post's place is
 * its id, so it never moves to another file), read by ranges of the
 * primary key (NOT INDEXED: SQLite would rather take posts_listing's
 * range and sort it).  The last id listed, found walking down from the
 * newest id past the few unlisted ones (drafts and schedules newer than
 * it); the newest change to a listed post, walking posts_admin_updated
 * down the same way.  PostgreSQL reads neither NOT INDEXED nor INDEXED
 * BY: each statement is made twice from one macro, SQL_X with SQLite's
 * hint and SQL_X_PG without, chosen by ENGINE_SQL.
 */
#define SITEMAP_LISTED                                                         \
	"type IN ('post', 'page') AND status = 'published' "                   \
	"AND published_at <= ?1 AND password = '' "
#define SITEMAP_LAST(NOT_INDEXED)                                              \
	"SELECT id FROM posts " NOT_INDEXED                                    \
	"WHERE id <= ?2 AND " SITEMAP_LISTED "ORDER BY id DESC LIMIT 1"
#define SITEMAP_NEWEST(BY_UPDATED)                                             \
	"SELECT updated_at FROM posts " BY_UPDATED                             \
	"WHERE type = 'post' AND status = 'published' AND published_at <= ?1 " \
	"AND password = '' ORDER BY updated_at DESC LIMIT 1"
/* Ids [?2, ?3): at most LIM_SITEMAP_URLS rows, one sitemap file. */
#define SITEMAP_LIST(NOT_INDEXED)                                              \
	"SELECT type, slug, published_at, updated_at FROM posts " NOT_INDEXED  \
	"WHERE id >= ?2 AND id < ?3 AND " SITEMAP_LISTED "ORDER BY id"
static const char SQL_SITEMAP_LAST[] = SITEMAP_LAST("NOT INDEXED ");
static const char SQL_SITEMAP_LAST_PG[] = SITEMAP_LAST("");
static const char SQL_SITEMAP_NEWEST[] =
	SITEMAP_NEWEST("INDEXED BY posts_admin_updated ");
static const char SQL_SITEMAP_NEWEST_PG[] = SITEMAP_NEWEST("");
static const char SQL_SITEMAP_LIST[] = SITEMAP_LIST("NOT INDEXED ");
static const char SQL_SITEMAP_LIST_PG[] = SITEMAP_LIST("");

const struct store_stmt feeds_reader_stmts[] = {
	{"section_by_slug", SQL_SECTION_BY_SLUG, NULL, NULL},
	{"tag_by_slug", SQL_TAG_BY_SLUG, NULL, NULL},
	{"sitemap_last", SQL_SITEMAP_LAST, NULL, SQL_SITEMAP_LAST_PG},
	{"sitemap_newest", SQL_SITEMAP_NEWEST, NULL, SQL_SITEMAP_NEWEST_PG},
	{"sitemap_list", SQL_SITEMAP_LIST, NULL, SQL_SITEMAP_LIST_PG},
	{NULL, NULL, NULL, NULL},
};

static int
id_name_by_slug(struct store *s, struct arena *a, const char *sql,
                const char *what, const char *slug, int64_t *id,
                const char **name, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	if (c == NULL)
		return -1;
	/* No slug is anything but UTF-8, so no such slug is found; asked for
	 * on PostgreSQL it would fail the statement ("invalid byte sequence
	 * for encoding"), a 500 where SQLite finds no row. */
	if (!utf8_valid(slug, strlen(slug))) {
		error_set(e, ERR_NOT_FOUND, "no %s of that slug (not UTF-8)",
		          what);
		goto out;
	}
	st = conn_prep(c, sql, e);
	if (st == NULL)
		goto out;
	bind_text(st, 1, slug);
	step = db_step(st, what, e);
	if (step == 1) {
		*id = db_column_int64(st, 0);
		*name = col_text(a, st, 1);
		rc = 0;
	} else if (step == 0)
		error_set(e, ERR_NOT_FOUND, "no %s '%s'", what, slug);
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

/* The first column of sql's first row into *out (0 with no row): ?1 is
 * now, and ?2, where sql has it, the highest id to look at (all). */
static int
read_one(struct conn *c, const char *sql, int64_t now, int64_t *out,
         struct error *e)
{
	struct db_stmt *st = conn_prep(c, sql, e);
	int step;

	*out = 0;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, now);
	if (db_param_count(st) > 1)
		db_bind_int64(st, 2, INT64_MAX);
	step = db_step(st, "sitemap", e);
	if (step == 1)
		*out = db_column_int64(st, 0);
	stmt_done(st);
	return step == -1 ? -1 : 0;
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
	if (read_one(c, ENGINE_SQL(s, SQL_SITEMAP_LAST), now, last_id, e) ==
	            0 &&
	    read_one(c, ENGINE_SQL(s, SQL_SITEMAP_NEWEST), now, newest_post,
	             e) == 0)
		rc = 0;
	reader_put(s, locked);
	return rc;
}

int
store_sitemap_list(struct store *s, struct arena *a, int64_t now,
                   int64_t from_id, int64_t to_id, struct sitemap_item **out,
                   size_t *n, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c;
	struct db_stmt *st;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (from_id >= to_id)
		return 0;
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = conn_prep(c, ENGINE_SQL(s, SQL_SITEMAP_LIST), e);
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, from_id);
	db_bind_int64(st, 3, to_id);
	while ((step = db_step(st, "sitemap", e)) == 1) {
		struct sitemap_item *it;
		enum post_type k = col_post_type(st, 0);

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		it = &(*out)[(*n)++];
		it->type = k;
		it->slug = col_text(a, st, 1);
		it->published_at = db_column_int64(st, 2);
		it->updated_at = db_column_int64(st, 3);
	}
	if (step == 0)
		rc = 0;
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}
