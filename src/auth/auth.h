#ifndef GAZETTE_AUTH_H
#define GAZETTE_AUTH_H
/*
 * Who may do what, and proving who you are: the capabilities of each role,
 * password hashing (libsodium's argon2id), random tokens and their hashes,
 * constant-time comparison, and the login throttle.  The admin, the JSON
 * API and the CLI all ask here, so a rule is written once.
 */
#include <sodium.h>
#include <stdint.h>

#include "../store/users.h"
#include "../util/arena.h"
#include "../util/error.h"

/* What a role may do.  A screen or API call names the capability it needs. */
enum cap {
	CAP_ADMIN = 1u << 0,         /* sign in to the admin at all */
	CAP_POSTS_OWN = 1u << 1,     /* write own posts, submit for review */
	CAP_POSTS_PUBLISH = 1u << 2, /* publish and schedule own posts */
	CAP_POSTS_ALL = 1u << 3,     /* edit, publish, trash anyone's posts */
	CAP_PAGES = 1u << 4,         /* pages and books */
	CAP_COMMENTS = 1u << 5,      /* the moderation queue */
	CAP_SUBMISSIONS = 1u << 6,   /* the guest-submissions queue */
	CAP_SITE = 1u << 7,          /* sections, navigation, message, blocks,
	                               settings */
	CAP_USERS = 1u << 8,         /* users, roles, invitations */
	CAP_STATS = 1u << 9,         /* site-wide numbers on the dashboard */
	CAP_FEEDS = 1u << 10,        /* the river's feeds and keyword filters */
};

/* admin: everything; editor: all content, comments, submissions, the
 * river's feeds; author:
 * own posts, publish; contributor: own drafts, submit for review;
 * moderator: comments only. */
unsigned auth_caps(enum user_role role);
static inline int
auth_can(const struct user *u, unsigned cap)
{
	return u != NULL && (auth_caps(u->role) & cap) == cap;
}

#define AUTH_HASH_BYTES crypto_pwhash_STRBYTES

/* argon2id with libsodium's interactive limits. */
int auth_password_hash(const char *password, char out[AUTH_HASH_BYTES],
                       struct error *e);
/* 1 when password matches hash (then *rehash is 1 if the hash was made
 * with other limits than auth_password_hash uses now), else 0. */
int auth_password_verify(const char *hash, const char *password, int *rehash);
/* A login a user may have: 1..LIM_LOGIN_BYTES of ASCII letters, digits
 * and - _ . @ (what WordPress allows, without spaces).  The CLI and the
 * admin both ask here. */
int auth_login_check(const char *login, struct error *e);
/* A password a user may choose: LIM_PASSWORD_MIN..LIM_PASSWORD_BYTES,
 * UTF-8.  what names it in the message ("password"). */
int auth_password_check(const char *password, struct error *e);

#define AUTH_TOKEN_CHARS 43 /* 32 random bytes, base64url, no padding */
#define AUTH_HASH_HEX    64 /* the hex of a token's hash */

/* A new random token (NUL-terminated). */
void auth_token_new(char out[AUTH_TOKEN_CHARS + 1]);
/* What the database keeps of a token: BLAKE2b-256, hex. */
void auth_token_hash(const char *token, char out[AUTH_HASH_HEX + 1]);
/* a and b equal, in time that depends only on their lengths. */
int auth_equal(const char *a, const char *b);
/* 1 when guess is password, a post's password (WordPress's post_password,
 * kept as the author typed it); 0 for a NULL guess.  Both are hashed and
 * the digests compared in constant time, so no byte of the password is
 * compared with the guess and a wrong length ends nothing early. */
int auth_post_password_match(const char *password, const char *guess);

/*
 * A signed time: "SECONDS.MAC" (a keyed hash of the seconds, 128 bits in
 * hex), for forms that must prove when and by whom they were rendered
 * without a session (the comment form's render time, the login form's
 * CSRF token).  key is AUTH_STAMP_KEY_BYTES of a site secret.
 */
#define AUTH_STAMP_KEY_BYTES crypto_auth_KEYBYTES
const char *auth_stamp(struct arena *a, const unsigned char *key, int64_t t);
/* The time of a stamp made with key, or -1 when it is not one. */
int64_t auth_stamp_time(struct arena *a, const unsigned char *key,
                        const char *stamp);

/*
 * The login throttle, in memory: failed logins per key (an account, or an
 * address).  After free failures each one more doubles a wait, up to
 * LIM_LOGIN_MAX_DELAY seconds; a success forgets the key.  At most
 * LIM_LOGIN_TRACKED keys, the stalest forgotten first.
 */
struct throttle;
struct throttle *throttle_new(void);
void throttle_free(struct throttle *t);
/* 0 when key may try now, else the seconds to wait. */
int64_t throttle_wait(struct throttle *t, const char *key, int64_t now);
void throttle_fail(struct throttle *t, const char *key, int free_tries,
                   int64_t now);
void throttle_forget(struct throttle *t, const char *key);

#endif
