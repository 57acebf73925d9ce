#ifndef GAZETTE_EMBED_H
#define GAZETTE_EMBED_H
/* Files embedded at build time by scripts/embed.py (templates, static,
 * migrations).  Each array ends with an entry whose name is NULL. */
#include <stddef.h>

struct embed_file {
	const char *name; /* path relative to its folder, e.g. "post.html" */
	const char *data; /* NUL-terminated */
	size_t len;
};

extern const struct embed_file embed_templates[];
extern const struct embed_file embed_static[];
extern const struct embed_file embed_sql[];
/* Their PostgreSQL twins, src/store/sql/pg (decision 094). */
extern const struct embed_file embed_sql_pg[];
/* po/LANG.po compiled by msgfmt: "ru.mo" (i18n.c). */
extern const struct embed_file embed_locale[];

const struct embed_file *embed_find(const struct embed_file *files,
                                    const char *name);

#endif
