#ifndef GAZETTE_HTML_TEXT_H
#define GAZETTE_HTML_TEXT_H
#include <stddef.h>

#include "arena.h"

/*
 * The text search indexes for a post body: tags dropped (block tags as
 * spaces, inline ones as nothing), character references decoded, control
 * characters and runs of white space as one space.  In a.
 */
const char *html_to_text(struct arena *a, const char *html, size_t n);

#endif
