#ifndef GAZETTE_SITE_INTERNAL_H
#define GAZETTE_SITE_INTERNAL_H
/* Shared by the files of site/ only. */
#include <pthread.h>

#include "site.h"
#include "../render/tmpl.h"
#include "../comments/comments.h"
#include "../notify/notify.h"
#include "../views/views.h"
#include "../store/site.h"
#include "../store/users.h"

struct site {
	struct store *store;
	struct views *views;
	struct comments *comments;
	struct notify *notify;
	struct tmpl_set *tmpl;
	char *url; /* public base URL, no trailing slash */
	char *dir; /* the site folder (media/ is in it) */
	/* snapshot.c: the site-wide part of every page, made again when
	 * the store's generation moves (an edit in the admin shows at
	 * once); read under snap_lock, copying what is kept. */
	pthread_rwlock_t snap_lock;
	struct site_snap *snap;
	struct page_cache *cache;    /* cache.c, shared by the workers */
	struct sidebar *sidebar;     /* sidebar.c's snapshot */
	struct throttle *throttle;   /* failed logins (auth/) */
	unsigned char login_key[32]; /* signs the login form's CSRF token */
};

struct nav_item {
	const char *slug, *name, *url;
	enum section_kind kind;
	const char *newest; /* "April 27, 2022", or NULL */
};
struct site_snap {
	uint64_t gen; /* store_generation() before it was read */
	struct arena *a;
	const char *title, *tagline;
	const char *msg_text;            /* the site message, or NULL */
	const char *msg_url, *msg_title; /* the post it links, or NULL */
	struct nav_item *nav;
	size_t nnav;
};
/* Make the snapshot now; -1 (the old one kept) on a database error. */
int site_snap_load(struct site *s, struct error *e);
void site_snap_free(struct site_snap *sn);
/* Make the snapshot and the sidebar again if the content has changed
 * since; called before a page is made, outside its read transaction. */
void site_refresh(struct site *s);
/* The kind of the section slug as the snapshot has it; -1 when none. */
int site_section_kind(struct site *s, const char *slug);
/* The site's title and tagline as the settings say now, copied into a. */
const char *site_title(struct site *s, struct arena *a);
const char *site_tagline(struct site *s, struct arena *a);

/* sidebar.c: the sidebar blocks, rendered once per content change. */
struct sidebar *sidebar_new(void);
void sidebar_free(struct sidebar *sb);
/* The current sidebar HTML, copied into a. */
const char *sidebar_html(struct site *s, struct arena *a);
/* Build it again if the content has changed or it is SIDEBAR_SECONDS
 * old; never inside a read transaction (see snapshot.c). */
void sidebar_refresh(struct site *s);

/* cache.c: whole responses to anonymous GETs, shared by the workers,
 * within budget bytes. */
struct page_cache *cache_new(size_t budget);
void cache_free(struct page_cache *c);
/* The store's numbers read before a response was made: what a cached
 * copy of it is valid for. */
struct cache_stamp {
	uint64_t version; /* store_generation() */
	uint64_t clock0;  /* store_post_clock() */
};
/* 1 and rs filled (strings in a) when key is cached and still valid at
 * version; with gzip set, the gzip variant (made now if it was not). */
int cache_get(struct site *s, struct arena *a, const char *key,
              uint64_t version, int gzip, struct resp *rs);
void cache_put(struct site *s, const char *key, const struct cache_stamp *st,
               const struct resp *rs);
/* Bytes the cache holds (as counted against its budget), entries, and of
 * them those kept packed (packed may be NULL). */
void cache_usage(struct site *s, size_t *bytes, size_t *entries,
                 size_t *packed);
/* The forms of its body the entry for key holds (0: none held). */
enum { CACHE_AS_SENT = 1, CACHE_GZIP = 2, CACHE_PACKED = 4 };
int cache_forms(struct site *s, const char *key);

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

/* api.c: the JSON API.  api_json sends doc (and frees it) with status;
 * api_json_request reads the request's JSON object (415 when it is not
 * application/json, 400 when not an object; NULL then, rs filled). */
typedef struct json_t json_t;
void api_json(struct resp *rs, int status, json_t *doc);
json_t *api_json_request(struct req *r, struct resp *rs);
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

/* ---- the admin (admin*.c) ---- */

/* Who is asking: a signed-in user, by session cookie or API token. */
struct who {
	struct user u;
	struct session session; /* by cookie only */
	const char *token;      /* the cookie's token; NULL by API token */
	const char *csrf;       /* the session's CSRF token ("" by token) */
	int via_token;
};
/* 1 and *out filled when r is signed in, else 0. */
int admin_who(struct site *s, struct req *r, struct who *out);
/*
 * The gate of every admin screen and admin API call: the signed-in user
 * when they hold every capability in cap (enum cap of auth/auth.h) and, for
 * a request that changes something, sent the CSRF token from this site's
 * own origin; otherwise NULL with rs filled: a redirect to /login (HTML)
 * or 401 (API) when not signed in, else 403 and nothing changed.
 * Handlers that take several methods call it once per request.
 */
struct who *admin_guard(struct site *s, struct req *r, struct resp *rs,
                        unsigned cap);
/* The model every admin screen shares: site, me, csrf, admin_nav, title.
 * w may be NULL (the login screen). */
struct tval *admin_model(struct site *s, struct req *r, struct who *w,
                         const char *title);
/* Render an admin template: never cached, never framed, scripts and
 * styles only from /static/ (no inline script or style attribute). */
void admin_render(struct site *s, struct req *r, struct resp *rs,
                  const char *name, struct tval *model);
/* A message page in the admin's layout with status. */
void admin_message(struct site *s, struct req *r, struct resp *rs,
                   struct who *w, int status, const char *title,
                   const char *message);
/* Route capture i as an id (1..); 0 when it is not one. */
int admin_id_param(struct req *r, size_t i, int64_t *id);
/* 303 See Other to a path of this site. */
void admin_redirect(struct resp *rs, const char *to);

/* admin.c: signing in and out, invitations */
void login_get(void *ctx, struct req *r, struct resp *rs);
void login_post(void *ctx, struct req *r, struct resp *rs);
void logout_get(void *ctx, struct req *r, struct resp *rs);
void logout_post(void *ctx, struct req *r, struct resp *rs);
void invite_get(void *ctx, struct req *r, struct resp *rs);
void invite_post(void *ctx, struct req *r, struct resp *rs);

/* admin_posts.c: posts, pages and books: list, editor, revisions */
void admin_posts_get(void *ctx, struct req *r, struct resp *rs);
void admin_posts_bulk(void *ctx, struct req *r, struct resp *rs);
void admin_post_new(void *ctx, struct req *r, struct resp *rs);
void admin_post_edit(void *ctx, struct req *r, struct resp *rs);
void admin_post_revisions(void *ctx, struct req *r, struct resp *rs);
void admin_post_restore(void *ctx, struct req *r, struct resp *rs);
void admin_preview(void *ctx, struct req *r, struct resp *rs);
void api_admin_posts(void *ctx, struct req *r, struct resp *rs);
void api_admin_post(void *ctx, struct req *r, struct resp *rs);
void api_admin_post_autosave(void *ctx, struct req *r, struct resp *rs);
void api_admin_post_revisions(void *ctx, struct req *r, struct resp *rs);
void api_admin_post_restore(void *ctx, struct req *r, struct resp *rs);
void api_admin_preview(void *ctx, struct req *r, struct resp *rs);

/* admin_moderate.c: the comment queue and the submissions queue */
void admin_comments_get(void *ctx, struct req *r, struct resp *rs);
void admin_comments_post(void *ctx, struct req *r, struct resp *rs);
void admin_submissions_get(void *ctx, struct req *r, struct resp *rs);
void admin_submissions_post(void *ctx, struct req *r, struct resp *rs);
void api_admin_comments(void *ctx, struct req *r, struct resp *rs);
void api_admin_comments_decide(void *ctx, struct req *r, struct resp *rs);
void api_admin_submissions(void *ctx, struct req *r, struct resp *rs);
void api_admin_submission(void *ctx, struct req *r, struct resp *rs);

/* admin_site.c: sections, navigation, site message, blocks, settings */
void admin_sections(void *ctx, struct req *r, struct resp *rs);
void admin_section(void *ctx, struct req *r, struct resp *rs);
void admin_blocks(void *ctx, struct req *r, struct resp *rs);
void admin_block(void *ctx, struct req *r, struct resp *rs);
void admin_settings(void *ctx, struct req *r, struct resp *rs);
void api_admin_sections(void *ctx, struct req *r, struct resp *rs);
void api_admin_section(void *ctx, struct req *r, struct resp *rs);
void api_admin_blocks(void *ctx, struct req *r, struct resp *rs);
void api_admin_block(void *ctx, struct req *r, struct resp *rs);
void api_admin_settings(void *ctx, struct req *r, struct resp *rs);

/* admin_users.c: users and invitations, one's own profile, API tokens */
void admin_users(void *ctx, struct req *r, struct resp *rs);
void admin_user(void *ctx, struct req *r, struct resp *rs);
void admin_profile(void *ctx, struct req *r, struct resp *rs);
void api_me(void *ctx, struct req *r, struct resp *rs);
void api_admin_users(void *ctx, struct req *r, struct resp *rs);
void api_admin_user(void *ctx, struct req *r, struct resp *rs);
void api_admin_tokens(void *ctx, struct req *r, struct resp *rs);
void api_admin_token(void *ctx, struct req *r, struct resp *rs);

/* admin_stats.c: the dashboard and per-post numbers, SVG charts */
void admin_dashboard(void *ctx, struct req *r, struct resp *rs);
void admin_post_stats(void *ctx, struct req *r, struct resp *rs);
void api_admin_stats(void *ctx, struct req *r, struct resp *rs);
void api_admin_post_stats(void *ctx, struct req *r, struct resp *rs);

#endif
