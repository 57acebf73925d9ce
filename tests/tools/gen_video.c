/*
 * gen-video OUT SECONDS [CODEC]: a small real video for the tests (there
 * is none among the fixtures), encoded by libavcodec and written by
 * libavformat, the libraries gazette reads videos with.  The container
 * follows OUT's name (.webm, .mp4, .mkv); CODEC is an encoder's name
 * (default: libvpx for WebM, libx264 for MP4).  64x48 pixels, 10 frames a
 * second of a moving gradient, so the file has SECONDS of duration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>

enum { WIDTH = 64, HEIGHT = 48, FPS = 10 };

static int
fail(const char *what, int err)
{
	char msg[AV_ERROR_MAX_STRING_SIZE] = "";

	if (err < 0)
		av_strerror(err, msg, sizeof(msg));
	fprintf(stderr, "gen-video: %s%s%s\n", what, *msg ? ": " : "", msg);
	return 1;
}

/* Every packet the encoder has ready, into the file. */
static int
drain(AVCodecContext *c, AVFormatContext *f, AVStream *s, AVPacket *pkt)
{
	int rc;

	while ((rc = avcodec_receive_packet(c, pkt)) == 0) {
		av_packet_rescale_ts(pkt, c->time_base, s->time_base);
		pkt->stream_index = s->index;
		if ((rc = av_interleaved_write_frame(f, pkt)) < 0)
			return rc;
	}
	return rc == AVERROR(EAGAIN) || rc == AVERROR_EOF ? 0 : rc;
}

int
main(int argc, char **argv)
{
	const char *out, *name, *dot;
	const AVCodec *codec;
	AVFormatContext *f = NULL;
	AVCodecContext *c;
	AVStream *s;
	AVFrame *fr;
	AVPacket *pkt;
	int seconds, rc;

	av_log_set_level(AV_LOG_ERROR);
	if (argc < 3 || (seconds = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: gen-video OUT.webm|OUT.mp4 SECONDS "
		                "[ENCODER]\n");
		return 2;
	}
	out = argv[1];
	dot = strrchr(out, '.');
	name = argc > 3                              ? argv[3]
	       : dot != NULL && !strcmp(dot, ".mp4") ? "libx264"
	                                             : "libvpx";
	if ((codec = avcodec_find_encoder_by_name(name)) == NULL)
		return fail("no such encoder", 0);
	if ((rc = avformat_alloc_output_context2(&f, NULL, NULL, out)) < 0)
		return fail(out, rc);
	s = avformat_new_stream(f, NULL);
	c = avcodec_alloc_context3(codec);
	fr = av_frame_alloc();
	pkt = av_packet_alloc();
	if (s == NULL || c == NULL || fr == NULL || pkt == NULL)
		return fail("out of memory", 0);
	c->width = WIDTH;
	c->height = HEIGHT;
	c->time_base = (AVRational){1, FPS};
	c->framerate = (AVRational){FPS, 1};
	c->pix_fmt = AV_PIX_FMT_YUV420P;
	c->gop_size = FPS;
	c->bit_rate = 100000;
	if (f->oformat->flags & AVFMT_GLOBALHEADER)
		c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	if ((rc = avcodec_open2(c, codec, NULL)) < 0)
		return fail(name, rc);
	if ((rc = avcodec_parameters_from_context(s->codecpar, c)) < 0)
		return fail("parameters", rc);
	s->time_base = c->time_base;
	if ((rc = avio_open(&f->pb, out, AVIO_FLAG_WRITE)) < 0)
		return fail(out, rc);
	if ((rc = avformat_write_header(f, NULL)) < 0)
		return fail("header", rc);
	fr->format = c->pix_fmt;
	fr->width = WIDTH;
	fr->height = HEIGHT;
	if ((rc = av_frame_get_buffer(fr, 0)) < 0)
		return fail("frame", rc);
	for (int i = 0; i < seconds * FPS; i++) {
		if ((rc = av_frame_make_writable(fr)) < 0)
			return fail("frame", rc);
		for (int y = 0; y < HEIGHT; y++)
			for (int x = 0; x < WIDTH; x++)
				fr->data[0][y * fr->linesize[0] + x] =
					(uint8_t)(x + y + i * 3);
		for (int y = 0; y < HEIGHT / 2; y++)
			for (int x = 0; x < WIDTH / 2; x++) {
				fr->data[1][y * fr->linesize[1] + x] =
					(uint8_t)(128 + y + i);
				fr->data[2][y * fr->linesize[2] + x] =
					(uint8_t)(64 + x + i * 2);
			}
		fr->pts = i;
		if ((rc = avcodec_send_frame(c, fr)) < 0 ||
		    (rc = drain(c, f, s, pkt)) < 0)
			return fail("encoding", rc);
	}
	if ((rc = avcodec_send_frame(c, NULL)) < 0 ||
	    (rc = drain(c, f, s, pkt)) < 0)
		return fail("encoding", rc);
	if ((rc = av_write_trailer(f)) < 0)
		return fail("trailer", rc);
	avio_closep(&f->pb);
	av_packet_free(&pkt);
	av_frame_free(&fr);
	avcodec_free_context(&c);
	avformat_free_context(f);
	return 0;
}
