/*
 * The admin: the site's sections and their order in the navigation, as
 * screens (plain forms, Post/Redirect/Get; a refused form comes back with
 * every typed value and the message next to its field) and through the
 * JSON API (static/admin-site.js moves rows without a reload).  The
 * rules are core/sections.c's.  Every screen and call needs CAP_SITE.
 * Nothing here caches: the public pages follow a change through
 * store_generation().
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../auth/auth.h"
#include "../core/blocks.h"
#include "../core/sections.h"
#include "../core/settings.h"
#include "../util/addr.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

/* ---- sections: screens ------------------------------------------------ */

static struct tval *
kinds_model(struct arena *a, const char *selected)
{
	struct tval *l = tval_list(a);

	for (int i = 0; i < SECTION_KIND__MAX; i++) {
		struct tval *it = tval_push(a, l, tval_map(a));

		tval_set_str(a, it, "value", section_kind_names[i]);
		tval_set_bool(a, it, "selected",
		              selected != NULL &&
		                      strcmp(selected, section_kind_names[i]) ==
		                              0);
	}
	return l;
}

/* The add or edit form: f.name/slug/description, show_newest, kinds. */
static struct tval *
section_form_model(struct arena *a, const struct section_form *f,
                   const char *bad, const char *msg)
{
	struct tval *m = tval_map(a), *fm = tval_set(a, m, "f", tval_map(a));
	static const char *const names[] = {"name", "slug", "kind",
	                                    "description"};
	const char *vals[] = {f->name, f->slug, f->kind, f->description};

	for (size_t i = 0; i < 4; i++)
		admin_form_field(a, fm, names[i], vals[i],
		                 bad && strcmp(bad, names[i]) == 0 ? msg
		                                                   : NULL);
	tval_set_bool(a, m, "show_newest", f->show_newest);
	tval_set(a, m, "kinds", kinds_model(a, f->kind ? f->kind : "posts"));
	if (bad != NULL && *bad == '\0')
		tval_set_str(a, m, "error", msg);
	return m;
}

/* Typed positions of the plain order form, when it is shown again. */
struct typed_order {
	const char **ids, **pos;
	size_t n;
	const char *bad_id, *error;
};

/* The sections screen's model; NULL (rs filled) when it cannot be read. */
static struct tval *
sections_model(struct site *s, struct req *r, struct resp *rs, struct who *w,
               const struct typed_order *typed)
{
	struct arena *a = r->arena;
	struct tval *m = admin_model(s, r, w, "Sections");
	struct tval *list = tval_set(a, m, "sections", tval_list(a));
	struct section_info *si;
	size_t n;
	struct error e;

	if (store_section_infos(s->store, a, &si, &n, &e) == -1) {
		admin_fail(s, r, rs, w, "sections", &e);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct tval *it = tval_push(a, list, tval_map(a));
		const char *id =
			arena_printf(a, "%lld", (long long)si[i].sec.id);
		const char *pos = arena_printf(a, "%zu", i + 1), *err = "";

		for (size_t j = 0; typed != NULL && j < typed->n; j++)
			if (strcmp(typed->ids[j], id) == 0) {
				pos = typed->pos[j];
				if (typed->bad_id != NULL &&
				    strcmp(typed->bad_id, id) == 0)
					err = typed->error;
			}
		tval_set_int(a, it, "id", si[i].sec.id);
		tval_set_str(a, it, "name", si[i].sec.name);
		tval_set_str(a, it, "slug", si[i].sec.slug);
		tval_set_str(a, it, "kind", section_kind_names[si[i].sec.kind]);
		tval_set_bool(a, it, "show_newest", si[i].sec.show_newest);
		tval_set_int(a, it, "items", si[i].items);
		tval_set_str(a, it, "pos", pos);
		tval_set_str(a, it, "pos_error", err);
		tval_set_bool(a, it, "first", i == 0);
		tval_set_bool(a, it, "last", i + 1 == n);
		tval_set_str(a, it, "url",
		             arena_printf(a, "/category/%s/", si[i].sec.slug));
	}
	tval_set_bool(a, m, "has_sections", n > 0);
	tval_set_bool(a, m, "full", n >= LIM_SECTIONS);
	tval_set_int(a, m, "max_sections", LIM_SECTIONS);
	if (typed != NULL && typed->error != NULL)
		tval_set_str(a, m, "order_error", typed->error);
	return m;
}

static void
sections_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
                int status, struct tval *add, struct tval *edit,
                const struct typed_order *typed)
{
	static const char *const notices[] =
		{"added",
	         "The section was added.",
	         "saved",
	         "The section was saved.",
	         "deleted",
	         "The section was deleted; its posts have no "
	         "section now.",
	         "moved",
	         "The navigation order was saved.",
	         NULL,
	         NULL};
	struct arena *a = r->arena;
	struct tval *m = sections_model(s, r, rs, w, typed);
	struct section_form empty = {.kind = "posts", .show_newest = 1};
	const char *notice = admin_notice_for(r, notices);

	if (m == NULL)
		return;
	if (status == 200 && notice != NULL)
		tval_set_str(a, m, "notice", notice);
	tval_set(a, m, "add",
	         add ? add : section_form_model(a, &empty, NULL, NULL));
	if (edit != NULL)
		tval_set(a, m, "edit", edit);
	rs->status = status;
	admin_render(s, r, rs, "admin_sections.html", m);
}

static struct tval *
section_edit_model(struct arena *a, const struct section_info *si,
                   const struct section_form *typed, const char *bad,
                   const char *msg)
{
	struct section_form f = {
		.name = si->sec.name,
		.slug = si->sec.slug,
		.kind = section_kind_names[si->sec.kind],
		.description = si->description,
		.show_newest = si->sec.show_newest,
	};
	struct tval *m = section_form_model(a, typed ? typed : &f, bad, msg);

	tval_set_int(a, m, "id", si->sec.id);
	tval_set_str(a, m, "current_name", si->sec.name);
	return m;
}

/* The add and edit forms' fields. */
static int
section_form_read(struct req *r, struct section_form *f, struct error *e)
{
	enum {
		F_NAME,
		F_SLUG,
		F_KIND,
		F_DESC,
		F_NEWEST,
		F_CSRF,
		F_ACTION,
		F__MAX
	};
	struct form_field ff[F__MAX] = {
		[F_NAME] = {"name", ADMIN_FORM_MAX, 0, NULL},
		[F_SLUG] = {"slug", ADMIN_FORM_MAX, 0, NULL},
		[F_KIND] = {"kind", 100, 0, NULL},
		[F_DESC] = {"description", ADMIN_FORM_MAX, 0, NULL},
		[F_NEWEST] = {"show_newest", 10, 0, NULL},
		[F_CSRF] = {"csrf", 200, 0, NULL},
		[F_ACTION] = {"action", 20, 0, NULL},
	};

	if (form_parse(r, ff, F__MAX, e) == -1)
		return -1;
	f->name = ff[F_NAME].value ? ff[F_NAME].value : "";
	f->slug = ff[F_SLUG].value ? ff[F_SLUG].value : "";
	f->kind = ff[F_KIND].value ? ff[F_KIND].value : "posts";
	f->description = ff[F_DESC].value ? ff[F_DESC].value : "";
	f->show_newest = ff[F_NEWEST].value != NULL;
	return 0;
}

/* POST /admin/sections/ action=order: the plain form of positions. */
static void
sections_order_post(struct site *s, struct req *r, struct resp *rs,
                    struct who *w)
{
	struct arena *a = r->arena;
	struct typed_order t = {0};
	struct section_info *si;
	size_t n, nid;
	struct error e;
	int64_t *keys, *ids;

	if (form_values(r, "id", 30, &t.ids, &nid, &e) == -1 ||
	    form_values(r, "pos", 30, &t.pos, &t.n, &e) == -1 || nid != t.n) {
		admin_message(s, r, rs, w, 400, "Not done",
		              "The order form was incomplete; reload the page "
		              "and try again.");
		return;
	}
	if (store_section_infos(s->store, a, &si, &n, &e) == -1) {
		admin_fail(s, r, rs, w, "sections", &e);
		return;
	}
	keys = arena_alloc(a, (n + 1) * sizeof(*keys));
	ids = arena_alloc(a, (n + 1) * sizeof(*ids));
	for (size_t i = 0; i < n; i++) {
		keys[i] = (int64_t)i + 1;
		ids[i] = si[i].sec.id;
	}
	for (size_t j = 0; j < t.n; j++) {
		int64_t id, pos;

		if (num_parse(t.ids[j], 1, INT64_MAX, &id) == -1)
			continue;
		if (num_parse(text_trim(a, t.pos[j]), 1, LIM_SECTIONS, &pos) ==
		    -1) {
			t.bad_id = t.ids[j];
			t.error = arena_printf(a,
			                       "A position is a whole number "
			                       "from 1 to %d.",
			                       LIM_SECTIONS);
			sections_render(s, r, rs, w, 400, NULL, NULL, &t);
			return;
		}
		for (size_t i = 0; i < n; i++)
			if (ids[i] == id)
				keys[i] = pos;
	}
	/* A stable insertion sort: equal positions keep the current order. */
	for (size_t i = 1; i < n; i++) {
		int64_t k = keys[i], id = ids[i];
		size_t j = i;

		for (; j > 0 && keys[j - 1] > k; j--) {
			keys[j] = keys[j - 1];
			ids[j] = ids[j - 1];
		}
		keys[j] = k;
		ids[j] = id;
	}
	if (store_section_order(s->store, ids, n, &e) == -1) {
		admin_fail(s, r, rs, w, "sections", &e);
		return;
	}
	admin_redirect(rs, "/admin/sections/?moved=1");
}

/* GET/POST /admin/sections/: the list, the add form, the order form. */
void
admin_sections(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct section_form f;
	struct section sec;
	struct section_info si;
	const char *desc, *bad, *action;
	struct error e;
	int64_t id;

	if (w == NULL)
		return;
	if (r->method != HTTP_POST) {
		const char *q = req_query(r, "edit");
		struct tval *edit = NULL;

		if (q != NULL && num_parse(q, 1, INT64_MAX, &id) == 0 &&
		    store_section_info(s->store, a, id, &si, &e) == 0)
			edit = section_edit_model(a, &si, NULL, NULL, NULL);
		q = req_query(r, "delete");
		if (q != NULL && num_parse(q, 1, INT64_MAX, &id) == 0 &&
		    store_section_info(s->store, a, id, &si, &e) == 0) {
			struct tval *m = admin_model(s, r, w, "Delete section");

			tval_set_int(a, m, "id", si.sec.id);
			tval_set_str(a, m, "name", si.sec.name);
			tval_set_int(a, m, "items", si.items);
			tval_set_bool(a, m, "one", si.items == 1);
			admin_render(s, r, rs, "admin_sections_delete.html", m);
			return;
		}
		sections_render(s, r, rs, w, 200, NULL, edit, NULL);
		return;
	}
	action = admin_form_one(r, "action", 20);
	if (action != NULL && strcmp(action, "order") == 0) {
		sections_order_post(s, r, rs, w);
		return;
	}
	if (section_form_read(r, &f, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Not done", e.msg);
		return;
	}
	if (section_check(a, &f, &sec, &desc, &bad, &e) == -1) {
		sections_render(s, r, rs, w, 400,
		                section_form_model(a, &f, bad, e.msg), NULL,
		                NULL);
		return;
	}
	if (section_add(s->store, a, &sec, desc, &id, &bad, &e) == -1) {
		if (e.code == ERR_IO) {
			admin_fail(s, r, rs, w, "sections", &e);
			return;
		}
		sections_render(s, r, rs, w, e.code == ERR_CONFLICT ? 409 : 400,
		                section_form_model(a, &f, bad, e.msg), NULL,
		                NULL);
		return;
	}
	admin_redirect(rs, arena_printf(a, "/admin/sections/?added=%lld",
	                                (long long)id));
}

/* POST /admin/sections/ID/: action save, delete, up or down. */
void
admin_section(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct section_info si;
	struct section_form f;
	struct section sec;
	const char *action, *desc, *bad;
	struct error e;
	int64_t id;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id) ||
	    store_section_info(s->store, a, id, &si, &e) == -1) {
		admin_message(s, r, rs, w, 404, "Sections",
		              "There is no such section (deleted meanwhile?).");
		return;
	}
	action = admin_form_one(r, "action", 20);
	if (action == NULL)
		action = "save";
	if (strcmp(action, "delete") == 0) {
		if (store_section_delete(s->store, id, &e) == -1) {
			admin_fail(s, r, rs, w, "sections", &e);
			return;
		}
		admin_redirect(rs, "/admin/sections/?deleted=1");
		return;
	}
	if (strcmp(action, "up") == 0 || strcmp(action, "down") == 0) {
		admin_order_step(s, r, rs, w, 0, id, *action == 'u');
		return;
	}
	if (strcmp(action, "save") != 0) {
		admin_message(s, r, rs, w, 400, "Not done",
		              "Unknown action; reload the page and try again.");
		return;
	}
	if (section_form_read(r, &f, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Not done", e.msg);
		return;
	}
	if (section_check(a, &f, &sec, &desc, &bad, &e) == -1) {
		sections_render(s, r, rs, w, 400, NULL,
		                section_edit_model(a, &si, &f, bad, e.msg),
		                NULL);
		return;
	}
	sec.id = id;
	if (store_section_update(s->store, &sec, desc, &e) == -1) {
		if (e.code == ERR_CONFLICT) {
			sections_render(s, r, rs, w, 409, NULL,
			                section_edit_model(a, &si, &f, "slug",
			                                   e.msg),
			                NULL);
			return;
		}
		admin_fail(s, r, rs, w, "sections", &e);
		return;
	}
	admin_redirect(rs, "/admin/sections/?saved=1");
}

/* ---- sections: JSON API ----------------------------------------------- */

static json_t *
section_json(const struct section_info *si, size_t index)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(si->sec.id));
	json_object_set_new(o, "slug", json_string(si->sec.slug));
	json_object_set_new(o, "name", json_string(si->sec.name));
	json_object_set_new(o, "kind",
	                    json_string(section_kind_names[si->sec.kind]));
	json_object_set_new(o, "show_newest",
	                    json_boolean(si->sec.show_newest));
	json_object_set_new(o, "description", json_string(si->description));
	json_object_set_new(o, "position", json_integer((json_int_t)index));
	json_object_set_new(o, "items", json_integer(si->items));
	return o;
}

/* The section id as the API shows it, with its index in the order. */
static void
api_section_answer(struct site *s, struct req *r, struct resp *rs, int status,
                   int64_t id)
{
	struct section_info *all;
	size_t n;
	struct error e;

	if (store_section_infos(s->store, r->arena, &all, &n, &e) == -1) {
		admin_fail(s, r, rs, NULL, "sections", &e);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (all[i].sec.id == id) {
			api_json(rs, status, section_json(&all[i], i));
			return;
		}
	resp_json_error(rs, 404, "no such section");
}

/*
 * Read the JSON fields of a section over base (the current values, for
 * PUT); -1 with rs filled when one has the wrong type.
 */
static int
api_section_read(struct arena *a, json_t *doc, struct section_form *f,
                 struct resp *rs)
{
	static const char *const strs[] = {"name", "slug", "kind",
	                                   "description"};
	const char **dst[] = {&f->name, &f->slug, &f->kind, &f->description};
	const char *key;
	json_t *v;

	json_object_foreach(doc, key, v)
	{
		size_t i;

		for (i = 0; i < 4 && strcmp(key, strs[i]) != 0; i++)
			;
		if (i < 4) {
			if (!json_is_string(v)) {
				admin_field_error(rs, 400, key,
				                  arena_printf(a,
				                               "%s must be a "
				                               "string",
				                               key));
				return -1;
			}
			*dst[i] = arena_strdup(a, json_string_value(v));
		} else if (strcmp(key, "show_newest") == 0) {
			if (!json_is_boolean(v)) {
				admin_field_error(rs, 400, key,
				                  "show_newest must be true or "
				                  "false");
				return -1;
			}
			f->show_newest = json_is_true(v);
		} else if (strcmp(key, "position") != 0) {
			admin_field_error(
				rs, 400, key,
				arena_printf(a,
			                     "unknown field '%s' (name, "
			                     "slug, kind, show_newest, "
			                     "description, position)",
			                     key));
			return -1;
		}
	}
	return 0;
}

/* GET/POST /api/v1/admin/sections */
void
api_admin_sections(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct section_info *all;
	struct section_form f = {.kind = "posts"};
	struct section sec;
	const char *desc, *bad;
	struct error e;
	json_t *doc, *list;
	int64_t id;
	size_t n;

	if (w == NULL)
		return;
	if (store_section_infos(s->store, a, &all, &n, &e) == -1) {
		admin_fail(s, r, rs, w, "sections", &e);
		return;
	}
	if (r->method != HTTP_POST) {
		list = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, section_json(&all[i], i));
		api_json(rs, 200, list);
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	if (api_section_read(a, doc, &f, rs) == -1)
		goto out;
	if (json_object_get(doc, "position") != NULL) {
		admin_field_error(rs, 400, "position",
		                  "a new section goes last; move it with PUT");
		goto out;
	}
	if (section_check(a, &f, &sec, &desc, &bad, &e) == -1) {
		admin_field_error(rs, 400, bad, e.msg);
		goto out;
	}
	if (section_add(s->store, a, &sec, desc, &id, &bad, &e) == -1) {
		if (e.code == ERR_IO)
			admin_fail(s, r, rs, w, "sections", &e);
		else
			admin_field_error(rs, resp_status_for(e.code), bad,
			                  e.msg);
		goto out;
	}
	api_section_answer(s, r, rs, 201, id);
out:
	json_decref(doc);
}

/* PUT/DELETE /api/v1/admin/sections/ID */
void
api_admin_section(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct section_info si;
	struct section_form f;
	struct section sec;
	const char *desc, *bad;
	struct error e;
	json_t *doc;
	int64_t id;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id) ||
	    store_section_info(s->store, a, id, &si, &e) == -1) {
		resp_json_error(rs, 404, "no such section");
		return;
	}
	if (r->method == HTTP_DELETE) {
		if (store_section_delete(s->store, id, &e) == -1) {
			admin_fail(s, r, rs, w, "sections", &e);
			return;
		}
		api_json(rs, 200,
		         json_pack("{s:I,s:I}", "deleted", (json_int_t)id,
		                   "items_without_section",
		                   (json_int_t)si.items));
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	f.name = si.sec.name;
	f.slug = si.sec.slug;
	f.kind = section_kind_names[si.sec.kind];
	f.description = si.description;
	f.show_newest = si.sec.show_newest;
	if (api_section_read(a, doc, &f, rs) == -1)
		goto out;
	if (section_check(a, &f, &sec, &desc, &bad, &e) == -1) {
		admin_field_error(rs, 400, bad, e.msg);
		goto out;
	}
	sec.id = id;
	/* Check the position before writing anything. */
	if (json_object_get(doc, "position") != NULL &&
	    !json_is_integer(json_object_get(doc, "position"))) {
		admin_field_error(rs, 400, "position",
		                  "position is a whole number");
		goto out;
	}
	if (store_section_update(s->store, &sec, desc, &e) == -1) {
		if (e.code == ERR_CONFLICT)
			admin_field_error(rs, 409, "slug", e.msg);
		else
			admin_fail(s, r, rs, w, "sections", &e);
		goto out;
	}
	if (admin_order_api(s, r, 0, doc, id, rs) == -1)
		goto out;
	api_section_answer(s, r, rs, 200, id);
out:
	json_decref(doc);
}
