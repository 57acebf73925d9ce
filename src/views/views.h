#ifndef GAZETTE_VIEWS_H
#define GAZETTE_VIEWS_H
/*
 * Live view counts (DESIGN.md section 2).  A view is counted in memory:
 * bots are filtered by User-Agent, and one IP counts once per post per
 * VIEWS_WINDOW_SECONDS (the IP is kept only as a keyed hash, in memory).
 * A flush thread writes the sums every second into post_views(post_id,
 * day, n) and posts.views_total in one transaction; views_free() flushes
 * before it returns.  "Popular in the last N days" sums the daily buckets
 * and is recomputed at most once a minute per (days, limit) into a cached
 * list.  Thread-safe.
 */
#include <stdint.h>

#include "../store/store.h"
#include "../util/arena.h"
#include "../util/error.h"

struct views;

struct popular {
	struct post post; /* id, type, slug, title, published_at filled */
	int64_t views;    /* inside the window */
};

struct views *views_new(struct store *st, struct error *e);
/* Start the flush thread (the server does; the CLI need not). */
int views_start(struct views *v, struct error *e);
/* Stop the flush thread, flush what is pending, free. */
void views_free(struct views *v);

/*
 * One reader's view of post_id.  0 with *total (the all-time count,
 * pending views included) and *counted (0 when filtered: a bot, or a
 * repeat within the window); -1 with ERR_NOT_FOUND when the post is
 * unknown or not published.
 */
int views_hit(struct views *v, int64_t post_id, const char *ip,
              const char *user_agent, int64_t *total, int *counted,
              struct error *e);
/* The all-time total of a post including views not yet flushed. */
int64_t views_total(struct views *v, int64_t post_id, int64_t stored_total);
/* The most viewed published posts of the last days days, at most limit,
 * from the cache; strings in a. */
int views_popular(struct views *v, struct arena *a, int days, int limit,
                  struct popular **out, size_t *n, struct error *e);
/* Write pending counts now (the flush thread calls it every second). */
int views_flush(struct views *v, struct error *e);

#endif
