/*
 * posts.h through the store's driver (db.h): posts and their tags, the
 * tables that hang off a post (books, episodes, media), and the editor's
 * saves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "posts.h"
#include "search.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

/* activity_at (?17) is the newer of published_at and updated_at, chosen
 * in C: SQL's scalar max() is SQLite's, PostgreSQL's is greatest(). */
static const char SQL_POST_ADD[] =
	"INSERT INTO posts(type, status, section_id, slug, title, "
	"excerpt, body_src, body_format, body_html, source_url, "
	"author_id, published_at, updated_at, comments_open, sticky, "
	"views_total, activity_at, submitter_name, submitter_email) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	"?15, ?16, ?17, ?18, ?19) RETURNING id";
static const char SQL_POST_STATUS[] =
	"UPDATE posts SET status = ?2, updated_at = ?3 WHERE id = ?1";

static const char SQL_POST_GET[] = "SELECT " POST_COLS "WHERE p.id = ?1";
/* store_post_head(): the row without the bodies. */
static const char SQL_POST_HEAD[] =
	"SELECT " POST_FIELDS_NO_BODY POST_FROM "WHERE p.id = ?1";

static const char SQL_POST_PERMALINK[] =
	"SELECT " POST_FIELDS_PAGE POST_FROM
	"WHERE p.type = 'post' AND p.slug = ?1 "
	"AND p.status = 'published' AND p.published_at <= ?2 "
	"AND p.published_at >= ?3 AND p.published_at < ?4";

static const char SQL_BOOKS[] =
	"SELECT " POST_FIELDS ", b.order_url, coalesce(me.path, ''), "
	"coalesce(mp.path, ''), coalesce(mc.path, '') " POST_FROM
	"JOIN books b ON b.post_id = p.id "
	"LEFT JOIN media me ON me.id = b.epub_media_id "
	"LEFT JOIN media mp ON mp.id = b.pdf_media_id "
	"LEFT JOIN media mc ON mc.id = b.cover_media_id "
	"WHERE p.type = 'book' AND p.status = 'published' "
	"AND p.published_at <= ?1 ORDER BY p.published_at DESC LIMIT 50";
/* Reads the partial index posts_scheduled (migration 013; test_store.c
 * checks the plan with this text). */
static const char SQL_PUBLISH_DUE[] =
	"UPDATE posts SET status = 'published' WHERE status = 'scheduled' "
	"AND published_at <= ?1";
static const char SQL_MEDIA_ADD[] =
	"INSERT INTO media(path, mime, bytes, title, created_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";
static const char SQL_BOOK_FILES[] =
	"UPDATE books SET epub_media_id = coalesce(?2, epub_media_id), "
	"pdf_media_id = coalesce(?3, pdf_media_id), "
	"cover_media_id = coalesce(?4, cover_media_id) WHERE post_id = ?1";
static const char SQL_BOOK_FILES_GET[] =
	"SELECT coalesce(me.path, ''), coalesce(mp.path, ''), "
	"coalesce(mc.path, '') FROM books b "
	"LEFT JOIN media me ON me.id = b.epub_media_id "
	"LEFT JOIN media mp ON mp.id = b.pdf_media_id "
	"LEFT JOIN media mc ON mc.id = b.cover_media_id WHERE b.post_id = ?1";
static const char SQL_TAG_NAME[] = "SELECT name FROM tags WHERE slug = ?1";

static const char SQL_TAG_ADD[] =
	"INSERT INTO tags(slug, name) VALUES (?1, ?2) "
	"ON CONFLICT(slug) DO NOTHING";

static const char SQL_TAG_ID[] = "SELECT id FROM tags WHERE slug = ?1";

/* A tag named so already: its slug may be one made before slugs folded
 * accents (util/text.c), and its URL stays. */
static const char SQL_TAG_BY_NAME[] =
	"SELECT id FROM tags WHERE name = ?1 ORDER BY id LIMIT 1";

/* A tag named twice (or two names of one slug) is attached once: DO
 * NOTHING rather than a failed insert, which on PostgreSQL would abort
 * the whole save's transaction. */
static const char SQL_POST_TAG_ADD[] =
	"INSERT INTO post_tags(post_id, tag_id) VALUES (?1, ?2) "
	"ON CONFLICT DO NOTHING";

static const char SQL_BOOK_SET[] =
	"INSERT INTO books(post_id, order_url) VALUES (?1, ?2) "
	"ON CONFLICT(post_id) DO UPDATE SET "
	"order_url = excluded.order_url";

static const char SQL_EPISODE_SET[] =
	"INSERT INTO episodes(post_id, audio_url, duration_s) "
	"VALUES (?1, ?2, ?3) ON CONFLICT(post_id) DO UPDATE SET "
	"audio_url = excluded.audio_url, duration_s = excluded.duration_s";

static const char SQL_POST_BY_SLUG[] =
	"SELECT " POST_FIELDS_PAGE POST_FROM "WHERE p.type = ?1 "
	"AND p.slug = ?2 AND p.status = 'published' "
	"AND p.published_at <= ?3";

static const char SQL_POST_PROTECTED[] =
	"SELECT password, protected_html FROM posts WHERE id = ?1";

const struct store_stmt posts_reader_stmts[] = {
	{"post_get", SQL_POST_GET, NULL, NULL},
	{"post_head", SQL_POST_HEAD, NULL, NULL},
	{"post_permalink", SQL_POST_PERMALINK, NULL, NULL},
	{"post_by_slug", SQL_POST_BY_SLUG, NULL, NULL},
	{"tag_name", SQL_TAG_NAME, NULL, NULL},
	{"books", SQL_BOOKS, NULL, NULL},
	{"post_protected", SQL_POST_PROTECTED, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

/* The id of the tag sql (one text parameter) finds on the writer, in
 * *id; 0 when none. */
static int
tag_find(struct store *s, const char *sql, const char *text, int64_t *id,
         struct error *e)
{
	struct db_stmt *st = conn_prep(&s->w, sql, e);
	int rc;

	*id = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, text);
	rc = db_step(st, "finding tag", e);
	if (rc == 1)
		*id = db_column_int64(st, 0);
	stmt_done(st);
	return rc == -1 ? -1 : 0;
}

static int
tag_attach(struct store *s, int64_t post_id, const char *name, struct arena *a,
           struct error *e)
{
	const char *slug = slug_from_title(a, name);
	int64_t tag_id;

	if (*slug == '\0')
		return 0; /* a tag of punctuation only names nothing */
	if (tag_find(s, SQL_TAG_BY_NAME, name, &tag_id, e) == -1)
		return -1;
	if (tag_id == 0) {
		if (write_one(s, SQL_TAG_ADD, "adding tag", NULL, e, "ss", slug,
		              name) == -1 ||
		    tag_find(s, SQL_TAG_ID, slug, &tag_id, e) == -1)
			return -1;
		if (tag_id == 0)
			return error_set(e, ERR_IO, "adding tag: no tag '%s'",
			                 slug);
	}
	return write_one(s, SQL_POST_TAG_ADD, "tagging post", NULL, e, "ll",
	                 post_id, tag_id);
}

/* Parameters ?2..?10 that adding and saving a post share: status,
 * section, slug, title, excerpt, body source, format, HTML, source URL. */
static void
bind_post_fields(struct db_stmt *st, const struct post *p)
{
	bind_text(st, 2, post_status_names[p->status]);
	bind_id(st, 3, p->section_id);
	bind_text(st, 4, p->slug);
	bind_text(st, 5, p->title);
	bind_text(st, 6, p->excerpt ? p->excerpt : "");
	bind_text(st, 7, p->body_src ? p->body_src : "");
	bind_text(st, 8, p->body_format ? p->body_format : "markdown");
	bind_text(st, 9, p->body_html ? p->body_html : "");
	bind_text(st, 10, p->source_url ? p->source_url : "");
}

int
store_post_add(struct store *s, const struct post *in, int64_t *id,
               struct error *e)
{
	struct db_stmt *st;
	struct arena *a = NULL;
	int64_t new_id;
	int64_t updated = in->updated_at ? in->updated_at : in->published_at;

	if (id == NULL)
		id = &new_id;
	if (store_begin(s, e) == -1)
		return -1;
	st = conn_prep(&s->w, SQL_POST_ADD, e);
	if (st == NULL)
		goto fail;
	bind_text(st, 1, post_type_names[in->type]);
	bind_post_fields(st, in);
	bind_id(st, 11, in->author_id);
	db_bind_int64(st, 12, in->published_at);
	db_bind_int64(st, 13, updated);
	db_bind_int64(st, 14, in->comments_open);
	db_bind_int64(st, 15, in->sticky);
	db_bind_int64(st, 16, in->views_total);
	db_bind_int64(st, 17,
	              updated > in->published_at ? updated : in->published_at);
	bind_text(st, 18, in->submitter_name ? in->submitter_name : "");
	bind_text(st, 19, in->submitter_email ? in->submitter_email : "");
	if (write_step(s, st, "adding post", id, e) == -1) {
		if (e->code == ERR_CONFLICT)
			error_set(e, ERR_CONFLICT,
			          "a %s with slug '%s' already exists",
			          post_type_names[in->type], in->slug);
		goto fail;
	}
	a = arena_new();
	for (size_t i = 0; i < in->ntags; i++)
		if (tag_attach(s, *id, in->tags[i], a, e) == -1)
			goto fail;
	/* Migration 005's triggers index the rest of the post. */
	if (store_search_body_set(s, *id, in->body_html ? in->body_html : "",
	                          e) == -1)
		goto fail;
	arena_free(a);
	return store_commit(s, e);
fail:
	arena_free(a);
	store_rollback(s);
	return -1;
}

/* The post id by sql (SQL_POST_GET or SQL_POST_HEAD), with its tags or
 * not. */
static int
post_by_id(struct store *s, struct arena *a, const char *sql, int tags,
           int64_t id, struct post *out, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	if (c == NULL)
		return -1;
	st = conn_prep(c, sql, e);
	if (st != NULL && tags) {
		db_bind_int64(st, 1, id);
		rc = post_one(c, st, a, out, e);
	} else if (st != NULL) {
		db_bind_int64(st, 1, id);
		step = db_step(st, "post", e);
		if (step == 1) {
			post_row(a, st, out);
			rc = 0;
		} else if (step == 0)
			error_set(e, ERR_NOT_FOUND, "no such post");
		stmt_done(st);
	}
	reader_put(s, locked);
	return rc;
}

int
store_post_get(struct store *s, struct arena *a, int64_t id, struct post *out,
               struct error *e)
{
	return post_by_id(s, a, SQL_POST_GET, 1, id, out, e);
}

int
store_post_head(struct store *s, struct arena *a, int64_t id, struct post *out,
                struct error *e)
{
	return post_by_id(s, a, SQL_POST_HEAD, 0, id, out, e);
}

/*
 * A permalink's date is the local one (util/tz.h); a link made before the
 * site's time zone changed may name a day or two off (UTC-12 and UTC+14
 * are 26 hours apart), so the day is widened by this either side.  A slug
 * is unique among posts (decision 051): the wider day finds that one post
 * or none, and the handler sends a link whose date is off to the right one.
 */
#define PERMALINK_SLACK (2 * 86400)

int
store_post_get_permalink(struct store *s, struct arena *a, int y, int m, int d,
                         const char *slug, int64_t now, struct post *out,
                         struct error *e)
{
	int locked, rc = -1;
	struct conn *c;
	struct db_stmt *st;
	char iso[16];
	int64_t day;

	snprintf(iso, sizeof(iso), "%04d-%02d-%02d", y, m, d);
	if (time_parse_iso(iso, &day) == -1) /* 31 February */
		return error_set(e, ERR_NOT_FOUND, "no such date");
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_POST_PERMALINK, e);
	if (st != NULL) {
		bind_text(st, 1, slug);
		db_bind_int64(st, 2, now);
		db_bind_int64(st, 3, time_local_day(y, m, d) - PERMALINK_SLACK);
		db_bind_int64(st, 4,
		              time_local_day(y, m, d + 1) + PERMALINK_SLACK);
		rc = post_one(c, st, a, out, e);
	}
	reader_put(s, locked);
	return rc;
}

int
store_books_list(struct store *s, struct arena *a, int64_t now,
                 struct book **out, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_BOOKS, e);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, now);
	while ((rc = rd_step(&q, "books", e)) == 1) {
		struct book *b;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		b = &(*out)[(*n)++];
		post_row(a, st, &b->post);
		b->order_url = col_text(a, st, POST_NCOLS);
		b->epub_path = col_text(a, st, POST_NCOLS + 1);
		b->pdf_path = col_text(a, st, POST_NCOLS + 2);
		b->cover_path = col_text(a, st, POST_NCOLS + 3);
	}
	rd_close(&q);
	return rc;
}

int
store_publish_due(struct store *s, int64_t now, int64_t *n, struct error *e)
{
	*n = 0;
	return write_count(s, SQL_PUBLISH_DUE, "publishing", n, e, "l", now);
}

int
store_tag_name(struct store *s, struct arena *a, const char *slug,
               const char **name, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_TAG_NAME, e);
	int rc;

	*name = NULL;
	if (st == NULL)
		return -1;
	bind_text(st, 1, slug);
	rc = rd_step(&q, "tag", e);
	if (rc == 1)
		*name = col_text(a, st, 0);
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no tag '%s'", slug);
	return rc == 1 ? 0 : -1;
}

int
store_post_get_slug(struct store *s, struct arena *a, enum post_type type,
                    const char *slug, int64_t now, struct post *out,
                    struct error *e)
{
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_POST_BY_SLUG, e);
	if (st != NULL) {
		bind_text(st, 1, post_type_names[type]);
		bind_text(st, 2, slug);
		db_bind_int64(st, 3, now);
		rc = post_one(c, st, a, out, e);
	}
	reader_put(s, locked);
	return rc;
}

int
store_book_set(struct store *s, int64_t post_id, const char *order_url,
               struct error *e)
{
	return write_one(s, SQL_BOOK_SET, "setting book", NULL, e, "ls",
	                 post_id, order_url);
}

int
store_episode_set(struct store *s, int64_t post_id, const char *audio_url,
                  int64_t duration_s, struct error *e)
{
	return write_one(s, SQL_EPISODE_SET, "setting episode", NULL, e, "lsl",
	                 post_id, audio_url, duration_s);
}

int
store_post_set_status(struct store *s, int64_t id, enum post_status status,
                      int64_t now, struct error *e)
{
	int64_t changes;

	if (write_count(s, SQL_POST_STATUS, "post status", &changes, e, "lsl",
	                id, post_status_names[status], now) == -1)
		return -1;
	if (changes == 0)
		return error_set(e, ERR_NOT_FOUND, "no post %lld",
		                 (long long)id);
	return 0;
}

const char *
post_path(struct arena *a, const struct post *p)
{
	size_t n = strlen(p->slug), k = 0;
	/* "/YYYY/MM/DD/" or "/podcast/", the slug at most tripled, "/" */
	char *out = arena_alloc(a, TIME_TEXT_BYTES + 3 * n + 2);

	if (p->type == POST_POST) {
		time_path(p->published_at, out);
		if (*out == '\0')
			return "/";
		k = strlen(out);
	} else {
		const char *pre = p->type == POST_BOOK      ? "/books/"
		                  : p->type == POST_EPISODE ? "/podcast/"
		                                            : "/";

		k = strlen(pre);
		memcpy(out, pre, k);
	}
	k += url_encode_to(out + k, p->slug, n);
	out[k++] = '/';
	out[k] = '\0';
	return out;
}

int
store_media_add(struct store *s, const char *path, const char *mime,
                int64_t bytes, const char *title, int64_t *id, struct error *e)
{
	return write_one(s, SQL_MEDIA_ADD, "adding media", id, e, "sslsl", path,
	                 mime, bytes, title, clock_now());
}

int
store_book_files(struct store *s, int64_t post_id, int64_t epub_id,
                 int64_t pdf_id, int64_t cover_id, struct error *e)
{
	return write_one(s, SQL_BOOK_FILES, "book files", NULL, e, "lnnn",
	                 post_id, epub_id, pdf_id, cover_id);
}

int
store_book_files_get(struct store *s, struct arena *a, int64_t post_id,
                     struct book *out, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_BOOK_FILES_GET, e);
	int rc;

	out->epub_path = out->pdf_path = out->cover_path = "";
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, post_id);
	rc = rd_step(&q, "book files", e);
	if (rc == 1) {
		out->epub_path = col_text(a, st, 0);
		out->pdf_path = col_text(a, st, 1);
		out->cover_path = col_text(a, st, 2);
	}
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}

/* ---- the admin's editor and list (site/admin_posts.c) ---- */

static const char SQL_EDIT_GET[] =
	"SELECT " POST_FIELDS
	", p.version, coalesce(b.order_url, '') " POST_FROM
	"LEFT JOIN books b ON b.post_id = p.id WHERE p.id = ?1";

/* A filter's parameter is NULL for "any": cast where it is first read,
 * since PostgreSQL cannot type a parameter by IS NULL alone (on SQLite
 * the casts change nothing). */
#define ADMIN_WHERE                                                            \
	"WHERE p.type = ?1 AND (CASE WHEN CAST(?2 AS TEXT) IS NULL "           \
	"THEN p.status != 'trash' ELSE p.status = ?2 END) "                    \
	"AND (CAST(?3 AS BIGINT) IS NULL OR p.section_id = ?3) "               \
	"AND (CAST(?4 AS BIGINT) IS NULL OR p.author_id = ?4) "
static const char SQL_ADMIN_POSTS[] =
	"SELECT " POST_FIELDS_NO_BODY POST_FROM ADMIN_WHERE
	"ORDER BY p.updated_at DESC, p.id DESC LIMIT ?5 OFFSET ?6";
static const char SQL_ADMIN_COUNT[] =
	"SELECT count(*) FROM posts p " ADMIN_WHERE;
static const char SQL_ADMIN_STATUS_COUNTS[] =
	"SELECT status, count(*) FROM posts WHERE type = ?1 "
	"AND (CAST(?2 AS BIGINT) IS NULL OR author_id = ?2) GROUP BY status";
static const char SQL_SLUG_OWNER[] =
	"SELECT id FROM posts WHERE type = ?1 AND slug = ?2 AND id != ?3";
/* A password-protected post's rendered body goes to protected_html; its
 * body_html stays the notice every public path may show (migration 012). */
#define PROTECTED_BODY(v)                                                      \
	"body_html = CASE WHEN password != '' THEN body_html ELSE " v " END, " \
	"protected_html = CASE WHEN password != '' THEN " v                    \
	" ELSE protected_html END"
/*
 * A save moves activity_at to the newest of itself and the new dates:
 * SQL's scalar max() on SQLite, greatest() on PostgreSQL (MAX_SQLITE,
 * MAX_PG), so these two statements are made twice from one macro and
 * chosen by ENGINE_SQL.
 */
#define MAX_SQLITE "max"
#define MAX_PG     "greatest"
/* The saved body, ?9, where PROTECTED_BODY says. */
#define POST_UPDATE_BODY PROTECTED_BODY("?9")
#define POST_UPDATE(MAX)                                                       \
	"UPDATE posts SET status = ?2, section_id = ?3, slug = ?4, "           \
	"title = ?5, excerpt = ?6, body_src = ?7, "                            \
	"body_format = ?8, " POST_UPDATE_BODY                                  \
	", source_url = ?10, published_at = ?11, updated_at = ?12, "           \
	"comments_open = ?13, sticky = ?14, "                                  \
	"activity_at = " MAX "(activity_at, ?11, ?12), "                       \
	"version = version + 1 WHERE id = ?1 AND version = ?15"
static const char SQL_POST_UPDATE[] = POST_UPDATE(MAX_SQLITE);
static const char SQL_POST_UPDATE_PG[] = POST_UPDATE(MAX_PG);
static const char SQL_POST_VERSION[] =
	"SELECT version FROM posts WHERE id = ?1";
static const char SQL_POST_TAGS_CLEAR[] =
	"DELETE FROM post_tags WHERE post_id = ?1";
static const char SQL_POST_AUTOSAVE[] =
	"UPDATE posts SET title = ?2, body_src = ?3, " PROTECTED_BODY(
		"?4") ", updated_at = ?5, version = version + 1 WHERE id = ?1 AND version = ?6";
/* ?4 is cast where it is first read: PostgreSQL would type it by the 0
 * it is compared with, a 32-bit integer (on SQLite the cast changes
 * nothing). */
#define POST_STATE(MAX)                                                        \
	"UPDATE posts SET status = ?2, updated_at = ?3, "                      \
	"published_at = CASE WHEN CAST(?4 AS BIGINT) = 0 THEN published_at "   \
	"ELSE ?4 END, activity_at = " MAX "(activity_at, ?3), "                \
	"version = version + 1 WHERE id = ?1"
static const char SQL_POST_STATE[] = POST_STATE(MAX_SQLITE);
static const char SQL_POST_STATE_PG[] = POST_STATE(MAX_PG);

int
store_post_edit_get(struct store *s, struct arena *a, int64_t id,
                    struct post_edit *out, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	memset(out, 0, sizeof(*out));
	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_EDIT_GET, e);
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, id);
	step = db_step(st, "post", e);
	if (step == 1) {
		post_row(a, st, &out->post);
		out->version = db_column_int64(st, POST_NCOLS);
		out->order_url = col_text(a, st, POST_NCOLS + 1);
	}
	stmt_done(st);
	if (step == 1)
		rc = post_tags(c, a, &out->post, e);
	else if (step == 0)
		error_set(e, ERR_NOT_FOUND, "no post %lld", (long long)id);
out:
	reader_put(s, locked);
	return rc;
}

static void
bind_admin_filter(struct db_stmt *st, const struct admin_post_query *q)
{
	bind_text(st, 1, post_type_names[q->type]);
	if (q->status >= 0 && q->status < POST_STATUS__MAX)
		bind_text(st, 2, post_status_names[q->status]);
	bind_id(st, 3, q->section_id);
	bind_id(st, 4, q->author_id);
}

int
store_admin_posts(struct store *s, struct arena *a,
                  const struct admin_post_query *q, struct post **out,
                  size_t *n, int64_t *total, struct error *e)
{
	struct rd r;
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	st = rd_prep(&r, s, SQL_ADMIN_COUNT, e);
	if (st == NULL)
		return -1;
	bind_admin_filter(st, q);
	rc = rd_step(&r, "admin post count", e);
	if (rc == 1)
		*total = db_column_int64(st, 0);
	rd_close(&r);
	if (rc == -1)
		return -1;
	if (q->limit <= 0 || q->offset < 0)
		return 0;
	st = rd_prep(&r, s, SQL_ADMIN_POSTS, e);
	if (st == NULL)
		return -1;
	bind_admin_filter(st, q);
	db_bind_int64(st, 5, q->limit);
	db_bind_int64(st, 6, q->offset);
	while ((rc = rd_step(&r, "admin posts", e)) == 1) {
		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		post_row(a, st, &(*out)[(*n)++]);
	}
	rd_close(&r);
	return rc;
}

int
store_admin_post_counts(struct store *s, enum post_type type, int64_t author_id,
                        int64_t *counts, struct error *e)
{
	struct rd r;
	struct db_stmt *st = rd_prep(&r, s, SQL_ADMIN_STATUS_COUNTS, e);
	int rc;

	memset(counts, 0, POST_STATUS__MAX * sizeof(*counts));
	if (st == NULL)
		return -1;
	bind_text(st, 1, post_type_names[type]);
	bind_id(st, 2, author_id);
	while ((rc = rd_step(&r, "post counts", e)) == 1) {
		int k = enum_lookup(post_status_names, POST_STATUS__MAX,
		                    db_column_text(st, 0, NULL));

		if (k >= 0)
			counts[k] = db_column_int64(st, 1);
	}
	rd_close(&r);
	return rc;
}

int
store_slug_owner(struct store *s, enum post_type type, const char *slug,
                 int64_t except_id, int64_t *owner, struct error *e)
{
	struct rd r;
	struct db_stmt *st;
	int rc;

	*owner = 0;
	if (slug_reserved(type, slug)) {
		*owner = -1;
		return 0;
	}
	st = rd_prep(&r, s, SQL_SLUG_OWNER, e);
	if (st == NULL)
		return -1;
	bind_text(st, 1, post_type_names[type]);
	bind_text(st, 2, slug);
	db_bind_int64(st, 3, except_id);
	rc = rd_step(&r, "slug", e);
	if (rc == 1)
		*owner = db_column_int64(st, 0);
	rd_close(&r);
	return rc == -1 ? -1 : 0;
}

int
store_slug_next(struct store *s, struct arena *a, enum post_type type,
                const char *slug, int64_t except_id, const char **out,
                struct error *e)
{
	int64_t owner;

	for (int n = 1; n <= LIM_WXR_SLUG_TRIES; n++) {
		char suffix[16];
		size_t keep;
		const char *try;

		suffix[0] = '\0';
		if (n > 1)
			snprintf(suffix, sizeof(suffix), "-%d", n);
		keep = utf8_cut(slug, strlen(slug),
		                LIM_SLUG_BYTES - strlen(suffix));
		try = arena_printf(a, "%.*s%s", (int)keep, slug, suffix);
		if (store_slug_owner(s, type, try, except_id, &owner, e) == -1)
			return -1;
		if (owner == 0) {
			*out = try;
			return 0;
		}
	}
	return error_set(e, ERR_CONFLICT,
	                 "no free slug for '%s' after %d tries", slug,
	                 LIM_WXR_SLUG_TRIES);
}

/* The post's version now; ERR_NOT_FOUND when it is gone. */
static int
post_version(struct store *s, int64_t id, int64_t *version, struct error *e)
{
	struct rd r;
	struct db_stmt *st = rd_prep(&r, s, SQL_POST_VERSION, e);
	int rc;

	*version = 0;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, id);
	rc = rd_step(&r, "post version", e);
	if (rc == 1)
		*version = db_column_int64(st, 0);
	rd_close(&r);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no post %lld",
		                 (long long)id);
	return rc == -1 ? -1 : 0;
}

/* Update p (the editor's columns) if its version is still base. */
static int
post_update(struct store *s, const struct post *p, int64_t base, int *stale,
            struct error *e)
{
	struct db_stmt *st =
		conn_prep(&s->w, ENGINE_SQL(s, SQL_POST_UPDATE), e);
	int64_t changes;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, p->id);
	bind_post_fields(st, p);
	db_bind_int64(st, 11, p->published_at);
	db_bind_int64(st, 12, p->updated_at);
	db_bind_int64(st, 13, p->comments_open);
	db_bind_int64(st, 14, p->sticky);
	db_bind_int64(st, 15, base);
	rc = db_step(st, "saving post", e); /* no rows: 0 or -1 */
	changes = db_changes(st);
	stmt_done(st);
	if (rc == -1) {
		if (e->code == ERR_CONFLICT)
			error_set(e, ERR_CONFLICT,
			          "another %s has the slug '%s'",
			          post_type_names[p->type], p->slug);
		return -1;
	}
	if (changes == 0) {
		int64_t v;

		if (post_version(s, p->id, &v, e) == -1)
			return -1;
		*stale = 1;
		return error_set(e, ERR_CONFLICT,
		                 "post %lld was saved by someone else (version "
		                 "%lld, not %lld)",
		                 (long long)p->id, (long long)v,
		                 (long long)base);
	}
	return 0;
}

int
store_post_save(struct store *s, const struct post_save *in, int64_t *id,
                int64_t *version, int *stale, struct error *e)
{
	const struct post *p = in->post;
	struct arena *a = NULL;

	*stale = 0;
	if (store_begin(s, e) == -1)
		return -1;
	if (p->id == 0) {
		if (store_post_add(s, p, id, e) == -1)
			goto fail;
	} else {
		*id = p->id;
		if (post_update(s, p, in->base_version, stale, e) == -1 ||
		    write_one(s, SQL_POST_TAGS_CLEAR, "post tags", NULL, e, "l",
		              p->id) == -1)
			goto fail;
		a = arena_new();
		for (size_t i = 0; i < p->ntags; i++)
			if (tag_attach(s, p->id, p->tags[i], a, e) == -1)
				goto fail;
		if (store_search_body_set(s, p->id,
		                          p->body_html ? p->body_html : "",
		                          e) == -1)
			goto fail;
	}
	if (post_version(s, *id, version, e) == -1 ||
	    store_revision_add(s, *id, p->title, p->body_src ? p->body_src : "",
	                       in->editor_id, *version, 0, in->now, e) == -1)
		goto fail;
	if (in->order_url != NULL &&
	    store_book_set(s, *id, in->order_url, e) == -1)
		goto fail;
	arena_free(a);
	return store_commit(s, e);
fail:
	arena_free(a);
	store_rollback(s);
	return -1;
}

int
store_post_autosave(struct store *s, int64_t id, int64_t base_version,
                    const char *title, const char *body_src,
                    const char *body_html, int live, int64_t editor_id,
                    int64_t now, int64_t *version, int *stale, struct error *e)
{
	int64_t changes;

	*stale = 0;
	if (store_begin(s, e) == -1)
		return -1;
	if (post_version(s, id, version, e) == -1)
		goto fail;
	if (*version != base_version) {
		*stale = 1;
		error_set(e, ERR_CONFLICT,
		          "post %lld was saved by someone else (version %lld, "
		          "not %lld)",
		          (long long)id, (long long)*version,
		          (long long)base_version);
		goto fail;
	}
	if (live) {
		if (write_count(s, SQL_POST_AUTOSAVE, "autosave", &changes, e,
		                "lsssll", id, title, body_src, body_html, now,
		                base_version) == -1 ||
		    store_search_body_set(s, id, body_html, e) == -1 ||
		    post_version(s, id, version, e) == -1)
			goto fail;
	}
	if (store_revision_add(s, id, title, body_src, editor_id, *version, 1,
	                       now, e) == -1)
		goto fail;
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}

int
store_post_set_state(struct store *s, int64_t id, enum post_status status,
                     int64_t published_at, int64_t now, struct error *e)
{
	int64_t changes;

	if (write_count(s, ENGINE_SQL(s, SQL_POST_STATE), "post status",
	                &changes, e, "lsll", id, post_status_names[status], now,
	                published_at) == -1)
		return -1;
	if (changes == 0)
		return error_set(e, ERR_NOT_FOUND, "no post %lld",
		                 (long long)id);
	return 0;
}

/*
 * Page slugs the site's routes own: a page there would never be reached,
 * so it gets the next free -N like any other clash.  Which ones they are
 * is decided above the store (core/slugs.h), from the route table; the
 * program hands the check in with store_slug_reserved_set().
 */
static int (*reserved_fn)(const char *slug);

void
store_slug_reserved_set(int (*fn)(const char *slug))
{
	reserved_fn = fn;
}

int
slug_reserved(enum post_type type, const char *slug)
{
	return type == POST_PAGE && reserved_fn != NULL && reserved_fn(slug);
}

int
store_post_protected(struct store *s, struct arena *a, int64_t id,
                     const char **password, const char **html, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_POST_PROTECTED, e);
	int rc;

	*password = *html = "";
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, id);
	rc = rd_step(&q, "post password", e);
	if (rc == 1) {
		*password = col_text(a, st, 0);
		*html = col_text(a, st, 1);
	}
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}

/* ---- what a post's page reads, sent ahead (decision 101) --------------- */

void
store_post_reads_send(struct store *s, const struct post *p,
                      const struct post_reads *r)
{
	struct error e;
	struct db_stmt *st;
	int64_t ids[2];
	int locked;
	struct conn *c;

	if (store_engine(s) != DB_PG || !store_reading(s))
		return;
	c = reader_get(s, &locked, &e);
	if (c == NULL)
		return;
	if (r->video)
		video_send(c, p->id);
	if (r->neighbors && p->type == POST_POST &&
	    neighbors_stmt(s, c, locked, p, r->now, ids, &st, &e) == 1 &&
	    st != NULL)
		(void)db_send(st, &e);
	if (r->threads > 0)
		threads_send(s, c, p->id, r->by_activity, r->threads,
		             r->offset);
	reader_put(s, locked);
}
