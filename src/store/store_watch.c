/*
 * store_generation() and the watcher thread that moves it when another
 * process (the CLI beside a running server) commits.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdint.h>
#include <unistd.h>

#include "internal.h"
#include "../util/banned.h"

/* How often the watcher looks for other processes' commits. */
#define STORE_WATCH_MS 50

static const char SQL_DATA_VERSION[] = "PRAGMA data_version";

uint64_t
store_generation(struct store *s)
{
	return atomic_load_explicit(&s->gen, memory_order_acquire);
}

void
store_generation_bump(struct store *s)
{
	atomic_fetch_add_explicit(&s->gen, 1, memory_order_release);
}

/*
 * Commits made by other processes (the CLI beside a running server) are
 * seen here: PRAGMA data_version on the writer's connection changes when
 * any other connection has committed, and this process writes through
 * that connection only, so its own commits (a views flush, a comment,
 * which must not drop every cached page) do not count twice.  The writer
 * is only tried: while it is busy this round is skipped.
 */
static int
watch_read(struct store *s, int64_t *v)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (pthread_mutex_trylock(&s->wlock) != 0)
		return -1;
	if (s->depth == 0) {
		st = conn_stmt(&s->w, SQL_DATA_VERSION, NULL);
		if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
			*v = sqlite3_column_int64(st, 0);
			rc = 0;
		}
		if (st != NULL)
			stmt_done(st);
	}
	pthread_mutex_unlock(&s->wlock);
	return rc;
}

static void *
watch_main(void *arg)
{
	struct store *s = arg;
	int64_t last = s->watch_first, v;

	while (!atomic_load(&s->watch_stop)) {
		if (watch_read(s, &v) == 0) {
			if (last != -1 && v != last)
				atomic_fetch_add(&s->gen, 1);
			last = v;
		}
		usleep(STORE_WATCH_MS * 1000);
	}
	return NULL;
}

int
store_watch(struct store *s, struct error *e)
{
	/* On PostgreSQL there is no data_version to poll: other processes'
	 * commits are to be heard by LISTEN/NOTIFY on a connection of the
	 * watcher's own (decision 092, step 6), not built yet.  Until then
	 * the generation moves with this process's own writes only. */
	if (s->memory || s->watching || store_engine(s) == DB_PG)
		return 0;
	/* The first reading here, not in the thread: a change committed
	 * before the thread's first look would otherwise be its baseline,
	 * and missed. */
	s->watch_first = -1;
	writer_lock(s);
	(void)watch_read(s, &s->watch_first);
	writer_unlock(s);
	if (pthread_create(&s->watcher, NULL, watch_main, s) != 0)
		return error_set(e, ERR_IO, "cannot start the store watcher");
	s->watching = 1;
	return 0;
}
