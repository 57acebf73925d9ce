#ifndef GAZETTE_FEED_INTERNAL_H
#define GAZETTE_FEED_INTERNAL_H
/* What the parsers of feed/ share (entry.c, dedup.c). */
#include <stddef.h>
#include <stdint.h>

#include "feed.h"

/* s with &, <, > and " escaped, in a. */
char *feed_html_escape(struct arena *a, const char *s);
/* The plain text of sanitized HTML (util/html_text.h), in a. */
const char *feed_html_to_text(struct arena *a, const char *html);
/* s cut to at most max bytes at a UTF-8 boundary (a copy when cut). */
const char *feed_text_cut(struct arena *a, const char *s, size_t max);
/* A non-negative decimal count, else 0. */
int64_t feed_length(const char *s);
/*
 * Fill en's content_html, summary_html and text from the raw HTML of its
 * content and summary (either NULL), through the sanitizer with
 * SANITIZE_FEED; cut at LIM_FEED_HTML_BYTES and LIM_FEED_TEXT_BYTES.
 */
void feed_entry_finish(struct arena *a, struct feed_entry *en,
                       const char *content, const char *summary,
                       const char *base);
/* Every entry's key and cross_key; a GUID repeated for a different item
 * in one feed keys that item by GUID and link and title (dedup.c). */
void feed_doc_keys(struct feed_doc *doc);
/*
 * The encoding to read *body with, or NULL for libxml2's own detection
 * (BOM, declaration): the charset of content_type, except that UTF-8
 * labelled as a Latin charset stays UTF-8 and other bytes under a Latin
 * label are windows-1252 (as WHATWG reads them); a body with no
 * declaration that is not UTF-8 is windows-1252.  A declaration naming
 * an encoding iconv lacks is blanked out, and UTF-8 with invalid bytes
 * has them replaced by U+FFFD (libxml2 stops at the first), in a copy in
 * a that replaces *body and *n.
 */
const char *feed_encoding(struct arena *a, const char **body, size_t *n,
                          const char *content_type);
/* s itself when it is UTF-8 without C1 controls, else a copy in a with
 * each bad byte as U+FFFD (libxml2 has been seen to pass a byte through
 * when iconv takes a mangled encoding name: glibc drops what it does not
 * know) and each C1 control as the windows-1252 character it was. */
char *feed_utf8(struct arena *a, char *s);
/*
 * body with HTML's named entity references that the document does not
 * declare rewritten for XML (entities.c); body itself when none; the
 * length in *out_n.
 */
const char *feed_xml_entities(struct arena *a, const char *body, size_t n,
                              size_t *out_n);
/* html through the sanitizer (SANITIZE_FEED), relative URLs in href and
 * src resolved against base (or NULL), cut at LIM_FEED_HTML_BYTES; "" for
 * NULL. */
const char *feed_html_clean(struct arena *a, const char *html,
                            const char *base);
#endif
