/*
 * media/audio.h on hostile bytes: libavformat (mp3, mov/mp4 and ogg
 * demuxers only, file protocol only) reads whatever claims to be audio or
 * video, and whatever happens the probe returns: a refusal with a
 * message, or a kind and a duration that is finite and not negative.
 * Seeded with mutagen's test files (seeds.py).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "media/audio.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char dir[64] = "/tmp/gazette-fuzz-audio-XXXXXX";
static char input[128];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(input, sizeof(input), "%s/input", dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audio_info ai;
	struct video_info vi;
	struct error e;
	FILE *f = fopen(input, "wb");

	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if (audio_probe_n(input, 64, &ai, &e) == 0) {
		if (ai.mime == NULL || !isfinite(ai.seconds) ||
		    ai.seconds < 0 || ai.bytes != (int64_t)size)
			abort();
	} else if (e.msg[0] == '\0') {
		abort();
	}
	if (video_file_probe(input, &vi, &e) == 0) {
		if (vi.mime == NULL || !isfinite(vi.seconds) || vi.seconds < 0)
			abort();
	} else if (e.msg[0] == '\0') {
		abort();
	}
	unlink(input);
	return 0;
}
