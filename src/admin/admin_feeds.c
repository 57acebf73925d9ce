/*
 * The admin: the river's feeds (issue 15) as a screen (plain forms,
 * Post/Redirect/Get; a refused form comes back with what was typed) and
 * through the JSON API.  Every screen and call needs CAP_FEEDS (editors
 * and admins).  The rules are core/river.c's: a feed is added without
 * being fetched (the feed thread fetches it within a second, and follows
 * the feed a page announces), "fetch now" makes it due, so no request
 * waits on another site (docs/decisions/060-feeds-in-the-admin.md); a
 * keyword filter hides what is stored as well as what comes (061).
 */
#include <jansson.h>
#include <string.h>

#include "internal.h"
#include "../auth/auth.h"
#include "../core/river.h"
#include "../store/river.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

/* The typed fields of a form field: value and the field at fault. */
struct feed_form {
	const char *url, *name, *section, *interval, *rule;
	int enabled;
	const char *bad, *error; /* bad: "" for the form as a whole */
};

/* The aggregator sections, for the add and edit forms' choice. */
static struct tval *
sections_model(struct site *s, struct arena *a, const char *selected,
               int *count)
{
	struct tval *l = tval_list(a);
	struct section *all;
	size_t n;
	struct error e;

	*count = 0;
	if (store_section_list(s->store, a, clock_now(), &all, &n, &e) == -1)
		return l;
	for (size_t i = 0; i < n; i++) {
		struct tval *it;

		if (all[i].kind != SECTION_AGGREGATOR)
			continue;
		it = tval_push(a, l, tval_map(a));
		tval_set_str(a, it, "slug", all[i].slug);
		tval_set_str(a, it, "name", all[i].name);
		tval_set_bool(a, it, "selected",
		              selected != NULL &&
		                      strcmp(selected, all[i].slug) == 0);
		(*count)++;
	}
	return l;
}

/*
 * The keyword filters of source_id (0: every feed's) and the form that
 * adds one, as admin_feeds_filters.html shows them: {filters: [{id,
 * rule}], feed_id ("" for the site's), prefix (of the ids), field: the
 * rule as typed and its error}.
 */
static struct tval *
filters_block(struct arena *a, const struct river_filter *f, size_t n,
              int64_t source_id, const char *prefix,
              const struct feed_form *typed)
{
	struct tval *m = tval_map(a),
		    *l = tval_set(a, m, "filters", tval_list(a));

	for (size_t i = 0; i < n; i++)
		if (f[i].source_id == source_id) {
			struct tval *it = tval_push(a, l, tval_map(a));

			tval_set_int(a, it, "id", f[i].id);
			tval_set_str(a, it, "rule", f[i].rule);
		}
	tval_set_str(a, m, "feed_id",
	             source_id > 0
	                     ? arena_printf(a, "%lld", (long long)source_id)
	                     : "");
	tval_set_str(a, m, "prefix", prefix);
	admin_form_field(a, m, "field", typed ? typed->rule : NULL,
	                 typed ? typed->error : NULL);
	return m;
}

/* The error of form f's field name, or NULL. */
static const char *
error_of(const struct feed_form *f, const char *name)
{
	return f != NULL && f->bad != NULL && strcmp(f->bad, name) == 0
	               ? f->error
	               : NULL;
}

static const char *
status_text(struct arena *a, const struct river_source *src)
{
	if (src->last_fetch_at == 0)
		return src->discover ? "waiting for the first fetch (a page: "
		                       "its feed is looked for)"
		                     : "waiting for the first fetch";
	if (src->last_status == 0)
		return "no answer";
	return arena_printf(a, "HTTP %d", src->last_status);
}

static void
source_model(struct arena *a, struct tval *it, const struct river_source *src)
{
	tval_set_int(a, it, "id", src->id);
	tval_set_str(a, it, "name", *src->name != '\0' ? src->name : src->url);
	tval_set_str(a, it, "url", src->url);
	tval_set_str(a, it, "site_url", src->site_url);
	tval_set_str(a, it, "section", src->section_slug);
	tval_set_bool(a, it, "enabled", src->enabled);
	tval_set_int(a, it, "interval",
	             (src->interval > 0 ? src->interval : 3600) / 60);
	tval_set_str(a, it, "last_fetch", admin_when(a, src->last_fetch_at));
	tval_set_str(a, it, "status", status_text(a, src));
	tval_set_str(a, it, "last_error", src->last_error);
	tval_set_int(a, it, "errors", src->errors);
	tval_set_str(a, it, "next_fetch",
	             src->enabled ? admin_when(a, src->next_fetch_at)
	                          : "not while disabled");
	tval_set_str(a, it, "source_page",
	             *src->section_slug != '\0'
	                     ? arena_printf(a, "/category/%s/?source=%lld",
	                                    src->section_slug,
	                                    (long long)src->id)
	                     : "");
}

/*
 * The feeds screen, with the edit panel of feed edit (0: none); add and
 * ed carry a refused form (NULL: empty, or the feed as stored).
 */
static void
feeds_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
             int status, const struct feed_form *add, int64_t edit,
             const struct feed_form *ed, const struct feed_form *filter)
{
	static const char *const notices[] =
		{"added",
	         "The feed was added; it is fetched within seconds.",
	         "saved",
	         "The feed was saved.",
	         "removed",
	         "The feed and its headlines were removed.",
	         "fetching",
	         "The feed is fetched within seconds; reload to see "
	         "how it went.",
	         "enabled",
	         "The feed was enabled; it is fetched within seconds.",
	         "disabled",
	         "The feed was disabled.",
	         "filtered",
	         "The filter was added; it hides matching headlines "
	         "already shown too.",
	         "unfiltered",
	         "The filter was removed; what it alone hid is "
	         "shown again.",
	         NULL,
	         NULL};
	struct arena *a = r->arena;
	struct tval *m = admin_model(s, r, w, "Feeds");
	struct tval *list = tval_set(a, m, "feeds", tval_list(a));
	struct river_source *all;
	struct river_filter *f;
	size_t n, nf;
	const char *notice = admin_notice_for(r, notices);
	struct error e;
	int count;

	if (store_river_source_list(s->store, a, &all, &n, &e) == -1 ||
	    store_river_filter_list(s->store, a, &f, &nf, &e) == -1) {
		admin_fail(s, r, rs, w, "feeds", &e);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct tval *it = tval_push(a, list, tval_map(a));

		source_model(a, it, &all[i]);
		if (all[i].id != edit)
			continue;
		struct tval *em = tval_set(a, m, "edit", tval_map(a));
		struct tval *fm = tval_set(a, em, "f", tval_map(a));
		const char *iv =
			ed ? ed->interval
			   : arena_printf(a, "%lld",
		                          (long long)((all[i].interval > 0
		                                               ? all[i].interval
		                                               : 3600) /
		                                      60));

		source_model(a, em, &all[i]);
		tval_set_int(a, em, "feed_id", all[i].id);
		admin_form_field(a, fm, "name", ed ? ed->name : all[i].name,
		                 error_of(ed, "name"));
		admin_form_field(a, fm, "interval", iv,
		                 error_of(ed, "interval"));
		admin_form_field(a, fm, "section", NULL,
		                 error_of(ed, "section"));
		tval_set_bool(a, em, "checked",
		              ed ? ed->enabled : all[i].enabled);
		if (ed != NULL && *ed->bad == '\0')
			tval_set_str(a, em, "error", ed->error);
		tval_set(a, em, "sections",
		         sections_model(s, a,
		                        ed && ed->section ? ed->section
		                                          : all[i].section_slug,
		                        &count));
		tval_set(a, em, "fl",
		         filters_block(a, f, nf, all[i].id, "e", filter));
	}
	tval_set_bool(a, m, "has_feeds", n > 0);
	{
		struct tval *am = tval_set(a, m, "add", tval_map(a));
		struct tval *fm = tval_set(a, am, "f", tval_map(a));

		admin_form_field(a, fm, "url", add ? add->url : NULL,
		                 error_of(add, "url"));
		admin_form_field(a, fm, "name", add ? add->name : NULL,
		                 error_of(add, "name"));
		admin_form_field(a, fm, "section", NULL,
		                 error_of(add, "section"));
		tval_set(a, am, "sections",
		         sections_model(s, a, add ? add->section : NULL,
		                        &count));
		tval_set_bool(a, m, "no_aggregator", count == 0);
		tval_set_bool(a, m, "can_site", auth_can(&w->u, CAP_SITE));
	}
	tval_set(a, m, "fl",
	         filters_block(a, f, nf, 0, "s", edit == 0 ? filter : NULL));
	tval_set_int(a, m, "interval_min", LIM_FEED_INTERVAL_MIN / 60);
	tval_set_int(a, m, "interval_max", LIM_FEED_INTERVAL_MAX / 60);
	tval_set_int(a, m, "rule_max", LIM_FEED_FILTER_LINE_BYTES);
	tval_set_int(a, m, "url_max", LIM_FEED_URL_BYTES);
	if (status == 200 && notice != NULL)
		tval_set_str(a, m, "notice", notice);
	rs->status = status;
	admin_render(s, r, rs, "admin_feeds.html", m);
}

/* The screen's forms' fields. */
static int
feed_form_read(struct req *r, struct feed_form *f, struct error *e)
{
	enum {
		F_URL,
		F_NAME,
		F_SECTION,
		F_INTERVAL,
		F_ENABLED,
		F_RULE,
		F_FEED,
		F_FILTER,
		F_CSRF,
		F_ACTION,
		F__MAX
	};
	struct form_field ff[F__MAX] = {
		[F_URL] = {"url", ADMIN_FORM_MAX, 0, NULL},
		[F_NAME] = {"name", ADMIN_FORM_MAX, 0, NULL},
		[F_SECTION] = {"section", 400, 0, NULL},
		[F_INTERVAL] = {"interval", 100, 0, NULL},
		[F_ENABLED] = {"enabled", 10, 0, NULL},
		[F_RULE] = {"rule", ADMIN_FORM_MAX, 0, NULL},
		[F_FEED] = {"feed", ID_BYTES, 0, NULL},
		[F_FILTER] = {"filter", ID_BYTES, 0, NULL},
		[F_CSRF] = {"csrf", 200, 0, NULL},
		[F_ACTION] = {"action", 20, 0, NULL},
	};

	memset(f, 0, sizeof(*f));
	if (form_parse(r, ff, F__MAX, e) == -1)
		return -1;
	f->url = ff[F_URL].value ? ff[F_URL].value : "";
	f->name = ff[F_NAME].value ? ff[F_NAME].value : "";
	f->section = ff[F_SECTION].value ? ff[F_SECTION].value : "";
	f->interval = ff[F_INTERVAL].value ? ff[F_INTERVAL].value : "";
	f->rule = ff[F_RULE].value ? ff[F_RULE].value : "";
	f->enabled = ff[F_ENABLED].value != NULL;
	return 0;
}

/* The form's id field name (feed, filter) as an id; 0 when absent. */
static int64_t
form_id(struct req *r, const char *name)
{
	const char *v = admin_form_one(r, name, ID_BYTES);
	int64_t id;

	if (v == NULL || *v == '\0' || num_parse(v, 1, INT64_MAX, &id) == -1)
		return 0;
	return id;
}

/* POST /admin/feeds/ action=filter: a filter of the site, or of feed=ID. */
static void
filter_post(struct site *s, struct req *r, struct resp *rs, struct who *w,
            const struct feed_form *f)
{
	int64_t feed = form_id(r, "feed"), id;
	struct feed_form typed = *f;
	struct error e;
	int changed;

	if (river_filter_add(s->store, r->arena, feed, f->rule, clock_now(),
	                     &id, &changed, &e) == -1) {
		if (e.code != ERR_INVALID) {
			admin_fail(s, r, rs, w, "feeds", &e);
			return;
		}
		typed.error = e.msg;
		feeds_render(s, r, rs, w, 400, NULL, feed, NULL, &typed);
		return;
	}
	admin_redirect(rs, feed > 0 ? arena_printf(r->arena,
	                                           "/admin/feeds/?edit=%lld&"
	                                           "filtered=1#edit",
	                                           (long long)feed)
	                            : "/admin/feeds/?filtered=1#filters");
}

/* GET/POST /admin/feeds/: the list, adding a feed, the filters. */
void
admin_feeds(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_FEEDS);
	struct feed_form f;
	const char *action, *bad;
	struct error e;
	int64_t id;
	int changed;

	if (w == NULL)
		return;
	if (r->method != HTTP_POST) {
		const char *q = req_query(r, "edit");

		if (q == NULL || num_parse(q, 1, INT64_MAX, &id) == -1)
			id = 0;
		feeds_render(s, r, rs, w, 200, NULL, id, NULL, NULL);
		return;
	}
	if (feed_form_read(r, &f, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Not done", e.msg);
		return;
	}
	action = admin_form_one(r, "action", 20);
	if (action != NULL && strcmp(action, "filter") == 0) {
		filter_post(s, r, rs, w, &f);
		return;
	}
	if (action != NULL && strcmp(action, "unfilter") == 0) {
		int64_t feed = form_id(r, "feed");

		if (river_filter_remove(s->store, r->arena,
		                        form_id(r, "filter"), &changed,
		                        &e) == -1) {
			admin_fail(s, r, rs, w, "feeds", &e);
			return;
		}
		admin_redirect(rs,
		               feed > 0
		                       ? arena_printf(r->arena,
		                                      "/admin/feeds/?edit=%lld&"
		                                      "unfiltered=1#edit",
		                                      (long long)feed)
		                       : "/admin/feeds/?unfiltered=1#filters");
		return;
	}
	if (river_add(s->store, r->arena, f.url, f.name, f.section, clock_now(),
	              &id, &bad, &e) == -1) {
		if (e.code == ERR_IO) {
			admin_fail(s, r, rs, w, "feeds", &e);
			return;
		}
		f.bad = bad;
		f.error = e.msg;
		feeds_render(s, r, rs, w, resp_status_for(e.code), &f, 0, NULL,
		             NULL);
		return;
	}
	admin_redirect(rs, "/admin/feeds/?added=1");
}

/* POST /admin/feeds/ID/: action save, enable, disable, fetch, remove. */
void
admin_feed(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_FEEDS);
	struct arena *a = r->arena;
	struct river_change c = {.interval = -1, .enabled = -1};
	struct river_source src;
	struct feed_form f;
	const char *action, *bad, *to;
	struct error e;
	int64_t id, minutes;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id) ||
	    store_river_source_get(s->store, a, id, &src, &e) == -1) {
		admin_message(s, r, rs, w, 404, "Feeds",
		              "There is no such feed (removed meanwhile?).");
		return;
	}
	if (feed_form_read(r, &f, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Not done", e.msg);
		return;
	}
	action = admin_form_one(r, "action", 20);
	if (action == NULL)
		action = "save";
	if (strcmp(action, "remove") == 0) {
		if (store_river_source_delete(s->store, id, &e) == -1) {
			admin_fail(s, r, rs, w, "feeds", &e);
			return;
		}
		admin_redirect(rs, "/admin/feeds/?removed=1");
		return;
	}
	if (strcmp(action, "fetch") == 0) {
		if (river_fetch_soon(s->store, a, id, clock_now(), &e) == -1) {
			admin_fail(s, r, rs, w, "feeds", &e);
			return;
		}
		admin_redirect(rs, "/admin/feeds/?fetching=1");
		return;
	}
	if (strcmp(action, "enable") == 0 || strcmp(action, "disable") == 0) {
		c.enabled = action[0] == 'e';
		to = c.enabled ? "/admin/feeds/?enabled=1"
		               : "/admin/feeds/?disabled=1";
	} else if (strcmp(action, "save") == 0) {
		c.name = f.name;
		c.section = f.section;
		c.enabled = f.enabled;
		if (num_parse(text_trim(a, f.interval), 1, INT64_MAX / 60,
		              &minutes) == -1) {
			f.bad = "interval";
			f.error = arena_printf(a,
			                       "the interval is a whole number "
			                       "of minutes, from %d to %d",
			                       LIM_FEED_INTERVAL_MIN / 60,
			                       LIM_FEED_INTERVAL_MAX / 60);
			feeds_render(s, r, rs, w, 400, NULL, id, &f, NULL);
			return;
		}
		c.interval = minutes * 60;
		to = "/admin/feeds/?saved=1";
	} else {
		admin_message(s, r, rs, w, 400, "Not done",
		              "Unknown action; reload the page and try again.");
		return;
	}
	if (river_edit(s->store, a, id, &c, clock_now(), &bad, &e) == -1) {
		if (e.code == ERR_IO || *bad == '\0') {
			admin_fail(s, r, rs, w, "feeds", &e);
			return;
		}
		f.bad = bad;
		f.error = e.msg;
		feeds_render(s, r, rs, w, resp_status_for(e.code), NULL, id, &f,
		             NULL);
		return;
	}
	admin_redirect(rs, to);
}

/* ---- the JSON API ------------------------------------------------------ */

static json_t *
jstr(const char *s)
{
	json_t *v = json_string(s ? s : "");

	return v ? v : json_string("");
}

static json_t *
filter_json(const struct river_filter *f)
{
	return json_pack("{s:I,s:o,s:o}", "id", (json_int_t)f->id, "feed",
	                 f->source_id > 0 ? json_integer(f->source_id)
	                                  : json_null(),
	                 "rule", jstr(f->rule));
}

static json_t *
feed_json(struct arena *a, const struct river_source *src)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(src->id));
	json_object_set_new(o, "url", jstr(src->url));
	json_object_set_new(o, "name", jstr(src->name));
	json_object_set_new(o, "site_url", jstr(src->site_url));
	json_object_set_new(o, "folder", jstr(src->folder));
	json_object_set_new(o, "section",
	                    *src->section_slug ? jstr(src->section_slug)
	                                       : json_null());
	json_object_set_new(o, "interval",
	                    json_integer(src->interval > 0 ? src->interval
	                                                   : 3600));
	json_object_set_new(o, "enabled", json_boolean(src->enabled));
	json_object_set_new(o, "discovering", json_boolean(src->discover));
	json_object_set_new(o, "last_fetch_at",
	                    admin_json_time(a, src->last_fetch_at));
	json_object_set_new(o, "last_status",
	                    src->last_status ? json_integer(src->last_status)
	                                     : json_null());
	json_object_set_new(o, "last_error", jstr(src->last_error));
	json_object_set_new(o, "errors", json_integer(src->errors));
	json_object_set_new(o, "next_fetch_at",
	                    src->enabled
	                            ? admin_json_time(a, src->next_fetch_at)
	                            : json_null());
	json_object_set_new(
		o, "page",
		*src->section_slug
			? jstr(arena_printf(a, "/category/%s/?source=%lld",
	                                    src->section_slug,
	                                    (long long)src->id))
			: json_null());
	return o;
}

/* Feed id with its filters, as the API shows it. */
static void
api_feed_send(struct site *s, struct req *r, struct resp *rs, int status,
              int64_t id)
{
	struct river_source src;
	struct river_filter *f;
	struct error e;
	json_t *o, *fl;
	size_t n;

	if (store_river_source_get(s->store, r->arena, id, &src, &e) == -1 ||
	    store_river_filter_list(s->store, r->arena, &f, &n, &e) == -1) {
		admin_fail(s, r, rs, NULL, "feeds", &e);
		return;
	}
	o = feed_json(r->arena, &src);
	fl = json_array();
	for (size_t i = 0; i < n; i++)
		if (f[i].source_id == id)
			json_array_append_new(fl, filter_json(&f[i]));
	json_object_set_new(o, "filters", fl);
	api_json(rs, status, o);
}

/* The API's refusal of a field, or the failure of the call. */
static void
api_refuse(struct site *s, struct req *r, struct resp *rs, struct who *w,
           const char *bad, const struct error *e)
{
	if (e->code == ERR_IO || bad == NULL)
		admin_fail(s, r, rs, w, "feeds", e);
	else
		admin_field_error(rs, resp_status_for(e->code), bad, e->msg);
}

/* Only the keys of allowed[] in doc; -1 with rs filled otherwise. */
static int
api_keys(struct arena *a, json_t *doc, const char *const *allowed,
         const char *list, struct resp *rs)
{
	const char *key;
	json_t *v;

	json_object_foreach(doc, key, v)
	{
		size_t i = 0;

		while (allowed[i] != NULL && strcmp(allowed[i], key) != 0)
			i++;
		if (allowed[i] == NULL) {
			admin_field_error(
				rs, 400, key,
				arena_printf(a, "unknown field '%s' (%s)", key,
			                     list));
			return -1;
		}
	}
	return 0;
}

/* GET/POST /api/v1/admin/feeds */
void
api_admin_feeds(void *ctx, struct req *r, struct resp *rs)
{
	static const char *const keys[] = {"url", "name", "section", NULL};
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_FEEDS);
	struct arena *a = r->arena;
	struct river_source *all;
	const char *url, *name, *section, *bad;
	struct error e;
	json_t *doc, *list;
	int64_t id;
	size_t n;

	if (w == NULL)
		return;
	if (r->method != HTTP_POST) {
		if (store_river_source_list(s->store, a, &all, &n, &e) == -1) {
			admin_fail(s, r, rs, w, "feeds", &e);
			return;
		}
		list = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, feed_json(a, &all[i]));
		api_json(rs, 200, list);
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	if (api_keys(a, doc, keys, "url, name, section", rs) == -1 ||
	    admin_api_str(rs, doc, "url", &url) == -1 ||
	    admin_api_str(rs, doc, "name", &name) == -1 ||
	    admin_api_str(rs, doc, "section", &section) == -1)
		goto out;
	if (river_add(s->store, a, url ? url : "", name, section, clock_now(),
	              &id, &bad, &e) == -1) {
		api_refuse(s, r, rs, w, bad, &e);
		goto out;
	}
	api_feed_send(s, r, rs, 201, id);
out:
	json_decref(doc);
}

/* GET/PUT/DELETE /api/v1/admin/feeds/ID */
void
api_admin_feed(void *ctx, struct req *r, struct resp *rs)
{
	static const char *const keys[] = {"name", "interval", "section",
	                                   "enabled", NULL};
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_FEEDS);
	struct arena *a = r->arena;
	struct river_change c = {.interval = -1, .enabled = -1};
	struct river_source src;
	const char *bad;
	struct error e;
	json_t *doc, *v;
	int64_t id;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id) ||
	    store_river_source_get(s->store, a, id, &src, &e) == -1) {
		resp_json_error(rs, 404, "no such feed");
		return;
	}
	if (r->method == HTTP_GET) {
		api_feed_send(s, r, rs, 200, id);
		return;
	}
	if (r->method == HTTP_DELETE) {
		if (store_river_source_delete(s->store, id, &e) == -1) {
			admin_fail(s, r, rs, w, "feeds", &e);
			return;
		}
		api_json(rs, 200,
		         json_pack("{s:I}", "deleted", (json_int_t)id));
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	if (api_keys(a, doc, keys, "name, interval, section, enabled", rs) ==
	            -1 ||
	    admin_api_str(rs, doc, "name", &c.name) == -1 ||
	    admin_api_str(rs, doc, "section", &c.section) == -1)
		goto out;
	if ((v = json_object_get(doc, "interval")) != NULL) {
		if (!json_is_integer(v)) {
			admin_field_error(rs, 400, "interval",
			                  "interval is a whole number of "
			                  "seconds");
			goto out;
		}
		c.interval =
			json_integer_value(v) < 0 ? 0 : json_integer_value(v);
	}
	if ((v = json_object_get(doc, "enabled")) != NULL) {
		if (!json_is_boolean(v)) {
			admin_field_error(rs, 400, "enabled",
			                  "enabled is true or false");
			goto out;
		}
		c.enabled = json_is_true(v);
	}
	if (river_edit(s->store, a, id, &c, clock_now(), &bad, &e) == -1) {
		api_refuse(s, r, rs, w, *bad ? bad : NULL, &e);
		goto out;
	}
	api_feed_send(s, r, rs, 200, id);
out:
	json_decref(doc);
}

/* POST /api/v1/admin/feeds/ID/fetch: due now; 202, the feed thread
 * fetches it within seconds. */
void
api_admin_feed_fetch(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_FEEDS);
	struct error e;
	int64_t id;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id)) {
		resp_json_error(rs, 404, "no such feed");
		return;
	}
	if (river_fetch_soon(s->store, r->arena, id, clock_now(), &e) == -1) {
		if (e.code == ERR_NOT_FOUND)
			resp_json_error(rs, 404, "no such feed");
		else
			admin_fail(s, r, rs, w, "feeds", &e);
		return;
	}
	api_feed_send(s, r, rs, 202, id);
}

/* GET/POST /api/v1/admin/feeds/filters */
void
api_admin_feed_filters(void *ctx, struct req *r, struct resp *rs)
{
	static const char *const keys[] = {"rule", "feed", NULL};
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_FEEDS);
	struct arena *a = r->arena;
	struct river_filter *f, made;
	const char *rule;
	struct error e;
	json_t *doc, *v, *list;
	int64_t feed = 0, id;
	size_t n;
	int changed;

	if (w == NULL)
		return;
	if (r->method != HTTP_POST) {
		if (store_river_filter_list(s->store, a, &f, &n, &e) == -1) {
			admin_fail(s, r, rs, w, "feeds", &e);
			return;
		}
		list = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, filter_json(&f[i]));
		api_json(rs, 200, list);
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	if (api_keys(a, doc, keys, "rule, feed", rs) == -1 ||
	    admin_api_str(rs, doc, "rule", &rule) == -1)
		goto out;
	if ((v = json_object_get(doc, "feed")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			admin_field_error(rs, 400, "feed",
			                  "feed is a feed's id, or null for "
			                  "every feed");
			goto out;
		}
		feed = json_integer_value(v);
	}
	if (river_filter_add(s->store, a, feed, rule ? rule : "", clock_now(),
	                     &id, &changed, &e) == -1) {
		if (e.code == ERR_NOT_FOUND)
			admin_field_error(rs, 400, "feed", e.msg);
		else
			api_refuse(s, r, rs, w, "rule", &e);
		goto out;
	}
	made.id = id;
	made.source_id = feed;
	made.rule = rule;
	v = filter_json(&made);
	json_object_set_new(v, "hidden", json_integer(changed));
	api_json(rs, 201, v);
out:
	json_decref(doc);
}

/* DELETE /api/v1/admin/feeds/filters/ID */
void
api_admin_feed_filter(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_FEEDS);
	struct error e;
	int64_t id;
	int changed;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id) ||
	    river_filter_remove(s->store, r->arena, id, &changed, &e) == -1) {
		if (admin_id_param(r, 0, &id) && e.code != ERR_NOT_FOUND)
			admin_fail(s, r, rs, w, "feeds", &e);
		else
			resp_json_error(rs, 404, "no such filter");
		return;
	}
	api_json(rs, 200,
	         json_pack("{s:I,s:i}", "deleted", (json_int_t)id, "shown",
	                   changed));
}
