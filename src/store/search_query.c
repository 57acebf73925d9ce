/*
 * The readers' search language (search_query.h) to an FTS5 expression.
 * Two passes: the query is split into terms and ORs, then the expression
 * is written from them, every term quoted.
 */
#include <string.h>

#include "search_query.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

/* Tokens of a query of LIM_SEARCH_QUERY_BYTES: a token takes at least one
 * byte and the space after it. */
#define MAX_TOKENS (LIM_SEARCH_QUERY_BYTES / 2 + 1)

enum tok_kind { TOK_WORD, TOK_PHRASE, TOK_OR };

struct tok {
	enum tok_kind kind;
	const char *p;
	size_t n;
	int neg;
};

static int
is_space(unsigned char c)
{
	return c == ' ' || c < 0x20 || c == 0x7f;
}

/* The code point at s[0..n) (valid UTF-8) and its length in *len. */
static unsigned
utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80 || n < 2) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
	}
	if (s[0] < 0xf0 && n >= 3) {
		*len = 3;
		return ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) |
		       (s[2] & 0x3fu);
	}
	if (n >= 4) {
		*len = 4;
		return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) |
		       ((s[2] & 0x3fu) << 6) | (s[3] & 0x3fu);
	}
	*len = 1;
	return s[0];
}

/*
 * Would the unicode61 tokenizer find a token in s[0..n)?  It keeps
 * letters, numbers and private-use characters.  ASCII is exact; beyond
 * it, the punctuation and symbol blocks readers are likely to type
 * (Latin-1 signs, general punctuation, arrows, shapes, CJK punctuation,
 * emoji) count as separators and everything else as a letter.  A miss
 * costs nothing worse than an empty result.
 */
static int
has_token(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;

	while (i < n) {
		unsigned c = utf8_decode(u + i, n - i, &len);

		i += len;
		if (c < 0x80) {
			if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z'))
				return 1;
			continue;
		}
		if (c >= 0xa0 && c <= 0xbf && c != 0xaa && c != 0xb2 &&
		    c != 0xb3 && c != 0xb5 && c != 0xb9 && c != 0xba &&
		    c < 0xbc)
			continue;
		if (c == 0xd7 || c == 0xf7 || (c >= 0x2000 && c <= 0x206f) ||
		    (c >= 0x2190 && c <= 0x23ff) ||
		    (c >= 0x2500 && c <= 0x27bf) ||
		    (c >= 0x3000 && c <= 0x303f) ||
		    (c >= 0xfe30 && c <= 0xfe4f) ||
		    (c >= 0xff01 && c <= 0xff0f) ||
		    (c >= 0x1f000 && c <= 0x1faff))
			continue;
		return 1;
	}
	return 0;
}

static size_t
utf8_chars(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	return k;
}

/* The query cut to the limit, invalid UTF-8 and controls as spaces. */
static char *
clean(struct arena *a, const char *q, size_t n, size_t *out_n, int *cut)
{
	char *c;
	size_t i = 0, o = 0;

	*cut = 0;
	if (n > LIM_SEARCH_QUERY_BYTES) {
		size_t k = utf8_cut(q, n, LIM_SEARCH_QUERY_BYTES);

		/* A cut inside invalid UTF-8 may find no boundary. */
		n = k > 0 ? k : LIM_SEARCH_QUERY_BYTES;
		*cut = 1;
	}
	c = arena_alloc(a, n + 1);
	while (i < n) {
		size_t ok = utf8_valid_len(q + i, n - i);

		memcpy(c + o, q + i, ok);
		o += ok;
		i += ok;
		if (i < n) {
			c[o++] = ' ';
			i++;
		}
	}
	for (size_t k = 0; k < o; k++)
		if (is_space((unsigned char)c[k]))
			c[k] = ' ';
	c[o] = '\0';
	*out_n = o;
	return c;
}

/* Split s[0..n) into toks; the count. */
static size_t
split(const char *s, size_t n, struct tok *toks, struct search_parse *info)
{
	size_t i = 0, nt = 0;

	while (i < n && nt < MAX_TOKENS) {
		struct tok t = {TOK_WORD, NULL, 0, 0};

		if (s[i] == ' ') {
			i++;
			continue;
		}
		if (s[i] == '-' && i + 1 < n && s[i + 1] != ' ') {
			t.neg = 1;
			i++;
		}
		if (s[i] == '"') {
			const char *end = memchr(s + i + 1, '"', n - i - 1);

			t.kind = TOK_PHRASE;
			t.p = s + i + 1;
			t.n = end ? (size_t)(end - t.p) : n - i - 1;
			i += t.n + (end ? 2 : 1);
		} else {
			t.p = s + i;
			while (i < n && s[i] != ' ' && s[i] != '"')
				i++;
			t.n = (size_t)(s + i - t.p);
		}
		if (t.kind == TOK_WORD && !t.neg && t.n == 2 &&
		    memcmp(t.p, "OR", 2) == 0) {
			t.kind = TOK_OR;
			toks[nt++] = t;
			continue;
		}
		if (!has_token(t.p, t.n))
			continue;
		if (info->terms == LIM_SEARCH_TERMS) {
			info->dropped++;
			continue;
		}
		info->terms++;
		if (!t.neg)
			info->positive++;
		toks[nt++] = t;
	}
	return nt;
}

static int
put_term(struct buf *b, const struct tok *t, int prefix)
{
	if (buf_putc(b, '"') == -1)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		if (t->p[i] == '"' && buf_putc(b, '"') == -1)
			return -1;
		if (buf_putc(b, t->p[i]) == -1)
			return -1;
	}
	return buf_puts(b, prefix ? "\"*" : "\"");
}

/*
 * The positive terms as groups joined by AND, each group its terms
 * joined by OR; then NOT (the exclusions joined by OR).
 */
/* Where each quoted term went in the expression. */
struct spans {
	size_t start[LIM_SEARCH_TERMS], end[LIM_SEARCH_TERMS];
	int n;
};

static int
put_phrase(struct buf *b, const struct tok *t, int prefix, struct spans *sp)
{
	size_t start = b->len;

	if (put_term(b, t, prefix) == -1)
		return -1;
	if (sp->n < LIM_SEARCH_TERMS) {
		sp->start[sp->n] = start;
		sp->end[sp->n++] = b->len;
	}
	return 0;
}

static int
write_expr(struct buf *b, const struct tok *toks, size_t nt, int prefix,
           int *applied, struct spans *sp)
{
	size_t last = nt;
	int in_group = 0, nneg = 0, npos = 0;

	/* The prefix goes on the query's last token when it is a word. */
	if (prefix && nt > 0 && toks[nt - 1].kind == TOK_WORD &&
	    !toks[nt - 1].neg &&
	    utf8_chars(toks[nt - 1].p, toks[nt - 1].n) >= LIM_SEARCH_PREFIX_MIN)
		last = nt - 1;
	for (size_t i = 0; i < nt; i++) {
		const struct tok *t = &toks[i];
		/* An OR joins this term to the group before when the token
		 * before it is an OR preceded by a positive term. */
		int joined = i >= 2 && toks[i - 1].kind == TOK_OR &&
		             toks[i - 2].kind != TOK_OR && !toks[i - 2].neg;

		if (t->kind == TOK_OR || t->neg)
			continue;
		if (joined) {
			if (buf_puts(b, " OR ") == -1)
				return -1;
		} else {
			if (in_group && buf_putc(b, ')') == -1)
				return -1;
			if (npos > 0 && buf_puts(b, " AND ") == -1)
				return -1;
			if (buf_putc(b, '(') == -1)
				return -1;
			in_group = 1;
		}
		if (put_phrase(b, t, i == last, sp) == -1)
			return -1;
		if (i == last)
			*applied = 1;
		npos++;
	}
	if (npos == 0)
		return 0;
	if (buf_putc(b, ')') == -1)
		return -1;
	for (size_t i = 0; i < nt; i++) {
		if (toks[i].kind == TOK_OR || !toks[i].neg)
			continue;
		if (buf_puts(b, nneg == 0 ? " NOT (" : " OR ") == -1 ||
		    put_phrase(b, &toks[i], 0, sp) == -1)
			return -1;
		nneg++;
	}
	if (nneg > 0 && buf_putc(b, ')') == -1)
		return -1;
	return 0;
}

const char *
search_query_fts(struct arena *a, const char *q, size_t n, int prefix,
                 struct search_parse *info)
{
	struct search_parse dummy;
	struct spans sp = {.n = 0};
	struct tok toks[MAX_TOKENS];
	struct buf b;
	const char *s, *out = "";
	size_t sn, nt;

	if (info == NULL)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	s = clean(a, q, n, &sn, &info->cut);
	nt = split(s, sn, toks, info);
	if (info->positive == 0)
		return "";
	/* Each byte doubled at most (quotes), plus the operators around
	 * each token. */
	buf_init(&b, 2 * sn + 16 * (nt + 1));
	if (write_expr(&b, toks, nt, prefix, &info->prefixed, &sp) == 0) {
		out = arena_strndup(a, buf_str(&b), b.len);
		info->nphrase = sp.n;
		/* Each its own string: the expression is copied once more
		 * and cut at the end of every term. */
		if (sp.n > 0) {
			char *cuts = arena_strndup(a, out, b.len);

			for (int i = 0; i < sp.n; i++) {
				cuts[sp.end[i]] = '\0';
				info->phrase[i] = cuts + sp.start[i];
			}
		}
	} else {
		info->prefixed = 0;
	}
	if (info->prefixed) {
		buf_reset(&b);
		if (put_term(&b, &toks[nt - 1], 0) == 0)
			info->last = arena_strndup(a, buf_str(&b), b.len);
		else
			info->prefixed = 0;
	}
	buf_release(&b);
	return out;
}
