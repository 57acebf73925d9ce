/*
 * WordPress WXR import (issue 7).  The reader walks the file; each
 * top-level element of the channel (wp:author, wp:category, wp:tag,
 * wp:term, item) is expanded on its own with xmlTextReaderExpand, read,
 * written and left behind with xmlTextReaderNext, so memory is bounded by
 * one element, or by the reading thread's queue of copies ("reading
 * ahead", below: LIM_WXR_AHEAD_ITEMS elements, LIM_WXR_AHEAD_BYTES).
 *
 * Elements are recognised by namespace URI, never by prefix: a file may
 * bind "wp" to anything (namespace-edge-cases.xml), and any
 * http(s)://wordpress.org/export/N.N/ URI is WordPress's.
 */
#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "wxr.h"
#include "wp.h"
#include "wxr_export.h"
#include "../util/arena.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../store/comments.h"
#include "../store/import.h"
#include "../store/posts.h"
#include "../util/html_text.h"
#include "../util/banned.h"

const char *const wxr_kind_names[WXR_KIND__MAX] = {
	"authors",   "categories",   "tags",        "other terms", "posts",
	"pages",     "attachments",  "other items", "comments",    "pingbacks",
	"post meta", "comment meta", "term meta",   "old links",
};

#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC      "http://purl.org/dc/elements/1.1/"

struct wxr {
	struct store *s;
	const struct wxr_options *o;
	struct wxr_report *r;
	const char *path;
	struct arena *a;       /* reset for each top-level element */
	struct arena *scratch; /* for store_import_index() */
	int have_version;
	int too_big; /* a field of the current element passed the cap */
	int not_wxr; /* refused: no valid wp:wxr_version */
	char base_blog[512], base_site[512];
	/* the first XML error of the file */
	int xerr;
	int xline, xcol;
	char xmsg[160];
	/* posts with a [gallery], rendered again once the attachments
	 * (which come after them in WordPress's exports) are in */
	int64_t *again;
	size_t nagain, capagain;
	/* comments were added that thread_plan() could not join up:
	 * store_import_finish() joins up every thread again */
	int rethread;
	/* elements come from the read-ahead thread, some HTML rendered */
	int ahead;
};

/*
 * What the reading thread rendered of a content:encoded or
 * wp:comment_content element (node->_private; html NULL when it left the
 * work to the writer).
 */
struct pre {
	const char *body_src; /* a post's with links rewritten */
	const char *html;
	const char *text; /* a post's html as search indexes it */
};

static const void *
pre_of(const struct wxr *w, const xmlNode *n)
{
	return w->ahead && n != NULL ? n->_private : NULL;
}

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

static int
is_el(const xmlNode *n, const char *ns, const char *name)
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

static int
is_wp(const xmlNode *n, const char *name)
{
	return is_el(n, "wp", name);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The text of an element (text and CDATA children joined, as WordPress
 * reads it), in w->a; trimmed of ASCII white space for scalar fields.
 * "" and w->too_big set past LIM_WXR_FIELD_BYTES.
 */
static const char *
text_of(struct wxr *w, const xmlNode *n, int trim)
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
		while (len > 0 && is_space(*p)) {
			p++;
			len--;
		}
		while (len > 0 && is_space(p[len - 1]))
			len--;
	}
	out = arena_strndup(w->a, p, len);
	xmlFree(c);
	return out;
}

static const char *
attr_of(struct wxr *w, const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *out;

	if (v == NULL)
		return "";
	out = arena_strdup(w->a, (const char *)v);
	xmlFree(v);
	return out;
}

static int64_t
id_of(const char *s)
{
	int64_t v;

	return num_parse(s, 1, INT64_MAX, &v) == 0 ? v : 0;
}

/* WordPress writes local and GMT times as "YYYY-MM-DD HH:MM:SS"; drafts
 * have "0000-00-00 00:00:00" for GMT.  The first that parses wins. */
static int64_t
time_of(const char *gmt, const char *local)
{
	int64_t t;

	if (gmt != NULL && *gmt && time_parse_iso(gmt, &t) == 0)
		return t;
	if (local != NULL && *local && time_parse_iso(local, &t) == 0)
		return t;
	return clock_now();
}

static void
skip(struct wxr *w, enum wxr_kind k, const char *why)
{
	w->r->skipped[k]++;
	snprintf(w->r->why[k], sizeof(w->r->why[k]), "%s", why);
}

/* A slug as WordPress exports it (percent-encoded) made a stored one. */
static const char *
slug_of(struct wxr *w, const char *raw, const char *title)
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

/* ---- content ----------------------------------------------------------- */

/*
 * Links to the old site in content: the base URL over http or https,
 * followed by the end of the URL or a path, becomes the new site's URL.
 * The base may be spelt as WordPress's own exporter and editors spell it
 * (wxr-base-url-rewriting.xml): character references (&#104;ttps),
 * percent-encoded path bytes (%73cience), JSON escapes in block-comment
 * attributes (\/ and \uXXXX, surrogate pairs included), and the host as
 * Unicode or as punycode (xn--...), compared case-blind.  A look-alike
 * ("/path-not-taken" against "/path", "oldsite.com.evil.com" or
 * "oldsite.company" against "oldsite.com") is not a match, and uploads
 * (/wp-content/) stay where they are until the files are downloaded (a
 * later issue).  CSS url() needs nothing of its own: its URL is matched
 * like any other, and the sanitizer drops style attributes anyway.
 */
static int
url_continues(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~' || c == '%' || c == '@' || c == ':' || c >= 0x80;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* The hex number of n digits at p, or -1. */
static long
hexn(const char *p, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * One logical character of content at p as a code point in *cp: a
 * literal UTF-8 sequence, a numeric character reference, a JSON escape
 * (\/, \uXXXX with its pair) or, with pct, a %XX byte.  The bytes used;
 * *json set when a JSON escape was.
 */
static size_t
next_char(const char *p, int pct, unsigned *cp, int *json)
{
	const unsigned char *u = (const unsigned char *)p;
	long v, lo;
	size_t n;

	if (p[0] == '&' && p[1] == '#') {
		const char *q = p + 2;
		int hex = *q == 'x' || *q == 'X';

		q += hex;
		v = 0;
		for (n = 0; n < 8 && (hex ? hexval(q[n]) >= 0
		                          : (q[n] >= '0' && q[n] <= '9'));
		     n++)
			v = v * (hex ? 16 : 10) + hexval(q[n]);
		if (n > 0 && q[n] == ';' && v > 0 && v <= 0x10ffff) {
			*cp = (unsigned)v;
			return (size_t)(q + n + 1 - p);
		}
	}
	if (p[0] == '\\' && p[1] == '/') {
		*json = 1;
		*cp = '/';
		return 2;
	}
	if (p[0] == '\\' && p[1] == 'u' && (v = hexn(p + 2, 4)) >= 0) {
		*json = 1;
		if (v >= 0xd800 && v < 0xdc00 && p[6] == '\\' && p[7] == 'u' &&
		    (lo = hexn(p + 8, 4)) >= 0xdc00 && lo < 0xe000) {
			*cp = 0x10000 + (unsigned)((v - 0xd800) << 10) +
			      (unsigned)(lo - 0xdc00);
			return 12;
		}
		*cp = (unsigned)v;
		return 6;
	}
	if (pct && p[0] == '%' && (v = hexn(p + 1, 2)) >= 0 && v < 0x80) {
		*cp = (unsigned)v;
		return 3;
	}
	if (u[0] < 0x80) {
		*cp = u[0];
		return u[0] ? 1 : 0;
	}
	n = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 1;
	*cp = n == 1   ? u[0]
	      : n == 2 ? u[0] & 0x1f
	      : n == 3 ? u[0] & 0x0f
	               : u[0] & 0x07;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 1;
		*cp = (*cp << 6) | (u[i] & 0x3f);
	}
	return n;
}

/* The code points of UTF-8 s, at most max; how many. */
static size_t
code_points(const char *s, unsigned *out, size_t max)
{
	size_t n = 0;
	int json = 0;

	while (*s && n < max) {
		size_t k = next_char(s, 0, &out[n], &json);

		if (k == 0)
			break;
		s += k;
		n++;
	}
	return n;
}

/* RFC 3492 punycode of one label's code points, appended to b. */
static int
punycode(struct buf *b, const unsigned *cp, size_t n)
{
	enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700 };
	unsigned long nn = 128, delta = 0, bias = 72, h, m, q, t;
	size_t basic = 0;

	for (size_t i = 0; i < n; i++)
		if (cp[i] < 0x80) {
			if (buf_putc(b, (char)cp[i]) == -1)
				return -1;
			basic++;
		}
	if (basic > 0 && buf_putc(b, '-') == -1)
		return -1;
	for (h = basic; h < n;) {
		m = 0xffffffff;
		for (size_t i = 0; i < n; i++)
			if (cp[i] >= nn && cp[i] < m)
				m = cp[i];
		delta += (m - nn) * (h + 1);
		nn = m;
		for (size_t i = 0; i < n; i++) {
			if (cp[i] < nn)
				delta++;
			if (cp[i] != nn)
				continue;
			for (q = delta, t = 0;; t += BASE) {
				unsigned long k = t + BASE, th, d;

				th = k <= bias          ? TMIN
				     : k >= bias + TMAX ? TMAX
				                        : k - bias;
				if (q < th)
					break;
				d = th + (q - th) % (BASE - th);
				if (buf_putc(b,
				             (char)(d < 26 ? 'a' + d
				                           : '0' + d - 26)) ==
				    -1)
					return -1;
				q = (q - th) / (BASE - th);
			}
			if (buf_putc(b, (char)(q < 26 ? 'a' + q
			                              : '0' + q - 26)) == -1)
				return -1;
			/* adapt the bias (RFC 3492 section 6.1) */
			delta = h == basic ? delta / DAMP : delta / 2;
			delta += delta / (h + 1);
			for (bias = 0; delta > ((BASE - TMIN) * TMAX) / 2;
			     bias += BASE)
				delta /= BASE - TMIN;
			bias += (BASE * delta) / (delta + SKEW);
			delta = 0;
			h++;
		}
		delta++;
		nn++;
	}
	return 0;
}

/* host with every non-ASCII label as xn--punycode; NULL when all ASCII. */
static const char *
host_ascii(struct wxr *w, const char *host, size_t n)
{
	struct buf b;
	const char *p = host, *end = host + n, *out = NULL;
	int any = 0;

	buf_init(&b, 1024);
	while (p < end) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		const char *le = dot ? dot : end;
		char label[256];
		unsigned cps[256];
		size_t k, ascii = 1;

		if ((size_t)(le - p) >= sizeof(label))
			goto out;
		memcpy(label, p, (size_t)(le - p));
		label[le - p] = '\0';
		k = code_points(label, cps, 256);
		for (size_t i = 0; i < k; i++)
			ascii &= cps[i] < 0x80;
		if (ascii ? buf_add(&b, p, (size_t)(le - p)) == -1
		          : (buf_puts(&b, "xn--") == -1 ||
		             punycode(&b, cps, k) == -1))
			goto out;
		any |= !ascii;
		if (dot != NULL && buf_putc(&b, '.') == -1)
			goto out;
		p = dot ? dot + 1 : end;
	}
	if (any)
		out = arena_strndup(w->a, buf_str(&b), b.len);
out:
	buf_release(&b);
	return out;
}

static unsigned
lower(unsigned c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/*
 * Does content at p spell the URL scheme "://" host path (host and path
 * as UTF-8 text)?  The bytes it takes, or 0; *json when JSON escapes
 * were among them.
 */
static size_t
match_base(const char *p, const char *host, size_t hn, const char *path,
           int *json)
{
	const char *q = p;
	unsigned cp, want;
	size_t k;
	int in_path = 0;
	const char *parts[2] = {host, path};
	size_t lens[2] = {hn, strlen(path)};

	*json = 0;
	/* http or https */
	for (const char *s = "http"; *s; s++) {
		k = next_char(q, 0, &cp, json);
		if (k == 0 || lower(cp) != (unsigned)*s)
			return 0;
		q += k;
	}
	k = next_char(q, 0, &cp, json);
	if (k > 0 && lower(cp) == 's') {
		q += k;
		k = next_char(q, 0, &cp, json);
	}
	if (k == 0 || cp != ':')
		return 0;
	q += k;
	for (int i = 0; i < 2; i++) {
		k = next_char(q, 0, &cp, json);
		if (k == 0 || cp != '/')
			return 0;
		q += k;
	}
	for (int part = 0; part < 2; part++) {
		const char *t = parts[part], *tend = parts[part] + lens[part];

		in_path = part == 1;
		while (t < tend) {
			size_t tk = next_char(t, 0, &want, json);

			k = next_char(q, in_path, &cp, json);
			if (tk == 0 || k == 0 || lower(cp) != lower(want))
				return 0;
			t += tk;
			q += k;
		}
	}
	/* the end of the URL, or a path: not a longer host or name */
	k = next_char(q, 1, &cp, json);
	if (k > 0 && url_continues(cp))
		return 0;
	return (size_t)(q - p);
}

/* Is content at p "/wp-content/", however spelt? */
static int
uploads_at(const char *p)
{
	const char *lit = "/wp-content/";
	unsigned cp;
	int json;

	for (; *lit; lit++) {
		size_t k = next_char(p, 1, &cp, &json);

		if (k == 0 || lower(cp) != (unsigned)*lit)
			return 0;
		p += k;
	}
	return 1;
}

static const char *
rewrite_links(struct wxr *w, const char *body)
{
	const char *site = w->o ? w->o->site_url : NULL;
	const char *bases[2] = {w->base_blog, w->base_site};
	struct {
		const char *host, *path;
		size_t hn;
	} forms[4];
	size_t nforms = 0;
	struct buf b;
	const char *p = body, *out = body;
	int changed = 0;

	if (site == NULL || *site == '\0' || *w->base_blog == '\0')
		return body;
	for (int k = 0; k < 2; k++) {
		const char *hp = strstr(bases[k], "://"), *slash, *ascii;
		size_t hn;

		if (hp == NULL || (k == 1 && strcmp(bases[0], bases[1]) == 0))
			continue;
		hp += 3;
		slash = strchr(hp, '/');
		hn = slash ? (size_t)(slash - hp) : strlen(hp);
		while (slash && slash[1] == '\0' && slash > hp)
			slash = NULL; /* "https://host/": no path */
		forms[nforms].host = hp;
		forms[nforms].hn = hn;
		forms[nforms++].path = slash ? slash : "";
		ascii = host_ascii(w, hp, hn);
		if (ascii != NULL) {
			forms[nforms].host = ascii;
			forms[nforms].hn = strlen(ascii);
			forms[nforms++].path = slash ? slash : "";
		}
	}
	buf_init(&b, (size_t)LIM_WXR_FIELD_BYTES * 2);
	while (*p) {
		size_t used = 0;
		int json = 0;

		if (*p == 'h' || *p == 'H' || *p == '&' || *p == '\\')
			for (size_t f = 0; f < nforms && used == 0; f++) {
				used = match_base(p, forms[f].host, forms[f].hn,
				                  forms[f].path, &json);
				if (used > 0 && uploads_at(p + used))
					used = 0;
			}
		if (used == 0) {
			p++;
			continue;
		}
		if (buf_add(&b, out, (size_t)(p - out)) == -1)
			goto fail;
		if (json) {
			for (const char *c = site; *c; c++)
				if ((*c == '/' ? buf_puts(&b, "\\/")
				               : buf_putc(&b, *c)) == -1)
					goto fail;
		} else if (buf_puts(&b, site) == -1)
			goto fail;
		p += used;
		out = p;
		changed = 1;
	}
	if (!changed) {
		buf_release(&b);
		return body;
	}
	if (buf_puts(&b, out) == -1)
		goto fail;
	out = arena_strndup(w->a, buf_str(&b), b.len);
	buf_release(&b);
	return out;
fail:
	buf_release(&b);
	return body;
}

/*
 * The path of an old link on the new site: the base URL's path taken off
 * when the link is under it, percent-decoded.  NULL for links that are
 * not paths of their own ("/", "/?p=1": the shortlinks answer those).
 */
static const char *
old_path(struct wxr *w, const char *link)
{
	const char *p, *lh = strstr(link, "://"),
		       *bh = strstr(w->base_blog, "://");
	const char *end;
	size_t n;

	if (lh == NULL)
		return NULL;
	lh += 3;
	n = bh != NULL ? strlen(bh + 3) : 0;
	if (n > 0 && strncmp(lh, bh + 3, n) == 0 &&
	    (lh[n] == '/' || lh[n] == '?' || lh[n] == '#' || lh[n] == '\0'))
		p = lh + n; /* the old site lived under the base's path */
	else {
		p = strchr(lh, '/');
		if (p == NULL)
			return NULL;
	}
	if (*p != '/' || strchr(p, '?') != NULL)
		return NULL;
	end = strchr(p, '#');
	n = end ? (size_t)(end - p) : strlen(p);
	if (n <= 1 || n > LIM_URL_BYTES)
		return NULL;
	p = url_decode(w->a, p, n, 0);
	if (p == NULL || !utf8_valid(p, strlen(p)))
		return NULL;
	return p;
}

static void
link_add(struct wxr *w, const char *link, int64_t post_id, int64_t media_id,
         struct error *e, int *rc)
{
	const char *path = old_path(w, link);

	if (path == NULL || *rc == -1)
		return;
	if (store_import_legacy_path(w->s, path, post_id, media_id, "", e) ==
	    -1) {
		*rc = -1;
		return;
	}
	w->r->added[WXR_LINK]++;
}

/* ---- channel elements --------------------------------------------------- */

static int
do_author(struct wxr *w, const xmlNode *n, struct error *e)
{
	struct import_user u = {0};
	int64_t id;
	int existed;

	u.login = u.name = u.email = "";
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (is_wp(c, "author_id"))
			u.legacy_id = id_of(text_of(w, c, 1));
		else if (is_wp(c, "author_login"))
			u.login = text_of(w, c, 1);
		else if (is_wp(c, "author_email"))
			u.email = text_of(w, c, 1);
		else if (is_wp(c, "author_display_name"))
			u.name = text_of(w, c, 1);
	}
	if (*u.login == '\0' || w->too_big) {
		skip(w, WXR_AUTHOR, *u.login ? "a field too big" : "no login");
		return 0;
	}
	if (store_import_user(w->s, &u, &id, &existed, e) == -1)
		return -1;
	w->r->added[WXR_AUTHOR] += !existed;
	w->r->existing[WXR_AUTHOR] += existed;
	return 0;
}

/* wp:category, wp:tag and wp:term, with their term meta. */
static int
do_term(struct wxr *w, const xmlNode *n, const char *kind, struct error *e)
{
	struct import_term t = {0};
	const char *slug = "";
	enum wxr_kind k;
	int64_t id;
	int existed;

	t.taxonomy = strcmp(kind, "category") == 0 ? "category"
	             : strcmp(kind, "tag") == 0    ? "post_tag"
	                                           : "";
	t.name = t.description = t.parent_slug = "";
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (is_wp(c, "term_id"))
			t.legacy_id = id_of(text_of(w, c, 1));
		else if (is_wp(c, "category_nicename") ||
		         is_wp(c, "tag_slug") || is_wp(c, "term_slug"))
			slug = text_of(w, c, 1);
		else if (is_wp(c, "cat_name") || is_wp(c, "tag_name") ||
		         is_wp(c, "term_name"))
			t.name = text_of(w, c, 1);
		else if (is_wp(c, "category_description") ||
		         is_wp(c, "tag_description") ||
		         is_wp(c, "term_description"))
			t.description = text_of(w, c, 0);
		else if (is_wp(c, "category_parent") || is_wp(c, "term_parent"))
			t.parent_slug = text_of(w, c, 1);
		else if (is_wp(c, "term_taxonomy"))
			t.taxonomy = text_of(w, c, 1);
	}
	k = strcmp(t.taxonomy, "category") == 0   ? WXR_CATEGORY
	    : strcmp(t.taxonomy, "post_tag") == 0 ? WXR_TAG
	                                          : WXR_TERM;
	t.slug = slug_of(w, slug, t.name);
	if (*t.taxonomy == '\0' || *t.slug == '\0' || w->too_big) {
		skip(w, k,
		     w->too_big ? "a field too big"
		     : *t.slug  ? "no taxonomy"
		                : "no slug or name");
		return 0;
	}
	if (*t.parent_slug) {
		const char *d = url_decode(w->a, t.parent_slug,
		                           strlen(t.parent_slug), 0);

		t.parent_slug = d ? d : t.parent_slug;
	}
	if (store_import_term(w->s, &t, &id, &existed, e) == -1)
		return -1;
	w->r->added[k] += !existed;
	w->r->existing[k] += existed;
	if (existed)
		return 0;
	if (k == WXR_CATEGORY && *t.parent_slug) {
		/* WordPress's nested category URL leads to the flat one */
		const char *old = arena_printf(w->a, "/category/%s/%s/",
		                               t.parent_slug, t.slug);
		const char *now = arena_printf(w->a, "/category/%s/", t.slug);

		if (store_import_legacy_path(w->s, old, 0, 0, now, e) == -1)
			return -1;
	}
	for (const xmlNode *c = n->children; c; c = c->next) {
		const char *key = NULL, *value = "";

		if (!is_wp(c, "termmeta"))
			continue;
		for (const xmlNode *m = c->children; m; m = m->next)
			if (is_wp(m, "meta_key"))
				key = text_of(w, m, 1);
			else if (is_wp(m, "meta_value"))
				value = text_of(w, m, 0);
		if (key == NULL) {
			skip(w, WXR_TERM_META, "no meta_key");
			continue;
		}
		if (store_import_term_meta(w->s, t.taxonomy, t.slug, key, value,
		                           e) == -1)
			return -1;
		w->r->added[WXR_TERM_META]++;
	}
	return 0;
}

/* ---- items ----------------------------------------------------------------
 */

struct item {
	const char *title, *link, *guid, *creator, *content, *excerpt;
	const char *name, *status, *type, *password, *date, *date_gmt;
	const char *modified, *modified_gmt, *comment_status, *attachment_url;
	int64_t id, parent;
	int sticky, has_id;
	const xmlNode *content_node;
};

static const char *
mime_of(const char *url)
{
	static const char *const map[][2] = {
		{".jpg", "image/jpeg"},
		{".jpeg", "image/jpeg"},
		{".png", "image/png"},
		{".gif", "image/gif"},
		{".webp", "image/webp"},
		{".svg", "image/svg+xml"},
		{".mp3", "audio/mpeg"},
		{".m4a", "audio/mp4"},
		{".ogg", "audio/ogg"},
		{".wav", "audio/wav"},
		{".mp4", "video/mp4"},
		{".webm", "video/webm"},
		{".mov", "video/quicktime"},
		{".pdf", "application/pdf"},
		{".epub", "application/epub+zip"},
		{".zip", "application/zip"},
	};
	const char *dot = strrchr(url, '.');

	for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(dot, map[i][0]) == 0)
			return map[i][1];
	return "application/octet-stream";
}

/*
 * WordPress statuses: publish → published, future → scheduled, draft and
 * auto-draft → draft, pending → pending, trash → trash; private → draft
 * with the private flag, so it is never public (an editor sees it among
 * the drafts).  Anything else is a draft.
 */
static enum post_status
status_of(const char *st, int *private_)
{
	*private_ = 0;
	if (strcmp(st, "publish") == 0)
		return POST_PUBLISHED;
	if (strcmp(st, "future") == 0)
		return POST_SCHEDULED;
	if (strcmp(st, "pending") == 0)
		return POST_PENDING;
	if (strcmp(st, "trash") == 0)
		return POST_TRASH;
	if (strcmp(st, "private") == 0)
		*private_ = 1;
	return POST_DRAFT;
}

/* N of "?p=N" or "&page_id=N" in a URL; 0 when there is none. */
static int64_t
id_from_url(struct wxr *w, const char *url)
{
	static const char *const keys[] = {"?p=", "&p=", "?page_id=",
	                                   "&page_id="};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *q = strstr(url, keys[i]);
		size_t n;

		if (q == NULL)
			continue;
		q += strlen(keys[i]);
		n = strcspn(q, "&#");
		return id_of(arena_strndup(w->a, q, n));
	}
	return 0;
}

static int
do_attachment(struct wxr *w, const struct item *it, struct error *e)
{
	struct import_media m = {0};
	int64_t id;
	int existed, rc = 0;

	if (*it->attachment_url == '\0') {
		skip(w, WXR_ATTACHMENT, "no attachment_url");
		return 0;
	}
	m.legacy_id = it->id;
	m.legacy_parent = it->parent;
	m.url = it->attachment_url;
	m.mime = mime_of(it->attachment_url);
	m.title = it->title;
	m.created_at = time_of(it->date_gmt, it->date);
	if (store_import_media(w->s, &m, &id, &existed, e) == -1)
		return -1;
	w->r->added[WXR_ATTACHMENT] += !existed;
	w->r->existing[WXR_ATTACHMENT] += existed;
	if (!existed)
		link_add(w, it->link, 0, id, e, &rc);
	return rc;
}

/* ---- rendering ---------------------------------------------------------- */

static int
media_one(void *ctx, struct arena *a, int64_t id, struct wp_media *out)
{
	const char *url, *title;
	size_t n;
	struct error e;

	if (store_import_media_list(ctx, a, id, 0, &url, &title, 1, &n, &e) ==
	            -1 ||
	    n == 0)
		return 0;
	out->url = url;
	out->title = title;
	return 1;
}

static size_t
media_children(void *ctx, struct arena *a, int64_t post_id,
               struct wp_media *out, size_t max)
{
	const char **urls = arena_alloc(a, max * sizeof(*urls));
	const char **titles = arena_alloc(a, max * sizeof(*titles));
	size_t n;
	struct error e;

	if (store_import_media_list(ctx, a, 0, post_id, urls, titles, max, &n,
	                            &e) == -1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		out[i].url = urls[i];
		out[i].title = titles[i];
	}
	return n;
}

void
wxr_wp_options(struct wp_options *o, struct store *s, int64_t legacy_id,
               unsigned flags)
{
	memset(o, 0, sizeof(*o));
	o->flags = flags;
	o->post_id = legacy_id;
	if (s != NULL) {
		o->media = media_one;
		o->children = media_children;
		o->ctx = s;
	}
}

/* WordPress content as WordPress shows it, sanitized; NULL past the cap. */
static const char *
render(struct wxr *w, const char *src, int64_t legacy_id, unsigned flags)
{
	struct wp_options o;
	struct buf html;
	const char *out = NULL;

	/* the reading thread has no database (w->s NULL): no [gallery] */
	wxr_wp_options(&o, w->s, legacy_id, flags);
	buf_init(&html, (size_t)LIM_WXR_FIELD_BYTES * 2);
	if (wp_render(&html, w->a, src, strlen(src), &o) == 0)
		out = arena_strndup(w->a, buf_str(&html), html.len);
	buf_release(&html);
	return out;
}

/* After the last item: the galleries, now that attachments are in. */
static int
render_again(struct wxr *w, struct error *e)
{
	for (size_t i = 0; i < w->nagain; i++) {
		int64_t legacy_id;
		const char *src, *pw, *html;

		arena_reset(w->a);
		if (store_import_post_source(w->s, w->a, w->again[i],
		                             &legacy_id, &src, &pw, e) == -1)
			return -1;
		html = render(w, src, legacy_id, 0);
		if (html != NULL &&
		    store_import_post_html(w->s, w->again[i], html, *pw != '\0',
		                           e) == -1)
			return -1;
	}
	return 0;
}

/* One wp:comment of the item being imported, read before any is stored. */
struct wcomment {
	struct import_comment c;
	const xmlNode *n; /* for its commentmeta */
	int parent;       /* index in the item; -1: top level */
	int root;         /* index of its thread's top-level comment */
	int dup;          /* its comment_id came earlier in the item */
	int child, next;  /* first reply, next sibling (-1: none) */
	int64_t id;       /* once stored */
	int existed;
};

/*
 * Read a wp:comment into *out: 0 when it is to be stored, 1 when it was
 * skipped (and counted), -1 on error.
 */
static int
comment_read(struct wxr *w, const xmlNode *n, struct wcomment *out,
             struct error *e)
{
	struct import_comment *c = &out->c;
	const char *approved = "", *type = "", *date = "", *date_gmt = "";
	const xmlNode *content = NULL;
	const struct pre *pre;
	enum wxr_kind k;

	memset(out, 0, sizeof(*out));
	out->n = n;
	c->author_name = c->author_email = c->author_url = c->body_src = "";
	for (const xmlNode *f = n->children; f; f = f->next) {
		if (is_wp(f, "comment_id"))
			c->legacy_id = id_of(text_of(w, f, 1));
		else if (is_wp(f, "comment_author"))
			c->author_name = text_of(w, f, 1);
		else if (is_wp(f, "comment_author_email"))
			c->author_email = text_of(w, f, 1);
		else if (is_wp(f, "comment_author_url"))
			c->author_url = text_of(w, f, 1);
		else if (is_wp(f, "comment_date"))
			date = text_of(w, f, 1);
		else if (is_wp(f, "comment_date_gmt"))
			date_gmt = text_of(w, f, 1);
		else if (is_wp(f, "comment_content")) {
			c->body_src = text_of(w, f, 0);
			content = f;
		} else if (is_wp(f, "comment_approved"))
			approved = text_of(w, f, 1);
		else if (is_wp(f, "comment_type"))
			type = text_of(w, f, 1);
		else if (is_wp(f, "comment_parent"))
			c->legacy_parent = id_of(text_of(w, f, 1));
		else if (is_wp(f, "comment_user_id") &&
		         store_import_user_by_legacy(w->s,
		                                     id_of(text_of(w, f, 1)),
		                                     &c->user_id, e) == -1)
			return -1;
	}
	c->type = strcmp(type, "pingback") == 0    ? IMPORT_PINGBACK
	          : strcmp(type, "trackback") == 0 ? IMPORT_TRACKBACK
	                                           : IMPORT_COMMENT;
	k = c->type == IMPORT_COMMENT ? WXR_COMMENT : WXR_PINGBACK;
	if (c->legacy_id == 0 || w->too_big) {
		skip(w, k, c->legacy_id ? "a field too big" : "no comment_id");
		return 1;
	}
	/* wp_comments.comment_approved: "1", "0", "spam", "trash" */
	c->status = strcmp(approved, "1") == 0      ? COMMENT_APPROVED
	            : strcmp(approved, "spam") == 0 ? COMMENT_SPAM
	            : strcmp(approved, "trash") == 0 ||
	                            strcmp(approved, "post-trashed") == 0
	                    ? COMMENT_TRASH
	                    : COMMENT_PENDING;
	c->created_at = time_of(date_gmt, date);
	/* WordPress shows comments through wpautop, without shortcodes */
	pre = pre_of(w, content);
	c->body_html = pre ? pre->html : NULL;
	if (c->body_html == NULL)
		c->body_html = render(w, c->body_src, 0, WP_COMMENT);
	if (c->body_html == NULL) {
		skip(w, k, "content too big to render");
		return 1;
	}
	return 0;
}

static int
by_legacy_id(const void *a, const void *b, void *ctx)
{
	const struct wcomment *cm = ctx;
	int i = *(const int *)a, j = *(const int *)b;
	int64_t x = cm[i].c.legacy_id, y = cm[j].c.legacy_id;

	return x < y ? -1 : x > y ? 1 : (i > j) - (i < j);
}

/*
 * Join up the threads of one new post's comments before any goes in, by
 * the rules store_import_finish()'s SQL applies after the fact (which
 * stays the reference, and still runs when a reply attaches to a comment
 * imported before): a reply's parent is the item's first comment with
 * its comment_parent as id, never itself, never a pingback; a comment
 * whose ancestors never reach a top-level one (a loop) is made
 * top-level, without a parent; reply counts leave out the trash; a
 * thread's activity is the newest of its top-level comment and its
 * approved comments.  Fills order[] (n, in a) parents first.  Rewriting
 * half a million rows after the fact was an eighth of a big import.
 */
static int *
thread_plan(struct arena *a, struct wcomment *cm, int n)
{
	int *sorted = arena_alloc(a, (size_t)n * sizeof(int));
	int *order = arena_alloc(a, (size_t)n * sizeof(int));
	int head = 0, tail = 0;

	for (int i = 0; i < n; i++) {
		sorted[i] = i;
		cm[i].parent = -1;
		cm[i].root = -1;
		cm[i].child = cm[i].next = -1;
	}
	qsort_r(sorted, (size_t)n, sizeof(int), by_legacy_id, cm);
	for (int i = 1; i < n; i++)
		if (cm[sorted[i]].c.legacy_id == cm[sorted[i - 1]].c.legacy_id)
			cm[sorted[i]].dup = 1;
	for (int i = 0; i < n; i++) {
		struct wcomment *c = &cm[i];
		int lo = 0, hi = n;

		if (c->dup || c->c.type != IMPORT_COMMENT ||
		    c->c.legacy_parent == 0)
			continue;
		while (lo < hi) { /* the first with that id */
			int mid = lo + (hi - lo) / 2;

			if (cm[sorted[mid]].c.legacy_id < c->c.legacy_parent)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n &&
		    cm[sorted[lo]].c.legacy_id == c->c.legacy_parent &&
		    sorted[lo] != i && cm[sorted[lo]].c.type == IMPORT_COMMENT)
			c->parent = sorted[lo];
	}
	/* replies in file order under each parent: built backwards */
	for (int i = n - 1; i >= 0; i--)
		if (cm[i].parent >= 0) {
			cm[i].next = cm[cm[i].parent].child;
			cm[cm[i].parent].child = i;
		}
	for (int i = 0; i < n; i++)
		if (cm[i].parent < 0 && !cm[i].dup &&
		    cm[i].c.type == IMPORT_COMMENT) {
			cm[i].root = i;
			order[tail++] = i;
		}
	while (head < tail) {
		int p = order[head++];

		for (int r = cm[p].child; r >= 0; r = cm[r].next) {
			cm[r].root = cm[p].root;
			cm[r].c.depth = cm[p].c.depth + 1;
			order[tail++] = r;
		}
	}
	/* loops: never reached from a top-level comment */
	for (int i = 0; i < n; i++)
		if (cm[i].root < 0 && !cm[i].dup &&
		    cm[i].c.type == IMPORT_COMMENT) {
			cm[i].parent = -1;
			cm[i].root = i;
			order[tail++] = i;
		}
	for (int i = 0; i < n; i++)
		cm[i].c.activity_at = cm[i].c.created_at;
	for (int k = 0; k < tail; k++) {
		struct wcomment *c = &cm[order[k]];
		struct wcomment *top = &cm[c->root];

		if (c->parent >= 0 && c->c.status != COMMENT_TRASH)
			cm[c->parent].c.reply_count++;
		if (c->c.status == COMMENT_APPROVED &&
		    c->c.created_at > top->c.activity_at)
			top->c.activity_at = c->c.created_at;
	}
	/* pingbacks and repeated ids go last, in file order */
	for (int i = 0; i < n; i++)
		if (cm[i].dup || cm[i].c.type != IMPORT_COMMENT)
			order[tail++] = i;
	return order;
}

static int
comment_meta(struct wxr *w, const xmlNode *n, int64_t id, struct error *e)
{
	for (const xmlNode *m = n->children; m; m = m->next) {
		const char *key = NULL, *value = "";

		if (!is_wp(m, "commentmeta"))
			continue;
		for (const xmlNode *f = m->children; f; f = f->next)
			if (is_wp(f, "meta_key"))
				key = text_of(w, f, 1);
			else if (is_wp(f, "meta_value"))
				value = text_of(w, f, 0);
		if (key == NULL) {
			skip(w, WXR_COMMENT_META, "no meta_key");
			continue;
		}
		if (store_import_comment_meta(w->s, id, key, value, e) == -1)
			return -1;
		w->r->added[WXR_COMMENT_META]++;
	}
	return 0;
}

/*
 * Store an item's comments (read and planned by comments_read()) on post
 * post_id; threaded: the post is new, so thread_plan()'s answer stands.
 */
static int
comments_store(struct wxr *w, struct wcomment *cm, const int *order, int n,
               int64_t post_id, int threaded, struct error *e)
{
	for (int k = 0; k < n; k++) {
		struct wcomment *c = &cm[order[k]];
		enum wxr_kind kind = c->c.type == IMPORT_COMMENT ? WXR_COMMENT
		                                                 : WXR_PINGBACK;

		if (c->dup) {
			w->r->existing[kind]++;
			continue;
		}
		c->c.post_id = post_id;
		c->c.threaded = threaded && c->c.type == IMPORT_COMMENT;
		if (c->c.threaded) {
			const struct wcomment *p =
				c->parent >= 0 ? &cm[c->parent] : NULL;

			/* a parent found already in the site belongs to
			 * another post: the reply is top-level, as
			 * SQL_FIX_COMMENT_PARENTS would have it */
			if (p != NULL && p->existed) {
				w->rethread = 1;
				p = NULL;
			}
			c->c.parent_id = p ? p->id : 0;
			c->c.thread_id = p ? cm[c->root].id : 0;
		}
		if (store_import_comment(w->s, &c->c, &c->id, &c->existed, e) ==
		    -1)
			return -1;
		w->r->added[kind] += !c->existed;
		w->r->existing[kind] += c->existed;
		if (c->existed && c->c.type == IMPORT_COMMENT && threaded)
			w->rethread = 1; /* its replies' plan is off */
		if (!c->existed && !c->c.threaded &&
		    c->c.type == IMPORT_COMMENT)
			w->rethread = 1;
		if (!c->existed && c->c.type == IMPORT_COMMENT &&
		    comment_meta(w, c->n, c->id, e) == -1)
			return -1;
	}
	return 0;
}

/*
 * Read every wp:comment of item n (in w->a) and plan their threads; *n_out
 * of them, stored in *order_out's order.  The post's approved count and
 * newest approved comment are set on p.
 */
static int
comments_read(struct wxr *w, const xmlNode *n, struct import_post *p,
              struct wcomment **cm_out, int **order_out, int *n_out,
              struct error *e)
{
	struct wcomment *cm;
	int count = 0, kept = 0;

	for (const xmlNode *c = n->children; c; c = c->next)
		count += is_wp(c, "comment");
	cm = arena_alloc(w->a, (size_t)(count ? count : 1) * sizeof(*cm));
	for (const xmlNode *c = n->children; c; c = c->next) {
		int rc;

		if (!is_wp(c, "comment"))
			continue;
		rc = comment_read(w, c, &cm[kept], e);
		if (rc == -1)
			return -1;
		kept += rc == 0;
	}
	*order_out = thread_plan(w->a, cm, kept);
	for (int i = 0; i < kept; i++)
		if (!cm[i].dup && cm[i].c.type == IMPORT_COMMENT &&
		    cm[i].c.status == COMMENT_APPROVED) {
			p->comment_count++;
			if (cm[i].c.created_at > p->comment_activity)
				p->comment_activity = cm[i].c.created_at;
		}
	*cm_out = cm;
	*n_out = kept;
	return 0;
}

/* Categories, tags and other terms of a new post, and its meta. */
static int
post_extras(struct wxr *w, const xmlNode *n, int64_t id, int protected_,
            const char *excerpt, struct error *e)
{
	int64_t views = -1, v;

	for (const xmlNode *c = n->children; c; c = c->next) {
		if (is_el(c, NULL, "category")) {
			const char *domain = attr_of(w, c, "domain");
			const char *name = text_of(w, c, 1);
			const char *slug =
				slug_of(w, attr_of(w, c, "nicename"), name);

			if (*domain == '\0')
				domain =
					"category"; /* WXR 1.0 without domain */
			if (*slug == '\0')
				continue;
			if (store_import_post_term(w->s, id, domain, slug, name,
			                           e) == -1)
				return -1;
		} else if (is_wp(c, "postmeta")) {
			const char *key = NULL, *value = "";

			for (const xmlNode *f = c->children; f; f = f->next)
				if (is_wp(f, "meta_key"))
					key = text_of(w, f, 1);
				else if (is_wp(f, "meta_value"))
					value = text_of(w, f, 0);
			if (key == NULL) {
				skip(w, WXR_POST_META, "no meta_key");
				continue;
			}
			if (store_import_post_meta(w->s, id, key, value, e) ==
			    -1)
				return -1;
			w->r->added[WXR_POST_META]++;
			/* view counters of the common plugins */
			if ((strcmp(key, "views") == 0 ||
			     strcmp(key, "post_views_count") == 0) &&
			    num_parse(value, 0, INT64_MAX, &v) == 0 &&
			    v > views)
				views = v;
		}
	}
	if (protected_ && *excerpt &&
	    store_import_post_meta(w->s, id, "_gazette_protected_excerpt",
	                           excerpt, e) == -1)
		return -1;
	if (views >= 0 && store_import_views(w->s, id, views, e) == -1)
		return -1;
	return 0;
}

static int
again_add(struct wxr *w, int64_t id)
{
	if (w->nagain == w->capagain) {
		size_t cap = w->capagain ? w->capagain * 2 : 64;
		int64_t *p = realloc(w->again, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		w->again = p;
		w->capagain = cap;
	}
	w->again[w->nagain++] = id;
	return 0;
}

static int
do_item(struct wxr *w, const xmlNode *n, struct error *e)
{
	struct item it;
	struct import_post p = {0};
	struct wcomment *cm;
	const struct pre *pre;
	const char *html;
	enum wxr_kind k;
	int64_t id;
	int existed, rc = 0, ncm, *order;
	const char *slug;

	memset(&it, 0, sizeof(it));
	it.title = it.link = it.guid = it.creator = it.content = "";
	it.excerpt = it.name = it.status = it.type = it.password = "";
	it.date = it.date_gmt = it.modified = it.modified_gmt = "";
	it.comment_status = it.attachment_url = "";
	w->r->items++;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(c, NULL, "title"))
			it.title = text_of(w, c, 1);
		else if (is_el(c, NULL, "link"))
			it.link = text_of(w, c, 1);
		else if (is_el(c, NULL, "guid"))
			it.guid = text_of(w, c, 1);
		else if (is_el(c, NS_DC, "creator"))
			it.creator = text_of(w, c, 1);
		else if (is_el(c, NS_CONTENT, "encoded")) {
			it.content = text_of(w, c, 0);
			it.content_node = c;
		} else if (is_el(c, "excerpt", "encoded"))
			it.excerpt = text_of(w, c, 0);
		else if (is_wp(c, "post_id")) {
			it.id = id_of(text_of(w, c, 1));
			it.has_id = 1;
		} else if (is_wp(c, "post_name"))
			it.name = text_of(w, c, 1);
		else if (is_wp(c, "status"))
			it.status = text_of(w, c, 1);
		else if (is_wp(c, "post_type"))
			it.type = text_of(w, c, 1);
		else if (is_wp(c, "post_password"))
			it.password = text_of(w, c, 0);
		else if (is_wp(c, "post_date"))
			it.date = text_of(w, c, 1);
		else if (is_wp(c, "post_date_gmt"))
			it.date_gmt = text_of(w, c, 1);
		else if (is_wp(c, "post_modified"))
			it.modified = text_of(w, c, 1);
		else if (is_wp(c, "post_modified_gmt"))
			it.modified_gmt = text_of(w, c, 1);
		else if (is_wp(c, "comment_status"))
			it.comment_status = text_of(w, c, 1);
		else if (is_wp(c, "post_parent"))
			it.parent = id_of(text_of(w, c, 1));
		else if (is_wp(c, "is_sticky"))
			it.sticky = strcmp(text_of(w, c, 1), "1") == 0;
		else if (is_wp(c, "attachment_url"))
			it.attachment_url = text_of(w, c, 1);
	}
	if (*it.type == '\0')
		it.type = "post"; /* WordPress's default */
	/* gazette's own types (an export of ours) count as posts */
	k = strcmp(it.type, "post") == 0 || strcmp(it.type, "book") == 0 ||
	                    strcmp(it.type, "episode") == 0
	            ? WXR_POST
	    : strcmp(it.type, "page") == 0       ? WXR_PAGE
	    : strcmp(it.type, "attachment") == 0 ? WXR_ATTACHMENT
	                                         : WXR_OTHER;
	if (w->too_big) {
		skip(w, k, "a field over LIM_WXR_FIELD_BYTES");
		return 0;
	}
	if (it.id == 0 && !it.has_id) {
		/* theme-preview.xml has no wp:post_id: take the id from a
		 * shortlink GUID or link ("/?p=19"), as WordPress made them */
		it.id = id_from_url(w, it.guid);
		if (it.id == 0)
			it.id = id_from_url(w, it.link);
	}
	if (it.id == 0) {
		/* Without its WordPress id an item could neither be found
		 * again on a second import nor answer /?p=ID. */
		skip(w, k, it.has_id ? "bad wp:post_id" : "no wp:post_id");
		return 0;
	}
	if (k == WXR_OTHER) {
		skip(w, k,
		     arena_printf(w->a, "post type '%.40s' not imported",
		                  it.type));
		return 0;
	}
	if (k == WXR_ATTACHMENT)
		return do_attachment(w, &it, e);

	p.legacy_id = it.id;
	p.legacy_guid = *it.guid ? it.guid : NULL;
	p.type = k == WXR_PAGE                     ? POST_PAGE
	         : strcmp(it.type, "book") == 0    ? POST_BOOK
	         : strcmp(it.type, "episode") == 0 ? POST_EPISODE
	                                           : POST_POST;
	p.status = status_of(it.status, &p.private_);
	p.sticky = it.sticky;
	p.comments_open = strcmp(it.comment_status, "closed") != 0;
	p.title = it.title;
	p.password = it.password;
	p.published_at = time_of(it.date_gmt, it.date);
	p.updated_at = time_of(it.modified_gmt, it.modified);
	if (p.updated_at < p.published_at)
		p.updated_at = p.published_at;
	p.legacy_parent = it.parent;
	pre = pre_of(w, it.content_node);
	p.body_src = pre ? pre->body_src : rewrite_links(w, it.content);
	p.excerpt = it.excerpt;
	slug = slug_of(w, it.name, it.title);
	p.slug = *slug ? slug
	               : arena_printf(w->a, "%s-%lld", it.type,
	                              (long long)it.id);
	if (*it.creator &&
	    store_import_user_by_login(w->s, it.creator, &p.author_id, e) == -1)
		return -1;
	if (*it.creator && p.author_id == 0) {
		/* an author the file names but has no wp:author block for */
		struct import_user u = {0, it.creator, it.creator, ""};
		int ex;

		if (store_import_user(w->s, &u, &p.author_id, &ex, e) == -1)
			return -1;
		w->r->added[WXR_AUTHOR] += !ex;
	}
	html = pre && pre->html ? pre->html : render(w, p.body_src, it.id, 0);
	if (html == NULL) {
		skip(w, k, "content too big to render");
		return 0;
	}
	if (*it.password) {
		/* Never public without the password: every path but the
		 * password form sees this notice (migration 012). */
		p.body_html = WXR_PROTECTED_NOTICE;
		p.protected_html = html;
		p.excerpt = "";
	} else
		p.body_html = html;
	if (comments_read(w, n, &p, &cm, &order, &ncm, e) == -1 ||
	    store_import_post(w->s, w->a, &p, &id, &slug, &existed, e) == -1)
		return -1;
	w->r->added[k] += !existed;
	w->r->existing[k] += existed;
	if (!existed) {
		/* indexed for search now that its tags are in, on this
		 * thread's time rather than at the end */
		if (post_extras(w, n, id, *it.password != '\0', it.excerpt,
		                e) == -1 ||
		    store_import_index(w->s, w->scratch, id,
		                       pre && pre->html == p.body_html
		                               ? pre->text
		                               : NULL,
		                       e) == -1)
			return -1;
		link_add(w, it.link, id, 0, e, &rc);
		if (rc == -1)
			return -1;
		if (strstr(p.body_src, "[gallery") != NULL &&
		    again_add(w, id) == -1)
			return error_set(e, ERR_IO, "out of memory");
	}
	return comments_store(w, cm, order, ncm, id, !existed, e);
}

/* ---- the reader ------------------------------------------------------- */

/*
 * Only fatal errors make a file malformed: namespace errors (a URI that is
 * not absolute, as in namespace-edge-cases.xml) are not well-formedness
 * errors, and the elements they touch are simply not WordPress's.
 */
static void
on_xml_error(void *ctx, xmlErrorPtr err)
{
	struct wxr *w = ctx;
	size_t n;

	if (err == NULL || err->level < XML_ERR_FATAL || w->xerr)
		return;
	w->xerr = 1;
	w->xline = err->line;
	w->xcol = err->int2;
	snprintf(w->xmsg, sizeof(w->xmsg), "%s",
	         err->message ? err->message : "error");
	n = strlen(w->xmsg);
	while (n > 0 && is_space(w->xmsg[n - 1]))
		w->xmsg[--n] = '\0';
}

/* Where the reader stopped, when libxml2 reported no error of its own. */
static void
xml_position(struct wxr *w, xmlTextReaderPtr rd)
{
	if (!w->xerr) {
		w->xerr = 1;
		w->xline = xmlTextReaderGetParserLineNumber(rd);
		w->xcol = xmlTextReaderGetParserColumnNumber(rd);
		snprintf(w->xmsg, sizeof(w->xmsg), "cannot read the XML");
	}
}

static int
xml_report(struct wxr *w, struct error *e)
{
	return error_set(e, ERR_INVALID, "%s:%d:%d: malformed XML: %s", w->path,
	                 w->xline, w->xcol, w->xmsg);
}

static int
xml_failed(struct wxr *w, xmlTextReaderPtr rd, struct error *e)
{
	xml_position(w, rd);
	return xml_report(w, e);
}

static int
not_wxr(struct wxr *w, struct error *e)
{
	w->not_wxr = 1;
	return error_set(e, ERR_INVALID,
	                 "%s: this does not appear to be a WXR file, "
	                 "missing/invalid WXR version number",
	                 w->path);
}

/* "N.N": WordPress's own test for a WXR file. */
static int
version_valid(const char *v)
{
	size_t n = 0, m = 0;

	while (v[n] >= '0' && v[n] <= '9')
		n++;
	if (n == 0 || v[n] != '.')
		return 0;
	while (v[n + 1 + m] >= '0' && v[n + 1 + m] <= '9')
		m++;
	return m > 0 && v[n + 1 + m] == '\0';
}

/* The base URLs links are rewritten from; 1 when n was one of them. */
static int
base_url(struct wxr *w, const xmlNode *n)
{
	char *dst;
	size_t len;

	if (!is_wp(n, "base_blog_url") && !is_wp(n, "base_site_url"))
		return 0;
	dst = is_wp(n, "base_blog_url") ? w->base_blog : w->base_site;
	snprintf(dst, sizeof(w->base_blog), "%s", text_of(w, n, 1));
	len = strlen(dst);
	while (len > 0 && dst[len - 1] == '/')
		dst[--len] = '\0';
	snprintf(w->r->base_url, sizeof(w->r->base_url), "%s",
	         *w->base_blog ? w->base_blog : w->base_site);
	return 1;
}

/* Before the first item: a file with only a site URL rewrites from it. */
static void
base_fallback(struct wxr *w)
{
	if (*w->base_blog == '\0' && *w->base_site != '\0')
		snprintf(w->base_blog, sizeof(w->base_blog), "%s",
		         w->base_site);
}

/* One element directly under the channel; *handled when it was read. */
static int
channel_child(struct wxr *w, const xmlNode *n, struct error *e)
{
	const char *t;

	if (is_wp(n, "wxr_version")) {
		t = text_of(w, n, 1);
		if (!version_valid(t))
			return not_wxr(w, e);
		snprintf(w->r->version, sizeof(w->r->version), "%s", t);
		w->have_version = 1;
		return 0;
	}
	if (base_url(w, n))
		return 0;
	if (!(is_el(n, NULL, "item") || is_wp(n, "author") ||
	      is_wp(n, "wp_author") || is_wp(n, "category") ||
	      is_wp(n, "tag") || is_wp(n, "term")))
		return 0;
	if (!w->have_version)
		return not_wxr(w, e);
	base_fallback(w);
	if (is_el(n, NULL, "item"))
		return do_item(w, n, e);
	if (is_wp(n, "author") || is_wp(n, "wp_author"))
		return do_author(w, n, e);
	if (is_wp(n, "category"))
		return do_term(w, n, "category", e);
	if (is_wp(n, "tag"))
		return do_term(w, n, "tag", e);
	return do_term(w, n, "term", e);
}

/* The file in this thread, from where the reader is (ret its last answer). */
static int
read_file(struct wxr *w, xmlTextReaderPtr rd, int ret, int64_t size,
          struct error *e)
{
	struct wxr_progress pr = {0, 0, size};

	while (ret == 1) {
		xmlNodePtr n;

		if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT ||
		    xmlTextReaderDepth(rd) != 2) {
			ret = xmlTextReaderRead(rd);
			continue;
		}
		n = xmlTextReaderExpand(rd);
		if (n == NULL || w->xerr)
			return xml_failed(w, rd, e);
		arena_reset(w->a);
		w->too_big = 0;
		if (channel_child(w, n, e) == -1) {
			if (!w->not_wxr)
				return -1;
			/* A file that is also malformed (malformed.xml) is
			 * reported as malformed, with its line and column. */
			while ((ret = xmlTextReaderRead(rd)) == 1)
				;
			return ret == -1 || w->xerr ? xml_failed(w, rd, e) : -1;
		}
		pr.items++;
		pr.bytes = xmlTextReaderByteConsumed(rd);
		if (w->o != NULL && w->o->progress != NULL)
			w->o->progress(w->o->ctx, &pr);
		ret = xmlTextReaderNext(rd);
	}
	if (ret == -1 || w->xerr)
		return xml_failed(w, rd, e);
	if (!w->have_version)
		return not_wxr(w, e);
	return 0;
}

/* ---- reading ahead ------------------------------------------------------ */

/*
 * A second thread reads the file: it parses, copies each element out of
 * the reader's document (which frees its own as it moves on) and renders
 * the HTML of posts and comments, while this thread writes the elements
 * before it.  Parsing and rendering were about half of a big import's CPU
 * time and the database the other half; on two cores they overlap.  The
 * copies belong to no document, so the threads share nothing but the
 * queue.  A file with a DTD of its own is read in one thread as before:
 * its entities live in the reader's document, where a copy cannot follow.
 */
struct slot {
	xmlNodePtr n;    /* a copy, in no document */
	struct arena *a; /* what was rendered for it */
	int64_t bytes;   /* of the file read once it was */
	int64_t size;    /* of the file it took */
};

struct ahead {
	xmlTextReaderPtr rd;
	struct wxr w;        /* the reading thread's: base URLs, XML error */
	struct wxr_report r; /* its skip()s, not reported (the writer's are) */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a slot filled or taken, or a flag changed */
	struct slot slot[LIM_WXR_AHEAD_ITEMS];
	/* slots filled and taken so far (slot i % LIM_WXR_AHEAD_ITEMS);
	 * freed: of the taken ones, whose copies the reading thread has
	 * freed (it frees them itself: a free in another thread than the
	 * malloc costs glibc a lock, and the writer is the busier one) */
	size_t filled, taken, freed;
	int64_t queued; /* bytes of the file in the queue */
	int done;       /* the reader is at the end, or stopped */
	int failed;     /* at malformed XML (w.x* say where) */
	int stop;       /* the writer gave up */
	int drain;      /* read on without copying, to find malformed XML */
};

/* What the writer will need rendered of element n (a copy), in w->a. */
static void
ahead_render(struct wxr *w, xmlNode *n)
{
	if (base_url(w, n) || !is_el(n, NULL, "item"))
		return;
	base_fallback(w);
	for (xmlNode *c = n->children; c != NULL && !w->too_big; c = c->next) {
		if (is_el(c, NS_CONTENT, "encoded")) {
			struct pre *p = arena_alloc(w->a, sizeof(*p));
			const char *src = text_of(w, c, 0);

			p->body_src = rewrite_links(w, src);
			/* a [gallery] looks its attachments up in the
			 * database: the writer renders those */
			p->html = w->too_big || strstr(p->body_src,
			                               "[gallery") != NULL
			                  ? NULL
			                  : render(w, p->body_src, 0, 0);
			p->text = p->html ? html_to_text(w->a, p->html,
			                                 strlen(p->html))
			                  : NULL;
			c->_private = p;
		} else if (is_wp(c, "comment"))
			for (xmlNode *f = c->children; f != NULL; f = f->next)
				if (is_wp(f, "comment_content")) {
					struct pre *p =
						arena_alloc(w->a, sizeof(*p));

					p->body_src = text_of(w, f, 0);
					p->html =
						w->too_big
							? NULL
							: render(w, p->body_src,
					                         0, WP_COMMENT);
					f->_private = p;
				}
	}
}

/* Wait for a free slot; NULL when the writer gave up. */
static struct slot *
ahead_room(struct ahead *h)
{
	struct slot *sl = NULL;
	size_t taken;

	pthread_mutex_lock(&h->mu);
	while (!h->stop &&
	       (h->filled - h->taken == LIM_WXR_AHEAD_ITEMS ||
	        (h->filled > h->taken && h->queued >= LIM_WXR_AHEAD_BYTES)))
		pthread_cond_wait(&h->cv, &h->mu);
	taken = h->taken;
	if (!h->stop)
		sl = &h->slot[h->filled % LIM_WXR_AHEAD_ITEMS];
	pthread_mutex_unlock(&h->mu);
	for (; h->freed < taken; h->freed++) {
		struct slot *done = &h->slot[h->freed % LIM_WXR_AHEAD_ITEMS];

		xmlFreeNode(done->n);
		done->n = NULL;
		arena_reset(done->a);
	}
	return sl;
}

static void *
ahead_run(void *arg)
{
	struct ahead *h = arg;
	int64_t last = 0;
	int ret = 1, drain = 0; /* on the root element */

	while (ret == 1) {
		struct slot *sl;
		xmlNodePtr n;

		if (drain ||
		    xmlTextReaderNodeType(h->rd) != XML_READER_TYPE_ELEMENT ||
		    xmlTextReaderDepth(h->rd) != 2) {
			ret = xmlTextReaderRead(h->rd);
			continue;
		}
		n = xmlTextReaderExpand(h->rd);
		if (n == NULL || h->w.xerr) {
			ret = -1;
			break;
		}
		sl = ahead_room(h);
		if (sl == NULL)
			break;
		pthread_mutex_lock(&h->mu);
		drain = h->drain;
		pthread_mutex_unlock(&h->mu);
		if (drain)
			continue;
		sl->n = xmlDocCopyNode(n, NULL, 1);
		if (sl->n == NULL) {
			ret = -1;
			break;
		}
		h->w.a = sl->a;
		h->w.too_big = 0;
		ahead_render(&h->w, sl->n);
		sl->bytes = xmlTextReaderByteConsumed(h->rd);
		sl->size = sl->bytes - last;
		last = sl->bytes;
		pthread_mutex_lock(&h->mu);
		h->filled++;
		h->queued += sl->size;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		ret = xmlTextReaderNext(h->rd);
	}
	pthread_mutex_lock(&h->mu);
	if (!h->stop && (ret == -1 || h->w.xerr)) {
		xml_position(&h->w, h->rd);
		h->failed = 1;
	}
	h->done = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* The writer's side: the elements in order, as read_file() does them. */
static int
ahead_write(struct wxr *w, struct ahead *h, int64_t size, struct error *e)
{
	struct wxr_progress pr = {0, 0, size};
	int rc = 0;

	for (;;) {
		struct slot *sl;

		pthread_mutex_lock(&h->mu);
		while (h->filled == h->taken && !h->done)
			pthread_cond_wait(&h->cv, &h->mu);
		sl = h->filled > h->taken
		             ? &h->slot[h->taken % LIM_WXR_AHEAD_ITEMS]
		             : NULL;
		pthread_mutex_unlock(&h->mu);
		if (sl == NULL)
			break;
		if (rc == 0) {
			arena_reset(w->a);
			w->too_big = 0;
			if (channel_child(w, sl->n, e) == -1) {
				rc = -1;
				pthread_mutex_lock(&h->mu);
				/* A file that is also malformed (malformed.xml)
				 * is reported as malformed: read on. */
				if (w->not_wxr)
					h->drain = 1;
				else
					h->stop = 1;
				pthread_mutex_unlock(&h->mu);
			} else {
				pr.items++;
				pr.bytes = sl->bytes;
				if (w->o != NULL && w->o->progress != NULL)
					w->o->progress(w->o->ctx, &pr);
			}
		}
		pthread_mutex_lock(&h->mu);
		h->taken++;
		h->queued -= sl->size;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
	if (h->failed) {
		w->xerr = 1;
		w->xline = h->w.xline;
		w->xcol = h->w.xcol;
		memcpy(w->xmsg, h->w.xmsg, sizeof(w->xmsg));
		return xml_report(w, e);
	}
	if (rc == -1)
		return -1;
	if (!w->have_version)
		return not_wxr(w, e);
	return 0;
}

/* The file with the reading thread, from the root element on. */
static int
read_ahead(struct wxr *w, xmlTextReaderPtr rd, int64_t size, struct error *e)
{
	struct ahead *h = calloc(1, sizeof(*h));
	int rc = -1;

	if (h == NULL)
		return error_set(e, ERR_IO, "out of memory");
	h->rd = rd;
	h->w.o = w->o;
	h->w.r = &h->r;
	h->w.path = w->path;
	for (size_t i = 0; i < LIM_WXR_AHEAD_ITEMS; i++)
		h->slot[i].a = arena_new();
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	/* libxml2's errors now come from the reading thread */
	xmlTextReaderSetStructuredErrorHandler(rd, on_xml_error, &h->w);
	w->ahead = 1;
	if (pthread_create(&h->thread, NULL, ahead_run, h) != 0) {
		error_set(e, ERR_IO, "cannot start the reading thread");
		goto out;
	}
	rc = ahead_write(w, h, size, e);
	pthread_join(h->thread, NULL);
out:
	w->ahead = 0;
	for (size_t i = 0; i < LIM_WXR_AHEAD_ITEMS; i++) {
		xmlFreeNode(h->slot[i].n);
		arena_free(h->slot[i].a);
	}
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
	return rc;
}

int
wxr_import(struct store *s, const char *path, const struct wxr_options *o,
           struct wxr_report *r, struct error *e)
{
	struct wxr w;
	struct stat sb;
	xmlTextReaderPtr rd;
	int rc = -1, ret, dtd = 0;

	memset(r, 0, sizeof(*r));
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.o = o;
	w.r = r;
	w.path = path;
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
		return error_set(e, ERR_INVALID, "%s: cannot read: %s", path,
		                 "no such file");
	/* No NOENT, DTDLOAD or HUGE: entities stay unexpanded, no external
	 * DTD is read, and libxml2's size limits stand.  NONET: nothing is
	 * fetched. */
	rd = xmlReaderForFile(path, NULL, XML_PARSE_NONET);
	if (rd == NULL)
		return error_set(e, ERR_IO, "%s: cannot open", path);
	xmlTextReaderSetStructuredErrorHandler(rd, on_xml_error, &w);
	w.a = arena_new();
	w.scratch = arena_new();
	/* up to the root element: is there a DTD? */
	ret = xmlTextReaderRead(rd);
	while (ret == 1 &&
	       xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT) {
		dtd |= xmlTextReaderNodeType(rd) ==
		       XML_READER_TYPE_DOCUMENT_TYPE;
		ret = xmlTextReaderRead(rd);
	}
	if (store_begin(s, e) == -1)
		goto out;
	/* wxr_restore: what a gazette export carries in "_gazette_*" meta */
	if ((ret == 1 && !dtd && !(o != NULL && o->one_thread)
	             ? read_ahead(&w, rd, (int64_t)sb.st_size, e)
	             : read_file(&w, rd, ret, (int64_t)sb.st_size, e)) == -1 ||
	    render_again(&w, e) == -1 || wxr_restore(s, e) == -1 ||
	    store_import_finish(s, w.rethread, e) == -1) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	free(w.again);
	arena_free(w.a);
	arena_free(w.scratch);
	xmlFreeTextReader(rd);
	return rc;
}
