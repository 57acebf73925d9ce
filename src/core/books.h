#ifndef GAZETTE_CORE_BOOKS_H
#define GAZETTE_CORE_BOOKS_H
/*
 * A book's files (issue 16 part 6): its cover (JPEG, PNG, WebP or GIF),
 * free EPUB and PDF, each checked by libmagic from its bytes and added to
 * the media library (media_add), the same path every upload takes; and
 * its order link.  `post add`'s front matter (order:, cover:, epub:,
 * pdf:) asks here.
 */
#include <stdint.h>

#include "../store/store.h"
#include "../util/arena.h"
#include "../util/error.h"

struct book_files {
	const char *cover, *epub, *pdf; /* paths; NULL: keep */
};

/*
 * Check every file given, then add each to the library and point the
 * book at them (a file not given: the one it has stays).  The book's row must
 * exist (store_book_set).  ERR_INVALID naming a file that is not of its kind,
 * or a post that is not a book.
 */
int books_attach(struct store *st, struct arena *a, const char *site_dir,
                 int64_t post_id, const struct book_files *f, struct error *e);

#endif
