/*
 * What every store file needs of a statement, below the connections:
 * errors, bindings, columns, for SQLite's statements and the driver's
 * (db.h) alike.  It depends on nothing else of the store but the names
 * of posts' types and statuses (store_post_row.c).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "db_ops.h"
#include "internal.h"
#include "../util/banned.h"

int
enum_lookup(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int
db_error(struct error *e, sqlite3 *db, const char *what)
{
	return db_sqlite_fail(e, db, what);
}

void
sq_stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

void
sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

void
sq_bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	if (id == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, id);
}

const char *
sq_col_text(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);

	return t == NULL ? "" : arena_strndup(a, (const char *)t, (size_t)n);
}

/* A post's type, status and row from a sqlite3_stmt (internal.h's
 * col_post_type, col_post_status, post_row), for the files not yet on the
 * driver: store_post_row.c has the driver's. */
enum post_type
sq_col_post_type(sqlite3_stmt *st, int i)
{
	return post_type_of((const char *)sqlite3_column_text(st, i));
}

enum post_status
sq_col_post_status(sqlite3_stmt *st, int i)
{
	return post_status_of((const char *)sqlite3_column_text(st, i));
}

void
sq_post_row(struct arena *a, sqlite3_stmt *st, struct post *p)
{
	memset(p, 0, sizeof(*p));
	POST_COLUMNS(POST_ROW_READ, POST_ROW_READ)
}

/* The same four over the driver's statements (decision 092). */
void
dbs_stmt_done(struct db_stmt *st)
{
	db_reset(st);
	db_clear_bindings(st);
}

void
dbs_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (s == NULL)
		db_bind_null(st, i);
	else
		db_bind_text(st, i, s, -1);
}

void
dbs_bind_id(struct db_stmt *st, int i, int64_t id)
{
	if (id == 0)
		db_bind_null(st, i);
	else
		db_bind_int64(st, i, id);
}

const char *
dbs_col_text(struct arena *a, struct db_stmt *st, int i)
{
	size_t n;
	const char *t = db_column_text(st, i, &n);

	return t == NULL ? "" : arena_strndup(a, t, n);
}
