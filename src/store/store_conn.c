/*
 * The connections under a store: prepared statements only (cached per
 * connection), one writer connection behind a mutex and one read
 * connection per thread; transactions, the scopes that say which posts a
 * change touched, and the one-statement reads and writes every store file
 * goes through.
 *
 * Transactions, scopes, write_one/write_step, rd_prep and count_one go
 * through the driver (db.h, decision 092), so they serve either engine.
 * What is still SQLite's alone is named so: conn_open and reader_get's
 * PRAGMAs (opening a file: WAL, a busy timeout, defensive mode; a
 * PostgreSQL store opens its connections in store_pg.c), conn_exec, and
 * conn_stmt, rd_open and sq_write_step, which serve the files not yet
 * moved onto the driver and go with the last of them.  A PostgreSQL
 * store's connections have no sqlite3 handle (c->db NULL): those paths
 * refuse them with an error naming the SQL (not_on_pg), so a store file
 * not yet converted fails its call there instead of crashing.
 */
#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db_ops.h"
#include "internal.h"
#include "search.h"
#include "../util/alloc.h"
#include "../util/banned.h"

#define BUSY_TIMEOUT_MS 5000

void
conn_close(struct conn *c)
{
	for (int i = 0; i < STMT_SLOTS; i++) {
		sqlite3_finalize(c->stmts[i].st);
		db_finalize(c->dstmts[i].st);
	}
	/* On SQLite the wrapper only, c->db is closed here; on PostgreSQL
	 * the session itself. */
	db_close(c->d);
	sqlite3_close(c->db);
	memset(c, 0, sizeof(*c));
}

int
conn_open(struct conn *c, const char *path, int flags, struct error *e)
{
	memset(c, 0, sizeof(*c));
	if (sqlite3_open_v2(path, &c->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		error_set(e, ERR_IO, "cannot open database '%s': %s", path,
		          c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite3_close(c->db);
		c->db = NULL;
		return -1;
	}
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	if (search_functions_add(c->db, e) == -1) {
		sqlite3_close(c->db);
		c->db = NULL;
		return -1;
	}
	c->d = db_sqlite_wrap(c->db);
	return 0;
}

/* The SQLite-only paths on a connection without a sqlite3 handle. */
static int
not_on_pg(struct error *e, const char *sql)
{
	return error_set(e, ERR_IO,
	                 "not on PostgreSQL yet (SQLite's alone): %.40s", sql);
}

int
conn_exec(struct conn *c, const char *sql, struct error *e)
{
	char *msg = NULL;

	if (c->db == NULL)
		return not_on_pg(e, sql);
	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error_set(e, ERR_IO, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
conn_stmt(struct conn *c, const char *sql, struct error *e)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;

	if (c->db == NULL) {
		not_on_pg(e, sql);
		return NULL;
	}
	for (size_t k = 0; k < STMT_SLOTS; k++) {
		struct stmt_slot *slot = &c->stmts[(h + k) % STMT_SLOTS];

		if (slot->sql == sql)
			return slot->st;
		if (slot->sql != NULL)
			continue;
		if (sqlite3_prepare_v3(c->db, sql, -1,
		                       SQLITE_PREPARE_PERSISTENT, &slot->st,
		                       NULL) != SQLITE_OK) {
			db_error(e, c->db, "prepare");
			slot->st = NULL;
			return NULL;
		}
		slot->sql = sql;
		return slot->st;
	}
	/* More statements than slots is a programming error, not input. */
	error_set(e, ERR_IO, "statement cache full (STMT_SLOTS)");
	return NULL;
}

struct db_stmt *
conn_prep(struct conn *c, const char *sql, struct error *e)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;

	for (size_t k = 0; k < STMT_SLOTS; k++) {
		struct db_slot *slot = &c->dstmts[(h + k) % STMT_SLOTS];

		if (slot->sql == sql)
			return slot->st;
		if (slot->sql != NULL)
			continue;
		slot->st = db_prepare(c->d, sql, e);
		if (slot->st == NULL)
			return NULL;
		slot->sql = sql;
		return slot->st;
	}
	error_set(e, ERR_IO, "statement cache full (STMT_SLOTS)");
	return NULL;
}

enum db_engine
store_engine(const struct store *s)
{
	return db_engine(s->w.d);
}

/* ---- locking ---------------------------------------------------------- */

int
owns_writer(struct store *s)
{
	return s->depth > 0 && pthread_equal(s->owner, pthread_self());
}

struct conn *
writer_lock(struct store *s)
{
	pthread_mutex_lock(&s->wlock);
	return &s->w;
}

/* Fibonacci hashing: the top bits of id times 2^64 / phi pick the slot. */
static atomic_uint_least64_t *
post_slot(struct store *s, int64_t id)
{
	if (id == STORE_ANY_POST)
		return &s->any_post;
	return &s->post_slots[((uint64_t)id * 0x9e3779b97f4a7c15ull) >> 52];
}

/*
 * What the writer's last change touched, once it is committed (or rolled
 * back): nothing; only posts named by scopes (their versions move); or
 * anything (the generation moves, so caches of what readers saw go).
 * Inside a transaction or a scope nothing is visible yet, and the release
 * that ends it decides.
 */
void
changes_posts(struct store *s, const int64_t *ids, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t v = atomic_fetch_add(&s->post_clock, 1) + 1;

		atomic_store(post_slot(s, ids[i]), v);
		atomic_store(post_slot(s, STORE_ANY_POST), v);
	}
}

/*
 * What the writer's changes since the last publish come to, scoped the
 * changes inside scopes: 0 nothing for any page (none, or scoped ones of
 * no post), 1 the scopes' posts, 2 anything.
 */
static int
changes_kind(const struct store *s, long long changes, long long scoped)
{
	long long n = changes - s->changes_seen;

	if (n == 0)
		return 0;
	if (n == scoped && s->nscope <= SCOPE_POSTS)
		return s->nscope > 0;
	return 2;
}

/*
 * On PostgreSQL, just before a transaction's COMMIT: tell the other
 * nodes what it changed, inside it, so that its COMMIT delivers the
 * notification with the change and a rollback drops both; a node dying
 * between COMMIT and a NOTIFY sent after it would leave the others'
 * cached pages of the change for up to an hour (decision 102).  The
 * writes of a scope still open count as its (scope_close() adds them
 * after), and its post must have been named (scope_post()).
 */
static void
tell_in_txn(struct store *s)
{
	long long changes = db_total_changes(s->w.d);
	int kind =
		changes_kind(s, changes,
	                     s->scoped_changes +
	                             (s->scoping > 0 ? changes - s->scope_mark
	                                             : 0));

	if (store_engine(s) != DB_PG || kind == 0)
		return;
	watch_tell(s, kind == 1 ? s->scope_posts : NULL,
	           kind == 1 ? s->nscope : -1);
	s->told_upto = changes;
	s->told_kind = kind;
	s->told_n = s->nscope;
}

static void
changes_publish(struct store *s)
{
	long long changes = db_total_changes(s->w.d);
	int kind = changes_kind(s, changes, s->scoped_changes);
	/* Told inside the transaction already, and nothing since. */
	int told = s->told_upto == changes && s->told_kind == kind &&
	           s->told_n == s->nscope;

	if (kind == 1) {
		changes_posts(s, s->scope_posts, s->nscope);
		/* The other nodes' caches too (PostgreSQL). */
		if (kind == 1 && !told)
			watch_tell(s, s->scope_posts, s->nscope);
	} else if (kind == 2) {
		atomic_fetch_add_explicit(&s->gen, 1, memory_order_release);
		if (!told)
			watch_tell(s, NULL, -1);
	}
	s->told_upto = -1;
	s->changes_seen = changes;
	s->scoped_changes = 0;
	s->nscope = 0;
}

void
writer_unlock(struct store *s)
{
	if (s->depth == 0 && s->scoping == 0)
		changes_publish(s);
	pthread_mutex_unlock(&s->wlock);
}

long long
scope_open(struct store *s)
{
	long long mark;

	writer_lock(s);
	mark = db_total_changes(s->w.d);
	if (s->scoping++ == 0)
		s->scope_mark = mark;
	return mark;
}

void
scope_post(struct store *s, int64_t post_id)
{
	int i = 0;

	if (post_id == 0 || s->nscope > SCOPE_POSTS)
		return;
	while (i < s->nscope && s->scope_posts[i] != post_id)
		i++;
	if (i == s->nscope && s->nscope++ < SCOPE_POSTS)
		s->scope_posts[i] = post_id;
}

void
scope_close(struct store *s, long long mark, int64_t post_id)
{
	s->scoped_changes += db_total_changes(s->w.d) - mark;
	scope_post(s, post_id);
	s->scoping--;
	writer_unlock(s);
}

uint64_t
store_post_clock(struct store *s)
{
	return atomic_load(&s->post_clock);
}

uint64_t
store_post_version(struct store *s, int64_t id)
{
	return atomic_load(post_slot(s, id));
}

void
reader_destroy(void *p)
{
	(void)p; /* closed by store_close(), which knows them all */
}

/*
 * The calling thread's read connection.  Inside the thread's own write
 * transaction (or on a :memory: database) reads go to the writer, so they
 * see what the transaction wrote; *locked tells the caller to unlock.
 */
struct conn *
reader_get(struct store *s, int *locked, struct error *e)
{
	struct conn *c;

	*locked = 0;
	if (s->memory || owns_writer(s)) {
		*locked = 1;
		return writer_lock(s);
	}
	c = pthread_getspecific(s->rkey);
	if (c != NULL)
		return c;
	c = xcalloc(1, sizeof(*c));
	if (store_engine(s) == DB_PG) {
		/* A session of its own (store_pg.c); its snapshots are READ
		 * ONLY (db_begin's DB_READ), as query_only keeps SQLite's. */
		if (pg_conn_open(c, s->path, e) == -1) {
			free(c);
			return NULL;
		}
	} else if (conn_open(c, s->path, SQLITE_OPEN_READONLY, e) == -1) {
		free(c);
		return NULL;
	} else {
		conn_exec(c, "PRAGMA query_only = 1", NULL);
		/* Reads map the file rather than copy it through pread: a
		 * search touches many pages of a big index
		 * (bench/search.sh). */
		conn_exec(c, "PRAGMA mmap_size = " STORE_MMAP_BYTES, NULL);
	}
	pthread_setspecific(s->rkey, c);
	pthread_mutex_lock(&s->rlist_lock);
	s->readers = xrealloc(s->readers, (s->nreaders + 1) * sizeof(c));
	s->readers[s->nreaders++] = c;
	pthread_mutex_unlock(&s->rlist_lock);
	return c;
}

/* Inside the page's read transaction (store_read_begin) both do
 * nothing: its snapshot is the one to read.  (SQLite's driver keeps its
 * BEGIN and COMMIT prepared: a page may take several snapshots.) */
int
reader_begin(struct conn *c, struct error *e)
{
	if (c->reading)
		return 0;
	return db_begin(c->d, DB_READ, e);
}

int
reader_end(struct conn *c, struct error *e)
{
	if (c->reading || !db_in_txn(c->d))
		return 0;
	if (db_commit(c->d, e) == -1) {
		db_rollback(c->d, NULL);
		return -1;
	}
	return 0;
}

void
reader_put(struct store *s, int locked)
{
	if (locked)
		writer_unlock(s);
}

int
store_begin(struct store *s, struct error *e)
{
	writer_lock(s);
	if (s->depth++ == 0) {
		s->owner = pthread_self();
		s->failed = 0;
		if (db_begin(s->w.d, DB_WRITE, e) == -1) {
			s->depth--;
			writer_unlock(s);
			return -1;
		}
	}
	return 0;
}

int
store_commit(struct store *s, struct error *e)
{
	int rc = 0;

	if (--s->depth == 0) {
		if (s->failed) {
			db_rollback(s->w.d, NULL);
			rc = error_set(e, ERR_IO, "transaction rolled back");
		} else if ((tell_in_txn(s), db_commit(s->w.d, e)) == -1) {
			db_rollback(s->w.d, NULL);
			rc = -1;
		}
	}
	writer_unlock(s);
	return rc;
}

void
store_rollback(struct store *s)
{
	if (--s->depth == 0)
		db_rollback(s->w.d, NULL);
	else
		s->failed = 1;
	writer_unlock(s);
}

/* ---- one-statement writes -------------------------------------------- */

/*
 * Run a prepared write on the writer, stepped to its end.  Returns 0, or
 * -1 with e.  With id, the write's first row's column 0 goes to *id: its
 * SQL ends in RETURNING id (decision 091), and *id is 0 when it returned
 * no row (ON CONFLICT DO NOTHING).
 */
static int
step_write(struct db_stmt *st, const char *what, int64_t *id, int64_t *changes,
           struct error *e)
{
	int rc = db_step(st, what, e);

	/* A failed write leaves *id as it was. */
	if (id != NULL && rc != -1) {
		/* Asked for an id of SQL that returns none: a mistake. */
		assert(db_column_count(st) > 0);
		*id = rc == 1 ? db_column_int64(st, 0) : 0;
	}
	while (rc == 1)
		rc = db_step(st, what, e);
	/* Known at the end, gone with the reset. */
	if (rc == 0 && changes != NULL)
		*changes = db_changes(st);
	stmt_done(st);
	return rc;
}

int
dbs_write_step(struct store *s, struct db_stmt *st, const char *what,
               int64_t *id, struct error *e)
{
	(void)s; /* the writer st was prepared on */
	return step_write(st, what, id, NULL, e);
}

/* The same for the files still on sqlite3_stmt (decision 092). */
int
sq_write_step(struct store *s, sqlite3_stmt *st, const char *what, int64_t *id,
              struct error *e)
{
	int rc = sqlite3_step(st);

	if (id != NULL && (rc == SQLITE_ROW || rc == SQLITE_DONE)) {
		assert(sqlite3_column_count(st) > 0);
		*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	}
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		db_error(e, s->w.db, what);
		stmt_done(st);
		return -1;
	}
	stmt_done(st);
	return 0;
}

/* write_one and write_count: bind ap by types, step, count the changes. */
static int
write_v(struct store *s, const char *sql, const char *what, int64_t *id,
        int64_t *changes, struct error *e, const char *types, va_list ap)
{
	struct db_stmt *st;
	int rc = -1;

	writer_lock(s);
	st = conn_prep(&s->w, sql, e);
	if (st != NULL) {
		for (int i = 0; types[i] != '\0'; i++) {
			switch (types[i]) {
			case 's':
				bind_text(st, i + 1, va_arg(ap, const char *));
				break;
			case 'i':
				db_bind_int64(st, i + 1, va_arg(ap, int));
				break;
			case 'l':
				db_bind_int64(st, i + 1, va_arg(ap, int64_t));
				break;
			case 'n':
				bind_id(st, i + 1, va_arg(ap, int64_t));
				break;
			default:
				assert(!"bad type in write_one");
			}
		}
		rc = step_write(st, what, id, changes, e);
	}
	writer_unlock(s);
	return rc;
}

/*
 * One statement on the writer, its parameters bound from types: 's' text
 * (NULL binds NULL), 'i' int, 'l' int64_t, 'n' id (int64_t, 0 binds NULL).
 * With id, the SQL ends in RETURNING id (as write_step's).
 */
int
write_one(struct store *s, const char *sql, const char *what, int64_t *id,
          struct error *e, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = write_v(s, sql, what, id, NULL, e, types, ap);
	va_end(ap);
	return rc;
}

int
write_private(struct store *s, const char *sql, const char *what,
              struct error *e, const char *types, ...)
{
	long long mark = scope_open(s);
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = write_v(s, sql, what, NULL, NULL, e, types, ap);
	va_end(ap);
	scope_close(s, mark, 0);
	return rc;
}

int
write_count(struct store *s, const char *sql, const char *what,
            int64_t *changes, struct error *e, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = write_v(s, sql, what, NULL, changes, e, types, ap);
	va_end(ap);
	return rc;
}

void
store_read_begin(struct store *s)
{
	struct error e;
	int locked;
	struct conn *c;

	if (s->memory || owns_writer(s))
		return;
	c = reader_get(s, &locked, &e);
	if (c == NULL || c->reading)
		return;
	c->read_gen = store_generation(s);
	c->reading = db_begin(c->d, DB_READ, NULL) == 0;
}

int
store_reading(struct store *s)
{
	struct conn *c = s->memory ? NULL : pthread_getspecific(s->rkey);

	return c != NULL && c->reading;
}

unsigned long
store_round_trips(struct store *s)
{
	struct conn *c = s->memory ? NULL : pthread_getspecific(s->rkey);

	return c != NULL ? db_round_trips(c->d) : 0;
}

void
store_read_end(struct store *s)
{
	struct conn *c = s->memory ? NULL : pthread_getspecific(s->rkey);

	if (c == NULL || !c->reading)
		return;
	c->reading = 0;
	(void)reader_end(c, NULL);
}

sqlite3_stmt *
rd_open(struct rd *q, struct store *s, const char *sql, struct error *e)
{
	q->s = s;
	q->st = NULL;
	q->dst = NULL;
	q->c = reader_get(s, &q->locked, e);
	if (q->c == NULL)
		return NULL;
	q->st = conn_stmt(q->c, sql, e);
	if (q->st == NULL)
		reader_put(s, q->locked);
	return q->st;
}

struct db_stmt *
rd_prep(struct rd *q, struct store *s, const char *sql, struct error *e)
{
	q->s = s;
	q->st = NULL;
	q->dst = NULL;
	q->c = reader_get(s, &q->locked, e);
	if (q->c == NULL)
		return NULL;
	q->dst = conn_prep(q->c, sql, e);
	if (q->dst == NULL)
		reader_put(s, q->locked);
	return q->dst;
}

int
rd_step(struct rd *q, const char *what, struct error *e)
{
	int step;

	if (q->dst != NULL)
		return db_step(q->dst, what, e);
	step = sqlite3_step(q->st);
	if (step == SQLITE_ROW)
		return 1;
	if (step == SQLITE_DONE)
		return 0;
	return db_error(e, q->c->db, what);
}

void
rd_close(struct rd *q)
{
	if (q->dst != NULL)
		stmt_done(q->dst);
	else
		stmt_done(q->st);
	reader_put(q->s, q->locked);
}

/* A single count(*) with up to two bound values. */
int
count_one(struct store *s, const char *sql, const char *text, int64_t num,
          int64_t *n, struct error *e)
{
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	*n = 0;
	if (c == NULL)
		return -1;
	st = conn_prep(c, sql, e);
	if (st == NULL)
		goto out;
	if (text != NULL)
		bind_text(st, 1, text);
	else
		db_bind_int64(st, 1, num);
	rc = db_step(st, "count", e);
	if (rc == 1) {
		*n = db_column_int64(st, 0);
		rc = 0;
	} else if (rc == 0)
		rc = error_set(e, ERR_IO, "count: no row");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}
