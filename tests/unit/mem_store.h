#ifndef GAZETTE_TEST_MEM_STORE_H
#define GAZETTE_TEST_MEM_STORE_H
/*
 * A fresh, empty store for each test, as cmocka's setup and teardown:
 *
 *	cmocka_unit_test_setup_teardown(fn, mem_store_setup,
 *	                                mem_store_teardown)
 *
 * and *state is the store; or mem_store_open() and mem_store_close() in a
 * test's own setup.  Include after cmocka.h.
 *
 * SQLite at ":memory:", or, with GAZETTE_TEST_DB=pg, a new PostgreSQL
 * database on the cluster GAZETTE_PG_URL names (tests/pg/cluster run;
 * meson's pg_tests, decision 095): made by CREATE DATABASE with a name
 * of this process and a counter, opened by the store (so its migrations
 * run on it), dropped when the test closes the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/store.h"
#include "util/error.h"

/* The PostgreSQL databases of the stores still open (few at once). */
#define MEM_STORE_OPEN_MAX 8
static struct {
	struct store *s;
	char name[64];
} mem_store_pg[MEM_STORE_OPEN_MAX];

/* GAZETTE_TEST_DB=pg: the tests run on PostgreSQL. */
static inline int
mem_store_on_pg(void)
{
	const char *engine = getenv("GAZETTE_TEST_DB");

	return engine != NULL && strcmp(engine, "pg") == 0;
}

/* A test of what SQLite alone has (its file read with sqlite3, EXPLAIN
 * QUERY PLAN): skipped, and said so, when the tests run on PostgreSQL. */
#define SQLITE_ONLY()                                                          \
	do {                                                                   \
		if (mem_store_on_pg()) {                                       \
			print_message("skipped on PostgreSQL: SQLite's "       \
			              "alone\n");                              \
			skip();                                                \
		}                                                              \
	} while (0)

/* Plain SQL on the cluster's own database (CREATE and DROP DATABASE
 * cannot run in a transaction, nor on the database they name). */
static inline int
mem_store_admin(const char *sql, struct error *e)
{
	struct db *d = db_open(getenv("GAZETTE_PG_URL"), e);
	int rc;

	if (d == NULL)
		return -1;
	rc = db_exec(d, sql, NULL, e);
	db_close(d);
	return rc;
}

/* A new empty PostgreSQL database on the cluster: its name in name (64
 * bytes), its URL in url. */
static inline int
mem_store_pg_create(char *name, char *url, size_t n, struct error *e)
{
	static unsigned counter;
	const char *base = getenv("GAZETTE_PG_URL");
	char sql[128];

	if (base == NULL || base[0] == '\0')
		return error_set(e, ERR_INVALID,
		                 "GAZETTE_TEST_DB=pg needs GAZETTE_PG_URL "
		                 "(tests/pg/cluster run)");
	snprintf(name, 64, "gazette_test_%ld_%u", (long)getpid(), ++counter);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	if (mem_store_admin(sql, e) == -1)
		return -1;
	/* libpq takes the last dbname given: the query's over the path's. */
	snprintf(url, n, "%s%sdbname=%s", base,
	         strchr(base, '?') != NULL ? "&" : "?", name);
	return 0;
}

/* WITH (FORCE): a session the test left is no reason to keep it. */
static inline int
mem_store_pg_drop(const char *name, struct error *e)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", name);
	return mem_store_admin(sql, e);
}

static inline struct store *
mem_store_open_pg(struct error *e)
{
	char name[64], url[4096];
	struct store *s;
	int slot = 0;

	while (slot < MEM_STORE_OPEN_MAX && mem_store_pg[slot].s != NULL)
		slot++;
	if (slot == MEM_STORE_OPEN_MAX) {
		error_set(e, ERR_IO, "more than %d test stores open",
		          MEM_STORE_OPEN_MAX);
		return NULL;
	}
	if (mem_store_pg_create(name, url, sizeof(url), e) == -1)
		return NULL;
	s = store_open(url, 1, e);
	if (s == NULL) {
		struct error drop;

		(void)mem_store_pg_drop(name, &drop);
		return NULL;
	}
	mem_store_pg[slot].s = s;
	snprintf(mem_store_pg[slot].name, sizeof(mem_store_pg[slot].name), "%s",
	         name);
	return s;
}

/* A new empty store on the engine the run asks for; NULL with e. */
static inline struct store *
mem_store_open(struct error *e)
{
	if (mem_store_on_pg())
		return mem_store_open_pg(e);
	return store_open(":memory:", 1, e);
}

/* Close s, and drop its PostgreSQL database; 0, or -1 when the drop
 * failed (printed). */
static inline int
mem_store_close(struct store *s)
{
	struct error e;

	store_close(s);
	for (int i = 0; s != NULL && i < MEM_STORE_OPEN_MAX; i++) {
		if (mem_store_pg[i].s != s)
			continue;
		mem_store_pg[i].s = NULL;
		if (mem_store_pg_drop(mem_store_pg[i].name, &e) == -1) {
			print_error("%s\n", e.msg);
			return -1;
		}
	}
	return 0;
}

static inline int
mem_store_setup(void **state)
{
	struct error e;
	struct store *s = mem_store_open(&e);

	if (s == NULL) {
		print_error("store_open: %s\n", e.msg);
		return -1;
	}
	*state = s;
	return 0;
}

static inline int
mem_store_teardown(void **state)
{
	return mem_store_close(*state);
}

#endif
