#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../http/http.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/banned.h"

static const struct cli_cmd commands[] = {
	{"init", "init [--title T]", cmd_init},
	{"serve", "serve [--listen ADDR:PORT] [--threads N] [--cache-mb N]",
         cmd_serve},
	{"demo", "demo [--posts N] [--comments N] [--title T]", cmd_demo},
	{"post", "post add FILE.md", cmd_post},
	{"user",
         "user add LOGIN --role ROLE | passwd LOGIN (password on stdin) | "
         "list | sessions [--revoke] LOGIN",
         cmd_user},
	{"comments", "comments list|approve|spam|not-spam|trash ...",
         cmd_comments},
	{"settings", "settings get KEY | settings set KEY VALUE", cmd_settings},
	{"sections", "sections add SLUG --name N [--kind K] | list",
         cmd_sections},
	{"submissions", "submissions list [--status S] | accept|reject ID...",
         cmd_submissions},
	{"search", "search reindex", cmd_search},
	{"import", "import wxr FILE", cmd_import},
	{"export", "export wxr [--output FILE]", cmd_export},
};

int
cli_fail(const struct error *e)
{
	fprintf(stderr, "gazette: %s\n", e->msg);
	return e->code == ERR_IO ? 1 : 2;
}

int
cli_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("gazette: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static void
usage_all(FILE *f)
{
	fprintf(f, "usage: gazette [--site DIR] COMMAND [ARGS]\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "       gazette %s\n", commands[i].usage);
}

struct conf_ctx {
	struct conf *c;
	struct error *e;
};

static int
conf_entry(void *user, const char *section, const char *name, const char *value)
{
	struct conf_ctx *cx = user;
	int64_t n;

	if (*section != '\0')
		return 0;
	if (strcmp(name, "url") == 0)
		snprintf(cx->c->url, sizeof(cx->c->url), "%s", value);
	else if (strcmp(name, "listen") == 0)
		snprintf(cx->c->listen, sizeof(cx->c->listen), "%s", value);
	else if (strcmp(name, "threads") == 0) {
		if (num_parse(value, 0, LIM_THREADS, &n) == -1)
			return 0;
		cx->c->threads = (int)n;
	} else if (strcmp(name, "cache_mb") == 0) {
		if (num_parse(value, 0, LIM_CACHE_MB_MAX, &n) == -1)
			return 0;
		cx->c->cache_mb = (long)n;
	} else if (strcmp(name, "trusted_proxies") == 0) {
		/* The first line replaces the default; more lines (or an
		 * indented continuation) add to it.  Empty: trust none. */
		if (!cx->c->trusted_given)
			memset(&cx->c->trusted_proxies, 0,
			       sizeof(cx->c->trusted_proxies));
		cx->c->trusted_given = 1;
		if (netset_add(&cx->c->trusted_proxies, value, cx->e) == -1)
			return 0;
	} else
		return 0;
	return 1;
}

int
conf_load(struct conf *c, struct error *e)
{
	char path[4096];
	struct conf_ctx cx = {c, e};
	struct stat sb;
	FILE *f;
	int line;

	error_clear(e);

	snprintf(path, sizeof(path), "%s/gazette.conf", c->site);
	f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT
		               ? 0
		               : error_set(e, ERR_IO, "%s: cannot read: %s",
		                           path, strerror(errno));
	if (fstat(fileno(f), &sb) == 0 && sb.st_size > LIM_CONF_BYTES) {
		fclose(f);
		return error_set(e, ERR_INVALID, "%s: larger than %d bytes",
		                 path, LIM_CONF_BYTES);
	}
	line = ini_parse_file(f, conf_entry, &cx);
	fclose(f);
	if (line != 0 && e->msg[0] != '\0') {
		char why[sizeof(e->msg)];

		snprintf(why, sizeof(why), "%s", e->msg);
		return error_set(e, ERR_INVALID, "%s:%d: trusted_proxies: %s",
		                 path, line, why);
	}
	if (line != 0)
		return error_set(e, ERR_INVALID,
		                 "%s:%d: unknown key or bad value (keys: url, "
		                 "listen, threads, cache_mb, "
		                 "trusted_proxies)",
		                 path, line);
	return 0;
}

/* Take "--site DIR" / "--site=DIR" out of argv wherever it stands. */
static int
take_site(int *argc, char **argv, const char **site)
{
	int out = 0;

	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--site") == 0) {
			if (i + 1 >= *argc)
				return -1;
			*site = argv[++i];
		} else if (strncmp(argv[i], "--site=", 7) == 0)
			*site = argv[i] + 7;
		else
			argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

int
cli_main(int argc, char **argv)
{
	static struct conf c;
	const char *env = getenv("GAZETTE_SITE");
	struct error e;

	memset(&c, 0, sizeof(c));
	c.site = env && *env ? env : "./site";
	snprintf(c.url, sizeof(c.url), "%s", SITE_URL_DEFAULT);
	snprintf(c.listen, sizeof(c.listen), "127.0.0.1:8080");
	c.cache_mb = LIM_CACHE_MB_DEFAULT;
	/* A reverse proxy on the same machine (README, "Behind nginx"). */
	if (netset_add(&c.trusted_proxies, "127.0.0.1, ::1", &e) == -1)
		abort();
	argc--;
	argv++;
	if (take_site(&argc, argv, &c.site) == -1)
		return cli_usage("--site needs a directory");
	if (argc == 0) {
		usage_all(stderr);
		return 2;
	}
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0) {
		usage_all(stdout);
		return 0;
	}
	snprintf(c.db, sizeof(c.db), "%s/gazette.db", c.site);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name) != 0)
			continue;
		if (conf_load(&c, &e) == -1)
			return cli_fail(&e);
		return commands[i].run(&c, argc, argv);
	}
	return cli_usage("unknown command '%s' (try 'gazette help')", argv[0]);
}
