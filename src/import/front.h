#ifndef GAZETTE_FRONT_H
#define GAZETTE_FRONT_H
/*
 * Front matter: a block between two "---" lines of "key: value" lines at
 * the top of a Markdown file (DESIGN.md section 3).  Keys: title, slug,
 * section, tags, source, date, status, type; for an episode audio,
 * transcript and chapters, for a post video and poster, for any item
 * image, its featured image, for a book order, cover, epub and pdf (files
 * relative to the Markdown file, added to the media library; video may be a
 * URL).  Blank lines and lines starting with '#' are skipped; a value may be
 * wrapped in matching single or double quotes.  Errors carry the 1-based line
 * they were found on.
 */
#include <stddef.h>

#include "../util/arena.h"
#include "../util/error.h"

enum front_key {
	FRONT_TITLE,
	FRONT_SLUG,
	FRONT_SECTION,
	FRONT_TAGS,
	FRONT_SOURCE,
	FRONT_DATE,
	FRONT_STATUS,
	FRONT_TYPE,
	FRONT_AUDIO,      /* an episode's audio file */
	FRONT_TRANSCRIPT, /* its WebVTT or SRT transcript */
	FRONT_CHAPTERS,   /* its JSON chapters */
	FRONT_VIDEO,      /* a Watch post's video: a URL or a file */
	FRONT_POSTER,     /* its thumbnail, a file */
	FRONT_IMAGE,      /* the featured image, a file */
	FRONT_ORDER,      /* a book's order link */
	FRONT_COVER,      /* its cover, a file */
	FRONT_EPUB,       /* its free EPUB, a file */
	FRONT_PDF,        /* its free PDF, a file */
	FRONT__MAX
};

extern const char *const front_key_names[FRONT__MAX];

struct front {
	const char *value[FRONT__MAX]; /* NULL when absent */
	int line[FRONT__MAX];          /* where each key was given */
	const char *body;              /* the Markdown after the block */
	size_t body_len;
	int end_line; /* the closing "---" line */
};

/* Parse src[0..n).  -1 with ERR_INVALID and *line set on bad input. */
int front_parse(struct arena *a, const char *src, size_t n, struct front *out,
                int *line, struct error *e);

#endif
