/*
 * The admin's editor of posts, pages, books and episodes: what it sends
 * (the form or JSON), the checks around core/posts.c's rules (who may,
 * and a stale save), the editor screen, its preview.
 */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "../store/media.h"
#include "../auth/auth.h"
#include "../core/posts.h"
#include "../import/wp.h"
#include "../import/wxr.h"
#include "../render/html.h"
#include "../util/tz.h"
#include "../render/md.h"
#include "../util/clock.h"
#include "../util/tz.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"
/* ---- what an editor sends: the form or JSON ---- */

void
admin_edit_init(struct admin_edit *ed, enum post_type type)
{
	memset(ed, 0, sizeof(*ed));
	ed->in.type = type;
	ed->in.sticky = ed->in.comments_open = -1;
	ed->version = -1;
}

/* The editor's form.  Every text field may be as big as the request, so
 * a value over its limit comes back with a message next to it, not as a
 * refused form. */
static int
edit_from_form(struct req *r, struct admin_edit *ed, struct error *e)
{
	enum {
		X_STICKY = POST_F__MAX,
		X_COMMENTS,
		X_VERSION,
		X_DO,
		X_TYPE,
		X__MAX
	};
	struct form_field f[X__MAX];
	int k;

	for (int i = 0; i < POST_F__MAX; i++)
		f[i] = (struct form_field){post_field_names[i], LIM_BODY_BYTES,
		                           0, NULL};
	f[X_STICKY] = (struct form_field){"sticky", 8, 0, NULL};
	f[X_COMMENTS] = (struct form_field){"comments_open", 8, 0, NULL};
	f[X_VERSION] = (struct form_field){"version", 24, 0, NULL};
	f[X_DO] = (struct form_field){"do", 16, 0, NULL};
	f[X_TYPE] = (struct form_field){"type", 16, 0, NULL};
	if (form_parse(r, f, X__MAX, e) == -1)
		return -1;
	for (int i = 0; i < POST_F__MAX; i++)
		ed->in.v[i] = f[i].value;
	ed->in.sticky = f[X_STICKY].value != NULL;
	ed->in.comments_open = f[X_COMMENTS].value != NULL;
	if (f[X_VERSION].value != NULL &&
	    num_parse(f[X_VERSION].value, 0, INT64_MAX, &ed->version) == -1)
		ed->version = -1;
	ed->preview = f[X_DO].value && strcmp(f[X_DO].value, "preview") == 0;
	if (f[X_TYPE].value != NULL) {
		k = enum_lookup(post_type_names, POST_TYPE__MAX,
		                f[X_TYPE].value);
		if (k < 0)
			return error_set(e, ERR_INVALID, "no type '%s'",
			                 f[X_TYPE].value);
		ed->in.type = (enum post_type)k;
	}
	return 0;
}

/* A JSON string member as a C string; NULL when absent or null; -1 when
 * it is not a string or holds a NUL. */
int
admin_json_text(struct arena *a, json_t *doc, const char *key, const char **out,
                struct error *e)
{
	json_t *v = json_object_get(doc, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return error_set(e, ERR_INVALID, "'%s' must be a string", key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return error_set(e, ERR_INVALID, "'%s' holds a NUL byte", key);
	*out = arena_strdup(a, json_string_value(v));
	return 0;
}

static int
json_flag(json_t *doc, const char *key, int *out, struct error *e)
{
	json_t *v = json_object_get(doc, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return error_set(e, ERR_INVALID, "'%s' must be true or false",
		                 key);
	*out = json_is_true(v);
	return 0;
}

/* The API's body: the form's fields by the same names; tags may also be
 * an array of names, sticky and comments_open are booleans. */
int
admin_edit_from_json(struct arena *a, json_t *doc, struct admin_edit *ed,
                     struct error *e)
{
	json_t *v;
	const char *type;

	for (int i = 0; i < POST_F__MAX; i++) {
		if (i == POST_F_TAGS &&
		    json_is_array(json_object_get(doc, "tags"))) {
			json_t *t;
			size_t k;
			struct buf b;

			buf_init(&b, LIM_BODY_BYTES);
			json_array_foreach(json_object_get(doc, "tags"), k, t)
			{
				if (!json_is_string(t) ||
				    strchr(json_string_value(t), ',') != NULL) {
					buf_release(&b);
					return error_set(e, ERR_INVALID,
					                 "'tags' must be names "
					                 "without commas");
				}
				if ((k > 0 && buf_puts(&b, ", ") == -1) ||
				    buf_puts(&b, json_string_value(t)) == -1)
					break;
			}
			ed->in.v[i] = arena_strndup(a, buf_str(&b), b.len);
			buf_release(&b);
			continue;
		}
		if (admin_json_text(a, doc, post_field_names[i], &ed->in.v[i],
		                    e) == -1)
			return -1;
	}
	if (json_flag(doc, "sticky", &ed->in.sticky, e) == -1 ||
	    json_flag(doc, "comments_open", &ed->in.comments_open, e) == -1 ||
	    admin_json_text(a, doc, "type", &type, e) == -1)
		return -1;
	if (type != NULL) {
		int k = enum_lookup(post_type_names, POST_TYPE__MAX, type);

		if (k < 0)
			return error_set(e, ERR_INVALID,
			                 "no type '%s' (post, page, book, "
			                 "episode)",
			                 type);
		ed->in.type = (enum post_type)k;
	}
	v = json_object_get(doc, "version");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return error_set(e, ERR_INVALID,
			                 "'version' must be a whole number");
		ed->version = (int64_t)json_integer_value(v);
	}
	return 0;
}

/*
 * Check what was sent and build the post to save in *p: cur's columns
 * (or a new item's defaults) with every sent field over them.  Problems
 * go to ed (err[] per field, forbidden for a 403); -1 only when the
 * store fails.
 */
int
admin_edit_check(struct site *s, struct arena *a, struct who *w,
                 struct admin_edit *ed, const struct post_edit *cur,
                 struct post *p, struct error *e)
{
	const char *why;

	if (!admin_post_type_ok(w,
	                        cur != NULL ? cur->post.type : ed->in.type)) {
		ed->forbidden = "Pages, books and episodes are for editors "
				"and admins.";
		return 0;
	}
	ed->in.author_id = w->u.id;
	ed->in.date_local = 1;
	ed->in.date_as_shown =
		cur != NULL && ed->in.v[POST_F_DATE] != NULL &&
		strcmp(ed->in.v[POST_F_DATE],
	               admin_post_date_field(a, cur->post.published_at)) == 0;
	if (posts_check(s->store, a, &ed->in, cur ? &cur->post : NULL,
	                clock_now(), p, &ed->pr, e) == -1)
		return -1;
	why = ed->pr.status_decided ? admin_post_status_refusal(w, p->status)
	                            : NULL;
	if (why != NULL)
		ed->forbidden = why;
	return 0;
}

/* ---- the editor screen ---- */

/* What another save changed, for a 409. */
struct conflict {
	const struct post_edit *theirs;
	const char *author; /* who saved last ("" unknown) */
	int64_t when;
	const char *diff_html; /* their body -> the user's */
	int coarse;
};

static struct tval *
notice(struct arena *a, struct tval *list, const char *kind, const char *text)
{
	struct tval *n = tval_push(a, list, tval_map(a));

	tval_set_str(a, n, "kind", kind);
	tval_set_str(a, n, "text", text);
	return n;
}

/*
 * The editor: cur's values (or a new item's), with ed's over them when
 * the user sent some (a 400, 409 or a preview: nothing typed is lost).
 * version is what the form's hidden field will say.
 */
static void
editor_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
              int status, const struct post_edit *cur, enum post_type type,
              const struct admin_edit *ed, int64_t version, const char *preview,
              const struct conflict *cf, struct tval *notices)
{
	struct arena *a = r->arena;
	const struct post *p = cur ? &cur->post : NULL;
	const char *val[POST_F__MAX];
	int sticky = p ? p->sticky : 0, comments = p ? p->comments_open : 1;
	struct tval *m, *f, *errs, *list;
	struct section *secs;
	size_t nsecs = 0;
	struct error e;

	val[POST_F_TITLE] = p ? p->title : "";
	val[POST_F_SLUG] = p ? p->slug : "";
	val[POST_F_SECTION] = p ? p->section_slug : "";
	val[POST_F_TAGS] = p ? admin_post_tags(a, p) : "";
	val[POST_F_SOURCE] = p ? p->source_url : "";
	val[POST_F_EXCERPT] = p ? p->excerpt : "";
	val[POST_F_BODY] = p ? p->body_src : "";
	val[POST_F_STATUS] = p ? post_status_names[p->status] : "draft";
	val[POST_F_DATE] = p && (p->status == POST_PUBLISHED ||
	                         p->status == POST_SCHEDULED)
	                           ? admin_post_date_field(a, p->published_at)
	                           : "";
	val[POST_F_ORDER] = cur ? cur->order_url : "";
	if (ed != NULL) {
		for (int i = 0; i < POST_F__MAX; i++)
			if (ed->in.v[i] != NULL)
				val[i] = ed->in.v[i];
		if (ed->in.sticky >= 0)
			sticky = ed->in.sticky;
		if (ed->in.comments_open >= 0)
			comments = ed->in.comments_open;
	}
	m = admin_model(s, r, w,
	                arena_printf(a, "%s %s", p ? "Edit" : "New",
	                             post_type_one[type]));
	if (notices == NULL)
		notices = tval_list(a);
	tval_set(a, m, "notices", notices);
	tval_set_bool(a, m, "is_new", p == NULL);
	tval_set_str(a, m, "type", post_type_names[type]);
	tval_set_str(a, m, "type_name", post_type_one[type]);
	tval_set_str(a, m, "list_url",
	             arena_printf(a, "/admin/posts/?type=%s",
	                          post_type_names[type]));
	tval_set_str(a, m, "list_label", admin_post_type_plural[type]);
	tval_set_str(a, m, "action",
	             p ? arena_printf(a, "/admin/posts/%lld/", (long long)p->id)
	               : "/admin/posts/new");
	tval_set_int(a, m, "version", version);
	{
		const char *fv = admin_form_one(r, "featured", 40);

		if (fv != NULL)
			tval_set_str(a, m, "featured", fv);
		else if (p != NULL && p->featured_id > 0)
			tval_set_int(a, m, "featured", p->featured_id);
	}
	if (p != NULL) {
		tval_set_int(a, m, "id", p->id);
		tval_set_str(a, m, "status_label",
		             admin_post_status_labels[p->status]);
		tval_set_str(a, m, "status", post_status_names[p->status]);
		tval_set_bool(a, m, "live",
		              p->status == POST_DRAFT ||
		                      p->status == POST_PENDING);
		tval_set_str(a, m, "revisions_url",
		             arena_printf(a, "/admin/posts/%lld/revisions/",
		                          (long long)p->id));
		if (p->status == POST_PUBLISHED)
			tval_set_str(a, m, "view_url", site_permalink(a, p));
		tval_set_str(a, m, "author", p->author_name);
		tval_set_str(a, m, "updated",
		             admin_post_date_field(a, p->updated_at));
	}
	f = tval_set(a, m, "f", tval_map(a));
	errs = tval_set(a, m, "errors", tval_map(a));
	for (int i = 0; i < POST_F__MAX; i++) {
		tval_set_str(a, f, post_field_names[i], val[i]);
		if (ed != NULL && ed->pr.err[i] != NULL)
			tval_set_str(a, errs, post_field_names[i],
			             ed->pr.err[i]);
	}
	if (ed != NULL && ed->pr.bad > 0) {
		tval_set_bool(a, m, "has_errors", 1);
		tval_set_int(a, m, "nerrors", ed->pr.bad);
	}
	tval_set_bool(a, m, "sticky", sticky);
	tval_set_bool(a, m, "comments_open", comments);
	tval_set_bool(a, m, "is_book", type == POST_BOOK);
	tval_set_bool(a, m, "is_post", type == POST_POST);
	editor_files_model(s, r, m, p, type);
	tval_set_str(a, m, "preview_html", preview ? preview : "");
	list = tval_set(a, m, "statuses", tval_list(a));
	for (int i = 0; i < POST_TRASH; i++) {
		struct tval *o;

		if (admin_post_status_refusal(w, (enum post_status)i) != NULL)
			continue;
		o = tval_push(a, list, tval_map(a));
		tval_set_str(a, o, "value", post_status_names[i]);
		tval_set_str(a, o, "label", admin_post_status_labels[i]);
		tval_set_bool(a, o, "selected",
		              strcmp(val[POST_F_STATUS],
		                     post_status_names[i]) == 0);
	}
	if (!auth_can(&w->u, CAP_POSTS_PUBLISH))
		tval_set_bool(a, m, "contributor", 1);
	list = tval_set(a, m, "sections", tval_list(a));
	if (store_section_list(s->store, a, clock_now(), &secs, &nsecs, &e) ==
	    -1)
		log_error("editor: %s", e.msg);
	for (size_t i = 0; i < nsecs; i++) {
		struct tval *o = tval_push(a, list, tval_map(a));

		tval_set_str(a, o, "slug", secs[i].slug);
		tval_set_str(a, o, "name", secs[i].name);
		tval_set_bool(a, o, "selected",
		              strcmp(val[POST_F_SECTION], secs[i].slug) == 0);
	}
	if (cf != NULL) {
		struct tval *c = tval_set(a, m, "conflict", tval_map(a));

		tval_set_str(a, c, "title", cf->theirs->post.title);
		tval_set_str(a, c, "body", cf->theirs->post.body_src);
		tval_set_int(a, c, "version", cf->theirs->version);
		tval_set_str(a, c, "author",
		             *cf->author ? cf->author : "Someone");
		tval_set_str(a, c, "when", admin_post_date_field(a, cf->when));
		tval_set_str(a, c, "diff_html", cf->diff_html);
		tval_set_bool(a, c, "coarse", cf->coarse);
		tval_set_bool(a, c, "title_differs",
		              strcmp(cf->theirs->post.title,
		                     val[POST_F_TITLE]) != 0);
	}
	rs->status = status;
	admin_render(s, r, rs, "admin_edit.html", m);
}

/* The saved post changed under the user: show theirs beside the user's
 * text, and let the next save (with their version) replace it. */
static void
conflict_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
                const struct post_edit *cur, struct admin_edit *ed,
                const struct post *mine)
{
	struct arena *a = r->arena;
	struct post_edit theirs;
	struct conflict cf = {0};
	struct revision *revs;
	size_t n;
	struct error e;
	struct tval *notices = tval_list(a);

	if (store_post_edit_get(s->store, a, cur->post.id, &theirs, &e) == -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	cf.theirs = &theirs;
	cf.author = "";
	cf.when = theirs.post.updated_at;
	if (store_revision_list(s->store, a, cur->post.id, 1, &revs, &n, &e) ==
	            0 &&
	    n == 1) {
		cf.author = revs[0].author_name;
		cf.when = revs[0].created_at;
	}
	cf.diff_html = admin_diff_html(a, theirs.post.body_src, mine->body_src,
	                               &cf.coarse);
	notice(a, notices, "error",
	       "Not saved: someone else saved this while you were editing. "
	       "Your text is still in the form below.");
	editor_render(s, r, rs, w, 409, cur, cur->post.type, ed, theirs.version,
	              mine->body_html, &cf, notices);
}

/*
 * The form's featured image: a picture of the media library by its
 * number, 0 for none (an empty field), -1 in *id when the form has no
 * such field (kept as it is).  -1 with e for a number that is not one.
 */
static int
featured_check(struct site *s, struct req *r, int64_t *id, struct error *e)
{
	const char *v = admin_form_one(r, "featured", 40);
	struct media_row m;

	*id = -1;
	if (v == NULL)
		return 0;
	while (*v == ' ' || *v == '#')
		v++;
	if (*v == '\0') {
		*id = 0;
		return 0;
	}
	if (num_parse(v, 1, INT64_MAX, id) == -1 ||
	    store_media_get(s->store, r->arena, *id, &m, e) == -1 ||
	    m.width <= 0) {
		*id = -1;
		return error_set(e, ERR_INVALID,
		                 "Featured image: no picture numbered '%s' in "
		                 "Media.",
		                 v);
	}
	return 0;
}

/* Back to the saved item's editor (303), with what it must say: key's
 * value (percent-encoded) in the query, or nothing more when value is NULL
 * or does not fit. */
static void
saved_redirect(struct arena *a, struct resp *rs, int64_t id, const char *key,
               const char *value)
{
	struct buf b;

	buf_init(&b, LIM_URL_BYTES);
	if (value != NULL &&
	    buf_printf(&b, "/admin/posts/%lld/?saved=1&%s=", (long long)id,
	               key) == 0 &&
	    url_encode(&b, value, strlen(value)) == 0)
		admin_redirect(rs, arena_strdup(a, buf_str(&b)));
	else
		admin_redirect(rs, arena_printf(a, "/admin/posts/%lld/?saved=1",
		                                (long long)id));
	buf_release(&b);
}

/* The form's POST: check, then preview, refuse, or save and go back to
 * the editor (303). */
static void
editor_save(struct site *s, struct req *r, struct resp *rs, struct who *w,
            const struct post_edit *cur, enum post_type type)
{
	struct arena *a = r->arena;
	int64_t featured;
	struct admin_edit ed;
	struct post p;
	struct post_save ps;
	struct error e;
	int64_t id, version;
	int stale;
	const char *files[EF__MAX], *bad;

	admin_edit_init(&ed, type);
	if (edit_from_form(r, &ed, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Bad form", e.msg);
		return;
	}
	if (cur != NULL)
		ed.in.type = cur->post.type;
	if (admin_edit_check(s, a, w, &ed, cur, &p, &e) == -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	if (ed.forbidden != NULL) {
		admin_forbid(s, r, rs, w, ed.forbidden);
		return;
	}
	if (ed.preview) {
		const char *html =
			posts_render_body(s->store, a, cur ? cur->post.id : 0,
		                          p.body_format,
		                          ed.in.v[POST_F_BODY]
		                                  ? ed.in.v[POST_F_BODY]
		                                  : "",
		                          &e);
		struct tval *notices = tval_list(a);

		memset(ed.pr.err, 0, sizeof(ed.pr.err));
		ed.pr.bad = 0;
		notice(a, notices, "warn",
		       "This is a preview: nothing is saved yet.");
		editor_render(s, r, rs, w, 200, cur, ed.in.type, &ed,
		              ed.version < 0 ? 0 : ed.version, html ? html : "",
		              NULL, notices);
		return;
	}
	if (featured_check(s, r, &featured, &e) == -1) {
		posts_problem(&ed.pr, POST_F_BODY, arena_strdup(a, e.msg));
	}
	if (ed.pr.bad > 0) {
		editor_render(s, r, rs, w, 400, cur, ed.in.type, &ed,
		              ed.version < 0 ? 0 : ed.version, p.body_html,
		              NULL, NULL);
		return;
	}
	ps.post = &p;
	/* A form without a version is treated as stale: versions start at 1. */
	ps.base_version = ed.version < 0 ? 0 : ed.version;
	ps.editor_id = w->u.id;
	ps.order_url = p.type != POST_BOOK     ? NULL
	               : ed.in.v[POST_F_ORDER] ? ed.in.v[POST_F_ORDER]
	               : cur                   ? NULL
	                                       : "";
	ps.now = clock_now();
	if (store_post_save(s->store, &ps, &id, &version, &stale, &e) == -1) {
		if (stale) {
			conflict_render(s, r, rs, w, cur, &ed, &p);
			return;
		}
		if (e.code == ERR_CONFLICT) {
			posts_problem(&ed.pr, POST_F_SLUG,
			              arena_strdup(a, e.msg));
			editor_render(s, r, rs, w, 409, cur, ed.in.type, &ed,
			              ps.base_version, p.body_html, NULL, NULL);
			return;
		}
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	if (featured >= 0 &&
	    store_post_featured_set(s->store, id, featured, &e) == -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	/* Saved; a file refused is said on the editor's page. */
	editor_files_form(r, files);
	if (editor_files_save(s, a, id, p.type, files, &bad, &e) == -1) {
		if (e.code == ERR_IO) {
			admin_fail(s, r, rs, w, "admin posts", &e);
			return;
		}
		saved_redirect(a, rs, id, "files", e.msg);
		return;
	}
	saved_redirect(a, rs, id, "slug_was", ed.pr.slug_was);
}

/* What the editor says after a redirect. */
static struct tval *
editor_notices(struct req *r, const struct post_edit *cur)
{
	struct arena *a = r->arena;
	struct tval *list = tval_list(a);
	const char *was = req_query(r, "slug_was");
	const char *rev = req_query(r, "restored");
	const struct post *p = &cur->post;

	if (req_query(r, "files") != NULL)
		notice(a, list, "error",
		       arena_printf(a, "Saved, but a file was not attached: %s",
		                    req_query(r, "files")));
	if (req_query(r, "saved") != NULL) {
		switch (p->status) {
		case POST_PUBLISHED:
			notice(a, list, "ok", "Saved and published.");
			break;
		case POST_SCHEDULED:
			notice(a, list, "ok",
			       arena_printf(a,
			                    "Saved; it will be published on "
			                    "%s (%s).",
			                    admin_post_date_field(
						    a, p->published_at),
			                    tz_name()));
			break;
		case POST_PENDING:
			notice(a, list, "ok",
			       "Saved and submitted for review: an editor "
			       "will publish it.");
			break;
		default:
			notice(a, list, "ok", "Saved as a draft.");
		}
	}
	if (was != NULL)
		notice(a, list, "warn",
		       arena_printf(a,
		                    "The slug '%s' was already taken, so this "
		                    "%s got '%s'.",
		                    was, post_type_one[p->type], p->slug));
	if (rev != NULL)
		notice(a, list, "ok",
		       arena_printf(a,
		                    "Revision %s is restored (itself saved as "
		                    "a new revision).",
		                    rev));
	return list;
}

struct post_edit *
admin_post_of_route(struct site *s, struct req *r, struct resp *rs,
                    struct who *w, int edit)
{
	struct post_edit *pe = arena_alloc(r->arena, sizeof(*pe));
	const char *why;
	struct error e;
	int64_t id;

	if (!admin_id_param(r, 0, &id)) {
		error_set(&e, ERR_NOT_FOUND, "no such post");
		admin_fail(s, r, rs, w, "admin posts", &e);
		return NULL;
	}
	if (store_post_edit_get(s->store, r->arena, id, pe, &e) == -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return NULL;
	}
	why = edit ? admin_post_edit_refusal(w, &pe->post)
	           : admin_post_view_refusal(w, &pe->post);
	if (why != NULL) {
		admin_forbid(s, r, rs, w, why);
		return NULL;
	}
	return pe;
}

void
admin_post_new(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	const char *t;
	int k = POST_POST;

	if (w == NULL)
		return;
	t = req_query(r, "type");
	if (t != NULL) {
		k = enum_lookup(post_type_names, POST_TYPE__MAX, t);
		if (k < 0) {
			admin_message(s, r, rs, w, 400, "No such type",
			              "Posts, pages, books or episodes.");
			return;
		}
	}
	if (!admin_post_type_ok(w, (enum post_type)k)) {
		admin_forbid(
			s, r, rs, w,
			"Pages, books and episodes are for editors and admins.");
		return;
	}
	if (r->method == HTTP_POST) {
		editor_save(s, r, rs, w, NULL, (enum post_type)k);
		return;
	}
	editor_render(s, r, rs, w, 200, NULL, (enum post_type)k, NULL, 0, "",
	              NULL, NULL);
}

void
admin_post_edit(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct post_edit *cur;

	if (w == NULL)
		return;
	cur = admin_post_of_route(s, r, rs, w, 1);
	if (cur == NULL)
		return;
	if (r->method == HTTP_POST) {
		editor_save(s, r, rs, w, cur, cur->post.type);
		return;
	}
	editor_render(s, r, rs, w, 200, cur, cur->post.type, NULL, cur->version,
	              cur->post.body_html, NULL, editor_notices(r, cur));
}

/* ---- preview ---- */

void
admin_preview(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct form_field f[] = {{"body", LIM_BODY_BYTES, 0, NULL},
	                         {"csrf", 200, 0, NULL}};
	struct error e;
	const char *html;

	if (w == NULL)
		return;
	if (form_parse(r, f, 2, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Bad form", e.msg);
		return;
	}
	html = posts_render_body(s->store, r->arena, 0, "markdown",
	                         f[0].value ? f[0].value : "", &e);
	if (html == NULL) {
		admin_message(s, r, rs, w, resp_status_for(e.code), "Preview",
		              e.msg);
		return;
	}
	rs->status = 200;
	rs->content_type = "text/html; charset=utf-8";
	if (buf_puts(&rs->body, html) == -1)
		resp_json_error(rs, 500, "cannot write the answer");
}

void
api_admin_preview(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	json_t *doc;
	const char *body, *html;
	struct error e;

	if (w == NULL)
		return;
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	if (admin_json_text(r->arena, doc, "body", &body, &e) == -1) {
		json_decref(doc);
		resp_json_error(rs, 400, e.msg);
		return;
	}
	json_decref(doc);
	html = posts_render_body(s->store, r->arena, 0, "markdown",
	                         body ? body : "", &e);
	if (html == NULL) {
		resp_json_error(rs, resp_status_for(e.code), e.msg);
		return;
	}
	api_json(rs, 200, json_pack("{s:s}", "html", html));
}
