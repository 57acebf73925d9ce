#ifndef GAZETTE_MEDIA_H
#define GAZETTE_MEDIA_H
/*
 * The media library: adding a file (media.c) and, for images, its
 * stripped, upright copies at a few widths (image.c, libvips).  The CLI
 * (`gazette media add`), the admin's upload, the JSON API, `post add`'s
 * front matter and the WordPress importer all add files through
 * media_add(), so the rules are written once:
 *
 * - the type is sniffed from the content by libmagic, never taken from the
 *   name or the client; only the kinds of media_types[] are accepted, each
 *   with its own size limit (LIM_MEDIA_*_BYTES in util/limits.h);
 * - the file is stored content-addressed, SITE/media/HH/HEX.EXT, HEX the
 *   first 32 hex digits of the SHA-256 of the uploaded bytes (HH its first
 *   two), so the same file added twice is one row and one file, and a
 *   stored file never changes (it is served as immutable);
 * - an image is decoded by libvips with only the JPEG, PNG, WebP and GIF
 *   loaders allowed (others blocked, untrusted ones too); its header's
 *   width x height must be within LIM_IMAGE_PIXELS before any pixel is
 *   decoded; every stored copy, the full-size one included, is rotated
 *   upright and has all metadata (EXIF with GPS, XMP, IPTC) stripped:
 *   HEX.EXT at full size, HEX-W.EXT for each W of media_widths[] below the
 *   image's width (never upscaled), and a WebP of each (HEX.webp,
 *   HEX-W.webp);
 * - everything is written under SITE/media/.tmp first and renamed into
 *   place once whole, and the row is added last: a failure at any step
 *   leaves no file and no row behind.
 *
 * Usage (error handling as everywhere: -1 and e filled):
 *
 *	struct media_file f;
 *	if (media_add(store, arena, site_dir, "/tmp/x.mp3", NULL, "", &f,
 *	              &e) == -1)
 *		...;
 *	printf("%lld\t%s%s\n", f.id, base_url, f.url);
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/error.h"

struct store;

enum media_kind {
	MEDIA_IMAGE, /* JPEG, PNG, WebP, GIF: variants made */
	MEDIA_AUDIO, /* MP3, M4A/AAC, Ogg (Opus, Vorbis), FLAC, WAV */
	MEDIA_VIDEO, /* MP4, WebM */
	MEDIA_DOC,   /* PDF, EPUB */
	MEDIA_TEXT,  /* WebVTT, SRT transcripts; JSON chapters */
	MEDIA_KIND__MAX
};
extern const char *const media_kind_names[MEDIA_KIND__MAX];

/* What media_add() stored (strings in the caller's arena). */
struct media_file {
	int64_t id;       /* the media row */
	const char *path; /* under SITE/media: "3f/3f2a….mp3" */
	const char *url;  /* site-relative: "/media/3f/3f2a….mp3" */
	const char *mime; /* the type it is served as */
	enum media_kind kind;
	int64_t bytes;     /* of the stored file (for an <enclosure length>) */
	int width, height; /* images, upright; 0 otherwise */
	int existed;       /* the same bytes were in the library already */
};

/*
 * Add the file at src to the library of the site in site_dir.  name is
 * the file's own name as the uploader gave it (kept as the title; used
 * only to tell apart formats that share a container, such as .m4a in
 * MP4); NULL means src's last component.  alt: the alt text ("" none).
 * ERR_INVALID for an empty file, a refused type or a bad name or image
 * (the message names the file and why), ERR_TOO_BIG past the kind's
 * limit, ERR_IO when the disk fails.  src itself is left alone.
 */
int media_add(struct store *s, struct arena *a, const char *site_dir,
              const char *src, const char *name, const char *alt,
              struct media_file *out, struct error *e);

/*
 * media_add() for a row the WordPress importer made (an attachment whose
 * path is still its old URL): the file at src is stored by the same rules
 * and row id updated to name it.  When the same bytes are in the library
 * already, *out is that row (existed set) and row id is left as it is.
 */
int media_import_file(struct store *s, struct arena *a, const char *site_dir,
                      const char *src, int64_t id, struct media_file *out,
                      struct error *e);

/* The widths of an image's variants, as WordPress makes them. */
#define MEDIA_NWIDTHS 5
extern const int media_widths[MEDIA_NWIDTHS];

/*
 * An image's srcset for a stored image at path (under SITE/media) of
 * width w: "/media/…-300.jpg 300w, …, /media/….jpg Ww"; webp selects the
 * WebP copies.  "" for a file that has no variants (not an image).
 */
const char *media_srcset(struct arena *a, const char *path, const char *mime,
                         int w, int webp);
/* The stored copy of path at width (0: full size) in the original format
 * or, with webp, WebP: a path under SITE/media. */
const char *media_variant(struct arena *a, const char *path, int width,
                          int webp);
/* Whether path (under SITE/media) is a content-addressed name media_add()
 * makes, whose bytes never change. */
int media_path_immutable(const char *path);

/*
 * An image of the library as the HTML shows it (html.c): the full-size
 * copy, its size (so the page does not shift while it loads), the srcset
 * of its copies in its own format and in WebP ("" when it is WebP), and
 * sizes.  Strings in a.
 */
struct media_picture {
	const char *src, *srcset, *webp_srcset, *sizes, *alt;
	int width, height;
};
struct media_row;
void media_picture_of(struct arena *a, const struct media_row *r,
                      struct media_picture *out);
/*
 * html with each <img src="/media/…"> of an image in the library made a
 * <picture>: a WebP <source> with its srcset, and the <img> given width,
 * height, srcset, sizes, loading="lazy" and decoding="async".  An <img>
 * that already has a srcset or a width, or names no image of the library,
 * is left as it is.  html itself when nothing changed.
 */
const char *media_html_images(struct store *s, struct arena *a,
                              const char *html, struct error *e);

/* Delete the row and every file of it (ERR_CONFLICT while a post uses
 * it). */
int media_delete(struct store *s, struct arena *a, const char *site_dir,
                 int64_t id, struct error *e);

/* Set up libvips once (also done by media_add); for programs that use
 * image_* directly, such as the fuzz driver and the bench. */
void media_init(void);

#endif
