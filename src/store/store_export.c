/*
 * import.h through the store's driver (db.h): the site read back for a
 * WordPress (WXR) export, and gazette's own "_gazette_*" meta turned back
 * into rows when such an export is imported again.  Reads go one row per
 * callback, inside one read transaction (store_export_begin), so an
 * export is one snapshot and its memory does not grow with the site: a
 * whole table is walked (walk_open: a cursor on PostgreSQL), a post's
 * own rows read through rd_prep().  Where the dialects differ (decision
 * 092) SQL_X_PG stands beside SQL_X.
 */
#include <string.h>

#include "internal.h"
#include "search.h"
#include "import.h"
#include "../util/banned.h"

/*
 * WordPress ids (see store.h).  A native row keeps its id unless an
 * imported row of the same id space holds that number as its legacy id;
 * then it moves past every id (the offset, bound as OFF, is the largest
 * id or legacy id of the space).
 */
#define WP_POST(a, OFF)                                                        \
	"(CASE WHEN " a ".legacy_id IS NOT NULL THEN " a ".legacy_id "         \
	"WHEN EXISTS (SELECT 1 FROM posts x WHERE x.legacy_id = " a ".id) "    \
	"OR EXISTS (SELECT 1 FROM media x WHERE x.legacy_id = " a ".id) "      \
	"THEN " a ".id + " OFF " ELSE " a ".id END)"
#define WP_MEDIA(a, OFF) "coalesce(" a ".legacy_id, " a ".id + 2 * " OFF ")"
#define WP_COMMENT(a, OFF)                                                     \
	"(CASE WHEN " a ".legacy_id IS NOT NULL THEN " a ".legacy_id "         \
	"WHEN EXISTS (SELECT 1 FROM comments x WHERE x.legacy_id = " a         \
	".id) OR EXISTS (SELECT 1 FROM pingbacks x WHERE x.legacy_id = " a     \
	".id) THEN " a ".id + " OFF " ELSE " a ".id END)"
#define WP_PINGBACK(a, OFF) "coalesce(" a ".legacy_id, " a ".id + 2 * " OFF ")"
#define WP_USER(a, OFF)                                                        \
	"(CASE WHEN " a ".legacy_id IS NOT NULL THEN " a ".legacy_id "         \
	"WHEN EXISTS (SELECT 1 FROM users x WHERE x.legacy_id = " a ".id) "    \
	"THEN " a ".id + " OFF " ELSE " a ".id END)"

/*
 * Meta keys the export writes itself, never copied from stored meta.
 * LIKE folds ASCII case on SQLite and not on PostgreSQL: lower() makes
 * both skip a "_Gazette_…" key alike.
 */
#define OWN_KEY "lower(key) NOT LIKE '\\_gazette\\_%' ESCAPE '\\' "

/*
 * The largest id or legacy id among tables, as an aggregate max() over a
 * UNION ALL: SQLite's scalar max(a, b, …) is greatest() on PostgreSQL,
 * and the aggregate reads the same on both.
 */
#define TOP(t)                                                                 \
	"SELECT max(id) AS v FROM " t " UNION ALL SELECT max(legacy_id) FROM " t
#define TOP_OF(tables) "(SELECT coalesce(max(v), 0) FROM (" tables ") x)"
static const char SQL_OFFSETS[] = "SELECT " TOP_OF(TOP("posts") " UNION ALL " TOP("media")) ", " TOP_OF(
	TOP("comments") " UNION ALL " TOP(
		"pingbacks")) ", " TOP_OF(TOP("users")) ", " TOP_OF(TOP("sections") " UNION ALL " TOP("tags") " UNION ALL " TOP("terms"));

/* The ids of the aliases the queries below use.  The offsets are cast:
 * PostgreSQL would type a parameter in 2 * ?1 as a 32-bit integer. */
#define OFF1  "CAST(?1 AS BIGINT)"
#define OFF2  "CAST(?2 AS BIGINT)"
#define WP_P  WP_POST("p", OFF1)
#define WP_Q  WP_POST("q", OFF1)
#define WP_M  WP_MEDIA("m", OFF1)
#define WP_C  WP_COMMENT("c", OFF1)
#define WP_QC WP_COMMENT("q", OFF1)
#define WP_G  WP_PINGBACK("g", OFF1)
#define WP_U1 WP_USER("u", OFF1)
#define WP_U2 WP_USER("u", OFF2)

/*
 * A walk over a whole table (users, terms, posts, media, the Markdown
 * meta).  On SQLite a statement streams, one row per step.  PostgreSQL's
 * driver reads a statement's rows whole at its first step (decision 091),
 * so there, inside a transaction (the export's snapshot, the import's
 * write), the walk's SELECT is a cursor, SQL_X_PG being "DECLARE … FOR"
 * SQL_X, read WALK_ROWS rows at a time by FETCH.  Walks do not nest (one
 * cursor name); what a walk's callback reads (a post's meta, terms,
 * comments) is a plain statement.
 */
#define WALK_ROWS    256
#define WALK_STR_(n) #n
#define WALK_STR(n)  WALK_STR_(n)
#define WALK_CURSOR  "gazette_walk"
#define WALK_PG      "DECLARE " WALK_CURSOR " NO SCROLL CURSOR FOR "
static const char SQL_WALK_FETCH_PG[] =
	"FETCH " WALK_STR(WALK_ROWS) " FROM " WALK_CURSOR;
static const char SQL_WALK_CLOSE_PG[] = "CLOSE " WALK_CURSOR;

#define USERS                                                                  \
	"SELECT " WP_U1 ", u.login, u.name, u.email FROM users u ORDER BY u.id"
static const char SQL_USERS[] = USERS;
static const char SQL_USERS_PG[] = WALK_PG USERS;

/* Parents first: WordPress's importer (and ours) finds a category's parent
 * by slug among those already made.  A section in a parent loop, or
 * deeper than 64, is written without its parent. */
#define SECTIONS                                                               \
	"WITH RECURSIVE t(id, depth) AS (SELECT id, 0 FROM sections "          \
	"WHERE parent_id IS NULL UNION ALL SELECT s.id, t.depth + 1 "          \
	"FROM sections s JOIN t ON s.parent_id = t.id WHERE t.depth < 64) "    \
	"SELECT coalesce(s.legacy_id, s.id + " OFF1 "), s.slug, s.name, "      \
	"s.description, coalesce(p.slug, ''), s.kind, s.position, "            \
	"s.show_newest FROM sections s LEFT JOIN t ON t.id = s.id "            \
	"LEFT JOIN sections p ON p.id = s.parent_id AND t.id IS NOT NULL "     \
	"ORDER BY coalesce(t.depth, 0), s.position, s.id"
static const char SQL_SECTIONS[] = SECTIONS;
static const char SQL_SECTIONS_PG[] = WALK_PG SECTIONS;
#define TAGS                                                                   \
	"SELECT coalesce(legacy_id, id + 2 * " OFF1 "), slug, name, "          \
	"description FROM tags ORDER BY id"
static const char SQL_TAGS[] = TAGS;
static const char SQL_TAGS_PG[] = WALK_PG TAGS;
#define TERMS                                                                  \
	"SELECT coalesce(legacy_id, id + 3 * " OFF1 "), taxonomy, slug, "      \
	"name, description, parent_slug FROM terms ORDER BY id"
static const char SQL_TERMS[] = TERMS;
static const char SQL_TERMS_PG[] = WALK_PG TERMS;

static const char SQL_TERM_META[] =
	"SELECT key, value FROM term_meta WHERE taxonomy = ?1 "
	"AND term_slug = ?2 AND " OWN_KEY "ORDER BY id";
static const char SQL_POST_META[] =
	"SELECT key, value FROM post_meta WHERE post_id = ?1 AND " OWN_KEY
	"AND key != 'views' ORDER BY id";
static const char SQL_COMMENT_META[] =
	"SELECT key, value FROM comment_meta WHERE comment_id = ?1 AND " OWN_KEY
	"ORDER BY id";

/*
 * The columns of store_export_posts(), named once (internal.h: "Columns
 * named once"); COL_READ_BORROWED text lives until the next step.  A
 * protected post's excerpt was kept aside by the import (wxr.c).
 */
#define EXPORT_POST_COLUMNS(F, X)                                              \
	F(id, I64, NONE, "p.id")                                               \
	X(wp_id, I64, NONE, WP_P)                                              \
	X(wp_parent, I64, NONE,                                                \
	  "coalesce((SELECT " WP_Q " FROM posts q WHERE q.id = p.parent_id), " \
	  "0)")                                                                \
	X(type, TYPE, NONE, "p.type")                                          \
	X(status, STATUS, NONE, "p.status")                                    \
	X(private_, INT, NONE, "p.private")                                    \
	X(sticky, INT, NONE, "p.sticky")                                       \
	X(comments_open, INT, NONE, "p.comments_open")                         \
	X(slug, BORROWED, NONE, "p.slug")                                      \
	X(title, BORROWED, NONE, "p.title")                                    \
	X(excerpt, BORROWED, NONE,                                             \
	  "CASE WHEN p.excerpt = '' AND p.password != '' THEN "                \
	  "coalesce((SELECT value FROM post_meta WHERE post_id = p.id "        \
	  "AND key = '_gazette_protected_excerpt' LIMIT 1), '') "              \
	  "ELSE p.excerpt END")                                                \
	X(content, BORROWED, NONE,                                             \
	  "CASE WHEN p.body_format = 'html' THEN p.body_src "                  \
	  "ELSE p.body_html END")                                              \
	X(body_src, BORROWED, NONE, "p.body_src")                              \
	X(body_format, BORROWED, NONE, "p.body_format")                        \
	X(source_url, BORROWED, NONE, "p.source_url")                          \
	X(password, BORROWED, NONE, "p.password")                              \
	X(guid, BORROWED, NONE, "coalesce(p.legacy_guid, '')")                 \
	X(author_login, BORROWED, NONE, "coalesce(u.login, '')")               \
	X(published_at, I64, NONE, "p.published_at")                           \
	X(updated_at, I64, NONE, "p.updated_at")                               \
	X(views_total, I64, NONE, "p.views_total")                             \
	X(is_book, INT, NONE, "b.post_id IS NOT NULL")                         \
	X(is_episode, INT, NONE, "e.post_id IS NOT NULL")                      \
	X(order_url, BORROWED, NONE, "coalesce(b.order_url, '')")              \
	X(audio_url, BORROWED, NONE, "coalesce(e.audio_url, '')")              \
	X(cover_wp, I64, NONE,                                                 \
	  "coalesce((SELECT " WP_M " FROM media m "                            \
	  "WHERE m.id = b.cover_media_id), 0)")                                \
	X(epub_wp, I64, NONE,                                                  \
	  "coalesce((SELECT " WP_M " FROM media m "                            \
	  "WHERE m.id = b.epub_media_id), 0)")                                 \
	X(pdf_wp, I64, NONE,                                                   \
	  "coalesce((SELECT " WP_M " FROM media m "                            \
	  "WHERE m.id = b.pdf_media_id), 0)")                                  \
	X(duration_s, I64, NONE, "coalesce(e.duration_s, 0)")

#define EXPORT_POST_COL_ENUM(f, k, b, sql) EC_##f,
enum export_post_col {
	EXPORT_POST_COLUMNS(EXPORT_POST_COL_ENUM, EXPORT_POST_COL_ENUM)
		EXPORT_POST_NCOLS
};

#define POSTS                                                                    \
	"SELECT " EXPORT_POST_COLUMNS(                                           \
		COL_SQL_FIRST,                                                   \
		COL_SQL) " "                                                     \
			 "FROM posts p LEFT JOIN users u ON u.id = p.author_id " \
			 "LEFT JOIN books b ON b.post_id = p.id "                \
			 "LEFT JOIN episodes e ON e.post_id = p.id ORDER BY p.id"
static const char SQL_POSTS[] = POSTS;
static const char SQL_POSTS_PG[] = WALK_PG POSTS;

static const char SQL_POST_TERMS[] =
	"SELECT 'category', s.slug, s.name, 0 FROM posts p "
	"JOIN sections s ON s.id = p.section_id WHERE p.id = ?1 "
	"UNION ALL SELECT 'category', s.slug, s.name, 1 FROM post_sections ps "
	"JOIN sections s ON s.id = ps.section_id WHERE ps.post_id = ?1 "
	"AND ps.section_id != coalesce((SELECT section_id FROM posts "
	"WHERE id = ?1), 0) "
	"UNION ALL SELECT 'post_tag', t.slug, t.name, 2 FROM post_tags pt "
	"JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = ?1 "
	"UNION ALL SELECT t.taxonomy, t.slug, t.name, 3 FROM post_terms pt "
	"JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = ?1 "
	"ORDER BY 4, 2";

/* Comments, then pingbacks and trackbacks (WordPress keeps them all in
 * one table), in wp id order: WordPress's importer sorts by the old id
 * and finds a parent only among the comments it has already added.
 * Whether a comment is Markdown is a CASE, not the comparison itself:
 * PostgreSQL's is a boolean, which a UNION cannot match with the
 * pingbacks' 0. */
static const char SQL_COMMENTS[] =
	"SELECT c.id, " WP_C ", "
	"coalesce((SELECT " WP_QC " FROM comments q WHERE q.id = c.parent_id), "
	"0), "
	"coalesce((SELECT " WP_U2 " FROM users u WHERE u.id = c.user_id), 0), "
	"'', c.status, c.author_name, c.author_email, c.author_url, "
	"c.body_src, c.body_html, "
	"CASE WHEN c.legacy_id IS NULL OR EXISTS (SELECT 1 FROM comment_meta m "
	"WHERE m.comment_id = c.id AND m.key = '_gazette_format' "
	"AND m.value = 'markdown') THEN 1 ELSE 0 END, c.created_at "
	"FROM comments c WHERE c.post_id = ?3 "
	"UNION ALL SELECT 0, " WP_G ", 0, 0, g.type, g.status, g.author_name, "
	"'', g.author_url, g.body, g.body, 0, g.created_at "
	"FROM pingbacks g WHERE g.post_id = ?3 ORDER BY 2";

#define MEDIA                                                                  \
	"SELECT " WP_M ", "                                                    \
	"coalesce((SELECT " WP_P " FROM posts p WHERE p.id = m.post_id), 0), " \
	"m.path, m.remote_url, m.title, m.mime, m.created_at "                 \
	"FROM media m ORDER BY m.id"
static const char SQL_MEDIA[] = MEDIA;
static const char SQL_MEDIA_PG[] = WALK_PG MEDIA;

/* ---- restoring gazette's own meta ----------------------------------- */

#define MD_POSTS                                                               \
	"SELECT post_id, value FROM post_meta WHERE key = '_gazette_markdown'"
static const char SQL_MD_POSTS[] = MD_POSTS;
static const char SQL_MD_POSTS_PG[] = WALK_PG MD_POSTS;
#define MD_COMMENTS                                                            \
	"SELECT comment_id, value FROM comment_meta "                          \
	"WHERE key = '_gazette_markdown'"
static const char SQL_MD_COMMENTS[] = MD_COMMENTS;
static const char SQL_MD_COMMENTS_PG[] = WALK_PG MD_COMMENTS;
static const char SQL_MD_POST_SET[] =
	"UPDATE posts SET body_src = ?2, body_format = 'markdown', "
	"body_html = ?3 WHERE id = ?1";
static const char SQL_MD_COMMENT_SET[] =
	"UPDATE comments SET body_src = ?2, body_html = ?3 WHERE id = ?1";
static const char SQL_MD_POSTS_DONE[] =
	"DELETE FROM post_meta WHERE key = '_gazette_markdown'";
/* A restored comment stays Markdown for the next export. */
static const char SQL_MD_COMMENTS_DONE[] =
	"UPDATE comment_meta SET key = '_gazette_format', value = 'markdown' "
	"WHERE key = '_gazette_markdown'";

/* The value of post_meta key for posts p; NULL when there is none. */
#define META(key)                                                              \
	"(SELECT m.value FROM post_meta m WHERE m.post_id = p.id "             \
	"AND m.key = '" key "' ORDER BY m.id DESC LIMIT 1)"
#define TERM_META(key)                                                         \
	"(SELECT m.value FROM term_meta m WHERE m.taxonomy = 'category' "      \
	"AND m.term_slug = sections.slug AND m.key = '" key "' "               \
	"ORDER BY m.id DESC LIMIT 1)"
/*
 * A number held in meta: SQLite compares the integer column with the text
 * as a number when all of it is one, where PostgreSQL has no bigint = text
 * and its CAST fails the whole statement on one bad value; there a value
 * all digits is cast and any other is NULL, matching nothing.
 */
#define NUM_PG(v) "CAST(substring(" v " from '^[0-9]{1,18}$') AS BIGINT)"
#define MEDIA_OF(key)                                                          \
	"(SELECT x.id FROM media x WHERE x.legacy_id = " META(key) ")"
#define MEDIA_OF_PG(key)                                                       \
	"(SELECT x.id FROM media x WHERE x.legacy_id = " NUM_PG(META(key)) ")"
#define KIND        TERM_META("_gazette_kind")
#define SHOW_NEWEST TERM_META("_gazette_show_newest")
#define SOURCE_URL  META("_gazette_source_url")
#define ORDER_URL   META("_gazette_book_order_url")
#define AUDIO_URL   META("_gazette_episode_audio_url")
#define DURATION    META("_gazette_episode_duration")

static const char SQL_EXTRA_KIND[] =
	"UPDATE sections SET kind = " KIND " WHERE legacy_id IS NOT NULL "
	"AND " KIND " IN ('posts', 'video', 'discussion', 'podcast', "
	"'aggregator', 'dashboard')";
/* 1 or 0 by CASE: a comparison is a boolean on PostgreSQL, which its
 * integer column would refuse. */
static const char SQL_EXTRA_SHOW_NEWEST[] =
	"UPDATE sections SET show_newest = CASE WHEN " SHOW_NEWEST " = '1' "
	"THEN 1 ELSE 0 END WHERE legacy_id IS NOT NULL "
	"AND " SHOW_NEWEST " IS NOT NULL";
static const char SQL_EXTRA_SOURCE[] =
	"UPDATE posts AS p SET source_url = " SOURCE_URL " "
	"WHERE p.legacy_id IS NOT NULL AND p.source_url = '' "
	"AND " SOURCE_URL " IS NOT NULL";
/* (The SELECT ends in WHERE, so SQLite parses ON CONFLICT as the
 * INSERT's, not a join's.) */
#define EXTRA_BOOKS(MEDIA)                                                                             \
	"INSERT INTO books(post_id, order_url, cover_media_id, "                                       \
	"epub_media_id, pdf_media_id) SELECT p.id, coalesce(" ORDER_URL                                \
	", ''), " MEDIA("_gazette_book_cover") ", " MEDIA("_gazette_book_epub") ", " MEDIA(            \
		"_gazette_book_pdf") " "                                                               \
				     "FROM posts p WHERE p.type = 'book' AND p.legacy_id IS NOT NULL " \
				     "ON CONFLICT DO NOTHING"
static const char SQL_EXTRA_BOOKS[] = EXTRA_BOOKS(MEDIA_OF);
static const char SQL_EXTRA_BOOKS_PG[] = EXTRA_BOOKS(MEDIA_OF_PG);
/* SQLite's CAST reads a value's leading digits (0 for none); PostgreSQL's
 * would fail the statement on one bad value, so there the leading digits
 * are cut out first (as store_media.c's featured image from meta). */
#define EXTRA_EPISODES(DURATION_NUM)                                           \
	"INSERT INTO episodes(post_id, audio_url, duration_s) "                \
	"SELECT p.id, coalesce(" AUDIO_URL ", ''), "                           \
	"coalesce(" DURATION_NUM ", 0) FROM posts p "                          \
	"WHERE p.type = 'episode' AND p.legacy_id IS NOT NULL "                \
	"ON CONFLICT DO NOTHING"
static const char SQL_EXTRA_EPISODES[] =
	EXTRA_EPISODES("CAST(" DURATION " AS INTEGER)");
static const char SQL_EXTRA_EPISODES_PG[] = EXTRA_EPISODES(
	"CAST(substring(" DURATION " from '^[0-9]{1,18}') AS BIGINT)");
static const char SQL_EXTRA_POST_META_DONE[] =
	"DELETE FROM post_meta WHERE key IN ('_gazette_source_url', "
	"'_gazette_book_order_url', '_gazette_book_cover', "
	"'_gazette_book_epub', '_gazette_book_pdf', "
	"'_gazette_episode_audio_url', '_gazette_episode_duration')";
static const char SQL_EXTRA_TERM_META_DONE[] =
	"DELETE FROM term_meta WHERE taxonomy = 'category' "
	"AND key IN ('_gazette_kind', '_gazette_show_newest')";

int
store_export_begin(struct store *s, struct export_ids *ids, struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	int locked, rc;
	struct conn *c = reader_get(s, &locked, e);

	if (c == NULL)
		return -1;
	/* One read transaction: every walk sees the same snapshot
	 * (PostgreSQL: REPEATABLE READ).  On SQLite, read through pread,
	 * not the connection's map: an export touches every page once, and
	 * mapped pages would count as the process's memory (a 1.4 GiB site
	 * showed 1 GB of RSS). */
	rc = 0;
	if (c != &s->w) {
		if (store_engine(s) == DB_SQLITE)
			rc = db_exec(c->d, "PRAGMA mmap_size = 0", "export", e);
		if (rc == 0)
			rc = db_begin(c->d, DB_READ, e);
	}
	reader_put(s, locked);
	if (rc == -1)
		return -1;
	st = rd_prep(&q, s, SQL_OFFSETS, e);
	if (st == NULL)
		goto fail;
	rc = rd_step(&q, "export ids", e);
	if (rc == 1) {
		ids->post = db_column_int64(st, 0);
		ids->comment = db_column_int64(st, 1);
		ids->user = db_column_int64(st, 2);
		ids->term = db_column_int64(st, 3);
	}
	rd_close(&q);
	if (rc == 1)
		return 0;
fail:
	store_export_end(s);
	return -1;
}

void
store_export_end(struct store *s)
{
	int locked;
	struct conn *c = reader_get(s, &locked, NULL);

	if (c == NULL)
		return;
	if (c != &s->w) {
		if (db_in_txn(c->d) && db_commit(c->d, NULL) == -1)
			db_rollback(c->d, NULL);
		if (store_engine(s) == DB_SQLITE)
			db_exec(c->d, "PRAGMA mmap_size = " STORE_MMAP_BYTES,
			        "export", NULL);
	}
	reader_put(s, locked);
}

struct walk {
	struct rd q;
	struct db_stmt *row;   /* the statement the rows are read from */
	struct db_stmt *fetch; /* PostgreSQL's FETCH; NULL: no cursor */
	int declared;          /* the cursor is open (CLOSE it) */
	int n;                 /* rows of the FETCH being read */
};

/* Open a walk over sql (or its cursor twin sql_pg, see WALK_ROWS): the
 * statement to bind, then walk_step() and walk_close() as rd_*. */
static struct db_stmt *
walk_open(struct walk *w, struct store *s, const char *sql, const char *sql_pg,
          struct error *e)
{
	int cursor = store_engine(s) == DB_PG;
	struct db_stmt *st = rd_prep(&w->q, s, cursor ? sql_pg : sql, e);

	w->fetch = NULL;
	w->declared = w->n = 0;
	if (st != NULL && cursor && !db_in_txn(w->q.c->d)) {
		/* a cursor lives in a transaction: without one, read whole */
		rd_close(&w->q);
		st = rd_prep(&w->q, s, sql, e);
		cursor = 0;
	}
	if (st != NULL && cursor) {
		w->fetch = conn_prep(w->q.c, SQL_WALK_FETCH_PG, e);
		if (w->fetch == NULL) {
			rd_close(&w->q);
			return NULL;
		}
	}
	w->row = w->fetch != NULL ? w->fetch : st;
	return st;
}

/* 1 with a row in w->row, 0 at the end, -1 with e. */
static int
walk_step(struct walk *w, const char *what, struct error *e)
{
	int rc;

	if (w->fetch == NULL)
		return rd_step(&w->q, what, e);
	if (!w->declared) {
		if (rd_step(&w->q, what, e) == -1) /* DECLARE: no rows */
			return -1;
		w->declared = 1;
	}
	for (;;) {
		rc = db_step(w->fetch, what, e);
		if (rc != 0) {
			w->n += rc == 1;
			return rc;
		}
		if (w->n < WALK_ROWS) /* a short batch is the last */
			return 0;
		db_reset(w->fetch);
		w->n = 0;
	}
}

static void
walk_close(struct walk *w)
{
	if (w->fetch != NULL) {
		stmt_done(w->fetch);
		/* (fails harmlessly when an error aborted the transaction,
		 * which ends the cursor with it) */
		if (w->declared)
			(void)db_exec(w->q.c->d, SQL_WALK_CLOSE_PG,
			              "closing a walk", NULL);
	}
	rd_close(&w->q);
}

#define WALK_OPEN(w, s, X, e) walk_open((w), (s), X, X##_PG, (e))

int
store_export_users(struct store *s, const struct export_ids *ids,
                   int (*fn)(void *ctx, const struct export_user *u,
                             struct error *e),
                   void *ctx, struct error *e)
{
	struct walk w;
	struct db_stmt *st = WALK_OPEN(&w, s, SQL_USERS, e), *r;
	struct export_user u;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, ids->user);
	r = w.row;
	while ((rc = walk_step(&w, "export users", e)) == 1) {
		u.wp_id = db_column_int64(r, 0);
		u.login = db_column_text(r, 1, NULL);
		u.name = db_column_text(r, 2, NULL);
		u.email = db_column_text(r, 3, NULL);
		if (fn(ctx, &u, e) == -1) {
			rc = -1;
			break;
		}
	}
	walk_close(&w);
	return rc;
}

/* Column i as text; "" for NULL. */
#define COL_READ_BORROWED(a, st, i) col((st), (i))

static const char *
col(struct db_stmt *st, int i)
{
	const char *t = db_column_text(st, i, NULL);

	return t != NULL ? t : "";
}

static int
terms_of(struct store *s, const char *sql, const char *sql_pg, int64_t offset,
         int (*fn)(void *ctx, const struct export_term *t, struct error *e),
         void *ctx, struct error *e)
{
	struct walk w;
	struct db_stmt *st = walk_open(&w, s, sql, sql_pg, e), *r;
	struct export_term t;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, offset);
	r = w.row;
	while ((rc = walk_step(&w, "export terms", e)) == 1) {
		memset(&t, 0, sizeof(t));
		t.wp_id = db_column_int64(r, 0);
		t.kind = t.parent_slug = "";
		if (sql == SQL_SECTIONS) {
			t.taxonomy = "category";
			t.slug = col(r, 1);
			t.name = col(r, 2);
			t.description = col(r, 3);
			t.parent_slug = col(r, 4);
			t.kind = col(r, 5);
			t.position = db_column_int64(r, 6);
			t.show_newest = dbs_col_int(r, 7);
		} else if (sql == SQL_TAGS) {
			t.taxonomy = "post_tag";
			t.slug = col(r, 1);
			t.name = col(r, 2);
			t.description = col(r, 3);
		} else {
			t.taxonomy = col(r, 1);
			t.slug = col(r, 2);
			t.name = col(r, 3);
			t.description = col(r, 4);
			t.parent_slug = col(r, 5);
		}
		if (fn(ctx, &t, e) == -1) {
			rc = -1;
			break;
		}
	}
	walk_close(&w);
	return rc;
}

int
store_export_terms(struct store *s, const struct export_ids *ids,
                   int (*fn)(void *ctx, const struct export_term *t,
                             struct error *e),
                   void *ctx, struct error *e)
{
	if (terms_of(s, SQL_SECTIONS, SQL_SECTIONS_PG, ids->term, fn, ctx, e) ==
	            -1 ||
	    terms_of(s, SQL_TAGS, SQL_TAGS_PG, ids->term, fn, ctx, e) == -1 ||
	    terms_of(s, SQL_TERMS, SQL_TERMS_PG, ids->term, fn, ctx, e) == -1)
		return -1;
	return 0;
}

/* Rows of (key, value) for sql with ?1 = id or (?1, ?2) = (t1, t2). */
static int
meta_of(struct store *s, const char *sql, int64_t id, const char *t1,
        const char *t2,
        int (*fn)(void *ctx, const struct export_meta *m, struct error *e),
        void *ctx, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, sql, e);
	struct export_meta m;
	int rc;

	if (st == NULL)
		return -1;
	if (t1 != NULL) {
		bind_text(st, 1, t1);
		bind_text(st, 2, t2);
	} else
		db_bind_int64(st, 1, id);
	while ((rc = rd_step(&q, "export meta", e)) == 1) {
		m.key = col(st, 0);
		m.value = col(st, 1);
		if (fn(ctx, &m, e) == -1) {
			rc = -1;
			break;
		}
	}
	rd_close(&q);
	return rc;
}

int
store_export_term_meta(struct store *s, const char *taxonomy, const char *slug,
                       int (*fn)(void *ctx, const struct export_meta *m,
                                 struct error *e),
                       void *ctx, struct error *e)
{
	return meta_of(s, SQL_TERM_META, 0, taxonomy, slug, fn, ctx, e);
}

int
store_export_post_meta(struct store *s, int64_t post_id,
                       int (*fn)(void *ctx, const struct export_meta *m,
                                 struct error *e),
                       void *ctx, struct error *e)
{
	return meta_of(s, SQL_POST_META, post_id, NULL, NULL, fn, ctx, e);
}

int
store_export_comment_meta(struct store *s, int64_t comment_id,
                          int (*fn)(void *ctx, const struct export_meta *m,
                                    struct error *e),
                          void *ctx, struct error *e)
{
	return meta_of(s, SQL_COMMENT_META, comment_id, NULL, NULL, fn, ctx, e);
}

int
store_export_posts(struct store *s, const struct export_ids *ids,
                   int (*fn)(void *ctx, const struct export_post *p,
                             struct error *e),
                   void *ctx, struct error *e)
{
	struct walk w;
	struct db_stmt *st = WALK_OPEN(&w, s, SQL_POSTS, e), *r;
	struct export_post p;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, ids->post);
	r = w.row;
	while ((rc = walk_step(&w, "export posts", e)) == 1) {
		memset(&p, 0, sizeof(p));
#define EXPORT_POST_COL_READ(f, k, b, sql) p.f = COL_READ_##k(NULL, r, EC_##f);
		EXPORT_POST_COLUMNS(EXPORT_POST_COL_READ, EXPORT_POST_COL_READ)
#undef EXPORT_POST_COL_READ
		if (fn(ctx, &p, e) == -1) {
			rc = -1;
			break;
		}
	}
	walk_close(&w);
	return rc;
}

int
store_export_post_terms(struct store *s, int64_t post_id,
                        int (*fn)(void *ctx, const struct export_post_term *t,
                                  struct error *e),
                        void *ctx, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_POST_TERMS, e);
	struct export_post_term t;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, post_id);
	while ((rc = rd_step(&q, "export post terms", e)) == 1) {
		t.taxonomy = col(st, 0);
		t.slug = col(st, 1);
		t.name = col(st, 2);
		if (fn(ctx, &t, e) == -1) {
			rc = -1;
			break;
		}
	}
	rd_close(&q);
	return rc;
}

int
store_export_comments(struct store *s, const struct export_ids *ids,
                      int64_t post_id,
                      int (*fn)(void *ctx, const struct export_comment *c,
                                struct error *e),
                      void *ctx, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_COMMENTS, e);
	struct export_comment c;
	int rc, v;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, ids->comment);
	db_bind_int64(st, 2, ids->user);
	db_bind_int64(st, 3, post_id);
	while ((rc = rd_step(&q, "export comments", e)) == 1) {
		c.id = db_column_int64(st, 0);
		c.wp_id = db_column_int64(st, 1);
		c.wp_parent = db_column_int64(st, 2);
		c.user_wp_id = db_column_int64(st, 3);
		c.type = col(st, 4);
		v = enum_lookup(comment_status_names, COMMENT_STATUS__MAX,
		                col(st, 5));
		c.status = v < 0 ? COMMENT_PENDING : (enum comment_status)v;
		c.author_name = col(st, 6);
		c.author_email = col(st, 7);
		c.author_url = col(st, 8);
		c.body_src = col(st, 9);
		c.body_html = col(st, 10);
		c.markdown = dbs_col_int(st, 11);
		c.created_at = db_column_int64(st, 12);
		if (fn(ctx, &c, e) == -1) {
			rc = -1;
			break;
		}
	}
	rd_close(&q);
	return rc;
}

int
store_export_media(struct store *s, const struct export_ids *ids,
                   int (*fn)(void *ctx, const struct export_media *m,
                             struct error *e),
                   void *ctx, struct error *e)
{
	struct walk w;
	struct db_stmt *st = WALK_OPEN(&w, s, SQL_MEDIA, e), *r;
	struct export_media m;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, ids->post);
	r = w.row;
	while ((rc = walk_step(&w, "export media", e)) == 1) {
		m.wp_id = db_column_int64(r, 0);
		m.wp_parent = db_column_int64(r, 1);
		m.path = col(r, 2);
		m.remote_url = col(r, 3);
		m.title = col(r, 4);
		m.mime = col(r, 5);
		m.created_at = db_column_int64(r, 6);
		if (fn(ctx, &m, e) == -1) {
			rc = -1;
			break;
		}
	}
	walk_close(&w);
	return rc;
}

/* ---- restoring ------------------------------------------------------------
 */

int
store_restore_markdown(struct store *s, int comments,
                       int (*fn)(void *ctx, int64_t id, const char *src,
                                 struct error *e),
                       void *ctx, struct error *e)
{
	struct walk w;
	struct db_stmt *st, *r;
	int rc;

	st = comments ? WALK_OPEN(&w, s, SQL_MD_COMMENTS, e)
	              : WALK_OPEN(&w, s, SQL_MD_POSTS, e);
	if (st == NULL)
		return -1;
	/* The setters write other tables (posts, comments, the search
	 * index) than the one this reads, on the same connection. */
	r = w.row;
	while ((rc = walk_step(&w, "markdown meta", e)) == 1)
		if (fn(ctx, db_column_int64(r, 0), col(r, 1), e) == -1) {
			rc = -1;
			break;
		}
	walk_close(&w);
	if (rc == -1)
		return -1;
	return write_one(s, comments ? SQL_MD_COMMENTS_DONE : SQL_MD_POSTS_DONE,
	                 "markdown meta", NULL, e, "");
}

int
store_restore_post_markdown(struct store *s, int64_t id, const char *src,
                            const char *html, struct error *e)
{
	if (write_one(s, SQL_MD_POST_SET, "restoring markdown", NULL, e, "lss",
	              id, src, html) == -1)
		return -1;
	return store_search_body_set(s, id, html, e);
}

int
store_restore_comment_markdown(struct store *s, int64_t id, const char *src,
                               const char *html, struct error *e)
{
	return write_one(s, SQL_MD_COMMENT_SET, "restoring markdown", NULL, e,
	                 "lss", id, src, html);
}

int
store_restore_extras(struct store *s, struct error *e)
{
	const char *const steps[] = {
		SQL_EXTRA_KIND,
		SQL_EXTRA_SHOW_NEWEST,
		SQL_EXTRA_SOURCE,
		ENGINE_SQL(s, SQL_EXTRA_BOOKS),
		ENGINE_SQL(s, SQL_EXTRA_EPISODES),
		SQL_EXTRA_POST_META_DONE,
		SQL_EXTRA_TERM_META_DONE,
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (write_one(s, steps[i], "restoring gazette meta", NULL, e,
		              "") == -1)
			return -1;
	return 0;
}
