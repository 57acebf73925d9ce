/*
 * Search queries come from anyone on the network.  Whatever the bytes,
 * the expression must be valid FTS5 (no syntax error reaches the reader)
 * and quote every term.  The table uses the index's tokenizer
 * (gazette_stem, in English, Russian or none by the first byte), and the
 * bytes are also indexed as a document and deleted again: the tokenizer
 * must neither crash nor leave the index other than whole.
 */
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store/internal.h"
#include "store/search_query.h"
#include "util/limits.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *st, *doc_add, *doc_del;
static unsigned runs;

static void
open_db(void)
{
	struct error e;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    search_functions_add(db, &e) == -1 ||
	    sqlite3_exec(db,
	                 "CREATE VIRTUAL TABLE t USING fts5(a, b, "
	                 "tokenize = '" SEARCH_TOKENIZER " en');"
	                 "CREATE VIRTUAL TABLE r USING fts5(a, "
	                 "tokenize = '" SEARCH_TOKENIZER " ru');"
	                 "CREATE VIRTUAL TABLE z USING fts5(a, "
	                 "tokenize = '" SEARCH_TOKENIZER "');"
	                 "INSERT INTO t VALUES ('a b', 'c d');",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		__builtin_trap();
}

/* The bytes as a document of table tab, found or not, then deleted. */
static void
as_document(const char *tab, const uint8_t *data, size_t size, const char *fts)
{
	char sql[128];
	sqlite3_stmt *q;

	snprintf(sql, sizeof(sql), "INSERT INTO %s(rowid, a) VALUES (7, ?1)",
	         tab);
	if (sqlite3_prepare_v2(db, sql, -1, &doc_add, NULL) != SQLITE_OK)
		__builtin_trap();
	sqlite3_bind_text(doc_add, 1, (const char *)data, (int)size,
	                  SQLITE_STATIC);
	if (sqlite3_step(doc_add) != SQLITE_DONE)
		__builtin_trap();
	sqlite3_finalize(doc_add);
	if (*fts != '\0') {
		snprintf(sql, sizeof(sql),
		         "SELECT count(*) FROM %s WHERE %s MATCH ?1", tab, tab);
		if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
			__builtin_trap();
		sqlite3_bind_text(q, 1, fts, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_ROW)
			__builtin_trap();
		sqlite3_finalize(q);
	}
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE rowid = 7", tab);
	if (sqlite3_prepare_v2(db, sql, -1, &doc_del, NULL) != SQLITE_OK ||
	    sqlite3_step(doc_del) != SQLITE_DONE)
		__builtin_trap();
	sqlite3_finalize(doc_del);
	/* Every token added was removed: the index is whole. */
	if (++runs % 64 == 0) {
		snprintf(sql, sizeof(sql),
		         "INSERT INTO %s(%s) VALUES ('integrity-check')", tab,
		         tab);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct search_parse info;
	const char *fts;

	if (db == NULL)
		open_db();
	fts = search_query_fts(a, (const char *)data, size,
	                       size > 0 && data[0] & 1, &info);
	if (info.terms > LIM_SEARCH_TERMS ||
	    (size > LIM_SEARCH_QUERY_BYTES) != (info.cut != 0))
		__builtin_trap();
	if (*fts != '\0') {
		if (fts[0] != '(')
			__builtin_trap();
		sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			__builtin_trap(); /* an FTS5 error from reader input */
		sqlite3_reset(st);
	}
	as_document(size > 1 && data[1] & 1   ? "r"
	            : size > 1 && data[1] & 2 ? "z"
	                                      : "t",
	            data, size, fts);
	arena_free(a);
	return 0;
}
