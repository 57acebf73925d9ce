/*
 * store_generation() and the watcher thread that moves it when another
 * process commits: on SQLite the CLI beside a running server, seen
 * through PRAGMA data_version; on PostgreSQL any other node (or CLI),
 * which tells the others what its commits changed by NOTIFY (decision
 * 098): "NODE g" (anything: the generation moves) or "NODE p ID…" (only
 * those posts' pages), each node listening on a connection of its own
 * and ignoring its own name.  A listening session that was lost missed
 * what was sent meanwhile: the generation moves then, so every cache
 * goes.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "../util/log.h"
#include "../util/banned.h"

/* How often the watcher looks for other processes' commits (SQLite), and
 * how long it waits for a notification at a time (PostgreSQL). */
#define STORE_WATCH_MS 50
/* The channel the nodes of one database tell each other on. */
#define STORE_CHANNEL "gazette_changes"

static const char SQL_DATA_VERSION[] = "PRAGMA data_version";
static const char SQL_TELL[] = "SELECT pg_notify('" STORE_CHANNEL "', ?)";

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
				store_generation_bump(s);
			last = v;
		}
		usleep(STORE_WATCH_MS * 1000);
	}
	return NULL;
}

/* This process's name among the nodes, made once (under the writer's
 * lock or before any thread). */
static void
node_name(struct store *s)
{
	unsigned char raw[8];

	if (s->node[0] != '\0')
		return;
	randombytes_buf(raw, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(s->node + 2 * i, 3, "%02x", raw[i]);
}

void
watch_tell(struct store *s, const int64_t *ids, int n)
{
	/* "NODE p" and up to SCOPE_POSTS ids of 20 digits */
	char payload[sizeof(s->node) + 4 + SCOPE_POSTS * 21];
	struct db_stmt *st;
	struct error e;
	size_t len;

	if (store_engine(s) != DB_PG)
		return;
	node_name(s);
	len = (size_t)snprintf(payload, sizeof(payload), "%s %s", s->node,
	                       n < 0 ? "g" : "p");
	for (int i = 0; i < n && len < sizeof(payload); i++)
		len += (size_t)snprintf(payload + len, sizeof(payload) - len,
		                        " %" PRId64, ids[i]);
	st = conn_prep(&s->w, SQL_TELL, &e);
	if (st == NULL || (bind_text(st, 1, payload),
	                   db_step(st, "telling the other nodes", &e)) == -1)
		log_error("store: %s (their cached pages of this change "
		          "stay until the next)",
		          e.msg);
	if (st != NULL)
		stmt_done(st);
}

/* What another node told: its name, then "g" or "p ID…". */
static void
watch_heard(struct store *s, const char *msg)
{
	int64_t ids[SCOPE_POSTS];
	size_t nl = strlen(s->node);
	const char *p;
	char *end;
	int n = 0;

	if (strncmp(msg, s->node, nl) == 0 && msg[nl] == ' ')
		return; /* ours, applied when committed */
	p = strchr(msg, ' ');
	if (p == NULL || p[1] != 'p') {
		store_generation_bump(s);
		return;
	}
	for (p += 2; *p == ' ' && n < SCOPE_POSTS; p = end) {
		long long id = strtoll(p + 1, &end, 10);

		if (end == p + 1)
			break;
		ids[n++] = id;
	}
	if (*p != '\0' || n == 0) /* not ours to read: anything */
		store_generation_bump(s);
	else
		changes_posts(s, ids, n);
}

static void *
listen_main(void *arg)
{
	struct store *s = arg;
	char msg[256];
	struct error e;

	while (!atomic_load(&s->watch_stop)) {
		int rc = db_wait(s->listener, STORE_WATCH_MS, msg, sizeof(msg),
		                 &e);

		if (rc == 1) {
			watch_heard(s, msg);
		} else if (rc == -1) {
			store_generation_bump(s);
			log_info("store: %s; cached pages dropped", e.msg);
			usleep(STORE_WATCH_MS * 1000 * 4);
		}
	}
	return NULL;
}

static int
listen_start(struct store *s, struct error *e)
{
	writer_lock(s);
	node_name(s);
	writer_unlock(s);
	s->listener = db_open(s->path, e);
	if (s->listener == NULL)
		return -1;
	if (db_listen(s->listener, STORE_CHANNEL, e) == -1) {
		db_close(s->listener);
		s->listener = NULL;
		return -1;
	}
	if (pthread_create(&s->watcher, NULL, listen_main, s) != 0) {
		db_close(s->listener);
		s->listener = NULL;
		return error_set(e, ERR_IO, "cannot start the store watcher");
	}
	s->watching = 1;
	return 0;
}

void
watch_stop(struct store *s)
{
	if (s->watching) {
		atomic_store(&s->watch_stop, 1);
		pthread_join(s->watcher, NULL);
		s->watching = 0;
	}
	db_close(s->listener);
	s->listener = NULL;
}

int
store_watch(struct store *s, struct error *e)
{
	if (s->memory || s->watching)
		return 0;
	/* On PostgreSQL there is no data_version to poll: other processes'
	 * commits are heard by LISTEN/NOTIFY on a connection of the
	 * watcher's own (decision 098). */
	if (store_engine(s) == DB_PG)
		return listen_start(s, e);
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
