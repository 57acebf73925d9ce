#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "../util/alloc.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

unsigned
auth_caps(enum user_role role)
{
	switch (role) {
	case ROLE_ADMIN:
		return ~0u;
	case ROLE_EDITOR:
		return CAP_ADMIN | CAP_POSTS_OWN | CAP_POSTS_PUBLISH |
		       CAP_POSTS_ALL | CAP_PAGES | CAP_COMMENTS |
		       CAP_SUBMISSIONS | CAP_STATS | CAP_FEEDS;
	case ROLE_AUTHOR:
		return CAP_ADMIN | CAP_POSTS_OWN | CAP_POSTS_PUBLISH;
	case ROLE_CONTRIBUTOR:
		return CAP_ADMIN | CAP_POSTS_OWN;
	case ROLE_MODERATOR:
		return CAP_ADMIN | CAP_COMMENTS;
	case ROLE__MAX:
		break;
	}
	return 0;
}

int
auth_password_hash(const char *password, char out[AUTH_HASH_BYTES],
                   struct error *e)
{
	if (crypto_pwhash_str_alg(out, password, strlen(password),
	                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return error_set(e, ERR_IO,
		                 "cannot hash password: out of memory");
	return 0;
}

int
auth_password_verify(const char *hash, const char *password, int *rehash)
{
	*rehash = 0;
	if (hash == NULL || *hash == '\0' ||
	    crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return 0;
	/* 1 when the hash was made with other limits (or another algorithm,
	 * such as argon2i): hash it again with today's. */
	*rehash = crypto_pwhash_str_needs_rehash(
			  hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			  crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0 ||
	          strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
	                  strlen(crypto_pwhash_argon2id_STRPREFIX)) != 0;
	return 1;
}

int
auth_login_check(const char *login, struct error *e)
{
	size_t n = strlen(login);

	if (n == 0)
		return error_set(e, ERR_INVALID, "login: empty");
	if (n > LIM_LOGIN_BYTES)
		return error_set(e, ERR_INVALID,
		                 "login: longer than %d characters",
		                 LIM_LOGIN_BYTES);
	for (size_t i = 0; i < n; i++) {
		char c = login[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.' || c == '@'))
			return error_set(e, ERR_INVALID,
			                 "login: only letters, digits and "
			                 "- _ . @ (no spaces)");
	}
	return 0;
}

/* Characters (code points) of valid UTF-8 s. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int
auth_password_check(const char *password, struct error *e)
{
	size_t n = strlen(password);

	if (n > LIM_PASSWORD_BYTES)
		return error_set(e, ERR_INVALID,
		                 "password longer than %d bytes",
		                 LIM_PASSWORD_BYTES);
	if (!utf8_valid(password, n))
		return error_set(e, ERR_INVALID, "password is not valid UTF-8");
	if (chars(password) < LIM_PASSWORD_MIN)
		return error_set(e, ERR_INVALID,
		                 "password shorter than %d characters",
		                 LIM_PASSWORD_MIN);
	return 0;
}

void
auth_token_new(char out[AUTH_TOKEN_CHARS + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, AUTH_TOKEN_CHARS + 1, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void
auth_token_hash(const char *token, char out[AUTH_HASH_HEX + 1])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token,
	                   strlen(token), NULL, 0);
	sodium_bin2hex(out, AUTH_HASH_HEX + 1, h, sizeof(h));
}

int
auth_equal(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL)
		return 0;
	n = strlen(a);
	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

int
auth_post_password_match(const char *password, const char *guess)
{
	unsigned char want[32], got[32];

	if (password == NULL || guess == NULL)
		return 0;
	crypto_generichash(want, sizeof(want), (const unsigned char *)password,
	                   strlen(password), NULL, 0);
	crypto_generichash(got, sizeof(got), (const unsigned char *)guess,
	                   strlen(guess), NULL, 0);
	return sodium_memcmp(want, got, sizeof(want)) == 0;
}

/* ---- signed times ---- */

const char *
auth_stamp(struct arena *a, const unsigned char *key, int64_t t)
{
	char ts[24], hex[2 * 16 + 1];
	unsigned char mac[crypto_auth_BYTES];

	snprintf(ts, sizeof(ts), "%lld", (long long)t);
	crypto_auth(mac, (const unsigned char *)ts, strlen(ts), key);
	sodium_bin2hex(hex, sizeof(hex), mac, 16);
	return arena_printf(a, "%s.%s", ts, hex);
}

int64_t
auth_stamp_time(struct arena *a, const unsigned char *key, const char *stamp)
{
	const char *dot = stamp ? strchr(stamp, '.') : NULL;
	int64_t t;

	if (dot == NULL || dot == stamp || dot - stamp > 20 ||
	    num_parse(arena_strndup(a, stamp, (size_t)(dot - stamp)), 0,
	              INT64_MAX, &t) == -1)
		return -1;
	return auth_equal(auth_stamp(a, key, t), stamp) ? t : -1;
}

/* ---- the login throttle ---- */

struct throttle_entry {
	char *key; /* NULL: free */
	int failures;
	int64_t until; /* no try before this */
	int64_t last;  /* the latest failure */
};

struct throttle {
	pthread_mutex_t lock;
	struct throttle_entry slots[LIM_LOGIN_TRACKED];
};

struct throttle *
throttle_new(void)
{
	struct throttle *t = xcalloc(1, sizeof(*t));

	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void
throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < LIM_LOGIN_TRACKED; i++)
		free(t->slots[i].key);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* The entry of key, or NULL; the caller holds the lock. */
static struct throttle_entry *
throttle_find(struct throttle *t, const char *key)
{
	for (size_t i = 0; i < LIM_LOGIN_TRACKED; i++)
		if (t->slots[i].key != NULL &&
		    strcmp(t->slots[i].key, key) == 0)
			return &t->slots[i];
	return NULL;
}

int64_t
throttle_wait(struct throttle *t, const char *key, int64_t now)
{
	struct throttle_entry *en;
	int64_t wait = 0;

	pthread_mutex_lock(&t->lock);
	en = throttle_find(t, key);
	if (en != NULL && en->until > now)
		wait = en->until - now;
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void
throttle_fail(struct throttle *t, const char *key, int free_tries, int64_t now)
{
	struct throttle_entry *en;

	pthread_mutex_lock(&t->lock);
	en = throttle_find(t, key);
	if (en == NULL) {
		/* A free slot, or else the one that failed longest ago. */
		struct throttle_entry *old = &t->slots[0];

		for (size_t i = 0; i < LIM_LOGIN_TRACKED; i++) {
			if (t->slots[i].key == NULL) {
				old = &t->slots[i];
				break;
			}
			if (t->slots[i].last < old->last)
				old = &t->slots[i];
		}
		free(old->key);
		memset(old, 0, sizeof(*old));
		old->key = xstrdup(key);
		en = old;
	}
	en->failures++;
	en->last = now;
	if (en->failures >= free_tries) {
		int over = en->failures - free_tries; /* 0, 1, 2 ... */
		int64_t delay =
			over >= 10 ? LIM_LOGIN_MAX_DELAY : (int64_t)1 << over;

		if (delay > LIM_LOGIN_MAX_DELAY)
			delay = LIM_LOGIN_MAX_DELAY;
		/* The clock counts whole seconds: until = now + delay could
		 * end a one-second wait a moment after it began (a failure
		 * at 10.99 s, a retry at 11.00 s).  One second more makes
		 * every wait last at least delay. */
		en->until = now + delay + 1;
	}
	pthread_mutex_unlock(&t->lock);
}

void
throttle_forget(struct throttle *t, const char *key)
{
	struct throttle_entry *en;

	pthread_mutex_lock(&t->lock);
	en = throttle_find(t, key);
	if (en != NULL) {
		free(en->key);
		memset(en, 0, sizeof(*en));
	}
	pthread_mutex_unlock(&t->lock);
}
