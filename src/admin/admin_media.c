/*
 * The media library in the admin (issue 16): the screen (a grid of files
 * with search, alt text, where each is used, delete when unused), the
 * upload from it and from the editor, and the JSON API.  An upload's body
 * never sits in memory: http/server.c streams the multipart form to a
 * file (server_upload_paths), and media_add() takes it from there by the
 * same rules as `gazette media add`.
 */
#include <jansson.h>
#include <string.h>

#include "internal.h"
#include "../auth/auth.h"
#include "../media/media.h"
#include "../store/media.h"
#include "../util/num.h"
#include "../util/banned.h"

#define MEDIA_PAGE 60 /* files on one page of the screen and the API */

static const char *const notices[] = {"added",
                                      "The file was added to the library.",
                                      "existed",
                                      "That file was in the library already.",
                                      "saved",
                                      "The alt text was saved.",
                                      "deleted",
                                      "The file and its copies were deleted.",
                                      NULL};

/* Store the request's uploaded file; -1 with e filled. */
static int
media_upload(struct site *s, struct req *r, struct media_file *f,
             struct error *e)
{
	const char *alt =
		admin_form_one(r, "alt", ADMIN_FIELD_MAX(LIM_MEDIA_ALT_BYTES));

	if (r->upload_error != NULL)
		return error_set(e,
		                 strstr(r->upload_error, "too large") != NULL
		                         ? ERR_TOO_BIG
		                 : strstr(r->upload_error, "server") != NULL
		                         ? ERR_IO
		                         : ERR_INVALID,
		                 "%s", r->upload_error);
	if (r->upload_path == NULL)
		return error_set(e, ERR_INVALID,
		                 "no file: send it as the form's file field "
		                 "(multipart/form-data)");
	return media_add(s->store, r->arena, s->dir, r->upload_path,
	                 r->upload_name, alt ? alt : "", f, e);
}

static json_t *
media_json(struct site *s, struct arena *a, const struct media_row *m)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(m->id));
	json_object_set_new(o, "url",
	                    json_string(arena_printf(a, "%s/media/%s", s->url,
	                                             m->path)));
	json_object_set_new(o, "path",
	                    json_string(arena_printf(a, "/media/%s", m->path)));
	json_object_set_new(o, "mime", json_string(m->mime));
	json_object_set_new(o, "bytes", json_integer(m->bytes));
	json_object_set_new(o, "width", json_integer(m->width));
	json_object_set_new(o, "height", json_integer(m->height));
	json_object_set_new(o, "name", json_string(m->title));
	json_object_set_new(o, "alt", json_string(m->alt));
	return o;
}

/* GET /api/v1/media?q=&page=; POST /api/v1/media (multipart: file, alt):
 * 201 with the file, 200 when the same bytes were there already. */
void
api_media(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct media_file f;
	struct media_row row, *all;
	struct error e;
	int64_t page;
	size_t n;
	json_t *list;

	if (w == NULL)
		return;
	if (r->method == HTTP_POST) {
		if (media_upload(s, r, &f, &e) == -1 ||
		    store_media_get(s->store, r->arena, f.id, &row, &e) == -1) {
			if (e.code == ERR_IO)
				admin_fail(s, r, rs, w, "media", &e);
			else
				admin_field_error(rs, resp_status_for(e.code),
				                  "file", e.msg);
			return;
		}
		list = media_json(s, r->arena, &row);
		json_object_set_new(list, "existed", json_boolean(f.existed));
		json_object_set_new(list, "markdown",
		                    json_string(arena_printf(r->arena,
		                                             "![%s](/media/%s)",
		                                             row.alt,
		                                             row.path)));
		api_json(rs, f.existed ? 200 : 201, list);
		return;
	}
	if (admin_query_num(r, rs, "page", 1, LIM_PAGE_MAX, 1, &page) == -1)
		return;
	if (store_media_list(s->store, r->arena, req_query(r, "q"), MEDIA_PAGE,
	                     (int)((page - 1) * MEDIA_PAGE), &all, &n,
	                     &e) == -1) {
		admin_fail(s, r, rs, w, "media", &e);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, media_json(s, r->arena, &all[i]));
	api_json(rs, 200, list);
}

/* One file of the screen, pushed onto list. */
static struct tval *
file_model(struct site *s, struct arena *a, struct tval *list,
           const struct media_row *r)
{
	struct tval *f = tval_push(a, list, tval_map(a));

	(void)s;
	tval_set_int(a, f, "id", r->id);
	tval_set_str(a, f, "url", arena_printf(a, "/media/%s", r->path));
	if (strncmp(r->mime, "image/", 6) == 0 && r->width > 0)
		tval_set_str(a, f, "thumb",
		             arena_printf(a, "/media/%s",
		                          media_variant(a, r->path,
		                                        r->width > 300 ? 300
		                                                       : 0,
		                                        0)));
	tval_set_str(a, f, "name", r->title);
	tval_set_str(a, f, "alt", r->alt);
	tval_set_str(a, f, "mime", r->mime);
	tval_set_int(a, f, "kib", (r->bytes + 1023) / 1024);
	if (r->width > 0)
		tval_set_str(a, f, "size",
		             arena_printf(a, "%d × %d", r->width, r->height));
	tval_set_str(a, f, "markdown",
	             arena_printf(a, "![%s](/media/%s)", r->alt, r->path));
	return f;
}

/* GET /admin/media/: the library. */
void
admin_media_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct arena *a = r->arena;
	struct media_row *all;
	struct tval *m, *list;
	const char *q, *notice;
	struct error e;
	int64_t page;
	size_t n;

	if (w == NULL)
		return;
	if (admin_query_num(r, rs, "page", 1, LIM_PAGE_MAX, 1, &page) == -1)
		return;
	q = req_query(r, "q");
	if (store_media_list(s->store, a, q, MEDIA_PAGE + 1,
	                     (int)((page - 1) * MEDIA_PAGE), &all, &n,
	                     &e) == -1) {
		admin_fail(s, r, rs, w, "media", &e);
		return;
	}
	m = admin_model(s, r, w, "Media");
	notice = admin_notice_for(r, notices);
	if (notice != NULL)
		tval_set_str(a, m, "notice", notice);
	tval_set_str(a, m, "q", q ? q : "");
	tval_set_bool(a, m, "can_manage", auth_can(&w->u, CAP_POSTS_ALL));
	list = tval_set(a, m, "files", tval_list(a));
	for (size_t i = 0; i < n && i < MEDIA_PAGE; i++)
		(void)file_model(s, a, list, &all[i]);
	if (page > 1)
		tval_set_str(a, m, "newer",
		             arena_printf(a, "/admin/media/?page=%lld",
		                          (long long)(page - 1)));
	if (n > MEDIA_PAGE)
		tval_set_str(a, m, "older",
		             arena_printf(a, "/admin/media/?page=%lld",
		                          (long long)(page + 1)));
	admin_render(s, r, rs, "admin_media.html", m);
}

/* POST /admin/media/upload: the screen's upload form (multipart). */
void
admin_media_upload(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct media_file f;
	struct error e;

	if (w == NULL)
		return;
	if (media_upload(s, r, &f, &e) == -1) {
		if (e.code == ERR_IO)
			admin_fail(s, r, rs, w, "media", &e);
		else
			admin_error(s, r, rs, w, resp_status_for(e.code),
			            "The file was not added", e.msg);
		return;
	}
	admin_redirect(rs, f.existed ? "/admin/media/?existed=1"
	                             : "/admin/media/?added=1");
}

/*
 * GET /admin/media/ID/: one file, where it is used (which reads every
 * post, so the grid does not ask it of each file) and, when unused, its
 * delete button.
 */
static void
media_detail(struct site *s, struct req *r, struct resp *rs, struct who *w,
             int64_t id)
{
	struct arena *a = r->arena;
	struct media_row row;
	struct tval *m, *f, *used;
	const char **titles;
	int64_t *ids;
	struct error e;
	size_t k;

	if (store_media_get(s->store, a, id, &row, &e) == -1 ||
	    store_media_uses(s->store, a, id, 50, &ids, &titles, &k, &e) ==
	            -1) {
		admin_fail(s, r, rs, w, "media", &e);
		return;
	}
	m = admin_model(s, r, w, arena_printf(a, "Media: %s", row.title));
	tval_set_bool(a, m, "detail", 1);
	tval_set_bool(a, m, "can_manage", auth_can(&w->u, CAP_POSTS_ALL));
	f = file_model(s, a, tval_set(a, m, "files", tval_list(a)), &row);
	tval_set_bool(a, f, "checked", 1);
	tval_set_bool(a, f, "unused", k == 0);
	used = tval_set(a, f, "used", tval_list(a));
	for (size_t j = 0; j < k; j++) {
		struct tval *u = tval_push(a, used, tval_map(a));

		tval_set_str(a, u, "title", titles[j]);
		tval_set_str(a, u, "edit",
		             arena_printf(a, "/admin/posts/%lld/",
		                          (long long)ids[j]));
	}
	admin_render(s, r, rs, "admin_media.html", m);
}

/* GET /admin/media/ID/: the file; POST: action=alt (with alt) or
 * action=delete. */
void
admin_media_item(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs,
	                            r->method == HTTP_GET ? CAP_POSTS_OWN
	                                                  : CAP_POSTS_ALL);
	const char *action, *alt;
	struct error e;
	int64_t id;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id)) {
		admin_error(s, r, rs, w, 404, "Not found", "No such file.");
		return;
	}
	if (r->method == HTTP_GET) {
		media_detail(s, r, rs, w, id);
		return;
	}
	action = admin_form_one(r, "action", 20);
	if (action != NULL && strcmp(action, "delete") == 0) {
		if (media_delete(s->store, r->arena, s->dir, id, &e) == -1) {
			if (e.code == ERR_IO)
				admin_fail(s, r, rs, w, "media", &e);
			else
				admin_error(s, r, rs, w,
				            resp_status_for(e.code),
				            "The file was not deleted", e.msg);
			return;
		}
		admin_redirect(rs, "/admin/media/?deleted=1");
		return;
	}
	alt = admin_form_one(r, "alt", ADMIN_FIELD_MAX(LIM_MEDIA_ALT_BYTES));
	if (alt == NULL || strlen(alt) > LIM_MEDIA_ALT_BYTES) {
		admin_error(s, r, rs, w, 400, "Not saved",
		            arena_printf(r->arena,
		                         "The alt text is at most %d bytes.",
		                         LIM_MEDIA_ALT_BYTES));
		return;
	}
	if (store_media_set_alt(s->store, id, alt, &e) == -1) {
		admin_fail(s, r, rs, w, "media", &e);
		return;
	}
	admin_redirect(rs, "/admin/media/?saved=1");
}
