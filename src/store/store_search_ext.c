/*
 * gazette_stem as a SQLite extension (decision 088), for the tools that
 * write the database beside gazette: posts_fts names the tokenizer, so
 * a connection without it cannot write posts, tags or users (their
 * triggers index them) nor read the index.  In sqlite3:
 * .load /path/to/gazette_stem
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "internal.h"
#include "../util/banned.h"

int sqlite3_gazettestem_init(sqlite3 *db, char **err,
                             const sqlite3_api_routines *api);

int
sqlite3_gazettestem_init(sqlite3 *db, char **err,
                         const sqlite3_api_routines *api)
{
	fts5_api *fts = NULL;
	sqlite3_stmt *st;
	struct error e;

	SQLITE_EXTENSION_INIT2(api);
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return SQLITE_ERROR;
	sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (fts == NULL || search_tokenizer_add(fts, &e) == -1) {
		*err = sqlite3_mprintf("gazette_stem: no fts5 in this sqlite");
		return SQLITE_ERROR;
	}
	return SQLITE_OK;
}
