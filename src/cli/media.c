/*
 * gazette media add FILE [--alt TEXT]: add a file to the media library
 * (media/media.h has the rules) and print ID<TAB>URL, the URL under the
 * site's public address.  The same file added again prints the row it
 * already has.  Exit 2 for a file the library refuses (its type, its
 * size, a broken or too large image), 1 when the disk or database fails.
 *
 * gazette media list [--search WORDS]: ID, URL, type, bytes, its name;
 * newest first.
 * gazette media delete ID: a file no post uses, with its copies.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../media/media.h"
#include "../store/media.h"
#include "../util/num.h"
#include "../util/banned.h"

static int
media_add_cmd(struct conf *c, int argc, char **argv)
{
	const char *alt = "";
	const struct cli_flag flags[] = {{"alt", &alt, NULL},
	                                 {NULL, NULL, NULL}};
	struct media_file f;
	struct store *st;
	struct arena *a;
	struct error e;
	int rc, npos;

	rc = cli_args("media add", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos > 1)
		return cli_usage("media add: unexpected argument '%s'",
		                 argv[3]);
	if (npos != 1)
		return cli_usage_of("media add");
	rc = 0;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (media_add(st, a, c->site, argv[2], NULL, alt, &f, &e) == -1)
		rc = cli_fail(&e);
	else
		printf("%lld\t%s%s\n", (long long)f.id, c->url, f.url);
	arena_free(a);
	store_close(st);
	return rc;
}

static int
media_list_cmd(struct conf *c, int argc, char **argv)
{
	const char *q = "";
	const struct cli_flag flags[] = {{"search", &q, NULL},
	                                 {NULL, NULL, NULL}};
	struct media_row *rows;
	struct store *st;
	struct arena *a;
	struct error e;
	size_t n;
	int rc, npos;

	rc = cli_args("media list", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 0)
		return cli_usage_of("media list");
	rc = 0;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (store_media_list(st, a, q, 100000, 0, &rows, &n, &e) == -1)
		rc = cli_fail(&e);
	else
		for (size_t i = 0; i < n; i++)
			printf("%lld\t%s/media/%s\t%s\t%lld\t%s\n",
			       (long long)rows[i].id, c->url, rows[i].path,
			       rows[i].mime, (long long)rows[i].bytes,
			       rows[i].title);
	arena_free(a);
	store_close(st);
	return rc;
}

static int
media_delete_cmd(struct conf *c, int argc, char **argv)
{
	struct store *st;
	struct arena *a;
	struct error e;
	int64_t id;
	int rc, npos;

	rc = cli_args("media delete", argc, argv, 2, NULL, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 1)
		return cli_usage_of("media delete");
	if (num_parse(argv[2], 1, INT64_MAX, &id) == -1)
		return cli_usage("media delete: '%s' is not an id", argv[2]);
	rc = 0;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (media_delete(st, a, c->site, id, &e) == -1)
		rc = cli_fail(&e);
	arena_free(a);
	store_close(st);
	return rc;
}

int
cmd_media(struct conf *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return media_add_cmd(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return media_list_cmd(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "delete") == 0)
		return media_delete_cmd(c, argc, argv);
	return cli_usage_of("media");
}
