/*
 * gazette_stem (store/store_search_stem.c), the tokenizer of the search
 * index: a table of (language, text indexed, FTS5 query, matches?) run
 * on a table of its own (stems, Ё folded, diacritics, CJK kept, the last
 * word's prefix unstemmed); the language tag to the stemmer's language;
 * and, through the store, a change of the language setting making the
 * index again, with snippets marking the words of the text, not stems.
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

#include "store/internal.h"
#include "store/posts.h"
#include "store/search.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *lang, *text, *query;
	int found;
} match_cases[] = {
	/* English: the forms of a word find each other */
	{"en", "New sanctions were announced", "\"sanction\"", 1},
	{"en", "A sanction was announced", "\"sanctions\"", 1},
	{"en", "The election results", "\"elections\"", 1},
	{"en", "They elected a mayor", "\"election\"", 1},
	{"en", "Electricity prices", "\"election\"", 0},
	/* the reader's last word is a prefix of the words as written, and
         * its own stem exactly: never the stem's prefix */
	{"en", "The election results", "\"electi\"*", 1},
	{"en", "Electricity prices", "\"election\"*", 0},
	{"en", "They elected a mayor", "\"election\"*", 1},
	{"en", "New sanctions were announced", "\"sanctions\"*", 1},
	{"en", "A sanction was announced", "\"sanctions\"*", 1},
	{"en", "A sanction was announced", "\"sanct\"*", 1},
	/* phrases keep their positions */
	{"en", "sanctions against the regime", "\"sanction against\"", 1},
	{"en", "sanctions were against", "\"sanction against\"", 0},
	/* Russian */
	{"ru", "Новые санкции против", "\"санкциями\"", 1},
	{"ru", "Санкциями грозят", "\"санкции\"", 1},
	{"ru", "Санкциями грозят", "\"санкц\"*", 1},
	{"ru", "Новости дня", "\"новость\"", 1},
	/* Ё and ё are е, in the text and in the query, any case */
	{"ru", "Ёлка в центре города", "\"елка\"", 1},
	{"ru", "Елка в центре города", "\"ЁЛКА\"", 1},
	{"ru", "ещё", "\"еще\"", 1},
	{"en", "ЁЖ", "\"еж\"", 1},
	{"zz", "Ёлка", "\"ел\"*", 1},
	/* unicode61's folding stays: case and Latin diacritics */
	{"en", "Crème brûlée au café", "\"creme\" AND \"CAFE\"", 1},
	{"en", "CAFÉ", "\"café\"", 1},
	{"fr", "Les élections", "\"election\"", 1},
	/* CJK is kept, as unicode61 finds it */
	{"en", "垃圾邮件 spam", "\"垃圾邮件\"", 1},
	{"ru", "垃圾邮件", "\"垃圾\"*", 1},
	{"zh", "垃圾邮件", "\"垃圾邮件\"", 1},
	/* a language without a stemmer only folds */
	{"zh", "New sanctions", "\"sanction\"", 0},
	{"zh", "New sanctions", "\"sanctions\"", 1},
	{"zh", "New sanctions", "\"sanction\"*", 1},
	{"", "New sanctions", "\"sanctions\"", 1},
	/* the stemmer is the language's: Russian leaves English alone */
	{"ru", "New sanctions", "\"sanction\"", 0},
	/* digits are words */
	{"en", "In 2024 the vote", "\"2024\"", 1},
};

static sqlite3 *
db_with(const char *lang)
{
	sqlite3 *db;
	struct error e;
	char sql[256];
	char *msg = NULL;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(search_functions_add(db, &e), 0);
	snprintf(sql, sizeof(sql),
	         "CREATE VIRTUAL TABLE t USING fts5(x, "
	         "tokenize = '" SEARCH_TOKENIZER " %s')",
	         lang);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	return db;
}

static int
matches(sqlite3 *db, const char *text, const char *query)
{
	sqlite3_stmt *st;
	int n;

	assert_int_equal(sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1)", -1,
	                                    &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT count(*) FROM t "
	                                    "WHERE t MATCH ?1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("'%s': %s", query, sqlite3_errmsg(db));
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
stems_and_folding(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(match_cases); i++) {
		sqlite3 *db = db_with(match_cases[i].lang);
		int n = matches(db, match_cases[i].text, match_cases[i].query);

		if (n != match_cases[i].found)
			fail_msg("%s: '%s' MATCH '%s': %d, not %d",
			         match_cases[i].lang, match_cases[i].text,
			         match_cases[i].query, n, match_cases[i].found);
		/* The index stays whole through the row's deletion: every
		 * token the tokenizer added, it removes. */
		assert_int_equal(sqlite3_exec(db,
		                              "DELETE FROM t; INSERT INTO "
		                              "t(t) VALUES ('integrity-check')",
		                              NULL, NULL, NULL),
		                 SQLITE_OK);
		sqlite3_close(db);
	}
}

/* Hostile words: a 100,000-byte one, invalid UTF-8, control bytes (the
 * stems' end mark among them) are indexed and found without harm. */
static void
hostile_words(void **state)
{
	sqlite3 *db = db_with("en");
	size_t n = 100000;
	char *big = malloc(n + 1), *q = malloc(n + 8);

	(void)state;
	memset(big, 'a', n);
	big[n] = '\0';
	snprintf(q, n + 8, "\"%s\"", big);
	assert_int_equal(matches(db, big, q), 1);
	assert_int_equal(matches(db, "x\x03y \xff\xfe sanctions\x03",
	                         "\"sanction\""),
	                 1);
	/* A query of the mark alone has no word: nothing, not everything. */
	assert_int_equal(matches(db, "sanctions", "\"\x03\""), 0);
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO t(t) VALUES "
	                              "('integrity-check')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	free(big);
	free(q);
}

/* More than one argument is refused when the table is made. */
static void
arguments(void **state)
{
	sqlite3 *db;
	struct error e;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(search_functions_add(db, &e), 0);
	assert_int_not_equal(
		sqlite3_exec(db,
	                     "CREATE VIRTUAL TABLE t USING "
	                     "fts5(x, tokenize = '" SEARCH_TOKENIZER " en ru')",
	                     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
}

static void
language_tags(void **state)
{
	static const struct {
		const char *tag, *lang;
	} cases[] = {
		{"en", "en"},
		{"ru", "ru"},
		{"de", "de"},
		{"pt-BR", "pt"},
		{"en_US", "en"},
		{"EN", "en"},
		{"zh-Hant-TW", "zh"},
		{"abcdefgh", "abcdefgh"}, /* SEARCH_LANG_BYTES letters */
		{"abcdefghi", SEARCH_LANG_DEFAULT}, /* one more */
		{"x", SEARCH_LANG_DEFAULT},
		{"", SEARCH_LANG_DEFAULT},
		{"e1", SEARCH_LANG_DEFAULT},
		{"en us", SEARCH_LANG_DEFAULT},
		{"'; DROP TABLE posts; --", SEARCH_LANG_DEFAULT},
		{"русский", SEARCH_LANG_DEFAULT},
	};
	char out[SEARCH_LANG_BYTES + 1];

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		search_language_of(cases[i].tag, out);
		if (strcmp(out, cases[i].lang) != 0)
			fail_msg("'%s': '%s', not '%s'", cases[i].tag, out,
			         cases[i].lang);
	}
	search_language_of(NULL, out);
	assert_string_equal(out, SEARCH_LANG_DEFAULT);
}

static int64_t
add(struct store *s, const char *slug, const char *title, const char *html)
{
	struct post p;
	struct error e;
	int64_t id = 0;

	memset(&p, 0, sizeof(p));
	p.type = POST_POST;
	p.status = POST_PUBLISHED;
	p.slug = slug;
	p.title = title;
	p.body_src = "source";
	p.body_html = html;
	p.published_at = 1000;
	if (store_post_add(s, &p, &id, &e) == -1)
		fail_msg("store_post_add %s: %s", slug, e.msg);
	return id;
}

static struct search_result
search(struct store *s, struct arena *a, const char *text)
{
	struct search_query q;
	struct search_result r;
	struct error e;

	memset(&q, 0, sizeof(q));
	q.text = text;
	q.now = 2000;
	q.status = -1;
	q.limit = 10;
	if (store_search(s, a, &q, &r, &e) == -1)
		fail_msg("store_search '%s': %s", text, e.msg);
	return r;
}

/*
 * The index follows the language setting: English stems, then Russian
 * after the setting changes (and English no longer), then English again
 * when the setting is forgotten; the snippets mark the words of the text.
 */
static void
language_change_makes_the_index_again(void **state)
{
	struct error e;
	struct arena *a = arena_new();
	struct store *s = store_open(":memory:", 1, &e);
	struct search_result r;

	(void)state;
	assert_non_null(s);
	add(s, "en", "New sanctions",
	    "<p>The council announced sanctions today.</p>");
	add(s, "ru", "Новые санкции",
	    "<p>Совет объявил о санкциях. Ёлка стоит.</p>");
	r = search(s, a, "sanction today");
	assert_int_equal(r.n, 1);
	assert_non_null(strstr(r.hits[0].snippet, "\x01sanctions\x02"));
	assert_non_null(strstr(r.hits[0].title_marked, "\x01sanctions\x02"));
	r = search(s, a, "санкциями совет");
	assert_int_equal(r.n, 0); /* English has no Russian stems */

	assert_int_equal(store_setting_set(s, "language", "ru-RU", &e), 0);
	r = search(s, a, "санкциями совет");
	assert_int_equal(r.n, 1);
	assert_non_null(strstr(r.hits[0].title_marked, "\x01санкции\x02"));
	assert_non_null(strstr(r.hits[0].snippet, "\x01санкциях\x02"));
	r = search(s, a, "елка совет");
	assert_int_equal(r.n, 1);
	assert_non_null(strstr(r.hits[0].snippet, "\x01Ёлка\x02"));
	r = search(s, a, "sanction today");
	assert_int_equal(r.n, 0);
	r = search(s, a, "sanctions today");
	assert_int_equal(r.n, 1);

	assert_int_equal(store_setting_delete(s, "language", &e), 0);
	r = search(s, a, "sanction today");
	assert_int_equal(r.n, 1);
	store_close(s);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stems_and_folding),
		cmocka_unit_test(hostile_words),
		cmocka_unit_test(arguments),
		cmocka_unit_test(language_tags),
		cmocka_unit_test(language_change_makes_the_index_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
