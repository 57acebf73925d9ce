/*
 * store_backup.c: a backup of a database whose newest commits are still
 * in its -wal, the refusals (an existing file, something not a
 * database), /healthz's read of the file, and the copy the migrations
 * make before they change an existing database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "store/internal.h"
#include "util/error.h"
#include "tmp_site.h"
#include "util/banned.h"

static int64_t
one_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void
exec_on(const char *db, const char *sql)
{
	sqlite3 *h;
	char *msg = NULL;
	struct error e;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	                 SQLITE_OK);
	/* The search index's tokenizer, which its triggers need. */
	assert_int_equal(search_functions_add(h, &e), 0);
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_close(h);
}

/* Writes still in the -wal (the store is open, nothing checkpointed) are
 * in the copy; the copy is a single file in rollback-journal mode. */
static void
backup_has_what_the_wal_holds(void **state)
{
	struct tmp_site t;
	struct store *s;
	struct error e;
	char dest[PATH_MAX + 32], partial[PATH_MAX + 64], key[32];
	struct stat sb;

	(void)state;
	s = tmp_site_open(&t, "backup");
	for (int i = 0; i < 50; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(store_setting_set(s, key, "v", &e), 0);
	}
	snprintf(dest, sizeof(dest), "%s/copy.db", t.dir);
	snprintf(partial, sizeof(partial), "%s.partial", dest);
	assert_int_equal(store_backup(s, dest, &e), 0);
	assert_int_equal(one_int(dest, "SELECT count(*) FROM settings "
	                               "WHERE key LIKE 'k%'"),
	                 50);
	assert_int_equal(stat(dest, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(partial, &sb), -1);

	/* Never over an existing file. */
	error_clear(&e);
	assert_int_equal(store_backup(s, dest, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	tmp_site_close(&t, s);
}

static void
restore_refuses_what_is_not_a_database(void **state)
{
	struct tmp_site t;
	struct error e;
	char src[PATH_MAX + 32], dest[PATH_MAX + 32];
	FILE *f;

	(void)state;
	tmp_site_dir(&t, "restore");
	snprintf(src, sizeof(src), "%s/junk", t.dir);
	snprintf(dest, sizeof(dest), "%s/site.db", t.dir);
	f = fopen(src, "w");
	assert_non_null(f);
	fputs("SQLite format 3 is what this is not, truly not\n", f);
	fclose(f);
	error_clear(&e);
	assert_int_equal(store_restore(src, dest, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(access(dest, F_OK), -1);
	tmp_site_remove(&t);
}

/* The database file gone (a volume unmounted, a file moved): the open
 * store's connections would still answer from the open file; store_health
 * opens it again, and fails; and passes once it is back. */
static void
health_reads_the_file(void **state)
{
	struct tmp_site t;
	struct store *s;
	struct error e;
	char away[PATH_MAX + 32];
	int64_t v;

	(void)state;
	s = tmp_site_open(&t, "health");
	assert_int_equal(store_health(s, &v, &e), 0);
	assert_true(v > 0);
	snprintf(away, sizeof(away), "%s.away", t.db);
	assert_int_equal(rename(t.db, away), 0);
	error_clear(&e);
	assert_int_equal(store_health(s, &v, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_int_equal(rename(away, t.db), 0);
	assert_int_equal(store_health(s, &v, &e), 0);
	tmp_site_close(&t, s);
}

/*
 * A database one migration behind: opening it copies it first, as it
 * was, to PATH.before-NNN, then migrates the original.
 */
static void
migrations_copy_first(void **state)
{
	struct tmp_site t;
	struct store *s;
	struct error e;
	char copy[PATH_MAX + 32];
	int64_t known, have, below;

	(void)state;
	s = tmp_site_open(&t, "migrate");
	assert_int_equal(store_schema_version(s, &have, &known, &e), 0);
	store_close(s);
	/* Undo migration 021 (it adds a column); the copy must be at what
	 * is left, the database as it was before the migrations ran. */
	below = one_int(t.db, "SELECT max(version) FROM schema_migrations "
	                      "WHERE version <> 21");
	exec_on(t.db, "ALTER TABLE river_sources DROP COLUMN discover;"
	              "DELETE FROM schema_migrations WHERE version = 21");
	snprintf(copy, sizeof(copy), "%s.before-%03lld", t.db,
	         (long long)known);
	assert_int_equal(access(copy, F_OK), -1);

	s = store_open(t.db, 0, &e);
	if (s == NULL)
		fail_msg("store_open: %s", e.msg);
	store_close(s);
	assert_int_equal(one_int(copy, "SELECT max(version) FROM "
	                               "schema_migrations"),
	                 below);
	assert_int_equal(one_int(copy, "SELECT count(*) FROM "
	                               "pragma_table_info('river_sources') "
	                               "WHERE name = 'discover'"),
	                 0);
	assert_int_equal(one_int(t.db, "SELECT max(version) FROM "
	                               "schema_migrations"),
	                 known);
	/* A database already current is not copied again. */
	unlink(copy);
	s = store_open(t.db, 0, &e);
	assert_non_null(s);
	store_close(s);
	assert_int_equal(access(copy, F_OK), -1);
	tmp_site_remove(&t);
}

/*
 * Migration numbers were given out side by side (decision 050): a site
 * that ran 021 before 019 was merged lacks 019 while its newest is above
 * it.  Opening it applies 019 all the same.
 */
static void
a_migration_below_the_newest_is_applied(void **state)
{
	struct tmp_site t;
	struct store *s;
	struct error e;

	(void)state;
	s = tmp_site_open(&t, "gap");
	store_close(s);
	exec_on(t.db, "DROP TABLE videos; DROP TABLE book_downloads;"
	              "ALTER TABLE episodes DROP COLUMN audio_bytes;"
	              "ALTER TABLE episodes DROP COLUMN audio_mime;"
	              "ALTER TABLE episodes DROP COLUMN transcript_url;"
	              "ALTER TABLE episodes DROP COLUMN transcript_type;"
	              "ALTER TABLE episodes DROP COLUMN chapters_url;"
	              "ALTER TABLE books DROP COLUMN downloads;"
	              "DELETE FROM schema_migrations WHERE version = 19");
	assert_true(one_int(t.db, "SELECT max(version) FROM "
	                          "schema_migrations") > 19);
	s = store_open(t.db, 0, &e);
	if (s == NULL)
		fail_msg("store_open: %s", e.msg);
	store_close(s);
	assert_int_equal(one_int(t.db, "SELECT count(*) FROM schema_migrations "
	                               "WHERE version = 19"),
	                 1);
	assert_int_equal(one_int(t.db, "SELECT count(*) FROM "
	                               "pragma_table_info('books') "
	                               "WHERE name = 'downloads'"),
	                 1);
	assert_int_equal(one_int(t.db, "SELECT count(*) FROM sqlite_master "
	                               "WHERE name = 'videos'"),
	                 1);
	tmp_site_remove(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backup_has_what_the_wal_holds),
		cmocka_unit_test(restore_refuses_what_is_not_a_database),
		cmocka_unit_test(health_reads_the_file),
		cmocka_unit_test(migrations_copy_first),
		cmocka_unit_test(a_migration_below_the_newest_is_applied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
