/*
 * db_pg.c's pipeline mode (libpq's): a read transaction's BEGIN sent with
 * its first statement (decision 100), and statements sent ahead, their
 * answers read in one round trip (db_send, decision 101).
 */
#include <stdlib.h>
#include <string.h>

#include "db_pg.h"
#include "../util/alloc.h"
#include "../util/banned.h"

/* s run: with its SQL planned for these values (DB_REPLAN) or by name. */
static int
send_stmt(struct pg_db *d, struct pg_stmt *s)
{
	if (s->replan)
		return PQsendQueryParams(d->conn, s->sql, s->base.nparams, NULL,
		                         s->values, s->lengths, s->formats, 0);
	return PQsendQueryPrepared(d->conn, s->name, s->base.nparams, s->values,
	                           s->lengths, s->formats, 0);
}

/* The rest of one query's results in pipeline mode, up to its NULL. */
static void
drain(PGconn *conn)
{
	PGresult *r;

	while ((r = PQgetResult(conn)) != NULL)
		PQclear(r);
}

/* ---- statements sent ahead (db_send, decision 101) -------------------- */

/*
 * The values s is bound to, as bytes to compare: per parameter a NULL
 * mark, or its length and bytes.  Its length; out (NULL: only counted)
 * gets the bytes.
 */
static size_t
key_of(const struct pg_stmt *s, char *out)
{
	size_t n = 0;

	for (int i = 0; i < s->base.nparams; i++) {
		const char *v = s->values[i];
		size_t len = v == NULL       ? 0
		             : s->formats[i] ? (size_t)s->lengths[i]
		                             : strlen(v);

		if (out != NULL) {
			out[n] = v == NULL ? 0 : s->formats[i] ? 2 : 1;
			memcpy(out + n + 1, &len, sizeof(len));
			if (len > 0)
				memcpy(out + n + 1 + sizeof(len), v, len);
		}
		n += 1 + sizeof(len) + len;
	}
	return n;
}

/* Is s bound to the values it was sent with? */
int
pg_key_same(const struct pg_stmt *s)
{
	size_t n = key_of(s, NULL);
	char *now;
	int same;

	if (n != s->key_len)
		return 0;
	now = xmalloc(n + 1);
	key_of(s, now);
	same = memcmp(now, s->key, n) == 0;
	free(now);
	return same;
}

/* s is no longer ahead: off the connection's list, its answer (read
 * first, with the pipeline's, when it is still on its way) handed back,
 * or freed when out is NULL. */
void
pg_ahead_take(struct pg_db *d, struct pg_stmt *s, PGresult **out)
{
	int i = 0;

	if (s->ahead == 1)
		pg_settle(d); /* its answer read first, with the others' */
	while (i < d->nahead && d->ahead[i] != s)
		i++;
	if (i < d->nahead) {
		memmove(&d->ahead[i], &d->ahead[i + 1],
		        (size_t)(d->nahead - i - 1) * sizeof(d->ahead[0]));
		d->nahead--;
	}
	if (out != NULL)
		*out = s->ahead_res;
	else
		PQclear(s->ahead_res);
	s->ahead_res = NULL;
	s->ahead = 0;
	free(s->key);
	s->key = NULL;
	s->key_len = 0;
}

/* Every answer sent ahead goes, unread (the session is gone). */
void
pg_ahead_forget(struct pg_db *d)
{
	/* Nothing to read: the pipeline went with the session. */
	d->piped = 0;
	d->piped_begin = 0;
	while (d->nahead > 0)
		pg_ahead_take(d, d->ahead[0], NULL);
}

/*
 * The pipeline's answers, read in one round trip: each statement in it
 * keeps its own (ahead 2), and the connection leaves pipeline mode, free
 * for anything.  A BEGIN that failed is the first statement's answer (it
 * did not run; those after it were aborted).  A connection that fails
 * leaves the rest with no answer, and the session is taken as ended, so
 * that the transaction's next statement says it was lost.
 */
void
pg_settle(struct pg_db *d)
{
	PGconn *conn = d->conn;
	PGresult *r, *begin = NULL;
	int ok;

	if (!d->piped)
		return;
	d->piped = 0;
	d->trips++;
	ok = PQpipelineSync(conn) != 0;
	if (ok && d->piped_begin) {
		begin = PQgetResult(conn);
		if (begin == NULL)
			ok = 0;
		else
			drain(conn);
		if (begin != NULL &&
		    PQresultStatus(begin) == PGRES_COMMAND_OK) {
			PQclear(begin);
			begin = NULL;
		}
	}
	d->piped_begin = 0;
	for (int i = 0; i < d->nahead; i++) {
		struct pg_stmt *s = d->ahead[i];

		if (s->ahead != 1)
			continue; /* read by an earlier pipeline */
		s->ahead = 2;
		r = ok ? PQgetResult(conn) : NULL;
		if (r == NULL) {
			ok = 0;
			continue;
		}
		drain(conn);
		if (begin != NULL) {
			PQclear(r);
			r = begin;
			begin = NULL;
		}
		s->ahead_res = r;
	}
	PQclear(begin);
	if (ok) {
		r = PQgetResult(conn);
		ok = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
		PQclear(r);
	}
	if (!PQexitPipelineMode(conn) || !ok)
		d->ended = 1;
}

/* A transaction ends: the answers read ahead in it go with it. */
void
pg_ahead_end(struct pg_db *d)
{
	pg_settle(d);
	pg_ahead_forget(d);
}

int
pg_send(struct db_stmt *st, struct error *e)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	struct pg_db *d = pdb(st->db);
	char buf[64];
	const char *what;

	/* Its answer must come from the transaction's snapshot; a
	 * statement being read is the caller's to finish first. */
	if (!d->base.in_txn || s->res != NULL)
		return 0;
	if (s->ahead != 0)
		pg_ahead_take(d, s, NULL);
	if (d->nahead == DB_AHEAD_MAX)
		return 0;
	if (d->piped && s->epoch != d->epoch)
		pg_settle(d); /* prepared again first, outside the pipeline */
	if (!d->piped) {
		what = db_what(buf, sizeof(buf), NULL, s->sql);
		if (pg_alive(d, what, e) == -1 ||
		    (s->epoch != d->epoch && pg_prepare_now(s, what, e) == -1))
			return -1;
		if (PQenterPipelineMode(d->conn) == 0)
			return 0; /* the step runs it */
		d->piped = 1;
		d->piped_begin = d->begin_pending;
		d->begin_pending = 0;
		if (d->piped_begin &&
		    PQsendQueryParams(d->conn, SQL_BEGIN_READ, 0, NULL, NULL,
		                      NULL, NULL, 0) == 0) {
			pg_settle(d);
			return 0;
		}
	}
	if (send_stmt(d, s) == 0) {
		pg_settle(d);
		return 0;
	}
	s->ahead = 1;
	s->key_len = key_of(s, NULL);
	s->key = xmalloc(s->key_len + 1);
	key_of(s, s->key);
	d->ahead[d->nahead++] = s;
	return 0;
}

unsigned long
pg_round_trips(const struct db *d)
{
	return ((const struct pg_db *)d)->trips;
}

/*
 * The pending BEGIN and s's first run in one round trip, in libpq's
 * pipeline mode: both sent, one sync, then their results in order.  s's
 * result, or the BEGIN's failure (s then did not run), or NULL when the
 * connection failed (the caller's pg_fail() says so and connects again).
 */
PGresult *
pg_pipeline_first(struct pg_db *d, struct pg_stmt *s)
{
	PGconn *conn = d->conn;
	PGresult *begin = NULL, *res = NULL, *sync;

	d->begin_pending = 0;
	d->trips++;
	if (PQenterPipelineMode(conn) == 0)
		return NULL;
	if (PQsendQueryParams(conn, SQL_BEGIN_READ, 0, NULL, NULL, NULL, NULL,
	                      0) != 0 &&
	    send_stmt(d, s) != 0 && PQpipelineSync(conn) != 0) {
		begin = PQgetResult(conn);
		if (begin != NULL)
			drain(conn);
		res = PQgetResult(conn);
		if (res != NULL)
			drain(conn);
		sync = PQgetResult(conn);
		PQclear(sync);
	}
	PQexitPipelineMode(conn);
	if (begin != NULL && PQresultStatus(begin) != PGRES_COMMAND_OK) {
		PQclear(res);
		return begin;
	}
	PQclear(begin);
	return res;
}
