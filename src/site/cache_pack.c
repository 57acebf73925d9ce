/*
 * The page cache's packing: see cache_pack.h and cache.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache_pack.h"
#include "../util/alloc.h"
#include "../util/banned.h"

/* Each worker's zstd contexts, made when first needed. */
static pthread_key_t cctx_key, dctx_key, out_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void
free_cctx(void *p)
{
	ZSTD_freeCCtx(p);
}

static void
free_dctx(void *p)
{
	ZSTD_freeDCtx(p);
}

static void
ctx_keys(void)
{
	pthread_key_create(&cctx_key, free_cctx);
	pthread_key_create(&out_key, free);
	pthread_key_create(&dctx_key, free_dctx);
}

static ZSTD_CCtx *
thread_cctx(void)
{
	ZSTD_CCtx *z;

	pthread_once(&ctx_once, ctx_keys);
	z = pthread_getspecific(cctx_key);
	if (z == NULL && (z = ZSTD_createCCtx()) != NULL)
		pthread_setspecific(cctx_key, z);
	return z;
}

static ZSTD_DCtx *
thread_dctx(void)
{
	ZSTD_DCtx *z;

	pthread_once(&ctx_once, ctx_keys);
	z = pthread_getspecific(dctx_key);
	if (z == NULL && (z = ZSTD_createDCtx()) != NULL)
		pthread_setspecific(dctx_key, z);
	return z;
}

struct zdict *
zdict_new(const char *page, size_t len, uint64_t version, time_t at)
{
	struct zdict *d = xcalloc(1, sizeof(*d));

	d->c = ZSTD_createCDict(page, len, PACK_LEVEL);
	d->d = ZSTD_createDDict(page, len);
	if (d->c == NULL || d->d == NULL) {
		ZSTD_freeCDict(d->c);
		ZSTD_freeDDict(d->d);
		free(d);
		return NULL;
	}
	atomic_init(&d->refs, 1);
	d->version = version;
	d->at = at;
	d->bytes = ZSTD_sizeof_CDict(d->c) + ZSTD_sizeof_DDict(d->d);
	return d;
}

void
zdict_ref(struct zdict *d)
{
	if (d != NULL)
		atomic_fetch_add_explicit(&d->refs, 1, memory_order_relaxed);
}

void
zdict_unref(struct zdict *d)
{
	if (d != NULL &&
	    atomic_fetch_sub_explicit(&d->refs, 1, memory_order_acq_rel) == 1) {
		ZSTD_freeCDict(d->c);
		ZSTD_freeDDict(d->d);
		free(d);
	}
}

int
zunpack(const struct zdict *d, const char *z, size_t zlen, size_t len,
        struct buf *out)
{
	ZSTD_DCtx *x = thread_dctx();
	size_t n;

	if (x == NULL || buf_grow(out, len) == -1)
		return -1;
	n = ZSTD_decompress_usingDDict(x, out->p, len, z, zlen, d->d);
	if (ZSTD_isError(n) || n != len)
		return -1;
	out->len = n;
	out->p[n] = '\0';
	return 0;
}

/*
 * Each worker's room to pack into, kept: packed into a block of the
 * bound's size and shrunk by realloc, every page left a hole of some
 * 15 KB behind its ~1 KB, and the holes, filled by other blocks, kept
 * the heap tens of megabytes over what the cache counted.
 */
struct out {
	size_t cap;
	char p[];
};

static char *
thread_out(size_t n)
{
	struct out *o;

	pthread_once(&ctx_once, ctx_keys);
	o = pthread_getspecific(out_key);
	if (o == NULL || o->cap < n) {
		free(o);
		o = xmalloc(sizeof(*o) + n);
		o->cap = n;
		pthread_setspecific(out_key, o);
	}
	return o->p;
}

char *
zpack(const struct zdict *d, const char *body, size_t len, size_t *zlen)
{
	ZSTD_CCtx *x = thread_cctx();
	size_t bound = ZSTD_compressBound(len), n;
	char *out, *z;

	*zlen = 0;
	if (x == NULL)
		return NULL;
	out = thread_out(bound);
	n = ZSTD_compress_usingCDict(x, out, bound, body, len, d->c);
	if (ZSTD_isError(n) || n >= len / 2)
		return NULL;
	z = xmalloc(n);
	memcpy(z, out, n);
	*zlen = n;
	return z;
}
