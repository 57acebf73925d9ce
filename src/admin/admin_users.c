/*
 * The admin: users and invitations (CAP_USERS: admins), one's own profile,
 * sessions and API tokens (every signed-in role), and the JSON API of both.
 *
 * An invited user exists from the invitation on, with no password, so
 * nobody can sign in as them until the holder of the link chooses one
 * (/invite, admin.c).  Invitation links and API tokens are shown once:
 * only their hashes are kept, so a lost one is replaced, never shown
 * again.  The last active admin can be neither demoted nor disabled:
 * nobody could manage users afterwards (short of the CLI).
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

/* The names of enum cap's bits, in bit order, for GET /api/v1/me. */
static const char *const cap_names[] = {
	"admin", "posts_own", "posts_publish", "posts_all",
	"pages", "comments",  "submissions",   "site",
	"users", "stats",     "feeds",
};

const char *
admin_when(struct arena *a, int64_t t)
{
	char out[32];

	if (t == 0)
		return "never";
	time_format(t, "%Y-%m-%d %H:%M UTC", out, sizeof(out));
	return arena_strdup(a, out);
}

json_t *
admin_json_time(struct arena *a, int64_t t)
{
	return t == 0 ? json_null() : json_string(date_iso(a, t));
}

const char *
admin_or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* A display name: one line of at most LIM_USER_NAME_BYTES. */
int
admin_user_name_check(const char *name, struct error *e)
{
	if (strlen(name) > LIM_USER_NAME_BYTES)
		return error_set(e, ERR_INVALID, "name: longer than %d bytes",
		                 LIM_USER_NAME_BYTES);
	if (strpbrk(name, "\r\n\t") != NULL)
		return error_set(e, ERR_INVALID, "name: one line only");
	return 0;
}

/* An email address, or "" for none.  Only its shape is checked: the
 * admin sends invitations by hand, nothing is mailed to it yet. */
int
admin_user_email_check(const char *email, struct error *e)
{
	if (*email == '\0')
		return 0;
	if (strlen(email) > LIM_EMAIL_BYTES)
		return error_set(e, ERR_INVALID, "email: longer than %d bytes",
		                 LIM_EMAIL_BYTES);
	if (!email_valid(email, strlen(email)))
		return error_set(e, ERR_INVALID, "email: not an email address");
	return 0;
}

static int
role_parse(const char *name, enum user_role *out, struct error *e)
{
	int r = enum_lookup(user_role_names, ROLE__MAX, admin_or_empty(name));

	if (r < 0)
		return error_set(e, ERR_INVALID,
		                 "role: one of admin, editor, author, "
		                 "moderator, contributor");
	*out = (enum user_role)r;
	return 0;
}

/* ---- what the users screen and its API show of each user ---- */

/* Live invitations and sessions, looked up by user id. */
struct user_extras {
	int64_t *invited;
	size_t ninvited;
	int64_t *sess_ids, *sess_counts;
	size_t nsess;
};

static int
extras_load(struct site *s, struct arena *a, struct user_extras *x,
            struct error *e)
{
	int64_t now = clock_now();

	if (store_invite_pending(s->store, a, now, &x->invited, &x->ninvited,
	                         e) == -1)
		return -1;
	return store_session_counts(s->store, a, now, &x->sess_ids,
	                            &x->sess_counts, &x->nsess, e);
}

/* Index of id in ids[0..n) (ascending), or -1. */
static ssize_t
id_find(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] == id)
			return (ssize_t)mid;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int64_t
extras_sessions(const struct user_extras *x, int64_t id)
{
	ssize_t i = id_find(x->sess_ids, x->nsess, id);

	return i < 0 ? 0 : x->sess_counts[i];
}

/* active, disabled, invited (no password, a live invitation) or
 * imported (no password and no live invitation: imported from WordPress,
 * or an invitation that expired). */
static const char *
user_status(const struct user *u, const struct user_extras *x)
{
	if (u->disabled)
		return "disabled";
	if (u->has_password)
		return "active";
	if (id_find(x->invited, x->ninvited, u->id) >= 0)
		return "invited";
	return "imported";
}

static const char *
status_label(const char *status)
{
	if (strcmp(status, "invited") == 0)
		return "invited (no password yet)";
	if (strcmp(status, "imported") == 0)
		return "imported (no password)";
	return status;
}

static json_t *
user_json(struct arena *a, const struct user *u, const struct user_extras *x)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:o,s:o,s:I}", "id",
	                 (json_int_t)u->id, "login", u->login, "name",
	                 admin_or_empty(u->name), "email",
	                 admin_or_empty(u->email), "role",
	                 user_role_names[u->role], "status", user_status(u, x),
	                 "disabled", u->disabled, "has_password",
	                 u->has_password, "created_at",
	                 admin_json_time(a, u->created_at), "last_login_at",
	                 admin_json_time(a, u->last_login_at), "sessions",
	                 (json_int_t)extras_sessions(x, u->id));
}

/* The roles as options of a <select>, sel selected. */
static struct tval *
role_options(struct arena *a, const char *sel)
{
	struct tval *l = tval_list(a);

	for (int i = 0; i < ROLE__MAX; i++) {
		struct tval *o = tval_push(a, l, tval_map(a));

		tval_set_str(a, o, "name", user_role_names[i]);
		if (sel != NULL && strcmp(sel, user_role_names[i]) == 0)
			tval_set_bool(a, o, "selected", 1);
	}
	return l;
}

/* ---- inviting, changing a user: shared by the screens and the API ---- */

enum { IF_LOGIN, IF_NAME, IF_EMAIL, IF_ROLE, IF__MAX };
static const char *const invite_fields[IF__MAX] = {"login", "name", "email",
                                                   "role"};

/* Check an invitation's fields (v[i] may be NULL: empty).  errs[i] is the
 * message of field i or NULL; 1 when every field is good. */
static int
invite_check(struct arena *a, const char *const v[IF__MAX],
             const char *errs[IF__MAX], enum user_role *role)
{
	struct error e;
	int ok = 1;

	memset(errs, 0, IF__MAX * sizeof(*errs));
	if (auth_login_check(admin_or_empty(v[IF_LOGIN]), &e) == -1)
		errs[IF_LOGIN] = arena_strdup(a, e.msg);
	if (admin_user_name_check(admin_or_empty(v[IF_NAME]), &e) == -1)
		errs[IF_NAME] = arena_strdup(a, e.msg);
	if (admin_user_email_check(admin_or_empty(v[IF_EMAIL]), &e) == -1)
		errs[IF_EMAIL] = arena_strdup(a, e.msg);
	if (role_parse(v[IF_ROLE], role, &e) == -1)
		errs[IF_ROLE] = arena_strdup(a, e.msg);
	for (int i = 0; i < IF__MAX; i++)
		if (errs[i] != NULL)
			ok = 0;
	return ok;
}

static const char *
invite_url(struct site *s, struct arena *a, const char *token)
{
	return arena_printf(a, "%s/invite?token=%s", s->url, token);
}

/* Create the user of checked fields v with an invitation; *url the link.
 * ERR_CONFLICT when the login is taken. */
static int
invite_create(struct site *s, struct req *r, struct who *w,
              const char *const v[IF__MAX], enum user_role role, int64_t *id,
              const char **url, int64_t *expires, struct error *e)
{
	char token[AUTH_TOKEN_CHARS + 1], hash[AUTH_HASH_HEX + 1];
	struct user u = {0};
	int64_t now = clock_now();

	u.login = v[IF_LOGIN];
	u.name = v[IF_NAME] != NULL && *v[IF_NAME] ? v[IF_NAME] : v[IF_LOGIN];
	u.email = admin_or_empty(v[IF_EMAIL]);
	u.role = role;
	u.created_at = now;
	auth_token_new(token);
	auth_token_hash(token, hash);
	*expires = now + LIM_INVITE_SECONDS;
	if (store_user_invite(s->store, &u, hash, w->u.id, *expires, id, e) ==
	    -1) {
		if (e->code == ERR_CONFLICT)
			error_set(
				e, ERR_CONFLICT,
				"login: '%s' is taken already; choose another",
				u.login);
		return -1;
	}
	*url = invite_url(s, r->arena, token);
	sodium_memzero(token, sizeof(token));
	return 0;
}

/* A new invitation link for u, who has no password; ERR_CONFLICT if u has
 * one (they sign in with it; an admin cannot take it over). */
static int
invite_renew(struct site *s, struct req *r, struct who *w, const struct user *u,
             const char **url, int64_t *expires, struct error *e)
{
	char token[AUTH_TOKEN_CHARS + 1], hash[AUTH_HASH_HEX + 1];

	if (u->has_password)
		return error_set(e, ERR_CONFLICT,
		                 "%s has a password already and signs in "
		                 "with it; an invitation is only for a user "
		                 "without one.",
		                 u->login);
	auth_token_new(token);
	auth_token_hash(token, hash);
	*expires = clock_now() + LIM_INVITE_SECONDS;
	if (store_invite_renew(s->store, hash, u->id, w->u.id, *expires, e) ==
	    -1)
		return -1;
	*url = invite_url(s, r->arena, token);
	sodium_memzero(token, sizeof(token));
	return 0;
}

/*
 * Set u's role and disabled flag.  Refused with ERR_CONFLICT when u is
 * the last active admin and would stop being one.  Two admins demoting
 * each other at the same instant could both pass the count; the CLI
 * (gazette user add --role admin) is the way back from that.
 */
static int
user_change(struct site *s, struct who *w, const struct user *u,
            enum user_role role, int disabled, struct error *e)
{
	int64_t admins = 0;

	if (u->role == ROLE_ADMIN && !u->disabled &&
	    (role != ROLE_ADMIN || disabled)) {
		if (store_user_admins(s->store, &admins, e) == -1)
			return -1;
		if (admins <= 1 && u->id == w->u.id)
			return error_set(
				e, ERR_CONFLICT,
				"You are the last active admin: make "
				"another user an admin first, or nobody "
				"could manage users any more.");
		if (admins <= 1)
			return error_set(e, ERR_CONFLICT,
			                 "%s is the last active admin: make "
			                 "another user an admin first.",
			                 u->login);
	}
	if (role != u->role &&
	    store_user_set_role(s->store, u->id, role, e) == -1)
		return -1;
	if (!disabled != !u->disabled &&
	    store_user_set_disabled(s->store, u->id, disabled, e) == -1)
		return -1;
	return 0;
}

/* ---- /admin/users/ ---- */

struct users_view {
	int status;
	const char *v[IF__MAX];    /* the invitation form */
	const char *errs[IF__MAX]; /* its messages, by field */
	const char *notice, *error;
	int64_t row_id; /* a refused action on one user: its message */
	const char *row_error;
	const char *invite_url, *invite_login; /* a new link, shown once */
	int64_t invite_expires;
};

static void
users_page(struct site *s, struct req *r, struct resp *rs, struct who *w,
           const struct users_view *v)
{
	struct arena *a = r->arena;
	struct tval *m = admin_model(s, r, w, "Users");
	struct tval *list = tval_set(a, m, "users", tval_list(a));
	struct tval *form = tval_set(a, m, "invite", tval_map(a));
	struct user_extras x;
	struct user *us;
	size_t n;
	struct error e;

	if (store_user_list(s->store, a, &us, &n, &e) == -1 ||
	    extras_load(s, a, &x, &e) == -1) {
		log_error("users: %s", e.msg);
		admin_message(s, r, rs, w, 500, "Users",
		              "The users could not be read.");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct tval *it = tval_push(a, list, tval_map(a));
		const char *st = user_status(&us[i], &x);

		tval_set_int(a, it, "id", us[i].id);
		tval_set_str(a, it, "login", us[i].login);
		tval_set_str(a, it, "name", us[i].name);
		tval_set_str(a, it, "email", us[i].email);
		tval_set_str(a, it, "role", user_role_names[us[i].role]);
		tval_set(a, it, "roles",
		         role_options(a, user_role_names[us[i].role]));
		tval_set_str(a, it, "status", st);
		tval_set_str(a, it, "status_label", status_label(st));
		tval_set_str(a, it, "last_login",
		             admin_when(a, us[i].last_login_at));
		tval_set_int(a, it, "sessions", extras_sessions(&x, us[i].id));
		tval_set_bool(a, it, "disabled", us[i].disabled);
		tval_set_bool(a, it, "has_password", us[i].has_password);
		tval_set_bool(a, it, "self", us[i].id == w->u.id);
		if (v->row_error != NULL && v->row_id == us[i].id)
			tval_set_str(a, it, "row_error", v->row_error);
	}
	for (int i = 0; i < IF__MAX; i++) {
		tval_set_str(a, form, invite_fields[i],
		             admin_or_empty(v->v[i]));
		if (v->errs[i] != NULL)
			tval_set_str(a, form,
			             arena_printf(a, "%s_error",
			                          invite_fields[i]),
			             v->errs[i]);
	}
	tval_set(a, form, "roles", role_options(a, v->v[IF_ROLE]));
	tval_set_int(a, form, "login_max", LIM_LOGIN_BYTES);
	tval_set_int(a, form, "name_max", LIM_USER_NAME_BYTES);
	tval_set_int(a, form, "email_max", LIM_EMAIL_BYTES);
	tval_set_int(a, form, "invite_days", LIM_INVITE_SECONDS / 86400);
	if (v->notice != NULL)
		tval_set_str(a, m, "notice", v->notice);
	if (v->error != NULL)
		tval_set_str(a, m, "error", v->error);
	if (v->invite_url != NULL) {
		struct tval *l = tval_set(a, m, "new_invite", tval_map(a));

		tval_set_str(a, l, "url", v->invite_url);
		tval_set_str(a, l, "login", v->invite_login);
		tval_set_str(a, l, "expires", admin_when(a, v->invite_expires));
	}
	rs->status = v->status;
	admin_render(s, r, rs, "admin_users.html", m);
}

/* The notice after a change (Post/Redirect/Get: ?done=WHAT). */
static const char *
users_done(const char *done)
{
	static const struct {
		const char *key, *text;
	} notices[] = {
		{"role", "The role was changed."},
		{"disabled", "The user was disabled: their sessions and API "
	                     "tokens were ended."},
		{"enabled", "The user was enabled."},
		{"signout", "The user was signed out everywhere."},
	};

	for (size_t i = 0;
	     done != NULL && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(done, notices[i].key) == 0)
			return notices[i].text;
	return NULL;
}

void
admin_users(void *ctx, struct req *r, struct resp *rs)
{
	struct form_field f[IF__MAX] = {
		[IF_LOGIN] = {"login", ADMIN_FIELD_MAX(LIM_LOGIN_BYTES), 0,
	                      NULL},
		[IF_NAME] = {"name", ADMIN_FIELD_MAX(LIM_USER_NAME_BYTES), 0,
	                     NULL},
		[IF_EMAIL] = {"email", ADMIN_FIELD_MAX(LIM_EMAIL_BYTES), 0,
	                      NULL},
		[IF_ROLE] = {"role", 32, 0, NULL},
	};
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_USERS);
	struct users_view v = {0};
	enum user_role role;
	struct error e;
	int64_t id;

	if (w == NULL)
		return;
	v.status = 200;
	v.v[IF_ROLE] = "author";
	if (r->method != HTTP_POST) {
		v.notice = users_done(req_query(r, "done"));
		users_page(s, r, rs, w, &v);
		return;
	}
	if (form_parse(r, f, IF__MAX, &e) == -1) {
		v.status = 400;
		v.error = e.msg;
		users_page(s, r, rs, w, &v);
		return;
	}
	for (int i = 0; i < IF__MAX; i++)
		v.v[i] = admin_or_empty(f[i].value);
	if (!invite_check(r->arena, v.v, v.errs, &role)) {
		v.status = 400;
		v.error = "The invitation was not sent: see the messages "
			  "below.";
		users_page(s, r, rs, w, &v);
		return;
	}
	if (invite_create(s, r, w, v.v, role, &id, &v.invite_url,
	                  &v.invite_expires, &e) == -1) {
		if (e.code == ERR_IO)
			log_error("invite: %s", e.msg);
		v.status = resp_status_for(e.code);
		v.errs[IF_LOGIN] = arena_strdup(r->arena, e.msg);
		v.error = "The invitation was not sent: see the messages "
			  "below.";
		users_page(s, r, rs, w, &v);
		return;
	}
	log_info("users: %s invited '%s' as %s", w->u.login, v.v[IF_LOGIN],
	         user_role_names[role]);
	v.invite_login = v.v[IF_LOGIN];
	/* A fresh, empty form for the next invitation. */
	for (int i = 0; i < IF__MAX; i++)
		v.v[i] = NULL;
	v.v[IF_ROLE] = "author";
	users_page(s, r, rs, w, &v);
}

/* POST /admin/users/ID/: action = role (with role) | disable | enable |
 * signout | invite. */
void
admin_user(void *ctx, struct req *r, struct resp *rs)
{
	enum { F_ACTION, F_ROLE, F__MAX };
	struct form_field f[F__MAX] = {
		[F_ACTION] = {"action", 32, 1, NULL},
		[F_ROLE] = {"role", 32, 0, NULL},
	};
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_USERS);
	struct users_view v = {0};
	struct user u;
	struct error e;
	const char *action, *done = NULL;
	enum user_role role;
	int64_t id, n;
	int rc = -1;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id) ||
	    store_user_get(s->store, r->arena, id, &u, &e) == -1) {
		admin_message(s, r, rs, w, 404, "Users",
		              "There is no such user.");
		return;
	}
	v.status = 200;
	v.v[IF_ROLE] = "author";
	v.row_id = id;
	role = u.role;
	if (form_parse(r, f, F__MAX, &e) == -1) {
		v.status = 400;
		v.row_error = v.error = e.msg;
		users_page(s, r, rs, w, &v);
		return;
	}
	action = f[F_ACTION].value;
	if (strcmp(action, "role") == 0) {
		if (role_parse(f[F_ROLE].value, &role, &e) == 0)
			rc = user_change(s, w, &u, role, u.disabled, &e);
		done = "role";
	} else if (strcmp(action, "disable") == 0 ||
	           strcmp(action, "enable") == 0) {
		int off = strcmp(action, "disable") == 0;

		rc = user_change(s, w, &u, u.role, off, &e);
		done = off ? "disabled" : "enabled";
	} else if (strcmp(action, "signout") == 0) {
		rc = store_session_revoke(s->store, u.id, &n, &e);
		done = "signout";
	} else if (strcmp(action, "invite") == 0) {
		rc = invite_renew(s, r, w, &u, &v.invite_url, &v.invite_expires,
		                  &e);
		v.invite_login = u.login;
	} else
		error_set(&e, ERR_INVALID, "unknown action '%s'", action);
	if (rc == -1) {
		if (e.code == ERR_IO)
			log_error("users: %s", e.msg);
		v.status = resp_status_for(e.code);
		v.row_error = arena_strdup(r->arena, e.msg);
		v.error = arena_printf(r->arena, "Nothing was changed: %s",
		                       v.row_error);
		users_page(s, r, rs, w, &v);
		return;
	}
	log_info("users: %s: %s '%s'", w->u.login, action, u.login);
	if (done == NULL) {
		users_page(s, r, rs, w, &v);
		return;
	}
	admin_redirect(rs,
	               arena_printf(r->arena, "/admin/users/?done=%s#user-%lld",
	                            done, (long long)u.id));
}

/* ---- the JSON API ---- */

void
api_me(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_ADMIN);
	json_t *caps;

	if (w == NULL)
		return;
	caps = json_array();
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (auth_can(&w->u, 1u << i))
			json_array_append_new(caps, json_string(cap_names[i]));
	api_json(rs, 200,
	         json_pack("{s:I,s:s,s:s,s:s,s:s,s:o}", "id",
	                   (json_int_t)w->u.id, "login", w->u.login, "name",
	                   admin_or_empty(w->u.name), "email",
	                   admin_or_empty(w->u.email), "role",
	                   user_role_names[w->u.role], "capabilities", caps));
}

/* String member key of doc into *out (NULL when absent); 0, or -1 with a
 * 400 sent when it is there but not a string. */
int
admin_api_str(struct resp *rs, json_t *doc, const char *key, const char **out)
{
	json_t *v = json_object_get(doc, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		admin_field_error(rs, 400, key, "must be a string");
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

void
api_admin_users(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_USERS);
	const char *v[IF__MAX], *errs[IF__MAX], *url;
	struct user_extras x;
	struct user *us, u;
	enum user_role role;
	struct error e;
	json_t *doc, *list;
	int64_t id, expires;
	size_t n;

	if (w == NULL)
		return;
	if (r->method == HTTP_GET || r->method == HTTP_HEAD) {
		if (store_user_list(s->store, r->arena, &us, &n, &e) == -1 ||
		    extras_load(s, r->arena, &x, &e) == -1) {
			log_error("users: %s", e.msg);
			resp_json_error(rs, 500, "cannot read the users");
			return;
		}
		list = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list,
			                      user_json(r->arena, &us[i], &x));
		api_json(rs, 200, list);
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	for (int i = 0; i < IF__MAX; i++)
		if (admin_api_str(rs, doc, invite_fields[i], &v[i]) == -1)
			goto out;
	if (!invite_check(r->arena, v, errs, &role)) {
		for (int i = 0; i < IF__MAX; i++)
			if (errs[i] != NULL) {
				admin_field_error(rs, 400, invite_fields[i],
				                  errs[i]);
				break;
			}
		goto out;
	}
	if (invite_create(s, r, w, v, role, &id, &url, &expires, &e) == -1) {
		if (e.code == ERR_IO)
			log_error("invite: %s", e.msg);
		admin_field_error(rs, resp_status_for(e.code), "login", e.msg);
		goto out;
	}
	if (store_user_get(s->store, r->arena, id, &u, &e) == -1 ||
	    extras_load(s, r->arena, &x, &e) == -1) {
		resp_json_error(rs, 500, "cannot read the new user");
		goto out;
	}
	log_info("users: %s invited '%s' as %s", w->u.login, u.login,
	         user_role_names[role]);
	api_json(rs, 201,
	         json_pack("{s:o,s:s,s:o}", "user", user_json(r->arena, &u, &x),
	                   "invite_url", url, "expires_at",
	                   admin_json_time(r->arena, expires)));
out:
	json_decref(doc);
}

/* PUT /api/v1/admin/users/ID {role?, disabled?} */
void
api_admin_user(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_USERS);
	struct user_extras x;
	struct user u;
	struct error e;
	enum user_role role;
	int disabled, any = 0;
	const char *key;
	json_t *doc, *val;
	int64_t id;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id) ||
	    store_user_get(s->store, r->arena, id, &u, &e) == -1) {
		resp_json_error(rs, 404, "no such user");
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	role = u.role;
	disabled = u.disabled;
	json_object_foreach(doc, key, val)
	{
		if (strcmp(key, "role") == 0) {
			if (!json_is_string(val) ||
			    role_parse(json_string_value(val), &role, &e) ==
			            -1) {
				admin_field_error(
					rs, 400, "role",
					"role: one of admin, editor, "
					"author, moderator, contributor");
				goto out;
			}
		} else if (strcmp(key, "disabled") == 0) {
			if (!json_is_boolean(val)) {
				admin_field_error(rs, 400, "disabled",
				                  "disabled: true or false");
				goto out;
			}
			disabled = json_is_true(val);
		} else {
			admin_field_error(
				rs, 400, key,
				arena_printf(r->arena,
			                     "unknown field '%s' (role "
			                     "and disabled may change)",
			                     key));
			goto out;
		}
		any = 1;
	}
	if (!any) {
		resp_json_error(rs, 400,
		                "nothing to change: send role or "
		                "disabled");
		goto out;
	}
	if (user_change(s, w, &u, role, disabled, &e) == -1) {
		if (e.code == ERR_IO)
			log_error("users: %s", e.msg);
		resp_json_error(rs, resp_status_for(e.code), e.msg);
		goto out;
	}
	if (store_user_get(s->store, r->arena, id, &u, &e) == -1 ||
	    extras_load(s, r->arena, &x, &e) == -1) {
		resp_json_error(rs, 500, "cannot read the user");
		goto out;
	}
	log_info("users: %s changed '%s' (role %s%s)", w->u.login, u.login,
	         user_role_names[u.role], u.disabled ? ", disabled" : "");
	api_json(rs, 200, user_json(r->arena, &u, &x));
out:
	json_decref(doc);
}
