#ifndef GAZETTE_STORE_INTERNAL_H
#define GAZETTE_STORE_INTERNAL_H
/*
 * Shared by the store_*.c files that implement store.h and the entity
 * headers on SQLite: the connections, the store, and the helpers every
 * query goes through (store_stmt.c, store_conn.c, store_post_row.c).  Each
 * file keeps its SQL as `static const char SQL_X[]`; a connection prepares
 * a statement the first time it sees that array and keeps it, keyed by the
 * array's address.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <stdatomic.h>

#include "db.h"
#include "posts.h"
#include "sqlite.h"
#include "store.h"

#define STMT_SLOTS 128 /* statements one connection keeps prepared */
/* Slots of store_post_version(): posts sharing one are changed together.
 * 2^12: post_slot() takes the top 12 bits of a 64-bit hash. */
#define STORE_POST_SLOTS 4096
/* Posts one scoped change may name before it counts as a change of all. */
#define SCOPE_POSTS 8
/*
 * Address space each read connection may map of the database file: as
 * much as SQLite allows (it clamps this to its build's
 * SQLITE_MAX_MMAP_SIZE, 2 GiB less 64 KiB on Debian).  Pages past the
 * mapping are read with pread into each connection's page cache: with
 * 1 GiB, a 1.2 GiB site of 100,000 posts spent a tenth of its search time
 * copying them.
 */
#define STORE_MMAP_BYTES "2147418112"

struct stmt_slot {
	const char *sql; /* the key: the address of a SQL_X array */
	sqlite3_stmt *st;
};

/* A statement of the driver (db.h), cached the same way. */
struct db_slot {
	const char *sql;
	struct db_stmt *st;
};

struct conn {
	sqlite3 *db;
	struct stmt_slot stmts[STMT_SLOTS];
	/* The same connection through the driver (decision 092): the files
	 * converted so far prepare here (conn_prep, rd_prep). */
	struct db *d;
	struct db_slot dstmts[STMT_SLOTS];
	int reading; /* inside store_read_begin() (read connections only) */
	uint64_t read_gen; /* store_generation() as that read began */
};

struct store {
	char *path;
	dev_t file_dev; /* the database file as opened (store_health) */
	ino_t file_ino;
	int memory; /* ":memory:": every read goes through the writer */
	struct conn w;
	pthread_mutex_t wlock; /* recursive: held for a whole transaction */
	pthread_t owner;
	int depth;  /* nesting of store_begin() by owner */
	int failed; /* an inner transaction rolled back */
	int bulk;   /* store_import_bulk() on: the insert triggers are off */
	int64_t bulk_indexed; /* posts it has indexed since */
	pthread_key_t rkey;
	pthread_mutex_t rlist_lock;
	struct conn **readers; /* every read connection, closed at the end */
	size_t nreaders;
	atomic_uint_least64_t gen; /* store_generation() */
	/* store_post_clock() and the slots of store_post_version(). */
	atomic_uint_least64_t post_clock;
	atomic_uint_least64_t post_slots[STORE_POST_SLOTS];
	atomic_uint_least64_t any_post; /* STORE_ANY_POST */
	/* The writes inside scope_open()/scope_close() of the writer's
	 * current change: how many rows they changed and which posts they
	 * touched (more than SCOPE_POSTS: as if every post). */
	int scoping;
	long long scoped_changes;
	int64_t scope_posts[SCOPE_POSTS];
	int nscope;           /* SCOPE_POSTS + 1: too many to name */
	long long scope_mark; /* db_total_changes at the outermost open */
	/* PostgreSQL: what a transaction told the other nodes before its
	 * COMMIT (tell_in_txn), at which db_total_changes; -1 none. */
	long long told_upto;
	int told_kind, told_n;
	/* store_setting_get()'s snapshot of the settings table. */
	pthread_rwlock_t settings_lock;
	struct settings_snap *settings;
	struct search_cache *search_cache; /* store_search.c: term counts */
	/* store_order.c: the listed posts' order, and one maker at a time. */
	pthread_rwlock_t order_lock;
	pthread_mutex_t order_build;
	struct order *order;
	long long changes_seen; /* db_total_changes at the last bump */
	int64_t watch_first;    /* the writer's data_version when it started */
	pthread_t watcher;
	int watching;
	atomic_int watch_stop;
	/* store_watch.c (PostgreSQL): the connection listening for other
	 * nodes' changes, and this process's name in what it tells them. */
	struct db *listener;
	char node[17];
	/* store_jobs.c (PostgreSQL): the connection holding the periodic
	 * jobs' advisory locks, its session then, and the jobs held. */
	struct db *jobs;
	struct db_stmt *jobs_try, *jobs_alive;
	unsigned jobs_session;
	unsigned jobs_held;
};

/* store_order.c: a post's neighbours' ids from the in-memory order of
 * the listed posts (0: none), or -1 when it is not at hand (then read
 * them with SQL).  c and locked: as reader_get() gave them. */
int order_neighbors(struct store *s, struct conn *c, int locked, int64_t at,
                    int64_t id, int64_t now, int64_t *prev, int64_t *next);
void order_free(struct order *o);
/* What a post's page reads, sent ahead on the page's read transaction
 * (store_post_reads_send): each bound as the reader that steps it binds
 * it (store_post_neighbors, store_video_get, store_comment_threads). */
/* store_lists.c: the in-memory order's neighbours of p (store_order.c)
 * and, when it names any, the statement that reads both, bound, in *st:
 * 1; 0 when the order is not at hand; -1 with e. */
int neighbors_stmt(struct store *s, struct conn *c, int locked,
                   const struct post *p, int64_t now, int64_t ids[2],
                   struct db_stmt **st, struct error *e);
void video_send(struct conn *c, int64_t post_id);
void threads_send(struct store *s, struct conn *c, int64_t post_id,
                  int by_activity, int limit, int offset);
/* store_conn.c: move the versions of posts ids[0..n) (a change of
 * this process, or one another node told of). */
void changes_posts(struct store *s, const int64_t *ids, int n);
/* store_watch.c: tell the other nodes (PostgreSQL) what this process's
 * commit changed: posts ids[0..n), or with n -1 anything.  Nothing on
 * SQLite (the watcher reads data_version).  Under the writer's lock:
 * inside a transaction, delivered by its COMMIT (and dropped by a
 * rollback); outside one, at once. */
void watch_tell(struct store *s, const int64_t *ids, int n);
/* store_watch.c: stop the watcher and close what it listened on. */
void watch_stop(struct store *s);
/* store_jobs.c: let go of the jobs held (store_close). */
void store_jobs_close(struct store *s);

/* Fill e from db's last error (UNIQUE -> ERR_CONFLICT, other constraints
 * -> ERR_INVALID, else ERR_IO) and return -1. */
int db_error(struct error *e, sqlite3 *db, const char *what);
int conn_open(struct conn *c, const char *path, int flags, struct error *e);
/*
 * store_pg.c (decision 095): a connection of the driver alone to the
 * PostgreSQL database at url (c->db stays NULL); the writer opened and
 * the migrations applied (create 0: a database without any refused,
 * ERR_NOT_FOUND); the newest migration the database records; the search
 * index's rows made again for the language setting.
 */
int pg_conn_open(struct conn *c, const char *url, struct error *e);
int pg_store_open(struct store *s, int create, struct error *e);
int pg_schema_version(struct store *s, int64_t *have, struct error *e);
/* store_sqlite.c: a migration file's number ("005-search.sql": 5), and
 * the newest of files (embed_sql or embed_sql_pg); versions are below
 * MIGRATION_VERSIONS (three digits). */
#define MIGRATION_VERSIONS 1000
struct embed_file;
int64_t migration_version(const char *name);
int64_t migrations_known(const struct embed_file *files);
/* store_backup.c: store_backup() from connection db (the migrations'
 * copy, made before they change a database). */
int store_backup_conn(sqlite3 *db, const char *src_name, const char *dest,
                      struct error *e);
/* store_search_fts.c: add the SQL functions search needs to db (conn_open
 * calls it for every connection). */
int search_functions_add(sqlite3 *db, struct error *e);
/* store_search_stem.c: the FTS5 tokenizer posts_fts is made with
 * (decision 088), taking the language as its argument. */
#define SEARCH_TOKENIZER "gazette_stem"
int search_tokenizer_add(fts5_api *api, struct error *e);
/* store_search.c: make posts_fts again, and index every post, when the
 * language setting asks for another language than the one it was made
 * for (store_open after the migrations, and every write of the setting);
 * in a transaction of its own or the caller's. */
int search_language_sync(struct store *s, struct error *e);
/* store_search_fts.c: what search_rank() records of the matches it scores,
 * for search_snippet() and search_highlight() (bound as a pointer of this
 * type). */
#define SEARCH_INSTS_TYPE "gazette-search-insts"
struct search_insts *search_insts_new(void);
void search_insts_free(struct search_insts *si);
/* Forget what the last search recorded, for the next one. */
void search_insts_reset(struct search_insts *si);
/* store_search.c: the store's cache of term counts. */
struct search_cache *search_cache_new(void);
void search_cache_free(struct search_cache *c);
void conn_close(struct conn *c);
/* pthread_key_create()'s destructor of a thread's read connection. */
void reader_destroy(void *p);
/* store_settings.c: drop a snapshot of the settings table. */
struct settings_snap;
void settings_free(struct settings_snap *sn);
int conn_exec(struct conn *c, const char *sql, struct error *e);
/* The prepared statement for sql (a SQL_X array), prepared on first use. */
sqlite3_stmt *conn_stmt(struct conn *c, const char *sql, struct error *e);
/* The driver's statement for sql on c (decision 092), prepared on first
 * use and kept, as conn_stmt() does. */
struct db_stmt *conn_prep(struct conn *c, const char *sql, struct error *e);
/* The engine s runs on. */
enum db_engine store_engine(const struct store *s);
/* Where the dialects differ (decision 092), SQL_X_PG stands beside SQL_X
 * in the same file, and the statement is prepared from the one for s's
 * engine; either array keys the statement caches as ever. */
#define ENGINE_SQL(s, X) (store_engine(s) == DB_PG ? X##_PG : X)
/*
 * The helpers every statement goes through, for a sqlite3_stmt and for
 * the driver's struct db_stmt alike (C11 _Generic picks by the type), so
 * that a file moves to the driver without renaming them:
 * stmt_done(st) resets and clears bindings, ready for the next use;
 * bind_text(st, i, s) binds NULL for NULL; bind_id(st, i, id) binds NULL
 * for 0; col_text(a, st, i) is column i as an arena string, "" for NULL.
 */
void sq_stmt_done(sqlite3_stmt *st);
void sq_bind_text(sqlite3_stmt *st, int i, const char *s);
void sq_bind_id(sqlite3_stmt *st, int i, int64_t id);
const char *sq_col_text(struct arena *a, sqlite3_stmt *st, int i);
void dbs_stmt_done(struct db_stmt *st);
void dbs_bind_text(struct db_stmt *st, int i, const char *s);
void dbs_bind_id(struct db_stmt *st, int i, int64_t id);
const char *dbs_col_text(struct arena *a, struct db_stmt *st, int i);
#define stmt_done(st)                                                          \
	_Generic((st), sqlite3_stmt *                                          \
	         : sq_stmt_done, struct db_stmt *                              \
	         : dbs_stmt_done)(st)
#define bind_text(st, i, s)                                                    \
	_Generic((st), sqlite3_stmt *                                          \
	         : sq_bind_text, struct db_stmt *                              \
	         : dbs_bind_text)((st), (i), (s))
#define bind_id(st, i, id)                                                     \
	_Generic((st), sqlite3_stmt *                                          \
	         : sq_bind_id, struct db_stmt *                                \
	         : dbs_bind_id)((st), (i), (id))
#define col_text(a, st, i)                                                     \
	_Generic((st), sqlite3_stmt *                                          \
	         : sq_col_text, struct db_stmt *                               \
	         : dbs_col_text)((a), (st), (i))

/* The writer: held by one thread at a time (recursively, for the whole of
 * a store_begin() transaction).  An unlock that ends a change bumps the
 * generation, or only the versions of the posts a scope named. */
struct conn *writer_lock(struct store *s);
void writer_unlock(struct store *s);
/* Does the calling thread hold the writer (inside its own transaction)? */
int owns_writer(struct store *s);
/*
 * A scope around writes that change what readers see of one post only
 * (post_id: its comments, say) or of no page at all (post_id 0: view
 * counts, which pages may show up to a minute late, sessions, the
 * outbox).  scope_open() takes the writer; scope_close() releases it and
 * says what the rows changed in between touched.  When every change a
 * commit carries was made inside such scopes, caches of other pages stay
 * valid (store_post_version()); any other change in the same commit
 * moves the generation, as before.  Scopes nest, also around
 * store_begin()/store_commit().
 */
long long scope_open(struct store *s);
void scope_close(struct store *s, long long mark, int64_t post_id);
/* Name the scope's post before its transaction commits (once known): on
 * PostgreSQL the other nodes are told inside the transaction, so that a
 * commit is never without its notification (decision 102). */
void scope_post(struct store *s, int64_t post_id);
/*
 * The calling thread's read connection.  Inside the thread's own write
 * transaction (or on a :memory: database) reads go to the writer, so they
 * see what the transaction wrote; pass *locked to reader_put().
 */
struct conn *reader_get(struct store *s, int *locked, struct error *e);
void reader_put(struct store *s, int locked);

/*
 * A read transaction on read connection c, so that several statements
 * read one snapshot and take the WAL read lock once (not for the writer:
 * skip both when reader_get() said locked).  reader_end() ends one that
 * is open; its e may be NULL.
 */
int reader_begin(struct conn *c, struct error *e);
int reader_end(struct conn *c, struct error *e);

/*
 * One read on the calling thread's connection, from prepare to reset:
 *
 *	struct rd q;
 *	struct db_stmt *st = rd_prep(&q, s, SQL_X, e);
 *	if (st == NULL) return -1;
 *	bind ...;
 *	while ((rc = rd_step(&q, "what", e)) == 1) read a row;
 *	rd_close(&q);
 *	return rc;
 */
struct rd {
	struct store *s;
	struct conn *c;
	sqlite3_stmt *st;
	struct db_stmt *dst; /* rd_prep's, instead of st */
	int locked;
};
sqlite3_stmt *rd_open(struct rd *q, struct store *s, const char *sql,
                      struct error *e);
/* rd_prep through the driver (decision 092), rd_open for the files still
 * on sqlite3_stmt: rd_step and rd_close serve both. */
struct db_stmt *rd_prep(struct rd *q, struct store *s, const char *sql,
                        struct error *e);
/* 1 with a row, 0 at the end, -1 on an error (e names what). */
int rd_step(struct rd *q, const char *what, struct error *e);
void rd_close(struct rd *q);
/* A single count(*) on the calling thread's connection, ?1 bound to
 * text, or to num when text is NULL. */
int count_one(struct store *s, const char *sql, const char *text, int64_t num,
              int64_t *n, struct error *e);

/*
 * Step a prepared write on the writer to its end, and reset it.  With id,
 * the new row's id in *id: the SQL ends in RETURNING id (decision 091), and
 * *id is 0 when it returned no row (ON CONFLICT DO NOTHING).  For a
 * sqlite3_stmt and the driver's statement alike, as stmt_done is.
 */
int sq_write_step(struct store *s, sqlite3_stmt *st, const char *what,
                  int64_t *id, struct error *e);
int dbs_write_step(struct store *s, struct db_stmt *st, const char *what,
                   int64_t *id, struct error *e);
#define write_step(s, st, what, id, e)                                         \
	_Generic((st), sqlite3_stmt *                                          \
	         : sq_write_step, struct db_stmt *                             \
	         : dbs_write_step)((s), (st), (what), (id), (e))
/*
 * One statement on the writer, through the driver, its parameters bound
 * from types: 's' text (NULL binds NULL), 'i' int, 'l' int64_t, 'n' id
 * (int64_t, 0 binds NULL).  id as write_step's.
 */
int write_one(struct store *s, const char *sql, const char *what, int64_t *id,
              struct error *e, const char *types, ...);
/* The same for a row no page shows (a session, the outbox): caches of
 * pages stay (scope_open() with no post). */
int write_private(struct store *s, const char *sql, const char *what,
                  struct error *e, const char *types, ...);
/* The same, with the rows it changed in *changes (an UPDATE that matched
 * nothing, say). */
int write_count(struct store *s, const char *sql, const char *what,
                int64_t *changes, struct error *e, const char *types, ...);

/*
 * Columns named once.  A row's columns are one table, a macro of two
 * arguments, F for its first column and X for each of the rest, called
 * as X(field, kind, body, sql): the struct's field, how it is read
 * (COL_READ_<kind>), which variants leave it out (body: NONE, SRC or
 * HTML) and its SQL.  The same table then makes the select list
 * (COL_SQL...), the columns' numbers (an enum) and the reader, so a column
 * added, dropped or renamed moves all three together and cannot shift
 * the others.
 */
#define COL_SQL_FIRST(f, k, b, sql) sql
#define COL_SQL(f, k, b, sql)       ", " sql
/* The bodies read as '': for lists that never show them (a body spans
 * overflow pages, and copying it costs more than the rest of the row). */
#define COL_SQL_NO_BODY(f, k, b, sql) ", " COL_NO_BODY_##b(sql)
#define COL_NO_BODY_NONE(sql)         sql
#define COL_NO_BODY_SRC(sql)          "''"
#define COL_NO_BODY_HTML(sql)         "''"
/* Without the source (Markdown): what a reader's page shows. */
#define COL_SQL_PAGE(f, k, b, sql) ", " COL_PAGE_##b(sql)
#define COL_PAGE_NONE(sql)         sql
#define COL_PAGE_SRC(sql)          "''"
#define COL_PAGE_HTML(sql)         sql

/* Each reads a sqlite3_stmt or the driver's statement (_Generic, as
 * col_text), so rows are read the same way on either. */
int dbs_col_int(struct db_stmt *st, int i);
#define COL_READ_I64(a, st, i)                                                 \
	_Generic((st), sqlite3_stmt *                                          \
	         : sqlite3_column_int64, struct db_stmt *                      \
	         : db_column_int64)((st), (i))
#define COL_READ_INT(a, st, i)                                                 \
	_Generic((st), sqlite3_stmt *                                          \
	         : sqlite3_column_int, struct db_stmt *                        \
	         : dbs_col_int)((st), (i))
#define COL_READ_TEXT(a, st, i) col_text((a), (st), (i))
#define COL_READ_DOUBLE(a, st, i)                                              \
	_Generic((st), sqlite3_stmt *                                          \
	         : sqlite3_column_double, struct db_stmt *                     \
	         : db_column_double)((st), (i))
#define COL_READ_TYPE(a, st, i)   col_post_type((st), (i))
#define COL_READ_STATUS(a, st, i) col_post_status((st), (i))
/* Column i as a post type or status by name; POST_POST or POST_DRAFT for
 * a name this binary does not know (post_type_of, post_status_of). */
enum post_type post_type_of(const char *name);
enum post_status post_status_of(const char *name);
enum post_type sq_col_post_type(sqlite3_stmt *st, int i);
enum post_status sq_col_post_status(sqlite3_stmt *st, int i);
enum post_type dbs_col_post_type(struct db_stmt *st, int i);
enum post_status dbs_col_post_status(struct db_stmt *st, int i);
#define col_post_type(st, i)                                                   \
	_Generic((st), sqlite3_stmt *                                          \
	         : sq_col_post_type, struct db_stmt *                          \
	         : dbs_col_post_type)((st), (i))
#define col_post_status(st, i)                                                 \
	_Generic((st), sqlite3_stmt *                                          \
	         : sq_col_post_status, struct db_stmt *                        \
	         : dbs_col_post_status)((st), (i))

/*
 * The columns post_row() reads: a query selects "SELECT " POST_COLS
 * "WHERE ..." using the aliases p (posts), s (sections) and u (users), or
 * adds columns after POST_FIELDS (the first at index POST_NCOLS) and
 * joins after POST_FROM.
 */
#define POST_COLUMNS(F, X)                                                     \
	F(id, I64, NONE, "p.id")                                               \
	X(type, TYPE, NONE, "p.type")                                          \
	X(status, STATUS, NONE, "p.status")                                    \
	X(section_id, I64, NONE, "coalesce(p.section_id, 0)")                  \
	X(section_slug, TEXT, NONE, "coalesce(s.slug, '')")                    \
	X(section_name, TEXT, NONE, "coalesce(s.name, '')")                    \
	X(slug, TEXT, NONE, "p.slug")                                          \
	X(title, TEXT, NONE, "p.title")                                        \
	X(excerpt, TEXT, NONE, "p.excerpt")                                    \
	X(body_src, TEXT, SRC, "p.body_src")                                   \
	X(body_html, TEXT, HTML, "p.body_html")                                \
	X(source_url, TEXT, NONE, "p.source_url")                              \
	X(body_format, TEXT, NONE, "p.body_format")                            \
	X(author_id, I64, NONE, "coalesce(p.author_id, 0)")                    \
	X(author_name, TEXT, NONE,                                             \
	  "coalesce(nullif(u.name, ''), u.login, '')")                         \
	X(published_at, I64, NONE, "p.published_at")                           \
	X(updated_at, I64, NONE, "p.updated_at")                               \
	X(views_total, I64, NONE, "p.views_total")                             \
	X(comment_count, I64, NONE, "p.comment_count")                         \
	X(comments_open, INT, NONE, "p.comments_open")                         \
	X(sticky, INT, NONE, "p.sticky")                                       \
	X(activity_at, I64, NONE, "p.activity_at")                             \
	X(protected_, INT, NONE, "p.password != ''")                           \
	X(featured_id, I64, NONE, "coalesce(p.featured_media_id, 0)")

#define POST_COL_ENUM(f, k, b, sql) PC_##f,
enum post_col { POST_COLUMNS(POST_COL_ENUM, POST_COL_ENUM) POST_NCOLS };

#define POST_FIELDS         POST_COLUMNS(COL_SQL_FIRST, COL_SQL) " "
#define POST_FIELDS_NO_BODY POST_COLUMNS(COL_SQL_FIRST, COL_SQL_NO_BODY) " "
#define POST_FIELDS_PAGE    POST_COLUMNS(COL_SQL_FIRST, COL_SQL_PAGE) " "
#define POST_FROM                                                              \
	"FROM posts p LEFT JOIN sections s ON s.id = p.section_id "            \
	"LEFT JOIN users u ON u.id = p.author_id "
#define POST_COLS POST_FIELDS POST_FROM

/*
 * What the search index holds of a post, as columns (id, title,
 * body_format, body_src, body_html, excerpt, tags, author) of posts p; the
 * rows search_index_row() (store_search.c) indexes.
 */
#define SEARCH_SOURCE_COLS                                                     \
	"p.id, p.title, p.body_format, p.body_src, p.body_html, "              \
	"p.excerpt, coalesce((SELECT group_concat(t.name, ', ') "              \
	"FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "                   \
	"WHERE pt.post_id = p.id), ''), "                                      \
	"coalesce((SELECT coalesce(nullif(u.name, ''), u.login) "              \
	"FROM users u WHERE u.id = p.author_id), '') "
int search_index_row(struct store *s, struct arena *a, sqlite3_stmt *st,
                     const char *text, struct error *e);

/* One row of POST_COLS into p (tags not filled), from either kind of
 * statement: one body, POST_ROW_READ for each column, compiled for each
 * (COL_READ_* pick by the statement's type). */
#define POST_ROW_READ(f, k, b, sql) p->f = COL_READ_##k(a, st, PC_##f);
void sq_post_row(struct arena *a, sqlite3_stmt *st, struct post *p);
void dbs_post_row(struct arena *a, struct db_stmt *st, struct post *p);
#define post_row(a, st, p)                                                     \
	_Generic((st), sqlite3_stmt *                                          \
	         : sq_post_row, struct db_stmt *                               \
	         : dbs_post_row)((a), (st), (p))
/* p's tags, in a. */
int post_tags(struct conn *c, struct arena *a, struct post *p, struct error *e);
/* Step st once into *out, tags filled; ERR_NOT_FOUND when no row. */
int post_one(struct conn *c, struct db_stmt *st, struct arena *a,
             struct post *out, struct error *e);

/* Each store file's statements on a reader's path (store_reader_stmts). */
extern const struct store_stmt settings_reader_stmts[];
extern const struct store_stmt site_reader_stmts[];
extern const struct store_stmt post_row_reader_stmts[];
extern const struct store_stmt posts_reader_stmts[];
extern const struct store_stmt lists_reader_stmts[];
extern const struct store_stmt comments_reader_stmts[];
extern const struct store_stmt feeds_reader_stmts[];
extern const struct store_stmt views_reader_stmts[];
extern const struct store_stmt search_reader_stmts[];
extern const struct store_stmt search_pg_reader_stmts[];
extern const struct store_stmt legacy_reader_stmts[];
extern const struct store_stmt river_reader_stmts[];
extern const struct store_stmt order_reader_stmts[];
extern const struct store_stmt podcast_reader_stmts[];

/* 1 when a page may not have slug (a route of site/site.c owns it, or a
 * year archive); 0 for other types (store_posts.c). */
int slug_reserved(enum post_type type, const char *slug);

#endif
