/*
 * Keyword filters (issue 15: "hide entries whose title matches", the
 * most asked-for feature in Miniflux, FreshRSS and Tiny Tiny RSS): a
 * site's or a feed's rules, one per line.  A line is a word or phrase
 * matched anywhere in the title, ignoring ASCII case and runs of white
 * space; a line starting with '#' is a comment.  Plain substrings, not
 * regular expressions: an editor can write them, and no rule can make
 * the fetcher slow (each title is at most LIM_FEED_TITLE_BYTES).
 */
#include <string.h>

#include "feed.h"
#include "../util/limits.h"
#include "../util/banned.h"

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char
fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Does rule r[0..n) (trimmed, not empty) occur in title t at i? */
static int
match_at(const char *t, const char *r, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (space(r[i])) {
			if (!space(*t))
				return 0;
			while (i < n && space(r[i]))
				i++;
			while (space(*t))
				t++;
			continue;
		}
		if (fold(*t) != fold(r[i]))
			return 0;
		t++;
		i++;
	}
	return 1;
}

int
feed_filter_match(const char *rules, const char *title,
                  char hit[LIM_FEED_FILTER_LINE_BYTES + 1])
{
	const char *line = rules, *end;

	hit[0] = '\0';
	if (rules == NULL || title == NULL)
		return 0;
	for (; line != NULL && *line != '\0'; line = end) {
		const char *p = line, *q;
		size_t n;

		end = strchr(line, '\n');
		q = end != NULL ? end : line + strlen(line);
		if (end != NULL)
			end++;
		while (p < q && space(*p))
			p++;
		while (q > p && space(q[-1]))
			q--;
		n = (size_t)(q - p);
		if (n == 0 || *p == '#' || n > LIM_FEED_FILTER_LINE_BYTES)
			continue;
		for (const char *t = title; *t != '\0'; t++)
			if (match_at(t, p, n)) {
				memcpy(hit, p, n);
				hit[n] = '\0';
				return 1;
			}
	}
	return 0;
}
