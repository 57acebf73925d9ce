/*
 * gazette migrate --to URL: the site's database copied into a new one on
 * another engine (store_copy.c), for moving a site onto PostgreSQL
 * (`--to postgresql://…`, an empty database) or back
 * (`--to sqlite:PATH`, a new file).  The source is read in one snapshot,
 * so a server may go on running, but what it writes afterwards is not in
 * the copy: stop it (or keep it from taking comments) first.
 */
#include <stdio.h>

#include "cli.h"
#include "../store/store.h"
#include "../util/arena.h"
#include "../util/banned.h"

int
cmd_migrate(struct conf *c, int argc, char **argv)
{
	struct store_copied *tables;
	struct store *from, *to;
	struct arena *a;
	struct error e;
	const char *url = NULL, *open_as;
	size_t n;
	int64_t total = 0;
	int rc, npos;
	const struct cli_flag flags[] = {{"to", &url, NULL},
	                                 {NULL, NULL, NULL}};

	rc = cli_args("migrate", argc, argv, 1, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 0 || url == NULL || *url == '\0')
		return cli_usage_of("migrate");
	a = arena_new();
	if (store_copy_target(url, a, &open_as, &e) == -1) {
		arena_free(a);
		return cli_fail(&e);
	}
	from = site_open(c, &e);
	if (from == NULL) {
		arena_free(a);
		return cli_fail(&e);
	}
	to = store_open(open_as, 1, &e);
	if (to == NULL) {
		store_close(from);
		arena_free(a);
		return cli_fail(&e);
	}
	rc = store_copy(from, to, a, &tables, &n, &e);
	store_close(to);
	store_close(from);
	if (rc == -1) {
		arena_free(a);
		return cli_fail(&e);
	}
	for (size_t i = 0; i < n; i++) {
		printf("%s\t%lld\n", tables[i].table,
		       (long long)tables[i].rows);
		total += tables[i].rows;
	}
	fprintf(stderr,
	        "gazette: copied %zu tables, %lld rows, each table counted "
	        "on both sides\n",
	        n, (long long)total);
	arena_free(a);
	return 0;
}
