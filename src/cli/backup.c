/*
 * gazette backup --output FILE [--media] and gazette restore FILE
 * (core/backup.c does the work).  A backup runs beside the server: the
 * copy is the database as of one commit, taken without stopping writers.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/backup.h"
#include "../util/banned.h"

int
cmd_backup(struct conf *c, int argc, char **argv)
{
	struct backup_report r;
	struct error e;
	struct store *st;
	const char *output = NULL;
	int media = 0, rc, npos;
	const struct cli_flag flags[] = {{"output", &output, NULL},
	                                 {"media", NULL, &media},
	                                 {NULL, NULL, NULL}};

	rc = cli_args("backup", argc, argv, 1, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	/* DESIGN.md's "gazette backup FILE" as well as --output FILE. */
	if (npos == 1 && output == NULL)
		output = argv[1];
	else if (npos != 0)
		return cli_usage_of("backup");
	if (output == NULL || *output == '\0')
		return cli_usage_of("backup");
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	rc = backup_make(st, c->site, output, media, &r, &e);
	store_close(st);
	if (rc == -1)
		return cli_fail(&e);
	if (media)
		fprintf(stderr,
		        "gazette: backed up the database and %lld media "
		        "files to %s (%lld bytes)\n",
		        (long long)r.files, output, (long long)r.bytes);
	else
		fprintf(stderr,
		        "gazette: backed up the database to %s (%lld "
		        "bytes)\n",
		        output, (long long)r.bytes);
	return 0;
}

int
cmd_restore(struct conf *c, int argc, char **argv)
{
	struct backup_report r;
	struct error e;
	struct store *st;
	int rc, npos;
	const struct cli_flag flags[] = {{NULL, NULL, NULL}};

	rc = cli_args("restore", argc, argv, 1, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 1)
		return cli_usage_of("restore");
	/* A backup is a SQLite file: the site's own database, never a
	 * PostgreSQL one (pg_restore puts those back). */
	if (conf_db_is_pg(c)) {
		error_set(&e, ERR_INVALID,
		          "restore: the site's database is PostgreSQL; "
		          "restore it with pg_restore");
		return cli_fail(&e);
	}
	if (backup_restore(argv[1], c->site, &r, &e) == -1)
		return cli_fail(&e);
	/* Opened once: an older backup is brought up to this binary's
	 * schema now, not at the first serve. */
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	store_close(st);
	fprintf(stderr, "gazette: restored %s into %s (%lld media files)\n",
	        argv[1], c->site, (long long)r.files);
	return 0;
}
