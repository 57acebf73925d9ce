/*
 * gazette sections add SLUG --name NAME [--kind KIND] [--description D]
 * gazette sections list
 *
 * A section is checked by the rules the admin's sections screen uses
 * (core/sections.c): a reserved or taken slug, an unknown kind, a name
 * too long are refused with exit 2.  `list` prints one section a line:
 * ID<TAB>SLUG<TAB>KIND<TAB>NAME, in navigation order.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/sections.h"
#include "../store/store.h"
#include "../util/banned.h"

static int
sections_add(struct conf *c, int argc, char **argv)
{
	struct section_form f = {.show_newest = 1};
	struct section sec;
	const char *desc, *bad;
	struct store *st;
	struct arena *a;
	struct error e;
	int64_t id;
	int rc = 0;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			f.name = argv[++i];
		else if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc)
			f.kind = argv[++i];
		else if (strcmp(argv[i], "--description") == 0 && i + 1 < argc)
			f.description = argv[++i];
		else if (f.slug == NULL && argv[i][0] != '-')
			f.slug = argv[i];
		else
			return cli_usage("sections add: unexpected argument "
			                 "'%s'",
			                 argv[i]);
	}
	if (f.slug == NULL || f.name == NULL)
		return cli_usage("usage: gazette sections add SLUG --name NAME "
		                 "[--kind KIND]");
	st = site_open(c, &e); /* which also reads the reserved slugs */
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (section_check(a, &f, &sec, &desc, &bad, &e) == -1)
		rc = cli_usage("sections add: %s: %s", bad, e.msg);
	else if (section_add(st, a, &sec, desc, &id, &bad, &e) == -1)
		rc = cli_fail(&e);
	else
		printf("%lld\t%s\n", (long long)id, sec.slug);
	arena_free(a);
	store_close(st);
	return rc;
}

static int
sections_list(struct conf *c)
{
	struct section_info *all;
	struct store *st;
	struct arena *a;
	struct error e;
	size_t n;
	int rc = 0;

	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (store_section_infos(st, a, &all, &n, &e) == -1)
		rc = cli_fail(&e);
	else
		for (size_t i = 0; i < n; i++)
			printf("%lld\t%s\t%s\t%s\n", (long long)all[i].sec.id,
			       all[i].sec.slug,
			       section_kind_names[all[i].sec.kind],
			       all[i].sec.name);
	arena_free(a);
	store_close(st);
	return rc;
}

int
cmd_sections(struct conf *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return sections_add(c, argc, argv);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return sections_list(c);
	return cli_usage("usage: gazette sections add SLUG --name NAME "
	                 "[--kind KIND] | sections list");
}
