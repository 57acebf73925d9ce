/*
 * posts.h through the store's driver (db.h): where the links of a site imported
 * from WordPress lead now (legacy_paths, and the legacy ids of posts and media,
 * from migration 009).  On the reader's path: every 404 asks here first.
 */
#include <stdint.h>

#include "internal.h"
#include "posts.h"
#include "../util/banned.h"

static const char SQL_LEGACY_PATH[] =
	"SELECT coalesce(l.post_id, m.post_id, 0), "
	"CASE WHEN l.url != '' THEN l.url ELSE coalesce(m.remote_url, '') END "
	"FROM legacy_paths l LEFT JOIN media m ON m.id = l.media_id "
	"WHERE l.path = ?1";

static const char SQL_LEGACY_POST[] =
	"SELECT id, '' FROM posts WHERE legacy_id = ?1";

static const char SQL_LEGACY_MEDIA[] =
	"SELECT coalesce(post_id, 0), remote_url FROM media "
	"WHERE legacy_id = ?1";

const struct store_stmt legacy_reader_stmts[] = {
	{"legacy_path", SQL_LEGACY_PATH, NULL, NULL},
	{"legacy_post", SQL_LEGACY_POST, NULL, NULL},
	{"legacy_media", SQL_LEGACY_MEDIA, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

/* Two columns (an id and a text) of one row; ERR_NOT_FOUND when none. */
static int
read_target(struct store *s, struct arena *a, const char *sql,
            const char *types, const char *text, int64_t num, int64_t *post_id,
            const char **url, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	*post_id = 0;
	*url = "";
	if (c == NULL)
		return -1;
	st = conn_prep(c, sql, e);
	if (st == NULL)
		goto out;
	if (*types == 's')
		bind_text(st, 1, text);
	else
		db_bind_int64(st, 1, num);
	step = db_step(st, "legacy link", e);
	if (step == 1) {
		*post_id = db_column_int64(st, 0);
		*url = col_text(a, st, 1);
		rc = 0;
	} else if (step == 0)
		error_set(e, ERR_NOT_FOUND, "no legacy link");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_legacy_path(struct store *s, struct arena *a, const char *path,
                  int64_t *post_id, const char **url, struct error *e)
{
	return read_target(s, a, SQL_LEGACY_PATH, "s", path, 0, post_id, url,
	                   e);
}

int
store_legacy_id(struct store *s, struct arena *a, int64_t legacy_id,
                int64_t *post_id, const char **url, struct error *e)
{
	if (read_target(s, a, SQL_LEGACY_POST, "l", NULL, legacy_id, post_id,
	                url, e) == 0)
		return 0;
	if (e->code != ERR_NOT_FOUND)
		return -1;
	return read_target(s, a, SQL_LEGACY_MEDIA, "l", NULL, legacy_id,
	                   post_id, url, e);
}
