/*
 * WXR import: reading an element's fields.  Elements are recognised by
 * namespace URI, never by prefix (see wxr.c); a field's text is copied
 * into the element's arena, capped at LIM_WXR_FIELD_BYTES.
 */
#include <stdio.h>
#include <string.h>

#include "wxr_internal.h"
#include "../util/arena.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

/* ---- namespaces and fields ------------------------------------------ */

/* "http(s)://wordpress.org/export/" DIGITS "." DIGITS "/" then tail. */
static int
ns_export(const xmlChar *href, const char *tail)
{
	const char *p = (const char *)href;
	size_t n;

	if (p == NULL)
		return 0;
	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else if (strncmp(p, "https://", 8) == 0)
		p += 8;
	else
		return 0;
	if (strncmp(p, "wordpress.org/export/", 21) != 0)
		return 0;
	p += 21;
	for (n = 0; p[n] >= '0' && p[n] <= '9'; n++)
		;
	if (n == 0 || p[n] != '.')
		return 0;
	p += n + 1;
	for (n = 0; p[n] >= '0' && p[n] <= '9'; n++)
		;
	if (n == 0 || p[n] != '/')
		return 0;
	return strcmp(p + n + 1, tail) == 0;
}

int
wxr_is_el(const xmlNode *n, const char *ns, const char *name)
{
	if (n->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)n->name, name) != 0)
		return 0;
	if (ns == NULL)
		return n->ns == NULL || n->ns->href == NULL ||
		       n->ns->href[0] == '\0';
	if (n->ns == NULL)
		return 0;
	if (strcmp(ns, "wp") == 0)
		return ns_export(n->ns->href, "");
	if (strcmp(ns, "excerpt") == 0)
		return ns_export(n->ns->href, "excerpt/");
	return strcmp((const char *)n->ns->href, ns) == 0;
}

int
wxr_is_wp(const xmlNode *n, const char *name)
{
	return wxr_is_el(n, "wp", name);
}

int
wxr_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The text of an element (text and CDATA children joined, as WordPress
 * reads it), in w->a; trimmed of ASCII white space for scalar fields.
 * "" and w->too_big set past LIM_WXR_FIELD_BYTES.
 */
const char *
wxr_text_of(struct wxr *w, const xmlNode *n, int trim)
{
	const xmlNode *only = n->children;
	xmlChar *c = NULL;
	const char *p;
	size_t len;
	char *out;

	/* Nearly every field is one text or CDATA node: read it in place
	 * rather than have libxml2 copy it out for us to copy again. */
	if (only != NULL && only->next == NULL &&
	    (only->type == XML_TEXT_NODE ||
	     only->type == XML_CDATA_SECTION_NODE) &&
	    only->content != NULL)
		p = (const char *)only->content;
	else {
		c = xmlNodeGetContent(n);
		if (c == NULL)
			return "";
		p = (const char *)c;
	}
	len = strlen(p);
	if (len > LIM_WXR_FIELD_BYTES) {
		w->too_big = 1;
		xmlFree(c);
		return "";
	}
	if (trim) {
		while (len > 0 && wxr_is_space(*p)) {
			p++;
			len--;
		}
		while (len > 0 && wxr_is_space(p[len - 1]))
			len--;
	}
	out = arena_strndup(w->a, p, len);
	xmlFree(c);
	return out;
}

const char *
wxr_attr_of(struct wxr *w, const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *out;

	if (v == NULL)
		return "";
	out = arena_strdup(w->a, (const char *)v);
	xmlFree(v);
	return out;
}

int64_t
wxr_id_of(const char *s)
{
	int64_t v;

	return num_parse(s, 1, INT64_MAX, &v) == 0 ? v : 0;
}

/* WordPress writes local and GMT times as "YYYY-MM-DD HH:MM:SS"; drafts
 * have "0000-00-00 00:00:00" for GMT.  The first that parses wins. */
int64_t
wxr_time_of(const char *gmt, const char *local)
{
	int64_t t;

	if (gmt != NULL && *gmt && time_parse_iso(gmt, &t) == 0)
		return t;
	if (local != NULL && *local && time_parse_iso(local, &t) == 0)
		return t;
	return clock_now();
}

void
wxr_skip(struct wxr *w, enum wxr_kind k, const char *why)
{
	w->r->skipped[k]++;
	snprintf(w->r->why[k], sizeof(w->r->why[k]), "%s", why);
}

/* A slug as WordPress exports it (percent-encoded) made a stored one. */
const char *
wxr_slug_of(struct wxr *w, const char *raw, const char *title)
{
	const char *d = *raw ? url_decode(w->a, raw, strlen(raw), 0) : NULL;

	if (d != NULL && slug_valid(d))
		return d;
	if (d != NULL && *d) {
		d = slug_from_title(w->a, d);
		if (*d)
			return d;
	}
	return title != NULL ? slug_from_title(w->a, title) : "";
}
