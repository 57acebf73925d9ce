#ifndef GAZETTE_WP_H
#define GAZETTE_WP_H
/*
 * WordPress content to HTML, as WordPress's the_content shows it: block
 * comments stripped (their content kept), the shortcodes a migrated site
 * meets most ([caption], [gallery], [embed], [youtube], [audio], [video])
 * expanded, video URLs alone on a line turned into the Watch embed,
 * paragraphs made by wpautop (skipped for block-editor posts, as
 * WordPress skips it), and the whole passed through render/sanitize.h.
 * Unknown shortcodes stay as the text they were.
 *
 * It lives in import/ because it is the importer's reading of WordPress's
 * conventions; rendering for the site is render/'s, and this calls it.
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/buf.h"

/* One attachment for [gallery] and [caption]. */
struct wp_media {
	const char *url, *title;
};

struct wp_options {
	/* WP_COMMENT: a reader's comment: wpautop, no shortcodes, links
	 * rel="nofollow ugc". */
	unsigned flags;
	/*
	 * [gallery] lookups; either may be NULL (a gallery then renders
	 * nothing).  media: the attachment with this WordPress id, 1 when
	 * found.  children: up to max attachments of the post with this
	 * WordPress id, in menu order; returns how many.
	 */
	int (*media)(void *ctx, struct arena *a, int64_t id,
	             struct wp_media *out);
	size_t (*children)(void *ctx, struct arena *a, int64_t post_id,
	                   struct wp_media *out, size_t max);
	void *ctx;
	int64_t post_id; /* the WordPress id of the post, for [gallery] */
};

enum wp_flags {
	WP_COMMENT = 1 << 0,
};

/* The finished, sanitized HTML of src[0..n) appended to out.  0; -1 past
 * out's cap.  a holds scratch only. */
int wp_render(struct buf *out, struct arena *a, const char *src, size_t n,
              const struct wp_options *o) __attribute__((warn_unused_result));

/* WordPress's wpautop() alone (its $br = true), on src[0..n). */
int wp_autop(struct buf *out, const char *src, size_t n)
	__attribute__((warn_unused_result));

/* 1 when src has block-editor markup (WordPress's has_blocks()). */
int wp_has_blocks(const char *src);

#endif
