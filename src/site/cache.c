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
 *  - every entry is dropped PAGE_CACHE_SECONDS after it was made, but a
 *    post's page (it names the post as `dep`) is kept another such
 *    period, up to PAGE_CACHE_LONGEST, while no view of the post was
 *    counted since it was made (views_moved()) and the sidebar is the
 *    one it shows (sidebar_unchanged()): those are what the age bound
 *    is for.  The age bound is long on purpose: a page carries the
 *    comment form's render stamp, so every re-render makes a new ETag,
 *    and a page re-rendered every second could never be revalidated
 *    with a 304.
 *
 * One cache for all workers behind a reader-writer lock: a hit takes the
 * read lock, only a fill (or a variant kept for a hit) takes the write
 * lock.  It was per thread once, without a lock, but then each worker
 * rendered its own copy with its own stamp, and a reader revalidating on
 * another worker got a 200 where a 304 was due.
 *
 * Entries live in a chained hash table and in a ring swept by CLOCK (an
 * entry read since the hand last passed it gets another round), within a
 * byte budget (`cache_mb` in gazette.conf) that counts everything an
 * entry allocates, so the process's memory stays near the budget however
 * many pages a site has.  An entry is its head (key, headers) and up to
 * three forms of its body:
 *  - the body as sent;
 *  - its gzip variant, made the first time a reader asks for gzip;
 *  - packed: zstd (PACK_LEVEL) against a dictionary that is a page of the
 *    same site, so the layout every page repeats (header, navigation,
 *    sidebar, footer) costs almost nothing.  A 14 KB demo article packs
 *    to about 0.7 KB in 11 µs, where gzip makes 4.5 KB.
 * Until the cache first holds PACK_FROM_PCT of its budget, pages are kept
 * as sent; from then on (for good: a cache that filled once will again,
 * and a body kept as sent only to be packed later, over and over, left
 * the heap a third free space between live blocks) a new page is kept
 * packed only; a packed page read twice
 * while the hand goes round is kept as sent again beside its packed form,
 * and the hand, passing a page nobody read, first drops its unpacked
 * forms and only the next time the page.  Those copies as sent take
 * UNPACKED_SHARE of the budget, or more while the cache has room to
 * spare (given back first when a new page needs it), and have a ring of
 * their own: once it is full, a page read again takes the place of a
 * copy not sent since that ring's hand last passed (make_unpacked_room),
 * so the share holds the pages read most now, not the first ones that
 * were read twice.
 * So a large site's cold pages cost a decompression (about 3 µs) instead
 * of a render, and its hot pages a copy (docs/ARCHITECTURE.md, "Page
 * cache").
 */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

#include "internal.h"
#include "cache_pack.h"
#include "../util/alloc.h"
#include "../util/metrics.h"
#include "../util/banned.h"

#define PAGE_CACHE_SECONDS 60
/* The longest a page of a post is kept past PAGE_CACHE_SECONDS while
 * nothing it shows changes (fresh()); a bound on what no number here
 * tracks, far below the comment form's stamp's 7 days. */
#define PAGE_CACHE_LONGEST 3600
#define PAGE_CACHE_MAX     (4 * 1024 * 1024) /* bytes of one entry's body */
/* What malloc keeps beside each block it hands out (its header), counted
 * as used on top of the block's usable size. */
#define MALLOC_OVERHEAD 16
/* New pages are kept packed once the cache holds this share of its
 * budget: below it nothing is evicted, and packing would only cost. */
#define PACK_FROM_PCT 75
/* Bodies kept as sent beside their packed form (pages read twice while
 * the hand went round) take at most this fraction of the budget: with a
 * large site read uniformly the hand goes round slowly, nearly every page
 * was read twice, and such copies had filled the budget again, leaving
 * room for 55,000 of 100,000 pages.  Unpacking costs 2.5-4 µs a hit. */
#define UNPACKED_SHARE 8
/*
 * Each time the cache has given back this fraction of its budget to
 * malloc, the scheduler's thread asks malloc to return its free pages to
 * the system (cache_tidy()).  Bodies of many sizes freed in turn leave
 * free space between live blocks that malloc keeps: at 100,000 posts,
 * 196 MB in use held 340 MB (RssAnon 332 MiB, over the budget + 64);
 * trimmed, 221-257 MiB.  A trim of those heaps took 9-17 ms, so it is
 * done off the request path.
 */
#define TRIM_SHARE 8

static atomic_int trim_due;
/* A page becomes the dictionary if it is HTML of this size; a new one
 * is made for a new generation, at most once a DICT_SECONDS.  A
 * dictionary costs some 15 times its size (zstd's tables for it), and
 * is not made at all in a cache whose budget is under DICT_BUDGET_SHARE
 * times that. */
#define DICT_MIN_BYTES    4096
#define DICT_MAX_BYTES    65536
#define DICT_BUDGET_SHARE 16
#define DICT_SECONDS      PAGE_CACHE_SECONDS

struct entry {
	struct entry *next;          /* hash chain */
	struct entry *older, *newer; /* the CLOCK ring */
	atomic_int used;             /* read since the hand passed */
	uint64_t hash;
	size_t bytes;              /* counted against the budget */
	const char *key;           /* in the same block */
	uint64_t version, clock0;  /* store numbers before rendering */
	uint64_t views0, sidebar0; /* and the views' and sidebar's */
	int64_t dep;               /* a post whose comments it shows */
	time_t at;
	/* when what it shows was last known to be what a render would
	 * show (made, or checked by fresh()) */
	_Atomic time_t checked;
	int status;
	const char *content_type;
	struct header headers[16];
	size_t nheaders;
	const char *cache_control; /* NULL: the default */
	char etag[24];
	int64_t last_modified;
	size_t len; /* of the body as sent */
	char *body; /* NULL when kept packed only */
	char *gz;   /* NULL until a reader asks for gzip */
	size_t gzlen;
	char *z; /* packed, or NULL */
	size_t zlen;
	struct zdict *dict; /* that z was packed with */
	int gzippable; /* resp.gzippable; 0 also when gzip gained nothing */
	/* Packed and kept as sent too (promoted): the ring of such copies,
	 * and whether one was sent since its hand last passed. */
	struct entry *uolder, *unewer;
	atomic_int uused;
	/* body and gz made into responses sent as they are (http.h), once
	 * read again; NULL until then.  Set under the write lock.  A ready
	 * response's buffer then is the entry's body (or gz) too, not a
	 * second copy (shared, bit v), and rbytes[v] what the response
	 * itself costs beyond it. */
	struct ready *ready[2];
	unsigned shared;
	size_t rbytes[2];
};

struct page_cache {
	pthread_rwlock_t lock;
	struct entry **buckets;
	size_t mask;        /* buckets - 1, a power of two less one */
	struct entry *hand; /* the ring's next candidate for eviction */
	size_t bytes, budget, n;
	uint64_t version;    /* the newest generation seen by a fill */
	struct zdict *dict;  /* for new packed entries, or NULL */
	size_t packed;       /* entries holding a packed body */
	int packing;         /* PACK_FROM_PCT was reached: new pages packed */
	size_t unpacked;     /* bytes of bodies kept as sent beside packed */
	struct entry *uhand; /* the ring of those, and its hand */
	size_t nu;           /* entries in that ring */
	atomic_llong udemoted_ms; /* the last time a hot page made room */
	size_t freed; /* bytes given back to malloc since its last trim */
};

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Bytes a block costs the process, as the budget counts them. */
static size_t
block_bytes(void *p)
{
	return p != NULL ? malloc_usable_size(p) + MALLOC_OVERHEAD : 0;
}

/* Into the ring of promoted copies, just behind its hand. */
static void
uring_add(struct page_cache *c, struct entry *en)
{
	atomic_store_explicit(&en->uused, 0, memory_order_relaxed);
	c->nu++;
	if (c->uhand == NULL) {
		en->uolder = en->unewer = en;
		c->uhand = en;
	} else {
		en->unewer = c->uhand;
		en->uolder = c->uhand->uolder;
		en->uolder->unewer = en;
		c->uhand->uolder = en;
	}
}

/* Out of that ring (en is packed and kept as sent). */
static void
uring_del(struct page_cache *c, struct entry *en)
{
	if (en->unewer == en)
		c->uhand = NULL;
	else {
		en->uolder->unewer = en->unewer;
		en->unewer->uolder = en->uolder;
		if (c->uhand == en)
			c->uhand = en->unewer;
	}
	en->uolder = en->unewer = NULL;
	c->unpacked -= block_bytes(en->body);
	c->nu--;
}

/* The ready responses of en (the budget gets their bytes back). */
static size_t
drop_ready(struct entry *en)
{
	size_t b = 0;

	for (int v = 0; v < 2; v++)
		if (en->ready[v] != NULL) {
			b += en->rbytes[v];
			ready_unref(en->ready[v]);
			en->ready[v] = NULL;
			en->rbytes[v] = 0;
		}
	return b;
}

/*
 * Free en's body and gzip variant, and its ready responses: a form that
 * is a response's buffer goes with the response (the library frees it
 * once no connection is sending it any more).
 */
static void
forms_free(struct entry *en)
{
	if (!(en->shared & 1))
		free(en->body);
	if (!(en->shared & 2))
		free(en->gz);
	drop_ready(en);
	en->shared = 0;
	en->body = en->gz = NULL;
}

/* Drop a packed entry's copy as sent, and its gzip variant. */
static void
demote(struct page_cache *c, struct entry *en)
{
	size_t b = block_bytes(en->body) + block_bytes(en->gz) + en->rbytes[0] +
	           en->rbytes[1];

	if (en->body != NULL)
		uring_del(c, en);
	forms_free(en);
	en->gzlen = 0;
	en->bytes -= b;
	c->bytes -= b;
	c->freed += b;
}

/*
 * Whether an entry is past its age: PAGE_CACHE_SECONDS since it was made
 * or last checked, and, for a page that shows a post, the longest too.
 */
static int
aged(const struct entry *en, time_t now)
{
	return now - en->at >= PAGE_CACHE_LONGEST ||
	       (now - atomic_load_explicit(&en->checked,
	                                   memory_order_relaxed) >=
	                PAGE_CACHE_SECONDS &&
	        en->dep <= 0);
}

/*
 * The bytes copies as sent beside packed bodies may take: UNPACKED_SHARE
 * of the budget, or more while the cache has room to spare.  A smaller
 * site's pages then nearly all stay as sent (at 20,000 posts the packed
 * pages take some 25 MB of 256, and a Zipf reader's tail was unpacked
 * again and again for want of a share an eighth of the budget); a fill
 * that needs the room takes it back from them first (make_room()).
 */
static size_t
unpacked_limit(const struct page_cache *c)
{
	size_t share = c->budget / UNPACKED_SHARE;
	size_t spare = c->budget > c->bytes ? c->budget - c->bytes : 0;

	return c->unpacked + spare > share ? c->unpacked + spare : share;
}

/*
 * Room for need more bytes of promoted copies, sparing keep: the hand
 * of their ring drops the copy of a page not sent since it last passed
 * (or stale), and gives the others another round.  So the share holds
 * the pages read most now, not the first ones read twice (a warm-up's,
 * a crawler's).  Two rounds at most: every copy is looked at twice.
 */
static void
make_unpacked_room(struct page_cache *c, size_t need, const struct entry *keep,
                   size_t share)
{
	size_t steps = 0, n = c->nu;
	time_t now = mono_now();

	while (c->uhand != NULL && c->unpacked + need > share &&
	       steps++ < 2 * n) {
		struct entry *en = c->uhand;
		int stale = en->version != c->version || aged(en, now);

		if (en == keep ||
		    (!stale &&
		     atomic_exchange_explicit(&en->uused, 0,
		                              memory_order_relaxed))) {
			c->uhand = en->unewer;
			continue;
		}
		c->uhand = en->unewer;
		demote(c, en);
	}
}

struct page_cache *
cache_new(size_t budget)
{
	struct page_cache *c = xcalloc(1, sizeof(*c));
	size_t nb = 1024;

	/* About one bucket per 4 KiB of budget: chains stay short also when
	 * most pages are kept packed. */
	while (nb < budget / 4096 && nb < ((size_t)1 << 24))
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
	forms_free(en);
	free(en->z);
	zdict_unref(en->dict);
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
	c->freed += en->bytes;
	c->n--;
	if (en->z != NULL) {
		c->packed--;
		if (en->body != NULL)
			uring_del(c, en);
	}
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
	if (c->dict != NULL)
		c->bytes -= c->dict->bytes;
	zdict_unref(c->dict);
	free(c->buckets);
	pthread_rwlock_destroy(&c->lock);
	free(c);
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

/*
 * An entry is fresh while the store's numbers say nothing it shows has
 * changed and it is younger than PAGE_CACHE_SECONDS, the age of a view
 * count or sidebar a reader may be shown.  A page of a post (dep) past
 * that age is kept another PAGE_CACHE_SECONDS if no view of the post was
 * counted since it was made and the sidebar is the one it shows: so the
 * pages of a large site's posts that nobody viewed are not made again
 * each minute (at 20,000 posts read at random, a wave of renders a
 * minute), while a viewed one is, within the minute.  Checked at most
 * once a PAGE_CACHE_SECONDS an entry, under the read lock (the views'
 * lock is taken then).
 */
static int
fresh(struct site *s, struct entry *en, uint64_t version)
{
	time_t now, checked;

	if (en->version != version ||
	    (en->dep != 0 &&
	     store_post_version(s->store, en->dep) > en->clock0))
		return 0;
	now = mono_now();
	checked = atomic_load_explicit(&en->checked, memory_order_relaxed);
	if (now - checked < PAGE_CACHE_SECONDS)
		return 1;
	if (en->dep <= 0 || now - en->at >= PAGE_CACHE_LONGEST ||
	    !sidebar_unchanged(s, en->sidebar0) ||
	    views_moved(s->views, en->dep, en->views0))
		return 0;
	atomic_store_explicit(&en->checked, now, memory_order_relaxed);
	return 1;
}

/*
 * Evict round the ring until need more bytes fit, sparing keep.  A page
 * of an older generation or past its age goes at once; one read since
 * the hand last passed gets another round; one that is also packed first
 * loses its other forms.
 */
static void
make_room(struct page_cache *c, size_t need, const struct entry *keep)
{
	time_t now = mono_now();
	size_t share = c->budget / UNPACKED_SHARE;

	/* Copies past their share give the room back first: a page
	 * unpacked again costs microseconds, one evicted a render. */
	if (c->bytes + need > c->budget && c->unpacked > share) {
		size_t over = c->bytes + need - c->budget;

		/* All that is past the share when the fill needs more
		 * (unpacked - over would wrap, and give back nothing). */
		make_unpacked_room(c, 0, keep,
		                   c->unpacked - share > over
		                           ? c->unpacked - over
		                           : share);
	}
	while (c->hand != NULL && c->bytes + need > c->budget) {
		struct entry *en = c->hand;
		int stale = en->version != c->version || aged(en, now);

		if (en == keep && en->newer == en)
			break;
		if (en == keep ||
		    (!stale &&
		     atomic_exchange_explicit(&en->used, 0,
		                              memory_order_relaxed))) {
			c->hand = en->newer;
			continue;
		}
		if (!stale && en->z != NULL &&
		    (en->body != NULL || en->gz != NULL)) {
			demote(c, en);
			c->hand = en->newer;
			continue;
		}
		entry_unlink(c, en);
		entry_free(en);
		metrics_add(METRIC_CACHE_EVICTIONS, 1);
	}
}

/* The body of a page kept packed only, into out; -1 if it cannot be. */
static int
unpack(const struct entry *en, struct buf *out)
{
	return zunpack(en->dict, en->z, en->zlen, en->len, out);
}

/*
 * After a hit: the gzip variant it lacked (made here, outside the lock)
 * and, for a packed page read again, its body as sent, kept with the
 * entry if it is still the same entry.
 */
static void
keep_for_entry(struct site *s, const char *key, uint64_t h, uint64_t version,
               time_t at, struct resp *rs, int want_gz, int want_body,
               struct ready *rd, int v)
{
	struct page_cache *c = s->cache;
	struct entry *en;

	if (want_gz)
		resp_gzip(rs);
	pthread_rwlock_wrlock(&c->lock);
	en = lookup(c, key, h);
	if (en == NULL || en->version != version || en->at != at)
		goto out;
	/* Only beside the form it was made from (demote() drops both), and
	 * in its place: the response's buffer becomes the entry's copy. */
	if (rd != NULL && en->ready[v] == NULL &&
	    (v ? en->gz != NULL : en->body != NULL)) {
		char **form = v ? &en->gz : &en->body;
		size_t len = v ? en->gzlen : en->len;
		size_t old = block_bytes(*form);
		size_t nb = block_bytes(ready_body(rd));
		size_t rb = ready_bytes(rd) - len;

		make_room(c, rb + (nb > old ? nb - old : 0), en);
		if (*form != NULL && !(en->shared & (1u << v))) {
			free(*form);
			*form = ready_body(rd);
			en->shared |= 1u << v;
			en->ready[v] = rd;
			en->rbytes[v] = rb;
			en->bytes = en->bytes - old + nb + rb;
			c->bytes = c->bytes - old + nb + rb;
			if (v == 0 && en->unewer != NULL)
				c->unpacked = c->unpacked - old + nb;
			rd = NULL;
		}
	}
	if (want_gz && en->gz == NULL && en->gzippable) {
		if (rs->gz.len == 0)
			en->gzippable = 0;
		else if (rs->gz.len + MALLOC_OVERHEAD <= c->budget) {
			char *gz = xmalloc(rs->gz.len);
			size_t b = block_bytes(gz);

			make_room(c, b, en);
			memcpy(gz, rs->gz.p, rs->gz.len);
			en->gz = gz;
			en->gzlen = rs->gz.len;
			en->bytes += b;
			c->bytes += b;
		}
	}
	if (want_body && en->body == NULL && rs->body.len == en->len) {
		size_t limit = unpacked_limit(c);

		make_unpacked_room(c, en->len + MALLOC_OVERHEAD, en, limit);
		if (c->unpacked + en->len + MALLOC_OVERHEAD <= limit) {
			char *body = xmalloc(en->len + 1);
			size_t b = block_bytes(body);

			make_room(c, b, en);
			memcpy(body, rs->body.p, en->len + 1);
			en->body = body;
			en->bytes += b;
			c->bytes += b;
			c->unpacked += b;
			uring_add(c, en);
		}
	}
out:
	pthread_rwlock_unlock(&c->lock);
	ready_unref(rd);
}

/* At most once a millisecond, across the workers: true for one. */
static int
may_demote(struct page_cache *c)
{
	struct timespec ts;
	long long ms, last;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	last = atomic_load_explicit(&c->udemoted_ms, memory_order_relaxed);
	return last != ms &&
	       atomic_compare_exchange_strong(&c->udemoted_ms, &last, ms);
}

/*
 * The entry's strings are copied into the request's arena: once the lock
 * is released a fill on another worker may free them.
 */
int
cache_get(struct site *s, const struct req *r, const char *key,
          uint64_t version, int gzip, struct resp *rs)
{
	struct page_cache *c = s->cache;
	struct arena *a = r->arena;
	uint64_t h = key_hash(key);
	struct entry *en;
	int hit = 0, need_gz = 0, need_body = 0, was_used, v = -1;
	time_t at = 0;
	struct ready *rd = NULL;

	pthread_rwlock_rdlock(&c->lock);
	en = lookup(c, key, h);
	if (en == NULL || !fresh(s, en, version))
		goto out;
	buf_reset(&rs->body);
	buf_reset(&rs->gz);
	was_used = atomic_load_explicit(&en->used, memory_order_relaxed);
	need_gz = gzip && en->gz == NULL && en->gzippable;
	/* A reader taking gzip gets only that variant: a ready response of
	 * it, or a copy (made ready once the page is read again; not for
	 * an answer that closes the connection, which needs a header of its
	 * own, nor while the gzip variant is still to be made from it). */
	if (gzip && en->gz != NULL) {
		if (en->ready[1] != NULL && !r->closing) {
			rs->ready = en->ready[1];
			rs->ready_gzip = 1;
		} else if (buf_add(&rs->gz, en->gz, en->gzlen) == -1)
			goto out;
		else if (was_used && en->status == 200 && !r->closing)
			v = 1;
	} else if (en->body != NULL) {
		if (en->ready[0] != NULL && !r->closing && !need_gz)
			rs->ready = en->ready[0];
		else if (buf_add(&rs->body, en->body, en->len) == -1)
			goto out;
		else if (was_used && en->status == 200 && !r->closing &&
		         !need_gz)
			v = 0;
		if (en->z != NULL &&
		    !atomic_load_explicit(&en->uused, memory_order_relaxed))
			atomic_store_explicit(&en->uused, 1,
			                      memory_order_relaxed);
	} else if (unpack(en, &rs->body) == -1)
		goto out;
	else
		/* read twice in one round: hot, kept as sent if there is
		 * room, or if room may be made (checked here, and room made
		 * at most once a millisecond: asking under the write lock
		 * each time a packed page was hit again serialised the
		 * workers once the room was taken) */
		need_body =
			was_used && (c->unpacked + en->len + MALLOC_OVERHEAD <=
		                             unpacked_limit(c) ||
		                     may_demote(c));
	if (rs->ready != NULL)
		ready_ref(rs->ready);
	rs->gzippable = en->gzippable;
	at = en->at;
	/* Written only when it changes: a hot page read by every worker
	 * would otherwise bounce its cache line between the CPUs. */
	if (!was_used)
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
	if (!hit)
		return 0;
	if (v >= 0)
		rd = ready_new(r, rs, v);
	if (need_gz || need_body || rd != NULL)
		keep_for_entry(s, key, h, version, at, rs, need_gz, need_body,
		               rd, v);
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

/*
 * The dictionary to pack a page of this version with (a reference the
 * caller drops), made from this page when there is none yet or the one
 * there is belongs to an older generation and has served DICT_SECONDS.
 */
static struct zdict *
dict_for(struct page_cache *c, const struct resp *rs, const char *body,
         size_t len, uint64_t version)
{
	struct zdict *d, *nd;
	int ours = 0;

	pthread_rwlock_rdlock(&c->lock);
	d = c->dict;
	zdict_ref(d);
	pthread_rwlock_unlock(&c->lock);
	if ((d != NULL &&
	     (d->version == version || mono_now() - d->at < DICT_SECONDS)) ||
	    rs->status != 200 || len < DICT_MIN_BYTES || len > DICT_MAX_BYTES ||
	    strncmp(rs->content_type, "text/html", 9) != 0)
		return d;
	if ((nd = zdict_new(body, len, version, mono_now())) == NULL)
		return d;
	if (nd->bytes > c->budget / DICT_BUDGET_SHARE) {
		zdict_unref(nd);
		return d;
	}
	/* The table's own reference, and its bytes counted in the budget
	 * while it is the one new pages are packed with. */
	pthread_rwlock_wrlock(&c->lock);
	if (c->dict == d) {
		if (d != NULL)
			c->bytes -= d->bytes;
		make_room(c, nd->bytes, NULL);
		c->dict = nd;
		zdict_ref(nd);
		c->bytes += nd->bytes;
		ours = 1;
	}
	pthread_rwlock_unlock(&c->lock);
	if (!ours) {
		/* another worker made one first: pack with the one we had */
		zdict_unref(nd);
		return d;
	}
	if (d != NULL)
		zdict_unref(d); /* the table's reference */
	zdict_unref(d);
	return nd;
}

/* Pack body into en, or leave it unpacked when that gains nothing. */
static void
pack(struct entry *en, struct zdict *d, const char *body, size_t len)
{
	en->z = zpack(d, body, len, &en->zlen);
	if (en->z != NULL) {
		en->dict = d;
		zdict_ref(d);
	}
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
	size_t size = sizeof(struct entry) + klen + 1 + ctlen + 1 + cclen + 1;
	struct entry *en, *old;
	int pressed;
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
	if (size + len + 1 + rs->gz.len + 3 * MALLOC_OVERHEAD > c->budget)
		return;
	/* Built outside the lock: the head in one block, the body forms
	 * each in its own, so that the hand can drop one. */
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
	en->len = len;
	pthread_rwlock_rdlock(&c->lock);
	pressed =
		c->packing || c->bytes + len > c->budget / 100 * PACK_FROM_PCT;
	pthread_rwlock_unlock(&c->lock);
	if (pressed && rs->gzippable) {
		struct zdict *d = dict_for(c, rs, body, len, st->version);

		if (d != NULL)
			pack(en, d, body, len);
		zdict_unref(d);
	}
	if (en->z == NULL) {
		en->body = xmalloc(len + 1);
		memcpy(en->body, body, len);
		en->body[len] = '\0';
	}
	if (rs->gz.len > 0) {
		en->gz = xmalloc(rs->gz.len);
		memcpy(en->gz, rs->gz.p, rs->gz.len);
		en->gzlen = rs->gz.len;
	}
	en->gzippable = rs->gzippable;
	/* What malloc really handed out, rounding included: the budget is
	 * the process's memory, not the bytes asked for. */
	en->bytes = block_bytes(en) + block_bytes(en->body) +
	            block_bytes(en->gz) + block_bytes(en->z);
	en->version = st->version;
	en->clock0 = st->clock0;
	en->views0 = st->views0;
	en->sidebar0 = st->sidebar0;
	en->dep = rs->cache_dep;
	en->at = mono_now();
	atomic_init(&en->checked, en->at);
	en->status = rs->status;
	memcpy(en->etag, rs->etag, sizeof(en->etag));
	en->last_modified = rs->last_modified;

	pthread_rwlock_wrlock(&c->lock);
	if (st->version > c->version)
		c->version = st->version;
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
	if (en->z != NULL)
		c->packed++;
	if (c->bytes > c->budget / 100 * PACK_FROM_PCT)
		c->packing = 1;
	if (c->freed > c->budget / TRIM_SHARE) {
		c->freed = 0;
		atomic_store_explicit(&trim_due, 1, memory_order_relaxed);
	}
	pthread_rwlock_unlock(&c->lock);
}

void
cache_tidy(void)
{
	if (atomic_exchange_explicit(&trim_due, 0, memory_order_relaxed))
		malloc_trim(0);
}

void
cache_usage(struct site *s, size_t *bytes, size_t *entries, size_t *packed)
{
	pthread_rwlock_rdlock(&s->cache->lock);
	*bytes = s->cache->bytes;
	*entries = s->cache->n;
	if (packed != NULL)
		*packed = s->cache->packed;
	pthread_rwlock_unlock(&s->cache->lock);
}

void
cache_backdate(struct site *s, time_t seconds)
{
	struct page_cache *c = s->cache;

	pthread_rwlock_wrlock(&c->lock);
	for (size_t i = 0; i <= c->mask; i++)
		for (struct entry *en = c->buckets[i]; en; en = en->next) {
			en->at -= seconds;
			atomic_store(&en->checked,
			             atomic_load(&en->checked) - seconds);
		}
	pthread_rwlock_unlock(&c->lock);
}

int
cache_forms(struct site *s, const char *key)
{
	struct entry *en;
	int forms = 0;

	pthread_rwlock_rdlock(&s->cache->lock);
	en = lookup(s->cache, key, key_hash(key));
	if (en != NULL)
		forms = (en->body ? CACHE_AS_SENT : 0) |
		        (en->gz ? CACHE_GZIP : 0) | (en->z ? CACHE_PACKED : 0);
	pthread_rwlock_unlock(&s->cache->lock);
	return forms;
}
