/*
 * feed/parse.c and jsonfeed.c on inputs written here: JSON Feed 1.0 and
 * 1.1, hostile XML (external and amplified entities, 10,000-deep
 * nesting), each LIM_FEED_* limit crossed, the sanitizer's feed mode,
 * the dedup keys, autodiscovery and keyword filters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/feed.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/banned.h"

static int
parse(struct arena *a, const char *s, struct feed_doc *d, struct error *e)
{
	return feed_parse(a, s, strlen(s), NULL, "https://example.org/feed/", d,
	                  e);
}

static void
json_feed_11(void **state)
{
	struct arena *a = arena_new();
	struct feed_doc d;
	struct error e;
	const char *s =
		"{\"version\": \"https://jsonfeed.org/version/1.1\","
		" \"title\": \"My Example Feed\","
		" \"home_page_url\": \"https://example.org/\","
		" \"items\": ["
		"  {\"id\": \"2\", \"content_text\": \"This is <b>a</b> second "
		"item.\", \"url\": \"/second-item\", \"title\": \"Second\","
		"   \"date_published\": \"2010-02-07T14:04:00-05:00\","
		"   \"authors\": [{\"name\": \"Ann\"}],"
		"   \"attachments\": [{\"url\": \"a.mp3\", \"mime_type\": "
		"\"audio/mpeg\", \"size_in_bytes\": 123}]},"
		"  {\"id\": 1, \"content_html\": \"<p onclick=x()>Hello, "
		"<a href='/w'>world</a>!</p><script>alert(1)</script>\","
		"   \"url\": \"https://example.org/initial-post\"}"
		" ]}";

	(void)state;
	assert_int_equal(parse(a, s, &d, &e), 0);
	assert_int_equal(d.kind, FEED_JSON);
	assert_string_equal(d.version, "json11");
	assert_string_equal(d.title, "My Example Feed");
	assert_string_equal(d.link, "https://example.org/");
	assert_int_equal(d.n_entries, 2);
	assert_string_equal(d.entries[0].guid, "2");
	assert_string_equal(d.entries[0].link,
	                    "https://example.org/second-item");
	assert_string_equal(d.entries[0].content_html,
	                    "This is &lt;b&gt;a&lt;/b&gt; second item.");
	assert_string_equal(d.entries[0].author, "Ann");
	assert_int_equal(d.entries[0].published, 1265569440);
	assert_string_equal(d.entries[0].enclosure_url,
	                    "https://example.org/feed/a.mp3");
	assert_int_equal(d.entries[0].enclosure_length, 123);
	assert_string_equal(d.entries[1].guid, "1");
	assert_string_equal(d.entries[1].content_html,
	                    "<p>Hello, <a href=\"https://example.org/w\" "
	                    "rel=\"noopener nofollow ugc\" "
	                    "referrerpolicy=\"no-referrer\">world</a>!</p>");
	assert_string_equal(d.entries[1].text, "Hello, world!");
	/* 1.0, and what is not JSON Feed */
	assert_int_equal(parse(a,
	                       "{\"version\":\"https://jsonfeed.org/version/"
	                       "1\",\"title\":\"t\",\"items\":[]}",
	                       &d, &e),
	                 0);
	assert_string_equal(d.version, "json1");
	assert_int_equal(parse(a, "{\"title\":\"t\"}", &d, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(parse(a, "{\"version\":1", &d, &e), -1);
	assert_int_equal(parse(a, "{\"a\":1,\"a\":2}", &d, &e), -1);
	arena_free(a);
}

static void
entities_fetch_and_expand_nothing(void **state)
{
	struct arena *a = arena_new();
	struct feed_doc d;
	struct error e;
	struct buf b;

	(void)state;
	/* an external entity: neither read nor fetched */
	assert_int_equal(
		parse(a,
	              "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM "
	              "\"file:///etc/passwd\"><!ENTITY y SYSTEM "
	              "\"http://127.0.0.1:1/x\">]><rss version=\"2.0\"><channel>"
	              "<title>a&x;b&y;c</title></channel></rss>",
	              &d, &e),
		0);
	assert_null(strstr(d.title, "root:"));
	assert_string_equal(d.title, "abc");
	/* billion laughs: one level only, so nothing amplifies */
	buf_init(&b, 1 << 20);
	assert_int_equal(buf_puts(&b, "<?xml version=\"1.0\"?><!DOCTYPE rss "
	                              "[<!ENTITY l0 \"ha\">"),
	                 0);
	for (int i = 1; i < 10; i++)
		assert_int_equal(
			buf_printf(&b,
		                   "<!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;"
		                   "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;\">",
		                   i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
		                   i - 1, i - 1, i - 1, i - 1),
			0);
	assert_int_equal(buf_puts(&b, "]><rss><channel><title>&l0;&l9;</title>"
	                              "</channel></rss>"),
	                 0);
	assert_int_equal(feed_parse(a, b.p, b.len, NULL, NULL, &d, &e), 0);
	assert_string_equal(d.title, "ha");
	buf_release(&b);
	arena_free(a);
}

static void
limits_are_crossed(void **state)
{
	struct arena *a = arena_new();
	struct feed_doc d;
	struct error e;
	struct buf b;
	char *big;

	(void)state;
	/* LIM_FEED_DEPTH: 10,000 deep is refused, LIM_FEED_DEPTH is read */
	buf_init(&b, 1 << 20);
	assert_int_equal(buf_puts(&b, "<rss><channel><item><description>"), 0);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_puts(&b, "<b>"), 0);
	assert_int_equal(feed_parse(a, b.p, b.len, NULL, NULL, &d, &e), -1);
	assert_int_equal(e.code, ERR_TOO_BIG);
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "<rss><channel><item><title>t</title>"
	                              "<description>"),
	                 0);
	for (int i = 4; i < LIM_FEED_DEPTH; i++)
		assert_int_equal(buf_puts(&b, "<b>"), 0);
	for (int i = 4; i < LIM_FEED_DEPTH; i++)
		assert_int_equal(buf_puts(&b, "</b>"), 0);
	assert_int_equal(buf_puts(&b, "</description></item></channel></rss>"),
	                 0);
	assert_int_equal(feed_parse(a, b.p, b.len, NULL, NULL, &d, &e), 0);
	assert_int_equal(d.n_entries, 1);
	/* LIM_FEED_ENTRIES */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "<rss><channel>"), 0);
	for (int i = 0; i < LIM_FEED_ENTRIES + 1; i++)
		assert_int_equal(buf_printf(&b, "<item><guid>%d</guid></item>",
		                            i),
		                 0);
	assert_int_equal(buf_puts(&b, "</channel></rss>"), 0);
	assert_int_equal(feed_parse(a, b.p, b.len, NULL, NULL, &d, &e), 0);
	assert_int_equal(d.n_entries, LIM_FEED_ENTRIES);
	assert_true(d.truncated);
	buf_release(&b);
	/* LIM_FEED_TITLE_BYTES, LIM_FEED_HTML_BYTES, LIM_FEED_TEXT_BYTES */
	big = malloc(LIM_FEED_HTML_BYTES + 100);
	assert_non_null(big);
	buf_init(&b, 4 * LIM_FEED_HTML_BYTES);
	memset(big, 'x', LIM_FEED_HTML_BYTES + 99);
	big[LIM_FEED_HTML_BYTES + 99] = '\0';
	assert_int_equal(buf_printf(&b,
	                            "<rss><channel><title>%s</title><item>"
	                            "<description>%s</description></item>"
	                            "</channel></rss>",
	                            big + LIM_FEED_HTML_BYTES -
	                                    LIM_FEED_TITLE_BYTES,
	                            big),
	                 0);
	assert_int_equal(feed_parse(a, b.p, b.len, NULL, NULL, &d, &e), 0);
	assert_int_equal(strlen(d.title), LIM_FEED_TITLE_BYTES);
	assert_int_equal(strlen(d.entries[0].content_html),
	                 LIM_FEED_HTML_BYTES);
	assert_int_equal(strlen(d.entries[0].text), LIM_FEED_TEXT_BYTES);
	buf_release(&b);
	free(big);
	/* LIM_FEED_BYTES: refused before parsing */
	assert_int_equal(feed_parse(a, "<rss/>", (size_t)LIM_FEED_BYTES + 1,
	                            NULL, NULL, &d, &e),
	                 -1);
	assert_int_equal(e.code, ERR_TOO_BIG);
	/* LIM_FEED_URL_BYTES: a longer link is dropped */
	buf_init(&b, 1 << 20);
	assert_int_equal(buf_puts(&b, "<rss><channel><item><link>"
	                              "https://example.org/"),
	                 0);
	for (int i = 0; i < LIM_FEED_URL_BYTES; i++)
		assert_int_equal(buf_putc(&b, 'a'), 0);
	assert_int_equal(buf_puts(&b, "</link></item></channel></rss>"), 0);
	assert_int_equal(feed_parse(a, b.p, b.len, NULL, NULL, &d, &e), 0);
	assert_string_equal(d.entries[0].link, "");
	buf_release(&b);
	arena_free(a);
}

static void
feed_html_is_made_safe(void **state)
{
	struct arena *a = arena_new();
	struct feed_doc d;
	struct error e;

	(void)state;
	assert_int_equal(
		parse(a,
	              "<rss><channel><item><description><![CDATA["
	              "<p>a<img src=\"https://t.example/p.gif\" width=\"1\" "
	              "height=\"1\"><img src=\"https://t.example/q.gif\" "
	              "width=\"0\"><img src=\"pic.jpg\" width=\"300\">"
	              "<a href=\"javascript:alert(1)\" onclick=\"x\">j</a>"
	              "<a href=\"/rel\" rel=\"me\">r</a></p>"
	              "<script>steal()</script>]]></description>"
	              "<title>T &amp; <b>not bold</b></title>"
	              "</item></channel></rss>",
	              &d, &e),
		0);
	assert_string_equal(
		d.entries[0].content_html,
		"<p>a<img src=\"https://example.org/feed/pic.jpg\" "
		"width=\"300\" referrerpolicy=\"no-referrer\">"
		"<a rel=\"noopener nofollow ugc\" "
		"referrerpolicy=\"no-referrer\">j</a>"
		"<a href=\"https://example.org/rel\" rel=\"noopener nofollow "
		"ugc\" referrerpolicy=\"no-referrer\">r</a></p>");
	assert_string_equal(d.entries[0].text, "a jr");
	assert_string_equal(d.entries[0].title, "T & not bold");
	arena_free(a);
}

static void
rss_atom_rdf_basics(void **state)
{
	struct arena *a = arena_new();
	struct feed_doc d;
	struct error e;

	(void)state;
	assert_int_equal(
		parse(a,
	              "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
	              "xml:base=\"https://b.example/dir/\"><title>F</title>"
	              "<link rel=\"self\" href=\"/self\"/><link href=\"home\"/>"
	              "<entry xml:base=\"sub/\"><id>tag:1</id><title "
	              "type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/"
	              "xhtml\">X <i>y</i></div></title>"
	              "<link href=\"e1\"/><link rel=\"enclosure\" "
	              "href=\"a.mp3\" length=\"5\" type=\"audio/mpeg\"/>"
	              "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/"
	              "1999/xhtml\"><p>Hi <a href=\"x\">x</a></p></div>"
	              "</content><updated>2020-01-02T03:04:05Z</updated>"
	              "<author><name>N</name></author></entry></feed>",
	              &d, &e),
		0);
	assert_string_equal(d.version, "atom10");
	assert_string_equal(d.link, "https://b.example/dir/home");
	assert_string_equal(d.entries[0].title, "X y");
	assert_string_equal(d.entries[0].link, "https://b.example/dir/sub/e1");
	assert_string_equal(d.entries[0].enclosure_url,
	                    "https://b.example/dir/sub/a.mp3");
	assert_int_equal(d.entries[0].enclosure_length, 5);
	assert_int_equal(d.entries[0].published, 1577934245);
	assert_string_equal(d.entries[0].author, "N");
	assert_non_null(
		strstr(d.entries[0].content_html,
	               "<p>Hi <a href=\"https://b.example/dir/sub/x\""));
	assert_int_equal(
		parse(a,
	              "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-"
	              "syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><channel>"
	              "<title>R</title><link>https://r.example/</link></channel>"
	              "<item rdf:about=\"https://r.example/1\"><title>One</title>"
	              "<link>https://r.example/1</link></item></rdf:RDF>",
	              &d, &e),
		0);
	assert_string_equal(d.version, "rss10");
	assert_int_equal(d.n_entries, 1);
	assert_string_equal(d.entries[0].guid, "https://r.example/1");
	assert_int_equal(parse(a,
	                       "<rss version=\"2.0\"><channel><ttl>90</ttl>"
	                       "<item><guid>https://g.example/p</guid></item>"
	                       "<item><guid isPermaLink=\"false\">x</guid>"
	                       "</item></channel></rss>",
	                       &d, &e),
	                 0);
	assert_int_equal(d.ttl_minutes, 90);
	assert_string_equal(d.entries[0].link, "https://g.example/p");
	assert_string_equal(d.entries[1].link, "");
	assert_int_equal(parse(a, "not xml at all", &d, &e), -1);
	assert_int_equal(parse(a, "", &d, &e), -1);
	assert_int_equal(parse(a, "<html><body>hi</body></html>", &d, &e), -1);
	arena_free(a);
}

static void
dedup_keys(void **state)
{
	struct arena *a = arena_new();
	struct feed_doc d;
	struct error e;
	char k1[17], k2[17];

	(void)state;
	assert_int_equal(
		parse(a,
	              "<rss><channel>"
	              "<item><guid>g1</guid><link>https://x.example/a</link>"
	              "<title>A</title></item>"
	              "<item><guid>g1</guid><link>https://x.example/b</link>"
	              "<title>B</title></item>"
	              "<item><guid>g1</guid><link>https://x.example/a</link>"
	              "<title>A</title></item>"
	              "<item><link>https://x.example/c?utm_source=rss&amp;"
	              "id=3&amp;utm_medium=feed#top</link></item>"
	              "<item><title>T</title><description>D</description>"
	              "</item>"
	              "</channel></rss>",
	              &d, &e),
		0);
	assert_int_equal(d.n_entries, 5);
	/* a GUID repeated for another item does not collapse it */
	assert_string_not_equal(d.entries[0].key, d.entries[1].key);
	/* the same item twice does */
	assert_string_equal(d.entries[0].key, d.entries[2].key);
	assert_int_equal(strlen(d.entries[4].key), 16);
	/* cross-feed: utm_*, the fragment and the host's case go */
	feed_link_key("https://x.example/c?id=3", k1);
	assert_string_equal(d.entries[3].cross_key, k1);
	feed_link_key("HTTPS://X.EXAMPLE/c?utm_campaign=z&id=3", k2);
	assert_string_equal(k1, k2);
	feed_link_key("https://x.example/c?id=4", k2);
	assert_string_not_equal(k1, k2);
	feed_link_key("mailto:a@b.example", k2);
	assert_string_equal(k2, "");
	assert_string_equal(d.entries[4].cross_key, "");
	arena_free(a);
}

static void
autodiscovery(void **state)
{
	struct arena *a = arena_new();
	struct feed_link *l;
	size_t n;
	const char *page =
		"<!doctype html><html><head><title>x</title>"
		"<base href=\"/news/\">"
		"<link rel=\"stylesheet\" href=\"s.css\">"
		"<link rel=\"alternate\" type=\"application/rss+xml\" "
		"title=\"RSS\" href=\"feed/\">"
		"<link rel=\"Alternate Home\" type=\"application/atom+xml; "
		"charset=utf-8\" href=\"https://other.example/atom.xml\">"
		"<link rel=\"alternate\" type=\"application/feed+json\" "
		"href=\"javascript:alert(1)\">"
		"<link rel=\"alternate\" type=\"application/rss+xml\" "
		"href=\"feed/\">"
		"<link rel=\"alternate\" type=\"text/html\" hreflang=\"fr\" "
		"href=\"/fr/\">"
		"<!-- <link rel=\"alternate\" type=\"application/rss+xml\" "
		"href=\"/hidden\"> -->"
		"</head><body><link rel=\"alternate\" "
		"type=\"application/feed+json\" href=\"/feed.json\"></body>"
		"</html>";

	(void)state;
	assert_int_equal(feed_discover(a, page, strlen(page),
	                               "https://site.example/2024/post/", &l,
	                               &n),
	                 0);
	assert_int_equal(n, 3);
	assert_string_equal(l[0].url, "https://site.example/news/feed/");
	assert_string_equal(l[0].title, "RSS");
	assert_int_equal(l[0].kind, FEED_RSS);
	assert_string_equal(l[1].url, "https://other.example/atom.xml");
	assert_int_equal(l[1].kind, FEED_ATOM);
	assert_string_equal(l[2].url, "https://site.example/feed.json");
	assert_int_equal(l[2].kind, FEED_JSON);
	assert_int_equal(feed_discover(a, "", 0, NULL, &l, &n), 0);
	assert_int_equal(n, 0);
	/* LIM_FEED_DISCOVERED */
	{
		struct buf b;

		buf_init(&b, 1 << 20);
		for (int i = 0; i < LIM_FEED_DISCOVERED + 5; i++)
			assert_int_equal(
				buf_printf(&b,
			                   "<link rel=alternate "
			                   "type=application/rss+xml "
			                   "href=\"https://e.example/%d\">",
			                   i),
				0);
		assert_int_equal(feed_discover(a, b.p, b.len, NULL, &l, &n), 0);
		assert_int_equal(n, LIM_FEED_DISCOVERED);
		buf_release(&b);
	}
	arena_free(a);
}

static void
keyword_filters(void **state)
{
	const char *rules = "# sports and ads\n"
			    "  Football \n"
			    "\n"
			    "sponsored   content\n";
	char long_rule[LIM_FEED_FILTER_LINE_BYTES + 2];
	char hit[LIM_FEED_FILTER_LINE_BYTES + 1];

	(void)state;
	assert_true(feed_filter_match(rules, "World Cup: FOOTBALL news", hit));
	assert_string_equal(hit, "Football");
	assert_true(feed_filter_match(rules, "Sponsored\tcontent: x", hit));
	assert_string_equal(hit, "sponsored   content");
	assert_false(feed_filter_match(rules, "Sponsoredcontent", hit));
	assert_false(feed_filter_match(rules, "Elections", hit));
	assert_string_equal(hit, "");
	assert_false(feed_filter_match(rules, "# sports and ads", hit));
	assert_false(feed_filter_match("", "anything", hit));
	assert_false(feed_filter_match(NULL, "anything", hit));
	/* LIM_FEED_FILTER_LINE_BYTES: a longer rule is ignored */
	memset(long_rule, 'a', sizeof(long_rule) - 1);
	long_rule[sizeof(long_rule) - 1] = '\0';
	assert_false(feed_filter_match(long_rule, long_rule, hit));
	long_rule[LIM_FEED_FILTER_LINE_BYTES] = '\0';
	assert_true(feed_filter_match(long_rule, long_rule, hit));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_feed_11),
		cmocka_unit_test(entities_fetch_and_expand_nothing),
		cmocka_unit_test(limits_are_crossed),
		cmocka_unit_test(feed_html_is_made_safe),
		cmocka_unit_test(rss_atom_rdf_basics),
		cmocka_unit_test(dedup_keys),
		cmocka_unit_test(autodiscovery),
		cmocka_unit_test(keyword_filters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
