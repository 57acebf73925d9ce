/*
 * The admin's front door: who is asking (a session cookie, or an API
 * token for scripts), whether they may (admin_guard: capability, CSRF
 * token, origin), the layout every admin screen shares (admin_render),
 * and the screens before one is signed in: /login, /logout, /invite.
 *
 * Sessions: a random token in an HttpOnly, SameSite=Lax cookie (Secure
 * when the site URL is https); the database keeps only its hash, with the
 * session's CSRF token.  A session lives LIM_SESSION_SECONDS from its
 * last use.  Every state-changing request signed in by cookie must carry
 * the CSRF token (form field "csrf", or header X-CSRF-Token for the JSON
 * API), compared in constant time, and come from the site's own origin;
 * a request with an API token (Authorization: Bearer) carries no cookie
 * a browser could send on its own, so it needs neither.
 */
#include <string.h>

#include "admin.h"
#include "internal.h"
#include "../auth/auth.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/netaddr.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/tz.h"
#include "../util/banned.h"

#define SESSION_COOKIE        "gazette_session"
#define SESSION_TOUCH_SECONDS 300 /* extend a session at most this often */

/* The value of cookie name in the Cookie header, or NULL. */
static const char *
cookie_get(struct req *r, const char *name)
{
	const char *h = req_header(r, "Cookie");
	size_t n = strlen(name);

	while (h != NULL && *h != '\0') {
		const char *end;

		while (*h == ' ' || *h == ';')
			h++;
		end = h + strcspn(h, ";");
		if ((size_t)(end - h) > n && strncmp(h, name, n) == 0 &&
		    h[n] == '=')
			return arena_strndup(r->arena, h + n + 1,
			                     (size_t)(end - h - n - 1));
		h = end;
	}
	return NULL;
}

static int
site_https(const struct site *s)
{
	return strncmp(s->url, "https://", 8) == 0;
}

static void
session_cookie(struct site *s, struct resp *rs, struct arena *a,
               const char *token, int64_t max_age)
{
	(void)resp_header(rs, "Set-Cookie",
	                  arena_printf(a,
	                               "%s=%s; Path=/; Max-Age=%lld; HttpOnly; "
	                               "SameSite=Lax%s",
	                               SESSION_COOKIE, token,
	                               (long long)max_age,
	                               site_https(s) ? "; Secure" : ""));
}

int
admin_who(struct site *s, struct req *r, struct who *out)
{
	const char *auth = req_header(r, "Authorization");
	char hash[AUTH_HASH_HEX + 1];
	struct error e;
	int64_t now = clock_now();

	memset(out, 0, sizeof(*out));
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) {
		struct api_token t;

		auth_token_hash(auth + 7, hash);
		if (store_token_get(s->store, r->arena, hash, now, &t, &out->u,
		                    &e) == -1)
			return 0;
		out->via_token = 1;
		out->csrf = "";
		return 1;
	}
	out->token = cookie_get(r, SESSION_COOKIE);
	if (out->token == NULL || *out->token == '\0')
		return 0;
	auth_token_hash(out->token, hash);
	if (store_session_get(s->store, r->arena, hash, now, &out->session,
	                      &out->u, &e) == -1)
		return 0;
	out->csrf = out->session.csrf;
	if (now - out->session.seen_at >= SESSION_TOUCH_SECONDS &&
	    store_session_touch(s->store, hash, now, now + LIM_SESSION_SECONDS,
	                        &e) == -1)
		log_error("session: %s", e.msg);
	return 1;
}

/* The CSRF token a state-changing request carries. */
static const char *
csrf_sent(struct req *r)
{
	const char *h = req_header(r, "X-CSRF-Token");
	const char **v;
	size_t n;
	struct error e;

	if (h != NULL)
		return h;
	if (form_values(r, "csrf", 200, &v, &n, &e) == -1 || n != 1)
		return NULL;
	return v[0];
}

struct who *
admin_guard(struct site *s, struct req *r, struct resp *rs, unsigned cap)
{
	struct who *w = arena_alloc(r->arena, sizeof(*w));
	int changes = r->method != HTTP_GET && r->method != HTTP_HEAD;

	rs->cache_control = "private, no-store";
	if (!admin_who(s, r, w)) {
		if (admin_is_api(r)) {
			resp_json_error(rs, 401,
			                "sign in first (a session cookie or "
			                "an API token)");
			return NULL;
		}
		struct buf b;

		buf_init(&b, LIM_URL_BYTES * 3 + 32);
		rs->status = 303;
		if (buf_puts(&b, "/login?next=") == 0 &&
		    url_encode(&b, r->path, strlen(r->path)) == 0)
			(void)resp_header(rs, "Location",
			                  arena_strdup(r->arena, buf_str(&b)));
		else
			(void)resp_header(rs, "Location", "/login");
		buf_release(&b);
		return NULL;
	}
	if (changes && !w->via_token) {
		const char *sent = csrf_sent(r);

		if (!req_same_origin(r, s->url)) {
			admin_error(
				s, r, rs, w, 403, "Not allowed",
				"This request did not come from this site's "
				"own pages (no Origin or Referer of this "
				"site); nothing was changed.");
			return NULL;
		}
		if (sent == NULL || !auth_equal(sent, w->csrf)) {
			admin_error(s, r, rs, w, 403, "Not allowed",
			            "The form's security token is missing or "
			            "out of date (sign in again, then retry); "
			            "nothing was changed.");
			return NULL;
		}
	}
	if (!auth_can(&w->u, cap)) {
		admin_error(s, r, rs, w, 403, "Not allowed",
		            arena_printf(r->arena,
		                         "Your role (%s) does not allow this.",
		                         user_role_names[w->u.role]));
		return NULL;
	}
	return w;
}

/* The admin's menu: what w's role may open, current marked. */
static const struct {
	const char *path, *label;
	unsigned cap;
} menu[] = {
	{"/admin/", "Dashboard", CAP_ADMIN},
	{"/admin/posts/", "Posts", CAP_POSTS_OWN},
	{"/admin/posts/?type=page", "Pages", CAP_PAGES},
	{"/admin/posts/?type=book", "Books", CAP_PAGES},
	{"/admin/media/", "Media", CAP_POSTS_OWN},
	{"/admin/comments/", "Comments", CAP_COMMENTS},
	{"/admin/submissions/", "Submissions", CAP_SUBMISSIONS},
	{"/admin/sections/", "Sections", CAP_SITE},
	{"/admin/feeds/", "Feeds", CAP_FEEDS},
	{"/admin/blocks/", "Sidebar", CAP_SITE},
	{"/admin/settings/", "Settings", CAP_SITE},
	{"/admin/users/", "Users", CAP_USERS},
	{"/admin/profile/", "Profile", CAP_ADMIN},
};

struct tval *
admin_model(struct site *s, struct req *r, struct who *w, const char *title)
{
	struct arena *a = r->arena;
	struct tval *m = tval_map(a);
	struct tval *site = tval_set(a, m, "site", tval_map(a));
	const char *here = *r->query
	                           ? arena_printf(a, "%s?%s", r->path, r->query)
	                           : r->path;

	tval_set_str(a, site, "title", site_title(s, a));
	tval_set_str(a, site, "url", s->url);
	/* the zone the admin's dates are in (setting timezone) */
	tval_set_str(a, site, "zone", tz_name());
	tval_set_str(a, m, "title", title);
	if (w != NULL) {
		struct tval *me = tval_set(a, m, "me", tval_map(a));
		struct tval *nav = tval_set(a, m, "admin_nav", tval_list(a));

		tval_set_int(a, me, "id", w->u.id);
		tval_set_str(a, me, "login", w->u.login);
		tval_set_str(a, me, "name",
		             *w->u.name ? w->u.name : w->u.login);
		tval_set_str(a, me, "role", user_role_names[w->u.role]);
		tval_set_str(a, m, "csrf", w->csrf);
		for (size_t i = 0; i < sizeof(menu) / sizeof(menu[0]); i++) {
			struct tval *it;

			if (!auth_can(&w->u, menu[i].cap))
				continue;
			it = tval_push(a, nav, tval_map(a));
			tval_set_str(a, it, "url", menu[i].path);
			tval_set_str(a, it, "label", menu[i].label);
			if (strcmp(here, menu[i].path) == 0 ||
			    (strcmp(menu[i].path, "/admin/") != 0 &&
			     strchr(menu[i].path, '?') == NULL &&
			     strncmp(here, menu[i].path,
			             strlen(menu[i].path)) == 0 &&
			     strstr(here, "type=") == NULL))
				tval_set_bool(a, it, "current", 1);
		}
	}
	return m;
}

void
admin_render(struct site *s, struct req *r, struct resp *rs, const char *name,
             struct tval *model)
{
	rs->cache_control = "private, no-store";
	/* Stricter than the site's (site/headers.c), which the server adds
	 * where a handler sets none: no image from elsewhere, no frame. */
	(void)resp_header(rs, "Content-Security-Policy",
	                  "default-src 'self'; img-src 'self' data:; "
	                  "style-src 'self'; script-src 'self'; "
	                  "frame-ancestors 'none'; form-action 'self'");
	(void)resp_header(rs, "Referrer-Policy", "same-origin");
	page_render(s, r, rs, name, model);
}

void
admin_message(struct site *s, struct req *r, struct resp *rs, struct who *w,
              int status, const char *title, const char *message)
{
	struct tval *m = admin_model(s, r, w, title);

	tval_set_str(r->arena, m, "message", message);
	rs->status = status;
	admin_render(s, r, rs, "admin_message.html", m);
}

/* ---- /login ---- */

/* The login form's CSRF token: a signed time (auth_stamp), valid
 * LIM_LOGIN_FORM_SECONDS. */
static const char *
login_token(struct site *s, struct arena *a, int64_t t)
{
	return auth_stamp(a, s->login_key, t);
}

static int
login_token_ok(struct site *s, struct arena *a, const char *tok)
{
	int64_t t = auth_stamp_time(a, s->login_key, tok), now = clock_now();

	return t >= 0 && t <= now && now - t <= LIM_LOGIN_FORM_SECONDS;
}

/* Where to go after signing in: a path on this site (url_local_path), else
 * the admin.  The login form's hidden field gets the same answer, so a
 * hostile next cannot ride through the form either. */
static const char *
next_path(const char *next)
{
	return url_local_path(next) ? next : "/admin/";
}

static void
login_form(struct site *s, struct req *r, struct resp *rs, int status,
           const char *login, const char *next, const char *error)
{
	struct tval *m = admin_model(s, r, NULL, "Sign in");
	struct arena *a = r->arena;

	tval_set_str(a, m, "csrf", login_token(s, a, clock_now()));
	tval_set_str(a, m, "login", login ? login : "");
	tval_set_str(a, m, "next", next_path(next));
	if (error != NULL)
		tval_set_str(a, m, "error", error);
	if (req_query(r, "bye") != NULL)
		tval_set_bool(a, m, "bye", 1);
	rs->status = status;
	admin_render(s, r, rs, "login.html", m);
}

void
login_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who w;

	if (admin_who(s, r, &w) && !w.via_token) {
		rs->status = 303;
		rs->cache_control = "private, no-store";
		(void)resp_header(rs, "Location",
		                  next_path(req_query(r, "next")));
		return;
	}
	login_form(s, r, rs, 200, NULL, req_query(r, "next"), NULL);
}

/* Start a session for u and send its cookie. */
static int
session_start(struct site *s, struct req *r, struct resp *rs,
              const struct user *u, struct error *e)
{
	char token[AUTH_TOKEN_CHARS + 1], csrf[AUTH_TOKEN_CHARS + 1];
	char hash[AUTH_HASH_HEX + 1];
	int64_t now = clock_now();
	struct session x = {0};

	auth_token_new(token);
	auth_token_new(csrf);
	auth_token_hash(token, hash);
	x.token_hash = hash;
	x.csrf = csrf;
	x.user_id = u->id;
	x.created_at = now;
	x.expires_at = now + LIM_SESSION_SECONDS;
	x.ip = req_client_ip(r);
	if (store_session_add(s->store, &x, e) == -1 ||
	    store_user_logged_in(s->store, u->id, now, e) == -1)
		return -1;
	session_cookie(s, rs, r->arena, token, LIM_SESSION_SECONDS);
	return 0;
}

void
login_post(void *ctx, struct req *r, struct resp *rs)
{
	enum { F_LOGIN, F_PASSWORD, F_CSRF, F_NEXT, F__MAX };
	struct form_field f[F__MAX] = {
		[F_LOGIN] = {"login", LIM_LOGIN_BYTES, 0, NULL},
		[F_PASSWORD] = {"password", LIM_PASSWORD_BYTES, 0, NULL},
		[F_CSRF] = {"csrf", 200, 0, NULL},
		[F_NEXT] = {"next", LIM_URL_BYTES, 0, NULL},
	};
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct error e;
	struct user u;
	const char *ip = req_client_ip(r), *login, *pw, *kl, *ki;
	char client[64];
	int64_t now = clock_now(), wait;
	int ok = 0, rehash = 0;

	rs->cache_control = "private, no-store";
	if (!req_same_origin(r, s->url)) {
		login_form(s, r, rs, 403, NULL, NULL,
		           "This form must be sent from this site's own "
		           "pages (the request had no Origin or Referer of "
		           "this site).");
		return;
	}
	if (form_parse(r, f, F__MAX, &e) == -1) {
		login_form(s, r, rs, 400, NULL, NULL, e.msg);
		return;
	}
	login = f[F_LOGIN].value ? f[F_LOGIN].value : "";
	pw = f[F_PASSWORD].value ? f[F_PASSWORD].value : "";
	if (!login_token_ok(s, a, f[F_CSRF].value)) {
		login_form(s, r, rs, 403, login, f[F_NEXT].value,
		           "The sign-in form was out of date; please try "
		           "again.");
		return;
	}
	if (*login == '\0' || *pw == '\0') {
		login_form(s, r, rs, 400, login, f[F_NEXT].value,
		           "Enter your login and your password.");
		return;
	}
	kl = arena_printf(a, "login:%s", login);
	/* Per client, as rate limits count: an IPv6 /64 is one address, or
	 * stepping through one's own prefix would try without end. */
	netaddr_client_text(ip, client, sizeof(client));
	ki = arena_printf(a, "ip:%s", client);
	wait = throttle_wait(s->throttle, kl, now);
	if (wait == 0)
		wait = throttle_wait(s->throttle, ki, now);
	if (wait > 0) {
		(void)resp_header(rs, "Retry-After",
		                  arena_printf(a, "%lld", (long long)wait));
		login_form(s, r, rs, 429, login, f[F_NEXT].value,
		           arena_printf(a,
		                        "Too many failed sign-ins. Wait %lld "
		                        "seconds, then try again.",
		                        (long long)wait));
		return;
	}
	if (store_user_by_login(s->store, a, login, &u, &e) == 0 &&
	    !u.disabled && u.has_password)
		ok = auth_password_verify(u.pw_hash, pw, &rehash);
	else {
		/* The same work for an unknown login as for a known one, so
		 * the time taken does not tell which logins exist. */
		char dummy[AUTH_HASH_BYTES];

		(void)auth_password_hash(pw, dummy, &e);
	}
	if (!ok) {
		throttle_fail(s->throttle, kl, LIM_LOGIN_FREE, now);
		throttle_fail(s->throttle, ki, LIM_LOGIN_FREE_IP, now);
		log_info("login: failed for '%s' from %s", login, ip);
		login_form(s, r, rs, 200, login, f[F_NEXT].value,
		           "Wrong login or password.");
		return;
	}
	throttle_forget(s->throttle, kl);
	throttle_forget(s->throttle, ki);
	if (rehash) {
		char h[AUTH_HASH_BYTES];

		if (auth_password_hash(pw, h, &e) == -1 ||
		    store_user_set_password(s->store, u.id, h, &e) == -1)
			log_error("login: rehash for '%s': %s", login, e.msg);
	}
	if (session_start(s, r, rs, &u, &e) == -1) {
		log_error("login: %s", e.msg);
		login_form(s, r, rs, 500, login, f[F_NEXT].value,
		           "The session could not be saved; please try "
		           "again.");
		return;
	}
	rs->status = 303;
	(void)resp_header(rs, "Location", next_path(f[F_NEXT].value));
}

/* GET /logout: a button (a GET must not change anything). */
void
logout_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who w;
	struct tval *m;

	if (!admin_who(s, r, &w) || w.via_token) {
		rs->status = 303;
		rs->cache_control = "private, no-store";
		(void)resp_header(rs, "Location", "/login");
		return;
	}
	m = admin_model(s, r, &w, "Sign out");
	admin_render(s, r, rs, "logout.html", m);
}

void
logout_post(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_ADMIN);
	char hash[AUTH_HASH_HEX + 1];
	struct error e;

	if (w == NULL)
		return;
	if (!w->via_token) {
		auth_token_hash(w->token, hash);
		if (store_session_delete(s->store, hash, &e) == -1)
			log_error("logout: %s", e.msg);
	}
	session_cookie(s, rs, r->arena, "", 0);
	rs->status = 303;
	(void)resp_header(rs, "Location", "/login?bye=1");
}

/* ---- /invite?token=...: an invited user chooses a password ---- */

static void
invite_form(struct site *s, struct req *r, struct resp *rs, int status,
            const char *token, const struct user *u, const char *error)
{
	struct tval *m = admin_model(s, r, NULL, "Welcome");
	struct arena *a = r->arena;

	tval_set_str(a, m, "token", token);
	tval_set_str(a, m, "csrf", login_token(s, a, clock_now()));
	if (u != NULL) {
		tval_set_str(a, m, "login", u->login);
		tval_set_str(a, m, "role", user_role_names[u->role]);
	}
	if (error != NULL)
		tval_set_str(a, m, "error", error);
	tval_set_int(a, m, "min", LIM_PASSWORD_MIN);
	rs->status = status;
	admin_render(s, r, rs, "invite.html", m);
}

void
invite_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	const char *token = req_query(r, "token");
	char hash[AUTH_HASH_HEX + 1];
	int64_t uid;
	struct user u;
	struct error e;

	if (token == NULL || *token == '\0') {
		admin_message(s, r, rs, NULL, 404, "Invitation",
		              "This invitation link is not valid.");
		return;
	}
	auth_token_hash(token, hash);
	if (store_invite_get(s->store, hash, clock_now(), &uid, &e) == -1 ||
	    store_user_get(s->store, r->arena, uid, &u, &e) == -1) {
		admin_message(s, r, rs, NULL, 404, "Invitation", e.msg);
		return;
	}
	invite_form(s, r, rs, 200, token, &u, NULL);
}

void
invite_post(void *ctx, struct req *r, struct resp *rs)
{
	enum { F_TOKEN, F_PASSWORD, F_AGAIN, F_CSRF, F__MAX };
	struct form_field f[F__MAX] = {
		[F_TOKEN] = {"token", 200, 1, NULL},
		[F_PASSWORD] = {"password", LIM_PASSWORD_BYTES + 1, 0, NULL},
		[F_AGAIN] = {"again", LIM_PASSWORD_BYTES + 1, 0, NULL},
		[F_CSRF] = {"csrf", 200, 0, NULL},
	};
	struct site *s = ctx;
	char hash[AUTH_HASH_HEX + 1], pwh[AUTH_HASH_BYTES];
	int64_t uid;
	struct user u;
	struct error e;
	const char *pw;

	rs->cache_control = "private, no-store";
	if (!req_same_origin(r, s->url) || form_parse(r, f, F__MAX, &e) == -1 ||
	    !login_token_ok(s, r->arena, f[F_CSRF].value)) {
		admin_message(s, r, rs, NULL, 403, "Invitation",
		              "This form was out of date or not sent from "
		              "this site; open the invitation link again.");
		return;
	}
	auth_token_hash(f[F_TOKEN].value, hash);
	if (store_invite_get(s->store, hash, clock_now(), &uid, &e) == -1 ||
	    store_user_get(s->store, r->arena, uid, &u, &e) == -1) {
		admin_message(s, r, rs, NULL, 404, "Invitation", e.msg);
		return;
	}
	pw = f[F_PASSWORD].value ? f[F_PASSWORD].value : "";
	if (auth_password_check(pw, &e) == -1) {
		invite_form(s, r, rs, 400, f[F_TOKEN].value, &u, e.msg);
		return;
	}
	if (f[F_AGAIN].value == NULL || strcmp(pw, f[F_AGAIN].value) != 0) {
		invite_form(s, r, rs, 400, f[F_TOKEN].value, &u,
		            "The two passwords differ.");
		return;
	}
	if (auth_password_hash(pw, pwh, &e) == -1 ||
	    store_invite_accept(s->store, hash, uid, pwh, &e) == -1 ||
	    session_start(s, r, rs, &u, &e) == -1) {
		if (e.code == ERR_IO)
			log_error("invite: %s", e.msg);
		admin_message(s, r, rs, NULL, resp_status_for(e.code),
		              "Invitation", e.msg);
		return;
	}
	rs->status = 303;
	(void)resp_header(rs, "Location", "/admin/");
}

/* ---- helpers the admin screens share ---- */

int
admin_id_param(struct req *r, size_t i, int64_t *id)
{
	return i < r->nparams && num_parse(r->params[i], 1, INT64_MAX, id) == 0;
}

void
admin_redirect(struct resp *rs, const char *to)
{
	rs->status = 303;
	(void)resp_header(rs, "Location", to);
}

/* Tried after the public site's routes, before its catch-all page. */
const struct route admin_routes[] = {
	/* signing in (admin.c) */
	{ROUTE_GET, "/login", login_get},
	{ROUTE_POST, "/login", login_post},
	{ROUTE_GET, "/logout", logout_get},
	{ROUTE_POST, "/logout", logout_post},
	{ROUTE_GET, "/invite", invite_get},
	{ROUTE_POST, "/invite", invite_post},
	/* the admin: posts, pages, books (admin_posts.c) */
	{ROUTE_GET, "/admin/posts/", admin_posts_get},
	{ROUTE_POST, "/admin/posts/bulk", admin_posts_bulk},
	{ROUTE_GET | ROUTE_POST, "/admin/posts/new", admin_post_new},
	{ROUTE_GET | ROUTE_POST, "/admin/posts/#/", admin_post_edit},
	{ROUTE_GET, "/admin/posts/#/revisions/", admin_post_revisions},
	{ROUTE_POST, "/admin/posts/#/revisions/#/restore", admin_post_restore},
	{ROUTE_POST, "/admin/preview", admin_preview},
	{ROUTE_GET | ROUTE_POST, "/api/v1/admin/posts", api_admin_posts},
	{ROUTE_GET | (1u << HTTP_PUT) | (1u << HTTP_DELETE),
         "/api/v1/admin/posts/#", api_admin_post},
	{ROUTE_POST, "/api/v1/admin/posts/#/autosave", api_admin_post_autosave},
	{ROUTE_GET, "/api/v1/admin/posts/#/revisions",
         api_admin_post_revisions},
	{ROUTE_POST, "/api/v1/admin/posts/#/revisions/#/restore",
         api_admin_post_restore},
	{ROUTE_POST, "/api/v1/admin/preview", api_admin_preview},
	/* the admin: moderation (admin_moderate.c) */
	{ROUTE_GET, "/admin/media/", admin_media_get},
	{ROUTE_POST, "/admin/media/upload", admin_media_upload},
	{ROUTE_GET | ROUTE_POST, "/admin/media/#/", admin_media_item},
	{ROUTE_GET | ROUTE_POST, "/api/v1/media", api_media},
	{ROUTE_GET, "/admin/comments/", admin_comments_get},
	{ROUTE_POST, "/admin/comments/", admin_comments_post},
	{ROUTE_GET, "/admin/submissions/", admin_submissions_get},
	{ROUTE_POST, "/admin/submissions/", admin_submissions_post},
	{ROUTE_GET, "/api/v1/admin/comments", api_admin_comments},
	{ROUTE_POST, "/api/v1/admin/comments/decide",
         api_admin_comments_decide},
	{ROUTE_GET, "/api/v1/admin/submissions", api_admin_submissions},
	{ROUTE_POST, "/api/v1/admin/submissions/#", api_admin_submission},
	/* the admin: running the site (admin_site.c) */
	{ROUTE_GET | ROUTE_POST, "/admin/sections/", admin_sections},
	{ROUTE_POST, "/admin/sections/#/", admin_section},
	{ROUTE_GET | ROUTE_POST, "/admin/blocks/", admin_blocks},
	{ROUTE_POST, "/admin/blocks/#/", admin_block},
	{ROUTE_GET | ROUTE_POST, "/admin/settings/", admin_settings},
	{ROUTE_GET | ROUTE_POST, "/api/v1/admin/sections", api_admin_sections},
	{(1u << HTTP_PUT) | (1u << HTTP_DELETE), "/api/v1/admin/sections/#",
         api_admin_section},
	{ROUTE_GET | ROUTE_POST, "/api/v1/admin/blocks", api_admin_blocks},
	{(1u << HTTP_PUT) | (1u << HTTP_DELETE), "/api/v1/admin/blocks/#",
         api_admin_block},
	{ROUTE_GET | (1u << HTTP_PUT), "/api/v1/admin/settings",
         api_admin_settings},
	/* the admin: the river's feeds (admin_feeds.c) */
	{ROUTE_GET | ROUTE_POST, "/admin/feeds/", admin_feeds},
	{ROUTE_POST, "/admin/feeds/#/", admin_feed},
	{ROUTE_GET | ROUTE_POST, "/api/v1/admin/feeds", api_admin_feeds},
	{ROUTE_GET | (1u << HTTP_PUT) | (1u << HTTP_DELETE),
         "/api/v1/admin/feeds/#", api_admin_feed},
	{ROUTE_POST, "/api/v1/admin/feeds/#/fetch", api_admin_feed_fetch},
	{ROUTE_GET | ROUTE_POST, "/api/v1/admin/feeds/filters",
         api_admin_feed_filters},
	{(1u << HTTP_DELETE), "/api/v1/admin/feeds/filters/#",
         api_admin_feed_filter},
	/* the admin: users, profile, tokens (admin_users.c) */
	{ROUTE_GET | ROUTE_POST, "/admin/users/", admin_users},
	{ROUTE_POST, "/admin/users/#/", admin_user},
	{ROUTE_GET | ROUTE_POST, "/admin/profile/", admin_profile},
	{ROUTE_GET, "/api/v1/me", api_me},
	{ROUTE_GET | ROUTE_POST, "/api/v1/admin/users", api_admin_users},
	{(1u << HTTP_PUT), "/api/v1/admin/users/#", api_admin_user},
	{ROUTE_GET | ROUTE_POST, "/api/v1/admin/tokens", api_admin_tokens},
	{(1u << HTTP_DELETE), "/api/v1/admin/tokens/#", api_admin_token},
	/* the admin: dashboard and numbers (admin_stats.c) */
	{ROUTE_GET, "/admin/", admin_dashboard},
	{ROUTE_GET, "/admin/posts/#/stats/", admin_post_stats},
	{ROUTE_GET, "/api/v1/admin/stats", api_admin_stats},
	{ROUTE_GET, "/api/v1/admin/posts/#/stats", api_admin_post_stats},
};
const size_t admin_route_count = sizeof(admin_routes) / sizeof(admin_routes[0]);
