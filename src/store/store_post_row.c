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
	"SELECT t.name FROM post_tags pt JOIN tags t "
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

enum post_type
col_post_type(sqlite3_stmt *st, int i)
{
	int k = enum_lookup(post_type_names, POST_TYPE__MAX,
	                    (const char *)sqlite3_column_text(st, i));

	return k < 0 ? POST_POST : (enum post_type)k;
}

enum post_status
col_post_status(sqlite3_stmt *st, int i)
{
	int k = enum_lookup(post_status_names, POST_STATUS__MAX,
	                    (const char *)sqlite3_column_text(st, i));

	return k < 0 ? POST_DRAFT : (enum post_status)k;
}

void
post_row(struct arena *a, sqlite3_stmt *st, struct post *p)
{
	memset(p, 0, sizeof(*p));
#define POST_COL_READ(f, k, b, sql) p->f = COL_READ_##k(a, st, PC_##f);
	POST_COLUMNS(POST_COL_READ, POST_COL_READ)
#undef POST_COL_READ
}

/* BINARY collation, as ORDER BY t.name sorted them. */
static int
name_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int
post_tags(struct conn *c, struct arena *a, struct post *p, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, SQL_POST_TAGS, e);
	size_t cap = 4;
	int step;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, p->id);
	p->tags = arena_alloc(a, cap * sizeof(*p->tags));
	p->ntags = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (p->ntags == cap) {
			const char **grown =
				arena_alloc(a, 2 * cap * sizeof(*p->tags));

			memcpy(grown, p->tags, cap * sizeof(*p->tags));
			p->tags = grown;
			cap *= 2;
		}
		p->tags[p->ntags++] = col_text(a, st, 0);
	}
	stmt_done(st);
	if (step != SQLITE_DONE)
		return db_error(e, c->db, "post tags");
	qsort(p->tags, p->ntags, sizeof(*p->tags), name_cmp);
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
