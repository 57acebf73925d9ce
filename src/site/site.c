#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "../auth/auth.h"
#include "../http/route.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/embed.h"
#include "../util/i18n.h"
#include "../core/settings.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/metrics.h"
#include "../util/banned.h"

static void route(struct site *s, struct req *r, struct resp *rs);

/* The public site's routes; the admin's are handed in (site_services)
 * and tried after these, before routes_last's catch-all page. */
static const struct route routes[] = {
	{ROUTE_GET, "/", home_get},
	{ROUTE_GET, "/page/#/", home_get},
	{ROUTE_GET | ROUTE_POST, "/#/#/#/:/", post_get}, /* POST: passwords */
	{ROUTE_GET | ROUTE_POST, "/#/#/#/:/comment-page-#/",
         post_get}, /* POST: passwords */
	{ROUTE_GET, "/#/#/#/:/feed/", post_comments_feed_get},
	{ROUTE_POST, "/comments", comment_form_post},
	{ROUTE_GET, "/submit/", submit_get},
	{ROUTE_POST, "/submit", submit_post},
	{ROUTE_POST, "/api/v1/comments", api_comment_post},
	{ROUTE_GET, "/api/v1/posts/#/comments", api_post_comments_get},
	{ROUTE_GET | (1u << HTTP_PUT) | (1u << HTTP_DELETE),
         "/api/v1/comments/#", api_comment_own},
	{ROUTE_GET, "/category/:/", section_get},
	{ROUTE_GET, "/category/:/page/#/", section_get},
	{ROUTE_GET, "/tag/:/", tag_get},
	{ROUTE_GET, "/tag/:/page/#/", tag_get},
	{ROUTE_GET, "/#/", archive_get},
	{ROUTE_GET, "/#/page/#/", archive_get},
	{ROUTE_GET, "/#/#/", archive_get},
	{ROUTE_GET, "/#/#/page/#/", archive_get},
	{ROUTE_GET, "/#/#/#/", archive_get},
	{ROUTE_GET, "/#/#/#/page/#/", archive_get},
	{ROUTE_GET, "/books/", books_get},
	{ROUTE_GET, "/books/:/", book_get},
	{ROUTE_GET, "/books/:/epub/", book_file_get},
	{ROUTE_GET, "/books/:/pdf/", book_file_get},
	{ROUTE_GET, "/podcast/feed/", podcast_feed_get},
	{ROUTE_GET, "/podcast/:/", episode_get},
	/* JSON API (api.c) */
	{ROUTE_POST, "/api/v1/views/#", api_views_post},
	{ROUTE_GET, "/api/v1/popular", api_popular_get},
	{ROUTE_GET, "/api/v1/search", api_search_get},
	{ROUTE_GET | ROUTE_POST, "/search", search_get},
	/* feeds and discovery (feeds.c); feed_get reads the path */
	{ROUTE_GET, "/feed/", feed_get},
	{ROUTE_GET, "/feed/atom/", feed_get},
	{ROUTE_GET, "/feed/rss2/", feed_alias_get}, /* WordPress's names */
	{ROUTE_GET, "/feed/rss/", feed_alias_get},
	{ROUTE_GET, "/feed/rdf/", feed_alias_get},
	{ROUTE_GET, "/comments/feed/", feed_get},
	{ROUTE_GET, "/category/:/feed/", feed_get},
	{ROUTE_GET, "/category/:/feed/atom/", feed_get},
	{ROUTE_GET, "/tag/:/feed/", feed_get},
	{ROUTE_GET, "/tag/:/feed/atom/", feed_get},
	{ROUTE_GET, "/sitemap.xml", sitemap_get},
	{ROUTE_GET, "/sitemap-:", sitemap_get}, /* sitemap-N.xml */
	{ROUTE_GET, "/robots.txt", robots_get},
	{ROUTE_GET | ROUTE_POST, "/unsubscribe", unsubscribe_handler},
	{ROUTE_GET, "/static/:", static_get},
	{ROUTE_GET, "/media/*", media_get},
	{ROUTE_GET, "/healthz", health_get},
	{ROUTE_GET, "/metrics", metrics_get},
};

/* Tried after the site's own routes and the ones handed in. */
static const struct route routes_last[] = {
	{ROUTE_GET, "/favicon.ico", favicon_get},
	{ROUTE_GET | ROUTE_POST, "/:/", page_get}, /* POST: passwords */
};

/* Compile src under name with its {{#_}} texts in cat's language. */
static int
tmpl_add(struct tmpl_set *set, const struct i18n *cat, const char *name,
         const char *src, size_t n, struct error *e)
{
	struct buf b;
	int rc;

	if (memmem(src, n, "{{#_}}", 6) == NULL)
		return tmpl_set_add(set, name, src, n, e);
	buf_init(&b, LIM_TMPL_BYTES);
	rc = i18n_tmpl(cat, src, n, &b, e);
	if (rc == -1)
		error_set(e, e->code, "template '%s': %s", name, e->msg);
	else
		rc = tmpl_set_add(set, name, buf_str(&b), b.len, e);
	buf_release(&b);
	return rc;
}

/* Read SITE/templates/NAME files over the embedded ones. */
static int
load_overrides(struct tmpl_set *set, const struct i18n *cat, const char *dir,
               struct error *e)
{
	char path[4096];
	DIR *d;
	struct dirent *de;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/templates", dir);
	d = opendir(path);
	if (d == NULL)
		return errno == ENOENT
		               ? 0
		               : error_set(e, ERR_IO, "cannot read '%s': %s",
		                           path, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		struct buf b;
		FILE *f;
		char chunk[8192];
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/templates/%s", dir,
		         de->d_name);
		f = fopen(path, "rb");
		if (f == NULL) {
			rc = error_set(e, ERR_IO, "cannot read '%s': %s", path,
			               strerror(errno));
			break;
		}
		buf_init(&b, LIM_TMPL_BYTES);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			if (buf_add(&b, chunk, n) == -1) {
				rc = error_set(e, ERR_TOO_BIG,
				               "template '%s' is over %d bytes",
				               path, LIM_TMPL_BYTES);
				break;
			}
		fclose(f);
		if (rc == 0)
			rc = tmpl_add(set, cat, de->d_name, buf_str(&b), b.len,
			              e);
		buf_release(&b);
	}
	closedir(d);
	return rc;
}

/* The embedded templates, then SITE/templates/ over them. */
static int
templates_load(struct tmpl_set *set, const struct i18n *cat, const char *dir,
               struct error *e)
{
	for (const struct embed_file *f = embed_templates; f->name; f++)
		if (tmpl_add(set, cat, f->name, f->data, f->len, e) == -1)
			return -1;
	return load_overrides(set, cat, dir, e);
}

/* What site_reload() replaced, freed with the site. */
struct old_tmpl {
	struct tmpl_set *set;
	char *token;
	struct old_tmpl *next;
};

struct tmpl_set *
site_tmpl(struct site *s)
{
	return atomic_load_explicit(&s->tmpl, memory_order_acquire);
}

const struct i18n *
site_cat(struct site *s)
{
	return atomic_load_explicit(&s->cat, memory_order_acquire);
}

const char *
site_metrics_token(const struct site *s)
{
	return atomic_load_explicit(&((struct site *)(uintptr_t)s)
	                                     ->metrics_token,
	                            memory_order_acquire);
}

/* Templates again in cat's language; with token set, the metrics token
 * too (*token: the new one, NULL: none). */
static int
reload(struct site *s, const struct i18n *cat, char *const *token,
       struct error *e)
{
	struct tmpl_set *set = tmpl_set_new();
	struct old_tmpl *old;

	if (templates_load(set, cat, s->dir, e) == -1) {
		tmpl_set_free(set);
		return -1;
	}
	old = xcalloc(1, sizeof(*old));
	pthread_mutex_lock(&s->reload_lock);
	old->set = atomic_exchange(&s->tmpl, set);
	atomic_store_explicit(&s->cat, cat, memory_order_release);
	if (token != NULL)
		old->token = atomic_exchange(&s->metrics_token,
		                             *token ? xstrdup(*token) : NULL);
	old->next = s->old_tmpls;
	s->old_tmpls = old;
	pthread_mutex_unlock(&s->reload_lock);
	/* Pages, the sidebar and the snapshot were made with the old set. */
	store_generation_bump(s->store);
	return 0;
}

int
site_reload(struct site *s, const char *metrics_token, struct error *e)
{
	char *token = (char *)(uintptr_t)metrics_token;

	return reload(s, site_cat(s), &token, e);
}

int
site_relang(struct site *s, const struct i18n *cat, struct error *e)
{
	if (cat == site_cat(s))
		return 0;
	return reload(s, cat, NULL, e);
}

struct route *
site_routes_join(const struct route *extra, size_t nextra, size_t *n)
{
	size_t nown = sizeof(routes) / sizeof(routes[0]);
	size_t nlast = sizeof(routes_last) / sizeof(routes_last[0]);
	struct route *all = xcalloc(nown + nextra + nlast, sizeof(*all));

	memcpy(all, routes, sizeof(routes));
	if (nextra > 0)
		memcpy(all + nown, extra, nextra * sizeof(*extra));
	memcpy(all + nown + nextra, routes_last, sizeof(routes_last));
	*n = nown + nextra + nlast;
	return all;
}

struct site *
site_new(struct store *st, const struct site_services *svc, const char *dir,
         const char *url, struct error *e)
{
	struct site *s = xcalloc(1, sizeof(*s));
	size_t n = strlen(url);

	pthread_rwlock_init(&s->snap_lock, NULL);
	s->store = st;
	s->routes = site_routes_join(svc->routes, svc->nroutes, &s->nroutes);
	s->views = svc->views;
	s->comments = svc->comments;
	s->notify = svc->notify;
	atomic_init(&s->tmpl, tmpl_set_new());
	atomic_init(&s->cat, site_language(st));
	pthread_mutex_init(&s->reload_lock, NULL);
	atomic_init(&s->metrics_token,
	            svc->metrics_token ? xstrdup(svc->metrics_token) : NULL);
	s->cache = cache_new(svc->cache_bytes);
	s->throttle = throttle_new();
	s->sidebar = sidebar_new();
	while (n > 0 && url[n - 1] == '/')
		n--;
	s->url = xstrdup(url);
	s->dir = xstrdup(dir);
	s->url[n] = '\0';
	if (templates_load(s->tmpl, s->cat, dir, e) == -1)
		goto fail;
	if (site_snap_load(s, e) == -1)
		goto fail;
	if (store_secret(st, "login", s->login_key, sizeof(s->login_key), e) ==
	    -1)
		goto fail;
	return s;
fail:
	site_free(s);
	return NULL;
}

void
site_free(struct site *s)
{
	if (s == NULL)
		return;
	tmpl_set_free(s->tmpl);
	while (s->old_tmpls != NULL) {
		struct old_tmpl *next = s->old_tmpls->next;

		tmpl_set_free(s->old_tmpls->set);
		free(s->old_tmpls->token);
		free(s->old_tmpls);
		s->old_tmpls = next;
	}
	free(s->metrics_token);
	pthread_mutex_destroy(&s->reload_lock);
	free(s->routes);
	cache_free(s->cache);
	throttle_free(s->throttle);
	sidebar_free(s->sidebar);
	free(s->url);
	free(s->dir);
	site_snap_free(s->snap);
	pthread_rwlock_destroy(&s->snap_lock);
	free(s);
}

static void
plain(struct resp *rs, int status, const char *text)
{
	rs->status = status;
	rs->content_type = "text/plain; charset=utf-8";
	buf_reset(&rs->body);
	if (buf_puts(&rs->body, text) == -1)
		return;
}

/*
 * Anonymous GET and HEAD answers may come from the page cache; a request
 * carrying a cookie (a signed-in user, later) never does.
 */
static int
cacheable(const struct req *r)
{
	return (r->method == HTTP_GET || r->method == HTTP_HEAD) &&
	       req_header(r, "Cookie") == NULL;
}

/*
 * The CPU time this thread spent making a page the cache did not hold
 * (its reads, model, template and compression, not the network), as
 * Server-Timing "render;dur=MS" (W3C Server Timing): what a cache miss
 * costs, per request, for bench/site.sh and for anyone with a browser's
 * network panel.  On PostgreSQL also how many times the page waited for
 * the database, `db;desc="N round trips"` (an article: 4, decision 101).
 * Cached answers do not carry it.
 */
static void
server_timing(struct req *r, struct resp *rs, const struct timespec *t0,
              unsigned long trips)
{
	struct timespec t1;
	double ms;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	ms = ((double)(t1.tv_sec - t0->tv_sec) * 1e9 +
	      (double)(t1.tv_nsec - t0->tv_nsec)) /
	     1e6;
	(void)resp_header(rs, "Server-Timing",
	                  trips > 0
	                          ? arena_printf(r->arena,
	                                         "render;dur=%.3f, "
	                                         "db;desc=\"%lu round trips\"",
	                                         ms, trips)
	                          : arena_printf(r->arena, "render;dur=%.3f",
	                                         ms));
}

/*
 * An anonymous GET or HEAD may be answered from the page cache; on a miss
 * its reads share one read transaction.  The store's numbers are read
 * before anything else, so a change committed while the page is made
 * leaves a copy that is already stale, never one that looks fresh.
 */
void
site_handle(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	const char *key = NULL;
	struct cache_stamp st = {store_generation(s->store),
	                         store_post_clock(s->store),
	                         views_serial(s->views), 0};
	int gzip = req_accepts_gzip(r);
	struct timespec t0;
	unsigned long trips;

	if (!cacheable(r)) {
		route(s, r, rs);
		return;
	}
	key = *r->query ? arena_printf(r->arena, "%s?%s", r->path, r->query)
	                : r->path;
	if (cache_get(s, r, key, st.version, gzip, rs)) {
		metrics_add(METRIC_CACHE_HITS, 1);
		return;
	}
	metrics_add(METRIC_CACHE_MISSES, 1);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	site_refresh(s);
	st.sidebar0 = sidebar_serial(s);
	trips = store_round_trips(s->store);
	store_read_begin(s->store);
	route(s, r, rs);
	store_read_end(s->store);
	trips = store_round_trips(s->store) - trips;
	if (rs->status == 200 && rs->etag[0] == '\0' && rs->file_fd < 0)
		resp_prepare(rs, gzip);
	cache_put(s, key, &st, rs);
	/* After the copy is kept: a later hit does not repeat this figure. */
	server_timing(r, rs, &t0, trips);
}

/* "GET, HEAD, POST" for the methods r->allow names (RFC 9110 10.2.1). */
static const char *
allow_header(const struct req *r)
{
	const char *out = "";

	for (int m = 0; m < HTTP_OTHER; m++)
		if (r->allow & (1u << m))
			out = arena_printf(r->arena, "%s%s%s", out,
			                   *out ? ", " : "",
			                   http_method_names[m]);
	return out;
}

/*
 * A GET of a path one of our own routes has with a slash at its end
 * (/admin/posts, /books, /feed): 301 there with the query, as WordPress's
 * redirect_canonical adds the slash.  The catch-all page route is left
 * out: a page is found by its own path, and an unknown path stays a 404.
 */
static int
slash_redirect(struct site *s, struct req *r, struct resp *rs)
{
	size_t n = strlen(r->path);
	size_t nlast = sizeof(routes_last) / sizeof(routes_last[0]);
	const char *to;

	if ((r->method != HTTP_GET && r->method != HTTP_HEAD) || n == 0 ||
	    r->path[n - 1] == '/')
		return 0;
	to = arena_printf(r->arena, "%s/", r->path);
	if (route_find(s->routes, s->nroutes - nlast, to, r) == -1)
		return 0;
	rs->status = 301;
	(void)resp_header(rs, "Location",
	                  arena_printf(r->arena, "%s%s%s%s", s->url, to,
	                               *r->query ? "?" : "", r->query));
	return 1;
}

static void
route(struct site *s, struct req *r, struct resp *rs)
{
	switch (route_dispatch(s->routes, s->nroutes, s, r, rs)) {
	case ROUTE_OK:
		break;
	case ROUTE_NO_MATCH:
		if (!slash_redirect(s, r, rs))
			page_not_found(s, r, rs);
		break;
	case ROUTE_BAD_PATH:
		plain(rs, 400,
		      "bad request: malformed percent-encoding in the path\n");
		break;
	case ROUTE_BAD_QUERY:
		plain(rs, 400,
		      "bad request: a query argument is badly escaped "
		      "or not UTF-8\n");
		break;
	case ROUTE_BAD_METHOD:
		rs->status = 405;
		if (resp_header(rs, "Allow", allow_header(r)) == -1)
			break;
		if (strncmp(r->path, "/api/", 5) == 0)
			resp_json_error(rs, 405, "method not allowed");
		else
			plain(rs, 405, "method not allowed\n");
		break;
	}
}
