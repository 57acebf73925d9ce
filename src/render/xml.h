#ifndef GAZETTE_XML_H
#define GAZETTE_XML_H
/*
 * XML output, always through libxml2's xmlTextWriter: RSS 2.0 and Atom 1.0
 * feeds, and sitemaps (sitemaps.org protocol 0.9: a urlset, or a
 * sitemapindex pointing to several).  Output is appended to a capped
 * struct buf; reaching its cap is ERR_TOO_BIG.
 *
 * Whatever the strings hold, the output parses: text and attribute values
 * are escaped by the writer, and made fit for XML 1.0 on the way (bytes
 * that are not UTF-8 become U+FFFD; characters XML 1.0 forbids, such as
 * the C0 controls other than tab, newline and carriage return, and U+FFFE
 * and U+FFFF, are dropped).  libxml2's writer passes both through as they
 * are, which would make the whole document unreadable.
 *
 * Strings are borrowed for the call only; NULL is the same as "".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../util/buf.h"
#include "../util/error.h"

enum xml_feed_format { XML_RSS, XML_ATOM, XML_FEED_FORMAT__MAX };

/*
 * A podcast's channel tags (RSS only): Apple's itunes namespace
 * (https://help.apple.com/itc/podcasts_connect/#/itcb54353390) and
 * Podcasting 2.0's (https://podcastindex.org/namespace/1.0).  Empty
 * strings leave a tag out; the required ones are the caller's to fill.
 */
struct xml_podcast {
	const char *image;  /* itunes:image href: 1400 to 3000 px */
	const char *author; /* itunes:author */
	const char *owner_name, *owner_email; /* itunes:owner */
	const char *category;                 /* "News" or "News > Politics" */
	const char *explicit_;                /* "true" or "false" */
	const char *language;                 /* RSS language */
	const char *guid;                     /* podcast:guid */
	const char *locked; /* podcast:locked: "yes" or "no" */
	const char *funding_url, *funding_text; /* podcast:funding */
};

/* An episode's enclosure and what goes with it. */
struct xml_episode {
	const char *url, *type; /* absolute URL, MIME type */
	int64_t bytes;          /* enclosure length */
	int64_t duration_s;     /* itunes:duration; 0: left out */
	const char *transcript_url, *transcript_type;
	const char *chapters_url;
};

struct xml_feed {
	enum xml_feed_format format;
	const char *title;
	const char *link; /* absolute URL of the HTML page the feed follows */
	const char *self; /* absolute URL of the feed itself; the Atom id too */
	const char *description; /* RSS description, Atom subtitle */
	const char *author; /* Atom: entries without an author inherit it */
	/* The newest entry's time: RSS lastBuildDate, Atom updated.  0 for
	 * an empty feed: RSS leaves lastBuildDate out, Atom (which requires
	 * updated) says 1970-01-01T00:00:00Z. */
	int64_t updated;
	const struct xml_podcast *podcast; /* NULL: not a podcast */
	/* The site's language (BCP 47): RSS language, Atom xml:lang; NULL
	 * or "": none (a podcast writes its own podcast_language). */
	const char *language;
};

struct xml_entry {
	const char *title;
	const char *link; /* absolute permalink */
	/* A stable identifier (RSS guid with isPermaLink="false", Atom id),
	 * which must not change when the title or permalink does. */
	const char *id;
	const char *author;   /* RSS dc:creator, Atom author/name */
	const char *category; /* RSS category, Atom category/@term */
	/* Plain text: RSS description (escaped as HTML first, since readers
	 * take it for HTML), Atom summary type="text". */
	const char *summary;
	const char *content_html; /* RSS content:encoded, Atom content */
	const char *comments;     /* RSS comments: URL of the comments */
	int64_t published, updated;
	const struct xml_episode *episode; /* in a podcast feed */
};

/* Write a whole feed of v[0..n) into out. */
int xml_feed_write(struct buf *out, const struct xml_feed *f,
                   const struct xml_entry *v, size_t n, struct error *e);

/*
 * A sitemap, one URL at a time (a sitemap holds up to 50,000 of them):
 * begin, add each (lastmod 0: none), then end, which finishes the
 * document, frees sm and reports the first error: ERR_TOO_BIG when out
 * reached its cap, ERR_IO when the writer failed.  After an error,
 * xml_sitemap_add() returns -1 at once, so a caller may stop early; end
 * must be called either way.
 */
struct xml_sitemap;
struct xml_sitemap *xml_sitemap_begin(struct buf *out, int index);
int xml_sitemap_add(struct xml_sitemap *sm, const char *loc, int64_t lastmod);
int xml_sitemap_end(struct xml_sitemap *sm, struct error *e);

/*
 * A document of any size written as it goes to a stdio stream (the
 * WordPress export): elements, attributes, text and CDATA, made fit for
 * XML 1.0 like everything above.  Functions after an error do nothing;
 * xml_doc_end() closes what is open, flushes, frees d and reports the
 * first error (ERR_TOO_BIG for one string over LIM_XML_DOC_TEXT_BYTES,
 * ERR_IO for a write that failed).  Names are written as given, prefix
 * included ("wp:post_id"); the caller declares the namespaces.
 */
struct xml_doc;
struct xml_doc *xml_doc_begin(FILE *f);
void xml_doc_start(struct xml_doc *d, const char *name);
void xml_doc_attr(struct xml_doc *d, const char *name, const char *value);
void xml_doc_close(struct xml_doc *d); /* the element last started */
/* <name>text</name>, text escaped */
void xml_doc_el(struct xml_doc *d, const char *name, const char *text);
/* <name>int</name> */
void xml_doc_el_int(struct xml_doc *d, const char *name, int64_t v);
/*
 * <name><![CDATA[text]]></name>, as WordPress writes its fields.  "]]>"
 * inside text is split across two sections ("]]" ends one, ">" starts
 * the next), so the text reads back exactly.  Text with a carriage
 * return is written escaped instead (&#13;): a parser turns a raw CR, in
 * CDATA too, into a line feed.  A NULL name writes into the element
 * last started.
 */
void xml_doc_cdata(struct xml_doc *d, const char *name, const char *text);
/* Write out what is buffered; -1 once anything failed. */
int xml_doc_flush(struct xml_doc *d);
int xml_doc_end(struct xml_doc *d, struct error *e);

/* "Wed, 27 Apr 2022 14:03:00 +0000": RFC 822 as RSS 2.0 uses it (with a
 * four-digit year, RFC 1123), in English whatever the locale. */
void xml_date_rfc822(int64_t t, char *out, size_t n);
/* "2022-04-27T14:03:00Z": RFC 3339, for Atom and sitemaps. */
void xml_date_rfc3339(int64_t t, char *out, size_t n);

#endif
