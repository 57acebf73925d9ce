/*
 * Feeds: RSS 2.0 and Atom for the site, each section and tag, and the
 * site's comments; sitemaps; robots.txt.  What every page's <head> needs
 * to find them is layout.c's.
 *
 * GUIDs.  An item's id is the WordPress-style shortlink of its post,
 * URL/?p=ID (isPermaLink="false" in RSS, the entry id in Atom), and a
 * comment's is URL/?p=POST#comment-ID: they depend on nothing an editor
 * can change (title, slug, date, section), so a reader never shows an
 * edited post twice, and they still lead to the post, since /?p=ID
 * answers with a 301 to the permalink.  They change only if the site's
 * url does, which moves every link anyway.  WordPress mints its GUIDs
 * the same way.
 */
#include <string.h>

#include "internal.h"
#include "../render/xml.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

static int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static void
server_error(struct resp *rs, const char *what, const struct error *e)
{
	log_error("%s: %s", what, e->msg);
	buf_reset(&rs->body);
	rs->status = 500;
	rs->content_type = "text/plain; charset=utf-8";
	rs->last_modified = 0;
	if (buf_puts(&rs->body, "internal error\n") == -1)
		return;
}

/*
 * Write the feed into the response.  Full bodies of LIM_FEED_ITEMS long
 * posts can pass the response cap; then the feed goes out without them
 * (titles, links and summaries only) rather than not at all.
 */
void
site_feed_send(struct resp *rs, struct xml_feed *f, struct xml_entry *v,
               size_t n)
{
	struct error e;

	rs->content_type = f->format == XML_ATOM
	                           ? "application/atom+xml; charset=utf-8"
	                           : "application/rss+xml; charset=utf-8";
	f->updated = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].published > f->updated)
			f->updated = v[i].published;
		if (v[i].updated > f->updated)
			f->updated = v[i].updated;
	}
	rs->last_modified = f->updated;
	if (xml_feed_write(&rs->body, f, v, n, &e) == 0)
		return;
	if (e.code == ERR_TOO_BIG) {
		log_info("feed %s: %s; sending it without full content",
		         f->self, e.msg);
		for (size_t i = 0; i < n; i++)
			v[i].content_html = NULL;
		if (xml_feed_write(&rs->body, f, v, n, &e) == 0)
			return;
	}
	server_error(rs, "feed", &e);
}

/* /comments/feed/: the newest approved comments of the whole site, or
 * with post (/YYYY/MM/DD/slug/feed/) of that post alone. */
static void
comments_feed(struct site *s, struct req *r, struct resp *rs,
              const struct post *post)
{
	struct arena *a = r->arena;
	const struct i18n *cat = site_cat(s);
	struct comment_on_post *c;
	struct xml_entry *v;
	struct xml_feed f = {0};
	size_t n;
	struct error e;

	/* Fresh after any comment (the site's feed) or one on post. */
	rs->cache_dep = post ? post->id : STORE_ANY_POST;

	if (store_newest_comments(s->store, a, clock_now(), post ? post->id : 0,
	                          LIM_FEED_ITEMS, &c, &n, &e) == -1) {
		server_error(rs, "comments feed", &e);
		return;
	}
	f.format = XML_RSS;
	f.language = i18n_lang(cat);
	f.title = i18n_sub(a, i18n_text(cat, "Comments on %s"),
	                   post ? post->title : site_title(s, a));
	f.link = post ? arena_printf(a, "%s%s", s->url, site_permalink(a, post))
	              : arena_printf(a, "%s/", s->url);
	f.self = post ? arena_printf(a, "%s%sfeed/", s->url,
	                             site_permalink(a, post))
	              : arena_printf(a, "%s/comments/feed/", s->url);
	f.description = site_tagline(s, a);
	f.author = site_title(s, a);
	v = arena_zalloc(a, (n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const char *author = *c[i].c.author_name
		                             ? c[i].c.author_name
		                             : i18n_text(cat, "Anonymous");

		/* TRANSLATORS: a comment in the comments feed: the post's
		 * title, then the commenter's name. */
		v[i].title = i18n_sub2(a, i18n_text(cat, "Comment on %s by %s"),
		                       c[i].post.title, author);
		v[i].link = arena_printf(a, "%s%s#comment-%lld", s->url,
		                         site_permalink(a, &c[i].post),
		                         (long long)c[i].c.id);
		v[i].id = arena_printf(a, "%s/?p=%lld#comment-%lld", s->url,
		                       (long long)c[i].post.id,
		                       (long long)c[i].c.id);
		v[i].author = author;
		/* The comment's Markdown source is its plain text. */
		v[i].summary = c[i].c.body_src;
		v[i].content_html = c[i].c.body_html;
		v[i].published = c[i].c.created_at;
		v[i].updated = c[i].c.created_at;
	}
	site_feed_send(rs, &f, v, n);
}

/*
 * Every feed route: /feed/, /feed/atom/, /comments/feed/,
 * /category/SLUG/feed/[atom/] and /tag/SLUG/feed/[atom/] (r->params[0]
 * holds the decoded slug).  An unknown section or tag is a 404.
 */
void
feed_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	enum post_scope scope = SCOPE_SITE;
	int64_t scope_id = 0;
	const char *name = NULL, *base = "/";
	struct xml_feed f = {0};
	struct xml_entry *v;
	struct post *p;
	size_t n;
	struct error e;
	int rc = 0;

	if (starts_with(r->path, "/comments/")) {
		comments_feed(s, r, rs, NULL);
		return;
	}
	if (starts_with(r->path, "/category/") && r->nparams == 1) {
		scope = SCOPE_SECTION;
		base = site_scope_path(a, "category", r->params[0]);
		rc = store_section_by_slug(s->store, a, r->params[0], &scope_id,
		                           &name, &e);
	} else if (starts_with(r->path, "/tag/") && r->nparams == 1) {
		scope = SCOPE_TAG;
		base = site_scope_path(a, "tag", r->params[0]);
		rc = store_tag_by_slug(s->store, a, r->params[0], &scope_id,
		                       &name, &e);
	}
	if (rc == -1 && e.code != ERR_NOT_FOUND) {
		server_error(rs, "feed", &e);
		return;
	}
	if (rc == 0 && scope == SCOPE_SECTION) {
		struct section sec;

		/* an aggregator's feed is its river */
		if (store_section_find(s->store, a, r->params[0], &sec, &e) ==
		            0 &&
		    sec.id == scope_id && sec.kind == SECTION_AGGREGATOR) {
			river_feed(s, r, rs, &sec,
			           ends_with(r->path, "/atom/") ? XML_ATOM
			                                        : XML_RSS);
			return;
		}
		/* a podcast section's RSS feed is its podcast (podcast.c) */
		if (sec.id == scope_id && sec.kind == SECTION_PODCAST &&
		    !ends_with(r->path, "/atom/")) {
			podcast_feed(s, r, rs, &sec);
			return;
		}
	}
	if (rc == -1 || base == NULL) {
		page_not_found(s, r, rs);
		return;
	}
	if (store_newest_posts(s->store, a, scope, scope_id, clock_now(),
	                       LIM_FEED_ITEMS, &p, &n, &e) == -1) {
		server_error(rs, "feed", &e);
		return;
	}
	f.format = ends_with(r->path, "/atom/") ? XML_ATOM : XML_RSS;
	f.language = i18n_lang(site_cat(s));
	f.title = name ? arena_printf(a, "%s \xE2\x80\x93 %s", site_title(s, a),
	                              name)
	               : site_title(s, a);
	f.link = arena_printf(a, "%s%s", s->url, base);
	f.self = arena_printf(a, "%s%sfeed/%s", s->url, base,
	                      f.format == XML_ATOM ? "atom/" : "");
	f.description = site_tagline(s, a);
	f.author = site_title(s, a);
	v = arena_zalloc(a, (n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const char *link = arena_printf(a, "%s%s", s->url,
		                                site_permalink(a, &p[i]));

		v[i].title = p[i].title;
		v[i].link = link;
		v[i].id = arena_printf(a, "%s/?p=%lld", s->url,
		                       (long long)p[i].id);
		v[i].author = p[i].author_name;
		v[i].category = p[i].section_name;
		v[i].summary = p[i].excerpt;
		v[i].content_html = p[i].body_html;
		v[i].comments = arena_printf(a, "%s#comments", link);
		v[i].published = p[i].published_at;
		v[i].updated = p[i].updated_at;
	}
	site_feed_send(rs, &f, v, n);
}

/*
 * The URLs of the site in sitemap order: the front page, the sections,
 * then published posts and pages by id (store_sitemap_list), each at
 * place 1 + sections + id - 1, so ids that are not listed (drafts, say)
 * leave their places empty.  Past LIM_SITEMAP_URLS places, /sitemap.xml
 * becomes an index of /sitemap-1.xml ... /sitemap-N.xml, each holding
 * LIM_SITEMAP_URLS places: a file reads one range of ids, never an
 * OFFSET into the site, and an old URL stays in the same file as the
 * site grows (until a section is added).
 */
struct sitemap_urls {
	int64_t now; /* one instant for the count and the list */
	int64_t total, last, newest;
	struct section *secs;
	size_t nsec;
};

/* Write the URLs [from, to) of the order. */
static int
sitemap_range(struct site *s, struct arena *a, const struct sitemap_urls *u,
              int64_t from, int64_t to, struct xml_sitemap *sm, struct error *e)
{
	int64_t first = 1 + (int64_t)u->nsec; /* index of the first item */
	struct arena *tmp;
	struct sitemap_item *it;
	size_t n;

	if (from == 0 && to > 0 &&
	    xml_sitemap_add(sm, arena_printf(a, "%s/", s->url), u->newest) ==
	            -1)
		return 0; /* xml_sitemap_end() reports why */
	for (int64_t i = from > 1 ? from : 1; i < to && i < first; i++) {
		const struct section *sec = &u->secs[i - 1];
		const char *path = site_scope_path(a, "category", sec->slug);

		if (path != NULL &&
		    xml_sitemap_add(sm, arena_printf(a, "%s%s", s->url, path),
		                    sec->newest_at) == -1)
			return 0;
	}
	if (to <= first)
		return 0;
	from = from > first ? from : first;
	/* the place of id is first + id - 1 */
	if (store_sitemap_list(s->store, a, u->now, from - first + 1,
	                       to - first + 1, &it, &n, e) == -1)
		return -1;
	/* One permalink at a time in a scratch arena: up to
	 * LIM_SITEMAP_URLS of them would otherwise pile up in the request's. */
	tmp = arena_new();
	for (size_t i = 0; i < n; i++) {
		struct post p = {0};

		p.type = it[i].type;
		p.slug = it[i].slug;
		p.published_at = it[i].published_at;
		if (xml_sitemap_add(sm,
		                    arena_printf(tmp, "%s%s", s->url,
		                                 site_permalink(tmp, &p)),
		                    it[i].updated_at) == -1)
			break;
		arena_reset(tmp);
	}
	arena_free(tmp);
	return 0;
}

/* "N.xml" with N a sitemap number (no sign, no leading zero); 0 if not. */
static int64_t
sitemap_number(const char *s)
{
	int64_t k = 0;
	size_t i;

	if (s[0] < '1' || s[0] > '9')
		return 0;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i >= 9)
			return 0;
		k = k * 10 + (s[i] - '0');
	}
	return strcmp(s + i, ".xml") == 0 ? k : 0;
}

/* /sitemap.xml and /sitemap-N.xml (r->params[0] is "N.xml"). */
void
sitemap_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct sitemap_urls u = {0};
	struct xml_sitemap *sm;
	int64_t files, k = 0;
	struct error e;
	int rc;

	if (r->nparams == 1) {
		k = sitemap_number(r->params[0]);
		if (k == 0) {
			page_not_found(s, r, rs);
			return;
		}
	}
	u.now = clock_now();
	rc = store_sitemap_last(s->store, u.now, &u.last, &u.newest, &e);
	if (rc == 0)
		rc = store_section_list(s->store, a, u.now, &u.secs, &u.nsec,
		                        &e);
	if (rc == -1) {
		server_error(rs, "sitemap", &e);
		return;
	}
	u.total = 1 + (int64_t)u.nsec + u.last;
	files = (u.total + LIM_SITEMAP_URLS - 1) / LIM_SITEMAP_URLS;
	/* The numbered files exist only when the site needs an index. */
	if (k != 0 && (files == 1 || k > files)) {
		page_not_found(s, r, rs);
		return;
	}
	rs->content_type = "application/xml; charset=utf-8";
	if (k == 0 && files > 1) {
		sm = xml_sitemap_begin(&rs->body, 1);
		for (int64_t i = 1; i <= files; i++)
			if (xml_sitemap_add(sm,
			                    arena_printf(a,
			                                 "%s/sitemap-%lld.xml",
			                                 s->url, (long long)i),
			                    u.newest) == -1)
				break;
		rc = xml_sitemap_end(sm, &e);
	} else {
		int64_t from = k == 0 ? 0 : (k - 1) * LIM_SITEMAP_URLS;
		int64_t to = from + LIM_SITEMAP_URLS;

		sm = xml_sitemap_begin(&rs->body, 0);
		rc = sitemap_range(s, a, &u, from, to < u.total ? to : u.total,
		                   sm, &e);
		if (xml_sitemap_end(sm, rc == -1 ? NULL : &e) == -1)
			rc = -1;
	}
	if (rc == -1)
		server_error(rs, "sitemap", &e);
}

void
robots_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;

	(void)r;
	rs->content_type = "text/plain; charset=utf-8";
	if (buf_printf(&rs->body,
	               "User-agent: *\n"
	               "Disallow: /admin/\n"
	               "Disallow: /api/\n"
	               "\n"
	               "Sitemap: %s/sitemap.xml\n",
	               s->url) == -1)
		return;
}

/* /YYYY/MM/DD/slug/feed/: the approved comments of one post. */
void
post_comments_feed_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct post p;
	struct error e;
	int64_t y, mo, d;

	if (num_parse(r->params[0], 1970, 9999, &y) == -1 ||
	    num_parse(r->params[1], 1, 12, &mo) == -1 ||
	    num_parse(r->params[2], 1, 31, &d) == -1 ||
	    store_post_get_permalink(s->store, r->arena, (int)y, (int)mo,
	                             (int)d, r->params[3], clock_now(), &p,
	                             &e) == -1) {
		page_not_found(s, r, rs);
		return;
	}
	if (permalink_moved(s, r, rs, &p, (int)y, (int)mo, (int)d, "feed/"))
		return;
	comments_feed(s, r, rs, &p);
}
