/*
 * Accounts through the store's driver (db.h): users, sessions, API tokens and
 * invitations (migration 007).  Secrets arrive here already hashed (hex);
 * nothing in this file ever sees a token or a password.
 */
#include <string.h>

#include "internal.h"
#include "users.h"
#include "../util/clock.h"
#include "../util/banned.h"

const char *const user_role_names[ROLE__MAX] = {"admin", "editor", "author",
                                                "moderator", "contributor"};

#define USER_COLS                                                              \
	"id, login, name, email, role, coalesce(pw_hash, ''), disabled, "      \
	"created_at, last_login_at "
#define USER_COLS_U                                                            \
	"u.id, u.login, u.name, u.email, u.role, coalesce(u.pw_hash, ''), "    \
	"u.disabled, u.created_at, u.last_login_at "

static const char SQL_USER_GET[] =
	"SELECT " USER_COLS "FROM users WHERE id = ?1";
static const char SQL_USER_BY_LOGIN[] =
	"SELECT " USER_COLS "FROM users WHERE login = ?1";
static const char SQL_USER_LIST[] =
	"SELECT " USER_COLS "FROM users ORDER BY login";
static const char SQL_USER_SET_PW[] =
	"UPDATE users SET pw_hash = ?2 WHERE id = ?1";
static const char SQL_USER_SET_ROLE[] =
	"UPDATE users SET role = ?2 WHERE id = ?1";
static const char SQL_USER_SET_DISABLED[] =
	"UPDATE users SET disabled = ?2 WHERE id = ?1";
static const char SQL_USER_SET_PROFILE[] =
	"UPDATE users SET name = ?2, email = ?3 WHERE id = ?1";
static const char SQL_USER_LOGGED_IN[] =
	"UPDATE users SET last_login_at = ?2 WHERE id = ?1";
static const char SQL_USER_ADMINS[] =
	"SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0";
static const char SQL_USER_SESSIONS_END[] =
	"DELETE FROM sessions WHERE user_id = ?1";
static const char SQL_USER_TOKENS_END[] =
	"DELETE FROM api_tokens WHERE user_id = ?1";

static const char SQL_SESSION_ADD[] =
	"INSERT INTO sessions(token_hash, user_id, csrf, expires_at, "
	"created_at, seen_at, ip) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)";
/*
 * A session's token_hash is the hash's hex, bound as text: SQLite keeps
 * it as text in its BLOB column, PostgreSQL's bytea takes the text's
 * bytes, which read back as "\x…" unless converted (decision 095).
 */
#define SESSION_GET(hash)                                                      \
	"SELECT " USER_COLS_U ", " hash ", x.csrf, x.ip, x.created_at, "       \
	"x.seen_at, x.expires_at FROM sessions x JOIN users u ON "             \
	"u.id = x.user_id WHERE x.token_hash = ?1 AND x.expires_at > ?2 AND "  \
	"u.disabled = 0"
static const char SQL_SESSION_GET[] = SESSION_GET("x.token_hash");
static const char SQL_SESSION_GET_PG[] =
	SESSION_GET("convert_from(x.token_hash, 'UTF8')");
static const char SQL_SESSION_TOUCH[] =
	"UPDATE sessions SET seen_at = ?2, expires_at = ?3 "
	"WHERE token_hash = ?1";
static const char SQL_SESSION_DELETE[] =
	"DELETE FROM sessions WHERE token_hash = ?1";
#define SESSION_LIST(hash)                                                     \
	"SELECT " hash ", csrf, ip, user_id, created_at, seen_at, "            \
	"expires_at FROM sessions WHERE user_id = ?1 AND expires_at > ?2 "     \
	"ORDER BY created_at DESC"
static const char SQL_SESSION_LIST[] = SESSION_LIST("token_hash");
static const char SQL_SESSION_LIST_PG[] =
	SESSION_LIST("convert_from(token_hash, 'UTF8')");
static const char SQL_SESSION_PURGE[] =
	"DELETE FROM sessions WHERE expires_at <= ?1";
static const char SQL_INVITE_PURGE[] =
	"DELETE FROM invites WHERE expires_at <= ?1";

static const char SQL_TOKEN_ADD[] =
	"INSERT INTO api_tokens(user_id, token_hash, name, created_at) "
	"VALUES (?1, ?2, ?3, ?4) RETURNING id";
static const char SQL_TOKEN_GET[] =
	"SELECT " USER_COLS_U ", t.id, t.name, t.created_at, t.used_at "
	"FROM api_tokens t JOIN users u ON u.id = t.user_id "
	"WHERE t.token_hash = ?1 AND u.disabled = 0";
static const char SQL_TOKEN_USED[] =
	"UPDATE api_tokens SET used_at = ?2 WHERE id = ?1";
static const char SQL_TOKEN_LIST[] =
	"SELECT id, user_id, name, created_at, used_at FROM api_tokens "
	"WHERE user_id = ?1 ORDER BY id";
static const char SQL_TOKEN_DELETE[] =
	"DELETE FROM api_tokens WHERE id = ?2 AND user_id = ?1";

static const char SQL_INVITE_ADD[] =
	"INSERT INTO invites(token_hash, user_id, created_by, expires_at) "
	"VALUES (?1, ?2, ?3, ?4)";
static const char SQL_INVITE_GET[] =
	"SELECT user_id FROM invites WHERE token_hash = ?1 AND "
	"expires_at > ?2";
static const char SQL_INVITE_DELETE[] =
	"DELETE FROM invites WHERE token_hash = ?1 AND user_id = ?2";

/* Columns i.. of USER_COLS into u. */
static void
user_row(struct arena *a, struct db_stmt *st, int i, struct user *u)
{
	int r;

	u->id = db_column_int64(st, i);
	u->login = col_text(a, st, i + 1);
	u->name = col_text(a, st, i + 2);
	u->email = col_text(a, st, i + 3);
	r = enum_lookup(user_role_names, ROLE__MAX,
	                db_column_text(st, i + 4, NULL));
	/* The schema's CHECK allows only the five names. */
	u->role = r < 0 ? ROLE_CONTRIBUTOR : (enum user_role)r;
	u->pw_hash = col_text(a, st, i + 5);
	u->has_password = *u->pw_hash != '\0';
	u->disabled = (int)db_column_int64(st, i + 6);
	u->created_at = db_column_int64(st, i + 7);
	u->last_login_at = db_column_int64(st, i + 8);
}

#define USER_NCOLS 9

/* One user by the statement's first parameter, text or id. */
static int
user_one(struct store *s, struct arena *a, const char *sql, const char *key,
         int64_t id, struct user *out, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, sql, e);
	int rc;

	if (st == NULL)
		return -1;
	if (key != NULL)
		bind_text(st, 1, key);
	else
		db_bind_int64(st, 1, id);
	rc = rd_step(&q, "reading user", e);
	if (rc == 1)
		user_row(a, st, 0, out);
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no user '%s'",
		                 key != NULL ? key : "with that id");
	return rc == 1 ? 0 : -1;
}

int
store_user_get(struct store *s, struct arena *a, int64_t id, struct user *out,
               struct error *e)
{
	return user_one(s, a, SQL_USER_GET, NULL, id, out, e);
}

int
store_user_by_login(struct store *s, struct arena *a, const char *login,
                    struct user *out, struct error *e)
{
	return user_one(s, a, SQL_USER_BY_LOGIN, login, 0, out, e);
}

int
store_user_list(struct store *s, struct arena *a, struct user **out, size_t *n,
                struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_USER_LIST, e);
	size_t cap = 16;
	int rc;

	*n = 0;
	*out = NULL;
	if (st == NULL)
		return -1;
	*out = arena_alloc(a, cap * sizeof(**out));
	while ((rc = rd_step(&q, "listing users", e)) == 1) {
		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		user_row(a, st, 0, &(*out)[(*n)++]);
	}
	rd_close(&q);
	return rc;
}

/* An UPDATE of user id that must match it. */
static int
user_update(struct store *s, const char *sql, int64_t id, const char *types,
            const char *text, int64_t num, struct error *e)
{
	int64_t changed = 0;
	int rc;

	if (strcmp(types, "ls") == 0)
		rc = write_count(s, sql, "updating user", &changed, e, "ls", id,
		                 text);
	else
		rc = write_count(s, sql, "updating user", &changed, e, "ll", id,
		                 num);
	if (rc == 0 && changed == 0)
		return error_set(e, ERR_NOT_FOUND, "no user with id %lld",
		                 (long long)id);
	return rc;
}

int
store_user_set_password(struct store *s, int64_t id, const char *pw_hash,
                        struct error *e)
{
	return user_update(s, SQL_USER_SET_PW, id, "ls", pw_hash, 0, e);
}

int
store_user_set_role(struct store *s, int64_t id, enum user_role role,
                    struct error *e)
{
	return user_update(s, SQL_USER_SET_ROLE, id, "ls",
	                   user_role_names[role], 0, e);
}

int
store_user_set_disabled(struct store *s, int64_t id, int disabled,
                        struct error *e)
{
	int rc;

	if (store_begin(s, e) == -1)
		return -1;
	rc = user_update(s, SQL_USER_SET_DISABLED, id, "ll", NULL,
	                 disabled ? 1 : 0, e);
	if (rc == 0 && disabled)
		rc = write_one(s, SQL_USER_SESSIONS_END, "ending sessions",
		               NULL, e, "l", id);
	if (rc == 0 && disabled)
		rc = write_one(s, SQL_USER_TOKENS_END, "ending tokens", NULL, e,
		               "l", id);
	if (rc == -1) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

int
store_user_set_profile(struct store *s, int64_t id, const char *name,
                       const char *email, struct error *e)
{
	int64_t changed = 0;

	if (write_count(s, SQL_USER_SET_PROFILE, "updating user", &changed, e,
	                "lss", id, name, email) == -1)
		return -1;
	if (changed == 0)
		return error_set(e, ERR_NOT_FOUND, "no user with id %lld",
		                 (long long)id);
	return 0;
}

int
store_user_logged_in(struct store *s, int64_t id, int64_t now, struct error *e)
{
	return write_private(s, SQL_USER_LOGGED_IN, "recording login", e, "ll",
	                     id, now);
}

int
store_user_admins(struct store *s, int64_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_USER_ADMINS, e);
	int rc;

	*n = 0;
	if (st == NULL)
		return -1;
	rc = rd_step(&q, "counting admins", e);
	if (rc == 1)
		*n = db_column_int64(st, 0);
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}

/* ---- sessions ---- */

int
store_session_add(struct store *s, const struct session *in, struct error *e)
{
	return write_private(s, SQL_SESSION_ADD, "adding session", e, "slslls",
	                     in->token_hash, in->user_id, in->csrf,
	                     in->expires_at, in->created_at,
	                     in->ip ? in->ip : "");
}

int
store_session_get(struct store *s, struct arena *a, const char *token_hash,
                  int64_t now, struct session *out, struct user *u,
                  struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, ENGINE_SQL(s, SQL_SESSION_GET), e);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, now);
	rc = rd_step(&q, "reading session", e);
	if (rc == 1) {
		user_row(a, st, 0, u);
		out->token_hash = col_text(a, st, USER_NCOLS);
		out->csrf = col_text(a, st, USER_NCOLS + 1);
		out->ip = col_text(a, st, USER_NCOLS + 2);
		out->user_id = u->id;
		out->created_at = db_column_int64(st, USER_NCOLS + 3);
		out->seen_at = db_column_int64(st, USER_NCOLS + 4);
		out->expires_at = db_column_int64(st, USER_NCOLS + 5);
	}
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no such session");
	return rc == 1 ? 0 : -1;
}

int
store_session_touch(struct store *s, const char *token_hash, int64_t now,
                    int64_t expires_at, struct error *e)
{
	return write_private(s, SQL_SESSION_TOUCH, "touching session", e, "sll",
	                     token_hash, now, expires_at);
}

int
store_session_delete(struct store *s, const char *token_hash, struct error *e)
{
	return write_one(s, SQL_SESSION_DELETE, "ending session", NULL, e, "s",
	                 token_hash);
}

int
store_session_revoke(struct store *s, int64_t user_id, int64_t *n,
                     struct error *e)
{
	return write_count(s, SQL_USER_SESSIONS_END, "ending sessions", n, e,
	                   "l", user_id);
}

int
store_session_list(struct store *s, struct arena *a, int64_t user_id,
                   int64_t now, struct session **out, size_t *n,
                   struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, ENGINE_SQL(s, SQL_SESSION_LIST), e);
	size_t cap = 8;
	int rc;

	*n = 0;
	*out = NULL;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, user_id);
	db_bind_int64(st, 2, now);
	*out = arena_alloc(a, cap * sizeof(**out));
	while ((rc = rd_step(&q, "listing sessions", e)) == 1) {
		struct session *x;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		x = &(*out)[(*n)++];
		x->token_hash = col_text(a, st, 0);
		x->csrf = col_text(a, st, 1);
		x->ip = col_text(a, st, 2);
		x->user_id = db_column_int64(st, 3);
		x->created_at = db_column_int64(st, 4);
		x->seen_at = db_column_int64(st, 5);
		x->expires_at = db_column_int64(st, 6);
	}
	rd_close(&q);
	return rc;
}

int
store_session_purge(struct store *s, int64_t now, struct error *e)
{
	if (write_one(s, SQL_SESSION_PURGE, "purging sessions", NULL, e, "l",
	              now) == -1)
		return -1;
	return write_one(s, SQL_INVITE_PURGE, "purging invitations", NULL, e,
	                 "l", now);
}

/* ---- API tokens ---- */

int
store_token_add(struct store *s, int64_t user_id, const char *token_hash,
                const char *name, int64_t now, int64_t *id, struct error *e)
{
	return write_one(s, SQL_TOKEN_ADD, "adding API token", id, e, "lssl",
	                 user_id, token_hash, name, now);
}

int
store_token_get(struct store *s, struct arena *a, const char *token_hash,
                int64_t now, struct api_token *out, struct user *u,
                struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_TOKEN_GET, e);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, token_hash);
	rc = rd_step(&q, "reading API token", e);
	if (rc == 1) {
		user_row(a, st, 0, u);
		out->id = db_column_int64(st, USER_NCOLS);
		out->user_id = u->id;
		out->name = col_text(a, st, USER_NCOLS + 1);
		out->created_at = db_column_int64(st, USER_NCOLS + 2);
		out->used_at = db_column_int64(st, USER_NCOLS + 3);
	}
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no such API token");
	if (rc == -1)
		return -1;
	/* Once a minute is enough to show when a token was last used. */
	if (now - out->used_at >= 60)
		(void)write_one(s, SQL_TOKEN_USED, "marking API token", NULL, e,
		                "ll", out->id, now);
	return 0;
}

int
store_token_list(struct store *s, struct arena *a, int64_t user_id,
                 struct api_token **out, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_TOKEN_LIST, e);
	size_t cap = 8;
	int rc;

	*n = 0;
	*out = NULL;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, user_id);
	*out = arena_alloc(a, cap * sizeof(**out));
	while ((rc = rd_step(&q, "listing API tokens", e)) == 1) {
		struct api_token *t;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		t = &(*out)[(*n)++];
		t->id = db_column_int64(st, 0);
		t->user_id = db_column_int64(st, 1);
		t->name = col_text(a, st, 2);
		t->created_at = db_column_int64(st, 3);
		t->used_at = db_column_int64(st, 4);
	}
	rd_close(&q);
	return rc;
}

int
store_token_delete(struct store *s, int64_t user_id, int64_t id,
                   struct error *e)
{
	int64_t changed = 0;

	if (write_count(s, SQL_TOKEN_DELETE, "deleting API token", &changed, e,
	                "ll", user_id, id) == -1)
		return -1;
	if (changed == 0)
		return error_set(e, ERR_NOT_FOUND, "no API token %lld",
		                 (long long)id);
	return 0;
}

/* ---- invitations ---- */

int
store_invite_add(struct store *s, const char *token_hash, int64_t user_id,
                 int64_t created_by, int64_t expires_at, struct error *e)
{
	return write_one(s, SQL_INVITE_ADD, "adding invitation", NULL, e,
	                 "slnl", token_hash, user_id, created_by, expires_at);
}

int
store_invite_get(struct store *s, const char *token_hash, int64_t now,
                 int64_t *user_id, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_INVITE_GET, e);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, now);
	rc = rd_step(&q, "reading invitation", e);
	if (rc == 1)
		*user_id = db_column_int64(st, 0);
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND,
		                 "this invitation link is not valid (used "
		                 "already, or expired)");
	return rc == 1 ? 0 : -1;
}

int
store_invite_accept(struct store *s, const char *token_hash, int64_t user_id,
                    const char *pw_hash, struct error *e)
{
	int64_t changed = 0;

	if (store_begin(s, e) == -1)
		return -1;
	if (write_count(s, SQL_INVITE_DELETE, "using invitation", &changed, e,
	                "sl", token_hash, user_id) == -1)
		goto fail;
	if (changed == 0) {
		error_set(e, ERR_NOT_FOUND,
		          "this invitation link is not valid (used already, "
		          "or expired)");
		goto fail;
	}
	if (store_user_set_password(s, user_id, pw_hash, e) == -1)
		goto fail;
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}

/* ---- the admin's users screen ---- */

static const char SQL_USER_INVITE_ADD[] =
	"INSERT INTO users(login, name, email, role, pw_hash, created_at) "
	"VALUES (?1, ?2, ?3, ?4, NULL, ?5) RETURNING id";
static const char SQL_INVITE_DELETE_USER[] =
	"DELETE FROM invites WHERE user_id = ?1";
static const char SQL_INVITE_PENDING[] =
	"SELECT DISTINCT user_id FROM invites WHERE expires_at > ?1 "
	"ORDER BY user_id";
static const char SQL_SESSION_COUNTS[] =
	"SELECT user_id, count(*) FROM sessions WHERE expires_at > ?1 "
	"GROUP BY user_id ORDER BY user_id";
static const char SQL_SESSION_REVOKE_OTHERS[] =
	"DELETE FROM sessions WHERE user_id = ?1 AND "
	"token_hash IS DISTINCT FROM ?2";

int
store_user_invite(struct store *s, const struct user *in,
                  const char *token_hash, int64_t created_by,
                  int64_t expires_at, int64_t *id, struct error *e)
{
	int64_t uid = 0;

	if (store_begin(s, e) == -1)
		return -1;
	if (write_one(s, SQL_USER_INVITE_ADD, "adding user", &uid, e, "ssssl",
	              in->login, in->name ? in->name : "",
	              in->email ? in->email : "", user_role_names[in->role],
	              in->created_at) == -1) {
		if (e->code == ERR_CONFLICT)
			error_set(e, ERR_CONFLICT, "user '%s' already exists",
			          in->login);
		goto fail;
	}
	if (store_invite_add(s, token_hash, uid, created_by, expires_at, e) ==
	    -1)
		goto fail;
	if (store_commit(s, e) == -1)
		return -1;
	if (id != NULL)
		*id = uid;
	return 0;
fail:
	store_rollback(s);
	return -1;
}

int
store_invite_renew(struct store *s, const char *token_hash, int64_t user_id,
                   int64_t created_by, int64_t expires_at, struct error *e)
{
	if (store_begin(s, e) == -1)
		return -1;
	if (write_one(s, SQL_INVITE_DELETE_USER, "replacing invitation", NULL,
	              e, "l", user_id) == -1 ||
	    store_invite_add(s, token_hash, user_id, created_by, expires_at,
	                     e) == -1) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

/* Rows of (int64, int64) from sql bound to now: firsts, and seconds when
 * second is not NULL. */
static int
id_pairs(struct store *s, struct arena *a, const char *sql, int64_t now,
         int64_t **first, int64_t **second, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, sql, e);
	size_t cap = 16;
	int rc;

	*n = 0;
	*first = NULL;
	if (second != NULL)
		*second = NULL;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, now);
	*first = arena_alloc(a, cap * sizeof(int64_t));
	if (second != NULL)
		*second = arena_alloc(a, cap * sizeof(int64_t));
	while ((rc = rd_step(&q, "counting", e)) == 1) {
		if (*n == cap) {
			int64_t *f = arena_alloc(a, 2 * cap * sizeof(int64_t));

			memcpy(f, *first, cap * sizeof(int64_t));
			*first = f;
			if (second != NULL) {
				int64_t *g =
					arena_alloc(a,
				                    2 * cap * sizeof(int64_t));

				memcpy(g, *second, cap * sizeof(int64_t));
				*second = g;
			}
			cap *= 2;
		}
		(*first)[*n] = db_column_int64(st, 0);
		if (second != NULL)
			(*second)[*n] = db_column_int64(st, 1);
		(*n)++;
	}
	rd_close(&q);
	return rc;
}

int
store_invite_pending(struct store *s, struct arena *a, int64_t now,
                     int64_t **user_ids, size_t *n, struct error *e)
{
	return id_pairs(s, a, SQL_INVITE_PENDING, now, user_ids, NULL, n, e);
}

int
store_session_counts(struct store *s, struct arena *a, int64_t now,
                     int64_t **user_ids, int64_t **counts, size_t *n,
                     struct error *e)
{
	return id_pairs(s, a, SQL_SESSION_COUNTS, now, user_ids, counts, n, e);
}

int
store_session_revoke_others(struct store *s, int64_t user_id,
                            const char *keep_hash, int64_t *n, struct error *e)
{
	return write_count(s, SQL_SESSION_REVOKE_OTHERS, "ending sessions", n,
	                   e, "ls", user_id, keep_hash);
}

static const char SQL_USER_ADD[] =
	"INSERT INTO users(login, name, role, pw_hash, "
	"created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";

int
store_user_add(struct store *s, const char *login, const char *name,
               enum user_role role, const char *pw_hash, int64_t *id,
               struct error *e)
{
	if (write_one(s, SQL_USER_ADD, "adding user", id, e, "ssssl", login,
	              name ? name : "", user_role_names[role], pw_hash,
	              clock_now()) == 0)
		return 0;
	if (e->code == ERR_CONFLICT)
		error_set(e, ERR_CONFLICT, "user '%s' already exists", login);
	return -1;
}
