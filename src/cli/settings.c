/*
 * gazette settings get KEY | set KEY VALUE | list: what editors change
 * (title, tagline, site message, comment rules, SMTP) until the admin has
 * a screen for each.  Keys are free-form; the ones gazette reads are
 * listed in docs/ARCHITECTURE.md and comments/comments.h.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
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

int
cmd_settings(struct conf *c, int argc, char **argv)
{
	struct error e;
	struct store *st;
	struct arena *a;
	const char *v;
	int rc = 0;

	if (argc < 3 ||
	    (strcmp(argv[1], "get") != 0 && strcmp(argv[1], "set") != 0) ||
	    (strcmp(argv[1], "set") == 0 && argc != 4) ||
	    (strcmp(argv[1], "get") == 0 && argc != 3))
		return cli_usage("usage: gazette settings get KEY | "
		                 "settings set KEY VALUE");
	if (!key_valid(argv[2]))
		return cli_usage("settings: bad key '%s' (a-z, 0-9, _)",
		                 argv[2]);
	if (argc == 4 && (strlen(argv[3]) > LIM_RULE_BYTES ||
	                  !utf8_valid(argv[3], strlen(argv[3]))))
		return cli_usage("settings: the value of '%s' is not UTF-8 or "
		                 "longer than %d bytes",
		                 argv[2], LIM_RULE_BYTES);
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (argc == 4) {
		if (store_setting_set(st, argv[2], argv[3], &e) == -1)
			rc = cli_fail(&e);
	} else if (store_setting_get(st, a, argv[2], &v, &e) == -1)
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
