/*
 * WordPress export (issue 7): the site as a WXR 1.2 file, element for
 * element as WordPress's own export_wp() writes it (wp-admin/includes/
 * export.php), so WordPress's importer and ours both read it.  The store
 * walks each table once (store_export_*), and each row is written as it
 * arrives; libxml2's xmlTextWriter streams to the FILE.
 */
#include <stdio.h>
#include <string.h>

#include "wxr_export.h"
#include "../render/md.h"
#include "../render/xml.h"
#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../store/comments.h"
#include "../store/import.h"
#include "../store/posts.h"
#include "../util/banned.h"

#define NS_WP      "http://wordpress.org/export/1.2/"
#define NS_EXCERPT "http://wordpress.org/export/1.2/excerpt/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_WFW     "http://wellformedweb.org/CommentAPI/"
#define NS_DC      "http://purl.org/dc/elements/1.1/"

#define FLUSH_EVERY 64 /* items between checks that the output still works */

struct ex {
	struct store *s;
	struct xml_doc *d;
	const struct wxr_export_options *o;
	struct wxr_export_report *r;
	struct export_ids ids;
	struct arena *a; /* reset for each item */
};

/* "2022-04-27 14:03:00", WordPress's MySQL datetime, in UTC. */
static const char *
datetime(struct ex *x, int64_t t)
{
	char out[32];

	time_format(t, "%Y-%m-%d %H:%M:%S", out, sizeof(out));
	return arena_strdup(x->a, out);
}

/* A slug as WordPress stores it: percent-encoded UTF-8. */
static const char *
wp_slug(struct ex *x, const char *slug)
{
	struct buf b;
	const char *out = slug;

	buf_init(&b, LIM_URL_BYTES);
	if (url_encode(&b, slug, strlen(slug)) == 0)
		out = arena_strndup(x->a, buf_str(&b), b.len);
	buf_release(&b);
	return out;
}

static void
meta(struct ex *x, const char *el, const char *key, const char *value)
{
	xml_doc_start(x->d, el);
	xml_doc_cdata(x->d, "wp:meta_key", key);
	xml_doc_cdata(x->d, "wp:meta_value", value);
	xml_doc_close(x->d);
}

static void
meta_int(struct ex *x, const char *key, int64_t v)
{
	meta(x, "wp:postmeta", key, arena_printf(x->a, "%lld", (long long)v));
}

static int
on_term_meta(void *ctx, const struct export_meta *m, struct error *e)
{
	(void)e;
	meta(ctx, "wp:termmeta", m->key, m->value);
	return 0;
}

static int
on_post_meta(void *ctx, const struct export_meta *m, struct error *e)
{
	(void)e;
	meta(ctx, "wp:postmeta", m->key, m->value);
	return 0;
}

static int
on_comment_meta(void *ctx, const struct export_meta *m, struct error *e)
{
	(void)e;
	meta(ctx, "wp:commentmeta", m->key, m->value);
	return 0;
}

static int
on_user(void *ctx, const struct export_user *u, struct error *e)
{
	struct ex *x = ctx;

	(void)e;
	xml_doc_start(x->d, "wp:author");
	xml_doc_el_int(x->d, "wp:author_id", u->wp_id);
	xml_doc_cdata(x->d, "wp:author_login", u->login);
	xml_doc_cdata(x->d, "wp:author_email", u->email);
	xml_doc_cdata(x->d, "wp:author_display_name",
	              *u->name ? u->name : u->login);
	xml_doc_cdata(x->d, "wp:author_first_name", "");
	xml_doc_cdata(x->d, "wp:author_last_name", "");
	xml_doc_close(x->d);
	x->r->users++;
	return 0;
}

static int
on_term(void *ctx, const struct export_term *t, struct error *e)
{
	struct ex *x = ctx;
	int cat = strcmp(t->taxonomy, "category") == 0;
	int tag = strcmp(t->taxonomy, "post_tag") == 0;

	arena_reset(x->a);
	xml_doc_start(x->d, cat ? "wp:category" : tag ? "wp:tag" : "wp:term");
	xml_doc_el_int(x->d, "wp:term_id", t->wp_id);
	if (cat) {
		xml_doc_cdata(x->d, "wp:category_nicename",
		              wp_slug(x, t->slug));
		xml_doc_cdata(x->d, "wp:category_parent",
		              wp_slug(x, t->parent_slug));
		xml_doc_cdata(x->d, "wp:cat_name", t->name);
		xml_doc_cdata(x->d, "wp:category_description", t->description);
	} else if (tag) {
		xml_doc_cdata(x->d, "wp:tag_slug", wp_slug(x, t->slug));
		xml_doc_cdata(x->d, "wp:tag_name", t->name);
		xml_doc_cdata(x->d, "wp:tag_description", t->description);
	} else {
		xml_doc_cdata(x->d, "wp:term_taxonomy", t->taxonomy);
		xml_doc_cdata(x->d, "wp:term_slug", wp_slug(x, t->slug));
		xml_doc_cdata(x->d, "wp:term_parent",
		              wp_slug(x, t->parent_slug));
		xml_doc_cdata(x->d, "wp:term_name", t->name);
		xml_doc_cdata(x->d, "wp:term_description", t->description);
	}
	if (cat) {
		/* what WordPress has no field for (wxr_restore) */
		if (strcmp(t->kind, "posts") != 0)
			meta(x, "wp:termmeta", "_gazette_kind", t->kind);
		if (t->show_newest)
			meta(x, "wp:termmeta", "_gazette_show_newest", "1");
	}
	if (store_export_term_meta(x->s, t->taxonomy, t->slug, on_term_meta, x,
	                           e) == -1)
		return -1;
	xml_doc_close(x->d);
	x->r->terms++;
	return 0;
}

static int
on_post_term(void *ctx, const struct export_post_term *t, struct error *e)
{
	struct ex *x = ctx;

	(void)e;
	xml_doc_start(x->d, "category");
	xml_doc_attr(x->d, "domain", t->taxonomy);
	xml_doc_attr(x->d, "nicename", wp_slug(x, t->slug));
	xml_doc_cdata(x->d, NULL, t->name);
	xml_doc_close(x->d);
	return 0;
}

/* wp_comments.comment_approved */
static const char *const approved[COMMENT_STATUS__MAX] = {
	[COMMENT_PENDING] = "0",
	[COMMENT_APPROVED] = "1",
	[COMMENT_SPAM] = "spam",
	[COMMENT_TRASH] = "trash",
};

static int
on_comment(void *ctx, const struct export_comment *c, struct error *e)
{
	struct ex *x = ctx;

	xml_doc_start(x->d, "wp:comment");
	xml_doc_el_int(x->d, "wp:comment_id", c->wp_id);
	xml_doc_cdata(x->d, "wp:comment_author", c->author_name);
	xml_doc_cdata(x->d, "wp:comment_author_email", c->author_email);
	xml_doc_cdata(x->d, "wp:comment_author_url", c->author_url);
	xml_doc_cdata(x->d, "wp:comment_author_IP", "");
	xml_doc_cdata(x->d, "wp:comment_date", datetime(x, c->created_at));
	xml_doc_cdata(x->d, "wp:comment_date_gmt", datetime(x, c->created_at));
	xml_doc_cdata(x->d, "wp:comment_content",
	              c->markdown ? c->body_html : c->body_src);
	xml_doc_cdata(x->d, "wp:comment_approved", approved[c->status]);
	xml_doc_cdata(x->d, "wp:comment_type", *c->type ? c->type : "comment");
	xml_doc_el_int(x->d, "wp:comment_parent", c->wp_parent);
	xml_doc_el_int(x->d, "wp:comment_user_id", c->user_wp_id);
	if (c->markdown)
		meta(x, "wp:commentmeta", "_gazette_markdown", c->body_src);
	if (c->id != 0 &&
	    store_export_comment_meta(x->s, c->id, on_comment_meta, x, e) == -1)
		return -1;
	xml_doc_close(x->d);
	x->r->comments++;
	return 0;
}

static const char *
wp_status(const struct export_post *p)
{
	if (p->private_ && p->status == POST_DRAFT)
		return "private";
	switch (p->status) {
	case POST_PUBLISHED:
		return "publish";
	case POST_SCHEDULED:
		return "future";
	case POST_PENDING:
		return "pending";
	case POST_TRASH:
		return "trash";
	default:
		return "draft";
	}
}

static void
item_head(struct ex *x, const char *title, const char *link, int64_t date,
          const char *creator, const char *guid)
{
	char rfc822[64];

	xml_date_rfc822(date, rfc822, sizeof(rfc822));
	xml_doc_start(x->d, "item");
	xml_doc_cdata(x->d, "title", title);
	xml_doc_el(x->d, "link", link);
	xml_doc_el(x->d, "pubDate", rfc822);
	xml_doc_cdata(x->d, "dc:creator", creator);
	xml_doc_start(x->d, "guid");
	xml_doc_attr(x->d, "isPermaLink", "false");
	xml_doc_cdata(x->d, NULL, guid);
	xml_doc_close(x->d);
	xml_doc_el(x->d, "description", "");
}

static int
item_done(struct ex *x, struct error *e)
{
	xml_doc_close(x->d);
	if (++x->r->items % FLUSH_EVERY == 0 && xml_doc_flush(x->d) == -1)
		return error_set(e, ERR_IO, "cannot write the export");
	return 0;
}

static int
on_media(void *ctx, const struct export_media *m, struct error *e)
{
	struct ex *x = ctx;
	const char *url = m->remote_url;
	struct buf b;

	arena_reset(x->a);
	if (*url == '\0' && strstr(m->path, "://") != NULL)
		url = m->path;
	if (*url == '\0') {
		buf_init(&b, LIM_URL_BYTES);
		if (buf_puts(&b, x->o->site_url) == 0 &&
		    buf_puts(&b, "/media/") == 0 &&
		    url_encode(&b, m->path, strlen(m->path)) == 0)
			url = arena_strndup(x->a, buf_str(&b), b.len);
		buf_release(&b);
		/* url_encode keeps "/", so a nested path stays a path */
	}
	item_head(x, m->title, url, m->created_at, "",
	          arena_printf(x->a, "%s", url));
	xml_doc_cdata(x->d, "content:encoded", "");
	xml_doc_cdata(x->d, "excerpt:encoded", "");
	xml_doc_el_int(x->d, "wp:post_id", m->wp_id);
	xml_doc_cdata(x->d, "wp:post_date", datetime(x, m->created_at));
	xml_doc_cdata(x->d, "wp:post_date_gmt", datetime(x, m->created_at));
	xml_doc_cdata(x->d, "wp:comment_status", "closed");
	xml_doc_cdata(x->d, "wp:ping_status", "closed");
	xml_doc_cdata(x->d, "wp:post_name", "");
	xml_doc_cdata(x->d, "wp:status", "inherit");
	xml_doc_el_int(x->d, "wp:post_parent", m->wp_parent);
	xml_doc_el_int(x->d, "wp:menu_order", 0);
	xml_doc_cdata(x->d, "wp:post_type", "attachment");
	xml_doc_cdata(x->d, "wp:post_password", "");
	xml_doc_el_int(x->d, "wp:is_sticky", 0);
	xml_doc_cdata(x->d, "wp:attachment_url", url);
	meta(x, "wp:postmeta", "_wp_attachment_mime_type", m->mime);
	return item_done(x, e);
}

static int
on_post(void *ctx, const struct export_post *p, struct error *e)
{
	struct ex *x = ctx;
	struct post fake = {0};
	const char *link, *guid;

	arena_reset(x->a);
	fake.type = p->type;
	fake.slug = p->slug;
	fake.published_at = p->published_at;
	link = arena_printf(x->a, "%s%s", x->o->site_url,
	                    post_path(x->a, &fake));
	guid = *p->guid ? p->guid
	                : arena_printf(x->a, "%s/?p=%lld", x->o->site_url,
	                               (long long)p->id);
	item_head(x, p->title, link, p->published_at, p->author_login, guid);
	xml_doc_cdata(x->d, "content:encoded", p->content);
	xml_doc_cdata(x->d, "excerpt:encoded", p->excerpt);
	xml_doc_el_int(x->d, "wp:post_id", p->wp_id);
	xml_doc_cdata(x->d, "wp:post_date", datetime(x, p->published_at));
	xml_doc_cdata(x->d, "wp:post_date_gmt", datetime(x, p->published_at));
	xml_doc_cdata(x->d, "wp:post_modified", datetime(x, p->updated_at));
	xml_doc_cdata(x->d, "wp:post_modified_gmt", datetime(x, p->updated_at));
	xml_doc_cdata(x->d, "wp:comment_status",
	              p->comments_open ? "open" : "closed");
	xml_doc_cdata(x->d, "wp:ping_status", "closed");
	xml_doc_cdata(x->d, "wp:post_name", wp_slug(x, p->slug));
	xml_doc_cdata(x->d, "wp:status", wp_status(p));
	xml_doc_el_int(x->d, "wp:post_parent", p->wp_parent);
	xml_doc_el_int(x->d, "wp:menu_order", 0);
	xml_doc_cdata(x->d, "wp:post_type", post_type_names[p->type]);
	xml_doc_cdata(x->d, "wp:post_password", p->password);
	xml_doc_el_int(x->d, "wp:is_sticky", p->sticky ? 1 : 0);
	if (store_export_post_terms(x->s, p->id, on_post_term, x, e) == -1 ||
	    store_export_post_meta(x->s, p->id, on_post_meta, x, e) == -1)
		return -1;
	/* the all-time total, in the key the import reads views from */
	if (p->views_total > 0)
		meta_int(x, "views", p->views_total);
	/* what WordPress has no field for (wxr_restore) */
	if (strcmp(p->body_format, "markdown") == 0)
		meta(x, "wp:postmeta", "_gazette_markdown", p->body_src);
	if (*p->source_url)
		meta(x, "wp:postmeta", "_gazette_source_url", p->source_url);
	if (p->is_book) {
		meta(x, "wp:postmeta", "_gazette_book_order_url", p->order_url);
		if (p->cover_wp)
			meta_int(x, "_gazette_book_cover", p->cover_wp);
		if (p->epub_wp)
			meta_int(x, "_gazette_book_epub", p->epub_wp);
		if (p->pdf_wp)
			meta_int(x, "_gazette_book_pdf", p->pdf_wp);
	}
	if (p->is_episode) {
		meta(x, "wp:postmeta", "_gazette_episode_audio_url",
		     p->audio_url);
		meta_int(x, "_gazette_episode_duration", p->duration_s);
	}
	if (store_export_comments(x->s, &x->ids, p->id, on_comment, x, e) == -1)
		return -1;
	return item_done(x, e);
}

static void
channel_head(struct ex *x)
{
	char rfc822[64];

	xml_date_rfc822(x->o->now, rfc822, sizeof(rfc822));
	xml_doc_start(x->d, "rss");
	xml_doc_attr(x->d, "version", "2.0");
	xml_doc_attr(x->d, "xmlns:excerpt", NS_EXCERPT);
	xml_doc_attr(x->d, "xmlns:content", NS_CONTENT);
	xml_doc_attr(x->d, "xmlns:wfw", NS_WFW);
	xml_doc_attr(x->d, "xmlns:dc", NS_DC);
	xml_doc_attr(x->d, "xmlns:wp", NS_WP);
	xml_doc_start(x->d, "channel");
	xml_doc_el(x->d, "title", x->o->title);
	xml_doc_el(x->d, "link", x->o->site_url);
	xml_doc_el(x->d, "description", x->o->tagline);
	xml_doc_el(x->d, "pubDate", rfc822);
	xml_doc_el(x->d, "language", "en");
	xml_doc_el(x->d, "wp:wxr_version", "1.2");
	xml_doc_el(x->d, "wp:base_site_url", x->o->site_url);
	xml_doc_el(x->d, "wp:base_blog_url", x->o->site_url);
}

int
wxr_export(struct store *s, FILE *f, const struct wxr_export_options *o,
           struct wxr_export_report *r, struct error *e)
{
	struct ex x = {0};
	struct error ignored;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	x.s = s;
	x.o = o;
	x.r = r;
	if (store_export_begin(s, &x.ids, e) == -1)
		return -1;
	x.a = arena_new();
	x.d = xml_doc_begin(f);
	channel_head(&x);
	if (store_export_users(s, &x.ids, on_user, &x, e) == -1 ||
	    store_export_terms(s, &x.ids, on_term, &x, e) == -1)
		goto out;
	xml_doc_el(x.d, "generator", "gazette");
	/* Attachments first: books name their files by these ids. */
	if (store_export_media(s, &x.ids, on_media, &x, e) == -1 ||
	    store_export_posts(s, &x.ids, on_post, &x, e) == -1)
		goto out;
	rc = 0;
out:
	store_export_end(s);
	if (xml_doc_end(x.d, rc == 0 ? e : &ignored) == -1)
		rc = -1;
	arena_free(x.a);
	return rc;
}

/* ---- reading it back ---------------------------------------------------- */

struct restore {
	struct store *s;
	int comments;
};

static int
restore_one(void *ctx, int64_t id, const char *src, struct error *e)
{
	struct restore *rs = ctx;
	struct buf html;
	int rc = -1;

	buf_init(&html, (size_t)LIM_WXR_FIELD_BYTES * 2);
	if (md_render(src, strlen(src), rs->comments ? MD_UGC : 0, &html, e) ==
	    -1)
		goto out;
	rc = rs->comments ? store_restore_comment_markdown(rs->s, id, src,
	                                                   buf_str(&html), e)
	                  : store_restore_post_markdown(rs->s, id, src,
	                                                buf_str(&html), e);
out:
	buf_release(&html);
	return rc;
}

int
wxr_restore(struct store *s, struct error *e)
{
	struct restore posts = {s, 0}, comments = {s, 1};

	if (store_restore_markdown(s, 0, restore_one, &posts, e) == -1 ||
	    store_restore_markdown(s, 1, restore_one, &comments, e) == -1)
		return -1;
	return store_restore_extras(s, e);
}
