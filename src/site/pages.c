/* Single items (a post, a page, a book, an episode), static files, health. */
#include <string.h>

#include "internal.h"
#include "../import/wxr.h"
#include "../util/clock.h"
#include "../util/embed.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

/* A tag's path segment: its stored slug (one made before slugs folded
 * accents keeps its URL), percent-encoded. */
static const char *
tag_path(struct arena *a, const struct post *p, size_t i)
{
	const char *slug = p->tag_slugs != NULL
	                           ? p->tag_slugs[i]
	                           : slug_from_title(a, p->tags[i]);
	size_t n = strlen(slug);
	char *out = arena_alloc(a, 3 * n + 1);

	out[url_encode_to(out, slug, n)] = '\0';
	return out;
}

/* Tags as [{name, url}], with has_tags. */
static void
tags_model(struct arena *a, struct tval *pm, const struct post *p)
{
	struct tval *tags = tval_set(a, pm, "tags", tval_list(a));

	for (size_t i = 0; i < p->ntags; i++) {
		struct tval *t = tval_push(a, tags, tval_map(a));

		tval_set_str(a, t, "name", p->tags[i]);
		tval_set_str(a, t, "url",
		             arena_printf(a, "/tag/%s/", tag_path(a, p, i)));
	}
	tval_set_bool(a, pm, "has_tags", p->ntags > 0);
}

/*
 * A password-protected post (WordPress's post_password).  Its body_html
 * is only the notice (import/wxr.h); the body is in protected_html.  A GET
 * gets the form in place of the body and, as WordPress's
 * comments_template() shows, a notice in place of the comments (the same
 * page for everyone, so it may be cached).  A POST of the form with the
 * right password gets the body and the comments in that answer alone,
 * "private, no-store", never in the page cache (which holds GETs only);
 * *given is then the password, for the comment form to carry back
 * (comments_submit refuses a comment without it).  WordPress keeps a
 * cookie instead; a cookie would make every later page of the post
 * uncacheable.  The form posts to action.  1 when p stays locked: the
 * caller shows none of its comments.
 */
static int
protect(struct site *s, struct req *r, struct resp *rs, struct post *p,
        struct tval *pm, const char *action, const char **given)
{
	struct arena *a = r->arena;
	struct form_field f[1] = {{"post_password", 255, 0, NULL}};
	const char *password, *html;
	struct tval *form;
	struct error e;
	int wait = 0;

	*given = NULL;
	if (!p->protected_)
		return 0;
	if (store_post_protected(s->store, a, p->id, &password, &html, &e) ==
	    -1) {
		/* Locked without the form: body_html is the notice. */
		log_error("password of %lld: %s", (long long)p->id, e.msg);
		rs->cache_control = "private, no-store";
		tval_set_bool(a, pm, "locked", 1);
		return 1;
	}
	if (*password == '\0')
		return 0; /* the password went since p was read */
	rs->cache_control = "private, no-store";
	if (r->method == HTTP_POST && req_same_origin(r, s->url) &&
	    form_parse(r, f, 1, &e) == 0) {
		/* Guesses are throttled (comments_post_password): past the
		 * free ones even the right password waits, with a 429. */
		if (comments_post_password(s->comments, p->id, password,
		                           f[0].value, req_client_ip(r), &wait,
		                           &e) == 0) {
			/* A row imported before migration 012 kept its body
			 * in body_html, which pm holds already. */
			if (strcmp(p->body_html, WXR_PROTECTED_NOTICE) == 0)
				tval_set_str(a, pm, "body_html", html);
			*given = password;
			return 0;
		}
		if (e.code == ERR_RATE_LIMITED) {
			rs->status = 429;
			(void)resp_header(rs, "Retry-After",
			                  arena_printf(a, "%d", wait));
		}
	}
	if (r->method != HTTP_POST)
		rs->cache_control = NULL; /* the form: the default for a GET */
	form = tval_set(a, pm, "protected", tval_map(a));
	tval_set_str(a, form, "action", action);
	tval_set_bool(a, form, "wrong", r->method == HTTP_POST && wait == 0);
	if (wait > 0)
		tval_set_int(a, form, "wait", wait);
	tval_set_str(a, pm, "body_html", "");
	tval_set_bool(a, pm, "locked", 1);
	return 1;
}

/* A previous or next post is a link: id, title, url, abs_url, date and
 * date_iso (docs/decisions/080). */
static struct tval *
neighbor_model(struct site *s, struct arena *a, const struct post *p)
{
	struct tval *m = tval_map(a);
	const char *path = site_permalink(a, p);

	tval_set_int(a, m, "id", p->id);
	tval_set_str(a, m, "title", p->title);
	tval_set_str(a, m, "url", path);
	tval_set_str(a, m, "abs_url", arena_printf(a, "%s%s", s->url, path));
	tval_set_str(a, m, "date", site_date(a, site_cat(s), p->published_at));
	tval_set_str(a, m, "date_iso", date_iso(a, p->published_at));
	return m;
}

/* The page of one item: its body, tags, and for posts the neighbours. */
static void
item_render(struct site *s, struct req *r, struct resp *rs, struct post *p,
            const char *key, const char *template, int64_t comment_page)
{
	struct arena *a = r->arena;
	struct tval *m, *pm, *form;
	struct post prev, next;
	int has_prev, has_next, locked;
	const char *permalink = site_permalink(a, p), *here, *given;
	struct error e;
	int64_t now = clock_now();
	/* What the page reads below, sent at once (decision 101): its
	 * video, neighbours and, unless a password hides them, threads. */
	struct post_reads ahead = {.video = p->type == POST_POST,
	                           .neighbors = p->type == POST_POST,
	                           .now = now};

	if (p->type != POST_PAGE && !p->protected_)
		comments_reads(s, p, comment_page, &ahead);
	store_post_reads_send(s->store, p, &ahead);
	p->views_total = views_total(s->views, p->id, p->views_total);
	/* A comment on this post drops the cached page; one on another
	 * post does not. */
	rs->cache_dep = p->id;
	m = page_model(s, r, p->title, permalink);
	pm = tval_set(a, m, key, post_model(s, a, p));
	tval_set_str(a, pm, "body_html", p->body_html);
	if (p->type == POST_EPISODE)
		episode_model(s, a, pm, p->id);
	else if (p->type == POST_POST)
		video_frame_policy(a, rs, video_model(s, a, pm, p->id));
	here = comment_page > 1
	               ? arena_printf(a, "%scomment-page-%lld/", permalink,
	                              (long long)comment_page)
	               : permalink;
	locked = protect(s, r, rs, p, pm, here, &given);
	tags_model(a, pm, p);
	if (p->type == POST_POST &&
	    store_post_neighbors(s->store, a, p, now, &prev, &has_prev, &next,
	                         &has_next, &e) == 0) {
		if (has_prev)
			tval_set(a, pm, "prev", neighbor_model(s, a, &prev));
		if (has_next)
			tval_set(a, pm, "next", neighbor_model(s, a, &next));
	}
	/* Locked, the comments are not even read: a site's own post.html
	 * cannot show what the model does not hold. */
	if (p->type != POST_PAGE && !locked &&
	    comments_model(s, r, pm, p, comment_page) == -1) {
		page_not_found(s, r, rs);
		return;
	}
	form = tval_get(pm, "form");
	if (given != NULL && form != NULL)
		tval_set_str(a, form, "post_password", given);
	/* Locked, every comment page is the same page: the permalink's. */
	if (comment_page > 1 && !locked)
		tval_set_str(a, m, "canonical",
		             arena_printf(a, "%s%s", s->url, here));
	rs->last_modified = p->activity_at;
	page_render(s, r, rs, template, m);
}

/*
 * A permalink whose date is not the post's local one (a link from before
 * the site's time zone changed, store_post_get_permalink): 301 to the
 * post's permalink and rest after it.  1 when answered.
 */
int
permalink_moved(struct site *s, struct req *r, struct resp *rs,
                const struct post *p, int y, int mo, int d, const char *rest)
{
	int py, pm, pd;

	if (time_local_ymd(p->published_at, &py, &pm, &pd) == -1 ||
	    (py == y && pm == mo && pd == d))
		return 0;
	rs->status = 301;
	(void)resp_header(rs, "Location",
	                  arena_printf(r->arena, "%s%s%s", s->url,
	                               site_permalink(r->arena, p), rest));
	return 1;
}

void
post_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct post p;
	struct error e;
	int64_t y, mo, d, cpage = 1;

	/* /YYYY/MM/DD/slug/comment-page-N/: the Nth page of its threads */
	if (r->nparams == 5 &&
	    num_parse(r->params[4], 2, LIM_PAGE_MAX, &cpage) == -1) {
		page_not_found(s, r, rs);
		return;
	}
	if (num_parse(r->params[0], 1970, 9999, &y) == -1 ||
	    num_parse(r->params[1], 1, 12, &mo) == -1 ||
	    num_parse(r->params[2], 1, 31, &d) == -1 ||
	    store_post_get_permalink(s->store, r->arena, (int)y, (int)mo,
	                             (int)d, r->params[3], clock_now(), &p,
	                             &e) == -1) {
		page_not_found(s, r, rs);
		return;
	}
	if (permalink_moved(s, r, rs, &p, (int)y, (int)mo, (int)d,
	                    cpage > 1 ? arena_printf(r->arena,
	                                             "comment-page-%lld/",
	                                             (long long)cpage)
	                              : ""))
		return;
	item_render(s, r, rs, &p, "post", "post.html", cpage);
}

void
episode_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct post p;
	struct error e;

	if (store_post_get_slug(s->store, r->arena, POST_EPISODE, r->params[0],
	                        clock_now(), &p, &e) == -1) {
		page_not_found(s, r, rs);
		return;
	}
	item_render(s, r, rs, &p, "post", "post.html", 1);
}

void
book_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct book *books;
	size_t n;
	struct error e;
	struct tval *m, *bm;

	if (store_books_list(s->store, a, clock_now(), &books, &n, &e) == -1)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(books[i].post.slug, r->params[0]) != 0)
			continue;
		m = page_model(s, r, books[i].post.title,
		               site_permalink(a, &books[i].post));
		bm = tval_set(a, m, "book", book_model(s, a, &books[i]));
		tval_set_str(a, bm, "body_html", books[i].post.body_html);
		rs->last_modified = books[i].post.activity_at;
		page_render(s, r, rs, "book.html", m);
		return;
	}
	page_not_found(s, r, rs);
}

/*
 * /books/SLUG/epub/ and /books/SLUG/pdf/: count the download as a view is
 * counted (views_download: no bots, once per address and window, no
 * address stored) and send the reader to the file.  A 302 with no-store:
 * neither the page cache nor a CDN keeps it, so every download is seen.
 */
void
book_file_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	const char *file = strstr(r->path, "/pdf/") ? "pdf" : "epub";
	struct book *books;
	size_t n;
	struct error e;
	int counted;

	if (store_books_list(s->store, a, clock_now(), &books, &n, &e) == -1)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		const char *path = strcmp(file, "pdf") == 0
		                           ? books[i].pdf_path
		                           : books[i].epub_path;

		if (strcmp(books[i].post.slug, r->params[0]) != 0 ||
		    *path == '\0')
			continue;
		if (s->views != NULL &&
		    views_download(s->views, books[i].post.id, file,
		                   req_client_ip(r),
		                   req_header(r, "User-Agent"), &counted,
		                   &e) == -1)
			log_error("downloads: %s", e.msg);
		rs->status = 302;
		rs->cache_control = "no-store";
		(void)resp_header(rs, "Location",
		                  arena_printf(a, "/media/%s", path));
		return;
	}
	page_not_found(s, r, rs);
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
	const char *given;

	if (store_post_get_slug(s->store, a, POST_PAGE, r->params[0],
	                        clock_now(), &p, &e) == -1) {
		page_not_found(s, r, rs);
		return;
	}
	m = page_model(s, r, p.title, site_permalink(a, &p));
	pm = tval_set(a, m, "page", post_model(s, a, &p));
	tval_set_str(a, pm, "body_html", p.body_html);
	(void)protect(s, r, rs, &p, pm, site_permalink(a, &p), &given);
	rs->last_modified = p.updated_at;
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
	/* Static files change only with the binary. */
	rs->cache_control = "public, max-age=3600";
	rs->static_body = f->data;
	rs->static_len = f->len;
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

/*
 * For a load balancer or a monitor: a read of the database
 * (store_health), so a database gone bad or away answers 503, and never
 * kept by a cache in between (a proxy keeping a 200 for 30 s would hide
 * the outage).
 */
void
health_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct error e;
	int64_t version;

	rs->content_type = "text/plain; charset=utf-8";
	rs->cache_control = "no-store";
	if (store_health(s->store, &version, &e) == -1) {
		log_error("healthz: %s", e.msg);
		rs->status = 503;
		if (buf_puts(&rs->body, "database unreadable\n") == -1)
			return;
		return;
	}
	if (buf_puts(&rs->body, arena_printf(r->arena, "ok schema %lld\n",
	                                     (long long)version)) == -1)
		return;
}
