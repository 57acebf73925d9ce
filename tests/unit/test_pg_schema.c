/*
 * The PostgreSQL schema (src/store/sql/pg, decision 094) against SQLite's:
 * every PostgreSQL migration applied in order through the driver to the
 * throw-away cluster meson names in $GAZETTE_PG_URL (tests/pg/cluster
 * run), then compared with a new site database made by the real store's
 * migrations — the same migrations, tables and views with the same
 * columns in the same order (types and NOT NULL mapped), the same indexes
 * and triggers by name — and the triggers run on both with the same plain
 * SQL until the lists' counts agree row for row.  Last, the search
 * document: accents folded, stems, weights, and its size bounded.
 *
 * This is what keeps the two schemas from drifting: a SQLite migration
 * without its twin, or a column, index or trigger one engine lacks, fails
 * here with its name.  Without PostgreSQL the test is skipped (exit 77),
 * or fails under CI=true.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/db_ops.h"
#include "store/internal.h"
#include "store/search.h"
#include "store/store.h"
#include "util/embed.h"
#include "util/error.h"
#include "util/limits.h"
#include "tmp_site.h"
#include "pg_fx.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* What PostgreSQL has beyond SQLite's schema, on purpose (decision 094):
 * posts_fts's key (FTS5's rowid is hidden), its language and document,
 * and the document's GIN index (FTS5 keeps its own). */
static const char *const pg_only_columns[] = {
	"posts_fts.rowid",
	"posts_fts.lang",
	"posts_fts.document",
};
static const char *const pg_only_indexes[] = {"posts_fts_document"};

static struct {
	struct db *pg;   /* NULL: no PostgreSQL here (skipped) */
	struct db *lite; /* the site database, through the driver */
	sqlite3 *lite_h; /* its handle (search_functions_add) */
	struct tmp_site site;
	int skipped;
} g;

/* ---- text built up (NUL-terminated at every step) ------------------ */

struct sb {
	char *data;
	size_t len, cap;
};

static struct sb *
sb_new(void)
{
	struct sb *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	b->cap = 256;
	b->data = calloc(1, b->cap);
	assert_non_null(b->data);
	return b;
}

static void
sb_free(struct sb *b)
{
	free(b->data);
	free(b);
}

static void
sb_reset(struct sb *b)
{
	b->len = 0;
	b->data[0] = '\0';
}

static void
sb_put(struct sb *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->data = realloc(b->data, b->cap);
		assert_non_null(b->data);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
sb_puts(struct sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void
sb_putc(struct sb *b, char c)
{
	sb_put(b, &c, 1);
}

/* ---- reading both engines the same way ------------------------------ */

static struct db_stmt *
prep(struct db *d, const char *sql)
{
	struct error e;
	struct db_stmt *st = db_prepare(d, sql, &e);

	if (st == NULL)
		fail_msg("prepare %s: %s", sql, e.msg);
	return st;
}

static void
exec(struct db *d, const char *sql)
{
	struct error e;

	if (db_exec(d, sql, NULL, &e) == -1)
		fail_msg("%s: %s",
		         db_engine(d) == DB_PG ? "postgresql" : "sqlite",
		         e.msg);
}

/*
 * Every row of sql (?1 bound to arg when not NULL) as text, a row a line,
 * columns joined by '|', NULL as "NULL"; into b (emptied first).
 */
static void
rows(struct db *d, const char *sql, const char *arg, struct sb *b)
{
	struct db_stmt *st = prep(d, sql);
	struct error e;
	int rc;

	sb_reset(b);
	if (arg != NULL)
		db_bind_text(st, 1, arg, -1);
	while ((rc = db_step(st, NULL, &e)) == 1) {
		for (int i = 0; i < db_column_count(st); i++) {
			if (i > 0)
				sb_putc(b, '|');
			if (db_column_is_null(st, i))
				sb_puts(b, "NULL");
			else
				sb_puts(b, db_column_text(st, i, NULL));
		}
		sb_putc(b, '\n');
	}
	if (rc == -1)
		fail_msg("%s: %s", sql, e.msg);
	db_finalize(st);
}

static int64_t
one_int(struct db *d, const char *sql, const char *arg)
{
	struct db_stmt *st = prep(d, sql);
	struct error e;
	int64_t v;

	if (arg != NULL)
		db_bind_text(st, 1, arg, -1);
	if (db_step(st, NULL, &e) != 1)
		fail_msg("%s: no row", sql);
	v = db_column_int64(st, 0);
	db_finalize(st);
	return v;
}

/* Whether name is one of list's n. */
static int
listed(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* The lines of a that are not lines of b, as "what: x, y" into out, or
 * "" when there are none. */
static void
missing_lines(const char *a, const char *b, const char *what, struct sb *out)
{
	const char *p = a;

	sb_reset(out);
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *q = b;
		int found = 0;

		while (*q != '\0' && !found) {
			const char *qn = strchr(q, '\n');
			size_t m = qn ? (size_t)(qn - q) : strlen(q);

			found = m == n && memcmp(p, q, n) == 0;
			q += m + (qn != NULL);
		}
		if (!found) {
			sb_puts(out, out->len ? ", " : what);
			if (out->len == strlen(what))
				sb_puts(out, ": ");
			sb_put(out, p, n);
		}
		p += n + (nl != NULL);
	}
}

/* ---- the two databases ---------------------------------------------- */

/*
 * Apply every PostgreSQL migration in order, each in a transaction with
 * its row in schema_migrations, as the SQLite store does (the table's
 * definition is the one store_pg.c is to use; the comparison holds it to
 * SQLite's).
 */
static void
pg_migrate(struct db *d)
{
	struct error e;

	exec(d, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	        "version bigint PRIMARY KEY, name text NOT NULL, "
	        "applied_at bigint NOT NULL)");
	for (const struct embed_file *f = embed_sql_pg; f->name != NULL; f++) {
		struct db_stmt *st;

		assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
		if (db_exec(d, f->data, f->name, &e) == -1)
			fail_msg("migration pg/%s: %s", f->name, e.msg);
		st = prep(d, "INSERT INTO schema_migrations(version, name, "
		             "applied_at) VALUES (?1, ?2, 0)");
		db_bind_int64(st, 1, strtoll(f->name, NULL, 10));
		db_bind_text(st, 2, f->name, -1);
		if (db_step(st, NULL, &e) != 0)
			fail_msg("migration pg/%s: %s", f->name, e.msg);
		db_finalize(st);
		assert_int_equal(db_commit(d, &e), 0);
	}
}

static int
group_setup(void **state)
{
	const char *url;
	struct error e;
	struct store *s;

	(void)state;
	memset(&g, 0, sizeof(g));
	if (pg_fx_url(&url) == -1)
		return -1;
	if (url == NULL)
		return 0;
	g.pg = db_open(url, &e);
	if (g.pg == NULL) {
		print_error("postgresql: %s\n", e.msg);
		return -1;
	}
	/* A new site by the store's own migrations, then opened again
	 * plainly, with the search index's tokenizer its triggers need. */
	s = tmp_site_open(&g.site, "pgschema");
	store_close(s);
	if (sqlite3_open(g.site.db, &g.lite_h) != SQLITE_OK ||
	    search_functions_add(g.lite_h, &e) == -1) {
		print_error("sqlite: %s\n", sqlite3_errmsg(g.lite_h));
		return -1;
	}
	g.lite = db_sqlite_wrap(g.lite_h);
	if (db_exec(g.lite, "PRAGMA foreign_keys = ON", NULL, &e) == -1)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	db_close(g.pg);
	if (g.lite != NULL) {
		db_close(g.lite);
		sqlite3_close(g.lite_h);
		tmp_site_remove(&g.site);
	}
	return 0;
}

static void
need_pg(void)
{
	if (g.pg == NULL)
		pg_fx_skip(&g.skipped);
}

/* ---- 1: the migrations ---------------------------------------------- */

/* Every SQLite migration has its twin of the same file name, and they all
 * apply, in order, to an empty PostgreSQL database. */
static void
migrations_apply(void **state)
{
	struct sb *lite = sb_new(), *pg = sb_new(), *miss = sb_new();

	(void)state;
	need_pg();
	for (const struct embed_file *f = embed_sql; f->name != NULL; f++) {
		sb_puts(lite, f->name);
		sb_putc(lite, '\n');
	}
	for (const struct embed_file *f = embed_sql_pg; f->name != NULL; f++) {
		sb_puts(pg, f->name);
		sb_putc(pg, '\n');
	}
	missing_lines(lite->data, pg->data, "src/store/sql/pg lacks", miss);
	if (miss->len)
		fail_msg("%s", miss->data);
	missing_lines(pg->data, lite->data, "src/store/sql lacks", miss);
	if (miss->len)
		fail_msg("%s", miss->data);

	pg_migrate(g.pg);
	/* Both record the same history. */
	rows(g.lite,
	     "SELECT version, name FROM schema_migrations "
	     "ORDER BY version",
	     NULL, lite);
	rows(g.pg,
	     "SELECT version, name FROM schema_migrations "
	     "ORDER BY version",
	     NULL, pg);
	assert_string_equal(pg->data, lite->data);
	sb_free(lite);
	sb_free(pg);
	sb_free(miss);
}

/* ---- 2: tables, columns, indexes, triggers -------------------------- */

/* SQLite's declared type as PostgreSQL's (information_schema's
 * data_type); NULL where SQLite declares none (views, FTS5). */
static const char *
pg_type(const char *lite)
{
	static const char *const map[][2] = {
		{"INTEGER", "bigint"},
		{"TEXT", "text"},
		{"BLOB", "bytea"},
		{"REAL", "double precision"},
	};

	for (size_t i = 0; i < NELEM(map); i++)
		if (strcmp(lite, map[i][0]) == 0)
			return map[i][1];
	if (*lite != '\0')
		fail_msg("no PostgreSQL type for SQLite's %s (decision 094)",
		         lite);
	return NULL;
}

/* SQLite's tables and views but FTS5's shadow tables of posts_fts. */
static const char SQL_LITE_TABLES[] =
	"SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
	"AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT IN "
	"('posts_fts_data', 'posts_fts_idx', 'posts_fts_content', "
	"'posts_fts_docsize', 'posts_fts_config') ORDER BY name";
static const char SQL_PG_TABLES[] =
	"SELECT table_name, CASE table_type WHEN 'VIEW' THEN 'view' "
	"ELSE 'table' END FROM information_schema.tables "
	"WHERE table_schema = current_schema() ORDER BY table_name";

/*
 * Every table and view of either is the other's, of the same kind, with
 * the same columns in the same order; each column of a table of the same
 * type (mapped) and nullability.
 */
static void
tables_match(void **state)
{
	struct sb *lite = sb_new(), *pg = sb_new(), *miss = sb_new();
	struct db_stmt *st;
	struct error e;
	int n = 0;

	(void)state;
	need_pg();
	rows(g.lite, SQL_LITE_TABLES, NULL, lite);
	rows(g.pg, SQL_PG_TABLES, NULL, pg);
	missing_lines(lite->data, pg->data,
	              "PostgreSQL lacks (table or view|kind)", miss);
	if (miss->len)
		fail_msg("%s", miss->data);
	missing_lines(pg->data, lite->data, "SQLite lacks (table or view|kind)",
	              miss);
	if (miss->len)
		fail_msg("%s", miss->data);

	st = prep(g.lite, SQL_LITE_TABLES);
	while (db_step(st, NULL, &e) == 1) {
		const char *table = db_column_text(st, 0, NULL);
		int view = strcmp(db_column_text(st, 1, NULL), "view") == 0;
		int virtual = strcmp(table, "posts_fts") == 0;
		struct db_stmt *lc =
			prep(g.lite,
		             "SELECT name, upper(type), \"notnull\" OR pk > 0 "
		             "FROM pragma_table_info(?1) ORDER BY cid");
		struct db_stmt *pc = prep(
			g.pg,
			"SELECT column_name, data_type, is_nullable = 'NO' "
			"FROM information_schema.columns "
			"WHERE table_schema = current_schema() "
			"AND table_name = ?1 ORDER BY ordinal_position");
		int lr, pr;

		db_bind_text(lc, 1, table, -1);
		db_bind_text(pc, 1, table, -1);
		lr = db_step(lc, NULL, &e);
		pr = db_step(pc, NULL, &e);
		for (;;) {
			char qual[256];

			/* PostgreSQL's own columns of posts_fts. */
			while (pr == 1) {
				snprintf(qual, sizeof(qual), "%s.%s", table,
				         db_column_text(pc, 0, NULL));
				if (!listed(pg_only_columns,
				            NELEM(pg_only_columns), qual))
					break;
				pr = db_step(pc, NULL, &e);
			}
			if (lr != 1 && pr != 1)
				break;
			if (lr != 1)
				fail_msg("%s: SQLite has no column %s", table,
				         db_column_text(pc, 0, NULL));
			if (pr != 1)
				fail_msg("%s: PostgreSQL has no column %s",
				         table, db_column_text(lc, 0, NULL));
			if (strcmp(db_column_text(lc, 0, NULL),
			           db_column_text(pc, 0, NULL)) != 0)
				fail_msg("%s: column %s on SQLite is %s on "
				         "PostgreSQL (names and order differ)",
				         table, db_column_text(lc, 0, NULL),
				         db_column_text(pc, 0, NULL));
			if (!view && !virtual) {
				const char *want =
					pg_type(db_column_text(lc, 1, NULL));

				if (want == NULL ||
				    strcmp(want, db_column_text(pc, 1, NULL)))
					fail_msg("%s.%s: %s on SQLite, %s on "
					         "PostgreSQL (not %s)",
					         table,
					         db_column_text(lc, 0, NULL),
					         db_column_text(lc, 1, NULL),
					         db_column_text(pc, 1, NULL),
					         want ? want : "declared");
				if (db_column_int64(lc, 2) !=
				    db_column_int64(pc, 2))
					fail_msg(
						"%s.%s: NOT NULL on one engine "
						"only",
						table,
						db_column_text(lc, 0, NULL));
			}
			n++;
			lr = db_step(lc, NULL, &e);
			pr = db_step(pc, NULL, &e);
		}
		db_finalize(lc);
		db_finalize(pc);
	}
	db_finalize(st);
	assert_true(n > 250);
	sb_free(lite);
	sb_free(pg);
	sb_free(miss);
}

/*
 * The indexes made by CREATE INDEX (not the ones behind a UNIQUE or
 * PRIMARY KEY constraint, named by each engine its own way): the same
 * names, on the same tables, unique and partial alike.
 */
static void
indexes_match(void **state)
{
	struct sb *lite = sb_new(), *pg = sb_new(), *miss = sb_new();
	char *p;

	(void)state;
	need_pg();
	rows(g.lite,
	     "SELECT il.name, m.name, il.\"unique\", il.partial "
	     "FROM sqlite_master m, pragma_index_list(m.name) il "
	     "WHERE m.type = 'table' AND il.origin = 'c' ORDER BY il.name",
	     NULL, lite);
	rows(g.pg,
	     "SELECT i.relname, t.relname, x.indisunique::int, "
	     "(x.indpred IS NOT NULL)::int FROM pg_index x "
	     "JOIN pg_class i ON i.oid = x.indexrelid "
	     "JOIN pg_class t ON t.oid = x.indrelid "
	     "WHERE t.relnamespace = current_schema()::regnamespace "
	     "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
	     "WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
	     NULL, pg);
	/* The indexes PostgreSQL alone has, on purpose, out of its list. */
	for (size_t i = 0; i < NELEM(pg_only_indexes); i++) {
		size_t n = strlen(pg_only_indexes[i]);

		for (p = pg->data; (p = strstr(p, pg_only_indexes[i])) != NULL;
		     p++)
			if ((p == pg->data || p[-1] == '\n') && p[n] == '|') {
				char *nl = strchr(p, '\n');

				memmove(p, nl + 1, strlen(nl + 1) + 1);
				break;
			}
		if (p == NULL)
			fail_msg("PostgreSQL lacks its index %s",
			         pg_only_indexes[i]);
	}
	missing_lines(lite->data, pg->data,
	              "PostgreSQL lacks (index|table|unique|partial)", miss);
	if (miss->len)
		fail_msg("%s", miss->data);
	missing_lines(pg->data, lite->data,
	              "SQLite lacks (index|table|unique|partial)", miss);
	if (miss->len)
		fail_msg("%s", miss->data);
	assert_true(strstr(lite->data, "comments_email_nocase|comments|0|0") !=
	            NULL);
	sb_free(lite);
	sb_free(pg);
	sb_free(miss);
}

/* The same triggers by name, each on the same table or view. */
static void
triggers_match(void **state)
{
	struct sb *lite = sb_new(), *pg = sb_new(), *miss = sb_new();

	(void)state;
	need_pg();
	rows(g.lite,
	     "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
	     "ORDER BY name",
	     NULL, lite);
	rows(g.pg,
	     "SELECT t.tgname, c.relname FROM pg_trigger t "
	     "JOIN pg_class c ON c.oid = t.tgrelid "
	     "WHERE NOT t.tgisinternal "
	     "AND c.relnamespace = current_schema()::regnamespace "
	     "ORDER BY t.tgname",
	     NULL, pg);
	missing_lines(lite->data, pg->data, "PostgreSQL lacks (trigger|table)",
	              miss);
	if (miss->len)
		fail_msg("%s", miss->data);
	missing_lines(pg->data, lite->data, "SQLite lacks (trigger|table)",
	              miss);
	if (miss->len)
		fail_msg("%s", miss->data);
	assert_true(strstr(lite->data,
	                   "post_count_delta_apply|post_count_delta\n") !=
	            NULL);
	sb_free(lite);
	sb_free(pg);
	sb_free(miss);
}

/* ---- 3: the triggers at work ---------------------------------------- */

/* UTC: 2023-11-14 22:13:20, the last second of January 2024, the first of
 * February, and a date before 1970 (the day and month of a negative t). */
#define T_NOV     "1700000000"
#define T_JAN_END "1706745599"
#define T_FEB     "1706745600"
#define T_1969    "-86401"

/*
 * A site's life in plain SQL, the same text on both engines: posts
 * published, drafted, protected, moved between sections, types and
 * months, tagged and untagged, commented (activity_at), a tag and posts
 * deleted (post_tags by the foreign keys' cascade).
 */
static const char *const life[] = {
	"INSERT INTO sections(id, slug, name) VALUES (1, 'news', 'News'), "
	"(2, 'talk', 'Talk')",
	"INSERT INTO users(id, login, name, role, created_at) VALUES "
	"(1, 'ann', 'Ann', 'admin', 0), (2, 'bob', '', 'author', 0)",
	"INSERT INTO tags(id, slug, name) VALUES (1, 'a', 'Alpha'), "
	"(2, 'b', 'Beta'), (3, 'c', 'Gamma')",
	"INSERT INTO posts(id, type, status, section_id, slug, title, "
	"author_id, published_at, updated_at, activity_at) VALUES "
	"(1, 'post', 'published', 1, 'p1', 'One', 1, " T_NOV ", 0, " T_NOV "),"
	"(2, 'post', 'published', 1, 'p2', 'Two', 2, " T_JAN_END
	", 0, " T_JAN_END "),"
	"(3, 'post', 'draft', 2, 'p3', 'Three', 1, " T_FEB ", 0, " T_FEB "),"
	"(4, 'page', 'published', NULL, 'p4', 'Four', NULL, " T_FEB
	", 0, " T_FEB "),"
	"(5, 'post', 'published', 2, 'p5', 'Five', 2, " T_1969 ", 0, " T_1969
	"),"
	"(6, 'book', 'published', 2, 'p6', 'Six', 1, " T_NOV ", 0, " T_NOV ")",
	"INSERT INTO post_tags(post_id, tag_id) VALUES (1, 1), (1, 2), "
	"(2, 1), (3, 1), (4, 3), (5, 2), (6, 3)",
	/* A draft published, in another month; a post moved to a section. */
	"UPDATE posts SET status = 'published', published_at = " T_JAN_END
	" WHERE id = 3",
	"UPDATE posts SET section_id = 2 WHERE id = 1",
	/* Comments bring activity to a discussion's post, the next day. */
	"INSERT INTO comments(id, post_id, author_name, body_src, body_html, "
	"status, created_at) VALUES (1, 1, 'x', 'hi', 'hi', 'approved', " T_FEB
	"), (2, 1, 'y', 'yo', 'yo', 'pending', " T_FEB ")",
	"UPDATE posts SET activity_at = " T_FEB " WHERE id = 1",
	/* Protected, unprotected; a page becomes a post; a post retyped. */
	"UPDATE posts SET password = 'pw' WHERE id = 2",
	"UPDATE posts SET password = 'pw2' WHERE id = 2",
	"UPDATE posts SET type = 'post' WHERE id = 4",
	"UPDATE posts SET password = '' WHERE id = 2",
	"DELETE FROM post_tags WHERE post_id = 1 AND tag_id = 2",
	"UPDATE post_tags SET tag_id = 2 WHERE post_id = 2 AND tag_id = 1",
	"DELETE FROM tags WHERE id = 3",
	"UPDATE posts SET status = 'trash' WHERE id = 5",
	"DELETE FROM posts WHERE id = 6",
	"UPDATE users SET name = 'Bobby' WHERE id = 2",
	"UPDATE tags SET name = 'Alef' WHERE id = 1",
	"UPDATE posts SET title = 'Uno', body_src = 'the first' WHERE id = 1",
};

static const char SQL_COUNTS[] =
	"SELECT listing, type, key, span, start, n FROM post_counts "
	"ORDER BY listing, type, key, span, start";

/* The counts against the recount of the posts (counts_check.h's test,
 * on either engine): "" when they agree. */
static const char SQL_RECOUNT_DIFF[] =
	"SELECT 'missing', listing, type, key, span, start, n FROM "
	"(SELECT * FROM post_counts_recount EXCEPT "
	"SELECT * FROM post_counts) AS a "
	"UNION ALL SELECT 'extra', listing, type, key, span, start, n FROM "
	"(SELECT * FROM post_counts EXCEPT "
	"SELECT * FROM post_counts_recount) AS b";

static void
triggers_agree(void **state)
{
	struct sb *lite = sb_new(), *pg = sb_new();

	(void)state;
	need_pg();
	for (size_t i = 0; i < NELEM(life); i++) {
		exec(g.lite, life[i]);
		exec(g.pg, life[i]);
		rows(g.lite, SQL_COUNTS, NULL, lite);
		rows(g.pg, SQL_COUNTS, NULL, pg);
		if (strcmp(lite->data, pg->data) != 0)
			fail_msg("post_counts differ after\n  %s\n"
			         "sqlite:\n%spostgresql:\n%s",
			         life[i], lite->data, pg->data);
	}
	/* Something was counted, every kind of list, in several months. */
	assert_true(strstr(lite->data, "all|post|0|month|1704067200|2\n"));
	assert_true(strstr(lite->data, "tag|post|2|month|1704067200|1\n"));
	assert_true(strstr(lite->data, "activity|post|2|day|1706745600|2\n"));
	assert_true(strstr(lite->data, "all|post|0|month|-2678400|") == NULL);
	rows(g.pg, SQL_RECOUNT_DIFF, NULL, pg);
	assert_string_equal(pg->data, "");
	rows(g.lite, SQL_RECOUNT_DIFF, NULL, lite);
	assert_string_equal(lite->data, "");
	/* The tag lists' order, and what the search index holds. */
	rows(g.lite,
	     "SELECT post_id, tag_id, listed_at FROM post_tags "
	     "ORDER BY 1, 2",
	     NULL, lite);
	rows(g.pg,
	     "SELECT post_id, tag_id, listed_at FROM post_tags "
	     "ORDER BY 1, 2",
	     NULL, pg);
	assert_string_equal(pg->data, lite->data);
	rows(g.lite,
	     "SELECT rowid, title, body, excerpt, tags, author "
	     "FROM posts_fts ORDER BY rowid",
	     NULL, lite);
	rows(g.pg,
	     "SELECT rowid, title, body, excerpt, tags, author "
	     "FROM posts_fts ORDER BY rowid",
	     NULL, pg);
	assert_string_equal(pg->data, lite->data);
	assert_true(strstr(pg->data, "1|Uno|the first||Alef|Ann\n"));
	sb_free(lite);
	sb_free(pg);
}

/* ---- 4: the search document ----------------------------------------- */

/* Whether the document of post id matches query q of configuration cfg
 * (the query's words unaccented as the document's are). */
static int
found(const char *cfg, const char *q, int64_t id)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM posts_fts WHERE rowid = %lld AND "
	         "document @@ to_tsquery('%s', gazette_unaccent(?1))",
	         (long long)id, cfg);
	return (int)one_int(g.pg, sql, q);
}

static void
search_document(void **state)
{
	struct sb *b = sb_new();

	(void)state;
	need_pg();
	exec(g.pg, "INSERT INTO posts(id, slug, title, body_src, published_at, "
	           "updated_at) VALUES "
	           "(101, 's1', 'Café résumé', 'nothing here', 0, 0), "
	           "(102, 's2', 'Other', 'a cafe in the body', 0, 0), "
	           "(103, 's3', 'Ёлка', 'Санкциями и выборами', 0, 0), "
	           "(104, 's4', 'Elections', 'sanctions', 0, 0)");
	/* Accents folded on both sides, whatever the language. */
	assert_int_equal(found("simple", "cafe", 101), 1);
	assert_int_equal(found("simple", "café", 101), 1);
	assert_int_equal(found("simple", "resume", 101), 1);
	assert_int_equal(found("simple", "cafe", 102), 1);
	/* The title outweighs the body. */
	rows(g.pg,
	     "SELECT rowid FROM posts_fts WHERE document @@ "
	     "to_tsquery('simple', 'cafe') "
	     "ORDER BY ts_rank(document, to_tsquery('simple', 'cafe')) DESC",
	     NULL, b);
	assert_string_equal(b->data, "101\n102\n");
	assert_true(
		one_int(g.pg,
	                "SELECT (SELECT ts_rank(document, q) FROM posts_fts "
	                "WHERE rowid = 101) > (SELECT ts_rank(document, q) "
	                "FROM posts_fts WHERE rowid = 102) "
	                "FROM to_tsquery('simple', 'cafe') AS q",
	                NULL));

	/* A language without a stemmer: the words as written only. */
	exec(g.pg,
	     "INSERT INTO settings(key, value) VALUES ('language', 'zh')");
	exec(g.pg, "UPDATE posts_fts SET lang = gazette_search_language()");
	assert_int_equal(found("english", "election", 104), 0);
	assert_int_equal(found("simple", "elections", 104), 1);
	/* English, as the store sets it when the setting changes: stems. */
	exec(g.pg,
	     "UPDATE settings SET value = 'en-GB' WHERE key = 'language'");
	exec(g.pg, "UPDATE posts_fts SET lang = gazette_search_language()");
	assert_int_equal(found("english", "election", 104), 1);
	assert_int_equal(found("english", "sanction", 104), 1);
	/* The words as written stay, for the reader's last word. */
	assert_int_equal(found("simple", "electi:*", 104), 1);
	exec(g.pg, "UPDATE posts_fts SET lang = 'ru' WHERE rowid = 103");
	assert_int_equal(found("russian", "санкции", 103), 1);
	assert_int_equal(found("russian", "выборы", 103), 1);
	assert_int_equal(found("simple", "елка", 103), 1);
	assert_int_equal(found("simple", "ёлка", 103), 1);
	/* A new post takes the setting's language. */
	exec(g.pg, "INSERT INTO posts(id, slug, title, published_at, "
	           "updated_at) VALUES (105, 's5', 'Elections', 0, 0)");
	assert_int_equal(found("english", "election", 105), 1);
	rows(g.pg, "SELECT lang FROM posts_fts WHERE rowid = 105", NULL, b);
	assert_string_equal(b->data, "en\n");
	sb_free(b);
}

/* The language a new row of the index takes, gazette_search_language()
 * of the setting, is search_language_of()'s, for every kind of tag. */
static void
search_language_agrees(void **state)
{
	static const char *const tags[] = {
		NULL,         "",    "en",         "EN",       "pt-BR", "ru_RU",
		"zh-Hant-TW", "x",   "toolongtag", "abcdefgh", "de-",   "de.",
		"123",        "fr ", "sr-Latn",    "é",
	};
	struct db_stmt *set, *get;
	struct error e;

	(void)state;
	need_pg();
	set = prep(g.pg, "INSERT INTO settings(key, value) "
	                 "VALUES ('language', ?1) ON CONFLICT "
	                 "(key) DO UPDATE SET value = "
	                 "excluded.value");
	get = prep(g.pg, "SELECT gazette_search_language()");
	for (size_t i = 0; i < NELEM(tags); i++) {
		char want[SEARCH_LANG_BYTES + 1];

		if (tags[i] == NULL)
			exec(g.pg,
			     "DELETE FROM settings WHERE key = 'language'");
		else {
			db_reset(set);
			db_bind_text(set, 1, tags[i], -1);
			if (db_step(set, NULL, &e) != 0)
				fail_msg("%s", e.msg);
		}
		search_language_of(tags[i], want);
		db_reset(get);
		if (db_step(get, NULL, &e) != 1)
			fail_msg("%s", e.msg);
		if (strcmp(db_column_text(get, 0, NULL), want) != 0)
			fail_msg("language '%s': %s in C, %s in SQL",
			         tags[i] ? tags[i] : "(none)", want,
			         db_column_text(get, 0, NULL));
	}
	db_finalize(set);
	db_finalize(get);
	exec(g.pg, "DELETE FROM settings WHERE key = 'language'");
}

/* What 005-search.sql indexes of a body, in characters. */
#define SEARCH_PG_BODY_CHARS 65536

/* Word number v of five Cyrillic letters (two bytes each in UTF-8, and
 * 16^5 words before one comes again) and a space: its 6 characters. */
static size_t
cyrillic_word(struct sb *b, unsigned v)
{
	for (int i = 0; i < 5; i++, v /= 16) {
		char c[2] = {(char)0xd0, (char)(0xb0 + v % 16)};

		sb_put(b, c, 2);
	}
	sb_putc(b, ' ');
	return 6;
}

/*
 * SEARCH_PG_BODY_CHARS (65,536) of the body are indexed: a post of
 * LIM_POST_SRC_BYTES of words that are all different (the largest
 * document text can make), its title and excerpt far past
 * SEARCH_PG_FIELD_CHARS, is written; the last word inside the limit is
 * found and the first past it is not.
 */
static void
search_document_bounded(void **state)
{
	struct sb *body = sb_new();
	struct db_stmt *st;
	struct error e;
	unsigned n = 0;
	size_t chars, title_at;

	(void)state;
	need_pg();
	sb_puts(body, "firstword ");
	chars = 10;
	/* Up to the last word that ends inside the limit... */
	while (chars + 6 <= SEARCH_PG_BODY_CHARS - 11)
		chars += cyrillic_word(body, n++);
	sb_puts(body, "lastinside ");
	chars += 11;
	/* ...and the first word past it. */
	while (chars <= SEARCH_PG_BODY_CHARS)
		chars += cyrillic_word(body, n++);
	sb_puts(body, "pastthelimit ");
	title_at = body->len;
	while (body->len < LIM_POST_SRC_BYTES - 16)
		cyrillic_word(body, n++);
	st = prep(g.pg, "INSERT INTO posts(id, slug, title, body_src, "
	                "excerpt, published_at, updated_at) "
	                "VALUES (200, 'big', ?1, ?2, ?2, 0, 0)");
	/* A title of 1,500 of those words: 9,000 characters. */
	db_bind_text(st, 1, body->data + title_at, 1500 * 11);
	db_bind_text(st, 2, body->data, (int)body->len);
	if (db_step(st, "a post of 4 MB", &e) != 0)
		fail_msg("%s", e.msg);
	db_finalize(st);
	assert_int_equal(found("simple", "firstword", 200), 1);
	assert_int_equal(found("simple", "lastinside", 200), 1);
	assert_int_equal(found("simple", "pastthelimit", 200), 0);
	assert_true(one_int(g.pg,
	                    "SELECT pg_column_size(document) FROM posts_fts "
	                    "WHERE rowid = 200",
	                    NULL) < 1024 * 1024);
	sb_free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrations_apply),
		cmocka_unit_test(tables_match),
		cmocka_unit_test(indexes_match),
		cmocka_unit_test(triggers_match),
		cmocka_unit_test(triggers_agree),
		cmocka_unit_test(search_language_agrees),
		cmocka_unit_test(search_document),
		cmocka_unit_test(search_document_bounded),
	};
	int failed = cmocka_run_group_tests_name("pg schema", tests,
	                                         group_setup, group_teardown);

	return failed != 0 ? 1 : g.skipped ? 77 : 0;
}
