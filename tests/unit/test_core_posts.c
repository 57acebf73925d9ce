/*
 * core/posts.c: the rules `gazette post add`, the editor and the JSON API
 * share: each field's refusal, a slug made from the title (and the next
 * free one when it is taken), and the status a date implies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/posts.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/error.h"
#include "mem_store.h"
#include "util/banned.h"

#define NOW INT64_C(1714572000) /* 2024-05-01T14:00:00Z */

struct post_case {
	const char *title, *slug, *status, *date, *source, *tags, *section;
	enum post_field bad; /* POST_F__MAX: accepted */
	enum post_status want_status;
	int64_t want_at; /* 0: not checked */
};

static void
field_rules(void **state)
{
	static const struct post_case cases[] = {
		{"Hello", NULL, NULL, NULL, NULL, NULL, NULL, POST_F__MAX,
	         POST_DRAFT, NOW},
		{"Hello", NULL, "published", "2024-04-01", NULL, NULL, NULL,
	         POST_F__MAX, POST_PUBLISHED, INT64_C(1711929600)},
		/* published later: scheduled, as the editor does */
		{"Hello", NULL, "published", "2024-06-01", NULL, NULL, NULL,
	         POST_F__MAX, POST_SCHEDULED, INT64_C(1717200000)},
		{"Hello", NULL, "scheduled", NULL, NULL, NULL, NULL,
	         POST_F_DATE, 0, 0},
		{"Hello", NULL, "scheduled", "2024-04-01", NULL, NULL, NULL,
	         POST_F_DATE, 0, 0},
		{"Hello", NULL, "trash", NULL, NULL, NULL, NULL, POST_F_STATUS,
	         0, 0},
		{"Hello", NULL, "live", NULL, NULL, NULL, NULL, POST_F_STATUS,
	         0, 0},
		{"Hello", NULL, NULL, "yesterday", NULL, NULL, NULL,
	         POST_F_DATE, 0, 0},
		{NULL, NULL, NULL, NULL, NULL, NULL, NULL, POST_F_TITLE, 0, 0},
		{"  ", NULL, NULL, NULL, NULL, NULL, NULL, POST_F_TITLE, 0, 0},
		{"!!!", NULL, NULL, NULL, NULL, NULL, NULL, POST_F_SLUG, 0, 0},
		{"Hello", "a b", NULL, NULL, NULL, NULL, NULL, POST_F_SLUG, 0,
	         0},
		{"Hello", NULL, NULL, NULL, "ftp://x.org/", NULL, NULL,
	         POST_F_SOURCE, 0, 0},
		{"Hello", NULL, NULL, NULL, "https://x.org/", NULL, NULL,
	         POST_F__MAX, POST_DRAFT, NOW},
		{"Hello", NULL, NULL, NULL, NULL, NULL, "nowhere",
	         POST_F_SECTION, 0, 0},
		{"Hello", NULL, NULL, NULL, NULL, "a, b, c", NULL, POST_F__MAX,
	         POST_DRAFT, NOW},
	};
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct post_case *c = &cases[i];
		struct post_input in = {.type = POST_POST,
		                        .sticky = -1,
		                        .comments_open = -1};
		struct post_problems pr = {0};
		struct post p;
		struct error e;

		in.v[POST_F_TITLE] = c->title;
		in.v[POST_F_SLUG] = c->slug;
		in.v[POST_F_STATUS] = c->status;
		in.v[POST_F_DATE] = c->date;
		in.v[POST_F_SOURCE] = c->source;
		in.v[POST_F_TAGS] = c->tags;
		in.v[POST_F_SECTION] = c->section;
		in.v[POST_F_BODY] = "Some *text*.";
		assert_int_equal(posts_check(*state, a, &in, NULL, NOW, &p, &pr,
		                             &e),
		                 0);
		if (c->bad != POST_F__MAX) {
			if (pr.err[c->bad] == NULL)
				fail_msg("case %zu: %s accepted", i,
				         post_field_names[c->bad]);
			continue;
		}
		for (int f = 0; f < POST_F__MAX; f++)
			if (pr.err[f] != NULL)
				fail_msg("case %zu: %s: %s", i,
				         post_field_names[f], pr.err[f]);
		assert_int_equal(p.status, c->want_status);
		if (c->want_at != 0 && p.published_at != c->want_at)
			fail_msg("case %zu: published_at %lld", i,
			         (long long)p.published_at);
		assert_non_null(strstr(p.body_html, "<em>text</em>"));
		assert_true(p.comments_open);
	}
	arena_free(a);
}

static void
slug_from_title_and_taken(void **state)
{
	struct arena *a = arena_new();
	struct post_input in = {.type = POST_POST,
	                        .sticky = -1,
	                        .comments_open = -1};
	struct post_problems pr = {0};
	struct post p;
	struct error e;
	int64_t id;

	in.v[POST_F_TITLE] = "Big News";
	in.v[POST_F_BODY] = "x";
	assert_int_equal(posts_check(*state, a, &in, NULL, NOW, &p, &pr, &e),
	                 0);
	assert_int_equal(pr.bad, 0);
	assert_string_equal(p.slug, "big-news");
	assert_int_equal(store_post_add(*state, &p, &id, &e), 0);

	/* derived and taken: the next free one */
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(posts_check(*state, a, &in, NULL, NOW, &p, &pr, &e),
	                 0);
	assert_int_equal(pr.bad, 0);
	assert_string_equal(pr.slug_was, "big-news");
	assert_string_equal(p.slug, "big-news-2");

	/* typed and taken: refused, naming the free one */
	memset(&pr, 0, sizeof(pr));
	in.v[POST_F_SLUG] = "big-news";
	assert_int_equal(posts_check(*state, a, &in, NULL, NOW, &p, &pr, &e),
	                 0);
	assert_non_null(pr.err[POST_F_SLUG]);
	assert_non_null(strstr(pr.err[POST_F_SLUG], "'big-news-2' is free"));
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(field_rules, mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(slug_from_title_and_taken,
	                                        mem_store_setup,
	                                        mem_store_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
