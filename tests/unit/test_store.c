/*
 * store/store.h on SQLite: ":memory:" for the behaviour of each call, and
 * a file in a temporary directory for what must survive a close, and for
 * refusing a database written by a newer gazette.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/import.h"
#include "store/podcast.h"
#include "store/site.h"
#include "store/users.h"
#include "store/views.h"
#include "util/arena.h"
#include "util/error.h"
#include "tmp_site.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* 2022-04-27T00:00:00Z and one day. */
#define T0  INT64_C(1651017600)
#define DAY INT64_C(86400)

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
add_post(struct store *s, enum post_type type, enum post_status status,
         const char *slug, int64_t published_at, int sticky, int64_t section_id)
{
	struct post p = tmp_site_post_in(type, status, slug, published_at);
	struct error e;
	int64_t id = 0;

	p.sticky = sticky;
	p.section_id = section_id;
	if (store_post_add(s, &p, &id, &e) != 0)
		fail_msg("store_post_add(\"%s\"): %s", slug, e.msg);
	assert_true(id > 0);
	return id;
}

static int64_t
post_count(struct store *s, enum post_type type, int64_t section_id,
           int64_t now)
{
	struct post_query q = {.type = type,
	                       .section_id = section_id,
	                       .now = now};
	struct error e;
	int64_t n = -1;

	assert_int_equal(store_post_count(s, &q, &n, &e), 0);
	return n;
}

/* ---- schema and settings ------------------------------------------------- */

static void
open_applies_migrations(void **state)
{
	struct error e;
	int64_t have = -1, known = -1;

	assert_int_equal(store_schema_version(*state, &have, &known, &e), 0);
	assert_true(known >= 1);
	assert_int_equal(have, known);
}

static void
settings_round_trip(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct error e;
	const char *v = "stale";

	/* Never set: NULL, and not an error. */
	assert_int_equal(store_setting_get(s, a, "site.title", &v, &e), 0);
	assert_null(v);

	assert_int_equal(store_setting_set(s, "site.title", "Gazette", &e), 0);
	assert_int_equal(store_setting_set(s, "site.lang", "ru", &e), 0);
	assert_int_equal(store_setting_get(s, a, "site.title", &v, &e), 0);
	assert_string_equal(v, "Gazette");

	/* Overwrite, and the other key is untouched. */
	assert_int_equal(store_setting_set(s, "site.title",
	                                   "\xD0\x93\xD0\xB0\xD0\xB7\xD0\xB5"
	                                   "\xD1\x82\xD0\xB0 & <Co>",
	                                   &e),
	                 0);
	assert_int_equal(store_setting_get(s, a, "site.title", &v, &e), 0);
	assert_string_equal(v, "\xD0\x93\xD0\xB0\xD0\xB7\xD0\xB5\xD1\x82"
	                       "\xD0\xB0 & <Co>");
	assert_int_equal(store_setting_get(s, a, "site.lang", &v, &e), 0);
	assert_string_equal(v, "ru");

	/* An empty value is a value, not unset. */
	assert_int_equal(store_setting_set(s, "site.lang", "", &e), 0);
	assert_int_equal(store_setting_get(s, a, "site.lang", &v, &e), 0);
	assert_non_null(v);
	assert_string_equal(v, "");

	/* Keys are exact. */
	assert_int_equal(store_setting_get(s, a, "SITE.TITLE", &v, &e), 0);
	assert_null(v);
	arena_free(a);
}

/* ---- users and sections -------------------------------------------------- */

static void
user_add_and_conflict(void **state)
{
	struct store *s = *state;
	struct error e;
	int64_t alice = 0, bob = 0, again = -7;

	assert_int_equal(store_user_add(s, "alice", "Alice A.", ROLE_ADMIN,
	                                "$argon2id$hash", &alice, &e),
	                 0);
	assert_int_equal(store_user_add(s, "bob", NULL, ROLE_AUTHOR, NULL, &bob,
	                                &e),
	                 0);
	assert_true(alice > 0 && bob > 0 && alice != bob);

	error_clear(&e);
	assert_int_equal(store_user_add(s, "alice", "Other", ROLE_EDITOR, NULL,
	                                &again, &e),
	                 -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "alice"));
	/* and the next one still works */
	assert_int_equal(store_user_add(s, "carol", "Carol", ROLE_MODERATOR,
	                                NULL, &again, &e),
	                 0);
	assert_true(again > bob);
}

static void
section_add_and_find(void **state)
{
	static const struct section in[] = {
		{0, "news", "News", SECTION_POSTS, 1, 0, 0},
		{0, "video", "Moving Pictures", SECTION_VIDEO, 2, 1, 0},
		/* a name that is another section's slug */
		{0, "opinion", "Reviews", SECTION_DISCUSSION, 3, 0, 0},
		{0, "reviews", "Opinion", SECTION_PODCAST, 4, 0, 0},
	};
	static const struct {
		const char *key, *slug; /* slug NULL: not found */
	} t[] = {
		{"news", "news"},
		{"News", "news"},
		{"NEWS", "news"},
		{"video", "video"},
		{"Moving Pictures", "video"},
		{"moving pictures", "video"},
		{"MOVING PICTURES", "video"},
		/* the slug wins over another section's name */
		{"opinion", "opinion"},
		{"reviews", "reviews"},
		{"Opinion", "reviews"},
		{"Reviews", "opinion"},
		{"nope", NULL},
		{"", NULL},
		{"Moving", NULL},
	};
	struct store *s = *state;
	struct arena *a = arena_new();
	struct error e;
	int64_t ids[NELEM(in)], id;

	for (size_t i = 0; i < NELEM(in); i++) {
		assert_int_equal(store_section_add(s, &in[i], &ids[i], &e), 0);
		assert_true(ids[i] > 0);
	}
	error_clear(&e);
	assert_int_equal(store_section_add(s, &in[0], &id, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);

	for (size_t i = 0; i < NELEM(t); i++) {
		struct section out;
		int rc;

		memset(&out, 0, sizeof(out));
		error_clear(&e);
		rc = store_section_find(s, a, t[i].key, &out, &e);
		if (t[i].slug == NULL) {
			if (rc != -1 || e.code != ERR_NOT_FOUND)
				fail_msg("section_find(\"%s\"): rc %d code %d, "
				         "want ERR_NOT_FOUND",
				         t[i].key, rc, (int)e.code);
			continue;
		}
		if (rc != 0)
			fail_msg("section_find(\"%s\"): %s", t[i].key, e.msg);
		if (strcmp(out.slug, t[i].slug) != 0)
			fail_msg("section_find(\"%s\") = \"%s\", want \"%s\"",
			         t[i].key, out.slug, t[i].slug);
		/* Every field of the found section is the one stored. */
		for (size_t k = 0; k < NELEM(in); k++) {
			if (strcmp(in[k].slug, out.slug) != 0)
				continue;
			assert_int_equal(out.id, ids[k]);
			assert_string_equal(out.name, in[k].name);
			assert_int_equal(out.kind, in[k].kind);
			assert_int_equal(out.position, in[k].position);
			assert_int_equal(out.show_newest, in[k].show_newest);
		}
	}
	arena_free(a);
}

/* ---- posts --------------------------------------------------------------- */

static void
post_round_trip(void **state)
{
	static const char *tags[] = {"zeta", "alpha", "mid tag"};
	static const char *const sorted[] = {"alpha", "mid tag", "zeta"};
	struct store *s = *state;
	struct arena *a = arena_new();
	struct section sec = {0, "news", "News", SECTION_POSTS, 0, 0, 0};
	struct post in, out;
	struct error e;
	int64_t sec_id, author, id = 0, bare_id = 0;

	assert_int_equal(store_section_add(s, &sec, &sec_id, &e), 0);
	assert_int_equal(store_user_add(s, "ann", "Ann Author", ROLE_AUTHOR,
	                                NULL, &author, &e),
	                 0);
	memset(&in, 0, sizeof(in));
	in.type = POST_POST;
	in.status = POST_SCHEDULED;
	in.section_id = sec_id;
	in.slug = "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82-world";
	in.title = "Hello, \"World\" <&>";
	in.excerpt = "An excerpt.";
	in.body_src = "# Heading\n\nBody with 'quotes'.\n";
	in.body_html = "<h1>Heading</h1>\n<p>Body</p>\n";
	in.source_url = "https://example.com/original?x=1";
	in.body_format = "html";
	in.author_id = author;
	in.published_at = T0 + 37800;
	in.updated_at = T0 + 90000;
	in.views_total = 42;
	in.comments_open = 0;
	in.sticky = 1;
	in.tags = tags;
	in.ntags = NELEM(tags);
	assert_int_equal(store_post_add(s, &in, &id, &e), 0);
	assert_true(id > 0);

	memset(&out, 0xA5, sizeof(out));
	assert_int_equal(store_post_get(s, a, id, &out, &e), 0);
	assert_int_equal(out.id, id);
	assert_int_equal(out.type, in.type);
	assert_int_equal(out.status, in.status);
	assert_int_equal(out.section_id, sec_id);
	assert_string_equal(out.section_slug, "news");
	assert_string_equal(out.section_name, "News");
	assert_string_equal(out.slug, in.slug);
	assert_string_equal(out.title, in.title);
	assert_string_equal(out.excerpt, in.excerpt);
	assert_string_equal(out.body_src, in.body_src);
	assert_string_equal(out.body_html, in.body_html);
	assert_string_equal(out.source_url, in.source_url);
	assert_string_equal(out.body_format, "html");
	assert_int_equal(out.author_id, author);
	assert_string_equal(out.author_name, "Ann Author");
	assert_int_equal(out.published_at, in.published_at);
	assert_int_equal(out.updated_at, in.updated_at);
	assert_int_equal(out.views_total, 42);
	assert_int_equal(out.comment_count, 0);
	assert_int_equal(out.comments_open, 0);
	assert_int_equal(out.sticky, 1);
	/* Tags come back sorted by name. */
	assert_int_equal(out.ntags, NELEM(sorted));
	for (size_t i = 0; i < NELEM(sorted); i++)
		assert_string_equal(out.tags[i], sorted[i]);

	/* No section, no author, no tags, defaults for the optional text. */
	memset(&in, 0, sizeof(in));
	in.type = POST_PAGE;
	in.status = POST_DRAFT;
	in.slug = "bare";
	in.title = "Bare";
	in.published_at = T0;
	in.updated_at = T0;
	assert_int_equal(store_post_add(s, &in, &bare_id, &e), 0);
	assert_int_equal(store_post_get(s, a, bare_id, &out, &e), 0);
	assert_int_equal(out.type, POST_PAGE);
	assert_int_equal(out.status, POST_DRAFT);
	assert_int_equal(out.section_id, 0);
	assert_string_equal(out.section_slug, "");
	assert_string_equal(out.section_name, "");
	assert_int_equal(out.author_id, 0);
	assert_string_equal(out.author_name, "");
	assert_string_equal(out.excerpt, "");
	assert_string_equal(out.body_src, "");
	assert_string_equal(out.body_html, "");
	assert_string_equal(out.source_url, "");
	assert_string_equal(out.body_format, "markdown");
	assert_int_equal(out.ntags, 0);

	/* Each post has only its own tags. */
	assert_int_equal(store_post_get(s, a, id, &out, &e), 0);
	assert_int_equal(out.ntags, NELEM(sorted));

	error_clear(&e);
	assert_int_equal(store_post_get(s, a, id + bare_id + 100, &out, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_free(a);
}

static void
post_slug_unique_per_type(void **state)
{
	static const char *tags[] = {"orphan"};
	struct store *s = *state;
	struct arena *a = arena_new();
	struct post in =
		tmp_site_post_in(POST_POST, POST_PUBLISHED, "about", T0);
	struct post out;
	struct error e;
	int64_t first, id = 0;

	first = add_post(s, POST_POST, POST_PUBLISHED, "about", T0, 0, 0);

	/* Same type, same slug, even on another day: conflict. */
	in.published_at = T0 + 5 * DAY;
	in.tags = tags;
	in.ntags = 1;
	error_clear(&e);
	assert_int_equal(store_post_add(s, &in, &id, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "about"));
	/* Nothing of the refused post was kept. */
	assert_int_equal(post_count(s, POST_POST, 0, T0 + 100 * DAY), 1);

	/* The same slug as a page is fine. */
	in.type = POST_PAGE;
	in.tags = NULL;
	in.ntags = 0;
	assert_int_equal(store_post_add(s, &in, &id, &e), 0);
	assert_true(id != first);
	assert_int_equal(store_post_get(s, a, id, &out, &e), 0);
	assert_int_equal(out.type, POST_PAGE);
	assert_int_equal(store_post_get(s, a, first, &out, &e), 0);
	assert_int_equal(out.type, POST_POST);
	assert_int_equal(out.ntags, 0);
	arena_free(a);
}

static void
post_permalink(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	int64_t at = T0 + 10 * 3600 + 30 * 60; /* 2022-04-27T10:30:00Z */
	int64_t late = T0 + DAY - 1;           /* 2022-04-27T23:59:59Z */
	int64_t id, late_id, midnight_id;
	static const struct {
		int y, m, d;
		const char *slug;
		int64_t now;
		int found; /* 1: id, 2: late_id, 3: midnight_id */
	} t[] = {
		{2022, 4, 27, "my-slug", T0 + 1000 * DAY, 1},
		{2022, 4, 27, "my-slug", T0 + 10 * 3600 + 30 * 60, 1},
		/* not before it is published */
		{2022, 4, 27, "my-slug", T0 + 10 * 3600 + 30 * 60 - 1, 0},
		/* a day or two off: a link made before the site's time
	         * zone changed (UTC-12 and UTC+14 are 26 hours apart) finds
	         * it, and the handler redirects (permalink_moved) */
		{2022, 4, 26, "my-slug", T0 + 1000 * DAY, 1},
		{2022, 4, 28, "my-slug", T0 + 1000 * DAY, 1},
		{2022, 4, 25, "my-slug", T0 + 1000 * DAY, 1},
		{2022, 4, 29, "my-slug", T0 + 1000 * DAY, 1},
		/* three days off is another date */
		{2022, 4, 24, "my-slug", T0 + 1000 * DAY, 0},
		{2022, 4, 30, "my-slug", T0 + 1000 * DAY, 0},
		{2021, 4, 27, "my-slug", T0 + 1000 * DAY, 0},
		{2022, 4, 27, "My-Slug", T0 + 1000 * DAY, 0},
		{2022, 4, 27, "my-slu", T0 + 1000 * DAY, 0},
		/* the same, either side of midnight (the date a permalink
	         * names is test_tz's) */
		{2022, 4, 27, "late", T0 + 1000 * DAY, 2},
		{2022, 4, 28, "midnight", T0 + 1000 * DAY, 3},
		/* not a draft, not a page, not a future post */
		{2022, 4, 27, "draft", T0 + 1000 * DAY, 0},
		{2022, 4, 27, "a-page", T0 + 1000 * DAY, 0},
		{2022, 4, 29, "future", T0 + DAY, 0},
		/* dates that do not exist */
		{2022, 2, 31, "my-slug", T0 + 1000 * DAY, 0},
		{2022, 13, 1, "my-slug", T0 + 1000 * DAY, 0},
		{2022, 4, 0, "my-slug", T0 + 1000 * DAY, 0},
	};

	id = add_post(s, POST_POST, POST_PUBLISHED, "my-slug", at, 0, 0);
	late_id = add_post(s, POST_POST, POST_PUBLISHED, "late", late, 0, 0);
	midnight_id = add_post(s, POST_POST, POST_PUBLISHED, "midnight",
	                       T0 + DAY, 0, 0);
	add_post(s, POST_POST, POST_DRAFT, "draft", at, 0, 0);
	add_post(s, POST_PAGE, POST_PUBLISHED, "a-page", at, 0, 0);
	add_post(s, POST_POST, POST_PUBLISHED, "future", T0 + 2 * DAY, 0, 0);

	for (size_t i = 0; i < NELEM(t); i++) {
		struct post out;
		struct error e;
		int rc;
		int64_t want = t[i].found == 1   ? id
		               : t[i].found == 2 ? late_id
		                                 : midnight_id;

		error_clear(&e);
		rc = store_post_get_permalink(s, a, t[i].y, t[i].m, t[i].d,
		                              t[i].slug, t[i].now, &out, &e);
		if (t[i].found == 0) {
			if (rc != -1 || e.code != ERR_NOT_FOUND)
				fail_msg(
					"/%d/%d/%d/%s/ at %lld: rc %d code %d, "
					"want ERR_NOT_FOUND",
					t[i].y, t[i].m, t[i].d, t[i].slug,
					(long long)t[i].now, rc, (int)e.code);
			continue;
		}
		if (rc != 0)
			fail_msg("/%d/%d/%d/%s/: %s", t[i].y, t[i].m, t[i].d,
			         t[i].slug, e.msg);
		assert_int_equal(out.id, want);
		assert_string_equal(out.slug, t[i].slug);
		assert_int_equal(out.status, POST_PUBLISHED);
	}
	arena_free(a);
}

/* Slugs of the listed posts, joined with ' '. */
static const char *
list_slugs(struct store *s, struct arena *a, enum post_type type,
           int64_t section_id, int64_t now, int limit, int offset)
{
	struct post_query q = {.type = type,
	                       .section_id = section_id,
	                       .now = now,
	                       .limit = limit,
	                       .offset = offset};
	struct post *p;
	size_t n;
	struct error e;
	const char *out = "";

	if (store_post_list(s, a, &q, &p, &n, &e) != 0)
		fail_msg("store_post_list: %s", e.msg);
	assert_true(n <= (size_t)(limit > 0 ? limit : 0));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(p[i].status, POST_PUBLISHED);
		assert_int_equal(p[i].type, type);
		assert_true(p[i].published_at <= now);
		assert_int_equal(p[i].ntags, 0); /* not filled in lists */
		out = arena_printf(a, "%s%s%s", out, i ? " " : "", p[i].slug);
	}
	return out;
}

static void
post_list_and_count(void **state)
{
	static const char *tags[] = {"t"};
	struct store *s = *state;
	struct arena *a = arena_new();
	struct section news = {0, "news", "News", SECTION_POSTS, 0, 0, 0};
	struct section empty = {0, "empty", "Empty", SECTION_POSTS, 0, 0, 0};
	struct post tagged;
	struct error e;
	int64_t news_id, empty_id, tid;
	const int64_t now = T0 + 100 * DAY;

	assert_int_equal(store_section_add(s, &news, &news_id, &e), 0);
	assert_int_equal(store_section_add(s, &empty, &empty_id, &e), 0);
	add_post(s, POST_POST, POST_PUBLISHED, "a", T0 + 1 * DAY, 0, 0);
	add_post(s, POST_POST, POST_PUBLISHED, "b", T0 + 2 * DAY, 0, news_id);
	add_post(s, POST_POST, POST_PUBLISHED, "c", T0 + 3 * DAY, 1, 0);
	add_post(s, POST_POST, POST_PUBLISHED, "d", T0 + 4 * DAY, 0, news_id);
	/* tagged, to show lists do not fill tags */
	tagged = tmp_site_post_in(POST_POST, POST_PUBLISHED, "e", T0 + 5 * DAY);
	tagged.tags = tags;
	tagged.ntags = 1;
	assert_int_equal(store_post_add(s, &tagged, &tid, &e), 0);
	/* none of these is listed */
	add_post(s, POST_POST, POST_DRAFT, "draft", T0 + 6 * DAY, 1, news_id);
	add_post(s, POST_POST, POST_PENDING, "pending", T0 + 6 * DAY, 0, 0);
	add_post(s, POST_POST, POST_SCHEDULED, "sched", T0 + 6 * DAY, 0, 0);
	add_post(s, POST_POST, POST_TRASH, "trash", T0 + 6 * DAY, 0, 0);
	add_post(s, POST_PAGE, POST_PUBLISHED, "page", T0 + 7 * DAY, 0,
	         news_id);
	add_post(s, POST_POST, POST_PUBLISHED, "future", T0 + 200 * DAY, 1,
	         news_id);

	/* Sticky first, then newest first. */
	assert_string_equal(list_slugs(s, a, POST_POST, 0, now, 10, 0),
	                    "c e d b a");
	assert_string_equal(list_slugs(s, a, POST_POST, 0, now, 2, 0), "c e");
	assert_string_equal(list_slugs(s, a, POST_POST, 0, now, 2, 2), "d b");
	assert_string_equal(list_slugs(s, a, POST_POST, 0, now, 2, 4), "a");
	assert_string_equal(list_slugs(s, a, POST_POST, 0, now, 2, 5), "");
	assert_string_equal(list_slugs(s, a, POST_POST, 0, now, 0, 0), "");
	/* SQLite reads LIMIT -1 as "all": the store must not. */
	assert_string_equal(list_slugs(s, a, POST_POST, 0, now, -1, 0), "");
	assert_string_equal(list_slugs(s, a, POST_POST, news_id, now, 10, 0),
	                    "d b");
	assert_string_equal(list_slugs(s, a, POST_POST, news_id, now, 1, 1),
	                    "b");
	assert_string_equal(list_slugs(s, a, POST_POST, empty_id, now, 10, 0),
	                    "");
	assert_string_equal(list_slugs(s, a, POST_PAGE, 0, now, 10, 0), "page");
	/* Earlier: only what was out then; later: the future post too. */
	assert_string_equal(list_slugs(s, a, POST_POST, 0, T0 + 3 * DAY + 3600,
	                               10, 0),
	                    "c b a");
	assert_string_equal(list_slugs(s, a, POST_POST, 0, T0 + 200 * DAY, 10,
	                               0),
	                    "future c e d b a");

	assert_int_equal(post_count(s, POST_POST, 0, now), 5);
	assert_int_equal(post_count(s, POST_POST, news_id, now), 2);
	assert_int_equal(post_count(s, POST_POST, empty_id, now), 0);
	assert_int_equal(post_count(s, POST_PAGE, 0, now), 1);
	assert_int_equal(post_count(s, POST_POST, 0, T0 + 3 * DAY), 3);
	assert_int_equal(post_count(s, POST_POST, 0, T0), 0);
	assert_int_equal(post_count(s, POST_POST, news_id, T0 + 200 * DAY), 3);
	assert_int_equal(post_count(s, POST_BOOK, 0, now), 0);
	arena_free(a);
}

/* "prev|next" of post id at now: their slugs, "-" for none. */
static const char *
neighbors_once(struct store *s, struct arena *a, int64_t id, int64_t now)
{
	struct post p, prev, next;
	int has_prev, has_next;
	struct error e;

	assert_int_equal(store_post_get(s, a, id, &p, &e), 0);
	if (store_post_neighbors(s, a, &p, now, &prev, &has_prev, &next,
	                         &has_next, &e) != 0)
		fail_msg("neighbors of %lld: %s", (long long)id, e.msg);
	return arena_printf(a, "%s|%s", has_prev ? prev.slug : "-",
	                    has_next ? next.slug : "-");
}

/*
 * The same, read both ways the store has: from its in-memory order of
 * the listed posts (store_order.c), and, inside a write transaction
 * (where that order is not used), with the index probes.  Both agree.
 */
static const char *
neighbors(struct store *s, struct arena *a, int64_t id, int64_t now)
{
	const char *by_order = neighbors_once(s, a, id, now), *by_probes;
	struct error e;

	assert_int_equal(store_begin(s, &e), 0);
	by_probes = neighbors_once(s, a, id, now);
	store_rollback(s);
	assert_string_equal(by_order, by_probes);
	return by_order;
}

/*
 * Previous and next follow the lists' order, newest first with ties in
 * the same second by id, over listed posts only: not scheduled, draft,
 * protected, other types, or (at now) not yet due.
 */
static void
post_neighbors(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct import_post ip = {.legacy_id = 77,
	                         .type = POST_POST,
	                         .status = POST_PUBLISHED,
	                         .comments_open = 1,
	                         .slug = "locked",
	                         .title = "locked",
	                         .excerpt = "",
	                         .body_src = "",
	                         .body_html = "",
	                         .password = "secret",
	                         .published_at = T0 + 150,
	                         .updated_at = T0 + 150};
	const char *slug;
	struct error e;
	int64_t first, b1, b2, b3, last, locked, future, sched, page;
	int existed;
	const int64_t now = T0 + DAY;

	first = add_post(s, POST_POST, POST_PUBLISHED, "first", T0, 0, 0);
	b3 = add_post(s, POST_POST, POST_PUBLISHED, "b3", T0 + 100, 0, 0);
	b2 = add_post(s, POST_POST, POST_PUBLISHED, "b2", T0 + 100, 1, 0);
	b1 = add_post(s, POST_POST, POST_PUBLISHED, "b1", T0 + 100, 0, 0);
	last = add_post(s, POST_POST, POST_PUBLISHED, "last", T0 + 200, 0, 0);
	sched = add_post(s, POST_POST, POST_SCHEDULED, "sched", T0 + 120, 0, 0);
	add_post(s, POST_POST, POST_DRAFT, "draft", T0 + 130, 0, 0);
	page = add_post(s, POST_PAGE, POST_PUBLISHED, "page", T0 + 140, 0, 0);
	add_post(s, POST_EPISODE, POST_PUBLISHED, "ep", T0 + 160, 0, 0);
	future = add_post(s, POST_POST, POST_PUBLISHED, "future", now + 10, 0,
	                  0);
	assert_int_equal(store_import_post(s, a, &ip, &locked, &slug, &existed,
	                                   &e),
	                 0);

	/* Ids in the same second: b3 < b2 < b1, whatever the insert order
	 * or stickiness (neighbours ignore sticky). */
	assert_string_equal(neighbors(s, a, first, now), "-|b3");
	assert_string_equal(neighbors(s, a, b3, now), "first|b2");
	assert_string_equal(neighbors(s, a, b2, now), "b3|b1");
	assert_string_equal(neighbors(s, a, b1, now), "b2|last");
	assert_string_equal(neighbors(s, a, last, now), "b1|-");
	/* Unlisted posts still have listed neighbours (a preview). */
	assert_string_equal(neighbors(s, a, sched, now), "b1|last");
	assert_string_equal(neighbors(s, a, locked, now), "b1|last");
	/* Not yet due: after every listed post; later, listed itself. */
	assert_string_equal(neighbors(s, a, future, now), "last|-");
	assert_string_equal(neighbors(s, a, last, now + 10), "b1|future");
	assert_string_equal(neighbors(s, a, future, now + 10), "last|-");
	/* Before anything is due, nothing. */
	assert_string_equal(neighbors(s, a, b2, T0 + 99), "first|-");
	assert_string_equal(neighbors(s, a, b2, T0 - 1), "-|-");
	/* Pages list among pages only (the site shows no neighbours for
	 * them). */
	assert_string_equal(neighbors(s, a, page, now), "-|-");
	/* A post published since the order was read, and one taken down:
	 * the next read sees both (the order goes with the generation). */
	add_post(s, POST_POST, POST_PUBLISHED, "late", T0 + 300, 0, 0);
	assert_string_equal(neighbors(s, a, last, now), "b1|late");
	assert_int_equal(store_post_set_status(s, b1, POST_TRASH, now, &e), 0);
	assert_string_equal(neighbors(s, a, last, now), "b2|late");
	arena_free(a);
}

/* A post page's reads, as the page makes them (post_get): its row, then
 * its video, neighbours and first page of threads; "video|prev|next|n
 * roots|comment bodies". */
static const char *
page_reads(struct store *s, struct arena *a, const char *slug, int64_t now,
           int ahead, unsigned long *trips)
{
	struct post p, prev, next;
	struct video v;
	struct comment *cs;
	size_t n;
	int64_t roots;
	int has_prev, has_next;
	struct error e;
	unsigned long t0;
	const char *out;

	store_read_begin(s);
	t0 = store_round_trips(s);
	assert_int_equal(store_post_get_slug(s, a, POST_POST, slug, now, &p,
	                                     &e),
	                 0);
	if (ahead)
		store_post_reads_send(s, &p,
		                      &(struct post_reads){.video = 1,
		                                           .neighbors = 1,
		                                           .now = now,
		                                           .threads = 10});
	if (store_video_get(s, a, p.id, &v, &e) == -1)
		v.url = "-";
	assert_int_equal(store_post_neighbors(s, a, &p, now, &prev, &has_prev,
	                                      &next, &has_next, &e),
	                 0);
	assert_int_equal(store_comment_threads(s, a, p.id, 0, 10, 0, &cs, &n,
	                                       &roots, &e),
	                 0);
	out = arena_printf(a, "%s|%s|%s|%lld", v.url,
	                   has_prev ? prev.slug : "-",
	                   has_next ? next.slug : "-", (long long)roots);
	for (size_t i = 0; i < n; i++)
		out = arena_printf(a, "%s|%s", out, cs[i].body_src);
	*trips = store_round_trips(s) - t0;
	store_read_end(s);
	return out;
}

/*
 * Sent ahead (decision 101), a page's reads read the same as one by one,
 * and on PostgreSQL cost one round trip instead of four: video,
 * neighbours, the roots counted and the threads.  Each is bound as its
 * reader binds it, or it would run again and the count would show it.
 */
static void
post_reads_sent_ahead(void **state)
{
	struct tmp_site t;
	struct store *s = tmp_site_open(&t, "ahead");
	struct arena *a = arena_new();
	struct video v = {.url = "https://video.example/1", .poster_url = ""};
	struct error e;
	const int64_t now = T0 + DAY;
	unsigned long alone, ahead;
	const char *want;
	int64_t mid, id = 0;

	(void)state;
	add_post(s, POST_POST, POST_PUBLISHED, "older", T0, 0, 0);
	mid = add_post(s, POST_POST, POST_PUBLISHED, "mid", T0 + 100, 0, 0);
	add_post(s, POST_POST, POST_PUBLISHED, "newer", T0 + 200, 0, 0);
	assert_int_equal(store_video_put(s, mid, &v, &e), 0);
	for (int i = 0; i < 3; i++) {
		struct comment c = {.post_id = mid,
		                    .author_name = "R",
		                    .author_email = "r@example.com",
		                    .body_src = i == 0 ? "one" : "two",
		                    .body_html = "<p>x</p>",
		                    .status = COMMENT_APPROVED,
		                    .created_at = T0 + 300 + i};

		if (i == 2) {
			c.parent_id = c.thread_id = id;
			c.depth = 1;
			c.body_src = "reply";
		}
		assert_int_equal(store_comment_add(s, &c, &id, &e), 0);
	}
	want = "https://video.example/1|older|newer|2|one|two|reply";
	/* Read twice each way: the first read of all makes the in-memory
	 * order and prepares the statements. */
	for (int round = 0; round < 2; round++) {
		assert_string_equal(page_reads(s, a, "mid", now, 0, &alone),
		                    want);
		assert_string_equal(page_reads(s, a, "mid", now, 1, &ahead),
		                    want);
	}
	if (mem_store_on_pg())
		assert_int_equal(alone - ahead, 3);
	else
		assert_int_equal(alone + ahead, 0);
	/* A post without video or neighbours or comments reads the same. */
	assert_string_equal(page_reads(s, a, "older", now, 1, &ahead),
	                    "-|-|mid|0");
	arena_free(a);
	tmp_site_close(&t, s);
}

/* ---- comments and views -------------------------------------------------- */

static int64_t
comment_count(struct store *s, int64_t post_id)
{
	struct arena *a = arena_new();
	struct post p;
	struct error e;
	int64_t n;

	assert_int_equal(store_post_get(s, a, post_id, &p, &e), 0);
	n = p.comment_count;
	arena_free(a);
	return n;
}

static void
comment_add_counts_approved(void **state)
{
	static const struct {
		enum comment_status status;
		int64_t count_after;
	} t[] = {
		{COMMENT_APPROVED, 1}, {COMMENT_PENDING, 1},
		{COMMENT_SPAM, 1},     {COMMENT_APPROVED, 2},
		{COMMENT_TRASH, 2},    {COMMENT_APPROVED, 3},
	};
	struct store *s = *state;
	struct error e;
	int64_t post, other, last = 0;

	post = add_post(s, POST_POST, POST_PUBLISHED, "p", T0, 0, 0);
	other = add_post(s, POST_POST, POST_PUBLISHED, "other", T0, 0, 0);
	for (size_t i = 0; i < NELEM(t); i++) {
		struct comment c;
		int64_t id = 0;

		memset(&c, 0, sizeof(c));
		c.post_id = post;
		c.parent_id = last;
		c.depth = last ? 1 : 0;
		c.author_name = "Reader";
		c.author_email = "r@example.com";
		c.body_src = "Nice *post*";
		c.body_html = "<p>Nice <em>post</em></p>\n";
		c.status = t[i].status;
		c.created_at = T0 + (int64_t)i;
		assert_int_equal(store_comment_add(s, &c, &id, &e), 0);
		assert_true(id > last);
		if (i == 0)
			last = id;
		if (comment_count(s, post) != t[i].count_after)
			fail_msg("after comment %zu (%s): count %lld, want "
			         "%lld",
			         i, comment_status_names[t[i].status],
			         (long long)comment_count(s, post),
			         (long long)t[i].count_after);
		assert_int_equal(comment_count(s, other), 0);
	}
}

static void
comment_on_missing_post_refused(void **state)
{
	struct store *s = *state;
	struct comment c;
	struct error e;
	int64_t post, id;

	post = add_post(s, POST_POST, POST_PUBLISHED, "p", T0, 0, 0);
	memset(&c, 0, sizeof(c));
	c.post_id = post + 1000;
	c.author_name = "Reader";
	c.body_src = "x";
	c.body_html = "<p>x</p>\n";
	c.status = COMMENT_APPROVED;
	c.created_at = T0;
	error_clear(&e);
	assert_int_equal(store_comment_add(s, &c, &id, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(comment_count(s, post), 0);
}

static int64_t
views_total(struct store *s, int64_t post_id)
{
	struct arena *a = arena_new();
	struct post p;
	struct error e;
	int64_t n;

	assert_int_equal(store_post_get(s, a, post_id, &p, &e), 0);
	n = p.views_total;
	arena_free(a);
	return n;
}

static void
views_add_to_total(void **state)
{
	static const struct {
		int64_t day, n, total_after;
	} t[] = {
		{19109, 3, 13}, {19110, 4, 17}, {19109, 5, 22},
		{19000, 1, 23}, {19110, 0, 23}, {19111, 1000000, 1000023},
	};
	struct store *s = *state;
	struct post in =
		tmp_site_post_in(POST_POST, POST_PUBLISHED, "viewed", T0);
	struct error e;
	int64_t post, other;

	in.views_total = 10; /* imported from elsewhere */
	assert_int_equal(store_post_add(s, &in, &post, &e), 0);
	other = add_post(s, POST_POST, POST_PUBLISHED, "other", T0, 0, 0);
	assert_int_equal(views_total(s, post), 10);
	for (size_t i = 0; i < NELEM(t); i++) {
		assert_int_equal(store_views_add(s, post, t[i].day, t[i].n, &e),
		                 0);
		if (views_total(s, post) != t[i].total_after)
			fail_msg("after +%lld on day %lld: total %lld, want "
			         "%lld",
			         (long long)t[i].n, (long long)t[i].day,
			         (long long)views_total(s, post),
			         (long long)t[i].total_after);
		assert_int_equal(views_total(s, other), 0);
	}
}

/* ---- transactions -------------------------------------------------------- */

static void
rollback_undoes_post_add(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct post out;
	struct error e;
	int64_t id;

	add_post(s, POST_POST, POST_PUBLISHED, "kept", T0, 0, 0);
	assert_int_equal(store_begin(s, &e), 0);
	id = add_post(s, POST_POST, POST_PUBLISHED, "undone", T0, 0, 0);
	/* Inside the transaction its own writes are visible. */
	assert_int_equal(store_post_get(s, a, id, &out, &e), 0);
	assert_int_equal(post_count(s, POST_POST, 0, T0), 2);
	store_rollback(s);

	error_clear(&e);
	assert_int_equal(store_post_get(s, a, id, &out, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(post_count(s, POST_POST, 0, T0), 1);
	/* The slug is free again. */
	add_post(s, POST_POST, POST_PUBLISHED, "undone", T0, 0, 0);
	assert_int_equal(post_count(s, POST_POST, 0, T0), 2);
	arena_free(a);
}

static void
nested_begin_commit(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct post out;
	struct error e;
	int64_t outer, inner;

	assert_int_equal(store_begin(s, &e), 0);
	outer = add_post(s, POST_POST, POST_PUBLISHED, "outer", T0, 0, 0);
	assert_int_equal(store_begin(s, &e), 0);
	inner = add_post(s, POST_POST, POST_PUBLISHED, "inner", T0, 0, 0);
	assert_int_equal(store_setting_set(s, "k", "v", &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);

	assert_int_equal(store_post_get(s, a, outer, &out, &e), 0);
	assert_int_equal(store_post_get(s, a, inner, &out, &e), 0);
	assert_int_equal(post_count(s, POST_POST, 0, T0), 2);

	/* And after it, the store is out of the transaction: a rollback-free
	 * write lands on its own. */
	add_post(s, POST_POST, POST_PUBLISHED, "after", T0, 0, 0);
	assert_int_equal(post_count(s, POST_POST, 0, T0), 3);

	/* A rollback of the outer one undoes what the inner one committed. */
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_begin(s, &e), 0);
	inner = add_post(s, POST_POST, POST_PUBLISHED, "gone", T0, 0, 0);
	assert_int_equal(store_commit(s, &e), 0);
	store_rollback(s);
	error_clear(&e);
	assert_int_equal(store_post_get(s, a, inner, &out, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(post_count(s, POST_POST, 0, T0), 3);
	arena_free(a);
}

/* ---- on disk ------------------------------------------------------------- */

/* The whole of a file, malloc()ed; *n its size. */
static unsigned char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	p = malloc((size_t)len);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

static void
file_survives_reopen(void **state)
{
	static const char *tags[] = {"b", "a"};
	struct tmp_site t;
	char missing[PATH_MAX];
	struct arena *a = arena_new();
	struct store *s;
	struct post in, out;
	struct error e;
	struct stat st;
	int64_t id, have, known;
	const char *v;

	(void)state;
	s = tmp_site_open(&t, "store");
	snprintf(missing, sizeof(missing), "%s/missing.db", t.dir);
	in = tmp_site_post_in(POST_POST, POST_PUBLISHED, "persisted",
	                      T0 + 3600);
	in.title = "Persisted \xE2\x80\x93 title";
	in.tags = tags;
	in.ntags = NELEM(tags);
	assert_int_equal(store_post_add(s, &in, &id, &e), 0);
	assert_int_equal(store_setting_set(s, "site.title", "On disk", &e), 0);
	/* Read back through the store's own read connection. */
	assert_int_equal(store_post_get(s, a, id, &out, &e), 0);
	assert_string_equal(out.title, in.title);
	store_close(s);

	s = store_open(t.db, 0, &e);
	if (s == NULL)
		fail_msg("store_open(reopen): %s", e.msg);
	assert_int_equal(store_schema_version(s, &have, &known, &e), 0);
	assert_int_equal(have, known);
	assert_int_equal(store_post_get(s, a, id, &out, &e), 0);
	assert_string_equal(out.slug, "persisted");
	assert_string_equal(out.title, in.title);
	assert_int_equal(out.published_at, T0 + 3600);
	assert_int_equal(out.ntags, 2);
	assert_string_equal(out.tags[0], "a");
	assert_string_equal(out.tags[1], "b");
	assert_int_equal(store_post_get_permalink(s, a, 2022, 4, 27,
	                                          "persisted", T0 + DAY, &out,
	                                          &e),
	                 0);
	assert_int_equal(out.id, id);
	assert_int_equal(store_setting_get(s, a, "site.title", &v, &e), 0);
	assert_string_equal(v, "On disk");
	/* and it is still writable */
	add_post(s, POST_POST, POST_PUBLISHED, "second", T0, 0, 0);
	assert_int_equal(post_count(s, POST_POST, 0, T0 + DAY), 2);
	store_close(s);

	/* Without create, a missing file is an error, and stays missing. */
	error_clear(&e);
	assert_null(store_open(missing, 0, &e));
	assert_int_not_equal(e.code, ERR_OK);
	assert_true(e.msg[0] != '\0');
	assert_int_equal(stat(missing, &st), -1);

	tmp_site_remove(&t);
	arena_free(a);
}

static void
newer_database_refused(void **state)
{
	struct tmp_site t;
	struct store *s;
	struct error e;
	sqlite3 *db;
	char *msg = NULL;
	unsigned char *before, *after;
	size_t nbefore, nafter;

	SQLITE_ONLY();
	(void)state;
	s = tmp_site_open(&t, "store");
	add_post(s, POST_POST, POST_PUBLISHED, "old", T0, 0, 0);
	store_close(s);

	/* A later gazette has run migration 9999 on it. */
	assert_int_equal(sqlite3_open_v2(t.db, &db, SQLITE_OPEN_READWRITE,
	                                 NULL),
	                 SQLITE_OK);
	if (sqlite3_exec(db,
	                 "INSERT INTO schema_migrations(version, name, "
	                 "applied_at) VALUES (9999, 'future', 0)",
	                 NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("insert: %s", msg ? msg : "?");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	before = slurp(t.db, &nbefore);
	for (int create = 0; create <= 1; create++) {
		error_clear(&e);
		assert_null(store_open(t.db, create, &e));
		assert_int_equal(e.code, ERR_IO);
		if (strstr(e.msg, "newer") == NULL)
			fail_msg("message \"%s\" lacks \"newer\"", e.msg);
	}
	/* Refused before anything was written. */
	after = slurp(t.db, &nafter);
	assert_int_equal(nafter, nbefore);
	assert_memory_equal(after, before, nbefore);

	free(before);
	free(after);
	tmp_site_remove(&t);
}

/*
 * The scheduler asks twice a second for scheduled posts that are due
 * (store_publish_due): it must publish those and only those, and read the
 * partial index of migration 013, not every post.
 */
static void
publish_due_reads_its_index(void **state)
{
	struct tmp_site t;
	struct arena *a;
	struct store *s;
	struct post in, out;
	struct error e;
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t due, later, n;
	int indexed = 0;

	SQLITE_ONLY();
	(void)state;
	a = arena_new();
	s = tmp_site_open(&t, "store");
	in = tmp_site_post_in(POST_POST, POST_SCHEDULED, "due", T0);
	assert_int_equal(store_post_add(s, &in, &due, &e), 0);
	in = tmp_site_post_in(POST_POST, POST_SCHEDULED, "later", T0 + 3600);
	assert_int_equal(store_post_add(s, &in, &later, &e), 0);
	assert_int_equal(store_publish_due(s, T0 + 60, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_post_get(s, a, due, &out, &e), 0);
	assert_int_equal(out.status, POST_PUBLISHED);
	assert_int_equal(store_post_get(s, a, later, &out, &e), 0);
	assert_int_equal(out.status, POST_SCHEDULED);
	store_close(s);

	assert_int_equal(sqlite3_open(t.db, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db,
	                           "EXPLAIN QUERY PLAN UPDATE posts SET "
	                           "status = 'published' WHERE status = "
	                           "'scheduled' AND published_at <= ?1",
	                           -1, &st, NULL),
		SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (strstr((const char *)sqlite3_column_text(st, 3),
		           "posts_scheduled") != NULL)
			indexed = 1;
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_true(indexed);
	tmp_site_remove(&t);
	arena_free(a);
}

/* ---- what moves the caches' numbers (issue 12) --------------------------- */

/*
 * A comment moves its post's version and no other's, and not the
 * generation; a post saved moves the generation; a transaction that
 * mixes both moves the generation (a change no scope named).
 */
static void
comment_moves_only_its_post(void **state)
{
	struct store *s = *state;
	struct error e;
	struct comment got;
	struct arena *ar = arena_new();
	int64_t a, b, id;
	uint64_t gen, clock0;
	enum comment_status old;

	a = add_post(s, POST_POST, POST_PUBLISHED, "a", T0, 0, 0);
	b = add_post(s, POST_POST, POST_PUBLISHED, "b", T0, 0, 0);
	gen = store_generation(s);
	clock0 = store_post_clock(s);
	tmp_site_comment(s, a, COMMENT_APPROVED, T0);
	id = 1; /* the first comment of this fresh store */
	assert_int_equal(store_comment_get(s, ar, id, &got, &e), 0);
	assert_int_equal(got.post_id, a);
	assert_int_equal(store_generation(s), gen);
	assert_true(store_post_version(s, a) > clock0);
	assert_true(store_post_version(s, STORE_ANY_POST) > clock0);
	assert_true(store_post_version(s, b) <= clock0);
	assert_true(store_post_clock(s) > clock0);

	/* moderating it: the same */
	clock0 = store_post_clock(s);
	assert_int_equal(store_comment_set_status(s, id, COMMENT_SPAM, &old,
	                                          &e),
	                 0);
	assert_int_equal(old, COMMENT_APPROVED);
	assert_int_equal(comment_count(s, a), 0);
	assert_int_equal(store_generation(s), gen);
	assert_true(store_post_version(s, a) > clock0);
	assert_true(store_post_version(s, b) <= clock0);
	/* recording who decided shows on no page */
	clock0 = store_post_clock(s);
	assert_int_equal(store_comment_decision_add(s, id, "spam", "x", T0, &e),
	                 0);
	assert_int_equal(store_generation(s), gen);
	assert_int_equal(store_post_clock(s), clock0);

	/* a post added: everything */
	add_post(s, POST_POST, POST_PUBLISHED, "c", T0, 0, 0);
	assert_true(store_generation(s) != gen);

	/* a comment and a setting in one transaction: everything */
	gen = store_generation(s);
	assert_int_equal(store_begin(s, &e), 0);
	tmp_site_comment(s, b, COMMENT_APPROVED, T0);
	assert_int_equal(store_setting_set(s, "tagline", "mixed", &e), 0);
	assert_int_equal(store_generation(s), gen); /* not committed yet */
	assert_int_equal(store_commit(s, &e), 0);
	assert_true(store_generation(s) != gen);
	arena_free(ar);
}

/*
 * Settings come from a snapshot, made again whenever the generation
 * moves; inside a transaction a thread reads what it wrote.
 */
static void
settings_snapshot_follows_writes(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct error e;
	const char *v;

	assert_int_equal(store_setting_set(s, "title", "One", &e), 0);
	assert_int_equal(store_setting_get(s, a, "title", &v, &e), 0);
	assert_string_equal(v, "One");
	assert_int_equal(store_setting_set(s, "title", "Two", &e), 0);
	assert_int_equal(store_setting_get(s, a, "title", &v, &e), 0);
	assert_string_equal(v, "Two");
	assert_int_equal(store_setting_get(s, a, "absent", &v, &e), 0);
	assert_null(v);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_setting_set(s, "title", "Three", &e), 0);
	assert_int_equal(store_setting_get(s, a, "title", &v, &e), 0);
	assert_string_equal(v, "Three");
	store_rollback(s);
	assert_int_equal(store_setting_get(s, a, "title", &v, &e), 0);
	assert_string_equal(v, "Two");
	arena_free(a);
}

/*
 * On a file: another process's commit (here a second store on the same
 * file) moves the generation within the watcher's period, and this
 * store's own commits move it once, not again through the watcher; a
 * read transaction sees one snapshot until it ends.
 */
static void
watcher_sees_other_writers_only(void **state)
{
	struct tmp_site t;
	struct arena *a = arena_new();
	struct store *s, *other;
	struct error e;
	const char *v;
	uint64_t gen;
	int64_t post;

	(void)state;
	s = tmp_site_open(&t, "watch");
	other = store_open(t.db, 0, &e);
	assert_non_null(other);
	assert_int_equal(store_watch(s, &e), 0);
	post = add_post(s, POST_POST, POST_PUBLISHED, "w", T0, 0, 0);
	usleep(300 * 1000);

	/* our own comment: no generation move, even after the watcher ran */
	gen = store_generation(s);
	tmp_site_comment(s, post, COMMENT_APPROVED, T0);
	usleep(300 * 1000);
	assert_int_equal(store_generation(s), gen);

	/* another process's setting: seen, and read afresh */
	assert_int_equal(store_setting_get(s, a, "title", &v, &e), 0);
	store_read_begin(s);
	assert_true(store_reading(s));
	assert_int_equal(store_post_get(s, a, post, &(struct post){0}, &e), 0);
	assert_int_equal(store_setting_set(other, "title", "Elsewhere", &e), 0);
	for (int i = 0; i < 100 && store_generation(s) == gen; i++)
		usleep(20 * 1000);
	assert_true(store_generation(s) != gen);
	store_read_end(s);
	assert_false(store_reading(s));
	assert_int_equal(store_setting_get(s, a, "title", &v, &e), 0);
	assert_string_equal(v, "Elsewhere");

	store_close(other);
	store_close(s);
	tmp_site_remove(&t);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(open_applies_migrations, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(settings_round_trip, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(user_add_and_conflict, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(section_add_and_find, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(post_round_trip, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(post_slug_unique_per_type,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(post_permalink, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(post_list_and_count, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(post_neighbors, setup,
	                                        teardown),
		cmocka_unit_test(post_reads_sent_ahead),
		cmocka_unit_test_setup_teardown(comment_add_counts_approved,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(comment_on_missing_post_refused,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(views_add_to_total, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(rollback_undoes_post_add, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(nested_begin_commit, setup,
	                                        teardown),
		cmocka_unit_test(file_survives_reopen),
		cmocka_unit_test(newer_database_refused),
		cmocka_unit_test(publish_due_reads_its_index),
		cmocka_unit_test_setup_teardown(comment_moves_only_its_post,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(
			settings_snapshot_follows_writes, setup, teardown),
		cmocka_unit_test(watcher_sees_other_writers_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
