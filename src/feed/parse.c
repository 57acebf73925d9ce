/*
 * RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0 into struct feed_doc.
 *
 * libxml2 reads the whole (capped) body into a tree with XML_PARSE_RECOVER
 * (feeds are often not well-formed, and a reader would rather have the
 * entries than an error) and XML_PARSE_NONET, never NOENT, DTDLOAD or
 * HUGE: an external entity is neither fetched nor read, and an internal
 * one is expanded here one level deep only (text_of), so a "billion
 * laughs" document costs nothing.  Entities HTML knows but XML does not
 * (&nbsp;, &hellip;) are references libxml2 keeps by name: in HTML they
 * are written back as references for the sanitizer's HTML5 parser, in
 * text decoded from a short table.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "feed.h"
#include "internal.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

#define NS_ATOM10  "http://www.w3.org/2005/Atom"
#define NS_ATOM03  "http://purl.org/atom/ns#"
#define NS_RSS10   "http://purl.org/rss/1.0/"
#define NS_RSS090  "http://my.netscape.com/rdf/simple/0.9/"
#define NS_RDF     "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC      "http://purl.org/dc/elements/1.1/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_XHTML   "http://www.w3.org/1999/xhtml"

struct ctx {
	struct arena *a;
	xmlDocPtr doc;
	const char *base; /* the feed's URL, or NULL */
	enum feed_kind kind;
};

static const char *
ns_of(const xmlNode *n)
{
	return n->ns != NULL && n->ns->href != NULL ? (const char *)n->ns->href
	                                            : "";
}

/* The feed's own vocabulary: no namespace, RSS 1.0's or 0.90's, Atom's. */
static int
is_core(const xmlNode *n)
{
	const char *ns = ns_of(n);

	return *ns == '\0' || strcmp(ns, NS_RSS10) == 0 ||
	       strcmp(ns, NS_RSS090) == 0 || strcmp(ns, NS_ATOM10) == 0 ||
	       strcmp(ns, NS_ATOM03) == 0 ||
	       strcmp(ns, "http://backend.userland.com/rss2") == 0 ||
	       strcmp(ns, "http://purl.org/net/rss1.1#") == 0;
}

static int
named(const xmlNode *n, const char *ns, const char *name)
{
	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name))
		return 0;
	return ns == NULL ? is_core(n) : strcmp(ns_of(n), ns) == 0;
}

static const char *
attr(struct ctx *c, const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = feed_utf8(c->a, arena_strdup(c->a, (const char *)v));
	xmlFree(v);
	return s;
}

/*
 * The text under n into b.  An entity reference the document declares
 * adds its replacement text only when that holds no further reference
 * (one level: no amplification).  HTML's names never get here
 * (entities.c rewrote them).
 */
static void
text_into(struct ctx *c, const xmlNode *n, struct buf *b)
{
	for (const xmlNode *k = n->children; k != NULL; k = k->next) {
		int r = 0;

		if (k->type == XML_TEXT_NODE ||
		    k->type == XML_CDATA_SECTION_NODE) {
			const char *t = (const char *)k->content;
			size_t len = strlen(t);

			/* what fits, ended on a character */
			if (len > b->max - b->len)
				len = utf8_cut(t, len, b->max - b->len);
			r = buf_add(b, t, len);
			if (r == 0 && len < strlen(t))
				return;
		} else if (k->type == XML_ENTITY_REF_NODE) {
			xmlEntityPtr ent = xmlGetDocEntity(c->doc, k->name);

			if (ent != NULL &&
			    ent->etype == XML_INTERNAL_GENERAL_ENTITY &&
			    ent->content != NULL &&
			    strchr((const char *)ent->content, '&') == NULL)
				r = buf_puts(b, (const char *)ent->content);
		} else if (k->type == XML_ELEMENT_NODE) {
			text_into(c, k, b);
		}
		if (r == -1)
			return; /* cut at the cap */
	}
}

static char *
trim(char *s)
{
	char *end;

	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static char *
text_of(struct ctx *c, const xmlNode *n, size_t max)
{
	struct buf b;
	char *s;

	buf_init(&b, max);
	text_into(c, n, &b);
	s = feed_utf8(c->a, arena_strdup(c->a, buf_str(&b)));
	buf_release(&b);
	return s;
}

/* Standard base64 with white space skipped (Atom 0.3's mode="base64"). */
static char *
base64_decode(struct arena *a, const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = arena_alloc(a, n + 1);
	unsigned v = 0;
	int bits = 0;

	for (; *s != '\0' && *s != '='; s++) {
		const char *p;
		static const char al[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"abcdefghijklmnopqrstuvwxyz0123456789+/";

		if (isspace((unsigned char)*s))
			continue;
		p = strchr(al, *s);
		if (p == NULL)
			break;
		v = (v << 6) | (unsigned)(p - al);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((v >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

/* The children of n written out as markup (Atom's type="xhtml"). */
static char *
markup_of(struct ctx *c, const xmlNode *n)
{
	xmlBufferPtr xb = xmlBufferCreate();
	const xmlNode *from = n->children;
	char *s;

	/* Atom 1.0: the content is the children of one xhtml:div. */
	for (const xmlNode *k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE) {
			if (strcmp((const char *)k->name, "div") == 0 &&
			    strcmp(ns_of(k), NS_XHTML) == 0)
				from = k->children;
			break;
		}
	for (const xmlNode *k = from; k != NULL; k = k->next) {
		if (xmlBufferLength(xb) > LIM_FEED_HTML_BYTES)
			break;
		xmlNodeDump(xb, c->doc, (xmlNodePtr)(uintptr_t)k, 0, 0);
	}
	s = feed_utf8(c->a,
	              arena_strdup(c->a, (const char *)xmlBufferContent(xb)));
	xmlBufferFree(xb);
	return s;
}

/*
 * A text construct as HTML: Atom's type (text, html, xhtml, or a MIME
 * type) and 0.3's mode (xml, escaped, base64); RSS elements hold escaped
 * HTML.  Plain text comes back escaped.
 */
static const char *
construct_html(struct ctx *c, const xmlNode *n)
{
	const char *type = attr(c, n, "type"), *mode = attr(c, n, "mode");
	char *s;

	if (c->kind != FEED_ATOM) {
		/* markup written unescaped in a description is markup */
		for (const xmlNode *k = n->children; k != NULL; k = k->next)
			if (k->type == XML_ELEMENT_NODE)
				return markup_of(c, n);
		return text_of(c, n, LIM_FEED_HTML_BYTES);
	}
	if ((type != NULL && (strcmp(type, "xhtml") == 0 ||
	                      strcmp(type, "application/xhtml+xml") == 0)) ||
	    (mode != NULL && strcmp(mode, "xml") == 0))
		return markup_of(c, n);
	s = text_of(c, n, LIM_FEED_HTML_BYTES);
	/* RFC 4287 section 4.1.3.3: other types than text, html, xhtml and
	 * XML ones are base64 */
	if ((mode != NULL && strcmp(mode, "base64") == 0) ||
	    (mode == NULL && type != NULL && *type != '\0' &&
	     strcmp(type, "text") != 0 && strcmp(type, "html") != 0 &&
	     strncmp(type, "text/", 5) != 0 && strstr(type, "xml") == NULL))
		s = base64_decode(c->a, s);
	if (type == NULL || *type == '\0' || strcmp(type, "text") == 0 ||
	    strcmp(type, "text/plain") == 0) {
		if (c->kind == FEED_ATOM && (type != NULL || mode == NULL ||
		                             strcmp(mode, "escaped") != 0))
			return feed_html_escape(c->a, s);
	}
	return s;
}

/* A title: plain text, whatever markup its construct held (markup is
 * sanitized first, so a script's text never becomes a headline). */
static const char *
construct_text(struct ctx *c, const xmlNode *n)
{
	const char *type = attr(c, n, "type"), *mode = attr(c, n, "mode");

	if (c->kind == FEED_ATOM &&
	    ((type != NULL && *type != '\0' && strcmp(type, "text") != 0 &&
	      strcmp(type, "text/plain") != 0) ||
	     mode != NULL))
		return feed_text_cut(
			c->a,
			feed_html_to_text(c->a,
		                          feed_html_clean(c->a,
		                                          construct_html(c, n),
		                                          NULL)),
			LIM_FEED_TITLE_BYTES);
	return feed_text_cut(c->a, trim(text_of(c, n, LIM_FEED_TITLE_BYTES)),
	                     LIM_FEED_TITLE_BYTES);
}

/* n's base URL (xml:base over the feed's URL), or NULL; in the arena. */
static const char *
base_of(struct ctx *c, const xmlNode *n)
{
	xmlChar *b = xmlNodeGetBase(c->doc, n);
	const char *s;

	if (b == NULL)
		return c->base;
	s = url_is_http((const char *)b) ? arena_strdup(c->a, (const char *)b)
	                                 : c->base;
	xmlFree(b);
	return s;
}

/* ref resolved against n's xml:base and the feed's URL; "" unless the
 * result is http or https. */
static const char *
resolve(struct ctx *c, const xmlNode *n, const char *ref)
{
	xmlChar *base, *abs;
	const char *s;

	if (ref == NULL)
		return "";
	ref = trim(arena_strdup(c->a, ref));
	if (*ref == '\0' || strlen(ref) > LIM_FEED_URL_BYTES)
		return "";
	base = xmlNodeGetBase(c->doc, n);
	abs = xmlBuildURI((const xmlChar *)ref,
	                  base != NULL ? base : (const xmlChar *)c->base);
	/* an unsafe xml:base (javascript:) gives way to the feed's URL */
	if ((abs == NULL || !url_is_http((const char *)abs)) &&
	    c->base != NULL) {
		xmlFree(abs);
		abs = xmlBuildURI((const xmlChar *)ref,
		                  (const xmlChar *)c->base);
	}
	s = abs != NULL && url_is_http((const char *)abs) &&
	                    strlen((const char *)abs) <= LIM_FEED_URL_BYTES
	            ? arena_strdup(c->a, (const char *)abs)
	            : "";
	xmlFree(base);
	xmlFree(abs);
	return s;
}

static void
set_date(struct ctx *c, const xmlNode *n, int64_t *t)
{
	int64_t v;
	char *s = trim(text_of(c, n, 256));

	if (*t == 0 && feed_date_parse(s, &v) == 0)
		*t = v;
}

/* An Atom link: alternate (or no rel) sets *link, enclosure the entry's
 * enclosure. */
static void
atom_link(struct ctx *c, const xmlNode *n, const char **link,
          struct feed_entry *en)
{
	const char *rel = attr(c, n, "rel"), *href = attr(c, n, "href");

	if (rel == NULL || strcmp(rel, "alternate") == 0 ||
	    strcmp(rel, NS_ATOM10 "alternate") == 0) {
		const char *type = attr(c, n, "type");

		if (**link == '\0' ||
		    (type != NULL && strstr(type, "html") != NULL))
			if (*resolve(c, n, href) != '\0')
				*link = resolve(c, n, href);
	} else if (en != NULL && strcmp(rel, "enclosure") == 0 &&
	           *en->enclosure_url == '\0') {
		const char *len = attr(c, n, "length"), *type;

		en->enclosure_url = resolve(c, n, href);
		type = attr(c, n, "type");
		en->enclosure_type = type != NULL ? type : "";
		en->enclosure_length = feed_length(len);
	}
}

static const char *
author_of(struct ctx *c, const xmlNode *n)
{
	const char *name = "", *email = "";

	for (const xmlNode *k = n->children; k != NULL; k = k->next) {
		if (named(k, NULL, "name"))
			name = trim(text_of(c, k, LIM_FEED_TITLE_BYTES));
		else if (named(k, NULL, "email"))
			email = trim(text_of(c, k, LIM_FEED_TITLE_BYTES));
	}
	if (*name != '\0' && *email != '\0')
		return arena_printf(c->a, "%s (%s)", name, email);
	return *name != '\0' ? name : email;
}

/* A title or link element k of an entry (en) or a channel (en NULL):
 * the first of each counts.  1 when k was one. */
static int
title_or_link(struct ctx *c, const xmlNode *k, const char **title,
              const char **link, struct feed_entry *en)
{
	if (named(k, NULL, "title") || named(k, NS_DC, "title")) {
		if (**title == '\0')
			*title = construct_text(c, k);
		return 1;
	}
	if (!named(k, NULL, "link"))
		return 0;
	if (c->kind == FEED_ATOM)
		atom_link(c, k, link, en);
	else if (**link == '\0')
		*link = resolve(c, k,
		                trim(text_of(c, k, LIM_FEED_URL_BYTES + 1)));
	return 1;
}

static void
read_entry(struct ctx *c, const xmlNode *item, struct feed_entry *en)
{
	const char *content = NULL, *summary = NULL, *guid_link = NULL;
	const char *base = c->base;

	en->guid = en->link = en->title = en->author = "";
	en->enclosure_url = en->enclosure_type = "";
	if (c->kind == FEED_RDF) {
		xmlChar *about = xmlGetNsProp(item, (const xmlChar *)"about",
		                              (const xmlChar *)NS_RDF);

		if (about != NULL) {
			en->guid = arena_strdup(c->a, (const char *)about);
			xmlFree(about);
		}
	}
	for (const xmlNode *k = item->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (title_or_link(c, k, &en->title, &en->link, en)) {
			continue;
		} else if (named(k, NS_ATOM10, "link")) {
			if (*en->link == '\0')
				atom_link(c, k, &en->link, en);
		} else if (named(k, NULL, "guid") || named(k, NULL, "id")) {
			const char *perma = attr(c, k, "isPermaLink");

			en->guid = trim(text_of(c, k, LIM_FEED_URL_BYTES));
			if (c->kind != FEED_ATOM &&
			    (perma == NULL || strcasecmp(perma, "false") != 0))
				guid_link = en->guid;
		} else if (named(k, NULL, "description") ||
		           named(k, NULL, "summary") ||
		           named(k, NS_DC, "description")) {
			if (summary == NULL && content == NULL)
				base = base_of(c, k);
			if (summary == NULL)
				summary = construct_html(c, k);
		} else if (named(k, NULL, "content") ||
		           named(k, NS_CONTENT, "encoded") ||
		           named(k, NS_XHTML, "body")) {
			if (content == NULL)
				base = base_of(c, k);
			if (content == NULL)
				content = named(k, NS_XHTML, "body")
				                  ? markup_of(c, k)
				                  : construct_html(c, k);
			if (named(k, NULL, "content") && attr(c, k, "src") &&
			    *content == '\0')
				content = NULL; /* out of line */
		} else if (named(k, NULL, "pubDate") ||
		           named(k, NULL, "published") ||
		           named(k, NULL, "issued") ||
		           named(k, NULL, "created") ||
		           named(k, NS_DC, "date")) {
			set_date(c, k, &en->published);
		} else if (named(k, NULL, "updated") ||
		           named(k, NULL, "modified") ||
		           named(k, "http://purl.org/dc/terms/", "modified")) {
			set_date(c, k, &en->updated);
		} else if (named(k, NULL, "author") ||
		           named(k, NS_DC, "creator")) {
			if (*en->author != '\0')
				continue;
			en->author =
				c->kind == FEED_ATOM && named(k, NULL, "author")
					? author_of(c, k)
					: trim(text_of(c, k,
			                               LIM_FEED_TITLE_BYTES));
		} else if (named(k, NULL, "enclosure") &&
		           *en->enclosure_url == '\0') {
			const char *type = attr(c, k, "type");

			en->enclosure_url = resolve(c, k, attr(c, k, "url"));
			en->enclosure_type = type != NULL ? type : "";
			en->enclosure_length =
				feed_length(attr(c, k, "length"));
		}
	}
	if (*en->link == '\0' && guid_link != NULL)
		en->link = resolve(c, item, guid_link);
	if (en->published == 0)
		en->published = en->updated;
	feed_entry_finish(c->a, en, content, summary, base);
}

static void
add_entry(struct ctx *c, struct feed_doc *out, size_t *cap, const xmlNode *item)
{
	if (out->n_entries == LIM_FEED_ENTRIES) {
		out->truncated = 1;
		return;
	}
	out->entries = arena_grow(c->a, out->entries, cap, out->n_entries,
	                          sizeof(*out->entries));
	memset(&out->entries[out->n_entries], 0, sizeof(*out->entries));
	read_entry(c, item, &out->entries[out->n_entries++]);
}

/* The channel's or feed's own fields; items and entries inside it too
 * (RDF puts them beside it: read_items walks the root as well). */
static void
read_channel(struct ctx *c, const xmlNode *ch, struct feed_doc *out,
             size_t *cap)
{
	for (const xmlNode *k = ch->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (title_or_link(c, k, &out->title, &out->link, NULL)) {
			continue;
		} else if (named(k, NULL, "description") ||
		           named(k, NULL, "subtitle") ||
		           named(k, NULL, "tagline")) {
			if (*out->description == '\0')
				out->description = feed_text_cut(
					c->a,
					feed_html_to_text(c->a,
				                          construct_html(c, k)),
					LIM_FEED_TEXT_BYTES);
		} else if (named(k, NULL, "ttl")) {
			out->ttl_minutes =
				(int)feed_length(trim(text_of(c, k, 32)));
		} else if (named(k, NULL, "item") || named(k, NULL, "entry")) {
			add_entry(c, out, cap, k);
		}
	}
}

static const char *
lower(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s);

	for (char *p = r; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

static int
depth_ok(const xmlNode *n, int depth)
{
	if (depth > LIM_FEED_DEPTH)
		return 0;
	for (const xmlNode *k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE && !depth_ok(k, depth + 1))
			return 0;
	return 1;
}

static const char *
rss_version(const xmlDoc *doc, const char *v)
{
	if (v == NULL)
		return "rss";
	if (strncmp(v, "2.", 2) == 0)
		return "rss20";
	if (strcmp(v, "0.91") == 0)
		return doc->intSubset != NULL && doc->intSubset->ExternalID &&
		                       strstr((const char *)doc->intSubset
		                                      ->ExternalID,
		                              "Netscape") != NULL
		               ? "rss091n"
		               : "rss091u";
	if (strcmp(v, "0.92") == 0)
		return "rss092";
	if (strcmp(v, "0.93") == 0)
		return "rss093";
	if (strcmp(v, "0.94") == 0)
		return "rss094";
	return "rss";
}

int
feed_parse(struct arena *a, const char *body, size_t n,
           const char *content_type, const char *base_url, struct feed_doc *out,
           struct error *e)
{
	struct ctx c = {.a = a, .base = base_url};
	xmlParserCtxtPtr px = NULL;
	xmlNodePtr root;
	size_t cap = 0, i = 0;
	const char *enc;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->title = out->link = out->description = out->version = "";
	out->encoding = "utf-8";
	if (n > LIM_FEED_BYTES)
		return error_set(e, ERR_TOO_BIG, "feed over %d bytes",
		                 LIM_FEED_BYTES);
	while (i < n && isspace((unsigned char)body[i]))
		i++;
	if (i < n && body[i] == '{')
		return feed_parse_json(a, body, n, base_url, out, e);
	if (n > INT32_MAX)
		return error_set(e, ERR_TOO_BIG, "feed too big");
	enc = feed_encoding(a, &body, &n, content_type);
	body = feed_xml_entities(a, body, n, &n);
	px = xmlNewParserCtxt();
	if (px == NULL)
		return error_set(e, ERR_IO, "cannot make an XML parser");
	c.doc = xmlCtxtReadMemory(px, body, (int)n, base_url, enc,
	                          XML_PARSE_RECOVER | XML_PARSE_NONET |
	                                  XML_PARSE_NOWARNING |
	                                  XML_PARSE_NOERROR);
	out->recovered = !px->wellFormed || !px->nsWellFormed;
	root = c.doc != NULL ? xmlDocGetRootElement(c.doc) : NULL;
	if (root == NULL) {
		error_set(e, ERR_INVALID, "feed is not XML");
		goto out;
	}
	if (!depth_ok(root, 1)) {
		error_set(e, ERR_TOO_BIG, "feed nested deeper than %d",
		          LIM_FEED_DEPTH);
		goto out;
	}
	if (strcmp((const char *)root->name, "feed") == 0) {
		c.kind = FEED_ATOM;
		out->version = strcmp(ns_of(root), NS_ATOM03) == 0   ? "atom03"
		               : strcmp(ns_of(root), NS_ATOM10) == 0 ? "atom10"
		                                                     : "atom";
		read_channel(&c, root, out, &cap);
	} else if (strcmp((const char *)root->name, "RDF") == 0) {
		c.kind = FEED_RDF;
		out->version = "rss10";
		for (xmlNsPtr ns = root->nsDef; ns != NULL; ns = ns->next)
			if (ns->href != NULL &&
			    strcmp((const char *)ns->href, NS_RSS090) == 0)
				out->version = "rss090";
		for (xmlNodePtr k = root->children; k != NULL; k = k->next) {
			if (named(k, NULL, "channel")) {
				if (strcmp(ns_of(k), NS_RSS090) == 0)
					out->version = "rss090";
				read_channel(&c, k, out, &cap);
			} else if (named(k, NULL, "item")) {
				add_entry(&c, out, &cap, k);
			}
		}
	} else if (strcmp((const char *)root->name, "rss") == 0 ||
	           strcmp((const char *)root->name, "channel") == 0) {
		xmlChar *v = xmlGetNoNsProp(root, (const xmlChar *)"version");

		c.kind = FEED_RSS;
		out->version = rss_version(c.doc, (const char *)v);
		xmlFree(v);
		if (strcmp((const char *)root->name, "channel") == 0)
			read_channel(&c, root, out, &cap);
		for (xmlNodePtr k = root->children; k != NULL; k = k->next)
			if (named(k, NULL, "channel"))
				read_channel(&c, k, out, &cap);
			else if (named(k, NULL, "item"))
				add_entry(&c, out, &cap, k);
	} else {
		error_set(e, ERR_INVALID,
		          "feed not recognized as RSS or Atom "
		          "(root element '%.40s')",
		          (const char *)root->name);
		goto out;
	}
	out->kind = c.kind;
	/* UTF-16 by its byte order, as the first '<' shows it */
	if (enc == NULL && n >= 2 &&
	    (body[0] == '\0' || body[1] == '\0' ||
	     (unsigned char)body[0] >= 0xfe))
		enc = body[0] == '\0' || (unsigned char)body[0] == 0xfe
		              ? "utf-16be"
		              : "utf-16le";
	out->encoding = lower(a, enc != NULL ? enc
	                         : c.doc->encoding != NULL
	                                 ? (const char *)c.doc->encoding
	                                 : "utf-8");
	feed_doc_keys(out);
	rc = 0;
out:
	if (c.doc != NULL)
		xmlFreeDoc(c.doc);
	xmlFreeParserCtxt(px);
	return rc;
}
