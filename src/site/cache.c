/*
 * A cache of whole anonymous GET responses, so a page read again costs a
 * hash lookup and a copy rather than queries and a render.
 *
 * What invalidates what (docs/ARCHITECTURE.md, "Page cache"):
 *  - any change to content (a post saved or published, settings,
 *    sections, blocks; any commit by another process) moves
 *    store_generation(), and every entry made before it is stale;
 *  - a comment added or moderated moves only its post's version
 *    (store_post_version()): entries that show that post's comments (its
 *    page, its comment pages, its comment feed) name it as their `dep`
 *    and go stale; every other page stays;
 *  - view counts move nothing: a page may show a count up to
 *    PAGE_CACHE_SECONDS old (the beacon's answer updates it in the page),
 *    and so may lists their comment counts;
 *  - every entry is dropped PAGE_CACHE_SECONDS after it was made.  The
 *    age bound is long on purpose: a page carries the comment form's
 *    render stamp, so every re-render makes a new ETag, and a page
 *    re-rendered every second could never be revalidated with a 304.
 *
 * One cache for all workers behind a reader-writer lock: a hit takes the
 * read lock, only a fill (or a gzip variant made for a hit) takes the
 * write lock.  It was per thread once, without a lock, but then each
 * worker rendered its own copy with its own stamp, and a reader
 * revalidating on another worker got a 200 where a 304 was due.
 *
 * Entries live in a chained hash table and in a ring swept by CLOCK (an
 * entry read since the hand last passed it gets another round), within a
 * byte budget (`cache_mb` in gazette.conf) that counts everything an
 * entry allocates, so the process's memory stays near the budget however
 * many pages a site has.  An entry is one allocation (its key, headers and
 * body) plus its gzip variant, which is made the first time a reader
 * asks for it, never for readers that do not.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "../util/alloc.h"
#include "../util/banned.h"

#define PAGE_CACHE_SECONDS 60
#define PAGE_CACHE_MAX     (4 * 1024 * 1024) /* bytes of one entry's body */
/* What malloc keeps beside each block it hands out (its header), counted
 * as used on top of the block's usable size. */
#define MALLOC_OVERHEAD 16

struct entry {
	struct entry *next;          /* hash chain */
	struct entry *older, *newer; /* the CLOCK ring */
	atomic_int used;             /* read since the hand passed */
	uint64_t hash;
	size_t bytes;             /* counted against the budget */
	const char *key;          /* in the same block */
	uint64_t version, clock0; /* store numbers before rendering */
	int64_t dep;              /* a post whose comments it shows */
	time_t at;
	int status;
	const char *content_type;
	struct header headers[16];
	size_t nheaders;
	const char *cache_control; /* NULL: the default */
	char etag[24];
	int64_t last_modified;
	const char *body;
	size_t len;
	char *gz; /* NULL until a reader asks for gzip */
	size_t gzlen;
	int gzippable; /* resp.gzippable; 0 also when gzip gained nothing */
};

struct page_cache {
	pthread_rwlock_t lock;
	struct entry **buckets;
	size_t mask;        /* buckets - 1, a power of two less one */
	struct entry *hand; /* the ring's next candidate for eviction */
	size_t bytes, budget, n;
};

struct page_cache *
cache_new(size_t budget)
{
	struct page_cache *c = xcalloc(1, sizeof(*c));
	size_t nb = 1024;

	/* About one bucket per 8 KiB of budget: chains stay short. */
	while (nb < budget / 8192 && nb < ((size_t)1 << 24))
		nb *= 2;
	c->buckets = xcalloc(nb, sizeof(*c->buckets));
	c->mask = nb - 1;
	c->budget = budget;
	pthread_rwlock_init(&c->lock, NULL);
	return c;
}

static void
entry_free(struct entry *en)
{
	free(en->gz);
	free(en);
}

/* Out of the table and the ring, its bytes given back; not freed. */
static void
entry_unlink(struct page_cache *c, struct entry *en)
{
	struct entry **pp = &c->buckets[en->hash & c->mask];

	while (*pp != en)
		pp = &(*pp)->next;
	*pp = en->next;
	if (en->newer == en)
		c->hand = NULL;
	else {
		en->older->newer = en->newer;
		en->newer->older = en->older;
		if (c->hand == en)
			c->hand = en->newer;
	}
	c->bytes -= en->bytes;
	c->n--;
}

void
cache_free(struct page_cache *c)
{
	if (c == NULL)
		return;
	while (c->hand != NULL) {
		struct entry *en = c->hand;

		entry_unlink(c, en);
		entry_free(en);
	}
	free(c->buckets);
	pthread_rwlock_destroy(&c->lock);
	free(c);
}

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static uint64_t
key_hash(const char *key)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (const char *p = key; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h;
}

static struct entry *
lookup(struct page_cache *c, const char *key, uint64_t h)
{
	for (struct entry *en = c->buckets[h & c->mask]; en; en = en->next)
		if (en->hash == h && strcmp(en->key, key) == 0)
			return en;
	return NULL;
}

static int
fresh(struct site *s, const struct entry *en, uint64_t version)
{
	return en->version == version &&
	       (en->dep == 0 ||
	        store_post_version(s->store, en->dep) <= en->clock0) &&
	       mono_now() - en->at < PAGE_CACHE_SECONDS;
}

/* Evict round the ring until need more bytes fit, sparing keep. */
static void
make_room(struct page_cache *c, size_t need, const struct entry *keep)
{
	while (c->hand != NULL && c->bytes + need > c->budget) {
		struct entry *en = c->hand;

		if (en == keep && en->newer == en)
			break;
		if (en == keep ||
		    atomic_exchange_explicit(&en->used, 0,
		                             memory_order_relaxed)) {
			c->hand = en->newer;
			continue;
		}
		entry_unlink(c, en);
		entry_free(en);
	}
}

/*
 * The gzip variant of a hit that lacks one, made outside the lock and
 * kept with the entry if it is still the same entry.
 */
static void
gzip_for_entry(struct site *s, const char *key, uint64_t h, uint64_t version,
               time_t at, struct resp *rs)
{
	struct page_cache *c = s->cache;
	struct entry *en;

	resp_gzip(rs);
	pthread_rwlock_wrlock(&c->lock);
	en = lookup(c, key, h);
	if (en != NULL && en->version == version && en->at == at &&
	    en->gz == NULL && en->gzippable) {
		if (rs->gz.len == 0)
			en->gzippable = 0;
		else if (rs->gz.len + MALLOC_OVERHEAD <= c->budget) {
			size_t b;

			en->gz = xmalloc(rs->gz.len);
			b = malloc_usable_size(en->gz) + MALLOC_OVERHEAD;
			make_room(c, b, en);
			memcpy(en->gz, rs->gz.p, rs->gz.len);
			en->gzlen = rs->gz.len;
			en->bytes += b;
			c->bytes += b;
		}
	}
	pthread_rwlock_unlock(&c->lock);
}

/*
 * The entry's strings are copied into the request's arena: once the lock
 * is released a fill on another worker may free them.
 */
int
cache_get(struct site *s, struct arena *a, const char *key, uint64_t version,
          int gzip, struct resp *rs)
{
	struct page_cache *c = s->cache;
	uint64_t h = key_hash(key);
	struct entry *en;
	int hit = 0, need_gz = 0;
	time_t at = 0;

	pthread_rwlock_rdlock(&c->lock);
	en = lookup(c, key, h);
	if (en == NULL || !fresh(s, en, version))
		goto out;
	buf_reset(&rs->body);
	buf_reset(&rs->gz);
	/* A reader taking gzip gets only that variant copied. */
	if (gzip && en->gz != NULL) {
		if (buf_add(&rs->gz, en->gz, en->gzlen) == -1)
			goto out;
	} else if (buf_add(&rs->body, en->body, en->len) == -1)
		goto out;
	rs->gzippable = en->gzippable;
	need_gz = gzip && en->gz == NULL && en->gzippable;
	at = en->at;
	/* Written only when it changes: a hot page read by every worker
	 * would otherwise bounce its cache line between the CPUs. */
	if (!atomic_load_explicit(&en->used, memory_order_relaxed))
		atomic_store_explicit(&en->used, 1, memory_order_relaxed);
	memcpy(rs->etag, en->etag, sizeof(rs->etag));
	rs->last_modified = en->last_modified;
	rs->cache_control =
		en->cache_control ? arena_strdup(a, en->cache_control) : NULL;
	rs->status = en->status;
	rs->content_type = arena_strdup(a, en->content_type);
	for (size_t i = 0; i < en->nheaders; i++) {
		rs->headers[i].name = arena_strdup(a, en->headers[i].name);
		rs->headers[i].value = arena_strdup(a, en->headers[i].value);
	}
	rs->nheaders = en->nheaders;
	hit = 1;
out:
	pthread_rwlock_unlock(&c->lock);
	if (need_gz)
		gzip_for_entry(s, key, h, version, at, rs);
	return hit;
}

/* Copy n bytes of p to *at, NUL-terminated, and return where they are. */
static const char *
put(char **at, const char *p, size_t n)
{
	char *out = *at;

	memcpy(out, p, n);
	out[n] = '\0';
	*at += n + 1;
	return out;
}

void
cache_put(struct site *s, const char *key, const struct cache_stamp *st,
          const struct resp *rs)
{
	const char *body =
		rs->static_body ? rs->static_body : buf_str(&rs->body);
	size_t len = rs->static_body ? rs->static_len : rs->body.len;
	struct page_cache *c = s->cache;
	uint64_t h = key_hash(key);
	size_t klen = strlen(key), ctlen = strlen(rs->content_type);
	size_t cclen = rs->cache_control ? strlen(rs->cache_control) : 0;
	size_t size = sizeof(struct entry) + klen + 1 + ctlen + 1 + cclen + 1 +
	              len + 1;
	struct entry *en, *old;
	char *at;

	/* A response for this reader alone (it depends on a token or other
	 * request header) is never shared. */
	if (len > PAGE_CACHE_MAX || rs->file_fd >= 0 ||
	    (rs->status != 200 && rs->status != 301 && rs->status != 404) ||
	    (rs->cache_control != NULL &&
	     (strstr(rs->cache_control, "private") != NULL ||
	      strstr(rs->cache_control, "no-store") != NULL)))
		return;
	for (size_t i = 0; i < rs->nheaders; i++)
		size += strlen(rs->headers[i].name) + 1 +
		        strlen(rs->headers[i].value) + 1;
	if (size + rs->gz.len + 2 * MALLOC_OVERHEAD > c->budget)
		return;
	/* Built outside the lock: one block for all but the gzip variant. */
	en = xmalloc(size);
	memset(en, 0, sizeof(*en));
	at = (char *)(en + 1);
	en->hash = h;
	en->key = put(&at, key, klen);
	en->content_type = put(&at, rs->content_type, ctlen);
	if (rs->cache_control != NULL)
		en->cache_control = put(&at, rs->cache_control, cclen);
	for (size_t i = 0; i < rs->nheaders; i++) {
		en->headers[i].name = put(&at, rs->headers[i].name,
		                          strlen(rs->headers[i].name));
		en->headers[i].value = put(&at, rs->headers[i].value,
		                           strlen(rs->headers[i].value));
	}
	en->nheaders = rs->nheaders;
	en->body = put(&at, body, len);
	en->len = len;
	if (rs->gz.len > 0) {
		en->gz = xmalloc(rs->gz.len);
		memcpy(en->gz, rs->gz.p, rs->gz.len);
		en->gzlen = rs->gz.len;
	}
	en->gzippable = rs->gzippable;
	/* What malloc really handed out, rounding included: the budget is
	 * the process's memory, not the bytes asked for. */
	en->bytes = malloc_usable_size(en) + MALLOC_OVERHEAD +
	            (en->gz ? malloc_usable_size(en->gz) + MALLOC_OVERHEAD : 0);
	en->version = st->version;
	en->clock0 = st->clock0;
	en->dep = rs->cache_dep;
	en->at = mono_now();
	en->status = rs->status;
	memcpy(en->etag, rs->etag, sizeof(en->etag));
	en->last_modified = rs->last_modified;

	pthread_rwlock_wrlock(&c->lock);
	old = lookup(c, key, h);
	if (old != NULL) {
		entry_unlink(c, old);
		entry_free(old);
	}
	make_room(c, en->bytes, NULL);
	en->next = c->buckets[h & c->mask];
	c->buckets[h & c->mask] = en;
	if (c->hand == NULL) {
		en->older = en->newer = en;
		c->hand = en;
	} else {
		/* Just behind the hand: the last to be looked at. */
		en->newer = c->hand;
		en->older = c->hand->older;
		en->older->newer = en;
		c->hand->older = en;
	}
	c->bytes += en->bytes;
	c->n++;
	pthread_rwlock_unlock(&c->lock);
}

void
cache_usage(struct site *s, size_t *bytes, size_t *entries)
{
	pthread_rwlock_rdlock(&s->cache->lock);
	*bytes = s->cache->bytes;
	*entries = s->cache->n;
	pthread_rwlock_unlock(&s->cache->lock);
}
