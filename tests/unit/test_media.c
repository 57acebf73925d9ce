/*
 * media/media.h over the shared fixtures (media/exif-samples): every copy
 * of a GPS-tagged photo is read back with libexif (and a WebP's chunks
 * walked) and carries no GPS; all eight orientations come out upright (the
 * same picture as orientation 1, pixel for pixel within JPEG's noise);
 * broken JPEGs refused or stored without a crash or hang; HEIF, SVG, a
 * polyglot, an empty file and bad names refused; a 50,000 x 50,000 header
 * refused before decoding, with flat memory; each size limit crossed;
 * widths never upscaled; and after every refusal nothing left in
 * SITE/media.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <libexif/exif-data.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "media/media.h"
#include "store/media.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/limits.h"
#include "tmp_site.h"
#include "fixtures.h"

/* snprintf into an array, failing the test when it does not fit. */
#define PATHF(buf, ...)                                                        \
	do {                                                                   \
		if (snprintf((buf), sizeof(buf), __VA_ARGS__) >=               \
		    (int)sizeof(buf))                                          \
			fail_msg("path too long");                             \
	} while (0)

struct env {
	struct tmp_site t;
	struct store *s;
	struct arena *a;
	char media[PATH_MAX];
};

static int
setup(void **state)
{
	struct env *v = calloc(1, sizeof(*v));

	v->s = tmp_site_open(&v->t, "media");
	v->a = arena_new();
	snprintf(v->media, sizeof(v->media), "%s/media", v->t.dir);
	*state = v;
	return 0;
}

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(p);
}

static int
teardown(void **state)
{
	struct env *v = *state;

	arena_free(v->a);
	tmp_site_store_close(&v->t, v->s);
	nftw(v->t.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(v);
	return 0;
}

/* Files under SITE/media (the empty .tmp not counted), recursively. */
static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char p[PATH_MAX + 256];
		struct stat sb;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		PATHF(p, "%s/%s", dir, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			n += count_files(p);
		else
			n++;
	}
	closedir(d);
	return n;
}

/* The paths of every stored copy of a file at path (under media). */
static int
copies(struct env *v, const char *path, char out[][PATH_MAX], int max)
{
	char dir[PATH_MAX];
	const char *slash = strchr(path, '/');
	DIR *d;
	struct dirent *de;
	int n = 0;

	PATHF(dir, "%s/%.*s", v->media, (int)(slash - path), path);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL && n < max)
		if (strncmp(de->d_name, slash + 1, 32) == 0)
			if (snprintf(out[n++], PATH_MAX, "%s/%s", dir,
			             de->d_name) >= PATH_MAX)
				fail_msg("path too long");
	closedir(d);
	return n;
}

static int
has_gps(const char *file)
{
	ExifData *ed = exif_data_new_from_file(file);
	int n;

	if (ed == NULL)
		return 0;
	n = (int)ed->ifd[EXIF_IFD_GPS]->count;
	exif_data_unref(ed);
	return n > 0;
}

static int
has_exif(const char *file)
{
	ExifData *ed = exif_data_new_from_file(file);
	int n = 0;

	if (ed == NULL)
		return 0;
	for (int i = 0; i < EXIF_IFD_COUNT; i++)
		n += (int)ed->ifd[i]->count;
	exif_data_unref(ed);
	return n > 0;
}

/* Whether a WebP file has an EXIF or XMP chunk (RIFF, little-endian
 * sizes, padded to even). */
static int
webp_has_metadata(const char *file)
{
	unsigned char buf[1 << 20];
	FILE *f = fopen(file, "rb");
	size_t n, i = 12;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n > 12 && memcmp(buf, "RIFF", 4) == 0 &&
	            memcmp(buf + 8, "WEBP", 4) == 0);
	while (i + 8 <= n) {
		size_t len = buf[i + 4] | buf[i + 5] << 8 | buf[i + 6] << 16 |
		             (size_t)buf[i + 7] << 24;

		if (memcmp(buf + i, "EXIF", 4) == 0 ||
		    memcmp(buf + i, "XMP ", 4) == 0)
			return 1;
		i += 8 + len + (len & 1);
	}
	return 0;
}

static int
ends_with(const char *s, const char *t)
{
	size_t a = strlen(s), b = strlen(t);

	return a >= b && strcmp(s + a - b, t) == 0;
}

static void
gps_stripped_from_every_copy(void **state)
{
	struct env *v = *state;
	const char *names[] = {"DSCN0010", "DSCN0012", "DSCN0021",
	                       "DSCN0025", "DSCN0027", "DSCN0029",
	                       "DSCN0038", "DSCN0040", "DSCN0042"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char rel[128], list[16][PATH_MAX];
		struct media_file f;
		struct error e;
		int n;

		PATHF(rel, "media/exif-samples/jpg/gps/%s.jpg", names[i]);
		FIXTURE(path, rel);
		/* The test can fail: the fixture does carry GPS. */
		assert_true(has_gps(path));
		if (media_add(v->s, v->a, v->t.dir, path, NULL, "photo", &f,
		              &e) == -1)
			fail_msg("%s: %s", path, e.msg);
		assert_int_equal(f.kind, MEDIA_IMAGE);
		assert_string_equal(f.mime, "image/jpeg");
		n = copies(v, f.path, list, 16);
		/* full size and 300 wide, each as JPEG and WebP */
		assert_true(n >= 4);
		for (int k = 0; k < n; k++) {
			if (ends_with(list[k], ".webp"))
				assert_false(webp_has_metadata(list[k]));
			else {
				assert_false(has_gps(list[k]));
				assert_false(has_exif(list[k]));
			}
		}
	}
}

/* The mean absolute difference of two images of one size, 0..255. */
static double
image_diff(const char *x, const char *y)
{
	VipsImage *a = vips_image_new_from_file(x, NULL);
	VipsImage *b = vips_image_new_from_file(y, NULL);
	VipsImage *d = NULL, *ab = NULL;
	double avg = 255;

	assert_non_null(a);
	assert_non_null(b);
	if (a->Xsize == b->Xsize && a->Ysize == b->Ysize &&
	    vips_subtract(a, b, &d, NULL) == 0 && vips_abs(d, &ab, NULL) == 0)
		assert_int_equal(vips_avg(ab, &avg, NULL), 0);
	if (ab != NULL)
		g_object_unref(ab);
	if (d != NULL)
		g_object_unref(d);
	g_object_unref(a);
	g_object_unref(b);
	return avg;
}

static void
orientations_upright(void **state)
{
	struct env *v = *state;
	const char *kinds[] = {"landscape", "portrait"};

	for (int k = 0; k < 2; k++) {
		char first[PATH_MAX] = "";

		for (int o = 1; o <= 8; o++) {
			char rel[128], stored[PATH_MAX];
			struct media_file f;
			struct error e;
			VipsImage *im;

			PATHF(rel,
			      "media/exif-samples/jpg/orientation/%s_%d.jpg",
			      kinds[k], o);
			FIXTURE(path, rel);
			if (media_add(v->s, v->a, v->t.dir, path, NULL, "", &f,
			              &e) == -1)
				fail_msg("%s: %s", path, e.msg);
			assert_int_equal(f.width, k == 0 ? 600 : 450);
			assert_int_equal(f.height, k == 0 ? 450 : 600);
			PATHF(stored, "%s/%s", v->media, f.path);
			im = vips_image_new_from_file(stored, NULL);
			assert_non_null(im);
			assert_int_equal(im->Xsize, f.width);
			assert_int_equal(im->Ysize, f.height);
			g_object_unref(im);
			/* No Orientation tag left to turn it again. */
			assert_false(has_exif(stored));
			if (o == 1) {
				PATHF(first, "%s", stored);
				continue;
			}
			/* The fixtures are each compressed anew: the right
			 * way up differs from orientation 1 by about 14.5 of
			 * 255 on average, every wrong way by over 50. */
			if (image_diff(first, stored) > 30)
				fail_msg("%s: not the picture of %s_1 upright "
				         "(mean difference %.1f)",
				         rel, kinds[k],
				         image_diff(first, stored));
		}
	}
}

/* The refusal of path, with nothing left behind; its code. */
static enum err_code
refused(struct env *v, const char *path, const char *name)
{
	struct media_file f;
	struct error e;
	int before = count_files(v->media);

	if (media_add(v->s, v->a, v->t.dir, path, name, "", &f, &e) == 0)
		fail_msg("%s was accepted as %s", path, f.mime);
	assert_int_equal(count_files(v->media), before);
	return e.code;
}

static void
broken_jpegs_do_not_crash(void **state)
{
	struct env *v = *state;
	const char *dirs[] = {"media/exif-samples/jpg/invalid",
	                      "media/exif-samples/jpg/tests"};

	for (int i = 0; i < 2; i++) {
		FIXTURE(dir, dirs[i]);
		DIR *d = opendir(dir);
		struct dirent *de;
		int seen = 0;

		assert_non_null(d);
		while ((de = readdir(d)) != NULL) {
			char p[PATH_MAX + 256];
			struct media_file f;
			struct error e;
			int before = count_files(v->media);

			if (!ends_with(de->d_name, ".jpg"))
				continue;
			seen++;
			PATHF(p, "%s/%s", dir, de->d_name);
			if (media_add(v->s, v->a, v->t.dir, p, NULL, "", &f,
			              &e) == 0) {
				char stored[PATH_MAX];

				PATHF(stored, "%s/%s", v->media, f.path);
				assert_false(has_exif(stored));
			} else {
				assert_int_equal(e.code, ERR_INVALID);
				assert_int_equal(count_files(v->media), before);
			}
		}
		closedir(d);
		assert_true(seen >= 6);
	}
}

/* The first half of src as dst (an upload cut short); keep: the whole
 * file as keep, when not NULL. */
static void
cut_copy(const char *src, const char *dst, const char *keep)
{
	static unsigned char buf[1 << 18];
	FILE *f = fopen(src, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n > 4096 && n < sizeof(buf));
	f = fopen(dst, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n / 2, f), n / 2);
	fclose(f);
	if (keep == NULL)
		return;
	f = fopen(keep, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
}

/* An upload cut short (a dropped connection, a half-copied file) is
 * refused as bad input: libjpeg decodes a cut JPEG with a grey lower part
 * and only warns, and that picture must not be stored as the author's;
 * a cut PNG is bad input (400) too, not our failure (500). */
static void
cut_jpeg_refused(void **state)
{
	struct env *v = *state;
	FIXTURE(src, "media/exif-samples/jpg/orientation/landscape_1.jpg");
	char cut[PATH_MAX], whole[PATH_MAX], png[PATH_MAX];
	VipsImage *im = NULL, *noisy = NULL;
	struct media_file mf;
	struct error e;

	PATHF(cut, "%s/cut.jpg", v->t.dir);
	PATHF(whole, "%s/whole.jpg", v->t.dir);
	cut_copy(src, cut, whole);
	assert_int_equal(refused(v, cut, NULL), ERR_INVALID);
	/* The whole file is still taken. */
	assert_int_equal(media_add(v->s, v->a, v->t.dir, whole, NULL, "", &mf,
	                           &e),
	                 0);
	PATHF(png, "%s/whole.png", v->t.dir);
	assert_int_equal(vips_gaussnoise(&noisy, 400, 300, NULL), 0);
	assert_int_equal(vips_cast_uchar(noisy, &im, NULL), 0);
	assert_int_equal(vips_pngsave(im, png, NULL), 0);
	g_object_unref(im);
	g_object_unref(noisy);
	PATHF(cut, "%s/cut.png", v->t.dir);
	cut_copy(png, cut, NULL);
	assert_int_equal(refused(v, cut, NULL), ERR_INVALID);
}

static void
heif_refused(void **state)
{
	struct env *v = *state;
	FIXTURE(path, "media/exif-samples/heic/samplefilehub.heif");

	assert_int_equal(refused(v, path, NULL), ERR_INVALID);
}

/* A file of n bytes: head, then fill. */
static void
write_file(const char *path, const void *head, size_t hn, int fill, size_t n)
{
	FILE *f = fopen(path, "wb");
	char buf[65536];

	assert_non_null(f);
	assert_int_equal(fwrite(head, 1, hn, f), hn);
	memset(buf, fill, sizeof(buf));
	for (size_t left = n - hn; left > 0;) {
		size_t k = left < sizeof(buf) ? left : sizeof(buf);

		assert_int_equal(fwrite(buf, 1, k, f), k);
		left -= k;
	}
	assert_int_equal(fclose(f), 0);
}

static void
bad_files_refused(void **state)
{
	struct env *v = *state;
	char p[PATH_MAX];
	const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://"
			   "www.w3.org/2000/svg\"><script>alert(1)</script>"
			   "</svg>\n";
	const char html[] = "<!DOCTYPE html><html><script>alert(1)</script>";
	/* A GIF header over a script: libmagic says GIF, no decoder agrees */
	const char poly[] = "GIF89a/*\x01\x00\x01\x00*/=1;alert(1)//";
	const char elf[] = "\x7f"
			   "ELF\x02\x01\x01";

	PATHF(p, "%s/x.svg", v->t.dir);
	write_file(p, svg, strlen(svg), ' ', strlen(svg));
	assert_int_equal(refused(v, p, NULL), ERR_INVALID);
	PATHF(p, "%s/x.jpg", v->t.dir);
	write_file(p, html, strlen(html), ' ', strlen(html));
	assert_int_equal(refused(v, p, NULL), ERR_INVALID);
	PATHF(p, "%s/poly.gif", v->t.dir);
	write_file(p, poly, sizeof(poly) - 1, ' ', sizeof(poly) - 1);
	assert_int_equal(refused(v, p, NULL), ERR_INVALID);
	PATHF(p, "%s/a.mp3", v->t.dir);
	write_file(p, elf, sizeof(elf) - 1, 0, 4096);
	assert_int_equal(refused(v, p, NULL), ERR_INVALID);
	PATHF(p, "%s/empty.mp3", v->t.dir);
	write_file(p, "", 0, 0, 0);
	assert_int_equal(refused(v, p, NULL), ERR_INVALID);
	/* names as an uploader gives them */
	PATHF(p, "%s/x.vtt", v->t.dir);
	write_file(p, "WEBVTT\n\n", 8, 'a', 100);
	assert_int_equal(refused(v, p, "../x.vtt"), ERR_INVALID);
	assert_int_equal(refused(v, p, "a\nb.vtt"), ERR_INVALID);
	assert_int_equal(refused(v, p, ".."), ERR_INVALID);
	assert_int_equal(refused(v, p, ""), ERR_INVALID);
	/* text is taken only as a transcript */
	assert_int_equal(refused(v, p, "x.html"), ERR_INVALID);
	PATHF(p, "%s/missing.mp3", v->t.dir);
	assert_int_equal(refused(v, p, NULL), ERR_NOT_FOUND);
}

/* landscape_1.jpg with its frame header (SOF0) saying w x h. */
static void
jpeg_claiming(const char *src, const char *dst, int w, int h)
{
	FILE *f = fopen(src, "rb");
	unsigned char buf[1 << 18];
	size_t n, i;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (i = 2; i + 9 < n; i++)
		if (buf[i] == 0xff &&
		    (buf[i + 1] == 0xc0 || buf[i + 1] == 0xc2))
			break;
	assert_true(i + 9 < n);
	buf[i + 5] = (unsigned char)(h >> 8);
	buf[i + 6] = (unsigned char)h;
	buf[i + 7] = (unsigned char)(w >> 8);
	buf[i + 8] = (unsigned char)w;
	f = fopen(dst, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
}

static long
max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
pixel_bomb_refused_before_decode(void **state)
{
	struct env *v = *state;
	FIXTURE(src, "media/exif-samples/jpg/orientation/landscape_1.jpg");
	char p[PATH_MAX];
	struct media_file f;
	struct error e;
	long rss;

	PATHF(p, "%s/bomb.jpg", v->t.dir);
	jpeg_claiming(src, p, 50000, 50000);
	rss = max_rss_kib();
	assert_int_equal(refused(v, p, NULL), ERR_TOO_BIG);
	/* 2.5 gigapixels decoded would be 7.5 GB; the header is a few KiB */
	assert_true(max_rss_kib() - rss < 64 * 1024);
	/* The limit itself: one row of 8,000 over it, refused for its size
	 * (below it, widths_never_upscaled's 2,500 x 1,000 is stored). */
	jpeg_claiming(src, p, 8000, (int)(LIM_IMAGE_PIXELS / 8000) + 1);
	assert_int_equal(refused(v, p, NULL), ERR_TOO_BIG);
	(void)f;
	(void)e;
}

static void
size_limits_crossed(void **state)
{
	struct env *v = *state;
	char p[PATH_MAX];
	struct media_file f;
	struct error e;
	FIXTURE(jpg, "media/exif-samples/jpg/orientation/landscape_1.jpg");
	FILE *in;
	unsigned char head[1 << 17];
	size_t hn;

	PATHF(p, "%s/t.vtt", v->t.dir);
	write_file(p, "WEBVTT\n\n", 8, 'a', LIM_MEDIA_TEXT_BYTES + 1);
	assert_int_equal(refused(v, p, NULL), ERR_TOO_BIG);
	write_file(p, "WEBVTT\n\n", 8, 'a', LIM_MEDIA_TEXT_BYTES);
	if (media_add(v->s, v->a, v->t.dir, p, NULL, "", &f, &e) == -1)
		fail_msg("%s", e.msg);
	assert_string_equal(f.mime, "text/vtt");
	assert_int_equal(f.bytes, LIM_MEDIA_TEXT_BYTES);
	/* a JPEG padded past the image limit: refused before decoding */
	in = fopen(jpg, "rb");
	assert_non_null(in);
	hn = fread(head, 1, sizeof(head), in);
	fclose(in);
	PATHF(p, "%s/big.jpg", v->t.dir);
	write_file(p, head, hn, 0, LIM_MEDIA_IMAGE_BYTES + 1);
	assert_int_equal(refused(v, p, NULL), ERR_TOO_BIG);
}

/* An image of w x h written by libvips as PNG at path. */
static void
png_of(const char *path, int w, int h)
{
	VipsImage *b = NULL, *c = NULL;

	assert_int_equal(vips_black(&b, w, h, "bands", 3, NULL), 0);
	assert_int_equal(vips_linear1(b, &c, 1.0, 128.0, NULL), 0);
	assert_int_equal(vips_pngsave(c, path, "compression", 1, NULL), 0);
	g_object_unref(c);
	g_object_unref(b);
}

static void
widths_never_upscaled(void **state)
{
	struct env *v = *state;
	char p[PATH_MAX], list[16][PATH_MAX];
	struct media_file f, again;
	struct error e;
	int n, seen[6] = {0};
	const char *stem;

	media_init();
	PATHF(p, "%s/wide.png", v->t.dir);
	png_of(p, 2500, 1000);
	if (media_add(v->s, v->a, v->t.dir, p, NULL, "wide", &f, &e) == -1)
		fail_msg("%s", e.msg);
	assert_string_equal(f.mime, "image/png");
	n = copies(v, f.path, list, 16);
	assert_int_equal(n, 2 * (MEDIA_NWIDTHS + 1));
	for (int i = 0; i < n; i++) {
		VipsImage *im = vips_image_new_from_file(list[i], NULL);
		int w;

		assert_non_null(im);
		w = im->Xsize;
		g_object_unref(im);
		for (int k = 0; k < MEDIA_NWIDTHS; k++)
			if (w == media_widths[k])
				seen[k]++;
		if (w == 2500)
			seen[5]++;
	}
	for (int k = 0; k < 6; k++)
		assert_int_equal(seen[k], 2);
	stem = arena_strndup(v->a, f.path, 35);
	assert_string_equal(
		media_srcset(v->a, f.path, f.mime, f.width, 1),
		arena_printf(v->a,
	                     "/media/%s-300.webp 300w, /media/%s-768.webp "
	                     "768w, /media/%s-1024.webp 1024w, "
	                     "/media/%s-1536.webp 1536w, /media/%s-2048.webp "
	                     "2048w, /media/%s.webp 2500w",
	                     stem, stem, stem, stem, stem, stem));
	/* the same bytes again: the same row, nothing new */
	n = count_files(v->media);
	if (media_add(v->s, v->a, v->t.dir, p, "again.png", "", &again, &e) ==
	    -1)
		fail_msg("%s", e.msg);
	assert_int_equal(again.id, f.id);
	assert_true(again.existed);
	assert_int_equal(count_files(v->media), n);
	/* a small one: only the full size, in both formats */
	PATHF(p, "%s/small.png", v->t.dir);
	png_of(p, 200, 100);
	if (media_add(v->s, v->a, v->t.dir, p, NULL, "", &f, &e) == -1)
		fail_msg("%s", e.msg);
	assert_int_equal(copies(v, f.path, list, 16), 2);
	assert_true(media_path_immutable(f.path));
	/* deleted with its copies */
	assert_int_equal(media_delete(v->s, v->a, v->t.dir, f.id, &e), 0);
	assert_int_equal(count_files(v->media), n);
}

/* A disk that fills: writes past RLIMIT_FSIZE fail (EFBIG, SIGXFSZ
 * ignored) as they would with ENOSPC.  The refusal is ERR_IO and leaves
 * nothing behind. */
static void
full_disk_leaves_nothing(void **state)
{
	struct env *v = *state;
	FIXTURE(photo, "media/exif-samples/jpg/gps/DSCN0021.jpg");
	struct rlimit old, small;
	struct stat sb;
	enum err_code code;

	assert_int_equal(stat(photo, &sb), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	small = old;
	small.rlim_cur = (rlim_t)sb.st_size / 2;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	code = refused(v, photo, NULL);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(code, ERR_IO);
}

static void
audio_kept_as_is(void **state)
{
	struct env *v = *state;
	FIXTURE(opus, "media/mutagen/example.opus");
	FIXTURE(m4a, "media/mutagen/has-tags.m4a");
	FIXTURE(mp3, "media/mutagen/xing.mp3");
	struct media_file f;
	struct error e;
	struct stat sb;

	assert_int_equal(media_add(v->s, v->a, v->t.dir, opus, NULL, "", &f,
	                           &e),
	                 0);
	assert_string_equal(f.mime, "audio/ogg");
	assert_true(ends_with(f.path, ".opus"));
	assert_int_equal(stat(opus, &sb), 0);
	assert_int_equal(f.bytes, sb.st_size);
	assert_int_equal(media_add(v->s, v->a, v->t.dir, m4a, NULL, "", &f, &e),
	                 0);
	assert_string_equal(f.mime, "audio/mp4");
	assert_int_equal(f.kind, MEDIA_AUDIO);
	assert_int_equal(media_add(v->s, v->a, v->t.dir, mp3, NULL, "", &f, &e),
	                 0);
	assert_string_equal(f.mime, "audio/mpeg");
	assert_true(ends_with(f.url, ".mp3"));
	assert_true(strncmp(f.url, "/media/", 7) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(gps_stripped_from_every_copy,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(orientations_upright, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(broken_jpegs_do_not_crash,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(cut_jpeg_refused, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(heif_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_files_refused, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(
			pixel_bomb_refused_before_decode, setup, teardown),
		cmocka_unit_test_setup_teardown(size_limits_crossed, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(widths_never_upscaled, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(full_disk_leaves_nothing, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(audio_kept_as_is, setup,
	                                        teardown),
	};

	return fixtures_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
