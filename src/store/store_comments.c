/*
 * comments.h through the store's driver (db.h): comments.  Counts live on
 * rows so pages never count: posts.comment_count (approved),
 * comments.reply_count (any status but trash, for the edit window), and
 * the activity times that discussion sections and threads sort by.
 */
#include <string.h>

#include "internal.h"
#include "comments.h"
#include "../util/banned.h"

const char *const comment_status_names[COMMENT_STATUS__MAX] = {"pending",
                                                               "approved",
                                                               "spam", "trash"};

/*
 * The columns comment_row() reads, named once (internal.h: "Columns named
 * once"); for a HASH column the third argument is the flag it sets, not a
 * body class.  More columns may follow, the first at COMMENT_NCOLS.
 */
#define COMMENT_COLUMNS(F, X)                                                  \
	F(id, I64, NONE, "c.id")                                               \
	X(post_id, I64, NONE, "c.post_id")                                     \
	X(parent_id, I64, NONE, "coalesce(c.parent_id, 0)")                    \
	X(thread_id, I64, NONE, "coalesce(c.thread_id, c.id)")                 \
	X(depth, INT, NONE, "c.depth")                                         \
	X(author_name, TEXT, NONE, "c.author_name")                            \
	X(author_email, TEXT, NONE, "c.author_email")                          \
	X(author_url, TEXT, NONE, "c.author_url")                              \
	X(body_src, TEXT, NONE, "c.body_src")                                  \
	X(body_html, TEXT, NONE, "c.body_html")                                \
	X(status, CSTATUS, NONE, "c.status")                                   \
	X(created_at, I64, NONE, "c.created_at")                               \
	X(edited_at, I64, NONE, "coalesce(c.edited_at, 0)")                    \
	X(activity_at, I64, NONE, "c.activity_at")                             \
	X(reply_count, I64, NONE, "c.reply_count")                             \
	X(notify, INT, NONE, "c.notify")                                       \
	X(spam_score, DOUBLE, NONE, "c.spam_score")                            \
	X(token_hash, HASH, has_token, "c.token_hash")                         \
	X(body_hash, HASH, has_body_hash, "c.body_hash")

#define COMMENT_COL_ENUM(f, k, b, sql) CC_##f,
enum comment_col {
	COMMENT_COLUMNS(COMMENT_COL_ENUM, COMMENT_COL_ENUM) COMMENT_NCOLS
};

#define COMMENT_FIELDS COMMENT_COLUMNS(COL_SQL_FIRST, COL_SQL) " "

/*
 * A top-level comment is its own thread: on SQLite thread_id is set by an
 * UPDATE after the insert (the rowid is not known before); PostgreSQL's
 * twin takes the id from the sequence first and writes both at once, one
 * statement, a round trip and a rewritten row fewer (the second UPDATE
 * also checked the post's key again, as a row inserted by the same
 * transaction is).
 */
#define COMMENT_ADD(ID, THREAD)                                                \
	"INSERT INTO comments(" ID "post_id, parent_id, thread_id, depth, "    \
	"author_name, author_email, author_url, body_src, body_html, status, " \
	"created_at, activity_at, token_hash, notify, body_hash, spam_score, " \
	"ip_hash) VALUES (" THREAD ", ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, " \
	"?12, ?13, ?14, ?15, ?16) RETURNING id"
#define COMMENTS_SEQ "pg_get_serial_sequence('comments', 'id')"
static const char SQL_COMMENT_ADD[] = COMMENT_ADD("", "?1, ?2, ?3");
static const char SQL_COMMENT_ADD_PG[] =
	COMMENT_ADD("id, ",
                    "nextval(" COMMENTS_SEQ "), ?1, ?2, "
                    "coalesce(CAST(?3 AS bigint), currval(" COMMENTS_SEQ "))");
static const char SQL_COMMENT_SELF_THREAD[] =
	"UPDATE comments SET thread_id = id WHERE id = ?1";
static const char SQL_COMMENT_GET[] =
	"SELECT " COMMENT_FIELDS "FROM comments c WHERE c.id = ?1";
/*
 * Counts never below 0, activity never back in time: CASE rather than
 * SQLite's scalar max(a, b), which PostgreSQL spells greatest(a, b), so
 * that both engines read one statement (decision 092).
 */
static const char SQL_REPLY_COUNT[] =
	"UPDATE comments SET reply_count = CASE WHEN reply_count + ?2 > 0 "
	"THEN reply_count + ?2 ELSE 0 END WHERE id = ?1";
static const char SQL_POST_COUNT_ADD[] =
	"UPDATE posts SET comment_count = CASE WHEN comment_count + ?2 > 0 "
	"THEN comment_count + ?2 ELSE 0 END, activity_at = CASE WHEN "
	"?3 > activity_at THEN ?3 ELSE activity_at END WHERE id = ?1";
static const char SQL_THREAD_ACTIVITY[] =
	"UPDATE comments SET activity_at = CASE WHEN ?2 > activity_at "
	"THEN ?2 ELSE activity_at END WHERE id = ?1";
static const char SQL_COMMENT_STATUS[] =
	"UPDATE comments SET status = ?2 WHERE id = ?1";
static const char SQL_COMMENT_EDIT[] =
	"UPDATE comments SET body_src = ?2, body_html = ?3, body_hash = ?4, "
	"edited_at = ?5 WHERE id = ?1";
static const char SQL_DECISION_ADD[] =
	"INSERT INTO comment_decisions(comment_id, decision, actor, created_at) "
	"VALUES (?1, ?2, ?3, ?4)";
/*
 * A commenter's comments by e-mail without regard to case: on SQLite
 * `= … COLLATE NOCASE`, which the NOCASE index of migration 009 serves;
 * PostgreSQL has no NOCASE, and its twin of that index is on
 * lower(author_email) (sql/pg/009), so its SQL says lower() on both
 * sides (decision 092; lower() folds all of Unicode there, ASCII here).
 */
#define EMAIL_NOCASE(a, b)    a " = " b " COLLATE NOCASE"
#define EMAIL_NOCASE_PG(a, b) "lower(" a ") = lower(" b ")"
#define APPROVED_BY(eq)                                                        \
	"SELECT count(*) FROM comments WHERE " eq " AND status = 'approved'"
static const char SQL_APPROVED_BY[] =
	APPROVED_BY(EMAIL_NOCASE("author_email", "?1"));
static const char SQL_APPROVED_BY_PG[] =
	APPROVED_BY(EMAIL_NOCASE_PG("author_email", "?1"));
/* A post's approved top-level comments: a range of comments_roots
 * (migration 016), as long as that post's threads. */
static const char SQL_ROOTS_COUNT[] =
	"SELECT count(*) FROM comments WHERE post_id = ?1 "
	"AND parent_id IS NULL AND status = 'approved'";
/*
 * One query for a page of threads: the roots of the page, walked in
 * order in a partial index of approved roots (oldest first, or latest
 * activity first), then their approved replies, sorted with them.
 * PostgreSQL has no INDEXED BY: its twins leave the index to its
 * planner (the same partial indexes, sql/pg/016).  The parameters are
 * numbered without a gap: PostgreSQL cannot type one the SQL never
 * names.
 */
#define THREAD_ROWS(order)                                                     \
	"SELECT " COMMENT_FIELDS "FROM comments c JOIN roots r "               \
	"ON r.id = c.thread_id WHERE c.post_id = ?1 "                          \
	"AND c.status = 'approved' ORDER BY " order ", r.id, "                 \
	"c.parent_id IS NOT NULL, c.created_at, c.id"
#define THREADS(indexed)                                                       \
	"WITH roots AS (SELECT id, created_at FROM comments " indexed          \
	"WHERE post_id = ?1 AND parent_id IS NULL AND status = 'approved' "    \
	"ORDER BY created_at, id LIMIT ?2 OFFSET ?3) " THREAD_ROWS(            \
		"r.created_at")
#define THREADS_ACTIVE(indexed)                                                \
	"WITH roots AS (SELECT id, activity_at FROM comments " indexed         \
	"WHERE post_id = ?1 AND parent_id IS NULL AND status = 'approved' "    \
	"ORDER BY activity_at DESC, id LIMIT ?2 OFFSET ?3) " THREAD_ROWS(      \
		"r.activity_at DESC")
static const char SQL_THREADS[] = THREADS("INDEXED BY comments_roots ");
static const char SQL_THREADS_PG[] = THREADS("");
static const char SQL_THREADS_ACTIVE[] =
	THREADS_ACTIVE("INDEXED BY comments_roots_active ");
static const char SQL_THREADS_ACTIVE_PG[] = THREADS_ACTIVE("");
static const char SQL_COMMENT_LIST[] =
	"SELECT " COMMENT_FIELDS "FROM comments c WHERE c.status = ?1 "
	"ORDER BY c.created_at DESC, c.id DESC LIMIT ?2";

static const char SQL_COMMENTS_RECENT[] =
	"SELECT c.id, c.author_name, c.created_at, p.id, p.type, p.slug, "
	"p.title, p.published_at FROM comments c JOIN posts p "
	"ON p.id = c.post_id WHERE c.status = 'approved' "
	"AND p.status = 'published' AND p.published_at <= ?1 "
	"AND p.password = '' "
	"ORDER BY c.created_at DESC, c.id DESC LIMIT ?2";

/*
 * The newest approved comments on listed posts: the site's, walked in
 * comments_status from the newest (the posts' filter skips the few on
 * posts a reader cannot see), or one post's, in comments_post.  CROSS
 * JOIN keeps SQLite's walk on the comments; PostgreSQL has no ON after
 * CROSS JOIN, so its twins say JOIN.
 */
#define NEWEST_COMMENTS(join)                                                  \
	"SELECT c.id, c.post_id, coalesce(c.parent_id, 0), c.depth, "          \
	"c.author_name, c.author_url, c.body_src, c.body_html, c.created_at, " \
	"p.type, p.slug, p.title, p.published_at "                             \
	"FROM comments c " join " posts p ON p.id = c.post_id "                \
	"WHERE c.status = 'approved' AND p.status = 'published' "              \
	"AND p.published_at <= ?1 AND p.password = '' "
#define NEWEST_ORDER "ORDER BY c.created_at DESC, c.id DESC LIMIT ?2"

static const char SQL_NEWEST_COMMENTS[] =
	NEWEST_COMMENTS("CROSS JOIN") NEWEST_ORDER;
static const char SQL_NEWEST_COMMENTS_PG[] =
	NEWEST_COMMENTS("JOIN") NEWEST_ORDER;
static const char SQL_NEWEST_COMMENTS_POST[] =
	NEWEST_COMMENTS("CROSS JOIN") "AND c.post_id = ?3 " NEWEST_ORDER;
static const char SQL_NEWEST_COMMENTS_POST_PG[] =
	NEWEST_COMMENTS("JOIN") "AND c.post_id = ?3 " NEWEST_ORDER;

const struct store_stmt comments_reader_stmts[] = {
	{"comments_recent", SQL_COMMENTS_RECENT, NULL, NULL},
	{"feed_comments", SQL_NEWEST_COMMENTS, NULL, SQL_NEWEST_COMMENTS_PG},
	{"feed_comments_post", SQL_NEWEST_COMMENTS_POST, NULL,
         SQL_NEWEST_COMMENTS_POST_PG},
	{"comment_get", SQL_COMMENT_GET, NULL, NULL},
	{"comment_roots", SQL_ROOTS_COUNT,
         "one post's approved top-level comments", NULL},
	{"comment_threads", SQL_THREADS,
         "one page's threads (LIM_COMMENT_THREADS top-level comments) and "
         "their replies, sorted into reading order",
         SQL_THREADS_PG},
	{"comment_threads_active", SQL_THREADS_ACTIVE,
         "one page's threads (LIM_COMMENT_THREADS top-level comments) and "
         "their replies, sorted into reading order",
         SQL_THREADS_ACTIVE_PG},
	{NULL, NULL, NULL, NULL},
};

static void
bind_hash(struct db_stmt *st, int i, int has, const unsigned char *h, size_t n)
{
	if (has)
		db_bind_blob(st, i, h, n);
	else
		db_bind_null(st, i);
}

static enum comment_status
col_comment_status(struct db_stmt *st, int i)
{
	int k = enum_lookup(comment_status_names, COMMENT_STATUS__MAX,
	                    db_column_text(st, i, NULL));

	return k < 0 ? COMMENT_PENDING : (enum comment_status)k;
}

/* Column i into hash when it is a hash (COMMENT_HASH_BYTES); 1 if so. */
static int
col_hash(struct db_stmt *st, int i, unsigned char *hash)
{
	size_t n;
	const void *blob = db_column_blob(st, i, &n);

	if (blob == NULL || n != COMMENT_HASH_BYTES)
		return 0;
	memcpy(hash, blob, COMMENT_HASH_BYTES);
	return 1;
}

#define COL_READ_CSTATUS(a, st, i) col_comment_status((st), (i))
/* How each kind of column is set in comment *o. */
#define COMMENT_SET_I64(o, f, b, a, st, i)    (o)->f = COL_READ_I64(a, st, i)
#define COMMENT_SET_INT(o, f, b, a, st, i)    (o)->f = COL_READ_INT(a, st, i)
#define COMMENT_SET_TEXT(o, f, b, a, st, i)   (o)->f = COL_READ_TEXT(a, st, i)
#define COMMENT_SET_DOUBLE(o, f, b, a, st, i) (o)->f = COL_READ_DOUBLE(a, st, i)
#define COMMENT_SET_CSTATUS(o, f, b, a, st, i)                                 \
	(o)->f = COL_READ_CSTATUS(a, st, i)
#define COMMENT_SET_HASH(o, f, b, a, st, i) (o)->b = col_hash((st), (i), (o)->f)

static void
comment_row(struct arena *a, struct db_stmt *st, struct comment *c)
{
	memset(c, 0, sizeof(*c));
#define COMMENT_COL_READ(f, k, b, sql) COMMENT_SET_##k(c, f, b, a, st, CC_##f);
	COMMENT_COLUMNS(COMMENT_COL_READ, COMMENT_COL_READ)
#undef COMMENT_COL_READ
}

/* The counts an approved comment adds to (delta 1) or takes from (-1). */
static int
count_approved(struct store *s, const struct comment *c, int delta,
               struct error *e)
{
	if (write_one(s, SQL_POST_COUNT_ADD, "counting comment", NULL, e, "lll",
	              c->post_id, (int64_t)delta,
	              delta > 0 ? c->created_at : (int64_t)0) == -1)
		return -1;
	/* A top-level comment's own activity is its time already. */
	if (delta > 0 && c->thread_id != 0 && c->thread_id != c->id &&
	    write_one(s, SQL_THREAD_ACTIVITY, "thread activity", NULL, e, "ll",
	              c->thread_id, c->created_at) == -1)
		return -1;
	return 0;
}

int
store_comment_add(struct store *s, const struct comment *in, int64_t *id,
                  struct error *e)
{
	struct conn *w;
	struct db_stmt *st;
	struct comment c = *in;
	int64_t new_id;
	long long mark;
	int rc;

	if (id == NULL)
		id = &new_id;
	/* Other posts' pages stay cached (scope_open()). */
	mark = scope_open(s);
	scope_post(s, c.post_id);
	if (store_begin(s, e) == -1) {
		scope_close(s, mark, c.post_id);
		return -1;
	}
	w = writer_lock(s);
	st = conn_prep(w, ENGINE_SQL(s, SQL_COMMENT_ADD), e);
	if (st == NULL) {
		writer_unlock(s);
		goto fail;
	}
	db_bind_int64(st, 1, c.post_id);
	bind_id(st, 2, c.parent_id);
	bind_id(st, 3, c.thread_id);
	db_bind_int64(st, 4, c.depth);
	bind_text(st, 5, c.author_name);
	bind_text(st, 6, c.author_email ? c.author_email : "");
	bind_text(st, 7, c.author_url ? c.author_url : "");
	bind_text(st, 8, c.body_src);
	bind_text(st, 9, c.body_html);
	bind_text(st, 10, comment_status_names[c.status]);
	db_bind_int64(st, 11, c.created_at);
	bind_hash(st, 12, c.has_token, c.token_hash, sizeof(c.token_hash));
	db_bind_int64(st, 13, c.notify);
	bind_hash(st, 14, c.has_body_hash, c.body_hash, sizeof(c.body_hash));
	db_bind_double(st, 15, c.spam_score);
	bind_hash(st, 16, c.has_ip_hash, c.ip_hash, sizeof(c.ip_hash));
	if (write_step(s, st, "adding comment", id, e) == -1) {
		writer_unlock(s);
		goto fail;
	}
	writer_unlock(s);
	c.id = *id;
	if (c.parent_id == 0) {
		c.thread_id = c.id;
		if (store_engine(s) != DB_PG &&
		    write_one(s, SQL_COMMENT_SELF_THREAD, "threading comment",
		              NULL, e, "l", c.id) == -1)
			goto fail;
	} else if (c.status != COMMENT_TRASH &&
	           write_one(s, SQL_REPLY_COUNT, "counting reply", NULL, e,
	                     "ll", c.parent_id, (int64_t)1) == -1)
		goto fail;
	if (c.status == COMMENT_APPROVED && count_approved(s, &c, 1, e) == -1)
		goto fail;
	rc = store_commit(s, e);
	scope_close(s, mark, c.post_id);
	return rc;
fail:
	store_rollback(s);
	scope_close(s, mark, c.post_id);
	return -1;
}

int
store_comment_get(struct store *s, struct arena *a, int64_t id,
                  struct comment *out, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_COMMENT_GET, e);
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, id);
	step = db_step(st, "comment", e);
	if (step == 1) {
		comment_row(a, st, out);
		rc = 0;
	} else if (step == 0)
		error_set(e, ERR_NOT_FOUND, "no comment %lld", (long long)id);
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_comment_set_status(struct store *s, int64_t id,
                         enum comment_status status, enum comment_status *old,
                         struct error *e)
{
	struct arena *a = arena_new();
	struct comment c;
	long long mark = scope_open(s);
	int rc;

	c.post_id = 0;
	if (store_begin(s, e) == -1)
		goto out;
	if (store_comment_get(s, a, id, &c, e) == -1)
		goto fail;
	scope_post(s, c.post_id);
	*old = c.status;
	if (c.status == status)
		goto done;
	if (write_one(s, SQL_COMMENT_STATUS, "moderating comment", NULL, e,
	              "ls", id, comment_status_names[status]) == -1)
		goto fail;
	if (c.status == COMMENT_APPROVED && count_approved(s, &c, -1, e) == -1)
		goto fail;
	if (status == COMMENT_APPROVED && count_approved(s, &c, 1, e) == -1)
		goto fail;
	if (c.parent_id != 0 &&
	    (c.status == COMMENT_TRASH) != (status == COMMENT_TRASH) &&
	    write_one(s, SQL_REPLY_COUNT, "counting reply", NULL, e, "ll",
	              c.parent_id,
	              (int64_t)(status == COMMENT_TRASH ? -1 : 1)) == -1)
		goto fail;
done:
	arena_free(a);
	rc = store_commit(s, e);
	scope_close(s, mark, c.post_id);
	return rc;
fail:
	store_rollback(s);
out:
	scope_close(s, mark, c.post_id);
	arena_free(a);
	return -1;
}

int
store_comment_edit(struct store *s, int64_t id, const char *body_src,
                   const char *body_html,
                   const unsigned char body_hash[COMMENT_HASH_BYTES],
                   int64_t now, struct error *e)
{
	struct conn *w = writer_lock(s);
	struct db_stmt *st = conn_prep(w, SQL_COMMENT_EDIT, e);
	int rc = -1;

	if (st != NULL) {
		db_bind_int64(st, 1, id);
		bind_text(st, 2, body_src);
		bind_text(st, 3, body_html);
		bind_hash(st, 4, 1, body_hash, COMMENT_HASH_BYTES);
		db_bind_int64(st, 5, now);
		rc = write_step(s, st, "editing comment", NULL, e);
	}
	writer_unlock(s);
	return rc;
}

int
store_comment_decision_add(struct store *s, int64_t id, const char *decision,
                           const char *actor, int64_t now, struct error *e)
{
	return write_private(s, SQL_DECISION_ADD, "recording decision", e,
	                     "lssl", id, decision, actor ? actor : "", now);
}

int
store_comment_approved_by(struct store *s, const char *email, int64_t *n,
                          struct error *e)
{
	return count_one(s, ENGINE_SQL(s, SQL_APPROVED_BY), email, 0, n, e);
}

/* Read every row of st into *out. */
static int
comment_rows(struct db_stmt *st, struct arena *a, struct comment **out,
             size_t *n, struct error *e)
{
	size_t cap = 16;
	int step;

	*out = arena_alloc(a, cap * sizeof(**out));
	*n = 0;
	while ((step = db_step(st, "comments", e)) == 1) {
		if (*n == cap) {
			struct comment *g =
				arena_alloc(a, 2 * cap * sizeof(*g));

			memcpy(g, *out, cap * sizeof(*g));
			*out = g;
			cap *= 2;
		}
		comment_row(a, st, &(*out)[(*n)++]);
	}
	stmt_done(st);
	return step;
}

/* The statement of a page of threads, bound. */
static struct db_stmt *
threads_stmt(struct store *s, struct conn *c, int64_t post_id, int by_activity,
             int limit, int offset, struct error *e)
{
	struct db_stmt *st =
		conn_prep(c,
	                  by_activity ? ENGINE_SQL(s, SQL_THREADS_ACTIVE)
	                              : ENGINE_SQL(s, SQL_THREADS),
	                  e);

	if (st != NULL) {
		db_bind_int64(st, 1, post_id);
		db_bind_int64(st, 2, limit);
		db_bind_int64(st, 3, offset);
	}
	return st;
}

void
threads_send(struct store *s, struct conn *c, int64_t post_id, int by_activity,
             int limit, int offset)
{
	struct error e;
	/* bound as count_one() binds it */
	struct db_stmt *st = conn_prep(c, SQL_ROOTS_COUNT, &e);

	if (st != NULL) {
		db_bind_int64(st, 1, post_id);
		(void)db_send(st, &e);
	}
	if (limit > 0 && offset >= 0 &&
	    (st = threads_stmt(s, c, post_id, by_activity, limit, offset,
	                       &e)) != NULL)
		(void)db_send(st, &e);
}

int
store_comment_threads(struct store *s, struct arena *a, int64_t post_id,
                      int by_activity, int limit, int offset,
                      struct comment **out, size_t *n, int64_t *roots,
                      struct error *e)
{
	int locked, rc = -1;
	struct conn *c;
	struct db_stmt *st;

	*out = NULL;
	*n = 0;
	if (count_one(s, SQL_ROOTS_COUNT, NULL, post_id, roots, e) == -1)
		return -1;
	if (limit <= 0 || offset < 0)
		return 0;
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = threads_stmt(s, c, post_id, by_activity, limit, offset, e);
	if (st != NULL)
		rc = comment_rows(st, a, out, n, e);
	reader_put(s, locked);
	return rc;
}

int
store_comment_list(struct store *s, struct arena *a, enum comment_status status,
                   int limit, struct comment **out, size_t *n, struct error *e)
{
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	*out = NULL;
	*n = 0;
	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_COMMENT_LIST, e);
	if (st != NULL) {
		bind_text(st, 1, comment_status_names[status]);
		db_bind_int64(st, 2, limit > 0 ? limit : 0);
		rc = comment_rows(st, a, out, n, e);
	}
	reader_put(s, locked);
	return rc;
}

/* ---- admin: moderation ---- */

static const char SQL_COMMENT_COUNT[] =
	"SELECT count(*) FROM comments WHERE status = ?1";
/*
 * The queue's columns after COMMENT_FIELDS: the post, the parent, and the
 * commenter's history by email (EMAIL_NOCASE above: the index of
 * migration 009 makes each count a short range on either engine).
 */
#define QUEUE_SELECT                                                           \
	"SELECT " COMMENT_FIELDS ", p.id, p.type, p.status, p.slug, p.title, " \
	"p.published_at, coalesce(pc.author_name, ''), "                       \
	"coalesce(substr(pc.body_src, 1, ?4), ''), "                           \
	"coalesce(length(pc.body_src), 0), "
#define QUEUE_HISTORY(eq)                                                      \
	"CASE WHEN c.author_email = '' THEN 0 ELSE (SELECT count(*) "          \
	"FROM comments h WHERE " eq " AND h.status = 'approved' "              \
	"AND h.id != c.id) END, "                                              \
	"CASE WHEN c.author_email = '' THEN 0 ELSE (SELECT count(*) "          \
	"FROM comments h WHERE " eq " AND h.status = 'spam' "                  \
	"AND h.id != c.id) END "
#define HISTORY_NOCASE    EMAIL_NOCASE("h.author_email", "c.author_email")
#define HISTORY_NOCASE_PG EMAIL_NOCASE_PG("h.author_email", "c.author_email")
#define QUEUE_FROM                                                             \
	"FROM comments c JOIN posts p ON p.id = c.post_id "                    \
	"LEFT JOIN comments pc ON pc.id = c.parent_id WHERE c.status = ?1 "
/* Two statements, so each order walks the (status, created_at) index. */
#define QUEUE_OLDEST "ORDER BY c.created_at, c.id LIMIT ?2 OFFSET ?3"
#define QUEUE_NEWEST "ORDER BY c.created_at DESC, c.id DESC LIMIT ?2 OFFSET ?3"
#define QUEUE(eq, order)                                                       \
	QUEUE_SELECT QUEUE_HISTORY(eq)                                         \
	QUEUE_FROM order
static const char SQL_QUEUE_OLDEST[] = QUEUE(HISTORY_NOCASE, QUEUE_OLDEST);
static const char SQL_QUEUE_OLDEST_PG[] =
	QUEUE(HISTORY_NOCASE_PG, QUEUE_OLDEST);
static const char SQL_QUEUE_NEWEST[] = QUEUE(HISTORY_NOCASE, QUEUE_NEWEST);
static const char SQL_QUEUE_NEWEST_PG[] =
	QUEUE(HISTORY_NOCASE_PG, QUEUE_NEWEST);

int
store_comment_count(struct store *s, enum comment_status status, int64_t *n,
                    struct error *e)
{
	return count_one(s, SQL_COMMENT_COUNT, comment_status_names[status], 0,
	                 n, e);
}

int
store_comment_queue(struct store *s, struct arena *a,
                    enum comment_status status, int limit, int offset,
                    int excerpt_chars, struct comment_queued **out, size_t *n,
                    struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit <= 0 || offset < 0)
		return 0;
	st = rd_prep(&q, s,
	             status == COMMENT_PENDING
	                     ? ENGINE_SQL(s, SQL_QUEUE_OLDEST)
	                     : ENGINE_SQL(s, SQL_QUEUE_NEWEST),
	             e);
	if (st == NULL)
		return -1;
	bind_text(st, 1, comment_status_names[status]);
	db_bind_int64(st, 2, limit);
	db_bind_int64(st, 3, offset);
	db_bind_int64(st, 4, excerpt_chars > 0 ? excerpt_chars : 0);
	while ((rc = rd_step(&q, "moderation queue", e)) == 1) {
		struct comment_queued *x;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		x = &(*out)[(*n)++];
		memset(x, 0, sizeof(*x));
		comment_row(a, st, &x->c);
		x->post.id = db_column_int64(st, COMMENT_NCOLS);
		x->post.type = col_post_type(st, COMMENT_NCOLS + 1);
		x->post.status = col_post_status(st, COMMENT_NCOLS + 2);
		x->post.slug = col_text(a, st, COMMENT_NCOLS + 3);
		x->post.title = col_text(a, st, COMMENT_NCOLS + 4);
		x->post.published_at = db_column_int64(st, COMMENT_NCOLS + 5);
		x->post.section_slug = x->post.section_name = "";
		x->post.excerpt = x->post.body_src = x->post.body_html = "";
		x->post.source_url = x->post.author_name = "";
		x->post.body_format = "markdown";
		x->post.submitter_name = x->post.submitter_email = "";
		x->parent_author = col_text(a, st, COMMENT_NCOLS + 6);
		x->parent_excerpt = col_text(a, st, COMMENT_NCOLS + 7);
		x->parent_cut = db_column_int64(st, COMMENT_NCOLS + 8) >
		                (int64_t)excerpt_chars;
		x->history_approved = db_column_int64(st, COMMENT_NCOLS + 9);
		x->history_spam = db_column_int64(st, COMMENT_NCOLS + 10);
	}
	rd_close(&q);
	return rc;
}

int
store_comments_recent(struct store *s, struct arena *a, int64_t now, int limit,
                      struct recent_comment **out, size_t *n, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_COMMENTS_RECENT, e);
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, limit);
	while ((step = db_step(st, "recent comments", e)) == 1) {
		struct recent_comment *rc_;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		rc_ = &(*out)[(*n)++];
		memset(rc_, 0, sizeof(*rc_));
		rc_->id = db_column_int64(st, 0);
		rc_->author_name = col_text(a, st, 1);
		rc_->created_at = db_column_int64(st, 2);
		rc_->post.id = db_column_int64(st, 3);
		rc_->post.type = col_post_type(st, 4);
		rc_->post.slug = col_text(a, st, 5);
		rc_->post.title = col_text(a, st, 6);
		rc_->post.published_at = db_column_int64(st, 7);
		rc_->post.status = POST_PUBLISHED;
	}
	rc = step;
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
	int locked, rc = -1, step = 0;
	struct conn *c;
	struct db_stmt *st;

	*out = NULL;
	*n = 0;
	if (limit <= 0)
		return 0;
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = conn_prep(c,
	               post_id ? ENGINE_SQL(s, SQL_NEWEST_COMMENTS_POST)
	                       : ENGINE_SQL(s, SQL_NEWEST_COMMENTS),
	               e);
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, limit);
	if (post_id)
		db_bind_int64(st, 3, post_id);
	*out = arena_zalloc(a, (size_t)limit * sizeof(**out));
	while (*n < (size_t)limit &&
	       (step = db_step(st, "newest comments", e)) == 1) {
		struct comment_on_post *it = &(*out)[(*n)++];

		it->c.id = db_column_int64(st, 0);
		it->c.post_id = db_column_int64(st, 1);
		it->c.parent_id = db_column_int64(st, 2);
		it->c.depth = (int)db_column_int64(st, 3);
		it->c.author_name = col_text(a, st, 4);
		it->c.author_email = "";
		it->c.author_url = col_text(a, st, 5);
		it->c.body_src = col_text(a, st, 6);
		it->c.body_html = col_text(a, st, 7);
		it->c.status = COMMENT_APPROVED;
		it->c.created_at = db_column_int64(st, 8);
		it->post.id = it->c.post_id;
		it->post.type = col_post_type(st, 9);
		it->post.status = POST_PUBLISHED;
		it->post.slug = col_text(a, st, 10);
		it->post.title = col_text(a, st, 11);
		it->post.published_at = db_column_int64(st, 12);
	}
	if (*n == (size_t)limit || step == 0)
		rc = 0;
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}
