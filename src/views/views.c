/*
 * Live view counts: what views.h promises, in memory, with three tables
 * under one mutex (a beacon holds it for a hash lookup or two; the flush
 * and the database reads of a first sight are the only slow parts, and the
 * flush writes outside it):
 *
 *  posts    post id -> what the database said (published_at, the stored
 *           total), read on first sight and again once store_generation()
 *           has moved, plus the views counted here that the database does
 *           not have yet.  An unknown id is remembered as such, so a flood
 *           of beacons for it costs one read.  At LIM_VIEW_POSTS entries
 *           the ones with nothing unflushed are dropped (they are a cache).
 *  pending  (post id, day) -> views since the last flush.  A flush takes
 *           the whole table at once and writes it outside the lock; on
 *           failure the rows go back, so nothing counted is lost.  At
 *           LIM_VIEW_PENDING rows further views are not counted.
 *  seen     SipHash-2-4 (crypto_shorthash, a key made at start and never
 *           stored) of (address, post id) -> when its view was counted.
 *           Two generations, each covering one window: lookups check
 *           both with the stored time, so the window is exact, and the
 *           older one is dropped when the newer has covered a window.
 *           When the newer one holds LIM_VIEW_TRACKED / 2 entries the
 *           older is dropped early: we forget the oldest readers (who may
 *           then count again before their window ends) rather than stop
 *           counting new ones, since a flood of fresh addresses (an IPv6
 *           range, say) would otherwise switch counting off for everyone.
 *
 * Consistency of the total a beacon answers (stored + unflushed): while a
 * flush is writing, entries are not re-read (the database may or may not
 * have the batch yet); when it has committed, the batch moves from
 * unflushed to stored under the lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "views.h"
#include "../store/podcast.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/netaddr.h"
#include "../store/views.h"
#include "../util/metrics.h"
#include "../util/banned.h"

/* Cached popular lists: one per distinct ?days= in use; the oldest goes. */
#define POPULAR_SLOTS 8
/* Browsers' User-Agents are a few hundred bytes. */
#define UA_BYTES 1024

/*
 * Substrings (lower case, compared without case) that mark a User-Agent as a
 * robot, even when it starts with "Mozilla/" as most crawlers' do: search and
 * social crawlers (Googlebot, bingbot, Twitterbot, Slurp, Baiduspider,
 * facebookexternalhit...), link previewers (BingPreview, "Quora Link
 * Preview"), headless or scripted browsers (HeadlessChrome, PhantomJS,
 * Lighthouse, prerender services), archivers, and the "+http://..." info
 * URL that crawlers put in their User-Agent and browsers never do.
 */
static const char *const bot_words[] = {
	"bot",
	"crawl",
	"spider",
	"slurp",
	"facebookexternalhit",
	"facebookcatalog",
	"preview",
	"headless",
	"phantomjs",
	"lighthouse",
	"prerender",
	"archiver",
	"mediapartners",
	"feedfetcher",
	"+http",
};

struct pstate {
	int64_t id; /* 0: a free slot */
	int64_t published_at;
	int64_t stored;    /* views_total in the database, as last known */
	int64_t unflushed; /* counted here, not committed yet */
	uint64_t gen;      /* store_generation() when read */
	int published;     /* 0: no published post has this id */
	uint64_t counted;  /* views->serial of its last counted view */
};

struct ptable {
	struct pstate *slot;
	size_t cap, n;    /* cap: a power of two, at least 2 n */
	uint64_t dropped; /* the newest counted of the entries let go */
};

struct rtable {
	struct views_row *slot; /* post_id 0: a free slot */
	size_t cap, n;
};

struct seen_slot {
	uint64_t h; /* 0: a free slot */
	int64_t t;
};

struct seen {
	struct seen_slot *slot;
	size_t cap, n;
	int64_t start; /* when this generation began */
};

struct pop_slot {
	struct arena *a; /* NULL: unused */
	int days;
	int64_t at; /* clock_now() when computed */
	struct post *posts;
	int64_t *views;
	size_t n;
};

struct views {
	struct store *st;
	unsigned char key[crypto_shorthash_KEYBYTES];

	pthread_mutex_t lock;        /* posts, pending, seen, flushing */
	atomic_uint_fast64_t serial; /* views counted since the start */
	struct ptable posts;
	struct rtable pending;
	struct seen seen[2]; /* [0] the newer generation */
	int flushing;
	int full_logged;

	pthread_mutex_t flush_lock; /* one flush at a time */
	int failing;                /* the last flush failed (logged once) */

	pthread_mutex_t pop_lock;
	struct pop_slot pop[POPULAR_SLOTS];

	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	int stop, running;
	pthread_t thread;
};

/* splitmix64's finaliser: post ids are small consecutive integers. */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* ---- posts ------------------------------------------------------------ */

static struct pstate *
ptable_find(const struct ptable *t, int64_t id)
{
	size_t mask = t->cap - 1;

	if (t->cap == 0)
		return NULL;
	for (size_t i = mix((uint64_t)id) & mask;; i = (i + 1) & mask) {
		if (t->slot[i].id == id)
			return &t->slot[i];
		if (t->slot[i].id == 0)
			return NULL;
	}
}

static struct pstate *
ptable_place(struct ptable *t, int64_t id)
{
	size_t mask = t->cap - 1, i;

	for (i = mix((uint64_t)id) & mask; t->slot[i].id != 0;
	     i = (i + 1) & mask)
		;
	t->slot[i].id = id;
	t->n++;
	return &t->slot[i];
}

/* Rehash into cap slots, keeping every entry (all) or only those with
 * views not yet in the database. */
static void
ptable_rebuild(struct ptable *t, size_t cap, int all)
{
	struct pstate *old = t->slot;
	size_t oldcap = t->cap;

	t->slot = xcalloc(cap, sizeof(*t->slot));
	t->cap = cap;
	t->n = 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].id == 0)
			continue;
		if (all || old[i].unflushed > 0)
			*ptable_place(t, old[i].id) = old[i];
		else if (old[i].counted > t->dropped)
			t->dropped = old[i].counted;
	}
	free(old);
}

/* A new zeroed entry for id, or NULL when every one of LIM_VIEW_POSTS
 * entries has views waiting for the database. */
static struct pstate *
ptable_add(struct ptable *t, int64_t id)
{
	struct pstate *p;

	if (t->n >= LIM_VIEW_POSTS) {
		ptable_rebuild(t, t->cap, 0);
		if (t->n >= LIM_VIEW_POSTS)
			return NULL;
	}
	if ((t->n + 1) * 2 > t->cap)
		ptable_rebuild(t, t->cap ? t->cap * 2 : 64, 1);
	p = ptable_place(t, id);
	memset(p, 0, sizeof(*p));
	p->id = id;
	return p;
}

/* ---- pending ---------------------------------------------------------- */

static size_t
rtable_home(const struct rtable *t, int64_t post_id, int64_t day)
{
	return mix((uint64_t)post_id ^ mix((uint64_t)day)) & (t->cap - 1);
}

static void
rtable_grow(struct rtable *t)
{
	struct views_row *old = t->slot;
	size_t oldcap = t->cap;

	t->cap = oldcap ? oldcap * 2 : 64;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	for (size_t i = 0; i < oldcap; i++) {
		size_t j;

		if (old[i].post_id == 0)
			continue;
		for (j = rtable_home(t, old[i].post_id, old[i].day);
		     t->slot[j].post_id != 0; j = (j + 1) & (t->cap - 1))
			;
		t->slot[j] = old[i];
	}
	free(old);
}

/* Add n to (post_id, day); -1 when that needs a new row past max rows. */
static int
rtable_add(struct rtable *t, int64_t post_id, int64_t day, int64_t n,
           size_t max)
{
	size_t i;

	if (t->cap > 0)
		for (i = rtable_home(t, post_id, day); t->slot[i].post_id != 0;
		     i = (i + 1) & (t->cap - 1))
			if (t->slot[i].post_id == post_id &&
			    t->slot[i].day == day) {
				t->slot[i].n += n;
				return 0;
			}
	if (t->n >= max)
		return -1;
	if ((t->n + 1) * 2 > t->cap)
		rtable_grow(t);
	for (i = rtable_home(t, post_id, day); t->slot[i].post_id != 0;
	     i = (i + 1) & (t->cap - 1))
		;
	t->slot[i].post_id = post_id;
	t->slot[i].day = day;
	t->slot[i].n = n;
	t->n++;
	return 0;
}

/* ---- seen ------------------------------------------------------------- */

/*
 * The keyed hash of (address, post), the address narrowed to one client
 * (netaddr_client: an IPv6 /64), so that stepping through the addresses
 * of one's own prefix does not count again.  Anything else (no address)
 * is hashed as the text it is.
 */
static uint64_t
seen_hash(const struct views *v, const char *ip, int64_t post_id)
{
	unsigned char in[64 + 8], out[crypto_shorthash_BYTES];
	struct netaddr a;
	size_t len;
	uint64_t id = (uint64_t)post_id, h = 0;

	memset(in, 0, sizeof(in));
	if (ip != NULL && netaddr_parse(ip, strlen(ip), &a) == 0) {
		netaddr_client(&a);
		memcpy(in, a.b, sizeof(a.b));
		len = sizeof(a.b);
	} else {
		len = ip == NULL ? 0 : strnlen(ip, 64);
		memcpy(in, ip == NULL ? "" : ip, len);
	}
	for (int i = 0; i < 8; i++)
		in[len + (size_t)i] = (unsigned char)(id >> (8 * i));
	crypto_shorthash(out, in, len + 8, v->key);
	for (int i = 0; i < 8; i++)
		h |= (uint64_t)out[i] << (8 * i);
	return h == 0 ? 1 : h; /* 0 marks a free slot */
}

static struct seen_slot *
seen_find(const struct seen *s, uint64_t h)
{
	size_t mask = s->cap - 1;

	if (s->cap == 0)
		return NULL;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		if (s->slot[i].h == h)
			return &s->slot[i];
		if (s->slot[i].h == 0)
			return NULL;
	}
}

static void
seen_place(struct seen *s, uint64_t h, int64_t t)
{
	size_t mask = s->cap - 1, i;

	for (i = h & mask; s->slot[i].h != 0; i = (i + 1) & mask)
		;
	s->slot[i].h = h;
	s->slot[i].t = t;
	s->n++;
}

/* The older generation is emptied (its memory kept) and becomes the
 * newer, starting now. */
static void
seen_rotate(struct views *v, int64_t now)
{
	struct seen older = v->seen[1];

	if (older.slot != NULL)
		memset(older.slot, 0, older.cap * sizeof(*older.slot));
	older.n = 0;
	older.start = now;
	v->seen[1] = v->seen[0];
	v->seen[0] = older;
}

/* 1 when h had a view counted less than a window before now. */
static int
seen_recent(struct views *v, uint64_t h, int64_t now)
{
	const struct seen_slot *s;

	/* Everything in the older generation is from before the newer one
	 * began; once that is a window ago, all of it has expired. */
	if (now - v->seen[0].start >= LIM_VIEW_WINDOW_SECONDS)
		seen_rotate(v, now);
	for (int g = 0; g < 2; g++) {
		s = seen_find(&v->seen[g], h);
		if (s != NULL)
			return now - s->t < LIM_VIEW_WINDOW_SECONDS;
	}
	return 0;
}

static void
seen_record(struct views *v, uint64_t h, int64_t now)
{
	struct seen *s = &v->seen[0];
	struct seen_slot *old = seen_find(s, h);

	if (old != NULL) {
		old->t = now;
		return;
	}
	if (s->n >= LIM_VIEW_TRACKED / 2) {
		if (!v->full_logged)
			log_info("views: %d addresses seen within a window; "
			         "forgetting the oldest early",
			         LIM_VIEW_TRACKED);
		v->full_logged = 1;
		seen_rotate(v, now);
		s = &v->seen[0];
	}
	if ((s->n + 1) * 2 > s->cap) {
		struct seen grown = {NULL, s->cap ? s->cap * 2 : 1024, 0,
		                     s->start};

		grown.slot = xcalloc(grown.cap, sizeof(*grown.slot));
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i].h != 0)
				seen_place(&grown, s->slot[i].h, s->slot[i].t);
		free(s->slot);
		*s = grown;
	}
	seen_place(s, h, now);
}

/* ---- bots ------------------------------------------------------------- */

/*
 * Lower-cased once into a buffer, then plain strstr for each word:
 * strcasestr took 5% of the server's time under a flood of beacons.  A
 * User-Agent longer than any browser's (UA_BYTES) is not a browser's.
 */
int
views_is_bot(const char *ua)
{
	char low[UA_BYTES];
	size_t n;

	if (ua == NULL || strncmp(ua, "Mozilla/", 8) != 0)
		return 1;
	n = strnlen(ua, sizeof(low));
	if (n == sizeof(low))
		return 1;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)(ua[i] >= 'A' && ua[i] <= 'Z' ? ua[i] - 'A' + 'a'
		                                             : ua[i]);
	for (size_t i = 0; i < sizeof(bot_words) / sizeof(bot_words[0]); i++)
		if (strstr(low, bot_words[i]) != NULL)
			return 1;
	return 0;
}

/* ---- counting --------------------------------------------------------- */

/*
 * The entry for id, read from the database when it is new, or when the
 * database has changed since (a post unpublished, or views_total written
 * by someone else) unless a flush is under way.  When the table is full
 * the answer is in *tmp, which cannot count.  NULL on a database error
 * with nothing cached.  Called with v->lock held.
 */
static struct pstate *
post_state(struct views *v, int64_t id, struct pstate *tmp, struct error *e)
{
	uint64_t gen = store_generation(v->st);
	struct pstate *p = ptable_find(&v->posts, id);
	int64_t published_at, stored;
	int published = 1;

	if (p != NULL && (p->gen == gen || v->flushing))
		return p;
	if (store_views_post(v->st, id, &published_at, &stored, e) == -1) {
		if (e->code != ERR_NOT_FOUND) {
			if (p == NULL)
				return NULL;
			log_error("views: %s", e->msg);
			return p; /* what we knew is better than a 500 */
		}
		published = 0;
	}
	if (p == NULL)
		p = ptable_add(&v->posts, id);
	if (p == NULL) {
		memset(tmp, 0, sizeof(*tmp));
		tmp->id = id;
		p = tmp;
	}
	p->published = published;
	p->published_at = published_at;
	p->stored = stored;
	p->gen = gen;
	return p;
}

int
views_hit(struct views *v, int64_t post_id, const char *ip,
          const char *user_agent, int64_t *total, int *counted, struct error *e)
{
	int64_t now = clock_now();
	int bot = views_is_bot(user_agent);
	uint64_t h = bot ? 0 : seen_hash(v, ip, post_id);
	struct pstate tmp, *p;
	int rc = -1;

	*total = 0;
	*counted = 0;
	pthread_mutex_lock(&v->lock);
	p = post_state(v, post_id, &tmp, e);
	if (p == NULL)
		goto out;
	if (!p->published || p->published_at > now) {
		error_set(e, ERR_NOT_FOUND, "no published post %lld",
		          (long long)post_id);
		goto out;
	}
	if (!bot && p != &tmp && !seen_recent(v, h, now) &&
	    rtable_add(&v->pending, post_id, time_day(now), 1,
	               LIM_VIEW_PENDING) == 0) {
		seen_record(v, h, now);
		p->unflushed++;
		p->counted = atomic_fetch_add(&v->serial, 1) + 1;
		*counted = 1;
		metrics_add(METRIC_VIEWS_COUNTED, 1);
	}
	*total = p->stored + p->unflushed;
	rc = 0;
out:
	pthread_mutex_unlock(&v->lock);
	return rc;
}

int
views_download(struct views *v, int64_t book_id, const char *file,
               const char *ip, const char *user_agent, int *counted,
               struct error *e)
{
	int64_t now = clock_now();
	/* Its own key, apart from the book's views: -(2 id + file). */
	int64_t key = -(2 * book_id + (strcmp(file, "pdf") == 0));
	uint64_t h;
	int fresh;

	*counted = 0;
	if (views_is_bot(user_agent))
		return 0;
	h = seen_hash(v, ip, key);
	pthread_mutex_lock(&v->lock);
	fresh = !seen_recent(v, h, now);
	if (fresh)
		seen_record(v, h, now);
	pthread_mutex_unlock(&v->lock);
	if (!fresh)
		return 0;
	if (store_book_download(v->st, book_id, file, time_day(now), 1, e) ==
	    -1)
		return -1;
	*counted = 1;
	return 0;
}

int64_t
views_total(struct views *v, int64_t post_id, int64_t stored_total)
{
	const struct pstate *p;
	int64_t n = 0;

	if (v == NULL)
		return stored_total;
	pthread_mutex_lock(&v->lock);
	p = ptable_find(&v->posts, post_id);
	if (p != NULL)
		n = p->unflushed;
	pthread_mutex_unlock(&v->lock);
	return stored_total + n;
}

uint64_t
views_serial(struct views *v)
{
	return v != NULL ? atomic_load(&v->serial) : 0;
}

int
views_moved(struct views *v, int64_t post_id, uint64_t since)
{
	const struct pstate *p;
	int moved;

	if (v == NULL)
		return 0;
	pthread_mutex_lock(&v->lock);
	p = ptable_find(&v->posts, post_id);
	/* One let go to make room may have been counted since. */
	moved = p != NULL ? p->counted > since : v->posts.dropped > since;
	pthread_mutex_unlock(&v->lock);
	return moved;
}

/* ---- flushing --------------------------------------------------------- */

int
views_flush(struct views *v, struct error *e)
{
	struct rtable batch;
	size_t n = 0;
	int rc;

	pthread_mutex_lock(&v->flush_lock);
	pthread_mutex_lock(&v->lock);
	if (v->pending.n == 0) {
		/* No write, so the generation (and every page cache) stays. */
		pthread_mutex_unlock(&v->lock);
		pthread_mutex_unlock(&v->flush_lock);
		return 0;
	}
	batch = v->pending;
	memset(&v->pending, 0, sizeof(v->pending));
	v->flushing = 1;
	pthread_mutex_unlock(&v->lock);

	/* The rows to the front of the slot array: the batch is no longer
	 * looked up by key. */
	for (size_t i = 0; i < batch.cap; i++)
		if (batch.slot[i].post_id != 0)
			batch.slot[n++] = batch.slot[i];
	rc = store_views_flush(v->st, batch.slot, n, e);

	pthread_mutex_lock(&v->lock);
	for (size_t i = 0; i < n; i++) {
		const struct views_row *r = &batch.slot[i];
		struct pstate *p = ptable_find(&v->posts, r->post_id);

		if (rc == -1) {
			/* Back into pending, past its cap if need be: these
			 * views were counted and must not be lost. */
			(void)rtable_add(&v->pending, r->post_id, r->day, r->n,
			                 SIZE_MAX);
		} else if (p != NULL) {
			p->stored += r->n;
			p->unflushed -= r->n;
		}
		if (rc == 0)
			metrics_add(METRIC_VIEWS_FLUSHED, (uint64_t)r->n);
	}
	v->flushing = 0;
	pthread_mutex_unlock(&v->lock);
	free(batch.slot);
	pthread_mutex_unlock(&v->flush_lock);
	return rc;
}

static void *
flush_main(void *arg)
{
	struct views *v = arg;
	struct timespec until;
	struct error e;

	pthread_mutex_lock(&v->stop_lock);
	while (!v->stop) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += VIEWS_FLUSH_SECONDS;
		while (!v->stop &&
		       pthread_cond_timedwait(&v->stop_cond, &v->stop_lock,
		                              &until) != ETIMEDOUT)
			;
		if (v->stop)
			break;
		pthread_mutex_unlock(&v->stop_lock);
		/* A failing database would log every second: log the first
		 * failure and the recovery. */
		if (views_flush(v, &e) == -1) {
			if (!v->failing)
				log_error("views: flush failed (counts kept "
				          "for the next one): %s",
				          e.msg);
			v->failing = 1;
		} else if (v->failing) {
			log_info("views: flushing again");
			v->failing = 0;
		}
		pthread_mutex_lock(&v->stop_lock);
	}
	pthread_mutex_unlock(&v->stop_lock);
	return NULL;
}

/* ---- popular ---------------------------------------------------------- */

/* Recompute slot for days; on failure the slot is left as it was. */
static int
pop_fill(struct views *v, struct pop_slot *slot, int days, int64_t now,
         struct error *e)
{
	struct arena *a = arena_new();
	int64_t today = time_day(now);
	struct post *posts;
	int64_t *counts;
	size_t n;

	if (store_views_popular(v->st, a, today - days + 1, today, now,
	                        LIM_POPULAR_LIMIT, &posts, &counts, &n,
	                        e) == -1) {
		arena_free(a);
		return -1;
	}
	arena_free(slot->a);
	slot->a = a;
	slot->days = days;
	slot->at = now;
	slot->posts = posts;
	slot->views = counts;
	slot->n = n;
	return 0;
}

/* A cached list is replaced once pop_lock is released, so a caller gets
 * its own copy, in its arena. */
static void
post_copy(struct arena *a, struct post *dst, const struct post *src)
{
	*dst = *src;
	dst->section_slug = arena_strdup(a, src->section_slug);
	dst->section_name = arena_strdup(a, src->section_name);
	dst->slug = arena_strdup(a, src->slug);
	dst->title = arena_strdup(a, src->title);
	dst->excerpt = arena_strdup(a, src->excerpt);
	dst->source_url = arena_strdup(a, src->source_url);
	dst->author_name = arena_strdup(a, src->author_name);
	dst->body_src = dst->body_html = "";
	dst->body_format = "markdown";
	dst->tags = NULL;
	dst->ntags = 0;
}

/*
 * One list per days, of LIM_POPULAR_LIMIT posts, of which a request takes
 * the first limit: so ?limit= never multiplies the lists or the queries.
 */
int
views_popular(struct views *v, struct arena *a, int days, int limit,
              struct popular **out, size_t *n, struct error *e)
{
	int64_t now = clock_now();
	struct pop_slot *slot = NULL, *victim = &v->pop[0];
	int rc = -1;

	*out = NULL;
	*n = 0;
	if (days < 1 || days > LIM_POPULAR_DAYS)
		return error_set(e, ERR_INVALID, "days must be 1 to %d",
		                 LIM_POPULAR_DAYS);
	if (limit < 1 || limit > LIM_POPULAR_LIMIT)
		return error_set(e, ERR_INVALID, "limit must be 1 to %d",
		                 LIM_POPULAR_LIMIT);
	pthread_mutex_lock(&v->pop_lock);
	for (int i = 0; i < POPULAR_SLOTS; i++) {
		struct pop_slot *s = &v->pop[i];

		if (s->a != NULL && s->days == days) {
			slot = s;
			break;
		}
		if (victim->a != NULL && (s->a == NULL || s->at < victim->at))
			victim = s;
	}
	/* A clock that went back (a test's GAZETTE_NOW) also recomputes. */
	if (slot == NULL || now - slot->at >= VIEWS_POPULAR_SECONDS ||
	    now < slot->at) {
		if (slot == NULL)
			slot = victim;
		if (pop_fill(v, slot, days, now, e) == -1)
			goto out;
	}
	*n = slot->n < (size_t)limit ? slot->n : (size_t)limit;
	*out = arena_zalloc(a, (*n ? *n : 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		post_copy(a, &(*out)[i].post, &slot->posts[i]);
		(*out)[i].views = slot->views[i];
	}
	rc = 0;
out:
	pthread_mutex_unlock(&v->pop_lock);
	return rc;
}

/* ---- lifecycle -------------------------------------------------------- */

struct views *
views_new(struct store *st, struct error *e)
{
	struct views *v = xcalloc(1, sizeof(*v));
	pthread_condattr_t ca;

	(void)e;
	v->st = st;
	randombytes_buf(v->key, sizeof(v->key));
	pthread_mutex_init(&v->lock, NULL);
	pthread_mutex_init(&v->flush_lock, NULL);
	pthread_mutex_init(&v->pop_lock, NULL);
	pthread_mutex_init(&v->stop_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&v->stop_cond, &ca);
	pthread_condattr_destroy(&ca);
	v->seen[0].start = v->seen[1].start = clock_now();
	return v;
}

int
views_start(struct views *v, struct error *e)
{
	int err;

	if (v->running)
		return 0;
	err = pthread_create(&v->thread, NULL, flush_main, v);
	if (err != 0)
		return error_set(e, ERR_IO,
		                 "cannot start the views flusher: %s",
		                 strerror(err));
	v->running = 1;
	return 0;
}

void
views_free(struct views *v)
{
	struct error e;

	if (v == NULL)
		return;
	if (v->running) {
		pthread_mutex_lock(&v->stop_lock);
		v->stop = 1;
		pthread_cond_signal(&v->stop_cond);
		pthread_mutex_unlock(&v->stop_lock);
		pthread_join(v->thread, NULL);
	}
	if (views_flush(v, &e) == -1)
		log_error("views: the last flush failed; %zu (post, day) "
		          "counts are lost: %s",
		          v->pending.n, e.msg);
	for (int i = 0; i < POPULAR_SLOTS; i++)
		arena_free(v->pop[i].a);
	free(v->posts.slot);
	free(v->pending.slot);
	free(v->seen[0].slot);
	free(v->seen[1].slot);
	pthread_cond_destroy(&v->stop_cond);
	pthread_mutex_destroy(&v->stop_lock);
	pthread_mutex_destroy(&v->pop_lock);
	pthread_mutex_destroy(&v->flush_lock);
	pthread_mutex_destroy(&v->lock);
	sodium_memzero(v->key, sizeof(v->key));
	free(v);
}
