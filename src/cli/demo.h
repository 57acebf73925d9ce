#ifndef GAZETTE_DEMO_H
#define GAZETTE_DEMO_H
/* The demo's generated book files (demo_books.c).  Titles and text are
 * the demo's own: ASCII with no markup or PDF string delimiters. */
#include "../util/arena.h"
#include "../util/buf.h"

int demo_epub(struct buf *b, struct arena *a, const char *title,
              const char *text);
int demo_pdf(struct buf *b, struct arena *a, const char *title,
             const char *text);

#endif
