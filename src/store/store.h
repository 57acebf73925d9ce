#ifndef GAZETTE_STORE_H
#define GAZETTE_STORE_H
/*
 * The storage API's door: opening a database, transactions, the settings
 * table, and the numbers caches check to know the database moved.  What is
 * stored lives behind one header per entity beside this one (posts.h,
 * comments.h, users.h, site.h, views.h, search.h, import.h, notify.h,
 * spam.h); controls that only mean something on SQLite are in sqlite.h.
 * The store_*.c files implement them all on SQLite (the default); a
 * PostgreSQL implementation will sit behind the same headers for
 * scale-out.  Callers never see SQL or a database handle.
 *
 * Threads: any thread may call any function.  Writes go through one writer
 * connection, one at a time; reads use a connection of the calling thread's
 * own, opened on first use (WAL lets them run beside the writer).  Strings
 * returned in structs live in the arena the caller passes.
 *
 * Errors: ERR_NOT_FOUND (no such row), ERR_CONFLICT (a unique key taken),
 * ERR_INVALID (a value the schema refuses), ERR_IO (everything else).
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/error.h"

/* Index of name in names[0..n), or -1. */
int enum_lookup(const char *const *names, int n, const char *name);

struct store;

/*
 * Open the database at path (":memory:" for tests), creating it when create
 * is set and refusing when it is not there otherwise, then apply pending
 * migrations.  A database that records a migration newer than this binary
 * knows is refused (ERR_IO: the process cannot run on it) before anything
 * is written.  path may be a "postgresql://…" or "postgres://…" URL
 * instead (decision 095; not every store file works there yet): the
 * database must exist, and without create one that has no gazette schema
 * is refused (ERR_NOT_FOUND).
 */
struct store *store_open(const char *path, int create, struct error *e);
/* Does store_open() take path as a PostgreSQL URL? */
int store_url_is_pg(const char *path);
void store_close(struct store *s);
/* The highest migration this binary knows, and the one the database has. */
int store_schema_version(struct store *s, int64_t *db_version, int64_t *known,
                         struct error *e);

/*
 * Moving a site (`gazette migrate --to`, store_copy.c).  store_copy_target
 * checks that url names a database with nothing in it yet (a PostgreSQL
 * database with no tables, or "sqlite:PATH" / PATH that does not exist)
 * and gives in *open_as what to pass to store_open(…, 1, …).  store_copy
 * copies every row of from into to (that new store), the search index
 * made again from the copied posts, in one snapshot of from and one
 * transaction of to; each table's rows are counted on both sides before
 * the commit, and the copy is rolled back on any difference.  *out lists
 * the tables in the order they were filled, with their rows.
 */
struct store_copied {
	const char *table;
	int64_t rows;
};
int store_copy_target(const char *url, struct arena *a, const char **open_as,
                      struct error *e);
int store_copy(struct store *from, struct store *to, struct arena *a,
               struct store_copied **out, size_t *n, struct error *e);

/*
 * Periodic jobs that run on one node at a time (store_jobs.c): 1 when
 * this process is the one to run job now (always on SQLite), 0 when
 * another node holds it or the database cannot be asked.  Ask at each
 * round: a node that dies hands its jobs over to the next that asks.
 */
enum store_job {
	STORE_JOB_SCHEDULE, /* publishing what falls due, purging sessions */
	STORE_JOB_RIVER,    /* fetching feeds, video thumbnails, pruning */
	STORE_JOB_OUTBOX,   /* sending mail */
	STORE_JOB__MAX
};
int store_job_mine(struct store *s, enum store_job job);

/* A write transaction around several calls (for bulk work: demo, import). */
int store_begin(struct store *s, struct error *e);
int store_commit(struct store *s, struct error *e);
/*
 * After a bulk load (a moved site, an import, a demo), outside its
 * transaction: on PostgreSQL the planner's statistics of every table,
 * which autovacuum would gather only a minute or more later (until then a
 * reader's page cost PostgreSQL three times the CPU, decision 100); on
 * SQLite nothing: its plans are made without (test_plans).
 */
int store_analyze(struct store *s, struct error *e);
void store_rollback(struct store *s);

/* settings(key, value) */
int store_setting_set(struct store *s, const char *key, const char *value,
                      struct error *e);
/* *value is NULL when unset (not an error). */
int store_setting_get(struct store *s, struct arena *a, const char *key,
                      const char **value, struct error *e);

/*
 * A number that grows whenever the database may have changed: at once for
 * writes made through this store, and within STORE_WATCH_MS for commits of
 * other processes (such as the CLI beside a running server) once
 * store_watch() has started the watcher thread.  Reading it costs one
 * atomic load, so caches can check it on every request.
 */
uint64_t store_generation(struct store *s);
/* Move the generation without a write: what depends on more than the
 * database changed (the templates were read again), so every cache
 * keyed on the generation starts over. */
void store_generation_bump(struct store *s);
/* On PostgreSQL it starts nothing yet (LISTEN/NOTIFY is to come). */
int store_watch(struct store *s, struct error *e);
/*
 * Finer than the generation, for changes that touch one post only (a
 * comment added, moderated or edited), which do not move the generation:
 * store_post_clock() grows with each such change, and
 * store_post_version(id) is the clock's value after the last change to
 * post id (posts may share a slot: a change to one then counts for the
 * other too).  STORE_ANY_POST names every post's slot at once: it moves
 * with every such change.  A cache entry made after reading clock0 =
 * store_post_clock() shows post id as it is while
 * store_post_version(id) <= clock0.  View counts move neither number.
 */
#define STORE_ANY_POST (-1)
uint64_t store_post_clock(struct store *s);
uint64_t store_post_version(struct store *s, int64_t id);
/*
 * Reads of the calling thread from here to store_read_end() see one
 * snapshot of the database (one read transaction: a page's statements
 * take the WAL's read lock once, not each).  Reads inside the thread's
 * own write transaction still see that transaction.  Not nested.
 */
void store_read_begin(struct store *s);
void store_read_end(struct store *s);
/* Is the calling thread between store_read_begin() and _end()? */
int store_reading(struct store *s);
/* How many times the calling thread's reader has waited for its
 * database so far (db_round_trips: PostgreSQL; 0 on SQLite): what a
 * page's reads cost in round trips, for tests and benchmarks. */
unsigned long store_round_trips(struct store *s);

/* Forget a setting (its default applies again); 0 also when unset. */
int store_setting_delete(struct store *s, const char *key, struct error *e);

/*
 * A site secret of n bytes named name (settings "secret_<name>", hex),
 * made from the system's random source the first time it is asked for.
 * For keyed hashes and signed tokens that must survive a restart.
 */
int store_secret(struct store *s, const char *name, unsigned char *out,
                 size_t n, struct error *e);

/*
 * A consistent copy of the database in the new file dest (never an
 * existing one: ERR_CONFLICT), as of one commit, with SQLite's online
 * backup API: other processes' writers go on meanwhile.  The copy is made
 * as dest.partial, checked (quick_check), synced and renamed, so a
 * failure leaves no file named dest.  One file, not in WAL mode.  On
 * PostgreSQL, ERR_INVALID: pg_dump copies such a database.
 */
int store_backup(struct store *s, const char *dest, struct error *e);
/* The database file src (a backup), checked, copied the same way to the
 * new file dest.  ERR_INVALID when src is not a sound SQLite database. */
int store_restore(const char *src, const char *dest, struct error *e);
/* /healthz: the file at the store's path is still the one opened (on
 * SQLite), and a read of it on the calling thread's connection succeeds
 * (ERR_IO else); the schema version in *version.  Opens no descriptor
 * (but a PostgreSQL reader's first session). */
int store_health(struct store *s, int64_t *version, struct error *e);
/*
 * After a leak: every site secret (settings "secret_*") replaced by new
 * random bytes of its length, and every session ended, in one
 * transaction; *keys says how many secrets.  A running server keeps the
 * keys it read until it is restarted.
 */
int store_secrets_rotate(struct store *s, int64_t *keys, struct error *e);
/* The database's bytes on disk, its -wal included (PostgreSQL's
 * pg_database_size); -1 if unreadable. */
int store_size(struct store *s, int64_t *bytes);
#endif
