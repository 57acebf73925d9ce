/*
 * river.h through the store's driver (db.h): the feeds we follow, their
 * entries, tombstones and keyword filters (migration 017).  Not
 * store_feeds.c, which reads our own outgoing feeds.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "river.h"
#include "../util/banned.h"

/* ---- sources ---------------------------------------------------------- */

/* A source row (aliases r: river_sources, s: sections). */
#define SOURCE_COLUMNS(F, X)                                                   \
	F(id, I64, NONE, "r.id")                                               \
	X(url, TEXT, NONE, "r.url")                                            \
	X(name, TEXT, NONE, "r.name")                                          \
	X(site_url, TEXT, NONE, "r.site_url")                                  \
	X(folder, TEXT, NONE, "r.folder")                                      \
	X(section_id, I64, NONE, "coalesce(r.section_id, 0)")                  \
	X(section_slug, TEXT, NONE, "coalesce(s.slug, '')")                    \
	X(interval, I64, NONE, "r.interval")                                   \
	X(enabled, INT, NONE, "r.enabled")                                     \
	X(etag, TEXT, NONE, "r.etag")                                          \
	X(last_modified, TEXT, NONE, "r.last_modified")                        \
	X(last_fetch_at, I64, NONE, "r.last_fetch_at")                         \
	X(last_status, INT, NONE, "r.last_status")                             \
	X(last_error, TEXT, NONE, "r.last_error")                              \
	X(errors, INT, NONE, "r.errors")                                       \
	X(redirects, INT, NONE, "r.redirects")                                 \
	X(redirect_to, TEXT, NONE, "r.redirect_to")                            \
	X(next_fetch_at, I64, NONE, "r.next_fetch_at")                         \
	X(created_at, I64, NONE, "r.created_at")                               \
	X(discover, INT, NONE, "r.discover")

#define SOURCE_COL_ENUM(f, k, b, sql) SC_##f,
enum source_col { SOURCE_COLUMNS(SOURCE_COL_ENUM, SOURCE_COL_ENUM) SC__N };

#define SOURCE_SELECT                                                          \
	"SELECT " SOURCE_COLUMNS(                                              \
		COL_SQL_FIRST,                                                 \
		COL_SQL) " "                                                   \
			 "FROM river_sources r LEFT JOIN sections s ON s.id = r.section_id "

static void
source_row(struct arena *a, struct db_stmt *st, struct river_source *out)
{
#define SOURCE_READ(f, k, b, sql) out->f = COL_READ_##k(a, st, SC_##f);
	SOURCE_COLUMNS(SOURCE_READ, SOURCE_READ)
#undef SOURCE_READ
}

static const char SQL_SOURCE_GET[] = SOURCE_SELECT "WHERE r.id = ?1";
static const char SQL_SOURCE_BY_URL[] = SOURCE_SELECT "WHERE r.url = ?1";
static const char SQL_SOURCE_LIST[] = SOURCE_SELECT "ORDER BY r.id";
static const char SQL_SOURCE_DUE[] =
	SOURCE_SELECT "WHERE r.enabled = 1 AND r.next_fetch_at <= ?1 "
		      "ORDER BY r.next_fetch_at LIMIT ?2";

static const char SQL_SOURCE_ADD[] =
	"INSERT INTO river_sources(url, name, site_url, folder, section_id, "
	"interval, enabled, next_fetch_at, created_at, discover) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9) RETURNING id";

static const char SQL_SOURCE_DELETE[] =
	"DELETE FROM river_sources WHERE id = ?1";

static const char SQL_SOURCE_NAMED[] =
	"UPDATE river_sources SET name = ?2, site_url = ?3 WHERE id = ?1";

static const char SQL_SOURCE_FETCHED[] =
	"UPDATE river_sources SET url = ?2, enabled = ?3, etag = ?4, "
	"last_modified = ?5, last_fetch_at = ?6, last_status = ?7, "
	"last_error = ?8, errors = ?9, redirects = ?10, redirect_to = ?11, "
	"next_fetch_at = CASE WHEN next_fetch_at <> ?16 AND next_fetch_at < ?12 "
	"THEN next_fetch_at ELSE ?12 END, name = ?13, site_url = ?14, "
	"discover = ?15 WHERE id = ?1";

/* What the admin changes; entries follow their source to its section,
 * and a feed enabled again is due at once. */
static const char SQL_SOURCE_EDIT[] =
	"UPDATE river_sources SET name = ?2, interval = ?3, section_id = ?4, "
	"next_fetch_at = CASE WHEN enabled = 0 AND ?5 = 1 THEN ?6 "
	"ELSE next_fetch_at END, enabled = ?5 WHERE id = ?1";
static const char SQL_SOURCE_ENTRIES_MOVE[] =
	"UPDATE river_entries SET section_id = ?2 WHERE source_id = ?1 "
	"AND section_id <> ?2";
static const char SQL_SOURCE_DUE_AT[] =
	"UPDATE river_sources SET next_fetch_at = ?2 WHERE id = ?1";

/* ---- entries ---------------------------------------------------------- */

/* An entry row with its source's name and site (e: river_entries,
 * r: river_sources). */
#define ENTRY_COLUMNS(F, X)                                                    \
	F(id, I64, NONE, "e.id")                                               \
	X(source_id, I64, NONE, "e.source_id")                                 \
	X(key, TEXT, NONE, "e.key")                                            \
	X(cross_key, TEXT, NONE, "e.cross_key")                                \
	X(link, TEXT, NONE, "e.link")                                          \
	X(title, TEXT, NONE, "e.title")                                        \
	X(text, TEXT, NONE, "e.text")                                          \
	X(author, TEXT, NONE, "e.author")                                      \
	X(published_at, I64, NONE, "e.published_at")                           \
	X(fetched_at, I64, NONE, "e.fetched_at")                               \
	X(hidden, HIDDEN, NONE, "e.hidden")                                    \
	X(source_name, TEXT, NONE, "r.name")                                   \
	X(source_site, TEXT, NONE, "r.site_url")

#define COL_READ_HIDDEN(a, st, i)                                              \
	((enum river_hidden)db_column_int64((st), (i)))
#define ENTRY_COL_ENUM(f, k, b, sql) EC_##f,
enum entry_col { ENTRY_COLUMNS(ENTRY_COL_ENUM, ENTRY_COL_ENUM) EC__N };

/*
 * On SQLite, CROSS JOIN keeps the entries' index the outer loop: the
 * pages walk it in order and stop at the LIMIT.  PostgreSQL has no ON
 * after a CROSS JOIN (and orders a join by its own plan), so the pages'
 * twins (SQL_PAGE_*_PG, decision 092) say JOIN.
 */
#define ENTRY_FIELDS ENTRY_COLUMNS(COL_SQL_FIRST, COL_SQL) " "
#define ENTRY_SELECT(join)                                                     \
	"SELECT " ENTRY_FIELDS "FROM river_entries e " join                    \
	" river_sources r "                                                    \
	"ON r.id = e.source_id "
/* The cursor: published_at <= ?2 is the walk's one bound; the ties of
 * that second with an id not below ?3 are skipped by a test the index
 * cannot take (the unary +), so SQLite never seeks by it instead. */
#define ENTRY_PAGE                                                             \
	"AND e.hidden = 0 AND e.published_at <= ?2 "                           \
	"AND (+e.published_at < ?2 OR +e.id < ?3) "                            \
	"ORDER BY e.published_at DESC, e.id DESC LIMIT ?4"
#define PAGE_SECTION(join)                                                     \
	ENTRY_SELECT(join) "WHERE e.section_id = ?1 " ENTRY_PAGE
#define PAGE_SOURCE(join)                                                      \
	ENTRY_SELECT(join) "WHERE e.source_id = ?1 " ENTRY_PAGE
#define PAGE_ALL(join) ENTRY_SELECT(join) "WHERE ?1 = 0 " ENTRY_PAGE

static const char SQL_PAGE_SECTION[] = PAGE_SECTION("CROSS JOIN");
static const char SQL_PAGE_SECTION_PG[] = PAGE_SECTION("JOIN");
static const char SQL_PAGE_SOURCE[] = PAGE_SOURCE("CROSS JOIN");
static const char SQL_PAGE_SOURCE_PG[] = PAGE_SOURCE("JOIN");
static const char SQL_PAGE_ALL[] = PAGE_ALL("CROSS JOIN");
static const char SQL_PAGE_ALL_PG[] = PAGE_ALL("JOIN");

static void
entry_row(struct arena *a, struct db_stmt *st, struct river_entry *out)
{
#define ENTRY_READ(f, k, b, sql) out->f = COL_READ_##k(a, st, EC_##f);
	ENTRY_COLUMNS(ENTRY_READ, ENTRY_READ)
#undef ENTRY_READ
}

/*
 * A key the source has (stored or tombstoned) adds nothing; a link
 * another source has is kept, hidden, so it is not taken for new on the
 * next fetch.  RETURNING says what was stored.  (PostgreSQL types the
 * SELECT list's parameters by the columns they are inserted into.)
 */
static const char SQL_ENTRY_ADD[] =
	"INSERT INTO river_entries(source_id, section_id, key, cross_key, "
	"link, title, text, author, published_at, fetched_at, hidden) "
	"SELECT ?1, coalesce((SELECT section_id FROM river_sources "
	"WHERE id = ?1), 0), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	"CASE WHEN ?10 = 0 AND ?3 <> '' AND EXISTS (SELECT 1 FROM "
	"river_entries x WHERE x.cross_key = ?3 AND x.source_id <> ?1) "
	"THEN 2 ELSE ?10 END "
	"WHERE NOT EXISTS (SELECT 1 FROM river_tombstones t "
	"WHERE t.source_id = ?1 AND t.key = ?2) "
	"ON CONFLICT(source_id, key) DO NOTHING RETURNING hidden";

/* ON CONFLICT DO NOTHING, not SQLite's INSERT OR IGNORE: both engines
 * read it (the WHERE keeps SQLite from taking ON for a join's), and the
 * key is the only constraint a tombstone made from an entry can meet. */
static const char SQL_PRUNE_TOMBSTONES[] =
	"INSERT INTO river_tombstones(source_id, key, pruned_at) "
	"SELECT source_id, key, ?2 FROM river_entries WHERE published_at < ?1 "
	"ON CONFLICT DO NOTHING";
static const char SQL_PRUNE[] =
	"DELETE FROM river_entries WHERE published_at < ?1";

static const char SQL_TITLES[] =
	"SELECT id, title, hidden FROM river_entries WHERE source_id = ?1 "
	"AND hidden IN (0, 1) ORDER BY id";
static const char SQL_REFILTER[] =
	"UPDATE river_entries SET hidden = CASE WHEN ?2 = 0 AND cross_key <> '' "
	"AND EXISTS (SELECT 1 FROM river_entries x WHERE x.cross_key = "
	"river_entries.cross_key AND x.source_id <> river_entries.source_id "
	"AND x.hidden = 0) THEN 2 ELSE ?2 END WHERE id = ?1 AND hidden IN (0, 1)";

/* ---- filters ---------------------------------------------------------- */

static const char SQL_FILTER_ADD[] =
	"INSERT INTO river_filters(source_id, rule, created_at) "
	"VALUES (?1, ?2, ?3) RETURNING id";
static const char SQL_FILTER_DELETE[] =
	"DELETE FROM river_filters WHERE id = ?1";
static const char SQL_FILTER_LIST[] =
	"SELECT id, coalesce(source_id, 0), rule FROM river_filters "
	"ORDER BY source_id IS NOT NULL, source_id, id";
static const char SQL_FILTER_RULES[] =
	"SELECT rule FROM river_filters WHERE source_id IS NULL "
	"OR source_id = ?1 ORDER BY id";

/* The river's pages read these (test_plans.c). */
const struct store_stmt river_reader_stmts[] = {
	{"river_page_section", SQL_PAGE_SECTION, NULL, SQL_PAGE_SECTION_PG},
	{"river_page_source", SQL_PAGE_SOURCE, NULL, SQL_PAGE_SOURCE_PG},
	{"river_page_all", SQL_PAGE_ALL, NULL, SQL_PAGE_ALL_PG},
	{"river_source_get", SQL_SOURCE_GET, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

/* ---- sources ---------------------------------------------------------- */

int
store_river_source_add(struct store *s, const struct river_source *in,
                       int64_t now, int64_t *id, struct error *e)
{
	return write_one(s, SQL_SOURCE_ADD, "adding a feed", id, e, "ssssnlili",
	                 in->url, in->name != NULL ? in->name : "",
	                 in->site_url != NULL ? in->site_url : "",
	                 in->folder != NULL ? in->folder : "", in->section_id,
	                 in->interval > 0 ? in->interval : (int64_t)3600,
	                 in->enabled, now, in->discover);
}

/* One source by sql with ?1 bound to text, or to num when text is NULL. */
static int
source_one(struct store *s, struct arena *a, const char *sql, const char *text,
           int64_t num, struct river_source *out, struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	st = rd_prep(&q, s, sql, e);
	if (st == NULL)
		return -1;
	if (text != NULL)
		bind_text(st, 1, text);
	else
		db_bind_int64(st, 1, num);
	rc = rd_step(&q, "reading a feed", e);
	if (rc == 1)
		source_row(a, st, out);
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no feed %s",
		                 text != NULL ? text : "with that id");
	return rc == 1 ? 0 : -1;
}

int
store_river_source_get(struct store *s, struct arena *a, int64_t id,
                       struct river_source *out, struct error *e)
{
	return source_one(s, a, SQL_SOURCE_GET, NULL, id, out, e);
}

int
store_river_source_by_url(struct store *s, struct arena *a, const char *url,
                          struct river_source *out, struct error *e)
{
	return source_one(s, a, SQL_SOURCE_BY_URL, url, 0, out, e);
}

/* The rows of sql (?1 now, ?2 limit when limit > 0) into *out. */
static int
source_rows(struct store *s, struct arena *a, const char *sql, int64_t now,
            int limit, struct river_source **out, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = rd_prep(&q, s, sql, e);
	if (st == NULL)
		return -1;
	if (limit > 0) {
		db_bind_int64(st, 1, now);
		db_bind_int64(st, 2, limit);
	}
	while ((rc = rd_step(&q, "listing feeds", e)) == 1) {
		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		source_row(a, st, &(*out)[(*n)++]);
	}
	rd_close(&q);
	return rc;
}

int
store_river_source_list(struct store *s, struct arena *a,
                        struct river_source **out, size_t *n, struct error *e)
{
	return source_rows(s, a, SQL_SOURCE_LIST, 0, 0, out, n, e);
}

int
store_river_source_due(struct store *s, struct arena *a, int64_t now, int limit,
                       struct river_source **out, size_t *n, struct error *e)
{
	*out = NULL;
	*n = 0;
	if (limit <= 0)
		return 0;
	return source_rows(s, a, SQL_SOURCE_DUE, now, limit, out, n, e);
}

int
store_river_source_delete(struct store *s, int64_t id, struct error *e)
{
	int64_t changes = 0;

	if (write_count(s, SQL_SOURCE_DELETE, "removing a feed", &changes, e,
	                "l", id) == -1)
		return -1;
	if (changes == 0)
		return error_set(e, ERR_NOT_FOUND, "no feed %lld",
		                 (long long)id);
	return 0;
}

int
store_river_source_fetched(struct store *s, const struct river_source *in,
                           int64_t from, struct error *e)
{
	/* No page shows any of it: cached pages stay. */
	return write_private(s, SQL_SOURCE_FETCHED, "recording a fetch", e,
	                     "lsisslisiislssil", in->id, in->url, in->enabled,
	                     in->etag ? in->etag : "",
	                     in->last_modified ? in->last_modified : "",
	                     in->last_fetch_at, in->last_status,
	                     in->last_error ? in->last_error : "", in->errors,
	                     in->redirects,
	                     in->redirect_to ? in->redirect_to : "",
	                     in->next_fetch_at, in->name ? in->name : "",
	                     in->site_url ? in->site_url : "", in->discover,
	                     from);
}

int
store_river_source_edit(struct store *s, const struct river_source *in,
                        int64_t now, struct error *e)
{
	int64_t changes = 0;

	/* the name and section show on pages: cached pages go */
	if (store_begin(s, e) == -1)
		return -1;
	if (write_count(s, SQL_SOURCE_EDIT, "changing a feed", &changes, e,
	                "lslnil", in->id, in->name, in->interval,
	                in->section_id, in->enabled, now) == -1 ||
	    (changes > 0 &&
	     write_one(s, SQL_SOURCE_ENTRIES_MOVE, "moving a feed's entries",
	               NULL, e, "ll", in->id, in->section_id) == -1)) {
		store_rollback(s);
		return -1;
	}
	if (changes == 0) {
		store_rollback(s);
		return error_set(e, ERR_NOT_FOUND, "no feed %lld",
		                 (long long)in->id);
	}
	return store_commit(s, e);
}

int
store_river_source_due_at(struct store *s, int64_t id, int64_t at,
                          struct error *e)
{
	/* no page shows it */
	return write_private(s, SQL_SOURCE_DUE_AT, "planning a fetch", e, "ll",
	                     id, at);
}

int
store_river_source_named(struct store *s, int64_t id, const char *name,
                         const char *site_url, struct error *e)
{
	/* shown beside the source's headlines: cached pages go */
	return write_one(s, SQL_SOURCE_NAMED, "naming a feed", NULL, e, "lss",
	                 id, name, site_url);
}

/* ---- entries ---------------------------------------------------------- */

static int
entry_add(struct store *s, int64_t source_id, const struct river_entry *en,
          int64_t now, int *added, struct error *e)
{
	struct db_stmt *st = conn_prep(&s->w, SQL_ENTRY_ADD, e);
	int64_t at = en->published_at;
	int rc;

	if (st == NULL)
		return -1;
	if (at <= 0 || at > now)
		at = now;
	db_bind_int64(st, 1, source_id);
	bind_text(st, 2, en->key);
	bind_text(st, 3, en->cross_key != NULL ? en->cross_key : "");
	bind_text(st, 4, en->link != NULL ? en->link : "");
	bind_text(st, 5, en->title != NULL ? en->title : "");
	bind_text(st, 6, en->text != NULL ? en->text : "");
	bind_text(st, 7, en->author != NULL ? en->author : "");
	db_bind_int64(st, 8, at);
	db_bind_int64(st, 9, now);
	db_bind_int64(st, 10, (int64_t)en->hidden);
	while ((rc = db_step(st, "storing an entry", e)) == 1)
		if (db_column_int64(st, 0) == RIVER_SHOWN)
			(*added)++;
	stmt_done(st);
	return rc;
}

int
store_river_entries_add(struct store *s, int64_t source_id,
                        const struct river_entry *in, size_t n, int64_t now,
                        int *added, struct error *e)
{
	*added = 0;
	if (n == 0)
		return 0;
	if (store_begin(s, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (entry_add(s, source_id, &in[i], now, added, e) == -1) {
			store_rollback(s);
			*added = 0;
			return -1;
		}
	return store_commit(s, e);
}

int
store_river_page(struct store *s, struct arena *a, const struct river_query *q,
                 struct river_entry **out, size_t *n, struct error *e)
{
	const char *sql = q->section_id > 0  ? ENGINE_SQL(s, SQL_PAGE_SECTION)
	                  : q->source_id > 0 ? ENGINE_SQL(s, SQL_PAGE_SOURCE)
	                                     : ENGINE_SQL(s, SQL_PAGE_ALL);
	struct rd r;
	struct db_stmt *st;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (q->limit <= 0)
		return 0;
	st = rd_prep(&r, s, sql, e);
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, q->section_id > 0 ? q->section_id : q->source_id);
	db_bind_int64(st, 2, q->before_at > 0 ? q->before_at : INT64_MAX);
	db_bind_int64(st, 3, q->before_at > 0 ? q->before_id : INT64_MAX);
	db_bind_int64(st, 4, q->limit);
	*out = arena_zalloc(a, (size_t)q->limit * sizeof(**out));
	while (*n < (size_t)q->limit &&
	       (rc = rd_step(&r, "reading the river", e)) == 1)
		entry_row(a, st, &(*out)[(*n)++]);
	rd_close(&r);
	return rc == -1 ? -1 : 0;
}

int
store_river_titles(struct store *s, struct arena *a, int64_t source_id,
                   struct river_title **out, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = rd_prep(&q, s, SQL_TITLES, e);
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, source_id);
	while ((rc = rd_step(&q, "reading titles", e)) == 1) {
		struct river_title *t;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		t = &(*out)[(*n)++];
		t->id = db_column_int64(st, 0);
		t->title = col_text(a, st, 1);
		t->hidden = (enum river_hidden)db_column_int64(st, 2);
	}
	rd_close(&q);
	return rc;
}

int
store_river_refilter(struct store *s, const int64_t *ids,
                     const enum river_hidden *hidden, size_t n, struct error *e)
{
	if (n == 0)
		return 0;
	if (store_begin(s, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (write_one(s, SQL_REFILTER, "filtering the river", NULL, e,
		              "li", ids[i], (int)hidden[i]) == -1) {
			store_rollback(s);
			return -1;
		}
	return store_commit(s, e);
}

int
store_river_prune(struct store *s, int64_t before, int64_t now, int64_t *n,
                  struct error *e)
{
	*n = 0;
	if (store_begin(s, e) == -1)
		return -1;
	if (write_one(s, SQL_PRUNE_TOMBSTONES, "keeping pruned keys", NULL, e,
	              "ll", before, now) == -1 ||
	    write_count(s, SQL_PRUNE, "pruning the river", n, e, "l", before) ==
	            -1) {
		store_rollback(s);
		*n = 0;
		return -1;
	}
	return store_commit(s, e);
}

/* ---- filters ---------------------------------------------------------- */

int
store_river_filter_add(struct store *s, int64_t source_id, const char *rule,
                       int64_t now, int64_t *id, struct error *e)
{
	return write_one(s, SQL_FILTER_ADD, "adding a filter", id, e, "nsl",
	                 source_id, rule, now);
}

int
store_river_filter_delete(struct store *s, int64_t id, struct error *e)
{
	int64_t changes = 0;

	if (write_count(s, SQL_FILTER_DELETE, "removing a filter", &changes, e,
	                "l", id) == -1)
		return -1;
	if (changes == 0)
		return error_set(e, ERR_NOT_FOUND, "no filter %lld",
		                 (long long)id);
	return 0;
}

int
store_river_filter_list(struct store *s, struct arena *a,
                        struct river_filter **out, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = rd_prep(&q, s, SQL_FILTER_LIST, e);
	if (st == NULL)
		return -1;
	while ((rc = rd_step(&q, "listing filters", e)) == 1) {
		struct river_filter *f;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		f = &(*out)[(*n)++];
		f->id = db_column_int64(st, 0);
		f->source_id = db_column_int64(st, 1);
		f->rule = col_text(a, st, 2);
	}
	rd_close(&q);
	return rc;
}

int
store_river_filter_rules(struct store *s, struct arena *a, int64_t source_id,
                         const char **rules, struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	const char *all = "";
	int rc;

	*rules = "";
	st = rd_prep(&q, s, SQL_FILTER_RULES, e);
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, source_id);
	while ((rc = rd_step(&q, "reading filters", e)) == 1)
		all = arena_printf(a, "%s%s\n", all, col_text(a, st, 0));
	rd_close(&q);
	*rules = all;
	return rc;
}
