/*
 * core/slugs.c: what a route pattern reserves; core/sections.c: what a
 * section may be, and LIM_SECTIONS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/sections.h"
#include "core/slugs.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/limits.h"
#include "mem_store.h"
#include "util/banned.h"

/* A few of the site's patterns, in the route table's forms. */
static const char *const patterns[] = {
	"/",          "/page/#/", "/#/#/#/:/", "/feed/", "/sitemap.xml",
	"/sitemap-:", "/media/*", "/login",    "/:/",    "/api/v1/me",
	"/admin/",
};

static int
setup(void **state)
{
	slugs_reserve(patterns, sizeof(patterns) / sizeof(patterns[0]));
	return mem_store_setup(state);
}

static void
reserved_by_pattern(void **state)
{
	static const struct {
		const char *pattern, *slug;
		int want;
	} cases[] = {
		{"/feed/", "feed", 1},
		{"/feed/", "feeds", 0},
		{"/feed/", "fee", 0},
		{"/sitemap.xml", "sitemap.xml", 1},
		{"/sitemap-:", "sitemap-1.xml", 1},
		{"/sitemap-:", "sitemap-", 0},
		{"/sitemap-:", "sitemap", 0},
		{"/#/", "2024", 1},
		{"/#/", "2024a", 0},
		{"/#/#/#/:/", "7", 1},
		{"/media/*", "media", 1},
		{"/:/", "anything", 0}, /* the page route itself */
		{"/", "anything", 0},
		{"/api/v1/me", "api", 1},
		{"/login", "login", 1},
		{"/login", "", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (slugs_reserved_by(cases[i].pattern, cases[i].slug) !=
		    cases[i].want)
			fail_msg("%s against %s", cases[i].slug,
			         cases[i].pattern);
}

static void
check(void **state)
{
	static const struct {
		struct section_form f;
		const char *bad, *slug; /* bad NULL: accepted, with slug */
		enum section_kind kind;
	} cases[] = {
		{{"News", "news", NULL, NULL, 1}, NULL, "news", SECTION_POSTS},
		{{" Big News ", "", "", NULL, 1},
	         NULL,
	         "big-news",
	         SECTION_POSTS},
		{{"Vids", "vids", "video", "About\nvideos", 0},
	         NULL,
	         "vids",
	         SECTION_VIDEO},
		{{"", "x", NULL, NULL, 1}, "name", NULL, 0},
		{{"A\nB", "x", NULL, NULL, 1}, "name", NULL, 0},
		{{"!!!", "", NULL, NULL, 1}, "slug", NULL, 0},
		{{"X", "a/b", NULL, NULL, 1}, "slug", NULL, 0},
		{{"Feed", "", NULL, NULL, 1}, "slug", NULL, 0},
		{{"X", "admin", NULL, NULL, 1}, "slug", NULL, 0},
		{{"X", "2024", NULL, NULL, 1}, "slug", NULL, 0},
		{{"X", "x", "bogus", NULL, 1}, "kind", NULL, 0},
		{{"X", "x", NULL, "bell\a", 1}, "description", NULL, 0},
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct section sec;
		const char *desc, *bad;
		struct error e;
		int rc = section_check(a, &cases[i].f, &sec, &desc, &bad, &e);

		if (cases[i].bad != NULL) {
			if (rc != -1 || strcmp(bad, cases[i].bad) != 0)
				fail_msg("case %zu: want a refusal of %s", i,
				         cases[i].bad);
			assert_int_equal(e.code, ERR_INVALID);
			continue;
		}
		if (rc != 0)
			fail_msg("case %zu: %s", i, e.msg);
		assert_string_equal(sec.slug, cases[i].slug);
		assert_int_equal(sec.kind, cases[i].kind);
		assert_int_equal(sec.show_newest, cases[i].f.show_newest);
	}
	arena_free(a);
}

static void
add_up_to_the_limit(void **state)
{
	struct arena *a = arena_new();
	struct section sec = {0};
	const char *bad;
	struct error e;
	int64_t id;
	char slug[32];

	sec.name = "One";
	sec.slug = "one";
	assert_int_equal(section_add(*state, a, &sec, "", &id, &bad, &e), 0);
	assert_int_equal(section_add(*state, a, &sec, "", &id, &bad, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(bad, "slug");
	for (int i = 1; i < LIM_SECTIONS; i++) {
		snprintf(slug, sizeof(slug), "s%d", i);
		sec.slug = arena_strdup(a, slug);
		assert_int_equal(section_add(*state, a, &sec, "", &id, &bad,
		                             &e),
		                 0);
	}
	sec.slug = "one-too-many";
	assert_int_equal(section_add(*state, a, &sec, "", &id, &bad, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.msg, "at most"));
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reserved_by_pattern),
		cmocka_unit_test_setup_teardown(check, setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(add_up_to_the_limit, setup,
	                                        mem_store_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
