/*
 * store.h on SQLite: WAL, a busy timeout, foreign keys, defensive mode,
 * prepared statements only (cached per connection), one writer connection
 * behind a mutex and one read connection per thread.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "comments.h"
#include "posts.h"
#include "site.h"
#include "users.h"
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

static const char SQL_SETTING_SET[] =
	"INSERT INTO settings(key, value) VALUES (?1, ?2) "
	"ON CONFLICT(key) DO UPDATE SET value = excluded.value";

static const char SQL_SETTING_GET[] =
	"SELECT value FROM settings WHERE key = ?1";

static const char SQL_USER_ADD[] =
	"INSERT INTO users(login, name, role, pw_hash, "
	"created_at) VALUES (?1, ?2, ?3, ?4, ?5)";

static const char SQL_SECTION_ADD[] =
	"INSERT INTO sections(slug, name, kind, position, "
	"show_newest) VALUES (?1, ?2, ?3, ?4, ?5)";

static const char SQL_SECTION_FIND[] =
	"SELECT id, slug, name, kind, position, show_newest "
	"FROM sections WHERE slug = ?1 "
	"OR name = ?1 COLLATE NOCASE "
	"ORDER BY slug = ?1 DESC LIMIT 1";

/* Each section's newest item is one seek in posts_section (written as
 * an ordered LIMIT 1, so no aggregate need trust the min/max
 * optimization); the order is sections_position's (migration 016). */
static const char SQL_SECTION_LIST[] =
	"SELECT s.id, s.slug, s.name, s.kind, s.position, "
	"s.show_newest, (SELECT p.published_at FROM posts p "
	"WHERE p.section_id = s.id AND p.status = 'published' "
	"AND p.published_at <= ?1 ORDER BY p.published_at DESC LIMIT 1) "
	"FROM sections s ORDER BY s.position, s.id";

static const char SQL_DATA_VERSION[] = "PRAGMA data_version";

struct settings_snap;
static void settings_free(struct settings_snap *sn);
static const char SQL_SETTINGS_ALL[] =
	"SELECT key, value FROM settings ORDER BY key";

static const struct store_stmt sqlite_reader_stmts[] = {
	{"setting_get", SQL_SETTING_GET, NULL},
	{"settings_all", SQL_SETTINGS_ALL, NULL},
	{"section_find", SQL_SECTION_FIND, NULL},
	{"section_list", SQL_SECTION_LIST, NULL},
	{NULL, NULL, NULL},
};

const struct store_stmt *const store_reader_stmts[] = {
	sqlite_reader_stmts,   posts_reader_stmts,  lists_reader_stmts,
	comments_reader_stmts, feeds_reader_stmts,  views_reader_stmts,
	search_reader_stmts,   import_reader_stmts, NULL,
};

int
db_error(struct error *e, sqlite3 *db, const char *what)
{
	int code = sqlite3_extended_errcode(db);
	enum err_code ec = ERR_IO;

	if (code == SQLITE_CONSTRAINT_UNIQUE ||
	    code == SQLITE_CONSTRAINT_PRIMARYKEY)
		ec = ERR_CONFLICT;
	else if ((code & 0xff) == SQLITE_CONSTRAINT)
		ec = ERR_INVALID;
	if ((code & 0xff) == SQLITE_BUSY)
		return error_set(e, ec,
		                 "%s: %s (another gazette, such as an import, "
		                 "holds it; try again once that ends)",
		                 what, sqlite3_errmsg(db));
	return error_set(e, ec, "%s: %s", what, sqlite3_errmsg(db));
}

void
conn_close(struct conn *c)
{
	for (int i = 0; i < STMT_SLOTS; i++)
		sqlite3_finalize(c->stmts[i].st);
	sqlite3_close(c->db);
	memset(c, 0, sizeof(*c));
}

int
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
	if (search_functions_add(c->db, e) == -1) {
		sqlite3_close(c->db);
		c->db = NULL;
		return -1;
	}
	return 0;
}

int
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

sqlite3_stmt *
conn_stmt(struct conn *c, const char *sql, struct error *e)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;

	for (size_t k = 0; k < STMT_SLOTS; k++) {
		struct stmt_slot *slot = &c->stmts[(h + k) % STMT_SLOTS];

		if (slot->sql == sql)
			return slot->st;
		if (slot->sql != NULL)
			continue;
		if (sqlite3_prepare_v3(c->db, sql, -1,
		                       SQLITE_PREPARE_PERSISTENT, &slot->st,
		                       NULL) != SQLITE_OK) {
			db_error(e, c->db, "prepare");
			slot->st = NULL;
			return NULL;
		}
		slot->sql = sql;
		return slot->st;
	}
	/* More statements than slots is a programming error, not input. */
	error_set(e, ERR_IO, "statement cache full (STMT_SLOTS)");
	return NULL;
}

void
stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

void
bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	if (id == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, id);
}

const char *
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

struct conn *
writer_lock(struct store *s)
{
	pthread_mutex_lock(&s->wlock);
	return &s->w;
}

/* Fibonacci hashing: the top bits of id times 2^64 / phi pick the slot. */
static atomic_uint_least64_t *
post_slot(struct store *s, int64_t id)
{
	if (id == STORE_ANY_POST)
		return &s->any_post;
	return &s->post_slots[((uint64_t)id * 0x9e3779b97f4a7c15ull) >> 52];
}

/*
 * What the writer's last change touched, once it is committed (or rolled
 * back): nothing; only posts named by scopes (their versions move); or
 * anything (the generation moves, so caches of what readers saw go).
 * Inside a transaction or a scope nothing is visible yet, and the release
 * that ends it decides.
 */
static void
changes_publish(struct store *s)
{
	long long changes = sqlite3_total_changes64(s->w.db);
	long long n = changes - s->changes_seen;

	if (n != 0 && n == s->scoped_changes && s->nscope <= SCOPE_POSTS) {
		for (int i = 0; i < s->nscope; i++) {
			uint64_t v = atomic_fetch_add(&s->post_clock, 1) + 1;

			atomic_store(post_slot(s, s->scope_posts[i]), v);
			atomic_store(post_slot(s, STORE_ANY_POST), v);
		}
	} else if (n != 0)
		atomic_fetch_add_explicit(&s->gen, 1, memory_order_release);
	s->changes_seen = changes;
	s->scoped_changes = 0;
	s->nscope = 0;
}

void
writer_unlock(struct store *s)
{
	if (s->depth == 0 && s->scoping == 0)
		changes_publish(s);
	pthread_mutex_unlock(&s->wlock);
}

long long
scope_open(struct store *s)
{
	writer_lock(s);
	s->scoping++;
	return sqlite3_total_changes64(s->w.db);
}

void
scope_close(struct store *s, long long mark, int64_t post_id)
{
	s->scoped_changes += sqlite3_total_changes64(s->w.db) - mark;
	if (post_id != 0 && s->nscope <= SCOPE_POSTS) {
		int i = 0;

		while (i < s->nscope && s->scope_posts[i] != post_id)
			i++;
		if (i == s->nscope && s->nscope++ < SCOPE_POSTS)
			s->scope_posts[i] = post_id;
	}
	s->scoping--;
	writer_unlock(s);
}

uint64_t
store_post_clock(struct store *s)
{
	return atomic_load(&s->post_clock);
}

uint64_t
store_post_version(struct store *s, int64_t id)
{
	return atomic_load(post_slot(s, id));
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
struct conn *
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
	/* Reads map the file rather than copy it through pread: a search
	 * touches many pages of a big index (bench/search.sh). */
	conn_exec(c, "PRAGMA mmap_size = " STORE_MMAP_BYTES, NULL);
	pthread_setspecific(s->rkey, c);
	pthread_mutex_lock(&s->rlist_lock);
	s->readers = xrealloc(s->readers, (s->nreaders + 1) * sizeof(c));
	s->readers[s->nreaders++] = c;
	pthread_mutex_unlock(&s->rlist_lock);
	return c;
}

static const char SQL_READ_BEGIN[] = "BEGIN";
static const char SQL_READ_END[] = "COMMIT";

/* Run a statement of no rows on a reader; e may be NULL. */
static int
read_step(struct conn *c, const char *sql, struct error *e)
{
	struct error ignored;
	sqlite3_stmt *st = conn_stmt(c, sql, e ? e : &ignored);
	int step;

	if (st == NULL)
		return -1;
	step = sqlite3_step(st);
	stmt_done(st);
	if (step != SQLITE_DONE)
		return db_error(e ? e : &ignored, c->db, "read transaction");
	return 0;
}

/* Inside the page's read transaction (store_read_begin) both do
 * nothing: its snapshot is the one to read. */
int
reader_begin(struct conn *c, struct error *e)
{
	if (c->reading)
		return 0;
	return read_step(c, SQL_READ_BEGIN, e);
}

int
reader_end(struct conn *c, struct error *e)
{
	if (c->reading || sqlite3_get_autocommit(c->db))
		return 0;
	return read_step(c, SQL_READ_END, e);
}

void
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
			/* error_set() writes e->msg while it reads the
			 * arguments: format from a copy, not from e itself. */
			char why[sizeof e->msg];

			snprintf(why, sizeof why, "%s", e->msg);
			conn_exec(&s->w, "ROLLBACK", NULL);
			return error_set(e, ERR_IO, "migration %s: %s", f->name,
			                 why);
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

/*
 * SQLite's memory statistics take one global mutex on every allocation,
 * and Debian builds it without lookaside memory, so the reader threads'
 * searches (thousands of small allocations each) queued on that lock.
 * Nothing here reads the statistics.  It has to be set before SQLite
 * initializes, that is before the first connection opens.
 */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void
sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * SQLite creates a database 0644 (less the umask) and has no flag for a
 * mode; it then gives the -wal, -shm and journal files the database's own
 * mode.  The file holds password hashes, commenters' emails, the SMTP
 * password and the keys that sign logins, forms and unsubscribe links, so
 * it is made here first, 0600, and SQLite opens what exists.  An existing
 * file keeps its mode (serve warns about one others may read).
 */
static int
db_file_create(const char *path, struct error *e)
{
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd == -1)
		return error_set(e, ERR_IO, "cannot create database '%s': %s",
		                 path, strerror(errno));
	close(fd);
	return 0;
}

struct store *
store_open(const char *path, int create, struct error *e)
{
	struct store *s = xcalloc(1, sizeof(*s));
	pthread_mutexattr_t attr;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);

	pthread_once(&sqlite_once, sqlite_setup);
	s->path = xstrdup(path);
	s->memory = strcmp(path, ":memory:") == 0;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->wlock, &attr);
	pthread_mutexattr_destroy(&attr);
	pthread_mutex_init(&s->rlist_lock, NULL);
	pthread_rwlock_init(&s->settings_lock, NULL);
	pthread_key_create(&s->rkey, reader_destroy);
	s->search_cache = search_cache_new();
	if (create && !s->memory && db_file_create(path, e) == -1) {
		store_close(s);
		return NULL;
	}
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
	search_cache_free(s->search_cache);
	pthread_mutex_destroy(&s->wlock);
	pthread_mutex_destroy(&s->rlist_lock);
	settings_free(s->settings);
	pthread_rwlock_destroy(&s->settings_lock);
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

int
store_explain(struct store *s, struct arena *a, const char *sql,
              const char ***lines, size_t *n, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st = NULL;
	size_t cap = 0;

	*lines = NULL;
	*n = 0;
	if (c == NULL)
		return -1;
	if (sqlite3_prepare_v2(c->db,
	                       arena_printf(a, "EXPLAIN QUERY PLAN %s", sql),
	                       -1, &st, NULL) != SQLITE_OK) {
		db_error(e, c->db, "explain");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		*lines = arena_grow(a, *lines, &cap, *n, sizeof(**lines));
		(*lines)[(*n)++] = col_text(a, st, 3);
	}
	if (step == SQLITE_DONE)
		rc = 0;
	else
		db_error(e, c->db, "explain");
out:
	sqlite3_finalize(st);
	reader_put(s, locked);
	return rc;
}

/* ---- one-statement writes -------------------------------------------- */

/*
 * Run a prepared write on the writer; the binder fills the parameters.
 * Returns 0 and the new rowid in *id (when id is not NULL), or -1.
 */
int
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

/* write_one and write_count: bind ap by types, step, count the changes. */
static int
write_v(struct store *s, const char *sql, const char *what, int64_t *id,
        int64_t *changes, struct error *e, const char *types, va_list ap)
{
	sqlite3_stmt *st;
	int rc = -1;

	writer_lock(s);
	st = conn_stmt(&s->w, sql, e);
	if (st != NULL) {
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
		rc = write_step(s, st, what, id, e);
		if (rc == 0 && changes != NULL)
			*changes = sqlite3_changes64(s->w.db);
	}
	writer_unlock(s);
	return rc;
}

/*
 * One statement on the writer, its parameters bound from types: 's' text
 * (NULL binds NULL), 'i' int, 'l' int64_t, 'n' id (int64_t, 0 binds NULL).
 * The new rowid goes to *id when id is not NULL.
 */
int
write_one(struct store *s, const char *sql, const char *what, int64_t *id,
          struct error *e, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = write_v(s, sql, what, id, NULL, e, types, ap);
	va_end(ap);
	return rc;
}

int
write_private(struct store *s, const char *sql, const char *what,
              struct error *e, const char *types, ...)
{
	long long mark = scope_open(s);
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = write_v(s, sql, what, NULL, NULL, e, types, ap);
	va_end(ap);
	scope_close(s, mark, 0);
	return rc;
}

int
write_count(struct store *s, const char *sql, const char *what,
            int64_t *changes, struct error *e, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = write_v(s, sql, what, NULL, changes, e, types, ap);
	va_end(ap);
	return rc;
}

int
store_setting_set(struct store *s, const char *key, const char *value,
                  struct error *e)
{
	return write_one(s, SQL_SETTING_SET, "setting", NULL, e, "ss", key,
	                 value);
}

/*
 * The settings table in memory, read again when the generation has moved
 * (every write of a setting moves it; the watcher moves it for other
 * processes' writes), so pages and comment rules read settings without a
 * query (a dozen a page, a quarter of a render's CPU before).  Loaded on
 * the writer's connection: a thread's read connection may be inside a
 * read transaction older than the generation just taken.
 */
struct settings_snap {
	uint64_t gen;
	struct arena *a;
	const char **keys, **values; /* n of each, sorted by key */
	size_t n;
};

static struct settings_snap *
settings_load(struct store *s, struct error *e)
{
	struct settings_snap *sn = xcalloc(1, sizeof(*sn));
	size_t cap = 0;
	sqlite3_stmt *st;
	int step;

	sn->gen = store_generation(s);
	sn->a = arena_new();
	writer_lock(s);
	st = conn_stmt(&s->w, SQL_SETTINGS_ALL, e);
	while (st != NULL && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sn->n == cap) {
			size_t grown = cap ? 2 * cap : 64;
			const char **k = arena_alloc(sn->a, grown * sizeof(*k));
			const char **v = arena_alloc(sn->a, grown * sizeof(*v));

			if (sn->n > 0) {
				memcpy(k, sn->keys, sn->n * sizeof(*k));
				memcpy(v, sn->values, sn->n * sizeof(*v));
			}
			sn->keys = k;
			sn->values = v;
			cap = grown;
		}
		sn->keys[sn->n] = col_text(sn->a, st, 0);
		sn->values[sn->n++] = col_text(sn->a, st, 1);
	}
	if (st != NULL && step != SQLITE_DONE) {
		db_error(e, s->w.db, "settings");
		stmt_done(st);
		st = NULL;
	}
	if (st != NULL)
		stmt_done(st);
	writer_unlock(s);
	if (st == NULL) {
		arena_free(sn->a);
		free(sn);
		return NULL;
	}
	return sn;
}

static void
settings_free(struct settings_snap *sn)
{
	if (sn == NULL)
		return;
	arena_free(sn->a);
	free(sn);
}

/* key's value in sn copied into a, or NULL.  Keys are sorted bytewise. */
static const char *
settings_find(const struct settings_snap *sn, struct arena *a, const char *key)
{
	size_t lo = 0, hi = sn->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(sn->keys[mid], key);

		if (c == 0)
			return arena_strdup(a, sn->values[mid]);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Inside the thread's own write transaction: what it wrote, unshared. */
static int
setting_read(struct store *s, struct arena *a, const char *key,
             const char **value, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	if (c == NULL)
		return -1;
	st = conn_stmt(c, SQL_SETTING_GET, e);
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
store_setting_get(struct store *s, struct arena *a, const char *key,
                  const char **value, struct error *e)
{
	struct settings_snap *sn, *old = NULL;

	*value = NULL;
	if (owns_writer(s))
		return setting_read(s, a, key, value, e);
	pthread_rwlock_rdlock(&s->settings_lock);
	sn = s->settings;
	if (sn != NULL && sn->gen == store_generation(s)) {
		*value = settings_find(sn, a, key);
		pthread_rwlock_unlock(&s->settings_lock);
		return 0;
	}
	pthread_rwlock_unlock(&s->settings_lock);
	sn = settings_load(s, e);
	if (sn == NULL)
		return -1;
	*value = settings_find(sn, a, key);
	pthread_rwlock_wrlock(&s->settings_lock);
	if (s->settings == NULL || s->settings->gen <= sn->gen) {
		old = s->settings;
		s->settings = sn;
	} else
		old = sn; /* another thread loaded a newer one meanwhile */
	pthread_rwlock_unlock(&s->settings_lock);
	settings_free(old);
	return 0;
}

int
store_user_add(struct store *s, const char *login, const char *name,
               enum user_role role, const char *pw_hash, int64_t *id,
               struct error *e)
{
	if (write_one(s, SQL_USER_ADD, "adding user", id, e, "ssssl", login,
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
	return write_one(s, SQL_SECTION_ADD, "adding section", id, e, "sssii",
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
	st = conn_stmt(c, SQL_SECTION_FIND, e);
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
	st = conn_stmt(c, SQL_SECTION_LIST, e);
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

/* ---- comments, views, blocks, books ---------------------------------- */

uint64_t
store_generation(struct store *s)
{
	return atomic_load_explicit(&s->gen, memory_order_acquire);
}

/*
 * Commits made by other processes (the CLI beside a running server) are
 * seen here: PRAGMA data_version on the writer's connection changes when
 * any other connection has committed, and this process writes through
 * that connection only, so its own commits (a views flush, a comment,
 * which must not drop every cached page) do not count twice.  The writer
 * is only tried: while it is busy this round is skipped.
 */
static int
watch_read(struct store *s, int64_t *v)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (pthread_mutex_trylock(&s->wlock) != 0)
		return -1;
	if (s->depth == 0) {
		st = conn_stmt(&s->w, SQL_DATA_VERSION, NULL);
		if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
			*v = sqlite3_column_int64(st, 0);
			rc = 0;
		}
		if (st != NULL)
			stmt_done(st);
	}
	pthread_mutex_unlock(&s->wlock);
	return rc;
}

static void *
watch_main(void *arg)
{
	struct store *s = arg;
	int64_t last = s->watch_first, v;

	while (!atomic_load(&s->watch_stop)) {
		if (watch_read(s, &v) == 0) {
			if (last != -1 && v != last)
				atomic_fetch_add(&s->gen, 1);
			last = v;
		}
		usleep(STORE_WATCH_MS * 1000);
	}
	return NULL;
}

int
store_watch(struct store *s, struct error *e)
{
	if (s->memory || s->watching)
		return 0;
	/* The first reading here, not in the thread: a change committed
	 * before the thread's first look would otherwise be its baseline,
	 * and missed. */
	s->watch_first = -1;
	writer_lock(s);
	(void)watch_read(s, &s->watch_first);
	writer_unlock(s);
	if (pthread_create(&s->watcher, NULL, watch_main, s) != 0)
		return error_set(e, ERR_IO, "cannot start the store watcher");
	s->watching = 1;
	return 0;
}

void
store_read_begin(struct store *s)
{
	struct error e;
	int locked;
	struct conn *c;

	if (s->memory || owns_writer(s))
		return;
	c = reader_get(s, &locked, &e);
	if (c == NULL || c->reading)
		return;
	c->reading = read_step(c, SQL_READ_BEGIN, NULL) == 0;
}

int
store_reading(struct store *s)
{
	struct conn *c = s->memory ? NULL : pthread_getspecific(s->rkey);

	return c != NULL && c->reading;
}

void
store_read_end(struct store *s)
{
	struct conn *c = s->memory ? NULL : pthread_getspecific(s->rkey);

	if (c == NULL || !c->reading)
		return;
	c->reading = 0;
	(void)reader_end(c, NULL);
}

int
store_secret(struct store *s, const char *name, unsigned char *out, size_t n,
             struct error *e)
{
	struct arena *a = arena_new();
	char key[64];
	const char *hex;
	char *made = NULL;
	size_t len = 0;
	int rc = -1;

	snprintf(key, sizeof(key), "secret_%s", name);
	/* Under the writer, so two threads asking at once make one secret. */
	writer_lock(s);
	if (store_setting_get(s, a, key, &hex, e) == -1)
		goto out;
	if (hex != NULL &&
	    sodium_hex2bin(out, n, hex, strlen(hex), NULL, &len, NULL) == 0 &&
	    len == n) {
		rc = 0;
		goto out;
	}
	randombytes_buf(out, n);
	made = arena_alloc(a, 2 * n + 1);
	sodium_bin2hex(made, 2 * n + 1, out, n);
	rc = store_setting_set(s, key, made, e);
out:
	writer_unlock(s);
	arena_free(a);
	return rc;
}

sqlite3_stmt *
rd_open(struct rd *q, struct store *s, const char *sql, struct error *e)
{
	q->s = s;
	q->st = NULL;
	q->c = reader_get(s, &q->locked, e);
	if (q->c == NULL)
		return NULL;
	q->st = conn_stmt(q->c, sql, e);
	if (q->st == NULL)
		reader_put(s, q->locked);
	return q->st;
}

int
rd_step(struct rd *q, const char *what, struct error *e)
{
	int step = sqlite3_step(q->st);

	if (step == SQLITE_ROW)
		return 1;
	if (step == SQLITE_DONE)
		return 0;
	return db_error(e, q->c->db, what);
}

void
rd_close(struct rd *q)
{
	stmt_done(q->st);
	reader_put(q->s, q->locked);
}
