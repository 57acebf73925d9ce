#ifndef GAZETTE_STORE_DB_OPS_H
#define GAZETTE_STORE_DB_OPS_H
/*
 * Between db.c (db.h's calls) and the two engines, db_sqlite.c and
 * db_pg.c: each engine's connection and statement begin with these
 * structs, and db.c calls the engine through its ops.
 */
#include "db.h"

/* What db.c's transactions ask of an engine. */
enum db_txn_sql {
	TXN_BEGIN_READ,
	TXN_BEGIN_WRITE,
	TXN_COMMIT,
	TXN_ROLLBACK,
	TXN__MAX
};

struct db_ops {
	enum db_engine engine;
	void (*close)(struct db *d);
	int (*exec)(struct db *d, const char *sql, const char *what,
	            struct error *e);
	/* Begin (DB_READ or DB_WRITE), commit or roll back: SQLite keeps
	 * the four statements prepared, since a reader begins and ends a
	 * snapshot for every page. */
	int (*txn)(struct db *d, enum db_txn_sql which, const char *what,
	           struct error *e);
	int64_t (*total_changes)(struct db *d);
	struct db_stmt *(*prepare)(struct db *d, const char *sql,
	                           struct error *e);
	void (*finalize)(struct db_stmt *st);
	void (*bind_int64)(struct db_stmt *st, int i, int64_t v);
	void (*bind_double)(struct db_stmt *st, int i, double v);
	void (*bind_text)(struct db_stmt *st, int i, const char *s, int n);
	void (*bind_blob)(struct db_stmt *st, int i, const void *p, size_t n);
	void (*bind_null)(struct db_stmt *st, int i);
	int (*step)(struct db_stmt *st, const char *what, struct error *e);
	/* db_send and db_round_trips (NULL on SQLite: nothing to send). */
	int (*send)(struct db_stmt *st, struct error *e);
	unsigned long (*round_trips)(const struct db *d);
	void (*reset)(struct db_stmt *st);
	int (*column_count)(const struct db_stmt *st);
	int (*column_is_null)(struct db_stmt *st, int i);
	int64_t (*column_int64)(struct db_stmt *st, int i);
	double (*column_double)(struct db_stmt *st, int i);
	const char *(*column_text)(struct db_stmt *st, int i, size_t *n);
	const void *(*column_blob)(struct db_stmt *st, int i, size_t *n);
	unsigned (*session)(const struct db *d); /* NULL: always 1 */
	/* Notifications (PostgreSQL; NULL on SQLite). */
	int (*listen)(struct db *d, const char *channel, struct error *e);
	int (*wait)(struct db *d, int ms, char *buf, size_t size,
	            struct error *e);
};

struct db {
	const struct db_ops *ops;
	int in_txn; /* between db_begin and db_commit/db_rollback */
};

struct db_stmt {
	struct db *db;
	int nparams;
	int64_t changes; /* db_changes() */
};

extern const struct db_ops db_sqlite_ops, db_pg_ops;

/* The engines' openers (db_open picks one by the URL). */
struct db *db_sqlite_open(const char *path, struct error *e);
/* A driver connection over a SQLite handle the store's connections
 * opened and keep (store_conn.c, while the store moves to the driver
 * file by file, decision 092): db_close frees the wrapper, never h. */
struct sqlite3;
struct db *db_sqlite_wrap(struct sqlite3 *h);
/* e from h's last error: UNIQUE and PRIMARY KEY -> ERR_CONFLICT, other
 * constraints -> ERR_INVALID, else ERR_IO; "what: message", and for a busy
 * database who holds it.  -1.  (store_stmt.c's db_error, for the files
 * not yet on the driver, is this.) */
int db_sqlite_fail(struct error *e, struct sqlite3 *h, const char *what);
struct db *db_pg_open(const char *url, struct error *e);

/* what, or the first words of sql when what is NULL, into out[0..n). */
const char *db_what(char *out, size_t n, const char *what, const char *sql);

/*
 * sql with its `?` and `?N` parameters as $1..$N, outside string literals
 * ('…', E'…'), quoted identifiers, comments and dollar quotes: a new
 * string (free it), the number of parameters in *nparams.  NULL with
 * ERR_INVALID for a parameter number past LIM_SQL_PARAMS or 0.
 */
char *db_placeholders(const char *sql, int *nparams, struct error *e);

#endif
