/*
 * Consistent copies of a database (store.h: store_backup, store_restore,
 * store_health), with SQLite's online backup API.  Copying the file of a
 * database in WAL mode is not a backup: the newest commits may sit in the
 * -wal file, and a copy taken while a checkpoint writes is torn.  The
 * backup API reads every page inside one read transaction instead (one
 * sqlite3_backup_step(-1)), so the copy is the database as of one commit;
 * in WAL mode that read does not stop the server's writers, and whatever
 * they commit meanwhile is simply not in the copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "../util/banned.h"

/* "PATH.partial": where a copy is made before it is renamed into place,
 * so a copy cut short never has the name of a good one. */
static int
partial_name(char *out, size_t n, const char *dest, struct error *e)
{
	if ((size_t)snprintf(out, n, "%s.partial", dest) >= n)
		return error_set(e, ERR_INVALID, "path too long: '%s'", dest);
	return 0;
}

/* Make the file exclusively, 0600: it holds password hashes and keys. */
static int
file_fresh(const char *path, struct error *e)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	              0600);

	if (fd == -1)
		return error_set(e, errno == EEXIST ? ERR_CONFLICT : ERR_IO,
		                 "cannot create '%s': %s", path,
		                 strerror(errno));
	close(fd);
	return 0;
}

static int
file_sync(const char *path, struct error *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;

	if (fd == -1 || fsync(fd) == -1)
		rc = error_set(e, ERR_IO, "cannot sync '%s': %s", path,
		               strerror(errno));
	if (fd != -1)
		close(fd);
	return rc;
}

/* "ok" from PRAGMA quick_check on db, else ERR_INVALID with its first
 * complaint. */
static int
check_db(sqlite3 *db, const char *path, struct error *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) !=
	    SQLITE_OK) {
		error_set(e, ERR_INVALID, "'%s' is not a gazette database: %s",
		          path, sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		error_set(e, ERR_INVALID, "'%s' is not a gazette database: %s",
		          path, sqlite3_errmsg(db));
		goto out;
	}
	if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		error_set(e, ERR_INVALID, "'%s' fails its integrity check: %s",
		          path, (const char *)sqlite3_column_text(st, 0));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/*
 * Every page of src (one read transaction) into the new file dest, which
 * must not exist: made as dest.partial, checked, synced, then renamed.
 */
static int
copy_db(sqlite3 *src, const char *src_name, const char *dest, struct error *e)
{
	char tmp[4096];
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc = -1, step;
	struct stat sb;

	if (partial_name(tmp, sizeof(tmp), dest, e) == -1)
		return -1;
	if (lstat(dest, &sb) == 0)
		return error_set(e, ERR_CONFLICT,
		                 "'%s' exists; name a new file", dest);
	(void)unlink(tmp); /* a copy an earlier run left half made */
	if (file_fresh(tmp, e) == -1)
		return -1;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		error_set(e, ERR_IO, "cannot open '%s': %s", tmp,
		          dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (b == NULL) {
		error_set(e, ERR_IO, "cannot back up '%s': %s", src_name,
		          sqlite3_errmsg(dst));
		goto out;
	}
	/* All pages in one step: one read transaction, one commit's state. */
	do
		step = sqlite3_backup_step(b, -1);
	while (step == SQLITE_BUSY || step == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (step != SQLITE_DONE) {
		error_set(e, ERR_IO, "backing up '%s': %s", src_name,
		          sqlite3_errstr(step));
		goto out;
	}
	/* The copy is one file: no -wal beside it to lose. */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	                 NULL) != SQLITE_OK) {
		error_set(e, ERR_IO, "'%s': %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	if (check_db(dst, tmp, e) == -1)
		goto out;
	sqlite3_close(dst);
	dst = NULL;
	if (file_sync(tmp, e) == -1)
		goto out;
	if (rename(tmp, dest) == -1) {
		error_set(e, ERR_IO, "cannot rename '%s' to '%s': %s", tmp,
		          dest, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(dst);
	if (rc == -1)
		(void)unlink(tmp);
	return rc;
}

int
store_backup(struct store *s, const char *dest, struct error *e)
{
	int rc;

	/* A PostgreSQL database is copied by its own tools (pg_dump, or
	 * the server's base backups), which know its files and its WAL. */
	if (store_engine(s) == DB_PG)
		return error_set(e, ERR_INVALID,
		                 "backup: SQLite's alone; back a PostgreSQL "
		                 "database up with pg_dump");
	/* The writer connection of this process is idle outside a
	 * transaction; it only reads here.  Writers of other processes (the
	 * server) go on: WAL readers block no one. */
	writer_lock(s);
	rc = copy_db(s->w.db, s->path, dest, e);
	writer_unlock(s);
	return rc;
}

int
store_backup_conn(sqlite3 *db, const char *src_name, const char *dest,
                  struct error *e)
{
	return copy_db(db, src_name, dest, e);
}

int
store_restore(const char *src, const char *dest, struct error *e)
{
	sqlite3 *db = NULL;
	char head[16];
	int fd, rc = -1;
	ssize_t n;

	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return error_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
		                 "cannot read '%s': %s", src, strerror(errno));
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n != (ssize_t)sizeof(head) ||
	    memcmp(head, "SQLite format 3", 16) != 0)
		return error_set(e, ERR_INVALID,
		                 "'%s' is not a SQLite database", src);
	if (sqlite3_open_v2(src, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		error_set(e, ERR_IO, "cannot open '%s': %s", src,
		          db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	if (check_db(db, src, e) == -1)
		goto out;
	rc = copy_db(db, src, dest, e);
out:
	sqlite3_close(db);
	return rc;
}

static const char SQL_HEALTH[] = "SELECT max(version) FROM schema_migrations";

/*
 * A read that reaches the database: the file at the path must still be
 * the one the store opened (a database moved, deleted or replaced
 * underneath a running server still answers from its open descriptors,
 * and would answer for hours), and a read of schema_migrations on the
 * calling thread's own connection, in a read transaction of its own, must
 * succeed.  No descriptor is opened: /healthz must answer when the
 * process is short of them, as the rest of the site does.
 */
int
store_health(struct store *s, int64_t *version, struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	struct stat sb;
	int rc;

	*version = 0;
	/* On PostgreSQL there is no file to look at: the read alone says
	 * whether the server answers. */
	if (!s->memory && store_engine(s) == DB_SQLITE) {
		if (stat(s->path, &sb) == -1)
			return error_set(e, ERR_IO,
			                 "cannot read the database "
			                 "'%s': %s",
			                 s->path, strerror(errno));
		if (sb.st_dev != s->file_dev || sb.st_ino != s->file_ino)
			return error_set(e, ERR_IO,
			                 "the database '%s' is not the file "
			                 "opened at the start",
			                 s->path);
	}
	st = rd_prep(&q, s, SQL_HEALTH, e);
	if (st == NULL)
		return -1;
	rc = rd_step(&q, "reading the database", e);
	if (rc == 1)
		*version = db_column_int64(st, 0);
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}

/* The PostgreSQL database's size on disk, its indexes and TOAST
 * included (its share of the cluster's WAL is not its own). */
static const char SQL_PG_SIZE[] = "SELECT pg_database_size(current_database())";

static int
pg_size(struct store *s, int64_t *bytes)
{
	struct error e;
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_PG_SIZE, &e);
	int rc;

	if (st == NULL)
		return -1;
	rc = rd_step(&q, "database size", &e);
	if (rc == 1)
		*bytes = db_column_int64(st, 0);
	rd_close(&q);
	return rc == 1 ? 0 : -1;
}

int
store_size(struct store *s, int64_t *bytes)
{
	char wal[4096];
	struct stat sb;

	*bytes = 0;
	if (s->memory)
		return 0;
	if (store_engine(s) == DB_PG)
		return pg_size(s, bytes);
	if (stat(s->path, &sb) == -1)
		return -1;
	*bytes = (int64_t)sb.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", s->path);
	if (stat(wal, &sb) == 0)
		*bytes += (int64_t)sb.st_size;
	return 0;
}
