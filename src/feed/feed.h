#ifndef GAZETTE_FEED_H
#define GAZETTE_FEED_H
/*
 * Other sites' feeds, for the headline river (issue 15): parsing RSS
 * 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed into plain structs, their
 * dates, dedup keys and OPML subscription lists.  Fetching is fetch.h,
 * the next fetch time schedule.h.
 *
 * Everything a parse returns lives in the caller's arena: one
 * arena_free() releases a whole feed.  Strings are UTF-8, never NULL
 * ("" when absent), titles and text cut at the LIM_FEED_* limits.
 * content_html is sanitized (render/sanitize.h, SANITIZE_FEED) and safe
 * to print raw; text is its plain-text reduction for the river.
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/error.h"
#include "../util/limits.h"

enum feed_kind {
	FEED_RSS,  /* 0.9x, 2.0 */
	FEED_RDF,  /* RSS 0.90 and 1.0 */
	FEED_ATOM, /* 0.3 and 1.0 */
	FEED_JSON, /* JSON Feed 1.0 and 1.1 */
	FEED_KIND__MAX
};

struct feed_entry {
	const char *guid;         /* as written: id, guid; "" when none */
	const char *link;         /* absolute http(s), or "" */
	const char *title;        /* plain text */
	const char *content_html; /* sanitized: content, else summary */
	const char *summary_html; /* sanitized summary/description, or "" */
	const char *text;         /* plain text of content_html, cut */
	const char *author;       /* name, else e-mail */
	int64_t published; /* Unix seconds; 0 when absent or unreadable */
	int64_t updated;
	const char *enclosure_url, *enclosure_type;
	int64_t enclosure_length;
	char key[17];       /* per-feed dedup key, feed_entry_key() */
	char cross_key[17]; /* cross-feed key of link, feed_link_key(); "" */
};

struct feed_doc {
	enum feed_kind kind;
	const char *version; /* feedparser's names: rss20, rss10, atom10, ... */
	const char *title, *link, *description;
	int ttl_minutes;      /* RSS <ttl>; 0 when absent */
	const char *encoding; /* what the body was read as, lower case */
	int recovered; /* not well-formed: read with libxml2's recovery */
	struct feed_entry *entries;
	size_t n_entries;
	int truncated; /* more than LIM_FEED_ENTRIES entries */
};

/*
 * Parse body[0..n) as a feed of any kind: JSON when it starts with '{',
 * else XML.  content_type (the HTTP header, or NULL) gives the charset,
 * which wins over the XML declaration except for UTF-8 labelled as a
 * Latin one; base_url (the feed's URL, or NULL) resolves relative links,
 * under any xml:base.  No network and no entity file is ever read.
 * 0, or -1 with ERR_INVALID (not a feed), ERR_TOO_BIG (past LIM_FEED_BYTES
 * or LIM_FEED_DEPTH).
 */
int feed_parse(struct arena *a, const char *body, size_t n,
               const char *content_type, const char *base_url,
               struct feed_doc *out, struct error *e);

/* JSON Feed 1.0/1.1 only (feed_parse calls it). */
int feed_parse_json(struct arena *a, const char *body, size_t n,
                    const char *base_url, struct feed_doc *out,
                    struct error *e);

/*
 * Dates: every form feeds use (RFC 822 and its misspellings, W3C-DTF,
 * ISO 8601 short forms, asctime, MSSQL, and a few localized ones).
 * 0 with *out Unix seconds (UTC), or -1.  feed_date_parse tries them all;
 * the others are one family each, as feedparser names them.
 */
int feed_date_parse(const char *s, int64_t *out);
int feed_date_rfc822(const char *s, int64_t *out);
int feed_date_w3dtf(const char *s, int64_t *out);
int feed_date_iso8601(const char *s, int64_t *out);
int feed_date_asctime(const char *s, int64_t *out);
int feed_date_perforce(const char *s, int64_t *out);
int feed_date_greek(const char *s, int64_t *out);
int feed_date_hungarian(const char *s, int64_t *out);
int feed_date_korean(const char *s, int64_t *out); /* nate, onblog */

/*
 * Dedup keys, 16 hex digits of a 64-bit hash into out[17].  An entry's
 * key hashes its GUID, else its link, else title and content (the field
 * it came from is part of the hash, so a title cannot equal a GUID).  The
 * cross-feed key hashes a link with its fragment and utm_* query
 * parameters removed and its scheme and host lower-cased; "" when the
 * link is not an absolute http(s) URL.
 */
void feed_entry_key(const struct feed_entry *en, char out[17]);
void feed_link_key(const char *link, char out[17]);

/* A feed an HTML page announces (<link rel="alternate" type=...>). */
struct feed_link {
	const char *url; /* absolute http(s) */
	const char *title;
	enum feed_kind kind;
};

/*
 * Autodiscovery: the feeds html[0..n) (a page fetched from page_url)
 * links to, in document order, duplicates dropped, at most
 * LIM_FEED_DISCOVERED; *out in a.  0, or -1 when gumbo fails.
 */
int feed_discover(struct arena *a, const char *html, size_t n,
                  const char *page_url, struct feed_link **out, size_t *n_out);

/*
 * Keyword filters: 1 when a rule of rules (one per line: a word or
 * phrase, ASCII case and runs of white space ignored, '#' a comment, a
 * line over LIM_FEED_FILTER_LINE_BYTES ignored) occurs in title, the
 * first such rule then in hit; 0 when none does (the entry is shown).
 */
int feed_filter_match(const char *rules, const char *title,
                      char hit[LIM_FEED_FILTER_LINE_BYTES + 1]);

/* One subscription of an OPML file. */
struct opml_feed {
	const char *url;   /* xmlUrl */
	const char *title; /* title, else text */
	const char *site;  /* htmlUrl, or "" */
	const char
		*folder; /* enclosing outlines' titles joined by "/", or "" */
};

/*
 * Read an OPML file (any version; Miniflux's and FreshRSS's exports
 * included): outlines with an xmlUrl are feeds, outlines around them
 * folders.  At most LIM_OPML_OUTLINES.  *out in a.  0, or -1 with
 * ERR_INVALID.
 */
int opml_parse(struct arena *a, const char *body, size_t n,
               struct opml_feed **out, size_t *n_out, struct error *e);

struct buf;
/* Write feeds as OPML 2.0, a folder as an outline around its feeds.
 * 0; -1 past out's cap. */
int opml_write(struct buf *out, const char *title,
               const struct opml_feed *feeds, size_t n)
	__attribute__((warn_unused_result));

#endif
