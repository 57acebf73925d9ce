#ifndef GAZETTE_CLI_H
#define GAZETTE_CLI_H
/*
 * Subcommands, one file each, dispatched from the table in cli.c.  Each
 * returns the process exit status: 0 success, 1 runtime failure (I/O,
 * database), 2 bad usage or bad input; errors are one line on stderr.
 */
#include "../util/error.h"
#include "../util/netaddr.h"

/* Deployment settings: SITE/gazette.conf (INI), overridden by flags. */
struct conf {
	const char *site; /* --site, GAZETTE_SITE, or "./site" */
	char url[512];    /* public base URL */
	int url_given;    /* gazette.conf names url; else serve names the
	                   * address it listens on (url_guess in serve.c) */
	char listen[256]; /* ADDR:PORT */
	int threads;      /* 0: one per core */
	/* Peers whose X-Forwarded-For is believed and who may hold more than
	 * LIM_CONNECTIONS_PER_ADDR connections (default: loopback). */
	struct netset trusted_proxies;
	int trusted_given;    /* the file named them: later lines add */
	long cache_mb;        /* the page cache's budget, MiB */
	const char *title;    /* init/demo --title */
	long posts, comments; /* demo --posts/--comments */
	/* SITE/gazette.db, or a PostgreSQL URL: gazette.conf's db, --db
	 * (decision 095). */
	char db[4096];
	/* The access log: "" off (the default), "stderr", or a file. */
	char access_log[4096];
	char metrics_token[256]; /* /metrics beyond loopback; "" none */
	char user[64];           /* serve started as root runs as this user */
};

struct cli_cmd {
	const char *name;
	const char *usage;   /* one form a line, each without "gazette " */
	const char *summary; /* what it does, for "gazette help NAME" */
	int (*run)(struct conf *c, int argc, char **argv);
};

/*
 * A flag of a command, given as "--name VALUE" or "--name=VALUE"; a switch
 * (value NULL) as "--name", and it sets *on.  A command's flags are an
 * array ended by {NULL, NULL, NULL}.
 */
struct cli_flag {
	const char *name; /* without the dashes */
	const char **value;
	int *on;
};

#define CLI_GO (-1)
/*
 * Sort argv[from..argc) into flags, in any order, and the other arguments,
 * which end up in argv[from..from + *npos).  "--" ends the flags;
 * "--help" or "-h" prints the usage of form ("user add").  Returns CLI_GO
 * to go on, else the exit status: 0 after the help, 2 after an unknown
 * flag or a missing value (one line on stderr).  A value stays the last
 * one given.
 */
int cli_args(const char *form, int argc, char **argv, int from,
             const struct cli_flag *flags, int *npos);
/* The usage of form ("user" or "user add") and its summary, on stdout. */
void cli_help(const char *form);
/* "gazette: usage: gazette FORM ..." on stderr; returns 2. */
int cli_usage_of(const char *form);

int cli_main(int argc, char **argv);

/* Print "gazette: MSG" to stderr and return the exit status for e. */
int cli_fail(const struct error *e);
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The whole file at path into b, whose cap is the most it may hold
 * (ERR_TOO_BIG past it; ERR_NOT_FOUND when there is no file). */
struct buf;
int cli_read_file(const char *path, struct buf *b, struct error *e);
/* Read SITE/gazette.conf into c (when present). */
int conf_load(struct conf *c, struct error *e);
/* Is c's database a PostgreSQL one (a postgresql:// or postgres:// URL)?
 * Then there is no database file in the site folder, and the URL, which
 * may hold a password, is never printed. */
int conf_db_is_pg(const struct conf *c);

int cmd_init(struct conf *c, int argc, char **argv);
int cmd_serve(struct conf *c, int argc, char **argv);
int cmd_demo(struct conf *c, int argc, char **argv);
int cmd_post(struct conf *c, int argc, char **argv);
int cmd_episode(struct conf *c, int argc, char **argv);
int cmd_user(struct conf *c, int argc, char **argv);
int cmd_comments(struct conf *c, int argc, char **argv);
int cmd_settings(struct conf *c, int argc, char **argv);
int cmd_sections(struct conf *c, int argc, char **argv);
int cmd_submissions(struct conf *c, int argc, char **argv);
int cmd_search(struct conf *c, int argc, char **argv);
int cmd_import(struct conf *c, int argc, char **argv);
int cmd_export(struct conf *c, int argc, char **argv);
int cmd_feeds(struct conf *c, int argc, char **argv);
int cmd_media(struct conf *c, int argc, char **argv);
int cmd_backup(struct conf *c, int argc, char **argv);
int cmd_restore(struct conf *c, int argc, char **argv);
int cmd_secrets(struct conf *c, int argc, char **argv);
int cmd_migrate(struct conf *c, int argc, char **argv);

/* Shared by init and demo: create the site folder and database, the admin
 * user with a generated password (printed), and the title. */
struct store;
struct store *site_create(struct conf *c, struct error *e);
/* Open the existing site of c; ERR_NOT_FOUND when there is none. */
struct store *site_open(struct conf *c, struct error *e);
/* Log a warning for the site folder when group or others may enter or list
 * it, and for the database and its -wal and -shm when they may read them
 * (serve, once the database is open). */
void site_modes_check(const struct conf *c);

#endif
