/*
 * Search queries come from anyone on the network.  Whatever the bytes,
 * the expression must be valid FTS5 (no syntax error reaches the reader)
 * and quote every term.
 */
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store/search_query.h"
#include "util/limits.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *st;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct search_parse info;
	const char *fts;

	if (db == NULL) {
		if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
		    sqlite3_exec(db,
		                 "CREATE VIRTUAL TABLE t USING fts5(a, b, "
		                 "tokenize = 'unicode61 remove_diacritics 2');"
		                 "INSERT INTO t VALUES ('a b', 'c d');",
		                 NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(
			    db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1,
			    &st, NULL) != SQLITE_OK)
			__builtin_trap();
	}
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
	arena_free(a);
	return 0;
}
