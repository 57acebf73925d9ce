/*
 * mime.h: /etc/mime.types as a sorted array of (extension, type).  Its
 * format (mime.types(5)): a type, then its extensions, separated by white
 * space; '#' starts a comment.  Read once (pthread_once), never changed,
 * so lookups take no lock.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "mime.h"
#include "banned.h"

/* The table's most: Debian's has some 2,000 lines and 1,200 extensions. */
#define MIME_MAX_ENTRIES 16384
#define MIME_LINE_BYTES  1024

struct ext_type {
	char *ext, *type;
	size_t line; /* the entry's place in the file */
};

static const char *table_path = "/etc/mime.types";
static struct ext_type *table;
static size_t ntable;
static pthread_once_t once = PTHREAD_ONCE_INIT;

void
mime_table_path(const char *path)
{
	table_path = path;
}

static int
by_ext(const void *a, const void *b)
{
	return strcasecmp(((const struct ext_type *)a)->ext,
	                  ((const struct ext_type *)b)->ext);
}

static int
by_ext_line(const void *a, const void *b)
{
	const struct ext_type *x = a, *y = b;
	int c = strcasecmp(x->ext, y->ext);

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void
load(void)
{
	FILE *f = fopen(table_path, "r");
	char line[MIME_LINE_BYTES];
	size_t cap = 0, j = 0;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL &&
	       ntable < MIME_MAX_ENTRIES) {
		char *save = NULL, *type, *ext;

		line[strcspn(line, "#\n")] = '\0';
		type = strtok_r(line, " \t", &save);
		if (type == NULL)
			continue;
		while ((ext = strtok_r(NULL, " \t", &save)) != NULL &&
		       ntable < MIME_MAX_ENTRIES) {
			if (ntable == cap) {
				cap = cap ? 2 * cap : 1024;
				table = xrealloc(table, cap * sizeof(*table));
			}
			table[ntable].ext = xstrdup(ext);
			table[ntable].type = xstrdup(type);
			table[ntable].line = ntable;
			ntable++;
		}
	}
	fclose(f);
	/* The first line naming an extension wins: sorted with ties in the
	 * file's order, then only the first of each kept. */
	qsort(table, ntable, sizeof(*table), by_ext_line);
	for (size_t i = 0; i < ntable; i++) {
		if (j > 0 && strcasecmp(table[j - 1].ext, table[i].ext) == 0) {
			free(table[i].ext);
			free(table[i].type);
			continue;
		}
		table[j++] = table[i];
	}
	ntable = j;
}

const char *
mime_by_name(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash != NULL ? slash : name, '.');
	struct ext_type key, *hit;

	pthread_once(&once, load);
	if (dot == NULL || dot[1] == '\0' || ntable == 0)
		return NULL;
	key.ext = (char *)(uintptr_t)(dot + 1);
	hit = bsearch(&key, table, ntable, sizeof(*table), by_ext);
	return hit != NULL ? hit->type : NULL;
}
