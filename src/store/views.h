#ifndef GAZETTE_STORE_VIEWS_H
#define GAZETTE_STORE_VIEWS_H
/*
 * View counts: per post and day, all-time totals, what is popular, and
 * the admin's numbers (store_views.c).
 */
#include "posts.h"

/* Add n views to the post's bucket for day (days since the epoch) and to
 * its all-time total. */
int store_views_add(struct store *s, int64_t post_id, int64_t day, int64_t n,
                    struct error *e);

/*
 * Views per day on days first_day..last_day (days since the epoch, UTC):
 * of post post_id, or of the whole site when post_id is 0.  counts[i] is
 * day first_day + i, 0 for a day without views, so the caller gets a
 * continuous axis; counts has last_day - first_day + 1 entries.  *total
 * is their sum.
 */
int store_stats_days(struct store *s, int64_t post_id, int64_t first_day,
                     int64_t last_day, int64_t *counts, int64_t *total,
                     struct error *e);
/*
 * Posts of any type written by author_id, trash left out, newest first
 * (by publication, else last update), at most limit; views[i] is posts[i]'s
 * sum on days first_day..last_day.  The posts have every field but the
 * body ("") and the tags.  Both arrays in a.
 */
int store_stats_author_posts(struct store *s, struct arena *a,
                             int64_t author_id, int64_t first_day,
                             int64_t last_day, int limit, struct post **posts,
                             int64_t **views, size_t *n, struct error *e);

/* One post's views of one day (days since the epoch, UTC). */
struct views_row {
	int64_t post_id, day, n;
};
/*
 * Add each row to its post's bucket in post_views and to the post's
 * views_total, all in one transaction (nothing is written if any part
 * fails).  Rows of posts that no longer exist are dropped.
 */
int store_views_flush(struct store *s, const struct views_row *rows, size_t n,
                      struct error *e);
/*
 * A post readers may count a view of: published (any type), with its
 * publication time (the caller compares it with the clock) and stored
 * all-time total.  ERR_NOT_FOUND when there is no such published post.
 */
int store_views_post(struct store *s, int64_t post_id, int64_t *published_at,
                     int64_t *views_total, struct error *e);
/*
 * Published posts of type post (published_at <= now) by the sum of their
 * buckets on days first_day..last_day, most viewed first (ties: newest
 * first), at most limit; posts[i] has views[i].  The posts have every
 * field but the body (body_src and body_html are "") and the tags.  Both
 * arrays in a.
 */
int store_views_popular(struct store *s, struct arena *a, int64_t first_day,
                        int64_t last_day, int64_t now, int limit,
                        struct post **posts, int64_t **views, size_t *n,
                        struct error *e);
#endif
