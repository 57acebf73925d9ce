#ifndef GAZETTE_STORE_MEDIA_H
#define GAZETTE_STORE_MEDIA_H
/*
 * The media library's rows (store_media.c, migration 018): one per file
 * under SITE/media.  Writing the files is media/'s job; a row is added
 * only once its files are in place, so a row always names files that
 * exist.
 */
#include "store.h"

struct media_row {
	int64_t id;
	const char *path;   /* under SITE/media ("ab/ab12….jpg") */
	const char *mime;   /* as served */
	int64_t bytes;      /* of the stored file */
	const char *sha256; /* hex, of the uploaded bytes; "" for old rows */
	int width, height;  /* images, upright; 0 otherwise */
	int64_t duration_s; /* audio and video; 0 when unknown */
	const char *title;  /* the uploaded file's name */
	const char *alt;
	int64_t created_at;
};

/* Add r (its id is ignored); *id of the new row.  ERR_CONFLICT when a row
 * has the same path or sha256 already. */
int store_media_put(struct store *s, const struct media_row *r, int64_t *id,
                    struct error *e);
/* The row with this sha256 (hex); ERR_NOT_FOUND when none. */
int store_media_by_sha(struct store *s, struct arena *a, const char *sha256,
                       struct media_row *out, struct error *e);
/* The row with this id, or this path under SITE/media; ERR_NOT_FOUND. */
int store_media_get(struct store *s, struct arena *a, int64_t id,
                    struct media_row *out, struct error *e);
int store_media_by_path(struct store *s, struct arena *a, const char *path,
                        struct media_row *out, struct error *e);
/* Newest first, limit rows from offset; q (may be NULL or "") keeps those
 * whose title or alt text contain it.  Where each is used is not asked
 * here: that reads every post (store_media_uses, one file at a time). */
int store_media_list(struct store *s, struct arena *a, const char *q, int limit,
                     int offset, struct media_row **out, size_t *n,
                     struct error *e);
int store_media_set_alt(struct store *s, int64_t id, const char *alt,
                        struct error *e);
/* Posts (any status) whose body, featured image, book files or episode
 * audio use the file: their ids and titles, at most max. */
int store_media_uses(struct store *s, struct arena *a, int64_t id, int max,
                     int64_t **ids, const char ***titles, size_t *n,
                     struct error *e);
/* Delete the row; ERR_CONFLICT when a post uses it (store_media_uses). */
int store_media_delete(struct store *s, int64_t id, struct error *e);
/* Row r->id made to name the file r describes (path, mime, bytes,
 * sha256, width, height); for the importer's rows (media_import_file). */
int store_media_fill(struct store *s, const struct media_row *r,
                     struct error *e);

/* The importer's rows whose file is not here yet: their path is a URL. */
struct media_remote {
	int64_t id;
	const char *url;
};
int store_media_remote(struct store *s, struct arena *a,
                       struct media_remote **out, size_t *n, struct error *e);
/* Posts whose source or HTML (a protected post's included) contains
 * needle. */
struct media_body {
	int64_t id;
	const char *format, *src, *html;
	const char *protected_html; /* behind a post's password; "" */
};
int store_media_bodies(struct store *s, struct arena *a, const char *needle,
                       struct media_body **out, size_t *n, struct error *e);
/* A post's source and HTML replaced as they are (links rewritten). */
int store_media_body_set(struct store *s, const struct media_body *b,
                         struct error *e);
/* Imported posts without a featured image get the one WordPress named
 * (post meta _thumbnail_id: an attachment's id); *n of them. */
int store_media_featured_from_meta(struct store *s, int64_t *n,
                                   struct error *e);

/* A post's featured image (0: none). */
int store_post_featured_set(struct store *s, int64_t post_id, int64_t media_id,
                            struct error *e);

#endif
