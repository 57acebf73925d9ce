/*
 * Pages that list posts: the front page, sections (rendered by their
 * kind), tags, date archives, books, with /page/N/ pagination.  One
 * renderer, list_render(), serves them all; each handler states what to
 * list and where its pages live.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

struct listing {
	const char *title;   /* heading; NULL on the front page */
	const char *base;    /* path of page 1, e.g. "/category/news/" */
	const char *kind;    /* section kind name, or "posts" */
	const char *feed;    /* the listing's own feed path, or NULL */
	int river;           /* the dashboard: the river's newest beside */
	struct post_query q; /* limit and offset set by list_render */
};

/*
 * The page number of a request: 1, or N from a path ending in /page/N/
 * (the route's last capture).  -1 when N is out of range, so /page/0/ and
 * /page/99999999999/ are 404s, not a 500 or an empty page.
 */
static int64_t
page_number(const struct req *r)
{
	size_t n = strlen(r->path);
	int64_t page;

	if (n < 8 || strcmp(r->path + n - 1, "/") != 0 ||
	    strstr(r->path, "/page/") == NULL || r->nparams == 0)
		return 1;
	if (num_parse(r->params[r->nparams - 1], 1, LIM_PAGE_MAX, &page) == -1)
		return -1;
	return page;
}

static const char *
page_url(struct arena *a, const char *base, int64_t page)
{
	return page == 1
	               ? base
	               : arena_printf(a, "%spage/%lld/", base, (long long)page);
}

static void
list_render(struct site *s, struct req *r, struct resp *rs, struct listing *l)
{
	struct arena *a = r->arena;
	int64_t page = page_number(r), total = 0, pages;
	struct post *posts = NULL;
	size_t n = 0;
	struct error e;
	struct tval *m, *list, *pg;
	const char *canonical;

	if (page == -1) {
		page_not_found(s, r, rs);
		return;
	}
	if (page == 1 && strstr(r->path, "/page/") != NULL &&
	    strcmp(r->path, l->base) != 0) {
		/* /page/1/ is page 1: one URL per page, as WordPress. */
		rs->status = 301;
		if (resp_header(rs, "Location",
		                arena_printf(a, "%s%s", s->url, l->base)) == -1)
			return;
		return;
	}
	l->q.now = clock_now();
	l->q.limit = LIM_FRONT_POSTS;
	l->q.offset = (int)((page - 1) * LIM_FRONT_POSTS);
	if (store_post_page(s->store, a, &l->q, &posts, &n, &total, &e) == -1) {
		log_error("list %s: %s", r->path, e.msg);
		rs->status = 500;
		return;
	}
	pages = total == 0 ? 1
	                   : (total + LIM_FRONT_POSTS - 1) / LIM_FRONT_POSTS;
	if (page > pages) {
		page_not_found(s, r, rs);
		return;
	}
	canonical = page_url(a, l->base, page);
	m = page_model(s, r,
	               l->title ? (page > 1 ? arena_printf(a, "%s – Page %lld",
	                                                   l->title,
	                                                   (long long)page)
	                                    : l->title)
	                        : site_title(s, a),
	               canonical);
	if (l->title != NULL)
		tval_set_str(a, m, "heading", l->title);
	else
		tval_set_bool(a, m, "is_home", 1);
	tval_set_bool(a, m, arena_printf(a, "kind_%s", l->kind), 1);
	tval_set_int(a, m, "total", total);
	if (l->feed != NULL)
		tval_set_str(a, m, "list_feed", l->feed);
	list = tval_set(a, m, "posts", tval_list(a));
	for (size_t i = 0; i < n; i++) {
		struct tval *pm =
			tval_push(a, list, post_model(s, a, &posts[i]));

		if (l->q.type == POST_EPISODE)
			episode_model(s, a, pm, posts[i].id);
		else if (strcmp(l->kind, "video") == 0)
			(void)video_model(s, a, pm, posts[i].id);
		if (posts[i].activity_at > rs->last_modified)
			rs->last_modified = posts[i].activity_at;
	}
	if (l->river && page == 1)
		river_column(s, a, m, LIM_FRONT_POSTS);
	if (pages > 1) {
		pg = tval_set(a, m, "pagination", tval_map(a));
		tval_set_int(a, pg, "page", page);
		tval_set_int(a, pg, "pages", pages);
		if (page > 1)
			tval_set_str(a, pg, "newer",
			             page_url(a, l->base, page - 1));
		if (page < pages)
			tval_set_str(a, pg, "older",
			             page_url(a, l->base, page + 1));
	}
	page_render(s, r, rs, "list.html", m);
}

/* A published post whose time has come: its permalink, else NULL. */
static const char *
public_path(struct site *s, struct req *r, int64_t id)
{
	struct post post;
	struct error e;

	if (store_post_get(s->store, r->arena, id, &post, &e) == -1 ||
	    post.status != POST_PUBLISHED || post.published_at > clock_now())
		return NULL;
	return site_permalink(r->arena, &post);
}

/*
 * /?p=ID (and, for imported WordPress sites, /?page_id=ID and
 * /?attachment_id=ID): WordPress's shortlinks, a 301 to the permalink.
 * Imported items keep their WordPress id when it was free, so ID is
 * first one of ours; only when no published item has it is it looked up
 * as a WordPress id (store_legacy_id, migration 006), which also finds
 * attachments (their post, or else their file).
 */
static int
shortlink(struct site *s, struct req *r, struct resp *rs)
{
	static const char *const keys[] = {"p", "page_id", "attachment_id"};
	const char *p = NULL, *to = NULL, *url;
	struct error e;
	int64_t id, legacy;

	for (size_t i = 0; p == NULL && i < sizeof(keys) / sizeof(keys[0]); i++)
		p = req_query(r, keys[i]);
	if (p == NULL)
		return 0;
	if (num_parse(p, 1, INT64_MAX, &id) == 0) {
		to = public_path(s, r, id);
		if (to == NULL && store_legacy_id(s->store, r->arena, id,
		                                  &legacy, &url, &e) == 0) {
			to = legacy != 0 ? public_path(s, r, legacy) : NULL;
			if (to == NULL && *url != '\0') {
				rs->status = 301;
				(void)resp_header(rs, "Location", url);
				return 1;
			}
		}
	}
	if (to == NULL) {
		page_not_found(s, r, rs);
		return 1;
	}
	rs->status = 301;
	if (resp_header(rs, "Location",
	                arena_printf(r->arena, "%s%s", s->url, to)) == -1)
		return 1;
	return 1;
}

static const char *
segment(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, 3 * n + 1);

	out[url_encode_to(out, s, n)] = '\0';
	return out;
}

/*
 * WordPress's query-string addresses, which feed readers and old links
 * hold: /?feed=rss2 (rss, rdf, atom, comments-rss2), /?cat=ID, /?tag=SLUG
 * and the two together (/?cat=3&feed=rss2).  301 to our address of the
 * same thing; an unknown category or feed type is a 404.
 */
static int
wp_query(struct site *s, struct req *r, struct resp *rs)
{
	const char *feed = req_query(r, "feed"), *cat = req_query(r, "cat");
	const char *tag = req_query(r, "tag"), *base = "/", *to;
	struct section_info si;
	struct error e;
	int64_t id;

	if (feed == NULL && cat == NULL && tag == NULL)
		return 0;
	if (cat != NULL) {
		if (num_parse(cat, 1, INT64_MAX, &id) == -1 ||
		    store_section_info(s->store, r->arena, id, &si, &e) == -1) {
			page_not_found(s, r, rs);
			return 1;
		}
		base = arena_printf(r->arena, "/category/%s/",
		                    segment(r->arena, si.sec.slug));
	} else if (tag != NULL && *tag != '\0')
		base = arena_printf(r->arena, "/tag/%s/",
		                    segment(r->arena, tag));
	if (feed == NULL)
		to = base;
	else if (strcmp(feed, "") == 0 || strcmp(feed, "rss2") == 0 ||
	         strcmp(feed, "rss") == 0 || strcmp(feed, "rdf") == 0)
		to = arena_printf(r->arena, "%sfeed/", base);
	else if (strcmp(feed, "atom") == 0)
		to = arena_printf(r->arena, "%sfeed/atom/", base);
	else if (strcmp(base, "/") == 0 &&
	         (strcmp(feed, "comments-rss2") == 0 ||
	          strcmp(feed, "comments-atom") == 0))
		to = "/comments/feed/";
	else {
		page_not_found(s, r, rs);
		return 1;
	}
	rs->status = 301;
	(void)resp_header(rs, "Location",
	                  arena_printf(r->arena, "%s%s", s->url, to));
	return 1;
}

/* /feed/rss2/, /feed/rss/, /feed/rdf/: WordPress's names of the feed. */
void
feed_alias_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;

	rs->status = 301;
	(void)resp_header(rs, "Location",
	                  arena_printf(r->arena, "%s/feed/", s->url));
}

void
home_get(void *ctx, struct req *r, struct resp *rs)
{
	struct listing l = {NULL, "/", "posts", NULL, 0, {.type = POST_POST}};

	if (shortlink(ctx, r, rs) || wp_query(ctx, r, rs))
		return;
	if (req_query(r, "s") != NULL) { /* WordPress's search URL */
		search_get(ctx, r, rs);
		return;
	}
	list_render(ctx, r, rs, &l);
}

void
section_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct section sec;
	struct error e;
	struct listing l = {0};

	if (store_section_find(s->store, a, r->params[0], &sec, &e) == -1 ||
	    strcmp(sec.slug, r->params[0]) != 0) {
		page_not_found(s, r, rs);
		return;
	}
	if (sec.kind == SECTION_AGGREGATOR) {
		river_get(s, r, rs, &sec);
		return;
	}
	l.title = sec.name;
	l.base = arena_printf(a, "/category/%s/", r->params[0]);
	l.feed = arena_printf(a, "%sfeed/", l.base);
	l.kind = section_kind_names[sec.kind];
	l.q.type = sec.kind == SECTION_PODCAST ? POST_EPISODE : POST_POST;
	l.q.section_id = sec.id;
	l.q.by_activity = sec.kind == SECTION_DISCUSSION;
	if (sec.kind == SECTION_DASHBOARD) {
		l.q.section_id = 0; /* the newest of everything */
		l.river = 1;
	}
	list_render(s, r, rs, &l);
}

void
tag_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct error e;
	const char *name;
	struct listing l = {0};

	if (store_tag_name(s->store, a, r->params[0], &name, &e) == -1) {
		page_not_found(s, r, rs);
		return;
	}
	l.title = i18n_sub(a, i18n_text(site_cat(s), "Tag: %s"), name);
	l.base = arena_printf(a, "/tag/%s/", r->params[0]);
	l.feed = arena_printf(a, "%sfeed/", l.base);
	l.kind = "posts";
	l.q.type = POST_POST;
	l.q.tag_slug = r->params[0];
	list_render(s, r, rs, &l);
}

/* /YYYY/, /YYYY/MM/ and /YYYY/MM/DD/: posts published in that span. */
void
archive_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	int64_t y, mo = 0, d = 0, from, to;
	size_t parts = r->nparams - (strstr(r->path, "/page/") ? 1 : 0);
	char iso[32];
	struct listing l = {0};

	if (num_parse(r->params[0], 1970, 9999, &y) == -1 ||
	    (parts > 1 && num_parse(r->params[1], 1, 12, &mo) == -1) ||
	    (parts > 2 && num_parse(r->params[2], 1, 31, &d) == -1)) {
		page_not_found(s, r, rs);
		return;
	}
	snprintf(iso, sizeof(iso), "%04d-%02d-%02d", (int)y, mo ? (int)mo : 1,
	         d ? (int)d : 1);
	if (time_parse_iso(iso, &from) == -1) { /* 31 February */
		page_not_found(s, r, rs);
		return;
	}
	/* The span's ends in the site's time zone, as WordPress's. */
	from = time_local_day((int)y, mo ? (int)mo : 1, d ? (int)d : 1);
	if (parts == 1) {
		to = y == 9999 ? INT64_MAX : time_local_day((int)y + 1, 1, 1);
		l.title = i18n_sub(a, i18n_text(site_cat(s), "Archive: %s"),
		                   arena_printf(a, "%lld", (long long)y));
		l.base = arena_printf(a, "/%04d/", (int)y);
	} else if (parts == 2) {
		to = time_local_day((int)y, (int)mo + 1, 1);
		l.title = i18n_sub(a, i18n_text(site_cat(s), "Archive: %s"),
		                   i18n_month(a, site_cat(s), (int)y, (int)mo));
		l.base = arena_printf(a, "/%04d/%02d/", (int)y, (int)mo);
	} else {
		to = time_local_day((int)y, (int)mo, (int)d + 1);
		l.title = i18n_sub(a, i18n_text(site_cat(s), "Archive: %s"),
		                   i18n_date(a, site_cat(s), (int)y, (int)mo,
		                             (int)d));
		l.base = arena_printf(a, "/%04d/%02d/%02d/", (int)y, (int)mo,
		                      (int)d);
	}
	l.kind = "posts";
	l.q.type = POST_POST;
	l.q.from = from;
	l.q.to = to;
	list_render(s, r, rs, &l);
}

void
books_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct book *books;
	size_t n;
	struct error e;
	struct tval *m, *list;

	if (store_books_list(s->store, a, clock_now(), &books, &n, &e) == -1) {
		log_error("books: %s", e.msg);
		rs->status = 500;
		return;
	}
	m = page_model(s, r, i18n_text(site_cat(s), "Bookshelf"), "/books/");
	list = tval_set(a, m, "books", tval_list(a));
	for (size_t i = 0; i < n; i++) {
		struct tval *bm =
			tval_push(a, list, book_model(s, a, &books[i]));

		tval_set_str(a, bm, "body_html", books[i].post.body_html);
	}
	page_render(s, r, rs, "books.html", m);
}
