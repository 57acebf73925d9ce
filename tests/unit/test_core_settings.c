/*
 * core/settings.c: what each type of setting accepts and how it is
 * stored, the defaults the typed getters fall back to, and the range
 * they hold a stored value to; util/addr.c: the shape of mail and web
 * addresses and host names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/settings.h"
#include "store/store.h"
#include "util/addr.h"
#include "util/arena.h"
#include "util/error.h"
#include "mem_store.h"
#include "util/banned.h"

static void
check_values(void **state)
{
	static const struct {
		const char *key, *raw, *stored; /* stored NULL: refused */
		int forgets;                    /* accepted, stored as unset */
	} cases[] = {
		{"comments_hold", "first", "first", 0},
		{"comments_hold", " all ", "all", 0},
		{"comments_hold", "sometimes", NULL, 0},
		{"comments_hold", "", NULL, 1},
		{"comments_max_links", "5", "5", 0},
		{"comments_max_links", "007", "7", 0},
		{"comments_max_links", "-5", NULL, 0},
		{"comments_max_links", "1001", NULL, 0},
		{"comments_max_links", "2x", NULL, 0},
		{"comments_spam_threshold", "0.5", "0.5", 0},
		{"comments_spam_threshold", "0", NULL, 0},
		{"comments_spam_threshold", "1.5", NULL, 0},
		{"title", "", NULL, 0}, /* required */
		{"title", "A\nB", NULL, 0},
		{"tagline", "News", "News", 0},
		{"support_url", "https://example.org/give",
	         "https://example.org/give", 0},
		{"support_url", "ftp://example.org/", NULL, 0},
		{"support_url", "https://exa mple.org/", NULL, 0},
		{"comments_held_words", "a,\nb", "a,\nb", 0},
		{"smtp_from", "News <news@example.org>",
	         "News <news@example.org>", 0},
		{"smtp_from", "news@example", NULL, 0},
		{"smtp_url", "smtp://mail.example.org:587",
	         "smtp://mail.example.org:587", 0},
		{"smtp_url", "smtps://[::1]:465/", "smtps://[::1]:465/", 0},
		{"smtp_url", "smtp://mail.example.org:", NULL, 0},
		{"smtp_url", "smtp://mail.example.org/x", NULL, 0},
		{"smtp_url", "http://mail.example.org", NULL, 0},
		{"site_message_post", "12", NULL, 0}, /* no such post */
	};
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct setting_def *d =
			settings_find(cases[i].key, SETTING_FORM_ONLY);
		const char *out = "unchanged", *msg;

		assert_non_null(d);
		msg = settings_check(*state, a, d, cases[i].raw, &out);
		if (cases[i].stored == NULL && !cases[i].forgets) {
			if (msg == NULL)
				fail_msg("%s=%s accepted", cases[i].key,
				         cases[i].raw);
			continue;
		}
		if (msg != NULL)
			fail_msg("%s=%s: %s", cases[i].key, cases[i].raw, msg);
		if (cases[i].forgets)
			assert_null(out);
		else
			assert_string_equal(out, cases[i].stored);
	}
	arena_free(a);
}

static void
find_leaves_out(void **state)
{
	(void)state;
	assert_null(settings_find("site_url", SETTING_FORM_ONLY));
	assert_null(settings_find("smtp_host", SETTING_FORM_ONLY));
	assert_non_null(settings_find("smtp_host", SETTING_API_ONLY));
	assert_null(settings_find("smtp_url", SETTING_API_ONLY));
	assert_null(settings_find("never_heard_of", SETTING_FORM_ONLY));
}

static void
getters(void **state)
{
	static const struct {
		const char *key, *stored; /* NULL: not set */
		int64_t want;
	} cases[] = {
		{"comments_max_links", NULL, 2},
		{"comments_max_links", "7", 7},
		{"comments_max_links", "5000", 1000}, /* the most it can */
		{"comments_max_links", "-1", 2},      /* not a count: default */
		{"comments_max_depth", "0", 1},
		{"comments_rate_hour", "junk", 20},
		{"search_rate_per_minute", NULL, 60},
	};
	struct arena *a = arena_new();
	struct error e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].stored)
			assert_int_equal(store_setting_set(*state, cases[i].key,
			                                   cases[i].stored, &e),
			                 0);
		else
			assert_int_equal(store_setting_delete(*state,
			                                      cases[i].key, &e),
			                 0);
		if (settings_int(*state, a, cases[i].key) != cases[i].want)
			fail_msg("%s=%s", cases[i].key,
			         cases[i].stored ? cases[i].stored : "(unset)");
	}
	assert_string_equal(settings_str(*state, a, "comments_hold"), "first");
	assert_string_equal(settings_str(*state, a, "tagline"), "");
	assert_true(settings_ratio(*state, a, "comments_spam_threshold") ==
	            0.9);
	assert_int_equal(store_setting_set(*state, "comments_spam_threshold",
	                                   "0.25", &e),
	                 0);
	assert_true(settings_ratio(*state, a, "comments_spam_threshold") ==
	            0.25);
	arena_free(a);
}

static void
write_is_one_transaction(void **state)
{
	struct setting_write wr[] = {{"tagline", "T"}, {"comments_hold", NULL}};
	struct arena *a = arena_new();
	struct error e;

	assert_int_equal(store_setting_set(*state, "comments_hold", "all", &e),
	                 0);
	assert_int_equal(settings_write(*state, wr, 2, &e), 0);
	assert_string_equal(settings_str(*state, a, "tagline"), "T");
	assert_null(settings_stored(*state, a, "comments_hold"));
	arena_free(a);
}

static void
addresses(void **state)
{
	static const struct {
		const char *s;
		int email, url, host;
	} cases[] = {
		{"a@example.org", 1, 0, 0},
		{"a.b+c@mail.example.org", 1, 0, 0},
		{"@example.org", 0, 0, 0},
		{"a@", 0, 0, 0},
		{"a@b", 0, 0, 0},
		{"a@.org", 0, 0, 0},
		{"a@@example.org", 0, 0, 0},
		{"a b@example.org", 0, 0, 0},
		{"a<b@example.org", 0, 0, 0},
		{"https://example.org/", 0, 1, 0},
		{"http://example.org", 0, 1, 0},
		{"https://", 0, 0, 0},
		{"https:///x", 0, 0, 0},
		{"javascript:alert(1)", 0, 0, 0},
		{"https://a.org/\"x", 0, 0, 0},
		{"mail.example.org", 0, 0, 1},
		{"[::1]", 0, 0, 1},
		{"-bad.org", 0, 0, 0},
		{"", 0, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = cases[i].s;

		if (email_valid(s, strlen(s)) != cases[i].email ||
		    url_valid(s) != cases[i].url ||
		    host_valid(s) != cases[i].host)
			fail_msg("'%s'", s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(check_values, mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test(find_leaves_out),
		cmocka_unit_test_setup_teardown(getters, mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(write_is_one_transaction,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test(addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
