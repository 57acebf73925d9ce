/*
 * A store opened on either engine (decision 095): SQLite in a site
 * folder of its own, or with GAZETTE_TEST_DB=pg a new database on the
 * PostgreSQL cluster GAZETTE_PG_URL names (meson runs this file both ways:
 * test_store_engines and test_store_engines_pg).  Opening migrates a new
 * database and records the same migration numbers on both engines;
 * opening again changes nothing; a database from a newer gazette is
 * refused; openers at once migrate once (PostgreSQL); and the store files
 * already on the driver (settings, users and sessions, view counts,
 * sections and blocks) read back what they wrote, also from another
 * thread's read connection, whose snapshot holds while it reads; and on
 * PostgreSQL the search rows follow the language setting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/internal.h"
#include "store/site.h"
#include "store/store.h"
#include "store/users.h"
#include "store/views.h"
#include "util/arena.h"
#include "util/embed.h"
#include "util/error.h"
#include "mem_store.h"
#include "tmp_site.h"
#include "util/banned.h"

/* A new, empty database of the run's engine, not opened yet. */
struct site {
	char url[4096]; /* what store_open takes: a path or a URL */
	char name[64];  /* PostgreSQL: the database's */
	struct tmp_site t;
};

static void
site_new(struct site *x)
{
	struct error e;

	memset(x, 0, sizeof(*x));
	if (mem_store_on_pg()) {
		if (mem_store_pg_create(x->name, x->url, sizeof(x->url), &e) ==
		    -1)
			fail_msg("%s", e.msg);
		return;
	}
	tmp_site_dir(&x->t, "engines");
	snprintf(x->url, sizeof(x->url), "%s", x->t.db);
}

static struct store *
site_open(struct site *x, int create)
{
	struct error e;
	struct store *s = store_open(x->url, create, &e);

	if (s == NULL)
		fail_msg("store_open: %s", e.msg);
	return s;
}

static void
site_remove(struct site *x)
{
	struct error e;

	if (x->name[0] != '\0')
		assert_int_equal(mem_store_pg_drop(x->name, &e), 0);
	else
		tmp_site_remove(&x->t);
}

/* ---- the database itself, through the driver ------------------------- */

static struct db *
raw_open(struct site *x)
{
	struct error e;
	struct db *d = db_open(x->url, &e);

	if (d == NULL)
		fail_msg("db_open: %s", e.msg);
	return d;
}

static void
raw_exec(struct db *d, const char *sql)
{
	struct error e;

	if (db_exec(d, sql, NULL, &e) == -1)
		fail_msg("%s: %s", sql, e.msg);
}

/* The first column of the first row of sql, an integer. */
static int64_t
raw_int(struct db *d, const char *sql)
{
	struct error e;
	struct db_stmt *st = db_prepare(d, sql, &e);
	int64_t v;

	if (st == NULL)
		fail_msg("%s: %s", sql, e.msg);
	assert_int_equal(db_step(st, NULL, &e), 1);
	v = db_column_int64(st, 0);
	db_finalize(st);
	return v;
}

static size_t
sqlite_migrations(void)
{
	size_t n = 0;

	while (embed_sql[n].name != NULL)
		n++;
	return n;
}

/* ---- opening ---------------------------------------------------------- */

/* A new database gets every migration, recorded by SQLite's numbers and
 * names on either engine; a second store on it migrates nothing more and
 * reads what the first wrote. */
static void
open_migrate_reopen(void **state)
{
	struct site x;
	struct store *s1, *s2;
	struct arena *a = arena_new();
	struct error e;
	struct db *d;
	struct db_stmt *st;
	const char *v;
	int64_t have, known, have2, known2;
	size_t i = 0;

	(void)state;
	site_new(&x);
	s1 = site_open(&x, 1);
	assert_int_equal(store_schema_version(s1, &have, &known, &e), 0);
	assert_true(known > 0);
	assert_int_equal(have, known);
	assert_int_equal(store_setting_set(s1, "title", "Both", &e), 0);

	d = raw_open(&x);
	st = db_prepare(d,
	                "SELECT version, name FROM schema_migrations "
	                "ORDER BY version",
	                &e);
	assert_non_null(st);
	while (db_step(st, NULL, &e) == 1) {
		assert_non_null(embed_sql[i].name);
		assert_int_equal(db_column_int64(st, 0),
		                 strtoll(embed_sql[i].name, NULL, 10));
		assert_string_equal(db_column_text(st, 1, NULL),
		                    embed_sql[i].name);
		i++;
	}
	db_finalize(st);
	assert_int_equal(i, sqlite_migrations());

	s2 = site_open(&x, 0);
	assert_int_equal(store_schema_version(s2, &have2, &known2, &e), 0);
	assert_int_equal(have2, have);
	assert_int_equal(known2, known);
	assert_int_equal(store_setting_get(s2, a, "title", &v, &e), 0);
	assert_string_equal(v, "Both");
	assert_int_equal(raw_int(d, "SELECT count(*) FROM schema_migrations"),
	                 (int64_t)sqlite_migrations());
	store_close(s2);
	store_close(s1);
	db_close(d);
	site_remove(&x);
	arena_free(a);
}

/* A database that records a migration this binary does not know is
 * refused before anything is written. */
static void
newer_refused(void **state)
{
	struct site x;
	struct store *s;
	struct error e;
	struct db *d;
	char sql[160];
	int64_t have, known;

	(void)state;
	site_new(&x);
	s = site_open(&x, 1);
	assert_int_equal(store_schema_version(s, &have, &known, &e), 0);
	store_close(s);
	d = raw_open(&x);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO schema_migrations(version, name, applied_at) "
	         "VALUES (%lld, 'future.sql', 0)",
	         (long long)known + 1);
	raw_exec(d, sql);
	assert_null(store_open(x.url, 0, &e));
	assert_int_equal(e.code, ERR_IO);
	assert_non_null(strstr(e.msg, "newer gazette"));
	assert_int_equal(raw_int(d, "SELECT count(*) FROM schema_migrations"),
	                 (int64_t)sqlite_migrations() + 1);
	db_close(d);
	site_remove(&x);
}

/* Without create, a database that is not a site is refused: a missing
 * file on SQLite, a database without gazette's schema on PostgreSQL. */
static void
no_site_without_create(void **state)
{
	struct site x;
	struct error e;

	(void)state;
	site_new(&x);
	assert_null(store_open(x.url, 0, &e));
	if (mem_store_on_pg()) {
		struct db *d = raw_open(&x);

		assert_int_equal(e.code, ERR_NOT_FOUND);
		assert_int_equal(raw_int(d, "SELECT count(*) FROM pg_tables "
		                            "WHERE schemaname = 'public'"),
		                 0);
		db_close(d);
	}
	site_remove(&x);
}

#define OPENERS 4

struct opener {
	const char *url;
	struct store *s;
	struct error e;
};

static void *
opener_main(void *arg)
{
	struct opener *o = arg;

	o->s = store_open(o->url, 1, &o->e);
	return NULL;
}

/* Servers starting together on one new PostgreSQL database: the advisory
 * lock lets one apply each migration, and the others find it applied. */
static void
openers_at_once(void **state)
{
	struct site x;
	struct opener o[OPENERS];
	pthread_t th[OPENERS];
	struct db *d;

	(void)state;
	if (!mem_store_on_pg())
		skip(); /* SQLite's runner serialises nothing (one process) */
	site_new(&x);
	for (int i = 0; i < OPENERS; i++) {
		o[i].url = x.url;
		assert_int_equal(pthread_create(&th[i], NULL, opener_main,
		                                &o[i]),
		                 0);
	}
	for (int i = 0; i < OPENERS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < OPENERS; i++) {
		if (o[i].s == NULL)
			fail_msg("opener %d: %s", i, o[i].e.msg);
		store_close(o[i].s);
	}
	d = raw_open(&x);
	assert_int_equal(raw_int(d, "SELECT count(*) FROM schema_migrations"),
	                 (int64_t)sqlite_migrations());
	db_close(d);
	site_remove(&x);
}

/* What SQLite alone has answers so on PostgreSQL; the health check and
 * the size work on both. */
static void
engine_gaps(void **state)
{
	struct site x;
	struct store *s;
	struct error e;
	int64_t version, have, known, bytes;

	(void)state;
	site_new(&x);
	s = site_open(&x, 1);
	assert_int_equal(store_schema_version(s, &have, &known, &e), 0);
	assert_int_equal(store_health(s, &version, &e), 0);
	assert_int_equal(version, have);
	assert_int_equal(store_size(s, &bytes), 0);
	assert_true(bytes > 0);
	assert_int_equal(store_watch(s, &e), 0);
	if (mem_store_on_pg()) {
		char dest[PATH_MAX + 16];
		struct tmp_site t;

		tmp_site_dir(&t, "engines-backup");
		snprintf(dest, sizeof(dest), "%s/copy.db", t.dir);
		assert_int_equal(store_backup(s, dest, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		assert_non_null(strstr(e.msg, "pg_dump"));
		tmp_site_remove(&t);
	}
	store_close(s);
	site_remove(&x);
}

/* ---- the converted store files ----------------------------------------- */

static void
settings(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct error e;
	unsigned char k1[16], k2[16];
	const char *v;
	int64_t n;

	assert_int_equal(store_setting_get(s, a, "tagline", &v, &e), 0);
	assert_null(v);
	assert_int_equal(store_setting_set(s, "tagline", "News", &e), 0);
	assert_int_equal(store_setting_set(s, "tagline", "Ньюс", &e), 0);
	assert_int_equal(store_setting_get(s, a, "tagline", &v, &e), 0);
	assert_string_equal(v, "Ньюс");
	assert_int_equal(store_setting_delete(s, "tagline", &e), 0);
	assert_int_equal(store_setting_get(s, a, "tagline", &v, &e), 0);
	assert_null(v);
	/* The search index follows the language on either engine. */
	assert_int_equal(store_setting_set(s, "language", "ru", &e), 0);
	assert_int_equal(store_setting_delete(s, "language", &e), 0);
	assert_int_equal(store_secret(s, "test", k1, sizeof(k1), &e), 0);
	assert_int_equal(store_secret(s, "test", k2, sizeof(k2), &e), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	/* Rotated: every secret_* key new (found by GLOB on SQLite, LIKE
	 * on PostgreSQL), and not a key that only looks like one. */
	assert_int_equal(store_setting_set(s, "secretary", "x", &e), 0);
	assert_int_equal(store_secrets_rotate(s, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_secret(s, "test", k2, sizeof(k2), &e), 0);
	assert_memory_not_equal(k1, k2, sizeof(k1));
	assert_int_equal(store_setting_get(s, a, "secretary", &v, &e), 0);
	assert_string_equal(v, "x");
	arena_free(a);
}

static void
users_sessions(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct error e;
	struct session x = {0}, got, *list;
	struct user u;
	int64_t id, n;
	size_t nl;

	assert_int_equal(store_user_add(s, "ed", "Ed", ROLE_EDITOR, "$h", &id,
	                                &e),
	                 0);
	assert_true(id > 0);
	assert_int_equal(store_user_add(s, "ed", "Ed 2", ROLE_EDITOR, "$h",
	                                NULL, &e),
	                 -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(store_user_by_login(s, a, "ed", &u, &e), 0);
	assert_int_equal(u.id, id);
	x.token_hash = "ab12";
	x.csrf = "c";
	x.ip = "127.0.0.1";
	x.user_id = id;
	x.created_at = 100;
	x.expires_at = 1000;
	assert_int_equal(store_session_add(s, &x, &e), 0);
	assert_int_equal(store_session_get(s, a, "ab12", 500, &got, &u, &e), 0);
	assert_string_equal(got.token_hash, "ab12");
	assert_string_equal(u.login, "ed");
	assert_int_equal(store_session_list(s, a, id, 500, &list, &nl, &e), 0);
	assert_int_equal(nl, 1);
	assert_string_equal(list[0].token_hash, "ab12");
	assert_int_equal(store_session_revoke(s, id, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_session_get(s, a, "ab12", 500, &got, &u, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_free(a);
}

/* A published post: by SQL on PostgreSQL (store_posts.c is not on the
 * driver yet), by the store on SQLite (its search triggers need the
 * store's tokenizer, which a plain connection lacks). */
static int64_t
post_put(struct store *s, struct db *d, const char *slug)
{
	struct error e;
	struct post p;
	struct db_stmt *st;
	int64_t id;

	if (!mem_store_on_pg()) {
		p = tmp_site_post_in(POST_POST, POST_PUBLISHED, slug, 100);
		assert_int_equal(store_post_add(s, &p, &id, &e), 0);
		return id;
	}
	st = db_prepare(d,
	                "INSERT INTO posts(type, status, slug, title, "
	                "published_at, updated_at) VALUES ('post', "
	                "'published', ?1, ?1, 100, 100) RETURNING id",
	                &e);
	assert_non_null(st);
	db_bind_text(st, 1, slug, -1);
	assert_int_equal(db_step(st, NULL, &e), 1);
	id = db_column_int64(st, 0);
	db_finalize(st);
	return id;
}

/* Views flushed in one transaction, a missing post's dropped, the days
 * and the total read back. */
static void
views_flush(void **state)
{
	struct site x;
	struct store *s;
	struct error e;
	struct db *d;
	int64_t a, days[3], total, at, views;
	struct views_row rows[3];

	(void)state;
	site_new(&x);
	s = site_open(&x, 1);
	d = raw_open(&x);
	a = post_put(s, d, "a");
	rows[0] = (struct views_row){a, 20000, 3};
	rows[1] = (struct views_row){a, 20001, 4};
	rows[2] = (struct views_row){a + 100, 20001, 9}; /* no such post */
	assert_int_equal(store_views_flush(s, rows, 3, &e), 0);
	assert_int_equal(store_views_flush(s, rows, 1, &e), 0);
	assert_int_equal(store_stats_days(s, a, 20000, 20002, days, &total, &e),
	                 0);
	assert_int_equal(days[0], 6);
	assert_int_equal(days[1], 4);
	assert_int_equal(days[2], 0);
	assert_int_equal(total, 10);
	assert_int_equal(store_views_post(s, a, &at, &views, &e), 0);
	assert_int_equal(at, 100);
	assert_int_equal(views, 10);
	assert_int_equal(store_stats_days(s, 0, 20001, 20001, days, &total, &e),
	                 0);
	assert_int_equal(total, 4);
	db_close(d);
	store_close(s);
	site_remove(&x);
}

/* PostgreSQL's search rows take the language setting's as it is
 * written, and a new row the setting's through its default (decision
 * 094); their documents follow (a generated column).  (SQLite's index
 * made again is test_search's.) */
static void
language_follows(void **state)
{
	struct site x;
	struct store *s;
	struct error e;
	struct db *d;

	(void)state;
	if (!mem_store_on_pg())
		skip();
	site_new(&x);
	s = site_open(&x, 1);
	d = raw_open(&x);
	/* Its title "бегущий" stems as "бегущ" only in Russian's
	 * configuration: a Russian query finds it once its row is. */
	(void)post_put(s, d, "бегущий");
	assert_int_equal(raw_int(d, "SELECT count(*) FROM posts_fts "
	                            "WHERE lang = 'en'"),
	                 1);
	assert_int_equal(raw_int(d, "SELECT count(*) FROM posts_fts WHERE "
	                            "document @@ to_tsquery('russian', "
	                            "'бегущая')"),
	                 0);
	assert_int_equal(store_setting_set(s, "language", "ru", &e), 0);
	assert_int_equal(raw_int(d, "SELECT count(*) FROM posts_fts WHERE "
	                            "document @@ to_tsquery('russian', "
	                            "'бегущая')"),
	                 1);
	(void)post_put(s, d, "after");
	assert_int_equal(raw_int(d, "SELECT count(*) FROM posts_fts "
	                            "WHERE lang = 'ru'"),
	                 2);
	assert_int_equal(store_setting_delete(s, "language", &e), 0);
	assert_int_equal(raw_int(d, "SELECT count(*) FROM posts_fts "
	                            "WHERE lang = 'en'"),
	                 2);
	db_close(d);
	store_close(s);
	site_remove(&x);
}

/* Another thread reads on a connection of its own; inside
 * store_read_begin() its snapshot holds while the writer commits. */
struct snap {
	struct store *s;
	pthread_barrier_t *bar;
	size_t before, during, after;
	int rc;
};

static void *
snap_main(void *arg)
{
	struct snap *sn = arg;
	struct arena *a = arena_new();
	struct section *list;
	struct error e;

	sn->rc = -1;
	store_read_begin(sn->s);
	if (store_section_list(sn->s, a, 0, &list, &sn->before, &e) == -1)
		goto out;
	pthread_barrier_wait(sn->bar); /* the writer adds one */
	pthread_barrier_wait(sn->bar);
	if (store_section_list(sn->s, a, 0, &list, &sn->during, &e) == -1)
		goto out;
	store_read_end(sn->s);
	if (store_section_list(sn->s, a, 0, &list, &sn->after, &e) == -1)
		goto out;
	sn->rc = 0;
out:
	if (sn->rc == -1)
		print_error("reader: %s\n", e.msg);
	store_read_end(sn->s);
	arena_free(a);
	return NULL;
}

static void
reader_snapshot(void **state)
{
	struct site x;
	struct store *s;
	struct error e;
	struct section in = {0, "local", "Local", SECTION_POSTS, 0, 0, 0};
	pthread_barrier_t bar;
	pthread_t th;
	struct snap sn = {0};

	(void)state;
	site_new(&x);
	s = site_open(&x, 1);
	pthread_barrier_init(&bar, NULL, 2);
	sn.s = s;
	sn.bar = &bar;
	assert_int_equal(pthread_create(&th, NULL, snap_main, &sn), 0);
	pthread_barrier_wait(&bar);
	assert_int_equal(store_section_add(s, &in, NULL, &e), 0);
	pthread_barrier_wait(&bar);
	pthread_join(th, NULL);
	pthread_barrier_destroy(&bar);
	assert_int_equal(sn.rc, 0);
	assert_int_equal(sn.before, 0);
	assert_int_equal(sn.during, 0);
	assert_int_equal(sn.after, 1);
	store_close(s);
	site_remove(&x);
}

static void
sections_blocks(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct error e;
	struct section in = {0, "world", "World News", SECTION_POSTS, 0, 0, 0};
	struct section got, *list;
	struct block *blocks, b;
	int64_t id, bid;
	size_t n;

	assert_int_equal(store_section_add(s, &in, &id, &e), 0);
	assert_int_equal(store_section_add(s, &in, NULL, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(store_section_find(s, a, "world news", &got, &e), 0);
	assert_int_equal(got.id, id);
	assert_string_equal(got.slug, "world");
	assert_int_equal(store_section_list(s, a, 0, &list, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].name, "World News");
	assert_int_equal(list[0].newest_at, 0);

	assert_int_equal(store_block_create(s, "sidebar", "html",
	                                    "{\"html\":\"<p>a</p>\"}", &bid,
	                                    &e),
	                 0);
	assert_int_equal(store_block_add(s, "sidebar", 5, "search", "{}", &e),
	                 0);
	assert_int_equal(store_block_set_config(s, bid, "{\"html\":\"b\"}", &e),
	                 0);
	assert_int_equal(store_block_get(s, a, bid, &b, &e), 0);
	assert_string_equal(b.config, "{\"html\":\"b\"}");
	assert_int_equal(store_block_list(s, a, "sidebar", &blocks, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(blocks[0].kind, "html");
	assert_string_equal(blocks[1].kind, "search");
	assert_int_equal(store_block_delete(s, bid, &e), 0);
	assert_int_equal(store_block_get(s, a, bid, &b, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_free(a);
}

/* ---- nodes that agree (decision 098) ----------------------------------- */

/* End the sessions of the database x that sql (over pg_stat_activity or
 * pg_locks, giving pids) names, from a connection of its own; how many. */
static int64_t
terminate_where(struct site *x, const char *pids_sql)
{
	char sql[512];
	struct db *d = raw_open(x);
	int64_t n;

	snprintf(sql, sizeof(sql),
	         "SELECT count(pg_terminate_backend(pid, 5000)) FROM (%s) p",
	         pids_sql);
	n = raw_int(d, sql);
	db_close(d);
	return n;
}

/*
 * Two nodes on one database: each periodic job is held by one of them; a
 * node whose jobs' session ends loses them to the other, which asks next,
 * and does not believe it still holds them once its own session is made
 * again; a node that closes lets go.
 */
static void
jobs_one_node(void **state)
{
	struct site x;
	struct store *a, *b;

	(void)state;
	if (!mem_store_on_pg()) {
		/* one process serves a SQLite site: its jobs are its own */
		site_new(&x);
		a = site_open(&x, 1);
		assert_int_equal(store_job_mine(a, STORE_JOB_SCHEDULE), 1);
		store_close(a);
		site_remove(&x);
		return;
	}
	site_new(&x);
	a = site_open(&x, 1);
	b = site_open(&x, 0);
	assert_int_equal(store_job_mine(a, STORE_JOB_SCHEDULE), 1);
	assert_int_equal(store_job_mine(b, STORE_JOB_SCHEDULE), 0);
	assert_int_equal(store_job_mine(b, STORE_JOB_RIVER), 1);
	assert_int_equal(store_job_mine(a, STORE_JOB_RIVER), 0);
	/* asked again, nothing changes hands */
	assert_int_equal(store_job_mine(a, STORE_JOB_SCHEDULE), 1);
	assert_int_equal(store_job_mine(b, STORE_JOB_SCHEDULE), 0);

	/* A's jobs' session ends (a failover, a network cut): B takes its
	 * job at its next ask, and A, its session made again, holds none. */
	/* the lock of key 0x67617a6574746500 + STORE_JOB_SCHEDULE: its high
	 * and low 32 bits are pg_locks' classid and objid */
	assert_int_equal(terminate_where(&x, "SELECT pid FROM pg_locks WHERE "
	                                     "locktype = 'advisory' AND "
	                                     "classid = 1734441573 AND "
	                                     "objid = 1953785088"),
	                 1);
	assert_int_equal(store_job_mine(b, STORE_JOB_SCHEDULE), 1);
	assert_int_equal(store_job_mine(a, STORE_JOB_SCHEDULE), 0);
	assert_int_equal(store_job_mine(a, STORE_JOB_OUTBOX), 1);

	/* B closes (a node stopped or dead): A takes what B held. */
	store_close(b);
	assert_int_equal(store_job_mine(a, STORE_JOB_SCHEDULE), 1);
	assert_int_equal(store_job_mine(a, STORE_JOB_RIVER), 1);
	store_close(a);
	site_remove(&x);
}

/* Wait up to 5 s for s's generation to pass gen; 1 when it did. */
static int
generation_moves(struct store *s, uint64_t gen)
{
	struct timespec pause = {0, 10 * 1000 * 1000};

	for (int i = 0; i < 500; i++) {
		if (store_generation(s) > gen)
			return 1;
		nanosleep(&pause, NULL);
	}
	return 0;
}

/*
 * A change committed through one node moves another node's generation
 * (its caches go); the listening session lost, the node drops its caches
 * with no change at all, and hears the next change again.
 */
static void
changes_heard(void **state)
{
	struct site x;
	struct store *a, *b;
	struct error e;
	uint64_t gen;

	(void)state;
	if (!mem_store_on_pg())
		skip(); /* SQLite's watcher: test_store's watcher tests */
	site_new(&x);
	a = site_open(&x, 1);
	b = site_open(&x, 0);
	assert_int_equal(store_watch(b, &e), 0);
	gen = store_generation(b);
	assert_int_equal(store_setting_set(a, "title", "Heard", &e), 0);
	assert_true(generation_moves(b, gen));

	gen = store_generation(b);
	assert_int_equal(terminate_where(&x, "SELECT pid FROM "
	                                     "pg_stat_activity WHERE query "
	                                     "LIKE 'LISTEN %'"),
	                 1);
	assert_true(generation_moves(b, gen));
	/* listening again: the next change is heard too */
	gen = store_generation(b);
	for (int i = 0; i < 500 && store_generation(b) == gen; i++) {
		struct timespec pause = {0, 10 * 1000 * 1000};

		assert_int_equal(store_setting_set(a, "title",
		                                   i % 2 ? "Again" : "Anew",
		                                   &e),
		                 0);
		nanosleep(&pause, NULL);
	}
	assert_true(store_generation(b) > gen);
	store_close(b);
	store_close(a);
	site_remove(&x);
}

/* What the listener hears within ms: the payload's kind after the node's
 * name ("g", "p 12"), or "" for nothing. */
static const char *
heard(struct db *listener, int ms, char *buf, size_t size)
{
	struct error e;
	int rc = db_wait(listener, ms, buf, size, &e);
	const char *sp;

	if (rc == -1)
		fail_msg("listening: %s", e.msg);
	if (rc == 0)
		return "";
	sp = strchr(buf, ' ');
	return sp != NULL ? sp + 1 : buf;
}

/*
 * The other nodes are told of a transaction inside it (decision 102):
 * its COMMIT delivers the notification with the change, once, so that no
 * node can die between the two; a COMMIT that fails tells nothing.  A
 * comment names its post before its COMMIT, so the others drop only that
 * post's pages.
 */
static void
told_with_the_commit(void **state)
{
	struct site x;
	struct store *a;
	struct db *listener, *other;
	struct conn *w;
	struct error e;
	char buf[256], want[32];
	int64_t post;

	(void)state;
	if (!mem_store_on_pg())
		skip(); /* SQLite's nodes read data_version: nothing is told */
	site_new(&x);
	a = site_open(&x, 1);
	listener = db_open(x.url, &e);
	assert_non_null(listener);
	assert_int_equal(db_listen(listener, "gazette_changes", &e), 0);

	assert_int_equal(store_begin(a, &e), 0);
	assert_int_equal(store_setting_set(a, "title", "One", &e), 0);
	assert_string_equal(heard(listener, 200, buf, sizeof(buf)), "");
	assert_int_equal(store_commit(a, &e), 0);
	assert_string_equal(heard(listener, 2000, buf, sizeof(buf)), "g");
	assert_string_equal(heard(listener, 300, buf, sizeof(buf)), "");

	post = post_put(a, listener, "told"); /* by SQL: nothing told */
	tmp_site_comment(a, post, COMMENT_APPROVED, 1700000000);
	snprintf(want, sizeof(want), "p %lld", (long long)post);
	assert_string_equal(heard(listener, 2000, buf, sizeof(buf)), want);
	assert_string_equal(heard(listener, 300, buf, sizeof(buf)), "");

	/* A COMMIT that fails (a deferred key checked only then). */
	other = db_open(x.url, &e);
	assert_non_null(other);
	assert_int_equal(db_exec(other,
	                         "CREATE TABLE late (post_id bigint "
	                         "REFERENCES posts(id) DEFERRABLE INITIALLY "
	                         "DEFERRED)",
	                         NULL, &e),
	                 0);
	db_close(other);
	assert_int_equal(store_begin(a, &e), 0);
	assert_int_equal(store_setting_set(a, "title", "Two", &e), 0);
	w = writer_lock(a);
	assert_int_equal(db_exec(w->d, "INSERT INTO late VALUES (-1)", NULL,
	                         &e),
	                 0);
	writer_unlock(a);
	assert_int_equal(store_commit(a, &e), -1);
	assert_string_equal(heard(listener, 500, buf, sizeof(buf)), "");
	db_close(listener);
	store_close(a);
	site_remove(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_migrate_reopen),
		cmocka_unit_test(newer_refused),
		cmocka_unit_test(no_site_without_create),
		cmocka_unit_test(openers_at_once),
		cmocka_unit_test(engine_gaps),
		cmocka_unit_test_setup_teardown(settings, mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test_setup_teardown(users_sessions, mem_store_setup,
	                                        mem_store_teardown),
		cmocka_unit_test(views_flush),
		cmocka_unit_test(reader_snapshot),
		cmocka_unit_test(language_follows),
		cmocka_unit_test(jobs_one_node),
		cmocka_unit_test(changes_heard),
		cmocka_unit_test(told_with_the_commit),
		cmocka_unit_test_setup_teardown(sections_blocks,
	                                        mem_store_setup,
	                                        mem_store_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
