/*
 * Feeds and sitemaps through libxml2's xmlTextWriter, writing straight
 * into the caller's capped struct buf through an output callback.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>

#include "html.h"
#include "xml.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/banned.h"

#define NS_ATOM    "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC      "http://purl.org/dc/elements/1.1/"
#define NS_SITEMAP "http://www.sitemaps.org/schemas/sitemap/0.9"
/* Exactly as Apple spells it: directories match the string. */
#define NS_ITUNES  "http://www.itunes.com/dtds/podcast-1.0.dtd"
#define NS_PODCAST "https://podcastindex.org/namespace/1.0"

/* 9999-12-31T23:59:59Z: both date formats need a four-digit year. */
#define TIME_MAX 253402300799LL

/* One document being written. */
struct xw {
	xmlTextWriterPtr w;
	struct buf *out;
	size_t start;    /* out->len before the document */
	struct buf text; /* scratch: the last string made fit for XML */
	struct buf html; /* scratch: plain text escaped as HTML */
	int too_big;     /* out reached its cap */
	int failed;      /* the writer reported an error */
};

struct xml_sitemap {
	struct xw x;
	int index; /* a sitemapindex, not a urlset */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/*
 * libxml2 2.9 sets up its globals on first use without a lock; do it once
 * before any worker thread writes.
 */
static void
init(void)
{
	xmlInitParser();
}

/* libxml2 spells text as unsigned char; the bytes are the same. */
static const xmlChar *
X(const char *s)
{
	return (const xmlChar *)(s != NULL ? s : "");
}

static int
empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/*
 * The output callback.  Past the cap it swallows the bytes instead of
 * failing: a failed write makes libxml2 print "I/O error" on stderr, and
 * the flag tells the caller all it needs.
 */
static int
out_write(void *ctx, const char *p, int len)
{
	struct xw *x = ctx;

	if (len > 0 && !x->too_big && buf_add(x->out, p, (size_t)len) == -1)
		x->too_big = 1;
	return len;
}

static int
out_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
live(const struct xw *x)
{
	return x->w != NULL && !x->failed && !x->too_big;
}

static void
check(struct xw *x, int rc)
{
	if (rc < 0)
		x->failed = 1;
}

/* XML 1.0 section 2.2, Char. */
static int
xml_char(unsigned long c)
{
	return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* The length of the UTF-8 character at s[0..n) and its code point in *cp,
 * or 0 when the bytes there are not UTF-8 (overlong forms, surrogates and
 * values past U+10FFFF included). */
static size_t
utf8_char(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c, min;
	size_t len;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		c = s[0] & 0x1F;
		min = 0x80;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		c = s[0] & 0x0F;
		min = 0x800;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/*
 * s made fit for XML 1.0 into the scratch buffer: a byte that does not
 * start a UTF-8 character becomes U+FFFD, a character XML forbids is
 * dropped.  Runs of good characters are copied whole.
 */
static const xmlChar *
clean(struct xw *x, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, run = 0;

	buf_reset(&x->text);
	while (i < n) {
		unsigned long cp;
		size_t len = utf8_char(p + i, n - i, &cp);

		if (len > 0 && xml_char(cp)) {
			i += len;
			continue;
		}
		if (buf_add(&x->text, p + run, i - run) == -1 ||
		    (len == 0 && buf_puts(&x->text, "\xEF\xBF\xBD") == -1))
			goto big;
		i += len > 0 ? len : 1;
		run = i;
	}
	if (buf_add(&x->text, p + run, i - run) == -1)
		goto big;
	return X(buf_str(&x->text));
big:
	x->too_big = 1;
	return X("");
}

static void
xw_open(struct xw *x, struct buf *out)
{
	xmlOutputBufferPtr ob;

	pthread_once(&init_once, init);
	memset(x, 0, sizeof(*x));
	x->out = out;
	x->start = out->len;
	buf_init(&x->text, out->max);
	buf_init(&x->html, out->max);
	ob = xmlOutputBufferCreateIO(out_write, out_close, x, NULL);
	if (ob == NULL) {
		x->failed = 1;
		return;
	}
	x->w = xmlNewTextWriter(ob);
	if (x->w == NULL) {
		xmlOutputBufferClose(ob);
		x->failed = 1;
		return;
	}
	check(x, xmlTextWriterSetIndent(x->w, 1));
	check(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
}

/* Finish the document; on failure out is left as it was before it. */
static int
xw_close(struct xw *x, struct error *e)
{
	int rc = 0;

	if (x->w != NULL) {
		if (live(x))
			check(x, xmlTextWriterEndDocument(x->w));
		/* Flushes the rest through out_write. */
		xmlFreeTextWriter(x->w);
		x->w = NULL;
	}
	buf_release(&x->text);
	buf_release(&x->html);
	if (x->too_big)
		rc = error_set(e, ERR_TOO_BIG, "xml output is over %zu bytes",
		               x->out->max);
	else if (x->failed)
		rc = error_set(e, ERR_IO, "xml writer failed");
	if (rc == -1 && x->out->p != NULL) {
		x->out->len = x->start;
		x->out->p[x->start] = '\0';
	}
	return rc;
}

static void
start(struct xw *x, const char *name)
{
	if (live(x))
		check(x, xmlTextWriterStartElement(x->w, X(name)));
}

static void
end(struct xw *x)
{
	if (live(x))
		check(x, xmlTextWriterEndElement(x->w));
}

static void
attr(struct xw *x, const char *name, const char *value)
{
	const xmlChar *v;

	if (!live(x))
		return;
	v = clean(x, value);
	if (live(x))
		check(x, xmlTextWriterWriteAttribute(x->w, X(name), v));
}

static void
text(struct xw *x, const char *s)
{
	const xmlChar *v;

	if (!live(x))
		return;
	v = clean(x, s);
	if (live(x))
		check(x, xmlTextWriterWriteString(x->w, v));
}

/* <name>s</name> */
static void
el(struct xw *x, const char *name, const char *s)
{
	start(x, name);
	text(x, s);
	end(x);
}

/* <name attr="value">s</name> */
static void
el_attr(struct xw *x, const char *name, const char *a, const char *v,
        const char *s)
{
	start(x, name);
	attr(x, a, v);
	text(x, s);
	end(x);
}

/* <link rel=... type=... href=.../> */
static void
link_el(struct xw *x, const char *name, const char *rel, const char *type,
        const char *href)
{
	start(x, name);
	attr(x, "href", href);
	attr(x, "rel", rel);
	attr(x, "type", type);
	end(x);
}

static int64_t
clamp(int64_t t)
{
	return t < 0 ? 0 : t > TIME_MAX ? TIME_MAX : t;
}

void
xml_date_rfc822(int64_t t, char *out, size_t n)
{
	static const char *const wday[7] = {"Sun", "Mon", "Tue", "Wed",
	                                    "Thu", "Fri", "Sat"};
	static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr",
	                                    "May", "Jun", "Jul", "Aug",
	                                    "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	/* Names from tables, not strftime's %a and %b, which follow the
	 * locale; RFC 822 section 5 wants these English ones. */
	if (time_utc(clamp(t), &tm) == -1) {
		snprintf(out, n, "Thu, 01 Jan 1970 00:00:00 +0000");
		return;
	}
	snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	         wday[tm.tm_wday % 7], tm.tm_mday, mon[tm.tm_mon % 12],
	         tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void
xml_date_rfc3339(int64_t t, char *out, size_t n)
{
	time_format(clamp(t), "%Y-%m-%dT%H:%M:%SZ", out, n);
}

static void
el_rfc822(struct xw *x, const char *name, int64_t t)
{
	char d[64];

	xml_date_rfc822(t, d, sizeof(d));
	el(x, name, d);
}

static void
el_rfc3339(struct xw *x, const char *name, int64_t t)
{
	char d[64];

	xml_date_rfc3339(t, d, sizeof(d));
	el(x, name, d);
}

/*
 * Plain text as HTML.  Readers take an RSS description for HTML, so a
 * plain summary is escaped once for HTML here and once more for XML by
 * the writer; "<script>" in a summary reaches the reader as text.
 */
static const char *
as_html(struct xw *x, const char *s)
{
	buf_reset(&x->html);
	if (html_escape(&x->html, s, strlen(s)) == -1) {
		x->too_big = 1;
		return "";
	}
	return buf_str(&x->html);
}

/* The channel's podcast tags. */
static void
podcast_channel(struct xw *x, const struct xml_podcast *p)
{
	const char *sub;

	if (!empty(p->language))
		el(x, "language", p->language);
	if (!empty(p->image)) {
		start(x, "itunes:image");
		attr(x, "href", p->image);
		end(x);
	}
	if (!empty(p->author))
		el(x, "itunes:author", p->author);
	if (!empty(p->owner_email)) {
		start(x, "itunes:owner");
		if (!empty(p->owner_name))
			el(x, "itunes:name", p->owner_name);
		el(x, "itunes:email", p->owner_email);
		end(x);
	}
	if (!empty(p->category)) {
		/* "News > Politics": a subcategory nests in its category. */
		sub = strstr(p->category, " > ");
		start(x, "itunes:category");
		if (sub == NULL) {
			attr(x, "text", p->category);
		} else {
			char top[64];
			size_t k = (size_t)(sub - p->category);

			snprintf(top, sizeof(top), "%.*s", (int)k, p->category);
			attr(x, "text", top);
			start(x, "itunes:category");
			attr(x, "text", sub + 3);
			end(x);
		}
		end(x);
	}
	el(x, "itunes:explicit", empty(p->explicit_) ? "false" : p->explicit_);
	el(x, "itunes:type", "episodic");
	if (!empty(p->guid))
		el(x, "podcast:guid", p->guid);
	if (!empty(p->locked)) {
		start(x, "podcast:locked");
		if (!empty(p->owner_email))
			attr(x, "owner", p->owner_email);
		text(x, p->locked);
		end(x);
	}
	if (!empty(p->funding_url))
		el_attr(x, "podcast:funding", "url", p->funding_url,
		        empty(p->funding_text) ? "Support the show"
		                               : p->funding_text);
}

/* An item's enclosure and podcast tags. */
static void
podcast_item(struct xw *x, const struct xml_episode *ep)
{
	char n[32];

	start(x, "enclosure");
	attr(x, "url", ep->url);
	snprintf(n, sizeof(n), "%lld", (long long)ep->bytes);
	attr(x, "length", n);
	attr(x, "type", ep->type);
	end(x);
	if (ep->duration_s > 0) {
		snprintf(n, sizeof(n), "%lld", (long long)ep->duration_s);
		el(x, "itunes:duration", n);
	}
	el(x, "itunes:episodeType", "full");
	if (!empty(ep->transcript_url)) {
		start(x, "podcast:transcript");
		attr(x, "url", ep->transcript_url);
		attr(x, "type", ep->transcript_type);
		end(x);
	}
	if (!empty(ep->chapters_url)) {
		start(x, "podcast:chapters");
		attr(x, "url", ep->chapters_url);
		attr(x, "type", "application/json+chapters");
		end(x);
	}
}

/* RSS 2.0 (https://www.rssboard.org/rss-specification), with atom:link
 * rel="self" as the RSS Advisory Board recommends. */
static void
rss(struct xw *x, const struct xml_feed *f, const struct xml_entry *v, size_t n)
{
	start(x, "rss");
	attr(x, "version", "2.0");
	attr(x, "xmlns:atom", NS_ATOM);
	attr(x, "xmlns:content", NS_CONTENT);
	attr(x, "xmlns:dc", NS_DC);
	if (f->podcast != NULL) {
		attr(x, "xmlns:itunes", NS_ITUNES);
		attr(x, "xmlns:podcast", NS_PODCAST);
	}
	start(x, "channel");
	el(x, "title", f->title);
	el(x, "link", f->link);
	/* description is required; the title stands in for an empty one. */
	el(x, "description", empty(f->description) ? f->title : f->description);
	link_el(x, "atom:link", "self", "application/rss+xml", f->self);
	if (f->updated > 0)
		el_rfc822(x, "lastBuildDate", f->updated);
	el(x, "generator", "gazette");
	if (f->podcast != NULL)
		podcast_channel(x, f->podcast);
	else if (!empty(f->language))
		el(x, "language", f->language);
	for (size_t i = 0; i < n && live(x); i++) {
		const struct xml_entry *it = &v[i];

		start(x, "item");
		el(x, "title", it->title);
		el(x, "link", it->link);
		el_attr(x, "guid", "isPermaLink", "false", it->id);
		el_rfc822(x, "pubDate", it->published);
		if (!empty(it->author))
			el(x, "dc:creator", it->author);
		if (!empty(it->category))
			el(x, "category", it->category);
		if (!empty(it->summary))
			el(x, "description", as_html(x, it->summary));
		if (!empty(it->content_html))
			el(x, "content:encoded", it->content_html);
		if (!empty(it->comments))
			el(x, "comments", it->comments);
		if (f->podcast != NULL && it->episode != NULL)
			podcast_item(x, it->episode);
		end(x);
	}
	end(x);
	end(x);
}

/* Atom 1.0 (RFC 4287). */
static void
atom(struct xw *x, const struct xml_feed *f, const struct xml_entry *v,
     size_t n)
{
	start(x, "feed");
	attr(x, "xmlns", NS_ATOM);
	if (!empty(f->language))
		attr(x, "xml:lang", f->language);
	el_attr(x, "title", "type", "text", f->title);
	if (!empty(f->description))
		el_attr(x, "subtitle", "type", "text", f->description);
	link_el(x, "link", "alternate", "text/html", f->link);
	link_el(x, "link", "self", "application/atom+xml", f->self);
	el(x, "id", f->self);
	el_rfc3339(x, "updated", f->updated);
	/* Section 4.1.1: every entry needs an author, its own or the feed's. */
	start(x, "author");
	el(x, "name", empty(f->author) ? f->title : f->author);
	end(x);
	el(x, "generator", "gazette");
	for (size_t i = 0; i < n && live(x); i++) {
		const struct xml_entry *it = &v[i];

		start(x, "entry");
		el_attr(x, "title", "type", "text", it->title);
		link_el(x, "link", "alternate", "text/html", it->link);
		el(x, "id", it->id);
		el_rfc3339(x, "published", it->published);
		el_rfc3339(x, "updated",
		           it->updated > it->published ? it->updated
		                                       : it->published);
		if (!empty(it->author)) {
			start(x, "author");
			el(x, "name", it->author);
			end(x);
		}
		if (!empty(it->category)) {
			start(x, "category");
			attr(x, "term", it->category);
			end(x);
		}
		if (!empty(it->summary))
			el_attr(x, "summary", "type", "text", it->summary);
		if (!empty(it->content_html))
			el_attr(x, "content", "type", "html", it->content_html);
		end(x);
	}
	end(x);
}

int
xml_feed_write(struct buf *out, const struct xml_feed *f,
               const struct xml_entry *v, size_t n, struct error *e)
{
	struct xw x;

	xw_open(&x, out);
	if (f->format == XML_ATOM)
		atom(&x, f, v, n);
	else
		rss(&x, f, v, n);
	return xw_close(&x, e);
}

struct xml_sitemap *
xml_sitemap_begin(struct buf *out, int index)
{
	struct xml_sitemap *sm = xcalloc(1, sizeof(*sm));

	sm->index = index;
	xw_open(&sm->x, out);
	start(&sm->x, index ? "sitemapindex" : "urlset");
	attr(&sm->x, "xmlns", NS_SITEMAP);
	return sm;
}

int
xml_sitemap_add(struct xml_sitemap *sm, const char *loc, int64_t lastmod)
{
	struct xw *x = &sm->x;

	start(x, sm->index ? "sitemap" : "url");
	el(x, "loc", loc);
	if (lastmod > 0)
		el_rfc3339(x, "lastmod", lastmod);
	end(x);
	return live(x) ? 0 : -1;
}

int
xml_sitemap_end(struct xml_sitemap *sm, struct error *e)
{
	int rc;

	end(&sm->x);
	rc = xw_close(&sm->x, e);
	free(sm);
	return rc;
}

/* ---- a streamed document ------------------------------------------------ */

struct xml_doc {
	struct xw x;
	FILE *f;
	int io; /* a write to f failed */
};

static int
file_write(void *ctx, const char *p, int len)
{
	struct xml_doc *d = ctx;

	if (len > 0 && !d->io && fwrite(p, 1, (size_t)len, d->f) != (size_t)len)
		d->io = 1;
	return d->io ? -1 : len;
}

struct xml_doc *
xml_doc_begin(FILE *f)
{
	struct xml_doc *d = xcalloc(1, sizeof(*d));
	xmlOutputBufferPtr ob;

	pthread_once(&init_once, init);
	d->f = f;
	buf_init(&d->x.text, LIM_XML_DOC_TEXT_BYTES);
	buf_init(&d->x.html, 1);
	ob = xmlOutputBufferCreateIO(file_write, out_close, d, NULL);
	if (ob == NULL) {
		d->x.failed = 1;
		return d;
	}
	d->x.w = xmlNewTextWriter(ob);
	if (d->x.w == NULL) {
		xmlOutputBufferClose(ob);
		d->x.failed = 1;
		return d;
	}
	check(&d->x, xmlTextWriterSetIndent(d->x.w, 1));
	check(&d->x, xmlTextWriterSetIndentString(d->x.w, X("\t")));
	check(&d->x, xmlTextWriterStartDocument(d->x.w, "1.0", "UTF-8", NULL));
	return d;
}

void
xml_doc_start(struct xml_doc *d, const char *name)
{
	start(&d->x, name);
}

void
xml_doc_attr(struct xml_doc *d, const char *name, const char *value)
{
	attr(&d->x, name, value);
}

void
xml_doc_close(struct xml_doc *d)
{
	end(&d->x);
}

void
xml_doc_el(struct xml_doc *d, const char *name, const char *s)
{
	el(&d->x, name, s);
}

void
xml_doc_el_int(struct xml_doc *d, const char *name, int64_t v)
{
	char n[24];

	snprintf(n, sizeof(n), "%lld", (long long)v);
	el(&d->x, name, n);
}

static void cdata(struct xw *x, const char *s);

void
xml_doc_cdata(struct xml_doc *d, const char *name, const char *s)
{
	struct xw *x = &d->x;

	if (name != NULL)
		start(x, name);
	if (s != NULL && strchr(s, '\r') != NULL)
		text(x, s);
	else
		cdata(x, s);
	if (name != NULL)
		end(x);
}

static void
cdata(struct xw *x, const char *s)
{
	const char *p, *cut;
	const xmlChar *v;

	if (!live(x))
		return;
	v = clean(x, s);
	p = (const char *)v;
	/* WordPress's wxr_cdata(): "]]>" becomes "]]]]><![CDATA[>" */
	while (live(x) && (cut = strstr(p, "]]>")) != NULL) {
		check(x, xmlTextWriterWriteFormatCDATA(x->w, "%.*s",
		                                       (int)(cut + 2 - p), p));
		p = cut + 2;
	}
	if (live(x) && (*p != '\0' || p == (const char *)v))
		check(x, xmlTextWriterWriteCDATA(x->w, X(p)));
}

int
xml_doc_flush(struct xml_doc *d)
{
	if (live(&d->x) && xmlTextWriterFlush(d->x.w) < 0)
		d->x.failed = 1;
	return live(&d->x) && !d->io ? 0 : -1;
}

int
xml_doc_end(struct xml_doc *d, struct error *e)
{
	struct xw *x = &d->x;
	int rc = 0;

	if (x->w != NULL) {
		if (live(x))
			check(x, xmlTextWriterEndDocument(x->w));
		xmlFreeTextWriter(x->w);
		x->w = NULL;
	}
	if (!d->io && fflush(d->f) == EOF)
		d->io = 1;
	buf_release(&x->text);
	buf_release(&x->html);
	if (d->io)
		rc = error_set(e, ERR_IO, "cannot write the xml output");
	else if (x->too_big)
		rc = error_set(e, ERR_TOO_BIG, "a text over %d bytes",
		               LIM_XML_DOC_TEXT_BYTES);
	else if (x->failed)
		rc = error_set(e, ERR_IO, "xml writer failed");
	free(d);
	return rc;
}
