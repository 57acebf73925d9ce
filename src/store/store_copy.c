/*
 * Moving a site between engines (issue 18: `gazette migrate --to`): every
 * row of one store copied into another that has just been created, read
 * through the driver on both sides, so it goes SQLite -> PostgreSQL,
 * back, or between two files alike.
 *
 * The tables and their columns are the target's, read from its catalog
 * (both schemas are made by the same migrations, decision 094, so the
 * source has them too; a column the source lacks fails the copy).  What
 * is not data is not copied: the migrations' history (the target's
 * migrations wrote their own), the search index (made again from the
 * copied posts at the end, as `gazette search reindex` does) and the
 * engine's own tables.
 *
 * Order: a table is filled after the tables its foreign keys name; a key
 * that names its own table (a reply's parent) or closes a cycle (a post's
 * featured image, an image's post) is written NULL first and set by a
 * second pass once every row is in, so the target's constraints hold at
 * every statement (PostgreSQL's are not deferrable).  The target's
 * triggers are off meanwhile: the counts they keep (comment counts, list
 * totals) are copied as they are, not counted a second time.
 *
 * The source is read in one snapshot and the target written in one
 * transaction; the rows of every table are counted on both sides before
 * the commit, and any difference rolls the whole copy back.
 */
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "internal.h"
#include "search.h"
#include "../util/arena.h"
#include "../util/banned.h"

/* Rows read per statement from a table keyed by one integer: a
 * PostgreSQL result is held whole in memory until the next step. */
#define COPY_BATCH 1000
/* Tables and columns one schema may have. */
#define COPY_TABLES  128
#define COPY_COLUMNS 64

enum kind { K_INT, K_REAL, K_TEXT, K_BLOB };

struct col {
	const char *name;
	enum kind kind;
	int pk;           /* position in the primary key, from 1; 0 not in it */
	int deferred;     /* written NULL, then set by the second pass */
	const char *refs; /* the table a foreign key names, or NULL */
};

struct table {
	const char *name;
	struct col cols[COPY_COLUMNS];
	int ncols;
	int key; /* the column of a one-integer primary key, or -1 */
	int done;
	int64_t rows;
};

struct schema {
	struct table t[COPY_TABLES];
	int n;
	int order[COPY_TABLES];
};

static const char SQL_COLUMNS[] =
	"SELECT m.name, c.name, c.type, c.pk FROM sqlite_schema m "
	"JOIN pragma_table_info(m.name) c WHERE m.type = 'table' "
	"AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	"AND m.name NOT LIKE 'posts\\_fts%' ESCAPE '\\' "
	"AND m.name <> 'schema_migrations' ORDER BY m.name, c.cid";
static const char SQL_COLUMNS_PG[] =
	"SELECT c.table_name::text, c.column_name::text, c.data_type::text, "
	"coalesce((SELECT array_position(k.conkey, c.ordinal_position::int2) "
	"FROM pg_constraint k WHERE k.contype = 'p' "
	"AND k.conrelid = to_regclass(quote_ident(c.table_name))), 0) "
	"FROM information_schema.columns c JOIN information_schema.tables t "
	"ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
	"WHERE c.table_schema = current_schema() "
	"AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER' "
	"AND c.table_name NOT LIKE 'posts\\_fts%' ESCAPE '\\' "
	"AND c.table_name <> 'schema_migrations' "
	"ORDER BY c.table_name, c.ordinal_position";
static const char SQL_KEYS[] =
	"SELECT m.name, f.\"table\", f.\"from\" FROM sqlite_schema m "
	"JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'";
static const char SQL_KEYS_PG[] =
	"SELECT cl.relname::text, rf.relname::text, a.attname::text "
	"FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid "
	"JOIN pg_class rf ON rf.oid = k.confrelid "
	"JOIN pg_attribute a ON a.attrelid = k.conrelid "
	"AND a.attnum = k.conkey[1] WHERE k.contype = 'f' "
	"AND cl.relnamespace = to_regnamespace(current_schema())";
static const char SQL_TRIGGERS[] =
	"SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' "
	"AND sql IS NOT NULL";

/* Our names are lower-case words; anything else is not put into SQL. */
static int
plain_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

static enum kind
kind_of(const char *type)
{
	char low[64];
	size_t i;

	for (i = 0; i + 1 < sizeof(low) && type[i] != '\0'; i++)
		low[i] = (char)(type[i] >= 'A' && type[i] <= 'Z'
		                        ? type[i] - 'A' + 'a'
		                        : type[i]);
	low[i] = '\0';
	if (strstr(low, "int") != NULL || strstr(low, "bool") != NULL)
		return K_INT;
	if (strstr(low, "real") != NULL || strstr(low, "double") != NULL ||
	    strstr(low, "float") != NULL || strstr(low, "numeric") != NULL)
		return K_REAL;
	if (strstr(low, "blob") != NULL || strstr(low, "bytea") != NULL)
		return K_BLOB;
	return K_TEXT;
}

static struct table *
table_find(struct schema *sc, const char *name)
{
	for (int i = 0; i < sc->n; i++)
		if (strcmp(sc->t[i].name, name) == 0)
			return &sc->t[i];
	return NULL;
}

static struct col *
col_find(struct table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

/* The target's tables, columns, primary keys and foreign keys. */
static int
schema_read(struct db *d, struct arena *a, struct schema *sc, struct error *e)
{
	int pg = db_engine(d) == DB_PG, rc;
	struct db_stmt *st;

	memset(sc, 0, sizeof(*sc));
	if ((st = db_prepare(d, pg ? SQL_COLUMNS_PG : SQL_COLUMNS, e)) == NULL)
		return -1;
	while ((rc = db_step(st, "migrate: reading the schema", e)) == 1) {
		const char *tn = db_column_text(st, 0, NULL);
		const char *cn = db_column_text(st, 1, NULL);
		const char *ty = db_column_text(st, 2, NULL);
		struct table *t;
		struct col *c;

		if (tn == NULL || cn == NULL || !plain_name(tn) ||
		    !plain_name(cn)) {
			rc = error_set(e, ERR_INVALID,
			               "migrate: a table or column named "
			               "\"%s.%s\" is not one of gazette's",
			               tn ? tn : "", cn ? cn : "");
			break;
		}
		t = table_find(sc, tn);
		if (t == NULL) {
			if (sc->n == COPY_TABLES) {
				rc = error_set(e, ERR_INVALID,
				               "migrate: more than %d tables",
				               COPY_TABLES);
				break;
			}
			t = &sc->t[sc->n++];
			t->name = arena_strdup(a, tn);
			t->key = -1;
		}
		if (t->ncols == COPY_COLUMNS) {
			rc = error_set(e, ERR_INVALID,
			               "migrate: table %s has more than %d "
			               "columns",
			               tn, COPY_COLUMNS);
			break;
		}
		c = &t->cols[t->ncols++];
		c->name = arena_strdup(a, cn);
		c->kind = kind_of(ty ? ty : "");
		c->pk = (int)db_column_int64(st, 3);
	}
	db_finalize(st);
	if (rc == -1)
		return -1;
	for (int i = 0; i < sc->n; i++) {
		struct table *t = &sc->t[i];
		int npk = 0, at = -1;

		for (int j = 0; j < t->ncols; j++)
			if (t->cols[j].pk > 0) {
				npk++;
				at = j;
			}
		if (npk == 1 && t->cols[at].kind == K_INT)
			t->key = at;
	}
	if ((st = db_prepare(d, pg ? SQL_KEYS_PG : SQL_KEYS, e)) == NULL)
		return -1;
	while ((rc = db_step(st, "migrate: reading foreign keys", e)) == 1) {
		const char *tn = db_column_text(st, 0, NULL);
		const char *to = db_column_text(st, 1, NULL);
		const char *cn = db_column_text(st, 2, NULL);
		struct table *t = tn != NULL ? table_find(sc, tn) : NULL;
		struct col *c;

		if (t == NULL || to == NULL || cn == NULL)
			continue;
		c = col_find(t, cn);
		if (c != NULL && table_find(sc, to) != NULL)
			c->refs = table_find(sc, to)->name;
	}
	db_finalize(st);
	return rc == -1 ? -1 : 0;
}

/* The keys of t naming another table not placed yet. */
static int
undone_refs(struct schema *sc, struct table *t)
{
	int n = 0;

	for (int j = 0; j < t->ncols; j++) {
		const char *r = t->cols[j].refs;

		if (r != NULL && strcmp(r, t->name) != 0 &&
		    !table_find(sc, r)->done)
			n++;
	}
	return n;
}

/* Does table from lead to table to through keys of tables not placed
 * yet?  seen: one flag a table, cleared by the caller. */
static int
leads_to(struct schema *sc, struct table *from, const struct table *to,
         char *seen)
{
	if (from == to)
		return 1;
	if (seen[from - sc->t] || from->done)
		return 0;
	seen[from - sc->t] = 1;
	for (int j = 0; j < from->ncols; j++)
		if (from->cols[j].refs != NULL &&
		    leads_to(sc, table_find(sc, from->cols[j].refs), to, seen))
			return 1;
	return 0;
}

/* Is every key of t to a table not placed yet part of a cycle back to t
 * (so that t may go first, those keys written later)? */
static int
only_cycles(struct schema *sc, struct table *t)
{
	char seen[COPY_TABLES];

	for (int j = 0; j < t->ncols; j++) {
		struct table *r;

		if (t->cols[j].refs == NULL)
			continue;
		r = table_find(sc, t->cols[j].refs);
		if (r == t || r->done)
			continue;
		memset(seen, 0, sizeof(seen));
		if (!leads_to(sc, r, t, seen))
			return 0;
	}
	return 1;
}

/*
 * The order the tables are filled in: a table whose keys name placed
 * tables only; when none is left (a cycle), one whose other keys all
 * lead back to it, those keys written later; a key to its own table is
 * always written later.
 */
static void
schema_order(struct schema *sc)
{
	for (int k = 0; k < sc->n; k++) {
		struct table *best = NULL;

		for (int i = 0; i < sc->n && best == NULL; i++)
			if (!sc->t[i].done && undone_refs(sc, &sc->t[i]) == 0)
				best = &sc->t[i];
		for (int i = 0; i < sc->n && best == NULL; i++)
			if (!sc->t[i].done && only_cycles(sc, &sc->t[i]))
				best = &sc->t[i];
		for (int i = 0; i < sc->n && best == NULL; i++)
			if (!sc->t[i].done) /* not reached: some table of a
			                     * cycle always qualifies */
				best = &sc->t[i];
		for (int j = 0; j < best->ncols; j++) {
			struct col *c = &best->cols[j];

			if (c->refs != NULL &&
			    (strcmp(c->refs, best->name) == 0 ||
			     !table_find(sc, c->refs)->done))
				c->deferred = 1;
		}
		best->done = 1;
		sc->order[k] = (int)(best - sc->t);
	}
}

static const char *
col_list(struct arena *a, const struct table *t)
{
	const char *s = "";

	for (int j = 0; j < t->ncols; j++)
		s = arena_printf(a, "%s%s%s", s, j ? ", " : "",
		                 t->cols[j].name);
	return s;
}

/* "ORDER BY" the primary key, or every column when there is none. */
static const char *
order_by(struct arena *a, const struct table *t)
{
	const char *s = "";

	for (int k = 1; k <= t->ncols; k++)
		for (int j = 0; j < t->ncols; j++)
			if (t->cols[j].pk == k)
				s = arena_printf(a, "%s%s%s", s, *s ? ", " : "",
				                 t->cols[j].name);
	return *s ? s : col_list(a, t);
}

/* Bind column i of the row from into parameter p of to. */
static void
bind_from(struct db_stmt *to, int p, struct db_stmt *from, int i, enum kind k)
{
	size_t n;

	if (db_column_is_null(from, i)) {
		db_bind_null(to, p);
		return;
	}
	switch (k) {
	case K_INT:
		db_bind_int64(to, p, db_column_int64(from, i));
		break;
	case K_REAL:
		db_bind_double(to, p, db_column_double(from, i));
		break;
	case K_BLOB: {
		const void *b = db_column_blob(from, i, &n);

		db_bind_blob(to, p, b, n);
		break;
	}
	case K_TEXT: {
		const char *s = db_column_text(from, i, &n);

		db_bind_text(to, p, s, (int)n);
		break;
	}
	}
}

/* Every row of t from src into dst, deferred keys as NULL. */
static int
table_copy(struct db *src, struct db *dst, struct arena *a, struct table *t,
           struct error *e)
{
	const char *cols = col_list(a, t), *qs = "";
	struct db_stmt *rd, *wr;
	int64_t after = INT64_MIN;
	int rc, got;

	for (int j = 0; j < t->ncols; j++)
		qs = arena_printf(a, "%s%s?", qs, j ? ", " : "");
	wr = db_prepare(dst,
	                arena_printf(a, "INSERT INTO %s (%s) VALUES (%s)",
	                             t->name, cols, qs),
	                e);
	if (wr == NULL)
		return -1;
	if (t->key >= 0)
		rd = db_prepare(src,
		                arena_printf(a,
		                             "SELECT %s FROM %s WHERE %s > ? "
		                             "ORDER BY %s LIMIT %d",
		                             cols, t->name,
		                             t->cols[t->key].name,
		                             t->cols[t->key].name, COPY_BATCH),
		                e);
	else
		rd = db_prepare(src,
		                arena_printf(a, "SELECT %s FROM %s ORDER BY %s",
		                             cols, t->name, order_by(a, t)),
		                e);
	if (rd == NULL) {
		db_finalize(wr);
		return -1;
	}
	t->rows = 0;
	do {
		got = 0;
		if (t->key >= 0)
			db_bind_int64(rd, 1, after);
		while ((rc = db_step(rd, t->name, e)) == 1) {
			got++;
			for (int j = 0; j < t->ncols; j++) {
				if (t->cols[j].deferred)
					db_bind_null(wr, j + 1);
				else
					bind_from(wr, j + 1, rd, j,
					          t->cols[j].kind);
			}
			rc = db_step(wr, t->name, e);
			db_reset(wr);
			db_clear_bindings(wr);
			if (rc == -1)
				break;
			t->rows++;
			if (t->key >= 0)
				after = db_column_int64(rd, t->key);
		}
		db_reset(rd);
	} while (rc == 0 && t->key >= 0 && got == COPY_BATCH);
	db_finalize(rd);
	db_finalize(wr);
	return rc == -1 ? -1 : 0;
}

/* The second pass: the keys written NULL, set now that every row is in. */
static int
table_deferred(struct db *src, struct db *dst, struct arena *a, struct table *t,
               struct error *e)
{
	const char *sel = "", *set = "", *any = "";
	struct db_stmt *rd, *wr;
	int nd = 0, rc;

	for (int j = 0; j < t->ncols; j++) {
		if (!t->cols[j].deferred)
			continue;
		sel = arena_printf(a, "%s, %s", sel, t->cols[j].name);
		set = arena_printf(a, "%s%s%s = ?", set, nd ? ", " : "",
		                   t->cols[j].name);
		any = arena_printf(a, "%s%s%s IS NOT NULL", any,
		                   nd ? " OR " : "", t->cols[j].name);
		nd++;
	}
	if (nd == 0)
		return 0;
	if (t->key < 0)
		return error_set(e, ERR_INVALID,
		                 "migrate: table %s refers to itself or back "
		                 "but has no one-column key",
		                 t->name);
	rd = db_prepare(src,
	                arena_printf(a, "SELECT %s%s FROM %s WHERE %s",
	                             t->cols[t->key].name, sel, t->name, any),
	                e);
	if (rd == NULL)
		return -1;
	wr = db_prepare(dst,
	                arena_printf(a, "UPDATE %s SET %s WHERE %s = ?",
	                             t->name, set, t->cols[t->key].name),
	                e);
	if (wr == NULL) {
		db_finalize(rd);
		return -1;
	}
	while ((rc = db_step(rd, t->name, e)) == 1) {
		int p = 1;

		for (int j = 0; j < t->ncols; j++)
			if (t->cols[j].deferred) {
				bind_from(wr, p, rd, p, K_INT);
				p++;
			}
		db_bind_int64(wr, p, db_column_int64(rd, 0));
		rc = db_step(wr, t->name, e);
		db_reset(wr);
		if (rc == -1)
			break;
	}
	db_finalize(rd);
	db_finalize(wr);
	return rc == -1 ? -1 : 0;
}

static int
count_rows(struct db *d, struct arena *a, const char *table, int64_t *n,
           struct error *e)
{
	struct db_stmt *st =
		db_prepare(d, arena_printf(a, "SELECT count(*) FROM %s", table),
	                   e);
	int rc;

	if (st == NULL)
		return -1;
	rc = db_step(st, table, e);
	if (rc == 1)
		*n = db_column_int64(st, 0);
	db_finalize(st);
	return rc == 1 ? 0 : -1;
}

/*
 * The target's triggers off (on = 0) or back on.  PostgreSQL: each
 * table's user triggers, inside the transaction.  SQLite has no switch:
 * the triggers are dropped and made again from their SQL, kept in
 * saved (an arena array of "name\0sql" pairs).
 */
static int
triggers_switch(struct db *d, struct arena *a, struct schema *sc, int on,
                const char ***saved, int *nsaved, struct error *e)
{
	struct db_stmt *st;
	int rc = 0;

	if (db_engine(d) == DB_PG) {
		for (int i = 0; i < sc->n && rc == 0; i++)
			rc = db_exec(d,
			             arena_printf(a,
			                          "ALTER TABLE %s %s TRIGGER "
			                          "USER",
			                          sc->t[i].name,
			                          on ? "ENABLE" : "DISABLE"),
			             "migrate: triggers", e);
		return rc;
	}
	if (on) {
		for (int i = 0; i < *nsaved && rc == 0; i++)
			rc = db_exec(d, (*saved)[2 * i + 1],
			             "migrate: triggers", e);
		return rc;
	}
	st = db_prepare(d, SQL_TRIGGERS, e);
	if (st == NULL)
		return -1;
	*nsaved = 0;
	*saved = NULL;
	while ((rc = db_step(st, "migrate: triggers", e)) == 1) {
		const char **grown =
			arena_alloc(a,
		                    sizeof(*grown) * 2 * (size_t)(*nsaved + 1));

		if (*nsaved > 0)
			memcpy(grown, *saved,
			       sizeof(*grown) * 2 * (size_t)*nsaved);
		grown[2 * *nsaved] =
			arena_strdup(a, db_column_text(st, 0, NULL));
		grown[2 * *nsaved + 1] =
			arena_strdup(a, db_column_text(st, 1, NULL));
		*saved = grown;
		(*nsaved)++;
	}
	db_finalize(st);
	if (rc == -1)
		return -1;
	for (int i = 0; i < *nsaved && rc == 0; i++) {
		if (!plain_name((*saved)[2 * i]))
			return error_set(e, ERR_INVALID,
			                 "migrate: a trigger named \"%s\" is "
			                 "not one of gazette's",
			                 (*saved)[2 * i]);
		rc = db_exec(d,
		             arena_printf(a, "DROP TRIGGER %s",
		                          (*saved)[2 * i]),
		             "migrate: triggers", e);
	}
	return rc;
}

/* The rows the target's migrations made (default settings, say) go, so
 * that the target holds the source's alone. */
static int
target_empty(struct db *d, struct arena *a, struct schema *sc, struct error *e)
{
	const char *all = "";
	int rc = 0;

	if (db_engine(d) == DB_PG) {
		for (int i = 0; i < sc->n; i++)
			all = arena_printf(a, "%s%s%s", all, i ? ", " : "",
			                   sc->t[i].name);
		return sc->n == 0
		               ? 0
		               : db_exec(d, arena_printf(a, "TRUNCATE %s", all),
		                         "migrate: emptying the target", e);
	}
	rc = db_exec(d, "PRAGMA defer_foreign_keys = ON", NULL, e);
	for (int i = sc->n - 1; i >= 0 && rc == 0; i--)
		rc = db_exec(d,
		             arena_printf(a, "DELETE FROM %s",
		                          sc->t[sc->order[i]].name),
		             "migrate: emptying the target", e);
	return rc;
}

/* PostgreSQL's identity columns go on after the highest id copied. */
static int
identities_set(struct db *d, struct arena *a, struct schema *sc,
               struct error *e)
{
	int rc = 0;

	if (db_engine(d) != DB_PG)
		return 0; /* SQLite's rowids follow the rows themselves */
	for (int i = 0; i < sc->n && rc == 0; i++) {
		struct table *t = &sc->t[i];

		if (t->key < 0)
			continue;
		rc = db_exec(d,
		             arena_printf(a,
		                          "SELECT setval(s, m + 1, false) "
		                          "FROM (SELECT pg_get_serial_sequence("
		                          "'%s', '%s') AS s, coalesce(max(%s), "
		                          "0) AS m FROM %s) x WHERE s IS NOT "
		                          "NULL",
		                          t->name, t->cols[t->key].name,
		                          t->cols[t->key].name, t->name),
		             "migrate: identities", e);
	}
	return rc;
}

static int
copy_all(struct store *from, struct store *to, struct arena *a,
         struct schema *sc, struct error *e)
{
	struct db *src = from->w.d, *dst = to->w.d;
	const char **saved = NULL;
	int nsaved = 0;

	if (schema_read(dst, a, sc, e) == -1)
		return -1;
	schema_order(sc);
	if (triggers_switch(dst, a, sc, 0, &saved, &nsaved, e) == -1 ||
	    target_empty(dst, a, sc, e) == -1)
		return -1;
	for (int i = 0; i < sc->n; i++)
		if (table_copy(src, dst, a, &sc->t[sc->order[i]], e) == -1)
			return -1;
	for (int i = 0; i < sc->n; i++)
		if (table_deferred(src, dst, a, &sc->t[sc->order[i]], e) == -1)
			return -1;
	for (int i = 0; i < sc->n; i++) {
		struct table *t = &sc->t[i];
		int64_t ns = 0, nd = 0;

		if (count_rows(src, a, t->name, &ns, e) == -1 ||
		    count_rows(dst, a, t->name, &nd, e) == -1)
			return -1;
		if (ns != t->rows || nd != t->rows)
			return error_set(e, ERR_IO,
			                 "migrate: table %s: %lld rows in the "
			                 "source, %lld copied, %lld in the "
			                 "target",
			                 t->name, (long long)ns,
			                 (long long)t->rows, (long long)nd);
	}
	if (identities_set(dst, a, sc, e) == -1 ||
	    triggers_switch(dst, a, sc, 1, &saved, &nsaved, e) == -1)
		return -1;
	return 0;
}

int
store_copy(struct store *from, struct store *to, struct arena *a,
           struct store_copied **out, size_t *n, struct error *e)
{
	struct schema *sc;
	int64_t have_from, have_to, known, indexed;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_schema_version(from, &have_from, &known, e) == -1 ||
	    store_schema_version(to, &have_to, &known, e) == -1)
		return -1;
	if (have_from != have_to)
		return error_set(e, ERR_INVALID,
		                 "migrate: the source is at migration %lld, "
		                 "the target at %lld",
		                 (long long)have_from, (long long)have_to);
	sc = calloc(1, sizeof(*sc));
	if (sc == NULL)
		return error_set(e, ERR_IO, "migrate: out of memory");
	writer_lock(from);
	rc = db_begin(from->w.d, DB_READ, e);
	if (rc == 0) {
		rc = store_begin(to, e);
		if (rc == 0) {
			rc = copy_all(from, to, a, sc, e);
			/* The search index, from the copied posts (in the
			 * same transaction: store_begin nests). */
			if (rc == 0)
				rc = store_search_reindex(to, &indexed, e);
			if (rc == 0)
				rc = store_commit(to, e);
			else
				store_rollback(to);
		}
		db_rollback(from->w.d, NULL);
	}
	writer_unlock(from);
	if (rc == 0)
		rc = store_analyze(to, e);
	if (rc == 0) {
		*out = arena_alloc(a, sizeof(**out) * (size_t)(sc->n + 1));
		for (int i = 0; i < sc->n; i++) {
			(*out)[i].table = sc->t[sc->order[i]].name;
			(*out)[i].rows = sc->t[sc->order[i]].rows;
		}
		*n = (size_t)sc->n;
	}
	free(sc);
	return rc;
}

int
store_copy_target(const char *url, struct arena *a, const char **open_as,
                  struct error *e)
{
	struct db *d;
	struct db_stmt *st;
	int64_t tables = -1;
	int rc;

	if (strncmp(url, "postgresql://", 13) != 0 &&
	    strncmp(url, "postgres://", 11) != 0) {
		const char *path =
			strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;

		if (*path == '\0' || strcmp(path, ":memory:") == 0)
			return error_set(e, ERR_INVALID,
			                 "migrate: --to needs a PostgreSQL URL "
			                 "or sqlite:PATH of a new file");
		if (access(path, F_OK) == 0)
			return error_set(e, ERR_INVALID,
			                 "migrate: %s exists already: the copy "
			                 "goes into a new file",
			                 path);
		*open_as = arena_strdup(a, path);
		return 0;
	}
	d = db_open(url, e);
	if (d == NULL)
		return -1;
	st = db_prepare(d,
	                "SELECT count(*) FROM information_schema.tables "
	                "WHERE table_schema = current_schema()",
	                e);
	rc = st == NULL ? -1 : db_step(st, "migrate: the target", e);
	if (rc == 1)
		tables = db_column_int64(st, 0);
	db_finalize(st);
	db_close(d);
	if (rc != 1)
		return -1;
	if (tables != 0)
		return error_set(e, ERR_INVALID,
		                 "migrate: the target database has %lld tables "
		                 "already: the copy goes into an empty one",
		                 (long long)tables);
	*open_as = arena_strdup(a, url);
	return 0;
}
