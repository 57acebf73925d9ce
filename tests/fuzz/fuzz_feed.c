/*
 * Feeds are XML from anyone (feed/parse.c): RSS, RDF, Atom, and the
 * entity fix-up and encoding choice before libxml2.  The first byte picks
 * the Content-Type charset the body came with; the rest is the body, and
 * its first line is also tried as a date (feed/date.c), and the body as
 * an HTML page announcing feeds (feed/discover.c).  Besides memory
 * errors, the driver traps when an entry's HTML holds "<script", or a
 * title or text is not UTF-8.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "feed/feed.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *s)
{
	if (!utf8_valid(s, strlen(s)))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		NULL,
		"text/xml",
		"application/rss+xml; charset=utf-8",
		"text/xml; charset=iso-8859-1",
		"text/xml; charset=windows-1251",
		"application/xml; charset=bogus",
		"text/xml; charset=utf-16",
	};
	struct arena *a;
	struct feed_doc d;
	struct error e;
	char date[128];
	size_t k;
	int64_t t;

	if (size == 0)
		return 0;
	a = arena_new();
	for (k = 0; k + 1 < size && k < sizeof(date) - 1 && data[k + 1] != '\n';
	     k++)
		date[k] = (char)data[k + 1];
	date[k] = '\0';
	(void)feed_date_parse(date, &t);
	if (feed_parse(a, (const char *)data + 1, size - 1,
	               types[data[0] % (sizeof(types) / sizeof(types[0]))],
	               data[0] & 0x80 ? "https://example.org/feed/" : NULL, &d,
	               &e) == 0) {
		char hit[LIM_FEED_FILTER_LINE_BYTES + 1];

		check(d.title);
		/* the first line as keyword filters over the title */
		(void)feed_filter_match(date, d.title, hit);
		for (size_t i = 0; i < d.n_entries; i++) {
			check(d.entries[i].title);
			check(d.entries[i].text);
			if (strstr(d.entries[i].content_html, "<script") ||
			    strstr(d.entries[i].summary_html, "<script"))
				__builtin_trap();
		}
	}
	/* the same bytes as a page announcing feeds (feed/discover.c) */
	{
		struct feed_link *l;
		size_t n;

		if (feed_discover(a, (const char *)data + 1, size - 1,
		                  "https://example.org/page/", &l, &n) == 0)
			for (size_t i = 0; i < n; i++)
				if (strncmp(l[i].url, "http", 4) != 0)
					__builtin_trap();
	}
	arena_free(a);
	return 0;
}
