/*
 * The store driver's rewriting of SQLite's `?` parameters as PostgreSQL's
 * $N (store/db.c db_placeholders): any text, quotes and comments left
 * open included, comes back rewritten within its bound or refused, never
 * read or written past its end; text without a `?` comes back as it was.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_ops.h"
#include "util/limits.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error e;
	char *sql, *out;
	size_t marks = 0;
	int n = -1;

	if (size > 65536)
		return 0;
	sql = malloc(size + 1);
	if (sql == NULL)
		return 0;
	memcpy(sql, data, size);
	sql[size] = '\0';
	size = strlen(sql);
	for (size_t i = 0; i < size; i++)
		marks += sql[i] == '?';
	out = db_placeholders(sql, &n, &e);
	if (out != NULL) {
		if (n < 0 || n > LIM_SQL_PARAMS)
			abort();
		if (strlen(out) > size + marks * 6)
			abort();
		if (marks == 0 && (strcmp(out, sql) != 0 || n != 0))
			abort();
		free(out);
	} else if (e.code != ERR_INVALID || marks == 0) {
		abort();
	}
	free(sql);
	return 0;
}
