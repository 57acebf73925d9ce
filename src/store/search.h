#ifndef GAZETTE_STORE_SEARCH_H
#define GAZETTE_STORE_SEARCH_H
/*
 * Full-text search over posts: the query, the ranked page of hits, and
 * keeping the index in step with bodies (store_search.c, the query
 * language in search_query.h).
 */
#include "posts.h"

/*
 * A search: the reader's words in the language of search_query.h, and
 * filters.  Public searches (admin 0) see published items whose time has
 * come; the admin search (admin 1) sees every status, or only status
 * when it is not -1.  Every type of item is searched.
 */
struct search_query {
	const char *text;
	int64_t now;
	int admin;
	int status;               /* admin only: an enum post_status, or -1 */
	const char *section_slug; /* NULL: any */
	const char *tag_slug;     /* NULL: any */
	const char *author_login; /* NULL: any */
	int64_t from, to;         /* published_at in [from, to); to 0: no end */
	int limit, offset;        /* a page of the ranked results */
};

/* In title_marked and snippet, a match runs from SEARCH_MARK_START to
 * SEARCH_MARK_END; the text is as stored, not escaped. */
#define SEARCH_MARK_START '\x01'
#define SEARCH_MARK_END   '\x02'

struct search_hit {
	struct post post;         /* tags not filled */
	const char *title_marked; /* the title with its matches marked */
	const char *snippet;      /* body text around the matches, marked */
	double score;             /* lower is better: bm25 on SQLite, with
	                           * one positive term over that term's IDF;
	                           * minus ts_rank on PostgreSQL */
};

struct search_result {
	struct search_hit *hits; /* this page */
	size_t n;
	int64_t total; /* matches, counted up to LIM_SEARCH_RESULTS */
	int more;      /* more matched: only the newest of them were ranked */
	int empty;     /* the query has nothing to look for (no search ran) */
	int cut;       /* the query was longer than LIM_SEARCH_QUERY_BYTES */
	int terms_dropped; /* terms past LIM_SEARCH_TERMS, ignored */
};

/*
 * Search, best first (bm25, title above tags, excerpt, author and body;
 * ties newest first).  When more than LIM_SEARCH_RESULTS items match,
 * only the newest LIM_SEARCH_RESULTS are ranked, and pages end there.
 * Never an error for what a reader types.
 */
int store_search(struct store *s, struct arena *a, const struct search_query *q,
                 struct search_result *out, struct error *e);
/* Index post id's body as the text of body_html (store_post_add calls it;
 * so must anything else that changes a body: until then the index holds
 * its source).  An empty body_html changes nothing. */
int store_search_body_set(struct store *s, int64_t id, const char *body_html,
                          struct error *e);
/* Make the whole index again from posts, tags and users, with the
 * stemmer of the language setting; *n posts. */
int store_search_reindex(struct store *s, int64_t *n, struct error *e);

/*
 * The language the index stems for, from a language tag (BCP 47, the
 * language setting): its primary subtag in lower case ("pt-BR" -> "pt"),
 * which libstemmer knows by that ISO 639 code when it has a stemmer for
 * it.  A tag whose primary subtag is not 2 to SEARCH_LANG_BYTES letters
 * (BCP 47's longest), or NULL, gives SEARCH_LANG_DEFAULT.
 */
#define SEARCH_LANG_BYTES   8
#define SEARCH_LANG_DEFAULT "en"
void search_language_of(const char *tag, char out[SEARCH_LANG_BYTES + 1]);
#endif
