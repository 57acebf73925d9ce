/*
 * The settings table, and the snapshot of it store_setting_get() reads
 * from memory; site secrets kept in it.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/tz.h"
#include "../util/banned.h"

static const char SQL_SETTING_SET[] =
	"INSERT INTO settings(key, value) VALUES (?1, ?2) "
	"ON CONFLICT(key) DO UPDATE SET value = excluded.value";

static const char SQL_SETTING_GET[] =
	"SELECT value FROM settings WHERE key = ?1";

static const char SQL_SETTINGS_ALL[] =
	"SELECT key, value FROM settings ORDER BY key";

static const char SQL_SETTING_DELETE[] = "DELETE FROM settings WHERE key = ?1";

const struct store_stmt settings_reader_stmts[] = {
	{"setting_get", SQL_SETTING_GET, NULL, NULL},
	{"settings_all", SQL_SETTINGS_ALL, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

int
store_setting_set(struct store *s, const char *key, const char *value,
                  struct error *e)
{
	if (strcmp(key, "language") != 0)
		return write_one(s, SQL_SETTING_SET, "setting", NULL, e, "ss",
		                 key, value);
	/* The search index stems for the language (decision 088): made
	 * again with the setting, or neither changes. */
	if (store_begin(s, e) == -1)
		return -1;
	if (write_one(s, SQL_SETTING_SET, "setting", NULL, e, "ss", key,
	              value) == -1 ||
	    search_language_sync(s, e) == -1) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

/*
 * The settings table in memory, read again when the generation has moved
 * (every write of a setting moves it; the watcher moves it for other
 * processes' writes), so pages and comment rules read settings without a
 * query (a dozen a page, a quarter of a render's CPU before).  Loaded on
 * the writer's connection: a thread's read connection may be inside a
 * read transaction older than the generation just taken.
 */
struct settings_snap {
	uint64_t gen;
	struct arena *a;
	const char **keys, **values; /* n of each, sorted by key */
	size_t n;
};

static const char *settings_find(const struct settings_snap *sn,
                                 struct arena *a, const char *key);

/*
 * The two settings the process's dates follow (util/tz.h, util/clock.h),
 * applied whenever the settings are read again, so every thread sees a
 * change from its next page on.  A zone no longer on the system (tzdata
 * removed one) leaves the one in use, and says so.
 */
static void
settings_apply(const struct settings_snap *sn)
{
	const char *zone = settings_find(sn, sn->a, "timezone");
	struct error e;

	if (tz_use(zone, &e) == -1)
		log_error("setting timezone: %s; dates stay in %s", e.msg,
		          tz_name());
	time_date_use(settings_find(sn, sn->a, "date_format"));
}

static struct settings_snap *
settings_load(struct store *s, struct error *e)
{
	struct settings_snap *sn = xcalloc(1, sizeof(*sn));
	size_t cap = 0;
	struct db_stmt *st;
	int step;

	sn->gen = store_generation(s);
	sn->a = arena_new();
	writer_lock(s);
	st = conn_prep(&s->w, SQL_SETTINGS_ALL, e);
	while (st != NULL && (step = db_step(st, "settings", e)) == 1) {
		if (sn->n == cap) {
			size_t grown = cap ? 2 * cap : 64;
			const char **k = arena_alloc(sn->a, grown * sizeof(*k));
			const char **v = arena_alloc(sn->a, grown * sizeof(*v));

			if (sn->n > 0) {
				memcpy(k, sn->keys, sn->n * sizeof(*k));
				memcpy(v, sn->values, sn->n * sizeof(*v));
			}
			sn->keys = k;
			sn->values = v;
			cap = grown;
		}
		sn->keys[sn->n] = col_text(sn->a, st, 0);
		sn->values[sn->n++] = col_text(sn->a, st, 1);
	}
	if (st != NULL && step == -1) {
		stmt_done(st);
		st = NULL;
	}
	if (st != NULL)
		stmt_done(st);
	writer_unlock(s);
	if (st == NULL) {
		arena_free(sn->a);
		free(sn);
		return NULL;
	}
	settings_apply(sn);
	return sn;
}

void
settings_free(struct settings_snap *sn)
{
	if (sn == NULL)
		return;
	arena_free(sn->a);
	free(sn);
}

/* key's value in sn copied into a, or NULL.  Keys are sorted bytewise. */
static const char *
settings_find(const struct settings_snap *sn, struct arena *a, const char *key)
{
	size_t lo = 0, hi = sn->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(sn->keys[mid], key);

		if (c == 0)
			return arena_strdup(a, sn->values[mid]);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Inside the thread's own write transaction: what it wrote, unshared. */
static int
setting_read(struct store *s, struct arena *a, const char *key,
             const char **value, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_SETTING_GET, e);
	if (st == NULL)
		goto out;
	bind_text(st, 1, key);
	step = db_step(st, "setting", e);
	if (step == 1)
		*value = col_text(a, st, 0);
	if (step != -1)
		rc = 0;
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_setting_get(struct store *s, struct arena *a, const char *key,
                  const char **value, struct error *e)
{
	struct settings_snap *sn, *old = NULL;

	*value = NULL;
	if (owns_writer(s))
		return setting_read(s, a, key, value, e);
	pthread_rwlock_rdlock(&s->settings_lock);
	sn = s->settings;
	if (sn != NULL && sn->gen == store_generation(s)) {
		*value = settings_find(sn, a, key);
		pthread_rwlock_unlock(&s->settings_lock);
		return 0;
	}
	pthread_rwlock_unlock(&s->settings_lock);
	sn = settings_load(s, e);
	if (sn == NULL)
		return -1;
	*value = settings_find(sn, a, key);
	pthread_rwlock_wrlock(&s->settings_lock);
	if (s->settings == NULL || s->settings->gen <= sn->gen) {
		old = s->settings;
		s->settings = sn;
	} else
		old = sn; /* another thread loaded a newer one meanwhile */
	pthread_rwlock_unlock(&s->settings_lock);
	settings_free(old);
	return 0;
}

int
store_secret(struct store *s, const char *name, unsigned char *out, size_t n,
             struct error *e)
{
	struct arena *a = arena_new();
	char key[64];
	const char *hex;
	char *made = NULL;
	size_t len = 0;
	int rc = -1;

	snprintf(key, sizeof(key), "secret_%s", name);
	/* Under the writer, so two threads asking at once make one secret. */
	writer_lock(s);
	if (store_setting_get(s, a, key, &hex, e) == -1)
		goto out;
	if (hex != NULL &&
	    sodium_hex2bin(out, n, hex, strlen(hex), NULL, &len, NULL) == 0 &&
	    len == n) {
		rc = 0;
		goto out;
	}
	randombytes_buf(out, n);
	made = arena_alloc(a, 2 * n + 1);
	sodium_bin2hex(made, 2 * n + 1, out, n);
	rc = store_setting_set(s, key, made, e);
out:
	writer_unlock(s);
	arena_free(a);
	return rc;
}

int
store_setting_delete(struct store *s, const char *key, struct error *e)
{
	if (strcmp(key, "language") != 0)
		return write_one(s, SQL_SETTING_DELETE, "forgetting setting",
		                 NULL, e, "s", key);
	if (store_begin(s, e) == -1)
		return -1;
	if (write_one(s, SQL_SETTING_DELETE, "forgetting setting", NULL, e, "s",
	              key) == -1 ||
	    search_language_sync(s, e) == -1) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

/* GLOB is SQLite's (and compares case, where SQLite's LIKE does not);
 * PostgreSQL's LIKE compares case, its backslash quoting the _. */
static const char SQL_SECRETS[] =
	"SELECT key, length(value) FROM settings WHERE key GLOB 'secret_*'";
static const char SQL_SECRETS_PG[] =
	"SELECT key, length(value) FROM settings WHERE key LIKE 'secret\\_%'";
static const char SQL_SESSIONS_ALL[] = "DELETE FROM sessions";

int
store_secrets_rotate(struct store *s, int64_t *keys, struct error *e)
{
	struct arena *a = arena_new();
	const char **names = NULL;
	size_t *lens = NULL, n = 0, cap = 0, lcap = 0;
	struct rd q;
	struct db_stmt *st;
	int rc = -1, step;

	*keys = 0;
	if (store_begin(s, e) == -1)
		goto out;
	st = rd_prep(&q, s, ENGINE_SQL(s, SQL_SECRETS), e);
	if (st == NULL)
		goto fail;
	while ((step = rd_step(&q, "reading the secrets", e)) == 1) {
		names = arena_grow(a, names, &cap, n, sizeof(*names));
		lens = arena_grow(a, lens, &lcap, n, sizeof(*lens));
		names[n] = col_text(a, st, 0);
		lens[n] = (size_t)db_column_int64(st, 1) / 2;
		n++;
	}
	rd_close(&q);
	if (step == -1)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		size_t bytes = lens[i] > 0 && lens[i] <= 256 ? lens[i] : 32;
		unsigned char *raw = arena_alloc(a, bytes);
		char *hex = arena_alloc(a, 2 * bytes + 1);

		randombytes_buf(raw, bytes);
		sodium_bin2hex(hex, 2 * bytes + 1, raw, bytes);
		if (store_setting_set(s, names[i], hex, e) == -1)
			goto fail;
	}
	if (write_one(s, SQL_SESSIONS_ALL, "signing everyone out", NULL, e,
	              "") == -1)
		goto fail;
	if (store_commit(s, e) == -1)
		goto out;
	*keys = (int64_t)n;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
out:
	arena_free(a);
	return rc;
}
