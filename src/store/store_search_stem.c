/*
 * gazette_stem: the FTS5 tokenizer of posts_fts (decision 088).  It wraps
 * unicode61 with remove_diacritics 2, which still finds the words and
 * folds case and Latin accents, and adds what unicode61 misses: Ё and ё
 * fold to е, and each word is stemmed by the Snowball stemmer (Debian's
 * libstemmer) of the language its argument names ("gazette_stem ru"),
 * so "санкциями" finds "санкции" and "sanctions" finds "sanction".  A
 * language Snowball has no stemmer for, or no argument, only folds.
 *
 * A reader's last word is a prefix (search_query.h), and a prefix must
 * not be stemmed: "electi" would find nothing (the index holds "elect")
 * and "election", as "elect*", would find "electricity".  So the index
 * keeps both: each word as it is (folded) and, at the same position, its
 * stem with STEM_END after it.  A word whose stem is itself is kept once,
 * as the stem.  A whole word of a query is looked for as its stem; a
 * prefix as the word's prefix, which STEM_END does not stop, together
 * with the stem of the word as typed, which STEM_END makes exact (no
 * other stem starts with it).  Snippets and highlights mark the words of
 * the text, never their stems: FTS5 gives them the offsets in the column.
 */
#include <libstemmer.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../util/alloc.h"
#include "../util/banned.h"

/* After every stem in the index: a byte no word holds (unicode61 makes
 * control characters separators). */
#define STEM_END '\x03'

struct stem_tok {
	fts5_tokenizer inner_api; /* unicode61's methods */
	Fts5Tokenizer *inner;
	struct sb_stemmer *stemmer; /* NULL: fold only */
	char *buf;                  /* the folded word, then its stem */
	size_t cap;
};

struct stem_run {
	struct stem_tok *t;
	void *ctx;
	int (*token)(void *, int, const char *, int, int, int);
	int flags; /* FTS5_TOKENIZE_* */
};

static void
stem_delete(Fts5Tokenizer *p)
{
	struct stem_tok *t = (struct stem_tok *)p;

	if (t == NULL)
		return;
	if (t->inner != NULL)
		t->inner_api.xDelete(t->inner);
	if (t->stemmer != NULL)
		sb_stemmer_delete(t->stemmer);
	free(t->buf);
	free(t);
}

static int
stem_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	const char *inner_args[] = {"remove_diacritics", "2"};
	fts5_api *api = ctx;
	struct stem_tok *t;
	void *inner_ctx = NULL;
	int rc;

	*out = NULL;
	if (argc > 1)
		return SQLITE_ERROR;
	t = xcalloc(1, sizeof(*t));
	rc = api->xFindTokenizer(api, "unicode61", &inner_ctx, &t->inner_api);
	if (rc == SQLITE_OK)
		rc = t->inner_api.xCreate(inner_ctx, inner_args, 2, &t->inner);
	if (rc != SQLITE_OK) {
		stem_delete((Fts5Tokenizer *)t);
		return rc;
	}
	/* sb_stemmer_new() knows ISO 639 codes ("en", "ru") as well as
	 * names; NULL for a language it has no stemmer for. */
	if (argc == 1 && argv[0][0] != '\0')
		t->stemmer = sb_stemmer_new(argv[0], "UTF_8");
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

/* Room for n bytes in t->buf. */
static void
stem_room(struct stem_tok *t, size_t n)
{
	if (n <= t->cap)
		return;
	t->cap = n < 64 ? 64 : 2 * n;
	t->buf = xrealloc(t->buf, t->cap);
}

/*
 * tok[0..n) (lower case, Latin accents gone: unicode61's work) into
 * t->buf with Ё and ё as е; its length.  Each is two bytes, as е is.
 */
static size_t
stem_fold(struct stem_tok *t, const char *tok, size_t n)
{
	stem_room(t, 2 * n + 2);
	memcpy(t->buf, tok, n);
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char a = (unsigned char)t->buf[i],
			      b = (unsigned char)t->buf[i + 1];

		if ((a == 0xd1 && b == 0x91) || (a == 0xd0 && b == 0x81)) {
			t->buf[i] = (char)0xd0;
			t->buf[i + 1] = (char)0xb5;
			i++;
		}
	}
	return n;
}

/* The stem of t->buf[0..n) with STEM_END, placed after it in t->buf;
 * its length in *sn.  Without a stemmer, the word itself. */
static const char *
stem_of(struct stem_tok *t, size_t n, size_t *sn)
{
	const sb_symbol *s = NULL;
	size_t len = n;
	char *dst;

	if (t->stemmer != NULL && n <= INT_MAX) {
		s = sb_stemmer_stem(t->stemmer, (const sb_symbol *)t->buf,
		                    (int)n);
		if (s != NULL)
			len = (size_t)sb_stemmer_length(t->stemmer);
	}
	/* A stem is never longer than its word; n + 1 more bytes fit. */
	if (len > n)
		len = n, s = NULL;
	dst = t->buf + n;
	memcpy(dst, s != NULL ? (const char *)s : t->buf, len);
	dst[len] = STEM_END;
	*sn = len + 1;
	return dst;
}

static int
stem_token(void *ctx, int tflags, const char *tok, int ntok, int start, int end)
{
	struct stem_run *r = ctx;
	struct stem_tok *t = r->t;
	size_t n, sn;
	const char *stem;
	int same;

	/* Snippets and highlights (FTS5_TOKENIZE_AUX) want only where the
	 * words are, one position each, as the index has them: stemming
	 * every word they read tripled the cost of a page of results. */
	if (ntok <= 0 || (r->flags & FTS5_TOKENIZE_AUX))
		return r->token(r->ctx, tflags, tok, ntok, start, end);
	n = stem_fold(t, tok, (size_t)ntok);
	stem = stem_of(t, n, &sn);
	same = sn == n + 1 && memcmp(stem, t->buf, n) == 0;
	if ((r->flags & FTS5_TOKENIZE_QUERY) &&
	    !(r->flags & FTS5_TOKENIZE_PREFIX))
		return r->token(r->ctx, tflags, stem, (int)sn, start, end);
	/* The index, and a prefix: the word (whose prefix also finds its
	 * stem when that is the word itself), then its stem beside it. */
	if (same && !(r->flags & FTS5_TOKENIZE_PREFIX))
		return r->token(r->ctx, tflags, stem, (int)sn, start, end);
	{
		int rc = r->token(r->ctx, tflags, t->buf, (int)n, start, end);

		if (rc != SQLITE_OK || same)
			return rc;
	}
	return r->token(r->ctx, tflags | FTS5_TOKEN_COLOCATED, stem, (int)sn,
	                start, end);
}

static int
stem_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
              int (*token)(void *, int, const char *, int, int, int))
{
	struct stem_tok *t = (struct stem_tok *)p;
	struct stem_run r = {t, ctx, token, flags};

	return t->inner_api.xTokenize(t->inner, &r, flags, text, n, stem_token);
}

int
search_tokenizer_add(fts5_api *api, struct error *e)
{
	fts5_tokenizer tok = {stem_create, stem_delete, stem_tokenize};

	if (api->xCreateTokenizer(api, SEARCH_TOKENIZER, api, &tok, NULL) !=
	    SQLITE_OK)
		return error_set(e, ERR_IO, "cannot add the %s tokenizer",
		                 SEARCH_TOKENIZER);
	return 0;
}
