/*
 * gazette user add|passwd|list|sessions (usage in cli.c): passwords come
 * on stdin; a new password and sessions --revoke sign the user out
 * everywhere.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../auth/auth.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

/* The first line of stdin, without its newline, checked and hashed. */
static int
read_password(const char *cmd, char hash[AUTH_HASH_BYTES], struct error *e)
{
	char pw[LIM_PASSWORD_BYTES + 2];
	size_t len;
	int rc = -1;

	if (fgets(pw, (int)sizeof(pw), stdin) == NULL)
		return error_set(e, ERR_INVALID,
		                 "%s: no password on standard input", cmd);
	len = strlen(pw);
	if (len > 0 && pw[len - 1] != '\n' && !feof(stdin)) {
		error_set(e, ERR_INVALID, "%s: password longer than %d bytes",
		          cmd, LIM_PASSWORD_BYTES);
		goto out;
	}
	while (len > 0 && (pw[len - 1] == '\n' || pw[len - 1] == '\r'))
		pw[--len] = '\0';
	if (auth_password_check(pw, e) == -1) {
		error_set(e, ERR_INVALID, "%s: %s", cmd, e->msg);
		goto out;
	}
	rc = auth_password_hash(pw, hash, e);
out:
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

static int
user_add(struct conf *c, int argc, char **argv)
{
	const char *login, *role_name = NULL;
	const struct cli_flag flags[] = {{"role", &role_name, NULL},
	                                 {NULL, NULL, NULL}};
	char hash[AUTH_HASH_BYTES];
	struct error e;
	struct store *st;
	int role, rc, npos;

	rc = cli_args("user add", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos > 1)
		return cli_usage("user add: unexpected argument '%s'", argv[3]);
	if (npos != 1 || role_name == NULL)
		return cli_usage_of("user add");
	login = argv[2];
	if (auth_login_check(login, &e) == -1)
		return cli_usage("user add: bad login '%s' (letters, digits, "
		                 "- _ . @; at most %d)",
		                 login, LIM_LOGIN_BYTES);
	role = enum_lookup(user_role_names, ROLE__MAX, role_name);
	if (role < 0)
		return cli_usage("user add: unknown role '%s' (admin, editor, "
		                 "author, moderator, contributor)",
		                 role_name);
	if (read_password("user add", hash, &e) == -1)
		return cli_fail(&e);
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	rc = store_user_add(st, login, login, (enum user_role)role, hash, NULL,
	                    &e);
	store_close(st);
	return rc == -1 ? cli_fail(&e) : 0;
}

/* A new password also signs the user out everywhere: whoever knew the
 * old one may hold a session. */
static int
user_passwd(struct conf *c, int argc, char **argv)
{
	char hash[AUTH_HASH_BYTES];
	struct arena *a;
	struct error e;
	struct store *st;
	struct user u;
	int64_t n = 0;
	int rc, npos;

	rc = cli_args("user passwd", argc, argv, 2, NULL, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 1)
		return cli_usage_of("user passwd");
	rc = 1;
	if (read_password("user passwd", hash, &e) == -1)
		return cli_fail(&e);
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (store_user_by_login(st, a, argv[2], &u, &e) == -1 ||
	    store_user_set_password(st, u.id, hash, &e) == -1 ||
	    store_session_revoke(st, u.id, &n, &e) == -1)
		rc = cli_fail(&e);
	else {
		printf("password of '%s' changed; %lld session(s) ended\n",
		       u.login, (long long)n);
		rc = 0;
	}
	arena_free(a);
	store_close(st);
	return rc;
}

static const char *
when(struct arena *a, int64_t t)
{
	char out[32];

	if (t == 0)
		return "never";
	time_format(t, "%Y-%m-%d %H:%M", out, sizeof(out));
	return arena_strdup(a, out);
}

static int
user_list(struct conf *c, int argc, char **argv)
{
	struct arena *a;
	struct error e;
	struct store *st;
	struct user *us;
	size_t n;
	int rc, npos;

	rc = cli_args("user list", argc, argv, 2, NULL, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 0)
		return cli_usage_of("user list");
	rc = 0;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (store_user_list(st, a, &us, &n, &e) == -1)
		rc = cli_fail(&e);
	for (size_t i = 0; rc == 0 && i < n; i++)
		printf("%s\t%s\t%s\tlast login %s\n", us[i].login,
		       user_role_names[us[i].role],
		       us[i].disabled       ? "disabled"
		       : us[i].has_password ? "active"
		                            : "no password",
		       when(a, us[i].last_login_at));
	arena_free(a);
	store_close(st);
	return rc;
}

static int
user_sessions(struct conf *c, int argc, char **argv)
{
	const char *login;
	int revoke = 0, rc, npos;
	const struct cli_flag flags[] = {{"revoke", NULL, &revoke},
	                                 {NULL, NULL, NULL}};
	struct arena *a;
	struct error e;
	struct store *st;
	struct user u;
	struct session *xs;
	size_t n;
	int64_t ended;

	rc = cli_args("user sessions", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos > 1)
		return cli_usage("user sessions: unexpected argument '%s'",
		                 argv[3]);
	if (npos != 1)
		return cli_usage_of("user sessions");
	login = argv[2];
	rc = 0;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (store_user_by_login(st, a, login, &u, &e) == -1)
		rc = cli_fail(&e);
	else if (revoke) {
		if (store_session_revoke(st, u.id, &ended, &e) == -1)
			rc = cli_fail(&e);
		else
			printf("%lld session(s) of '%s' ended\n",
			       (long long)ended, u.login);
	} else if (store_session_list(st, a, u.id, clock_now(), &xs, &n, &e) ==
	           -1)
		rc = cli_fail(&e);
	else
		for (size_t i = 0; i < n; i++)
			printf("signed in %s\tlast seen %s\tfrom %s\n",
			       when(a, xs[i].created_at),
			       when(a, xs[i].seen_at), xs[i].ip);
	arena_free(a);
	store_close(st);
	return rc;
}

int
cmd_user(struct conf *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return user_add(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "passwd") == 0)
		return user_passwd(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return user_list(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "sessions") == 0)
		return user_sessions(c, argc, argv);
	return cli_usage_of("user");
}
