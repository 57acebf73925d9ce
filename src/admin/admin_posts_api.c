/*
 * The admin's JSON API for posts, pages, books and episodes: list, read,
 * create, change, autosave, revisions, preview.  The same checks as the
 * editor (admin_editor.c), answered as JSON.
 */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "../auth/auth.h"
#include "../core/posts.h"
#include "../import/wp.h"
#include "../import/wxr.h"
#include "../render/html.h"
#include "../render/md.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"
/* ---- the JSON API ---- */

static json_t *
jstring(const char *s)
{
	json_t *v = json_string(s ? s : "");

	return v ? v : json_string("");
}

/* An item as the API shows it; full adds the body, tags and version. */
static json_t *
post_json(struct arena *a, const struct post *p, const struct post_edit *pe)
{
	json_t *o = json_object();
	json_t *author = json_object();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "type", jstring(post_type_names[p->type]));
	json_object_set_new(o, "status", jstring(post_status_names[p->status]));
	json_object_set_new(o, "title", jstring(p->title));
	json_object_set_new(o, "slug", jstring(p->slug));
	json_object_set_new(o, "section",
	                    p->section_id ? jstring(p->section_slug)
	                                  : json_null());
	json_object_set_new(author, "id", json_integer(p->author_id));
	json_object_set_new(author, "name", jstring(p->author_name));
	json_object_set_new(o, "author", author);
	json_object_set_new(o, "published_at",
	                    jstring(date_iso(a, p->published_at)));
	json_object_set_new(o, "updated_at",
	                    jstring(date_iso(a, p->updated_at)));
	json_object_set_new(o, "url", jstring(site_permalink(a, p)));
	json_object_set_new(o, "excerpt", jstring(p->excerpt));
	json_object_set_new(o, "source_url", jstring(p->source_url));
	json_object_set_new(o, "sticky", json_boolean(p->sticky));
	json_object_set_new(o, "comments_open", json_boolean(p->comments_open));
	if (pe != NULL) {
		json_t *tags = json_array();

		for (size_t i = 0; i < p->ntags; i++)
			json_array_append_new(tags, jstring(p->tags[i]));
		json_object_set_new(o, "tags", tags);
		json_object_set_new(o, "body", jstring(p->body_src));
		json_object_set_new(o, "body_format", jstring(p->body_format));
		json_object_set_new(o, "body_html", jstring(p->body_html));
		json_object_set_new(o, "version", json_integer(pe->version));
		if (p->type == POST_BOOK)
			json_object_set_new(o, "order_url",
			                    jstring(pe->order_url));
	}
	return o;
}

/* An item with its files (admin_files.c), as GET, POST and PUT answer. */
static json_t *
post_json_files(struct site *s, struct arena *a, const struct post_edit *pe)
{
	json_t *o = post_json(a, &pe->post, pe);

	json_object_set_new(o, "files",
	                    editor_files_json(s, a, pe->post.id,
	                                      pe->post.type));
	return o;
}

/* 400 with every field's message: {"error": first, "fields": {...}}. */
static void
api_invalid(struct resp *rs, const struct admin_edit *ed)
{
	json_t *o = json_object(), *fields = json_object();
	const char *first = NULL;

	for (int i = 0; i < POST_F__MAX; i++)
		if (ed->pr.err[i] != NULL) {
			if (first == NULL)
				first = ed->pr.err[i];
			json_object_set_new(fields, post_field_names[i],
			                    jstring(ed->pr.err[i]));
		}
	json_object_set_new(o, "error", jstring(first ? first : "bad input"));
	json_object_set_new(o, "fields", fields);
	api_json(rs, 400, o);
}

/* Read item id again and send it with status. */
static void
api_post_send(struct site *s, struct req *r, struct resp *rs, int status,
              int64_t id)
{
	struct post_edit pe;
	struct error e;

	if (store_post_edit_get(s->store, r->arena, id, &pe, &e) == -1) {
		resp_json_error(rs, resp_status_for(e.code), e.msg);
		return;
	}
	api_json(rs, status, post_json_files(s, r->arena, &pe));
}

/* 409: the version now and the item as it is. */
static void
api_stale(struct site *s, struct req *r, struct resp *rs, int64_t id,
          const char *msg)
{
	struct post_edit pe;
	struct error e;
	json_t *o = json_object();

	json_object_set_new(o, "error", jstring(msg));
	if (store_post_edit_get(s->store, r->arena, id, &pe, &e) == 0) {
		json_object_set_new(o, "version", json_integer(pe.version));
		json_object_set_new(o, "post",
		                    post_json(r->arena, &pe.post, &pe));
	}
	api_json(rs, 409, o);
}

/* Create (cur NULL) or update from the JSON body. */
static void
api_save(struct site *s, struct req *r, struct resp *rs, struct who *w,
         const struct post_edit *cur)
{
	struct arena *a = r->arena;
	json_t *doc = api_json_request(r, rs);
	struct admin_edit ed;
	struct post p;
	struct post_save ps;
	struct error e;
	int64_t id, version;
	int stale, rc;
	const char *files[EF__MAX], *bad = NULL;

	if (doc == NULL)
		return;
	admin_edit_init(&ed, cur ? cur->post.type : POST_POST);
	rc = admin_edit_from_json(a, doc, &ed, &e);
	if (rc == 0 && editor_files_from_json(a, doc, files, &bad, &e) == -1) {
		json_decref(doc);
		admin_field_error(rs, 400, bad, e.msg);
		return;
	}
	json_decref(doc);
	if (rc == -1) {
		resp_json_error(rs, 400, e.msg);
		return;
	}
	if (cur != NULL) {
		ed.in.type = cur->post.type;
		if (ed.version < 0) {
			resp_json_error(
				rs, 400,
				"'version' is required: the version the "
				"change starts from (GET gives it)");
			return;
		}
	}
	if (admin_edit_check(s, a, w, &ed, cur, &p, &e) == -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	if (ed.forbidden != NULL) {
		resp_json_error(rs, 403, ed.forbidden);
		return;
	}
	if (ed.pr.bad > 0) {
		api_invalid(rs, &ed);
		return;
	}
	ps.post = &p;
	ps.base_version = cur ? ed.version : 0;
	ps.editor_id = w->u.id;
	ps.order_url = p.type != POST_BOOK     ? NULL
	               : ed.in.v[POST_F_ORDER] ? ed.in.v[POST_F_ORDER]
	               : cur                   ? NULL
	                                       : "";
	ps.now = clock_now();
	/* The item and its files together, or neither: a file refused
	 * leaves nothing saved. */
	if (store_begin(s->store, &e) == -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	if (store_post_save(s->store, &ps, &id, &version, &stale, &e) == -1) {
		store_rollback(s->store);
		if (stale)
			api_stale(s, r, rs, cur->post.id, e.msg);
		else
			admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	if (editor_files_save(s, a, id, p.type, files, &bad, &e) == -1) {
		store_rollback(s->store);
		if (e.code == ERR_IO || bad == NULL)
			admin_fail(s, r, rs, w, "admin posts", &e);
		else
			admin_field_error(rs, resp_status_for(e.code), bad,
			                  e.msg);
		return;
	}
	if (store_commit(s->store, &e) == -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	api_post_send(s, r, rs, cur ? 200 : 201, id);
}

void
api_admin_posts(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct admin_list_args la;
	struct post *posts;
	size_t n;
	int64_t total;
	struct error e;
	const char *why;
	json_t *o, *list;

	if (w == NULL)
		return;
	if (r->method == HTTP_POST) {
		api_save(s, r, rs, w, NULL);
		return;
	}
	why = admin_list_args_read(r, &la);
	if (why != NULL) {
		resp_json_error(rs, 400, why);
		return;
	}
	if (!admin_post_type_ok(w, la.type)) {
		resp_json_error(rs, 403,
		                "Pages, books and episodes are for editors "
		                "and admins.");
		return;
	}
	if (admin_list_load(s, r->arena, w, &la, &posts, &n, &total, &e) ==
	    -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list,
		                      post_json(r->arena, &posts[i], NULL));
	o = json_object();
	json_object_set_new(o, "posts", list);
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "page", json_integer(la.page));
	json_object_set_new(o, "pages",
	                    json_integer((total + POSTS_PAGE - 1) /
	                                 POSTS_PAGE));
	api_json(rs, 200, o);
}

void
api_admin_post(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct post_edit *cur;
	struct error e;

	if (w == NULL)
		return;
	cur = admin_post_of_route(s, r, rs, w,
	                          r->method != HTTP_GET &&
	                                  r->method != HTTP_HEAD);
	if (cur == NULL)
		return;
	if (r->method == HTTP_GET || r->method == HTTP_HEAD) {
		api_json(rs, 200, post_json_files(s, r->arena, cur));
		return;
	}
	if (r->method == HTTP_PUT) {
		api_save(s, r, rs, w, cur);
		return;
	}
	/* DELETE: to the trash, from where "restore" brings it back. */
	if (store_post_set_state(s->store, cur->post.id, POST_TRASH, 0,
	                         clock_now(), &e) == -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	api_post_send(s, r, rs, 200, cur->post.id);
}

void
api_admin_post_autosave(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct arena *a = r->arena;
	struct post_edit *cur;
	const char *title = NULL, *body = NULL, *html;
	json_t *doc, *v;
	int64_t base, version, now = clock_now();
	int stale, live, rc;
	struct error e;

	if (w == NULL)
		return;
	cur = admin_post_of_route(s, r, rs, w, 1);
	if (cur == NULL)
		return;
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	v = json_object_get(doc, "version");
	base = json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
	rc = admin_json_text(a, doc, "title", &title, &e) == -1 ||
	     admin_json_text(a, doc, "body", &body, &e) == -1;
	json_decref(doc);
	if (rc) {
		resp_json_error(rs, 400, e.msg);
		return;
	}
	if (base < 0) {
		resp_json_error(rs, 400, "'version' is required");
		return;
	}
	if (admin_blank(title))
		title = cur->post.title; /* an autosave never blanks a title */
	if (strlen(title) > LIM_TITLE_BYTES) {
		resp_json_error(rs, 400,
		                arena_printf(a, "the title is over %d bytes",
		                             LIM_TITLE_BYTES));
		return;
	}
	if (body == NULL)
		body = cur->post.body_src;
	if (strlen(body) > LIM_POST_SRC_BYTES) {
		resp_json_error(rs, 413, "the text is too long");
		return;
	}
	html = posts_render_body(s->store, a, cur->post.id,
	                         cur->post.body_format, body, &e);
	if (html == NULL) {
		resp_json_error(rs, resp_status_for(e.code), e.msg);
		return;
	}
	/* A draft or a pending post is nobody's reading yet: it takes the
	 * text.  A published or scheduled one keeps what readers see. */
	live = cur->post.status == POST_DRAFT ||
	       cur->post.status == POST_PENDING;
	if (store_post_autosave(s->store, cur->post.id, base, title, body, html,
	                        live, w->u.id, now, &version, &stale,
	                        &e) == -1) {
		if (stale)
			api_stale(s, r, rs, cur->post.id, e.msg);
		else
			admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	api_json(rs, 200,
	         json_pack("{s:I,s:s,s:b}", "version", (json_int_t)version,
	                   "saved_at", date_iso(a, now), "live", live));
}

static json_t *
revision_json(struct arena *a, const struct revision *x, int body)
{
	json_t *o = json_object(), *author = json_object();

	json_object_set_new(o, "id", json_integer(x->id));
	json_object_set_new(o, "version", json_integer(x->version));
	json_object_set_new(o, "created_at",
	                    jstring(date_iso(a, x->created_at)));
	json_object_set_new(author, "id", json_integer(x->author_id));
	json_object_set_new(author, "name", jstring(x->author_name));
	json_object_set_new(o, "author", author);
	json_object_set_new(o, "title", jstring(x->title));
	json_object_set_new(o, "autosave", json_boolean(x->autosave));
	if (body)
		json_object_set_new(o, "body", jstring(x->body_src));
	return o;
}

void
api_admin_post_revisions(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct post_edit *cur;
	struct revision *revs;
	size_t n;
	struct error e;
	json_t *list;

	if (w == NULL)
		return;
	cur = admin_post_of_route(s, r, rs, w, 0);
	if (cur == NULL)
		return;
	if (store_revision_list(s->store, r->arena, cur->post.id,
	                        LIM_REVISIONS_LISTED, &revs, &n, &e) == -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list,
		                      revision_json(r->arena, &revs[i], 0));
	api_json(rs, 200,
	         json_pack("{s:o,s:I}", "revisions", list, "version",
	                   (json_int_t)cur->version));
}

void
api_admin_post_restore(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct post_edit *cur;
	int64_t rev, base, version;
	int stale;
	struct error e;
	json_t *doc, *v;

	if (w == NULL)
		return;
	cur = admin_post_of_route(s, r, rs, w, 1);
	if (cur == NULL)
		return;
	if (!admin_id_param(r, 1, &rev)) {
		resp_json_error(rs, 404, "no such revision");
		return;
	}
	base = cur->version;
	if (r->body_len > 0) {
		doc = api_json_request(r, rs);
		if (doc == NULL)
			return;
		v = json_object_get(doc, "version");
		if (json_is_integer(v))
			base = (int64_t)json_integer_value(v);
		json_decref(doc);
	}
	if (admin_revision_restore(s, r->arena, w, cur, rev, base, &version,
	                           &stale, &e) == -1) {
		if (stale)
			api_stale(s, r, rs, cur->post.id, e.msg);
		else
			admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	api_post_send(s, r, rs, 200, cur->post.id);
}
