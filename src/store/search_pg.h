#ifndef GAZETTE_STORE_SEARCH_PG_H
#define GAZETTE_STORE_SEARCH_PG_H
/*
 * search.h on PostgreSQL (store_search_pg.c; decision 096), for the store
 * files only.  The work is done on one connection (struct conn: the
 * driver's connection and its cache of prepared statements), so that a
 * test holding a PostgreSQL connection and no store runs the same code
 * the store does; the store_* wrappers take the store's reader or writer
 * and are what store_search.c hands over to when store_engine() is
 * DB_PG.
 */
#include <stdint.h>

#include "search.h"
#include "../util/arena.h"
#include "../util/error.h"

struct conn;
struct store;

/* store_search() on c: a read transaction of its own unless c is in one
 * already (a page's snapshot, or the writer's transaction). */
int search_pg(struct conn *c, struct arena *a, const struct search_query *q,
              struct search_result *out, struct error *e);
/* Every post indexed again (posts_fts emptied and filled), the body as
 * the text of its HTML; *n posts.  Inside the caller's transaction. */
int search_pg_reindex(struct conn *w, int64_t *n, struct error *e);
/* The rows whose lang is not the language setting's made again (their
 * documents follow); *n rows.  Inside the caller's transaction. */
int search_pg_language_sync(struct conn *w, int64_t *n, struct error *e);

/* The same on a store: store_search(), store_search_reindex() and
 * search_language_sync() of a PostgreSQL store. */
int store_search_pg(struct store *s, struct arena *a,
                    const struct search_query *q, struct search_result *out,
                    struct error *e);
int store_search_reindex_pg(struct store *s, int64_t *n, struct error *e);
int search_language_sync_pg(struct store *s, struct error *e);

#endif
