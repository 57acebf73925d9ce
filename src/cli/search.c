/*
 * gazette search reindex: rebuild the full-text index from the posts,
 * their tags and authors, with every body taken again from its rendered
 * HTML.  The index keeps itself in step (migration 005's triggers); this
 * is for after that migration, after a bulk load done around gazette, or
 * to repair.  One transaction: readers see the old index until it is done.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../store/search.h"
#include "../util/banned.h"

int
cmd_search(struct conf *c, int argc, char **argv)
{
	struct error e;
	struct store *st;
	int64_t n;
	int rc, npos;

	if (argc < 2 || strcmp(argv[1], "reindex") != 0)
		return cli_usage_of("search");
	rc = cli_args("search reindex", argc, argv, 2, NULL, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 0)
		return cli_usage_of("search reindex");
	rc = 0;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	if (store_search_reindex(st, &n, &e) == -1)
		rc = cli_fail(&e);
	else
		printf("indexed %lld posts\n", (long long)n);
	store_close(st);
	return rc;
}
