/*
 * import/wxr.h: the stop-gap HTML rendering (safe to print raw), and
 * imports into a ":memory:" store through the same wxr_import() the CLI
 * calls: counts, a second import adding nothing, refused files leaving
 * nothing behind, legacy links.  The e2e suite (tests/e2e/import.test.mjs)
 * checks every fixture file's expectations in the database and over HTTP.
 * Without the fixtures the import tests are skipped (fixtures.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "import/wxr.h"
#include "store/comments.h"
#include "store/import.h"
#include "store/internal.h"
#include "store/posts.h"
#include "store/search.h"
#include "store/sqlite.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "counts_check.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

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
	struct wxr_options o = {"http://new.example", NULL, NULL, 0};
	struct wxr_report r;
	struct store *s;
	struct arena *a;
	struct post p;
	struct error e;

	(void)state;
	FIXTURE(path, "wxr/wordpress-importer/phpunit-data/small-export.xml");
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
	FIXTURE(dir, "wxr/wordpress-importer/phpunit-data/malformed.xml");
	(void)dir;
	s = memory_store();
	a = arena_new();
	for (size_t i = 0; i < NELEM(cases); i++) {
		char buf[4096];

		snprintf(rel, sizeof(rel),
		         "wxr/wordpress-importer/phpunit-data/%s",
		         cases[i].file);
		fixture_path(buf, sizeof(buf), rel);
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
	FIXTURE(path, "wxr/wordpress-importer/phpunit-data/"
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
	struct wxr_options o = {"https://new.example", NULL, NULL, 0};
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

/*
 * Every row of sql on h appended to b, one line each, its columns joined
 * by sep; with near_now, integers within an hour of now are written "NOW"
 * (imports stamp what a file leaves undated with the clock).
 */
static void
rows_of(sqlite3 *h, const char *sql, const char *sep, int near_now,
        struct buf *b)
{
	int64_t now = (int64_t)time(NULL);
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			int64_t v = sqlite3_column_int64(st, c);
			const char *t =
				(const char *)sqlite3_column_text(st, c);
			int near =
				near_now &&
				sqlite3_column_type(st, c) == SQLITE_INTEGER &&
				v > now - 3600 && v < now + 3600;

			assert_int_equal(buf_printf(b, "%s%s", c ? sep : "",
			                            near ? "NOW"
			                            : t  ? t
			                                 : "NULL"),
			                 0);
		}
		assert_int_equal(buf_putc(b, '\n'), 0);
	}
	sqlite3_finalize(st);
}

static sqlite3 *
db_read(const char *db)
{
	sqlite3 *h;
	struct error e;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	/* The search index's tokenizer, to read posts_fts. */
	assert_int_equal(search_functions_add(h, &e), 0);
	return h;
}

/* A database file and its WAL files. */
static void
remove_db(const char *db)
{
	char tmp[300];

	unlink(db);
	snprintf(tmp, sizeof(tmp), "%s-wal", db);
	unlink(tmp);
	snprintf(tmp, sizeof(tmp), "%s-shm", db);
	unlink(tmp);
}

/* Every comment's and post's threading columns, one line each, into b. */
static const char *
threading_of(const char *db, struct buf *b)
{
	sqlite3 *h = db_read(db);

	buf_init(b, 1 << 20);
	rows_of(h,
	        "SELECT id, legacy_id, coalesce(parent_id, 0), thread_id, "
	        "depth, reply_count, activity_at FROM comments ORDER BY id",
	        " ", 0, b);
	rows_of(h,
	        "SELECT id, comment_count, activity_at FROM posts ORDER BY id",
	        " ", 0, b);
	sqlite3_close(h);
	return buf_str(b);
}

/* Import path into the site at db, then check the importer's own
 * threading against store_import_finish()'s SQL over the same rows; the
 * importer's, into b. */
static const char *
threads_match_reference(const char *db, const char *path, struct buf *b)
{
	struct wxr_options o = {"https://new.example", NULL, NULL, 0};
	struct wxr_report r;
	struct error e;
	struct store *s = store_open(db, 1, &e);
	struct buf sql;

	if (s == NULL)
		fail_msg("store_open: %s", e.msg);
	if (wxr_import(s, path, &o, &r, &e) == -1)
		fail_msg("import %s: %s", path, e.msg);
	threading_of(db, b);
	if (store_begin(s, &e) == -1 || store_import_finish(s, 1, &e) == -1 ||
	    store_commit(s, &e) == -1)
		fail_msg("finish: %s", e.msg);
	threading_of(db, &sql);
	if (strcmp(buf_str(b), buf_str(&sql)) != 0)
		fail_msg("%s: the import's threads differ from the SQL's\n"
		         "import:\n%s\nSQL:\n%s",
		         path, buf_str(b), buf_str(&sql));
	buf_release(&sql);
	store_close(s);
	return buf_str(b);
}

/* The pieces, up to a NULL, one after the other. */
static void
write_file(const char *path, ...)
{
	FILE *f = fopen(path, "w");
	const char *piece;
	va_list ap;

	assert_non_null(f);
	va_start(ap, path);
	while ((piece = va_arg(ap, const char *)) != NULL)
		fputs(piece, f);
	va_end(ap);
	fclose(f);
}

#define WXR_HEAD                                                               \
	"<?xml version=\"1.0\"?>\n<rss version=\"2.0\" "                       \
	"xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "          \
	"xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>"              \
	"<wp:wxr_version>1.2</wp:wxr_version>"                                 \
	"<wp:base_site_url>https://old.example</wp:base_site_url>"
#define WXR_POST(id)                                                           \
	"<item><title>Post " #id "</title><wp:post_id>" #id "</wp:post_id>"    \
	"<wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>"             \
	"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"      \
	"<content:encoded>Text</content:encoded>"
/* id, parent, approved ("1", "0", "spam", "trash"), minute of the day */
#define WXR_COMMENT(id, parent, approved, minute)                              \
	"<wp:comment><wp:comment_id>" #id "</wp:comment_id>"                   \
	"<wp:comment_author>A</wp:comment_author>"                             \
	"<wp:comment_date_gmt>2021-01-01 10:" #minute                          \
	":00</wp:comment_date_gmt><wp:comment_content>C " #id                  \
	"</wp:comment_content><wp:comment_approved>" approved                  \
	"</wp:comment_approved><wp:comment_parent>" #parent                    \
	"</wp:comment_parent></wp:comment>"

/*
 * The importer joins up a new post's threads itself (thread_plan() in
 * wxr.c) instead of rewriting every comment afterwards; its answer must
 * be exactly the one store_import_finish()'s SQL gives, on every shape a
 * file can have: replies before their parents, loops, a comment its own
 * parent, repeated ids, a pingback's id as a parent, a parent on another
 * post, trash and pending replies, a WordPress id already taken, and a
 * second file adding replies to comments of the first.
 */
static void
threads_as_the_sql_joins_them(void **state)
{
	static const char *const want[] = {
		"\n10 10 0 10 0 1 1609498200\n",  /* 10:50, its newest */
		"\n11 11 10 10 1 2 1609496400\n", /* not the trash one */
		"\n16 16 0 16 0 0 ",
		"\n17 17 0 17 0 0 ", /* the loop */
		"\n18 18 0 18 0 0 ",
		"\n20 20 0 20 0 0 ", /* under it; self */
		"\n22 22 0 22 0 0 ", /* the pingback's reply */
		"\n23 3 0 23 0 1 ",
		"\n24 23 23 23 1 0 ", /* 3 was taken */
		"\n30 30 0 30 0 1 ",  /* its parent is on post 100 */
		"\n100 10 ",
		"\n200 1 ",
		"\n300 0 ",
	};
	char dir[] = "/tmp/gazette-test-threads-XXXXXX";
	char db[256], path[256], path2[256];
	const char *t;
	struct buf b;
	struct error e;
	struct store *s;
	struct post p = {0};
	struct comment c = {0};
	int64_t id;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/gazette.db", dir);
	snprintf(path, sizeof(path), "%s/a.xml", dir);
	snprintf(path2, sizeof(path2), "%s/b.xml", dir);
	/* a site comment holding id 3, which the file's comment 3 wants */
	s = store_open(db, 1, &e);
	assert_non_null(s);
	p.type = POST_POST;
	p.status = POST_PUBLISHED;
	p.slug = p.title = p.body_src = p.body_html = "native";
	p.excerpt = p.source_url = "";
	p.body_format = "markdown";
	p.comments_open = 1;
	assert_int_equal(store_post_add(s, &p, &id, &e), 0);
	c.post_id = id;
	c.author_name = "N";
	c.author_email = c.author_url = "";
	c.body_src = c.body_html = "native";
	c.status = COMMENT_APPROVED;
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_comment_add(s, &c, NULL, &e), 0);
	store_close(s);

	write_file(path, WXR_HEAD WXR_POST(100),
	           /* a reply before its parent */
	           WXR_COMMENT(11, 10, "1", 20), WXR_COMMENT(10, 0, "1", 10),
	           WXR_COMMENT(12, 11, "0", 30),
	           WXR_COMMENT(13, 11, "trash", 40),
	           WXR_COMMENT(14, 11, "1", 50),
	           WXR_COMMENT(19, 14, "spam", 55),
	           /* a parent nowhere, a loop and a reply under it, itself */
	           WXR_COMMENT(15, 99, "1", 05), WXR_COMMENT(16, 17, "1", 06),
	           WXR_COMMENT(17, 16, "0", 07), WXR_COMMENT(18, 16, "1", 08),
	           WXR_COMMENT(20, 20, "1", 09),
	           /* a repeated id, and a reply to the pingback's id */
	           WXR_COMMENT(10, 0, "1", 11),
	           "<wp:comment><wp:comment_id>21</wp:comment_id>"
	           "<wp:comment_type>pingback</wp:comment_type>"
	           "<wp:comment_approved>1</wp:comment_approved>"
	           "<wp:comment_content>ping</wp:comment_content></wp:comment>",
	           WXR_COMMENT(22, 21, "1", 12),
	           /* an id taken by a site comment, with a reply */
	           WXR_COMMENT(3, 0, "1", 13), WXR_COMMENT(23, 3, "1", 14),
	           "</item>", WXR_POST(200),
	           /* a parent on the other post */
	           WXR_COMMENT(30, 10, "1", 15), WXR_COMMENT(31, 30, "0", 16),
	           "</item>", WXR_POST(300), "</item></channel></rss>\n", NULL);
	t = threads_match_reference(db, path, &b);
	/* id legacy_id parent thread depth replies activity; then posts:
	 * id comments activity */
	for (size_t i = 0; i < NELEM(want); i++)
		if (strstr(t, want[i]) == NULL)
			fail_msg("no line '%s' in\n%s", want[i], t);
	buf_release(&b);
	/* a second file: new replies to comments of the first, on the same
	 * post, and a new comment whose id the first file used */
	write_file(path2, WXR_HEAD WXR_POST(100), WXR_COMMENT(40, 14, "1", 58),
	           WXR_COMMENT(41, 40, "1", 59), "</item>", WXR_POST(400),
	           WXR_COMMENT(10, 0, "1", 01), WXR_COMMENT(42, 10, "1", 02),
	           "</item></channel></rss>\n", NULL);
	t = threads_match_reference(db, path2, &b);
	if (strstr(t, "\n41 41 40 10 4 0 ") == NULL ||
	    strstr(t, "\n42 42 0 42 0 0 ") == NULL)
		fail_msg("second file:\n%s", t);
	buf_release(&b);
	unlink(path);
	unlink(path2);
	remove_db(db);
	assert_int_equal(rmdir(dir), 0);
}

/* The same check over the fixtures' real threads. */
static void
fixture_threads_as_the_sql_joins_them(void **state)
{
	static const char *const files[] = {
		"theme-test-data/themeunittestdata.wordpress.xml",
		"wordpress-importer/phpunit-data/small-export.xml",
		"wordpress-importer/phpunit-data/theme-unit-test-data.xml",
		"wordpress-importer/phpunit-data/a11y-unit-test-data.xml",
		"wordpress-importer/phpunit-data/test-serialized-comment-meta.xml",
	};
	char dir[] = "/tmp/gazette-test-threads-XXXXXX";
	char db[256];

	(void)state;
	FIXTURE(wxr, "wxr");
	(void)wxr;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < NELEM(files); i++) {
		char buf[4096], rel[256];
		const char *path;

		snprintf(rel, sizeof(rel), "wxr/%s", files[i]);
		path = fixture_path(buf, sizeof(buf), rel);
		if (access(path, R_OK) != 0)
			fail_msg("%s: missing from the fixtures", path);
		snprintf(db, sizeof(db), "%s/site%zu.db", dir, i);
		struct buf b;

		threads_match_reference(db, path, &b);
		buf_release(&b);
		remove_db(db);
	}
	rmdir(dir);
}

/* Every table's rows, one line each, into b; times near now are "NOW". */
static void
dump_of(const char *db, struct buf *b)
{
	sqlite3 *h = db_read(db);
	sqlite3_stmt *tables;

	buf_init(b, 64 << 20);
	assert_int_equal(
		sqlite3_prepare_v2(h,
	                           "SELECT name FROM sqlite_master WHERE "
	                           "type = 'table' AND name NOT LIKE "
	                           "'sqlite_%' AND name != "
	                           "'schema_migrations' ORDER BY name",
	                           -1, &tables, NULL),
		SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"",
		         (const char *)sqlite3_column_text(tables, 0));
		assert_int_equal(buf_printf(b, "== %s\n", sql), 0);
		rows_of(h, sql, "|", 1, b);
	}
	sqlite3_finalize(tables);
	sqlite3_close(h);
}

/* The search index's rows, one line each, into b. */
static void
index_of(const char *db, struct buf *b)
{
	sqlite3 *h = db_read(db);

	buf_init(b, 64 << 20);
	rows_of(h,
	        "SELECT rowid, title, body, excerpt, tags, author FROM "
	        "posts_fts ORDER BY rowid",
	        "|", 0, b);
	sqlite3_close(h);
}

/*
 * Import path into a new site at db as the CLI does (bulk mode, posts
 * indexed for search as they go in); its dump into b, the error in err.
 * The search index must then be what `gazette search reindex` makes.
 */
static void
import_dump(const char *db, const char *path, int one_thread, struct buf *b,
            char *err, size_t errn)
{
	struct wxr_options o = {"https://new.example", NULL, NULL, one_thread};
	struct wxr_report r;
	struct error e;
	struct store *s;
	struct buf before, after;
	int64_t n;

	remove_db(db);
	s = store_open(db, 1, &e);
	if (s == NULL)
		fail_msg("store_open: %s", e.msg);
	*err = '\0';
	assert_int_equal(store_begin(s, &e), 0);
	if (store_import_bulk(s, 1, &e) == -1 ||
	    wxr_import(s, path, &o, &r, &e) == -1 ||
	    store_import_bulk(s, 0, &e) == -1) {
		snprintf(err, errn, "%s", e.msg);
		store_rollback(s);
	} else if (store_commit(s, &e) == -1)
		fail_msg("commit: %s", e.msg);
	dump_of(db, b);
	/* The lists' counts (migration 015) stay on through an import. */
	counts_check(db);
	index_of(db, &before);
	if (store_search_reindex(s, &n, &e) == -1)
		fail_msg("reindex: %s", e.msg);
	index_of(db, &after);
	if (strcmp(buf_str(&before), buf_str(&after)) != 0)
		fail_msg("%s: the search index differs from a reindex\n"
		         "import:\n%.2000s\nreindex:\n%.2000s",
		         path, buf_str(&before), buf_str(&after));
	buf_release(&before);
	buf_release(&after);
	store_close(s);
	remove_db(db);
}

/*
 * The reading thread changes how fast a file is read, never what it
 * gives: every fixture (the refused and malformed ones with the same
 * message) leaves the same rows as reading it in one thread.
 */
static void
ahead_matches_one_thread(void **state)
{
	static const char *const dirs[] = {
		"theme-test-data",
		"wordpress-importer/phpunit-data",
	};
	char dir[] = "/tmp/gazette-test-ahead-XXXXXX";
	char db[256];
	int ran = 0;

	(void)state;
	FIXTURE(wxr, "wxr");
	(void)wxr;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/gazette.db", dir);
	for (size_t i = 0; i < NELEM(dirs); i++) {
		char buf[4096], rel[256];
		const char *d;
		DIR *dh;
		struct dirent *de;

		snprintf(rel, sizeof(rel), "wxr/%s", dirs[i]);
		d = fixture_path(buf, sizeof(buf), rel);
		dh = opendir(d);
		if (dh == NULL)
			fail_msg("%s: missing from the fixtures", d);
		while ((de = readdir(dh)) != NULL) {
			char path[8192], e1[512], e2[512];
			struct buf one, two;
			size_t n = strlen(de->d_name);

			if (n < 4 || strcmp(de->d_name + n - 4, ".xml") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", d, de->d_name);
			import_dump(db, path, 1, &one, e1, sizeof(e1));
			import_dump(db, path, 0, &two, e2, sizeof(e2));
			if (strcmp(e1, e2) != 0)
				fail_msg("%s: one thread: '%s'; reading ahead: "
				         "'%s'",
				         path, e1, e2);
			if (strcmp(buf_str(&one), buf_str(&two)) != 0)
				fail_msg("%s: the rows differ when read ahead",
				         path);
			buf_release(&one);
			buf_release(&two);
			ran++;
		}
		closedir(dh);
	}
	rmdir(dir);
	assert_int_equal(ran, 3 + 34); /* both folders (SOURCES.md) */
}

/* The search index's segments (FTS5 lists each in posts_fts_idx). */
static int64_t
segments_of(const char *db)
{
	sqlite3 *h = db_read(db);
	sqlite3_stmt *st;
	int64_t n;

	assert_int_equal(sqlite3_prepare_v2(h,
	                                    "SELECT count(DISTINCT segid) "
	                                    "FROM posts_fts_idx",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

/*
 * An import that indexed at least one post in IMPORT_OPTIMIZE_SHARE (10)
 * of the site's leaves the index in one segment (store_import.c); one
 * that adds a post to a site of ten leaves the segments the site had.
 */
static void
import_optimizes_the_index_it_made(void **state)
{
	char dir[] = "/tmp/gazette-test-optimize-XXXXXX";
	char db[256], path[256];
	struct wxr_options o = {"https://new.example", NULL, NULL, 0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/gazette.db", dir);
	snprintf(path, sizeof(path), "%s/one.xml", dir);
	write_file(path, WXR_HEAD, WXR_POST(7), "</item></channel></rss>\n",
	           NULL);
	for (int have = 9; have <= 10; have++) {
		struct wxr_report r;
		struct error e;
		struct store *s;
		char slug[16];
		int64_t before;

		remove_db(db);
		s = store_open(db, 1, &e);
		assert_non_null(s);
		/* Each in a transaction of its own: a segment each, as
		 * FTS5's automerge leaves them. */
		for (int i = 0; i < have; i++) {
			struct post p = {0};
			int64_t id;

			snprintf(slug, sizeof(slug), "native-%d", i);
			p.type = POST_POST;
			p.status = POST_PUBLISHED;
			p.slug = slug;
			p.title = p.body_src = p.body_html = "native words";
			p.excerpt = p.source_url = "";
			p.body_format = "markdown";
			assert_int_equal(store_post_add(s, &p, &id, &e), 0);
		}
		before = segments_of(db);
		assert_true(before > 1);
		assert_int_equal(store_begin(s, &e), 0);
		if (store_import_bulk(s, 1, &e) == -1 ||
		    wxr_import(s, path, &o, &r, &e) == -1 ||
		    store_import_bulk(s, 0, &e) == -1 ||
		    store_commit(s, &e) == -1)
			fail_msg("import: %s", e.msg);
		store_close(s);
		if (have == 9)
			assert_int_equal(segments_of(db), 1);
		else
			assert_int_equal(segments_of(db), before + 1);
	}
	remove_db(db);
	unlink(path);
	rmdir(dir);
}

/* An item whose post body is n bytes of "x" (one word: search indexes it
 * as one token), slug post-ID unless slug is given. */
static void
put_item(FILE *f, int id, const char *slug, size_t n)
{
	fprintf(f,
	        "<item><title>Item %d</title><wp:post_id>%d</wp:post_id>"
	        "<wp:post_name>%s</wp:post_name>"
	        "<wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>"
	        "<wp:status>publish</wp:status><wp:post_type>post"
	        "</wp:post_type><content:encoded><![CDATA[",
	        id, id, slug != NULL ? slug : "");
	for (size_t i = 0; i < n; i++)
		putc('x', f);
	fputs("]]></content:encoded></item>\n", f);
}

/*
 * A post body of LIM_WXR_FIELD_BYTES is imported and one a byte longer
 * skipped with its reason; and the reading thread, whose queue holds at
 * most LIM_WXR_AHEAD_BYTES of the file (one element at least), gives the
 * rows one thread gives when single elements pass that (the
 * LIM_WXR_FIELD_BYTES body and its markup) and the small ones after it
 * must wait.
 */
static void
big_fields_and_reading_ahead(void **state)
{
	char dir[] = "/tmp/gazette-test-big-XXXXXX", path[256], db[256];
	char e1[512], e2[512];
	struct wxr_report r;
	struct store *s;
	struct arena *a = arena_new();
	struct post p;
	struct error e;
	struct buf one, two;
	FILE *f;

	(void)state;
	assert_int_equal(LIM_WXR_AHEAD_BYTES, LIM_WXR_FIELD_BYTES);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/big.xml", dir);
	snprintf(db, sizeof(db), "%s/gazette.db", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(WXR_HEAD, f);
	put_item(f, 1, NULL, 10);
	put_item(f, 2, NULL, LIM_WXR_FIELD_BYTES);
	put_item(f, 3, NULL, 10);
	put_item(f, 4, NULL, LIM_WXR_FIELD_BYTES + 1);
	put_item(f, 5, NULL, 10);
	fputs("</channel></rss>\n", f);
	assert_int_equal(fclose(f), 0);

	s = memory_store();
	if (wxr_import(s, path, NULL, &r, &e) == -1)
		fail_msg("import: %s", e.msg);
	assert_int_equal(r.added[WXR_POST], 4);
	assert_int_equal(r.skipped[WXR_POST], 1);
	assert_string_equal(r.why[WXR_POST],
	                    "a field over LIM_WXR_FIELD_BYTES");
	assert_int_equal(store_post_get(s, a, 2, &p, &e), 0);
	assert_int_equal(strlen(p.body_src), LIM_WXR_FIELD_BYTES);
	assert_int_equal(store_post_get(s, a, 4, &p, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	store_close(s);

	import_dump(db, path, 1, &one, e1, sizeof(e1));
	import_dump(db, path, 0, &two, e2, sizeof(e2));
	assert_string_equal(e1, "");
	assert_string_equal(e2, "");
	if (strcmp(buf_str(&one), buf_str(&two)) != 0)
		fail_msg("the rows differ when read ahead");
	buf_release(&one);
	buf_release(&two);
	unlink(path);
	rmdir(dir);
	arena_free(a);
}

/*
 * A slug clash is settled with -2, -3 ... up to LIM_WXR_SLUG_TRIES; one
 * item more with the same slug stops the import, naming the slug, with
 * nothing written.
 */
static void
slug_tries(void **state)
{
	char dir[] = "/tmp/gazette-test-slugs-XXXXXX", path[256];
	struct wxr_report r;
	struct store *s;
	struct arena *a = arena_new();
	struct post p;
	struct error e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/slugs.xml", dir);
	for (int extra = 0; extra <= 1; extra++) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(WXR_HEAD, f);
		for (int i = 1; i <= LIM_WXR_SLUG_TRIES + extra; i++)
			put_item(f, i, "same", 1);
		fputs("</channel></rss>\n", f);
		assert_int_equal(fclose(f), 0);
		s = memory_store();
		if (!extra) {
			if (wxr_import(s, path, NULL, &r, &e) == -1)
				fail_msg("import: %s", e.msg);
			assert_int_equal(r.added[WXR_POST], LIM_WXR_SLUG_TRIES);
			assert_int_equal(store_post_get(s, a, 1, &p, &e), 0);
			assert_string_equal(p.slug, "same");
			assert_int_equal(store_post_get(s, a,
			                                LIM_WXR_SLUG_TRIES, &p,
			                                &e),
			                 0);
			assert_string_equal(p.slug,
			                    arena_printf(a, "same-%d",
			                                 LIM_WXR_SLUG_TRIES));
		} else {
			assert_int_equal(wxr_import(s, path, NULL, &r, &e), -1);
			assert_int_equal(e.code, ERR_CONFLICT);
			assert_string_equal(
				e.msg, arena_printf(a,
			                            "no free slug for 'same' "
			                            "after %d tries",
			                            LIM_WXR_SLUG_TRIES));
			assert_int_equal(store_post_get(s, a, 1, &p, &e), -1);
		}
		store_close(s);
	}
	unlink(path);
	rmdir(dir);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(small_export_twice),
		cmocka_unit_test(refused_files_leave_nothing),
		cmocka_unit_test(legacy_links),
		cmocka_unit_test(links_rewritten),
		cmocka_unit_test(threads_as_the_sql_joins_them),
		cmocka_unit_test(fixture_threads_as_the_sql_joins_them),
		cmocka_unit_test(big_fields_and_reading_ahead),
		cmocka_unit_test(slug_tries),
		cmocka_unit_test(ahead_matches_one_thread),
		cmocka_unit_test(import_optimizes_the_index_it_made),
	};

	return fixtures_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
