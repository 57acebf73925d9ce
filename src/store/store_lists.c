/*
 * posts.h on SQLite: the lists a reader pages through (the front page,
 * sections, tags, date archives, podcasts), their totals, the archives'
 * months, and a post's previous and next.  Nothing here reads more rows
 * as the site grows (issue 12; tests/unit/test_plans.c holds the plans to
 * it):
 *
 *  - a list is walked newest first in a partial index of listed posts
 *    (migrations 014 and 015), from a known point and for one page;
 *  - totals and the point to start from come from post_counts (015):
 *    listed posts per list and UTC month and day, kept by triggers.  Page
 *    N is found by walking the list's months, then one month's days, and
 *    then skipping at most one day's posts;
 *  - what the counts hold but a reader must not see yet, or sees
 *    elsewhere, is "held": published posts whose date is still to come
 *    (an index range after now, normally empty) and, on the front page,
 *    sticky posts, which open it.  Held posts are taken off the counts of
 *    their month and day, and the walks leave them out.
 */
#include <sqlite3.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "posts.h"
#include "../util/clock.h"
#include "../util/banned.h"

/* Password-protected posts are never listed (WordPress shows them in
 * lists; we keep them out of lists, feeds, search and sitemaps). */
#define LISTED_EVER                                                            \
	"WHERE p.type = ?1 AND p.status = 'published' AND p.password = '' "
#define LISTED LISTED_EVER "AND p.published_at <= ?2 "

/*
 * A post's neighbours, "newest first, ties by id", in two probes each:
 * the same second with a smaller (larger) id, then strictly older
 * (newer).  Each is one seek in posts_listed (migration 014).  The row
 * value (p.published_at, p.id) < (?3, ?4) that this replaced bounded the
 * walk by published_at <= now instead, and sorted every older post in a
 * temporary b-tree.  The probes name published_at <= now only where it
 * is the walk's one upper bound: given two bounds on the column, SQLite
 * seeks by either (even by "<= now" over "= ?3"), and by now it walks
 * every newer post.  ?3 is at most now + 1 (store_post_neighbors), which
 * bounds the older probes.
 */
/* Neighbours are links: their bodies are never read. */
static const char SQL_POST_PREV_SAME[] =
	"SELECT " POST_FIELDS_NO_BODY POST_FROM LISTED_EVER
	"AND p.published_at = ?3 AND p.id < ?4 "
	"ORDER BY p.published_at DESC, p.id DESC LIMIT 1";
static const char SQL_POST_PREV[] =
	"SELECT " POST_FIELDS_NO_BODY POST_FROM LISTED_EVER
	"AND p.published_at < ?3 "
	"ORDER BY p.published_at DESC, p.id DESC LIMIT 1";
static const char SQL_POST_NEXT_SAME[] =
	"SELECT " POST_FIELDS_NO_BODY POST_FROM LISTED_EVER
	"AND p.published_at = ?3 AND ?3 <= ?2 "
	"AND p.id > ?4 "
	"ORDER BY p.published_at, p.id LIMIT 1";
static const char SQL_POST_NEXT[] =
	"SELECT " POST_FIELDS_NO_BODY POST_FROM LISTED
	"AND p.published_at > ?3 "
	"ORDER BY p.published_at, p.id LIMIT 1";

/* One neighbour the in-memory order named (store_order.c), by rowid:
 * what a link to it shows (store_post_neighbors). */
static const char SQL_POST_LISTED_ID[] =
	"SELECT slug, title, published_at FROM posts "
	"WHERE id = ?1 AND type = 'post' AND status = 'published' "
	"AND password = ''";

/*
 * A list's rows per month or day (?4), newest first, within [?5, ?6):
 * start, end (the next one's start), n, and the year and month of start.
 */
static const char SQL_COUNTS[] =
	"SELECT start, CASE span WHEN 'month' THEN CAST(strftime('%s', start, "
	"'unixepoch', '+1 month') AS INTEGER) ELSE start + 86400 END, n, "
	"CAST(strftime('%Y', start, 'unixepoch') AS INTEGER), "
	"CAST(strftime('%m', start, 'unixepoch') AS INTEGER) "
	"FROM post_counts WHERE listing = ?1 AND type = ?2 AND key = ?3 "
	"AND span = ?4 AND start >= ?5 AND start < ?6 ORDER BY start DESC";

/*
 * Held posts (see the top): the time they sort by, 1 for a sticky post,
 * and their published_at.  On the front page, every sticky post and the
 * others still to come; elsewhere, those still to come.  The sticky ones
 * are named by their index: with no range on published_at, SQLite would
 * rather walk posts_listing's every published post.
 */
static const char SQL_HELD_ALL[] =
	"SELECT p.published_at, 0, p.published_at FROM posts p " LISTED_EVER
	"AND p.published_at > ?2 AND p.sticky = 0 "
	"UNION ALL SELECT p.published_at, 1, p.published_at "
	"FROM posts p INDEXED BY posts_sticky " LISTED_EVER "AND p.sticky != 0";
static const char SQL_HELD_RANGE[] =
	"SELECT p.published_at, 0, p.published_at FROM posts p " LISTED_EVER
	"AND p.published_at > ?2";
static const char SQL_HELD_SECTION[] =
	"SELECT p.published_at, 0, p.published_at FROM posts p " LISTED_EVER
	"AND p.section_id = ?5 AND p.published_at > ?2";
static const char SQL_HELD_ACTIVITY[] =
	"SELECT p.activity_at, 0, p.published_at FROM posts p " LISTED_EVER
	"AND p.section_id = ?5 AND p.published_at > ?2";
static const char SQL_HELD_TAG[] =
	"SELECT listed_at, 0, listed_at FROM post_tags "
	"WHERE tag_id = ?5 AND listed_at IS NOT NULL AND listed_at > ?2";

/*
 * The walks: ?3 rows from the ?4th of those before ?6 (and from ?7 on,
 * for a date range), in a list's order.  ?6 is at most now + 1 where the
 * walk is by published_at (post_page), the one upper bound on it.
 */
#define WALK_ORDER "ORDER BY p.published_at DESC, p.id DESC LIMIT ?3 OFFSET ?4"
static const char SQL_WALK_ALL[] =
	"SELECT " POST_COLS LISTED_EVER
	"AND p.sticky = 0 AND p.published_at < ?6 " WALK_ORDER;
static const char SQL_WALK_RANGE[] =
	"SELECT " POST_COLS LISTED_EVER
	"AND p.published_at >= ?7 AND p.published_at < ?6 " WALK_ORDER;
static const char SQL_WALK_SECTION[] =
	"SELECT " POST_COLS LISTED_EVER
	"AND p.section_id = ?5 AND p.published_at < ?6 " WALK_ORDER;
static const char SQL_WALK_ACTIVITY[] =
	"SELECT " POST_COLS LISTED
	"AND p.section_id = ?5 AND p.activity_at < ?6 "
	"ORDER BY p.activity_at DESC, p.id DESC LIMIT ?3 OFFSET ?4";
/* post_tags first: its listed_at holds only listed posts' dates. */
static const char SQL_WALK_TAG[] =
	"SELECT " POST_FIELDS "FROM post_tags pt CROSS JOIN posts p "
	"LEFT JOIN sections s ON s.id = p.section_id "
	"LEFT JOIN users u ON u.id = p.author_id "
	"WHERE pt.tag_id = ?5 AND pt.listed_at IS NOT NULL "
	"AND pt.listed_at < ?6 AND p.id = pt.post_id "
	"ORDER BY pt.listed_at DESC, pt.post_id DESC LIMIT ?3 OFFSET ?4";
/* The front page opens with its sticky posts, newest first. */
static const char SQL_STICKY[] =
	"SELECT " POST_FIELDS "FROM posts p INDEXED BY posts_sticky "
	"LEFT JOIN sections s ON s.id = p.section_id "
	"LEFT JOIN users u ON u.id = p.author_id " LISTED
	"AND p.sticky != 0 " WALK_ORDER;
static const char SQL_TAG_KEY[] = "SELECT id FROM tags WHERE slug = ?1";

/* A date archive's posts in [?3, ?4), part of a UTC day (the ends of a
 * local day, month or year, util/tz.h): at most a day's posts, by
 * posts_listed. */
static const char SQL_COUNT_RANGE[] =
	"SELECT count(*) FROM posts p " LISTED_EVER
	"AND p.published_at >= ?3 AND p.published_at < ?4";

const struct store_stmt lists_reader_stmts[] = {
	{"post_prev_same", SQL_POST_PREV_SAME, NULL},
	{"post_prev", SQL_POST_PREV, NULL},
	{"post_next_same", SQL_POST_NEXT_SAME, NULL},
	{"post_next", SQL_POST_NEXT, NULL},
	{"post_listed_id", SQL_POST_LISTED_ID, NULL},
	{"list_counts", SQL_COUNTS, NULL},
	{"list_held_all", SQL_HELD_ALL, NULL},
	{"list_held_range", SQL_HELD_RANGE, NULL},
	{"list_held_section", SQL_HELD_SECTION, NULL},
	{"list_held_activity", SQL_HELD_ACTIVITY, NULL},
	{"list_held_tag", SQL_HELD_TAG, NULL},
	{"list_walk_all", SQL_WALK_ALL, NULL},
	{"list_walk_range", SQL_WALK_RANGE, NULL},
	{"list_walk_section", SQL_WALK_SECTION, NULL},
	{"list_walk_activity", SQL_WALK_ACTIVITY, NULL},
	{"list_walk_tag", SQL_WALK_TAG, NULL},
	{"list_sticky", SQL_STICKY, NULL},
	{"tag_key", SQL_TAG_KEY, NULL},
	{"list_count_range", SQL_COUNT_RANGE,
         "a part of one day: the posts of [?3, ?4) by posts_listed, at most a "
         "day's (range_buckets, month_edge)"},
	{NULL, NULL, NULL},
};

/* ---- a post's neighbours ------------------------------------------------ */

/* Step st to its first row into *out; *found 0 when there is none. */
static int
maybe_post(struct conn *c, sqlite3_stmt *st, struct arena *a, struct post *out,
           int *found, struct error *e)
{
	int step = sqlite3_step(st);

	*found = step == SQLITE_ROW;
	if (*found)
		post_row(a, st, out);
	stmt_done(st);
	return step == SQLITE_ROW || step == SQLITE_DONE
	               ? 0
	               : db_error(e, c->db, "post");
}

/*
 * The neighbours the in-memory order names (store_order.c), read by
 * rowid: 1 when read, 0 when the order is not at hand or names a post
 * gone since (then the probes read them), -1 on an error.
 */
static int
neighbors_by_order(struct store *s, struct conn *c, int locked, struct arena *a,
                   int64_t at, int64_t id, int64_t now, struct post *outs[2],
                   int *found[2], struct error *e)
{
	int64_t ids[2];
	int step;

	if (order_neighbors(s, c, locked, at, id, now, &ids[0], &ids[1]) == -1)
		return 0;
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st;

		if (ids[i] == 0)
			continue;
		st = conn_stmt(c, SQL_POST_LISTED_ID, e);
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, ids[i]);
		step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			struct post *q = outs[i];

			memset(q, 0, sizeof(*q));
			q->id = ids[i];
			q->type = POST_POST;
			q->status = POST_PUBLISHED;
			q->slug = col_text(a, st, 0);
			q->title = col_text(a, st, 1);
			q->published_at = sqlite3_column_int64(st, 2);
			q->updated_at = q->published_at;
			*found[i] = 1;
		}
		stmt_done(st);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return db_error(e, c->db, "post");
		if (!*found[i]) {
			*found[0] = *found[1] = 0;
			return 0;
		}
	}
	return 1;
}

int
store_post_neighbors(struct store *s, struct arena *a, const struct post *p,
                     int64_t now, struct post *prev, int *has_prev,
                     struct post *next, int *has_next, struct error *e)
{
	/* Per side: the same-second probe, then the one beyond it. */
	static const char *const sql[2][2] = {{SQL_POST_PREV_SAME,
	                                       SQL_POST_PREV},
	                                      {SQL_POST_NEXT_SAME,
	                                       SQL_POST_NEXT}};
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);
	struct post *outs[2] = {prev, next};
	int *found[2] = {has_prev, has_next};
	/* A post not yet due (a preview) sorts after every listed one:
	 * as (now + 1, 0), whose previous is the newest listed post. */
	int64_t at = p->published_at > now ? now + 1 : p->published_at;
	int64_t id = p->published_at > now ? 0 : p->id;

	int by_order;

	*has_prev = *has_next = 0;
	if (c == NULL)
		return -1;
	by_order = p->type == POST_POST
	                   ? neighbors_by_order(s, c, locked, a, at, id, now,
	                                        outs, found, e)
	                   : 0;
	if (by_order != 0) {
		rc = by_order == 1 ? 0 : -1;
		goto out;
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2 && !*found[i]; j++) {
			sqlite3_stmt *st = conn_stmt(c, sql[i][j], e);

			if (st == NULL)
				goto out;
			bind_text(st, 1, post_type_names[p->type]);
			sqlite3_bind_int64(st, 2, now);
			sqlite3_bind_int64(st, 3, at);
			sqlite3_bind_int64(st, 4, id);
			if (maybe_post(c, st, a, outs[i], found[i], e) == -1)
				goto out;
		}
	rc = 0;
out:
	reader_put(s, locked);
	return rc;
}

/* ---- pages of a list ---------------------------------------------------- */

enum list_kind { LIST_ALL, LIST_RANGE, LIST_SECTION, LIST_ACTIVITY, LIST_TAG };

/* What each kind of list reads: its counts' listing, held posts, walk. */
static const struct {
	const char *listing, *held, *walk;
} kinds[] = {
	[LIST_ALL] = {"all", SQL_HELD_ALL, SQL_WALK_ALL},
	[LIST_RANGE] = {"all", SQL_HELD_RANGE, SQL_WALK_RANGE},
	[LIST_SECTION] = {"section", SQL_HELD_SECTION, SQL_WALK_SECTION},
	[LIST_ACTIVITY] = {"activity", SQL_HELD_ACTIVITY, SQL_WALK_ACTIVITY},
	[LIST_TAG] = {"tag", SQL_HELD_TAG, SQL_WALK_TAG},
};

struct held {
	int64_t at; /* the time the list sorts it by */
	int sticky;
};

/* One list, as post_page() reads it. */
struct list {
	enum list_kind kind;
	const char *type;
	int64_t key;      /* section or tag id; 0 for the others */
	int64_t now;      /* due: published_at <= now */
	int64_t from, to; /* the dates listed, [from, to) */
	struct held *held;
	size_t nheld;
	int64_t sticky; /* sticky posts due (LIST_ALL) */
};

/* Where a page of the list starts: a bucket (month or day) and the
 * number of the list's posts in it to skip. */
struct spot {
	int found;
	int64_t start, end, skip;
};

static void
bind_list(sqlite3_stmt *st, const struct list *l)
{
	bind_text(st, 1, l->type);
	sqlite3_bind_int64(st, 2, l->now);
	sqlite3_bind_int64(st, 5, l->key);
}

static int
list_held(struct conn *c, struct arena *a, struct list *l, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, kinds[l->kind].held, e);
	size_t cap = 0;
	int step;

	l->held = NULL;
	l->nheld = 0;
	l->sticky = 0;
	if (st == NULL)
		return -1;
	bind_list(st, l);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct held *h;

		l->held = arena_grow(a, l->held, &cap, l->nheld,
		                     sizeof(*l->held));
		h = &l->held[l->nheld++];
		h->at = sqlite3_column_int64(st, 0);
		h->sticky = sqlite3_column_int(st, 1);
		if (h->sticky && sqlite3_column_int64(st, 2) <= l->now)
			l->sticky++;
	}
	stmt_done(st);
	return step == SQLITE_DONE ? 0 : db_error(e, c->db, "held posts");
}

/* A month or a day of a list, and how many of its posts a reader sees
 * there (held ones taken off). */
struct bucket {
	int64_t start, end, n;
	int year, month;
};

/* The list's buckets of span within [from, to), newest first, in a. */
static int
list_buckets(struct conn *c, struct arena *a, const struct list *l,
             const char *span, int64_t from, int64_t to, struct bucket **out,
             size_t *nout, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, SQL_COUNTS, e);
	size_t cap = 0;
	int step;

	*out = NULL;
	*nout = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, kinds[l->kind].listing);
	bind_text(st, 2, l->type);
	sqlite3_bind_int64(st, 3, l->key);
	bind_text(st, 4, span);
	sqlite3_bind_int64(st, 5, from);
	sqlite3_bind_int64(st, 6, to);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct bucket *b;

		*out = arena_grow(a, *out, &cap, *nout, sizeof(**out));
		b = &(*out)[(*nout)++];
		b->start = sqlite3_column_int64(st, 0);
		b->end = sqlite3_column_int64(st, 1);
		b->n = sqlite3_column_int64(st, 2);
		b->year = sqlite3_column_int(st, 3);
		b->month = sqlite3_column_int(st, 4);
		for (size_t i = 0; i < l->nheld; i++)
			if (l->held[i].at >= b->start && l->held[i].at < b->end)
				b->n--;
	}
	stmt_done(st);
	return step == SQLITE_DONE ? 0 : db_error(e, c->db, "list counts");
}

/* A UTC day's first second at or before t. */
static int64_t
day_floor(int64_t t)
{
	return t - ((t % 86400) + 86400) % 86400;
}

/* [from, to), inside one UTC day, as one bucket counted by rows. */
static int
part_bucket(struct conn *c, const struct list *l, int64_t from, int64_t to,
            struct bucket *b, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, SQL_COUNT_RANGE, e);
	int step;

	memset(b, 0, sizeof(*b));
	if (st == NULL)
		return -1;
	bind_text(st, 1, l->type);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		b->n = sqlite3_column_int64(st, 0);
	stmt_done(st);
	if (step != SQLITE_ROW)
		return db_error(e, c->db, "range count");
	b->start = from;
	b->end = to;
	for (size_t i = 0; i < l->nheld; i++)
		if (l->held[i].at >= from && l->held[i].at < to)
			b->n--;
	return 0;
}

/*
 * A date range that does not start and end on UTC days (a local day,
 * month or year in a zone other than UTC): its whole UTC days from the
 * day counts, and the parts of a day at either end counted by rows (at
 * most a day's posts each), newest first.
 */
static int
range_buckets(struct conn *c, struct arena *a, const struct list *l,
              struct bucket **out, size_t *nout, struct error *e)
{
	int64_t dfrom = day_floor(l->from) == l->from
	                        ? l->from
	                        : day_floor(l->from) + 86400;
	int64_t dto = day_floor(l->to);
	struct bucket *days = NULL, *b;
	size_t ndays = 0;

	if (dfrom >= dto) { /* within one UTC day, or across one midnight */
		dfrom = dto =
			l->to > day_floor(l->to) && day_floor(l->to) > l->from
				? day_floor(l->to)
				: l->from;
	} else if (list_buckets(c, a, l, "day", dfrom, dto, &days, &ndays, e) ==
	           -1)
		return -1;
	b = arena_alloc(a, (ndays + 2) * sizeof(*b));
	*out = b;
	*nout = 0;
	if (dto < l->to) {
		if (part_bucket(c, l, dto, l->to, &b[(*nout)++], e) == -1)
			return -1;
	}
	for (size_t i = 0; i < ndays; i++)
		b[(*nout)++] = days[i];
	if (l->from < dfrom) {
		if (part_bucket(c, l, l->from, dfrom, &b[(*nout)++], e) == -1)
			return -1;
	}
	return 0;
}

/*
 * The bucket of span within [from, to) holding the list's post number
 * pos (0 the newest; held posts not counted) into *at, and the number of
 * posts in them all into *total.
 */
static int
list_locate(struct conn *c, struct arena *a, const struct list *l,
            const char *span, int64_t from, int64_t to, int64_t pos,
            struct spot *at, int64_t *total, struct error *e)
{
	struct bucket *b;
	size_t n;

	memset(at, 0, sizeof(*at));
	*total = 0;
	if (strcmp(span, "range") == 0
	            ? range_buckets(c, a, l, &b, &n, e) == -1
	            : list_buckets(c, a, l, span, from, to, &b, &n, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!at->found && pos < *total + b[i].n) {
			at->found = 1;
			at->start = b[i].start;
			at->end = b[i].end;
			at->skip = pos - *total;
		}
		*total += b[i].n;
	}
	return 0;
}

/* A time on the first second of a UTC month (or INT64_MIN / INT64_MAX,
 * the ends of time). */
static int
month_aligned(int64_t t)
{
	char d[16];

	if (t == INT64_MIN || t == INT64_MAX)
		return 1;
	time_format(t, "%d %H%M%S", d, sizeof(d));
	return strcmp(d, "01 000000") == 0;
}

/* A time on the first second of a UTC day (or an end of time). */
static int
day_aligned(int64_t t)
{
	return t == INT64_MIN || t == INT64_MAX || day_floor(t) == t;
}

/* Up to limit - *n rows of st (bound but for ?3 and ?4) from skip. */
static int
list_rows(struct conn *c, struct arena *a, sqlite3_stmt *st, int64_t skip,
          int limit, struct post *out, size_t *n, struct error *e)
{
	int step = SQLITE_DONE;

	sqlite3_bind_int(st, 3, limit - (int)*n);
	sqlite3_bind_int64(st, 4, skip);
	while (*n < (size_t)limit && (step = sqlite3_step(st)) == SQLITE_ROW)
		post_row(a, st, &out[(*n)++]);
	stmt_done(st);
	return step == SQLITE_ROW || step == SQLITE_DONE
	               ? 0
	               : db_error(e, c->db, "post list");
}

/* Up to limit - *n posts of the list from the skip-th of those before
 * end, in its order. */
static int
list_walk(struct conn *c, struct arena *a, const struct list *l, int64_t end,
          int64_t skip, int limit, struct post *out, size_t *n, struct error *e)
{
	sqlite3_stmt *st = conn_stmt(c, kinds[l->kind].walk, e);

	if (st == NULL)
		return -1;
	bind_list(st, l);
	sqlite3_bind_int64(st, 6,
	                   l->kind != LIST_ACTIVITY && end > l->now + 1
	                           ? l->now + 1
	                           : end);
	sqlite3_bind_int64(st, 7, l->from);
	return list_rows(c, a, st, skip, limit, out, n, e);
}

/*
 * The posts of q's page and the list's total (either may be NULL).  The
 * front page's sticky posts come first; then the walk from the day that
 * holds the page's first other post.
 */
static int
list_page(struct conn *c, struct arena *a, struct list *l,
          const struct post_query *q, struct post **out, size_t *n,
          int64_t *total, struct error *e)
{
	int64_t month_total, day_total;
	/* the page's first post after the sticky ones, among those */
	int64_t pos;
	const char *span =
		month_aligned(l->from) && month_aligned(l->to) ? "month"
		: day_aligned(l->from) && day_aligned(l->to)   ? "day"
							       : "range";
	struct spot at;
	sqlite3_stmt *st;

	if (list_held(c, a, l, e) == -1)
		return -1;
	pos = q->offset > l->sticky ? q->offset - l->sticky : 0;
	if (list_locate(c, a, l, span, l->from, l->to, pos, &at, &month_total,
	                e) == -1)
		return -1;
	*total = l->sticky + month_total;
	if (out == NULL || q->limit <= 0 || q->offset < 0)
		return 0;
	*out = arena_alloc(a, (size_t)q->limit * sizeof(**out));
	if (q->offset < l->sticky) {
		st = conn_stmt(c, SQL_STICKY, e);
		if (st == NULL)
			return -1;
		bind_list(st, l);
		if (list_rows(c, a, st, q->offset, q->limit, *out, n, e) == -1)
			return -1;
	}
	if (*n == (size_t)q->limit || !at.found)
		return 0;
	if (strcmp(span, "month") == 0 &&
	    list_locate(c, a, l, "day", at.start, at.end, at.skip, &at,
	                &day_total, e) == -1)
		return -1;
	if (!at.found) /* the counts disagree: nothing rather than a guess */
		return 0;
	return list_walk(c, a, l, at.end, at.skip, q->limit, *out, n, e);
}

/* The list q names, its tag looked up; *none when it cannot have posts. */
static int
list_of(struct conn *c, const struct post_query *q, struct list *l, int *none,
        struct error *e)
{
	memset(l, 0, sizeof(*l));
	*none = 0;
	l->type = post_type_names[q->type];
	l->now = q->now;
	l->from = INT64_MIN;
	l->to = INT64_MAX;
	if (q->tag_slug != NULL) {
		sqlite3_stmt *st = conn_stmt(c, SQL_TAG_KEY, e);
		int step;

		if (st == NULL)
			return -1;
		bind_text(st, 1, q->tag_slug);
		step = sqlite3_step(st);
		if (step == SQLITE_ROW)
			l->key = sqlite3_column_int64(st, 0);
		stmt_done(st);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return db_error(e, c->db, "tag");
		*none = step == SQLITE_DONE;
		l->kind = LIST_TAG;
	} else if (q->to != 0) {
		l->kind = LIST_RANGE;
		l->from = q->from;
		l->to = q->to;
		*none = q->from >= q->to;
	} else if (q->section_id != 0) {
		l->kind = q->by_activity ? LIST_ACTIVITY : LIST_SECTION;
		l->key = q->section_id;
	} else
		l->kind = LIST_ALL;
	return 0;
}

/*
 * The calling thread's read connection in a read transaction, so that a
 * list's counts and its walk read one snapshot (a commit in between
 * would shift the page); page_end() ends both and returns rc.
 */
static struct conn *
page_begin(struct store *s, int *locked, struct error *e)
{
	struct conn *c = reader_get(s, locked, e);

	if (c != NULL && !*locked && reader_begin(c, e) == -1) {
		reader_put(s, *locked);
		return NULL;
	}
	return c;
}

static int
page_end(struct store *s, struct conn *c, int locked, int rc, struct error *e)
{
	if (!locked && reader_end(c, rc == 0 ? e : NULL) == -1)
		rc = -1;
	reader_put(s, locked);
	return rc;
}

static int
post_page(struct store *s, struct arena *a, const struct post_query *q,
          struct post **out, size_t *n, int64_t *total, struct error *e)
{
	int locked, rc, none;
	struct conn *c;
	struct list l;

	if (out != NULL) {
		*out = NULL;
		*n = 0;
	}
	*total = 0;
	c = page_begin(s, &locked, e);
	if (c == NULL)
		return -1;
	rc = list_of(c, q, &l, &none, e);
	if (rc == 0 && !none)
		rc = list_page(c, a, &l, q, out, n, total, e);
	return page_end(s, c, locked, rc, e);
}

int
store_post_list(struct store *s, struct arena *a, const struct post_query *q,
                struct post **out, size_t *n, struct error *e)
{
	int64_t total;

	return post_page(s, a, q, out, n, &total, e);
}

int
store_post_count(struct store *s, const struct post_query *q, int64_t *count,
                 struct error *e)
{
	struct arena *a = arena_new();
	int rc = post_page(s, a, q, NULL, NULL, count, e);

	arena_free(a);
	return rc;
}

int
store_post_page(struct store *s, struct arena *a, const struct post_query *q,
                struct post **out, size_t *n, int64_t *total, struct error *e)
{
	return post_page(s, a, q, out, n, total, e);
}

/*
 * The posts a local month gains at its start over the UTC month (its
 * local start is earlier, east of UTC) or loses (later, west): at most a
 * day's posts, counted by rows, held ones left out.
 */
static int
month_edge(struct conn *c, const struct list *l, int y, int m, int64_t *n,
           struct error *e)
{
	int64_t local = time_local_day(y, m, 1), utc;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1};
	struct bucket b;

	utc = (int64_t)timegm(&tm);
	*n = 0;
	if (local == utc)
		return 0;
	if (part_bucket(c, l, local < utc ? local : utc,
	                local < utc ? utc : local, &b, e) == -1)
		return -1;
	*n = local < utc ? b.n : -b.n;
	return 0;
}

/* The months of the UTC buckets b (newest first) as the site's local
 * months: each UTC month, and the one after and before it, which may
 * hold only posts moved across a month's end by the zone. */
static int
local_months(struct conn *c, struct arena *a, const struct list *l,
             const struct bucket *b, size_t nb, struct archive_month **out,
             size_t *n, struct error *e)
{
	size_t cap = 0;
	int last = INT32_MAX; /* year * 12 + month - 1 of the last one added */

	for (size_t i = 0; i < nb; i++) {
		int here = b[i].year * 12 + b[i].month - 1;

		for (int k = here + 1; k >= here - 1; k--) {
			int64_t utc = 0, in, out_of;
			int y = k / 12, m = k % 12 + 1;

			if (k >= last)
				continue;
			for (size_t j = 0; j < nb; j++)
				if (b[j].year * 12 + b[j].month - 1 == k)
					utc = b[j].n;
			if (month_edge(c, l, y, m, &in, e) == -1 ||
			    month_edge(c, l, (k + 1) / 12, (k + 1) % 12 + 1,
			               &out_of, e) == -1)
				return -1;
			last = k;
			if (utc + in - out_of <= 0)
				continue;
			*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
			(*out)[*n].year = y;
			(*out)[*n].month = m;
			(*out)[*n].count = utc + in - out_of;
			(*n)++;
		}
	}
	return 0;
}

int
store_archive_months(struct store *s, struct arena *a, int64_t now,
                     struct archive_month **out, size_t *n, struct error *e)
{
	struct list l = {.kind = LIST_RANGE, .type = "post", .now = now};
	int locked, rc;
	struct conn *c;
	struct bucket *b;
	size_t nb = 0;

	*out = NULL;
	*n = 0;
	c = page_begin(s, &locked, e);
	if (c == NULL)
		return -1;
	rc = list_held(c, a, &l, e);
	if (rc == 0)
		rc = list_buckets(c, a, &l, "month", INT64_MIN, INT64_MAX, &b,
		                  &nb, e);
	if (rc == 0)
		rc = local_months(c, a, &l, b, nb, out, n, e);
	return page_end(s, c, locked, rc, e);
}

/*
 * A feed's posts: the newest of a list by date only (a sticky post is
 * pinned on the front page, not in a reader's feed), one walk back from
 * now; a feed never needs the counts.
 */
int
store_newest_posts(struct store *s, struct arena *a, enum post_scope scope,
                   int64_t scope_id, int64_t now, int limit, struct post **out,
                   size_t *n, struct error *e)
{
	static const enum list_kind kind[SCOPE__MAX] = {LIST_RANGE,
	                                                LIST_SECTION, LIST_TAG};
	struct list l = {.type = "post",
	                 .key = scope_id,
	                 .now = now,
	                 .from = INT64_MIN,
	                 .to = INT64_MAX};
	int locked, rc;
	struct conn *c;

	*out = NULL;
	*n = 0;
	if (limit <= 0 || (unsigned)scope >= SCOPE__MAX)
		return 0;
	l.kind = kind[scope];
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	*out = arena_alloc(a, (size_t)limit * sizeof(**out));
	rc = list_walk(c, a, &l, INT64_MAX, 0, limit, *out, n, e);
	reader_put(s, locked);
	return rc;
}
