#ifndef GAZETTE_SITE_INTERNAL_H
#define GAZETTE_SITE_INTERNAL_H
/* Shared by the files of site/ only. */
#include <pthread.h>

#include "site.h"
#include "../render/tmpl.h"
#include "../comments/comments.h"
#include "../notify/notify.h"
#include "../views/views.h"

struct site {
	struct store *store;
	struct views *views;
	struct comments *comments;
	struct notify *notify;
	struct tmpl_set *tmpl;
	char *url;   /* public base URL, no trailing slash */
	char *dir;   /* the site folder (media/ is in it) */
	char *title; /* from settings at start-up */
	char *tagline;
	struct page_cache *cache; /* cache.c, shared by the workers */
	struct sidebar *sidebar;  /* sidebar.c's snapshot */
};

/* sidebar.c: the sidebar blocks, rendered once per content change. */
struct sidebar *sidebar_new(void);
void sidebar_free(struct sidebar *sb);
/* The current sidebar HTML, copied into a. */
const char *sidebar_html(struct site *s, struct arena *a);

/* cache.c: whole responses to anonymous GETs, shared by the workers. */
struct page_cache *cache_new(void);
void cache_free(struct page_cache *c);
/* 1 and rs filled (strings in a) when key is cached at version. */
int cache_get(struct site *s, struct arena *a, const char *key,
              uint64_t version, struct resp *rs);
void cache_put(struct site *s, const char *key, uint64_t version,
               const struct resp *rs);

/*
 * The model every page shares (site title, navigation, base URL), with
 * the page's own title and canonical path set; handlers add to it.
 */
struct tval *page_model(struct site *s, struct req *r, const char *title,
                        const char *canonical_path);
/* Render template name with model into rs; on failure a 500. */
void page_render(struct site *s, struct req *r, struct resp *rs,
                 const char *name, struct tval *model);
void page_not_found(struct site *s, struct req *r, struct resp *rs);
/* Display date "April 27, 2022" and ISO 8601 for <time datetime>. */
const char *date_human(struct arena *a, int64_t t);
const char *date_iso(struct arena *a, int64_t t);
/* A post as a template map (title, url, date, excerpt, counts...). */
struct tval *post_model(struct site *s, struct arena *a, const struct post *p);
/* A book: title, url, order_url, and epub/pdf/cover links when present. */
struct tval *book_model(struct site *s, struct arena *a, const struct book *b);

/* comments.c: threads under a post, the form, the comments JSON API */
/* Add the page-th page of p's threads, the form and notices to pm; -1
 * with no such page. */
int comments_model(struct site *s, struct req *r, struct tval *pm,
                   const struct post *p, int64_t page);
void comment_form_post(void *ctx, struct req *r, struct resp *rs);
/* submit.c: guest submissions */
void submit_get(void *ctx, struct req *r, struct resp *rs);
void submit_post(void *ctx, struct req *r, struct resp *rs);
void api_comment_post(void *ctx, struct req *r, struct resp *rs);
void api_post_comments_get(void *ctx, struct req *r, struct resp *rs);
void api_comment_own(void *ctx, struct req *r, struct resp *rs);

/* api.c: the JSON API */
void api_views_post(void *ctx, struct req *r, struct resp *rs);
void api_popular_get(void *ctx, struct req *r, struct resp *rs);

/*
 * feeds.c: RSS 2.0 and Atom (feed_get serves every feed route, telling
 * them apart by r->path), sitemaps, robots.txt; discovery_model() adds to
 * every page's model what <head> needs for discovery (alternate feed
 * links, OpenGraph and Twitter card meta).
 */
void feed_get(void *ctx, struct req *r, struct resp *rs);
void post_comments_feed_get(void *ctx, struct req *r, struct resp *rs);
void sitemap_get(void *ctx, struct req *r, struct resp *rs);
void robots_get(void *ctx, struct req *r, struct resp *rs);
void discovery_model(struct site *s, struct req *r, struct tval *m);

/* lists.c: pages that list posts, paginated with /page/N/ */
void home_get(void *ctx, struct req *r, struct resp *rs);
void section_get(void *ctx, struct req *r, struct resp *rs);
void tag_get(void *ctx, struct req *r, struct resp *rs);
void archive_get(void *ctx, struct req *r, struct resp *rs);
void books_get(void *ctx, struct req *r, struct resp *rs);

/* pages.c: single items */
void book_get(void *ctx, struct req *r, struct resp *rs);
void episode_get(void *ctx, struct req *r, struct resp *rs);
void post_get(void *ctx, struct req *r, struct resp *rs);
void page_get(void *ctx, struct req *r, struct resp *rs);
void static_get(void *ctx, struct req *r, struct resp *rs);
void media_get(void *ctx, struct req *r, struct resp *rs);
void health_get(void *ctx, struct req *r, struct resp *rs);
void favicon_get(void *ctx, struct req *r, struct resp *rs);

/* search.c: /search?q= (and /?s=, from home_get), /api/v1/search */
void search_get(void *ctx, struct req *r, struct resp *rs);
void api_search_get(void *ctx, struct req *r, struct resp *rs);

/* unsubscribe.c: the link in reply notifications (notify/) */
void unsubscribe_handler(void *ctx, struct req *r, struct resp *rs);

#endif
