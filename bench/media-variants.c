/*
 * bench/media.sh's image figure: how many images a second media_add()
 * stores with all their copies (media.h: upright, stripped, each width
 * below the image's, JPEG and WebP), against libvips doing only the
 * decoding, resizing and encoding of the same copies (the "peer": what
 * the work costs without our checks, hashing, libmagic and renames).
 * The image is src scaled to -w pixels wide and saved as a JPEG at
 * quality 90; each media_add gets it with different trailing bytes, so
 * each is a new file.  Prints
 *
 *	width W height H copies N gazette_images_s X gazette_copies_s Y
 *	vips_images_s Z ratio R
 *
 * Built by meson as build/bench/media-variants, never installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vips/vips.h>

#include "media/media.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/error.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "media-variants: %s: %s\n", what, vips_error_buffer());
	exit(1);
}

int
main(int argc, char **argv)
{
	const char *src = NULL, *dir = NULL;
	double seconds = 5, t0, g_rate, v_rate;
	int width = 2400, opt, w, h, copies = 0;
	long n = 0;
	char img[4096], in[4096];
	VipsImage *a = NULL, *b = NULL;
	struct store *st;
	struct error e;
	char *bytes;
	size_t nbytes;

	while ((opt = getopt(argc, argv, "s:w:d:")) != -1) {
		if (opt == 's')
			seconds = strtod(optarg, NULL);
		else if (opt == 'w')
			width = (int)strtol(optarg, NULL, 10);
		else if (opt == 'd')
			dir = optarg;
		else
			return 2;
	}
	if (optind != argc - 1 || dir == NULL) {
		fprintf(stderr, "usage: media-variants -d TMPDIR [-s SECONDS] "
		                "[-w WIDTH] IMAGE\n");
		return 2;
	}
	src = argv[optind];
	media_init();
	snprintf(img, sizeof(img), "%s/bench.jpg", dir);
	snprintf(in, sizeof(in), "%s/in.jpg", dir);
	if (vips_thumbnail(src, &a, width, "size", VIPS_SIZE_FORCE, "height",
	                   width * 2 / 3, NULL) != 0 ||
	    vips_jpegsave(a, img, "Q", 90, NULL) != 0)
		die("making the image");
	w = a->Xsize;
	h = a->Ysize;
	g_object_unref(a);
	for (int i = 0; i < MEDIA_NWIDTHS && media_widths[i] < w; i++)
		copies += 2;
	copies += 2;

	if (!g_file_get_contents(img, &bytes, &nbytes, NULL))
		die("reading the image");
	st = store_open(":memory:", 1, &e);
	if (st == NULL) {
		fprintf(stderr, "media-variants: %s\n", e.msg);
		return 1;
	}
	t0 = now();
	do {
		struct arena *ar = arena_new();
		struct media_file mf;
		FILE *f = fopen(in, "wb");

		/* After the JPEG's end: a new file to the hash, not to a
		 * decoder. */
		if (f == NULL || fwrite(bytes, 1, nbytes, f) != nbytes ||
		    fprintf(f, "%ld", n) < 0 || fclose(f) != 0)
			return 1;
		if (media_add(st, ar, dir, in, "bench.jpg", "", &mf, &e) ==
		    -1) {
			fprintf(stderr, "media-variants: %s\n", e.msg);
			return 1;
		}
		if (media_delete(st, ar, dir, mf.id, &e) == -1)
			return 1;
		arena_free(ar);
		n++;
	} while (now() - t0 < seconds);
	g_rate = (double)n / (now() - t0);

	/* The peer: the same copies, libvips only. */
	n = 0;
	t0 = now();
	do {
		char out[4200];
		int ws[MEDIA_NWIDTHS + 1], k = 0;

		ws[k++] = w;
		for (int i = 0; i < MEDIA_NWIDTHS && media_widths[i] < w; i++)
			ws[k++] = media_widths[i];
		for (int i = 0; i < k; i++)
			for (int webp = 0; webp <= 1; webp++) {
				if (vips_thumbnail(img, &b, ws[i], "height",
				                   VIPS_MAX_COORD, NULL) != 0)
					die("thumbnail");
				snprintf(out, sizeof(out), "%s/peer.%s", dir,
				         webp ? "webp" : "jpg");
				if ((webp ? vips_webpsave(b, out, "strip", TRUE,
				                          "Q", 80, NULL)
				          : vips_jpegsave(b, out, "strip", TRUE,
				                          "Q", 82,
				                          "optimize_coding",
				                          TRUE, NULL)) != 0)
					die("save");
				g_object_unref(b);
			}
		n++;
	} while (now() - t0 < seconds);
	v_rate = (double)n / (now() - t0);
	printf("width %d height %d copies %d gazette_images_s %.2f "
	       "gazette_copies_s %.1f vips_images_s %.2f ratio %.2f\n",
	       w, h, copies, g_rate, g_rate * copies, v_rate, g_rate / v_rate);
	store_close(st);
	g_free(bytes);
	return 0;
}
