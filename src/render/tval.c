/*
 * Template values (tmpl.h): the tree of struct tval a handler builds in
 * its request's arena and tmpl_render() reads.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"
#include "../util/banned.h"

/*
 * FNV-1a over a key's bytes.  Map keys and the names in compiled tags
 * carry it, so a lookup, which tries every key of every context on the
 * stack until one matches, compares one number per key instead of
 * strings (issue 12: name lookup was a fifth of an article's render).
 */
uint32_t
tmpl_hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

/* The same over a C string, and its length. */
static uint32_t
hash_str(const char *s, size_t *len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	*len = i;
	return h;
}

static struct tval *
tval_new(struct arena *a, enum tval_kind kind)
{
	struct tval *v = arena_zalloc(a, sizeof(*v));

	v->kind = kind;
	return v;
}

struct tval *
tval_null(struct arena *a)
{
	return tval_new(a, TV_NULL);
}

struct tval *
tval_bool(struct arena *a, int b)
{
	struct tval *v = tval_new(a, TV_BOOL);

	v->u.b = b != 0;
	return v;
}

struct tval *
tval_int(struct arena *a, int64_t i)
{
	struct tval *v = tval_new(a, TV_INT);

	v->u.i = i;
	return v;
}

struct tval *
tval_real(struct arena *a, double r)
{
	struct tval *v = tval_new(a, TV_REAL);

	v->u.r = r;
	return v;
}

struct tval *
tval_str(struct arena *a, const char *s)
{
	if (s == NULL)
		s = "";
	return tval_strn(a, s, strlen(s));
}

struct tval *
tval_strn(struct arena *a, const char *s, size_t n)
{
	struct tval *v = tval_new(a, TV_STR);

	v->u.s.p = s != NULL ? s : "";
	v->u.s.n = s != NULL ? n : 0;
	return v;
}

struct tval *
tval_list(struct arena *a)
{
	return tval_new(a, TV_LIST);
}

struct tval *
tval_map(struct arena *a)
{
	return tval_new(a, TV_MAP);
}

/*
 * The arena cannot reallocate, so a full array is copied into one twice
 * its size; the old one is released with the arena.
 */
static void *
grow_array(struct arena *a, void *old, size_t n, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 4;
	void *p;

	if (ncap > ((size_t)-1) / 2 / size) {
		fprintf(stderr, "gazette: template value too large\n");
		abort();
	}
	p = arena_alloc(a, ncap * size);
	if (n > 0)
		memcpy(p, old, n * size);
	*cap = ncap;
	return p;
}

struct tval *
tval_push(struct arena *a, struct tval *list, struct tval *v)
{
	assert(list != NULL && list->kind == TV_LIST);
	if (list->u.list.n == list->u.list.cap)
		list->u.list.v =
			grow_array(a, list->u.list.v, list->u.list.n,
		                   &list->u.list.cap, sizeof(*list->u.list.v));
	list->u.list.v[list->u.list.n++] = v;
	return v;
}

struct tval *
tval_set(struct arena *a, struct tval *map, const char *key, struct tval *v)
{
	size_t len;
	uint32_t h;
	struct tkv *kv;

	assert(map != NULL && map->kind == TV_MAP && key != NULL);
	h = hash_str(key, &len);
	for (size_t i = 0; i < map->u.map.n; i++) {
		kv = &map->u.map.v[i];
		if (kv->hash == h && strcmp(kv->key, key) == 0) {
			kv->val = v;
			return v;
		}
	}
	if (map->u.map.n == map->u.map.cap)
		map->u.map.v =
			grow_array(a, map->u.map.v, map->u.map.n,
		                   &map->u.map.cap, sizeof(*map->u.map.v));
	kv = &map->u.map.v[map->u.map.n++];
	kv->key = key;
	kv->val = v;
	kv->hash = h;
	return v;
}

void
tval_set_str(struct arena *a, struct tval *m, const char *key, const char *s)
{
	tval_set(a, m, key, tval_str(a, s));
}

void
tval_set_int(struct arena *a, struct tval *m, const char *key, int64_t i)
{
	tval_set(a, m, key, tval_int(a, i));
}

void
tval_set_bool(struct arena *a, struct tval *m, const char *key, int b)
{
	tval_set(a, m, key, tval_bool(a, b));
}

struct tval *
tval_get(const struct tval *m, const char *key)
{
	size_t len;
	uint32_t h = hash_str(key, &len);

	if (m == NULL || m->kind != TV_MAP)
		return NULL;
	for (size_t i = 0; i < m->u.map.n; i++)
		if (m->u.map.v[i].hash == h &&
		    strcmp(m->u.map.v[i].key, key) == 0)
			return m->u.map.v[i].val;
	return NULL;
}
