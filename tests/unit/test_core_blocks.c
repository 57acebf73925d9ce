/*
 * core/blocks.c: which config each block kind accepts, and the numbers
 * the sidebar reads from a stored config (defaults, ranges).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/blocks.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/limits.h"
#include "mem_store.h"
#include "util/banned.h"

static void
kinds(void **state)
{
	(void)state;
	for (int i = 0; i < BLOCK_KIND__MAX; i++) {
		assert_non_null(block_kinds[i].name);
		assert_int_equal(blocks_kind_id(block_kinds[i].name), i);
	}
	assert_int_equal(blocks_kind_id("carousel"), -1);
	assert_null(blocks_kind(""));
	/* every key belongs to a kind there is */
	for (size_t i = 0; i < block_key_count; i++)
		assert_non_null(blocks_kind(block_keys[i].kind));
}

static void
config_check(void **state)
{
	static const struct {
		const char *kind, *json, *bad; /* bad NULL: accepted */
	} cases[] = {
		{"popular", "{}", NULL},
		{"popular", "{\"days\": 30, \"limit\": 5}", NULL},
		{"popular", "{\"days\": 0}", "days"},
		{"popular", "{\"days\": 3651}", "days"},
		{"popular", "{\"days\": \"30\"}", "days"},
		{"popular", "{\"title\": \"x\"}", "title"},
		{"podcasts", "{\"limit\": 50}", NULL},
		{"podcasts", "{\"limit\": 51}", "limit"},
		{"support", "{\"label\": \"Give\", \"url\": \"\"}", NULL},
		{"support", "{\"url\": \"javascript:alert(1)\"}", "url"},
		{"support", "{\"label\": \"a\\nb\"}", "label"},
		{"text", "{\"markdown\": \"a\\nb\", \"icon\": \"chat\"}", NULL},
		{"text", "{\"icon\": \"star\"}", "icon"},
		{"pages", "{\"pages\": []}", NULL},
		{"pages", "{\"pages\": [\"nowhere\"]}", "pages"},
		{"pages", "{\"pages\": \"about\"}", "pages"},
		{"search", "{\"limit\": 3}", "limit"},
		{"search", "[]", "config"},
		/* the image block: our file or an http(s) image, nothing else
	         */
		{"image",
	         "{\"image\": \"/media/feast.png\", \"alt\": \"The feast\", "
	         "\"url\": \"https://example.org/feast\", \"caption\": "
	         "\"Click on the icon for an explanation of the feast\"}",
	         NULL},
		{"image", "{\"image\": \"https://cdn.example.org/a.jpg\"}",
	         NULL},
		{"image", "{\"image\": \"javascript:alert(1)\"}", "image"},
		{"image", "{\"image\": \"data:image/png;base64,AAAA\"}",
	         "image"},
		{"image", "{\"image\": \"/etc/passwd\"}", "image"},
		{"image", "{\"image\": \"//evil.example/a.png\"}", "image"},
		{"image", "{\"url\": \"javascript:alert(1)\"}", "url"},
		{"image", "{\"caption\": \"a\\nb\"}", "caption"},
		{"image", "{\"icon\": \"chat\"}", "icon"},
	};
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_error_t je;
		json_t *cfg = json_loads(cases[i].json, 0, &je);
		const char *bad;
		struct error e;
		int rc = blocks_config_check(*state, a, cases[i].kind, cfg,
		                             &bad, &e);

		if (cases[i].bad == NULL && rc != 0)
			fail_msg("%s %s: %s", cases[i].kind, cases[i].json,
			         e.msg);
		if (cases[i].bad != NULL &&
		    (rc != -1 || strcmp(bad, cases[i].bad) != 0))
			fail_msg("%s %s: want a refusal of %s", cases[i].kind,
			         cases[i].json, cases[i].bad);
		json_decref(cfg);
	}
	arena_free(a);
}

static void
config_int(void **state)
{
	static const struct {
		const char *kind, *key, *json;
		int64_t want;
	} cases[] = {
		{"popular", "days", "{}", 90},
		{"popular", "days", "{\"days\": 7}", 7},
		{"popular", "days", "{\"days\": 0}", 90},
		{"popular", "days", "{\"days\": 99999}", LIM_POPULAR_DAYS},
		{"popular", "limit", "{\"limit\": \"5\"}", 10},
		{"podcasts", "limit", "{}", 3},
		{"recent_comments", "limit", "{\"limit\": 500}",
	         LIM_BLOCK_LIST},
		{"recent_comments", "limit", "{}", 5},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_error_t je;
		json_t *cfg = json_loads(cases[i].json, 0, &je);

		if (blocks_config_int(cfg, cases[i].kind, cases[i].key) !=
		    cases[i].want)
			fail_msg("%s.%s in %s", cases[i].kind, cases[i].key,
			         cases[i].json);
		json_decref(cfg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds),
		cmocka_unit_test_setup_teardown(config_check, mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test(config_int),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
