/*
 * core/videos.h: where a provider's thumbnail is asked for (decision
 * 093).  Each allowed provider's page maps to its documented oEmbed
 * endpoint with the page percent-encoded, PeerTube's on the video's own
 * instance, all on a test origin when one is given; a URL videos_attach
 * refuses, or a file, is never fetched.  The fetch itself, against a
 * stand-in provider, is tests/e2e/watch-thumbs.test.mjs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/settings.h"
#include "core/videos.h"
#include "util/arena.h"
#include "util/error.h"
#include "mem_store.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
oembed_endpoints(void **state)
{
	static const struct {
		const char *page, *want;
	} cases[] = {
		{"https://www.youtube.com/watch?v=abcDEF12345&t=10",
	         "https://www.youtube.com/oembed?url=https%3A%2F%2Fwww.youtube."
	         "com%2Fwatch%3Fv%3DabcDEF12345%26t%3D10&format=json"},
		{"https://youtu.be/abcDEF12345",
	         "https://www.youtube.com/oembed?url=https%3A%2F%2Fyoutu.be%2F"
	         "abcDEF12345&format=json"},
		{"https://vimeo.com/76979871",
	         "https://vimeo.com/api/oembed.json?url=https%3A%2F%2Fvimeo.com"
	         "%2F76979871&format=json"},
		{"https://www.dailymotion.com/video/x7tgad0",
	         "https://www.dailymotion.com/services/oembed?url=https%3A%2F%2F"
	         "www.dailymotion.com%2Fvideo%2Fx7tgad0&format=json"},
		{"https://rumble.com/embed/v5pv5f/",
	         "https://rumble.com/api/Media/oembed.json?url=https%3A%2F%2F"
	         "rumble.com%2Fembed%2Fv5pv5f%2F&format=json"},
		{"https://odysee.com/@chan:1/name:2",
	         "https://odysee.com/$/oembed?url=https%3A%2F%2Fodysee.com%2F%40"
	         "chan%3A1%2Fname%3A2&format=json"},
		{"https://tube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv",
	         "https://tube.example.org/services/oembed?url=https%3A%2F%2F"
	         "tube.example.org%2Fw%2FkkGMgK9ZtnKfYAgnEtQxbv&format=json"},
	};
	struct arena *a = arena_new();
	struct error e;
	const char *player, *got;

	struct setting_write w = {"video_peertube_hosts", "tube.example.org"};

	assert_int_equal(settings_write(*state, &w, 1, &e), 0);
	for (size_t i = 0; i < NELEM(cases); i++) {
		player = videos_player(*state, a, cases[i].page);
		assert_non_null(player);
		got = videos_oembed_url(a, cases[i].page, player, NULL);
		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
		/* a test origin takes the place of the provider's */
		got = videos_oembed_url(a, cases[i].page, player,
		                        "http://127.0.0.1:9");
		assert_true(strncmp(got, "http://127.0.0.1:9/", 19) == 0);
		assert_string_equal(got + 18, strchr(cases[i].want + 8, '/'));
	}
	arena_free(a);
}

static void
nothing_fetched_for_what_attach_refuses(void **state)
{
	static const char *const videos[] = {
		"https://evil.example.com/watch?v=abc",
		"https://peertube.unlisted.example/w/abc",
		"javascript:alert(1)",
		"media/clip.mp4",
		NULL,
	};
	struct arena *a = arena_new();
	struct video_thumb t;

	for (size_t i = 0; i < NELEM(videos); i++) {
		/* the site folder does not exist: nothing may be written */
		assert_int_equal(videos_thumb_fetch(*state, a, "/nonexistent",
		                                    "http://127.0.0.1:8080",
		                                    videos[i], &t),
		                 0);
		assert_null(t.path);
		assert_int_equal(t.why.code, ERR_OK);
		videos_thumb_release(&t);
	}
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(oembed_endpoints,
	                                        mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(
			nothing_fetched_for_what_attach_refuses,
			mem_store_setup, mem_store_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
