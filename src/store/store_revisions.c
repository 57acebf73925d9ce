/*
 * posts.h through the store's driver (db.h): post revisions (migration 001's
 * post_revisions, with migration 008's version and autosave).  Every save from
 * the admin adds one (store_post_save); an autosave replaces the same editor's
 * previous autosave of the post, so only saves a person chose to make pile up.
 */
#include <string.h>

#include "internal.h"
#include "posts.h"
#include "../util/banned.h"

static const char SQL_REVISION_ADD[] =
	"INSERT INTO post_revisions(post_id, title, body_src, author_id, "
	"created_at, version, autosave) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_REVISION_DROP_AUTOSAVE[] =
	"DELETE FROM post_revisions WHERE post_id = ?1 AND autosave = 1 "
	"AND author_id IS NOT DISTINCT FROM ?2";
#define REVISION_FIELDS                                                        \
	"r.id, r.post_id, coalesce(r.author_id, 0), r.version, r.created_at, " \
	"r.title, coalesce(nullif(u.name, ''), u.login, ''), r.autosave "
static const char SQL_REVISION_LIST[] =
	"SELECT " REVISION_FIELDS "FROM post_revisions r "
	"LEFT JOIN users u ON u.id = r.author_id WHERE r.post_id = ?1 "
	"ORDER BY r.id DESC LIMIT ?2";
static const char SQL_REVISION_GET[] =
	"SELECT " REVISION_FIELDS ", r.body_src FROM post_revisions r "
	"LEFT JOIN users u ON u.id = r.author_id "
	"WHERE r.post_id = ?1 AND r.id = ?2";

int
store_revision_add(struct store *s, int64_t post_id, const char *title,
                   const char *body_src, int64_t author_id, int64_t version,
                   int autosave, int64_t now, struct error *e)
{
	if (store_begin(s, e) == -1)
		return -1;
	if ((autosave && write_one(s, SQL_REVISION_DROP_AUTOSAVE, "autosave",
	                           NULL, e, "ln", post_id, author_id) == -1) ||
	    write_one(s, SQL_REVISION_ADD, "adding revision", NULL, e,
	              "lssnlli", post_id, title, body_src, author_id, now,
	              version, autosave) == -1) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

static void
revision_row(struct arena *a, struct db_stmt *st, struct revision *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_column_int64(st, 0);
	r->post_id = db_column_int64(st, 1);
	r->author_id = db_column_int64(st, 2);
	r->version = db_column_int64(st, 3);
	r->created_at = db_column_int64(st, 4);
	r->title = col_text(a, st, 5);
	r->author_name = col_text(a, st, 6);
	r->autosave = (int)db_column_int64(st, 7);
	r->body_src = "";
}

int
store_revision_list(struct store *s, struct arena *a, int64_t post_id,
                    int limit, struct revision **out, size_t *n,
                    struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit <= 0)
		return 0;
	st = rd_prep(&q, s, SQL_REVISION_LIST, e);
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, post_id);
	db_bind_int64(st, 2, limit);
	*out = arena_alloc(a, (size_t)limit * sizeof(**out));
	while ((rc = rd_step(&q, "revisions", e)) == 1 && *n < (size_t)limit)
		revision_row(a, st, &(*out)[(*n)++]);
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}

int
store_revision_get(struct store *s, struct arena *a, int64_t post_id,
                   int64_t id, struct revision *out, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_REVISION_GET, e);
	int rc;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, post_id);
	db_bind_int64(st, 2, id);
	rc = rd_step(&q, "revision", e);
	if (rc == 1) {
		revision_row(a, st, out);
		out->body_src = col_text(a, st, 8);
	}
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND,
		                 "post %lld has no revision %lld",
		                 (long long)post_id, (long long)id);
	return rc == -1 ? -1 : 0;
}
