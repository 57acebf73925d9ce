/*
 * Feed autodiscovery: the feeds an HTML page announces with
 * <link rel="alternate" type="application/rss+xml" href="..."> (and Atom,
 * RDF, JSON Feed), as the RSS Autodiscovery spec and browsers read them.
 * The page is parsed by gumbo as a browser would, so a link inside a
 * comment or a script does not count; hrefs resolve against <base href>
 * and the page's URL, and only http and https results are kept.
 */
#include <string.h>
#include <strings.h>

#include <gumbo.h>
#include <libxml/uri.h>

#include "feed.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

struct found {
	struct arena *a;
	const char *base;
	struct feed_link *out;
	size_t n, cap;
};

static const char *
attr(const GumboElement *el, const char *name)
{
	const GumboAttribute *at = gumbo_get_attribute(&el->attributes, name);

	return at != NULL ? at->value : NULL;
}

/* rel holds the token "alternate" (rel is a space-separated set). */
static int
is_alternate(const char *rel)
{
	const char *p = rel;

	while (p != NULL && *p != '\0') {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		n = strcspn(p, " \t\n");
		if (n == 9 && strncasecmp(p, "alternate", 9) == 0)
			return 1;
		p += n;
	}
	return 0;
}

static enum feed_kind
kind_of(const char *type)
{
	static const struct {
		const char *type;
		enum feed_kind kind;
	} t[] = {
		{"application/rss+xml", FEED_RSS},
		{"application/atom+xml", FEED_ATOM},
		{"application/rdf+xml", FEED_RDF},
		{"application/feed+json", FEED_JSON},
		{"application/json", FEED_JSON},
	};
	size_t n = strcspn(type, ";");

	while (n > 0 && type[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i].type) == n &&
		    strncasecmp(type, t[i].type, n) == 0)
			return t[i].kind;
	return FEED_KIND__MAX;
}

static void
add(struct found *f, const GumboElement *el)
{
	const char *rel = attr(el, "rel"), *type = attr(el, "type"),
		   *href = attr(el, "href"), *title = attr(el, "title");
	enum feed_kind k;
	xmlChar *abs;

	if (rel == NULL || type == NULL || href == NULL || !is_alternate(rel) ||
	    strlen(href) > LIM_FEED_URL_BYTES)
		return;
	k = kind_of(type);
	if (k == FEED_KIND__MAX || f->n == LIM_FEED_DISCOVERED)
		return;
	abs = xmlBuildURI((const xmlChar *)href, (const xmlChar *)f->base);
	if (abs != NULL && url_is_http((const char *)abs)) {
		for (size_t i = 0; i < f->n; i++)
			if (strcmp(f->out[i].url, (const char *)abs) == 0) {
				xmlFree(abs);
				return;
			}
		f->out = arena_grow(f->a, f->out, &f->cap, f->n,
		                    sizeof(*f->out));
		f->out[f->n].url = arena_strdup(f->a, (const char *)abs);
		f->out[f->n].title = arena_strdup(f->a, title ? title : "");
		f->out[f->n].kind = k;
		f->n++;
	}
	xmlFree(abs);
}

/* The links in document order; <base href> first sets the base. */
static void
walk(struct found *f, const GumboNode *n, int depth)
{
	const GumboVector *kids;

	if (n->type != GUMBO_NODE_ELEMENT || depth > LIM_SANITIZE_DEPTH)
		return;
	if (n->v.element.tag == GUMBO_TAG_BASE) {
		const char *b = attr(&n->v.element, "href");
		xmlChar *abs = b != NULL ? xmlBuildURI((const xmlChar *)b,
		                                       (const xmlChar *)f->base)
		                         : NULL;

		if (abs != NULL && url_is_http((const char *)abs))
			f->base = arena_strdup(f->a, (const char *)abs);
		xmlFree(abs);
	} else if (n->v.element.tag == GUMBO_TAG_LINK) {
		add(f, &n->v.element);
	}
	kids = &n->v.element.children;
	for (unsigned i = 0; i < kids->length; i++)
		walk(f, kids->data[i], depth + 1);
}

int
feed_discover(struct arena *a, const char *html, size_t n, const char *page_url,
              struct feed_link **out, size_t *n_out)
{
	struct found f = {.a = a, .base = page_url};
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *g;

	*out = NULL;
	*n_out = 0;
	if (n > LIM_FEED_BYTES)
		n = LIM_FEED_BYTES;
	opt.max_errors = 0;
	g = gumbo_parse_with_options(&opt, html, n);
	if (g == NULL)
		return -1;
	walk(&f, g->root, 0);
	gumbo_destroy_output(&opt, g);
	*out = f.out;
	*n_out = f.n;
	return 0;
}
