#ifndef GAZETTE_CORE_SECTIONS_H
#define GAZETTE_CORE_SECTIONS_H
/*
 * The rules of a section, asked by the admin's sections screen, its JSON
 * API and `gazette sections add`.
 */
#include "../store/site.h"
#include "../util/arena.h"
#include "../util/error.h"

/* A section as typed (form, JSON or command line); NULL fields are
 * empty. */
struct section_form {
	const char *name, *slug, *kind, *description;
	int show_newest;
};

/*
 * Check f into *out and *desc (strings in a): the name is required, one
 * line, at most LIM_SECTION_NAME_BYTES; an empty slug is made from the
 * name; the slug is valid and not reserved (core/slugs.h); the kind is
 * one of section_kind_names (empty: posts).  0, or -1 with *bad naming
 * the field and e the message.
 */
int section_check(struct arena *a, const struct section_form *f,
                  struct section *out, const char **desc, const char **bad,
                  struct error *e);

/* Add a checked section after the last one: -1 with ERR_INVALID past
 * LIM_SECTIONS, ERR_CONFLICT when the slug is taken (*bad "slug"). */
int section_add(struct store *st, struct arena *a, const struct section *sec,
                const char *desc, int64_t *id, const char **bad,
                struct error *e);

#endif
