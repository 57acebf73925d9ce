/*
 * The page around every handler's content: the model of the layout (the
 * site's title, navigation and message from the snapshot, the sidebar,
 * the <head> discovery links), rendering a template, and the 404 page
 * (after an old WordPress address of an imported site is tried).  Above
 * the sidebar, the snapshot and model.c; below every handler, so the
 * feeds and the pages use it without anything below using them.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/text.h"
#include "../util/banned.h"

static void
add_feed(struct arena *a, struct tval *list, const char *type,
         const char *title, const char *url)
{
	struct tval *f = tval_push(a, list, tval_map(a));

	tval_set_str(a, f, "type", type);
	tval_set_str(a, f, "title", title);
	tval_set_str(a, f, "url", url);
}

/*
 * The section or tag a page belongs to, from its path: /category/SLUG/...
 * or /tag/SLUG/...; adds that scope's feeds.
 */
static void
scope_feeds(struct site *s, struct req *r, struct tval *list)
{
	struct arena *a = r->arena;
	const char *prefix, *seg, *slash, *slug, *name, *base;
	int64_t id;
	struct error e;
	int rc;

	if (strncmp(r->path, "/category/", 10) == 0)
		prefix = "category";
	else if (strncmp(r->path, "/tag/", 5) == 0)
		prefix = "tag";
	else
		return;
	seg = r->path + strlen(prefix) + 2;
	slash = strchr(seg, '/');
	if (slash == seg || *seg == '\0')
		return;
	slug = url_decode(a, seg, slash ? (size_t)(slash - seg) : strlen(seg),
	                  0);
	if (slug == NULL)
		return;
	rc = *prefix == 'c'
	             ? store_section_by_slug(s->store, a, slug, &id, &name, &e)
	             : store_tag_by_slug(s->store, a, slug, &id, &name, &e);
	base = rc == 0 ? site_scope_path(a, prefix, slug) : NULL;
	if (base == NULL)
		return;
	add_feed(a, list, "application/rss+xml",
	         arena_printf(a, "%s \xE2\x80\x93 %s (RSS)", site_title(s, a),
	                      name),
	         arena_printf(a, "%s%sfeed/", s->url, base));
	add_feed(a, list, "application/atom+xml",
	         arena_printf(a, "%s \xE2\x80\x93 %s (Atom)", site_title(s, a),
	                      name),
	         arena_printf(a, "%s%sfeed/atom/", s->url, base));
}

/*
 * What <head> needs on every page: "feeds", the alternate links (the
 * site's RSS, Atom and comments feeds, and on a section's or tag's pages
 * its own).  OpenGraph and Twitter meta come from what page_model() set
 * (title, canonical, site) and, at render time, from the "post" a handler
 * adds (og:type article, description from the excerpt): see head.html.
 */
static void
discovery_model(struct site *s, struct req *r, struct tval *m)
{
	struct arena *a = r->arena;
	struct tval *feeds = tval_set(a, m, "feeds", tval_list(a));

	add_feed(a, feeds, "application/rss+xml",
	         arena_printf(a, "%s (RSS)", site_title(s, a)),
	         arena_printf(a, "%s/feed/", s->url));
	add_feed(a, feeds, "application/atom+xml",
	         arena_printf(a, "%s (Atom)", site_title(s, a)),
	         arena_printf(a, "%s/feed/atom/", s->url));
	add_feed(a, feeds, "application/rss+xml",
	         i18n_sub(a, i18n_text(site_cat(s), "%s \xE2\x80\x93 comments"),
	                  site_title(s, a)),
	         arena_printf(a, "%s/comments/feed/", s->url));
	scope_feeds(s, r, feeds);
}

struct tval *
page_model(struct site *s, struct req *r, const char *title,
           const char *canonical_path)
{
	struct arena *a = r->arena;
	struct tval *m = tval_map(a);
	struct tval *site = tval_set(a, m, "site", tval_map(a));
	struct tval *nav = tval_set(a, site, "nav", tval_list(a));
	const struct site_snap *sn;

	tval_set_str(a, site, "url", s->url);
	tval_set_str(a, site, "lang", i18n_lang(site_cat(s)));
	tval_set_str(a, m, "title", title);
	tval_set_str(a, m, "canonical",
	             arena_printf(a, "%s%s", s->url, canonical_path));
	discovery_model(s, r, m);
	tval_set_str(a, m, "sidebar_html", sidebar_html(s, a));
	site_refresh(s);
	pthread_rwlock_rdlock(&s->snap_lock);
	sn = s->snap;
	tval_set_str(a, site, "title", arena_strdup(a, sn->title));
	tval_set_str(a, site, "tagline", arena_strdup(a, sn->tagline));
	if (*sn->support_url != '\0')
		tval_set_str(a, site, "support_url",
		             arena_strdup(a, sn->support_url));
	if (sn->msg_text != NULL) {
		struct tval *msg = tval_set(a, site, "message", tval_map(a));

		tval_set_str(a, msg, "text", arena_strdup(a, sn->msg_text));
		if (sn->msg_url != NULL) {
			tval_set_str(a, msg, "url",
			             arena_strdup(a, sn->msg_url));
			tval_set_str(a, msg, "title",
			             arena_strdup(a, sn->msg_title));
		}
	}
	for (size_t i = 0; i < sn->nnav; i++) {
		struct tval *it = tval_push(a, nav, tval_map(a));

		tval_set_str(a, it, "name", arena_strdup(a, sn->nav[i].name));
		tval_set_str(a, it, "url", arena_strdup(a, sn->nav[i].url));
		if (sn->nav[i].newest != NULL)
			tval_set_str(a, it, "newest",
			             arena_strdup(a, sn->nav[i].newest));
	}
	pthread_rwlock_unlock(&s->snap_lock);
	return m;
}

/* The room a page's body gets before its template runs. */
#define PAGE_BODY_START (32 * 1024)

void
page_render(struct site *s, struct req *r, struct resp *rs, const char *name,
            struct tval *model)
{
	struct error e;

	(void)r;
	/* A page is some 15-40 KB: room for it at once, not a dozen
	 * doublings from 64 bytes (under a smaller body limit, it grows as
	 * it goes). */
	if (rs->body.cap == 0 && buf_grow(&rs->body, PAGE_BODY_START) == -1)
		buf_reset(&rs->body);
	if (tmpl_render(site_tmpl(s), name, model, &rs->body, &e) == -1) {
		log_error("render %s: %s", name, e.msg);
		buf_reset(&rs->body);
		rs->status = 500;
		rs->content_type = "text/plain; charset=utf-8";
		if (buf_puts(&rs->body, "internal error\n") == -1)
			return;
	}
}

/*
 * An old WordPress permalink of an imported site (legacy_paths, migration
 * 006): 301 to where the item lives now, when it is public.  Consulted
 * only on the way to a 404, so current URLs never pay for it; a target
 * equal to the request (an item that is not public) is a 404, not a loop.
 */
static int
legacy_redirect(struct site *s, struct req *r, struct resp *rs)
{
	struct arena *a = r->arena;
	const char *path, *url, *to = NULL;
	struct post p;
	struct error e;
	int64_t id;
	size_t n = strlen(r->path);

	if (r->method != HTTP_GET && r->method != HTTP_HEAD)
		return 0;
	path = url_decode(a, r->path, n, 0);
	if (path == NULL)
		return 0;
	if (store_legacy_path(s->store, a, path, &id, &url, &e) == -1 &&
	    (n == 0 || r->path[n - 1] == '/' ||
	     store_legacy_path(s->store, a, arena_printf(a, "%s/", path), &id,
	                       &url, &e) == -1))
		return 0;
	if (id != 0 && store_post_get(s->store, a, id, &p, &e) == 0 &&
	    p.status == POST_PUBLISHED && p.published_at <= clock_now())
		to = arena_printf(a, "%s%s", s->url, site_permalink(a, &p));
	else if (id == 0 && *url == '/')
		to = arena_printf(a, "%s%s", s->url, url);
	else if (id == 0 && *url != '\0')
		to = url; /* an attachment's file, still on the old host */
	if (to == NULL || (strncmp(to, s->url, strlen(s->url)) == 0 &&
	                   strcmp(to + strlen(s->url), r->path) == 0))
		return 0;
	rs->status = 301;
	(void)resp_header(rs, "Location", to);
	return 1;
}

void
page_not_found(struct site *s, struct req *r, struct resp *rs)
{
	struct tval *m;

	if (legacy_redirect(s, r, rs))
		return;
	m = page_model(s, r, i18n_text(site_cat(s), "Page not found"), r->path);
	rs->status = 404;
	page_render(s, r, rs, "404.html", m);
}
