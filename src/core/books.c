/* A book's files (see books.h). */
#include <string.h>

#include <magic.h>

#include "books.h"
#include "episodes.h"
#include "videos.h"
#include "../store/posts.h"
#include "../util/banned.h"

/* 0 when libmagic names path's bytes type; ERR_INVALID naming it. */
static int
type_check(const char *path, const char *type, const char *what,
           struct error *e)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
	const char *t;
	int rc = -1;

	if (m == NULL || magic_load(m, NULL) == -1) {
		rc = error_set(e, ERR_IO, "libmagic: cannot load its database");
		goto out;
	}
	t = magic_file(m, path);
	if (t != NULL && strcmp(t, type) == 0)
		rc = 0;
	else
		error_set(e, ERR_INVALID, "'%s' is not %s (it reads as %s)",
		          path, what, t ? t : "unknown");
out:
	if (m != NULL)
		magic_close(m);
	return rc;
}

int
books_attach(struct store *st, struct arena *a, const char *site_dir,
             int64_t post_id, const struct book_files *f, struct error *e)
{
	struct post p;
	int64_t cover = 0, epub = 0, pdf = 0;

	if (store_post_get(st, a, post_id, &p, e) == -1)
		return -1;
	if (p.type != POST_BOOK)
		return error_set(e, ERR_INVALID, "post %lld is not a book",
		                 (long long)post_id);
	if ((f->cover != NULL && videos_image_check(f->cover, e) == -1) ||
	    (f->epub != NULL &&
	     type_check(f->epub, "application/epub+zip", "an EPUB", e) == -1) ||
	    (f->pdf != NULL &&
	     type_check(f->pdf, "application/pdf", "a PDF", e) == -1))
		return -1;
	if ((f->cover != NULL &&
	     media_library_url(st, a, site_dir, f->cover, &cover, e) == NULL) ||
	    (f->epub != NULL &&
	     media_library_url(st, a, site_dir, f->epub, &epub, e) == NULL) ||
	    (f->pdf != NULL &&
	     media_library_url(st, a, site_dir, f->pdf, &pdf, e) == NULL))
		return -1;
	return store_book_files(st, post_id, epub, pdf, cover, e);
}
