#ifndef GAZETTE_SITE_INTERNAL_H
#define GAZETTE_SITE_INTERNAL_H
/* Shared by the files of site/ only. */
#include <pthread.h>
#include <stdatomic.h>

#include "site.h"
#include "../render/tmpl.h"
#include "../comments/comments.h"
#include "../notify/notify.h"
#include "../views/views.h"
#include "../store/site.h"
#include "../store/users.h"
#include "../util/i18n.h"

struct site {
	struct store *store;
	struct route *routes; /* site_routes_join() */
	size_t nroutes;
	struct views *views;
	struct comments *comments;
	struct notify *notify;
	/* The compiled templates, swapped whole by site_reload(); the sets
	 * replaced are kept (old_tmpls) until site_free(), since a request
	 * may still be rendering with one.  Read it with site_tmpl(). */
	_Atomic(struct tmpl_set *) tmpl;
	/* The catalog of the setting `language` the templates in tmpl
	 * were translated with (i18n.h: never freed); swapped with them. */
	_Atomic(const struct i18n *) cat;
	struct old_tmpl *old_tmpls;
	pthread_mutex_t reload_lock; /* one site_reload() at a time */
	char *url;                   /* public base URL, no trailing slash */
	char *dir;                   /* the site folder (media/ is in it) */
	/* snapshot.c: the site-wide part of every page, made again when
	 * the store's generation moves (an edit in the admin shows at
	 * once); read under snap_lock, copying what is kept. */
	pthread_rwlock_t snap_lock;
	struct site_snap *snap;
	struct page_cache *cache;    /* cache.c, shared by the workers */
	struct sidebar *sidebar;     /* sidebar.c's snapshot */
	struct throttle *throttle;   /* failed logins (auth/) */
	unsigned char login_key[32]; /* signs the login form's CSRF token */
	/* gazette.conf's metrics_token ("" or NULL: none), swapped whole by
	 * site_reload(); the ones replaced are kept until site_free(), so a
	 * request reading the old one never reads freed memory. */
	_Atomic(char *) metrics_token;
	struct old_token *old_tokens;
};
/* The metrics token in force (NULL: none). */
const char *site_metrics_token(const struct site *s);
/* The templates in force. */
struct tmpl_set *site_tmpl(struct site *s);
/* comments.c: what the reader's form page says for e (an error of
 * comments/ or the form reader, which are the API's English), in the
 * site's language: on an English site e's own message (io_en for
 * ERR_IO, whose detail is the log's), in another one the catalog's. */
const char *site_form_message(struct site *s, const struct error *e,
                              const char *io_en);
/* The catalog of the reader's site's language (NULL: English). */
const struct i18n *site_cat(struct site *s);
/* Translate the templates again for the language lang says, when it is
 * not the one in force (the snapshot saw the setting change). */
int site_relang(struct site *s, const struct i18n *cat, struct error *e);

struct nav_item {
	const char *slug, *name, *url;
	enum section_kind kind;
	const char *newest; /* "April 27, 2022", or NULL */
};
struct site_snap {
	uint64_t gen; /* store_generation() before it was read */
	struct arena *a;
	const char *title, *tagline;
	const char *support_url;         /* "" when none: the phone's top bar */
	const char *msg_text;            /* the site message, or NULL */
	const char *msg_url, *msg_title; /* the post it links, or NULL */
	const struct i18n *cat;          /* the setting language's catalog */
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
/* A number that moves when a rebuild changes the sidebar; and whether
 * the sidebar is still the one that number named and is not due for a
 * rebuild, or is being rebuilt (so a page made with it shows what a page
 * made now would). */
/* The scheduler's thread, twice a second: the sidebar made again when
 * it is due, so that a request need not (sidebar_refresh() then leaves a
 * sidebar that is only due by its age to it, SIDEBAR_TICK_GRACE more). */
void site_tick(struct site *s);
uint64_t sidebar_serial(struct site *s);
int sidebar_unchanged(struct site *s, uint64_t serial);
/* For tests: make the sidebar seconds older (its age is monotonic time,
 * which GAZETTE_NOW does not move). */
void sidebar_backdate(struct site *s, time_t seconds);

/* cache.c: whole responses to anonymous GETs, shared by the workers,
 * within budget bytes. */
struct page_cache *cache_new(size_t budget);
void cache_free(struct page_cache *c);
/* The store's numbers read before a response was made: what a cached
 * copy of it is valid for. */
struct cache_stamp {
	uint64_t version;  /* store_generation() */
	uint64_t clock0;   /* store_post_clock() */
	uint64_t views0;   /* views_serial() */
	uint64_t sidebar0; /* sidebar_serial(), after site_refresh() */
};
/* 1 and rs filled (strings in r's arena) when key is cached and still
 * valid at version; with gzip set, the gzip variant (made now if it was
 * not).  A page read again is handed over as rs->ready (http.h) rather
 * than copied, when r's server can make one. */
int cache_get(struct site *s, const struct req *r, const char *key,
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
/* For tests: make every entry seconds older. */
void cache_backdate(struct site *s, time_t seconds);

/*
 * layout.c: the page around a handler's content.  The model every page
 * shares (site title, navigation, base URL, sidebar, <head> discovery
 * links), with the page's own title and canonical path set; handlers add
 * to it.
 */
struct tval *page_model(struct site *s, struct req *r, const char *title,
                        const char *canonical_path);
/* Render template name with model into rs; on failure a 500. */
void page_render(struct site *s, struct req *r, struct resp *rs,
                 const char *name, struct tval *model);
void page_not_found(struct site *s, struct req *r, struct resp *rs);

/* model.c: what every model is made of (nothing in site/ below it). */
/* Display date "April 27, 2022" and ISO 8601 for <time datetime>. */
const char *date_human(struct arena *a, int64_t t);
/* views_text, comments_text, and for views.js views_before, views_after
 * and views_forms, in c's language, set in m. */
void counts_model(struct arena *a, const struct i18n *c, struct tval *m,
                  int64_t views, int64_t comments);
/* A date in the reader's language c ("27 апреля 2022 г."). */
const char *site_date(struct arena *a, const struct i18n *c, int64_t t);
/* The catalog the setting `language` names (NULL: English, or a value
 * that is not shipped: the setting's check refuses those). */
const struct i18n *site_language(struct store *st);
const char *date_iso(struct arena *a, int64_t t);
/* A length of seconds as a player shows it: "1:02:03" or "4:05". */
const char *duration_text(struct arena *a, int64_t t);
/* A post as a template map (title, url, date, excerpt, counts...). */
struct tval *post_model(struct site *s, struct arena *a, const struct post *p);
/* A book: title, url, order_url, and epub/pdf/cover links when present. */
struct tval *book_model(struct site *s, struct arena *a, const struct book *b);
/* "/" PREFIX "/" percent-encoded slug "/" (a section's or tag's pages),
 * or NULL past LIM_URL_BYTES. */
const char *site_scope_path(struct arena *a, const char *prefix,
                            const char *slug);

/* comments.c: threads under a post, the form, the comments JSON API */
/* Add the page-th page of p's threads, the form and notices to pm; -1
 * with no such page. */
int comments_model(struct site *s, struct req *r, struct tval *pm,
                   const struct post *p, int64_t page);
/* What comments_model() reads of p's threads for page, into r's
 * by_activity, threads and offset (none: threads stays 0). */
void comments_reads(struct site *s, const struct post *p, int64_t page,
                    struct post_reads *r);
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
 * them apart by r->path), sitemaps, robots.txt.  The links to them in
 * every page's <head> are layout.c's.
 */
void feed_get(void *ctx, struct req *r, struct resp *rs);
/* /feed/rss2/, /feed/rss/, /feed/rdf/: 301 to /feed/ (lists.c). */
void feed_alias_get(void *ctx, struct req *r, struct resp *rs);
void post_comments_feed_get(void *ctx, struct req *r, struct resp *rs);
void sitemap_get(void *ctx, struct req *r, struct resp *rs);
void robots_get(void *ctx, struct req *r, struct resp *rs);

/* lists.c: pages that list posts, paginated with /page/N/ */
void home_get(void *ctx, struct req *r, struct resp *rs);
void section_get(void *ctx, struct req *r, struct resp *rs);
/* river.c: an aggregator section's page (section_get hands it over),
 * and its feed (feed_get hands it over; format an enum xml_feed_format). */
void river_get(struct site *s, struct req *r, struct resp *rs,
               const struct section *sec);
void river_feed(struct site *s, struct req *r, struct resp *rs,
                const struct section *sec, int format);
/* The newest limit headlines of every source, as m's list "river" (none
 * when there are none): the dashboard's column. */
void river_column(struct site *s, struct arena *a, struct tval *m, int limit);
/* feeds.c: write feed f of v[0..n) into rs (without full content when it
 * would not fit). */
struct xml_feed;
struct xml_entry;
void site_feed_send(struct resp *rs, struct xml_feed *f, struct xml_entry *v,
                    size_t n);
void tag_get(void *ctx, struct req *r, struct resp *rs);
void archive_get(void *ctx, struct req *r, struct resp *rs);
void books_get(void *ctx, struct req *r, struct resp *rs);

/* pages.c: single items */
void book_get(void *ctx, struct req *r, struct resp *rs);
void book_file_get(void *ctx, struct req *r, struct resp *rs);
/* podcast.c: the podcast feed (sec NULL: every episode), an episode's
 * audio, transcript and chapters in pm, podcast:guid of a feed URL. */
void podcast_feed(struct site *s, struct req *r, struct resp *rs,
                  const struct section *sec);
void podcast_feed_get(void *ctx, struct req *r, struct resp *rs);
void episode_model(struct site *s, struct arena *a, struct tval *pm,
                   int64_t id);
const char *podcast_guid(struct arena *a, const char *feed_url);
/* watch.c: a post's video in pm ("video"); the provider's player URL or
 * NULL; the page's frame policy for a player on a PeerTube instance. */
const char *video_model(struct site *s, struct arena *a, struct tval *pm,
                        int64_t id);
void video_frame_policy(struct arena *a, struct resp *rs, const char *player);
void episode_get(void *ctx, struct req *r, struct resp *rs);
void post_get(void *ctx, struct req *r, struct resp *rs);
/* A permalink dated off the post's local date: 301 to its own plus rest;
 * 1 when answered (pages.c). */
int permalink_moved(struct site *s, struct req *r, struct resp *rs,
                    const struct post *p, int y, int mo, int d,
                    const char *rest);
void page_get(void *ctx, struct req *r, struct resp *rs);
void static_get(void *ctx, struct req *r, struct resp *rs);
void media_get(void *ctx, struct req *r, struct resp *rs);
void health_get(void *ctx, struct req *r, struct resp *rs);
/* metrics.c */
void metrics_get(void *ctx, struct req *r, struct resp *rs);
void favicon_get(void *ctx, struct req *r, struct resp *rs);

/* search.c: /search?q= (and /?s=, from home_get), /api/v1/search */
void search_get(void *ctx, struct req *r, struct resp *rs);
void api_search_get(void *ctx, struct req *r, struct resp *rs);

/* unsubscribe.c: the link in reply notifications (notify/) */
void unsubscribe_handler(void *ctx, struct req *r, struct resp *rs);

#endif
