/*
 * site.h through the store's driver (db.h): sections (the navigation, with each
 * one's newest item) and blocks, as readers' pages list them and as the admin
 * changes them.
 */
#include <string.h>

#include "internal.h"
#include "site.h"
#include "../util/banned.h"

const char *const section_kind_names[SECTION_KIND__MAX] =
	{"posts", "video", "discussion", "podcast", "aggregator", "dashboard"};

static const char SQL_SECTION_ADD[] =
	"INSERT INTO sections(slug, name, kind, position, "
	"show_newest) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";

/* A name matches whatever its ASCII case: lower() folds as SQLite's
 * COLLATE NOCASE did (PostgreSQL has no NOCASE, and its lower() also
 * folds the rest of Unicode); sections are few, so no index is lost. */
static const char SQL_SECTION_FIND[] =
	"SELECT id, slug, name, kind, position, show_newest "
	"FROM sections WHERE slug = ?1 "
	"OR lower(name) = lower(?1) "
	"ORDER BY slug = ?1 DESC LIMIT 1";

/* Each section's newest item is one seek in posts_section (written as
 * an ordered LIMIT 1, so no aggregate need trust the min/max
 * optimization), and an aggregator's newest headline one in
 * river_entries_section (migration 017; never in the future); the order
 * is sections_position's (migration 016). */
static const char SQL_SECTION_LIST[] =
	"SELECT s.id, s.slug, s.name, s.kind, s.position, "
	"s.show_newest, (SELECT p.published_at FROM posts p "
	"WHERE p.section_id = s.id AND p.status = 'published' "
	"AND p.published_at <= ?1 ORDER BY p.published_at DESC LIMIT 1), "
	"(SELECT e.published_at FROM river_entries e "
	"WHERE e.section_id = s.id AND e.hidden = 0 "
	"ORDER BY e.published_at DESC LIMIT 1) "
	"FROM sections s ORDER BY s.position, s.id";

static const char SQL_BLOCK_LIST[] =
	"SELECT id, area, kind, config, position FROM blocks "
	"WHERE area = ?1 ORDER BY position, id";

static const char SQL_BLOCK_ADD[] =
	"INSERT INTO blocks(area, position, kind, config) "
	"VALUES (?1, ?2, ?3, ?4)";

const struct store_stmt site_reader_stmts[] = {
	{"section_find", SQL_SECTION_FIND, NULL, NULL},
	{"section_list", SQL_SECTION_LIST, NULL, NULL},
	{"blocks", SQL_BLOCK_LIST, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

#define SECTION_INFO_COLS                                                      \
	"SELECT s.id, s.slug, s.name, s.kind, s.position, s.show_newest, "     \
	"s.description, coalesce(s.parent_id, 0), (SELECT count(*) FROM "      \
	"posts p WHERE p.section_id = s.id) FROM sections s "

static const char SQL_SECTION_INFOS[] =
	SECTION_INFO_COLS "ORDER BY s.position, s.id";
static const char SQL_SECTION_INFO[] = SECTION_INFO_COLS "WHERE s.id = ?1";
static const char SQL_SECTION_CREATE[] =
	"INSERT INTO sections(slug, name, kind, show_newest, description, "
	"position) VALUES (?1, ?2, ?3, ?4, ?5, "
	"(SELECT coalesce(max(position) + 1, 0) FROM sections)) RETURNING id";
static const char SQL_SECTION_UPDATE[] =
	"UPDATE sections SET slug = ?2, name = ?3, kind = ?4, "
	"show_newest = ?5, description = ?6 WHERE id = ?1";
static const char SQL_SECTION_DELETE[] = "DELETE FROM sections WHERE id = ?1";
static const char SQL_SECTION_POSITION[] =
	"UPDATE sections SET position = ?2 WHERE id = ?1";

static const char SQL_BLOCK_GET[] =
	"SELECT id, area, kind, config, position FROM blocks WHERE id = ?1";
static const char SQL_BLOCK_CREATE[] =
	"INSERT INTO blocks(area, kind, config, position) VALUES (?1, ?2, ?3, "
	"(SELECT coalesce(max(position) + 1, 0) FROM blocks WHERE area = ?1)) "
	"RETURNING id";
static const char SQL_BLOCK_CONFIG[] =
	"UPDATE blocks SET config = ?2 WHERE id = ?1";
static const char SQL_BLOCK_DELETE[] = "DELETE FROM blocks WHERE id = ?1";
static const char SQL_BLOCK_POSITION[] =
	"UPDATE blocks SET position = ?2 WHERE id = ?1";

static void
info_row(struct arena *a, struct db_stmt *st, struct section_info *out)
{
	int k;

	memset(out, 0, sizeof(*out));
	out->sec.id = db_column_int64(st, 0);
	out->sec.slug = col_text(a, st, 1);
	out->sec.name = col_text(a, st, 2);
	k = enum_lookup(section_kind_names, SECTION_KIND__MAX,
	                db_column_text(st, 3, NULL));
	out->sec.kind = k < 0 ? SECTION_POSTS : (enum section_kind)k;
	out->sec.position = (int)db_column_int64(st, 4);
	out->sec.show_newest = (int)db_column_int64(st, 5);
	out->description = col_text(a, st, 6);
	out->parent_id = db_column_int64(st, 7);
	out->items = db_column_int64(st, 8);
}

int
store_section_infos(struct store *s, struct arena *a, struct section_info **out,
                    size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_SECTION_INFOS, e);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = rd_step(&q, "sections", e)) == 1) {
		if (*n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct section_info *grown =
				arena_alloc(a, ncap * sizeof(**out));

			if (*n > 0)
				memcpy(grown, *out, *n * sizeof(**out));
			*out = grown;
			cap = ncap;
		}
		info_row(a, st, &(*out)[(*n)++]);
	}
	rd_close(&q);
	return rc;
}

int
store_section_info(struct store *s, struct arena *a, int64_t id,
                   struct section_info *out, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_SECTION_INFO, e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, id);
	rc = rd_step(&q, "section", e);
	if (rc == 1)
		info_row(a, st, out);
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no section %lld",
		                 (long long)id);
	return rc == 1 ? 0 : -1;
}

static int
section_conflict(struct error *e, const char *slug)
{
	if (e->code == ERR_CONFLICT)
		error_set(e, ERR_CONFLICT,
		          "the slug '%s' is taken by another "
		          "section",
		          slug);
	return -1;
}

int
store_section_create(struct store *s, const struct section *in,
                     const char *description, int64_t *id, struct error *e)
{
	if (write_one(s, SQL_SECTION_CREATE, "adding section", id, e, "sssis",
	              in->slug, in->name, section_kind_names[in->kind],
	              in->show_newest ? 1 : 0,
	              description ? description : "") == 0)
		return 0;
	return section_conflict(e, in->slug);
}

int
store_section_update(struct store *s, const struct section *in,
                     const char *description, struct error *e)
{
	int64_t changed;

	if (write_count(s, SQL_SECTION_UPDATE, "changing section", &changed, e,
	                "lsssis", in->id, in->slug, in->name,
	                section_kind_names[in->kind], in->show_newest ? 1 : 0,
	                description ? description : "") == -1)
		return section_conflict(e, in->slug);
	if (changed == 0)
		return error_set(e, ERR_NOT_FOUND, "no section %lld",
		                 (long long)in->id);
	return 0;
}

int
store_section_delete(struct store *s, int64_t id, struct error *e)
{
	int64_t changed;

	/* posts.section_id and sections.parent_id are ON DELETE SET NULL,
	 * post_sections ON DELETE CASCADE (foreign keys are on). */
	if (write_count(s, SQL_SECTION_DELETE, "deleting section", &changed, e,
	                "l", id) == -1)
		return -1;
	if (changed == 0)
		return error_set(e, ERR_NOT_FOUND, "no section %lld",
		                 (long long)id);
	return 0;
}

static int
order(struct store *s, const char *sql, const int64_t *ids, size_t n,
      struct error *e)
{
	if (store_begin(s, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (write_one(s, sql, "ordering", NULL, e, "li", ids[i],
		              (int)i) == -1) {
			store_rollback(s);
			return -1;
		}
	return store_commit(s, e);
}

int
store_section_order(struct store *s, const int64_t *ids, size_t n,
                    struct error *e)
{
	return order(s, SQL_SECTION_POSITION, ids, n, e);
}

int
store_block_get(struct store *s, struct arena *a, int64_t id, struct block *out,
                struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_BLOCK_GET, e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, id);
	rc = rd_step(&q, "block", e);
	if (rc == 1) {
		out->id = db_column_int64(st, 0);
		out->area = col_text(a, st, 1);
		out->kind = col_text(a, st, 2);
		out->config = col_text(a, st, 3);
		out->position = (int)db_column_int64(st, 4);
	}
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no block %lld",
		                 (long long)id);
	return rc == 1 ? 0 : -1;
}

int
store_block_create(struct store *s, const char *area, const char *kind,
                   const char *config_json, int64_t *id, struct error *e)
{
	return write_one(s, SQL_BLOCK_CREATE, "adding block", id, e, "sss",
	                 area, kind, config_json);
}

int
store_block_set_config(struct store *s, int64_t id, const char *config_json,
                       struct error *e)
{
	int64_t changed;

	if (write_count(s, SQL_BLOCK_CONFIG, "changing block", &changed, e,
	                "ls", id, config_json) == -1)
		return -1;
	if (changed == 0)
		return error_set(e, ERR_NOT_FOUND, "no block %lld",
		                 (long long)id);
	return 0;
}

int
store_block_delete(struct store *s, int64_t id, struct error *e)
{
	int64_t changed;

	if (write_count(s, SQL_BLOCK_DELETE, "deleting block", &changed, e, "l",
	                id) == -1)
		return -1;
	if (changed == 0)
		return error_set(e, ERR_NOT_FOUND, "no block %lld",
		                 (long long)id);
	return 0;
}

int
store_block_order(struct store *s, const int64_t *ids, size_t n,
                  struct error *e)
{
	return order(s, SQL_BLOCK_POSITION, ids, n, e);
}

int
store_section_add(struct store *s, const struct section *in, int64_t *id,
                  struct error *e)
{
	return write_one(s, SQL_SECTION_ADD, "adding section", id, e, "sssii",
	                 in->slug, in->name, section_kind_names[in->kind],
	                 in->position, in->show_newest);
}

static void
section_row(struct arena *a, struct db_stmt *st, struct section *out)
{
	int k;

	out->id = db_column_int64(st, 0);
	out->slug = col_text(a, st, 1);
	out->name = col_text(a, st, 2);
	k = enum_lookup(section_kind_names, SECTION_KIND__MAX,
	                db_column_text(st, 3, NULL));
	out->kind = k < 0 ? SECTION_POSTS : (enum section_kind)k;
	out->position = (int)db_column_int64(st, 4);
	out->show_newest = (int)db_column_int64(st, 5);
	out->newest_at = 0;
}

int
store_section_find(struct store *s, struct arena *a, const char *key,
                   struct section *out, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_SECTION_FIND, e);
	if (st == NULL)
		goto out;
	bind_text(st, 1, key);
	step = db_step(st, "section", e);
	if (step == 1) {
		section_row(a, st, out);
		rc = 0;
	} else if (step == 0)
		error_set(e, ERR_NOT_FOUND, "no section '%s'", key);
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_section_list(struct store *s, struct arena *a, int64_t now,
                   struct section **out, size_t *n, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;
	size_t cap = 8;

	*out = NULL;
	*n = 0;
	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_SECTION_LIST, e);
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, now);
	*out = arena_alloc(a, cap * sizeof(**out));
	while ((step = db_step(st, "sections", e)) == 1) {
		if (*n == cap) {
			struct section *grown =
				arena_alloc(a, 2 * cap * sizeof(**out));

			memcpy(grown, *out, cap * sizeof(**out));
			*out = grown;
			cap *= 2;
		}
		section_row(a, st, &(*out)[*n]);
		(*out)[*n].newest_at = db_column_int64(st, 6);
		if (db_column_int64(st, 7) > (*out)[*n].newest_at)
			(*out)[*n].newest_at = db_column_int64(st, 7);
		(*n)++;
	}
	if (step == 0)
		rc = 0;
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_block_add(struct store *s, const char *area, int position,
                const char *kind, const char *config_json, struct error *e)
{
	return write_one(s, SQL_BLOCK_ADD, "adding block", NULL, e, "siss",
	                 area, position, kind, config_json);
}

int
store_block_list(struct store *s, struct arena *a, const char *area,
                 struct block **out, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_BLOCK_LIST, e);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, area);
	while ((rc = rd_step(&q, "blocks", e)) == 1) {
		struct block *b;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		b = &(*out)[(*n)++];
		b->id = db_column_int64(st, 0);
		b->area = col_text(a, st, 1);
		b->kind = col_text(a, st, 2);
		b->config = col_text(a, st, 3);
		b->position = (int)db_column_int64(st, 4);
	}
	rd_close(&q);
	return rc;
}
