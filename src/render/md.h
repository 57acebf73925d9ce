#ifndef GAZETTE_MD_H
#define GAZETTE_MD_H
/*
 * Markdown to HTML with cmark-gfm (tables, strikethrough, autolinks,
 * tagfilter), run when a post or comment is saved, never per request.
 * Always the library's safe mode: raw HTML is omitted and javascript:,
 * vbscript: and file: links are emptied; on top of that every data: URL is
 * dropped, which cmark keeps for images.
 */
#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"

enum md_flags {
	MD_UGC = 1 << 0, /* reader content: rel="nofollow ugc" on links */
};

/* Append the HTML for src[0..n) to out; ERR_TOO_BIG past out's cap, with
 * out left as it was. */
int md_render(const char *src, size_t n, enum md_flags flags, struct buf *out,
              struct error *e);

#endif
