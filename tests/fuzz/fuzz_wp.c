/*
 * Imported WordPress content: post bodies and comments from any export
 * file, rendered as WordPress would (block comments, shortcodes, bare
 * video URLs, wpautop) and then sanitized.  The first byte chooses a
 * comment or a post, and whether [gallery] finds attachments; the rest is
 * the content.  Besides memory errors, the driver traps when the result
 * is not what the sanitizer would leave alone (sanitizing it again
 * changes it) or holds "<script".  wpautop runs alone on the same text
 * too, since the importer's tests call it so.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "import/wp.h"
#include "render/sanitize.h"
#include "util/banned.h"

#define OUT_MAX (1 << 24)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
media(void *ctx, struct arena *a, int64_t id, struct wp_media *out)
{
	(void)ctx;
	if (id < 1 || id > 3)
		return 0;
	out->url =
		arena_printf(a, "https://img.example/%lld.jpg", (long long)id);
	out->title = "a \"title\" <with> & markup";
	return 1;
}

static size_t
children(void *ctx, struct arena *a, int64_t post_id, struct wp_media *out,
         size_t max)
{
	size_t n = 0;

	for (int64_t id = 1; id <= 3 && n < max && post_id == 7; id++)
		n += (size_t)media(ctx, a, id, &out[n]);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct wp_options o = {0};
	struct buf out, again;
	const char *src;
	size_t n;

	if (size < 1)
		return 0;
	a = arena_new();
	o.flags = data[0] & 1 ? WP_COMMENT : 0;
	if (data[0] & 2) {
		o.media = media;
		o.children = children;
		o.post_id = 7;
	}
	/* WXR text: NUL-terminated, no NUL inside */
	src = arena_strndup(a, (const char *)data + 1, size - 1);
	n = strlen(src);
	buf_init(&out, OUT_MAX);
	buf_init(&again, OUT_MAX);
	if (wp_render(&out, a, src, n, &o) == 0) {
		if (sanitize_html(&again, buf_str(&out), out.len,
		                  o.flags & WP_COMMENT ? SANITIZE_UGC : 0) ==
		            0 &&
		    strcmp(buf_str(&out), buf_str(&again)) != 0)
			__builtin_trap(); /* not a fixed point of the sanitizer
			                   */
		if (strstr(buf_str(&out), "<script") != NULL)
			__builtin_trap();
	}
	buf_reset(&out);
	(void)wp_autop(&out, src, n);
	buf_release(&out);
	buf_release(&again);
	arena_free(a);
	return 0;
}
