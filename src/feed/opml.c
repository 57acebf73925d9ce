/*
 * OPML subscription lists (http://opml.org/spec2.opml): import of any
 * version, as Miniflux, FreshRSS, Feedly and others export them, and
 * export as OPML 2.0.  An outline with an xmlUrl is a feed; outlines
 * around it are folders (nested folders join with "/").  Read like a
 * feed: libxml2 with recovery and NONET, never NOENT or DTDLOAD, so an
 * external entity is neither fetched nor read.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "feed.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

struct opml_read {
	struct arena *a;
	struct opml_feed *out;
	size_t n, cap;
	int too_many;
};

/* An attribute by name, any case (xmlUrl, xmlurl, XMLURL all occur). */
static const char *
attr(struct arena *a, const xmlNode *n, const char *name)
{
	for (const xmlAttr *at = n->properties; at != NULL; at = at->next) {
		xmlChar *v;
		char *s;

		if (at->ns != NULL || strcasecmp((const char *)at->name, name))
			continue;
		v = xmlNodeGetContent((const xmlNode *)at);
		s = arena_strdup(a, v != NULL ? (const char *)v : "");
		xmlFree(v);
		return s;
	}
	return NULL;
}

static void
walk(struct opml_read *r, const xmlNode *parent, const char *folder, int depth)
{
	if (depth > LIM_FEED_DEPTH)
		return;
	for (const xmlNode *k = parent->children; k != NULL; k = k->next) {
		const char *url, *title, *text, *site;

		if (k->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)k->name, "outline") != 0)
			continue;
		url = attr(r->a, k, "xmlUrl");
		title = attr(r->a, k, "title");
		text = attr(r->a, k, "text");
		if (title == NULL || *title == '\0')
			title = text != NULL ? text : "";
		if (url == NULL || *url == '\0') {
			/* a folder; a nameless one adds no level */
			walk(r, k,
			     *title == '\0'    ? folder
			     : *folder == '\0' ? title
			                       : arena_printf(r->a, "%s/%s",
			                                      folder, title),
			     depth + 1);
			continue;
		}
		if (r->n == LIM_OPML_OUTLINES) {
			r->too_many = 1;
			return;
		}
		site = attr(r->a, k, "htmlUrl");
		r->out = arena_grow(r->a, r->out, &r->cap, r->n,
		                    sizeof(*r->out));
		r->out[r->n].url = url;
		r->out[r->n].title = title;
		r->out[r->n].site = site != NULL ? site : "";
		r->out[r->n].folder = folder;
		r->n++;
	}
}

int
opml_parse(struct arena *a, const char *body, size_t n, struct opml_feed **out,
           size_t *n_out, struct error *e)
{
	struct opml_read r = {.a = a};
	xmlDocPtr doc;
	xmlNodePtr root, b;

	*out = NULL;
	*n_out = 0;
	if (n > LIM_FEED_BYTES)
		return error_set(e, ERR_TOO_BIG, "OPML file over %d bytes",
		                 LIM_FEED_BYTES);
	doc = xmlReadMemory(body, (int)n, NULL, NULL,
	                    XML_PARSE_RECOVER | XML_PARSE_NONET |
	                            XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	if (root == NULL || strcmp((const char *)root->name, "opml") != 0) {
		xmlFreeDoc(doc);
		return error_set(e, ERR_INVALID, "not an OPML file");
	}
	for (b = root->children; b != NULL; b = b->next)
		if (b->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)b->name, "body") == 0)
			walk(&r, b, "", 1);
	xmlFreeDoc(doc);
	*out = r.out;
	*n_out = r.n;
	return 0;
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/* Folder path f's first k components' length. */
static size_t
prefix_len(const char *f, int k)
{
	size_t i = 0;

	for (; k > 0; k--) {
		const char *s = strchr(f + i, '/');

		i = s != NULL ? (size_t)(s - f) + 1 : strlen(f) + 1;
	}
	return i > 0 ? i - 1 : 0;
}

static int
components(const char *f)
{
	int k = *f != '\0';

	for (; *f != '\0'; f++)
		k += *f == '/';
	return k;
}

int
opml_write(struct buf *out, const char *title, const struct opml_feed *feeds,
           size_t n)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
	unsigned char *done = calloc(n > 0 ? n : 1, 1);
	int rc = 0;

	if (xb == NULL || w == NULL || done == NULL)
		abort();
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, (const xmlChar *)"  ");
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, (const xmlChar *)"opml") < 0;
	rc |= xmlTextWriterWriteAttribute(w, (const xmlChar *)"version",
	                                  (const xmlChar *)"2.0") < 0;
	rc |= xmlTextWriterStartElement(w, (const xmlChar *)"head") < 0;
	rc |= xmlTextWriterWriteElement(w, (const xmlChar *)"title",
	                                (const xmlChar *)nz(title)) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= xmlTextWriterStartElement(w, (const xmlChar *)"body") < 0;
	/* each folder in order of first appearance, its feeds inside */
	for (size_t i = 0; i < n; i++) {
		const char *f = feeds[i].folder != NULL ? feeds[i].folder : "";
		int levels = components(f);

		if (done[i])
			continue;
		for (int k = 1; k <= levels; k++) {
			size_t from = k == 1 ? 0 : prefix_len(f, k - 1) + 1;
			size_t len = prefix_len(f, k) - from;
			char name[LIM_FEED_TITLE_BYTES + 1];

			if (len > LIM_FEED_TITLE_BYTES)
				len = LIM_FEED_TITLE_BYTES;
			memcpy(name, f + from, len);
			name[len] = '\0';
			rc |= xmlTextWriterStartElement(
				      w, (const xmlChar *)"outline") < 0;
			rc |= xmlTextWriterWriteAttribute(
				      w, (const xmlChar *)"text",
				      (const xmlChar *)name) < 0;
		}
		for (size_t j = i; j < n; j++) {
			const char *g =
				feeds[j].folder != NULL ? feeds[j].folder : "";

			if (done[j] || strcmp(f, g) != 0)
				continue;
			done[j] = 1;
			rc |= xmlTextWriterStartElement(
				      w, (const xmlChar *)"outline") < 0;
			rc |= xmlTextWriterWriteAttribute(
				      w, (const xmlChar *)"type",
				      (const xmlChar *)"rss") < 0;
			rc |= xmlTextWriterWriteAttribute(
				      w, (const xmlChar *)"text",
				      (const xmlChar *)nz(feeds[j].title)) < 0;
			rc |= xmlTextWriterWriteAttribute(
				      w, (const xmlChar *)"title",
				      (const xmlChar *)nz(feeds[j].title)) < 0;
			rc |= xmlTextWriterWriteAttribute(
				      w, (const xmlChar *)"xmlUrl",
				      (const xmlChar *)nz(feeds[j].url)) < 0;
			if (feeds[j].site != NULL && *feeds[j].site != '\0')
				rc |= xmlTextWriterWriteAttribute(
					      w, (const xmlChar *)"htmlUrl",
					      (const xmlChar *)feeds[j].site) <
				      0;
			rc |= xmlTextWriterEndElement(w) < 0;
		}
		for (int k = 1; k <= levels; k++)
			rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	free(done);
	if (rc == 0 && buf_add(out, xmlBufferContent(xb),
	                       (size_t)xmlBufferLength(xb)) == -1)
		rc = 1;
	xmlBufferFree(xb);
	return rc ? -1 : 0;
}
