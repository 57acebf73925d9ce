/*
 * feed/parse.c over real feeds no one here wrote: rss-parser's inputs
 * against its expected outputs (output/NAME.json: feed title and link,
 * every item's title, link and isoDate), and miniflux's parser and
 * encoding test data (the decoded text it must hold).  Then JSON Feed,
 * dedup keys and the named limits, each crossed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures.h"
#include "feed/feed.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/banned.h"

#include "feed_fixtures.h"

static const char *
iso(struct arena *a, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char s[40];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	return arena_strdup(a, s);
}

/* s with white space runs as one space and none at the ends (rss-parser
 * keeps a title's surrounding white space; we trim it). */
static const char *
squash(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s), *o = r;
	int sp = 1;

	for (const char *p = s; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			if (!sp)
				*o++ = ' ';
			sp = 1;
		} else {
			*o++ = *p;
			sp = 0;
		}
	}
	if (o > r && o[-1] == ' ')
		o--;
	*o = '\0';
	return r;
}

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Latin-1 bytes as UTF-8 (encoding.json is Latin-1). */
static char *
latin1_to_utf8(const char *s, size_t n, size_t *out_n)
{
	char *r = malloc(2 * n + 1), *o = r;

	assert_non_null(r);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			*o++ = (char)c;
		} else {
			*o++ = (char)(0xc0 | (c >> 6));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
	*out_n = (size_t)(o - r);
	return r;
}

static void
rss_parser_outputs(void **state)
{
	static const char *const names[] = {
		"content-encoded", "craigslist",     "encoding",
		"feedburner",      "guardian",       "gulp-atom",
		"heise",           "heraldsun",      "incomplete-fields",
		"instant-article", "missing-fields", "pagination-links",
		"reddit-atom",     "reddit-home",    "reddit",
		"rss-1",           "uolNoticias",
	};
	int checked = 0, bad = 0;

	(void)state;
	FIXTURE(dir, "feeds/rss-parser/output/heise.json");
	for (size_t f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
		struct arena *a = arena_new();
		char *in, *out, *conv;
		size_t n_in, n_out;
		const char *ext =
			strstr(names[f], "atom") ||
					strcmp(names[f], "feedburner") == 0 ||
					strcmp(names[f], "heise") == 0 ||
					strstr(names[f], "fields")
				? "atom"
				: "rss";
		json_t *root, *feed, *items;
		json_error_t je;
		struct feed_doc d;
		struct error e;
		/* uolNoticias.json holds U+FFFD where the harness read
		 * ISO-8859-1 as UTF-8: only links and dates compare */
		int text = strcmp(names[f], "uolNoticias") != 0;

		if (strcmp(names[f], "reddit-atom") == 0)
			ext = "rss";
		in = fixture_slurp(&n_in, "feeds/rss-parser/input/%s.%s",
		                   names[f], ext);
		out = fixture_slurp(&n_out, "feeds/rss-parser/output/%s.json",
		                    names[f]);
		if (strcmp(names[f], "encoding") == 0) {
			conv = latin1_to_utf8(out, n_out, &n_out);
			free(out);
			out = conv;
		}
		root = json_loadb(out, n_out, 0, &je);
		assert_non_null(root);
		feed = json_object_get(root, "feed");
		items = json_object_get(feed, "items");
		assert_int_equal(
			feed_parse(a, in, n_in,
		                   strcmp(names[f], "encoding") == 0
		                           ? "text/xml; charset=latin1"
		                           : NULL,
		                   strcmp(names[f], "gulp-atom") == 0
		                           ? "https://github.com/gulpjs/gulp/"
		                             "releases.atom"
		                           : NULL,
		                   &d, &e),
			0);
		if (jstr(feed, "title") != NULL && text &&
		    strcmp(squash(a, jstr(feed, "title")), d.title) != 0) {
			print_message("%s: feed title '%s', want '%s'\n",
			              names[f], d.title, jstr(feed, "title"));
			bad++;
		}
		if (jstr(feed, "link") != NULL &&
		    strcmp(jstr(feed, "link"), d.link) != 0) {
			print_message("%s: feed link '%s', want '%s'\n",
			              names[f], d.link, jstr(feed, "link"));
			bad++;
		}
		assert_int_equal(d.n_entries, json_array_size(items));
		for (size_t i = 0; i < d.n_entries; i++) {
			json_t *it = json_array_get(items, i);
			const struct feed_entry *en = &d.entries[i];
			const char *want;

			checked++;
			want = jstr(it, "title");
			if (want != NULL && text &&
			    strcmp(squash(a, want), squash(a, en->title))) {
				print_message("%s[%zu]: title '%s', want "
				              "'%s'\n",
				              names[f], i, en->title, want);
				bad++;
			}
			want = jstr(it, "link");
			/* gulp-atom's links are relative: we read it as from
			 * github.com, and keep absolute links only */
			if (want != NULL && want[0] == '/')
				want = arena_printf(a, "https://github.com%s",
				                    want);
			if (want != NULL && strcmp(want, en->link) != 0) {
				print_message("%s[%zu]: link '%s', want "
				              "'%s'\n",
				              names[f], i, en->link, want);
				bad++;
			}
			/* to the second: feedburner's have milliseconds */
			want = jstr(it, "isoDate");
			if (want != NULL &&
			    (en->published == 0 ||
			     strncmp(want, iso(a, en->published), 19) != 0)) {
				print_message("%s[%zu]: date %s, want %s\n",
				              names[f], i,
				              iso(a, en->published), want);
				bad++;
			}
		}
		json_decref(root);
		free(in);
		free(out);
		arena_free(a);
	}
	print_message("rss-parser: %d items compared, %d differences\n",
	              checked, bad);
	assert_int_equal(bad, 0);
}

static void
rss_parser_unrecognized(void **state)
{
	struct arena *a = arena_new();
	struct feed_doc d;
	struct error e;
	char *in;
	size_t n;

	(void)state;
	FIXTURE(path, "feeds/rss-parser/input/unrecognized.rss");
	in = slurp(path, &n);
	assert_int_equal(feed_parse(a, in, n, NULL, NULL, &d, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.msg, "not recognized"));
	free(in);
	arena_free(a);
}

/* One miniflux feed: its entry count, feed title, first entry. */
static const struct {
	const char *file, *version;
	size_t n;
	const char *title, *first_title, *first_link, *first_date;
	const char *somewhere; /* text some entry must hold, decoded */
} miniflux[] = {
	{"encoding_ISO-8859-1.xml", "rss20", 40, "Golem.de",
         "Red Dead Redemption 2: Hinweise auf PC-Umsetzung in App von "
         "Rockstar Games",
         "https://www.golem.de/news/red-dead-redemption-2-hinweise-auf-pc-"
         "umsetzung-in-app-von-rockstar-games-1810-137358-rss.html",
         "2018-10-28T12:48:00.000Z", "\xc3\xbc"},
	{"encoding_WINDOWS-1251.xml", "rss20", 50, "iBash.Org.Ru",
         "\xd0\xa6\xd0\xb8\xd1\x82\xd0\xb0\xd1\x82\xd0\xb0 #17703",
         "http://ibash.org.ru/quote.php?id=17703", "2018-03-21T07:27:32.000Z",
         NULL},
	{"large_atom.xml", "atom10", 25, "Artificial truth",
         "Using vale with vim", "https://dustri.org/b/using-vale-with-vim.html",
         "2024-03-10T16:15:00.000Z", NULL},
	{"large_rss.xml", "rss20", 25, "Artificial truth",
         "Using vale with vim", "https://dustri.org/b/using-vale-with-vim.html",
         "2024-03-10T16:15:00.000Z", NULL},
	{"no_encoding_ISO-8859-1.xml", "rss20", 10,
         "Flux RSS du magazine de psychologie Le Cercle Psy",
         "Perturbateurs endocriniens : quels effets sur le cerveau ?",
         "https://le-cercle-psy.scienceshumaines.com/perturbateurs-"
         "endocriniens-quels-effets-sur-le-cerveau_sh_39995",
         "2018-10-17T10:30:00.000Z", "\xc3\xa9"},
	{"rdf_UTF8.xml", "rss090", 60, "heise online News",
         "OLED-TVs: Vorsichtsma\xc3\x9fnahmen gegen Einbrennen",
         "https://www.heise.de/newsticker/meldung/OLED-TVs-"
         "Vorsichtsmassnahmen-gegen-Einbrennen-4205274.html?wt_mc=rss.ho."
         "beitrag.rdf",
         NULL, NULL},
	{"small_atom.xml", "atom10", 20, "Recent Commits to v2:main",
         "Parse podcast categories",
         "https://github.com/miniflux/v2/commit/"
         "6d97f8b4582414b6ce69467656824690057d4793",
         "2024-03-12T05:30:27.000Z", NULL},
	{"urdu_UTF8.xml", "rss20", 26, NULL, NULL,
         "http://www.bbc.com/urdu/pakistan-42575603",
         "2018-01-05T16:51:00.000Z", "\xd8\xa7\xd9\x85\xd8\xb1\xdb\x8c"},
};

static void
miniflux_parser_testdata(void **state)
{
	(void)state;
	FIXTURE(dir, "feeds/miniflux/parser-testdata/small_atom.xml");
	for (size_t f = 0; f < sizeof(miniflux) / sizeof(miniflux[0]); f++) {
		struct arena *a = arena_new();
		struct feed_doc d;
		struct error e;
		char *in;
		size_t n;
		int found = 0;

		in = fixture_slurp(&n, "feeds/miniflux/parser-testdata/%s",
		                   miniflux[f].file);
		assert_int_equal(feed_parse(a, in, n, NULL, NULL, &d, &e), 0);
		print_message("%s: %zu entries\n", miniflux[f].file,
		              d.n_entries);
		assert_string_equal(d.version, miniflux[f].version);
		assert_int_equal(d.n_entries, miniflux[f].n);
		if (miniflux[f].title != NULL)
			assert_string_equal(d.title, miniflux[f].title);
		if (miniflux[f].first_title != NULL)
			assert_string_equal(d.entries[0].title,
			                    miniflux[f].first_title);
		assert_string_equal(d.entries[0].link, miniflux[f].first_link);
		if (miniflux[f].first_date != NULL)
			assert_string_equal(iso(a, d.entries[0].published),
			                    miniflux[f].first_date);
		for (size_t i = 0; i < d.n_entries; i++) {
			assert_true(utf8_valid(d.entries[i].title,
			                       strlen(d.entries[i].title)));
			assert_null(strstr(d.entries[i].text, "\xef\xbf\xbd"));
			if (miniflux[f].somewhere != NULL &&
			    (strstr(d.entries[i].text, miniflux[f].somewhere) ||
			     strstr(d.entries[i].title, miniflux[f].somewhere)))
				found = 1;
		}
		assert_true(miniflux[f].somewhere == NULL || found);
		free(in);
		arena_free(a);
	}
}

/* encoding-testdata: the decoded text, even under a wrong label. */
static void
miniflux_encodings(void **state)
{
	static const struct {
		const char *file, *title, *entry;
	} cases[] = {
		{"iso-8859-1.xml", "Caf\xc3\xa9", NULL},
		{"windows-1252.xml", "Euro \xe2\x82\xac", NULL},
		{"windows-1252-incorrect-prolog.xml", "Euro \xe2\x82\xac",
	         NULL},
		{"utf8.xml", NULL, "Caf\xc3\xa9"},
		{"utf8-incorrect-prolog.xml", NULL, "Caf\xc3\xa9"},
		{"invalid-prolog.xml", NULL, "Caf\xc3\xa9"},
		{"koi8r.xml",
	         "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80 RSS "
	         "\xd0\xbb\xd0\xb5\xd0\xbd\xd1\x82\xd1\x8b",
	         NULL},
	};

	(void)state;
	FIXTURE(dir, "feeds/miniflux/encoding-testdata/utf8.xml");
	for (size_t f = 0; f < sizeof(cases) / sizeof(cases[0]); f++) {
		struct arena *a = arena_new();
		struct feed_doc d;
		struct error e;
		char *in;
		size_t n;

		in = fixture_slurp(&n, "feeds/miniflux/encoding-testdata/%s",
		                   cases[f].file);
		assert_int_equal(feed_parse(a, in, n, NULL, NULL, &d, &e), 0);
		if (cases[f].title != NULL)
			assert_string_equal(d.title, cases[f].title);
		if (cases[f].entry != NULL) {
			assert_int_equal(d.n_entries, 1);
			assert_string_equal(d.entries[0].title, cases[f].entry);
		}
		free(in);
		arena_free(a);
	}
	/* koi8r's description, and HTML pages are not feeds */
	{
		struct arena *a = arena_new();
		struct feed_doc d;
		struct error e;
		char *in;
		size_t n;

		in = fixture_slurp(
			&n, "feeds/miniflux/encoding-testdata/koi8r.xml");
		assert_int_equal(feed_parse(a, in, n, NULL, NULL, &d, &e), 0);
		assert_non_null(strstr(d.description, "KOI8-R"));
		assert_non_null(strstr(d.description,
		                       "\xd0\xa2\xd0\xb5\xd1\x81\xd1\x82"));
		free(in);
		in = fixture_slurp(
			&n, "feeds/miniflux/encoding-testdata/utf8.html");
		assert_int_equal(feed_parse(a, in, n, NULL, NULL, &d, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		free(in);
		arena_free(a);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rss_parser_outputs),
		cmocka_unit_test(rss_parser_unrecognized),
		cmocka_unit_test(miniflux_parser_testdata),
		cmocka_unit_test(miniflux_encodings),
	};

	return fixtures_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
