/*
 * The order of the listed posts, in memory: (published_at, id) of every
 * published post without a password, oldest first, one array per
 * generation.  A post page's previous and next are then two binary
 * searches and two reads by id, instead of four index probes with
 * their joins (issue 12: the neighbours were 12% of a cache miss's CPU).
 *
 * The array is made again, by the first reader that finds it older than
 * the generation (which moves when posts change, never for views or
 * comments), from the index posts_listed (migration 014) in order: at
 * 100,000 posts one walk of 1.6 MB.  While one thread makes it the
 * others read the neighbours with the probes of store_lists.c, so no
 * request waits for it.
 */
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"
#include "../util/alloc.h"
#include "../util/banned.h"

struct order_entry {
	int64_t at, id;
};

struct order {
	uint64_t gen;
	struct order_entry *v;
	size_t n;
};

/* Reads the partial index posts_listed in its order (test_plans.c).
 * PostgreSQL does not read INDEXED BY: SQL_ORDER_LOAD_PG goes without,
 * chosen by ENGINE_SQL. */
#define ORDER_LOAD(BY)                                                         \
	"SELECT published_at, id FROM posts " BY                               \
	"WHERE type = 'post' AND status = 'published' AND password = '' "      \
	"ORDER BY published_at, id"
static const char SQL_ORDER_LOAD[] = ORDER_LOAD("INDEXED BY posts_listed ");
static const char SQL_ORDER_LOAD_PG[] = ORDER_LOAD("");

const struct store_stmt order_reader_stmts[] = {
	/* Not per request: read once each time posts change (the
         * generation moves), and kept in memory.  test_plans.c sees a
         * SEARCH by type: its own rules do not flag it. */
	{"order_load", SQL_ORDER_LOAD, NULL, SQL_ORDER_LOAD_PG},
	{NULL, NULL, NULL, NULL},
};

void
order_free(struct order *o)
{
	if (o == NULL)
		return;
	free(o->v);
	free(o);
}

/* The array as the reader's snapshot (c, of s) holds it, labelled gen. */
static struct order *
order_load(struct store *s, struct conn *c, uint64_t gen)
{
	struct order *o = xcalloc(1, sizeof(*o));
	size_t cap = 0;
	struct error e;
	struct db_stmt *st = conn_prep(c, ENGINE_SQL(s, SQL_ORDER_LOAD), &e);
	int step;

	o->gen = gen;
	if (st == NULL) {
		order_free(o);
		return NULL;
	}
	while ((step = db_step(st, "the listed posts' order", &e)) == 1) {
		if (o->n == cap) {
			cap = cap ? 2 * cap : 1024;
			o->v = xrealloc(o->v, cap * sizeof(*o->v));
		}
		o->v[o->n].at = db_column_int64(st, 0);
		o->v[o->n].id = db_column_int64(st, 1);
		o->n++;
	}
	stmt_done(st);
	if (step == -1) {
		order_free(o);
		return NULL;
	}
	return o;
}

/* The number of entries before (at, id). */
static size_t
order_rank(const struct order *o, int64_t at, int64_t id)
{
	size_t lo = 0, hi = o->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct order_entry *m = &o->v[mid];

		if (m->at < at || (m->at == at && m->id < id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
order_find(const struct order *o, int64_t at, int64_t id, int64_t now,
           int64_t *prev, int64_t *next)
{
	size_t k = order_rank(o, at, id);

	*prev = k > 0 ? o->v[k - 1].id : 0;
	if (k < o->n && o->v[k].at == at && o->v[k].id == id)
		k++;
	*next = k < o->n && o->v[k].at <= now ? o->v[k].id : 0;
}

/*
 * The ids around (at, id): *prev the listed post just before it, *next
 * the one just after it if that is due by now (0: none).  -1 when the
 * array is not at the generation and this thread could not make it now
 * (another thread is making it, or c is inside a write): the caller
 * reads the neighbours with SQL instead.
 */
int
order_neighbors(struct store *s, struct conn *c, int locked, int64_t at,
                int64_t id, int64_t now, int64_t *prev, int64_t *next)
{
	uint64_t gen = c->reading ? c->read_gen : store_generation(s);
	struct order *o, *old;
	int rc = -1;

	pthread_rwlock_rdlock(&s->order_lock);
	o = s->order;
	if (o != NULL && o->gen == gen) {
		order_find(o, at, id, now, prev, next);
		rc = 0;
	}
	pthread_rwlock_unlock(&s->order_lock);
	if (rc == 0)
		return 0;
	/* Not from a snapshot that may hold uncommitted writes, and one
	 * thread at a time. */
	if ((locked && s->depth > 0) ||
	    pthread_mutex_trylock(&s->order_build) != 0)
		return -1;
	o = order_load(s, c, gen);
	if (o != NULL) {
		order_find(o, at, id, now, prev, next);
		rc = 0;
		pthread_rwlock_wrlock(&s->order_lock);
		old = o;
		if (s->order == NULL || s->order->gen <= gen) {
			old = s->order;
			s->order = o;
		}
		pthread_rwlock_unlock(&s->order_lock);
		order_free(old);
	}
	pthread_mutex_unlock(&s->order_build);
	return rc;
}
