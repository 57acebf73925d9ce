/*
 * media/audio.h: durations over mutagen's test files
 * ($GAZETTE_FIXTURES/media/mutagen), each within the precision mutagen's
 * own tests assert (EXPECTATIONS.md there), and the files that are not
 * audio refused with ERR_INVALID, never a crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/audio.h"
#include "util/error.h"
#include "util/limits.h"
#include "fixtures.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *file;
	double seconds, within;
	const char *mime;
} known[] = {
	{"silence-44-s.mp3", 3.77, 0.005, "audio/mpeg"},
	{"silence-44-s-v1.mp3", 3.77, 0.005, "audio/mpeg"},
	{"silence-44-s-mpeg2.mp3", 3.68475, 0.00005, "audio/mpeg"},
	{"silence-44-s-mpeg25.mp3", 3.68475, 0.00005, "audio/mpeg"},
	{"xing.mp3", 2.052, 0.0005, "audio/mpeg"},
	{"vbri.mp3", 222.19755, 0.0005, "audio/mpeg"},
	{"lame.mp3", 0.06160, 0.00005, "audio/mpeg"},
	{"has-tags.m4a", 3.7, 0.05, "audio/x-m4a"},
	{"no-tags.m4a", 3.7, 0.05, "audio/x-m4a"},
	{"example.opus", 11.35, 0.005, "audio/ogg"},
};

static void
durations_as_mutagen_asserts(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(known); i++) {
		char rel[256];
		struct audio_info ai;
		struct error e;

		snprintf(rel, sizeof(rel), "media/mutagen/%s", known[i].file);
		FIXTURE(path, rel);
		if (audio_probe(path, &ai, &e) == -1)
			fail_msg("%s: %s", known[i].file, e.msg);
		if (fabs(ai.seconds - known[i].seconds) > known[i].within)
			fail_msg("%s: %.6f s, expected %.6f ± %g",
			         known[i].file, ai.seconds, known[i].seconds,
			         known[i].within);
		assert_string_equal(ai.mime, known[i].mime);
		assert_true(ai.bytes > 0);
	}
}

/* An empty file and a stream cut before its first whole frame are not
 * audio; the rest of the edge cases are read without a crash. */
static void
edge_cases(void **state)
{
	static const char *const refused[] = {"emptyfile.mp3", "too-short.mp3",
	                                      "EXPECTATIONS.md", "LICENSE"};
	static const char *const read[] = {"no-tags.mp3", "id3v22-test.mp3",
	                                   "bad-xing.mp3"};
	struct audio_info ai;
	struct error e;

	(void)state;
	for (size_t i = 0; i < NELEM(refused); i++) {
		char rel[256];

		snprintf(rel, sizeof(rel), "media/mutagen/%s", refused[i]);
		FIXTURE(path, rel);
		assert_int_equal(audio_probe(path, &ai, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		assert_non_null(strstr(e.msg, refused[i]));
	}
	for (size_t i = 0; i < NELEM(read); i++) {
		char rel[256];

		snprintf(rel, sizeof(rel), "media/mutagen/%s", read[i]);
		FIXTURE(path, rel);
		assert_int_equal(audio_probe(path, &ai, &e), 0);
		/* Each is well under a second long. */
		assert_true(ai.seconds < 1.0);
	}
	/* bad-xing.mp3's Xing header is empty: mutagen says 0 ("no usable
	 * duration"); we say how long its frames play, from the bitrate. */
	/* A file that is not there is bad input, not a failure of ours. */
	assert_int_equal(audio_probe("/nonexistent/x.mp3", &ai, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
}

/* Audio is not a Watch post's video, nor is an M4A's cover art. */
static void
audio_is_not_video(void **state)
{
	static const char *const files[] = {"has-tags.m4a", "silence-44-s.mp3",
	                                    "example.opus", "emptyfile.mp3"};
	struct video_info vi;
	struct error e;

	(void)state;
	for (size_t i = 0; i < NELEM(files); i++) {
		char rel[256];

		snprintf(rel, sizeof(rel), "media/mutagen/%s", files[i]);
		FIXTURE(path, rel);
		assert_int_equal(video_file_probe(path, &vi, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
	}
}

/* A video made here by libavcodec (tests/tools/gen_video.c) in dir:
 * name's container, seconds long, by the encoder given (NULL: the
 * container's usual one). */
static const char *
made_video(const char *dir, const char *name, int seconds, const char *enc)
{
	static char path[512];
	char cmd[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(cmd, sizeof(cmd), "%s %s %d %s", GAZETTE_GEN_VIDEO, path,
	         seconds, enc ? enc : "");
	assert_int_equal(system(cmd), 0);
	return path;
}

/* What a Watch post may carry as its own file: MP4 with H.264, WebM with
 * VP8 or VP9, each with its duration; MP4 with an older codec (MPEG-4
 * part 2, which browsers do not play) is refused by name. */
static void
videos_a_browser_plays(void **state)
{
	char dir[] = "/tmp/gazette-video-XXXXXX", cmd[64];
	struct video_info vi;
	struct error e;
	const char *p;

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = made_video(dir, "a.webm", 3, NULL);
	assert_int_equal(video_file_probe(p, &vi, &e), 0);
	assert_string_equal(vi.mime, "video/webm");
	assert_true(fabs(vi.seconds - 3.0) < 0.2);
	assert_true(vi.bytes > 0);
	p = made_video(dir, "b.webm", 2, "libvpx-vp9");
	assert_int_equal(video_file_probe(p, &vi, &e), 0);
	assert_string_equal(vi.mime, "video/webm");
	p = made_video(dir, "c.mp4", 2, NULL);
	assert_int_equal(video_file_probe(p, &vi, &e), 0);
	assert_string_equal(vi.mime, "video/mp4");
	assert_true(fabs(vi.seconds - 2.0) < 0.2);
	p = made_video(dir, "d.mp4", 2, "mpeg4");
	assert_int_equal(video_file_probe(p, &vi, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.msg, "is not MP4 (H.264, HEVC, AV1) or WebM"));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Past LIM_AUDIO_PACKETS the LAME tag's padding is not reached: the
 * duration keeps the delay's correction and is long by the padding, at
 * most 4095 samples (the tag's 12 bits; here 0.17 s at 24 kHz). */
static void
packet_walk_limit(void **state)
{
	struct audio_info ai;
	struct error e;

	(void)state;
	FIXTURE(path, "media/mutagen/silence-44-s-mpeg2.mp3");
	assert_int_equal(audio_probe_n(path, 3, &ai, &e), 0);
	assert_true(fabs(ai.seconds - 3.68475) > 0.00005);
	assert_true(fabs(ai.seconds - 3.68475) < 4095.0 / 24000);
	assert_true(LIM_AUDIO_PACKETS > 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durations_as_mutagen_asserts),
		cmocka_unit_test(edge_cases),
		cmocka_unit_test(packet_walk_limit),
		cmocka_unit_test(audio_is_not_video),
		cmocka_unit_test(videos_a_browser_plays),
	};

	return fixtures_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
