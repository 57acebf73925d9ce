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
 *	tmp_site_close(&t, s);      (store_close, then tmp_site_remove)
 *
 * With GAZETTE_TEST_DB=pg (meson's pg_store_tests, decision 095) the
 * store is a new PostgreSQL database instead (mem_store.h), t.db its URL,
 * and the folder is only for files beside it (SITE/media): for the tests
 * that need the folder, not SQLite's file.  tmp_site_store_close() closes
 * the store and drops that database.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem_store.h"
#include "store/comments.h"
#include "store/posts.h"
#include "util/error.h"

struct tmp_site {
	char dir[128];
	char db[PATH_MAX];
	char pg[64]; /* the PostgreSQL database's name, or "" */
};

/* The directory made (/tmp/gazette-test-NAME-XXXXXX), t->db in it. */
static inline void
tmp_site_dir(struct tmp_site *t, const char *name)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/gazette-test-%s-XXXXXX", name);
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->db, sizeof(t->db), "%s/site.db", t->dir);
	t->pg[0] = '\0';
}

/* tmp_site_dir(), and a new store there (or on PostgreSQL, above). */
static inline struct store *
tmp_site_open(struct tmp_site *t, const char *name)
{
	struct error e;
	struct store *s;

	tmp_site_dir(t, name);
	if (mem_store_on_pg() &&
	    mem_store_pg_create(t->pg, t->db, sizeof(t->db), &e) == -1)
		fail_msg("%s", e.msg);
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

/* A minimal post; the caller sets what the test is about. */
static inline struct post
tmp_site_post_in(enum post_type type, enum post_status status, const char *slug,
                 int64_t published_at)
{
	struct post p;

	memset(&p, 0, sizeof(p));
	p.type = type;
	p.status = status;
	p.slug = slug;
	p.title = slug;
	p.body_src = "body";
	p.body_html = "<p>body</p>\n";
	p.published_at = published_at;
	p.comments_open = 1;
	return p;
}

/* Close s and remove its directory: the end of a tmp_site_open(). */
static inline void
tmp_site_store_close(const struct tmp_site *t, struct store *s)
{
	struct error e;

	store_close(s);
	if (t->pg[0] != '\0' && mem_store_pg_drop(t->pg, &e) == -1)
		fail_msg("%s", e.msg);
}

static inline void
tmp_site_close(const struct tmp_site *t, struct store *s)
{
	tmp_site_store_close(t, s);
	tmp_site_remove(t);
}

/* An approved (or other status) comment by "reader" on post_id at at. */
static inline void
tmp_site_comment(struct store *s, int64_t post_id, enum comment_status status,
                 int64_t at)
{
	struct comment c;
	struct error e;

	memset(&c, 0, sizeof(c));
	c.post_id = post_id;
	c.author_name = "reader";
	c.body_src = "hello";
	c.body_html = "<p>hello</p>";
	c.status = status;
	c.created_at = at;
	if (store_comment_add(s, &c, NULL, &e) == -1)
		fail_msg("comment on %lld: %s", (long long)post_id, e.msg);
}

#endif
