#ifndef GAZETTE_CORE_SLUGS_H
#define GAZETTE_CORE_SLUGS_H
/*
 * The slugs the site's own addresses take.  A page or a section lives at
 * /SLUG/, so a slug that is the first segment of one of the server's
 * routes would never be reached, or would shadow the route.  The list is
 * not written down: it is read off the route table itself (the site's and
 * the admin's), handed in once at start-up, so a new route reserves its
 * slug without anyone remembering to.  The section form, its JSON API,
 * `gazette sections add` and the importer (through the store's hook) all
 * ask slugs_reserved().
 */
#include <stddef.h>

/* More than the site and the admin have (about 120). */
#define SLUGS_PATTERNS_MAX 512

/* Reserve what each route pattern's first segment takes (patterns are
 * kept, not copied: string literals).  Called before any thread starts;
 * a later call replaces the list. */
void slugs_reserve(const char *const *patterns, size_t n);
/*
 * 1 if a page or section at /slug/ would clash with a reserved pattern:
 * its first segment is the literal slug ("feed"), a literal that a
 * capture follows and slug starts with ("sitemap-:" takes sitemap-1.xml),
 * or a digits capture while slug is all digits (/2024/ is a date
 * archive).  A capture alone (the page route "/:/" itself) reserves
 * nothing.
 */
int slugs_reserved(const char *slug);
/* The same, against one pattern. */
int slugs_reserved_by(const char *pattern, const char *slug);

#endif
