/*
 * import/wxr.h: the stop-gap HTML rendering (safe to print raw), and
 * imports into a ":memory:" store through the same wxr_import() the CLI
 * calls: counts, a second import adding nothing, refused files leaving
 * nothing behind, legacy links.  The e2e suite (tests/e2e/import.test.mjs)
 * checks every fixture file's expectations in the database and over HTTP.
 * Without the fixtures the import tests are skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import/wxr.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *
fixture(char *out, size_t n, const char *rel)
{
	const char *d = getenv("GAZETTE_FIXTURES");

	snprintf(out, n, "%s/wxr/%s",
	         d != NULL && d[0] != '\0' ? d : GAZETTE_FIXTURES_DEFAULT, rel);
	return out;
}

/* The fixture's path, or skip() when the fixtures are not there. */
#define FIXTURE(var, rel)                                                      \
	char var##_buf[4096];                                                  \
	const char *var = fixture(var##_buf, sizeof(var##_buf), rel);          \
	if (access(var, R_OK) != 0)                                            \
	skip()

static struct store *
memory_store(void)
{
	struct error e;
	struct store *s = store_open(":memory:", 1, &e);

	if (s == NULL)
		fail_msg("store_open: %s", e.msg);
	return s;
}

static void
small_export_twice(void **state)
{
	struct wxr_options o = {"http://new.example", NULL, NULL};
	struct wxr_report r;
	struct store *s;
	struct arena *a;
	struct post p;
	struct error e;

	(void)state;
	FIXTURE(path, "wordpress-importer/phpunit-data/small-export.xml");
	s = memory_store();
	a = arena_new();
	if (wxr_import(s, path, &o, &r, &e) == -1)
		fail_msg("import: %s", e.msg);
	assert_string_equal(r.version, "1.1");
	assert_int_equal(r.items, 11);
	assert_int_equal(r.added[WXR_AUTHOR], 3);
	assert_int_equal(r.added[WXR_CATEGORY], 30);
	assert_int_equal(r.added[WXR_TAG], 3);
	assert_int_equal(r.added[WXR_POST], 6);
	assert_int_equal(r.added[WXR_PAGE], 5);
	assert_int_equal(r.added[WXR_COMMENT], 1);
	/* WordPress ids kept: post 1 is "Hello world!" */
	assert_int_equal(store_post_get(s, a, 1, &p, &e), 0);
	assert_string_equal(p.title, "Hello world!");
	assert_string_equal(p.body_format, "html");
	assert_int_equal(p.comment_count, 1);
	/* again: everything is there already */
	if (wxr_import(s, path, &o, &r, &e) == -1)
		fail_msg("second import: %s", e.msg);
	for (int k = 0; k < WXR_KIND__MAX; k++)
		assert_int_equal(r.added[k], 0);
	assert_int_equal(r.existing[WXR_POST], 6);
	assert_int_equal(r.existing[WXR_PAGE], 5);
	assert_int_equal(r.existing[WXR_COMMENT], 1);
	arena_free(a);
	store_close(s);
}

static void
refused_files_leave_nothing(void **state)
{
	static const struct {
		const char *file, *says;
	} cases[] = {
		{"malformed.xml", "malformed.xml:90:11: malformed XML: "},
		{"malformed-simple.xml", "malformed XML: "},
		{"crazy-cdata.xml", "malformed XML: "},
		{"missing-version-tag.xml",
	         "missing/invalid WXR version number"},
		{"invalid-version-tag.xml",
	         "missing/invalid WXR version number"},
	};
	struct wxr_report r;
	struct store *s;
	struct arena *a;
	struct post p;
	struct error e;
	char rel[256];

	(void)state;
	FIXTURE(dir, "wordpress-importer/phpunit-data/malformed.xml");
	(void)dir;
	s = memory_store();
	a = arena_new();
	for (size_t i = 0; i < NELEM(cases); i++) {
		char buf[4096];

		snprintf(rel, sizeof(rel), "wordpress-importer/phpunit-data/%s",
		         cases[i].file);
		fixture(buf, sizeof(buf), rel);
		assert_int_equal(wxr_import(s, buf, NULL, &r, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		if (strstr(e.msg, cases[i].says) == NULL)
			fail_msg("%s: %s", cases[i].file, e.msg);
		/* malformed.xml has items before its error: none stayed */
		assert_int_equal(store_post_get(s, a, 1, &p, &e), -1);
		assert_int_equal(e.code, ERR_NOT_FOUND);
	}
	arena_free(a);
	store_close(s);
}

static void
legacy_links(void **state)
{
	struct wxr_report r;
	struct store *s;
	struct arena *a;
	struct error e;
	const char *url;
	int64_t id;

	(void)state;
	FIXTURE(path, "wordpress-importer/phpunit-data/"
	              "wxr-flat-attachment-same-site.xml");
	s = memory_store();
	a = arena_new();
	if (wxr_import(s, path, NULL, &r, &e) == -1)
		fail_msg("import: %s", e.msg);
	/* the post by its WordPress id, and its old permalink */
	assert_int_equal(store_legacy_id(s, a, 555, &id, &url, &e), 0);
	assert_int_equal(id, 555);
	assert_int_equal(store_legacy_path(s, a,
	                                   "/2011/01/10/post-with-attachment/",
	                                   &id, &url, &e),
	                 0);
	assert_int_equal(id, 555);
	/* the attachment page: its file (the post it belongs to is not
	 * named as its parent here) */
	assert_int_equal(store_legacy_path(s, a, "/2010/09/10/canola2/", &id,
	                                   &url, &e),
	                 0);
	assert_string_equal(
		url,
		"https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg");
	assert_int_equal(store_legacy_path(s, a, "/nowhere/", &id, &url, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_free(a);
	store_close(s);
}

/*
 * Links to the old base URL (EXPECTATIONS.md, wxr-simple.xml and
 * wxr-base-url-rewriting.xml, restated on a base with a path so every
 * look-alike has a twin): each line of the body is one case.
 */
static void
links_rewritten(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"https://oldsite.com/blog/a/", "https://new.example/a/"},
		{"http://OLDSITE.com/blog", "https://new.example"},
		{"<a href=\"https://oldsite.com/blog?p=1\">",
	         "<a href=\"https://new.example?p=1\">"},
		{"https://oldsite.com.evil.com/blog/x",
	         "https://oldsite.com.evil.com/blog/x"},
		{"https://oldsite.company/blog/x",
	         "https://oldsite.company/blog/x"},
		{"https://oldsite.com/blogger/x",
	         "https://oldsite.com/blogger/x"},
		{"https://oldsite.com@evil.com/blog",
	         "https://oldsite.com@evil.com/blog"},
		{"oldsite.com/blog/x", "oldsite.com/blog/x"},
		{"https://oldsite.com/%62%6Cog/x", "https://new.example/x"},
		{"&#104;ttps://oldsite.com/blog/y", "https://new.example/y"},
		{"&#x68;ttps://&#111;ldsite.com/blog/y",
	         "https://new.example/y"},
		{"{\"url\":\"https:\\/\\/oldsite.com\\/blog\\/z\"}",
	         "{\"url\":\"https:\\/\\/new.example\\/z\"}"},
		{"\\u0068ttps:\\/\\/oldsite.com\\/blog\\/q",
	         "https:\\/\\/new.example\\/q"},
		{"<p style=\"background:url('https://oldsite.com/blog/bg.jpg')\">",
	         "<p style=\"background:url('https://new.example/bg.jpg')\">"},
		{"url(https://oldsite.com/blog/bg.jpg)",
	         "url(https://new.example/bg.jpg)"},
		/* uploads stay until the files are downloaded */
		{"https://oldsite.com/blog/wp-content/uploads/a.jpg",
	         "https://oldsite.com/blog/wp-content/uploads/a.jpg"},
		/* the IDN base of wxr-base-url-rewriting.xml, as punycode */
		{"https://xn---science-7f85g.com/science/x",
	         "https://xn---science-7f85g.com/science/x"},
	};
	char path[] = "/tmp/gazette-test-wxr-XXXXXX";
	struct wxr_options o = {"https://new.example", NULL, NULL};
	struct wxr_report r;
	struct store *s;
	struct arena *a;
	struct error e;
	struct post p;
	const char *line;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("<?xml version=\"1.0\"?>\n<rss version=\"2.0\" "
	      "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
	      "xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>"
	      "<wp:wxr_version>1.2</wp:wxr_version>"
	      "<wp:base_site_url>https://oldsite.com/blog</wp:base_site_url>"
	      "<wp:base_blog_url>https://oldsite.com/blog</wp:base_blog_url>"
	      "<item><title>Links</title><wp:post_id>5</wp:post_id>"
	      "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
	      "<content:encoded><![CDATA[",
	      f);
	for (size_t i = 0; i < NELEM(cases); i++)
		fprintf(f, "%s\n", cases[i].in);
	fputs("]]></content:encoded></item></channel></rss>\n", f);
	fclose(f);
	s = memory_store();
	a = arena_new();
	if (wxr_import(s, path, &o, &r, &e) == -1)
		fail_msg("import: %s", e.msg);
	unlink(path);
	assert_int_equal(store_post_get(s, a, 5, &p, &e), 0);
	line = p.body_src;
	for (size_t i = 0; i < NELEM(cases); i++) {
		size_t n = strcspn(line, "\n");

		if (strlen(cases[i].out) != n ||
		    strncmp(line, cases[i].out, n) != 0)
			fail_msg("case %zu: %s\n got: %.*s\nwant: %s", i,
			         cases[i].in, (int)n, line, cases[i].out);
		line += n + (line[n] == '\n');
	}
	arena_free(a);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(small_export_twice),
		cmocka_unit_test(refused_files_leave_nothing),
		cmocka_unit_test(legacy_links),
		cmocka_unit_test(links_rewritten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
