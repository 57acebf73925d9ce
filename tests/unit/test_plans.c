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
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Why the plan of st is refused, or NULL. */
static const char *
refusal(const struct store_stmt *st, const char *const *lines, size_t n)
{
	static const char *const aggregates[] = {"count(",        "sum(",
	                                         "max(",          "min(",
	                                         "group_concat(", "GROUP BY"};
	struct names nm;

	watched_names(st->sql, &nm);
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
		if (strstr(st->sql, "LIMIT") == NULL)
			return "a whole index walked (no LIMIT)";
	}
	for (size_t i = 0; i < sizeof(aggregates) / sizeof(aggregates[0]); i++)
		if (strstr(st->sql, aggregates[i]) != NULL)
			return "an aggregate over a growing table";
	return NULL;
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
			const char **lines;
			size_t n;
			struct error e;
			const char *why;

			total++;
			if (store_explain(store, a, st->sql, &lines, &n, &e) ==
			    -1)
				fail_msg("%s: %s", st->name, e.msg);
			why = refusal(st, lines, n);
			if (why == NULL && st->bounded != NULL) {
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
			print_error("%s: %s\n  %s\n", st->name, why, st->sql);
			for (size_t i = 0; i < n; i++)
				print_error("  | %s\n", lines[i]);
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
				return st->sql;
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
	{"comment_threads", "i:300 - i:50 i:0"},
	{"comment_threads_active", "i:300 - i:50 i:0"},
};

static int64_t
id_of(sqlite3 *db, const char *table, const char *slug)
{
	char sql[128];
	sqlite3_stmt *st;
	int64_t id = 0;

	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE slug = ?1", table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_true(id > 0);
	return id;
}

static void
bind_probe(sqlite3 *db, sqlite3_stmt *st, const char *params)
{
	const char *p = params;

	for (int i = 1; *p != '\0'; i++) {
		size_t len = strcspn(p, " ");
		char tok[64];

		assert_true(len < sizeof(tok));
		memcpy(tok, p, len);
		tok[len] = '\0';
		p += len + (p[len] == ' ');
		if (strncmp(tok, "t:", 2) == 0)
			sqlite3_bind_text(st, i, tok + 2, -1, SQLITE_TRANSIENT);
		else if (strncmp(tok, "i:", 2) == 0)
			sqlite3_bind_int64(st, i, strtoll(tok + 2, NULL, 10));
		else if (strcmp(tok, "now") == 0)
			sqlite3_bind_int64(st, i, T0 + 1000 * DAY);
		else if (strcmp(tok, "mid") == 0)
			sqlite3_bind_int64(st, i,
			                   T0 + (SEED_POSTS / 2) * (DAY / 3));
		else if (strcmp(tok, "old") == 0)
			sqlite3_bind_int64(st, i, T0 + 10 * (DAY / 3));
		else if (strcmp(tok, "max") == 0)
			sqlite3_bind_int64(st, i, INT64_MAX);
		else if (strncmp(tok, "tag:", 4) == 0)
			sqlite3_bind_int64(st, i, id_of(db, "tags", tok + 4));
		else if (strncmp(tok, "sec:", 4) == 0)
			sqlite3_bind_int64(st, i,
			                   id_of(db, "sections", tok + 4));
		else
			assert_string_equal(tok, "-");
	}
}

static void
walks_read_few_rows(void **state)
{
	sqlite3 *db;

	(void)state;
	assert_int_equal(sqlite3_open_v2(site.db, &db, SQLITE_OPEN_READONLY,
	                                 NULL),
	                 SQLITE_OK);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		sqlite3_stmt *st;
		int steps, rows = 0;

		if (sqlite3_prepare_v2(db, stmt_sql(probes[i].name), -1, &st,
		                       NULL) != SQLITE_OK)
			fail_msg("%s: %s", probes[i].name, sqlite3_errmsg(db));
		bind_probe(db, st, probes[i].params);
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

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct store_stmt st = {"t", t[i].sql, NULL};
		const char *lines[1] = {t[i].line};

		if ((refusal(&st, lines, 1) != NULL) != t[i].refused)
			fail_msg("%s / %s: want %s", t[i].sql, t[i].line,
			         t[i].refused ? "refused" : "let through");
	}
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
