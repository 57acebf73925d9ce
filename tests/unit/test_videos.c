/*
 * core/videos.h: where a provider's thumbnail is asked for (decision
 * 093).  Each allowed provider's page maps to its documented oEmbed
 * endpoint with the page percent-encoded, PeerTube's on the video's own
 * instance, all on a test origin when one is given; a URL videos_attach
 * refuses, or a file, is never fetched.  A video the admin attaches
 * without a thumbnail is marked pending in its row, and the fetch
 * thread's result lands only while the post still has that video
 * without a poster.  The fetch itself, against a stand-in provider, is
 * tests/e2e/watch-thumbs.test.mjs and admin-thumbs.test.mjs.
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
#include "store/podcast.h"
#include "store/posts.h"
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

static int64_t
add_post(struct store *st, const char *slug)
{
	struct post p;
	struct error e;
	int64_t id;

	memset(&p, 0, sizeof(p));
	p.type = POST_POST;
	p.status = POST_PUBLISHED;
	p.slug = slug;
	p.title = slug;
	p.body_src = "b";
	p.body_html = "<p>b</p>";
	p.published_at = 1651017600;
	assert_int_equal(store_post_add(st, &p, &id, &e), 0);
	return id;
}

static void
pending_until_done_for_the_same_video(void **state)
{
	static const char yt[] = "https://www.youtube.com/watch?v=abcDEF12345";
	static const char other[] = "https://vimeo.com/76979871";
	struct store *st = *state;
	struct arena *a = arena_new();
	struct video_thumb failed = {0};
	struct video v;
	struct error e;
	const char *url;
	int64_t id = add_post(st, "one"), got;
	int changed;

	/* The editor's attach (no thumbnail given): pending. */
	assert_int_equal(videos_attach(st, a, "/nonexistent", id, yt, NULL,
	                               NULL, &e),
	                 0);
	assert_int_equal(store_video_get(st, a, id, &v, &e), 0);
	assert_int_equal(v.thumb_pending, 1);
	assert_string_equal(v.thumb_error, "");
	assert_int_equal(store_video_thumb_next(st, a, &got, &url, &e), 1);
	assert_int_equal(got, id);
	assert_string_equal(url, yt);
	/* The editor gave another video meanwhile: the result is dropped. */
	assert_int_equal(videos_attach(st, a, "/nonexistent", id, other, NULL,
	                               NULL, &e),
	                 0);
	assert_int_equal(store_video_thumb_done(st, id, yt, "/media/aa/x.jpg",
	                                        0, "", &changed, &e),
	                 0);
	assert_int_equal(changed, 0);
	assert_int_equal(store_video_get(st, a, id, &v, &e), 0);
	assert_string_equal(v.url, other);
	assert_string_equal(v.poster_url, "");
	assert_int_equal(v.thumb_pending, 1);
	/* For the video it has: the poster and the duration, no longer
	 * pending, and nothing left to take. */
	assert_int_equal(store_video_thumb_done(st, id, other,
	                                        "/media/aa/x.jpg", 125, "",
	                                        &changed, &e),
	                 0);
	assert_int_equal(changed, 1);
	assert_int_equal(store_video_get(st, a, id, &v, &e), 0);
	assert_string_equal(v.poster_url, "/media/aa/x.jpg");
	assert_int_equal(v.duration_s, 125);
	assert_int_equal(v.thumb_pending, 0);
	assert_int_equal(store_video_thumb_next(st, a, &got, &url, &e), 0);
	/* A poster there already is never replaced. */
	assert_int_equal(store_video_thumb_done(st, id, other,
	                                        "/media/bb/y.jpg", 0, "",
	                                        &changed, &e),
	                 0);
	assert_int_equal(changed, 0);
	/* post add's failed fetch: kept for the editor, not pending. */
	error_set(&failed.why, ERR_NOT_FOUND, "'%s': HTTP 404", "x");
	assert_int_equal(videos_attach(st, a, "/nonexistent", id, yt, NULL,
	                               &failed, &e),
	                 0);
	assert_int_equal(store_video_get(st, a, id, &v, &e), 0);
	assert_int_equal(v.thumb_pending, 0);
	assert_string_equal(v.thumb_error, "'x': HTTP 404");
	arena_free(a);
}

static void
a_provider_taken_off_the_list_is_a_failure_not_a_fetch(void **state)
{
	static const char tube[] = "https://tube.example.org/w/kkGMgK9Ztn";
	struct store *st = *state;
	struct arena *a = arena_new();
	struct setting_write on = {"video_peertube_hosts", "tube.example.org"};
	struct setting_write off = {"video_peertube_hosts", ""};
	struct video v;
	struct error e;
	int64_t id = add_post(st, "two");

	assert_int_equal(settings_write(st, &on, 1, &e), 0);
	assert_int_equal(videos_attach(st, a, "/nonexistent", id, tube, NULL,
	                               NULL, &e),
	                 0);
	assert_int_equal(settings_write(st, &off, 1, &e), 0);
	/* Nothing to reach, nothing written under the site folder. */
	assert_int_equal(videos_thumb_step(st, "/nonexistent",
	                                   "http://127.0.0.1:8080", NULL, NULL,
	                                   &e),
	                 1);
	assert_int_equal(store_video_get(st, a, id, &v, &e), 0);
	assert_int_equal(v.thumb_pending, 0);
	assert_non_null(strstr(v.thumb_error, "no longer an allowed"));
	assert_int_equal(videos_thumb_step(st, "/nonexistent",
	                                   "http://127.0.0.1:8080", NULL, NULL,
	                                   &e),
	                 0);
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
		cmocka_unit_test_setup_teardown(
			pending_until_done_for_the_same_video, mem_store_setup,
			mem_store_teardown),
		cmocka_unit_test_setup_teardown(
			a_provider_taken_off_the_list_is_a_failure_not_a_fetch,
			mem_store_setup, mem_store_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
