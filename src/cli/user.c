#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../store/store.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

static int
login_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > LIM_LOGIN_BYTES)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.' || c == '@'))
			return 0;
	}
	return 1;
}

/* The first line of stdin, without its newline. */
static int
read_password(char *out, size_t n, struct error *e)
{
	size_t len;

	if (fgets(out, (int)n, stdin) == NULL)
		return error_set(e, ERR_INVALID,
		                 "user add: no password on standard input");
	len = strlen(out);
	if (len > 0 && out[len - 1] != '\n' && !feof(stdin))
		return error_set(e, ERR_INVALID,
		                 "user add: password longer than %d bytes",
		                 LIM_PASSWORD_BYTES);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	if (len < LIM_PASSWORD_MIN)
		return error_set(
			e, ERR_INVALID,
			"user add: password shorter than %d characters",
			LIM_PASSWORD_MIN);
	if (!utf8_valid(out, len))
		return error_set(e, ERR_INVALID,
		                 "user add: password is not valid UTF-8");
	return 0;
}

int
cmd_user(struct conf *c, int argc, char **argv)
{
	const char *login = NULL, *role_name = NULL;
	char pw[LIM_PASSWORD_BYTES + 2], hash[crypto_pwhash_STRBYTES];
	struct error e;
	struct store *st;
	int role, rc;

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return cli_usage("usage: gazette user add LOGIN --role ROLE");
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role_name = argv[++i];
		else if (login == NULL && argv[i][0] != '-')
			login = argv[i];
		else
			return cli_usage("user add: unexpected argument '%s'",
			                 argv[i]);
	}
	if (login == NULL || role_name == NULL)
		return cli_usage("usage: gazette user add LOGIN --role ROLE");
	if (!login_valid(login))
		return cli_usage("user add: bad login '%s' (letters, digits, "
		                 "- _ . @; at most %d)",
		                 login, LIM_LOGIN_BYTES);
	role = enum_lookup(user_role_names, ROLE__MAX, role_name);
	if (role < 0)
		return cli_usage("user add: unknown role '%s' (admin, editor, "
		                 "author, moderator, contributor)",
		                 role_name);
	if (read_password(pw, sizeof(pw), &e) == -1 ||
	    password_hash(pw, hash, &e) == -1) {
		sodium_memzero(pw, sizeof(pw));
		return cli_fail(&e);
	}
	sodium_memzero(pw, sizeof(pw));
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	rc = store_user_add(st, login, login, (enum user_role)role, hash, NULL,
	                    &e);
	store_close(st);
	if (rc == -1)
		return cli_fail(&e);
	return 0;
}
