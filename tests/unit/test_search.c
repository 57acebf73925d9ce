/*
 * Search: the readers' query language (store/search_query.h) as a table of
 * input -> FTS5 expression, hostile inputs included, each expression also
 * run through FTS5 so none is a syntax error; HTML to text; and
 * store_search() on ":memory:" with posts added through store_post_add.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/search_query.h"
#include "store/internal.h"
#include "store/search.h"
#include "store/site.h"
#include "store/users.h"
#include "util/html_text.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "tmp_site.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define T0  INT64_C(1651017600) /* 2022-04-27 */
#define DAY INT64_C(86400)

static const struct {
	const char *in, *fts;
} parse_cases[] = {
	{"", ""},
	{"   ", ""},
	{"election", "(\"election\"*)"},
	{"el", "(\"el\")"}, /* shorter than LIM_SEARCH_PREFIX_MIN */
	{"election fraud", "(\"election\") AND (\"fraud\"*)"},
	{"\"exact phrase\"", "(\"exact phrase\")"},
	{"\"open phrase", "(\"open phrase\")"},
	{"a \"b c\" d", "(\"a\") AND (\"b c\") AND (\"d\")"},
	{"news -sport", "(\"news\") NOT (\"sport\")"},
	{"news -sport -\"world cup\"",
         "(\"news\") NOT (\"sport\" OR \"world cup\")"},
	{"-sport", ""},
	{"cats OR dogs", "(\"cats\" OR \"dogs\"*)"},
	{"x cats OR dogs OR birds y",
         "(\"x\") AND (\"cats\" OR \"dogs\" OR \"birds\") AND (\"y\")"},
	{"OR cats", "(\"cats\"*)"},
	{"cats OR", "(\"cats\")"},
	{"cats OR OR dogs", "(\"cats\") AND (\"dogs\"*)"},
	{"cats or dogs", "(\"cats\") AND (\"or\") AND (\"dogs\"*)"},
	/* hostile: FTS5 syntax is text */
	{"\"", ""},
	{"*", ""},
	{":", ""},
	{"^", ""},
	{"(", ""},
	{")", ""},
	{"-", ""},
	{"--", ""},
	{"- word", "(\"word\"*)"},
	{"NEAR", "(\"NEAR\"*)"},
	{"NEAR(a b)", "(\"NEAR(a\") AND (\"b)\")"},
	{"AND", "(\"AND\"*)"},
	{"NOT x", "(\"NOT\") AND (\"x\")"},
	{"title:x", "(\"title:x\"*)"},
	{"^abc*", "(\"^abc*\"*)"},
	{"a\"b", "(\"a\") AND (\"b\")"},
	{"say \"\"hi\"\"", "(\"say\") AND (\"hi\")"},
	{"--x", ""}, /* "-" then "-x": an exclusion alone */
	{"c++ programming", "(\"c++\") AND (\"programming\"*)"},
	{"{}[]", ""},
	{"«»—…", ""},
	/* unicode */
	{"Ёлка", "(\"Ёлка\"*)"},
	{"café naïve", "(\"café\") AND (\"naïve\"*)"},
	{"日本", "(\"日本\")"},
	{"a\x01"
         "b",
         "(\"a\") AND (\"b\")"},
	{"bad\xff"
         "utf",
         "(\"bad\") AND (\"utf\"*)"},
};

static void
parse_table(void **state)
{
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < NELEM(parse_cases); i++) {
		const char *in = parse_cases[i].in;
		const char *want = parse_cases[i].fts;
		const char *got;

		got = search_query_fts(a, in, strlen(in), 1, NULL);
		if (strcmp(got, want) != 0)
			fail_msg("query '%s': got '%s', want '%s'", in, got,
			         want);
	}
	arena_free(a);
}

static void
parse_limits(void **state)
{
	struct arena *a = arena_new();
	struct search_parse info;
	char q[LIM_SEARCH_QUERY_BYTES * 4];
	const char *got;
	size_t n = 0;

	(void)state;
	/* More terms than LIM_SEARCH_TERMS: the rest are dropped. */
	for (int i = 0; i < LIM_SEARCH_TERMS + 5; i++)
		n += (size_t)snprintf(q + n, sizeof(q) - n, "w%d ", i);
	got = search_query_fts(a, q, n, 1, &info);
	assert_int_equal(info.terms, LIM_SEARCH_TERMS);
	assert_int_equal(info.dropped, 5);
	assert_null(strstr(got, "w20"));
	assert_non_null(strstr(got, "w15"));
	/* Longer than LIM_SEARCH_QUERY_BYTES: cut, on a character. */
	memset(q, 0, sizeof(q));
	for (n = 0; n + 2 < sizeof(q) - 1; n += 2)
		memcpy(q + n, "é", 2);
	got = search_query_fts(a, q, n, 1, &info);
	assert_int_equal(info.cut, 1);
	assert_true(strlen(got) <= LIM_SEARCH_QUERY_BYTES + 8);
	arena_free(a);
}

/* Every expression the parser makes is valid FTS5, whatever the input. */
static void
parse_valid_fts(void **state)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	struct arena *a = arena_new();
	static const char *const extra[] = {"\"\"\"",
	                                    "a OR",
	                                    "\" OR \"",
	                                    "-\"",
	                                    "-\"\"",
	                                    "x -",
	                                    "* OR *",
	                                    "a:b:c d^e",
	                                    "(a OR b) AND NOT c",
	                                    "NEAR(\"a\" \"b\", 3)",
	                                    "{title body}: x",
	                                    "\\\"x\\\"",
	                                    "a*b*c",
	                                    "+a +b",
	                                    "a - b",
	                                    "\x7f\x1b[0m",
	                                    "\"a\" OR -b OR \"c"};

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE VIRTUAL TABLE t USING fts5(a, "
	                              "b, tokenize = 'unicode61 "
	                              "remove_diacritics 2');"
	                              "INSERT INTO t VALUES ('a b', 'c');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT count(*) FROM t "
	                                    "WHERE t MATCH ?1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	for (size_t i = 0; i < NELEM(parse_cases) + NELEM(extra); i++) {
		const char *in = i < NELEM(parse_cases)
		                         ? parse_cases[i].in
		                         : extra[i - NELEM(parse_cases)];
		const char *fts = search_query_fts(a, in, strlen(in), 1, NULL);

		if (*fts == '\0')
			continue;
		sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			fail_msg("query '%s' -> '%s': %s", in, fts,
			         sqlite3_errmsg(db));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	arena_free(a);
}

static void
html_text(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"<p>Hello <em>wor</em>ld</p>\n<p>Next</p>",
	         "Hello world Next"},
		{"a&amp;b &lt;i&gt; &#233;&#xE9; &nbsp;x", "a&b <i> éé x"},
		{"<a href=\"x>y\">link</a> <!-- note --> z", "link z"},
		{"&#1;&#0;&bogus; 1 < 2", "&bogus; 1 < 2"},
		{"<script>x</script>", "x"},
		{"", ""},
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		const char *got =
			html_to_text(a, cases[i].in, strlen(cases[i].in));

		if (strcmp(got, cases[i].out) != 0)
			fail_msg("html '%s': got '%s', want '%s'", cases[i].in,
			         got, cases[i].out);
	}
	arena_free(a);
}

/* ---- the store ---------------------------------------------------------- */

static int
setup(void **state)
{
	struct error e;
	struct store *s = store_open(":memory:", 1, &e);

	if (s == NULL) {
		print_error("store_open: %s\n", e.msg);
		return -1;
	}
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

static int64_t
add(struct store *s, const char *slug, const char *title, const char *html,
    enum post_status status, int64_t published_at, int64_t section_id,
    const char *tag, int64_t author_id)
{
	struct post p;
	struct error e;
	int64_t id = 0;
	const char *tags[1] = {tag};

	memset(&p, 0, sizeof(p));
	p.type = POST_POST;
	p.status = status;
	p.slug = slug;
	p.title = title;
	p.body_src = "source text only";
	p.body_html = html;
	p.published_at = published_at;
	p.section_id = section_id;
	p.author_id = author_id;
	p.tags = tags;
	p.ntags = tag != NULL;
	if (store_post_add(s, &p, &id, &e) == -1)
		fail_msg("store_post_add %s: %s", slug, e.msg);
	return id;
}

static struct search_result
search(struct store *s, struct arena *a, const char *text)
{
	struct search_query q;
	struct search_result res;
	struct error e;

	memset(&q, 0, sizeof(q));
	q.text = text;
	q.now = T0 + 100 * DAY;
	q.status = -1;
	q.limit = 10;
	if (store_search(s, a, &q, &res, &e) == -1)
		fail_msg("store_search '%s': %s", text, e.msg);
	return res;
}

static void
seed(struct store *s)
{
	struct section sec = {0};
	struct error e;
	int64_t sid, uid;

	sec.slug = "world";
	sec.name = "World";
	assert_int_equal(store_section_add(s, &sec, &sid, &e), 0);
	assert_int_equal(store_user_add(s, "jdoe", "Jane Doe", ROLE_AUTHOR,
	                                NULL, &uid, &e),
	                 0);
	add(s, "body-only", "Weather today",
	    "<p>The <strong>harvest</strong> failed in the north.</p>",
	    POST_PUBLISHED, T0, 0, NULL, 0);
	add(s, "in-title", "Harvest festival", "<p>Music and food all day.</p>",
	    POST_PUBLISHED, T0 + DAY, sid, "Culture", uid);
	add(s, "phrase", "Markets",
	    "<p>Prices of grain fell sharply as harvest arrived.</p>",
	    POST_PUBLISHED, T0 + 2 * DAY, 0, NULL, 0);
	add(s, "draft", "Harvest secret plans", "<p>Not yet.</p>", POST_DRAFT,
	    T0, 0, NULL, 0);
	add(s, "future", "Harvest next year", "<p>Soon.</p>", POST_PUBLISHED,
	    T0 + 1000 * DAY, 0, NULL, 0);
	add(s, "cyrillic", "Новости",
	    "<p>Ёлка в центре города. Crème brûlée à la café.</p>",
	    POST_PUBLISHED, T0 + 3 * DAY, 0, NULL, 0);
}

static void
ranking_title_over_body(void **state)
{
	struct arena *a = arena_new();
	struct search_result r;

	seed(*state);
	r = search(*state, a, "harvest");
	assert_int_equal(r.total, 3); /* not the draft, not the future one */
	assert_int_equal(r.n, 3);
	assert_string_equal(r.hits[0].post.slug, "in-title");
	assert_non_null(strchr(r.hits[0].title_marked, SEARCH_MARK_START));
	assert_non_null(strstr(r.hits[1].snippet, "\x01harvest\x02"));
	arena_free(a);
}

static void
phrase_exclusion_or(void **state)
{
	struct arena *a = arena_new();
	struct search_result r;

	seed(*state);
	r = search(*state, a, "\"harvest arrived\"");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].post.slug, "phrase");
	r = search(*state, a, "\"arrived harvest\"");
	assert_int_equal(r.n, 0);
	r = search(*state, a, "harvest -grain -music");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].post.slug, "body-only");
	r = search(*state, a, "music OR grain");
	assert_int_equal(r.n, 2);
	r = search(*state, a, "harv"); /* the last word is a prefix */
	assert_int_equal(r.n, 3);
	r = search(*state, a, "***");
	assert_int_equal(r.empty, 1);
	r = search(*state, a, "title:harvest NEAR( ^ \"");
	assert_int_equal(r.empty, 0);
	arena_free(a);
}

static void
drafts_admin_only(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	struct search_result r;
	struct error e;

	seed(*state);
	r = search(*state, a, "secret");
	assert_int_equal(r.n, 0);
	memset(&q, 0, sizeof(q));
	q.text = "harvest";
	q.now = T0;
	q.admin = 1;
	q.status = -1;
	q.limit = 10;
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 5); /* the draft and the future one too */
	q.status = POST_DRAFT;
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].post.slug, "draft");
	arena_free(a);
}

static void
unicode_folding(void **state)
{
	struct arena *a = arena_new();
	struct search_result r;

	seed(*state);
	r = search(*state, a, "ёлка");
	assert_int_equal(r.n, 1);
	r = search(*state, a, "ЁЛКА");
	assert_int_equal(r.n, 1);
	/* unicode61 does not fold Ё to Е; gazette_stem does, as Russian
	 * readers often type it. */
	r = search(*state, a, "елка");
	assert_int_equal(r.n, 1);
	r = search(*state, a, "ЕЛКА");
	assert_int_equal(r.n, 1);
	r = search(*state, a, "creme brulee");
	assert_int_equal(r.n, 1);
	r = search(*state, a, "CAFÉ");
	assert_int_equal(r.n, 1);
	r = search(*state, a, "новости");
	assert_int_equal(r.n, 1);
	arena_free(a);
}

static void
filters(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	struct search_result r;
	struct error e;

	seed(*state);
	memset(&q, 0, sizeof(q));
	q.text = "harvest";
	q.now = T0 + 100 * DAY;
	q.status = -1;
	q.limit = 10;
	q.section_slug = "world";
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].post.slug, "in-title");
	q.section_slug = NULL;
	q.tag_slug = "culture";
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.n, 1);
	q.tag_slug = NULL;
	q.author_login = "jdoe";
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.n, 1);
	q.author_login = "nobody";
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.n, 0);
	q.author_login = NULL;
	q.from = T0 + DAY;
	q.to = T0 + 2 * DAY; /* [from, to): the second day only */
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hits[0].post.slug, "in-title");
	/* Tags and author names are searched too. */
	r = search(*state, a, "culture");
	assert_int_equal(r.n, 1);
	r = search(*state, a, "jane");
	assert_int_equal(r.n, 1);
	arena_free(a);
}

static void
pages_and_index_in_step(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	struct search_result r;
	struct error e;
	char slug[32];
	int64_t n, id = 0;

	for (int i = 0; i < 25; i++) {
		snprintf(slug, sizeof(slug), "p%d", i);
		id = add(*state, slug, "Common title", "<p>common words</p>",
		         POST_PUBLISHED, T0 + i, 0, NULL, 0);
	}
	memset(&q, 0, sizeof(q));
	q.text = "common";
	q.now = T0 + DAY;
	q.status = -1;
	q.limit = 10;
	q.offset = 20;
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 25);
	assert_int_equal(r.n, 5);
	q.offset = 30; /* past the end: no hits, still the count */
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 25);
	assert_int_equal(r.n, 0);
	/* Unpublishing takes a post out of public results at once. */
	assert_int_equal(store_post_set_status(*state, id, POST_TRASH, T0, &e),
	                 0);
	q.offset = 0;
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 24);
	/* Reindex rebuilds the same. */
	assert_int_equal(store_search_reindex(*state, &n, &e), 0);
	assert_int_equal(n, 25);
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 24);
	r = search(*state, a, "source"); /* the body is the HTML's text */
	assert_int_equal(r.n, 0);
	arena_free(a);
}

/*
 * Snippets come from one pass over the matches between the page's lowest
 * and highest id (store_search.c): each hit must get its own, also when
 * the ranking interleaves ids and matches off the page lie in between.
 */
static void
snippets_follow_their_hits(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	struct search_result r;
	struct error e;
	char slug[32], title[64], html[128], own[32];

	for (int i = 0; i < 30; i++) {
		snprintf(slug, sizeof(slug), "s%d", i);
		/* Every third title matches too, so ranks are not ids. */
		snprintf(title, sizeof(title), "%s %d",
		         i % 3 == 0 ? "Zebra" : "Horse", i);
		snprintf(html, sizeof(html),
		         "<p>Lorem ipsum own%dword dolor zebra sit amet.</p>",
		         i);
		add(*state, slug, title, html, POST_PUBLISHED, T0 + i, 0, NULL,
		    0);
	}
	memset(&q, 0, sizeof(q));
	q.text = "zebra";
	q.now = T0 + DAY;
	q.status = -1;
	q.limit = 10;
	for (q.offset = 0; q.offset < 30; q.offset += 10) {
		assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
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
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_non_null(strchr(r.hits[0].title_marked, SEARCH_MARK_START));
	arena_free(a);
}

/* A table like posts_fts of 400 generated rows (words, diacritics,
 * sentences, short and long) with the search functions, for comparing
 * them with FTS5's own. */
static sqlite3 *
fts_corpus(void)
{
	static const char *const words[] = {"alpha", "beta",    "gamma",
	                                    "delta", "epsilon", "zeta",
	                                    "eta",   "theta",   "iota",
	                                    "kappa", "lambda",  "mu",
	                                    "café",  "Ёлка",    "omega",
	                                    "sigma"};
	static const char *const seps[] = {" ",  " ",  " ",   " ",   ", ",
	                                   ". ", ": ", " - ", ".\n", "  "};
	struct error e;
	sqlite3 *db;
	sqlite3_stmt *ins;
	uint64_t rng = 42;
	char doc[8192];

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(search_functions_add(db, &e), 0);
	assert_int_equal(
		sqlite3_exec(db,
	                     "CREATE VIRTUAL TABLE t USING fts5(title, body, "
	                     "tokenize = 'unicode61 remove_diacritics 2')",
	                     NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "INSERT INTO t(title, body) "
	                                    "VALUES (?2, ?1)",
	                                    -1, &ins, NULL),
	                 SQLITE_OK);
	for (int d = 0; d < 400; d++) {
		size_t len = 0;
		int n;

		rng = rng * 6364136223846793005u + 1442695040888963407u;
		n = (int)(rng >> 33) % (d % 4 == 0 ? 12 : 300) + 1;
		if (d % 7 == 0)
			len += (size_t)snprintf(doc, sizeof(doc), " . ");
		for (int i = 0; i < n && len + 64 < sizeof(doc); i++) {
			rng = rng * 6364136223846793005u + 1442695040888963407u;
			len += (size_t)snprintf(doc + len, sizeof(doc) - len,
			                        "%s%s", words[(rng >> 33) % 16],
			                        i + 1 < n
			                                ? seps[(rng >> 45) % 10]
			                                : "");
		}
		if (d % 5 == 0)
			len += (size_t)snprintf(doc + len, sizeof(doc) - len,
			                        " ...");
		sqlite3_bind_text(ins, 1, doc, (int)len, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, words[d % 16], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	return db;
}

static const char *const fts_queries[] = {"alpha",
                                          "omega",
                                          "sigma",
                                          "\"alpha beta\"",
                                          "\"beta beta\"",
                                          "alpha AND omega",
                                          "alpha OR sigma",
                                          "gamma NOT delta",
                                          "caf*",
                                          "\"ёлка\"",
                                          "sig*",
                                          "alpha AND beta AND gamma",
                                          "\"alpha beta\" OR \"beta gamma\"",
                                          "mu AND \"eta theta\"",
                                          "kappa*",
                                          "alpha NOT (beta OR gamma)"};

/*
 * search_snippet() (store_search.c) must give what FTS5's snippet() gives:
 * the same window, marks and ellipses, for single words, prefixes,
 * phrases, several terms, OR and NOT, matches near either end, overlapping
 * phrases, sentences, short and long documents, several window sizes.
 */
static void
snippet_as_fts5(void **state)
{
	static const int sizes[] = {2, 3, 5, 10, 32, 64};
	sqlite3 *db = fts_corpus();
	sqlite3_stmt *cmp;
	int compared = 0;

	(void)state;
	assert_int_equal(
		sqlite3_prepare_v2(db,
	                           "SELECT rowid, "
	                           "snippet(t, 1, '[', ']', '…', ?2), "
	                           "search_snippet(t, 1, '[', ']', '…', ?2) "
	                           "FROM t WHERE t MATCH ?1",
	                           -1, &cmp, NULL),
		SQLITE_OK);
	for (size_t q = 0; q < sizeof(fts_queries) / sizeof(fts_queries[0]);
	     q++) {
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
			sqlite3_bind_text(cmp, 1, fts_queries[q], -1,
			                  SQLITE_STATIC);
			sqlite3_bind_int(cmp, 2, sizes[z]);
			while (sqlite3_step(cmp) == SQLITE_ROW) {
				const char *want =
					(const char *)sqlite3_column_text(cmp,
				                                          1);
				const char *got =
					(const char *)sqlite3_column_text(cmp,
				                                          2);

				if (want == NULL || got == NULL ||
				    strcmp(want, got) != 0)
					fail_msg("'%s' %d row %lld:\n"
					         "snippet: %s\nours:    %s",
					         fts_queries[q], sizes[z],
					         (long long)
					                 sqlite3_column_int64(
								 cmp, 0),
					         want ? want : "(null)",
					         got ? got : "(null)");
				compared++;
			}
			assert_int_equal(sqlite3_errcode(db), SQLITE_DONE);
			sqlite3_reset(cmp);
		}
	}
	assert_true(compared > 1000);
	sqlite3_finalize(cmp);
	sqlite3_close(db);
}

/*
 * The score of every row of t matching fts by expr (a function of t, with
 * ?2 bound to arg, an int or, when n > 0, a blob of n int64s), by rowid;
 * NAN for rows that do not match.  One function per statement: calls in
 * one row share the function's auxiliary data.
 */
static void
scores(sqlite3 *db, const char *expr, const char *fts, int arg,
       const int64_t *blob, int n, double out[400])
{
	sqlite3_stmt *st;
	char sql[256];

	for (int i = 0; i < 400; i++)
		out[i] = NAN;
	snprintf(sql, sizeof(sql), "SELECT rowid, %s FROM t WHERE t MATCH ?1",
	         expr);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	if (n > 0)
		sqlite3_bind_blob(st, 2, blob, n * 8, SQLITE_STATIC);
	else
		sqlite3_bind_int(st, 2, arg);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		assert_true(id >= 1 && id <= 400);
		out[id - 1] = sqlite3_column_double(st, 1);
	}
	assert_int_equal(sqlite3_errcode(db), SQLITE_DONE);
	sqlite3_finalize(st);
}

/*
 * search_rank() with idf 1 is bm25() to the bit; with idf 0 it is bm25()
 * over one positive term divided by that term's idf, the same for every
 * row, so the order is bm25()'s.
 */
static void
rank_as_bm25(void **state)
{
	sqlite3 *db = fts_corpus();
	double bm[400], with[400], without[400];
	int compared = 0;

	(void)state;
	for (size_t q = 0; q < sizeof(fts_queries) / sizeof(fts_queries[0]);
	     q++) {
		/* One positive phrase: a word, a prefix or a phrase, with or
		 * without exclusions. */
		int one = strchr(fts_queries[q], ' ') == NULL ||
		          (fts_queries[q][0] == '"' &&
		           strchr(fts_queries[q] + 1, '"')[1] == '\0') ||
		          strstr(fts_queries[q], " NOT ") != NULL;
		double ratio = 0.0;

		scores(db, "bm25(t, 10.0, 1.0)", fts_queries[q], 0, NULL, 0,
		       bm);
		scores(db, "search_rank(t, ?2, NULL, 10.0, 1.0)",
		       fts_queries[q], 1, NULL, 0, with);
		scores(db, "search_rank(t, ?2, NULL, 10.0, 1.0)",
		       fts_queries[q], 0, NULL, 0, without);
		for (int i = 0; i < 400; i++) {
			if (isnan(bm[i]))
				continue;
			if (bm[i] != with[i])
				fail_msg("'%s': bm25 %.17g, search_rank %.17g",
				         fts_queries[q], bm[i], with[i]);
			if (one && without[i] != 0.0) {
				if (ratio == 0.0)
					ratio = bm[i] / without[i];
				assert_true(fabs(bm[i] / without[i] - ratio) <
				            1e-9 * ratio);
			}
			compared++;
		}
	}
	assert_true(compared > 500);
	sqlite3_close(db);
}

/*
 * The snippets and titles of a page come from what the ranking recorded
 * of each row's matches, on a cursor that looks the rows up by id
 * (store_search.c): the same as snippet() and highlight() on the MATCH.
 */
static void
recorded_snippets_as_fts5(void **state)
{
	sqlite3 *db = fts_corpus();
	struct search_insts *si = search_insts_new();
	sqlite3_stmt *rank, *page;
	static char want_snip[400][2048], want_title[400][512];
	int compared = 0;

	(void)state;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT rowid, "
	                                    "search_rank(t, 0, ?2, 10.0, 1.0), "
	                                    "snippet(t, 1, '[', ']', '…', ?3), "
	                                    "highlight(t, 0, '[', ']') "
	                                    "FROM t WHERE t MATCH ?1",
	                                    -1, &rank, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(
				 db,
				 "SELECT t.rowid, "
				 "search_highlight(t, 0, '[', ']', ?2, "
				 "t.rowid), "
				 "search_snippet(t, 1, '[', ']', '…', ?3, ?2, "
				 "t.rowid) "
				 "FROM json_each(?1) AS j CROSS JOIN t "
				 "ON t.rowid = j.value",
				 -1, &page, NULL),
	                 SQLITE_OK);
	for (size_t q = 0; q < NELEM(fts_queries); q++) {
		static const int sizes[] = {2, 5, 32};

		for (size_t z = 0; z < NELEM(sizes); z++) {
			char ids[400 * 5 + 2] = "[";
			size_t len = 1;

			search_insts_free(si);
			si = search_insts_new();
			sqlite3_bind_text(rank, 1, fts_queries[q], -1,
			                  SQLITE_STATIC);
			sqlite3_bind_pointer(rank, 2, si, SEARCH_INSTS_TYPE,
			                     NULL);
			sqlite3_bind_int(rank, 3, sizes[z]);
			while (sqlite3_step(rank) == SQLITE_ROW) {
				int64_t id = sqlite3_column_int64(rank, 0);

				snprintf(want_snip[id - 1],
				         sizeof(want_snip[0]), "%s",
				         sqlite3_column_text(rank, 2));
				snprintf(want_title[id - 1],
				         sizeof(want_title[0]), "%s",
				         sqlite3_column_text(rank, 3));
				len += (size_t)snprintf(ids + len,
				                        sizeof(ids) - len,
				                        "%s%lld",
				                        len > 1 ? "," : "",
				                        (long long)id);
			}
			assert_int_equal(sqlite3_errcode(db), SQLITE_DONE);
			sqlite3_reset(rank);
			snprintf(ids + len, sizeof(ids) - len, "]");
			sqlite3_bind_text(page, 1, ids, -1, SQLITE_STATIC);
			sqlite3_bind_pointer(page, 2, si, SEARCH_INSTS_TYPE,
			                     NULL);
			sqlite3_bind_int(page, 3, sizes[z]);
			while (sqlite3_step(page) == SQLITE_ROW) {
				int64_t id = sqlite3_column_int64(page, 0);
				const char *title =
					(const char *)sqlite3_column_text(page,
				                                          1);
				const char *snip =
					(const char *)sqlite3_column_text(page,
				                                          2);

				if (title == NULL ||
				    strcmp(title, want_title[id - 1]) != 0)
					fail_msg("'%s' row %lld title:\n"
					         "highlight: %s\nours:      %s",
					         fts_queries[q], (long long)id,
					         want_title[id - 1],
					         title ? title : "(null)");
				if (snip == NULL ||
				    strcmp(snip, want_snip[id - 1]) != 0)
					fail_msg("'%s' %d row %lld:\n"
					         "snippet: %s\nours:    %s",
					         fts_queries[q], sizes[z],
					         (long long)id,
					         want_snip[id - 1],
					         snip ? snip : "(null)");
				compared++;
			}
			assert_int_equal(sqlite3_errcode(db), SQLITE_DONE);
			sqlite3_reset(page);
		}
	}
	assert_true(compared > 1000);
	sqlite3_finalize(rank);
	sqlite3_finalize(page);
	search_insts_free(si);
	sqlite3_close(db);
}

/* Rows of t holding the one-phrase query q. */
static int64_t
docs_of(sqlite3 *db, const char *table, const char *q)
{
	sqlite3_stmt *st;
	char sql[128];
	int64_t n;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE %s MATCH ?1",
	         table, table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * search_rank() given the terms' counts beforehand (store_search() looks
 * them up in its cache) is bm25() to the bit, which also holds the
 * parser's list of phrases (search_parse.phrase) to FTS5's order: counts
 * swapped between two phrases change the scores.
 */
static void
rank_with_counts_as_bm25(void **state)
{
	static const char *const queries[] =
		{"alpha beta",
	         "alpha -beta gamma",
	         "\"alpha beta\" gamma",
	         "alpha OR sigma kappa",
	         "caf omega",
	         "mu \"eta theta\" sig",
	         "omega -\"beta gamma\" -delta zeta",
	         "ёлка alpha"};
	sqlite3 *db = fts_corpus();
	struct arena *a = arena_new();
	double bm[400], with[400], other[400];
	int compared = 0, mattered = 0;

	(void)state;
	for (size_t q = 0; q < NELEM(queries); q++) {
		struct search_parse info;
		const char *fts =
			search_query_fts(a, queries[q], strlen(queries[q]), 1,
		                         &info);
		int64_t counts[LIM_SEARCH_TERMS], swapped[LIM_SEARCH_TERMS];
		int differs = 0, lo = 0, hi = 0;

		assert_true(info.positive > 1);
		for (int i = 0; i < info.nphrase; i++)
			counts[i] = i < info.positive
			                    ? docs_of(db, "t", info.phrase[i])
			                    : -1;
		/* The rarest and the commonest positive phrase swapped. */
		memcpy(swapped, counts, sizeof(counts));
		for (int i = 1; i < info.positive; i++) {
			if (counts[i] < counts[lo])
				lo = i;
			if (counts[i] > counts[hi])
				hi = i;
		}
		swapped[lo] = counts[hi];
		swapped[hi] = counts[lo];
		scores(db, "bm25(t, 10.0, 1.0)", fts, 0, NULL, 0, bm);
		scores(db, "search_rank(t, ?2, NULL, 10.0, 1.0)", fts, 0,
		       counts, info.nphrase, with);
		scores(db, "search_rank(t, ?2, NULL, 10.0, 1.0)", fts, 0,
		       swapped, info.nphrase, other);
		for (int i = 0; i < 400; i++) {
			if (isnan(bm[i]))
				continue;
			if (bm[i] != with[i])
				fail_msg("'%s' (%s): bm25 %.17g, counted %.17g",
				         queries[q], fts, bm[i], with[i]);
			differs |= other[i] != bm[i];
			compared++;
		}
		mattered += differs;
	}
	assert_true(compared > 100);
	/* Most words of the corpus are in most rows, where bm25 weighs
	 * them all alike (its idf floor); the phrases are rarer. */
	assert_true(mattered >= 2);
	sqlite3_close(db);
	arena_free(a);
}

/*
 * On a file the counts come from the store's cache, kept per version of
 * the index: every score is still what bm25() gives on the index as it
 * is, also after posts that change the counts are added.
 */
static void
cached_counts_follow_the_index(void **state)
{
	struct tmp_site t;
	char slug[32];
	struct arena *a;
	struct store *st;
	struct error e;
	sqlite3 *db;

	SQLITE_ONLY();
	(void)state;
	a = arena_new();
	st = tmp_site_open(&t, "search");
	assert_int_equal(sqlite3_open_v2(t.db, &db, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	/* The index's tokenizer, as every connection of the store has it. */
	assert_int_equal(search_functions_add(db, &e), 0);
	for (int round = 0; round < 3; round++) {
		struct search_result r;
		sqlite3_stmt *bm;

		/* Each round adds posts holding the words in new shares. */
		for (int i = 0; i < 6; i++) {
			snprintf(slug, sizeof(slug), "r%d-%d", round, i);
			add(st, slug, i % 2 ? "Harbour news" : "Port report",
			    i < 2 + round ? "<p>harbour cranes idle</p>"
			                  : "<p>cranes and more cranes</p>",
			    POST_PUBLISHED, T0 + round * 10 + i, 0, NULL, 0);
		}
		r = search(st, a, "harbour cranes");
		assert_true(r.n > 0);
		assert_int_equal(
			sqlite3_prepare_v2(db,
		                           "SELECT bm25(posts_fts, 10.0, 1.0, "
		                           "2.0, 5.0, 2.0) FROM posts_fts "
		                           "WHERE posts_fts MATCH "
		                           "'(\"harbour\") AND (\"cranes\"*)' "
		                           "AND rowid = ?1",
		                           -1, &bm, NULL),
			SQLITE_OK);
		for (size_t i = 0; i < r.n; i++) {
			sqlite3_bind_int64(bm, 1, r.hits[i].post.id);
			assert_int_equal(sqlite3_step(bm), SQLITE_ROW);
			if (sqlite3_column_double(bm, 0) != r.hits[i].score)
				fail_msg("round %d, %s: bm25 %.17g, ours %.17g",
				         round, r.hits[i].post.slug,
				         sqlite3_column_double(bm, 0),
				         r.hits[i].score);
			sqlite3_reset(bm);
		}
		sqlite3_finalize(bm);
		/* Past LIM_SEARCH_TERM_CACHE / 2 counts the cache starts
		 * afresh (each search here adds at least one), and the
		 * rounds go on all the same. */
		for (int i = 0; round == 1 && i < LIM_SEARCH_TERM_CACHE / 2 + 8;
		     i++) {
			char q[64];

			snprintf(q, sizeof(q), "harbour nothing%d", i);
			r = search(st, a, q);
			assert_int_equal(r.n, 0);
		}
	}
	sqlite3_close(db);
	store_close(st);
	arena_free(a);
	tmp_site_remove(&t);
}

/* The words of a snippet, markers and the ellipses FTS5 adds left out. */
static int
snippet_words(const char *s)
{
	int n = 0, in = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int word = *p > ' ' && *p != SEARCH_MARK_START &&
		           *p != SEARCH_MARK_END && *p != '.';

		n += word && !in;
		in = word;
	}
	return n;
}

/*
 * The search limits crossed: more than LIM_SEARCH_RESULTS matches rank
 * only the newest LIM_SEARCH_RESULTS and pages end there; a snippet holds
 * LIM_SEARCH_SNIPPET_TOKENS words of a long body; the last word is a
 * prefix until it is in LIM_SEARCH_PREFIX_DOCS posts, and from then on
 * itself only.
 */
static void
search_limits(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	struct search_result r;
	struct error e;
	struct buf body;
	char slug[32];
	int64_t oldest = 0;

	/* LIM_SEARCH_PREFIX_DOCS - 1 posts with "prefixword", oldest first,
	 * each a body of 200 words with "common" in the middle */
	buf_init(&body, 1 << 20);
	for (int i = 0; i < LIM_SEARCH_PREFIX_DOCS - 1; i++) {
		buf_reset(&body);
		assert_int_equal(buf_puts(&body, "<p>prefixword"), 0);
		for (int w = 0; w < 200; w++)
			assert_int_equal(buf_printf(&body, " %s",
			                            w == 100 ? "common"
			                                     : "filler"),
			                 0);
		assert_int_equal(buf_puts(&body, "</p>"), 0);
		snprintf(slug, sizeof(slug), "p%d", i);
		if (i == 0)
			oldest = add(*state, slug, "Old", buf_str(&body),
			             POST_PUBLISHED, T0, 0, NULL, 0);
		else
			add(*state, slug, "Post", buf_str(&body),
			    POST_PUBLISHED, T0 + i, 0, NULL, 0);
	}
	add(*state, "smith", "Unique", "<p>prefixwordsmith</p>", POST_PUBLISHED,
	    T0 - DAY, 0, NULL, 0);

	memset(&q, 0, sizeof(q));
	q.now = T0 + 100 * DAY;
	q.status = -1;
	q.text = "common";
	q.limit = 10;
	for (q.offset = 0; q.offset <= LIM_SEARCH_RESULTS; q.offset += 10) {
		assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
		assert_int_equal(r.total, LIM_SEARCH_RESULTS);
		assert_true(r.more);
		assert_int_equal(r.n, q.offset < LIM_SEARCH_RESULTS ? 10 : 0);
		for (size_t i = 0; i < r.n; i++) {
			/* the newest LIM_SEARCH_RESULTS only */
			assert_true(r.hits[i].post.id != oldest);
			assert_true(r.hits[i].post.published_at >=
			            T0 + LIM_SEARCH_PREFIX_DOCS - 1 -
			                    LIM_SEARCH_RESULTS);
			assert_int_equal(snippet_words(r.hits[i].snippet),
			                 LIM_SEARCH_SNIPPET_TOKENS);
			assert_non_null(strstr(r.hits[i].snippet,
			                       "\x01"
			                       "common\x02"));
		}
	}

	/* one post short of LIM_SEARCH_PREFIX_DOCS: a prefix */
	q.text = "unique prefixword";
	q.offset = 0;
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 1);
	assert_string_equal(r.hits[0].post.slug, "smith");
	/* in LIM_SEARCH_PREFIX_DOCS posts: the word itself */
	add(*state, "last", "Post", "<p>prefixword</p>", POST_PUBLISHED,
	    T0 + LIM_SEARCH_PREFIX_DOCS, 0, NULL, 0);
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 0);
	q.text = "unique prefixwordsmith";
	assert_int_equal(store_search(*state, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 1);
	buf_release(&body);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_table),
		cmocka_unit_test(parse_limits),
		cmocka_unit_test(parse_valid_fts),
		cmocka_unit_test(html_text),
		cmocka_unit_test(snippet_as_fts5),
		cmocka_unit_test(recorded_snippets_as_fts5),
		cmocka_unit_test(rank_as_bm25),
		cmocka_unit_test(rank_with_counts_as_bm25),
		cmocka_unit_test(cached_counts_follow_the_index),
		cmocka_unit_test_setup_teardown(ranking_title_over_body, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(phrase_exclusion_or, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(drafts_admin_only, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(unicode_folding, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(filters, setup, teardown),
		cmocka_unit_test_setup_teardown(pages_and_index_in_step, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(snippets_follow_their_hits,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(search_limits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
