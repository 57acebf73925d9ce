/*
 * The admin: one's own profile (name, email, password, sessions) and API
 * tokens, on the screen and through the JSON API.
 */
#include <jansson.h>
#include <string.h>
#include <sys/types.h>

#include "internal.h"
#include "../util/addr.h"
#include "../auth/auth.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/banned.h"
/* ---- /admin/profile/ ---- */

struct profile_view {
	int status;
	const char *name, *email, *name_error, *email_error;
	const char *current_error, *password_error, *again_error;
	const char *token_name, *token_error;
	const char *new_token, *new_token_name;
	const char *notice, *error;
};

/* The hash of the session r is signed in with, or NULL (API token). */
static const char *
own_session_hash(struct who *w, struct arena *a)
{
	char hash[AUTH_HASH_HEX + 1];

	if (w->via_token || w->token == NULL)
		return NULL;
	auth_token_hash(w->token, hash);
	return arena_strdup(a, hash);
}

static void
profile_page(struct site *s, struct req *r, struct resp *rs, struct who *w,
             const struct profile_view *v)
{
	struct arena *a = r->arena;
	struct tval *m = admin_model(s, r, w, "Your profile");
	struct tval *sl = tval_set(a, m, "sessions", tval_list(a));
	struct tval *tl = tval_set(a, m, "tokens", tval_list(a));
	const char *mine = own_session_hash(w, a);
	struct session *xs;
	struct api_token *ts;
	size_t nx, nt, others = 0;
	struct error e;

	if (store_session_list(s->store, a, w->u.id, clock_now(), &xs, &nx,
	                       &e) == -1 ||
	    store_token_list(s->store, a, w->u.id, &ts, &nt, &e) == -1) {
		log_error("profile: %s", e.msg);
		admin_message(s, r, rs, w, 500, "Your profile",
		              "Your sessions could not be read.");
		return;
	}
	tval_set_str(a, m, "login", w->u.login);
	tval_set_str(a, m, "role", user_role_names[w->u.role]);
	tval_set_str(a, m, "name", v->name ? v->name : w->u.name);
	tval_set_str(a, m, "email", v->email ? v->email : w->u.email);
	tval_set_int(a, m, "name_max", LIM_USER_NAME_BYTES);
	tval_set_int(a, m, "email_max", LIM_EMAIL_BYTES);
	tval_set_int(a, m, "password_min", LIM_PASSWORD_MIN);
	tval_set_int(a, m, "token_name_max", LIM_TOKEN_NAME_BYTES);
	tval_set_int(a, m, "token_limit", LIM_API_TOKENS);
	tval_set_str(a, m, "token_name", admin_or_empty(v->token_name));
	for (size_t i = 0; i < nx; i++) {
		struct tval *it = tval_push(a, sl, tval_map(a));
		int cur = mine != NULL && strcmp(mine, xs[i].token_hash) == 0;

		tval_set_str(a, it, "created", admin_when(a, xs[i].created_at));
		tval_set_str(a, it, "seen",
		             admin_when(a, xs[i].seen_at ? xs[i].seen_at
		                                         : xs[i].created_at));
		tval_set_str(a, it, "ip", *xs[i].ip ? xs[i].ip : "unknown");
		tval_set_bool(a, it, "current", cur);
		others += !cur;
	}
	tval_set_int(a, m, "other_sessions", (int64_t)others);
	for (size_t i = 0; i < nt; i++) {
		struct tval *it = tval_push(a, tl, tval_map(a));

		tval_set_int(a, it, "id", ts[i].id);
		tval_set_str(a, it, "name", ts[i].name);
		tval_set_str(a, it, "created", admin_when(a, ts[i].created_at));
		tval_set_str(a, it, "used", admin_when(a, ts[i].used_at));
	}
	tval_set_int(a, m, "token_count", (int64_t)nt);
#define SET_OPT(key, val)                                                      \
	do {                                                                   \
		if ((val) != NULL)                                             \
			tval_set_str(a, m, key, val);                          \
	} while (0)
	SET_OPT("name_error", v->name_error);
	SET_OPT("email_error", v->email_error);
	SET_OPT("current_error", v->current_error);
	SET_OPT("password_error", v->password_error);
	SET_OPT("again_error", v->again_error);
	SET_OPT("token_error", v->token_error);
	SET_OPT("new_token", v->new_token);
	SET_OPT("new_token_name", v->new_token_name);
	SET_OPT("notice", v->notice);
	SET_OPT("error", v->error);
#undef SET_OPT
	rs->status = v->status;
	admin_render(s, r, rs, "admin_profile.html", m);
}

/* A new API token for w's user: *token (shown once) and *id.
 * ERR_INVALID for a bad name, ERR_CONFLICT at LIM_API_TOKENS. */
static int
token_create(struct site *s, struct req *r, struct who *w, const char *name,
             int64_t *id, const char **token, struct error *e)
{
	char tok[AUTH_TOKEN_CHARS + 1], hash[AUTH_HASH_HEX + 1];
	struct api_token *ts;
	size_t n;

	if (name == NULL || *name == '\0')
		return error_set(e, ERR_INVALID,
		                 "name: give the token a name (say, what "
		                 "script uses it)");
	if (strlen(name) > LIM_TOKEN_NAME_BYTES)
		return error_set(e, ERR_INVALID, "name: longer than %d bytes",
		                 LIM_TOKEN_NAME_BYTES);
	if (strpbrk(name, "\r\n\t") != NULL)
		return error_set(e, ERR_INVALID, "name: one line only");
	if (store_token_list(s->store, r->arena, w->u.id, &ts, &n, e) == -1)
		return -1;
	if (n >= LIM_API_TOKENS)
		return error_set(e, ERR_CONFLICT,
		                 "you hold %d API tokens, the most one user "
		                 "may have; delete one first",
		                 LIM_API_TOKENS);
	auth_token_new(tok);
	auth_token_hash(tok, hash);
	if (store_token_add(s->store, w->u.id, hash, name, clock_now(), id,
	                    e) == -1)
		return -1;
	*token = arena_strdup(r->arena, tok);
	sodium_memzero(tok, sizeof(tok));
	return 0;
}

/* Change w's password: the current one first (counted as a failed
 * sign-in when wrong, so a stolen session cannot guess it freely), the
 * new one twice.  Every other session of the user ends; this one stays. */
static void
profile_password(struct site *s, struct req *r, struct resp *rs, struct who *w,
                 struct profile_view *v, const char *cur, const char *pw,
                 const char *again)
{
	struct arena *a = r->arena;
	const char *key = arena_printf(a, "login:%s", w->u.login);
	char h[AUTH_HASH_BYTES];
	struct error e;
	int64_t now = clock_now(), wait, n = 0;
	int rehash;

	v->status = 400;
	wait = throttle_wait(s->throttle, key, now);
	if (wait > 0) {
		(void)resp_header(rs, "Retry-After",
		                  arena_printf(a, "%lld", (long long)wait));
		v->status = 429;
		v->current_error = arena_printf(
			a,
			"Too many wrong passwords. Wait %lld seconds, then "
			"try again.",
			(long long)wait);
		return;
	}
	if (!auth_password_verify(w->u.pw_hash, cur, &rehash)) {
		throttle_fail(s->throttle, key, LIM_LOGIN_FREE, now);
		v->current_error = "This is not your current password.";
		return;
	}
	if (auth_password_check(pw, &e) == -1) {
		v->password_error = arena_strdup(a, e.msg);
		return;
	}
	if (strcmp(pw, again) != 0) {
		v->again_error = "The two new passwords differ.";
		return;
	}
	if (auth_password_hash(pw, h, &e) == -1 ||
	    store_user_set_password(s->store, w->u.id, h, &e) == -1 ||
	    store_session_revoke_others(s->store, w->u.id,
	                                own_session_hash(w, a), &n, &e) == -1) {
		log_error("profile: password of '%s': %s", w->u.login, e.msg);
		v->status = 500;
		v->error = "The password could not be saved; please try "
			   "again.";
		return;
	}
	log_info("profile: '%s' changed their password; %lld other "
	         "session(s) ended",
	         w->u.login, (long long)n);
	v->status = 303;
}

void
admin_profile(void *ctx, struct req *r, struct resp *rs)
{
	enum {
		F_ACTION,
		F_NAME,
		F_EMAIL,
		F_CURRENT,
		F_PASSWORD,
		F_AGAIN,
		F_TOKEN_NAME,
		F_ID,
		F__MAX
	};
	struct form_field f[F__MAX] = {
		[F_ACTION] = {"action", 32, 1, NULL},
		[F_NAME] = {"name", ADMIN_FIELD_MAX(LIM_USER_NAME_BYTES), 0,
	                    NULL},
		[F_EMAIL] = {"email", ADMIN_FIELD_MAX(LIM_EMAIL_BYTES), 0,
	                     NULL},
		[F_CURRENT] = {"current", 2 * LIM_PASSWORD_BYTES, 0, NULL},
		[F_PASSWORD] = {"password", 2 * LIM_PASSWORD_BYTES, 0, NULL},
		[F_AGAIN] = {"again", 2 * LIM_PASSWORD_BYTES, 0, NULL},
		[F_TOKEN_NAME] = {"token_name",
	                          ADMIN_FIELD_MAX(LIM_TOKEN_NAME_BYTES), 0,
	                          NULL},
		[F_ID] = {"id", 24, 0, NULL},
	};
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_ADMIN);
	struct profile_view v = {0};
	struct arena *a = r->arena;
	const char *action, *done = NULL, *q;
	struct error e;
	int64_t id, n;

	if (w == NULL)
		return;
	v.status = 200;
	if (r->method != HTTP_POST) {
		q = req_query(r, "done");
		if (q != NULL && strcmp(q, "profile") == 0)
			v.notice = "Your name and email were saved.";
		else if (q != NULL && strcmp(q, "password") == 0)
			v.notice = "Your password was changed, and your other "
				   "sessions were ended.";
		else if (q != NULL && strcmp(q, "signout") == 0)
			v.notice = "Your other sessions were ended.";
		else if (q != NULL && strcmp(q, "token_deleted") == 0)
			v.notice = "The API token was deleted; it no longer "
				   "works.";
		profile_page(s, r, rs, w, &v);
		return;
	}
	if (form_parse(r, f, F__MAX, &e) == -1) {
		v.status = 400;
		v.error = e.msg;
		profile_page(s, r, rs, w, &v);
		return;
	}
	action = f[F_ACTION].value;
	if (strcmp(action, "profile") == 0) {
		v.name = admin_or_empty(f[F_NAME].value);
		v.email = admin_or_empty(f[F_EMAIL].value);
		if (admin_user_name_check(v.name, &e) == -1)
			v.name_error = arena_strdup(a, e.msg);
		if (admin_user_email_check(v.email, &e) == -1)
			v.email_error = arena_strdup(a, e.msg);
		if (v.name_error != NULL || v.email_error != NULL) {
			v.status = 400;
			v.error = "Nothing was saved: see the messages below.";
		} else if (store_user_set_profile(s->store, w->u.id,
		                                  *v.name ? v.name : w->u.login,
		                                  v.email, &e) == -1) {
			log_error("profile: %s", e.msg);
			v.status = 500;
			v.error = "Your profile could not be saved.";
		} else
			done = "profile";
	} else if (strcmp(action, "password") == 0) {
		profile_password(s, r, rs, w, &v,
		                 admin_or_empty(f[F_CURRENT].value),
		                 admin_or_empty(f[F_PASSWORD].value),
		                 admin_or_empty(f[F_AGAIN].value));
		if (v.status == 303)
			done = "password";
		else if (v.error == NULL)
			v.error = "Your password was not changed: see the "
				  "messages below.";
	} else if (strcmp(action, "signout_others") == 0) {
		if (store_session_revoke_others(s->store, w->u.id,
		                                own_session_hash(w, a), &n,
		                                &e) == -1) {
			log_error("profile: %s", e.msg);
			v.status = 500;
			v.error = "Your sessions could not be ended.";
		} else
			done = "signout";
	} else if (strcmp(action, "token_new") == 0) {
		v.token_name = admin_or_empty(f[F_TOKEN_NAME].value);
		if (token_create(s, r, w, v.token_name, &id, &v.new_token,
		                 &e) == -1) {
			if (e.code == ERR_IO)
				log_error("profile: %s", e.msg);
			v.status = resp_status_for(e.code);
			v.token_error = arena_strdup(a, e.msg);
			v.error = "No token was made: see the message below.";
		} else {
			v.new_token_name = v.token_name;
			v.token_name = NULL;
			v.notice = "A new API token was made.";
		}
	} else if (strcmp(action, "token_delete") == 0) {
		if (f[F_ID].value == NULL ||
		    num_parse(f[F_ID].value, 1, INT64_MAX, &id) == -1 ||
		    store_token_delete(s->store, w->u.id, id, &e) == -1) {
			admin_message(s, r, rs, w, 404, "Your profile",
			              "You have no such API token.");
			return;
		}
		done = "token_deleted";
	} else {
		v.status = 400;
		v.error = arena_printf(a, "Unknown action '%s'.", action);
	}
	if (done != NULL) {
		admin_redirect(rs, arena_printf(a, "/admin/profile/?done=%s",
		                                done));
		return;
	}
	profile_page(s, r, rs, w, &v);
}

static json_t *
token_json(struct arena *a, const struct api_token *t)
{
	return json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)t->id, "name",
	                 t->name, "created_at",
	                 admin_json_time(a, t->created_at), "used_at",
	                 admin_json_time(a, t->used_at));
}

void
api_admin_tokens(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_ADMIN);
	struct api_token *ts;
	const char *name, *token;
	struct error e;
	json_t *doc, *list;
	int64_t id;
	size_t n;

	if (w == NULL)
		return;
	if (r->method == HTTP_GET || r->method == HTTP_HEAD) {
		if (store_token_list(s->store, r->arena, w->u.id, &ts, &n,
		                     &e) == -1) {
			log_error("tokens: %s", e.msg);
			resp_json_error(rs, 500, "cannot read your tokens");
			return;
		}
		list = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list,
			                      token_json(r->arena, &ts[i]));
		api_json(rs, 200, list);
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	if (admin_api_str(rs, doc, "name", &name) == -1)
		goto out;
	if (token_create(s, r, w, name, &id, &token, &e) == -1) {
		if (e.code == ERR_IO)
			log_error("tokens: %s", e.msg);
		admin_field_error(rs, resp_status_for(e.code), "name", e.msg);
		goto out;
	}
	api_json(rs, 201,
	         json_pack("{s:I,s:s,s:o,s:s}", "id", (json_int_t)id, "name",
	                   name, "created_at",
	                   admin_json_time(r->arena, clock_now()), "token",
	                   token));
out:
	json_decref(doc);
}

void
api_admin_token(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_ADMIN);
	struct error e;
	int64_t id;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id)) {
		resp_json_error(rs, 404, "you have no such API token");
		return;
	}
	if (store_token_delete(s->store, w->u.id, id, &e) == -1) {
		if (e.code == ERR_IO)
			log_error("tokens: %s", e.msg);
		resp_json_error(rs, e.code == ERR_IO ? 500 : 404,
		                "you have no such API token");
		return;
	}
	api_json(rs, 200, json_pack("{s:I}", "deleted", (json_int_t)id));
}
