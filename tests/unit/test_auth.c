/*
 * auth/: the capabilities of each role, argon2id hashing with rehash on
 * changed parameters, tokens and their hashes, constant-time comparison,
 * and the login throttle's growing delay.  store_users.c: sessions,
 * tokens and invitations on an in-memory database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "util/arena.h"
#include "util/limits.h"
#include "mem_store.h"
#include "util/banned.h"

/* The table: admin everything; editor all content, comments,
 * submissions; author own posts + publish; contributor own drafts;
 * moderator comments only. */
static void
test_caps(void **state)
{
	static const struct {
		enum user_role role;
		unsigned yes, no;
	} rows[] = {
		{ROLE_ADMIN,
	         CAP_ADMIN | CAP_POSTS_ALL | CAP_PAGES | CAP_COMMENTS |
	                 CAP_SUBMISSIONS | CAP_SITE | CAP_USERS | CAP_STATS |
	                 CAP_FEEDS,
	         0},
		{ROLE_EDITOR,
	         CAP_ADMIN | CAP_POSTS_OWN | CAP_POSTS_PUBLISH | CAP_POSTS_ALL |
	                 CAP_PAGES | CAP_COMMENTS | CAP_SUBMISSIONS |
	                 CAP_STATS | CAP_FEEDS,
	         CAP_SITE | CAP_USERS},
		{ROLE_AUTHOR, CAP_ADMIN | CAP_POSTS_OWN | CAP_POSTS_PUBLISH,
	         CAP_POSTS_ALL | CAP_PAGES | CAP_COMMENTS | CAP_SUBMISSIONS |
	                 CAP_SITE | CAP_USERS | CAP_STATS | CAP_FEEDS},
		{ROLE_CONTRIBUTOR, CAP_ADMIN | CAP_POSTS_OWN,
	         CAP_POSTS_PUBLISH | CAP_POSTS_ALL | CAP_PAGES | CAP_COMMENTS |
	                 CAP_SUBMISSIONS | CAP_SITE | CAP_USERS | CAP_STATS |
	                 CAP_FEEDS},
		{ROLE_MODERATOR, CAP_ADMIN | CAP_COMMENTS,
	         CAP_POSTS_OWN | CAP_POSTS_PUBLISH | CAP_POSTS_ALL | CAP_PAGES |
	                 CAP_SUBMISSIONS | CAP_SITE | CAP_USERS | CAP_STATS |
	                 CAP_FEEDS},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct user u = {.role = rows[i].role};

		assert_true(auth_can(&u, rows[i].yes));
		for (unsigned bit = 1; bit != 0 && bit <= CAP_FEEDS; bit <<= 1)
			if (rows[i].no & bit)
				assert_false(auth_can(&u, bit));
	}
	assert_false(auth_can(NULL, CAP_ADMIN));
}

static void
test_password(void **state)
{
	char h[AUTH_HASH_BYTES], old[AUTH_HASH_BYTES];
	struct error e;
	int rehash = -1;

	(void)state;
	assert_int_equal(auth_password_hash("correct horse", h, &e), 0);
	assert_memory_equal(h, "$argon2id$", 10);
	assert_int_equal(auth_password_verify(h, "correct horse", &rehash), 1);
	assert_int_equal(rehash, 0);
	assert_int_equal(auth_password_verify(h, "correct horsE", &rehash), 0);
	assert_int_equal(auth_password_verify("", "x", &rehash), 0);
	assert_int_equal(auth_password_verify("not a hash", "x", &rehash), 0);

	/* Made with other limits (or argon2i): right, and due a rehash. */
	assert_int_equal(
		crypto_pwhash_str_alg(old, "correct horse", 13,
	                              crypto_pwhash_OPSLIMIT_INTERACTIVE + 1,
	                              crypto_pwhash_MEMLIMIT_INTERACTIVE / 2,
	                              crypto_pwhash_ALG_ARGON2ID13),
		0);
	assert_int_equal(auth_password_verify(old, "correct horse", &rehash),
	                 1);
	assert_int_equal(rehash, 1);
	assert_int_equal(crypto_pwhash_str_alg(
				 old, "correct horse", 13,
				 crypto_pwhash_argon2i_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_argon2i_MEMLIMIT_INTERACTIVE,
				 crypto_pwhash_ALG_ARGON2I13),
	                 0);
	assert_int_equal(auth_password_verify(old, "correct horse", &rehash),
	                 1);
	assert_int_equal(rehash, 1);
}

static void
test_password_check(void **state)
{
	char big[LIM_PASSWORD_BYTES + 2];
	struct error e;

	(void)state;
	assert_int_equal(auth_password_check("1234567", &e), -1);
	assert_non_null(strstr(e.msg, "shorter"));
	assert_int_equal(auth_password_check("12345678", &e), 0);
	/* Characters, not bytes: seven Cyrillic letters are 14 bytes. */
	assert_int_equal(auth_password_check("пароль1", &e), -1);
	assert_int_equal(auth_password_check("пароль12", &e), 0);
	assert_int_equal(auth_password_check("abc\xff\xfe"
	                                     "defgh",
	                                     &e),
	                 -1);
	assert_non_null(strstr(e.msg, "UTF-8"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(auth_password_check(big, &e), -1);
	big[LIM_PASSWORD_BYTES] = '\0';
	assert_int_equal(auth_password_check(big, &e), 0);
}

static void
test_tokens(void **state)
{
	char a[AUTH_TOKEN_CHARS + 1], b[AUTH_TOKEN_CHARS + 1];
	char ha[AUTH_HASH_HEX + 1], hb[AUTH_HASH_HEX + 1];

	(void)state;
	auth_token_new(a);
	auth_token_new(b);
	assert_int_equal(strlen(a), AUTH_TOKEN_CHARS);
	assert_string_not_equal(a, b);
	for (const char *p = a; *p; p++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
		                       "nopqrstuvwxyz0123456789-_",
		                       *p));
	auth_token_hash(a, ha);
	auth_token_hash(b, hb);
	assert_int_equal(strlen(ha), AUTH_HASH_HEX);
	assert_string_not_equal(ha, hb);
	auth_token_hash(a, hb);
	assert_string_equal(ha, hb);
	assert_true(auth_equal("abc", "abc"));
	assert_false(auth_equal("abc", "abd"));
	assert_false(auth_equal("abc", "abcd"));
	assert_false(auth_equal("", "a"));
	assert_false(auth_equal(NULL, "a"));
	/* a post's password: exact, any length, no guess no match */
	assert_true(auth_post_password_match("enter", "enter"));
	assert_false(auth_post_password_match("enter", "Enter"));
	assert_false(auth_post_password_match("enter", "ente"));
	assert_false(auth_post_password_match("enter", "enter "));
	assert_false(auth_post_password_match("enter", ""));
	assert_false(auth_post_password_match("enter", NULL));
}

/* Free tries, then 1, 2, 4 ... seconds, capped; success forgets. */
static void
test_throttle(void **state)
{
	struct throttle *t = throttle_new();
	int64_t now = 1000;

	(void)state;
	for (int i = 0; i < LIM_LOGIN_FREE - 1; i++) {
		throttle_fail(t, "login:ed", LIM_LOGIN_FREE, now);
		assert_int_equal(throttle_wait(t, "login:ed", now), 0);
	}
	/* Waits of 1, 2, 4 ... seconds; the clock counts whole seconds, so
	 * each lasts one more than its delay from the second it began in. */
	throttle_fail(t, "login:ed", LIM_LOGIN_FREE, now);
	assert_int_equal(throttle_wait(t, "login:ed", now), 2);
	throttle_fail(t, "login:ed", LIM_LOGIN_FREE, now);
	assert_int_equal(throttle_wait(t, "login:ed", now), 3);
	throttle_fail(t, "login:ed", LIM_LOGIN_FREE, now);
	assert_int_equal(throttle_wait(t, "login:ed", now), 5);
	assert_int_equal(throttle_wait(t, "login:ed", now + 4), 1);
	assert_int_equal(throttle_wait(t, "login:ed", now + 5), 0);
	assert_int_equal(throttle_wait(t, "login:other", now), 0);
	for (int i = 0; i < 40; i++)
		throttle_fail(t, "login:ed", LIM_LOGIN_FREE, now);
	assert_int_equal(throttle_wait(t, "login:ed", now),
	                 LIM_LOGIN_MAX_DELAY + 1);
	throttle_forget(t, "login:ed");
	assert_int_equal(throttle_wait(t, "login:ed", now), 0);

	/* Past LIM_LOGIN_TRACKED keys the stalest is forgotten, never the
	 * newest. */
	for (int i = 0; i < LIM_LOGIN_TRACKED + 10; i++) {
		char key[32];

		snprintf(key, sizeof(key), "ip:%d", i);
		throttle_fail(t, key, 1, now + i);
	}
	assert_int_equal(throttle_wait(t, "ip:0", now), 0);
	{
		char key[32];

		snprintf(key, sizeof(key), "ip:%d", LIM_LOGIN_TRACKED + 9);
		assert_true(throttle_wait(t, key, now) > 0);
	}
	throttle_free(t);
}

/* Sessions, tokens and invitations keep only hashes, expire, and end
 * with a disabled user. */
static void
test_store_sessions(void **state)
{
	struct error e;
	struct store *st = mem_store_open(&e);
	struct arena *a = arena_new();
	struct session x = {0}, got;
	struct user u;
	struct api_token tok;
	int64_t uid, n, tid, inv_uid;

	(void)state;
	assert_non_null(st);
	assert_int_equal(store_user_add(st, "ed", "Ed", ROLE_EDITOR, "h", &uid,
	                                &e),
	                 0);
	x.token_hash = "aa";
	x.csrf = "c1";
	x.user_id = uid;
	x.created_at = 100;
	x.expires_at = 200;
	x.ip = "127.0.0.1";
	assert_int_equal(store_session_add(st, &x, &e), 0);
	assert_int_equal(store_session_get(st, a, "aa", 150, &got, &u, &e), 0);
	assert_string_equal(u.login, "ed");
	assert_string_equal(got.csrf, "c1");
	assert_int_equal(u.role, ROLE_EDITOR);
	/* Expired. */
	assert_int_equal(store_session_get(st, a, "aa", 200, &got, &u, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(store_session_touch(st, "aa", 150, 400, &e), 0);
	assert_int_equal(store_session_get(st, a, "aa", 300, &got, &u, &e), 0);

	assert_int_equal(store_token_add(st, uid, "tt", "script", 100, &tid,
	                                 &e),
	                 0);
	assert_int_equal(store_token_get(st, a, "tt", 300, &tok, &u, &e), 0);
	assert_string_equal(tok.name, "script");

	/* Disabled: neither the session nor the token works, and both are
	 * gone for good. */
	assert_int_equal(store_user_set_disabled(st, uid, 1, &e), 0);
	assert_int_equal(store_session_get(st, a, "aa", 300, &got, &u, &e), -1);
	assert_int_equal(store_token_get(st, a, "tt", 300, &tok, &u, &e), -1);
	assert_int_equal(store_user_set_disabled(st, uid, 0, &e), 0);
	assert_int_equal(store_session_get(st, a, "aa", 300, &got, &u, &e), -1);

	/* Revoke ends every session of the user. */
	x.token_hash = "bb";
	assert_int_equal(store_session_add(st, &x, &e), 0);
	x.token_hash = "cc";
	assert_int_equal(store_session_add(st, &x, &e), 0);
	assert_int_equal(store_session_revoke(st, uid, &n, &e), 0);
	assert_int_equal(n, 2);

	/* An invitation is used once, before it expires. */
	assert_int_equal(store_invite_add(st, "ii", uid, 0, 500, &e), 0);
	assert_int_equal(store_invite_get(st, "ii", 600, &inv_uid, &e), -1);
	assert_int_equal(store_invite_get(st, "ii", 400, &inv_uid, &e), 0);
	assert_int_equal(inv_uid, uid);
	assert_int_equal(store_invite_accept(st, "ii", uid, "newhash", &e), 0);
	assert_int_equal(store_invite_accept(st, "ii", uid, "other", &e), -1);
	assert_int_equal(store_user_get(st, a, uid, &u, &e), 0);
	assert_string_equal(u.pw_hash, "newhash");

	assert_int_equal(store_user_set_role(st, 999, ROLE_ADMIN, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_free(a);
	assert_int_equal(mem_store_close(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_password_check),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_store_sessions),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
