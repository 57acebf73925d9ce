/*
 * store.h's door: opening and closing a store, and on SQLite its
 * migrations (sql/NNN-*.sql, embedded) and what sqlite.h offers the
 * tests.  A postgresql:// URL is handed to store_pg.c (its connections
 * and migrations, decision 095).  The connections it opens are
 * store_conn.c's; the settings, store_settings.c's; the watcher of other
 * processes' commits, store_watch.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/embed.h"
#include "../util/log.h"
#include "../util/banned.h"

const struct store_stmt *const store_reader_stmts[] = {
	settings_reader_stmts, site_reader_stmts,      post_row_reader_stmts,
	posts_reader_stmts,    lists_reader_stmts,     comments_reader_stmts,
	feeds_reader_stmts,    views_reader_stmts,     search_reader_stmts,
	legacy_reader_stmts,   river_reader_stmts,     order_reader_stmts,
	podcast_reader_stmts,  search_pg_reader_stmts, NULL,
};

/* ---- migrations ------------------------------------------------------- */

int64_t
migration_version(const char *name)
{
	int64_t v = 0;

	for (; *name >= '0' && *name <= '9'; name++)
		v = v * 10 + (*name - '0');
	return v;
}

int64_t
migrations_known(const struct embed_file *files)
{
	int64_t max = 0;

	for (const struct embed_file *f = files; f->name != NULL; f++) {
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

/*
 * Which migrations the database has (applied[v] for version v, below
 * MIGRATION_VERSIONS: file names have three digits).  Numbers were given
 * out side by side (decision 050): a database may have 021 and not 018.
 */
static int
db_applied(struct conn *c, unsigned char *applied, struct error *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(applied, 0, MIGRATION_VERSIONS);
	if (sqlite3_prepare_v2(c->db, "SELECT version FROM schema_migrations",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(e, c->db, "reading the schema version");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t v = sqlite3_column_int64(st, 0);

		if (v >= 0 && v < MIGRATION_VERSIONS)
			applied[v] = 1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE
	               ? 0
	               : db_error(e, c->db, "reading the schema version");
}

/*
 * Before migrations change an existing database: a copy of it as it was,
 * "PATH.before-NNN" (NNN the newest migration about to run), so an upgrade
 * that goes wrong can be undone by putting the copy back and the older
 * binary with it.  A copy of that name already there is kept: it was made
 * by an earlier attempt at the same upgrade, from the older state.
 */
static int
backup_before(struct store *s, int64_t known, struct error *e)
{
	char dest[4096];
	struct stat sb;

	if ((size_t)snprintf(dest, sizeof(dest), "%s.before-%03lld", s->path,
	                     (long long)known) >= sizeof(dest))
		return error_set(e, ERR_IO, "path too long: '%s'", s->path);
	if (lstat(dest, &sb) == 0)
		return 0;
	if (store_backup_conn(s->w.db, s->path, dest, e) == -1) {
		char why[sizeof e->msg];

		snprintf(why, sizeof why, "%s", e->msg);
		return error_set(e, ERR_IO,
		                 "no copy before the migrations, so none run: "
		                 "%s",
		                 why);
	}
	log_info("database '%s' copied to '%s' before its migrations", s->path,
	         dest);
	return 0;
}

static int
migrate(struct store *s, struct error *e)
{
	int64_t have, known = migrations_known(embed_sql);
	unsigned char applied[MIGRATION_VERSIONS];
	int missing = 0;

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
	if (have > 0) {
		if (db_applied(&s->w, applied, e) == -1)
			return -1;
	} else
		memset(applied, 0, sizeof(applied));
	for (const struct embed_file *f = embed_sql; f->name != NULL; f++) {
		int64_t v = migration_version(f->name);

		if (v <= 0 || v >= MIGRATION_VERSIONS)
			return error_set(
				e, ERR_IO,
				"migration %s: not numbered 001 to 999",
				f->name);
		missing += !applied[v];
	}
	if (missing == 0)
		return 0;
	if (have > 0 && !s->memory && backup_before(s, known, e) == -1)
		return -1;
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

		/* Every one the database lacks, also below its newest. */
		if (applied[v])
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

/* The settings read once, for what their snapshot applies: the site's
 * time zone and date format (store_settings.c). */
static int
settings_first(struct store *s, struct error *e)
{
	struct arena *a = arena_new();
	const char *zone;
	int rc = store_setting_get(s, a, "timezone", &zone, e);

	arena_free(a);
	return rc;
}

/* A store's locks and caches, for either engine; nothing opened yet. */
static struct store *
store_new(const char *path)
{
	struct store *s = xcalloc(1, sizeof(*s));
	pthread_mutexattr_t attr;

	s->path = xstrdup(path);
	s->told_upto = -1; /* nothing told inside a transaction yet */
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->wlock, &attr);
	pthread_mutexattr_destroy(&attr);
	pthread_mutex_init(&s->rlist_lock, NULL);
	pthread_rwlock_init(&s->settings_lock, NULL);
	pthread_rwlock_init(&s->order_lock, NULL);
	pthread_mutex_init(&s->order_build, NULL);
	pthread_key_create(&s->rkey, reader_destroy);
	s->search_cache = search_cache_new();
	return s;
}

int
store_url_is_pg(const char *url)
{
	return db_url_engine(url) == DB_PG;
}

struct store *
store_open(const char *path, int create, struct error *e)
{
	struct store *s;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);

	pthread_once(&sqlite_once, sqlite_setup);
	s = store_new(path);
	if (store_url_is_pg(path)) {
		/* store_pg.c: its connections and migrations.  The search
		 * index follows the language as the setting is written
		 * (search_language_sync_pg), so there is nothing to look at
		 * here. */
		if (pg_store_open(s, create, e) == -1 ||
		    settings_first(s, e) == -1) {
			store_close(s);
			return NULL;
		}
		return s;
	}
	s->memory = strcmp(path, ":memory:") == 0;
	if (create && !s->memory && db_file_create(path, e) == -1) {
		store_close(s);
		return NULL;
	}
	if (conn_open(&s->w, path, flags, e) == -1 || migrate(s, e) == -1 ||
	    settings_first(s, e) == -1 || search_language_sync(s, e) == -1) {
		store_close(s);
		return NULL;
	}
	if (!s->memory) {
		struct stat sb;

		if (stat(path, &sb) == 0) {
			s->file_dev = sb.st_dev;
			s->file_ino = sb.st_ino;
		}
	}
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	watch_stop(s);
	store_jobs_close(s);
	for (size_t i = 0; i < s->nreaders; i++) {
		conn_close(s->readers[i]);
		free(s->readers[i]);
	}
	free(s->readers);
	/* Fold the WAL back so the file alone is the whole site. */
	if (s->w.db != NULL)
		sqlite3_wal_checkpoint_v2(s->w.db, NULL,
		                          SQLITE_CHECKPOINT_TRUNCATE, NULL,
		                          NULL);
	conn_close(&s->w);
	pthread_key_delete(s->rkey);
	search_cache_free(s->search_cache);
	pthread_mutex_destroy(&s->wlock);
	pthread_mutex_destroy(&s->rlist_lock);
	settings_free(s->settings);
	pthread_rwlock_destroy(&s->settings_lock);
	order_free(s->order);
	pthread_rwlock_destroy(&s->order_lock);
	pthread_mutex_destroy(&s->order_build);
	free(s->path);
	free(s);
}

int
store_schema_version(struct store *s, int64_t *have, int64_t *known,
                     struct error *e)
{
	int rc;

	if (store_engine(s) == DB_PG) {
		*known = migrations_known(embed_sql_pg);
		return pg_schema_version(s, have, e);
	}
	writer_lock(s);
	rc = db_version(&s->w, have, e);
	writer_unlock(s);
	*known = migrations_known(embed_sql);
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
	/* test_plans.c's reading of SQLite's plans; PostgreSQL's EXPLAIN
	 * says other things, in other words. */
	if (c->db == NULL) {
		rc = error_set(e, ERR_INVALID,
		               "explain: SQLite's query plans only");
		goto out;
	}
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
