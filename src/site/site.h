#ifndef GAZETTE_SITE_H
#define GAZETTE_SITE_H
/*
 * The reader-facing site: routes, handlers and their view models.  A site
 * owns its compiled templates (embedded ones, overridden by files of the
 * same name in SITE/templates/) and borrows the store.
 */
#include <stdint.h>

#include "../http/http.h"
#include "../http/route.h"
#include "../store/posts.h"

struct site;

/* url: the public base URL without a trailing slash. */
/* What the site's handlers use besides the store; all borrowed. */
struct site_services {
	struct views *views;
	struct comments *comments;
	struct notify *notify; /* NULL: no reply mail */
	size_t cache_bytes;    /* the page cache's budget */
	/* More routes (the admin's), tried after the site's own and before
	 * the catch-all /SLUG/ of a page. */
	const struct route *routes;
	size_t nroutes;
	/* gazette.conf's metrics_token: /metrics for others than loopback
	 * with "Authorization: Bearer TOKEN"; NULL or "": loopback only. */
	const char *metrics_token;
};
struct site *site_new(struct store *st, const struct site_services *svc,
                      const char *dir, const char *url, struct error *e);
void site_free(struct site *s);
/*
 * SIGHUP: read SITE/templates/ again over the embedded templates and take
 * metrics_token, without stopping the server.  A template that does not
 * compile keeps the set in force (-1, e says which); the page cache is
 * emptied, since its pages were made with the old templates.
 */
int site_reload(struct site *s, const char *metrics_token, struct error *e);
/* Every route the server answers, in the order tried: the site's own,
 * extra[0..nextra), then the catch-all page; *n of them, freed with
 * free().  The reserved slugs are read off this table (core/slugs.h). */
struct route *site_routes_join(const struct route *extra, size_t nextra,
                               size_t *n);
/* The server's request handler (ctx is the site). */
void site_handle(void *ctx, struct req *r, struct resp *rs);
/* The headers every answer carries unless its handler set its own
 * (headers.c: Content-Security-Policy, X-Frame-Options, nosniff,
 * Referrer-Policy); {NULL, NULL}-terminated, for server_start(). */
extern const struct header site_headers[];
/*
 * The site's Content-Security-Policy (headers.c), frame-src last, so a
 * page that frames one more origin (a PeerTube instance, site/watch.c)
 * appends it.
 */
#define SITE_CSP_FRAMES                                                        \
	"default-src 'self'; script-src 'self'; style-src 'self'; "            \
	"img-src * data:; media-src *; object-src 'none'; base-uri 'self'; "   \
	"form-action 'self'; frame-ancestors 'none'; "                         \
	"frame-src " VIDEO_PLAYER_ORIGINS

/* schedule.c: publishes scheduled items at their time (a thread). */
struct scheduler;
struct scheduler *scheduler_start(struct store *st, struct error *e);
/* From now on its thread also keeps s's sidebar fresh (site_tick()), so
 * that no reader's request waits for it to be made again; before
 * site_free(s), scheduler_stop(). */
void scheduler_watch(struct scheduler *sc, struct site *s);
void scheduler_stop(struct scheduler *sc);
/* cache.c: give free heap pages back to the system when the page cache
 * has freed much since the last time (the scheduler's thread calls it,
 * off the request path). */
void cache_tidy(void);

/* The path of an item, slug percent-encoded: "/YYYY/MM/DD/slug/" for a
 * post, "/books/slug/" for a book, "/podcast/slug/" for an episode and
 * "/slug/" for a page. */
const char *site_permalink(struct arena *a, const struct post *p);

#endif
