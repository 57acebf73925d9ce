/*
 * The SQL functions search adds to every connection (search_functions_add,
 * from conn_open): search_rank(), bm25 that can stop early and records
 * the matches it scored, and search_snippet() and search_highlight(),
 * which mark a page's matches from that record instead of finding them
 * again.  What they replaced and why is in docs/ARCHITECTURE.md, "Search
 * speed".
 */
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../util/alloc.h"
#include "../util/banned.h"

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

void
search_insts_reset(struct search_insts *si)
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
	if (search_tokenizer_add(api, e) == -1)
		return -1;
	if (api->xCreateFunction(api, "search_snippet", NULL, search_snippet,
	                         NULL) != SQLITE_OK ||
	    api->xCreateFunction(api, "search_highlight", NULL,
	                         search_highlight, NULL) != SQLITE_OK ||
	    api->xCreateFunction(api, "search_rank", NULL, search_rank, NULL) !=
	            SQLITE_OK)
		return db_error(e, db, "adding the search functions");
	return 0;
}
