/*
 * The admin: the settings (title, tagline, support link, site message,
 * comment rules, search rate, SMTP) on one screen and through the API.
 * The table and its checks are core/settings.c's, which the CLI asks
 * too.  Needs CAP_SITE.
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
		ff[i] = (struct form_field){setting_defs[i].key, ADMIN_FORM_MAX,
		                            0, NULL};
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
		admin_fail(s, r, rs, w, "settings", &e);
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
			admin_field_error(
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
			admin_field_error(rs, 400, key,
			                  arena_printf(a,
			                               "%s must be a string, a "
			                               "number or null",
			                               key));
			goto out;
		}
		msg = settings_check(s->store, a, d, raw, &out);
		if (msg != NULL) {
			admin_field_error(rs, 400, key,
			                  arena_printf(a, "%s: %s", key, msg));
			goto out;
		}
		wr[nw++] = (struct setting_write){arena_strdup(a, key), out};
	}
	if (settings_write(s->store, wr, nw, &e) == -1) {
		admin_fail(s, r, rs, w, "settings", &e);
		goto out;
	}
	settings_answer(s, a, rs);
out:
	json_decref(doc);
}
