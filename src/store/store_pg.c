/*
 * store.h on PostgreSQL (issue 18, decision 095): the connections of a
 * store opened from a postgresql:// URL, and its migrations
 * (sql/pg/NNN-*.sql, embedded as embed_sql_pg, the twins of SQLite's,
 * decision 094).  store_open() in store_sqlite.c hands a PostgreSQL URL
 * here; closing, transactions and every converted store file are shared.
 *
 * Every connection of such a store, the writer and each thread's reader,
 * is the driver's alone (db_open): it has no sqlite3 handle (c->db is
 * NULL), and store_conn.c's SQLite-only paths refuse it with an error
 * rather than use one.  The URL may carry a password: it is kept in
 * s->path to open readers with, and never printed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "search_pg.h"
#include "db_ops.h"
#include "../util/arena.h"
#include "../util/clock.h"
#include "../util/embed.h"
#include "../util/log.h"
#include "../util/banned.h"

/*
 * The key of pg_advisory_xact_lock() that serialises the migrations of
 * every gazette opening the database at once (a server's nodes starting
 * together): "gazette\x01" read as a big-endian number.  Held to the end
 * of each migration's transaction.
 */
#define MIGRATION_LOCK "SELECT pg_advisory_xact_lock(7449369834811581697)"

/* The history, as SQLite's (store_sqlite.c) and test_pg_schema's. */
static const char SQL_MIGRATIONS_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	"version bigint PRIMARY KEY, name text NOT NULL, "
	"applied_at bigint NOT NULL)";
static const char SQL_HAS_HISTORY[] =
	"SELECT to_regclass('schema_migrations') IS NOT NULL";
static const char SQL_APPLIED[] = "SELECT version FROM schema_migrations";
static const char SQL_RECORD[] = "INSERT INTO schema_migrations(version, "
				 "name, applied_at) VALUES (?1, ?2, ?3)";

int
pg_conn_open(struct conn *c, const char *url, struct error *e)
{
	memset(c, 0, sizeof(*c));
	c->d = db_open(url, e);
	return c->d == NULL ? -1 : 0;
}

/*
 * Which migrations the database has (applied[v]), its newest in *have
 * (0 without a history table) and whether it has that table at all.
 */
static int
history_read(struct conn *c, unsigned char *applied, int64_t *have, int *exists,
             struct error *e)
{
	struct db_stmt *st = conn_prep(c, SQL_HAS_HISTORY, e);
	int rc;

	memset(applied, 0, MIGRATION_VERSIONS);
	*have = 0;
	*exists = 0;
	if (st == NULL)
		return -1;
	rc = db_step(st, "reading the schema", e);
	if (rc == 1)
		*exists = db_column_int64(st, 0) != 0;
	stmt_done(st);
	if (rc == -1 || !*exists)
		return rc == -1 ? -1 : 0;
	st = conn_prep(c, SQL_APPLIED, e);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, "reading the schema version", e)) == 1) {
		int64_t v = db_column_int64(st, 0);

		if (v > *have)
			*have = v;
		if (v >= 0 && v < MIGRATION_VERSIONS)
			applied[v] = 1;
	}
	stmt_done(st);
	return rc;
}

static int
newer(int64_t have, int64_t known, struct error *e)
{
	return error_set(e, ERR_IO,
	                 "the PostgreSQL database is from a newer gazette "
	                 "(migration %lld; this binary knows up to %lld)",
	                 (long long)have, (long long)known);
}

/*
 * Migration f (version v) in a transaction of its own, under the
 * advisory lock: another process may have applied it, or a newer one,
 * since the first look, so the history is read again once the lock is
 * held.  A failed migration leaves nothing of itself (PostgreSQL's DDL
 * is transactional).
 */
static int
migration_apply(struct conn *c, const struct embed_file *f, int64_t v,
                int64_t known, struct error *e)
{
	unsigned char applied[MIGRATION_VERSIONS];
	char why[sizeof e->msg];
	struct db_stmt *st;
	int64_t have;
	int exists;

	if (db_begin(c->d, DB_WRITE, e) == -1)
		return -1;
	/* Waits as long as another process's migration takes, and its
	 * statements for the locks of nodes still running: not bounded by
	 * the session's lock_timeout (db_pg.c), which is for requests. */
	if (db_exec(c->d, "SET LOCAL lock_timeout = 0", "migrations", e) ==
	            -1 ||
	    db_exec(c->d, MIGRATION_LOCK, "migrations' lock", e) == -1 ||
	    db_exec(c->d, SQL_MIGRATIONS_TABLE, "migrations", e) == -1 ||
	    history_read(c, applied, &have, &exists, e) == -1)
		goto fail;
	if (have > known) {
		newer(have, known, e);
		goto fail;
	}
	if (applied[v])
		return db_commit(c->d, e);
	if (db_exec(c->d, f->data, "migration", e) == -1)
		goto fail;
	st = conn_prep(c, SQL_RECORD, e);
	if (st == NULL)
		goto fail;
	db_bind_int64(st, 1, v);
	db_bind_text(st, 2, f->name, -1);
	db_bind_int64(st, 3, clock_now());
	if (db_step(st, "migration", e) == -1) {
		stmt_done(st);
		goto fail;
	}
	stmt_done(st);
	return db_commit(c->d, e);
fail:
	/* error_set() writes e->msg while it reads the arguments: format
	 * from a copy, not from e itself. */
	snprintf(why, sizeof why, "%s", e->msg);
	db_rollback(c->d, NULL);
	return error_set(e, e->code, "migration pg/%s: %s", f->name, why);
}

/*
 * As store_sqlite.c's migrate(): every migration the database lacks, in
 * order, also below its newest (numbers were given out side by side,
 * decision 050); a database that records a newer one than this binary
 * knows is refused before anything is written.  No copy is made first:
 * a PostgreSQL database is backed up by its own tools (pg_dump), and
 * each migration's transaction undoes a failed one whole.
 */
static int
migrate(struct store *s, int create, struct error *e)
{
	unsigned char applied[MIGRATION_VERSIONS];
	int64_t have, known = migrations_known(embed_sql_pg);
	int exists;

	/* A first look, without the lock: nearly every open finds nothing
	 * to do. */
	if (history_read(&s->w, applied, &have, &exists, e) == -1)
		return -1;
	if (!exists && !create)
		return error_set(e, ERR_NOT_FOUND,
		                 "no site in the PostgreSQL database (create "
		                 "one with 'gazette init')");
	if (have > known)
		return newer(have, known, e);
	for (const struct embed_file *f = embed_sql_pg; f->name != NULL; f++) {
		int64_t v = migration_version(f->name);

		if (v <= 0 || v >= MIGRATION_VERSIONS)
			return error_set(
				e, ERR_IO,
				"migration pg/%s: not numbered 001 to 999",
				f->name);
	}
	/* embed_sql_pg is sorted by name, and names start with the number. */
	for (const struct embed_file *f = embed_sql_pg; f->name != NULL; f++) {
		int64_t v = migration_version(f->name);

		if (!applied[v] && migration_apply(&s->w, f, v, known, e) == -1)
			return -1;
	}
	return 0;
}

int
pg_store_open(struct store *s, int create, struct error *e)
{
	if (pg_conn_open(&s->w, s->path, e) == -1)
		return -1;
	return migrate(s, create, e);
}

int
pg_schema_version(struct store *s, int64_t *have, struct error *e)
{
	unsigned char applied[MIGRATION_VERSIONS];
	int exists, rc;

	writer_lock(s);
	rc = history_read(&s->w, applied, have, &exists, e);
	writer_unlock(s);
	return rc;
}

int
store_analyze(struct store *s, struct error *e)
{
	int rc;

	if (store_engine(s) != DB_PG)
		return 0;
	writer_lock(s);
	rc = db_exec(s->w.d, "ANALYZE", "gathering the planner's statistics",
	             e);
	writer_unlock(s);
	return rc;
}

/* ---- the search index (store_search_pg.c's, in a transaction) ------ */

int
store_search_reindex_pg(struct store *s, int64_t *n, struct error *e)
{
	*n = 0;
	if (store_begin(s, e) == -1)
		return -1;
	if (search_pg_reindex(&s->w, n, e) == -1) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

/*
 * The search index's rows follow the language setting (decision 094):
 * each row's lang is the setting's, and its document, a generated column,
 * is made again with it.  The setting's write runs this in its own
 * transaction (store_setting_set), so on PostgreSQL the index cannot
 * disagree with the setting after a commit, and opening a store (which on
 * SQLite looks for a change made by an older binary, decision 088) has
 * nothing to do.
 */
int
search_language_sync_pg(struct store *s, struct error *e)
{
	int64_t n = 0;

	if (store_begin(s, e) == -1)
		return -1;
	if (search_pg_language_sync(&s->w, &n, e) == -1) {
		store_rollback(s);
		return -1;
	}
	if (n > 0)
		log_info("search index made again for the language setting: "
		         "%lld posts",
		         (long long)n);
	return store_commit(s, e);
}

/* ---- plans (test_plans.c) --------------------------------------------- */

#define EXPLAIN_SETTINGS                                                       \
	"SET enable_seqscan = off; SET enable_sort = off; "                    \
	"SET plan_cache_mode = "
#define EXPLAIN_RESET                                                          \
	"DEALLOCATE gazette_explain; RESET enable_seqscan; "                   \
	"RESET enable_sort; RESET plan_cache_mode"

int
store_explain_pg(struct store *s, struct arena *a, const char *sql,
                 const char *args, const char **json, struct error *e)
{
	struct db_stmt *st = NULL;
	struct error ignored;
	const char *nulls = "";
	char *rewritten;
	int n, rc = -1, step;

	*json = NULL;
	if (store_engine(s) != DB_PG)
		return error_set(e, ERR_INVALID,
		                 "explain: PostgreSQL's query plans only");
	rewritten = db_placeholders(sql, &n, e);
	if (rewritten == NULL)
		return -1;
	for (int i = 0; args == NULL && i < n; i++)
		nulls = arena_printf(a, "%s%s", nulls, i ? ", NULL" : "NULL");
	if (args == NULL)
		args = nulls;
	writer_lock(s);
	if (db_exec(s->w.d,
	            arena_printf(a, "%s%s", EXPLAIN_SETTINGS,
	                         args == nulls ? "force_generic_plan"
	                                       : "force_custom_plan"),
	            "explain settings", e) == -1)
		goto out;
	if (db_exec(s->w.d,
	            arena_printf(a, "PREPARE gazette_explain AS %s", rewritten),
	            "explain", e) == -1)
		goto reset;
	st = db_prepare(
		s->w.d,
		arena_printf(a,
	                     "EXPLAIN (COSTS OFF, FORMAT JSON%s) EXECUTE "
	                     "gazette_explain%s%s%s",
	                     args == nulls ? "" : ", ANALYZE",
	                     args[0] != '\0' ? "(" : "", args,
	                     args[0] != '\0' ? ")" : ""),
		e);
	step = st == NULL ? -1 : db_step(st, "explain", e);
	if (step == 1) {
		*json = arena_strdup(a, db_column_text(st, 0, NULL));
		rc = 0;
	} else if (step == 0)
		error_set(e, ERR_INVALID, "explain: no plan");
	db_finalize(st);
reset:
	db_exec(s->w.d, EXPLAIN_RESET, "explain reset", &ignored);
out:
	writer_unlock(s);
	free(rewritten);
	return rc;
}
