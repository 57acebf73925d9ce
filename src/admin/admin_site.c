/*
 * The admin: running the site — sections and their order in the
 * navigation, the sidebar's blocks configured field by field, and the
 * settings (title, tagline, support link, site message, comment rules,
 * search rate, SMTP).  Every screen and call needs CAP_SITE.
 *
 * Screens are plain forms with Post/Redirect/Get; a refused form comes
 * back with every typed value and the message next to its field.
 * static/admin-site.js moves rows through the JSON API without a reload.
 * The forms and the JSON API check values with the same functions, so a
 * rule is written once.  Nothing here caches: the public pages follow a
 * change through store_generation() (page cache, sidebar snapshot, the
 * title snapshot of site.c).
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

/* A text field's bytes before its own check: past its real limit it gets
 * a message next to it, not a refusal of the whole form. */
#define FORM_MAX (64 * 1024)

/* ---- shared helpers --------------------------------------------------- */

/* f.NAME = {value, error}: a field as typed and what is wrong with it. */
static void
field(struct arena *a, struct tval *f, const char *name, const char *value,
      const char *error)
{
	struct tval *m = tval_set(a, f, name, tval_map(a));

	tval_set_str(a, m, "value", value ? value : "");
	tval_set_str(a, m, "error", error ? error : "");
}

/* {"error": msg, "field": name} with status. */
static void
api_field_error(struct resp *rs, int status, const char *name, const char *msg)
{
	api_json(rs, status,
	         json_pack("{s:s,s:s}", "error", msg, "field",
	                   name ? name : ""));
}

/* A store error as the API answers it. */
static void
api_store_error(struct resp *rs, const char *what, const struct error *e)
{
	if (e->code == ERR_IO)
		log_error("%s: %s", what, e->msg);
	resp_json_error(rs, resp_status_for(e->code), e->msg);
}

static void
screen_store_error(struct site *s, struct req *r, struct resp *rs,
                   struct who *w, const char *what, const struct error *e)
{
	if (e->code == ERR_IO)
		log_error("%s: %s", what, e->msg);
	admin_message(s, r, rs, w, resp_status_for(e->code), "Not done",
	              e->msg);
}

/* The single value of a form field that may sit beside repeated ones. */
static const char *
form_one(struct req *r, const char *name, size_t max)
{
	const char **v;
	size_t n;
	struct error e;

	if (form_values(r, name, max, &v, &n, &e) == -1 || n != 1)
		return NULL;
	return v[0];
}

/*
 * Move id to index to (clamped) in the order ids[0..n) and save the
 * whole order: sections when blocks is 0, else sidebar blocks.
 */
static int
order_move(struct store *st, int blocks, int64_t *ids, size_t n, int64_t id,
           int64_t to, struct error *e)
{
	size_t i;

	for (i = 0; i < n && ids[i] != id; i++)
		;
	if (i == n)
		return error_set(e, ERR_NOT_FOUND, "no %s %lld",
		                 blocks ? "block" : "section", (long long)id);
	if (to < 0)
		to = 0;
	if ((size_t)to >= n)
		to = (int64_t)n - 1;
	if ((size_t)to < i)
		memmove(ids + to + 1, ids + to,
		        (i - (size_t)to) * sizeof(*ids));
	else
		memmove(ids + i, ids + i + 1, ((size_t)to - i) * sizeof(*ids));
	ids[to] = id;
	return blocks ? store_block_order(st, ids, n, e)
	              : store_section_order(st, ids, n, e);
}

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
		field(a, fm, names[i], vals[i],
		      bad && strcmp(bad, names[i]) == 0 ? msg : NULL);
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
		screen_store_error(s, r, rs, w, "sections", &e);
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

static const char *
notice_for(struct req *r, const char *const *pairs)
{
	for (; *pairs != NULL; pairs += 2)
		if (req_query(r, pairs[0]) != NULL)
			return pairs[1];
	return NULL;
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
	const char *notice = notice_for(r, notices);

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
		[F_NAME] = {"name", FORM_MAX, 0, NULL},
		[F_SLUG] = {"slug", FORM_MAX, 0, NULL},
		[F_KIND] = {"kind", 100, 0, NULL},
		[F_DESC] = {"description", FORM_MAX, 0, NULL},
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
		screen_store_error(s, r, rs, w, "sections", &e);
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
		screen_store_error(s, r, rs, w, "sections", &e);
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
	action = form_one(r, "action", 20);
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
			screen_store_error(s, r, rs, w, "sections", &e);
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
	struct section_info si, *all;
	struct section_form f;
	struct section sec;
	const char *action, *desc, *bad;
	struct error e;
	int64_t id, *ids;
	size_t n, at = 0;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id) ||
	    store_section_info(s->store, a, id, &si, &e) == -1) {
		admin_message(s, r, rs, w, 404, "Sections",
		              "There is no such section (deleted meanwhile?).");
		return;
	}
	action = form_one(r, "action", 20);
	if (action == NULL)
		action = "save";
	if (strcmp(action, "delete") == 0) {
		if (store_section_delete(s->store, id, &e) == -1) {
			screen_store_error(s, r, rs, w, "sections", &e);
			return;
		}
		admin_redirect(rs, "/admin/sections/?deleted=1");
		return;
	}
	if (strcmp(action, "up") == 0 || strcmp(action, "down") == 0) {
		if (store_section_infos(s->store, a, &all, &n, &e) == -1) {
			screen_store_error(s, r, rs, w, "sections", &e);
			return;
		}
		ids = arena_alloc(a, (n + 1) * sizeof(*ids));
		for (size_t i = 0; i < n; i++) {
			ids[i] = all[i].sec.id;
			if (ids[i] == id)
				at = i;
		}
		if (order_move(s->store, 0, ids, n, id,
		               (int64_t)at + (*action == 'u' ? -1 : 1),
		               &e) == -1) {
			screen_store_error(s, r, rs, w, "sections", &e);
			return;
		}
		admin_redirect(rs, arena_printf(a,
		                                "/admin/sections/?moved=1"
		                                "#section-%lld",
		                                (long long)id));
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
		screen_store_error(s, r, rs, w, "sections", &e);
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
		api_store_error(rs, "sections", &e);
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
				api_field_error(rs, 400, key,
				                arena_printf(a,
				                             "%s must be a "
				                             "string",
				                             key));
				return -1;
			}
			*dst[i] = arena_strdup(a, json_string_value(v));
		} else if (strcmp(key, "show_newest") == 0) {
			if (!json_is_boolean(v)) {
				api_field_error(rs, 400, key,
				                "show_newest must be true or "
				                "false");
				return -1;
			}
			f->show_newest = json_is_true(v);
		} else if (strcmp(key, "position") != 0) {
			api_field_error(
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

/* Move id to the position doc asks for, if it asks; -1 with rs filled. */
static int
api_position(struct site *s, struct arena *a, int blocks, json_t *doc,
             int64_t id, struct resp *rs)
{
	json_t *v = json_object_get(doc, "position");
	int64_t *ids;
	size_t n;
	struct error e;

	if (v == NULL)
		return 0;
	if (blocks) {
		struct block *b;

		if (store_block_list(s->store, a, "sidebar", &b, &n, &e) == -1)
			goto fail;
		ids = arena_alloc(a, (n + 1) * sizeof(*ids));
		for (size_t i = 0; i < n; i++)
			ids[i] = b[i].id;
	} else {
		struct section_info *si;

		if (store_section_infos(s->store, a, &si, &n, &e) == -1)
			goto fail;
		ids = arena_alloc(a, (n + 1) * sizeof(*ids));
		for (size_t i = 0; i < n; i++)
			ids[i] = si[i].sec.id;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) >= (json_int_t)n) {
		api_field_error(rs, 400, "position",
		                arena_printf(a,
		                             "position is a whole number from "
		                             "0 to %zu",
		                             n ? n - 1 : 0));
		return -1;
	}
	if (order_move(s->store, blocks, ids, n, id, json_integer_value(v),
	               &e) == -1)
		goto fail;
	return 0;
fail:
	api_store_error(rs, blocks ? "blocks" : "sections", &e);
	return -1;
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
		api_store_error(rs, "sections", &e);
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
		api_field_error(rs, 400, "position",
		                "a new section goes last; move it with PUT");
		goto out;
	}
	if (section_check(a, &f, &sec, &desc, &bad, &e) == -1) {
		api_field_error(rs, 400, bad, e.msg);
		goto out;
	}
	if (section_add(s->store, a, &sec, desc, &id, &bad, &e) == -1) {
		if (e.code == ERR_IO)
			api_store_error(rs, "sections", &e);
		else
			api_field_error(rs, resp_status_for(e.code), bad,
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
			api_store_error(rs, "sections", &e);
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
		api_field_error(rs, 400, bad, e.msg);
		goto out;
	}
	sec.id = id;
	/* Check the position before writing anything. */
	if (json_object_get(doc, "position") != NULL &&
	    !json_is_integer(json_object_get(doc, "position"))) {
		api_field_error(rs, 400, "position",
		                "position is a whole number");
		goto out;
	}
	if (store_section_update(s->store, &sec, desc, &e) == -1) {
		if (e.code == ERR_CONFLICT)
			api_field_error(rs, 409, "slug", e.msg);
		else
			api_store_error(rs, "sections", &e);
		goto out;
	}
	if (api_position(s, a, 0, doc, id, rs) == -1)
		goto out;
	api_section_answer(s, r, rs, 200, id);
out:
	json_decref(doc);
}

/* A block's fields as typed in the form (by key). */
struct block_form {
	const char *label, *url, *title, *icon, *markdown, *pages, *days,
		*limit, *config_json;
};

static const char *
block_form_get(const struct block_form *f, const char *key)
{
	if (strcmp(key, "label") == 0)
		return f->label;
	if (strcmp(key, "url") == 0)
		return f->url;
	if (strcmp(key, "title") == 0)
		return f->title;
	if (strcmp(key, "icon") == 0)
		return f->icon;
	if (strcmp(key, "markdown") == 0)
		return f->markdown;
	if (strcmp(key, "pages") == 0)
		return f->pages;
	if (strcmp(key, "days") == 0)
		return f->days;
	if (strcmp(key, "limit") == 0)
		return f->limit;
	return NULL;
}

/*
 * The config the form's fields make for kind (empty fields: the
 * defaults), or the advanced JSON box when it is filled; checked.  NULL
 * with *bad and e when it is refused.
 */
static json_t *
block_form_config(struct site *s, struct arena *a, const char *kind,
                  const struct block_form *f, const char **bad, struct error *e)
{
	json_t *cfg;

	if (f->config_json != NULL && *text_trim(a, f->config_json) != '\0') {
		json_error_t je;

		cfg = json_loads(f->config_json, JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(cfg)) {
			json_decref(cfg);
			*bad = "config_json";
			error_set(e, ERR_INVALID,
			          "This is not a JSON object: %s (line %d).",
			          je.text, je.line);
			return NULL;
		}
		if (blocks_config_check(s->store, a, kind, cfg, bad, e) == -1) {
			/* The message belongs to the JSON box. */
			const char *msg = arena_strdup(a, e->msg);

			error_set(e, ERR_INVALID, "%s: %s", *bad, msg);
			*bad = "config_json";
			json_decref(cfg);
			return NULL;
		}
		return cfg;
	}
	cfg = json_object();
	for (size_t i = 0; i < block_key_count; i++) {
		const struct block_key *k = &block_keys[i];
		const char *raw = block_form_get(f, k->key);
		const char *v;
		int64_t num;

		if (strcmp(k->kind, kind) != 0)
			continue;
		v = k->type == BLOCK_KEY_TEXT ? (raw ? raw : "")
		                              : text_trim(a, raw);
		if (*v == '\0')
			continue; /* its default */
		switch (k->type) {
		case BLOCK_KEY_INT:
			if (num_parse(v, k->min, k->max, &num) == -1) {
				*bad = k->key;
				error_set(e, ERR_INVALID,
				          "Enter a whole number from %lld to "
				          "%lld.",
				          (long long)k->min, (long long)k->max);
				json_decref(cfg);
				return NULL;
			}
			json_object_set_new(cfg, k->key, json_integer(num));
			break;
		case BLOCK_KEY_PAGES: {
			json_t *list = json_array();

			while (*v != '\0') {
				size_t len = strcspn(v, ",\n");
				const char *one =
					text_trim(a, arena_strndup(a, v, len));

				if (*one != '\0')
					json_array_append_new(list,
					                      json_string(one));
				v += len;
				if (*v != '\0')
					v++;
			}
			json_object_set_new(cfg, k->key, list);
			break;
		}
		default:
			json_object_set_new(cfg, k->key, json_string(v));
		}
	}
	if (blocks_config_check(s->store, a, kind, cfg, bad, e) == -1) {
		json_decref(cfg);
		return NULL;
	}
	return cfg;
}

/* The form's values from a stored config. */
static void
block_form_from(struct arena *a, const struct block *b, struct block_form *f)
{
	json_error_t je;
	json_t *cfg = json_loads(b->config, JSON_REJECT_DUPLICATES, &je);
	const char **dst[] = {&f->label,    &f->url,   &f->title, &f->icon,
	                      &f->markdown, &f->pages, &f->days,  &f->limit};
	static const char *const keys[] = {"label", "url",      "title",
	                                   "icon",  "markdown", "pages",
	                                   "days",  "limit"};

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < 8; i++) {
		json_t *v = json_object_get(cfg, keys[i]);

		if (json_is_string(v))
			*dst[i] = arena_strdup(a, json_string_value(v));
		else if (json_is_integer(v))
			*dst[i] =
				arena_printf(a, "%lld",
			                     (long long)json_integer_value(v));
		else if (json_is_array(v)) {
			const char *out = "";
			size_t j;
			json_t *p;

			json_array_foreach(v, j, p) out =
				arena_printf(a, "%s%s%s", out, j ? "\n" : "",
			                     json_is_string(p)
			                             ? json_string_value(p)
			                             : "");
			*dst[i] = out;
		}
	}
	json_decref(cfg);
}

/* A one-line summary of a block for the list. */
static const char *
block_summary(struct arena *a, const struct block *b)
{
	json_error_t je;
	json_t *cfg = json_loads(b->config, JSON_REJECT_DUPLICATES, &je);
	const char *out = "";
	const char *title = json_string_value(json_object_get(cfg, "title"));
	const char *label = json_string_value(json_object_get(cfg, "label"));
	json_t *pages = json_object_get(cfg, "pages");

	if (title != NULL && *title != '\0')
		out = arena_printf(a, "“%s”", title);
	else if (label != NULL && *label != '\0')
		out = arena_printf(a, "“%s”", label);
	if (json_is_array(pages))
		out = arena_printf(a, "%s%s%zu pages", out, *out ? ", " : "",
		                   json_array_size(pages));
	if (json_is_integer(json_object_get(cfg, "days")))
		out = arena_printf(a, "%s%slast %lld days", out,
		                   *out ? ", " : "",
		                   (long long)json_integer_value(
					   json_object_get(cfg, "days")));
	if (json_is_integer(json_object_get(cfg, "limit")))
		out = arena_printf(a, "%s%s%lld items", out, *out ? ", " : "",
		                   (long long)json_integer_value(
					   json_object_get(cfg, "limit")));
	json_decref(cfg);
	return out;
}

/* ---- blocks: screens -------------------------------------------------- */

static struct tval *
block_kinds_model(struct arena *a, const char *selected)
{
	struct tval *l = tval_list(a);

	for (size_t i = 0; i < BLOCK_KIND__MAX; i++) {
		struct tval *it = tval_push(a, l, tval_map(a));

		tval_set_str(a, it, "value", block_kinds[i].name);
		tval_set_str(a, it, "label", block_kinds[i].label);
		tval_set_str(a, it, "help", block_kinds[i].help);
		tval_set_bool(a, it, "selected",
		              selected && strcmp(selected,
		                                 block_kinds[i].name) == 0);
	}
	return l;
}

/* The edit form of b with values f and, when bad is set, its message. */
static struct tval *
block_edit_model(struct arena *a, const struct block *b,
                 const struct block_form *f, const char *bad, const char *msg)
{
	const struct block_kind *k = blocks_kind(b->kind);
	const struct block_key *lim;
	struct tval *m = tval_map(a), *fm = tval_set(a, m, "f", tval_map(a));
	struct tval *icons = tval_set(a, m, "icons", tval_list(a));
	static const char *const keys[] = {"label", "url",      "title",
	                                   "icon",  "markdown", "pages",
	                                   "days",  "limit",    "config_json"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = strcmp(keys[i], "config_json") == 0
		                        ? f->config_json
		                        : block_form_get(f, keys[i]);

		field(a, fm, keys[i], v,
		      bad && strcmp(bad, keys[i]) == 0 ? msg : NULL);
	}
	for (size_t i = 0; i < 3; i++) {
		struct tval *it = tval_push(a, icons, tval_map(a));

		tval_set_str(a, it, "value", block_icons[i]);
		tval_set_bool(a, it, "selected",
		              f->icon ? strcmp(f->icon, block_icons[i]) == 0
		                      : i == 0);
	}
	tval_set_int(a, m, "id", b->id);
	tval_set_str(a, m, "kind", b->kind);
	tval_set_str(a, m, "kind_label", k ? k->label : b->kind);
	tval_set_str(a, m, "config", b->config);
	tval_set_bool(a, m, arena_printf(a, "is_%s", b->kind), 1);
	lim = blocks_key(b->kind, "limit");
	tval_set_bool(a, m, "has_limit", lim != NULL);
	if (lim != NULL)
		tval_set_int(a, m, "limit_default", lim->def);
	tval_set_bool(a, m, "has_fields",
	              lim != NULL || blocks_key(b->kind, "label") ||
	                      blocks_key(b->kind, "title") ||
	                      blocks_key(b->kind, "days"));
	if (bad != NULL && *bad == '\0')
		tval_set_str(a, m, "error", msg);
	return m;
}

static void
blocks_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
              int status, struct tval *edit, const char *add_kind,
              const char *add_error)
{
	static const char *const notices[] =
		{"added",   "The block was added; set it up below.",
	         "saved",   "The block was saved.",
	         "deleted", "The block was deleted.",
	         "moved",   "The sidebar order was saved.",
	         NULL,      NULL};
	struct arena *a = r->arena;
	struct tval *m = admin_model(s, r, w, "Sidebar");
	struct tval *list = tval_set(a, m, "blocks", tval_list(a));
	struct block *b;
	size_t n;
	struct error e;
	const char *notice = notice_for(r, notices);

	if (store_block_list(s->store, a, "sidebar", &b, &n, &e) == -1) {
		screen_store_error(s, r, rs, w, "blocks", &e);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct tval *it = tval_push(a, list, tval_map(a));
		const struct block_kind *k = blocks_kind(b[i].kind);

		tval_set_int(a, it, "id", b[i].id);
		tval_set_str(a, it, "kind", b[i].kind);
		tval_set_str(a, it, "kind_label", k ? k->label : b[i].kind);
		tval_set_str(a, it, "summary", block_summary(a, &b[i]));
		tval_set_int(a, it, "pos", (int64_t)i + 1);
		tval_set_bool(a, it, "first", i == 0);
		tval_set_bool(a, it, "last", i + 1 == n);
	}
	if (status == 200 && notice != NULL)
		tval_set_str(a, m, "notice", notice);
	tval_set(a, m, "kinds", block_kinds_model(a, add_kind));
	tval_set_bool(a, m, "full", n >= LIM_BLOCKS);
	tval_set_int(a, m, "max_blocks", LIM_BLOCKS);
	if (add_error != NULL)
		tval_set_str(a, m, "add_error", add_error);
	if (edit != NULL)
		tval_set(a, m, "edit", edit);
	rs->status = status;
	admin_render(s, r, rs, "admin_blocks.html", m);
}

/* GET/POST /admin/blocks/: the list; POST adds a block of a kind. */
void
admin_blocks(void *ctx, struct req *r, struct resp *rs)
{
	enum { F_KIND, F_CSRF, F__MAX };
	struct form_field ff[F__MAX] = {
		[F_KIND] = {"kind", 100, 0, NULL},
		[F_CSRF] = {"csrf", 200, 0, NULL},
	};
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct block b, *all;
	struct block_form f;
	struct error e;
	int64_t id;
	size_t n;
	const char *q;

	if (w == NULL)
		return;
	if (r->method != HTTP_POST) {
		struct tval *edit = NULL;

		q = req_query(r, "edit");
		if (q != NULL && num_parse(q, 1, INT64_MAX, &id) == 0 &&
		    store_block_get(s->store, a, id, &b, &e) == 0) {
			block_form_from(a, &b, &f);
			edit = block_edit_model(a, &b, &f, NULL, NULL);
		}
		q = req_query(r, "delete");
		if (q != NULL && num_parse(q, 1, INT64_MAX, &id) == 0 &&
		    store_block_get(s->store, a, id, &b, &e) == 0) {
			struct tval *m = admin_model(s, r, w, "Delete block");
			const struct block_kind *k = blocks_kind(b.kind);

			tval_set_int(a, m, "id", b.id);
			tval_set_str(a, m, "kind_label", k ? k->label : b.kind);
			tval_set_str(a, m, "summary", block_summary(a, &b));
			admin_render(s, r, rs, "admin_blocks_delete.html", m);
			return;
		}
		blocks_render(s, r, rs, w, 200, edit, NULL, NULL);
		return;
	}
	if (form_parse(r, ff, F__MAX, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Not done", e.msg);
		return;
	}
	q = ff[F_KIND].value ? ff[F_KIND].value : "";
	if (blocks_kind(q) == NULL) {
		blocks_render(s, r, rs, w, 400, NULL, q,
		              "Choose one of the kinds listed.");
		return;
	}
	if (store_block_list(s->store, a, "sidebar", &all, &n, &e) == -1) {
		screen_store_error(s, r, rs, w, "blocks", &e);
		return;
	}
	if (n >= LIM_BLOCKS) {
		blocks_render(s, r, rs, w, 400, NULL, q,
		              arena_printf(a,
		                           "The sidebar has at most %d blocks; "
		                           "delete one first.",
		                           LIM_BLOCKS));
		return;
	}
	if (store_block_create(s->store, "sidebar", q, "{}", &id, &e) == -1) {
		screen_store_error(s, r, rs, w, "blocks", &e);
		return;
	}
	admin_redirect(rs, arena_printf(a,
	                                "/admin/blocks/?added=1&edit=%lld"
	                                "#edit",
	                                (long long)id));
}

/* POST /admin/blocks/ID/: action save, delete, up or down. */
void
admin_block(void *ctx, struct req *r, struct resp *rs)
{
	enum {
		F_LABEL,
		F_URL,
		F_TITLE,
		F_ICON,
		F_MD,
		F_PAGES,
		F_DAYS,
		F_LIMIT,
		F_JSON,
		F_CSRF,
		F_ACTION,
		F__MAX
	};
	struct form_field ff[F__MAX] = {
		[F_LABEL] = {"label", FORM_MAX, 0, NULL},
		[F_URL] = {"url", FORM_MAX, 0, NULL},
		[F_TITLE] = {"title", FORM_MAX, 0, NULL},
		[F_ICON] = {"icon", 100, 0, NULL},
		[F_MD] = {"markdown", FORM_MAX, 0, NULL},
		[F_PAGES] = {"pages", FORM_MAX, 0, NULL},
		[F_DAYS] = {"days", 100, 0, NULL},
		[F_LIMIT] = {"limit", 100, 0, NULL},
		[F_JSON] = {"config_json", FORM_MAX, 0, NULL},
		[F_CSRF] = {"csrf", 200, 0, NULL},
		[F_ACTION] = {"action", 20, 0, NULL},
	};
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct block b, *all;
	struct block_form f;
	const char *action, *bad;
	struct error e;
	int64_t id, *ids;
	size_t n, at = 0;
	json_t *cfg;
	char *text;
	int rc;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id) ||
	    store_block_get(s->store, a, id, &b, &e) == -1) {
		admin_message(s, r, rs, w, 404, "Sidebar",
		              "There is no such block (deleted meanwhile?).");
		return;
	}
	if (form_parse(r, ff, F__MAX, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Not done", e.msg);
		return;
	}
	action = ff[F_ACTION].value ? ff[F_ACTION].value : "save";
	if (strcmp(action, "delete") == 0) {
		if (store_block_delete(s->store, id, &e) == -1) {
			screen_store_error(s, r, rs, w, "blocks", &e);
			return;
		}
		admin_redirect(rs, "/admin/blocks/?deleted=1");
		return;
	}
	if (strcmp(action, "up") == 0 || strcmp(action, "down") == 0) {
		if (store_block_list(s->store, a, "sidebar", &all, &n, &e) ==
		    -1) {
			screen_store_error(s, r, rs, w, "blocks", &e);
			return;
		}
		ids = arena_alloc(a, (n + 1) * sizeof(*ids));
		for (size_t i = 0; i < n; i++) {
			ids[i] = all[i].id;
			if (ids[i] == id)
				at = i;
		}
		if (order_move(s->store, 1, ids, n, id,
		               (int64_t)at + (*action == 'u' ? -1 : 1),
		               &e) == -1) {
			screen_store_error(s, r, rs, w, "blocks", &e);
			return;
		}
		admin_redirect(rs, arena_printf(a,
		                                "/admin/blocks/?moved=1"
		                                "#block-%lld",
		                                (long long)id));
		return;
	}
	if (strcmp(action, "save") != 0) {
		admin_message(s, r, rs, w, 400, "Not done",
		              "Unknown action; reload the page and try again.");
		return;
	}
	f = (struct block_form){
		.label = ff[F_LABEL].value,
		.url = ff[F_URL].value,
		.title = ff[F_TITLE].value,
		.icon = ff[F_ICON].value,
		.markdown = ff[F_MD].value,
		.pages = ff[F_PAGES].value,
		.days = ff[F_DAYS].value,
		.limit = ff[F_LIMIT].value,
		.config_json = ff[F_JSON].value,
	};
	cfg = block_form_config(s, a, b.kind, &f, &bad, &e);
	if (cfg == NULL) {
		blocks_render(s, r, rs, w, 400,
		              block_edit_model(a, &b, &f, bad, e.msg), NULL,
		              NULL);
		return;
	}
	text = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(cfg);
	rc = text ? store_block_set_config(s->store, id, text, &e)
	          : error_set(&e, ERR_IO, "cannot write the configuration");
	free(text);
	if (rc == -1) {
		screen_store_error(s, r, rs, w, "blocks", &e);
		return;
	}
	admin_redirect(rs, arena_printf(a, "/admin/blocks/?saved=1#block-%lld",
	                                (long long)id));
}

/* ---- blocks: JSON API ------------------------------------------------- */

static json_t *
block_json(const struct block *b, size_t index)
{
	json_error_t je;
	json_t *cfg = json_loads(b->config, JSON_REJECT_DUPLICATES, &je);

	if (!json_is_object(cfg)) {
		json_decref(cfg);
		cfg = json_object();
	}
	return json_pack("{s:I,s:s,s:I,s:o}", "id", (json_int_t)b->id, "kind",
	                 b->kind, "position", (json_int_t)index, "config", cfg);
}

static void
api_block_answer(struct site *s, struct req *r, struct resp *rs, int status,
                 int64_t id)
{
	struct block *all;
	size_t n;
	struct error e;

	if (store_block_list(s->store, r->arena, "sidebar", &all, &n, &e) ==
	    -1) {
		api_store_error(rs, "blocks", &e);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (all[i].id == id) {
			api_json(rs, status, block_json(&all[i], i));
			return;
		}
	resp_json_error(rs, 404, "no such block");
}

/* Check doc's "config" for kind and store it as text in *out. */
static int
api_block_config(struct site *s, struct arena *a, const char *kind, json_t *doc,
                 const char **out, struct resp *rs)
{
	json_t *cfg = json_object_get(doc, "config");
	const char *bad;
	struct error e;
	char *text;

	if (cfg == NULL) {
		*out = NULL;
		return 0;
	}
	if (blocks_config_check(s->store, a, kind, cfg, &bad, &e) == -1) {
		api_field_error(rs, 400,
		                strcmp(bad, "config") == 0
		                        ? "config"
		                        : arena_printf(a, "config.%s", bad),
		                e.msg);
		return -1;
	}
	text = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL) {
		resp_json_error(rs, 500, "cannot write the configuration");
		return -1;
	}
	*out = arena_strdup(a, text);
	free(text);
	return 0;
}

/* Fields a block call takes; -1 with rs filled for another. */
static int
api_block_fields(struct arena *a, json_t *doc, int create, struct resp *rs)
{
	const char *key;
	json_t *v;

	json_object_foreach(doc, key, v)
	{
		if (strcmp(key, "config") == 0 ||
		    strcmp(key, create ? "kind" : "position") == 0)
			continue;
		api_field_error(rs, 400, key,
		                arena_printf(a, "unknown field '%s' (%s)", key,
		                             create ? "kind, config"
		                                    : "config, position"));
		return -1;
	}
	return 0;
}

/* GET/POST /api/v1/admin/blocks */
void
api_admin_blocks(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct block *all;
	struct error e;
	const char *kind, *cfg;
	json_t *doc, *list;
	int64_t id;
	size_t n;

	if (w == NULL)
		return;
	if (store_block_list(s->store, a, "sidebar", &all, &n, &e) == -1) {
		api_store_error(rs, "blocks", &e);
		return;
	}
	if (r->method != HTTP_POST) {
		list = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, block_json(&all[i], i));
		api_json(rs, 200, list);
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	if (api_block_fields(a, doc, 1, rs) == -1)
		goto out;
	kind = json_string_value(json_object_get(doc, "kind"));
	if (kind == NULL || blocks_kind(kind) == NULL) {
		api_field_error(rs, 400, "kind",
		                "kind is one of support, search, archives, "
		                "pages, text, books, popular, podcasts, "
		                "recent_comments");
		goto out;
	}
	kind = arena_strdup(a, kind);
	if (api_block_config(s, a, kind, doc, &cfg, rs) == -1)
		goto out;
	if (n >= LIM_BLOCKS) {
		api_field_error(rs, 400, "",
		                arena_printf(a,
		                             "the sidebar has at most %d "
		                             "blocks",
		                             LIM_BLOCKS));
		goto out;
	}
	if (store_block_create(s->store, "sidebar", kind, cfg ? cfg : "{}", &id,
	                       &e) == -1) {
		api_store_error(rs, "blocks", &e);
		goto out;
	}
	api_block_answer(s, r, rs, 201, id);
out:
	json_decref(doc);
}

/* PUT/DELETE /api/v1/admin/blocks/ID */
void
api_admin_block(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct block b;
	struct error e;
	const char *cfg;
	json_t *doc, *pos;
	int64_t id;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id) ||
	    store_block_get(s->store, a, id, &b, &e) == -1) {
		resp_json_error(rs, 404, "no such block");
		return;
	}
	if (r->method == HTTP_DELETE) {
		if (store_block_delete(s->store, id, &e) == -1) {
			api_store_error(rs, "blocks", &e);
			return;
		}
		api_json(rs, 200,
		         json_pack("{s:I}", "deleted", (json_int_t)id));
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	if (api_block_fields(a, doc, 0, rs) == -1 ||
	    api_block_config(s, a, b.kind, doc, &cfg, rs) == -1)
		goto out;
	pos = json_object_get(doc, "position");
	if (pos != NULL && !json_is_integer(pos)) {
		api_field_error(rs, 400, "position",
		                "position is a whole number");
		goto out;
	}
	if (cfg != NULL &&
	    store_block_set_config(s->store, id, cfg, &e) == -1) {
		api_store_error(rs, "blocks", &e);
		goto out;
	}
	if (api_position(s, a, 1, doc, id, rs) == -1)
		goto out;
	api_block_answer(s, r, rs, 200, id);
out:
	json_decref(doc);
}

/* ---- settings --------------------------------------------------------- */

/* The settings screen: every field with values (typed ones when given)
 * and errors. */
static void
settings_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
                int status, const char *const *typed, const char *const *errs)
{
	struct arena *a = r->arena;
	struct tval *m = admin_model(s, r, w, "Settings");
	struct tval *groups = tval_set(a, m, "groups", tval_list(a));
	struct tval *g[SETTING_GROUPS];
	const char *smtp = settings_stored(s->store, a, "smtp_url");
	const char *host = "", *port = "", *tls = "starttls";
	int split = smtp == NULL || *smtp == '\0' ||
	            settings_smtp_split(a, smtp, &host, &port, &tls);
	int nerr = 0;

	for (size_t i = 0; i < SETTING_GROUPS; i++) {
		g[i] = tval_push(a, groups, tval_map(a));
		tval_set_str(a, g[i], "label", setting_group_names[i]);
		tval_set(a, g[i], "fields", tval_list(a));
	}
	for (size_t i = 0; i < setting_count; i++) {
		const struct setting_def *d = &setting_defs[i];
		struct tval *f;
		const char *v, *help = d->help;

		if (d->where == SETTING_API_ONLY)
			continue;
		f = tval_push(a, tval_get(g[d->group], "fields"), tval_map(a));
		if (typed != NULL)
			v = typed[i];
		else if (strcmp(d->key, "smtp_host") == 0)
			v = host;
		else if (strcmp(d->key, "smtp_port") == 0)
			v = port;
		else if (strcmp(d->key, "smtp_tls") == 0)
			v = tls;
		else if (d->type == SETTING_READONLY)
			v = s->url;
		else
			v = settings_stored(s->store, a, d->key);
		if (d->type == SETTING_SECRET) {
			const char *now = settings_stored(s->store, a, d->key);

			tval_set_bool(a, f, "is_set", now != NULL && *now);
			v = ""; /* never echoed */
		}
		if (strcmp(d->key, "smtp_host") == 0 && !split)
			help = arena_printf(
				a,
				"smtp_url is now '%s', which these "
				"fields cannot show; saving replaces "
				"it.",
				smtp);
		if (strcmp(d->key, "site_message_post") == 0 && v != NULL &&
		    *v != '\0') {
			int64_t id;
			struct post p;
			struct error e;

			if (num_parse(text_trim(a, v), 1, INT64_MAX, &id) ==
			            0 &&
			    store_post_get(s->store, a, id, &p, &e) == 0)
				help = arena_printf(
					a, "%s Now: “%s” (%s).", help, p.title,
					post_status_names[p.status]);
		}
		tval_set_str(a, f, "key", d->key);
		tval_set_str(a, f, "label", d->label);
		tval_set_str(a, f, "help", help ? help : "");
		tval_set_str(a, f, "default", d->def ? d->def : "");
		tval_set_str(a, f, "value", v ? v : "");
		tval_set_str(a, f, "error", errs ? errs[i] : "");
		if (errs != NULL && errs[i] != NULL)
			nerr++;
		tval_set_bool(a, f, "required", d->required);
		switch (d->type) {
		case SETTING_LIST:
			tval_set_bool(a, f, "is_list", 1);
			break;
		case SETTING_CHOICE: {
			struct tval *c =
				tval_set(a, f, "choices", tval_list(a));

			for (size_t j = 0; d->choices[j] != NULL; j++) {
				struct tval *it = tval_push(a, c, tval_map(a));

				tval_set_str(a, it, "value", d->choices[j]);
				tval_set_bool(a, it, "selected",
				              strcmp(d->choices[j],
				                     v && *v ? v : d->def) ==
				                      0);
			}
			tval_set_bool(a, f, "is_choice", 1);
			break;
		}
		case SETTING_SECRET:
			tval_set_bool(a, f, "is_secret", 1);
			break;
		case SETTING_READONLY:
			tval_set_bool(a, f, "is_readonly", 1);
			break;
		case SETTING_INT:
		case SETTING_RATIO:
		case SETTING_POST:
			tval_set_bool(a, f, "is_number", 1);
			break;
		case SETTING_URL:
			tval_set_bool(a, f, "is_url", 1);
			break;
		default:
			tval_set_bool(a, f, "is_line", 1);
		}
	}
	if (nerr > 0)
		tval_set_str(a, m, "error",
		             nerr == 1 ? "One value was not saved; see the "
		                         "message next to it. Nothing was "
		                         "changed."
		                       : "Some values were not saved; see the "
		                         "messages next to them. Nothing was "
		                         "changed.");
	else if (status == 200 && req_query(r, "saved") != NULL)
		tval_set_str(a, m, "notice", "The settings were saved.");
	rs->status = status;
	admin_render(s, r, rs, "admin_settings.html", m);
}

/* GET/POST /admin/settings/ */
void
admin_settings(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct form_field *ff;
	const char **typed, **errs;
	struct setting_write *wr;
	const char *host = NULL, *port = NULL, *tls = NULL, *pw = NULL;
	size_t nw = 0;
	int bad = 0, clear_pw;
	struct error e;

	if (w == NULL)
		return;
	if (r->method != HTTP_POST) {
		settings_render(s, r, rs, w, 200, NULL, NULL);
		return;
	}
	ff = arena_zalloc(a, (setting_count + 2) * sizeof(*ff));
	for (size_t i = 0; i < setting_count; i++)
		ff[i] = (struct form_field){setting_defs[i].key, FORM_MAX, 0,
		                            NULL};
	ff[setting_count] = (struct form_field){"csrf", 200, 0, NULL};
	ff[setting_count + 1] =
		(struct form_field){"smtp_password_clear", 10, 0, NULL};
	if (form_parse(r, ff, setting_count + 2, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Not done", e.msg);
		return;
	}
	clear_pw = ff[setting_count + 1].value != NULL;
	typed = arena_zalloc(a, setting_count * sizeof(*typed));
	errs = arena_zalloc(a, setting_count * sizeof(*errs));
	wr = arena_zalloc(a, (setting_count + 1) * sizeof(*wr));
	for (size_t i = 0; i < setting_count; i++) {
		const struct setting_def *d = &setting_defs[i];
		const char *v;

		typed[i] = ff[i].value ? ff[i].value : "";
		if (d->where == SETTING_API_ONLY || d->type == SETTING_READONLY)
			continue;
		errs[i] = settings_check(s->store, a, d, typed[i], &v);
		if (errs[i] != NULL) {
			bad = 1;
			continue;
		}
		if (strcmp(d->key, "smtp_host") == 0)
			host = v;
		else if (strcmp(d->key, "smtp_port") == 0)
			port = v;
		else if (strcmp(d->key, "smtp_tls") == 0)
			tls = v;
		else if (d->type == SETTING_SECRET)
			pw = v;
		else
			wr[nw++] = (struct setting_write){d->key, v};
	}
	if (bad) {
		settings_render(s, r, rs, w, 400, typed, errs);
		return;
	}
	/* The host, port and security make smtp_url, which notify.c reads. */
	if (host == NULL)
		wr[nw++] = (struct setting_write){"smtp_url", NULL};
	else {
		int implicit = tls != NULL && strcmp(tls, "tls") == 0;

		wr[nw++] =
			(struct setting_write){"smtp_url",
		                               arena_printf(a, "%s://%s:%s",
		                                            implicit ? "smtps"
		                                                     : "smtp",
		                                            host,
		                                            port ? port
		                                            : implicit
		                                                    ? "465"
		                                                    : "587")};
	}
	/* The password only changes when one is typed, or on request. */
	if (pw != NULL)
		wr[nw++] = (struct setting_write){"smtp_password", pw};
	else if (clear_pw)
		wr[nw++] = (struct setting_write){"smtp_password", NULL};
	if (settings_write(s->store, wr, nw, &e) == -1) {
		screen_store_error(s, r, rs, w, "settings", &e);
		return;
	}
	admin_redirect(rs, "/admin/settings/?saved=1");
}

/* Every setting the API knows (the password only as set or not). */
static void
settings_answer(struct site *s, struct arena *a, struct resp *rs)
{
	json_t *vals = json_object(), *defs = json_object();
	const char *pw = settings_stored(s->store, a, "smtp_password");

	for (size_t i = 0; i < setting_count; i++) {
		const struct setting_def *d = &setting_defs[i];
		const char *now;

		if (d->where == SETTING_FORM_ONLY || d->type == SETTING_SECRET)
			continue;
		now = settings_stored(s->store, a, d->key);
		json_object_set_new(vals, d->key,
		                    now ? json_string(now) : json_null());
		json_object_set_new(defs, d->key,
		                    d->def ? json_string(d->def) : json_null());
	}
	api_json(rs, 200,
	         json_pack("{s:o,s:o,s:b,s:s}", "settings", vals, "defaults",
	                   defs, "smtp_password_set", pw != NULL && *pw != '\0',
	                   "site_url", s->url));
}

/* GET/PUT /api/v1/admin/settings */
void
api_admin_settings(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct setting_write *wr;
	struct error e;
	const char *key;
	json_t *doc, *v;
	size_t nw = 0;

	if (w == NULL)
		return;
	if (r->method != HTTP_PUT) {
		settings_answer(s, a, rs);
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	wr = arena_zalloc(a, (json_object_size(doc) + 1) * sizeof(*wr));
	json_object_foreach(doc, key, v)
	{
		const struct setting_def *d =
			settings_find(key, SETTING_FORM_ONLY);
		const char *raw, *out, *msg;

		if (d == NULL) {
			api_field_error(
				rs, 400, key,
				strcmp(key, "site_url") == 0
					? "site_url is set in gazette.conf "
					  "(url), not here"
					: arena_printf(a,
			                               "unknown setting '%s'; "
			                               "nothing was changed",
			                               key));
			goto out;
		}
		if (json_is_null(v))
			raw = "";
		else if (json_is_string(v))
			raw = json_string_value(v);
		else if (json_is_integer(v))
			raw = arena_printf(a, "%lld",
			                   (long long)json_integer_value(v));
		else if (json_is_real(v))
			raw = arena_printf(a, "%.17g", json_real_value(v));
		else {
			api_field_error(rs, 400, key,
			                arena_printf(a,
			                             "%s must be a string, a "
			                             "number or null",
			                             key));
			goto out;
		}
		msg = settings_check(s->store, a, d, raw, &out);
		if (msg != NULL) {
			api_field_error(rs, 400, key,
			                arena_printf(a, "%s: %s", key, msg));
			goto out;
		}
		wr[nw++] = (struct setting_write){arena_strdup(a, key), out};
	}
	if (settings_write(s->store, wr, nw, &e) == -1) {
		api_store_error(rs, "settings", &e);
		goto out;
	}
	settings_answer(s, a, rs);
out:
	json_decref(doc);
}
