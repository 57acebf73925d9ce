/*
 * Scheduled posts go live from a timer inside the server, at their time,
 * whether or not anyone visits (WordPress's cron runs only when a request
 * arrives, and misses schedules on a quiet site).  Publishing is a write,
 * so the store's generation moves and cached pages go.  The same thread
 * forgets expired sessions and invitations once an hour, and hands the
 * heap's free pages back to the system after the page cache freed much
 * (cache_tidy()).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../store/users.h"
#include "../util/banned.h"

#define SCHEDULE_TICK_MS       500
#define SCHEDULE_PURGE_SECONDS 3600

struct scheduler {
	struct store *store;
	pthread_t thread;
	atomic_int stop;
	_Atomic(struct site *) site; /* scheduler_watch() */
};

static void
publish_due(struct store *st)
{
	struct error e;
	int64_t n;

	/* One node publishes (issue 18); publishing twice would be
	 * harmless (the UPDATE takes only what is still scheduled), but
	 * the log would say it on every node. */
	if (!store_job_mine(st, STORE_JOB_SCHEDULE))
		return;
	if (store_publish_due(st, clock_now(), &n, &e) == -1)
		log_error("scheduler: %s", e.msg);
	else if (n > 0)
		log_info("scheduler: published %lld scheduled item(s)",
		         (long long)n);
}

static void *
scheduler_main(void *arg)
{
	struct scheduler *sc = arg;
	int64_t purged = 0;
	struct error e;

	while (!atomic_load(&sc->stop)) {
		struct site *s;

		publish_due(sc->store);
		cache_tidy();
		s = atomic_load(&sc->site);
		if (s != NULL)
			site_tick(s);
		if (clock_now() - purged >= SCHEDULE_PURGE_SECONDS &&
		    store_job_mine(sc->store, STORE_JOB_SCHEDULE)) {
			purged = clock_now();
			if (store_session_purge(sc->store, purged, &e) == -1)
				log_error("scheduler: %s", e.msg);
		}
		usleep(SCHEDULE_TICK_MS * 1000);
	}
	return NULL;
}

struct scheduler *
scheduler_start(struct store *st, struct error *e)
{
	struct scheduler *sc = xcalloc(1, sizeof(*sc));

	sc->store = st;
	/* What fell due while the server was down goes out before the
	 * first request is served. */
	publish_due(st);
	if (pthread_create(&sc->thread, NULL, scheduler_main, sc) != 0) {
		free(sc);
		error_set(e, ERR_IO, "cannot start the scheduler");
		return NULL;
	}
	return sc;
}

void
scheduler_watch(struct scheduler *sc, struct site *s)
{
	if (sc != NULL)
		atomic_store(&sc->site, s);
}

void
scheduler_stop(struct scheduler *sc)
{
	if (sc == NULL)
		return;
	atomic_store(&sc->stop, 1);
	pthread_join(sc->thread, NULL);
	free(sc);
}
