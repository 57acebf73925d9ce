#ifndef GAZETTE_STORE_SQLITE_H
#define GAZETTE_STORE_SQLITE_H
/*
 * Controls that only mean something on SQLite, kept out of the general
 * API so that another store need not pretend to have them: the tables of
 * SQL a reader's pages run (checked by tests/unit/test_plans.c), and the
 * journal and cache modes around a big import.
 */
#include "store.h"

/*
 * Every statement on a reader's path, by name (issue 12: no page read
 * grows with the site).  tests/unit/test_plans.c runs EXPLAIN QUERY PLAN
 * on each over a seeded database and refuses a full scan of posts or
 * comments, a temporary b-tree in a statement that reads them, an ordered
 * index walk without a LIMIT, and a count over them, unless the entry says
 * in bounded why its count or walk stays small whatever the site's size.
 * A statement added to a table here is checked without more.  Run as
 * test_plans_pg, it checks pg (or sql, where the engines share it) by
 * PostgreSQL's plans the same way (store_explain_pg).
 */
struct store_stmt {
	const char *name;
	const char *sql;     /* SQLite's; STMT_NONE: PostgreSQL's alone */
	const char *bounded; /* NULL, or why what the test refuses is bounded */
	const char *pg;      /* NULL: sql on both; STMT_NONE: SQLite's alone */
};
#define STMT_NONE ""
/* The store files' tables, each ending with a NULL name; NULL ends it. */
extern const struct store_stmt *const store_reader_stmts[];
/* The detail lines of EXPLAIN QUERY PLAN sql, on the calling thread's read
 * connection (which has the store's SQL functions), in a. */
int store_explain(struct store *s, struct arena *a, const char *sql,
                  const char ***lines, size_t *n, struct error *e);
/*
 * PostgreSQL's plan of sql, as EXPLAIN (FORMAT JSON) gives it, in *json
 * (in a), with sequential scans and sorts priced out of reach
 * (enable_seqscan, enable_sort off), so a plan that still has one has no
 * index to answer it.  args NULL: the generic plan, made for any values;
 * else the SQL values of sql's parameters, "1, 'post', NULL", and the
 * statement is run (EXPLAIN ANALYZE) to count the rows it reads.
 */
int store_explain_pg(struct store *s, struct arena *a, const char *sql,
                     const char *args, const char **json, struct error *e);
/*
 * Bulk mode, on around an import and off after it, both inside the same
 * store_begin() transaction as the import: the writer keeps
 * LIM_IMPORT_CACHE_KIB of pages instead of SQLite's default 2 MB (a big
 * site's comment indexes outgrow the default at once, and then every
 * insert at a random place in them costs a read and a spill), and the
 * search index is written once per new post at the end instead of by
 * triggers on every insert.  Off also puts the cache back.  On PostgreSQL
 * it does nothing: the triggers stay on (store_import.c says why).
 */
int store_import_bulk(struct store *s, int on, struct error *e);
/*
 * Before an import (on, outside any transaction): a rollback journal
 * instead of WAL when nothing else has the database open (*alone 1), so
 * the import's pages are written once instead of twice; *alone 0 when it
 * is open elsewhere (a running server) and the import shares it in WAL.
 * After (on 0): WAL again.  On PostgreSQL there is no journal to choose:
 * *alone 1 (nothing to warn of) and nothing done.
 */
int store_import_alone(struct store *s, int on, int *alone, struct error *e);
#endif
