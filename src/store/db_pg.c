/*
 * db.h on PostgreSQL, through libpq (decision 091).
 *
 * Statements are named prepared statements of the session, prepared when
 * db_prepare() is called (so that a mistake shows there, as on SQLite)
 * and again, lazily, by the first step after the session changed: the
 * connection counts its sessions (epoch), a statement remembers the one
 * it was prepared on.
 *
 * Parameters go as text, except blobs (binary, so bytes need no
 * escaping); their types are left for the server to infer from the
 * statement, as SQLite's affinity would.  Results come as text, read
 * whole by the first step: text reads any column type the same way
 * (bigint, numeric sums, booleans as 1 and 0, float8 in its shortest
 * exact form), and a whole result lets other statements run on the
 * connection while this one is being read, as the store's code does on
 * SQLite (a post's tags read while its row is at hand).  The store's reads
 * are pages of a bounded size; a read of a whole table (an export) is for
 * a cursor, not for single-row mode, which would hold the connection.
 *
 * A lost connection: before a statement is sent, the socket is read
 * without waiting, so a session the server ended while idle (a restart,
 * pg_terminate_backend) is seen and made again (PQreset) before anything
 * is sent; outside a transaction nothing fails.  A connection lost while
 * a statement ran, or inside a transaction, fails that statement with
 * ERR_IO and is made again for the next.
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "db_pg.h"
#include "../util/alloc.h"
#include "../util/banned.h"

#define BYTEA_OID 17 /* pg_type.oid of bytea (catalog/pg_type_d.h) */

/* libpq's message, its first line only (what follows is advice such as
 * "This probably means the server terminated abnormally"), without the
 * severity libpq puts before a server's message. */
static const char *
conn_msg(PGconn *c, char *buf, size_t n)
{
	const char *m = PQerrorMessage(c);
	size_t len = strcspn(m, "\n");

	if (strncmp(m, "FATAL:  ", 8) == 0 || strncmp(m, "ERROR:  ", 8) == 0)
		m += 8, len -= 8;
	snprintf(buf, n, "%.*s", (int)len, m);
	return buf[0] != '\0' ? buf : "no message";
}

/*
 * What the server says outside a statement's answer: notices (a DROP
 * TABLE IF EXISTS of nothing) are not for gazette's log; a FATAL one is
 * the server ending the session while it sat idle (pg_terminate_backend,
 * a shutdown), which pg_alive() acts on before the next statement.
 */
static void
notice(void *arg, const PGresult *res)
{
	struct pg_db *d = arg;
	const char *sev =
		PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);

	if (sev != NULL &&
	    (strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0))
		d->ended = 1;
}

/*
 * A lock waited for gives up after SQLite's busy timeout (db_sqlite.c,
 * 5 s): a write behind another session's lock (a LOCK TABLE by hand, a
 * long import) fails with PostgreSQL's "lock timeout" instead of holding
 * the request, and the process's writer with it, for ever.  Only where
 * the session has none yet: one set by the URL's options, PGOPTIONS or
 * ALTER ROLE/DATABASE … SET is the operator's, and kept.  Run on every
 * new session (PQreset makes a session without it).
 */
static const char SQL_SESSION[] =
	"SELECT set_config('lock_timeout', '5s', false) "
	"WHERE current_setting('lock_timeout') = '0'";

static int
session_setup(PGconn *conn)
{
	PGresult *res = PQexec(conn, SQL_SESSION);
	int ok = PQresultStatus(res) == PGRES_TUPLES_OK;

	PQclear(res);
	return ok ? 0 : -1;
}

/* The session is gone: make it again (statements prepare themselves
 * again as they are next used).  0 when a new one is up. */

static int
reconnect(struct pg_db *d)
{
	pg_ahead_forget(d);
	PQreset(d->conn);
	d->base.in_txn = 0;
	d->ended = 0;
	d->begin_pending = 0;
	if (PQstatus(d->conn) != CONNECTION_OK || session_setup(d->conn) == -1)
		return -1;
	d->epoch++;
	return 0;
}

/*
 * e from res (which may be NULL): SQLSTATE 23505 (unique_violation) ->
 * ERR_CONFLICT, class 23 (integrity constraints) -> ERR_INVALID, else
 * ERR_IO; the message is the server's, with its detail ("Key (k)=(a)
 * already exists").  A connection found lost is made again.
 */
static int
pg_fail(struct pg_db *d, PGresult *res, const char *what, struct error *e)
{
	const char *state =
		res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg =
		res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
			    : NULL;
	const char *detail =
		res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)
			    : NULL;
	enum err_code ec = ERR_IO;
	char buf[256];

	if (state != NULL && strcmp(state, "23505") == 0)
		ec = ERR_CONFLICT;
	else if (state != NULL && strncmp(state, "23", 2) == 0)
		ec = ERR_INVALID;
	if (PQstatus(d->conn) == CONNECTION_BAD) {
		conn_msg(d->conn, buf, sizeof(buf));
		if (reconnect(d) == 0)
			return error_set(e, ERR_IO,
			                 "%s: connection to the database lost "
			                 "(%s); connected again",
			                 what, msg != NULL ? msg : buf);
		return error_set(e, ERR_IO,
		                 "%s: the connection to the database was lost "
		                 "and cannot be made again: %s",
		                 what, conn_msg(d->conn, buf, sizeof(buf)));
	}
	if (msg == NULL)
		return error_set(e, ec, "%s: %s", what,
		                 conn_msg(d->conn, buf, sizeof(buf)));
	if (detail != NULL)
		return error_set(e, ec, "%s: %s: %s", what, msg, detail);
	return error_set(e, ec, "%s: %s", what, msg);
}

/*
 * Has the server closed the idle connection?  One poll(2) with no wait:
 * a backend ended while idle sends nothing libpq acts on (no FATAL
 * notice reached it in our tests, and PQconsumeInput leaves the status
 * OK), so the socket itself is asked: readable with nothing left once
 * libpq has read what was there is the end of the stream.
 */
static int
lost(struct pg_db *d)
{
	struct pollfd p = {.fd = PQsocket(d->conn), .events = POLLIN};
	char c;
	ssize_t n;

	if (PQstatus(d->conn) != CONNECTION_OK || d->ended || p.fd < 0)
		return 1;
	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (PQconsumeInput(d->conn) == 0 || d->ended)
		return 1;
	if (p.revents & (POLLHUP | POLLERR))
		return 1;
	n = recv(p.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/*
 * Before anything is sent: read what the server may have said while the
 * connection was idle.  A session it ended is made again at once when no
 * transaction was open on it; inside one, the transaction is lost, and
 * so is the statement (ERR_IO).
 */
int
pg_alive(struct pg_db *d, const char *what, struct error *e)
{
	char buf[256];
	int in_txn = d->base.in_txn;

	if (!lost(d))
		return 0;
	/* Ended by the server, closed, or unreadable (libpq would close
	 * it on the next call): lost either way. */
	if (d->ended)
		snprintf(buf, sizeof(buf), "the server ended the session");
	else
		conn_msg(d->conn, buf, sizeof(buf));
	if (reconnect(d) == -1)
		return error_set(e, ERR_IO,
		                 "%s: the connection to the database was lost "
		                 "and cannot be made again: %s",
		                 what, conn_msg(d->conn, buf, sizeof(buf)));
	if (in_txn)
		return error_set(e, ERR_IO,
		                 "%s: the connection to the database was lost "
		                 "inside a transaction (%s); connected again, "
		                 "the transaction is gone",
		                 what, buf);
	return 0;
}

struct db *
db_pg_open(const char *url, struct error *e)
{
	/* The URI first, expanded; what follows overrides it. */
	const char *const keys[] = {"dbname", "client_encoding",
	                            "application_name", NULL};
	const char *const vals[] = {url, "UTF8", "gazette", NULL};
	struct pg_db *d = xcalloc(1, sizeof(*d));
	char buf[256];

	d->base.ops = &db_pg_ops;
	d->epoch = 1;
	d->conn = PQconnectdbParams(keys, vals, 1);
	if (d->conn == NULL) {
		free(d);
		error_set(e, ERR_IO, "connect to PostgreSQL: out of memory");
		return NULL;
	}
	if (PQstatus(d->conn) != CONNECTION_OK ||
	    session_setup(d->conn) == -1) {
		/* Not the URL: it may carry a password. */
		error_set(e, ERR_IO,
		          "connect to PostgreSQL database \"%s\": %s",
		          PQdb(d->conn) != NULL ? PQdb(d->conn) : "",
		          conn_msg(d->conn, buf, sizeof(buf)));
		PQfinish(d->conn);
		free(d);
		return NULL;
	}
	/* Kept by PQreset: the receiver belongs to the PGconn. */
	PQsetNoticeReceiver(d->conn, notice, d);
	return &d->base;
}

static void
pg_close(struct db *d)
{
	PQfinish(pdb(d)->conn);
	free(d);
}

/* The rows res's command changed: "INSERT 0 n", "UPDATE n", "DELETE n",
 * "MERGE n"; a SELECT's count of rows is not a change. */
static int64_t
cmd_changes(PGresult *res)
{
	const char *cmd = PQcmdStatus(res);

	if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
	    strncmp(cmd, "DELETE", 6) == 0 || strncmp(cmd, "MERGE", 5) == 0)
		return strtoll(PQcmdTuples(res), NULL, 10);
	return 0;
}

static int begin_now(struct pg_db *d, const char *what, struct error *e);

static int
pg_exec(struct db *db, const char *sql, const char *what, struct error *e)
{
	struct pg_db *d = pdb(db);
	char buf[64];
	PGresult *res;
	int rc = 0;

	what = db_what(buf, sizeof(buf), what, sql);
	pg_settle(d);
	if (pg_alive(d, what, e) == -1 ||
	    (d->begin_pending && begin_now(d, what, e) == -1))
		return -1;
	d->trips++;
	res = PQexec(d->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_fail(d, res, what, e);
	else
		d->changes += cmd_changes(res);
	PQclear(res);
	return rc;
}

/* A BEGIN left pending (pg_txn) sent now, on its own. */
static int
begin_now(struct pg_db *d, const char *what, struct error *e)
{
	PGresult *res;
	int rc = 0;

	d->begin_pending = 0;
	d->trips++;
	res = PQexec(d->conn, SQL_BEGIN_READ);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(d, res, what, e);
	PQclear(res);
	return rc;
}

/*
 * A read transaction's BEGIN is not sent at once: it goes with the
 * transaction's first statement, in one round trip (pipeline_first), and
 * a read transaction that runs no statement costs none.  Its snapshot is
 * the same: PostgreSQL takes a REPEATABLE READ snapshot at the first
 * statement, not at BEGIN.
 */
static int
pg_txn(struct db *db, enum db_txn_sql which, const char *what, struct error *e)
{
	static const char *const sql[TXN__MAX] = {
		[TXN_BEGIN_READ] = SQL_BEGIN_READ,
		[TXN_BEGIN_WRITE] = "BEGIN",
		[TXN_COMMIT] = "COMMIT",
		[TXN_ROLLBACK] = "ROLLBACK",
	};
	struct pg_db *d = pdb(db);

	/* What was read ahead belongs to the transaction that ends (or to
	 * none, before a BEGIN). */
	pg_ahead_end(d);
	if (which == TXN_BEGIN_READ) {
		if (pg_alive(d, what, e) == -1)
			return -1;
		d->begin_pending = 1;
		return 0;
	}
	if (d->begin_pending &&
	    (which == TXN_COMMIT || which == TXN_ROLLBACK)) {
		d->begin_pending = 0; /* nothing was read: nothing to end */
		return 0;
	}
	return pg_exec(db, sql[which], what, e);
}

static int64_t
pg_total_changes(struct db *d)
{
	return pdb(d)->changes;
}

/* Prepare s on the current session. */
int
pg_prepare_now(struct pg_stmt *s, const char *what, struct error *e)
{
	struct pg_db *d = pdb(s->base.db);
	PGresult *res;
	int rc = 0;

	pg_settle(d);
	d->trips++;
	res = PQprepare(d->conn, s->name, s->sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(d, res, what, e);
	else
		s->epoch = d->epoch;
	PQclear(res);
	return rc;
}

static void pg_reset(struct db_stmt *st);

static void
pg_finalize(struct db_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	struct pg_db *d = pdb(st->db);
	char sql[48];

	if (s->ahead != 0)
		pg_ahead_take(d, s, NULL);
	/* Free the server's copy while the session lasts; a lost one took
	 * it along. */
	pg_settle(d);
	if (s->epoch == d->epoch && PQstatus(d->conn) == CONNECTION_OK) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		PQclear(PQexec(d->conn, sql));
	}
	pg_reset(st);
	for (int i = 0; i < st->nparams; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->num);
	free(s->formats);
	free(s->lengths);
	free(s->values);
	free(s->sql);
	free(s);
}

static struct db_stmt *
pg_prepare(struct db *db, const char *sql, struct error *e)
{
	struct pg_db *d = pdb(db);
	struct pg_stmt *s;
	char buf[64];
	const char *what = db_what(buf, sizeof(buf), NULL, sql);
	char *rewritten;
	int n;

	rewritten = db_placeholders(sql, &n, e);
	if (rewritten == NULL)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->base.db = db;
	s->base.nparams = n;
	s->sql = rewritten;
	s->replan = strncmp(sql, DB_REPLAN, sizeof(DB_REPLAN) - 1) == 0;
	snprintf(s->name, sizeof(s->name), "g%u", ++d->next_name);
	/* calloc(0) may be NULL; one slot more keeps the arrays real. */
	s->values = xcalloc((size_t)n + 1, sizeof(*s->values));
	s->lengths = xcalloc((size_t)n + 1, sizeof(*s->lengths));
	s->formats = xcalloc((size_t)n + 1, sizeof(*s->formats));
	s->num = xcalloc((size_t)n + 1, sizeof(*s->num));
	s->owned = xcalloc((size_t)n + 1, sizeof(*s->owned));
	if (pg_alive(d, what, e) == -1 || pg_prepare_now(s, what, e) == -1) {
		s->epoch = 0;
		pg_finalize(&s->base);
		return NULL;
	}
	return &s->base;
}

/* Parameter i is being bound again: what it owned goes. */
static struct pg_stmt *
param(struct db_stmt *st, int i)
{
	struct pg_stmt *s = (struct pg_stmt *)st;

	free(s->owned[i - 1]);
	s->owned[i - 1] = NULL;
	s->lengths[i - 1] = 0;
	s->formats[i - 1] = 0;
	return s;
}

static void
pg_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	struct pg_stmt *s = param(st, i);

	snprintf(s->num[i - 1], sizeof(s->num[0]), "%" PRId64, v);
	s->values[i - 1] = s->num[i - 1];
}

static void
pg_bind_double(struct db_stmt *st, int i, double v)
{
	struct pg_stmt *s = param(st, i);

	/* float8in's spellings of what %g writes as nan and inf */
	if (isnan(v))
		snprintf(s->num[i - 1], sizeof(s->num[0]), "NaN");
	else if (isinf(v))
		snprintf(s->num[i - 1], sizeof(s->num[0]), "%sInfinity",
		         v < 0 ? "-" : "");
	else
		snprintf(s->num[i - 1], sizeof(s->num[0]), "%.17g", v);
	s->values[i - 1] = s->num[i - 1];
}

static void
pg_bind_text(struct db_stmt *st, int i, const char *t, int n)
{
	struct pg_stmt *s = param(st, i);

	/* Text parameters go as C strings: one with a length is copied. */
	if (n >= 0) {
		s->owned[i - 1] = xmalloc((size_t)n + 1);
		memcpy(s->owned[i - 1], t, (size_t)n);
		s->owned[i - 1][n] = '\0';
		t = s->owned[i - 1];
	}
	s->values[i - 1] = t;
}

static void
pg_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	struct pg_stmt *s = param(st, i);

	/* Binary: bytea's binary form is the bytes themselves. */
	s->values[i - 1] = n > 0 ? p : "";
	s->lengths[i - 1] = (int)n;
	s->formats[i - 1] = 1;
}

static void
pg_bind_null(struct db_stmt *st, int i)
{
	struct pg_stmt *s = param(st, i);

	s->values[i - 1] = NULL;
}

/* The decoded blobs of the row being read go. */
static void
blobs_drop(struct pg_stmt *s)
{
	if (s->blobs == NULL)
		return;
	for (int i = 0; i < PQnfields(s->res); i++) {
		PQfreemem(s->blobs[i]);
		s->blobs[i] = NULL;
	}
}

static void
pg_reset(struct db_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;

	blobs_drop(s);
	free(s->blobs);
	free(s->blob_len);
	s->blobs = NULL;
	s->blob_len = NULL;
	PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = s->ended = 0;
	st->changes = 0;
}

static int
pg_step(struct db_stmt *st, const char *what, struct error *e)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	struct pg_db *d = pdb(st->db);
	char buf[64];
	ExecStatusType status;

	if (s->ended)
		return 0;
	if (s->res != NULL) {
		blobs_drop(s);
		s->row++;
		goto row;
	}
	what = db_what(buf, sizeof(buf), what, s->sql);
	if (s->ahead != 0) {
		/* Sent ahead: its answer, if it was sent with these values. */
		if (pg_key_same(s)) {
			pg_ahead_take(d, s, &s->res);
			if (s->res == NULL)
				return pg_fail(d, NULL, what, e);
			goto answer;
		}
		pg_ahead_take(d, s, NULL);
	}
	pg_settle(d);
	if (pg_alive(d, what, e) == -1)
		return -1;
	if (s->epoch != d->epoch && pg_prepare_now(s, what, e) == -1)
		return -1;
	if (d->begin_pending)
		s->res = pg_pipeline_first(d, s);
	else {
		d->trips++;
		s->res = s->replan ? PQexecParams(d->conn, s->sql, st->nparams,
		                                  NULL, s->values, s->lengths,
		                                  s->formats, 0)
		                   : PQexecPrepared(d->conn, s->name,
		                                    st->nparams, s->values,
		                                    s->lengths, s->formats, 0);
	}
answer:
	status = PQresultStatus(s->res);
	if (status == PGRES_PIPELINE_ABORTED) {
		error_set(e, ERR_IO,
		          "%s: not run: a statement sent before it in the same "
		          "round trip failed",
		          what);
		PQclear(s->res);
		s->res = NULL;
		return -1;
	}
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		pg_fail(d, s->res, what, e);
		PQclear(s->res);
		s->res = NULL;
		return -1;
	}
	s->row = 0;
	s->nrows = PQntuples(s->res);
	if (PQnfields(s->res) > 0) {
		s->blobs =
			xcalloc((size_t)PQnfields(s->res), sizeof(*s->blobs));
		s->blob_len = xcalloc((size_t)PQnfields(s->res),
		                      sizeof(*s->blob_len));
	}
row:
	if (s->row < s->nrows)
		return 1;
	s->ended = 1;
	st->changes = cmd_changes(s->res);
	d->changes += st->changes;
	return 0;
}

static int
pg_column_count(const struct db_stmt *st)
{
	const struct pg_stmt *s = (const struct pg_stmt *)st;

	return s->res != NULL ? PQnfields(s->res) : 0;
}

/* Column i of the current row, or NULL for SQL NULL (and no row). */
static const char *
value(struct db_stmt *st, int i)
{
	struct pg_stmt *s = (struct pg_stmt *)st;

	if (s->res == NULL || s->row >= s->nrows || i < 0 ||
	    i >= PQnfields(s->res) || PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static int
pg_column_is_null(struct db_stmt *st, int i)
{
	return value(st, i) == NULL;
}

static int64_t
pg_column_int64(struct db_stmt *st, int i)
{
	const char *v = value(st, i);
	char *end;
	long long n;

	if (v == NULL)
		return 0;
	if (strcmp(v, "t") == 0) /* boolean */
		return 1;
	n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E') /* numeric, float */
		return (int64_t)strtod(v, NULL);
	return n;
}

static double
pg_column_double(struct db_stmt *st, int i)
{
	const char *v = value(st, i);

	if (v == NULL)
		return 0;
	if (strcmp(v, "t") == 0)
		return 1;
	return strtod(v, NULL);
}

static const char *
pg_column_text(struct db_stmt *st, int i, size_t *n)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	const char *v = value(st, i);

	if (n != NULL)
		*n = v != NULL ? (size_t)PQgetlength(s->res, s->row, i) : 0;
	return v;
}

static const void *
pg_column_blob(struct db_stmt *st, int i, size_t *n)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	const char *v = value(st, i);

	*n = 0;
	if (v == NULL)
		return "";
	if (PQftype(s->res, i) != BYTEA_OID) {
		*n = (size_t)PQgetlength(s->res, s->row, i);
		return v;
	}
	if (s->blobs[i] == NULL) {
		s->blobs[i] = PQunescapeBytea((const unsigned char *)v,
		                              &s->blob_len[i]);
		if (s->blobs[i] == NULL)
			abort(); /* out of memory: as xmalloc does */
	}
	*n = s->blob_len[i];
	return s->blobs[i];
}

static unsigned
pg_session(const struct db *d)
{
	return ((const struct pg_db *)d)->epoch;
}

/* LISTEN again on a session made again (db_wait). */
static int
relisten(struct pg_db *d, struct error *e)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "LISTEN %s", d->listen);
	return pg_exec(&d->base, sql, "notifications", e);
}

static int
pg_listen(struct db *db, const char *channel, struct error *e)
{
	struct pg_db *d = pdb(db);
	size_t n = strlen(channel);

	if (n == 0 || n >= sizeof(d->listen) ||
	    strspn(channel, "abcdefghijklmnopqrstuvwxyz_0123456789") != n ||
	    (channel[0] >= '0' && channel[0] <= '9'))
		return error_set(e, ERR_INVALID,
		                 "notifications: \"%s\" is not a channel name",
		                 channel);
	memcpy(d->listen, channel, n + 1);
	return relisten(d, e);
}

/* The next notification queued on d, its payload into buf: 1, else 0. */
static int
queued(struct pg_db *d, char *buf, size_t size)
{
	PGnotify *n = PQnotifies(d->conn);

	if (n == NULL)
		return 0;
	snprintf(buf, size, "%s", n->extra != NULL ? n->extra : "");
	PQfreemem(n);
	return 1;
}

static int
pg_wait(struct db *db, int ms, char *buf, size_t size, struct error *e)
{
	struct pg_db *d = pdb(db);
	struct pollfd p;
	char why[256];
	int rc;

	if (d->listen[0] == '\0')
		return error_set(e, ERR_INVALID,
		                 "notifications: db_wait before db_listen");
	if (PQstatus(d->conn) != CONNECTION_OK) {
		/* Lost before, and not made again then: try now. */
		if (reconnect(d) == -1)
			return error_set(
				e, ERR_IO,
				"notifications: the connection to "
				"the database cannot be made again: %s",
				conn_msg(d->conn, why, sizeof(why)));
		if (relisten(d, e) == -1)
			return -1;
		return error_set(e, ERR_IO,
		                 "notifications: connected again; what was "
		                 "sent meanwhile is lost");
	}
	if (queued(d, buf, size))
		return 1;
	p.fd = PQsocket(d->conn);
	p.events = POLLIN;
	p.revents = 0;
	rc = p.fd < 0 ? 1 : poll(&p, 1, ms);
	if (rc == 0 || (rc == -1 && errno == EINTR))
		return 0;
	if (rc > 0 && PQconsumeInput(d->conn) == 1 && !d->ended &&
	    queued(d, buf, size))
		return 1;
	if (!lost(d))
		return 0;
	snprintf(why, sizeof(why), "%s",
	         d->ended ? "the server ended the session"
	                  : conn_msg(d->conn, why, sizeof(why)));
	if (reconnect(d) == -1 || relisten(d, NULL) == -1)
		return error_set(e, ERR_IO,
		                 "notifications: the connection to the "
		                 "database was lost (%s) and is not back yet",
		                 why);
	return error_set(e, ERR_IO,
	                 "notifications: the connection to the database was "
	                 "lost (%s); connected again, what was sent meanwhile "
	                 "is lost",
	                 why);
}

const struct db_ops db_pg_ops = {
	.engine = DB_PG,
	.close = pg_close,
	.exec = pg_exec,
	.txn = pg_txn,
	.total_changes = pg_total_changes,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.send = pg_send,
	.round_trips = pg_round_trips,
	.reset = pg_reset,
	.column_count = pg_column_count,
	.column_is_null = pg_column_is_null,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.session = pg_session,
	.listen = pg_listen,
	.wait = pg_wait,
};
