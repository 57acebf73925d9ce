#ifndef GAZETTE_AUDIO_H
#define GAZETTE_AUDIO_H
/*
 * What a podcast needs to know about an audio file: that it is one (MP3,
 * AAC in MP4, Opus in Ogg, found by FFmpeg's libavformat from the bytes,
 * never the name), the MIME type a feed's <enclosure> announces, its size
 * and how long it plays.  Nothing is decoded: durations come from the
 * container's headers (Xing, VBRI, the LAME tag, MP4's mdhd, Ogg's last
 * granule), as podcast apps read them.
 */
#include <stdint.h>

#include "../util/error.h"

struct audio_info {
	const char *mime; /* static: "audio/mpeg", "audio/x-m4a", "audio/ogg" */
	const char *ext;  /* static: "mp3", "m4a", "opus" */
	int64_t bytes;
	double seconds; /* 0: unknown */
};

/*
 * Probe the file at path.  ERR_INVALID (naming path) when it is missing
 * or not a readable audio file of the three kinds, ERR_IO when it cannot
 * be read.
 */
int audio_probe(const char *path, struct audio_info *out, struct error *e);

/* The same, walking at most max_packets packets for the LAME tag's end
 * padding (audio_probe passes LIM_AUDIO_PACKETS; tests pass less). */
int audio_probe_n(const char *path, int64_t max_packets, struct audio_info *out,
                  struct error *e);

/*
 * A video file of a Watch post (MP4 with H.264, HEVC or AV1; WebM with
 * VP8, VP9 or AV1): its MIME type, size and duration, the same way.
 */
struct video_info {
	const char *mime; /* static: "video/mp4", "video/webm" */
	int64_t bytes;
	double seconds;
};
int video_file_probe(const char *path, struct video_info *out, struct error *e);

#endif
