/*
 * Search on PostgreSQL (store/store_search_pg.c, decision 096): the
 * PostgreSQL schema applied through the driver to the throw-away cluster
 * meson names in $GAZETTE_PG_URL (tests/pg/cluster run), posts written
 * with plain SQL (the schema's triggers index them; a body set as the
 * store sets it, the text of its HTML), and search_pg() on the driver's
 * connection checked for what test_search.c checks on SQLite: the top
 * results (as a set where the engines' rankings may differ), phrases,
 * exclusions, OR, the last word a prefix until it is in
 * LIM_SEARCH_PREFIX_DOCS posts, tags and authors searched, the filters,
 * drafts for the admin only, accents and case folded, the language
 * setting's stems, pages, totals and LIM_SEARCH_RESULTS, snippets of
 * their own hits, marks only ours around hostile text, and queries in
 * tsquery's syntax read as words.  Without PostgreSQL the test is
 * skipped (exit 77), or fails under CI=true.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/internal.h"
#include "store/search.h"
#include "store/search_pg.h"
#include "util/arena.h"
#include "util/embed.h"
#include "util/error.h"
#include "util/html_text.h"
#include "util/limits.h"
#include "pg_fx.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define T0  INT64_C(1651017600) /* 2022-04-27 */
#define DAY INT64_C(86400)

static struct {
	struct conn c; /* the driver's connection, no store around it */
	int skipped;
} g;

/* ---- the database ------------------------------------------------------ */

static void
exec(const char *sql)
{
	struct error e;

	if (db_exec(g.c.d, sql, NULL, &e) == -1)
		fail_msg("%s: %s", sql, e.msg);
}

static struct db_stmt *
prep(const char *sql)
{
	struct error e;
	struct db_stmt *st = conn_prep(&g.c, sql, &e);

	if (st == NULL)
		fail_msg("prepare %s: %s", sql, e.msg);
	return st;
}

/* Every PostgreSQL migration, in order, as test_pg_schema applies them. */
static void
migrate(void)
{
	for (const struct embed_file *f = embed_sql_pg; f->name != NULL; f++)
		exec(f->data);
}

static int
group_setup(void **state)
{
	const char *url;
	struct error e;

	(void)state;
	memset(&g, 0, sizeof(g));
	if (pg_fx_url(&url) == -1)
		return -1;
	if (url == NULL)
		return 0;
	g.c.d = db_open(url, &e);
	if (g.c.d == NULL) {
		print_error("postgresql: %s\n", e.msg);
		return -1;
	}
	migrate();
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (g.c.d != NULL)
		conn_close(&g.c);
	return 0;
}

/* Each test on an empty site, in English. */
static int
setup(void **state)
{
	(void)state;
	if (g.c.d == NULL)
		return 0;
	exec("TRUNCATE posts_fts, post_tags, posts, tags, users, sections "
	     "RESTART IDENTITY CASCADE");
	exec("DELETE FROM settings WHERE key = 'language'");
	return 0;
}

static void
need_pg(void)
{
	if (g.c.d == NULL)
		pg_fx_skip(&g.skipped);
}

static int64_t
one_id(struct db_stmt *st, const char *what)
{
	struct error e;
	int64_t id;

	if (db_step(st, what, &e) != 1)
		fail_msg("%s: %s", what, e.msg);
	id = db_column_int64(st, 0);
	stmt_done(st);
	return id;
}

/* A post as store_post_add() leaves it: the row, its tag, and the index's
 * body the text of its HTML (store_search_body_set). */
static int64_t
add(const char *slug, const char *title, const char *html, const char *status,
    int64_t published_at, int64_t section_id, const char *tag,
    int64_t author_id)
{
	struct db_stmt *st;
	struct arena *a = arena_new();
	struct error e;
	int64_t id;

	st = prep("INSERT INTO posts(status, slug, title, body_src, "
	          "body_html, published_at, updated_at, section_id, "
	          "author_id) VALUES (?1, ?2, ?3, 'source text only', ?4, "
	          "?5, ?5, ?6, ?7) RETURNING id");
	bind_text(st, 1, status);
	bind_text(st, 2, slug);
	bind_text(st, 3, title);
	bind_text(st, 4, html);
	db_bind_int64(st, 5, published_at);
	bind_id(st, 6, section_id);
	bind_id(st, 7, author_id);
	id = one_id(st, slug);
	if (tag != NULL) {
		int64_t tag_id;

		st = prep("INSERT INTO tags(slug, name) VALUES (lower(?1), ?1) "
		          "ON CONFLICT (slug) DO UPDATE SET name = "
		          "excluded.name RETURNING id");
		bind_text(st, 1, tag);
		tag_id = one_id(st, tag);
		st = prep("INSERT INTO post_tags(post_id, tag_id) "
		          "VALUES (?1, ?2)");
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, tag_id);
		if (db_step(st, "tag", &e) != 0)
			fail_msg("tag: %s", e.msg);
		stmt_done(st);
	}
	st = prep("UPDATE posts_fts SET body = ?2 WHERE rowid = ?1");
	db_bind_int64(st, 1, id);
	bind_text(st, 2, html_to_text(a, html, strlen(html)));
	if (db_step(st, "body", &e) != 0)
		fail_msg("body: %s", e.msg);
	stmt_done(st);
	arena_free(a);
	return id;
}

static struct search_query
query(const char *text)
{
	struct search_query q;

	memset(&q, 0, sizeof(q));
	q.text = text;
	q.now = T0 + 100 * DAY;
	q.status = -1;
	q.limit = 10;
	return q;
}

static struct search_result
run(struct arena *a, const struct search_query *q)
{
	struct search_result r;
	struct error e;

	if (search_pg(&g.c, a, q, &r, &e) == -1)
		fail_msg("search '%s': %s", q->text, e.msg);
	return r;
}

static struct search_result
search(struct arena *a, const char *text)
{
	struct search_query q = query(text);

	return run(a, &q);
}

static int
str_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The hits' slugs, sorted, a space between: the set of results. */
static const char *
slugs(struct arena *a, const struct search_result *r)
{
	const char **s = arena_alloc(a, (r->n + 1) * sizeof(*s));
	char *out = arena_zalloc(a, 1024);

	for (size_t i = 0; i < r->n; i++)
		s[i] = r->hits[i].post.slug;
	qsort(s, r->n, sizeof(*s), str_cmp);
	for (size_t i = 0; i < r->n; i++)
		snprintf(out + strlen(out), 1024 - strlen(out), "%s%s",
		         i > 0 ? " " : "", s[i]);
	return out;
}

static int64_t
seed_world(void)
{
	struct db_stmt *st;

	st = prep("INSERT INTO sections(slug, name) VALUES ('world', 'World') "
	          "RETURNING id");
	return one_id(st, "section");
}

static int64_t
seed_user(void)
{
	struct db_stmt *st;

	st = prep("INSERT INTO users(login, name, role, created_at) "
	          "VALUES ('jdoe', 'Jane Doe', 'author', 0) RETURNING id");
	return one_id(st, "user");
}

/* test_search.c's seed. */
static void
seed(void)
{
	int64_t sid = seed_world(), uid = seed_user();

	add("body-only", "Weather today",
	    "<p>The <strong>harvest</strong> failed in the north.</p>",
	    "published", T0, 0, NULL, 0);
	add("in-title", "Harvest festival", "<p>Music and food all day.</p>",
	    "published", T0 + DAY, sid, "Culture", uid);
	add("phrase", "Markets",
	    "<p>Prices of grain fell sharply as harvest arrived.</p>",
	    "published", T0 + 2 * DAY, 0, NULL, 0);
	add("draft", "Harvest secret plans", "<p>Not yet.</p>", "draft", T0, 0,
	    NULL, 0);
	add("future", "Harvest next year", "<p>Soon.</p>", "published",
	    T0 + 1000 * DAY, 0, NULL, 0);
	add("cyrillic", "Новости",
	    "<p>Ёлка в центре города. Crème brûlée à la café.</p>", "published",
	    T0 + 3 * DAY, 0, NULL, 0);
}

/* ---- the tests ---------------------------------------------------------- */

static void
ranking_title_over_body(void **state)
{
	struct arena *a = arena_new();
	struct search_result r;

	(void)state;
	need_pg();
	seed();
	r = search(a, "harvest");
	assert_int_equal(r.total, 3); /* not the draft, not the future one */
	assert_int_equal(r.n, 3);
	assert_string_equal(slugs(a, &r), "body-only in-title phrase");
	assert_string_equal(r.hits[0].post.slug, "in-title");
	assert_true(r.hits[0].score <= r.hits[1].score);
	assert_true(r.hits[1].score <= r.hits[2].score);
	assert_string_equal(r.hits[0].title_marked, "\x01Harvest\x02 festival");
	for (size_t i = 1; i < r.n; i++)
		assert_non_null(strstr(r.hits[i].snippet, "\x01harvest\x02"));
	/* A body without the words: its first words, unmarked. */
	r = search(a, "festival");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].title_marked, "Harvest \x01"
	                                            "festival\x02");
	assert_string_equal(r.hits[0].snippet, "Music and food all day.");
	/* The post row is read whole but for its bodies. */
	assert_string_equal(r.hits[0].post.section_slug, "world");
	assert_string_equal(r.hits[0].post.author_name, "Jane Doe");
	assert_int_equal(r.hits[0].post.protected_, 0);
	arena_free(a);
}

static void
phrase_exclusion_or(void **state)
{
	struct arena *a = arena_new();
	struct search_result r;

	(void)state;
	need_pg();
	seed();
	r = search(a, "\"harvest arrived\"");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].post.slug, "phrase");
	assert_non_null(strstr(r.hits[0].snippet, "\x01harvest arrived\x02"));
	/* A phrase of other forms of the words: their stems in order. */
	r = search(a, "\"harvests arrive\"");
	assert_int_equal(r.n, 1);
	assert_non_null(strstr(r.hits[0].snippet, "\x01harvest arrived\x02"));
	r = search(a, "\"arrived harvest\"");
	assert_int_equal(r.n, 0);
	assert_int_equal(r.total, 0);
	r = search(a, "harvest -grain -music");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].post.slug, "body-only");
	r = search(a, "harvest -\"grain fell\"");
	assert_string_equal(slugs(a, &r), "body-only in-title");
	r = search(a, "music OR grain");
	assert_string_equal(slugs(a, &r), "in-title phrase");
	r = search(a, "harv"); /* the last word is a prefix */
	assert_int_equal(r.n, 3);
	/* ranked as well: the title first, every score below 0 */
	assert_string_equal(r.hits[0].post.slug, "in-title");
	assert_string_equal(r.hits[0].title_marked, "\x01Harvest\x02 festival");
	for (size_t i = 0; i < r.n; i++)
		assert_true(r.hits[i].score < 0);
	r = search(a, "harv festival"); /* only the last one */
	assert_int_equal(r.n, 0);
	r = search(a, "ha"); /* shorter than LIM_SEARCH_PREFIX_MIN */
	assert_int_equal(r.n, 0);
	r = search(a, "harvests"); /* a stem */
	assert_int_equal(r.n, 3);
	r = search(a, "***");
	assert_int_equal(r.empty, 1);
	r = search(a, "-harvest");
	assert_int_equal(r.empty, 1);
	r = search(a, "title:harvest NEAR( ^ \"");
	assert_int_equal(r.empty, 0);
	arena_free(a);
}

/* Whatever tsquery's syntax a query holds, it is words. */
static void
tsquery_syntax_is_text(void **state)
{
	static const char *const hostile[] = {
		"'",
		"''",
		"\\",
		"!harvest",
		"harvest:*",
		"harvest:A",
		"a & b",
		"a | b",
		"<->",
		"a <2> b",
		"(harvest",
		"harvest)",
		"'; DROP TABLE posts; --",
		"\\'harvest\\'",
		"&&&",
		"!!",
		"harvest & !music",
		"\"a\" <-> \"b\"",
		"日本語",
		"%",
		":*",
		"harvest:*B!",
	};
	struct arena *a = arena_new();
	struct search_result r;

	(void)state;
	need_pg();
	seed();
	add("rock", "Rock & Roll | live", "<p>Loud!</p>", "published", T0, 0,
	    NULL, 0);
	for (size_t i = 0; i < NELEM(hostile); i++)
		(void)search(a, hostile[i]);
	/* Operators are punctuation: "!harvest" is harvest, not NOT. */
	r = search(a, "!harvest");
	assert_int_equal(r.n, 3);
	r = search(a, "harvest & !music");
	assert_int_equal(r.n, 1); /* harvest AND music */
	assert_string_equal(r.hits[0].post.slug, "in-title");
	r = search(a, "rock & roll");
	assert_int_equal(r.n, 1);
	r = search(a, "rock | live");
	assert_int_equal(r.n, 1);
	r = search(a, "'; DROP TABLE posts; --");
	assert_int_equal(r.n, 0);
	r = search(a, "harvest");
	assert_int_equal(r.n, 3);
	/* Past LIM_SEARCH_TERMS terms and LIM_SEARCH_QUERY_BYTES bytes: the
	 * rest left out, said so, never an error. */
	{
		char q[LIM_SEARCH_QUERY_BYTES * 2];
		size_t n = 0;

		for (int i = 0; i < LIM_SEARCH_TERMS + 4; i++)
			n += (size_t)snprintf(q + n, sizeof(q) - n, "%s ",
			                      i == 0 ? "harvest" : "-nothing");
		r = search(a, q);
		assert_int_equal(r.terms_dropped, 4);
		assert_int_equal(r.n, 3);
		memset(q, 0, sizeof(q));
		for (n = 0; n + 8 < sizeof(q); n += 8)
			memcpy(q + n, "harvest ", 8);
		r = search(a, q);
		assert_int_equal(r.cut, 1);
		assert_int_equal(r.n, 3);
	}
	arena_free(a);
}

static void
drafts_admin_only(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	struct search_result r;

	(void)state;
	need_pg();
	seed();
	r = search(a, "secret");
	assert_int_equal(r.n, 0);
	q = query("harvest");
	q.now = T0;
	q.admin = 1;
	r = run(a, &q);
	assert_int_equal(r.total, 5); /* the draft and the future one too */
	q.status = POST_DRAFT;
	r = run(a, &q);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].post.slug, "draft");
	/* A protected post is the admin's only. */
	exec("UPDATE posts SET password = 'x' WHERE slug = 'body-only'");
	r = search(a, "harvest");
	assert_string_equal(slugs(a, &r), "in-title phrase");
	arena_free(a);
}

static void
unicode_folding(void **state)
{
	static const char *const found[] = {
		"ёлка", "ЁЛКА",    "елка",  "ЕЛКА",   "creme brulee",
		"CAFÉ", "новости", "Crème", "BRÛLÉE", "cafe",
	};
	struct arena *a = arena_new();
	struct search_result r;

	(void)state;
	need_pg();
	seed();
	for (size_t i = 0; i < NELEM(found); i++) {
		r = search(a, found[i]);
		if (r.n != 1)
			fail_msg("'%s': %zu hits", found[i], r.n);
		assert_string_equal(r.hits[0].post.slug, "cyrillic");
	}
	/* The marks fall on the words as written. */
	r = search(a, "creme brulee");
	assert_non_null(strstr(r.hits[0].snippet, "\x01"
	                                          "Crème\x02 \x01"
	                                          "brûlée\x02"));
	r = search(a, "елка");
	assert_non_null(strstr(r.hits[0].snippet, "\x01Ёлка\x02"));
	r = search(a, "НОВОСТИ");
	assert_string_equal(r.hits[0].title_marked, "\x01Новости\x02");
	arena_free(a);
}

static void
filters(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	struct search_result r;

	(void)state;
	need_pg();
	seed();
	q = query("harvest");
	q.section_slug = "world";
	r = run(a, &q);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].post.slug, "in-title");
	q.section_slug = "nowhere";
	r = run(a, &q);
	assert_int_equal(r.n, 0);
	q.section_slug = NULL;
	q.tag_slug = "culture";
	r = run(a, &q);
	assert_int_equal(r.n, 1);
	q.tag_slug = NULL;
	q.author_login = "jdoe";
	r = run(a, &q);
	assert_int_equal(r.n, 1);
	q.author_login = "nobody";
	r = run(a, &q);
	assert_int_equal(r.n, 0);
	q.author_login = NULL;
	q.from = T0 + DAY;
	q.to = T0 + 2 * DAY; /* [from, to): the second day only */
	r = run(a, &q);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].post.slug, "in-title");
	/* Tags and author names are searched too. */
	r = search(a, "culture");
	assert_int_equal(r.n, 1);
	r = search(a, "jane");
	assert_int_equal(r.n, 1);
	/* ...and kept in step by the triggers. */
	exec("UPDATE users SET name = 'Janet Roe' WHERE login = 'jdoe'");
	r = search(a, "doe");
	assert_int_equal(r.n, 0);
	r = search(a, "roe");
	assert_int_equal(r.n, 1);
	arena_free(a);
}

static void
pages_and_reindex(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	struct search_result r;
	struct error e;
	char slug[32];
	int64_t n, id = 0;

	(void)state;
	need_pg();
	for (int i = 0; i < 25; i++) {
		snprintf(slug, sizeof(slug), "p%d", i);
		id = add(slug, "Common title", "<p>common words</p>",
		         "published", T0 + i, 0, NULL, 0);
	}
	q = query("common");
	q.now = T0 + DAY;
	q.offset = 20;
	r = run(a, &q);
	assert_int_equal(r.total, 25);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.more, 0);
	q.offset = 30; /* past the end: no hits, still the count */
	r = run(a, &q);
	assert_int_equal(r.total, 25);
	assert_int_equal(r.n, 0);
	q.offset = 0;
	q.limit = 0; /* no page, the count */
	r = run(a, &q);
	assert_int_equal(r.total, 25);
	assert_int_equal(r.n, 0);
	/* Ties newest first; the pages cover every hit once. */
	q.limit = 10;
	r = run(a, &q);
	assert_string_equal(r.hits[0].post.slug, "p24");
	{
		char seen[25] = {0};

		for (q.offset = 0; q.offset < 25; q.offset += 10) {
			r = run(a, &q);
			for (size_t i = 0; i < r.n; i++)
				seen[strtol(r.hits[i].post.slug + 1, NULL,
				            10)]++;
		}
		for (int i = 0; i < 25; i++)
			assert_int_equal(seen[i], 1);
	}
	/* Unpublishing takes a post out of public results at once. */
	exec("UPDATE posts SET status = 'trash' WHERE slug = 'p24'");
	(void)id;
	q.offset = 0;
	r = run(a, &q);
	assert_int_equal(r.total, 24);
	/* Reindex rebuilds the same, the body the HTML's text. */
	exec("UPDATE posts_fts SET body = 'stale', title = 'stale'");
	assert_int_equal(db_begin(g.c.d, DB_WRITE, &e), 0);
	if (search_pg_reindex(&g.c, &n, &e) == -1)
		fail_msg("reindex: %s", e.msg);
	assert_int_equal(db_commit(g.c.d, &e), 0);
	assert_int_equal(n, 25);
	r = run(a, &q);
	assert_int_equal(r.total, 24);
	r = search(a, "stale");
	assert_int_equal(r.n, 0);
	r = search(a, "source"); /* the body is the HTML's text */
	assert_int_equal(r.n, 0);
	arena_free(a);
}

/* Each hit of each page has its own snippet and title marks. */
static void
snippets_follow_their_hits(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	struct search_result r;
	char slug[32], title[64], html[128], own[32];

	(void)state;
	need_pg();
	for (int i = 0; i < 30; i++) {
		snprintf(slug, sizeof(slug), "s%d", i);
		/* Every third title matches too, so ranks are not ids. */
		snprintf(title, sizeof(title), "%s %d",
		         i % 3 == 0 ? "Zebra" : "Horse", i);
		snprintf(html, sizeof(html),
		         "<p>Lorem ipsum own%dword dolor zebra sit amet.</p>",
		         i);
		add(slug, title, html, "published", T0 + i, 0, NULL, 0);
	}
	q = query("zebra");
	q.now = T0 + DAY;
	for (q.offset = 0; q.offset < 30; q.offset += 10) {
		r = run(a, &q);
		assert_int_equal(r.total, 30);
		assert_int_equal(r.n, 10);
		for (size_t i = 0; i < r.n; i++) {
			const struct search_hit *h = &r.hits[i];

			snprintf(own, sizeof(own), "own%sword",
			         h->post.slug + 1);
			assert_non_null(strstr(h->snippet, own));
			assert_non_null(strstr(h->snippet, "\x01zebra\x02"));
			assert_int_equal(strchr(h->title_marked,
			                        SEARCH_MARK_START) != NULL,
			                 strncmp(h->post.title, "Zebra", 5) ==
			                         0);
		}
	}
	/* The first page holds the title matches: ids 0, 3, 6... */
	q.offset = 0;
	r = run(a, &q);
	for (size_t i = 0; i < r.n; i++)
		assert_int_equal(strncmp(r.hits[i].post.title, "Zebra", 5), 0);
	arena_free(a);
}

/* text without its marks. */
static const char *
unmarked(struct arena *a, const char *text)
{
	char *out = arena_strdup(a, text);
	size_t n = 0;

	for (const char *p = text; *p; p++)
		if (*p != SEARCH_MARK_START && *p != SEARCH_MARK_END)
			out[n++] = *p;
	out[n] = '\0';
	return out;
}

/*
 * A title and body that look like HTML or hold our marks: the text comes
 * back as stored (search.h: the site escapes it, site/search.c
 * marked_html), every byte kept but the marks a title held, which become
 * spaces, so that every mark is the search's and they pair up (a body's
 * control characters are gone already: html_to_text drops them).
 */
static void
hostile_text(void **state)
{
	struct arena *a = arena_new();
	struct search_result r;
	const char *title = "Script <b>bold</b> & \"more\" \x01x\x02 'q'";

	(void)state;
	need_pg();
	add("hostile", title,
	    "<p>Text &lt;script&gt;alert(1)&lt;/script&gt; with quotes \" "
	    "and ' and ampersands &amp;amp; here \x01"
	    "fake\x02 script.</p>",
	    "published", T0, 0, NULL, 0);
	r = search(a, "script");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].title_marked,
	                    "\x01Script\x02 <b>bold</b> & \"more\"  x  'q'");
	assert_string_equal(unmarked(a, r.hits[0].snippet),
	                    "Text <script>alert(1)</script> with quotes \" "
	                    "and ' and ampersands &amp; here fake script.");
	assert_string_equal(r.hits[0].snippet,
	                    "Text <\x01script\x02>alert(1)</\x01script\x02> "
	                    "with quotes \" and ' and ampersands &amp; here "
	                    "fake \x01script\x02.");
	r = search(a, "bold amp");
	assert_int_equal(r.n, 1);
	assert_non_null(strstr(r.hits[0].title_marked, "<b>\x01"
	                                               "bold\x02</b>"));
	arena_free(a);
}

/* The language setting chooses the stems, once the index follows it. */
static void
languages(void **state)
{
	struct arena *a = arena_new();
	struct search_result r;
	struct error e;
	int64_t n;

	(void)state;
	need_pg();
	add("ru", "Санкциями и выборами", "<p>Новые меры.</p>", "published", T0,
	    0, NULL, 0);
	add("en", "Elections", "<p>Sanctions.</p>", "published", T0, 0, NULL,
	    0);
	/* English by default: its stems, not Russian ones. */
	r = search(a, "election results");
	assert_int_equal(r.n, 0);
	r = search(a, "election");
	assert_int_equal(r.n, 1);
	r = search(a, "sanction news");
	assert_int_equal(r.n, 0);
	r = search(a, "санкции выборы");
	assert_int_equal(r.n, 0);
	assert_int_equal(search_pg_language_sync(&g.c, &n, &e), 0);
	assert_int_equal(n, 0);
	exec("INSERT INTO settings(key, value) VALUES ('language', 'ru-RU')");
	assert_int_equal(search_pg_language_sync(&g.c, &n, &e), 0);
	assert_int_equal(n, 2);
	r = search(a, "санкции выборы");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].title_marked,
	                    "\x01Санкциями\x02 и \x01выборами\x02");
	/* Words as written still match whatever the language. */
	r = search(a, "elections");
	assert_int_equal(r.n, 1);
	/* A language without a stemmer: the words alone. */
	exec("UPDATE settings SET value = 'zh' WHERE key = 'language'");
	assert_int_equal(search_pg_language_sync(&g.c, &n, &e), 0);
	assert_int_equal(n, 2);
	r = search(a, "санкции выборы");
	assert_int_equal(r.n, 0);
	r = search(a, "санкциями выборами");
	assert_int_equal(r.n, 1);
	exec("UPDATE settings SET value = 'en' WHERE key = 'language'");
	assert_int_equal(search_pg_language_sync(&g.c, &n, &e), 0);
	assert_int_equal(n, 2);
	r = search(a, "sanction news");
	assert_int_equal(r.n, 0);
	r = search(a, "sanction elections");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].snippet, "\x01Sanctions\x02.");
	arena_free(a);
}

/* The words of a snippet, marks and ellipses left out (an ellipsis
 * after a mark would count as a word of its own). */
static int
snippet_words(const char *s)
{
	int n = 0, in = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int word = *p > ' ' && *p != SEARCH_MARK_START &&
		           *p != SEARCH_MARK_END && *p != '.';

		if (strncmp((const char *)p, "…", strlen("…")) == 0) {
			p += strlen("…") - 1;
			word = 0;
		}
		n += word && !in;
		in = word;
	}
	return n;
}

/*
 * The limits crossed (test_search.c's search_limits): more than
 * LIM_SEARCH_RESULTS matches rank only the newest of them and pages end
 * there; a snippet holds LIM_SEARCH_SNIPPET_TOKENS words of a long body;
 * the last word is a prefix until it is in LIM_SEARCH_PREFIX_DOCS posts.
 */
static void
search_limits(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	struct search_result r;
	char sql[1024];

	(void)state;
	need_pg();
	/* LIM_SEARCH_PREFIX_DOCS - 1 posts with "prefixword", each a body
	 * of 201 words with "common" in the middle; the first the oldest. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO posts(status, slug, title, body_src, "
	         "published_at, updated_at) SELECT 'published', 'p' || i, "
	         "'Post', 'prefixword ' || repeat('filler ', 100) || "
	         "'common ' || repeat('filler ', 99) || 'filler', "
	         "%lld + i, 0 FROM generate_series(0, %d) AS i",
	         (long long)T0, LIM_SEARCH_PREFIX_DOCS - 2);
	exec(sql);
	add("smith", "Unique", "<p>prefixwordsmith</p>", "published", T0 - DAY,
	    0, NULL, 0);
	q = query("common");
	for (q.offset = 0; q.offset <= LIM_SEARCH_RESULTS; q.offset += 10) {
		r = run(a, &q);
		assert_int_equal(r.total, LIM_SEARCH_RESULTS);
		assert_true(r.more);
		assert_int_equal(r.n, q.offset < LIM_SEARCH_RESULTS ? 10 : 0);
		for (size_t i = 0; i < r.n; i++) {
			/* the newest LIM_SEARCH_RESULTS only */
			assert_true(r.hits[i].post.published_at >=
			            T0 + LIM_SEARCH_PREFIX_DOCS - 1 -
			                    LIM_SEARCH_RESULTS);
			assert_int_equal(snippet_words(r.hits[i].snippet),
			                 LIM_SEARCH_SNIPPET_TOKENS);
			assert_non_null(strstr(r.hits[i].snippet, "…filler"));
			assert_non_null(strstr(r.hits[i].snippet, "filler…"));
			assert_non_null(strstr(r.hits[i].snippet,
			                       "\x01"
			                       "common\x02"));
		}
	}
	/* one post short of LIM_SEARCH_PREFIX_DOCS: a prefix */
	q.text = "unique prefixword";
	q.offset = 0;
	r = run(a, &q);
	assert_int_equal(r.total, 1);
	assert_string_equal(r.hits[0].post.slug, "smith");
	assert_string_equal(r.hits[0].snippet, "\x01prefixwordsmith\x02");
	/* in LIM_SEARCH_PREFIX_DOCS posts: the word itself */
	add("last", "Post", "<p>prefixword</p>", "published",
	    T0 + LIM_SEARCH_PREFIX_DOCS, 0, NULL, 0);
	r = run(a, &q);
	assert_int_equal(r.total, 0);
	q.text = "unique prefixwordsmith";
	r = run(a, &q);
	assert_int_equal(r.total, 1);
	/* A body of one word repeated past what is indexed: its snippet
	 * as any other's. */
	{
		char *html = arena_alloc(a, 8 * 12000 + 8);
		size_t n = 0;

		n += (size_t)snprintf(html, 8, "<p>");
		for (int i = 0; i < 12000; i++, n += 6)
			memcpy(html + n, "zebra ", 6);
		memcpy(html + n, "</p>", 5);
		add("zebras", "Zebras", html, "published", T0, 0, NULL, 0);
		q.text = "zebra";
		r = run(a, &q);
		assert_int_equal(r.total, 1);
		assert_int_equal(snippet_words(r.hits[0].snippet),
		                 LIM_SEARCH_SNIPPET_TOKENS);
		assert_non_null(strstr(r.hits[0].snippet, "\x01zebra\x02"));
	}
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(ranking_title_over_body, setup),
		cmocka_unit_test_setup(phrase_exclusion_or, setup),
		cmocka_unit_test_setup(tsquery_syntax_is_text, setup),
		cmocka_unit_test_setup(drafts_admin_only, setup),
		cmocka_unit_test_setup(unicode_folding, setup),
		cmocka_unit_test_setup(filters, setup),
		cmocka_unit_test_setup(pages_and_reindex, setup),
		cmocka_unit_test_setup(snippets_follow_their_hits, setup),
		cmocka_unit_test_setup(hostile_text, setup),
		cmocka_unit_test_setup(languages, setup),
		cmocka_unit_test_setup(search_limits, setup),
	};
	int failed = cmocka_run_group_tests_name("search on postgresql", tests,
	                                         group_setup, group_teardown);

	return failed != 0 ? 1 : g.skipped ? 77 : 0;
}
