/*
 * What a section is: a name, a slug the site's routes leave free, a kind
 * and a description.  The messages are written for the person at the
 * form; the API and the CLI pass them on with the field's name.
 */
#include <string.h>

#include "sections.h"
#include "slugs.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

int
section_check(struct arena *a, const struct section_form *f,
              struct section *out, const char **desc, const char **bad,
              struct error *e)
{
	const char *name = text_trim(a, f->name), *slug = text_trim(a, f->slug);
	const char *kind = text_trim(a, f->kind);
	int k;

	memset(out, 0, sizeof(*out));
	*bad = "name";
	if (*name == '\0')
		return error_set(e, ERR_INVALID, "Give the section a name.");
	if (strlen(name) > LIM_SECTION_NAME_BYTES)
		return error_set(e, ERR_INVALID,
		                 "The name is longer than %d bytes.",
		                 LIM_SECTION_NAME_BYTES);
	if (text_has_control(name, 0))
		return error_set(e, ERR_INVALID,
		                 "The name cannot hold line breaks or "
		                 "control characters.");
	*bad = "slug";
	if (*slug == '\0') {
		slug = slug_from_title(a, name);
		if (*slug == '\0')
			return error_set(e, ERR_INVALID,
			                 "The name has no letters or digits to "
			                 "make a slug from; type a slug.");
	}
	if (!slug_valid(slug))
		return error_set(e, ERR_INVALID,
		                 "A slug is letters, digits, '-', '_', '.' or "
		                 "'~' (no spaces or '/'), at most %d bytes.",
		                 LIM_SLUG_BYTES);
	if (slugs_reserved(slug))
		return error_set(e, ERR_INVALID,
		                 "The slug '%s' is reserved for the site's own "
		                 "addresses; choose another.",
		                 slug);
	*bad = "kind";
	k = *kind ? enum_lookup(section_kind_names, SECTION_KIND__MAX, kind)
	          : SECTION_POSTS;
	if (k < 0)
		return error_set(e, ERR_INVALID,
		                 "The kind is one of posts, video, discussion, "
		                 "podcast, aggregator or dashboard.");
	*bad = "description";
	*desc = f->description ? f->description : "";
	if (strlen(*desc) > LIM_SECTION_DESC_BYTES)
		return error_set(e, ERR_INVALID,
		                 "The description is longer than %d bytes.",
		                 LIM_SECTION_DESC_BYTES);
	if (text_has_control(*desc, 1))
		return error_set(e, ERR_INVALID,
		                 "The description cannot hold control "
		                 "characters.");
	*bad = NULL;
	out->name = name;
	out->slug = slug;
	out->kind = (enum section_kind)k;
	out->show_newest = f->show_newest;
	return 0;
}

int
section_add(struct store *st, struct arena *a, const struct section *sec,
            const char *desc, int64_t *id, const char **bad, struct error *e)
{
	struct section_info *all;
	size_t n;

	*bad = "";
	if (store_section_infos(st, a, &all, &n, e) == -1)
		return -1;
	if (n >= LIM_SECTIONS)
		return error_set(e, ERR_INVALID,
		                 "A site has at most %d sections; delete one "
		                 "first.",
		                 LIM_SECTIONS);
	if (store_section_create(st, sec, desc, id, e) == -1) {
		if (e->code == ERR_CONFLICT)
			*bad = "slug";
		return -1;
	}
	*bad = NULL;
	return 0;
}
