/*
 * search.h on PostgreSQL (issue 18, decision 096), over posts_fts as
 * 005's twin makes it (decision 094: a weighted tsvector of words and
 * stems, unaccented, per lang, with a GIN index).
 *
 * The query: search_query_fts()'s expression, ours with every term
 * quoted, is read back into its terms; PostgreSQL makes each term's text
 * a tsquery with phraseto_tsquery(), which has no syntax (the words as
 * written, the last a prefix, OR their stems in the language setting's
 * configuration, unaccented), and the whole is written from those
 * tsqueries' text and our operators and cast: the reader's text never
 * reaches to_tsquery().  Ranking: ts_rank with decision 094's weights
 * over the positive terms, of the newest LIM_SEARCH_RESULTS + 1 matches
 * as on SQLite; the score is minus the rank (lower is better, as bm25).
 *
 * Snippets and marked titles are made in C for the page only: the
 * stored text cut into words, PostgreSQL saying which words match which
 * query words with the document's own lexemes (accents, case, stems
 * folded as the search folds them), FTS5 snippet()'s window, the text as
 * stored (search.h: the site escapes it) but for SEARCH_MARK_START and
 * SEARCH_MARK_END in it, which become spaces: every mark is ours.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "internal.h"
#include "search.h"
#include "search_pg.h"
#include "search_query.h"
#include "../util/buf.h"
#include "../util/html_text.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/banned.h"

/* What 005's twin indexes of a body, in characters: matches lie there. */
#define SEARCH_PG_BODY_CHARS "65536"
/* Words of the query's terms a snippet tells apart (bits of a word). */
#define QWORDS_MAX 64
/* Bytes of the page's distinct words sent to be matched. */
#define WORDS_BYTES (16u << 20)

/*
 * Each term (?1: their texts, one a line) as tsquery text: its words as
 * written OR their stems, and the same with the last word a prefix.  An
 * empty tsquery (no lexeme in the term) reads as "".  The text of a
 * tsquery is its input syntax, each lexeme quoted, so these are pasted
 * into the whole query whole.  A word that is its own stem is written
 * once: ts_rank keeps one of two equal lexemes, and of 'x':* | 'x' it
 * kept the one that matches no longer word, ranking every hit 0.
 */
static const char SQL_TERMS_PG[] =
	"SELECT CAST(CASE WHEN c = s THEN s ELSE s || c END AS text), "
	"CAST(CASE WHEN numnode(s) = 0 THEN c "
	"WHEN c = s THEN CAST(CAST(s AS text) || ':*' AS tsquery) "
	"ELSE CAST(CAST(s AS text) || ':*' AS tsquery) || c END AS text) "
	"FROM (SELECT j, phraseto_tsquery('simple', u) AS s, "
	"phraseto_tsquery(l.cfg, u) AS c "
	"FROM (SELECT gazette_search_config(gazette_search_language()) AS cfg) "
	"l, unnest(string_to_array(gazette_unaccent(?1), chr(10))) "
	"WITH ORDINALITY AS w(u, j)) t ORDER BY j";

/* Posts holding ?1 (a tsquery), counted up to ?2. */
static const char SQL_DOCS_PG[] =
	"SELECT count(*) FROM (SELECT 1 FROM posts_fts "
	"WHERE document @@ CAST(?1 AS tsquery) LIMIT ?2) x";

/*
 * The newest ?11 matches of ?1 with their rank by ?2, then one page of
 * them by rank, and only then the posts of that page (store_search.c's
 * SQL_SEARCH, the filters the same).
 */
static const char SQL_SEARCH_PG[] = DB_REPLAN
	"WITH m AS (SELECT f.rowid AS id, "
	"ts_rank('{0.1, 0.2, 0.5, 1.0}', f.document, CAST(?2 AS tsquery), 1) "
	"AS score, p.published_at AS t "
	"FROM posts_fts f JOIN posts p ON p.id = f.rowid "
	"WHERE f.document @@ CAST(?1 AS tsquery) "
	"AND (CAST(?3 AS bigint) <> 0 OR (p.status = 'published' "
	"AND p.published_at <= ?4 AND p.password = '')) "
	"AND (CAST(?5 AS text) IS NULL OR p.status = ?5) "
	"AND (CAST(?6 AS text) IS NULL OR p.section_id = "
	"(SELECT id FROM sections WHERE slug = ?6)) "
	"AND (CAST(?7 AS text) IS NULL OR EXISTS (SELECT 1 FROM post_tags pt "
	"WHERE pt.post_id = p.id AND pt.tag_id = "
	"(SELECT id FROM tags WHERE slug = ?7))) "
	"AND (CAST(?8 AS text) IS NULL OR p.author_id = "
	"(SELECT id FROM users WHERE login = ?8)) "
	"AND p.published_at >= ?9 AND p.published_at < ?10 "
	"ORDER BY f.rowid DESC LIMIT ?11), "
	"pg AS (SELECT id, score, t, (SELECT count(*) FROM m) AS n FROM m "
	"ORDER BY score DESC, t DESC, id DESC LIMIT ?12 OFFSET ?13) "
	"SELECT " POST_FIELDS_NO_BODY ", -pg.score, pg.n "
	"FROM pg JOIN posts p ON p.id = pg.id "
	"LEFT JOIN sections s ON s.id = p.section_id "
	"LEFT JOIN users u ON u.id = p.author_id "
	"ORDER BY pg.score DESC, pg.t DESC, pg.id DESC";

/* The indexed text of the page's bodies (?1: their ids, comma between). */
static const char SQL_TEXTS_PG[] =
	"SELECT rowid, left(body, " SEARCH_PG_BODY_CHARS ") FROM posts_fts "
	"WHERE rowid = ANY(CAST(string_to_array(?1, ',') AS bigint[]))";

/*
 * Which of the page's distinct words (?1, a line each) match which words
 * of the query (?2, the same; word ?3 a prefix): each word's lexemes as
 * gazette_search_words() makes them against each query word's tsquery,
 * made as SQL_TERMS_PG makes a term's.  The text is folded in one call,
 * and only words that begin, folded, as a query word does are looked at
 * (a stem begins as its word does): every word's lexemes cost 20 ms for
 * 3,000 words, and gazette_search_words() per word 0.5 ms a word.
 */
static const char SQL_WORDS_PG[] =
	"WITH l AS MATERIALIZED (SELECT "
	"gazette_search_config(gazette_search_language()) AS cfg), "
	"q AS MATERIALIZED (SELECT j, left(lower(u), 1) AS f, "
	"CASE WHEN j = ?3 AND numnode(s) > 0 "
	"THEN CAST(CAST(s AS text) || ':*' AS tsquery) ELSE s END || c AS tq "
	"FROM (SELECT j, u, phraseto_tsquery('simple', u) AS s, "
	"phraseto_tsquery(l.cfg, u) AS c FROM l, "
	"unnest(string_to_array(gazette_unaccent(?2), chr(10))) "
	"WITH ORDINALITY AS b(u, j)) b1), "
	"w AS MATERIALIZED (SELECT i, x FROM "
	"unnest(string_to_array(lower(gazette_unaccent(?1)), chr(10))) "
	"WITH ORDINALITY AS a(x, i) WHERE left(x, 1) IN (SELECT f FROM q)), "
	"v AS MATERIALIZED (SELECT i, CASE WHEN l.cfg = 'simple'::regconfig "
	"THEN to_tsvector('simple', x) "
	"ELSE to_tsvector('simple', x) || to_tsvector(l.cfg, x) END AS v "
	"FROM w, l) "
	"SELECT v.i, q.j FROM v JOIN q ON numnode(q.tq) > 0 AND v.v @@ q.tq";

/* store_search.c's search_reader_stmts, as PostgreSQL runs them. */
const struct store_stmt search_pg_reader_stmts[] = {
	{"search_pg", STMT_NONE,
         "the newest LIM_SEARCH_RESULTS matches at most are ranked, counted "
         "and sorted, planned with each search's words (DB_REPLAN): a rare "
         "word's posts by the GIN index, a common word's newest posts walked "
         "until that many match (test_plans' probes)",
         SQL_SEARCH_PG},
	{"search_terms_pg", STMT_NONE, NULL, SQL_TERMS_PG},
	{"search_term_docs_pg", STMT_NONE, NULL, SQL_DOCS_PG},
	{"search_texts_pg", STMT_NONE, NULL, SQL_TEXTS_PG},
	{"search_words_pg", STMT_NONE, NULL, SQL_WORDS_PG},
	{NULL, NULL, NULL, NULL},
};

/* ---- the query ---------------------------------------------------------- */

/* A query's terms as search_query_fts() wrote them. */
struct terms {
	const char *text[LIM_SEARCH_TERMS]; /* each term's text, unquoted */
	int group[LIM_SEARCH_TERMS];        /* its AND group; -1: excluded */
	int prefix[LIM_SEARCH_TERMS];       /* written "…"*: last a prefix */
	const char *tsq[LIM_SEARCH_TERMS];  /* its tsquery text, "" for none */
	const char *tsq_prefix[LIM_SEARCH_TERMS]; /* the same, prefixed */
	int n, ngroups;
};

/*
 * Read fts back: `(` opens a group, ` NOT (` the exclusions, and every
 * `"…"` (a quote inside doubled) is a term, `*` after it a prefix.  It is
 * our own output (search_query.c), not the reader's.
 */
static void
terms_read(struct arena *a, const char *fts, struct terms *t)
{
	const char *p = fts;
	int group = -1, neg = 0;

	memset(t, 0, sizeof(*t));
	while (*p != '\0') {
		if (*p == '"') {
			char *w = arena_alloc(a, strlen(p) + 1);
			size_t n = 0;

			for (p++; *p != '\0'; p++) {
				if (*p == '"' && p[1] != '"') {
					p++;
					break;
				}
				if (*p == '"')
					p++;
				w[n++] = *p;
			}
			w[n] = '\0';
			if (t->n < LIM_SEARCH_TERMS) {
				t->text[t->n] = w;
				t->group[t->n] = neg ? -1 : group;
				t->prefix[t->n] = *p == '*';
				t->n++;
			}
			if (*p == '*')
				p++;
			continue;
		}
		if (strncmp(p, "NOT (", 5) == 0) {
			neg = 1;
			p += 5;
			continue;
		}
		if (*p == '(' && !neg)
			group = t->ngroups++;
		p++;
	}
}

/* Each term's tsquery texts, from PostgreSQL. */
static int
terms_lexemes(struct conn *c, struct arena *a, struct terms *t, struct error *e)
{
	struct db_stmt *st;
	struct buf b;
	int i = 0, step, rc = -1;

	buf_init(&b, LIM_SEARCH_QUERY_BYTES * 2 + LIM_SEARCH_TERMS + 1);
	for (int k = 0; k < t->n; k++) {
		if ((k > 0 && buf_putc(&b, '\n') == -1) ||
		    buf_puts(&b, t->text[k]) == -1) {
			error_set(e, ERR_IO, "search: query too long");
			goto out;
		}
	}
	st = conn_prep(c, SQL_TERMS_PG, e);
	if (st == NULL)
		goto out;
	db_bind_text(st, 1, buf_str(&b), (int)b.len);
	while ((step = db_step(st, "search", e)) == 1) {
		if (i < t->n) {
			t->tsq[i] = col_text(a, st, 0);
			t->tsq_prefix[i] = col_text(a, st, 1);
			i++;
		}
	}
	stmt_done(st);
	if (step == -1)
		goto out;
	for (; i < t->n; i++)
		t->tsq[i] = t->tsq_prefix[i] = "";
	rc = 0;
out:
	buf_release(&b);
	return rc;
}

static const char *
term_tsq(const struct terms *t, int k, int prefix)
{
	return prefix && t->prefix[k] ? t->tsq_prefix[k] : t->tsq[k];
}

/*
 * The whole tsquery into *out: the groups ANDed, each its terms ORed,
 * then (with_not) AND NOT the exclusions ORed.  A term without a lexeme
 * is left out, and so is a group left empty; *out is NULL when no
 * positive term is left: nothing can match.
 */
static int
tsquery_write(struct arena *a, const struct terms *t, int prefix, int with_not,
              const char **out, struct error *e)
{
	struct buf b;
	int groups = 0, neg = 0;
	size_t cap = 64;

	for (int k = 0; k < t->n; k++)
		cap += strlen(term_tsq(t, k, prefix)) + 16;
	buf_init(&b, cap);
	for (int g = 0; g < t->ngroups; g++) {
		int in = 0;

		for (int k = 0; k < t->n; k++) {
			const char *q = term_tsq(t, k, prefix);

			if (t->group[k] != g || *q == '\0')
				continue;
			if (buf_puts(&b, in       ? " | ("
			                 : groups ? " & (("
			                          : "((") == -1 ||
			    buf_puts(&b, q) == -1 || buf_putc(&b, ')') == -1)
				goto fail;
			in = 1;
		}
		if (in) {
			if (buf_putc(&b, ')') == -1)
				goto fail;
			groups++;
		}
	}
	*out = NULL;
	if (groups == 0)
		goto out;
	for (int k = 0; with_not && k < t->n; k++) {
		const char *q = term_tsq(t, k, prefix);

		if (t->group[k] != -1 || *q == '\0')
			continue;
		if (buf_puts(&b, neg ? " | (" : " & !((") == -1 ||
		    buf_puts(&b, q) == -1 || buf_putc(&b, ')') == -1)
			goto fail;
		neg = 1;
	}
	if (neg && buf_putc(&b, ')') == -1)
		goto fail;
	*out = arena_strndup(a, buf_str(&b), b.len);
out:
	buf_release(&b);
	return 0;
fail:
	buf_release(&b);
	return error_set(e, ERR_IO, "search: query too long");
}

/* Posts the tsquery text q matches, counted up to cap. */
static int
docs_count(struct conn *c, const char *q, int64_t cap, int64_t *n,
           struct error *e)
{
	struct db_stmt *st = conn_prep(c, SQL_DOCS_PG, e);
	int step;

	*n = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, q);
	db_bind_int64(st, 2, cap);
	step = db_step(st, "search", e);
	if (step == 1)
		*n = db_column_int64(st, 0);
	stmt_done(st);
	return step == -1 ? -1 : 0;
}

/* One page of hits into out; *count is how many were ranked. */
static int
search_page(struct conn *c, struct arena *a, const char *match,
            const char *rank, const struct search_query *q, int limit,
            int offset, struct search_result *out, int64_t *count,
            struct error *e)
{
	struct db_stmt *st = conn_prep(c, SQL_SEARCH_PG, e);
	int step;

	*count = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, match);
	bind_text(st, 2, rank);
	db_bind_int64(st, 3, q->admin != 0);
	db_bind_int64(st, 4, q->now);
	if (q->admin && q->status >= 0 && q->status < POST_STATUS__MAX)
		bind_text(st, 5, post_status_names[q->status]);
	bind_text(st, 6, q->section_slug);
	bind_text(st, 7, q->tag_slug);
	bind_text(st, 8, q->author_login);
	db_bind_int64(st, 9, q->from);
	db_bind_int64(st, 10, q->to > 0 ? q->to : INT64_MAX);
	db_bind_int64(st, 11, LIM_SEARCH_RESULTS + 1);
	db_bind_int64(st, 12, limit);
	db_bind_int64(st, 13, offset);
	out->hits = arena_zalloc(a, (size_t)limit * sizeof(*out->hits));
	out->n = 0;
	while ((step = db_step(st, "search", e)) == 1 &&
	       out->n < (size_t)limit) {
		struct search_hit *h = &out->hits[out->n++];

		post_row(a, st, &h->post);
		h->score = db_column_double(st, POST_NCOLS);
		*count = db_column_int64(st, POST_NCOLS + 1);
	}
	stmt_done(st);
	return step == -1 ? -1 : 0;
}

/* ---- snippets ----------------------------------------------------------- */

struct word {
	const char *p;
	size_t n;
	uint32_t id; /* among the page's distinct words */
};

/* A text cut into words. */
struct field {
	const char *text;
	size_t len;
	struct word *w;
	size_t n;
};

/* Letters and digits, and marks inside a word. */
static int
word_char(ucs4_t ch, int in)
{
	return uc_is_alnum(ch) ||
	       (in && uc_is_general_category(ch, UC_CATEGORY_M));
}

static void
field_cut(struct arena *a, struct field *f, const char *text)
{
	const uint8_t *s = (const uint8_t *)text;
	size_t i = 0, cap = 0, start = 0;
	int in = 0;

	f->text = text;
	f->len = strlen(text);
	f->w = NULL;
	f->n = 0;
	while (i <= f->len) {
		ucs4_t ch = 0;
		int k = 1, is = 0;

		if (i < f->len) {
			k = u8_mbtouc(&ch, s + i, f->len - i);
			is = word_char(ch, in);
		}
		if (is && !in)
			start = i;
		if (!is && in) {
			f->w = arena_grow(a, f->w, &cap, f->n, sizeof(*f->w));
			f->w[f->n++] =
				(struct word){text + start, i - start, 0};
		}
		in = is;
		i += (size_t)(k > 0 ? k : 1);
	}
}

/* The words of the query's positive terms, in order, each term's first
 * and count; the prefix word's number from 1 (0: none). */
struct qwords {
	struct word w[QWORDS_MAX];
	int n;
	int first[LIM_SEARCH_TERMS], len[LIM_SEARCH_TERMS];
	int prefix;
};

static void
qwords_make(struct arena *a, const struct terms *t, int prefix,
            struct qwords *q)
{
	memset(q, 0, sizeof(*q));
	for (int k = 0; k < t->n; k++) {
		struct field f;

		if (t->group[k] < 0)
			continue;
		field_cut(a, &f, t->text[k]);
		if (f.n == 0 || (size_t)q->n + f.n > QWORDS_MAX)
			continue;
		q->first[k] = q->n;
		q->len[k] = (int)f.n;
		for (size_t i = 0; i < f.n; i++)
			q->w[q->n++] = f.w[i];
		if (prefix && t->prefix[k])
			q->prefix = q->n;
	}
}

static int
word_cmp(const void *x, const void *y)
{
	const struct word *a = *(struct word *const *)x;
	const struct word *b = *(struct word *const *)y;
	int c = memcmp(a->p, b->p, a->n < b->n ? a->n : b->n);

	return c != 0 ? c : (a->n > b->n) - (a->n < b->n);
}

/* Words a line each (a word holds no control character), into b. */
static int
words_join(struct buf *b, struct word *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((i > 0 && buf_putc(b, '\n') == -1) ||
		    buf_add(b, w[i]->p, w[i]->n) == -1)
			return -1;
	return 0;
}

/*
 * Number the fields' distinct words (word.id) and ask which match which
 * query word: *matched, a bit per query word for each.
 */
static int
words_match(struct conn *c, struct arena *a, struct field *f, size_t nf,
            const struct qwords *q, uint64_t **matched, struct error *e)
{
	struct word **all, **distinct;
	struct db_stmt *st;
	struct buf words, qs;
	size_t n = 0, nd = 0;
	int step, rc = -1;

	for (size_t i = 0; i < nf; i++)
		n += f[i].n;
	all = arena_alloc(a, (n + 1) * sizeof(*all));
	n = 0;
	for (size_t i = 0; i < nf; i++)
		for (size_t k = 0; k < f[i].n; k++)
			all[n++] = &f[i].w[k];
	qsort(all, n, sizeof(*all), word_cmp);
	distinct = arena_alloc(a, (n + 1) * sizeof(*distinct));
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || word_cmp(&all[i - 1], &all[i]) != 0)
			distinct[nd++] = all[i];
		all[i]->id = (uint32_t)(nd - 1);
	}
	*matched = arena_zalloc(a, (nd + 1) * sizeof(**matched));
	if (nd == 0)
		return 0;
	buf_init(&words, WORDS_BYTES);
	buf_init(&qs, LIM_SEARCH_QUERY_BYTES * 2);
	if (words_join(&words, distinct, nd) == -1) {
		error_set(e, ERR_IO, "search snippet: too many words");
		goto out;
	}
	for (int i = 0; i < q->n; i++) {
		if ((i > 0 && buf_putc(&qs, '\n') == -1) ||
		    buf_add(&qs, q->w[i].p, q->w[i].n) == -1) {
			error_set(e, ERR_IO, "search snippet: query too long");
			goto out;
		}
	}
	st = conn_prep(c, SQL_WORDS_PG, e);
	if (st == NULL)
		goto out;
	db_bind_text(st, 1, buf_str(&words), (int)words.len);
	db_bind_text(st, 2, buf_str(&qs), (int)qs.len);
	db_bind_int64(st, 3, q->prefix);
	while ((step = db_step(st, "search snippet", e)) == 1) {
		int64_t i = db_column_int64(st, 0), j = db_column_int64(st, 1);

		if (i >= 1 && (size_t)i <= nd && j >= 1 && j <= q->n)
			(*matched)[i - 1] |= UINT64_C(1) << (j - 1);
	}
	stmt_done(st);
	rc = step == -1 ? -1 : 0;
out:
	buf_release(&words);
	buf_release(&qs);
	return rc;
}

/* Where a positive term's words follow one another in a field. */
struct inst {
	size_t at, len;
	int term;
};

static size_t
field_insts(struct arena *a, const struct field *f, const struct terms *t,
            const struct qwords *q, const uint64_t *matched, struct inst **out)
{
	size_t n = 0, cap = 0;

	*out = NULL;
	for (size_t p = 0; p < f->n; p++) {
		for (int k = 0; k < t->n; k++) {
			size_t m = 0, len = (size_t)q->len[k];

			if (len == 0 || p + len > f->n)
				continue;
			while (m < len && (matched[f->w[p + m].id] >>
			                   (q->first[k] + (int)m)) &
			                          1)
				m++;
			if (m < len)
				continue;
			*out = arena_grow(a, *out, &cap, n, sizeof(**out));
			(*out)[n++] = (struct inst){p, len, k};
		}
	}
	return n;
}

/* p[0..n) into b, the marks in it as spaces: every mark is ours. */
static int
put_text(struct buf *b, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];

		if (ch == SEARCH_MARK_START || ch == SEARCH_MARK_END)
			ch = ' ';
		if (buf_putc(b, ch) == -1)
			return -1;
	}
	return 0;
}

/*
 * f's bytes [from, to), which hold its words [lo, hi), into b with the
 * words of the instances marked (overlapping ones as one mark).
 */
static int
put_marked(struct buf *b, const struct field *f, const struct inst *in,
           size_t nin, size_t lo, size_t hi, size_t from, size_t to)
{
	size_t pos = from, k = 0, end = 0;
	int open = 0;

	for (size_t i = lo; i < hi; i++) {
		size_t ws = (size_t)(f->w[i].p - f->text), we = ws + f->w[i].n;

		for (; k < nin && in[k].at <= i; k++) {
			size_t last = in[k].at + in[k].len - 1;

			if (last < i)
				continue;
			if (!open) {
				if (put_text(b, f->text + pos, ws - pos) ==
				            -1 ||
				    buf_putc(b, SEARCH_MARK_START) == -1)
					return -1;
				pos = ws;
				open = 1;
				end = last;
			} else if (last > end) {
				end = last;
			}
		}
		if (open && (i == end || i + 1 == hi)) {
			if (put_text(b, f->text + pos, we - pos) == -1 ||
			    buf_putc(b, SEARCH_MARK_END) == -1)
				return -1;
			pos = we;
			open = 0;
		}
	}
	return put_text(b, f->text + pos, to - pos);
}

/*
 * The window of LIM_SEARCH_SNIPPET_TOKENS words FTS5's snippet() would
 * pick: around each instance in turn, the one holding the most distinct
 * terms, then the most instances; the first words without any.  Only the
 * first SNIPPET_CANDIDATES instances are weighed: a body repeating a
 * word thousands of times would cost their square.
 */
#define SNIPPET_CANDIDATES 256
static size_t
snippet_start(const struct field *f, const struct inst *in, size_t nin)
{
	const size_t span = LIM_SEARCH_SNIPPET_TOKENS;
	size_t best = 0, top = f->n > span ? f->n - span : 0;
	long best_score = -1;

	if (nin > SNIPPET_CANDIDATES)
		nin = SNIPPET_CANDIDATES;

	for (size_t x = 0; x < nin; x++) {
		size_t s = in[x].len < span ? (span - in[x].len) / 2 : 0;
		uint32_t seen = 0;
		long score = 0;

		s = in[x].at > s ? in[x].at - s : 0;
		if (s > top)
			s = top;
		for (size_t y = 0; y < nin; y++) {
			if (in[y].at < s || in[y].at + in[y].len > s + span)
				continue;
			score += (seen >> in[y].term) & 1 ? 1 : 1000;
			seen |= UINT32_C(1) << in[y].term;
		}
		if (score > best_score) {
			best_score = score;
			best = s;
		}
	}
	return best;
}

/* The body's snippet, into b. */
static int
put_snippet(struct buf *b, const struct field *f, const struct inst *in,
            size_t nin)
{
	size_t ws, we, from, to;

	if (f->n == 0)
		return 0;
	ws = snippet_start(f, in, nin);
	we = ws + LIM_SEARCH_SNIPPET_TOKENS < f->n
	             ? ws + LIM_SEARCH_SNIPPET_TOKENS
	             : f->n;
	from = ws == 0 ? 0 : (size_t)(f->w[ws].p - f->text);
	to = we == f->n ? f->len
	                : (size_t)(f->w[we - 1].p - f->text) + f->w[we - 1].n;
	if (ws > 0 && buf_puts(b, "…") == -1)
		return -1;
	if (put_marked(b, f, in, nin, ws, we, from, to) == -1)
		return -1;
	return we < f->n ? buf_puts(b, "…") : 0;
}

/* The bodies' indexed text of the page's hits into body[i]. */
static int
page_bodies(struct conn *c, struct arena *a, const struct search_result *out,
            const char **body, struct error *e)
{
	struct db_stmt *st;
	struct buf ids;
	int step, rc = -1;

	buf_init(&ids, out->n * 21 + 1);
	for (size_t i = 0; i < out->n; i++) {
		body[i] = "";
		if (buf_printf(&ids, "%s%lld", i > 0 ? "," : "",
		               (long long)out->hits[i].post.id) == -1) {
			error_set(e, ERR_IO, "search snippet: too many ids");
			goto out;
		}
	}
	st = conn_prep(c, SQL_TEXTS_PG, e);
	if (st == NULL)
		goto out;
	db_bind_text(st, 1, buf_str(&ids), (int)ids.len);
	while ((step = db_step(st, "search snippet", e)) == 1) {
		int64_t id = db_column_int64(st, 0);

		for (size_t i = 0; i < out->n; i++)
			if (out->hits[i].post.id == id)
				body[i] = col_text(a, st, 1);
	}
	stmt_done(st);
	rc = step == -1 ? -1 : 0;
out:
	buf_release(&ids);
	return rc;
}

/* Each hit's title_marked and snippet. */
static int
search_snippets(struct conn *c, struct arena *a, const struct terms *t,
                int prefix, struct search_result *out, struct error *e)
{
	struct qwords *q = arena_alloc(a, sizeof(*q));
	struct field *f;
	const char **body;
	uint64_t *matched;
	struct buf b;
	int rc = -1;

	if (out->n == 0)
		return 0;
	body = arena_alloc(a, out->n * sizeof(*body));
	if (page_bodies(c, a, out, body, e) == -1)
		return -1;
	f = arena_zalloc(a, 2 * out->n * sizeof(*f));
	for (size_t i = 0; i < out->n; i++) {
		field_cut(a, &f[2 * i], out->hits[i].post.title);
		field_cut(a, &f[2 * i + 1], body[i]);
	}
	qwords_make(a, t, prefix, q);
	if (words_match(c, a, f, 2 * out->n, q, &matched, e) == -1)
		return -1;
	buf_init(&b, 8 * (size_t)LIM_POST_SRC_BYTES);
	for (size_t i = 0; i < out->n; i++) {
		struct search_hit *h = &out->hits[i];
		struct inst *in;
		size_t nin;

		buf_reset(&b);
		nin = field_insts(a, &f[2 * i], t, q, matched, &in);
		if (put_marked(&b, &f[2 * i], in, nin, 0, f[2 * i].n, 0,
		               f[2 * i].len) == -1)
			goto fail;
		h->title_marked = arena_strndup(a, buf_str(&b), b.len);
		buf_reset(&b);
		nin = field_insts(a, &f[2 * i + 1], t, q, matched, &in);
		if (put_snippet(&b, &f[2 * i + 1], in, nin) == -1)
			goto fail;
		h->snippet = arena_strndup(a, buf_str(&b), b.len);
	}
	rc = 0;
	goto out;
fail:
	error_set(e, ERR_IO, "search snippet: too long");
out:
	buf_release(&b);
	return rc;
}

/* ---- searching ---------------------------------------------------------- */

/* The search on c's snapshot (search_pg, inside its transaction). */
static int
search_run(struct conn *c, struct arena *a, const struct search_query *q,
           const char *text, struct search_result *out, struct error *e)
{
	struct search_parse info;
	struct terms t;
	const char *match, *rank;
	int64_t count = 0, docs;
	int limit = q->limit, offset = q->offset, prefix = 1;
	const char *fts = search_query_fts(a, text, strlen(text), 1, &info);

	out->cut = info.cut;
	out->terms_dropped = info.dropped;
	out->empty = *fts == '\0';
	if (out->empty)
		return 0;
	if (limit <= 0 || offset < 0 || offset >= LIM_SEARCH_RESULTS)
		limit = 0;
	else if (limit > LIM_SEARCH_RESULTS - offset)
		limit = LIM_SEARCH_RESULTS - offset;
	terms_read(a, fts, &t);
	if (terms_lexemes(c, a, &t, e) == -1)
		return -1;
	/* The last word is a prefix until it is in LIM_SEARCH_PREFIX_DOCS
	 * posts, as on SQLite (store_search.c); a GIN index reads every
	 * entry a prefix starts too. */
	for (int k = 0; info.prefixed && k < t.n; k++) {
		if (!t.prefix[k] || *t.tsq[k] == '\0')
			continue;
		if (docs_count(c, t.tsq[k], LIM_SEARCH_PREFIX_DOCS, &docs, e) ==
		    -1)
			return -1;
		prefix = docs < LIM_SEARCH_PREFIX_DOCS;
	}
	if (tsquery_write(a, &t, prefix, 1, &match, e) == -1 ||
	    tsquery_write(a, &t, prefix, 0, &rank, e) == -1)
		return -1;
	if (match == NULL)
		return 0; /* no term has a lexeme: nothing can match */
	/* A page past the end still needs the count: ask for the first. */
	if (limit > 0 && search_page(c, a, match, rank, q, limit, offset, out,
	                             &count, e) == -1)
		return -1;
	if (out->n == 0 &&
	    search_page(c, a, match, rank, q, 1, 0, out, &count, e) == -1)
		return -1;
	if (limit == 0 || offset >= count)
		out->n = 0;
	out->total = count > LIM_SEARCH_RESULTS ? LIM_SEARCH_RESULTS : count;
	out->more = count > LIM_SEARCH_RESULTS;
	return search_snippets(c, a, &t, prefix, out, e);
}

int
search_pg(struct conn *c, struct arena *a, const struct search_query *q,
          struct search_result *out, struct error *e)
{
	int own = !db_in_txn(c->d), rc;

	memset(out, 0, sizeof(*out));
	if (own && db_begin(c->d, DB_READ, e) == -1)
		return -1;
	rc = search_run(c, a, q, q->text ? q->text : "", out, e);
	if (own) {
		if (rc == 0 && db_commit(c->d, e) == -1)
			rc = -1;
		if (rc == -1)
			db_rollback(c->d, NULL);
	}
	return rc;
}

int
store_search_pg(struct store *s, struct arena *a, const struct search_query *q,
                struct search_result *out, struct error *e)
{
	int locked, rc;
	struct conn *c = reader_get(s, &locked, e);

	if (c == NULL)
		return -1;
	rc = search_pg(c, a, q, out, e);
	reader_put(s, locked);
	return rc;
}

/* ---- writing ------------------------------------------------------------ */

/* Posts read at a time when the index is made again. */
#define REINDEX_BATCH 256

static const char SQL_CLEAR_PG[] = "DELETE FROM posts_fts";
/* SEARCH_SOURCE_COLS (internal.h) with string_agg, ?2 posts after id ?1. */
static const char SQL_SOURCE_PG[] =
	"SELECT p.id, p.title, p.body_format, p.body_src, p.body_html, "
	"p.excerpt, coalesce((SELECT string_agg(t.name, ', ') "
	"FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
	"WHERE pt.post_id = p.id), ''), "
	"coalesce((SELECT coalesce(nullif(u.name, ''), u.login) "
	"FROM users u WHERE u.id = p.author_id), '') "
	"FROM posts p WHERE p.id > ?1 ORDER BY p.id LIMIT ?2";
/* lang: its default, the setting's. */
static const char SQL_ADD_PG[] =
	"INSERT INTO posts_fts(rowid, title, body, excerpt, tags, author) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
/* Decision 094: a new document for every row of another language. */
static const char SQL_LANGUAGE_SYNC_PG[] =
	"UPDATE posts_fts SET lang = gazette_search_language() "
	"WHERE lang <> gazette_search_language()";

/* Index the row list is on, as store_search.c's search_index_row(). */
static int
reindex_row(struct db_stmt *list, struct db_stmt *add, struct arena *a,
            struct error *e)
{
	const char *format = db_column_text(list, 2, NULL);
	const char *html = db_column_text(list, 4, NULL);
	int step;

	db_bind_int64(add, 1, db_column_int64(list, 0));
	bind_text(add, 2, db_column_text(list, 1, NULL));
	if (html != NULL && *html != '\0')
		bind_text(add, 3, html_to_text(a, html, strlen(html)));
	else if (format != NULL && strcmp(format, "html") == 0)
		bind_text(add, 3, "");
	else
		bind_text(add, 3, db_column_text(list, 3, NULL));
	bind_text(add, 4, db_column_text(list, 5, NULL));
	bind_text(add, 5, db_column_text(list, 6, NULL));
	bind_text(add, 6, db_column_text(list, 7, NULL));
	step = db_step(add, "indexing post", e);
	stmt_done(add);
	return step == -1 ? -1 : 0;
}

int
search_pg_reindex(struct conn *w, int64_t *n, struct error *e)
{
	struct db_stmt *clear, *list, *add;
	struct arena *a;
	int64_t after = 0;
	int step, rows;

	*n = 0;
	clear = conn_prep(w, SQL_CLEAR_PG, e);
	if (clear == NULL)
		return -1;
	step = db_step(clear, "emptying the search index", e);
	stmt_done(clear);
	list = step == -1 ? NULL : conn_prep(w, SQL_SOURCE_PG, e);
	add = list == NULL ? NULL : conn_prep(w, SQL_ADD_PG, e);
	if (add == NULL)
		return -1;
	a = arena_new();
	do {
		rows = 0;
		db_bind_int64(list, 1, after);
		db_bind_int64(list, 2, REINDEX_BATCH);
		while ((step = db_step(list, "reading posts", e)) == 1) {
			arena_reset(a);
			after = db_column_int64(list, 0);
			if (reindex_row(list, add, a, e) == -1) {
				step = -1;
				break;
			}
			rows++;
			(*n)++;
		}
		stmt_done(list);
	} while (step == 0 && rows == REINDEX_BATCH);
	arena_free(a);
	return step == -1 ? -1 : 0;
}

int
search_pg_language_sync(struct conn *w, int64_t *n, struct error *e)
{
	struct db_stmt *st = conn_prep(w, SQL_LANGUAGE_SYNC_PG, e);
	int step;

	*n = 0;
	if (st == NULL)
		return -1;
	step = db_step(st, "indexing for the language", e);
	if (step == 0)
		*n = db_changes(st);
	stmt_done(st);
	return step == -1 ? -1 : 0;
}
