/* The first reader pages: the front page, a post, static files, health. */
#include <string.h>

#include "internal.h"
#include "../util/clock.h"
#include "../util/embed.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/banned.h"

void
home_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct post_query q = {POST_POST, 0, clock_now(), LIM_FRONT_POSTS, 0};
	struct post *posts;
	size_t n;
	struct error e;
	struct tval *m, *list;
	const char *p = req_query(r, "p");
	int64_t id;

	/* /?p=ID is WordPress's shortlink: 301 to the permalink. */
	if (p != NULL) {
		struct post post;

		if (num_parse(p, 1, INT64_MAX, &id) == -1 ||
		    store_post_get(s->store, a, id, &post, &e) == -1 ||
		    post.status != POST_PUBLISHED ||
		    post.published_at > q.now) {
			page_not_found(s, r, rs);
			return;
		}
		rs->status = 301;
		if (resp_header(rs, "Location",
		                arena_printf(a, "%s%s", s->url,
		                             site_permalink(a, &post))) == -1)
			return;
		return;
	}
	if (store_post_list(s->store, a, &q, &posts, &n, &e) == -1) {
		log_error("front page: %s", e.msg);
		rs->status = 500;
	}
	m = page_model(s, r, s->title, "/");
	tval_set_bool(a, m, "is_home", 1);
	list = tval_set(a, m, "posts", tval_list(a));
	for (size_t i = 0; i < n; i++)
		tval_push(a, list, post_model(s, a, &posts[i]));
	page_render(s, r, rs, "home.html", m);
}

void
post_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct post p;
	struct error e;
	int64_t y, mo, d;
	struct tval *m, *pm, *tags;

	if (num_parse(r->params[0], 1970, 9999, &y) == -1 ||
	    num_parse(r->params[1], 1, 12, &mo) == -1 ||
	    num_parse(r->params[2], 1, 31, &d) == -1 ||
	    store_post_get_permalink(s->store, a, (int)y, (int)mo, (int)d,
	                             r->params[3], clock_now(), &p, &e) == -1) {
		page_not_found(s, r, rs);
		return;
	}
	m = page_model(s, r, p.title, site_permalink(a, &p));
	pm = tval_set(a, m, "post", post_model(s, a, &p));
	tval_set_str(a, pm, "body_html", p.body_html);
	tags = tval_set(a, pm, "tags", tval_list(a));
	for (size_t i = 0; i < p.ntags; i++) {
		struct tval *t = tval_push(a, tags, tval_map(a));

		tval_set_str(a, t, "name", p.tags[i]);
	}
	tval_set_bool(a, pm, "has_tags", p.ntags > 0);
	page_render(s, r, rs, "post.html", m);
}

/* A static page at /slug/, showing when it was last updated. */
void
page_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct post p;
	struct error e;
	struct tval *m, *pm;

	if (store_post_get_slug(s->store, a, POST_PAGE, r->params[0],
	                        clock_now(), &p, &e) == -1) {
		page_not_found(s, r, rs);
		return;
	}
	m = page_model(s, r, p.title, site_permalink(a, &p));
	pm = tval_set(a, m, "page", post_model(s, a, &p));
	tval_set_str(a, pm, "body_html", p.body_html);
	page_render(s, r, rs, "page.html", m);
}

static const char *
mime_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".ico") == 0)
		return "image/x-icon";
	return "application/octet-stream";
}

static void
static_file(void *ctx, struct req *r, struct resp *rs, const char *name)
{
	const struct embed_file *f = embed_find(embed_static, name);

	if (f == NULL) {
		page_not_found(ctx, r, rs);
		return;
	}
	rs->content_type = mime_of(f->name);
	rs->static_body = f->data;
	rs->static_len = f->len;
	/* Static files change only with the binary. */
	if (resp_header(rs, "Cache-Control", "public, max-age=3600") == -1)
		return;
}

void
static_get(void *ctx, struct req *r, struct resp *rs)
{
	static_file(ctx, r, rs, r->params[0]);
}

/* Browsers ask for /favicon.ico whatever the page links. */
void
favicon_get(void *ctx, struct req *r, struct resp *rs)
{
	static_file(ctx, r, rs, "favicon.svg");
}

void
health_get(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	rs->content_type = "text/plain; charset=utf-8";
	if (buf_puts(&rs->body, "ok\n") == -1)
		return;
}
