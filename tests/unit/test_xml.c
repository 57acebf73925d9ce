/*
 * render/xml.h: every document the writer makes parses back (with
 * XML_PARSE_NONET and never NOENT, as STYLE.md section 10 asks) and has
 * the shape of its format; text survives the round trip with & < > escaped,
 * characters XML forbids dropped and bytes that are not UTF-8 replaced;
 * dates are RFC 822 and RFC 3339 in English; the cap is an error that
 * leaves the buffer as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "render/xml.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define NS_ATOM    "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC      "http://purl.org/dc/elements/1.1/"
#define NS_SITEMAP "http://www.sitemaps.org/schemas/sitemap/0.9"

static const xmlChar *
X(const char *s)
{
	return (const xmlChar *)s;
}

/* Parse b as XML (no network, no entity substitution) or fail the test. */
static xmlDocPtr
parse(const struct buf *b)
{
	xmlDocPtr d;

	assert_non_null(b->p);
	assert_int_equal(b->p[b->len], '\0');
	d = xmlReadMemory(b->p, (int)b->len, "test.xml", NULL,
	                  XML_PARSE_NONET | XML_PARSE_NOERROR |
	                          XML_PARSE_NOWARNING);
	if (d == NULL)
		fail_msg("not well-formed XML:\n%s", b->p);
	return d;
}

static xmlXPathObjectPtr
eval(xmlDocPtr d, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(d);
	xmlXPathObjectPtr o;

	assert_non_null(ctx);
	xmlXPathRegisterNs(ctx, X("atom"), X(NS_ATOM));
	xmlXPathRegisterNs(ctx, X("content"), X(NS_CONTENT));
	xmlXPathRegisterNs(ctx, X("dc"), X(NS_DC));
	xmlXPathRegisterNs(ctx, X("sm"), X(NS_SITEMAP));
	o = xmlXPathEvalExpression(X(expr), ctx);
	xmlXPathFreeContext(ctx);
	if (o == NULL)
		fail_msg("bad XPath %s", expr);
	return o;
}

/* How many nodes expr selects. */
static int
count(xmlDocPtr d, const char *expr)
{
	xmlXPathObjectPtr o = eval(d, expr);
	int n = o->nodesetval ? o->nodesetval->nodeNr : 0;

	xmlXPathFreeObject(o);
	return n;
}

/* Assert that string(expr) is want. */
static void
assert_xpath_str(xmlDocPtr d, const char *expr, const char *want)
{
	char q[512];
	xmlXPathObjectPtr o;

	snprintf(q, sizeof(q), "string(%s)", expr);
	o = eval(d, q);
	assert_int_equal(o->type, XPATH_STRING);
	if (strcmp((const char *)o->stringval, want) != 0)
		fail_msg("%s is \"%s\", want \"%s\"", expr,
		         (const char *)o->stringval, want);
	xmlXPathFreeObject(o);
}

static const struct xml_entry entries[] = {
	{
		"<script>alert(1)</script> & \"AT&T\"",
		"https://news.example/2022/04/27/first/",
		"https://news.example/?p=1",
		"Ann O'Hara",
		"All News",
		"Plain <b>summary</b> & more",
		"<p>Body &amp; <em>HTML</em></p>",
		"https://news.example/2022/04/27/first/#comments",
		1651068180,
		1651070000,
		NULL,
	},
	{
		"Second",
		"https://news.example/about/",
		"https://news.example/?p=2",
		NULL,
		NULL,
		NULL,
		NULL,
		NULL,
		951782400,
		0,
		NULL,
	},
};

static const struct xml_feed feed_rss = {
	XML_RSS,
	"News & <Views>",
	"https://news.example/",
	"https://news.example/feed/",
	"Tagline",
	"News",
	1651070000,
	NULL,
	"ru",
};

static void
write_feed(const struct xml_feed *f, const struct xml_entry *v, size_t n,
           struct buf *out)
{
	struct error e;

	buf_init(out, 1024 * 1024);
	error_clear(&e);
	if (xml_feed_write(out, f, v, n, &e) != 0)
		fail_msg("xml_feed_write: %s", e.msg);
}

static void
rss_parses_with_its_shape(void **state)
{
	struct buf b;
	xmlDocPtr d;

	(void)state;
	write_feed(&feed_rss, entries, NELEM(entries), &b);
	d = parse(&b);
	assert_int_equal(count(d, "/rss[@version='2.0']/channel"), 1);
	assert_xpath_str(d, "/rss/channel/title", "News & <Views>");
	assert_xpath_str(d, "/rss/channel/link", "https://news.example/");
	assert_xpath_str(d, "/rss/channel/description", "Tagline");
	/* The site's language (setting language). */
	assert_xpath_str(d, "/rss/channel/language", "ru");
	assert_int_equal(count(d, "/rss/channel/atom:link[@rel='self' and "
	                          "@href='https://news.example/feed/' and "
	                          "@type='application/rss+xml']"),
	                 1);
	assert_xpath_str(d, "/rss/channel/lastBuildDate",
	                 "Wed, 27 Apr 2022 14:33:20 +0000");
	assert_int_equal(count(d, "/rss/channel/item"), 2);
	/* Every item has title, link, guid and pubDate. */
	assert_int_equal(count(d, "/rss/channel/item[title and link and "
	                          "guid and pubDate]"),
	                 2);
	assert_xpath_str(d, "/rss/channel/item[1]/title",
	                 "<script>alert(1)</script> & \"AT&T\"");
	assert_xpath_str(d, "/rss/channel/item[1]/guid",
	                 "https://news.example/?p=1");
	assert_xpath_str(d, "/rss/channel/item[1]/guid/@isPermaLink", "false");
	assert_xpath_str(d, "/rss/channel/item[1]/pubDate",
	                 "Wed, 27 Apr 2022 14:03:00 +0000");
	assert_xpath_str(d, "/rss/channel/item[1]/dc:creator", "Ann O'Hara");
	assert_xpath_str(d, "/rss/channel/item[1]/category", "All News");
	/* The description is HTML to readers: the plain summary is escaped
	 * for HTML inside the XML. */
	assert_xpath_str(d, "/rss/channel/item[1]/description",
	                 "Plain &lt;b&gt;summary&lt;/b&gt; &amp; more");
	assert_xpath_str(d, "/rss/channel/item[1]/content:encoded",
	                 "<p>Body &amp; <em>HTML</em></p>");
	assert_xpath_str(d, "/rss/channel/item[2]/pubDate",
	                 "Tue, 29 Feb 2000 00:00:00 +0000");
	/* Empty optional fields leave their elements out. */
	assert_int_equal(count(d, "/rss/channel/item[2]/dc:creator"), 0);
	assert_int_equal(count(d, "/rss/channel/item[2]/description"), 0);
	assert_int_equal(count(d, "/rss/channel/item[2]/content:encoded"), 0);
	/* The markup in the title never appears as markup in the bytes. */
	assert_null(strstr(b.p, "<script>"));
	assert_non_null(strstr(b.p, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	xmlFreeDoc(d);
	buf_release(&b);
}

static void
atom_parses_with_its_shape(void **state)
{
	struct xml_feed f = feed_rss;
	struct buf b;
	xmlDocPtr d;

	(void)state;
	f.format = XML_ATOM;
	f.self = "https://news.example/feed/atom/";
	write_feed(&f, entries, NELEM(entries), &b);
	d = parse(&b);
	assert_int_equal(count(d, "/atom:feed"), 1);
	assert_xpath_str(d, "/atom:feed/atom:id",
	                 "https://news.example/feed/atom/");
	assert_xpath_str(d, "/atom:feed/atom:title", "News & <Views>");
	assert_xpath_str(d, "/atom:feed/atom:subtitle", "Tagline");
	assert_xpath_str(d, "/atom:feed/atom:updated", "2022-04-27T14:33:20Z");
	assert_xpath_str(d, "/atom:feed/atom:author/atom:name", "News");
	assert_int_equal(count(d, "/atom:feed/atom:link[@rel='self' and "
	                          "@href='https://news.example/feed/atom/']"),
	                 1);
	assert_int_equal(count(d, "/atom:feed/atom:link[@rel='alternate' and "
	                          "@href='https://news.example/']"),
	                 1);
	assert_int_equal(count(d, "/atom:feed/atom:entry[atom:id and "
	                          "atom:title and atom:updated and "
	                          "atom:link[@rel='alternate']]"),
	                 2);
	assert_xpath_str(d, "/atom:feed/atom:entry[1]/atom:title",
	                 "<script>alert(1)</script> & \"AT&T\"");
	assert_xpath_str(d, "/atom:feed/atom:entry[1]/atom:id",
	                 "https://news.example/?p=1");
	assert_xpath_str(d, "/atom:feed/atom:entry[1]/atom:published",
	                 "2022-04-27T14:03:00Z");
	assert_xpath_str(d, "/atom:feed/atom:entry[1]/atom:updated",
	                 "2022-04-27T14:33:20Z");
	assert_xpath_str(d, "/atom:feed/atom:entry[1]/atom:author/atom:name",
	                 "Ann O'Hara");
	assert_xpath_str(d, "/atom:feed/atom:entry[1]/atom:category/@term",
	                 "All News");
	/* Atom says what the text is, so the summary stays plain. */
	assert_xpath_str(d, "/atom:feed/atom:entry[1]/atom:summary",
	                 "Plain <b>summary</b> & more");
	assert_xpath_str(d,
	                 "/atom:feed/atom:entry[1]/atom:content[@type='html']",
	                 "<p>Body &amp; <em>HTML</em></p>");
	/* An entry never says it was updated before it was published. */
	assert_xpath_str(d, "/atom:feed/atom:entry[2]/atom:updated",
	                 "2000-02-29T00:00:00Z");
	assert_int_equal(count(d, "/atom:feed/atom:entry[2]/atom:author"), 0);
	assert_null(strstr(b.p, "<script>"));
	xmlFreeDoc(d);
	buf_release(&b);
}

static void
empty_feeds_parse(void **state)
{
	struct xml_feed f = feed_rss;
	struct buf b;
	xmlDocPtr d;

	(void)state;
	f.updated = 0;
	f.description = "";
	write_feed(&f, NULL, 0, &b);
	d = parse(&b);
	assert_int_equal(count(d, "/rss/channel/item"), 0);
	assert_int_equal(count(d, "/rss/channel/lastBuildDate"), 0);
	/* description is required: the title stands in. */
	assert_xpath_str(d, "/rss/channel/description", "News & <Views>");
	xmlFreeDoc(d);
	buf_release(&b);

	f.format = XML_ATOM;
	f.author = NULL;
	write_feed(&f, NULL, 0, &b);
	d = parse(&b);
	assert_int_equal(count(d, "/atom:feed/atom:entry"), 0);
	assert_xpath_str(d, "/atom:feed/atom:updated", "1970-01-01T00:00:00Z");
	assert_xpath_str(d, "/atom:feed/atom:author/atom:name",
	                 "News & <Views>");
	assert_int_equal(count(d, "/atom:feed/atom:subtitle"), 0);
	xmlFreeDoc(d);
	buf_release(&b);
}

/* What a title comes back as after the round trip through the parser. */
static const struct {
	const char *in, *want;
} clean_cases[] = {
	{"plain", "plain"},
	{"a\x01"
         "b\x08"
         "c\x0b"
         "d\x0c"
         "e\x1f"
         "f\x7f",
         "abcde"
         "f\x7f"},
	{"tab\tnl\nend", "tab\tnl\nend"},
	/* A carriage return survives as &#13;, not normalised away. */
	{"cr\rend", "cr\rend"},
	/* U+FFFE and U+FFFF are not XML characters; U+FFFD is. */
	{"x\xEF\xBF\xBEy\xEF\xBF\xBFz\xEF\xBF\xBD", "xyz\xEF\xBF\xBD"},
	/* Bytes that are not UTF-8 become U+FFFD, one each. */
	{"bad\xFF", "bad\xEF\xBF\xBD"},
	{"overlong\xC0\xAF", "overlong\xEF\xBF\xBD\xEF\xBF\xBD"},
	{"surrogate\xED\xA0\x80",
         "surrogate\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
	{"cut\xE2\x82", "cut\xEF\xBF\xBD\xEF\xBF\xBD"},
	{"big\xF4\x90\x80\x80",
         "big\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
	/* Good multi-byte characters pass: é, €, U+1F4F0. */
	{"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xB0",
         "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xB0"},
	{"]]> &amp; <![CDATA[x]]>", "]]> &amp; <![CDATA[x]]>"},
	{"\x01\x02\x03", ""},
};

static void
text_is_made_fit_for_xml(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(clean_cases); i++) {
		for (int fmt = XML_RSS; fmt <= XML_ATOM; fmt++) {
			struct xml_feed f = feed_rss;
			struct xml_entry it = entries[0];
			struct buf b;
			xmlDocPtr d;

			f.format = (enum xml_feed_format)fmt;
			f.title = clean_cases[i].in;
			it.title = clean_cases[i].in;
			it.author = clean_cases[i].in;
			it.link = clean_cases[i].in; /* an attribute in Atom */
			it.content_html = clean_cases[i].in;
			write_feed(&f, &it, 1, &b);
			d = parse(&b);
			if (fmt == XML_RSS) {
				assert_xpath_str(d, "/rss/channel/title",
				                 clean_cases[i].want);
				assert_xpath_str(d, "/rss/channel/item/title",
				                 clean_cases[i].want);
				assert_xpath_str(d, "/rss/channel/item/link",
				                 clean_cases[i].want);
				assert_xpath_str(d,
				                 "/rss/channel/item/dc:creator",
				                 clean_cases[i].want);
			} else {
				assert_xpath_str(d, "/atom:feed/atom:title",
				                 clean_cases[i].want);
				assert_xpath_str(
					d,
					"/atom:feed/atom:entry/atom:link/"
					"@href",
					clean_cases[i].want);
				assert_xpath_str(
					d, "/atom:feed/atom:entry/atom:content",
					clean_cases[i].want);
			}
			xmlFreeDoc(d);
			buf_release(&b);
		}
	}
}

static const struct {
	int64_t t;
	const char *rfc822, *rfc3339;
} date_cases[] = {
	{0, "Thu, 01 Jan 1970 00:00:00 +0000", "1970-01-01T00:00:00Z"},
	{1651068180, "Wed, 27 Apr 2022 14:03:00 +0000", "2022-04-27T14:03:00Z"},
	{951782400, "Tue, 29 Feb 2000 00:00:00 +0000", "2000-02-29T00:00:00Z"},
	{2147483648LL, "Tue, 19 Jan 2038 03:14:08 +0000",
         "2038-01-19T03:14:08Z"},
	{1700000000, "Tue, 14 Nov 2023 22:13:20 +0000", "2023-11-14T22:13:20Z"},
	/* Out of range: clamped to what a four-digit year can say. */
	{-5, "Thu, 01 Jan 1970 00:00:00 +0000", "1970-01-01T00:00:00Z"},
	{253402300799LL, "Fri, 31 Dec 9999 23:59:59 +0000",
         "9999-12-31T23:59:59Z"},
	{INT64_MAX, "Fri, 31 Dec 9999 23:59:59 +0000", "9999-12-31T23:59:59Z"},
};

static void
dates(void **state)
{
	char out[64];

	(void)state;
	for (size_t i = 0; i < NELEM(date_cases); i++) {
		xml_date_rfc822(date_cases[i].t, out, sizeof(out));
		assert_string_equal(out, date_cases[i].rfc822);
		xml_date_rfc3339(date_cases[i].t, out, sizeof(out));
		assert_string_equal(out, date_cases[i].rfc3339);
	}
}

static void
cap_is_too_big_and_keeps_the_buffer(void **state)
{
	struct buf b;
	struct error e;
	struct xml_sitemap *sm;
	int added = 0;

	(void)state;
	buf_init(&b, 600);
	assert_int_equal(buf_puts(&b, "kept"), 0);
	assert_int_equal(xml_feed_write(&b, &feed_rss, entries, NELEM(entries),
	                                &e),
	                 -1);
	assert_int_equal(e.code, ERR_TOO_BIG);
	assert_string_equal(buf_str(&b), "kept");
	assert_int_equal(b.len, 4);

	/* A sitemap stops taking URLs once the cap is reached. */
	sm = xml_sitemap_begin(&b, 0);
	for (int i = 0; i < 10000; i++) {
		if (xml_sitemap_add(sm, "https://news.example/some/long/path/",
		                    1651068180) == -1)
			break;
		added++;
	}
	assert_true(added < 10000);
	assert_int_equal(xml_sitemap_end(sm, &e), -1);
	assert_int_equal(e.code, ERR_TOO_BIG);
	assert_string_equal(buf_str(&b), "kept");
	buf_release(&b);
}

static void
sitemaps_parse_with_their_shape(void **state)
{
	struct buf b;
	struct error e;
	struct xml_sitemap *sm;
	xmlDocPtr d;

	(void)state;
	buf_init(&b, 1024 * 1024);
	sm = xml_sitemap_begin(&b, 0);
	assert_int_equal(xml_sitemap_add(sm, "https://news.example/", 0), 0);
	assert_int_equal(xml_sitemap_add(sm, "https://news.example/?a=1&b=<2>",
	                                 1651068180),
	                 0);
	assert_int_equal(xml_sitemap_end(sm, &e), 0);
	d = parse(&b);
	assert_int_equal(count(d, "/sm:urlset/sm:url"), 2);
	assert_int_equal(count(d, "/sm:urlset/sm:url[1]/sm:lastmod"), 0);
	assert_xpath_str(d, "/sm:urlset/sm:url[2]/sm:loc",
	                 "https://news.example/?a=1&b=<2>");
	assert_xpath_str(d, "/sm:urlset/sm:url[2]/sm:lastmod",
	                 "2022-04-27T14:03:00Z");
	xmlFreeDoc(d);
	buf_release(&b);

	buf_init(&b, 1024 * 1024);
	sm = xml_sitemap_begin(&b, 1);
	assert_int_equal(xml_sitemap_add(sm,
	                                 "https://news.example/sitemap-1.xml",
	                                 1),
	                 0);
	assert_int_equal(xml_sitemap_add(sm,
	                                 "https://news.example/sitemap-2.xml",
	                                 1),
	                 0);
	assert_int_equal(xml_sitemap_end(sm, &e), 0);
	d = parse(&b);
	assert_int_equal(count(d, "/sm:sitemapindex/sm:sitemap[sm:loc]"), 2);
	assert_int_equal(count(d, "//sm:url"), 0);
	assert_xpath_str(d, "/sm:sitemapindex/sm:sitemap[2]/sm:loc",
	                 "https://news.example/sitemap-2.xml");
	xmlFreeDoc(d);
	buf_release(&b);

	/* An empty urlset is still a document. */
	buf_init(&b, 1024 * 1024);
	sm = xml_sitemap_begin(&b, 0);
	assert_int_equal(xml_sitemap_end(sm, &e), 0);
	d = parse(&b);
	assert_int_equal(count(d, "/sm:urlset"), 1);
	xmlFreeDoc(d);
	buf_release(&b);
}

/*
 * A streamed document (the WordPress export) takes one string of
 * LIM_XML_DOC_TEXT_BYTES, as text and as CDATA, and ends with
 * ERR_TOO_BIG for one a byte longer.
 */
static void
doc_text_cap(void **state)
{
	char *big = malloc((size_t)LIM_XML_DOC_TEXT_BYTES + 2);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', LIM_XML_DOC_TEXT_BYTES);
	for (int extra = 0; extra <= 1; extra++) {
		FILE *f = fopen("/dev/null", "w");
		struct xml_doc *d;
		struct error e;

		assert_non_null(f);
		big[LIM_XML_DOC_TEXT_BYTES] = extra ? 'x' : '\0';
		big[LIM_XML_DOC_TEXT_BYTES + 1] = '\0';
		for (int cdata = 0; cdata <= 1; cdata++) {
			d = xml_doc_begin(f);
			xml_doc_start(d, "rss");
			if (cdata)
				xml_doc_cdata(d, "content", big);
			else
				xml_doc_el(d, "title", big);
			if (!extra)
				assert_int_equal(xml_doc_end(d, &e), 0);
			else {
				assert_int_equal(xml_doc_end(d, &e), -1);
				assert_int_equal(e.code, ERR_TOO_BIG);
			}
		}
		fclose(f);
	}
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rss_parses_with_its_shape),
		cmocka_unit_test(atom_parses_with_its_shape),
		cmocka_unit_test(empty_feeds_parse),
		cmocka_unit_test(text_is_made_fit_for_xml),
		cmocka_unit_test(dates),
		cmocka_unit_test(cap_is_too_big_and_keeps_the_buffer),
		cmocka_unit_test(doc_text_cap),
		cmocka_unit_test(sitemaps_parse_with_their_shape),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	xmlCleanupParser();
	return rc;
}
