#ifndef GAZETTE_SANITIZE_H
#define GAZETTE_SANITIZE_H
/*
 * The HTML sanitizer for markup that comes from outside (WordPress
 * imports, and later anything else): gumbo parses the input as an HTML5
 * fragment, exactly as a browser would, and only allow-listed elements
 * and attributes are written back out, every element closed, every
 * attribute quoted and escaped.  The allow-list is in sanitize.c, with
 * the reasons.
 *
 * The output is safe to print raw inside a <div>: no script, no event
 * handler, no style, no URL but http, https, mailto and relative ones,
 * no iframe but the players of render/video.h.
 */
#include <stddef.h>

#include "../util/buf.h"

enum sanitize_flags {
	/* Links get rel="nofollow ugc" (comments and other reader text). */
	SANITIZE_UGC = 1 << 0,
	/* Always through the parser, even text with no markup but <p> and
	 * <br> (which has a short way): for the tests that compare both. */
	SANITIZE_FULL_PARSE = 1 << 1,
	/* Other sites' feed entries (feed/parse.c): links get
	 * rel="noopener nofollow ugc" and referrerpolicy="no-referrer",
	 * images referrerpolicy="no-referrer", and tracking pixels (an
	 * image 0 or 1 pixel wide or high) are dropped. */
	SANITIZE_FEED = 1 << 2,
};

/* Append the clean form of src[0..n) to out.  0; -1 past out's cap. */
int sanitize_html(struct buf *out, const char *src, size_t n, unsigned flags)
	__attribute__((warn_unused_result));

/*
 * 1 when url (as the attribute's decoded value) is http, https, mailto or
 * relative once the characters browsers ignore (controls, white space)
 * are taken out; 0 for every other scheme, however spelt.
 */
int sanitize_url_ok(const char *url);

#endif
