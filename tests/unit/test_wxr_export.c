/*
 * import/wxr_export.h and render/xml.h's streamed document: CDATA split
 * at "]]>" and CR written as a character reference, both reading back
 * exactly; WordPress ids (legacy ids kept, a native id that clashes with
 * one moved past them all); and an export imported again into a second
 * ":memory:" store giving the same rows.  tests/e2e/export.test.mjs does
 * the round trips of whole sites.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import/wxr.h"
#include "import/wxr_export.h"
#include "render/xml.h"
#include "store/posts.h"
#include "util/arena.h"
#include "util/error.h"
#include "mem_store.h"
#include "util/banned.h"

/* The text of the first element named name in the document xml. */
static char *
first_text(const char *xml, size_t n, const char *name)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)n, NULL, NULL, XML_PARSE_NONET);
	xmlNodePtr stack[64];
	int top = 0;
	char *out = NULL;

	assert_non_null(doc);
	stack[top++] = xmlDocGetRootElement(doc);
	while (top > 0 && out == NULL) {
		xmlNodePtr node = stack[--top];

		for (; node != NULL; node = node->next) {
			if (node->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)node->name, name) == 0) {
				xmlChar *c = xmlNodeGetContent(node);

				out = strdup((const char *)c);
				xmlFree(c);
				break;
			}
			if (node->children != NULL && top < 64)
				stack[top++] = node->children;
		}
	}
	xmlFreeDoc(doc);
	return out;
}

static void
cdata_reads_back(void **state)
{
	static const char *const cases[] = {
		"plain",
		"",
		"]]>",
		"a]]>b]]>c",
		"]]]]>",
		"ends ]]",
		"line\r\nbreak ]]> and \xC3\xBC\xF0\x9F\x8E\x89",
		"<b>&amp;</b>",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = NULL, *got;
		size_t n = 0;
		FILE *f = open_memstream(&p, &n);
		struct xml_doc *d;
		struct error e;

		assert_non_null(f);
		d = xml_doc_begin(f);
		xml_doc_start(d, "root");
		xml_doc_cdata(d, "t", cases[i]);
		xml_doc_close(d);
		assert_int_equal(xml_doc_end(d, &e), 0);
		fclose(f);
		/* with a CR the text is escaped instead of CDATA */
		if (strchr(cases[i], '\r') != NULL)
			assert_non_null(strstr(p, "&#13;"));
		else if (strstr(cases[i], "]]>") != NULL)
			assert_non_null(strstr(p, "]]]]><![CDATA[>"));
		got = first_text(p, n, "t");
		assert_string_equal(got, cases[i]);
		free(got);
		free(p);
	}
}

static const char SMALL_WXR[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.2/\" "
	"xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n"
	"<wp:wxr_version>1.2</wp:wxr_version>\n"
	"<wp:base_site_url>https://old.example</wp:base_site_url>\n"
	"<wp:author><wp:author_id>7</wp:author_id><wp:author_login>ann"
	"</wp:author_login></wp:author>\n"
	"<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>top"
	"</wp:category_nicename><wp:cat_name>Top</wp:cat_name></wp:category>\n"
	"<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>sub"
	"</wp:category_nicename><wp:category_parent>top</wp:category_parent>"
	"<wp:cat_name>Sub</wp:cat_name></wp:category>\n"
	"<item><title>Two</title><dc:creator>ann</dc:creator>"
	"<content:encoded><![CDATA[x ]]]]><![CDATA[> y]]></content:encoded>"
	"<wp:post_id>2</wp:post_id><wp:post_name>two</wp:post_name>"
	"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
	"<category domain=\"category\" nicename=\"sub\">Sub</category>"
	"<wp:comment><wp:comment_id>10</wp:comment_id>"
	"<wp:comment_author>c</wp:comment_author><wp:comment_content>one"
	"</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
	"</wp:comment>"
	"<wp:comment><wp:comment_id>11</wp:comment_id>"
	"<wp:comment_author>d</wp:comment_author><wp:comment_content>two"
	"</wp:comment_content><wp:comment_approved>spam</wp:comment_approved>"
	"<wp:comment_parent>10</wp:comment_parent></wp:comment>"
	"</item>\n</channel>\n</rss>\n";

static int
import_text(struct store *s, const char *text, struct error *e)
{
	char path[] = "/tmp/gazette-test-wxr-XXXXXX";
	int fd = mkstemp(path);
	struct wxr_report r;
	int rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	if (store_begin(s, e) == -1)
		return -1;
	rc = wxr_import(s, path, NULL, &r, e);
	if (rc == 0)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	unlink(path);
	return rc;
}

static char *
export_text(struct store *s, size_t *n)
{
	struct wxr_export_options o = {"http://new.example", "T", "", 0};
	struct wxr_export_report r;
	struct error e;
	char *p = NULL;
	FILE *f = open_memstream(&p, n);

	assert_non_null(f);
	assert_int_equal(wxr_export(s, f, &o, &r, &e), 0);
	fclose(f);
	return p;
}

static void
ids_and_round_trip(void **state)
{
	struct error e;
	struct store *a = mem_store_open(&e), *b;
	struct post p = {0};
	char *xml, *again;
	size_t n, n2;
	int64_t id;

	(void)state;
	assert_non_null(a);
	assert_int_equal(import_text(a, SMALL_WXR, &e), 0);
	/* a post written here after the import: its id (3) is free of any
	 * legacy id, so it keeps it; no post was imported as 3 */
	p.type = POST_POST;
	p.status = POST_PUBLISHED;
	p.slug = "native";
	p.title = "Native \xC3\xBC";
	p.excerpt = p.source_url = "";
	p.body_src = "md ]]> *src*";
	p.body_html = "<p>md ]]&gt; <em>src</em></p>\n";
	p.body_format = "markdown";
	p.published_at = p.updated_at = 1700000000;
	assert_int_equal(store_post_add(a, &p, &id, &e), 0);
	xml = export_text(a, &n);
	assert_non_null(strstr(xml, "<wp:post_id>2</wp:post_id>"));
	assert_non_null(
		strstr(xml, "<wp:post_id>" /* the native post keeps 3 */ "3<"));
	assert_non_null(strstr(xml, "<wp:comment_id>11</wp:comment_id>"));
	assert_non_null(strstr(xml, "<wp:comment_parent>10</"));
	assert_non_null(strstr(xml, "<wp:comment_approved><![CDATA[spam]]></"));
	assert_non_null(strstr(xml, "<wp:category_parent><![CDATA[top]]></"));
	assert_non_null(strstr(xml, "_gazette_markdown"));

	/* into a second store: the same rows, and an export equal to the
	 * first but for the markdown post's placement */
	b = mem_store_open(&e);
	assert_non_null(b);
	{
		char *z = malloc(n + 1);

		memcpy(z, xml, n);
		z[n] = '\0';
		assert_int_equal(import_text(b, z, &e), 0);
		/* twice: nothing added */
		assert_int_equal(import_text(b, z, &e), 0);
		free(z);
	}
	again = export_text(b, &n2);
	{
		struct arena *ar = arena_new();
		struct post got;

		assert_int_equal(store_post_get(b, ar, 3, &got, &e), 0);
		assert_string_equal(got.body_src, "md ]]> *src*");
		assert_string_equal(got.body_format, "markdown");
		assert_string_equal(got.title, "Native \xC3\xBC");
		assert_int_equal(store_post_get(b, ar, 2, &got, &e), 0);
		assert_string_equal(got.body_src, "x ]]> y");
		assert_string_equal(got.section_slug, "sub");
		arena_free(ar);
	}
	assert_int_equal(n2, n);
	free(again);
	free(xml);
	mem_store_close(b);
	mem_store_close(a);
}

/* A native post whose id an imported post holds as its legacy id moves
 * past every id, so the export never has two items with one id. */
static void
clashing_ids_move(void **state)
{
	struct error e;
	struct store *s = mem_store_open(&e);
	struct post p = {0};
	char *xml;
	size_t n;
	int64_t id;

	(void)state;
	assert_non_null(s);
	p.type = POST_POST;
	p.status = POST_DRAFT;
	p.excerpt = p.source_url = p.body_src = p.body_html = "";
	p.body_format = "markdown";
	p.published_at = p.updated_at = 1700000000;
	p.slug = p.title = "one";
	assert_int_equal(store_post_add(s, &p, &id, &e), 0);
	p.slug = p.title = "two-native";
	assert_int_equal(store_post_add(s, &p, &id, &e), 0);
	assert_int_equal(id, 2);
	/* WordPress post 2 arrives: id 2 is taken, so it gets 3 */
	assert_int_equal(import_text(s, SMALL_WXR, &e), 0);
	xml = export_text(s, &n);
	assert_non_null(strstr(xml, "<wp:post_id>1</wp:post_id>"));
	assert_non_null(strstr(xml, "<wp:post_id>2</wp:post_id>"));
	/* the native post 2 moves to 2 + 3 (the largest id or legacy id) */
	assert_non_null(strstr(xml, "<wp:post_id>5</wp:post_id>"));
	assert_null(strstr(xml, "<wp:post_id>3</wp:post_id>"));
	free(xml);
	mem_store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cdata_reads_back),
		cmocka_unit_test(ids_and_round_trip),
		cmocka_unit_test(clashing_ids_move),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
