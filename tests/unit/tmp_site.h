#ifndef GAZETTE_TEST_TMP_SITE_H
#define GAZETTE_TEST_TMP_SITE_H
/*
 * A site database in a directory of its own under /tmp, for the unit tests
 * that need a file rather than ":memory:" (WAL, a second connection, the
 * store's watcher, migrations).  Include after cmocka.h.
 *
 *	struct tmp_site t;
 *	struct store *s = tmp_site_open(&t, "search");
 *	... t.db is the database's path, t.dir its directory ...
 *	store_close(s);
 *	tmp_site_remove(&t);
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/error.h"

struct tmp_site {
	char dir[128];
	char db[PATH_MAX];
};

/* The directory made (/tmp/gazette-test-NAME-XXXXXX), t->db in it. */
static inline void
tmp_site_dir(struct tmp_site *t, const char *name)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/gazette-test-%s-XXXXXX", name);
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->db, sizeof(t->db), "%s/site.db", t->dir);
}

/* tmp_site_dir(), and a new store there. */
static inline struct store *
tmp_site_open(struct tmp_site *t, const char *name)
{
	struct error e;
	struct store *s;

	tmp_site_dir(t, name);
	s = store_open(t->db, 1, &e);
	if (s == NULL)
		fail_msg("store_open %s: %s", t->db, e.msg);
	return s;
}

/* The directory and everything in it (the database, its WAL, journal). */
static inline void
tmp_site_remove(const struct tmp_site *t)
{
	DIR *d = opendir(t->dir);
	struct dirent *de;
	char path[PATH_MAX + 256];

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", t->dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	assert_int_equal(rmdir(t->dir), 0);
}

#endif
