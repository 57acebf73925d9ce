/*
 * media.h through the store's driver (db.h): the media library's rows
 * (migration 018).
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "media.h"
#include "../util/banned.h"

#define MEDIA_COLS                                                             \
	"SELECT m.id, m.path, m.mime, m.bytes, m.sha256, "                     \
	"coalesce(m.width, 0), coalesce(m.height, 0), "                        \
	"coalesce(m.duration_s, 0), m.title, m.alt, m.created_at FROM media m "

static const char SQL_MEDIA_PUT[] =
	"INSERT INTO media(path, mime, bytes, sha256, width, height, "
	"duration_s, title, alt, created_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id";
static const char SQL_MEDIA_BY_SHA[] = MEDIA_COLS "WHERE m.sha256 = ?1";
static const char SQL_MEDIA_GET[] = MEDIA_COLS "WHERE m.id = ?1";
static const char SQL_MEDIA_BY_PATH[] = MEDIA_COLS "WHERE m.path = ?1";
/*
 * Whether text holds a bound string is instr(text, s) > 0 on SQLite and
 * strpos(text, s) > 0 on PostgreSQL (the same arguments; LIKE would need
 * the string's % and _ escaped): the statements that ask it are made
 * twice from one macro, SQL_X and SQL_X_PG, chosen by ENGINE_SQL.
 */
#define HAS_SQLITE "instr"
#define HAS_PG     "strpos"
/* Where a file is used: a body naming its path (variants share it as a
 * prefix, less the extension), a featured image, a book's files, an
 * episode's audio. */
#define MEDIA_USES(HAS)                                                        \
	"SELECT p.id, p.title FROM posts p WHERE p.featured_media_id = ?1 "    \
	"OR " HAS "(p.body_src, ?2) > 0 OR " HAS "(p.body_html, ?2) > 0 "      \
	"OR p.id IN (SELECT post_id FROM books WHERE cover_media_id = ?1 "     \
	"OR epub_media_id = ?1 OR pdf_media_id = ?1) "                         \
	"OR p.id IN (SELECT post_id FROM episodes WHERE " HAS "(audio_url, "   \
	"?2) > 0) ORDER BY p.id LIMIT ?3"
static const char SQL_MEDIA_USES[] = MEDIA_USES(HAS_SQLITE);
static const char SQL_MEDIA_USES_PG[] = MEDIA_USES(HAS_PG);
/* The library's search: lower() folds ASCII only on SQLite, all of
 * Unicode on PostgreSQL, so there a title's É also finds é. */
#define MEDIA_LIST(HAS)                                                        \
	MEDIA_COLS "WHERE ?1 = '' OR " HAS "(lower(m.title), lower(?1)) > 0 "  \
		   "OR " HAS "(lower(m.alt), lower(?1)) > 0 "                  \
		   "ORDER BY m.id DESC LIMIT ?2 OFFSET ?3"
static const char SQL_MEDIA_LIST[] = MEDIA_LIST(HAS_SQLITE);
static const char SQL_MEDIA_LIST_PG[] = MEDIA_LIST(HAS_PG);
static const char SQL_MEDIA_ALT[] = "UPDATE media SET alt = ?2 WHERE id = ?1";
static const char SQL_MEDIA_DELETE[] = "DELETE FROM media WHERE id = ?1";
static const char SQL_MEDIA_FILL[] =
	"UPDATE media SET path = ?2, mime = ?3, bytes = ?4, sha256 = ?5, "
	"width = ?6, height = ?7 WHERE id = ?1";
/* A constant needle: LIKE, with no case in ':' and '/', reads the same on
 * both engines. */
static const char SQL_MEDIA_REMOTE[] =
	"SELECT id, path FROM media WHERE path LIKE '%://%' ORDER BY id";
#define MEDIA_BODIES(HAS)                                                      \
	"SELECT id, body_format, body_src, body_html, protected_html "         \
	"FROM posts WHERE " HAS "(body_src, ?1) > 0 OR " HAS "(body_html, "    \
	"?1) > 0 OR " HAS "(protected_html, ?1) > 0 ORDER BY id"
static const char SQL_MEDIA_BODIES[] = MEDIA_BODIES(HAS_SQLITE);
static const char SQL_MEDIA_BODIES_PG[] = MEDIA_BODIES(HAS_PG);
static const char SQL_MEDIA_BODY_SET[] =
	"UPDATE posts SET body_src = ?2, body_html = ?3, protected_html = ?4 "
	"WHERE id = ?1";
/*
 * An imported post's featured image, from WordPress's _thumbnail_id meta:
 * SQLite's CAST reads the digits a value begins with (0 for none), where
 * PostgreSQL's refuses the whole UPDATE for one bad value; there the
 * leading digits are cut out first (none: NULL, matching nothing).
 */
#define FEATURED_FROM_META(LEGACY_ID)                                          \
	"UPDATE posts SET featured_media_id = (SELECT m.id FROM post_meta pm " \
	"JOIN media m ON m.legacy_id = " LEGACY_ID " "                         \
	"WHERE pm.post_id = posts.id AND pm.key = '_thumbnail_id' "            \
	"ORDER BY pm.id LIMIT 1) "                                             \
	"WHERE featured_media_id IS NULL AND id IN "                           \
	"(SELECT post_id FROM post_meta WHERE key = '_thumbnail_id')"
static const char SQL_FEATURED_FROM_META[] =
	FEATURED_FROM_META("CAST(pm.value AS INTEGER)");
static const char SQL_FEATURED_FROM_META_PG[] = FEATURED_FROM_META(
	"CAST(substring(pm.value from '^[0-9]{1,18}') AS BIGINT)");
static const char SQL_FEATURED_SET[] =
	"UPDATE posts SET featured_media_id = ?2 WHERE id = ?1";

static void
media_row_read(struct arena *a, struct db_stmt *st, struct media_row *r)
{
	r->id = db_column_int64(st, 0);
	r->path = col_text(a, st, 1);
	r->mime = col_text(a, st, 2);
	r->bytes = db_column_int64(st, 3);
	r->sha256 = col_text(a, st, 4);
	r->width = (int)db_column_int64(st, 5);
	r->height = (int)db_column_int64(st, 6);
	r->duration_s = db_column_int64(st, 7);
	r->title = col_text(a, st, 8);
	r->alt = col_text(a, st, 9);
	r->created_at = db_column_int64(st, 10);
}

int
store_media_put(struct store *s, const struct media_row *r, int64_t *id,
                struct error *e)
{
	return write_one(s, SQL_MEDIA_PUT, "adding media", id, e, "sslsiilssl",
	                 r->path, r->mime, r->bytes, r->sha256, r->width,
	                 r->height, r->duration_s, r->title, r->alt,
	                 r->created_at);
}

static int
media_one(struct store *s, struct arena *a, const char *sql, const char *text,
          int64_t num, struct media_row *out, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, sql, e);
	int rc;

	if (st == NULL)
		return -1;
	if (text != NULL)
		bind_text(st, 1, text);
	else
		db_bind_int64(st, 1, num);
	rc = rd_step(&q, "reading media", e);
	if (rc == 1)
		media_row_read(a, st, out);
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no such media file");
	return rc == 1 ? 0 : -1;
}

int
store_media_by_sha(struct store *s, struct arena *a, const char *sha256,
                   struct media_row *out, struct error *e)
{
	return media_one(s, a, SQL_MEDIA_BY_SHA, sha256, 0, out, e);
}

int
store_media_get(struct store *s, struct arena *a, int64_t id,
                struct media_row *out, struct error *e)
{
	return media_one(s, a, SQL_MEDIA_GET, NULL, id, out, e);
}

int
store_media_by_path(struct store *s, struct arena *a, const char *path,
                    struct media_row *out, struct error *e)
{
	return media_one(s, a, SQL_MEDIA_BY_PATH, path, 0, out, e);
}

/* The part of a path every variant's name begins with: "ab/ab12…". */
static const char *
media_stem(struct arena *a, const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot != NULL ? arena_strndup(a, path, (size_t)(dot - path))
	                   : path;
}

int
store_media_uses(struct store *s, struct arena *a, int64_t id, int max,
                 int64_t **ids, const char ***titles, size_t *n,
                 struct error *e)
{
	struct media_row m;
	struct rd q;
	struct db_stmt *st;
	size_t cap = 0, tcap = 0;
	int rc;

	*ids = NULL;
	*titles = NULL;
	*n = 0;
	if (store_media_get(s, a, id, &m, e) == -1)
		return -1;
	st = rd_prep(&q, s, ENGINE_SQL(s, SQL_MEDIA_USES), e);
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, id);
	bind_text(st, 2, media_stem(a, m.path));
	db_bind_int64(st, 3, max);
	while ((rc = rd_step(&q, "reading where media is used", e)) == 1) {
		*ids = arena_grow(a, *ids, &cap, *n, sizeof(**ids));
		*titles = arena_grow(a, *titles, &tcap, *n, sizeof(**titles));
		(*ids)[*n] = db_column_int64(st, 0);
		(*titles)[*n] = col_text(a, st, 1);
		(*n)++;
	}
	rd_close(&q);
	return rc;
}

int
store_media_list(struct store *s, struct arena *a, const char *q, int limit,
                 int offset, struct media_row **out, size_t *n, struct error *e)
{
	struct rd r;
	struct db_stmt *st = rd_prep(&r, s, ENGINE_SQL(s, SQL_MEDIA_LIST), e);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, q != NULL ? q : "");
	db_bind_int64(st, 2, limit);
	db_bind_int64(st, 3, offset);
	while ((rc = rd_step(&r, "listing media", e)) == 1) {
		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		media_row_read(a, st, &(*out)[(*n)++]);
	}
	rd_close(&r);
	return rc;
}

int
store_media_set_alt(struct store *s, int64_t id, const char *alt,
                    struct error *e)
{
	int64_t changes;

	if (write_count(s, SQL_MEDIA_ALT, "setting alt text", &changes, e, "ls",
	                id, alt) == -1)
		return -1;
	if (changes == 0)
		return error_set(e, ERR_NOT_FOUND, "no such media file");
	return 0;
}

int
store_media_delete(struct store *s, int64_t id, struct error *e)
{
	struct arena *a = arena_new();
	int64_t *ids, changes;
	const char **titles;
	size_t n;
	int rc = -1;

	if (store_media_uses(s, a, id, 1, &ids, &titles, &n, e) == -1)
		goto out;
	if (n > 0) {
		error_set(e, ERR_CONFLICT,
		          "media file %lld is used by post %lld (%s)",
		          (long long)id, (long long)ids[0], titles[0]);
		goto out;
	}
	if (write_count(s, SQL_MEDIA_DELETE, "deleting media", &changes, e, "l",
	                id) == -1)
		goto out;
	if (changes == 0) {
		error_set(e, ERR_NOT_FOUND, "no such media file");
		goto out;
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}

int
store_post_featured_set(struct store *s, int64_t post_id, int64_t media_id,
                        struct error *e)
{
	return write_one(s, SQL_FEATURED_SET, "setting the featured image",
	                 NULL, e, "ln", post_id, media_id);
}

int
store_media_fill(struct store *s, const struct media_row *r, struct error *e)
{
	return write_one(s, SQL_MEDIA_FILL, "storing an imported file", NULL, e,
	                 "lsslsii", r->id, r->path, r->mime, r->bytes,
	                 r->sha256, r->width, r->height);
}

int
store_media_remote(struct store *s, struct arena *a, struct media_remote **out,
                   size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_MEDIA_REMOTE, e);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = rd_step(&q, "listing imported media", e)) == 1) {
		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		(*out)[*n].id = db_column_int64(st, 0);
		(*out)[*n].url = col_text(a, st, 1);
		(*n)++;
	}
	rd_close(&q);
	return rc;
}

int
store_media_bodies(struct store *s, struct arena *a, const char *needle,
                   struct media_body **out, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, ENGINE_SQL(s, SQL_MEDIA_BODIES), e);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, needle);
	while ((rc = rd_step(&q, "reading bodies", e)) == 1) {
		struct media_body *b;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		b = &(*out)[(*n)++];
		b->id = db_column_int64(st, 0);
		b->format = col_text(a, st, 1);
		b->src = col_text(a, st, 2);
		b->html = col_text(a, st, 3);
		b->protected_html = col_text(a, st, 4);
	}
	rd_close(&q);
	return rc;
}

int
store_media_body_set(struct store *s, const struct media_body *b,
                     struct error *e)
{
	return write_one(s, SQL_MEDIA_BODY_SET, "rewriting a body", NULL, e,
	                 "lsss", b->id, b->src, b->html, b->protected_html);
}

int
store_media_featured_from_meta(struct store *s, int64_t *n, struct error *e)
{
	return write_count(s, ENGINE_SQL(s, SQL_FEATURED_FROM_META),
	                   "setting featured images", n, e, "");
}
