/*
 * Accounts: the store calls of the admin's users screen (invitations,
 * session counts, ending the other sessions), the login rule shared by the
 * CLI and the admin, and the login throttle's waits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/limits.h"
#include "mem_store.h"
#include "util/banned.h"

#define T0 INT64_C(1651017600) /* 2022-04-27T00:00:00Z */

/* SQLite's :memory:, or a new PostgreSQL database (mem_store.h). */
static int
setup(void **state)
{
	return mem_store_setup(state);
}

static int
teardown(void **state)
{
	return mem_store_teardown(state);
}

static struct user
user_in(const char *login, enum user_role role)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	u.login = login;
	u.name = login;
	u.email = "";
	u.role = role;
	u.created_at = T0;
	return u;
}

static void
invite_creates_user_without_password(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct user in = user_in("ed", ROLE_EDITOR), out;
	struct error e;
	int64_t id = 0, uid = 0, *ids;
	size_t n;

	in.email = "ed@example.com";
	assert_int_equal(store_user_invite(s, &in, "h1", 0, T0 + 100, &id, &e),
	                 0);
	assert_true(id > 0);
	assert_int_equal(store_user_get(s, a, id, &out, &e), 0);
	assert_string_equal(out.login, "ed");
	assert_string_equal(out.email, "ed@example.com");
	assert_int_equal(out.role, ROLE_EDITOR);
	assert_false(out.has_password);
	assert_false(out.disabled);
	assert_int_equal(store_invite_get(s, "h1", T0 + 99, &uid, &e), 0);
	assert_int_equal(uid, id);
	/* Expired at expires_at, not one second later. */
	assert_int_equal(store_invite_get(s, "h1", T0 + 100, &uid, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(store_invite_pending(s, a, T0, &ids, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], id);
	assert_int_equal(store_invite_pending(s, a, T0 + 100, &ids, &n, &e), 0);
	assert_int_equal(n, 0);
	arena_free(a);
}

static void
invite_of_taken_login_writes_nothing(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct user in = user_in("ed", ROLE_EDITOR), *us;
	struct error e;
	int64_t id, *ids;
	size_t n;

	assert_int_equal(store_user_invite(s, &in, "h1", 0, T0 + 100, &id, &e),
	                 0);
	in.role = ROLE_ADMIN;
	assert_int_equal(store_user_invite(s, &in, "h2", 0, T0 + 100, &id, &e),
	                 -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "'ed'"));
	assert_int_equal(store_user_list(s, a, &us, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(us[0].role, ROLE_EDITOR);
	/* The second invitation was rolled back with its user. */
	assert_int_equal(store_invite_get(s, "h2", T0, &id, &e), -1);
	assert_int_equal(store_invite_pending(s, a, T0, &ids, &n, &e), 0);
	assert_int_equal(n, 1);
	arena_free(a);
}

static void
invite_renew_replaces_the_old_link(void **state)
{
	struct store *s = *state;
	struct user in = user_in("slow", ROLE_AUTHOR);
	struct error e;
	int64_t id, uid;

	assert_int_equal(store_user_invite(s, &in, "old", 0, T0 + 100, &id, &e),
	                 0);
	assert_int_equal(store_invite_renew(s, "new", id, 0, T0 + 200, &e), 0);
	assert_int_equal(store_invite_get(s, "old", T0, &uid, &e), -1);
	assert_int_equal(store_invite_get(s, "new", T0 + 150, &uid, &e), 0);
	assert_int_equal(uid, id);
	/* Using it sets the password and spends the link. */
	assert_int_equal(store_invite_accept(s, "new", id, "$hash", &e), 0);
	assert_int_equal(store_invite_accept(s, "new", id, "$other", &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void
add_session(struct store *s, const char *hash, int64_t uid, int64_t expires)
{
	struct session x;
	struct error e;

	memset(&x, 0, sizeof(x));
	x.token_hash = hash;
	x.csrf = "c";
	x.ip = "127.0.0.1";
	x.user_id = uid;
	x.created_at = T0;
	x.expires_at = expires;
	assert_int_equal(store_session_add(s, &x, &e), 0);
}

static void
session_counts_and_revoke_others(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct session *xs, cur;
	struct user u;
	struct error e;
	int64_t a_id, b_id, *ids, *counts, ended = -1;
	size_t n;

	assert_int_equal(store_user_add(s, "a", "A", ROLE_AUTHOR, "$h", &a_id,
	                                &e),
	                 0);
	assert_int_equal(store_user_add(s, "b", "B", ROLE_EDITOR, "$h", &b_id,
	                                &e),
	                 0);
	add_session(s, "a1", a_id, T0 + 100);
	add_session(s, "a2", a_id, T0 + 100);
	add_session(s, "a3", a_id, T0 + 10); /* expired by T0 + 50 */
	add_session(s, "b1", b_id, T0 + 100);
	assert_int_equal(store_session_counts(s, a, T0 + 50, &ids, &counts, &n,
	                                      &e),
	                 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], a_id);
	assert_int_equal(counts[0], 2);
	assert_int_equal(ids[1], b_id);
	assert_int_equal(counts[1], 1);

	assert_int_equal(store_session_revoke_others(s, a_id, "a1", &ended, &e),
	                 0);
	assert_int_equal(ended, 2);
	assert_int_equal(store_session_get(s, a, "a1", T0, &cur, &u, &e), 0);
	assert_int_equal(store_session_list(s, a, a_id, T0, &xs, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(xs[0].token_hash, "a1");
	assert_int_equal(store_session_get(s, a, "b1", T0, &cur, &u, &e), 0);
	/* NULL keeps none. */
	assert_int_equal(store_session_revoke_others(s, a_id, NULL, &ended, &e),
	                 0);
	assert_int_equal(ended, 1);
	assert_int_equal(store_session_get(s, a, "a1", T0, &cur, &u, &e), -1);
	arena_free(a);
}

static void
login_rule(void **state)
{
	static const struct {
		const char *login;
		int ok;
	} cases[] = {
		{"bob", 1},
		{"Bob.Smith-2_x@home", 1},
		{"", 0},
		{"has space", 0},
		{"tab\there", 0},
		{"semi;colon", 0},
		{"caf\xc3\xa9", 0},
		{"<script>", 0},
	};
	char max[LIM_LOGIN_BYTES + 2];
	struct error e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(auth_login_check(cases[i].login, &e) == 0,
		                 cases[i].ok);
	memset(max, 'x', LIM_LOGIN_BYTES);
	max[LIM_LOGIN_BYTES] = '\0';
	assert_int_equal(auth_login_check(max, &e), 0);
	max[LIM_LOGIN_BYTES] = 'x';
	max[LIM_LOGIN_BYTES + 1] = '\0';
	assert_int_equal(auth_login_check(max, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
}

/* After free failures the n-th more waits 2^n seconds (whole seconds, so
 * one more: a wait never ends a moment after it began), capped. */
static void
throttle_waits(void **state)
{
	struct throttle *t = throttle_new();
	int64_t now = T0;

	(void)state;
	for (int i = 0; i < LIM_LOGIN_FREE - 1; i++) {
		throttle_fail(t, "k", LIM_LOGIN_FREE, now);
		assert_int_equal(throttle_wait(t, "k", now), 0);
	}
	for (int n = 0; n < 12; n++) {
		int64_t delay = n >= 10 ? LIM_LOGIN_MAX_DELAY : INT64_C(1) << n;

		if (delay > LIM_LOGIN_MAX_DELAY)
			delay = LIM_LOGIN_MAX_DELAY;
		throttle_fail(t, "k", LIM_LOGIN_FREE, now);
		assert_int_equal(throttle_wait(t, "k", now), delay + 1);
		assert_int_equal(throttle_wait(t, "k", now + delay), 1);
		assert_int_equal(throttle_wait(t, "k", now + delay + 1), 0);
		assert_int_equal(throttle_wait(t, "other", now), 0);
		now += delay + 1;
	}
	throttle_forget(t, "k");
	throttle_fail(t, "k", LIM_LOGIN_FREE, now);
	assert_int_equal(throttle_wait(t, "k", now), 0);
	throttle_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			invite_creates_user_without_password, setup, teardown),
		cmocka_unit_test_setup_teardown(
			invite_of_taken_login_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
			invite_renew_replaces_the_old_link, setup, teardown),
		cmocka_unit_test_setup_teardown(
			session_counts_and_revoke_others, setup, teardown),
		cmocka_unit_test(login_rule),
		cmocka_unit_test(throttle_waits),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
