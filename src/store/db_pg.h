#ifndef GAZETTE_STORE_DB_PG_H
#define GAZETTE_STORE_DB_PG_H
/*
 * Between db_pg.c (the connection, statements, results) and db_pg_pipe.c
 * (libpq's pipeline mode: a read transaction's BEGIN with its first
 * statement, decision 100; statements sent ahead, db_send, decision
 * 101).  Nothing else includes it.
 */
#include <libpq-fe.h>

#include "db_ops.h"

#define SQL_BEGIN_READ "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"

struct pg_db {
	struct db base;
	PGconn *conn;
	unsigned epoch;     /* sessions so far: PQreset moves it */
	unsigned next_name; /* statements prepared: their names */
	int64_t changes;    /* db_total_changes() */
	int ended;          /* the server said it ends the session */
	int begin_pending;  /* a read transaction's BEGIN, not sent yet */
	char listen[64];    /* db_listen()'s channel; "" none */
	/* db_send(): the statements sent ahead whose answers are not taken
	 * yet, in the order sent; piped while some are in the pipeline
	 * still (piped_begin: behind a read transaction's BEGIN). */
	struct pg_stmt *ahead[DB_AHEAD_MAX];
	int nahead, piped, piped_begin;
	unsigned long trips; /* db_round_trips() */
};

struct pg_stmt {
	struct db_stmt base;
	char name[24];
	char *sql;      /* with $1..$N */
	unsigned epoch; /* the session it is prepared on; 0: none */
	int replan;     /* sql begins with DB_REPLAN: sent whole each run */
	const char **values;
	int *lengths, *formats;
	char (*num)[32]; /* integers and doubles as text */
	char **owned;    /* text bound with a length, copied to end in NUL */
	PGresult *res;   /* after the first step */
	int row, nrows, ended;
	unsigned char **blobs; /* bytea columns of this row, decoded */
	size_t *blob_len;
	/* Sent ahead (db_send): 1 in the pipeline, 2 its answer read into
	 * ahead_res (NULL: the connection failed first); key holds the
	 * values it was sent with. */
	int ahead;
	PGresult *ahead_res;
	char *key;
	size_t key_len;
};

static inline struct pg_db *
pdb(struct db *d)
{
	return (struct pg_db *)d;
}

/* db_pg.c */
/* Before anything is sent: a session the server ended while idle is made
 * again (and, inside a transaction, the statement fails with ERR_IO). */
int pg_alive(struct pg_db *d, const char *what, struct error *e);
/* Prepare s on the current session. */
int pg_prepare_now(struct pg_stmt *s, const char *what, struct error *e);

/* db_pg_pipe.c */
/* The pending BEGIN and s's first run in one round trip: s's result, the
 * BEGIN's failure, or NULL when the connection failed. */
PGresult *pg_pipeline_first(struct pg_db *d, struct pg_stmt *s);
/* The pipeline's answers read, each kept by its statement; the
 * connection out of pipeline mode.  Nothing when none is on its way. */
void pg_settle(struct pg_db *d);
/* s no longer ahead: its answer (read first if still on its way) in
 * *out, or freed when out is NULL. */
void pg_ahead_take(struct pg_db *d, struct pg_stmt *s, PGresult **out);
/* Every answer sent ahead dropped unread (the session is gone). */
void pg_ahead_forget(struct pg_db *d);
/* A transaction ends: the answers read ahead in it go with it. */
void pg_ahead_end(struct pg_db *d);
/* Is s bound to the values it was sent with? */
int pg_key_same(const struct pg_stmt *s);
int pg_send(struct db_stmt *st, struct error *e);
unsigned long pg_round_trips(const struct db *d);

#endif
