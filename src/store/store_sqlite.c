/*
 * store.h on SQLite: WAL, a busy timeout, foreign keys, defensive mode,
 * prepared statements only (cached per connection), one writer connection
 * behind a mutex and one read connection per thread.
 */
#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <unistd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/embed.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

#define BUSY_TIMEOUT_MS 5000
/* How often the watcher looks for other processes' commits. */
#define STORE_WATCH_MS 50

const char *const post_type_names[POST_TYPE__MAX] = {"post", "page", "book",
                                                     "episode"};
const char *const post_status_names[POST_STATUS__MAX] = {"draft", "pending",
                                                         "scheduled",
                                                         "published", "trash"};
const char *const section_kind_names[SECTION_KIND__MAX] =
	{"posts", "video", "discussion", "podcast", "aggregator", "dashboard"};
const char *const user_role_names[ROLE__MAX] = {"admin", "editor", "author",
                                                "moderator", "contributor"};
const char *const comment_status_names[COMMENT_STATUS__MAX] = {"pending",
                                                               "approved",
                                                               "spam", "trash"};

int
enum_lookup(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Every statement the store runs, prepared once per connection. */
enum q {
	Q_SETTING_SET,
	Q_SETTING_GET,
	Q_USER_ADD,
	Q_SECTION_ADD,
	Q_SECTION_FIND,
	Q_SECTION_LIST,
	Q_POST_ADD,
	Q_POST_GET,
	Q_POST_PERMALINK,
	Q_POST_LIST,
	Q_POST_LIST_SECTION,
	Q_POST_COUNT,
	Q_POST_COUNT_SECTION,
	Q_POST_TAGS,
	Q_TAG_ADD,
	Q_TAG_ID,
	Q_POST_TAG_ADD,
	Q_FTS_ADD,
	Q_COMMENT_ADD,
	Q_COMMENT_COUNT_BUMP,
	Q_VIEWS_DAY,
	Q_VIEWS_TOTAL,
	Q_BLOCK_ADD,
	Q_BOOK_SET,
	Q_EPISODE_SET,
	Q_DATA_VERSION,
	Q_POST_BY_SLUG,
	Q__MAX
};

#define POST_COLS                                                               \
	"p.id, p.type, p.status, coalesce(p.section_id, 0), "                   \
	"coalesce(s.slug, ''), coalesce(s.name, ''), p.slug, p.title, "         \
	"p.excerpt, p.body_src, p.body_html, p.source_url, p.body_format, "     \
	"coalesce(p.author_id, 0), coalesce(nullif(u.name, ''), u.login, ''), " \
	"p.published_at, p.updated_at, p.views_total, p.comment_count, "        \
	"p.comments_open, p.sticky "                                            \
	"FROM posts p LEFT JOIN sections s ON s.id = p.section_id "             \
	"LEFT JOIN users u ON u.id = p.author_id "

static const char *const q_sql[Q__MAX] = {
	[Q_SETTING_SET] =
		"INSERT INTO settings(key, value) VALUES (?1, ?2) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[Q_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
	[Q_USER_ADD] = "INSERT INTO users(login, name, role, pw_hash, "
		       "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_SECTION_ADD] = "INSERT INTO sections(slug, name, kind, position, "
			  "show_newest) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_SECTION_FIND] = "SELECT id, slug, name, kind, position, show_newest "
			   "FROM sections WHERE slug = ?1 "
			   "OR name = ?1 COLLATE NOCASE "
			   "ORDER BY slug = ?1 DESC LIMIT 1",
	[Q_SECTION_LIST] =
		"SELECT s.id, s.slug, s.name, s.kind, s.position, "
		"s.show_newest, (SELECT max(published_at) FROM posts p "
		"WHERE p.section_id = s.id AND p.status = 'published' "
		"AND p.published_at <= ?1) FROM sections s "
		"ORDER BY s.position, s.id",
	[Q_POST_ADD] =
		"INSERT INTO posts(type, status, section_id, slug, title, "
		"excerpt, body_src, body_format, body_html, source_url, "
		"author_id, published_at, updated_at, comments_open, sticky, "
		"views_total) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
		"?11, ?12, ?13, ?14, ?15, ?16)",
	[Q_POST_GET] = "SELECT " POST_COLS "WHERE p.id = ?1",
	[Q_POST_PERMALINK] =
		"SELECT " POST_COLS "WHERE p.type = 'post' AND p.slug = ?1 "
		"AND p.status = 'published' AND p.published_at <= ?2 "
		"AND p.published_at >= ?3 AND p.published_at < ?3 + 86400",
	[Q_POST_LIST] =
		"SELECT " POST_COLS
		"WHERE p.type = ?1 AND p.status = 'published' "
		"AND p.published_at <= ?2 "
		"ORDER BY p.sticky DESC, p.published_at DESC, p.id DESC "
		"LIMIT ?3 OFFSET ?4",
	[Q_POST_LIST_SECTION] =
		"SELECT " POST_COLS
		"WHERE p.type = ?1 AND p.status = 'published' "
		"AND p.published_at <= ?2 AND p.section_id = ?5 "
		"ORDER BY p.sticky DESC, p.published_at DESC, p.id DESC "
		"LIMIT ?3 OFFSET ?4",
	[Q_POST_COUNT] = "SELECT count(*) FROM posts WHERE type = ?1 "
			 "AND status = 'published' AND published_at <= ?2",
	[Q_POST_COUNT_SECTION] =
		"SELECT count(*) FROM posts WHERE type = ?1 "
		"AND status = 'published' AND published_at <= ?2 "
		"AND section_id = ?3",
	[Q_POST_TAGS] = "SELECT t.name FROM post_tags pt JOIN tags t "
			"ON t.id = pt.tag_id WHERE pt.post_id = ?1 "
			"ORDER BY t.name",
	[Q_TAG_ADD] = "INSERT INTO tags(slug, name) VALUES (?1, ?2) "
		      "ON CONFLICT(slug) DO NOTHING",
	[Q_TAG_ID] = "SELECT id FROM tags WHERE slug = ?1",
	[Q_POST_TAG_ADD] = "INSERT OR IGNORE INTO post_tags(post_id, tag_id) "
			   "VALUES (?1, ?2)",
	[Q_FTS_ADD] = "INSERT INTO posts_fts(rowid, title, body) "
		      "VALUES (?1, ?2, ?3)",
	[Q_COMMENT_ADD] =
		"INSERT INTO comments(post_id, parent_id, depth, author_name, "
		"author_email, author_url, body_src, body_html, status, "
		"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_COMMENT_COUNT_BUMP] = "UPDATE posts SET comment_count = "
				 "comment_count + 1 WHERE id = ?1",
	[Q_VIEWS_DAY] = "INSERT INTO post_views(post_id, day, n) "
			"VALUES (?1, ?2, ?3) ON CONFLICT(post_id, day) "
			"DO UPDATE SET n = n + excluded.n",
	[Q_VIEWS_TOTAL] = "UPDATE posts SET views_total = views_total + ?2 "
			  "WHERE id = ?1",
	[Q_BLOCK_ADD] = "INSERT INTO blocks(area, position, kind, config) "
			"VALUES (?1, ?2, ?3, ?4)",
	[Q_BOOK_SET] = "INSERT INTO books(post_id, order_url) VALUES (?1, ?2) "
		       "ON CONFLICT(post_id) DO UPDATE SET "
		       "order_url = excluded.order_url",
	[Q_EPISODE_SET] =
		"INSERT INTO episodes(post_id, audio_url, duration_s) "
		"VALUES (?1, ?2, ?3) ON CONFLICT(post_id) DO UPDATE SET "
		"audio_url = excluded.audio_url, duration_s = excluded.duration_s",
	[Q_DATA_VERSION] = "PRAGMA data_version",
	[Q_POST_BY_SLUG] = "SELECT " POST_COLS "WHERE p.type = ?1 "
			   "AND p.slug = ?2 AND p.status = 'published' "
			   "AND p.published_at <= ?3",
};

struct conn {
	sqlite3 *db;
	sqlite3_stmt *st[Q__MAX];
};

struct store {
	char *path;
	int memory; /* ":memory:": every read goes through the writer */
	struct conn w;
	pthread_mutex_t wlock; /* recursive: held for a whole transaction */
	pthread_t owner;
	int depth;  /* nesting of store_begin() by owner */
	int failed; /* an inner transaction rolled back */
	pthread_key_t rkey;
	pthread_mutex_t rlist_lock;
	struct conn **readers; /* every read connection, closed at the end */
	size_t nreaders;
	atomic_uint_least64_t gen; /* store_generation() */
	struct conn watch;         /* the watcher thread's own connection */
	pthread_t watcher;
	int watching;
	atomic_int watch_stop;
};

static int
db_error(struct error *e, sqlite3 *db, const char *what)
{
	int code = sqlite3_extended_errcode(db);
	enum err_code ec = ERR_IO;

	if (code == SQLITE_CONSTRAINT_UNIQUE ||
	    code == SQLITE_CONSTRAINT_PRIMARYKEY)
		ec = ERR_CONFLICT;
	else if ((code & 0xff) == SQLITE_CONSTRAINT)
		ec = ERR_INVALID;
	return error_set(e, ec, "%s: %s", what, sqlite3_errmsg(db));
}

static void
conn_close(struct conn *c)
{
	for (int i = 0; i < Q__MAX; i++)
		sqlite3_finalize(c->st[i]);
	sqlite3_close(c->db);
	memset(c, 0, sizeof(*c));
}

static int
conn_open(struct conn *c, const char *path, int flags, struct error *e)
{
	memset(c, 0, sizeof(*c));
	if (sqlite3_open_v2(path, &c->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		error_set(e, ERR_IO, "cannot open database '%s': %s", path,
		          c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite3_close(c->db);
		c->db = NULL;
		return -1;
	}
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	return 0;
}

static int
conn_exec(struct conn *c, const char *sql, struct error *e)
{
	char *msg = NULL;

	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error_set(e, ERR_IO, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static sqlite3_stmt *
conn_stmt(struct conn *c, enum q q, struct error *e)
{
	if (c->st[q] == NULL &&
	    sqlite3_prepare_v3(c->db, q_sql[q], -1, SQLITE_PREPARE_PERSISTENT,
	                       &c->st[q], NULL) != SQLITE_OK) {
		db_error(e, c->db, "prepare");
		return NULL;
	}
	return c->st[q];
}

static void
stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void
bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	if (id == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, id);
}

static const char *
col_text(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);

	return t == NULL ? "" : arena_strndup(a, (const char *)t, (size_t)n);
}

/* ---- locking ---------------------------------------------------------- */

static int
owns_writer(struct store *s)
{
	return s->depth > 0 && pthread_equal(s->owner, pthread_self());
}

static struct conn *
writer_lock(struct store *s)
{
	pthread_mutex_lock(&s->wlock);
	return &s->w;
}

/* Every release of the writer may follow a write: readers' caches go. */
static void
writer_unlock(struct store *s)
{
	atomic_fetch_add_explicit(&s->gen, 1, memory_order_release);
	pthread_mutex_unlock(&s->wlock);
}

static void
reader_destroy(void *p)
{
	(void)p; /* closed by store_close(), which knows them all */
}

/*
 * The calling thread's read connection.  Inside the thread's own write
 * transaction (or on a :memory: database) reads go to the writer, so they
 * see what the transaction wrote; *locked tells the caller to unlock.
 */
static struct conn *
reader_get(struct store *s, int *locked, struct error *e)
{
	struct conn *c;

	*locked = 0;
	if (s->memory || owns_writer(s)) {
		*locked = 1;
		return writer_lock(s);
	}
	c = pthread_getspecific(s->rkey);
	if (c != NULL)
		return c;
	c = xcalloc(1, sizeof(*c));
	if (conn_open(c, s->path, SQLITE_OPEN_READONLY, e) == -1) {
		free(c);
		return NULL;
	}
	conn_exec(c, "PRAGMA query_only = 1", NULL);
	pthread_setspecific(s->rkey, c);
	pthread_mutex_lock(&s->rlist_lock);
	s->readers = xrealloc(s->readers, (s->nreaders + 1) * sizeof(c));
	s->readers[s->nreaders++] = c;
	pthread_mutex_unlock(&s->rlist_lock);
	return c;
}

static void
reader_put(struct store *s, int locked)
{
	if (locked)
		writer_unlock(s);
}

int
store_begin(struct store *s, struct error *e)
{
	writer_lock(s);
	if (s->depth++ == 0) {
		s->owner = pthread_self();
		s->failed = 0;
		if (conn_exec(&s->w, "BEGIN IMMEDIATE", e) == -1) {
			s->depth--;
			writer_unlock(s);
			return -1;
		}
	}
	return 0;
}

int
store_commit(struct store *s, struct error *e)
{
	int rc = 0;

	if (--s->depth == 0) {
		if (s->failed) {
			conn_exec(&s->w, "ROLLBACK", NULL);
			rc = error_set(e, ERR_IO, "transaction rolled back");
		} else if (conn_exec(&s->w, "COMMIT", e) == -1) {
			conn_exec(&s->w, "ROLLBACK", NULL);
			rc = -1;
		}
	}
	writer_unlock(s);
	return rc;
}

void
store_rollback(struct store *s)
{
	if (--s->depth == 0)
		conn_exec(&s->w, "ROLLBACK", NULL);
	else
		s->failed = 1;
	writer_unlock(s);
}

/* ---- migrations ------------------------------------------------------- */

static int64_t
migration_version(const char *name)
{
	int64_t v = 0;

	for (; *name >= '0' && *name <= '9'; name++)
		v = v * 10 + (*name - '0');
	return v;
}

static int64_t
migrations_known(void)
{
	int64_t max = 0;

	for (const struct embed_file *f = embed_sql; f->name != NULL; f++) {
		int64_t v = migration_version(f->name);

		if (v > max)
			max = v;
	}
	return max;
}

static int
db_version(struct conn *c, int64_t *out, struct error *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	rc = sqlite3_prepare_v2(c->db,
	                        "SELECT 1 FROM sqlite_master WHERE type = "
	                        "'table' AND name = 'schema_migrations'",
	                        -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_error(e, c->db, "reading the schema");
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return db_error(e, c->db, "reading the schema");
	if (sqlite3_prepare_v2(c->db,
	                       "SELECT coalesce(max(version), 0) "
	                       "FROM schema_migrations",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(e, c->db, "reading the schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int
migrate(struct store *s, struct error *e)
{
	int64_t have, known = migrations_known();

	if (db_version(&s->w, &have, e) == -1)
		return -1;
	if (have > known)
		return error_set(
			e, ERR_IO,
			"database '%s' is from a newer gazette "
			"(migration %lld; this binary knows up to %lld)",
			s->path, (long long)have, (long long)known);
	if (conn_exec(&s->w, "PRAGMA journal_mode = WAL", e) == -1 ||
	    conn_exec(&s->w, "PRAGMA synchronous = FULL", e) == -1 ||
	    conn_exec(&s->w, "PRAGMA foreign_keys = ON", e) == -1)
		return -1;
	if (have == known)
		return 0;
	if (conn_exec(&s->w,
	              "CREATE TABLE IF NOT EXISTS schema_migrations ("
	              "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
	              "applied_at INTEGER NOT NULL)",
	              e) == -1)
		return -1;
	/* embed_sql is sorted by name, and names start with the number. */
	for (const struct embed_file *f = embed_sql; f->name != NULL; f++) {
		int64_t v = migration_version(f->name);
		sqlite3_stmt *st = NULL;

		if (v <= have)
			continue;
		if (conn_exec(&s->w, "BEGIN IMMEDIATE", e) == -1)
			return -1;
		if (conn_exec(&s->w, f->data, e) == -1) {
			conn_exec(&s->w, "ROLLBACK", NULL);
			return error_set(e, ERR_IO, "migration %s: %s", f->name,
			                 e->msg);
		}
		if (sqlite3_prepare_v2(s->w.db,
		                       "INSERT INTO schema_migrations(version, "
		                       "name, applied_at) VALUES (?1, ?2, ?3)",
		                       -1, &st, NULL) != SQLITE_OK) {
			conn_exec(&s->w, "ROLLBACK", NULL);
			return db_error(e, s->w.db, "migration");
		}
		sqlite3_bind_int64(st, 1, v);
		sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, clock_now());
		if (sqlite3_step(st) != SQLITE_DONE) {
			db_error(e, s->w.db, "migration");
			sqlite3_finalize(st);
			conn_exec(&s->w, "ROLLBACK", NULL);
			return -1;
		}
		sqlite3_finalize(st);
		if (conn_exec(&s->w, "COMMIT", e) == -1)
			return -1;
	}
	return 0;
}

struct store *
store_open(const char *path, int create, struct error *e)
{
	struct store *s = xcalloc(1, sizeof(*s));
	pthread_mutexattr_t attr;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);

	s->path = xstrdup(path);
	s->memory = strcmp(path, ":memory:") == 0;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->wlock, &attr);
	pthread_mutexattr_destroy(&attr);
	pthread_mutex_init(&s->rlist_lock, NULL);
	pthread_key_create(&s->rkey, reader_destroy);
	if (conn_open(&s->w, path, flags, e) == -1 || migrate(s, e) == -1) {
		store_close(s);
		return NULL;
	}
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->watching) {
		atomic_store(&s->watch_stop, 1);
		pthread_join(s->watcher, NULL);
		conn_close(&s->watch);
	}
	for (size_t i = 0; i < s->nreaders; i++) {
		conn_close(s->readers[i]);
		free(s->readers[i]);
	}
	free(s->readers);
	if (s->w.db != NULL) {
		/* Fold the WAL back so the file alone is the whole site. */
		sqlite3_wal_checkpoint_v2(s->w.db, NULL,
		                          SQLITE_CHECKPOINT_TRUNCATE, NULL,
		                          NULL);
		conn_close(&s->w);
	}
	pthread_key_delete(s->rkey);
	pthread_mutex_destroy(&s->wlock);
	pthread_mutex_destroy(&s->rlist_lock);
	free(s->path);
	free(s);
}

int
store_schema_version(struct store *s, int64_t *have, int64_t *known,
                     struct error *e)
{
	int rc;

	writer_lock(s);
	rc = db_version(&s->w, have, e);
	writer_unlock(s);
	*known = migrations_known();
	return rc;
}

/* ---- one-statement writes -------------------------------------------- */

/*
 * Run a prepared write on the writer; the binder fills the parameters.
 * Returns 0 and the new rowid in *id (when id is not NULL), or -1.
 */
static int
write_step(struct store *s, sqlite3_stmt *st, const char *what, int64_t *id,
           struct error *e)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE) {
		db_error(e, s->w.db, what);
		stmt_done(st);
		return -1;
	}
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->w.db);
	stmt_done(st);
	return 0;
}

/*
 * One statement on the writer, its parameters bound from types: 's' text
 * (NULL binds NULL), 'i' int, 'l' int64_t, 'n' id (int64_t, 0 binds NULL).
 * The new rowid goes to *id when id is not NULL.
 */
static int
write_one(struct store *s, enum q q, const char *what, int64_t *id,
          struct error *e, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc = -1;

	writer_lock(s);
	st = conn_stmt(&s->w, q, e);
	if (st != NULL) {
		va_start(ap, types);
		for (int i = 0; types[i] != '\0'; i++) {
			switch (types[i]) {
			case 's':
				bind_text(st, i + 1, va_arg(ap, const char *));
				break;
			case 'i':
				sqlite3_bind_int(st, i + 1, va_arg(ap, int));
				break;
			case 'l':
				sqlite3_bind_int64(st, i + 1,
				                   va_arg(ap, int64_t));
				break;
			case 'n':
				bind_id(st, i + 1, va_arg(ap, int64_t));
				break;
			default:
				assert(!"bad type in write_one");
			}
		}
		va_end(ap);
		rc = write_step(s, st, what, id, e);
	}
	writer_unlock(s);
	return rc;
}

int
store_setting_set(struct store *s, const char *key, const char *value,
                  struct error *e)
{
	return write_one(s, Q_SETTING_SET, "setting", NULL, e, "ss", key,
	                 value);
}

int
store_setting_get(struct store *s, struct arena *a, const char *key,
                  const char **value, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	*value = NULL;
	if (c == NULL)
		return -1;
	st = conn_stmt(c, Q_SETTING_GET, e);
	if (st == NULL)
		goto out;
	bind_text(st, 1, key);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*value = col_text(a, st, 0);
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		rc = 0;
	else
		db_error(e, c->db, "setting");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_user_add(struct store *s, const char *login, const char *name,
               enum user_role role, const char *pw_hash, int64_t *id,
               struct error *e)
{
	if (write_one(s, Q_USER_ADD, "adding user", id, e, "ssssl", login,
	              name ? name : "", user_role_names[role], pw_hash,
	              clock_now()) == 0)
		return 0;
	if (e->code == ERR_CONFLICT)
		error_set(e, ERR_CONFLICT, "user '%s' already exists", login);
	return -1;
}

int
store_section_add(struct store *s, const struct section *in, int64_t *id,
                  struct error *e)
{
	return write_one(s, Q_SECTION_ADD, "adding section", id, e, "sssii",
	                 in->slug, in->name, section_kind_names[in->kind],
	                 in->position, in->show_newest);
}

static void
section_row(struct arena *a, sqlite3_stmt *st, struct section *out)
{
	int k;

	out->id = sqlite3_column_int64(st, 0);
	out->slug = col_text(a, st, 1);
	out->name = col_text(a, st, 2);
	k = enum_lookup(section_kind_names, SECTION_KIND__MAX,
	                (const char *)sqlite3_column_text(st, 3));
	out->kind = k < 0 ? SECTION_POSTS : (enum section_kind)k;
	out->position = sqlite3_column_int(st, 4);
	out->show_newest = sqlite3_column_int(st, 5);
	out->newest_at = 0;
}

int
store_section_find(struct store *s, struct arena *a, const char *key,
                   struct section *out, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	if (c == NULL)
		return -1;
	st = conn_stmt(c, Q_SECTION_FIND, e);
	if (st == NULL)
		goto out;
	bind_text(st, 1, key);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		section_row(a, st, out);
		rc = 0;
	} else if (step == SQLITE_DONE)
		error_set(e, ERR_NOT_FOUND, "no section '%s'", key);
	else
		db_error(e, c->db, "section");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_section_list(struct store *s, struct arena *a, int64_t now,
                   struct section **out, size_t *n, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;
	size_t cap = 8;

	*out = NULL;
	*n = 0;
	if (c == NULL)
		return -1;
	st = conn_stmt(c, Q_SECTION_LIST, e);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	*out = arena_alloc(a, cap * sizeof(**out));
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct section *grown =
				arena_alloc(a, 2 * cap * sizeof(**out));

			memcpy(grown, *out, cap * sizeof(**out));
			*out = grown;
			cap *= 2;
		}
		section_row(a, st, &(*out)[*n]);
		(*out)[*n].newest_at = sqlite3_column_int64(st, 6);
		(*n)++;
	}
	if (step == SQLITE_DONE)
		rc = 0;
	else
		db_error(e, c->db, "sections");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

/* ---- posts ------------------------------------------------------------ */

static int
tag_attach(struct store *s, int64_t post_id, const char *name, struct arena *a,
           struct error *e)
{
	sqlite3_stmt *st;
	const char *slug = slug_from_title(a, name);
	int64_t tag_id = 0;

	if (*slug == '\0')
		return 0; /* a tag of punctuation only names nothing */
	st = conn_stmt(&s->w, Q_TAG_ADD, e);
	if (st == NULL)
		return -1;
	bind_text(st, 1, slug);
	bind_text(st, 2, name);
	if (write_step(s, st, "adding tag", NULL, e) == -1)
		return -1;
	st = conn_stmt(&s->w, Q_TAG_ID, e);
	if (st == NULL)
		return -1;
	bind_text(st, 1, slug);
	if (sqlite3_step(st) == SQLITE_ROW)
		tag_id = sqlite3_column_int64(st, 0);
	stmt_done(st);
	if (tag_id == 0)
		return db_error(e, s->w.db, "adding tag");
	st = conn_stmt(&s->w, Q_POST_TAG_ADD, e);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_int64(st, 2, tag_id);
	return write_step(s, st, "tagging post", NULL, e);
}

int
store_post_add(struct store *s, const struct post *in, int64_t *id,
               struct error *e)
{
	sqlite3_stmt *st;
	struct arena *a = NULL;
	int64_t new_id;

	if (id == NULL)
		id = &new_id;
	if (store_begin(s, e) == -1)
		return -1;
	st = conn_stmt(&s->w, Q_POST_ADD, e);
	if (st == NULL)
		goto fail;
	bind_text(st, 1, post_type_names[in->type]);
	bind_text(st, 2, post_status_names[in->status]);
	bind_id(st, 3, in->section_id);
	bind_text(st, 4, in->slug);
	bind_text(st, 5, in->title);
	bind_text(st, 6, in->excerpt ? in->excerpt : "");
	bind_text(st, 7, in->body_src ? in->body_src : "");
	bind_text(st, 8, in->body_format ? in->body_format : "markdown");
	bind_text(st, 9, in->body_html ? in->body_html : "");
	bind_text(st, 10, in->source_url ? in->source_url : "");
	bind_id(st, 11, in->author_id);
	sqlite3_bind_int64(st, 12, in->published_at);
	sqlite3_bind_int64(st, 13,
	                   in->updated_at ? in->updated_at : in->published_at);
	sqlite3_bind_int(st, 14, in->comments_open);
	sqlite3_bind_int(st, 15, in->sticky);
	sqlite3_bind_int64(st, 16, in->views_total);
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
	st = conn_stmt(&s->w, Q_FTS_ADD, e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, *id);
	bind_text(st, 2, in->title);
	bind_text(st, 3, in->body_src ? in->body_src : "");
	if (write_step(s, st, "indexing post", NULL, e) == -1)
		goto fail;
	arena_free(a);
	return store_commit(s, e);
fail:
	arena_free(a);
	store_rollback(s);
	return -1;
}

static void
post_row(struct arena *a, sqlite3_stmt *st, struct post *p)
{
	int k;

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	k = enum_lookup(post_type_names, POST_TYPE__MAX,
	                (const char *)sqlite3_column_text(st, 1));
	p->type = k < 0 ? POST_POST : (enum post_type)k;
	k = enum_lookup(post_status_names, POST_STATUS__MAX,
	                (const char *)sqlite3_column_text(st, 2));
	p->status = k < 0 ? POST_DRAFT : (enum post_status)k;
	p->section_id = sqlite3_column_int64(st, 3);
	p->section_slug = col_text(a, st, 4);
	p->section_name = col_text(a, st, 5);
	p->slug = col_text(a, st, 6);
	p->title = col_text(a, st, 7);
	p->excerpt = col_text(a, st, 8);
	p->body_src = col_text(a, st, 9);
	p->body_html = col_text(a, st, 10);
	p->source_url = col_text(a, st, 11);
	p->body_format = col_text(a, st, 12);
	p->author_id = sqlite3_column_int64(st, 13);
	p->author_name = col_text(a, st, 14);
	p->published_at = sqlite3_column_int64(st, 15);
	p->updated_at = sqlite3_column_int64(st, 16);
	p->views_total = sqlite3_column_int64(st, 17);
	p->comment_count = sqlite3_column_int64(st, 18);
	p->comments_open = sqlite3_column_int(st, 19);
	p->sticky = sqlite3_column_int(st, 20);
}

static int
post_tags(struct conn *c, struct arena *a, struct post *p, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, Q_POST_TAGS, e);
	size_t cap = 4;
	int step;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, p->id);
	p->tags = arena_alloc(a, cap * sizeof(*p->tags));
	p->ntags = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (p->ntags == cap) {
			const char **grown =
				arena_alloc(a, 2 * cap * sizeof(*p->tags));

			memcpy(grown, p->tags, cap * sizeof(*p->tags));
			p->tags = grown;
			cap *= 2;
		}
		p->tags[p->ntags++] = col_text(a, st, 0);
	}
	stmt_done(st);
	return step == SQLITE_DONE ? 0 : db_error(e, c->db, "post tags");
}

/* Step st once into *out (with tags); ERR_NOT_FOUND when no row. */
static int
post_one(struct conn *c, sqlite3_stmt *st, struct arena *a, struct post *out,
         struct error *e)
{
	int step = sqlite3_step(st);

	if (step == SQLITE_ROW) {
		post_row(a, st, out);
		stmt_done(st);
		return post_tags(c, a, out, e);
	}
	stmt_done(st);
	if (step == SQLITE_DONE)
		return error_set(e, ERR_NOT_FOUND, "no such post");
	return db_error(e, c->db, "post");
}

int
store_post_get(struct store *s, struct arena *a, int64_t id, struct post *out,
               struct error *e)
{
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	if (c == NULL)
		return -1;
	st = conn_stmt(c, Q_POST_GET, e);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		rc = post_one(c, st, a, out, e);
	}
	reader_put(s, locked);
	return rc;
}

int
store_post_get_permalink(struct store *s, struct arena *a, int y, int m, int d,
                         const char *slug, int64_t now, struct post *out,
                         struct error *e)
{
	int locked, rc = -1;
	struct conn *c;
	sqlite3_stmt *st;
	char iso[16];
	int64_t day;

	snprintf(iso, sizeof(iso), "%04d-%02d-%02d", y, m, d);
	if (time_parse_iso(iso, &day) == -1)
		return error_set(e, ERR_NOT_FOUND, "no such date");
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = conn_stmt(c, Q_POST_PERMALINK, e);
	if (st != NULL) {
		bind_text(st, 1, slug);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, day);
		rc = post_one(c, st, a, out, e);
	}
	reader_put(s, locked);
	return rc;
}

int
store_post_list(struct store *s, struct arena *a, const struct post_query *q,
                struct post **out, size_t *n, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if (c == NULL)
		return -1;
	if (q->limit <= 0 || q->offset < 0) {
		/* SQLite reads LIMIT -1 as "no limit"; a list is always
		 * bounded here, so a non-positive limit lists nothing. */
		reader_put(s, locked);
		return 0;
	}
	st = conn_stmt(c, q->section_id ? Q_POST_LIST_SECTION : Q_POST_LIST, e);
	if (st == NULL)
		goto out;
	bind_text(st, 1, post_type_names[q->type]);
	sqlite3_bind_int64(st, 2, q->now);
	sqlite3_bind_int(st, 3, q->limit);
	sqlite3_bind_int(st, 4, q->offset);
	if (q->section_id)
		sqlite3_bind_int64(st, 5, q->section_id);
	*out = arena_alloc(a, (size_t)q->limit * sizeof(**out));
	while ((step = sqlite3_step(st)) == SQLITE_ROW && *n < (size_t)q->limit)
		post_row(a, st, &(*out)[(*n)++]);
	if (step == SQLITE_DONE || step == SQLITE_ROW)
		rc = 0;
	else
		db_error(e, c->db, "post list");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_post_count(struct store *s, const struct post_query *q, int64_t *count,
                 struct error *e)
{
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	*count = 0;
	if (c == NULL)
		return -1;
	st = conn_stmt(c, q->section_id ? Q_POST_COUNT_SECTION : Q_POST_COUNT,
	               e);
	if (st == NULL)
		goto out;
	bind_text(st, 1, post_type_names[q->type]);
	sqlite3_bind_int64(st, 2, q->now);
	if (q->section_id)
		sqlite3_bind_int64(st, 3, q->section_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		rc = 0;
	} else
		db_error(e, c->db, "post count");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

/* ---- comments, views, blocks, books ---------------------------------- */

int
store_comment_add(struct store *s, const struct comment *in, int64_t *id,
                  struct error *e)
{
	sqlite3_stmt *st;

	if (store_begin(s, e) == -1)
		return -1;
	st = conn_stmt(&s->w, Q_COMMENT_ADD, e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, in->post_id);
	bind_id(st, 2, in->parent_id);
	sqlite3_bind_int(st, 3, in->depth);
	bind_text(st, 4, in->author_name);
	bind_text(st, 5, in->author_email ? in->author_email : "");
	bind_text(st, 6, in->author_url ? in->author_url : "");
	bind_text(st, 7, in->body_src);
	bind_text(st, 8, in->body_html);
	bind_text(st, 9, comment_status_names[in->status]);
	sqlite3_bind_int64(st, 10, in->created_at);
	if (write_step(s, st, "adding comment", id, e) == -1)
		goto fail;
	if (in->status == COMMENT_APPROVED) {
		st = conn_stmt(&s->w, Q_COMMENT_COUNT_BUMP, e);
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, in->post_id);
		if (write_step(s, st, "counting comment", NULL, e) == -1)
			goto fail;
	}
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}

int
store_views_add(struct store *s, int64_t post_id, int64_t day, int64_t n,
                struct error *e)
{
	sqlite3_stmt *st;

	if (store_begin(s, e) == -1)
		return -1;
	st = conn_stmt(&s->w, Q_VIEWS_DAY, e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_int64(st, 2, day);
	sqlite3_bind_int64(st, 3, n);
	if (write_step(s, st, "adding views", NULL, e) == -1)
		goto fail;
	st = conn_stmt(&s->w, Q_VIEWS_TOTAL, e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_int64(st, 2, n);
	if (write_step(s, st, "adding views", NULL, e) == -1)
		goto fail;
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}

int
store_block_add(struct store *s, const char *area, int position,
                const char *kind, const char *config_json, struct error *e)
{
	return write_one(s, Q_BLOCK_ADD, "adding block", NULL, e, "siss", area,
	                 position, kind, config_json);
}

int
store_book_set(struct store *s, int64_t post_id, const char *order_url,
               struct error *e)
{
	return write_one(s, Q_BOOK_SET, "setting book", NULL, e, "ls", post_id,
	                 order_url);
}

int
store_episode_set(struct store *s, int64_t post_id, const char *audio_url,
                  int64_t duration_s, struct error *e)
{
	return write_one(s, Q_EPISODE_SET, "setting episode", NULL, e, "lsl",
	                 post_id, audio_url, duration_s);
}

uint64_t
store_generation(struct store *s)
{
	return atomic_load_explicit(&s->gen, memory_order_acquire);
}

/*
 * Commits made by other processes (the CLI beside a running server) are
 * seen here: PRAGMA data_version on a connection of the watcher's own
 * changes when any other connection has committed.
 */
static void *
watch_main(void *arg)
{
	struct store *s = arg;
	int64_t last = -1;

	while (!atomic_load(&s->watch_stop)) {
		sqlite3_stmt *st = conn_stmt(&s->watch, Q_DATA_VERSION, NULL);

		if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
			int64_t v = sqlite3_column_int64(st, 0);

			if (last != -1 && v != last)
				atomic_fetch_add(&s->gen, 1);
			last = v;
		}
		if (st != NULL)
			stmt_done(st);
		usleep(STORE_WATCH_MS * 1000);
	}
	return NULL;
}

int
store_watch(struct store *s, struct error *e)
{
	if (s->memory || s->watching)
		return 0;
	if (conn_open(&s->watch, s->path, SQLITE_OPEN_READONLY, e) == -1)
		return -1;
	if (pthread_create(&s->watcher, NULL, watch_main, s) != 0) {
		conn_close(&s->watch);
		return error_set(e, ERR_IO, "cannot start the store watcher");
	}
	s->watching = 1;
	return 0;
}

int
store_post_get_slug(struct store *s, struct arena *a, enum post_type type,
                    const char *slug, int64_t now, struct post *out,
                    struct error *e)
{
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	if (c == NULL)
		return -1;
	st = conn_stmt(c, Q_POST_BY_SLUG, e);
	if (st != NULL) {
		bind_text(st, 1, post_type_names[type]);
		bind_text(st, 2, slug);
		sqlite3_bind_int64(st, 3, now);
		rc = post_one(c, st, a, out, e);
	}
	reader_put(s, locked);
	return rc;
}
