#ifndef GAZETTE_MEDIA_INTERNAL_H
#define GAZETTE_MEDIA_INTERNAL_H
/* What media.c and image.c share. */
#include <limits.h>

#include "media.h"

/* The copies image_make() wrote: each a temporary file and the suffix its
 * final name takes after the hash ("-300.webp", ".jpg"). */
struct image_copy {
	char tmp[PATH_MAX];
	char suffix[24];
};
struct image_set {
	int width, height; /* upright */
	size_t n;
	struct image_copy c[2 * (MEDIA_NWIDTHS + 1)];
};

/*
 * Check the image at src (its sniffed type mime, one of image/jpeg,
 * image/png, image/webp, image/gif) and write its copies into tmpdir
 * (media.h says which).  name is for messages.  On failure nothing is
 * left in tmpdir.
 */
int image_make(const char *src, const char *mime, const char *name,
               const char *tmpdir, struct image_set *set, struct error *e);
/* Remove the copies' temporary files. */
void image_set_unlink(struct image_set *set);
/* The file extension the copies in the original format take. */
const char *image_ext(const char *mime);

void media_vips_init(void);

#endif
