/*
 * Images, safely: libvips with only four loaders, a pixel limit read from
 * the header before decoding, copies upright and stripped of metadata at
 * media_widths[] (media.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vips/vips.h>
#include <webp/mux.h>

#include "internal.h"
#include "../util/limits.h"
#include "../util/banned.h"

const int media_widths[MEDIA_NWIDTHS] = {300, 768, 1024, 1536, 2048};

/* The width every pixel is decoded at once, to refuse a broken file
 * before any copy is made (image_decodes). */
enum { IMAGE_CHECK_WIDTH = 64 };

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;

/*
 * Untrusted loaders (ImageMagick, PDF, SVG, HEIF…) are blocked, and then
 * every loader except the four we accept: libmagic chose the type, and a
 * polyglot must not reach another decoder by vips's own sniffing.  No
 * operation cache: every upload is new, and a cached image would hold its
 * memory.
 */
/* libvips's warnings about a damaged file go nowhere: the error that
 * follows is the caller's to report, once. */
static void
vips_quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg,
           gpointer data)
{
	(void)domain;
	(void)level;
	(void)msg;
	(void)data;
}

static void
vips_setup(void)
{
	if (VIPS_INIT("gazette") != 0) {
		fprintf(stderr, "gazette: libvips: %s\n", vips_error_buffer());
		abort();
	}
	vips_block_untrusted_set(TRUE);
	vips_operation_block_set("VipsForeignLoad", TRUE);
	vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
	vips_operation_block_set("VipsForeignLoadPng", FALSE);
	vips_operation_block_set("VipsForeignLoadSpng", FALSE);
	vips_operation_block_set("VipsForeignLoadWebp", FALSE);
	vips_operation_block_set("VipsForeignLoadNsgif", FALSE);
	vips_cache_set_max(0);
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, vips_quiet, NULL);
	vips_leak_set(FALSE);
}

void
media_vips_init(void)
{
	pthread_once(&vips_once, vips_setup);
}

void
media_init(void)
{
	media_vips_init();
}

static const struct {
	const char *mime, *loader, *loader2, *ext;
} image_types[] = {
	{"image/jpeg", "VipsForeignLoadJpeg", NULL, "jpg"},
	{"image/png", "VipsForeignLoadPng", "VipsForeignLoadSpng", "png"},
	{"image/webp", "VipsForeignLoadWebp", NULL, "webp"},
	{"image/gif", "VipsForeignLoadNsgif", NULL, "gif"},
};
#define NTYPES (sizeof(image_types) / sizeof(image_types[0]))

static int
image_type(const char *mime)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (strcmp(mime, image_types[i].mime) == 0)
			return (int)i;
	return -1;
}

const char *
image_ext(const char *mime)
{
	int t = image_type(mime);

	return t == -1 ? "bin" : image_types[t].ext;
}

static int
vips_fail(struct error *e, enum err_code code, const char *name,
          const char *what)
{
	char why[160];
	size_t n;

	snprintf(why, sizeof(why), "%s", vips_error_buffer());
	vips_error_clear();
	n = strcspn(why, "\n");
	why[n] = '\0';
	return error_set(e, code, "image '%s': %s%s%s", name, what,
	                 *why ? ": " : "", why);
}

void
image_set_unlink(struct image_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		unlink(set->c[i].tmp);
	set->n = 0;
}

/*
 * A copy of im without metadata.  The savers' "strip" is not enough:
 * libvips 8.14's WebP saver wrote the EXIF (GPS and all) and XMP chunks
 * regardless (test_media found it).  The orientation went with the
 * rotation.
 */
static VipsImage *
image_bare(VipsImage *im)
{
	static const char *const drop[] = {"exif-",       "xmp-",
	                                   "iptc-",       "icc-",
	                                   "png-comment", "gif-comment",
	                                   "orientation", "jpeg-thumbnail"};
	VipsImage *out = NULL;
	gchar **fields;

	if (vips_copy(im, &out, NULL) != 0)
		return NULL;
	fields = vips_image_get_fields(out);
	for (size_t i = 0; fields[i] != NULL; i++)
		for (size_t k = 0; k < sizeof(drop) / sizeof(drop[0]); k++)
			if (strncmp(fields[i], drop[k], strlen(drop[k])) == 0) {
				vips_image_remove(out, fields[i]);
				break;
			}
	g_strfreev(fields);
	return out;
}

/*
 * im as WebP at path, with no EXIF or XMP chunk: libvips 8.14's saver
 * writes an EXIF chunk (orientation, resolution, and whatever exif-* the
 * image still has) even when asked to strip, so the chunks are taken out
 * with libwebpmux, which rewrites the VP8X flags to match.
 */
static int
image_webp(VipsImage *im, const char *path)
{
	void *buf = NULL;
	size_t n = 0;
	WebPData in, out = {NULL, 0};
	WebPMux *mux;
	FILE *f;
	int rc = -1;

	if (vips_webpsave_buffer(im, &buf, &n, "strip", TRUE, "Q", 80, NULL) !=
	    0)
		return -1;
	in.bytes = buf;
	in.size = n;
	mux = WebPMuxCreate(&in, 1);
	if (mux == NULL) {
		vips_error("gazette", "libwebpmux cannot read the WebP");
		goto out;
	}
	(void)WebPMuxDeleteChunk(mux, "EXIF");
	(void)WebPMuxDeleteChunk(mux, "XMP ");
	if (WebPMuxAssemble(mux, &out) != WEBP_MUX_OK) {
		vips_error("gazette", "libwebpmux cannot write the WebP");
		goto out;
	}
	f = fopen(path, "wb");
	if (f == NULL) {
		vips_error("gazette", "%s", strerror(errno));
		goto out;
	}
	if (fwrite(out.bytes, 1, out.size, f) != out.size) {
		vips_error("gazette", "%s", strerror(errno));
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0) {
		vips_error("gazette", "%s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	WebPDataClear(&out);
	if (mux != NULL)
		WebPMuxDelete(mux);
	g_free(buf);
	return rc;
}

/* Save im as one copy: the original format or WebP, no metadata. */
static int
image_save(VipsImage *im, int t, int webp, const char *tmpdir, int width,
           const char *name, struct image_set *set, struct error *e)
{
	struct image_copy *c = &set->c[set->n];
	const char *ext = webp ? "webp" : image_types[t].ext;
	int fd, rc;

	snprintf(c->tmp, sizeof(c->tmp), "%s/img-XXXXXX", tmpdir);
	fd = mkstemp(c->tmp);
	if (fd == -1)
		return error_set(e, ERR_IO, "creating a file in '%s': %s",
		                 tmpdir, strerror(errno));
	close(fd);
	set->n++;
	if (width == 0)
		snprintf(c->suffix, sizeof(c->suffix), ".%s", ext);
	else
		snprintf(c->suffix, sizeof(c->suffix), "-%d.%s", width, ext);
	/* The saver is chosen by name, not by the file's (absent) suffix. */
	if (webp || strcmp(image_types[t].ext, "webp") == 0)
		rc = image_webp(im, c->tmp);
	else if (strcmp(image_types[t].ext, "jpg") == 0)
		rc = vips_jpegsave(im, c->tmp, "strip", TRUE, "Q", 82,
		                   "optimize_coding", TRUE, NULL);
	else if (strcmp(image_types[t].ext, "png") == 0)
		rc = vips_pngsave(im, c->tmp, "strip", TRUE, NULL);
	else
		rc = vips_gifsave(im, c->tmp, "strip", TRUE, NULL);
	if (rc != 0)
		return vips_fail(e, ERR_IO, name, "writing a copy");
	return 0;
}

/*
 * One copy: decoded (shrunk on load where the format can), upright, then
 * saved.  Decoded once per copy: the pipeline streams in sequential mode
 * and can be read once, and keeping the pixels to save them twice would
 * hold a whole image in memory.
 */
static int
image_copy(const char *src, int t, int width, int full, int webp,
           const char *tmpdir, const char *name, struct image_set *set,
           struct error *e)
{
	VipsImage *im = NULL, *bare = NULL;
	int rc = -1;

	if (vips_thumbnail(src, &im, width, "height", VIPS_MAX_COORD, "size",
	                   VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_TRUNCATED,
	                   NULL) != 0) {
		vips_fail(e, ERR_INVALID, name, "cannot be decoded");
		goto out;
	}
	bare = image_bare(im);
	if (bare == NULL) {
		vips_fail(e, ERR_IO, name, "copying");
		goto out;
	}
	rc = image_save(bare, t, webp, tmpdir, full ? 0 : width, name, set, e);
out:
	if (bare != NULL)
		g_object_unref(bare);
	if (im != NULL)
		g_object_unref(im);
	return rc;
}

/*
 * Every pixel decodes, at the smallest size the loader can shrink to (a
 * JPEG at an eighth): the copies stream, so a decoding error met while
 * saving one could not be told from a write error.  A file cut short
 * fails here (libjpeg only warns, and would give a grey lower part);
 * other warnings pass, as browsers show such files.
 */
static int
image_decodes(const char *src, const char *name, struct error *e)
{
	VipsImage *im = NULL;
	double avg;
	int rc = 0;

	if (vips_thumbnail(src, &im, IMAGE_CHECK_WIDTH, "height",
	                   VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN, "fail_on",
	                   VIPS_FAIL_ON_TRUNCATED, NULL) != 0 ||
	    vips_avg(im, &avg, NULL) != 0)
		rc = vips_fail(e, ERR_INVALID, name, "cannot be decoded");
	if (im != NULL)
		g_object_unref(im);
	return rc;
}

/* One width in the original format and, unless that is WebP, as WebP. */
static int
image_width(const char *src, int t, int width, int full, const char *tmpdir,
            const char *name, struct image_set *set, struct error *e)
{
	if (image_copy(src, t, width, full, 0, tmpdir, name, set, e) == -1)
		return -1;
	if (strcmp(image_types[t].ext, "webp") == 0)
		return 0;
	return image_copy(src, t, width, full, 1, tmpdir, name, set, e);
}

int
image_make(const char *src, const char *mime, const char *name,
           const char *tmpdir, struct image_set *set, struct error *e)
{
	const char *loader;
	VipsImage *head;
	int t = image_type(mime), w, h;

	media_vips_init();
	set->n = 0;
	set->width = set->height = 0;
	if (t == -1)
		return error_set(e, ERR_INVALID,
		                 "image '%s': %s is not accepted", name, mime);
	/* The loader vips would pick must be the one libmagic's type names:
	 * anything else is a polyglot. */
	loader = vips_foreign_find_load(src);
	if (loader == NULL ||
	    (strncmp(loader, image_types[t].loader,
	             strlen(image_types[t].loader)) != 0 &&
	     (image_types[t].loader2 == NULL ||
	      strncmp(loader, image_types[t].loader2,
	              strlen(image_types[t].loader2)) != 0))) {
		vips_error_clear();
		return error_set(e, ERR_INVALID,
		                 "image '%s': not a readable %s file", name,
		                 mime);
	}
	/* The header only: no pixel is decoded until the limit is checked. */
	head = vips_image_new_from_file(src, "access", VIPS_ACCESS_SEQUENTIAL,
	                                NULL);
	if (head == NULL)
		return vips_fail(e, ERR_INVALID, name, "cannot be read");
	w = vips_image_get_width(head);
	h = vips_image_get_height(head);
	if (vips_image_get_orientation_swap(head)) {
		int x = w;

		w = h;
		h = x;
	}
	g_object_unref(head);
	if (w <= 0 || h <= 0 || (long long)w * h > LIM_IMAGE_PIXELS)
		return error_set(e, ERR_TOO_BIG,
		                 "image '%s': %d x %d pixels is more than the "
		                 "%lld allowed",
		                 name, w, h, (long long)LIM_IMAGE_PIXELS);
	if (image_decodes(src, name, e) == -1 ||
	    image_width(src, t, w, 1, tmpdir, name, set, e) == -1)
		goto fail;
	for (int i = 0; i < MEDIA_NWIDTHS && media_widths[i] < w; i++)
		if (image_width(src, t, media_widths[i], 0, tmpdir, name, set,
		                e) == -1)
			goto fail;
	set->width = w;
	set->height = h;
	return 0;
fail:
	image_set_unlink(set);
	return -1;
}
