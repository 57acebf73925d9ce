/*
 * The pieces of the view model every page shares: dates as readers see
 * them, an item's path, a post or a book as a template map.  Depends on
 * nothing else in site/: the sidebar, the snapshot, the feeds and the
 * pages all build on it.
 */
#include <string.h>

#include "internal.h"
#include "../media/media.h"
#include "../store/media.h"
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

/*
 * A post's featured image (media.h's picture) as "featured": lists show
 * it small, the post's page at the column's width, and <head> names it as
 * og:image.  A file deleted since, or a failed read, shows none.
 */
static void
featured_model(struct site *s, struct arena *a, struct tval *m, int64_t id)
{
	struct media_picture pic;
	struct media_row r;
	struct error e;
	struct tval *f;

	if (store_media_get(s->store, a, id, &r, &e) == -1 || r.width <= 0)
		return;
	media_picture_of(a, &r, &pic);
	f = tval_set(a, m, "featured", tval_map(a));
	tval_set_str(a, f, "src", pic.src);
	tval_set_str(a, f, "abs_src", arena_printf(a, "%s%s", s->url, pic.src));
	tval_set_str(a, f, "srcset", pic.srcset);
	tval_set_str(a, f, "webp_srcset", pic.webp_srcset);
	tval_set_str(a, f, "sizes", pic.sizes);
	tval_set_str(a, f, "alt", pic.alt);
	tval_set_str(a, f, "type", r.mime);
	tval_set_int(a, f, "width", pic.width);
	tval_set_int(a, f, "height", pic.height);
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
	if (p->featured_id != 0)
		featured_model(s, a, m, p->featured_id);
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

/* "1:02:03" or "4:05". */
const char *
duration_text(struct arena *a, int64_t t)
{
	if (t >= 3600)
		return arena_printf(a, "%lld:%02lld:%02lld",
		                    (long long)(t / 3600),
		                    (long long)(t / 60 % 60),
		                    (long long)(t % 60));
	return arena_printf(a, "%lld:%02lld", (long long)(t / 60),
	                    (long long)(t % 60));
}
