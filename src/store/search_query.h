#ifndef GAZETTE_SEARCH_QUERY_H
#define GAZETTE_SEARCH_QUERY_H
/*
 * The search language readers type, turned into an FTS5 MATCH expression
 * (https://sqlite.org/fts5.html section 3).  No reader input can produce
 * an FTS5 syntax error: every word reaches FTS5 inside double quotes (a
 * quote in it doubled), so FTS5 sees only our own operators.
 *
 *   election fraud      both words (AND); the last word is also a prefix
 *                       ("fraud" finds "frauds") when it has at least
 *                       LIM_SEARCH_PREFIX_MIN characters and prefix is set
 *   "exact phrase"      the words next to each other; a quote left open
 *                       runs to the end of the query
 *   -word, -"a phrase"  without it
 *   a OR b              either (binds tighter than the implied AND:
 *                       "x a OR b y" is x AND (a OR b) AND y)
 *
 * Everything else is text: *, :, ^, (, ), +, NEAR, AND, NOT, column names
 * ("title:x" is the phrase "title x").  A word with no letter or digit
 * (FTS5 would see an empty phrase, which matches nothing) is dropped, and
 * so are an OR with no term on one side and terms past LIM_SEARCH_TERMS.
 * Invalid UTF-8 and control characters count as spaces.  Only the first
 * LIM_SEARCH_QUERY_BYTES bytes are read (cut on a character boundary).
 */
#include <stddef.h>

#include "../util/arena.h"
#include "../util/limits.h"

struct search_parse {
	int terms; /* words, phrases and exclusions used */
	/* Each quoted term of the expression as an expression of its own,
	 * in FTS5's phrase order: the positive ones first. */
	const char *phrase[LIM_SEARCH_TERMS];
	int nphrase;
	int dropped;      /* terms past LIM_SEARCH_TERMS, ignored */
	int cut;          /* only the first LIM_SEARCH_QUERY_BYTES were read */
	int positive;     /* terms to look for (not exclusions) */
	int prefixed;     /* the last word was made a prefix */
	const char *last; /* then: that word as an exact FTS5 term, in a */
};

/*
 * The FTS5 expression for q[0..n), in a; "" when the query has nothing to
 * look for (empty, only punctuation, only exclusions).  Without prefix
 * the last word is a word like the others.  info may be NULL.
 */
const char *search_query_fts(struct arena *a, const char *q, size_t n,
                             int prefix, struct search_parse *info);

#endif
