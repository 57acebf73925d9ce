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
	const struct cli_flag flags[] = {{"name", &f.name, NULL},
	                                 {"kind", &f.kind, NULL},
	                                 {"description", &f.description, NULL},
	                                 {NULL, NULL, NULL}};
	struct section sec;
	const char *desc, *bad;
	struct store *st;
	struct arena *a;
	struct error e;
	int64_t id;
	int rc, npos;

	rc = cli_args("sections add", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos > 1)
		return cli_usage("sections add: unexpected argument '%s'",
		                 argv[3]);
	if (npos != 1 || f.name == NULL)
		return cli_usage_of("sections add");
	f.slug = argv[2];
	rc = 0;
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
	int rc, npos;

	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return sections_add(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "list") == 0) {
		rc = cli_args("sections list", argc, argv, 2, NULL, &npos);
		if (rc != CLI_GO)
			return rc;
		if (npos > 0)
			return cli_usage("sections list: unexpected argument "
			                 "'%s'",
			                 argv[2]);
		return sections_list(c);
	}
	return cli_usage_of("sections");
}
