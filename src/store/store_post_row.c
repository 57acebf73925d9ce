/*
 * A post as rows carry it, for every file that reads posts (lists,
 * feeds, search, views, comments): the names of its types and statuses,
 * post_row() over POST_COLUMNS (internal.h), and its tags, through the
 * store's driver (db.h).  The sqlite3_stmt side of post_row and of the
 * columns it reads, for the files not yet on the driver, is in
 * store_stmt.c with the other sq_* helpers (decision 092).
 */
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
	{"post_tags", SQL_POST_TAGS, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

const char *const post_type_names[POST_TYPE__MAX] = {"post", "page", "book",
                                                     "episode"};

const char *const post_status_names[POST_STATUS__MAX] = {"draft", "pending",
                                                         "scheduled",
                                                         "published", "trash"};

enum post_type
post_type_of(const char *name)
{
	int k = enum_lookup(post_type_names, POST_TYPE__MAX, name);

	return k < 0 ? POST_POST : (enum post_type)k;
}

enum post_status
post_status_of(const char *name)
{
	int k = enum_lookup(post_status_names, POST_STATUS__MAX, name);

	return k < 0 ? POST_DRAFT : (enum post_status)k;
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

void
dbs_post_row(struct arena *a, struct db_stmt *st, struct post *p)
{
	memset(p, 0, sizeof(*p));
	POST_COLUMNS(POST_ROW_READ, POST_ROW_READ)
}

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
	struct db_stmt *st = conn_prep(c, SQL_POST_TAGS, e);
	struct tag_pair *t = NULL;
	size_t cap = 0;
	int step;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, p->id);
	p->ntags = 0;
	while ((step = db_step(st, "post tags", e)) == 1) {
		t = arena_grow(a, t, &cap, p->ntags, sizeof(*t));
		t[p->ntags].name = col_text(a, st, 0);
		t[p->ntags++].slug = col_text(a, st, 1);
	}
	stmt_done(st);
	if (step == -1)
		return -1;
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
post_one(struct conn *c, struct db_stmt *st, struct arena *a, struct post *out,
         struct error *e)
{
	int step = db_step(st, "post", e);

	if (step == 1) {
		post_row(a, st, out);
		stmt_done(st);
		return post_tags(c, a, out, e);
	}
	stmt_done(st);
	if (step == 0)
		return error_set(e, ERR_NOT_FOUND, "no such post");
	return -1;
}
