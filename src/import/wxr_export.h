#ifndef GAZETTE_WXR_EXPORT_H
#define GAZETTE_WXR_EXPORT_H
/*
 * WordPress export: the whole site as one WXR 1.2 file, the format of
 * WordPress's Tools > Export, which its importer (and ours) reads back.
 * Written as the store is read, one item at a time, so memory stays the
 * same whatever the site's size.
 *
 * What WordPress has no field for travels as "_gazette_*" meta, which
 * WordPress keeps as inert post meta and gazette's importer turns back
 * into what it was (wxr_restore): the Markdown source of posts and
 * comments ("_gazette_markdown"; content:encoded carries the rendered
 * HTML WordPress needs), section kinds, source URLs, books and episodes.
 */
#include <stdio.h>

#include "../store/store.h"
#include "../util/error.h"

struct wxr_export_options {
	const char *site_url; /* the site's public URL, no trailing slash */
	const char *title, *tagline;
	int64_t now; /* the export's date (pubDate) */
};

/* Counts of what was written, for the caller's summary. */
struct wxr_export_report {
	int64_t users, terms, items, comments;
};

/* Write the site to f.  0, or -1 with e (ERR_IO: database or a failed
 * write; the output is then incomplete). */
int wxr_export(struct store *s, FILE *f, const struct wxr_export_options *o,
               struct wxr_export_report *r, struct error *e);

/*
 * Inside the import's transaction, after the file is read: posts and
 * comments that carry "_gazette_markdown" get their Markdown source back
 * (rendered again, in safe mode), and the other "_gazette_*" meta become
 * rows again.  Nothing to do for files WordPress wrote.
 */
int wxr_restore(struct store *s, struct error *e);

#endif
