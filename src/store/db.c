/*
 * db.h's calls, each handed to the connection's engine (db_sqlite.c,
 * db_pg.c), and what both share: transactions' bookkeeping, error
 * subjects, and the rewriting of SQLite's parameters for PostgreSQL.
 */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_ops.h"
#include "../util/alloc.h"
#include "../util/limits.h"
#include "../util/banned.h"

enum db_engine
db_url_engine(const char *url)
{
	if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0)
		return DB_PG;
	return DB_SQLITE;
}

struct db *
db_open(const char *url, struct error *e)
{
	if (db_url_engine(url) == DB_PG)
		return db_pg_open(url, e);
	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	if (url[0] == '\0')
		return error_set(e, ERR_INVALID, "no database named"), NULL;
	return db_sqlite_open(url, e);
}

void
db_close(struct db *d)
{
	if (d != NULL)
		d->ops->close(d);
}

enum db_engine
db_engine(const struct db *d)
{
	return d->ops->engine;
}

int
db_exec(struct db *d, const char *sql, const char *what, struct error *e)
{
	return d->ops->exec(d, sql, what, e);
}

/*
 * A transaction's failures read "database: the engine's message" (SQLite's
 * "database is locked", a disk turned read-only at COMMIT): what the
 * store has always said of them, and what its callers pass on to the
 * person (tests/e2e/database.test.mjs).
 */
#define TXN_WHAT "database"

int
db_begin(struct db *d, enum db_txn kind, struct error *e)
{
	if (d->ops->txn(d, kind == DB_READ ? TXN_BEGIN_READ : TXN_BEGIN_WRITE,
	                TXN_WHAT, e) == -1)
		return -1;
	d->in_txn = 1;
	return 0;
}

int
db_commit(struct db *d, struct error *e)
{
	int rc = d->ops->txn(d, TXN_COMMIT, TXN_WHAT, e);

	/* A failed COMMIT leaves the transaction open on SQLite (busy):
	 * the caller rolls back. */
	if (rc == 0)
		d->in_txn = 0;
	return rc;
}

int
db_rollback(struct db *d, struct error *e)
{
	if (!d->in_txn)
		return 0;
	d->in_txn = 0;
	return d->ops->txn(d, TXN_ROLLBACK, TXN_WHAT, e);
}

int
db_in_txn(const struct db *d)
{
	return d->in_txn;
}

unsigned
db_session(const struct db *d)
{
	return d->ops->session != NULL ? d->ops->session(d) : 1;
}

int
db_listen(struct db *d, const char *channel, struct error *e)
{
	if (d->ops->listen == NULL)
		return error_set(e, ERR_INVALID,
		                 "notifications: SQLite has none");
	return d->ops->listen(d, channel, e);
}

int
db_wait(struct db *d, int ms, char *buf, size_t size, struct error *e)
{
	if (d->ops->wait == NULL)
		return error_set(e, ERR_INVALID,
		                 "notifications: SQLite has none");
	return d->ops->wait(d, ms, buf, size, e);
}

int64_t
db_total_changes(struct db *d)
{
	return d->ops->total_changes(d);
}

struct db_stmt *
db_prepare(struct db *d, const char *sql, struct error *e)
{
	return d->ops->prepare(d, sql, e);
}

void
db_finalize(struct db_stmt *st)
{
	if (st != NULL)
		st->db->ops->finalize(st);
}

int
db_param_count(const struct db_stmt *st)
{
	return st->nparams;
}

#define PARAM_OK(st, i) assert((i) >= 1 && (i) <= (st)->nparams)

void
db_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	PARAM_OK(st, i);
	st->db->ops->bind_int64(st, i, v);
}

void
db_bind_double(struct db_stmt *st, int i, double v)
{
	PARAM_OK(st, i);
	st->db->ops->bind_double(st, i, v);
}

void
db_bind_text(struct db_stmt *st, int i, const char *s, int n)
{
	PARAM_OK(st, i);
	assert(s != NULL);
	st->db->ops->bind_text(st, i, s, n);
}

void
db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	PARAM_OK(st, i);
	assert(p != NULL || n == 0);
	st->db->ops->bind_blob(st, i, p, n);
}

void
db_bind_null(struct db_stmt *st, int i)
{
	PARAM_OK(st, i);
	st->db->ops->bind_null(st, i);
}

void
db_clear_bindings(struct db_stmt *st)
{
	for (int i = 1; i <= st->nparams; i++)
		st->db->ops->bind_null(st, i);
}

int
db_step(struct db_stmt *st, const char *what, struct error *e)
{
	return st->db->ops->step(st, what, e);
}

int
db_send(struct db_stmt *st, struct error *e)
{
	return st->db->ops->send != NULL ? st->db->ops->send(st, e) : 0;
}

unsigned long
db_round_trips(const struct db *d)
{
	return d->ops->round_trips != NULL ? d->ops->round_trips(d) : 0;
}

void
db_reset(struct db_stmt *st)
{
	st->db->ops->reset(st);
}

int64_t
db_changes(const struct db_stmt *st)
{
	return st->changes;
}

int
db_column_count(const struct db_stmt *st)
{
	return st->db->ops->column_count(st);
}

int
db_column_is_null(struct db_stmt *st, int i)
{
	return st->db->ops->column_is_null(st, i);
}

int64_t
db_column_int64(struct db_stmt *st, int i)
{
	return st->db->ops->column_int64(st, i);
}

double
db_column_double(struct db_stmt *st, int i)
{
	return st->db->ops->column_double(st, i);
}

const char *
db_column_text(struct db_stmt *st, int i, size_t *n)
{
	return st->db->ops->column_text(st, i, n);
}

const void *
db_column_blob(struct db_stmt *st, int i, size_t *n)
{
	return st->db->ops->column_blob(st, i, n);
}

const char *
db_what(char *out, size_t n, const char *what, const char *sql)
{
	size_t len = 0;

	if (what != NULL)
		return what;
	/* "the statement \"INSERT INTO tags (…\"": enough to find it. */
	while (isspace((unsigned char)*sql))
		sql++;
	while (sql[len] != '\0' && len < 40)
		len++;
	snprintf(out, n, "\"%.*s%s\"", (int)len, sql,
	         sql[len] != '\0' ? "…" : "");
	for (char *p = out; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return out;
}

/* The end of a dollar quote's opening tag at p ("$tag$" or "$$"), or NULL
 * when p does not open one ($1 is a parameter, $ inside a name). */
static const char *
dollar_tag_end(const char *p)
{
	const char *q = p + 1;

	if (isdigit((unsigned char)*q))
		return NULL;
	while (isalnum((unsigned char)*q) || *q == '_' ||
	       (unsigned char)*q >= 0x80)
		q++;
	return *q == '$' ? q + 1 : NULL;
}

char *
db_placeholders(const char *sql, int *nparams, struct error *e)
{
	size_t n = strlen(sql), marks = 0, o = 0;
	char *out;
	int max = 0;
	const char *p = sql;

	for (size_t i = 0; i < n; i++)
		marks += sql[i] == '?';
	/* Each `?` becomes at most "$" and five digits (LIM_SQL_PARAMS). */
	out = xmalloc(n + marks * 6 + 1);
	while (*p != '\0') {
		const char *start = p;

		if (*p == '\'' || *p == '"') {
			/* 'text' ('' inside), E'te\'xt', "ident" ("" inside) */
			char q = *p;
			int bs = q == '\'' && p > sql &&
			         (p[-1] == 'E' || p[-1] == 'e') &&
			         (p - 1 == sql ||
			          !(isalnum((unsigned char)p[-2]) ||
			            p[-2] == '_'));

			p++;
			while (*p != '\0') {
				if (bs && *p == '\\' && p[1] != '\0')
					p += 2;
				else if (*p == q && p[1] == q)
					p += 2;
				else if (*p == q) {
					p++;
					break;
				} else
					p++;
			}
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			int depth = 0; /* PostgreSQL's block comments nest */

			do {
				if (p[0] == '/' && p[1] == '*')
					depth++, p += 2;
				else if (p[0] == '*' && p[1] == '/')
					depth--, p += 2;
				else
					p++;
			} while (depth > 0 && *p != '\0');
		} else if (*p == '$' && dollar_tag_end(p) != NULL &&
		           (p == sql ||
		            !(isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
			const char *tag_end = dollar_tag_end(p);
			size_t tag = (size_t)(tag_end - p);
			const char *close = strstr(tag_end, "$");

			p = tag_end;
			while (close != NULL && strncmp(close, start, tag) != 0)
				close = strstr(close + 1, "$");
			p = close != NULL ? close + tag : p + strlen(p);
		} else if (*p == '?') {
			long num;

			p++;
			if (isdigit((unsigned char)*p)) {
				num = 0;
				while (isdigit((unsigned char)*p)) {
					if (num <= LIM_SQL_PARAMS)
						num = num * 10 + (*p - '0');
					p++;
				}
			} else
				num = max + 1;
			if (num < 1 || num > LIM_SQL_PARAMS) {
				free(out);
				return error_set(
					       e, ERR_INVALID,
					       "parameter ?%.*s: parameters run "
					       "from ?1 to ?%d",
					       (int)(p - start - 1), start + 1,
					       LIM_SQL_PARAMS),
				       NULL;
			}
			if (num > max)
				max = (int)num;
			o += (size_t)snprintf(out + o, 7, "$%ld", num);
			continue;
		} else
			p++;
		memcpy(out + o, start, (size_t)(p - start));
		o += (size_t)(p - start);
	}
	out[o] = '\0';
	*nparams = max;
	return out;
}
