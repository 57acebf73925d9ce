/*
 * A post as rows carry it, for every file that reads posts (lists,
 * feeds, search, views, comments): the names of its types and statuses,
 * post_row() over POST_COLUMNS (internal.h), and its tags.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "posts.h"
#include "../util/banned.h"

/* Sorted by name here, not by SQL: a post has a few tags, and an ORDER
 * BY made SQLite open a sorter for each page. */
static const char SQL_POST_TAGS[] =
	"SELECT t.name, t.slug FROM post_tags pt JOIN tags t "
	"ON t.id = pt.tag_id WHERE pt.post_id = ?1";

const struct store_stmt post_row_reader_stmts[] = {
	{"post_tags", SQL_POST_TAGS, NULL},
	{NULL, NULL, NULL},
};

const char *const post_type_names[POST_TYPE__MAX] = {"post", "page", "book",
                                                     "episode"};

const char *const post_status_names[POST_STATUS__MAX] = {"draft", "pending",
                                                         "scheduled",
                                                         "published", "trash"};

static enum post_type
post_type_of(const char *name)
{
	int k = enum_lookup(post_type_names, POST_TYPE__MAX, name);

	return k < 0 ? POST_POST : (enum post_type)k;
}

static enum post_status
post_status_of(const char *name)
{
	int k = enum_lookup(post_status_names, POST_STATUS__MAX, name);

	return k < 0 ? POST_DRAFT : (enum post_status)k;
}

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

enum post_type
dbs_col_post_type(struct db_stmt *st, int i)
{
	return post_type_of(db_column_text(st, i, NULL));
}

enum post_status
dbs_col_post_status(struct db_stmt *st, int i)
{
	return post_status_of(db_column_text(st, i, NULL));
}

int
dbs_col_int(struct db_stmt *st, int i)
{
	return (int)db_column_int64(st, i);
}

/* The same body for both kinds of statement: COL_READ_* pick by type. */
#define POST_COL_READ(f, k, b, sql) p->f = COL_READ_##k(a, st, PC_##f);

void
sq_post_row(struct arena *a, sqlite3_stmt *st, struct post *p)
{
	memset(p, 0, sizeof(*p));
	POST_COLUMNS(POST_COL_READ, POST_COL_READ)
}

void
dbs_post_row(struct arena *a, struct db_stmt *st, struct post *p)
{
	memset(p, 0, sizeof(*p));
	POST_COLUMNS(POST_COL_READ, POST_COL_READ)
}
#undef POST_COL_READ

struct tag_pair {
	const char *name, *slug;
};

/* BINARY collation, as ORDER BY t.name sorted them. */
static int
name_cmp(const void *x, const void *y)
{
	return strcmp(((const struct tag_pair *)x)->name,
	              ((const struct tag_pair *)y)->name);
}

int
post_tags(struct conn *c, struct arena *a, struct post *p, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, SQL_POST_TAGS, e);
	struct tag_pair *t = NULL;
	size_t cap = 0;
	int step;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, p->id);
	p->ntags = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		t = arena_grow(a, t, &cap, p->ntags, sizeof(*t));
		t[p->ntags].name = col_text(a, st, 0);
		t[p->ntags++].slug = col_text(a, st, 1);
	}
	stmt_done(st);
	if (step != SQLITE_DONE)
		return db_error(e, c->db, "post tags");
	if (p->ntags > 0)
		qsort(t, p->ntags, sizeof(*t), name_cmp);
	p->tags = arena_alloc(a, (p->ntags + 1) * sizeof(*p->tags));
	p->tag_slugs = arena_alloc(a, (p->ntags + 1) * sizeof(*p->tag_slugs));
	for (size_t i = 0; i < p->ntags; i++) {
		p->tags[i] = t[i].name;
		p->tag_slugs[i] = t[i].slug;
	}
	return 0;
}

int
post_one(struct conn *c, sqlite3_stmt *st, struct arena *a, struct post *out,
         struct error *e)
{
	int step = sqlite3_step(st);

	if (step == SQLITE_ROW) {
		post_row(a, st, out);
		stmt_done(st);
		return post_tags(c, a, out, e);
	}
	stmt_done(st);
	if (step == SQLITE_DONE)
		return error_set(e, ERR_NOT_FOUND, "no such post");
	return db_error(e, c->db, "post");
}
