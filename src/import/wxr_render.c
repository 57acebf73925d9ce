/*
 * WXR import: WordPress content rendered as WordPress shows it (wp.c),
 * sanitized, with [gallery] looking its attachments up in the database;
 * and the posts with a gallery rendered again once every attachment is
 * in.  wxr_wp_options() also serves the admin, which renders an HTML
 * post's source the same way.
 */
#include <string.h>

#include "wxr_internal.h"
#include "wp.h"
#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/banned.h"

/* ---- rendering ---------------------------------------------------------- */

static int
media_one(void *ctx, struct arena *a, int64_t id, struct wp_media *out)
{
	const char *url, *title;
	size_t n;
	struct error e;

	if (store_import_media_list(ctx, a, id, 0, &url, &title, 1, &n, &e) ==
	            -1 ||
	    n == 0)
		return 0;
	out->url = url;
	out->title = title;
	return 1;
}

static size_t
media_children(void *ctx, struct arena *a, int64_t post_id,
               struct wp_media *out, size_t max)
{
	const char **urls = arena_alloc(a, max * sizeof(*urls));
	const char **titles = arena_alloc(a, max * sizeof(*titles));
	size_t n;
	struct error e;

	if (store_import_media_list(ctx, a, 0, post_id, urls, titles, max, &n,
	                            &e) == -1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		out[i].url = urls[i];
		out[i].title = titles[i];
	}
	return n;
}

void
wxr_wp_options(struct wp_options *o, struct store *s, int64_t legacy_id,
               unsigned flags)
{
	memset(o, 0, sizeof(*o));
	o->flags = flags;
	o->post_id = legacy_id;
	if (s != NULL) {
		o->media = media_one;
		o->children = media_children;
		o->ctx = s;
	}
}

/* WordPress content as WordPress shows it, sanitized; NULL past the cap. */
const char *
wxr_render(struct wxr *w, const char *src, int64_t legacy_id, unsigned flags)
{
	struct wp_options o;
	struct buf html;
	const char *out = NULL;

	/* the reading thread has no database (w->s NULL): no [gallery] */
	wxr_wp_options(&o, w->s, legacy_id, flags);
	buf_init(&html, (size_t)LIM_WXR_FIELD_BYTES * 2);
	if (wp_render(&html, w->a, src, strlen(src), &o) == 0)
		out = arena_strndup(w->a, buf_str(&html), html.len);
	buf_release(&html);
	return out;
}

/* After the last item: the galleries, now that attachments are in. */
int
wxr_render_again(struct wxr *w, struct error *e)
{
	for (size_t i = 0; i < w->nagain; i++) {
		int64_t legacy_id;
		const char *src, *pw, *html;

		arena_reset(w->a);
		if (store_import_post_source(w->s, w->a, w->again[i],
		                             &legacy_id, &src, &pw, e) == -1)
			return -1;
		html = wxr_render(w, src, legacy_id, 0);
		if (html != NULL &&
		    store_import_post_html(w->s, w->again[i], html, *pw != '\0',
		                           e) == -1)
			return -1;
	}
	return 0;
}
