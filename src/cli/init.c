#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../admin/admin.h"
#include "../auth/auth.h"
#include "../core/slugs.h"
#include "../site/site.h"
#include "../store/site.h"
#include "../store/store.h"
#include "../util/log.h"
#include "../util/banned.h"

#define GENERATED_PASSWORD_CHARS 20

/* Letters and digits without look-alikes (0/O, 1/l/I). */
static void
password_generate(char *out, size_t n)
{
	static const char alphabet[] =
		"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	for (size_t i = 0; i + 1 < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[n - 1] = '\0';
}

/*
 * Create path and its missing parents; the last one gets mode, parents
 * 0755 (they are not the site's).  A folder that exists keeps its mode:
 * serve warns when it is open to others (site_modes_check).
 */
static int
mkdir_p(const char *path, mode_t mode, struct error *e)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
			return error_set(e, ERR_IO, "cannot create '%s': %s",
			                 tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, mode) == -1 && errno != EEXIST)
		return error_set(e, ERR_IO, "cannot create '%s': %s", tmp,
		                 strerror(errno));
	return 0;
}

/*
 * The slugs the server's routes take, read off the table serve hands the
 * site (the site's own and the admin's), for every command that adds a
 * page or a section; the store asks it for imported and edited pages.
 */
static void
routes_reserve(void)
{
	const char *patterns[SLUGS_PATTERNS_MAX];
	size_t n;
	struct route *all =
		site_routes_join(admin_routes, admin_route_count, &n);

	if (n > sizeof(patterns) / sizeof(patterns[0]))
		n = sizeof(patterns) / sizeof(patterns[0]);
	for (size_t i = 0; i < n; i++)
		patterns[i] = all[i].pattern;
	free(all);
	slugs_reserve(patterns, n);
	store_slug_reserved_set(slugs_reserved);
}

struct store *
site_create(struct conf *c, struct error *e)
{
	char media[4096], pw[GENERATED_PASSWORD_CHARS + 1];
	char hash[crypto_pwhash_STRBYTES];
	struct store *st;

	/* A PostgreSQL database is made by its administrator: a site is
	 * there when the store opens it without creating (decision 095). */
	if (conf_db_is_pg(c)) {
		st = store_open(c->db, 0, e);
		if (st != NULL) {
			store_close(st);
			error_set(e, ERR_CONFLICT,
			          "a site already exists in "
			          "the PostgreSQL database");
			return NULL;
		}
		if (e->code != ERR_NOT_FOUND)
			return NULL;
	} else if (access(c->db, F_OK) == 0) {
		error_set(e, ERR_CONFLICT, "a site already exists in '%s' (%s)",
		          c->site, c->db);
		return NULL;
	}
	/* The folder holds the database (password hashes, commenters'
	 * emails, the SMTP password, the keys that sign forms and links):
	 * 0700, and the database 0600 (store_open).  media/ is what the site
	 * publishes anyway: 0755, its files 0644. */
	snprintf(media, sizeof(media), "%s/media", c->site);
	if (mkdir_p(c->site, 0700, e) == -1 || mkdir_p(media, 0755, e) == -1)
		return NULL;
	password_generate(pw, sizeof(pw));
	if (auth_password_hash(pw, hash, e) == -1)
		return NULL;
	routes_reserve();
	st = store_open(c->db, 1, e);
	if (st == NULL)
		return NULL;
	if (store_setting_set(st, "title", c->title ? c->title : "gazette",
	                      e) == -1 ||
	    store_user_add(st, "admin", "Administrator", ROLE_ADMIN, hash, NULL,
	                   e) == -1) {
		store_close(st);
		if (!conf_db_is_pg(c))
			unlink(c->db);
		return NULL;
	}
	printf("login: admin\npassword: %s\n", pw);
	fflush(stdout);
	sodium_memzero(pw, sizeof(pw));
	return st;
}

/*
 * A new site's one section, so that a post can name it at once (the
 * README's first post does).  Rename it in the admin; an import whose
 * category has its slug takes it over while no post is in it.
 */
static const struct section default_section = {0, "news", "News", SECTION_POSTS,
                                               0, 0,      0};

int
cmd_init(struct conf *c, int argc, char **argv)
{
	const struct cli_flag flags[] = {{"title", &c->title, NULL},
	                                 {NULL, NULL, NULL}};
	struct error e;
	struct store *st;
	int64_t id;
	int npos, rc;

	rc = cli_args("init", argc, argv, 1, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos > 0)
		return cli_usage("init: unexpected argument '%s'", argv[1]);
	st = site_create(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	rc = store_section_add(st, &default_section, &id, &e);
	store_close(st);
	return rc == -1 ? cli_fail(&e) : 0;
}

struct store *
site_open(struct conf *c, struct error *e)
{
	/* On PostgreSQL the store says whether the database holds a site. */
	if (!conf_db_is_pg(c) && access(c->db, F_OK) == -1) {
		error_set(e, ERR_NOT_FOUND,
		          "no site in '%s' (create one with 'gazette init')",
		          c->site);
		return NULL;
	}
	routes_reserve();
	return store_open(c->db, 0, e);
}

/* "warning: SITE/gazette.db is readable by others (mode 0644); chmod ..."
 * when path has any of bits. */
static void
mode_warn(const char *what, const char *path, mode_t bits, const char *fix)
{
	struct stat sb;

	if (stat(path, &sb) == 0 && (sb.st_mode & bits) != 0)
		log_warn("%s%s is %s others (mode %04o); %s", what, path,
		         S_ISDIR(sb.st_mode) ? "open to" : "readable by",
		         (unsigned)(sb.st_mode & 07777), fix);
}

void
site_modes_check(const struct conf *c)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char path[sizeof(c->db) + 8], conf[PATH_MAX];

	mode_warn("the site folder ", c->site, S_IRWXG | S_IRWXO,
	          conf_db_is_pg(c) ? "chmod 700 it: it holds gazette.conf, "
	                             "whose db = may carry the database's "
	                             "password"
	                           : "chmod 700 it: it holds the database");
	/* gazette.conf holds a secret when it names a PostgreSQL database
	 * (a URL may carry a password) or the /metrics token. */
	snprintf(conf, sizeof(conf), "%s/gazette.conf", c->site);
	if (conf_db_is_pg(c) || c->metrics_token[0] != '\0')
		mode_warn("", conf, S_IRGRP | S_IROTH,
		          "chmod 600 it: it holds the database's address "
		          "(with any password in it) or the /metrics token");
	if (conf_db_is_pg(c))
		return; /* no database file here */
	/* SQLite gives the -wal and -shm files the database's mode, so a
	 * database made 0644 by an older gazette leaks through them too. */
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", c->db, suffix[i]);
		mode_warn("", path, S_IRGRP | S_IROTH,
		          "chmod 600 it: it holds password hashes, emails, "
		          "the SMTP password and the keys that sign logins, "
		          "forms and unsubscribe links");
	}
}
