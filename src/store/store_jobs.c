/*
 * Periodic jobs that must run on one node at a time (issue 18): publishing
 * what falls due, fetching the river's feeds, sending the outbox.  On
 * PostgreSQL each job is a session advisory lock, taken with
 * pg_try_advisory_lock on a connection kept for them: the node that holds
 * it runs the job, the others ask again at their next round, and a node
 * that dies lets go of its locks with its session (at once when its
 * process ends; when its machine vanishes, after the server's TCP
 * keepalive gives up on it).  A session made again holds nothing, so the
 * locks are taken again from scratch then (db_session).  On SQLite one
 * process serves a site: its jobs are always its own.
 */
#include <pthread.h>
#include <string.h>

#include "internal.h"
#include "../util/log.h"
#include "../util/banned.h"

/* "gazette" in the high bytes of every key, the job in the low one, so
 * the locks do not meet another program's on a shared database. */
#define JOB_KEY_BASE 0x67617a6574746500LL

static const char *const job_names[STORE_JOB__MAX] = {
	[STORE_JOB_SCHEDULE] = "scheduled publishing",
	[STORE_JOB_RIVER] = "feed fetching",
	[STORE_JOB_OUTBOX] = "mail sending",
};

static const char SQL_JOB_TRY[] = "SELECT pg_try_advisory_lock(?)";
static const char SQL_JOB_ALIVE[] = "SELECT 1";

/* One lock for the jobs' connection of every store: asked once a round
 * by a handful of threads. */
static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;

/* Run the jobs connection's statement *st (prepared on first use and
 * kept: the driver prepares it again on a new session). */
static int
one_row(struct db *d, struct db_stmt **st, const char *sql, int64_t arg,
        int64_t *out, struct error *e)
{
	int rc;

	if (*st == NULL && (*st = db_prepare(d, sql, e)) == NULL)
		return -1;
	if (db_param_count(*st) > 0)
		db_bind_int64(*st, 1, arg);
	rc = db_step(*st, "jobs", e);
	if (rc == 1)
		*out = db_column_int64(*st, 0);
	db_reset(*st);
	return rc == 1 ? 0 : -1;
}

int
store_job_mine(struct store *s, enum store_job job)
{
	unsigned bit = 1u << job;
	struct error e;
	int64_t got = 0;
	int mine;

	if (store_engine(s) != DB_PG)
		return 1;
	pthread_mutex_lock(&jobs_lock);
	if (s->jobs == NULL) {
		s->jobs = db_open(s->path, &e);
		if (s->jobs == NULL) {
			log_error("jobs: %s", e.msg);
			pthread_mutex_unlock(&jobs_lock);
			return 0;
		}
		s->jobs_session = db_session(s->jobs);
	}
	/* A statement first: a lost session is made again by it, and
	 * then nothing is held any more. */
	if (s->jobs_held != 0 && (one_row(s->jobs, &s->jobs_alive,
	                                  SQL_JOB_ALIVE, 0, &got, &e) == -1 ||
	                          db_session(s->jobs) != s->jobs_session)) {
		log_info("jobs: the database session holding this node's "
		         "jobs was lost; asking for them again");
		s->jobs_held = 0;
	}
	if (!(s->jobs_held & bit)) {
		if (one_row(s->jobs, &s->jobs_try, SQL_JOB_TRY,
		            JOB_KEY_BASE + job, &got, &e) == -1) {
			log_error("jobs: %s", e.msg);
		} else if (got) {
			if (db_session(s->jobs) != s->jobs_session)
				s->jobs_held = 0; /* taken on a new session */
			s->jobs_session = db_session(s->jobs);
			s->jobs_held |= bit;
			log_info("jobs: this node runs %s", job_names[job]);
		}
	}
	mine = (s->jobs_held & bit) != 0;
	pthread_mutex_unlock(&jobs_lock);
	return mine;
}

void
store_jobs_close(struct store *s)
{
	pthread_mutex_lock(&jobs_lock);
	db_finalize(s->jobs_try);
	db_finalize(s->jobs_alive);
	s->jobs_try = s->jobs_alive = NULL;
	db_close(s->jobs); /* the session's locks go with it */
	s->jobs = NULL;
	s->jobs_held = 0;
	pthread_mutex_unlock(&jobs_lock);
}
