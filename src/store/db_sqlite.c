/*
 * db.h on SQLite: a thin layer over sqlite3_stmt, whose behaviour db.h
 * was written after.  The one-connection settings the store wants (WAL,
 * the busy timeout, its functions) stay with the store's connections.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "db_ops.h"
#include "../util/alloc.h"
#include "../util/limits.h"
#include "../util/banned.h"

/* Waiting for another connection's write lock before SQLITE_BUSY. */
#define DB_SQLITE_BUSY_MS 5000

struct sqlite_db {
	struct db base;
	sqlite3 *h;
	int borrowed;                /* db_sqlite_wrap: h is the caller's */
	sqlite3_stmt *txn[TXN__MAX]; /* prepared on first use */
};

struct sqlite_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	int done; /* stepped to its end since the last reset */
};

static sqlite3 *
handle(struct db *d)
{
	return ((struct sqlite_db *)d)->h;
}

static sqlite3_stmt *
stmt(struct db_stmt *st)
{
	return ((struct sqlite_stmt *)st)->st;
}

int
db_sqlite_fail(struct error *e, sqlite3 *h, const char *what)
{
	int code = sqlite3_extended_errcode(h);
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
		                 what, sqlite3_errmsg(h));
	return error_set(e, ec, "%s: %s", what, sqlite3_errmsg(h));
}
struct db *
db_sqlite_open(const char *path, struct error *e)
{
	struct sqlite_db *d = xcalloc(1, sizeof(*d));

	d->base.ops = &db_sqlite_ops;
	if (sqlite3_open_v2(path, &d->h,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                            SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		error_set(e, ERR_IO, "open \"%s\": %s", path,
		          d->h != NULL ? sqlite3_errmsg(d->h)
		                       : "out of memory");
		sqlite3_close(d->h);
		free(d);
		return NULL;
	}
	sqlite3_extended_result_codes(d->h, 1);
	/* Debian's SQLite allows 250,000; PostgreSQL's protocol 65,535. */
	sqlite3_limit(d->h, SQLITE_LIMIT_VARIABLE_NUMBER, LIM_SQL_PARAMS);
	sqlite3_busy_timeout(d->h, DB_SQLITE_BUSY_MS);
	return &d->base;
}

struct db *
db_sqlite_wrap(sqlite3 *h)
{
	struct sqlite_db *d = xcalloc(1, sizeof(*d));

	d->base.ops = &db_sqlite_ops;
	d->h = h;
	d->borrowed = 1;
	return &d->base;
}

static void
sqlite_close(struct db *d)
{
	for (int i = 0; i < TXN__MAX; i++)
		sqlite3_finalize(((struct sqlite_db *)d)->txn[i]);
	/* close_v2: a statement the caller still holds keeps the
	 * connection until it is finalized, instead of failing the close. */
	if (!((struct sqlite_db *)d)->borrowed)
		sqlite3_close_v2(handle(d));
	free(d);
}

static int
sqlite_exec(struct db *d, const char *sql, const char *what, struct error *e)
{
	char buf[64];

	if (sqlite3_exec(handle(d), sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_sqlite_fail(e, handle(d),
		                      db_what(buf, sizeof(buf), what, sql));
	return 0;
}

static int
sqlite_txn(struct db *d, enum db_txn_sql which, const char *what,
           struct error *e)
{
	static const char *const sql[TXN__MAX] = {
		[TXN_BEGIN_READ] = "BEGIN",
		[TXN_BEGIN_WRITE] = "BEGIN IMMEDIATE",
		[TXN_COMMIT] = "COMMIT",
		[TXN_ROLLBACK] = "ROLLBACK",
	};
	struct sqlite_db *s = (struct sqlite_db *)d;
	int rc;

	if (s->txn[which] == NULL &&
	    sqlite3_prepare_v3(s->h, sql[which], -1, SQLITE_PREPARE_PERSISTENT,
	                       &s->txn[which], NULL) != SQLITE_OK)
		return db_sqlite_fail(e, s->h, what);
	rc = sqlite3_step(s->txn[which]) == SQLITE_DONE
	             ? 0
	             : db_sqlite_fail(e, s->h, what);
	sqlite3_reset(s->txn[which]);
	return rc;
}

static int64_t
sqlite_total_changes(struct db *d)
{
	return sqlite3_total_changes64(handle(d));
}

static struct db_stmt *
sqlite_prepare(struct db *d, const char *sql, struct error *e)
{
	struct sqlite_stmt *s = xcalloc(1, sizeof(*s));
	char buf[64];

	if (sqlite3_prepare_v3(handle(d), sql, -1, SQLITE_PREPARE_PERSISTENT,
	                       &s->st, NULL) != SQLITE_OK) {
		db_sqlite_fail(e, handle(d),
		               db_what(buf, sizeof(buf), NULL, sql));
		free(s);
		return NULL;
	}
	if (s->st == NULL) {
		error_set(e, ERR_INVALID, "%s: no statement",
		          db_what(buf, sizeof(buf), NULL, sql));
		free(s);
		return NULL;
	}
	s->base.db = d;
	s->base.nparams = sqlite3_bind_parameter_count(s->st);
	return &s->base;
}

static void
sqlite_finalize(struct db_stmt *st)
{
	sqlite3_finalize(stmt(st));
	free(st);
}

static void
sqlite_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(stmt(st), i, v);
}

static void
sqlite_bind_double(struct db_stmt *st, int i, double v)
{
	sqlite3_bind_double(stmt(st), i, v);
}

static void
sqlite_bind_text(struct db_stmt *st, int i, const char *s, int n)
{
	sqlite3_bind_text(stmt(st), i, s, n, SQLITE_STATIC);
}

static void
sqlite_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	/* A NULL pointer would bind NULL: an empty blob is zeroblob(0). */
	if (n == 0)
		sqlite3_bind_zeroblob(stmt(st), i, 0);
	else
		sqlite3_bind_blob64(stmt(st), i, p, n, SQLITE_STATIC);
}

static void
sqlite_bind_null(struct db_stmt *st, int i)
{
	sqlite3_bind_null(stmt(st), i);
}

static int
sqlite_step(struct db_stmt *st, const char *what, struct error *e)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)st;
	sqlite3 *h = sqlite3_db_handle(s->st);
	char buf[64];
	int rc;

	if (s->done)
		return 0;
	rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		s->done = 1;
		st->changes =
			sqlite3_stmt_readonly(s->st) ? 0 : sqlite3_changes64(h);
		return 0;
	}
	db_sqlite_fail(e, h,
	               db_what(buf, sizeof(buf), what, sqlite3_sql(s->st)));
	/* The statement is over; reset now so that its locks go, and the
	 * next step runs it again as on PostgreSQL. */
	sqlite3_reset(s->st);
	return -1;
}

static void
sqlite_reset(struct db_stmt *st)
{
	((struct sqlite_stmt *)st)->done = 0;
	st->changes = 0;
	sqlite3_reset(stmt(st));
}

static int
sqlite_column_count(const struct db_stmt *st)
{
	return sqlite3_column_count(((const struct sqlite_stmt *)st)->st);
}

static int
sqlite_column_is_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(stmt(st), i) == SQLITE_NULL;
}

static int64_t
sqlite_column_int64(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(stmt(st), i);
}

static double
sqlite_column_double(struct db_stmt *st, int i)
{
	return sqlite3_column_double(stmt(st), i);
}

static const char *
sqlite_column_text(struct db_stmt *st, int i, size_t *n)
{
	const unsigned char *t = sqlite3_column_text(stmt(st), i);

	if (n != NULL)
		*n = (size_t)sqlite3_column_bytes(stmt(st), i);
	return (const char *)t;
}

static const void *
sqlite_column_blob(struct db_stmt *st, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(stmt(st), i);

	*n = (size_t)sqlite3_column_bytes(stmt(st), i);
	return p != NULL ? p : "";
}

const struct db_ops db_sqlite_ops = {
	.engine = DB_SQLITE,
	.close = sqlite_close,
	.exec = sqlite_exec,
	.txn = sqlite_txn,
	.total_changes = sqlite_total_changes,
	.prepare = sqlite_prepare,
	.finalize = sqlite_finalize,
	.bind_int64 = sqlite_bind_int64,
	.bind_double = sqlite_bind_double,
	.bind_text = sqlite_bind_text,
	.bind_blob = sqlite_bind_blob,
	.bind_null = sqlite_bind_null,
	.step = sqlite_step,
	.reset = sqlite_reset,
	.column_count = sqlite_column_count,
	.column_is_null = sqlite_column_is_null,
	.column_int64 = sqlite_column_int64,
	.column_double = sqlite_column_double,
	.column_text = sqlite_column_text,
	.column_blob = sqlite_column_blob,
};
