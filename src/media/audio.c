/*
 * Audio files' kind, size and duration through libavformat (see audio.h).
 *
 * Why libavformat: of the libraries Debian ships, it alone reads every
 * header the fixtures' mutagen expectations cover.  TagLib's C binding
 * gives whole seconds only; libmpg123 ignores the VBRI header (an 8 KB
 * file announcing 222 s came out as 0.44 s) and counts a Xing file
 * without a LAME tag differently from mutagen.  libavformat reads both,
 * and MP4 and Ogg besides; what it leaves to us is gapless playback:
 *
 *  - MP3 with a LAME tag: the container's duration counts whole frames,
 *    encoder delay and padding included.  libavformat hands both to the
 *    decoder as AV_PKT_DATA_SKIP_SAMPLES side data (the delay on the
 *    first packet, the padding on the last), so the packets are walked
 *    (demuxed, not decoded) and both are subtracted, as mutagen and
 *    LAME's own players do.  The walk stops after LIM_AUDIO_PACKETS
 *    packets; a longer file keeps only the delay's correction (off by the
 *    padding, at most 4095 samples: the LAME tag's 12 bits).
 *  - Opus: the last granule position counts the pre-skip (RFC 7845
 *    section 4.2), which libavformat reports as initial_padding.
 *
 * Hostile files: only the three demuxers and the file protocol are
 * allowed (a crafted file cannot make libavformat open a URL or a
 * playlist), and libavformat's probe reads a bounded prefix.
 */
#include <string.h>
#include <sys/stat.h>

#include <libavformat/avformat.h>
#include <libavutil/intreadwrite.h>

#include "audio.h"
#include "../util/limits.h"
#include "../util/banned.h"

#define DEMUXERS       "mp3,mov,mp4,m4a,3gp,3g2,mj2,ogg"
#define VIDEO_DEMUXERS "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm"

static int
open_input(const char *path, const char *demuxers, AVFormatContext **out,
           struct error *e)
{
	AVDictionary *opts = NULL;
	char url[4096];
	int rc;

	if (snprintf(url, sizeof(url), "file:%s", path) >= (int)sizeof(url))
		return error_set(e, ERR_INVALID, "audio path too long");
	av_log_set_level(AV_LOG_QUIET);
	av_dict_set(&opts, "format_whitelist", demuxers, 0);
	av_dict_set(&opts, "protocol_whitelist", "file", 0);
	rc = avformat_open_input(out, url, NULL, &opts);
	av_dict_free(&opts);
	if (rc < 0)
		return error_set(
			e, ERR_INVALID, "'%s' is not %s gazette reads", path,
			strcmp(demuxers, DEMUXERS) == 0
				? "an audio file (MP3, M4A/AAC or Opus)"
				: "a video file (MP4 or WebM)");
	if (avformat_find_stream_info(*out, NULL) < 0) {
		avformat_close_input(out);
		return error_set(e, ERR_INVALID, "'%s': unreadable audio",
		                 path);
	}
	return 0;
}

/* The encoder delay and padding of an MP3 with a LAME tag, in samples,
 * from the packets' skip side data; 0 when it has none. */
static int64_t
gapless_samples(AVFormatContext *f, int stream, int64_t max_packets)
{
	AVPacket *p = av_packet_alloc();
	int64_t skip = 0, n = 0;
	int first = 1;

	if (p == NULL)
		return 0;
	while (n < max_packets && av_read_frame(f, p) >= 0) {
		size_t sz = 0;
		const uint8_t *d;

		if (p->stream_index != stream) {
			av_packet_unref(p);
			continue;
		}
		n++;
		d = av_packet_get_side_data(p, AV_PKT_DATA_SKIP_SAMPLES, &sz);
		if (d != NULL && sz >= 8)
			skip += (int64_t)AV_RL32(d) + (int64_t)AV_RL32(d + 4);
		av_packet_unref(p);
		/* Without a delay on the first packet there is no LAME tag,
		 * and nothing further to find. */
		if (first && skip == 0)
			break;
		first = 0;
	}
	av_packet_free(&p);
	return skip;
}

int
audio_probe_n(const char *path, int64_t max_packets, struct audio_info *out,
              struct error *e)
{
	AVFormatContext *f = NULL;
	const AVCodecParameters *par;
	const char *name;
	struct stat sb;
	double seconds = 0;
	int k;

	memset(out, 0, sizeof(*out));
	if (stat(path, &sb) == -1)
		return error_set(e, errno == ENOENT ? ERR_INVALID : ERR_IO,
		                 "cannot read '%s': %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return error_set(e, ERR_INVALID, "'%s' is not a file", path);
	if (sb.st_size == 0)
		return error_set(e, ERR_INVALID, "'%s' is empty", path);
	if (open_input(path, DEMUXERS, &f, e) == -1)
		return -1;
	k = av_find_best_stream(f, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
	if (k < 0)
		goto refuse;
	par = f->streams[k]->codecpar;
	name = f->iformat->name;
	if (strcmp(name, "mp3") == 0 && par->codec_id == AV_CODEC_ID_MP3) {
		out->mime = "audio/mpeg";
		out->ext = "mp3";
	} else if (strncmp(name, "mov,", 4) == 0 &&
	           par->codec_id == AV_CODEC_ID_AAC) {
		out->mime = "audio/x-m4a";
		out->ext = "m4a";
	} else if (strcmp(name, "ogg") == 0 &&
	           par->codec_id == AV_CODEC_ID_OPUS) {
		out->mime = "audio/ogg";
		out->ext = "opus";
	} else {
		goto refuse;
	}
	if (f->duration != AV_NOPTS_VALUE && f->duration > 0)
		seconds = (double)f->duration / AV_TIME_BASE;
	if (seconds > 0 && par->sample_rate > 0) {
		int64_t cut = 0;

		if (par->codec_id == AV_CODEC_ID_OPUS)
			cut = par->initial_padding;
		else if (par->codec_id == AV_CODEC_ID_MP3)
			cut = gapless_samples(f, k, max_packets);
		seconds -= (double)cut / par->sample_rate;
		if (seconds < 0)
			seconds = 0;
	}
	out->bytes = (int64_t)sb.st_size;
	out->seconds = seconds;
	avformat_close_input(&f);
	return 0;
refuse:
	avformat_close_input(&f);
	return error_set(e, ERR_INVALID,
	                 "'%s' is not MP3, AAC in MP4 or Opus in Ogg", path);
}

int
audio_probe(const char *path, struct audio_info *out, struct error *e)
{
	return audio_probe_n(path, LIM_AUDIO_PACKETS, out, e);
}

int
video_file_probe(const char *path, struct video_info *out, struct error *e)
{
	AVFormatContext *f = NULL;
	enum AVCodecID id;
	struct stat sb;
	int k, mp4;

	memset(out, 0, sizeof(*out));
	if (stat(path, &sb) == -1)
		return error_set(e, errno == ENOENT ? ERR_INVALID : ERR_IO,
		                 "cannot read '%s': %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode) || sb.st_size == 0)
		return error_set(e, ERR_INVALID, "'%s' is not a video file",
		                 path);
	if (open_input(path, VIDEO_DEMUXERS, &f, e) == -1)
		return -1;
	k = av_find_best_stream(f, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	mp4 = strncmp(f->iformat->name, "mov,", 4) == 0;
	id = k < 0 ? AV_CODEC_ID_NONE : f->streams[k]->codecpar->codec_id;
	if (mp4 && (id == AV_CODEC_ID_H264 || id == AV_CODEC_ID_HEVC ||
	            id == AV_CODEC_ID_AV1))
		out->mime = "video/mp4";
	else if (!mp4 && (id == AV_CODEC_ID_VP8 || id == AV_CODEC_ID_VP9 ||
	                  id == AV_CODEC_ID_AV1))
		out->mime = "video/webm";
	else {
		avformat_close_input(&f);
		return error_set(e, ERR_INVALID,
		                 "'%s' is not MP4 (H.264, HEVC, AV1) or WebM "
		                 "(VP8, VP9, AV1) video",
		                 path);
	}
	if (f->duration != AV_NOPTS_VALUE && f->duration > 0)
		out->seconds = (double)f->duration / AV_TIME_BASE;
	out->bytes = (int64_t)sb.st_size;
	avformat_close_input(&f);
	return 0;
}
