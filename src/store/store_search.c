/*
 * store.h on SQLite: full-text search over posts_fts (migration 005).
 * The triggers of that migration keep the index in step with posts, tags
 * and users; this file reads it, sets a post's body text from its HTML,
 * and rebuilds it all for `gazette search reindex`.
 *
 * Ranking: bm25 with the title weighted far above the body.  A query
 * matching more than LIM_SEARCH_RESULTS items ranks only the newest of
 * them (by id, the order FTS5 keeps its lists in, so it can stop early):
 * scoring every post that holds a common word would cost milliseconds per
 * thousand posts, and readers of a news site want the recent ones.
 *
 * The ranking and the snippets are this file's own FTS5 functions,
 * search_rank() and search_snippet(): bm25() and snippet() with what they
 * did in vain left out (docs/ARCHITECTURE.md, "Search speed").
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "search.h"
#include "search_query.h"
#include "../util/alloc.h"
#include "../util/buf.h"
#include "../util/html_text.h"
#include "../util/limits.h"
#include "../util/banned.h"

/* bm25 (search_rank, below; ?13 whether the terms' IDFs are needed, ?14
 * where to record the matches) with the weights of title, body, excerpt,
 * tags and author. */
#define RANK "search_rank(posts_fts, ?13, ?14, 10.0, 1.0, 2.0, 5.0, 2.0)"

#define SEARCH_WHERE                                                           \
	"WHERE posts_fts MATCH ?1 "                                            \
	"AND (?2 OR (p.status = 'published' AND p.published_at <= ?3 "         \
	"AND p.id NOT IN (SELECT id FROM posts WHERE password != ''))) "       \
	"AND (?4 IS NULL OR p.status = ?4) "                                   \
	"AND (?5 IS NULL OR p.section_id = "                                   \
	"(SELECT id FROM sections WHERE slug = ?5)) "                          \
	"AND (?6 IS NULL OR EXISTS (SELECT 1 FROM post_tags pt "               \
	"WHERE pt.post_id = p.id AND pt.tag_id = "                             \
	"(SELECT id FROM tags WHERE slug = ?6))) "                             \
	"AND (?7 IS NULL OR p.author_id = "                                    \
	"(SELECT id FROM users WHERE login = ?7)) "                            \
	"AND p.published_at >= ?8 AND p.published_at < ?9 "

/*
 * The newest ?10 matches (CROSS JOIN keeps posts_fts the outer loop, so
 * FTS5 walks its lists newest first and stops at the limit; bm25 is
 * computed only for those rows), then one page of them by score, and only
 * then the posts of that page.  The filters and the sort read the covering
 * index posts_search, never the post rows, whose bodies span overflow
 * pages: reading them for every match cost 5x on 100,000 posts.
 */
static const char SQL_SEARCH[] =
	"WITH m AS (SELECT posts_fts.rowid AS id, " RANK " AS score, "
	"p.published_at AS t "
	"FROM posts_fts CROSS JOIN posts p INDEXED BY posts_search "
	"ON p.id = posts_fts.rowid " SEARCH_WHERE
	"ORDER BY posts_fts.rowid DESC LIMIT ?10), "
	"pg AS (SELECT id, score, t, (SELECT count(*) FROM m) AS n FROM m "
	"ORDER BY score, t DESC, id DESC LIMIT ?11 OFFSET ?12) "
	"SELECT " POST_FIELDS_NO_BODY ", pg.score, pg.n "
	"FROM pg CROSS JOIN posts p ON p.id = pg.id "
	"LEFT JOIN sections s ON s.id = p.section_id "
	"LEFT JOIN users u ON u.id = p.author_id "
	"ORDER BY pg.score, pg.t DESC, pg.id DESC";

/* Posts holding the phrase ?1 (a query of one phrase), counted up to ?2. */
static const char SQL_TERM_DOCS[] =
	"SELECT count(*) FROM (SELECT 1 FROM posts_fts "
	"WHERE posts_fts MATCH ?1 LIMIT ?2)";

/*
 * The index's structure record (FTS5 keeps it in its data table at id 10,
 * FTS5_STRUCTURE_ROWID): every committed change to the index writes a new
 * segment or merges some, and rewrites it, so the same record means the
 * same index.  The cache of term counts below is kept per record.
 */
static const char SQL_INDEX_VERSION[] =
	"SELECT block FROM posts_fts_data WHERE id = 10";

/*
 * The title with its matches marked and a snippet of the body, for the
 * rows of the page only (?1, a JSON array of their ids), each looked up by
 * id, from the matches the ranking recorded (?2, search_rank's insts).
 * Finding them again with MATCH made FTS5 walk the query's lists a second
 * time; one statement per row made it seek every list for each row.
 */
static const char SQL_SNIPPETS[] =
	"SELECT posts_fts.rowid, "
	"search_highlight(posts_fts, 0, char(1), char(2), ?2, "
	"posts_fts.rowid), "
	"search_snippet(posts_fts, 1, char(1), char(2), '…', ?3, ?2, "
	"posts_fts.rowid) "
	"FROM json_each(?1) AS j CROSS JOIN posts_fts "
	"ON posts_fts.rowid = j.value";

const struct store_stmt search_reader_stmts[] = {
	{"search", SQL_SEARCH,
         "the newest LIM_SEARCH_RESULTS matches at most are ranked, counted "
         "and sorted; a tag is one lookup per match; the ids of protected "
         "posts (posts_protected) are read once"},
	{"search_term_docs", SQL_TERM_DOCS, NULL},
	{"search_index_version", SQL_INDEX_VERSION, NULL},
	{"search_snippets", SQL_SNIPPETS, NULL},
	{NULL, NULL, NULL},
};

static const char SQL_BODY_SET[] =
	"UPDATE posts_fts SET body = ?2 WHERE rowid = ?1";

static const char SQL_REINDEX_CLEAR[] = "DELETE FROM posts_fts";
static const char SQL_REINDEX_POSTS[] =
	"SELECT " SEARCH_SOURCE_COLS "FROM posts p ORDER BY p.id";
static const char SQL_REINDEX_ADD[] =
	"INSERT INTO posts_fts(rowid, title, body, excerpt, tags, author) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_OPTIMIZE[] =
	"INSERT INTO posts_fts(posts_fts) VALUES ('optimize')";

/* ---- snippets ---------------------------------------------------------- */

/*
 * search_snippet(posts_fts, col, open, close, ellipsis, tokens): what
 * FTS5's snippet() returns for the same arguments, in a quarter of the
 * time.  snippet() tokenizes the whole column twice for each row, once to
 * find where sentences start and once to copy the chosen window out; on
 * an 800-word body that was 20 us a row, most of what a page of results
 * cost once everything else was cut.  This reads the column once, and
 * only as far as the window can reach: the last match in it plus the
 * window's length.  The choice of window is snippet()'s: for each match,
 * the window centred on the matches it holds, and the one from the start
 * of the sentence before it (a sentence starts after "." or ":" and white
 * space), each scored 1000 per phrase it holds and 1 per repeat, a
 * sentence start adding 100 (120 at the very start); the first best wins.
 * Matches that overlap are marked as one.  The unit tests hold it to
 * snippet()'s output.  tokens must be 2 or more.
 */
struct snip_tok {
	int start, end; /* bytes of the token in the column text */
};

struct snip_inst {
	int phrase, col, pos, size; /* xInst, and the phrase's tokens */
};

struct snip_scan {
	const char *text;
	struct snip_tok *toks;
	int n, cap, stop;
	int *firsts; /* tokens that start a sentence, ascending */
	int nfirst, capfirst;
};

static int
snip_token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct snip_scan *sc = ctx;
	int first = sc->n == 0;

	(void)tok;
	(void)ntok;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (!first) {
		int i = start - 1;

		while (i >= 0 && (sc->text[i] == ' ' || sc->text[i] == '\t' ||
		                  sc->text[i] == '\n' || sc->text[i] == '\r'))
			i--;
		first = i != start - 1 && i >= 0 &&
		        (sc->text[i] == '.' || sc->text[i] == ':');
	}
	if (first) {
		if (sc->nfirst == sc->capfirst) {
			sc->capfirst = sc->capfirst ? 2 * sc->capfirst : 64;
			sc->firsts = xrealloc(sc->firsts, (size_t)sc->capfirst *
			                                          sizeof(int));
		}
		sc->firsts[sc->nfirst++] = sc->n;
	}
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? 2 * sc->cap : 256;
		sc->toks =
			xrealloc(sc->toks, (size_t)sc->cap * sizeof(*sc->toks));
	}
	sc->toks[sc->n].start = start;
	sc->toks[sc->n].end = end;
	/* Enough read: the rest cannot be in the window. */
	return ++sc->n >= sc->stop ? SQLITE_DONE : SQLITE_OK;
}

/* snippet()'s score of the window of ntok tokens from pos in column col;
 * with adj, also where to start it so that its matches sit in the middle. */
static int
snip_score(const struct snip_inst *in, int ninst, int col, int pos, int ntok,
           int docsize, unsigned char *seen, int nphrase, int *adj)
{
	int score = 0, first = -1, last = 0;

	memset(seen, 0, (size_t)nphrase);
	for (int i = 0; i < ninst; i++) {
		if (in[i].col != col || in[i].pos < pos ||
		    (int64_t)in[i].pos >= (int64_t)pos + ntok)
			continue;
		score += seen[in[i].phrase] ? 1 : 1000;
		seen[in[i].phrase] = 1;
		if (first < 0)
			first = in[i].pos;
		last = in[i].pos + in[i].size;
	}
	if (adj != NULL) {
		int64_t a = first - (ntok - (last - first)) / 2;

		if (a + ntok > docsize)
			a = docsize - ntok;
		*adj = a < 0 ? 0 : (int)a;
	}
	return score;
}

/*
 * The next match in column col from instance *k on, as its first and last
 * token: instances that overlap (share a token) make one match, as
 * highlight() marks them.  -1 and -1 after the last.
 */
static void
snip_match(const struct snip_inst *in, int ninst, int col, int *k, int *start,
           int *end)
{
	*start = *end = -1;
	for (; *k < ninst; (*k)++) {
		int last = in[*k].pos + in[*k].size - 1;

		if (in[*k].col != col)
			continue;
		if (*start < 0) {
			*start = in[*k].pos;
			*end = last;
		} else if (in[*k].pos <= *end) {
			*end = last > *end ? last : *end;
		} else {
			break;
		}
	}
}

static void
snip_add(sqlite3_str *out, const char *p, int64_t n)
{
	if (n > 0)
		sqlite3_str_append(out, p, (int)n);
}

/*
 * The matches a ranking saw (search_rank's third argument): for each row
 * it scored, the instances in the title and the body, with each phrase's
 * size.  search_snippet() and search_highlight() take them back for the
 * page's rows on a cursor that looks the rows up by id, so that FTS5 need
 * not walk the query's lists a second time to find them again: that walk
 * was a fifth of a three-word search.
 */
struct search_insts {
	struct insts_row {
		int64_t rowid;
		int first, n; /* in[first..first+n) */
	} * rows;
	int nrows, caprows;
	struct snip_inst *in;
	int nin, capin;
	int nphrase;
};

struct search_insts *
search_insts_new(void)
{
	return xcalloc(1, sizeof(struct search_insts));
}

void
search_insts_free(struct search_insts *si)
{
	if (si == NULL)
		return;
	free(si->rows);
	free(si->in);
	free(si);
}

static void
insts_reset(struct search_insts *si)
{
	si->nrows = si->nin = 0;
}

/*
 * The current row's instances (of a MATCH cursor) in columns up to maxcol,
 * with their phrases' sizes, into in[] (room for ninst, xInstCount's
 * count); how many in *n.
 */
static int
insts_read(const Fts5ExtensionApi *api, Fts5Context *fts, int ninst, int maxcol,
           struct snip_inst *in, int *n)
{
	int rc = SQLITE_OK;

	*n = 0;
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		struct snip_inst *t = &in[*n];

		rc = api->xInst(fts, i, &t->phrase, &t->col, &t->pos);
		if (rc == SQLITE_OK && t->col <= maxcol) {
			t->size = api->xPhraseSize(fts, t->phrase);
			(*n)++;
		}
	}
	return rc;
}

/* Record the current row's instances in columns up to maxcol.  (A row
 * scored twice is recorded twice; insts_of() finds the first.) */
static int
insts_add(struct search_insts *si, const Fts5ExtensionApi *api,
          Fts5Context *fts, int maxcol)
{
	int ninst = 0, rc;
	struct insts_row *r;

	rc = api->xInstCount(fts, &ninst);
	if (rc != SQLITE_OK)
		return rc;
	if (si->nrows == si->caprows) {
		si->caprows = si->caprows ? 2 * si->caprows : 256;
		si->rows = xrealloc(si->rows,
		                    (size_t)si->caprows * sizeof(*si->rows));
	}
	if (si->nin + ninst > si->capin) {
		while (si->nin + ninst > si->capin)
			si->capin = si->capin ? 2 * si->capin : 1024;
		si->in = xrealloc(si->in, (size_t)si->capin * sizeof(*si->in));
	}
	si->nphrase = api->xPhraseCount(fts);
	r = &si->rows[si->nrows++];
	r->rowid = api->xRowid(fts);
	r->first = si->nin;
	rc = insts_read(api, fts, ninst, maxcol, si->in + si->nin, &r->n);
	si->nin += r->n;
	return rc;
}

static const struct insts_row *
insts_of(const struct search_insts *si, int64_t rowid)
{
	for (int i = 0; i < si->nrows; i++)
		if (si->rows[i].rowid == rowid)
			return &si->rows[i];
	return NULL;
}

/*
 * Column col with its matches marked: the window of ntok tokens that
 * snippet() would choose, with ellipses where it cuts, or with ntok 0 the
 * whole column as highlight() gives it.  in[0..ninst) are the row's
 * instances in column order (as xInst lists them).
 */
static int
snip_build(const Fts5ExtensionApi *api, Fts5Context *fts,
           const struct snip_inst *in, int ninst, int nphrase, int col,
           const char *open, const char *close, const char *ellipsis, int ntok,
           sqlite3_context *ctx)
{
	struct snip_scan sc = {0};
	unsigned char *seen = xcalloc((size_t)nphrase + 1, 1);
	const char *text = NULL;
	int ntext = 0, docsize = 0, maxpos = 0, best = 0, best_start = 0;
	int rc, s, e, k = 0, it_start = -1, it_end = -1, off = 0;
	sqlite3_str *out;

	for (int i = 0; i < ninst; i++)
		if (in[i].col == col && in[i].pos > maxpos)
			maxpos = in[i].pos;
	rc = api->xColumnText(fts, col, &text, &ntext);
	if (rc != SQLITE_OK || text == NULL)
		goto out;
	sc.text = text;
	/* One token past the farthest window: the column's size in tokens
	 * is then either what was read, or more than any window reaches,
	 * which is all the choice below needs of it. */
	sc.stop = ntok == 0 || maxpos > INT_MAX - ntok - 1 ? INT_MAX
	                                                   : maxpos + ntok + 1;
	rc = api->xTokenize(fts, text, ntext, &sc, snip_token);
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	if (rc != SQLITE_OK)
		goto out;
	docsize = sc.n;
	for (int i = 0; ntok > 0 && i < ninst; i++) {
		int adj, score, io = in[i].pos, jj;

		if (in[i].col != col)
			continue;
		if (io > docsize) {
			rc = SQLITE_CORRUPT_VTAB;
			goto out;
		}
		score = snip_score(in, ninst, col, io, ntok, docsize, seen,
		                   nphrase, &adj);
		if (score > best) {
			best = score;
			best_start = adj;
		}
		if (sc.nfirst == 0 || docsize <= ntok)
			continue;
		for (jj = 0; jj < sc.nfirst - 1; jj++)
			if (sc.firsts[jj + 1] > io)
				break;
		if (sc.firsts[jj] >= io)
			continue;
		score = snip_score(in, ninst, col, sc.firsts[jj], ntok, docsize,
		                   seen, nphrase, NULL) +
		        (sc.firsts[jj] == 0 ? 120 : 100);
		if (score > best) {
			best = score;
			best_start = sc.firsts[jj];
		}
	}
	/* The window's tokens, with the matches (overlapping ones merged)
	 * marked, as snippet()'s highlighting copies them. */
	s = best_start;
	e = ntok > 0 ? s + ntok - 1 : docsize - 1;
	out = sqlite3_str_new(sqlite3_context_db_handle(ctx));
	if (s > 0)
		sqlite3_str_appendall(out, ellipsis);
	/* The first (merged) match at or after the window's start. */
	do
		snip_match(in, ninst, col, &k, &it_start, &it_end);
	while (it_start >= 0 && it_start < s);
	for (int pos = s; pos <= e && pos < sc.n; pos++) {
		const struct snip_tok *t = &sc.toks[pos];

		if (s > 0 && pos == s)
			off = t->start;
		if (pos == it_start) {
			snip_add(out, text + off, t->start - off);
			sqlite3_str_appendall(out, open);
			off = t->start;
		}
		if (pos == it_end) {
			if (it_start < s)
				sqlite3_str_appendall(out, open);
			snip_add(out, text + off, t->end - off);
			sqlite3_str_appendall(out, close);
			off = t->end;
			snip_match(in, ninst, col, &k, &it_start, &it_end);
		}
		if (pos == e) {
			snip_add(out, text + off, t->end - off);
			off = t->end;
			if (pos >= it_start && pos < it_end)
				sqlite3_str_appendall(out, close);
		}
	}
	if (e >= docsize - 1)
		snip_add(out, text + off, ntext - off);
	else
		sqlite3_str_appendall(out, ellipsis);
	rc = sqlite3_str_errcode(out);
	if (rc == SQLITE_OK) {
		int n = sqlite3_str_length(out);

		sqlite3_result_text(ctx, sqlite3_str_finish(out), n,
		                    sqlite3_free);
	} else {
		sqlite3_free(sqlite3_str_finish(out));
	}
out:
	free(sc.toks);
	free(sc.firsts);
	free(seen);
	return rc;
}

/* The row's instances: from the ranking's record (si) of row rowid when
 * given, else from FTS5 (a cursor of a MATCH) into *owned, to be freed. */
static int
snip_insts(const Fts5ExtensionApi *api, Fts5Context *fts,
           const struct search_insts *si, int64_t rowid,
           const struct snip_inst **in, struct snip_inst **owned, int *ninst,
           int *nphrase)
{
	int n = 0, rc;

	*in = *owned = NULL;
	*ninst = 0;
	if (si != NULL) {
		const struct insts_row *r = insts_of(si, rowid);

		*nphrase = si->nphrase;
		if (r != NULL) {
			*in = si->in + r->first;
			*ninst = r->n;
		}
		return SQLITE_OK;
	}
	*nphrase = api->xPhraseCount(fts);
	rc = api->xInstCount(fts, &n);
	if (rc != SQLITE_OK || n <= 0)
		return rc;
	*in = *owned = xcalloc((size_t)n, sizeof(**owned));
	return insts_read(api, fts, n, INT_MAX, *owned, ninst);
}

/*
 * search_snippet(posts_fts, col, open, close, ellipsis, tokens
 * [, insts, rowid]) and search_highlight(posts_fts, col, open, close
 * [, insts, rowid]): snippet() and highlight(), from the ranking's record
 * of the row's matches when insts (a pointer bound as SEARCH_INSTS_TYPE) is
 * given.  Then the cursor need not be one of a MATCH (which is the point),
 * and FTS5 (3.40) cannot tell the row's id or size to a function on any
 * other: the id comes as an argument, the size from tokenizing.
 */
static void
snip_sql(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
         int nval, sqlite3_value **val, int highlight)
{
	int nargs = highlight ? 3 : 5, col, ntok, ninst = 0, nphrase = 0, rc;
	const char *open, *close, *ellipsis;
	const struct search_insts *si = NULL;
	const struct snip_inst *in = NULL;
	struct snip_inst *owned = NULL;

	int64_t rowid = 0;

	if (nval != nargs && nval != nargs + 2) {
		sqlite3_result_error(ctx,
		                     highlight ? "search_highlight takes 4 or "
		                                 "6 arguments"
		                               : "search_snippet takes 6 or 8 "
		                                 "arguments",
		                     -1);
		return;
	}
	col = sqlite3_value_int(val[0]);
	open = (const char *)sqlite3_value_text(val[1]);
	close = (const char *)sqlite3_value_text(val[2]);
	ellipsis = highlight ? "" : (const char *)sqlite3_value_text(val[3]);
	ntok = highlight ? 0 : sqlite3_value_int(val[4]);
	if (nval == nargs + 2) {
		si = sqlite3_value_pointer(val[nargs], SEARCH_INSTS_TYPE);
		rowid = sqlite3_value_int64(val[nargs + 1]);
	}
	open = open ? open : "";
	close = close ? close : "";
	ellipsis = ellipsis ? ellipsis : "";
	/* One token would be snippet()'s quirk: a window ending at token 0
	 * means the whole column to it. */
	if (col < 0 || (!highlight && ntok < 2)) {
		sqlite3_result_error_code(ctx, SQLITE_MISUSE);
		return;
	}
	rc = snip_insts(api, fts, si, rowid, &in, &owned, &ninst, &nphrase);
	if (rc == SQLITE_OK)
		rc = snip_build(api, fts, in, ninst, nphrase, col, open, close,
		                ellipsis, ntok, ctx);
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(ctx, rc);
	free(owned);
}

static void
search_snippet(const Fts5ExtensionApi *api, Fts5Context *fts,
               sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	snip_sql(api, fts, ctx, nval, val, 0);
}

static void
search_highlight(const Fts5ExtensionApi *api, Fts5Context *fts,
                 sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	snip_sql(api, fts, ctx, nval, val, 1);
}

/* ---- term counts ------------------------------------------------------- */

/*
 * How many posts hold a phrase: what bm25 weighs a query's terms by, and
 * what decides whether the last word is also a prefix (store_search).
 * Counting walks the phrase's whole list: 0.1 ms for a word in 2% of
 * 100,000 posts, and a three-word query counted three.  The counts change
 * only when the index does, which on a news site is when a post is saved
 * (views and comments never touch it), so they are kept per index version
 * (SQL_INDEX_VERSION) in an open-addressed table of LIM_SEARCH_TERM_CACHE
 * slots, emptied when half full or when the index changes.  A count
 * walked only up to a limit is kept as such (exact = 0) unless it came
 * out under it.
 */
struct term_count {
	char *phrase; /* NULL: a free slot */
	int64_t docs;
	int exact;
};

struct search_cache {
	pthread_mutex_t lock;
	unsigned char *version; /* the structure record the counts are of */
	size_t version_len;
	struct term_count slots[LIM_SEARCH_TERM_CACHE];
	size_t used;
};

struct search_cache *
search_cache_new(void)
{
	struct search_cache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void
cache_empty(struct search_cache *c)
{
	for (size_t i = 0; i < LIM_SEARCH_TERM_CACHE; i++) {
		free(c->slots[i].phrase);
		c->slots[i].phrase = NULL;
	}
	c->used = 0;
}

void
search_cache_free(struct search_cache *c)
{
	if (c == NULL)
		return;
	cache_empty(c);
	free(c->version);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static size_t
cache_slot(const struct search_cache *c, const char *phrase)
{
	uint64_t h = 14695981039346656037u;
	size_t i;

	for (const char *p = phrase; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	for (i = h % LIM_SEARCH_TERM_CACHE;
	     c->slots[i].phrase != NULL && strcmp(c->slots[i].phrase, phrase);
	     i = (i + 1) % LIM_SEARCH_TERM_CACHE)
		;
	return i;
}

/* Under c->lock: the cache made the one of this version. */
static void
cache_version(struct search_cache *c, const unsigned char *v, size_t n)
{
	if (c->version != NULL && c->version_len == n &&
	    memcmp(c->version, v, n) == 0)
		return;
	cache_empty(c);
	free(c->version);
	c->version = xmalloc(n + 1);
	memcpy(c->version, v, n);
	c->version_len = n;
}

/*
 * The posts holding phrase, on c's snapshot of version v: exactly, or,
 * with cap > 0, up to cap (then *docs >= cap means "cap or more").  With
 * v NULL (the writer's snapshot, which may hold what it has not
 * committed) the cache is left alone.
 */
static int
phrase_docs(struct store *s, struct conn *c, const unsigned char *v, size_t vn,
            const char *phrase, int64_t cap, int64_t *docs, struct error *e)
{
	struct search_cache *k = s->search_cache;
	sqlite3_stmt *st;
	struct term_count *t;
	int step, hit = 0;

	if (v != NULL) {
		pthread_mutex_lock(&k->lock);
		cache_version(k, v, vn);
		t = &k->slots[cache_slot(k, phrase)];
		if (t->phrase != NULL && (t->exact || cap > 0)) {
			*docs = t->docs;
			hit = 1;
		}
		pthread_mutex_unlock(&k->lock);
	}
	if (hit)
		return 0;
	st = conn_stmt(c, SQL_TERM_DOCS, e);
	if (st == NULL)
		return -1;
	bind_text(st, 1, phrase);
	sqlite3_bind_int64(st, 2, cap > 0 ? cap : INT64_MAX);
	step = sqlite3_step(st);
	*docs = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	stmt_done(st);
	if (step != SQLITE_ROW)
		return db_error(e, c->db, "search");
	if (v == NULL)
		return 0;
	pthread_mutex_lock(&k->lock);
	/* Only if the cache is still of this version (another search may
	 * have seen a newer index meanwhile). */
	if (k->version_len == vn && memcmp(k->version, v, vn) == 0) {
		if (k->used >= LIM_SEARCH_TERM_CACHE / 2)
			cache_empty(k);
		t = &k->slots[cache_slot(k, phrase)];
		if (t->phrase == NULL) {
			t->phrase = xstrdup(phrase);
			k->used++;
		}
		t->docs = *docs;
		t->exact = cap <= 0 || *docs < cap;
	}
	pthread_mutex_unlock(&k->lock);
	return 0;
}

/* The index's version on c's snapshot into *v (in a), or NULL when it has
 * none; -1 on an error. */
static int
index_version(struct conn *c, struct arena *a, const unsigned char **v,
              size_t *n, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, SQL_INDEX_VERSION, e);
	int step;

	*v = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		unsigned char *copy;

		*n = (size_t)sqlite3_column_bytes(st, 0);
		copy = arena_alloc(a, *n + 1);
		if (*n > 0)
			memcpy(copy, sqlite3_column_blob(st, 0), *n);
		*v = copy;
	}
	stmt_done(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(e, c->db, "search");
	return 0;
}

/* ---- ranking ----------------------------------------------------------- */

/*
 * search_rank(posts_fts, idf, insts, weight...): FTS5's bm25() (k1 1.2,
 * b 0.75, column i weighted by the i-th weight, 1 past the last), which
 * also records each row's matches in insts (search_insts) unless it is
 * NULL, except that
 * with idf 0 every phrase's inverse document frequency is taken as 1.
 * bm25() finds those frequencies by counting the rows that hold each
 * phrase, its whole list, before it scores the first row: 0.1 ms for a
 * word in 2% of 100,000 posts, 1.5 ms at 30%, 5 ms for a word in every
 * post.  A query with one positive term (a word, a prefix or a phrase; any
 * exclusions never occur in a matching row) ranks the same without it:
 * one frequency multiplies every score alike.  With more terms they weigh
 * the terms against each other, so idf 1 counts them, as bm25() does, but
 * only once a matching row holds the phrase (never for an exclusion): the
 * scores are then bm25()'s to the bit.  idf may also be a blob of one
 * int64 per phrase: the number of rows holding it, counted beforehand
 * (phrase_docs), or -1 to count it here.
 */
struct rank_data {
	int nphrase;
	double avgdl;
	double *idf;  /* < 0: not counted yet */
	double *freq; /* this row's weighted count of each phrase */
};

/* bm25()'s inverse document frequency of a phrase in hits of rows. */
static double
rank_idf(sqlite3_int64 rows, sqlite3_int64 hits)
{
	double idf =
		log(((double)rows - (double)hits + 0.5) / ((double)hits + 0.5));

	return idf <= 0.0 ? 1e-6 : idf;
}

static int
rank_count(const Fts5ExtensionApi *api, Fts5Context *fts, void *arg)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)arg)++;
	return SQLITE_OK;
}

static void
search_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
            int nval, sqlite3_value **val)
{
	const double k1 = 1.2, b = 0.75;
	struct rank_data *d = api->xGetAuxdata(fts, 0);
	int rc = SQLITE_OK, ninst = 0, ntok = 0, use_idf;
	double score = 0.0;

	struct search_insts *si;

	if (nval < 2) {
		sqlite3_result_error(ctx, "search_rank takes idf and insts",
		                     -1);
		return;
	}
	si = sqlite3_value_pointer(val[1], SEARCH_INSTS_TYPE);
	use_idf = sqlite3_value_type(val[0]) == SQLITE_BLOB ||
	          sqlite3_value_int(val[0]) != 0;
	if (d == NULL) {
		sqlite3_int64 rows = 0, tokens = 0;
		int n = api->xPhraseCount(fts);
		const unsigned char *counts = NULL;

		if (sqlite3_value_type(val[0]) == SQLITE_BLOB &&
		    sqlite3_value_bytes(val[0]) == n * 8)
			counts = sqlite3_value_blob(val[0]);
		d = xcalloc(1, sizeof(*d) + 2 * (size_t)n * sizeof(double));
		d->nphrase = n;
		d->idf = (double *)(d + 1);
		d->freq = d->idf + n;
		for (int i = 0; i < n; i++)
			d->idf[i] = use_idf ? -1.0 : 1.0;
		rc = api->xRowCount(fts, &rows);
		for (int i = 0; rc == SQLITE_OK && counts != NULL && i < n;
		     i++) {
			int64_t hits;

			memcpy(&hits, counts + 8 * i, 8);
			if (hits >= 0)
				d->idf[i] = rank_idf(rows, hits);
		}
		if (rc == SQLITE_OK)
			rc = api->xColumnTotalSize(fts, -1, &tokens);
		if (rc == SQLITE_OK)
			d->avgdl = (double)tokens / (double)rows;
		if (rc == SQLITE_OK)
			rc = api->xSetAuxdata(fts, d, free);
		else
			free(d);
		if (rc != SQLITE_OK) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
	}
	memset(d->freq, 0, (size_t)d->nphrase * sizeof(double));
	rc = api->xInstCount(fts, &ninst);
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		int ip, ic, io;

		rc = api->xInst(fts, i, &ip, &ic, &io);
		if (rc == SQLITE_OK)
			d->freq[ip] +=
				nval > ic + 2
					? sqlite3_value_double(val[ic + 2])
					: 1.0;
	}
	/* The title and the body, for the page's snippets. */
	if (rc == SQLITE_OK && si != NULL)
		rc = insts_add(si, api, fts, 1);
	if (rc == SQLITE_OK)
		rc = api->xColumnSize(fts, -1, &ntok);
	for (int i = 0; rc == SQLITE_OK && i < d->nphrase; i++) {
		double f = d->freq[i];

		if (f == 0.0)
			continue; /* adds 0 whatever the idf */
		if (d->idf[i] < 0.0) {
			sqlite3_int64 hits = 0, rows = 0;

			rc = api->xRowCount(fts, &rows);
			if (rc == SQLITE_OK)
				rc = api->xQueryPhrase(fts, i, &hits,
				                       rank_count);
			if (rc != SQLITE_OK)
				break;
			d->idf[i] = rank_idf(rows, hits);
		}
		score += d->idf[i] *
		         ((f * (k1 + 1.0)) /
		          (f + k1 * (1 - b + b * (double)ntok / d->avgdl)));
	}
	if (rc == SQLITE_OK)
		sqlite3_result_double(ctx, -1.0 * score);
	else
		sqlite3_result_error_code(ctx, rc);
}

int
search_functions_add(sqlite3 *db, struct error *e)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_error(e, db, "finding fts5");
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL || api->iVersion < 2)
		return error_set(e, ERR_IO, "no fts5 in this sqlite");
	if (api->xCreateFunction(api, "search_snippet", NULL, search_snippet,
	                         NULL) != SQLITE_OK ||
	    api->xCreateFunction(api, "search_highlight", NULL,
	                         search_highlight, NULL) != SQLITE_OK ||
	    api->xCreateFunction(api, "search_rank", NULL, search_rank, NULL) !=
	            SQLITE_OK)
		return db_error(e, db, "adding the search functions");
	return 0;
}

/* ---- reading ----------------------------------------------------------- */

static void
bind_query(sqlite3_stmt *st, const char *fts, const struct search_query *q)
{
	bind_text(st, 1, fts);
	sqlite3_bind_int(st, 2, q->admin != 0);
	sqlite3_bind_int64(st, 3, q->now);
	if (q->admin && q->status >= 0 && q->status < POST_STATUS__MAX)
		bind_text(st, 4, post_status_names[q->status]);
	bind_text(st, 5, q->section_slug);
	bind_text(st, 6, q->tag_slug);
	bind_text(st, 7, q->author_login);
	sqlite3_bind_int64(st, 8, q->from);
	sqlite3_bind_int64(st, 9, q->to > 0 ? q->to : INT64_MAX);
	sqlite3_bind_int(st, 10, LIM_SEARCH_RESULTS + 1);
}

/* One page of hits into out (n of them); *count is how many were ranked. */
static int
search_page(struct conn *c, struct arena *a, const char *fts, int idf,
            const int64_t *counts, int ncounts, struct search_insts *si,
            const struct search_query *q, int limit, int offset,
            struct search_result *out, int64_t *count, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, SQL_SEARCH, e);
	int step;

	*count = 0;
	if (st == NULL)
		return -1;
	bind_query(st, fts, q);
	sqlite3_bind_int(st, 11, limit);
	sqlite3_bind_int(st, 12, offset);
	if (idf && counts != NULL)
		sqlite3_bind_blob(st, 13, counts, ncounts * 8, SQLITE_STATIC);
	else
		sqlite3_bind_int(st, 13, idf);
	insts_reset(si);
	sqlite3_bind_pointer(st, 14, si, SEARCH_INSTS_TYPE, NULL);
	out->hits = arena_zalloc(a, (size_t)limit * sizeof(*out->hits));
	out->n = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW &&
	       out->n < (size_t)limit) {
		struct search_hit *h = &out->hits[out->n++];

		post_row(a, st, &h->post);
		h->score = sqlite3_column_double(st, POST_NCOLS);
		*count = sqlite3_column_int64(st, POST_NCOLS + 1);
	}
	stmt_done(st);
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		return db_error(e, c->db, "search");
	return 0;
}

static int
search_snippets(struct conn *c, struct arena *a, struct search_insts *si,
                struct search_result *out, struct error *e)
{
	sqlite3_stmt *st;
	struct buf ids;
	int step, rc = -1;

	for (size_t i = 0; i < out->n; i++) {
		out->hits[i].title_marked = out->hits[i].post.title;
		out->hits[i].snippet = "";
	}
	if (out->n == 0)
		return 0;
	/* "[id,id,...]": up to 19 digits and a separator per id. */
	buf_init(&ids, out->n * 21 + 2);
	for (size_t i = 0; i < out->n; i++) {
		if (buf_printf(&ids, "%c%lld", i == 0 ? '[' : ',',
		               (long long)out->hits[i].post.id) == -1) {
			error_set(e, ERR_IO, "search snippet: too many ids");
			goto out;
		}
	}
	if (buf_putc(&ids, ']') == -1) {
		error_set(e, ERR_IO, "search snippet: too many ids");
		goto out;
	}
	st = conn_stmt(c, SQL_SNIPPETS, e);
	if (st == NULL)
		goto out;
	bind_text(st, 1, buf_str(&ids));
	sqlite3_bind_pointer(st, 2, si, SEARCH_INSTS_TYPE, NULL);
	sqlite3_bind_int(st, 3, LIM_SEARCH_SNIPPET_TOKENS);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		for (size_t i = 0; i < out->n; i++) {
			struct search_hit *h = &out->hits[i];

			if (h->post.id != id)
				continue;
			h->title_marked = col_text(a, st, 1);
			h->snippet = col_text(a, st, 2);
			if (*h->title_marked == '\0')
				h->title_marked = h->post.title;
			break;
		}
	}
	stmt_done(st);
	if (step != SQLITE_DONE) {
		db_error(e, c->db, "search snippet");
		goto out;
	}
	rc = 0;
out:
	buf_release(&ids);
	return rc;
}

/*
 * The terms' counts for search_rank(), in FTS5's phrase order: the
 * positive ones counted (through the cache), -1 for the exclusions (never
 * in a matching row).  NULL when there is nothing to count.
 */
static int64_t *
rank_counts(struct store *s, struct conn *c, struct arena *a,
            const unsigned char *v, size_t vn, const struct search_parse *info,
            struct error *e)
{
	int64_t *counts;

	if (v == NULL || info->nphrase == 0)
		return NULL;
	counts = arena_alloc(a, (size_t)info->nphrase * sizeof(*counts));
	for (int i = 0; i < info->nphrase; i++) {
		counts[i] = -1;
		if (i < info->positive &&
		    phrase_docs(s, c, v, vn, info->phrase[i], 0, &counts[i],
		                e) == -1)
			return NULL;
	}
	return counts;
}

int
store_search(struct store *s, struct arena *a, const struct search_query *q,
             struct search_result *out, struct error *e)
{
	struct search_parse info;
	struct search_insts *si;
	const char *fts;
	const unsigned char *version = NULL;
	int locked, rc = -1, idf;
	struct conn *c;
	int64_t count = 0, docs, *counts = NULL;
	size_t vn = 0;
	int limit = q->limit, offset = q->offset;
	const char *text = q->text ? q->text : "";
	size_t n = strlen(text);

	memset(out, 0, sizeof(*out));
	fts = search_query_fts(a, text, n, 1, &info);
	out->cut = info.cut;
	out->terms_dropped = info.dropped;
	out->empty = *fts == '\0';
	if (out->empty)
		return 0;
	if (limit <= 0 || offset < 0 || offset >= LIM_SEARCH_RESULTS)
		limit = 0;
	else if (limit > LIM_SEARCH_RESULTS - offset)
		limit = LIM_SEARCH_RESULTS - offset;
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	si = search_insts_new();
	/* On the writer (an in-memory store, or inside the caller's write
	 * transaction) the statements share its transaction already, and
	 * the index may hold what it has not committed: no cached counts. */
	/* The count, the page and its snippets read one snapshot. */
	if (!locked && reader_begin(c, e) == -1)
		goto out;
	if (!locked && index_version(c, a, &version, &vn, e) == -1)
		goto out;
	/*
	 * A prefix query makes FTS5 read and merge the whole posting list of
	 * every word the prefix starts before it can return a row, where an
	 * exact word is read lazily, newest first, up to the limit.  So a
	 * last word that is already in LIM_SEARCH_PREFIX_DOCS posts is
	 * searched as itself only: its endings would add little to so many,
	 * and cost hundreds of milliseconds for a word in most posts.
	 */
	if (info.prefixed) {
		if (phrase_docs(s, c, version, vn, info.last,
		                LIM_SEARCH_PREFIX_DOCS, &docs, e) == -1)
			goto out;
		if (docs >= LIM_SEARCH_PREFIX_DOCS)
			fts = search_query_fts(a, text, n, 0, &info);
	}
	/* One positive term ranks the same whatever its IDF (search_rank).
	 * With more, their counts are looked up once here rather than
	 * walked by search_rank(). */
	idf = info.positive > 1;
	if (idf) {
		counts = rank_counts(s, c, a, version, vn, &info, e);
		if (counts == NULL && version != NULL)
			goto out;
	}
	/* A page past the end still needs the count: ask for the first. */
	if (limit > 0 && search_page(c, a, fts, idf, counts, info.nphrase, si,
	                             q, limit, offset, out, &count, e) == -1)
		goto out;
	if (out->n == 0 && search_page(c, a, fts, idf, counts, info.nphrase, si,
	                               q, 1, 0, out, &count, e) == -1)
		goto out;
	if (limit == 0 || offset >= count)
		out->n = 0;
	out->total = count > LIM_SEARCH_RESULTS ? LIM_SEARCH_RESULTS : count;
	out->more = count > LIM_SEARCH_RESULTS;
	rc = search_snippets(c, a, si, out, e);
out:
	if (!locked && reader_end(c, rc == 0 ? e : NULL) == -1)
		rc = -1;
	reader_put(s, locked);
	search_insts_free(si);
	return rc;
}

/* ---- writing ----------------------------------------------------------- */

int
store_search_body_set(struct store *s, int64_t id, const char *body_html,
                      struct error *e)
{
	struct arena *a;
	int rc;

	if (*body_html == '\0')
		return 0; /* not rendered: the trigger's source text stays */
	a = arena_new();
	rc = write_one(s, SQL_BODY_SET, "indexing post", NULL, e, "ls", id,
	               html_to_text(a, body_html, strlen(body_html)));
	arena_free(a);
	return rc;
}

/*
 * Index one row of SEARCH_SOURCE_COLS (id, title, format, source, html,
 * excerpt, tags, author) read by st: the text readers see, as
 * store_search_body_set() has it (the rendered HTML; a post saved before it
 * had any falls back to its source).  text, when not NULL, is that HTML's
 * html_to_text() already.  On the writer; a is reset.
 */
int
search_index_row(struct store *s, struct arena *a, sqlite3_stmt *st,
                 const char *text, struct error *e)
{
	const char *format = (const char *)sqlite3_column_text(st, 2);
	const char *html = (const char *)sqlite3_column_text(st, 4);
	sqlite3_stmt *add;

	arena_reset(a);
	add = conn_stmt(&s->w, SQL_REINDEX_ADD, e);
	if (add == NULL)
		return -1;
	sqlite3_bind_int64(add, 1, sqlite3_column_int64(st, 0));
	bind_text(add, 2, (const char *)sqlite3_column_text(st, 1));
	if (html != NULL && *html != '\0')
		bind_text(add, 3,
		          text ? text : html_to_text(a, html, strlen(html)));
	else if (format != NULL && strcmp(format, "html") == 0)
		bind_text(add, 3, "");
	else
		bind_text(add, 3, (const char *)sqlite3_column_text(st, 3));
	bind_text(add, 4, (const char *)sqlite3_column_text(st, 5));
	bind_text(add, 5, (const char *)sqlite3_column_text(st, 6));
	bind_text(add, 6, (const char *)sqlite3_column_text(st, 7));
	return write_step(s, add, "indexing post", NULL, e);
}

int
store_search_reindex(struct store *s, int64_t *n, struct error *e)
{
	sqlite3_stmt *list;
	struct arena *a = arena_new();
	int step;

	*n = 0;
	if (store_begin(s, e) == -1) {
		arena_free(a);
		return -1;
	}
	if (write_one(s, SQL_REINDEX_CLEAR, "clearing the index", NULL, e,
	              "") == -1)
		goto fail;
	list = conn_stmt(&s->w, SQL_REINDEX_POSTS, e);
	if (list == NULL)
		goto fail;
	while ((step = sqlite3_step(list)) == SQLITE_ROW) {
		if (search_index_row(s, a, list, NULL, e) == -1) {
			stmt_done(list);
			goto fail;
		}
		(*n)++;
	}
	stmt_done(list);
	if (step != SQLITE_DONE) {
		db_error(e, s->w.db, "reading posts");
		goto fail;
	}
	if (write_one(s, SQL_OPTIMIZE, "optimizing the index", NULL, e, "") ==
	    -1)
		goto fail;
	arena_free(a);
	return store_commit(s, e);
fail:
	arena_free(a);
	store_rollback(s);
	return -1;
}
