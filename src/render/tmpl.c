#include <assert.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"
#include "html.h"
#include "../util/alloc.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/banned.h"

/*
 * A template compiles to a flat array of nodes.  A section's body is the
 * nodes between it and its end index, so nothing is freed recursively and
 * only rendering recurses, which LIM_TMPL_DEPTH bounds.  Text, names and
 * partial indentation point into the template's own copy of its source.
 */
enum node_kind {
	N_TEXT,
	N_VAR,      /* {{name}}: HTML-escaped */
	N_RAW,      /* {{{name}}} and {{& name}} */
	N_SECTION,  /* {{#name}} */
	N_INVERTED, /* {{^name}} */
	N_PARTIAL,  /* {{>name}} */
	N__MAX
};

struct node {
	enum node_kind kind;
	int standalone; /* partial: its tag stood alone on its line */
	const char *p;  /* text, or the tag's name */
	size_t n;
	uint32_t hash; /* var, section: tmpl_hash() of the name's first part */
	const char *ind; /* partial: whitespace before a standalone tag */
	size_t indn;
	size_t end; /* section, inverted: index just past the body */
};

struct tmpl {
	char *name;
	char *src;
	size_t srcn;
	struct node *v;
	size_t n, cap;
};

struct tmpl_set {
	struct tmpl **v;
	size_t n, cap;
};

/* Key k[0..kn), whose tmpl_hash() is h, in map m; NULL when absent or
 * m is no map. */
static const struct tval *
map_find(const struct tval *m, const char *k, size_t kn, uint32_t h, int *found)
{
	*found = 0;
	if (m == NULL || m->kind != TV_MAP)
		return NULL;
	for (size_t i = 0; i < m->u.map.n; i++) {
		const struct tkv *kv = &m->u.map.v[i];

		if (kv->hash == h && strncmp(kv->key, k, kn) == 0 &&
		    kv->key[kn] == '\0') {
			*found = 1;
			return kv->val;
		}
	}
	return NULL;
}

/* Compiling */

struct compiler {
	struct tmpl *t;
	struct error *e;
	size_t *open; /* node indexes of the sections still open */
	size_t nopen, capopen;
};

static size_t
line_of(const char *src, size_t pos)
{
	size_t line = 1;

	for (size_t i = 0; i < pos; i++)
		if (src[i] == '\n')
			line++;
	return line;
}

/* Names and excerpts in messages are cut short to fit struct error. */
#define MSG_NAME 64

static int compile_err(struct compiler *c, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
compile_err(struct compiler *c, size_t pos, const char *fmt, ...)
{
	char what[sizeof(((struct error *)NULL)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return error_set(c->e, ERR_INVALID, "template '%.*s' line %zu: %s",
	                 MSG_NAME, c->t->name, line_of(c->t->src, pos), what);
}

/* At most MSG_NAME bytes of a name, for "%.*s". */
static int
cut(size_t n)
{
	return (int)(n < MSG_NAME ? n : MSG_NAME);
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
	       ch == '\v' || ch == '\f';
}

static int
has_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_space(p[i]))
			return 1;
	return 0;
}

/*
 * Spec: tag content "MUST be a non-whitespace character sequence".  A dotted
 * name splits on periods, so no part may be empty; "." alone is the
 * implicit iterator.
 */
static int
name_ok(const char *p, size_t n, int dotted)
{
	if (n == 0 || has_space(p, n) || memchr(p, '\0', n) != NULL)
		return 0;
	if (!dotted || (n == 1 && p[0] == '.'))
		return 1;
	if (p[0] == '.' || p[n - 1] == '.')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (p[i] == '.' && p[i - 1] == '.')
			return 0;
	return 1;
}

static struct node *
node_add(struct compiler *c, enum node_kind kind, const char *p, size_t n)
{
	struct tmpl *t = c->t;
	struct node *nd;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	nd = &t->v[t->n++];
	memset(nd, 0, sizeof(*nd));
	nd->kind = kind;
	nd->p = p;
	nd->n = n;
	if (kind == N_VAR || kind == N_RAW || kind == N_SECTION ||
	    kind == N_INVERTED) {
		const char *dot = memchr(p, '.', n);

		nd->hash = tmpl_hash(p, dot != NULL ? (size_t)(dot - p) : n);
	}
	return nd;
}

static void
text_add(struct compiler *c, const char *p, size_t n)
{
	if (n > 0)
		node_add(c, N_TEXT, p, n);
}

/*
 * Spec ("standalone"): a section, inverted, end, comment, partial or
 * delimiter tag alone on its line, with only spaces and tabs around it,
 * takes its whole line with it.  text_start is where the pending text
 * begins, just after the previous tag; if the scan back reaches it without
 * a newline, that tag shares this line unless it ended one.  On success
 * *ls is the line's start and *le is just past its newline ("\n" or
 * "\r\n") or the end of the source.
 */
static int
standalone(const char *src, size_t n, size_t text_start, size_t t, size_t te,
           size_t *ls, size_t *le)
{
	size_t i = t;

	while (i > text_start && (src[i - 1] == ' ' || src[i - 1] == '\t'))
		i--;
	if (i > text_start) {
		if (src[i - 1] != '\n')
			return 0;
	} else if (i > 0 && src[i - 1] != '\n')
		return 0;
	*ls = i;
	i = te;
	while (i < n && (src[i] == ' ' || src[i] == '\t'))
		i++;
	if (i < n && src[i] == '\r' && i + 1 < n && src[i + 1] == '\n')
		i += 2;
	else if (i < n && src[i] == '\n')
		i++;
	else if (i < n)
		return 0;
	*le = i;
	return 1;
}

/* Spec (delimiters): "{{=<% %>=}}" sets two whitespace-free delimiters. */
static int
set_delims(struct compiler *c, size_t pos, const char *p, size_t n,
           const char **otag, size_t *olen, const char **ctag, size_t *clen)
{
	size_t i = 0, j;

	while (i < n && !is_space(p[i]))
		i++;
	j = i;
	while (j < n && is_space(p[j]))
		j++;
	if (i == 0 || j == i || j == n || has_space(p + j, n - j) ||
	    memchr(p, '=', n) != NULL)
		return compile_err(c, pos, "bad delimiter change '%.*s'",
		                   cut(n), p);
	*otag = p;
	*olen = i;
	*ctag = p + j;
	*clen = n - j;
	return 0;
}

static void
section_open(struct compiler *c, enum node_kind kind, const char *p, size_t n)
{
	if (c->nopen == c->capopen) {
		c->capopen = c->capopen ? c->capopen * 2 : 8;
		c->open = xrealloc(c->open, c->capopen * sizeof(*c->open));
	}
	c->open[c->nopen++] = c->t->n;
	node_add(c, kind, p, n);
}

/* ind[0..indn) is the whitespace before a standalone tag. */
static void
partial_add(struct compiler *c, const char *p, size_t n, int alone,
            const char *ind, size_t indn)
{
	struct node *nd = node_add(c, N_PARTIAL, p, n);

	nd->standalone = alone;
	if (alone) {
		nd->ind = ind;
		nd->indn = indn;
	}
}

static int
section_close(struct compiler *c, size_t pos, const char *p, size_t n)
{
	struct tmpl *t = c->t;
	struct node *open;

	if (c->nopen == 0)
		return compile_err(c, pos, "end tag '%.*s' without a section",
		                   cut(n), p);
	open = &t->v[c->open[c->nopen - 1]];
	if (open->n != n || memcmp(open->p, p, n) != 0)
		return compile_err(
			c, pos, "end tag '%.*s' does not match section '%.*s'",
			cut(n), p, cut(open->n), open->p);
	open->end = t->n;
	c->nopen--;
	return 0;
}

static int
compile(struct compiler *c)
{
	struct tmpl *t = c->t;
	const char *src = t->src;
	size_t n = t->srcn;
	const char *otag = "{{", *ctag = "}}";
	size_t olen = 2, clen = 2;
	size_t pos = 0, text_start = 0;
	char pat[LIM_TMPL_TAG_BYTES + 2];

	for (;;) {
		const char *hit, *close, *cp;
		size_t tpos, cs, te, ls = 0, le = 0, cn, patlen;
		char type = 0;
		int alone = 0;

		hit = memmem(src + pos, n - pos, otag, olen);
		if (hit == NULL)
			break;
		tpos = (size_t)(hit - src);
		cs = tpos + olen;
		if (cs < n && strchr("#^/!>=&{", src[cs]) != NULL &&
		    src[cs] != '\0')
			type = src[cs++];

		/* "{{{x}}}" ends in "}" plus the closing delimiter. */
		patlen = 0;
		if (type == '{' || type == '=')
			pat[patlen++] = type == '{' ? '}' : '=';
		memcpy(pat + patlen, ctag, clen);
		patlen += clen;
		close = memmem(src + cs, n - cs, pat, patlen);
		if (close == NULL)
			return compile_err(c, tpos, "unclosed tag '%.*s'",
			                   cut(n - tpos < 16 ? n - tpos : 16),
			                   hit);
		te = (size_t)(close - src) + patlen;
		cp = src + cs;
		cn = (size_t)(close - cp);
		if (type != '!' && cn > LIM_TMPL_TAG_BYTES)
			return compile_err(c, tpos, "tag longer than %d bytes",
			                   LIM_TMPL_TAG_BYTES);
		while (cn > 0 && is_space(cp[0])) {
			cp++;
			cn--;
		}
		while (cn > 0 && is_space(cp[cn - 1]))
			cn--;

		if (type != 0 && type != '&' && type != '{')
			alone = standalone(src, n, text_start, tpos, te, &ls,
			                   &le);
		if (alone) {
			text_add(c, src + text_start, ls - text_start);
			text_start = le;
		} else {
			text_add(c, src + text_start, tpos - text_start);
			text_start = te;
		}
		pos = text_start;

		switch (type) {
		case '!':
			break;
		case '=':
			if (set_delims(c, tpos, cp, cn, &otag, &olen, &ctag,
			               &clen) == -1)
				return -1;
			break;
		case '>':
			if (!name_ok(cp, cn, 0))
				return compile_err(c, tpos,
				                   "bad partial name '%.*s'",
				                   cut(cn), cp);
			partial_add(c, cp, cn, alone, src + ls,
			            alone ? tpos - ls : 0);
			break;
		case '#':
		case '^':
			if (!name_ok(cp, cn, 1))
				return compile_err(c, tpos,
				                   "bad section name '%.*s'",
				                   cut(cn), cp);
			section_open(c, type == '#' ? N_SECTION : N_INVERTED,
			             cp, cn);
			break;
		case '/':
			if (section_close(c, tpos, cp, cn) == -1)
				return -1;
			break;
		default:
			if (!name_ok(cp, cn, 1))
				return compile_err(c, tpos,
				                   "bad tag name '%.*s'",
				                   cut(cn), cp);
			node_add(c, type == 0 ? N_VAR : N_RAW, cp, cn);
			break;
		}
	}
	text_add(c, src + text_start, n - text_start);
	if (c->nopen > 0) {
		const struct node *open = &t->v[c->open[c->nopen - 1]];

		return compile_err(c, (size_t)(open->p - src),
		                   "unclosed section '%.*s'", cut(open->n),
		                   open->p);
	}
	return 0;
}

static void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->src);
	free(t->v);
	free(t);
}

struct tmpl_set *
tmpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_set));
}

void
tmpl_set_free(struct tmpl_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		tmpl_free(set->v[i]);
	free(set->v);
	free(set);
}

static struct tmpl *
set_find(const struct tmpl_set *set, const char *name, size_t n, size_t *idx)
{
	for (size_t i = 0; i < set->n; i++) {
		const char *tn = set->v[i]->name;

		if (strnlen(tn, n + 1) == n && memcmp(tn, name, n) == 0) {
			if (idx != NULL)
				*idx = i;
			return set->v[i];
		}
	}
	return NULL;
}

int
tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t n,
             struct error *e)
{
	struct compiler c;
	struct tmpl *t;
	size_t idx;
	int rc;

	if (n > LIM_TMPL_BYTES)
		return error_set(e, ERR_TOO_BIG,
		                 "template '%.*s' is over %d bytes", MSG_NAME,
		                 name, LIM_TMPL_BYTES);
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->src = xmalloc(n + 1);
	if (n > 0)
		memcpy(t->src, src, n);
	t->src[n] = '\0';
	t->srcn = n;

	memset(&c, 0, sizeof(c));
	c.t = t;
	c.e = e;
	rc = compile(&c);
	free(c.open);
	if (rc == -1) {
		tmpl_free(t);
		return -1;
	}

	if (set_find(set, name, strlen(name), &idx) != NULL) {
		tmpl_free(set->v[idx]);
		set->v[idx] = t;
		return 0;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->v = xrealloc(set->v, set->cap * sizeof(*set->v));
	}
	set->v[set->n++] = t;
	return 0;
}

int
tmpl_set_has(const struct tmpl_set *set, const char *name)
{
	return set_find(set, name, strlen(name), NULL) != NULL;
}

/* Rendering */

/*
 * Spec (partials): a standalone partial's indentation is "prepended to each
 * line of the partial".  Indentation nests: a standalone partial inside an
 * indented one gets both, outermost first.
 */
struct indent {
	const char *p;
	size_t n;
	const struct indent *up;
};

/*
 * Everything one render changes lives here, on the caller's stack; the set
 * is only read, so many threads may render from it at once.
 */
struct render {
	const struct tmpl_set *set;
	const char *name; /* the template asked for, for messages */
	struct buf *out;
	struct error *e;
	const struct tval *stack[LIM_TMPL_DEPTH + 1];
	size_t sp;
	int depth;
	const struct indent *ind;
	int bol; /* at the start of an output line that ind still owes */
};

static int
too_big(struct render *r)
{
	return error_set(r->e, ERR_TOO_BIG,
	                 "template '%.*s' output over %zu bytes", MSG_NAME,
	                 r->name, r->out->max);
}

static int
put_indent(struct render *r, const struct indent *ind)
{
	if (ind == NULL)
		return 0;
	if (put_indent(r, ind->up) == -1)
		return -1;
	return buf_add(r->out, ind->p, ind->n);
}

/* Pay the indentation owed before the first byte of a line. */
static int
flush_indent(struct render *r)
{
	if (r->bol && r->ind != NULL) {
		if (put_indent(r, r->ind) == -1)
			return too_big(r);
	}
	r->bol = 0;
	return 0;
}

/* Template text: every line it starts is indented. */
static int
put_text(struct render *r, const char *p, size_t n)
{
	if (r->ind == NULL) {
		/* Nothing to indent: the text as it is, in one piece. */
		if (buf_add(r->out, p, n) == -1)
			return too_big(r);
		r->bol = n > 0 && p[n - 1] == '\n';
		return 0;
	}
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t len = nl != NULL ? (size_t)(nl - p) + 1 : n;

		if (flush_indent(r) == -1)
			return -1;
		if (buf_add(r->out, p, len) == -1)
			return too_big(r);
		r->bol = nl != NULL;
		p += len;
		n -= len;
	}
	return 0;
}

/*
 * Reals print in the shortest of %.15g, %.16g and %.17g that reads back
 * as the same double, so 1.21 is "1.21" and 1.0 is "1".
 */
static void
fmt_real(double d, char *s, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(s, size, "%.*g", prec, d);
		if (!isfinite(d) || strtod(s, NULL) == d)
			return;
	}
}

/* Interpolated data is never indented, so newlines in it end no line. */
static int
put_val(struct render *r, const struct tval *v, int escape)
{
	char num[64];
	const char *p;
	size_t n;

	if (v == NULL)
		return 0;
	switch (v->kind) {
	case TV_BOOL:
		p = v->u.b ? "true" : "false";
		n = strlen(p);
		break;
	case TV_INT:
		n = num_format(v->u.i, num);
		p = num;
		break;
	case TV_REAL:
		fmt_real(v->u.r, num, sizeof(num));
		p = num;
		n = strlen(p);
		break;
	case TV_STR:
		p = v->u.s.p;
		n = v->u.s.n;
		break;
	default:
		/* null, and lists and maps, which have no text form */
		return 0;
	}
	if (n == 0)
		return 0;
	if (flush_indent(r) == -1)
		return -1;
	if ((escape ? html_escape(r->out, p, n) : buf_add(r->out, p, n)) == -1)
		return too_big(r);
	return 0;
}

/*
 * Spec (sections): data is coerced to a list "if the data is truthy (e.g.
 * `!!data == true`)"; we take that JavaScript test literally, as
 * mustache.js does, so null, false, 0, NaN and "" are falsey, and, as the
 * spec requires, so is an empty list.  Maps are always truthy.
 */
static int
truthy(const struct tval *v)
{
	if (v == NULL)
		return 0;
	switch (v->kind) {
	case TV_BOOL:
		return v->u.b;
	case TV_INT:
		return v->u.i != 0;
	case TV_REAL:
		return v->u.r != 0 && !isnan(v->u.r);
	case TV_STR:
		return v->u.s.n > 0;
	case TV_LIST:
		return v->u.list.n > 0;
	case TV_MAP:
		return 1;
	default:
		return 0;
	}
}

/*
 * Spec (interpolation, name resolution): "." is the top of the stack.
 * Otherwise the first part of a dotted name resolves against the first
 * context, top down, that has it as a key; each later part only against
 * the previous result.  A miss anywhere is NULL, which is falsey and
 * interpolates as "".
 */
static const struct tval *
lookup(const struct render *r, const struct node *nd)
{
	const struct tval *v = NULL;
	const char *p = nd->p, *dot;
	size_t n = nd->n, part;
	int found = 0;

	if (n == 1 && p[0] == '.')
		return r->sp > 0 ? r->stack[r->sp - 1] : NULL;
	dot = memchr(p, '.', n);
	part = dot != NULL ? (size_t)(dot - p) : n;
	for (size_t i = r->sp; i > 0 && !found; i--)
		v = map_find(r->stack[i - 1], p, part, nd->hash, &found);
	if (!found)
		return NULL;
	while (dot != NULL) {
		p = dot + 1;
		n -= part + 1;
		dot = memchr(p, '.', n);
		part = dot != NULL ? (size_t)(dot - p) : n;
		v = map_find(v, p, part, tmpl_hash(p, part), &found);
		if (!found)
			return NULL;
	}
	return v;
}

static int
enter(struct render *r, const struct node *nd)
{
	if (r->depth >= LIM_TMPL_DEPTH)
		return error_set(
			r->e, ERR_INVALID,
			"template nesting deeper than %d at '%.*s' in '%.*s'",
			LIM_TMPL_DEPTH, cut(nd->n), nd->p, MSG_NAME, r->name);
	r->depth++;
	return 0;
}

static int render_nodes(struct render *r, const struct tmpl *t, size_t i,
                        size_t end);

static int
render_with(struct render *r, const struct tmpl *t, const struct node *nd,
            size_t i, const struct tval *v)
{
	int rc;

	if (enter(r, nd) == -1)
		return -1;
	r->stack[r->sp++] = v;
	rc = render_nodes(r, t, i + 1, nd->end);
	r->sp--;
	r->depth--;
	return rc;
}

static int
render_partial(struct render *r, const struct node *nd)
{
	const struct tmpl *p;
	const struct indent *saved = r->ind;
	struct indent ind;
	int rc;

	p = set_find(r->set, nd->p, nd->n, NULL);
	if (p == NULL)
		return 0; /* spec: an unknown partial renders as nothing */
	if (enter(r, nd) == -1)
		return -1;
	if (nd->standalone) {
		ind.p = nd->ind;
		ind.n = nd->indn;
		ind.up = r->ind;
		r->ind = &ind;
		r->bol = 1;
	} else {
		/* Inline: the partial's lines are not this line's to indent. */
		if (flush_indent(r) == -1) {
			r->depth--;
			return -1;
		}
		r->ind = NULL;
	}
	rc = render_nodes(r, p, 0, p->n);
	r->ind = saved;
	r->depth--;
	return rc;
}

static int
render_nodes(struct render *r, const struct tmpl *t, size_t i, size_t end)
{
	while (i < end) {
		const struct node *nd = &t->v[i];
		const struct tval *v;

		switch (nd->kind) {
		case N_TEXT:
			if (put_text(r, nd->p, nd->n) == -1)
				return -1;
			break;
		case N_VAR:
		case N_RAW:
			if (put_val(r, lookup(r, nd), nd->kind == N_VAR) == -1)
				return -1;
			break;
		case N_SECTION:
			v = lookup(r, nd);
			if (!truthy(v))
				break;
			if (v->kind != TV_LIST) {
				if (render_with(r, t, nd, i, v) == -1)
					return -1;
				break;
			}
			for (size_t k = 0; k < v->u.list.n; k++)
				if (render_with(r, t, nd, i, v->u.list.v[k]) ==
				    -1)
					return -1;
			break;
		case N_INVERTED:
			if (truthy(lookup(r, nd)))
				break;
			if (enter(r, nd) == -1)
				return -1;
			if (render_nodes(r, t, i + 1, nd->end) == -1)
				return -1;
			r->depth--;
			break;
		case N_PARTIAL:
			if (render_partial(r, nd) == -1)
				return -1;
			break;
		default:
			break;
		}
		i = nd->kind == N_SECTION || nd->kind == N_INVERTED ? nd->end
		                                                    : i + 1;
	}
	return 0;
}

int
tmpl_render(const struct tmpl_set *set, const char *name,
            const struct tval *ctx, struct buf *out, struct error *e)
{
	struct render r;
	const struct tmpl *t;

	t = set_find(set, name, strlen(name), NULL);
	if (t == NULL)
		return error_set(e, ERR_NOT_FOUND, "template '%.*s' not found",
		                 MSG_NAME, name);
	r.set = set;
	r.name = name;
	r.out = out;
	r.e = e;
	r.sp = 0;
	if (ctx != NULL)
		r.stack[r.sp++] = ctx;
	r.depth = 0;
	r.ind = NULL;
	r.bol = 1;
	return render_nodes(&r, t, 0, t->n);
}
