/*
 * A cache of whole anonymous GET responses, so a busy article page costs
 * a hash lookup and a copy rather than queries and a render.
 * An entry is served while the database is unchanged (store_generation,
 * which also sees commits made by other processes such as the CLI, and
 * moves when the scheduler publishes) and it is younger than
 * PAGE_CACHE_SECONDS.  The age bound is long on purpose: a page carries
 * the comment form's render stamp, so every re-render makes a new ETag,
 * and a page re-rendered every second could never be revalidated with a
 * 304.  The stamp is then up to that old, which weakens the "sent too
 * fast" rule for cached pages (docs/ARCHITECTURE.md).  One cache for all
 * workers behind a reader-writer lock: a hit takes the read lock (an
 * atomic add when uncontended), only a fill takes the write lock.  It was
 * per thread once, without a lock, but then each worker rendered its own
 * copy with its own stamp, and a reader revalidating on another worker
 * got a 200 where a 304 was due.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "../util/alloc.h"
#include "../util/banned.h"

#define PAGE_CACHE_SECONDS 60
#define PAGE_CACHE_SLOTS   1024
#define PAGE_CACHE_MAX     (4 * 1024 * 1024)  /* bytes of one entry's body */
#define PAGE_CACHE_BUDGET  (96 * 1024 * 1024) /* bytes of all entries */

struct entry {
	char *key;
	uint64_t version;
	time_t at;
	int status;
	char *content_type;
	struct header headers[16];
	size_t nheaders;
	char *body, *gz;
	size_t len, gzlen;
	char etag[24];
	int64_t last_modified;
	char *cache_control;
};

struct page_cache {
	pthread_rwlock_t lock;
	struct entry slots[PAGE_CACHE_SLOTS];
	size_t bytes; /* bodies and gzip variants held */
	size_t sweep; /* where the next eviction looks */
};

static void
entry_clear(struct entry *en)
{
	free(en->key);
	free(en->content_type);
	for (size_t i = 0; i < en->nheaders; i++) {
		free((char *)(uintptr_t)en->headers[i].name);
		free((char *)(uintptr_t)en->headers[i].value);
	}
	free(en->body);
	free(en->gz);
	free(en->cache_control);
	memset(en, 0, sizeof(*en));
}

struct page_cache *
cache_new(void)
{
	struct page_cache *c = xcalloc(1, sizeof(*c));

	pthread_rwlock_init(&c->lock, NULL);
	return c;
}

void
cache_free(struct page_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < PAGE_CACHE_SLOTS; i++)
		entry_clear(&c->slots[i]);
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

/* Empty one entry, keeping the byte count. */
static void
entry_drop(struct page_cache *c, struct entry *en)
{
	c->bytes -= en->len + en->gzlen;
	entry_clear(en);
}

static struct entry *
slot_for(struct page_cache *c, const char *key)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (const char *p = key; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return &c->slots[h % PAGE_CACHE_SLOTS];
}

/*
 * The entry's strings are copied into the request's arena: once the lock
 * is released a fill on another worker may free them.
 */
int
cache_get(struct site *s, struct arena *a, const char *key, uint64_t version,
          struct resp *rs)
{
	struct page_cache *c = s->cache;
	struct entry *en;
	int hit = 0;

	pthread_rwlock_rdlock(&c->lock);
	en = slot_for(c, key);
	if (en->key == NULL || strcmp(en->key, key) != 0 ||
	    en->version != version || mono_now() - en->at >= PAGE_CACHE_SECONDS)
		goto out;
	buf_reset(&rs->body);
	buf_reset(&rs->gz);
	if (buf_add(&rs->body, en->body, en->len) == -1 ||
	    buf_add(&rs->gz, en->gz, en->gzlen) == -1)
		goto out;
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
	return hit;
}

void
cache_put(struct site *s, const char *key, uint64_t version,
          const struct resp *rs)
{
	const char *body =
		rs->static_body ? rs->static_body : buf_str(&rs->body);
	size_t len = rs->static_body ? rs->static_len : rs->body.len;
	struct page_cache *c = s->cache;
	struct entry *en;

	/* A response for this reader alone (it depends on a token or other
	 * request header) is never shared. */
	if (len > PAGE_CACHE_MAX || rs->file_fd >= 0 ||
	    (rs->status != 200 && rs->status != 301 && rs->status != 404) ||
	    (rs->cache_control != NULL &&
	     (strstr(rs->cache_control, "private") != NULL ||
	      strstr(rs->cache_control, "no-store") != NULL)))
		return;
	pthread_rwlock_wrlock(&c->lock);
	en = slot_for(c, key);
	entry_drop(c, en);
	/* Over the budget, empty other entries, round robin, until this one
	 * fits: a few big pages (a post with 1,000 comments is ~1 MB) must
	 * not make a worker hold gigabytes. */
	while (c->bytes + len + rs->gz.len > PAGE_CACHE_BUDGET) {
		struct entry *old = &c->slots[c->sweep++ % PAGE_CACHE_SLOTS];

		if (old != en)
			entry_drop(c, old);
	}
	en->key = xstrdup(key);
	en->version = version;
	en->at = mono_now();
	en->status = rs->status;
	en->content_type = xstrdup(rs->content_type);
	for (size_t i = 0; i < rs->nheaders; i++) {
		en->headers[i].name = xstrdup(rs->headers[i].name);
		en->headers[i].value = xstrdup(rs->headers[i].value);
	}
	en->nheaders = rs->nheaders;
	en->body = xmalloc(len + 1);
	memcpy(en->body, body, len);
	en->len = len;
	en->gz = xmalloc(rs->gz.len + 1);
	memcpy(en->gz, buf_str(&rs->gz), rs->gz.len);
	en->gzlen = rs->gz.len;
	c->bytes += en->len + en->gzlen;
	memcpy(en->etag, rs->etag, sizeof(en->etag));
	en->last_modified = rs->last_modified;
	en->cache_control =
		rs->cache_control ? xstrdup(rs->cache_control) : NULL;
	pthread_rwlock_unlock(&c->lock);
}
