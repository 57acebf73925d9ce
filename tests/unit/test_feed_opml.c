/*
 * feed/opml.c: exports shaped as Miniflux's and FreshRSS's (their
 * writers' element and attribute layout), nested folders, an external
 * entity that must not be read, LIM_OPML_OUTLINES, and export then
 * import giving back the same list.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "feed/feed.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/banned.h"

static int
parse(struct arena *a, const char *s, struct opml_feed **f, size_t *n)
{
	struct error e;

	return opml_parse(a, s, strlen(s), f, n, &e);
}

static void
miniflux_export(void **state)
{
	struct arena *a = arena_new();
	struct opml_feed *f;
	size_t n;

	(void)state;
	/* miniflux internal/reader/opml/serializer.go */
	assert_int_equal(
		parse(a,
	              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<opml version=\"2.0\">\n    <head>\n"
	              "        <title>Miniflux</title>\n"
	              "        <dateCreated>Sun, 10 Mar 2024 17:15:00 UTC"
	              "</dateCreated>\n    </head>\n    <body>\n"
	              "        <outline text=\"All\">\n"
	              "            <outline title=\"Example 1\" text=\"Example "
	              "1\" xmlUrl=\"http://example.org/feed1/\" "
	              "htmlUrl=\"http://example.org/1\" description=\"\">"
	              "</outline>\n        </outline>\n"
	              "        <outline text=\"Category 2\">\n"
	              "            <outline title=\"Example 3\" text=\"Example "
	              "3\" xmlUrl=\"http://example.org/feed3/\" "
	              "htmlUrl=\"http://example.org/3\"></outline>\n"
	              "        </outline>\n    </body>\n</opml>\n",
	              &f, &n),
		0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].url, "http://example.org/feed1/");
	assert_string_equal(f[0].title, "Example 1");
	assert_string_equal(f[0].site, "http://example.org/1");
	assert_string_equal(f[0].folder, "All");
	assert_string_equal(f[1].folder, "Category 2");
	arena_free(a);
}

static void
freshrss_export(void **state)
{
	struct arena *a = arena_new();
	struct opml_feed *f;
	size_t n;

	(void)state;
	/* FreshRSS app/views/helpers/export/opml.phtml: the frss namespace,
	 * text without title, nested categories, a feed at the top */
	assert_int_equal(
		parse(a,
	              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<opml xmlns:frss=\"https://freshrss.org/opml\" "
	              "version=\"2.0\">\n\t<head>\n\t\t<title>FreshRSS</title>\n"
	              "\t</head>\n\t<body>\n"
	              "\t\t<outline text=\"News\">\n"
	              "\t\t\t<outline text=\"World\">\n"
	              "\t\t\t\t<outline text=\"Caf&#233; &amp; co\" "
	              "type=\"rss\" xmlUrl=\"https://cafe.example/rss\" "
	              "htmlUrl=\"https://cafe.example/\" "
	              "description=\"d\" frss:cssFullContent=\"article\"/>\n"
	              "\t\t\t</outline>\n\t\t</outline>\n"
	              "\t\t<outline text=\"Loose\" type=\"rss\" "
	              "xmlurl=\"https://loose.example/feed\"/>\n"
	              "\t</body>\n</opml>\n",
	              &f, &n),
		0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].title, "Caf\xc3\xa9 & co");
	assert_string_equal(f[0].folder, "News/World");
	assert_string_equal(f[1].url, "https://loose.example/feed");
	assert_string_equal(f[1].folder, "");
	assert_string_equal(f[1].site, "");
	arena_free(a);
}

static void
hostile_opml(void **state)
{
	struct arena *a = arena_new();
	struct opml_feed *f;
	size_t n;
	struct buf b;

	(void)state;
	assert_int_equal(
		parse(a,
	              "<?xml version=\"1.0\"?><!DOCTYPE opml [<!ENTITY x SYSTEM "
	              "\"file:///etc/passwd\"><!ENTITY y SYSTEM "
	              "\"http://127.0.0.1:1/\">]><opml><body><outline "
	              "text=\"&x;&y;\" xmlUrl=\"https://a.example/&x;\"/>"
	              "</body></opml>",
	              &f, &n),
		0);
	assert_int_equal(n, 1);
	assert_null(strstr(f[0].url, "root:"));
	assert_null(strstr(f[0].title, "root:"));
	assert_int_equal(parse(a, "<html/>", &f, &n), -1);
	assert_int_equal(parse(a, "", &f, &n), -1);
	/* LIM_OPML_OUTLINES */
	buf_init(&b, 8 << 20);
	assert_int_equal(buf_puts(&b, "<opml><body>"), 0);
	for (int i = 0; i < LIM_OPML_OUTLINES + 1; i++)
		assert_int_equal(
			buf_printf(&b,
		                   "<outline xmlUrl=\"https://e.example/"
		                   "%d\"/>",
		                   i),
			0);
	assert_int_equal(buf_puts(&b, "</body></opml>"), 0);
	assert_int_equal(parse(a, b.p, &f, &n), 0);
	assert_int_equal(n, LIM_OPML_OUTLINES);
	buf_release(&b);
	arena_free(a);
}

static void
export_then_import(void **state)
{
	struct arena *a = arena_new();
	const struct opml_feed in[] = {
		{"https://a.example/feed", "A & \"B\"", "https://a.example/",
	         "News/World"},
		{"https://b.example/feed", "B <b>", "", ""},
		{"https://c.example/feed", "C", "", "News/World"},
		{"https://d.example/feed", "D", "", "News"},
	};
	struct opml_feed *out;
	size_t n;
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(opml_write(&b, "gazette", in, 4), 0);
	assert_non_null(strstr(b.p, "<opml version=\"2.0\">"));
	assert_int_equal(parse(a, b.p, &out, &n), 0);
	assert_int_equal(n, 4);
	/* grouped by folder, in order of first appearance */
	assert_string_equal(out[0].url, in[0].url);
	assert_string_equal(out[0].title, in[0].title);
	assert_string_equal(out[0].site, in[0].site);
	assert_string_equal(out[0].folder, "News/World");
	assert_string_equal(out[1].url, in[2].url);
	assert_string_equal(out[1].folder, "News/World");
	assert_string_equal(out[2].url, in[1].url);
	assert_string_equal(out[2].title, in[1].title);
	assert_string_equal(out[2].folder, "");
	assert_string_equal(out[3].folder, "News");
	buf_release(&b);
	/* past the buffer's cap */
	buf_init(&b, 10);
	assert_int_equal(opml_write(&b, "gazette", in, 4), -1);
	buf_release(&b);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(miniflux_export),
		cmocka_unit_test(freshrss_export),
		cmocka_unit_test(hostile_opml),
		cmocka_unit_test(export_then_import),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
