#ifndef GAZETTE_SITE_CACHE_PACK_H
#define GAZETTE_SITE_CACHE_PACK_H
/*
 * The page cache's packing (cache.c): zstd against a dictionary that is
 * a page of the same site, so what every page repeats costs almost
 * nothing; each worker keeps its own zstd contexts.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <zstd.h>

#include "../util/buf.h"

/* With a dictionary, level 3 packed a 15 KB demo article in 11 µs to
 * 702 bytes, level 1 in 22-38 µs to 768, -1 in 13-22 µs to 803 (one
 * core of the 2-CPU machine; unpacking 2.5-4 µs). */
#define PACK_LEVEL 3

/* A packing dictionary, shared by the entries packed with it. */
struct zdict {
	atomic_int refs;
	ZSTD_CDict *c;
	ZSTD_DDict *d;
	uint64_t version;
	time_t at;
	size_t bytes;
};

/* A dictionary made of page (NULL if zstd cannot), one reference. */
struct zdict *zdict_new(const char *page, size_t len, uint64_t version,
                        time_t at);
void zdict_ref(struct zdict *d);
void zdict_unref(struct zdict *d);
/* body[0..len) packed with d, malloc'd, its size in *zlen; NULL when that
 * gains less than half or cannot be done. */
char *zpack(const struct zdict *d, const char *body, size_t len, size_t *zlen);
/* What zpack() made of a body of len bytes, into out; -1 if it cannot. */
int zunpack(const struct zdict *d, const char *z, size_t zlen, size_t len,
            struct buf *out);

#endif
