/*
 * import.h through the store's driver (db.h): what a WordPress (WXR)
 * import writes (the legacy links the site follows afterwards are
 * store_legacy.c's).  Every "put" runs inside the importer's store_begin()
 * transaction, on the writer, and matches on the WordPress id first so
 * that a second import of the same file adds nothing (see migration 006).
 * Where the dialects differ (decision 092) SQL_X_PG stands beside SQL_X;
 * the bulk and journal modes at the end (sqlite.h) are SQLite's alone.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "search.h"
#include "import.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/banned.h"

static const char SQL_USER_BY_LEGACY[] =
	"SELECT id FROM users WHERE legacy_id = ?1";
static const char SQL_USER_BY_LOGIN[] = "SELECT id FROM users WHERE login = ?1";
static const char SQL_USER_SET_LEGACY[] =
	"UPDATE users SET legacy_id = ?2 WHERE id = ?1 AND legacy_id IS NULL "
	"AND NOT EXISTS (SELECT 1 FROM users WHERE legacy_id = ?2)";
static const char SQL_USER_ADD[] =
	"INSERT INTO users(login, name, email, role, pw_hash, created_at, "
	"legacy_id) VALUES (?1, ?2, ?3, 'author', NULL, ?4, ?5) RETURNING id";

static const char SQL_SECTION_BY_LEGACY[] =
	"SELECT id FROM sections WHERE legacy_id = ?1";
static const char SQL_SECTION_BY_SLUG[] =
	"SELECT id FROM sections WHERE slug = ?1";
static const char SQL_SECTION_ADD[] =
	"INSERT INTO sections(slug, name, kind, position, description, "
	"legacy_id, parent_id) VALUES (?1, ?2, 'posts', "
	"(SELECT coalesce(max(position), 0) + 1 FROM sections), ?3, ?4, "
	"(SELECT id FROM sections WHERE slug = ?5)) RETURNING id";
/* A section no import made and no post is in yet (a new site's default
 * section, one added by hand for the import): the import's own. */
static const char SQL_SECTION_ADOPT[] =
	"UPDATE sections SET name = ?2, description = ?3, legacy_id = ?4 "
	"WHERE id = ?1 AND legacy_id IS NULL "
	"AND NOT EXISTS (SELECT 1 FROM post_sections WHERE section_id = ?1) "
	"AND NOT EXISTS (SELECT 1 FROM sections WHERE legacy_id = ?4)";
static const char SQL_SECTION_SET_LEGACY[] =
	"UPDATE sections SET legacy_id = ?2 WHERE id = ?1 AND legacy_id IS NULL "
	"AND NOT EXISTS (SELECT 1 FROM sections WHERE legacy_id = ?2)";

static const char SQL_TAG_BY_LEGACY[] =
	"SELECT id FROM tags WHERE legacy_id = ?1";
static const char SQL_TAG_BY_SLUG[] = "SELECT id FROM tags WHERE slug = ?1";
static const char SQL_TAG_ADD[] =
	"INSERT INTO tags(slug, name, description, legacy_id) "
	"VALUES (?1, ?2, ?3, ?4) RETURNING id";
static const char SQL_TAG_SET_LEGACY[] =
	"UPDATE tags SET legacy_id = ?2 WHERE id = ?1 AND legacy_id IS NULL "
	"AND NOT EXISTS (SELECT 1 FROM tags WHERE legacy_id = ?2)";

static const char SQL_TERM_BY_LEGACY[] =
	"SELECT id FROM terms WHERE legacy_id = ?1";
static const char SQL_TERM_BY_SLUG[] =
	"SELECT id FROM terms WHERE taxonomy = ?1 AND slug = ?2";
static const char SQL_TERM_ADD[] =
	"INSERT INTO terms(taxonomy, slug, name, description, parent_slug, "
	"legacy_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";
static const char SQL_TERM_SET_LEGACY[] =
	"UPDATE terms SET legacy_id = ?2 WHERE id = ?1 AND legacy_id IS NULL "
	"AND NOT EXISTS (SELECT 1 FROM terms WHERE legacy_id = ?2)";
static const char SQL_TERM_META_ADD[] =
	"INSERT INTO term_meta(taxonomy, term_slug, key, value) "
	"VALUES (?1, ?2, ?3, ?4)";

static const char SQL_POST_BY_LEGACY[] =
	"SELECT id FROM posts WHERE legacy_id = ?1";
static const char SQL_POST_ID_TAKEN[] = "SELECT id FROM posts WHERE id = ?1";
static const char SQL_POST_SLUG_TAKEN[] =
	"SELECT id FROM posts WHERE type = ?1 AND slug = ?2";
/*
 * Two things the engines read differently, so the statements that meet
 * them are made twice from one macro, SQL_X and SQL_X_PG, chosen by
 * ENGINE_SQL (decision 092):
 *
 * - The larger of several values is SQLite's scalar max(a, b, …) and
 *   PostgreSQL's greatest(a, b, …).  greatest() would type bare
 *   parameters as text, which the bigint columns they also fill refuse,
 *   so there they are cast.
 * - A post or comment keeps its WordPress id when that number is free,
 *   and ?1 is NULL when it is not: SQLite numbers a NULL INTEGER PRIMARY
 *   KEY, where PostgreSQL refuses NULL in an identity column (only an
 *   absent one takes its default), so there the id is the identity's
 *   next value; and an id given moves the identity past it (id_past()).
 */
#define NEW_ID_PG(table)                                                       \
	"coalesce(?1, nextval(pg_get_serial_sequence('" table "', 'id')))"
#define POST_ADD(ID, ACTIVITY)                                                 \
	"INSERT INTO posts(id, type, status, slug, title, excerpt, body_src, " \
	"body_format, body_html, author_id, published_at, updated_at, "        \
	"comments_open, sticky, activity_at, legacy_id, legacy_guid, "         \
	"legacy_parent, private, password, protected_html, comment_count) "    \
	"VALUES (" ID ", ?2, ?3, ?4, ?5, ?6, ?7, 'html', ?8, ?9, ?10, ?11, "   \
	"?12, ?13, " ACTIVITY ", ?14, ?15, ?16, ?17, ?18, ?19, ?21) "          \
	"RETURNING id"
static const char SQL_POST_ADD[] = POST_ADD("?1", "max(?10, ?11, ?20)");
static const char SQL_POST_ADD_PG[] =
	POST_ADD(NEW_ID_PG("posts"),
                 "greatest(CAST(?10 AS BIGINT), "
                 "CAST(?11 AS BIGINT), CAST(?20 AS BIGINT))");
/*
 * PostgreSQL: the identity of table moves to id when it is behind, so
 * that a row it numbers later (this import's next, or one written on the
 * site) is not given the same.  setval() is not undone by a rollback: an
 * import that fails leaves a gap in the numbers, as any failed insert
 * does.
 */
static const char SQL_ID_PAST_PG[] =
	"SELECT setval(pg_get_serial_sequence(?1, 'id'), ?2) WHERE ?2 > "
	"coalesce(pg_sequence_last_value(pg_get_serial_sequence(?1, 'id')), 0)";
static const char SQL_POST_SECTION_ADD[] =
	"INSERT INTO post_sections(post_id, section_id) VALUES (?1, ?2) "
	"ON CONFLICT DO NOTHING";
static const char SQL_POST_SECTION_FIRST[] =
	"UPDATE posts SET section_id = ?2 WHERE id = ?1 AND section_id IS NULL";
static const char SQL_POST_TAG_ADD[] =
	"INSERT INTO post_tags(post_id, tag_id) VALUES (?1, ?2) "
	"ON CONFLICT DO NOTHING";
static const char SQL_POST_TERM_ADD[] =
	"INSERT INTO post_terms(post_id, term_id) VALUES (?1, ?2) "
	"ON CONFLICT DO NOTHING";
static const char SQL_POST_META_ADD[] =
	"INSERT INTO post_meta(post_id, key, value) VALUES (?1, ?2, ?3)";
#define POST_VIEWS(MAX)                                                        \
	"UPDATE posts SET views_total = " MAX "(views_total, ?2) WHERE id = ?1"
static const char SQL_POST_VIEWS[] = POST_VIEWS("max");
static const char SQL_POST_VIEWS_PG[] = POST_VIEWS("greatest");

static const char SQL_COMMENT_BY_LEGACY[] =
	"SELECT id FROM comments WHERE legacy_id = ?1";
static const char SQL_COMMENT_ID_TAKEN[] =
	"SELECT id FROM comments WHERE id = ?1";
/*
 * A comment whose thread the importer could not join up itself (a new
 * reply on a post imported before): its parent is looked up as it goes
 * in, by the same rule as SQL_FIX_COMMENT_PARENTS, and the rest is left
 * to store_import_finish().
 */
#define COMMENT_ADD(ID)                                                        \
	"INSERT INTO comments(id, post_id, depth, author_name, author_email, " \
	"author_url, user_id, body_src, body_html, status, created_at, "       \
	"activity_at, legacy_id, legacy_parent, parent_id) VALUES (" ID ", "   \
	"?2, 0, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, (SELECT c.id " \
	"FROM comments c WHERE c.legacy_id = ?12 AND c.post_id = ?2)) "        \
	"RETURNING id"
static const char SQL_COMMENT_ADD[] = COMMENT_ADD("?1");
static const char SQL_COMMENT_ADD_PG[] = COMMENT_ADD(NEW_ID_PG("comments"));
/* One the importer joined up (c->threaded): every column final.  Its
 * thread is ?1 when it has none (a top-level comment), cast for
 * PostgreSQL's coalesce(), which would type two parameters as text. */
#define COMMENT_ADD_THREADED(ID)                                               \
	"INSERT INTO comments(id, post_id, depth, author_name, author_email, " \
	"author_url, user_id, body_src, body_html, status, created_at, "       \
	"activity_at, legacy_id, legacy_parent, parent_id, thread_id, "        \
	"reply_count) VALUES (" ID ", ?2, ?13, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "   \
	"?10, ?14, ?11, ?12, ?15, coalesce(CAST(?16 AS BIGINT), ?1), ?17) "    \
	"RETURNING id"
static const char SQL_COMMENT_ADD_THREADED[] = COMMENT_ADD_THREADED("?1");
static const char SQL_COMMENT_ADD_THREADED_PG[] =
	COMMENT_ADD_THREADED(NEW_ID_PG("comments"));
static const char SQL_COMMENT_OWN_THREAD[] =
	"UPDATE comments SET thread_id = id WHERE id = ?1";
static const char SQL_PINGBACK_BY_LEGACY[] =
	"SELECT id FROM pingbacks WHERE legacy_id = ?1";
static const char SQL_PINGBACK_ADD[] =
	"INSERT INTO pingbacks(post_id, type, author_name, author_url, body, "
	"status, created_at, legacy_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	"?8) RETURNING id";
static const char SQL_COMMENT_META_ADD[] =
	"INSERT INTO comment_meta(comment_id, key, value) VALUES (?1, ?2, ?3)";

static const char SQL_MEDIA_BY_LEGACY[] =
	"SELECT id FROM media WHERE legacy_id = ?1";
static const char SQL_MEDIA_BY_PATH[] = "SELECT id FROM media WHERE path = ?1";
static const char SQL_MEDIA_ADD[] =
	"INSERT INTO media(path, mime, bytes, title, created_at, remote_url, "
	"legacy_id, legacy_parent) VALUES (?1, ?2, 0, ?3, ?4, ?1, ?5, ?6) "
	"RETURNING id";

static const char SQL_LEGACY_PATH_ADD[] =
	"INSERT INTO legacy_paths(path, post_id, media_id, url) "
	"VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING";

/*
 * store_import_finish(): join up what may have arrived out of order, in
 * this order (each step reads what the one before wrote).  Only rows
 * with a legacy id are touched, so the rest of the site is left alone.
 */
static const char SQL_FIX_POST_PARENTS[] =
	"UPDATE posts SET parent_id = (SELECT p.id FROM posts p "
	"WHERE p.legacy_id = posts.legacy_parent AND p.id != posts.id) "
	"WHERE legacy_parent IS NOT NULL AND parent_id IS NULL";
static const char SQL_FIX_MEDIA_POSTS[] =
	"UPDATE media SET post_id = (SELECT p.id FROM posts p "
	"WHERE p.legacy_id = media.legacy_parent) "
	"WHERE legacy_parent IS NOT NULL AND post_id IS NULL";
static const char SQL_FIX_COMMENT_PARENTS[] =
	"UPDATE comments SET parent_id = (SELECT c.id FROM comments c "
	"WHERE c.legacy_id = comments.legacy_parent "
	"AND c.post_id = comments.post_id AND c.id != comments.id) "
	"WHERE legacy_parent IS NOT NULL AND parent_id IS NULL "
	"AND thread_id IS NULL";
/* Thread and depth down from each top-level comment; a reply whose
 * ancestors loop never meets a root and is made top-level next. */
static const char SQL_FIX_THREADS[] =
	"WITH RECURSIVE t(id, thread, depth) AS ("
	"SELECT id, id, 0 FROM comments "
	"WHERE parent_id IS NULL AND legacy_id IS NOT NULL "
	"UNION ALL SELECT c.id, t.thread, t.depth + 1 FROM comments c "
	"JOIN t ON c.parent_id = t.id WHERE t.depth < 100000) "
	"UPDATE comments SET thread_id = t.thread, depth = t.depth "
	"FROM t WHERE t.id = comments.id";
static const char SQL_FIX_ORPHANS[] =
	"UPDATE comments SET parent_id = NULL, thread_id = id, depth = 0 "
	"WHERE legacy_id IS NOT NULL AND thread_id IS NULL";
static const char SQL_FIX_REPLIES[] =
	"UPDATE comments SET reply_count = (SELECT count(*) FROM comments r "
	"WHERE r.parent_id = comments.id AND r.status != 'trash') "
	"WHERE legacy_id IS NOT NULL";
/* The scalar max() of SQLite is greatest() on PostgreSQL (the
 * aggregate max() inside is the same on both). */
#define FIX_THREAD_ACTIVITY(MAX)                                               \
	"UPDATE comments SET activity_at = " MAX "(created_at, coalesce(("     \
	"SELECT max(r.created_at) FROM comments r "                            \
	"WHERE r.post_id = comments.post_id AND r.thread_id = comments.id "    \
	"AND r.status = 'approved'), 0)) "                                     \
	"WHERE legacy_id IS NOT NULL AND parent_id IS NULL"
static const char SQL_FIX_THREAD_ACTIVITY[] = FIX_THREAD_ACTIVITY("max");
static const char SQL_FIX_THREAD_ACTIVITY_PG[] =
	FIX_THREAD_ACTIVITY("greatest");
#define FIX_POST_COUNTS(MAX)                                                   \
	"UPDATE posts SET comment_count = (SELECT count(*) FROM comments c "   \
	"WHERE c.post_id = posts.id AND c.status = 'approved'), "              \
	"activity_at = " MAX "(published_at, updated_at, coalesce(("           \
	"SELECT max(c.created_at) FROM comments c WHERE c.post_id = posts.id " \
	"AND c.status = 'approved'), 0)) WHERE legacy_id IS NOT NULL"
static const char SQL_FIX_POST_COUNTS[] = FIX_POST_COUNTS("max");
static const char SQL_FIX_POST_COUNTS_PG[] = FIX_POST_COUNTS("greatest");

static void
bind_args(struct db_stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types[i] != '\0'; i++) {
		switch (types[i]) {
		case 's':
			bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		case 'i':
			db_bind_int64(st, i + 1, va_arg(ap, int));
			break;
		case 'l':
			db_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'n':
			bind_id(st, i + 1, va_arg(ap, int64_t));
			break;
		default:
			assert(!"bad type in bind_args");
		}
	}
}

/*
 * One lookup on the writer (inside the import's transaction): the first
 * column of the first row in *out, 0 when there is no row.
 */
static int
lookup(struct store *s, const char *sql, int64_t *out, struct error *e,
       const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc = -1;

	*out = 0;
	writer_lock(s);
	st = conn_prep(&s->w, sql, e);
	if (st == NULL)
		goto out;
	va_start(ap, types);
	bind_args(st, types, ap);
	va_end(ap);
	rc = db_step(st, "import lookup", e);
	if (rc == 1)
		*out = db_column_int64(st, 0);
	stmt_done(st);
	rc = rc == -1 ? -1 : 0;
out:
	writer_unlock(s);
	return rc;
}

/* After a row of table was given id (not numbered by the engine): on
 * PostgreSQL its identity moves past id (SQL_ID_PAST_PG); SQLite numbers
 * past the largest id by itself. */
static int
id_past(struct store *s, const char *table, int64_t id, struct error *e)
{
	if (store_engine(s) != DB_PG || id == 0)
		return 0;
	return write_one(s, SQL_ID_PAST_PG, "numbering imported rows", NULL, e,
	                 "sl", table, id);
}

int
store_import_user_by_login(struct store *s, const char *login, int64_t *id,
                           struct error *e)
{
	return lookup(s, SQL_USER_BY_LOGIN, id, e, "s", login);
}

int
store_import_user_by_legacy(struct store *s, int64_t legacy_id, int64_t *id,
                            struct error *e)
{
	*id = 0;
	if (legacy_id == 0)
		return 0;
	return lookup(s, SQL_USER_BY_LEGACY, id, e, "l", legacy_id);
}

int
store_import_user(struct store *s, const struct import_user *u, int64_t *id,
                  int *existed, struct error *e)
{
	*existed = 1;
	if (store_import_user_by_legacy(s, u->legacy_id, id, e) == -1)
		return -1;
	if (*id != 0)
		return 0;
	if (store_import_user_by_login(s, u->login, id, e) == -1)
		return -1;
	if (*id != 0)
		return u->legacy_id == 0
		               ? 0
		               : write_one(s, SQL_USER_SET_LEGACY, "user", NULL,
		                           e, "ll", *id, u->legacy_id);
	*existed = 0;
	return write_one(s, SQL_USER_ADD, "adding user", id, e, "sssln",
	                 u->login, u->name ? u->name : "",
	                 u->email ? u->email : "", clock_now(), u->legacy_id);
}

/* "tag" is WXR 1.0's name for "post_tag". */
static const char *
taxonomy_norm(const char *t)
{
	return strcmp(t, "tag") == 0 ? "post_tag" : t;
}

int
store_import_term(struct store *s, const struct import_term *t, int64_t *id,
                  int *existed, struct error *e)
{
	const char *tax = taxonomy_norm(t->taxonomy);
	const char *name = t->name && *t->name ? t->name : t->slug;
	const char *desc = t->description ? t->description : "";
	const char *by_legacy, *by_slug, *set_legacy;
	int rc;

	if (strcmp(tax, "category") == 0) {
		by_legacy = SQL_SECTION_BY_LEGACY;
		by_slug = SQL_SECTION_BY_SLUG;
		set_legacy = SQL_SECTION_SET_LEGACY;
	} else if (strcmp(tax, "post_tag") == 0) {
		by_legacy = SQL_TAG_BY_LEGACY;
		by_slug = SQL_TAG_BY_SLUG;
		set_legacy = SQL_TAG_SET_LEGACY;
	} else {
		by_legacy = SQL_TERM_BY_LEGACY;
		by_slug = SQL_TERM_BY_SLUG;
		set_legacy = SQL_TERM_SET_LEGACY;
	}
	*existed = 1;
	*id = 0;
	if (t->legacy_id != 0 &&
	    lookup(s, by_legacy, id, e, "l", t->legacy_id) == -1)
		return -1;
	if (*id != 0)
		return 0;
	rc = by_slug == SQL_TERM_BY_SLUG
	             ? lookup(s, by_slug, id, e, "ss", tax, t->slug)
	             : lookup(s, by_slug, id, e, "s", t->slug);
	if (rc == -1)
		return -1;
	if (*id != 0 && by_slug == SQL_SECTION_BY_SLUG && t->legacy_id != 0) {
		int64_t n = 0;

		if (write_count(s, SQL_SECTION_ADOPT, "adopting section", &n, e,
		                "lssl", *id, name, desc, t->legacy_id) == -1)
			return -1;
		if (n > 0) {
			*existed = 0; /* taken as the import's: its meta too */
			return 0;
		}
	}
	if (*id != 0)
		return t->legacy_id == 0
		               ? 0
		               : write_one(s, set_legacy, "term", NULL, e, "ll",
		                           *id, t->legacy_id);
	*existed = 0;
	if (by_slug == SQL_SECTION_BY_SLUG)
		return write_one(s, SQL_SECTION_ADD, "adding section", id, e,
		                 "sssns", t->slug, name, desc, t->legacy_id,
		                 t->parent_slug ? t->parent_slug : "");
	if (by_slug == SQL_TAG_BY_SLUG)
		return write_one(s, SQL_TAG_ADD, "adding tag", id, e, "sssn",
		                 t->slug, name, desc, t->legacy_id);
	return write_one(s, SQL_TERM_ADD, "adding term", id, e, "sssssn", tax,
	                 t->slug, name, desc,
	                 t->parent_slug ? t->parent_slug : "", t->legacy_id);
}

int
store_import_term_meta(struct store *s, const char *taxonomy, const char *slug,
                       const char *key, const char *value, struct error *e)
{
	return write_one(s, SQL_TERM_META_ADD, "term meta", NULL, e, "ssss",
	                 taxonomy_norm(taxonomy), slug, key, value);
}

/* The first of slug, slug-2, slug-3 ... free for type, in a. */
static int
free_slug(struct store *s, struct arena *a, enum post_type type,
          const char *slug, const char **out, struct error *e)
{
	int64_t taken;

	for (int n = 1; n <= LIM_WXR_SLUG_TRIES; n++) {
		const char *try =
			n == 1 ? slug : arena_printf(a, "%s-%d", slug, n);

		if (slug_reserved(type, try))
			continue;
		if (lookup(s, SQL_POST_SLUG_TAKEN, &taken, e, "ss",
		           post_type_names[type], try) == -1)
			return -1;
		if (taken == 0) {
			*out = try;
			return 0;
		}
	}
	return error_set(e, ERR_CONFLICT,
	                 "no free slug for '%s' after %d tries", slug,
	                 LIM_WXR_SLUG_TRIES);
}

int
store_import_post(struct store *s, struct arena *a, const struct import_post *p,
                  int64_t *id, const char **slug_out, int *existed,
                  struct error *e)
{
	int64_t taken, want;

	*existed = 1;
	*slug_out = p->slug;
	if (lookup(s, SQL_POST_BY_LEGACY, id, e, "l", p->legacy_id) == -1)
		return -1;
	if (*id != 0)
		return 0;
	*existed = 0;
	if (free_slug(s, a, p->type, p->slug, slug_out, e) == -1 ||
	    lookup(s, SQL_POST_ID_TAKEN, &taken, e, "l", p->legacy_id) == -1)
		return -1;
	want = taken == 0 ? p->legacy_id : 0; /* 0: the engine numbers it */
	if (write_one(s, ENGINE_SQL(s, SQL_POST_ADD), "adding post", id, e,
	              "nsssssssnlliilsnissll", want, post_type_names[p->type],
	              post_status_names[p->status], *slug_out, p->title,
	              p->excerpt, p->body_src, p->body_html, p->author_id,
	              p->published_at, p->updated_at, p->comments_open,
	              p->sticky, p->legacy_id, p->legacy_guid, p->legacy_parent,
	              p->private_, p->password,
	              p->protected_html ? p->protected_html : "",
	              p->comment_activity, p->comment_count) == -1)
		return -1;
	return id_past(s, "posts", want, e);
}

static const char SQL_MEDIA_ONE[] =
	"SELECT coalesce(nullif(remote_url, ''), path), title FROM media "
	"WHERE legacy_id = ?1";
/* Images attached to a post, in WordPress id order (upload order). */
static const char SQL_MEDIA_CHILDREN[] =
	"SELECT coalesce(nullif(remote_url, ''), path), title FROM media "
	"WHERE legacy_parent = ?1 AND mime LIKE 'image/%' "
	"ORDER BY legacy_id LIMIT ?2";
static const char SQL_POST_SOURCE[] =
	"SELECT legacy_id, body_src, password FROM posts WHERE id = ?1";
static const char SQL_POST_SET_HTML[] =
	"UPDATE posts SET body_html = ?2 WHERE id = ?1";
static const char SQL_POST_SET_PROTECTED[] =
	"UPDATE posts SET protected_html = ?2 WHERE id = ?1";

int
store_import_media_list(struct store *s, struct arena *a, int64_t legacy_id,
                        int64_t legacy_parent, const char **urls,
                        const char **titles, size_t max, size_t *n,
                        struct error *e)
{
	struct rd q;
	struct db_stmt *st =
		rd_prep(&q, s,
	                legacy_id > 0 ? SQL_MEDIA_ONE : SQL_MEDIA_CHILDREN, e);
	int rc;

	*n = 0;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, legacy_id > 0 ? legacy_id : legacy_parent);
	if (legacy_id <= 0)
		db_bind_int64(st, 2, (int64_t)max);
	while (*n < max && (rc = rd_step(&q, "attachments", e)) == 1) {
		urls[*n] = col_text(a, st, 0);
		titles[*n] = col_text(a, st, 1);
		(*n)++;
	}
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}

int
store_import_post_source(struct store *s, struct arena *a, int64_t id,
                         int64_t *legacy_id, const char **body_src,
                         const char **password, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_POST_SOURCE, e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, id);
	rc = rd_step(&q, "post source", e);
	if (rc == 1) {
		*legacy_id = db_column_int64(st, 0);
		*body_src = col_text(a, st, 1);
		*password = col_text(a, st, 2);
	}
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no post %lld",
		                 (long long)id);
	return rc == 1 ? 0 : -1;
}

int
store_import_post_html(struct store *s, int64_t id, const char *html,
                       int protected_, struct error *e)
{
	if (write_one(s,
	              protected_ ? SQL_POST_SET_PROTECTED : SQL_POST_SET_HTML,
	              "setting a body", NULL, e, "ls", id, html) == -1)
		return -1;
	return protected_ ? 0 : store_search_body_set(s, id, html, e);
}

int
store_import_post_term(struct store *s, int64_t post_id, const char *taxonomy,
                       const char *slug, const char *name, struct error *e)
{
	struct import_term t = {0, taxonomy, slug, name, "", ""};
	const char *tax = taxonomy_norm(taxonomy);
	int64_t id;
	int existed;

	if (store_import_term(s, &t, &id, &existed, e) == -1)
		return -1;
	if (strcmp(tax, "category") == 0)
		return write_one(s, SQL_POST_SECTION_ADD, "post section", NULL,
		                 e, "ll", post_id, id) == -1 ||
		                       write_one(s, SQL_POST_SECTION_FIRST,
		                                 "post section", NULL, e, "ll",
		                                 post_id, id) == -1
		               ? -1
		               : 0;
	if (strcmp(tax, "post_tag") == 0)
		return write_one(s, SQL_POST_TAG_ADD, "post tag", NULL, e, "ll",
		                 post_id, id);
	return write_one(s, SQL_POST_TERM_ADD, "post term", NULL, e, "ll",
	                 post_id, id);
}

int
store_import_post_meta(struct store *s, int64_t post_id, const char *key,
                       const char *value, struct error *e)
{
	return write_one(s, SQL_POST_META_ADD, "post meta", NULL, e, "lss",
	                 post_id, key, value);
}

int
store_import_views(struct store *s, int64_t post_id, int64_t views,
                   struct error *e)
{
	return write_one(s, ENGINE_SQL(s, SQL_POST_VIEWS), "post views", NULL,
	                 e, "ll", post_id, views);
}

int
store_import_comment(struct store *s, const struct import_comment *c,
                     int64_t *id, int *existed, struct error *e)
{
	int64_t taken, want;

	*existed = 1;
	if (c->type != IMPORT_COMMENT) {
		if (lookup(s, SQL_PINGBACK_BY_LEGACY, id, e, "l",
		           c->legacy_id) == -1)
			return -1;
		if (*id != 0)
			return 0;
		*existed = 0;
		return write_one(s, SQL_PINGBACK_ADD, "adding pingback", id, e,
		                 "lsssssll", c->post_id,
		                 c->type == IMPORT_PINGBACK ? "pingback"
		                                            : "trackback",
		                 c->author_name, c->author_url, c->body_src,
		                 comment_status_names[c->status], c->created_at,
		                 c->legacy_id);
	}
	if (lookup(s, SQL_COMMENT_BY_LEGACY, id, e, "l", c->legacy_id) == -1)
		return -1;
	if (*id != 0)
		return 0;
	*existed = 0;
	if (lookup(s, SQL_COMMENT_ID_TAKEN, &taken, e, "l", c->legacy_id) == -1)
		return -1;
	want = taken == 0 ? c->legacy_id : 0;
	if (!c->threaded)
		return write_one(s, ENGINE_SQL(s, SQL_COMMENT_ADD),
		                 "adding comment", id, e, "nlsssnssslln", want,
		                 c->post_id, c->author_name, c->author_email,
		                 c->author_url, c->user_id, c->body_src,
		                 c->body_html, comment_status_names[c->status],
		                 c->created_at, c->legacy_id,
		                 c->legacy_parent) == -1
		               ? -1
		               : id_past(s, "comments", want, e);
	if (write_one(s, ENGINE_SQL(s, SQL_COMMENT_ADD_THREADED),
	              "adding comment", id, e, "nlsssnsssllnilnni", want,
	              c->post_id, c->author_name, c->author_email,
	              c->author_url, c->user_id, c->body_src, c->body_html,
	              comment_status_names[c->status], c->created_at,
	              c->legacy_id, c->legacy_parent, c->depth, c->activity_at,
	              c->parent_id, c->thread_id, c->reply_count) == -1 ||
	    id_past(s, "comments", want, e) == -1)
		return -1;
	/* a top-level comment whose WordPress id was taken learns its own
	 * id only now */
	if (c->thread_id == 0 && taken != 0)
		return write_one(s, SQL_COMMENT_OWN_THREAD, "adding comment",
		                 NULL, e, "l", *id);
	return 0;
}

int
store_import_comment_meta(struct store *s, int64_t comment_id, const char *key,
                          const char *value, struct error *e)
{
	return write_one(s, SQL_COMMENT_META_ADD, "comment meta", NULL, e,
	                 "lss", comment_id, key, value);
}

int
store_import_media(struct store *s, const struct import_media *m, int64_t *id,
                   int *existed, struct error *e)
{
	*existed = 1;
	if (lookup(s, SQL_MEDIA_BY_LEGACY, id, e, "l", m->legacy_id) == -1)
		return -1;
	if (*id != 0)
		return 0;
	if (lookup(s, SQL_MEDIA_BY_PATH, id, e, "s", m->url) == -1)
		return -1;
	if (*id != 0)
		return 0;
	*existed = 0;
	return write_one(s, SQL_MEDIA_ADD, "adding media", id, e, "ssslln",
	                 m->url, m->mime, m->title, m->created_at, m->legacy_id,
	                 m->legacy_parent);
}

int
store_import_legacy_path(struct store *s, const char *path, int64_t post_id,
                         int64_t media_id, const char *url, struct error *e)
{
	return write_one(s, SQL_LEGACY_PATH_ADD, "legacy path", NULL, e, "snns",
	                 path, post_id, media_id, url ? url : "");
}

/*
 * Bulk mode.  The search index's triggers (migration 005) index a post
 * when it is inserted and again, whole, for every tag attached after it
 * (FTS5 rewrites a row to change one column): for an import with a few
 * tags a post that was half its CPU time.  So they are set aside for the
 * import, their SQL kept in a temporary table, and put back at the end,
 * with each post that has no row in the index yet indexed once, as
 * store_search_reindex() does.  All of it inside the caller's
 * transaction: a failed import rolls the triggers back too.
 *
 * This, and the journal below, are SQLite's alone (sqlite.h), each behind
 * its engine's check.  On PostgreSQL the triggers stay on: disabling one
 * there (ALTER TABLE … DISABLE TRIGGER) locks the table against every
 * reader, on every node, until the import commits, and the whole
 * table's USER triggers would take the post counts' (migration 015) with
 * them; so a post is indexed as it goes in and again for each tag, the
 * price of importing beside a running site.  The cache is the server's.
 * Where a bulk step reads a row for search_index_row(), which reads a
 * sqlite3_stmt (store_search.c's), it prepares on the SQLite handle.
 */
static const char *const bulk_triggers[] = {"posts_fts_insert",
                                            "post_tags_fts_insert"};
static const char SQL_BULK_KEEP[] =
	"CREATE TEMP TABLE IF NOT EXISTS import_triggers(name TEXT, sql TEXT)";
static const char SQL_BULK_SAVE[] =
	"INSERT INTO temp.import_triggers(name, sql) SELECT name, sql "
	"FROM main.sqlite_master WHERE type = 'trigger' AND name = ?1";
static const char SQL_BULK_SAVED[] =
	"SELECT name, sql FROM temp.import_triggers";
static const char SQL_BULK_FORGET[] = "DELETE FROM temp.import_triggers";
/* What posts_fts_insert writes, for the posts it did not see. */
static const char SQL_BULK_UNINDEXED[] =
	"SELECT " SEARCH_SOURCE_COLS
	"FROM posts p WHERE NOT EXISTS (SELECT 1 FROM posts_fts f "
	"WHERE f.rowid = p.id) ORDER BY p.id";

static const char SQL_BULK_ONE[] =
	"SELECT " SEARCH_SOURCE_COLS "FROM posts p WHERE p.id = ?1";

int
store_import_index(struct store *s, struct arena *a, int64_t id,
                   const char *text, struct error *e)
{
	sqlite3_stmt *st;
	int rc = -1, step;

	writer_lock(s);
	if (!s->bulk) { /* the triggers index it */
		writer_unlock(s);
		return 0;
	}
	st = conn_stmt(&s->w, SQL_BULK_ONE, e);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		rc = search_index_row(s, a, st, text, e);
		s->bulk_indexed += rc == 0;
	} else if (step == SQLITE_DONE)
		rc = error_set(e, ERR_NOT_FOUND, "no post %lld to index",
		               (long long)id);
	else
		db_error(e, s->w.db, "reading a post to index");
	stmt_done(st);
out:
	writer_unlock(s);
	return rc;
}

static int
bulk_index(struct store *s, struct error *e)
{
	sqlite3_stmt *list;
	struct arena *a = arena_new();
	int step, rc = -1;

	list = conn_stmt(&s->w, SQL_BULK_UNINDEXED, e);
	if (list == NULL)
		goto out;
	while ((step = sqlite3_step(list)) == SQLITE_ROW) {
		if (search_index_row(s, a, list, NULL, e) == -1)
			goto done;
		s->bulk_indexed++;
	}
	if (step != SQLITE_DONE)
		db_error(e, s->w.db, "reading posts to index");
	else
		rc = 0;
done:
	stmt_done(list);
out:
	arena_free(a);
	return rc;
}

static int
bulk_restore_triggers(struct store *s, struct error *e)
{
	struct db_stmt *st = conn_prep(&s->w, SQL_BULK_SAVED, e);
	int step = 0, rc = 0;

	if (st == NULL)
		return -1;
	/* the schema's own text, read back from sqlite_master */
	while (rc == 0 && (step = db_step(st, "import triggers", e)) == 1)
		rc = db_exec(s->w.d, db_column_text(st, 1, NULL),
		             "import triggers", e);
	if (step == -1)
		rc = -1;
	stmt_done(st);
	if (rc == 0)
		rc = db_exec(s->w.d, SQL_BULK_FORGET, "import triggers", e);
	return rc;
}

/*
 * An import that made most of the search index leaves it as FTS5's
 * 'optimize' does, in one segment: posts indexed one by one leave many,
 * and every term of every search is looked up in each (10 segments made
 * searches 10-17% dearer on bench/search.sh's site).  It costs about 3 s
 * per 50,000 posts, so an import that adds a few posts to a big site
 * leaves the index as it is: only when it indexed at least one post in
 * IMPORT_OPTIMIZE_SHARE of those there are.
 */
#define IMPORT_OPTIMIZE_SHARE 10
static const char SQL_BULK_POSTS[] = "SELECT count(*) FROM posts";
static const char SQL_BULK_OPTIMIZE[] =
	"INSERT INTO posts_fts(posts_fts) VALUES ('optimize')";

static int
bulk_optimize(struct store *s, struct error *e)
{
	struct db_stmt *st = conn_prep(&s->w, SQL_BULK_POSTS, e);
	int64_t posts = 0;
	int step;

	if (st == NULL)
		return -1;
	step = db_step(st, "counting posts", e);
	if (step == 1)
		posts = db_column_int64(st, 0);
	stmt_done(st);
	if (step == -1)
		return -1;
	if (s->bulk_indexed == 0 ||
	    s->bulk_indexed * IMPORT_OPTIMIZE_SHARE < posts)
		return 0;
	return write_one(s, SQL_BULK_OPTIMIZE, "optimizing the search index",
	                 NULL, e, "");
}

int
store_import_bulk(struct store *s, int on, struct error *e)
{
	char sql[64];
	int rc = -1;

	if (store_engine(s) != DB_SQLITE)
		return 0; /* the triggers stay on (above); s->bulk stays 0 */
	writer_lock(s);
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d",
	         on ? LIM_IMPORT_CACHE_KIB : 2000);
	if (db_exec(s->w.d, sql, "import cache", e) == -1)
		goto out;
	if (on) {
		if (db_exec(s->w.d, SQL_BULK_KEEP, "import triggers", e) ==
		            -1 ||
		    db_exec(s->w.d, SQL_BULK_FORGET, "import triggers", e) ==
		            -1)
			goto out;
		for (size_t i = 0;
		     i < sizeof(bulk_triggers) / sizeof(bulk_triggers[0]);
		     i++) {
			/* DROP takes no parameter: the names are constants */
			snprintf(sql, sizeof(sql), "DROP TRIGGER IF EXISTS %s",
			         bulk_triggers[i]);
			if (write_one(s, SQL_BULK_SAVE, "import triggers", NULL,
			              e, "s", bulk_triggers[i]) == -1 ||
			    db_exec(s->w.d, sql, "import triggers", e) == -1)
				goto out;
		}
	} else if (bulk_restore_triggers(s, e) == -1 ||
	           bulk_index(s, e) == -1 || bulk_optimize(s, e) == -1) {
		goto out;
	}
	s->bulk = on;
	s->bulk_indexed = 0;
	rc = 0;
out:
	writer_unlock(s);
	return rc;
}

/*
 * The journal of a bulk import.  In WAL mode every page the import writes
 * goes to the WAL first and is copied into the database again at the
 * checkpoint; a rollback journal keeps only what pages the database had
 * before the import held (none of the new ones), so each page is written
 * once.  Leaving WAL needs the database to itself: with a server running
 * on it, the import stays in WAL, slower but side by side.  A crash in
 * between leaves a hot journal that the next open rolls back, and every
 * open (store_open's migrate()) puts WAL back.  Whether the database is
 * busy is SQLite's own answer (SQLITE_BUSY), so this asks the handle.
 * PostgreSQL has no journal to choose: nothing to do, nothing to warn of.
 */
static const char SQL_JOURNAL_ALONE[] = "PRAGMA journal_mode = TRUNCATE";
static const char SQL_JOURNAL_WAL[] = "PRAGMA journal_mode = WAL";

int
store_import_alone(struct store *s, int on, int *alone, struct error *e)
{
	sqlite3_stmt *st;
	int rc = -1, step;

	*alone = 0;
	if (store_engine(s) != DB_SQLITE) {
		*alone = 1;
		return 0;
	}
	writer_lock(s);
	st = conn_stmt(&s->w, on ? SQL_JOURNAL_ALONE : SQL_JOURNAL_WAL, e);
	if (st == NULL)
		goto out;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		/* the mode in force, whether or not it changed */
		*alone = strcmp((const char *)sqlite3_column_text(st, 0),
		                "wal") != 0;
		rc = 0;
	} else if (on && (step == SQLITE_BUSY || step == SQLITE_LOCKED))
		rc = 0; /* open elsewhere: stay in WAL */
	else
		db_error(e, s->w.db, "setting the journal mode");
	stmt_done(st);
out:
	writer_unlock(s);
	return rc;
}

int
store_import_finish(struct store *s, int rethread, struct error *e)
{
	const char *const steps[] = {
		SQL_FIX_POST_PARENTS,
		SQL_FIX_MEDIA_POSTS,
		SQL_FIX_COMMENT_PARENTS,
		SQL_FIX_THREADS,
		SQL_FIX_ORPHANS,
		SQL_FIX_REPLIES,
		ENGINE_SQL(s, SQL_FIX_THREAD_ACTIVITY),
		ENGINE_SQL(s, SQL_FIX_POST_COUNTS),
	};
	/* the first two join up pages and attachments; the rest, comments */
	size_t n = rethread ? sizeof(steps) / sizeof(steps[0]) : 2;

	for (size_t i = 0; i < n; i++)
		if (write_one(s, steps[i], "joining up the import", NULL, e,
		              "") == -1)
			return -1;
	return 0;
}
