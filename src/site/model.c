/*
 * The pieces of the view model every page shares: dates as readers see
 * them, an item's path, a post or a book as a template map.  Depends on
 * nothing else in site/: the sidebar, the snapshot, the feeds and the
 * pages all build on it.
 */
#include <string.h>

#include "internal.h"
#include "../util/clock.h"
#include "../util/text.h"
#include "../util/banned.h"

const char *
date_human(struct arena *a, int64_t t)
{
	char out[TIME_TEXT_BYTES];

	time_human(t, out);
	return arena_strdup(a, out);
}

const char *
date_iso(struct arena *a, int64_t t)
{
	char out[TIME_TEXT_BYTES];

	time_iso(t, out);
	return arena_strdup(a, out);
}

const char *
site_permalink(struct arena *a, const struct post *p)
{
	return post_path(a, p);
}

struct tval *
post_model(struct site *s, struct arena *a, const struct post *p)
{
	struct tval *m = tval_map(a);
	const char *path = site_permalink(a, p);

	tval_set_int(a, m, "id", p->id);
	tval_set_str(a, m, "title", p->title);
	tval_set_str(a, m, "url", path);
	tval_set_str(a, m, "abs_url", arena_printf(a, "%s%s", s->url, path));
	tval_set_str(a, m, "date", date_human(a, p->published_at));
	tval_set_str(a, m, "date_iso", date_iso(a, p->published_at));
	tval_set_str(a, m, "updated", date_human(a, p->updated_at));
	tval_set_str(a, m, "updated_iso", date_iso(a, p->updated_at));
	tval_set_str(a, m, "excerpt", p->excerpt);
	tval_set_int(a, m, "views", p->views_total);
	tval_set_int(a, m, "comments", p->comment_count);
	tval_set_bool(a, m, "one_comment", p->comment_count == 1);
	tval_set_str(a, m, "source_url", p->source_url);
	tval_set_str(a, m, "author", p->author_name);
	if (p->section_id) {
		struct tval *sec = tval_set(a, m, "section", tval_map(a));

		tval_set_str(a, sec, "name", p->section_name);
		tval_set_str(a, sec, "url",
		             arena_printf(a, "/category/%s/", p->section_slug));
	}
	return m;
}

struct tval *
book_model(struct site *s, struct arena *a, const struct book *b)
{
	struct tval *m = post_model(s, a, &b->post);

	if (*b->order_url != '\0')
		tval_set_str(a, m, "order_url", b->order_url);
	/* Through /books/SLUG/epub/, which counts the download (pages.c). */
	if (*b->epub_path != '\0')
		tval_set_str(a, m, "epub_url",
		             arena_printf(a, "%sepub/",
		                          site_permalink(a, &b->post)));
	if (*b->pdf_path != '\0')
		tval_set_str(a, m, "pdf_url",
		             arena_printf(a, "%spdf/",
		                          site_permalink(a, &b->post)));
	if (*b->cover_path != '\0')
		tval_set_str(a, m, "cover_url",
		             arena_printf(a, "/media/%s", b->cover_path));
	return m;
}

/* "/" PREFIX "/" percent-encoded slug "/" */
const char *
site_scope_path(struct arena *a, const char *prefix, const char *slug)
{
	struct buf b;
	const char *out = NULL;

	buf_init(&b, LIM_URL_BYTES);
	if (buf_printf(&b, "/%s/", prefix) == 0 &&
	    url_encode(&b, slug, strlen(slug)) == 0 && buf_putc(&b, '/') == 0)
		out = arena_strndup(a, buf_str(&b), b.len);
	buf_release(&b);
	return out;
}
