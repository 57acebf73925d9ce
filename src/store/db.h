#ifndef GAZETTE_STORE_DB_H
#define GAZETTE_STORE_DB_H
/*
 * The store's thin database driver (issue 18, decision 091): one
 * connection, its statements and transactions, the same calls on SQLite
 * (db_sqlite.c) and on PostgreSQL through libpq (db_pg.c), so that the
 * store's SQL and the code around it are written once.  Only db_pg.c
 * and db_pg_pipe.c (its pipeline mode, through db_pg.h) see libpq-fe.h;
 * sqlite3.h stays with the store files not yet moved onto the driver
 * (decision 092).
 *
 * SQL is written as SQLite reads it: parameters are `?` or `?N` (1-based,
 * at most LIM_SQL_PARAMS); on PostgreSQL they become $1..$N, except inside
 * string literals, quoted identifiers, comments and dollar quotes.  A `?`
 * anywhere else is a parameter, so PostgreSQL's jsonb `?` operators cannot
 * be written.
 *
 * An inserted row's id is read back with `RETURNING id` (SQLite 3.35 and
 * PostgreSQL both have it): step gives the row, column 0 the id.  There is
 * no last-insert-rowid call, since PostgreSQL has none that is safe.
 *
 * A connection and its statements belong to one thread at a time.  A
 * statement's results are read whole when it is first stepped (on
 * PostgreSQL: one round trip, and other statements of the connection may
 * run before this one is reset, as SQLite allows).
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

struct db;      /* one connection */
struct db_stmt; /* a statement prepared on one connection */

enum db_engine { DB_SQLITE, DB_PG };

/* What a transaction is for: DB_READ reads one snapshot across its
 * statements (SQLite: a deferred transaction; PostgreSQL: REPEATABLE READ,
 * READ ONLY); DB_WRITE takes the write lock at once on SQLite (BEGIN
 * IMMEDIATE) and is READ COMMITTED on PostgreSQL. */
enum db_txn { DB_READ, DB_WRITE };

/*
 * A connection from url: "postgresql://…" or "postgres://…" (a libpq
 * connection URI) is PostgreSQL; "sqlite:PATH", a path or ":memory:" is
 * SQLite (created when absent).  NULL with ERR_IO (or ERR_INVALID for a
 * malformed URI) and the reason in e.
 */
struct db *db_open(const char *url, struct error *e);
/* The engine db_open() would open url with. */
enum db_engine db_url_engine(const char *url);
/* Its statements must be finalized first; d may be NULL. */
void db_close(struct db *d);
enum db_engine db_engine(const struct db *d);

/*
 * Plain SQL with no parameters, any number of statements (migrations,
 * settings of the session).  what names the job in the error ("what: the
 * engine's message"); NULL names the SQL's first words.
 */
int db_exec(struct db *d, const char *sql, const char *what, struct error *e);
int db_begin(struct db *d, enum db_txn kind, struct error *e);
int db_commit(struct db *d, struct error *e);
/* Roll back the open transaction; e may be NULL.  Without one it does
 * nothing. */
int db_rollback(struct db *d, struct error *e);
/* Between db_begin() and its db_commit() or db_rollback()? */
int db_in_txn(const struct db *d);

/*
 * Prepare sql once on d (on PostgreSQL a named prepared statement of the
 * session, prepared again by the next step after a reconnection).  NULL
 * with e on a syntax error, an unknown table, or a parameter past
 * LIM_SQL_PARAMS.
 */
struct db_stmt *db_prepare(struct db *d, const char *sql, struct error *e);
/*
 * SQL that begins with DB_REPLAN is planned again at each run with that
 * run's values, on PostgreSQL (its prepared statement is only checked
 * once): a statement whose best plan depends on them, as a search's on
 * how common its words are (a generic plan, which PostgreSQL switches a
 * prepared statement to after five runs, would walk every post for a
 * rare word).  SQLite reads it as a comment.
 */
#define DB_REPLAN "/* planned per run */ "
void db_finalize(struct db_stmt *st); /* NULL ok */

/*
 * Parameters, 1-based (i outside 1..db_param_count() is a programmer's
 * mistake: it asserts).  The bytes of text and blobs are not copied: they
 * must stay until the statement is reset.  Text is UTF-8; n is its length
 * in bytes, or -1 when it ends at a NUL.  A blob of n bytes may hold zero
 * bytes, and an empty one (n 0, p may be NULL) is not NULL.  A parameter
 * never bound, or cleared, is NULL.
 */
int db_param_count(const struct db_stmt *st);
void db_bind_int64(struct db_stmt *st, int i, int64_t v);
void db_bind_double(struct db_stmt *st, int i, double v);
void db_bind_text(struct db_stmt *st, int i, const char *s, int n);
void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);
void db_bind_null(struct db_stmt *st, int i);
void db_clear_bindings(struct db_stmt *st);

/*
 * Run the statement (the first step) or move to its next row: 1 with a
 * row, 0 when there are no more (or it returned none), -1 with e: a unique
 * or primary key violated is ERR_CONFLICT, another constraint
 * ERR_INVALID, anything else ERR_IO, the message "what: the engine's
 * message" (what NULL: the SQL's first words).  A lost PostgreSQL
 * connection fails the statement that met it (ERR_IO) and is made again;
 * the next statement prepares itself on the new session.
 */
int db_step(struct db_stmt *st, const char *what, struct error *e);
/*
 * Run a bound statement ahead, inside a transaction, its answer read by
 * its next db_step (decision 101): on PostgreSQL the statements sent
 * this way go in one pipeline and their answers come in one round trip,
 * when the first of them is stepped (or anything else runs on the
 * connection).  A page whose reads all depend on one row sends them
 * together, and the code that reads each of them binds and steps it as
 * it always did: the answer is used when the statement is bound to the
 * same values again, else it is dropped and the statement runs then.
 * Outside a transaction, or past DB_AHEAD_MAX waiting, or on SQLite,
 * nothing is sent and the step runs it.  The answers go when the
 * transaction ends.  0, or -1 with e when the connection was lost.
 */
#define DB_AHEAD_MAX 16
int db_send(struct db_stmt *st, struct error *e);
/* How many times d has waited for its server's answer (PostgreSQL's
 * round trips; 0 on SQLite): a gauge of what pipelining saves. */
unsigned long db_round_trips(const struct db *d);
/* Ready to run again, bindings kept. */
void db_reset(struct db_stmt *st);
/* Rows the statement changed (INSERT, UPDATE, DELETE), once stepped to
 * its end. */
int64_t db_changes(const struct db_stmt *st);
/*
 * Rows changed on d so far, by every statement and db_exec: only the
 * difference between two readings means anything (the store's scopes,
 * decision 092).  SQLite's sqlite3_total_changes64, which also counts
 * what triggers changed and what was run on the handle outside the
 * driver; on PostgreSQL the sum of every statement's db_changes and of
 * each db_exec's last command, triggers not counted.  Either way a
 * statement that changed rows moves it.
 */
int64_t db_total_changes(struct db *d);

/*
 * Columns of the current row, 0-based.  NULL reads as 0, 0.0, a NULL
 * text and an empty blob; db_column_is_null tells it from 0 and "".
 * Integers read from any integer or boolean column (true 1, false 0).
 * Text and blob pointers stay valid until the next step or reset.
 */
int db_column_count(const struct db_stmt *st);
int db_column_is_null(struct db_stmt *st, int i);
int64_t db_column_int64(struct db_stmt *st, int i);
double db_column_double(struct db_stmt *st, int i);
/* NUL-terminated; its length in bytes in *n when n is not NULL. */
const char *db_column_text(struct db_stmt *st, int i, size_t *n);
const void *db_column_blob(struct db_stmt *st, int i, size_t *n);

/*
 * Notifications between processes (PostgreSQL's LISTEN/NOTIFY: nodes
 * that agree, issue 18), on a connection kept for them.  db_listen
 * subscribes d to channel (lower-case letters, digits and '_').  db_wait
 * waits at most ms for what was sent there (NOTIFY, pg_notify(), each
 * delivered when its transaction commits): 1 with the payload in buf
 * (cut to size), 0 when nothing came, -1 (ERR_IO) when the connection was
 * lost: it is made again and listens again (now, or at the next call),
 * but what was sent in between is gone, so the caller must take
 * everything as changed.  SQLite has none: ERR_INVALID.
 */
int db_listen(struct db *d, const char *channel, struct error *e);
int db_wait(struct db *d, int ms, char *buf, size_t size, struct error *e);

/*
 * Which session d is on: a number that changes each time the connection
 * is made again (PostgreSQL; SQLite's never changes).  What a session
 * holds — advisory locks, LISTEN — is gone when it moves.
 */
unsigned db_session(const struct db *d);

#endif
