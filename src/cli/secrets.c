/*
 * gazette secrets rotate: after a leak (a copied database, a backup in
 * the wrong hands), new random keys for everything the site signs with
 * (logins' CSRF tokens, comment forms, unsubscribe links, the hashes of
 * readers' addresses) and every session ended.  Sessions are checked in
 * the database, so everyone is signed out at once; a running server keeps
 * the keys it read until it restarts, which is why this says so.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../store/store.h"
#include "../util/banned.h"

int
cmd_secrets(struct conf *c, int argc, char **argv)
{
	struct error e;
	struct store *st;
	int64_t keys;
	int rc, npos;
	const struct cli_flag flags[] = {{NULL, NULL, NULL}};

	if (argc < 2 || strcmp(argv[1], "rotate") != 0)
		return cli_usage_of("secrets");
	rc = cli_args("secrets rotate", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 0)
		return cli_usage_of("secrets rotate");
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	rc = store_secrets_rotate(st, &keys, &e);
	store_close(st);
	if (rc == -1)
		return cli_fail(&e);
	fprintf(stderr,
	        "gazette: %lld keys replaced and everyone signed out; restart "
	        "a running server (systemctl restart gazette) so it signs "
	        "with the new keys\n",
	        (long long)keys);
	return 0;
}
