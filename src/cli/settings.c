/*
 * gazette settings get KEY | set KEY VALUE | list: what editors change
 * (title, tagline, site message, comment rules, SMTP) from a shell.  A
 * value is checked by the same table the admin's settings screen and API
 * use (core/settings.c): what the admin refuses, this refuses.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/settings.h"
#include "../store/store.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

static int
key_valid(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

/* "first, all or none" for a refusal. */
static const char *
choices(struct arena *a, const struct setting_def *d)
{
	const char *out = "";

	for (size_t i = 0; d->choices[i] != NULL; i++)
		out = arena_printf(a, "%s%s%s", out,
		                   i == 0                      ? ""
		                   : d->choices[i + 1] == NULL ? " or "
		                                               : ", ",
		                   d->choices[i]);
	return out;
}

/* KEY VALUE, checked; an empty VALUE forgets the key (its default then
 * applies), as an empty field does on the screen. */
static int
settings_set(struct store *st, struct arena *a, const char *key,
             const char *raw)
{
	const struct setting_def *d = settings_find(key, SETTING_FORM_ONLY);
	struct setting_write wr;
	const char *msg;
	struct error e;

	if (d == NULL)
		return cli_usage(
			strcmp(key, "site_url") == 0
				? "settings: site_url is set in "
				  "gazette.conf (url), not here"
				: "settings: unknown setting '%s' (see "
				  "'gazette settings list')",
			key);
	msg = settings_check(st, a, d, raw, &wr.value);
	if (msg != NULL && d->type == SETTING_CHOICE)
		return cli_usage("settings: %s: one of %s", key, choices(a, d));
	if (msg != NULL)
		return cli_usage("settings: %s: %s", key, msg);
	wr.key = key;
	if (settings_write(st, &wr, 1, &e) == -1)
		return cli_fail(&e);
	return 0;
}

/* Every key: KEY<TAB>VALUE<TAB>DEFAULT ("-" for none; the password only
 * as "set"). */
static int
settings_list(struct store *st, struct arena *a)
{
	for (size_t i = 0; i < setting_count; i++) {
		const struct setting_def *d = &setting_defs[i];
		const char *v;

		if (d->where == SETTING_FORM_ONLY)
			continue;
		v = settings_stored(st, a, d->key);
		if (d->type == SETTING_SECRET && v != NULL && *v != '\0')
			v = "(set)";
		printf("%s\t%s\t%s\n", d->key, v ? v : "-",
		       d->def ? d->def : "-");
	}
	return 0;
}

static int
secret_key(const char *key)
{
	if (strncmp(key, "secret_", 7) == 0)
		return 1;
	for (size_t i = 0; i < setting_count; i++)
		if (strcmp(setting_defs[i].key, key) == 0)
			return setting_defs[i].type == SETTING_SECRET;
	return 0;
}

int
cmd_settings(struct conf *c, int argc, char **argv)
{
	struct error e;
	struct store *st;
	struct arena *a;
	const char *v;
	int rc = 0;

	if (argc == 2 && strcmp(argv[1], "list") == 0)
		;
	else if (argc < 3 ||
	         (strcmp(argv[1], "get") != 0 && strcmp(argv[1], "set") != 0) ||
	         (strcmp(argv[1], "set") == 0 && argc != 4) ||
	         (strcmp(argv[1], "get") == 0 && argc != 3))
		return cli_usage("usage: gazette settings get KEY | "
		                 "settings set KEY VALUE | settings list");
	else if (!key_valid(argv[2]))
		return cli_usage("settings: bad key '%s' (a-z, 0-9, _)",
		                 argv[2]);
	if (argc == 4 && (strlen(argv[3]) > LIM_RULE_BYTES ||
	                  !utf8_valid(argv[3], strlen(argv[3]))))
		return cli_usage("settings: the value of '%s' is not UTF-8 or "
		                 "longer than %d bytes",
		                 argv[2], LIM_RULE_BYTES);
	/* Never shown: the SMTP password, and the keys that sign logins,
	 * forms and links (settings "secret_*", rotated by 'gazette secrets
	 * rotate'). */
	if (argc == 3 && secret_key(argv[2]))
		return cli_usage("settings: '%s' is secret and never shown",
		                 argv[2]);
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (argc == 2)
		rc = settings_list(st, a);
	else if (argc == 4)
		rc = settings_set(st, a, argv[2], argv[3]);
	else if (store_setting_get(st, a, argv[2], &v, &e) == -1)
		rc = cli_fail(&e);
	else if (v == NULL) {
		fprintf(stderr, "gazette: settings: '%s' is not set\n",
		        argv[2]);
		rc = 1;
	} else
		printf("%s\n", v);
	arena_free(a);
	store_close(st);
	return rc;
}
