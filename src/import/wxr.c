/*
 * WordPress WXR import (issue 7).  The reader walks the file; each
 * top-level element of the channel (wp:author, wp:category, wp:tag,
 * wp:term, item) is expanded on its own with xmlTextReaderExpand, read,
 * written and left behind with xmlTextReaderNext, so memory is bounded by
 * one element, or by the reading thread's queue of copies (wxr_ahead.c:
 * LIM_WXR_AHEAD_ITEMS elements, LIM_WXR_AHEAD_BYTES).
 *
 * Elements are recognised by namespace URI, never by prefix: a file may
 * bind "wp" to anything (namespace-edge-cases.xml), and any
 * http(s)://wordpress.org/export/N.N/ URI is WordPress's.
 *
 * This file owns what each element becomes (authors, terms, items and
 * attachments) and the reader in one thread; the parts it calls share
 * wxr_internal.h: wxr_fields.c (an element's fields), wxr_links.c (links
 * to the old site), wxr_render.c (content as WordPress shows it),
 * wxr_comments.c (an item's comments) and wxr_ahead.c (the reading
 * thread).
 */
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "wxr.h"
#include "wxr_internal.h"
#include "wxr_export.h"
#include "../util/arena.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../store/comments.h"
#include "../store/import.h"
#include "../store/posts.h"
#include "../util/html_text.h"
#include "../util/banned.h"

const char *const wxr_kind_names[WXR_KIND__MAX] = {
	"authors",   "categories",   "tags",        "other terms", "posts",
	"pages",     "attachments",  "other items", "comments",    "pingbacks",
	"post meta", "comment meta", "term meta",   "old links",
};

/* ---- channel elements --------------------------------------------------- */

static int
do_author(struct wxr *w, const xmlNode *n, struct error *e)
{
	struct import_user u = {0};
	int64_t id;
	int existed;

	u.login = u.name = u.email = "";
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (wxr_is_wp(c, "author_id"))
			u.legacy_id = wxr_id_of(wxr_text_of(w, c, 1));
		else if (wxr_is_wp(c, "author_login"))
			u.login = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "author_email"))
			u.email = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "author_display_name"))
			u.name = wxr_text_of(w, c, 1);
	}
	if (*u.login == '\0' || w->too_big) {
		wxr_skip(w, WXR_AUTHOR,
		         *u.login ? "a field too big" : "no login");
		return 0;
	}
	if (store_import_user(w->s, &u, &id, &existed, e) == -1)
		return -1;
	w->r->added[WXR_AUTHOR] += !existed;
	w->r->existing[WXR_AUTHOR] += existed;
	return 0;
}

/* wp:category, wp:tag and wp:term, with their term meta. */
static int
do_term(struct wxr *w, const xmlNode *n, const char *kind, struct error *e)
{
	struct import_term t = {0};
	const char *slug = "";
	enum wxr_kind k;
	int64_t id;
	int existed;

	t.taxonomy = strcmp(kind, "category") == 0 ? "category"
	             : strcmp(kind, "tag") == 0    ? "post_tag"
	                                           : "";
	t.name = t.description = t.parent_slug = "";
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (wxr_is_wp(c, "term_id"))
			t.legacy_id = wxr_id_of(wxr_text_of(w, c, 1));
		else if (wxr_is_wp(c, "category_nicename") ||
		         wxr_is_wp(c, "tag_slug") || wxr_is_wp(c, "term_slug"))
			slug = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "cat_name") || wxr_is_wp(c, "tag_name") ||
		         wxr_is_wp(c, "term_name"))
			t.name = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "category_description") ||
		         wxr_is_wp(c, "tag_description") ||
		         wxr_is_wp(c, "term_description"))
			t.description = wxr_text_of(w, c, 0);
		else if (wxr_is_wp(c, "category_parent") ||
		         wxr_is_wp(c, "term_parent"))
			t.parent_slug = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "term_taxonomy"))
			t.taxonomy = wxr_text_of(w, c, 1);
	}
	k = strcmp(t.taxonomy, "category") == 0   ? WXR_CATEGORY
	    : strcmp(t.taxonomy, "post_tag") == 0 ? WXR_TAG
	                                          : WXR_TERM;
	t.slug = wxr_slug_of(w, slug, t.name);
	if (*t.taxonomy == '\0' || *t.slug == '\0' || w->too_big) {
		wxr_skip(w, k,
		         w->too_big ? "a field too big"
		         : *t.slug  ? "no taxonomy"
		                    : "no slug or name");
		return 0;
	}
	if (*t.parent_slug) {
		const char *d = url_decode(w->a, t.parent_slug,
		                           strlen(t.parent_slug), 0);

		t.parent_slug = d ? d : t.parent_slug;
	}
	if (store_import_term(w->s, &t, &id, &existed, e) == -1)
		return -1;
	w->r->added[k] += !existed;
	w->r->existing[k] += existed;
	if (existed)
		return 0;
	if (k == WXR_CATEGORY && *t.parent_slug) {
		/* WordPress's nested category URL leads to the flat one */
		const char *old = arena_printf(w->a, "/category/%s/%s/",
		                               t.parent_slug, t.slug);
		const char *now = arena_printf(w->a, "/category/%s/", t.slug);

		if (store_import_legacy_path(w->s, old, 0, 0, now, e) == -1)
			return -1;
	}
	for (const xmlNode *c = n->children; c; c = c->next) {
		const char *key = NULL, *value = "";

		if (!wxr_is_wp(c, "termmeta"))
			continue;
		for (const xmlNode *m = c->children; m; m = m->next)
			if (wxr_is_wp(m, "meta_key"))
				key = wxr_text_of(w, m, 1);
			else if (wxr_is_wp(m, "meta_value"))
				value = wxr_text_of(w, m, 0);
		if (key == NULL) {
			wxr_skip(w, WXR_TERM_META, "no meta_key");
			continue;
		}
		if (store_import_term_meta(w->s, t.taxonomy, t.slug, key, value,
		                           e) == -1)
			return -1;
		w->r->added[WXR_TERM_META]++;
	}
	return 0;
}

/* ---- items ----------------------------------------------------------------
 */

struct item {
	const char *title, *link, *guid, *creator, *content, *excerpt;
	const char *name, *status, *type, *password, *date, *date_gmt;
	const char *modified, *modified_gmt, *comment_status, *attachment_url;
	int64_t id, parent;
	int sticky, has_id;
	const xmlNode *content_node;
};

static const char *
mime_of(const char *url)
{
	static const char *const map[][2] = {
		{".jpg", "image/jpeg"},
		{".jpeg", "image/jpeg"},
		{".png", "image/png"},
		{".gif", "image/gif"},
		{".webp", "image/webp"},
		{".svg", "image/svg+xml"},
		{".mp3", "audio/mpeg"},
		{".m4a", "audio/mp4"},
		{".ogg", "audio/ogg"},
		{".wav", "audio/wav"},
		{".mp4", "video/mp4"},
		{".webm", "video/webm"},
		{".mov", "video/quicktime"},
		{".pdf", "application/pdf"},
		{".epub", "application/epub+zip"},
		{".zip", "application/zip"},
	};
	const char *dot = strrchr(url, '.');

	for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(dot, map[i][0]) == 0)
			return map[i][1];
	return "application/octet-stream";
}

/*
 * WordPress statuses: publish → published, future → scheduled, draft and
 * auto-draft → draft, pending → pending, trash → trash; private → draft
 * with the private flag, so it is never public (an editor sees it among
 * the drafts).  Anything else is a draft.
 */
static enum post_status
status_of(const char *st, int *private_)
{
	*private_ = 0;
	if (strcmp(st, "publish") == 0)
		return POST_PUBLISHED;
	if (strcmp(st, "future") == 0)
		return POST_SCHEDULED;
	if (strcmp(st, "pending") == 0)
		return POST_PENDING;
	if (strcmp(st, "trash") == 0)
		return POST_TRASH;
	if (strcmp(st, "private") == 0)
		*private_ = 1;
	return POST_DRAFT;
}

/* N of "?p=N" or "&page_id=N" in a URL; 0 when there is none. */
static int64_t
id_from_url(struct wxr *w, const char *url)
{
	static const char *const keys[] = {"?p=", "&p=", "?page_id=",
	                                   "&page_id="};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *q = strstr(url, keys[i]);
		size_t n;

		if (q == NULL)
			continue;
		q += strlen(keys[i]);
		n = strcspn(q, "&#");
		return wxr_id_of(arena_strndup(w->a, q, n));
	}
	return 0;
}

static int
do_attachment(struct wxr *w, const struct item *it, struct error *e)
{
	struct import_media m = {0};
	int64_t id;
	int existed, rc = 0;

	if (*it->attachment_url == '\0') {
		wxr_skip(w, WXR_ATTACHMENT, "no attachment_url");
		return 0;
	}
	m.legacy_id = it->id;
	m.legacy_parent = it->parent;
	m.url = it->attachment_url;
	m.mime = mime_of(it->attachment_url);
	m.title = it->title;
	m.created_at = wxr_time_of(it->date_gmt, it->date);
	if (store_import_media(w->s, &m, &id, &existed, e) == -1)
		return -1;
	w->r->added[WXR_ATTACHMENT] += !existed;
	w->r->existing[WXR_ATTACHMENT] += existed;
	if (!existed)
		wxr_link_add(w, it->link, 0, id, e, &rc);
	return rc;
}

/* Categories, tags and other terms of a new post, and its meta. */
static int
post_extras(struct wxr *w, const xmlNode *n, int64_t id, int protected_,
            const char *excerpt, struct error *e)
{
	int64_t views = -1, v;

	for (const xmlNode *c = n->children; c; c = c->next) {
		if (wxr_is_el(c, NULL, "category")) {
			const char *domain = wxr_attr_of(w, c, "domain");
			const char *name = wxr_text_of(w, c, 1);
			const char *slug =
				wxr_slug_of(w, wxr_attr_of(w, c, "nicename"),
			                    name);

			if (*domain == '\0')
				domain =
					"category"; /* WXR 1.0 without domain */
			if (*slug == '\0')
				continue;
			if (store_import_post_term(w->s, id, domain, slug, name,
			                           e) == -1)
				return -1;
		} else if (wxr_is_wp(c, "postmeta")) {
			const char *key = NULL, *value = "";

			for (const xmlNode *f = c->children; f; f = f->next)
				if (wxr_is_wp(f, "meta_key"))
					key = wxr_text_of(w, f, 1);
				else if (wxr_is_wp(f, "meta_value"))
					value = wxr_text_of(w, f, 0);
			if (key == NULL) {
				wxr_skip(w, WXR_POST_META, "no meta_key");
				continue;
			}
			if (store_import_post_meta(w->s, id, key, value, e) ==
			    -1)
				return -1;
			w->r->added[WXR_POST_META]++;
			/* view counters of the common plugins */
			if ((strcmp(key, "views") == 0 ||
			     strcmp(key, "post_views_count") == 0) &&
			    num_parse(value, 0, INT64_MAX, &v) == 0 &&
			    v > views)
				views = v;
		}
	}
	if (protected_ && *excerpt &&
	    store_import_post_meta(w->s, id, "_gazette_protected_excerpt",
	                           excerpt, e) == -1)
		return -1;
	if (views >= 0 && store_import_views(w->s, id, views, e) == -1)
		return -1;
	return 0;
}

static int
again_add(struct wxr *w, int64_t id)
{
	if (w->nagain == w->capagain) {
		size_t cap = w->capagain ? w->capagain * 2 : 64;
		int64_t *p = realloc(w->again, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		w->again = p;
		w->capagain = cap;
	}
	w->again[w->nagain++] = id;
	return 0;
}

static int
do_item(struct wxr *w, const xmlNode *n, struct error *e)
{
	struct item it;
	struct import_post p = {0};
	struct wcomment *cm;
	const struct pre *pre;
	const char *html;
	enum wxr_kind k;
	int64_t id;
	int existed, rc = 0, ncm, *order;
	const char *slug;

	memset(&it, 0, sizeof(it));
	it.title = it.link = it.guid = it.creator = it.content = "";
	it.excerpt = it.name = it.status = it.type = it.password = "";
	it.date = it.date_gmt = it.modified = it.modified_gmt = "";
	it.comment_status = it.attachment_url = "";
	w->r->items++;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (wxr_is_el(c, NULL, "title"))
			it.title = wxr_text_of(w, c, 1);
		else if (wxr_is_el(c, NULL, "link"))
			it.link = wxr_text_of(w, c, 1);
		else if (wxr_is_el(c, NULL, "guid"))
			it.guid = wxr_text_of(w, c, 1);
		else if (wxr_is_el(c, NS_DC, "creator"))
			it.creator = wxr_text_of(w, c, 1);
		else if (wxr_is_el(c, NS_CONTENT, "encoded")) {
			it.content = wxr_text_of(w, c, 0);
			it.content_node = c;
		} else if (wxr_is_el(c, "excerpt", "encoded"))
			it.excerpt = wxr_text_of(w, c, 0);
		else if (wxr_is_wp(c, "post_id")) {
			it.id = wxr_id_of(wxr_text_of(w, c, 1));
			it.has_id = 1;
		} else if (wxr_is_wp(c, "post_name"))
			it.name = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "status"))
			it.status = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "post_type"))
			it.type = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "post_password"))
			it.password = wxr_text_of(w, c, 0);
		else if (wxr_is_wp(c, "post_date"))
			it.date = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "post_date_gmt"))
			it.date_gmt = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "post_modified"))
			it.modified = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "post_modified_gmt"))
			it.modified_gmt = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "comment_status"))
			it.comment_status = wxr_text_of(w, c, 1);
		else if (wxr_is_wp(c, "post_parent"))
			it.parent = wxr_id_of(wxr_text_of(w, c, 1));
		else if (wxr_is_wp(c, "is_sticky"))
			it.sticky = strcmp(wxr_text_of(w, c, 1), "1") == 0;
		else if (wxr_is_wp(c, "attachment_url"))
			it.attachment_url = wxr_text_of(w, c, 1);
	}
	if (*it.type == '\0')
		it.type = "post"; /* WordPress's default */
	/* gazette's own types (an export of ours) count as posts */
	k = strcmp(it.type, "post") == 0 || strcmp(it.type, "book") == 0 ||
	                    strcmp(it.type, "episode") == 0
	            ? WXR_POST
	    : strcmp(it.type, "page") == 0       ? WXR_PAGE
	    : strcmp(it.type, "attachment") == 0 ? WXR_ATTACHMENT
	                                         : WXR_OTHER;
	if (w->too_big) {
		wxr_skip(w, k, "a field over LIM_WXR_FIELD_BYTES");
		return 0;
	}
	if (it.id == 0 && !it.has_id) {
		/* theme-preview.xml has no wp:post_id: take the id from a
		 * shortlink GUID or link ("/?p=19"), as WordPress made them */
		it.id = id_from_url(w, it.guid);
		if (it.id == 0)
			it.id = id_from_url(w, it.link);
	}
	if (it.id == 0) {
		/* Without its WordPress id an item could neither be found
		 * again on a second import nor answer /?p=ID. */
		wxr_skip(w, k, it.has_id ? "bad wp:post_id" : "no wp:post_id");
		return 0;
	}
	if (k == WXR_OTHER) {
		wxr_skip(w, k,
		         arena_printf(w->a, "post type '%.40s' not imported",
		                      it.type));
		return 0;
	}
	if (k == WXR_ATTACHMENT)
		return do_attachment(w, &it, e);

	p.legacy_id = it.id;
	p.legacy_guid = *it.guid ? it.guid : NULL;
	p.type = k == WXR_PAGE                     ? POST_PAGE
	         : strcmp(it.type, "book") == 0    ? POST_BOOK
	         : strcmp(it.type, "episode") == 0 ? POST_EPISODE
	                                           : POST_POST;
	p.status = status_of(it.status, &p.private_);
	p.sticky = it.sticky;
	p.comments_open = strcmp(it.comment_status, "closed") != 0;
	p.title = it.title;
	p.password = it.password;
	p.published_at = wxr_time_of(it.date_gmt, it.date);
	p.updated_at = wxr_time_of(it.modified_gmt, it.modified);
	if (p.updated_at < p.published_at)
		p.updated_at = p.published_at;
	p.legacy_parent = it.parent;
	pre = wxr_pre_of(w, it.content_node);
	p.body_src = pre ? pre->body_src : wxr_rewrite_links(w, it.content);
	p.excerpt = it.excerpt;
	slug = wxr_slug_of(w, it.name, it.title);
	p.slug = *slug ? slug
	               : arena_printf(w->a, "%s-%lld", it.type,
	                              (long long)it.id);
	if (*it.creator &&
	    store_import_user_by_login(w->s, it.creator, &p.author_id, e) == -1)
		return -1;
	if (*it.creator && p.author_id == 0) {
		/* an author the file names but has no wp:author block for */
		struct import_user u = {0, it.creator, it.creator, ""};
		int ex;

		if (store_import_user(w->s, &u, &p.author_id, &ex, e) == -1)
			return -1;
		w->r->added[WXR_AUTHOR] += !ex;
	}
	html = pre && pre->html ? pre->html
	                        : wxr_render(w, p.body_src, it.id, 0);
	if (html == NULL) {
		wxr_skip(w, k, "content too big to render");
		return 0;
	}
	if (*it.password) {
		/* Never public without the password: every path but the
		 * password form sees this notice (migration 012). */
		p.body_html = WXR_PROTECTED_NOTICE;
		p.protected_html = html;
		p.excerpt = "";
	} else
		p.body_html = html;
	if (wxr_comments_read(w, n, &p, &cm, &order, &ncm, e) == -1 ||
	    store_import_post(w->s, w->a, &p, &id, &slug, &existed, e) == -1)
		return -1;
	w->r->added[k] += !existed;
	w->r->existing[k] += existed;
	if (!existed) {
		/* indexed for search now that its tags are in, on this
		 * thread's time rather than at the end */
		if (post_extras(w, n, id, *it.password != '\0', it.excerpt,
		                e) == -1 ||
		    store_import_index(w->s, w->scratch, id,
		                       pre && pre->html == p.body_html
		                               ? pre->text
		                               : NULL,
		                       e) == -1)
			return -1;
		wxr_link_add(w, it.link, id, 0, e, &rc);
		if (rc == -1)
			return -1;
		if (strstr(p.body_src, "[gallery") != NULL &&
		    again_add(w, id) == -1)
			return error_set(e, ERR_IO, "out of memory");
	}
	return wxr_comments_store(w, cm, order, ncm, id, !existed, e);
}

/* ---- the reader ------------------------------------------------------- */

/*
 * Only fatal errors make a file malformed: namespace errors (a URI that is
 * not absolute, as in namespace-edge-cases.xml) are not well-formedness
 * errors, and the elements they touch are simply not WordPress's.
 */
void
wxr_on_xml_error(void *ctx, xmlErrorPtr err)
{
	struct wxr *w = ctx;
	size_t n;

	if (err == NULL || err->level < XML_ERR_FATAL || w->xerr)
		return;
	w->xerr = 1;
	w->xline = err->line;
	w->xcol = err->int2;
	snprintf(w->xmsg, sizeof(w->xmsg), "%s",
	         err->message ? err->message : "error");
	n = strlen(w->xmsg);
	while (n > 0 && wxr_is_space(w->xmsg[n - 1]))
		w->xmsg[--n] = '\0';
}

/* Where the reader stopped, when libxml2 reported no error of its own. */
void
wxr_xml_position(struct wxr *w, xmlTextReaderPtr rd)
{
	if (!w->xerr) {
		w->xerr = 1;
		w->xline = xmlTextReaderGetParserLineNumber(rd);
		w->xcol = xmlTextReaderGetParserColumnNumber(rd);
		snprintf(w->xmsg, sizeof(w->xmsg), "cannot read the XML");
	}
}

int
wxr_xml_report(struct wxr *w, struct error *e)
{
	return error_set(e, ERR_INVALID, "%s:%d:%d: malformed XML: %s", w->path,
	                 w->xline, w->xcol, w->xmsg);
}

static int
xml_failed(struct wxr *w, xmlTextReaderPtr rd, struct error *e)
{
	wxr_xml_position(w, rd);
	return wxr_xml_report(w, e);
}

int
wxr_not_wxr(struct wxr *w, struct error *e)
{
	w->not_wxr = 1;
	return error_set(e, ERR_INVALID,
	                 "%s: this does not appear to be a WXR file, "
	                 "missing/invalid WXR version number",
	                 w->path);
}

/* "N.N": WordPress's own test for a WXR file. */
static int
version_valid(const char *v)
{
	size_t n = 0, m = 0;

	while (v[n] >= '0' && v[n] <= '9')
		n++;
	if (n == 0 || v[n] != '.')
		return 0;
	while (v[n + 1 + m] >= '0' && v[n + 1 + m] <= '9')
		m++;
	return m > 0 && v[n + 1 + m] == '\0';
}

/* The base URLs links are rewritten from; 1 when n was one of them. */
int
wxr_base_url(struct wxr *w, const xmlNode *n)
{
	char *dst;
	size_t len;

	if (!wxr_is_wp(n, "base_blog_url") && !wxr_is_wp(n, "base_site_url"))
		return 0;
	dst = wxr_is_wp(n, "base_blog_url") ? w->base_blog : w->base_site;
	snprintf(dst, sizeof(w->base_blog), "%s", wxr_text_of(w, n, 1));
	len = strlen(dst);
	while (len > 0 && dst[len - 1] == '/')
		dst[--len] = '\0';
	snprintf(w->r->base_url, sizeof(w->r->base_url), "%s",
	         *w->base_blog ? w->base_blog : w->base_site);
	return 1;
}

/* Before the first item: a file with only a site URL rewrites from it. */
void
wxr_base_fallback(struct wxr *w)
{
	if (*w->base_blog == '\0' && *w->base_site != '\0')
		snprintf(w->base_blog, sizeof(w->base_blog), "%s",
		         w->base_site);
}

/* One element directly under the channel; *handled when it was read. */
int
wxr_channel_child(struct wxr *w, const xmlNode *n, struct error *e)
{
	const char *t;

	if (wxr_is_wp(n, "wxr_version")) {
		t = wxr_text_of(w, n, 1);
		if (!version_valid(t))
			return wxr_not_wxr(w, e);
		snprintf(w->r->version, sizeof(w->r->version), "%s", t);
		w->have_version = 1;
		return 0;
	}
	if (wxr_base_url(w, n))
		return 0;
	if (!(wxr_is_el(n, NULL, "item") || wxr_is_wp(n, "author") ||
	      wxr_is_wp(n, "wp_author") || wxr_is_wp(n, "category") ||
	      wxr_is_wp(n, "tag") || wxr_is_wp(n, "term")))
		return 0;
	if (!w->have_version)
		return wxr_not_wxr(w, e);
	wxr_base_fallback(w);
	if (wxr_is_el(n, NULL, "item"))
		return do_item(w, n, e);
	if (wxr_is_wp(n, "author") || wxr_is_wp(n, "wp_author"))
		return do_author(w, n, e);
	if (wxr_is_wp(n, "category"))
		return do_term(w, n, "category", e);
	if (wxr_is_wp(n, "tag"))
		return do_term(w, n, "tag", e);
	return do_term(w, n, "term", e);
}

/* The file in this thread, from where the reader is (ret its last answer). */
static int
read_file(struct wxr *w, xmlTextReaderPtr rd, int ret, int64_t size,
          struct error *e)
{
	struct wxr_progress pr = {0, 0, size};

	while (ret == 1) {
		xmlNodePtr n;

		if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT ||
		    xmlTextReaderDepth(rd) != 2) {
			ret = xmlTextReaderRead(rd);
			continue;
		}
		n = xmlTextReaderExpand(rd);
		if (n == NULL || w->xerr)
			return xml_failed(w, rd, e);
		arena_reset(w->a);
		w->too_big = 0;
		if (wxr_channel_child(w, n, e) == -1) {
			if (!w->not_wxr)
				return -1;
			/* A file that is also malformed (malformed.xml) is
			 * reported as malformed, with its line and column. */
			while ((ret = xmlTextReaderRead(rd)) == 1)
				;
			return ret == -1 || w->xerr ? xml_failed(w, rd, e) : -1;
		}
		pr.items++;
		pr.bytes = xmlTextReaderByteConsumed(rd);
		if (w->o != NULL && w->o->progress != NULL)
			w->o->progress(w->o->ctx, &pr);
		ret = xmlTextReaderNext(rd);
	}
	if (ret == -1 || w->xerr)
		return xml_failed(w, rd, e);
	if (!w->have_version)
		return wxr_not_wxr(w, e);
	return 0;
}

int
wxr_import(struct store *s, const char *path, const struct wxr_options *o,
           struct wxr_report *r, struct error *e)
{
	struct wxr w;
	struct stat sb;
	xmlTextReaderPtr rd;
	int rc = -1, ret, dtd = 0;

	memset(r, 0, sizeof(*r));
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.o = o;
	w.r = r;
	w.path = path;
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
		return error_set(e, ERR_INVALID, "%s: cannot read: %s", path,
		                 "no such file");
	/* No NOENT, DTDLOAD or HUGE: entities stay unexpanded, no external
	 * DTD is read, and libxml2's size limits stand.  NONET: nothing is
	 * fetched. */
	rd = xmlReaderForFile(path, NULL, XML_PARSE_NONET);
	if (rd == NULL)
		return error_set(e, ERR_IO, "%s: cannot open", path);
	xmlTextReaderSetStructuredErrorHandler(rd, wxr_on_xml_error, &w);
	w.a = arena_new();
	w.scratch = arena_new();
	/* up to the root element: is there a DTD? */
	ret = xmlTextReaderRead(rd);
	while (ret == 1 &&
	       xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT) {
		dtd |= xmlTextReaderNodeType(rd) ==
		       XML_READER_TYPE_DOCUMENT_TYPE;
		ret = xmlTextReaderRead(rd);
	}
	if (store_begin(s, e) == -1)
		goto out;
	/* wxr_restore: what a gazette export carries in "_gazette_*" meta */
	if ((ret == 1 && !dtd && !(o != NULL && o->one_thread)
	             ? wxr_read_ahead(&w, rd, (int64_t)sb.st_size, e)
	             : read_file(&w, rd, ret, (int64_t)sb.st_size, e)) == -1 ||
	    wxr_render_again(&w, e) == -1 || wxr_restore(s, e) == -1 ||
	    store_import_finish(s, w.rethread, e) == -1) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
	if (rc == 0)
		rc = store_analyze(s, e);
out:
	free(w.again);
	arena_free(w.a);
	arena_free(w.scratch);
	xmlFreeTextReader(rd);
	return rc;
}
