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
#include "../core/settings.h"
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

const struct i18n *
site_language(struct store *st)
{
	struct arena *a = arena_new();
	const struct i18n *c = i18n_get(settings_str(st, a, "language"));

	arena_free(a);
	return c;
}

/*
 * A date as pages print it, in the site's time zone: in English by the
 * site's date_format (WordPress's letters, time_human); in another
 * language by its catalog's pattern and month names (date_format's
 * letters name English months and weekdays).
 */
const char *
site_date(struct arena *a, const struct i18n *c, int64_t t)
{
	char out[TIME_DATE_BYTES];
	int y, m, d;

	if (strcmp(i18n_lang(c), "en") == 0) {
		time_human(t, out);
		return arena_strdup(a, out);
	}
	if (time_local_ymd(t, &y, &m, &d) == -1)
		return "";
	return i18n_date(a, c, y, m, d);
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

/*
 * "16554 Views" and "79 Comments" in the reader's language, whose plural
 * rule picks the form (1 просмотр, 2 просмотра, 5 просмотров).  The view
 * count is also written again by views.js with the total the beacon
 * answers: views_forms gives it the text for each CLDR category of the
 * language ("one:%d View|other:%d Views"), which Intl.PluralRules picks.
 */
void
counts_model(struct arena *a, const struct i18n *c, struct tval *m,
             int64_t views, int64_t comments)
{
	const char *names[I18N_CATEGORIES], *before, *after;
	int64_t samples[I18N_CATEGORIES];
	size_t n = i18n_categories(c, names, samples);
	struct buf forms;

	tval_set_str(a, m, "views_text",
	             i18n_num(a, c, "%d View", "%d Views", views));
	tval_set_str(a, m, "comments_text",
	             i18n_num(a, c, "%d Comment", "%d Comments", comments));
	i18n_split(a, i18n_plural(c, "%d View", "%d Views", views), &before,
	           &after);
	tval_set_str(a, m, "views_before", before);
	tval_set_str(a, m, "views_after", after);
	buf_init(&forms, 1024);
	for (size_t i = 0; i < n; i++)
		if (buf_printf(&forms, "%s%s:%s", i ? "|" : "", names[i],
		               i18n_plural(c, "%d View", "%d Views",
		                           samples[i])) == -1)
			break;
	tval_set_str(a, m, "views_forms",
	             arena_strndup(a, buf_str(&forms), forms.len));
	buf_release(&forms);
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
	tval_set_str(a, m, "date", site_date(a, site_cat(s), p->published_at));
	tval_set_str(a, m, "date_iso", date_iso(a, p->published_at));
	tval_set_str(a, m, "updated", site_date(a, site_cat(s), p->updated_at));
	tval_set_str(a, m, "updated_iso", date_iso(a, p->updated_at));
	tval_set_str(a, m, "excerpt", p->excerpt);
	tval_set_int(a, m, "views", p->views_total);
	tval_set_int(a, m, "comments", p->comment_count);
	tval_set_bool(a, m, "one_comment", p->comment_count == 1);
	counts_model(a, site_cat(s), m, p->views_total, p->comment_count);
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
