/*
 * The admin: the sidebar's blocks, configured field by field on the
 * screen or as JSON through the API; the kinds and what each config may
 * hold are core/blocks.c's.  Needs CAP_SITE.
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

/* A block's fields as typed in the form (by key). */
struct block_form {
	const char *label, *url, *title, *icon, *markdown, *pages, *days,
		*limit, *image, *alt, *caption, *config_json;
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
	if (strcmp(key, "image") == 0)
		return f->image;
	if (strcmp(key, "alt") == 0)
		return f->alt;
	if (strcmp(key, "caption") == 0)
		return f->caption;
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
	const char **dst[] = {&f->label,    &f->url,   &f->title,  &f->icon,
	                      &f->markdown, &f->pages, &f->days,   &f->limit,
	                      &f->image,    &f->alt,   &f->caption};
	static const char *const keys[] = {"label", "url",      "title",
	                                   "icon",  "markdown", "pages",
	                                   "days",  "limit",    "image",
	                                   "alt",   "caption"};

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
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
	                                   "days",  "limit",    "image",
	                                   "alt",   "caption",  "config_json"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = strcmp(keys[i], "config_json") == 0
		                        ? f->config_json
		                        : block_form_get(f, keys[i]);

		admin_form_field(a, fm, keys[i], v,
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
	const char *notice = admin_notice_for(r, notices);

	if (store_block_list(s->store, a, "sidebar", &b, &n, &e) == -1) {
		admin_fail(s, r, rs, w, "blocks", &e);
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
		admin_fail(s, r, rs, w, "blocks", &e);
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
		admin_fail(s, r, rs, w, "blocks", &e);
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
		F_IMAGE,
		F_ALT,
		F_CAPTION,
		F_JSON,
		F_CSRF,
		F_ACTION,
		F__MAX
	};
	struct form_field ff[F__MAX] = {
		[F_LABEL] = {"label", ADMIN_FORM_MAX, 0, NULL},
		[F_URL] = {"url", ADMIN_FORM_MAX, 0, NULL},
		[F_TITLE] = {"title", ADMIN_FORM_MAX, 0, NULL},
		[F_ICON] = {"icon", 100, 0, NULL},
		[F_MD] = {"markdown", ADMIN_FORM_MAX, 0, NULL},
		[F_PAGES] = {"pages", ADMIN_FORM_MAX, 0, NULL},
		[F_DAYS] = {"days", 100, 0, NULL},
		[F_LIMIT] = {"limit", 100, 0, NULL},
		[F_IMAGE] = {"image", ADMIN_FORM_MAX, 0, NULL},
		[F_ALT] = {"alt", ADMIN_FORM_MAX, 0, NULL},
		[F_CAPTION] = {"caption", ADMIN_FORM_MAX, 0, NULL},
		[F_JSON] = {"config_json", ADMIN_FORM_MAX, 0, NULL},
		[F_CSRF] = {"csrf", 200, 0, NULL},
		[F_ACTION] = {"action", 20, 0, NULL},
	};
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SITE);
	struct arena *a = r->arena;
	struct block b;
	struct block_form f;
	const char *action, *bad;
	struct error e;
	int64_t id;
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
			admin_fail(s, r, rs, w, "blocks", &e);
			return;
		}
		admin_redirect(rs, "/admin/blocks/?deleted=1");
		return;
	}
	if (strcmp(action, "up") == 0 || strcmp(action, "down") == 0) {
		admin_order_step(s, r, rs, w, 1, id, *action == 'u');
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
		.image = ff[F_IMAGE].value,
		.alt = ff[F_ALT].value,
		.caption = ff[F_CAPTION].value,
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
		admin_fail(s, r, rs, w, "blocks", &e);
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
		admin_fail(s, r, rs, NULL, "blocks", &e);
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
		admin_field_error(rs, 400,
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
		admin_field_error(rs, 400, key,
		                  arena_printf(a, "unknown field '%s' (%s)",
		                               key,
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
		admin_fail(s, r, rs, w, "blocks", &e);
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
		admin_field_error(rs, 400, "kind",
		                  "kind is one of support, search, archives, "
		                  "pages, text, books, popular, podcasts, "
		                  "recent_comments");
		goto out;
	}
	kind = arena_strdup(a, kind);
	if (api_block_config(s, a, kind, doc, &cfg, rs) == -1)
		goto out;
	if (n >= LIM_BLOCKS) {
		admin_field_error(rs, 400, "",
		                  arena_printf(a,
		                               "the sidebar has at most %d "
		                               "blocks",
		                               LIM_BLOCKS));
		goto out;
	}
	if (store_block_create(s->store, "sidebar", kind, cfg ? cfg : "{}", &id,
	                       &e) == -1) {
		admin_fail(s, r, rs, w, "blocks", &e);
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
			admin_fail(s, r, rs, w, "blocks", &e);
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
		admin_field_error(rs, 400, "position",
		                  "position is a whole number");
		goto out;
	}
	if (cfg != NULL &&
	    store_block_set_config(s->store, id, cfg, &e) == -1) {
		admin_fail(s, r, rs, w, "blocks", &e);
		goto out;
	}
	if (admin_order_api(s, r, 1, doc, id, rs) == -1)
		goto out;
	api_block_answer(s, r, rs, 200, id);
out:
	json_decref(doc);
}
