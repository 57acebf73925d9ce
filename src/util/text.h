#ifndef GAZETTE_TEXT_H
#define GAZETTE_TEXT_H
/* Small text helpers shared by every layer: slugs, URL coding, UTF-8. */
#include <stddef.h>

#include "arena.h"
#include "buf.h"

/*
 * A slug from a title: ASCII letters and digits lower-cased, other ASCII
 * runs become one '-', UTF-8 letters kept as they are (WordPress keeps them
 * and percent-encodes them in URLs), at most LIM_SLUG_BYTES bytes, cut on a
 * character boundary.  "" when nothing is left.
 */
char *slug_from_title(struct arena *a, const char *title);
/* 1 if s is a valid stored slug: non-empty, <= LIM_SLUG_BYTES, valid UTF-8,
 * no '/', no ASCII control, space or URL-reserved character. */
int slug_valid(const char *s);

/* s without leading and trailing white space (space, tab, CR, LF), in a;
 * "" for NULL. */
const char *text_trim(struct arena *a, const char *s);
/* 1 if s holds a control byte or DEL; with multiline, line breaks and
 * tabs are allowed. */
int text_has_control(const char *s, int multiline);

/* 1 if s is an absolute http:// or https:// URL with something after the
 * scheme. */
int url_is_http(const char *s);

/*
 * 1 if s may be sent back as a redirect's Location when it came from a
 * request (a login's "next"): a path on this site.  It starts with one
 * '/' (no scheme, no authority: not "//" or "/\\"), is at most
 * LIM_URL_BYTES, is UTF-8, and holds no control byte, space, DEL or '\\',
 * raw or percent-encoded (browsers drop TAB, CR and LF from URLs and read
 * '\\' as '/', so "/\t/evil.example" is "//evil.example" to them); every
 * '%' begins a valid escape.  Every place that redirects to a target from
 * input asks here.
 */
int url_local_path(const char *s);

/*
 * Tags typed as "a, b ,c": split at commas into trimmed, non-empty items (in a,
 * *n of them).  NULL when fine, else what is wrong, for a person ("At most 64
 * tags."): more than max_items items, or one over max_bytes.
 */
const char *tags_split(struct arena *a, const char *s, size_t max_items,
                       size_t max_bytes, const char ***out, size_t *n);

/* Percent-encode every byte outside RFC 3986 unreserved (for a path
 * segment). */
int url_encode(struct buf *b, const char *s, size_t n)
	__attribute__((warn_unused_result));
/* The same into out, which has room for 3 * n bytes; returns the bytes
 * written (no terminating NUL). */
size_t url_encode_to(char *out, const char *s, size_t n);
/* Decode %XX (and '+' as space when plus is set) into an arena string.
 * NULL for a bad escape or a decoded NUL. */
char *url_decode(struct arena *a, const char *s, size_t n, int plus);

/* 1 if s[0..n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int utf8_valid(const char *s, size_t n);
/* Length of the longest valid UTF-8 prefix of s[0..n). */
size_t utf8_valid_len(const char *s, size_t n);
/* Length of the longest prefix of s[0..n) that ends on a character
 * boundary and is at most max bytes. */
size_t utf8_cut(const char *s, size_t n, size_t max);

#endif
