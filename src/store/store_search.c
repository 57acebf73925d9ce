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
 */
#include <sqlite3.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "search_query.h"
#include "../util/limits.h"
#include "../util/banned.h"

/* Weights of title, body, excerpt, tags and author in bm25. */
#define RANK "bm25(posts_fts, 10.0, 1.0, 2.0, 5.0, 2.0)"

#define SEARCH_WHERE                                                           \
	"WHERE posts_fts MATCH ?1 "                                            \
	"AND (?2 OR (p.status = 'published' AND p.published_at <= ?3 "         \
	"AND p.id NOT IN (SELECT id FROM posts WHERE password != ''))) "       \
	"AND (?4 IS NULL OR p.status = ?4) "                                   \
	"AND (?5 IS NULL OR p.section_id = "                                   \
	"(SELECT id FROM sections WHERE slug = ?5)) "                          \
	"AND (?6 IS NULL OR p.id IN (SELECT pt.post_id FROM post_tags pt "     \
	"JOIN tags t ON t.id = pt.tag_id WHERE t.slug = ?6)) "                 \
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
	"SELECT " POST_FIELDS ", pg.score, pg.n "
	"FROM pg CROSS JOIN posts p ON p.id = pg.id "
	"LEFT JOIN sections s ON s.id = p.section_id "
	"LEFT JOIN users u ON u.id = p.author_id "
	"ORDER BY pg.score, pg.t DESC, pg.id DESC";

/* Posts holding the term, counted up to ?2. */
static const char SQL_TERM_DOCS[] =
	"SELECT count(*) FROM (SELECT 1 FROM posts_fts "
	"WHERE posts_fts MATCH ?1 LIMIT ?2)";

static const char SQL_SNIPPET[] =
	"SELECT highlight(posts_fts, 0, char(1), char(2)), "
	"snippet(posts_fts, 1, char(1), char(2), '…', ?3) "
	"FROM posts_fts WHERE posts_fts MATCH ?1 AND rowid = ?2";

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

/* ---- HTML to text ------------------------------------------------------ */

static int
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Tags that sit inside a word's run of text: dropped without a space, so
 * "<em>in</em>credible" stays one word. */
static int
inline_tag(const char *name, size_t n)
{
	static const char *const tags[] = {"a",    "abbr",  "b",    "bdi",
	                                   "bdo",  "cite",  "code", "del",
	                                   "dfn",  "em",    "i",    "ins",
	                                   "kbd",  "mark",  "q",    "s",
	                                   "samp", "small", "span", "strong",
	                                   "sub",  "sup",   "u",    "var"};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strlen(tags[i]) == n && strncasecmp(tags[i], name, n) == 0)
			return 1;
	return 0;
}

/* Append code point c as UTF-8; controls, surrogates and beyond U+10FFFF
 * as a space. */
static size_t
put_utf8(char *o, unsigned long c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0xd800 && c <= 0xdfff) ||
	    c > 0x10ffff) {
		o[0] = ' ';
		return 1;
	}
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * The character reference at s[0..n) (s[0] is '&'): its UTF-8 in o and
 * the bytes it took in *used; 0 when it is not one we decode (then the
 * '&' is text).  A reference is never longer than what it stands for, so
 * the text never outgrows the HTML.
 */
static size_t
entity(const char *s, size_t n, char *o, size_t *used)
{
	static const struct {
		const char *name;
		const char *text;
	} named[] = {{"&amp;", "&"},   {"&lt;", "<"},   {"&gt;", ">"},
	             {"&quot;", "\""}, {"&apos;", "'"}, {"&nbsp;", " "}};
	unsigned long c = 0;
	size_t i;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t k = strlen(named[i].name);

		if (k <= n && memcmp(s, named[i].name, k) == 0) {
			*used = k;
			memcpy(o, named[i].text, strlen(named[i].text));
			return strlen(named[i].text);
		}
	}
	if (n < 4 || s[1] != '#')
		return 0;
	i = 2;
	if (s[2] == 'x' || s[2] == 'X') {
		for (i = 3; i < n && i < 10; i++) {
			char h = s[i];

			if (h >= '0' && h <= '9')
				c = c * 16 + (unsigned long)(h - '0');
			else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
				c = c * 16 +
				    (unsigned long)((h | 0x20) - 'a' + 10);
			else
				break;
		}
		if (i == 3)
			return 0;
	} else {
		for (; i < n && i < 10 && s[i] >= '0' && s[i] <= '9'; i++)
			c = c * 10 + (unsigned long)(s[i] - '0');
		if (i == 2)
			return 0;
	}
	if (i >= n || s[i] != ';')
		return 0;
	*used = i + 1;
	return put_utf8(o, c);
}

const char *
store_html_text(struct arena *a, const char *html, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t i = 0, o = 0;

	while (i < n) {
		char c = html[i];

		if (c == '<' && i + 3 < n && memcmp(html + i, "<!--", 4) == 0) {
			const char *end = strstr(html + i + 4, "-->");

			i = end ? (size_t)(end - html) + 3 : n;
			out[o++] = ' ';
		} else if (c == '<' && i + 1 < n &&
		           (html[i + 1] == '/' || html[i + 1] == '!' ||
		            is_letter(html[i + 1]))) {
			size_t j = i + 1 + (html[i + 1] == '/'), k = j, name;
			char quote = 0;

			while (k < n && (is_letter(html[k]) ||
			                 (html[k] >= '0' && html[k] <= '9')))
				k++;
			name = k - j;
			while (k < n && !(quote == 0 && html[k] == '>')) {
				if (quote == 0 &&
				    (html[k] == '"' || html[k] == '\''))
					quote = html[k];
				else if (html[k] == quote)
					quote = 0;
				k++;
			}
			if (!inline_tag(html + j, name))
				out[o++] = ' ';
			i = k < n ? k + 1 : n;
		} else if (c == '&') {
			size_t used = 0,
			       w = entity(html + i, n - i, out + o, &used);

			if (w == 0) {
				out[o++] = '&';
				i++;
			} else {
				o += w;
				i += used;
			}
		} else {
			unsigned char u = (unsigned char)c;

			out[o++] = u < 0x20 || u == 0x7f ? ' ' : c;
			i++;
		}
	}
	out[o] = '\0';
	/* Runs of white space as one space, none at the ends. */
	{
		size_t r = 0, w = 0;
		int space = 1;

		for (; r < o; r++) {
			if (out[r] == ' ' || out[r] == '\t' || out[r] == '\n' ||
			    out[r] == '\r') {
				if (!space)
					out[w++] = ' ';
				space = 1;
			} else {
				out[w++] = out[r];
				space = 0;
			}
		}
		if (w > 0 && out[w - 1] == ' ')
			w--;
		out[w] = '\0';
	}
	return out;
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
search_page(struct conn *c, struct arena *a, const char *fts,
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
search_snippets(struct conn *c, struct arena *a, const char *fts,
                struct search_result *out, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, SQL_SNIPPET, e);

	if (st == NULL)
		return -1;
	for (size_t i = 0; i < out->n; i++) {
		struct search_hit *h = &out->hits[i];
		int step;

		bind_text(st, 1, fts);
		sqlite3_bind_int64(st, 2, h->post.id);
		sqlite3_bind_int(st, 3, LIM_SEARCH_SNIPPET_TOKENS);
		step = sqlite3_step(st);
		h->title_marked = step == SQLITE_ROW ? col_text(a, st, 0) : "";
		h->snippet = step == SQLITE_ROW ? col_text(a, st, 1) : "";
		stmt_done(st);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return db_error(e, c->db, "search snippet");
		if (*h->title_marked == '\0')
			h->title_marked = h->post.title;
	}
	return 0;
}

/*
 * A prefix query makes FTS5 read and merge the whole posting list of every
 * word the prefix starts before it can return a row, where an exact word
 * is read lazily, newest first, up to the limit.  So a last word that is
 * already in LIM_SEARCH_PREFIX_DOCS posts is searched as itself only: its
 * endings would add little to so many, and cost hundreds of milliseconds
 * for a word in most posts.
 */
static int
term_docs(struct conn *c, const char *term, int64_t *docs, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, SQL_TERM_DOCS, e);
	int step;

	*docs = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, term);
	sqlite3_bind_int(st, 2, LIM_SEARCH_PREFIX_DOCS);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*docs = sqlite3_column_int64(st, 0);
	stmt_done(st);
	return step == SQLITE_ROW ? 0 : db_error(e, c->db, "search");
}

int
store_search(struct store *s, struct arena *a, const struct search_query *q,
             struct search_result *out, struct error *e)
{
	struct search_parse info;
	const char *fts;
	int locked, rc = -1;
	struct conn *c;
	int64_t count = 0, docs;
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
	if (info.prefixed) {
		if (term_docs(c, info.last, &docs, e) == -1)
			goto out;
		if (docs >= LIM_SEARCH_PREFIX_DOCS)
			fts = search_query_fts(a, text, n, 0, &info);
	}
	/* A page past the end still needs the count: ask for the first. */
	if (limit > 0 &&
	    search_page(c, a, fts, q, limit, offset, out, &count, e) == -1)
		goto out;
	if (out->n == 0 &&
	    search_page(c, a, fts, q, 1, 0, out, &count, e) == -1)
		goto out;
	if (limit == 0 || offset >= count)
		out->n = 0;
	out->total = count > LIM_SEARCH_RESULTS ? LIM_SEARCH_RESULTS : count;
	out->more = count > LIM_SEARCH_RESULTS;
	rc = search_snippets(c, a, fts, out, e);
out:
	reader_put(s, locked);
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
	               store_html_text(a, body_html, strlen(body_html)));
	arena_free(a);
	return rc;
}

/*
 * Index one row of SEARCH_SOURCE_COLS (id, title, format, source, html,
 * excerpt, tags, author) read by st: the text readers see, as
 * store_search_body_set() has it (the rendered HTML; a post saved before it
 * had any falls back to its source).  text, when not NULL, is that HTML's
 * store_html_text() already.  On the writer; a is reset.
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
		          text ? text : store_html_text(a, html, strlen(html)));
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
