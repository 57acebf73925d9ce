#ifndef GAZETTE_TMPL_H
#define GAZETTE_TMPL_H
/*
 * Mustache templates (https://mustache.github.io/mustache.5.html), checked
 * against the official spec: variables HTML-escaped by default, {{{raw}}} and
 * {{& raw}}, sections, inverted sections, partials (with standalone-line
 * indentation), comments, set delimiters, dotted names and the implicit
 * iterator {{.}}.  Lambdas are not supported.
 *
 * A tmpl_set holds named templates compiled once at start-up; after that it
 * is read-only and many threads may render from it at once.  Partials are
 * looked up by name in the same set at render time; an unknown partial
 * renders as nothing, as the spec requires.
 *
 * The data is a tree of struct tval, built in the request's arena.
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/error.h"

enum tval_kind {
	TV_NULL,
	TV_BOOL,
	TV_INT,
	TV_REAL,
	TV_STR,
	TV_LIST,
	TV_MAP,
	TV__MAX
};

struct tval;

/* FNV-1a over p[0..n): what struct tkv's hash holds of its key. */
uint32_t tmpl_hash(const char *p, size_t n);

struct tkv {
	const char *key;
	struct tval *val;
	uint32_t hash; /* tmpl_hash() of key: a lookup compares it first */
};

struct tval {
	enum tval_kind kind;
	union {
		int b;
		int64_t i;
		double r;
		struct {
			const char *p; /* not copied: must outlive rendering */
			size_t n;
		} s;
		struct {
			struct tval **v;
			size_t n, cap;
		} list;
		struct {
			struct tkv *v;
			size_t n, cap;
		} map;
	} u;
};

/* Builders; every node lives in arena a.  Strings are referenced, not
 * copied (use arena_strdup first when the source is short-lived). */
struct tval *tval_null(struct arena *a);
struct tval *tval_bool(struct arena *a, int b);
struct tval *tval_int(struct arena *a, int64_t i);
struct tval *tval_real(struct arena *a, double r);
struct tval *tval_str(struct arena *a, const char *s); /* NULL -> "" */
struct tval *tval_strn(struct arena *a, const char *s, size_t n);
struct tval *tval_list(struct arena *a);
struct tval *tval_map(struct arena *a);
/* Append to a list; returns v. */
struct tval *tval_push(struct arena *a, struct tval *list, struct tval *v);
/* Set key in a map (a later set of the same key wins); returns v. */
struct tval *tval_set(struct arena *a, struct tval *map, const char *key,
                      struct tval *v);
/* Shorthands for tval_set(a, m, key, tval_str/int/bool(...)). */
void tval_set_str(struct arena *a, struct tval *m, const char *key,
                  const char *s);
void tval_set_int(struct arena *a, struct tval *m, const char *key, int64_t i);
void tval_set_bool(struct arena *a, struct tval *m, const char *key, int b);
/* Look up key in a map (not dotted); NULL when absent or m is no map. */
struct tval *tval_get(const struct tval *m, const char *key);

struct tmpl_set;

struct tmpl_set *tmpl_set_new(void);
void tmpl_set_free(struct tmpl_set *set);
/*
 * Compile src[0..n) under name, replacing a template of the same name.
 * Errors (ERR_INVALID) name the template and line: an unclosed tag or
 * section, a mismatched section end, a bad delimiter change, a tag over
 * LIM_TMPL_TAG_BYTES; ERR_TOO_BIG past LIM_TMPL_BYTES.
 */
int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src,
                 size_t n, struct error *e);
int tmpl_set_has(const struct tmpl_set *set, const char *name);
/*
 * Render template name with ctx as the top of the context stack, appending
 * to out.  -1 with ERR_NOT_FOUND for an unknown name, ERR_TOO_BIG when out
 * reaches its cap, ERR_INVALID when sections or partials nest deeper than
 * LIM_TMPL_DEPTH (a partial that includes itself).
 */
int tmpl_render(const struct tmpl_set *set, const char *name,
                const struct tval *ctx, struct buf *out, struct error *e);

#endif
