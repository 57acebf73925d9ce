/*
 * Issue 12, "every article fast at 100,000 posts": no statement on a
 * reader's path may take time that grows with the number of posts and
 * comments.  Every statement of store_reader_stmts is run through EXPLAIN
 * QUERY PLAN on a seeded site, and these are refused over a growing table
 * (posts, comments, post_tags, post_views):
 *
 *  - "SCAN t" without an index: a full scan;
 *  - "SCAN t USING ... INDEX" in a statement without a LIMIT: a walk of a
 *    whole index (with a LIMIT it is an ordered walk that stops early: how
 *    a list reads its first rows);
 *  - "USE TEMP B-TREE" in a statement that reads one: a sort of whatever
 *    matched, however much that is;
 *  - an aggregate (count, sum, max, min, group_concat, GROUP BY) over one:
 *    the plan cannot say how many rows it reads.
 *
 * An entry whose bounded field gives the reason (a day's posts, one
 * post's comments, one seek by the min/max optimization) is let through,
 * and printed.  No ANALYZE: sites never run it, so the plans here are the
 * plans they get.
 *
 * Run as test_plans_pg (GAZETTE_TEST_DB=pg), the same statements, as
 * PostgreSQL runs them (store_stmt's pg), are checked by PostgreSQL's
 * plans (store_explain_pg: its generic plan, with sequential scans and
 * sorts priced out, so one that stays has no index to replace it):
 * a "Seq Scan" of a growing table, an index walked with no Index Cond in
 * a statement without a LIMIT, a Sort above one, and the aggregates as
 * above.  The walks below are run there with EXPLAIN ANALYZE and the rows
 * the scans of growing tables read are counted instead of SQLite's steps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include <ctype.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/posts.h"
#include "store/site.h"
#include "store/sqlite.h"
#include "store/views.h"
#include "util/arena.h"
#include "util/error.h"
#include "tmp_site.h"
#include "util/banned.h"

/* 2022-04-27T00:00:00Z and one day. */
#define T0  INT64_C(1651017600)
#define DAY INT64_C(86400)

#define SEED_POSTS    600
#define SEED_SECTIONS 4
#define SEED_TAGS     6

static const char *const watched[] = {"posts", "comments", "post_tags",
                                      "river_entries", "post_views"};
#define NWATCHED (sizeof(watched) / sizeof(watched[0]))

struct names {
	char v[16][32];
	size_t n;
};

static void
names_add(struct names *nm, const char *p, size_t len)
{
	if (nm->n < 16 && len < sizeof(nm->v[0])) {
		memcpy(nm->v[nm->n], p, len);
		nm->v[nm->n][len] = '\0';
		nm->n++;
	}
}

static int
is_keyword(const char *p, size_t len)
{
	static const char *const kw[] = {"WHERE", "ON",    "JOIN",  "LEFT",
	                                 "ORDER", "GROUP", "LIMIT", "INDEXED",
	                                 "USING", "AS",    "NOT",   "CROSS",
	                                 "INNER", "UNION"};

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strlen(kw[i]) == len && strncmp(p, kw[i], len) == 0)
			return 1;
	return 0;
}

/*
 * The names sql gives the watched tables: each table read ("FROM t",
 * "JOIN t") and its alias, which is the name a plan's lines use.
 */
static void
watched_names(const char *sql, struct names *nm)
{
	nm->n = 0;
	for (size_t w = 0; w < NWATCHED; w++) {
		size_t tl = strlen(watched[w]);

		for (const char *p = strstr(sql, watched[w]); p != NULL;
		     p = strstr(p + 1, watched[w])) {
			const char *q = p + tl, *r;

			if (p < sql + 5 || (strncmp(p - 5, "FROM ", 5) != 0 &&
			                    strncmp(p - 5, "JOIN ", 5) != 0))
				continue;
			if (*q != ' ' && *q != '\0' && *q != ')')
				continue; /* posts_fts, post_tags_x */
			names_add(nm, p, tl);
			while (*q == ' ')
				q++;
			for (r = q; isalnum((unsigned char)*r) || *r == '_';
			     r++)
				;
			if (r > q && !is_keyword(q, (size_t)(r - q)))
				names_add(nm, q, (size_t)(r - q));
		}
	}
}

static int
named(const struct names *nm, const char *p, size_t len)
{
	for (size_t i = 0; i < nm->n; i++)
		if (strlen(nm->v[i]) == len && strncmp(nm->v[i], p, len) == 0)
			return 1;
	return 0;
}

static int
aggregates(const char *sql)
{
	static const char *const agg[] = {"count(",        "sum(",
	                                  "max(",          "min(",
	                                  "group_concat(", "GROUP BY"};

	for (size_t i = 0; i < sizeof(agg) / sizeof(agg[0]); i++)
		if (strstr(sql, agg[i]) != NULL)
			return 1;
	return 0;
}

/* Why the plan of sql (SQLite's lines) is refused, or NULL. */
static const char *
refusal(const char *sql, const char *const *lines, size_t n)
{
	struct names nm;

	watched_names(sql, &nm);
	if (nm.n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *l = lines[i], *name, *end;

		if (strstr(l, "USE TEMP B-TREE") != NULL)
			return "a temporary b-tree in a statement over a "
			       "growing table";
		if (strncmp(l, "SCAN ", 5) != 0)
			continue;
		name = l + 5;
		for (end = name; *end != '\0' && *end != ' '; end++)
			;
		if (!named(&nm, name, (size_t)(end - name)))
			continue;
		if (strstr(l, " USING ") == NULL)
			return "a full scan";
		if (strstr(sql, "LIMIT") == NULL)
			return "a whole index walked (no LIMIT)";
	}
	if (aggregates(sql))
		return "an aggregate over a growing table";
	return NULL;
}

/* ---- PostgreSQL's plans ----------------------------------------------- */

static int
watched_table(const char *rel)
{
	for (size_t w = 0; rel != NULL && w < NWATCHED; w++)
		if (strcmp(rel, watched[w]) == 0)
			return 1;
	return 0;
}

static const char *
node_str(json_t *node, const char *key)
{
	return json_string_value(json_object_get(node, key));
}

/* Whether the plan below node (node too) reads a growing table. */
static int
reads_watched(json_t *node)
{
	size_t i;
	json_t *child;

	if (watched_table(node_str(node, "Relation Name")))
		return 1;
	json_array_foreach(json_object_get(node, "Plans"), i,
	                   child) if (reads_watched(child)) return 1;
	return 0;
}

static const char *
pg_node_refusal(json_t *node, int limit)
{
	const char *type = node_str(node, "Node Type"), *why;
	int w = watched_table(node_str(node, "Relation Name"));
	size_t i;
	json_t *child;

	if (type == NULL)
		return "a plan node without a type";
	if (w && strcmp(type, "Seq Scan") == 0)
		return "a full scan";
	if (w &&
	    (strcmp(type, "Index Scan") == 0 ||
	     strcmp(type, "Index Only Scan") == 0) &&
	    json_object_get(node, "Index Cond") == NULL && !limit)
		return "a whole index walked (no LIMIT)";
	/* Rows read in an index's order, only ties on its last column
	 * sorted (PostgreSQL's indexes do not end with the id, as SQLite's
	 * end with the rowid): an ordered walk, stopped by the LIMIT. */
	if (strcmp(type, "Incremental Sort") == 0 && limit)
		;
	else if (strstr(type, "Sort") != NULL && reads_watched(node))
		return strcmp(type, "Sort") == 0
		               ? "a sort over a growing table"
		               : "an incremental sort over a growing table "
		                 "(no LIMIT)";
	json_array_foreach(json_object_get(node, "Plans"), i,
	                   child) if ((why = pg_node_refusal(child, limit)) !=
	                              NULL) return why;
	return NULL;
}

/* The plan's root, from EXPLAIN (FORMAT JSON)'s [{"Plan": …}]; in *root
 * to be freed. */
static json_t *
pg_plan(const char *json, json_t **root)
{
	json_error_t err;

	*root = json_loads(json, 0, &err);
	if (*root == NULL)
		fail_msg("plan: %s: %s", err.text, json);
	return json_object_get(json_array_get(*root, 0), "Plan");
}

/* Why PostgreSQL's plan of sql (its JSON) is refused, or NULL. */
static const char *
pg_refusal(const char *sql, const char *json)
{
	struct names nm;
	json_t *root, *plan = pg_plan(json, &root);
	const char *why = NULL;

	watched_names(sql, &nm);
	if (nm.n > 0) {
		why = plan == NULL
		              ? "no plan"
		              : pg_node_refusal(plan,
		                                strstr(sql, "LIMIT") != NULL);
		if (why == NULL && aggregates(sql))
			why = "an aggregate over a growing table";
	}
	json_decref(root);
	return why;
}

/* The plan as indented lines: "Node on table by index [Index Cond: …]
 * {Filter: …} rows". */
static void
pg_outline(json_t *node, int depth)
{
	const char *rel = node_str(node, "Relation Name");
	const char *ix = node_str(node, "Index Name");
	const char *cond = node_str(node, "Index Cond");
	const char *filter = node_str(node, "Filter");
	json_t *rows = json_object_get(node, "Actual Rows");
	size_t i;
	json_t *child;

	print_error("  | %*s%s%s%s%s%s%s%s%s%s%s%s", 2 * depth, "",
	            node_str(node, "Node Type"), rel ? " on " : "",
	            rel ? rel : "", ix ? " by " : "", ix ? ix : "",
	            cond ? " [" : "", cond ? cond : "", cond ? "]" : "",
	            filter ? " {" : "", filter ? filter : "",
	            filter ? "}" : "");
	if (rows != NULL)
		print_error(" %.0f rows", json_number_value(rows));
	print_error("\n");
	json_array_foreach(json_object_get(node, "Plans"), i, child)
		pg_outline(child, depth + 1);
}

/* Rows the scans of growing tables read, by EXPLAIN ANALYZE's counts
 * (each per loop): returned and filtered out. */
static double
pg_rows_read(json_t *node)
{
	double rows = 0;
	size_t i;
	json_t *child;

	if (watched_table(node_str(node, "Relation Name")))
		rows = (json_number_value(
				json_object_get(node, "Actual Rows")) +
		        json_number_value(
				json_object_get(node,
		                                "Rows Removed by Filter")) +
		        json_number_value(json_object_get(
				node, "Rows Removed by Index Recheck"))) *
		       json_number_value(json_object_get(node, "Actual Loops"));
	json_array_foreach(json_object_get(node, "Plans"), i, child) rows +=
		pg_rows_read(child);
	return rows;
}

/* The statement the store's engine runs for st, or NULL: none there. */
static const char *
engine_sql(const struct store_stmt *st)
{
	const char *sql = st->sql;

	if (mem_store_on_pg() && st->pg != NULL)
		sql = st->pg;
	return sql[0] == '\0' ? NULL : sql;
}

/* ---- the seeded site ---------------------------------------------------- */

static struct tmp_site site;
static struct store *store;

static int64_t
seed_post(enum post_type type, enum post_status status, const char *slug,
          int64_t at, int64_t section_id, int sticky, const char **tags,
          size_t ntags)
{
	struct post p = tmp_site_post_in(type, status, slug, at);
	struct error e;
	int64_t id;

	p.section_id = section_id;
	p.sticky = sticky;
	p.tags = tags;
	p.ntags = ntags;
	if (store_post_add(store, &p, &id, &e) == -1)
		fail_msg("seed %s: %s", slug, e.msg);
	return id;
}

static int
seed(void **state)
{
	static const char *const tag_names[SEED_TAGS] = {"alpha",   "beta",
	                                                 "gamma",   "delta",
	                                                 "epsilon", "zeta"};
	struct arena *a = arena_new();
	struct error e;
	int64_t sections[SEED_SECTIONS];

	(void)state;
	store = tmp_site_open(&site, "plans");
	if (store_begin(store, &e) == -1)
		fail_msg("begin: %s", e.msg);
	for (int i = 0; i < SEED_SECTIONS; i++) {
		struct section sec = {.slug = arena_printf(a, "s%d", i),
		                      .name = arena_printf(a, "Section %d", i),
		                      .kind = (enum section_kind)i,
		                      .position = i,
		                      .show_newest = 1};

		if (store_section_add(store, &sec, &sections[i], &e) == -1)
			fail_msg("section: %s", e.msg);
	}
	for (int i = 0; i < SEED_POSTS; i++) {
		const char *tags[3] = {tag_names[i % SEED_TAGS],
		                       tag_names[(i / 7) % SEED_TAGS], "rare"};
		enum post_status st = i % 50 == 7    ? POST_SCHEDULED
		                      : i % 50 == 9  ? POST_DRAFT
		                      : i % 50 == 11 ? POST_TRASH
		                                     : POST_PUBLISHED;
		int64_t id = seed_post(i % 40 == 3 ? POST_EPISODE : POST_POST,
		                       st, arena_printf(a, "post-%d", i),
		                       T0 + i * (DAY / 3),
		                       sections[i % SEED_SECTIONS], i % 97 == 5,
		                       tags, i % 100 == 1 ? 3 : 2);

		for (int c = 0; c < i % 4; c++)
			tmp_site_comment(store, id,
			                 c == 2 ? COMMENT_PENDING
			                        : COMMENT_APPROVED,
			                 T0 + i * (DAY / 3) + c * 60);
		if (i % 5 == 0 &&
		    store_views_add(store, id, (T0 + i * (DAY / 3)) / DAY,
		                    i % 13 + 1, &e) == -1)
			fail_msg("views: %s", e.msg);
	}
	for (int i = 0; i < 6; i++)
		seed_post(POST_PAGE, POST_PUBLISHED,
		          arena_printf(a, "page-%d", i), T0, 0, 0, NULL, 0);
	if (store_commit(store, &e) == -1)
		fail_msg("commit: %s", e.msg);
	arena_free(a);
	/* PostgreSQL's autovacuum analyzes a site's tables as they grow, so
	 * its plans are made with statistics; SQLite's never are. */
	if (mem_store_on_pg()) {
		struct db *d = db_open(site.db, &e);

		if (d == NULL || db_exec(d, "ANALYZE", NULL, &e) == -1)
			fail_msg("analyze: %s", e.msg);
		db_close(d);
	}
	return 0;
}

static int
unseed(void **state)
{
	(void)state;
	tmp_site_close(&site, store);
	return 0;
}

/* ---- the tests ---------------------------------------------------------- */

static void
reader_statements_are_bounded(void **state)
{
	struct arena *a = arena_new();
	int failed = 0;
	size_t total = 0;

	(void)state;
	for (size_t t = 0; store_reader_stmts[t] != NULL; t++)
		for (const struct store_stmt *st = store_reader_stmts[t];
		     st->name != NULL; st++) {
			const char **lines = NULL, *json = NULL;
			const char *sql = engine_sql(st);
			size_t n = 0;
			struct error e;
			const char *why;

			if (sql == NULL)
				continue;
			total++;
			if ((mem_store_on_pg()
			             ? store_explain_pg(store, a, sql, NULL,
			                                &json, &e)
			             : store_explain(store, a, sql, &lines, &n,
			                             &e)) == -1)
				fail_msg("%s: %s", st->name, e.msg);
			why = json != NULL ? pg_refusal(sql, json)
			                   : refusal(sql, lines, n);
			/* PostgreSQL may answer in order what SQLite sorts:
			 * a reason it needs none of is no mistake there. */
			if (why == NULL && st->bounded != NULL &&
			    json == NULL) {
				failed++;
				print_error("%s: says why it is bounded, but "
				            "nothing in it needs saying\n",
				            st->name);
				continue;
			}
			if (why != NULL && st->bounded != NULL) {
				print_message("[ bounded  ] %s (%s): %s\n",
				              st->name, why, st->bounded);
				continue;
			}
			if (why == NULL)
				continue;
			failed++;
			print_error("%s: %s\n  %s\n", st->name, why, sql);
			for (size_t i = 0; i < n; i++)
				print_error("  | %s\n", lines[i]);
			if (json != NULL) {
				json_t *root, *plan = pg_plan(json, &root);

				if (plan != NULL)
					pg_outline(plan, 0);
				json_decref(root);
			}
		}
	arena_free(a);
	assert_true(total > 0);
	assert_int_equal(failed, 0);
}

static const char *
stmt_sql(const char *name)
{
	for (size_t t = 0; store_reader_stmts[t] != NULL; t++)
		for (const struct store_stmt *st = store_reader_stmts[t];
		     st->name != NULL; st++)
			if (strcmp(st->name, name) == 0)
				return engine_sql(st);
	fail_msg("no reader statement '%s'", name);
	return NULL;
}

/*
 * A plan can look right and still walk far: given two upper bounds on
 * published_at, SQLite seeks by either, and the row value
 * (published_at, id) < (?, ?) was bounded by "<= now", so the previous
 * post of an old one walked every newer post; a feed of one tag walked
 * every post for the tag's.  So the walks are also run, with values
 * that would make a wrong bound or a wrong index walk the seeded site,
 * and the virtual machine's steps counted: a page of rows costs well
 * under MAX_STEPS, a walk of the site's SEED_POSTS several times it.
 *
 * Parameters, ?1 on, separated by spaces: t:TEXT, i:INT, "-" (NULL),
 * "now" (after every post), "mid" and "old" (the middle and the tenth
 * post's date), "max" (INT64_MAX), tag:SLUG and sec:SLUG (their ids).
 */
#define MAX_STEPS 1500
static const struct {
	const char *name, *params;
} probes[] = {
	{"post_prev_same", "t:post old i:1000000"},
	{"post_prev", "t:post old"},
	{"post_prev", "t:post mid"},
	{"post_next_same", "t:post now old i:0"},
	{"post_next", "t:post now old"},
	{"post_next", "t:post now mid"},
	{"list_walk_all", "t:post old i:10 i:5"},
	{"list_walk_all", "t:post now i:10 i:5"},
	{"list_walk_range", "t:post old mid i:10 i:5"},
	{"list_walk_section", "t:post sec:s1 old i:10 i:5"},
	{"list_walk_activity", "t:post now sec:s2 mid i:10 i:5"},
	{"list_walk_tag", "tag:rare mid i:10 i:0"},
	{"list_walk_tag", "tag:alpha old i:10 i:5"},
	{"list_sticky", "t:post now i:10 i:0"},
	{"list_held_all", "t:post now"},
	{"list_held_range", "t:post now"},
	{"list_held_section", "t:post now sec:s1"},
	{"list_held_activity", "t:post now sec:s2"},
	{"list_held_tag", "tag:alpha now"},
	{"list_count_range", "t:post mid i:1659744000"}, /* a day */
	{"feed_comments", "now i:20"},
	{"feed_comments_post", "now i:20 i:300"},
	{"comments_recent", "now i:5"},
	{"sitemap_last", "now max"},
	{"sitemap_newest", "now"},
	{"sitemap_list", "now i:1 i:10"},
	{"section_list", "now"},
	/* PostgreSQL's search (?1 and ?2 the words as a tsquery; ?11 the
         * matches ranked): "body" is in every post, the tag "rare" on six. */
	{"search_pg", "t:body t:body i:0 now - - - - i:0 max i:50 i:10 i:0"},
	{"search_pg", "t:rare t:rare i:0 now - - - - i:0 max i:50 i:10 i:0"},
	{"comment_threads", "i:300 i:50 i:0"},
	{"comment_threads_active", "i:300 i:50 i:0"},
};

/* A section's or tag's id by its slug, through the store (either
 * engine). */
static int64_t
id_of(const char *kind, const char *slug)
{
	struct arena *a = arena_new();
	const char *name;
	struct error e;
	int64_t id = 0;

	if ((strcmp(kind, "tag") == 0
	             ? store_tag_by_slug(store, a, slug, &id, &name, &e)
	             : store_section_by_slug(store, a, slug, &id, &name, &e)) ==
	    -1)
		fail_msg("%s %s: %s", kind, slug, e.msg);
	arena_free(a);
	assert_true(id > 0);
	return id;
}

/*
 * Probe parameter tok's value: an integer (*v, returns 'i'), text
 * (tok + 2, 't') or NULL ('-').
 */
static int
probe_value(const char *tok, int64_t *v)
{
	if (strncmp(tok, "t:", 2) == 0)
		return 't';
	if (strcmp(tok, "-") == 0)
		return '-';
	if (strncmp(tok, "i:", 2) == 0)
		*v = strtoll(tok + 2, NULL, 10);
	else if (strcmp(tok, "now") == 0)
		*v = T0 + 1000 * DAY;
	else if (strcmp(tok, "mid") == 0)
		*v = T0 + (SEED_POSTS / 2) * (DAY / 3);
	else if (strcmp(tok, "old") == 0)
		*v = T0 + 10 * (DAY / 3);
	else if (strcmp(tok, "max") == 0)
		*v = INT64_MAX;
	else if (strncmp(tok, "tag:", 4) == 0)
		*v = id_of("tag", tok + 4);
	else if (strncmp(tok, "sec:", 4) == 0)
		*v = id_of("section", tok + 4);
	else
		fail_msg("probe parameter '%s'", tok);
	return 'i';
}

/* Each of params' words in turn, into tok; NULL after the last. */
static const char *
probe_next(const char *p, char *tok, size_t size)
{
	size_t len = strcspn(p, " ");

	if (*p == '\0')
		return NULL;
	assert_true(len < size);
	memcpy(tok, p, len);
	tok[len] = '\0';
	return p + len + (p[len] == ' ');
}

static void
bind_probe(sqlite3_stmt *st, const char *params)
{
	char tok[64];
	int64_t v;

	for (int i = 1; (params = probe_next(params, tok, sizeof(tok))) != NULL;
	     i++)
		switch (probe_value(tok, &v)) {
		case 't':
			sqlite3_bind_text(st, i, tok + 2, -1, SQLITE_TRANSIENT);
			break;
		case 'i':
			sqlite3_bind_int64(st, i, v);
			break;
		}
}

/* params as the SQL values of EXECUTE's list (slugs need no quoting). */
static const char *
probe_args(struct arena *a, const char *params)
{
	const char *out = "";
	char tok[64];
	int64_t v;

	while ((params = probe_next(params, tok, sizeof(tok))) != NULL) {
		int kind = probe_value(tok, &v);

		out = arena_printf(a, "%s%s", out, out[0] ? ", " : "");
		out = kind == 't'   ? arena_printf(a, "%s'%s'", out, tok + 2)
		      : kind == '-' ? arena_printf(a, "%sNULL", out)
		                    : arena_printf(a, "%s%" PRId64, out, v);
	}
	return out;
}

/* On PostgreSQL: each probe run under EXPLAIN ANALYZE, the rows its scans
 * of growing tables read counted. */
#define MAX_ROWS_PG 120
static void
walks_read_few_rows_pg(void)
{
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		const char *json;
		json_t *root, *plan;
		struct error e;
		double rows;

		const char *sql = stmt_sql(probes[i].name);

		if (sql == NULL)
			continue;
		if (store_explain_pg(store, a, sql,
		                     probe_args(a, probes[i].params), &json,
		                     &e) == -1)
			fail_msg("%s: %s", probes[i].name, e.msg);
		plan = pg_plan(json, &root);
		assert_non_null(plan);
		rows = pg_rows_read(plan);
		print_message("[ rows     ] %s (%s): %.0f rows read\n",
		              probes[i].name, probes[i].params, rows);
		if (rows > MAX_ROWS_PG) {
			pg_outline(plan, 0);
			fail_msg("%s (%s): %.0f rows read", probes[i].name,
			         probes[i].params, rows);
		}
		json_decref(root);
	}
	arena_free(a);
}

static void
walks_read_few_rows(void **state)
{
	sqlite3 *db;

	(void)state;
	if (mem_store_on_pg()) {
		walks_read_few_rows_pg();
		return;
	}
	assert_int_equal(sqlite3_open_v2(site.db, &db, SQLITE_OPEN_READONLY,
	                                 NULL),
	                 SQLITE_OK);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		sqlite3_stmt *st;
		int steps, rows = 0;

		const char *sql = stmt_sql(probes[i].name);

		if (sql == NULL)
			continue; /* PostgreSQL's alone */
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			fail_msg("%s: %s", probes[i].name, sqlite3_errmsg(db));
		bind_probe(st, probes[i].params);
		while (sqlite3_step(st) == SQLITE_ROW)
			rows++;
		steps = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
		sqlite3_finalize(st);
		print_message("[ steps    ] %s (%s): %d rows, %d steps\n",
		              probes[i].name, probes[i].params, rows, steps);
		if (steps > MAX_STEPS)
			fail_msg("%s (%s): %d steps", probes[i].name,
			         probes[i].params, steps);
	}
	sqlite3_close(db);
}

/* The checker itself: what it must refuse and what it must let through. */
static void
refusal_rules(void **state)
{
	static const struct {
		const char *sql, *line;
		int refused;
	} t[] = {
		{"SELECT id FROM posts WHERE x = 1", "SCAN posts", 1},
		{"SELECT p.id FROM posts p LIMIT 1", "SCAN p", 1},
		{"SELECT p.id FROM posts p ORDER BY id LIMIT 1",
	         "SCAN p USING INDEX posts_listed", 0},
		{"SELECT p.id FROM posts p ORDER BY id",
	         "SCAN p USING INDEX posts_listed", 1},
		{"SELECT p.id FROM posts p WHERE p.type = ?1 LIMIT 1",
	         "USE TEMP B-TREE FOR ORDER BY", 1},
		{"SELECT c.id FROM comments c JOIN posts p ON p.id = c.post_id",
	         "SEARCH c USING INDEX comments_post (post_id=?)", 0},
		{"SELECT count(*) FROM posts p WHERE p.type = ?1",
	         "SEARCH p USING COVERING INDEX posts_listed (type=?)", 1},
		{"SELECT t.name FROM tags t ORDER BY t.name",
	         "USE TEMP B-TREE FOR ORDER BY", 0},
		{"SELECT x FROM posts_fts WHERE posts_fts MATCH ?1",
	         "SCAN posts_fts VIRTUAL TABLE INDEX 0:M1", 0},
		{"SELECT n FROM post_counts c WHERE c.id = ?1", "SCAN c", 0},
	};
#define PG_PLAN(x) "[{\"Plan\": " x "}]"
#define PG_SCAN(type, rel, more)                                               \
	"{\"Node Type\": \"" type "\", \"Relation Name\": \"" rel "\"" more "}"
#define PG_COND ", \"Index Cond\": \"(id = $1)\""
	static const struct {
		const char *sql, *json;
		int refused;
	} pg[] = {
		{"SELECT id FROM posts p WHERE x = 1",
	         PG_PLAN(PG_SCAN("Seq Scan", "posts", "")), 1},
		{"SELECT id FROM posts p WHERE id = ?1",
	         PG_PLAN(PG_SCAN("Index Scan", "posts", PG_COND)), 0},
		{"SELECT p.id FROM posts p ORDER BY id LIMIT 1",
	         PG_PLAN(PG_SCAN("Index Only Scan", "posts", "")), 0},
		{"SELECT p.id FROM posts p ORDER BY id",
	         PG_PLAN(PG_SCAN("Index Only Scan", "posts", "")), 1},
		{"SELECT p.id FROM posts p WHERE id > ?1 ORDER BY x LIMIT 5",
	         PG_PLAN("{\"Node Type\": \"Limit\", \"Plans\": [{\"Node "
	                 "Type\": \"Sort\", \"Plans\": [" PG_SCAN(
				 "Index Scan", "posts", PG_COND) "]}]}"),
	         1},
		{"SELECT t.name FROM tags t JOIN posts p ON p.id = t.id",
	         PG_PLAN("{\"Node Type\": \"Nested Loop\", \"Plans\": "
	                 "[" PG_SCAN("Seq Scan", "tags",
	                             "") ", " PG_SCAN("Index Scan", "posts",
	                                              PG_COND) "]}"),
	         0},
		{"SELECT count(*) FROM posts p WHERE p.type = ?1",
	         PG_PLAN(PG_SCAN("Index Only Scan", "posts", PG_COND)), 1},
		{"SELECT t.name FROM tags t ORDER BY t.name",
	         PG_PLAN("{\"Node Type\": \"Sort\", \"Plans\": [" PG_SCAN(
			 "Seq Scan", "tags", "") "]}"),
	         0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *lines[1] = {t[i].line};

		if ((refusal(t[i].sql, lines, 1) != NULL) != t[i].refused)
			fail_msg("%s / %s: want %s", t[i].sql, t[i].line,
			         t[i].refused ? "refused" : "let through");
	}
	for (size_t i = 0; i < sizeof(pg) / sizeof(pg[0]); i++)
		if ((pg_refusal(pg[i].sql, pg[i].json) != NULL) !=
		    pg[i].refused)
			fail_msg("%s / %s: want %s", pg[i].sql, pg[i].json,
			         pg[i].refused ? "refused" : "let through");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refusal_rules),
		cmocka_unit_test(reader_statements_are_bounded),
		cmocka_unit_test(walks_read_few_rows),
	};

	return cmocka_run_group_tests(tests, seed, unseed);
}
