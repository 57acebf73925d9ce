#include <assert.h>
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
#include "../store/store.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "version.h"
#include "../util/banned.h"

/*
 * Each command's usage, one form a line, is written here and only here:
 * "gazette help CMD", "gazette CMD --help" and the usage errors all print
 * it from this table.
 */
static const struct cli_cmd commands[] = {
	{"init", "init [--title T]",
         "Create a site: the folder, its database and the user admin,\n"
         "whose generated password is printed once",
         cmd_init},
	{"serve", "serve [--listen ADDR:PORT] [--threads N] [--cache-mb N]",
         "Serve the site; print 'listening on http://ADDR:PORT' once ready\n"
         "(port 0 picks a free port)",
         cmd_serve},
	{"demo", "demo [--posts N] [--comments N] [--title T]",
         "Create a site with generated sections, pages, posts and comments",
         cmd_demo},
	{"post", "post add FILE.md",
         "Add a post from Markdown with a front-matter header; print\n"
         "ID<TAB>URL",
         cmd_post},
	{"episode",
         "episode attach ID [--audio FILE] [--transcript FILE] "
         "[--chapters FILE]",
         "Add files to the media library for a podcast episode: audio (MP3, M4A,\n"
         "Opus; its size and duration read from it), a WebVTT or SRT\n"
         "transcript, JSON chapters; print ID<TAB>AUDIO-URL<TAB>SECONDS",
         cmd_episode},
	{"user",
         "user add LOGIN --role ROLE\n"
         "user passwd LOGIN\n"
         "user list\n"
         "user sessions [--revoke] LOGIN",
         "Accounts.  The password is the first line of standard input; a new\n"
         "password, like --revoke, signs the user out everywhere.  Roles:\n"
         "admin, editor, author, moderator, contributor",
         cmd_user},
	{"comments",
         "comments list [--status pending|approved|spam|trash] [--limit N]\n"
         "comments approve|spam|not-spam|trash ID...",
         "Moderation: list comments, or decide on some (all of them or none)",
         cmd_comments},
	{"settings", "settings get KEY\nsettings set KEY VALUE\nsettings list",
         "What editors change: title, tagline, comment rules, mail.  set\n"
         "refuses what the admin refuses; list prints KEY, value, default",
         cmd_settings},
	{"sections",
         "sections add SLUG --name N [--kind K] [--description D]\n"
         "sections list",
         "The site's sections (its navigation)", cmd_sections},
	{"submissions",
         "submissions list [--status pending|draft|trash]\n"
         "submissions accept|reject ID...",
         "Guest articles from /submit/: accept makes a draft post, reject\n"
         "trashes it",
         cmd_submissions},
	{"media",
         "media add FILE [--alt TEXT]\n"
         "media list [--search WORDS]\n"
         "media delete ID",
         "The media library.  add stores a file (its type read from its\n"
         "content; images also at smaller widths and as WebP, upright and\n"
         "without metadata) and prints ID<TAB>URL; list prints ID, URL,\n"
         "type, bytes, name; delete removes a file no post uses",
         cmd_media},
	{"search", "search reindex", "Rebuild the search index", cmd_search},
	{"import", "import wxr FILE [--media DIR] [--media-fetch]",
         "Import a WordPress export (WXR); running it again adds nothing.\n"
         "--media DIR, a copy of the old site's wp-content/uploads: its\n"
         "files are stored and every /wp-content/uploads/ link points at\n"
         "them; --media-fetch asks the old host for the files DIR lacks",
         cmd_import},
	{"feeds",
         "feeds add URL [--name N] [--section SLUG]\n"
         "feeds list\n"
         "feeds remove ID\n"
         "feeds fetch [ID]\n"
         "feeds import FILE.opml\n"
         "feeds export\n"
         "feeds filter add RULE [--feed ID]\n"
         "feeds filter list\n"
         "feeds filter remove ID",
         "The river's feeds (other sites' headlines).  add follows a feed,\n"
         "or the feed a page announces, and prints ID<TAB>FEED_URL; fetch\n"
         "fetches now and prints ID, URL, status, new headlines, error;\n"
         "export writes OPML 2.0 to standard output; a filter hides the\n"
         "headlines whose title has RULE, of feed ID or of all, from the\n"
         "next fetch on",
         cmd_feeds},
	{"export", "export wxr [--output FILE]",
         "Export the site as WordPress WXR 1.2, to standard output or FILE",
         cmd_export},
	{"backup", "backup --output FILE [--media]",
         "A consistent copy of the database, also while the server runs\n"
         "(SQLite's online backup API); with --media, one tar archive of\n"
         "the database and media/ (compressed when FILE ends in .tar.gz,\n"
         ".tgz, .tar.xz or .tar.zst).  FILE must not exist yet",
         cmd_backup},
	{"restore", "restore FILE",
         "Put a backup (a database, or an archive from backup --media)\n"
         "into a site folder that has no database yet",
         cmd_restore},
	{"migrate", "migrate --to URL",
         "Copy the site's database into a new one on another engine:\n"
         "--to postgresql://USER@HOST/DB (an empty database) or\n"
         "--to sqlite:PATH (a file that does not exist yet).  Every table\n"
         "is counted on both sides before the copy is committed; prints\n"
         "TABLE<TAB>ROWS.  Stop the server first: what it writes after\n"
         "the copy began is not in it",
         cmd_migrate},
	{"secrets", "secrets rotate",
         "After a leak: new keys for what the site signs (logins, forms,\n"
         "unsubscribe links) and every session ended.  Restart a running\n"
         "server afterwards",
         cmd_secrets},
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

static const char site_note[] =
	"Every command takes --site DIR (default ./site, or $GAZETTE_SITE)\n"
	"and --db URL (a postgresql:// database instead of SITE/gazette.db;\n"
	"not complete yet); a flag's value may follow it or an '='\n"
	"(--title=T).\n";

/* The command of name, or of form's first word ("user add"); or NULL. */
static const struct cli_cmd *
command_find(const char *form)
{
	size_t n = strcspn(form, " ");

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strlen(commands[i].name) == n &&
		    memcmp(form, commands[i].name, n) == 0)
			return &commands[i];
	return NULL;
}

/*
 * The usage lines of c that begin with form ("user add"), or all of them
 * when none does, after lead.  Returns how many were printed.
 */
static int
usage_lines(FILE *f, const struct cli_cmd *c, const char *form,
            const char *lead)
{
	size_t flen = strlen(form);
	int pass, n = 0;

	for (pass = 0; pass < 2 && n == 0; pass++)
		for (const char *p = c->usage; *p != '\0';) {
			size_t len = strcspn(p, "\n");

			if (pass == 1 ||
			    (len >= flen && memcmp(p, form, flen) == 0 &&
			     (p[flen] == ' ' || p[flen] == '\n' ||
			      p[flen] == '\0'))) {
				fprintf(f, "%sgazette %.*s\n",
				        n == 0 ? lead : "       ", (int)len, p);
				n++;
			}
			p += len;
			if (*p == '\n')
				p++;
		}
	return n;
}

static void
usage_all(FILE *f)
{
	fprintf(f, "usage: gazette [--site DIR] [--db URL] COMMAND [ARGS]\n"
	           "       gazette help [COMMAND] | COMMAND --help\n"
	           "       gazette --version\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		usage_lines(f, &commands[i], commands[i].name, "       ");
	fputs(site_note, f);
}

void
cli_help(const char *form)
{
	const struct cli_cmd *c = command_find(form);

	assert(c != NULL);
	usage_lines(stdout, c, form, "usage: ");
	printf("\n%s.\n\n%s", c->summary, site_note);
}

int
cli_usage_of(const char *form)
{
	const struct cli_cmd *c = command_find(form);

	assert(c != NULL);
	fputs("gazette: ", stderr);
	usage_lines(stderr, c, form, "usage: ");
	return 2;
}

int
cli_args(const char *form, int argc, char **argv, int from,
         const struct cli_flag *flags, int *npos)
{
	int out = from, dashdash = 0;

	for (int i = from; i < argc; i++) {
		const char *arg = argv[i], *eq, *name;
		const struct cli_flag *f;
		size_t len;

		if (dashdash || arg[0] != '-' || strcmp(arg, "-") == 0) {
			argv[out++] = argv[i];
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			cli_help(form);
			return 0;
		}
		name = arg + (arg[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		for (f = flags; f != NULL && f->name != NULL; f++)
			if (arg[1] == '-' && strlen(f->name) == len &&
			    memcmp(f->name, name, len) == 0)
				break;
		if (f == NULL || f->name == NULL)
			return cli_usage(
				"%s: unknown flag '%.*s' (see 'gazette "
				"help %.*s')",
				form, (int)(eq ? eq - arg : (long)strlen(arg)),
				arg, (int)strcspn(form, " "), form);
		if (f->value == NULL) {
			if (eq != NULL)
				return cli_usage("%s: --%s takes no value",
				                 form, f->name);
			*f->on = 1;
		} else if (eq != NULL)
			*f->value = eq + 1;
		else if (i + 1 < argc)
			*f->value = argv[++i];
		else
			return cli_usage("%s: --%s needs a value", form,
			                 f->name);
	}
	*npos = out - from;
	argv[out] = NULL;
	return CLI_GO;
}

int
cli_read_file(const char *path, struct buf *b, struct error *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[16384];
	size_t n;
	int rc = 0;

	if (f == NULL)
		return error_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
		                 "%s: cannot read: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			rc = error_set(e, ERR_TOO_BIG,
			               "%s: larger than %zu bytes", path,
			               b->max);
			break;
		}
	if (rc == 0 && ferror(f))
		rc = error_set(e, ERR_IO, "%s: read error", path);
	fclose(f);
	return rc;
}

int
conf_db_is_pg(const struct conf *c)
{
	return store_url_is_pg(c->db);
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
	if (strcmp(name, "url") == 0) {
		snprintf(cx->c->url, sizeof(cx->c->url), "%s", value);
		cx->c->url_given = 1;
	} else if (strcmp(name, "listen") == 0)
		snprintf(cx->c->listen, sizeof(cx->c->listen), "%s", value);
	else if (strcmp(name, "threads") == 0) {
		if (num_parse(value, 0, LIM_THREADS, &n) == -1)
			return 0;
		cx->c->threads = (int)n;
	} else if (strcmp(name, "cache_mb") == 0) {
		if (num_parse(value, 0, LIM_CACHE_MB_MAX, &n) == -1)
			return 0;
		cx->c->cache_mb = (long)n;
	} else if (strcmp(name, "access_log") == 0) {
		if (strcmp(value, "off") == 0)
			value = "";
		snprintf(cx->c->access_log, sizeof(cx->c->access_log), "%s",
		         value);
	} else if (strcmp(name, "metrics_token") == 0) {
		/* Short tokens are guessable: at least 16 characters. */
		if (*value != '\0' && strlen(value) < 16)
			return 0;
		if (strlen(value) >= sizeof(cx->c->metrics_token))
			return 0;
		snprintf(cx->c->metrics_token, sizeof(cx->c->metrics_token),
		         "%s", value);
	} else if (strcmp(name, "user") == 0) {
		if (strlen(value) >= sizeof(cx->c->user))
			return 0;
		snprintf(cx->c->user, sizeof(cx->c->user), "%s", value);
	} else if (strcmp(name, "db") == 0) {
		/* SQLite's file is always SITE/gazette.db: only a PostgreSQL
		 * database is named here (decision 095). */
		if (!store_url_is_pg(value) ||
		    strlen(value) >= sizeof(cx->c->db))
			return 0;
		snprintf(cx->c->db, sizeof(cx->c->db), "%s", value);
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
	if (line != 0 && e->msg[0] != '\0')
		return error_set(e, ERR_INVALID, "%s:%d: trusted_proxies: %s",
		                 path, line, e->msg);
	if (line != 0)
		return error_set(e, ERR_INVALID,
		                 "%s:%d: unknown key or bad value (keys: url, "
		                 "listen, threads, cache_mb, db (a "
		                 "postgresql:// URL), "
		                 "trusted_proxies, access_log, metrics_token "
		                 "(16 characters or more), user)",
		                 path, line);
	return 0;
}

/* Take "--NAME VALUE" / "--NAME=VALUE" (name "--site" or "--db") out of
 * argv wherever it stands: they name the site for every command. */
static int
take_global(int *argc, char **argv, const char *name, const char **value)
{
	size_t n = strlen(name);
	int out = 0;

	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], name) == 0) {
			if (i + 1 >= *argc)
				return -1;
			*value = argv[++i];
		} else if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
			*value = argv[i] + n + 1;
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
	const char *db = NULL;
	const struct cli_cmd *cmd;
	char form[128];
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
	if (take_global(&argc, argv, "--site", &c.site) == -1)
		return cli_usage("--site needs a directory");
	if (take_global(&argc, argv, "--db", &db) == -1)
		return cli_usage("--db needs a postgresql:// URL");
	if (db != NULL && (!store_url_is_pg(db) || strlen(db) >= sizeof(c.db)))
		return cli_usage("--db: not a postgresql:// or postgres:// "
		                 "URL (SQLite's database is SITE/gazette.db)");
	if (argc == 0) {
		usage_all(stderr);
		return 2;
	}
	if (strcmp(argv[0], "--version") == 0 ||
	    strcmp(argv[0], "version") == 0) {
		printf("gazette %s\n", GAZETTE_VERSION);
		return 0;
	}
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0) {
		if (argc == 1) {
			usage_all(stdout);
			return 0;
		}
		/* "help user" or "help user add" */
		snprintf(form, sizeof(form), "%s%s%s", argv[1],
		         argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
		if (argc > 3)
			return cli_usage("help: one command at a time");
		if (strchr(argv[1], ' ') != NULL || command_find(form) == NULL)
			return cli_usage("help: no command '%s' (try 'gazette "
			                 "help')",
			                 form);
		cli_help(form);
		return 0;
	}
	cmd = command_find(argv[0]);
	if (cmd == NULL || strchr(argv[0], ' ') != NULL)
		return cli_usage("unknown command '%s' (try 'gazette help')",
		                 argv[0]);
	/* "gazette settings --help": every command, before its own parsing */
	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cli_help(argv[0]);
		return 0;
	}
	snprintf(c.db, sizeof(c.db), "%s/gazette.db", c.site);
	if (conf_load(&c, &e) == -1)
		return cli_fail(&e);
	/* The flag over the file, as every other setting. */
	if (db != NULL)
		snprintf(c.db, sizeof(c.db), "%s", db);
	return cmd->run(&c, argc, argv);
}
