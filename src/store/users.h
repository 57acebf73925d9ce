#ifndef GAZETTE_STORE_USERS_H
#define GAZETTE_STORE_USERS_H
/*
 * Accounts: users, their sessions, API tokens and invitations
 * (store_users.c).
 */
#include "store.h"

enum user_role {
	ROLE_ADMIN,
	ROLE_EDITOR,
	ROLE_AUTHOR,
	ROLE_MODERATOR,
	ROLE_CONTRIBUTOR,
	ROLE__MAX
};
extern const char *const user_role_names[ROLE__MAX];

int store_user_add(struct store *s, const char *login, const char *name,
                   enum user_role role, const char *pw_hash, int64_t *id,
                   struct error *e);

struct user {
	int64_t id;
	const char *login, *name, *email;
	enum user_role role;
	int has_password;    /* 0: imported or invited, cannot sign in yet */
	const char *pw_hash; /* "" when none */
	int disabled;
	int64_t created_at, last_login_at;
};
/* By id or by login (exact); ERR_NOT_FOUND when none. */
int store_user_get(struct store *s, struct arena *a, int64_t id,
                   struct user *out, struct error *e);
int store_user_by_login(struct store *s, struct arena *a, const char *login,
                        struct user *out, struct error *e);
/* Every user by login. */
int store_user_list(struct store *s, struct arena *a, struct user **out,
                    size_t *n, struct error *e);
/* Each ERR_NOT_FOUND when there is no user id. */
int store_user_set_password(struct store *s, int64_t id, const char *pw_hash,
                            struct error *e);
int store_user_set_role(struct store *s, int64_t id, enum user_role role,
                        struct error *e);
/* Disabling also ends every session and API token of the user. */
int store_user_set_disabled(struct store *s, int64_t id, int disabled,
                            struct error *e);
int store_user_set_profile(struct store *s, int64_t id, const char *name,
                           const char *email, struct error *e);
int store_user_logged_in(struct store *s, int64_t id, int64_t now,
                         struct error *e);
/* Admins that are not disabled (the last one may not be demoted). */
int store_user_admins(struct store *s, int64_t *n, struct error *e);

/* A signed-in browser.  token_hash: hex of the hash of the cookie's token. */
struct session {
	const char *token_hash, *csrf, *ip;
	int64_t user_id, created_at, seen_at, expires_at;
};
int store_session_add(struct store *s, const struct session *in,
                      struct error *e);
/* A live session (not expired at now, its user not disabled) and its
 * user; ERR_NOT_FOUND otherwise. */
int store_session_get(struct store *s, struct arena *a, const char *token_hash,
                      int64_t now, struct session *out, struct user *u,
                      struct error *e);
/* Extend a session to expires_at, seen at now. */
int store_session_touch(struct store *s, const char *token_hash, int64_t now,
                        int64_t expires_at, struct error *e);
int store_session_delete(struct store *s, const char *token_hash,
                         struct error *e);
/* End every session of a user; *n of them. */
int store_session_revoke(struct store *s, int64_t user_id, int64_t *n,
                         struct error *e);
/* A user's live sessions, newest first. */
int store_session_list(struct store *s, struct arena *a, int64_t user_id,
                       int64_t now, struct session **out, size_t *n,
                       struct error *e);
/* Forget sessions and invitations that expired before now. */
int store_session_purge(struct store *s, int64_t now, struct error *e);

/* A per-user token for scripts (Authorization: Bearer). */
struct api_token {
	int64_t id, user_id;
	const char *name;
	int64_t created_at, used_at;
};
int store_token_add(struct store *s, int64_t user_id, const char *token_hash,
                    const char *name, int64_t now, int64_t *id,
                    struct error *e);
/* The token and its user (not disabled); ERR_NOT_FOUND otherwise.  Marks
 * it used at now. */
int store_token_get(struct store *s, struct arena *a, const char *token_hash,
                    int64_t now, struct api_token *out, struct user *u,
                    struct error *e);
int store_token_list(struct store *s, struct arena *a, int64_t user_id,
                     struct api_token **out, size_t *n, struct error *e);
/* Delete token id of user_id; ERR_NOT_FOUND when the user has no such. */
int store_token_delete(struct store *s, int64_t user_id, int64_t id,
                       struct error *e);

/* A one-time link that lets user_id set a password and sign in. */
int store_invite_add(struct store *s, const char *token_hash, int64_t user_id,
                     int64_t created_by, int64_t expires_at, struct error *e);
/* The user an unexpired invitation is for; ERR_NOT_FOUND otherwise. */
int store_invite_get(struct store *s, const char *token_hash, int64_t now,
                     int64_t *user_id, struct error *e);
/* Use it: set the user's password and delete the invitation, at once. */
int store_invite_accept(struct store *s, const char *token_hash,
                        int64_t user_id, const char *pw_hash, struct error *e);

/* The admin's users screen (admin_users.c). */
/* A new user with no password yet (in->login, name, email, role) and an
 * invitation for them, in one transaction; ERR_CONFLICT when the login is
 * taken, and then nothing is written. */
int store_user_invite(struct store *s, const struct user *in,
                      const char *token_hash, int64_t created_by,
                      int64_t expires_at, int64_t *id, struct error *e);
/* A new invitation for user_id, replacing any earlier one. */
int store_invite_renew(struct store *s, const char *token_hash, int64_t user_id,
                       int64_t created_by, int64_t expires_at, struct error *e);
/* The users with an unexpired invitation at now, by id. */
int store_invite_pending(struct store *s, struct arena *a, int64_t now,
                         int64_t **user_ids, size_t *n, struct error *e);
/* Live sessions at now per user: user_ids[i] has counts[i] of them. */
int store_session_counts(struct store *s, struct arena *a, int64_t now,
                         int64_t **user_ids, int64_t **counts, size_t *n,
                         struct error *e);
/* End every session of a user except keep_hash's (NULL: none kept). */
int store_session_revoke_others(struct store *s, int64_t user_id,
                                const char *keep_hash, int64_t *n,
                                struct error *e);
#endif
