/*
 * search.h on SQLite: full-text search over posts_fts (migration 005).
 * The triggers of that migration keep the index in step with posts, tags
 * and users; this file reads it, sets a post's body text from its HTML,
 * and makes it all again for `gazette search reindex` and whenever the
 * language setting asks for another stemmer than the one it was made with
 * (gazette_stem, store_search_stem.c; decision 088).
 *
 * Ranking: bm25 with the title weighted far above the body.  A query
 * matching more than LIM_SEARCH_RESULTS items ranks only the newest of
 * them (by id, the order FTS5 keeps its lists in, so it can stop early):
 * scoring every post that holds a common word would cost milliseconds per
 * thousand posts, and readers of a news site want the recent ones.
 *
 * The ranking and the snippets are our own FTS5 functions,
 * search_rank() and search_snippet() (store_search_fts.c): bm25() and
 * snippet() with what they did in vain left out (docs/ARCHITECTURE.md,
 * "Search speed").
 *
 * A PostgreSQL store's search, reindex and language sync are
 * store_search_pg.c's (decision 096); store_search_body_set's UPDATE
 * reads the same on both.
 */
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "search.h"
#include "search_pg.h"
#include "search_query.h"
#include "../util/alloc.h"
#include "../util/buf.h"
#include "../util/html_text.h"
#include "../util/limits.h"
#include "../util/log.h"
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
 * same index.  The cache of term counts below is kept per record and per
 * schema version: an index rebuilt for another language (a new table)
 * may start again with the record an old one had.
 */
static const char SQL_INDEX_VERSION[] =
	"SELECT block, (SELECT schema_version FROM pragma_schema_version) "
	"FROM posts_fts_data WHERE id = 10";

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
         "posts (posts_protected) are read once",
         STMT_NONE},
	{"search_term_docs", SQL_TERM_DOCS, NULL, STMT_NONE},
	{"search_index_version", SQL_INDEX_VERSION, NULL, STMT_NONE},
	{"search_snippets", SQL_SNIPPETS, NULL, STMT_NONE},
	{NULL, NULL, NULL, NULL},
};

static const char SQL_BODY_SET[] =
	"UPDATE posts_fts SET body = ?2 WHERE rowid = ?1";

/* The tokenizer posts_fts was made with (SEARCH_TOKENIZER and its
 * language), as its CREATE statement says. */
static const char SQL_INDEX_SCHEMA[] =
	"SELECT sql FROM sqlite_master WHERE type = 'table' "
	"AND name = 'posts_fts'";
static const char SQL_LANGUAGE[] =
	"SELECT value FROM settings WHERE key = 'language'";
static const char SQL_REINDEX_POSTS[] =
	"SELECT " SEARCH_SOURCE_COLS "FROM posts p ORDER BY p.id";
static const char SQL_REINDEX_ADD[] =
	"INSERT INTO posts_fts(rowid, title, body, excerpt, tags, author) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_OPTIMIZE[] =
	"INSERT INTO posts_fts(posts_fts) VALUES ('optimize')";

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

		int64_t schema = sqlite3_column_int64(st, 1);

		*n = (size_t)sqlite3_column_bytes(st, 0);
		copy = arena_alloc(a, *n + sizeof(schema) + 1);
		if (*n > 0)
			memcpy(copy, sqlite3_column_blob(st, 0), *n);
		memcpy(copy + *n, &schema, sizeof(schema));
		*n += sizeof(schema);
		*v = copy;
	}
	stmt_done(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(e, c->db, "search");
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
	search_insts_reset(si);
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

	if (store_engine(s) == DB_PG)
		return store_search_pg(s, a, q, out, e);
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

void
search_language_of(const char *tag, char out[SEARCH_LANG_BYTES + 1])
{
	size_t n = 0;

	while (tag != NULL && n < SEARCH_LANG_BYTES + 1 &&
	       ((tag[n] >= 'a' && tag[n] <= 'z') ||
	        (tag[n] >= 'A' && tag[n] <= 'Z')))
		n++;
	if (tag == NULL || n < 2 || n > SEARCH_LANG_BYTES ||
	    (tag[n] != '\0' && tag[n] != '-' && tag[n] != '_')) {
		memcpy(out, SEARCH_LANG_DEFAULT, sizeof(SEARCH_LANG_DEFAULT));
		return;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(tag[i] | 0x20);
	out[n] = '\0';
}

/* On the writer: the first column of sql's one row (or NULL) into out. */
static int
writer_text(struct store *s, const char *sql, char *out, size_t cap,
            struct error *e)
{
	sqlite3_stmt *st = conn_stmt(&s->w, sql, e);
	int step;

	*out = '\0';
	if (st == NULL)
		return -1;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		snprintf(out, cap, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	stmt_done(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(e, s->w.db, "reading the search language");
	return 0;
}

/* The language the language setting asks the index for. */
static int
language_wanted(struct store *s, char out[SEARCH_LANG_BYTES + 1],
                struct error *e)
{
	char tag[256];

	if (writer_text(s, SQL_LANGUAGE, tag, sizeof(tag), e) == -1)
		return -1;
	search_language_of(*tag ? tag : NULL, out);
	return 0;
}

/* The language posts_fts was made for: "" when it was not made by
 * index_make() (migration 023 leaves it so, to be filled on open). */
static int
language_built(struct store *s, char out[SEARCH_LANG_BYTES + 1],
               struct error *e)
{
	char sql[1024];
	const char *p;
	size_t n = 0;

	*out = '\0';
	if (writer_text(s, SQL_INDEX_SCHEMA, sql, sizeof(sql), e) == -1)
		return -1;
	p = strstr(sql, "'" SEARCH_TOKENIZER " ");
	if (p == NULL)
		return 0;
	p += strlen("'" SEARCH_TOKENIZER " ");
	while (n < SEARCH_LANG_BYTES && p[n] >= 'a' && p[n] <= 'z')
		out[n] = p[n], n++;
	out[n] = '\0';
	return 0;
}

/*
 * Make posts_fts again, its tokenizer given lang (search_language_of's,
 * so only letters reach the SQL), and index every post.  Inside the
 * caller's transaction: the triggers of migration 005 name the table and
 * keep working on the new one.
 */
static int
index_make(struct store *s, const char *lang, int64_t *n, struct error *e)
{
	char sql[512];
	sqlite3_stmt *list;
	struct arena *a;
	int step, rc = -1;

	*n = 0;
	snprintf(sql, sizeof(sql),
	         "DROP TABLE IF EXISTS posts_fts; "
	         "CREATE VIRTUAL TABLE posts_fts USING fts5("
	         "title, body, excerpt, tags, author, "
	         "tokenize = '" SEARCH_TOKENIZER " %s')",
	         lang);
	if (conn_exec(&s->w, sql, e) == -1)
		return -1;
	list = conn_stmt(&s->w, SQL_REINDEX_POSTS, e);
	if (list == NULL)
		return -1;
	a = arena_new();
	while ((step = sqlite3_step(list)) == SQLITE_ROW) {
		if (search_index_row(s, a, list, NULL, e) == -1) {
			stmt_done(list);
			goto out;
		}
		(*n)++;
	}
	stmt_done(list);
	if (step != SQLITE_DONE) {
		db_error(e, s->w.db, "reading posts");
		goto out;
	}
	rc = write_one(s, SQL_OPTIMIZE, "optimizing the index", NULL, e, "");
out:
	arena_free(a);
	return rc;
}

int
store_search_reindex(struct store *s, int64_t *n, struct error *e)
{
	char lang[SEARCH_LANG_BYTES + 1];

	if (store_engine(s) == DB_PG)
		return store_search_reindex_pg(s, n, e);
	*n = 0;
	if (store_begin(s, e) == -1)
		return -1;
	if (language_wanted(s, lang, e) == -1 ||
	    index_make(s, lang, n, e) == -1) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

int
search_language_sync(struct store *s, struct error *e)
{
	char want[SEARCH_LANG_BYTES + 1], have[SEARCH_LANG_BYTES + 1];
	int64_t n = 0;
	int rc;

	if (store_engine(s) == DB_PG)
		return search_language_sync_pg(s, e);
	/* A look first, without the write lock another process may hold
	 * (an import): nearly every open finds the index as it should be. */
	writer_lock(s);
	rc = language_wanted(s, want, e);
	if (rc == 0)
		rc = language_built(s, have, e);
	writer_unlock(s);
	if (rc == -1)
		return -1;
	if (strcmp(want, have) == 0)
		return 0;
	if (store_begin(s, e) == -1)
		return -1;
	if (language_wanted(s, want, e) == -1 ||
	    language_built(s, have, e) == -1)
		goto fail;
	if (strcmp(want, have) != 0) {
		if (index_make(s, want, &n, e) == -1)
			goto fail;
		if (*have != '\0')
			log_info("search index made again for language '%s' "
			         "(was '%s'): %lld posts",
			         want, have, (long long)n);
	}
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}
